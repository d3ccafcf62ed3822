"""Every error is answered as RFC 9457 problem details (application/problem+json).

{"type": "about:blank", "title": "Not Found", "status": 404,
 "detail": "Item 42 not found.", "instance": "/items/42"}

A validation failure adds "errors": [{"pointer": "/name", "detail": "..."}].
"""

import json
from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

from .request_rules import instance_of, refusal_of

CONTENT_TYPE = "application/problem+json"

# RFC 9110 names; Python before 3.13 still says "Request Entity Too Large" and
# "Request-URI Too Long".
TITLES = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
}

# One sentence per status, for the errors that come without a detail of their own.
DETAILS = {
    400: "The request is not valid.",
    401: "A valid token is needed: Authorization: Bearer <token>.",
    403: "This request is not allowed.",
    404: "There is nothing at this path.",
    405: "This path does not accept this method.",
    413: "The body is larger than the server accepts.",
    414: "The request line is longer than the server accepts.",
    415: "The body must be JSON (Content-Type: application/json).",
    429: "Too many requests: try again later.",
    431: "The request headers are larger than the server accepts.",
    500: "The server could not answer the request.",
    501: "The server does not implement this method.",
}

# Headers of an error answer that a problem made in its place keeps.
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


class Problem(Exception):
    """Raised by a view to answer with a problem: status, detail, errors, and
    headers of the answer (such as Retry-After)."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def title_of(status: int) -> str:
    return TITLES.get(status, HTTPStatus(status).phrase)


def problem_body(
    status: int,
    detail: str | None = None,
    instance: str | None = None,
    errors: list[dict[str, str]] | None = None,
) -> bytes:
    """The JSON of a problem; the servers' own errors use it too (no Django needed)."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title_of(status),
        "status": status,
        "detail": detail or DETAILS.get(status, HTTPStatus(status).phrase + "."),
    }
    if instance is not None:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return json.dumps(body).encode()


def problem(
    request: HttpRequest,
    status: int,
    detail: str | None = None,
    errors: list[dict[str, str]] | None = None,
    instance: str | None = None,
) -> HttpResponse:
    body = problem_body(status, detail, instance or instance_of(request), errors)
    response = HttpResponse(
        body, status=status, content_type=CONTENT_TYPE, reason=title_of(status)
    )
    # The length, also where no later middleware (CommonMiddleware) sets it: a
    # client that sent no body yet knows where the answer ends.
    response["Content-Length"] = str(len(body))
    return response


def answer(request: HttpRequest, raised: Problem) -> HttpResponse:
    """The answer a raised `Problem` stands for."""
    response = problem(request, raised.status, raised.detail, raised.errors)
    for name, value in raised.headers.items():
        response[name] = value
    return response


class ProblemMiddleware:
    """The outermost middleware: the request rules, and problems for every error.

    - A request that breaks a rule of `request_rules` (an unknown method, an
      over-long request line or headers, a path or query that cannot be
      decoded, a body over DATA_UPLOAD_MAX_MEMORY_SIZE) is refused before
      anything reads it.
    - A `Problem` raised by a view becomes its answer.
    - Any other answer of status 400 or more that is not yet a problem (Django's
      HTML pages for 404 and 500, also the debug pages of DEBUG=true, an empty
      405) is replaced by one; the exception of a 500 is logged, never sent.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = refusal_of(request)
        if refusal is not None:
            return problem(
                request, refusal.status, refusal.detail, None, refusal.instance
            )
        response = self.get_response(request)
        if response.status_code < 400 or response.get("Content-Type") == CONTENT_TYPE:
            return response
        replacement = problem(request, response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                replacement[header] = response[header]
        return replacement

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if isinstance(exception, Problem):
            return answer(request, exception)
        return None
