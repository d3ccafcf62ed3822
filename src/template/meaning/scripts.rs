//! Scripting languages: Python, Ruby and POSIX shell, by their rules for string literals,
//! comments and expansions.

use super::{Piece, code, line_comment, text};

/// Python: comments, and string literals with their prefixes (raw, bytes, f-strings, whose
/// `{…}` is code), quotes and escapes.
pub(super) fn python_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    let mut plain = String::new();
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            code(out, &std::mem::take(&mut plain));
            i = line_comment(&chars, i, "#", out);
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
pub(super) fn ruby_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    let mut plain = String::new();
    while i < chars.len() {
        let c = chars[i];
        match c {
            '#' => {
                code(out, &std::mem::take(&mut plain));
                i = line_comment(&chars, i, "#", out);
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
pub(super) fn shell_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    // At the start of a word, where `#` starts a comment.
    let mut word_start = true;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '#' if word_start => {
                i = line_comment(&chars, i, "#", out);
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
