//! Ctrl-C and SIGTERM: before writing, quit at once (nothing is on disk yet); while writing,
//! ask the writer to stop and clean up.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::exit::Exit;

pub static CANCEL: AtomicBool = AtomicBool::new(false);
static WRITING: AtomicBool = AtomicBool::new(false);

pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if WRITING.load(Ordering::SeqCst) {
            CANCEL.store(true, Ordering::SeqCst);
        } else {
            crate::prompt::restore_terminal();
            let _ = console::Term::stderr().show_cursor();
            let _ = writeln!(std::io::stderr(), "\n{}", crate::error::Error::Cancelled);
            std::process::exit(Exit::Cancelled as i32);
        }
    });
}

/// Mark the span in which an interrupt must be turned into a clean-up instead of an exit.
pub struct WritingGuard;

impl WritingGuard {
    pub fn start() -> WritingGuard {
        WRITING.store(true, Ordering::SeqCst);
        WritingGuard
    }
}

impl Drop for WritingGuard {
    fn drop(&mut self) {
        WRITING.store(false, Ordering::SeqCst);
    }
}
