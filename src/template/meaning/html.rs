//! HTML: tags, attributes, text and comments; a `<script>`'s body is JavaScript.

use super::c_like::c_like_pieces;
use super::{Piece, code, text};

/// HTML: tags and their attributes (values decoded), text (decoded), comments; a `<script>`'s
/// body read as JavaScript, so a value that writes `</script>` into it ends the script early.
pub(super) fn html_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
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
