//! The terminal shows text, never commands to itself: every string from a template, a record, an
//! answers file or a git URL is printed with its control characters escaped (in `list`, `show`,
//! errors, the next steps, the questions and the trust question), and a terminal that takes no
//! escape sequences (`TERM=dumb`) or wants no colour (`NO_COLOR`) gets none. Checked on the raw
//! bytes sprout writes, at a pipe and at a real pseudo-terminal.
#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::Session;

use crate::common::Scratch;
use crate::hostile::{case, isolated, isolated_env, stderr};

/// OSC 52, a clipboard write: what the corpus hides in its strings.
const CLIPBOARD: &[u8] = b"\x1b]52;";
/// The same, as sprout must print it.
const SHOWN: &str = "\\u{1b}]52;c;cHduZWQ=\\u{7}";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// stdout and stderr of `sprout ARGS` at a pipe, SPROUT_TEMPLATES naming the scratch folder.
fn piped(s: &Scratch, args: &[&str]) -> (Option<i32>, Vec<u8>) {
    let out = isolated(s)
        .args(args)
        .env("SPROUT_TEMPLATES", s.path())
        .output()
        .unwrap();
    let mut all = out.stdout.clone();
    all.extend(&out.stderr);
    (out.status.code(), all)
}

#[test]
fn text_from_a_template_is_shown_escaped_never_obeyed() {
    let s = Scratch::new();
    let template = case(&s, "escapes");
    let template = template.to_str().unwrap();
    let out = s.join("out");
    let out = out.to_str().unwrap();
    let runs: [(&[&str], i32); 5] = [
        (&["list"], 0),
        (&["show", "escapes"], 0),
        (
            &[
                "new",
                "demo",
                "--template",
                template,
                "--yes",
                "--dry-run",
                "-o",
                out,
            ],
            0,
        ),
        (
            &[
                "new",
                "demo",
                "--template",
                template,
                "--yes",
                "--no-git",
                "--trust",
                "-o",
                out,
            ],
            0,
        ),
        (
            &[
                "new",
                "demo2",
                "--template",
                template,
                "--yes",
                "--install",
                "-o",
                out,
            ],
            13,
        ),
    ];
    for (args, code) in runs {
        let (status, said) = piped(&s, args);
        let text = String::from_utf8_lossy(&said);
        assert_eq!(status, Some(code), "{args:?}: {text}");
        assert!(
            !contains(&said, CLIPBOARD),
            "{args:?} wrote a raw OSC 52: {text}"
        );
        assert!(
            !contains(&said, b"\x1b[2K"),
            "{args:?} wrote a raw ESC [2K: {text}"
        );
        assert!(
            !contains(&said, b"\r"),
            "{args:?} wrote a raw carriage return: {text}"
        );
        assert!(
            text.contains(SHOWN),
            "{args:?} hid what it was given: {text}"
        );
    }
}

#[test]
fn text_from_an_answers_file_or_a_record_is_shown_escaped() {
    let s = Scratch::new();
    let answers = s.join("answers.toml");
    fs::write(
        &answers,
        "stack = \"express\"\nlicense = \"MIT\\u001b]52;c;cHduZWQ=\\u0007\"\n",
    )
    .unwrap();
    let out = isolated(&s)
        .args([
            "new",
            "demo",
            "--answers",
            answers.to_str().unwrap(),
            "--yes",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let (status, said) = (out.status.code(), [out.stdout, out.stderr].concat());
    assert_eq!(status, Some(2), "{}", String::from_utf8_lossy(&said));
    assert!(
        !contains(&said, CLIPBOARD),
        "{}",
        String::from_utf8_lossy(&said)
    );
    assert!(String::from_utf8_lossy(&said).contains(SHOWN));

    let out = s.join("out");
    let made = isolated(&s)
        .args([
            "new",
            "p",
            "-s",
            "express",
            "--yes",
            "--no-git",
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
    let record = out.join("p/.sprout.toml");
    let text = fs::read_to_string(&record).unwrap();
    fs::write(
        &record,
        format!("template = \"/gone\\u001b]52;c;cHduZWQ=\\u0007\"\n{text}"),
    )
    .unwrap();
    let updated = isolated(&s)
        .args(["update", out.join("p").to_str().unwrap()])
        .output()
        .unwrap();
    let (status, said) = (
        updated.status.code(),
        [updated.stdout, updated.stderr].concat(),
    );
    assert_eq!(status, Some(12), "{}", String::from_utf8_lossy(&said));
    assert!(
        !contains(&said, CLIPBOARD),
        "{}",
        String::from_utf8_lossy(&said)
    );
    assert!(String::from_utf8_lossy(&said).contains(SHOWN));
}

/// sprout at a pseudo-terminal with `env` (TERM, NO_COLOR) and the isolated configuration.
struct Pty {
    session: expectrl::session::OsSession,
    said: Vec<u8>,
}

impl Pty {
    fn start(s: &Scratch, env: &[(&str, &str)], args: &[&str]) -> Pty {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("sprout"));
        cmd.args(args)
            .current_dir(s.path())
            .envs(isolated_env(s))
            .env_remove("NO_COLOR")
            .env_remove("SPROUT_TEMPLATES")
            .env("GIT_CONFIG_GLOBAL", "/dev/null");
        for (key, value) in env {
            cmd.env(key, value);
        }
        Pty {
            session: Session::spawn(cmd).unwrap(),
            said: Vec::new(),
        }
    }

    /// Read until `done` holds for what was said, or the program ends (within 30 s).
    fn read_until(&mut self, done: impl Fn(&[u8]) -> bool) -> bool {
        self.read_within(Duration::from_secs(30), done)
    }

    /// Read until `done` holds for what was said, the program ends, or `limit` passes.
    fn read_within(&mut self, limit: Duration, done: impl Fn(&[u8]) -> bool) -> bool {
        let deadline = Instant::now() + limit;
        let mut buf = [0u8; 4096];
        while Instant::now() < deadline {
            if done(&self.said) {
                return true;
            }
            match self.session.try_read(&mut buf) {
                Ok(0) => return done(&self.said),
                Ok(n) => self.said.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(_) => return done(&self.said),
            }
        }
        false
    }

    /// Everything it says until it ends.
    fn until_end(mut self) -> Vec<u8> {
        self.read_until(|_| false);
        self.said
    }
}

#[test]
fn the_trust_question_shows_each_command_exactly() {
    let s = Scratch::new();
    let template = case(&s, "escapes");
    let out = s.join("out");
    let mut pty = Pty::start(
        &s,
        &[("TERM", "xterm-256color")],
        &[
            "new",
            "demo",
            "--template",
            template.to_str().unwrap(),
            "--install",
            "--no-git",
            "-o",
            out.to_str().unwrap(),
            "--set",
            "description=d",
            "--set",
            "author=a",
        ],
    );
    // Every option not given is asked first; Enter takes each default until the trust question.
    let asked = |said: &[u8]| contains(said, b"Run these commands?");
    for _ in 0..20 {
        if pty.read_within(Duration::from_secs(2), asked) {
            break;
        }
        std::io::Write::write_all(&mut pty.session, b"\r").unwrap();
    }
    assert!(asked(&pty.said), "{}", String::from_utf8_lossy(&pty.said));
    std::io::Write::write_all(&mut pty.session, b"n").unwrap();
    let said = pty.until_end();
    let text = String::from_utf8_lossy(&said);
    assert!(!contains(&said, CLIPBOARD), "{text}");
    assert!(
        text.contains("echo hidden\\u{1b}]52;c;cHduZWQ=\\u{7}\\u{1b}[2K\\rnpm install"),
        "the command as it runs: {text}"
    );
    assert!(
        text.contains("node --version"),
        "the requirement's check is asked about too: {text}"
    );
    assert!(!out.join("demo").exists());
}

#[test]
fn a_dumb_terminal_gets_no_escape_codes_and_no_color_gets_no_colour() {
    for (env, forbidden, what) in [
        (&[("TERM", "dumb")][..], &b"\x1b"[..], "an escape code"),
        (
            &[("TERM", "xterm-256color"), ("NO_COLOR", "1")][..],
            &b"\x1b[1m"[..],
            "bold",
        ),
    ] {
        let s = Scratch::new();
        let out = s.join("out");
        let runs: [&[&str]; 4] = [
            &["list"],
            &["show", "express"],
            &[
                "new",
                "demo",
                "-s",
                "express",
                "--yes",
                "--no-git",
                "-o",
                out.to_str().unwrap(),
            ],
            &[
                "new",
                "Bad Name",
                "-s",
                "express",
                "--yes",
                "-o",
                out.to_str().unwrap(),
            ],
        ];
        for args in runs {
            let said = Pty::start(&s, env, args).until_end();
            let text = String::from_utf8_lossy(&said);
            assert!(!said.is_empty(), "{args:?} said nothing");
            assert!(
                !contains(&said, forbidden),
                "{env:?} {args:?} got {what}: {text:?}"
            );
            if forbidden != b"\x1b" {
                // No colour at all: no SGR sequence ending in `m`.
                let colour = text.split('\u{1b}').skip(1).any(|rest| {
                    rest.strip_prefix('[')
                        .and_then(|r| r.find('m').map(|end| &r[..end]))
                        .is_some_and(|codes| codes.chars().all(|c| c.is_ascii_digit() || c == ';'))
                });
                assert!(!colour, "{env:?} {args:?}: {text:?}");
            }
        }
        let _ = Path::new(&out);
    }
}

/// Whether `said` holds an SGR sequence (colour or bold): ESC [ digits and semicolons, then `m`.
fn has_colour(said: &[u8]) -> bool {
    String::from_utf8_lossy(said)
        .split('\u{1b}')
        .skip(1)
        .any(|rest| {
            rest.strip_prefix('[')
                .and_then(|r| r.find('m').map(|end| &r[..end]))
                .is_some_and(|codes| codes.chars().all(|c| c.is_ascii_digit() || c == ';'))
        })
}

#[test]
fn the_questions_are_coloured_only_where_colour_is_wanted() {
    for (env, coloured) in [
        (&[("TERM", "xterm-256color")][..], true),
        (&[("TERM", "xterm-256color"), ("NO_COLOR", "1")][..], false),
        (&[("TERM", "dumb")][..], false),
    ] {
        let s = Scratch::new();
        let out = s.join("out");
        let mut pty = Pty::start(
            &s,
            env,
            &[
                "new",
                "-s",
                "express",
                "--no-git",
                "-o",
                out.to_str().unwrap(),
            ],
        );
        let asked = |said: &[u8]| contains(said, b"Project name");
        assert!(
            pty.read_until(asked),
            "{env:?}: {}",
            String::from_utf8_lossy(&pty.said)
        );
        // The question is drawn whole (its `›` after the prompt; a plain question's `: ` at a
        // dumb terminal) before it is judged.
        assert!(pty.read_until(|said| contains(said, "›".as_bytes()) || said.ends_with(b": ")));
        std::io::Write::write_all(&mut pty.session, b"\x03").unwrap();
        let said = pty.until_end();
        let text = String::from_utf8_lossy(&said);
        assert_eq!(has_colour(&said), coloured, "{env:?}: {text:?}");
        assert!(text.contains("Nothing written."), "{env:?}: {text:?}");
        assert!(!out.exists(), "{env:?}");
    }
}

#[test]
fn a_dumb_terminal_gets_plain_questions_answered_by_lines() {
    let s = Scratch::new();
    let out = s.join("out");
    let mut pty = Pty::start(
        &s,
        &[("TERM", "dumb")],
        &["new", "--no-git", "-o", out.to_str().unwrap()],
    );
    let send = |pty: &mut Pty, line: &str| {
        std::io::Write::write_all(&mut pty.session, line.as_bytes()).unwrap();
        pty.said.len()
    };
    // The stack: a numbered list, answered by its number or name; anything else is asked again.
    assert!(pty.read_until(|said| contains(said, b"Stack [1-")));
    assert!(contains(&pty.said, b") express"));
    send(&mut pty, "nonsense\n");
    assert!(pty.read_until(|said| contains(said, b"is not one of")));
    send(&mut pty, "express\n");
    // The name: refused with the reason, then taken.
    assert!(pty.read_until(|said| contains(said, b"Project name")));
    let mark = send(&mut pty, "Bad Name\n");
    assert!(pty.read_until(|said| said.len() > mark && said.ends_with(b": ")));
    send(&mut pty, "demo\n");
    // Every other question with Enter (its default), then yes to the summary.
    for _ in 0..40 {
        let mark = pty.said.len();
        let asked = pty.read_until(|said| said.len() > mark && said.ends_with(b": "));
        if !asked {
            break;
        }
        let tail = String::from_utf8_lossy(&pty.said[mark..]).into_owned();
        send(&mut pty, if tail.contains("Create") { "y\n" } else { "\n" });
    }
    let said = pty.until_end();
    let text = String::from_utf8_lossy(&said);
    assert!(!contains(&said, b"\x1b"), "an escape code: {text:?}");
    assert!(text.contains("invalid value for `name`"), "{text:?}");
    assert!(out.join("demo/package.json").is_file(), "{text:?}");
}
