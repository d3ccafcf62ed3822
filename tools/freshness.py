#!/usr/bin/env python3
"""How fresh are the built-in stacks' pins? For maintainers, not CI (CI must not depend on what
"latest" means today).

It generates a project for each answer set below with the sprout under test, reads the pins of
each generated manifest (package.json, requirements*.txt, pom.xml, Gemfile, the Maven wrapper),
asks each package's registry for its newest release, and prints one row per pin: stack, package,
pinned, latest, gap (current, patch, minor, major, or unknown when the registry cannot be
reached or the pin is not a version).

  python3 tools/freshness.py [--binary target/debug/sprout] [--markdown] [--stack S]
  python3 tools/freshness.py --bump [--stack S]   # also: each project with every pin moved to
                                                  # the latest, then `sprout verify` on it

Registries: npm (registry.npmjs.org), PyPI (pypi.org), Maven Central (repo1.maven.org);
RubyGems is asked too and reported as unknown when it cannot be reached. docs/freshness.md
holds the table of the last run and how to read it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Answer sets that, together, reach every pin of every stack (each option value that adds or
# changes a dependency).
PROJECTS: dict[str, list[list[str]]] = {
    "express": [["language=typescript", "database=postgres", "auth=token"], ["database=sqlite"]],
    "node": [["language=typescript", "database=postgres", "auth=token"]],
    "graphql": [
        ["server=yoga", "language=typescript", "database=postgres", "auth=token"],
        ["server=apollo", "language=typescript", "database=sqlite"],
    ],
    "flask": [["packaging=pip", "database=postgres", "auth=token"]],
    "django": [["packaging=pip", "database=postgres", "api=drf", "auth=token"], ["packaging=pip", "version=5.2"]],
    "rails": [["rails=8.1", "database=postgres", "auth=token"], ["rails=7.2", "database=sqlite"]],
    "spring-boot": [["boot=4.2", "java=21", "database=postgres", "auth=token"], ["boot=4.1", "java=17", "database=h2"]],
}

TIMEOUT = 20


@dataclass(frozen=True)
class Pin:
    stack: str
    ecosystem: str  # npm, pypi, maven, rubygems
    package: str  # npm/pypi/gem name, or group:artifact
    pinned: str  # the version as written (without ^, ~=, ~>)
    file: str


# ---- reading pins ----

VERSION = re.compile(r"\d+(\.\d+)*")


def bare(spec: str) -> str | None:
    match = VERSION.search(spec)
    return match.group(0) if match else None


def npm_pins(stack: str, path: Path) -> list[Pin]:
    data = json.loads(path.read_text())
    pins = []
    for section in ("dependencies", "devDependencies", "overrides"):
        for name, spec in (data.get(section) or {}).items():
            if isinstance(spec, str) and (version := bare(spec)):
                pins.append(Pin(stack, "npm", name, version, path.name))
    return pins


def python_pins(stack: str, path: Path) -> list[Pin]:
    pins = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.match(r"([A-Za-z0-9_.\-\[\]]+)\s*(~=|==|>=)\s*([0-9][0-9.]*)", line)
        if match:
            name = re.sub(r"\[.*\]", "", match.group(1))
            pins.append(Pin(stack, "pypi", name, match.group(3), path.name))
    return pins


def gem_pins(stack: str, path: Path) -> list[Pin]:
    pins = []
    for line in path.read_text().splitlines():
        match = re.match(r'\s*gem\s+"([^"]+)"\s*,\s*"[~>=<\s]*([0-9][0-9.]*)"', line)
        if match:
            pins.append(Pin(stack, "rubygems", match.group(1), match.group(2), path.name))
    return pins


def maven_pins(stack: str, path: Path) -> list[Pin]:
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    root = ET.parse(path).getroot()
    properties = {el.tag.split("}")[1]: (el.text or "").strip() for el in root.findall("m:properties/*", ns)}
    pins = []

    def add(el: ET.Element) -> None:
        group = el.findtext("m:groupId", default="org.apache.maven.plugins", namespaces=ns)
        artifact = el.findtext("m:artifactId", namespaces=ns)
        version = el.findtext("m:version", namespaces=ns)
        if not artifact or not version:
            return
        version = re.sub(r"\$\{([^}]+)\}", lambda m: properties.get(m.group(1), m.group(0)), version.strip())
        if bare(version) == version:
            pins.append(Pin(stack, "maven", f"{group}:{artifact}", version, path.name))

    parent = root.find("m:parent", ns)
    if parent is not None:
        add(parent)
    for el in root.iter("{http://maven.apache.org/POM/4.0.0}dependency"):
        add(el)
    for el in root.iter("{http://maven.apache.org/POM/4.0.0}plugin"):
        add(el)
    # Versions given as properties of tools a plugin runs (checkstyle.version and the like).
    for key, value in properties.items():
        if key == "checkstyle.version" and bare(value) == value:
            pins.append(Pin(stack, "maven", "com.puppycrawl.tools:checkstyle", value, path.name))
    return pins


def wrapper_pins(stack: str, path: Path) -> list[Pin]:
    pins = []
    for line in path.read_text().splitlines():
        match = re.search(r"org/apache/maven/(apache-maven|wrapper/maven-wrapper)/([0-9.]+)/", line)
        if match:
            name = "org.apache.maven:apache-maven" if match.group(1) == "apache-maven" else "org.apache.maven.wrapper:maven-wrapper"
            pins.append(Pin(stack, "maven", name, match.group(2), path.name))
    return pins


def pins_of(stack: str, project: Path) -> list[Pin]:
    pins: list[Pin] = []
    readers = {
        "package.json": npm_pins,
        "requirements.txt": python_pins,
        "requirements-dev.txt": python_pins,
        "Gemfile": gem_pins,
        "pom.xml": maven_pins,
        "maven-wrapper.properties": wrapper_pins,
    }
    for path in sorted(project.rglob("*")):
        if path.name in readers and "node_modules" not in path.parts:
            pins += readers[path.name](stack, path)
    return pins


# ---- asking the registries ----


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "sprout-freshness"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.read()


def latest(ecosystem: str, package: str) -> str | None:
    try:
        if ecosystem == "npm":
            return json.loads(fetch(f"https://registry.npmjs.org/{package.replace('/', '%2F')}/latest"))["version"]
        if ecosystem == "pypi":
            return json.loads(fetch(f"https://pypi.org/pypi/{package}/json"))["info"]["version"]
        if ecosystem == "rubygems":
            return json.loads(fetch(f"https://rubygems.org/api/v1/versions/{package}/latest.json"))["version"]
        if ecosystem == "maven":
            group, artifact = package.split(":")
            url = f"https://repo1.maven.org/maven2/{group.replace('.', '/')}/{artifact}/maven-metadata.xml"
            root = ET.fromstring(fetch(url))
            versions = [v.text or "" for v in root.findall("versioning/versions/version")]
            stable = [v for v in versions if re.fullmatch(r"[0-9][0-9.]*", v)]
            return max(stable, key=key_of) if stable else root.findtext("versioning/release")
    except (urllib.error.URLError, TimeoutError, KeyError, ValueError, ET.ParseError, OSError):
        return None
    return None


def key_of(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


def gap(pinned: str, newest: str | None) -> str:
    if newest is None or not re.fullmatch(r"[0-9][0-9.]*", newest):
        return "unknown"
    a, b = key_of(pinned), key_of(newest)
    a += (0,) * (3 - len(a))
    b += (0,) * (3 - len(b))
    if a >= b:
        return "current"
    if a[0] != b[0]:
        return "major"
    if a[1] != b[1]:
        return "minor"
    return "patch"


# ---- bumping ----


def bump(project: Path, newest: dict[tuple[str, str], str]) -> int:
    """Rewrite each pin of the project's manifests to its latest release; the count changed."""
    changed = 0
    for path in project.rglob("*"):
        if "node_modules" in path.parts or not path.is_file():
            continue
        if path.name == "package.json":
            data = json.loads(path.read_text())
            for section in ("dependencies", "devDependencies", "overrides"):
                for name, spec in (data.get(section) or {}).items():
                    if isinstance(spec, str) and (v := newest.get(("npm", name))) and bare(spec) != v:
                        prefix = re.match(r"[\^~>=<]*", spec).group(0)
                        data[section][name] = prefix + v
                        changed += 1
            path.write_text(json.dumps(data, indent=2) + "\n")
        elif path.name in ("requirements.txt", "requirements-dev.txt"):
            def moved(m: re.Match) -> str:
                nonlocal changed
                v = newest.get(("pypi", re.sub(r"\[.*\]", "", m.group(1))))
                if not v or v == m.group(3):
                    return m.group(0)
                changed += 1
                return f"{m.group(1)}{m.group(2)}{v}"

            path.write_text(re.sub(r"^([A-Za-z0-9_.\-\[\]]+)\s*(~=|==|>=)\s*([0-9][0-9.]*)", moved, path.read_text(), flags=re.M))
    return changed


def verify(binary: Path, project: Path) -> tuple[bool, str]:
    proc = subprocess.run([str(binary), "verify", str(project), "--json"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    try:
        report = json.loads(proc.stdout)
        steps = ", ".join(f"{s['name']} {'ok' if s['ok'] else 'FAILED'}" for s in report["steps"])
        for step in report["steps"]:
            if not step["ok"] and Path(step.get("log", "")).is_file():
                tail = Path(step["log"]).read_text(errors="replace").strip().splitlines()[-12:]
                steps += "\n    " + "\n    ".join(tail)
    except (json.JSONDecodeError, KeyError):
        steps = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
    return proc.returncode == 0, steps


# ---- main ----


def generate(binary: Path, stack: str, answers: list[str], into: Path, index: int) -> Path:
    name = f"fresh-{stack}-{index}"
    argv = [str(binary), "new", name, "--stack", stack, "--yes", "--no-git", "--no-preflight", "-o", str(into)]
    for answer in answers:
        argv += ["--set", answer]
    subprocess.run(argv, check=True, capture_output=True, stdin=subprocess.DEVNULL)
    return into / name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=ROOT / "target" / "debug" / "sprout")
    parser.add_argument("--stack", action="append", help="only this stack (repeatable)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--bump", action="store_true", help="also move every pin to latest and run sprout verify")
    args = parser.parse_args()
    if not args.binary.exists():
        print(f"freshness: no sprout at {args.binary} (cargo build, or --binary)", file=sys.stderr)
        return 2
    stacks = args.stack or list(PROJECTS)
    with tempfile.TemporaryDirectory(prefix="sprout-freshness-") as tmp:
        projects: list[tuple[str, Path]] = []
        for stack in stacks:
            for i, answers in enumerate(PROJECTS[stack]):
                projects.append((stack, generate(args.binary, stack, answers, Path(tmp), i)))
        pins = sorted({pin for stack, project in projects for pin in pins_of(stack, project)}, key=lambda p: (p.stack, p.ecosystem, p.package, key_of(p.pinned)))
        wanted = sorted({(p.ecosystem, p.package) for p in pins})
        with ThreadPoolExecutor(max_workers=8) as pool:
            newest = dict(zip(wanted, pool.map(lambda w: latest(*w), wanted)))
        rows = [(p.stack, p.ecosystem, p.package, p.pinned, newest.get((p.ecosystem, p.package)) or "?", gap(p.pinned, newest.get((p.ecosystem, p.package)))) for p in pins]
        header = ("stack", "registry", "package", "pinned", "latest", "gap")
        if args.markdown:
            print("| " + " | ".join(header) + " |")
            print("|" + "---|" * len(header))
            for row in rows:
                print("| " + " | ".join(row) + " |")
        else:
            widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
            for row in [header] + rows:
                print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
        counts: dict[str, int] = {}
        for row in rows:
            counts[row[5]] = counts.get(row[5], 0) + 1
        print("\n" + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + f" of {len(rows)} pins", file=sys.stderr)
        if not args.bump:
            return 0
        failed = 0
        for stack, project in projects:
            found = {k: v for k, v in newest.items() if v}
            changed = bump(project, found)
            ok, steps = verify(args.binary, project)
            failed += not ok
            print(f"bumped {project.name} ({stack}): {changed} pins moved; verify: {'ok' if ok else 'FAILED'} ({steps})")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
