//! `sprout new`: resolve the arguments into settings, generate in memory (see
//! [`generate`](crate::generate)), write, then install, git and next steps.

use std::path::{Path, PathBuf};

use crate::answers::{AnswersFile, Asker, Given};
use crate::catalog::Catalog;
use crate::catalog::Roots;
use crate::cli::NewArgs;
use crate::doctor::{self, Finding};
use crate::error::{Error, NoPrompt, Result};
use crate::exit::Exit;
use crate::generate::{self, outcome};
use crate::output::Output;
use crate::prompt::{self, TerminalAsker};
use crate::report::{self, NextSteps, Outcome};
use crate::source::Source;
use crate::trust::{self, Ask};
use crate::{git, install, signals, update, writer};

/// `sprout new`'s arguments, resolved: where the stacks come from, what was answered and
/// what to do once the project is rendered.
pub struct Settings {
    /// The stacks to choose from: the template given with `--template`, or the built-in ones
    /// and the configured roots.
    pub stacks: Roots,
    /// The stack named by `--stack` or the answers file (they agree).
    pub stack: Option<String>,
    pub given: Given,
    /// Whether questions are asked at the terminal, and if not, why not.
    pub interactive: bool,
    pub no_prompt: NoPrompt,
    /// The folder the project folder is made in.
    pub output: PathBuf,
    pub dry_run: bool,
    pub force: bool,
    pub git: bool,
    pub install: bool,
    pub trust: bool,
    pub preflight: bool,
    pub json: bool,
}

impl Settings {
    pub fn resolve(args: NewArgs) -> Result<Settings> {
        let file = args.answers.as_deref().map(AnswersFile::read).transpose()?;
        let stack = match (args.stack, file.as_ref().and_then(|f| f.stack.clone())) {
            (Some(flag), Some(in_file)) if !flag.eq_ignore_ascii_case(&in_file) => {
                return Err(Error::AnswersForOtherStack {
                    path: args.answers.clone().unwrap_or_default(),
                    file: in_file,
                    flag,
                });
            }
            (flag, in_file) => flag.or(in_file),
        };
        // A project's record names its template: `--answers .sprout.toml` makes it again.
        let template = args
            .template
            .or_else(|| file.as_ref().and_then(|f| f.template.clone()));
        let stacks = match &template {
            Some(text) => Roots::of(vec![Catalog::from_source(&Source::parse(text), None)?])?,
            None => Roots::configured()?,
        };
        Ok(Settings {
            stacks,
            stack,
            given: generate::given(args.name.as_deref(), &args.set, file)?,
            interactive: !args.yes && prompt::interactive(),
            no_prompt: if args.yes {
                NoPrompt::Yes
            } else {
                NoPrompt::NoTerminal
            },
            output: args.output,
            dry_run: args.dry_run,
            force: args.force,
            git: !args.no_git,
            install: args.install,
            trust: args.trust,
            preflight: !args.no_preflight,
            json: args.json,
        })
    }

    /// Where the project's repository will be, as far as the arguments tell (the name may be
    /// asked for later), or the repository it will be inside: whose configuration gives the
    /// defaults, and what git's `includeIf "gitdir:…"` rules are judged against.
    fn git_dir(&self) -> PathBuf {
        let name = self
            .given
            .set
            .iter()
            .rev()
            .find(|(k, _)| k == "name")
            .map(|(_, v)| v.as_str())
            .or_else(|| {
                let file = self.given.file.as_ref()?;
                file.values
                    .iter()
                    .rev()
                    .find(|(k, _)| k == "name")
                    .and_then(|(_, v)| v.as_text())
            })
            .unwrap_or_default();
        let dir = self.output.join(name);
        let target = std::path::absolute(&dir).unwrap_or(dir);
        // Inside a repository, sprout makes none: that one's configuration is the one that counts.
        let existing = target.ancestors().find(|d| d.is_dir());
        match existing.and_then(git::enclosing_repository) {
            Some(repository) => repository.join(".git"),
            None => target.join(".git"),
        }
    }

    /// The stack's key: given, the only one there is, or picked at the terminal.
    fn stack_key(&self, asker: Option<&mut TerminalAsker>) -> Result<String> {
        let keys = self.stacks.keys();
        match (&self.stack, keys.as_slice(), asker) {
            (Some(key), _, _) => Ok(key.clone()),
            (None, [only], _) => Ok(only.clone()),
            (None, _, Some(asker)) => asker.pick_stack(&self.stacks.load_all()?),
            (None, _, None) => Err(Error::MissingStack {
                known: keys,
                why: self.no_prompt,
            }),
        }
    }
}

pub fn run(args: NewArgs, out: &Output) -> Result<Exit> {
    let settings = Settings::resolve(args)?;
    let no_prompt = settings.no_prompt;
    let mut asker = settings.interactive.then(TerminalAsker::start);
    let key = settings.stack_key(asker.as_mut())?;
    // A default from git is a process: without a terminal it is not looked up for an option
    // answered already, whose default nothing can use then. At a terminal a refused answer is
    // asked again, with the default shown.
    let answered = |key: &str| !settings.interactive && settings.given.answers(key);
    let stack = settings
        .stacks
        .load(&key)?
        .with_git_defaults_unless(answered, git::config_lookup(&settings.git_dir()));

    let (plan, project) = generate::prepare(
        &stack,
        &settings.given,
        asker.as_mut().map(|a| a as &mut dyn Asker),
    )
    .map_err(|e| e.not_asked_because(no_prompt))?;

    // With --install, checked before anything is written: a package manager the stack does not
    // offer is a usage error. Without it, the next steps name the stack's own command then.
    let install_command = match install::command(&project.commands) {
        Ok(command) => command,
        Err(error) if settings.install => return Err(error),
        Err(_) => project.commands.install.clone(),
    };
    // A template that is not built in runs nothing until it is trusted: not its install command,
    // not the checks of its requirements. With --install they are asked about together; without
    // it, only --trust runs the checks (they are reported as not checked otherwise).
    let checks = if settings.preflight {
        doctor::commands(&doctor::applying(&plan))
    } else {
        Vec::new()
    };
    let trusted = if settings.install && !settings.dry_run {
        let ask = match asker.as_mut() {
            Some(asker) => Ask::Terminal(asker),
            None => Ask::Not(no_prompt),
        };
        let mut commands = vec![install_command.clone()];
        commands.extend(checks);
        trust::check(&stack.source, &commands, settings.trust, ask)?;
        true
    } else {
        trust::granted(&stack.source, settings.trust)
    };
    let manager = std::env::var(install::MANAGER_ENV).ok();
    let commands = project.commands.of_manager(manager.as_deref());
    // The checks run beside the writing and git: they only add warnings. Their findings are
    // waited for before anything is shown that holds them (a dry run's tree, the question
    // before writing, `--verbose`'s lines in their order), else once git is done.
    let preflight = settings
        .preflight
        .then(|| doctor::Preflight::start(&plan, trusted));
    let early = settings.dry_run || asker.is_some() || out.verbose;
    let (mut toolchain, mut preflight) = match preflight {
        Some(running) if early => (Some(Toolchain::of(Some(running.wait()), out)), None),
        None => (Some(Toolchain::of(None, out)), None),
        running => (None, running),
    };
    let target: PathBuf = settings.output.join(plan.name());
    let next = |installed: bool, shortfalls: &[Finding]| {
        report::next_steps(&NextSteps {
            target: &target,
            commands,
            steps: &project.steps,
            running: &project.running,
            port: stack.port,
            installed,
            shortfalls,
            os: std::env::consts::OS,
        })
    };
    let mut outcome = outcome(&plan, &project, &target, settings.dry_run);

    if settings.dry_run {
        let toolchain = Toolchain::finish(toolchain, preflight, out);
        outcome.next_steps = next(false, &toolchain.shortfalls);
        outcome.preflight = toolchain.json();
        // The same refusal, and exit code, as the real run.
        writer::check(&target, &project.files, settings.force)?;
        let printed = if settings.json {
            out.json(&outcome)
        } else {
            out.result(&format!(
                "{}{}",
                report::tree(&outcome.path, &project.files),
                toolchain.text
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
        let text = toolchain
            .as_ref()
            .map(|t| t.text.as_str())
            .unwrap_or_default();
        let summary = format!("{}{text}", report::summary(&plan));
        asker.confirm(&summary, &outcome.path)?;
    }

    // From the first write to the end, a signal never ends the run midway: what this run made
    // is taken back (and `Nothing written.` is true), or the error says exactly what is left.
    let _guard = signals::Guard::start();
    let written = writer::write(&target, &project.files, settings.force, &signals::CANCEL)?;
    for path in &written.added {
        out.detail(&format!("wrote {}", target.join(path).display()));
    }
    for path in &written.unchanged {
        out.detail(&format!(
            "kept {} (same contents)",
            target.join(path).display()
        ));
    }
    outcome.unchanged = written.unchanged.clone();

    // The first commit holds what sprout wrote and, after a successful `--install`, the lock
    // files the install wrote.
    let added = written.added.len();
    let mut to_commit = written.added.clone();
    let mut exit = Exit::Success;
    let mut installed = false;
    // Until the install runs (or without one, until the first commit is made), a signal takes
    // back all of the project.
    let take_back = || {
        writer::undo(&target, &project.files, &written);
        Error::Cancelled
    };
    if signals::cancelled() {
        return Err(take_back());
    }
    if settings.install {
        let install = install_project(&target, &install_command, &stack.lock_files, out)?;
        outcome.install = Some(install.note);
        to_commit.extend(install.locks);
        installed = install.exit == Exit::Success;
        exit = install.exit;
    }
    if settings.git {
        // The pristine render is kept for `sprout update` only in a repository sprout made:
        // a user's own repository gets no object or ref it did not ask for.
        let log = |command: &str| {
            out.detail(&format!("running `{command}` in {}", target.display()));
        };
        let done = git::init(&target, &to_commit, &log);
        if signals::cancelled() {
            // git was stopped (its whole process group): its repository goes, half made.
            if done.created {
                let _ = std::fs::remove_dir_all(target.join(".git"));
            }
            if settings.install {
                return Err(Error::GitInterrupted { dir: target });
            }
            return Err(take_back());
        }
        if done.created {
            update::base::keep_render(&target, &project.files, &plan.secrets);
        }
        outcome.git = Some(done.summary);
    }
    let toolchain = Toolchain::finish(toolchain.take(), preflight.take(), out);
    outcome.next_steps = next(installed, &toolchain.shortfalls);
    outcome.preflight = toolchain.json();

    let printed = if settings.json {
        out.json(&outcome)
    } else {
        out.result(&created_text(&outcome, added, &toolchain.text))
    };
    printed.map_err(|source| Error::Output {
        source,
        written: Some(target.clone()),
    })?;
    Ok(exit)
}

/// What the check before writing found, as `new` reports it.
struct Toolchain<'s> {
    /// `None` with `--no-preflight`.
    findings: Option<Vec<Finding<'s>>>,
    shortfalls: Vec<Finding<'s>>,
    /// The lines the summary gets: the tools that fall short, the checks not run.
    text: String,
}

impl<'s> Toolchain<'s> {
    /// The report of `findings`; with `--verbose`, each check is told first.
    fn of(findings: Option<Vec<Finding<'s>>>, out: &Output) -> Toolchain<'s> {
        if let Some(findings) = &findings {
            doctor::detail(findings, out);
        }
        let shortfalls = findings
            .as_deref()
            .map(doctor::shortfalls)
            .unwrap_or_default();
        let text = format!(
            "{}{}",
            report::shortfalls_text(&shortfalls),
            report::unchecked_text(findings.as_deref().unwrap_or_default())
        );
        Toolchain {
            findings,
            shortfalls,
            text,
        }
    }

    /// The report made already, or the one of the checks still running, once they are done.
    fn finish(
        made: Option<Toolchain<'s>>,
        running: Option<doctor::Preflight<'s>>,
        out: &Output,
    ) -> Toolchain<'s> {
        match made {
            Some(made) => made,
            None => Toolchain::of(running.map(doctor::Preflight::wait), out),
        }
    }

    fn json(&self) -> Option<Vec<doctor::FindingJson>> {
        self.findings
            .as_ref()
            .map(|f| f.iter().map(Finding::json).collect())
    }
}

/// What `--install` did: a note for the summary, the lock files it wrote, the exit code.
struct Installed {
    note: String,
    locks: Vec<String>,
    exit: Exit,
}

/// Run the install command in the written project; a failure is reported, not returned: the
/// project stays and git still runs. An interrupt is returned: the project stays, and nothing
/// more is done to it.
fn install_project(
    target: &Path,
    command: &str,
    lock_files: &[String],
    out: &Output,
) -> Result<Installed> {
    let locks_before = present(target, lock_files);
    Ok(match install::run(target, command, out) {
        Err(error @ Error::InstallInterrupted { .. }) => return Err(error),
        Ok(log) => Installed {
            note: format!("done (log: {})", log.display()),
            locks: present(target, lock_files)
                .into_iter()
                .filter(|f| !locks_before.contains(f))
                .collect(),
            exit: Exit::Success,
        },
        Err(error) => {
            out.error(&error);
            Installed {
                note: format!("failed: {error}"),
                locks: Vec::new(),
                exit: error.exit(),
            }
        }
    })
}

/// Which of `files` (paths in the project) exist in `dir`.
fn present(dir: &Path, files: &[String]) -> Vec<String> {
    files
        .iter()
        .filter(|f| dir.join(f).is_file())
        .cloned()
        .collect()
}

fn created_text(outcome: &Outcome, added: usize, toolchain: &str) -> String {
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
    text.push_str(toolchain);
    text.push_str(&format!("\n{}\n", style("Next steps").bold()));
    for step in &outcome.next_steps {
        text.push_str(&format!("  {}\n", crate::text::shown(step)));
    }
    text
}
