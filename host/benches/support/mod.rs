//! What the benches share: real programs, built as the tests build them.

use std::path::Path;
use std::process::Command;

/// The wasm of a guest crate of the workspace (an example, a test guest).
pub fn guest(package: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let target = root.join("target/guests");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["build", "--quiet", "--profile", "wasm", "--target", "wasm32-unknown-unknown", "-p", package, "--target-dir"])
        .arg(&target)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read(target.join(format!("wasm32-unknown-unknown/wasm/{}.wasm", package.replace('-', "_")))).unwrap()
}
