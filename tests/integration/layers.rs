//! The layers of `src/` point one way: the table in `docs/architecture.md` ("Layers") puts each
//! top-level module in a layer, and a module may use modules of its own layer or below, never
//! above, and no two modules may use each other, directly or round a cycle. This test reads
//! every file of `src/` (comments, strings and `#[cfg(test)]` items left out: a test may use
//! anything) and fails on the first import that breaks the table, naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Layer number of each module, from the architecture document's table.
fn declared_layers(doc: &str) -> BTreeMap<String, usize> {
    let section = doc
        .split("\n### Layers\n")
        .nth(1)
        .expect("docs/architecture.md has a `### Layers` section");
    let mut layers = BTreeMap::new();
    for line in section.lines().skip_while(|l| !l.starts_with('|')) {
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(number) = cells
            .get(1)
            .and_then(|c| c.split('.').next())
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        for module in cells[2].split('`').skip(1).step_by(2) {
            let previous = layers.insert(module.to_string(), number);
            assert!(previous.is_none(), "`{module}` is in two layers");
        }
    }
    layers
}

/// Source with comments, string and character literals blanked, so only code is left.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) && !ident_before(&chars, i) {
            // A raw string: r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1b}'), or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Code with every `#[cfg(test)]` item removed, and the names of `#[cfg(test)] mod NAME;`.
fn without_tests(code: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(code.len());
    let mut test_modules = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let mut item = &rest[at + "#[cfg(test)]".len()..];
        // Further attributes of the same item.
        loop {
            let trimmed = item.trim_start();
            if trimmed.starts_with("#[") {
                let end = trimmed.find(']').map_or(trimmed.len(), |e| e + 1);
                item = &trimmed[end..];
            } else {
                item = trimmed;
                break;
            }
        }
        let semi = item.find(';').unwrap_or(item.len());
        let brace = item.find('{').unwrap_or(item.len());
        if semi < brace {
            let head = item[..semi].split_whitespace().collect::<Vec<_>>();
            if let ["mod", name] | ["pub", "mod", name] = head.as_slice() {
                test_modules.push(name.to_string());
            }
            rest = &item[(semi + 1).min(item.len())..];
        } else {
            let mut depth = 0;
            let mut end = item.len();
            for (i, c) in item.char_indices().skip(brace) {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &item[end..];
        }
    }
    out.push_str(rest);
    (out, test_modules)
}

/// The top-level modules `code` (of the module at `path`, e.g. `["update", "base"]`) uses.
fn used_modules(code: &str, path: &[String]) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let words: Vec<(usize, &str)> = tokens(code);
    let mut i = 0;
    while i < words.len() {
        let (_, word) = words[i];
        let start = match word {
            "crate" => Some((0usize, i + 1)),
            "super" if i == 0 || words[i - 1].1 != "::" => {
                // super::super::… from the module at `path` (a file `a/b.rs` is `a::b`).
                let mut depth = path.len();
                let mut j = i;
                while words.get(j).map(|w| w.1) == Some("super")
                    && words.get(j + 1).map(|w| w.1) == Some("::")
                {
                    depth = depth.saturating_sub(1);
                    j += 2;
                }
                (depth == 0).then_some((0, j.saturating_sub(1)))
            }
            _ => None,
        };
        if let Some((_, after)) = start
            && words.get(after).map(|w| w.1) == Some("::")
        {
            match words.get(after + 1).map(|w| w.1) {
                Some("{") => used.extend(group_heads(&words, after + 1)),
                Some(name) if is_ident(name) => {
                    used.insert(name.to_string());
                }
                _ => {}
            }
        }
        i += 1;
    }
    used
}

/// The first name of each path in the `{ … }` group that starts at `open`.
fn group_heads(words: &[(usize, &str)], open: usize) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expect_head = true;
    for (_, word) in &words[open..] {
        match *word {
            "{" => {
                depth += 1;
                if depth == 1 {
                    expect_head = true;
                }
            }
            "}" => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            "," if depth == 1 => expect_head = true,
            w if depth == 1 && expect_head && is_ident(w) => {
                if w != "self" {
                    heads.push(w.to_string());
                }
                expect_head = false;
            }
            _ => {
                if depth == 1 {
                    expect_head = false;
                }
            }
        }
    }
    heads
}

fn is_ident(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && word.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Identifiers and punctuation (`::` as one token).
fn tokens(code: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c.is_ascii_alphanumeric() || c == '_' {
            let start = i;
            while i < bytes.len()
                && ((bytes[i] as char).is_ascii_alphanumeric() || bytes[i] == b'_')
            {
                i += 1;
            }
            out.push((start, &code[start..i]));
        } else if c == ':' && bytes.get(i + 1) == Some(&b':') {
            out.push((i, "::"));
            i += 2;
        } else if matches!(c, '{' | '}' | ',') {
            out.push((i, &code[i..i + 1]));
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else {
            out.push((i, "·"));
            i += c.len_utf8().max(1);
            while i < bytes.len() && !code.is_char_boundary(i) {
                i += 1;
            }
        }
    }
    out
}

/// Every `.rs` file under `dir` with its module path, files declared `#[cfg(test)]` left out.
fn sources(src: &Path) -> BTreeMap<Vec<String>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(src, &mut files);
    let mut modules = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap().with_extension("");
        let mut path: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if path.last().is_some_and(|l| l == "mod") {
            path.pop();
        }
        if matches!(path.as_slice(), [one] if one == "lib" || one == "main") {
            continue;
        }
        modules.insert(path, fs::read_to_string(&file).unwrap());
    }
    modules
}

/// Each top-level module and the other top-level modules it uses, outside tests.
fn graph(modules: &BTreeMap<Vec<String>, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut test_files: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut cleaned = BTreeMap::new();
    for (path, source) in modules {
        let (code, tests) = without_tests(&code_only(source));
        for name in tests {
            let mut child = path.clone();
            child.push(name);
            test_files.insert(child);
        }
        cleaned.insert(path.clone(), code);
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, code) in &cleaned {
        if test_files.iter().any(|t| path.starts_with(t)) {
            continue;
        }
        let top = path[0].clone();
        let used = used_modules(code, path);
        let entry = edges.entry(top.clone()).or_default();
        entry.extend(used.into_iter().filter(|m| *m != top));
    }
    edges
}

/// Every fault of `edges` against `layers`: an unknown module, an import up the table, a cycle.
fn faults(
    edges: &BTreeMap<String, BTreeSet<String>>,
    layers: &BTreeMap<String, usize>,
) -> Vec<String> {
    let mut faults = Vec::new();
    for module in edges.keys() {
        if !layers.contains_key(module) {
            faults.push(format!("`{module}` is in no layer of the table"));
        }
    }
    for (from, used) in edges {
        for to in used {
            let (Some(a), Some(b)) = (layers.get(from), layers.get(to)) else {
                continue;
            };
            if b > a {
                faults.push(format!(
                    "`{from}` (layer {a}) uses `{to}` (layer {b}), a layer above it"
                ));
            }
        }
    }
    for cycle in cycles(edges) {
        faults.push(format!("cycle: {}", cycle.join(" → ")));
    }
    faults
}

/// The strongly connected groups of more than one module (Tarjan), each as a path round it.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        for w in s.edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.stack.contains(&w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                group.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                group.push(group[0].clone());
                s.found.push(group);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[test]
fn every_import_in_src_points_down_the_layer_table() {
    let doc = fs::read_to_string(Path::new(ROOT).join("docs/architecture.md")).unwrap();
    let layers = declared_layers(&doc);
    let modules = sources(&Path::new(ROOT).join("src"));
    let edges = graph(&modules);
    let lib = fs::read_to_string(Path::new(ROOT).join("src/lib.rs")).unwrap();
    let mut found = faults(&edges, &layers);
    for declared in lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
    {
        if !layers.contains_key(declared) {
            found.push(format!(
                "`{declared}` (src/lib.rs) is in no layer of the table"
            ));
        }
    }
    for listed in layers.keys() {
        if !edges.contains_key(listed) && !lib.contains(&format!("pub mod {listed};")) {
            found.push(format!("the table lists `{listed}`, which is no module"));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The check itself finds what it is there for, in a made-up crate.
#[test]
fn the_layer_check_finds_an_upward_import_and_a_cycle() {
    let layers: BTreeMap<String, usize> = [("low", 1), ("mid", 2), ("high", 3)]
        .map(|(m, l)| (m.to_string(), l))
        .into();
    let module = |path: &str, source: &str| {
        (
            path.split("::").map(String::from).collect::<Vec<_>>(),
            source.to_string(),
        )
    };
    let clean: BTreeMap<_, _> = [
        module(
            "high",
            "use crate::{mid::X, low};\nfn f() { crate::low::g() }",
        ),
        module(
            "mid",
            "use crate::low::Y; // crate::high in a comment\nconst S: &str = \"crate::high\";",
        ),
        module(
            "mid::inner",
            "use super::super::low::Z;\n#[cfg(test)]\nmod tests { use crate::high::T; }",
        ),
        module("low", "pub fn g() {}\n#[cfg(test)]\nmod tests;"),
        module("low::tests", "use crate::high::Anything;"),
    ]
    .into();
    assert_eq!(faults(&graph(&clean), &layers), Vec::<String>::new());

    let mut upward = clean.clone();
    upward.insert(
        vec!["mid".into(), "inner".into()],
        "use crate::{low, high::{self, H}};".into(),
    );
    assert_eq!(
        faults(&graph(&upward), &layers),
        vec![
            "`mid` (layer 2) uses `high` (layer 3), a layer above it".to_string(),
            "cycle: high → mid → high".to_string()
        ]
    );

    let mut cycle = clean.clone();
    cycle.insert(
        vec!["low".into()],
        "fn f() { super::mid::go() }\n#[cfg(test)]\nmod tests;".into(),
    );
    let found = faults(&graph(&cycle), &layers);
    assert!(
        found.contains(&"cycle: low → mid → low".to_string()),
        "{found:?}"
    );
}
