//! What a rendered file means, as a sequence of pieces: the text its reader takes as data
//! (strings, keys, comments), decoded, and everything else (structure, code) as written.
//!
//! `template check` renders a file twice, once with a plain value in every free-text option and
//! once with a hostile one, and compares the two meanings with the hostile value put back to
//! the plain one: a value that was escaped right changes only the data it was written into.
//! Formats with a parser in sprout (JSON, TOML, YAML, XML) are read by it; for the languages a
//! template writes code in (Python, Ruby, shell, `.env`, Java `.properties`) the small readers
//! below follow each language's rules for string literals and comments, which is all a value
//! can break out of.

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

fn code(out: &mut Vec<Piece>, s: &str) {
    out.push(Piece::Code(s.to_string()));
}

/// A data piece between markers, so two strings in a row stay two.
fn text(out: &mut Vec<Piece>, s: String) {
    out.push(Piece::Code("\u{1}".into()));
    out.push(Piece::Text(s));
    out.push(Piece::Code("\u{2}".into()));
}

fn json_pieces(value: &serde_json::Value, out: &mut Vec<Piece>) {
    use serde_json::Value as V;
    match value {
        V::String(s) => text(out, s.clone()),
        V::Array(items) => {
            code(out, "[");
            items.iter().for_each(|v| json_pieces(v, out));
            code(out, "]");
        }
        V::Object(map) => {
            code(out, "{");
            for (k, v) in map {
                text(out, k.clone());
                code(out, ":");
                json_pieces(v, out);
            }
            code(out, "}");
        }
        other => code(out, &other.to_string()),
    }
}

fn toml_pieces(value: &toml::Value, out: &mut Vec<Piece>) {
    use toml::Value as V;
    match value {
        V::String(s) => text(out, s.clone()),
        V::Array(items) => {
            code(out, "[");
            items.iter().for_each(|v| toml_pieces(v, out));
            code(out, "]");
        }
        V::Table(table) => {
            code(out, "{");
            for (k, v) in table {
                text(out, k.clone());
                code(out, "=");
                toml_pieces(v, out);
            }
            code(out, "}");
        }
        other => code(out, &other.to_string()),
    }
}

fn yaml_pieces(value: &yaml_rust2::Yaml, out: &mut Vec<Piece>) {
    use yaml_rust2::Yaml as Y;
    match value {
        Y::String(s) => text(out, s.clone()),
        Y::Array(items) => {
            code(out, "[");
            items.iter().for_each(|v| yaml_pieces(v, out));
            code(out, "]");
        }
        Y::Hash(map) => {
            code(out, "{");
            for (k, v) in map {
                yaml_pieces(k, out);
                code(out, ":");
                yaml_pieces(v, out);
            }
            code(out, "}");
        }
        other => code(out, &format!("{other:?}")),
    }
}

fn xml_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
    use quick_xml::events::Event;
    if let Some((at, message)) = crate::template::structured::xml_fault(source) {
        return Err(format!("{message} (at byte {at})"));
    }
    let mut reader = quick_xml::Reader::from_str(source);
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) => {
                code(out, &format!("<{}", lossy(e.name().0)));
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| e.to_string())?;
                    code(out, &lossy(attr.key.0));
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| e.to_string())?;
                    text(out, value.into_owned());
                }
                code(out, ">");
            }
            Event::End(e) => code(out, &format!("</{}>", lossy(e.name().0))),
            Event::Text(t) => out.push(Piece::Text(t.xml10_content().into_owned())),
            Event::GeneralRef(r) => {
                let name = lossy(&*r);
                let reference = format!("&{name};");
                let resolved = quick_xml::escape::unescape(&reference)
                    .map_err(|e| e.to_string())?
                    .into_owned();
                out.push(Piece::Text(resolved));
            }
            Event::CData(t) => out.push(Piece::Text(lossy(&*t))),
            Event::Comment(t) => text(out, lossy(&*t)),
            Event::Eof => break,
            _ => code(out, "<?>"),
        }
    }
    Ok(())
}

fn lossy<B: AsRef<[u8]> + ?Sized>(bytes: &B) -> String {
    String::from_utf8_lossy(bytes.as_ref()).into_owned()
}

/// `.env` as dotenv, Node's `--env-file` and Compose read it: `KEY=value` lines and comments;
/// a double-quoted value takes `\n`, `\"`, `\\` and `\$`, and expands an unescaped `$NAME`.
fn env_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
    let mut rest = source;
    let mut line_no = 0;
    while !rest.is_empty() {
        line_no += 1;
        let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
        let trimmed = line.trim();
        if trimmed.is_empty() {
            rest = after;
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            code(out, "#");
            text(out, comment.to_string());
            rest = after;
            continue;
        }
        let body = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        let Some((key, _)) = body.split_once('=') else {
            return Err(format!("line {line_no} is neither KEY=value nor a comment"));
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("line {line_no}: `{key}` is not a variable name"));
        }
        code(out, &format!("{key}="));
        // The value starts after `=`, in the line as written (it may span lines when quoted).
        let start = line.find('=').map_or(line.len(), |i| i + 1);
        let value_and_rest = &rest[start..];
        let value_start = value_and_rest.trim_start_matches([' ', '\t']);
        match value_start.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let mut value = String::new();
                let mut chars = value_start[1..].char_indices();
                let mut end = None;
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' if q == '"' => match chars.next().map(|(_, c)| c) {
                            Some('n') => value.push('\n'),
                            Some(e @ ('"' | '\\' | '$')) => value.push(e),
                            Some(e) => {
                                value.push('\\');
                                value.push(e);
                            }
                            None => return Err(format!("line {line_no}: unterminated value")),
                        },
                        '$' if q == '"' => {
                            out.push(Piece::Text(std::mem::take(&mut value)));
                            code(out, "$");
                        }
                        c if c == q => {
                            end = Some(i + 1 + 1);
                            break;
                        }
                        c => value.push(c),
                    }
                }
                let Some(end) = end else {
                    return Err(format!("line {line_no}: a quoted value is not closed"));
                };
                out.push(Piece::Text(value));
                code(out, "\n");
                let after_quote = &value_start[end..];
                let (tail, next) = after_quote.split_once('\n').unwrap_or((after_quote, ""));
                let tail = tail.trim();
                if !tail.is_empty() && !tail.starts_with('#') {
                    return Err(format!("line {line_no}: text after the closing quote"));
                }
                line_no += value_start[..end].matches('\n').count();
                rest = next;
            }
            _ => {
                let (value, next) = value_start.split_once('\n').unwrap_or((value_start, ""));
                let value = match value.find(" #") {
                    Some(i) => &value[..i],
                    None => value,
                };
                let value = value.trim();
                for (i, part) in value.split('$').enumerate() {
                    if i > 0 {
                        code(out, "$");
                    }
                    out.push(Piece::Text(part.to_string()));
                }
                code(out, "\n");
                rest = next;
            }
        }
    }
    Ok(())
}

/// Python: comments, and string literals with their prefixes (raw, bytes, f-strings, whose
/// `{…}` is code), quotes and escapes.
fn python_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    let mut plain = String::new();
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            code(out, &std::mem::take(&mut plain));
            code(out, "#");
            let end = chars[i..]
                .iter()
                .position(|c| *c == '\n')
                .map_or(chars.len(), |p| i + p);
            text(out, chars[i + 1..end].iter().collect());
            i = end;
            continue;
        }
        // A string's prefix: letters right before a quote, not ending an identifier.
        let mut j = i;
        while j < chars.len() && j - i < 2 && "rRbBuUfF".contains(chars[j]) {
            j += 1;
        }
        let starts = j < chars.len()
            && matches!(chars[j], '"' | '\'')
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'));
        if !starts {
            plain.push(c);
            i += 1;
            continue;
        }
        code(out, &std::mem::take(&mut plain));
        let prefix: String = chars[i..j].iter().collect::<String>().to_lowercase();
        let raw = prefix.contains('r');
        let f = prefix.contains('f');
        let q = chars[j];
        let triple = chars.get(j + 1) == Some(&q) && chars.get(j + 2) == Some(&q);
        let mut k = if triple { j + 3 } else { j + 1 };
        let mut value = String::new();
        loop {
            let Some(&c) = chars.get(k) else {
                return Err("a string literal is not closed".into());
            };
            if c == q && (!triple || (chars.get(k + 1) == Some(&q) && chars.get(k + 2) == Some(&q)))
            {
                k += if triple { 3 } else { 1 };
                break;
            }
            if c == '\n' && !triple {
                return Err("a line break inside a one-line string literal".into());
            }
            if c == '\\' {
                let Some(&e) = chars.get(k + 1) else {
                    return Err("a string literal ends in a backslash".into());
                };
                k += 2;
                if raw {
                    value.push('\\');
                    value.push(e);
                    continue;
                }
                match e {
                    '\n' => {}
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    'r' => value.push('\r'),
                    '0'..='7' => {
                        let mut n = e.to_digit(8).unwrap_or(0);
                        let mut len = 1;
                        while len < 3
                            && let Some(d) = chars.get(k).and_then(|c| c.to_digit(8))
                        {
                            n = n * 8 + d;
                            k += 1;
                            len += 1;
                        }
                        value.extend(char::from_u32(n));
                    }
                    'x' | 'u' | 'U' => {
                        let len = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String = chars.iter().skip(k).take(len).collect();
                        let n = u32::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == len)
                            .ok_or_else(|| format!("a bad \\{e} escape"))?;
                        value.extend(char::from_u32(n));
                        k += len;
                    }
                    '\\' | '\'' | '"' => value.push(e),
                    'a' => value.push('\u{7}'),
                    'b' => value.push('\u{8}'),
                    'f' => value.push('\u{c}'),
                    'v' => value.push('\u{b}'),
                    other => {
                        value.push('\\');
                        value.push(other);
                    }
                }
                continue;
            }
            value.push(c);
            k += 1;
        }
        code(out, &format!("{prefix}{q}"));
        if f {
            f_string_pieces(&value, out)?;
        } else {
            text(out, value);
        }
        i = k;
    }
    code(out, &plain);
    Ok(())
}

/// An f-string's body: `{{` and `}}` are braces, `{…}` is code.
fn f_string_pieces(body: &str, out: &mut Vec<Piece>) -> Result<(), String> {
    let mut data = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                data.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                data.push('}');
            }
            '{' => {
                text(out, std::mem::take(&mut data));
                let expr: String = chars.by_ref().take_while(|c| *c != '}').collect();
                code(out, &format!("{{{expr}}}"));
            }
            '}' => return Err("a single `}` in an f-string".into()),
            c => data.push(c),
        }
    }
    text(out, data);
    Ok(())
}

/// Ruby: comments, single-quoted strings (`\\` and `\'` only) and double-quoted ones with
/// their escapes and `#{…}` interpolation (code).
fn ruby_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    let mut plain = String::new();
    while i < chars.len() {
        let c = chars[i];
        match c {
            '#' => {
                code(out, &std::mem::take(&mut plain));
                code(out, "#");
                let end = chars[i..]
                    .iter()
                    .position(|c| *c == '\n')
                    .map_or(chars.len(), |p| i + p);
                text(out, chars[i + 1..end].iter().collect());
                i = end;
            }
            '\'' | '"' => {
                code(out, &std::mem::take(&mut plain));
                code(out, &c.to_string());
                let mut k = i + 1;
                let mut value = String::new();
                loop {
                    let Some(&d) = chars.get(k) else {
                        return Err("a string literal is not closed".into());
                    };
                    k += 1;
                    if d == c {
                        break;
                    }
                    if d == '\\' {
                        let Some(&e) = chars.get(k) else {
                            return Err("a string literal ends in a backslash".into());
                        };
                        k += 1;
                        if c == '\'' {
                            if !matches!(e, '\\' | '\'') {
                                value.push('\\');
                            }
                            value.push(e);
                            continue;
                        }
                        match e {
                            'n' => value.push('\n'),
                            't' => value.push('\t'),
                            'r' => value.push('\r'),
                            's' => value.push(' '),
                            'e' => value.push('\u{1b}'),
                            '0' => value.push('\0'),
                            '\n' => {}
                            'u' => {
                                let hex: String = if chars.get(k) == Some(&'{') {
                                    let h: String =
                                        chars[k + 1..].iter().take_while(|c| **c != '}').collect();
                                    k += h.chars().count() + 2;
                                    h
                                } else {
                                    let h: String = chars.iter().skip(k).take(4).collect();
                                    k += 4;
                                    h
                                };
                                let n = u32::from_str_radix(&hex, 16)
                                    .map_err(|_| "a bad \\u escape".to_string())?;
                                value.extend(char::from_u32(n));
                            }
                            other => value.push(other),
                        }
                        continue;
                    }
                    if c == '"' && d == '#' && matches!(chars.get(k), Some('{' | '@' | '$')) {
                        text(out, std::mem::take(&mut value));
                        let expr: String = chars[k..].iter().take_while(|c| **c != '}').collect();
                        k += expr.chars().count() + 1;
                        code(out, &format!("#{expr}}}"));
                        continue;
                    }
                    value.push(d);
                }
                text(out, value);
                i = k;
            }
            c => {
                plain.push(c);
                i += 1;
            }
        }
    }
    code(out, &plain);
    Ok(())
}

/// POSIX shell: comments, quotes (single: literal; double: `\` before `$`, backquote, `"`, `\`
/// and a line break), backslash escapes, and expansions and substitutions, which are code.
fn shell_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    // At the start of a word, where `#` starts a comment.
    let mut word_start = true;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '#' if word_start => {
                code(out, "#");
                let end = chars[i..]
                    .iter()
                    .position(|c| *c == '\n')
                    .map_or(chars.len(), |p| i + p);
                text(out, chars[i + 1..end].iter().collect());
                i = end;
                continue;
            }
            ' ' | '\t' => {
                code(out, " ");
                while matches!(chars.get(i), Some(' ' | '\t')) {
                    i += 1;
                }
                word_start = true;
                continue;
            }
            '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>' => {
                code(out, &c.to_string());
                i += 1;
                word_start = true;
                continue;
            }
            '\'' => {
                let Some(len) = chars[i + 1..].iter().position(|c| *c == '\'') else {
                    return Err("a single-quoted string is not closed".into());
                };
                out.push(Piece::Text(chars[i + 1..i + 1 + len].iter().collect()));
                i += len + 2;
            }
            '"' => {
                let mut k = i + 1;
                let mut value = String::new();
                loop {
                    let Some(&d) = chars.get(k) else {
                        return Err("a double-quoted string is not closed".into());
                    };
                    match d {
                        '"' => {
                            k += 1;
                            break;
                        }
                        '\\' => {
                            match chars.get(k + 1) {
                                Some('\n') => {}
                                Some(&e @ ('$' | '`' | '"' | '\\')) => value.push(e),
                                Some(&e) => {
                                    value.push('\\');
                                    value.push(e);
                                }
                                None => return Err("a string ends in a backslash".into()),
                            }
                            k += 2;
                        }
                        '$' | '`' => {
                            out.push(Piece::Text(std::mem::take(&mut value)));
                            k = expansion(&chars, k, out)?;
                        }
                        d => {
                            value.push(d);
                            k += 1;
                        }
                    }
                }
                out.push(Piece::Text(value));
                i = k;
            }
            '\\' => {
                match chars.get(i + 1) {
                    Some('\n') | None => {}
                    Some(&e) => out.push(Piece::Text(e.to_string())),
                }
                i += 2;
            }
            '$' | '`' => i = expansion(&chars, i, out)?,
            c => {
                out.push(Piece::Text(c.to_string()));
                i += 1;
            }
        }
        word_start = false;
    }
    Ok(())
}

/// A `$name`, `${…}`, `$(…)` or backquoted command at `i`, as code; where it ends.
fn expansion(chars: &[char], i: usize, out: &mut Vec<Piece>) -> Result<usize, String> {
    let (open, close, skip) = match (chars[i], chars.get(i + 1)) {
        ('`', _) => ('`', '`', 1),
        ('$', Some('{')) => ('{', '}', 2),
        ('$', Some('(')) => ('(', ')', 2),
        _ => {
            let len = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || **c == '_')
                .count();
            let len = if len == 0 && chars.get(i + 1).is_some_and(|c| "@*#?$!-".contains(*c)) {
                1
            } else {
                len
            };
            code(out, &chars[i..i + 1 + len].iter().collect::<String>());
            return Ok(i + 1 + len);
        }
    };
    let mut depth = 1;
    let mut k = i + skip;
    while depth > 0 {
        let Some(&c) = chars.get(k) else {
            return Err("an expansion is not closed".into());
        };
        if c == close {
            depth -= 1;
        } else if c == open && open != '`' {
            depth += 1;
        }
        k += 1;
    }
    code(out, &chars[i..k].iter().collect::<String>());
    Ok(k)
}

/// HTML: tags and their attributes (values decoded), text (decoded), comments; a `<script>`'s
/// body read as JavaScript, so a value that writes `</script>` into it ends the script early.
fn html_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
    let mut rest = source;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            out.push(Piece::Text(html_decode(rest)));
            break;
        };
        out.push(Piece::Text(html_decode(&rest[..open])));
        rest = &rest[open..];
        if let Some(body) = rest.strip_prefix("<!--") {
            let end = body.find("-->").ok_or("a comment is not closed")?;
            code(out, "<!--");
            text(out, body[..end].to_string());
            rest = &body[end + 3..];
            continue;
        }
        let starts_tag = rest[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        if !starts_tag {
            out.push(Piece::Text("<".into()));
            rest = &rest[1..];
            continue;
        }
        let name_len = rest[1..]
            .find(|c: char| {
                c.is_whitespace() || c == '>' || (c == '/' && !rest[1..].starts_with('/'))
            })
            .ok_or("a tag is not closed")?;
        let name = rest[1..1 + name_len].to_ascii_lowercase();
        code(out, &format!("<{name}"));
        let mut at = 1 + name_len;
        // Attributes, up to `>`.
        loop {
            let tail = &rest[at..];
            let skipped = tail.len() - tail.trim_start().len();
            at += skipped;
            let tail = &rest[at..];
            match tail.chars().next() {
                None => return Err("a tag is not closed".into()),
                Some('>') => {
                    at += 1;
                    break;
                }
                Some('/') if tail.starts_with("/>") => {
                    at += 2;
                    break;
                }
                Some(q @ ('"' | '\'' | '<')) => {
                    return Err(format!("`{q}` where an attribute name belongs in <{name}>"));
                }
                Some(_) => {
                    let len = tail
                        .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/'))
                        .unwrap_or(tail.len());
                    code(out, &format!(" {}", &tail[..len]));
                    at += len.max(1);
                    let tail = &rest[at..];
                    let after = tail.trim_start();
                    if let Some(value) = after.strip_prefix('=') {
                        at += tail.len() - after.len() + 1;
                        let value_start = value.trim_start();
                        at += value.len() - value_start.len();
                        let (raw, used) = match value_start.chars().next() {
                            Some(q @ ('"' | '\'')) => {
                                let end = value_start[1..]
                                    .find(q)
                                    .ok_or("an attribute value is not closed")?;
                                (&value_start[1..1 + end], end + 2)
                            }
                            _ => {
                                let end = value_start
                                    .find(|c: char| c.is_whitespace() || c == '>')
                                    .unwrap_or(value_start.len());
                                (&value_start[..end], end)
                            }
                        };
                        code(out, "=");
                        text(out, html_decode(raw));
                        at += used;
                    }
                }
            }
        }
        code(out, ">");
        rest = &rest[at..];
        if matches!(name.as_str(), "script" | "style") {
            let end = rest
                .to_ascii_lowercase()
                .find(&format!("</{name}"))
                .unwrap_or(rest.len());
            if name == "script" {
                c_like_pieces(&rest[..end], false, out)?;
            } else {
                text(out, rest[..end].to_string());
            }
            rest = &rest[end..];
        }
    }
    Ok(())
}

/// HTML text with its character references resolved (the common named ones and numeric ones).
fn html_decode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let reference = rest[1..].find(';').map(|end| &rest[1..1 + end]);
        let resolved = reference.and_then(|r| match r {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => {
                let number = r.strip_prefix('#')?;
                let n = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                char::from_u32(n)
            }
        });
        match (reference, resolved) {
            (Some(r), Some(c)) => {
                out.push(c);
                rest = &rest[r.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// JavaScript/TypeScript (`java` false) or Java: `//` and `/* */` comments, string literals with
/// their escapes; in JavaScript also template literals (whose `${…}` is code) and regular
/// expressions (code), told from a division by what comes before them.
fn c_like_pieces(source: &str, java: bool, out: &mut Vec<Piece>) -> Result<(), String> {
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    let mut plain = String::new();
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            code(out, &std::mem::take(&mut plain));
            code(out, "//");
            let end = chars[i..]
                .iter()
                .position(|c| *c == '\n')
                .map_or(chars.len(), |p| i + p);
            text(out, chars[i + 2..end].iter().collect());
            i = end;
            continue;
        }
        if c == '/' && next == Some('*') {
            code(out, &std::mem::take(&mut plain));
            code(out, "/*");
            let body: String = chars[i + 2..].iter().collect();
            let Some(len) = body.find("*/") else {
                return Err("a /* comment is not closed".into());
            };
            text(out, body[..len].to_string());
            i += 2 + body[..len].chars().count() + 2;
            continue;
        }
        if !java && c == '/' && regex_may_start(&plain) {
            code(out, &std::mem::take(&mut plain));
            let mut k = i + 1;
            let mut class = false;
            loop {
                match chars.get(k) {
                    None | Some('\n') => return Err("a regular expression is not closed".into()),
                    Some('\\') => k += 1,
                    Some('[') => class = true,
                    Some(']') => class = false,
                    Some('/') if !class => break,
                    _ => {}
                }
                k += 1;
            }
            k += 1;
            while chars.get(k).is_some_and(|c| c.is_ascii_alphabetic()) {
                k += 1;
            }
            code(out, &chars[i..k].iter().collect::<String>());
            i = k;
            continue;
        }
        let quote = match c {
            '"' | '\'' => true,
            '`' => !java,
            _ => false,
        };
        if !quote {
            plain.push(c);
            i += 1;
            continue;
        }
        code(out, &std::mem::take(&mut plain));
        let block = java && c == '"' && next == Some('"') && chars.get(i + 2) == Some(&'"');
        let multiline = block || c == '`';
        let mut k = if block { i + 3 } else { i + 1 };
        let mut value = String::new();
        code(out, &c.to_string());
        loop {
            let Some(&d) = chars.get(k) else {
                return Err("a string literal is not closed".into());
            };
            if d == c
                && (!block || (chars.get(k + 1) == Some(&'"') && chars.get(k + 2) == Some(&'"')))
            {
                k += if block { 3 } else { 1 };
                break;
            }
            if matches!(d, '\n' | '\r') && !multiline {
                return Err("a line break inside a string literal".into());
            }
            if c == '`' && d == '$' && chars.get(k + 1) == Some(&'{') {
                text(out, std::mem::take(&mut value));
                let mut depth = 0;
                let start = k;
                while let Some(&e) = chars.get(k) {
                    k += 1;
                    match e {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                code(out, &chars[start..k].iter().collect::<String>());
                continue;
            }
            if d == '\\' {
                let Some(&e) = chars.get(k + 1) else {
                    return Err("a string literal ends in a backslash".into());
                };
                k += 2;
                match e {
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    'r' => value.push('\r'),
                    'b' => value.push('\u{8}'),
                    'f' => value.push('\u{c}'),
                    's' if java => value.push(' '),
                    'v' if !java => value.push('\u{b}'),
                    '\n' => {}
                    '0'..='7' if java => {
                        let mut n = e.to_digit(8).unwrap_or(0);
                        let most = if e <= '3' { 3 } else { 2 };
                        let mut len = 1;
                        while len < most
                            && let Some(d) = chars.get(k).and_then(|c| c.to_digit(8))
                        {
                            n = n * 8 + d;
                            k += 1;
                            len += 1;
                        }
                        value.extend(char::from_u32(n));
                    }
                    '0' => value.push('\0'),
                    'x' | 'u' if !java => {
                        let hex: String = if e == 'u' && chars.get(k) == Some(&'{') {
                            let h: String =
                                chars[k + 1..].iter().take_while(|c| **c != '}').collect();
                            k += h.chars().count() + 2;
                            h
                        } else {
                            let len = if e == 'x' { 2 } else { 4 };
                            let h: String = chars.iter().skip(k).take(len).collect();
                            k += len;
                            h
                        };
                        let n = u32::from_str_radix(&hex, 16)
                            .map_err(|_| format!("a bad \\{e} escape"))?;
                        // A surrogate pair written as two escapes is one character.
                        match char::from_u32(n) {
                            Some(ch) => value.push(ch),
                            None => value.push_str(&format!("\\u{hex}")),
                        }
                    }
                    '"' | '\'' | '\\' => value.push(e),
                    other if java => return Err(format!("`\\{other}` is not an escape in Java")),
                    other => value.push(other),
                }
                continue;
            }
            value.push(d);
            k += 1;
        }
        text(out, value);
        i = k;
    }
    code(out, &plain);
    Ok(())
}

/// Whether a `/` after `before` (the code so far) starts a regular expression, not a division.
fn regex_may_start(before: &str) -> bool {
    let trimmed = before.trim_end();
    match trimmed.chars().last() {
        None => true,
        Some(c) if "(,=:[!&|?{};+-*%<>~^".contains(c) => true,
        Some(c) if c.is_alphanumeric() || c == '_' || c == '$' => {
            let word: String = trimmed
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            matches!(
                word.as_str(),
                "return"
                    | "typeof"
                    | "case"
                    | "do"
                    | "else"
                    | "in"
                    | "of"
                    | "new"
                    | "delete"
                    | "void"
                    | "throw"
                    | "yield"
                    | "await"
            )
        }
        _ => false,
    }
}

/// Java source with its `\uXXXX` escapes translated, as the compiler does before it reads
/// anything (a `\u000a` in a string literal is a line break there).
fn java_unicode(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let escaped = i > 0 && chars[..i].iter().rev().take_while(|c| **c == '\\').count() % 2 == 1;
        if chars[i] == '\\' && !escaped && chars.get(i + 1) == Some(&'u') {
            let mut k = i + 1;
            while chars.get(k) == Some(&'u') {
                k += 1;
            }
            let hex: String = chars.iter().skip(k).take(4).collect();
            if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                && hex.len() == 4
            {
                out.push(c);
                i = k + 4;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Java `.properties` as `java.util.Properties` reads it: logical lines, comments, a key up to
/// `=`, `:` or a blank, escapes; `${…}` in a value is a placeholder (Spring resolves it).
fn properties_pieces(source: &str, out: &mut Vec<Piece>) {
    let mut logical = String::new();
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        let body = line.trim_start();
        if logical.is_empty() && (body.is_empty() || body.starts_with(['#', '!'])) {
            if !body.is_empty() {
                code(out, "#");
                text(out, body[1..].to_string());
            }
            continue;
        }
        logical.push_str(if logical.is_empty() {
            body
        } else {
            line.trim_start()
        });
        let trailing = logical.chars().rev().take_while(|c| *c == '\\').count();
        if trailing % 2 == 1 && lines.clone().next().is_some() {
            logical.pop();
            continue;
        }
        let line = std::mem::take(&mut logical);
        let mut key = String::new();
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => key.extend(chars.next().map(unescape_properties)),
                '=' | ':' => break,
                ' ' | '\t' => {
                    while chars.peek().is_some_and(|c| matches!(c, ' ' | '\t')) {
                        chars.next();
                    }
                    if chars.peek().is_some_and(|c| matches!(c, '=' | ':')) {
                        chars.next();
                    }
                    break;
                }
                c => key.push(c),
            }
        }
        while chars.peek().is_some_and(|c| matches!(c, ' ' | '\t')) {
            chars.next();
        }
        text(out, key);
        code(out, "=");
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).collect();
                        value.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                    }
                    Some(e) => value.push(unescape_properties(e)),
                    None => {}
                },
                '$' if chars.peek() == Some(&'{') => {
                    out.push(Piece::Text(std::mem::take(&mut value)));
                    let expr: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    code(out, &format!("${expr}}}"));
                }
                c => value.push(c),
            }
        }
        out.push(Piece::Text(value));
        code(out, "\n");
    }
}

fn unescape_properties(c: char) -> char {
    match c {
        't' => '\t',
        'n' => '\n',
        'r' => '\r',
        'f' => '\u{c}',
        c => c,
    }
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
