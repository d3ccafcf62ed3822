//! Files the user moved or renamed. A file sprout wrote last time that is gone from its path is
//! looked for where the user keeps it, and the template's change is merged into it there.
//!
//! Where the base is a commit of the repository (`refs/sprout/base`, or sprout's first commit),
//! git's own rename detection decides for every file git sees (`git diff --find-renames` from
//! the base to the work tree: what `git status` and `git log --follow` would say). Files git
//! does not see (untracked, not ignored), and every file where the base is no commit, are
//! compared here as git compares them: first a file with the same contents, else the most similar
//! text file sharing at least half its lines. Candidates are never sprout's own paths; without
//! git nothing is looked for, and a missing file stays deleted by the user.

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
    let mut candidates: Vec<(String, Vec<u8>)> = listed(dir, renamed.is_none())
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
/// the tracked ones too.
fn listed(dir: &Path, tracked: bool) -> Vec<String> {
    let which: &[&str] = if tracked {
        &["--cached", "--others"]
    } else {
        &["--others"]
    };
    let Ok(out) = Git::at(dir)
        .args(["ls-files", "-z"])
        .args(which)
        .args(["--exclude-standard", "--", "."])
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
