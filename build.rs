//! Rebuild when the embedded starter site or default theme change
//! (`waymark init` ships them inside the binary).
fn main() {
    println!("cargo:rerun-if-changed=starter");
    println!("cargo:rerun-if-changed=themes/default");
}
