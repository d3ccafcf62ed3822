//! Asking a remote repository what it holds, without cloning it: its tags (`git ls-remote`).

use super::Git;

impl Git {
    /// git that may talk to a remote, never asking for anything nor running what a URL names:
    /// no `ext::` transport (`ext::sh -c …`), and ssh in batch mode unless the user set
    /// `GIT_SSH_COMMAND`. Called before the subcommand (it adds `-c` options).
    pub fn remote(self) -> Git {
        let git = self.args(["-c", "protocol.ext.allow=never"]);
        if std::env::var_os("GIT_SSH_COMMAND").is_some() {
            return git;
        }
        git.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    }
}

/// Why git could not be run.
pub fn not_run(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "git is not installed".to_string(),
        _ => format!("cannot run git: {error}"),
    }
}

/// The tag names of the repository at `url`, as one `git ls-remote --tags --refs` lists them,
/// or why it could not be asked. Like a clone, it never asks for anything and a URL never names
/// a command to run ([`Git::remote`]).
pub fn tags(url: &str) -> Result<Vec<String>, String> {
    if url.starts_with('-') {
        return Err(format!("`{url}` is not a git URL: it starts with `-`"));
    }
    let output = Git::anywhere()
        .remote()
        .args(["ls-remote", "--tags", "--refs", "--", url])
        .output()
        .map_err(|e| not_run(&e))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let line = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no answer");
        return Err(format!("`git ls-remote` failed: {line}"));
    }
    Ok(names(&String::from_utf8_lossy(&output.stdout)))
}

/// The tag names of `ls-remote --refs` output (`<id>\trefs/tags/<name>` lines).
fn names(listing: &str) -> Vec<String> {
    listing
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .filter_map(|(_, name)| name.strip_prefix("refs/tags/"))
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_are_read_from_the_listing() {
        let listing = format!(
            "{a}\trefs/tags/v1.0.0\n{a}\trefs/tags/release/2\n{a}\trefs/heads/main\n",
            a = "a".repeat(40)
        );
        assert_eq!(names(&listing), vec!["v1.0.0", "release/2"]);
    }

    #[test]
    fn a_url_that_reads_as_an_option_is_refused() {
        assert!(tags("--upload-pack=touch x").is_err());
    }
}
