//! Questions at a terminal. Every answer is checked by the same code as `--set`, as it is typed.

mod keys;
mod screen;
mod widgets;

use std::io::{self, IsTerminal};

use console::{Key, Term, style};

use crate::answers::{Asker, Refused};
use crate::error::{Error, Result};
use crate::stack::{Kind, OptionSpec, Stack};
use crate::text::shown;
use crate::value::Value;

use keys::KeyMode;
use screen::{Frame, Region};
use widgets::{Line, answered, list_row, move_selection, question, refused, visible_rows, yes_no};

pub use keys::restore as restore_terminal;

/// Whether prompts can be shown: a person at a terminal on stdin and stderr.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && Term::stderr().is_term()
}

/// Asks at the terminal. While it lives, keys stay keys (no echo, Ctrl-C read as a key), also
/// between two questions, so keys typed ahead never print over the screen.
pub struct TerminalAsker {
    term: Term,
    keys: KeyMode,
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
            term: Term::stderr(),
            keys: KeyMode::start(),
        }
    }

    pub fn pick_stack(&mut self, stacks: &[Stack]) -> Result<String> {
        let shown: Vec<_> = stacks.iter().map(|s| shown(&s.description)).collect();
        let rows: Vec<(&str, &str)> = stacks
            .iter()
            .zip(&shown)
            .map(|(s, description)| (s.key.as_str(), description.as_ref()))
            .collect();
        let index = select(&self.keys, &self.term, "Stack", &rows, 0).map_err(cancelled)?;
        Ok(rows[index].0.to_string())
    }

    /// Show the commands a template that is not built in would run and ask whether to run them
    /// (the default is no).
    pub fn trust(&mut self, template: &str, commands: &[String]) -> Result<bool> {
        eprintln!(
            "\nThe template {template} is not built into sprout. It asks to run:\n{}",
            crate::text::command_lines(commands)
        );
        confirm(&self.keys, &self.term, "Run these commands?", false).map_err(cancelled)
    }

    /// Show the answers and ask to go on; "no" cancels.
    pub fn confirm(&mut self, summary: &str, target: &str) -> Result<()> {
        eprintln!("\n{summary}");
        let prompt = format!("Create {target}?");
        let go = confirm(&self.keys, &self.term, &prompt, true).map_err(cancelled)?;
        if go { Ok(()) } else { Err(Error::Cancelled) }
    }
}

impl Asker for TerminalAsker {
    fn ask(&mut self, option: &OptionSpec, refused: Option<Refused<'_>>) -> Result<Value> {
        let (keys, term) = (&self.keys, &self.term);
        if let Some(refused) = &refused
            && !matches!(option.kind, Kind::Text { .. })
        {
            term.write_line(&widgets::refused(&message(refused.error)))
                .map_err(cancelled)?;
        }
        // Text from a template is shown with its control characters escaped.
        let prompt = shown(&option.prompt);
        match &option.kind {
            Kind::Bool => {
                let default = matches!(option.default, Some(Value::Bool(true)));
                let yes = confirm(keys, term, &prompt, default).map_err(cancelled)?;
                Ok(Value::Bool(yes))
            }
            Kind::Choice(choices) => {
                let default = option
                    .default
                    .as_ref()
                    .and_then(|d| choices.iter().position(|c| Some(c.as_str()) == d.as_text()))
                    .unwrap_or(0);
                let labels: Vec<_> = choices.iter().map(|c| shown(c)).collect();
                let rows: Vec<(&str, &str)> = labels.iter().map(|c| (c.as_ref(), "")).collect();
                let index = select(keys, term, &prompt, &rows, default).map_err(cancelled)?;
                Ok(Value::Text(choices[index].clone()))
            }
            Kind::Text { .. } => {
                // An empty default is not shown: Enter on an empty line gives it anyway.
                let default = option
                    .default
                    .as_ref()
                    .and_then(Value::as_text)
                    .filter(|d| !d.is_empty());
                let start = refused.as_ref().map_or("", |r| r.given);
                let check = |text: &str| option.parse(text).map(|_| ()).map_err(|e| message(&e));
                let text = text(keys, term, &prompt, default, start, &check).map_err(cancelled)?;
                option.parse(&text)
            }
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

/// A line of text, checked as it is typed. Enter accepts it only when `check` does; an empty
/// line takes the default, or is refused with a message when there is none.
fn text(
    keys: &KeyMode,
    term: &Term,
    prompt: &str,
    default: Option<&str>,
    start: &str,
    check: &dyn Fn(&str) -> Result<(), String>,
) -> io::Result<String> {
    let _cursor = CursorShown(term);
    let mut region = Region::new(term);
    let mut line = Line::new(start);
    let mut problem = if start.is_empty() {
        None
    } else {
        check(start).err()
    };
    let head = question(prompt, default);
    loop {
        let mut lines = vec![format!("{head}{}", line.text())];
        lines.extend(problem.as_deref().map(refused));
        region.draw(&Frame {
            lines,
            caret: Some(format!("{head}{}", line.before_caret())),
        })?;
        match read_key(keys, term, &mut region)? {
            Key::Enter => {
                let typed = line.text();
                let answer = match (typed.is_empty(), default) {
                    (true, Some(default)) => default.to_string(),
                    _ => typed,
                };
                match check(&answer) {
                    Ok(()) => {
                        region.clear()?;
                        term.write_line(&answered(prompt, &answer))?;
                        return Ok(answer);
                    }
                    Err(_) if answer.is_empty() => {
                        problem = Some(format!("{prompt}: an answer is needed"));
                    }
                    Err(error) => problem = Some(error),
                }
            }
            key => {
                if line.edit(&key) {
                    problem = if line.is_empty() {
                        None
                    } else {
                        check(&line.text()).err()
                    };
                }
            }
        }
    }
}

/// One row of `rows` (label, description), chosen with the arrow keys and Enter.
fn select(
    keys: &KeyMode,
    term: &Term,
    prompt: &str,
    rows: &[(&str, &str)],
    default: usize,
) -> io::Result<usize> {
    if rows.is_empty() {
        return Err(io::Error::other(format!(
            "{prompt}: nothing to choose from"
        )));
    }
    let _cursor = CursorShown(term);
    term.hide_cursor()?;
    let mut region = Region::new(term);
    let label_width = rows
        .iter()
        .map(|(label, _)| console::measure_text_width(label))
        .max()
        .unwrap_or(0);
    let mut index = default.min(rows.len().saturating_sub(1));
    let mut first = 0;
    loop {
        let (height, cols) = term.size();
        // On a short terminal only the rows that fit are shown, scrolling with the selection.
        let room = usize::from(height).saturating_sub(2);
        let shown = visible_rows(index, first, rows.len(), room);
        first = shown.start;
        let mut lines = vec![question(prompt, None)];
        lines.extend(shown.map(|i| {
            let (label, description) = rows[i];
            list_row(
                label,
                description,
                label_width,
                i == index,
                usize::from(cols),
            )
        }));
        region.draw(&Frame { lines, caret: None })?;
        match read_key(keys, term, &mut region)? {
            Key::Enter => break,
            key => index = move_selection(index, rows.len(), &key),
        }
    }
    region.clear()?;
    term.write_line(&answered(prompt, rows[index].0))?;
    Ok(index)
}

/// Yes or no: `y`, `n`, or Enter for the default.
fn confirm(keys: &KeyMode, term: &Term, prompt: &str, default: bool) -> io::Result<bool> {
    let _cursor = CursorShown(term);
    let mut region = Region::new(term);
    let hint = if default { "Y/n" } else { "y/N" };
    region.draw(&Frame {
        lines: vec![question(prompt, Some(hint))],
        caret: None,
    })?;
    loop {
        if let Some(yes) = yes_no(&read_key(keys, term, &mut region)?, default) {
            region.clear()?;
            term.write_line(&answered(prompt, if yes { "yes" } else { "no" }))?;
            return Ok(yes);
        }
    }
}

/// The next key. On Ctrl-C (an `Interrupted` error) the question is taken off the screen, so
/// every question ends the same way.
fn read_key(keys: &KeyMode, term: &Term, region: &mut Region<'_>) -> io::Result<Key> {
    keys.read(term).inspect_err(|_| {
        let _ = region.clear();
    })
}

/// Shows the cursor again when a question ends, however it ends.
struct CursorShown<'t>(&'t Term);

impl Drop for CursorShown<'_> {
    fn drop(&mut self) {
        let _ = self.0.show_cursor();
    }
}

/// Ctrl-C is a cancel; anything else the terminal reports is an error (before any writing).
fn cancelled(io: io::Error) -> Error {
    if io.kind() == io::ErrorKind::Interrupted {
        Error::Cancelled
    } else {
        Error::system("cannot use the terminal")(io)
    }
}
