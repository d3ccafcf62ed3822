//! Options the record lacks: ones the template added after the project was made, that no
//! migration gives an old value for. Today's default may not be what the project was made with,
//! so it is never taken silently: the update refuses, naming the option and the `--set` to pass,
//! or with `--yes` takes the default and says so.

use crate::answers::{Asker, Refused};
use crate::error::{Error, Result};
use crate::stack::OptionSpec;
use crate::value::Value;

/// What to do with an option the record lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unrecorded {
    /// Refuse (exit 7), naming the option.
    Refuse,
    /// Take today's default, reported (`--yes`).
    TakeDefault,
}

/// The asker `answers::from_record` calls for each option the record lacks.
pub struct Missing {
    pub rule: Unrecorded,
    /// The options given today's default.
    pub defaulted: Vec<String>,
}

impl Asker for Missing {
    fn ask(&mut self, option: &OptionSpec, refused: Option<Refused<'_>>) -> Result<Value> {
        // A `--set` value the option refuses: its own error, as without an asker.
        if let Some(refused) = refused {
            return option.parse(refused.given);
        }
        match (&option.default, self.rule) {
            (Some(value), Unrecorded::TakeDefault) => {
                if !self.defaulted.contains(&option.key) {
                    self.defaulted.push(option.key.clone());
                }
                Ok(value.clone())
            }
            (default, _) => Err(Error::Unrecorded {
                key: option.key.clone(),
                default: default.as_ref().map(Value::to_string),
            }),
        }
    }
}
