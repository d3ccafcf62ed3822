//! Keys from the terminal while a question is on screen.
//!
//! console switches the terminal to raw mode only while it reads one key; between two keys it is
//! back in cooked mode, where Ctrl-C would be a signal and typing would echo over the prompt.
//! For as long as questions are asked, keys are kept as keys: Ctrl-C is read as one, so that
//! every question ends the same way on it.

use std::io;
use std::sync::Mutex;

use console::{Key, Term};
use rustix::termios::{LocalModes, OptionalActions, Termios, tcgetattr, tcsetattr};

/// The settings to put back, while questions have changed them: kept here too, so that a
/// signal that ends the process can restore the terminal (see [`restore`]).
static SAVED: Mutex<Option<Termios>> = Mutex::new(None);

/// Put the terminal back as it was before the questions, if they are being asked.
pub fn restore() {
    if let Ok(saved) = SAVED.lock()
        && let Some(saved) = saved.as_ref()
    {
        let _ = tcsetattr(io::stdin(), OptionalActions::Now, saved);
    }
}

/// The terminal's settings while questions are asked; restored on drop.
pub struct KeyMode {
    saved: Option<Termios>,
}

impl KeyMode {
    /// No line editing, echo or signals from keys (output is left as it is). Without a
    /// terminal on stdin there is nothing to change.
    pub fn start() -> KeyMode {
        let stdin = io::stdin();
        let saved = tcgetattr(&stdin).ok();
        if let Some(saved) = &saved {
            let mut keys = saved.clone();
            keys.local_modes.remove(
                LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG | LocalModes::IEXTEN,
            );
            if let Ok(mut slot) = SAVED.lock() {
                *slot = Some(saved.clone());
            }
            let _ = tcsetattr(&stdin, OptionalActions::Drain, &keys);
        }
        KeyMode { saved }
    }

    /// The next key; Ctrl-C is an `Interrupted` error.
    pub fn read(&self, term: &Term) -> io::Result<Key> {
        match term.read_key_raw()? {
            Key::CtrlC => Err(io::Error::from(io::ErrorKind::Interrupted)),
            key => Ok(key),
        }
    }
}

impl Drop for KeyMode {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            let _ = tcsetattr(io::stdin(), OptionalActions::Drain, saved);
            if let Ok(mut slot) = SAVED.lock() {
                *slot = None;
            }
        }
    }
}
