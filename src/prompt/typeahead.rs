//! The terminal's settings while questions are asked.
//!
//! dialoguer reads keys through console, which switches the terminal to raw mode only while it
//! reads one key; between two keys (and between two questions) it is back in cooked mode, where
//! keys typed ahead would echo over the question being drawn and Ctrl-C would be a signal that
//! races with the question reading it. For as long as questions are asked, the terminal neither
//! echoes nor edits lines nor makes signals of keys: keys typed ahead wait for their question,
//! and Ctrl-C is read by the question, which ends the run as the signal would.

/// Put the terminal back as it was before the questions, if they are being asked (for a
/// signal that ends the process while they are).
pub fn restore() {
    #[cfg(unix)]
    terminal::restore();
}

/// The terminal's settings while questions are asked; restored on drop.
pub struct TypeAhead {
    changed: bool,
}

impl TypeAhead {
    /// No line editing, echo or signals from keys (output is left as it is). Without a
    /// terminal on stdin there is nothing to change.
    pub fn start() -> TypeAhead {
        #[cfg(unix)]
        let changed = terminal::keys_only();
        #[cfg(not(unix))]
        let changed = false;
        TypeAhead { changed }
    }
}

impl Drop for TypeAhead {
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
