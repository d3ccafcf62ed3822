//! Three-way merge of one file with `git merge-file --diff3`, run by the one git runner:
//! conflict blocks carry the base section and labels naming both sides. Without git, or for a
//! file that is not text, both versions are kept in one conflict block; nothing is ever dropped.

use std::path::Path;

use crate::error::{Error, Result};
use crate::git::Git;

pub const OURS: &str = "yours (in the project)";
pub const BASE: &str = "sprout's previous version";
pub const THEIRS: &str = "sprout's new version";

#[derive(Debug, PartialEq, Eq)]
pub struct Merged {
    pub bytes: Vec<u8>,
    /// How many conflict blocks the result holds.
    pub conflicts: usize,
}

/// Merge the change from `base` to `theirs` into `ours`. `base` is `None` when it is unknown:
/// every difference is then a conflict.
pub fn three_way(base: Option<&[u8]>, ours: &[u8], theirs: &[u8]) -> Result<Merged> {
    if ours == theirs {
        return Ok(Merged {
            bytes: ours.to_vec(),
            conflicts: 0,
        });
    }
    if base == Some(ours) {
        return Ok(Merged {
            bytes: theirs.to_vec(),
            conflicts: 0,
        });
    }
    if base == Some(theirs) {
        return Ok(Merged {
            bytes: ours.to_vec(),
            conflicts: 0,
        });
    }
    let is_text = |b: &[u8]| std::str::from_utf8(b).is_ok() && !b.contains(&0);
    if is_text(ours)
        && is_text(theirs)
        && base.is_none_or(is_text)
        && let Some(merged) = with_git(base.unwrap_or_default(), ours, theirs)?
    {
        return Ok(merged);
    }
    Ok(whole_file_conflict(base.unwrap_or_default(), ours, theirs))
}

fn with_git(base: &[u8], ours: &[u8], theirs: &[u8]) -> Result<Option<Merged>> {
    let dir = tempfile::tempdir().map_err(Error::system("cannot create a temporary folder"))?;
    let write = |name: &str, bytes: &[u8]| -> Result<std::path::PathBuf> {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::Write {
            path: path.clone(),
            source: e,
        })?;
        Ok(path)
    };
    let (o, b, t) = (
        write("ours", ours)?,
        write("base", base)?,
        write("theirs", theirs)?,
    );
    let output = Git::at(dir.path())
        .args(["merge-file", "-p", "--diff3"])
        .args(["-L", OURS, "-L", BASE, "-L", THEIRS])
        .args([&o, &b, &t])
        .output();
    let Ok(output) = output else {
        return Ok(None);
    };
    // The exit status is the number of conflicts (0 clean); a negative one (255) is an error.
    match output.status.code() {
        Some(n) if (0..=127).contains(&n) => Ok(Some(Merged {
            bytes: output.stdout,
            conflicts: usize::try_from(n).unwrap_or(1),
        })),
        _ => Ok(None),
    }
}

/// One conflict block holding both whole versions (and the base, possibly empty).
fn whole_file_conflict(base: &[u8], ours: &[u8], theirs: &[u8]) -> Merged {
    let mut bytes = Vec::with_capacity(base.len() + ours.len() + theirs.len() + 200);
    let mut section = |marker: &str, body: &[u8]| {
        bytes.extend_from_slice(marker.as_bytes());
        bytes.push(b'\n');
        bytes.extend_from_slice(body);
        if !body.is_empty() && !body.ends_with(b"\n") {
            bytes.push(b'\n');
        }
    };
    section(&format!("<<<<<<< {OURS}"), ours);
    section(&format!("||||||| {BASE}"), base);
    section("=======", theirs);
    bytes.extend_from_slice(format!(">>>>>>> {THEIRS}\n").as_bytes());
    Merged {
        bytes,
        conflicts: 1,
    }
}

/// Whether git can merge here (tests of the fallback need to know).
pub fn git_available() -> bool {
    Git::at(Path::new("/"))
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separate_changes_are_combined() {
        let base = b"a\nb\nc\nd\ne\n";
        let ours = b"A\nb\nc\nd\ne\n";
        let theirs = b"a\nb\nc\nd\nE\n";
        let merged = three_way(Some(base), ours, theirs).unwrap();
        assert_eq!(merged.conflicts, 0);
        assert_eq!(merged.bytes, b"A\nb\nc\nd\nE\n");
    }

    #[test]
    fn overlapping_changes_give_diff3_markers_with_labels() {
        let merged = three_way(Some(b"x\n"), b"mine\n", b"new\n").unwrap();
        assert_eq!(merged.conflicts, 1);
        let text = String::from_utf8(merged.bytes).unwrap();
        assert!(
            text.contains(&format!(
                "<<<<<<< {OURS}\nmine\n||||||| {BASE}\nx\n=======\nnew\n>>>>>>> {THEIRS}\n"
            )),
            "{text}"
        );
    }

    #[test]
    fn without_a_base_both_versions_are_kept() {
        let merged = whole_file_conflict(b"", b"mine", b"new\n");
        let text = String::from_utf8(merged.bytes).unwrap();
        assert!(text.contains("mine\n") && text.contains("new\n"));
        assert_eq!(merged.conflicts, 1);
    }
}
