//! Build-time work on the embedded templates. Each step lives in its own file under `build/`.

// Shared with the run: the one format of stored trees (only writing them is used here).
#[allow(dead_code)]
#[path = "src/trees/entry.rs"]
mod entry;
#[path = "build/listing.rs"]
mod listing;
// Shared with the run: the stored form of a tree.
#[allow(dead_code)]
#[path = "src/trees/mirror.rs"]
mod mirror;
#[path = "build/trees.rs"]
mod trees;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // include_dir cannot tell cargo that the templates changed on stable Rust.
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=scaffold");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=src/trees/entry.rs");
    println!("cargo:rerun-if-changed=src/trees/mirror.rs");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    listing::write(std::path::Path::new("templates"), &out)?;
    // The cache of parsed templates keys its entries by the Handlebars that parsed them.
    let handlebars = locked_version("handlebars")?;
    trees::write(std::path::Path::new("templates"), &out, &handlebars)?;
    println!("cargo:rustc-env=SPROUT_HANDLEBARS_VERSION={handlebars}");
    Ok(())
}

/// The version of `package` in Cargo.lock.
fn locked_version(package: &str) -> Result<String, Box<dyn std::error::Error>> {
    let lock: toml::Table = std::fs::read_to_string("Cargo.lock")?.parse()?;
    lock.get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table)
        .find(|p| p.get("name").and_then(toml::Value::as_str) == Some(package))
        .and_then(|p| p.get("version")?.as_str().map(str::to_owned))
        .ok_or_else(|| format!("{package} is not in Cargo.lock").into())
}
