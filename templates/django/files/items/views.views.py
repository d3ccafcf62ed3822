"""The items API as plain Django views that speak JSON.

The views are exempt from CSRF checks because they read JSON bodies and use no
cookie-based authentication. If you protect them with the session login of
the admin, remove `csrf_exempt` and send the CSRF token from your client.
"""

import json

from django.http import HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from .forms import ItemForm
from .models import Item


def item_to_dict(item):
    return {
        "id": item.pk,
        "name": item.name,
        "description": item.description,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def read_json_object(request):
    """The request body as a dict, or None when it is not a JSON object."""
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def error(detail, status):
    return JsonResponse({"detail": detail}, status=status)


def save_form(form, status):
    if not form.is_valid():
        errors = {
            field: [e["message"] for e in errs]
            for field, errs in form.errors.get_json_data().items()
        }
        return JsonResponse(errors, status=400)
    return JsonResponse(item_to_dict(form.save()), status=status)


@method_decorator(csrf_exempt, name="dispatch")
class ItemListView(View):
    def get(self, request):
        return JsonResponse(
            [item_to_dict(item) for item in Item.objects.all()], safe=False
        )

    def post(self, request):
        data = read_json_object(request)
        if data is None:
            return error("The request body must be a JSON object.", 400)
        return save_form(ItemForm(data), 201)


@method_decorator(csrf_exempt, name="dispatch")
class ItemDetailView(View):
    def dispatch(self, request, *args, pk, **kwargs):
        self.item = Item.objects.filter(pk=pk).first()
        if self.item is None:
            return error("Not found.", 404)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return JsonResponse(item_to_dict(self.item))

    def put(self, request):
        data = read_json_object(request)
        if data is None:
            return error("The request body must be a JSON object.", 400)
        return save_form(ItemForm(data, instance=self.item), 200)

    def patch(self, request):
        data = read_json_object(request)
        if data is None:
            return error("The request body must be a JSON object.", 400)
        current = {"name": self.item.name, "description": self.item.description}
        return save_form(ItemForm({**current, **data}, instance=self.item), 200)

    def delete(self, request):
        self.item.delete()
        return HttpResponse(status=204)
