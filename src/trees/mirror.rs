//! A template tree as data that serde can write and read back: the same shape as Handlebars'
//! `Template`, built from its public parts and rebuilt with its public constructors.
//!
//! Handlebars keeps one field of its trees private (`indent_before_write`: whether a statement
//! stands alone on its line, so that text after it inside an indented partial is indented) and
//! offers no public constructor for a line mapping. The first is read by comparing the node with
//! the two nodes its constructor can build; the second is made by changing a mapping Handlebars
//! made. A tree whose parts cannot be read is not stored (`from_template` gives None), so a
//! Handlebars with new forms costs a parse, never a wrong render.

use std::collections::HashMap;
use std::sync::OnceLock;

use handlebars::template::{
    BlockParam, DecoratorTemplate, ExpressionSpec, ExpressionSpecBuilder, HelperTemplate,
    Parameter, SubexpressionBuilder, Template, TemplateElement, TemplateMapping,
};
use handlebars::{Path as JsonPath, PathSeg};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tree {
    elements: Vec<Element>,
    /// Line and column of each element, for errors.
    mapping: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Element {
    Raw(String),
    Comment(String),
    Expression(Helper),
    HtmlExpression(Helper),
    HelperBlock(Helper),
    DecoratorExpression(Decorator),
    DecoratorBlock(Decorator),
    PartialExpression(Decorator),
    PartialBlock(Decorator),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Call {
    name: Param,
    params: Vec<Param>,
    /// Sorted by name, so that a tree is written the same way every time.
    hash: Vec<(String, Param)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Helper {
    call: Call,
    block_param: Option<BlockParams>,
    template: Option<Tree>,
    inverse: Option<Tree>,
    block: bool,
    chain: bool,
    indent_before_write: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Decorator {
    call: Call,
    template: Option<Tree>,
    indent: Option<String>,
    indent_before_write: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum BlockParams {
    Single(Param),
    Pair(Param, Param),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Param {
    Name(String),
    /// `a.b`: plain names and the path as written.
    Names(Vec<String>, String),
    /// A path with `../` or `@root`, parsed again from its text (`Path::parse`).
    Path(String),
    /// `@index`, `../@key`: levels up, name, text.
    Local(usize, String, String),
    /// A literal as JSON text (`"x"`, `3`, `true`, `null`).
    Literal(String),
    Subexpression(Box<Element>),
}

impl Tree {
    /// The tree of `template`; None when a part of it has no form here.
    pub fn from_template(template: Template) -> Option<Tree> {
        let mapping = template.mapping.iter().map(|m| (m.0, m.1)).collect();
        let elements = template
            .elements
            .into_iter()
            .map(element)
            .collect::<Option<Vec<_>>>()?;
        Some(Tree { elements, mapping })
    }

    /// Handlebars' tree again, named `name`; None only when Handlebars refuses a part of it.
    pub fn into_template(self, name: Option<&str>) -> Option<Template> {
        let mut template = Template::new();
        template.name = name.map(str::to_owned);
        template.elements = self
            .elements
            .into_iter()
            .map(Element::into_element)
            .collect::<Option<Vec<_>>>()?;
        let prototype = prototype_mapping()?;
        template.mapping = self
            .mapping
            .into_iter()
            .map(|(line, column)| {
                let mut at = prototype.clone();
                at.0 = line;
                at.1 = column;
                at
            })
            .collect();
        Some(template)
    }
}

/// A mapping Handlebars made, to change into others (it has no public constructor).
fn prototype_mapping() -> Option<&'static TemplateMapping> {
    static PROTOTYPE: OnceLock<Option<TemplateMapping>> = OnceLock::new();
    PROTOTYPE
        .get_or_init(|| {
            Template::compile("{{a}}")
                .ok()
                .and_then(|mut t| t.mapping.pop())
        })
        .as_ref()
}

fn element(e: TemplateElement) -> Option<Element> {
    use TemplateElement as T;
    Some(match e {
        T::RawString(text) => Element::Raw(text),
        T::Comment(text) => Element::Comment(text),
        T::Expression(h) => Element::Expression(helper(*h)?),
        T::HtmlExpression(h) => Element::HtmlExpression(helper(*h)?),
        T::HelperBlock(h) => Element::HelperBlock(helper(*h)?),
        T::DecoratorExpression(d) => Element::DecoratorExpression(decorator(*d)?),
        T::DecoratorBlock(d) => Element::DecoratorBlock(decorator(*d)?),
        T::PartialExpression(d) => Element::PartialExpression(decorator(*d)?),
        T::PartialBlock(d) => Element::PartialBlock(decorator(*d)?),
        _ => return None,
    })
}

fn subtree(t: Option<Template>) -> Option<Option<Tree>> {
    match t {
        Some(t) => Tree::from_template(t).map(Some),
        None => Some(None),
    }
}

fn helper(mut h: HelperTemplate) -> Option<Helper> {
    let template = subtree(h.template.take())?;
    let inverse = subtree(h.inverse.take())?;
    let call = call(&h.name, &h.params, &h.hash)?;
    let block_param = match &h.block_param {
        Some(BlockParam::Single(p)) => Some(BlockParams::Single(param(p)?)),
        Some(BlockParam::Pair((a, b))) => Some(BlockParams::Pair(param(a)?, param(b)?)),
        Some(_) => return None,
        None => None,
    };
    // The private field: the node equals the one built with it, and only that one.
    let built = |indent: bool| {
        let spec = spec(call.clone(), block_param.clone())?;
        let mut probe = HelperTemplate::new(spec, h.block, indent);
        probe.chain = h.chain;
        Some(probe == h)
    };
    let indent_before_write = private_flag(built)?;
    Some(Helper {
        call,
        block_param,
        template,
        inverse,
        block: h.block,
        chain: h.chain,
        indent_before_write,
    })
}

fn decorator(mut d: DecoratorTemplate) -> Option<Decorator> {
    let template = subtree(d.template.take())?;
    let call = call(&d.name, &d.params, &d.hash)?;
    let built = |indent: bool| {
        let mut probe = DecoratorTemplate::new(spec(call.clone(), None)?, indent);
        probe.indent = d.indent.clone();
        Some(probe == d)
    };
    let indent_before_write = private_flag(built)?;
    Some(Decorator {
        call,
        template,
        indent: d.indent,
        indent_before_write,
    })
}

/// The value of a private flag: the one of the two values `built` says gives the node (None when
/// both or neither do).
fn private_flag(built: impl Fn(bool) -> Option<bool>) -> Option<bool> {
    match (built(true)?, built(false)?) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

fn call(name: &Parameter, params: &[Parameter], hash: &HashMap<String, Parameter>) -> Option<Call> {
    let mut pairs = hash
        .iter()
        .map(|(k, v)| Some((k.clone(), param(v)?)))
        .collect::<Option<Vec<_>>>()?;
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    Some(Call {
        name: param(name)?,
        params: params.iter().map(param).collect::<Option<Vec<_>>>()?,
        hash: pairs,
    })
}

fn param(p: &Parameter) -> Option<Param> {
    Some(match p {
        Parameter::Name(n) => Param::Name(n.clone()),
        Parameter::Path(JsonPath::Relative((segments, raw))) => {
            let names = segments
                .iter()
                .map(|s| match s {
                    PathSeg::Named(n) => Some(n.clone()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>();
            match names {
                Some(names) => Param::Names(names, raw.clone()),
                None => Param::Path(raw.clone()),
            }
        }
        Parameter::Path(JsonPath::Local((level, name, raw))) => {
            Param::Local(*level, name.clone(), raw.clone())
        }
        Parameter::Literal(value) => Param::Literal(serde_json::to_string(value).ok()?),
        Parameter::Subexpression(sub) => {
            Param::Subexpression(Box::new(element(sub.element.as_ref().clone())?))
        }
        _ => return None,
    })
}

/// The expression's own parts, moved into a copy of an empty one (Handlebars' builder would
/// clone each of them).
fn spec(call: Call, block_param: Option<BlockParams>) -> Option<ExpressionSpec> {
    static EMPTY: OnceLock<Option<ExpressionSpec>> = OnceLock::new();
    let mut spec = EMPTY
        .get_or_init(|| {
            ExpressionSpecBuilder::default()
                .name(Parameter::Name(String::new()))
                .params(Vec::new())
                .hash(HashMap::new())
                .omit_pre_ws(false)
                .omit_pro_ws(false)
                .build()
                .ok()
        })
        .clone()?;
    spec.name = call.name.into_parameter()?;
    spec.params = call
        .params
        .into_iter()
        .map(Param::into_parameter)
        .collect::<Option<Vec<_>>>()?;
    spec.hash = call
        .hash
        .into_iter()
        .map(|(k, v)| Some((k, v.into_parameter()?)))
        .collect::<Option<HashMap<_, _>>>()?;
    spec.block_param = match block_param {
        Some(BlockParams::Single(p)) => Some(BlockParam::Single(p.into_parameter()?)),
        Some(BlockParams::Pair(a, b)) => {
            Some(BlockParam::Pair((a.into_parameter()?, b.into_parameter()?)))
        }
        None => None,
    };
    Some(spec)
}

fn into_subtree(tree: Option<Tree>) -> Option<Option<Template>> {
    match tree {
        Some(t) => t.into_template(None).map(Some),
        None => Some(None),
    }
}

impl Element {
    fn into_element(self) -> Option<TemplateElement> {
        use TemplateElement as T;
        Some(match self {
            Element::Raw(text) => T::RawString(text),
            Element::Comment(text) => T::Comment(text),
            Element::Expression(h) => T::Expression(h.into_helper()?),
            Element::HtmlExpression(h) => T::HtmlExpression(h.into_helper()?),
            Element::HelperBlock(h) => T::HelperBlock(h.into_helper()?),
            Element::DecoratorExpression(d) => T::DecoratorExpression(d.into_decorator()?),
            Element::DecoratorBlock(d) => T::DecoratorBlock(d.into_decorator()?),
            Element::PartialExpression(d) => T::PartialExpression(d.into_decorator()?),
            Element::PartialBlock(d) => T::PartialBlock(d.into_decorator()?),
        })
    }
}

impl Helper {
    fn into_helper(self) -> Option<Box<HelperTemplate>> {
        let spec = spec(self.call, self.block_param)?;
        let mut helper = HelperTemplate::new(spec, self.block, self.indent_before_write);
        helper.chain = self.chain;
        helper.template = into_subtree(self.template)?;
        helper.inverse = into_subtree(self.inverse)?;
        Some(Box::new(helper))
    }
}

impl Decorator {
    fn into_decorator(self) -> Option<Box<DecoratorTemplate>> {
        let spec = spec(self.call, None)?;
        let mut decorator = DecoratorTemplate::new(spec, self.indent_before_write);
        decorator.indent = self.indent;
        decorator.template = into_subtree(self.template)?;
        Some(Box::new(decorator))
    }
}

impl Param {
    fn into_parameter(self) -> Option<Parameter> {
        Some(match self {
            Param::Name(n) => Parameter::Name(n),
            Param::Names(names, raw) => Parameter::Path(JsonPath::Relative((
                names.into_iter().map(PathSeg::Named).collect(),
                raw,
            ))),
            Param::Path(raw) => Parameter::Path(JsonPath::parse(&raw).ok()?),
            Param::Local(level, name, raw) => Parameter::Path(JsonPath::Local((level, name, raw))),
            Param::Literal(json) => Parameter::Literal(serde_json::from_str(&json).ok()?),
            Param::Subexpression(element) => Parameter::Subexpression(
                SubexpressionBuilder::default()
                    .element(Box::new(element.into_element()?))
                    .build()
                    .ok()?,
            ),
        })
    }
}
