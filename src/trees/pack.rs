//! The trees of one render's texts in one file of the cache (a pack), so that a template of
//! thousands of files costs one open and one read a tree, not an open, a stat, two reads and a
//! close for each of them.
//!
//! - A pack is named by the set of its texts' entry keys: the same texts, in any order, find the
//!   same pack; one text changed is another pack (its trees then come from the one-file entries
//!   of `disk.rs`, which stay, and the new pack is written at the end of that render).
//! - Layout: the entries (`entry.rs`, each with its own checksum and its text), then their
//!   index (`entry::index`, the one a bundle starts with), then a footer: the index's offset, a
//!   checksum of the index and a magic. An entry is read with one positioned read; nothing is
//!   decoded until used.
//! - A pack is written to a temporary file and renamed into place: a reader sees a whole pack or
//!   none. A damaged one is a miss (and the caller removes it); the cache only saves time.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::entry;

/// The last bytes of every pack.
const MAGIC: &[u8; 8] = b"sprtpak2";
/// Footer: the index's offset (u64), the index's checksum (u64), the magic.
const FOOTER: usize = 8 + 8 + MAGIC.len();

/// The file name of the pack of the texts whose entry keys are `keys`.
pub fn name(keys: &[u128]) -> String {
    let mut sorted = keys.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut hasher = Xxh3::new();
    for key in sorted {
        hasher.update(&key.to_le_bytes());
    }
    format!("pack-{:032x}", hasher.digest128())
}

/// A pack opened for reading: its file and its index.
#[derive(Debug)]
pub struct Reader {
    file: File,
    path: PathBuf,
    index: Vec<u8>,
}

impl Reader {
    /// The pack at `path`, if it is there and its footer and index are sound.
    pub fn open(path: &Path) -> Option<Reader> {
        let file = File::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        let footer_at = len.checked_sub(FOOTER as u64)?;
        let mut footer = [0u8; FOOTER];
        read_at(&file, &mut footer, footer_at).ok()?;
        let (index_at, rest) = footer.split_first_chunk::<8>()?;
        let (sum, magic) = rest.split_first_chunk::<8>()?;
        if magic != MAGIC {
            return None;
        }
        let index_at = u64::from_le_bytes(*index_at);
        let size = usize::try_from(footer_at.checked_sub(index_at)?).ok()?;
        let mut index = vec![0u8; size];
        read_at(&file, &mut index, index_at).ok()?;
        let sound = xxh3_64(&index) == u64::from_le_bytes(*sum)
            && entry::index_len(&index) == Some(index.len());
        sound.then(|| Reader {
            file,
            path: path.to_path_buf(),
            index,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The bytes of the entry of `key`, if the pack holds it (unchecked: `entry::decode`
    /// checks them).
    pub fn get(&self, key: u128) -> Option<Vec<u8>> {
        let (offset, length, _) = entry::locate(&self.index, key)?;
        let mut bytes = vec![0u8; length];
        read_at(&self.file, &mut bytes, u64::try_from(offset).ok()?).ok()?;
        Some(bytes)
    }
}

/// A pack being written: the entries go to a temporary file as they come, the index at the end.
#[derive(Debug)]
pub struct Writer {
    temp: tempfile::NamedTempFile,
    at: u32,
    rows: Vec<(u128, u32, u32)>,
    added: HashSet<u128>,
    failed: bool,
}

impl Writer {
    /// A new pack in the folder `dir` (made if missing).
    pub fn new(dir: &Path) -> io::Result<Writer> {
        fs::create_dir_all(dir)?;
        let temp = tempfile::Builder::new().prefix(".new-").tempfile_in(dir)?;
        Ok(Writer {
            temp,
            at: 0,
            rows: Vec::new(),
            added: HashSet::new(),
            failed: false,
        })
    }

    /// Add the entry `bytes` of `key`; a key already added is kept once. A pack past 4 GiB is
    /// not written.
    pub fn add(&mut self, key: u128, bytes: &[u8]) {
        if self.failed || !self.added.insert(key) {
            return;
        }
        let next = u32::try_from(bytes.len())
            .ok()
            .and_then(|length| Some((length, self.at.checked_add(length)?)));
        match next {
            Some((length, next)) if self.temp.write_all(bytes).is_ok() => {
                self.rows.push((key, self.at, length));
                self.at = next;
            }
            _ => self.failed = true,
        }
    }

    /// Write the index and footer and put the pack in place as `path`; its size in bytes.
    pub fn finish(mut self, path: &Path) -> io::Result<u64> {
        if self.failed {
            return Err(io::Error::other("a write to the pack failed"));
        }
        self.rows.sort_unstable_by_key(|r| r.0);
        let index = entry::index(&self.rows)
            .ok_or_else(|| io::Error::other("too many entries for one pack"))?;
        let mut footer = Vec::with_capacity(FOOTER);
        footer.extend_from_slice(&u64::from(self.at).to_le_bytes());
        footer.extend_from_slice(&xxh3_64(&index).to_le_bytes());
        footer.extend_from_slice(MAGIC);
        self.temp.write_all(&index)?;
        self.temp.write_all(&footer)?;
        self.temp.persist(path).map_err(|e| e.error)?;
        Ok(u64::from(self.at) + (index.len() + footer.len()) as u64)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_at(_file: &File, _buf: &mut [u8], _offset: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn pack(dir: &Path, entries: &[(u128, &[u8])]) -> PathBuf {
        let mut writer = Writer::new(dir).unwrap();
        for (key, bytes) in entries {
            writer.add(*key, bytes);
        }
        let path = dir.join(name(&entries.iter().map(|e| e.0).collect::<Vec<_>>()));
        writer.finish(&path).unwrap();
        path
    }

    #[test]
    fn every_entry_is_read_back_by_its_key_and_nothing_else() {
        let temp = tempfile::tempdir().unwrap();
        let bodies: Vec<Vec<u8>> = (0..300u32)
            .map(|n| {
                format!("entry {n} ")
                    .repeat(n as usize % 7 + 1)
                    .into_bytes()
            })
            .collect();
        let entries: Vec<(u128, &[u8])> = bodies
            .iter()
            .enumerate()
            .map(|(n, b)| {
                (
                    (n as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15),
                    b.as_slice(),
                )
            })
            .collect();
        let path = pack(temp.path(), &entries);
        let reader = Reader::open(&path).unwrap();
        for (key, bytes) in &entries {
            assert_eq!(reader.get(*key).as_deref(), Some(*bytes));
        }
        assert_eq!(reader.get(7), None);
        let names: Vec<_> = fs::read_dir(temp.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
    }

    #[test]
    fn the_name_is_the_set_of_keys_whatever_the_order() {
        assert_eq!(name(&[3, 1, 2]), name(&[1, 2, 3, 3]));
        assert_ne!(name(&[1, 2, 3]), name(&[1, 2, 4]));
    }

    #[test]
    fn a_damaged_or_truncated_pack_does_not_open() {
        let temp = tempfile::tempdir().unwrap();
        let path = pack(temp.path(), &[(1, b"one"), (2, b"two")]);
        let sound = fs::read(&path).unwrap();
        // Any bit of the index or footer, a cut anywhere, an empty file.
        let index = entry::index(&[(1, 0, 3), (2, 3, 3)]).unwrap().len();
        for at in (sound.len() - FOOTER - index)..sound.len() {
            let mut bad = sound.clone();
            bad[at] ^= 1;
            fs::write(&path, &bad).unwrap();
            assert!(Reader::open(&path).is_none(), "bit at {at}");
        }
        for cut in [0, 1, sound.len() / 2, sound.len() - 1] {
            fs::write(&path, &sound[..cut]).unwrap();
            assert!(Reader::open(&path).is_none(), "cut at {cut}");
        }
        fs::write(&path, &sound).unwrap();
        assert_eq!(Reader::open(&path).unwrap().get(2).unwrap(), b"two");
    }
}
