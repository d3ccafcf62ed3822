"""Request bodies every stack reads the same way: media types, sizes (declared, and chunked),
UTF-8, unpaired surrogates, lengths in code points, and bodies a route does not read."""

from __future__ import annotations

import json

from .http import Answer, Client
from .judge import Problems, expect_item, expect_json, expect_problem, expect_status, shorten
from .items import create_doomed, healthy
from .registry import BOTH, GRAPHQL, JSON, REST, Check, Ctx, add, check, problem, simple

MIB = 1024 * 1024
EARLY_WAIT = 3.0  # seconds a server may take to refuse a declared length it will not read
TEA = b'{"name":"Tea"}'
EMOJI = "\U0001f375"  # 🍵: one code point, two UTF-16 units, four UTF-8 bytes

# ---- media types: only application/json (charset utf-8, in any case) on a route that reads a body

for label, media in (
    ("problem-json", "application/problem+json"),
    ("merge-patch", "application/merge-patch+json"),
    ("multipart", "multipart/form-data; boundary=x"),
    ("charset-latin1", "application/json; charset=iso-8859-1"),
):
    simple(f"create-{label}", "POST", "/items", "415 problem", problem(415), body=TEA, headers={"Content-Type": media})
simple("patch-merge-patch", "PATCH", "/items/{id}", "415 problem", problem(415), body=b'{"description":"x"}',
       headers={"Content-Type": "application/merge-patch+json"}, needs_item=True)
simple("replace-no-content-type", "PUT", "/items/{id}", "415 problem", problem(415), body=TEA, needs_item=True,
       shown='PUT /items/{id} (no Content-Type) {"name":"Tea"}')


@check("create-charset-upper-case", 'POST /items (application/json;charset=UTF-8) {"name":"Tea"}', "201")
def _charset_upper(client: Client, ctx: Ctx):
    ans = client.request("POST", "/items", TEA, {"Content-Type": "application/json;charset=UTF-8"})
    return ans, expect_item(ans, 201, name="Tea")[1]


# ---- sizes: a declared length over 1 MiB is refused before the body comes; so is a long chunked one


def body_path(profile_graphql: bool) -> tuple[str, bytes]:
    if profile_graphql:
        return "/graphql", b'{"query":"{ authors { id } }","variables":{"x":"'
    return "/items", b'{"name":"Tea","description":"'


def early_413(graphql: bool):
    def run(client: Client, ctx: Ctx):
        path, start = body_path(graphql)
        head = client.head_bytes("POST", path, {"Content-Type": "application/json"}, length=2 * MIB)
        # The start of the body only: the rest never comes, so a server that waits for it is heard
        # as silence.
        ans = client.exchange(head + start, timeout=EARLY_WAIT)
        if ans.error and "nothing within" in ans.error:
            return ans, [f"no answer within {EARLY_WAIT:g} s with the body unsent: the server waits for "
                         "the 2 MiB it was promised instead of refusing them"]
        return ans, judge_too_large(ans, path, graphql)

    return run


def judge_too_large(ans: Answer, path: str, graphql: bool) -> Problems:
    return expect_status(ans, 413) if graphql else expect_problem(ans, 413, path)


def chunked_413(graphql: bool):
    def run(client: Client, ctx: Ctx):
        path, start = body_path(graphql)
        head = client.head_bytes("POST", path, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        ans = client.exchange(chunked(head, [start] + [b"d" * (64 * 1024)] * 32 + [b'"}}' if graphql else b'"}']))
        return ans, judge_too_large(ans, path, graphql)

    return run


def chunked(head: bytes, pieces: list[bytes]):
    yield head
    for piece in pieces:
        yield b"%x\r\n%s\r\n" % (len(piece), piece)
    yield b"0\r\n\r\n"


for graphql, profile in ((False, REST), (True, GRAPHQL)):
    path = "/graphql" if graphql else "/items"
    add(Check("body-declared-too-large" + ("-graphql" if graphql else ""),
              f"POST {path} (Content-Length: 2 MiB), then only the body's first bytes",
              f"413{'' if graphql else ' problem'} at once, within {EARLY_WAIT:g} s, without the body",
              early_413(graphql), (profile,)))
    add(Check("body-chunked-too-large" + ("-graphql" if graphql else ""),
              f"POST {path} (Transfer-Encoding: chunked) 2 MiB in 64 KiB chunks",
              "413" + ("" if graphql else " problem"), chunked_413(graphql), (profile,)))


@check("create-chunked", 'POST /items (Transfer-Encoding: chunked) {"name":"Tea"} in two chunks', "201, the item")
def _chunked_small(client: Client, ctx: Ctx):
    head = client.head_bytes("POST", "/items", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    ans = client.exchange(chunked(head, [b'{"name":', b'"Tea"}']))
    return ans, expect_item(ans, 201, name="Tea")[1]


# ---- bytes that are not UTF-8

NOT_UTF8 = b'{"name":"Te\xff\xfea"}'
simple("create-not-utf8", "POST", "/items", "400 problem", problem(400), body=NOT_UTF8, headers=JSON,
       shown='POST /items {"name":"Te<FF FE>a"} (not UTF-8)')
simple("create-not-utf8-declared", "POST", "/items", "400 problem", problem(400), body=NOT_UTF8,
       headers={"Content-Type": "application/json; charset=utf-8"},
       shown='POST /items (application/json; charset=utf-8) {"name":"Te<FF FE>a"} (not UTF-8)')


@check("graphql-not-utf8", 'POST /graphql {"query":"{ authors { id } }","variables":{"x":"<FF>"}}', "400",
       profiles=(GRAPHQL,))
def _gql_not_utf8(client: Client, ctx: Ctx):
    ans = client.request("POST", "/graphql", b'{"query":"{ authors { id } }","variables":{"x":"\xff"}}',
                         {"Content-Type": "application/json", "Accept": "application/graphql-response+json"})
    return ans, expect_status(ans, 400)


# ---- unpaired UTF-16 surrogates: 400, never stored, never replaced by U+FFFD


def total(client: Client) -> tuple[int | None, Answer]:
    ans = client.request("GET", "/items?limit=1")
    page, wrong = expect_json(ans, 200)
    return (page.get("total") if not wrong and isinstance(page, dict) else None), ans


def surrogate_create(name: str, raw: bytes, pointers: tuple[str, ...]):
    def run(client: Client, ctx: Ctx):
        before, got = total(client)
        if before is None:
            return got, [f"GET /items?limit=1 first: {got.describe()}"]
        ans = client.request("POST", "/items", raw, JSON)
        wrong = expect_problem(ans, 400, "/items", pointers)
        after, got = total(client)
        if after != before:
            wrong.append(f"total went from {before} to {after}: something was stored")
        return ans, wrong

    shown = raw.decode()
    add(Check(name, f"POST /items {shown}", f"400 problem{', errors at ' + ', '.join(pointers) if pointers else ''}; "
              "nothing stored", run, (REST,)))


surrogate_create("create-name-surrogate-high", b'{"name":"\\ud800"}', ("/name",))
surrogate_create("create-name-surrogate-low", b'{"name":"Te\\udc00a"}', ("/name",))
surrogate_create("create-description-surrogate", b'{"name":"Tea","description":"a\\ud83dz"}', ("/description",))
surrogate_create("create-reversed-pair", b'{"name":"\\udf75\\ud83c"}', ("/name",))
surrogate_create("create-other-member-surrogate", b'{"name":"Tea","note":"\\ud800"}', ())


@check("create-escaped-pair", 'POST /items {"name":"\\ud83c\\udf75"} (a valid pair, escaped)', f'201, name "{EMOJI}"')
def _pair(client: Client, ctx: Ctx):
    ans = client.request("POST", "/items", b'{"name":"\\ud83c\\udf75"}', JSON)
    return ans, expect_item(ans, 201, name=EMOJI)[1]


def surrogate_change(method: str, raw: bytes, pointer: str):
    def run(client: Client, ctx: Ctx):
        path = f"/items/{ctx.item_id}"
        ans = client.request(method, path, raw, JSON)
        wrong = expect_problem(ans, 400, path, (pointer,))
        after = client.request("GET", path)
        wrong += [f"then GET: {p}" for p in expect_item(after, 200, name="Fixture", description="made by the suite")[1]]
        return ans, wrong

    return run


add(Check("replace-surrogate", 'PUT /items/{id} {"name":"\\ud800"}', "400 problem, errors at /name; the item unchanged",
          surrogate_change("PUT", b'{"name":"\\ud800"}', "/name"), (REST,), needs_item=True))
add(Check("patch-surrogate", 'PATCH /items/{id} {"description":"\\udfff"}',
          "400 problem, errors at /description; the item unchanged",
          surrogate_change("PATCH", b'{"description":"\\udfff"}', "/description"), (REST,), needs_item=True))


# ---- lengths count code points: 100 emoji are a name, 101 are not

def length_case(name: str, value: dict, pointer: str | None):
    def run(client: Client, ctx: Ctx):
        ans = client.request("POST", "/items", json.dumps(value, ensure_ascii=False).encode(), JSON)
        if pointer:
            return ans, expect_problem(ans, 400, "/items", (pointer,))
        body, wrong = expect_item(ans, 201, **{k: v.strip() if k == "name" else v for k, v in value.items()})
        if not wrong:
            again = client.request("GET", f"/items/{body['id']}")
            wrong += [f"then GET: {p}" for p in expect_item(again, 200, name=value["name"].strip())[1]]
        return ans, wrong

    shown = ", ".join(f'"{k}": {len(v)} code points ({shorten(v)!s})' for k, v in value.items())
    add(Check(name, f"POST /items {{{shown}}}",
              f"400 problem, errors at {pointer}" if pointer else "201, stored and read back exactly", run, (REST,)))


length_case("name-100-emoji", {"name": EMOJI * 100}, None)
length_case("name-101-emoji", {"name": EMOJI * 101}, "/name")
length_case("name-101-combining", {"name": "e\u0301" * 50 + "x"}, "/name")
length_case("description-1000-emoji", {"name": "Tea", "description": EMOJI * 1000}, None)
length_case("description-1001-emoji", {"name": "Tea", "description": EMOJI * 1001}, "/description")


# ---- a body on a route that does not read one is ignored


@check("get-with-body", "GET /items (text/plain) not json", "200, a page (the body is ignored)")
def _get_body(client: Client, ctx: Ctx):
    ans = client.request("GET", "/items", b"not json", {"Content-Type": "text/plain"})
    page, wrong = expect_json(ans, 200)
    if not wrong and not isinstance(page, dict):
        wrong.append("not a page")
    return ans, wrong


simple("health-with-body", "GET", "/health", '200 {"status":"ok"} (the body is ignored)', healthy, body=b"{",
       headers=JSON, profiles=BOTH)


@check("delete-with-body", "DELETE /items/{new id} (text/plain) not json", "204 (the body is ignored)")
def _delete_body(client: Client, ctx: Ctx):
    path, created, wrong = create_doomed(client)
    if path is None:
        return created, wrong
    ans = client.request("DELETE", path, b"not json", {"Content-Type": "text/plain"})
    return ans, expect_status(ans, 204)

