//! Render-only micro-benchmarks: every embedded stack, in memory, without process or disk noise.
//! `cargo bench --bench render`; CI runs it in a quick mode so it cannot rot.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sprout::answers::Given;
use sprout::catalog;
use sprout::new::prepare;

fn main() {
    divan::main();
}

fn stack_keys() -> Vec<String> {
    catalog::keys()
}

/// Load (parse and check) one stack's manifest.
#[divan::bench(args = stack_keys())]
fn load(key: &str) -> sprout::stack::Stack {
    catalog::load(divan::black_box(key)).unwrap()
}

/// Resolve default answers and render the whole project in memory.
#[divan::bench(args = stack_keys())]
fn render_defaults(bencher: divan::Bencher, key: &str) {
    let stack = catalog::load(key).unwrap();
    let given = Given {
        set: vec![("name".into(), "bench-app".into())],
        file: None,
    };
    bencher.bench_local(|| prepare(&stack, &given, None).unwrap().1.files.len());
}
