#!/usr/bin/env python3
"""`sprout add auth` on a Node.js-family project (express, node, graphql) whose database already
holds data:

    node-add-auth.py <project-dir>      (SPROUT_BINARY: the sprout under test)

Run after the case's steps (auth=none, database=sqlite or postgres): the server started, applied
migrations/001_*.sql and the conformance suite stored rows. Then:

- the database is at 001 alone and holds rows (items, or authors on graphql);
- the project is committed as a user's would be, and `sprout add auth` changes it without a
  conflict: migrations/002_accounts.sql is added after 001, which is left as it was, and
  .sprout.toml records auth = "token";
- `sprout verify` passes on the same database: install, lint, the tests (now with the accounts
  tests), start (which applies 002 over the data), and, while the app runs, the conformance suite
  with its auth profile (accounts, tokens, owned rows: the rows from before accounts belong to no
  one, so every account's list holds only its own);
- the database is then at 002 and still holds every row it held, owned by no account.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The table whose rows the suite stores, per stack.
TABLES = {"express": "items", "node": "items", "graphql": "authors"}


def fail(message: str) -> None:
    print(f"node-add-auth: {message}", file=sys.stderr)
    sys.exit(1)


def query(project: Path, database: str, sql: str) -> list[str]:
    """The first column of each row `sql` returns, as text, from the database the app uses."""
    if database == "sqlite":
        path = project / os.environ.get("DATABASE_PATH", "data/app.db")
        if not path.is_file():
            fail(f"no SQLite database at {path}: the app never started")
        with sqlite3.connect(path) as db:
            return [str(row[0]) for row in db.execute(sql)]
    url = os.environ.get("DATABASE_URL") or fail("DATABASE_URL is not set")
    done = subprocess.run(
        ["psql", "--no-psqlrc", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", str(url), "-c", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        fail(f"psql: {done.stderr.strip()}")
    return done.stdout.splitlines()


def run(*command: str, cwd: Path) -> None:
    print("$", shlex.join(command), flush=True)
    done = subprocess.run(command, cwd=cwd, check=False)
    if done.returncode != 0:
        fail(f"{command[0]} {command[1]} exited with {done.returncode}")


def main() -> None:
    if len(sys.argv) != 2:
        fail("usage: node-add-auth.py <project-dir>")
    project = Path(sys.argv[1]).resolve()
    sprout = os.environ.get("SPROUT_BINARY") or fail("SPROUT_BINARY names the sprout binary under test")
    record = tomllib.loads((project / ".sprout.toml").read_text(encoding="utf-8"))
    answers = record.get("answers", record)
    stack = str(record.get("stack") or record.get("template", {}).get("stack", ""))
    if stack not in TABLES:
        fail(f"not a Node.js-family project: stack {stack!r}")
    database = str(answers.get("database", "none"))
    if database not in ("sqlite", "postgres"):
        fail(f"the project has no database (database = {database!r})")
    if str(answers.get("auth", "none")) != "none":
        fail("the project already has accounts")
    table = TABLES[stack]

    versions = query(project, database, "SELECT version FROM schema_migrations ORDER BY version")
    if [v[:4] for v in versions] != ["001_"]:
        fail(f"the database is at {versions} before the change, not 001 alone")
    before = int(query(project, database, f"SELECT count(*) FROM {table}")[0])
    if before == 0:
        fail(f"the database holds no {table} before the change")

    git = ["git", "-c", "user.name=E2E", "-c", "user.email=e2e@example.com"]
    run(*git, "init", "-q", cwd=project)
    run(*git, "add", "-A", cwd=project)
    run(*git, "commit", "-q", "-m", "The project as its steps left it", cwd=project)
    run(sprout, "add", "auth", "-C", str(project), cwd=project)

    marked = subprocess.run(
        ["git", "grep", "-l", "-e", "^<<<<<<<", "-e", "^>>>>>>>"], cwd=project, capture_output=True, text=True
    )
    if marked.stdout.strip():
        fail(f"conflict markers after sprout add auth: {marked.stdout.split()}")
    if not (project / "migrations/002_accounts.sql").is_file():
        fail("no migrations/002_accounts.sql")
    edited = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "migrations/001_*"], cwd=project, check=False)
    if edited.returncode != 0:
        fail("migration 001 was edited")
    after_record = tomllib.loads((project / ".sprout.toml").read_text(encoding="utf-8"))
    if str(after_record.get("answers", after_record).get("auth")) != "token":
        fail(".sprout.toml does not record auth = \"token\"")

    profile = "graphql" if stack == "graphql" else "rest"
    suite = f"python3 {shlex.quote(str(ROOT / 'e2e/conformance.py'))} --profile {profile} --auth \"$SPROUT_URL\""
    run(sprout, "verify", str(project), "--timeout", "120", "--exec", suite, cwd=project)

    versions = query(project, database, "SELECT version FROM schema_migrations ORDER BY version")
    if [v[:4] for v in versions] != ["001_", "002_"]:
        fail(f"the database is at {versions} after start, not 001 and 002")
    unowned = int(query(project, database, f"SELECT count(*) FROM {table} WHERE owner_id IS NULL")[0])
    if unowned != before:
        fail(f"the database held {before} {table} before accounts, now {unowned} without an owner")
    print(f"node-add-auth: sprout add auth, then verify with the auth suite, over {before} {table} (now at 002)")


if __name__ == "__main__":
    main()
