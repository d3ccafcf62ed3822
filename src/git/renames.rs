//! git's own rename detection between a commit and the work tree.

use std::path::Path;

use super::Git;

/// The files git finds renamed (or moved) from commit `from` to the work tree of `dir`, as
/// `git diff --find-renames` pairs them: (old path, new path), relative to `dir`. Only what git
/// sees is compared: tracked files (committed or added), not untracked ones. `None` when git
/// cannot tell (no git, no such commit).
pub fn renames(dir: &Path, from: &str) -> Option<Vec<(String, String)>> {
    if from.starts_with('-') {
        return None;
    }
    let output = Git::at(dir)
        .args(["diff", "-z", "--name-status", "--find-renames"])
        .args([
            "--no-ext-diff",
            "--no-textconv",
            "--relative",
            from,
            "--",
            ".",
        ])
        .output()
        .ok()?;
    output.status.success().then(|| parse(&output.stdout))
}

/// The renames of `diff -z --name-status` output: `R<score>\0old\0new\0`, other entries skipped
/// (`C` copies carry two paths too).
fn parse(out: &[u8]) -> Vec<(String, String)> {
    let mut fields = out
        .split(|b| *b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut found = Vec::new();
    while let Some(status) = fields.next() {
        match status.chars().next() {
            Some('R') => {
                if let (Some(old), Some(new)) = (fields.next(), fields.next()) {
                    found.push((old, new));
                }
            }
            Some('C') => {
                fields.next();
                fields.next();
            }
            Some(_) => {
                fields.next();
            }
            None => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_are_read_and_other_entries_skipped() {
        let out =
            b"M\0README.md\0R087\0app.js\0src/app.js\0C100\0a\0b\0D\0gone.txt\0R100\0x y\0z\0";
        assert_eq!(
            parse(out),
            vec![
                ("app.js".to_string(), "src/app.js".to_string()),
                ("x y".to_string(), "z".to_string()),
            ]
        );
    }
}
