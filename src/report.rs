//! What sprout prints after `new`: the human summary, the dry-run tree, the JSON object,
//! and the next steps (the same commands the project's README gives).

use std::path::Path;

use console::style;
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::doctor::{Finding, FindingJson};
use crate::plan::Plan;
use crate::render::{Commands, OutputFile, Step};
use crate::requires::Status;

#[derive(Serialize)]
pub struct Outcome<'a> {
    pub stack: &'a str,
    pub path: String,
    pub dry_run: bool,
    pub answers: Map<String, Json>,
    pub files: Vec<FileEntry<'a>>,
    pub commands: &'a Commands,
    pub next_steps: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchanged: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub install: Option<String>,
    /// The tools the project needs and what this machine has (absent with --no-preflight).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preflight: Option<Vec<FindingJson>>,
}

#[derive(Serialize)]
pub struct FileEntry<'a> {
    pub path: &'a str,
    pub size: usize,
    pub mode: String,
}

pub fn file_entries(files: &[OutputFile]) -> Vec<FileEntry<'_>> {
    files
        .iter()
        .map(|f| FileEntry {
            path: &f.path,
            size: f.contents.len(),
            mode: format!("{:o}", f.mode),
        })
        .collect()
}

/// What the next steps are made of.
pub struct NextSteps<'a> {
    pub target: &'a Path,
    /// The project's commands, of the package manager in use.
    pub commands: &'a Commands,
    /// The stack's steps between installing and running (`[[step]]`).
    pub steps: &'a [Step],
    /// The steps once the server runs (`[[step]]` with `running = true`).
    pub running: &'a [Step],
    pub port: u16,
    /// `--install` ran and succeeded: installing is not a next step.
    pub installed: bool,
    /// The tools that fall short of the project's needs.
    pub shortfalls: &'a [Finding<'a>],
    /// The operating system (`std::env::consts::OS`): `open` exists only on macOS.
    pub os: &'a str,
}

/// The commands a person runs next, in order; what is done by hand is a `# comment` line, so
/// the whole list can be pasted into a shell.
pub fn next_steps(next: &NextSteps) -> Vec<String> {
    let mut steps = vec![format!(
        "cd {}",
        shell_quote(&next.target.to_string_lossy())
    )];
    for finding in next.shortfalls {
        steps.push(format!(
            "# {}; fix: {}",
            finding.describe(),
            finding.requirement.fix
        ));
    }
    if !next.installed {
        steps.push(next.commands.install.clone());
    }
    let line = |step: &Step| match step {
        Step::Run(command) => command.clone(),
        Step::Note(note) => format!("# {note}"),
    };
    steps.extend(next.steps.iter().map(line));
    steps.push(next.commands.test.clone());
    steps.push(
        next.commands
            .dev
            .clone()
            .unwrap_or_else(|| next.commands.start.clone()),
    );
    let url = format!("http://localhost:{}/health", next.port);
    steps.push(if next.os == "macos" {
        format!("open {url}")
    } else {
        format!("curl {url}")
    });
    steps.extend(next.running.iter().map(line));
    steps
}

/// The tools that fall short, one line each, for the summary.
pub fn shortfalls_text(shortfalls: &[Finding]) -> String {
    shortfalls
        .iter()
        .map(|f| {
            format!(
                "  {} {}
",
                style("toolchain:").yellow(),
                crate::text::shown(&f.describe())
            )
        })
        .collect()
}

/// One line naming the requirements that were not checked because the template is not trusted.
pub fn unchecked_text(findings: &[Finding]) -> String {
    let tools: Vec<String> = findings
        .iter()
        .filter(|f| f.status == Status::NotChecked)
        .map(|f| crate::text::shown(&f.requirement.tool).into_owned())
        .collect();
    if tools.is_empty() {
        return String::new();
    }
    format!(
        "  {} {}: not checked (the template is not trusted; --trust runs its checks)\n",
        style("toolchain:").yellow(),
        tools.join(", ")
    )
}

/// The answers as aligned `key  value` lines.
pub fn summary(plan: &Plan) -> String {
    let width = plan.answers.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let title = crate::text::shown(&plan.stack.title);
    let mut out = format!("{} {title}\n", style("Stack").bold());
    for (key, value) in &plan.answers {
        let shown = crate::text::shown(&value.to_string().replace('\n', " ⏎ ")).into_owned();
        out.push_str(&format!("  {key:width$}  {shown}\n"));
    }
    out
}

/// The files as an indented tree with sizes, for `--dry-run`.
pub fn tree(root: &str, files: &[OutputFile]) -> String {
    let mut out = format!("{root}/\n");
    let mut open: Vec<&str> = Vec::new();
    for file in files {
        let parts: Vec<&str> = file.path.split('/').collect();
        let (dirs, name) = parts.split_at(parts.len() - 1);
        let common = open.iter().zip(dirs).take_while(|(a, b)| a == b).count();
        open.truncate(common);
        for dir in &dirs[common..] {
            out.push_str(&format!("{}{dir}/\n", "  ".repeat(open.len() + 1)));
            open.push(dir);
        }
        let exec = if file.mode & 0o111 != 0 {
            " (executable)"
        } else {
            ""
        };
        out.push_str(&format!(
            "{}{}  {}{exec}\n",
            "  ".repeat(open.len() + 1),
            name[0],
            style(human_size(file.contents.len())).dim()
        ));
    }
    let total: usize = files.iter().map(|f| f.contents.len()).sum();
    out.push_str(&format!("{} files, {}\n", files.len(), human_size(total)));
    out
}

pub fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

/// Quote for POSIX shells when needed, so a printed `cd` works as typed.
pub fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    #[test]
    fn tree_nests_folders_once() {
        console::set_colors_enabled(false);
        let file = |p: &str| OutputFile {
            path: p.into(),
            contents: Cow::Borrowed(b"abc"),
            mode: 0o644,
        };
        let files = [
            file("README.md"),
            file("src/a.js"),
            file("src/lib/b.js"),
            file("test/c.js"),
        ];
        assert_eq!(
            tree("app", &files),
            "app/\n  README.md  3 B\n  src/\n    a.js  3 B\n    lib/\n      b.js  3 B\n  test/\n    c.js  3 B\n4 files, 12 B\n"
        );
    }

    #[test]
    fn quoting_only_when_needed() {
        assert_eq!(shell_quote("./my-api"), "./my-api");
        assert_eq!(shell_quote("my dir/it's"), r"'my dir/it'\''s'");
    }
}
