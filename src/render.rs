//! The pure render step: a plan in, the project's files (path, bytes, mode) out. No disk access.

use std::borrow::Cow;
use std::collections::BTreeMap;

use handlebars::Handlebars;
use include_dir::{Dir, File};
use serde_json::{Map, Value as Json};

use crate::catalog;
use crate::error::{Error, Result};
use crate::helpers;
use crate::manifest::FileRule;
use crate::plan::Plan;

pub const MODE_FILE: u32 = 0o644;
pub const MODE_EXECUTABLE: u32 = 0o755;

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
}

#[derive(Debug)]
pub struct Project {
    pub files: Vec<OutputFile>,
    pub commands: Commands,
}

/// Render the whole project in memory.
pub fn render(plan: &Plan) -> Result<Project> {
    let stack = plan.stack;
    let broken = |reason: String| Error::Template {
        stack: stack.key.clone(),
        reason,
    };
    let mut hb = helpers::registry();
    let shared = catalog::shared_dir();
    if let Some(partials) = shared.and_then(|d| d.get_dir("_shared/partials")) {
        register_partials(&mut hb, partials, "_shared/partials/").map_err(broken)?;
    }
    let own_partials = format!("{}/partials", stack.key);
    if let Some(partials) = stack.dir.get_dir(&own_partials) {
        register_partials(&mut hb, partials, &format!("{own_partials}/")).map_err(broken)?;
    }

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
    let commands = Commands {
        install: command(&stack.commands.install)?,
        lint: command(&stack.commands.lint)?,
        test: command(&stack.commands.test)?,
        start: command(&stack.commands.start)?,
        dev: stack.commands.dev.as_deref().map(command).transpose()?,
    };
    ctx.insert(
        "commands".into(),
        serde_json::to_value(&commands).unwrap_or(Json::Null),
    );

    let lookup = |key: &str| plan.answer(key);
    let mut files: BTreeMap<String, OutputFile> = BTreeMap::new();
    let layers: [(Option<&'static Dir<'static>>, String, Vec<FileRule>); 2] = [
        (
            shared.and_then(|d| d.get_dir("_shared/files")),
            "_shared/files/".into(),
            catalog::shared_rules()?.files,
        ),
        (
            stack.dir.get_dir(format!("{}/files", stack.key)),
            format!("{}/files/", stack.key),
            stack.rules.clone(),
        ),
    ];
    for (dir, prefix, rules) in layers {
        let Some(dir) = dir else { continue };
        let mut layer: BTreeMap<String, OutputFile> = BTreeMap::new();
        for file in walk(dir) {
            let full = file.path().to_string_lossy();
            let source = full.strip_prefix(prefix.as_str()).unwrap_or(&full);
            let matching: Vec<&FileRule> = rules.iter().filter(|r| r.matches(source)).collect();
            if !matching.iter().all(|r| r.when.holds(lookup)) {
                continue;
            }
            let rendered = render_file(&hb, &ctx, file, source, &matching).map_err(broken)?;
            if layer.contains_key(&rendered.path) {
                return Err(broken(format!(
                    "two files are written to {}",
                    rendered.path
                )));
            }
            layer.insert(rendered.path.clone(), rendered);
        }
        files.extend(layer);
    }
    Ok(Project {
        files: files.into_values().collect(),
        commands,
    })
}

fn render_file(
    hb: &Handlebars,
    ctx: &Map<String, Json>,
    file: &'static File<'static>,
    source: &str,
    rules: &[&FileRule],
) -> Result<OutputFile, String> {
    let template = source.ends_with(".hbs");
    let mut targets = rules.iter().filter_map(|r| r.to.as_deref());
    let path = match (targets.next(), targets.next()) {
        (Some(_), Some(_)) => return Err(format!("{source}: more than one rule gives `to`")),
        (Some(to), None) => to.to_string(),
        (None, _) => default_path(source),
    };
    let path = if path.contains("{{") {
        hb.render_template(&path, ctx)
            .map_err(|e| format!("path {source}: {e}"))?
    } else {
        path
    };
    let path =
        safe_path(&path).ok_or_else(|| format!("{source}: path `{path}` leaves the project"))?;
    let contents = if template {
        let text = file
            .contents_utf8()
            .ok_or_else(|| format!("{source}: a template must be UTF-8"))?;
        let out = hb
            .render_template(text, ctx)
            .map_err(|e| format!("{source}: {e}"))?;
        Cow::Owned(out.into_bytes())
    } else {
        Cow::Borrowed(file.contents())
    };
    let mode = if rules.iter().any(|r| r.executable) {
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

/// The stored path with `.hbs` dropped and `gitignore` turned into `.gitignore`.
fn default_path(source: &str) -> String {
    let path = source.strip_suffix(".hbs").unwrap_or(source);
    match path.rsplit_once('/') {
        Some((dir, "gitignore")) => format!("{dir}/.gitignore"),
        None if path == "gitignore" => ".gitignore".into(),
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

fn register_partials(
    hb: &mut Handlebars,
    dir: &'static Dir<'static>,
    prefix: &str,
) -> Result<(), String> {
    for file in walk(dir) {
        let full = file.path().to_string_lossy();
        let Some(name) = full
            .strip_prefix(prefix)
            .and_then(|p| p.strip_suffix(".hbs"))
        else {
            continue;
        };
        let text = file
            .contents_utf8()
            .ok_or_else(|| format!("partial {name} is not UTF-8"))?;
        hb.register_partial(name, text)
            .map_err(|e| format!("partial {name}: {e}"))?;
    }
    Ok(())
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
    fn gitignore_is_renamed_and_hbs_dropped() {
        assert_eq!(default_path("gitignore"), ".gitignore");
        assert_eq!(default_path("gitignore.hbs"), ".gitignore");
        assert_eq!(default_path("web/gitignore"), "web/.gitignore");
        assert_eq!(default_path("package.json.hbs"), "package.json");
        assert_eq!(default_path("src/app.js"), "src/app.js");
    }
}
