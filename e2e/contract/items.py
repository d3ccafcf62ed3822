"""The items API: /health, the item lifecycle, ids, pages, field rules, bodies that are not an
item, sizes and media types, methods a path does not have, parallel creates."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from collections.abc import Callable

from .http import Answer, Client
from .judge import MAX_ID, Problems, expect_item, expect_json, expect_problem, expect_status
from .registry import BOTH, JSON, Ctx, as_json, check, not_allowed, problem, simple

MIB = 1024 * 1024
BAD_IDS = ("abc", "0", "-1", "1.5", "007", "2147483648", "99999999999999999999999")
ITEM_METHODS = {"GET", "PUT", "PATCH", "DELETE"}
LIST_METHODS = {"GET", "POST"}
CONCURRENT_CREATES = 20

# ---- health and unknown paths (both profiles)


def healthy(ans: Answer, path: str) -> Problems:
    """200, application/json, {"status":"ok"}."""
    body, wrong = expect_json(ans, 200)
    if not wrong and body != {"status": "ok"}:
        wrong.append(f"body is {body!r}")
    return wrong


simple("health", "GET", "/health", '200, application/json, {"status":"ok"}', healthy, profiles=BOTH)
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
    ans = client.request("GET", f"/items/{ctx.item_id}")
    return ans, expect_item(ans, 200, id=ctx.item_id, name="Fixture", description="made by the suite")[1]


@check("replace", 'PUT /items/{id} {"name":" Coffee "}', '200, name "Coffee", description "" (full replacement)', needs_item=True)
def _replace(client: Client, ctx: Ctx):
    ans = client.send_json("PUT", f"/items/{ctx.item_id}", {"name": " Coffee "})
    body, wrong = expect_item(ans, 200, id=ctx.item_id, name="Coffee", description="")
    if not wrong:
        again = client.request("GET", f"/items/{ctx.item_id}")
        wrong += [f"then GET: {p}" for p in expect_item(again, 200, name="Coffee", description="")[1]]
    return ans, wrong


@check("patch", 'PATCH /items/{id} {"description":"Black","id":7}', "200, only the description changed", needs_item=True)
def _patch(client: Client, ctx: Ctx):
    before = client.request("GET", f"/items/{ctx.item_id}")
    old, wrong = expect_item(before, 200)
    if wrong:
        return before, [f"GET before: {p}" for p in wrong]
    ans = client.send_json("PATCH", f"/items/{ctx.item_id}", {"description": "Black", "id": 7})
    return ans, expect_item(ans, 200, id=ctx.item_id, name=old["name"], description="Black")[1]


@check("patch-empty", "PATCH /items/{id} {}", "200, nothing changed", needs_item=True)
def _patch_empty(client: Client, ctx: Ctx):
    before = client.request("GET", f"/items/{ctx.item_id}")
    old, wrong = expect_item(before, 200)
    if wrong:
        return before, [f"GET before: {p}" for p in wrong]
    ans = client.send_json("PATCH", f"/items/{ctx.item_id}", {})
    return ans, expect_item(ans, 200, **old)[1]


def create_doomed(client: Client) -> tuple[str | None, Answer, Problems]:
    """POSTs an item a check may delete; its path, or the answer and what was wrong."""
    created = client.send_json("POST", "/items", {"name": "Doomed"})
    body, wrong = expect_item(created, 201)
    return (None if wrong else f"/items/{body['id']}"), created, [f"POST first: {p}" for p in wrong]


@check("delete", "DELETE /items/{new id}, then GET it", "204 with an empty body, then 404 problem")
def _delete(client: Client, ctx: Ctx):
    path, created, wrong = create_doomed(client)
    if path is None:
        return created, wrong
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

