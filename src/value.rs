//! An answer's value: text (free text or one of the choices) or a boolean.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Text(String),
}

impl Value {
    /// Read a value from an answers file or a manifest default. Numbers become text as TOML
    /// writes them, so `java = 21` means the choice "21" and `boot = 4.0` the choice "4.0".
    pub fn from_toml(value: &toml::Value) -> Option<Value> {
        match value {
            toml::Value::String(s) => Some(Value::Text(s.clone())),
            toml::Value::Boolean(b) => Some(Value::Bool(*b)),
            toml::Value::Integer(i) => Some(Value::Text(i.to_string())),
            toml::Value::Float(_) => Some(Value::Text(value.to_string())),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            Value::Bool(_) => None,
        }
    }
}

/// Answers in their order, serialized as one map: a JSON object, a TOML table.
#[derive(Debug, Clone, Copy)]
pub struct Answers<'a>(pub &'a [(String, Value)]);

impl Serialize for Answers<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, value)| (key, value)))
    }
}

/// Answers as a JSON object: text as strings, booleans as booleans.
pub fn to_json(answers: &[(String, Value)]) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(Answers(answers)) {
        Ok(serde_json::Value::Object(map)) => map,
        // A map of strings to strings and booleans is always an object.
        _ => serde_json::Map::new(),
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{}", if *b { "yes" } else { "no" }),
            Value::Text(s) => f.write_str(s),
        }
    }
}
