//! One run at a time per folder: an exclusive lock on the folder that holds the target, taken
//! before anything is looked at and held until the write is complete or rolled back.

use std::fs::{File, TryLockError};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::error::{Error, Result};

/// Wait for the lock on `dir` (another sprout writing there finishes first). An interrupt while
/// waiting cancels the run. The lock is released when the returned file is dropped.
pub fn acquire(dir: &Path, cancel: &AtomicBool) -> Result<File> {
    acquire_saying(dir, cancel, &|| {})
}

/// [`acquire`], calling `waiting` once if the lock is held by another run (to say so).
pub fn acquire_saying(dir: &Path, cancel: &AtomicBool, waiting: &dyn Fn()) -> Result<File> {
    let failed = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    let file = File::open(dir).map_err(failed)?;
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) => {
                if !said {
                    waiting();
                    said = true;
                }
                if cancel.load(Ordering::SeqCst) {
                    return Err(Error::Cancelled);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(TryLockError::Error(e)) => return Err(failed(e)),
        }
    }
}
