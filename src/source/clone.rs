//! Cloning a template repository with the system `git`, shallow where possible, never asking
//! for anything (no terminal prompt, ssh in batch mode), so it fails instead of hanging.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::git::REPOSITORY_ENV;

/// Clone `url` into the empty folder `dir` at `reference` (a tag, branch or commit; the default
/// branch when `None`) and return the commit checked out, or why it failed.
pub fn clone(url: &str, reference: Option<&str>, dir: &Path) -> Result<String, String> {
    let target = dir.to_string_lossy();
    match reference {
        None => {
            git(
                None,
                &["clone", "--quiet", "--depth", "1", "--", url, &target],
            )?;
        }
        // A tag or a branch: one shallow clone.
        Some(reference)
            if git(
                None,
                &[
                    "clone", "--quiet", "--depth", "1", "--branch", reference, "--", url, &target,
                ],
            )
            .is_ok() => {}
        // A commit: fetch just that one (servers that refuse fall back to the whole history).
        Some(reference) => {
            git(Some(dir), &["init", "--quiet"])?;
            let shallow = git(
                Some(dir),
                &["fetch", "--quiet", "--depth", "1", "--", url, reference],
            );
            if shallow.is_err() {
                git(Some(dir), &["fetch", "--quiet", "--", url])
                    .map_err(|e| format!("cannot fetch it: {e}"))?;
            }
            let target = if shallow.is_ok() {
                "FETCH_HEAD"
            } else {
                reference
            };
            git(Some(dir), &["checkout", "--quiet", "--detach", target])
                .map_err(|_| format!("no tag, branch or commit `{reference}` in the repository"))?;
        }
    }
    let head = git(Some(dir), &["rev-parse", "HEAD"])?;
    Ok(head.trim().to_string())
}

/// Run git (in `dir`, if given) with no terminal to ask on; its stdout, or its first error line.
fn git(dir: Option<&Path>, args: &[&str]) -> Result<String, String> {
    let mut command = Command::new("git");
    command
        .args([
            "-c",
            "advice.detachedHead=false",
            "-c",
            "core.symlinks=true",
        ])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GCM_INTERACTIVE", "never")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if std::env::var_os("GIT_SSH_COMMAND").is_none() {
        command.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    for name in REPOSITORY_ENV {
        command.env_remove(name);
    }
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let output = command.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "git is not installed".to_string(),
        _ => format!("cannot run git: {e}"),
    })?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    // git's own first error line says what failed; advice follows it.
    let lines = || stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    let line = lines()
        .find_map(|l| {
            l.strip_prefix("fatal: ")
                .or_else(|| l.strip_prefix("error: "))
        })
        .or_else(|| lines().next_back())
        .map(String::from)
        .unwrap_or_else(|| output.status.to_string());
    Err(format!("`git {}` failed: {line}", args[0]))
}
