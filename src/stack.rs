//! A stack, checked and ready to use: its options in asking order, derived values, secrets,
//! commands and file rules. Built from the manifest and the shared options.

use include_dir::Dir;

use crate::condition::Condition;
use crate::error::{Error, Result};
use crate::manifest::{
    Commands, FileRule, Manifest, Migration, OptionEntry, OptionType, SharedOptions, SharedRules,
    StepEntry,
};
use crate::names::NameRule;
use crate::requires::Requirement;
use crate::value::Value;

/// Keys a template sees besides the options; no option or derived value may take them.
const RESERVED_KEYS: &[&str] = &["stack", "secrets", "commands", "year", "sprout_version"];

#[derive(Debug)]
pub struct Stack {
    pub key: String,
    pub title: String,
    pub description: String,
    pub order: i32,
    pub port: u16,
    pub template_version: u32,
    pub migrations: Vec<Migration>,
    pub options: Vec<OptionSpec>,
    pub derived: Vec<(String, String)>,
    pub secrets: Vec<(String, usize)>,
    pub commands: Commands,
    pub rules: Vec<FileRule>,
    pub requires: Vec<Requirement>,
    /// The manifest's `[[step]]` entries, in file order.
    pub steps: Vec<StepEntry>,
    /// The shared layer's `[[step]]` entries: next steps before the stack's own.
    pub shared_steps: Vec<StepEntry>,
    pub lock_files: Vec<String>,
    pub dir: &'static Dir<'static>,
    /// The `_shared/` layer of the catalogue the stack was loaded from.
    pub shared: &'static Dir<'static>,
    /// The rules for the shared layer's files (its `shared.toml`), read once at load time.
    pub shared_rules: Vec<FileRule>,
    /// Where the templates were read from, to name a faulty file as its author sees it.
    pub origin: Origin,
    /// Built in, or the folder or repository it was read from (what a project records).
    pub source: crate::source::Origin,
}

/// Where a stack's templates were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// `templates` for the built-in stacks, the folder they were read from otherwise.
    pub root: &'static str,
    /// Built into sprout: a fault in it is sprout's, not the user's.
    pub built_in: bool,
    /// The root is one stack (`sprout.toml` at its top), read under this key: the key is not
    /// part of the author's paths.
    pub single: Option<&'static str>,
    /// The root brings its own `_shared/`; without one, its stacks build on the built-in layer.
    pub own_shared: bool,
}

impl Origin {
    pub const BUILT_IN: Origin = Origin {
        root: "templates",
        built_in: true,
        single: None,
        own_shared: true,
    };

    /// A file under the root (`express/files/README.md.hbs`) as its author sees it: in the
    /// author's folder, or in sprout's own shared layer when the file comes from there.
    pub fn file(&self, relative: &str) -> String {
        if !self.own_shared && relative.starts_with("_shared/") {
            return Origin::BUILT_IN.file(relative);
        }
        let relative = self
            .single
            .and_then(|key| relative.strip_prefix(key)?.strip_prefix('/'))
            .unwrap_or(relative);
        format!("{}/{relative}", self.root.trim_end_matches('/'))
    }
}

/// The rules for the shared files of a `_shared/` folder; without a `shared.toml`, none (every
/// shared file is written).
pub fn shared_rules(shared: &'static Dir<'static>) -> Result<SharedRules> {
    const SHARED: &str = "_shared";
    if crate::dir::file(shared, "shared.toml").is_none() {
        return Ok(SharedRules::default());
    }
    let text = crate::dir::text(shared, SHARED, "shared.toml")?;
    toml::from_str(text).map_err(|e| Error::Template {
        stack: SHARED.into(),
        reason: format!("shared.toml: {e}"),
    })
}

#[derive(Debug, Clone)]
pub struct OptionSpec {
    pub key: String,
    pub kind: Kind,
    pub prompt: String,
    pub help: String,
    pub default: Option<Value>,
    pub when: Condition,
    /// `sprout add WORD`: word → value (as `--set KEY=value` takes it).
    pub add: Vec<(String, String)>,
    /// Values of other stacks and the choice that stands for each here (`sqlite` → `h2`).
    pub instead: Vec<(String, String)>,
    /// A git configuration key whose value, when set, replaces the default (`user.name`).
    pub git_default: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Text {
        multiline: bool,
        max_len: usize,
        rule: Option<NameRule>,
        reserved: Vec<String>,
    },
    Choice(Vec<String>),
    Bool,
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Text { .. } => "text",
            Kind::Choice(_) => "choice",
            Kind::Bool => "bool",
        }
    }
}

impl OptionSpec {
    /// Read a value typed by a person (`--set`, a prompt) and check it.
    pub fn parse(&self, raw: &str) -> Result<Value> {
        let value = match &self.kind {
            Kind::Bool => match raw.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "on" | "1" => Value::Bool(true),
                "false" | "no" | "n" | "off" | "0" => Value::Bool(false),
                _ => return Err(self.invalid("expected yes or no (true/false)", None)),
            },
            _ => Value::Text(raw.to_string()),
        };
        self.check(value)
    }

    /// Check a value (from any source) and return it in canonical form.
    pub fn check(&self, value: Value) -> Result<Value> {
        match (&self.kind, value) {
            (Kind::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
            (Kind::Bool, Value::Text(t)) => self.parse(&t),
            (Kind::Choice(choices), value) => {
                let given = value.to_string();
                if let Some(exact) = choices.iter().find(|c| **c == given) {
                    return Ok(Value::Text(exact.clone()));
                }
                // `mit` for `MIT` is what the user meant: take it, but only when unambiguous.
                let folded: Vec<&String> = choices
                    .iter()
                    .filter(|c| c.eq_ignore_ascii_case(&given))
                    .collect();
                if let [only] = folded.as_slice() {
                    return Ok(Value::Text((*only).clone()));
                }
                let near = self
                    .instead
                    .iter()
                    .find(|(other, _)| other.eq_ignore_ascii_case(&given))
                    .map(|(other, here)| {
                        format!("this stack has `{here}` where others have `{other}`; ")
                    })
                    .or_else(|| {
                        crate::error::closest(&given, choices)
                            .map(|c| format!("did you mean `{c}`? "))
                    })
                    .unwrap_or_default();
                Err(self.invalid(
                    &format!("`{given}` is not one of {}", choices.join(", ")),
                    Some(format!("{near}allowed: {}", choices.join(", "))),
                ))
            }
            (Kind::Text { .. }, Value::Bool(b)) => Err(self.invalid(
                &format!("expected text, got {b}"),
                Some(format!("quote it: {}=\"{b}\"", self.key)),
            )),
            (
                Kind::Text {
                    multiline,
                    max_len,
                    rule,
                    reserved,
                },
                Value::Text(text),
            ) => {
                let text = if *multiline {
                    text.replace("\r\n", "\n")
                } else {
                    text
                };
                if let Some(c) = text
                    .chars()
                    .find(|c| c.is_control() && !(*multiline && *c == '\n'))
                {
                    let what = if c == '\n' {
                        "a line break".to_string()
                    } else {
                        format!("the control character {c:?}")
                    };
                    return Err(self.invalid(
                        &format!("it contains {what}"),
                        Some("use one line of printable text".into()),
                    ));
                }
                let len = text.chars().count();
                if len > *max_len {
                    return Err(self.invalid(
                        &format!("it is {len} characters long; at most {max_len} are allowed"),
                        None,
                    ));
                }
                if let Some(rule) = rule
                    && let Err(refusal) = rule.check(&text, reserved)
                {
                    let hint = match &refusal.suggestion {
                        Some(s) => format!("try `{s}`; allowed: {}", rule.describe()),
                        None => format!("allowed: {}", rule.describe()),
                    };
                    return Err(self.invalid(&format!("`{text}`: {}", refusal.reason), Some(hint)));
                }
                Ok(Value::Text(text))
            }
        }
    }

    fn invalid(&self, reason: &str, hint: Option<String>) -> Error {
        Error::InvalidValue {
            key: self.key.clone(),
            reason: reason.to_string(),
            hint,
        }
    }

    fn from_entry(entry: OptionEntry, stack: &str) -> Result<OptionSpec> {
        let broken = |reason: String| Error::Template {
            stack: stack.to_string(),
            reason,
        };
        let key = entry.key;
        let kind = match entry.kind {
            None => return Err(broken(format!("option `{key}` has no type"))),
            Some(OptionType::Bool) => Kind::Bool,
            Some(OptionType::Choice) => match entry.choices {
                Some(choices) if !choices.is_empty() => Kind::Choice(choices),
                _ => return Err(broken(format!("choice option `{key}` has no choices"))),
            },
            Some(OptionType::Text) => Kind::Text {
                multiline: entry.multiline.unwrap_or(false),
                max_len: entry.max_len.unwrap_or(200),
                rule: entry.rule,
                reserved: Vec::new(),
            },
        };
        let prompt = entry
            .prompt
            .ok_or_else(|| broken(format!("option `{key}` has no prompt")))?;
        let spec = OptionSpec {
            help: entry.help.unwrap_or_else(|| prompt.clone()),
            prompt,
            kind,
            default: None,
            when: entry.when.unwrap_or_default(),
            add: entry.add.unwrap_or_default().into_iter().collect(),
            instead: entry.instead.unwrap_or_default().into_iter().collect(),
            git_default: entry.git_default,
            key,
        };
        let default = match &entry.default {
            None => None,
            Some(raw) => {
                let value = Value::from_toml(raw).ok_or_else(|| {
                    broken(format!(
                        "default of `{}` is not a string or boolean",
                        spec.key
                    ))
                })?;
                Some(
                    spec.check(value)
                        .map_err(|e| broken(format!("default of `{}`: {e}", spec.key)))?,
                )
            }
        };
        if let Some((other, here)) = spec
            .instead
            .iter()
            .find(|(_, here)| spec.check(Value::Text(here.clone())).is_err())
        {
            return Err(broken(format!(
                "option `{}`: `instead` maps `{other}` to `{here}`, which is not a choice",
                spec.key
            )));
        }
        Ok(OptionSpec { default, ..spec })
    }
}

impl Stack {
    /// The same stack, read from `origin` (built in unless said otherwise).
    pub fn with_origin(self, origin: Origin) -> Stack {
        Stack { origin, ..self }
    }

    /// Check a manifest and merge it with the shared options.
    pub fn build(
        key: &str,
        manifest: Manifest,
        shared: &SharedOptions,
        dir: &'static Dir<'static>,
        shared_dir: &'static Dir<'static>,
    ) -> Result<Stack> {
        let broken = |reason: String| Error::Template {
            stack: key.to_string(),
            reason,
        };

        let mut entries: Vec<OptionEntry> = shared.head.clone();
        let mut own = Vec::new();
        let mut tail = shared.tail.clone();
        for entry in manifest.options {
            if let Some(existing) = entries
                .iter_mut()
                .chain(tail.iter_mut())
                .find(|e| e.key == entry.key)
            {
                existing.apply(entry);
            } else if own.iter().any(|e: &OptionEntry| e.key == entry.key) {
                return Err(broken(format!("option `{}` is declared twice", entry.key)));
            } else {
                own.push(entry);
            }
        }
        entries.extend(own);
        entries.extend(tail);

        let mut options = Vec::with_capacity(entries.len());
        for mut entry in entries {
            if !is_key(&entry.key) || RESERVED_KEYS.contains(&entry.key.as_str()) {
                return Err(broken(format!("`{}` cannot be an option key", entry.key)));
            }
            if entry.key == "name" {
                entry.rule = Some(entry.rule.unwrap_or(manifest.name_rule));
            }
            let mut spec = OptionSpec::from_entry(entry, key)?;
            if spec.key == "name" {
                if let Kind::Text { reserved, .. } = &mut spec.kind {
                    reserved.clone_from(&manifest.reserved_names);
                }
                if spec.default.is_some() {
                    return Err(broken("`name` cannot have a default".into()));
                }
            }
            check_condition(&spec.when, &options, key, &format!("option `{}`", spec.key))?;
            if !spec.when.is_empty() && spec.default.is_none() {
                return Err(broken(format!(
                    "option `{}` has a condition, so it needs a default",
                    spec.key
                )));
            }
            options.push(spec);
        }

        let mut derived = Vec::with_capacity(manifest.derived.len());
        for (name, expr) in manifest.derived {
            let expr = expr
                .as_str()
                .ok_or_else(|| broken(format!("derived `{name}` is not a string")))?
                .to_string();
            if !is_key(&name)
                || RESERVED_KEYS.contains(&name.as_str())
                || options.iter().any(|o| o.key == name)
            {
                return Err(broken(format!(
                    "derived `{name}` clashes with an option or a reserved key"
                )));
            }
            derived.push((name, expr));
        }

        let secrets: Vec<(String, usize)> = manifest.secrets.into_iter().collect();
        if let Some((name, len)) = secrets.iter().find(|(_, len)| !(16..=256).contains(len)) {
            return Err(broken(format!(
                "secret `{name}` has length {len}; use 16 to 256"
            )));
        }

        for option in &options {
            for (word, value) in &option.add {
                option
                    .parse(value)
                    .map_err(|e| broken(format!("`add {word}`: {e}")))?;
                if let Some(other) = options
                    .iter()
                    .find(|o| o.key != option.key && o.add.iter().any(|(w, _)| w == word))
                {
                    return Err(broken(format!(
                        "`add {word}` is claimed by `{}` and `{}`",
                        option.key, other.key
                    )));
                }
            }
        }

        for rule in &manifest.files {
            if let Some(to) = rule.to.as_deref().filter(|to| !to.contains("{{"))
                && let Err(refused) = crate::paths::check(to)
            {
                return Err(broken(format!(
                    "file rule `{}`: `to = \"{to}\"`: {refused}",
                    rule.path
                )));
            }
            check_condition(
                &rule.when,
                &options,
                key,
                &format!("file rule `{}`", rule.path),
            )?;
        }

        let requires = check_requirements(manifest.requires, &options, key)?;
        let shared_rules = shared_rules(shared_dir)?;
        for step in shared_rules.steps.iter().chain(&manifest.steps) {
            let what = match (&step.run, &step.note) {
                (Some(run), None) => format!("step `{run}`"),
                (None, Some(note)) => format!("step `# {note}`"),
                _ => {
                    return Err(broken(
                        "a [[step]] needs exactly one of `run` and `note`".into(),
                    ));
                }
            };
            check_condition(&step.when, &options, key, &what)?;
        }
        if let Some(bad) = manifest
            .lock_files
            .iter()
            .find_map(|p| crate::paths::check(p).err())
        {
            return Err(broken(format!("lock file: {bad}")));
        }
        if let Some(name) = manifest.commands.with.keys().find(|n| !is_key(n)) {
            return Err(broken(format!(
                "package manager `{name}` in [commands.with]: use lowercase letters and digits"
            )));
        }

        Ok(Stack {
            key: key.to_string(),
            title: manifest.title,
            description: manifest.description,
            order: manifest.order,
            port: manifest.port,
            template_version: manifest.template_version,
            migrations: manifest.migrations,
            options,
            derived,
            secrets,
            commands: manifest.commands,
            rules: manifest.files,
            requires,
            steps: manifest.steps,
            shared_steps: shared_rules.steps,
            lock_files: manifest.lock_files,
            dir,
            shared: shared_dir,
            shared_rules: shared_rules.files,
            origin: Origin::BUILT_IN,
            source: crate::source::Origin::BuiltIn,
        })
    }

    /// Take the defaults that come from the user's git configuration (`lookup` reads a key);
    /// a value the option would refuse is ignored, so the manifest's default stays.
    pub fn with_git_defaults(self, lookup: impl Fn(&str) -> Option<String>) -> Stack {
        self.with_git_defaults_unless(|_| false, lookup)
    }

    /// As [`Stack::with_git_defaults`], without looking up the options `answered` says are
    /// answered already: their default is never used.
    pub fn with_git_defaults_unless(
        mut self,
        answered: impl Fn(&str) -> bool,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Stack {
        for option in &mut self.options {
            if answered(&option.key) {
                continue;
            }
            let found = option.git_default.as_deref().and_then(&lookup);
            if let Some(value) = found.and_then(|v| option.check(Value::Text(v)).ok()) {
                option.default = Some(value);
            }
        }
        self
    }

    pub fn option(&self, key: &str) -> Option<&OptionSpec> {
        self.options.iter().find(|o| o.key == key)
    }

    /// The `--set` pair that `sprout add WORD` stands for.
    pub fn add(&self, word: &str) -> Option<(String, String)> {
        self.options.iter().find_map(|o| {
            o.add
                .iter()
                .find(|(w, _)| w == word)
                .map(|(_, v)| (o.key.clone(), v.clone()))
        })
    }

    /// Every `sprout add` word, sorted.
    pub fn add_words(&self) -> Vec<String> {
        let mut words: Vec<String> = self
            .options
            .iter()
            .flat_map(|o| o.add.iter().map(|(w, _)| w.clone()))
            .collect();
        words.sort();
        words
    }

    pub fn option_keys(&self) -> Vec<String> {
        self.options.iter().map(|o| o.key.clone()).collect()
    }
}

/// Each requirement checked, its condition naming the stack's options.
fn check_requirements(
    entries: Vec<crate::manifest::RequireEntry>,
    options: &[OptionSpec],
    stack: &str,
) -> Result<Vec<Requirement>> {
    let mut requires = Vec::with_capacity(entries.len());
    for entry in entries {
        let requirement = Requirement::from_entry(entry).map_err(|reason| Error::Template {
            stack: stack.to_string(),
            reason,
        })?;
        check_condition(
            &requirement.when,
            options,
            stack,
            &format!("requirement `{}`", requirement.tool),
        )?;
        requires.push(requirement);
    }
    Ok(requires)
}

/// A condition may only name options asked before it, with values those options accept.
pub fn check_condition(
    when: &Condition,
    earlier: &[OptionSpec],
    stack: &str,
    what: &str,
) -> Result<()> {
    for (key, expected) in when.entries() {
        let option = earlier
            .iter()
            .find(|o| o.key == key)
            .ok_or_else(|| Error::Template {
                stack: stack.to_string(),
                reason: format!(
                    "{what}: condition on `{key}`, which is not an option asked before it"
                ),
            })?;
        for scalar in expected.scalars() {
            option
                .check(scalar.to_value())
                .map_err(|e| Error::Template {
                    stack: stack.to_string(),
                    reason: format!("{what}: condition on `{key}`: {e}"),
                })?;
        }
    }
    Ok(())
}

pub fn is_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    static NO_FILES: Dir<'static> = Dir::new("", &[]);

    /// Build a stack from a manifest that is valid but for `extra`.
    fn build(extra: &str) -> Result<Stack> {
        let text = format!(
            "title = \"T\"\ndescription = \"D\"\nport = 3000\nname_rule = \"npm\"\n\
             [commands]\ninstall = \"i\"\nlint = \"l\"\ntest = \"t\"\nstart = \"s\"\n{extra}"
        );
        let manifest: Manifest = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        Stack::build(
            "t",
            manifest,
            &crate::catalog::shared_options()?,
            &NO_FILES,
            &NO_FILES,
        )
    }

    fn refusal(extra: &str) -> String {
        match build(extra) {
            Err(Error::Template { reason, .. }) => reason,
            other => panic!("{extra}: {other:?}"),
        }
    }

    #[test]
    fn requirements_and_steps_are_checked_when_loaded() {
        let ok = build(
            "[[requires]]\ntool = \"node\"\ncheck = \"node --version\"\nmin = \"22.18\"\n\
             when = { database = \"sqlite\" }\nfix = \"f\"\n\
             [[step]]\nrun = \"cp .env.example .env\"\nwhen = { database = \"postgres\" }\n",
        )
        .unwrap();
        assert_eq!(ok.requires[0].check, ["node", "--version"]);
        assert_eq!(ok.steps.len(), 1);

        assert!(
            refusal(
                "[[requires]]\ntool = \"node\"\ncheck = \"node -v\"\nmin = \">=22\"\nfix = \"f\"\n"
            )
            .contains("not a version")
        );
        assert!(
            refusal(
                "[[requires]]\ntool = \"node\"\ncheck = \"node -v\"\nwhen = { flavour = \"x\" }\nfix = \"f\"\n"
            )
            .contains("requirement `node`: condition on `flavour`")
        );
        assert!(
            refusal("[[requires]]\ntool = \"node\"\ncheck = \"node -v\"\nwhen = { database = \"mysql\" }\nfix = \"f\"\n")
                .contains("mysql")
        );
        assert!(refusal("[[step]]\nrun = \"a\"\nnote = \"b\"\n").contains("exactly one"));
        assert!(refusal("[[step]]\nwhen = { database = \"sqlite\" }\n").contains("exactly one"));
        assert!(refusal("[commands.with.Yarn]\ninstall = \"yarn\"\n").contains("package manager"));
        assert!(refusal("[[file]]\npath = \"x\"\nto = \"../x\"\n").contains("`to = \"../x\"`"));
    }

    #[test]
    fn lock_files_stay_inside_the_project() {
        let with_locks = |locks: &str| {
            let text = format!(
                "title = \"T\"\ndescription = \"D\"\nport = 3000\nname_rule = \"npm\"\n\
                 lock_files = {locks}\n[commands]\ninstall = \"i\"\nlint = \"l\"\ntest = \"t\"\nstart = \"s\"\n"
            );
            let manifest: Manifest = toml::from_str(&text).unwrap();
            Stack::build(
                "t",
                manifest,
                &crate::catalog::shared_options().unwrap(),
                &NO_FILES,
                &NO_FILES,
            )
        };
        assert!(with_locks("[\"package-lock.json\"]").is_ok());
        for bad in ["[\"../x.lock\"]", "[\"/etc/x\"]", "[\"\"]"] {
            assert!(with_locks(bad).is_err(), "{bad}");
        }
    }
}
