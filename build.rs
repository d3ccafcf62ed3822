//! Build-time work on the embedded templates. Each step lives in its own file under `build/`.

#[path = "build/compiled.rs"]
mod compiled;
#[path = "build/listing.rs"]
mod listing;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // include_dir cannot tell cargo that the templates changed on stable Rust.
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=scaffold");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let templates = std::path::Path::new("templates");
    listing::write(templates, &out)?;
    compiled::write(templates, &out)?;
    Ok(())
}
