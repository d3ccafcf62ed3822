//! `sprout template new NAME [DIR]`: a minimal template folder that passes `template check` and
//! `template test` as written: a Python service on the standard library (nothing to download)
//! with one option, a conditional file, an executable file and tests. The files are the
//! `scaffold/` folder of sprout's repository, embedded in the binary.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::catalog::is_stack_key;
use crate::error::{Error, Result};
use crate::render::{MODE_FILE, OutputFile};
use crate::{signals, writer};

static SCAFFOLD: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/scaffold");

/// Where the title goes in the scaffold's manifest.
const TITLE: &str = "SCAFFOLD_TITLE";

/// The template's files, its manifest titled after `name`.
pub fn files(name: &str) -> Vec<OutputFile> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
        out.extend(dir.files());
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut stored = Vec::new();
    walk(&SCAFFOLD, &mut stored);
    stored
        .into_iter()
        .map(|file| {
            let path = file.path().to_string_lossy().replace('\\', "/");
            let contents = match (path.as_str(), file.contents_utf8()) {
                ("sprout.toml", Some(text)) => text.replace(TITLE, name).into_bytes().into(),
                _ => file.contents().into(),
            };
            OutputFile {
                path,
                contents,
                mode: MODE_FILE,
            }
        })
        .collect()
}

/// Write the template folder `dir/name`; the name is the stack's key.
pub fn create(name: &str, dir: &Path) -> Result<PathBuf> {
    if !is_stack_key(name) {
        return Err(Error::Usage(format!(
            "`{name}` cannot be a stack key: use lowercase letters, digits and `-`, starting with a letter"
        )));
    }
    let target = dir.join(name);
    writer::write(&target, &files(name), false, &signals::CANCEL)?;
    Ok(target)
}
