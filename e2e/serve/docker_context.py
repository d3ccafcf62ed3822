#!/usr/bin/env python3
"""Builds sprout from exactly what the Dockerfile's build stage copies, without a Docker engine.

Reads the Dockerfile: the COPY lines of its first stage (sources relative to the build context,
destinations relative to WORKDIR) and the `cargo build` of its RUN line. Assembles a fresh folder
holding only those files (leaving out what .dockerignore excludes), then runs that cargo command
there. A file the build needs that the Dockerfile does not copy fails the build here as it would
in `docker build`.

The command runs as written except `--release`, which is left out unless --release is given:
which files a build reads does not depend on the profile, and a release build with LTO takes
many minutes on a small CI machine. The target folder (target/docker-context by default) keeps
the dependencies compiled between runs; the sources are copied anew every time.

Usage: python3 e2e/serve/docker_context.py [--release] [--keep] [--target-dir DIR]
"""

import argparse
import fnmatch
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def build_stage(dockerfile):
    """The first stage's WORKDIR, COPY pairs and RUN commands, line continuations joined."""
    text = dockerfile.read_text().replace("\\\n", " ")
    workdir, copies, runs, stages = "/", [], [], 0
    for line in text.splitlines():
        words = line.strip().split()
        if not words or words[0].startswith("#"):
            continue
        op = words[0].upper()
        if op == "FROM":
            stages += 1
            if stages > 1:
                break
        elif op == "WORKDIR":
            workdir = words[1]
        elif op == "COPY":
            args = [w for w in words[1:] if not w.startswith("--")]
            if any(w.startswith("--from") for w in words[1:]):
                continue
            *sources, dest = args
            copies.append((sources, dest))
        elif op == "RUN":
            runs.append(line.strip()[3:].strip())
    return workdir, copies, runs


def ignored(patterns):
    def check(rel):
        return any(fnmatch.fnmatch(rel, p.rstrip("/")) or rel.startswith(p.rstrip("/") + "/")
                   for p in patterns)
    return check


def assemble(context, workdir, copies, patterns):
    is_ignored = ignored(patterns)
    for sources, dest in copies:
        for source in sources:
            origin = REPO / source
            if not origin.exists():
                sys.exit(f"the Dockerfile copies {source}, which is not in the repository")
            target = Path(dest)
            if not target.is_absolute():
                target = Path(workdir) / target
            target = context / target.relative_to("/")
            if origin.is_dir():
                for path in sorted(origin.rglob("*")):
                    rel = path.relative_to(REPO).as_posix()
                    if path.is_file() and not is_ignored(rel):
                        out = target / path.relative_to(origin)
                        out.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, out)
            elif not is_ignored(source):
                out = target / origin.name if dest.endswith("/") else target
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="keep the command's --release")
    parser.add_argument("--keep", action="store_true", help="keep the assembled folder")
    parser.add_argument("--target-dir", default=str(REPO / "target" / "docker-context"))
    args = parser.parse_args()

    workdir, copies, runs = build_stage(REPO / "Dockerfile")
    build = next((r for r in runs if "cargo build" in r), None)
    if build is None:
        sys.exit("the Dockerfile's build stage runs no `cargo build`")
    command = shlex.split(build.split("&&")[0])
    if not args.release:
        command = [w for w in command if w != "--release"]
    dockerignore = REPO / ".dockerignore"
    patterns = [p.strip() for p in dockerignore.read_text().splitlines()
                if p.strip() and not p.startswith("#")] if dockerignore.exists() else []

    root = Path(tempfile.mkdtemp(prefix="sprout-docker-context-"))
    try:
        assemble(root, workdir, copies, patterns)
        src = root / Path(workdir).relative_to("/")
        files = sum(1 for p in src.rglob("*") if p.is_file())
        print(f"context: {files} files from {len(copies)} COPY lines in {src}", flush=True)
        print(f"$ {shlex.join(command)}", flush=True)
        env = dict(os.environ, CARGO_TARGET_DIR=args.target_dir)
        result = subprocess.run(command, cwd=src, env=env)
        if result.returncode != 0:
            sys.exit(f"the Dockerfile's build fails from what it copies (exit {result.returncode})")
        print("the Dockerfile's build succeeds from exactly what it copies")
    finally:
        if args.keep:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
