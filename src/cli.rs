//! The command line, as clap parses it. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// The command line with what only the embedded templates know (the stacks) filled in.
pub fn command() -> clap::Command {
    Cli::command().after_help(format!(
        "Stacks: {} (see `sprout list`).\nExit codes: 0 ok (also when stdout is closed early), 1 internal error, 2 usage, 3 refused (not empty, a collision, a symbolic link, uncommitted changes before an update; nothing written), 4 writing failed (the project, the output, a temporary folder; the hint says what was written before, if anything), 5 install failed, 6 update available (check), 7 no project record, 8 conflicts to resolve, 9 verify failed (also template test), 10 a tool is missing or too old (doctor), 11 template check found faults, 12 a template that is not built in cannot be used (unreachable, unsafe, broken, or a name clash), 13 a template's commands were not accepted (--trust), 14 a line the project is on is past its end of support (check), 130 interrupted.",
        crate::catalog::keys().join(", ")
    ))
}

/// Parse the process's arguments; `--help`, `--version` and usage errors come back as clap's.
pub fn try_parse() -> Result<Cli, clap::Error> {
    let matches = command().try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

#[derive(Debug, Parser)]
#[command(
    name = "sprout",
    version,
    about = "Start a new backend project that installs, passes its tests and serves /health on the first try"
)]
pub struct Cli {
    /// When to use colour: auto (only on a terminal, unless NO_COLOR is set), always or never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more about what happens: each file written, each command run
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a new project
    New(NewArgs),
    /// List the stacks: key, title, description
    List {
        /// One JSON array on stdout
        #[arg(long)]
        json: bool,
    },
    /// Show a stack's options: key, type, choices, default, help
    Show {
        /// The stack's key, as `sprout list` prints it
        #[arg(value_parser = Offers(crate::catalog::keys))]
        stack: String,
        /// One JSON object on stdout
        #[arg(long)]
        json: bool,
    },
    /// Merge this sprout's templates into a project made by `sprout new`, keeping your edits
    Update(UpdateArgs),
    /// Add a feature to a project: `add docker` is `update --set docker=yes` (see `sprout show STACK`)
    Add(AddArgs),
    /// Exit 0 if the project is current with this sprout's templates, 6 if an update is available,
    /// 8 if files hold conflict markers, 14 if a line it is on is past its end of support
    Check {
        /// The project's folder
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// One JSON object on stdout (what an update would do)
        #[arg(long)]
        json: bool,
        /// Read the template from here instead of the source the project records
        #[arg(long, value_name = "SOURCE")]
        template: Option<String>,
    },
    /// Run the project's install, lint and test commands, start it and check GET /health
    Verify(VerifyArgs),
    /// Check this machine's tools (versions) against what each stack needs, with the fixes
    Doctor {
        /// Check only this stack
        #[arg(value_parser = Offers(crate::catalog::keys))]
        stack: Option<String>,
        /// One JSON object on stdout
        #[arg(long)]
        json: bool,
    },
    /// Write, check and test templates of your own (see docs/templates.md)
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Serve the web page and HTTP API that generate projects (see README "sprout serve")
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout
    #[command(hide = true)]
    Man,
}

impl Command {
    /// Whether stdout holds one JSON document (`--json`), so no colour reaches it.
    pub fn json(&self) -> bool {
        match self {
            Command::New(args) => args.json,
            Command::List { json }
            | Command::Show { json, .. }
            | Command::Check { json, .. }
            | Command::Doctor { json, .. } => *json,
            Command::Update(args) => args.flags.json,
            Command::Add(args) => args.flags.json,
            Command::Verify(args) => args.json,
            Command::Template(
                TemplateCommand::Check { json, .. } | TemplateCommand::Test { json, .. },
            ) => *json,
            Command::Template(TemplateCommand::New { .. }) => false,
            #[cfg(feature = "serve")]
            Command::Serve(_) => false,
            Command::Completions { .. } | Command::Man => false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Check a template folder without running it: manifest, rules, partials, every variable in
    /// strict mode over a covering set of answers, structured files; exit 11 on faults
    Check {
        /// A stack folder (with sprout.toml) or a collection of them (with an optional _shared/)
        path: PathBuf,
        /// One JSON object on stdout (every finding with file, line and column)
        #[arg(long)]
        json: bool,
    },
    /// Generate a covering set of projects from a template folder and `sprout verify` each;
    /// exit 9 when one fails
    Test {
        /// A stack folder (with sprout.toml) or a collection of them (with an optional _shared/)
        path: PathBuf,
        /// Seconds each started project has to answer GET /health
        #[arg(long, value_name = "SECONDS", default_value_t = 120)]
        timeout: u64,
        /// Seconds each install, lint and test step may take; then its whole process group is
        /// stopped, the case fails and the next case runs
        #[arg(long, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
        step_timeout: u64,
        /// One JSON object on stdout (every combination and its result)
        #[arg(long)]
        json: bool,
        /// Run the template's commands without asking (install, lint, test, start); without it
        /// they are shown and asked about at a terminal, and refused (exit 13) elsewhere
        #[arg(long)]
        trust: bool,
    },
    /// Write a minimal template folder DIR/NAME that passes `check` and `test` as it is
    New {
        /// The stack's key: lowercase letters, digits and `-`
        name: String,
        /// The folder in which DIR/NAME is created
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Project name (folder and package name); asked for when omitted at a terminal
    pub name: Option<String>,

    /// The stack to generate (see `sprout list`); with --template, one of its stacks
    #[arg(short, long, value_parser = Offers(crate::catalog::keys))]
    pub stack: Option<String>,

    /// Generate from your own template: a folder, or a git URL (https://, ssh://, git@, file://) with an optional #REF (tag, branch or commit)
    #[arg(short, long, value_name = "SOURCE")]
    pub template: Option<String>,

    /// Folder in which the project folder NAME is created
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output: PathBuf,

    /// Answer one option (repeatable); keys are listed by `sprout show STACK`
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = Offers(set_pairs), hide_possible_values = true)]
    pub set: Vec<String>,

    /// Read answers from a TOML or JSON file (same keys as --set; a project's .sprout.toml works)
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Take the default for everything not given; never prompt
    #[arg(short, long)]
    pub yes: bool,

    /// Print what would be written (tree and sizes); write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Allow an existing non-empty folder: add the missing files, change none
    #[arg(long)]
    pub force: bool,

    /// Do not run `git init` and make the first commit
    #[arg(long)]
    pub no_git: bool,

    /// Run the stack's install command afterwards, with progress shown
    #[arg(long)]
    pub install: bool,

    /// Accept the commands of a template that is not built in without asking (for CI)
    #[arg(long)]
    pub trust: bool,

    /// Do not check the tools the project needs (as `sprout doctor` does) before writing
    #[arg(long)]
    pub no_preflight: bool,

    /// Print one JSON object on stdout describing the result (files, answers, next steps)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The project's folder
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Change one recorded answer (repeatable); checked as `sprout new` checks it
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = Offers(set_pairs), hide_possible_values = true)]
    pub set: Vec<String>,

    /// Move a git template read at a version tag (GIT-URL#v1.2.0) to its newest version tag
    /// (pre-releases only from a pre-release); the record keeps the tag
    #[arg(long)]
    pub to_latest: bool,

    #[command(flatten)]
    pub flags: UpdateFlags,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// What to add: one of the stack's words (`sprout show STACK` lists them)
    #[arg(required = true, value_name = "FEATURE")]
    pub features: Vec<String>,

    /// The project's folder
    #[arg(short = 'C', long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    #[command(flatten)]
    pub flags: UpdateFlags,
}

#[derive(Debug, Args)]
pub struct UpdateFlags {
    /// Print each file's fate; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Also print a unified diff of every file that changes
    #[arg(long)]
    pub diff: bool,

    /// Print one JSON object on stdout (files and fates, conflicts, answers and versions)
    #[arg(long)]
    pub json: bool,

    /// Update even with uncommitted changes in the project
    #[arg(long)]
    pub allow_dirty: bool,

    /// Commit the update on a new branch NAME (from HEAD) and leave your branch and files
    /// untouched; with conflicts nothing is committed (exit 8)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["dry_run", "allow_dirty"])]
    pub branch: Option<String>,

    /// Run `sprout verify` after a successful update
    #[arg(long)]
    pub verify: bool,

    /// Never prompt; an option the record lacks takes today's default, said in the report
    /// (without it, such an option is refused, exit 7)
    #[arg(short, long)]
    pub yes: bool,

    #[command(flatten)]
    pub source: SourceFlags,
}

/// Where a project's template is read from, for the commands that read it again.
#[derive(Debug, Args)]
pub struct SourceFlags {
    /// Read the template from here instead of the source the project records (a folder or GIT-URL#REF)
    #[arg(long, value_name = "SOURCE")]
    pub template: Option<String>,

    /// Accept the commands of a template that is not built in without asking (for CI)
    #[arg(long)]
    pub trust: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The project's folder
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Seconds the started project has to answer GET /health
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,

    /// While the project is up, run CMD (with `sh -c`, on this machine) as one more step;
    /// SPROUT_URL holds the project's base URL
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,

    /// One JSON object on stdout (steps, results, timings)
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub source: SourceFlags,
}

#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (0 picks a free port)
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,

    /// Allow browser requests from this one other origin (e.g. https://portal.example.com)
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,

    /// Also answer requests for this host name (.example.com: the domain and every name under
    /// it); on a loopback address only loopback's own names are answered otherwise. Repeatable
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,

    /// Access log on stderr: text, or one JSON object per line
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Projects generated at once; more requests get 429 with Retry-After
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_concurrent: u16,

    /// Connections one client address may hold open at once; more get 429 and are closed
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_connections_per_client: u16,

    /// Seconds a request may take before it gets 408
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,

    /// Seconds a connection has to send a request's headers (and may stay idle between
    /// requests); then it is closed
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub header_timeout: u64,

    /// Offer the stacks of this template too (a folder, or a git URL with an optional #REF),
    /// read once at start; NAME=SOURCE shows it as NAME. Repeatable. The configured roots are
    /// offered as well
    #[arg(long = "template", value_name = "[NAME=]SOURCE")]
    pub templates: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Any text, checked later (a stack's key when the stack is loaded, without regard to case
/// and naming the nearest key; `--set` against the chosen stack), with the values `offered`
/// shown by `--help` and completion scripts.
#[derive(Clone)]
struct Offers(fn() -> Vec<String>);

impl clap::builder::TypedValueParser for Offers {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            (self.0)()
                .into_iter()
                .map(clap::builder::PossibleValue::new),
        ))
    }
}

/// Every stack's `KEY=VALUE` pairs for `--set`: each choice, yes/no, and `KEY=` for text.
fn set_pairs() -> Vec<String> {
    let mut pairs = std::collections::BTreeSet::new();
    for stack in crate::catalog::load_all().unwrap_or_default() {
        for option in &stack.options {
            match &option.kind {
                crate::stack::Kind::Choice(choices) => {
                    pairs.extend(choices.iter().map(|c| format!("{}={c}", option.key)));
                }
                crate::stack::Kind::Bool => {
                    pairs.insert(format!("{}=yes", option.key));
                    pairs.insert(format!("{}=no", option.key));
                }
                crate::stack::Kind::Text { .. } => {
                    pairs.insert(format!("{}=", option.key));
                }
            }
        }
    }
    pairs.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn the_help_lists_the_embedded_stacks() {
        let help = command().render_help().to_string();
        for key in crate::catalog::keys() {
            assert!(help.contains(&key), "{key} missing from:\n{help}");
        }
    }
}
