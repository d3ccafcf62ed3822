//! `sprout update` and `sprout add`: re-render a project's recorded stack and answers with the
//! running sprout's templates and merge the change since the last render into the user's files.
//!
//! Three versions of each file: the base (what sprout wrote last time, from `base`), ours (the
//! project's file) and theirs (today's render). [`prepare`] decides each file's [`Fate`] without
//! touching the disk; [`run`] writes the result all or nothing.

pub mod base;
pub mod branch;
pub mod command;
pub mod index;
pub mod keys;
pub mod merge;
pub mod migrate;
pub mod moves;
pub mod secret;
pub mod tags;
mod tree;
pub mod unrecorded;
mod year;

pub use unrecorded::Unrecorded;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::answers;
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::record::{self, Record};
use crate::render::{self, MODE_FILE};

use crate::writer::update as apply;
use apply::Change;

/// What happens to one file; the words are the README's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fate {
    /// Neither side changed it (or both made the same change).
    Unchanged,
    /// The template changed it and the user did not: the new version is written.
    Updated,
    /// The user changed it and the template did not: left as it is.
    Kept,
    /// Both changed it in different places: both changes combined.
    Merged,
    /// Both changed the same lines (or the user made a file where the template adds one):
    /// conflict markers.
    Conflict,
    /// The template added it.
    Added,
    /// The user deleted it: it stays deleted.
    DeletedByUser,
    /// The template removed it and the user never edited it: removed.
    Removed,
    /// The template removed it but the user edited it: kept.
    KeptEdited,
    /// It holds generated secrets and both sides changed it: the user's file is kept as it is.
    KeptSecrets,
    /// It holds generated secrets, both sides changed it, and the template added keys: the
    /// user's lines kept as they are, the new keys appended (their secrets generated).
    MergedKeys,
    /// A migration moved it (to the path in `to`).
    Moved,
}

impl Fate {
    pub fn word(self) -> &'static str {
        match self {
            Fate::Unchanged => "unchanged",
            Fate::Updated => "updated",
            Fate::Kept => "kept",
            Fate::Merged => "merged",
            Fate::Conflict => "conflict",
            Fate::Added => "added",
            Fate::DeletedByUser => "deleted-by-user",
            Fate::Removed => "removed",
            Fate::KeptEdited => "kept-edited",
            Fate::KeptSecrets => "kept-secrets",
            Fate::MergedKeys => "merged-keys",
            Fate::Moved => "moved",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FileFate {
    pub path: String,
    pub fate: Fate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// A secrets file's keys the update adds, and those the template dropped that it keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<keys::Keys>,
    /// Whether it holds generated secrets (`--diff` then shows keys, never lines).
    #[serde(skip)]
    pub secret: bool,
    #[serde(skip)]
    pub before: Option<Vec<u8>>,
    #[serde(skip)]
    pub after: Option<Vec<u8>>,
}

/// Everything an update would do, decided in memory.
#[derive(Debug, Serialize)]
pub struct Preview {
    pub dir: PathBuf,
    pub stack: String,
    pub template_version: Versions<Option<u32>>,
    pub sprout_version: Versions<Option<String>>,
    pub answers: Versions<serde_json::Map<String, serde_json::Value>>,
    /// Options the record lacked that took today's default (`--yes`).
    pub defaulted: Vec<String>,
    /// Where the base came from: "record", "first-commit" or "none".
    pub base: &'static str,
    pub files: Vec<FileFate>,
    pub conflicts: Vec<String>,
    /// A git template read at a version tag: that tag and the newer ones its repository holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<tags::Tags>,
    #[serde(skip)]
    pub changes: Vec<Change>,
    #[serde(skip)]
    pub record: String,
    #[serde(skip)]
    old_record: String,
    #[serde(skip)]
    pub stored_base: Vec<base::BaseFile>,
    /// Each conflict's three versions, for git's index.
    #[serde(skip)]
    pub stages: Vec<index::Stages>,
    /// The project's commands after the update (what `--verify` runs).
    #[serde(skip)]
    pub commands: render::Commands,
}

#[derive(Debug, Serialize)]
pub struct Versions<T> {
    pub before: T,
    pub after: T,
}

impl Preview {
    /// Whether the project is current: nothing to write, and the record would not change.
    pub fn is_current(&self) -> bool {
        self.changes.is_empty() && self.record == self.old_record
    }

    /// Every fate but `unchanged`.
    pub fn notable(&self) -> impl Iterator<Item = &FileFate> {
        self.files.iter().filter(|f| f.fate != Fate::Unchanged)
    }
}

/// Decide every file's fate. `set` holds `KEY=VALUE` answers to change; an option the record
/// lacks is refused.
pub fn prepare(catalog: &Catalog, dir: &Path, set: &[(String, String)]) -> Result<Preview> {
    prepare_with(catalog, dir, set, Unrecorded::Refuse)
}

/// [`prepare`], with `unrecorded` saying what an option the record lacks takes.
pub fn prepare_with(
    catalog: &Catalog,
    dir: &Path,
    set: &[(String, String)],
    unrecorded: Unrecorded,
) -> Result<Preview> {
    let mut record = Record::read(dir)?;
    let old_record_text = std::fs::read_to_string(dir.join(record::FILE_NAME)).unwrap_or_default();
    let before_answers = crate::value::to_json(&record.answers);
    let stack = catalog.load(&record.stack)?;
    // The record names the source the project is now rendered from, at its commit.
    record.template = stack.source.source().map(|s| s.to_string());
    record.template_commit = stack.source.commit().map(String::from);
    let moves = migrate::apply(&mut record, &stack.migrations).map_err(|reason| Error::Record {
        path: dir.join(record::FILE_NAME),
        reason,
    })?;
    let mut missing = unrecorded::Missing {
        rule: unrecorded,
        defaulted: Vec::new(),
    };
    let answers = answers::from_record(&stack, &record, set, Some(&mut missing))?;

    // Today's render, secrets masked.
    let tokens = secret::tokens(&stack.secrets);
    let mut plan = Plan {
        stack: &stack,
        answers,
        secrets: tokens.clone(),
        year: record.year.unwrap_or_else(crate::secrets::current_year),
    };
    // The migrations' moves, their paths rendered with the project's answers. A path today's
    // template still writes is not moved away (it would be both removed and written).
    let moves = migrate::render(moves, |texts| {
        render::fill_paths(&plan, texts, "migration's rename_file path")
    })?;
    let mut rendered = render::render(&plan)?;
    let moves: migrate::Moves = moves
        .into_iter()
        .filter(|(old, _)| !rendered.files.iter().any(|f| f.path == *old))
        .collect();
    // The files as the record names them: the render its base commit holds.
    let recorded_files = record.files.clone();
    migrate::place(&mut record, &moves).map_err(|reason| Error::Record {
        path: dir.join(record::FILE_NAME),
        reason,
    })?;
    let moved_to: BTreeMap<&str, &str> = moves
        .iter()
        .map(|(o, n)| (n.as_str(), o.as_str()))
        .collect();
    let read_ours = |path: &str| -> Result<Option<Vec<u8>>> {
        match apply::read(dir, path)? {
            None => match moved_to.get(path) {
                Some(old) => apply::read(dir, old),
                None => Ok(None),
            },
            found => Ok(found),
        }
    };
    // A record without a year: the year the project's files show, not this year.
    if record.year.is_none()
        && let Some(shown) =
            year::shown(&rendered.files, plan.year, &|p| read_ours(p).ok().flatten())
    {
        plan.year = shown;
        rendered = render::render(&plan)?;
    }
    let commands = rendered.commands;
    let masked = rendered.files;
    let values = secret::recover(&stack.secrets, &masked, &|p| read_ours(p).ok().flatten())?;

    // The base: the record's blob ids, else sprout's first commit.
    let (base_ids, base_source) = if !record.files.is_empty() {
        (record.files.clone(), "record")
    } else if let Some(mut ids) = base::first_commit_ids(dir) {
        migrate::follow(&mut ids, &moves);
        (ids, "first-commit")
    } else {
        (BTreeMap::new(), "none")
    };
    let wanted: Vec<&str> = base_ids.values().map(String::as_str).collect();
    let base_blobs = base::fetch(dir, &wanted);

    let theirs: BTreeMap<&str, &render::OutputFile> =
        masked.iter().map(|f| (f.path.as_str(), f)).collect();
    let paths: BTreeSet<&str> = theirs
        .keys()
        .copied()
        .chain(base_ids.keys().map(String::as_str))
        .filter(|p| *p != record::FILE_NAME)
        .collect();

    // Files the user moved: sprout's files missing from their paths, found where the user keeps them.
    let mut gone = Vec::new();
    for path in &paths {
        if let Some(id) = base_ids.get(*path)
            && read_ours(path)?.is_none()
        {
            gone.push(moves::Missing {
                path,
                base_path: moved_to.get(path).copied().unwrap_or(path),
                id,
                base: base_blobs.get(id).map(Vec::as_slice),
            });
        }
    }
    let mut claimed = paths.clone();
    claimed.insert(record::FILE_NAME);
    claimed.extend(moves.iter().map(|(old, _)| old.as_str()));
    let base_commit = (!gone.is_empty())
        .then(|| base::commit(dir, (base_source == "record").then_some(&recorded_files)))
        .flatten();
    let user_moves = moves::find(dir, base_commit.as_deref(), &gone, &claimed, &|bytes| {
        base::blob_id(&secret::mask(bytes, &values))
    });

    let mut files = Vec::new();
    let mut changes = Vec::new();
    let mut new_ids = BTreeMap::new();
    let mut stored_base = Vec::new();
    let mut stages = Vec::new();
    for (old, new) in &moves {
        if apply::read(dir, new)?.is_none() && apply::read(dir, old)?.is_some() {
            files.push(FileFate {
                path: old.clone(),
                fate: Fate::Moved,
                to: Some(new.clone()),
                keys: None,
                secret: false,
                before: None,
                after: None,
            });
            changes.push(Change::Remove { path: old.clone() });
        }
    }
    for path in paths {
        let moved = files.iter().any(|f| f.to.as_deref() == Some(path));
        // Where the user keeps the file: its path, or where they moved it.
        let user_path = user_moves.get(path);
        let at = user_path.map_or(path, String::as_str);
        let ours = match user_path {
            Some(moved_to) => apply::read(dir, moved_to)?,
            None => read_ours(path)?,
        };
        let base_id = base_ids.get(path);
        let base_bytes = base_id
            .and_then(|id| base_blobs.get(id))
            .map(|b| secret::unmask(b, &values));
        let ours_untouched = match (&ours, base_id) {
            (Some(ours), Some(id)) => base::blob_id(&secret::mask(ours, &values)) == *id,
            _ => false,
        };
        let theirs_file = theirs.get(path);
        let theirs_bytes = theirs_file.map(|f| secret::unmask(&f.contents, &values));
        let theirs_id = theirs_file.map(|f| base::blob_id(&f.contents));
        if let (Some(file), Some(id)) = (theirs_file, &theirs_id) {
            new_ids.insert(path.to_string(), id.clone());
            // A blob the base's lookup found is in the store: named by its id, not written.
            stored_base.push(base::BaseFile {
                path: path.to_string(),
                mode: file.mode,
                contents: if base_blobs.contains_key(id) {
                    base::Contents::Stored(id.clone())
                } else {
                    base::Contents::Inline(file.contents.to_vec())
                },
            });
        }
        let holds_secret =
            theirs_file.is_some_and(|f| secret::holds_secret(&f.contents, &stack.secrets));
        let Some((fate, after)) = decide(&Sides {
            base_id: base_id.map(String::as_str),
            base: base_bytes.as_deref(),
            untouched: ours_untouched,
            ours: ours.as_deref(),
            theirs: theirs_id.as_deref().zip(theirs_bytes.as_deref()),
            holds_secret,
        })?
        else {
            continue;
        };
        // A secrets file's change, by key.
        let key_report = match (holds_secret, &ours) {
            (true, Some(ours)) => {
                let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                let report = keys::changed(
                    base_bytes.as_deref().map(text).as_deref(),
                    &text(ours),
                    &text(after.as_deref().unwrap_or(ours)),
                    theirs_bytes.as_deref().map(text).as_deref(),
                );
                (!report.is_empty()).then_some(report)
            }
            _ => None,
        };
        let mode = theirs_file.map_or(MODE_FILE, |f| f.mode);
        if let (Fate::Conflict, Some(ours), Some(theirs)) = (fate, &ours, &theirs_bytes) {
            stages.push(index::Stages {
                path: at.to_string(),
                mode,
                base: base_bytes.clone(),
                ours: ours.clone(),
                theirs: theirs.clone(),
            });
        }
        // A moved file is written at its new path even when its contents stay.
        let after = match (after, moved, &ours) {
            (None, true, Some(ours)) if fate != Fate::DeletedByUser => Some(ours.clone()),
            (after, _, _) => after,
        };
        match (&after, fate) {
            (Some(bytes), _) => changes.push(Change::Write {
                path: at.to_string(),
                bytes: bytes.clone(),
                mode,
            }),
            (None, Fate::Removed) => changes.push(Change::Remove {
                path: at.to_string(),
            }),
            _ => {}
        }
        files.push(FileFate {
            path: path.to_string(),
            fate,
            to: user_path.cloned(),
            keys: key_report,
            secret: holds_secret,
            before: ours,
            after,
        });
    }

    record.template_version = Some(stack.template_version);
    record.year = Some(plan.year);
    record.answers = plan.answers.clone();
    record.files = new_ids;
    // A newer sprout whose templates change nothing leaves the record alone.
    let mut new_record = record.contents();
    if !changes.is_empty() || new_record != old_record_text {
        record.sprout_version = Some(env!("CARGO_PKG_VERSION").to_string());
        new_record = record.contents();
    }
    if new_record != old_record_text {
        changes.push(Change::Write {
            path: record::FILE_NAME.to_string(),
            bytes: new_record.clone().into_bytes(),
            mode: MODE_FILE,
        });
    }
    let conflicts = files
        .iter()
        .filter(|f| f.fate == Fate::Conflict)
        .map(|f| f.to.clone().unwrap_or_else(|| f.path.clone()))
        .collect();
    let old = Record::parse(&old_record_text).ok();
    Ok(Preview {
        dir: dir.to_path_buf(),
        stack: stack.key.clone(),
        template_version: Versions {
            before: old.as_ref().and_then(|r| r.template_version),
            after: Some(stack.template_version),
        },
        sprout_version: Versions {
            before: old.and_then(|r| r.sprout_version),
            after: Some(env!("CARGO_PKG_VERSION").to_string()),
        },
        answers: Versions {
            before: before_answers,
            after: plan.answers_json(),
        },
        defaulted: missing.defaulted,
        base: base_source,
        files,
        conflicts,
        tags: None,
        changes,
        record: new_record,
        old_record: old_record_text,
        stored_base,
        stages,
        commands,
    })
}

/// One file's versions, secrets filled in.
struct Sides<'a> {
    /// The recorded blob id (secrets masked), if sprout wrote this path last time.
    base_id: Option<&'a str>,
    /// What sprout wrote then, if the object store has it.
    base: Option<&'a [u8]>,
    /// Whether the user's file, masked, still has the recorded id.
    untouched: bool,
    ours: Option<&'a [u8]>,
    /// Today's render: its blob id (masked) and contents.
    theirs: Option<(&'a str, &'a [u8])>,
    holds_secret: bool,
}

/// A file's fate and its new contents (`None`: left as it is, or removed). `None` for a path
/// that is neither sprout's nor in the project.
fn decide(sides: &Sides) -> Result<Option<(Fate, Option<Vec<u8>>)>> {
    let Some((theirs_id, theirs)) = sides.theirs else {
        return Ok(match sides.ours {
            None => None,
            Some(_) if sides.untouched => Some((Fate::Removed, None)),
            Some(_) => Some((Fate::KeptEdited, None)),
        });
    };
    let decided = match sides.ours {
        None if sides.base_id.is_some() => (Fate::DeletedByUser, None),
        None => (Fate::Added, Some(theirs.to_vec())),
        Some(ours) if ours == theirs => (Fate::Unchanged, None),
        Some(_) if sides.untouched => (Fate::Updated, Some(theirs.to_vec())),
        Some(_) if sides.base_id == Some(theirs_id) => (Fate::Kept, None),
        Some(ours) => {
            let merged = merge::three_way(sides.base, ours, theirs)?;
            if merged.conflicts == 0 {
                (Fate::Merged, Some(merged.bytes))
            } else if sides.holds_secret {
                by_key(sides.base, ours, theirs)
            } else {
                (Fate::Conflict, Some(merged.bytes))
            }
        }
    };
    Ok(Some(decided))
}

/// A secrets file both sides changed: the user's lines, with the keys the template added
/// appended (`merged-keys`), or as it is (`kept-secrets`).
fn by_key(base: Option<&[u8]>, ours: &[u8], theirs: &[u8]) -> (Fate, Option<Vec<u8>>) {
    let text = |b: &[u8]| std::str::from_utf8(b).ok().map(str::to_owned);
    let merged = match (text(ours), text(theirs)) {
        (Some(ours), Some(theirs)) => keys::merge(base.and_then(text).as_deref(), &ours, &theirs),
        _ => None,
    };
    match merged {
        Some((bytes, report)) if !report.added.is_empty() => {
            (Fate::MergedKeys, Some(bytes.into_bytes()))
        }
        _ => (Fate::KeptSecrets, None),
    }
}

/// Write what [`prepare`] decided, then keep the new base.
pub fn write(preview: &Preview) -> Result<()> {
    apply::apply(&preview.dir, &preview.changes, &crate::signals::CANCEL)?;
    base::keep(&preview.dir, &preview.stored_base);
    index::register(&preview.dir, &preview.stages);
    Ok(())
}

/// A unified diff of every file the update changes.
pub fn diff(preview: &Preview) -> String {
    let mut out = String::new();
    // A migration's move: the old path of each new one.
    let moved_from: BTreeMap<&str, &str> = preview
        .files
        .iter()
        .filter(|f| f.fate == Fate::Moved)
        .filter_map(|f| Some((f.to.as_deref()?, f.path.as_str())))
        .collect();
    for file in &preview.files {
        // Where the file is after the update, and where it was before.
        let at = file.to.as_deref().unwrap_or(&file.path);
        let from = moved_from.get(at).copied().unwrap_or(at);
        if file.fate == Fate::Moved {
            continue;
        }
        if from != at {
            out.push_str(&format!(
                "diff --git a/{from} b/{at}\nrename from {from}\nrename to {at}\n"
            ));
        }
        let (before, after) = match (file.fate, &file.before, &file.after) {
            (Fate::Removed, Some(before), _) => (before.as_slice(), &b""[..]),
            (_, before, Some(after)) => (before.as_deref().unwrap_or_default(), after.as_slice()),
            _ => continue,
        };
        // A file holding secrets: its keys, never its lines.
        if file.secret {
            let keys = file.keys.as_ref().map(keys::Keys::describe);
            out.push_str(&format!(
                "--- a/{from}\n+++ b/{at}\n# holds generated secrets: values not shown{}\n",
                keys.map(|k| format!("; {k}")).unwrap_or_default()
            ));
            continue;
        }
        let (Ok(before), Ok(after)) = (std::str::from_utf8(before), std::str::from_utf8(after))
        else {
            out.push_str(&format!("Binary file {at} differs\n"));
            continue;
        };
        let old = format!("a/{from}");
        let new = format!("b/{at}");
        out.push_str(
            &similar::TextDiff::from_lines(before, after)
                .unified_diff()
                .context_radius(3)
                .header(&old, &new)
                .to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sides<'a>(
        base: Option<&'a [u8]>,
        ours: Option<&'a [u8]>,
        theirs: Option<&'a [u8]>,
        ids: &'a [String; 2],
    ) -> Sides<'a> {
        Sides {
            base_id: base.map(|_| ids[0].as_str()),
            base,
            untouched: base.is_some() && ours == base,
            ours,
            theirs: theirs.map(|t| (ids[1].as_str(), t)),
            holds_secret: false,
        }
    }

    fn fate(base: Option<&str>, ours: Option<&str>, theirs: Option<&str>) -> Option<Fate> {
        let ids = [
            base::blob_id(base.unwrap_or_default().as_bytes()),
            base::blob_id(theirs.unwrap_or_default().as_bytes()),
        ];
        let s = sides(
            base.map(str::as_bytes),
            ours.map(str::as_bytes),
            theirs.map(str::as_bytes),
            &ids,
        );
        decide(&s).unwrap().map(|(fate, _)| fate)
    }

    #[test]
    fn each_case_has_its_fate() {
        let (a, b, c) = (Some("a\n"), Some("b\n"), Some("c\n"));
        assert_eq!(fate(a, a, a), Some(Fate::Unchanged));
        assert_eq!(fate(a, a, b), Some(Fate::Updated));
        assert_eq!(fate(a, b, a), Some(Fate::Kept));
        assert_eq!(fate(a, b, c), Some(Fate::Conflict));
        assert_eq!(fate(None, None, b), Some(Fate::Added));
        assert_eq!(fate(None, a, b), Some(Fate::Conflict));
        assert_eq!(fate(a, None, b), Some(Fate::DeletedByUser));
        assert_eq!(fate(a, a, None), Some(Fate::Removed));
        assert_eq!(fate(a, b, None), Some(Fate::KeptEdited));
        assert_eq!(fate(a, None, None), None);
    }
}
