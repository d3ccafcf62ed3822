//! sprout works on the project's own repository: never on the one the caller's environment
//! points at (`GIT_DIR` from a hook, vcsh or yadm), and never on git's own files, whatever a
//! record says.

use std::fs;
use std::path::Path;

use crate::common::Scratch;
use crate::hostile::{isolated, run, stderr};
use crate::update::git;

/// `sprout new demo -s express --yes -o <scratch>/out` with git; the project's folder.
fn project(s: &Scratch) -> std::path::PathBuf {
    let args = new_args(s);
    let made = run(s, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(made.status.success(), "{}", stderr(&made));
    s.join("out/demo")
}

/// Another repository with one commit, which the environment then names.
fn other_repository(s: &Scratch) -> std::path::PathBuf {
    let other = s.join("other");
    fs::create_dir(&other).unwrap();
    git(&other, &["init", "--quiet"]);
    fs::write(other.join("mine.txt"), "mine\n").unwrap();
    git(&other, &["add", "mine.txt"]);
    git(
        &other,
        &[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "commit",
            "--quiet",
            "-m",
            "mine",
        ],
    );
    other
}

fn run_in(s: &Scratch, env: &[(&str, &Path)], args: &[&str]) -> std::process::Output {
    let mut cmd = isolated(s);
    cmd.args(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.output().unwrap()
}

/// `new demo -s express --yes -o <scratch>/out`.
fn new_args(s: &Scratch) -> Vec<String> {
    let out = s.join("out").display().to_string();
    [
        "new",
        "demo",
        "--stack",
        "express",
        "--yes",
        "--no-preflight",
        "-o",
        &out,
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn an_update_works_on_the_projects_repository_whatever_git_dir_says() {
    let s = Scratch::new();
    let project = project(&s);
    let other = other_repository(&s);
    let base_before = git(&project, &["rev-parse", "refs/sprout/base"]);
    let other_head = git(&other, &["rev-parse", "HEAD"]);
    let said = run_in(
        &s,
        &[
            ("GIT_DIR", &other.join(".git")),
            ("GIT_WORK_TREE", &other),
            ("GIT_INDEX_FILE", &other.join(".git/index")),
        ],
        &["add", "docker", "-C", project.to_str().unwrap()],
    );
    assert_eq!(said.status.code(), Some(0), "{}", stderr(&said));
    assert!(project.join("Dockerfile").exists());
    assert_ne!(
        git(&project, &["rev-parse", "refs/sprout/base"]),
        base_before,
        "the project's base moved on"
    );
    assert_eq!(git(&other, &["rev-parse", "HEAD"]), other_head);
    assert_eq!(git(&other, &["for-each-ref", "refs/sprout"]), "");
    assert_eq!(git(&other, &["status", "--porcelain"]), "");
}

#[test]
fn a_new_project_gets_its_own_repository_whatever_git_dir_says() {
    let s = Scratch::new();
    let other = other_repository(&s);
    let other_head = git(&other, &["rev-parse", "HEAD"]);
    let args = new_args(&s);
    let said = run_in(
        &s,
        &[("GIT_DIR", &other.join(".git")), ("GIT_WORK_TREE", &other)],
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(said.status.code(), Some(0), "{}", stderr(&said));
    let project = s.join("out/demo");
    assert!(String::from_utf8_lossy(&said.stdout).contains("git: initialised with a first commit"));
    assert_eq!(git(&project, &["rev-list", "--count", "HEAD"]), "1\n");
    assert_eq!(git(&other, &["rev-parse", "HEAD"]), other_head);
    assert_eq!(git(&other, &["status", "--porcelain"]), "");
}

#[test]
fn a_record_naming_gits_own_files_is_broken_and_nothing_is_removed() {
    let s = Scratch::new();
    let project = project(&s);
    let head = fs::read(project.join(".git/HEAD")).unwrap();
    let id = git(&project, &["hash-object", ".git/HEAD"]);
    let mut record = fs::read_to_string(project.join(".sprout.toml")).unwrap();
    record = record.replacen(
        "[files]\n",
        &format!("[files]\n\".git/HEAD\" = \"{}\"\n", id.trim()),
        1,
    );
    fs::write(project.join(".sprout.toml"), record).unwrap();
    git(&project, &["commit", "--quiet", "-am", "tampered"]);
    for args in [
        vec!["update", project.to_str().unwrap()],
        vec!["update", "--dry-run", project.to_str().unwrap()],
        vec!["check", project.to_str().unwrap()],
    ] {
        let said = run(&s, &args);
        assert_eq!(said.status.code(), Some(7), "{args:?}: {}", stderr(&said));
        assert!(
            stderr(&said).contains(".git/HEAD` is inside .git"),
            "{}",
            stderr(&said)
        );
        assert_eq!(fs::read(project.join(".git/HEAD")).unwrap(), head);
    }
}
