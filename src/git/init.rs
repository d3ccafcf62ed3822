//! git after the project is written. Never fails the run: the summary says what happened.
//!
//! Inside an existing repository (the target or a folder above it has a `.git`), sprout never
//! runs `git init` and never commits: the files are written and the summary says so. Outside
//! one: one `git init`; the files sprout wrote are staged by path (those the project ignores,
//! like `.env`, left out) and committed with the user's own identity and hooks. That is three git
//! processes: the files the project's own `.gitignore` ignores are known beforehand
//! ([`super::ignore`]) and not named; `git check-ignore` runs only when `git add` refuses the list
//! all the same (the user's own excludes, a negated pattern), and the add is then repeated
//! without the ignored files. With no identity
//! configured, sprout does not let git guess one from the host name: the commit is skipped and
//! the summary says why. A failed `git init` leaves no `.git` behind. A file the user's own git
//! configuration ignores (a global excludes file, `.git/info/exclude`), not the project's
//! `.gitignore`, is left out of the commit and the summary names it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use super::Git;

pub const COMMIT_MESSAGE: &str = "Initial commit from sprout";

/// The work tree `dir` belongs to: the nearest folder, from `dir` up, that has a `.git`.
pub fn enclosing_repository(dir: &Path) -> Option<PathBuf> {
    let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|d| fs::symlink_metadata(d.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

/// What the git step did.
#[derive(Debug)]
pub struct Initialised {
    /// In words, for the summary.
    pub summary: String,
    /// Whether this run made the repository (its `.git` is sprout's to remove on a roll-back).
    pub created: bool,
}

/// `git init` in `dir` and a first commit of `files` (paths relative to `dir`, all written by
/// sprout). `log` is told each git command run.
pub fn init(dir: &Path, files: &[String], log: &dyn Fn(&str)) -> Initialised {
    let untouched = |summary: String| Initialised {
        summary,
        created: false,
    };
    if files.is_empty() {
        return untouched("not used: no file was added".into());
    }
    if let Some(repo) = enclosing_repository(dir) {
        return untouched(format!(
            "not touched: inside the repository at {}; nothing committed",
            repo.display()
        ));
    }
    let summary = first_commit(dir, files, log);
    Initialised {
        created: fs::symlink_metadata(dir.join(".git")).is_ok(),
        summary,
    }
}

/// `git init` and the first commit, in a folder outside any repository.
fn first_commit(dir: &Path, files: &[String], log: &dyn Fn(&str)) -> String {
    match git(
        dir,
        &["init", "--quiet", "--initial-branch=main"],
        None,
        log,
    ) {
        Err(_) => return "skipped: git is not installed".into(),
        Ok(o) if !o.status.success() => {
            let git_dir = dir.join(".git");
            let removed =
                fs::symlink_metadata(&git_dir).is_ok() && fs::remove_dir_all(&git_dir).is_ok();
            let cleaned = if removed {
                "; its partial .git was removed"
            } else {
                ""
            };
            return format!("skipped: `git init` failed ({}){cleaned}", reason(&o));
        }
        Ok(_) => {}
    }
    // The files the project's own .gitignore ignores are not named: git would refuse the list.
    let ignored = super::ignore::by_project(dir, files).unwrap_or_default();
    let named: Vec<String> = files
        .iter()
        .filter(|f| !ignored.contains(f))
        .cloned()
        .collect();
    let mut left_out = Vec::new();
    match add_unignored(dir, &named, log, &mut left_out) {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            return format!(
                "initialised; nothing committed (`git add` failed: {})",
                reason(&o)
            );
        }
        Err(e) => return format!("initialised; nothing committed (`git add` failed: {e})"),
    }
    let commit = git(
        dir,
        &[
            "-c",
            "user.useConfigOnly=true",
            "commit",
            "--quiet",
            "-m",
            COMMIT_MESSAGE,
        ],
        None,
        log,
    );
    let left_out = match left_out.as_slice() {
        [] => String::new(),
        some => format!(
            "; left out, as your own git configuration ignores them (not the project's .gitignore): {}",
            some.iter()
                .map(|p| crate::text::shown(p).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    match commit {
        Ok(o) if o.status.success() => format!("initialised with a first commit{left_out}"),
        Ok(o) if no_identity(&o) => "initialised and files staged; first commit skipped: no git identity is set (set user.name and user.email, then `git commit`)".into(),
        Ok(o) => format!("initialised and files staged; first commit failed ({}): run `git commit` yourself", reason(&o)),
        Err(e) => format!("initialised and files staged; first commit failed ({e}): run `git commit` yourself"),
    }
}

/// Stage `files`, but those that are ignored. git refuses a list that names an ignored file
/// (having staged the others), so only then are the ignored ones looked up and the rest added
/// again; `left_out` gets those the user's own configuration ignores (not the project's).
fn add_unignored(
    dir: &Path,
    files: &[String],
    log: &dyn Fn(&str),
    left_out: &mut Vec<String>,
) -> std::io::Result<Output> {
    let all: Vec<&str> = files.iter().map(String::as_str).collect();
    let first = add(dir, &all, log)?;
    if first.status.success() {
        return Ok(first);
    }
    let ignored: Vec<String> = ignored(dir, &all, log)
        .into_iter()
        .map(|(path, by_project)| {
            if !by_project {
                left_out.push(path.clone());
            }
            path
        })
        .collect();
    if ignored.is_empty() {
        return Ok(first);
    }
    let rest: Vec<&str> = all
        .into_iter()
        .filter(|f| !ignored.iter().any(|i| i == f))
        .collect();
    add(dir, &rest, log)
}

fn add(dir: &Path, paths: &[&str], log: &dyn Fn(&str)) -> std::io::Result<Output> {
    git(
        dir,
        &[
            "-c",
            "advice.addIgnoredFile=false",
            "--literal-pathspecs",
            "add",
            "--pathspec-from-file=-",
            "--pathspec-file-nul",
        ],
        Some(&nul_separated(paths)),
        log,
    )
}

/// Which of `files` git ignores, each with whether the rule is the project's own (a
/// `.gitignore` in it) rather than the user's configuration.
fn ignored(dir: &Path, files: &[&str], log: &dyn Fn(&str)) -> Vec<(String, bool)> {
    let Ok(o) = git(
        dir,
        &["check-ignore", "--verbose", "--stdin", "-z"],
        Some(&nul_separated(files)),
        log,
    ) else {
        return Vec::new();
    };
    if !o.status.success() {
        return Vec::new();
    }
    // source NUL line NUL pattern NUL path NUL, per ignored path.
    let text = String::from_utf8_lossy(&o.stdout);
    let fields: Vec<&str> = text.split('\0').collect();
    fields
        .chunks(4)
        .filter_map(|chunk| match chunk {
            [source, _, _, path] if !path.is_empty() => {
                let own = !source.starts_with('/')
                    && !source.starts_with(".git/")
                    && Path::new(source)
                        .file_name()
                        .is_some_and(|n| n == ".gitignore");
                Some((path.to_string(), own))
            }
            _ => None,
        })
        .collect()
}

fn nul_separated(paths: &[&str]) -> Vec<u8> {
    paths.iter().flat_map(|p| p.bytes().chain([0])).collect()
}

/// git in `dir` on its own repository only (the user's hooks do run), told to `log` first.
fn git(
    dir: &Path,
    args: &[&str],
    input: Option<&[u8]>,
    log: &dyn Fn(&str),
) -> std::io::Result<Output> {
    let git = Git::at(dir).args(args);
    log(&git.shown());
    match input {
        Some(bytes) => git.output_with(bytes),
        None => git.output(),
    }
}

/// The first line git printed on stderr, or its exit status.
fn reason(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(String::from)
        .unwrap_or_else(|| output.status.to_string())
}

fn no_identity(output: &Output) -> bool {
    let err = String::from_utf8_lossy(&output.stderr);
    err.contains("Please tell me who you are")
        || err.contains("identity unknown")
        || err.contains("user.useConfigOnly")
        || err.contains("no email was given")
        || err.contains("empty ident name")
}
