//! Render-only micro-benchmarks: every embedded stack, in memory, without process or disk noise.
//! `cargo bench --bench render`; CI runs each benchmark once as a test (`cargo test --benches`)
//! so it cannot rot.
//!
//! Per stack: the defaults, and the heaviest option combination (for every choice or yes/no
//! option in asking order, the value that adds the most files, found here rather than written
//! down per stack). Besides: a synthetic stack of 1,000 templated files, built in memory through
//! the library's public API (`Stack::build` on a leaked `include_dir::Dir`), so the cost per file
//! can be read off without shipping a large template.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use include_dir::{Dir, DirEntry, File};
use sprout::answers::Given;
use sprout::catalog;
use sprout::generate::prepare;
use sprout::manifest::Manifest;
use sprout::stack::{Kind, Stack};

fn main() {
    divan::main();
}

fn stack_keys() -> Vec<String> {
    catalog::keys()
}

fn given(set: &[(String, String)]) -> Given {
    let mut all = vec![("name".to_string(), "bench-app".to_string())];
    all.extend_from_slice(set);
    Given {
        set: all,
        file: None,
    }
}

/// Files and bytes the answers produce, or None if they are refused.
fn weight(stack: &Stack, set: &[(String, String)]) -> Option<(usize, usize)> {
    prepare(stack, &given(set), None).ok().map(|(_, p)| {
        let bytes = p.files.iter().map(|f| f.contents.len()).sum();
        (p.files.len(), bytes)
    })
}

/// The option values that produce the most files: each choice or yes/no option in turn takes the
/// value that adds the most files on top of those already chosen (more bytes break a tie;
/// a full tie keeps the default).
fn heaviest(stack: &Stack) -> Vec<(String, String)> {
    let mut set: Vec<(String, String)> = Vec::new();
    for option in &stack.options {
        let candidates: Vec<String> = match &option.kind {
            Kind::Choice(choices) => choices.clone(),
            Kind::Bool => vec!["no".into(), "yes".into()],
            Kind::Text { .. } => continue,
        };
        let mut best: Option<((usize, usize), String)> =
            weight(stack, &set).map(|n| (n, String::new()));
        for value in candidates {
            let mut trial = set.clone();
            trial.push((option.key.clone(), value.clone()));
            if let Some(n) = weight(stack, &trial)
                && best.as_ref().is_none_or(|(b, _)| n > *b)
            {
                best = Some((n, value));
            }
        }
        if let Some((_, value)) = best.filter(|(_, v)| !v.is_empty()) {
            set.push((option.key.clone(), value));
        }
    }
    set
}

/// Load (parse and check) one stack's manifest.
#[divan::bench(args = stack_keys())]
fn load(key: &str) -> Stack {
    catalog::load(divan::black_box(key)).unwrap()
}

/// Resolve default answers and render the whole project in memory.
#[divan::bench(args = stack_keys())]
fn render_defaults(bencher: divan::Bencher, key: &str) {
    let stack = catalog::load(key).unwrap();
    let given = given(&[]);
    bencher.bench_local(|| prepare(&stack, &given, None).unwrap().1.files.len());
}

/// The heaviest option combination of each stack, rendered in memory.
#[divan::bench(args = stack_keys())]
fn render_heaviest(bencher: divan::Bencher, key: &str) {
    let stack = catalog::load(key).unwrap();
    let given = given(&heaviest(&stack));
    bencher.bench_local(|| prepare(&stack, &given, None).unwrap().1.files.len());
}

/// Number of templated files in the synthetic stack.
const SYNTHETIC_FILES: usize = 1_000;

/// A stack of `SYNTHETIC_FILES` templates: the Express templates chosen by its defaults, copied
/// round-robin under `copyNNN/` until there are enough, with Express's options and derived values
/// (so every expression they hold resolves) and no file rules. Built once, leaked for `'static`.
fn synthetic() -> &'static Stack {
    static STACK: OnceLock<Stack> = OnceLock::new();
    STACK.get_or_init(|| {
        let express = catalog::load("express").unwrap();
        let (plan, _) = prepare(&express, &given(&[]), None).unwrap();
        let prefix = "express/files/";
        let mut sources: Vec<(&str, &[u8])> = Vec::new();
        collect(catalog::child(express.dir, "files").unwrap(), &mut |f| {
            let source = f.path().to_str().unwrap().strip_prefix(prefix).unwrap();
            let rules = express.rules.iter().filter(|r| r.matches(source));
            if source.ends_with(".hbs") && rules.clone().all(|r| r.when.holds(|k| plan.answer(k))) {
                sources.push((source, f.contents()));
            }
        });
        let files: Vec<DirEntry<'static>> = (0..SYNTHETIC_FILES)
            .map(|i| {
                let (source, contents) = sources[i % sources.len()];
                let path = leak(format!(
                    "synthetic/files/copy{:03}/{source}",
                    i / sources.len()
                ));
                DirEntry::File(File::new(path, contents))
            })
            .collect();
        let files_dir = Dir::new("synthetic/files", Box::leak(files.into_boxed_slice()));
        // Express's partials come along under this stack's name: the shared files (the CI
        // workflow) include them.
        let mut root = vec![DirEntry::Dir(files_dir)];
        if let Some(partials) = catalog::child(express.dir, "partials") {
            let mut copies = Vec::new();
            collect(partials, &mut |f| {
                let rest = f.path().strip_prefix(partials.path()).unwrap();
                let path = leak(format!("synthetic/partials/{}", rest.display()));
                copies.push(DirEntry::File(File::new(path, f.contents())));
            });
            let copies = Dir::new("synthetic/partials", Box::leak(copies.into_boxed_slice()));
            root.push(DirEntry::Dir(copies));
        }
        let dir: &'static Dir<'static> = Box::leak(Box::new(Dir::new(
            "synthetic",
            Box::leak(root.into_boxed_slice()),
        )));
        let manifest_text = catalog::file(express.dir, "sprout.toml")
            .and_then(File::contents_utf8)
            .unwrap();
        let mut manifest: Manifest = toml::from_str(manifest_text).unwrap();
        manifest.files.clear();
        Stack::build(
            "synthetic",
            manifest,
            &catalog::shared_options().unwrap(),
            dir,
            express.shared,
        )
        .unwrap()
    })
}

fn collect(dir: &'static Dir<'static>, out: &mut impl FnMut(&'static File<'static>)) {
    dir.files().for_each(&mut *out);
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// 1,000 templated files (plus the shared layer), rendered in memory: divide by the file count
/// for the cost per file, and compare with `render_defaults(express)` for whether it is linear.
#[divan::bench]
fn render_synthetic_1000(bencher: divan::Bencher) {
    let stack = synthetic();
    let given = given(&[]);
    let n = prepare(stack, &given, None).unwrap().1.files.len();
    assert!(
        n > SYNTHETIC_FILES,
        "synthetic stack rendered only {n} files"
    );
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench_local(|| prepare(stack, &given, None).unwrap().1.files.len());
}
