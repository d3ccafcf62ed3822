//! Newer versions of a git template recorded at a tag: the remote's tags that read as semantic
//! versions (`v1.2.0`, `1.2.0`; `v2` and `v2.1` count as `2.0.0` and `2.1.0`), ordered as semver
//! orders them. Pre-releases count only when the project is on one. A reference that is no such
//! tag (a branch, a commit, `stable`) has no newer version: nothing is asked.

use std::path::Path;

use semver::Version;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::record::Record;
use crate::source::Source;

/// The tag a project is on and the newer ones its repository holds, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tags {
    /// The tag the template was read at.
    pub tag: String,
    /// The tag the project was on before `update --to-latest` moved it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Newer tags, oldest first.
    pub newer: Vec<String>,
}

impl Tags {
    /// The newest tag, when there is a newer one.
    pub fn latest(&self) -> Option<&str> {
        self.newer.last().map(String::as_str)
    }
}

/// `tag` as a version: an optional `v`, then one to three numbers, then semver's pre-release
/// and build parts.
pub fn version(tag: &str) -> Option<Version> {
    let text = tag.strip_prefix('v').unwrap_or(tag);
    let end = text.find(['-', '+']).unwrap_or(text.len());
    let (core, rest) = text.split_at(end);
    let parts = core.split('.').count();
    let padded = match parts {
        1 => format!("{core}.0.0{rest}"),
        2 => format!("{core}.0{rest}"),
        _ => text.to_string(),
    };
    Version::parse(&padded).ok()
}

/// Of `tags`, those newer than `current`, oldest first; `None` when `current` is no version.
pub fn newer(current: &str, tags: &[String]) -> Option<Vec<String>> {
    let now = version(current)?;
    let mut found: Vec<(Version, &String)> = tags
        .iter()
        .filter_map(|tag| Some((version(tag)?, tag)))
        .filter(|(v, _)| *v > now && (v.pre.is_empty() || !now.pre.is_empty()))
        .collect();
    found.sort();
    found.dedup_by(|a, b| a.1 == b.1);
    Some(found.into_iter().map(|(_, tag)| tag.clone()).collect())
}

/// The git URL and tag of `source`, when it is a git repository read at a version tag.
pub fn tagged(source: &Source) -> Option<(&str, &str)> {
    match source {
        Source::Git {
            url,
            reference: Some(reference),
        } if version(reference).is_some() => Some((url, reference)),
        _ => None,
    }
}

/// The source the templates of the project in `dir` are read from: `template` as given, else the
/// record's (`None`: the built-in ones).
pub fn source_of(dir: &Path, template: Option<&str>) -> Result<Option<Source>> {
    Ok(match template {
        Some(text) => Some(Source::parse(text)),
        None => Record::read(dir)?.template.map(|t| Source::parse(&t)),
    })
}

/// `update --to-latest`: the source (as `--template` takes it) at the newest version tag, when
/// there is a newer one, and the tags; refused (exit 2) for a source not read at a version tag,
/// and when the repository cannot be asked (exit 12).
pub fn to_latest(source: Option<&Source>) -> Result<(Option<String>, Tags)> {
    let Some((url, tag)) = source.and_then(tagged) else {
        return Err(Error::Usage(
            "--to-latest needs a git template read at a version tag (GIT-URL#v1.2.0); \
             this project's is not"
                .into(),
        ));
    };
    let listed = crate::git::remote::tags(url).map_err(|reason| Error::SourceUnavailable {
        template: format!("{url}#{tag}"),
        reason,
    })?;
    let newer = newer(tag, &listed).unwrap_or_default();
    let Some(latest) = newer.last() else {
        let tags = Tags {
            tag: tag.to_string(),
            before: None,
            newer,
        };
        return Ok((None, tags));
    };
    let tags = Tags {
        tag: latest.clone(),
        before: Some(tag.to_string()),
        newer: Vec::new(),
    };
    Ok((Some(format!("{url}#{latest}")), tags))
}

/// The newer tags of `source`: `None` when it is not read at a version tag (nothing is asked),
/// else one `git ls-remote` and its answer.
pub fn of(source: &Source) -> Option<std::result::Result<Tags, String>> {
    let (url, tag) = tagged(source)?;
    Some(crate::git::remote::tags(url).map(|listed| Tags {
        tag: tag.to_string(),
        before: None,
        newer: newer(tag, &listed).unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn newer_tags_are_ordered_as_versions_and_others_are_left_out() {
        let tags = list(&[
            "v2.0.0",
            "v1.10.0",
            "v1.0.0",
            "stable",
            "v1.2.0",
            "v3.0.0-rc.1",
            "v0.9.0",
        ]);
        assert_eq!(
            newer("v1.0.0", &tags).unwrap(),
            vec!["v1.2.0", "v1.10.0", "v2.0.0"]
        );
        // A project on a pre-release sees newer pre-releases too.
        assert_eq!(newer("v3.0.0-beta.1", &tags).unwrap(), vec!["v3.0.0-rc.1"]);
        assert_eq!(newer("stable", &tags), None);
    }

    #[test]
    fn short_versions_read_as_full_ones() {
        assert_eq!(version("v2"), Some(Version::new(2, 0, 0)));
        assert_eq!(version("1.4"), Some(Version::new(1, 4, 0)));
        assert_eq!(newer("v1", &list(&["v2", "v1.0.0"])).unwrap(), vec!["v2"]);
        assert_eq!(version("main"), None);
        assert_eq!(version("v1.x"), None);
    }
}
