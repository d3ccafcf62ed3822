//! The command line contract of PRODUCT.md: flags, precedence, faults and exit codes.

use predicates::prelude::*;
use predicates::str::contains;

use crate::common::{STACK, Scratch, json_of, sprout, stack_keys};

#[test]
fn list_names_every_stack_with_title_and_description() {
    let keys = stack_keys();
    assert!(keys.contains(&STACK.to_string()));
    let out = sprout()
        .arg("list")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), keys.len());
    for (line, key) in text.lines().zip(&keys) {
        assert!(line.starts_with(key.as_str()), "{line}");
        assert!(
            line.split_whitespace().count() >= 3,
            "title and description: {line}"
        );
    }
}

#[test]
fn show_describes_options_and_json_has_choices() {
    sprout().args(["show", STACK]).assert().success().stdout(
        contains("license")
            .and(contains("MIT | Apache-2.0 | none"))
            .and(contains("(default: MIT)")),
    );
    let out = sprout().args(["show", STACK, "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let options = json["options"].as_array().unwrap();
    let license = options.iter().find(|o| o["key"] == "license").unwrap();
    assert_eq!(
        license["choices"],
        serde_json::json!(["MIT", "Apache-2.0", "none"])
    );
    assert_eq!(options[0]["key"], "name");
}

#[test]
fn new_with_yes_writes_a_project_and_a_record() {
    let s = Scratch::new();
    s.new_project("my-api", STACK, &[])
        .assert()
        .success()
        .stdout(contains("Next steps"));
    let record = std::fs::read_to_string(s.join("my-api/.sprout.toml")).unwrap();
    assert!(record.contains(&format!("stack = \"{STACK}\"")));
    assert!(record.contains("name = \"my-api\""));
    assert!(s.join("my-api/README.md").exists());
    assert!(s.join("my-api/.gitignore").exists());
}

#[test]
fn bad_name_is_refused_with_a_suggestion() {
    let s = Scratch::new();
    s.new_project("My API", STACK, &[]).assert().code(2);
    assert!(s.entries().is_empty());
}

#[test]
fn names_cannot_leave_the_output_folder() {
    let s = Scratch::new();
    for name in ["../escape", "/tmp/abs", "a/b", ".", ".."] {
        s.new_project(name, STACK, &[]).assert().code(2);
    }
    assert!(s.entries().is_empty());
    assert!(!s.path().parent().unwrap().join("escape").exists());
}

#[test]
fn unknown_option_and_bad_choice_name_what_is_allowed() {
    let s = Scratch::new();
    s.new_project("a", STACK, &["--set", "licence=MIT"])
        .assert()
        .code(2);
    s.new_project("a", STACK, &["--set", "license=GPL"])
        .assert()
        .code(2);
    s.new_project("a", STACK, &["--set", "docker=maybe"])
        .assert()
        .code(2);
    s.new_project("a", STACK, &["--set", "novalue"])
        .assert()
        .code(2);
    assert!(s.entries().is_empty());
}

#[test]
fn choices_are_matched_without_case_but_never_guessed() {
    let s = Scratch::new();
    s.new_project(
        "a",
        STACK,
        &["--set", "license=apache-2.0", "--dry-run", "--json"],
    )
    .assert()
    .success()
    .stdout(contains("\"license\": \"Apache-2.0\""));
    s.new_project("a", STACK, &["--set", "license=apache"])
        .assert()
        .code(2);
}

#[test]
fn set_beats_answers_file_beats_default() {
    let s = Scratch::new();
    let file = s.join("answers.toml");
    std::fs::write(
        &file,
        "license = \"Apache-2.0\"\ndocker = true\nauthor = \"From File\"\n",
    )
    .unwrap();
    let json = json_of(&mut s.new_project(
        "a",
        STACK,
        &[
            "--answers",
            file.to_str().unwrap(),
            "--set",
            "author=From Flag",
            "--dry-run",
            "--json",
        ],
    ));
    assert_eq!(json["answers"]["author"], "From Flag");
    assert_eq!(json["answers"]["license"], "Apache-2.0");
    assert_eq!(json["answers"]["docker"], true);
    assert_eq!(json["answers"]["ci"], true, "default");
}

#[test]
fn answers_file_in_json_and_its_errors() {
    let s = Scratch::new();
    let good = s.join("a.json");
    std::fs::write(
        &good,
        r#"{"stack": "express", "name": "from-json", "ci": false}"#,
    )
    .unwrap();
    let out = sprout()
        .args([
            "new",
            "--yes",
            "--dry-run",
            "--json",
            "--answers",
            good.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["stack"], "express");
    assert_eq!(json["answers"]["name"], "from-json");

    let bad = s.join("bad.toml");
    std::fs::write(&bad, "license = [\n").unwrap();
    s.new_project("a", STACK, &["--answers", bad.to_str().unwrap()])
        .assert()
        .code(2);
    s.new_project("a", STACK, &["--answers", "/nonexistent/answers.toml"])
        .assert()
        .code(2);
    let unknown = s.join("unknown.toml");
    std::fs::write(&unknown, "colour = \"red\"\n").unwrap();
    s.new_project("a", STACK, &["--answers", unknown.to_str().unwrap()])
        .assert()
        .code(2);
}

#[test]
fn the_record_regenerates_the_same_project() {
    let s = Scratch::new();
    s.new_project(
        "orig",
        STACK,
        &["--set", "license=Apache-2.0", "--set", "database=sqlite"],
    )
    .assert()
    .success();
    let again = s.join("again");
    sprout()
        .args(["new", "--yes", "--no-git", "--answers"])
        .arg(s.join("orig/.sprout.toml"))
        .arg("-o")
        .arg(&again)
        .assert()
        .success();
    let a = s.join("orig");
    let b = again.join("orig");
    for entry in walk(&a) {
        let rel = entry.strip_prefix(&a).unwrap();
        assert_eq!(
            std::fs::read(&entry).unwrap(),
            std::fs::read(b.join(rel)).unwrap(),
            "{}",
            rel.display()
        );
    }
    assert_eq!(walk(&a).len(), walk(&b).len());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path))
        } else {
            out.push(path)
        }
    }
    out
}

#[test]
fn without_a_terminal_missing_answers_fail_fast_with_the_flag_to_pass() {
    // assert_cmd gives no terminal on stdin: sprout must not wait for one.
    let s = Scratch::new();
    sprout()
        .args(["new", "--stack", STACK, "-o"])
        .arg(s.path())
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2);
    sprout()
        .args(["new", "x", "-o"])
        .arg(s.path())
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2);
    assert!(s.entries().is_empty());
}

#[test]
fn an_existing_folder_is_refused_then_extended_with_force() {
    let s = Scratch::new();
    std::fs::create_dir(s.join("app")).unwrap();
    std::fs::write(s.join("app/notes.txt"), "mine").unwrap();
    s.new_project("app", STACK, &[]).assert().code(3);
    assert_eq!(std::fs::read_dir(s.join("app")).unwrap().count(), 1);

    s.new_project("app", STACK, &["--force"]).assert().success();
    assert_eq!(
        std::fs::read_to_string(s.join("app/notes.txt")).unwrap(),
        "mine"
    );
    assert!(s.join("app/package.json").exists());
    // Same answers again: every file is already there and identical.
    s.new_project("app", STACK, &["--force", "--json"])
        .assert()
        .success()
        .stdout(contains("\"unchanged\""));
}

#[test]
fn force_never_overwrites_a_file_that_differs() {
    let s = Scratch::new();
    std::fs::create_dir(s.join("app")).unwrap();
    std::fs::write(s.join("app/README.md"), "my readme").unwrap();
    s.new_project("app", STACK, &["--force"])
        .assert()
        .code(3)
        .stderr(contains("README.md"));
    assert_eq!(
        std::fs::read_to_string(s.join("app/README.md")).unwrap(),
        "my readme"
    );
    assert_eq!(
        std::fs::read_dir(s.join("app")).unwrap().count(),
        1,
        "nothing was added"
    );
}

#[test]
fn a_file_in_the_way_is_refused() {
    let s = Scratch::new();
    std::fs::write(s.join("app"), "a file").unwrap();
    s.new_project("app", STACK, &["--force"]).assert().code(3);
}

#[test]
fn write_failure_leaves_nothing_and_exits_4() {
    let s = Scratch::new();
    // The output folder's parent is a file: nothing can be created below it.
    std::fs::write(s.join("blocker"), "").unwrap();
    sprout()
        .args(["new", "app", "--stack", STACK, "--yes", "--no-git", "-o"])
        .arg(s.join("blocker/sub"))
        .assert()
        .code(4);
    assert_eq!(s.entries(), vec!["blocker"]);
}

#[test]
fn dry_run_prints_the_tree_and_writes_nothing() {
    let s = Scratch::new();
    s.new_project("app", STACK, &["--dry-run"])
        .assert()
        .success()
        .stdout(
            contains("app/")
                .and(contains("package.json"))
                .and(contains(" files, ")),
        );
    assert!(s.entries().is_empty());
}

#[test]
fn json_is_one_object_with_files_answers_and_next_steps() {
    let s = Scratch::new();
    let out = s.new_project("app", STACK, &["--json"]).output().unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is only JSON");
    assert_eq!(json["stack"], STACK);
    assert!(
        json["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "package.json")
    );
    assert_eq!(json["answers"]["name"], "app");
    assert!(json["next_steps"][0].as_str().unwrap().starts_with("cd "));
    assert!(json["commands"]["test"].is_string());
}

/// These tests need git: without it they fail, naming it (a test never skips itself).
fn require_git() {
    let found = std::process::Command::new("git").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "git is needed by this test (sprout runs `git init` and `git commit`): install git"
    );
}

/// `sprout new` with git configured only by `config` (no global or system settings).
fn new_with_git_config(s: &Scratch, config: &str) -> assert_cmd::assert::Assert {
    std::fs::write(s.join("gitconfig"), config).unwrap();
    sprout()
        .args(["new", "app", "--stack", STACK, "--yes", "-o"])
        .arg(s.join("out"))
        .env("GIT_CONFIG_GLOBAL", s.join("gitconfig"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", s.path())
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .env_remove("EMAIL")
        .assert()
}

#[test]
fn git_init_makes_a_first_commit() {
    require_git();
    let s = Scratch::new();
    new_with_git_config(&s, "[user]\n  name = T\n  email = t@example.com\n")
        .success()
        .stdout(contains("git: initialised with a first commit"));
    let log = std::process::Command::new("git")
        .args(["log", "--oneline"])
        .current_dir(s.join("out/app"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 1);
}

#[test]
fn git_without_identity_still_succeeds_and_says_what_was_skipped() {
    require_git();
    let s = Scratch::new();
    new_with_git_config(&s, "[user]\n  useConfigOnly = true\n")
        .success()
        .stdout(contains("first commit skipped"));
    assert!(s.join("out/app/.git").is_dir());
}

#[test]
fn no_git_means_no_repository() {
    let s = Scratch::new();
    s.new_project("app", STACK, &[]).assert().success();
    assert!(!s.join("app/.git").exists());
}

#[test]
fn completions_and_man_page_come_from_the_command_definition() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        sprout()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(contains("sprout"));
    }
    sprout()
        .args(["completions", "bash"])
        .assert()
        .stdout(contains("express"));
    sprout()
        .arg("man")
        .assert()
        .success()
        .stdout(contains(".TH sprout"));
}

#[test]
fn help_and_version() {
    sprout()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Exit codes"));
    sprout()
        .arg("--version")
        .assert()
        .success()
        .stdout(contains(env!("CARGO_PKG_VERSION")));
    sprout()
        .args(["new", "--help"])
        .assert()
        .success()
        .stdout(contains("--dry-run").and(contains("--force")));
}

/// A folder with a fake package manager `tool` that prints a line and exits with `code`, placed
/// first on PATH.
#[cfg(unix)]
fn fake_tool(s: &Scratch, tool: &str, code: i32) -> String {
    use std::os::unix::fs::PermissionsExt;
    let bin = s.join("fakebin");
    std::fs::create_dir_all(&bin).unwrap();
    let path = bin.join(tool);
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\necho \"fake {tool} $*\"\necho 'ERR! something broke' >&2\nexit {code}\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[cfg(unix)]
fn fake_npm(s: &Scratch, code: i32) -> String {
    fake_tool(s, "npm", code)
}

#[cfg(unix)]
#[test]
fn install_runs_the_stacks_install_command_and_keeps_a_log() {
    let s = Scratch::new();
    let path = fake_npm(&s, 0);
    s.new_project("app", STACK, &["--install"])
        .env("PATH", path)
        .assert()
        .success()
        .stdout(contains("install: done"));
    let log = std::fs::read_to_string(s.join("app/sprout-install.log")).unwrap();
    assert!(log.contains("fake npm install"), "{log}");
    assert!(log.contains("something broke"), "stderr is kept too: {log}");
}

#[cfg(unix)]
#[test]
fn a_failed_install_exits_5_but_keeps_the_project() {
    let s = Scratch::new();
    let path = fake_npm(&s, 7);
    s.new_project("app", STACK, &["--install"])
        .env("PATH", path)
        .assert()
        .code(5)
        .stderr(
            contains("installing dependencies failed")
                .and(contains("something broke"))
                .and(contains("sprout-install.log")),
        );
    assert!(s.join("app/package.json").exists());
}

#[test]
fn quiet_prints_nothing_on_success_and_errors_still_show() {
    let s = Scratch::new();
    s.new_project("app", STACK, &["--quiet"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    s.new_project("app", STACK, &["--quiet"])
        .assert()
        .code(3)
        .stderr(contains("error:"));
}

#[test]
fn colour_only_when_asked_off_a_terminal() {
    let s = Scratch::new();
    let plain = s
        .new_project("a", STACK, &["--dry-run"])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains('\u{1b}'));
    let forced = s
        .new_project("a", STACK, &["--dry-run", "--color", "always"])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).contains('\u{1b}'));
    let json = s
        .new_project("a", STACK, &["--dry-run", "--json", "--color", "always"])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&json.stdout).contains('\u{1b}'),
        "JSON never carries colour"
    );
}

/// `sprout new app` into `out`, running in the background, its messages discarded.
#[cfg(unix)]
fn spawn_generation(out: &std::path::Path) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("sprout"))
        .args([
            "new", "app", "--stack", STACK, "--yes", "--no-git", "--quiet", "-o",
        ])
        .arg(out)
        .env("SPROUT_CACHE_DIR", crate::common::cache_dir())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Kill sprout at many moments during generation: afterwards the project is either complete or
/// absent, and a later run leaves no staging folder behind.
#[cfg(unix)]
#[test]
fn sigkill_at_any_moment_leaves_a_complete_project_or_none() {
    let s = Scratch::new();
    let reference = Scratch::new();
    reference.new_project("app", STACK, &[]).assert().success();
    let expected = walk(&reference.join("app")).len();
    for delay_us in (0..30).map(|i| i * 300) {
        let out = s.join(&format!("run{delay_us}"));
        let mut child = spawn_generation(&out);
        std::thread::sleep(std::time::Duration::from_micros(delay_us));
        let _ = child.kill();
        let _ = child.wait();
        let app = out.join("app");
        if app.exists() {
            assert_eq!(
                walk(&app).len(),
                expected,
                "a partial project at {}",
                app.display()
            );
        }
        // The next run in the same place cleans any stage of the killed run.
        if out.exists() {
            sprout()
                .args([
                    "new", "other", "--stack", STACK, "--yes", "--no-git", "--quiet", "-o",
                ])
                .arg(&out)
                .assert()
                .success();
            let leftovers: Vec<_> = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".sprout-stage-"))
                .collect();
            assert!(leftovers.is_empty(), "{leftovers:?}");
        }
    }
}

/// SIGTERM (and Ctrl-C's SIGINT) during generation: exit 0 if it finished first, else 130 with
/// nothing left behind.
#[cfg(unix)]
#[test]
fn sigterm_and_sigint_cancel_cleanly() {
    let s = Scratch::new();
    for (signal, delay_us) in ["TERM", "INT"]
        .iter()
        .flat_map(|sig| (0..15).map(move |i| (*sig, i * 500)))
    {
        let out = s.join(&format!("run-{signal}-{delay_us}"));
        let mut child = spawn_generation(&out);
        std::thread::sleep(std::time::Duration::from_micros(delay_us));
        let _ = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status();
        let status = child.wait().unwrap();
        let app = out.join("app");
        match status.code() {
            Some(0) => assert!(app.join(".sprout.toml").exists()),
            // Cancelled while writing: nothing. After the rename (during the report): complete.
            Some(130) => assert!(
                !app.exists() || app.join(".sprout.toml").exists(),
                "partial {}",
                app.display()
            ),
            // Killed before the handler was installed: the default action, nothing written yet.
            None => assert!(!app.exists()),
            Some(other) => panic!("unexpected exit code {other} after SIG{signal}"),
        }
        if out.exists() {
            let stages = std::fs::read_dir(&out)
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .starts_with(".sprout-stage-")
                })
                .count();
            assert!(
                status.code() != Some(130) || stages == 0,
                "a cancelled run cleans its stage"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn another_package_manager_is_chosen_by_the_environment() {
    let s = Scratch::new();
    let path = fake_tool(&s, "pnpm", 0);
    s.new_project("app", STACK, &["--install"])
        .env("PATH", path)
        .env("SPROUT_PACKAGE_MANAGER", "pnpm")
        .assert()
        .success()
        .stdout(contains("pnpm test").and(contains("npm install").not()));
    let log = std::fs::read_to_string(s.join("app/sprout-install.log")).unwrap();
    assert!(log.contains("fake pnpm install"), "{log}");
}

#[test]
fn a_package_manager_the_stack_lacks_is_refused_before_writing() {
    let s = Scratch::new();
    s.new_project("app", STACK, &["--install"])
        .env("SPROUT_PACKAGE_MANAGER", "bun")
        .assert()
        .code(2);
    assert!(s.entries().is_empty());
}
