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

    /// Where a fault found in this document points: see [`place`].
    pub fn place(&self, reason: &str) -> (usize, usize) {
        if let Some((tool, field)) = requirement_field(reason)
            && let Some(i) = self.index_where("requires", "tool", tool)
        {
            return self.at(&[Step::Key("requires"), Step::Index(i), Step::Key(field)]);
        }
        quoted(reason)
            .into_iter()
            .find_map(|q| self.find_string(q))
            .unwrap_or((1, 1))
    }

    /// The index of the first entry of the array of tables `array` whose `key` is `value`.
    pub fn index_where(&self, array: &str, key: &str, value: &str) -> Option<usize> {
        let Some(DeValue::Array(items)) = self.value(&[Step::Key(array)]).map(Spanned::get_ref)
        else {
            return None;
        };
        items.iter().position(|item| match item.get_ref() {
            DeValue::Table(t) => {
                matches!(t.get(key).map(Spanned::get_ref), Some(DeValue::String(s)) if s == value)
            }
            _ => false,
        })
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

/// Where in a manifest `reason` (a fault found in it) points: the first string or key its
/// `quoted` words name, a quoted `key = "value"`'s value first; else 1:1.
pub fn place(text: &str, reason: &str) -> (usize, usize) {
    Doc::parse(text).map_or((1, 1), |doc| doc.place(reason))
}

/// For a `[[requires]]` fault (`requirement `python` has an empty `check``): the tool and the
/// field at fault.
pub fn requirement_field(reason: &str) -> Option<(&str, &'static str)> {
    let (tool, rest) = reason.strip_prefix("requirement `")?.split_once('`')?;
    let field = ["min", "check", "fix"]
        .into_iter()
        .find(|f| rest.contains(&format!("`{f}")))
        .unwrap_or("tool");
    Some((tool, field))
}

/// The `quoted` words of a message, most telling first: the value of a quoted
/// `key = "value"`, then each word in order.
fn quoted(reason: &str) -> Vec<&str> {
    let words: Vec<&str> = reason.split('`').skip(1).step_by(2).collect();
    let values = words.iter().filter_map(|w| {
        let (_, value) = w.split_once(" = ")?;
        Some(value.trim_matches('"'))
    });
    values.chain(words.iter().copied()).collect()
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

    #[test]
    fn a_fault_is_placed_at_the_value_its_message_quotes() {
        let reason = "requirement `python`: `min = \"{{v}}\"` is not a version";
        assert_eq!(quoted(reason), ["{{v}}", "python", "min = \"{{v}}\""]);
        let text = "[[requires]]\ntool = \"python\"\nmin = \"{{v}}\"\n";
        assert_eq!(place(text, reason), (3, 7));
        assert_eq!(place(text, "no quote"), (1, 1));
        let text = "name_rule = \"python\"\n[[requires]]\ntool = \"node\"\n\n[[requires]]\ntool = \"python\"\ncheck = \"\"\n";
        let empty = "requirement `python` has an empty `check`";
        assert_eq!(place(text, empty), (7, 9));
    }
}
