//! sprout: start a new backend project from templates embedded in the binary.

use std::io::IsTerminal;
use std::process::ExitCode;

use sprout::cli::{self, Command};
use sprout::error::{Error, Result};
use sprout::exit::Exit;
use sprout::output::Output;
use sprout::{completions, doctor, listing, manual, new, signals, update};

fn main() -> ExitCode {
    let cli = match cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    let out = Output::new(cli.color, cli.quiet, cli.verbose, cli.command.json());
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
    let styled = std::io::stdout().is_terminal()
        && sprout::text::terminal_takes_codes()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = if styled {
        error.render().ansi().to_string()
    } else {
        error.render().to_string()
    };
    let out = Output::new(sprout::cli::ColorChoice::Auto, false, false, false);
    match out.bytes(text.as_bytes()) {
        Ok(()) => Exit::Success.into(),
        Err(source) => {
            let error = Error::printing(source);
            out.error(&error);
            error.exit().into()
        }
    }
}

#[cfg(feature = "serve")]
fn is_serve(command: &Command) -> bool {
    matches!(command, Command::Serve(_))
}

#[cfg(not(feature = "serve"))]
fn is_serve(_command: &Command) -> bool {
    false
}

fn run(command: Command, out: &Output) -> Result<Exit> {
    // One policy for Ctrl-C and SIGTERM in every command that writes or runs something (see
    // `signals`); serve stops gracefully on its own.
    let only_reads = matches!(
        command,
        Command::List { .. }
            | Command::Show { .. }
            | Command::Doctor { .. }
            | Command::Completions { .. }
            | Command::Man
    );
    if !only_reads && !is_serve(&command) {
        signals::on_quit(sprout::prompt::restore_terminal);
        signals::install();
    }
    match command {
        Command::New(args) => new::run(args, out),
        Command::List { json } => listing::list(json, out),
        Command::Show { stack, json } => listing::show(&stack, json, out),
        Command::Update(args) => update::command::update(args, out),
        Command::Add(args) => update::command::add(args, out),
        Command::Check {
            dir,
            json,
            template,
        } => update::command::check(&dir, template.as_deref(), json, out),
        Command::Verify(args) => update::command::verify(args, out),
        Command::Doctor { stack, json } => doctor::run(stack.as_deref(), json, out),
        Command::Template(command) => sprout::template::command::run(command, out),
        #[cfg(feature = "serve")]
        Command::Serve(args) => sprout::serve::run(args),
        Command::Completions { shell } => completions::print(shell, out),
        Command::Man => manual::print(out),
    }
}
