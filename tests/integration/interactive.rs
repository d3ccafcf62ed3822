//! The interactive flow in a real pseudo-terminal: dialoguer's prompts, validation on Enter,
//! summary, Ctrl-C.
//! Screens are checked as a terminal shows them (a vt100 emulator fed every byte), at the
//! widths people use.

#![cfg(unix)]

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::Session;
use expectrl::process::unix::WaitStatus;

use crate::common::Scratch;

/// Terminal widths every screen test runs at.
const WIDTHS: [u16; 4] = [40, 80, 100, 120];
const ROWS: u16 = 40;

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap()
}

/// sprout in a pseudo-terminal of a given width, with the screen as a terminal would show it.
struct Screen {
    session: expectrl::session::OsSession,
    parser: vt100::Parser,
    eof: bool,
}

impl Screen {
    /// `sprout new --no-git -o <scratch> ARGS…` at a terminal `cols` wide.
    fn spawn(s: &Scratch, cols: u16, args: &[&str]) -> Screen {
        Screen::spawn_sized(s, cols, ROWS, args)
    }

    /// The same at a terminal of `cols` by `rows`.
    fn spawn_sized(s: &Scratch, cols: u16, rows: u16, args: &[&str]) -> Screen {
        let sprout = assert_cmd::cargo::cargo_bin("sprout");
        let mut all = vec!["new", "--no-git", "-o", s.path().to_str().unwrap()];
        all.extend(args);
        Screen::start_sized(s, (cols, rows), sprout.to_str().unwrap(), &all)
    }

    /// `program ARGS…` at a terminal `cols` wide, in the scratch folder.
    fn start(s: &Scratch, cols: u16, program: &str, args: &[&str]) -> Screen {
        Screen::start_sized(s, (cols, ROWS), program, args)
    }

    fn start_sized(s: &Scratch, (cols, rows): (u16, u16), program: &str, args: &[&str]) -> Screen {
        // The pty library sets its own size (80x24) while spawning, racing with anything the
        // child does: the size is set from here afterwards, and the child waits for it before
        // the program starts. Echo is on, as in a real terminal (the library turns it off;
        // readline then shows nothing typed).
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!(
                "until [ \"$(stty size)\" = '{rows} {cols}' ]; do sleep 0.01; done; \
                 stty echo && exec \"$0\" \"$@\""
            ))
            .arg(program)
            .args(args)
            .current_dir(s.path())
            .env("TERM", "xterm-256color")
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("SPROUT_CACHE_DIR", crate::common::cache_dir());
        let mut session = Session::spawn(cmd).unwrap();
        session
            .get_process_mut()
            .set_window_size(cols, rows)
            .unwrap();
        Screen {
            session,
            parser: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
            eof: false,
        }
    }

    /// Feed the emulator whatever the program has written so far.
    fn pump(&mut self) {
        let mut buf = [0u8; 4096];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => {
                    self.eof = true;
                    return;
                }
                Ok(n) => self.parser.process(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(_) => {
                    self.eof = true;
                    return;
                }
            }
        }
    }

    fn rows(&self) -> Vec<String> {
        let (_, cols) = self.parser.screen().size();
        self.parser
            .screen()
            .rows(0, cols.into())
            .map(|r| r.trim_end().to_string())
            .collect()
    }

    fn text(&self) -> String {
        self.rows().join("\n").trim_end().to_string()
    }

    /// Wait until `done` holds for the screen (bounded, so a hang fails instead of blocking).
    fn wait_until(&mut self, what: &str, done: impl Fn(&Screen) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            self.pump();
            if done(self) {
                return self.text();
            }
            assert!(
                !self.eof && Instant::now() < deadline,
                "never saw {what}; the screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until the screen shows `what`.
    fn wait_for(&mut self, what: &str) -> String {
        self.wait_until(&format!("{what:?}"), |t| t.text().contains(what))
    }

    /// Wait until the rows, joined as the terminal wrapped them, show `what`.
    fn wait_joined(&mut self, what: &str) -> String {
        self.wait_until(&format!("{what:?} (joined)"), |t| {
            t.rows().concat().contains(what)
        })
    }

    /// Wait until the screen shows `what`, its rows joined and spaces run together (a message
    /// broken into rows).
    fn wait_words(&mut self, what: &str) -> String {
        self.wait_until(&format!("{what:?} (words)"), |t| {
            words(&t.text()).contains(what)
        })
    }

    fn send(&mut self, keys: &str) {
        self.session.write_all(keys.as_bytes()).unwrap();
        self.session.flush().unwrap();
    }

    /// Whether the caret sits right after the last character of its row.
    fn caret_at_end_of_row(&self) -> bool {
        let (row, col) = self.cursor();
        usize::from(col) == console::measure_text_width(&row)
    }

    /// The row the cursor is on, and its column.
    fn cursor(&self) -> (String, u16) {
        let (row, col) = self.parser.screen().cursor_position();
        (self.rows()[usize::from(row)].clone(), col)
    }

    /// Ctrl-C, which must end the run with 130.
    fn quit(mut self) {
        self.send("\x03");
        let (code, screen, _) = self.finish();
        assert_eq!(code, 130, "{screen}");
    }

    /// Read to the end and return the exit code with the final screen.
    fn finish(mut self) -> (i32, String, bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.eof {
            assert!(
                Instant::now() < deadline,
                "sprout did not end:\n{}",
                self.text()
            );
            self.pump();
            std::thread::sleep(Duration::from_millis(20));
        }
        let code = exit_code(&self.session);
        let hidden = self.parser.screen().hide_cursor();
        (code, self.text(), hidden)
    }
}

/// `text` with every run of whitespace (line breaks included) as one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
    let mut t = Screen::spawn(&s, 100, &[]);
    t.wait_for("Ctrl-C");
    t.wait_for("graphql");
    t.send("\r");
    t.wait_for("Project name");
    // A bad name is refused with the nearest valid one, then corrected.
    t.send("Bad Name\r");
    t.wait_for("try `bad-name`");
    t.send(&"\x7f".repeat("Bad Name".len()));
    t.send("tty-app\r");
    t.wait_for("Description");
    // Every default: description, author, license, language, database, auth, docker, ci. Keys
    // typed ahead wait for their question.
    t.send(&"\r".repeat(8));
    t.wait_for("Create ");
    t.send("\r");
    t.wait_for("Next steps");
    let (code, screen, _) = t.finish();
    assert_eq!(code, 0, "{screen}");
    for answer in [
        "✔ Stack · express",
        "✔ Project name · tty-app",
        "✔ License · MIT",
    ] {
        assert!(screen.lines().any(|l| l == answer), "{answer}:\n{screen}");
    }
    let record = std::fs::read_to_string(s.join("tty-app/.sprout.toml")).unwrap();
    assert!(record.contains("stack = \"express\""), "{record}");
}

const DESCRIPTION_PROMPT: &str = "? Description (A backend service) ›";

#[test]
fn picker_rows_fit_the_width_and_only_the_answer_line_stays() {
    let keys = crate::common::stack_keys();
    for cols in WIDTHS {
        let s = Scratch::new();
        let mut t = Screen::spawn(&s, cols, &[]);
        t.wait_for("Stack");
        let screen = t.wait_for("graphql");
        let rows = t.rows();
        let first = rows.iter().position(|r| r.contains("? Stack")).unwrap();
        // One row per stack right under the question: nothing wrapped onto a second row.
        for (i, row) in rows[first + 1..=first + keys.len()].iter().enumerate() {
            let label = row.trim_start_matches(['❯', ' ']);
            assert!(
                keys.iter().any(|k| label.starts_with(k.as_str())),
                "{cols} columns, row {i} is not a stack row: {row:?}\n{screen}"
            );
        }
        assert!(screen.contains('…'), "{cols}: nothing was cut:\n{screen}");
        t.send("\r");
        let screen = t.wait_for("Project name");
        let rows = t.rows();
        assert!(
            rows.iter().any(|r| r == "✔ Stack · express"),
            "{cols}: no plain answer line:\n{screen}"
        );
        for key in keys.iter().filter(|k| *k != "express") {
            assert!(
                !screen.contains(key.as_str()),
                "{cols}: `{key}` left over:\n{screen}"
            );
        }
        t.quit();
    }
}

#[test]
fn names_are_checked_on_enter_and_long_errors_fit_and_clear() {
    for cols in WIDTHS {
        let s = Scratch::new();
        let mut t = Screen::spawn(&s, cols, &["--stack", "express"]);
        t.wait_for("Project name");
        // The check runs on Enter (dialoguer's way), with the same message as `--set`.
        t.send("Bad Name\r");
        let screen = t.wait_words("(try `bad-name`; allowed:");
        let screen = if screen.contains("(npm package name))") {
            screen
        } else {
            t.wait_words("(npm package name))")
        };
        let rows = t.rows();
        let error = rows.iter().position(|r| r.starts_with("✘ ")).unwrap();
        let question = rows
            .iter()
            .rposition(|r| r.starts_with("? Project name"))
            .unwrap();
        // The message is broken into rows by sprout, none filling the terminal's last column,
        // so that dialoguer, which counts the rows it drew, can take all of them away.
        assert!(
            question > error + 1,
            "{cols}: the error should wrap:\n{screen}"
        );
        for row in &rows[error..question] {
            assert!(
                console::measure_text_width(row) < usize::from(cols),
                "{cols}: {row:?} fills the row:\n{screen}"
            );
        }
        t.send("good-name\r");
        let screen = t.wait_for("Description");
        for leftover in ["npm package name", "starting with", "✘", "Bad Name"] {
            assert!(
                !screen.contains(leftover),
                "{cols}: {leftover:?} left:\n{screen}"
            );
        }
        assert!(
            t.rows().iter().any(|r| r == "✔ Project name · good-name"),
            "{screen}"
        );
        t.quit();
    }
}

#[test]
fn an_empty_name_gets_a_message() {
    let s = Scratch::new();
    let mut t = Screen::spawn(&s, 80, &["--stack", "express"]);
    t.wait_for("Project name");
    t.send("\r");
    let screen = t.wait_for("an answer is needed");
    assert!(
        screen.contains("✘ Project name: an answer is needed"),
        "{screen}"
    );
    t.send("ok\r");
    t.wait_for("Description");
    t.quit();
}

#[test]
fn ctrl_keys_typed_into_an_answer_are_refused_not_kept() {
    let s = Scratch::new();
    let mut t = Screen::spawn(&s, 80, &["--stack", "express"]);
    t.wait_for("Project name");
    // Ctrl-D (end of input at a shell) and Ctrl-U are characters to dialoguer's line.
    t.send("ab\x04c\x15\r");
    let screen = t.wait_words("has a control character");
    assert!(
        words(&screen).contains("`ab\\u{4}c\\u{15}`"),
        "the answer is shown escaped:\n{screen}"
    );
    t.send("ok\r");
    t.wait_for("Description");
    assert!(t.rows().iter().any(|r| r == "✔ Project name · ok"));
    t.quit();
}

#[test]
fn an_invalid_name_argument_is_asked_again_with_the_reason() {
    for cols in WIDTHS {
        // With the stack given, and with the stack picked first.
        for args in [vec!["MyApp", "--stack", "express"], vec!["MyApp"]] {
            let s = Scratch::new();
            let mut t = Screen::spawn(&s, cols, &args);
            if args.len() == 1 {
                t.wait_for("graphql");
                t.send("\r");
            }
            // The reason, with the value given, above the question asked afresh (drawn after it:
            // both are waited for).
            t.wait_words("`MyApp`: it has uppercase letters (try `myapp`;");
            let screen = t.wait_until("the question asked afresh", |t| {
                t.rows().iter().any(|r| r == "? Project name ›")
            });
            let rows = t.rows();
            let error = rows.iter().position(|r| r.starts_with("✘ ")).unwrap();
            let question = rows.iter().position(|r| r == "? Project name ›");
            assert!(question.is_some_and(|q| q > error), "{cols}:\n{screen}");
            t.send("my-app\r");
            t.wait_for("Description");
            assert!(t.rows().iter().any(|r| r == "✔ Project name · my-app"));
            t.quit();
        }
    }
}

/// An author given with `--set` but refused is asked again at a terminal, with git's
/// `user.name` as its default as always.
#[test]
fn a_refused_author_is_asked_again_with_gits_name_as_the_default() {
    let s = Scratch::new();
    // git reads the configuration of the repository it runs in: the scratch folder's own.
    for args in [&["init", "-q"][..], &["config", "user.name", "Git Name"]] {
        let status = Command::new("git")
            .args(args)
            .current_dir(s.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
    let too_long = format!("author={}", "a".repeat(201));
    let mut t = Screen::spawn(&s, 100, &["app", "--stack", "express", "--set", &too_long]);
    t.wait_for("Description");
    t.send("\r");
    let screen = t.wait_for("? Author");
    assert!(screen.contains("? Author (Git Name)"), "{screen}");
    t.quit();
}

#[test]
fn backspace_over_wide_characters_shows_what_is_kept() {
    // Where the answer stays on the question's row (at 40 columns it wraps: see
    // `a_long_answer_wraps_and_is_answered_whole`).
    for cols in [80, 100, 120] {
        let s = Scratch::new();
        let mut t = Screen::spawn(&s, cols, &["wide", "--stack", "express"]);
        t.wait_for(DESCRIPTION_PROMPT);
        t.send("ab日本");
        t.wait_for("ab日本");
        t.send("\x7f");
        // A frame may be read half drawn: wait for the whole of it, caret included.
        let expected = format!("{DESCRIPTION_PROMPT} ab日");
        t.wait_until("`ab日` with the caret after it", |t| {
            t.cursor().0 == expected && t.caret_at_end_of_row()
        });
        t.send("\r");
        t.wait_for("✔ Description · ab日");
        t.quit();
    }
}

#[test]
fn ctrl_c_at_a_text_prompt_a_list_and_a_yes_no_ends_the_same_way() {
    let mut answered = vec!["x", "--stack", "express"];
    for set in [
        "description=x",
        "author=y",
        "license=MIT",
        "language=javascript",
    ] {
        answered.extend(["--set", set]);
    }
    for (args, at) in [
        (vec!["--stack", "express"], "Project name"),
        (vec![], "? Stack"),
        (vec!["x", "--stack", "express"], "Description"),
        (answered.clone(), "? Database"),
        (
            [
                &answered[..],
                &["--set", "database=none", "--set", "auth=none"],
            ]
            .concat(),
            "? Add a Dockerfile",
        ),
    ] {
        for cols in WIDTHS {
            let s = Scratch::new();
            let mut t = Screen::spawn(&s, cols, &args);
            t.wait_for(at);
            t.send("\x03");
            let (code, screen, cursor_hidden) = t.finish();
            assert_eq!(code, 130, "{at}: {screen}");
            assert!(!cursor_hidden, "{at}: the cursor stays hidden");
            let last = screen.lines().last().unwrap_or_default();
            assert_eq!(last, "Nothing written.", "{at} at {cols}:\n{screen}");
            assert!(!screen.contains("error"), "{at}:\n{screen}");
            // dialoguer leaves the question as it was (wrapped on a narrow terminal); nothing
            // but `Nothing written.` follows it.
            let question = screen.rfind(at).unwrap();
            assert!(
                !screen[question..].contains('✘'),
                "{at} at {cols}: something else was said:\n{screen}"
            );
            assert!(s.entries().is_empty());
        }
    }
}

#[test]
fn declining_the_summary_says_nothing_was_written() {
    let s = Scratch::new();
    let mut args = vec!["declined", "--stack", "express"];
    for set in [
        "description=x",
        "author=y",
        "license=MIT",
        "language=javascript",
        "database=none",
        "auth=none",
        "docker=no",
        "ci=yes",
    ] {
        args.extend(["--set", set]);
    }
    let mut t = Screen::spawn(&s, 80, &args);
    t.wait_for("Create ");
    t.send("n");
    let (code, screen, _) = t.finish();
    assert_eq!(code, 130);
    assert!(screen.ends_with("· no\nNothing written."), "{screen}");
    assert!(s.entries().is_empty());
}

#[test]
fn yes_at_a_terminal_without_a_stack_names_the_flag() {
    let s = Scratch::new();
    let t = Screen::spawn(&s, 80, &["x", "--yes"]);
    let (code, screen, _) = t.finish();
    assert_eq!(code, 2);
    assert!(screen.contains("--yes needs --stack"), "{screen}");
    assert!(!screen.contains("no terminal"), "{screen}");
}

#[test]
fn bash_completes_the_values_of_set_after_the_equals_sign() {
    let s = Scratch::new();
    let script = crate::common::sprout()
        .args(["completions", "bash"])
        .output()
        .unwrap()
        .stdout;
    std::fs::write(s.join("sprout.bash"), script).unwrap();
    std::fs::write(s.join("bashrc"), "PS1='$ '\nsource ./sprout.bash\n").unwrap();
    let mut t = Screen::start(
        &s,
        120,
        "bash",
        &["--noprofile", "--rcfile", "bashrc", "-i"],
    );
    // Once a command has run, readline is reading the line (keys sent earlier may be echoed
    // by the terminal before bash is ready for them).
    t.send("echo re''ady\r");
    t.wait_for("\nready");
    // Two tabs list the candidates of an empty value.
    t.send("sprout new x --set license=\t\t");
    let screen = t.wait_for("Apache-2.0");
    assert!(
        screen.contains("MIT") && screen.contains("none"),
        "{screen}"
    );
    t.send("\x15");
    // One tab completes a unique value in place.
    t.send("sprout new x --set docker=y\t");
    let screen = t.wait_for("docker=yes");
    assert!(!screen.contains("yes=yes"), "{screen}");
    t.send("\x15");
    // The keys themselves still complete.
    t.send("sprout new x --set lic\t");
    t.wait_for("--set license=");
    t.send("\x15exit\r");
    assert_eq!(t.finish().0, 0);
}

#[test]
fn a_long_answer_wraps_and_is_answered_whole() {
    // Wider than each terminal, with wide characters where the rows break.
    let typed = format!(
        "{}{}{}",
        "a".repeat(75),
        "日本語".repeat(10),
        "b".repeat(30)
    );
    for cols in WIDTHS {
        let s = Scratch::new();
        let mut t = Screen::spawn(&s, cols, &["wide", "--stack", "express"]);
        t.wait_for(DESCRIPTION_PROMPT);
        t.send(&typed);
        t.wait_joined(&typed);
        t.send("\r");
        let screen = t.wait_for("Author");
        let rows = t.rows();
        let answer = rows
            .iter()
            .position(|r| r.starts_with("✔ Description · "))
            .unwrap();
        let author = rows.iter().position(|r| r.starts_with("? Author")).unwrap();
        assert_eq!(
            rows[answer..author].concat(),
            format!("✔ Description · {typed}"),
            "{cols}:\n{screen}"
        );
        t.quit();
    }
}

#[test]
fn on_a_short_terminal_the_list_scrolls_and_leaves_nothing_behind() {
    let s = Scratch::new();
    // Six rows: dialoguer shows the question and four of the seven stacks, a page at a time.
    let mut t = Screen::spawn_sized(&s, 80, 6, &["short"]);
    t.wait_until("four stacks under the question", |t| {
        let rows = t.rows();
        let question = rows
            .iter()
            .position(|r| r.starts_with("? Stack › [Page 1/2]"));
        question.is_some_and(|q| rows.get(q + 4).is_some_and(|r| r.starts_with("  rails")))
    });
    // Up from the first wraps to the last, on the next page.
    t.send("\x1b[A");
    let screen = t.wait_for("❯ graphql");
    assert!(!screen.contains("express"), "{screen}");
    t.send("\r");
    let screen = t.wait_for("Description");
    assert!(
        t.rows().iter().any(|r| r == "✔ Stack · graphql"),
        "{screen}"
    );
    for key in ["flask", "django", "rails", "spring-boot", "node "] {
        assert!(!screen.contains(key), "`{key}` left over:\n{screen}");
    }
    t.quit();
}

#[test]
fn a_templates_commands_are_shown_and_run_only_when_accepted() {
    for (answer, code) in [("n", 13), ("y", 0)] {
        let s = Scratch::new();
        let source = s.join("golden");
        crate::templates::write_stack(&source, "# {{name}}\n");
        let args = ["demo", "--template", source.to_str().unwrap()];
        let mut t = Screen::spawn(
            &s,
            100,
            &[&args[..], &["--install", "--no-preflight"]].concat(),
        );
        t.wait_for("Description");
        // Every default: description, author, license, database, auth, docker, ci.
        t.send(&"\r".repeat(7));
        let screen = t.wait_for("Run these commands?");
        assert!(screen.contains("is not built into sprout"), "{screen}");
        assert!(screen.contains("  touch installed-marker"), "{screen}");
        t.send(answer);
        if answer == "y" {
            t.wait_for("Create ");
            t.send("\r");
        }
        let (exit, screen, _) = t.finish();
        assert_eq!(exit, code, "{screen}");
        assert_eq!(
            s.join("demo/installed-marker").is_file(),
            answer == "y",
            "{screen}"
        );
        if answer == "n" {
            assert!(!s.join("demo").exists(), "{screen}");
        }
    }
}
