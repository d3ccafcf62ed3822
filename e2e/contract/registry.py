"""Checks as data: what one check sends, what it expects, and when it runs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

from .http import Answer, Client
from .judge import Problems, expect_allow, expect_problem

REST, GRAPHQL = "rest", "graphql"
BOTH = (REST, GRAPHQL)
JSON = {"Content-Type": "application/json"}


@dataclass
class Account:
    email: str
    password: str
    id: Any = None
    token: str | None = None


@dataclass
class Ctx:
    """What checks share within one run."""

    profile: str = REST
    auth: bool = False
    token_ttl: int = 604_800  # AUTH_TOKEN_TTL_SECONDS the app runs with
    accounts: dict[str, Account] = field(default_factory=dict)  # "main", "other"
    item_id: int | None = None  # the fixture `{id}` names
    failed_logins: int = 0  # 401 answers to logins from the main address
    addresses: list[str] = field(default_factory=list)  # spare loopback sources for the throttle

    def token(self, who: str = "main") -> str | None:
        account = self.accounts.get(who)
        return account.token if account else None


Run = Callable[[Client, Ctx], tuple[Answer | None, Problems]]


@dataclass
class Check:
    name: str
    request: str  # what is sent, as the report shows it
    expected: str
    run: Run
    profiles: tuple[str, ...] = (REST,)
    needs_item: bool = False
    auth_only: bool = False  # runs only with --auth
    last: bool = False  # runs after every other check (it locks addresses out)


CHECKS: list[Check] = []


def check(name: str, request: str, expected: str, profiles=(REST,), needs_item=False, auth_only=False, last=False):
    def register(fn: Run) -> Run:
        add(Check(name, request, expected, fn, tuple(profiles), needs_item, auth_only, last))
        return fn

    return register


def add(item: Check) -> None:
    if any(c.name == item.name for c in CHECKS):
        raise ValueError(f"two checks are named {item.name}")
    CHECKS.append(item)


def simple(name: str, method: str, path: str, expected: str, judge: Callable[[Answer, str], Problems], *,
           body: bytes | None = None, headers: dict | None = None, profiles=(REST,), needs_item=False,
           auth_only=False, anonymous=False, shown: str | None = None) -> None:
    """A check of one request; `{id}` in the path is the id of an existing item. `anonymous`
    sends no token even when the suite has one."""

    def run(client: Client, ctx: Ctx):
        real = path.replace("{id}", str(ctx.item_id))
        ans = (client.anonymous() if anonymous else client).request(method, real, body, headers)
        return ans, judge(ans, real)

    if shown is None:
        shown = f"{method} {path}"
        if headers and "Content-Type" in headers:
            shown += f" ({headers['Content-Type']})"
        if body is not None:
            text = body.decode("utf-8", "replace")
            shown += " " + (text if len(text) <= 80 else f"{text[:60]}… ({len(body)} bytes)")
        if anonymous:
            shown += " without a token"
    add(Check(name, shown, expected, run, tuple(profiles), needs_item, auth_only))


def problem(status: int, *pointers: str, instance: str | None = None) -> Callable[[Answer, str], Problems]:
    return lambda ans, path: expect_problem(ans, status, path, pointers, instance)


def not_allowed(methods: set[str]) -> Callable[[Answer, str], Problems]:
    return lambda ans, path: expect_problem(ans, 405, path) + ([] if ans.error else expect_allow(ans, methods))


def as_json(value: Any) -> bytes:
    return json.dumps(value).encode()
