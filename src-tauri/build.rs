// The shell's sources live in src-tauri/ while tauri.conf.json sits next to the root Cargo.toml,
// so the capabilities are not in tauri-build's default `./capabilities` and are pointed at here.
fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes =
        tauri_build::Attributes::new().capabilities_path_pattern("src-tauri/capabilities/**/*");
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports failure by exiting non-zero; the message is what the user reads.
        eprintln!("tauri-build failed: {error:#}");
        std::process::exit(1);
    }
}
