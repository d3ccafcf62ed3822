"""Checks of what clients send: the JSON body of items, and the page of the list."""

from typing import NoReturn

from flask import abort, json, request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import BaseConverter

from .errors import InvalidFields

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000
LIMIT_DEFAULT = 20
LIMIT_MAX = 100


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
    """The request body, which must be a JSON object: else 415, 413 or 400."""
    if not request.is_json:
        abort(415)
    try:
        # Reading the body answers 413 when it is larger than MAX_CONTENT_LENGTH.
        data = json.loads(request.get_data())
    except (ValueError, RecursionError):
        bad_request("The body is not valid JSON.")
    if not isinstance(data, dict):
        bad_request("The body must be a JSON object.")
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
        raise InvalidFields(errors)
    return limit, offset


def bad_request(message: str) -> NoReturn:
    abort(400, description=message)


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
    text = args.get(key)
    if text is None:
        return default
    if text.isascii() and text.isdigit():
        value = int(text)
        if value >= least and (most is None or value <= most):
            return value
    bounds = f"from {least} to {most}" if most is not None else f"{least} or more"
    errors.append(
        {"pointer": f"/{key}", "detail": f"{key} must be a whole number {bounds}."}
    )
    return default
