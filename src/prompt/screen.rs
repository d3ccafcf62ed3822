//! A prompt's lines on the terminal, measured in cells as the terminal lays them out (wide
//! characters take two cells, long lines wrap), so that each redraw and the final clear
//! cover exactly what was drawn before.

use std::io;

use console::{Term, strip_ansi_codes};
use unicode_width::UnicodeWidthChar;

/// Where the cursor ends after writing `text` from the first column of a terminal `cols`
/// cells wide, as (row, column). A column equal to `cols` is a full row whose wrap is still
/// pending; a wide character that does not fit in a row moves whole to the next one.
pub fn end_of(text: &str, cols: usize) -> (usize, usize) {
    let cols = cols.max(2);
    let (mut row, mut col) = (0, 0);
    for c in text.chars() {
        let width = c.width().unwrap_or(0);
        if width == 0 {
            continue;
        }
        if col + width > cols {
            row += 1;
            col = 0;
        }
        col += width;
    }
    (row, col)
}

/// The cell in which a caret after `text` is shown: past a full row it is the next row's first.
pub fn caret_cell(text: &str, cols: usize) -> (usize, usize) {
    let (row, col) = end_of(text, cols);
    if col >= cols.max(2) {
        (row + 1, 0)
    } else {
        (row, col)
    }
}

/// What a prompt shows: its lines, and for an editable first line the text before the caret
/// (styled like the line itself; only its width matters).
pub struct Frame {
    pub lines: Vec<String>,
    pub caret: Option<String>,
}

/// The rows below the cursor a prompt owns, redrawn in place.
pub struct Region<'t> {
    term: &'t Term,
    /// The row of the region the terminal's cursor is on.
    cursor_row: usize,
}

impl<'t> Region<'t> {
    pub fn new(term: &'t Term) -> Region<'t> {
        Region {
            term,
            cursor_row: 0,
        }
    }

    /// Replace what the region shows with `frame`.
    pub fn draw(&mut self, frame: &Frame) -> io::Result<()> {
        let cols = usize::from(self.term.size().1);
        let mut out = self.rewind();
        let caret = frame
            .caret
            .as_ref()
            .map(|before| caret_cell(&strip_ansi_codes(before), cols));
        let mut row = 0;
        for (index, line) in frame.lines.iter().enumerate() {
            if index > 0 {
                out.push_str("\r\n");
                row += 1;
            }
            out.push_str(line);
            row += end_of(&strip_ansi_codes(line), cols).0;
            // A caret just past a full first row needs a row of its own.
            if index == 0
                && let Some((caret_row, _)) = caret
                && caret_row > row
            {
                out.push_str("\r\n");
                row += 1;
            }
        }
        self.cursor_row = row;
        if let Some((caret_row, caret_col)) = caret {
            if row > caret_row {
                out.push_str(&format!("\x1b[{}A", row - caret_row));
            }
            out.push('\r');
            if caret_col > 0 {
                out.push_str(&format!("\x1b[{caret_col}C"));
            }
            self.cursor_row = caret_row;
        }
        self.term.write_str(&out)?;
        self.term.flush()
    }

    /// Remove everything the region shows; the cursor goes back to where it started.
    pub fn clear(&mut self) -> io::Result<()> {
        let out = self.rewind();
        self.cursor_row = 0;
        self.term.write_str(&out)?;
        self.term.flush()
    }

    /// Back to the region's first cell, erasing to the end of the screen.
    fn rewind(&self) -> String {
        let mut out = String::new();
        if self.cursor_row > 0 {
            out.push_str(&format!("\x1b[{}A", self.cursor_row));
        }
        out.push_str("\r\x1b[J");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_cells_and_wrap_whole() {
        assert_eq!(end_of("ab日本", 80), (0, 6));
        // 9 cells wide: `abcdefgh` fills 8, `日` does not fit in the ninth and moves down.
        assert_eq!(end_of("abcdefgh日", 9), (1, 2));
        assert_eq!(end_of("", 80), (0, 0));
    }

    #[test]
    fn a_full_row_keeps_its_wrap_pending_but_the_caret_moves_down() {
        let text = "x".repeat(80);
        assert_eq!(end_of(&text, 80), (0, 80));
        assert_eq!(caret_cell(&text, 80), (1, 0));
        assert_eq!(end_of(&"x".repeat(81), 80), (1, 1));
    }
}
