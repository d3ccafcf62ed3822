//! sprout: start a new backend project from templates embedded in the binary.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use sprout::cli::{Cli, Command};
use sprout::error::{Error, Result};
use sprout::exit::Exit;
use sprout::output::Output;
use sprout::{catalog, listing, new, signals};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    let json = matches!(&cli.command, Command::New(a) if a.json)
        || matches!(
            &cli.command,
            Command::List { json: true } | Command::Show { json: true, .. }
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

/// `--help`, `--version` and command-line errors, as clap would print them, except that a help
/// text that cannot be written to stdout (a full disk) is an error, not a silent success.
fn clap_exit(error: &clap::Error) -> ExitCode {
    if error.use_stderr() {
        let _ = error.print();
        return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
    }
    let text = if std::io::stdout().is_terminal() {
        error.render().ansi().to_string()
    } else {
        error.render().to_string()
    };
    let out = Output::new(sprout::cli::ColorChoice::Auto, false, false, false);
    match out.bytes(text.as_bytes()) {
        Ok(()) => Exit::Success.into(),
        Err(source) => {
            let error = Error::Output {
                source,
                written: None,
            };
            out.error(&error);
            error.exit().into()
        }
    }
}

fn run(command: Command, out: &Output) -> Result<Exit> {
    let printed = match command {
        Command::New(args) => {
            signals::install();
            return new::run(args, out);
        }
        Command::List { json } => {
            let stacks = catalog::load_all()?;
            if json {
                out.json(&listing::list_json(&stacks))
            } else {
                out.result(&listing::list_text(&stacks))
            }
        }
        Command::Show { stack, json } => {
            let stack = catalog::load(&stack)?;
            if json {
                out.json(&listing::show_json(&stack))
            } else {
                out.result(&listing::show_text(&stack))
            }
        }
        #[cfg(feature = "serve")]
        Command::Serve(args) => return sprout::serve::run(args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "sprout", &mut script);
            out.bytes(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            out.bytes(&page)
        }
    };
    printed.map_err(|source| Error::Output {
        source,
        written: None,
    })?;
    Ok(Exit::Success)
}
