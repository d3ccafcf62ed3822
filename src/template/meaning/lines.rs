//! Formats of `KEY=value` lines: `.env` and Java `.properties`.

use super::{Piece, code, text};

/// `.env` as dotenv, Node's `--env-file` and Compose read it: `KEY=value` lines and comments;
/// a double-quoted value takes `\n`, `\"`, `\\` and `\$`, and expands an unescaped `$NAME`.
pub(super) fn env_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
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

/// Java `.properties` as `java.util.Properties` reads it: logical lines, comments, a key up to
/// `=`, `:` or a blank, escapes; `${…}` in a value is a placeholder (Spring resolves it).
pub(super) fn properties_pieces(source: &str, out: &mut Vec<Piece>) {
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
