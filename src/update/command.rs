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

use super::tags::{self, Tags};
use super::{Fate, Preview, Unrecorded, base, branch, diff, index, prepare, prepare_with, write};

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
    let (template, tags) = versions(
        &args.dir,
        args.flags.source.template.as_deref(),
        args.to_latest,
        out,
    )?;
    let catalog = catalog(&args.dir, template.as_deref(), Pin::Newest)?;
    run(&catalog, &args.dir, &set, &args.flags, tags, out)
}

/// The newer tags of a git template read at a version tag (one `git ls-remote`); `None` for any
/// other source, or, said in a note, when the repository cannot be asked.
fn newer_tags(dir: &std::path::Path, template: Option<&str>, out: &Output) -> Result<Option<Tags>> {
    let Some(source) = tags::source_of(dir, template)? else {
        return Ok(None);
    };
    match tags::of(&source) {
        None => Ok(None),
        Some(Ok(tags)) => Ok(Some(tags)),
        Some(Err(reason)) => {
            out.note(&format!("newer tags of {source} are not known: {reason}"));
            Ok(None)
        }
    }
}

/// `update`'s source and tags: with `to_latest`, the template's newest version tag (refused for
/// a source not read at one), else `template` as given and the newer tags found.
fn versions(
    dir: &std::path::Path,
    template: Option<&str>,
    to_latest: bool,
    out: &Output,
) -> Result<(Option<String>, Option<Tags>)> {
    if !to_latest {
        return Ok((template.map(String::from), newer_tags(dir, template, out)?));
    }
    let source = tags::source_of(dir, template)?;
    let (moved, tags) = tags::to_latest(source.as_ref())?;
    Ok((moved.or_else(|| template.map(String::from)), Some(tags)))
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
    let tags = newer_tags(&args.dir, args.flags.source.template.as_deref(), out)?;
    run(&catalog, &args.dir, &set, &args.flags, tags, out)
}

fn run(
    catalog: &Catalog,
    dir: &std::path::Path,
    set: &[(String, String)],
    flags: &UpdateFlags,
    tags: Option<Tags>,
    out: &Output,
) -> Result<Exit> {
    let unrecorded = if flags.yes {
        Unrecorded::TakeDefault
    } else {
        Unrecorded::Refuse
    };
    let prepared = move || -> Result<Preview> {
        let mut preview =
            prepare_with(catalog, dir, set, unrecorded).map_err(|e| catalog.blame(e))?;
        preview.tags = tags;
        Ok(preview)
    };
    if let Some(name) = &flags.branch {
        return on_branch(catalog, dir, flags, name, prepared, out);
    }
    let preview = prepared()?;
    // Merging over unresolved conflict blocks would bury them.
    if !flags.dry_run
        && let Some(left) = markers_error(&markers_left(dir, &preview))
    {
        return Err(left);
    }
    if !flags.dry_run && !flags.allow_dirty && !preview.changes.is_empty() {
        refuse_dirty(dir)?;
    }
    // `--verify` runs the updated project's commands: accepted (or refused, exit 13) before
    // anything is written.
    let verify_after = flags.verify && !flags.dry_run && preview.conflicts.is_empty();
    if verify_after {
        accept_verify(catalog, &preview, flags.source.trust)?;
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
    let head = match (flags.dry_run, preview.is_current()) {
        (_, true) => "Current:",
        (true, false) => "Would update",
        (false, false) => "Updated",
    };
    printed(out.result(&text(&preview, head)), written)?;
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

/// `--verify` runs the updated project's commands: accepted (or refused, exit 13) before
/// anything is written.
fn accept_verify(catalog: &Catalog, preview: &Preview, trusted: bool) -> Result<()> {
    let c = &preview.commands;
    let all = [
        c.install.clone(),
        c.lint.clone(),
        c.test.clone(),
        c.start.clone(),
    ];
    trust::check_here(catalog.origin(), &all, trusted)
}

/// `update --branch NAME`: the update (as `prepared` decides it) committed on a new branch, the
/// user's branch untouched.
fn on_branch(
    catalog: &Catalog,
    dir: &std::path::Path,
    flags: &UpdateFlags,
    name: &str,
    prepared: impl FnOnce() -> Result<Preview>,
    out: &Output,
) -> Result<Exit> {
    if !base::in_repository(dir) {
        return Err(Error::Usage(
            "--branch needs the project in a git repository".into(),
        ));
    }
    branch::check_name(dir, name)?;
    refuse_dirty(dir)?;
    let preview = prepared()?;
    if let Some(left) = markers_error(&markers_left(dir, &preview)) {
        return Err(left);
    }
    // Conflicts are committed nowhere: reported as a dry run would report them.
    if !preview.conflicts.is_empty() || preview.is_current() {
        let conflicts = (!preview.conflicts.is_empty()).then(|| Error::Conflicts {
            count: preview.conflicts.len(),
            list: preview.conflicts.join(", "),
        });
        let result = if flags.json {
            out.json(&Json {
                dry_run: true,
                current: preview.is_current(),
                preview: &preview,
                verify: None,
                support: None,
            })
        } else {
            out.result(&text(&preview, "Would update"))
        };
        printed(result, None)?;
        return Ok(exit_for(conflicts, out));
    }
    if flags.verify {
        accept_verify(catalog, &preview, flags.source.trust)?;
    }
    let mut tree = branch::Worktree::open(dir, name)?;
    let _guard = signals::Guard::start();
    writer::update::apply(&tree.dir, &preview.changes, &signals::CANCEL)?;
    base::keep(dir, &preview.stored_base);
    let report = flags
        .verify
        .then(|| verify::run(catalog, &tree.dir, &verify_options(120, None), &|_| {}))
        .transpose()?;
    if let Some(failure) = report.as_ref().and_then(verify::failure) {
        // Not committed: the branch goes with its worktree.
        drop(tree);
        if flags.json {
            printed(
                out.json(&Json {
                    dry_run: true,
                    current: false,
                    preview: &preview,
                    verify: report.as_ref(),
                    support: None,
                }),
                None,
            )?;
        }
        return Ok(exit_for(Some(failure), out));
    }
    let commit = tree.commit(&branch::message(&preview))?;
    drop(tree);
    if flags.json {
        printed(
            out.json(&BranchJson {
                update: Json {
                    dry_run: false,
                    current: false,
                    preview: &preview,
                    verify: report.as_ref(),
                    support: None,
                },
                branch: Branch {
                    name,
                    commit: &commit,
                },
            }),
            None,
        )?;
    } else {
        printed(
            out.result(&format!(
                "{}Committed on branch {name} ({commit}); your branch is as it was\n",
                text(&preview, "Update")
            )),
            None,
        )?;
    }
    Ok(Exit::Success)
}

/// `update --branch --json`: the update, and the branch it was committed on.
#[derive(serde::Serialize)]
struct BranchJson<'a> {
    #[serde(flatten)]
    update: Json<'a>,
    branch: Branch<'a>,
}

#[derive(serde::Serialize)]
struct Branch<'a> {
    name: &'a str,
    commit: &'a str,
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

/// The report; `head` is its first word ("Updated", "Would update").
fn text(preview: &Preview, head: &str) -> String {
    let versions = match (
        preview.template_version.before,
        preview.template_version.after,
    ) {
        (Some(a), Some(b)) if a != b => format!("template {a} → {b}"),
        // A record without a version was made from version 1.
        (None, Some(b)) if b != 1 => format!("template 1 → {b}"),
        (None, Some(b)) => format!("template {b}"),
        (_, Some(b)) => format!("template {b}"),
        _ => String::new(),
    };
    let mut out = format!(
        "{} {} ({}, {versions})\n",
        style(head).green().bold(),
        preview.dir.display(),
        preview.stack
    );
    out.push_str(&tags_text(preview.tags.as_ref()));
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
        if preview.defaulted.contains(key) {
            out.push_str(&format!(
                "  answer {key}: (not recorded) → {after} (default, --yes)\n"
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
        let keys = file
            .keys
            .as_ref()
            .map(|k| format!(" ({})", k.describe()))
            .unwrap_or_default();
        out.push_str(&format!("  {word:<16} {}{to}{keys}\n", file.path));
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

/// The template's tag lines of a report: the move `--to-latest` made, and the newer tags.
fn tags_text(tags: Option<&Tags>) -> String {
    let Some(tags) = tags else {
        return String::new();
    };
    let mut out = String::new();
    if let Some(before) = &tags.before {
        out.push_str(&format!("  template tag {before} → {}\n", tags.tag));
    }
    if let Some(latest) = tags.latest() {
        out.push_str(&format!(
            "  newer tags of the template than {}: {} (`sprout update --to-latest` moves to {latest})\n",
            tags.tag,
            tags.newer.join(", ")
        ));
    }
    out
}

/// The files of the project that still hold conflict markers (committed or not) or that git
/// holds unmerged: sprout's files and every tracked file.
pub fn markers_left(dir: &std::path::Path, preview: &Preview) -> Vec<String> {
    let mut paths: Vec<String> = preview.files.iter().map(|f| f.path.clone()).collect();
    paths.extend(preview.files.iter().filter_map(|f| f.to.clone()));
    paths.extend(index::tracked(dir));
    paths.sort();
    paths.dedup();
    let mut left = index::with_markers(dir, &paths);
    left.extend(index::unmerged(dir));
    left.sort();
    left.dedup();
    left
}

fn markers_error(left: &[String]) -> Option<Error> {
    (!left.is_empty()).then(|| Error::MarkersLeft {
        count: left.len(),
        list: left.join(", "),
    })
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
    let (mut exit, mut preview) = status(&catalog(dir, template, Pin::Newest)?, dir)?;
    preview.tags = newer_tags(dir, template, out)?;
    let left = markers_left(dir, &preview);
    let current = exit == Exit::Success;
    // A newer tag of the template is an update too.
    if preview.tags.as_ref().is_some_and(|t| t.latest().is_some()) {
        exit = Exit::UpdateAvailable;
    }
    // The table holds the built-in stacks' lines: a project of a template from elsewhere is on
    // lines sprout knows nothing of, whatever its stack is called.
    let record = Record::read(dir)?;
    let lines = if record.template.is_none() && template.is_none() {
        support::of_project(&record.stack, &record.answers, support::today())?
    } else {
        Vec::new()
    };
    let result = if json {
        out.json(&CheckJson {
            update: Json {
                dry_run: true,
                current,
                preview: &preview,
                verify: None,
                support: Some(&lines),
            },
            markers_left: &left,
        })
    } else {
        let head = if current && !left.is_empty() {
            // The update is written; what waits is the user's resolving of it.
            format!(
                "{} has no update to apply ({}), but conflicts to resolve\n",
                dir.display(),
                preview.stack
            )
        } else if current {
            format!(
                "{} is current ({}){}\n{}",
                dir.display(),
                preview.stack,
                preview
                    .tags
                    .as_ref()
                    .map(|t| format!(" at {}", t.tag))
                    .unwrap_or_default(),
                tags_text(preview.tags.as_ref())
            )
        } else {
            format!(
                "{}Run `sprout update` to apply.\n",
                text(&preview, "Would update")
            )
        };
        out.result(&format!("{head}{}", support_text(&lines)))
    };
    printed(result, None)?;
    // Conflicts left come first: the update waits for them.
    if let Some(error) = markers_error(&left) {
        return Ok(exit_for(Some(error), out));
    }
    if lines.iter().any(|l| l.status == support::Status::Ended) {
        return Ok(Exit::Unsupported);
    }
    Ok(exit)
}

/// `sprout check --json`: what an update would do, and the files still holding conflict markers.
#[derive(serde::Serialize)]
struct CheckJson<'a> {
    #[serde(flatten)]
    update: Json<'a>,
    markers_left: &'a [String],
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
