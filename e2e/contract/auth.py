"""Accounts and authentication (`auth=token`): register, log in, me, log out, tokens sent right
and wrong, items (or authors and books) owned by their account. Run with --auth. The suite's own
failed logins from its main address stay below the throttle's 10 (see Ctx.failed_logins); the
throttle itself is checked last, from addresses of its own (throttle.py)."""

from __future__ import annotations

import datetime
import re
import secrets
import time
from typing import Any

from .http import Answer, Client
from .judge import (Problems, body_json, compact, expect_allow, expect_item, expect_json, expect_problem, expect_status,
                    expect_unauthorized, is_id)
from .registry import BOTH, GRAPHQL, JSON, REST, Account, Check, Ctx, add, as_json, check, problem, simple

LOGIN_FAILED = "Invalid email or password."
TOKEN_TEXT = re.compile(r"^[A-Za-z0-9_~.-]{22,}$")  # URL-safe, 128 bits or more
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
EMOJI = "\U0001f375"


def new_email(tag: str) -> str:
    return f"conformance-{tag}-{secrets.token_hex(5)}@example.com"


def new_password() -> str:
    return "pw-" + secrets.token_urlsafe(15)


def register(client: Client, email: str, password: str) -> Answer:
    return client.anonymous().send_json("POST", "/auth/register", {"email": email, "password": password})


def login(client: Client, email: str, password: str) -> Answer:
    return client.anonymous().send_json("POST", "/auth/login", {"email": email, "password": password})


def new_account(client: Client, tag: str, log_in: bool = True) -> tuple[Account | None, str]:
    """Registers (and logs in) a fresh account; the error says what went wrong."""
    account = Account(new_email(tag), new_password())
    ans = register(client, account.email, account.password)
    body, wrong = expect_json(ans, 201)
    if wrong or not isinstance(body, dict):
        return None, f"POST /auth/register: {'; '.join(wrong) or 'not an object'}; got {ans.describe()}"
    account.id = body.get("id")
    if log_in:
        ans = login(client, account.email, account.password)
        body, wrong = expect_json(ans, 200)
        if wrong or not isinstance(body, dict) or not isinstance(body.get("token"), str):
            return None, f"POST /auth/login: {'; '.join(wrong) or 'no token'}; got {ans.describe()}"
        account.token = body["token"]
    return account, ""


def expect_account(ans: Answer, status: int, email: str, password: str | None = None) -> tuple[Any, Problems]:
    body, wrong = expect_json(ans, status)
    if wrong:
        return body, wrong
    if not isinstance(body, dict):
        return body, ["the body is not an object"]
    if not is_id(body.get("id")):
        wrong.append(f"id is {body.get('id')!r}, not a positive integer")
    if body.get("email") != email:
        wrong.append(f"email is {body.get('email')!r}, not {email!r}")
    if any("password" in key.lower() or "hash" in key.lower() for key in body):
        wrong.append(f"the answer has members {sorted(body)}: a password or hash is echoed")
    if password and password in ans.body.decode("utf-8", "replace"):
        wrong.append("the password is echoed")
    return body, wrong


# ---- register


@check("register", 'POST /auth/register {"email":" Conformance-…@Example.COM ","password":…}',
       '201 {id, email} with the email trimmed and in lower case, no password', profiles=BOTH, auth_only=True)
def _register(client: Client, ctx: Ctx):
    email = new_email("Mixed").replace("conformance", "Conformance").replace("example.com", "Example.COM")
    password = new_password()
    ans = register(client, f"  {email} ", password)
    body, wrong = expect_account(ans, 201, email.lower(), password)
    if not wrong:
        again = register(client, email.upper(), new_password())
        wrong += [f"then the same email in upper case: {p}" for p in expect_problem(again, 409, "/auth/register")]
    return ans, wrong


@check("register-taken", "POST /auth/register with the main account's email", "409 problem", profiles=BOTH, auth_only=True)
def _register_taken(client: Client, ctx: Ctx):
    ans = register(client, ctx.accounts["main"].email, new_password())
    return ans, expect_problem(ans, 409, "/auth/register")


BAD_EMAILS = {
    "empty": "",
    "no-at": "ann.example.com",
    "two-ats": "ann@@example.com",
    "empty-local": "@example.com",
    "no-dot": "ann@example",
    "empty-label": "ann@example..com",
    "leading-dot-domain": "ann@.example.com",
    "space": "ann smith@example.com",
    "control": "ann\u0001@example.com",
    "local-65": "a" * 65 + "@example.com",
    "length-255": None,  # below: 255 characters, every part within its own bound
    "surrogate": "ann\ud800@example.com",
}


def long_email(length: int, local: str) -> str:
    """`local@bbb….bbb.com`, `length` characters long, in labels of at most 60."""
    room = length - len(local) - 1 - len(".com")
    labels = []
    while room > 0:
        size = min(60, room)
        if room - size == 1:  # never leave a label of nothing after the last dot
            size -= 1
        labels.append("b" * size)
        room -= size + 1
    return f"{local}@{'.'.join(labels)}.com"


BAD_EMAILS["length-255"] = long_email(255, "a" * 64)
assert len(BAD_EMAILS["length-255"]) == 255
for label, email in BAD_EMAILS.items():
    raw = as_json({"email": email, "password": "long enough password"})
    simple(f"register-email-{label}", "POST", "/auth/register", "400 problem, errors at /email", problem(400, "/email"),
           body=raw, headers=JSON, profiles=BOTH, auth_only=True, anonymous=True)

for label, value, pointers in (
    ("email-missing", {"password": "long enough password"}, ("/email",)),
    ("email-number", {"email": 42, "password": "long enough password"}, ("/email",)),
    ("email-null", {"email": None, "password": "long enough password"}, ("/email",)),
    ("password-missing", {"email": "ann@example.com"}, ("/password",)),
    ("password-number", {"email": "ann@example.com", "password": 123456789012}, ("/password",)),
    ("both-missing", {}, ("/email", "/password")),
    ("password-11", {"email": "ann@example.com", "password": "a" * 11}, ("/password",)),
    ("password-11-emoji", {"email": "ann@example.com", "password": EMOJI * 11}, ("/password",)),
    ("password-73-bytes", {"email": "ann@example.com", "password": "a" * 73}, ("/password",)),
    ("password-19-emoji", {"email": "ann@example.com", "password": EMOJI * 19}, ("/password",)),
):
    simple(f"register-{label}", "POST", "/auth/register", f"400 problem, errors at {', '.join(pointers)}",
           problem(400, *pointers), body=as_json(value), headers=JSON, profiles=BOTH, auth_only=True, anonymous=True,
           shown=f"POST /auth/register {compact(value, 100)}")

for label, raw, media in (
    ("malformed", b'{"email": "ann@example.com"', "application/json"),
    ("array", b'[{"email": "ann@example.com"}]', "application/json"),
    ("not-utf8", b'{"email": "ann\xff@example.com", "password": "long enough password"}', "application/json"),
):
    simple(f"register-{label}", "POST", "/auth/register", "400 problem", problem(400), body=raw,
           headers={"Content-Type": media}, profiles=BOTH, auth_only=True, anonymous=True)
simple("register-text-plain", "POST", "/auth/register", "415 problem", problem(415),
       body=b'{"email": "ann@example.com", "password": "long enough password"}', headers={"Content-Type": "text/plain"},
       profiles=BOTH, auth_only=True, anonymous=True)


def accepted_registration(name: str, shown: str, email_of, password: str):
    def run(client: Client, ctx: Ctx):
        email = email_of()
        ans = register(client, email, password)
        return ans, expect_account(ans, 201, email.strip().lower(), password)[1]

    add(Check(name, f"POST /auth/register {shown}", "201 {id, email}", run, BOTH, auth_only=True))


accepted_registration("register-password-12", '{"password": "  " + 10 characters + ""} (12 with the spaces, kept)',
                      lambda: new_email("p12"), "  abcdefghij")
accepted_registration("register-password-72-bytes", f'{{"password": 18 × {EMOJI}}} (18 code points, 72 bytes)',
                      lambda: new_email("p72"), EMOJI * 18)
accepted_registration("register-email-254", '{"email": 64 characters + "@" + a domain of 189} (254 characters)',
                      lambda: long_email(254, secrets.token_hex(32)), "long enough password")


# ---- login


def expect_login(ans: Answer) -> tuple[Any, Problems]:
    body, wrong = expect_json(ans, 200)
    if wrong:
        return body, wrong
    if not isinstance(body, dict):
        return body, ["the body is not an object"]
    token = body.get("token")
    if not isinstance(token, str) or not TOKEN_TEXT.match(token):
        wrong.append(f"token is {str(token)[:60]!r}: not 22 or more URL-safe characters (128 bits)")
    if body.get("token_type") != "Bearer":
        wrong.append(f"token_type is {body.get('token_type')!r}, not 'Bearer'")
    expires = body.get("expires_at")
    if not isinstance(expires, str) or not RFC3339_UTC.match(expires):
        wrong.append(f"expires_at is {expires!r}, not RFC 3339 in UTC (…Z)")
    else:
        when = datetime.datetime.fromisoformat(expires.replace("Z", "+00:00"))
        if when <= datetime.datetime.now(datetime.UTC):
            wrong.append(f"expires_at {expires} is not in the future")
    return body, wrong


@check("login", "POST /auth/login with the main account's email in upper case",
       '200 {token (URL-safe, 128 bits or more), token_type "Bearer", expires_at (RFC 3339, UTC, future)}; '
       "a new token each time", profiles=BOTH, auth_only=True)
def _login(client: Client, ctx: Ctx):
    main = ctx.accounts["main"]
    ans = login(client, main.email.upper(), main.password)
    body, wrong = expect_login(ans)
    if not wrong and body["token"] == main.token:
        wrong.append("the same token as the previous login")
    return ans, wrong


def failed_login(name: str, shown: str, email_of, password_of):
    def run(client: Client, ctx: Ctx):
        ans = login(client, email_of(ctx), password_of(ctx))
        ctx.failed_logins += ans.status == 401
        wrong = expect_unauthorized(ans, "/auth/login", invalid_token=False)
        body, _ = body_json(ans)
        if not ans.error and ans.status == 401 and isinstance(body, dict) and body.get("detail") != LOGIN_FAILED:
            wrong.append(f"detail is {body.get('detail')!r}, not {LOGIN_FAILED!r}")
        return ans, wrong

    add(Check(name, f"POST /auth/login {shown}", f'401 problem, detail "{LOGIN_FAILED}", WWW-Authenticate: Bearer',
              run, BOTH, auth_only=True))


failed_login("login-wrong-password", "with the main account's email and a wrong password",
             lambda ctx: ctx.accounts["main"].email, lambda ctx: ctx.accounts["main"].password + "x")
failed_login("login-unknown-email", "with an email no account has", lambda ctx: new_email("nobody"),
             lambda ctx: ctx.accounts["main"].password)

for label, value, pointers in (
    ("password-missing", {"email": "ann@example.com"}, ("/password",)),
    ("email-number", {"email": 1, "password": "long enough password"}, ("/email",)),
    ("password-null", {"email": "ann@example.com", "password": None}, ("/password",)),
):
    simple(f"login-{label}", "POST", "/auth/login", f"400 problem, errors at {', '.join(pointers)}",
           problem(400, *pointers), body=as_json(value), headers=JSON, profiles=BOTH, auth_only=True, anonymous=True,
           shown=f"POST /auth/login {compact(value)}")
simple("login-malformed", "POST", "/auth/login", "400 problem", problem(400), body=b'{"email":', headers=JSON,
       profiles=BOTH, auth_only=True, anonymous=True)
simple("login-text-plain", "POST", "/auth/login", "415 problem", problem(415),
       body=b'{"email": "ann@example.com", "password": "long enough password"}', headers={"Content-Type": "text/plain"},
       profiles=BOTH, auth_only=True, anonymous=True)


# ---- me, and tokens sent right and wrong


@check("me", "GET /auth/me with the main account's token", "200 {id, email} of that account", profiles=BOTH, auth_only=True)
def _me(client: Client, ctx: Ctx):
    main = ctx.accounts["main"]
    ans = client.request("GET", "/auth/me")
    body, wrong = expect_account(ans, 200, main.email)
    if not wrong and main.id is not None and body["id"] != main.id:
        wrong.append(f"id is {body['id']!r}, the account was registered as {main.id!r}")
    return ans, wrong


FORGED = "Bearer " + secrets.token_urlsafe(32)
for label, header, invalid in (
    ("no-token", None, False),
    ("basic", "Basic YW5uQGV4YW1wbGUuY29tOnNlY3JldA==", False),
    ("malformed-token", "Bearer not/a token!", True),
    ("forged-token", FORGED, True),
):
    challenge_text = 'Bearer error="invalid_token"' if invalid else "Bearer"
    simple(f"me-{label}", "GET", "/auth/me", f"401 problem, WWW-Authenticate: {challenge_text}",
           lambda ans, path, invalid=invalid: expect_unauthorized(ans, path, invalid), anonymous=True,
           headers={"Authorization": header} if header else None, profiles=BOTH, auth_only=True,
           shown=f"GET /auth/me ({'Authorization: ' + header if header else 'no Authorization'})")


@check("me-scheme-case", "GET /auth/me (Authorization: bearer <token>, then BEARER <token>)", "200 both times",
       profiles=BOTH, auth_only=True)
def _scheme_case(client: Client, ctx: Ctx):
    for scheme in ("bearer", "BEARER"):
        ans = client.anonymous().request("GET", "/auth/me", headers={"Authorization": f"{scheme} {ctx.token()}"})
        wrong = expect_status(ans, 200)
        if wrong:
            return ans, [f"{scheme}: {p}" for p in wrong]
    return ans, []


simple("me-post", "POST", "/auth/me", "405 problem, Allow: GET",
       lambda ans, path: expect_problem(ans, 405, path) + ([] if ans.error else expect_allow(ans, {"GET"})),
       body=b"{}", headers=JSON, profiles=BOTH, auth_only=True)
simple("login-get", "GET", "/auth/login", "405 problem, Allow: POST",
       lambda ans, path: expect_problem(ans, 405, path) + ([] if ans.error else expect_allow(ans, {"POST"})),
       profiles=BOTH, auth_only=True, anonymous=True)


# ---- logout


def protected_request(client: Client, graphql: bool) -> Answer:
    if graphql:
        return client.send_json("POST", "/graphql", {"query": "{ me { id } }"},
                                {"Accept": "application/graphql-response+json"})
    return client.request("GET", "/items")


@check("logout", "POST /auth/logout (text/plain body, ignored) with a fresh token; then that token on /auth/me, "
       "/auth/logout and the API", '204, empty body; then 401 with error="invalid_token" everywhere; '
       "the account's other tokens still work", profiles=BOTH, auth_only=True)
def _logout(client: Client, ctx: Ctx):
    main = ctx.accounts["main"]
    ans = login(client, main.email, main.password)
    body, wrong = expect_login(ans)
    if wrong:
        return ans, [f"POST /auth/login first: {p}" for p in wrong]
    session = client.with_token(body["token"])
    ans = session.request("POST", "/auth/logout", b"bye", {"Content-Type": "text/plain"})
    wrong = expect_status(ans, 204)
    if wrong:
        return ans, wrong
    if ans.body:
        wrong.append("the 204 has a body")
    graphql = ctx.profile == GRAPHQL
    for label, again in (("GET /auth/me", session.request("GET", "/auth/me")),
                         ("POST /auth/logout", session.request("POST", "/auth/logout")),
                         ("the API", protected_request(session, graphql))):
        path = "/graphql" if label == "the API" and graphql else ("/items" if label == "the API" else label.split()[1])
        wrong += [f"then {label}: {p}" for p in expect_unauthorized(again, path, invalid_token=True)]
    still = client.request("GET", "/auth/me")
    wrong += [f"then the main token on GET /auth/me: {p}" for p in expect_status(still, 200)]
    return ans, wrong


EXPIRY_WAIT = 30  # seconds: a shorter lifetime is waited out; a longer one only read


@check("token-expires", "POST /auth/login; with a token lifetime of 30 s or less, wait it out and use the token",
       "expires_at is now + AUTH_TOKEN_TTL_SECONDS (604800 unless told otherwise, ±10 s); once it has passed, 401 "
       'with error="invalid_token" on /auth/me and on the API', profiles=BOTH, auth_only=True)
def _token_expires(client: Client, ctx: Ctx):
    main = ctx.accounts["main"]
    ans = login(client, main.email, main.password)
    body, wrong = expect_login(ans)
    if wrong:
        return ans, [f"POST /auth/login: {p}" for p in wrong]
    expires = datetime.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    expected = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=ctx.token_ttl)
    if abs((expires - expected).total_seconds()) > 10:
        return ans, [f"expires_at is {body['expires_at']}, not {ctx.token_ttl} s from now "
                     f"({expected.strftime('%Y-%m-%dT%H:%M:%SZ')}): is the app's AUTH_TOKEN_TTL_SECONDS "
                     "the suite's (--token-ttl)?"]
    if ctx.token_ttl > EXPIRY_WAIT:
        return ans, []
    time.sleep(max(0.0, (expires - datetime.datetime.now(datetime.UTC)).total_seconds()) + 1.1)
    session = client.with_token(body["token"])
    graphql = ctx.profile == GRAPHQL
    for label, path, again in (("GET /auth/me", "/auth/me", session.request("GET", "/auth/me")),
                               ("the API", "/graphql" if graphql else "/items", protected_request(session, graphql))):
        wrong += [f"after expires_at, {label}: {p}" for p in expect_unauthorized(again, path, invalid_token=True)]
    return ans, wrong


simple("logout-no-token", "POST", "/auth/logout", "401 problem, WWW-Authenticate: Bearer",
       lambda ans, path: expect_unauthorized(ans, path, False), anonymous=True, profiles=BOTH, auth_only=True)
simple("health-no-token", "GET", "/health", '200 {"status":"ok"} (public)', lambda ans, path: expect_status(ans, 200),
       anonymous=True, profiles=BOTH, auth_only=True)


# ---- items need a token and belong to their account

for method, path, body in (
    ("GET", "/items", None),
    ("POST", "/items", b'{"name":"Anonymous"}'),
    ("GET", "/items/{id}", None),
    ("PUT", "/items/{id}", b'{"name":"Anonymous"}'),
    ("PATCH", "/items/{id}", b'{"name":"Anonymous"}'),
    ("DELETE", "/items/{id}", None),
):
    label = f"items-{method.lower()}-{'list' if path == '/items' else 'item'}-no-token"
    simple(label, method, path, "401 problem, WWW-Authenticate: Bearer",
           lambda ans, p: expect_unauthorized(ans, p, False), body=body, headers=JSON if body else None,
           anonymous=True, needs_item="{id}" in path, auth_only=True)
simple("items-forged-token", "GET", "/items", '401 problem, WWW-Authenticate: Bearer error="invalid_token"',
       lambda ans, p: expect_unauthorized(ans, p, True), headers={"Authorization": FORGED}, auth_only=True,
       shown=f"GET /items (Authorization: {FORGED})")


@check("items-options-no-token", "OPTIONS /items without a token (a CORS preflight carries none)",
       "200, Allow: GET, POST", auth_only=True)
def _options_anonymous(client: Client, ctx: Ctx):
    ans = client.anonymous().request("OPTIONS", "/items")
    wrong = expect_status(ans, 200)
    return ans, wrong or expect_allow(ans, {"GET", "POST"})


def fixture_unchanged(client: Client, ctx: Ctx) -> Problems:
    again = client.request("GET", f"/items/{ctx.item_id}")
    return [f"then the owner's GET: {p}" for p in
            expect_item(again, 200, id=ctx.item_id, name="Fixture", description="made by the suite")[1]]


for method, body in (("GET", None), ("PUT", b'{"name":"Taken"}'), ("PATCH", b'{"name":"Taken"}'), ("DELETE", None)):
    def _other(client: Client, ctx: Ctx, method=method, body=body):
        path = f"/items/{ctx.item_id}"
        ans = client.with_token(ctx.token("other")).request(method, path, body, JSON if body else None)
        return ans, expect_problem(ans, 404, path) + fixture_unchanged(client, ctx)

    add(Check(f"items-other-account-{method.lower()}", f"{method} /items/{{id}} with another account's token",
              "404 problem, as for an item that does not exist; the owner's item unchanged", _other, (REST,),
              needs_item=True, auth_only=True))


@check("items-list-own", "another account creates 2 items; then both accounts list",
       "its list and total hold exactly its own items, the 2 new ones among them; the main account's total is "
       "unchanged", auth_only=True)
def _list_own(client: Client, ctx: Ctx):
    other = client.with_token(ctx.token("other"))
    before = client.request("GET", "/items?limit=1")
    page, wrong = expect_json(before, 200)
    if wrong:
        return before, [f"the main account's list first: {p}" for p in wrong]
    theirs_before = other.request("GET", "/items?limit=100")
    mine, wrong = expect_json(theirs_before, 200)
    if wrong:
        return theirs_before, [f"the other account's list first: {p}" for p in wrong]
    created = []
    for n in range(2):
        ans = other.send_json("POST", "/items", {"name": f"Theirs {n}"})
        body, wrong = expect_item(ans, 201)
        if wrong:
            return ans, [f"the other account's POST: {p}" for p in wrong]
        created.append(body["id"])
    ans = other.request("GET", "/items?limit=100")
    listed, wrong = expect_json(ans, 200)
    if wrong:
        return ans, wrong
    expected = sorted({i["id"] for i in mine["items"]} | set(created))
    got = [i.get("id") for i in listed.get("items", [])]
    if got != expected or listed.get("total") != len(expected):
        wrong.append(f"the other account's list has ids {got[:12]} and total {listed.get('total')}, not {expected[:12]} "
                     f"and {len(expected)}")
    after = client.request("GET", "/items?limit=1")
    later, bad = expect_json(after, 200)
    if bad or later.get("total") != page.get("total"):
        wrong.append(f"the main account's total went from {page.get('total')} to {later.get('total') if later else '?'}")
    return ans, wrong


# ---- GraphQL: me, UNAUTHENTICATED without a token, 401 with a bad one, owned authors and books

GQL_ACCEPT = {"Accept": "application/graphql-response+json"}


def gql(client: Client, query: str, variables: dict | None = None) -> Answer:
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    return client.send_json("POST", "/graphql", payload, GQL_ACCEPT)


def gql_data(ans: Answer) -> tuple[Any, Problems]:
    """`data` of a 200 GraphQL answer without errors."""
    wrong = expect_status(ans, 200)
    if wrong:
        return None, wrong
    body, bad = body_json(ans)
    if bad or not isinstance(body, dict):
        return body, bad or ["the body is not a JSON object"]
    if body.get("errors"):
        return body, [f"errors: {compact(body['errors'])}"]
    return body.get("data"), []


@check("graphql-me", "POST /graphql { me { id email } } with the main account's token", "data.me is the account",
       profiles=(GRAPHQL,), auth_only=True)
def _gql_me(client: Client, ctx: Ctx):
    ans = gql(client, "{ me { id email } }")
    data, wrong = gql_data(ans)
    if not wrong:
        me = (data or {}).get("me") or {}
        if me.get("email") != ctx.accounts["main"].email or not me.get("id"):
            wrong.append(f"data.me is {compact(me)}")
    return ans, wrong


def unauthenticated(query: str):
    def run(client: Client, ctx: Ctx):
        ans = gql(client.anonymous(), query)
        wrong = expect_status(ans, 200)
        if wrong:
            return ans, wrong
        body, bad = body_json(ans)
        if bad:
            return ans, bad
        errors = body.get("errors") if isinstance(body, dict) else None
        codes = [((e or {}).get("extensions") or {}).get("code") for e in errors or [] if isinstance(e, dict)]
        if "UNAUTHENTICATED" not in codes:
            wrong.append(f"no error with extensions.code UNAUTHENTICATED (codes: {codes})")
        data = body.get("data") if isinstance(body, dict) else None
        if isinstance(data, dict) and any(v is not None for v in data.values()):
            wrong.append(f"data holds {compact(data)}")
        return ans, wrong

    return run


for label, query in (
    ("query", "{ authors { id name } }"),
    ("me", "{ me { id email } }"),
    ("mutation", 'mutation { createAuthor(input: {name: "Anonymous"}) { id } }'),
):
    add(Check(f"graphql-no-token-{label}", f"POST /graphql {query} without a token",
              "200, an error with extensions.code UNAUTHENTICATED, data null", unauthenticated(query), (GRAPHQL,),
              auth_only=True))


@check("graphql-no-token-typename", "POST /graphql { __typename } without a token", '200, data {"__typename": "Query"}',
       profiles=(GRAPHQL,), auth_only=True)
def _gql_typename(client: Client, ctx: Ctx):
    ans = gql(client.anonymous(), "{ __typename }")
    data, wrong = gql_data(ans)
    if not wrong and data != {"__typename": "Query"}:
        wrong.append(f"data is {compact(data)}")
    return ans, wrong


@check("graphql-forged-token", f"POST /graphql {{ authors {{ id }} }} (Authorization: {FORGED})",
       '401 problem, WWW-Authenticate: Bearer error="invalid_token", before anything runs', profiles=(GRAPHQL,),
       auth_only=True)
def _gql_forged(client: Client, ctx: Ctx):
    ans = gql(client.with_token(FORGED.split(" ", 1)[1]), "{ authors { id } }")
    return ans, expect_unauthorized(ans, "/graphql", invalid_token=True)


@check("graphql-owned", "the main account creates an author and a book; the other account lists and asks by id",
       "absent from the other account's lists, null by id", profiles=(GRAPHQL,), auth_only=True)
def _gql_owned(client: Client, ctx: Ctx):
    ans = gql(client, 'mutation { createAuthor(input: {name: "Mine"}) { id } }')
    data, wrong = gql_data(ans)
    if wrong:
        return ans, [f"createAuthor: {p}" for p in wrong]
    author = data["createAuthor"]["id"]
    ans = gql(client, "mutation ($a: ID!) { createBook(input: {title: \"Mine\", authorId: $a}) { id } }", {"a": author})
    data, wrong = gql_data(ans)
    if wrong:
        return ans, [f"createBook: {p}" for p in wrong]
    book = data["createBook"]["id"]
    other = client.with_token(ctx.token("other"))
    ans = gql(other, "query ($a: ID!, $b: ID!) { authors { id } books { id } author(id: $a) { id } book(id: $b) { id } }",
              {"a": author, "b": book})
    data, wrong = gql_data(ans)
    if wrong:
        return ans, wrong
    if any(a.get("id") == author for a in data.get("authors") or []):
        wrong.append("the author is in the other account's list")
    if any(b.get("id") == book for b in data.get("books") or []):
        wrong.append("the book is in the other account's list")
    if data.get("author") is not None or data.get("book") is not None:
        wrong.append(f"by id: author {compact(data.get('author'))}, book {compact(data.get('book'))}, not null")
    return ans, wrong


