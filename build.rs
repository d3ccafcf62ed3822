//! Rebuild when templates change: include_dir cannot tell cargo on stable Rust.
fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=scaffold");
    println!("cargo:rerun-if-changed=build.rs");
}
