//! Every error and hint sprout prints, with its exit code, as snapshots: one transcript per
//! family (`snapshots/integration__errors__*.snap`), each run through the real binary in a
//! scratch folder. Scratch paths and random names are redacted by insta filters, so the
//! snapshots hold on any machine; under CI a missing or changed snapshot fails the test.
//!
//! The few errors no run of the binary without a terminal can reach with the built-in stacks
//! are printed by the same function the binary uses (`without_a_terminal_or_a_broken_stack`).

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use assert_cmd::assert::OutputAssertExt;

use crate::common::Scratch;

/// A transcript of runs in one scratch folder: `$ sprout ARGS`, stderr, `exit N`.
struct Transcript {
    scratch: Scratch,
    text: String,
}

impl Transcript {
    fn new() -> Transcript {
        let scratch = Scratch::new();
        std::fs::create_dir(scratch.join("config")).unwrap();
        std::fs::create_dir(scratch.join("tmp")).unwrap();
        Transcript {
            scratch,
            text: String::new(),
        }
    }

    fn path(&self) -> &Path {
        self.scratch.path()
    }

    /// sprout in the scratch folder, with nothing of this machine's configuration: no user
    /// template roots, git without global or system settings but with an identity.
    fn command(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("sprout"));
        cmd.current_dir(self.path())
            .env("SPROUT_CACHE_DIR", crate::common::cache_dir())
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .env("TMPDIR", self.scratch.join("tmp"))
            .env("XDG_CONFIG_HOME", self.scratch.join("config"))
            .env_remove("SPROUT_TEMPLATES")
            .env_remove("SPROUT_PACKAGE_MANAGER")
            .env_remove("SPROUT_VERIFY_RUNNER")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com");
        cmd
    }

    /// `sprout ARGS` (split at spaces), recorded; returns the exit code.
    fn run(&mut self, args: &str) -> i32 {
        let mut cmd = self.command();
        cmd.args(args.split(' '));
        self.record(args, &mut cmd)
    }

    /// A prepared command, shown as `sprout {shown}`; returns the exit code.
    fn record(&mut self, shown: &str, cmd: &mut Command) -> i32 {
        let out = cmd.output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        self.text.push_str(&format!(
            "$ sprout {shown}\n{}exit {code}\n\n",
            String::from_utf8_lossy(&out.stderr)
        ));
        code
    }

    /// A project made quietly for what follows (not part of the transcript).
    fn project(&self, name: &str, stack: &str, extra: &[&str]) {
        self.command()
            .args(["new", name, "--stack", stack, "--yes", "--no-preflight"])
            .args(extra)
            .assert()
            .success();
    }

    fn snapshot(self, name: &str) {
        snapshot(name, &self.text);
    }
}

/// `text` as snapshot `name`, with every temporary folder and random name redacted.
fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(true);
    // A scratch folder anywhere (`/tmp/.tmpAbC123`, `/var/folders/…/.tmpAbC123`).
    settings.add_filter(r"(?:/[^\s/`'\x22]+)*/\.tmp[A-Za-z0-9]{6}", "[TMP]");
    settings.add_filter(r"sprout-verify-[A-Za-z0-9]{6}", "sprout-verify-[RANDOM]");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// Which stack and which values: unknown, mistyped, not allowed, missing.
#[test]
fn stacks_options_and_values() {
    let mut t = Transcript::new();
    for args in [
        "new x --stack expres --yes",
        "new x --stack cobol --yes",
        "show flsk",
        "doctor railz",
        "new x -s express --set licence=MIT --yes",
        "new x -s express --set zzzz=1 --yes",
        "new x -s express --set docker --yes",
        "new x -s express --set docker=maybe --yes",
        "new x -s express --set license=GPL --yes",
        "new x -s spring-boot --set database=sqlite --yes",
        "new x -s express --set stack=flask --yes",
        "new x -s express --set name=y --yes",
        "new node_modules -s express --yes",
        "new MyApp -s flask --yes",
        "new My-API -s express --yes",
        "new x --yes",
        "new x",
        "new --stack express --yes",
        "new --stack express",
    ] {
        assert_eq!(t.run(args), 2, "{args}");
    }
    let mut manager = t.command();
    manager.env("SPROUT_PACKAGE_MANAGER", "bun").args([
        "new",
        "x",
        "-s",
        "express",
        "--yes",
        "--install",
    ]);
    assert_eq!(
        t.record(
            "new x -s express --yes --install  # SPROUT_PACKAGE_MANAGER=bun",
            &mut manager
        ),
        2
    );
    assert!(!t.scratch.join("x").exists(), "nothing was written");
    t.snapshot("stacks_options_and_values");
}

/// `--answers FILE`: missing, broken, for another stack, with an unknown key.
#[test]
fn answers_files() {
    let mut t = Transcript::new();
    std::fs::write(t.scratch.join("broken.toml"), "docker = true\nci = \n").unwrap();
    std::fs::write(t.scratch.join("boot.toml"), "stack = \"spring-boot\"\n").unwrap();
    std::fs::write(t.scratch.join("colour.toml"), "colour = \"red\"\n").unwrap();
    std::fs::write(t.scratch.join("list.json"), "[1, 2]\n").unwrap();
    for args in [
        "new x -s express --yes --answers missing.toml",
        "new x -s express --yes --answers broken.toml",
        "new x -s express --yes --answers boot.toml",
        "new x -s express --yes --answers colour.toml",
        "new x -s express --yes --answers list.json",
    ] {
        assert_eq!(t.run(args), 2, "{args}");
    }
    t.snapshot("answers_files");
}

/// Where the project would go: refused (3) or not writable (4); nothing is written either way.
#[test]
fn targets_refused_or_not_writable() {
    let mut t = Transcript::new();
    std::fs::create_dir(t.scratch.join("full")).unwrap();
    std::fs::write(t.scratch.join("full/notes.txt"), "mine\n").unwrap();
    std::fs::write(t.scratch.join("file"), "a file\n").unwrap();
    std::fs::create_dir_all(t.scratch.join("clash")).unwrap();
    std::fs::write(t.scratch.join("clash/package.json"), "{}\n").unwrap();
    std::fs::create_dir(t.scratch.join("elsewhere")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("elsewhere", t.scratch.join("linked")).unwrap();
    let before = t.scratch.entries();
    for (args, code) in [
        ("new full -s express --yes --no-git", 3),
        ("new full -s express --yes --no-git --dry-run", 3),
        ("new file -s express --yes --no-git", 3),
        ("new clash -s express --yes --no-git --force", 3),
        #[cfg(unix)]
        ("new linked -s express --yes --no-git", 3),
        ("new x -s express --yes --no-git -o file/sub", 4),
    ] {
        assert_eq!(t.run(args), code, "{args}");
    }
    assert_eq!(t.scratch.entries(), before, "nothing new was written");
    assert_eq!(
        std::fs::read_dir(t.scratch.join("full")).unwrap().count(),
        1
    );
    assert_eq!(
        std::fs::read_dir(t.scratch.join("clash")).unwrap().count(),
        1
    );
    assert_eq!(
        std::fs::read_dir(t.scratch.join("elsewhere"))
            .unwrap()
            .count(),
        0
    );
    t.snapshot("targets_refused_or_not_writable");
}

/// `update`, `add`, `check` and `verify` on what is not a project, or one that is dirty, broken
/// or conflicting.
#[test]
fn projects_to_update() {
    let mut t = Transcript::new();
    for args in ["check", "update", "add docker", "verify"] {
        assert_eq!(t.run(args), 7, "{args}");
    }
    std::fs::create_dir(t.scratch.join("odd")).unwrap();
    std::fs::write(t.scratch.join("odd/.sprout.toml"), "stack = 1\n").unwrap();
    assert_eq!(t.run("check odd"), 7);

    t.project("dirty", "express", &[]);
    std::fs::write(t.scratch.join("dirty/notes.txt"), "not committed\n").unwrap();
    assert_eq!(t.run("add docker -C dirty"), 3);
    assert!(!t.scratch.join("dirty/Dockerfile").exists());
    assert_eq!(t.run("add dockr -C dirty"), 2);
    assert_eq!(t.run("update dirty --set docker=maybe"), 2);

    t.project("mine", "express", &["--no-git"]);
    std::fs::write(t.scratch.join("mine/Dockerfile"), "FROM scratch\n").unwrap();
    assert_eq!(t.run("add docker -C mine"), 8);
    let dockerfile = std::fs::read_to_string(t.scratch.join("mine/Dockerfile")).unwrap();
    assert!(dockerfile.contains("<<<<<<<"), "{dockerfile}");
    t.snapshot("projects_to_update");
}

/// A script standing in for a tool, in `dir/bin`.
#[cfg(unix)]
fn fake_tool(dir: &Path, name: &str, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let path = bin.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{script}")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// PATH with the scratch folder's `bin` first.
#[cfg(unix)]
fn path_with_fakes(dir: &Path) -> OsString {
    let mut paths = vec![dir.join("bin")];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

/// After the project is written: `--install` failing or interrupted, verify failing, and a
/// failure after an update was written, which says so instead of "nothing was written".
#[cfg(target_os = "linux")]
#[test]
fn after_writing() {
    let mut t = Transcript::new();
    let dir = t.path().to_path_buf();
    let install = |t: &mut Transcript, name: &str, npm: &str, what: &str| {
        fake_tool(&dir, "npm", npm);
        let args = format!("new {name} -s express --yes --no-git --no-preflight --install");
        let mut cmd = t.command();
        cmd.env("PATH", path_with_fakes(&dir)).args(args.split(' '));
        let code = t.record(&format!("{args}  # {what}"), &mut cmd);
        assert!(t.scratch.join(name).join("package.json").exists());
        code
    };
    let npm = "echo \"npm error code E404\"\necho \"npm error 404 Not Found\"\nexit 1\n";
    assert_eq!(install(&mut t, "failing", npm, "npm exits 1"), 5);
    // An npm that interrupts sprout (as Ctrl-C would) and waits to be stopped.
    let npm = "p=$PPID\nwhile [ \"$(cat /proc/$p/comm)\" != sprout ]; do p=$(cut -d' ' -f4 /proc/$p/stat); done\nkill -INT $p\nsleep 30\n";
    assert_eq!(install(&mut t, "stopped", npm, "Ctrl-C during npm"), 130);

    t.project("svc", "express", &["--no-git"]);
    fake_tool(
        &dir,
        "runner",
        "echo \"running $2\"\necho 'it broke' >&2\nexit 3\n",
    );
    let mut verify = t.command();
    verify
        .env("SPROUT_VERIFY_RUNNER", dir.join("bin/runner"))
        .args(["verify", "svc"]);
    assert_eq!(t.record("verify svc  # every step exits 3", &mut verify), 9);

    let mut no_logs = t.command();
    no_logs
        .env("TMPDIR", dir.join("missing"))
        .args(["verify", "svc"]);
    assert_eq!(t.record("verify svc  # TMPDIR=missing", &mut no_logs), 4);

    let mut after_update = t.command();
    after_update
        .env("TMPDIR", dir.join("missing"))
        .args(["add", "docker", "--verify", "-C", "svc"]);
    assert_eq!(
        t.record(
            "add docker --verify -C svc  # TMPDIR=missing",
            &mut after_update
        ),
        4
    );
    assert!(
        t.scratch.join("svc/Dockerfile").exists(),
        "the update was written before verify failed"
    );
    t.snapshot("after_writing");
}

/// stdout that cannot be written (a full disk): before and after the project is written.
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_printed() {
    let mut t = Transcript::new();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for args in [
        "list",
        "show express --json",
        "new x -s express --yes --no-git --dry-run",
    ] {
        let mut cmd = t.command();
        cmd.args(args.split(' ')).stdout(full());
        assert_eq!(t.record(&format!("{args} > /dev/full"), &mut cmd), 4);
    }
    let mut written = t.command();
    written
        .args([
            "new",
            "x",
            "-s",
            "express",
            "--yes",
            "--no-git",
            "--no-preflight",
        ])
        .stdout(full());
    let shown = "new x -s express --yes --no-git --no-preflight > /dev/full";
    assert_eq!(t.record(shown, &mut written), 4);
    assert!(t.scratch.join("x/package.json").exists());
    t.snapshot("output_that_cannot_be_printed");
}

/// Every class of command-line error clap reports (exit 2), as sprout prints it.
#[test]
fn command_line_errors() {
    let mut t = Transcript::new();
    for args in [
        "bogus",
        "lst",
        "new x --dryrun",
        "new x --stack",
        "new x --stack express --stack flask",
        "show",
        "add",
        "list extra",
        "--color sometimes list",
        "completions tcsh",
        "verify --timeout soon",
        "-q -v list",
    ] {
        assert_eq!(t.run(args), 2, "{args}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let mut cmd = t.command();
        cmd.arg("new").arg(OsString::from_vec(vec![b'x', 0xff]));
        assert_eq!(t.record("new $'x\\xff'", &mut cmd), 2);
    }
    // No subcommand: the whole help on stderr, which the other tests of the help check.
    let out = t.command().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let help = t.command().arg("--help").output().unwrap().stdout;
    assert_eq!(out.stderr, help, "`sprout` alone prints the help on stderr");
    t.snapshot("command_line_errors");
}

/// What the binary prints for errors no run without a terminal reaches with the built-in
/// stacks: an answer that does not apply or has no default (no built-in option has a
/// condition or lacks a default, but `name`), a broken embedded template, a template that
/// cannot be rendered (built in, and not), a terminal that fails, and a cancel ("no" at the summary; the terminal tests drive it for real).
#[test]
fn without_a_terminal_or_a_broken_stack() {
    use sprout::error::{Error, NoPrompt};
    let errors = [
        Error::NotApplicable {
            key: "orm".into(),
            why: "it is asked only when database is one of sqlite, postgres".into(),
        },
        Error::MissingAnswer {
            key: "group".into(),
            flag: "--set group=<VALUE>".into(),
            why: NoPrompt::NoTerminal,
        },
        Error::MissingAnswer {
            key: "group".into(),
            flag: "--set group=<VALUE>".into(),
            why: NoPrompt::Yes,
        },
        Error::Template {
            stack: "express".into(),
            reason: "README.md.hbs: Variable \"nope\" not found".into(),
        },
        Error::Render(Box::new(sprout::template_error::TemplateError {
            file: "templates/express/files/README.md.hbs".into(),
            line: Some(166),
            column: Some(6),
            name: Some("nope".into()),
            reason: "`nope` is not defined (every variable a template uses must have a value)"
                .into(),
            built_in: true,
        })),
        Error::Render(Box::new(sprout::template_error::TemplateError {
            file: "./my-templates/api/files/ci.yml.hbs".into(),
            line: Some(46),
            column: Some(14),
            name: Some("commands.tset".into()),
            reason:
                "`commands.tset` is not defined (every variable a template uses must have a value)"
                    .into(),
            built_in: false,
        })),
        Error::system("cannot use the terminal")(std::io::Error::other("Input/output error")),
        Error::system("cannot read the random source")(std::io::Error::other("unavailable")),
        Error::Cancelled,
    ];
    let text: String = errors
        .iter()
        .map(|error| {
            format!(
                "{}exit {}\n\n",
                console::strip_ansi_codes(&sprout::output::error_text(error)),
                error.exit() as i32
            )
        })
        .collect();
    snapshot("without_a_terminal_or_a_broken_stack", &text);
}

/// `sprout serve` with an origin it cannot send or an address it cannot listen on.
#[cfg(all(feature = "serve", target_os = "linux"))]
#[test]
fn serve_options_it_cannot_use() {
    let mut t = Transcript::new();
    let mut cors = t.command();
    cors.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--cors",
        "https://a.example\n",
    ]);
    assert_eq!(
        t.record(
            "serve --listen 127.0.0.1:0 --cors $'https://a.example\\n'",
            &mut cors
        ),
        2
    );
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let mut listen = t.command();
    listen.args(["serve", "--listen", &address]);
    assert_eq!(
        t.record(&format!("serve --listen {address}"), &mut listen),
        2
    );
    let text = t.text.replace(&address, "127.0.0.1:[PORT]");
    snapshot("serve_options_it_cannot_use", &text);
}

/// Templates that are not built in: sources that cannot be used, what a template may not hold
/// or do, a key defined twice, commands not accepted, a recorded source that is gone.
#[cfg(unix)]
#[test]
fn templates_from_elsewhere() {
    use crate::templates::write_stack;
    let mut t = Transcript::new();
    let root = t.path().to_path_buf();
    let at = |rel: &str| root.join(rel);
    std::fs::create_dir(at("empty")).unwrap();
    write_stack(&at("2fast"), "# {{name}}\n");
    write_stack(&at("linked"), "# {{name}}\n");
    std::os::unix::fs::symlink("/etc/passwd", at("linked/files/passwd")).unwrap();
    write_stack(&at("peeking"), "{{> ../../etc/passwd}}\n");
    write_stack(&at("escaping"), "# {{name}}\n");
    let manifest = std::fs::read_to_string(at("escaping/sprout.toml")).unwrap();
    std::fs::write(
        at("escaping/sprout.toml"),
        format!("{manifest}\n[[file]]\npath = \"README.md.hbs\"\nto = \"../x\"\n"),
    )
    .unwrap();
    write_stack(&at("heavy"), "# {{name}}\n");
    let big = std::fs::File::create(at("heavy/files/data.bin")).unwrap();
    big.set_len(6 * 1024 * 1024).unwrap();
    write_stack(&at("broken"), "# {{name}}\n");
    std::fs::write(at("broken/sprout.toml"), "title = \"B\"\n").unwrap();
    write_stack(&at("golden"), "# {{name}}\n");
    write_stack(&at("roots/express"), "# {{name}}\n");

    for (args, code) in [
        ("new x --template nothere --yes", 12),
        (
            "new x --template file:///nonexistent/golden.git#v1 --yes",
            12,
        ),
        ("new x --template empty --yes", 12),
        ("new x --template 2fast --yes", 12),
        ("new x --template linked --yes", 12),
        ("new x --template peeking --yes", 12),
        ("new x --template escaping --yes", 12),
        ("new x --template heavy --yes", 12),
        ("new x --template broken --yes", 12),
        ("new x --template golden --yes --no-preflight --install", 13),
        ("new x --template golden --no-preflight --install", 13),
    ] {
        assert_eq!(t.run(args), code, "{args}");
    }

    let mut clash = t.command();
    clash.env("SPROUT_TEMPLATES", at("roots")).arg("list");
    assert_eq!(t.record("list  # SPROUT_TEMPLATES=roots", &mut clash), 12);

    std::fs::create_dir(at("config/sprout")).unwrap();
    std::fs::write(at("config/sprout/config.toml"), "template = [\"x\"]\n").unwrap();
    assert_eq!(t.run("list"), 2);
    std::fs::remove_file(at("config/sprout/config.toml")).unwrap();

    t.command()
        .args(["new", "made", "--template", "golden", "--yes", "--no-git"])
        .assert()
        .success();
    std::fs::rename(at("golden"), at("moved")).unwrap();
    assert_eq!(t.run("check made"), 12);
    t.snapshot("templates_from_elsewhere");
}
