"""Checks the JSON body of item requests."""

from typing import NoReturn

from flask import abort

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 500


def item_fields(data: object, *, partial: bool = False) -> dict[str, str]:
    """Return the item fields given in `data`, or answer 400 Bad Request.

    Every field is required unless `partial` (PATCH); a missing description is "".
    """
    if not isinstance(data, dict):
        bad_request("The request body must be a JSON object.")
    fields: dict[str, str] = {}
    if not partial or "name" in data:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            bad_request("'name' must be a non-empty string.")
        if len(name) > NAME_MAX_LENGTH:
            bad_request(f"'name' must be at most {NAME_MAX_LENGTH} characters.")
        fields["name"] = name.strip()
    if not partial or "description" in data:
        description = data.get("description", "")
        if not isinstance(description, str):
            bad_request("'description' must be a string.")
        if len(description) > DESCRIPTION_MAX_LENGTH:
            bad_request(
                f"'description' must be at most {DESCRIPTION_MAX_LENGTH} characters."
            )
        fields["description"] = description
    return fields


def bad_request(message: str) -> NoReturn:
    abort(400, description=message)
