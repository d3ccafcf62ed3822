//! The year of a project whose record holds none (made by a release that did not record it):
//! the year its files show where today's render puts the current one (`Copyright (c) 2025 …`),
//! so that an update does not rewrite it.

use crate::render::OutputFile;

/// The year `read` (a project file's contents) shows on a line where `rendered` holds `current`,
/// the rest of the line the same; `None` when no such line differs.
pub fn shown(
    rendered: &[OutputFile],
    current: i32,
    read: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Option<i32> {
    let now = current.to_string();
    for file in rendered {
        let Ok(text) = std::str::from_utf8(&file.contents) else {
            continue;
        };
        if !text.contains(&now) {
            continue;
        }
        let Some(ours) = read(&file.path).and_then(|b| String::from_utf8(b).ok()) else {
            continue;
        };
        for line in text.lines() {
            let Some((before, after)) = line.split_once(&now) else {
                continue;
            };
            let found = ours.lines().find_map(|mine| {
                let year = mine.strip_prefix(before)?.strip_suffix(after)?;
                (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| year.parse().ok())
                    .flatten()
            });
            if let Some(year) = found.filter(|y| *y != current) {
                return Some(year);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    #[test]
    fn the_year_is_read_where_the_render_puts_it() {
        let rendered = vec![OutputFile {
            path: "LICENSE".into(),
            contents: Cow::Owned(b"MIT\nCopyright (c) 2026 app\n".to_vec()),
            mode: 0o644,
        }];
        let ours = |_: &str| Some(b"MIT\n\nCopyright (c) 2019 app\n".to_vec());
        assert_eq!(shown(&rendered, 2026, &ours), Some(2019));
        let same = |_: &str| Some(b"Copyright (c) 2026 app\n".to_vec());
        assert_eq!(shown(&rendered, 2026, &same), None);
        let other = |_: &str| Some(b"Copyright (c) 2019 someone else\n".to_vec());
        assert_eq!(shown(&rendered, 2026, &other), None);
    }
}
