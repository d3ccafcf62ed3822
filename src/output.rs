//! Where things are printed: results on stdout, messages and errors on stderr, `--json` alone
//! on stdout; colour only when wanted.

use std::io::{self, IsTerminal, Write};

use console::style;
use serde::Serialize;

use crate::cli::ColorChoice;
use crate::error::Error;
use crate::text::{shown_lines, without_styles};

pub struct Output {
    pub quiet: bool,
    pub verbose: bool,
    /// Whether progress (spinners) may be drawn on stderr.
    pub progress: bool,
}

impl Output {
    pub fn new(color: ColorChoice, quiet: bool, verbose: bool, json: bool) -> Output {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        // A terminal that takes no escape sequences (TERM=dumb) gets none: no colour, no spinner.
        let takes_codes = crate::text::terminal_takes_codes();
        let (stdout, stderr) = match color {
            ColorChoice::Always => (true, true),
            ColorChoice::Never => (false, false),
            ColorChoice::Auto => (
                !no_color && takes_codes && std::io::stdout().is_terminal(),
                !no_color && takes_codes && std::io::stderr().is_terminal(),
            ),
        };
        console::set_colors_enabled(stdout && !json);
        console::set_colors_enabled_stderr(stderr);
        Output {
            quiet,
            verbose,
            progress: !quiet && takes_codes && std::io::stderr().is_terminal(),
        }
    }

    /// The result of a command, for people.
    pub fn result(&self, text: &str) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        print_stdout(text.as_bytes())
    }

    /// The result of a command, as one JSON document (printed even with --quiet).
    pub fn json<T: Serialize>(&self, value: &T) -> io::Result<()> {
        let text = serde_json::to_string_pretty(value)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        print_stdout(format!("{text}\n").as_bytes())
    }

    /// Generated text (a completion script, the man page), printed even with --quiet.
    pub fn bytes(&self, bytes: &[u8]) -> io::Result<()> {
        print_stdout(bytes)
    }

    /// Extra detail, only with --verbose.
    pub fn detail(&self, text: &str) {
        if self.verbose {
            print_stderr(&format!("{}\n", style(text).dim()));
        }
    }

    /// Something that happened to the user's files that they did not ask for in this run (what
    /// an interrupted run left, put right), on stderr; shown even with --quiet.
    pub fn note(&self, text: &str) {
        print_stderr(&format!("{} {}\n", style("note:").yellow().bold(), text));
    }

    /// An error as [`error_text`] gives it, on stderr (shown even with --quiet).
    pub fn error(&self, error: &Error) {
        print_stderr(&error_text(error));
    }
}

/// What sprout prints for `error`: `error: …` and often `hint: …`; a cancel is not a fault and
/// says only what became of the disk.
///
/// An error can carry text from elsewhere (a template's name or command, a path, the last lines
/// of a log): its control characters are shown escaped, and a log's colours dropped.
pub fn error_text(error: &Error) -> String {
    if let Error::Cancelled = error {
        return format!("{error}\n");
    }
    let message = error.to_string();
    let mut text = format!(
        "{} {}\n",
        style("error:").red().bold(),
        shown_lines(&message)
    );
    if let Some(hint) = error.hint() {
        let hint = without_styles(&hint);
        text.push_str(&format!(
            "{} {}\n",
            style("hint:").cyan(),
            shown_lines(&hint)
        ));
    }
    text
}

/// Print on stdout. A closed pipe (`sprout list | head -1`) is not an error: the reader has
/// what it wanted. Any other failure (a full disk) is returned.
fn print_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Print on stderr; if even that fails there is no one left to tell.
pub fn print_stderr(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}
