// sprout serve: the page. Builds the form from GET /api/stacks/{key}, hides options whose
// `condition` does not hold (as the terminal skips them), asks /api/projects/preview for the file
// tree, the command and the server's verdict on every answer, and keeps the answers in the URL.
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

const state = { picked: null, stack: null, options: [], files: [], selected: null, seq: 0, timer: 0 };
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
  }
}

async function chooseStack(key, answers) {
  state.picked = key;
  const { ok, body } = await getJson(`/api/stacks/${encodeURIComponent(key)}`);
  if (state.picked !== key) return;
  if (!ok) {
    showStatus(body);
    return;
  }
  state.stack = body;
  state.options = body.options;
  buildForm(answers);
  refresh();
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
  const help = el("p", { class: "help", id: `${id}-help`, text: option.help });
  const error = el("p", { class: "error", id: `${id}-error`, hidden: true });
  const described = `${id}-help ${id}-error`;
  const wrap = el("div", { class: `field field-${option.type}`, "data-key": option.key });
  const value = given ?? (option.default === null ? "" : option.default);

  if (option.type === "bool") {
    const on = given != null ? /^(true|yes|y|on|1)$/i.test(given) : option.default === true;
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
    if (option.rule) help.textContent = `${option.help}. Allowed: ${option.rule}`;
    wrap.append(el("label", { for: id, text: option.prompt }), input, help, error);
  }
  if (option.when) wrap.append(el("p", { class: "when", text: `Shown when ${option.when}` }));
  return wrap;
}

function rawValue(option) {
  const form = $("options");
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
  history.replaceState(null, "", search);
  $("share").value = location.href;
  const seq = ++state.seq;
  const { ok, body } = await getJson(`/api/projects/preview${search}`);
  if (seq !== state.seq) return;
  clearErrors();
  if (!ok) {
    showStatus(body);
    setDownloads(null);
    return;
  }
  showStatus(null, body);
  $("command").value = body.command;
  setDownloads(params);
  showTree(body.files);
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
    const target = problem.key && document.querySelector(`.field[data-key="${problem.key}"] .error`);
    if (target) {
      target.textContent = text;
      target.hidden = false;
      const input = document.querySelector(`.field[data-key="${problem.key}"] [name]`);
      if (input) input.setAttribute("aria-invalid", "true");
    }
    status.classList.add("bad");
    status.append(el("strong", { text: "Cannot generate: " }), document.createTextNode(text));
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
  $("file-count").textContent = `(${files.length})`;
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
  if (keep) view(keep);
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
  const text = file.text == null ? `(${file.size} bytes; not shown here, it is in the download)` : file.text;
  $("viewer").replaceChildren(el("code", { text }));
}

// ---- copying ------------------------------------------------------------------------------

async function copy(inputId, button) {
  const input = $(inputId);
  input.select();
  let done = false;
  try {
    await navigator.clipboard.writeText(input.value);
    done = true;
  } catch {
    done = document.execCommand && document.execCommand("copy");
  }
  button.textContent = done ? "Copied" : "Select and copy";
  setTimeout(() => { button.textContent = "Copy"; }, 1500);
}

document.addEventListener("DOMContentLoaded", () => {
  $("copy-command").addEventListener("click", (e) => copy("command", e.currentTarget));
  $("copy-share").addEventListener("click", (e) => copy("share", e.currentTarget));
  loadStacks();
});
