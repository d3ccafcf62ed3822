//! End of support: `check` and `doctor` judge the lines a project or a stack is on against the
//! support windows built into sprout (`data/support-windows.toml`), on the day SOURCE_DATE_EPOCH
//! names, so these tests mean the same every day they run.

use crate::common::{Scratch, sprout};

/// Noon UTC of 2027-07-02: Spring Boot 4.1's support (to 2027-06-30) ended two days before.
const AFTER_BOOT_41: &str = "1814529600";
/// Noon UTC of 2027-05-01: 60 days before Spring Boot 4.1's end.
const NEAR_BOOT_41: &str = "1809172800";
/// Noon UTC of 2026-12-06.
const DEC_2026: &str = "1796558400";

fn boot_41_project(scratch: &Scratch) -> std::path::PathBuf {
    scratch
        .new_project(
            "svc",
            "spring-boot",
            &["--set", "boot=4.1", "--set", "java=21"],
        )
        .env("SOURCE_DATE_EPOCH", DEC_2026)
        .assert()
        .success();
    scratch.join("svc")
}

#[test]
fn check_exits_14_with_the_fix_once_a_line_of_the_project_has_ended() {
    let scratch = Scratch::new();
    let dir = boot_41_project(&scratch);
    let out = sprout()
        .arg("check")
        .arg(&dir)
        .env("SOURCE_DATE_EPOCH", AFTER_BOOT_41)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(14), "{stdout}");
    assert!(
        stdout.contains("Spring Boot 4.1: support ended on 2027-06-30 (2 days ago)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fix: sprout update --set boot=4.2"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("Java 21"),
        "a supported line is not a warning: {stdout}"
    );
}

#[test]
fn check_warns_within_90_days_and_keeps_its_exit_code() {
    let scratch = Scratch::new();
    let dir = boot_41_project(&scratch);
    let out = sprout()
        .arg("check")
        .arg(&dir)
        .env("SOURCE_DATE_EPOCH", NEAR_BOOT_41)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("is current"), "{stdout}");
    assert!(
        stdout.contains("Spring Boot 4.1: support ends on 2027-06-30 (in 60 days)"),
        "{stdout}"
    );
}

#[test]
fn check_json_lists_every_line_of_the_project_with_its_status() {
    let scratch = Scratch::new();
    let dir = boot_41_project(&scratch);
    let out = sprout()
        .args(["check", "--json"])
        .arg(&dir)
        .env("SOURCE_DATE_EPOCH", AFTER_BOOT_41)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(14));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = json["support"].as_array().unwrap();
    let find = |name: &str| lines.iter().find(|l| l["line"] == name).unwrap().clone();
    let boot = find("Spring Boot 4.1");
    assert_eq!(boot["status"], "ended");
    assert_eq!(boot["ends"], "2027-06-30");
    assert_eq!(boot["days_left"], -2);
    assert_eq!(boot["move"], "boot=4.2");
    assert_eq!(find("Java 21 (Eclipse Temurin)")["status"], "supported");
    assert_eq!(
        lines.len(),
        2,
        "only the lines of the project's answers: {lines:?}"
    );
}

#[test]
fn doctor_names_each_stacks_lines_past_or_near_their_end() {
    let out = sprout()
        .args(["doctor", "rails"])
        .env("SOURCE_DATE_EPOCH", DEC_2026)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Rails 7.2: support ended on 2026-08-09"),
        "{stdout}"
    );
    assert!(stdout.contains("new projects: --set rails=8.1"), "{stdout}");
    assert!(
        !stdout.contains("Rails 8.1:"),
        "8.1 is supported then: {stdout}"
    );

    let out = sprout()
        .args(["doctor", "spring-boot", "--json"])
        .env("SOURCE_DATE_EPOCH", DEC_2026)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = json["stacks"][0]["support"].as_array().unwrap();
    let boot40 = lines
        .iter()
        .find(|l| l["line"] == "Spring Boot 4.0")
        .unwrap();
    assert_eq!(boot40["status"], "ending");
    assert_eq!(boot40["days_left"], 25);
}

#[test]
fn every_line_of_the_table_is_documented() {
    let root = env!("CARGO_MANIFEST_DIR");
    let table = std::fs::read_to_string(format!("{root}/data/support-windows.toml")).unwrap();
    let doc = std::fs::read_to_string(format!("{root}/docs/support.md")).unwrap();
    let names: Vec<&str> = table
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .collect();
    assert!(names.len() > 10);
    for name in names {
        assert!(
            doc.contains(&format!("| {name} |")),
            "{name} is not in docs/support.md"
        );
    }
}
