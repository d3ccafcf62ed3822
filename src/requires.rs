//! What a stack needs on the machine (`[[requires]]` in its manifest): a tool, the command that
//! prints its version, the oldest version that works, for which answers, and how to get it.
//! Judging a tool's answer against a requirement is pure; running the tools is `probe.rs`.

use std::cmp::Ordering;
use std::fmt;

use crate::condition::Condition;
use crate::manifest::RequireEntry;
use crate::probe::Probe;

/// A checked `[[requires]]` entry.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// The name people know the tool by (`python`, `JDK`).
    pub tool: String,
    /// The program and its arguments that print the version (`python3 --version`); no shell.
    pub check: Vec<String>,
    /// A variable naming the tool's home folder (`JAVA_HOME`), whose `bin/` wins over PATH.
    pub home: Option<String>,
    /// The oldest version that works; `None` when any version does.
    pub min: Option<Version>,
    pub when: Condition,
    /// What to do when the tool is missing or too old.
    pub fix: String,
}

impl Requirement {
    /// Check an entry as written; the error is the reason it is refused.
    pub fn from_entry(entry: RequireEntry) -> Result<Requirement, String> {
        let tool = entry.tool.trim().to_string();
        if tool.is_empty() {
            return Err("a [[requires]] entry has an empty `tool`".into());
        }
        let check: Vec<String> = entry.check.split_whitespace().map(String::from).collect();
        if check.is_empty() {
            return Err(format!("requirement `{tool}` has an empty `check`"));
        }
        let min = entry
            .min
            .map(|text| {
                Version::parse(&text).ok_or_else(|| {
                    format!(
                        "requirement `{tool}`: `min = \"{text}\"` is not a version (numbers and dots)"
                    )
                })
            })
            .transpose()?;
        if entry.fix.trim().is_empty() {
            return Err(format!("requirement `{tool}` has no `fix`"));
        }
        Ok(Requirement {
            tool,
            check,
            home: entry.home,
            min,
            when: entry.when,
            fix: entry.fix,
        })
    }

    /// The check command as one line, as people would type it.
    pub fn command(&self) -> String {
        self.check.join(" ")
    }

    /// The check to run, given the value of the `home` variable: its program is then
    /// `<home>/bin/<program>`, as the tools that read that variable use it.
    pub fn check_with_home(&self, home: Option<&str>) -> Vec<String> {
        let mut check = self.check.clone();
        if let (Some(dir), Some(program)) = (home.filter(|h| !h.is_empty()), check.first_mut()) {
            *program = format!("{}/bin/{program}", dir.trim_end_matches('/'));
        }
        check
    }

    /// What is needed, in words: `3.12 or newer`, or `any version`.
    pub fn needed(&self) -> String {
        match &self.min {
            Some(min) => format!("{min} or newer"),
            None => "any version".into(),
        }
    }

    /// How this machine's answer to the check measures up.
    pub fn judge(&self, probe: &Probe) -> Status {
        match probe {
            Probe::Missing => Status::Missing,
            Probe::Failed(reason) => Status::Failed(reason.clone()),
            Probe::Answered(output) => match (Version::find_in(output), &self.min) {
                (Some(found), Some(min)) if found < *min => Status::TooOld(found),
                (Some(found), _) => Status::Ok(Some(found)),
                (None, None) => Status::Ok(None),
                (None, Some(_)) => {
                    Status::Failed(format!("`{}` printed no version number", self.command()))
                }
            },
        }
    }
}

/// The outcome of one requirement on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Present and new enough (the version, when it printed one).
    Ok(Option<Version>),
    /// Present, older than `min`.
    TooOld(Version),
    /// Not on PATH.
    Missing,
    /// Present but the check failed, hung or printed no version.
    Failed(String),
    /// Not run: the check comes from a template that is not built in, and its commands were
    /// not accepted.
    NotChecked,
}

impl Status {
    pub fn is_ok(&self) -> bool {
        matches!(self, Status::Ok(_))
    }

    /// The key used in `--json`: `ok`, `too_old`, `missing`, `failed`, `not_checked`.
    pub fn key(&self) -> &'static str {
        match self {
            Status::Ok(_) => "ok",
            Status::TooOld(_) => "too_old",
            Status::Missing => "missing",
            Status::Failed(_) => "failed",
            Status::NotChecked => "not_checked",
        }
    }

    pub fn found(&self) -> Option<&Version> {
        match self {
            Status::Ok(found) => found.as_ref(),
            Status::TooOld(found) => Some(found),
            Status::Missing | Status::Failed(_) | Status::NotChecked => None,
        }
    }
}

/// A dotted version such as `22.18.0`. Missing parts count as 0, so `22.18` equals `22.18.0`.
#[derive(Debug, Clone)]
pub struct Version(Vec<u64>);

impl Version {
    /// `22.18`, `3.12.1`, `21`: numbers separated by dots, nothing else.
    pub fn parse(text: &str) -> Option<Version> {
        let parts = text
            .trim()
            .split('.')
            .map(|p| {
                (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| p.parse::<u64>().ok())
                    .flatten()
            })
            .collect::<Option<Vec<u64>>>()?;
        Some(Version(parts))
    }

    /// The first version number in a tool's output: `v24.11.0`, `Python 3.13.5`,
    /// `openjdk version "21.0.5" 2024-10-15`, `ruby 3.4.7 (2025-10-08 …)`.
    pub fn find_in(output: &str) -> Option<Version> {
        let bytes = output.as_bytes();
        let start = bytes.iter().position(u8::is_ascii_digit)?;
        let rest = &output[start..];
        let mut end = 0;
        let mut last_dot = false;
        for (i, c) in rest.char_indices() {
            match c {
                '0'..='9' => last_dot = false,
                '.' if !last_dot => last_dot = true,
                _ => break,
            }
            end = i + 1;
        }
        let text = rest[..end].trim_end_matches('.');
        Version::parse(text)
    }

    fn part(&self, i: usize) -> u64 {
        self.0.get(i).copied().unwrap_or(0)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.0.len().max(other.0.len());
        (0..len)
            .map(|i| self.part(i).cmp(&other.part(i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u64::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap_or_else(|| panic!("{text}"))
    }

    fn requirement(min: Option<&str>) -> Requirement {
        Requirement::from_entry(RequireEntry {
            tool: "node".into(),
            check: "node --version".into(),
            home: None,
            min: min.map(String::from),
            when: Condition::default(),
            fix: "install Node.js 24".into(),
        })
        .unwrap()
    }

    #[test]
    fn versions_compare_by_number_with_missing_parts_as_zero() {
        assert!(v("22.18") > v("22.9.1"));
        assert!(v("22.18") == v("22.18.0"));
        assert!(v("3.9") < v("3.12"));
        assert!(v("21") > v("17.0.15"));
        assert!(v("1.8.0") < v("17"));
    }

    #[test]
    fn only_numbers_and_dots_are_versions() {
        for bad in ["", "22.", ".1", "v22", "22.x", ">=22", "3..1", "1 2"] {
            assert!(Version::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_version_is_found_in_what_real_tools_print() {
        for (output, want) in [
            ("v24.11.0\n", "24.11.0"),
            ("Python 3.13.5\n", "3.13.5"),
            (
                "openjdk version \"21.0.5\" 2024-10-15\nOpenJDK Runtime Environment",
                "21.0.5",
            ),
            ("javac 17.0.15\n", "17.0.15"),
            (
                "ruby 3.4.7 (2025-10-08 revision 7a5688e2a2) +PRISM [x86_64-linux]\n",
                "3.4.7",
            ),
            ("uv 0.9.2 (141369ce7 2025-10-10)\n", "0.9.2"),
            ("Bundler version 2.6.7\n", "2.6.7"),
            ("javac 1.8.0_412\n", "1.8.0"),
            ("version 3.\n", "3"),
        ] {
            assert_eq!(Version::find_in(output), Some(v(want)), "{output}");
        }
        assert_eq!(Version::find_in("no digits here"), None);
    }

    #[test]
    fn each_answer_is_judged() {
        let req = requirement(Some("22.18"));
        let answered = |text: &str| Probe::Answered(text.into());
        assert_eq!(
            req.judge(&answered("v24.1.0")),
            Status::Ok(Some(v("24.1.0")))
        );
        assert_eq!(
            req.judge(&answered("v22.18.0")),
            Status::Ok(Some(v("22.18")))
        );
        assert_eq!(
            req.judge(&answered("v20.20.2")),
            Status::TooOld(v("20.20.2"))
        );
        assert_eq!(req.judge(&Probe::Missing), Status::Missing);
        assert!(matches!(
            req.judge(&answered("command not understood")),
            Status::Failed(reason) if reason.contains("no version")
        ));
        assert!(matches!(
            req.judge(&Probe::Failed("exit status: 3".into())),
            Status::Failed(_)
        ));
        // Any version will do: a tool that answers without one is still there.
        assert!(requirement(None).judge(&answered("ok")).is_ok());
    }

    #[test]
    fn a_home_variable_names_the_program_in_its_bin_folder() {
        let mut req = requirement(None);
        req.check = vec!["javac".into(), "-version".into()];
        assert_eq!(
            req.check_with_home(Some("/opt/jdk-21/")),
            ["/opt/jdk-21/bin/javac", "-version"]
        );
        assert_eq!(req.check_with_home(Some("")), ["javac", "-version"]);
        assert_eq!(req.check_with_home(None), ["javac", "-version"]);
    }

    #[test]
    fn broken_entries_are_refused_with_the_reason() {
        let entry = |tool: &str, check: &str, min: Option<&str>, fix: &str| RequireEntry {
            tool: tool.into(),
            check: check.into(),
            home: None,
            min: min.map(String::from),
            when: Condition::default(),
            fix: fix.into(),
        };
        let err = |e| Requirement::from_entry(e).unwrap_err();
        assert!(err(entry("", "x --version", None, "f")).contains("empty `tool`"));
        assert!(err(entry("node", "  ", None, "f")).contains("empty `check`"));
        assert!(err(entry("node", "node -v", Some(">=22"), "f")).contains("not a version"));
        assert!(err(entry("node", "node -v", None, " ")).contains("no `fix`"));
    }
}
