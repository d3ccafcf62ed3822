//! The command line, as clap parses it. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "sprout",
    version,
    about = "Start a new backend project that installs, passes its tests and serves /health on the first try",
    after_help = "Stacks: express, flask, django, rails, spring-boot, node, graphql (see `sprout list`).\nExit codes: 0 ok (also when stdout is closed early), 1 internal error, 2 usage, 3 refused (not empty, a collision, a symbolic link; nothing written), 4 writing the project or the output failed, 5 install failed, 130 interrupted."
)]
pub struct Cli {
    /// When to use colour: auto (only on a terminal, unless NO_COLOR is set), always or never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more about what happens (commands run, files skipped)
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
        #[arg(value_parser = stack_names())]
        stack: String,
        /// One JSON object on stdout
        #[arg(long)]
        json: bool,
    },
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

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Project name (folder and package name); asked for when omitted at a terminal
    pub name: Option<String>,

    /// The stack to generate
    #[arg(short, long, value_parser = stack_names())]
    pub stack: Option<String>,

    /// Folder in which the project folder NAME is created
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output: PathBuf,

    /// Answer one option (repeatable); keys are listed by `sprout show STACK`
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = SetParser, hide_possible_values = true)]
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

    /// Print one JSON object on stdout describing the result (files, answers, next steps)
    #[arg(long)]
    pub json: bool,
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

    /// Access log on stderr: text, or one JSON object per line
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Projects generated at once; more requests get 429 with Retry-After
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub max_concurrent: usize,

    /// Seconds a request may take before it gets 408
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
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

/// The embedded stacks' keys: clap refuses anything else (naming the nearest key) and
/// completion scripts offer them.
fn stack_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        crate::catalog::keys()
            .into_iter()
            .map(clap::builder::PossibleValue::new),
    )
}

/// `--set` takes any `KEY=VALUE` (checked later against the chosen stack), but offers every
/// stack's keys and choices to completion scripts.
#[derive(Clone)]
struct SetParser;

impl clap::builder::TypedValueParser for SetParser {
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
        Some(Box::new(
            pairs.into_iter().map(clap::builder::PossibleValue::new),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
