//! sprout: start a new backend project from templates embedded in the binary.

use std::io::IsTerminal;
use std::process::ExitCode;

use sprout::cli::{self, Command, TemplateCommand};
use sprout::error::{Error, Result};
use sprout::exit::Exit;
use sprout::output::Output;
use sprout::{catalog, completions, doctor, git, listing, manual, new, signals, update};

fn main() -> ExitCode {
    let cli = match cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    let json = matches!(&cli.command, Command::New(a) if a.json)
        || matches!(
            &cli.command,
            Command::List { json: true }
                | Command::Show { json: true, .. }
                | Command::Check { json: true, .. }
                | Command::Doctor { json: true, .. }
        )
        || matches!(&cli.command, Command::Update(a) if a.flags.json)
        || matches!(&cli.command, Command::Add(a) if a.flags.json)
        || matches!(&cli.command, Command::Verify(a) if a.json)
        || matches!(
            &cli.command,
            Command::Template(
                TemplateCommand::Check { json: true, .. }
                    | TemplateCommand::Test { json: true, .. }
            )
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
            let stack = catalog::load(&stack)?.with_git_defaults(git::config);
            if json {
                out.json(&listing::show_json(&stack))
            } else {
                out.result(&listing::show_text(&stack))
            }
        }
        Command::Update(args) => return update::command::update(args, out),
        Command::Add(args) => return update::command::add(args, out),
        Command::Check { dir, json } => return update::command::check(&dir, json, out),
        Command::Verify(args) => return update::command::verify(args, out),
        Command::Doctor { stack, json } => return doctor::run(stack.as_deref(), json, out),
        Command::Template(command) => return sprout::template::command::run(command, out),
        #[cfg(feature = "serve")]
        Command::Serve(args) => return sprout::serve::run(args),
        Command::Completions { shell } => {
            let stacks = catalog::load_all()?;
            let mut script = Vec::new();
            completions::generate(shell, cli::command(), &stacks, &mut script)?;
            out.bytes(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            manual::render(cli::command(), &mut page)?;
            out.bytes(&page)
        }
    };
    printed.map_err(|source| Error::Output {
        source,
        written: None,
    })?;
    Ok(Exit::Success)
}
