//! What a project's record holds, read by `verify` and `update --branch` as `update` reads it:
//! an answer the record lacks is never today's default, and the base follows the branch that
//! holds the record.

use std::path::Path;

use sprout::error::Error;

use crate::common::sprout;
use crate::update::{Fixture, MANIFEST};

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
