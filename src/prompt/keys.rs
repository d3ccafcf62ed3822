//! Keys from the terminal while questions are asked.
//!
//! console switches the terminal to raw mode only while it reads one key; between two keys it is
//! back in cooked mode, where Ctrl-C would be a signal and typing would echo over the prompt.
//! For as long as questions are asked, keys are kept as keys: Ctrl-C is read as one, so that
//! every question ends the same way on it.

use std::io;

use console::{Key, Term};

/// Put the terminal back as it was before the questions, if they are being asked (for a
/// signal that ends the process while they are).
pub fn restore() {
    #[cfg(unix)]
    terminal::restore();
}

/// The terminal's settings while questions are asked; restored on drop.
pub struct KeyMode {
    changed: bool,
}

impl KeyMode {
    /// No line editing, echo or signals from keys (output is left as it is). Without a
    /// terminal on stdin there is nothing to change.
    pub fn start() -> KeyMode {
        #[cfg(unix)]
        let changed = terminal::keys_only();
        #[cfg(not(unix))]
        let changed = false;
        KeyMode { changed }
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
        #[cfg(unix)]
        if self.changed {
            terminal::restore();
            terminal::forget();
        }
    }
}

#[cfg(unix)]
mod terminal {
    use std::io;
    use std::sync::Mutex;

    use nix::sys::termios::{LocalFlags, SetArg, Termios, tcgetattr, tcsetattr};

    /// The settings to put back while questions have changed them; kept here so that a signal
    /// handler can restore them too.
    static SAVED: Mutex<Option<Termios>> = Mutex::new(None);

    /// Turn off line editing, echo and signals from keys; whether stdin is a terminal that
    /// was changed.
    pub fn keys_only() -> bool {
        let stdin = io::stdin();
        let Ok(saved) = tcgetattr(&stdin) else {
            return false;
        };
        let mut keys = saved.clone();
        keys.local_flags
            .remove(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG | LocalFlags::IEXTEN);
        if let Ok(mut slot) = SAVED.lock() {
            *slot = Some(saved);
        }
        tcsetattr(&stdin, SetArg::TCSADRAIN, &keys).is_ok()
    }

    /// Put back the settings saved by [`keys_only`], if there are any.
    pub fn restore() {
        if let Ok(saved) = SAVED.lock()
            && let Some(saved) = saved.as_ref()
        {
            let _ = tcsetattr(io::stdin(), SetArg::TCSANOW, saved);
        }
    }

    pub fn forget() {
        if let Ok(mut slot) = SAVED.lock() {
            *slot = None;
        }
    }
}
