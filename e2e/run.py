#!/usr/bin/env python3
"""End-to-end checks of generated projects: generate, then `sprout verify` (install, lint, test,
start, GET /health) with the conformance suite (e2e/conformance.py) as its `--exec` step, run
against the started app; the project's AGENTS.md must list the commands verify ran.

Cases are data (e2e/cases/<stack>.toml, see docs/e2e.md); the commands are the stack's manifest's,
run by sprout itself. Cases run in parallel (--jobs); each case's output is printed in one block
when it ends. Prints `N passed, N failed` and exits non-zero if any case failed.
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
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "e2e" / "cases"
WORK = ROOT / "e2e" / ".work"
CACHE = ROOT / "e2e" / ".cache"
STEPS = ("install", "lint", "test", "start", "conformance")
# What `sprout verify` runs: all of its steps or none; conformance is its optional `--exec` step.
VERIFY_STEPS = STEPS[:4]
PROFILES = ("rest", "graphql")
# "ci": run by default (and by CI); "full": only with --full (or when named with --case).
TIERS = ("ci", "full")
CASE_FIELDS = {"name", "set", "env", "steps", "checks", "timeout", "project", "tier"}
CONFORMANCE = ROOT / "e2e" / "conformance.py"
DEFAULT_TIMEOUT = 600
SETUP_TIMEOUT = 1800
START_TIMEOUT = 180
TAIL_LINES = 40
# The commands AGENTS.md lists, in its first ```sh block, and the manifest's names for them.
AGENTS_COMMANDS = ("install", "lint", "test")


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
    tier: str = "ci"

    @property
    def needs_postgres(self) -> bool:
        return str(self.answers.get("database", "")) == "postgres"


@dataclass
class Result:
    case: Case
    failed_step: str | None = None
    log: Path | None = None
    seconds: float = 0.0
    # CPU seconds (user + system) of sprout verify and the checks, with everything they started.
    cpu: float = 0.0
    steps: list = field(default_factory=list)
    # What the case printed, shown in one block when it ends.
    lines: list = field(default_factory=list)


def load_cases(folder: Path = CASES) -> list[Case]:
    cases: list[Case] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.toml")):
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
            unknown = set(raw) - CASE_FIELDS
            if unknown:
                sys.exit(f"e2e: case {name!r} has unknown fields {sorted(unknown)}")
            steps = raw.get("steps", list(STEPS))
            if [s for s in steps if s != "conformance"] not in ([], list(VERIFY_STEPS)):
                sys.exit(f"e2e: case {name!r}: steps must be [], {list(VERIFY_STEPS)} or {list(STEPS)}")
            if "conformance" in steps and "start" not in steps:
                sys.exit(f"e2e: case {name!r}: the conformance step needs the start step")
            tier = raw.get("tier", "ci")
            if tier not in TIERS:
                sys.exit(f"e2e: case {name!r}: tier must be one of {TIERS}, not {tier!r}")
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
                    tier=tier,
                )
            )
    return cases


def select(cases: list[Case], stacks: list[str] | None, names: list[str] | None, full: bool) -> list[Case]:
    """The cases to run: those named with --case whatever their tier; otherwise the "ci" tier,
    and the "full" tier too with --full; then only the given stacks."""
    if names:
        unknown = sorted(set(names) - {c.name for c in cases})
        if unknown:
            sys.exit(f"e2e: no case named {', '.join(unknown)} (see --list)")
        cases = [c for c in cases if c.name in names]
    else:
        cases = [c for c in cases if full or c.tier != "full"]
    if stacks:
        cases = [c for c in cases if c.stack in stacks]
    return cases


def interleave(cases: list[Case]) -> list[Case]:
    """One case of each stack in turn (stacks in file order, cases in file order): the cases that
    run at the same time use different toolchains, and every stack's first install starts early."""
    by_stack: dict[str, list[Case]] = {}
    for case in cases:
        by_stack.setdefault(case.stack, []).append(case)
    queues = list(by_stack.values())
    order: list[Case] = []
    while any(queues):
        for queue in queues:
            if queue:
                order.append(queue.pop(0))
    return order


def answer_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---- coverage: every value of every option in the default selection ----


def option_values(options: list[dict]) -> dict[str, tuple[list[str], str]]:
    """Per choice or yes/no option of `sprout show STACK --json`: its values and its default."""
    values: dict[str, tuple[list[str], str]] = {}
    for option in options:
        if option["type"] == "choice":
            values[option["key"]] = ([str(c) for c in option["choices"]], str(option["default"]))
        elif option["type"] == "bool":
            values[option["key"]] = (["true", "false"], answer_text(bool(option["default"])))
    return values


def covered(cases: list[Case], values: dict[str, tuple[list[str], str]]) -> set[tuple[str, str]]:
    """The (option, value) pairs these cases generate with (an option a case does not set takes
    its default)."""
    pairs = set()
    for case in cases:
        for key, (_, default) in values.items():
            pairs.add((key, answer_text(case.answers[key]) if key in case.answers else default))
    return pairs


def coverage(cases: list[Case], options: dict[str, dict[str, tuple[list[str], str]]]) -> tuple[list[str], list[str]]:
    """(values the "ci" tier leaves out that a "full" case covers, values no case covers), each
    as `stack: option=value`. The first is an error in the cases files; the second a note."""
    lost, missing = [], []
    for stack, values in sorted(options.items()):
        of_stack = [c for c in cases if c.stack == stack]
        every = covered(of_stack, values)
        in_ci = covered([c for c in of_stack if c.tier != "full"], values)
        for key, (choices, _) in values.items():
            for value in choices:
                pair = (key, value)
                if pair in every and pair not in in_ci:
                    lost.append(f"{stack}: {key}={value}")
                elif pair not in every:
                    missing.append(f"{stack}: {key}={value}")
    return lost, missing


def stack_options(binary: Path, stacks: list[str]) -> dict[str, dict[str, tuple[list[str], str]]]:
    options = {}
    for stack in stacks:
        proc = subprocess.run([str(binary), "show", stack, "--json"], capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            sys.exit(f"e2e: `sprout show {stack} --json` failed: {proc.stderr.strip()}")
        options[stack] = option_values(json.loads(proc.stdout)["options"])
    return options


# ---- AGENTS.md: its commands are the ones verify runs ----


def agents_commands(text: str) -> list[str] | None:
    """The lines of the first ```sh block of an AGENTS.md, or None when it has none."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == "```sh":
            block = []
            for inner in lines[i + 1 :]:
                if inner.strip() == "```":
                    return block
                block.append(inner)
            return None
    return None


def agents_problems(listed: list[str] | None, commands: dict, ran: list[tuple[str, str]]) -> list[str]:
    """What is wrong with AGENTS.md's command block: `listed` (its lines), `commands` (the
    project's commands from `sprout new --json`), `ran` ((step, command) that `sprout verify`
    reported running, possibly none)."""
    if listed is None:
        return ["AGENTS.md has no ```sh block of commands"]
    expected = [commands.get(name, "") for name in AGENTS_COMMANDS]
    problems = []
    if listed != expected:
        problems.append(f"AGENTS.md lists {listed}, the project's commands are {expected}")
    for step, command in ran:
        if step in AGENTS_COMMANDS and command not in listed:
            problems.append(f"sprout verify ran `{command}` ({step}), which AGENTS.md does not list")
    return problems


# ---- the environment ----


def cache_env() -> dict:
    """Where package managers and toolchains keep what they download: under e2e/.cache (ignored
    by git), never in the user's home; shared by every case, so the second install is warm."""
    return {
        "npm_config_cache": str(CACHE / "npm"),
        "UV_CACHE_DIR": str(CACHE / "uv"),
        "PIP_CACHE_DIR": str(CACHE / "pip"),
        # The Maven wrapper's downloaded Maven (wrapper/dists); the repository is set for Maven
        # itself. Maven processes of parallel cases share it with file locks.
        "MAVEN_USER_HOME": str(CACHE / "m2"),
        "MAVEN_ARGS": " ".join(
            [
                f"-Dmaven.repo.local={CACHE / 'm2' / 'repository'}",
                "-Daether.syncContext.named.factory=file-lock",
                "-Daether.syncContext.named.nameMapper=file-gav",
            ]
        ),
        # Whatever else follows the XDG rules (corepack, rubocop on the host, ...).
        "XDG_CACHE_HOME": str(CACHE / "xdg"),
    }


def merged_env(*layers: dict) -> dict:
    env = dict(os.environ)
    env.update(cache_env())
    for layer in layers:
        for key, value in layer.items():
            if key == "PATH":
                env["PATH"] = value + os.pathsep + env.get("PATH", "")
            else:
                env[key] = value
    return env


class Toolchains:
    """Runs each setup script once (at most one run of a script at a time on this checkout, also
    across processes) and keeps the environment it printed. `start` runs scripts in the
    background; `env_for` waits for them."""

    def __init__(self, on_done=None) -> None:
        self.lock = threading.Lock()
        self.threads: dict[str, threading.Thread] = {}
        self.done: dict[str, dict] = {}
        self.failed: dict[str, str] = {}
        self.on_done = on_done

    def start(self, scripts: list[str]) -> None:
        with self.lock:
            for script in scripts:
                if script not in self.threads:
                    thread = threading.Thread(target=self._run, args=(script,), daemon=True)
                    self.threads[script] = thread
                    thread.start()

    def ready(self, scripts: list[str]) -> bool:
        with self.lock:
            return all(s in self.done or s in self.failed for s in scripts)

    def _run(self, script: str) -> None:
        began = time.monotonic()
        name = Path(script).stem
        log = WORK / "setup" / f"{name}.log"
        printed: dict[str, str] = {}
        error = None
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            (CACHE / "locks").mkdir(parents=True, exist_ok=True)
            with open(CACHE / "locks" / f"{name}.lock", "w") as lock, log.open("w") as err:
                fcntl.flock(lock, fcntl.LOCK_EX)
                # A session of its own, stopped as a whole on a time-out or an interrupt.
                proc = started(
                    subprocess.Popen(
                        ["bash", str(ROOT / script)],
                        cwd=ROOT,
                        env=merged_env(),
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE,
                        stderr=err,
                        text=True,
                        start_new_session=True,
                    )
                )
                try:
                    stdout, _ = proc.communicate(timeout=SETUP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    kill_group(proc)
                    stdout, error = "", f"setup script {script} timed out after {SETUP_TIMEOUT}s; log {log}"
                finally:
                    ended(proc)
            if error is None and proc.returncode != 0:
                error = f"setup script {script} failed with exit code {proc.returncode}; log {log}"
            for line in stdout.splitlines():
                if "=" in line:
                    key, value = line.split("=", 1)
                    printed[key.strip()] = value.strip()
        except Exception as e:  # whatever happens, the script ends as failed: no case waits forever
            error = f"setup script {script} failed: {type(e).__name__}: {e}; log {log}"
        seconds = time.monotonic() - began
        with self.lock:
            if error:
                self.failed[script] = error
            else:
                self.done[script] = printed
        if error:
            say(f"setup {script} FAILED ({seconds:.1f}s)\n{tail(log)}")
        else:
            said = log.read_text(errors="replace").strip().splitlines()
            say(f"setup {script} done ({seconds:.1f}s)" + (f": {said[-1]}" if said else ""))
        if self.on_done:
            self.on_done()

    def env_for(self, scripts: list[str]) -> dict:
        self.start(scripts)
        for script in scripts:
            self.threads[script].join()
        env: dict[str, str] = {}
        paths: list[str] = []
        for script in scripts:
            if script in self.failed:
                raise RuntimeError(self.failed[script])
            for key, value in self.done[script].items():
                if key == "PATH":
                    paths.append(value)
                else:
                    env[key] = value
        if paths:
            env["PATH"] = os.pathsep.join(paths)
        return env


# ---- processes ----

PRINT_LOCK = threading.Lock()
# Process groups of running steps, stopped when the run is interrupted.
LIVE: set[subprocess.Popen] = set()
LIVE_LOCK = threading.Lock()


def say(text: str) -> None:
    with PRINT_LOCK:
        print(text, flush=True)


def started(proc: subprocess.Popen) -> subprocess.Popen:
    with LIVE_LOCK:
        LIVE.add(proc)
    return proc


def ended(proc: subprocess.Popen) -> None:
    with LIVE_LOCK:
        LIVE.discard(proc)


def stop_all() -> None:
    with LIVE_LOCK:
        live = list(LIVE)
    threads = [threading.Thread(target=kill_group, args=(p,)) for p in live]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


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


def wait_cpu(proc: subprocess.Popen, timeout: float) -> float:
    """Wait for the process; return the CPU seconds (user + system) it and its waited-for
    descendants used, from wait4. Raises subprocess.TimeoutExpired after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        time.sleep(0.1)


def verify(case: Case, binary: Path, project: Path, env: dict, work: Path) -> tuple[list, str | None, Path | None, list, float]:
    """`sprout verify --json` on the project, the conformance suite as its `--exec` step. Each
    step's log is copied to work/<step>.log (the exec step's as conformance.log). Returns the
    steps' (name, seconds), the failing step (or None), its log, the (step, command) pairs
    verify ran, and the CPU seconds of it all."""
    argv = [str(binary), "verify", str(project), "--json", "--timeout", str(min(case.timeout, START_TIMEOUT))]
    if "conformance" in case.steps:
        suite = [sys.executable, str(CONFORMANCE), "--profile", case.profile]
        if str(case.answers.get("auth", "none")) == "token":
            suite.append("--auth")
        argv += ["--exec", shlex.join(suite) + ' "$SPROUT_URL"']
    if case.runner:
        env = dict(env, SPROUT_VERIFY_RUNNER=str(ROOT / case.runner))
    log = work / "verify.log"
    report_file = work / "verify.json"
    with log.open("w") as err, report_file.open("w") as out:
        err.write(f"$ {shlex.join(argv)}\n")
        err.flush()
        proc = started(subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True))
        try:
            # sprout limits each step itself; this bounds the whole run.
            cpu = wait_cpu(proc, case.timeout * len(case.steps))
        except subprocess.TimeoutExpired:
            kill_group(proc)  # sprout, on SIGTERM, stops the step it runs with its process group
            err.write(f"\n[e2e] sprout verify timed out after {case.timeout * len(case.steps)}s\n")
            return [], "verify", log, [], 0.0
        finally:
            ended(proc)
    try:
        report = json.loads(report_file.read_text())
    except json.JSONDecodeError:
        return [], "verify", log, [], cpu  # sprout could not run the steps: its error is in verify.log
    steps, failed, kept_log = [], None, None
    ran = [(step["name"], step["command"]) for step in report["steps"]]
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
    return steps, failed, kept_log, ran, cpu


def run_check(case: Case, project: Path, command: str, env: dict, log: Path) -> tuple[bool, float]:
    """Run one of the case's checks (this repository's scripts: on the host, never through the
    stack's runner) in the project folder. Returns whether it passed, and its CPU seconds."""
    with log.open("w") as out:
        out.write(f"$ {command}\n")
        out.flush()
        proc = started(
            subprocess.Popen(
                ["bash", "-c", command],
                cwd=project,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        try:
            cpu = wait_cpu(proc, case.timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            out.write(f"\n[e2e] timed out after {case.timeout}s\n")
            return False, 0.0
        finally:
            kill_group(proc)  # nothing the check started may outlive it
            ended(proc)
        out.write(f"\n[e2e] exit code {proc.returncode}\n")
        return proc.returncode == 0, cpu


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
    if not path.exists():
        return f"    ({path} is missing)"
    lines = path.read_text(errors="replace").splitlines()
    return "\n".join("    " + line for line in lines[-TAIL_LINES:])


def run_case(case: Case, binary: Path, tools: Toolchains, pg: dict | None) -> Result:
    result = Result(case)
    started_at = time.monotonic()
    work = WORK / case.name
    if work.exists():
        subprocess.run(["rm", "-rf", "--one-file-system", str(work)], check=True)
    work.mkdir(parents=True)

    def fail(step: str, log: Path) -> Result:
        result.failed_step, result.log = step, log
        result.seconds = time.monotonic() - started_at
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
    commands = report.get("commands", {})
    result.steps.append(("generate", time.monotonic() - started_at))
    agents_log = work / "agents.log"
    agents_file = project / "AGENTS.md"
    listed = agents_commands(agents_file.read_text()) if agents_file.exists() else None
    problems = agents_problems(listed, commands, []) if agents_file.exists() else ["the project has no AGENTS.md"]
    agents_log.write_text(f"AGENTS.md lists: {listed}\nsprout new --json commands: {commands}\n" + "".join(p + "\n" for p in problems))
    if problems:
        return fail("agents", agents_log)

    try:
        env = merged_env(tools.env_for(case.setup), case.stack_env, case.env, {"SPROUT_BINARY": str(binary.resolve())})
    except RuntimeError as e:
        generate_log.write_text(str(e))
        return fail("setup", generate_log)
    # What sprout's own check says of this case's toolchain: logged, never a failure by itself.
    doctor = subprocess.run([str(binary), "doctor", case.stack], capture_output=True, text=True, env=env, timeout=60)
    (work / "doctor.log").write_text(f"$ sprout doctor {case.stack}  (exit {doctor.returncode})\n{doctor.stdout}{doctor.stderr}")
    result.lines.append(f"doctor {case.stack}: exit {doctor.returncode}, {(doctor.stdout.strip().splitlines() or ['?'])[-1]}")
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
        steps, failed, log, ran, cpu = verify(case, binary, project, env, work)
        result.steps += steps
        result.cpu += cpu
        problems = agents_problems(listed, commands, ran)
        if problems:
            with agents_log.open("a") as out:
                out.write(f"sprout verify ran: {ran}\n" + "".join(p + "\n" for p in problems))
        if failed:
            return fail(failed, log)
        if problems:
            return fail("agents", agents_log)
    for check in case.checks:
        log = work / f"check-{Path(check).stem}.log"
        step_started = time.monotonic()
        passed, cpu = run_check(case, project, f"{ROOT / check} {project}", env, log)
        result.cpu += cpu
        if not passed:
            return fail(f"check {check}", log)
        result.steps.append((Path(check).stem, time.monotonic() - step_started))
    result.seconds = time.monotonic() - started_at
    return result


def report_block(result: Result) -> str:
    case = result.case
    lines = [f"---- {case.name} ({case.stack}) {json.dumps(case.answers)}", *result.lines]
    if result.failed_step:
        lines.append(f"FAIL {case.name}: {result.failed_step} ({result.seconds:.1f}s, CPU {result.cpu:.0f}s), log {result.log}")
        if result.log:
            lines.append(tail(result.log))
    else:
        steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in result.steps)
        lines.append(f"PASS {case.name}: {steps} ({result.seconds:.1f}s, CPU {result.cpu:.0f}s)")
    return "\n".join(lines)


def run_all(cases: list[Case], binary: Path, tools: Toolchains, pg: dict | None, jobs: int, changed: threading.Condition) -> list[Result]:
    """Run the cases, `jobs` at a time: a free slot takes the first waiting case whose toolchain
    is set up (setup scripts run in the background meanwhile). Each case's block is printed when
    it ends; the results come back in the cases' order."""
    pending = interleave(cases)
    results: dict[str, Result] = {}
    running: set[str] = set()

    def work(case: Case) -> None:
        try:
            result = run_case(case, binary, tools, pg)
        except Exception as e:  # a fault of the harness itself: reported as the case's failure
            result = Result(case, failed_step=f"harness ({type(e).__name__}: {e})", log=None)
        say(report_block(result))
        with changed:
            results[case.name] = result
            running.discard(case.name)
            changed.notify_all()

    total = len(pending)
    with changed:
        while pending or running:
            free = jobs - len(running)
            ready = [c for c in pending if tools.ready(c.setup)]
            if free > 0 and ready:
                case = ready[0]
                pending.remove(case)
                running.add(case.name)
                say(f"[{total - len(pending)}/{total}] start {case.name}")
                threading.Thread(target=work, args=(case,), daemon=True).start()
                continue
            changed.wait(timeout=5)
    return [results[c.name] for c in cases]


class Interrupted(Exception):
    pass


def interrupted(signum, frame):
    # Once: a second signal must not break off the stopping of the cases.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise Interrupted(signal.Signals(signum).name)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", action="append", help="only this stack (repeatable)")
    parser.add_argument("--case", action="append", help="only this case, whatever its tier (repeatable)")
    parser.add_argument("--full", action="store_true", help='also the cases of tier "full" (the whole matrix)')
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument(
        "--cache-env", action="store_true", help="print the cache environment as shell `export` lines (for CI's other steps), then exit"
    )
    parser.add_argument(
        "--setup-only", action="store_true", help="only run the setup scripts the selected cases need (all at once), then exit"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=int(os.environ.get("E2E_JOBS", 0)) or default_jobs(),
        help="cases run at the same time (default: E2E_JOBS, else the number of cores)",
    )
    parser.add_argument("--binary", type=Path, help="sprout binary (default: `cargo build` and use target/debug/sprout)")
    args = parser.parse_args()

    if args.cache_env:
        for key, value in cache_env().items():
            print(f"export {key}={shlex.quote(value)}")
        return 0
    every = load_cases()
    cases = select(every, args.stack, args.case, args.full)
    if args.list:
        for c in cases:
            print(f"{c.name:32} {c.stack:12} {c.profile:8} {c.tier:5} {json.dumps(c.answers)}")
        return 0
    if not cases:
        print("e2e: no case selected", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    if args.setup_only:
        tools = Toolchains()
        scripts = sorted({s for c in cases for s in c.setup})
        try:
            tools.start(scripts)
            for script in scripts:
                while tools.threads[script].is_alive():
                    tools.threads[script].join(timeout=1)
        except Interrupted as e:
            print(f"\ne2e: stopped by {e}; stopping the setup scripts", file=sys.stderr, flush=True)
            stop_all()
            return 130
        return 1 if tools.failed else 0

    binary = args.binary
    if binary is None:
        subprocess.run(["cargo", "build", "--locked", "--quiet"], cwd=ROOT, check=True)
        binary = ROOT / "target" / "debug" / "sprout"
    binary = binary.resolve()

    lost, missing = coverage(every, stack_options(binary, sorted({c.stack for c in every})))
    if missing:
        print(f"e2e: note: no case generates with {'; '.join(missing)}", flush=True)
    if lost:
        print("e2e: these values are only covered by tier \"full\" cases; give one a \"ci\" case:", file=sys.stderr)
        for line in lost:
            print(f"  {line}", file=sys.stderr)
        return 2

    WORK.mkdir(parents=True, exist_ok=True)
    changed = threading.Condition()

    def notify() -> None:
        with changed:
            changed.notify_all()

    tools = Toolchains(on_done=notify)
    pg = None
    pg_lock = None
    results: list[Result] = []
    began = time.monotonic()
    jobs = max(1, args.jobs)
    print(f"e2e: {len(cases)} cases, {jobs} at a time", flush=True)
    try:
        # Every toolchain the cases need is set up in the background from the start.
        tools.start(sorted({s for c in cases for s in c.setup}))
        if any(c.needs_postgres for c in cases):
            # Every run using the shared server holds a shared lock; the last one out stops it.
            CACHE.mkdir(parents=True, exist_ok=True)
            pg_lock = open(CACHE / "postgres.lock", "w")
            fcntl.flock(pg_lock, fcntl.LOCK_SH)
            try:
                pg = tools.env_for(["e2e/setup/postgres.sh"])
            except RuntimeError as e:
                print(f"e2e: {e}", file=sys.stderr)
        results = run_all(cases, binary, tools, pg, jobs, changed)
    except Interrupted as e:
        print(f"\ne2e: stopped by {e}; stopping the running cases", file=sys.stderr, flush=True)
        stop_all()
        return 130
    finally:
        if pg_lock is not None:
            try:
                fcntl.flock(pg_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass  # another run still uses the server
            else:
                subprocess.run(["bash", str(ROOT / "e2e/setup/postgres.sh"), "stop"], cwd=ROOT, check=False)
            pg_lock.close()

    (WORK / "summary.json").write_text(
        json.dumps(
            [
                {
                    "case": r.case.name,
                    "stack": r.case.stack,
                    "answers": r.case.answers,
                    "failed_step": r.failed_step,
                    "seconds": round(r.seconds, 1),
                    "cpu_seconds": round(r.cpu, 1),
                    "steps": {name: round(sec, 1) for name, sec in r.steps},
                }
                for r in results
            ],
            indent=2,
        )
    )
    passed = sum(1 for r in results if not r.failed_step)
    failed = len(results) - passed
    print(f"\ne2e: {len(results)} cases in {time.monotonic() - began:.0f}s, {jobs} at a time; CPU {sum(r.cpu for r in results):.0f}s")
    for r in results:
        mark = "ok  " if not r.failed_step else "FAIL"
        print(f"  {mark} {r.case.name:32} {r.seconds:7.1f}s  CPU {r.cpu:6.1f}s" + (f"  ({r.failed_step})" if r.failed_step else ""))
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
