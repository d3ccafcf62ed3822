#!/usr/bin/env python3
"""docker=yes for the Node.js family (express, node, graphql), without a Docker engine: builds what the
Dockerfile's final stage would hold in a scratch folder, runs its CMD there and checks the app.

    node-image.py <project-dir>      (after the case's install step wrote package-lock.json)

- the `deps` stage must run `npm ci --omit=dev`; it is replayed from package.json and
  package-lock.json alone, so a runtime import of a devDependency fails here;
- a `build` stage (TypeScript) is `npm run build` in the project, whose outputs are then copied;
- each COPY of the final stage copies from the project (refusing a source that .dockerignore
  leaves out) or from those stages; a RUN with `chown node:node` makes its folders writable;
- the final stage must switch to `USER node`; its CMD runs with the Dockerfile's ENV, as
  `nobody` when this runs as root, so the app may write only where the image lets it;
- GET /health must answer 200 {"status":"ok"}, the stack's sample write must succeed (with
  auth=token, as an account that registers and logs in first), and SIGTERM must make the app exit
  0 within 15 seconds.
"""

from __future__ import annotations

import json
import os
import pwd
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

from free_port import free_port

# A write through the app's API per stack: method, path, JSON body, and what a success contains.
SAMPLES = {
    "express": ("POST", "/items", {"name": "From the image"}, '"name":"From the image"'),
    "node": ("POST", "/items", {"name": "From the image"}, '"name":"From the image"'),
    "graphql": (
        "POST",
        "/graphql",
        {"query": 'mutation { createAuthor(input: { name: "From the image" }) { id name } }'},
        '"name":"From the image"',
    ),
}


def fail(message: str) -> None:
    print(f"node-image: {message}", file=sys.stderr)
    sys.exit(1)


def stages(dockerfile: str) -> dict[str, list[str]]:
    """Instructions per stage name (the last, unnamed stage is ""), continuation lines joined."""
    result: dict[str, list[str]] = {}
    current: list[str] | None = None
    pending = ""
    for raw in dockerfile.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        words = line.split()
        if words[0].upper() == "FROM":
            name = words[3] if len(words) >= 4 and words[2].upper() == "AS" else ""
            current = result.setdefault(name, [])
        elif current is not None:
            current.append(line)
    return result


def request(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, str]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main() -> None:
    project = Path(sys.argv[1]).resolve()
    record = tomllib.loads((project / ".sprout.toml").read_text())
    stack = record["stack"]
    accounts = str(record.get("auth", "none")) == "token"
    method, path, payload, expected = SAMPLES[stack]
    all_stages = stages((project / "Dockerfile").read_text())
    ignored = {
        line.strip().rstrip("/")
        for line in (project / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    final = all_stages[""]
    if not any("npm ci --omit=dev" in line for line in all_stages.get("deps", [])):
        fail("no `deps` stage running `npm ci --omit=dev`")
    if "USER node" not in final:
        fail("the final stage does not switch to USER node")
    if not (project / "package-lock.json").exists():
        fail("package-lock.json is missing: run the install step first")

    work = Path(tempfile.mkdtemp(prefix="node-image-"))
    work.chmod(0o755)
    proc = None
    log_path = work / "app.log"
    try:
        deps = work / "deps"
        deps.mkdir()
        for name in ("package.json", "package-lock.json"):
            shutil.copy(project / name, deps / name)
        subprocess.run(["npm", "ci", "--omit=dev", "--no-audit", "--no-fund"], cwd=deps, check=True, timeout=300)
        if any("mkdir -p node_modules" in line for line in all_stages["deps"]):
            (deps / "node_modules").mkdir(exist_ok=True)
        if "build" in all_stages:
            subprocess.run(["npm", "run", "build"], cwd=project, check=True, timeout=300)
        origins = {"deps": deps, "build": project}

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
                stage = next((a.split("=", 1)[1] for a in args if a.startswith("--from=")), None)
                *sources, dest = [a for a in args if not a.startswith("--")]
                for source in sources:
                    if stage is None and source in ignored:
                        fail(f"COPY {source}: .dockerignore leaves it out of the build context")
                    origin = project / source if stage is None else origins[stage] / os.path.relpath(source, "/app")
                    if not origin.exists():
                        fail(f"COPY {source}: {origin} does not exist")
                    target = app / dest
                    if origin.is_dir():
                        shutil.copytree(origin, target, symlinks=True, dirs_exist_ok=True)
                    else:
                        target.mkdir(parents=True, exist_ok=True) if dest.endswith("/") else None
                        shutil.copy(origin, target)
            elif op == "RUN" and "chown node:node" in line:
                for word in words:
                    if word not in ("RUN", "mkdir", "-p", "&&", "chown", "node:node"):
                        (app / word).mkdir(parents=True, exist_ok=True)
                        writable.append(app / word)
            elif op == "CMD":
                cmd = json.loads(line[len("CMD"):].strip())
        if not cmd:
            fail("no CMD in exec form")

        port = free_port()
        env["PORT"] = str(port)
        user = pwd.getpwnam("nobody") if os.geteuid() == 0 else None
        for folder in writable if user else []:
            os.chown(folder, user.pw_uid, user.pw_gid)
        print(f"$ cd {app} && {' '.join(cmd)}  (as {user.pw_name if user else 'this user'})", flush=True)
        with log_path.open("w") as log:
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
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                fail(f"the app exited with code {proc.returncode}:\n{log_path.read_text()}")
            try:
                status, body = request("GET", f"{base}/health")
                break
            except OSError:
                if time.monotonic() > deadline:
                    fail("GET /health did not answer within 30 s")
                time.sleep(0.3)
        if status != 200 or json.loads(body) != {"status": "ok"}:
            fail(f"GET /health answered {status} {body}")
        token = None
        if accounts:
            account = {"email": "image@example.com", "password": "correct horse battery staple"}
            status, body = request("POST", f"{base}/auth/register", account)
            if status != 201:
                fail(f"POST /auth/register answered {status} {body}")
            status, body = request("POST", f"{base}/auth/login", account)
            if status != 200:
                fail(f"POST /auth/login answered {status} {body}")
            token = json.loads(body)["token"]
        status, body = request(method, f"{base}{path}", payload, token)
        if status not in (200, 201) or expected not in body or '"errors"' in body:
            fail(f"{method} {path} answered {status} {body}")
        print(f"GET /health and {method} {path} answered: {body}", flush=True)
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            fail("the app did not stop within 15 s of SIGTERM")
        if code != 0:
            fail(f"the app exited with code {code} after SIGTERM")
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        if log_path.exists():
            print(log_path.read_text())
        shutil.rmtree(work, ignore_errors=True)
    print("node-image: ok")


if __name__ == "__main__":
    main()
