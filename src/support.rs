//! End of support: the windows of the framework and runtime lines the built-in stacks put a
//! project on (`data/support-windows.toml`, embedded when sprout is built), and how a project's
//! answers or a stack stand against them on a given day.

use std::sync::OnceLock;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::condition::Condition;
use crate::error::{Error, Result};
use crate::value::Value;

/// The table as it is kept in the repository.
const TABLE: &str = include_str!("../data/support-windows.toml");

/// A line within this many days of its end is reported as ending.
pub const WARN_DAYS: i64 = 90;

/// One line of the table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub name: String,
    pub stacks: Vec<String>,
    #[serde(default)]
    pub when: Condition,
    pub ends: Date,
    pub source: String,
    /// `KEY=VALUE`: the answer that moves a project onto a supported line.
    #[serde(rename = "move")]
    pub moves_to: Option<String>,
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    line: Vec<Line>,
}

/// Where a line stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// More than [`WARN_DAYS`] days left.
    Supported,
    /// Its last day of support is within [`WARN_DAYS`] days (or today).
    Ending,
    /// Its last day of support has passed.
    Ended,
}

/// A line judged on a day.
#[derive(Debug, Serialize)]
pub struct Standing {
    pub line: &'static str,
    pub status: Status,
    /// The last day of support.
    pub ends: String,
    /// Days from the day judged to the last day of support (negative once it has passed).
    pub days_left: i64,
    pub source: &'static str,
    /// `KEY=VALUE` for `--set`, when an answer moves the project to a supported line.
    #[serde(rename = "move", skip_serializing_if = "Option::is_none")]
    pub moves_to: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

impl Standing {
    /// Whether it is worth saying: ended or ending.
    pub fn is_warning(&self) -> bool {
        self.status != Status::Supported
    }

    /// One sentence: the line, where it stands and when.
    pub fn describe(&self) -> String {
        let when = match self.status {
            Status::Ended => format!(
                "support ended on {} ({} days ago)",
                self.ends, -self.days_left
            ),
            Status::Ending if self.days_left == 0 => {
                format!("support ends today ({})", self.ends)
            }
            Status::Ending | Status::Supported => {
                format!("support ends on {} (in {} days)", self.ends, self.days_left)
            }
        };
        let note = self.note.map(|n| format!("; {n}")).unwrap_or_default();
        format!("{}: {when}{note}", self.line)
    }
}

/// The embedded table, read once.
pub fn table() -> Result<&'static [Line]> {
    static PARSED: OnceLock<std::result::Result<Vec<Line>, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            toml::from_str::<Table>(TABLE)
                .map(|t| t.line)
                .map_err(|e| e.message().to_string())
        })
        .as_deref()
        .map_err(|reason| Error::SupportTable {
            reason: reason.clone(),
        })
}

/// The day support is judged on: the UTC date of `SOURCE_DATE_EPOCH` when it is set (the same
/// clock the LICENSE year follows, for reproducible runs), else of now.
pub fn today() -> Date {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|seconds| jiff::Timestamp::from_second(seconds).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
}

/// The lines a project of `stack` with `answers` is on, judged on `day`.
pub fn of_project(stack: &str, answers: &[(String, Value)], day: Date) -> Result<Vec<Standing>> {
    let lookup = |key: &str| answers.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    Ok(table()?
        .iter()
        .filter(|line| line.stacks.iter().any(|s| s == stack) && line.when.holds(lookup))
        .map(|line| judge(line, day))
        .collect())
}

/// Every line a project of `stack` can be on, judged on `day`.
pub fn of_stack(stack: &str, day: Date) -> Result<Vec<Standing>> {
    Ok(table()?
        .iter()
        .filter(|line| line.stacks.iter().any(|s| s == stack))
        .map(|line| judge(line, day))
        .collect())
}

fn judge(line: &'static Line, day: Date) -> Standing {
    let days_left = day
        .until((jiff::Unit::Day, line.ends))
        .map(|span| i64::from(span.get_days()))
        .unwrap_or(0);
    let status = if days_left < 0 {
        Status::Ended
    } else if days_left <= WARN_DAYS {
        Status::Ending
    } else {
        Status::Supported
    };
    Standing {
        line: &line.name,
        status,
        ends: line.ends.to_string(),
        days_left,
        source: &line.source,
        moves_to: line.moves_to.as_deref(),
        note: line.note.as_deref(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn answers(pairs: &[(&str, &str)]) -> Vec<(String, Value)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Text(v.to_string())))
            .collect()
    }

    #[test]
    fn the_embedded_table_reads_and_every_line_names_a_source() {
        let lines = table().unwrap();
        assert!(!lines.is_empty());
        for line in lines {
            assert!(line.source.starts_with("https://"), "{}", line.name);
            assert!(!line.stacks.is_empty(), "{}", line.name);
        }
    }

    #[test]
    fn a_line_is_supported_then_ending_within_90_days_then_ended() {
        let on = |d: &str| {
            of_project("spring-boot", &answers(&[("boot", "4.1")]), day(d))
                .unwrap()
                .into_iter()
                .find(|s| s.line == "Spring Boot 4.1")
                .unwrap()
        };
        assert_eq!(on("2027-03-31").status, Status::Supported);
        assert_eq!(on("2027-04-01").status, Status::Ending);
        assert_eq!(on("2027-04-01").days_left, 90);
        assert_eq!(on("2027-06-30").status, Status::Ending);
        assert!(on("2027-06-30").describe().contains("support ends today"));
        let ended = on("2027-07-02");
        assert_eq!((ended.status, ended.days_left), (Status::Ended, -2));
        assert_eq!(ended.moves_to, Some("boot=4.2"));
        assert!(
            ended
                .describe()
                .contains("ended on 2027-06-30 (2 days ago)")
        );
    }

    #[test]
    fn a_project_is_judged_on_its_own_answers_only() {
        let lines = of_project(
            "spring-boot",
            &answers(&[("boot", "4.2"), ("java", "25")]),
            day("2026-12-06"),
        )
        .unwrap();
        let names: Vec<&str> = lines.iter().map(|s| s.line).collect();
        assert_eq!(names, ["Spring Boot 4.2", "Java 25 (Eclipse Temurin)"]);
        assert!(lines.iter().all(|s| !s.is_warning()));
    }

    #[test]
    fn a_stack_lists_every_line_it_offers() {
        let lines = of_stack("rails", day("2026-12-06")).unwrap();
        let rails72 = lines.iter().find(|s| s.line == "Rails 7.2").unwrap();
        assert_eq!(rails72.status, Status::Ended);
        assert!(rails72.note.unwrap().contains("Debian"));
        assert!(
            of_stack("no-such-stack", day("2026-12-06"))
                .unwrap()
                .is_empty()
        );
    }
}
