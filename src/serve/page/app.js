// sprout serve: the page. Builds the form from GET /api/stacks/{key}, hides options whose
// `condition` does not hold (as the terminal skips them), asks /api/projects/preview for the file
// tree, the command and the server's verdict on every answer, and keeps the answers in the URL.
// While any answer is refused (by the server, or a share link's answer the form cannot hold) the
// project part of the page (command, share link, downloads, tree) is cleared and inert: the page
// never shows a project the form does not describe.
"use strict";

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else if (v === true) node.setAttribute(k, "");
    else if (v !== false && v != null) node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
};

const state = { picked: null, stack: null, options: [], files: [], selected: null, seq: 0, timer: 0, linkProblems: [] };
const initial = new URLSearchParams(location.search);

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json();
  return { ok: response.ok, body };
}

// ---- stacks -------------------------------------------------------------------------------

async function loadStacks() {
  const { ok, body } = await getJson("/api/stacks");
  const box = $("stacks");
  box.replaceChildren();
  if (!ok) {
    box.append(el("p", { class: "error", text: body.detail || "Cannot load the stacks" }));
    return;
  }
  for (const stack of body) {
    const id = `stack-${stack.key}`;
    const input = el("input", { type: "radio", name: "stack", id, value: stack.key });
    // Answers the stacks share (name, description, author, …) carry over to the next stack.
    input.addEventListener("change", () => chooseStack(stack.key, state.stack ? query() : null));
    box.append(el("label", { class: "card", for: id, "data-key": stack.key },
      input,
      el("span", { class: "card-head" },
        el("span", { class: "card-title", text: stack.title }),
        el("span", { class: "card-key", text: stack.key })),
      el("span", { class: "card-text", text: stack.description })));
  }
  const wanted = initial.get("stack");
  if (wanted && body.some((s) => s.key === wanted)) {
    $(`stack-${wanted}`).checked = true;
    await chooseStack(wanted, initial);
  } else if (wanted !== null) {
    const near = closest(wanted, body.map((s) => s.key));
    const problem = $("stack-problem");
    problem.replaceChildren(...markdown(wanted === ""
      ? "The link names no stack (`stack=` is empty): pick one above."
      : `The link asks for stack \`${wanted}\`, which this server does not offer${near ? ` (did you mean \`${near}\`?)` : ""}: pick one above.`));
    problem.hidden = false;
  }
}

// The known word nearest to `word` (at most a third of it changed), for "did you mean".
function closest(word, known) {
  const distance = (a, b) => {
    let row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) {
        next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      row = next;
    }
    return row[b.length];
  };
  let best = null;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const candidate of known) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

// Help texts use Markdown's backticks for code: `text` becomes <code>text</code>, the rest text.
function markdown(text) {
  return String(text).split("`").map((part, i) => (i % 2 ? el("code", { text: part }) : document.createTextNode(part)));
}

async function chooseStack(key, answers) {
  state.picked = key;
  $("stack-problem").hidden = true;
  const { ok, body } = await getJson(`/api/stacks/${encodeURIComponent(key)}`);
  if (state.picked !== key) return;
  if (!ok) {
    showStatus(body);
    showProject(null);
    return;
  }
  state.stack = body;
  state.options = body.options;
  showLinkProblems(answers === initial ? linkProblems(initial, body) : []);
  buildForm(answers);
  refresh();
}

// What a share link asks for that the form cannot hold: parameters it does not know, options the
// stack does not have, values that are not among an option's choices. Each is shown by name.
function linkProblems(params, stack) {
  const options = new Map(stack.options.map((o) => [o.key, o]));
  const problems = [];
  for (const [param, value] of params) {
    if (param === "stack" || param === "name") continue;
    const key = param.startsWith("set.") ? param.slice(4) : null;
    const option = key && key !== "name" ? options.get(key) : null;
    if (!option) {
      const near = closest(key ?? param, [...options.keys()].filter((k) => k !== "name"));
      problems.push(`\`${param}\`: ${key ? `${stack.title} has no option \`${key}\`` : "not a parameter of this page"}${near ? ` (did you mean \`set.${near}\`?)` : ""}`);
    } else if (option.type === "choice" && !option.choices.some((c) => c.toLowerCase() === value.toLowerCase())) {
      problems.push(`\`${param}=${value}\`: not a choice of ${option.prompt} (${option.choices.map((c) => `\`${c}\``).join(", ")})`);
    } else if (option.type === "bool" && !/^(true|false|yes|no|y|n|on|off|1|0)$/i.test(value)) {
      problems.push(`\`${param}=${value}\`: ${option.prompt} takes \`yes\` or \`no\``);
    }
  }
  return problems;
}

function showLinkProblems(problems) {
  state.linkProblems = problems;
  const box = $("link-problems");
  box.hidden = problems.length === 0;
  $("link-problems-text").textContent = problems.length === 1
    ? "The link you opened asks for an answer this form cannot hold; the form shows its default instead:"
    : "The link you opened asks for answers this form cannot hold; the form shows their defaults instead:";
  $("link-problems-list").replaceChildren(...problems.map((p) => el("li", {}, ...markdown(p))));
}

// ---- the form -----------------------------------------------------------------------------

function buildForm(answers) {
  const form = $("options");
  form.replaceChildren();
  for (const option of state.options) {
    const key = option.key === "name" ? "name" : `set.${option.key}`;
    const given = answers ? answers.get(key) : null;
    form.append(field(option, given));
  }
  form.oninput = schedule;
  form.onchange = schedule;
  applyConditions();
}

function field(option, given) {
  const id = `opt-${option.key}`;
  const help = el("p", { class: "help", id: `${id}-help` }, ...markdown(option.help));
  const error = el("p", { class: "error", id: `${id}-error`, hidden: true });
  const described = `${id}-help ${id}-error`;
  const wrap = el("div", { class: `field field-${option.type}`, "data-key": option.key });
  const fallback = option.default === null ? "" : option.default;
  const fits = option.type !== "choice" || given == null || option.choices.some((c) => c.toLowerCase() === given.toLowerCase());
  const value = fits ? given ?? fallback : fallback;

  if (option.type === "choice" && option.choices.length === 1) {
    // Nothing to choose: the answer is shown, not offered as a control.
    wrap.append(el("p", { class: "label", id }, `${option.prompt}: `, el("strong", { text: option.choices[0] })), help);
  } else if (option.type === "bool") {
    const known = given != null && /^(true|false|yes|no|y|n|on|off|1|0)$/i.test(given);
    const on = known ? /^(true|yes|y|on|1)$/i.test(given) : option.default === true;
    const input = el("input", { type: "checkbox", role: "switch", id, name: option.key, "aria-describedby": described, checked: on });
    wrap.append(el("label", { class: "switch", for: id }, input, el("span", { class: "track", "aria-hidden": "true" }), el("span", { text: option.prompt })), help, error);
  } else if (option.type === "choice" && option.choices.length <= 4) {
    const group = el("fieldset", { class: "segmented", "aria-describedby": described });
    group.append(el("legend", { text: option.prompt }));
    const row = el("div", { class: "segments" });
    option.choices.forEach((choice, i) => {
      const cid = `${id}-${i}`;
      const chosen = String(value).toLowerCase() === choice.toLowerCase();
      row.append(el("input", { type: "radio", id: cid, name: option.key, value: choice, checked: chosen }), el("label", { for: cid, text: choice }));
    });
    group.append(row);
    wrap.append(group, help, error);
  } else if (option.type === "choice") {
    const select = el("select", { id, name: option.key, "aria-describedby": described });
    for (const choice of option.choices) {
      select.append(el("option", { value: choice, text: choice, selected: String(value).toLowerCase() === choice.toLowerCase() }));
    }
    wrap.append(el("label", { for: id, text: option.prompt }), select, help, error);
  } else {
    const attrs = { id, name: option.key, maxlength: option.max_len, "aria-describedby": described, spellcheck: "false", autocomplete: "off", required: option.key === "name" };
    const input = option.multiline ? el("textarea", { ...attrs, rows: 3 }) : el("input", { ...attrs, type: "text" });
    input.value = value === "" && option.key === "name" && given == null ? "my-service" : value;
    if (option.rule) help.replaceChildren(...markdown(`${option.help}. Allowed: ${option.rule}`));
    wrap.append(el("label", { for: id, text: option.prompt }), input, help, error);
  }
  if (option.when) wrap.append(el("p", { class: "when", text: `Shown when ${option.when}` }));
  return wrap;
}

function rawValue(option) {
  const form = $("options");
  if (option.type === "choice" && option.choices.length === 1) return option.choices[0];
  if (option.type === "bool") return form.elements[option.key].checked;
  if (option.type === "choice" && option.choices.length <= 4) {
    const checked = form.querySelector(`input[name="${option.key}"]:checked`);
    return checked ? checked.value : option.default;
  }
  return form.elements[option.key].value;
}

// The answers in asking order; an option whose condition fails keeps its default, as in the CLI.
function answers() {
  const out = [];
  const seen = {};
  for (const option of state.options) {
    const applies = holds(option.condition, seen);
    const value = applies ? rawValue(option) : option.default;
    seen[option.key] = value;
    out.push({ option, value, applies });
  }
  return out;
}

function holds(condition, seen) {
  if (!condition) return true;
  return Object.entries(condition).every(([key, values]) => values.some((v) => v === seen[key]));
}

function applyConditions() {
  for (const { option, applies } of answers()) {
    const wrap = document.querySelector(`.field[data-key="${option.key}"]`);
    if (wrap) wrap.hidden = !applies;
  }
}

// ---- URL, command, preview ----------------------------------------------------------------

function query() {
  const params = new URLSearchParams();
  params.set("stack", state.stack.key);
  for (const { option, value, applies } of answers()) {
    if (!applies) continue;
    if (option.key === "name") params.set("name", value);
    else if (value !== option.default) params.set(`set.${option.key}`, typeof value === "boolean" ? (value ? "yes" : "no") : value);
  }
  return params;
}

function schedule() {
  applyConditions();
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, 200);
}

async function refresh() {
  if (!state.stack) return;
  applyConditions();
  const params = query();
  const search = `?${params}`;
  // The link's own answers stay in the address bar until they are dropped.
  if (state.linkProblems.length === 0) history.replaceState(null, "", search);
  const seq = ++state.seq;
  const { ok, body } = await getJson(`/api/projects/preview${search}`);
  if (seq !== state.seq) return;
  clearErrors();
  if (state.linkProblems.length > 0) {
    showStatus({ detail: "the link's answers listed under Options are not in the form" });
    showProject(null);
  } else if (!ok) {
    showStatus(body);
    showProject(null);
  } else {
    showStatus(null, body);
    showProject(params, body);
  }
}

// The project part of the page: filled from a preview, or cleared and inert while refused.
function showProject(params, preview) {
  const project = $("project");
  project.inert = !params;
  project.classList.toggle("refused", !params);
  $("command").value = params ? preview.command : "";
  $("share").value = params ? location.href : "";
  setDownloads(params);
  showTree(params ? preview.files : []);
}

function clearErrors() {
  for (const node of document.querySelectorAll(".field .error")) {
    node.hidden = true;
    node.textContent = "";
  }
  for (const node of document.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

function showStatus(problem, preview) {
  const status = $("status");
  status.replaceChildren();
  status.className = "status";
  if (problem) {
    const text = problem.hint ? `${problem.detail} — ${problem.hint}` : problem.detail;
    const wrap = problem.key && document.querySelector(`.field[data-key="${problem.key}"]:not([hidden])`);
    const target = wrap && wrap.querySelector(".error");
    status.classList.add("bad");
    status.append(el("strong", { text: "No project: " }));
    if (target) {
      // The reason is said once, beside its field; the status names the field and leads to it.
      target.replaceChildren(...markdown(text));
      target.hidden = false;
      const input = wrap.querySelector("[name]");
      if (input) input.setAttribute("aria-invalid", "true");
      const option = state.options.find((o) => o.key === problem.key);
      const go = el("a", { href: `#opt-${problem.key}`, text: option ? option.prompt : problem.key });
      go.addEventListener("click", (e) => {
        e.preventDefault();
        if (input) input.focus();
      });
      status.append(document.createTextNode("the answer to "), go, document.createTextNode(" is refused (see the form)."));
    } else {
      status.append(...markdown(text));
    }
  } else if (preview) {
    const bytes = preview.files.reduce((n, f) => n + f.size, 0);
    status.classList.add("good");
    status.textContent = `${preview.path} — ${preview.files.length} files, ${(bytes / 1024).toFixed(1)} KiB`;
  }
}

function setDownloads(params) {
  for (const [id, format] of [["download-zip", "zip"], ["download-tgz", "tgz"]]) {
    const link = $(id);
    if (params) {
      const p = new URLSearchParams(params);
      p.set("format", format);
      link.href = `/api/projects?${p}`;
      link.removeAttribute("aria-disabled");
      link.setAttribute("download", "");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
      link.removeAttribute("download");
    }
  }
}

// ---- file tree and viewer -----------------------------------------------------------------

function showTree(files) {
  state.files = files;
  $("file-count").textContent = files.length ? `(${files.length})` : "";
  const root = { dirs: new Map(), files: [] };
  for (const file of files) {
    const parts = file.path.split("/");
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      if (!node.dirs.has(dir)) node.dirs.set(dir, { dirs: new Map(), files: [] });
      node = node.dirs.get(dir);
    }
    node.files.push({ name: parts[parts.length - 1], file });
  }
  $("tree").replaceChildren(...branch(root));
  const keep = files.find((f) => f.path === state.selected) || files.find((f) => /^README/i.test(f.path)) || files[0];
  if (keep) {
    view(keep);
  } else {
    $("viewer-heading").textContent = "Preview";
    $("viewer").replaceChildren(el("code"));
    $("copy-file").hidden = true;
  }
}

function branch(node) {
  const items = [];
  for (const [name, child] of node.dirs) {
    const list = el("ul");
    list.append(...branch(child));
    items.push(el("li", { class: "dir" }, el("details", { open: true }, el("summary", { text: `${name}/` }), list)));
  }
  for (const { name, file } of node.files) {
    const exec = parseInt(file.mode, 8) & 0o111;
    const button = el("button", { type: "button", class: "file", "data-path": file.path, title: file.path },
      el("span", { text: name }), el("span", { class: "size", text: exec ? `${file.size} B · exec` : `${file.size} B` }));
    button.addEventListener("click", () => view(file));
    items.push(el("li", {}, button));
  }
  return items;
}

function view(file) {
  state.selected = file.path;
  for (const b of document.querySelectorAll("#tree .file")) {
    b.setAttribute("aria-current", String(b.dataset.path === file.path));
  }
  $("viewer-heading").textContent = file.path;
  $("copy-file").hidden = file.text == null;
  if (file.text == null) {
    $("viewer").replaceChildren(el("code", { text: `(${file.size} bytes; not shown here, it is in the download)` }));
  } else {
    const lang = language(file.path, file.text);
    $("viewer").replaceChildren(el("code", { class: lang ? `language-${lang}` : false }, ...highlight(file.path, file.text)));
  }
}

// ---- highlighting -------------------------------------------------------------------------
// Prism (assets/prism.js) tokenizes the file by its type; the tokens become spans whose text is
// set as textContent, never HTML. A file of another type, or too large, is shown as plain text.

const GRAMMARS = {
  py: "python", rb: "ruby", rake: "ruby", gemspec: "ruby", ru: "ruby", java: "java",
  js: "javascript", mjs: "javascript", cjs: "javascript", ts: "typescript", mts: "typescript",
  json: "json", yml: "yaml", yaml: "yaml", toml: "toml", sql: "sql", md: "markdown",
  xml: "markup", html: "markup", svg: "markup", sh: "bash", bash: "bash", properties: "properties",
  graphql: "graphql", gql: "graphql", ini: "ini", cfg: "ini", editorconfig: "ini", npmrc: "ini", env: "bash",
};
const NAMED = {
  dockerfile: "docker", gemfile: "ruby", rakefile: "ruby", mvnw: "bash", procfile: "bash", ".env.example": "bash",
};

// The grammar of a file, from its name, else from its first line's `#!`.
function language(path, text) {
  const name = path.split("/").pop().toLowerCase();
  const ext = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1) : null;
  const shebang = /^#!.*\b(bash|sh|ruby|python3?|node)\b/.exec(text);
  const key = NAMED[name] ?? (ext && GRAMMARS[ext]) ??
    (shebang && { bash: "bash", sh: "bash", ruby: "ruby", python: "python", python3: "python", node: "javascript" }[shebang[1]]);
  return key && window.Prism && Prism.languages[key] ? key : null;
}

function highlight(path, text) {
  const lang = language(path, text);
  if (!lang || text.length > 200000) return [document.createTextNode(text)];
  const nodes = (stream) => stream.map((token) => {
    if (typeof token === "string") return document.createTextNode(token);
    const content = Array.isArray(token.content) ? token.content : [token.content];
    const alias = [].concat(token.alias || []).join(" ");
    return el("span", { class: `token ${token.type} ${alias}`.trim() }, ...nodes(content));
  });
  return nodes(Prism.tokenize(text, Prism.languages[lang]));
}

// ---- copying ------------------------------------------------------------------------------

async function copy(text, button, select) {
  if (select) select();
  let done = false;
  try {
    await navigator.clipboard.writeText(text);
    done = true;
  } catch {
    done = Boolean(select && document.execCommand && document.execCommand("copy"));
  }
  const label = button.textContent;
  button.textContent = done ? "Copied" : "Select and copy";
  setTimeout(() => { button.textContent = label; }, 1500);
}

function copyInput(id, button) {
  copy($(id).value, button, () => $(id).select());
}

function copyFile(button) {
  const file = state.files.find((f) => f.path === state.selected);
  if (file && file.text != null) {
    copy(file.text, button, () => getSelection().selectAllChildren($("viewer")));
  }
}

// ---- theme --------------------------------------------------------------------------------

function setTheme(theme) {
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  try {
    if (theme === "light" || theme === "dark") localStorage.setItem("sprout-theme", theme);
    else localStorage.removeItem("sprout-theme");
  } catch {
    // Storage may be refused (private windows): the choice then lasts this page only.
  }
}

document.addEventListener("DOMContentLoaded", () => {
  let saved = null;
  try {
    saved = localStorage.getItem("sprout-theme");
  } catch {
    saved = null;
  }
  $("theme").value = saved === "light" || saved === "dark" ? saved : "auto";
  setTheme($("theme").value);
  $("theme").addEventListener("change", (e) => setTheme(e.currentTarget.value));
  $("copy-command").addEventListener("click", (e) => copyInput("command", e.currentTarget));
  $("copy-share").addEventListener("click", (e) => copyInput("share", e.currentTarget));
  $("copy-file").addEventListener("click", (e) => copyFile(e.currentTarget));
  $("link-problems-drop").addEventListener("click", () => {
    showLinkProblems([]);
    refresh();
  });
  showProject(null);
  loadStacks();
});
