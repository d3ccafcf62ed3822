//! Questions for a terminal that takes no escape sequences (`TERM=dumb`: an editor's shell
//! buffer, a serial console): each is a line of text answered by a line, read in the terminal's
//! own line mode (its echo, its line editing, Ctrl-C as the signal), so nothing is drawn, moved
//! or cleared. A list is numbered and answered by number or by name; yes/no by `y` or `n`; Enter
//! takes the default. A refused answer says why and is asked again; end of input cancels.

use std::io::{BufRead, Write};

use crate::error::{Error, Result};

/// One line from stdin, without its line ending; end of input is a cancel.
fn read_answer(prompt: &str) -> Result<String> {
    {
        // Not held while reading: a signal's message must be able to reach stderr.
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{prompt}");
        let _ = err.flush();
    }
    let mut line = String::new();
    let read = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(Error::system("cannot read the answer"))?;
    if read == 0 {
        say("");
        return Err(Error::Cancelled);
    }
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// A numbered list; the answer is a row's number or its label (any case), Enter the default.
pub fn select(prompt: &str, rows: &[(&str, &str)], default: usize) -> Result<usize> {
    say(&format!("{prompt}:"));
    for (n, (label, description)) in rows.iter().enumerate() {
        let description = if description.is_empty() {
            String::new()
        } else {
            format!("  {description}")
        };
        say(&format!("  {}) {label}{description}", n + 1));
    }
    let default_label = rows.get(default).map_or("", |(label, _)| *label);
    loop {
        let answer = read_answer(&format!(
            "{prompt} [1-{}, default {default_label}]: ",
            rows.len()
        ))?;
        match pick(&answer, rows, default) {
            Some(index) => return Ok(index),
            None => say(&format!(
                "  `{}` is not one of the numbers or names above",
                crate::text::shown(&answer)
            )),
        }
    }
}

/// The row an answer names: empty for the default, a number from 1, or a label.
fn pick(answer: &str, rows: &[(&str, &str)], default: usize) -> Option<usize> {
    let answer = answer.trim();
    if answer.is_empty() {
        return (default < rows.len()).then_some(default);
    }
    if let Ok(n) = answer.parse::<usize>() {
        return (1..=rows.len()).contains(&n).then(|| n - 1);
    }
    rows.iter()
        .position(|(label, _)| label.eq_ignore_ascii_case(answer))
}

/// `y` or `n` (or yes/no), Enter for the default.
pub fn yes_no(prompt: &str, default: bool) -> Result<bool> {
    let hint = if default { "Y/n" } else { "y/N" };
    loop {
        let answer = read_answer(&format!("{prompt} [{hint}]: "))?;
        match answer.trim().to_ascii_lowercase().as_str() {
            "" => return Ok(default),
            "y" | "yes" => return Ok(true),
            "n" | "no" => return Ok(false),
            _ => say("  answer y or n"),
        }
    }
}

/// A line of text, checked by `check` (its refusal is said and the question asked again);
/// Enter on an empty line gives `default` when there is one.
pub fn text(
    prompt: &str,
    default: Option<&str>,
    check: impl Fn(&str) -> std::result::Result<(), String>,
) -> Result<String> {
    let shown_default = default.map(|d| format!(" [{d}]")).unwrap_or_default();
    loop {
        let answer = read_answer(&format!("{prompt}{shown_default}: "))?;
        let answer = match default {
            Some(default) if answer.is_empty() => default.to_string(),
            _ => answer,
        };
        match check(&answer) {
            Ok(()) => return Ok(answer),
            Err(why) => say(&format!("  {why}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_picked_by_number_name_or_enter() {
        let rows = [("express", "Express"), ("flask", "Flask")];
        assert_eq!(pick("", &rows, 1), Some(1));
        assert_eq!(pick("1", &rows, 1), Some(0));
        assert_eq!(pick(" FLASK ", &rows, 0), Some(1));
        assert_eq!(pick("3", &rows, 0), None);
        assert_eq!(pick("0", &rows, 0), None);
        assert_eq!(pick("rails", &rows, 0), None);
    }
}
