"""Running checks: choosing them, setting up what they share (accounts and tokens with --auth,
the fixture item), and judging each one even when it trips over an odd answer."""

from __future__ import annotations

import time
from dataclasses import dataclass
from collections.abc import Callable

# The modules that register checks, in the order the report lists them (not sorted).
from . import items, request_rules, body_rules, graphql, auth, throttle  # noqa: F401, I001
from .auth import login, new_account
from .http import Client
from .judge import Problems, expect_item
from .registry import CHECKS, REST, Check, Ctx

SETUP = Check("auth-setup", "POST /auth/register and POST /auth/login for two fresh accounts",
              "201 and 200 with a token each: every other check sends the first account's token", lambda c, x: (None, []),
              auth_only=True)


@dataclass
class Outcome:
    check: Check
    problems: Problems
    got: str
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.problems


def select(profile: str, with_auth: bool, only: list[str] | None = None) -> list[Check]:
    """The checks of a profile (auth-only ones with `with_auth`), those that lock addresses out
    last; `only` keeps exact names and prefixes ending in `*`."""
    chosen = [c for c in CHECKS if profile in c.profiles and (with_auth or not c.auth_only)]
    if only:
        chosen = [c for c in chosen if any(c.name == o or (o.endswith("*") and c.name.startswith(o[:-1])) for o in only)]
    return [c for c in chosen if not c.last] + [c for c in chosen if c.last]


def run_checks(client: Client, checks: list[Check], on_outcome: Callable[[Outcome], None], *, profile: str = REST,
               with_auth: bool = False, token_ttl: int = Ctx.token_ttl) -> list[Outcome]:
    ctx = Ctx(profile=profile, auth=with_auth, token_ttl=token_ttl)
    outcomes: list[Outcome] = []

    def report(outcome: Outcome) -> None:
        outcomes.append(outcome)
        on_outcome(outcome)

    if with_auth:
        source = throttle.loopback_alias(client)
        if source:
            client = client.from_address(source)  # a second run within the window is not locked out
        started = time.monotonic()
        problems: Problems = []
        for role in ("main", "other"):
            account, error = new_account(client, role)
            if account is None:
                problems.append(f"{role} account: {error}")
            else:
                ctx.accounts[role] = account
        report(Outcome(SETUP, problems, "", time.monotonic() - started))
        if problems:
            for item in checks:
                report(Outcome(item, ["not run: the accounts every check uses could not be set up"], "not run"))
            return outcomes
        client = client.with_token(ctx.token())
        logged_in = time.monotonic()

    fixture_error = ""
    for item in checks:
        started = time.monotonic()
        if with_auth and started - logged_in > ctx.token_ttl / 2:
            # Short-lived tokens (a lifetime the suite waits out) are renewed before they die.
            client = client.with_token(renew_tokens(client, ctx))
            logged_in = time.monotonic()
        if item.needs_item:
            if ctx.item_id is None and not fixture_error:
                ctx.item_id, fixture_error = create_fixture(client)
            if fixture_error:
                report(Outcome(item, [fixture_error], "not run"))
                continue
            ctx.item_id = fresh_fixture(client, ctx.item_id)
        try:
            ans, problems = item.run(client, ctx)
        except Exception as e:  # a check that trips over an odd answer still reports it
            ans, problems = None, [f"the answer could not be judged: {type(e).__name__}: {e}"]
        report(Outcome(item, problems, ans.describe() if ans else "", time.monotonic() - started))
    return outcomes


def renew_tokens(client: Client, ctx: Ctx) -> str | None:
    """Logs both accounts in again; the main account's new token (its old one if that failed)."""
    for account in ctx.accounts.values():
        ans = login(client, account.email, account.password)
        if ans.status == 200 and ans.media_type == "application/json":
            account.token = ans.json().get("token", account.token)
    return ctx.token()


def create_fixture(client: Client) -> tuple[int | None, str]:
    ans = client.send_json("POST", "/items", {"name": "Fixture", "description": "made by the suite"})
    body, wrong = expect_item(ans, 201, name="Fixture")
    if wrong:
        return None, f"POST /items (the fixture every {{id}} check uses): {'; '.join(wrong)}; got {ans.describe()}"
    return body["id"], ""


def fresh_fixture(client: Client, current: int) -> int:
    """Put the fixture back as it was (checks change it); recreate it if a check deleted it."""
    ans = client.send_json("PUT", f"/items/{current}", {"name": "Fixture", "description": "made by the suite"})
    if ans.status == 200:
        return current
    new, _ = create_fixture(client)
    return new if new is not None else current
