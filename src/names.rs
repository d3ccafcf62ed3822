//! Naming rules of each ecosystem, for project names and other identifiers a user types.
//!
//! Each rule accepts a subset of what the ecosystem allows that is also a safe folder name, and
//! offers the nearest valid name when it refuses one.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NameRule {
    /// An npm package name without a scope: lowercase, digits, `-`, `.`, `_`.
    Npm,
    /// A Python distribution whose import package is `snake_case(name)`.
    Python,
    /// A Rails application whose module is `PascalCase(name)`.
    Ruby,
    /// A Maven artifactId whose package segment is the name without `-`.
    Java,
    /// A Java package such as `com.example`.
    JavaPackage,
}

/// Why a name was refused, and the nearest name that would be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: String,
    pub suggestion: Option<String>,
}

/// Whether a character may appear at some place in a name.
type CharTest = fn(char) -> bool;

const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "sys",
    "test",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// Names npm itself refuses for a package (validate-npm-package-name's blacklist).
const NPM_RESERVED: &[&str] = &["node_modules", "favicon.ico"];

const PYTHON_KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

const JAVA_KEYWORDS: &[&str] = &[
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "final",
    "finally",
    "float",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "try",
    "void",
    "volatile",
    "while",
    "true",
    "false",
    "null",
    "var",
    "record",
    "yield",
    "sealed",
    "permits",
    "non-sealed",
    "_",
];

impl NameRule {
    pub fn describe(self) -> &'static str {
        match self {
            NameRule::Npm => {
                "lowercase letters, digits, `-`, `.` and `_`, starting with a letter or digit (npm package name)"
            }
            NameRule::Python => {
                "lowercase letters, digits, `-` and `_`, starting with a letter (Python project and package name)"
            }
            NameRule::Ruby => {
                "lowercase letters, digits, `-` and `_`, starting with a letter (Rails application name)"
            }
            NameRule::Java => {
                "lowercase letters, digits and `-`, starting with a letter (Maven artifactId)"
            }
            NameRule::JavaPackage => {
                "dot-separated lowercase segments of letters, digits and `_`, each starting with a letter and none a Java keyword (Java package)"
            }
        }
    }

    /// Check `name` against the rule and the stack's reserved names.
    pub fn check(self, name: &str, reserved: &[String]) -> Result<(), Refusal> {
        let reason = self.problem(name, reserved);
        match reason {
            None => Ok(()),
            Some(reason) => Err(Refusal {
                reason,
                suggestion: self.suggest(name, reserved),
            }),
        }
    }

    fn problem(self, name: &str, reserved: &[String]) -> Option<String> {
        if name.is_empty() {
            return Some("it is empty".into());
        }
        if self == NameRule::JavaPackage {
            return java_package_problem(name);
        }
        let (allowed_first, allowed): (CharTest, CharTest) = match self {
            NameRule::Npm => (
                |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
                |c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_'),
            ),
            NameRule::Python | NameRule::Ruby => (
                |c| c.is_ascii_lowercase(),
                |c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_'),
            ),
            NameRule::Java | NameRule::JavaPackage => (
                |c| c.is_ascii_lowercase(),
                |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
            ),
        };
        if let Some(bad) = name.chars().find(|c| !allowed(*c)) {
            return Some(if bad.is_ascii_uppercase() {
                "it has uppercase letters".into()
            } else {
                format!("it contains {bad:?}")
            });
        }
        if !name.chars().next().is_some_and(allowed_first) {
            return Some(match self {
                NameRule::Npm => "it does not start with a letter or digit".into(),
                _ => "it does not start with a letter".into(),
            });
        }
        if !name.ends_with(|c: char| c.is_ascii_alphanumeric()) {
            return Some("it does not end with a letter or digit".into());
        }
        if name.contains("--") || name.contains("__") || name.contains("..") {
            return Some("it repeats a separator".into());
        }
        let snake = name.replace(['-', '.'], "_");
        if reserved
            .iter()
            .any(|r| *r == name || r.replace('-', "_") == snake)
        {
            return Some(
                "it is reserved for this stack: it would shadow a module, package or name the project depends on".into(),
            );
        }
        match self {
            NameRule::Npm if NPM_RESERVED.contains(&name) => Some(format!(
                "npm reserves `{name}` and refuses it as a package name{}",
                if name == "node_modules" {
                    " (it is the folder npm installs dependencies into)"
                } else {
                    ""
                }
            )),
            NameRule::Npm if NODE_BUILTINS.contains(&name) => {
                Some("it is the name of a Node.js core module".into())
            }
            NameRule::Python if PYTHON_KEYWORDS.contains(&snake.as_str()) => {
                Some("it is a Python keyword".into())
            }
            NameRule::Java if JAVA_KEYWORDS.contains(&name.replace('-', "").as_str()) => {
                Some("its package segment would be a Java keyword".into())
            }
            _ => None,
        }
    }

    /// The nearest accepted name: lowercased, runs of other characters turned into one `-`.
    fn suggest(self, name: &str, reserved: &[String]) -> Option<String> {
        if self == NameRule::JavaPackage {
            let segments: Vec<String> = name
                .split('.')
                .map(|s| sanitize(s, '_'))
                .filter(|s| !s.is_empty())
                .map(|s| {
                    if JAVA_KEYWORDS.contains(&s.as_str()) {
                        format!("{s}_")
                    } else {
                        s
                    }
                })
                .collect();
            let candidate = segments.join(".");
            return java_package_problem(&candidate)
                .is_none()
                .then_some(candidate);
        }
        let separator = '-';
        let mut candidate = sanitize(name, separator);
        if candidate.is_empty() {
            candidate = "my-project".into();
        }
        if self.problem(&candidate, reserved).is_some() {
            candidate = format!("{candidate}-app");
        }
        self.problem(&candidate, reserved)
            .is_none()
            .then_some(candidate)
    }
}

/// Lowercase ASCII letters and digits, other runs collapsed to `separator`, trimmed so that the
/// result starts with a letter and ends with a letter or digit.
fn sanitize(name: &str, separator: char) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with(separator) {
            out.push(separator);
        }
    }
    let start = out
        .find(|c: char| c.is_ascii_lowercase())
        .unwrap_or(out.len());
    out[start..].trim_end_matches(separator).to_string()
}

fn java_package_problem(name: &str) -> Option<String> {
    // The JVM refuses to load classes from packages under `java.`.
    if name == "java" || name.starts_with("java.") {
        return Some("packages under `java` are reserved for the JDK".into());
    }
    for segment in name.split('.') {
        if segment.is_empty() {
            return Some("it has an empty segment".into());
        }
        if !segment.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Some(format!(
                "segment `{segment}` does not start with a lowercase letter"
            ));
        }
        if let Some(bad) = segment
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
        {
            return Some(format!("segment `{segment}` contains {bad:?}"));
        }
        if JAVA_KEYWORDS.contains(&segment) {
            return Some(format!("segment `{segment}` is a Java keyword"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(rule: NameRule, name: &str) -> bool {
        rule.check(name, &["express".into(), "flask".into()])
            .is_ok()
    }

    fn suggestion(rule: NameRule, name: &str) -> Option<String> {
        rule.check(name, &["express".into(), "flask".into()])
            .err()
            .and_then(|r| r.suggestion)
    }

    #[test]
    fn npm_names() {
        assert!(ok(NameRule::Npm, "my-api"));
        assert!(ok(NameRule::Npm, "api.v2"));
        assert!(ok(NameRule::Npm, "3d-service"));
        assert!(!ok(NameRule::Npm, "My-API"));
        assert!(!ok(NameRule::Npm, ".hidden"));
        assert!(!ok(NameRule::Npm, "_private"));
        assert!(!ok(NameRule::Npm, "http"));
        assert!(!ok(NameRule::Npm, "express"));
        assert!(!ok(NameRule::Npm, "a/b"));
        assert!(!ok(NameRule::Npm, "a b"));
        assert!(!ok(NameRule::Npm, ""));
        assert_eq!(suggestion(NameRule::Npm, "My API!"), Some("my-api".into()));
        assert_eq!(suggestion(NameRule::Npm, "../etc"), Some("etc".into()));
        assert_eq!(
            suggestion(NameRule::Npm, "express"),
            Some("express-app".into())
        );
    }

    #[test]
    fn npm_reserved_names_say_npm_reserves_them() {
        let refusal = NameRule::Npm.check("node_modules", &[]).unwrap_err();
        assert!(refusal.reason.contains("npm reserves"), "{refusal:?}");
        assert!(!refusal.reason.contains("core module"), "{refusal:?}");
        let refusal = NameRule::Npm.check("http", &[]).unwrap_err();
        assert!(refusal.reason.contains("core module"), "{refusal:?}");
    }

    #[test]
    fn python_names() {
        assert!(ok(NameRule::Python, "billing_service"));
        assert!(ok(NameRule::Python, "billing-service"));
        assert!(!ok(NameRule::Python, "2fast"));
        assert!(!ok(NameRule::Python, "class"));
        assert!(!ok(NameRule::Python, "flask"));
        assert!(!ok(NameRule::Python, "trailing-"));
        assert!(!ok(NameRule::Python, "a.b"));
        assert_eq!(
            suggestion(NameRule::Python, "Flask"),
            Some("flask-app".into())
        );
        assert_eq!(suggestion(NameRule::Python, "2fast"), Some("fast".into()));
    }

    #[test]
    fn java_names_and_packages() {
        assert!(ok(NameRule::Java, "demo-service"));
        assert!(!ok(NameRule::Java, "demo_service"));
        assert!(!ok(NameRule::Java, "int"));
        assert!(ok(NameRule::JavaPackage, "com.example"));
        assert!(ok(NameRule::JavaPackage, "org.acme_corp.v2"));
        assert!(!ok(NameRule::JavaPackage, "com..example"));
        assert!(!ok(NameRule::JavaPackage, "com.Example"));
        assert!(!ok(NameRule::JavaPackage, "com.class"));
        assert!(!ok(NameRule::JavaPackage, "com.9lives"));
        assert!(!ok(NameRule::JavaPackage, "java.example"));
        assert!(ok(NameRule::JavaPackage, "org.java.example"));
        assert_eq!(
            suggestion(NameRule::JavaPackage, "Com.Example.new"),
            Some("com.example.new_".into())
        );
    }

    #[test]
    fn every_suggestion_is_accepted() {
        let rules = [
            NameRule::Npm,
            NameRule::Python,
            NameRule::Ruby,
            NameRule::Java,
            NameRule::JavaPackage,
        ];
        for rule in rules {
            for name in [
                "",
                "!!!",
                "Ünïcode Näme",
                "a--b",
                "-x-",
                "9",
                "class",
                "http",
                "express",
                "A.B.C",
            ] {
                if let Some(s) = suggestion(rule, name) {
                    assert!(
                        ok(rule, &s),
                        "{rule:?}: suggestion {s:?} for {name:?} is refused"
                    );
                }
            }
        }
    }
}
