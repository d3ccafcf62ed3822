//! Where a value sits in a TOML file, so that a finding about it names its line and column.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a path into a document: a key of a table, or an index of an array.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// A parsed TOML document that remembers where everything is.
pub struct Doc<'t> {
    text: &'t str,
    root: Spanned<DeTable<'t>>,
}

impl<'t> Doc<'t> {
    pub fn parse(text: &'t str) -> Result<Doc<'t>, toml::de::Error> {
        Ok(Doc {
            text,
            root: DeTable::parse(text)?,
        })
    }

    /// The line and column (1-based) of the value at `path`, or of the deepest part of the
    /// path that exists (the whole file: 1:1).
    pub fn at(&self, path: &[Step]) -> (usize, usize) {
        line_col(self.text, self.span(path).start)
    }

    /// The line and column of the key `key` in the table at `path` (the value when the table
    /// is written on one line), else of the table.
    pub fn key_at(&self, path: &[Step], key: &str) -> (usize, usize) {
        let start = match self.value(path).map(Spanned::get_ref) {
            Some(DeValue::Table(table)) => table.get_key_value(key).map(|(k, _)| k.span().start),
            _ => None,
        };
        line_col(self.text, start.unwrap_or_else(|| self.span(path).start))
    }

    /// The position of the first key or string value equal to `text`, anywhere in the document.
    pub fn find_string(&self, text: &str) -> Option<(usize, usize)> {
        fn walk(value: &Spanned<DeValue>, text: &str) -> Option<usize> {
            match value.get_ref() {
                DeValue::String(s) if s == text => Some(value.span().start),
                DeValue::Array(items) => items.iter().find_map(|v| walk(v, text)),
                DeValue::Table(table) => table.iter().find_map(|(k, v)| {
                    if k.get_ref() == text {
                        Some(k.span().start)
                    } else {
                        walk(v, text)
                    }
                }),
                _ => None,
            }
        }
        let found = self.root.get_ref().iter().find_map(|(k, v)| {
            if k.get_ref() == text {
                Some(k.span().start)
            } else {
                walk(v, text)
            }
        });
        found.map(|start| line_col(self.text, start))
    }

    fn span(&self, path: &[Step]) -> Range<usize> {
        let mut best = 0..0;
        for depth in (1..=path.len()).rev() {
            if let Some(value) = self.value(&path[..depth]) {
                best = value.span();
                break;
            }
        }
        best
    }

    fn value(&self, path: &[Step]) -> Option<&Spanned<DeValue<'t>>> {
        let (first, rest) = path.split_first()?;
        let Step::Key(key) = first else { return None };
        let mut value = self.root.get_ref().get(*key)?;
        for step in rest {
            value = match (value.get_ref(), step) {
                (DeValue::Table(t), Step::Key(k)) => t.get(*k)?,
                (DeValue::Array(a), Step::Index(i)) => a.get(*i)?,
                _ => return None,
            };
        }
        Some(value)
    }
}

/// The 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn values_keys_and_offsets_have_their_positions() {
        let text = "title = \"T\"\n\n[[file]]\npath = \"a\"\n\n[[file]]\npath = \"b\"\nwhen = { docker = true }\n";
        let doc = Doc::parse(text).unwrap_or_else(|e| panic!("{e}"));
        let path = [Step::Key("file"), Step::Index(1), Step::Key("path")];
        assert_eq!(doc.at(&path), (7, 8));
        let when = [Step::Key("file"), Step::Index(1), Step::Key("when")];
        assert_eq!(doc.key_at(&when, "docker"), (8, 10));
        assert_eq!(doc.find_string("a"), Some((4, 8)));
        assert_eq!(doc.at(&[Step::Key("nope")]), (1, 1));
        assert_eq!(line_col("ab\nçd", 5), (2, 2));
    }
}
