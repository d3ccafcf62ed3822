//! The Handlebars helpers templates may call: escaping per format, case conversion, `replace`.

use std::sync::{Arc, Mutex};

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderErrorReason,
    handlebars_helper,
};
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

/// A registry set up as the template format promises: strict, nothing HTML-escaped; and the
/// handle through which the renderer hands lifted text to it.
pub fn registry() -> (Handlebars<'static>, RawText) {
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
    let raw = RawText::default();
    hb.register_helper("__raw", Box::new(raw.clone()));
    (hb, raw)
}

/// The `__raw N` helper: writes the N-th run of text lifted out of the template being rendered
/// (see `lift.rs`). The renderer sets the runs before each template.
#[derive(Clone, Default)]
pub struct RawText(Arc<Mutex<Vec<&'static str>>>);

impl RawText {
    pub fn set(&self, chunks: Vec<&'static str>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = chunks;
        }
    }
}

impl HelperDef for RawText {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let index = h
            .param(0)
            .and_then(|p| p.value().as_u64())
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("__raw", 0))?;
        let chunks = self
            .0
            .lock()
            .map_err(|_| RenderErrorReason::Other("lifted text unavailable".into()))?;
        let chunk = usize::try_from(index)
            .ok()
            .and_then(|i| chunks.get(i))
            .ok_or_else(|| RenderErrorReason::Other(format!("no lifted text {index}")))?;
        out.write(chunk)?;
        Ok(())
    }
}
