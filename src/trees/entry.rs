//! One stored tree as bytes, and a bundle of them: the one format of the cache on disk and of the
//! trees of the built-in templates that build.rs parses into the binary (this file is part of
//! build.rs too).
//!
//! - An entry holds the text it was parsed from, the format, Handlebars' version and the tree,
//!   then a checksum of all that. It is used only when every one of them matches.
//! - An entry's key is an xxh3 of its text, seeded by the format and Handlebars' version.
//! - An index is a count, then one row per entry (key, offset, length; sorted by key), all
//!   little-endian: a lookup is a binary search, and nothing is decoded until used. A bundle is
//!   an index, then the entries; a pack (`pack.rs`) keeps its index after its entries.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_64, xxh3_128_with_seed};

use super::mirror::Tree;

/// Changes whenever the layout of an entry, of a bundle or of `Tree` changes.
const FORMAT: u32 = 1;

/// Bytes of a bundle's row: key, offset, length.
const ROW: usize = 16 + 4 + 4;

#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    format: u32,
    #[serde(borrow)]
    handlebars: Cow<'a, str>,
    #[serde(borrow)]
    text: Cow<'a, str>,
    tree: Cow<'a, Tree>,
}

/// The key of `text`'s entry, for trees parsed by Handlebars `handlebars`.
pub fn key(text: &str, handlebars: &str) -> u128 {
    let seed = xxh3_64(format!("{FORMAT} {handlebars}").as_bytes());
    xxh3_128_with_seed(text.as_bytes(), seed)
}

/// The entry of `tree`, parsed from `text` by Handlebars `handlebars`.
pub fn encode(text: &str, tree: &Tree, handlebars: &str) -> Option<Vec<u8>> {
    let entry = Entry {
        format: FORMAT,
        handlebars: Cow::Borrowed(handlebars),
        text: Cow::Borrowed(text),
        tree: Cow::Borrowed(tree),
    };
    let mut bytes = postcard::to_stdvec(&entry).ok()?;
    let sum = xxh3_64(&bytes);
    bytes.extend_from_slice(&sum.to_le_bytes());
    Some(bytes)
}

/// The tree of `bytes` if they are a sound entry for `text` and Handlebars `handlebars`.
pub fn decode(bytes: &[u8], text: &str, handlebars: &str) -> Option<Tree> {
    let (body, sum) = bytes.split_last_chunk::<8>()?;
    if xxh3_64(body) != u64::from_le_bytes(*sum) {
        return None;
    }
    let entry: Entry = postcard::from_bytes(body).ok()?;
    (entry.format == FORMAT && entry.handlebars == handlebars && entry.text == text)
        .then(|| entry.tree.into_owned())
}

/// An index of entries: a count, then `rows` (key, offset, length; sorted by key), all
/// little-endian. The one index of a bundle and of a pack (`pack.rs`).
pub fn index(rows: &[(u128, u32, u32)]) -> Option<Vec<u8>> {
    let mut index = Vec::with_capacity(4 + rows.len() * ROW);
    index.extend_from_slice(&u32::try_from(rows.len()).ok()?.to_le_bytes());
    for (key, offset, length) in rows {
        index.extend_from_slice(&key.to_le_bytes());
        index.extend_from_slice(&offset.to_le_bytes());
        index.extend_from_slice(&length.to_le_bytes());
    }
    Some(index)
}

/// The bytes the [`index`] at the start of `bytes` takes (None if they cannot hold it).
pub fn index_len(bytes: &[u8]) -> Option<usize> {
    let count = u32::from_le_bytes(*bytes.first_chunk::<4>()?);
    let len = usize::try_from(count)
        .ok()?
        .checked_mul(ROW)?
        .checked_add(4)?;
    (len <= bytes.len()).then_some(len)
}

/// Where the entry of `key` is by the [`index`] at the start of `bytes` (its offset and length),
/// and the bytes after the index; a binary search, nothing decoded.
pub fn locate(bytes: &[u8], key: u128) -> Option<(usize, usize, &[u8])> {
    let (index, rest) = bytes.split_at_checked(index_len(bytes)?)?;
    let rows = index.get(4..)?;
    let row = |n: usize| rows.get(n * ROW..(n + 1) * ROW);
    let (mut low, mut high) = (0, rows.len() / ROW);
    while low < high {
        let middle = low + (high - low) / 2;
        let (row_key, place) = row(middle)?.split_first_chunk::<16>()?;
        match u128::from_le_bytes(*row_key).cmp(&key) {
            std::cmp::Ordering::Less => low = middle + 1,
            std::cmp::Ordering::Greater => high = middle,
            std::cmp::Ordering::Equal => {
                let (offset, length) = place.split_first_chunk::<4>()?;
                let length = length.first_chunk::<4>()?;
                let offset = usize::try_from(u32::from_le_bytes(*offset)).ok()?;
                let length = usize::try_from(u32::from_le_bytes(*length)).ok()?;
                return Some((offset, length, rest));
            }
        }
    }
    None
}

/// A bundle of `entries` (key, entry): an [`index`], then the entries; a key given twice is
/// kept once.
#[allow(dead_code, reason = "build.rs writes bundles, the run only reads them")]
pub fn bundle(mut entries: Vec<(u128, Vec<u8>)>) -> Option<Vec<u8>> {
    entries.sort_by_key(|e| e.0);
    entries.dedup_by_key(|e| e.0);
    let mut rows = Vec::with_capacity(entries.len());
    let mut bodies = Vec::new();
    for (key, entry) in &entries {
        let offset = u32::try_from(bodies.len()).ok()?;
        rows.push((*key, offset, u32::try_from(entry.len()).ok()?));
        bodies.extend_from_slice(entry);
    }
    let mut bundle = index(&rows)?;
    bundle.extend_from_slice(&bodies);
    Some(bundle)
}

/// The entry of `key` in `bundle`, if it holds one.
pub fn find(bundle: &[u8], key: u128) -> Option<&[u8]> {
    let (offset, length, bodies) = locate(bundle, key)?;
    bodies.get(offset..offset.checked_add(length)?)
}
