from django.http import JsonResponse
from django.views.decorators.http import require_safe


@require_safe
def health(request):
    """Liveness check for load balancers and orchestrators."""
    return JsonResponse({"status": "ok"})
