//! The `sprout template` subcommands, from their arguments to their exit code.

use std::time::Duration;

use crate::cli::TemplateCommand;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Output;
use crate::template::folder::Folder;
use crate::template::{check, scaffold, test};

pub fn run(command: TemplateCommand, out: &Output) -> Result<Exit> {
    match command {
        TemplateCommand::Check { path, json } => {
            let folder = Folder::open(&path)?;
            let report = check::check(&folder);
            let printed = if json {
                out.json(&report)
            } else {
                out.result(&crate::text::shown_lines(&report.text()))
            };
            printed.map_err(Error::printing)?;
            Ok(if report.ok {
                Exit::Success
            } else {
                Exit::TemplateFaults
            })
        }
        TemplateCommand::Test {
            path,
            timeout,
            step_timeout,
            json,
            trust,
        } => {
            let folder = Folder::open(&path)?;
            // The template's commands run only once accepted (or with --trust).
            crate::trust::check_here(folder.catalog.origin(), &test::commands(&folder)?, trust)?;
            if !json {
                out.result(&format!("Test {}\n", folder.path.display()))
                    .map_err(Error::printing)?;
            }
            let progress = |case: &test::Case| {
                if !json {
                    // A failure to print shows again at the summary.
                    let _ = out.result(&test::case_text(case));
                }
            };
            let limits = test::Limits {
                health: Duration::from_secs(timeout),
                step: Duration::from_secs(step_timeout),
            };
            let report = test::run(&folder, limits, &progress)?;
            let printed = if json {
                out.json(&report)
            } else {
                out.result(&report.summary())
            };
            printed.map_err(Error::printing)?;
            Ok(if report.ok {
                Exit::Success
            } else {
                Exit::VerifyFailed
            })
        }
        TemplateCommand::New { name, dir } => {
            let target = scaffold::create(&name, &dir)?;
            let shown = target.display();
            out.result(&format!(
                "Created the template {shown}\n\nNext steps\n  sprout template check {shown}\n  sprout template test {shown}\n  sprout new my-service --template {shown}\n"
            ))
            .map_err(|source| Error::Output {
                source,
                written: Some(target.clone()),
            })?;
            Ok(Exit::Success)
        }
    }
}
