//! Reading a template folder into memory, as include_dir would have embedded it, refusing what a
//! template may not hold (symbolic links, special files, more than the [`limits`](crate::limits)).

use std::io::Read as _;
use std::path::{Path, PathBuf};

use include_dir::{Dir, DirEntry, File};

use crate::limits::{MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES, Refusal};

/// What has been read so far, against the limits.
#[derive(Default)]
struct Tally {
    files: usize,
    bytes: u64,
}

/// The folder `dir` with every path in it written as `prefix` + its path below `dir`
/// (`/`-separated). A `.git` directly in `dir` is left out. Kept for the life of the process.
pub fn read(dir: &Path, prefix: &str) -> Result<Dir<'static>, Refusal> {
    read_below(dir, dir, prefix, &mut Tally::default())
}

fn read_below(
    root: &Path,
    dir: &Path,
    prefix: &str,
    tally: &mut Tally,
) -> Result<Dir<'static>, Refusal> {
    let relative = |p: &Path| {
        let below = p
            .strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/");
        match (prefix.is_empty(), below.is_empty()) {
            (true, _) => below,
            (false, true) => prefix.to_string(),
            (false, false) => format!("{prefix}/{below}"),
        }
    };
    let unreadable = |path: &Path, e: std::io::Error| Refusal::Unreadable {
        file: path.display().to_string(),
        reason: e.to_string(),
    };
    // The kind of each entry comes with the folder's listing (no `lstat` of its own where the
    // file system gives it); sorted by name, as the paths would sort.
    let mut listed: Vec<(std::ffi::OsString, std::fs::FileType)> = std::fs::read_dir(dir)
        .map_err(|e| unreadable(dir, e))?
        .map(|e| e.and_then(|e| Ok((e.file_name(), e.file_type()?))))
        .collect::<std::io::Result<_>>()
        .map_err(|e| unreadable(dir, e))?;
    listed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut entries = Vec::new();
    for (name, kind) in listed {
        if dir == root && name == ".git" {
            continue;
        }
        let path = dir.join(&name);
        let shown = || PathBuf::from(relative(&path));
        if kind.is_symlink() {
            return Err(Refusal::Symlink { path: shown() });
        }
        if kind.is_dir() {
            entries.push(DirEntry::Dir(read_below(root, &path, prefix, tally)?));
        } else if kind.is_file() {
            tally.files += 1;
            if tally.files > MAX_FILES {
                return Err(Refusal::TooManyFiles { max: MAX_FILES });
            }
            let mut file = std::fs::File::open(&path).map_err(|e| unreadable(&path, e))?;
            let meta = file.metadata().map_err(|e| unreadable(&path, e))?;
            if !meta.is_file() {
                return Err(Refusal::Special { path: shown() });
            }
            if meta.len() > MAX_FILE_BYTES {
                return Err(Refusal::FileTooLarge {
                    path: shown(),
                    bytes: meta.len(),
                    max: MAX_FILE_BYTES,
                });
            }
            tally.bytes += meta.len();
            if tally.bytes > MAX_TOTAL_BYTES {
                return Err(Refusal::TooLarge {
                    max: MAX_TOTAL_BYTES,
                });
            }
            let mut contents = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
            // At most the size it had, even if it grows meanwhile.
            (&mut file)
                .take(meta.len())
                .read_to_end(&mut contents)
                .map_err(|e| unreadable(&path, e))?;
            let contents: &'static [u8] = Box::leak(contents.into_boxed_slice());
            entries.push(DirEntry::File(File::new(leak(relative(&path)), contents)));
        } else {
            return Err(Refusal::Special { path: shown() });
        }
    }
    let entries: &'static [DirEntry<'static>] = Box::leak(entries.into_boxed_slice());
    Ok(Dir::new(leak(relative(dir)), entries))
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_given_the_prefix_and_git_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("files/src")).unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join(".git/HEAD"), "x").unwrap();
        std::fs::write(dir.path().join("files/src/a.txt"), "a").unwrap();
        let read = read(dir.path(), "api").unwrap();
        assert_eq!(read.path(), Path::new("api"));
        assert_eq!(read.dirs().count(), 1);
        let files = read.dirs().next().unwrap().dirs().next().unwrap();
        assert_eq!(
            files.files().next().unwrap().path(),
            Path::new("api/files/src/a.txt")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("files")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("files/passwd")).unwrap();
        assert_eq!(
            read(dir.path(), "").unwrap_err(),
            Refusal::Symlink {
                path: "files/passwd".into()
            }
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = std::fs::File::create(dir.path().join("big.bin")).unwrap();
        big.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert!(matches!(
            read(dir.path(), ""),
            Err(Refusal::FileTooLarge { bytes, .. }) if bytes == MAX_FILE_BYTES + 1
        ));
    }
}
