//! What a key does to each kind of question, and how a question looks, without a terminal:
//! a line being edited, a list to pick from, a yes/no.

use std::ops::Range;

use console::{Key, style, truncate_str};

/// A line of text being typed, edited in characters (not bytes, not cells).
#[derive(Debug, Default)]
pub struct Line {
    chars: Vec<char>,
    caret: usize,
}

impl Line {
    pub fn new(text: &str) -> Line {
        let chars: Vec<char> = text.chars().collect();
        Line {
            caret: chars.len(),
            chars,
        }
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn before_caret(&self) -> String {
        self.chars[..self.caret].iter().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Apply an editing key; whether the text or the caret changed.
    pub fn edit(&mut self, key: &Key) -> bool {
        match key {
            Key::Char(c) if !c.is_control() => {
                self.chars.insert(self.caret, *c);
                self.caret += 1;
            }
            Key::Backspace if self.caret > 0 => {
                self.caret -= 1;
                self.chars.remove(self.caret);
            }
            Key::Del if self.caret < self.chars.len() => {
                self.chars.remove(self.caret);
            }
            Key::ArrowLeft if self.caret > 0 => self.caret -= 1,
            Key::ArrowRight if self.caret < self.chars.len() => self.caret += 1,
            Key::Home => self.caret = 0,
            Key::End => self.caret = self.chars.len(),
            _ => return false,
        }
        true
    }
}

/// The highlighted row of a list, moved by the arrow keys (wrapping at both ends).
pub fn move_selection(index: usize, len: usize, key: &Key) -> usize {
    if len == 0 {
        return 0;
    }
    match key {
        Key::ArrowUp | Key::Char('k') | Key::BackTab => (index + len - 1) % len,
        Key::ArrowDown | Key::Char('j') | Key::Tab => (index + 1) % len,
        Key::Home | Key::PageUp => 0,
        Key::End | Key::PageDown => len - 1,
        _ => index,
    }
}

/// The rows of a list of `len` shown in `height` rows: from `first` (the previous window's
/// start), moved just enough to show `index`.
pub fn visible_rows(index: usize, first: usize, len: usize, height: usize) -> Range<usize> {
    let height = height.clamp(1, len.max(1));
    let first = if index < first {
        index
    } else if index >= first + height {
        index + 1 - height
    } else {
        first
    };
    let first = first.min(len.saturating_sub(height));
    first..(first + height).min(len)
}

/// The answer a yes/no key gives: `y`/`n` at once, Enter the default.
pub fn yes_no(key: &Key, default: bool) -> Option<bool> {
    match key {
        Key::Char('y' | 'Y') => Some(true),
        Key::Char('n' | 'N') => Some(false),
        Key::Enter => Some(default),
        _ => None,
    }
}

/// `? Prompt (default) › `
pub fn question(prompt: &str, default: Option<&str>) -> String {
    let mut text = format!("{} {}", style("?").yellow(), style(prompt).bold());
    if let Some(default) = default {
        text.push_str(&format!(" {}", style(format!("({default})")).dim()));
    }
    text.push_str(&format!(" {} ", style("›").dim()));
    text
}

/// `✔ Prompt · answer`
pub fn answered(prompt: &str, answer: &str) -> String {
    format!(
        "{} {} {} {}",
        style("✔").green(),
        style(prompt).bold(),
        style("·").dim(),
        style(answer).green()
    )
}

/// `✘ message`
pub fn refused(message: &str) -> String {
    format!("{} {}", style("✘").red(), style(message).red())
}

/// A list row within `cols` cells: the marker, the label padded to `label_width`, and as much
/// of the description as fits, cut with `…`.
pub fn list_row(
    label: &str,
    description: &str,
    label_width: usize,
    selected: bool,
    cols: usize,
) -> String {
    // The last column stays free: a row that fills it would wrap on some terminals.
    let room = cols.saturating_sub(1);
    let marker = if selected { "❯ " } else { "  " };
    let head = format!("{marker}{label:label_width$}");
    let head_width = console::measure_text_width(&head);
    let head = truncate_str(&head, room, "…").into_owned();
    let room_left = room.saturating_sub(head_width + 2);
    let description = if description.is_empty() || room_left < 2 {
        String::new()
    } else {
        format!("  {}", truncate_str(description, room_left, "…"))
    };
    if selected {
        format!("{}{}", style(head).cyan(), style(description).dim())
    } else {
        format!("{head}{}", style(description).dim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[Key]) -> Line {
        let mut line = Line::default();
        for key in keys {
            line.edit(key);
        }
        line
    }

    #[test]
    fn backspace_removes_one_character_whatever_its_width() {
        let line = typed(&[
            Key::Char('a'),
            Key::Char('b'),
            Key::Char('日'),
            Key::Char('本'),
            Key::Backspace,
        ]);
        assert_eq!(line.text(), "ab日");
    }

    #[test]
    fn the_caret_moves_and_edits_in_place() {
        let mut line = Line::new("ac");
        line.edit(&Key::ArrowLeft);
        line.edit(&Key::Char('b'));
        assert_eq!(line.text(), "abc");
        assert_eq!(line.before_caret(), "ab");
        line.edit(&Key::Home);
        line.edit(&Key::Del);
        assert_eq!(line.text(), "bc");
        assert!(!line.edit(&Key::Char('\u{7}')));
    }

    #[test]
    fn the_selection_wraps_at_both_ends() {
        assert_eq!(move_selection(0, 3, &Key::ArrowUp), 2);
        assert_eq!(move_selection(2, 3, &Key::ArrowDown), 0);
        assert_eq!(move_selection(1, 3, &Key::Enter), 1);
        assert_eq!(move_selection(0, 0, &Key::ArrowDown), 0);
    }

    #[test]
    fn a_long_list_scrolls_with_the_selection() {
        assert_eq!(visible_rows(0, 0, 7, 40), 0..7);
        assert_eq!(visible_rows(0, 0, 7, 3), 0..3);
        assert_eq!(visible_rows(3, 0, 7, 3), 1..4);
        assert_eq!(visible_rows(2, 1, 7, 3), 1..4);
        assert_eq!(visible_rows(0, 4, 7, 3), 0..3);
        assert_eq!(visible_rows(6, 0, 7, 3), 4..7);
        assert_eq!(visible_rows(0, 0, 7, 0), 0..1);
    }

    #[test]
    fn list_rows_fit_the_width_and_cut_the_description() {
        let description = "Express 5 REST API on Node.js 24 (ESM), JavaScript or TypeScript, node:test, ESLint, and more";
        for cols in [20, 40, 80, 100, 120] {
            let row = list_row("express", description, 11, true, cols);
            assert!(
                console::measure_text_width(&row) < cols,
                "{cols}: {row:?} is too wide"
            );
        }
        let row = console::strip_ansi_codes(&list_row("express", description, 11, false, 60))
            .into_owned();
        assert!(row.starts_with("  express      Express 5"), "{row:?}");
        assert!(row.ends_with('…'), "{row:?}");
        let wide = list_row("x", "日本語の説明がとても長い場合", 1, false, 16);
        assert!(console::measure_text_width(&wide) < 16, "{wide:?}");
    }
}
