//! Which of the files sprout wrote the project's own `.gitignore` files (written by sprout too)
//! ignore, known before git is run: named to `git add`, such a file would make it refuse the
//! whole list, and finding which it refused takes another process (`git check-ignore`). The
//! patterns are git's, matched by `gix-ignore`. Only a prediction git's own answer can overrule
//! in one direction: a file predicted ignored is not named (so a prediction must never be
//! wrong), one git ignores although not predicted makes `git add` refuse the list, and the
//! caller then asks git.

use std::fs;
use std::path::Path;

use gix_glob::pattern::Case;
use gix_ignore::search::Ignore;

/// The paths among `files` (relative to `dir`, `/`-separated) that the `.gitignore` files among
/// them ignore, by git's rules: the last pattern that matches a path decides (a deeper
/// `.gitignore` after a shallower one; `!` re-includes), and a path in an ignored folder is
/// ignored whatever its own patterns say. `None` when an ignore file cannot be read.
pub fn by_project(dir: &Path, files: &[String]) -> Option<Vec<String>> {
    let mut search = gix_ignore::Search::default();
    let mut lists: Vec<&String> = files
        .iter()
        .filter(|f| f.rsplit('/').next() == Some(".gitignore"))
        .collect();
    if lists.is_empty() {
        return Some(Vec::new());
    }
    // Searched from the last added: the deepest folder's patterns first, as git does.
    lists.sort_by_key(|f| f.matches('/').count());
    for file in lists {
        let bytes = fs::read(dir.join(file)).ok()?;
        search
            .add_patterns_buffer(&bytes, dir.join(file), Some(dir), Ignore::default())
            .ok()?;
    }
    let ignored = |path: &str, is_dir: bool| {
        search
            .pattern_matching_relative_path(path.as_bytes().into(), Some(is_dir), Case::Sensitive)
            .is_some_and(|m| !m.pattern.is_negative())
    };
    Some(
        files
            .iter()
            .filter(|file| {
                ignored(file, false)
                    || file
                        .match_indices('/')
                        .any(|(at, _)| ignored(&file[..at], true))
            })
            .cloned()
            .collect(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let names = files.iter().map(|(p, _)| p.to_string()).collect();
        (dir, names)
    }

    #[test]
    fn files_and_folders_the_projects_ignore_files_name_are_found() {
        let (dir, files) = project(&[
            (".gitignore", ".env\n*.log\n/build/\n"),
            (".env", "S=1"),
            (".env.example", "S="),
            ("app.log", ""),
            ("src/deep.log", ""),
            ("build/out.txt", ""),
            ("src/build.txt", ""),
            ("tmp/.gitignore", "*\n"),
            ("tmp/cache", ""),
            ("src/main.py", ""),
        ]);
        let mut found = by_project(dir.path(), &files).unwrap();
        found.sort();
        assert_eq!(
            found,
            [
                ".env",
                "app.log",
                "build/out.txt",
                "src/deep.log",
                "tmp/.gitignore",
                "tmp/cache"
            ]
        );
    }

    #[test]
    fn a_negation_re_includes_but_not_inside_an_ignored_folder() {
        let (dir, files) = project(&[
            (
                ".gitignore",
                ".env\n.env.*\n!.env.example\nlogs/\n!logs/keep.log\n",
            ),
            (".env", ""),
            (".env.local", ""),
            (".env.example", ""),
            ("logs/keep.log", ""),
            ("sub/.gitignore", "!.env\n"),
            ("sub/.env", ""),
        ]);
        let mut found = by_project(dir.path(), &files).unwrap();
        found.sort();
        assert_eq!(found, [".env", ".env.local", "logs/keep.log"]);
        let (dir, files) = project(&[("a.txt", "")]);
        assert_eq!(by_project(dir.path(), &files), Some(Vec::new()));
    }

    /// What git itself says of the same files: the prediction is never another answer.
    #[test]
    fn the_prediction_is_gits_answer() {
        let (dir, files) = project(&[
            (
                ".gitignore",
                ".env\n.env.*\n!.env.example\n*.log\n/build/\ntmp/*\n!tmp/.keep\n",
            ),
            (".env", ""),
            (".env.example", ""),
            (".env.test", ""),
            ("a.log", ""),
            ("src/b.log", ""),
            ("build/x", ""),
            ("src/build/y", ""),
            ("tmp/.keep", ""),
            ("tmp/cache", ""),
            ("sub/.gitignore", "!b.log\n*.txt\n"),
            ("sub/b.log", ""),
            ("sub/c.txt", ""),
            ("c.txt", ""),
        ]);
        let git = |args: &[&str], input: &[u8]| {
            crate::git::Git::at(dir.path())
                .args(args)
                .output_with(input)
                .unwrap()
        };
        assert!(git(&["init", "--quiet"], b"").status.success());
        let list: Vec<u8> = files.iter().flat_map(|f| f.bytes().chain([0])).collect();
        let said = git(&["check-ignore", "--stdin", "-z"], &list);
        let mut by_git: Vec<String> = String::from_utf8_lossy(&said.stdout)
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect();
        by_git.sort();
        let mut found = by_project(dir.path(), &files).unwrap();
        found.sort();
        assert_eq!(found, by_git);
    }
}
