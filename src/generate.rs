//! The core pipeline, before the disk: the answers given, resolved against a stack, secrets
//! made, the project rendered in memory with its record. `sprout new`, `sprout serve` and the
//! tests all generate through [`prepare`].

use std::path::Path;

use crate::answers::{self, AnswersFile, Asker, Given};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::record::{self, Record};
use crate::render::{self, MODE_FILE, OutputFile, Project};
use crate::report::{self, NextSteps, Outcome};
use crate::stack::Stack;
use crate::{secrets, source};

/// The answers given before any prompt: the positional NAME, each `--set KEY=VALUE` as typed,
/// and the answers file.
pub fn given(name: Option<&str>, raw_set: &[String], file: Option<AnswersFile>) -> Result<Given> {
    let mut set = Vec::with_capacity(raw_set.len() + 1);
    for raw in raw_set {
        set.push(answers::parse_set(raw)?);
    }
    if let Some(name) = name {
        if let Some((_, other)) = set.iter().find(|(k, v)| k == "name" && v != name) {
            return Err(Error::Usage(format!(
                "two names given: `{name}` and --set name={other}"
            )));
        }
        set.insert(0, ("name".to_string(), name.to_string()));
    }
    Ok(Given { set, file })
}

/// Everything before the disk: resolve the answers, make the secrets, render, add the record.
pub fn prepare<'s>(
    stack: &'s Stack,
    given: &Given,
    asker: Option<&mut dyn Asker>,
) -> Result<(Plan<'s>, Project)> {
    let answers = answers::resolve(stack, given, asker)?;
    let mut secrets = Vec::with_capacity(stack.secrets.len());
    for (name, len) in &stack.secrets {
        secrets.push((name.clone(), secrets::generate(*len)?));
    }
    let plan = Plan {
        stack,
        answers,
        secrets,
        year: secrets::current_year(),
    };
    let mut project = render::render(&plan).map_err(|error| source::blame(&stack.source, error))?;
    let files = project
        .files
        .iter()
        .map(|f| (f.path.as_str(), &*f.contents));
    let ids = record::ids(files, &plan.secrets);
    project.files.push(OutputFile {
        path: record::FILE_NAME.to_string(),
        contents: Record::new(&plan, ids).contents().into_bytes().into(),
        mode: MODE_FILE,
    });
    project.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((plan, project))
}

/// What `new` reports (before writing): the files, the answers and the next steps (with the
/// stack's own commands, before any check of the machine).
pub fn outcome<'a>(
    plan: &'a Plan,
    project: &'a Project,
    target: &Path,
    dry_run: bool,
) -> Outcome<'a> {
    Outcome {
        stack: &plan.stack.key,
        path: target.to_string_lossy().into_owned(),
        dry_run,
        answers: plan.answers_json(),
        files: report::file_entries(&project.files),
        commands: &project.commands,
        next_steps: report::next_steps(&NextSteps {
            target,
            commands: &project.commands,
            steps: &project.steps,
            running: &project.running,
            port: plan.stack.port,
            installed: false,
            shortfalls: &[],
            os: std::env::consts::OS,
        }),
        git: None,
        unchanged: Vec::new(),
        install: None,
        preflight: None,
    }
}
