"""The login throttle: 10 failed logins for one email, or from one client address, within the
window make every login for that email or from that address 429 with Retry-After, the right
password included; a successful login clears its email's failures; forwarded headers are not
believed. These run last: they lock addresses out. Each client address they need is a loopback
alias of its own (127.x.y.z, which Linux routes to the server on 127.0.0.1), so the suite's own
address is never locked and a second run finds fresh ones."""

from __future__ import annotations

import ipaddress
import random
import socket

from .auth import login, new_account, new_email
from .http import Answer, Client
from .judge import Problems, expect_problem, expect_status
from .registry import BOTH, Ctx, check

MAX_FAILURES = 10  # AUTH_MAX_FAILURES's default
WINDOW = 900  # AUTH_FAILURE_WINDOW_SECONDS's default


def loopback_alias(client: Client) -> str | None:
    """A random 127.x.y.z this machine can connect from, when the server is on IPv4 loopback."""
    try:
        if not ipaddress.ip_address(client.host).is_loopback or ipaddress.ip_address(client.host).version != 4:
            return None
    except ValueError:
        return None
    for _ in range(20):
        address = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(1, 254)}"
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind((address, 0))
            return address
        except OSError:
            continue
    return None


def from_new_address(client: Client) -> tuple[Client | None, Problems]:
    address = loopback_alias(client)
    if address is None:
        return None, [f"needs a server on IPv4 loopback (not {client.host}) and loopback aliases (127.x.y.z) to "
                      "connect from: the throttle counts per client address"]
    return client.from_address(address).anonymous(), []


def expect_throttled(ans: Answer) -> Problems:
    wrong = expect_problem(ans, 429, "/auth/login")
    if ans.error or ans.status != 429:
        return wrong
    retry = ans.headers.get("retry-after", "")
    if not retry.isdigit() or not 1 <= int(retry) <= WINDOW:
        wrong.append(f"Retry-After is {retry or '(none)'!r}, not whole seconds from 1 to {WINDOW}")
    return wrong


def failures(client: Client, email: str, password: str, count: int, label: str) -> tuple[Answer | None, Problems]:
    """`count` failed logins, each of which must be a plain 401."""
    ans = None
    for n in range(1, count + 1):
        ans = login(client, email, password)
        wrong = expect_status(ans, 401)
        if wrong:
            return ans, [f"{label}, failed login {n} of {count}: {p}" for p in wrong]
    return ans, []


@check("throttle-email", f"{MAX_FAILURES} wrong passwords for one email (after one wrong and one right login from "
       "elsewhere), then its right password from a third address",
       f"the {MAX_FAILURES} are 401 (the right login cleared the first failure); then 429 problem with Retry-After "
       f"(1–{WINDOW} s)", profiles=BOTH, auth_only=True, last=True)
def _throttle_email(client: Client, ctx: Ctx):
    account, error = new_account(client, "throttle", log_in=False)
    if account is None:
        return None, [error]
    clients = []
    for _ in range(3):
        other, wrong = from_new_address(client)
        if other is None:
            return None, wrong
        clients.append(other)
    first, second, third = clients
    ans, wrong = failures(first, account.email, account.password + "x", 1, "from a first address")
    if wrong:
        return ans, wrong
    ans = login(first, account.email, account.password)
    if wrong := expect_status(ans, 200):
        return ans, [f"the right password after one failure: {p}" for p in wrong]
    ans, wrong = failures(second, account.email, account.password + "x", MAX_FAILURES, "from a second address")
    if wrong:
        if ans is not None and ans.status == 429:
            wrong.append("a successful login did not clear the email's earlier failure")
        return ans, wrong
    ans = login(third, account.email, account.password)
    wrong = expect_throttled(ans)
    if ans.status == 200:
        wrong.append(f"{MAX_FAILURES} failures did not lock the email (the right password was let in)")
    return ans, wrong


@check("throttle-address", f"{MAX_FAILURES} failed logins from one address, each for another unknown email; then the "
       "main account's right password from it, with and without X-Forwarded-For",
       "429 problem with Retry-After both times (the address is locked; a forwarded header is not believed); "
       "the main account still logs in from elsewhere", profiles=BOTH, auth_only=True, last=True)
def _throttle_address(client: Client, ctx: Ctx):
    locked, wrong = from_new_address(client)
    if locked is None:
        return None, wrong
    for n in range(1, MAX_FAILURES + 1):
        ans = login(locked, new_email("unknown"), "long enough password")
        if wrong := expect_status(ans, 401):
            return ans, [f"failed login {n} of {MAX_FAILURES}: {p}" for p in wrong]
    main = ctx.accounts["main"]
    ans = login(locked, main.email, main.password)
    wrong = expect_throttled(ans)
    if ans.status == 200:
        wrong.append(f"{MAX_FAILURES} failures from the address did not lock it (the right password was let in)")
    forwarded = locked.anonymous().send_json("POST", "/auth/login", {"email": main.email, "password": main.password},
                                             {"X-Forwarded-For": "203.0.113.7", "Forwarded": "for=203.0.113.7"})
    wrong += [f"with X-Forwarded-For: {p}" for p in expect_throttled(forwarded)]
    elsewhere = login(client, main.email, main.password)
    wrong += [f"then from the suite's own address: {p}" for p in expect_status(elsewhere, 200)]
    return ans, wrong
