"""Django REST framework set to the API's rules; `REST_FRAMEWORK` in settings names these.

- StrictJSONParser: JSON only, UTF-8 only, text checked (bodies.check_text), deep
  nesting a 400.
- StringField: a CharField that refuses what is not a JSON string.
- NoMetadata: OPTIONS answers 200 with `Allow` and an empty body (REST framework's
  default describes the view in JSON).
- exception_handler: REST framework's errors as problems.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from rest_framework import exceptions, serializers
from rest_framework.metadata import BaseMetadata
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings

from .bodies import CHARSETS, charset_of, check_text
from .problems import Problem, answer, problem

if TYPE_CHECKING:
    # Only for the annotations: rest_framework.views reads the settings that name
    # this module, so it cannot be imported while this module loads.
    from rest_framework.request import Request
    from rest_framework.views import APIView


class StrictJSONParser(JSONParser):
    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        # REST framework passes the whole Content-Type, parameters included.
        if charset_of(media_type or "") not in CHARSETS:
            raise exceptions.UnsupportedMediaType(media_type or "")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError() from error
        check_text(data)
        return data


class StringField(serializers.CharField):
    """A CharField that takes only JSON strings: 123 is an error, not "123"."""

    default_error_messages = {"invalid": "Enter a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class NoMetadata(BaseMetadata):
    def determine_metadata(self, request: "Request", view: "APIView") -> None:
        return None  # rendered as an empty body


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """REST framework's errors as problems (its EXCEPTION_HANDLER setting).

    Other exceptions are left to Django: a 500, made a problem by ProblemMiddleware.
    """
    from rest_framework.views import set_rollback

    request = context["request"]
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, Problem):
        set_rollback()
        return answer(request, exc)
    if isinstance(exc, exceptions.ValidationError):
        set_rollback()
        errors = list(pointers(exc.detail))
        return problem(request, 400, "The request body is not valid.", errors)
    if isinstance(exc, exceptions.ParseError):
        return problem(request, 400, "The body is not valid JSON.")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return problem(request, 415)
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        response = problem(request, exc.status_code, str(exc.detail))
        if getattr(exc, "auth_header", None):
            response["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            response["Retry-After"] = str(int(exc.wait))
        return response
    return None


def pointers(detail: Any, pointer: str = "") -> Iterator[dict[str, str]]:
    """The errors of a ValidationError, each with a JSON Pointer into the body."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            key_pointer = "" if key == api_settings.NON_FIELD_ERRORS_KEY else f"/{key}"
            yield from pointers(value, pointer + key_pointer)
    elif isinstance(detail, list):
        for value in detail:
            yield from pointers(value, pointer)
    else:
        yield {"pointer": pointer, "detail": str(detail)}
