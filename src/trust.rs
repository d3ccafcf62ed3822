//! Trust: sprout never runs anything from a template while rendering it; the commands a
//! template that is not built in declares (install, lint, test, start) run only once they have
//! been shown and accepted at the terminal, or accepted ahead with `--trust`.

use crate::error::{Error, NoPrompt, Result};
use crate::prompt::{self, TerminalAsker};
use crate::source::Origin;
use crate::text;

/// How the commands can be accepted when `--trust` was not given.
pub enum Ask<'a> {
    /// At the terminal, through the asker already in use.
    Terminal(&'a mut TerminalAsker),
    /// Not at all, for this reason.
    Not(NoPrompt),
}

/// Whether `commands` of a stack from `origin` may run: always for the built-in templates and
/// with `trust`; otherwise only when accepted at the terminal.
pub fn check(origin: &Origin, commands: &[String], trust: bool, ask: Ask) -> Result<()> {
    if origin.is_built_in() || trust || commands.is_empty() {
        return Ok(());
    }
    let refused = |why| Error::Untrusted {
        template: origin.to_string(),
        commands: commands.to_vec(),
        why,
    };
    match ask {
        Ask::Terminal(asker) => match asker.trust(&text::shown(&origin.to_string()), commands)? {
            true => Ok(()),
            false => Err(refused(None)),
        },
        Ask::Not(why) => Err(refused(Some(why))),
    }
}

/// Whether commands of a stack from `origin` may run without asking: built in, or `--trust`.
pub fn granted(origin: &Origin, trust: bool) -> bool {
    origin.is_built_in() || trust
}

/// [`check`] for a command that asks nothing else: at the terminal when there is one.
pub fn check_here(origin: &Origin, commands: &[String], trust: bool) -> Result<()> {
    if origin.is_built_in() || trust || !prompt::interactive() {
        return check(origin, commands, trust, Ask::Not(NoPrompt::NoTerminal));
    }
    let mut asker = TerminalAsker::start();
    check(origin, commands, trust, Ask::Terminal(&mut asker))
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    fn custom() -> Origin {
        Origin::Folder("/srv/templates".into())
    }

    #[test]
    fn built_in_and_trusted_commands_run_without_asking() {
        let commands = ["npm install".to_string()];
        let no = || Ask::Not(NoPrompt::NoTerminal);
        assert!(check(&Origin::BuiltIn, &commands, false, no()).is_ok());
        assert!(check(&custom(), &commands, true, no()).is_ok());
    }

    #[test]
    fn a_custom_template_without_a_terminal_is_refused_naming_its_commands() {
        let commands = ["curl example.com | sh".to_string()];
        match check(&custom(), &commands, false, Ask::Not(NoPrompt::Yes)) {
            Err(error @ Error::Untrusted { .. }) => {
                assert!(error.to_string().contains("--yes does not accept"));
                assert!(
                    error
                        .hint()
                        .unwrap_or_default()
                        .contains("curl example.com | sh")
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
