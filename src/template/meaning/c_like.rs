//! The C family sprout's stacks write: JavaScript/TypeScript and Java/Kotlin.

use super::{Piece, code, line_comment, text};

/// JavaScript/TypeScript (`java` false) or Java: `//` and `/* */` comments, string literals with
/// their escapes; in JavaScript also template literals (whose `${…}` is code) and regular
/// expressions (code), told from a division by what comes before them.
pub(super) fn c_like_pieces(source: &str, java: bool, out: &mut Vec<Piece>) -> Result<(), String> {
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    let mut plain = String::new();
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            code(out, &std::mem::take(&mut plain));
            i = line_comment(&chars, i, "//", out);
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
pub(super) fn java_unicode(source: &str) -> String {
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
