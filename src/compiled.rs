//! The built-in templates as Handlebars parses them, parsed once at build time.
//!
//! `build/compiled.rs` parses every `.hbs` file under `templates/`, and every text with an
//! expression in the built-in manifests, with the same Handlebars the binary renders with and
//! writes, into `$OUT_DIR/compiled.rs`, code that builds each parsed tree again from the
//! constructors below. So a run renders the built-in templates without parsing them: the render
//! step is the same, only the parse is gone. Tests check that every built-in template and text
//! is here and that each tree equals what Handlebars parses from its text.
//!
//! A tree carries no line numbers (Handlebars does not let them be built), so a render error in
//! one is found again by rendering its text (see `render::render`).

use std::collections::HashMap;

use handlebars::template::{
    DecoratorTemplate, ExpressionSpec, ExpressionSpecBuilder, HelperTemplate, Parameter,
    Subexpression, Template, TemplateElement,
};
use handlebars::{Path, PathSeg};
use serde_json::Value as Json;

/// Builds one template's tree; None only if Handlebars refuses a part of it.
type Build = fn() -> Option<Template>;

include!(concat!(env!("OUT_DIR"), "/compiled.rs"));

/// The parsed form of the built-in template stored at `path` (under `templates/`, e.g.
/// `express/files/package.json.hbs`) whose text is `text`; None for any other path, or when the
/// text is not the one parsed at build time.
pub fn template(path: &str, text: &str) -> Option<Template> {
    let (len, build) = lookup(path)?;
    (len == text.len()).then(build).flatten()
}

/// The parsed form of a text with an expression in a built-in manifest (a command, a step, a
/// derived value, a file's `to`); None for any other text.
pub fn manifest_text(text: &str) -> Option<Template> {
    lookup_text(text)?()
}

/// Paths of every template compiled in.
pub fn paths() -> impl Iterator<Item = &'static str> {
    PATHS.iter().copied()
}

fn tree(name: Option<&str>, elements: Vec<TemplateElement>) -> Template {
    let mut template = Template::default();
    template.name = name.map(str::to_owned);
    template.elements = elements;
    template
}

fn raw(text: &str) -> TemplateElement {
    TemplateElement::RawString(text.to_owned())
}

fn comment(text: &str) -> TemplateElement {
    TemplateElement::Comment(text.to_owned())
}

/// The parts every expression has: its name, positional and named parameters.
struct Call {
    name: Parameter,
    params: Vec<Parameter>,
    hash: Vec<(&'static str, Parameter)>,
}

fn call(name: Parameter, params: Vec<Parameter>, hash: Vec<(&'static str, Parameter)>) -> Call {
    Call { name, params, hash }
}

fn hash_map(pairs: Vec<(&'static str, Parameter)>) -> HashMap<String, Parameter> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// The expression's own parts. (Handlebars' builders clone what they are given, nested templates
/// included, so only the small parts go through one.)
fn spec(call: Call) -> Option<ExpressionSpec> {
    ExpressionSpecBuilder::default()
        .name(call.name)
        .params(call.params)
        .hash(hash_map(call.hash))
        .omit_pre_ws(false)
        .omit_pro_ws(false)
        .build()
        .ok()
}

/// A helper or value expression, or a block: `{{x}}`, `{{#if x}}…{{else}}…{{/if}}`.
fn helper(
    call: Call,
    block: bool,
    chain: bool,
    indent_before_write: bool,
    template: Option<Template>,
    inverse: Option<Template>,
) -> Option<Box<HelperTemplate>> {
    let mut helper = HelperTemplate::new(spec(call)?, block, indent_before_write);
    helper.chain = chain;
    helper.template = template;
    helper.inverse = inverse;
    Some(Box::new(helper))
}

/// A partial call: `{{> name}}` or `{{#> name}}…{{/name}}`, with the indentation it is called at.
fn partial(
    call: Call,
    indent: Option<&str>,
    indent_before_write: bool,
    template: Option<Template>,
) -> Option<Box<DecoratorTemplate>> {
    let mut partial = DecoratorTemplate::new(spec(call)?, indent_before_write);
    partial.indent = indent.map(str::to_owned);
    partial.template = template;
    Some(Box::new(partial))
}

fn name(text: &str) -> Parameter {
    Parameter::Name(text.to_owned())
}

/// A path of plain names, as `a.b` parses.
fn path(segments: &[&str], raw: &str) -> Parameter {
    let segments = segments.iter().map(|s| PathSeg::Named((*s).to_owned()));
    Parameter::Path(Path::Relative((segments.collect(), raw.to_owned())))
}

/// A text literal: `"postgres"` in `(eq database "postgres")`.
fn literal_text(value: &str) -> Parameter {
    Parameter::Literal(Json::String(value.to_owned()))
}

fn subexpression(call: Call) -> Parameter {
    Parameter::Subexpression(Subexpression::new(
        call.name,
        call.params,
        hash_map(call.hash),
    ))
}

#[cfg(test)]
mod tests {
    use handlebars::Handlebars;
    use include_dir::{Dir, File};

    use super::*;
    use crate::catalog;

    /// Every `.hbs` file under `<stack>/files/` and `<stack>/partials/`, by path.
    fn built_in_templates() -> Vec<&'static File<'static>> {
        fn walk(dir: &'static Dir<'static>, out: &mut Vec<&'static File<'static>>) {
            out.extend(dir.files());
            for sub in dir.dirs() {
                walk(sub, out);
            }
        }
        let mut out = Vec::new();
        for stack in catalog::embedded_dir().dirs() {
            for kind in ["files", "partials"] {
                if let Some(dir) = stack.get_dir(stack.path().join(kind)) {
                    walk(dir, &mut out);
                }
            }
        }
        out.retain(|f| f.path().extension().is_some_and(|e| e == "hbs"));
        out
    }

    fn path_of(file: &'static File<'static>) -> &'static str {
        file.path().to_str().unwrap()
    }

    /// Line numbers are the one thing a tree built here cannot have.
    fn without_lines(mut template: Template) -> Template {
        template.mapping.clear();
        template.elements = template.elements.into_iter().map(element).collect();
        template
    }

    fn element(element: TemplateElement) -> TemplateElement {
        use TemplateElement::*;
        let helper = |mut h: Box<HelperTemplate>| {
            h.template = h.template.map(without_lines);
            h.inverse = h.inverse.map(without_lines);
            h
        };
        let partial = |mut d: Box<DecoratorTemplate>| {
            d.template = d.template.map(without_lines);
            d
        };
        match element {
            Expression(h) => Expression(helper(h)),
            HtmlExpression(h) => HtmlExpression(helper(h)),
            HelperBlock(h) => HelperBlock(helper(h)),
            PartialExpression(d) => PartialExpression(partial(d)),
            PartialBlock(d) => PartialBlock(partial(d)),
            other => other,
        }
    }

    #[test]
    fn every_built_in_template_is_compiled() {
        let files = built_in_templates();
        assert!(files.len() > 100, "only {} templates found", files.len());
        for file in &files {
            let text = file.contents_utf8().unwrap();
            assert!(
                template(path_of(file), text).is_some(),
                "{} is not compiled (see the build's warnings)",
                path_of(file)
            );
        }
        assert_eq!(paths().count(), files.len());
    }

    #[test]
    fn each_tree_is_the_one_handlebars_parses_from_the_text() {
        for file in built_in_templates() {
            let path = path_of(file);
            let text = file.contents_utf8().unwrap();
            // Files are parsed as `render_template` parses them, partials as registered.
            let parsed = match path.split_once("/partials/") {
                Some((_, rest)) => {
                    let name = rest.strip_suffix(".hbs").unwrap();
                    let mut hb = Handlebars::new();
                    hb.register_partial(name, text).unwrap();
                    hb.get_template(name).unwrap().clone()
                }
                None => Template::compile(text).unwrap(),
            };
            let built = template(path, text).unwrap();
            assert_eq!(built, without_lines(parsed), "{path}");
        }
    }

    /// Every text with an expression in a built-in manifest.
    fn manifest_texts() -> Vec<String> {
        fn strings(value: &toml::Value, out: &mut Vec<String>) {
            match value {
                toml::Value::String(s) if s.contains("{{") => out.push(s.clone()),
                toml::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
                toml::Value::Table(table) => table.values().for_each(|v| strings(v, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        for dir in catalog::embedded_dir().dirs() {
            for file in dir.files() {
                if file.path().extension().is_some_and(|e| e == "toml") {
                    let table: toml::Table = file.contents_utf8().unwrap().parse().unwrap();
                    strings(&toml::Value::Table(table), &mut out);
                }
            }
        }
        out
    }

    #[test]
    fn every_text_of_a_built_in_manifest_is_the_tree_handlebars_parses() {
        let texts = manifest_texts();
        assert!(texts.len() > 20, "only {} texts found", texts.len());
        for text in texts {
            let built = manifest_text(&text);
            assert_eq!(
                built,
                Some(without_lines(Template::compile(&text).unwrap())),
                "{text}"
            );
        }
        assert_eq!(manifest_text("{{not from a manifest}}"), None);
    }

    #[test]
    fn a_text_other_than_the_compiled_one_is_not_given_its_tree() {
        let file = built_in_templates()[0];
        let text = file.contents_utf8().unwrap();
        let changed = format!("{text} ");
        assert!(template(path_of(file), text).is_some());
        assert_eq!(template(path_of(file), &changed), None);
        assert_eq!(template("express/files/no-such.hbs", text), None);
    }
}
