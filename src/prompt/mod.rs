//! Questions at a terminal, asked by dialoguer: the stack, each option of the stack in its
//! order, the trust question and the summary's confirmation. What is sprout's is here: which
//! question an option is, its default, and that every answer is checked by the same code as
//! `--set` (when Enter is pressed; a refused answer says why and is asked again).
//!
//! Every question has a flag: without a terminal nothing is asked (see [`interactive`]).

mod plain;
mod theme;
mod typeahead;

use std::io::IsTerminal;

use console::{Term, style};
use dialoguer::theme::Theme;
use dialoguer::{Confirm, Input, Select};

use crate::answers::{Asker, Refused};
use crate::error::{Error, Result};
use crate::stack::{Kind, OptionSpec, Stack};
use crate::text::shown;
use crate::value::Value;

use theme::{SproutTheme, list_rows};
use typeahead::TypeAhead;

pub use typeahead::restore as restore_terminal;

/// Whether prompts can be shown: a person at a terminal on stdin and stderr.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && Term::stderr().is_term()
}

/// Asks at the terminal. While it lives, keys typed ahead wait for their question (see
/// `typeahead`).
pub struct TerminalAsker {
    term: Term,
    theme: SproutTheme,
    /// A terminal that takes no escape sequences (`TERM=dumb`) gets questions as plain lines.
    plain: bool,
    _typeahead: Option<TypeAhead>,
}

impl TerminalAsker {
    /// Print the keyboard help once, before the first question.
    pub fn start() -> Self {
        let plain = !crate::text::terminal_takes_codes();
        if plain {
            eprintln!(
                "Enter takes the default · Ctrl-C quits (nothing is written until you confirm)"
            );
        } else {
            eprintln!(
                "{}",
                style(
                    "↑/↓ choose · Enter accept · Ctrl-C quit (nothing is written until you confirm)"
                )
                .for_stderr()
                .dim()
            );
        }
        let term = Term::stderr();
        TerminalAsker {
            theme: SproutTheme::new(&term),
            term,
            plain,
            // Plain questions are read in the terminal's own line mode.
            _typeahead: (!plain).then(TypeAhead::start),
        }
    }

    pub fn pick_stack(&mut self, stacks: &[Stack]) -> Result<String> {
        let descriptions: Vec<_> = stacks.iter().map(|s| shown(&s.description)).collect();
        let rows: Vec<(&str, &str)> = stacks
            .iter()
            .zip(&descriptions)
            .map(|(s, description)| (s.key.as_str(), description.as_ref()))
            .collect();
        let index = self.select("Stack", &rows, 0)?;
        Ok(stacks[index].key.clone())
    }

    /// Show the commands a template that is not built in would run and ask whether to run them
    /// (the default is no).
    pub fn trust(&mut self, template: &str, commands: &[String]) -> Result<bool> {
        eprintln!(
            "\nThe template {template} is not built into sprout. It asks to run:\n{}",
            crate::text::command_lines(commands)
        );
        self.yes_no("Run these commands?", false)
    }

    /// Show the answers and ask to go on; "no" cancels.
    pub fn confirm(&mut self, summary: &str, target: &str) -> Result<()> {
        eprintln!("\n{summary}");
        let go = self.yes_no(&format!("Create {target}?"), true)?;
        if go { Ok(()) } else { Err(Error::Cancelled) }
    }

    /// One row of `rows` (label, description), each cut to the terminal's width; the answer
    /// line names the label alone.
    fn select(&self, prompt: &str, rows: &[(&str, &str)], default: usize) -> Result<usize> {
        if self.plain {
            return plain::select(prompt, rows, default);
        }
        let items = list_rows(rows, usize::from(self.term.size().1));
        let index = Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(&items)
            .default(default.min(rows.len().saturating_sub(1)))
            .report(false)
            .interact_on(&self.term)
            .map_err(failed)?;
        let label = rows.get(index).map_or("", |(label, _)| label);
        self.term
            .write_line(&self.theme.answered(prompt, label))
            .map_err(|e| failed(e.into()))?;
        Ok(index)
    }

    /// Yes or no: `y`, `n`, or Enter for the default.
    fn yes_no(&self, prompt: &str, default: bool) -> Result<bool> {
        if self.plain {
            return plain::yes_no(prompt, default);
        }
        Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(default)
            .interact_on(&self.term)
            .map_err(failed)
    }

    /// A line of text; Enter accepts it only when `option` does, and an empty line takes the
    /// default or is refused when there is none.
    fn text(&self, option: &OptionSpec, prompt: &str) -> Result<Value> {
        // An empty default is not shown: Enter on an empty line gives it anyway.
        let default = option
            .default
            .as_ref()
            .and_then(Value::as_text)
            .filter(|d| !d.is_empty());
        let check = |text: &str| -> std::result::Result<(), String> {
            // dialoguer takes Ctrl-D, Ctrl-U and the like as characters of the answer.
            if text.chars().any(char::is_control) {
                return Err(format!(
                    "{prompt}: `{}` has a control character (a Ctrl key); type it again",
                    shown(text)
                ));
            }
            match option.parse(text) {
                Ok(_) => Ok(()),
                Err(_) if text.is_empty() => Err(format!("{prompt}: an answer is needed")),
                Err(error) => Err(message(&error)),
            }
        };
        if self.plain {
            let text = plain::text(prompt, default, check)?;
            return option.parse(&text);
        }
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .allow_empty(true)
            .validate_with(|text: &String| check(text));
        if let Some(default) = default {
            input = input.default(default.to_string());
        }
        let text = input.interact_on(&self.term).map_err(failed)?;
        option.parse(&text)
    }
}

impl Asker for TerminalAsker {
    fn ask(&mut self, option: &OptionSpec, refused: Option<Refused<'_>>) -> Result<Value> {
        // A value from the command line that was refused: why (the error names it), above the
        // question that asks for it again.
        if let Some(refused) = &refused {
            let mut line = String::new();
            let _ = self.theme.format_error(&mut line, &message(refused.error));
            self.term.write_line(&line).map_err(|e| failed(e.into()))?;
        }
        // Text from a template is shown with its control characters escaped.
        let prompt = shown(&option.prompt);
        match &option.kind {
            Kind::Bool => {
                let default = matches!(option.default, Some(Value::Bool(true)));
                Ok(Value::Bool(self.yes_no(&prompt, default)?))
            }
            Kind::Choice(choices) => {
                let default = option
                    .default
                    .as_ref()
                    .and_then(|d| choices.iter().position(|c| Some(c.as_str()) == d.as_text()))
                    .unwrap_or(0);
                let labels: Vec<_> = choices.iter().map(|c| shown(c)).collect();
                let rows: Vec<(&str, &str)> = labels.iter().map(|c| (c.as_ref(), "")).collect();
                let index = self.select(&prompt, &rows, default)?;
                choices
                    .get(index)
                    .map(|choice| Value::Text(choice.clone()))
                    .ok_or(Error::Cancelled)
            }
            Kind::Text { .. } => self.text(option, &prompt),
        }
    }
}

/// An error as one line under a prompt: what is wrong, then what to do.
fn message(error: &Error) -> String {
    let message = match error.hint() {
        Some(hint) => format!("{error} ({hint})"),
        None => error.to_string(),
    };
    shown(&message).into_owned()
}

/// Ctrl-C at a question ends the run as the signal does (console raised it on reading the key;
/// the run ends once, on whichever comes first); anything else the terminal reports is an error
/// (before any writing).
fn failed(error: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = error;
    if io.kind() == std::io::ErrorKind::Interrupted {
        crate::signals::quit_now()
    } else {
        Error::system("cannot use the terminal")(io)
    }
}
