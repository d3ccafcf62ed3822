"""Every error is answered as RFC 9457 problem details (application/problem+json).

{"type": "about:blank", "title": "Not Found", "status": 404,
 "detail": "Item 42 not found.", "instance": "/items/42"}

A validation failure adds "errors": [{"pointer": "/name", "detail": "..."}].
"""

from http import HTTPStatus

from flask import Flask, Response, json, request
from werkzeug.exceptions import BadRequest, HTTPException

# RFC 9110 names; Python before 3.13 still says "Request Entity Too Large".
TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}

# One sentence per status, for the errors raised without a detail of their own
# (Werkzeug's defaults are paragraphs).
DETAILS = {
    400: "The request is not valid.",
    404: "There is nothing at this path.",
    405: "This path does not accept this method.",
    413: "The body is larger than the server accepts.",
    415: "The body must be JSON (Content-Type: application/json).",
    500: "The server could not answer the request.",
}


class InvalidFields(BadRequest):
    """400 Bad Request naming each field that broke a rule."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(description="The item is not valid.")
        self.errors = errors


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException) -> Response:
        # Also called for unhandled exceptions, as a 500 Internal Server Error
        # (the exception itself is logged, never sent to the client).
        response = error.get_response()  # keeps headers such as Allow
        status = response.status_code
        detail = error.description
        if detail == type(error).description:  # Werkzeug's default text
            detail = DETAILS.get(status, HTTPStatus(status).phrase + ".")
        body: dict[str, object] = {
            "type": "about:blank",
            "title": TITLES.get(status, HTTPStatus(status).phrase),
            "status": status,
            "detail": detail,
            "instance": request.path,
        }
        if isinstance(error, InvalidFields):
            body["errors"] = error.errors
        response.data = json.dumps(body)
        response.content_type = "application/problem+json"
        return response
