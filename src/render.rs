//! The pure render step: a plan in, the project's files (path, bytes, mode) out. No disk access.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use handlebars::Handlebars;
use include_dir::{Dir, File};
use serde_json::{Map, Value as Json};

use crate::catalog;
use crate::error::{Error, Result};
use crate::helpers::{self, RawText};
use crate::lift;
use crate::manifest::FileRule;
use crate::plan::Plan;

/// Bytes of template compiled at once (see `lift::pieces`).
const PIECE_SIZE: usize = 512;

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

/// One of the steps between installing and running (`[[step]]`), rendered.
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
    /// The steps whose condition holds, in manifest order.
    pub steps: Vec<Step>,
}

/// Render the whole project in memory.
pub fn render(plan: &Plan) -> Result<Project> {
    render_with(plan, true)
}

/// One file chosen by the rules, before rendering.
struct Selected<'r> {
    file: &'static File<'static>,
    source: &'static str,
    rules: Vec<&'r FileRule>,
}

/// `lift_text = false` hands every template to Handlebars whole: the output is the same (a test
/// checks it), only slower.
pub fn render_with(plan: &Plan, lift_text: bool) -> Result<Project> {
    let stack = plan.stack;
    let broken = |reason: String| Error::Template {
        stack: stack.key.clone(),
        reason,
    };
    let (mut hb, raw) = helpers::registry();
    let (ctx, commands) = context(plan, &hb)?;

    // Choose the files first, so only the partials they use are parsed.
    let shared = Some(stack.shared);
    let shared_rules = catalog::shared_rules(stack.shared)?.files;
    let layers = [
        (
            shared.and_then(|d| catalog::child(d, "files")),
            "_shared/files/".to_string(),
            &shared_rules,
        ),
        (
            catalog::child(stack.dir, "files"),
            format!("{}/files/", stack.key),
            &stack.rules,
        ),
    ];
    let lookup = |key: &str| plan.answer(key);
    let mut chosen: Vec<Vec<Selected>> = Vec::with_capacity(2);
    for (dir, prefix, rules) in &layers {
        let mut layer = Vec::new();
        for file in dir.map(walk).unwrap_or_default() {
            let Some(source) = file
                .path()
                .to_str()
                .and_then(|p| p.strip_prefix(prefix.as_str()))
            else {
                return Err(broken(format!(
                    "{} is not a UTF-8 path",
                    file.path().display()
                )));
            };
            let matching: Vec<&FileRule> = rules.iter().filter(|r| r.matches(source)).collect();
            if matching.iter().all(|r| r.when.holds(lookup)) {
                layer.push(Selected {
                    file,
                    source,
                    rules: matching,
                });
            }
        }
        chosen.push(layer);
    }

    let mut partials = partial_sources(
        shared.and_then(|d| catalog::child(d, "partials")),
        "_shared/partials/",
    );
    let own = format!("{}/partials", stack.key);
    partials.extend(partial_sources(
        catalog::child(stack.dir, "partials"),
        &format!("{own}/"),
    ));
    let templates = chosen
        .iter()
        .flatten()
        .filter(|s| s.source.ends_with(".hbs"))
        .filter_map(|s| s.file.contents_utf8());
    for name in used_partials(templates, &partials) {
        if let Some(text) = partials.get(name) {
            hb.register_partial(name, *text)
                .map_err(|e| broken(format!("partial {name}: {e}")))?;
        }
    }

    let renderer = FileRenderer {
        hb: &hb,
        raw: &raw,
        ctx: &ctx,
        lift_text,
    };
    let mut files: BTreeMap<String, OutputFile> = BTreeMap::new();
    for layer in chosen {
        let mut rendered_layer: BTreeMap<String, OutputFile> = BTreeMap::new();
        for selected in layer {
            let rendered = renderer.render(&selected).map_err(broken)?;
            if rendered_layer.contains_key(&rendered.path) {
                return Err(broken(format!(
                    "two files are written to {}",
                    rendered.path
                )));
            }
            rendered_layer.insert(rendered.path.clone(), rendered);
        }
        // A stack's own file replaces a shared one at the same path.
        files.extend(rendered_layer);
    }
    let mut steps = Vec::new();
    for step in &stack.steps {
        if !step.when.holds(lookup) {
            continue;
        }
        let text = |t: &str| {
            hb.render_template(t, &ctx)
                .map_err(|e| broken(format!("step `{t}`: {e}")))
        };
        match (&step.run, &step.note) {
            (Some(run), _) => steps.push(Step::Run(text(run)?)),
            (None, Some(note)) => steps.push(Step::Note(text(note)?)),
            (None, None) => {}
        }
    }
    Ok(Project {
        files: files.into_values().collect(),
        commands,
        steps,
    })
}

/// What every template of the plan sees: the answers, secrets, stack, year, the derived values
/// (in order) and the rendered commands; and the commands themselves.
pub fn context(plan: &Plan, hb: &Handlebars<'static>) -> Result<(Map<String, Json>, Commands)> {
    let stack = plan.stack;
    let broken = |reason: String| Error::Template {
        stack: stack.key.clone(),
        reason,
    };
    let mut ctx = plan.base_context();
    for (name, expr) in &stack.derived {
        let value = hb
            .render_template(expr, &ctx)
            .map_err(|e| broken(format!("derived `{name}`: {e}")))?;
        ctx.insert(name.clone(), Json::String(value));
    }
    let command = |text: &str| {
        hb.render_template(text, &ctx)
            .map_err(|e| broken(format!("command `{text}`: {e}")))
    };
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

struct FileRenderer<'a> {
    hb: &'a Handlebars<'static>,
    raw: &'a RawText,
    ctx: &'a Map<String, Json>,
    lift_text: bool,
}

impl FileRenderer<'_> {
    fn render(&self, selected: &Selected) -> Result<OutputFile, String> {
        let Selected {
            file,
            source,
            rules,
        } = selected;
        let mut targets = rules.iter().filter_map(|r| r.to.as_deref());
        let path = match (targets.next(), targets.next()) {
            (Some(_), Some(_)) => return Err(format!("{source}: more than one rule gives `to`")),
            (Some(to), None) => to.to_string(),
            (None, _) => default_path(source),
        };
        let path = if path.contains("{{") {
            self.hb
                .render_template(&path, self.ctx)
                .map_err(|e| format!("path {source}: {e}"))?
        } else {
            path
        };
        let path = safe_path(&path)
            .ok_or_else(|| format!("{source}: path `{path}` leaves the project"))?;
        let contents = if source.ends_with(".hbs") {
            let text = file
                .contents_utf8()
                .ok_or_else(|| format!("{source}: a template must be UTF-8"))?;
            Cow::Owned(
                self.template(text)
                    .map_err(|e| format!("{source}: {e}"))?
                    .into_bytes(),
            )
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

    fn template(&self, text: &'static str) -> Result<String, handlebars::RenderError> {
        if !self.lift_text {
            return self.hb.render_template(text, self.ctx);
        }
        let lifted = lift::lift(text);
        self.raw.set(lifted.chunks);
        let mut out = String::with_capacity(text.len());
        for piece in lift::pieces(&lifted.template, PIECE_SIZE) {
            out.push_str(&self.hb.render_template(piece, self.ctx)?);
        }
        Ok(out)
    }
}

/// Partials by name (path under `partials/` without `.hbs`).
fn partial_sources(
    dir: Option<&'static Dir<'static>>,
    prefix: &str,
) -> HashMap<&'static str, &'static str> {
    let mut out = HashMap::new();
    for file in dir.map(walk).unwrap_or_default() {
        let name = file
            .path()
            .to_str()
            .and_then(|p| p.strip_prefix(prefix))
            .and_then(|p| p.strip_suffix(".hbs"));
        if let (Some(name), Some(text)) = (name, file.contents_utf8()) {
            out.insert(name, text);
        }
    }
    out
}

/// Names of the partials the templates call, directly or through other partials.
fn used_partials<'a>(
    templates: impl Iterator<Item = &'a str>,
    partials: &HashMap<&'static str, &'static str>,
) -> BTreeSet<&'static str> {
    let mut used = BTreeSet::new();
    let mut pending: Vec<&str> = templates.flat_map(partial_calls).collect();
    while let Some(name) = pending.pop() {
        if let Some((key, text)) = partials.get_key_value(name)
            && used.insert(*key)
        {
            pending.extend(partial_calls(text));
        }
    }
    used
}

/// `{{> name}}`, `{{~> name}}` and `{{#> name}}` calls in a template.
fn partial_calls(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("{{").filter_map(move |(i, _)| {
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

/// `path` normalised to `/`-separated segments, or None if it could leave the project.
pub fn safe_path(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let ok = !path.is_empty()
        && segments
            .iter()
            .all(|s| !s.is_empty() && *s != "." && *s != ".." && !s.contains(['\\', '\0', ':']));
    ok.then(|| segments.join("/"))
}

fn walk(dir: &'static Dir<'static>) -> Vec<&'static File<'static>> {
    let mut out: Vec<&'static File<'static>> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(walk(sub));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_project_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a\\b",
            "c:/x",
            "a/",
        ] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
        assert_eq!(
            safe_path("src/main/java/com/example/App.java").as_deref(),
            Some("src/main/java/com/example/App.java")
        );
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
