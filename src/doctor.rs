//! `sprout doctor` and the check before `new` writes: this machine's tools against what the
//! stacks declare in `[[requires]]`.

use std::path::PathBuf;
use std::thread::{self, JoinHandle};

use console::style;
use serde::Serialize;

use crate::catalog;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Output;
use crate::plan::Plan;
use crate::probe::{self, Asked, Freshness, Probe};
use crate::requires::{Requirement, Status};
use crate::stack::Stack;
use crate::support;

/// One requirement and how this machine meets it.
#[derive(Debug, Clone)]
pub struct Finding<'r> {
    pub requirement: &'r Requirement,
    /// The command that was run (the check, or the program in the `home` variable's folder).
    pub command: Vec<String>,
    /// The program the check found and asked (or read the `release` file of), as the project's
    /// commands find it: on `PATH`, or in the `home` variable's folder.
    pub program: Option<PathBuf>,
    pub status: Status,
}

/// The program and arguments that check `requirement` here (in its `home` variable's folder when
/// that is set).
fn check_of(requirement: &Requirement) -> Vec<String> {
    let home = requirement
        .home
        .as_deref()
        .and_then(|var| std::env::var(var).ok());
    requirement.check_with_home(home.as_deref())
}

/// The distinct commands [`examine`] would run for `requirements`, as one line each (what the
/// trust question shows).
pub fn commands(requirements: &[&Requirement]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in requirements.iter().map(|r| check_of(r).join(" ")) {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

/// Ask each distinct check command once (all at once, each within [`probe::TIMEOUT`]) and judge
/// every requirement by its answer.
pub fn examine<'r>(requirements: &[&'r Requirement], freshness: Freshness) -> Vec<Finding<'r>> {
    let checks = Checks::of(requirements);
    let answers = probe::ask_all(&checks.distinct, freshness);
    checks.judge(requirements, &answers)
}

/// The check command of each requirement, and the distinct ones among them (each run once).
struct Checks {
    each: Vec<Vec<String>>,
    distinct: Vec<Vec<String>>,
}

impl Checks {
    fn of(requirements: &[&Requirement]) -> Checks {
        let each: Vec<Vec<String>> = requirements.iter().map(|r| check_of(r)).collect();
        let mut distinct: Vec<Vec<String>> = Vec::new();
        for check in &each {
            if !distinct.contains(check) {
                distinct.push(check.clone());
            }
        }
        Checks { each, distinct }
    }

    /// Every requirement judged by the answer to its check (`answers` in `distinct`'s order).
    fn judge<'r>(self, requirements: &[&'r Requirement], answers: &[Asked]) -> Vec<Finding<'r>> {
        let missing = Asked {
            program: None,
            probe: Probe::Missing,
        };
        requirements
            .iter()
            .zip(self.each)
            .map(|(requirement, command)| {
                let answer = self
                    .distinct
                    .iter()
                    .position(|c| *c == command)
                    .and_then(|at| answers.get(at))
                    .unwrap_or(&missing);
                Finding {
                    requirement,
                    status: requirement.judge(&answer.probe),
                    program: answer.program.clone(),
                    command,
                }
            })
            .collect()
    }
}

/// The check before `new` writes, running beside the writing and git (its findings only add
/// warnings): started once the answers are known, waited for when its findings are shown.
pub struct Preflight<'s> {
    requirements: Vec<&'s Requirement>,
    /// The checks and the thread asking them; `None` when nothing may be run.
    running: Option<(Checks, JoinHandle<Vec<Asked>>)>,
}

impl<'s> Preflight<'s> {
    /// Start the checks of the plan's requirements when `trusted` (built in, or its commands
    /// accepted); otherwise nothing is run and each is reported not checked.
    pub fn start(plan: &Plan<'s>, trusted: bool) -> Preflight<'s> {
        let requirements = applying(plan);
        let running = trusted.then(|| {
            let checks = Checks::of(&requirements);
            let distinct = checks.distinct.clone();
            let asking = thread::spawn(move || probe::ask_all(&distinct, Freshness::MayUseKept));
            (checks, asking)
        });
        Preflight {
            requirements,
            running,
        }
    }

    /// The findings, once every check has answered (or timed out).
    pub fn wait(self) -> Vec<Finding<'s>> {
        match self.running {
            Some((checks, asking)) => {
                let answers = asking.join().unwrap_or_default();
                checks.judge(&self.requirements, &answers)
            }
            None => self
                .requirements
                .into_iter()
                .map(|requirement| Finding {
                    requirement,
                    command: requirement.check.clone(),
                    program: None,
                    status: Status::NotChecked,
                })
                .collect(),
        }
    }
}

/// The requirements of the plan's stack that hold for its answers.
pub fn applying<'s>(plan: &Plan<'s>) -> Vec<&'s Requirement> {
    plan.stack
        .requires
        .iter()
        .filter(|r| r.when.holds(|key| plan.answer(key)))
        .collect()
}

/// With `--verbose`: each command run and what came of it.
pub fn detail(findings: &[Finding], out: &Output) {
    for finding in findings.iter().filter(|f| f.status != Status::NotChecked) {
        out.detail(&format!(
            "checked `{}`: {}",
            finding.command.join(" "),
            finding.status.key()
        ));
    }
}

/// The findings that fall short, for `new`: a tool that is missing is named once, even when
/// another requirement is checked through it (`uv python find` when uv is missing).
pub fn shortfalls<'r>(findings: &[Finding<'r>]) -> Vec<Finding<'r>> {
    let missing = |f: &Finding| matches!(f.status, Status::Missing);
    findings
        .iter()
        .filter(|f| !f.is_ok() && f.status != Status::NotChecked)
        .filter(|f| {
            !(missing(f)
                && f.requirement.tool != f.command[0]
                && findings
                    .iter()
                    .any(|o| missing(o) && o.requirement.tool == f.command[0]))
        })
        .cloned()
        .collect()
}

/// A finding as `--json` shows it.
#[derive(Debug, Serialize)]
pub struct FindingJson {
    pub tool: String,
    pub check: String,
    /// The oldest version that works, or null for any.
    pub min: Option<String>,
    /// The answers it applies to (`version is 6.1`), or null for all.
    pub when: Option<String>,
    /// `ok`, `too_old`, `missing` or `failed`.
    pub status: &'static str,
    pub found: Option<String>,
    /// The program that was found and asked, or null when there is none.
    pub program: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub fix: String,
}

impl Finding<'_> {
    pub fn is_ok(&self) -> bool {
        self.status.is_ok()
    }

    pub fn json(&self) -> FindingJson {
        let r = self.requirement;
        FindingJson {
            tool: r.tool.clone(),
            check: self.command.join(" "),
            min: r.min.as_ref().map(ToString::to_string),
            when: (!r.when.is_empty()).then(|| r.when.describe()),
            status: self.status.key(),
            found: self.status.found().map(ToString::to_string),
            program: self
                .program
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned()),
            detail: match &self.status {
                Status::Failed(reason) => Some(reason.clone()),
                _ => None,
            },
            fix: r.fix.clone(),
        }
    }

    /// One line: what was found against what is needed.
    pub fn describe(&self) -> String {
        let r = self.requirement;
        let needs = match &r.min {
            Some(_) => format!(" (needs {})", r.needed()),
            None => String::new(),
        };
        match &self.status {
            Status::Ok(Some(found)) => format!("{} {found}{needs}", r.tool),
            Status::Ok(None) => format!("{} is installed", r.tool),
            Status::TooOld(found) => format!("{} {found} is too old: needs {}", r.tool, r.needed()),
            Status::Missing if self.command[0].contains('/') => {
                format!("{}: there is no `{}`{needs}", r.tool, self.command[0])
            }
            Status::Missing => format!("{}: `{}` is not on PATH{needs}", r.tool, self.command[0]),
            Status::Failed(reason) => {
                format!("{}: `{}` failed: {reason}", r.tool, self.command.join(" "))
            }
            Status::NotChecked => format!(
                "{}{needs}: not checked (the template is not trusted)",
                r.tool
            ),
        }
    }
}

/// `sprout doctor [STACK] [--json]`: exit 10 when a requirement of a stack is not met.
pub fn run(stack: Option<&str>, json: bool, out: &Output) -> Result<Exit> {
    let stacks = match stack {
        Some(key) => vec![catalog::load(key)?],
        None => catalog::load_all()?,
    };
    let all: Vec<&Requirement> = stacks.iter().flat_map(|s| &s.requires).collect();
    let examined = examine(&all, Freshness::Afresh);
    detail(&examined, out);
    let mut findings = examined.into_iter();
    let per_stack: Vec<(&Stack, Vec<Finding>)> = stacks
        .iter()
        .map(|s| (s, findings.by_ref().take(s.requires.len()).collect()))
        .collect();
    let ok = per_stack.iter().flat_map(|(_, f)| f).all(Finding::is_ok);
    let today = support::today();
    let lines = stacks
        .iter()
        .map(|s| support_of(s, today))
        .collect::<Result<Vec<_>>>()?;
    let printed = if json {
        out.json(&report_json(&per_stack, &lines, ok))
    } else {
        out.result(&report_text(&per_stack, &lines))
    };
    printed.map_err(Error::printing)?;
    Ok(if ok {
        Exit::Success
    } else {
        Exit::ToolchainShort
    })
}

/// The support windows of the lines a built-in stack offers (a template from elsewhere has none
/// in the table, whatever its stacks are called).
fn support_of(stack: &Stack, today: jiff::civil::Date) -> Result<Vec<support::Standing>> {
    if stack.source.source().is_some() {
        return Ok(Vec::new());
    }
    support::of_stack(&stack.key, today)
}

#[derive(Serialize)]
struct StackReport<'a> {
    stack: &'a str,
    requirements: Vec<FindingJson>,
    /// The lines the stack offers, each with its end of support.
    support: &'a [support::Standing],
}

#[derive(Serialize)]
struct Report<'a> {
    ok: bool,
    stacks: Vec<StackReport<'a>>,
}

fn report_json<'a>(
    per_stack: &'a [(&'a Stack, Vec<Finding>)],
    lines: &'a [Vec<support::Standing>],
    ok: bool,
) -> Report<'a> {
    Report {
        ok,
        stacks: per_stack
            .iter()
            .zip(lines)
            .map(|((stack, findings), lines)| StackReport {
                stack: &stack.key,
                requirements: findings.iter().map(Finding::json).collect(),
                support: lines,
            })
            .collect(),
    }
}

fn report_text(per_stack: &[(&Stack, Vec<Finding>)], lines: &[Vec<support::Standing>]) -> String {
    let mut text = String::new();
    let (mut met, mut total) = (0, 0);
    for ((stack, findings), lines) in per_stack.iter().zip(lines) {
        text.push_str(&format!(
            "{} {}\n",
            style(&stack.key).bold(),
            style(format!("({})", stack.title)).dim()
        ));
        if findings.is_empty() {
            text.push_str("  nothing to check\n");
        }
        for finding in findings {
            total += 1;
            let when = &finding.requirement.when;
            let scope = if when.is_empty() {
                String::new()
            } else {
                format!(" {}", style(format!("[when {}]", when.describe())).dim())
            };
            let described = crate::text::shown(&finding.describe()).into_owned();
            let using = finding
                .program
                .as_ref()
                .map(|p| {
                    // A link (`/usr/bin/javac`) is followed to the program it runs.
                    let real = std::fs::canonicalize(p)
                        .ok()
                        .filter(|r| r != p)
                        .map(|r| format!(" → {}", r.to_string_lossy()))
                        .unwrap_or_default();
                    let path =
                        crate::text::shown(&format!("{}{real}", p.to_string_lossy())).into_owned();
                    format!("      {}\n", style(format!("using {path}")).dim())
                })
                .unwrap_or_default();
            if finding.is_ok() {
                met += 1;
                text.push_str(&format!(
                    "  {} {described}{scope}\n{using}",
                    style("✔").green()
                ));
            } else {
                text.push_str(&format!(
                    "  {} {described}{scope}\n{using}      fix: {}\n",
                    style("✘").red(),
                    crate::text::shown(&finding.requirement.fix)
                ));
            }
        }
        for line in lines.iter().filter(|l| l.is_warning()) {
            let choose = line
                .moves_to
                .map(|answer| format!("\n      new projects: --set {answer}"))
                .unwrap_or_default();
            text.push_str(&format!(
                "  {} {}{choose}\n",
                style("!").yellow().bold(),
                line.describe()
            ));
        }
    }
    if met == total {
        text.push_str(&format!("\nAll {total} requirements are met.\n"));
    } else {
        text.push_str(&format!(
            "\n{met} of {total} requirements met; the fixes are above.\n"
        ));
    }
    text
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::manifest::RequireEntry;

    fn requirement(tool: &str, check: &str) -> Requirement {
        Requirement::from_entry(RequireEntry {
            tool: tool.into(),
            check: check.into(),
            home: None,
            min: Some("3.12".into()),
            when: Default::default(),
            fix: "f".into(),
        })
        .unwrap()
    }

    fn finding(requirement: &Requirement, status: Status) -> Finding<'_> {
        Finding {
            requirement,
            command: requirement.check.clone(),
            program: None,
            status,
        }
    }

    #[test]
    fn a_missing_tool_is_one_shortfall_even_when_another_check_needs_it() {
        let python = requirement("python", "uv python find --show-version >=3.12");
        let uv = requirement("uv", "uv --version");
        let node = requirement("node", "node --version");
        let findings = [
            finding(&python, Status::Missing),
            finding(&uv, Status::Missing),
            finding(&node, Status::Ok(None)),
        ];
        let short: Vec<&str> = shortfalls(&findings)
            .iter()
            .map(|f| f.requirement.tool.as_str())
            .collect();
        assert_eq!(short, ["uv"]);
        // With uv there, python found too old by it is a shortfall of its own.
        let findings = [finding(&python, Status::Failed("no interpreter".into()))];
        assert_eq!(shortfalls(&findings).len(), 1);
    }
}
