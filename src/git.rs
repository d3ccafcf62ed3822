//! git after the project is written. Never fails the run: the summary says what happened.
//!
//! Inside an existing repository (the target or a folder above it has a `.git`), sprout never
//! runs `git init` and never commits: the files are written and the summary says so. Outside
//! one: one `git init`; the files sprout wrote are staged by path (those the project ignores,
//! like `.env`, left out) and committed with the user's own identity and hooks. With no identity
//! configured, sprout does not let git guess one from the host name: the commit is skipped and
//! the summary says why. A failed `git init` leaves no `.git` behind.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const COMMIT_MESSAGE: &str = "Initial commit from sprout";

/// Variables that would point git at another repository than the project's own.
pub const REPOSITORY_ENV: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
];

/// The work tree `dir` belongs to: the nearest folder, from `dir` up, that has a `.git`.
pub fn enclosing_repository(dir: &Path) -> Option<PathBuf> {
    let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|d| fs::symlink_metadata(d.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

/// `git init` in `dir` and a first commit of `files` (paths relative to `dir`, all written by
/// sprout); what happened, in words for the summary. `log` is told each git command run.
pub fn init(dir: &Path, files: &[String], log: &dyn Fn(&str)) -> String {
    if files.is_empty() {
        return "not used: no file was added".into();
    }
    if let Some(repo) = enclosing_repository(dir) {
        return format!(
            "not touched: inside the repository at {}; nothing committed",
            repo.display()
        );
    }
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
    let ignored = ignored(dir, files, log);
    let to_add: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|f| !ignored.iter().any(|i| i == f))
        .collect();
    let list = nul_separated(&to_add);
    match git(
        dir,
        &[
            "--literal-pathspecs",
            "add",
            "--pathspec-from-file=-",
            "--pathspec-file-nul",
        ],
        Some(&list),
        log,
    ) {
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
    match commit {
        Ok(o) if o.status.success() => "initialised with a first commit".into(),
        Ok(o) if no_identity(&o) => "initialised and files staged; first commit skipped: no git identity is set (set user.name and user.email, then `git commit`)".into(),
        Ok(o) => format!("initialised and files staged; first commit failed ({}): run `git commit` yourself", reason(&o)),
        Err(e) => format!("initialised and files staged; first commit failed ({e}): run `git commit` yourself"),
    }
}

/// Which of `files` the project's own ignore rules leave out.
fn ignored(dir: &Path, files: &[String], log: &dyn Fn(&str)) -> Vec<String> {
    let all: Vec<&str> = files.iter().map(String::as_str).collect();
    match git(
        dir,
        &["check-ignore", "--stdin", "-z"],
        Some(&nul_separated(&all)),
        log,
    ) {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    }
}

fn nul_separated(paths: &[&str]) -> Vec<u8> {
    paths.iter().flat_map(|p| p.bytes().chain([0])).collect()
}

/// Run git in `dir` on its own repository only, without automatic maintenance (the user's
/// hooks do run).
fn git(
    dir: &Path,
    args: &[&str],
    input: Option<&[u8]>,
    log: &dyn Fn(&str),
) -> std::io::Result<Output> {
    log(&format!("git {}", args.join(" ")));
    let mut command = Command::new("git");
    command
        .args(["-c", "maintenance.auto=false", "-c", "gc.auto=0"])
        .args(args)
        .current_dir(dir)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in REPOSITORY_ENV {
        command.env_remove(name);
    }
    let mut child = command.spawn()?;
    if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(bytes)?;
    }
    child.wait_with_output()
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

/// A value of the user's git configuration (`user.name`), when git is there and it is set.
pub fn config(key: &str) -> Option<String> {
    let output = Command::new("git")
        .args(["config", "--get", key])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let value = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && !value.is_empty()).then_some(value)
}
