//! Text from elsewhere — a template, a record, an answers file, a git URL — made safe to print.
//!
//! A terminal takes some characters as commands to itself: ESC starts a sequence that can move
//! the cursor, hide or rewrite what was printed, set the window's title or write the clipboard
//! (OSC 52); a carriage return or backspaces print over a line; Unicode's direction controls
//! show text in another order than it runs. Every string that does not come from sprout itself
//! is printed through [`shown`] (or [`shown_lines`]), which writes each such character as an
//! escape (`\u{1b}`, `\r`), so what is on the screen is what is in the string.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` would act on the terminal or change how the text around it reads: a control
/// character (C0, DEL, C1), or a Unicode direction or invisible formatting mark.
pub fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// `text` with every [hazard](is_hazard) written as an escape: `\n`, `\r`, `\t`, or `\u{…}`.
pub fn shown(text: &str) -> Cow<'_, str> {
    escaped(text, |_| false)
}

/// As [`shown`], keeping line breaks (a list of lines, the last lines of a log).
pub fn shown_lines(text: &str) -> Cow<'_, str> {
    escaped(text, |c| c == '\n')
}

fn escaped(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hazard(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if keep(c) || !is_hazard(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    Cow::Owned(out)
}

/// Whether the terminal takes escape sequences at all (colour, the cursor): not when `TERM` is
/// `dumb`.
pub fn terminal_takes_codes() -> bool {
    std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// The commands, one to a line and indented, each exactly as it would run (escaped).
pub fn command_lines(commands: &[String]) -> String {
    commands
        .iter()
        .map(|c| format!("  {}", shown(c)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` without the colour and style sequences (`ESC [ … m`) programs print to a terminal,
/// for showing a log's last lines; any other control character is left for [`shown_lines`].
pub fn without_styles(text: &str) -> Cow<'_, str> {
    if !text.contains('\u{1b}') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after.find(|c: char| !(c.is_ascii_digit() || c == ';'));
        match end {
            Some(end) if after[end..].starts_with('m') => rest = &after[end + 1..],
            _ => {
                out.push('\u{1b}');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_direction_marks_are_shown_not_obeyed() {
        assert_eq!(shown("npm install"), "npm install");
        assert_eq!(
            shown("echo hi\u{1b}[2K\rnpm install"),
            "echo hi\\u{1b}[2K\\rnpm install"
        );
        assert_eq!(
            shown("\u{1b}]52;c;cHduZWQ=\u{7}"),
            "\\u{1b}]52;c;cHduZWQ=\\u{7}"
        );
        assert_eq!(shown("a\u{202e}b\u{9b}c"), "a\\u{202e}b\\u{9b}c");
        assert_eq!(shown("é ✓ 中"), "é ✓ 中");
        assert_eq!(shown_lines("one\ntwo\u{8}"), "one\ntwo\\u{8}");
        assert_eq!(shown("one\ntwo"), "one\\ntwo");
    }

    #[test]
    fn styles_are_dropped_and_other_sequences_kept_for_escaping() {
        assert_eq!(
            without_styles("\u{1b}[31mred\u{1b}[0m \u{1b}[1;32mok\u{1b}[m"),
            "red ok"
        );
        assert_eq!(without_styles("\u{1b}[2Jx"), "\u{1b}[2Jx");
        assert_eq!(without_styles("\u{1b}]0;t\u{7}"), "\u{1b}]0;t\u{7}");
    }
}
