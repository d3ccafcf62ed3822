//! Build-time work on the embedded templates. Each step lives in its own file under `build/`.

#[path = "build/listing.rs"]
mod listing;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // include_dir cannot tell cargo that the templates changed on stable Rust.
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=scaffold");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    listing::write(std::path::Path::new("templates"), &out)?;
    // The cache of parsed templates keys its entries by the Handlebars that parsed them.
    println!(
        "cargo:rustc-env=SPROUT_HANDLEBARS_VERSION={}",
        locked_version("handlebars")?
    );
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
