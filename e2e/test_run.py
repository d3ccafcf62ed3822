"""Unit tests of the e2e harness (e2e/run.py): the cases format, tiers and the coverage they must
keep, the order cases start in, the AGENTS.md check, and where caches go. No project is generated.

    python3 -m unittest discover -s e2e -p 'test_*.py'
"""

from __future__ import annotations

import subprocess
import tempfile
import textwrap
import unittest
from pathlib import Path

import run


def cases_from(**files: str) -> list[run.Case]:
    """Load cases from TOML texts, one per stack, as e2e/cases/<stack>.toml would hold them."""
    with tempfile.TemporaryDirectory() as tmp:
        for stack, text in files.items():
            (Path(tmp) / f"{stack}.toml").write_text(textwrap.dedent(text))
        return run.load_cases(Path(tmp))


EXPRESS = """
    [[case]]
    name = "express-defaults"
    set = {}

    [[case]]
    name = "express-ts"
    set = { language = "typescript" }

    [[case]]
    name = "express-ts-postgres"
    set = { language = "typescript", database = "postgres" }
    tier = "full"
"""

# What `sprout show express --json` says of the options these tests use.
OPTIONS = run.option_values(
    [
        {"key": "name", "type": "text", "default": None},
        {"key": "language", "type": "choice", "choices": ["javascript", "typescript"], "default": "javascript"},
        {"key": "database", "type": "choice", "choices": ["none", "sqlite", "postgres"], "default": "none"},
        {"key": "docker", "type": "bool", "default": False},
    ]
)


class CasesFormat(unittest.TestCase):
    def test_a_case_without_tier_is_in_the_ci_tier(self):
        cases = cases_from(express=EXPRESS)
        self.assertEqual([c.tier for c in cases], ["ci", "ci", "full"])

    def test_an_unknown_tier_is_refused(self):
        with self.assertRaises(SystemExit) as raised:
            cases_from(express='[[case]]\nname = "x"\ntier = "nightly"\n')
        self.assertIn("tier must be one of", str(raised.exception))

    def test_an_unknown_field_is_still_refused(self):
        with self.assertRaises(SystemExit) as raised:
            cases_from(express='[[case]]\nname = "x"\ntiers = "full"\n')
        self.assertIn("unknown fields ['tiers']", str(raised.exception))

    def test_the_repository_cases_load(self):
        cases = run.load_cases()
        self.assertTrue(cases)
        self.assertTrue(all(c.tier in run.TIERS for c in cases))


class Selection(unittest.TestCase):
    def setUp(self):
        self.cases = cases_from(express=EXPRESS, flask='[[case]]\nname = "flask-defaults"\n')

    def names(self, cases):
        return [c.name for c in cases]

    def test_by_default_the_full_tier_is_left_out(self):
        self.assertEqual(self.names(run.select(self.cases, None, None, False)), ["express-defaults", "express-ts", "flask-defaults"])

    def test_full_runs_every_case(self):
        self.assertEqual(len(run.select(self.cases, None, None, True)), 4)

    def test_a_named_case_runs_whatever_its_tier(self):
        self.assertEqual(self.names(run.select(self.cases, None, ["express-ts-postgres"], False)), ["express-ts-postgres"])

    def test_an_unknown_case_name_is_an_error(self):
        with self.assertRaises(SystemExit):
            run.select(self.cases, None, ["express-typo"], False)

    def test_stack_filters_within_the_tier(self):
        self.assertEqual(self.names(run.select(self.cases, ["express"], None, False)), ["express-defaults", "express-ts"])

    def test_cases_start_one_stack_after_another(self):
        order = self.names(run.interleave(run.select(self.cases, None, None, True)))
        self.assertEqual(order, ["express-defaults", "flask-defaults", "express-ts", "express-ts-postgres"])


class Coverage(unittest.TestCase):
    def test_a_value_only_a_full_case_covers_is_lost(self):
        lost, _ = run.coverage(cases_from(express=EXPRESS), {"express": OPTIONS})
        self.assertEqual(lost, ["express: database=postgres"])

    def test_values_no_case_covers_are_listed_apart(self):
        _, missing = run.coverage(cases_from(express=EXPRESS), {"express": OPTIONS})
        self.assertEqual(missing, ["express: database=sqlite", "express: docker=true"])

    def test_a_default_counts_for_a_case_that_does_not_set_it(self):
        cases = cases_from(express='[[case]]\nname = "a"\nset = { docker = true }\n')
        self.assertEqual(run.covered(cases, OPTIONS), {("language", "javascript"), ("database", "none"), ("docker", "true")})

    def test_nothing_is_lost_when_the_ci_tier_covers_every_value(self):
        text = EXPRESS + '\n[[case]]\nname = "express-postgres"\nset = { database = "postgres" }\n'
        lost, _ = run.coverage(cases_from(express=text), {"express": OPTIONS})
        self.assertEqual(lost, [])


AGENTS = """# AGENTS.md

## Commands

```sh
npm install
npm run lint
npm test
```

| what | command |
"""
COMMANDS = {"install": "npm install", "lint": "npm run lint", "test": "npm test", "start": "npm start"}


class AgentsMd(unittest.TestCase):
    def test_the_first_sh_block_is_read(self):
        self.assertEqual(run.agents_commands(AGENTS), ["npm install", "npm run lint", "npm test"])

    def test_no_block_or_an_open_block_reads_as_none(self):
        self.assertIsNone(run.agents_commands("# AGENTS.md\n\nno commands\n"))
        self.assertIsNone(run.agents_commands("```sh\nnpm install\n"))

    def test_the_commands_verify_ran_agree(self):
        ran = [("install", "npm install"), ("lint", "npm run lint"), ("test", "npm test"), ("start", "npm start")]
        self.assertEqual(run.agents_problems(run.agents_commands(AGENTS), COMMANDS, ran), [])

    def test_a_listed_command_that_differs_is_reported(self):
        listed = run.agents_commands(AGENTS.replace("npm test", "npm run test"))
        problems = run.agents_problems(listed, COMMANDS, [])
        self.assertEqual(len(problems), 1)
        self.assertIn("npm run test", problems[0])

    def test_a_command_verify_ran_that_is_not_listed_is_reported(self):
        problems = run.agents_problems(run.agents_commands(AGENTS), COMMANDS, [("install", "npm ci")])
        self.assertEqual(problems, ["sprout verify ran `npm ci` (install), which AGENTS.md does not list"])

    def test_a_missing_block_is_reported(self):
        self.assertEqual(run.agents_problems(None, COMMANDS, []), ["AGENTS.md has no ```sh block of commands"])


class Caches(unittest.TestCase):
    def test_every_cache_is_under_e2e_cache(self):
        for key, value in run.cache_env().items():
            paths = [v.split("=", 1)[1] for v in value.split() if v.startswith("-Dmaven.repo.local=")] if key == "MAVEN_ARGS" else [value]
            self.assertTrue(paths, key)
            for path in paths:
                self.assertTrue(Path(path).is_relative_to(run.CACHE), f"{key}={path}")

    def test_the_cache_folder_is_ignored_by_git(self):
        probe = run.CACHE / "npm" / "_cacache" / "index"
        proc = subprocess.run(["git", "-C", str(run.ROOT), "check-ignore", "-q", str(probe)])
        self.assertEqual(proc.returncode, 0, f"{probe} is not ignored by git")

    def test_a_layer_path_goes_first(self):
        env = run.merged_env({"PATH": "/first"}, {"PATH": "/second", "X": "1"})
        self.assertTrue(env["PATH"].startswith("/second:/first:"))
        self.assertEqual(env["X"], "1")
        self.assertEqual(env["npm_config_cache"], str(run.CACHE / "npm"))


if __name__ == "__main__":
    unittest.main()
