//! Questions at a terminal (dialoguer). Every answer is checked by the same code as `--set`.

use std::io::IsTerminal;

use console::{Term, style};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, Select};

use crate::answers::Asker;
use crate::error::{Error, Result};
use crate::stack::{Kind, OptionSpec, Stack};
use crate::value::Value;

/// Whether prompts can be shown: a person at a terminal on stdin and stderr.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && Term::stderr().is_term()
}

pub struct TerminalAsker {
    theme: ColorfulTheme,
}

impl TerminalAsker {
    /// Print the keyboard help once, before the first question.
    pub fn start() -> Self {
        eprintln!(
            "{}",
            style("↑/↓ choose · Enter accept · Ctrl-C quit (nothing is written until you confirm)")
                .dim()
        );
        TerminalAsker {
            theme: ColorfulTheme::default(),
        }
    }

    pub fn pick_stack(&mut self, stacks: &[Stack]) -> Result<String> {
        let width = stacks.iter().map(|s| s.key.len()).max().unwrap_or(0);
        let items: Vec<String> = stacks
            .iter()
            .map(|s| format!("{:width$}  {}", s.key, style(&s.description).dim()))
            .collect();
        let index = Select::with_theme(&self.theme)
            .with_prompt("Stack")
            .items(&items)
            .default(0)
            .interact()
            .map_err(cancelled)?;
        Ok(stacks[index].key.clone())
    }

    /// Show the answers and ask to go on.
    pub fn confirm(&mut self, summary: &str, target: &str) -> Result<()> {
        eprintln!("\n{summary}");
        let go = Confirm::with_theme(&self.theme)
            .with_prompt(format!("Create {target}?"))
            .default(true)
            .interact()
            .map_err(cancelled)?;
        if go { Ok(()) } else { Err(Error::Cancelled) }
    }
}

impl Asker for TerminalAsker {
    fn ask(&mut self, option: &OptionSpec) -> Result<Value> {
        match &option.kind {
            Kind::Bool => {
                let default = matches!(option.default, Some(Value::Bool(true)));
                let yes = Confirm::with_theme(&self.theme)
                    .with_prompt(&option.prompt)
                    .default(default)
                    .interact()
                    .map_err(cancelled)?;
                Ok(Value::Bool(yes))
            }
            Kind::Choice(choices) => {
                let default = option
                    .default
                    .as_ref()
                    .and_then(|d| choices.iter().position(|c| Some(c.as_str()) == d.as_text()))
                    .unwrap_or(0);
                let index = Select::with_theme(&self.theme)
                    .with_prompt(&option.prompt)
                    .items(choices)
                    .default(default)
                    .interact()
                    .map_err(cancelled)?;
                Ok(Value::Text(choices[index].clone()))
            }
            Kind::Text { .. } => {
                let mut input = Input::<String>::with_theme(&self.theme)
                    .with_prompt(&option.prompt)
                    .validate_with(|text: &String| -> Result<(), String> {
                        option.parse(text).map(|_| ()).map_err(|e| match e.hint() {
                            Some(hint) => format!("{e} ({hint})"),
                            None => e.to_string(),
                        })
                    });
                if let Some(Value::Text(default)) = &option.default {
                    input = input.default(default.clone());
                }
                let text = input.interact_text().map_err(cancelled)?;
                option.parse(&text)
            }
        }
    }
}

/// dialoguer reports Ctrl-C (and a closed terminal) as an I/O error.
fn cancelled(error: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = error;
    let _ = Term::stderr().show_cursor();
    if io.kind() == std::io::ErrorKind::Interrupted {
        Error::Cancelled
    } else {
        Error::Io(io)
    }
}
