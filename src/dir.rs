//! Folders of templates in memory (include_dir's [`Dir`], embedded or read from a source): a
//! sub-folder, a file and a text by name.

use include_dir::{Dir, File};

use crate::error::{Error, Result};

/// The sub-folder `name` of `dir`. (include_dir's own `get_dir` searches the whole tree.)
pub fn child(dir: &'static Dir<'static>, name: &str) -> Option<&'static Dir<'static>> {
    dir.dirs()
        .find(|d| d.path().file_name().is_some_and(|n| n == name))
}

/// The file `name` directly in `dir`.
pub fn file(dir: &'static Dir<'static>, name: &str) -> Option<&'static File<'static>> {
    dir.files()
        .find(|f| f.path().file_name().is_some_and(|n| n == name))
}

/// The text of the file `name` in `dir`, a broken template of `stack` when it is missing or not
/// UTF-8.
pub fn text(dir: &'static Dir<'static>, stack: &str, name: &str) -> Result<&'static str> {
    file(dir, name)
        .and_then(|f| f.contents_utf8())
        .ok_or_else(|| Error::Template {
            stack: stack.to_string(),
            reason: format!("{name} is missing or not UTF-8"),
        })
}

/// Every file below `dir`, folder by folder.
pub fn walk(dir: &'static Dir<'static>) -> Vec<&'static File<'static>> {
    let mut out: Vec<&'static File<'static>> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(walk(sub));
    }
    out
}
