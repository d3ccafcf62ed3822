//! Files the user moved or renamed. A file sprout wrote last time that is gone from its path is
//! looked for where the user keeps it, and the template's change is merged into it there.
//!
//! Where the base is a commit of the repository (`refs/sprout/base`, or sprout's first commit),
//! git's own rename detection decides for every file git sees (`git diff --find-renames` from
//! the base to the work tree: what `git status` and `git log --follow` would say). Files git
//! does not see (untracked, not ignored), and every file where the base is no commit, are
//! compared here as git compares them: first a file with the same contents, else the most similar
//! text file sharing at least half its lines. Candidates are never sprout's own paths. Without
//! a repository the project's folder is walked instead (hidden folders, symbolic links and the
//! folders its `.gitignore` names plainly left out, at most [`WALKED`] files); its base contents
//! are then unknown, so only a file with the same contents is found.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::git::Git;
use crate::writer::update as apply;

/// The least share of equal lines for a file to count as moved (git's default, 50%).
const SIMILAR: f32 = 0.5;

/// Larger files are matched by identical contents only.
const COMPARED_BYTES: usize = 1 << 20;

/// Without a repository, at most this many of the project's files are looked at.
const WALKED: usize = 20_000;

/// A file sprout wrote last time that is missing from its path.
pub struct Missing<'a> {
    pub path: &'a str,
    /// Its path in the base commit (another when a migration moved it since).
    pub base_path: &'a str,
    /// Its recorded blob id (secrets masked).
    pub id: &'a str,
    /// Its contents, when the object store has them.
    pub base: Option<&'a [u8]>,
}

/// Where each missing file went: its path → the user's path. `base` is the commit holding the
/// base, when there is one; `claimed` are the paths sprout itself writes or wrote (never a move's
/// destination); `id_of` is a file's masked blob id.
pub fn find(
    dir: &Path,
    base: Option<&str>,
    missing: &[Missing],
    claimed: &BTreeSet<&str>,
    id_of: &dyn Fn(&[u8]) -> String,
) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    if missing.is_empty() {
        return found;
    }
    // git's answer for the files it sees.
    let renamed = base.and_then(|commit| crate::git::renames::renames(dir, commit));
    if let Some(renamed) = &renamed {
        let by_base: BTreeMap<&str, &str> = renamed
            .iter()
            .map(|(old, new)| (old.as_str(), new.as_str()))
            .collect();
        for file in missing {
            if let Some(to) = by_base.get(file.base_path)
                && !claimed.contains(to)
                && apply::read(dir, to).ok().flatten().is_some()
            {
                found.insert(file.path.to_string(), to.to_string());
            }
        }
    }
    let taken: BTreeSet<String> = found.values().cloned().collect();
    let missing: Vec<&Missing> = missing
        .iter()
        .filter(|f| !found.contains_key(f.path))
        .collect();
    let names = listed(dir, renamed.is_none()).unwrap_or_else(|| walked(dir));
    let mut candidates: Vec<(String, Vec<u8>)> = names
        .into_iter()
        .filter(|path| !claimed.contains(path.as_str()) && !taken.contains(path))
        .filter_map(|path| {
            let bytes = apply::read(dir, &path).ok().flatten()?;
            Some((path, bytes))
        })
        .collect();
    // Identical contents first, for every missing file.
    for file in &missing {
        if let Some(n) = candidates.iter().position(|(_, b)| id_of(b) == file.id) {
            let (path, _) = candidates.swap_remove(n);
            found.insert(file.path.to_string(), path);
        }
    }
    // Then the most similar, best pairs first.
    let mut scored = Vec::new();
    for file in missing.iter().filter(|f| !found.contains_key(f.path)) {
        let Some(base) = file.base.and_then(text) else {
            continue;
        };
        for (n, (path, bytes)) in candidates.iter().enumerate() {
            let Some(theirs) = text(bytes) else { continue };
            let ratio = similar::TextDiff::from_lines(base, theirs).ratio();
            if ratio >= SIMILAR {
                let same_name = name(path) == name(file.path);
                scored.push((ratio, same_name, file.path, n));
            }
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut taken = BTreeSet::new();
    for (_, _, path, n) in scored {
        if found.contains_key(path) || !taken.insert(n) {
            continue;
        }
        found.insert(path.to_string(), candidates[n].0.clone());
    }
    found
}

fn text(bytes: &[u8]) -> Option<&str> {
    if bytes.len() > COMPARED_BYTES {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

fn name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The files git lists in `dir` (relative to it): untracked but not ignored, and with `tracked`
/// the tracked ones too. `None` outside a repository (or without git).
fn listed(dir: &Path, tracked: bool) -> Option<Vec<String>> {
    let which: &[&str] = if tracked {
        &["--cached", "--others"]
    } else {
        &["--others"]
    };
    let out = Git::at(dir)
        .args(["ls-files", "-z"])
        .args(which)
        .args(["--exclude-standard", "--", "."])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let mut paths: Vec<String> = out
        .stdout
        .split(|b| *b == 0)
        .filter_map(|p| std::str::from_utf8(p).ok())
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect();
    paths.dedup();
    Some(paths)
}

/// The files under `dir` (relative to it), sorted: hidden folders, symbolic links and the
/// folders the project's `.gitignore` names plainly (`node_modules/`, `/target`) left out, at
/// most [`WALKED`].
fn walked(dir: &Path) -> Vec<String> {
    let ignored = plain_ignores(dir);
    let mut found = Vec::new();
    let mut folders = vec![String::new()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(dir.join(&folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let (Ok(name), Ok(kind)) = (entry.file_name().into_string(), entry.file_type()) else {
                continue;
            };
            let path = match folder.as_str() {
                "" => name.clone(),
                folder => format!("{folder}/{name}"),
            };
            if kind.is_dir()
                && !name.starts_with('.')
                && !ignored.iter().any(|i| *i == name || *i == path)
            {
                folders.push(path);
            } else if kind.is_file() && found.len() < WALKED {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The entries of the project's top `.gitignore` that name a file or folder plainly (no pattern
/// characters), without their leading and trailing `/`.
fn plain_ignores(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(".gitignore")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with(['#', '!']) && !l.contains(['*', '?', '[', '\\']))
        .map(|l| l.trim_matches('/').to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_git_the_walk_leaves_out_hidden_and_plainly_ignored_folders() {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x\n").unwrap();
        };
        std::fs::write(
            dir.path().join(".gitignore"),
            "/node_modules/\n*.log\nbuild\n",
        )
        .unwrap();
        for path in [
            "src/a.js",
            "lib/b.js",
            "node_modules/x/i.js",
            ".venv/c.py",
            "web/build/d.js",
            "e.log",
        ] {
            write(path);
        }
        assert_eq!(
            walked(dir.path()),
            [".gitignore", "e.log", "lib/b.js", "src/a.js"]
        );
    }
}
