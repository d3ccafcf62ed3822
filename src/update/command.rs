//! The `update`, `add` and `check` commands: arguments in, text or JSON out, an exit code.

use std::time::Duration;

use console::style;

use crate::answers;
use crate::catalog::Catalog;
use crate::cli::{AddArgs, UpdateArgs, UpdateFlags, VerifyArgs};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Output;
use crate::record::{self, Record};
use crate::source::Source;
use crate::trust;
use crate::writer::update::Recovered;
use crate::{signals, support, verify, writer};

use super::{Fate, Preview, base, diff, prepare, write};

/// The project's lock, held for the whole run, once what a killed update left is rolled back
/// (which the run says). `None` when `dir` is no folder (reading its record then says so).
fn locked(dir: &std::path::Path, out: &Output) -> Result<Option<std::fs::File>> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let waiting = || {
        out.note(&format!(
            "waiting for another sprout run on {} to finish (Ctrl-C stops waiting)",
            crate::text::shown(&dir.display().to_string())
        ));
    };
    let lock = writer::update::lock(dir, &signals::CANCEL, &waiting)?;
    for found in writer::update::recover(dir) {
        out.note(match found {
            Recovered::RolledBack => {
                "an earlier update or add of this project was stopped before it was complete: \
                 it is rolled back, the project is as it was before it"
            }
            Recovered::Completed => {
                "an earlier update or add of this project was stopped once it was complete: \
                 the project is the updated one, and its leftover folder is removed"
            }
            Recovered::Leftover => {
                "an earlier update or add of this project was stopped: the folder it left, \
                 which held nothing to undo, is removed"
            }
        });
    }
    Ok(Some(lock))
}

pub fn update(args: UpdateArgs, out: &Output) -> Result<Exit> {
    let _lock = locked(&args.dir, out)?;
    let set = args
        .set
        .iter()
        .map(|raw| answers::parse_set(raw))
        .collect::<Result<Vec<_>>>()?;
    let catalog = catalog(
        &args.dir,
        args.flags.source.template.as_deref(),
        Pin::Newest,
    )?;
    run(&catalog, &args.dir, &set, &args.flags, out)
}

pub fn add(args: AddArgs, out: &Output) -> Result<Exit> {
    let _lock = locked(&args.dir, out)?;
    let record = Record::read(&args.dir)?;
    let catalog = catalog(
        &args.dir,
        args.flags.source.template.as_deref(),
        Pin::Newest,
    )?;
    let stack = catalog.load(&record.stack)?;
    let mut set = Vec::with_capacity(args.features.len());
    for word in &args.features {
        let pair = stack.add(word).ok_or_else(|| Error::InvalidValue {
            key: "add".into(),
            reason: format!("`{word}` is not something the {} stack can add", stack.key),
            hint: Some(format!(
                "{}one of: {}; any option: sprout update --set KEY=VALUE",
                crate::error::closest(word, &stack.add_words())
                    .map(|w| format!("did you mean `{w}`? "))
                    .unwrap_or_default(),
                stack.add_words().join(", ")
            )),
        })?;
        set.push(pair);
    }
    run(&catalog, &args.dir, &set, &args.flags, out)
}

fn run(
    catalog: &Catalog,
    dir: &std::path::Path,
    set: &[(String, String)],
    flags: &UpdateFlags,
    out: &Output,
) -> Result<Exit> {
    let preview = prepare(catalog, dir, set).map_err(|e| catalog.blame(e))?;
    if !flags.dry_run && !flags.allow_dirty && !preview.changes.is_empty() {
        refuse_dirty(dir)?;
    }
    // `--verify` runs the updated project's commands: accepted (or refused, exit 13) before
    // anything is written.
    let verify_after = flags.verify && !flags.dry_run && preview.conflicts.is_empty();
    if verify_after {
        let c = &preview.commands;
        let all = [
            c.install.clone(),
            c.lint.clone(),
            c.test.clone(),
            c.start.clone(),
        ];
        trust::check_here(catalog.origin(), &all, flags.source.trust)?;
    }
    // Written first: what is printed is what happened. From here a signal rolls the update
    // back (or, once it is written, comes too late to undo it): it never ends the run midway.
    let _guard = signals::Guard::start();
    if flags.dry_run {
        // The same refusal, and exit code, as the real run.
        writer::update::check(dir, &preview.changes)?;
    } else {
        write(&preview)?;
    }
    let written = (!flags.dry_run).then_some(dir);
    // A dry run writes no conflict markers: it only lists them.
    let conflicts = (!flags.dry_run && !preview.conflicts.is_empty()).then(|| Error::Conflicts {
        count: preview.conflicts.len(),
        list: preview.conflicts.join(", "),
    });
    if flags.json {
        // One object: the update and, with `--verify`, its verify report.
        let report = verify_after
            .then(|| verify::run(catalog, dir, &verify_options(120, None), &|_| {}))
            .transpose()
            .map_err(|error| error.after_writing(dir))?;
        printed(
            out.json(&Json {
                dry_run: flags.dry_run,
                current: preview.is_current(),
                preview: &preview,
                verify: report.as_ref(),
                support: None,
            }),
            written,
        )?;
        return Ok(exit_for(
            conflicts.or_else(|| report.as_ref().and_then(verify::failure)),
            out,
        ));
    }
    printed(out.result(&text(&preview, flags.dry_run)), written)?;
    if flags.diff {
        printed(out.result(&diff(&preview)), written)?;
    }
    if verify_after {
        let options = verify_options(120, None);
        // Accepted above.
        return run_verify(catalog, dir, &options, true, false, out)
            .map_err(|error| error.after_writing(dir));
    }
    Ok(exit_for(conflicts, out))
}

/// The exit code of a run that ended with `error`, printed, or with none.
fn exit_for(error: Option<Error>, out: &Output) -> Exit {
    match error {
        Some(error) => {
            out.error(&error);
            error.exit()
        }
        None => Exit::Success,
    }
}

fn refuse_dirty(dir: &std::path::Path) -> Result<()> {
    match base::uncommitted(dir) {
        Some(status) if !status.is_empty() => Err(Error::DirtyTree {
            path: dir.to_path_buf(),
            status: status
                .lines()
                .take(10)
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
        }),
        _ => Ok(()),
    }
}

/// A result that could not be printed is an error (exit 4), naming the project if it was written.
fn printed(result: std::io::Result<()>, written: Option<&std::path::Path>) -> Result<()> {
    result.map_err(|source| Error::Output {
        source,
        written: written.map(std::path::Path::to_path_buf),
    })
}

#[derive(serde::Serialize)]
struct Json<'a> {
    dry_run: bool,
    current: bool,
    #[serde(flatten)]
    preview: &'a Preview,
    /// `update --verify --json`: the verify report.
    #[serde(skip_serializing_if = "Option::is_none")]
    verify: Option<&'a verify::Report>,
    /// `check --json`: the framework and runtime lines the project is on, each with its end of
    /// support.
    #[serde(skip_serializing_if = "Option::is_none")]
    support: Option<&'a [support::Standing]>,
}

fn text(preview: &Preview, dry_run: bool) -> String {
    let versions = match (
        preview.template_version.before,
        preview.template_version.after,
    ) {
        (Some(a), Some(b)) if a != b => format!("template {a} → {b}"),
        (None, Some(b)) => format!("template → {b}"),
        (_, Some(b)) => format!("template {b}"),
        _ => String::new(),
    };
    let head = if dry_run { "Would update" } else { "Updated" };
    let mut out = format!(
        "{} {} ({}, {versions})\n",
        style(head).green().bold(),
        preview.dir.display(),
        preview.stack
    );
    for (key, after) in &preview.answers.after {
        if let Some(before) = preview.answers.before.get(key)
            && before != after
        {
            // The record's values, as JSON shows them, direction marks escaped too.
            let (before, after) = (before.to_string(), after.to_string());
            out.push_str(&format!(
                "  answer {key}: {} → {}\n",
                crate::text::shown(&before),
                crate::text::shown(&after)
            ));
        }
    }
    let notable: Vec<_> = preview.notable().collect();
    if notable.is_empty() {
        out.push_str("  nothing to change: the project is current\n");
    }
    for file in notable {
        let word = file.fate.word();
        let word = match file.fate {
            Fate::Conflict => style(word).red().bold().to_string(),
            Fate::Updated | Fate::Added | Fate::Merged => style(word).green().to_string(),
            _ => style(word).yellow().to_string(),
        };
        let to = file
            .to
            .as_deref()
            .map(|t| format!(" → {t}"))
            .unwrap_or_default();
        out.push_str(&format!("  {word:<16} {}{to}\n", file.path));
    }
    if preview.base == "none" {
        out.push_str("  (no record of what sprout wrote: every file you changed is a conflict against the new version)\n");
    }
    if !preview.conflicts.is_empty() {
        out.push_str(&format!(
            "\n{} conflict(s): edit the <<<<<<< … >>>>>>> blocks in\n",
            preview.conflicts.len()
        ));
        for path in &preview.conflicts {
            out.push_str(&format!("  {path}\n"));
        }
    }
    out
}

/// Whether the project is current with `catalog`'s templates: `Success` or `UpdateAvailable`.
pub fn status(catalog: &Catalog, dir: &std::path::Path) -> Result<(Exit, Preview)> {
    let preview = prepare(catalog, dir, &[]).map_err(|e| catalog.blame(e))?;
    let exit = if preview.is_current() {
        Exit::Success
    } else {
        Exit::UpdateAvailable
    };
    Ok((exit, preview))
}

/// `sprout check`: 0 when current, 6 when an update is available.
pub fn check(
    dir: &std::path::Path,
    template: Option<&str>,
    json: bool,
    out: &Output,
) -> Result<Exit> {
    let _lock = locked(dir, out)?;
    let (exit, preview) = status(&catalog(dir, template, Pin::Newest)?, dir)?;
    let current = exit == Exit::Success;
    // The table holds the built-in stacks' lines: a project of a template from elsewhere is on
    // lines sprout knows nothing of, whatever its stack is called.
    let record = Record::read(dir)?;
    let lines = if record.template.is_none() && template.is_none() {
        support::of_project(&record.stack, &record.answers, support::today())?
    } else {
        Vec::new()
    };
    let result = if json {
        out.json(&Json {
            dry_run: true,
            current,
            preview: &preview,
            verify: None,
            support: Some(&lines),
        })
    } else {
        let head = if current {
            format!("{} is current ({})\n", dir.display(), preview.stack)
        } else {
            format!("{}Run `sprout update` to apply.\n", text(&preview, true))
        };
        out.result(&format!("{head}{}", support_text(&lines)))
    };
    printed(result, None)?;
    if lines.iter().any(|l| l.status == support::Status::Ended) {
        return Ok(Exit::Unsupported);
    }
    Ok(exit)
}

/// The lines past or near their end of support, each with the update that moves off it.
fn support_text(lines: &[support::Standing]) -> String {
    let mut text = String::new();
    for line in lines.iter().filter(|l| l.is_warning()) {
        let mark = match line.status {
            support::Status::Ended => style("end of support").red().bold(),
            _ => style("end of support").yellow().bold(),
        };
        text.push_str(&format!("{mark}: {}\n", line.describe()));
        if let Some(answer) = line.moves_to {
            text.push_str(&format!("  fix: sprout update --set {answer}\n"));
        }
        text.push_str(&format!("  source: {}\n", line.source));
    }
    text
}

pub fn verify(args: VerifyArgs, out: &Output) -> Result<Exit> {
    let _lock = locked(&args.dir, out)?;
    let catalog = catalog(&args.dir, args.source.template.as_deref(), Pin::Recorded)?;
    let options = verify_options(args.timeout, args.exec);
    let trusted = args.source.trust;
    run_verify(&catalog, &args.dir, &options, trusted, args.json, out)
}

/// Which commit of a recorded git source to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    /// The newest of the recorded reference (what `update` and `check` compare against).
    Newest,
    /// The commit the project was rendered from (what `verify` runs the commands of).
    Recorded,
}

/// The templates of the project in `dir`: from `template` when given, else from the source its
/// record names (the built-in ones when it names none).
pub fn catalog(dir: &std::path::Path, template: Option<&str>, pin: Pin) -> Result<Catalog> {
    let record = Record::read(dir)?;
    if let Some(text) = template {
        return Catalog::from_source_as(&Source::parse(text), None, &record.stack);
    }
    let Some(recorded) = record.template else {
        return Ok(Catalog::embedded());
    };
    let commit = record
        .template_commit
        .as_deref()
        .filter(|_| pin == Pin::Recorded);
    Catalog::from_source_as(&Source::parse(&recorded), commit, &record.stack).map_err(|error| {
        match error {
            Error::SourceUnavailable { template, reason } => Error::RecordedSourceGone {
                template,
                record: dir.join(record::FILE_NAME),
                reason,
            },
            other => other,
        }
    })
}

/// The commands verify runs, accepted first when the template is not built in.
fn accept_commands(catalog: &Catalog, dir: &std::path::Path, trusted: bool) -> Result<()> {
    if catalog.origin().is_built_in() {
        return Ok(());
    }
    let (_, commands) = verify::commands(catalog, dir).map_err(|e| catalog.blame(e))?;
    let all = [
        commands.install,
        commands.lint,
        commands.test,
        commands.start,
    ];
    trust::check_here(catalog.origin(), &all, trusted)
}

fn verify_options(health_seconds: u64, exec: Option<String>) -> verify::Options {
    verify::Options {
        health_timeout: Duration::from_secs(health_seconds),
        exec,
        ..verify::Options::default()
    }
}

fn run_verify(
    catalog: &Catalog,
    dir: &std::path::Path,
    options: &verify::Options,
    trusted: bool,
    json: bool,
    out: &Output,
) -> Result<Exit> {
    accept_commands(catalog, dir, trusted)?;
    // An interrupt stops the running step's process group, then sprout exits 130.
    if !json {
        printed(out.result(&verify::heading(dir)), None)?;
    }
    let progress = |step: &verify::Step| {
        if !json {
            // A failure to print shows again at the summary.
            let _ = out.result(&verify::step_text(step));
        }
    };
    let report = verify::run(catalog, dir, options, &progress)?;
    let result = if json {
        out.json(&report)
    } else {
        out.result(&verify::summary(&report))
    };
    printed(result, None)?;
    Ok(exit_for(verify::failure(&report), out))
}
