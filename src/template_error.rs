//! A template that cannot be rendered, reported as its author sees it: the file under its source
//! root, the real line and column, the variable or helper at fault, and why.

use handlebars::{RenderError, RenderErrorReason};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}", self.place(), self.reason)]
pub struct TemplateError {
    /// The template file: source root + path (`templates/express/files/README.md.hbs` for a
    /// built-in stack, the folder it was read from for any other).
    pub file: String,
    /// 1-based, in the file as stored.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The variable, helper or partial at fault, when there is one.
    pub name: Option<String>,
    pub reason: String,
    /// Built into sprout: then the fault is sprout's; otherwise the template's.
    pub built_in: bool,
}

impl TemplateError {
    /// `file:line:column: ` (or as much of it as is known).
    fn place(&self) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}: ", self.file),
            (Some(line), None) => format!("{}:{line}: ", self.file),
            _ => format!("{}: ", self.file),
        }
    }

    /// What to do about it: report it for a built-in template, fix it otherwise.
    pub fn hint(&self) -> String {
        if self.built_in {
            "this is a bug in sprout; please report it".into()
        } else {
            format!(
                "the template is at fault, not sprout: fix {} and run again",
                self.file
            )
        }
    }

    /// An error of Handlebars in `file`, at the position it gives.
    pub fn from_handlebars(error: &RenderError, file: String, built_in: bool) -> TemplateError {
        let (name, reason, parsed_at) = describe(error.reason());
        let (line, column) = match parsed_at {
            Some((line, column)) => (Some(line), Some(column)),
            None => (error.line_no, error.column_no),
        };
        TemplateError {
            file,
            line,
            column,
            name,
            reason,
            built_in,
        }
    }

    /// An error of a text the manifest gives (a command, derived value, step or path), which has
    /// no line of its own.
    pub fn in_manifest(file: String, what: &str, error: &RenderError, built_in: bool) -> Self {
        let (name, reason, _) = describe(error.reason());
        TemplateError {
            file,
            line: None,
            column: None,
            name,
            reason: format!("{what}: {reason}"),
            built_in,
        }
    }

    /// A fault with no Handlebars error behind it (a path that leaves the project, say).
    pub fn other(file: String, reason: String, built_in: bool) -> TemplateError {
        TemplateError {
            file,
            line: None,
            column: None,
            name: None,
            reason,
            built_in,
        }
    }
}

/// The name at fault, the reason in words, and for a syntax error where the parser stopped.
fn describe(reason: &RenderErrorReason) -> (Option<String>, String, Option<(usize, usize)>) {
    use RenderErrorReason as R;
    match reason {
        R::MissingVariable(Some(path)) => (
            Some(path.clone()),
            format!("`{path}` is not defined (every variable a template uses must have a value)"),
            None,
        ),
        R::MissingVariable(None) => (None, "a variable is not defined".into(), None),
        R::HelperNotFound(helper) => (
            Some(helper.clone()),
            format!("there is no helper `{helper}`"),
            None,
        ),
        R::PartialNotFound(partial) => (
            Some(partial.clone()),
            format!("there is no partial `{partial}`"),
            None,
        ),
        R::ParamNotFoundForIndex(helper, index) => (
            Some((*helper).to_string()),
            format!("helper `{helper}` needs argument {}", index + 1),
            None,
        ),
        R::ParamTypeMismatchForName(helper, param, expected) => (
            Some((*helper).to_string()),
            format!("helper `{helper}`: argument {param} must be {expected}"),
            None,
        ),
        R::TemplateError(syntax) => (
            None,
            format!("syntax error: {}", syntax.reason()),
            syntax.pos(),
        ),
        other => (None, other.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(built_in: bool) -> TemplateError {
        TemplateError {
            file: "templates/express/files/README.md.hbs".into(),
            line: Some(166),
            column: Some(6),
            name: Some("nope".into()),
            reason: "`nope` is not defined".into(),
            built_in,
        }
    }

    #[test]
    fn the_message_starts_with_file_line_and_column() {
        assert_eq!(
            error(true).to_string(),
            "templates/express/files/README.md.hbs:166:6: `nope` is not defined"
        );
    }

    #[test]
    fn only_a_built_in_template_is_a_bug_in_sprout() {
        assert!(error(true).hint().contains("bug in sprout"));
        let custom = error(false).hint();
        assert!(!custom.contains("bug in sprout"), "{custom}");
        assert!(custom.contains("the template is at fault, not sprout"));
    }
}
