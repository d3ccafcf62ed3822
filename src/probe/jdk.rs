//! A JDK's version from its `release` file (`JAVA_VERSION="21.0.5"`), read beside the `java` or
//! `javac` a check resolves to, so no JVM is started to ask it (`javac -version` costs a JVM's
//! start, 150–200 ms). Symbolic links are followed to the JDK's own folder
//! (`/usr/bin/javac` → `/etc/alternatives/javac` → `/usr/lib/jvm/java-21-…/bin/javac`).

use std::fs;
use std::path::Path;

/// The programs of a JDK whose version the `release` file tells.
const PROGRAMS: &[&str] = &["java", "javac"];

/// What `program args` would answer, from the `release` file of the JDK `program` belongs to:
/// `None` when the command is not a version question to a JDK's `java` or `javac`, or the JDK
/// has no such file (the program is then run).
pub fn answer(program: &Path, args: &[String]) -> Option<String> {
    let asks_version = matches!(args, [arg] if arg == "-version" || arg == "--version");
    let name = program.file_name()?.to_str()?;
    if !asks_version || !PROGRAMS.contains(&name) {
        return None;
    }
    let real = fs::canonicalize(program).ok()?;
    let bin = real.parent()?;
    if bin.file_name()? != "bin" {
        return None;
    }
    let release = bin.parent()?.join("release");
    let text = fs::read_to_string(&release).ok()?;
    let version = java_version(&text)?;
    Some(format!("{name} {version} (from {})\n", release.display()))
}

/// The value of `JAVA_VERSION` in a `release` file, when it is a version.
fn java_version(release: &str) -> Option<&str> {
    release.lines().find_map(|line| {
        let value = line.trim().strip_prefix("JAVA_VERSION=")?;
        let value = value.trim().trim_matches('"').trim();
        (!value.is_empty() && value.starts_with(|c: char| c.is_ascii_digit())).then_some(value)
    })
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn jdk(release: Option<&str>) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        fs::create_dir(home.path().join("bin")).unwrap();
        fs::write(home.path().join("bin/javac"), "not a program").unwrap();
        if let Some(text) = release {
            fs::write(home.path().join("release"), text).unwrap();
        }
        home
    }

    fn version_arg() -> Vec<String> {
        vec!["-version".into()]
    }

    #[test]
    fn the_release_file_beside_bin_answers() {
        let home = jdk(Some(
            "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\nJAVA_VERSION_DATE=\"2026-04-21\"\n",
        ));
        let answer = answer(&home.path().join("bin/javac"), &version_arg()).unwrap();
        assert!(answer.starts_with("javac 25.0.3 (from "), "{answer}");
    }

    #[test]
    fn a_link_is_followed_to_the_jdk_it_points_into() {
        let home = jdk(Some("JAVA_VERSION=\"17.0.15\"\n"));
        let links = tempfile::tempdir().unwrap();
        let link = links.path().join("javac");
        std::os::unix::fs::symlink(home.path().join("bin/javac"), &link).unwrap();
        let answer = answer(&link, &version_arg()).unwrap();
        assert!(answer.starts_with("javac 17.0.15"), "{answer}");
    }

    #[test]
    fn without_a_release_file_or_a_version_question_the_program_is_asked() {
        let home = jdk(None);
        assert_eq!(answer(&home.path().join("bin/javac"), &version_arg()), None);
        let home = jdk(Some("JAVA_VERSION=\"21\"\n"));
        let javac = home.path().join("bin/javac");
        assert_eq!(answer(&javac, &["-XshowSettings".into()]), None);
        assert_eq!(answer(&javac, &[]), None);
        let home = jdk(Some("JAVA_VERSION=\"\"\n"));
        assert_eq!(answer(&home.path().join("bin/javac"), &version_arg()), None);
    }
}
