//! Messages are true: `--dry-run` ends as the real run would (permissions included), the first
//! commit says which files it left out, and an environment value sprout cannot read is an
//! error, not a silent default.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::common::Scratch;
use crate::hostile::{run, stderr};

/// sprout as the unprivileged user `nobody` (root may write anywhere), its configuration in
/// `home`.
fn as_nobody(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(assert_cmd::cargo::cargo_bin("sprout"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("SPROUT_TEMPLATES")
        .output()
        .unwrap()
}

fn open_to_all(path: &Path) {
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn dry_run_refuses_a_folder_it_may_not_write_in_as_the_real_run_does() {
    let s = Scratch::new();
    open_to_all(s.path());
    let locked = s.join("locked");
    fs::create_dir(&locked).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
    for out in ["locked", "locked/sub/deeper"] {
        let out = s.join(out);
        let args = [
            "new",
            "x",
            "-s",
            "express",
            "--yes",
            "--no-git",
            "-o",
            out.to_str().unwrap(),
        ];
        let real = as_nobody(s.path(), &args);
        let mut dry_args = args.to_vec();
        dry_args.push("--dry-run");
        let dry = as_nobody(s.path(), &dry_args);
        assert_eq!(real.status.code(), Some(4), "{}", stderr(&real));
        assert_eq!(dry.status.code(), real.status.code(), "{}", stderr(&dry));
        assert_eq!(stderr(&dry), stderr(&real));
    }
    assert!(fs::read_dir(&locked).unwrap().next().is_none());
}

#[test]
fn dry_run_of_an_update_refuses_a_project_it_may_not_write_in_as_the_real_run_does() {
    let s = Scratch::new();
    open_to_all(s.path());
    let out = s.join("out");
    let made = run(
        &s,
        &[
            "new",
            "p",
            "-s",
            "express",
            "--yes",
            "--no-git",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    open_to_all(&out);
    let project = out.join("p");
    fs::set_permissions(&project, fs::Permissions::from_mode(0o555)).unwrap();
    let dir = project.to_str().unwrap();
    let real = as_nobody(s.path(), &["add", "docker", "-C", dir]);
    let dry = as_nobody(s.path(), &["add", "docker", "--dry-run", "-C", dir]);
    assert_eq!(real.status.code(), Some(4), "{}", stderr(&real));
    assert_eq!(dry.status.code(), Some(4), "{}", stderr(&dry));
    assert_eq!(stderr(&dry), stderr(&real));
    assert!(!project.join("Dockerfile").exists());
}

#[test]
fn the_first_commit_names_the_files_the_users_git_configuration_left_out() {
    let s = Scratch::new();
    let excludes = s.join("excludes");
    fs::write(&excludes, "README.md\n").unwrap();
    let config = s.join("gitconfig");
    fs::write(
        &config,
        format!("[core]\n  excludesFile = {}\n", excludes.display()),
    )
    .unwrap();
    let out = s.join("out");
    let said = crate::hostile::isolated(&s)
        .args([
            "new",
            "app",
            "-s",
            "django",
            "--yes",
            "--no-preflight",
            "-o",
            out.to_str().unwrap(),
        ])
        .env("GIT_CONFIG_GLOBAL", &config)
        .output()
        .unwrap();
    assert!(said.status.success(), "{}", stderr(&said));
    let stdout = String::from_utf8_lossy(&said.stdout);
    assert!(
        stdout.contains("initialised with a first commit; left out, as your own git configuration ignores them (not the project's .gitignore): README.md\n"),
        "{stdout}"
    );
    // The project's own .gitignore leaving out .env is not news.
    assert!(
        !stdout.contains(": .env,") && !stdout.contains(" .env\n"),
        "{stdout}"
    );
}

#[test]
fn a_package_manager_name_that_is_not_utf8_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let s = Scratch::new();
    let out = s.join("out");
    let said = crate::hostile::isolated(&s)
        .args([
            "new",
            "app",
            "-s",
            "express",
            "--yes",
            "--install",
            "--no-git",
            "-o",
            out.to_str().unwrap(),
        ])
        .env(
            "SPROUT_PACKAGE_MANAGER",
            std::ffi::OsStr::from_bytes(b"pn\xffpm"),
        )
        .output()
        .unwrap();
    assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
    assert!(
        stderr(&said).contains("SPROUT_PACKAGE_MANAGER is not valid UTF-8"),
        "{}",
        stderr(&said)
    );
    assert!(!out.join("app").exists());
}
