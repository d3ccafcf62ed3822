//! Conflicts as git knows them. After an update wrote conflict markers, each conflicted file is
//! registered in the index with its three stages (1 the base, 2 yours, 3 sprout's new version),
//! as `git merge` leaves them: `git status` shows it unmerged, `git mergetool` and editors offer
//! to resolve it, and `git commit` refuses until it is resolved (`git add`). `sprout check`
//! finds files that still hold conflict markers, committed or not.

use std::io::Write;
use std::path::Path;

use crate::git::Git;

use super::base;

/// One conflicted file: where it was written and its three versions.
#[derive(Debug, Clone)]
pub struct Stages {
    /// The project path the conflict markers were written to.
    pub path: String,
    pub mode: u32,
    /// What sprout wrote last time; `None` when unknown (no stage 1, as for an add/add).
    pub base: Option<Vec<u8>>,
    pub ours: Vec<u8>,
    pub theirs: Vec<u8>,
}

/// Register `conflicts` in the index of the repository holding `dir` (nothing without one).
/// Failures are ignored: the markers in the files are still there, and `sprout check` finds them.
pub fn register(dir: &Path, conflicts: &[Stages]) {
    if conflicts.is_empty() || !base::in_repository(dir) {
        return;
    }
    let Some(prefix) = Git::at(dir).args(["rev-parse", "--show-prefix"]).text() else {
        return;
    };
    let Ok(temp) = tempfile::tempdir() else {
        return;
    };
    // Every version as a file, hashed and stored by one `git hash-object`.
    let mut listed = Vec::new();
    let mut names = Vec::new();
    for (n, stages) in conflicts.iter().enumerate() {
        let versions = [
            (1, stages.base.as_deref()),
            (2, Some(stages.ours.as_slice())),
            (3, Some(stages.theirs.as_slice())),
        ];
        for (stage, bytes) in versions {
            let Some(bytes) = bytes else { continue };
            let file = temp.path().join(format!("{n}-{stage}"));
            if std::fs::write(&file, bytes).is_err() {
                return;
            }
            listed.push((n, stage));
            names.push(file.to_string_lossy().into_owned());
        }
    }
    let input: String = names.iter().map(|n| format!("{n}\n")).collect();
    let Ok(out) = Git::at(dir)
        .args(["hash-object", "-w", "--no-filters", "--stdin-paths"])
        .output_with(input.as_bytes())
    else {
        return;
    };
    let ids: Vec<&str> = std::str::from_utf8(&out.stdout)
        .unwrap_or_default()
        .lines()
        .collect();
    if !out.status.success() || ids.len() != listed.len() {
        return;
    }
    let mut info = Vec::new();
    let zero = "0".repeat(40);
    for (n, stages) in conflicts.iter().enumerate() {
        let path = format!("{prefix}{}", stages.path);
        // The path's stage 0 goes first, then its stages.
        let _ = write!(info, "0 {zero}\t{path}\0");
        for ((m, stage), id) in listed.iter().zip(&ids) {
            if *m == n {
                let mode = base::file_mode(stages.mode);
                let _ = write!(info, "{mode} {id} {stage}\t{path}\0");
            }
        }
    }
    let _ = Git::at(dir)
        .args(["update-index", "-z", "--index-info"])
        .output_with(&info);
}

/// The files among `paths` (project paths) that hold a conflict block: a `<<<<<<<` line, then
/// `=======`, then `>>>>>>>`, each at the start of a line.
pub fn with_markers(dir: &Path, paths: &[String]) -> Vec<String> {
    paths
        .iter()
        .filter(|path| {
            crate::writer::update::read(dir, path)
                .ok()
                .flatten()
                .is_some_and(|bytes| holds_markers(&bytes))
        })
        .cloned()
        .collect()
}

/// Whether `bytes` hold a conflict block.
pub fn holds_markers(bytes: &[u8]) -> bool {
    let mut wanted = ["<<<<<<<", "=======", ">>>>>>>"].iter().peekable();
    for line in bytes.split(|b| *b == b'\n') {
        let Some(marker) = wanted.peek() else { break };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.starts_with(marker.as_bytes()) && (line.len() == 7 || line[7] == b' ') {
            wanted.next();
        }
    }
    wanted.peek().is_none()
}

/// Paths git holds unmerged (stages 1–3) in the project folder, relative to it.
pub fn unmerged(dir: &Path) -> Vec<String> {
    let Ok(out) = Git::at(dir)
        .args(["ls-files", "-u", "-z", "--", "."])
        .output()
    else {
        return Vec::new();
    };
    let mut paths: Vec<String> = out
        .stdout
        .split(|b| *b == 0)
        .filter_map(|entry| {
            let entry = std::str::from_utf8(entry).ok()?;
            entry.split_once('\t').map(|(_, path)| path.to_string())
        })
        .collect();
    paths.dedup();
    paths
}

/// Files tracked in the project folder (relative to it), for the marker scan.
pub fn tracked(dir: &Path) -> Vec<String> {
    let Ok(out) = Git::at(dir).args(["ls-files", "-z", "--", "."]).output() else {
        return Vec::new();
    };
    out.stdout
        .split(|b| *b == 0)
        .filter_map(|p| std::str::from_utf8(p).ok())
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_block_is_found_and_lookalikes_are_not() {
        assert!(holds_markers(
            b"a\n<<<<<<< yours\nx\n||||||| base\ny\n=======\nz\n>>>>>>> new\nb\n"
        ));
        assert!(holds_markers(
            b"<<<<<<<\r\nx\r\n=======\r\ny\r\n>>>>>>>\r\n"
        ));
        assert!(!holds_markers(b"<<<<<<< yours\nx\n"));
        assert!(!holds_markers(b"=======\n<<<<<<< a\n>>>>>>> b\n"));
        assert!(!holds_markers(b"Title\n=======\n\ntext <<<<<<< inline\n"));
    }
}
