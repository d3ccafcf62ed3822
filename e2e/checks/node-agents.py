#!/usr/bin/env python3
"""AGENTS.md of a Node.js-family project (express, node, graphql) says only what holds:

    node-agents.py <project-dir>      (after the case's steps: install, lint and test ran)

- every npm command it names runs a script package.json has (`npm test`, `npm start`,
  `npm run X`), and `npm install` / `npm ci` forms only; the servers it names (`npm start`,
  `npm run dev`) are started with a free `PORT` and must answer `GET /health` with 200
  within 30 seconds (then their process group is stopped);
- every `cp A B` copies a file the project has, and runs as written (in a scratch copy);
- every path it names in its Layout table and conventions (`src/…`, `test/…`, `migrations/…`,
  with `<area>`-style placeholders and `X_what_it_does.sql` names read as patterns) exists;
- the migration number it tells the next schema change to take is the one after the last file
  in migrations/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from free_port import free_port

NPM_SCRIPT = re.compile(r"^npm (?:run ([\w:-]+)|(test|start))(?:\s|$)")
NPM_INSTALL = re.compile(r"^npm (?:install|ci)(?: --save-dev)?(?: <package>)?$")
PATH_LIKE = re.compile(r"^(?:src|test|migrations|data)/[\w./{}<>|*-]*$")
SERVERS = {"start", "dev"}


def fail(message: str) -> None:
    print(f"node-agents: {message}", file=sys.stderr)
    sys.exit(1)


def commands(text: str) -> list[str]:
    """Inline code spans and the lines of sh code blocks."""
    found = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        found.extend(line.strip() for line in block.splitlines() if line.strip())
    return found


def serves(project: Path, command: str) -> None:
    """Starts `command` with a free loopback PORT; GET /health must answer 200 within 30 s."""
    port = free_port()
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        ["sh", "-c", command],
        cwd=project,
        env={**os.environ, "PORT": str(port)},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def output() -> str:
        log.seek(0)
        return log.read().decode(errors="replace").strip()[-500:]

    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.poll() is not None:
                fail(f"`{command}` exited with {server.returncode} before serving: {output()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        fail(f"`{command}` did not answer GET /health within 30 seconds: {output()}")
    finally:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(server.pid, sig)
                server.wait(timeout=wait)
                break
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue
        log.close()


def path_exists(project: Path, span: str) -> bool:
    # `src/db.js`, `test/<area>.test.js`, `migrations/003_what_it_does.sql`, `src/auth/`
    pattern = re.sub(r"<[^>]+>", "*", span.rstrip("/"))
    pattern = re.sub(r"^migrations/\d+_what_it_does\.sql$", "migrations/*.sql", pattern)
    return any(project.glob(pattern))


def main() -> None:
    if len(sys.argv) != 2:
        fail("usage: node-agents.py <project-dir>")
    project = Path(sys.argv[1]).resolve()
    text = (project / "AGENTS.md").read_text(encoding="utf-8")
    scripts = json.loads((project / "package.json").read_text(encoding="utf-8")).get("scripts", {})
    checked = 0
    served: set[str] = set()
    for span in commands(text):
        if span.startswith("npm "):
            script = NPM_SCRIPT.match(span)
            if script:
                name = script.group(1) or script.group(2)
                if name not in scripts:
                    fail(f"AGENTS.md says `{span}`, but package.json has no script {name!r}")
                if name in SERVERS and span not in served:
                    serves(project, span)
                    served.add(span)
            elif not NPM_INSTALL.match(span):
                fail(f"AGENTS.md says `{span}`, which this check does not know")
            checked += 1
        elif span.startswith("cp "):
            with tempfile.TemporaryDirectory() as scratch:
                copy = Path(scratch) / "p"
                shutil.copytree(project, copy, ignore=shutil.ignore_patterns("node_modules", ".git"))
                (copy / ".env").unlink(missing_ok=True)
                done = subprocess.run(["sh", "-c", span], cwd=copy, capture_output=True, text=True)
                if done.returncode != 0:
                    fail(f"`{span}` fails: {done.stderr.strip()}")
            checked += 1
        elif PATH_LIKE.match(span) and "{" not in span and "|" not in span:
            if not path_exists(project, span):
                fail(f"AGENTS.md names `{span}`, which the project does not have")
            checked += 1
    next_migration = re.search(r"`migrations/(\d+)_what_it_does\.sql`", text)
    if next_migration:
        numbers = sorted(int(p.name.split("_", 1)[0]) for p in (project / "migrations").glob("*.sql"))
        if not numbers or int(next_migration.group(1)) != numbers[-1] + 1:
            fail(f"AGENTS.md names migration {next_migration.group(1)} next, the last is {numbers[-1:]}")
    if checked == 0:
        fail("no command or path found in AGENTS.md")
    print(f"node-agents: {checked} commands and paths of AGENTS.md hold; served: {', '.join(sorted(served))}")


if __name__ == "__main__":
    main()
