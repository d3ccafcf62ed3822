//! Files the user moved or renamed. A file sprout wrote last time that is gone from its path is
//! looked for among the project's other files, as git's rename detection does: first a file with
//! the same contents, else the most similar text file sharing at least half its lines. The
//! template's change is then merged into the file where the user keeps it.
//!
//! Candidates are the files git lists in the project folder (tracked, or untracked and not
//! ignored) that are not sprout's own paths; without git nothing is looked for, and a missing
//! file stays deleted by the user.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::git::Git;
use crate::writer::update as apply;

/// The least share of equal lines for a file to count as moved (git's default, 50%).
const SIMILAR: f32 = 0.5;

/// Larger files are matched by identical contents only.
const COMPARED_BYTES: usize = 1 << 20;

/// A file sprout wrote last time that is missing from its path.
pub struct Missing<'a> {
    pub path: &'a str,
    /// Its recorded blob id (secrets masked).
    pub id: &'a str,
    /// Its contents, when the object store has them.
    pub base: Option<&'a [u8]>,
}

/// Where each missing file went: its path → the user's path. `claimed` are the paths sprout
/// itself writes or wrote (never a move's destination); `id_of` is a file's masked blob id.
pub fn find(
    dir: &Path,
    missing: &[Missing],
    claimed: &BTreeSet<&str>,
    id_of: &dyn Fn(&[u8]) -> String,
) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    if missing.is_empty() {
        return found;
    }
    let mut candidates: Vec<(String, Vec<u8>)> = listed(dir)
        .into_iter()
        .filter(|path| !claimed.contains(path.as_str()))
        .filter_map(|path| {
            let bytes = apply::read(dir, &path).ok().flatten()?;
            Some((path, bytes))
        })
        .collect();
    // Identical contents first, for every missing file.
    for file in missing {
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

/// The files git lists in `dir` (relative to it): tracked, and untracked but not ignored.
fn listed(dir: &Path) -> Vec<String> {
    let Ok(out) = Git::at(dir)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--",
            ".",
        ])
        .output()
    else {
        return Vec::new();
    };
    if !out.status.success() {
        return Vec::new();
    }
    let mut paths: Vec<String> = out
        .stdout
        .split(|b| *b == 0)
        .filter_map(|p| std::str::from_utf8(p).ok())
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect();
    paths.dedup();
    paths
}
