#!/usr/bin/env python3
"""A generated project's life, for every stack: generate with the defaults (sprout's first
commit) -> edit as a user would (a route and its test, the README) and commit -> `sprout add
docker` -> `sprout add ci` -> `sprout verify`; then, where the stack has one, database none ->
sqlite (h2 on Spring Boot) with `sprout add sqlite` -> `sprout verify` again.

Then, in two more projects of the same stack, the update's two surprises: the user moves LICENSE
to LICENSE.txt and `sprout update --set license=Apache-2.0` must write the new licence there (a
move in the report, no LICENSE again); the user edits LICENSE's first line and the same update
must be a git conflict (stages 1, 2 and 3 in the index, exit 8, `sprout check` exit 8) that,
once resolved and committed, leaves the project current.

Toolchains, environment and command runner come from the stack's e2e case file
(e2e/cases/<stack>.toml: `setup`, `[env]`, `runner`), set up by e2e/run.py's own code. After
each step the user's route, test and README lines must still be there, without conflict markers.
Stacks run in parallel (--jobs); each stack's lines are printed in one block when it ends.

    python3 e2e/lifecycle.py [--stack STACK]... [--binary PATH] [--jobs N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as harness  # noqa: E402  (the e2e harness: toolchain setup and environments)

ROOT = harness.ROOT
# Outside this repository: sprout makes no repository (and keeps no update base) inside another.
# One folder per checkout, so that two checkouts on one machine do not share it.
WORK = Path(os.environ.get("TMPDIR", "/tmp")) / f"sprout-lifecycle-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]}"
NAME = "demo-app"
README_NOTE = "\n## Our notes\n\nDeploys go through the platform team.\n"
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "E2E",
    "GIT_AUTHOR_EMAIL": "e2e@example.com",
    "GIT_COMMITTER_NAME": "E2E",
    "GIT_COMMITTER_EMAIL": "e2e@example.com",
}

JS_TEST = """import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp } from './helpers.js';

let app;
before(async () => {
  app = await startApp(%s);
});
after(() => app.close());

test('GET /api/ping answers pong', async () => {
  const res = await fetch(`${app.url}/api/ping`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { pong: true });
});
"""

# Per stack: answers for `new`, edits (file, anchor line, text inserted before it), files the
# user creates, and whether the stack has a database to add (and the word for it).
STACKS: dict[str, dict] = {
    "express": {
        "insert": [("src/app.js", "  app.use(notFound);", "  app.get('/api/ping', (req, res) => {\n    res.json({ pong: true });\n  });\n")],
        "create": {
            "test/ping.test.js": """import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp } from './helpers.js';

let app;
before(async () => {
  app = await startApp();
});
after(() => app.close());

test('GET /api/ping answers pong', async () => {
  const res = await app.request('GET', '/api/ping');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { pong: true });
});
"""
        },
        "database": "sqlite",
    },
    "node": {
        "insert": [("src/app.js", "  itemRoutes(router, store.items);", "  router.get('/api/ping', () => ({ status: 200, body: { pong: true } }));\n")],
        "create": {"test/ping.test.js": JS_TEST % "{}"},
        "database": "sqlite",
    },
    "graphql": {
        "insert": [
            (
                "src/app.js",
                "      } else if (path === '/health') {",
                "      } else if (path === '/api/ping') {\n        sendJson(res, 200, { pong: true });\n",
            )
        ],
        "create": {"test/ping.test.js": JS_TEST % "{ env: {} }"},
        "database": "sqlite",
    },
    "flask": {
        "insert": [("{package}/health.py", '@bp.get("/health")', '@bp.get("/api/ping")\ndef ping() -> dict[str, bool]:\n    return {"pong": True}\n\n\n')],
        "create": {
            "tests/test_ping.py": """from flask.testing import FlaskClient


def test_ping(client: FlaskClient) -> None:
    response = client.get("/api/ping")
    assert response.status_code == 200
    assert response.json == {"pong": True}
"""
        },
        "database": "sqlite",
    },
    "django": {
        "insert": [
            ("{package}/urls.py", "urlpatterns = [", "from .ping import ping\n\n"),
            ("{package}/urls.py", '    path("admin/", admin.site.urls),', '    path("api/ping", ping),\n'),
        ],
        "create": {
            "{package}/ping.py": """from django.http import JsonResponse


def ping(request):
    return JsonResponse({"pong": True})
""",
            "{package}/test_ping.py": """def test_ping(client):
    response = client.get("/api/ping")
    assert response.status_code == 200
    assert response.json() == {"pong": True}
""",
        },
        # Django always has a database (SQLite by default): nothing to add.
    },
    "spring-boot": {
        "create": {
            "src/main/java/com/example/demoapp/ping/PingController.java": """package com.example.demoapp.ping;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Answers pong. */
@RestController
public class PingController {

    @GetMapping("/api/ping")
    public Map<String, Boolean> ping() {
        return Map.of("pong", true);
    }
}
""",
            "src/test/java/com/example/demoapp/ping/PingControllerTests.java": """package com.example.demoapp.ping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/** The ping route. */
@WebMvcTest(PingController.class)
@ActiveProfiles("test")
class PingControllerTests {

    @Autowired
    private MockMvcTester mvc;

    @Test
    void pingAnswersPong() {
        assertThat(mvc.get().uri("/api/ping")).hasStatus(HttpStatus.OK);
    }
}
""",
        },
        "database": "sqlite",
    },
    "rails": {
        # Debian's Rails 7.2 is what runs here (see e2e/cases/rails.toml).
        "set": {"rails": "7.2", "database": "sqlite"},
        "insert": [("config/routes.rb", '  get "health" => "health#show"', '  get "api/ping" => "ping#show"\n')],
        "create": {
            "app/controllers/ping_controller.rb": """class PingController < ApplicationController
  def show
    render json: { pong: true }
  end
end
""",
            "test/controllers/ping_controller_test.rb": """require "test_helper"

class PingControllerTest < ActionDispatch::IntegrationTest
  test "ping answers pong" do
    get "/api/ping"
    assert_response :ok
    assert_equal({ "pong" => true }, response.parsed_body)
  end
end
""",
        },
    },
}


class Failed(Exception):
    pass


def current(binary: str, project: Path, env: dict, log: Path, after: str = "the adds") -> None:
    """`sprout check` after `after`: the project is current. It exits 0, or 14 when a line the
    project is on is past its end of support (Rails 7.2 here), and then only."""
    proc = sh([binary, "check", project, "--json"], project, env, log, ok_codes=(0, 14))
    report = json.loads(proc.stdout)
    if not report["current"]:
        raise Failed(f"check: an update is still available after {after}")
    ended = [line["line"] for line in report["support"] if line["status"] == "ended"]
    if (proc.returncode == 14) != bool(ended):
        raise Failed(f"check exited {proc.returncode} with lines past their end: {ended}")


def sh(argv: list, cwd: Path, env: dict, log: Path, ok_codes=(0,)) -> subprocess.CompletedProcess:
    proc = harness.started(subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True))
    try:
        stdout, stderr = proc.communicate(timeout=3600)
    except subprocess.TimeoutExpired:
        harness.kill_group(proc)
        raise
    finally:
        harness.ended(proc)
    proc = subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr)
    with log.open("a") as out:
        out.write(f"$ {' '.join(map(str, argv))}\n{proc.stdout}{proc.stderr}[exit {proc.returncode}]\n\n")
    if proc.returncode not in ok_codes:
        raise Failed(f"`{' '.join(map(str, argv[:4]))}` exited {proc.returncode}; see {log}")
    return proc


def commit(project: Path, env: dict, log: Path, message: str) -> None:
    sh(["git", "add", "--all"], project, env, log)
    status = sh(["git", "status", "--porcelain"], project, env, log).stdout
    if status.strip():
        sh(["git", "commit", "--quiet", "--no-verify", "-m", message], project, env, log)


def package_of(project: Path) -> str:
    return NAME.replace("-", "_")


def user_edits(stack: str, project: Path) -> list[tuple[Path, str]]:
    """Apply the user's edits; return (file, text) pairs that must survive every update."""
    spec = STACKS[stack]
    keep: list[tuple[Path, str]] = []
    pkg = package_of(project)
    for rel, anchor, text in spec.get("insert", []):
        path = project / rel.format(package=pkg)
        body = path.read_text()
        if anchor not in body:
            raise Failed(f"{path}: the line {anchor!r} to edit is not there")
        path.write_text(body.replace(anchor, text + anchor, 1))
        keep.append((path, text.strip().splitlines()[0]))
    for rel, text in spec.get("create", {}).items():
        path = project / rel.format(package=pkg)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        keep.append((path, text.strip().splitlines()[0]))
    readme = project / "README.md"
    readme.write_text(readme.read_text() + README_NOTE)
    keep.append((readme, README_NOTE.strip().splitlines()[-1]))
    return keep


def check_kept(keep: list[tuple[Path, str]], after: str) -> None:
    for path, line in keep:
        text = path.read_text() if path.exists() else ""
        if line not in text:
            raise Failed(f"after {after}: {path} lost the user's line {line!r}")
        if "<<<<<<<" in text:
            raise Failed(f"after {after}: {path} has conflict markers")


def new_argv(binary: str, stack: str, where: Path, *flags: str) -> list:
    """`sprout new` of the stack with the lifecycle's answers, into `where`."""
    argv = [binary, "new", NAME, "--stack", stack, "--yes", *flags, "-o", where]
    for key, value in STACKS[stack].get("set", {}).items():
        argv += ["--set", f"{key}={value}"]
    return argv


def fresh(binary: str, stack: str, where: Path, env: dict, log: Path) -> Path:
    """A new project of the stack with the lifecycle's answers, no toolchain needed."""
    if where.exists():
        subprocess.run(["rm", "-rf", "--one-file-system", str(where)], check=True)
    where.mkdir(parents=True)
    sh(new_argv(binary, stack, where, "--no-preflight"), where, env, log)
    return where / NAME


def moved_license(binary: str, stack: str, work: Path, env: dict, log: Path) -> None:
    """The user's `git mv LICENSE LICENSE.txt` is followed by the template's change to it."""
    project = fresh(binary, stack, work / "move", env, log)
    sh(["git", "mv", "LICENSE", "LICENSE.txt"], project, env, log)
    commit(project, env, log, "The licence as LICENSE.txt")
    proc = sh([binary, "update", "--set", "license=Apache-2.0", "--json"], project, env, log)
    fates = {f["path"]: f for f in json.loads(proc.stdout)["files"]}
    if fates.get("LICENSE", {}).get("to") != "LICENSE.txt":
        raise Failed(f"update: LICENSE's move to LICENSE.txt is not in the report: {fates.get('LICENSE')}")
    if (project / "LICENSE").exists():
        raise Failed("update: LICENSE was written again beside the user's LICENSE.txt")
    if "Apache License" not in (project / "LICENSE.txt").read_text():
        raise Failed("update: the new licence did not reach LICENSE.txt")
    commit(project, env, log, "sprout update: Apache-2.0")
    current(binary, project, env, log, "the move")


def conflicted_license(binary: str, stack: str, work: Path, env: dict, log: Path) -> None:
    """An edit on a line the template also changes is a conflict git and `check` both see."""
    project = fresh(binary, stack, work / "conflict", env, log)
    license = project / "LICENSE"
    lines = license.read_text().splitlines(keepends=True)
    license.write_text("".join(["MIT License (our copy)\n", *lines[1:]]))
    commit(project, env, log, "Our licence heading")
    sh([binary, "update", "--set", "license=Apache-2.0"], project, env, log, ok_codes=(8,))
    stages = sorted(line.split()[2] for line in sh(["git", "ls-files", "-u", "--", "LICENSE"], project, env, log).stdout.splitlines())
    if stages != ["1", "2", "3"]:
        raise Failed(f"update: LICENSE's conflict is not in git's index as three stages: {stages}")
    sh([binary, "check", project], project, env, log, ok_codes=(8,))
    # Resolved as the template has it (stage 3), the way `git checkout --theirs` would.
    sh(["git", "checkout", "--theirs", "--", "LICENSE"], project, env, log)
    commit(project, env, log, "sprout update: Apache-2.0, conflict resolved")
    current(binary, project, env, log, "the resolved conflict")


def case_file(stack: str) -> dict:
    return tomllib.loads((ROOT / "e2e" / "cases" / f"{stack}.toml").read_text())


def run_stack(stack: str, binary: Path, tools: harness.Toolchains, lines: list[str]) -> list[tuple[str, float]]:
    spec_file = case_file(stack)
    work = WORK / stack
    if work.exists():
        subprocess.run(["rm", "-rf", "--one-file-system", str(work)], check=True)
    work.mkdir(parents=True)
    log = work / "lifecycle.log"
    stack_env = {k: str(v).replace("{root}", str(ROOT)) for k, v in spec_file.get("env", {}).items()}
    env = harness.merged_env(tools.env_for(spec_file.get("setup", [])), stack_env, GIT_IDENTITY)
    if spec_file.get("runner"):
        env["SPROUT_VERIFY_RUNNER"] = str(ROOT / spec_file["runner"])
    spec = STACKS[stack]
    timings: list[tuple[str, float]] = []

    def step(name: str, fn) -> None:
        started = time.monotonic()
        fn()
        timings.append((name, time.monotonic() - started))
        lines.append(f"  {stack}: {name} ok ({timings[-1][1]:.1f}s)")

    project = work / NAME
    step("generate", lambda: sh(new_argv(binary, stack, work), work, env, log))
    commit(project, env, log, "Initial commit from sprout")
    keep: list = []

    def edit() -> None:
        keep.extend(user_edits(stack, project))
        commit(project, env, log, "A ping route, its test, notes in the README")

    step("edit", edit)

    def add(word: str) -> None:
        sh([binary, "add", word, "-C", project], project, env, log)
        check_kept(keep, f"add {word}")
        commit(project, env, log, f"sprout add {word}")

    def verify() -> None:
        proc = sh([binary, "verify", project, "--json"], project, env, log, ok_codes=(0, 9))
        report = json.loads(proc.stdout)
        for s in report["steps"]:
            timings.append((f"  {s['name']}", s["seconds"]))
        if not report["ok"]:
            failed = next(s for s in report["steps"] if not s["ok"])
            raise Failed(f"verify failed at {failed['name']}: {failed.get('note', '')}\n{report.get('tail', '')}")

    step("add docker", lambda: add("docker"))
    step("add ci", lambda: add("ci"))
    step("verify", verify)
    step("check", lambda: current(binary, project, env, log))
    # What the install made that belongs in the repository (a lock file) is committed, as a user would.
    commit(project, env, log, "Lock file")
    if spec.get("database"):
        step(f"add {spec['database']}", lambda: add(spec["database"]))
        step("verify (database)", verify)
    step("update: a moved file", lambda: moved_license(binary, stack, work, env, log))
    step("update: a conflict", lambda: conflicted_license(binary, stack, work, env, log))
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", action="append", choices=sorted(STACKS), help="only this stack (repeatable)")
    parser.add_argument("--binary", type=Path, help="sprout binary (default: `cargo build` and use target/debug/sprout)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=int(os.environ.get("E2E_JOBS", 0)) or harness.default_jobs(),
        help="stacks run at the same time (default: E2E_JOBS, else the number of cores)",
    )
    args = parser.parse_args()
    binary = args.binary
    if binary is None:
        subprocess.run(["cargo", "build", "--locked", "--quiet"], cwd=ROOT, check=True)
        binary = ROOT / "target" / "debug" / "sprout"
    binary = binary.resolve()
    stacks = args.stack or sorted(STACKS)
    tools = harness.Toolchains()
    # Every toolchain is set up in the background from the start.
    tools.start(sorted({s for stack in stacks for s in case_file(stack).get("setup", [])}))
    results: dict[str, tuple] = {}
    slots = threading.BoundedSemaphore(max(1, args.jobs))

    def one(stack: str) -> None:
        with slots:
            started = time.monotonic()
            lines = [f"---- lifecycle {stack}"]
            try:
                timings = run_stack(stack, binary, tools, lines)
                results[stack] = (None, time.monotonic() - started, timings)
            except (Failed, RuntimeError, OSError, subprocess.TimeoutExpired) as e:
                results[stack] = (str(e), time.monotonic() - started, [])
                lines.append(f"FAIL {stack}: {e}")
            harness.say("\n".join(lines))

    signal.signal(signal.SIGTERM, harness.interrupted)
    signal.signal(signal.SIGINT, harness.interrupted)
    threads = [threading.Thread(target=one, args=(stack,), daemon=True) for stack in stacks]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=5)
    except harness.Interrupted as e:
        print(f"\nlifecycle: stopped by {e}; stopping the running stacks", file=sys.stderr, flush=True)
        harness.stop_all()
        return 130
    print("\nlifecycle:")
    for stack in stacks:
        error, seconds, timings = results[stack]
        mark = "ok  " if error is None else "FAIL"
        print(f"  {mark} {stack:12} {seconds:7.1f}s")
        for name, sec in timings:
            print(f"         {name:20} {sec:6.1f}s")
    failed = sum(1 for r in results.values() if r[0])
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
