"""The contract's application: routing (exact paths, OPTIONS, HEAD, 405 with Allow), JSON bodies
(media type, UTF-8, surrogates), the items API, and accounts with bearer tokens. Each rule is a
method, so a mutant can break exactly one."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

from .accounts import Account, Accounts, email_problem, password_problem
from .wire import Refused, Request, Response, Wire, problem

MAX_ID = 2_147_483_647
ID_TEXT = re.compile(r"^[1-9][0-9]{0,9}$")
ITEM_PATH = re.compile(r"^/items/([^/]+)$")

Handler = Callable[..., Response]


def has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return any(has_surrogate(k) or has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_surrogate(v) for v in value)
    return False


@dataclass
class Route:
    methods: dict[str, Handler]
    needs_token: bool = False


class App(Wire):
    """What every profile shares: routing, JSON bodies, /health and the /auth routes."""

    def __init__(self, auth: bool = False) -> None:
        self.auth = auth
        self.accounts = Accounts()

    # ---- routing

    def route(self, path: str) -> tuple[Route | None, tuple]:
        fixed = {"/health": Route({"GET": self.health})}
        if self.auth:
            fixed.update({
                "/auth/register": Route({"POST": self.register}),
                "/auth/login": Route({"POST": self.login}),
                "/auth/me": Route({"GET": self.me}, needs_token=True),
                "/auth/logout": Route({"POST": self.logout}, needs_token=True),
            })
        if path in fixed:
            return fixed[path], ()
        return None, ()

    def handle(self, request: Request) -> Response:
        route, args = self.route(request.path)
        if route is None:
            return self.not_found(request)
        allowed = list(route.methods) + (["HEAD"] if "GET" in route.methods else []) + ["OPTIONS"]
        if request.method == "OPTIONS":
            return self.options(allowed)
        method = "GET" if request.method == "HEAD" else request.method
        if method not in route.methods:
            return self.not_allowed(request, allowed)
        account = None
        if route.needs_token:
            account, refusal = self.authenticate(request)
            if refusal:
                return refusal
        return route.methods[method](request, account, *args)

    def not_found(self, request: Request) -> Response:
        return problem(404, f"There is nothing at {request.path}.", request.path)

    def options(self, allowed: list[str]) -> Response:
        return Response(200, b"", [("Allow", ", ".join(allowed))])

    def not_allowed(self, request: Request, allowed: list[str]) -> Response:
        return problem(405, f"{request.method} is not allowed here.", request.path,
                       headers=[("Allow", ", ".join(allowed))])

    def health(self, request: Request, account) -> Response:
        return Response.json(200, {"status": "ok"})

    # ---- bodies

    def media_type_ok(self, content_type: str | None) -> bool:
        if content_type is None:
            return False
        media, *params = [p.strip() for p in content_type.split(";")]
        if media.lower() != "application/json":
            return False
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
                return False
        return True

    def decode_text(self, body: bytes) -> str:
        return body.decode("utf-8")

    def read_json(self, request: Request) -> Any:
        if not self.media_type_ok(request.header("content-type")):
            raise Refused(problem(415, "The body must be application/json.", request.path))
        try:
            text = self.decode_text(request.body)
        except UnicodeDecodeError:
            raise Refused(problem(400, "The body is not UTF-8.", request.path)) from None
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise Refused(problem(400, "The body is not valid JSON.", request.path)) from None
        return value

    def read_object(self, request: Request, what: str) -> dict:
        value = self.read_json(request)
        if not isinstance(value, dict):
            raise Refused(problem(400, f"The body must be a JSON object ({what}).", request.path))
        return value

    def invalid(self, request: Request, what: str, errors: list[dict]) -> Response:
        return problem(400, f"The {what} is not valid.", request.path, errors)

    def refuse_surrogates(self, request: Request, value: dict, fields: tuple[str, ...]) -> None:
        """An unpaired surrogate anywhere in the body is 400; in a field, its error names it."""
        if not has_surrogate(value):
            return
        errors = [{"pointer": f"/{k}", "detail": f"{k} holds an unpaired UTF-16 surrogate"}
                  for k in fields if has_surrogate(value.get(k))]
        raise Refused(problem(400, "The body holds an unpaired UTF-16 surrogate.", request.path, errors or None))

    # ---- authentication

    def authenticate(self, request: Request) -> tuple[Account | None, Response | None]:
        header = request.header("authorization")
        scheme, _, token = (header or "").partition(" ")
        if header is None or scheme.lower() != "bearer":
            return None, self.unauthorized(request, "A bearer token is needed.", invalid=False)
        account = self.accounts.account_of(token.strip())
        if account is None:
            return None, self.unauthorized(request, "The token is not valid.", invalid=True)
        return account, None

    def unauthorized(self, request: Request, detail: str, invalid: bool) -> Response:
        challenge = 'Bearer error="invalid_token"' if invalid else "Bearer"
        return problem(401, detail, request.path, headers=[("WWW-Authenticate", challenge)])

    def register(self, request: Request, account) -> Response:
        body = self.read_object(request, "an account")
        self.refuse_surrogates(request, body, ("email", "password"))
        errors = []
        for name, check in (("email", self.email_problem), ("password", self.password_problem)):
            wrong = check(body.get(name)) if name in body else f"{name} is required"
            if wrong:
                errors.append({"pointer": f"/{name}", "detail": wrong})
        if errors:
            return self.invalid(request, "account", errors)
        created = self.accounts.register(body["email"], body["password"])
        if created is None:
            return problem(409, "An account with this email exists.", request.path)
        return Response.json(201, {"id": created.id, "email": created.email})

    def email_problem(self, value) -> str | None:
        return email_problem(value)

    def password_problem(self, value) -> str | None:
        return password_problem(value)

    def login(self, request: Request, account) -> Response:
        body = self.read_object(request, "email and password")
        errors = [{"pointer": f"/{k}", "detail": f"{k} must be a string"} for k in ("email", "password")
                  if not isinstance(body.get(k), str)]
        if errors:
            return self.invalid(request, "login", errors)
        self.refuse_surrogates(request, body, ("email", "password"))
        outcome = self.accounts.login(body["email"], body["password"], self.client_address(request))
        if outcome.status == 200:
            return Response.json(200, {"token": outcome.token, "token_type": "Bearer", "expires_at": outcome.expires_at})
        if outcome.status == 429:
            return problem(429, outcome.detail, request.path, headers=[("Retry-After", str(outcome.retry_after))])
        return problem(401, outcome.detail, request.path, headers=[("WWW-Authenticate", "Bearer")])

    def client_address(self, request: Request) -> str:
        return request.peer

    def me(self, request: Request, account: Account) -> Response:
        return Response.json(200, {"id": account.id, "email": account.email})

    def logout(self, request: Request, account: Account) -> Response:
        self.accounts.revoke(request.header("authorization").partition(" ")[2].strip())
        return Response(204)


@dataclass
class Items:
    rows: dict[int, dict] = field(default_factory=dict)
    next_id: int = 1
    lock: threading.Lock = field(default_factory=threading.Lock)


class ItemsApp(App):
    """The REST stacks' contract: /health, /items, and with `auth` the accounts."""

    def __init__(self, auth: bool = False) -> None:
        super().__init__(auth)
        self.items = Items()

    def route(self, path: str) -> tuple[Route | None, tuple]:
        if path == "/items":
            return Route({"GET": self.page, "POST": self.create}, needs_token=self.auth), ()
        match = ITEM_PATH.match(path)
        if match:
            methods = {"GET": self.show, "PUT": self.replace, "PATCH": self.patch, "DELETE": self.delete}
            return Route(methods, needs_token=self.auth), (match.group(1),)
        return super().route(path)

    # ---- rules

    def field_errors(self, value: dict, partial: bool) -> list[dict]:
        errors = []
        for name, required, limit in (("name", True, 100), ("description", False, 1000)):
            if name not in value:
                if required and not partial:
                    errors.append({"pointer": f"/{name}", "detail": f"{name} is required"})
                continue
            text = value[name]
            if not isinstance(text, str):
                errors.append({"pointer": f"/{name}", "detail": f"{name} must be a string"})
                continue
            if "\u0000" in text:
                errors.append({"pointer": f"/{name}", "detail": f"{name} must not hold the NUL character"})
                continue
            length = self.length(text.strip() if name == "name" else text)
            if name == "name" and length == 0:
                errors.append({"pointer": "/name", "detail": "name must not be blank"})
            elif length > limit:
                errors.append({"pointer": f"/{name}", "detail": f"{name} must be at most {limit} characters"})
        return errors

    def length(self, text: str) -> int:
        return len(text)  # code points

    def item_body(self, request: Request, partial: bool) -> dict:
        value = self.read_object(request, "an item")
        self.refuse_surrogates(request, value, ("name", "description"))
        errors = self.field_errors(value, partial)
        if errors:
            raise Refused(self.invalid(request, "item", errors))
        fields = {}
        if "name" in value:
            fields["name"] = value["name"].strip()
        if "description" in value or not partial:
            fields["description"] = value.get("description", "")
        return fields

    def parse_id(self, text: str) -> int | None:
        return int(text) if ID_TEXT.match(text) and int(text) <= MAX_ID else None

    def visible(self, row: dict, account: Account | None) -> bool:
        return not self.auth or row["owner"] == account.id

    def find(self, request: Request, account, text: str) -> dict:
        item_id = self.parse_id(text)
        with self.items.lock:
            row = self.items.rows.get(item_id) if item_id is not None else None
        if row is None or not self.visible(row, account):
            raise Refused(problem(404, f"Item {text} not found.", request.path))
        return row

    @staticmethod
    def public(row: dict) -> dict:
        return {k: row[k] for k in ("id", "name", "description")}

    # ---- handlers

    def page_params(self, request: Request) -> tuple[int, int]:
        values: dict[str, int] = {"limit": 20, "offset": 0}
        errors = []
        for name, low, high in (("limit", 1, 100), ("offset", 0, None)):
            given = [v for k, v in request.query if k == name]
            if len(given) > 1:
                errors.append({"pointer": f"/{name}", "detail": f"{name} is given more than once"})
            elif given:
                text = given[0]
                if not re.fullmatch(r"0|[1-9][0-9]*", text) or int(text) < low or (high and int(text) > high):
                    errors.append({"pointer": f"/{name}", "detail": f"{name} must be a whole number "
                                   f"{'from %d to %d' % (low, high) if high else 'of 0 or more'}"})
                else:
                    values[name] = int(text)
        if errors:
            raise Refused(problem(400, "The page parameters are not valid.", request.path, errors))
        return values["limit"], values["offset"]

    def page(self, request: Request, account) -> Response:
        limit, offset = self.page_params(request)
        with self.items.lock:
            rows = [r for _, r in sorted(self.items.rows.items()) if self.visible(r, account)]
        return Response.json(200, {"items": [self.public(r) for r in rows[offset : offset + limit]],
                                   "limit": limit, "offset": offset, "total": len(rows)})

    def create(self, request: Request, account) -> Response:
        fields = self.item_body(request, partial=False)
        with self.items.lock:
            row = {"id": self.items.next_id, **fields, "owner": account.id if account else None}
            self.items.rows[row["id"]] = row
            self.items.next_id += 1
        return Response.json(201, self.public(row), headers=[("Location", f"/items/{row['id']}")])

    def show(self, request: Request, account, text: str) -> Response:
        return Response.json(200, self.public(self.find(request, account, text)))

    def replace(self, request: Request, account, text: str) -> Response:
        return self.change(request, account, text, partial=False)

    def patch(self, request: Request, account, text: str) -> Response:
        return self.change(request, account, text, partial=True)

    def change(self, request: Request, account, text: str, partial: bool) -> Response:
        row = self.find(request, account, text)
        fields = self.item_body(request, partial)
        with self.items.lock:
            row.update(fields)
        return Response.json(200, self.public(row))

    def delete(self, request: Request, account, text: str) -> Response:
        row = self.find(request, account, text)
        with self.items.lock:
            self.items.rows.pop(row["id"], None)
        return Response(204)
