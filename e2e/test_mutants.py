"""Each mutant of the reference server breaks one rule of docs/api-contract.md; the checks named
for it must fail on it (and pass on the reference: test_conformance.py). One test per mutant,
named for it."""

from __future__ import annotations

import unittest

from contract.runner import select
from reference.mutants import MUTANTS, build
from test_conformance import run_suite


class MutantsAreCaught(unittest.TestCase):
    def test_every_named_check_exists_in_the_mutants_profile(self) -> None:
        for name, mutant in MUTANTS.items():
            known = {c.name for c in select(mutant.profile, mutant.auth)}
            self.assertTrue(mutant.catches, name)
            self.assertEqual(set(mutant.catches) - known, set(), name)


def caught(name: str):
    def test(self: unittest.TestCase) -> None:
        mutant = MUTANTS[name]
        app = build(mutant.profile, mutant.auth, name, mutant.token_ttl)
        outcomes = run_suite(app, mutant.profile, mutant.auth, list(mutant.catches))
        passed = [o.check.name for o in outcomes if o.passed and o.check.name in mutant.catches]
        self.assertEqual(passed, [], f"{name}: {mutant.app.__doc__ or ''} — these checks did not catch it")
        ran = {o.check.name for o in outcomes}
        self.assertEqual(set(mutant.catches) - ran, set())

    test.__doc__ = f"{name}: {(MUTANTS[name].app.__doc__ or '').strip()}"
    return test


for _name in MUTANTS:
    setattr(MutantsAreCaught, f"test_{_name}", caught(_name))


if __name__ == "__main__":
    unittest.main()
