"""Every error is answered as RFC 9457 problem details (application/problem+json).

{"type": "about:blank", "title": "Not Found", "status": 404,
 "detail": "Item 42 not found.", "instance": "/items/42"}

A validation failure adds "errors": [{"pointer": "/name", "detail": "..."}].
The app's errors go through `register_error_handlers`; the requests refused
before the app routes them (`request_checks.py`) and the servers' own answers
(`gunicorn_worker.py`, `__main__.py`) use `problem()` too.
"""

import json
from http import HTTPStatus
from urllib.parse import urlsplit
from wsgiref.types import WSGIEnvironment

from flask import Flask, Response, request
from werkzeug.exceptions import BadRequest, HTTPException

PROBLEM_JSON = "application/problem+json"

# RFC 9110 names; Python before 3.13 still says "Request Entity Too Large" and
# "Request-URI Too Long".
TITLES = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
}

# One sentence per status, for the errors raised without a detail of their own
# (Werkzeug's defaults are paragraphs).
DETAILS = {
    400: "The request is not valid.",
    401: "This path needs a valid bearer token.",
    404: "There is nothing at this path.",
    405: "This path does not accept this method.",
    413: "The body is larger than the server accepts (1 MiB).",
    414: "The request line is longer than the server accepts.",
    415: "The body must be JSON (Content-Type: application/json).",
    431: "The request headers are larger than the server accepts.",
    500: "The server could not answer the request.",
    501: "The server does not implement this method.",
}


class InvalidFields(BadRequest):
    """400 Bad Request naming each field that broke a rule."""

    def __init__(
        self, errors: list[dict[str, str]], description: str = "The item is not valid."
    ) -> None:
        super().__init__(description=description)
        self.errors = errors


def title(status: int) -> str:
    return TITLES.get(status) or HTTPStatus(status).phrase


def detail(status: int) -> str:
    return DETAILS.get(status) or title(status) + "."


def problem(status: int, text: str, instance: str | None, **members: object) -> bytes:
    """The body of a problem; `instance` is left out when the path is unknown."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title(status),
        "status": status,
        "detail": text,
    }
    if instance is not None:
        body["instance"] = instance
    body.update(members)
    return json.dumps(body).encode()


def request_path(environ: WSGIEnvironment) -> str:
    """The path as the client sent it: still percent-encoded, without the query."""
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not isinstance(target, str) or not target:
        return str(environ.get("PATH_INFO") or "/")
    if not target.startswith("/"):  # the absolute form: http://host/path
        return urlsplit(target).path or "/"
    return target.split("?", 1)[0].split("#", 1)[0]


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException) -> Response:
        # Also called for unhandled exceptions, as a 500 Internal Server Error
        # (the exception itself is logged, never sent to the client).
        response = error.get_response()  # keeps headers such as Allow
        status = response.status_code
        text = error.description
        if not text or text == type(error).description:  # Werkzeug's default text
            text = detail(status)
        members = {"errors": error.errors} if isinstance(error, InvalidFields) else {}
        response.data = problem(status, text, request_path(request.environ), **members)
        response.content_type = PROBLEM_JSON
        response.status = f"{status} {title(status)}"
        return response
