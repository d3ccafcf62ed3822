"""Requests every stack decides the same way: exact paths, OPTIONS, HEAD, methods HTTP does not
define, repeated and unread query parameters, percent-encoding, and the sizes of the request line
and the header block. These hold on every path, so most run in both profiles."""

from __future__ import annotations

from .http import Client
from .judge import (INSTANCE_OPTIONAL, Problems, expect_allow, expect_empty_body, expect_json, expect_problem,
                    expect_status)
from .items import healthy
from .registry import BOTH, GRAPHQL, REST, Check, Ctx, add, check, problem, simple

LINE_LIMIT = 8192  # bytes in a request line (method, target, version) that are still served
HEADERS_SERVED = 12_000  # bytes of header fields well under the 16,384 limit
HEADERS_REFUSED = 20_000  # and well over it

# ---- paths match exactly: no trailing slash, no other case, no redirect

for name, path, profiles, needs_item in (
    ("path-trailing-slash-health", "/health/", BOTH, False),
    ("path-case-health", "/HEALTH", BOTH, False),
    ("path-trailing-slash-list", "/items/", (REST,), False),
    ("path-case-list", "/ITEMS", (REST,), False),
    ("path-trailing-slash-item", "/items/{id}/", (REST,), True),
    ("path-case-item", "/Items/{id}", (REST,), True),
    ("path-trailing-slash-graphql", "/graphql/", (GRAPHQL,), False),
    ("path-case-graphql", "/GraphQL", (GRAPHQL,), False),
):
    simple(name, "GET", path, "404 problem (no redirect, no other match)", problem(404), profiles=profiles,
           needs_item=needs_item)
simple("path-trailing-slash-auth", "GET", "/auth/me/", "404 problem", problem(404), profiles=BOTH, auth_only=True)


# ---- OPTIONS: 200, Allow, empty body


def options_judge(methods: set[str]):
    def judge(ans, path) -> Problems:
        wrong = expect_status(ans, 200)
        if wrong:
            return wrong
        return expect_allow(ans, methods) + expect_empty_body(ans)

    return judge


for name, path, methods, profiles, needs_item, auth_only in (
    ("options-health", "/health", {"GET"}, BOTH, False, False),
    ("options-list", "/items", {"GET", "POST"}, (REST,), False, False),
    ("options-item", "/items/{id}", {"GET", "PUT", "PATCH", "DELETE"}, (REST,), True, False),
    ("options-graphql", "/graphql", {"GET", "POST"}, (GRAPHQL,), False, False),
    ("options-auth-login", "/auth/login", {"POST"}, BOTH, False, True),
    ("options-auth-me", "/auth/me", {"GET"}, BOTH, False, True),
):
    simple(name, "OPTIONS", path, f"200, Allow: {', '.join(sorted(methods))} (HEAD, OPTIONS free), empty body",
           options_judge(methods), profiles=profiles, needs_item=needs_item, auth_only=auth_only)
simple("options-unknown-path", "OPTIONS", "/no-such-path", "404 problem", problem(404), profiles=BOTH)


# ---- HEAD: the GET answer's status and headers, no body


def head_check(name: str, path: str, profiles, needs_item=False):
    def run(client: Client, ctx: Ctx):
        real = path.replace("{id}", str(ctx.item_id))
        got = client.request("GET", real)
        if got.error:
            return got, [f"GET first: {got.error}"]
        ans = client.request("HEAD", real)
        wrong = expect_status(ans, got.status)
        if wrong:
            return ans, wrong
        if ans.content_type.replace(" ", "").lower() != got.content_type.replace(" ", "").lower():
            wrong.append(f"Content-Type {ans.content_type or '(none)'}, the GET's is {got.content_type or '(none)'}")
        length = ans.headers.get("content-length")
        if length is not None and length != str(len(got.body)):
            wrong.append(f"Content-Length {length}, the GET's body has {len(got.body)} bytes")
        if ans.extra:
            wrong.append(f"{len(ans.extra)} bytes of body after the HEAD answer")
        return ans, wrong

    add(Check(name, f"HEAD {path} (and GET {path})", "the GET answer's status and Content-Type, no body", run,
              tuple(profiles), needs_item))


head_check("head-health", "/health", BOTH)
head_check("head-unknown-path", "/no-such-path", BOTH)
head_check("head-list", "/items", (REST,))
head_check("head-item", "/items/{id}", (REST,), needs_item=True)
head_check("head-missing", "/items/2147483647", (REST,))


# ---- methods HTTP does not define for this API: 501 on any path

for method, path, profiles in (
    ("FOO", "/items", (REST,)),
    ("PROPFIND", "/items/{id}", (REST,)),
    ("TRACE", "/health", BOTH),
    ("CONNECT", "/health", BOTH),
    ("FOO", "/no-such-path", BOTH),
    ("FOO", "/graphql", (GRAPHQL,)),
):
    simple(f"method-{method.lower()}-{path.strip('/').replace('/', '-').replace('{id}', 'item') or 'root'}", method,
           path, "501 problem (instance may be absent)", problem(501, instance=INSTANCE_OPTIONAL), profiles=profiles,
           needs_item="{id}" in path)


# ---- query parameters: a repeated one the route reads is 400; one it does not read is ignored

for query, pointer in (("limit=2&limit=3", "/limit"), ("offset=1&offset=2", "/offset"), ("limit=2&limit=2", "/limit")):
    simple(f"list-repeated-{query.split('=')[0]}{'-same' if query == 'limit=2&limit=2' else ''}", "GET",
           f"/items?{query}", f"400 problem, errors pointer {pointer}", problem(400, pointer))


@check("list-unread-parameter", "GET /items?sort=name&x=1&x=2", "200, a page (parameters the route does not read are ignored)")
def _unread(client: Client, ctx: Ctx):
    ans = client.request("GET", "/items?sort=name&x=1&x=2")
    page, wrong = expect_json(ans, 200)
    if not wrong and not (isinstance(page, dict) and page.get("limit") == 20 and page.get("offset") == 0):
        wrong.append(f"not the default page: {str(page)[:120]}")
    return ans, wrong


simple("health-unread-parameter", "GET", "/health?x=1", '200 {"status":"ok"}', healthy, profiles=BOTH)


# ---- percent-encoding: invalid, an encoded NUL, or bytes that are not UTF-8 are 400

for name, path, profiles in (
    ("encoding-bad-escape-path", "/%", BOTH),
    ("encoding-truncated-escape", "/health?x=%4", BOTH),
    ("encoding-bad-escape-query", "/health?x=%zz", BOTH),
    ("encoding-bad-escape-list", "/items?x=%zz", (REST,)),
    ("encoding-nul-item", "/items/%00", (REST,)),
    ("encoding-nul-health", "/health%00", BOTH),
    ("encoding-not-utf8-item", "/items/%ff", (REST,)),
    ("encoding-not-utf8-query", "/items?x=%c3%28", (REST,)),
    ("encoding-bad-escape-graphql", "/graphql?query=%zz", (GRAPHQL,)),
):
    simple(name, "GET", path, "400 problem (instance, when given, is the path as sent)",
           problem(400, instance=INSTANCE_OPTIONAL), profiles=profiles)


# ---- sizes: the request line and the header block


def padded_target(line_length: int) -> str:
    """`/health?pad=aaa…` such that `GET <target> HTTP/1.1` is `line_length` bytes."""
    fixed = len("GET /health?pad= HTTP/1.1")
    return "/health?pad=" + "a" * (line_length - fixed)


@check("request-line-at-limit", f"GET /health?pad=aaa… (a request line of {LINE_LIMIT:,} bytes)", "200", profiles=BOTH)
def _line_ok(client: Client, ctx: Ctx):
    target = padded_target(LINE_LIMIT - len(client.prefix))
    ans = client.exchange(client.head_bytes("GET", target))
    return ans, expect_status(ans, 200)


@check("request-line-too-long", f"GET /health?pad=aaa… (a request line of {LINE_LIMIT + 1:,} bytes)",
       "414 problem (instance may be absent)", profiles=BOTH)
def _line_long(client: Client, ctx: Ctx):
    target = padded_target(LINE_LIMIT + 1 - len(client.prefix))
    ans = client.exchange(client.head_bytes("GET", target))
    return ans, expect_problem(ans, 414, target, instance=INSTANCE_OPTIONAL)


def padding_headers(total: int) -> dict[str, str]:
    """Header fields of 500 bytes each (`X-Pad-NN: vvv…` and its line end) adding up to about `total`."""
    fields, size, n = {}, 0, 0
    while size < total:
        name = f"X-Pad-{n:02d}"
        value = "v" * (500 - len(name) - 4)
        fields[name] = value
        size += 500
        n += 1
    return fields


@check("headers-large-served", f"GET /health with {HEADERS_SERVED:,} bytes of header fields (500-byte lines)", "200",
       profiles=BOTH)
def _headers_ok(client: Client, ctx: Ctx):
    ans = client.request("GET", "/health", headers=padding_headers(HEADERS_SERVED))
    return ans, expect_status(ans, 200)


@check("headers-too-large", f"GET /health with {HEADERS_REFUSED:,} bytes of header fields (500-byte lines)",
       "431 problem (instance may be absent)", profiles=BOTH)
def _headers_big(client: Client, ctx: Ctx):
    ans = client.request("GET", "/health", headers=padding_headers(HEADERS_REFUSED))
    return ans, expect_problem(ans, 431, "/health", instance=INSTANCE_OPTIONAL)
