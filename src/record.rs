//! `.sprout.toml`: how a project was made, in the answers-file format, so that
//! `sprout new --answers .sprout.toml` makes it again.

use crate::plan::Plan;
use crate::value::Value;

pub const FILE_NAME: &str = ".sprout.toml";

pub fn contents(plan: &Plan) -> String {
    let mut table = toml::Table::new();
    table.insert("sprout_version".into(), env!("CARGO_PKG_VERSION").into());
    table.insert("stack".into(), plan.stack.key.clone().into());
    for (key, value) in &plan.answers {
        let v = match value {
            Value::Bool(b) => toml::Value::Boolean(*b),
            Value::Text(t) => toml::Value::String(t.clone()),
        };
        table.insert(key.clone(), v);
    }
    format!(
        "# How this project was generated (secrets are never recorded). To make it again:\n#   sprout new --answers .sprout.toml --yes --output <DIR>\n{}",
        toml::to_string(&table).unwrap_or_default()
    )
}
