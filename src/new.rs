//! `sprout new`: resolve the answers, render in memory, write, then git and next steps.

use std::path::{Path, PathBuf};

use crate::answers::{self, AnswersFile, Asker, Given};
use crate::catalog;
use crate::cli::NewArgs;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Output;
use crate::plan::Plan;
use crate::prompt::{self, TerminalAsker};
use crate::record;
use crate::render::{self, MODE_FILE, OutputFile, Project};
use crate::report::{self, Outcome};
use crate::stack::Stack;
use crate::{git, install, secrets, signals, writer};

pub fn run(args: NewArgs, out: &Output) -> Result<Exit> {
    let file = args.answers.as_deref().map(AnswersFile::read).transpose()?;
    let interactive = !args.yes && prompt::interactive();
    let mut asker = interactive.then(TerminalAsker::start);

    let key = match (
        &args.stack,
        file.as_ref().and_then(|f| f.stack.clone()),
        asker.as_mut(),
    ) {
        (Some(key), _, _) => key.clone(),
        (None, Some(key), _) => key,
        (None, None, Some(asker)) => asker.pick_stack(&catalog::load_all()?)?,
        (None, None, None) => {
            return Err(Error::MissingStack {
                known: catalog::keys(),
            });
        }
    };
    let stack = catalog::load(&key)?;

    let given = given(args.name.as_deref(), &args.set, file)?;
    let (plan, project) = prepare(&stack, &given, asker.as_mut().map(|a| a as &mut dyn Asker))?;

    // With --install, checked before anything is written: a package manager the stack does not
    // offer is a usage error. Without it, the next steps name the stack's own command then.
    let install_command = match install::command(&project.commands) {
        Ok(command) => command,
        Err(error) if args.install => return Err(error),
        Err(_) => project.commands.install.clone(),
    };
    let target: PathBuf = args.output.join(plan.name());
    let mut outcome = outcome(&plan, &project, &target, &install_command, args.dry_run);

    if args.dry_run {
        // The same refusal, and exit code, as the real run.
        writer::check(&target, &project.files, args.force)?;
        let printed = if args.json {
            out.json(&outcome)
        } else {
            out.result(&report::tree(&outcome.path, &project.files))
        };
        printed.map_err(|source| Error::Output {
            source,
            written: None,
        })?;
        return Ok(Exit::Success);
    }

    if let Some(asker) = asker.as_mut() {
        asker.confirm(&report::summary(&plan), &outcome.path)?;
    }

    let written = {
        let _guard = signals::WritingGuard::start();
        writer::write(&target, &project.files, args.force, &signals::CANCEL)?
    };
    outcome.unchanged = written.unchanged;

    if !args.no_git {
        outcome.git = Some(git::init(&target, &written.added));
    }
    let mut exit = Exit::Success;
    if args.install {
        match install::run(&target, &install_command, out) {
            Ok(log) => outcome.install = Some(format!("done (log: {})", log.display())),
            Err(error) => {
                outcome.install = Some(format!("failed: {error}"));
                out.error(&error);
                exit = error.exit();
            }
        }
    }

    let printed = if args.json {
        out.json(&outcome)
    } else {
        out.result(&created_text(&outcome, written.added.len()))
    };
    printed.map_err(|source| Error::Output {
        source,
        written: Some(target.clone()),
    })?;
    Ok(exit)
}

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

/// What `new` reports (before writing): the files, the answers and the next steps.
pub fn outcome<'a>(
    plan: &'a Plan,
    project: &'a Project,
    target: &Path,
    install_command: &str,
    dry_run: bool,
) -> Outcome<'a> {
    Outcome {
        stack: &plan.stack.key,
        path: target.to_string_lossy().into_owned(),
        dry_run,
        answers: plan.answers_json(),
        files: report::file_entries(&project.files),
        commands: &project.commands,
        next_steps: report::next_steps(target, install_command, &project.commands, plan.stack.port),
        git: None,
        unchanged: Vec::new(),
        install: None,
    }
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
    let mut project = render::render(&plan)?;
    project.files.push(OutputFile {
        path: record::FILE_NAME.to_string(),
        contents: record::contents(&plan).into_bytes().into(),
        mode: MODE_FILE,
    });
    project.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((plan, project))
}

fn created_text(outcome: &Outcome, added: usize) -> String {
    use console::style;
    let mut text = format!(
        "{} {} ({}), {added} files\n",
        style("Created").green().bold(),
        outcome.path,
        outcome.stack
    );
    if !outcome.unchanged.is_empty() {
        text.push_str(&format!(
            "  {} files were already there with the same contents\n",
            outcome.unchanged.len()
        ));
    }
    if let Some(git) = &outcome.git {
        text.push_str(&format!("  git: {git}\n"));
    }
    if let Some(install) = &outcome.install {
        text.push_str(&format!("  install: {install}\n"));
    }
    text.push_str(&format!("\n{}\n", style("Next steps").bold()));
    for step in &outcome.next_steps {
        text.push_str(&format!("  {step}\n"));
    }
    text
}
