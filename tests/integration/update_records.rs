//! What a project's record holds, read by `verify` and `update --branch` as `update` reads it:
//! an answer the record lacks is never today's default, and the base follows the branch that
//! holds the record.

use std::path::Path;

use sprout::error::Error;

use crate::common::sprout;
use crate::update::{Fixture, MANIFEST};
use crate::update_surprises::cli;

/// The fixture's next version: an option `bonus` (default yes) that its test command shows.
fn with_bonus(fx: &Fixture, migration: &str) {
    fx.manifest(&format!(
        "{}\n[[option]]\nkey = \"bonus\"\ntype = \"bool\"\nprompt = \"Bonus?\"\ndefault = true\n{migration}",
        MANIFEST
            .replace("template_version = 1", "template_version = 2")
            .replace("test = \"true\"", "test = \"echo bonus={{bonus}}\"")
    ));
}

fn verify_cli(fx: &Fixture, dir: &Path) -> std::process::Output {
    sprout()
        .args(["verify", "--trust", "--template"])
        .arg(fx.templates.path())
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn verify_refuses_an_answer_the_record_lacks_instead_of_todays_default() {
    let fx = Fixture::new();
    let dir = fx.generate(false);
    with_bonus(&fx, "");
    let refused = sprout::verify::commands(&fx.catalog(), &dir);
    assert!(
        matches!(&refused, Err(Error::Unrecorded { key, .. }) if key == "bonus"),
        "{refused:?}"
    );
    let out = verify_cli(&fx, &dir);
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`bonus`"), "{stderr}");
    assert!(stderr.contains("sprout update --set bonus="), "{stderr}");
    // Nothing ran: the verify heading is not even printed.
    assert!(out.stdout.is_empty(), "{out:?}");
}

#[test]
fn verify_takes_the_value_a_migration_gives_old_projects() {
    let fx = Fixture::new();
    let dir = fx.generate(false);
    with_bonus(
        &fx,
        "\n[[migration]]\nversion = 2\nanswer = { bonus = false }\n",
    );
    let (_, commands) = sprout::verify::commands(&fx.catalog(), &dir).unwrap();
    assert_eq!(commands.test, "echo bonus=false");
}

#[test]
fn after_update_on_a_branch_the_users_branch_still_updates_from_its_own_base() {
    use crate::update::{APP, commit_all, git, read, write};
    use sprout::update::Fate;

    let fx = Fixture::new();
    let dir = fx.generate(true);
    // Version 2 moves app.txt to src/app.txt; the update is committed on a branch of its own,
    // which moves sprout's base on to version 2's render.
    fx.manifest(&crate::update_moves::renamed(
        MANIFEST,
        "app.txt",
        "src/app.txt",
    ));
    fx.remove_template("app.txt");
    fx.template("src/app.txt", &APP.replace("nine", "nine (new)"));
    let out = cli(&fx, &["update", "--branch", "sprout-update"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(read(&dir, ".sprout.toml").contains("\"app.txt\""));

    // Meanwhile, on the user's branch (which holds version 1's record), app.txt moves and changes.
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    git(&dir, &["mv", "app.txt", "lib/app.txt"]);
    write(&dir, "lib/app.txt", &APP.replace("two", "two (mine)"));
    commit_all(&dir, "moved");

    // The update of the user's branch merges from version 1's render, the base its record
    // names: git sees the move from there, and the template's change lands in lib/app.txt.
    let preview = fx.update(&dir, &[]);
    let file = preview
        .files
        .iter()
        .find(|f| f.path == "src/app.txt")
        .unwrap();
    assert_eq!(
        (file.fate, file.to.as_deref()),
        (Fate::Merged, Some("lib/app.txt")),
        "{:?}",
        preview.files
    );
    let text = read(&dir, "lib/app.txt");
    assert!(
        text.contains("two (mine)") && text.contains("nine (new)"),
        "{text}"
    );
}
