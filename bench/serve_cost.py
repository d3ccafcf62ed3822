#!/usr/bin/env python3
"""What the `serve` feature costs the CLI: release binary size, and the start-up of `--help` and
the time of `sprout new --yes --no-git` (every stack), with the feature and without it.

Builds both release binaries (the second with --no-default-features) into copies under
target/serve-cost/, then runs each command alternately, N times, and prints a Markdown table of
medians.

Usage: python3 bench/serve_cost.py [--runs 31] [--no-build]
"""

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "serve-cost"


def build(features):
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", *features], cwd=ROOT, check=True)
    name = "without" if features else "with"
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"sprout-{name}"
    shutil.copy2(ROOT / "target" / "release" / "sprout", target)
    return target


def timed(argv, cwd=None):
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--no-build", action="store_true", help="use the copies already in target/serve-cost/")
    args = parser.parse_args()
    if args.no_build:
        binaries = {"with": OUT / "sprout-with", "without": OUT / "sprout-without"}
    else:
        binaries = {"without": build(["--no-default-features"]), "with": build([])}
    stacks = [s["key"] for s in json.loads(subprocess.run(
        [str(binaries["with"]), "list", "--json"], capture_output=True, check=True).stdout)]

    cases = [("sprout --help", lambda b, _: [str(b), "--help"])]
    cases += [(f"sprout new --stack {s}", lambda b, d, s=s: [str(b), "new", "bench-app", "--stack", s, "--yes", "--no-git", "-o", d])
              for s in stacks]
    times = {(name, which): [] for name, _ in cases for which in binaries}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            for name, argv in cases:
                for which in (["with", "without"] if i % 2 else ["without", "with"]):
                    out = tempfile.mkdtemp(dir=tmp)
                    times[(name, which)].append(timed(argv(binaries[which], out)))
                    shutil.rmtree(out)

    print(f"Median of {args.runs} alternating runs, whole process.\n")
    print("| | with `serve` (default) | `--no-default-features` |")
    print("|---|---:|---:|")
    size = {w: b.stat().st_size / 1e6 for w, b in binaries.items()}
    print(f"| release binary | {size['with']:.2f} MB | {size['without']:.2f} MB |")
    for name, _ in cases:
        med = {w: statistics.median(times[(name, w)]) * 1000 for w in binaries}
        print(f"| {name} | {med['with']:.1f} ms | {med['without']:.1f} ms |")


if __name__ == "__main__":
    main()
