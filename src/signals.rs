//! Ctrl-C, SIGTERM and SIGHUP: before writing, quit at once (nothing is on disk yet); while
//! writing, ask the writer to stop and roll back; during `--install`, stop the package manager's
//! whole process group (SIGTERM, then SIGKILL on a second signal), wait for it, then exit 130.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use crate::exit::Exit;
use crate::output::print_stderr;

pub static CANCEL: AtomicBool = AtomicBool::new(false);
static WRITING: AtomicBool = AtomicBool::new(false);
/// The running child's process group: 0 for none, -1 while it is being started.
static CHILD_GROUP: AtomicI32 = AtomicI32::new(0);

pub fn install() {
    let _ = ctrlc::set_handler(|| {
        let group = CHILD_GROUP.load(Ordering::SeqCst);
        if group != 0 {
            let again = CANCEL.swap(true, Ordering::SeqCst);
            if group > 0 {
                stop_group(group, again);
            }
        } else if WRITING.load(Ordering::SeqCst) {
            CANCEL.store(true, Ordering::SeqCst);
        } else {
            // Put the cursor back if a prompt hid it; escape sequences only to a terminal.
            if std::io::stderr().is_terminal() {
                let _ = console::Term::stderr().show_cursor();
                print_stderr("\n");
            }
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
