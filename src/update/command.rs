//! The `update`, `add` and `check` commands: arguments in, text or JSON out, an exit code.

use std::time::Duration;

use console::style;

use crate::answers;
use crate::catalog::Catalog;
use crate::cli::{AddArgs, UpdateArgs, UpdateFlags, VerifyArgs};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Output;
use crate::record::Record;
use crate::verify;

use super::{Fate, Preview, base, diff, prepare, write};

pub fn update(args: UpdateArgs, out: &Output) -> Result<Exit> {
    let set = args
        .set
        .iter()
        .map(|raw| answers::parse_set(raw))
        .collect::<Result<Vec<_>>>()?;
    run(&args.dir, &set, &args.flags, out)
}

pub fn add(args: AddArgs, out: &Output) -> Result<Exit> {
    let record = Record::read(&args.dir)?;
    let stack = Catalog::embedded().load(&record.stack)?;
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
    run(&args.dir, &set, &args.flags, out)
}

fn run(
    dir: &std::path::Path,
    set: &[(String, String)],
    flags: &UpdateFlags,
    out: &Output,
) -> Result<Exit> {
    let catalog = Catalog::embedded();
    let preview = prepare(&catalog, dir, set)?;
    if !flags.dry_run && !flags.allow_dirty && !preview.changes.is_empty() {
        refuse_dirty(dir)?;
    }
    // Written first: what is printed is what happened.
    if !flags.dry_run {
        write(&preview)?;
    }
    let written = (!flags.dry_run).then_some(dir);
    if flags.json {
        printed(
            out.json(&Json {
                dry_run: flags.dry_run,
                current: preview.is_current(),
                preview: &preview,
            }),
            written,
        )?;
    } else {
        printed(out.result(&text(&preview, flags.dry_run)), written)?;
        if flags.diff {
            printed(out.result(&diff(&preview)), written)?;
        }
    }
    if flags.dry_run {
        return Ok(Exit::Success);
    }
    if !preview.conflicts.is_empty() {
        let error = Error::Conflicts {
            count: preview.conflicts.len(),
            list: preview.conflicts.join(", "),
        };
        out.error(&error);
        return Ok(error.exit());
    }
    if flags.verify {
        return run_verify(&catalog, dir, Duration::from_secs(120), flags.json, out)
            .map_err(|error| error.after_writing(dir));
    }
    Ok(Exit::Success)
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
            out.push_str(&format!("  answer {key}: {before} → {after}\n"));
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
    let preview = prepare(catalog, dir, &[])?;
    let exit = if preview.is_current() {
        Exit::Success
    } else {
        Exit::UpdateAvailable
    };
    Ok((exit, preview))
}

/// `sprout check`: 0 when current, 6 when an update is available.
pub fn check(dir: &std::path::Path, json: bool, out: &Output) -> Result<Exit> {
    let (exit, preview) = status(&Catalog::embedded(), dir)?;
    let current = exit == Exit::Success;
    let result = if json {
        out.json(&Json {
            dry_run: true,
            current,
            preview: &preview,
        })
    } else if current {
        out.result(&format!(
            "{} is current ({})\n",
            dir.display(),
            preview.stack
        ))
    } else {
        out.result(&format!(
            "{}Run `sprout update` to apply.\n",
            text(&preview, true)
        ))
    };
    printed(result, None)?;
    Ok(exit)
}

pub fn verify(args: VerifyArgs, out: &Output) -> Result<Exit> {
    run_verify(
        &Catalog::embedded(),
        &args.dir,
        Duration::from_secs(args.timeout),
        args.json,
        out,
    )
}

fn run_verify(
    catalog: &Catalog,
    dir: &std::path::Path,
    timeout: Duration,
    json: bool,
    out: &Output,
) -> Result<Exit> {
    if !json {
        printed(out.result(&verify::heading(dir)), None)?;
    }
    let progress = |step: &verify::Step| {
        if !json {
            // A failure to print shows again at the summary.
            let _ = out.result(&verify::step_text(step));
        }
    };
    let report = verify::run(catalog, dir, timeout, &progress)?;
    let result = if json {
        out.json(&report)
    } else {
        out.result(&verify::summary(&report))
    };
    printed(result, None)?;
    match verify::failure(&report) {
        Some(error) => {
            out.error(&error);
            Ok(error.exit())
        }
        None => Ok(Exit::Success),
    }
}
