//! What a rendered file means, as a sequence of pieces: the text its reader takes as data
//! (strings, keys, comments), decoded, and everything else (structure, code) as written.
//!
//! `template check` renders a file twice, once with a plain value in every free-text option and
//! once with a hostile one, and compares the two meanings with the hostile value put back to
//! the plain one: a value that was escaped right changes only the data it was written into.
//! Formats with a parser in sprout (JSON, TOML, YAML, XML: `data`) are read by it; for the
//! languages a template writes code in, small readers follow each language's rules for string
//! literals, comments and expansions, which is all a value can break out of: `scripts`
//! (Python, Ruby, shell), `c_like` (JavaScript/TypeScript, Java), `html`, `lines` (`.env`,
//! Java `.properties`).

mod c_like;
mod data;
mod html;
mod lines;
mod scripts;

use c_like::{c_like_pieces, java_unicode};
use data::{json_pieces, toml_pieces, xml_pieces, yaml_pieces};
use html::html_pieces;
use lines::{env_pieces, properties_pieces};
use scripts::{python_pieces, ruby_pieces, shell_pieces};

/// One piece of a file's meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Data: a string, a key, a comment; a value written into it may be here, decoded.
    Text(String),
    /// Anything else, compared as written: a value must never land here.
    Code(String),
}

/// The formats whose meaning sprout reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Toml,
    Yaml,
    Xml,
    Env,
    Python,
    Ruby,
    Shell,
    Properties,
    JavaScript,
    Java,
    Html,
}

impl Format {
    /// The format of a project path, by its name; for a file without a telling name, by its
    /// first line (`#!/bin/sh`).
    pub fn of(path: &str, bytes: &[u8]) -> Option<Format> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let by_name = match ext.as_str() {
            "json" => Some(Format::Json),
            "toml" => Some(Format::Toml),
            "yaml" | "yml" => Some(Format::Yaml),
            "xml" => Some(Format::Xml),
            "py" => Some(Format::Python),
            "rb" | "ru" | "rake" | "gemspec" => Some(Format::Ruby),
            "sh" | "bash" => Some(Format::Shell),
            "properties" => Some(Format::Properties),
            "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" => Some(Format::JavaScript),
            "java" | "kt" => Some(Format::Java),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        };
        if by_name.is_some() {
            return by_name;
        }
        if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
            return Some(Format::Env);
        }
        if matches!(name, "Gemfile" | "Rakefile") {
            return Some(Format::Ruby);
        }
        let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
        let first = String::from_utf8_lossy(first);
        if first.starts_with("#!") {
            if first.contains("python") {
                return Some(Format::Python);
            }
            if first.contains("ruby") {
                return Some(Format::Ruby);
            }
            if ["/sh", " sh", "bash", "dash"]
                .iter()
                .any(|s| first.contains(s))
            {
                return Some(Format::Shell);
            }
        }
        None
    }

    /// What the format is called in a message.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Toml => "TOML",
            Format::Yaml => "YAML",
            Format::Xml => "XML",
            Format::Env => ".env",
            Format::Python => "Python",
            Format::Ruby => "Ruby",
            Format::Shell => "shell",
            Format::Properties => "Java properties",
            Format::JavaScript => "JavaScript/TypeScript",
            Format::Java => "Java",
            Format::Html => "HTML",
        }
    }

    /// The helper that writes free text into this format as data, and how to call it.
    pub fn helper(self) -> Option<&'static str> {
        match self {
            Format::Json => Some("json"),
            Format::Toml => Some("toml"),
            Format::Yaml => Some("yaml"),
            Format::Xml => Some("xml"),
            Format::Env => Some("env"),
            Format::Python => Some("py"),
            Format::Ruby => Some("rb"),
            Format::Shell => Some("sh"),
            Format::Properties => None,
            Format::JavaScript => Some("js"),
            Format::Java => Some("java"),
            Format::Html => Some("xml"),
        }
    }
}

/// The meaning of `text` in `format`, or why it cannot be read.
pub fn read(format: Format, path: &str, text: &str) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    match format {
        Format::Json => {
            let name = path.rsplit('/').next().unwrap_or(path);
            let commented = name.starts_with("tsconfig")
                || name.starts_with("jsconfig")
                || path.starts_with(".vscode/");
            let plain = if commented {
                crate::template::structured::strip_json_comments(text)
            } else {
                text.to_string()
            };
            let value: serde_json::Value =
                serde_json::from_str(&plain).map_err(|e| e.to_string())?;
            json_pieces(&value, &mut out);
        }
        Format::Toml => {
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
                let (line, column) =
                    crate::spans::line_col(text, e.span().map_or(0, |span| span.start));
                format!("{} at line {line}, column {column}", e.message().trim())
            })?;
            toml_pieces(&toml::Value::Table(table), &mut out);
        }
        Format::Yaml => {
            let docs = yaml_rust2::YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
            for doc in &docs {
                out.push(Piece::Code("---".into()));
                yaml_pieces(doc, &mut out);
            }
        }
        Format::Xml => xml_pieces(text, &mut out)?,
        Format::Env => env_pieces(text, &mut out)?,
        Format::Python => python_pieces(text, &mut out)?,
        Format::Ruby => ruby_pieces(text, &mut out)?,
        Format::Shell => shell_pieces(text, &mut out)?,
        Format::Properties => properties_pieces(text, &mut out),
        Format::JavaScript => c_like_pieces(text, false, &mut out)?,
        Format::Java => c_like_pieces(&java_unicode(text), true, &mut out)?,
        Format::Html => html_pieces(text, &mut out)?,
    }
    Ok(merge(out))
}

/// Whether `hostile` means the same as `plain` once every value in its data is put back to the
/// plain one it stands for (`(value, plain)` pairs).
pub fn same(plain: &[Piece], hostile: &[Piece], back: &[(&str, &str)]) -> bool {
    plain.len() == hostile.len()
        && plain.iter().zip(hostile).all(|(p, h)| match (p, h) {
            (Piece::Text(p), Piece::Text(h)) => {
                *p == back.iter().fold(h.clone(), |text, (value, instead)| {
                    text.replace(value, instead)
                })
            }
            (Piece::Code(p), Piece::Code(h)) => p == h,
            _ => false,
        })
}

/// Adjacent pieces of one kind joined, so that a reader's way of cutting text does not count.
fn merge(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (out.last_mut(), piece) {
            (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
            (Some(Piece::Code(a)), Piece::Code(b)) => a.push_str(&b),
            (_, piece) => out.push(piece),
        }
    }
    out
}

pub(super) fn code(out: &mut Vec<Piece>, s: &str) {
    out.push(Piece::Code(s.to_string()));
}

/// A comment from `marker` at `i` to the end of its line: the marker as code, the rest as
/// data; where the line ends.
pub(super) fn line_comment(chars: &[char], i: usize, marker: &str, out: &mut Vec<Piece>) -> usize {
    let end = chars[i..]
        .iter()
        .position(|c| *c == '\n')
        .map_or(chars.len(), |p| i + p);
    code(out, marker);
    text(out, chars[i + marker.len()..end].iter().collect());
    end
}

/// A data piece between markers, so two strings in a row stay two.
pub(super) fn text(out: &mut Vec<Piece>, s: String) {
    out.push(Piece::Code("\u{1}".into()));
    out.push(Piece::Text(s));
    out.push(Piece::Code("\u{2}".into()));
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use crate::escape;

    const VALUE: &str = "  He said \"hi\" & 'yo' \\ {{x}} }} </script> ${HOME} $(id) `id` #{x} # c\nk: v = 1\u{2028}!  ";
    const PLAIN: &str = "Plain";

    /// Whether a file written with `VALUE` where the plain one was means the same.
    fn holds(format: Format, path: &str, template: &str, write: impl Fn(&str) -> String) -> bool {
        let plain = read(format, path, &template.replace("@", &write(PLAIN)))
            .unwrap_or_else(|e| panic!("{e}"));
        match read(format, path, &template.replace("@", &write(VALUE))) {
            Ok(hostile) => same(&plain, &hostile, &[(VALUE, PLAIN)]),
            Err(_) => false,
        }
    }

    type Case = (Format, &'static str, &'static str, fn(&str) -> String);

    fn raw(s: &str) -> String {
        s.to_string()
    }

    #[test]
    fn each_escape_helper_keeps_the_meaning_and_raw_text_breaks_it() {
        let cases: [Case; 7] = [
            (Format::Json, "a.json", "{\"a\": @, \"b\": 1}", escape::json),
            (Format::Toml, "a.toml", "a = @\nb = 1\n", escape::toml),
            (Format::Yaml, "a.yml", "a: @\nb: 1\n", escape::yaml),
            (Format::Xml, "a.xml", "<a x=\"@\"><b>@</b></a>", escape::xml),
            (Format::Env, ".env", "A=@\nB=1\n", escape::env),
            (
                Format::Python,
                "a.py",
                "A = @  # note\nB = f\"{A}\"\n",
                escape::py,
            ),
            (
                Format::Ruby,
                "a.rb",
                "A = @ # note\nB = \"#{A}\"\n",
                escape::rb,
            ),
        ];
        for (format, path, template, helper) in cases {
            assert!(
                holds(format, path, template, helper),
                "{format:?} with its helper"
            );
            let quoted = if matches!(format, Format::Xml) {
                template.to_string()
            } else {
                template.replace('@', "\"@\"")
            };
            assert!(
                !holds(format, path, &quoted, raw),
                "{format:?} raw in quotes"
            );
        }
    }

    #[test]
    fn javascript_and_java_keep_the_helpers_output_as_data() {
        let js = "const a = @; // note\nconst re = /[/]x/g, b = 1 / 2;\nconst t = `${a} x`;\n";
        assert!(holds(Format::JavaScript, "a.js", js, escape::js));
        assert!(!holds(
            Format::JavaScript,
            "a.js",
            &js.replace('@', "'@'"),
            raw
        ));
        assert!(!holds(Format::JavaScript, "a.js", "const t = `@`;\n", raw));
        let java = "class A { String a = @; /* note */ char c = '\\''; }\n";
        assert!(holds(Format::Java, "A.java", java, escape::java));
        assert!(!holds(
            Format::Java,
            "A.java",
            &java.replace('@', "\"@\""),
            raw
        ));
        // Java reads `\u0022` as a quote before anything else.
        assert!(read(Format::Java, "A.java", "String a = \"\\u0022\";\n").is_err());
    }

    #[test]
    fn html_keeps_escaped_text_and_attributes_and_a_script_ends_at_its_end_tag() {
        let page = "<!doctype html><p title=\"@\">@</p><!-- c --><br/>\n";
        assert!(holds(Format::Html, "a.html", page, escape::xml));
        assert!(!holds(Format::Html, "a.html", page, raw));
        let script = "<script>const d = @;</script><p>x</p>\n";
        assert!(holds(Format::Html, "a.html", script, escape::js));
        // json's `</script>` ends the script: the rest of the value is HTML.
        assert!(!holds(Format::Html, "a.html", script, escape::json));
    }

    #[test]
    fn shell_quoting_keeps_the_meaning_and_expansion_breaks_it() {
        assert!(holds(
            Format::Shell,
            "a.sh",
            "echo @ # note\nls\n",
            escape::sh
        ));
        assert!(!holds(Format::Shell, "a.sh", "echo \"@\"\nls\n", raw));
        assert!(!holds(Format::Shell, "a.sh", "echo @\n", raw));
        assert!(!holds(Format::Shell, "a.sh", "# @\nls\n", raw));
    }

    #[test]
    fn a_comment_swallowing_a_line_or_a_value_in_another_key_is_a_change() {
        assert!(!holds(Format::Python, "a.py", "# @\nx = 1\n", raw));
        assert!(!holds(Format::Env, ".env", "A=@\n", raw));
        assert!(!holds(
            Format::Properties,
            "a.properties",
            "a=@\nb=1\n",
            raw
        ));
        assert!(holds(Format::Properties, "a.properties", "a=x\n# y\n", raw));
    }

    #[test]
    fn readers_refuse_what_their_language_refuses() {
        assert!(read(Format::Python, "a.py", "x = 'a\nb'\n").is_err());
        assert!(read(Format::Ruby, "a.rb", "x = \"a\n").is_err());
        assert!(read(Format::Shell, "a.sh", "echo 'a\n").is_err());
        assert!(read(Format::Env, ".env", "A B\n").is_err());
        assert!(read(Format::Python, "a.py", "x = r'\\'' + b\"\\x41\"\n").is_ok());
    }

    #[test]
    fn formats_are_known_by_name_and_first_line() {
        assert_eq!(
            Format::of("bin/serve", b"#!/bin/sh\nexec x\n"),
            Some(Format::Shell)
        );
        assert_eq!(Format::of(".env.example", b""), Some(Format::Env));
        assert_eq!(Format::of("Gemfile", b""), Some(Format::Ruby));
        assert_eq!(Format::of("README.md", b""), None);
    }
}
