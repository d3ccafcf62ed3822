#!/usr/bin/env python3
"""End-to-end checks of generated projects: generate, then `sprout verify` (install, lint, test,
start, GET /health) with the conformance suite (e2e/conformance.py) as its `--exec` step, run
against the started app.

Cases are data (e2e/cases/<stack>.toml, see docs/e2e.md); the commands are the stack's manifest's,
run by sprout itself. Prints `N passed, N failed` and exits non-zero if any case failed.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "e2e" / "cases"
WORK = ROOT / "e2e" / ".work"
STEPS = ("install", "lint", "test", "start", "conformance")
# What `sprout verify` runs: all of its steps or none; conformance is its optional `--exec` step.
VERIFY_STEPS = STEPS[:4]
PROFILES = ("rest", "graphql")
CONFORMANCE = ROOT / "e2e" / "conformance.py"
DEFAULT_TIMEOUT = 600
START_TIMEOUT = 180
TAIL_LINES = 40


@dataclass
class Case:
    stack: str
    name: str
    answers: dict
    project: str
    env: dict
    steps: list
    checks: list
    timeout: int
    setup: list
    runner: str | None
    stack_env: dict
    profile: str

    @property
    def needs_postgres(self) -> bool:
        return str(self.answers.get("database", "")) == "postgres"


@dataclass
class Result:
    case: Case
    failed_step: str | None = None
    log: Path | None = None
    seconds: float = 0.0
    steps: list = field(default_factory=list)


def load_cases() -> list[Case]:
    cases: list[Case] = []
    seen: set[str] = set()
    for path in sorted(CASES.glob("*.toml")):
        stack = path.stem
        data = tomllib.loads(path.read_text())
        profile = data.get("conformance", "rest")
        if profile not in PROFILES:
            sys.exit(f"e2e: {path.name}: conformance must be one of {PROFILES}, not {profile!r}")
        for raw in data.get("case", []):
            name = raw["name"]
            if name in seen:
                sys.exit(f"e2e: case name {name!r} is used twice")
            seen.add(name)
            unknown = set(raw) - {"name", "set", "env", "steps", "checks", "timeout", "project"}
            if unknown:
                sys.exit(f"e2e: case {name!r} has unknown fields {sorted(unknown)}")
            steps = raw.get("steps", list(STEPS))
            if [s for s in steps if s != "conformance"] not in ([], list(VERIFY_STEPS)):
                sys.exit(f"e2e: case {name!r}: steps must be [], {list(VERIFY_STEPS)} or {list(STEPS)}")
            if "conformance" in steps and "start" not in steps:
                sys.exit(f"e2e: case {name!r}: the conformance step needs the start step")
            cases.append(
                Case(
                    stack=stack,
                    name=name,
                    answers=raw.get("set", {}),
                    project=raw.get("project", "demo-app"),
                    env={k: str(v).replace("{root}", str(ROOT)) for k, v in raw.get("env", {}).items()},
                    steps=steps,
                    checks=raw.get("checks", []),
                    timeout=int(raw.get("timeout", DEFAULT_TIMEOUT)),
                    setup=data.get("setup", []),
                    runner=data.get("runner"),
                    stack_env={k: str(v).replace("{root}", str(ROOT)) for k, v in data.get("env", {}).items()},
                    profile=profile,
                )
            )
    return cases


def answer_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Toolchains:
    """Runs each setup script once and keeps the environment it printed."""

    def __init__(self) -> None:
        self.done: dict[str, dict] = {}

    def env_for(self, scripts: list[str]) -> dict:
        env: dict[str, str] = {}
        paths: list[str] = []
        for script in scripts:
            if script not in self.done:
                started = time.monotonic()
                print(f"setup {script} …", flush=True)
                proc = subprocess.run(
                    ["bash", str(ROOT / script)], cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=1800
                )
                if proc.returncode != 0:
                    raise RuntimeError(f"setup script {script} failed with exit code {proc.returncode}")
                printed = {}
                for line in proc.stdout.splitlines():
                    if "=" in line:
                        key, value = line.split("=", 1)
                        printed[key.strip()] = value.strip()
                self.done[script] = printed
                print(f"setup {script} done ({time.monotonic() - started:.1f}s)", flush=True)
            for key, value in self.done[script].items():
                if key == "PATH":
                    paths.append(value)
                else:
                    env[key] = value
        if paths:
            env["PATH"] = os.pathsep.join(paths)
        return env


def merged_env(*layers: dict) -> dict:
    env = dict(os.environ)
    for layer in layers:
        for key, value in layer.items():
            if key == "PATH":
                env["PATH"] = value + os.pathsep + env.get("PATH", "")
            else:
                env[key] = value
    return env


def verify(case: Case, binary: Path, project: Path, env: dict, work: Path) -> tuple[list, str | None, Path | None]:
    """`sprout verify --json` on the project, the conformance suite as its `--exec` step. Each
    step's log is copied to work/<step>.log (the exec step's as conformance.log). Returns the
    steps' (name, seconds), the failing step (or None) and its log."""
    argv = [str(binary), "verify", str(project), "--json", "--timeout", str(min(case.timeout, START_TIMEOUT))]
    if "conformance" in case.steps:
        suite = [sys.executable, str(CONFORMANCE), "--profile", case.profile]
        if str(case.answers.get("auth", "none")) == "token":
            suite.append("--auth")
        argv += ["--exec", shlex.join(suite) + ' "$SPROUT_URL"']
    if case.runner:
        env = dict(env, SPROUT_VERIFY_RUNNER=str(ROOT / case.runner))
    log = work / "verify.log"
    with log.open("w") as err:
        err.write(f"$ {shlex.join(argv)}\n")
        err.flush()
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True)
        try:
            # sprout limits each step itself; this bounds the whole run.
            stdout, _ = proc.communicate(timeout=case.timeout * len(case.steps))
        except subprocess.TimeoutExpired:
            kill_group(proc)  # sprout, on SIGTERM, stops the step it runs with its process group
            err.write(f"\n[e2e] sprout verify timed out after {case.timeout * len(case.steps)}s\n")
            return [], "verify", log
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        return [], "verify", log  # sprout could not run the steps: its error is in verify.log
    steps, failed, kept_log = [], None, None
    for step in report["steps"]:
        name = "conformance" if step["name"] == "exec" else step["name"]
        kept = work / f"{name}.log"
        source = Path(step["log"])
        if source.exists():
            note = f"\n[sprout verify] {step['note']}\n" if step.get("note") else ""
            kept.write_text(source.read_text(errors="replace") + note)
        if not step["ok"]:
            failed, kept_log = name, kept
            break
        steps.append((name, step["seconds"]))
    for folder in {Path(step["log"]).parent for step in report["steps"]}:
        subprocess.run(["rm", "-rf", "--one-file-system", str(folder)], check=False)
    return steps, failed, kept_log


def kill_group(proc: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL what is left."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            # The leader is gone; make sure nothing else of its group lingers.
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def run_check(case: Case, project: Path, command: str, env: dict, log: Path) -> bool:
    """Run one of the case's checks (this repository's scripts: on the host, never through the
    stack's runner) in the project folder."""
    with log.open("w") as out:
        out.write(f"$ {command}\n")
        out.flush()
        proc = subprocess.Popen(
            ["bash", "-c", command],
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=case.timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            out.write(f"\n[e2e] timed out after {case.timeout}s\n")
            return False
        kill_group(proc)  # nothing the check started may outlive it
        out.write(f"\n[e2e] exit code {code}\n")
        return code == 0


def postgres_database(case: Case, admin: dict) -> dict:
    db = "e2e_" + "".join(c if c.isalnum() else "_" for c in case.name.lower())
    env = merged_env(admin, {"PGDATABASE": "postgres"})
    for sql in (f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)', f'CREATE DATABASE "{db}"'):
        proc = subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], env=env, capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise OSError(f"psql -c '{sql}' failed: {proc.stderr.strip()}")
    user, password, host, port = admin["PGUSER"], admin["PGPASSWORD"], admin["PGHOST"], admin["PGPORT"]
    return {
        "DATABASE_URL": f"postgres://{user}:{password}@{host}:{port}/{db}",
        "PGHOST": host,
        "PGPORT": port,
        "PGUSER": user,
        "PGPASSWORD": password,
        "PGDATABASE": db,
    }


def tail(path: Path) -> str:
    lines = path.read_text(errors="replace").splitlines()
    return "\n".join("    " + line for line in lines[-TAIL_LINES:])


def run_case(case: Case, binary: Path, tools: Toolchains, pg: dict | None) -> Result:
    result = Result(case)
    started = time.monotonic()
    work = WORK / case.name
    if work.exists():
        subprocess.run(["rm", "-rf", "--one-file-system", str(work)], check=True)
    work.mkdir(parents=True)

    def fail(step: str, log: Path) -> Result:
        result.failed_step, result.log = step, log
        result.seconds = time.monotonic() - started
        return result

    generate_log = work / "generate.log"
    argv = [str(binary), "new", case.project, "--stack", case.stack, "--yes", "--no-git", "--json", "-o", str(work)]
    for key, value in case.answers.items():
        argv += ["--set", f"{key}={answer_text(value)}"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    generate_log.write_text(f"$ {' '.join(argv)}\n{proc.stdout}\n{proc.stderr}")
    if proc.returncode != 0:
        return fail("generate", generate_log)
    report = json.loads(proc.stdout)
    project = Path(report["path"])
    result.steps.append(("generate", time.monotonic() - started))

    try:
        env = merged_env(tools.env_for(case.setup), case.stack_env, case.env)
    except RuntimeError as e:
        generate_log.write_text(str(e))
        return fail("setup", generate_log)
    # What sprout's own check says of this case's toolchain: logged, never a failure by itself.
    doctor = subprocess.run([str(binary), "doctor", case.stack], capture_output=True, text=True, env=env, timeout=60)
    (work / "doctor.log").write_text(f"$ sprout doctor {case.stack}  (exit {doctor.returncode})\n{doctor.stdout}{doctor.stderr}")
    print(f"doctor {case.stack}: exit {doctor.returncode}, {(doctor.stdout.strip().splitlines() or ['?'])[-1]}", flush=True)
    if case.needs_postgres:
        db_log = work / "postgres.log"
        if pg is None:
            db_log.write_text("PostgreSQL could not be set up (see the setup output above)\n")
            return fail("postgres", db_log)
        try:
            env.update(postgres_database(case, pg))
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
            db_log.write_text(f"creating the case's database failed: {e}\n")
            return fail("postgres", db_log)

    if case.steps:
        steps, failed, log = verify(case, binary, project, env, work)
        result.steps += steps
        if failed:
            return fail(failed, log)
    for check in case.checks:
        log = work / f"check-{Path(check).stem}.log"
        step_started = time.monotonic()
        if not run_check(case, project, f"{ROOT / check} {project}", {**env, "SPROUT_BINARY": str(binary.resolve())}, log):
            return fail(f"check {check}", log)
        result.steps.append((Path(check).stem, time.monotonic() - step_started))
    result.seconds = time.monotonic() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", action="append", help="only this stack (repeatable)")
    parser.add_argument("--case", action="append", help="only this case (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--binary", type=Path, help="sprout binary (default: build and use target/release/sprout)")
    args = parser.parse_args()

    cases = load_cases()
    if args.stack:
        cases = [c for c in cases if c.stack in args.stack]
    if args.case:
        cases = [c for c in cases if c.name in args.case]
    if args.list:
        for c in cases:
            print(f"{c.name:32} {c.stack:12} {c.profile:8} {json.dumps(c.answers)}")
        return 0
    if not cases:
        print("e2e: no case selected", file=sys.stderr)
        return 2

    binary = args.binary
    if binary is None:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binary = ROOT / "target" / "release" / "sprout"

    tools = Toolchains()
    pg = None
    pg_lock = None
    if any(c.needs_postgres for c in cases):
        # Every run using the shared server holds a shared lock; the last one out stops it.
        (ROOT / "e2e" / ".cache").mkdir(parents=True, exist_ok=True)
        pg_lock = open(ROOT / "e2e" / ".cache" / "postgres.lock", "w")
        fcntl.flock(pg_lock, fcntl.LOCK_SH)
        try:
            pg = tools.env_for(["e2e/setup/postgres.sh"])
        except RuntimeError as e:
            print(f"e2e: {e}", file=sys.stderr)

    results = []
    began = time.monotonic()
    try:
        for case in cases:
            print(f"---- {case.name} ({case.stack}) {json.dumps(case.answers)}", flush=True)
            result = run_case(case, binary, tools, pg)
            results.append(result)
            if result.failed_step:
                print(f"FAIL {case.name}: {result.failed_step} ({result.seconds:.1f}s), log {result.log}")
                if result.log and result.log.exists():
                    print(tail(result.log))
            else:
                steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in result.steps)
                print(f"PASS {case.name}: {steps} ({result.seconds:.1f}s)", flush=True)
    finally:
        if pg_lock is not None:
            try:
                fcntl.flock(pg_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass  # another run still uses the server
            else:
                subprocess.run(["bash", str(ROOT / "e2e/setup/postgres.sh"), "stop"], cwd=ROOT, check=False)
            pg_lock.close()

    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "summary.json").write_text(
        json.dumps(
            [
                {
                    "case": r.case.name,
                    "stack": r.case.stack,
                    "answers": r.case.answers,
                    "failed_step": r.failed_step,
                    "seconds": round(r.seconds, 1),
                    "steps": {name: round(sec, 1) for name, sec in r.steps},
                }
                for r in results
            ],
            indent=2,
        )
    )
    passed = sum(1 for r in results if not r.failed_step)
    failed = len(results) - passed
    print(f"\ne2e: {len(results)} cases in {time.monotonic() - began:.0f}s")
    for r in results:
        mark = "ok  " if not r.failed_step else "FAIL"
        print(f"  {mark} {r.case.name:32} {r.seconds:7.1f}s" + (f"  ({r.failed_step})" if r.failed_step else ""))
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
