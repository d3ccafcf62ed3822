#!/usr/bin/env python3
"""docker=yes for Express, without a Docker engine: lays out what the Dockerfile's final stage
would hold, runs its CMD from there, and checks the running app.

    express-image.py <project-dir>      (after the case's install step wrote package-lock.json)

- the `deps` stage is `npm ci --omit=dev` from package.json + package-lock.json in an empty folder;
- a `build` stage (TypeScript) is `npm run build` in the project, whose dist/ is then copied;
- every COPY of the final stage is done in a fresh folder (from the project, or from those stages),
  after checking that .dockerignore does not hide its source; `RUN mkdir data && chown node:node data`
  makes a folder writable by the app's user;
- the CMD runs there with the ENV of the Dockerfile, as an unprivileged user when this runs as root,
  so the app must not write outside what the image gives it;
- GET /health must answer 200 {"status":"ok"}, POST /api/items 201, and SIGTERM must make the
  process exit 0 within 15 seconds (graceful shutdown).
"""

from __future__ import annotations

import json
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def fail(message: str) -> None:
    print(f"express-image: {message}", file=sys.stderr)
    sys.exit(1)


def stages(dockerfile: str) -> list[tuple[str, list[str]]]:
    """(name, instructions) per FROM, with continuation lines joined and comments dropped."""
    lines: list[str] = []
    pending = ""
    for raw in dockerfile.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    result: list[tuple[str, list[str]]] = []
    for line in lines:
        words = line.split()
        if words[0].upper() == "FROM":
            name = words[3] if len(words) >= 4 and words[2].upper() == "AS" else ""
            result.append((name, []))
        elif result:
            result[-1][1].append(line)
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method: str, url: str, body: dict | None = None) -> tuple[int, str]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return resp.status, resp.read().decode()


def main() -> None:
    project = Path(sys.argv[1]).resolve()
    dockerfile = (project / "Dockerfile").read_text()
    ignored = {
        line.strip().rstrip("/")
        for line in (project / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    all_stages = stages(dockerfile)
    names = [name for name, _ in all_stages]
    final = all_stages[-1][1]
    if "deps" not in names or not any("npm ci --omit=dev" in line for line in dict(all_stages)["deps"]):
        fail("no `deps` stage running `npm ci --omit=dev`")
    if not any(line.split()[0].upper() == "USER" and line.split()[1] == "node" for line in final):
        fail("the final stage does not switch to USER node")
    if not (project / "package-lock.json").exists():
        fail("package-lock.json is missing: run the install step first")

    work = Path(tempfile.mkdtemp(prefix="express-image-"))
    work.chmod(0o755)
    try:
        deps = work / "deps"
        deps.mkdir()
        for name in ("package.json", "package-lock.json"):
            shutil.copy(project / name, deps / name)
        subprocess.run(["npm", "ci", "--omit=dev", "--no-audit", "--no-fund"], cwd=deps, check=True, timeout=300)
        if "build" in names:
            subprocess.run(["npm", "run", "build"], cwd=project, check=True, timeout=300)
        built = {"deps": deps, "build": project}

        app = work / "app"
        app.mkdir()
        env = {"PATH": os.environ["PATH"]}
        for key in ("DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"):
            if key in os.environ:
                env[key] = os.environ[key]
        cmd: list[str] = []
        writable: list[Path] = []
        for line in final:
            words = shlex.split(line)
            op, args = words[0].upper(), words[1:]
            if op == "ENV":
                for pair in args:
                    key, _, value = pair.partition("=")
                    env[key] = value
            elif op == "COPY":
                source_stage = next((a.split("=", 1)[1] for a in args if a.startswith("--from=")), None)
                paths = [a for a in args if not a.startswith("--")]
                *sources, dest = paths
                for source in sources:
                    if source_stage is None:
                        if source in ignored:
                            fail(f"COPY {source}: .dockerignore leaves it out of the build context")
                        origin = project / source
                    else:
                        origin = built[source_stage] / os.path.relpath(source, "/app")
                    if not origin.exists():
                        fail(f"COPY {source}: {origin} does not exist")
                    target = app / dest
                    if origin.is_dir():
                        shutil.copytree(origin, target, symlinks=True, dirs_exist_ok=True)
                    elif dest.endswith("/"):
                        target.mkdir(parents=True, exist_ok=True)
                        shutil.copy(origin, target / origin.name)
                    else:
                        shutil.copy(origin, target)
            elif op == "RUN" and "chown node:node" in line:
                for word in words:
                    if word not in ("RUN", "mkdir", "-p", "&&", "chown", "node:node"):
                        path = app / word
                        path.mkdir(parents=True, exist_ok=True)
                        writable.append(path)
            elif op == "CMD":
                cmd = json.loads(line[len("CMD"):].strip())
        if not cmd:
            fail("no CMD in exec form")

        port = free_port()
        env["PORT"] = str(port)
        user = None
        if os.geteuid() == 0:
            user = pwd.getpwnam("nobody")
            for path in writable:
                os.chown(path, user.pw_uid, user.pw_gid)
        print(f"$ cd {app} && {' '.join(cmd)}  (as {user.pw_name if user else 'this user'})", flush=True)
        log = (work / "app.log").open("w")
        proc = subprocess.Popen(
            cmd,
            cwd=app,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    fail(f"the app exited with code {proc.returncode}:\n{(work / 'app.log').read_text()}")
                try:
                    status, body = request("GET", f"{base}/health")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        fail("GET /health did not answer within 30 s")
                    time.sleep(0.3)
            if status != 200 or json.loads(body) != {"status": "ok"}:
                fail(f"GET /health answered {status} {body}")
            status, body = request("POST", f"{base}/api/items", {"name": "From the image"})
            if status != 201:
                fail(f"POST /api/items answered {status} {body}")
            print(f"GET /health and POST /api/items answered: {body}", flush=True)
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                fail("the app did not stop within 15 s of SIGTERM")
            if code != 0:
                fail(f"the app exited with code {code} after SIGTERM")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()
            print((work / "app.log").read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("express-image: ok")


if __name__ == "__main__":
    main()
