//! Ctrl-C, SIGTERM and SIGHUP, one policy for every command:
//!
//! - before anything is written, quit at once: the terminal is restored and `Nothing written.`
//!   is true;
//! - while a [`Guard`] lives (something is being written, or was written and is not complete
//!   yet), never quit: set [`CANCEL`] for the code holding it, which rolls back or says exactly
//!   what is left;
//! - while a child process runs under a [`ChildGuard`] (the install, a verify step, git), stop
//!   its whole process group (SIGTERM, then SIGKILL on a second signal) and let the caller wait
//!   for it; a git child that ran before anything was written then quits as above
//!   ([`quit_if_interrupted`]), so no child outlives sprout.

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};

use crate::error::Error;
use crate::exit::Exit;

pub static CANCEL: AtomicBool = AtomicBool::new(false);
/// How many [`Guard`]s live.
static GUARDED: AtomicUsize = AtomicUsize::new(0);
/// The running child's process group: 0 for none, -1 while it is being started.
static CHILD_GROUP: AtomicI32 = AtomicI32::new(0);
/// Set by the first caller of [`quit`].
static QUITTING: AtomicBool = AtomicBool::new(false);
/// Run before quitting: puts the terminal back as the questions found it.
static ON_QUIT: OnceLock<fn()> = OnceLock::new();

/// Handle the signals as the module says. Once per process; later calls do nothing.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        let group = CHILD_GROUP.load(Ordering::SeqCst);
        if group != 0 {
            let again = CANCEL.swap(true, Ordering::SeqCst);
            if group > 0 {
                stop_group(group, again);
            }
        } else if GUARDED.load(Ordering::SeqCst) > 0 {
            CANCEL.store(true, Ordering::SeqCst);
        } else {
            quit();
        }
    });
}

/// `restore` puts the terminal back before sprout quits on a signal.
pub fn on_quit(restore: fn()) {
    let _ = ON_QUIT.set(restore);
}

/// Whether a signal asked the run to stop.
pub fn cancelled() -> bool {
    CANCEL.load(Ordering::SeqCst)
}

/// After a child process ended: quit if a signal came and no [`Guard`] lives (nothing was
/// written, so nothing is to be rolled back).
pub fn quit_if_interrupted() {
    if cancelled() && GUARDED.load(Ordering::SeqCst) == 0 {
        quit();
    }
}

/// Quit now, as a signal before anything is written does: for Ctrl-C read as a key at a question
/// (which also raised the signal; the run ends once, on whichever comes first).
pub fn quit_now() -> ! {
    quit()
}

fn quit() -> ! {
    // Once: a second caller (the signal's thread, or the question's) waits for the first to end
    // the process, so `Nothing written.` is said once.
    if QUITTING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    if let Some(restore) = ON_QUIT.get() {
        restore();
    }
    let mut stderr = std::io::stderr();
    // Put the cursor back if a question hid it; escape sequences only to a terminal that takes them.
    if stderr.is_terminal() {
        if crate::text::terminal_takes_codes() {
            let _ = console::Term::stderr().show_cursor();
        }
        // Off the line the question (or the terminal's `^C`) left the cursor on.
        let _ = stderr.write_all(b"\n");
    }
    let _ = writeln!(stderr, "{}", Error::Cancelled);
    std::process::exit(Exit::Cancelled as i32);
}

/// The span in which a signal must be turned into a roll-back (or a true report of what is
/// left) instead of an exit.
pub struct Guard;

impl Guard {
    pub fn start() -> Guard {
        GUARDED.fetch_add(1, Ordering::SeqCst);
        Guard
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        GUARDED.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The span of a child process that leads its own process group: an interrupt stops the group
/// and sets [`CANCEL`] instead of exiting, so the caller waits for the child and then ends.
pub struct ChildGuard;

impl ChildGuard {
    /// Call before spawning the child.
    pub fn start() -> ChildGuard {
        CHILD_GROUP.store(-1, Ordering::SeqCst);
        ChildGuard
    }

    /// Call once the child runs, with its id (which is its group's id).
    pub fn started(&self, pid: u32) {
        let group = i32::try_from(pid).unwrap_or(0);
        CHILD_GROUP.store(group, Ordering::SeqCst);
        // An interrupt that came while it was starting.
        if CANCEL.load(Ordering::SeqCst) && group > 0 {
            stop_group(group, false);
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        CHILD_GROUP.store(0, Ordering::SeqCst);
    }
}

#[cfg(unix)]
fn stop_group(group: i32, hard: bool) {
    use nix::sys::signal::{Signal, killpg};
    let signal = if hard {
        Signal::SIGKILL
    } else {
        Signal::SIGTERM
    };
    let _ = killpg(nix::unistd::Pid::from_raw(group), signal);
}

#[cfg(not(unix))]
fn stop_group(_group: i32, _hard: bool) {}
