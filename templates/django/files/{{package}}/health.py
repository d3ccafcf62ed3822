from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse

METHODS = ["GET", "HEAD", "OPTIONS"]


class HealthCheckMiddleware:
    """Answers /health before every other middleware.

    Load balancers and container health checks call it by IP address and over
    plain HTTP: answering here keeps the host name check (ALLOWED_HOSTS) and
    the redirect to HTTPS from refusing them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != "/health":
            return self.get_response(request)
        if request.method == "OPTIONS":
            return HttpResponse(headers={"Allow": ", ".join(METHODS)})
        if request.method not in METHODS:
            return HttpResponseNotAllowed(METHODS)
        return JsonResponse({"status": "ok"})
