#!/usr/bin/env python3
"""Checks a running project against the HTTP contract in docs/api-contract.md.

    python3 e2e/conformance.py BASE_URL [--profile rest|graphql] [--json] [--list]

Every check sends one request (or a short, bounded sequence) and compares the answer with what
the contract says. The report names, per check, the request, what was expected and what came
back; it ends with `N passed, N failed` and exits 1 if any check failed (2 on bad usage).
Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Callable

TIMEOUT = 15  # seconds per request
MIB = 1024 * 1024
JSON = {"Content-Type": "application/json"}
TITLES = {413: "Content Too Large"}  # RFC 9110 names; Python 3.11 still has the old phrase
TRACE_MARKERS = ("Traceback (most recent call last)", "\n    at ", "node:internal", "Exception in thread")
MAX_ID = 2_147_483_647
BAD_IDS = ("abc", "0", "-1", "1.5", "007", "2147483648", "99999999999999999999999")
ITEM_METHODS = {"GET", "PUT", "PATCH", "DELETE"}
LIST_METHODS = {"GET", "POST"}
CONCURRENT_CREATES = 20


# --------------------------------------------------------------------------------------------
# HTTP


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    error: str | None = None  # set when no HTTP answer came back

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def describe(self) -> str:
        if self.error:
            return self.error
        text = self.body.decode("utf-8", "replace")
        if len(text) > 300:
            text = text[:300] + f"… ({len(self.body)} bytes)"
        parts = [str(self.status)]
        if self.content_type:
            parts.append(self.content_type)
        for name in ("location", "allow"):
            if name in self.headers:
                parts.append(f"{name.title()}: {self.headers[name]}")
        parts.append(repr(text) if text else "empty body")
        return ", ".join(parts)


class Client:
    def __init__(self, base_url: str) -> None:
        url = urllib.parse.urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"not an http(s) URL: {base_url}")
        self.scheme, self.host, self.port = url.scheme, url.hostname, url.port
        self.prefix = url.path.rstrip("/")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        conn = cls(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.putrequest(method, self.prefix + path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders()
            if body:
                try:
                    # In pieces: a server may answer (413) and close before reading it all.
                    for start in range(0, len(body), 64 * 1024):
                        conn.send(body[start : start + 64 * 1024])
                except (BrokenPipeError, ConnectionResetError):
                    pass
            resp = conn.getresponse()
            data = resp.read()
            return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        except (OSError, http.client.HTTPException) as e:
            return Answer(0, {}, b"", error=f"no answer: {type(e).__name__}: {e}")
        finally:
            conn.close()

    def send_json(self, method: str, path: str, value: Any, headers: dict | None = None) -> Answer:
        return self.request(method, path, json.dumps(value).encode(), {**JSON, **(headers or {})})


# --------------------------------------------------------------------------------------------
# Expectations: each returns a list of what is wrong with the answer (empty: as expected).

Problems = list[str]
Ctx = dict[str, Any]


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


def expect_problem(ans: Answer, status: int, path: str, pointers: tuple[str, ...] = ()) -> Problems:
    """The answer is `status` with an RFC 9457 problem body as the contract describes it."""
    wrong = expect_status(ans, status)
    if wrong:
        return wrong
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
    expected = {"type": "about:blank", "title": title_of(status), "status": status, "instance": path.split("?")[0]}
    for key, value in expected.items():
        if body.get(key) != value:
            wrong.append(f"{key} is {body.get(key)!r}, not {value!r}")
    if not isinstance(body.get("detail"), str) or not body["detail"].strip():
        wrong.append("detail is not a sentence")
    if pointers:
        errors = body.get("errors")
        if not isinstance(errors, list) or not errors:
            wrong.append("no errors member")
        else:
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


def expect_item(ans: Answer, status: int, **members: Any) -> tuple[Any, Problems]:
    body, wrong = expect_json(ans, status)
    if wrong:
        return body, wrong
    if not isinstance(body, dict):
        return body, ["the body is not an item object"]
    if not (isinstance(body.get("id"), int) and not isinstance(body.get("id"), bool) and 1 <= body["id"] <= MAX_ID):
        wrong.append(f"id is {body.get('id')!r}, not an integer 1..{MAX_ID}")
    for key, value in members.items():
        if body.get(key) != value:
            wrong.append(f"{key} is {body.get(key)!r}, not {value!r}")
    return body, wrong


def expect_allow(ans: Answer, methods: set[str]) -> Problems:
    allow = ans.headers.get("allow")
    if allow is None:
        return ["no Allow header"]
    given = {m.strip().upper() for m in allow.split(",") if m.strip()} - {"HEAD", "OPTIONS"}
    return [] if given == methods else [f"Allow is {allow!r}, not {', '.join(sorted(methods))}"]


# --------------------------------------------------------------------------------------------
# Checks as data


@dataclass
class Check:
    name: str
    request: str  # what is sent, as the report shows it
    expected: str
    run: Callable[[Client, Ctx], tuple[Answer | None, Problems]]
    profiles: tuple[str, ...] = ("rest",)
    needs_item: bool = False


@dataclass
class Outcome:
    check: Check
    problems: Problems
    got: str
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.problems


CHECKS: list[Check] = []


def check(name: str, request: str, expected: str, profiles=("rest",), needs_item=False):
    def register(fn):
        CHECKS.append(Check(name, request, expected, fn, tuple(profiles), needs_item))
        return fn

    return register


def simple(name: str, method: str, path: str, expected: str, judge: Callable[[Answer, str], Problems], *,
           body: bytes | None = None, headers: dict | None = None, profiles=("rest",), needs_item=False,
           shown: str | None = None) -> None:
    """A check of one request; `{id}` in the path is the id of an existing item."""

    def run(client: Client, ctx: Ctx):
        real = path.replace("{id}", str(ctx.get("id")))
        ans = client.request(method, real, body, headers)
        return ans, judge(ans, real)

    if shown is None:
        shown = f"{method} {path}"
        if headers and "Content-Type" in headers:
            shown += f" ({headers['Content-Type']})"
        if body is not None:
            text = body.decode("utf-8", "replace")
            shown += " " + (text if len(text) <= 80 else f"{text[:60]}… ({len(body)} bytes)")
    CHECKS.append(Check(name, shown, expected, run, tuple(profiles), needs_item))


def problem(status: int, *pointers: str) -> Callable[[Answer, str], Problems]:
    return lambda ans, path: expect_problem(ans, status, path, pointers)


def not_allowed(methods: set[str]) -> Callable[[Answer, str], Problems]:
    return lambda ans, path: expect_problem(ans, 405, path) + ([] if ans.error else expect_allow(ans, methods))


def as_json(value: Any) -> bytes:
    return json.dumps(value).encode()


# ---- health and unknown paths (both profiles)

BOTH = ("rest", "graphql")


@check("health", "GET /health", '200, application/json, {"status":"ok"}', profiles=BOTH)
def _health(client: Client, ctx: Ctx):
    ans = client.request("GET", "/health")
    body, wrong = expect_json(ans, 200)
    if not wrong and body != {"status": "ok"}:
        wrong.append(f"body is {body!r}")
    return ans, wrong


simple("health-wrong-method", "POST", "/health", "405 problem, Allow: GET", not_allowed({"GET"}), profiles=BOTH)
simple("unknown-path", "GET", "/no-such-path", "404 problem", problem(404), profiles=BOTH)
simple("unknown-path-post", "POST", "/no-such-path", "404 problem", problem(404), body=b"{}", headers=JSON, profiles=BOTH)
simple("unknown-path-deep", "GET", "/items/1/no-such-path", "404 problem", problem(404))
simple("no-api-prefix", "GET", "/api/items", "404 problem (the path is /items)", problem(404))
simple("graphql-has-no-items", "GET", "/items", "404 problem", problem(404), profiles=("graphql",))

# ---- the item lifecycle


@check("create", 'POST /items {"name":" \\t Tea \\n","description":"  Green  "}',
       "201, Location: /items/{id}, the item with the name trimmed and the description as given")
def _create(client: Client, ctx: Ctx):
    ans = client.send_json("POST", "/items", {"name": " \t Tea \n", "description": "  Green  "})
    body, wrong = expect_item(ans, 201, name="Tea", description="  Green  ")
    if not wrong and ans.headers.get("location") != f"/items/{body['id']}":
        wrong.append(f"Location is {ans.headers.get('location')!r}, not '/items/{body['id']}'")
    return ans, wrong


@check("create-charset", 'POST /items (application/json; charset=utf-8) {"name":"Tea"}',
       '201, description ""')
def _create_charset(client: Client, ctx: Ctx):
    ans = client.send_json("POST", "/items", {"name": "Tea"}, {"Content-Type": "application/json; charset=utf-8"})
    return ans, expect_item(ans, 201, name="Tea", description="")[1]


@check("create-ignores-other-members", 'POST /items {"id":2147483000,"name":"Tea","extra":true}',
       "201, a new id, no extra member")
def _create_ignores(client: Client, ctx: Ctx):
    ans = client.send_json("POST", "/items", {"id": 2147483000, "name": "Tea", "extra": True})
    body, wrong = expect_item(ans, 201, name="Tea")
    if not wrong and (body["id"] == 2147483000 or "extra" in body):
        wrong.append("the id or an unknown member was taken from the request")
    return ans, wrong


@check("read", "GET /items/{id}", "200, the item as created", needs_item=True)
def _read(client: Client, ctx: Ctx):
    ans = client.request("GET", f"/items/{ctx['id']}")
    return ans, expect_item(ans, 200, id=ctx["id"], name="Fixture", description="made by the suite")[1]


@check("replace", 'PUT /items/{id} {"name":" Coffee "}', '200, name "Coffee", description "" (full replacement)', needs_item=True)
def _replace(client: Client, ctx: Ctx):
    ans = client.send_json("PUT", f"/items/{ctx['id']}", {"name": " Coffee "})
    body, wrong = expect_item(ans, 200, id=ctx["id"], name="Coffee", description="")
    if not wrong:
        again = client.request("GET", f"/items/{ctx['id']}")
        wrong += [f"then GET: {p}" for p in expect_item(again, 200, name="Coffee", description="")[1]]
    return ans, wrong


@check("patch", 'PATCH /items/{id} {"description":"Black","id":7}', "200, only the description changed", needs_item=True)
def _patch(client: Client, ctx: Ctx):
    before = client.request("GET", f"/items/{ctx['id']}")
    old, wrong = expect_item(before, 200)
    if wrong:
        return before, [f"GET before: {p}" for p in wrong]
    ans = client.send_json("PATCH", f"/items/{ctx['id']}", {"description": "Black", "id": 7})
    return ans, expect_item(ans, 200, id=ctx["id"], name=old["name"], description="Black")[1]


@check("patch-empty", "PATCH /items/{id} {}", "200, nothing changed", needs_item=True)
def _patch_empty(client: Client, ctx: Ctx):
    before = client.request("GET", f"/items/{ctx['id']}")
    old, wrong = expect_item(before, 200)
    if wrong:
        return before, [f"GET before: {p}" for p in wrong]
    ans = client.send_json("PATCH", f"/items/{ctx['id']}", {})
    return ans, expect_item(ans, 200, **old)[1]


@check("delete", "DELETE /items/{new id}, then GET it", "204 with an empty body, then 404 problem")
def _delete(client: Client, ctx: Ctx):
    created = client.send_json("POST", "/items", {"name": "Doomed"})
    body, wrong = expect_item(created, 201)
    if wrong:
        return created, [f"POST first: {p}" for p in wrong]
    path = f"/items/{body['id']}"
    ans = client.request("DELETE", path)
    wrong = expect_status(ans, 204)
    if not wrong and ans.body:
        wrong.append("the 204 has a body")
    if not wrong:
        again = client.request("GET", path)
        wrong += [f"then GET: {p}" for p in expect_problem(again, 404, path)]
        twice = client.request("DELETE", path)
        wrong += [f"then DELETE again: {p}" for p in expect_problem(twice, 404, path)]
    return ans, wrong


MISSING = f"/items/{MAX_ID}"
simple("read-missing", "GET", MISSING, "404 problem", problem(404))
simple("replace-missing", "PUT", MISSING, "404 problem", problem(404), body=as_json({"name": "x"}), headers=JSON)
simple("patch-missing", "PATCH", MISSING, "404 problem", problem(404), body=as_json({"name": "x"}), headers=JSON)
simple("delete-missing", "DELETE", MISSING, "404 problem", problem(404))

# ---- ids that cannot exist: 404, never 400 or 500

for bad in BAD_IDS:
    simple(f"id-{bad}-get", "GET", f"/items/{bad}", "404 problem", problem(404))
for bad in ("abc", "0", "2147483648", "99999999999999999999999"):
    simple(f"id-{bad}-put", "PUT", f"/items/{bad}", "404 problem", problem(404), body=as_json({"name": "x"}), headers=JSON)
    simple(f"id-{bad}-patch", "PATCH", f"/items/{bad}", "404 problem", problem(404), body=b"{}", headers=JSON)
    simple(f"id-{bad}-delete", "DELETE", f"/items/{bad}", "404 problem", problem(404))

# ---- pagination


@check("list-page", "GET /items", "200, {items, limit: 20, offset: 0, total}, ids ascending", needs_item=True)
def _list(client: Client, ctx: Ctx):
    ans = client.request("GET", "/items")
    page, wrong = expect_json(ans, 200)
    if wrong:
        return ans, wrong
    wrong = page_problems(page, 20, 0)
    if not wrong and len(page["items"]) > 20:
        wrong.append(f"{len(page['items'])} items on a page of 20")
    return ans, wrong


def page_problems(page: Any, limit: int, offset: int) -> Problems:
    if not isinstance(page, dict) or set(page) != {"items", "limit", "offset", "total"}:
        return [f"not a page object {{items, limit, offset, total}}: {str(page)[:120]}"]
    wrong = []
    if page["limit"] != limit or page["offset"] != offset:
        wrong.append(f"limit/offset are {page['limit']!r}/{page['offset']!r}, not {limit}/{offset}")
    if not isinstance(page["total"], int) or isinstance(page["total"], bool) or page["total"] < 0:
        wrong.append(f"total is {page['total']!r}")
    items = page["items"]
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("id"), int) for i in items):
        return wrong + ["items is not a list of items"]
    ids = [i["id"] for i in items]
    if ids != sorted(ids) or len(set(ids)) != len(ids):
        wrong.append(f"ids are not ascending: {ids[:10]}")
    if len(items) > limit:
        wrong.append(f"{len(items)} items, limit {limit}")
    return wrong


@check("list-limit-offset", "GET /items?limit=2&offset=1 (after 3 creates)", "200, 2 items: the second and third of ?limit=3&offset=0 … total unchanged")
def _list_window(client: Client, ctx: Ctx):
    for n in range(3):
        created = client.send_json("POST", "/items", {"name": f"Page {n}"})
        if created.status != 201:
            return created, [f"POST first: status {created.status}"]
    full = client.request("GET", "/items?limit=3&offset=0")
    first, wrong = expect_json(full, 200)
    if wrong or page_problems(first, 3, 0):
        return full, ["GET ?limit=3&offset=0: " + "; ".join(wrong or page_problems(first, 3, 0))]
    ans = client.request("GET", "/items?limit=2&offset=1")
    page, wrong = expect_json(ans, 200)
    if wrong:
        return ans, wrong
    wrong = page_problems(page, 2, 1)
    if not wrong:
        if [i["id"] for i in page["items"]] != [i["id"] for i in first["items"][1:3]]:
            wrong.append("the window does not continue the first page")
        if page["total"] != first["total"]:
            wrong.append(f"total {page['total']} differs from {first['total']}")
    return ans, wrong


@check("list-past-end", "GET /items?limit=100&offset=2147483647", "200, items [] and the real total")
def _list_past(client: Client, ctx: Ctx):
    ans = client.request("GET", "/items?limit=100&offset=2147483647")
    page, wrong = expect_json(ans, 200)
    if not wrong:
        wrong = page_problems(page, 100, 2147483647)
        if not wrong and page["items"]:
            wrong.append("items past the end")
    return ans, wrong


@check("list-huge-offset", "GET /items?offset=99999999999999999999999", "200, items [] (an offset past any end is not an error)")
def _list_huge(client: Client, ctx: Ctx):
    ans = client.request("GET", "/items?offset=99999999999999999999999")
    page, wrong = expect_json(ans, 200)
    if not wrong and (not isinstance(page, dict) or page.get("items") != []):
        wrong.append(f"not a page with items []: {str(page)[:120]}")
    return ans, wrong


for query, pointer in (
    ("limit=0", "/limit"), ("limit=101", "/limit"), ("limit=abc", "/limit"), ("limit=1.5", "/limit"),
    ("limit=-1", "/limit"), ("limit=", "/limit"), ("offset=-1", "/offset"), ("offset=abc", "/offset"),
    ("offset=1.5", "/offset"),
):
    simple(f"list-bad-{query.replace('=', '-') or 'empty'}", "GET", f"/items?{query}", f"400 problem, errors pointer {pointer}",
           problem(400, pointer))

# ---- field rules: 400 with errors, one per problem

FIELD_CASES: list[tuple[str, Any, tuple[str, ...]]] = [
    ("name-missing", {"description": "x"}, ("/name",)),
    ("name-empty", {"name": ""}, ("/name",)),
    ("name-blank", {"name": " \t\n "}, ("/name",)),
    ("name-too-long", {"name": "n" * 101}, ("/name",)),
    ("name-null", {"name": None}, ("/name",)),
    ("name-number", {"name": 123}, ("/name",)),
    ("name-boolean", {"name": True}, ("/name",)),
    ("name-array", {"name": ["Tea"]}, ("/name",)),
    ("name-object", {"name": {"x": "Tea"}}, ("/name",)),
    ("name-nul", {"name": "Te\u0000a"}, ("/name",)),
    ("description-null", {"name": "Tea", "description": None}, ("/description",)),
    ("description-number", {"name": "Tea", "description": 5}, ("/description",)),
    ("description-too-long", {"name": "Tea", "description": "d" * 1001}, ("/description",)),
    ("description-nul", {"name": "Tea", "description": "\u0000"}, ("/description",)),
    ("both-wrong", {"name": 1, "description": 2}, ("/name", "/description")),
]
for label, value, pointers in FIELD_CASES:
    simple(f"create-{label}", "POST", "/items", f"400 problem, errors at {', '.join(pointers)}",
           problem(400, *pointers), body=as_json(value), headers=JSON)
for label, value, pointers in FIELD_CASES[:5] + FIELD_CASES[9:11]:
    simple(f"replace-{label}", "PUT", "/items/{id}", f"400 problem, errors at {', '.join(pointers)}",
           problem(400, *pointers), body=as_json(value), headers=JSON, needs_item=True)
for label, value, pointers in (
    ("name-null", {"name": None}, ("/name",)),
    ("name-blank", {"name": "  "}, ("/name",)),
    ("name-number", {"name": 1}, ("/name",)),
    ("description-null", {"description": None}, ("/description",)),
    ("description-nul", {"description": "a\u0000"}, ("/description",)),
):
    simple(f"patch-{label}", "PATCH", "/items/{id}", f"400 problem, errors at {', '.join(pointers)}",
           problem(400, *pointers), body=as_json(value), headers=JSON, needs_item=True)


@check("name-bounds", 'POST /items {"name":"  "+100×"n"+"  ","description":1000×"d"}', "201, name of 100 characters, description of 1000")
def _bounds(client: Client, ctx: Ctx):
    ans = client.send_json("POST", "/items", {"name": "  " + "n" * 100 + "  ", "description": "d" * 1000})
    return ans, expect_item(ans, 201, name="n" * 100, description="d" * 1000)[1]


UNICODE = {"name": "🌱 Sprout — 日本語 עברית", "description": "مرحبا بالعالم\u200f · e\u0301 · 𝄞 · \"quoted\" \\ <b>"}


@check("unicode-round-trip", f"POST /items {json.dumps(UNICODE)}, then GET it", "201 and 200 with exactly the same text")
def _unicode(client: Client, ctx: Ctx):
    ans = client.request("POST", "/items", json.dumps(UNICODE, ensure_ascii=False).encode("utf-8"), JSON)
    body, wrong = expect_item(ans, 201, **UNICODE)
    if not wrong:
        again = client.request("GET", f"/items/{body['id']}")
        wrong += [f"then GET: {p}" for p in expect_item(again, 200, **UNICODE)[1]]
    return ans, wrong


# ---- bodies that are not an item

for label, raw in (
    ("malformed", b'{"name": "Tea"'),
    ("malformed-garbage", b"not json at all"),
    ("empty-body", b""),
    ("array", b'[{"name": "Tea"}]'),
    ("string", b'"Tea"'),
    ("number", b"42"),
    ("null", b"null"),
):
    simple(f"create-{label}", "POST", "/items", "400 problem", problem(400), body=raw, headers=JSON)
    if label in ("malformed", "array"):
        simple(f"replace-{label}", "PUT", "/items/{id}", "400 problem", problem(400), body=raw, headers=JSON, needs_item=True)
        simple(f"patch-{label}", "PATCH", "/items/{id}", "400 problem", problem(400), body=raw, headers=JSON, needs_item=True)

DEPTH = 10_000
simple("create-deep-nesting", "POST", "/items", "400 problem (never 500)", problem(400),
       body=b'{"name":' + b"[" * DEPTH + b"]" * DEPTH + b"}", headers=JSON,
       shown=f'POST /items {{"name": [[[… {DEPTH} levels …]]]}}')
simple("create-deep-object", "POST", "/items", "400 problem (never 500)", problem(400),
       body=b'{"name":"Tea","description":' + b'{"a":' * DEPTH + b"1" + b"}" * DEPTH + b"}", headers=JSON,
       shown=f'POST /items {{"description": {{"a":{{"a":… {DEPTH} levels …}}}}}}')

# ---- size and media type

BIG = b'{"name":"Tea","description":"' + b"d" * (2 * MIB) + b'"}'
simple("body-too-large", "POST", "/items", "413 problem", problem(413), body=BIG, headers=JSON,
       shown='POST /items {"description": "ddd…"} (2 MiB)')
simple("body-too-large-put", "PUT", "/items/{id}", "413 problem", problem(413), body=BIG, headers=JSON, needs_item=True,
       shown='PUT /items/{id} {"description": "ddd…"} (2 MiB)')
NEAR = b'{"name":"Tea","description":"' + b"d" * (1_000_000) + b'"}'
simple("body-under-limit", "POST", "/items", "400 problem at /description (the body is under 1 MiB: not 413)",
       problem(400, "/description"), body=NEAR, headers=JSON, shown='POST /items {"description": "ddd…"} (1,000,000 bytes)')

for label, media in (("text-plain", "text/plain"), ("form", "application/x-www-form-urlencoded"), ("xml", "application/xml")):
    simple(f"create-{label}", "POST", "/items", "415 problem", problem(415), body=b'{"name":"Tea"}', headers={"Content-Type": media})
simple("create-no-content-type", "POST", "/items", "415 problem", problem(415), body=b'{"name":"Tea"}',
       shown='POST /items (no Content-Type) {"name":"Tea"}')
simple("replace-text-plain", "PUT", "/items/{id}", "415 problem", problem(415), body=b'{"name":"Tea"}',
       headers={"Content-Type": "text/plain"}, needs_item=True)
simple("patch-text-plain", "PATCH", "/items/{id}", "415 problem", problem(415), body=b'{"name":"Tea"}',
       headers={"Content-Type": "text/plain"}, needs_item=True)

# ---- methods a path does not have

for method in ("DELETE", "PUT", "PATCH"):
    simple(f"list-{method.lower()}", method, "/items", "405 problem, Allow: GET, POST", not_allowed(LIST_METHODS),
           body=b"{}" if method != "DELETE" else None, headers=JSON if method != "DELETE" else None)
simple("item-post", "POST", "/items/{id}", "405 problem, Allow: GET, PUT, PATCH, DELETE", not_allowed(ITEM_METHODS),
       body=b'{"name":"Tea"}', headers=JSON, needs_item=True)
simple("item-post-missing", "POST", MISSING, "405 problem, Allow: GET, PUT, PATCH, DELETE (not 404)", not_allowed(ITEM_METHODS),
       body=b'{"name":"Tea"}', headers=JSON)

# ---- concurrency


def parallel_creates(client: Client, path: str, make: Callable[[int], dict]) -> list[Answer]:
    with ThreadPoolExecutor(max_workers=CONCURRENT_CREATES) as pool:
        return list(pool.map(lambda n: client.send_json("POST", path, make(n)), range(CONCURRENT_CREATES)))


@check("concurrent-creates", f"{CONCURRENT_CREATES} parallel POST /items, then GET /items?limit=1",
       f"{CONCURRENT_CREATES}×201 with distinct ids; total grows by {CONCURRENT_CREATES}")
def _concurrent(client: Client, ctx: Ctx):
    before = client.request("GET", "/items?limit=1")
    page, wrong = expect_json(before, 200)
    if wrong or not isinstance(page, dict) or "total" not in page:
        return before, ["GET before: " + ("; ".join(wrong) or "no total")]
    answers = parallel_creates(client, "/items", lambda n: {"name": f"Parallel {n}"})
    ids = []
    for ans in answers:
        body, bad = expect_item(ans, 201)
        if bad:
            return ans, [f"one of the creates: {p}" for p in bad]
        ids.append(body["id"])
    if len(set(ids)) != len(ids):
        wrong.append(f"ids are not distinct: {sorted(ids)}")
    after = client.request("GET", "/items?limit=1")
    later, bad = expect_json(after, 200)
    if bad:
        return after, [f"GET after: {p}" for p in bad]
    if later.get("total") != page["total"] + CONCURRENT_CREATES:
        wrong.append(f"total went from {page['total']} to {later.get('total')}")
    return after, wrong


# --------------------------------------------------------------------------------------------
# GraphQL profile

GQL = "/graphql"
GQL_MEDIA = "application/graphql-response+json"
GQL_HEADERS = {"Content-Type": "application/json", "Accept": GQL_MEDIA}
LEAKS = ("Unexpected token", "JSON at position", "Expected property name", "SyntaxError", "Unexpected end of JSON")


def gql(client: Client, query: str, accept: str = GQL_MEDIA, variables: dict | None = None) -> Answer:
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    return client.send_json("POST", GQL, payload, {"Accept": accept})


def expect_gql(ans: Answer, status: int, *, errors: bool, media: str = GQL_MEDIA) -> tuple[Any, Problems]:
    wrong = expect_status(ans, status)
    if wrong:
        return None, wrong
    if ans.media_type != media:
        wrong.append(f"Content-Type {ans.content_type or '(none)'}, not {media}")
    text = ans.body.decode("utf-8", "replace")
    if any(marker in text for marker in TRACE_MARKERS + LEAKS):
        wrong.append("the body holds a stack trace or a parser's message")
    body, bad = body_json(ans)
    if bad or not isinstance(body, dict):
        return body, wrong + (bad or ["the body is not a JSON object"])
    has_errors = isinstance(body.get("errors"), list) and bool(body["errors"])
    if errors and not has_errors:
        wrong.append("no errors")
    if not errors and has_errors:
        wrong.append(f"errors: {json.dumps(body['errors'])[:200]}")
    if errors and body.get("data") is not None and status == 400:
        wrong.append("a refused request has data")
    return body, wrong


def gql_check(name: str, request: str, expected: str):
    return check(name, request, expected, profiles=("graphql",))


@gql_check("graphql-query", "POST /graphql {authors {id name}}", f"200, {GQL_MEDIA}, data.authors a list")
def _gql_query(client: Client, ctx: Ctx):
    ans = gql(client, "{ authors { id name } }")
    body, wrong = expect_gql(ans, 200, errors=False)
    if not wrong and not isinstance((body.get("data") or {}).get("authors"), list):
        wrong.append("data.authors is not a list")
    return ans, wrong


@gql_check("graphql-not-json", "POST /graphql (application/json) {\"query\": ", "400, the parser's message not echoed")
def _gql_not_json(client: Client, ctx: Ctx):
    ans = client.request("POST", GQL, b'{"query": ', GQL_HEADERS)
    wrong = expect_status(ans, 400)
    text = ans.body.decode("utf-8", "replace")
    if not wrong and any(marker in text for marker in TRACE_MARKERS + LEAKS):
        wrong.append("the body echoes the parser's message or a stack trace")
    return ans, wrong


@gql_check("graphql-no-query", 'POST /graphql {"variables":{}}', "400")
def _gql_no_query(client: Client, ctx: Ctx):
    ans = client.request("POST", GQL, b'{"variables":{}}', GQL_HEADERS)
    return ans, expect_status(ans, 400)


@gql_check("graphql-syntax-error", "POST /graphql { authors {", f"400, {GQL_MEDIA}, errors")
def _gql_syntax(client: Client, ctx: Ctx):
    ans = gql(client, "{ authors {")
    return ans, expect_gql(ans, 400, errors=True)[1]


@gql_check("graphql-invalid", "POST /graphql { noSuchField }", f"400, {GQL_MEDIA}, errors")
def _gql_invalid(client: Client, ctx: Ctx):
    ans = gql(client, "{ noSuchField }")
    return ans, expect_gql(ans, 400, errors=True)[1]


@gql_check("graphql-legacy-accept", "POST /graphql (Accept: application/json) { noSuchField }", "200, application/json, errors")
def _gql_legacy(client: Client, ctx: Ctx):
    ans = gql(client, "{ noSuchField }", accept="application/json")
    return ans, expect_gql(ans, 200, errors=True, media="application/json")[1]


def nested(depth: int) -> str:
    """A query `depth` levels deep: authors { books { author { books { … id } } } }."""
    fields = ["authors"] + ["books" if n % 2 else "author" for n in range(1, depth)]
    return "{ " + " { ".join(fields) + " { id }" + " }" * depth


@gql_check("graphql-depth-81", "POST /graphql authors { books { author { … 81 levels … } } }", "refused with errors, not run")
def _gql_deep(client: Client, ctx: Ctx):
    ans = gql(client, nested(81))
    body, wrong = expect_gql(ans, 400, errors=True)
    return ans, wrong


@gql_check("graphql-depth-12", "POST /graphql a query 12 levels deep", "refused with errors, not run")
def _gql_deep12(client: Client, ctx: Ctx):
    ans = gql(client, nested(12))
    return ans, expect_gql(ans, 400, errors=True)[1]


@gql_check("graphql-depth-5", "POST /graphql a query 5 levels deep", "200 with data")
def _gql_shallow(client: Client, ctx: Ctx):
    ans = gql(client, nested(5))
    return ans, expect_gql(ans, 200, errors=False)[1]


@gql_check("graphql-no-introspection", "POST /graphql { __schema { types { name } } }",
           "refused with errors (introspection is on only with NODE_ENV=development)")
def _gql_introspection(client: Client, ctx: Ctx):
    ans = gql(client, "{ __schema { types { name } } }")
    return ans, expect_gql(ans, 400, errors=True)[1]


@gql_check("graphql-no-graphiql", "GET /graphql (Accept: text/html)", "no GraphiQL page (on only with NODE_ENV=development)")
def _gql_graphiql(client: Client, ctx: Ctx):
    ans = client.request("GET", GQL, headers={"Accept": "text/html"})
    if ans.error:
        return ans, [ans.error]
    text = ans.body.decode("utf-8", "replace").lower()
    wrong = ["GraphiQL is served"] if ans.media_type == "text/html" or "graphiql" in text or "<html" in text else []
    if ans.status >= 500:
        wrong.append(f"status {ans.status}")
    return ans, wrong


for bad in ("abc", "0", "-1", "2147483648", "99999999999999999999999"):
    def _gql_bad_id(client: Client, ctx: Ctx, bad=bad):
        ans = gql(client, "query ($id: ID!) { author(id: $id) { id } book(id: $id) { id } }", variables={"id": bad})
        body, wrong = expect_gql(ans, 200, errors=False)
        if not wrong and body.get("data") != {"author": None, "book": None}:
            wrong.append(f"data is {body.get('data')!r}, not both null")
        return ans, wrong

    CHECKS.append(Check(f"graphql-id-{bad}", f'POST /graphql author(id: "{bad}"), book(id: "{bad}")',
                        "200, both null, no errors", _gql_bad_id, ("graphql",)))


@gql_check("graphql-nul", 'POST /graphql createAuthor(input: {name: "a\\u0000b"})', "200 with a validation error, no data")
def _gql_nul(client: Client, ctx: Ctx):
    ans = gql(client, "mutation ($name: String!) { createAuthor(input: {name: $name}) { id } }", variables={"name": "a\u0000b"})
    return ans, expect_gql(ans, 200, errors=True)[1]


@gql_check("graphql-unicode", f'POST /graphql createAuthor(input: {{name: {json.dumps(UNICODE["name"])}}})', "200, the same name back")
def _gql_unicode(client: Client, ctx: Ctx):
    ans = gql(client, "mutation ($name: String!) { createAuthor(input: {name: $name}) { id name } }", variables={"name": UNICODE["name"]})
    body, wrong = expect_gql(ans, 200, errors=False)
    if not wrong and (body.get("data") or {}).get("createAuthor", {}).get("name") != UNICODE["name"]:
        wrong.append(f"data is {body.get('data')!r}")
    return ans, wrong


simple("graphql-body-too-large", "POST", GQL, "413", lambda ans, path: expect_status(ans, 413),
       body=b'{"query":"{ authors { id } }","variables":{"x":"' + b"x" * (2 * MIB) + b'"}}', headers=GQL_HEADERS,
       profiles=("graphql",), shown="POST /graphql (2 MiB body)")


@gql_check("graphql-concurrent-creates", f"{CONCURRENT_CREATES} parallel createAuthor, then authors",
           f"{CONCURRENT_CREATES} distinct ids; the list grows by {CONCURRENT_CREATES}")
def _gql_concurrent(client: Client, ctx: Ctx):
    count = "{ authors { id } }"
    before = gql(client, count)
    body, wrong = expect_gql(before, 200, errors=False)
    if wrong:
        return before, [f"authors before: {p}" for p in wrong]
    start = len(body["data"]["authors"])
    mutation = "mutation ($name: String!) { createAuthor(input: {name: $name}) { id } }"
    with ThreadPoolExecutor(max_workers=CONCURRENT_CREATES) as pool:
        answers = list(pool.map(lambda n: gql(client, mutation, variables={"name": f"Parallel {n}"}), range(CONCURRENT_CREATES)))
    ids = []
    for ans in answers:
        created, bad = expect_gql(ans, 200, errors=False)
        if bad:
            return ans, [f"one of the creates: {p}" for p in bad]
        ids.append(created["data"]["createAuthor"]["id"])
    if len(set(ids)) != len(ids):
        wrong.append(f"ids are not distinct: {ids}")
    after = gql(client, count)
    later, bad = expect_gql(after, 200, errors=False)
    if bad:
        return after, [f"authors after: {p}" for p in bad]
    if len(later["data"]["authors"]) != start + CONCURRENT_CREATES:
        wrong.append(f"authors went from {start} to {len(later['data']['authors'])}")
    return after, wrong


# --------------------------------------------------------------------------------------------
# Running


def create_fixture(client: Client) -> tuple[int | None, str]:
    ans = client.send_json("POST", "/items", {"name": "Fixture", "description": "made by the suite"})
    body, wrong = expect_item(ans, 201, name="Fixture")
    if wrong:
        return None, f"POST /items (the fixture every {{id}} check uses): {'; '.join(wrong)}; got {ans.describe()}"
    return body["id"], ""


def run_checks(client: Client, checks: list[Check], on_outcome: Callable[[Outcome], None]) -> list[Outcome]:
    ctx: Ctx = {}
    fixture_error = ""
    outcomes = []
    for item in checks:
        started = time.monotonic()
        if item.needs_item:
            if "id" not in ctx and not fixture_error:
                ctx["id"], fixture_error = create_fixture(client)
                if fixture_error:
                    ctx.pop("id")
            if fixture_error:
                outcome = Outcome(item, [fixture_error], "not run")
                outcomes.append(outcome)
                on_outcome(outcome)
                continue
            ctx["id"] = fresh_fixture(client, ctx["id"])
        try:
            ans, problems = item.run(client, ctx)
        except Exception as e:  # a check that trips over an odd answer still reports it
            ans, problems = None, [f"the answer could not be judged: {type(e).__name__}: {e}"]
        outcome = Outcome(item, problems, ans.describe() if ans else "", time.monotonic() - started)
        outcomes.append(outcome)
        on_outcome(outcome)
    return outcomes


def fresh_fixture(client: Client, current: int) -> int:
    """Put the fixture back as it was (checks change it); recreate it if a check deleted it."""
    ans = client.send_json("PUT", f"/items/{current}", {"name": "Fixture", "description": "made by the suite"})
    if ans.status == 200:
        return current
    new, _ = create_fixture(client)
    return new if new is not None else current


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url", nargs="?", help="where the project listens, e.g. http://127.0.0.1:3000")
    parser.add_argument("--profile", choices=("rest", "graphql"), default="rest", help="which part of the contract (default rest)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--list", action="store_true", help="print the checks of the profile and exit")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this check (repeatable; a prefix ending in * selects several)")
    args = parser.parse_args()

    checks = [c for c in CHECKS if args.profile in c.profiles]
    if args.only:
        checks = [c for c in checks if any(c.name == o or (o.endswith("*") and c.name.startswith(o[:-1])) for o in args.only)]
    if args.list:
        for c in checks:
            print(f"{c.name:34} {c.request}\n{'':34} → {c.expected}")
        print(f"{len(checks)} checks ({args.profile})")
        return 0
    if not args.base_url:
        parser.error("BASE_URL is required")
    try:
        client = Client(args.base_url)
    except ValueError as e:
        parser.error(str(e))

    lock = threading.Lock()

    def show(outcome: Outcome) -> None:
        if args.json:
            return
        with lock:
            c = outcome.check
            mark = "ok  " if outcome.passed else "FAIL"
            print(f"{mark} {c.name}", flush=True)
            if not outcome.passed:
                print(f"     request:  {c.request}")
                print(f"     expected: {c.expected}")
                print(f"     got:      {outcome.got}")
                for p in outcome.problems:
                    print(f"       - {p}")

    outcomes = run_checks(client, checks, show)
    passed = sum(o.passed for o in outcomes)
    failed = len(outcomes) - passed
    if args.json:
        print(json.dumps({
            "base_url": args.base_url,
            "profile": args.profile,
            "passed": passed,
            "failed": failed,
            "checks": [
                {"name": o.check.name, "request": o.check.request, "expected": o.check.expected,
                 "passed": o.passed, "got": o.got, "problems": o.problems}
                for o in outcomes
            ],
        }, indent=2, ensure_ascii=False))
    else:
        print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
