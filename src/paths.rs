//! The one path validator. Every path sprout writes, reads back or removes in a project — a
//! template's file or its rule's `to`, a lock file, a record's `[files]`, a migration's rename —
//! passes [`check`] before it is used, and [`no_link_on_the_way`] before it is touched on disk.
//!
//! A path is relative and `/`-separated; every segment is a plain name (not empty, `.` or `..`,
//! no `\`, `:` or control character), so it cannot leave the project. It is not in git's own
//! folder, in any spelling that a file system could take for `.git` (`.GIT` where names fold
//! case, `.git.` or `git~1` on Windows, `.g\u{200c}it` on macOS): a file there is a hook or a
//! configuration that git runs. And it is not `.sprout.toml`, sprout's record, which only sprout
//! writes. On disk, no part of it may be a symbolic link: a link on the way could lead anywhere,
//! `.git` included.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::text;

/// The record's file name, which no template may write.
pub const RECORD: &str = ".sprout.toml";

/// Why a path is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    Empty,
    Absolute,
    /// A `..` segment.
    Parent,
    /// An empty or `.` segment.
    NotPlain,
    /// A character no portable path holds (`\`, `:`, a control character).
    Odd(char),
    /// Inside `.git`.
    Git,
    /// Sprout's own record.
    Record,
}

/// A refused path and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub path: String,
    pub why: Why,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = text::shown(&self.path);
        match &self.why {
            Why::Empty => write!(f, "an empty path"),
            Why::Absolute => write!(f, "`{path}` is absolute: it leaves the project"),
            Why::Parent => write!(f, "`{path}` leaves the project (`..`)"),
            Why::NotPlain => write!(
                f,
                "`{path}` is not a plain path inside the project (an empty or `.` part)"
            ),
            Why::Odd(c) => write!(f, "`{path}` holds {}", text::shown(&format!("{c:?}"))),
            Why::Git => write!(
                f,
                "`{path}` is inside .git, git's own folder (its hooks and configuration run commands)"
            ),
            Why::Record => write!(
                f,
                "`{path}` is sprout's own record, which only sprout writes"
            ),
        }
    }
}

impl std::error::Error for Refused {}

/// Check a project path (see the module's rules).
pub fn check(path: &str) -> Result<(), Refused> {
    relative(path)?;
    let refused = |why| {
        Err(Refused {
            path: path.to_string(),
            why,
        })
    };
    if path.split('/').any(is_git) {
        return refused(Why::Git);
    }
    if path.eq_ignore_ascii_case(RECORD) {
        return refused(Why::Record);
    }
    Ok(())
}

/// Whether `path` is a plain relative path (every rule of [`check`] but `.git` and the record):
/// for names that are not written to the project (a partial's name).
pub fn relative(path: &str) -> Result<(), Refused> {
    let refused = |why| {
        Err(Refused {
            path: path.to_string(),
            why,
        })
    };
    if path.is_empty() {
        return refused(Why::Empty);
    }
    if path.starts_with('/') {
        return refused(Why::Absolute);
    }
    if let Some(c) = path
        .chars()
        .find(|c| matches!(c, '\\' | ':') || text::is_hazard(*c))
    {
        return refused(Why::Odd(c));
    }
    if path.split('/').any(|s| s == "..") {
        return refused(Why::Parent);
    }
    if path.split('/').any(|s| s.is_empty() || s == ".") {
        return refused(Why::NotPlain);
    }
    Ok(())
}

/// Whether a file system could take `segment` for `.git`: any case, with the trailing dots and
/// spaces Windows drops, its 8.3 short name, or with the characters HFS+ ignores.
fn is_git(segment: &str) -> bool {
    let visible: String = segment
        .chars()
        .filter(|c| !matches!(c, '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}'))
        .collect();
    let trimmed = visible.trim_end_matches(['.', ' ']);
    trimmed.eq_ignore_ascii_case(".git") || trimmed.eq_ignore_ascii_case("git~1")
}

/// The first symbolic link among the existing parts of `relative` below `root`, if any (the
/// parts after the first missing one do not exist either).
pub fn no_link_on_the_way(root: &Path, relative: &str) -> Result<(), PathBuf> {
    let mut path = root.to_path_buf();
    for segment in relative.split('/') {
        path.push(segment);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => return Err(path),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(path: &str) -> Option<Why> {
        check(path).err().map(|r| r.why)
    }

    #[test]
    fn paths_that_leave_the_project_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a/",
            "a/.",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
        assert_eq!(why("a\\b"), Some(Why::Odd('\\')));
        assert_eq!(why("c:/x"), Some(Why::Odd(':')));
        assert_eq!(why("a\u{1b}[2Jb"), Some(Why::Odd('\u{1b}')));
        assert_eq!(why("a\0b"), Some(Why::Odd('\0')));
        assert!(check("src/main/java/com/example/App.java").is_ok());
        assert!(check(".github/workflows/ci.yml").is_ok());
    }

    #[test]
    fn every_spelling_of_git_is_refused() {
        for bad in [
            ".git/hooks/post-commit",
            ".git/config",
            ".git",
            ".GIT/config",
            ".Git/HEAD",
            "sub/.git/hooks/pre-commit",
            ".git./config",
            ".git /config",
            "GIT~1/config",
            ".g\u{206a}it/config",
        ] {
            assert_eq!(why(bad), Some(Why::Git), "{bad:?}");
        }
        for bad in ["./.git/config", "a/../.git/config", ".g\u{200c}it/config"] {
            assert!(check(bad).is_err(), "{bad}");
        }
        for fine in [
            ".gitignore",
            ".github/x",
            "git/config",
            ".gitkeep",
            "a.git/x",
        ] {
            assert!(check(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn the_record_is_no_templates_to_write() {
        assert_eq!(why(".sprout.toml"), Some(Why::Record));
        assert_eq!(why(".SPROUT.toml"), Some(Why::Record));
        assert!(check("docs/.sprout.toml").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_on_the_way_is_found() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::os::unix::fs::symlink(".git", dir.path().join("docs")).unwrap();
        assert!(no_link_on_the_way(dir.path(), "real/x/y").is_ok());
        assert_eq!(
            no_link_on_the_way(dir.path(), "docs/hooks/pre-commit"),
            Err(dir.path().join("docs"))
        );
    }
}
