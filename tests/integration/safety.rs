//! Safe on the user's disk and at the terminal: existing folders and repositories, symbolic
//! links, concurrent and killed runs, the umask, closed and full pipes, signals during
//! `--install`. Real folders, real git repositories, real signals.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use predicates::str::contains;

use crate::common::{STACK, Scratch, process, sprout};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("sprout")
}

/// git with only the configuration in `home/gitconfig` (an identity unless `identity` is false).
fn git_env(home: &Path, identity: bool) -> Vec<(&'static str, String)> {
    let config = home.join("gitconfig");
    if !config.exists() {
        // Without an identity, nothing stops git from guessing one but sprout itself.
        let user = if identity {
            "[user]\n  name = T\n  email = t@example.com\n"
        } else {
            ""
        };
        fs::write(&config, format!("{user}[init]\n  defaultBranch = main\n")).unwrap();
    }
    vec![
        ("GIT_CONFIG_GLOBAL", config.display().to_string()),
        ("GIT_CONFIG_NOSYSTEM", "1".into()),
        ("HOME", home.display().to_string()),
    ]
}

fn git(dir: &Path, home: &Path, args: &[&str]) -> String {
    let out = Process::new("git")
        .args(args)
        .current_dir(dir)
        .envs(git_env(home, true))
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// `sprout new NAME -s STACK --yes -o <scratch>` with git on (isolated configuration).
fn new_with_git(s: &Scratch, name: &str, stack: &str, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = sprout();
    cmd.args(["new", name, "--stack", stack, "--yes", "-o"])
        .arg(s.path())
        .args(extra)
        .envs(git_env(s.path(), true))
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .env_remove("EMAIL");
    cmd
}

fn tree(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            if fs::symlink_metadata(&path).unwrap().is_dir() {
                if rel != ".git" {
                    walk(root, &path, out);
                }
            } else {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The files of project `name` of `stack`, as a fresh run writes them.
fn reference(stack: &str, name: &str) -> Vec<String> {
    let s = Scratch::new();
    s.new_project(name, stack, &[]).assert().success();
    tree(&s.join(name))
}

// 1. Existing repositories are never committed to; outside one, only sprout's files are.

#[test]
fn force_into_a_repository_never_inits_nor_commits() {
    let s = Scratch::new();
    let repo = s.join("p");
    fs::create_dir(&repo).unwrap();
    git(
        &repo,
        s.path(),
        &["init", "--quiet", "--initial-branch=dev"],
    );
    fs::write(repo.join("app.txt"), "v1").unwrap();
    git(&repo, s.path(), &["add", "app.txt"]);
    git(&repo, s.path(), &["commit", "--quiet", "-m", "mine"]);
    fs::write(repo.join("app.txt"), "v2, not committed").unwrap();
    fs::write(repo.join("credentials.txt"), "secret").unwrap();

    new_with_git(&s, "p", STACK, &["--force"])
        .assert()
        .success()
        .stdout(contains("git: not touched: inside the repository at"));
    assert_eq!(
        git(&repo, s.path(), &["rev-list", "--count", "HEAD"]),
        "1\n"
    );
    assert_eq!(git(&repo, s.path(), &["branch", "--show-current"]), "dev\n");
    assert_eq!(
        git(&repo, s.path(), &["diff", "--cached", "--name-only"]),
        ""
    );
    let status = git(&repo, s.path(), &["status", "--porcelain"]);
    assert!(status.contains(" M app.txt"), "{status}");
    assert!(status.contains("?? credentials.txt"), "{status}");
    assert!(repo.join("package.json").exists(), "the files are written");
}

#[test]
fn a_new_project_inside_a_repository_gets_no_repository_of_its_own() {
    let s = Scratch::new();
    git(s.path(), s.path(), &["init", "--quiet"]);
    new_with_git(&s, "app", STACK, &[])
        .assert()
        .success()
        .stdout(contains("not touched"));
    assert!(s.join("app/package.json").exists());
    assert!(!s.join("app/.git").exists());
}

#[test]
fn the_first_commit_holds_exactly_the_files_sprout_wrote() {
    let s = Scratch::new();
    fs::create_dir(s.join("app")).unwrap();
    fs::write(s.join("app/notes.txt"), "mine").unwrap();
    let run = new_with_git(&s, "app", "django", &["--force", "-v"])
        .assert()
        .success()
        .stdout(contains("git: initialised with a first commit"));
    let said = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert_eq!(
        git_commands(&said),
        ["init", "add", "commit"],
        "the project's .gitignore leaves .env out before git is asked:\n{said}"
    );
    let app = s.join("app");
    let committed: Vec<String> = git(&app, s.path(), &["ls-tree", "-r", "--name-only", "HEAD"])
        .lines()
        .map(String::from)
        .collect();
    let mut expected: Vec<String> = reference("django", "app")
        .into_iter()
        .filter(|f| f != ".env")
        .collect();
    expected.sort();
    assert_eq!(committed, expected, "the project's files, without .env");
    let status = git(&app, s.path(), &["status", "--porcelain", "--ignored"]);
    assert!(status.contains("?? notes.txt"), "{status}");
    assert!(status.contains("!! .env"), "{status}");
}

/// The git subcommands a `-v` run reports, in order.
fn git_commands(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.split("running `git ").nth(1))
        .filter_map(|rest| {
            rest.split_whitespace()
                .find(|w| ["init", "add", "check-ignore", "commit"].contains(w))
                .map(String::from)
        })
        .collect()
}

#[test]
fn without_an_ignored_file_git_runs_three_times() {
    let s = Scratch::new();
    let run = new_with_git(&s, "app", "express", &["-v"])
        .assert()
        .success()
        .stdout(contains("git: initialised with a first commit"));
    let said = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert_eq!(git_commands(&said), ["init", "add", "commit"], "{said}");
    let app = s.join("app");
    let committed = git(&app, s.path(), &["ls-files"]);
    let mut expected = reference("express", "app");
    expected.sort();
    assert_eq!(committed.lines().collect::<Vec<_>>(), expected);
    assert_eq!(git(&app, s.path(), &["status", "--porcelain"]), "");
}

#[test]
fn the_users_hooks_run_on_the_first_commit() {
    let s = Scratch::new();
    let hooks = s.join("hooks");
    fs::create_dir(&hooks).unwrap();
    let hook = hooks.join("pre-commit");
    fs::write(
        &hook,
        format!("#!/bin/sh\ntouch '{}'\n", s.join("hook-ran").display()),
    )
    .unwrap();
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(
        s.join("gitconfig"),
        format!(
            "[user]\n  name = T\n  email = t@example.com\n[core]\n  hooksPath = {}\n",
            hooks.display()
        ),
    )
    .unwrap();
    new_with_git(&s, "app", STACK, &[])
        .assert()
        .success()
        .stdout(contains("initialised with a first commit"));
    assert!(s.join("hook-ran").exists(), "the pre-commit hook ran");
}

#[test]
fn without_an_identity_git_does_not_guess_one() {
    let s = Scratch::new();
    git_env(s.path(), false);
    // An e-mail address but no name: git alone would take the name from the passwd entry.
    new_with_git(&s, "app", STACK, &[])
        .env("EMAIL", "me@example.com")
        .assert()
        .success()
        .stdout(contains("first commit skipped: no git identity is set"));
    let out = Process::new("git")
        .args(["rev-parse", "--verify", "HEAD"])
        .current_dir(s.join("app"))
        .output()
        .unwrap();
    assert!(!out.status.success(), "no commit under a made-up name");
}

// 14. Errors name the user's paths.

#[test]
fn a_full_disk_is_reported_at_the_users_path_never_the_stage() {
    let s = Scratch::new();
    for existing in [false, true] {
        for nth in 2..=4 {
            let out = s.join(&format!("run-{existing}-{nth}"));
            fs::create_dir_all(&out).unwrap();
            if existing {
                fs::create_dir(out.join("app")).unwrap();
            }
            let failed = under_strace(
                "mkdir",
                &format!("error=ENOSPC:when={nth}"),
                &["new", "app", "-s", STACK, "--yes", "--no-git"],
                &out,
            );
            let err = String::from_utf8_lossy(&failed.stderr);
            assert_eq!(failed.status.code(), Some(4), "{err}");
            let app = out.join("app").display().to_string();
            assert!(err.contains(&format!("writing {app}")), "{err}");
            assert!(err.contains("No space left on device"), "{err}");
            assert!(!err.contains(".sprout-"), "{err}");
            assert!(err.contains("nothing was written"), "{err}");
            // Nothing left: an existing target is empty again, a new one is not there.
            let folder = if existing {
                out.join("app")
            } else {
                out.clone()
            };
            assert_eq!(fs::read_dir(&folder).unwrap().count(), 0, "{err}");
        }
    }
}

// 2. Symbolic links on the way.

#[test]
fn a_symlinked_git_folder_is_refused() {
    let s = Scratch::new();
    let elsewhere = s.join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::create_dir(s.join("p")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, s.join("p/.git")).unwrap();
    new_with_git(&s, "p", STACK, &["--force"])
        .assert()
        .code(3)
        .stderr(contains("symbolic link").and(contains("p/.git")));
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert_eq!(fs::read_dir(s.join("p")).unwrap().count(), 1);
}

// 3. An existing empty folder is kept.

#[test]
fn an_empty_target_is_filled_in_place() {
    let s = Scratch::new();
    let target = s.join("app");
    fs::create_dir(&target).unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o2770)).unwrap();
    let before = fs::metadata(&target).unwrap();
    s.new_project("app", STACK, &[]).assert().success();
    let after = fs::metadata(&target).unwrap();
    assert_eq!(
        after.ino(),
        before.ino(),
        "the same folder, not a replacement"
    );
    assert_eq!(after.mode() & 0o7777, 0o2770, "mode and setgid kept");
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    assert_eq!(tree(&target), reference(STACK, "app"));
}

// 4. Concurrent runs on one target.

fn spawn(args: &[&str], out: &Path) -> std::process::Child {
    process(bin())
        .args(args)
        .arg("-o")
        .arg(out)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn concurrent_runs_on_one_target_take_turns() {
    let expected = reference(STACK, "app");
    for round in 0..4 {
        let s = Scratch::new();
        let runs: Vec<_> = (0..4)
            .map(|_| spawn(&["new", "app", "-s", STACK, "--yes", "--no-git"], s.path()))
            .collect();
        let mut codes: Vec<(i32, String)> = runs
            .into_iter()
            .map(|c| {
                let out = c.wait_with_output().unwrap();
                let err = String::from_utf8_lossy(&out.stderr).into_owned();
                (out.status.code().unwrap(), err)
            })
            .collect();
        codes.sort();
        assert_eq!(codes[0].0, 0, "round {round}: {codes:?}");
        for (code, err) in &codes[1..] {
            assert_eq!(*code, 3, "round {round}: {codes:?}");
            assert!(err.contains("exists and is not empty"), "{err}");
        }
        assert_eq!(tree(&s.join("app")), expected);
        assert_eq!(s.entries(), vec!["app"]);
    }
}

#[test]
fn concurrent_force_runs_leave_a_complete_project() {
    let mut expected = reference(STACK, "app");
    expected.push("notes.txt".into());
    expected.sort();
    for _ in 0..4 {
        let s = Scratch::new();
        fs::create_dir(s.join("app")).unwrap();
        fs::write(s.join("app/notes.txt"), "mine").unwrap();
        let args = ["new", "app", "-s", STACK, "--yes", "--no-git", "--force"];
        let runs: Vec<_> = (0..3).map(|_| spawn(&args, s.path())).collect();
        for run in runs {
            let out = run.wait_with_output().unwrap();
            assert!(out.status.success(), "{out:?}");
        }
        assert_eq!(tree(&s.join("app")), expected);
    }
}

// 5. A kill during --force is rolled back by the next run; a signal rolls back at once.

/// strace, installed by the project's own setup script when it is missing; a machine where it
/// cannot be had fails here, naming it.
pub(crate) fn ensure_strace() {
    static READY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ready = READY.get_or_init(|| {
        let works = || {
            Process::new("strace")
                .arg("-V")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        works()
            || (Process::new("bash")
                .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/e2e/setup/strace.sh"))
                .status()
                .is_ok_and(|s| s.success())
                && works())
    });
    assert!(
        *ready,
        "strace is needed for this test and e2e/setup/strace.sh could not install it"
    );
}

/// sprout with `args`, its system call `syscall` tampered with by strace as `inject` says
/// (`signal=KILL:when=3`, `error=ENOSPC:when=2`, …).
fn under_strace(syscall: &str, inject: &str, args: &[&str], out: &Path) -> std::process::Output {
    ensure_strace();
    process("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-e"])
        .arg(format!("trace={syscall}"))
        .arg(format!("--inject={syscall}:{inject}"))
        .arg(bin())
        .args(args)
        .arg("-o")
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `sprout new svc -s express --force -o out`, sent `signal` by strace when it makes its
/// `nth` rename (the moves into the target are renames).
fn force_run_signalled_at_rename(out: &Path, signal: &str, nth: usize) -> std::process::Output {
    under_strace(
        "renameat2",
        &format!("signal={signal}:when={nth}"),
        &["new", "svc", "-s", STACK, "--yes", "--no-git", "--force"],
        out,
    )
}

fn folder_with_notes(s: &Scratch, name: &str) -> PathBuf {
    let out = s.join(name);
    fs::create_dir_all(out.join("svc")).unwrap();
    fs::write(out.join("svc/notes.txt"), "mine").unwrap();
    out
}

#[test]
fn a_force_run_killed_part_way_is_rolled_back_by_the_next_run() {
    let mut expected = reference("flask", "svc");
    expected.push("notes.txt".into());
    expected.sort();
    let s = Scratch::new();
    for nth in 1..=6 {
        let out = folder_with_notes(&s, &format!("run{nth}"));
        let svc = out.join("svc");
        let killed = force_run_signalled_at_rename(&out, "KILL", nth);
        assert_eq!(killed.status.signal(), Some(9), "{killed:?}");
        assert!(fs::read_dir(&svc).unwrap().count() > 1, "killed part-way");
        // Another stack: a leftover of the killed run would collide or stay behind.
        sprout()
            .args([
                "new", "svc", "-s", "flask", "--yes", "--no-git", "--force", "-o",
            ])
            .arg(&out)
            .assert()
            .success();
        assert_eq!(tree(&svc), expected, "after a kill at rename {nth}");
    }
}

/// After a kill, the next `--force` run takes back only what is still as the killed run wrote it:
/// a file the user edited since, and one added in a folder the killed run made, stay. That run
/// then refuses the edited file as a collision (exit 3), as `--dry-run` says it will.
#[test]
fn after_a_killed_force_run_what_the_user_edited_or_added_since_survives() {
    let s = Scratch::new();
    let out = folder_with_notes(&s, "run");
    let svc = out.join("svc");
    let killed = force_run_signalled_at_rename(&out, "KILL", 4);
    assert_eq!(killed.status.signal(), Some(9), "{killed:?}");
    let moved_in: Vec<PathBuf> = fs::read_dir(&svc)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name != "notes.txt" && !name.starts_with(".sprout-")
        })
        .collect();
    let file = moved_in
        .iter()
        .find(|p| p.is_file())
        .expect("a file was moved in");
    let folder = moved_in
        .iter()
        .find(|p| p.is_dir())
        .expect("a folder was moved in");
    fs::write(file, "edited since\n").unwrap();
    fs::write(folder.join("deploy.yml"), "mine\n").unwrap();
    let args = [
        "new", "svc", "-s", STACK, "--yes", "--no-git", "--force", "-o",
    ];
    let dry = sprout()
        .args(args)
        .arg(&out)
        .arg("--dry-run")
        .output()
        .unwrap();
    let real = sprout().args(args).arg(&out).output().unwrap();
    assert_eq!(dry.status.code(), Some(3), "{dry:?}");
    assert_eq!(real.status.code(), Some(3), "{real:?}");
    assert_eq!(fs::read_to_string(file).unwrap(), "edited since\n");
    assert_eq!(
        fs::read_to_string(folder.join("deploy.yml")).unwrap(),
        "mine\n"
    );
    assert_eq!(fs::read_to_string(svc.join("notes.txt")).unwrap(), "mine");
}

/// A signal while the files are moved in: exit 130 with nothing added, or, if the moves were
/// done before the signal was seen, exit 0 with the project complete.
#[test]
fn a_signal_during_force_removes_what_was_added() {
    let mut complete = reference(STACK, "svc");
    complete.push("notes.txt".into());
    complete.sort();
    let s = Scratch::new();
    for signal in ["TERM", "INT"] {
        for nth in 1..=4 {
            let out = folder_with_notes(&s, &format!("run-{signal}-{nth}"));
            let stopped = force_run_signalled_at_rename(&out, signal, nth);
            let names = tree(&out.join("svc"));
            match stopped.status.code() {
                Some(130) => assert_eq!(names, vec!["notes.txt"], "SIG{signal} at {nth}"),
                Some(0) => assert_eq!(names, complete, "SIG{signal} at {nth}"),
                _ => panic!("SIG{signal} at {nth}: {stopped:?}"),
            }
        }
    }
}

// 6. A failed `git init` leaves no broken .git.

#[test]
fn a_failed_git_init_leaves_no_git_folder() {
    let s = Scratch::new();
    let bin_dir = s.join("fakebin");
    fs::create_dir(&bin_dir).unwrap();
    let fake = bin_dir.join("git");
    // What `git init` does on a full disk: it gets part of the way, then gives up. Every other
    // git command (sprout asks `git config` for the author from where it runs) is the real git.
    fs::write(
        &fake,
        "#!/bin/sh\nfor arg in \"$@\"; do\n  if [ \"$arg\" = init ]; then\n    mkdir -p .git/objects .git/refs\n    echo 'ref: refs/heads/main' > .git/HEAD\n    echo 'fatal: could not write config file .git/config: No space left on device' >&2\n    exit 128\n  fi\ndone\nPATH=\"${PATH#*:}\" exec git \"$@\"\n",
    )
    .unwrap();
    // sprout runs from a folder of its own, which no git command may write into.
    let elsewhere = s.join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    new_with_git(&s, "app", STACK, &[])
        .env("PATH", path)
        .current_dir(&elsewhere)
        .assert()
        .success()
        .stdout(
            contains("`git init` failed (fatal: could not write config file")
                .and(contains("its partial .git was removed")),
        );
    assert!(!s.join("app/.git").exists());
    assert!(
        !elsewhere.join(".git").exists(),
        "git wrote where sprout ran"
    );
    assert!(s.join("app/package.json").exists());
}

// 7. Modes follow the umask; secrets are 0600 whatever it is.

fn new_under_umask(s: &Scratch, umask: &str, name: &str) {
    let status = process("sh")
        .arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(bin())
        .args(["new", name, "-s", "django", "--yes", "--no-git", "--quiet"])
        .args(["--set", "database=postgres", "-o"])
        .arg(s.path())
        .status()
        .unwrap();
    assert!(status.success());
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

#[test]
fn modes_follow_the_umask_and_secrets_are_private() {
    let s = Scratch::new();
    for (umask, folder, file, exec) in [
        ("077", 0o700, 0o600, 0o700),
        ("002", 0o775, 0o664, 0o775),
        ("022", 0o755, 0o644, 0o755),
    ] {
        let name = format!("um{umask}");
        new_under_umask(&s, umask, &name);
        let app = s.join(&name);
        assert_eq!(mode(&app), folder, "umask {umask}: the project folder");
        assert_eq!(mode(&app.join("users")), folder, "umask {umask}: a folder");
        assert_eq!(mode(&app.join("README.md")), file, "umask {umask}");
        assert_eq!(mode(&app.join("manage.py")), exec, "umask {umask}");
        let env = fs::read_to_string(app.join(".env")).unwrap();
        assert!(env.contains("SECRET_KEY=") && env.contains("DATABASE_URL=postgres://app:"));
        assert_eq!(mode(&app.join(".env")), 0o600, "umask {umask}: .env");
        let env_example = app.join(".env.example");
        assert_eq!(mode(&env_example), file, "no secret in the example");
    }
}

// 8. A collision is exit 3, with the colliding paths.

#[test]
fn a_file_where_a_folder_is_needed_is_a_collision() {
    let s = Scratch::new();
    fs::create_dir(s.join("c1")).unwrap();
    fs::write(s.join("c1/src"), "x").unwrap();
    s.new_project("c1", STACK, &["--force"])
        .assert()
        .code(3)
        .stderr(
            contains("1 path(s) in")
                .and(contains("are in the way of what sprout would write: src\n")),
        );
    assert_eq!(fs::read_dir(s.join("c1")).unwrap().count(), 1);
}

// 9. --dry-run tells the truth.

#[test]
fn dry_run_refuses_what_the_real_run_refuses() {
    let s = Scratch::new();
    fs::create_dir(s.join("app")).unwrap();
    fs::write(s.join("app/notes.txt"), "mine").unwrap();
    s.new_project("app", STACK, &["--dry-run"]).assert().code(3);
    s.new_project("app", STACK, &["--dry-run", "--force"])
        .assert()
        .success();
    fs::write(s.join("app/package.json"), "{}").unwrap();
    s.new_project("app", STACK, &["--dry-run", "--force"])
        .assert()
        .code(3);
    assert_eq!(fs::read_dir(s.join("app")).unwrap().count(), 2);
}

// 10. Closed and full pipes: no panics.

/// Run sprout with stdout a pipe whose reading end is already closed.
fn with_closed_stdout(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    process(bin())
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn dev_full() -> fs::File {
    fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
}

#[test]
fn a_closed_stdout_is_a_quiet_success() {
    for args in [
        &["completions", "bash"][..],
        &["man"],
        &["--help"],
        &["list"],
        &["list", "--json"],
        &["show", STACK],
    ] {
        let out = with_closed_stdout(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert!(out.stderr.is_empty(), "{args:?}: {out:?}");
    }
}

#[test]
fn a_full_stdout_is_an_error() {
    for args in [
        &["list", "--json"][..],
        &["completions", "bash"],
        &["man"],
        &["--help"],
        &["--version"],
    ] {
        let out = process(bin())
            .args(args)
            .stdout(dev_full())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{args:?}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("No space left on device"),
            "{out:?}"
        );
    }
    let s = Scratch::new();
    let out = process(bin())
        .args([
            "new", "app", "-s", STACK, "--yes", "--no-git", "--json", "-o",
        ])
        .arg(s.path())
        .stdout(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(s.join("app/package.json").exists());
}

#[test]
fn a_full_stderr_does_not_abort() {
    let out = process(bin())
        .args(["new", "BAD NAME", "-s", STACK, "--yes"])
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

// 11. A signal during --install stops the whole package manager.

fn wait_for(path: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Ok(text) = fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return text.trim().to_string();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn alive(pid: &str) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

#[test]
fn a_signal_during_install_stops_the_package_manager() {
    for signal in ["TERM", "INT"] {
        let s = Scratch::new();
        let bin_dir = s.join("fakebin");
        fs::create_dir(&bin_dir).unwrap();
        let npm = bin_dir.join("npm");
        let pids = s.join("pids");
        // npm and a child of its own, both long-running.
        fs::write(
            &npm,
            format!(
                "#!/bin/sh\nsleep 300 &\necho \"$$ $!\" > '{}'\nwait\n",
                pids.display()
            ),
        )
        .unwrap();
        fs::set_permissions(&npm, fs::Permissions::from_mode(0o755)).unwrap();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let child = process(bin())
            .args([
                "new",
                "app",
                "-s",
                STACK,
                "--yes",
                "--no-git",
                "--install",
                "-o",
            ])
            .arg(s.path())
            .env("PATH", path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let text = wait_for(&pids);
        let (npm_pid, sleep_pid) = text.split_once(' ').unwrap();
        let _ = Process::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "SIG{signal}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("`npm install` was stopped"), "{err}");
        // Both were signalled; they may take a moment to finish dying (and, reparented, to be
        // reaped).
        for (what, pid) in [("npm", npm_pid), ("npm's child", sleep_pid)] {
            let start = Instant::now();
            while alive(pid) && start.elapsed() < Duration::from_secs(20) {
                std::thread::sleep(Duration::from_millis(10));
            }
            assert!(!alive(pid), "SIG{signal}: {what} ({pid}) runs on");
        }
        assert!(s.join("app/package.json").exists(), "the project stays");
    }
}

// 12. Escape sequences only on a terminal.

#[test]
fn no_escape_sequence_reaches_a_file() {
    let s = Scratch::new();
    let fifo = s.join("answers.toml");
    let status = Process::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success(), "mkfifo is needed");
    let stderr = fs::File::create(s.join("stderr")).unwrap();
    // sprout waits on the answers file, its handler installed: a SIGTERM then ends it.
    let mut child = process(bin())
        .args(["new", "app", "-s", STACK, "--yes", "--answers"])
        .arg(&fifo)
        .arg("-o")
        .arg(s.path())
        .stderr(stderr)
        .spawn()
        .unwrap();
    // Wait until it is blocked opening the FIFO (its signal handler is in place by then).
    let wchan = format!("/proc/{}/wchan", child.id());
    let start = Instant::now();
    while fs::read_to_string(&wchan).unwrap_or_default() != "wait_for_partner" {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "sprout never waited on the FIFO"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = Process::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let written = fs::read(s.join("stderr")).unwrap();
    assert!(
        !written.contains(&0x1b),
        "{:?}",
        String::from_utf8_lossy(&written)
    );
}

// The exit codes, as README and --help give them.

#[test]
fn every_exit_code_is_documented_in_readme_and_help() {
    let codes: Vec<i32> = sprout::exit::Exit::ALL.iter().map(|e| *e as i32).collect();
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme.split("### Exit codes").nth(1).unwrap();
    let table = table.split("\n#").next().unwrap();
    let in_readme: Vec<i32> = table
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(in_readme, codes, "README's table");

    let help = sprout().arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let line = help.split("Exit codes:").nth(1).unwrap();
    let line: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let line = line.split('.').next().unwrap();
    let in_help: Vec<i32> = line
        .split(", ")
        .filter_map(|part| part.split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(in_help, codes, "--help: {line}");
}
