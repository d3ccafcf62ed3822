//! What `sprout new` asks of git: the author's default from the user's configuration, read in
//! process with git's own rules (no git process), and at most three git processes to make the
//! repository and its first commit, each logged by a `git` shim first on PATH.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{Scratch, sprout};

/// A folder with a `git` that logs its arguments to `git.log` and runs the real git.
struct Shim {
    dir: PathBuf,
    log: PathBuf,
}

impl Shim {
    fn new(s: &Scratch) -> Shim {
        let dir = s.join("shim");
        fs::create_dir(&dir).unwrap();
        let log = s.join("git.log");
        let fake = dir.join("git");
        fs::write(
            &fake,
            format!(
                "#!/bin/sh\necho \"$*\" >> '{}'\nPATH=\"${{PATH#*:}}\" exec git \"$@\"\n",
                log.display()
            ),
        )
        .unwrap();
        fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
        Shim { dir, log }
    }

    fn path(&self) -> String {
        format!("{}:{}", self.dir.display(), std::env::var("PATH").unwrap())
    }

    fn calls(&self) -> Vec<String> {
        fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }
}

/// `sprout new NAME --stack express --yes --json -o OUT` plus `extra`, with git configured only
/// by `global` (no system file) and the shim first on PATH.
fn new_with(
    s: &Scratch,
    shim: &Shim,
    global: &Path,
    out: &Path,
    extra: &[&str],
) -> std::process::Output {
    sprout()
        .args(["new", "app", "--stack", "express", "--yes", "--json", "-o"])
        .arg(out)
        .args(extra)
        .env("PATH", shim.path())
        .env("HOME", s.path())
        .env("XDG_CONFIG_HOME", s.join("xdg"))
        .env("GIT_CONFIG_GLOBAL", global)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_CONFIG_COUNT")
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .env_remove("EMAIL")
        .output()
        .unwrap()
}

fn author(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outcome: Value = serde_json::from_slice(&out.stdout).unwrap();
    outcome["answers"]["author"].as_str().unwrap().to_string()
}

#[test]
fn the_author_comes_from_an_included_file_without_a_git_process() {
    let s = Scratch::new();
    let shim = Shim::new(&s);
    fs::write(
        s.join("identity"),
        "[user]\n\tname = Included Name\n\temail = inc@example.com\n",
    )
    .unwrap();
    let global = s.join("global");
    fs::write(
        &global,
        format!(
            "[user]\n\tname = Overridden\n[include]\n\tpath = {}\n",
            s.join("identity").display()
        ),
    )
    .unwrap();
    let made = new_with(&s, &shim, &global, &s.join("out"), &["--no-git"]);
    assert_eq!(author(&made), "Included Name");
    assert_eq!(shim.calls(), Vec::<String>::new(), "git was run");
    let license = fs::read_to_string(s.join("out/app/LICENSE")).unwrap();
    assert!(license.contains("Included Name"), "{license}");
}

#[test]
fn include_if_gitdir_is_judged_for_the_new_projects_folder() {
    let s = Scratch::new();
    let shim = Shim::new(&s);
    fs::create_dir(s.join("work")).unwrap();
    fs::write(s.join("work-identity"), "[user]\n\tname = Work Name\n").unwrap();
    let global = s.join("global");
    fs::write(
        &global,
        format!(
            "[user]\n\tname = Home Name\n[includeIf \"gitdir:{}/\"]\n\tpath = {}\n",
            fs::canonicalize(s.join("work")).unwrap().display(),
            s.join("work-identity").display()
        ),
    )
    .unwrap();
    let at_work = new_with(&s, &shim, &global, &s.join("work"), &["--no-git"]);
    assert_eq!(author(&at_work), "Work Name");
    let at_home = new_with(&s, &shim, &global, &s.join("home"), &["--no-git"]);
    assert_eq!(author(&at_home), "Home Name");
}

#[test]
fn git_config_variables_in_the_environment_win() {
    let s = Scratch::new();
    let shim = Shim::new(&s);
    let global = s.join("global");
    fs::write(&global, "[user]\n\tname = File Name\n").unwrap();
    let mut cmd = sprout();
    cmd.args([
        "new", "app", "--stack", "express", "--yes", "--json", "--no-git", "-o",
    ])
    .arg(s.join("out"))
    .env("PATH", shim.path())
    .env("HOME", s.path())
    .env("GIT_CONFIG_GLOBAL", &global)
    .env("GIT_CONFIG_NOSYSTEM", "1")
    .env("GIT_CONFIG_COUNT", "1")
    .env("GIT_CONFIG_KEY_0", "user.name")
    .env("GIT_CONFIG_VALUE_0", "Env Name");
    assert_eq!(author(&cmd.output().unwrap()), "Env Name");
    // Given, the configuration is not what counts.
    let given = new_with(
        &s,
        &shim,
        &global,
        &s.join("given"),
        &["--no-git", "--set", "author=Ann"],
    );
    assert_eq!(author(&given), "Ann");
}

#[test]
fn new_starts_at_most_three_git_processes_and_no_maintenance() {
    let s = Scratch::new();
    let shim = Shim::new(&s);
    let global = s.join("global");
    fs::write(&global, "[user]\n\tname = T\n\temail = t@example.com\n").unwrap();
    let made = new_with(&s, &shim, &global, &s.join("out"), &[]);
    assert_eq!(author(&made), "T");
    let calls = shim.calls();
    assert!(
        calls.len() <= 3,
        "{} git processes: {calls:#?}",
        calls.len()
    );
    assert!(
        !calls
            .iter()
            .any(|c| c.contains("maintenance") || c.contains(" gc") || c.starts_with("config")),
        "{calls:#?}"
    );
    // The repository is whole: the first commit, and the base `sprout update` merges from.
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(s.join("out/app"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(git(&["log", "--format=%s"]), "Initial commit from sprout");
    assert_eq!(git(&["status", "--porcelain"]), "");
    let base_files = git(&["ls-tree", "-r", "--name-only", "refs/sprout/base"]);
    assert!(
        base_files.lines().any(|f| f == "package.json"),
        "{base_files}"
    );
    assert_eq!(git(&["fsck", "--strict", "--no-dangling"]), "");
}
