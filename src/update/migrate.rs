//! Carrying a project's record across template versions before the merge: renamed answers and
//! values, moved files (so a move is a move, not a delete and an add).
//!
//! A `rename_file` path may hold `{{…}}` (`{{package}}/health.py`), as a file's `to` does: the
//! moves are collected first ([`apply`]), rendered with the project's answers once those are
//! known ([`render`]), then applied to the record's files ([`place`]).

use crate::manifest::Migration;
use crate::record::{self, Record};

/// Files to move: (old path, new path), in order.
pub type Moves = Vec<(String, String)>;

/// Apply every migration above the record's version (a record without one is version 1) to the
/// record's answers; the files to move, as the template wrote their paths. See
/// [`Record::migrate`].
pub fn apply(record: &mut Record, migrations: &[Migration]) -> Result<Moves, String> {
    record.migrate(migrations)
}

/// `moves` with each path holding `{{` rendered by `fill` (the others as they are).
pub fn render<E>(
    moves: Moves,
    fill: impl FnOnce(&[&str]) -> Result<Vec<String>, E>,
) -> Result<Moves, E> {
    let texts: Vec<&str> = moves
        .iter()
        .flat_map(|(old, new)| [old.as_str(), new.as_str()])
        .filter(|p| p.contains("{{"))
        .collect();
    if texts.is_empty() {
        return Ok(moves);
    }
    let filled = fill(&texts)?;
    let rendered: std::collections::HashMap<&str, String> =
        texts.iter().copied().zip(filled).collect();
    let path = |p: &String| {
        rendered
            .get(p.as_str())
            .cloned()
            .unwrap_or_else(|| p.clone())
    };
    Ok(moves
        .iter()
        .map(|(old, new)| (path(old), path(new)))
        .collect())
}

/// Move the record's files as `moves` (rendered) say; a path that could not be the project's
/// is refused.
pub fn place(record: &mut Record, moves: &Moves) -> Result<(), String> {
    for (old, new) in moves {
        record::check_path(old)?;
        record::check_path(new)?;
    }
    follow(&mut record.files, moves);
    Ok(())
}

/// A base's path → blob id, its files where `moves` take them (a base read from sprout's first
/// commit holds the paths of then).
pub fn follow(files: &mut std::collections::BTreeMap<String, String>, moves: &Moves) {
    for (old, new) in moves {
        if let Some(id) = files.remove(old) {
            files.insert(new.clone(), id);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::value::Value;

    #[test]
    fn steps_above_the_recorded_version_apply_in_order() {
        let mut record = Record {
            sprout_version: None,
            stack: "s".into(),
            template: None,
            template_commit: None,
            template_version: Some(1),
            year: None,
            answers: vec![("db".into(), Value::Text("pg".into()))],
            files: [("a.txt".to_string(), "1".repeat(40))].into(),
        };
        let migrations = vec![
            Migration {
                version: 3,
                rename_file: [("b.txt".to_string(), "c.txt".to_string())].into(),
                ..Migration::default()
            },
            Migration {
                version: 2,
                rename_file: [("a.txt".to_string(), "b.txt".to_string())].into(),
                rename_answer: [("db".to_string(), "database".to_string())].into(),
                rename_value: [(
                    "database".to_string(),
                    BTreeMap::from([("pg".to_string(), "postgres".to_string())]),
                )]
                .into(),
                answer: [
                    ("database".to_string(), toml::Value::from("never")),
                    ("language".to_string(), toml::Value::from("js")),
                ]
                .into(),
            },
            Migration {
                version: 1,
                rename_answer: [("database".to_string(), "never".to_string())].into(),
                ..Migration::default()
            },
        ];
        let moves = apply(&mut record, &migrations).unwrap();
        assert_eq!(moves, vec![("a.txt".to_string(), "c.txt".to_string())]);
        place(&mut record, &moves).unwrap();
        // `answer` fills only what the record lacks.
        assert_eq!(
            record.answers,
            vec![
                ("database".into(), Value::Text("postgres".into())),
                ("language".into(), Value::Text("js".into())),
            ]
        );
        assert!(record.files.contains_key("c.txt"));
    }
}

#[cfg(test)]
mod rendered {
    use super::*;

    #[test]
    fn paths_holding_expressions_are_rendered_and_others_kept() {
        let moves = vec![
            (
                "{{package}}/health.py".to_string(),
                "{{package}}/status.py".to_string(),
            ),
            ("README.md".to_string(), "docs/README.md".to_string()),
        ];
        let rendered = render(moves, |texts: &[&str]| {
            Ok::<_, ()>(
                texts
                    .iter()
                    .map(|t| t.replace("{{package}}", "shop"))
                    .collect(),
            )
        })
        .unwrap();
        assert_eq!(
            rendered,
            vec![
                ("shop/health.py".to_string(), "shop/status.py".to_string()),
                ("README.md".to_string(), "docs/README.md".to_string()),
            ]
        );
    }

    #[test]
    fn a_rendered_path_leaving_the_project_is_refused() {
        let mut record = Record::parse("stack = \"s\"\n").unwrap();
        let moves = vec![("a.txt".to_string(), "../b.txt".to_string())];
        assert!(place(&mut record, &moves).is_err());
    }
}
