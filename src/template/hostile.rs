//! The hostile values `template check` writes into every free-text option, and the places in a
//! template that write an option's value, so that a value that breaks a file is traced to the
//! expression that inserted it.

use handlebars::template::{Template, TemplateElement};

use crate::escape;
use crate::stack::{Kind, OptionSpec};
use crate::value::Value;

/// The value every free-text option holds in the plain rendering the hostile one is compared
/// with: letters only, which every format reads back as written.
pub const PLAIN: &str = "SproutPlainText";

/// The variable a probed expression reads instead of the option (set in the render context).
pub const PROBE: &str = "__sprout_probe";

/// What a value must survive, one piece per trap: leading and trailing blanks, quotes of every
/// kind, backslashes and escape look-alikes, template and markup delimiters, expansions of
/// shells, Ruby and `.env`, comment starts, a line break that would start a new key, separators,
/// Unicode line separators, control characters, text beyond ASCII.
const PIECES: &[&str] = &[
    "  ",
    "He said \"hi\"",
    " it's",
    " back\\slash \\n \\u0041 \\",
    " {{x}} }} {{{y}}}",
    " </script><b>&amp;</b>",
    " ${HOME} $(id) `id` #{x} %{x}",
    " # not a comment",
    " // nor this",
    "\nnext: line = 1",
    " a: b, c=d; e|f & g",
    " \u{2028}\u{2029}",
    "\t\u{1}\u{7f}",
    " ünï 😀",
    "  ",
];

/// The hostile value for a free-text option: every piece the option accepts (as `--set` and the
/// prompt check it), marked with its key so that two options' values differ; None for an
/// option that is not free text (a choice, a bool, a name with its naming rule).
pub fn value_for(option: &OptionSpec) -> Option<String> {
    let Kind::Text {
        max_len,
        rule: None,
        ..
    } = &option.kind
    else {
        return None;
    };
    let accepted = |text: &str| option.check(Value::Text(text.to_string())).is_ok();
    let marker = format!(" [{}]", option.key);
    let mut value = String::new();
    for (i, piece) in PIECES.iter().enumerate() {
        // The marker goes before the trailing blanks, which must stay last.
        let piece = if i + 1 == PIECES.len() {
            format!("{marker}{piece}")
        } else {
            piece.to_string()
        };
        let longer = format!("{value}{piece}");
        if accepted(&piece) && longer.chars().count() <= *max_len && accepted(&longer) {
            value = longer;
        }
    }
    (value.trim() != PLAIN && !value.is_empty()).then_some(value)
}

/// What to put back in a hostile rendering to compare it with the plain one: each value as every
/// escape helper writes it (a value escaped for a shell line that a YAML file then holds), then
/// as it is, each paired with the plain value written the same way.
pub fn back<'v>(values: impl IntoIterator<Item = &'v str>) -> Vec<(String, String)> {
    let helpers: [fn(&str) -> String; 11] = [
        escape::json,
        escape::js,
        escape::toml,
        escape::yaml,
        escape::xml,
        escape::py,
        escape::rb,
        escape::java,
        escape::md,
        escape::env,
        escape::sh,
    ];
    let mut out = Vec::new();
    for value in values {
        out.extend(helpers.iter().map(|h| (h(value), h(PLAIN))));
        out.push((value.to_string(), PLAIN.to_string()));
    }
    out
}

/// One expression of a template that writes an option's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub key: String,
    /// 1-based, in the template as written.
    pub line: usize,
    pub column: usize,
    /// The expression as written (`{{{description}}}`).
    pub expression: String,
    /// The whole template with this one expression reading [`PROBE`] instead of the option.
    pub probed: String,
}

/// Every expression of `text` (a template or partial) that writes one of `keys`.
pub fn sites(text: &str, keys: &[&str]) -> Vec<Site> {
    let Ok(template) = Template::compile(text) else {
        return Vec::new();
    };
    let mut places = Vec::new();
    expressions(&template, &mut places);
    let mut out = Vec::new();
    for (line, column) in places {
        let Some(start) = offset(text, line, column) else {
            continue;
        };
        let rest = &text[start..];
        let triple = rest.starts_with("{{{");
        let close = if triple { "}}}" } else { "}}" };
        let Some(len) = rest.find(close).map(|i| i + close.len()) else {
            continue;
        };
        let expression = &rest[..len];
        for key in keys {
            if let Some(probed) = replace_word(expression, key, &format!("@root.{PROBE}")) {
                out.push(Site {
                    key: key.to_string(),
                    line,
                    column,
                    expression: expression.to_string(),
                    probed: format!("{}{probed}{}", &text[..start], &rest[len..]),
                });
            }
        }
    }
    out
}

/// Where the expressions that write text are: `{{…}}` and `{{{…}}}`, inside blocks too.
fn expressions(template: &Template, out: &mut Vec<(usize, usize)>) {
    for (i, element) in template.elements.iter().enumerate() {
        match element {
            TemplateElement::Expression(_) | TemplateElement::HtmlExpression(_) => {
                if let Some(m) = template.mapping.get(i) {
                    out.push((m.0, m.1));
                }
            }
            TemplateElement::HelperBlock(block) => {
                for inner in [&block.template, &block.inverse].into_iter().flatten() {
                    expressions(inner, out);
                }
            }
            TemplateElement::PartialBlock(call) | TemplateElement::DecoratorBlock(call) => {
                if let Some(inner) = &call.template {
                    expressions(inner, out);
                }
            }
            _ => {}
        }
    }
}

/// The byte offset of a 1-based line and column (in characters).
fn offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let line_text = text.get(start..)?;
    let within = line_text
        .char_indices()
        .nth(column.checked_sub(1)?)
        .map_or(line_text.len(), |(i, _)| i);
    Some(start + within)
}

/// `expression` with each `word` that is a whole path of its own (not `a.word`, `@word`,
/// `../word`, `word.b` or part of a longer name) replaced; None when there is none.
fn replace_word(expression: &str, word: &str, with: &str) -> Option<String> {
    let is_name = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '@');
    let mut out = String::with_capacity(expression.len());
    let mut last = 0;
    for (i, _) in expression.match_indices(word) {
        let before = expression[..i].chars().last();
        let after = expression[i + word.len()..].chars().next();
        if before.is_some_and(is_name) || after.is_some_and(is_name) {
            continue;
        }
        out.push_str(&expression[last..i]);
        out.push_str(with);
        last = i + word.len();
    }
    if last == 0 {
        return None;
    }
    out.push_str(&expression[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_are_the_expressions_that_write_the_option_at_their_place() {
        let text = "{\n  \"d\": \"{{{description}}}\",\n{{#if author}}\n  \"a\": {{json author}},\n{{/if}}\n  \"x\": \"{{description_long}}\"\n}\n";
        let found = sites(text, &["description", "author"]);
        let at: Vec<(&str, usize, usize, &str)> = found
            .iter()
            .map(|s| (s.key.as_str(), s.line, s.column, s.expression.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                ("description", 2, 9, "{{{description}}}"),
                ("author", 4, 8, "{{json author}}"),
            ]
        );
        assert!(found[0].probed.contains("\"{{{@root.__sprout_probe}}}\""));
        assert!(
            found[0].probed.contains("{{#if author}}"),
            "only the site changes"
        );
    }

    #[test]
    fn a_word_inside_a_longer_name_is_not_the_option() {
        assert_eq!(replace_word("{{a.author}}", "author", "X"), None);
        assert_eq!(replace_word("{{author_x}}", "author", "X"), None);
        assert_eq!(
            replace_word("{{json author}}", "author", "X").as_deref(),
            Some("{{json X}}")
        );
    }
}
