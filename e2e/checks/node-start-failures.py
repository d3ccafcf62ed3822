#!/usr/bin/env python3
"""The Node.js family (express, node, graphql): a server that cannot start says why in one line on
stderr and exits 1, with no stack trace.

    node-start-failures.py <project-dir>      (after the case's install step)

Runs `node src/server.{js,ts}` (not `npm start`, whose own error lines would hide the app's) with
PORT=70000, then with a port another socket holds, when the project uses PostgreSQL without
DATABASE_URL, and with accounts (auth=token) with AUTH_MAX_FAILURES=0. Each must end in at most
60 seconds.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path


def attempt(project: Path, server: Path, label: str, env: dict) -> list[str]:
    proc = subprocess.run(
        ["node", str(server)], cwd=project, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    print(f"{label}: exit {proc.returncode}, stderr {lines!r}")
    wrong = []
    if proc.returncode != 1:
        wrong.append(f"{label}: exit code {proc.returncode}, not 1")
    if len(lines) != 1:
        wrong.append(f"{label}: stderr has {len(lines)} lines, not one")
    return wrong


def main() -> int:
    project = Path(sys.argv[1]).resolve()
    server = next((p for p in (project / "src/server.js", project / "src/server.ts") if p.exists()), None)
    if server is None:
        print("node-start-failures: no src/server.js or src/server.ts", file=sys.stderr)
        return 1
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "NODE_OPTIONS")}
    wrong = attempt(project, server, "PORT=70000", dict(env, PORT="70000"))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        wrong += attempt(project, server, f"PORT={port} (taken)", dict(env, PORT=port))
    if "pg" in json.loads((project / "package.json").read_text()).get("dependencies", {}):
        wrong += attempt(project, server, "no DATABASE_URL", {k: v for k, v in env.items() if k != "DATABASE_URL"})
    if (project / "src/auth").is_dir():
        wrong += attempt(project, server, "AUTH_MAX_FAILURES=0", dict(env, AUTH_MAX_FAILURES="0"))
    for line in wrong:
        print(f"node-start-failures: {line}", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
