//! The trees of the built-in templates, parsed once, at build time: every `.hbs` under
//! `templates/`, every manifest text with an expression and every file path with one (a
//! stack's `files/src/app.{{ext}}.hbs` is written to `src/app.{{ext}}` rendered), parsed by the Handlebars sprout runs
//! with and written as one bundle of cache entries (`src/trees/entry.rs`) into
//! `$OUT_DIR/trees.bin`, which `src/trees/` reads before its cache on disk. A text that does not
//! parse, or whose tree has no stored form, is left out: the run parses it (and reports it).

use std::error::Error;
use std::fs;
use std::path::Path;

use handlebars::template::Template;

use crate::entry;
use crate::mirror::Tree;

/// Write `trees.bin` into `out` for the templates under `templates`, parsed by Handlebars
/// `handlebars` (its version).
pub fn write(templates: &Path, out: &Path, handlebars: &str) -> Result<(), Box<dyn Error>> {
    let mut texts = Vec::new();
    collect(templates, None, &mut texts)?;
    let mut entries = Vec::with_capacity(texts.len());
    for text in &texts {
        let Some(tree) = Template::compile(text).ok().and_then(Tree::from_template) else {
            continue;
        };
        let bytes = entry::encode(text, &tree, handlebars).ok_or("a tree could not be written")?;
        entries.push((entry::key(text, handlebars), bytes));
    }
    let bundle = entry::bundle(entries).ok_or("the trees do not fit a bundle")?;
    fs::write(out.join("trees.bin"), bundle)?;
    Ok(())
}

/// The template texts under `dir`: `.hbs` files, the strings of `.toml` files that hold an
/// expression, and the paths under `files` (a stack's folder of files) that hold one.
fn collect(
    dir: &Path,
    files: Option<&Path>,
    texts: &mut Vec<String>,
) -> Result<(), Box<dyn Error>> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            let files = files.or_else(|| path.ends_with("files").then_some(path.as_path()));
            collect(&path, files, texts)?;
            continue;
        }
        if let Some(source) = files
            .and_then(|root| path.strip_prefix(root).ok())
            .and_then(|p| p.to_str())
            .filter(|p| p.contains("{{"))
        {
            let source = source.replace(std::path::MAIN_SEPARATOR, "/");
            texts.push(source.strip_suffix(".hbs").unwrap_or(&source).to_owned());
        }
        if path.extension().is_some_and(|e| e == "hbs") {
            // Not UTF-8: the run says so.
            if let Ok(text) = fs::read_to_string(&path) {
                texts.push(text);
            }
        } else if path.extension().is_some_and(|e| e == "toml") {
            let table: toml::Table = fs::read_to_string(&path)?
                .parse()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            strings(&toml::Value::Table(table), texts);
        }
    }
    Ok(())
}

fn strings(value: &toml::Value, texts: &mut Vec<String>) {
    match value {
        toml::Value::String(s) if s.contains("{{") => texts.push(s.clone()),
        toml::Value::Array(items) => items.iter().for_each(|v| strings(v, texts)),
        toml::Value::Table(table) => table.values().for_each(|v| strings(v, texts)),
        _ => {}
    }
}
