//! A template of hundreds of files (rendered and written in two halves on two threads): every
//! file as its own text renders it, and a failure is the first in the files' order, whatever
//! thread meets it first.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{Scratch, sprout};

const FILES: usize = 200;

/// A template of FILES files (`files/part{group}/f{n}.txt.hbs`), with `broken` files that do not
/// parse.
fn template(s: &Scratch, broken: &[usize]) -> PathBuf {
    let dir = s.join("tpl/large");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("sprout.toml"),
        "title = \"Large\"\ndescription = \"Many files\"\nport = 4000\nname_rule = \"npm\"\n\n\
         [commands]\ninstall = \"true\"\nlint = \"true\"\ntest = \"true\"\nstart = \"true\"\n",
    )
    .unwrap();
    // The partials the shared files (CI, compose) call.
    fs::create_dir_all(dir.join("partials")).unwrap();
    fs::write(dir.join("partials/ci-setup.hbs"), "      - run: true\n").unwrap();
    fs::write(dir.join("partials/compose-app-env.hbs"), "      APP: x\n").unwrap();
    for n in 0..FILES {
        let path = dir.join(format!("files/part{:02}/f{n:03}.txt.hbs", n / 25));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = if broken.contains(&n) {
            format!("file {n}: {{{{#if name}}}} never closed\n")
        } else {
            format!("file {n} of {{{{name}}}}{{{{#if (eq license \"MIT\")}}}}, MIT{{{{/if}}}}\n")
        };
        fs::write(path, text).unwrap();
    }
    dir
}

fn new(s: &Scratch, dir: &Path, out: &str, cache: bool) -> assert_cmd::assert::Assert {
    let mut cmd = sprout();
    cmd.args(["new", "demo", "--template"])
        .arg(dir)
        .args([
            "--trust",
            "--yes",
            "--no-git",
            "--set",
            "author=Ann",
            "--set",
            "license=MIT",
        ])
        .arg("-o")
        .arg(s.join(out))
        .env("XDG_CONFIG_HOME", s.join("config"))
        .env_remove("SPROUT_TEMPLATES");
    if cache {
        cmd.env("SPROUT_CACHE_DIR", s.join("cache"));
    } else {
        cmd.env("SPROUT_NO_CACHE", "1");
    }
    cmd.assert()
}

#[test]
fn every_file_of_a_large_template_is_its_own_text_rendered() {
    let s = Scratch::new();
    let dir = template(&s, &[]);
    // Parsing, then writing the cache, then reading it.
    for (run, cache) in [("parsed", false), ("first", true), ("cached", true)] {
        new(&s, &dir, run, cache).success();
        let root = s.join(run).join("demo");
        for n in 0..FILES {
            let path = root.join(format!("part{:02}/f{n:03}.txt", n / 25));
            assert_eq!(
                fs::read_to_string(&path).unwrap(),
                format!("file {n} of demo, MIT\n"),
                "{run}: {}",
                path.display()
            );
        }
        let record = fs::read_to_string(root.join(".sprout.toml")).unwrap();
        assert_eq!(
            record.matches(".txt\" = ").count(),
            FILES,
            "{run}: {record}"
        );
    }
}

#[test]
fn the_first_failing_file_in_order_is_the_one_reported() {
    // One broken file in each half: the error names the first, every time.
    for run in 0..5 {
        let s = Scratch::new();
        let dir = template(&s, &[30, 170]);
        let out = new(&s, &dir, "out", run % 2 == 0).failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains("f030.txt.hbs"), "{stderr}");
        assert!(!stderr.contains("f170"), "{stderr}");
        assert!(!s.join("out").join("demo").exists());
    }
}
