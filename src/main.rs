//! sprout: start a new backend project from templates embedded in the binary.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use sprout::cli::{Cli, Command};
use sprout::error::Result;
use sprout::exit::Exit;
use sprout::output::Output;
use sprout::{catalog, doctor, listing, new, signals};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = matches!(&cli.command, Command::New(a) if a.json)
        || matches!(
            &cli.command,
            Command::List { json: true }
                | Command::Show { json: true, .. }
                | Command::Doctor { json: true, .. }
        );
    let out = Output::new(cli.color, cli.quiet, cli.verbose, json);
    match run(cli.command, &out) {
        Ok(exit) => exit.into(),
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
            let stack = catalog::load(&stack)?;
            if json {
                out.json(&listing::show_json(&stack));
            } else {
                out.result(&listing::show_text(&stack));
            }
            Ok(Exit::Success)
        }
        Command::Doctor { stack, json } => doctor::run(stack.as_deref(), json, out),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "sprout", &mut std::io::stdout());
            Ok(Exit::Success)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
            Ok(Exit::Success)
        }
    }
}
