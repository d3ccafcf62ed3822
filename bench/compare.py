#!/usr/bin/env python3
"""Whole-process benchmark: `sprout new --yes` against `cp -r` of the very tree it produces, for
every embedded stack (from `sprout list --json`, so a new stack is measured without new code).

Per stack, on the defaults and on the heaviest option combination (for each choice or yes/no
option in asking order, the value that adds the most files, found from `sprout show STACK --json`
and `--dry-run --json`, not written down per stack), on tmpfs (/dev/shm) and on disk:

- the headline, the command a user types: `sprout new NAME --stack S --yes` (preflight and git
  included) / (`cp -r` of its output + the same git work: `git init`, `git add` of the paths
  sprout commits, `git -c maintenance.auto=false -c gc.auto=0 commit`), run as one `sh -c`;
- `sprout new --no-git --no-preflight` (generation alone) / `cp -r` of its own output.

The preflight (`node --version`, `javac -version`, ...) is also reported on its own: paired runs
with and without it.

Besides the stacks: synthetic stacks of 100 and 1,000 templated files that the benchmark writes
into its scratch folder (Express's manifest without file rules and its partials, and files it
generates: 30 lines each with 12 Handlebars expressions, the density of Express's templates, every
file a different text), generated through `--template FOLDER`, so that the ratio can be seen not
to climb with template size. Nothing of it is shipped.

The cache of parsed templates (`SPROUT_CACHE_DIR`) is a folder of the scratch space of each place,
filled by the reference run, so the timed runs are a user's runs after the first; for the 1,000
files a first run (an empty cache each time) is timed too.

Paired runs into fresh folders, the order alternating; medians and ratios; the load average
beside every row (the machine may be shared). Without `--quick`, instructions per run from
callgrind (deterministic whatever the load; `valgrind` is installed from Debian when missing),
children included for the git path. Then peak memory, binary size, and the start-up of `--help`,
`list` and `show` against a bare process spawn.

`cargo bench --bench render` measures the render alone, per stack and for the same 1,000 files.

    python3 bench/compare.py            # 11 paired runs per case, with callgrind
    python3 bench/compare.py --no-callgrind  # wall time only
    python3 bench/compare.py --tmpfs-only    # leave out the runs on disk
    python3 bench/compare.py --quick    # 2 runs, tmpfs only, no callgrind, the debug binary: a
                                        # smoke test that the benchmark runs (numbers not judged)
    python3 bench/compare.py --write    # also write docs/performance.md
"""

from __future__ import annotations

import argparse
import glob
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
BINARY = ROOT / "target" / "release" / "sprout"  # the debug one with --quick (see main)
SYNTHETIC = "synthetic"
# The synthetic stacks by number of files.
SYNTHETIC_SIZES = {"synthetic-100": 100, SYNTHETIC: 1_000}
# First runs (empty cache) of the 1,000 files per place; none with --quick.
FIRST_RUNS = 5
GIT_FLAGS = ["-c", "maintenance.auto=false", "-c", "gc.auto=0"]
# The same identity for sprout's commit and the baseline's, whatever the machine's config.
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def run(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, env=ENV, check=True, **kw)


def timed(argv: list[str]) -> float:
    """Wall seconds of one process."""
    started = time.perf_counter()
    code = subprocess.call(argv, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if code != 0:
        sys.exit(f"benchmark: {' '.join(argv)} failed")
    return elapsed


def load() -> float:
    return os.getloadavg()[0]


def peak_kib(argv: list[str]) -> int:
    """Peak resident memory of one process, from GNU time: a child spawned by Python would
    count Python's own pages before its exec."""
    out = run(["/usr/bin/time", "-f", "%M", *argv], capture_output=True, text=True)
    return int(out.stderr.strip().splitlines()[-1])


def stacks() -> list[str]:
    out = run([str(BINARY), "list", "--json"], capture_output=True, text=True)
    return [s["key"] for s in json.loads(out.stdout)]


# The synthetic stack's folder, once written (see synthetic_stack).
TEMPLATES: dict[str, Path] = {}


def sprout_new(stack: str, sets: list[str], dst: Path, git: bool, *extra: str, preflight: bool = False) -> list[str]:
    """`sprout new`; with `preflight` and `git`, exactly the command a user types (no --quiet)."""
    argv = [str(BINARY), "new", "bench-app", "--yes", "-o", str(dst)]
    argv += [] if preflight and git else ["--quiet"]
    if stack in TEMPLATES:
        argv += ["--template", str(TEMPLATES[stack]), "--trust"]
    else:
        argv += ["--stack", stack]
    argv += [a for kv in sets for a in ("--set", kv)]
    argv += [] if preflight else ["--no-preflight"]
    return argv + ([] if git else ["--no-git"]) + list(extra)


def takes_templates() -> bool:
    """Whether this sprout generates from a template folder (`new --template ... --trust`)."""
    text = run([str(BINARY), "new", "--help"], capture_output=True, text=True).stdout
    return "--template" in text and "--trust" in text


def synthetic_file(n: int) -> str:
    """The n-th generated template: 30 lines, 12 expressions, as Express's own templates have
    (about 12 per 30 lines): `{{#if ts}}` blocks, database choices, values and a helper. Every
    file differs (its number is in its text), as a real template's files do."""
    return f"""// {{{{name}}}}: module {n:04}
import {{ Router }} from "express";
{{{{#if ts}}}}
import type {{ Request, Response }} from "express";
{{{{/if}}}}

const router = Router();
const port = {{{{stack.port}}}};
const limit{n} = {n % 97 + 3};

{{{{#if (eq database "postgres")}}}}
import pg from "pg";
const pool = new pg.Pool({{ connectionString: process.env.DATABASE_URL }});
{{{{else}}}}
const pool = null;
{{{{/if}}}}

router.get("/items-{n}", async (req{{{{#if ts}}}}: Request{{{{/if}}}}, res{{{{#if ts}}}}: Response{{{{/if}}}}) => {{
  const rows = pool ? (await pool.query("select * from items_{n} limit $1", [limit{n}])).rows : [];
  res.json({{ module: {n}, service: {{{{json name}}}}, port, rows }});
}});

router.post("/items-{n}", (req, res) => {{
  if (!req.body || typeof req.body.name !== "string") {{
    return res.status(400).json({{ error: "name is required", module: {n} }});
  }}
  return res.status(201).json({{ name: req.body.name, module: {n} }});
}});

export default router;
"""


def synthetic_stack(scratch: Path, key: str = SYNTHETIC) -> Path:
    """A stack of SYNTHETIC_SIZES[key] generated templates in `scratch/key`: Express's manifest
    without its file rules (so every file is written, under its own name), its partials (the
    shared files include them) and `synthetic_file`s, 50 to a folder."""
    express = ROOT / "templates" / "express"
    dst = scratch / key
    manifest, skipping = [], False
    for line in (express / "sprout.toml").read_text().splitlines():
        if line.startswith("["):
            skipping = line.strip() == "[[file]]"
        if not skipping:
            manifest.append(line)
    (dst / "files").mkdir(parents=True)
    (dst / "sprout.toml").write_text("\n".join(manifest) + "\n")
    shutil.copytree(express / "partials", dst / "partials")
    for n in range(SYNTHETIC_SIZES[key]):
        target = dst / "files" / "src" / f"group{n // 50:02}" / f"module{n:04}.js.hbs"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(synthetic_file(n))
    return dst


def weight(stack: str, sets: list[str], scratch: Path) -> tuple[int, int] | None:
    """Files and bytes the answers produce (from `--dry-run --json`), or None if refused."""
    argv = sprout_new(stack, sets, scratch / "dry", False, "--dry-run", "--json")
    argv.remove("--quiet")
    out = subprocess.run(argv, env=ENV, capture_output=True, text=True)
    if out.returncode != 0:
        return None
    files = json.loads(out.stdout)["files"]
    return len(files), sum(f["size"] for f in files)


def heaviest(stack: str, scratch: Path) -> list[str]:
    """For each choice or yes/no option in asking order, the value that adds the most files on
    top of those already chosen (more bytes break a tie; a full tie keeps the default)."""
    show = json.loads(run([str(BINARY), "show", stack, "--json"], capture_output=True, text=True).stdout)
    sets: list[str] = []
    for option in show["options"]:
        values = option.get("choices") or (["no", "yes"] if option["type"] == "bool" else None)
        if not values:
            continue
        best_n, best = weight(stack, sets, scratch) or (0, 0), None
        for value in values:
            n = weight(stack, sets + [f"{option['key']}={value}"], scratch)
            if n is not None and n > best_n:
                best_n, best = n, value
        if best is not None:
            sets.append(f"{option['key']}={best}")
    return sets


def callgrind(argv: list[str], out_dir: Path, children: bool) -> int:
    """Instructions executed by one run (and its children), from callgrind."""
    out_dir.mkdir(parents=True)
    vg = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_dir}/cg.%p"]
    if children:
        vg.append("--trace-children=yes")
    run(vg + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    total = 0
    for path in glob.glob(f"{out_dir}/cg.*"):
        with open(path) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    total += int(line.split()[1])
                    break
    return total


def ensure_valgrind() -> bool:
    if shutil.which("valgrind"):
        return True
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is None:
        return False
    lock = ["-o", "DPkg::Lock::Timeout=600"]
    ok = subprocess.call([*sudo, "apt-get", *lock, "update", "-q"]) == 0 and subprocess.call(
        [*sudo, "apt-get", *lock, "install", "-y", "-q", "valgrind"]
    ) == 0
    return ok and shutil.which("valgrind") is not None


def bench_case(stack: str, label: str, sets: list[str], runs: int, scratch: Path, count: bool) -> dict:
    ref_parent = scratch / f"ref-{stack}-{label}"
    run(sprout_new(stack, sets, ref_parent, False))  # also fills the cache of parsed templates
    ref = ref_parent / "bench-app"
    git_parent = scratch / f"refgit-{stack}-{label}"
    run(sprout_new(stack, sets, git_parent, True))
    committed = run(["git", "-C", str(git_parent / "bench-app"), "ls-files", "-z"], capture_output=True).stdout
    if not committed:
        sys.exit(f"benchmark: sprout committed nothing for {stack} {label}")
    paths = scratch / f"paths-{stack}-{label}"
    paths.write_bytes(committed)
    files = sum(len(f) for _, _, f in os.walk(ref))
    size = sum(p.stat().st_size for p in ref.rglob("*") if p.is_file())

    def cp_git(dst: Path) -> list[str]:
        script = (
            'cp -r "$1" "$2" && cd "$2" && git init -q -b main && '
            'git --literal-pathspecs add --pathspec-from-file="$3" --pathspec-file-nul && '
            f'git {" ".join(GIT_FLAGS)} commit -q -m "Initial commit"'
        )
        return ["sh", "-c", script, "sh", str(ref), str(dst / "bench-app"), str(paths)]

    times: dict[str, list[float]] = {k: [] for k in ("sprout", "cp", "sprout_git", "cp_git")}
    loads = [load()]
    for i in range(runs):
        dst = scratch / f"run-{stack}-{label}-{i}"
        for d in times:
            (dst / d).mkdir(parents=True)
        jobs = [
            ("sprout", sprout_new(stack, sets, dst / "sprout", False)),
            ("cp", ["cp", "-r", str(ref), str(dst / "cp" / "bench-app")]),
            ("sprout_git", sprout_new(stack, sets, dst / "sprout_git", True, preflight=True)),
            ("cp_git", cp_git(dst / "cp_git")),
        ]
        if i % 2:
            jobs.reverse()
        for name, argv in jobs:
            times[name].append(timed(argv))
        shutil.rmtree(dst)
    if stack == SYNTHETIC and FIRST_RUNS:
        # A first run: the cache of parsed templates empty every time.
        times["first"] = []
        for i in range(FIRST_RUNS):
            dst = scratch / f"first-{i}"
            dst.mkdir()
            cold = {**ENV, "SPROUT_CACHE_DIR": str(dst / "cache")}
            started = time.perf_counter()
            subprocess.run(sprout_new(stack, sets, dst, False), env=cold, check=True, stdout=subprocess.DEVNULL)
            times["first"].append(time.perf_counter() - started)
            shutil.rmtree(dst)
    loads.append(load())
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    row = {
        "stack": stack,
        "combo": label,
        "sets": sets,
        "files": files,
        "bytes": size,
        **{f"{k}_ms": v for k, v in med.items()},
        "ratio": med["sprout"] / med["cp"],
        "ratio_git": med["sprout_git"] / med["cp_git"],
        "load": max(loads),
    }
    if count:
        cg = scratch / f"cg-{stack}-{label}"
        (cg / "dst").mkdir(parents=True)
        row["ir_sprout"] = callgrind(sprout_new(stack, sets, cg / "dst" / "a", False), cg / "a", False)
        row["ir_cp"] = callgrind(["cp", "-r", str(ref), str(cg / "dst" / "b")], cg / "b", False)
        row["ir_sprout_git"] = callgrind(sprout_new(stack, sets, cg / "dst" / "c", True), cg / "c", True)
        (cg / "dst" / "d").mkdir()
        row["ir_cp_git"] = callgrind(cp_git(cg / "dst" / "d"), cg / "d", True)
        shutil.rmtree(cg)
    return row


def bench_place(place: str, parent: str | None, runs: int, count: bool, synthetic: bool) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="sprout-bench-", dir=parent) as tmp:
        scratch = Path(tmp)
        ENV["SPROUT_CACHE_DIR"] = str(scratch / "cache")
        cases = [(stack, (("default", []), ("heaviest", heaviest(stack, scratch)))) for stack in stacks()]
        if synthetic:
            for key in SYNTHETIC_SIZES:
                TEMPLATES[key] = synthetic_stack(scratch, key)
                cases.append((key, (("default", []),)))
        for stack, combos in cases:
            for label, sets in combos:
                row = bench_case(stack, label, sets, runs, scratch, count)
                row["place"] = place
                rows.append(row)
                print(f"  {place} {stack} {label}: {row['ratio_git']:.2f}× / {row['ratio']:.2f}× (load {row['load']:.1f})", file=sys.stderr)
        TEMPLATES.clear()
        ENV.pop("SPROUT_CACHE_DIR")
    return rows


def preflight(runs: int) -> list[tuple[str, float, float]]:
    """Per stack, `sprout new --no-git` on the defaults with its toolchain probe and without
    (`--no-preflight`), paired, order alternating: medians in ms."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="sprout-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as tmp:
        ENV["SPROUT_CACHE_DIR"] = str(Path(tmp) / "cache")
        for stack in stacks():
            times: dict[bool, list[float]] = {True: [], False: []}
            for i in range(runs):
                order = [True, False] if i % 2 else [False, True]
                for probe in order:
                    dst = Path(tmp) / f"{stack}-{i}-{probe}"
                    dst.mkdir()
                    times[probe].append(timed(sprout_new(stack, [], dst, False, preflight=probe)))
                    shutil.rmtree(dst)
            rows.append((stack, statistics.median(times[True]) * 1000, statistics.median(times[False]) * 1000))
        ENV.pop("SPROUT_CACHE_DIR")
    return rows


def instructions(argv: list[str], scratch: Path) -> int:
    return callgrind(argv, scratch / f"cg-{len(list(scratch.iterdir()))}", False)


def startup(runs: int, count: bool) -> list[tuple[str, float, int | None]]:
    """Median wall time of the commands that only print, and (with callgrind) instructions."""
    cases = [
        ("true (process spawn)", ["true"]),
        ("sprout --help", [str(BINARY), "--help"]),
        ("sprout list", [str(BINARY), "list"]),
        ("sprout list --json", [str(BINARY), "list", "--json"]),
        ("sprout show express", [str(BINARY), "show", "express"]),
    ]
    rows = []
    with tempfile.TemporaryDirectory(prefix="sprout-bench-") as tmp:
        for name, argv in cases:
            ms = statistics.median(timed(argv) for _ in range(runs)) * 1000
            rows.append((name, ms, instructions(argv, Path(tmp)) if count else None))
    return rows


def mi(n: int | None) -> str:
    return "–" if n is None else f"{n / 1e6:.1f} M"


def table(
    rows: list[dict],
    starts: list[tuple[str, float, int | None]],
    runs: int,
    peaks: dict[str, int],
    probes: list[tuple[str, float, float]],
) -> str:
    lines = [
        f"Median of {runs} paired runs each, whole process, fresh output folder each run; load = the "
        "higher 1-minute load average of the start and end of the row's runs.",
        "",
        "Headline: `sprout new bench-app --stack S --yes` as a user types it, preflight and git included, "
        "against `cp -r` of its output + `git init`, `add`, `commit`. Then generation alone: "
        "`sprout new --no-git --no-preflight` against `cp -r`.",
        "",
        "| place | stack | options | files | size | **`sprout new`** | cp -r + git | **ratio** | sprout --no-git | cp -r | **ratio --no-git** | load |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        opts = "defaults" if r["combo"] == "default" else "heaviest: " + ", ".join(r["sets"])
        if r["stack"] in SYNTHETIC_SIZES:
            opts = f"{SYNTHETIC_SIZES[r['stack']]:,} generated templates, 12 expressions per 30 lines"
        lines.append(
            f"| {r['place']} | {r['stack']} | {opts} | {r['files']} | {r['bytes'] / 1024:.0f} KiB "
            f"| {r['sprout_git_ms']:.1f} ms | {r['cp_git_ms']:.1f} ms | {r['ratio_git']:.2f}× "
            f"| {r['sprout_ms']:.1f} ms | {r['cp_ms']:.1f} ms | {r['ratio']:.2f}× | {r['load']:.1f} |"
        )
    firsts = [r for r in rows if "first_ms" in r]
    if firsts:
        lines += [
            "",
            f"A first run of the {SYNTHETIC_SIZES[SYNTHETIC]:,} files (`--no-git`, the cache of parsed templates empty each time; "
            "median of up to 5) against the runs after it (above):",
            "",
            "| place | first run | later runs | cp -r | **ratio, first run** | load |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r['place']} | {r['first_ms']:.1f} ms | {r['sprout_ms']:.1f} ms | {r['cp_ms']:.1f} ms "
            f"| {r['first_ms'] / r['cp_ms']:.2f}× | {r['load']:.1f} |"
            for r in firsts
        ]
    counted = [r for r in rows if "ir_sprout" in r and r["place"] == rows[0]["place"]]
    if counted:
        lines += [
            "",
            "Instructions per run (callgrind; the git columns include every child process, and sprout's "
            "runs `--no-preflight`: a JVM under valgrind would take minutes):",
            "",
            "| stack | options | sprout --no-git | cp -r | **ratio** | sprout (git) | cp -r + git | **ratio git** |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in counted:
            lines.append(
                f"| {r['stack']} | {r['combo']} | {mi(r['ir_sprout'])} | {mi(r['ir_cp'])} | {r['ir_sprout'] / r['ir_cp']:.1f}× "
                f"| {mi(r['ir_sprout_git'])} | {mi(r['ir_cp_git'])} | {r['ir_sprout_git'] / r['ir_cp_git']:.2f}× |"
            )
    lines += [
        "",
        "Preflight (the toolchain probe, not part of the generation above), defaults, `--no-git`, tmpfs:",
        "",
        "| stack | with preflight | `--no-preflight` | preflight costs |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {stack} | {on:.1f} ms | {off:.1f} ms | {on - off:+.1f} ms |" for stack, on, off in probes]
    lines += ["", "| peak memory (`--no-git`, heaviest) | |", "|---|---:|"]
    lines += [f"| {stack} | {kib / 1024:.1f} MiB |" for stack, kib in peaks.items()]
    lines += ["", "| command that only prints | median | instructions |", "|---|---:|---:|"]
    lines += [f"| {name} | {ms:.1f} ms | {mi(ir)} |" for name, ms, ir in starts]
    # A binary given by --binary is named by its build's profile folder when it lies in one.
    kind = BINARY.parent.name if BINARY.parent.parent.name == "target" else "given by --binary"
    lines += ["", f"Binary ({kind}): {BINARY.stat().st_size / 1e6:.2f} MB."]
    return "\n".join(lines)


def git_head() -> str:
    out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def main() -> int:
    global BINARY, FIRST_RUNS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 runs, tmpfs only, no callgrind, debug binary")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--binary", type=Path, help="measure this sprout binary, built beforehand (no cargo build)")
    parser.add_argument(
        "--profile", default="release", help="cargo profile to build and measure (`profiling` is release with symbols)"
    )
    parser.add_argument("--no-callgrind", action="store_true", help="wall time only")
    parser.add_argument("--tmpfs-only", action="store_true", help="leave out the runs on disk (/var/tmp)")
    parser.add_argument("--write", action="store_true", help="write the results into docs/performance.md")
    args = parser.parse_args()
    runs = 2 if args.quick else args.runs
    FIRST_RUNS = 0 if args.quick else min(runs, FIRST_RUNS)
    count = not (args.quick or args.no_callgrind)
    if count and not ensure_valgrind():
        print("benchmark: valgrind is not available; wall time only", file=sys.stderr)
        count = False

    if args.binary:
        BINARY = args.binary.resolve()
    elif args.quick:
        # A smoke test: the debug binary `cargo test` has built, not a release build with LTO.
        BINARY = ROOT / "target" / "debug" / "sprout"
        subprocess.run(["cargo", "build", "--quiet"], cwd=ROOT, check=True)
    else:
        BINARY = ROOT / "target" / args.profile / "sprout"
        subprocess.run(["cargo", "build", "--profile", args.profile, "--quiet"], cwd=ROOT, check=True)
    synthetic = takes_templates()
    if not synthetic:
        print("benchmark: this sprout has no `new --template`: the synthetic stack is left out", file=sys.stderr)
    places = [("tmpfs", "/dev/shm" if os.path.isdir("/dev/shm") else None)]
    if not (args.quick or args.tmpfs_only):
        places.append(("disk", "/var/tmp"))  # not under the repository: sprout would not commit there
    rows: list[dict] = []
    for i, (place, parent) in enumerate(places):
        rows += bench_place(place, parent, runs, count and i == 0, synthetic)
    peaks = {}
    with tempfile.TemporaryDirectory(prefix="sprout-bench-") as tmp:
        for stack in stacks():
            sets = next(r["sets"] for r in rows if r["stack"] == stack and r["combo"] == "heaviest")
            peaks[stack] = peak_kib(sprout_new(stack, sets, Path(tmp) / stack, False))
        if synthetic:
            TEMPLATES[SYNTHETIC] = synthetic_stack(Path(tmp))
            ENV["SPROUT_CACHE_DIR"] = str(Path(tmp) / "cache")
            run(sprout_new(SYNTHETIC, [], Path(tmp) / "warm", False))
            peaks[SYNTHETIC] = peak_kib(sprout_new(SYNTHETIC, [], Path(tmp) / "out", False))
            ENV.pop("SPROUT_CACHE_DIR")
            TEMPLATES.clear()
    probes = preflight(1 if args.quick else runs)
    starts = startup(max(runs, 5), count)
    result = table(rows, starts, runs, peaks, probes)
    print(result)
    if args.write:
        doc = ROOT / "docs" / "performance.md"
        text = doc.read_text()
        begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        stamp = (
            f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
            f"{os.cpu_count()} cores, commit {git_head()}, by `python3 bench/compare.py --write`."
        )
        doc.write_text(f"{head}{begin}\n{stamp}\n\n{result}\n{end}{tail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
