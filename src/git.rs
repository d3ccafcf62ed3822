//! `git init` and the first commit, after the project is in place. Never fails the run.

use std::path::Path;
use std::process::{Command, Stdio};

/// What happened, in words for the summary.
pub fn init(dir: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
    };
    match git(&["init", "--quiet", "--initial-branch=main"]) {
        Err(_) => return "skipped: git is not installed".into(),
        Ok(s) if !s.success() => return "skipped: `git init` failed".into(),
        Ok(_) => {}
    }
    if !git(&["add", "--all"]).is_ok_and(|s| s.success()) {
        return "initialised; nothing committed (`git add` failed)".into();
    }
    let has_identity = ["user.name", "user.email"].iter().all(|key| {
        Command::new("git")
            .args(["config", "--get", key])
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
    });
    if !has_identity {
        return "initialised; first commit skipped (set git user.name and user.email, then `git commit`)".into();
    }
    match git(&[
        "commit",
        "--quiet",
        "--no-verify",
        "-m",
        "Initial commit from sprout",
    ]) {
        Ok(s) if s.success() => "initialised with a first commit".into(),
        _ => "initialised; first commit failed (run `git commit` yourself)".into(),
    }
}
