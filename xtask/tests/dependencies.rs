//! The host library's dependencies stay along the crate boundaries: no CLI crate (those belong
//! to `plc-host-cli`) and nothing of the guest SDK (the ABI comes from `plc-abi`).

use std::process::Command;

/// The packages `cargo tree -e normal` lists for `package`, without versions.
fn tree(package: &str) -> Vec<String> {
    let root = xtask::root();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(["tree", "--offline", "-e", "normal", "--prefix", "none", "-p", package])
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut names: Vec<String> =
        String::from_utf8_lossy(&output.stdout).lines().filter_map(|l| l.split_whitespace().next()).map(str::to_owned).collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn the_host_library_pulls_in_no_cli_crate_and_nothing_of_the_guest_sdk() {
    let host = tree("plc-host");
    assert!(host.iter().any(|n| n == "wasmer"), "the tree was read: {host:?}");
    assert!(host.iter().any(|n| n == "plc-abi"));
    for banned in ["clap", "toml", "env_logger", "env_filter", "signal-hook", "plc-sdk", "plc-sdk-macros", "tokio", "tokio-modbus"] {
        assert!(!host.iter().any(|n| n == banned), "plc-host depends on {banned}");
    }
    // The CLI has them (its log writer is its own, filtered by env_logger's `env_filter`).
    let cli = tree("plc-host-cli");
    for wanted in ["clap", "toml", "env_filter", "signal-hook", "plc-host", "plc-modbus"] {
        assert!(cli.iter().any(|n| n == wanted), "plc-host-cli lacks {wanted}");
    }
    // Fieldbus IO lives in its own crate, on the library's public API, without the CLI's crates.
    let modbus = tree("plc-modbus");
    assert!(modbus.iter().any(|n| n == "tokio-modbus") && modbus.iter().any(|n| n == "plc-host"), "{modbus:?}");
    for banned in ["clap", "toml", "env_filter", "signal-hook", "plc-service", "axum"] {
        assert!(!modbus.iter().any(|n| n == banned), "plc-modbus depends on {banned}");
    }
}
