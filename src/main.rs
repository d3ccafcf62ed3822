//! sprout: start a new backend project from templates embedded in the binary.

use std::process::ExitCode;

use sprout::cli::{self, Command};
use sprout::error::{Error, Result};
use sprout::exit::Exit;
use sprout::output::Output;
use sprout::{catalog, completions, git, listing, manual, new, signals};

fn main() -> ExitCode {
    let cli = cli::parse();
    let json = matches!(&cli.command, Command::New(a) if a.json)
        || matches!(
            &cli.command,
            Command::List { json: true } | Command::Show { json: true, .. }
        );
    let out = Output::new(cli.color, cli.quiet, cli.verbose, json);
    match run(cli.command, &out) {
        Ok(exit) => exit.into(),
        Err(error @ Error::Cancelled) => {
            out.note(&error.to_string());
            error.exit().into()
        }
        Err(error) => {
            out.error(&error);
            error.exit().into()
        }
    }
}

fn run(command: Command, out: &Output) -> Result<Exit> {
    match command {
        Command::New(args) => {
            signals::install();
            new::run(args, out)
        }
        Command::List { json } => {
            let stacks = catalog::load_all()?;
            if json {
                out.json(&listing::list_json(&stacks));
            } else {
                out.result(&listing::list_text(&stacks));
            }
            Ok(Exit::Success)
        }
        Command::Show { stack, json } => {
            let stack = catalog::load(&stack)?.with_git_defaults(git::config);
            if json {
                out.json(&listing::show_json(&stack));
            } else {
                out.result(&listing::show_text(&stack));
            }
            Ok(Exit::Success)
        }
        Command::Completions { shell } => {
            let stacks = catalog::load_all()?;
            completions::generate(shell, cli::command(), &stacks, &mut std::io::stdout())?;
            Ok(Exit::Success)
        }
        Command::Man => {
            manual::render(cli::command(), &mut std::io::stdout())?;
            Ok(Exit::Success)
        }
    }
}
