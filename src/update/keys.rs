//! Files of `KEY=VALUE` lines holding generated secrets (`.env`), merged by key when both sides
//! changed them: every line the user has is kept as it is, and each key the template added is
//! appended with the template's line (its secrets freshly generated). Reports name keys, never
//! values.

use std::collections::BTreeSet;

use serde::Serialize;

/// The keys an update adds to a secrets file, and those the template no longer writes that the
/// file keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Keys {
    pub added: Vec<String>,
    pub dropped: Vec<String>,
}

impl Keys {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.dropped.is_empty()
    }

    /// `added A, B; dropped by the template, kept: C`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.added.is_empty() {
            parts.push(format!("added {}", self.added.join(", ")));
        }
        if !self.dropped.is_empty() {
            parts.push(format!(
                "dropped by the template, kept: {}",
                self.dropped.join(", ")
            ));
        }
        parts.join("; ")
    }
}

/// The key of a `KEY=VALUE` line (`export KEY=VALUE` too); `None` for a blank line or a comment.
fn key(line: &str) -> Option<&str> {
    let line = line.trim_start();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let line = line.strip_prefix("export ").unwrap_or(line);
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-');
    plain.then_some(key)
}

/// Whether every line of `text` is blank, a comment or `KEY=VALUE`.
pub fn is_key_file(text: &str) -> bool {
    text.lines().all(|line| {
        key(line).is_some() || line.trim().is_empty() || line.trim_start().starts_with('#')
    })
}

fn keys(text: &str) -> BTreeSet<&str> {
    text.lines().filter_map(key).collect()
}

/// The user's file with the template's added keys appended (`None` when `ours` or `theirs` is
/// not a file of `KEY=VALUE` lines), and what changed by key. `base` is what sprout wrote last
/// time, when known: without it, every key of `theirs` the user lacks is added.
pub fn merge(base: Option<&str>, ours: &str, theirs: &str) -> Option<(String, Keys)> {
    if !is_key_file(ours) || !is_key_file(theirs) {
        return None;
    }
    let known = base.map(keys).unwrap_or_default();
    let mine = keys(ours);
    let new = keys(theirs);
    let mut merged = ours.to_string();
    let mut report = Keys::default();
    for line in theirs.lines() {
        let Some(k) = key(line) else { continue };
        if mine.contains(k) || known.contains(k) || report.added.iter().any(|a| a == k) {
            continue;
        }
        if !merged.is_empty() && !merged.ends_with('\n') {
            merged.push('\n');
        }
        merged.push_str(line);
        merged.push('\n');
        report.added.push(k.to_string());
    }
    report.dropped = known
        .iter()
        .filter(|k| mine.contains(*k) && !new.contains(*k))
        .map(|k| k.to_string())
        .collect();
    Some((merged, report))
}

/// What changed by key between two versions of a secrets file, for a report that shows no value:
/// keys `after` has that `before` lacks, and keys `base` had that `theirs` no longer writes but
/// `after` keeps.
pub fn changed(base: Option<&str>, before: &str, after: &str, theirs: Option<&str>) -> Keys {
    let had = keys(before);
    let now = keys(after);
    let new = theirs.map(keys).unwrap_or_default();
    Keys {
        added: now
            .iter()
            .filter(|k| !had.contains(*k))
            .map(|k| k.to_string())
            .collect(),
        dropped: base
            .map(keys)
            .unwrap_or_default()
            .iter()
            .filter(|k| now.contains(*k) && !new.contains(*k))
            .map(|k| k.to_string())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_lines_stay_and_the_templates_new_keys_are_appended() {
        let base = "DEBUG=1\nTOKEN=t\nMODE=dev\n";
        let ours = "# mine\nDEBUG=0\nTOKEN=t\nMODE=staging";
        let theirs = "DEBUG=2\nTOKEN=t\nexport LOG_LEVEL=info\n";
        let (merged, keys) = merge(Some(base), ours, theirs).unwrap();
        assert_eq!(
            merged,
            "# mine\nDEBUG=0\nTOKEN=t\nMODE=staging\nexport LOG_LEVEL=info\n"
        );
        assert_eq!(keys.added, ["LOG_LEVEL"]);
        assert_eq!(keys.dropped, ["MODE"]);
    }

    #[test]
    fn a_key_the_user_removed_is_not_added_back() {
        let (merged, keys) = merge(Some("A=1\nB=2\n"), "A=1\n", "A=2\nB=2\n").unwrap();
        assert_eq!(merged, "A=1\n");
        assert!(keys.is_empty());
    }

    #[test]
    fn a_file_that_is_not_key_value_lines_is_not_merged_by_key() {
        assert!(merge(None, "A=1\nnot a pair\n", "A=2\n").is_none());
        assert!(merge(None, "A=1\n", "{\"a\": 1}\n").is_none());
    }
}
