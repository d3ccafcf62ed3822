//! `sprout template check PATH`: every fault a template author can make that sprout can find
//! without running anything, each at its file, line and column.
//!
//! The manifest is read twice: once with positions (toml's spans) and once into the types
//! `sprout new` uses; its rules are then checked one by one. The templates are parsed by
//! Handlebars as written (no lifting, so lines are the author's) and rendered in strict mode, in
//! memory, for a covering set of option combinations (see [`crate::template::combos`]); every
//! rendered JSON, TOML, YAML and XML file must parse.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use handlebars::template::{Template, TemplateElement};
use handlebars::{Handlebars, RenderErrorReason};
use include_dir::{Dir, File};
use serde::Serialize;

use crate::catalog;
use crate::condition::Condition;
use crate::error::Error;
use crate::helpers;
use crate::manifest::{FileRule, Manifest, OptionEntry, OptionType, SharedOptions, SharedRules};
use crate::plan::Plan;
use crate::render;
use crate::spans::{Doc, Step};
use crate::stack::{Kind, Stack};
use crate::template::combos::{self, Combination};
use crate::template::folder::Folder;
use crate::template::hostile;
use crate::template::meaning::{self, Format, Piece};
use crate::template::structured;
use crate::value::Value;

/// One fault, where the author can fix it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The answers that show the fault, for a fault found by rendering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub combination: Option<String>,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(combination) = &self.combination {
            write!(f, " (with {combination})")?;
        }
        Ok(())
    }
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub path: String,
    pub ok: bool,
    pub stacks: Vec<String>,
    /// Option combinations rendered, over all stacks.
    pub combinations: usize,
    pub findings: Vec<Finding>,
}

impl Report {
    /// For people: one line per finding, then the summary.
    pub fn text(&self) -> String {
        let mut out: String = self.findings.iter().map(|f| format!("{f}\n")).collect();
        let stacks = self.stacks.join(", ");
        if self.ok {
            out.push_str(&format!(
                "{}: ok ({stacks}; {} combinations rendered)\n",
                self.path, self.combinations
            ));
        } else {
            out.push_str(&format!(
                "{}: {} fault(s) ({stacks}; {} combinations rendered)\n",
                self.path,
                self.findings.len(),
                self.combinations
            ));
        }
        out
    }
}

/// Check every stack of the folder.
pub fn check(folder: &Folder) -> Report {
    let mut checker = Checker {
        folder,
        found: BTreeMap::new(),
        combinations: 0,
        quiet: false,
        probed: BTreeSet::new(),
        renames: BTreeMap::new(),
    };
    if checker.shared_layer() {
        for stack in &folder.stacks {
            checker.stack(&stack.key, &stack.dir);
        }
    }
    let findings: Vec<Finding> = checker
        .found
        .into_iter()
        .map(|((file, line, column, message), combination)| Finding {
            file,
            line,
            column,
            message,
            combination,
        })
        .collect();
    Report {
        path: folder.path.display().to_string(),
        ok: findings.is_empty(),
        stacks: folder.stacks.iter().map(|s| s.key.clone()).collect(),
        combinations: checker.combinations,
        findings,
    }
}

type Key = (String, usize, usize, String);

struct Checker<'f> {
    folder: &'f Folder,
    /// Findings by place and message, with the first combination that showed each.
    found: BTreeMap<Key, Option<String>>,
    combinations: usize,
    /// Rendering for the hostile-value pass: no findings of its own, templates only.
    quiet: bool,
    /// Expressions already found to write a value unescaped (file, line, column).
    probed: BTreeSet<(String, usize, usize)>,
    /// Each `rename_file` rule of the stack being checked (migration index, old path): whether
    /// some combination writes the file it renames to.
    renames: BTreeMap<(usize, String), bool>,
}

/// A rendered project: output path → (template file, bytes, secret).
type Project = BTreeMap<String, (String, Vec<u8>, bool)>;

/// A TOML file read with positions and into its type, or every fault found in it: each syntax
/// error (the parser recovers and goes on), else each key of the wrong name or type (the line
/// at fault is set aside and the file read again, until it reads or a fault cannot be set
/// aside).
fn read_toml<'t, T: serde::de::DeserializeOwned>(
    text: &'t str,
) -> Result<(Doc<'t>, T), Vec<(usize, String)>> {
    let fault = |e: &toml::de::Error| {
        (
            e.span().map_or(0, |s| s.start),
            crate::catalog::with_near_key(e.message().trim()),
        )
    };
    let (_, syntax) = toml::de::DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        return Err(syntax.iter().map(fault).collect());
    }
    let doc = Doc::parse(text).map_err(|e| vec![fault(&e)])?;
    let mut faults = Vec::new();
    let mut current = text.to_string();
    let mut set_aside: Vec<String> = Vec::new();
    // Each round sets one line aside; a manifest has far fewer faults than this.
    for _ in 0..100 {
        let error = match toml::from_str::<T>(&current) {
            Ok(value) if faults.is_empty() => return Ok((doc, value)),
            Ok(_) => break,
            Err(error) => error,
        };
        let message = error.message().trim().to_string();
        // A key set aside is now missing: that is no fault of the author's.
        if set_aside
            .iter()
            .any(|key| message == format!("missing field `{key}`"))
        {
            break;
        }
        faults.push(fault(&error));
        let Some(start) = error.span().map(|s| s.start) else {
            break;
        };
        let line_start = current[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = current[start..]
            .find('\n')
            .map_or(current.len(), |i| start + i);
        let Some((key, _)) = current[line_start..line_end].split_once('=') else {
            break;
        };
        set_aside.push(key.trim().trim_matches(['"', '\'']).to_string());
        // Blanks keep every other offset where it was.
        let blank = " ".repeat(line_end - line_start);
        current.replace_range(line_start..line_end, &blank);
        if toml::de::DeTable::parse(&current).is_err() {
            break;
        }
    }
    Err(faults)
}

impl Checker<'_> {
    fn add(&mut self, inner: &str, (line, column): (usize, usize), message: String) {
        self.found
            .entry((self.folder.display(inner), line, column, message))
            .or_insert(None);
    }

    fn add_rendered(&mut self, inner: &str, at: (usize, usize), message: String, with: &str) {
        if self.quiet {
            return;
        }
        self.found
            .entry((self.folder.display(inner), at.0, at.1, message))
            .or_insert_with(|| Some(with.to_string()));
    }

    /// A file's text, or a finding that it cannot be read.
    fn read(&mut self, inner: &str, path: &Path) -> Option<String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) => {
                self.add(
                    inner,
                    (1, 1),
                    format!("cannot read {}: {e}", path.display()),
                );
                None
            }
        }
    }

    fn add_offsets(&mut self, inner: &str, text: &str, faults: Vec<(usize, String)>) {
        for (offset, message) in faults {
            let at = crate::spans::line_col(text, offset);
            self.add(inner, at, message);
        }
    }

    /// The folder's own `_shared/`, when it has one: its options and file rules. False when the
    /// stacks cannot be loaded because of it.
    fn shared_layer(&mut self) -> bool {
        let Some(dir) = &self.folder.shared else {
            return true;
        };
        let options = "_shared/options.toml";
        let options_text = self.read(options, &dir.join("options.toml"));
        let shared: Option<SharedOptions> = match options_text.as_deref().map(read_toml) {
            Some(Ok((_, shared))) => Some(shared),
            Some(Err(fault)) => {
                self.add_offsets(options, options_text.as_deref().unwrap_or_default(), fault);
                None
            }
            None => None,
        };
        let mut ok = shared.is_some();
        let rules_name = "_shared/shared.toml";
        let Some(rules_text) = self.read(rules_name, &dir.join("shared.toml")) else {
            return false;
        };
        match read_toml::<SharedRules>(&rules_text) {
            Ok((doc, rules)) => {
                let stored = stored_files(&dir.join("files"));
                self.rule_paths(rules_name, &doc, &rules.files, &stored);
                if let Some(shared) = &shared {
                    let all: Vec<OptionEntry> =
                        shared.head.iter().chain(&shared.tail).cloned().collect();
                    for (i, rule) in rules.files.iter().enumerate() {
                        let at = [Step::Key("file"), Step::Index(i), Step::Key("when")];
                        self.conditions(rules_name, &doc, &at, &rule.when, &all);
                    }
                }
            }
            Err(fault) => {
                self.add_offsets(rules_name, &rules_text, fault);
                ok = false;
            }
        }
        ok
    }

    fn stack(&mut self, key: &str, dir: &Path) {
        let inner = format!("{key}/sprout.toml");
        if !catalog::is_stack_key(key) {
            self.add(
                &inner,
                (1, 1),
                format!(
                    "the stack's folder name `{key}` is its key: use lowercase letters, digits and `-`, starting with a letter"
                ),
            );
        }
        let Some(text) = self.read(&inner, &dir.join("sprout.toml")) else {
            return;
        };
        let (doc, manifest) = match read_toml::<Manifest>(&text) {
            Ok(read) => read,
            Err(fault) => return self.add_offsets(&inner, &text, fault),
        };
        let before = self.found.len();
        if let Ok(shared) = self.folder.catalog.shared_options() {
            self.manifest(
                &inner,
                &doc,
                &manifest,
                &shared,
                &stored_files(&dir.join("files")),
            );
        }
        let stack = match self.folder.catalog.load(key) {
            Ok(stack) => stack,
            Err(error) => {
                // A fault the checks above found stops the load too; report it once.
                if self.found.len() == before {
                    let (at, reason) = located(error, &doc);
                    self.add(&inner, at, reason);
                }
                return;
            }
        };
        self.templates(&stack, &inner, &doc);
    }

    /// The manifest's rules, each at its place: file paths, conditions and defaults.
    fn manifest(
        &mut self,
        inner: &str,
        doc: &Doc,
        manifest: &Manifest,
        shared: &SharedOptions,
        stored: &[String],
    ) {
        // The options in asking order, as `Stack::build` merges them, each with the index of
        // the manifest entry that declares or changes it.
        let mut head: Vec<(OptionEntry, Option<usize>)> =
            shared.head.iter().cloned().map(|e| (e, None)).collect();
        let mut own = Vec::new();
        let mut tail: Vec<(OptionEntry, Option<usize>)> =
            shared.tail.iter().cloned().map(|e| (e, None)).collect();
        for (i, entry) in manifest.options.iter().enumerate() {
            match head
                .iter_mut()
                .chain(tail.iter_mut())
                .find(|(e, _)| e.key == entry.key)
            {
                Some((existing, at)) => {
                    existing.apply(entry.clone());
                    *at = Some(i);
                }
                None => own.push((entry.clone(), Some(i))),
            }
        }
        let merged: Vec<(OptionEntry, Option<usize>)> =
            head.into_iter().chain(own).chain(tail).collect();
        let entries: Vec<OptionEntry> = merged.iter().map(|(e, _)| e.clone()).collect();

        for (m, (entry, at)) in merged.iter().enumerate() {
            let Some(i) = *at else { continue };
            let place = [Step::Key("option"), Step::Index(i)];
            if let Some(when) = &manifest.options[i].when {
                let path = [place[0], place[1], Step::Key("when")];
                self.conditions(inner, doc, &path, when, &entries[..m]);
            }
            if let Some(raw) = &manifest.options[i].default {
                let problem = match Value::from_toml(raw) {
                    None => Some("is not a string or boolean".to_string()),
                    Some(value) => accepts(entry, &value).err(),
                };
                if let Some(problem) = problem {
                    self.add(
                        inner,
                        doc.at(&[place[0], place[1], Step::Key("default")]),
                        format!("default of `{}` {problem}", entry.key),
                    );
                }
            }
        }

        self.rule_paths(inner, doc, &manifest.files, stored);
        for (i, rule) in manifest.files.iter().enumerate() {
            let path = [Step::Key("file"), Step::Index(i), Step::Key("when")];
            self.conditions(inner, doc, &path, &rule.when, &entries);
        }
        for (i, requirement) in manifest.requires.iter().enumerate() {
            let path = [Step::Key("requires"), Step::Index(i), Step::Key("when")];
            self.conditions(inner, doc, &path, &requirement.when, &entries);
            // Read as written, never rendered: a `{{…}}` in `min` is no version.
            if let Err(reason) = crate::requires::Requirement::from_entry(requirement.clone()) {
                let field = crate::spans::requirement_field(&reason).map_or("tool", |(_, f)| f);
                let templated = requirement.min.as_deref().is_some_and(|m| m.contains("{{"));
                let reason = if field == "min" && templated {
                    format!(
                        "{reason}; `min` is read as written, not rendered: give the oldest version that works for every answer"
                    )
                } else {
                    reason
                };
                let at = doc.at(&[Step::Key("requires"), Step::Index(i), Step::Key(field)]);
                self.add(inner, at, reason);
            }
        }
        for (i, step) in manifest.steps.iter().enumerate() {
            let path = [Step::Key("step"), Step::Index(i), Step::Key("when")];
            self.conditions(inner, doc, &path, &step.when, &entries);
        }
        self.migrations(inner, doc, manifest, &entries);
    }

    /// A migration's `answer` names options with values they take (its `rename_file` rules are
    /// rendered with each combination: see [`Checker::renames`]).
    fn migrations(&mut self, inner: &str, doc: &Doc, manifest: &Manifest, entries: &[OptionEntry]) {
        for (i, migration) in manifest.migrations.iter().enumerate() {
            let place = |key| doc.at(&[Step::Key("migration"), Step::Index(i), Step::Key(key)]);
            for (key, raw) in &migration.answer {
                let problem = match entries.iter().find(|e| e.key == *key) {
                    None => Some(format!("`answer` names `{key}`, which is not an option")),
                    Some(entry) => match Value::from_toml(raw) {
                        None => Some(format!("`answer` of `{key}` is not a string or boolean")),
                        Some(value) => accepts(entry, &value)
                            .err()
                            .map(|p| format!("`answer` of `{key}` {p}")),
                    },
                };
                if let Some(problem) = problem {
                    self.add(inner, place("answer"), problem);
                }
            }
        }
    }

    /// Every `[[file]] path` names a stored file (or, ending in `/`, a folder holding one).
    fn rule_paths(&mut self, inner: &str, doc: &Doc, rules: &[FileRule], stored: &[String]) {
        for (i, rule) in rules.iter().enumerate() {
            if stored.iter().any(|s| rule.matches(s)) {
                continue;
            }
            let near = crate::error::closest(&rule.path, stored)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            self.add(
                inner,
                doc.at(&[Step::Key("file"), Step::Index(i), Step::Key("path")]),
                format!(
                    "`[[file]] path = \"{}\"` matches no file under files/, so the rule does nothing{near}",
                    rule.path
                ),
            );
        }
    }

    /// A condition names options asked before it, with values they can take.
    fn conditions(
        &mut self,
        inner: &str,
        doc: &Doc,
        path: &[Step],
        when: &Condition,
        earlier: &[OptionEntry],
    ) {
        for (key, expected) in when.entries() {
            let Some(option) = earlier.iter().find(|o| o.key == key) else {
                let keys: Vec<String> = earlier.iter().map(|o| o.key.clone()).collect();
                let near = crate::error::closest(key, &keys)
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                self.add(
                    inner,
                    doc.key_at(path, key),
                    format!(
                        "condition on `{key}`, which is not an option asked before it; {near}options: {}",
                        keys.join(", ")
                    ),
                );
                continue;
            };
            for scalar in expected.scalars() {
                if let Err(problem) = accepts(option, &scalar.to_value()) {
                    self.add(
                        inner,
                        doc.key_at(path, key),
                        format!("condition on `{key}`: the value {problem}"),
                    );
                }
            }
        }
    }

    /// Templates and partials parse, the partials they call exist, every stored file can be
    /// written, and every covering combination renders in strict mode into files that parse.
    fn templates(&mut self, stack: &Stack, manifest: &str, doc: &Doc) {
        let mut hb = helpers::registry();
        hb.set_dev_mode(false);
        let layers: [(Vec<&'static File<'static>>, String, &[FileRule]); 2] = [
            (
                files_of(stack.shared, "files"),
                "_shared/files/".to_string(),
                &stack.shared_rules,
            ),
            (
                files_of(stack.dir, "files"),
                format!("{}/files/", stack.key),
                &stack.rules,
            ),
        ];

        // Partials by name, a stack's own over the shared ones; then every template.
        let mut partials: HashMap<String, (String, &'static str)> = HashMap::new();
        for (dir, prefix) in [
            (stack.shared, "_shared/partials/".to_string()),
            (stack.dir, format!("{}/partials/", stack.key)),
        ] {
            for file in files_of(dir, "partials") {
                let inner = inner_path(file);
                let Some(name) = inner
                    .strip_prefix(prefix.as_str())
                    .and_then(|p| p.strip_suffix(".hbs"))
                else {
                    continue;
                };
                match file.contents_utf8() {
                    Some(text) => {
                        partials.insert(name.to_string(), (inner.clone(), text));
                    }
                    None => self.add(&inner, (1, 1), "a partial must be UTF-8".into()),
                }
            }
        }
        for (name, (inner, text)) in &partials {
            if let Err(e) = hb.register_partial(name, *text) {
                let at = e.pos().unwrap_or((1, 1));
                self.add(inner, at, e.reason().to_string());
            }
        }
        let mut templates: Vec<(String, &'static str)> = Vec::new();
        for (files, _, _) in &layers {
            for file in files.iter().filter(|f| inner_path(f).ends_with(".hbs")) {
                let inner = inner_path(file);
                let Some(text) = file.contents_utf8() else {
                    self.add(&inner, (1, 1), "a template (.hbs) must be UTF-8".into());
                    continue;
                };
                match hb.register_template_string(&inner, text) {
                    Ok(()) => templates.push((inner, text)),
                    Err(e) => {
                        let at = e.pos().unwrap_or((1, 1));
                        self.add(&inner, at, e.reason().to_string());
                    }
                }
            }
        }
        self.partial_calls(stack, &templates, &partials);
        // A loop of partials would never end rendering: found before any combination is.
        let built_in = |inner: &str| !stack.origin.own_shared && inner.starts_with("_shared/");
        let roots: Vec<crate::partials::Text> = templates
            .iter()
            .map(|(inner, text)| crate::partials::Text {
                file: inner,
                text,
                built_in: built_in(inner),
            })
            .collect();
        let called: HashMap<&str, crate::partials::Text> = partials
            .iter()
            .map(|(name, (inner, text))| {
                let text = crate::partials::Text {
                    file: inner,
                    text,
                    built_in: built_in(inner),
                };
                (name.as_str(), text)
            })
            .collect();
        if let Err(fault) = crate::partials::check(&roots, &called) {
            return self.add(&fault.file, (1, 1), fault.message);
        }
        for (files, prefix, rules) in &layers {
            self.reachable(stack, manifest, doc, files, prefix, rules);
        }

        let partial_files: HashMap<&str, &str> = partials
            .iter()
            .map(|(name, (inner, _))| (name.as_str(), inner.as_str()))
            .collect();
        let texts = Texts {
            templates: templates.iter().cloned().collect(),
            partials: partials
                .iter()
                .map(|(name, (inner, text))| (name.clone(), (inner.clone(), *text)))
                .collect(),
        };
        for combination in combos::covering(stack) {
            self.combinations += 1;
            let rendered = Rendering {
                stack,
                manifest,
                doc,
                hb: &hb,
                layers: &layers,
                partial_files: &partial_files,
            };
            self.render(&rendered, &combination);
            self.hostile(&rendered, &combination, &texts);
        }
        for ((i, old), matched) in std::mem::take(&mut self.renames) {
            if matched {
                continue;
            }
            let new = stack.migrations[i]
                .rename_file
                .get(&old)
                .cloned()
                .unwrap_or_default();
            let path = [
                Step::Key("migration"),
                Step::Index(i),
                Step::Key("rename_file"),
            ];
            self.add(
                manifest,
                doc.key_at(&path, &old),
                format!(
                    "`rename_file` rule `{old}` → `{new}` matches no file: no combination of answers writes `{new}` and no longer writes `{old}` (both rendered with the answers, as `sprout update` renders them), so a project's file would not follow the move"
                ),
            );
        }
    }

    /// The `rename_file` rules rendered with one combination's context: each path renders and
    /// stays in the project, and the rule counts as matching when the combination writes the
    /// file it renames to (or a later migration renames that on) and no longer the one it
    /// renames from.
    fn renames(
        &mut self,
        r: &Rendering,
        ctx: &serde_json::Map<String, serde_json::Value>,
        project: &Project,
        with: &str,
    ) {
        let rendered = |raw: &str| {
            if raw.contains("{{") {
                render::render_text(r.hb, raw, ctx)
                    .map_err(|e| format!("path `{raw}`: {}", describe(e.reason())))
            } else {
                Ok(raw.to_string())
            }
        };
        let migrations = &r.stack.migrations;
        for (i, migration) in migrations.iter().enumerate() {
            for (old, new) in &migration.rename_file {
                let path = [
                    Step::Key("migration"),
                    Step::Index(i),
                    Step::Key("rename_file"),
                ];
                let at = r.doc.key_at(&path, old);
                let paths = rendered(old).and_then(|o| Ok((o, rendered(new)?)));
                let (old_path, new_path) = match paths {
                    Ok(paths) => paths,
                    Err(message) => {
                        self.renames.entry((i, old.clone())).or_insert(true);
                        self.add_rendered(
                            r.manifest,
                            at,
                            format!("`rename_file`: {message}"),
                            with,
                        );
                        continue;
                    }
                };
                if let Some(refused) = [&old_path, &new_path]
                    .into_iter()
                    .find_map(|p| crate::paths::check(p).err())
                {
                    self.renames.entry((i, old.clone())).or_insert(true);
                    let message = format!("`rename_file` rule `{old}` → `{new}`: {refused}");
                    self.add_rendered(r.manifest, at, message, with);
                    continue;
                }
                let later = migrations.iter().filter(|m| m.version > migration.version);
                let moved_on = later
                    .flat_map(|m| m.rename_file.keys())
                    .any(|o| rendered(o).is_ok_and(|o| o == new_path));
                // A path today's template still writes is not moved (`sprout update` leaves it).
                let matched = (project.contains_key(&new_path) || moved_on)
                    && !project.contains_key(&old_path);
                *self.renames.entry((i, old.clone())).or_insert(false) |= matched;
            }
        }
    }

    /// The combination rendered with a hostile value in every free-text option, against the
    /// same with plain values: each file of a format sprout reads must mean the same once the
    /// values are put back. A file that does not is traced to the expressions that wrote the
    /// value, each tried alone.
    fn hostile(&mut self, r: &Rendering, combination: &Combination, texts: &Texts) {
        let values: Vec<(String, String)> = r
            .stack
            .options
            .iter()
            .filter(|o| o.key != "name")
            .filter_map(|o| hostile::value_for(o).map(|v| (o.key.clone(), v)))
            .collect();
        if values.is_empty() {
            return;
        }
        let with_values = |hostile: bool| Combination {
            answers: combination
                .answers
                .iter()
                .map(|(key, value)| match values.iter().find(|(k, _)| k == key) {
                    Some((_, v)) if hostile => (key.clone(), Value::Text(v.clone())),
                    Some(_) => (key.clone(), Value::Text(hostile::PLAIN.into())),
                    None => (key.clone(), value.clone()),
                })
                .collect(),
        };
        let plain_answers = with_values(false);
        let hostile_answers = with_values(true);
        self.quiet = true;
        let plain = self.render(r, &plain_answers);
        let bad = self.render(r, &hostile_answers);
        self.quiet = false;
        let back_owned = hostile::back(values.iter().map(|(_, v)| v.as_str()));
        let back = refs(&back_owned);
        let with = format!("{} and hostile free text", combination.describe(r.stack));
        // A value that reaches a file through a command (a CI workflow runs `lint`) is the
        // command's fault, reported there.
        let through_commands =
            self.hostile_commands(r, [&plain_answers, &hostile_answers], &values, &back, &with);
        for (path, (inner, bytes, _)) in &bad {
            let Some((format, plain_meaning)) = plain
                .get(path)
                .and_then(|(_, plain, _)| readable(path, plain))
            else {
                continue;
            };
            let text = String::from_utf8_lossy(bytes);
            let broken = match meaning::read(format, path, &text) {
                Ok(m) if meaning::same(&plain_meaning, &m, &back) => continue,
                Ok(_) => None,
                Err(e) => Some(e),
            };
            let keys: Vec<&str> = values.iter().map(|(k, _)| k.as_str()).collect();
            let found = self.probe(
                r,
                &plain_answers,
                inner,
                path,
                (format, &plain_meaning),
                &values,
                &keys,
                texts,
                &with,
            );
            if !found && !through_commands {
                let what = match &broken {
                    Some(e) => format!("is no longer valid {} ({e})", format.name()),
                    None => "changes its meaning".to_string(),
                };
                let message = format!(
                    "{path} {what} when a free-text option ({}) holds quotes, backslashes, line breaks or `{{{{`: escape the value with the helper of the format (see \"Rendering\" in docs/templates.md)",
                    keys.join(", ")
                );
                self.add_rendered(inner, (1, 1), message, &with);
            }
        }
    }

    /// The manifest's shell lines (the commands, each step's `run`) rendered with the plain and
    /// the hostile values: a free-text option written into one without `sh` can make it run
    /// something else. Reported at the command or step; true when one is.
    fn hostile_commands(
        &mut self,
        r: &Rendering,
        [plain, hostile]: [&Combination; 2],
        values: &[(String, String)],
        back: &[(&str, &str)],
        with: &str,
    ) -> bool {
        let context = |c: &Combination| {
            let plan = Plan {
                stack: r.stack,
                answers: c.answers.clone(),
                secrets: secrets_of(r.stack),
                year: crate::secrets::current_year(),
            };
            render::context(&plan, r.hb).ok()
        };
        let (Some((plain_ctx, plain_commands)), Some((hostile_ctx, hostile_commands))) =
            (context(plain), context(hostile))
        else {
            return false;
        };
        let own = &r.stack.commands;
        let mut lines: Vec<(Vec<Step>, &str, String, String)> = Vec::new();
        for (field, raw, p, h) in [
            (
                "install",
                &own.install,
                &plain_commands.install,
                &hostile_commands.install,
            ),
            (
                "lint",
                &own.lint,
                &plain_commands.lint,
                &hostile_commands.lint,
            ),
            (
                "test",
                &own.test,
                &plain_commands.test,
                &hostile_commands.test,
            ),
            (
                "start",
                &own.start,
                &plain_commands.start,
                &hostile_commands.start,
            ),
        ] {
            let at = vec![Step::Key("commands"), Step::Key(field)];
            lines.push((at, raw, p.clone(), h.clone()));
        }
        for (i, step) in r.stack.steps.iter().enumerate() {
            let Some(raw) = step.run.as_deref() else {
                continue;
            };
            let rendered = |ctx| render::render_text(r.hb, raw, ctx).ok();
            if let (Some(p), Some(h)) = (rendered(&plain_ctx), rendered(&hostile_ctx)) {
                let at = vec![Step::Key("step"), Step::Index(i), Step::Key("run")];
                lines.push((at, raw, p, h));
            }
        }
        let keys: Vec<&str> = values.iter().map(|(k, _)| k.as_str()).collect();
        let mut found = false;
        for (at, raw, p, h) in lines {
            let Ok(plain_meaning) = meaning::read(Format::Shell, "", &p) else {
                continue;
            };
            if meaning::read(Format::Shell, "", &h)
                .is_ok_and(|m| meaning::same(&plain_meaning, &m, back))
            {
                continue;
            }
            let sites = hostile::sites(raw, &keys);
            let written: Vec<String> = sites
                .iter()
                .map(|site| format!("`{}`", site.expression))
                .collect();
            let key = sites.first().map_or(keys[0], |s| s.key.as_str());
            let message = format!(
                "the shell line `{raw}` writes a free-text option ({}) that a value holding quotes, `;`, `$(…)` or a line break turns into other commands; write `{{{{sh {key}}}}}`, which quotes it as one word",
                if written.is_empty() {
                    keys.join(", ")
                } else {
                    written.join(", ")
                }
            );
            self.add_rendered(r.manifest, r.doc.at(&at), message, with);
            found = true;
        }
        found
    }

    /// Each expression of the file's template and partials that writes a free-text option,
    /// rendered alone with the hostile value; a finding at each one that breaks the file. False
    /// when none does on its own.
    #[allow(clippy::too_many_arguments)]
    fn probe(
        &mut self,
        r: &Rendering,
        plain: &Combination,
        inner: &str,
        path: &str,
        (format, plain_meaning): (Format, &[Piece]),
        values: &[(String, String)],
        keys: &[&str],
        texts: &Texts,
        with: &str,
    ) -> bool {
        let plan = Plan {
            stack: r.stack,
            answers: plain.answers.clone(),
            secrets: secrets_of(r.stack),
            year: crate::secrets::current_year(),
        };
        let Ok((mut ctx, _)) = render::context(&plan, r.hb) else {
            return false;
        };
        let Some(own) = texts.templates.get(inner) else {
            return false;
        };
        // The template's own expressions, then every partial's (a partial it does not call
        // changes nothing).
        let mut candidates: Vec<(Option<&str>, &str, hostile::Site)> = hostile::sites(own, keys)
            .into_iter()
            .map(|site| (None, inner, site))
            .collect();
        for (name, (file, text)) in &texts.partials {
            candidates.extend(
                hostile::sites(text, keys)
                    .into_iter()
                    .map(|site| (Some(name.as_str()), file.as_str(), site)),
            );
        }
        let mut found = false;
        for (partial, file, site) in candidates {
            let place = (file.to_string(), site.line, site.column);
            if self.probed.contains(&place) {
                found = true;
                continue;
            }
            let Some((_, value)) = values.iter().find(|(k, _)| *k == site.key) else {
                continue;
            };
            let mut hb = r.hb.clone();
            let registered = match partial {
                Some(name) => hb.register_partial(name, site.probed.as_str()).is_ok(),
                None => hb.register_template_string(inner, &site.probed).is_ok(),
            };
            if !registered {
                continue;
            }
            ctx.insert(
                hostile::PROBE.into(),
                serde_json::Value::String(value.clone()),
            );
            let Ok(out) = render::render_registered(&hb, inner, &ctx) else {
                continue;
            };
            let broken = match meaning::read(format, path, &out) {
                Ok(m)
                    if meaning::same(
                        plain_meaning,
                        &m,
                        &refs(&hostile::back([value.as_str()])),
                    ) =>
                {
                    continue;
                }
                Ok(_) => None,
                Err(e) => Some(e),
            };
            let effect = match broken {
                Some(e) => format!("{path} is no longer valid {} ({e})", format.name()),
                None => format!(
                    "{path} changes its meaning (the value leaves the text it was written into)"
                ),
            };
            let fix = match format.helper() {
                Some(helper) if format == Format::Xml => format!(
                    "write `{{{{{helper} {}}}}}`, which escapes it for XML text and attributes",
                    site.key
                ),
                Some(helper) if format == Format::Html => format!(
                    "write `{{{{{helper} {key}}}}}` in text and attributes (it escapes the value for HTML), `{{{{js {key}}}}}` inside a <script>",
                    key = site.key
                ),
                Some(helper) => format!(
                    "write `{{{{{helper} {}}}}}` in place of the quoted expression: it escapes the value for {} and writes the quotes",
                    site.key,
                    format.name()
                ),
                None => format!(
                    "sprout has no escape helper for {}: keep free text out of it",
                    format.name()
                ),
            };
            let message = format!(
                "`{}` writes `{}` without the escaping this place needs: with a value holding quotes, backslashes, `{{{{`, `#` or a line break, {effect}; {fix}",
                site.expression, site.key
            );
            self.add_rendered(file, (site.line, site.column), message, with);
            self.probed.insert(place);
            found = true;
        }
        found
    }

    /// Every `{{> name}}` a used template calls names a partial (a `{{#> name}}…{{/name}}`
    /// block has its own fallback and needs none).
    fn partial_calls(
        &mut self,
        stack: &Stack,
        templates: &[(String, &str)],
        partials: &HashMap<String, (String, &'static str)>,
    ) {
        let mut pending: Vec<(String, Template)> = templates
            .iter()
            .filter_map(|(inner, text)| Some((inner.clone(), Template::compile(text).ok()?)))
            .collect();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        while let Some((inner, template)) = pending.pop() {
            let mut calls = Vec::new();
            partial_calls_in(&template, &mut calls);
            for (name, at, required) in calls {
                match partials.get(&name) {
                    Some((partial, text)) => {
                        if seen.insert(name.clone())
                            && let Ok(compiled) = Template::compile(text)
                        {
                            pending.push((partial.clone(), compiled));
                        }
                    }
                    None if required => {
                        let names: Vec<String> = partials.keys().cloned().collect();
                        // A name near one that exists is a typo: name that one, not a new file.
                        let message = match crate::error::closest(&name, &names) {
                            Some(near) => format!(
                                "partial `{name}` does not exist for stack `{}`; did you mean `{near}`?",
                                stack.key
                            ),
                            None => {
                                let wanted = self
                                    .folder
                                    .display(&format!("{}/partials/{name}.hbs", stack.key));
                                format!(
                                    "partial `{name}` does not exist for stack `{}`: add {wanted}",
                                    stack.key
                                )
                            }
                        };
                        self.add(&inner, at, message);
                    }
                    None => {}
                }
            }
        }
    }

    /// Every stored file can be written: the conditions of the rules that match it can hold
    /// together.
    fn reachable(
        &mut self,
        stack: &Stack,
        manifest: &str,
        doc: &Doc,
        files: &[&'static File<'static>],
        prefix: &str,
        rules: &[FileRule],
    ) {
        for file in files {
            let inner = inner_path(file);
            let Some(source) = inner.strip_prefix(prefix) else {
                continue;
            };
            let clash = contradiction(stack, rules, source);
            if let Some((rule, key)) = clash {
                let own = !inner.starts_with("_shared/");
                let index = own.then_some(rule);
                let at = match index {
                    Some(i) => doc.key_at(
                        &[Step::Key("file"), Step::Index(i), Step::Key("when")],
                        &key,
                    ),
                    None => (1, 1),
                };
                let place = if own {
                    manifest.to_string()
                } else {
                    inner.clone()
                };
                self.add(
                    &place,
                    at,
                    format!(
                        "no combination of answers writes {}: the rules that match it want `{key}` to have values it cannot have at once",
                        self.folder.display(&inner)
                    ),
                );
            }
        }
    }

    /// One combination, rendered in memory; the project it writes.
    fn render(&mut self, r: &Rendering, combination: &Combination) -> Project {
        let Rendering {
            stack,
            manifest,
            doc,
            hb,
            layers,
            partial_files,
        } = *r;
        let with = combination.describe(stack);
        let plan = Plan {
            stack,
            answers: combination.answers.clone(),
            secrets: secrets_of(stack),
            year: crate::secrets::current_year(),
        };
        let ctx = match render::context(&plan, hb) {
            Ok((ctx, _)) => ctx,
            Err(error) => {
                let (at, reason) = located(error, doc);
                self.add_rendered(manifest, at, reason, &with);
                return Project::new();
            }
        };
        let lookup = |key: &str| plan.answer(key);
        for (i, step) in stack.steps.iter().enumerate() {
            if !step.when.holds(lookup) {
                continue;
            }
            for (field, text) in [("run", &step.run), ("note", &step.note)] {
                if let Some(Err(e)) = text.as_deref().map(|t| render::render_text(hb, t, &ctx)) {
                    let at = doc.at(&[Step::Key("step"), Step::Index(i), Step::Key(field)]);
                    let message = format!("step `{field}`: {}", describe(e.reason()));
                    self.add_rendered(manifest, at, message, &with);
                }
            }
        }
        let mut project = Project::new();
        for (files, prefix, rules) in layers {
            let mut layer = Project::new();
            for file in files {
                let inner = inner_path(file);
                let Some(source) = inner.strip_prefix(prefix.as_str()) else {
                    continue;
                };
                // The hostile pass reads only what a value can reach: rendered files.
                if self.quiet && !source.ends_with(".hbs") {
                    continue;
                }
                let matching: Vec<(usize, &FileRule)> = rules
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.matches(source))
                    .collect();
                if !matching.iter().all(|(_, r)| r.when.holds(lookup)) {
                    continue;
                }
                let own_rules = !prefix.starts_with("_shared/");
                let rule_place = |i: usize, field: &'static str| {
                    if own_rules {
                        (
                            manifest.to_string(),
                            doc.at(&[Step::Key("file"), Step::Index(i), Step::Key(field)]),
                        )
                    } else {
                        (inner.clone(), (1, 1))
                    }
                };
                let targets: Vec<(usize, &str)> = matching
                    .iter()
                    .filter_map(|(i, r)| r.to.as_deref().map(|t| (*i, t)))
                    .collect();
                if targets.len() > 1 {
                    let (place, at) = rule_place(targets[1].0, "to");
                    self.add(
                        &place,
                        at,
                        format!("more than one rule gives `to` for {source}"),
                    );
                    continue;
                }
                let (raw, place) = match targets.first() {
                    Some((i, to)) => (to.to_string(), rule_place(*i, "to")),
                    None => (render::default_path(source), (inner.clone(), (1, 1))),
                };
                let path = if raw.contains("{{") {
                    match render::render_text(hb, &raw, &ctx) {
                        Ok(path) => path,
                        Err(e) => {
                            let message = format!("path `{raw}`: {}", describe(e.reason()));
                            self.add_rendered(&place.0, place.1, message, &with);
                            continue;
                        }
                    }
                } else {
                    raw
                };
                if let Err(refused) = crate::paths::check(&path) {
                    self.add_rendered(
                        &place.0,
                        place.1,
                        format!("{source} cannot be written there: {refused}"),
                        &with,
                    );
                    continue;
                }
                let bytes = if source.ends_with(".hbs") {
                    if hb.get_template(&inner).is_none() {
                        continue; // It did not parse: already a finding.
                    }
                    match render::render_registered(hb, &inner, &ctx) {
                        Ok(text) => text.into_bytes(),
                        // A missing partial is found where it is called, once.
                        Err(e) if matches!(e.reason(), RenderErrorReason::PartialNotFound(_)) => {
                            continue;
                        }
                        Err(e) => {
                            let name = e.template_name.clone().unwrap_or_else(|| inner.clone());
                            let file = partial_files
                                .get(name.as_str())
                                .map_or(name.clone(), |f| f.to_string());
                            let at = (e.line_no.unwrap_or(1), e.column_no.unwrap_or(1));
                            self.add_rendered(&file, at, describe(e.reason()), &with);
                            continue;
                        }
                    }
                } else {
                    file.contents().to_vec()
                };
                if let Some((other, _, _)) = layer.get(&path) {
                    let message = format!("{source} and {other} are both written to {path}");
                    self.add_rendered(&place.0, place.1, message, &with);
                    continue;
                }
                let secret = matching.iter().any(|(_, r)| r.secret);
                layer.insert(path, (inner.clone(), bytes, secret));
            }
            // A stack's own file replaces a shared one at the same path.
            project.extend(layer);
        }
        if self.quiet {
            return project;
        }
        self.renames(r, &ctx, &project, &with);
        for (path, (inner, bytes, secret)) in &project {
            if let Some(fault) = structured::fault(path, bytes) {
                let message = format!(
                    "{path} is not valid {} (line {}, column {} of the rendered file): {}",
                    fault.format, fault.line, fault.column, fault.message
                );
                let at = if inner.ends_with(".hbs") {
                    (1, 1)
                } else {
                    (fault.line, fault.column)
                };
                self.add_rendered(inner, at, message, &with);
            }
            let text = String::from_utf8_lossy(bytes);
            if !secret
                && plan
                    .secrets
                    .iter()
                    .any(|(_, value)| text.contains(value.as_str()))
            {
                self.add_rendered(
                    inner,
                    (1, 1),
                    format!("{path} holds a generated secret: give it a rule with `secret = true`"),
                    &with,
                );
            }
        }
        project
    }
}

/// What every rendering of one stack shares.
#[derive(Clone, Copy)]
struct Rendering<'a> {
    stack: &'a Stack,
    manifest: &'a str,
    doc: &'a Doc<'a>,
    hb: &'a Handlebars<'static>,
    layers: &'a [(Vec<&'static File<'static>>, String, &'a [FileRule]); 2],
    partial_files: &'a HashMap<&'a str, &'a str>,
}

/// The template and partial texts of a stack: template file → text; partial name → (file, text).
struct Texts {
    templates: HashMap<String, &'static str>,
    partials: HashMap<String, (String, &'static str)>,
}

fn refs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(h, p)| (h.as_str(), p.as_str()))
        .collect()
}

/// The secrets of a stack as markers no template text holds by chance.
fn secrets_of(stack: &Stack) -> Vec<(String, String)> {
    stack
        .secrets
        .iter()
        .map(|(name, len)| (name.clone(), secret_marker(name, *len)))
        .collect()
}

/// The format and plain meaning of a rendered file sprout can read; None for any other (or one
/// that does not read even with plain values: that is a finding of its own).
fn readable(path: &str, bytes: &[u8]) -> Option<(Format, Vec<Piece>)> {
    let format = Format::of(path, bytes)?;
    let text = std::str::from_utf8(bytes).ok()?;
    meaning::read(format, path, text).ok().map(|m| (format, m))
}

/// The first rule (by index) and key at which the conditions of the rules matching `source`
/// cannot all hold: they want the key to have values it cannot have at once.
fn contradiction(stack: &Stack, rules: &[FileRule], source: &str) -> Option<(usize, String)> {
    let mut allowed: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for (i, rule) in rules.iter().enumerate().filter(|(_, r)| r.matches(source)) {
        for (key, expected) in rule.when.entries() {
            let values: Vec<Value> = expected.scalars().iter().map(|s| s.to_value()).collect();
            let now: Vec<Value> = match allowed.get(key) {
                Some(before) => before
                    .iter()
                    .filter(|v| values.contains(v))
                    .cloned()
                    .collect(),
                None => values,
            };
            let possible = match stack.option(key).map(|o| &o.kind) {
                Some(Kind::Choice(choices)) => now
                    .iter()
                    .any(|v| v.as_text().is_some_and(|t| choices.iter().any(|c| c == t))),
                Some(Kind::Bool) => now.iter().any(|v| matches!(v, Value::Bool(_))),
                _ => !now.is_empty(),
            };
            if !possible {
                return Some((i, key.to_string()));
            }
            allowed.insert(key, now);
        }
    }
    None
}

/// What a loaded stack stores and never uses: `[[file]]` rules (its own and the shared layer's)
/// that match no stored file, and stored files no combination of answers writes.
pub fn unused(stack: &Stack) -> Vec<String> {
    let mut out = Vec::new();
    for (dir, rules) in [
        (stack.shared, &stack.shared_rules),
        (stack.dir, &stack.rules),
    ] {
        let prefix = format!("{}/files/", dir.path().to_string_lossy());
        let stored: Vec<String> = files_of(dir, "files")
            .into_iter()
            .filter_map(|f| inner_path(f).strip_prefix(&prefix).map(String::from))
            .collect();
        for rule in rules.iter() {
            if !stored.iter().any(|s| rule.matches(s)) {
                out.push(format!("rule `{}` matches no file", rule.path));
            }
        }
        for source in &stored {
            if contradiction(stack, rules, source).is_some() {
                out.push(format!("no combination writes `{source}`"));
            }
        }
    }
    out
}

/// A render error as a template author reads it.
fn describe(reason: &RenderErrorReason) -> String {
    match reason {
        RenderErrorReason::MissingVariable(Some(name)) => format!(
            "`{name}` is not defined (templates render in strict mode: see \"What a template sees\" in docs/templates.md)"
        ),
        RenderErrorReason::MissingVariable(None) => {
            "a variable is not defined (strict mode)".into()
        }
        RenderErrorReason::HelperNotFound(name) => format!("no helper or variable `{name}`"),
        RenderErrorReason::ParamNotFoundForIndex(helper, index) => format!(
            "`{helper}` gets no parameter {}: it is missing or names an undefined variable",
            index + 1
        ),
        other => other.to_string(),
    }
}

/// A value of the secret's length that no template text would hold by chance.
fn secret_marker(name: &str, len: usize) -> String {
    let mut marker = format!("sproutchecksecret{name}");
    while marker.len() < len {
        marker.push('x');
    }
    marker
}

/// Whether the option accepts a value exactly as a condition or default must give it.
fn accepts(option: &OptionEntry, value: &Value) -> Result<(), String> {
    match (option.kind, value) {
        (Some(OptionType::Choice), Value::Text(text)) => {
            let choices = option.choices.clone().unwrap_or_default();
            if choices.iter().any(|c| c == text) {
                Ok(())
            } else {
                let near = crate::error::closest(text, &choices)
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                Err(format!(
                    "`{text}` is not one of the choices; {near}choices: {}",
                    choices.join(", ")
                ))
            }
        }
        (Some(OptionType::Choice), Value::Bool(b)) => Err(format!(
            "{b} is a boolean; `{}` is a choice (write the choice as a string)",
            option.key
        )),
        (Some(OptionType::Bool), Value::Text(text)) => Err(format!(
            "\"{text}\" is a string; `{}` is a bool (write true or false)",
            option.key
        )),
        (Some(OptionType::Text), Value::Bool(b)) => Err(format!(
            "{b} is a boolean; `{}` is text (write a string)",
            option.key
        )),
        _ => Ok(()),
    }
}

/// An error of loading or rendering a stack, placed at the manifest's first key or string
/// value that its message quotes (else at 1:1).
fn located(error: Error, doc: &Doc) -> ((usize, usize), String) {
    let reason = match error {
        Error::Template { reason, .. } | Error::TemplateBroken { reason, .. } => reason,
        other => other.to_string(),
    };
    // A reason the catalogue placed already starts with its place.
    if let Some(rest) = reason.strip_prefix(&format!("{}:", crate::catalog::MANIFEST))
        && let Some((at, message)) = placed(rest)
    {
        return (at, message.to_string());
    }
    (doc.place(&reason), reason)
}

/// `line:column: message` read back.
fn placed(text: &str) -> Option<((usize, usize), &str)> {
    let (line, rest) = text.split_once(':')?;
    let (column, message) = rest.split_once(": ")?;
    Some(((line.parse().ok()?, column.parse().ok()?), message))
}

/// `{{> name}}` and `{{#> name}}` calls with a literal name, at their line and column; true
/// for a call without a fallback block.
fn partial_calls_in(template: &Template, out: &mut Vec<(String, (usize, usize), bool)>) {
    for (i, element) in template.elements.iter().enumerate() {
        let at = template.mapping.get(i).map_or((1, 1), |m| (m.0, m.1));
        match element {
            TemplateElement::PartialExpression(call) | TemplateElement::PartialBlock(call) => {
                let required = matches!(element, TemplateElement::PartialExpression(_));
                if let Some(name) = call.name.as_name() {
                    out.push((name.to_string(), at, required));
                }
                if let Some(inner) = &call.template {
                    partial_calls_in(inner, out);
                }
            }
            TemplateElement::HelperBlock(block) => {
                for inner in [&block.template, &block.inverse].into_iter().flatten() {
                    partial_calls_in(inner, out);
                }
            }
            TemplateElement::DecoratorBlock(block) => {
                if let Some(inner) = &block.template {
                    partial_calls_in(inner, out);
                }
            }
            _ => {}
        }
    }
}

/// The files under `dir/<sub>/`, at any depth.
fn files_of(dir: &'static Dir<'static>, sub: &str) -> Vec<&'static File<'static>> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<&'static File<'static>>) {
        out.extend(dir.files());
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    if let Some(sub) = catalog::child(dir, sub) {
        walk(sub, &mut out);
    }
    out
}

/// A catalogue file's path, `/`-separated.
fn inner_path(file: &File) -> String {
    file.path().to_string_lossy().replace('\\', "/")
}

/// The paths of the files under a folder on disk, relative to it.
fn stored_files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
