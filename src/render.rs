//! The pure render step: a plan in, the project's files (path, bytes, mode) out. No disk access.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

use handlebars::template::Template;
use handlebars::{
    Context, Handlebars, RenderContext, RenderError, RenderErrorReason, Renderable, WriteOutput,
};
use include_dir::{Dir, File};
use serde_json::{Map, Value as Json};

use crate::dir::{child, walk};
use crate::error::{Error, Result};
use crate::helpers;
use crate::limits::{MAX_RENDERED_BYTES, MAX_RENDERED_FILE_BYTES, mib};
use crate::manifest::FileRule;
use crate::plan::Plan;
use crate::stack::{Origin, Stack};
use crate::template_error::TemplateError;
use crate::trees;

/// Modes as they are under the usual umask 022; the writer applies the user's umask instead.
pub const MODE_FILE: u32 = 0o644;
pub const MODE_EXECUTABLE: u32 = 0o755;
/// A file that holds generated secrets (`secret = true` in the manifest): 0600 whatever the umask.
pub const MODE_SECRET: u32 = 0o600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative, `/`-separated, checked to stay inside the project.
    pub path: String,
    /// Borrowed from the binary when the file is copied as it is.
    pub contents: Cow<'static, [u8]>,
    pub mode: u32,
}

/// The project's commands, rendered with the answers.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Commands {
    pub install: String,
    pub lint: String,
    pub test: String,
    pub start: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// The install command of each other package manager, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub install_with: BTreeMap<String, String>,
    /// Every command of each other package manager, by name.
    #[serde(skip)]
    pub with: BTreeMap<String, Commands>,
}

impl Commands {
    /// The commands of the package manager `name` when the stack offers it, else its own.
    pub fn of_manager(&self, name: Option<&str>) -> &Commands {
        name.and_then(|n| self.with.get(n.trim())).unwrap_or(self)
    }
}

/// One of the next steps (`[[step]]`), rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A command to run in the project.
    Run(String),
    /// Something to do by hand.
    Note(String),
}

#[derive(Debug)]
pub struct Project {
    pub files: Vec<OutputFile>,
    pub commands: Commands,
    /// The steps between installing and running whose condition holds, in manifest order.
    pub steps: Vec<Step>,
    /// The steps to take once the server runs (`running = true`), in manifest order.
    pub running: Vec<Step>,
}

/// One layer of files: the shared one or the stack's own.
struct Layer<'r> {
    dir: Option<&'static Dir<'static>>,
    /// Where its files are under the root: `_shared/files/`, `express/files/`.
    prefix: String,
    rules: &'r [FileRule],
    /// The file its rules come from, under the root.
    manifest: String,
    /// Its files are sprout's own.
    built_in: bool,
}

/// One file chosen by the rules, before rendering.
struct Selected<'r> {
    file: &'static File<'static>,
    source: &'static str,
    layer: &'r Layer<'r>,
    rules: Vec<&'r FileRule>,
}

impl Selected<'_> {
    /// The text of a template (`.hbs`); None for a file copied as it is.
    fn template_text(&self) -> Option<&'static str> {
        self.source
            .ends_with(".hbs")
            .then(|| self.file.contents_utf8())
            .flatten()
    }
}

/// Render the whole project in memory. Each template is parsed once per content (`trees`).
pub fn render(plan: &Plan) -> Result<Project> {
    let stack = plan.stack;
    let origin = stack.origin;
    let manifest = format!("{}/sprout.toml", stack.key);
    let mut hb = helpers::registry();
    // Without its own `_shared/`, a stack that is not built in builds on the built-in one.
    let shared_built_in = origin.built_in || !origin.own_shared;

    // Choose the files first, so only the partials they use are parsed.
    let layers = [
        Layer {
            dir: child(stack.shared, "files"),
            prefix: "_shared/files/".to_string(),
            rules: &stack.shared_rules,
            manifest: "_shared/shared.toml".to_string(),
            built_in: shared_built_in,
        },
        Layer {
            dir: child(stack.dir, "files"),
            prefix: format!("{}/files/", stack.key),
            rules: &stack.rules,
            manifest: manifest.clone(),
            built_in: origin.built_in,
        },
    ];
    let lookup = |key: &str| plan.answer(key);
    let mut chosen: Vec<Vec<Selected>> = Vec::with_capacity(2);
    for layer in &layers {
        let mut selected = Vec::new();
        for file in layer.dir.map(walk).unwrap_or_default() {
            let Some(source) = file
                .path()
                .to_str()
                .and_then(|p| p.strip_prefix(layer.prefix.as_str()))
            else {
                return Err(fault(TemplateError::other(
                    origin.file(&file.path().to_string_lossy()),
                    "not a UTF-8 path".into(),
                    origin.built_in,
                )));
            };
            let matching: Vec<&FileRule> =
                layer.rules.iter().filter(|r| r.matches(source)).collect();
            if matching.iter().all(|r| r.when.holds(lookup)) {
                selected.push(Selected {
                    file,
                    source,
                    layer,
                    rules: matching,
                });
            }
        }
        chosen.push(selected);
    }

    let mut partials = partial_sources(
        child(stack.shared, "partials"),
        "_shared/partials/",
        shared_built_in,
    );
    let own = format!("{}/partials", stack.key);
    partials.extend(partial_sources(
        child(stack.dir, "partials"),
        &format!("{own}/"),
        origin.built_in,
    ));
    // A template that is not built in reads its trees from one file of the cache.
    let templates = || chosen.iter().flatten().filter_map(Selected::template_text);
    let pack = (!origin.built_in)
        .then(|| trees::Pack::begin(templates().chain(partials.values().map(|p| p.text))));
    let (ctx, commands) = context(plan, &hb)?;
    if !origin.built_in {
        check_partials(stack, &chosen, &partials)?;
    }
    for name in used_partials(templates(), &partials) {
        if let Some(partial) = partials.get(name) {
            let parsed = trees::parsed(partial.text).map_err(|e| {
                fault(TemplateError::from_handlebars(
                    &e.into(),
                    origin.file(partial.path),
                    origin.built_in,
                ))
            })?;
            let mut tree = Template::clone(&parsed);
            tree.name = Some(name.to_owned());
            hb.register_template(name, tree);
        }
    }

    let data = Context::from(Json::Object(ctx));
    let renderer = FileRenderer {
        hb: &hb,
        data: &data,
        origin,
        partials: &partials,
        budget: AtomicU64::new(MAX_RENDERED_BYTES),
    };
    let mut files: BTreeMap<String, OutputFile> = BTreeMap::new();
    for layer in chosen {
        let mut rendered_layer: BTreeMap<String, OutputFile> = BTreeMap::new();
        for (selected, rendered) in layer
            .iter()
            .zip(renderer.render_all(&layer).map_err(fault)?)
        {
            if rendered_layer.contains_key(&rendered.path) {
                return Err(fault(TemplateError::other(
                    origin.file(&selected.layer.manifest),
                    format!("two files are written to {}", rendered.path),
                    origin.built_in,
                )));
            }
            rendered_layer.insert(rendered.path.clone(), rendered);
        }
        // A stack's own file replaces a shared one at the same path.
        files.extend(rendered_layer);
    }
    let (mut steps, mut running) = (Vec::new(), Vec::new());
    for step in stack.shared_steps.iter().chain(&stack.steps) {
        if !step.when.holds(lookup) {
            continue;
        }
        let text =
            |t: &str| fill(&hb, t, &data).map_err(|e| in_manifest(plan, format!("step `{t}`"), e));
        let list = if step.running {
            &mut running
        } else {
            &mut steps
        };
        match (&step.run, &step.note) {
            (Some(run), _) => list.push(Step::Run(text(run)?)),
            (None, Some(note)) => list.push(Step::Note(text(note)?)),
            (None, None) => {}
        }
    }
    if let Some(pack) = pack {
        pack.finish();
    }
    Ok(Project {
        files: files.into_values().collect(),
        commands,
        steps,
        running,
    })
}

/// The partials of a stack that is not built in, before any is rendered (see `partials.rs`):
/// no loop, no name by expression, nothing but values in a partial block's block. The chosen
/// templates and the manifest's texts rendered after the partials are registered (the steps,
/// a rendered `to`) are where calls start.
fn check_partials(
    stack: &Stack,
    chosen: &[Vec<Selected>],
    partials: &HashMap<&str, Partial>,
) -> Result<()> {
    let origin = stack.origin;
    let manifest = origin.file(&format!("{}/sprout.toml", stack.key));
    let mut roots: Vec<(String, &str, bool)> = Vec::new();
    for selected in chosen.iter().flatten() {
        if let Some(text) = selected.template_text() {
            let file = origin.file(&format!("{}{}", selected.layer.prefix, selected.source));
            roots.push((file, text, selected.layer.built_in));
        }
    }
    let texts = stack
        .steps
        .iter()
        .flat_map(|s| [s.run.as_deref(), s.note.as_deref()]);
    let paths = stack.rules.iter().map(|r| r.to.as_deref());
    for text in texts.chain(paths).flatten() {
        roots.push((manifest.clone(), text, false));
    }
    let named: Vec<(&str, String, &Partial)> = partials
        .iter()
        .map(|(name, partial)| (*name, origin.file(partial.path), partial))
        .collect();
    let partials: HashMap<&str, crate::partials::Text> = named
        .iter()
        .map(|(name, file, partial)| {
            let text = crate::partials::Text {
                file,
                text: partial.text,
                built_in: partial.built_in,
            };
            (*name, text)
        })
        .collect();
    let templates: Vec<crate::partials::Text> = roots
        .iter()
        .map(|(file, text, built_in)| crate::partials::Text {
            file,
            text,
            built_in: *built_in,
        })
        .collect();
    crate::partials::check(&templates, &partials)
        .map_err(|f| fault(TemplateError::other(f.file, f.message, false)))
}

/// What every template of the plan sees: the answers, secrets, stack, year, the derived values
/// (in order) and the rendered commands; and the commands themselves.
pub fn context(plan: &Plan, hb: &Handlebars<'static>) -> Result<(Map<String, Json>, Commands)> {
    let stack = plan.stack;
    let in_manifest = |what: String, e: RenderError| in_manifest(plan, what, e);
    let mut ctx = plan.base_context();
    for (name, expr) in &stack.derived {
        let data = Context::from(Json::Object(ctx.clone()));
        let value =
            fill(hb, expr, &data).map_err(|e| in_manifest(format!("derived `{name}`"), e))?;
        ctx.insert(name.clone(), Json::String(value));
    }
    let data = Context::from(Json::Object(ctx.clone()));
    let command =
        |text: &str| fill(hb, text, &data).map_err(|e| in_manifest(format!("command `{text}`"), e));
    let own = &stack.commands;
    let mut commands = Commands {
        install: command(&own.install)?,
        lint: command(&own.lint)?,
        test: command(&own.test)?,
        start: command(&own.start)?,
        dev: own.dev.as_deref().map(command).transpose()?,
        ..Commands::default()
    };
    for (name, theirs) in &own.with {
        let or_own = |given: &Option<String>, base: &String| match given {
            Some(text) => command(text),
            None => Ok(base.clone()),
        };
        let set = Commands {
            install: command(&theirs.install)?,
            lint: or_own(&theirs.lint, &commands.lint)?,
            test: or_own(&theirs.test, &commands.test)?,
            start: or_own(&theirs.start, &commands.start)?,
            dev: match &theirs.dev {
                Some(text) => Some(command(text)?),
                None => commands.dev.clone(),
            },
            ..Commands::default()
        };
        commands
            .install_with
            .insert(name.clone(), set.install.clone());
        commands.with.insert(name.clone(), set);
    }
    ctx.insert(
        "commands".into(),
        serde_json::to_value(&commands).unwrap_or(Json::Null),
    );

    Ok((ctx, commands))
}

/// Texts of the manifest that name project paths (a migration's `rename_file`), rendered with
/// the plan's answers and derived values as a file's `to` is; `what` names them in an error.
pub fn fill_paths(plan: &Plan, texts: &[&str], what: &str) -> Result<Vec<String>> {
    let hb = helpers::registry();
    let (ctx, _) = context(plan, &hb)?;
    let data = Context::from(Json::Object(ctx));
    texts
        .iter()
        .map(|text| {
            fill(&hb, text, &data).map_err(|e| in_manifest(plan, format!("{what} `{text}`"), e))
        })
        .collect()
}

fn fault(error: TemplateError) -> Error {
    Error::Render(Box::new(error))
}

/// An error in a template text of the stack's manifest (a command, a step, a derived value).
fn in_manifest(plan: &Plan, what: String, error: RenderError) -> Error {
    let origin = plan.stack.origin;
    let manifest = origin.file(&format!("{}/sprout.toml", plan.stack.key));
    fault(TemplateError::in_manifest(
        manifest,
        &what,
        &error,
        origin.built_in,
    ))
}

/// A text of the manifest (a derived value, a command, a step, a file's `to`) with the answers;
/// one without an expression as it is.
fn fill(hb: &Handlebars<'static>, text: &str, data: &Context) -> Result<String, RenderError> {
    if !text.contains("{{") {
        return Ok(text.to_owned());
    }
    let tree = trees::parsed(text).map_err(RenderError::from)?;
    render_tree(hb, &tree, data, MAX_RENDERED_FILE_BYTES)
}

/// Render a parsed template, as Handlebars renders a text it has parsed, into at most `limit`
/// bytes.
fn render_tree(
    hb: &Handlebars<'static>,
    tree: &Template,
    data: &Context,
    limit: u64,
) -> Result<String, RenderError> {
    let mut state = RenderContext::new(tree.name.as_ref());
    let mut out = Capped::new(limit);
    let done = tree.render(hb, data, &mut state, &mut WriteOutput::new(&mut out));
    out.finish(done)
}

/// The registered template `name`, rendered with `data` under the cap on one rendered file (for
/// `template check`, which renders templates one by one).
pub fn render_registered(
    hb: &Handlebars<'static>,
    name: &str,
    data: &Map<String, Json>,
) -> Result<String, RenderError> {
    let mut out = Capped::new(MAX_RENDERED_FILE_BYTES);
    let done = hb.render_to_write(name, data, &mut out);
    out.finish(done)
}

/// A template text rendered with `data` under the cap on one rendered file.
pub fn render_text(
    hb: &Handlebars<'static>,
    text: &str,
    data: &Map<String, Json>,
) -> Result<String, RenderError> {
    let mut out = Capped::new(MAX_RENDERED_FILE_BYTES);
    let done = hb.render_template_to_write(text, data, &mut out);
    out.finish(done)
}

/// Rendered text that may not grow past a number of bytes: a template that would write more is
/// stopped there with a template fault (the caps are in `limits.rs`), never left to fill the
/// memory.
struct Capped {
    out: Vec<u8>,
    left: u64,
    /// The cap, for the message.
    limit: u64,
    over: bool,
}

impl Capped {
    fn new(limit: u64) -> Capped {
        Capped {
            out: Vec::new(),
            left: limit,
            limit,
            over: false,
        }
    }

    /// The text, or the render's error (the cap's own when it was reached).
    fn finish(self, done: Result<(), RenderError>) -> Result<String, RenderError> {
        if self.over {
            return Err(RenderErrorReason::Other(over_cap(self.limit)).into());
        }
        done?;
        String::from_utf8(self.out).map_err(RenderError::from)
    }
}

impl io::Write for Capped {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if bytes.len() as u64 > self.left {
            self.over = true;
            return Err(io::Error::other(over_cap(self.limit)));
        }
        self.left -= bytes.len() as u64;
        self.out.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The fault of a render that reached `limit`.
fn over_cap(limit: u64) -> String {
    if limit < MAX_RENDERED_FILE_BYTES {
        format!(
            "the project's rendered files would hold more than {} together, the cap on one project",
            mib(MAX_RENDERED_BYTES)
        )
    } else {
        format!(
            "it renders more than {}, the cap on one rendered file",
            mib(MAX_RENDERED_FILE_BYTES)
        )
    }
}

struct FileRenderer<'a> {
    hb: &'a Handlebars<'static>,
    data: &'a Context,
    origin: Origin,
    partials: &'a HashMap<&'static str, Partial>,
    /// Bytes the project's rendered files may still hold (files rendered at once on two
    /// threads may each take what is left: the project then holds at most one file's cap more).
    budget: AtomicU64,
}

impl FileRenderer<'_> {
    /// The cap on the next rendered file: a file's own, or what is left of the project's.
    fn limit(&self) -> u64 {
        MAX_RENDERED_FILE_BYTES.min(self.budget.load(Ordering::Relaxed))
    }

    /// Every file of `layer` rendered, in order; the first error in that order. A large layer
    /// renders in two halves on two threads (`halves`). Each file's tree is read for its
    /// render alone (`trees::once`).
    fn render_all(&self, layer: &[Selected]) -> Result<Vec<OutputFile>, TemplateError> {
        let parts = crate::halves::each(layer, |part| {
            part.iter()
                .map(|s| self.render(s))
                .collect::<Result<Vec<_>, _>>()
        })?;
        Ok(parts.into_iter().flatten().collect())
    }
}

impl FileRenderer<'_> {
    fn render(&self, selected: &Selected) -> Result<OutputFile, TemplateError> {
        let Selected {
            file,
            source,
            layer,
            rules,
        } = selected;
        let built_in = self.origin.built_in;
        let stored = || self.origin.file(&format!("{}{source}", layer.prefix));
        let rules_file = || self.origin.file(&layer.manifest);
        let mut targets = rules.iter().filter_map(|r| r.to.as_deref());
        let path = match (targets.next(), targets.next()) {
            (Some(_), Some(_)) => {
                return Err(TemplateError::other(
                    rules_file(),
                    format!("{source}: more than one rule gives `to`"),
                    built_in,
                ));
            }
            (Some(to), None) => to.to_string(),
            (None, _) => default_path(source),
        };
        let path = if path.contains("{{") {
            fill(self.hb, &path, self.data).map_err(|e| {
                TemplateError::in_manifest(rules_file(), &format!("path of {source}"), &e, built_in)
            })?
        } else {
            path
        };
        if let Err(refused) = crate::paths::check(&path) {
            return Err(TemplateError::other(
                rules_file(),
                format!("{source} cannot be written there: {refused}"),
                built_in,
            ));
        }
        let contents = if source.ends_with(".hbs") {
            let text = file.contents_utf8().ok_or_else(|| {
                TemplateError::other(stored(), "a template must be UTF-8".into(), built_in)
            })?;
            let tree = trees::once(text)
                .map_err(|e| TemplateError::from_handlebars(&e.into(), stored(), built_in))?;
            let rendered = render_tree(self.hb, &tree, self.data, self.limit())
                .map_err(|e| self.error(&e, &stored()))?;
            let used = rendered.len() as u64;
            let _ = self
                .budget
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                    Some(left.saturating_sub(used))
                });
            Cow::Owned(rendered.into_bytes())
        } else {
            Cow::Borrowed(file.contents())
        };
        let mode = if rules.iter().any(|r| r.secret) {
            MODE_SECRET
        } else if rules.iter().any(|r| r.executable) {
            MODE_EXECUTABLE
        } else {
            MODE_FILE
        };
        Ok(OutputFile {
            path,
            contents,
            mode,
        })
    }

    /// A Handlebars error in `file`, or in a partial it calls.
    fn error(&self, error: &handlebars::RenderError, file: &str) -> TemplateError {
        let partial = error
            .template_name
            .as_deref()
            .and_then(|name| self.partials.get(name));
        let built_in = self.origin.built_in;
        let mut found = match partial {
            Some(partial) => {
                TemplateError::from_handlebars(error, self.origin.file(partial.path), built_in)
            }
            None => TemplateError::from_handlebars(error, file.to_string(), built_in),
        };
        // A name near a partial that exists is a typo of it, as `template check` says.
        if let handlebars::RenderErrorReason::PartialNotFound(name) = error.reason() {
            let names: Vec<String> = self.partials.keys().map(|n| n.to_string()).collect();
            if let Some(near) = crate::error::closest(name, &names) {
                found.reason = format!("{}; did you mean `{near}`?", found.reason);
            }
        }
        found
    }
}

/// A partial: its text, and its path under the root.
struct Partial {
    text: &'static str,
    path: &'static str,
    /// Sprout's own.
    built_in: bool,
}

/// Partials by name (path under `partials/` without `.hbs`).
fn partial_sources(
    dir: Option<&'static Dir<'static>>,
    prefix: &str,
    built_in: bool,
) -> HashMap<&'static str, Partial> {
    let mut out = HashMap::new();
    for file in dir.map(walk).unwrap_or_default() {
        let path = file.path().to_str();
        let name = path
            .and_then(|p| p.strip_prefix(prefix))
            .and_then(|p| p.strip_suffix(".hbs"));
        if let (Some(name), Some(path), Some(text)) = (name, path, file.contents_utf8()) {
            out.insert(
                name,
                Partial {
                    text,
                    path,
                    built_in,
                },
            );
        }
    }
    out
}

/// Names of the partials the templates call, directly or through other partials.
fn used_partials<'a>(
    templates: impl Iterator<Item = &'a str>,
    partials: &HashMap<&'static str, Partial>,
) -> BTreeSet<&'static str> {
    let mut used = BTreeSet::new();
    let mut pending: Vec<&str> = templates.flat_map(partial_calls).collect();
    while let Some(name) = pending.pop() {
        if let Some((key, partial)) = partials.get_key_value(name)
            && used.insert(*key)
        {
            pending.extend(partial_calls(partial.text));
        }
    }
    used
}

/// `{{> name}}`, `{{~> name}}` and `{{#> name}}` calls in a template.
pub(crate) fn partial_calls(text: &str) -> impl Iterator<Item = &str> {
    // memchr's search, not `match_indices`: this runs over every template of a stack, twice.
    memchr::memmem::find_iter(text.as_bytes(), b"{{").filter_map(move |i| {
        let rest = text[i + 2..].strip_prefix('~').unwrap_or(&text[i + 2..]);
        let rest = rest.strip_prefix('#').unwrap_or(rest);
        let name = rest.strip_prefix('>')?.trim_start();
        let end = name
            .find(|c: char| c.is_whitespace() || c == '}' || c == '~')
            .unwrap_or(name.len());
        Some(&name[..end])
    })
}

/// Files stored without their leading dot, so that they do not act on sprout's own repository.
const UNDOTTED: &[&str] = &["gitignore", "gitattributes"];

/// The stored path with `.hbs` dropped and `gitignore`/`gitattributes` given their dot.
pub fn default_path(source: &str) -> String {
    let path = source.strip_suffix(".hbs").unwrap_or(source);
    let (dir, name) = match path.rsplit_once('/') {
        Some((dir, name)) => (Some(dir), name),
        None => (None, path),
    };
    match (dir, UNDOTTED.contains(&name)) {
        (Some(dir), true) => format!("{dir}/.{name}"),
        (None, true) => format!(".{name}"),
        _ => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_text_stops_at_its_cap_and_says_which() {
        use std::io::Write;
        let mut out = Capped::new(8);
        assert!(out.write_all(b"12345").is_ok());
        assert!(out.write_all(b"6789").is_err());
        let error = out.finish(Ok(())).unwrap_err();
        assert!(
            error.to_string().contains("the cap on one project"),
            "{error}"
        );
        let mut out = Capped::new(MAX_RENDERED_FILE_BYTES);
        out.write_all(b"fine").unwrap();
        assert_eq!(out.finish(Ok(())).unwrap(), "fine");
        assert!(over_cap(MAX_RENDERED_FILE_BYTES).contains("10 MiB, the cap on one rendered file"));
    }

    #[test]
    fn partial_calls_are_found_with_and_without_whitespace_control() {
        let text = "{{> ci-setup}}\n{{~> readme/docker }}\n{{>license/MIT}}{{x}} {{#> layout}}";
        let calls: Vec<&str> = partial_calls(text).collect();
        assert_eq!(
            calls,
            vec!["ci-setup", "readme/docker", "license/MIT", "layout"]
        );
    }

    #[test]
    fn gitignore_is_renamed_and_hbs_dropped() {
        assert_eq!(default_path("gitignore"), ".gitignore");
        assert_eq!(default_path("gitignore.hbs"), ".gitignore");
        assert_eq!(default_path("web/gitignore"), "web/.gitignore");
        assert_eq!(default_path("gitattributes"), ".gitattributes");
        assert_eq!(
            default_path("docs/gitattributes.md"),
            "docs/gitattributes.md"
        );
        assert_eq!(default_path("package.json.hbs"), "package.json");
        assert_eq!(default_path("src/app.js"), "src/app.js");
    }
}
