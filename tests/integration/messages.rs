//! What sprout accepts in stack keys, answers and names, and the author it writes (what it says
//! when it refuses them is in `errors.rs`).

use predicates::prelude::*;
use predicates::str::contains;

use crate::common::{Scratch, json_of, sprout};

#[test]
fn stacks_match_without_case() {
    let s = Scratch::new();
    s.new_project("cased", "Express", &["--dry-run"])
        .assert()
        .success()
        .stdout(contains("cased/"));
    sprout().args(["show", "Flask"]).assert().success();
}

#[test]
fn answers_files_keep_float_text() {
    let s = Scratch::new();
    std::fs::write(s.join("boot.toml"), "stack = \"spring-boot\"\nboot = 4.1\n").unwrap();
    let json = json_of(
        sprout()
            .args(["new", "floaty", "--yes", "--dry-run", "--json", "--answers"])
            .arg(s.join("boot.toml")),
    );
    assert_eq!(json["answers"]["boot"], "4.1");
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
