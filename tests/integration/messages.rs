//! What sprout says about a stack, an answer or a name it refuses, and the author it writes.

use predicates::prelude::*;
use predicates::str::contains;

use crate::common::{Scratch, json_of, sprout};

/// stderr of a run that must fail with exit code 2.
fn usage_error(args: &[&str]) -> String {
    let out = sprout().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn stacks_match_without_case_and_an_unknown_one_is_one_line() {
    let s = Scratch::new();
    s.new_project("cased", "Express", &["--dry-run"])
        .assert()
        .success()
        .stdout(contains("cased/"));
    sprout().args(["show", "Flask"]).assert().success();
    let err = usage_error(&["new", "x", "--stack", "expres", "--yes"]);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("did you mean `express`?"), "{err}");
    for key in crate::common::stack_keys() {
        assert!(err.contains(&key), "{key} missing: {err}");
    }
}

#[test]
fn a_value_another_stack_has_names_this_stacks_own() {
    let err = usage_error(&[
        "new",
        "x",
        "-s",
        "spring-boot",
        "--set",
        "database=sqlite",
        "--yes",
    ]);
    assert!(err.contains("`h2`"), "{err}");
}

#[test]
fn set_stack_points_to_the_stack_flag() {
    let err = usage_error(&["new", "x", "-s", "express", "--set", "stack=flask", "--yes"]);
    assert!(err.contains("--stack flask"), "{err}");
}

#[test]
fn answers_files_keep_float_text_and_point_at_errors() {
    let s = Scratch::new();
    std::fs::write(s.join("boot.toml"), "stack = \"spring-boot\"\nboot = 4.0\n").unwrap();
    let json = json_of(
        sprout()
            .args(["new", "floaty", "--yes", "--dry-run", "--json", "--answers"])
            .arg(s.join("boot.toml")),
    );
    assert_eq!(json["answers"]["boot"], "4.0");

    std::fs::write(s.join("broken.toml"), "docker = true\nci = \n").unwrap();
    let express_with = |file: &str| {
        let path = s.join(file);
        usage_error(&[
            "new",
            "x",
            "-s",
            "express",
            "--yes",
            "--answers",
            path.to_str().unwrap(),
        ])
    };
    let err = express_with("broken.toml");
    assert!(err.contains("line 2, column 6"), "{err}");

    let err = express_with("boot.toml");
    assert!(err.contains("boot.toml"), "{err}");
    assert!(
        err.contains("`spring-boot`") && err.contains("`express`"),
        "{err}"
    );
}

#[test]
fn node_modules_is_refused_as_npms_reserved_name() {
    let err = usage_error(&["new", "node_modules", "-s", "express", "--yes"]);
    assert!(err.contains("npm reserves"), "{err}");
    assert!(!err.contains("core module"), "{err}");
}

#[test]
fn flask_accepts_the_name_app() {
    // e2e case `flask-named-app` installs, lints, tests and serves such a project.
    let s = Scratch::new();
    let json = json_of(&mut s.new_project("app", "flask", &["--dry-run", "--json"]));
    let files = json["files"].to_string();
    assert!(files.contains("app/__init__.py"), "{files}");
}

/// LICENSE of an express project made with git configured only by `config`.
fn license_with_git_config(config: &str) -> String {
    let s = Scratch::new();
    std::fs::write(s.join("gitconfig"), config).unwrap();
    s.new_project("licensed", "express", &[])
        .current_dir(s.path())
        .env("GIT_CONFIG_GLOBAL", s.join("gitconfig"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .assert()
        .success();
    let license = std::fs::read_to_string(s.join("licensed/LICENSE")).unwrap();
    let package = std::fs::read_to_string(s.join("licensed/package.json")).unwrap();
    assert!(!package.contains("Your Name"), "{package}");
    license
}

#[test]
fn the_author_comes_from_git_or_is_left_out() {
    let year = sprout::secrets::current_year();
    let named = license_with_git_config("[user]\n\tname = Ada Lovelace\n");
    assert!(
        named.contains(&format!("Copyright (c) {year} Ada Lovelace\n")),
        "{named}"
    );
    let unnamed = license_with_git_config("");
    assert!(
        unnamed.contains(&format!("Copyright (c) {year}\n")),
        "{unnamed}"
    );
    assert!(!unnamed.contains("Your Name"), "{unnamed}");
}

#[test]
fn the_man_page_documents_every_subcommand_and_option_of_new() {
    let out = sprout().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    for sub in ["new", "list", "show", "completions"] {
        assert!(
            page.contains(&format!(".SH \"SPROUT {}\"", sub.to_uppercase())),
            "{sub}"
        );
    }
    let help = sprout().args(["new", "--help"]).output().unwrap().stdout;
    let help = String::from_utf8(help).unwrap();
    let flags: Vec<&str> = help
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches([',', '.', ')', ':']))
        .collect();
    assert!(flags.len() >= 10, "{help}");
    for flag in flags {
        // roff escapes each `-` as `\-`.
        let roff = flag.replace('-', "\\-");
        assert!(page.contains(&roff), "{flag} missing from the man page");
    }
}

#[test]
fn completions_leave_out_the_hidden_man_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let out = sprout().args(["completions", shell]).output().unwrap();
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("completions"), "{shell}");
        assert!(
            !script
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| w == "man"),
            "{shell} offers `man`"
        );
    }
}

#[test]
fn verbose_lists_each_file_written_and_each_git_command() {
    let s = Scratch::new();
    sprout()
        .args(["-v", "new", "loud", "--stack", "node", "--yes", "-o"])
        .arg(s.path())
        .assert()
        .success()
        .stderr(
            contains("wrote ")
                .and(contains("loud/package.json"))
                .and(contains("running `git init"))
                .and(contains("commit")),
        );
}

#[test]
fn usage_error_transcripts() {
    let cases = [
        "new x --stack expres --yes",
        "new x --yes",
        "new x",
        "new --stack express --yes",
        "new x -s spring-boot --set database=sqlite --yes",
        "new x -s express --set stack=flask --yes",
        "new node_modules -s express --yes",
        "new MyApp -s flask --yes",
    ];
    let mut transcript = String::new();
    for args in cases {
        let out = sprout().args(args.split(' ')).output().unwrap();
        transcript.push_str(&format!(
            "$ sprout {args}\n{}exit {}\n\n",
            String::from_utf8_lossy(&out.stderr),
            out.status.code().unwrap_or(-1)
        ));
    }
    insta::assert_snapshot!(transcript);
}
