//! Whether a rendered file of a structured format parses: JSON, TOML, YAML and XML, by its
//! extension. JSON with comments (tsconfig, jsconfig, VS Code settings) is read as TypeScript
//! and VS Code read it.

use crate::spans::line_col;

/// Where a rendered file fails to parse, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFault {
    pub format: &'static str,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The fault of the file at `path` (a project path), if its format is one sprout knows and
/// its text does not parse; None for a file that parses or a format sprout does not check.
pub fn fault(path: &str, bytes: &[u8]) -> Option<ParseFault> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    let format = match ext.as_str() {
        "json" => "JSON",
        "toml" => "TOML",
        "yaml" | "yml" => "YAML",
        "xml" => "XML",
        _ => return None,
    };
    let fault = |offset: usize, message: String| {
        let text = String::from_utf8_lossy(bytes);
        let (line, column) = line_col(&text, offset);
        Some(ParseFault {
            format,
            line,
            column,
            message,
        })
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return fault(0, "not UTF-8".into());
    };
    match format {
        "JSON" => {
            let commented = name.starts_with("tsconfig")
                || name.starts_with("jsconfig")
                || path.starts_with(".vscode/");
            let text = if commented {
                strip_json_comments(text)
            } else {
                text.to_string()
            };
            let error = serde_json::from_str::<serde_json::Value>(&text).err()?;
            Some(ParseFault {
                format,
                line: error.line(),
                column: error.column(),
                message: error.to_string(),
            })
        }
        "TOML" => {
            let error = text.parse::<toml::Table>().err()?;
            let offset = error.span().map_or(0, |s| s.start);
            fault(offset, error.message().trim().to_string())
        }
        "YAML" => {
            let error = yaml_rust2::YamlLoader::load_from_str(text).err()?;
            let marker = error.marker();
            Some(ParseFault {
                format,
                line: marker.line(),
                column: marker.col() + 1,
                message: error.info().to_string(),
            })
        }
        _ => {
            let (offset, message) = xml_fault(text)?;
            fault(offset, message)
        }
    }
}

/// The offset and reason of the first XML fault: a syntax error, an end tag that does not
/// match, an element left open, or no root element.
pub(crate) fn xml_fault(text: &str) -> Option<(usize, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth: usize = 0;
    let mut roots = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
            }
            Ok(Event::Empty(_)) if depth == 0 => roots += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(error) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0);
                return Some((at, error.to_string()));
            }
        }
    }
    match (depth, roots) {
        (0, 1) => None,
        (0, 0) => Some((0, "no root element".into())),
        (0, _) => Some((0, "more than one root element".into())),
        _ => Some((text.len(), "an element is not closed".into())),
    }
}

/// JSON with `//` and `/* */` comments (and trailing commas, as TypeScript allows) made plain;
/// lines keep their numbers.
pub fn strip_json_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                // Keep the newline, so lines keep their numbers.
                for next in chars.by_ref() {
                    if next == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for next in chars.by_ref() {
                    if next == '\n' {
                        out.push('\n');
                    }
                    if last == '*' && next == '/' {
                        break;
                    }
                    last = next;
                }
            }
            (',', _) => {
                let rest: String = chars.clone().collect();
                let next = rest.trim_start().chars().next();
                if !matches!(next, Some('}') | Some(']')) {
                    out.push(c);
                } else {
                    out.push(' ');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &str, text: &str) -> Option<(usize, usize)> {
        fault(path, text.as_bytes()).map(|f| (f.line, f.column))
    }

    #[test]
    fn each_format_reports_where_it_breaks() {
        assert_eq!(at("package.json", "{\n  \"a\": 1,\n}\n"), Some((3, 1)));
        assert_eq!(at("package.json", "{\"a\": 1}"), None);
        assert_eq!(
            at("tsconfig.json", "{\n  // strict\n  \"a\": [1,],\n}\n"),
            None
        );
        assert!(at("pyproject.toml", "[project]\nname = \"x\nversion = 1\n").is_some());
        assert_eq!(at("pyproject.toml", "[project]\nname = \"x\"\n"), None);
        assert_eq!(at("ci.yml", "a: 1\nb: [1, 2\n"), Some((3, 1)));
        assert_eq!(at("ci.yml", "a: 1\nb: [1, 2]\n"), None);
        assert_eq!(
            at("pom.xml", "<a>\n  <b></c>\n</a>\n").map(|p| p.0),
            Some(2)
        );
        assert!(at("pom.xml", "<a>\n<b/>\n").is_some());
        assert_eq!(
            at("pom.xml", "<?xml version=\"1.0\"?>\n<a><b/></a>\n"),
            None
        );
        assert_eq!(at("README.md", "{ not json"), None);
    }
}
