//! The writer on a real disk (Unix: modes, inodes, symbolic links).
#![cfg(unix)]

use std::borrow::Cow;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::sync::atomic::AtomicUsize;

use super::*;
use crate::render::{MODE_EXECUTABLE, MODE_FILE, MODE_SECRET};

fn files() -> Vec<OutputFile> {
    vec![
        OutputFile {
            path: "README.md".into(),
            contents: Cow::Borrowed(b"hello\n"),
            mode: MODE_FILE,
        },
        OutputFile {
            path: "bin/run".into(),
            contents: Cow::Borrowed(b"#!/bin/sh\n"),
            mode: MODE_EXECUTABLE,
        },
        OutputFile {
            path: "src/a/b.txt".into(),
            contents: Cow::Borrowed(b"b"),
            mode: MODE_FILE,
        },
        OutputFile {
            path: "src/.env".into(),
            contents: Cow::Borrowed(b"SECRET=x"),
            mode: MODE_SECRET,
        },
    ]
}

fn no_cancel() -> AtomicBool {
    AtomicBool::new(false)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// What this process's umask leaves of 0777 (unit tests share the process: never change it).
fn folder_mode(scratch: &Path) -> u32 {
    let probe = scratch.join("probe");
    fs::create_dir(&probe).unwrap();
    let mode = mode(&probe);
    fs::remove_dir(&probe).unwrap();
    mode
}

#[test]
fn a_new_project_is_written_with_the_modes_the_umask_allows() {
    let tmp = tempfile::tempdir().unwrap();
    let allowed = folder_mode(tmp.path());
    let target = tmp.path().join("deep/er/proj");
    let written = write(&target, &files(), false, &no_cancel()).unwrap();
    assert_eq!(written.added.len(), 4);
    assert_eq!(fs::read(target.join("src/a/b.txt")).unwrap(), b"b");
    assert_eq!(mode(&target.join("bin/run")), allowed);
    assert_eq!(mode(&target.join("README.md")), allowed & 0o666);
    assert_eq!(mode(&target.join("src/.env")), 0o600);
    assert_eq!(mode(&target), allowed);
    assert_eq!(mode(&target.join("src/a")), allowed);
    assert_eq!(entries(target.parent().unwrap()), vec!["proj"]);
}

#[test]
fn a_failure_part_way_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("new/proj");
    let count = AtomicUsize::new(0);
    let failing = |p: &Path, b: &[u8], _mode: u32| {
        if count.fetch_add(1, Ordering::SeqCst) + 1 == 2 {
            Err(io::Error::other("disk full"))
        } else {
            fs::write(p, b)
        }
    };
    let err = write_with(&target, &files(), false, &no_cancel(), &failing).unwrap_err();
    assert!(matches!(err, Error::Write { .. }), "{err:?}");
    assert_eq!(
        entries(tmp.path()),
        Vec::<String>::new(),
        "created parent and stage are removed"
    );
}

#[test]
fn errors_name_the_users_path_never_the_stage() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("proj");
    // A fault in the stage: a file where the folder `src` must go.
    let obstructing = |p: &Path, b: &[u8], _mode: u32| {
        fs::write(p, b)?;
        if p.ends_with("README.md") {
            fs::write(p.with_file_name("src"), "in the way")?;
        }
        Ok(())
    };
    let err = write_with(&target, &files(), false, &no_cancel(), &obstructing).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&target.join("src").display().to_string()),
        "{message}"
    );
    assert!(!message.contains(".sprout-"), "{message}");
    assert!(entries(tmp.path()).is_empty());

    fs::create_dir(&target).unwrap();
    let failing = |_: &Path, _: &[u8], _: u32| Err(io::Error::other("disk full"));
    let err = write_with(&target, &files(), false, &no_cancel(), &failing).unwrap_err();
    assert!(!err.to_string().contains(".sprout-"), "{err}");
    assert!(entries(&target).is_empty());
}

#[test]
fn cancel_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("proj");
    let cancel = AtomicBool::new(true);
    assert!(matches!(
        write(&target, &files(), false, &cancel),
        Err(Error::Cancelled)
    ));
    assert!(entries(tmp.path()).is_empty());
}

#[test]
fn a_non_empty_target_is_refused_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("mine.txt"), "mine").unwrap();
    let err = write(tmp.path(), &files(), false, &no_cancel()).unwrap_err();
    assert!(matches!(err, Error::TargetNotEmpty { .. }));
    assert!(matches!(
        check(tmp.path(), &files(), false),
        Err(Error::TargetNotEmpty { .. })
    ));
    assert_eq!(entries(tmp.path()), vec!["mine.txt"]);
}

#[test]
fn an_empty_target_is_filled_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("proj");
    fs::create_dir(&target).unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o2750)).unwrap();
    let before = fs::metadata(&target).unwrap();
    write(&target, &files(), false, &no_cancel()).unwrap();
    let after = fs::metadata(&target).unwrap();
    assert_eq!(entries(&target), vec!["README.md", "bin", "src"]);
    assert_eq!(after.ino(), before.ino(), "the same folder");
    assert_eq!(mode(&target), 0o2750, "mode and setgid kept");
    assert_eq!(after.gid(), before.gid());
    assert_eq!(entries(tmp.path()), vec!["proj"]);
}

#[test]
fn force_adds_missing_files_and_keeps_identical_ones() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("mine.txt"), "mine").unwrap();
    fs::write(tmp.path().join("README.md"), "hello\n").unwrap();
    fs::create_dir_all(tmp.path().join("src/a")).unwrap();
    let written = write(tmp.path(), &files(), true, &no_cancel()).unwrap();
    assert_eq!(written.unchanged, vec!["README.md"]);
    assert_eq!(written.added, vec!["bin/run", "src/a/b.txt", "src/.env"]);
    assert_eq!(
        fs::read_to_string(tmp.path().join("mine.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        entries(tmp.path()),
        vec!["README.md", "bin", "mine.txt", "src"],
        "no stage left"
    );
}

#[test]
fn force_refuses_collisions_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("README.md"), "my own readme").unwrap();
    let err = write(tmp.path(), &files(), true, &no_cancel()).unwrap_err();
    assert!(matches!(err, Error::Collisions { count: 1, .. }), "{err:?}");
    assert_eq!(entries(tmp.path()), vec!["README.md"]);
    assert_eq!(
        fs::read_to_string(tmp.path().join("README.md")).unwrap(),
        "my own readme"
    );
}

#[test]
fn a_file_where_a_folder_is_needed_is_a_collision() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("src"), "x").unwrap();
    for err in [
        write(tmp.path(), &files(), true, &no_cancel()).unwrap_err(),
        check(tmp.path(), &files(), true).unwrap_err(),
    ] {
        match err {
            Error::Collisions { count, list, .. } => {
                assert_eq!((count, list.as_str()), (1, "src"));
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(entries(tmp.path()), vec!["src"]);
}

#[test]
fn force_failure_removes_only_what_it_added() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("mine.txt"), "mine").unwrap();
    let count = AtomicUsize::new(0);
    let failing = |p: &Path, b: &[u8], _mode: u32| {
        if count.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
            Err(io::Error::other("disk full"))
        } else {
            fs::write(p, b)
        }
    };
    assert!(write_with(tmp.path(), &files(), true, &no_cancel(), &failing).is_err());
    assert_eq!(entries(tmp.path()), vec!["mine.txt"]);
}

#[test]
fn symlinks_on_the_way_are_never_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    let target = tmp.path().join("proj");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("mine.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(&outside, target.join("src")).unwrap();
    let err = write(&target, &files(), true, &no_cancel()).unwrap_err();
    assert!(matches!(err, Error::SymlinkInTarget { .. }), "{err:?}");
    assert!(entries(&outside).is_empty());

    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    assert!(matches!(
        write(&link, &files(), true, &no_cancel()),
        Err(Error::SymlinkInTarget { .. })
    ));

    let repo = tmp.path().join("repo");
    fs::create_dir(&repo).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join(".git")).unwrap();
    match write(&repo, &files(), true, &no_cancel()) {
        Err(Error::SymlinkInTarget { path }) => assert_eq!(path, repo.join(".git")),
        other => panic!("{other:?}"),
    }
    assert_eq!(entries(&repo), vec![".git"]);
}

#[test]
fn stages_left_by_killed_runs_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let stale = tmp
        .path()
        .join(format!("{}{}", stage::BESIDE, u32::MAX - 1));
    fs::create_dir_all(stale.join("project")).unwrap();
    stage::mark(&stale).unwrap();
    fs::write(stale.join("project/half.txt"), "").unwrap();
    write(&tmp.path().join("proj"), &files(), false, &no_cancel()).unwrap();
    assert_eq!(entries(tmp.path()), vec!["proj"]);
}

/// A run killed between making its stage and writing the whole mark leaves the folder empty,
/// or with part of the mark: the next run removes it.
#[test]
fn a_stage_killed_before_its_mark_was_whole_is_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp
        .path()
        .join(format!("{}{}", stage::BESIDE, u32::MAX - 1));
    fs::create_dir(&empty).unwrap();
    let half = tmp
        .path()
        .join(format!("{}{}", stage::BESIDE, u32::MAX - 2));
    fs::create_dir(&half).unwrap();
    fs::write(half.join(stage::OWNER), "a stage of spr").unwrap();
    write(&tmp.path().join("proj"), &files(), false, &no_cancel()).unwrap();
    assert_eq!(entries(tmp.path()), vec!["proj"]);
}

#[test]
fn a_users_folder_named_like_a_stage_is_never_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let beside = format!("{}{}", stage::BESIDE, u32::MAX - 1);
    fs::create_dir(tmp.path().join(&beside)).unwrap();
    fs::write(tmp.path().join(&beside).join("notes.txt"), "mine").unwrap();
    let target = tmp.path().join("proj");
    write(&target, &files(), false, &no_cancel()).unwrap();
    let inside = format!("{}{}", stage::INSIDE, u32::MAX - 1);
    fs::create_dir(target.join(&inside)).unwrap();
    fs::write(target.join(&inside).join("journal"), "F 0 README.md\0").unwrap();
    write(&target, &files(), true, &no_cancel()).unwrap();
    assert_eq!(entries(tmp.path()), vec![beside.as_str(), "proj"]);
    assert_eq!(
        fs::read_to_string(tmp.path().join(&beside).join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(target.join(&inside).join("journal").exists());
    assert!(target.join("README.md").exists());
}

/// What a `--force` run killed after moving `bin` (recorded) and recording `src` (not yet
/// moved) leaves in `target`, which held `mine.txt`.
fn killed_force_run(target: &Path) -> PathBuf {
    fs::create_dir(target).unwrap();
    fs::write(target.join("mine.txt"), "mine").unwrap();
    let stage = target.join(format!("{}{}", stage::INSIDE, u32::MAX - 1));
    fs::create_dir_all(stage.join("files/src")).unwrap();
    stage::mark(&stage).unwrap();
    fs::create_dir_all(target.join("bin/deep")).unwrap();
    fs::write(target.join("bin/run"), "half").unwrap();
    fs::write(target.join("bin/deep/x"), "x").unwrap();
    let id = |bytes: &[u8]| crate::git::blob_id(bytes);
    fs::write(
        stage.join("journal"),
        format!(
            "D bin\0D bin/deep\0F {} bin/deep/x\0F {} bin/run\0D src\0",
            id(b"x"),
            id(b"half")
        ),
    )
    .unwrap();
    stage
}

#[test]
fn an_addition_cut_short_by_a_kill_is_rolled_back_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("proj");
    killed_force_run(&target);
    // The user made `src` meanwhile: never moved in by sprout, so it stays.
    fs::create_dir(target.join("src")).unwrap();
    fs::write(target.join("src/own.txt"), "own").unwrap();

    let only_readme = &files()[..1];
    let written = write(&target, only_readme, true, &no_cancel()).unwrap();
    assert_eq!(written.added, vec!["README.md"]);
    assert_eq!(entries(&target), vec!["README.md", "mine.txt", "src"]);
    assert_eq!(entries(&target.join("src")), vec!["own.txt"]);
}

#[test]
fn the_roll_back_after_a_kill_keeps_what_the_user_added_or_edited_since() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("proj");
    killed_force_run(&target);
    // Since the kill: an edit to a file sprout moved in, and a new file in its folder.
    fs::write(target.join("bin/run"), "edited").unwrap();
    fs::write(target.join("bin/deep/deploy.yml"), "mine").unwrap();

    let only_readme = &files()[..1];
    write(&target, only_readme, true, &no_cancel()).unwrap();
    assert_eq!(entries(&target), vec!["README.md", "bin", "mine.txt"]);
    assert_eq!(entries(&target.join("bin")), vec!["deep", "run"]);
    assert_eq!(entries(&target.join("bin/deep")), vec!["deploy.yml"]);
    assert_eq!(
        fs::read_to_string(target.join("bin/run")).unwrap(),
        "edited"
    );
}

#[test]
fn dirs_made_by_another_run_meanwhile_are_not_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let mut created = Created::default();
    let dir = tmp.path().join("a/b");
    fs::create_dir_all(&dir).unwrap();
    created.dirs_to(&dir).unwrap();
    assert!(created.dirs.is_empty());
}

/// Enough files for the stage to write its halves on two threads, in folders of ten, a secret
/// and an executable among them.
fn many_files() -> Vec<OutputFile> {
    (0..300)
        .map(|n| OutputFile {
            path: format!("group{:02}/file{n:03}.txt", n / 10),
            contents: Cow::Owned(format!("file {n}\n").into_bytes()),
            mode: match n {
                7 => MODE_SECRET,
                250 => MODE_EXECUTABLE,
                _ => MODE_FILE,
            },
        })
        .collect()
}

#[test]
fn many_files_are_all_written_with_their_modes() {
    let tmp = tempfile::tempdir().unwrap();
    let allowed = folder_mode(tmp.path());
    let target = tmp.path().join("proj");
    let files = many_files();
    let written = write(&target, &files, false, &no_cancel()).unwrap();
    assert_eq!(written.added.len(), files.len());
    for file in &files {
        let path = target.join(&file.path);
        assert_eq!(fs::read(&path).unwrap(), *file.contents, "{}", file.path);
        let expected = match file.mode {
            MODE_SECRET => 0o600,
            MODE_EXECUTABLE => allowed,
            _ => allowed & 0o666,
        };
        assert_eq!(mode(&path), expected, "{}", file.path);
    }
    assert_eq!(mode(&target.join("group29")), allowed);
}

#[test]
fn with_many_files_the_first_failure_in_order_is_reported_and_nothing_is_left() {
    // Files 40 and 260 fail (one in each half): the error names 40, whatever thread is first.
    for _ in 0..5 {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("proj");
        let failing = |p: &Path, b: &[u8], _mode: u32| {
            if p.ends_with("file040.txt") || p.ends_with("file260.txt") {
                Err(io::Error::other("disk full"))
            } else {
                fs::write(p, b)
            }
        };
        let err = write_with(&target, &many_files(), false, &no_cancel(), &failing).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("file040.txt"), "{message}");
        assert!(entries(tmp.path()).is_empty(), "{:?}", entries(tmp.path()));
    }
}
