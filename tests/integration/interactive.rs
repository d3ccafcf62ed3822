//! The interactive flow in a real pseudo-terminal: prompts, live validation, summary, Ctrl-C.

#![cfg(unix)]

use std::process::Command;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::{ControlCode, Eof, Expect, Session};

use crate::common::Scratch;

fn spawn(s: &Scratch, args: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("sprout"));
    cmd.args(["new", "--no-git", "-o"])
        .arg(s.path())
        .args(args)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .env("LINES", "40");
    let mut session = Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
}

fn exit_code(session: &expectrl::session::OsSession) -> i32 {
    match session.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("not a normal exit: {other:?}"),
    }
}

#[test]
fn the_prompts_walk_from_stack_to_summary_and_write_the_project() {
    let s = Scratch::new();
    let mut p = spawn(&s, &[]);
    p.expect("Ctrl-C").unwrap();
    p.expect("Stack").unwrap();
    p.expect("express").unwrap();
    p.send("\r").unwrap();
    p.expect("Project name").unwrap();
    // Live validation: a bad name is refused with the nearest valid one, then corrected.
    p.send("Bad Name\r").unwrap();
    p.expect("try `bad-name`").unwrap();
    for _ in 0.."Bad Name".len() {
        p.send("\x7f").unwrap();
    }
    p.send("tty-app\r").unwrap();
    p.expect("Description").unwrap();
    // Accept every default until the summary asks for confirmation.
    let mut confirmed = false;
    for _ in 0..20 {
        p.send("\r").unwrap();
        if p.check("Create ").unwrap().is_empty() {
            std::thread::sleep(Duration::from_millis(150));
            continue;
        }
        confirmed = true;
        break;
    }
    assert!(confirmed, "the summary's confirmation never came");
    p.send("\r").unwrap();
    p.expect("Created").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 0);
    let record = std::fs::read_to_string(s.join("tty-app/.sprout.toml")).unwrap();
    assert!(record.contains("stack = \"express\""), "{record}");
}

#[test]
fn ctrl_c_at_a_prompt_exits_130_and_leaves_nothing() {
    let s = Scratch::new();
    let mut p = spawn(&s, &["--stack", "express"]);
    p.expect("Project name").unwrap();
    p.send("half-typed").unwrap();
    p.send(ControlCode::EndOfText).unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(s.entries().is_empty());
}

#[test]
fn declining_the_summary_writes_nothing() {
    let s = Scratch::new();
    // Every option answered by a flag: the summary's confirmation is the only question.
    let mut args = vec!["declined", "--stack", "express"];
    for set in [
        "description=x",
        "author=y",
        "license=MIT",
        "language=javascript",
        "database=none",
        "docker=no",
        "ci=yes",
    ] {
        args.extend(["--set", set]);
    }
    let mut p = spawn(&s, &args);
    p.expect("Create ").unwrap();
    p.send("n").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(s.entries().is_empty());
}
