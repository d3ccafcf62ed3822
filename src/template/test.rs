//! `sprout template test PATH`: for every stack of a template folder and every combination of
//! its covering set, generate the project into a temporary folder and run `sprout verify` on it
//! (install, lint, test, start, `GET /health`). The folders are removed afterwards; the logs of
//! every step are kept and named.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::answers::Given;
use crate::error::{Error, Result};
use crate::template::combos;
use crate::template::folder::Folder;
use crate::{signals, verify, writer};

/// One generated project and how its verification went.
#[derive(Debug, Serialize)]
pub struct Case {
    pub stack: String,
    /// The answers that differ from the defaults.
    pub combination: String,
    pub ok: bool,
    /// The step that failed, its result and the last lines of its log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_step: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
    pub seconds: f64,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub path: String,
    pub ok: bool,
    pub passed: usize,
    pub failed: usize,
    pub cases: Vec<Case>,
}

impl Report {
    /// The last line for people: `N passed, N failed`, then each failure with its log's tail.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for case in self.cases.iter().filter(|c| !c.ok) {
            out.push_str(&format!(
                "\nFAILED {} with {}: step `{}` ({})\n{}\n",
                case.stack,
                case.combination,
                case.failed_step.as_deref().unwrap_or("generate"),
                case.status.as_deref().unwrap_or_default(),
                case.tail.as_deref().unwrap_or_default(),
            ));
            if let Some(log) = &case.log {
                out.push_str(&format!("    full log: {log}\n"));
            }
        }
        out.push_str(&format!(
            "\n{} passed, {} failed\n",
            self.passed, self.failed
        ));
        out
    }
}

/// One line for people, as soon as a case ends.
pub fn case_text(case: &Case) -> String {
    let mark = if case.ok { "ok  " } else { "FAIL" };
    format!(
        "  {mark} {:<12} {:>7.1}s  {}\n",
        case.stack, case.seconds, case.combination
    )
}

/// How long the steps of one case may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// For the started project to answer `GET /health`.
    pub health: Duration,
    /// For each install, lint and test step; then its process group is stopped.
    pub step: Duration,
}

/// Every command `run` would run (each stack's install, lint, test and start, rendered with each
/// combination), once each: what must be accepted first.
pub fn commands(folder: &Folder) -> Result<Vec<String>> {
    let mut all: Vec<String> = Vec::new();
    for entry in &folder.stacks {
        let stack = folder.catalog.load(&entry.key)?;
        for combination in combos::covering(&stack) {
            let given = Given {
                set: combination.set_pairs(&stack),
                file: None,
            };
            let Ok((_, project)) = crate::generate::prepare(&stack, &given, None) else {
                continue;
            };
            let c = project.commands;
            for command in [c.install, c.lint, c.test, c.start] {
                if !all.contains(&command) {
                    all.push(command);
                }
            }
        }
    }
    Ok(all)
}

/// Generate and verify every covering combination of every stack; `progress` sees each case.
/// Each case is reported on its own: one that fails or hangs (stopped at the step timeout) does
/// not change the next. An interrupt (Ctrl-C, SIGTERM) stops the run: the running step's
/// processes are stopped and the error says so.
pub fn run(folder: &Folder, limits: Limits, progress: &dyn Fn(&Case)) -> Result<Report> {
    let mut cases = Vec::new();
    for entry in &folder.stacks {
        let stack = folder.catalog.load(&entry.key)?;
        for combination in combos::covering(&stack) {
            if signals::CANCEL.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(Error::Cancelled);
            }
            let started = std::time::Instant::now();
            let described = combination.describe(&stack);
            let scratch = tempfile::Builder::new()
                .prefix("sprout-template-test-")
                .tempdir()
                .map_err(Error::system(
                    "cannot make a temporary folder for the project",
                ))?;
            let given = Given {
                set: combination.set_pairs(&stack),
                file: None,
            };
            let target = scratch.path().join(combos::SAMPLE_NAME);
            let outcome = match generate(&stack, &given, &target) {
                Ok(()) => verify::run(
                    &folder.catalog,
                    &target,
                    &verify::Options {
                        health_timeout: limits.health,
                        exec: None,
                        step_timeout: Some(limits.step),
                    },
                    &|_| {},
                )
                .map_err(|error| ("verify", error)),
                Err(error) => Err(("generate", error)),
            };
            let mut case = Case {
                stack: stack.key.clone(),
                combination: described,
                ok: false,
                failed_step: None,
                status: None,
                tail: None,
                log: None,
                seconds: 0.0,
            };
            match outcome {
                Ok(report) if report.ok => {
                    case.ok = true;
                    // A passing case's logs say nothing: only a failure's are kept.
                    if let Some(logs) = report.steps.first().and_then(|s| s.log.parent()) {
                        let _ = std::fs::remove_dir_all(logs);
                    }
                }
                Ok(report) => {
                    let step = report.steps.iter().find(|s| !s.ok);
                    case.failed_step = step.map(|s| s.name.to_string());
                    case.status = step.and_then(|s| s.note.clone());
                    case.log = step.map(|s| s.log.display().to_string());
                    case.tail = report.tail;
                }
                // An interrupt ends the whole run, never one case after another.
                Err((_, error @ Error::VerifyInterrupted { .. })) => return Err(error),
                Err((step, error)) => {
                    case.failed_step = Some(step.into());
                    case.status = Some(error.to_string());
                }
            }
            case.seconds = started.elapsed().as_secs_f64();
            progress(&case);
            cases.push(case);
            drop(scratch);
        }
    }
    let passed = cases.iter().filter(|c| c.ok).count();
    Ok(Report {
        path: folder.path.display().to_string(),
        ok: passed == cases.len(),
        passed,
        failed: cases.len() - passed,
        cases,
    })
}

/// Write the project as `sprout new --yes --no-git` would.
fn generate(stack: &crate::stack::Stack, given: &Given, target: &Path) -> Result<()> {
    let (_, project) = crate::generate::prepare(stack, given, None)?;
    writer::write(target, &project.files, false, &signals::CANCEL)?;
    Ok(())
}
