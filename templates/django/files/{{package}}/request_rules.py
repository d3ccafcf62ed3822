"""What every request must be before a view sees it, on every path.

The rules of the API's "Requests" section (README), checked by ProblemMiddleware
first, whichever server runs the app (gunicorn, `manage.py runserver`, the test
client). Each broken rule is a `Refusal`: the status, a sentence, and the path
the problem names.
"""

import re
from typing import NamedTuple
from urllib.parse import quote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.http import HttpRequest

# The methods this API knows; any other token is 501 Not Implemented.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# The longest request line (method, target and version) and header block, in bytes.
REQUEST_LINE_MAX = 8192
HEADERS_MAX = 16384

# A "%" that does not start a percent-encoded byte.
BROKEN_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class Refusal(NamedTuple):
    status: int
    detail: str | None = None
    instance: str | None = None


def refusal_of(request: HttpRequest) -> Refusal | None:
    """The first rule `request` breaks, or None."""
    meta = request.META
    method = meta.get("REQUEST_METHOD", "")
    if method not in METHODS:
        return Refusal(501, f"The method {method[:20]} is not one this API implements.")
    target = raw_target(request)
    line = len(method) + 1 + len(target) + 1 + len(meta.get("SERVER_PROTOCOL", ""))
    if line > REQUEST_LINE_MAX:
        return Refusal(414)
    if header_bytes(meta) > HEADERS_MAX:
        return Refusal(431)
    path, _, query = target.partition("?")
    if not decodes(path):
        return Refusal(400, "The path is not valid percent-encoded UTF-8.", path)
    if not decodes(query):
        return Refusal(400, "The query is not valid percent-encoded UTF-8.")
    if content_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return Refusal(413)
    return None


def raw_target(request: HttpRequest) -> str:
    """The request target as the client sent it: path and query, still encoded.

    gunicorn and the development server give it as RAW_URI; elsewhere (the test
    client) it is encoded again from the decoded path, where Django has kept
    what does not decode as UTF-8 percent-encoded.
    """
    raw = request.META.get("RAW_URI")
    if raw:
        if not raw.startswith("/"):  # absolute form: http://host/path?query
            parts = urlsplit(raw)
            raw = parts.path + ("?" + parts.query if parts.query else "")
        return raw.partition("#")[0]
    path = quote(request.META.get("PATH_INFO", "/").encode("latin-1"), safe="/;=,%")
    query = request.META.get("QUERY_STRING", "")
    return path + ("?" + query if query else "")


def instance_of(request: HttpRequest) -> str:
    """The path a problem names: as sent where the server tells, else Django's."""
    raw = request.META.get("RAW_URI")
    if raw:
        return raw_target(request).partition("?")[0]
    return request.path


def decodes(part: str) -> bool:
    """Valid percent-encoding of UTF-8 text without NUL."""
    if BROKEN_PERCENT.search(part):
        return False
    # WSGI gives the bytes as latin-1 text: back to bytes, then decoded.
    data = unquote_to_bytes(part.encode("latin-1"))
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def header_bytes(meta: dict[str, object]) -> int:
    """The size of the request's header lines ("Name: value" and CRLF each)."""
    total = 0
    for key, value in meta.items():
        if key.startswith("HTTP_"):
            name = len(key) - len("HTTP_")
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            name = len(key)
        else:
            continue
        total += name + len(": ") + len(str(value)) + len("\r\n")
    return total


def content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
