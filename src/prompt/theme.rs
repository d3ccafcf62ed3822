//! How the questions look: dialoguer's colourful theme with sprout's markers (`?` asks, `✔`
//! answered, `✘` refused, `❯` the chosen row), and text made to fit the terminal before
//! dialoguer draws it, so that nothing it draws wraps behind its back.
//!
//! Colours follow console's rules for stderr: none with `NO_COLOR`, at `TERM=dumb`, or off a
//! terminal (`--color` sets them for the run).

use std::fmt;

use console::{Term, measure_text_width, style, truncate_str};
use dialoguer::theme::{ColorfulTheme, Theme};
use unicode_width::UnicodeWidthChar;

/// The marker dialoguer puts before a row of a list, and the space after it.
const ROW_MARKER_WIDTH: usize = 2;

/// sprout's look for every question.
pub struct SproutTheme {
    look: ColorfulTheme,
    term: Term,
}

impl SproutTheme {
    pub fn new(term: &Term) -> SproutTheme {
        SproutTheme {
            look: ColorfulTheme {
                prompt_suffix: style("›".to_string()).for_stderr().dim(),
                success_suffix: style("·".to_string()).for_stderr().dim(),
                ..ColorfulTheme::default()
            },
            term: term.clone(),
        }
    }

    fn cols(&self) -> usize {
        usize::from(self.term.size().1)
    }

    /// The answer line a question leaves: `✔ Prompt · answer`.
    pub fn answered(&self, prompt: &str, answer: &str) -> String {
        let mut line = String::new();
        let _ = self
            .look
            .format_input_prompt_selection(&mut line, prompt, answer);
        line
    }
}

impl Theme for SproutTheme {
    fn format_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.look.format_prompt(f, prompt)
    }

    /// `✘ message`, broken into rows that fit: dialoguer counts the rows it clears by the line
    /// breaks in what it drew, so a message the terminal wrapped would stay on the screen.
    fn format_error(&self, f: &mut dyn fmt::Write, err: &str) -> fmt::Result {
        let rows = wrap(err, self.cols().saturating_sub(1 + ROW_MARKER_WIDTH));
        self.look.format_error(f, &rows.join("\n  "))
    }

    fn format_confirm_prompt(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        default: Option<bool>,
    ) -> fmt::Result {
        self.look.format_confirm_prompt(f, prompt, default)
    }

    fn format_confirm_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        selection: Option<bool>,
    ) -> fmt::Result {
        self.look
            .format_confirm_prompt_selection(f, prompt, selection)
    }

    fn format_input_prompt(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        default: Option<&str>,
    ) -> fmt::Result {
        self.look.format_input_prompt(f, prompt, default)
    }

    fn format_input_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        selection: &str,
    ) -> fmt::Result {
        self.look
            .format_input_prompt_selection(f, prompt, selection)
    }

    fn format_select_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.look.format_select_prompt(f, prompt)
    }

    fn format_select_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        selection: &str,
    ) -> fmt::Result {
        self.look
            .format_select_prompt_selection(f, prompt, selection)
    }

    fn format_select_prompt_item(
        &self,
        f: &mut dyn fmt::Write,
        text: &str,
        active: bool,
    ) -> fmt::Result {
        self.look.format_select_prompt_item(f, text, active)
    }
}

/// Rows of a list, each cut with `…` to fit a terminal `cols` wide after dialoguer's marker:
/// `label  description`, the labels padded to one width.
pub fn list_rows(rows: &[(&str, &str)], cols: usize) -> Vec<String> {
    let label_width = rows
        .iter()
        .map(|(label, _)| measure_text_width(label))
        .max()
        .unwrap_or(0);
    rows.iter()
        .map(|(label, description)| {
            let row = if description.is_empty() {
                (*label).to_string()
            } else {
                let pad = " ".repeat(label_width.saturating_sub(measure_text_width(label)));
                format!("{label}{pad}  {description}")
            };
            fit(&row, cols)
        })
        .collect()
}

/// `row` cut to what a list shows in `cols` cells without wrapping: the marker's two cells and
/// the last column stay free. dialoguer also takes a row longer in bytes than the terminal is
/// wide for a wrapped one, so a row is kept within that too.
fn fit(row: &str, cols: usize) -> String {
    let room = cols.saturating_sub(1 + ROW_MARKER_WIDTH).max(1);
    let mut cut = truncate_str(row, room, "…").into_owned();
    while cut.len() > cols.max(1) && !cut.is_empty() {
        let mut chars: Vec<char> = cut.chars().collect();
        chars.truncate(chars.len().saturating_sub(2));
        chars.push('…');
        cut = chars.into_iter().collect();
    }
    cut
}

/// `text` in rows of at most `width` cells, broken at spaces (a word longer than a row is
/// broken where the row ends).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = vec![String::new()];
    let mut used = 0;
    for word in text.split(' ') {
        let word_width = measure_text_width(word);
        if used > 0 && used + 1 + word_width <= width {
            push(&mut rows, ' ');
            used += 1;
        } else if used > 0 {
            rows.push(String::new());
            used = 0;
        }
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > 0 {
                rows.push(String::new());
                used = 0;
            }
            push(&mut rows, c);
            used += w;
        }
    }
    rows
}

fn push(rows: &mut [String], c: char) {
    if let Some(row) = rows.last_mut() {
        row.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_rows_fit_the_width_and_cut_the_description() {
        let description = "Express 5 REST API on Node.js 24 (ESM), JavaScript or TypeScript, node:test, ESLint, and more";
        for cols in [20, 40, 80, 100, 120] {
            let rows = list_rows(&[("express", description), ("spring-boot", "x")], cols);
            for row in &rows {
                assert!(
                    measure_text_width(row) + ROW_MARKER_WIDTH < cols,
                    "{cols}: {row:?} is too wide"
                );
                assert!(row.len() <= cols, "{cols}: {row:?} is too long in bytes");
            }
        }
        let rows = list_rows(&[("express", description), ("spring-boot", "x")], 60);
        assert!(rows[0].starts_with("express      Express 5"), "{rows:?}");
        assert!(rows[0].ends_with('…'), "{rows:?}");
        assert_eq!(rows[1], "spring-boot  x");
        let wide = list_rows(&[("x", "日本語の説明がとても長い場合")], 16);
        assert!(
            measure_text_width(&wide[0]) + ROW_MARKER_WIDTH < 16,
            "{wide:?}"
        );
    }

    #[test]
    fn errors_are_broken_into_rows_that_fit() {
        assert_eq!(wrap("abcdef日本", 4), ["abcd", "ef日", "本"]);
        assert_eq!(
            wrap("try `my-app`; allowed", 14),
            ["try `my-app`;", "allowed"]
        );
        assert_eq!(wrap("a b", 1), ["a", "b"]);
        assert_eq!(wrap("", 10), [""]);
        for row in wrap(&"名前".repeat(30), 9) {
            assert!(measure_text_width(&row) <= 9, "{row:?}");
        }
    }
}
