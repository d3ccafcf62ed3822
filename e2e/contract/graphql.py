"""The GraphQL stack's /graphql: GraphQL over HTTP status codes, limits before anything runs
(depth, aliases, tokens, directives, cost), GET and other methods, subscriptions over the wrong
transport, ids, NUL and surrogates, lengths in code points, parallel creates."""

from __future__ import annotations

import json
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .http import Answer, Client
from .judge import TRACE_MARKERS, Problems, body_json, expect_status, methods_of
from .registry import GRAPHQL, Check, Ctx, add, check, simple
from .items import CONCURRENT_CREATES, MIB, UNICODE
from .body_rules import EMOJI

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
    return check(name, request, expected, profiles=(GRAPHQL,))


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


# ---- limits, enforced before anything runs (GraphQL Armor's rules and counts)

DEPTH, ALIASES, TOKENS, DIRECTIVES, COST = 10, 15, 1000, 50, 5000
LIMIT_WAIT = 1.0  # seconds: a query over a limit is refused within this


def nested(levels: int, leaves: str = "id") -> str:
    """`authors { books { author { … { id } } } }` with `levels` object fields: Armor counts
    every field level, the leaves too, so its depth is `levels + 1`."""
    fields = ["authors"] + ["books" if n % 2 else "author" for n in range(1, levels)]
    return "{ " + " { ".join(fields) + " { " + leaves + " }" + " }" * levels


def armor_cost(levels: int, leaves: int) -> float:
    """Armor's cost of nested(levels) with `leaves` scalar leaves: a scalar field costs 1, an
    object field 2 plus 1.5 times the cost of each field it selects; the operation costs the sum
    of its fields."""
    cost = 2 + 1.5 * leaves
    for _ in range(levels - 1):
        cost = 2 + 1.5 * cost
    return cost


def cost_leaves(above: bool) -> int:
    """The number of `id` leaves under nested(DEPTH - 1) that puts its cost just over (or at most
    at) COST."""
    leaves = 1
    while armor_cost(DEPTH - 1, leaves + 1) <= COST:
        leaves += 1
    return leaves + 1 if above else leaves


def aliases(count: int, field: str = "authors { id }") -> str:
    return "{ " + " ".join(f"a{n}: {field}" for n in range(count)) + " }"


def tokens(count: int) -> str:
    """`{ authors { ... on Author { id } … id } }` of `count` lexical tokens: inline fragments of
    6 tokens, then lone `id`s to make up the count. (Some 700 fields of one name in one selection
    would exhaust graphql-js 17's budget for checking that fields merge, a refusal of its own.)"""
    fragments, leaves = divmod(count - 5, 6)
    return "{ authors { " + " ".join(["... on Author { id }"] * fragments + ["id"] * leaves) + " } }"


def directives(count: int) -> str:
    return "{ authors { " + " ".join(["id @include(if: true)"] * count) + " } }"


def limit_check(name: str, shown: str, query: str, accepted: bool, accept: str = GQL_MEDIA):
    def run(client: Client, ctx: Ctx):
        ans = gql(client, query, accept=accept)
        if accepted:
            return ans, expect_gql(ans, 200, errors=False, media=accept)[1]
        wrong = expect_gql(ans, 400 if accept == GQL_MEDIA else 200, errors=True, media=accept)[1]
        if not ans.error and ans.seconds > LIMIT_WAIT:
            wrong.append(f"refused after {ans.seconds:.2f} s, not within {LIMIT_WAIT:g} s")
        return ans, wrong

    expected = "200 with data, no errors" if accepted else (
        f"{'400' if accept == GQL_MEDIA else '200'} with errors, no data, within {LIMIT_WAIT:g} s")
    add(Check(name, f"POST /graphql {shown}", expected, run, (GRAPHQL,)))


limit_check("graphql-depth-10", f"a query {DEPTH} levels deep ({{ authors {{ books {{ … {{ id }} … }} }} }})", nested(DEPTH - 1), True)
limit_check("graphql-depth-11", f"a query {DEPTH + 1} levels deep", nested(DEPTH), False)
limit_check("graphql-depth-81", "a query 81 levels deep", nested(80), False)
limit_check("graphql-aliases-15", f"{{ a0: authors {{ id }} … a{ALIASES - 1}: … }} ({ALIASES} aliases)", aliases(ALIASES), True)
limit_check("graphql-aliases-16", f"{ALIASES + 1} aliases", aliases(ALIASES + 1), False)
limit_check("graphql-aliases-16-legacy", f"(Accept: application/json) {ALIASES + 1} aliases", aliases(ALIASES + 1), False,
            accept="application/json")
limit_check("graphql-tokens-1000", f"{{ authors {{ ... on Author {{ id }} … }} }} ({TOKENS} tokens)", tokens(TOKENS), True)
limit_check("graphql-tokens-1001", f"{{ authors {{ ... on Author {{ id }} … }} }} ({TOKENS + 1} tokens)",
            tokens(TOKENS + 1), False)
limit_check("graphql-directives-50", f"{{ authors {{ id @include(if: true) … }} }} ({DIRECTIVES} directives)",
            directives(DIRECTIVES), True)
limit_check("graphql-directives-51", f"{DIRECTIVES + 1} directives", directives(DIRECTIVES + 1), False)
limit_check("graphql-cost-under", f"a query {DEPTH} levels deep with {cost_leaves(False)} leaves "
            f"(Armor's cost {armor_cost(DEPTH - 1, cost_leaves(False)):.0f})",
            nested(DEPTH - 1, " ".join(["id"] * cost_leaves(False))), True)
limit_check("graphql-cost-over", f"a query {DEPTH} levels deep with {cost_leaves(True)} leaves "
            f"(Armor's cost {armor_cost(DEPTH - 1, cost_leaves(True)):.0f})",
            nested(DEPTH - 1, " ".join(["id"] * cost_leaves(True))), False)

BOMB = aliases(3000, "authors { id name books { id } }")
BOMBS = 3  # sent at once


@gql_check("graphql-alias-bomb", f"{BOMBS} parallel POST /graphql of 3,000 aliases of authors {{ id name books {{ id }} }} "
           f"({len(BOMB):,} bytes each), and GET /health meanwhile",
           f"each refused with a 4xx within {LIMIT_WAIT:g} s; /health answers 200 within {LIMIT_WAIT:g} s meanwhile")
def _gql_bomb(client: Client, ctx: Ctx):
    with ThreadPoolExecutor(max_workers=BOMBS) as pool:
        bombs = [pool.submit(gql, client, BOMB) for _ in range(BOMBS)]
        time.sleep(0.05)
        health = client.request("GET", "/health")
        answers = [b.result() for b in bombs]
    wrong = []
    for ans in answers:
        if ans.error:
            return ans, [ans.error]
        if not 400 <= ans.status < 500:
            return ans, [f"status {ans.status}, not a 4xx"]
        if ans.seconds > LIMIT_WAIT:
            wrong.append(f"refused after {ans.seconds:.2f} s, not within {LIMIT_WAIT:g} s")
    health_wrong = expect_status(health, 200)
    if health_wrong:
        wrong += [f"GET /health meanwhile: {p}" for p in health_wrong]
    elif health.seconds > LIMIT_WAIT:
        wrong.append(f"GET /health meanwhile took {health.seconds:.2f} s")
    return answers[0], wrong

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

    add(Check(f"graphql-id-{bad}", f'POST /graphql author(id: "{bad}"), book(id: "{bad}")',
                        "200, both null, no errors", _gql_bad_id, (GRAPHQL,)))


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
       profiles=(GRAPHQL,), shown="POST /graphql (2 MiB body)")


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



# ---- GET runs queries; mutations over GET and other methods are 405

def get_query(query: str) -> str:
    return GQL + "?" + urllib.parse.urlencode({"query": query})


@gql_check("graphql-get-query", "GET /graphql?query={ authors { id } }", f"200, {GQL_MEDIA}, data.authors a list")
def _gql_get(client: Client, ctx: Ctx):
    ans = client.request("GET", get_query("{ authors { id } }"), headers={"Accept": GQL_MEDIA})
    body, wrong = expect_gql(ans, 200, errors=False)
    if not wrong and not isinstance((body.get("data") or {}).get("authors"), list):
        wrong.append("data.authors is not a list")
    return ans, wrong


def allow_only(methods: set[str]):
    def judge(ans: Answer, path: str = GQL) -> Problems:
        wrong = expect_status(ans, 405)
        if wrong:
            return wrong
        allow = ans.headers.get("allow")
        if allow is None:
            return ["no Allow header"]
        given = methods_of(allow) - {"HEAD", "OPTIONS"}
        return [] if given == methods else [f"Allow is {allow!r}, not {', '.join(sorted(methods))}"]

    return judge


@gql_check("graphql-get-mutation", 'GET /graphql?query=mutation { createAuthor(input: {name: "Via GET"}) { id } }',
           "405, Allow: POST (the only method that runs a mutation); nothing created")
def _gql_get_mutation(client: Client, ctx: Ctx):
    name = f"Via GET {time.monotonic_ns()}"
    ans = client.request("GET", get_query(f'mutation {{ createAuthor(input: {{name: "{name}"}}) {{ id }} }}'),
                         headers={"Accept": GQL_MEDIA})
    wrong = allow_only({"POST"})(ans)
    listed = gql(client, "{ authors { name } }")
    body, bad = expect_gql(listed, 200, errors=False)
    if bad:
        return ans, wrong + [f"then authors: {p}" for p in bad]
    if any(a.get("name") == name for a in body["data"]["authors"]):
        wrong.append("the mutation ran")
    return ans, wrong


for method in ("DELETE", "PUT", "PATCH"):
    simple(f"graphql-{method.lower()}", method, GQL, "405, Allow: GET, POST", allow_only({"GET", "POST"}),
           body=None if method == "DELETE" else b'{"query":"{ authors { id } }"}',
           headers=None if method == "DELETE" else GQL_HEADERS, profiles=(GRAPHQL,))


TRANSPORTS = ("websocket", "web socket", "graphql-ws", "event-stream", "server-sent events")


@gql_check("graphql-subscription-over-post", "POST /graphql subscription { bookCreated { id } }",
           "400 with errors naming the transport to use (WebSocket or server-sent events), within 5 s")
def _gql_subscription(client: Client, ctx: Ctx):
    ans = client.exchange(client.head_bytes("POST", GQL, GQL_HEADERS, length=len(SUBSCRIPTION)) + SUBSCRIPTION, timeout=5)
    body, wrong = expect_gql(ans, 400, errors=True)
    if not wrong:
        messages = " ".join(str(e.get("message", "")) for e in body["errors"] if isinstance(e, dict)).lower()
        if not any(t in messages for t in TRANSPORTS):
            wrong.append(f"no error names the transport: {messages[:200]!r}")
    return ans, wrong


SUBSCRIPTION = json.dumps({"query": "subscription { bookCreated { id } }"}).encode()


# ---- lengths in code points; unpaired surrogates refused and never stored

CREATE = "mutation ($name: String!) { createAuthor(input: {name: $name}) { id name } }"


@gql_check("graphql-name-100-emoji", "createAuthor(input: {name: 100 × 🍵})", "200, the same name back")
def _gql_emoji_ok(client: Client, ctx: Ctx):
    ans = gql(client, CREATE, variables={"name": EMOJI * 100})
    body, wrong = expect_gql(ans, 200, errors=False)
    if not wrong and ((body.get("data") or {}).get("createAuthor") or {}).get("name") != EMOJI * 100:
        wrong.append("the name came back changed")
    return ans, wrong


@gql_check("graphql-name-101-emoji", "createAuthor(input: {name: 101 × 🍵})", "200 with an error, nothing created")
def _gql_emoji_long(client: Client, ctx: Ctx):
    ans = gql(client, CREATE, variables={"name": EMOJI * 101})
    body, wrong = expect_gql(ans, 200, errors=True)
    if not wrong and (body.get("data") or {}).get("createAuthor"):
        wrong.append("the author was created")
    return ans, wrong


@gql_check("graphql-surrogate", 'createAuthor(input: {name: "\\ud800"}) (the escape in the JSON variables)',
           "refused with an error (200), no author named with U+FFFD or a lone surrogate")
def _gql_surrogate(client: Client, ctx: Ctx):
    marker = f"S{time.monotonic_ns()}"
    raw = ('{"query":' + json.dumps(CREATE) + ',"variables":{"name":"' + marker + '\\ud800"}}').encode()
    ans = client.request("POST", GQL, raw, GQL_HEADERS)
    body, wrong = expect_gql(ans, 200, errors=True)
    listed = gql(client, "{ authors { name } }")
    names, bad = expect_gql(listed, 200, errors=False)
    if bad:
        return ans, wrong + [f"then authors: {p}" for p in bad]
    if any(str(a.get("name", "")).startswith(marker) for a in names["data"]["authors"]):
        wrong.append("the author was stored")
    return ans, wrong
