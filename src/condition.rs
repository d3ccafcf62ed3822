//! `when = { key = value | [values] }`: when an option is asked and a file is written.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::value::Value;

/// All entries must hold. The empty condition always holds.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct Condition(BTreeMap<String, Expected>);

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Expected {
    One(Scalar),
    Any(Vec<Scalar>),
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Text(String),
}

impl Scalar {
    fn is(&self, value: &Value) -> bool {
        match (self, value) {
            (Scalar::Bool(a), Value::Bool(b)) => a == b,
            (Scalar::Text(a), Value::Text(b)) => a == b,
            _ => false,
        }
    }

    /// The value this scalar stands for, to check it against an option's rules.
    pub fn to_value(&self) -> Value {
        match self {
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Text(s) => Value::Text(s.clone()),
        }
    }
}

impl Expected {
    pub fn scalars(&self) -> &[Scalar] {
        match self {
            Expected::One(one) => std::slice::from_ref(one),
            Expected::Any(any) => any,
        }
    }
}

impl Condition {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn entries(&self) -> impl Iterator<Item = (&str, &Expected)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Whether the answers satisfy every entry. A key without an answer fails the condition.
    pub fn holds<'a>(&self, lookup: impl Fn(&str) -> Option<&'a Value>) -> bool {
        self.0.iter().all(|(key, expected)| {
            lookup(key).is_some_and(|value| expected.scalars().iter().any(|s| s.is(value)))
        })
    }

    /// Human text such as `database is sqlite or postgres`.
    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(|(key, expected)| {
                let values: Vec<String> = expected
                    .scalars()
                    .iter()
                    .map(|s| s.to_value().to_string())
                    .collect();
                format!("{key} is {}", values.join(" or "))
            })
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Condition {
        #[derive(Deserialize)]
        struct Wrap {
            when: Condition,
        }
        toml::from_str::<Wrap>(text)
            .map(|w| w.when)
            .unwrap_or_default()
    }

    #[test]
    fn every_entry_must_hold() {
        let when = parse(r#"when = { database = ["sqlite", "postgres"], docker = true }"#);
        let answers = |db: &str, docker: bool| {
            [
                ("database", Value::Text(db.into())),
                ("docker", Value::Bool(docker)),
            ]
        };
        let check = |db, docker| {
            let a = answers(db, docker);
            when.holds(|k| a.iter().find(|(key, _)| *key == k).map(|(_, v)| v))
        };
        assert!(check("sqlite", true));
        assert!(check("postgres", true));
        assert!(!check("none", true));
        assert!(!check("sqlite", false));
        assert_eq!(
            when.describe(),
            "database is sqlite or postgres and docker is yes"
        );
    }

    #[test]
    fn a_missing_answer_fails_and_empty_always_holds() {
        let when = parse(r#"when = { docker = true }"#);
        assert!(!when.holds(|_| None));
        assert!(Condition::default().holds(|_| None));
    }

    #[test]
    fn text_never_equals_bool() {
        let when = parse(r#"when = { docker = "true" }"#);
        let yes = Value::Bool(true);
        assert!(!when.holds(|_| Some(&yes)));
    }
}
