//! `sprout update --branch NAME`: the update on a new branch, for a bot to open a pull request
//! from. The branch starts at the user's `HEAD` in a worktree of its own (a temporary folder), the
//! update is written and committed there, and the worktree is removed: the user's branch, index
//! and files are never touched. An update with conflicts is committed nowhere.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::git::Git;

use super::{Fate, Preview};

/// Refuse a name git does not take as a branch, and a branch that exists.
pub fn check_name(dir: &Path, name: &str) -> Result<()> {
    let valid = Git::at(dir)
        .args(["check-ref-format", "--branch", name])
        .output()
        .is_ok_and(|out| out.status.success());
    if !valid || name.starts_with('-') {
        return Err(Error::Usage(format!(
            "--branch: `{name}` is not a name git takes for a branch"
        )));
    }
    let exists = Git::at(dir)
        .args([
            "show-ref",
            "--verify",
            "--quiet",
            &format!("refs/heads/{name}"),
        ])
        .output()
        .is_ok_and(|out| out.status.success());
    if exists {
        return Err(Error::BranchExists {
            name: name.to_string(),
        });
    }
    Ok(())
}

/// A new branch checked out in a temporary worktree; removed (with the branch, unless committed)
/// when dropped.
pub struct Worktree {
    name: String,
    /// The user's project folder (where git commands about the repository run).
    repo: PathBuf,
    /// The worktree's top.
    top: PathBuf,
    /// The project's folder inside the worktree.
    pub dir: PathBuf,
    committed: bool,
    _temp: tempfile::TempDir,
}

fn failed(name: &str, reason: impl Into<String>) -> Error {
    Error::BranchFailed {
        name: name.to_string(),
        reason: reason.into(),
    }
}

/// Run `git ARGS` in `dir`; its stdout, or the branch's error with git's own words.
fn git(dir: &Path, name: &str, args: &[&str]) -> Result<String> {
    let out = Git::at(dir)
        .args(args)
        .output()
        .map_err(|e| failed(name, format!("git {}: {e}", args.join(" "))))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        return Err(failed(
            name,
            format!("git {} failed: {}", args.join(" "), said.trim()),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl Worktree {
    /// Branch `name` from `HEAD`, checked out in a temporary folder.
    pub fn open(dir: &Path, name: &str) -> Result<Worktree> {
        let prefix = git(dir, name, &["rev-parse", "--show-prefix"])?;
        let temp = tempfile::Builder::new()
            .prefix("sprout-branch-")
            .tempdir()
            .map_err(|e| failed(name, format!("cannot make a temporary folder: {e}")))?;
        let top = temp.path().join("tree");
        let top_text = top.to_string_lossy().into_owned();
        git(
            dir,
            name,
            &["worktree", "add", "--quiet", "-b", name, &top_text, "HEAD"],
        )?;
        Ok(Worktree {
            name: name.to_string(),
            repo: dir.to_path_buf(),
            dir: top.join(prefix.trim_end_matches('\n')),
            top,
            committed: false,
            _temp: temp,
        })
    }

    /// Commit every change in the project's folder with `message`; the commit's id.
    pub fn commit(&mut self, message: &str) -> Result<String> {
        git(&self.dir, &self.name, &["add", "--all", "--", "."])?;
        git(
            &self.dir,
            &self.name,
            &["commit", "--quiet", "--no-verify", "-m", message],
        )?;
        let id = git(&self.dir, &self.name, &["rev-parse", "HEAD"])?;
        self.committed = true;
        Ok(id.trim().to_string())
    }
}

impl Drop for Worktree {
    fn drop(&mut self) {
        let top = self.top.to_string_lossy().into_owned();
        let _ = Git::at(&self.repo)
            .args(["worktree", "remove", "--force", &top])
            .output();
        let _ = Git::at(&self.repo).args(["worktree", "prune"]).output();
        if !self.committed {
            let _ = Git::at(&self.repo)
                .args(["branch", "--quiet", "-D", &self.name])
                .output();
        }
    }
}

/// The commit message: the template versions, the changed answers, each file's fate.
pub fn message(preview: &Preview) -> String {
    // A record without a version was made from version 1.
    let version = |v: Option<u32>| v.unwrap_or(1).to_string();
    // `--to-latest`: the template's tag moved too.
    let tag = preview
        .tags
        .as_ref()
        .and_then(|t| Some(format!(", tag {} → {}", t.before.as_ref()?, t.tag)))
        .unwrap_or_default();
    let mut text = format!(
        "Update {} template {} → {}{tag} (sprout {})\n",
        preview.stack,
        version(preview.template_version.before),
        version(preview.template_version.after),
        preview.sprout_version.after.as_deref().unwrap_or("?"),
    );
    let mut answers = Vec::new();
    for (key, after) in &preview.answers.after {
        match preview.answers.before.get(key) {
            Some(before) if before != after => answers.push(format!("  {key}: {before} → {after}")),
            None if preview.defaulted.contains(key) => answers.push(format!(
                "  {key}: (not recorded) → {after} (today's default)"
            )),
            _ => {}
        }
    }
    if !answers.is_empty() {
        text.push_str("\nAnswers:\n");
        text.push_str(&answers.join("\n"));
        text.push('\n');
    }
    let files: Vec<String> = preview
        .files
        .iter()
        .filter(|f| f.fate != Fate::Unchanged)
        .map(|f| {
            let to =
                f.to.as_deref()
                    .map(|t| format!(" → {t}"))
                    .unwrap_or_default();
            format!("  {} {}{to}", f.fate.word(), f.path)
        })
        .collect();
    if !files.is_empty() {
        text.push_str("\nFiles:\n");
        text.push_str(&files.join("\n"));
        text.push('\n');
    }
    text
}
