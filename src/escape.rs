//! Escaping free text for each file format a template writes it into.
//!
//! Each function returns text that the format's own parser reads back as exactly the input
//! (the property tests in `tests/` check this with real parsers).

use std::fmt::Write;

/// A JSON string, with its quotes.
pub fn json(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// A JavaScript/TypeScript string literal, with its quotes; also safe inside `<script>`.
pub fn js(s: &str) -> String {
    json(s)
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A TOML basic string, with its quotes.
pub fn toml(s: &str) -> String {
    quoted(s, |c, out| match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if c.is_control() => push_u(out, c),
        c => out.push(c),
    })
}

/// A YAML double-quoted scalar, with its quotes.
pub fn yaml(s: &str) -> String {
    quoted(s, |c, out| match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => push_u(out, c),
        c => out.push(c),
    })
}

/// XML character data, usable in text and in attribute values (no quotes added).
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // Not representable in XML 1.0 at all, not even as a reference.
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A Python string literal, with its quotes.
pub fn py(s: &str) -> String {
    quoted(s, |c, out| match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if c.is_control() => push_u(out, c),
        c => out.push(c),
    })
}

/// A Ruby double-quoted string literal, with its quotes; `#{` does not interpolate.
pub fn rb(s: &str) -> String {
    quoted(s, |c, out| match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '#' => out.push_str("\\#"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if c.is_control() => push_u(out, c),
        c => out.push(c),
    })
}

/// A Java string literal, with its quotes. Never emits `\u`, which Java translates before
/// parsing; control characters become octal escapes.
pub fn java(s: &str) -> String {
    quoted(s, |c, out| match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x100 && c.is_control() => {
            let _ = write!(out, "\\{:03o}", c as u32);
        }
        c if c.is_control() => out.push('\u{fffd}'),
        c => out.push(c),
    })
}

/// Markdown text: characters that could start markup are backslash-escaped, so the text reads
/// as written.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (index, line) in s.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let body = line.trim_start();
        out.push_str(&line[..line.len() - body.len()]);
        // Block markers only count at the start of a line.
        let rest = if body.starts_with(['-', '+', '=']) {
            out.push('\\');
            body
        } else if let Some(end) = body.find(|c: char| !c.is_ascii_digit())
            && end > 0
            && body[end..].starts_with(['.', ')'])
        {
            out.push_str(&body[..end]);
            out.push('\\');
            &body[end..]
        } else {
            body
        };
        for c in rest.chars() {
            if matches!(
                c,
                '\\' | '`'
                    | '*'
                    | '_'
                    | '['
                    | ']'
                    | '<'
                    | '>'
                    | '#'
                    | '|'
                    | '~'
                    | '&'
                    | '!'
                    | '{'
                    | '}'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// A double-quoted value for `.env` files (dotenv, Node's `--env-file`, Compose).
pub fn env(s: &str) -> String {
    quoted(s, |c, out| match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '$' => out.push_str("\\$"),
        '\n' => out.push_str("\\n"),
        c if c.is_control() => {}
        c => out.push(c),
    })
}

/// A POSIX shell word in single quotes: nothing in it expands, and a `'` is closed, escaped and
/// reopened.
pub fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn quoted(s: &str, mut each: impl FnMut(char, &mut String)) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        each(c, &mut out);
    }
    out.push('"');
    out
}

fn push_u(out: &mut String, c: char) {
    let _ = write!(out, "\\u{:04X}", c as u32);
}

#[cfg(test)]
mod tests {
    use super::*;

    const NASTY: &str = "He said \"hi\" & <b>{{x}}</b> \\ ünï #{x} ${y} '''\"\"\"\n\ttab";

    /// YAML 1.1 readers (PyYAML, Ruby's Psych) take a raw U+2028 or U+2029 in a double-quoted
    /// scalar for a line break and fold it, and a raw BOM is not content either: those three are
    /// always written as escapes, which every YAML reader reads back as the character. A YAML
    /// 1.2 reader round-trips them raw, so only this test sees the rule go.
    #[test]
    fn yaml_escapes_the_characters_yaml_1_1_reads_as_line_breaks() {
        for (c, escape) in [
            ('\u{2028}', "\\u2028"),
            ('\u{2029}', "\\u2029"),
            ('\u{feff}', "\\uFEFF"),
        ] {
            let text = format!("a{c}b");
            let out = yaml(&text);
            assert!(!out.contains(c), "{c:?} is written raw: {out:?}");
            assert_eq!(out, format!("\"a{escape}b\""));
            let back: String = serde_yaml::from_str(&out).unwrap_or_default();
            assert_eq!(back, text);
        }
    }

    #[test]
    fn json_and_js_round_trip() {
        let back: String = serde_json::from_str(&json(NASTY)).unwrap_or_default();
        assert_eq!(back, NASTY);
        let back: String = serde_json::from_str(&js(NASTY)).unwrap_or_default();
        assert_eq!(back, NASTY);
        assert!(!js("</script>").contains('<'));
    }

    #[test]
    fn toml_round_trips() {
        let doc = format!("v = {}", toml(NASTY));
        let table: ::toml::Table = doc.parse().unwrap_or_default();
        assert_eq!(table.get("v").and_then(|v| v.as_str()), Some(NASTY));
    }

    #[test]
    fn xml_escapes_markup() {
        assert_eq!(xml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(xml("nul\0"), "nul\u{fffd}");
    }

    #[test]
    fn ruby_does_not_interpolate() {
        assert_eq!(rb("#{x}"), r##""\#{x}""##);
    }

    #[test]
    fn java_never_writes_unicode_escapes() {
        assert_eq!(java("a\u{1}b\nc\\u0022"), r#""a\001b\nc\\u0022""#);
    }

    #[test]
    fn markdown_keeps_plain_text_plain() {
        assert_eq!(md("A backend service"), "A backend service");
        assert_eq!(md("<b>*x*</b>"), "\\<b\\>\\*x\\*\\</b\\>");
        assert_eq!(md("# not a heading"), "\\# not a heading");
        assert_eq!(md("- item\n1. first"), "\\- item\n1\\. first");
        assert_eq!(md("\nx\n\ny"), "\nx\n\ny");
    }

    #[test]
    fn sh_quotes_everything_literally() {
        assert_eq!(sh("it's $HOME"), r#"'it'\''s $HOME'"#);
    }

    #[test]
    fn env_neutralises_expansion() {
        assert_eq!(env("a $HOME \"q\""), r#""a \$HOME \"q\"""#);
    }
}
