//! The errors sprout reports, each with the exit code it ends with and a hint on what to do next.

use std::path::PathBuf;

use crate::exit::Exit;
use crate::template_error::TemplateError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown stack `{given}`; {}", stack_choices(.given, .known))]
    UnknownStack { given: String, known: Vec<String> },

    #[error("unknown option `{key}` for stack {stack}")]
    UnknownOption {
        key: String,
        stack: String,
        known: Vec<String>,
    },

    #[error("invalid value for `{key}`: {reason}")]
    InvalidValue {
        key: String,
        reason: String,
        hint: Option<String>,
    },

    #[error("option `{key}` does not apply here: {why}")]
    NotApplicable { key: String, why: String },

    #[error("{}", .why.missing(&format!("answer for `{key}` given"), flag))]
    MissingAnswer {
        key: String,
        flag: String,
        why: NoPrompt,
    },

    #[error("{}", .why.missing("stack chosen", "--stack"))]
    MissingStack { known: Vec<String>, why: NoPrompt },

    #[error("{}", .why.missing("project name given", "NAME"))]
    MissingName { why: NoPrompt },

    #[error("{0}")]
    Usage(String),

    #[error("cannot read answers file {path}: {reason}")]
    AnswersFile { path: PathBuf, reason: String },

    #[error("cannot use the project record {path}: {reason}")]
    Record { path: PathBuf, reason: String },

    #[error("{path} has uncommitted changes")]
    DirtyTree { path: PathBuf, status: String },

    #[error("the update wrote {count} conflict(s): {list}")]
    Conflicts { count: usize, list: String },

    #[error("the project's record holds no answer for `{key}`, an option its template added since")]
    Unrecorded {
        key: String,
        default: Option<String>,
    },

    #[error("branch `{name}` exists already")]
    BranchExists { name: String },

    #[error("cannot commit the update on branch `{name}`: {reason}")]
    BranchFailed { name: String, reason: String },

    #[error("{count} file(s) still hold conflict markers: {list}")]
    MarkersLeft { count: usize, list: String },

    #[error("verify failed at step `{step}` ({status})")]
    VerifyFailed {
        step: String,
        status: String,
        tail: String,
    },

    #[error("answers file {path} is for stack `{file}`, but --stack says `{flag}`")]
    AnswersForOtherStack {
        path: PathBuf,
        file: String,
        flag: String,
    },

    #[error("{path} exists and is not empty")]
    TargetNotEmpty { path: PathBuf },

    #[error("{path} exists and is not a directory")]
    TargetNotDirectory { path: PathBuf },

    #[error("{count} path(s) in {path} are in the way of what sprout would write: {list}")]
    Collisions {
        path: PathBuf,
        count: usize,
        list: String,
    },

    #[error("refusing to write through a symbolic link: {path}")]
    SymlinkInTarget { path: PathBuf },

    /// Only while writing the project, which is then rolled back.
    #[error("writing {path} failed: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    /// Ctrl-C at a prompt or while writing, or "no" at the summary: not a fault, so it is
    /// reported as what happened to the disk.
    #[error("Nothing written.")]
    Cancelled,

    #[error("template of stack `{stack}` is broken: {reason}")]
    Template { stack: String, reason: String },

    /// The support-window table built into sprout cannot be read (a bug).
    #[error("the support-window table built into sprout is broken: {reason}")]
    SupportTable { reason: String },

    /// A template that is not built in breaks the template format: its author's to fix.
    #[error("stack `{stack}` of the template {template} is broken: {reason}")]
    TemplateBroken {
        template: String,
        stack: String,
        reason: String,
    },

    #[error("cannot use the template {template}: {reason}")]
    SourceUnavailable { template: String, reason: String },

    #[error("the template {template} that {} records is gone: {reason}", .record.display())]
    RecordedSourceGone {
        template: String,
        record: PathBuf,
        reason: String,
    },

    #[error("the template {template} was refused: {refusal}")]
    TemplateRefused {
        template: String,
        refusal: crate::limits::Refusal,
    },

    #[error("stack `{key}` is defined twice: by {first} and by {second}")]
    StackClash {
        key: String,
        first: String,
        second: String,
    },

    #[error("cannot use the configuration file {path}: {reason}")]
    Config { path: PathBuf, reason: String },

    /// The commands of a template that is not built in were not accepted.
    #[error("{}", untrusted(.template, .why))]
    Untrusted {
        template: String,
        commands: Vec<String>,
        why: Option<NoPrompt>,
    },

    /// A template file (or a text of the manifest) that cannot be rendered, at its line.
    #[error(transparent)]
    Render(Box<TemplateError>),

    /// The system refused something sprout needs besides the files it writes: a temporary
    /// folder, the random source, the terminal, the server's runtime.
    #[error("{doing}: {source}")]
    System {
        /// What sprout was doing, as "cannot …".
        doing: &'static str,
        source: std::io::Error,
        /// What was written before it failed, which stays (an updated project before its
        /// verify); `None` when nothing was.
        written: Option<PathBuf>,
    },

    /// stdout failed (a full disk, say); a closed pipe is not an error.
    #[error("cannot print the result: {source}")]
    Output {
        source: std::io::Error,
        /// The project, when it was written before printing failed.
        written: Option<PathBuf>,
    },

    #[error("installing dependencies failed: `{command}` {status}")]
    InstallFailed {
        command: String,
        status: String,
        log: PathBuf,
        tail: String,
    },

    #[error("interrupted: `{command}` was stopped")]
    InstallInterrupted { command: String, dir: PathBuf },

    /// Ctrl-C or SIGTERM while git made the first commit of a project `--install` ran in.
    #[error("interrupted: git was stopped with every process it started")]
    GitInterrupted { dir: PathBuf },

    /// Ctrl-C or SIGTERM during `verify`: the running step's processes were stopped.
    #[error("interrupted: verify's `{step}` step was stopped with every process it started")]
    VerifyInterrupted { step: String },
}

impl Error {
    /// The result could not be printed, and nothing was written before.
    pub fn printing(source: std::io::Error) -> Error {
        Error::Output {
            source,
            written: None,
        }
    }

    /// The system refused what sprout was `doing` ("cannot …"), before anything was written.
    pub fn system(doing: &'static str) -> impl FnOnce(std::io::Error) -> Error {
        move |source| Error::System {
            doing,
            source,
            written: None,
        }
    }

    /// This error, happening after `dir` was written: its message says so.
    pub fn after_writing(self, dir: &std::path::Path) -> Error {
        match self {
            Error::System {
                doing,
                source,
                written: None,
            } => Error::System {
                doing,
                source,
                written: Some(dir.to_path_buf()),
            },
            Error::Output {
                source,
                written: None,
            } => Error::Output {
                source,
                written: Some(dir.to_path_buf()),
            },
            other => other,
        }
    }

    pub fn exit(&self) -> Exit {
        match self {
            Error::UnknownStack { .. }
            | Error::UnknownOption { .. }
            | Error::InvalidValue { .. }
            | Error::NotApplicable { .. }
            | Error::MissingAnswer { .. }
            | Error::MissingStack { .. }
            | Error::MissingName { .. }
            | Error::Usage(_)
            | Error::AnswersFile { .. }
            | Error::AnswersForOtherStack { .. }
            | Error::Config { .. } => Exit::Usage,
            Error::TemplateBroken { .. }
            | Error::SourceUnavailable { .. }
            | Error::RecordedSourceGone { .. }
            | Error::TemplateRefused { .. }
            | Error::StackClash { .. } => Exit::TemplateSource,
            Error::Untrusted { .. } => Exit::Untrusted,
            Error::TargetNotEmpty { .. }
            | Error::TargetNotDirectory { .. }
            | Error::Collisions { .. }
            | Error::SymlinkInTarget { .. }
            | Error::DirtyTree { .. }
            | Error::BranchExists { .. } => Exit::Refused,
            Error::BranchFailed { .. } => Exit::WriteFailed,
            Error::Record { .. } | Error::Unrecorded { .. } => Exit::NoRecord,
            Error::Conflicts { .. } | Error::MarkersLeft { .. } => Exit::Conflicts,
            Error::VerifyFailed { .. } => Exit::VerifyFailed,
            Error::Write { .. } | Error::System { .. } | Error::Output { .. } => Exit::WriteFailed,
            Error::Cancelled
            | Error::InstallInterrupted { .. }
            | Error::GitInterrupted { .. }
            | Error::VerifyInterrupted { .. } => Exit::Cancelled,
            Error::Template { .. } | Error::SupportTable { .. } => Exit::Internal,
            Error::Render(e) if e.built_in => Exit::Internal,
            Error::Render(_) => Exit::TemplateSource,
            Error::InstallFailed { .. } => Exit::InstallFailed,
        }
    }

    /// A missing answer, said to be missing for `why` (the resolver cannot tell `--yes` from
    /// no terminal); any other error as it is.
    pub fn not_asked_because(self, why: NoPrompt) -> Error {
        match self {
            Error::MissingAnswer { key, flag, .. } => Error::MissingAnswer { key, flag, why },
            Error::MissingStack { known, .. } => Error::MissingStack { known, why },
            Error::MissingName { .. } => Error::MissingName { why },
            other => other,
        }
    }

    /// What the user can do about it, if there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::UnknownOption { key, stack, known } => Some(match closest(key, known) {
                Some(near) => format!("did you mean `{near}`? See `sprout show {stack}`"),
                None => format!("options: {} (see `sprout show {stack}`)", known.join(", ")),
            }),
            Error::InvalidValue { hint, .. } => hint.clone(),
            Error::MissingAnswer { flag, .. } => Some(format!("pass {flag}")),
            Error::MissingStack { known, .. } => {
                Some(format!("pass --stack <STACK>; one of: {}", known.join(", ")))
            }
            Error::MissingName { .. } => Some("pass the name: sprout new NAME --stack STACK".into()),
            Error::AnswersForOtherStack { file, .. } => Some(format!(
                "leave out --stack to use `{file}` as the file says, or remove `stack` from the file"
            )),
            Error::TargetNotEmpty { .. } => Some(
                "choose another name or --output, or pass --force to add the files beside what is there (nothing existing is changed)".into(),
            ),
            Error::Collisions { .. } => Some(
                "--force never replaces what is there (a file that differs, a file where a folder goes); move those away or generate elsewhere".into(),
            ),
            Error::Write { .. }
            | Error::System {
                written: None,
                ..
            } => Some("nothing was written; fix the cause and run again".into()),
            Error::System {
                written: Some(path),
                ..
            } => Some(format!(
                "{} was written before this failed, and stays as written",
                path.display()
            )),
            Error::Output {
                written: Some(path),
                ..
            } => Some(format!("the project itself was written to {}", path.display())),
            Error::InstallInterrupted { command, dir } => Some(format!(
                "the project itself was generated in {} (no git repository was made); run `{command}` there",
                dir.display()
            )),
            Error::GitInterrupted { dir } => Some(format!(
                "the project itself stays in {}, without a git repository (run `git init` there)",
                dir.display()
            )),
            Error::Template { .. } => Some("this is a bug in sprout; please report it".into()),
            Error::TemplateBroken { .. } => Some(
                "the template is at fault, not sprout: fix it where it is kept (docs/templates.md describes the format)".into(),
            ),
            Error::SourceUnavailable { .. } => Some(
                "check the folder, or the URL, your access to it and its #REF (a tag, branch or commit)".into(),
            ),
            Error::RecordedSourceGone { .. } => Some(
                "pass --template SOURCE to read the template from where it is now (a folder or GIT-URL#REF); the record is updated to it".into(),
            ),
            Error::TemplateRefused { refusal, .. } => Some(refusal.hint()),
            Error::StackClash { .. } => Some(
                "rename one of the stack folders, or remove one root from the configuration file or SPROUT_TEMPLATES".into(),
            ),
            Error::Config { .. } => Some(
                "the file holds `templates = [\"FOLDER\", \"GIT-URL#REF\", …]` (see README \"Your own templates\")".into(),
            ),
            Error::Untrusted { commands, .. } => Some(format!(
                "nothing was written or run; read the template and these commands, then pass --trust to accept them:\n{}",
                crate::text::command_lines(commands)
            )),

            Error::Render(e) => Some(e.hint()),
            Error::Record { .. } => Some(
                "run it in a project made by `sprout new` (its .sprout.toml names the stack and answers)".into(),
            ),
            Error::DirtyTree { status, .. } => Some(format!(
                "commit or stash first, so that `git diff` shows exactly what the update did (or pass --allow-dirty):\n{status}"
            )),
            Error::Conflicts { .. } => Some(
                "edit each file at its <<<<<<< ||||||| ======= >>>>>>> markers, keep what you want, then commit".into(),
            ),
            Error::BranchExists { name } => Some(format!(
                "name another branch, or delete this one first: git branch -D {name}"
            )),
            Error::BranchFailed { .. } => Some(
                "no branch was made; your branch and files are as they were".into(),
            ),
            Error::Unrecorded { key, default } => Some(format!(
                "record the value the project was made with: sprout update --set {key}=<VALUE>{}",
                default
                    .as_ref()
                    .map(|d| format!(" (or sprout update --yes to take today's default `{d}`)"))
                    .unwrap_or_default()
            )),
            Error::MarkersLeft { .. } => Some(
                "resolve each <<<<<<< … >>>>>>> block, `git add` the file and commit; an update waits until none is left".into(),
            ),
            Error::VerifyFailed { tail, .. } => Some(format!("last lines:\n{tail}")),
            Error::InstallFailed { log, tail, .. } => Some(format!(
                "the project itself was generated; last lines:\n{tail}\nfull log: {}",
                log.display()
            )),
            _ => None,
        }
    }
}

/// Why a needed answer was not asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NoPrompt {
    /// stdin or stderr is not a terminal.
    #[default]
    NoTerminal,
    /// `--yes` was given.
    Yes,
}

impl NoPrompt {
    /// "--yes needs --stack" or "no … given and no terminal to ask".
    fn missing(self, what: &str, flag: &str) -> String {
        match self {
            NoPrompt::Yes => format!("--yes needs {flag}: nothing is asked with --yes"),
            NoPrompt::NoTerminal => format!("no {what} and no terminal to ask"),
        }
    }
}

/// Why the commands of a template that is not built in did not run.
fn untrusted(template: &str, why: &Option<NoPrompt>) -> String {
    let what = format!("the template {template} is not built into sprout");
    match why {
        None => format!("{what}, and running its commands was declined"),
        Some(NoPrompt::Yes) => {
            format!("{what}: --yes does not accept its commands; --trust does")
        }
        Some(NoPrompt::NoTerminal) => {
            format!("{what}: its commands run only when accepted, and there is no terminal to ask")
        }
    }
}

/// "did you mean `x`? stacks: …", or the list alone when nothing is near.
fn stack_choices(given: &str, known: &[String]) -> String {
    match closest(given, known) {
        Some(near) => format!("did you mean `{near}`? (stacks: {})", known.join(", ")),
        None => format!("stacks: {}", known.join(", ")),
    }
}

/// The candidate nearest to `given`, if it is near enough to be a plausible typo.
pub fn closest<'a>(given: &str, candidates: &'a [String]) -> Option<&'a str> {
    let given = given.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&given, &c.to_lowercase()), c))
        // Close, and not a rewrite of every character (`h2` is not a typo of `ci`).
        .filter(|(d, c)| {
            (*d <= (c.len() / 3).max(2) && *d < given.len().min(c.len()))
                || c.to_lowercase().starts_with(&given)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_and_prefixes() {
        let known: Vec<String> = ["express", "flask", "spring-boot"]
            .map(String::from)
            .to_vec();
        assert_eq!(closest("expres", &known), Some("express"));
        assert_eq!(closest("spring", &known), Some("spring-boot"));
        assert_eq!(closest("Flask", &known), Some("flask"));
        assert_eq!(closest("cobol", &known), None);
        let words = ["ci".to_string(), "docker".to_string()];
        assert_eq!(closest("h2", &words), None);
        assert_eq!(closest("dokcer", &words), Some("docker"));
    }

    #[test]
    fn only_an_error_before_writing_says_nothing_was_written() {
        let io = || std::io::Error::other("No space left on device");
        let after = [
            Error::system("cannot create the folder for the logs")(io())
                .after_writing("my-api".as_ref()),
            Error::printing(io()).after_writing("my-api".as_ref()),
            Error::InstallInterrupted {
                command: "npm install".into(),
                dir: "my-api".into(),
            },
        ];
        for error in after {
            let hint = error.hint().unwrap_or_default();
            assert!(!hint.contains("nothing was written"), "{error:?}: {hint}");
            assert!(hint.contains("my-api"), "{error:?}: {hint}");
        }
        let before = [
            Error::Write {
                path: "my-api/src".into(),
                source: io(),
            },
            Error::system("cannot use the terminal")(io()),
        ];
        for error in before {
            let hint = error.hint().unwrap_or_default();
            assert!(hint.contains("nothing was written"), "{error:?}: {hint}");
        }
    }
}
