//! Every catalogue `list`, `show` and `new --stack` see: the built-in templates first, then
//! each configured root (see [`config`]). A key may be defined only once.

use super::Catalog;
use crate::error::{Error, Result};
use crate::source::{self, Origin, config};
use crate::stack::Stack;

#[derive(Debug)]
pub struct Roots {
    catalogs: Vec<Catalog>,
}

impl Roots {
    /// The built-in templates and the configured roots, each fetched and read.
    pub fn configured() -> Result<Roots> {
        Roots::configured_and(&[])
    }

    /// The built-in templates, the configured roots and `extra` (`sprout serve --template`),
    /// each fetched and read once.
    pub fn configured_and(extra: &[source::Source]) -> Result<Roots> {
        let mut catalogs = vec![Catalog::embedded()];
        for source in config::roots()?.iter().chain(extra) {
            catalogs.push(Catalog::from_source(source, None)?);
        }
        Roots::of(catalogs)
    }

    /// Only the built-in templates.
    pub fn built_in() -> Roots {
        Roots {
            catalogs: vec![Catalog::embedded()],
        }
    }

    /// These catalogues, refused when two define the same key.
    pub fn of(catalogs: Vec<Catalog>) -> Result<Roots> {
        for (i, later) in catalogs.iter().enumerate() {
            for key in later.keys() {
                if let Some(earlier) = catalogs[..i]
                    .iter()
                    .find(|c| c.keys().iter().any(|k| k.eq_ignore_ascii_case(&key)))
                {
                    return Err(Error::StackClash {
                        key,
                        first: named(earlier.origin()),
                        second: named(later.origin()),
                    });
                }
            }
        }
        Ok(Roots { catalogs })
    }

    /// Where each catalogue comes from, the built-in one first.
    pub fn origins(&self) -> Vec<Origin> {
        self.catalogs.iter().map(|c| c.origin().clone()).collect()
    }

    /// Every key, the built-in ones first.
    pub fn keys(&self) -> Vec<String> {
        self.catalogs.iter().flat_map(Catalog::keys).collect()
    }

    /// The catalogue that defines `key` (without regard to case).
    pub fn catalog_of(&self, key: &str) -> Result<&Catalog> {
        self.catalogs
            .iter()
            .find(|c| c.keys().iter().any(|k| k.eq_ignore_ascii_case(key)))
            .ok_or_else(|| Error::UnknownStack {
                given: key.to_string(),
                known: self.keys(),
            })
    }

    /// Load and check one stack, wherever it is defined.
    pub fn load(&self, key: &str) -> Result<Stack> {
        self.catalog_of(key)?.load(key)
    }

    /// Every stack of the configured roots, without the built-in ones: each root's in its order.
    pub fn load_configured(&self) -> Result<Vec<Stack>> {
        let mut all = Vec::new();
        for catalog in self.catalogs.iter().filter(|c| !c.origin().is_built_in()) {
            all.extend(catalog.load_all()?);
        }
        Ok(all)
    }

    /// Every stack: the built-in ones in their order, then each root's in its order.
    pub fn load_all(&self) -> Result<Vec<Stack>> {
        let mut all = Vec::new();
        for catalog in &self.catalogs {
            all.extend(catalog.load_all()?);
        }
        Ok(all)
    }
}

/// A catalogue's origin, as an error names it.
fn named(origin: &Origin) -> String {
    match origin {
        Origin::BuiltIn => "sprout's built-in templates".into(),
        other => other.to_string(),
    }
}
