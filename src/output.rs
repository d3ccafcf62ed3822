//! Where things are printed: results on stdout, messages and errors on stderr, `--json` alone
//! on stdout; colour only when wanted.

use std::io::{IsTerminal, Write};

use console::style;
use serde::Serialize;

use crate::cli::ColorChoice;
use crate::error::Error;

pub struct Output {
    pub quiet: bool,
    pub verbose: bool,
    /// Whether progress (spinners) may be drawn on stderr.
    pub progress: bool,
}

impl Output {
    pub fn new(color: ColorChoice, quiet: bool, verbose: bool, json: bool) -> Output {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let (stdout, stderr) = match color {
            ColorChoice::Always => (true, true),
            ColorChoice::Never => (false, false),
            ColorChoice::Auto => (
                !no_color && std::io::stdout().is_terminal(),
                !no_color && std::io::stderr().is_terminal(),
            ),
        };
        console::set_colors_enabled(stdout && !json);
        console::set_colors_enabled_stderr(stderr);
        Output {
            quiet,
            verbose,
            progress: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// The result of a command, for people.
    pub fn result(&self, text: &str) {
        if !self.quiet {
            print_stdout(text);
        }
    }

    /// The result of a command, as one JSON document (printed even with --quiet).
    pub fn json<T: Serialize>(&self, value: &T) {
        let text = serde_json::to_string_pretty(value)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        print_stdout(&format!("{text}\n"));
    }

    /// Extra detail, only with --verbose.
    pub fn detail(&self, text: &str) {
        if self.verbose {
            eprintln!("{}", style(text).dim());
        }
    }

    /// A message that is not an error, shown even with --quiet (it says what became of the run).
    pub fn note(&self, text: &str) {
        // Nobody is left to tell if stderr is closed or full: no panic over it.
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    pub fn error(&self, error: &Error) {
        eprintln!("{} {error}", style("error:").red().bold());
        if let Some(hint) = error.hint() {
            eprintln!("{} {hint}", style("hint:").cyan());
        }
    }
}

/// Print, ignoring a closed pipe (`sprout list | head -1`) instead of panicking.
fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
