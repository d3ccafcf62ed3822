//! The Handlebars helpers templates may call: escaping per format, case conversion, `replace`.

use handlebars::{Handlebars, handlebars_helper};
use heck::{ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::escape;

handlebars_helper!(json: |s: str| escape::json(s));
handlebars_helper!(js: |s: str| escape::js(s));
handlebars_helper!(toml: |s: str| escape::toml(s));
handlebars_helper!(yaml: |s: str| escape::yaml(s));
handlebars_helper!(xml: |s: str| escape::xml(s));
handlebars_helper!(py: |s: str| escape::py(s));
handlebars_helper!(rb: |s: str| escape::rb(s));
handlebars_helper!(java: |s: str| escape::java(s));
handlebars_helper!(md: |s: str| escape::md(s));
handlebars_helper!(env: |s: str| escape::env(s));
handlebars_helper!(sh: |s: str| escape::sh(s));
handlebars_helper!(snake_case: |s: str| s.to_snake_case());
handlebars_helper!(kebab_case: |s: str| s.to_kebab_case());
handlebars_helper!(pascal_case: |s: str| s.to_upper_camel_case());
handlebars_helper!(camel_case: |s: str| s.to_lower_camel_case());
handlebars_helper!(shouty_snake_case: |s: str| s.to_shouty_snake_case());
handlebars_helper!(lower: |s: str| s.to_lowercase());
handlebars_helper!(upper: |s: str| s.to_uppercase());
handlebars_helper!(replace: |s: str, from: str, to: str| s.replace(from, to));

/// A registry set up as the template format promises: strict, nothing HTML-escaped.
pub fn registry() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    hb.register_helper("json", Box::new(json));
    hb.register_helper("js", Box::new(js));
    hb.register_helper("toml", Box::new(toml));
    hb.register_helper("yaml", Box::new(yaml));
    hb.register_helper("xml", Box::new(xml));
    hb.register_helper("py", Box::new(py));
    hb.register_helper("rb", Box::new(rb));
    hb.register_helper("java", Box::new(java));
    hb.register_helper("md", Box::new(md));
    hb.register_helper("env", Box::new(env));
    hb.register_helper("sh", Box::new(sh));
    hb.register_helper("snake_case", Box::new(snake_case));
    hb.register_helper("kebab_case", Box::new(kebab_case));
    hb.register_helper("pascal_case", Box::new(pascal_case));
    hb.register_helper("camel_case", Box::new(camel_case));
    hb.register_helper("shouty_snake_case", Box::new(shouty_snake_case));
    hb.register_helper("lower", Box::new(lower));
    hb.register_helper("upper", Box::new(upper));
    hb.register_helper("replace", Box::new(replace));
    hb
}
