"""Checks of what clients send: the JSON body of items, and the page of the list."""

import json
from typing import NoReturn

from flask import abort, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import BaseConverter

from .errors import InvalidFields

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000
LIMIT_DEFAULT = 20
LIMIT_MAX = 100
# Python's int() refuses longer decimal strings, and json.dumps the ints they
# would make (its guard against quadratic conversions): an offset can have as
# many digits, with leading zeros on top.
MAX_DIGITS = 4300


class ItemId(BaseConverter):
    """An id in a path: up to 19 decimal digits, without sign or leading zeros.

    Any other text (abc, 0, -1, 007, 1.5, a hundred digits) matches no route: 404.
    """

    regex = r"[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def json_object() -> dict[str, object]:
    """The request body, which must be a JSON object: else 415, 413 or 400.

    The body must be `application/json` (a `charset` parameter, if any, utf-8),
    in UTF-8, and hold no unpaired UTF-16 surrogate (`"\\ud800"`), which is not
    text: it could not be stored, and would not be given back as sent.
    """
    charset = request.mimetype_params.get("charset", "utf-8")
    if request.mimetype != "application/json" or charset.lower() != "utf-8":
        abort(415)
    try:
        text = _body().decode("utf-8")
    except UnicodeDecodeError:
        bad_request("The body is not UTF-8.")
    try:
        data = json.loads(text, parse_constant=_not_json)
    except (ValueError, RecursionError):
        bad_request("The body is not valid JSON.")
    if not isinstance(data, dict):
        bad_request("The body must be a JSON object.")
    errors = [
        {"pointer": pointer, "detail": "This text holds an unpaired UTF-16 surrogate."}
        for pointer in _unpaired_surrogates(data)
    ]
    if errors:
        raise InvalidFields(errors, "The body holds text that is not Unicode.")
    return data


def item_fields(data: dict[str, object], *, partial: bool = False) -> dict[str, str]:
    """Return the item fields given in `data`, or answer 400 naming every fault.

    Every field is required unless `partial` (PATCH); a missing description is "".
    Other members are ignored.
    """
    fields: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    if not partial or "name" in data:
        name = _text(data, "name", NAME_MAX_LENGTH, errors, required=True)
        if name is not None:
            fields["name"] = name
    if not partial or "description" in data:
        description = _text(data, "description", DESCRIPTION_MAX_LENGTH, errors)
        if description is not None:
            fields["description"] = description
    if errors:
        raise InvalidFields(errors)
    return fields


def page_bounds(args: MultiDict[str, str]) -> tuple[int, int]:
    """`limit` (1 to 100, default 20) and `offset` (0 or more) of the query."""
    errors: list[dict[str, str]] = []
    limit = _count(args, "limit", LIMIT_DEFAULT, 1, LIMIT_MAX, errors)
    offset = _count(args, "offset", 0, 0, None, errors)
    if errors:
        raise InvalidFields(errors, "The page is not valid.")
    return limit, offset


def bad_request(message: str) -> NoReturn:
    abort(400, description=message)


def _body() -> bytes:
    """The request body: 413 past MAX_CONTENT_LENGTH, declared or not."""
    data = request.get_data()  # 413 when Content-Length is over the limit
    # Without a Content-Length (chunked), Werkzeug reads up to the limit and
    # stops: a body that goes on past it is too large as well.
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    unbounded = request.content_length is None and len(data) >= limit
    if unbounded and request.environ["wsgi.input"].read(1):
        abort(413)
    return data


def _not_json(constant: str) -> NoReturn:
    """NaN, Infinity and -Infinity: Python's json reads them, JSON has none."""
    raise ValueError(f"{constant} is not JSON")


def _unpaired_surrogates(data: object) -> list[str]:
    """JSON Pointers to every string (or member name) holding U+D800 to U+DFFF."""
    found: list[str] = []
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, str):
            if _has_surrogate(value):
                found.append(pointer)
        elif isinstance(value, dict):
            for key, member in value.items():
                if _has_surrogate(key):
                    found.append(pointer)
                else:
                    escaped = key.replace("~", "~0").replace("/", "~1")
                    stack.append((f"{pointer}/{escaped}", member))
        elif isinstance(value, list):
            stack.extend(
                (f"{pointer}/{index}", item) for index, item in enumerate(value)
            )
    return sorted(set(found))


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _text(
    data: dict[str, object],
    key: str,
    max_length: int,
    errors: list[dict[str, str]],
    *,
    required: bool = False,
) -> str | None:
    """The string `data[key]`, or None after adding an error to `errors`.

    A required field is trimmed and must not be blank; an optional one is kept
    as given, "" when absent.
    """
    pointer = f"/{key}"
    if key not in data:
        if required:
            errors.append({"pointer": pointer, "detail": f"{key} is required."})
            return None
        return ""
    value = data[key]
    if not isinstance(value, str):
        errors.append({"pointer": pointer, "detail": f"{key} must be a string."})
        return None
    if "\x00" in value:
        errors.append(
            {"pointer": pointer, "detail": f"{key} must not contain NUL characters."}
        )
        return None
    if required:
        value = value.strip()
        if not value:
            errors.append({"pointer": pointer, "detail": f"{key} must not be blank."})
            return None
    if len(value) > max_length:
        errors.append(
            {
                "pointer": pointer,
                "detail": f"{key} must be at most {max_length} characters.",
            }
        )
        return None
    return value


def _count(
    args: MultiDict[str, str],
    key: str,
    default: int,
    least: int,
    most: int | None,
    errors: list[dict[str, str]],
) -> int:
    given = args.getlist(key)
    if not given:
        return default
    if len(given) > 1:
        errors.append({"pointer": f"/{key}", "detail": f"{key} must be given once."})
        return default
    text = given[0]
    if text.isascii() and text.isdigit():
        digits = text.lstrip("0") or "0"
        if len(digits) > MAX_DIGITS:
            detail = f"{key} must have at most {MAX_DIGITS} digits."
            errors.append({"pointer": f"/{key}", "detail": detail})
            return default
        value = int(digits)
        if value >= least and (most is None or value <= most):
            return value
    bounds = f"from {least} to {most}" if most is not None else f"{least} or more"
    errors.append(
        {"pointer": f"/{key}", "detail": f"{key} must be a whole number {bounds}."}
    )
    return default
