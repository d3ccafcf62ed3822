#!/usr/bin/env python3
"""What CI runs on a clean clone (`bash .ci/run` starts this): formatting, lints, the test suite
(README's test command), the benchmarks as tests, the e2e harness's unit tests, and the
end-to-end checks of generated projects. Nothing is built with LTO: one debug build of sprout
serves every check that runs the binary.

    bash .ci/run          the CI run
    bash .ci/run --full   also the e2e cases of tier "full" (the whole matrix) and the measured
                          benchmarks (`cargo bench`, `bench/compare.py`: release build with LTO)

Steps run in three lanes at once. `main`: the Rust steps one after another, then the serve
checks. `setup` (from the start): the e2e toolchains (Node, uv/ruff, the JDKs, the Debian root,
Chromium), mostly downloads, while Rust compiles. `e2e` (once the binary is built): the e2e cases
and the lifecycle checks, in parallel with the Rust tests. Output of the main lane is shown as it
comes; each background step's output is shown whole when it ends, at the next step boundary.

Every step runs even when an earlier one failed, except those that need something that failed
(the binary, the toolchains). CI_BUDGET_SECONDS (default 5100; CI stops a run at 90 minutes)
bounds the whole run: steps still running then are stopped (their process groups), later ones
are skipped, and the table is printed all the same. At the end: each step's wall time, CPU time
(user + system of its processes, from wait4) and the mean load average while it ran. Exits 1 if
a step failed, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "e2e"))
import run as e2e  # noqa: E402  (the e2e harness: where caches go)

LOGS = ROOT / "target" / "ci"
# The binary every step after the build runs: a copy, so that the later cargo builds (whose
# dev-dependencies change some features, hence the artifacts) do not replace it mid-run.
BINARY = LOGS / "sprout"
DEFAULT_BUDGET = 5100
STOP_GRACE = 45  # seconds between SIGTERM and SIGKILL: the e2e harness stops its cases meanwhile


@dataclass
class Step:
    name: str
    argv: list[str]
    lane: str
    # Steps (by name) that must have passed first; otherwise this one is skipped.
    needs: list[str] = field(default_factory=list)
    full_only: bool = False
    result: str = "not run"
    wall: float = 0.0
    cpu: float | None = None
    load: str = "-"


def steps(full: bool) -> list[Step]:
    binary = str(BINARY.relative_to(ROOT))
    scope = ["--full"] if full else []
    build = "build"
    listed = [
        # The e2e toolchains, all at once; Chromium (apt) and axe-core (npm) for the serve checks.
        Step("toolchains", ["python3", "e2e/run.py", "--setup-only", *scope], "setup"),
        Step("chromium", ["bash", "-c", "bash e2e/setup/chromium.sh >/dev/null && bash e2e/setup/axe.sh >/dev/null"], "setup"),
        Step("format", ["cargo", "fmt", "--check"], "main"),
        # The e2e harness's own tests, and whatever other Python unit tests e2e/ holds.
        Step("e2e unit tests", ["python3", "-m", "unittest", "discover", "-s", "e2e", "-p", "test_*.py"], "main"),
        # The binary as users build it (`cargo build`), copied for every step that runs it.
        Step(build, ["bash", "-c", f"cargo build --locked && mkdir -p target/ci && cp target/debug/sprout {binary}"], "main"),
        Step("clippy", ["cargo", "clippy", "--all-targets", "--locked", "--", "-D", "warnings"], "main"),
        # The CLI without the `serve` feature: its library and binary still build and lint clean.
        Step("clippy, without serve", ["cargo", "clippy", "--locked", "--no-default-features", "--lib", "--bins", "--", "-D", "warnings"], "main"),
        # README's test command (the safe-writing tests install strace themselves when missing).
        Step("cargo test", ["cargo", "test", "--locked"], "main"),
        # Each benchmark once, as a test (divan's test mode), in the test profile: no LTO build.
        Step("benchmarks as tests", ["cargo", "test", "--locked", "--benches"], "main"),
        Step("template check", [binary, "template", "check", "templates"], "main", needs=[build]),
        # The whole-process benchmark's smoke run: it must run; its numbers are not judged here.
        Step("compare.py --quick", ["python3", "bench/compare.py", "--quick", "--binary", binary], "main", needs=[build]),
        # `sprout serve`: the page in headless Chromium, the Dockerfile, a short load test.
        Step("serve checks", ["env", f"SPROUT_BINARY={binary}", "bash", "e2e/serve/run.sh"], "main", needs=[build, "chromium"]),
        # Generated projects install, lint, test, start and keep the HTTP contract.
        Step("e2e cases", ["python3", "e2e/run.py", "--binary", binary, *scope], "e2e", needs=[build]),
        # A project's life: edit, add docker and ci, verify, add a database, verify.
        Step("e2e lifecycle", ["python3", "e2e/lifecycle.py", "--binary", binary], "e2e", needs=[build]),
        Step("cargo bench (LTO)", ["cargo", "bench", "--locked", "--bench", "render"], "main", full_only=True),
        Step("compare.py (LTO)", ["python3", "bench/compare.py"], "main", full_only=True),
    ]
    return [s for s in listed if full or not s.full_only]


class Run:
    def __init__(self, steps: list[Step], budget: int) -> None:
        self.steps = steps
        self.began = time.time()
        self.deadline = time.monotonic() + budget
        self.budget = budget
        self.lock = threading.Lock()
        self.done = threading.Condition(self.lock)
        self.finished: set[str] = set()
        self.interrupted: str | None = None
        self.loads: list[tuple[float, float]] = []
        self.pending_output: list[str] = []

    # ---- the load average, every 10 s ----

    def sample_load(self) -> None:
        while True:
            with self.lock:
                self.loads.append((time.time(), os.getloadavg()[0]))
            time.sleep(10)

    def mean_load(self, start: float, end: float) -> str:
        with self.lock:
            within = [v for t, v in self.loads if start <= t <= end]
            before = [v for t, v in self.loads if t <= end]
        if within:
            return f"{sum(within) / len(within):.1f}"
        return f"{before[-1]:.1f}" if before else "-"

    # ---- steps ----

    def say(self, text: str) -> None:
        with self.lock:
            print(text, flush=True)

    def flush_background(self) -> None:
        """Print what background steps have finished with, between two main-lane steps."""
        with self.lock:
            blocks, self.pending_output = self.pending_output, []
        for block in blocks:
            print(block, flush=True)

    def wait_for(self, names: list[str]) -> None:
        with self.done:
            while not all(n in self.finished for n in names):
                self.done.wait(timeout=1)

    def step_named(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)

    def run_step(self, step: Step) -> None:
        self.wait_for(step.needs)
        blocked = [n for n in step.needs if self.step_named(n).result != "ok"]
        left = self.deadline - time.monotonic()
        if self.interrupted:
            step.result = f"skipped ({self.interrupted})"
        elif blocked:
            step.result = f"skipped (needs {', '.join(blocked)})"
        elif left <= 0:
            step.result = "skipped (budget)"
        else:
            self.execute(step, left)
        with self.done:
            self.finished.add(step.name)
            self.done.notify_all()

    def execute(self, step: Step, left: float) -> None:
        background = step.lane != "main"
        log = LOGS / f"{step.lane}-{step.name.replace(' ', '-').replace(',', '')}.log"
        if background:
            self.say(f"\n==== {step.name} ({step.lane} lane, in the background; output when it ends) {time.strftime('%H:%M:%S')}")
        else:
            self.flush_background()
            print(f"\n==== {step.name} {time.strftime('%H:%M:%S')}", flush=True)
        out = open(log, "w") if background else None
        start = time.time()
        try:
            proc = subprocess.Popen(step.argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT if out else None, start_new_session=True)
        except OSError as e:
            step.result = f"FAIL ({e.strerror})"
            return
        stopped_by = None
        while True:
            # wait4, not wait: the step's resource usage, its waited-for descendants included.
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            reason = self.interrupted or ("budget" if time.monotonic() >= self.deadline else None)
            if reason and stopped_by is None:
                stopped_by = reason
                stop_group(proc.pid)
            time.sleep(0.2)
        proc.returncode = os.waitstatus_to_exitcode(status)
        end = time.time()
        step.wall = end - start
        step.cpu = usage.ru_utime + usage.ru_stime
        step.load = self.mean_load(start, end)
        code = proc.returncode
        step.result = f"stopped ({stopped_by})" if stopped_by else ("ok" if code == 0 else f"FAIL ({code})")
        if out:
            out.close()
            text = log.read_text(errors="replace")
            block = f"\n==== {step.name}: {step.result}, {step.wall:.0f}s (output of the {step.lane} lane)\n{text.rstrip()}"
            with self.lock:
                self.pending_output.append(block)

    def lane(self, name: str) -> None:
        for step in self.steps:
            if step.lane == name:
                self.run_step(step)

    def stop_all(self, reason: str) -> None:
        """Stop the run: each lane stops its running step (within 0.2 s) and skips the rest."""
        with self.lock:
            self.interrupted = reason

    def table(self) -> str:
        rows = [f"{'step':24} {'lane':6} {'result':26} {'wall s':>7} {'CPU s':>7} {'load':>5}"]
        for s in self.steps:
            cpu = f"{s.cpu:.0f}" if s.cpu is not None else "-"
            rows.append(f"{s.name:24} {s.lane:6} {s.result:26} {s.wall:7.0f} {cpu:>7} {s.load:>5}")
        total = time.time() - self.began
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        failed = any(s.result != "ok" for s in self.steps)
        rows.append(
            f"{'total':24} {'':6} {'FAIL' if failed else 'ok':26} {total:7.0f} {usage.ru_utime + usage.ru_stime:7.0f} "
            f"{self.mean_load(self.began, time.time()):>5}"
        )
        return "\n".join(rows)


def stop_group(group: int) -> None:
    """SIGTERM the step's process group; SIGKILL it STOP_GRACE seconds later if it is still there."""
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        return

    def kill_later() -> None:
        time.sleep(STOP_GRACE)
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass

    threading.Thread(target=kill_later, daemon=True).start()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help='also tier "full" e2e cases and the measured benchmarks')
    args = parser.parse_args()
    LOGS.mkdir(parents=True, exist_ok=True)
    BINARY.unlink(missing_ok=True)
    # What any step downloads (npm, pip, uv, Maven, ...) stays in e2e/.cache, as in the e2e harness.
    os.environ.update(e2e.cache_env())
    os.environ.setdefault("CARGO_TERM_COLOR", "never")
    budget = int(os.environ.get("CI_BUDGET_SECONDS", DEFAULT_BUDGET))
    run = Run(steps(args.full), budget)
    print(f"CI: {len(run.steps)} steps, {os.cpu_count()} cores, budget {budget}s, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)

    def interrupted(signum, frame) -> None:
        name = signal.Signals(signum).name
        print(f"\nCI: {name}: stopping the running steps", file=sys.stderr, flush=True)
        run.stop_all(name)

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    threading.Thread(target=run.sample_load, daemon=True).start()
    lanes = [threading.Thread(target=run.lane, args=(name,), daemon=True) for name in ("setup", "e2e")]
    for lane in lanes:
        lane.start()
    run.lane("main")
    for lane in lanes:
        while lane.is_alive():
            lane.join(timeout=1)
    run.flush_background()
    print(f"\n==== step times ({os.cpu_count()} cores; load: mean 1-minute load average while the step ran, sampled every 10 s)")
    print(run.table())
    print(f"load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if run.interrupted:
        return 130
    return 1 if any(s.result != "ok" for s in run.steps) else 0


if __name__ == "__main__":
    sys.exit(main())
