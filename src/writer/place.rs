//! Moving a staged file or folder to its place without ever replacing what is there.

use std::io;
use std::path::Path;

/// Rename `from` to `to`, failing with `AlreadyExists` if `to` exists (even an empty folder,
/// which a plain rename would silently replace).
pub fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use nix::errno::Errno;
        use nix::fcntl::{AT_FDCWD, RenameFlags, renameat2};
        match renameat2(AT_FDCWD, from, AT_FDCWD, to, RenameFlags::RENAME_NOREPLACE) {
            Ok(()) => return Ok(()),
            // A file system without the flag: fall back to looking first.
            Err(Errno::EINVAL | Errno::ENOSYS) => {}
            Err(e) => return Err(io::Error::from(e)),
        }
    }
    match std::fs::symlink_metadata(to) {
        Ok(_) => Err(io::Error::from(io::ErrorKind::AlreadyExists)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::rename(from, to),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_replaces_a_file_or_an_empty_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        std::fs::write(&a, "a").unwrap();
        std::fs::write(&b, "b").unwrap();
        let err = rename_no_replace(&a, &b).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "b");

        let d1 = tmp.path().join("d1");
        let d2 = tmp.path().join("d2");
        std::fs::create_dir(&d1).unwrap();
        std::fs::create_dir(&d2).unwrap();
        assert!(rename_no_replace(&d1, &d2).is_err());
        assert!(d1.is_dir());

        rename_no_replace(&a, &tmp.path().join("c")).unwrap();
        assert!(!a.exists());
    }
}
