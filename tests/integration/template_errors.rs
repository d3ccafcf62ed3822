//! Template errors name the file as its author sees it, the real line and column, and the
//! variable or helper at fault, whatever the renderer does to go fast.

use std::path::{Path, PathBuf};

use sprout::answers::Given;
use sprout::catalog::Catalog;
use sprout::error::Error;
use sprout::generate::prepare;
use sprout::template_error::TemplateError;

/// The embedded templates copied into a folder, with `edit` applied to some of their files.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        crate::common::cache_dir();
        let dir = tempfile::tempdir().unwrap();
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
            dir.path(),
        );
        Fixture { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Replace line `line` (1-based) of a file, or append lines up to it.
    fn set_line(&self, relative: &str, line: usize, text: &str) {
        let path = self.path(relative);
        let old = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = old.lines().map(String::from).collect();
        while lines.len() < line {
            lines.push(format!(
                "Plain padding line {} with enough words to be lifted out.",
                lines.len() + 1
            ));
        }
        lines[line - 1] = text.to_string();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    }

    /// The number (1-based) of the first line of a file that starts with `start`.
    fn line_of(&self, relative: &str, start: &str) -> usize {
        let text = std::fs::read_to_string(self.path(relative)).unwrap();
        text.lines().position(|l| l.starts_with(start)).unwrap() + 1
    }

    /// Render `stack` from the fixture with `set`, expecting a template error.
    fn error(&self, stack: &str, set: &[(&str, &str)]) -> TemplateError {
        let catalog = Catalog::from_folder(self.dir.path()).unwrap();
        let stack = catalog.load(stack).unwrap();
        let mut all = vec![("name".to_string(), "demo-app".to_string())];
        all.extend(set.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let given = Given {
            set: all,
            file: None,
        };
        match prepare(&stack, &given, None) {
            Err(Error::Render(e)) => *e,
            Err(other) => panic!("not a template error: {other:?}"),
            Ok(_) => panic!("rendered without error"),
        }
    }

    fn shown(&self, relative: &str) -> String {
        self.path(relative).display().to_string()
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// What every template error must not say, and must say, for a template that is not built in.
fn assert_reported_as_the_templates_fault(error: &TemplateError) {
    let whole = format!(
        "{}\n{}",
        Error::Render(Box::new(error.clone())),
        Error::Render(Box::new(error.clone()))
            .hint()
            .unwrap_or_default()
    );
    for wrong in [
        "Unnamed template",
        "__raw",
        "bug in sprout",
        "please report",
    ] {
        assert!(!whole.contains(wrong), "{wrong:?} in {whole}");
    }
    assert!(whole.contains("the template is at fault"), "{whole}");
}

#[test]
fn an_undefined_variable_on_line_166_of_a_lifted_template_is_reported_there() {
    let fixture = Fixture::new();
    fixture.set_line("express/files/README.md.hbs", 166, "Read {{nope}} first.");
    let error = fixture.error("express", &[]);
    assert_eq!(error.file, fixture.shown("express/files/README.md.hbs"));
    assert_eq!((error.line, error.column), (Some(166), Some(6)));
    assert_eq!(error.name.as_deref(), Some("nope"));
    assert!(!error.built_in);
    let message = Error::Render(Box::new(error.clone())).to_string();
    assert!(
        message.starts_with(&format!(
            "{}:166:6: ",
            fixture.shown("express/files/README.md.hbs")
        )),
        "{message}"
    );
    assert_reported_as_the_templates_fault(&error);
}

#[test]
fn an_error_on_line_46_of_the_shared_ci_workflow_is_reported_there() {
    let fixture = Fixture::new();
    let ci = "_shared/files/.github/workflows/ci.yml.hbs";
    fixture.set_line(ci, 46, "        run: {{commands.tset}}");
    let error = fixture.error("express", &[("ci", "yes")]);
    assert_eq!(error.file, fixture.shown(ci));
    assert_eq!((error.line, error.column), (Some(46), Some(14)));
    assert_eq!(error.name.as_deref(), Some("commands.tset"));
    assert_reported_as_the_templates_fault(&error);
}

#[test]
fn an_unknown_helper_inside_a_block_names_the_helper_and_its_line() {
    let fixture = Fixture::new();
    let readme = "express/files/README.md.hbs";
    // A plain line of the project layout, outside any block.
    let line = fixture.line_of(readme, "  request-logger.");
    fixture.set_line(readme, line, "{{#if ci}}{{shout name}}{{/if}}");
    let error = fixture.error("express", &[("ci", "yes")]);
    assert_eq!(error.file, fixture.shown(readme));
    assert_eq!((error.line, error.column), (Some(line), Some(11)));
    assert_eq!(error.name.as_deref(), Some("shout"));
    assert_reported_as_the_templates_fault(&error);
}

#[test]
fn an_error_in_a_partial_names_the_partial_file() {
    let fixture = Fixture::new();
    let partial = "express/partials/ci-setup.hbs";
    fixture.set_line(partial, 2, "  {{missing_in_partial}}");
    let error = fixture.error("express", &[("ci", "yes")]);
    assert_eq!(error.file, fixture.shown(partial));
    assert_eq!((error.line, error.column), (Some(2), Some(3)));
    assert_eq!(error.name.as_deref(), Some("missing_in_partial"));
}

#[test]
fn a_syntax_error_is_reported_at_its_line_in_the_file() {
    let fixture = Fixture::new();
    // The `{{#if}}` that holds `migrations/` in the project layout; its `{{/if}}` is two lines below.
    let line = fixture.line_of("express/files/README.md.hbs", "migrations/ ") - 1;
    fixture.set_line(
        "express/files/README.md.hbs",
        line,
        "Broken {{#if ci}}block{{/each}}",
    );
    let error = fixture.error("express", &[]);
    assert_eq!(error.file, fixture.shown("express/files/README.md.hbs"));
    // The parser stops at the `{{/if}}` two lines below, which now closes nothing: the same
    // place as when Handlebars parses the file whole.
    let text = std::fs::read_to_string(fixture.path("express/files/README.md.hbs")).unwrap();
    let whole = handlebars::Template::compile(&text).unwrap_err();
    assert_eq!(whole.pos(), Some((line + 2, 3)));
    assert_eq!(
        (error.line, error.column),
        (Some(line + 2), Some(3)),
        "{error:?}"
    );
    assert!(error.reason.starts_with("syntax error"), "{error:?}");
    assert_reported_as_the_templates_fault(&error);
}

#[test]
fn an_error_in_a_command_names_the_manifest_and_the_command() {
    let fixture = Fixture::new();
    let line = fixture.line_of("express/sprout.toml", "test = ");
    fixture.set_line("express/sprout.toml", line, "test = \"npm test {{nope}}\"");
    let error = fixture.error("express", &[]);
    assert_eq!(error.file, fixture.shown("express/sprout.toml"));
    assert_eq!(error.name.as_deref(), Some("nope"));
    assert!(
        error.reason.starts_with("command `npm test {{nope}}`"),
        "{error:?}"
    );
    assert_reported_as_the_templates_fault(&error);
}

#[test]
fn a_built_in_template_is_named_under_templates_and_is_sprouts_fault() {
    let stack = sprout::catalog::load("express").unwrap();
    assert!(stack.origin.built_in);
    assert_eq!(
        stack.origin.file("express/files/README.md.hbs"),
        "templates/express/files/README.md.hbs"
    );
    let custom = Catalog::from_folder(Fixture::new().dir.path())
        .unwrap()
        .load("express")
        .unwrap();
    assert!(!custom.origin.built_in);
}

/// A template that is one stack (`sprout.toml` at its top), on the built-in shared layer.
fn single_stack(readme: &str) -> (tempfile::TempDir, PathBuf) {
    crate::common::cache_dir();
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("golden");
    crate::templates::write_stack(&golden, readme);
    (dir, golden)
}

fn render_error(catalog: &Catalog, key: &str, set: &[(&str, &str)]) -> TemplateError {
    let stack = catalog.load(key).unwrap();
    let mut all = vec![("name".to_string(), "demo-app".to_string())];
    all.extend(set.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    match prepare(
        &stack,
        &Given {
            set: all,
            file: None,
        },
        None,
    ) {
        Err(Error::Render(e)) => *e,
        Err(other) => panic!("not a template error: {other:?}"),
        Ok(_) => panic!("rendered without error"),
    }
}

#[test]
fn a_template_that_is_one_stack_names_its_own_files_once() {
    let (_dir, golden) = single_stack("# {{name}}\n\nSee {{#nope}}x{{/nope}}.\n");
    let catalog = Catalog::from_folder(&golden).unwrap();
    let error = render_error(&catalog, "golden", &[]);
    assert_eq!(
        error.file,
        golden.join("files/README.md.hbs").display().to_string()
    );
    assert_eq!(error.line, Some(3));
    assert_reported_as_the_templates_fault(&error);
}
