"""The conformance suite against the reference server: every check passes in every profile, the
command line reports and exits as documented, the suite's own failed logins stay under the
throttle's limit, and the README's curl sequence for auth=token works when pasted."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unittest
from pathlib import Path

from contract.http import Client
from contract.runner import Outcome, run_checks, select
from reference.mutants import build
from reference.wire import serve

E2E = Path(__file__).resolve().parent
ROOT = E2E.parent


def run_suite(app, profile: str, auth: bool, only: list[str] | None = None) -> list[Outcome]:
    """The suite (or the checks `only` names) against `app`, told the app's token lifetime."""
    server, url = serve(app)
    try:
        return run_checks(Client(url), select(profile, auth, only), lambda o: None, profile=profile, with_auth=auth,
                          token_ttl=app.accounts.token_ttl)
    finally:
        server.shutdown()
        server.server_close()


def failures(outcomes: list[Outcome]) -> str:
    return "\n".join(f"{o.check.name}: {'; '.join(o.problems)} (got {o.got})" for o in outcomes if not o.passed)


class ReferencePassesEveryCheck(unittest.TestCase):
    def assert_all_pass(self, profile: str, auth: bool, token_ttl: int | None = None) -> None:
        outcomes = run_suite(build(profile, auth, token_ttl=token_ttl), profile, auth)
        self.assertEqual(len(outcomes), len(select(profile, auth)) + auth)  # auth-setup comes first
        self.assertEqual(failures(outcomes), "")

    def test_rest(self) -> None:
        self.assert_all_pass("rest", False)

    def test_rest_with_auth_and_tokens_of_two_seconds(self) -> None:
        self.assert_all_pass("rest", True, token_ttl=2)

    def test_graphql(self) -> None:
        self.assert_all_pass("graphql", False)

    def test_graphql_with_auth(self) -> None:
        self.assert_all_pass("graphql", True)


class Selection(unittest.TestCase):
    def test_auth_checks_run_only_with_auth_and_throttle_checks_last(self) -> None:
        plain, with_auth = select("rest", False), select("rest", True)
        self.assertFalse(any(c.auth_only for c in plain))
        self.assertTrue(set(c.name for c in plain) < set(c.name for c in with_auth))
        self.assertEqual([c.name for c in with_auth[-2:]], ["throttle-email", "throttle-address"])

    def test_only_keeps_exact_names_and_prefixes(self) -> None:
        names = [c.name for c in select("rest", False, ["health", "list-bad-*"])]
        self.assertEqual(names[0], "health")
        self.assertTrue(all(n == "health" or n.startswith("list-bad-") for n in names))
        self.assertGreater(len(names), 5)


class SuiteLimitsItself(unittest.TestCase):
    def test_failed_logins_before_the_throttle_checks_stay_under_the_limit(self) -> None:
        app = build("rest", True)
        run_suite(app, "rest", True, [c.name for c in select("rest", True) if not c.last])
        counts = {key: len(times) for key, times in app.accounts.failures.items() if key.startswith("addr:")}
        self.assertTrue(counts, "the auth checks made no failed login at all")
        self.assertLess(max(counts.values()), 10, counts)


class CommandLine(unittest.TestCase):
    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(E2E / "conformance.py"), *args], capture_output=True, text=True,
                              timeout=120)

    def test_json_report_and_exit_0(self) -> None:
        server, url = serve(build("rest", False))
        try:
            done = self.cli(url, "--json", "--only", "health*")
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        report = json.loads(done.stdout)
        self.assertEqual((report["profile"], report["auth"], report["failed"]), ("rest", False, 0))
        self.assertEqual({c["name"] for c in report["checks"]} >= {"health", "health-wrong-method"}, True)

    def test_a_failed_check_is_reported_with_its_request_and_exit_1(self) -> None:
        server, url = serve(build("rest", False, "HtmlNotFound"))
        try:
            done = self.cli(url, "--only", "unknown-path")
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(done.returncode, 1)
        self.assertIn("FAIL unknown-path", done.stdout)
        self.assertIn("request:  GET /no-such-path", done.stdout)
        self.assertIn("Content-Type text/html, not application/problem+json", done.stdout)
        self.assertTrue(done.stdout.rstrip().endswith("0 passed, 1 failed"))

    def test_bad_usage_exits_2(self) -> None:
        self.assertEqual(self.cli().returncode, 2)
        self.assertEqual(self.cli("ftp://example.com").returncode, 2)

    def test_list_counts_the_checks_of_each_profile(self) -> None:
        for args, profile in (((), "rest"), (("--auth",), "rest, auth"), (("--profile", "graphql"), "graphql")):
            done = self.cli("--list", *args)
            self.assertEqual(done.returncode, 0)
            self.assertRegex(done.stdout.splitlines()[-1], rf"^\d+ checks \({profile}\)$")


class ReadmeCurlSequence(unittest.TestCase):
    """templates/_shared/partials/readme/auth.hbs: the shell lines, pasted as they are rendered for a
    REST stack, register, log in, use the token and log out against the reference."""

    def test_pasted_into_a_shell_it_works(self) -> None:
        self.assertIsNotNone(shutil.which("curl"), "curl is needed to run the README's sequence")
        text = (ROOT / "templates/_shared/partials/readme/auth.hbs").read_text()
        block = text.split("```sh\n", 1)[1].split("```", 1)[0]
        rest = re.sub(r"{{#if \(eq stack.key \"graphql\"\)}}.*?{{else}}\n(.*?){{/if}}\n", r"\1", block, flags=re.S)
        self.assertNotIn("{{#", rest)
        server, url = serve(build("rest", True))
        try:
            port = url.rsplit(":", 1)[1]
            script = rest.replace("{{stack.port}}", port).replace("curl -i", "curl -s -o /dev/null -w '%{http_code}\\n'")
            done = subprocess.run(["bash", "-c", "set -e\n" + script], capture_output=True, text=True, timeout=60)
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(done.returncode, 0, done.stderr)
        # register, create an item, list, me, logout, me again with the dead token
        self.assertEqual(done.stdout.split(), ["201", "201", "200", "200", "204", "401"])


if __name__ == "__main__":
    unittest.main()
