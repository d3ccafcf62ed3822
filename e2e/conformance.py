#!/usr/bin/env python3
"""Checks a running project against the HTTP contract in docs/api-contract.md.

    python3 e2e/conformance.py BASE_URL [--profile rest|graphql] [--auth [--token-ttl S]] [--json] [--list]
                               [--only NAME]

Every check sends one request (or a short, bounded sequence) and compares the answer with what
the contract says. The report names, per check, the request, what was expected and what came
back; it ends with `N passed, N failed` and exits 1 if any check failed (2 on bad usage).
`--auth` adds the accounts and authentication checks of a project generated with `auth=token`
and sends a token with every other check. Python 3.11 standard library only; the checks live in
e2e/contract/.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading

from contract.http import Client
from contract.registry import GRAPHQL, REST, Ctx
from contract.runner import Outcome, run_checks, select


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url", nargs="?", help="where the project listens, e.g. http://127.0.0.1:3000")
    parser.add_argument("--profile", choices=(REST, GRAPHQL), default=REST, help="which part of the contract (default rest)")
    parser.add_argument("--auth", action="store_true",
                        help="the project has accounts (auth=token): check them, and send a token everywhere")
    parser.add_argument("--token-ttl", type=int, metavar="SECONDS",
                        default=int(os.environ.get("AUTH_TOKEN_TTL_SECONDS") or Ctx.token_ttl),
                        help="with --auth: the app's AUTH_TOKEN_TTL_SECONDS (default: that variable in this "
                             "environment, else 604800); 30 or less is waited out to see a token expire")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--list", action="store_true", help="print the checks of the profile and exit")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this check (repeatable; a prefix ending in * selects several)")
    args = parser.parse_args()

    checks = select(args.profile, args.auth, args.only)
    if args.list:
        for c in checks:
            print(f"{c.name:34} {c.request}\n{'':34} → {c.expected}")
        print(f"{len(checks)} checks ({args.profile}{', auth' if args.auth else ''})")
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

    outcomes = run_checks(client, checks, show, profile=args.profile, with_auth=args.auth, token_ttl=args.token_ttl)
    passed = sum(o.passed for o in outcomes)
    failed = len(outcomes) - passed
    if args.json:
        print(json.dumps({
            "base_url": args.base_url,
            "profile": args.profile,
            "auth": args.auth,
            "passed": passed,
            "failed": failed,
            "checks": [
                {"name": o.check.name, "request": o.check.request, "expected": o.check.expected,
                 "passed": o.passed, "got": o.got, "problems": o.problems, "seconds": round(o.seconds, 3)}
                for o in outcomes
            ],
        }, indent=2, ensure_ascii=False))
    else:
        print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
