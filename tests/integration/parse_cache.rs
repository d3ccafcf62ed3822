//! The cache of parsed templates (`src/trees/`): a run that reads its trees writes the same bytes
//! as one that parses, a damaged entry is parsed again and rewritten, a render's trees are read
//! from one pack once it is written, runs at once share it, and `SPROUT_NO_CACHE` turns it off.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use handlebars::template::Template;
use sprout::trees::{Disk, MAX_BYTES, Tree};

use crate::common::{Scratch, sprout};

const README: &str = "# {{name}}\n\n{{#if (eq license \"MIT\")}}\nMIT licensed.\n{{else}}\n\
                      Licensed {{license}}.\n{{/if}}\n{{!-- a comment --}}\n  {{> note}}\n\
                      {{~#if name}} {{name}}{{/if}}\n";

/// A template folder with expressions, blocks, an indented partial, whitespace control.
fn template(s: &Scratch) -> PathBuf {
    let dir = s.join("tpl/cached");
    fs::create_dir_all(dir.join("files/src")).unwrap();
    fs::create_dir_all(dir.join("partials")).unwrap();
    fs::write(
        dir.join("sprout.toml"),
        "title = \"Cached\"\ndescription = \"Parsed once\"\nport = 4000\nname_rule = \"npm\"\n\n\
         [commands]\ninstall = \"true\"\nlint = \"true\"\ntest = \"true\"\nstart = \"true {{name}}\"\n",
    )
    .unwrap();
    fs::write(dir.join("files/README.md.hbs"), README).unwrap();
    fs::write(
        dir.join("files/src/app.js.hbs"),
        "const name = {{js name}};\n{{#unless (eq license \"MIT\")}}\n// not MIT\n{{else}}\n\
         // MIT\n{{/unless}}\nmodule.exports = { name };\n",
    )
    .unwrap();
    fs::write(
        dir.join("partials/note.hbs"),
        "Note for {{name}}:\nindented\n",
    )
    .unwrap();
    fs::write(dir.join("partials/ci-setup.hbs"), "      - run: true\n").unwrap();
    fs::write(dir.join("partials/compose-app-env.hbs"), "      APP: x\n").unwrap();
    dir
}

/// `sprout new demo --template DIR --trust --no-git` into `out`, with the cache at `cache`
/// (None: turned off); every file written, by path.
fn generate(s: &Scratch, dir: &Path, out: &str, cache: Option<&Path>) -> BTreeMap<String, Vec<u8>> {
    let mut cmd = sprout();
    cmd.args(["new", "demo", "--template"])
        .arg(dir)
        .args(["--trust", "--yes", "--no-git", "--set", "author=Ann", "-o"])
        .arg(s.join(out))
        .env("XDG_CONFIG_HOME", s.join("config"))
        .env_remove("SPROUT_TEMPLATES");
    match cache {
        Some(cache) => cmd.env("SPROUT_CACHE_DIR", cache),
        None => cmd.env("SPROUT_NO_CACHE", "1"),
    };
    cmd.assert().success();
    files(&s.join(out).join("demo"))
}

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn entries(cache: &Path) -> Vec<PathBuf> {
    match fs::read_dir(cache.join("templates")) {
        Ok(dir) => dir.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn a_run_from_the_cache_writes_the_same_bytes_as_one_that_parses() {
    let s = Scratch::new();
    let dir = template(&s);
    let cache = s.join("cache");
    let parsed = generate(&s, &dir, "parsed", None);
    let first = generate(&s, &dir, "first", Some(&cache));
    assert!(
        !entries(&cache).is_empty(),
        "the first run stores its trees"
    );
    let stored: Vec<Vec<u8>> = entries(&cache)
        .iter()
        .map(|p| fs::read(p).unwrap())
        .collect();
    let second = generate(&s, &dir, "second", Some(&cache));
    assert!(parsed.contains_key("README.md") && parsed.contains_key("src/app.js"));
    assert_eq!(first, parsed);
    assert_eq!(second, parsed);
    let again: Vec<Vec<u8>> = entries(&cache)
        .iter()
        .map(|p| fs::read(p).unwrap())
        .collect();
    assert_eq!(again, stored, "a run that finds every tree writes none");
}

/// A tree stored for a text is what the run renders for it: the proof that runs read the cache
/// (an entry is trusted only when its text, format, Handlebars version and checksum match).
#[test]
fn a_stored_tree_is_rendered_instead_of_parsing_the_text() {
    let s = Scratch::new();
    let dir = template(&s);
    let cache = s.join("cache");
    let readme = fs::read_to_string(dir.join("files/README.md.hbs")).unwrap();
    let other = Template::compile("stored tree for {{name}}\n").unwrap();
    Disk::new(cache.join("templates"), MAX_BYTES)
        .write(&readme, &Tree::from_template(other).unwrap());
    let out = generate(&s, &dir, "out", Some(&cache));
    assert_eq!(out["README.md"], b"stored tree for demo\n");
}

fn is_pack(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("pack-"))
}

#[test]
fn damaged_entries_are_parsed_again_and_rewritten() {
    let s = Scratch::new();
    let dir = template(&s);
    let cache = s.join("cache");
    let sound = generate(&s, &dir, "sound", Some(&cache));
    // The one-text entries (the pack has a test of its own).
    for pack in entries(&cache).into_iter().filter(|p| is_pack(p)) {
        fs::remove_file(pack).unwrap();
    }
    let paths = entries(&cache);
    let stored: Vec<Vec<u8>> = paths.iter().map(|p| fs::read(p).unwrap()).collect();
    for (n, path) in paths.iter().enumerate() {
        match n % 3 {
            0 => fs::write(path, b"not a tree").unwrap(),
            1 => fs::write(path, &stored[n][..stored[n].len() / 2]).unwrap(),
            _ => {
                let mut flipped = stored[n].clone();
                flipped[stored[n].len() / 2] ^= 0x40;
                fs::write(path, flipped).unwrap();
            }
        }
    }
    assert_eq!(generate(&s, &dir, "damaged", Some(&cache)), sound);
    let rewritten: Vec<Vec<u8>> = paths.iter().map(|p| fs::read(p).unwrap()).collect();
    assert_eq!(rewritten, stored);
}

#[test]
fn a_render_reads_its_trees_from_one_pack_once_it_is_written() {
    let s = Scratch::new();
    let dir = template(&s);
    let cache = s.join("cache");
    let sound = generate(&s, &dir, "first", Some(&cache));
    let packs: Vec<PathBuf> = entries(&cache).into_iter().filter(|p| is_pack(p)).collect();
    assert_eq!(packs.len(), 1, "{:?}", entries(&cache));
    let pack = &packs[0];
    // Without the one-text entries, the trees come from the pack alone: nothing is parsed, so
    // no entry is written again.
    for entry in entries(&cache).into_iter().filter(|p| !is_pack(p)) {
        fs::remove_file(entry).unwrap();
    }
    assert_eq!(generate(&s, &dir, "from-pack", Some(&cache)), sound);
    assert_eq!(entries(&cache), packs, "every tree came from the pack");

    // A damaged pack is never trusted: the run parses, removes the pack, and the next run
    // writes it again.
    let bytes = fs::read(pack).unwrap();
    let mut damaged = bytes.clone();
    damaged[bytes.len() / 3] ^= 0x40;
    fs::write(pack, &damaged).unwrap();
    assert_eq!(generate(&s, &dir, "damaged", Some(&cache)), sound);
    assert!(!pack.exists(), "the damaged pack is removed");
    assert_eq!(generate(&s, &dir, "again", Some(&cache)), sound);
    assert!(pack.exists(), "written again");

    // Another text is another pack; the old one stays for the template as it was.
    fs::write(dir.join("files/extra.txt.hbs"), "extra {{name}}\n").unwrap();
    let changed = generate(&s, &dir, "changed", Some(&cache));
    assert_eq!(changed["extra.txt"], b"extra demo\n");
    let packs = entries(&cache).into_iter().filter(|p| is_pack(p)).count();
    assert_eq!(packs, 2);
}

#[test]
fn runs_at_once_share_the_cache() {
    let s = Scratch::new();
    let dir = template(&s);
    let cache = s.join("cache");
    let expected = generate(&s, &dir, "alone", None);
    let children: Vec<_> = (0..4)
        .map(|n| {
            let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("sprout"));
            cmd.args(["new", "demo", "--template"])
                .arg(&dir)
                .args(["--trust", "--yes", "--no-git", "--set", "author=Ann", "-o"])
                .arg(s.join(&format!("at-once-{n}")))
                .env("NO_COLOR", "1")
                .env("XDG_CONFIG_HOME", s.join("config"))
                .env_remove("SPROUT_TEMPLATES")
                .env_remove("SPROUT_NO_CACHE")
                .env("SPROUT_CACHE_DIR", &cache)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            cmd.spawn().unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    for n in 0..4 {
        assert_eq!(
            files(&s.join(&format!("at-once-{n}/demo"))),
            expected,
            "run {n}"
        );
    }
    let names: Vec<String> = entries(&cache)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "temporary files left: {names:?}"
    );
    assert_eq!(generate(&s, &dir, "after", Some(&cache)), expected);
}

#[test]
fn no_cache_turns_it_off() {
    let s = Scratch::new();
    let dir = template(&s);
    let cache = s.join("cache");
    let mut cmd = sprout();
    cmd.args(["new", "demo", "--template"])
        .arg(&dir)
        .args(["--trust", "--yes", "--no-git", "-o"])
        .arg(s.join("out"))
        .env("XDG_CONFIG_HOME", s.join("config"))
        .env_remove("SPROUT_TEMPLATES")
        .env("SPROUT_CACHE_DIR", &cache)
        .env("SPROUT_NO_CACHE", "1");
    cmd.assert().success();
    assert!(!cache.exists(), "nothing is written to the cache");
}

#[test]
fn built_in_stacks_parse_nothing_and_store_nothing() {
    // Every tree of a built-in stack comes from the binary: the cache stays empty.
    let stacks = fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("sprout.toml").is_file());
    let s = Scratch::new();
    let cache = s.join("cache");
    let mut count = 0;
    for stack in stacks {
        let key = stack.file_name().unwrap().to_str().unwrap();
        sprout()
            .args(["new", "app", "--stack", key, "--yes", "--no-git", "-o"])
            .arg(s.join(key))
            .env("XDG_CONFIG_HOME", s.join("config"))
            .env_remove("SPROUT_TEMPLATES")
            .env("SPROUT_CACHE_DIR", &cache)
            .assert()
            .success();
        assert_eq!(entries(&cache), Vec::<PathBuf>::new(), "{key}");
        count += 1;
    }
    assert!(count >= 7, "{count} stacks");
}
