//! A rendered project as a download: a zip or a gzip-compressed tar, built in memory, every path
//! under the project's folder and every file with the mode `sprout new` gives it.

use std::collections::BTreeSet;
use std::io::{Cursor, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use flate2::Compression;
use flate2::write::GzEncoder;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::render::{MODE_EXECUTABLE, OutputFile};

/// The archive formats a download can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Zip,
    TarGz,
}

impl Format {
    /// `format=` as a client writes it.
    pub fn parse(text: &str) -> Option<Format> {
        match text.to_ascii_lowercase().as_str() {
            "zip" => Some(Format::Zip),
            "tgz" | "tar.gz" | "targz" => Some(Format::TarGz),
            _ => None,
        }
    }

    /// The format an `Accept` header asks for, if it names one.
    pub fn from_accept(accept: &str) -> Option<Format> {
        accept.split(',').find_map(
            |part| match part.split(';').next().unwrap_or_default().trim() {
                "application/zip" => Some(Format::Zip),
                "application/gzip"
                | "application/x-gzip"
                | "application/x-tar+gzip"
                | "application/x-compressed-tar" => Some(Format::TarGz),
                _ => None,
            },
        )
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Zip => "application/zip",
            Format::TarGz => "application/gzip",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Zip => "zip",
            Format::TarGz => "tar.gz",
        }
    }
}

/// Pack `files` under the folder `root`: directories first (0755), then each file with its mode.
pub fn pack(format: Format, root: &str, files: &[OutputFile]) -> std::io::Result<Vec<u8>> {
    match format {
        Format::Zip => zip(root, files).map_err(std::io::Error::other),
        Format::TarGz => tar_gz(root, files),
    }
}

/// Every folder the files need, parents before children, each ending in `/`.
fn folders(root: &str, files: &[OutputFile]) -> BTreeSet<String> {
    let mut dirs = BTreeSet::from([format!("{root}/")]);
    for file in files {
        let mut end = 0;
        while let Some(slash) = file.path[end..].find('/') {
            end += slash + 1;
            dirs.insert(format!("{root}/{}", &file.path[..end]));
        }
    }
    dirs
}

fn zip(root: &str, files: &[OutputFile]) -> zip::result::ZipResult<Vec<u8>> {
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let base = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for dir in folders(root, files) {
        out.add_directory(dir, base.unix_permissions(MODE_EXECUTABLE))?;
    }
    for file in files {
        out.start_file(
            format!("{root}/{}", file.path),
            base.unix_permissions(file.mode),
        )?;
        out.write_all(&file.contents)?;
    }
    Ok(out.finish()?.into_inner())
}

fn tar_gz(root: &str, files: &[OutputFile]) -> std::io::Result<Vec<u8>> {
    let mtime = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let header = |kind: tar::EntryType, mode: u32, size: usize| {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(kind);
        header.set_mode(mode);
        header.set_size(size as u64);
        header.set_mtime(mtime);
        header
    };
    let mut out = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for dir in folders(root, files) {
        let mut head = header(tar::EntryType::Directory, MODE_EXECUTABLE, 0);
        out.append_data(&mut head, dir, std::io::empty())?;
    }
    for file in files {
        let mut head = header(tar::EntryType::Regular, file.mode, file.contents.len());
        out.append_data(
            &mut head,
            format!("{root}/{}", file.path),
            &file.contents[..],
        )?;
    }
    out.into_inner()?.finish()
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    #[test]
    fn folders_cover_every_parent_once() {
        let file = |p: &str| OutputFile {
            path: p.into(),
            contents: Cow::Borrowed(b""),
            mode: 0o644,
        };
        let dirs = folders("app", &[file("a"), file("src/b/c.js"), file("src/d.js")]);
        assert_eq!(
            dirs.into_iter().collect::<Vec<_>>(),
            ["app/", "app/src/", "app/src/b/"]
        );
    }

    #[test]
    fn formats_from_parameters_and_accept_headers() {
        assert_eq!(Format::parse("TGZ"), Some(Format::TarGz));
        assert_eq!(Format::parse("rar"), None);
        assert_eq!(
            Format::from_accept("text/html, application/gzip;q=0.9"),
            Some(Format::TarGz)
        );
        assert_eq!(Format::from_accept("*/*"), None);
    }
}
