"""Errors are answered as JSON: {"error": "Not Found", "message": "..."}."""

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException) -> Response:
        # Also called for unhandled exceptions, as a 500 Internal Server Error
        # (the exception itself is logged, never sent to the client).
        response = error.get_response()
        response.data = json.dumps({"error": error.name, "message": error.description})
        response.content_type = "application/json"
        return response
