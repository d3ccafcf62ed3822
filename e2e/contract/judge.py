"""Expectations: each returns what is wrong with an answer (an empty list: as the contract says)."""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any

from .http import Answer

Problems = list[str]

MAX_ID = 2_147_483_647
# RFC 9110's reason phrases where Python's table still has older ones.
TITLES = {413: "Content Too Large", 414: "URI Too Long"}
TRACE_MARKERS = ("Traceback (most recent call last)", "\n    at ", "node:internal", "Exception in thread")
INSTANCE_OPTIONAL = "optional"  # the server may answer before it has read the path


def body_json(ans: Answer) -> tuple[Any, Problems]:
    try:
        return ans.json(), []
    except (ValueError, UnicodeDecodeError):
        return None, ["the body is not JSON"]


def expect_status(ans: Answer, *statuses: int) -> Problems:
    if ans.error:
        return [ans.error]
    return [] if ans.status in statuses else [f"status {ans.status}, not {' or '.join(map(str, statuses))}"]


def title_of(status: int) -> str:
    return TITLES.get(status) or HTTPStatus(status).phrase


def expect_problem(ans: Answer, status: int, path: str, pointers: tuple[str, ...] = (),
                   instance: str | None = None) -> Problems:
    """The answer is `status` with an RFC 9457 problem body as the contract describes it.
    `instance` is the path as sent, without the query; INSTANCE_OPTIONAL lets it be absent."""
    wrong = expect_status(ans, status)
    if wrong:
        return wrong
    return problem_body(ans, status, path, pointers, instance)


def problem_body(ans: Answer, status: int, path: str, pointers: tuple[str, ...] = (),
                 instance: str | None = None) -> Problems:
    wrong: Problems = []
    if ans.media_type != "application/problem+json":
        wrong.append(f"Content-Type {ans.content_type or '(none)'}, not application/problem+json")
    text = ans.body.decode("utf-8", "replace")
    if any(marker in text for marker in TRACE_MARKERS):
        wrong.append("the body holds a stack trace")
    body, bad = body_json(ans)
    if bad:
        return wrong + bad
    if not isinstance(body, dict):
        return wrong + ["the body is not a JSON object"]
    expected: dict[str, Any] = {"type": "about:blank", "title": title_of(status), "status": status}
    if instance == INSTANCE_OPTIONAL:
        if "instance" in body and body["instance"] != path.split("?")[0]:
            wrong.append(f"instance is {body['instance']!r}, not {path.split('?')[0]!r} (or absent)")
    else:
        expected["instance"] = instance if instance is not None else path.split("?")[0]
    for key, value in expected.items():
        if body.get(key) != value:
            wrong.append(f"{key} is {body.get(key)!r}, not {value!r}")
    if not isinstance(body.get("detail"), str) or not body["detail"].strip():
        wrong.append("detail is not a sentence")
    if pointers:
        wrong += errors_problems(body, pointers)
    return wrong


def errors_problems(body: dict, pointers: tuple[str, ...]) -> Problems:
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors:
        return ["no errors member"]
    wrong = []
    for entry in errors:
        if not (isinstance(entry, dict) and isinstance(entry.get("pointer"), str) and isinstance(entry.get("detail"), str)):
            wrong.append(f"errors entry {entry!r} is not {{pointer, detail}}")
    given = {e.get("pointer") for e in errors if isinstance(e, dict)}
    for pointer in pointers:
        if pointer not in given:
            wrong.append(f"no error with pointer {pointer} (pointers: {sorted(map(str, given))})")
    return wrong


def expect_json(ans: Answer, status: int) -> tuple[Any, Problems]:
    wrong = expect_status(ans, status)
    if wrong:
        return None, wrong
    if ans.media_type != "application/json":
        wrong.append(f"Content-Type {ans.content_type or '(none)'}, not application/json")
    body, bad = body_json(ans)
    return body, wrong + bad


def is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def expect_item(ans: Answer, status: int, **members: Any) -> tuple[Any, Problems]:
    body, wrong = expect_json(ans, status)
    if wrong:
        return body, wrong
    if not isinstance(body, dict):
        return body, ["the body is not an item object"]
    if not is_id(body.get("id")):
        wrong.append(f"id is {body.get('id')!r}, not an integer 1..{MAX_ID}")
    for key, value in members.items():
        if body.get(key) != value:
            wrong.append(f"{key} is {shorten(body.get(key))!r}, not {shorten(value)!r}")
    return body, wrong


def shorten(value: Any) -> Any:
    return value[:40] + f"… ({len(value)} characters)" if isinstance(value, str) and len(value) > 50 else value


def methods_of(allow: str) -> set[str]:
    return {m.strip().upper() for m in allow.split(",") if m.strip()}


def expect_allow(ans: Answer, methods: set[str]) -> Problems:
    allow = ans.headers.get("allow")
    if allow is None:
        return ["no Allow header"]
    given = methods_of(allow) - {"HEAD", "OPTIONS"}
    return [] if given == methods else [f"Allow is {allow!r}, not {', '.join(sorted(methods))}"]


CHALLENGE_PARAM = re.compile(r'([A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)')


def challenge(ans: Answer) -> tuple[str, dict[str, str]] | None:
    """WWW-Authenticate's scheme (lower case) and parameters, or None without the header."""
    value = ans.headers.get("www-authenticate")
    if value is None:
        return None
    scheme, _, rest = value.strip().partition(" ")
    params = {k.lower(): v.strip('"') for k, v in CHALLENGE_PARAM.findall(rest)}
    return scheme.lower(), params


def expect_unauthorized(ans: Answer, path: str, invalid_token: bool) -> Problems:
    """401 problem with `WWW-Authenticate: Bearer` (and `error="invalid_token"` when a token was
    given); other parameters (realm, error_description) are allowed."""
    wrong = expect_problem(ans, 401, path)
    if ans.error or ans.status != 401:
        return wrong
    found = challenge(ans)
    if found is None:
        return wrong + ["no WWW-Authenticate header"]
    scheme, params = found
    if scheme != "bearer":
        wrong.append(f"WWW-Authenticate is {ans.headers['www-authenticate']!r}, not the Bearer scheme")
    elif invalid_token and params.get("error") != "invalid_token":
        wrong.append(f"WWW-Authenticate is {ans.headers['www-authenticate']!r}, without error=\"invalid_token\"")
    elif not invalid_token and "error" in params:
        wrong.append(f"WWW-Authenticate is {ans.headers['www-authenticate']!r}: an error where no token was sent")
    return wrong


def expect_empty_body(ans: Answer) -> Problems:
    wrong = []
    if ans.body:
        wrong.append(f"the body is not empty ({len(ans.body)} bytes)")
    if ans.extra:
        wrong.append(f"{len(ans.extra)} bytes follow the answer")
    return wrong


def compact(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"
