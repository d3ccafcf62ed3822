//! Every template text reaches Handlebars through here: parsed once, then remembered.
//!
//! Handlebars' parser costs about a million instructions for a file of a few dozen lines (pest
//! computes each token's line by rescanning the text), far more than rendering it. So a text is
//! parsed once per content: the tree is kept in memory for the rest of the process (`serve`
//! renders many projects from the same templates) and on disk for the next runs (`disk.rs`,
//! under the user's cache folder). The built-in templates' trees are parsed at build time
//! (build/trees.rs) and built into the binary in the same format (`entry.rs`): a first run
//! parses none of them. A tree read back is the tree Handlebars parsed, line mapping
//! included, so a render error still names its line. A render of a template that is not built
//! in reads its trees from one pack file (`pack.rs`, [`Pack`]) once one has been written.

mod disk;
mod entry;
mod mirror;
mod pack;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use handlebars::TemplateError;
use handlebars::template::Template;
use xxhash_rust::xxh3::xxh3_128;

pub use disk::{DIR_ENV, Disk, MAX_BYTES, OFF_ENV, root as cache_root, set_root as set_cache_root};
pub use mirror::Tree;

/// The Handlebars that parsed the trees (from Cargo.lock, by build.rs): another one may parse
/// the same text otherwise.
const HANDLEBARS: &str = env!("SPROUT_HANDLEBARS_VERSION");

/// The entries of the built-in templates' trees, by build/trees.rs.
static BUILT_IN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/trees.bin"));

/// Texts kept in memory past this many bytes are forgotten all at once.
const MEMORY_BYTES: usize = 64 * 1024 * 1024;

/// Whether this process keeps its trees for its whole life ([`keep`]).
static KEEP: AtomicBool = AtomicBool::new(false);

/// Trees of this process by a hash of their text (the text is kept to compare).
#[derive(Default)]
struct Memory {
    trees: HashMap<u128, (Box<str>, Arc<Template>)>,
    bytes: usize,
    /// How often each text was given to Handlebars' parser (tests observe it).
    #[cfg(test)]
    parses: HashMap<u128, usize>,
}

fn memory() -> &'static Mutex<Memory> {
    static MEMORY: OnceLock<Mutex<Memory>> = OnceLock::new();
    MEMORY.get_or_init(Mutex::default)
}

/// The user's cache (none in unit tests: they give `load` a folder of their own), or the one
/// [`set_cache_root`] gave, from the moment it is given.
fn disk() -> Option<&'static Disk> {
    static DISK: OnceLock<Option<Disk>> = OnceLock::new();
    static GIVEN: OnceLock<Option<Disk>> = OnceLock::new();
    if disk::given_root().is_some() {
        return GIVEN.get_or_init(Disk::from_env).as_ref();
    }
    DISK.get_or_init(|| if cfg!(test) { None } else { Disk::from_env() })
        .as_ref()
}

/// The tree Handlebars parses from `text` (unnamed, as `Template::compile` gives it), from this
/// process's memory, the cache on disk, or the parser.
pub fn parsed(text: &str) -> Result<Arc<Template>, TemplateError> {
    let key = xxh3_128(text.as_bytes());
    if let Ok(memory) = memory().lock()
        && let Some((kept, tree)) = memory.trees.get(&key)
        && **kept == *text
    {
        return Ok(Arc::clone(tree));
    }
    let tree = Arc::new(load(text, disk())?);
    if let Ok(mut memory) = memory().lock() {
        if memory.bytes + text.len() > MEMORY_BYTES {
            memory.trees.clear();
            memory.bytes = 0;
        }
        memory.bytes += text.len();
        memory.trees.insert(key, (text.into(), Arc::clone(&tree)));
    }
    Ok(tree)
}

/// Keep every tree for the life of the process (`serve` renders many projects from the same
/// templates). Without it, a file's tree is read for its render alone ([`once`]).
pub fn keep() {
    KEEP.store(true, Ordering::Relaxed);
}

/// The tree of `text` for one use, as [`parsed`] gives it, but remembered only when the
/// process [`keep`]s its trees: a one-shot run reads each file's tree when it renders the file
/// and drops it after, so a template of thousands of files never holds all its trees at once.
pub fn once(text: &str) -> Result<Arc<Template>, TemplateError> {
    if KEEP.load(Ordering::Relaxed) {
        return parsed(text);
    }
    let key = xxh3_128(text.as_bytes());
    if let Ok(memory) = memory().lock()
        && let Some((kept, tree)) = memory.trees.get(&key)
        && **kept == *text
    {
        return Ok(Arc::clone(tree));
    }
    load(text, disk()).map(Arc::new)
}

/// The tree of `text` (whose entry key is `key`) parsed into the binary (a built-in
/// template's), if it is there.
fn built_in(key: u128, text: &str) -> Option<Tree> {
    entry::decode(entry::find(BUILT_IN, key)?, text, HANDLEBARS)
}

/// The tree of `text` from the binary, the pack of the render under way, `disk`, or parsed
/// (and stored there, and in the pack being written).
fn load(text: &str, disk: Option<&Disk>) -> Result<Template, TemplateError> {
    let key = entry::key(text, HANDLEBARS);
    if let Some(tree) = built_in(key, text)
        && let Some(template) = tree.into_template(None)
    {
        return Ok(template);
    }
    let batch = disk.and_then(|_| current());
    if let Some(batch) = &batch
        && let Some(template) = batch.read(key, text)
    {
        return Ok(template);
    }
    if let Some((bytes, tree)) = disk.and_then(|d| d.read_entry(text))
        && let Some(template) = tree.into_template(None)
    {
        if let Some(batch) = &batch {
            batch.add(key, &bytes);
        }
        return Ok(template);
    }
    let template = parse(text)?;
    if let Some(disk) = disk
        && let Some(tree) = Tree::from_template(template.clone())
        && let Some(bytes) = disk.write(text, &tree)
        && let Some(batch) = &batch
    {
        batch.add(key, &bytes);
    }
    Ok(template)
}

/// The pack of the render under way ([`Pack::begin`]).
fn batch_slot() -> &'static Mutex<Option<Arc<Batch>>> {
    static SLOT: OnceLock<Mutex<Option<Arc<Batch>>>> = OnceLock::new();
    SLOT.get_or_init(Mutex::default)
}

fn current() -> Option<Arc<Batch>> {
    batch_slot().lock().ok()?.clone()
}

/// A render's pack: the one on disk to read from, or the one being written for the next run.
#[derive(Debug)]
struct Batch {
    disk: &'static Disk,
    path: std::path::PathBuf,
    reader: Option<pack::Reader>,
    writer: Option<Mutex<pack::Writer>>,
    /// An entry of the pack was damaged: it is removed at the end, and written again next time.
    damaged: AtomicBool,
}

impl Batch {
    fn read(&self, key: u128, text: &str) -> Option<Template> {
        let reader = self.reader.as_ref()?;
        let bytes = reader.get(key)?;
        let template = entry::decode(&bytes, text, HANDLEBARS).and_then(|t| t.into_template(None));
        if template.is_none() {
            self.damaged.store(true, Ordering::Relaxed);
        }
        template
    }

    fn add(&self, key: u128, bytes: &[u8]) {
        if let Some(writer) = &self.writer
            && let Ok(mut writer) = writer.lock()
        {
            writer.add(key, bytes);
        }
    }
}

/// The trees of one render in one file of the cache: begun with the texts the render will
/// read, [`finish`](Pack::finish)ed when it succeeded (the pack is written if there was none).
/// Only one render at a time in a process has one; a process that [`keep`]s its trees in
/// memory has none.
#[derive(Debug)]
pub struct Pack {
    batch: Option<Arc<Batch>>,
}

impl Pack {
    /// Begin the pack of `texts` (those built in are left out: the binary holds their trees).
    pub fn begin<'t>(texts: impl IntoIterator<Item = &'t str>) -> Pack {
        let batch = disk()
            .filter(|_| !KEEP.load(Ordering::Relaxed))
            .and_then(|disk| Batch::open(disk, texts));
        if let Some(batch) = &batch
            && let Ok(mut slot) = batch_slot().lock()
        {
            if slot.is_some() {
                // Another render has the slot: this one reads as without a pack.
                return Pack { batch: None };
            }
            *slot = Some(Arc::clone(batch));
        }
        Pack { batch }
    }

    /// The render succeeded: write the pack if it was missing, remove it if it was damaged.
    pub fn finish(mut self) {
        let Some(batch) = self.release() else {
            return;
        };
        let Ok(batch) = Arc::try_unwrap(batch) else {
            return;
        };
        if batch.damaged.load(Ordering::Relaxed)
            && let Some(reader) = &batch.reader
        {
            let _ = std::fs::remove_file(reader.path());
        }
        if let Some(writer) = batch.writer
            && let Ok(writer) = writer.into_inner()
            && let Ok(bytes) = writer.finish(&batch.path)
        {
            batch.disk.count(bytes);
        }
    }

    fn release(&mut self) -> Option<Arc<Batch>> {
        let batch = self.batch.take()?;
        if let Ok(mut slot) = batch_slot().lock()
            && slot.as_ref().is_some_and(|s| Arc::ptr_eq(s, &batch))
        {
            *slot = None;
        }
        Some(batch)
    }
}

impl Drop for Pack {
    fn drop(&mut self) {
        // Not finished (the render failed): the pack being written is dropped with it.
        self.release();
    }
}

impl Batch {
    fn open<'t>(
        disk: &'static Disk,
        texts: impl IntoIterator<Item = &'t str>,
    ) -> Option<Arc<Batch>> {
        let keys: Vec<u128> = texts
            .into_iter()
            .map(|text| entry::key(text, HANDLEBARS))
            .filter(|key| entry::find(BUILT_IN, *key).is_none())
            .collect();
        if keys.is_empty() {
            return None;
        }
        let path = disk.dir().join(pack::name(&keys));
        let reader = pack::Reader::open(&path);
        let writer = match reader {
            Some(_) => None,
            None => pack::Writer::new(disk.dir()).ok().map(Mutex::new),
        };
        Some(Arc::new(Batch {
            disk,
            path,
            reader,
            writer,
            damaged: AtomicBool::new(false),
        }))
    }
}

fn parse(text: &str) -> Result<Template, TemplateError> {
    #[cfg(test)]
    if let Ok(mut memory) = memory().lock() {
        *memory.parses.entry(xxh3_128(text.as_bytes())).or_default() += 1;
    }
    Template::compile(text)
}

/// How often `text` has been given to Handlebars' parser in this process.
#[cfg(test)]
pub fn parses(text: &str) -> usize {
    memory()
        .lock()
        .map(|m| {
            m.parses
                .get(&xxh3_128(text.as_bytes()))
                .copied()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// Texts with every form a tree can hold.
    const FORMS: &[&str] = &[
        "plain text only\n",
        "{{name}} {{{raw}}} {{a.b.c}} {{../up}} {{@root.x}} {{this}} {{./x}}\n",
        "{{#each items as |item i|}}{{@index}}: {{item}} {{#each b}}{{@../index}}{{/each}}{{/each}}\n",
        "{{#if (eq a \"x\")}}\n  yes\n{{else if b}}\n  maybe\n{{else}}\n  no\n{{/if}}\n",
        "{{helper 1 2.5 true null \"s\" key=value other=(sub x y=1)}}\n",
        "{{!-- a comment --}}{{! short }}\n  {{> partial}}\n  {{> (lookup a \"b\") x=1}}\n",
        "{{#> layout title=\"t\"}}\n  body {{x}}\n{{/layout}}\n",
        "{{#*inline \"name\"}}inline{{/inline}}{{*decorator}}\n",
        "a {{~x~}} b\n{{#unless x~}}\n  c\n{{~/unless}}\n\\{{escaped}}\n{{{{raw}}}}{{not}}{{{{/raw}}}}\n",
        "{{#with person}}{{first}}{{^}}none{{/with}}\n{{#each a}}{{else}}empty{{/each}}\n",
    ];

    #[test]
    fn every_form_is_read_back_as_the_tree_handlebars_parsed() {
        for text in FORMS {
            let template = Template::compile(text).unwrap();
            let tree = Tree::from_template(template.clone()).unwrap();
            let bytes = postcard::to_stdvec(&tree).unwrap();
            let back: Tree = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back.into_template(None).unwrap(), template, "{text}");
        }
    }

    /// Every template text sprout ships: `.hbs` files and partials, and the manifests' texts.
    fn built_in_texts() -> Vec<String> {
        fn walk(dir: &include_dir::Dir<'static>, out: &mut Vec<String>) {
            for file in dir.files() {
                let text = file.contents_utf8().unwrap_or_default();
                if file.path().extension().is_some_and(|e| e == "hbs") {
                    out.push(text.to_owned());
                } else if file.path().extension().is_some_and(|e| e == "toml") {
                    let table: toml::Table = text.parse().unwrap();
                    strings(&toml::Value::Table(table), out);
                }
            }
            dir.dirs().for_each(|d| walk(d, out));
        }
        fn strings(value: &toml::Value, out: &mut Vec<String>) {
            match value {
                toml::Value::String(s) if s.contains("{{") => out.push(s.clone()),
                toml::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
                toml::Value::Table(table) => table.values().for_each(|v| strings(v, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(crate::catalog::embedded_dir(), &mut out);
        out
    }

    #[test]
    fn every_built_in_template_is_in_the_binary_as_the_tree_handlebars_parses() {
        let texts = built_in_texts();
        assert!(texts.len() > 150, "only {} texts", texts.len());
        for text in texts {
            let template = Template::compile(&text).unwrap();
            let tree = built_in(entry::key(&text, HANDLEBARS), &text).expect(&text);
            assert_eq!(tree.into_template(None).unwrap(), template, "{text}");
            // Read through `load`, without a cache on disk: never parsed.
            let before = parses(&text);
            assert_eq!(load(&text, None).unwrap(), template);
            assert_eq!(parses(&text), before, "{text}");
        }
        let other = "not a built-in template: {{x}}\n";
        assert!(built_in(entry::key(other, HANDLEBARS), other).is_none());
    }

    #[test]
    fn a_bundle_finds_each_of_its_entries_and_nothing_else() {
        let texts: Vec<String> = (0..50)
            .map(|n| format!("bundled {n}: {{{{x}}}}\n"))
            .collect();
        let entries = texts
            .iter()
            .map(|t| {
                let tree = Tree::from_template(Template::compile(t).unwrap()).unwrap();
                (entry::key(t, "v"), entry::encode(t, &tree, "v").unwrap())
            })
            .collect();
        let bundle = entry::bundle(entries).unwrap();
        for text in &texts {
            let found = entry::find(&bundle, entry::key(text, "v")).unwrap();
            let tree = entry::decode(found, text, "v").unwrap();
            assert_eq!(
                tree.into_template(None).unwrap(),
                Template::compile(text).unwrap()
            );
            assert!(
                entry::decode(found, text, "w").is_none(),
                "another Handlebars"
            );
        }
        assert!(entry::find(&bundle, entry::key("not bundled", "v")).is_none());
        assert!(entry::find(&bundle[..10], entry::key(&texts[0], "v")).is_none());
        assert!(entry::find(&[], 0).is_none());
    }

    #[test]
    fn a_text_is_parsed_once_per_process_and_once_per_cache() {
        let temp = tempfile::tempdir().unwrap();
        let disk = Disk::new(temp.path().to_path_buf(), MAX_BYTES);
        let text = "only in this test: {{a}} {{#if b}}{{c}}{{/if}}\n";
        let first = load(text, Some(&disk)).unwrap();
        let second = load(text, Some(&disk)).unwrap();
        assert_eq!(first, second);
        assert_eq!(first, Template::compile(text).unwrap());
        assert_eq!(parses(text), 1, "the second load read the cache");
        load(text, None).unwrap();
        assert_eq!(parses(text), 2, "without a cache, a load parses");

        let text = "also only in this test: {{x}}\n";
        for _ in 0..3 {
            parsed(text).unwrap();
        }
        assert_eq!(parses(text), 1);
    }
}
