//! `git init` and the first commit, after the project is in place. Never fails the run.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// What happened, in words for the summary.
pub fn init(dir: &Path) -> String {
    let git = |args: &[&str]| -> std::io::Result<Output> {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
    };
    match git(&["init", "--quiet", "--initial-branch=main"]) {
        Err(_) => return "skipped: git is not installed".into(),
        Ok(o) if !o.status.success() => return "skipped: `git init` failed".into(),
        Ok(_) => {}
    }
    if !git(&["add", "--all"]).is_ok_and(|o| o.status.success()) {
        return "initialised; nothing committed (`git add` failed)".into();
    }
    match git(&["commit", "--quiet", "--no-verify", "-m", "Initial commit from sprout"]) {
        Ok(o) if o.status.success() => "initialised with a first commit".into(),
        Ok(o) if no_identity(&o) => {
            "initialised; first commit skipped (set git user.name and user.email, then `git commit`)".into()
        }
        _ => "initialised; first commit failed (run `git commit` yourself)".into(),
    }
}

fn no_identity(output: &Output) -> bool {
    let err = String::from_utf8_lossy(&output.stderr);
    err.contains("Please tell me who you are")
        || err.contains("identity unknown")
        || err.contains("user.useConfigOnly")
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
