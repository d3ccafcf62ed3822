//! `sprout new`: resolve the answers, render in memory, write, then git and next steps.

use std::path::{Path, PathBuf};

use crate::answers::{self, AnswersFile, Asker, Given};
use crate::catalog;
use crate::cli::NewArgs;
use crate::doctor::{self, Finding};
use crate::error::{Error, NoPrompt, Result};
use crate::exit::Exit;
use crate::output::Output;
use crate::plan::Plan;
use crate::prompt::{self, TerminalAsker};
use crate::record::{self, Record};
use crate::render::{self, MODE_FILE, OutputFile, Project};
use crate::report::{self, NextSteps, Outcome};
use crate::stack::Stack;
use crate::{git, install, secrets, signals, update, writer};

pub fn run(args: NewArgs, out: &Output) -> Result<Exit> {
    let file = args.answers.as_deref().map(AnswersFile::read).transpose()?;
    let interactive = !args.yes && prompt::interactive();
    let no_prompt = if args.yes {
        NoPrompt::Yes
    } else {
        NoPrompt::NoTerminal
    };
    let mut asker = interactive.then(TerminalAsker::start);

    let from_file = file.as_ref().and_then(|f| f.stack.clone());
    let key = match (&args.stack, from_file, asker.as_mut()) {
        (Some(flag), Some(in_file), _) if !flag.eq_ignore_ascii_case(&in_file) => {
            return Err(Error::AnswersForOtherStack {
                path: args.answers.clone().unwrap_or_default(),
                file: in_file,
                flag: flag.clone(),
            });
        }
        (Some(key), _, _) => key.clone(),
        (None, Some(key), _) => key,
        (None, None, Some(asker)) => asker.pick_stack(&catalog::load_all()?)?,
        (None, None, None) => {
            return Err(Error::MissingStack {
                known: catalog::keys(),
                why: no_prompt,
            });
        }
    };
    let stack = catalog::load(&key)?.with_git_defaults(git::config);

    let given = given(args.name.as_deref(), &args.set, file)?;
    let (plan, project) = prepare(&stack, &given, asker.as_mut().map(|a| a as &mut dyn Asker))
        .map_err(|e| e.not_asked_because(no_prompt))?;

    // With --install, checked before anything is written: a package manager the stack does not
    // offer is a usage error. Without it, the next steps name the stack's own command then.
    let install_command = match install::command(&project.commands) {
        Ok(command) => command,
        Err(error) if args.install => return Err(error),
        Err(_) => project.commands.install.clone(),
    };
    let manager = std::env::var(install::MANAGER_ENV).ok();
    let commands = project.commands.of_manager(manager.as_deref());
    let findings = (!args.no_preflight).then(|| doctor::preflight(&plan));
    if let Some(findings) = &findings {
        doctor::detail(findings, out);
    }
    let shortfalls = findings
        .as_deref()
        .map(doctor::shortfalls)
        .unwrap_or_default();
    let target: PathBuf = args.output.join(plan.name());
    let next = |installed: bool| {
        report::next_steps(&NextSteps {
            target: &target,
            commands,
            steps: &project.steps,
            port: stack.port,
            installed,
            shortfalls: &shortfalls,
            os: std::env::consts::OS,
        })
    };
    let mut outcome = outcome(&plan, &project, &target, args.dry_run);
    outcome.next_steps = next(false);
    outcome.preflight = findings
        .as_ref()
        .map(|f| f.iter().map(Finding::json).collect());

    if args.dry_run {
        // The same refusal, and exit code, as the real run.
        writer::check(&target, &project.files, args.force)?;
        let printed = if args.json {
            out.json(&outcome)
        } else {
            out.result(&format!(
                "{}{}",
                report::tree(&outcome.path, &project.files),
                report::shortfalls_text(&shortfalls)
            ))
        };
        printed.map_err(|source| Error::Output {
            source,
            written: None,
        })?;
        return Ok(Exit::Success);
    }

    // The asker is done with the terminal here: Ctrl-C while writing is a signal again.
    if let Some(mut asker) = asker {
        let summary = format!(
            "{}{}",
            report::summary(&plan),
            report::shortfalls_text(&shortfalls)
        );
        asker.confirm(&summary, &outcome.path)?;
    }

    let written = {
        let _guard = signals::WritingGuard::start();
        writer::write(&target, &project.files, args.force, &signals::CANCEL)?
    };
    for path in &written.added {
        out.detail(&format!("wrote {}", target.join(path).display()));
    }
    for path in &written.unchanged {
        out.detail(&format!(
            "kept {} (same contents)",
            target.join(path).display()
        ));
    }
    outcome.unchanged = written.unchanged;

    let mut exit = Exit::Success;
    let mut installed = false;
    // The first commit holds what sprout wrote and, after a successful `--install`, the lock
    // files the install wrote.
    let added = written.added.len();
    let mut to_commit = written.added;
    if args.install {
        let locks_before = present(&target, &stack.lock_files);
        match install::run(&target, &install_command, out) {
            Ok(log) => {
                installed = true;
                outcome.install = Some(format!("done (log: {})", log.display()));
                to_commit.extend(
                    present(&target, &stack.lock_files)
                        .into_iter()
                        .filter(|f| !locks_before.contains(f)),
                );
            }
            Err(error) => {
                outcome.install = Some(format!("failed: {error}"));
                out.error(&error);
                exit = error.exit();
            }
        }
    }
    if !args.no_git {
        // The pristine render is kept for `sprout update` only in a repository sprout made:
        // a user's own repository gets no object or ref it did not ask for.
        let made_here = git::enclosing_repository(&target).is_none();
        let log = |command: &str| {
            out.detail(&format!("running `{command}` in {}", target.display()));
        };
        outcome.git = Some(git::init(&target, &to_commit, &log));
        if made_here {
            update::base::keep_render(&target, &project.files, &plan.secrets);
        }
    }
    outcome.next_steps = next(installed);

    let printed = if args.json {
        out.json(&outcome)
    } else {
        out.result(&created_text(&outcome, added, &shortfalls))
    };
    printed.map_err(|source| Error::Output {
        source,
        written: Some(target.clone()),
    })?;
    Ok(exit)
}

/// Which of `files` (paths in the project) exist in `dir`.
fn present(dir: &Path, files: &[String]) -> Vec<String> {
    files
        .iter()
        .filter(|f| dir.join(f).is_file())
        .cloned()
        .collect()
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
    let ids = update::base::ids(&project.files, &plan.secrets);
    project.files.push(OutputFile {
        path: record::FILE_NAME.to_string(),
        contents: Record::new(&plan, ids).contents().into_bytes().into(),
        mode: MODE_FILE,
    });
    project.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((plan, project))
}

fn created_text(outcome: &Outcome, added: usize, shortfalls: &[Finding]) -> String {
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
    text.push_str(&report::shortfalls_text(shortfalls));
    text.push_str(&format!("\n{}\n", style("Next steps").bold()));
    for step in &outcome.next_steps {
        text.push_str(&format!("  {step}\n"));
    }
    text
}
