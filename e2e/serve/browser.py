#!/usr/bin/env python3
"""Browser test of `sprout serve` in headless Chromium through chromedriver (WebDriver).

For every stack: load the page, pick the stack, wait for the preview, take a screenshot into
target/serve-screens/. Then, per stack, flip an option that another option's condition depends on
and see that option appear or disappear, read the CLI command and run it, open the share link in
a fresh page and see the same form, download the .tar.gz from the page and check it holds what the
CLI wrote (only secret-bearing files may differ: those that differ between two downloads).

Usage: python3 e2e/serve/browser.py [--sprout target/debug/sprout] [--stack KEY] [--axe AXE.JS]
Needs chromium and chromedriver (e2e/setup/chromium.sh installs them) and axe-core
(e2e/setup/axe.sh).
"""

import argparse
import io
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webdriver import ENTER, TAB, Session, WebDriverError  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(sprout):
    proc = subprocess.Popen([sprout, "serve", "--listen", "127.0.0.1:0"],
                            stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 30
    while time.monotonic() < end:
        line = proc.stderr.readline()
        if "listening on http://" in line:
            return proc, line.strip().split("listening on ")[1]
        if not line and proc.poll() is not None:
            break
    proc.kill()
    sys.exit("sprout serve did not start")


def start_driver(chromedriver):
    port = free_port()
    proc = subprocess.Popen([chromedriver, f"--port={port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 30
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url + "/status", timeout=2) as r:
                if json.load(r)["value"].get("ready"):
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("chromedriver did not start")


def new_session(driver_url, chromium, downloads):
    session = Session(driver_url, {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--hide-scrollbars", "--force-device-scale-factor=1"],
            "prefs": {"download.default_directory": str(downloads),
                      "download.prompt_for_download": False},
        },
    })
    session.call("POST", "/chromium/send_command", {
        "cmd": "Page.setDownloadBehavior",
        "params": {"behavior": "allow", "downloadPath": str(downloads)}})
    return session


def api(base, path):
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return json.load(r) if r.headers.get_content_type().endswith("json") else r.read()


def form_state(s):
    """Every field: key, whether shown, and its value."""
    return s.script("""
        return [...document.querySelectorAll('#options .field')].map(f => {
          const key = f.dataset.key;
          const inputs = [...f.querySelectorAll('[name]')];
          let value;
          if (inputs.length === 0) value = f.querySelector('.label strong').textContent;
          else if (inputs[0].type === 'checkbox') value = inputs[0].checked;
          else if (inputs[0].type === 'radio') value = (inputs.find(i => i.checked) || {}).value;
          else value = inputs[0].value;
          return [key, !f.hidden, value];
        });""")


def wait_preview(s, stack):
    s.wait(f"the preview of {stack}", lambda: s.script(
        "const st = document.getElementById('status');"
        "return st.classList.contains('good') && document.querySelectorAll('#tree .file').length > 0"
        f" && new URLSearchParams(location.search).get('stack') === {json.dumps(stack)};"))


def assert_no_project(s, what):
    """No command, share link, downloads or tree: the project part is cleared and inert."""
    shown = s.script("""
        const project = document.getElementById('project');
        return {inert: project.inert,
                command: document.getElementById('command').value,
                share: document.getElementById('share').value,
                files: document.querySelectorAll('#tree .file').length,
                hrefs: ['download-zip', 'download-tgz'].map(id => document.getElementById(id).getAttribute('href')),
                good: document.getElementById('status').classList.contains('good')};""")
    assert shown == {"inert": True, "command": "", "share": "", "files": 0, "hrefs": [None, None],
                     "good": False}, (what, "a project is shown", shown)


def tab_stops(s, count=60):
    """The ids (or tag names) focus visits, pressing Tab `count` times from the skip link."""
    s.script("document.querySelector('.skip').focus();")
    stops = []
    for _ in range(count):
        s.keys(TAB)
        stops.append(s.script("const a = document.activeElement; return a.id || a.tagName;"))
    return stops


def set_control(s, option, value):
    """Give `option` (from the API) the value `value` through the page's own controls."""
    key = option["key"]
    if option["type"] == "bool":
        current = s.script(f"return document.getElementsByName({json.dumps(key)})[0].checked;")
        if current != value:
            s.find(f'label[for="opt-{key}"]').click()
    elif option["type"] == "choice" and len(option["choices"]) <= 4:
        index = option["choices"].index(value)
        s.find(f'label[for="opt-{key}-{index}"]').click()
    else:
        s.find(f"#opt-{key}").click()
        s.find(f'#opt-{key} option[value="{value}"]').click()


def tar_files(data):
    out = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                out[member.name.split("/", 1)[1]] = (member.mode & 0o777, tar.extractfile(member).read())
    return out


def disk_files(root):
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            out[path.relative_to(root).as_posix()] = (path.stat().st_mode & 0o777, path.read_bytes())
    return out


def check_stack(s, base, sprout, stack, screens, downloads, work):
    key = stack["key"]
    show = api(base, f"/api/stacks/{key}")
    s.get(base + "/")
    s.wait("the stack cards", lambda: s.find_all(".card"))
    s.find(f'label[for="stack-{key}"]').click()
    wait_preview(s, key)
    s.screenshot(screens / f"{key}.png")
    print(f"  {key}: page, preview and screenshot", flush=True)

    # An option another option's condition depends on: flip it and see the dependant appear or go.
    options = {o["key"]: o for o in show["options"]}
    dependant = next((o for o in show["options"] if o.get("condition")), None)
    if dependant:
        control_key, allowed = next(iter(dependant["condition"].items()))
        control = options[control_key]
        shown = dict((k, v) for k, v, _ in [(f[0], f[1], f[2]) for f in form_state(s)])
        values = [True, False] if control["type"] == "bool" else control["choices"]
        now = control["default"]
        other = next(v for v in values if (v in allowed) != (now in allowed))
        assert shown[dependant["key"]] == (now in allowed), (key, dependant["key"], "shown at first")
        set_control(s, control, other)
        s.wait(f"{dependant['key']} to be {'shown' if other in allowed else 'hidden'}",
               lambda: dict((f[0], f[1]) for f in form_state(s))[dependant["key"]] == (other in allowed))
        wait_preview(s, key)
        print(f"  {key}: `{dependant['key']}` follows `{control_key}` ({now} -> {other})", flush=True)
        # Leave the dependant shown, so the rest sees a non-default answer.
        if other not in allowed:
            set_control(s, control, now)
            s.wait("the dependant back", lambda: dict((f[0], f[1]) for f in form_state(s))[dependant["key"]])

    # A text answer typed into the page, and a refused one shown beside its field: no project is
    # shown while it is refused, and the reason is said once.
    s.find("#opt-name").clear()
    s.find("#opt-name").send_keys("Bad Name!")
    s.wait("the name to be refused", lambda: s.find("#opt-name-error").displayed()
           and s.find("#opt-name").prop("ariaInvalid") == "true")
    refusal = s.find("#opt-name-error").text()
    assert_no_project(s, key)
    status = s.find("#status").text()
    assert refusal not in status and "Project name" in status, (key, "said once", status, refusal)
    s.find("#opt-name").clear()
    s.find("#opt-name").send_keys("shop-api")
    s.wait("the preview after the name", lambda: "shop-api" in s.find("#command").prop("value"))
    wait_preview(s, key)
    print(f"  {key}: a bad name is refused in the page ({refusal[:60]}…)", flush=True)

    # Answers off their defaults: the author (the page asks for it; the command carries it), the
    # last value of the first choice, the first yes/no flipped.
    changed = []
    if "author" in options:
        s.find("#opt-author").clear()
        s.find("#opt-author").send_keys("Ada O'Hara <ada@example.com>")
        s.wait("the author in the command", lambda: "author=Ada O'Hara <ada@example.com>"
               in shlex.split(s.find("#command").prop("value")))
    choice = next((o for o in show["options"] if o["type"] == "choice" and not o.get("condition")), None)
    if choice and choice["choices"][-1] != choice["default"]:
        set_control(s, choice, choice["choices"][-1])
        changed.append(f"--set {choice['key']}={shlex.quote(choice['choices'][-1])}")
    flag = next((o for o in show["options"] if o["type"] == "bool" and not o.get("condition")), None)
    if flag:
        set_control(s, flag, not flag["default"])
        changed.append(f"--set {flag['key']}={'no' if flag['default'] else 'yes'}")
    s.wait(f"the command to hold {changed}",
           lambda: all(c in s.find("#command").prop("value") for c in changed))
    wait_preview(s, key)

    command = s.find("#command").prop("value")
    share = s.find("#share").prop("value")
    before = form_state(s)

    # The share link in a fresh page restores the same form.
    s.get("about:blank")
    s.get(share)
    wait_preview(s, key)
    after = form_state(s)
    assert after == before, (key, "share link", before, after)
    assert s.find("#command").prop("value") == command
    print(f"  {key}: the share link restores the form ({command})", flush=True)

    # The CLI command writes a project; the page's download holds the same files.
    words = shlex.split(command)
    assert words[:2] == ["sprout", "new"], command
    target = work / key
    # Without git configuration: the server has no `git config user.name` author default.
    quiet_git = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    subprocess.run([sprout, *words[1:], "--no-git", "-o", str(target)], check=True,
                   stdout=subprocess.DEVNULL, env=quiet_git)
    cli = disk_files(target / "shop-api")
    for leftover in downloads.iterdir():
        leftover.unlink()
    s.find("#download-tgz").click()
    archive = s.wait("the download", lambda: next(
        (p for p in downloads.iterdir() if p.name == "shop-api.tar.gz"), None), timeout=30)
    s.wait("the download to finish", lambda: not any(p.suffix == ".crdownload" for p in downloads.iterdir()))
    time.sleep(0.2)
    page = tar_files(archive.read_bytes())
    query = share.split("?", 1)[1]
    again = tar_files(api(base, f"/api/projects?{query}&format=tgz"))
    assert sorted(page) == sorted(cli) == sorted(again), (key, "file lists")
    secret_bearing = {p for p in page if page[p][1] != again[p][1]}
    differ = {p for p in page if page[p] != cli[p]}
    assert differ <= secret_bearing, (key, "differ from the CLI beyond secrets", differ - secret_bearing)
    assert all(page[p][0] == cli[p][0] for p in page), (key, "modes")
    print(f"  {key}: download = CLI output ({len(page)} files, "
          f"{len(secret_bearing)} with fresh secrets)", flush=True)


def check_link_problems(s, base, stacks):
    """A share link's unknown stack, option or value opens with a visible error naming it."""
    key = stacks[0]["key"]
    show = api(base, f"/api/stacks/{key}")
    choice = next(o for o in show["options"] if o["type"] == "choice")
    link = (f"/?stack={key}&name=shop&set.{choice['key']}=not-a-choice"
            f"&set.{choice['key'][:-1]}x=1&set.bogus=1")
    s.get(base + link)
    s.wait("the link's problems", lambda: s.find("#link-problems").displayed())
    text = s.find("#link-problems").text()
    for named in ("set.bogus", f"set.{choice['key']}=not-a-choice", f"set.{choice['key'][:-1]}x",
                  f"did you mean set.{choice['key']}"):
        assert named in text, (link, named, text)
    s.wait("the refusal", lambda: "bad" in s.find("#status").prop("className"))
    assert_no_project(s, link)
    assert "set.bogus=1" in s.script("return location.search;"), "the link's answers stay in the URL"
    s.find("#link-problems-drop").click()
    wait_preview(s, key)
    assert "bogus" not in s.script("return location.search;")
    assert not s.find("#link-problems").displayed()
    print(f"  {link}: every unknown option and value named, no project until they are dropped",
          flush=True)

    wrong = key[:-1]
    s.get(base + f"/?stack={wrong}")
    s.wait("the stack's problem", lambda: s.find("#stack-problem").displayed())
    text = s.find("#stack-problem").text()
    assert f"stack {wrong}," in text and f"did you mean {key}?" in text, text
    assert_no_project(s, wrong)
    print(f"  /?stack={wrong}: {text}", flush=True)


def check_keyboard(s, base, key, downloads):
    """Keyboard only: with no stack picked and with a refused answer, the tab stops skip the
    project and a disabled download takes no focus (Enter there does nothing); the good page's
    tab stops reach the downloads, and Enter on one downloads the project."""
    project = {"download-zip", "download-tgz", "command", "copy-command", "share", "copy-share",
               "copy-file", "viewer"}
    for url, ready in [("/", lambda: s.find_all(".card")),
                       (f"/?stack={key}&name=Bad%20Name", lambda: s.find("#opt-name-error").displayed())]:
        s.get(base + url)
        s.wait(f"{url} to settle", ready)
        stops = tab_stops(s)
        assert not project & set(stops), (url, "no project, yet focus reaches", project & set(stops))
        for leftover in downloads.iterdir():
            leftover.unlink()
        before = s.script("return location.href;")
        for link in ("download-zip", "download-tgz"):
            focused = s.script(f"const a = document.getElementById('{link}'); a.focus();"
                               " return [document.activeElement.id, a.hasAttribute('href')];")
            assert focused[0] != link and not focused[1], (url, link, "focusable", focused)
            s.keys(ENTER)
        time.sleep(1)
        assert s.script("return location.href;") == before, (url, "Enter on a disabled download left the page")
        assert not list(downloads.iterdir()), (url, "a disabled download downloaded")
    assert "opt-name" in stops, stops
    s.get(base + f"/?stack={key}&name=keyboard-app")
    wait_preview(s, key)
    stops = tab_stops(s, 150)
    assert "download-zip" in stops and "download-tgz" in stops, stops
    # The viewer takes focus, so the keyboard scrolls a long file; the copy button comes first.
    assert "copy-file" in stops and "viewer" in stops, stops
    stops = stops[:stops.index("viewer") + 1]
    s.script("document.querySelector('.skip').focus();")
    for _ in range(stops.index("download-zip") + 1):
        s.keys(TAB)
    assert s.script("return document.activeElement.id;") == "download-zip"
    for leftover in downloads.iterdir():
        leftover.unlink()
    s.keys(ENTER)
    s.wait("the download by keyboard", lambda: (downloads / "keyboard-app.zip").exists(), timeout=30)
    assert s.script("return location.pathname + location.hash;") == "/", "Enter left the page"
    print(f"  keyboard: {len(stops)} tab stops to the viewer; the refused project has none, its downloads take"
          " no focus and Enter there does nothing; Enter on a live one downloads",
          flush=True)


def check_polish(s, base, key, downloads):
    """Help text's backticks render as code; the viewer wraps, highlights and copies; the theme
    toggle overrides the system's scheme and is remembered."""
    s.get(base + f"/?stack={key}&name=polish-app")
    wait_preview(s, key)
    helps = s.script("return [...document.querySelectorAll('.help')].map(h => [h.textContent, h.querySelectorAll('code').length]);")
    assert not any("`" in text for text, _ in helps), helps
    assert any(codes for _, codes in helps), ("no help text shows code", helps)

    preview = api(base, f"/api/projects/preview?stack={key}&name=polish-app")
    texts = [f for f in preview["files"] if f["text"]]
    longest = max(texts, key=lambda f: max(len(line) for line in f["text"].splitlines() or [""]))
    s.find(f'#tree .file[data-path="{longest["path"]}"]').click()
    s.wait("the longest file", lambda: s.find("#viewer-heading").text() == longest["path"])
    fits = s.script("const v = document.getElementById('viewer'); return [v.scrollWidth, v.clientWidth];")
    assert fits[0] <= fits[1] + 1, ("the viewer scrolls sideways", longest["path"], fits)

    code = next(f for f in texts if f["path"].rsplit(".", 1)[-1] in ("py", "js", "ts", "rb", "java"))
    s.find(f'#tree .file[data-path="{code["path"]}"]').click()
    s.wait("the code file", lambda: s.find("#viewer-heading").text() == code["path"])
    kinds = s.script("return [...new Set([...document.querySelectorAll('#viewer .token')].flatMap(e => [...e.classList]))];")
    assert {"keyword", "string"} <= set(kinds), (code["path"], kinds)
    kinds = sorted(set(kinds) - {"token"})
    assert s.script("return document.getElementById('viewer').textContent;") == code["text"]
    s.script("window.copied = null; navigator.clipboard.writeText = async (t) => { window.copied = t; };")
    s.find("#copy-file").click()
    s.wait("the file copied", lambda: s.script("return window.copied;") == code["text"])
    print(f"  viewer: {longest['path']} wraps, {code['path']} has {sorted(kinds)}, copy gives its text",
          flush=True)

    body = "return getComputedStyle(document.body).backgroundColor;"
    light = s.script(body)
    s.find('#theme option[value="dark"]').click()
    s.wait("the dark theme", lambda: s.script(body) != light)
    dark = s.script(body)
    s.get(base + f"/?stack={key}&name=polish-app")
    wait_preview(s, key)
    assert s.script(body) == dark and s.find("#theme").prop("value") == "dark", "the theme is remembered"
    s.find('#theme option[value="auto"]').click()
    s.wait("the system's theme", lambda: s.script(body) == light)
    # On a system in the dark scheme: "As the system" is dark, and Light overrides it.
    scheme = lambda value: s.call("POST", "/chromium/send_command", {  # noqa: E731
        "cmd": "Emulation.setEmulatedMedia",
        "params": {"features": [{"name": "prefers-color-scheme", "value": value}]}})
    try:
        scheme("dark")
        s.wait("the system's dark scheme", lambda: s.script(body) == dark)
        s.find('#theme option[value="light"]').click()
        s.wait("the light theme over a dark system", lambda: s.script(body) == light)
        s.find('#theme option[value="auto"]').click()
        s.wait("the system's dark scheme again", lambda: s.script(body) == dark)
    finally:
        scheme("light")
    print(f"  theme: {light} / {dark}, remembered on reload; Light and Dark override the system's"
          " scheme either way", flush=True)


def axe_violations(s, axe):
    """axe-core's violations on the page as it is now (WCAG 2 A and AA and best practices)."""
    if not s.script("return typeof axe === 'object';"):
        s.script(axe + "\n;return 0;")
    result = s.script_async("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']})
          .then(r => done(r.violations.map(v => [v.id, v.nodes.map(n => n.target.join(' '))])),
                e => done([['axe failed', [String(e)]]]));""")
    return result


def check_accessibility(s, base, key, axe):
    """axe-core finds nothing in each state of the page: no stack, a project with a file open
    (light, dark, phone), a refused answer, a share link's problems."""
    def project(scheme, width, height):
        def prepare():
            s.call("POST", "/chromium/send_command", {
                "cmd": "Emulation.setEmulatedMedia",
                "params": {"features": [{"name": "prefers-color-scheme", "value": scheme}]}})
            s.window_size(width, height)
            s.get(base + f"/?stack={key}&name=shop-api")
            wait_preview(s, key)
        return prepare

    def at(url, ready):
        def prepare():
            s.get(base + url)
            s.wait(f"{url} to settle", ready)
        return prepare

    states = [
        ("no stack", at("/", lambda: s.find_all(".card"))),
        ("project, light", project("light", 1280, 1000)),
        ("project, dark", project("dark", 1280, 1000)),
        ("project, phone", project("light", 390, 844)),
        ("refused answer", at(f"/?stack={key}&name=Bad%20Name", lambda: s.find("#opt-name-error").displayed())),
        ("share link's problems", at(f"/?stack={key}&name=shop&set.bogus=1", lambda: s.find("#link-problems").displayed())),
    ]
    found = {}
    try:
        for name, prepare in states:
            prepare()
            violations = axe_violations(s, axe)
            if violations:
                found[name] = violations
    finally:
        s.call("POST", "/chromium/send_command", {"cmd": "Emulation.setEmulatedMedia", "params": {"features": []}})
        s.window_size(1280, 1000)
    assert not found, ("axe-core violations", found)
    print(f"  axe-core: 0 violations in {len(states)} states ({'; '.join(n for n, _ in states)})", flush=True)


# The grammar each file type must be highlighted with (by extension, or by the whole name).
GRAMMARS = {".py": "python", ".rb": "ruby", ".java": "java", ".js": "javascript", ".mjs": "javascript",
            ".ts": "typescript", ".json": "json", ".yml": "yaml", ".yaml": "yaml", ".toml": "toml",
            ".sql": "sql", ".md": "markdown", ".xml": "markup", ".properties": "properties",
            ".graphql": "graphql", ".sh": "bash", "Dockerfile": "docker", "Gemfile": "ruby",
            "Rakefile": "ruby", "mvnw": "bash"}


def variants(base, stack):
    """The stack's defaults, and every yes/no option on with every choice at its last value (the
    files the defaults leave out: TypeScript, PostgreSQL's SQL, Dockerfiles)."""
    options = api(base, f"/api/stacks/{stack['key']}")["options"]
    other = "".join(f"&set.{o['key']}=yes" if o["type"] == "bool" else
                    f"&set.{o['key']}={urllib.parse.quote(o['choices'][-1])}"
                    for o in options if o["type"] in ("bool", "choice") and not o.get("condition"))
    return ["", other]


def check_highlighting(s, base, stacks):
    """Every text file of every stack, as the viewer shows it: the text is exactly the file's, and
    each file type the stacks write gets its own grammar's tokens."""
    s.get(base + "/")
    s.wait("the stack cards", lambda: s.find_all(".card"))
    by_language = {}
    plain = set()
    for stack, query in [(stack, query) for stack in stacks for query in variants(base, stack)]:
        preview = api(base, f"/api/projects/preview?stack={stack['key']}&name=shown-app{query}")
        files = [[f["path"], f["text"]] for f in preview["files"] if f["text"] is not None]
        shown = s.script("""
            return arguments[0].map(([path, text]) => {
              const code = el("code", {}, ...highlight(path, text));
              return [language(path, text), code.textContent === text, code.querySelectorAll('.token').length];
            });""", files)
        for (path, text), (lang, same, tokens) in zip(files, shown):
            assert same, (stack["key"], path, "the viewer changed the text")
            name = path.rsplit("/", 1)[-1]
            want = GRAMMARS.get(name) or GRAMMARS.get("." + name.rsplit(".", 1)[-1] if "." in name else "")
            if want:
                assert lang == want and (tokens or not text.strip()), (stack["key"], path, want, lang, tokens)
            if lang:
                by_language[lang] = by_language.get(lang, 0) + 1
            else:
                plain.add(name)
    assert set(GRAMMARS.values()) <= set(by_language), ("no file of these types", set(GRAMMARS.values()) - set(by_language))
    print(f"  highlighted: {dict(sorted(by_language.items()))}; plain text: {sorted(plain)}", flush=True)


# No embedded stack has an option with a condition today; the page's own code is checked with a
# manifest that has two (a choice and a yes/no one controls them), in the real browser.
SYNTHETIC = [
    {"key": "database", "type": "choice", "prompt": "Database", "help": "Where data lives",
     "choices": ["none", "sqlite", "postgres"], "default": "none"},
    {"key": "pool_size", "type": "text", "prompt": "Pool size", "help": "Connections",
     "default": "10", "max_len": 4, "multiline": False,
     "when": "database is postgres", "condition": {"database": ["postgres"]}},
    {"key": "docker", "type": "bool", "prompt": "Dockerfile", "help": "A container image",
     "default": True},
    {"key": "registry", "type": "text", "prompt": "Registry", "help": "Where images go",
     "default": "ghcr.io", "max_len": 100, "multiline": False,
     "when": "docker is yes and database is sqlite or postgres",
     "condition": {"docker": [True], "database": ["sqlite", "postgres"]}},
    {"key": "region", "type": "choice", "prompt": "Region", "help": "The only one there is",
     "choices": ["eu-west"], "default": "eu-west"},
]


def hidden_under_the_bar(s, count=80):
    """The focus stops (by id, a file's path or tag name) whose top lies under the fixed download
    bar once focus has moved to them, pressing Tab `count` times from the skip link."""
    s.script("document.querySelector('.skip').focus();")
    hidden = []
    for _ in range(count):
        s.keys(TAB)
        name = s.script("""
            const a = document.activeElement;
            const bar = document.querySelector('.downloads');
            if (bar.contains(a) || getComputedStyle(bar).position !== 'fixed') return null;
            const top = a.getBoundingClientRect().top;
            return top >= bar.getBoundingClientRect().top ? (a.id || a.dataset.path || a.tagName) : null;""")
        if name and name not in hidden:
            hidden.append(name)
    return hidden


def check_conditions(s, base):
    s.get(base + "/")
    s.wait("the stack cards", lambda: s.find_all(".card"))
    s.script("state.stack = {key: 'conditions'}; state.options = arguments[0]; buildForm(null);",
             SYNTHETIC)
    options = {o["key"]: o for o in SYNTHETIC}
    shown = lambda: {k: v for k, v, _ in form_state(s)}  # noqa: E731
    steps = [
        ({}, {"pool_size": False, "registry": False}),
        ({"database": "postgres"}, {"pool_size": True, "registry": True}),
        ({"docker": False}, {"pool_size": True, "registry": False}),
        ({"database": "sqlite"}, {"pool_size": False, "registry": False}),
        ({"docker": True}, {"pool_size": False, "registry": True}),
        ({"database": "none"}, {"pool_size": False, "registry": False}),
    ]
    for changes, expected in steps:
        for key, value in changes.items():
            set_control(s, options[key], value)
        s.wait(f"after {changes}: {expected}",
               lambda: all(shown()[k] == v for k, v in expected.items()))
        for key, visible in expected.items():
            assert s.find(f'.field[data-key="{key}"]').displayed() == visible, (changes, key)
    print("  options appear and disappear as their conditions hold (6 steps)", flush=True)
    region = s.find('.field[data-key="region"]')
    assert not s.find_all('.field[data-key="region"] [name]'), "a one-choice option got a control"
    assert "eu-west" in region.text(), region.text()
    assert s.script("return answers().find(a => a.option.key === 'region').value;") == "eu-west"
    print("  a one-choice option is shown, with no control", flush=True)


def docs_screens(s, base, key, screens):
    """docs/serve.md's screenshots: the page with a source file open, at desktop and phone sizes,
    in the light and the dark scheme; the dark phone one scrolled to the viewer (docs/serve.md
    says how they are made small)."""
    preview = api(base, f"/api/projects/preview?stack={key}&name=shop-api")
    sources = [f["path"] for f in preview["files"]
               if f["text"] and f["path"].rsplit(".", 1)[-1] in ("py", "js", "rb", "java") and "test" not in f["path"]]
    source = next((p for p in sources if re.search(r"(views|app|routes|server)\.", p)), sources[0])
    for scheme in ("light", "dark"):
        s.call("POST", "/chromium/send_command", {
            "cmd": "Emulation.setEmulatedMedia",
            "params": {"features": [{"name": "prefers-color-scheme", "value": scheme}]}})
        for size, (width, height) in [("desktop", (1280, 1000)), ("phone", (390, 844))]:
            s.window_size(width, height)
            s.get(base + f"/?stack={key}&name=shop-api")
            wait_preview(s, key)
            # At this scroll position the file's button may lie under the phone's download bar (a
            # user scrolls it out first): the file is opened by script.
            s.script("document.querySelector(`#tree .file[data-path='${arguments[0]}']`).click();", source)
            s.wait("the source file", lambda: s.find("#viewer-heading").text() == source)
            if size == "phone" and scheme == "dark":
                s.script("document.getElementById('viewer-heading').scrollIntoView();")
            s.screenshot(screens / f"docs-{size}-{scheme}.png")
    s.call("POST", "/chromium/send_command", {"cmd": "Emulation.setEmulatedMedia", "params": {"features": []}})
    s.window_size(1280, 1000)
    print(f"  docs-{{desktop,phone}}-{{light,dark}}.png: {key}, {source} open", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sprout", default=str(REPO / "target" / "debug" / "sprout"))
    parser.add_argument("--stack", action="append", help="only these stacks")
    parser.add_argument("--screens", default=str(REPO / "target" / "serve-screens"))
    parser.add_argument("--axe", help="axe.min.js (e2e/setup/axe.sh installs it and prints its path)")
    args = parser.parse_args()
    axe_path = Path(args.axe) if args.axe else max(REPO.glob("e2e/.cache/axe-*/node_modules/axe-core/axe.min.js"), default=None)
    if not axe_path or not axe_path.is_file():
        sys.exit("axe-core is needed: run e2e/setup/axe.sh")
    axe = axe_path.read_text()

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        sys.exit("chromium and chromedriver are needed: run e2e/setup/chromium.sh")
    screens = Path(args.screens)
    screens.mkdir(parents=True, exist_ok=True)
    for old in screens.glob("*.png"):
        old.unlink()
    work = Path(tempfile.mkdtemp(prefix="sprout-browser-"))
    downloads = work / "downloads"
    downloads.mkdir()

    server, base = start_server(args.sprout)
    driver, driver_url = start_driver(chromedriver)
    session = None
    failed = []
    try:
        session = new_session(driver_url, chromium, downloads)
        stacks = api(base, "/api/stacks")
        print("conditions", flush=True)
        try:
            check_conditions(session, base)
        except (AssertionError, WebDriverError) as error:
            failed.append("conditions")
            print(f"  FAILED: {error!r}", flush=True)
        for stack in stacks:
            if args.stack and stack["key"] not in args.stack:
                continue
            print(f"{stack['key']}", flush=True)
            try:
                check_stack(session, base, args.sprout, stack, screens, downloads, work)
            except (AssertionError, WebDriverError, subprocess.CalledProcessError) as error:
                failed.append(stack["key"])
                session.screenshot(screens / f"{stack['key']}-failed.png")
                print(f"  FAILED: {error!r}", flush=True)
        for name, check in [("share links", lambda: check_link_problems(session, base, stacks)),
                            ("keyboard", lambda: check_keyboard(session, base, stacks[0]["key"], downloads)),
                            ("polish", lambda: check_polish(session, base, stacks[0]["key"], downloads)),
                            ("highlighting", lambda: check_highlighting(session, base, stacks)),
                            ("accessibility", lambda: check_accessibility(session, base, stacks[0]["key"], axe))]:
            print(name, flush=True)
            try:
                check()
            except (AssertionError, WebDriverError, StopIteration, ValueError) as error:
                failed.append(name)
                session.screenshot(screens / f"{name.replace(' ', '-')}-failed.png")
                print(f"  FAILED: {error!r}", flush=True)
        print("screenshots for docs/serve.md", flush=True)
        try:
            docs_screens(session, base, next((s["key"] for s in stacks if s["key"] == "django"),
                                             stacks[0]["key"]), screens)
        except (AssertionError, WebDriverError, StopIteration) as error:
            failed.append("docs screenshots")
            print(f"  FAILED: {error!r}", flush=True)
        # The page on a phone: the downloads are on the first screen.
        session.window_size(390, 844)
        session.get(base + f"/?stack={stacks[0]['key']}&name=phone-app")
        wait_preview(session, stacks[0]["key"])
        session.screenshot(screens / "phone.png")
        reach = session.script("""
            const a = document.getElementById('download-zip').getBoundingClientRect();
            const top = document.elementFromPoint(a.left + a.width / 2, a.top + a.height / 2);
            return [a.top >= 0 && a.bottom <= innerHeight, top && top.id];""")
        print(f"phone: Download .zip on the first screen: {reach}", flush=True)
        if reach != [True, "download-zip"]:
            failed.append("phone")
        # Tabbing through the page, no focused control is hidden under the download bar.
        hidden = hidden_under_the_bar(session)
        print(f"phone: focused controls hidden under the download bar: {hidden}", flush=True)
        if hidden:
            failed.append("phone focus")
        session.script("document.getElementById('options-heading').scrollIntoView();")
        session.screenshot(screens / "phone-form.png")
        session.window_size(1280, 1000)
        # The dark colour scheme, with a refused answer shown.
        session.call("POST", "/chromium/send_command", {
            "cmd": "Emulation.setEmulatedMedia",
            "params": {"features": [{"name": "prefers-color-scheme", "value": "dark"}]}})
        session.get(base + f"/?stack={stacks[0]['key']}&name=Bad%20Name")
        session.wait("the refusal", lambda: session.find("#opt-name-error").displayed())
        session.screenshot(screens / "dark-refused.png")
    finally:
        if session:
            session.quit()
        driver.terminate()
        server.terminate()
        driver.wait(10)
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    print(f"screenshots: {screens}")
    if failed:
        sys.exit(f"browser test failed for: {', '.join(failed)}")
    print("browser test passed")


if __name__ == "__main__":
    main()
