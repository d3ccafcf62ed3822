//! A resolved plan: the stack, every answer checked, the secrets and the year. Everything the
//! pure render step needs, and nothing it would have to look up.

use serde_json::{Map, Value as Json, json};

use crate::stack::Stack;
use crate::value::Value;

pub struct Plan<'s> {
    pub stack: &'s Stack,
    /// Every option of the stack, in asking order (options that do not apply hold their default).
    pub answers: Vec<(String, Value)>,
    pub secrets: Vec<(String, String)>,
    pub year: i32,
}

impl Plan<'_> {
    pub fn answer(&self, key: &str) -> Option<&Value> {
        self.answers.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn name(&self) -> &str {
        self.answer("name")
            .and_then(Value::as_text)
            .unwrap_or_default()
    }

    /// The answers as a JSON object: text as strings, booleans as booleans.
    pub fn answers_json(&self) -> Map<String, Json> {
        crate::value::to_json(&self.answers)
    }

    /// The data templates see, before derived values and commands are added.
    pub fn base_context(&self) -> Map<String, Json> {
        let mut ctx = self.answers_json();
        let secrets: Map<String, Json> = self
            .secrets
            .iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect();
        ctx.insert("secrets".into(), Json::Object(secrets));
        ctx.insert(
            "stack".into(),
            json!({ "key": self.stack.key, "title": self.stack.title, "port": self.stack.port }),
        );
        ctx.insert("year".into(), json!(self.year));
        ctx.insert("sprout_version".into(), json!(env!("CARGO_PKG_VERSION")));
        ctx
    }
}
