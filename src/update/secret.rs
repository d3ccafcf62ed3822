//! Generated secrets across an update: never regenerated, never overwritten, never recorded.
//!
//! The templates are rendered with a mask token in place of each secret; the project's current
//! values are then read back from its own files, at the lines where the masked render puts the
//! token (`SECRET_KEY=` … in `.env`). Blob ids in the record and the stored base hold the tokens,
//! never the values.

use crate::error::Result;
use crate::render::OutputFile;

pub use crate::secrets::{mask, token, tokens, unmask};

/// Whether a masked file holds any secret.
pub fn holds_secret(masked: &[u8], secrets: &[(String, usize)]) -> bool {
    let text = String::from_utf8_lossy(masked);
    secrets.iter().any(|(n, _)| text.contains(&token(n)))
}

/// The project's secret values, read from its files where the masked render puts each token;
/// a secret found nowhere (its file is new, or gone) is generated.
pub fn recover(
    secrets: &[(String, usize)],
    masked: &[OutputFile],
    read: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Vec<(String, String)>> {
    let mut values = Vec::with_capacity(secrets.len());
    for (name, len) in secrets {
        let token = token(name);
        let found = masked.iter().find_map(|file| {
            let text = std::str::from_utf8(&file.contents).ok()?;
            if !text.contains(&token) {
                return None;
            }
            let ours = read(&file.path)?;
            let ours = String::from_utf8(ours).ok()?;
            text.lines()
                .filter_map(|line| line.split_once(&token))
                .find_map(|(before, after)| find_between(&ours, before, after))
        });
        let value = match found {
            Some(value) => value,
            None => crate::secrets::generate(*len)?,
        };
        values.push((name.clone(), value));
    }
    Ok(values)
}

/// The text between `before` and `after` on a line of `text` that starts with `before` and
/// ends with `after` (the rest of the template's line; only its part up to another token).
fn find_between(text: &str, before: &str, after: &str) -> Option<String> {
    if before.trim().is_empty() {
        return None;
    }
    let after = after.split("SPROUTSECRET_").next().unwrap_or_default();
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(before)?;
        let end = if after.is_empty() {
            rest.len()
        } else {
            rest.find(after)?
        };
        let value = &rest[..end];
        (!value.is_empty() && !value.contains(char::is_whitespace)).then(|| value.to_string())
    })
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    #[test]
    fn values_are_read_back_at_the_template_lines() {
        let masked = vec![OutputFile {
            path: ".env".into(),
            contents: Cow::Owned(
                format!(
                    "DEBUG=1\nSECRET_KEY={}\nDATABASE_URL=postgres://app:{}@localhost:5432/x\n",
                    token("secret_key"),
                    token("db_password")
                )
                .into_bytes(),
            ),
            mode: 0o644,
        }];
        let ours = "# mine\nSECRET_KEY=abc123\nDEBUG=0\nDATABASE_URL=postgres://app:pw9@localhost:5432/x\n";
        let secrets = vec![
            ("secret_key".to_string(), 50),
            ("db_password".to_string(), 32),
        ];
        let values = recover(&secrets, &masked, &|_| Some(ours.as_bytes().to_vec())).unwrap();
        assert_eq!(values[0].1, "abc123");
        assert_eq!(values[1].1, "pw9");
        let round = unmask(&mask(ours.as_bytes(), &values), &values);
        assert_eq!(round, ours.as_bytes());
    }

    #[test]
    fn a_secret_found_nowhere_is_generated() {
        let secrets = vec![("k".to_string(), 20)];
        let values = recover(&secrets, &[], &|_| None).unwrap();
        assert_eq!(values[0].1.len(), 20);
    }
}
