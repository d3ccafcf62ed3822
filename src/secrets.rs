//! Per-project secrets and the current year: the two inputs of a plan that are not answers; and
//! the mask tokens that stand for the secrets wherever they must not be kept (the record's blob
//! ids, the update's base).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `len` URL-safe characters from the operating system's random source (6 bits each, unbiased).
pub fn generate(len: usize) -> Result<String> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes)
        .map_err(|e| std::io::Error::other(e.to_string()))
        .map_err(Error::system("cannot read the random source"))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 63)] as char)
        .collect())
}

/// The token standing for secret `name` in masked contents.
pub fn token(name: &str) -> String {
    format!("SPROUTSECRET_{}_MASKED", name.to_ascii_uppercase())
}

/// Each secret of the stack paired with its token.
pub fn tokens(secrets: &[(String, usize)]) -> Vec<(String, String)> {
    secrets
        .iter()
        .map(|(name, _)| (name.clone(), token(name)))
        .collect()
}

/// `bytes` with every secret value replaced by its token.
pub fn mask(bytes: &[u8], values: &[(String, String)]) -> Vec<u8> {
    replace(bytes, values.iter().map(|(n, v)| (v.as_str(), token(n))))
}

/// `bytes` with every token replaced by its secret value.
pub fn unmask(bytes: &[u8], values: &[(String, String)]) -> Vec<u8> {
    replace(bytes, values.iter().map(|(n, v)| (token(n), v.clone())))
}

fn replace<A: AsRef<str>, B: AsRef<str>>(
    bytes: &[u8],
    pairs: impl Iterator<Item = (A, B)>,
) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    let mut text = text.to_string();
    for (from, to) in pairs {
        if !from.as_ref().is_empty() {
            text = text.replace(from.as_ref(), to.as_ref());
        }
    }
    text.into_bytes()
}

/// The year for LICENSE files: from SOURCE_DATE_EPOCH when set (reproducible builds), else now.
pub fn current_year() -> i32 {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    year_of(seconds.div_euclid(86_400))
}

/// The civil year of a day count since 1970-01-01 (Howard Hinnant's days-to-civil algorithm).
fn year_of(days: i64) -> i32 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_from_day_counts() {
        assert_eq!(year_of(0), 1970);
        assert_eq!(year_of(364), 1970);
        assert_eq!(year_of(365), 1971);
        assert_eq!(year_of(20_453), 2025); // 2025-12-31
        assert_eq!(year_of(20_454), 2026); // 2026-01-01
        assert_eq!(year_of(-1), 1969);
    }

    #[test]
    fn secrets_differ_and_use_the_alphabet() {
        let a = generate(50).unwrap();
        let b = generate(50).unwrap();
        assert_eq!(a.len(), 50);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
    }
}
