//! Writing an update (`sprout update`, `sprout add`) as a transaction: the project is the old
//! one or the new one, byte for byte, record included, whatever stops it.
//!
//! - One run at a time per project: [`lock`] holds an exclusive lock on the project's folder
//!   from before the record is read until the update is written (a second run waits).
//! - A transaction folder `.sprout-update-<pid>` in the project, marked as sprout's, holds every
//!   new file (`new/`) with its final mode, then a journal of what is about to happen (each
//!   path, its new contents' id, the folders to create), written in one step before anything in
//!   the project is touched.
//! - Each original is moved into the transaction (`old/`) and the new file moved in; a signal
//!   ([`CANCEL`](crate::signals::CANCEL)) or a failure between two moves rolls back. Once every
//!   move is done, a `committed` mark makes the new project the one that stays, and the folder
//!   is removed.
//! - [`recover`], at the start of every run on the project, rolls back what a killed run left
//!   (or only removes its folder once it was committed). A roll-back removes a file only if it is
//!   still what sprout wrote, and a folder only if it is empty: never anything because of its
//!   name.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Component, Path};
use std::sync::atomic::{AtomicBool, Ordering};

use super::stage;
use crate::error::{Error, Result};
use crate::git::blob_id;

/// The transaction folder's name, before the process id.
pub const PREFIX: &str = ".sprout-update-";
const JOURNAL: &str = "journal";
const COMMITTED: &str = "committed";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Write {
        path: String,
        bytes: Vec<u8>,
        mode: u32,
    },
    Remove {
        path: String,
    },
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Write { path, .. } | Change::Remove { path } => path,
        }
    }
}

/// The project file at `relative`, refusing any symbolic link on the way.
pub fn read(dir: &Path, relative: &str) -> Result<Option<Vec<u8>>> {
    check_no_symlink(dir, relative)?;
    let path = dir.join(relative);
    match fs::symlink_metadata(&path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Write { path, source: e }),
        Ok(meta) if meta.is_file() => fs::read(&path)
            .map(Some)
            .map_err(|e| Error::Write { path, source: e }),
        Ok(_) => Err(Error::Write {
            path,
            source: io::Error::other("expected a file, found a folder"),
        }),
    }
}

/// Every existing part of `relative` below `dir` must be a real file or folder, not a link.
fn check_no_symlink(dir: &Path, relative: &str) -> Result<()> {
    crate::paths::no_link_on_the_way(dir, relative).map_err(|path| Error::SymlinkInTarget { path })
}

/// Wait for the project's lock (another sprout updating it finishes first), calling `waiting`
/// once if it has to wait; an interrupt while waiting cancels. Held until the returned file is
/// dropped.
pub fn lock(project: &Path, cancel: &AtomicBool, waiting: &dyn Fn()) -> Result<File> {
    super::lock::acquire_saying(project, cancel, waiting)
}

/// What became of an update a kill interrupted, found by [`recover`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovered {
    /// It had not finished: the project is as it was before it.
    RolledBack,
    /// It had finished writing: only its folder was left, now removed.
    Completed,
    /// Its folder held nothing to undo (it was stopped before it touched the project, or
    /// while its folder was being removed): removed.
    Leftover,
}

/// Undo what killed updates left in `project` (call it holding the lock): each transaction
/// folder marked as sprout's is rolled back, or only removed once it was committed. What each
/// one was, for the run to say.
pub fn recover(project: &Path) -> Vec<Recovered> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(project) else {
        return found;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name.to_str().is_some_and(|n| n.starts_with(PREFIX))
            && entry.file_type().is_ok_and(|t| t.is_dir())
            && stage::is_ours(&entry.path());
        if ours {
            let tx = entry.path();
            found.push(if tx.join(COMMITTED).exists() {
                Recovered::Completed
            } else if tx.join(JOURNAL).exists() {
                roll_back(&tx, project);
                Recovered::RolledBack
            } else {
                Recovered::Leftover
            });
            stage::remove_marked(&entry.path(), &[JOURNAL], &[COMMITTED]);
        }
    }
    found
}

/// One change as the journal holds it.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    /// The file at the path becomes `new/<i>`, whose contents have this id.
    Write {
        id: String,
        path: String,
    },
    Remove {
        path: String,
    },
    /// A folder the update creates.
    Folder {
        path: String,
    },
}

impl Entry {
    fn line(&self, i: usize) -> String {
        match self {
            Entry::Write { id, path } => format!("W {i} {id} {path}\0"),
            Entry::Remove { path } => format!("R {i} {path}\0"),
            Entry::Folder { path } => format!("D {path}\0"),
        }
    }

    /// The entries of a journal, each with its index (folders have none).
    fn parse(text: &str) -> Vec<(usize, Entry)> {
        let mut entries = Vec::new();
        for line in text.split('\0') {
            let mut parts = line.splitn(2, ' ');
            let (Some(kind), Some(rest)) = (parts.next(), parts.next()) else {
                continue;
            };
            let entry = match kind {
                "W" => rest.split_once(' ').and_then(|(i, rest)| {
                    let (id, path) = rest.split_once(' ')?;
                    Some((
                        i.parse().ok()?,
                        Entry::Write {
                            id: id.into(),
                            path: path.into(),
                        },
                    ))
                }),
                "R" => rest.split_once(' ').and_then(|(i, path)| {
                    Some((i.parse().ok()?, Entry::Remove { path: path.into() }))
                }),
                "D" => Some((usize::MAX, Entry::Folder { path: rest.into() })),
                _ => None,
            };
            entries.extend(entry.filter(|(_, e)| inside(e.path())));
        }
        entries
    }

    fn path(&self) -> &str {
        match self {
            Entry::Write { path, .. } | Entry::Remove { path } | Entry::Folder { path } => path,
        }
    }
}

/// A journal's path stays in the project, whatever the file says.
fn inside(relative: &str) -> bool {
    !relative.is_empty()
        && Path::new(relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// What [`apply`] would refuse, without writing: for `--dry-run`. The paths and links it checks,
/// and the folders it must write in (the project's, for the transaction; each changed file's).
pub fn check(project: &Path, changes: &[Change]) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let refused = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    super::writable(project).map_err(refused(project))?;
    for change in changes {
        check_no_symlink(project, change.path())?;
        let target = project.join(change.path());
        let mut dir = target.parent().unwrap_or(project);
        while fs::symlink_metadata(dir).is_err() {
            dir = dir.parent().unwrap_or(project);
        }
        super::writable(dir).map_err(refused(dir))?;
    }
    Ok(())
}

/// Write `changes` to `project` as one transaction (see the module); `cancel` set by a signal
/// rolls it back. Call it holding [`lock`].
pub fn apply(project: &Path, changes: &[Change], cancel: &AtomicBool) -> Result<()> {
    for change in changes {
        // The record is the one path only sprout writes; every other is checked again here.
        if change.path() != crate::paths::RECORD {
            crate::paths::check(change.path()).map_err(|refused| Error::Write {
                path: project.join(change.path()),
                source: io::Error::other(refused.to_string()),
            })?;
        }
        check_no_symlink(project, change.path())?;
        let path = project.join(change.path());
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            return Err(Error::Write {
                path,
                source: io::Error::other("expected a file, found a folder"),
            });
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    let tx = project.join(format!("{PREFIX}{}", std::process::id()));
    let failed = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    fs::create_dir(&tx).map_err(failed(project))?;
    let result = (|| {
        stage::mark(&tx).map_err(failed(project))?;
        let entries = stage_all(project, &tx, changes)?;
        for (_, entry) in &entries {
            if let Entry::Folder { path } = entry {
                match fs::create_dir(project.join(path)) {
                    Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                        return Err(failed(&project.join(path))(e));
                    }
                    _ => {}
                }
            }
        }
        for (i, entry) in &entries {
            if cancel.load(Ordering::SeqCst) {
                return Err(Error::Cancelled);
            }
            let target = project.join(entry.path());
            match entry {
                Entry::Folder { .. } => continue,
                Entry::Write { .. } | Entry::Remove { .. } => {
                    if fs::symlink_metadata(&target).is_ok() {
                        fs::rename(&target, tx.join("old").join(i.to_string()))
                            .map_err(failed(&target))?;
                    }
                }
            }
            if let Entry::Write { .. } = entry {
                super::place::rename_no_replace(&tx.join("new").join(i.to_string()), &target)
                    .map_err(failed(&target))?;
            }
        }
        if cancel.load(Ordering::SeqCst) {
            return Err(Error::Cancelled);
        }
        File::create(tx.join(COMMITTED))
            .and_then(|f| f.sync_all())
            .map_err(failed(project))
    })();
    if result.is_err() {
        roll_back(&tx, project);
    }
    // The journal goes first (from then on nothing of the transaction is undone), the commit
    // mark last (until then, the next run knows the transaction was complete).
    stage::remove_marked(&tx, &[JOURNAL], &[COMMITTED]);
    result
}

/// Write every new file into `tx/new/` with its mode, then the journal in one step; the
/// entries, folders to create first.
fn stage_all(project: &Path, tx: &Path, changes: &[Change]) -> Result<Vec<(usize, Entry)>> {
    let failed = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    for sub in ["new", "old"] {
        fs::create_dir(tx.join(sub)).map_err(failed(project))?;
    }
    let mut folders: Vec<String> = Vec::new();
    let mut entries = Vec::with_capacity(changes.len());
    for (i, change) in changes.iter().enumerate() {
        let target = project.join(change.path());
        match change {
            Change::Write { path, bytes, mode } => {
                let staged = tx.join("new").join(i.to_string());
                // On the disk before it can be moved in: after a power cut, a file the journal
                // names is whole (or was never moved).
                File::create(&staged)
                    .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
                    .map_err(failed(&target))?;
                let mode = match fs::metadata(&target) {
                    Ok(meta) => permissions_mode(&meta).unwrap_or(*mode),
                    Err(_) => *mode,
                };
                set_mode(&staged, mode).map_err(failed(&target))?;
                // Each missing folder on the way, outermost first.
                let mut relative = String::new();
                let segments: Vec<&str> = path.split('/').collect();
                for segment in &segments[..segments.len() - 1] {
                    if !relative.is_empty() {
                        relative.push('/');
                    }
                    relative.push_str(segment);
                    let at = project.join(&relative);
                    match fs::symlink_metadata(&at) {
                        Ok(meta) if meta.is_dir() => {}
                        Ok(_) => {
                            return Err(failed(&at)(io::Error::other(
                                "a file is where a folder must go",
                            )));
                        }
                        Err(_) if !folders.contains(&relative) => folders.push(relative.clone()),
                        Err(_) => {}
                    }
                }
                entries.push((
                    i,
                    Entry::Write {
                        id: blob_id(bytes),
                        path: path.clone(),
                    },
                ));
            }
            Change::Remove { path } => entries.push((i, Entry::Remove { path: path.clone() })),
        }
    }
    let mut all: Vec<(usize, Entry)> = folders
        .into_iter()
        .map(|path| (usize::MAX, Entry::Folder { path }))
        .collect();
    all.extend(entries);
    let text: String = all.iter().map(|(i, e)| e.line(*i)).collect();
    let written = tx.join(format!("{JOURNAL}.new"));
    File::create(&written)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&written, tx.join(JOURNAL)))
        .and_then(|()| sync_folder(tx))
        .map_err(failed(project))?;
    Ok(all)
}

/// Put the project back as it was before the transaction in `tx`, as far as its journal says
/// anything was moved: each new file still as sprout wrote it is removed, each original moved
/// back, each folder the update made removed if empty. Nothing when it was committed, or when
/// its journal is gone (not yet written, or removed once the transaction was over).
fn roll_back(tx: &Path, project: &Path) {
    if tx.join(COMMITTED).exists() {
        return;
    }
    let Ok(bytes) = fs::read(tx.join(JOURNAL)) else {
        // No journal: nothing in the project was touched yet, or the transaction was over.
        return;
    };
    let entries = Entry::parse(&String::from_utf8_lossy(&bytes));
    for (i, entry) in entries.iter().rev() {
        let target = project.join(entry.path());
        match entry {
            Entry::Folder { .. } => {
                let _ = fs::remove_dir(&target);
                continue;
            }
            Entry::Write { id, .. } => {
                let moved_in = fs::symlink_metadata(tx.join("new").join(i.to_string())).is_err();
                let still_ours = fs::symlink_metadata(&target).is_ok_and(|m| m.is_file())
                    && fs::read(&target).is_ok_and(|now| blob_id(&now) == *id);
                if moved_in && still_ours {
                    let _ = fs::remove_file(&target);
                }
            }
            Entry::Remove { .. } => {}
        }
        let old = tx.join("old").join(i.to_string());
        if fs::symlink_metadata(&old).is_ok() && fs::symlink_metadata(&target).is_err() {
            let _ = fs::rename(&old, &target);
        }
    }
}

/// Make the entries of the folder `dir` (a rename into it) durable.
#[cfg(unix)]
fn sync_folder(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn permissions_mode(meta: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn permissions_mode(_meta: &fs::Metadata) -> Option<u32> {
    None
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::MODE_FILE;

    fn no_cancel() -> AtomicBool {
        AtomicBool::new(false)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn write(path: &str, text: &str) -> Change {
        Change::Write {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
            mode: MODE_FILE,
        }
    }

    #[test]
    fn writes_and_removes_together() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("old.txt"), "old").unwrap();
        fs::write(tmp.path().join("keep.txt"), "v1").unwrap();
        let changes = vec![
            write("keep.txt", "v2"),
            write("new/deep.txt", "d"),
            Change::Remove {
                path: "old.txt".into(),
            },
        ];
        apply(tmp.path(), &changes, &no_cancel()).unwrap();
        assert_eq!(
            fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
            "v2"
        );
        assert_eq!(
            fs::read_to_string(tmp.path().join("new/deep.txt")).unwrap(),
            "d"
        );
        assert!(!tmp.path().join("old.txt").exists());
        assert_eq!(
            names(tmp.path()),
            ["keep.txt", "new"],
            "nothing else is left"
        );
    }

    #[test]
    fn a_failure_restores_everything() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("a.txt"), "a").unwrap();
        fs::write(tmp.path().join("z"), "z").unwrap();
        // A file where a folder must go: staging fails after other files were staged.
        let changes = vec![
            write("a.txt", "A"),
            write("b/new.txt", "n"),
            write("z/in.txt", "file"),
        ];
        assert!(apply(tmp.path(), &changes, &no_cancel()).is_err());
        assert_eq!(fs::read_to_string(tmp.path().join("a.txt")).unwrap(), "a");
        assert!(!tmp.path().join("b").exists());
        assert_eq!(names(tmp.path()), ["a.txt", "z"]);
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_refused_before_anything_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), tmp.path().join("src")).unwrap();
        let changes = vec![write("a.txt", "A"), write("src/x.txt", "x")];
        assert!(matches!(
            apply(tmp.path(), &changes, &no_cancel()),
            Err(Error::SymlinkInTarget { .. })
        ));
        assert!(!tmp.path().join("a.txt").exists());
        assert!(fs::read_dir(outside.path()).unwrap().next().is_none());
    }

    /// The project as a map of path → contents (folders as `/`).
    fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                if path.is_dir() {
                    out.push((format!("{rel}/"), Vec::new()));
                    walk(root, &path, out);
                } else {
                    out.push((rel, fs::read(&path).unwrap()));
                }
            }
        }
        let mut out = Vec::new();
        walk(dir, dir, &mut out);
        out.sort();
        out
    }

    fn changes() -> Vec<Change> {
        vec![
            write("keep.txt", "v2"),
            write("new/deep/file.txt", "d"),
            write(".sprout.toml", "record v2"),
            Change::Remove {
                path: "old.txt".into(),
            },
        ]
    }

    fn old_project(dir: &Path) {
        fs::write(dir.join("old.txt"), "old").unwrap();
        fs::write(dir.join("keep.txt"), "v1").unwrap();
        fs::write(dir.join(".sprout.toml"), "record v1").unwrap();
    }

    /// A run killed after each step leaves a state that the next run's recovery turns back into
    /// the old project, byte for byte, with no transaction folder left.
    #[test]
    fn a_kill_at_any_step_is_rolled_back_by_recovery() {
        let reference = tempfile::tempdir().unwrap();
        old_project(reference.path());
        let old = snapshot(reference.path());
        // A transaction's renames, each one a point where a kill could come.
        for renames in 0..=7 {
            let tmp = tempfile::tempdir().unwrap();
            old_project(tmp.path());
            let tx = tmp.path().join(format!("{PREFIX}{}", u32::MAX - 1));
            fs::create_dir(&tx).unwrap();
            stage::mark(&tx).unwrap();
            let entries = stage_all(tmp.path(), &tx, &changes()).unwrap();
            for (_, entry) in &entries {
                if let Entry::Folder { path } = entry {
                    fs::create_dir(tmp.path().join(path)).unwrap();
                }
            }
            let mut done = 0;
            let mut rename = |from: &Path, to: &Path| {
                if done < renames {
                    fs::rename(from, to).unwrap();
                    done += 1;
                }
            };
            for (i, entry) in &entries {
                let target = tmp.path().join(entry.path());
                if matches!(entry, Entry::Folder { .. }) {
                    continue;
                }
                if target.exists() {
                    rename(&target, &tx.join("old").join(i.to_string()));
                }
                if let Entry::Write { .. } = entry {
                    rename(&tx.join("new").join(i.to_string()), &target);
                }
            }
            assert_eq!(recover(tmp.path()), [Recovered::RolledBack]);
            assert_eq!(
                snapshot(tmp.path()),
                old,
                "killed after {renames} rename(s)"
            );
        }
    }

    /// The state a transaction leaves once it is written (or rolled back) and only its folder
    /// is left to remove: the project, and the transaction folder.
    fn finished(dir: &Path, committed: bool) -> std::path::PathBuf {
        old_project(dir);
        let tx = dir.join(format!("{PREFIX}{}", u32::MAX - 1));
        fs::create_dir(&tx).unwrap();
        stage::mark(&tx).unwrap();
        let entries = stage_all(dir, &tx, &changes()).unwrap();
        for (i, entry) in &entries {
            let target = dir.join(entry.path());
            if let Entry::Folder { .. } = entry {
                fs::create_dir(&target).unwrap();
                continue;
            }
            if target.exists() {
                fs::rename(&target, tx.join("old").join(i.to_string())).unwrap();
            }
            if let Entry::Write { .. } = entry {
                fs::rename(tx.join("new").join(i.to_string()), &target).unwrap();
            }
        }
        if committed {
            File::create(tx.join(COMMITTED)).unwrap();
        } else {
            roll_back(&tx, dir);
        }
        tx
    }

    /// A kill at any step of removing a finished transaction's folder: the next run's recovery
    /// keeps the transaction's outcome (the new project once committed, else the old one), and
    /// what is left of the folder is nothing, or an empty folder.
    #[test]
    fn a_kill_while_a_finished_transaction_is_removed_keeps_its_outcome() {
        for committed in [true, false] {
            let reference = tempfile::tempdir().unwrap();
            let tx = finished(reference.path(), committed);
            fs::remove_dir_all(&tx).unwrap();
            let outcome = snapshot(reference.path());
            let probe = tempfile::tempdir().unwrap();
            let tx = finished(probe.path(), committed);
            let steps = stage::removal_steps(&tx, &[JOURNAL], &[COMMITTED]).len();
            for done in 0..=steps {
                let tmp = tempfile::tempdir().unwrap();
                let tx = finished(tmp.path(), committed);
                for (path, is_dir) in stage::removal_steps(&tx, &[JOURNAL], &[COMMITTED])
                    .into_iter()
                    .take(done)
                {
                    if is_dir {
                        fs::remove_dir(&path).unwrap();
                    } else {
                        fs::remove_file(&path).unwrap();
                    }
                }
                let found = recover(tmp.path());
                let said = format!("committed {committed}, killed after {done} of {steps} steps");
                // The journal goes first; the last three are the commit mark (if any), the
                // owner mark, then the empty folder, which is no longer sprout's to remove.
                let expected = match (committed, done) {
                    (_, d) if d >= steps - 1 => vec![],
                    (true, d) if d < steps - 2 => vec![Recovered::Completed],
                    (false, 0) => vec![Recovered::RolledBack],
                    _ => vec![Recovered::Leftover],
                };
                assert_eq!(found, expected, "{said}");
                if tx.exists() {
                    assert_eq!(names(&tx), Vec::<String>::new(), "{said}");
                    fs::remove_dir(&tx).unwrap();
                }
                assert_eq!(snapshot(tmp.path()), outcome, "{said}");
            }
        }
    }

    #[test]
    fn a_committed_transaction_left_by_a_kill_stays_new() {
        let tmp = tempfile::tempdir().unwrap();
        old_project(tmp.path());
        apply(tmp.path(), &changes(), &no_cancel()).unwrap();
        let new = snapshot(tmp.path());
        // What a kill just after the commit mark leaves: the folder, marked committed.
        let tx = tmp.path().join(format!("{PREFIX}{}", u32::MAX - 1));
        fs::create_dir_all(tx.join("old")).unwrap();
        stage::mark(&tx).unwrap();
        fs::write(tx.join("old/0"), "v1").unwrap();
        fs::write(tx.join(JOURNAL), "W 0 x keep.txt\0").unwrap();
        fs::write(tx.join(COMMITTED), "").unwrap();
        assert_eq!(recover(tmp.path()), [Recovered::Completed]);
        assert_eq!(snapshot(tmp.path()), new);
    }

    #[test]
    fn a_signal_rolls_back_and_a_users_folder_named_like_a_transaction_stays() {
        let tmp = tempfile::tempdir().unwrap();
        old_project(tmp.path());
        let users = tmp.path().join(format!("{PREFIX}mine"));
        fs::create_dir(&users).unwrap();
        fs::write(users.join("journal"), "R 0 keep.txt\0").unwrap();
        let old = snapshot(tmp.path());
        let cancel = AtomicBool::new(true);
        assert!(matches!(
            apply(tmp.path(), &changes(), &cancel),
            Err(Error::Cancelled)
        ));
        recover(tmp.path());
        assert_eq!(snapshot(tmp.path()), old);
    }
}
