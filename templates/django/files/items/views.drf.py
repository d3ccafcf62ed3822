from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Item
from .pagination import page_bounds, page_of
from .serializers import ItemSerializer


class ItemPagination(BasePagination):
    """The page object: {"items": [...], "limit": 20, "offset": 0, "total": 42}."""

    def paginate_queryset(
        self, queryset: QuerySet[Item], request: Request, view: APIView | None = None
    ) -> list[Item]:
        self.limit, self.offset = page_bounds(request.query_params)
        items, self.total = page_of(queryset, self.limit, self.offset)
        return items

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "items": data,
                "limit": self.limit,
                "offset": self.offset,
                "total": self.total,
            }
        )


class ItemViewSet(viewsets.ModelViewSet):
    """List, create, retrieve, update and delete items."""

    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    pagination_class = ItemPagination
    # Ids are matched by items.converters.ItemIdConverter: others are 404.
    lookup_url_kwarg = "item_id"
    lookup_value_converter = "item_id"

    def get_object(self) -> Item:
        item_id = self.kwargs["item_id"]
        item = self.get_queryset().filter(pk=item_id).first()
        if item is None:
            raise NotFound(f"Item {item_id} not found.")
        self.check_object_permissions(self.request, item)
        return item

    def perform_update(self, serializer: ItemSerializer) -> None:
        if serializer.partial and not serializer.validated_data:
            return  # PATCH {} changes nothing, not even updated_at
        serializer.save()

    def get_success_headers(self, data: Any) -> dict[str, str]:
        return {"Location": reverse("item-detail", args=[data["id"]])}
