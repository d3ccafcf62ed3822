//! Cloning a template repository with the system `git`, shallow where possible, never asking
//! for anything (no terminal prompt, ssh in batch mode), so it fails instead of hanging.

use std::path::Path;

use crate::git::Git;

/// Clone `url` into the empty folder `dir` at `reference` (a tag, branch or commit; the default
/// branch when `None`) and return the commit checked out, or why it failed.
pub fn clone(url: &str, reference: Option<&str>, dir: &Path) -> Result<String, String> {
    // git would read a reference or URL that starts with `-` as an option.
    if let Some(option) = reference.filter(|r| r.starts_with('-')) {
        return Err(format!(
            "`#{option}` is not a tag, branch or commit: it starts with `-`"
        ));
    }
    if url.starts_with('-') {
        return Err(format!("`{url}` is not a git URL: it starts with `-`"));
    }
    let target = dir.to_string_lossy();
    match reference {
        None => {
            git(
                None,
                &["clone", "--quiet", "--depth", "1", "--", url, &target],
            )?;
        }
        Some(reference) => {
            // A tag or a branch: one shallow clone. A commit: fetch just that one (from a server
            // that refuses, the whole history). When nothing works, the clone's error says why.
            let cloned = git(
                None,
                &[
                    "clone", "--quiet", "--depth", "1", "--branch", reference, "--", url, &target,
                ],
            );
            if let Err(clone_error) = cloned {
                fetch_commit(url, reference, dir).map_err(|e| e.unwrap_or(clone_error))?;
            }
        }
    }
    let head = git(Some(dir), &["rev-parse", "HEAD"])?;
    Ok(head.trim().to_string())
}

/// Check out `reference` (a commit, or any ref) of `url` in `dir`. `Err(None)` when the
/// repository could not be fetched at all.
fn fetch_commit(url: &str, reference: &str, dir: &Path) -> Result<(), Option<String>> {
    git(Some(dir), &["init", "--quiet"]).map_err(Some)?;
    let shallow = git(
        Some(dir),
        &["fetch", "--quiet", "--depth", "1", "--", url, reference],
    );
    if shallow.is_err() {
        git(Some(dir), &["fetch", "--quiet", "--", url]).map_err(|_| None)?;
    }
    let target = if shallow.is_ok() {
        "FETCH_HEAD"
    } else {
        reference
    };
    git(Some(dir), &["checkout", "--quiet", "--detach", target])
        .map(|_| ())
        .map_err(|_| {
            Some(format!(
                "no tag, branch or commit `{reference}` in the repository"
            ))
        })
}

/// Run git (in `dir`, if given) with no terminal to ask on; its stdout, or its first error line.
fn git(dir: Option<&Path>, args: &[&str]) -> Result<String, String> {
    let git = match dir {
        Some(dir) => Git::at(dir),
        None => Git::anywhere(),
    }
    .args([
        "-c",
        "advice.detachedHead=false",
        "-c",
        "core.symlinks=true",
    ])
    // A URL never names a command to run (`ext::sh -c …`); ssh never asks.
    .remote()
    .args(args);
    let output = git.output().map_err(|e| crate::git::remote::not_run(&e))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A reference or URL that git would take for an option is refused before git runs: the
    /// folder stays empty and no command named in it runs.
    #[test]
    fn a_reference_or_url_that_reads_as_an_option_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let pwned = tmp.path().join("pwned");
        let option = format!("--upload-pack=touch {}", pwned.display());
        let into = tmp.path().join("clone");
        std::fs::create_dir(&into).unwrap();
        let by_reference = clone("https://example.invalid/t.git", Some(&option), &into);
        assert!(by_reference.unwrap_err().contains("starts with `-`"));
        let by_url = clone(&option, None, &into);
        assert!(by_url.unwrap_err().contains("starts with `-`"));
        assert!(!pwned.exists());
        assert_eq!(std::fs::read_dir(&into).unwrap().count(), 0);
    }
}
