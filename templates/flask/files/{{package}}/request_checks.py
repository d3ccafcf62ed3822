"""What every request must be before the app routes it.

`create_app()` puts `RequestChecks` in front of the app, so gunicorn, Werkzeug's
development server and Flask's test client all apply the same rules, on every
path. A request that breaks one is answered here with a problem:

- a request line (method, target, version) over 8192 bytes: 414;
- request headers over 16384 bytes in all: 431;
- a URL with a stray `%`, a space or control character, percent-encoded bytes
  that are not UTF-8, or an encoded NUL in the path: 400;
- a method other than GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS: 501;
- a Content-Length that is not a number: 400; one over MAX_CONTENT_LENGTH: 413
  at once, before any of the body is read.
"""

import re
from collections.abc import Iterable
from urllib.parse import unquote_to_bytes
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from werkzeug.wrappers import Response

from .errors import PROBLEM_JSON, detail, problem, request_path, title

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Bytes of the request line without its CRLF (gunicorn.conf.py gives gunicorn
# the same limit).
REQUEST_LINE_MAX = 8192
HEADERS_MAX = 16384

_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class RequestChecks:
    """WSGI middleware: refuses a request that breaks a rule above."""

    def __init__(self, app: WSGIApplication, max_content_length: int) -> None:
        self.app = app
        self.max_content_length = max_content_length

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        refused = refusal(environ, self.max_content_length)
        if refused is None:
            return self.app(environ, start_response)
        status, text = refused
        body = problem(status, text, request_path(environ))
        status_line = f"{status} {title(status)}"
        response = Response(body, status=status_line, content_type=PROBLEM_JSON)
        return response(environ, start_response)


def refusal(
    environ: WSGIEnvironment, max_content_length: int
) -> tuple[int, str] | None:
    """The status and detail a request is refused with, or None."""
    method = environ.get("REQUEST_METHOD", "")
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    version = environ.get("SERVER_PROTOCOL", "")
    if len(method) + len(target) + len(version) + 2 > REQUEST_LINE_MAX:
        return 414, f"The request line is longer than {REQUEST_LINE_MAX} bytes."
    if _header_bytes(environ) > HEADERS_MAX:
        return 431, f"The request headers are longer than {HEADERS_MAX} bytes."
    fault = url_fault(target)
    if fault is not None:
        return 400, fault
    if method not in METHODS:
        return 501, detail(501)
    length = environ.get("CONTENT_LENGTH") or ""
    if length:
        if not (length.isascii() and length.isdigit()):
            return 400, "Content-Length is not a number of bytes."
        if int(length) > max_content_length:
            return 413, detail(413)
    return None


def url_fault(target: str) -> str | None:
    """What is wrong with a request target as the client sent it, or None.

    Servers give the target as a WSGI string: each byte as one Latin-1 character.
    """
    target = target.split("#", 1)[0]
    if _SPACE_OR_CONTROL.search(target):
        return "The URL holds a space or a control character."
    if _STRAY_PERCENT.search(target):
        return "The URL holds a % that is not followed by two hexadecimal digits."
    path, _, query = target.partition("?")
    decoded_path = unquote_to_bytes(path.encode("latin-1", "replace"))
    decoded_query = unquote_to_bytes(query.encode("latin-1", "replace"))
    try:
        decoded_path.decode("utf-8")
        decoded_query.decode("utf-8")
    except UnicodeDecodeError:
        return "The URL holds bytes that are not UTF-8."
    if b"\x00" in decoded_path:
        return "The path holds an encoded NUL character (%00)."
    return None


def _header_bytes(environ: WSGIEnvironment) -> int:
    """The size of the request's header lines, each `Name: value` and its CRLF."""
    total = 0
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            total += len(key) - len("HTTP_") + len(value) + 4
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            total += len(key) + len(value) + 4
    return total
