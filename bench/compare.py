#!/usr/bin/env python3
"""Whole-process benchmark: `sprout new --yes` against `cp -r` and `tar x` of the very tree it
produces, for every embedded stack (from `sprout list --json`, so a new stack is measured without
new code). Paired runs into fresh folders; medians and ratios; peak memory; binary size; start-up
of `--help`, `list` and `show` against a bare process spawn.

    python3 bench/compare.py            # 21 paired runs per stack, print the table
    python3 bench/compare.py --quick    # 3 runs: a smoke test of the script itself
    python3 bench/compare.py --write    # also write docs/performance.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "sprout"


def timed(argv: list[str]) -> float:
    """Wall seconds of one process."""
    started = time.perf_counter()
    code = subprocess.call(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if code != 0:
        sys.exit(f"benchmark: {' '.join(argv)} failed")
    return elapsed


def peak_kib(argv: list[str]) -> int:
    """Peak resident memory of one process, from GNU time: a child spawned by Python would
    count Python's own pages before its exec."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], capture_output=True, text=True, check=True)
    return int(out.stderr.strip().splitlines()[-1])


def stacks() -> list[str]:
    out = subprocess.run([str(BINARY), "list", "--json"], capture_output=True, text=True, check=True)
    return [s["key"] for s in json.loads(out.stdout)]


def bench_stack(stack: str, runs: int, scratch: Path) -> dict:
    ref_parent = scratch / f"ref-{stack}"
    subprocess.run(
        [str(BINARY), "new", "bench-app", "--stack", stack, "--yes", "--no-git", "--quiet", "-o", str(ref_parent)],
        check=True,
    )
    ref = ref_parent / "bench-app"
    tarball = scratch / f"{stack}.tar"
    subprocess.run(["tar", "cf", str(tarball), "-C", str(ref_parent), "bench-app"], check=True)
    files = sum(len(f) for _, _, f in os.walk(ref))
    size = sum(p.stat().st_size for p in ref.rglob("*") if p.is_file())

    sprout_t, cp_t, tar_t = [], [], []
    for i in range(runs):
        # Alternate the order so neither tool always runs on a warmer cache.
        dst = scratch / f"run-{stack}-{i}"
        for d in ("s", "c", "t"):
            (dst / d).mkdir(parents=True)
        jobs = [
            ("sprout", [str(BINARY), "new", "bench-app", "--stack", stack, "--yes", "--no-git", "--quiet", "-o", str(dst / "s")]),
            ("cp", ["cp", "-r", str(ref), str(dst / "c" / "bench-app")]),
            ("tar", ["tar", "xf", str(tarball), "-C", str(dst / "t")]),
        ]
        if i % 2:
            jobs.reverse()
        for name, argv in jobs:
            {"sprout": sprout_t, "cp": cp_t, "tar": tar_t}[name].append(timed(argv))
        shutil.rmtree(dst)
    peak_dir = scratch / f"peak-{stack}"
    peak = peak_kib([str(BINARY), "new", "bench-app", "--stack", stack, "--yes", "--no-git", "--quiet", "-o", str(peak_dir)])
    med = statistics.median
    return {
        "stack": stack,
        "files": files,
        "bytes": size,
        "sprout_ms": med(sprout_t) * 1000,
        "cp_ms": med(cp_t) * 1000,
        "tar_ms": med(tar_t) * 1000,
        "ratio_cp": med(sprout_t) / med(cp_t),
        "ratio_tar": med(sprout_t) / med(tar_t),
        "peak_kib": peak,
    }


def startup(runs: int) -> list[tuple[str, float]]:
    cases = [
        ("true (process spawn)", ["true"]),
        ("sprout --help", [str(BINARY), "--help"]),
        ("sprout list", [str(BINARY), "list"]),
        ("sprout show express", [str(BINARY), "show", "express"]),
    ]
    return [(name, statistics.median(timed(argv) for _ in range(runs)) * 1000) for name, argv in cases]


def table(rows: list[dict], starts: list[tuple[str, float]], runs: int) -> str:
    lines = [
        f"Median of {runs} paired runs each, whole process, fresh output folder each run.",
        "",
        "| stack | files | size | sprout new | cp -r | tar x | sprout / cp | sprout / tar | peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['stack']} | {r['files']} | {r['bytes'] / 1024:.0f} KiB | {r['sprout_ms']:.1f} ms | {r['cp_ms']:.1f} ms "
            f"| {r['tar_ms']:.1f} ms | {r['ratio_cp']:.2f}× | {r['ratio_tar']:.2f}× | {r['peak_kib'] / 1024:.1f} MiB |"
        )
    lines += ["", "| start-up | median |", "|---|---:|"]
    lines += [f"| {name} | {ms:.1f} ms |" for name, ms in starts]
    lines += ["", f"Release binary: {BINARY.stat().st_size / 1e6:.2f} MB."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 runs per stack")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--write", action="store_true", help="write the results into docs/performance.md")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory(prefix="sprout-bench-") as tmp:
        rows = [bench_stack(stack, runs, Path(tmp)) for stack in stacks()]
    starts = startup(max(runs, 5))
    result = table(rows, starts, runs)
    print(result)
    if args.write:
        doc = ROOT / "docs" / "performance.md"
        text = doc.read_text()
        begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        stamp = f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, by `python3 bench/compare.py --write`."
        doc.write_text(f"{head}{begin}\n{stamp}\n\n{result}\n{end}{tail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
