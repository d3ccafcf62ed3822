//! How a template's partials may call each other, checked before anything is rendered, so that
//! no template can crash sprout or exhaust the machine:
//!
//! - **No loop.** A partial that ends up calling itself (`pa` → `pb` → `pa`) would recurse until
//!   the stack overflows: it is a template fault naming the chain.
//! - **Names written out** (in a template that is not built in). A partial named by an expression
//!   (`{{> (lookup this "x")}}`) could be any partial: the loop check could not follow it.
//! - **Blocks of partial blocks hold text, values and `if`/`unless` only** (not built in).
//!   Handlebars renders the block of `{{#> name}}…{{/name}}` whole into memory before the
//!   partial uses it, beyond the reach of the cap on rendered output (`render::MAX_FILE_BYTES`):
//!   a block that calls partials or loops could grow without bound there; a condition renders
//!   no more than its own text.
//!
//! Everything else a template writes goes through the capped output.

use std::collections::{BTreeSet, HashMap};

use handlebars::template::{Parameter, Template, TemplateElement};

/// A template text to check.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    /// The file as a fault names it.
    pub file: &'a str,
    pub text: &'a str,
    /// Built into sprout: only loops are looked for.
    pub built_in: bool,
}

/// A fault, at its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub file: String,
    pub message: String,
}

/// What one text calls.
#[derive(Default)]
struct Calls {
    /// Partials called by name.
    names: BTreeSet<String>,
    /// Inline partials it defines (`{{#*inline "name"}}`), with what each body calls.
    inline: Vec<(String, BTreeSet<String>)>,
    /// A fault of its own (an expression for a name, a block that holds more than values).
    fault: Option<String>,
}

/// Check `templates` (the files to render) and the `partials` they may call, by name.
pub fn check(templates: &[Text], partials: &HashMap<&str, Text>) -> Result<(), Fault> {
    let mut graph: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut roots: Vec<(&str, BTreeSet<String>)> = Vec::new();
    for text in templates {
        let calls = scan(text)?;
        for (name, body) in calls.inline {
            graph.entry(name).or_default().extend(body);
        }
        roots.push((text.file, calls.names));
    }
    for (name, text) in partials {
        let calls = scan(text)?;
        for (inline, body) in calls.inline {
            graph.entry(inline).or_default().extend(body);
        }
        graph
            .entry((*name).to_string())
            .or_default()
            .extend(calls.names);
    }
    for (file, calls) in roots {
        for name in calls {
            let mut path = vec![name];
            if let Some(chain) = find_loop(&graph, &mut path, &mut BTreeSet::new()) {
                let file = partials
                    .get(chain[0].as_str())
                    .map_or(file, |p| p.file)
                    .to_string();
                return Err(Fault {
                    file,
                    message: format!(
                        "the partials call each other in a loop that never ends: {}",
                        chain.join(" → ")
                    ),
                });
            }
        }
    }
    Ok(())
}

/// A loop reachable from the last name of `path`: the chain from the partial that repeats back
/// to itself. `done` holds names already known to lead to no loop.
fn find_loop(
    graph: &HashMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    let current = path.last()?.clone();
    if done.contains(&current) {
        return None;
    }
    for next in graph.get(&current).into_iter().flatten() {
        if let Some(start) = path.iter().position(|p| p == next) {
            let mut chain = path[start..].to_vec();
            chain.push(next.clone());
            return Some(chain);
        }
        path.push(next.clone());
        let found = find_loop(graph, path, done);
        path.pop();
        if found.is_some() {
            return found;
        }
    }
    done.insert(current);
    None
}

/// What `text` calls; a text that does not parse calls nothing here (its parse error is
/// reported where it is rendered).
fn scan(text: &Text) -> Result<Calls, Fault> {
    let mut calls = Calls::default();
    if !may_call(text.text) {
        return Ok(calls);
    }
    if let Ok(template) = crate::trees::once(text.text) {
        walk(&template, text.built_in, &mut calls, Scope::Top);
    }
    match calls.fault.take() {
        Some(message) => Err(Fault {
            file: text.file.to_string(),
            message,
        }),
        None => Ok(calls),
    }
}

/// Whether `text` may hold a partial, a partial block, an inline partial or a decorator: `{{`,
/// then any `{`, `~`, `#` and whitespace (Handlebars' grammar allows whitespace between its
/// tokens), then `>` or `*`. A text without one calls and defines nothing, and its tree is not
/// read here.
fn may_call(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"{{").any(|at| {
        bytes
            .get(at + 2..)
            .unwrap_or_default()
            .iter()
            .find(|b| !matches!(b, b'{' | b'~' | b'#' | b' ' | b'\t' | b'\n' | b'\r'))
            .is_some_and(|b| matches!(b, b'>' | b'*'))
    })
}

/// Where the walk is: in a partial block's own block, what may be there is limited.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Top,
    PartialBlock,
}

fn walk(template: &Template, built_in: bool, calls: &mut Calls, scope: Scope) {
    for element in &template.elements {
        let limited = !built_in && scope == Scope::PartialBlock;
        match element {
            TemplateElement::PartialExpression(partial)
            | TemplateElement::PartialBlock(partial) => {
                let is_block = matches!(element, TemplateElement::PartialBlock(_));
                match name_of(&partial.name) {
                    Some(name) if name.starts_with('@') => {}
                    Some(name) => {
                        calls.names.insert(name);
                    }
                    None if !built_in => {
                        calls.fault.get_or_insert_with(|| {
                            "a partial is named by an expression; write its name out (`{{> name}}`), so that sprout can see what it calls".into()
                        });
                    }
                    None => {}
                }
                if limited {
                    calls.fault.get_or_insert_with(block_fault);
                }
                if let Some(block) = &partial.template {
                    let inner = if is_block { Scope::PartialBlock } else { scope };
                    walk(block, built_in, calls, inner);
                }
            }
            TemplateElement::DecoratorBlock(decorator) => {
                if limited {
                    calls.fault.get_or_insert_with(block_fault);
                }
                let inline = decorator.name.as_name() == Some("inline");
                let name = decorator.params.first().and_then(name_of);
                match (inline, name, &decorator.template) {
                    (true, Some(name), Some(body)) => {
                        let mut own = Calls::default();
                        walk(body, built_in, &mut own, scope);
                        calls.names.extend(own.names.iter().cloned());
                        calls.inline.push((name, own.names));
                        calls.inline.extend(own.inline);
                        if let Some(fault) = own.fault {
                            calls.fault.get_or_insert(fault);
                        }
                    }
                    (_, _, Some(body)) => walk(body, built_in, calls, scope),
                    _ => {}
                }
            }
            TemplateElement::HelperBlock(helper) => {
                // `if` and `unless` render one of their blocks once: no larger than their text.
                let once = matches!(helper.name.as_name(), Some("if" | "unless"));
                if limited && !once {
                    calls.fault.get_or_insert_with(block_fault);
                }
                for block in [&helper.template, &helper.inverse].into_iter().flatten() {
                    walk(block, built_in, calls, scope);
                }
            }
            TemplateElement::RawString(_)
            | TemplateElement::Expression(_)
            | TemplateElement::HtmlExpression(_)
            | TemplateElement::DecoratorExpression(_)
            | TemplateElement::Comment(_) => {}
            // An element a newer Handlebars knows: where only values may be, it is refused.
            _ if limited => {
                calls.fault.get_or_insert_with(block_fault);
            }
            _ => {}
        }
    }
}

fn block_fault() -> String {
    "the block of a partial block (`{{#> name}}…{{/name}}`) holds a block other than `if`/`unless`, a partial or an inline partial; it may hold only text, {{values}} and `if`/`unless`: Handlebars keeps it in memory whole".into()
}

/// A partial's name when it is written out (`{{> name}}`, `{{> "name"}}`); `None` for an
/// expression.
fn name_of(parameter: &Parameter) -> Option<String> {
    match parameter {
        Parameter::Literal(serde_json::Value::String(name)) => Some(name.clone()),
        Parameter::Name(_) | Parameter::Path(_) => parameter.as_name().map(String::from),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(file: &'a str, text: &'a str) -> Text<'a> {
        Text {
            file,
            text,
            built_in: false,
        }
    }

    fn run(template: &str, partials: &[(&'static str, &'static str)]) -> Result<(), Fault> {
        let partials: HashMap<&str, Text> = partials
            .iter()
            .map(|(name, body)| (*name, text(name, body)))
            .collect();
        check(&[text("README.md.hbs", template)], &partials)
    }

    #[test]
    fn only_a_text_whose_tree_calls_and_defines_nothing_is_passed_over() {
        for calling in [
            "{{> a}}",
            "{{~> a}}",
            "{{ > a}}",
            "x {{~#> a}}x{{/a}}",
            "{{#*inline \"a\"}}x{{/inline}}",
            "{{*dec}}",
        ] {
            assert!(may_call(calling), "{calling}");
        }
        for quiet in [
            "plain text, a > b * c",
            "{{name}} {{#if a}}b{{else}}c{{/if}} {{~x~}} a > b",
            "{{{raw}}} {{! x > y}} {{#each items}}{{this}}{{/each}} -> x * y",
            "{{json (eq a \">\")}}",
        ] {
            assert!(!may_call(quiet), "{quiet}");
            let mut calls = Calls::default();
            walk(
                &Template::compile(quiet).unwrap(),
                false,
                &mut calls,
                Scope::Top,
            );
            assert!(calls.names.is_empty() && calls.inline.is_empty(), "{quiet}");
            assert!(calls.fault.is_none(), "{quiet}");
        }
    }

    #[test]
    fn a_loop_of_partials_is_named_with_its_chain() {
        let fault = run("{{> pa}}", &[("pa", "a{{> pb}}"), ("pb", "b{{> pa}}")]).unwrap_err();
        assert_eq!(fault.file, "pa");
        assert!(fault.message.ends_with("pa → pb → pa"), "{}", fault.message);
        let fault = run("x", &[]).and(run("{{#if a}}{{> self}}{{/if}}", &[("self", "{{> self}}")]));
        assert!(fault.unwrap_err().message.ends_with("self → self"));
        let inline = "{{#*inline \"a\"}}{{> b}}{{/inline}}{{> a}}";
        let fault = run(inline, &[("b", "{{> a}}")]).unwrap_err();
        assert!(fault.message.ends_with("a → b → a"), "{}", fault.message);
    }

    #[test]
    fn partials_that_call_each_other_without_a_loop_are_fine() {
        let partials = [("a", "{{> b}}{{> c}}"), ("b", "{{> c}}"), ("c", "leaf")];
        assert_eq!(run("{{> a}}{{> b}}", &partials), Ok(()));
        assert_eq!(
            run("{{#> missing}}fallback {{name}}{{/missing}}", &[]),
            Ok(())
        );
    }

    #[test]
    fn names_by_expression_and_busy_blocks_are_refused_outside_sprout() {
        let fault = run("{{> (lookup this \"x\")}}", &[]).unwrap_err();
        assert!(fault.message.contains("named by an expression"));
        let busy = "{{#> layout}}{{#each items}}{{this}}{{/each}}{{/layout}}";
        assert!(run(busy, &[]).unwrap_err().message.contains("only text"));
        let nested = "{{#> layout}}{{> other}}{{/layout}}";
        assert!(run(nested, &[]).is_err());
        // A condition renders its text at most once: allowed, but not as a way in for a loop.
        let conditions =
            "{{#> layout}}{{#if a}}x{{else}}{{#unless b}}y{{/unless}}{{/if}}{{/layout}}";
        assert_eq!(run(conditions, &[]), Ok(()));
        let hidden = "{{#> layout}}{{#if a}}{{#each items}}{{this}}{{/each}}{{/if}}{{/layout}}";
        assert!(run(hidden, &[]).unwrap_err().message.contains("only text"));
        let hidden = "{{#> layout}}{{#unless a}}{{> other}}{{/unless}}{{/layout}}";
        assert!(run(hidden, &[]).is_err());
        let built_in = Text {
            file: "t",
            text: busy,
            built_in: true,
        };
        assert_eq!(check(&[built_in], &HashMap::new()), Ok(()));
    }
}
