//! Project chores. `cargo xtask header` regenerates `c-sdk/include/intrinsics.h` from the
//! Rust ABI (`sdk/src/abi.rs`, `sdk/src/ffi.rs`) with cbindgen and `c-sdk/cbindgen.toml`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository").to_path_buf()
}

/// The header as cbindgen generates it from the current Rust source.
pub fn generate_header() -> Result<String, String> {
    let root = root();
    let config = cbindgen::Config::from_file(root.join("c-sdk/cbindgen.toml")).map_err(|e| e.to_string())?;
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("sdk/src/abi.rs"))
        .with_src(root.join("sdk/src/ffi.rs"))
        .generate()
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    let header = String::from_utf8(out).map_err(|e| e.to_string())?;
    mark_imports(&header)
}

/// Puts `WASM_PLC_IMPORT(name)` before the declaration of every intrinsic of the ABI table:
/// cbindgen writes no prefix on declarations that come from an `extern` block. Fails when an
/// intrinsic of the table has no declaration, or a declaration is not in the table.
fn mark_imports(header: &str) -> Result<String, String> {
    let mut out = String::with_capacity(header.len() + 1024);
    let mut declared = Vec::new();
    for line in header.lines() {
        if let Some(rest) = line.strip_prefix("extern ").filter(|rest| !rest.starts_with('"')) {
            let name = rest.split('(').next().and_then(|s| s.split([' ', '*']).next_back()).unwrap_or_default();
            if plc_sdk::abi::intrinsic(name).is_none() {
                return Err(format!("sdk/src/ffi.rs declares `{name}`, which is not in abi::INTRINSICS"));
            }
            declared.push(name.to_owned());
            out.push_str(&format!("WASM_PLC_IMPORT({name}) "));
        }
        out.push_str(line);
        out.push('\n');
    }
    for intrinsic in plc_sdk::abi::INTRINSICS {
        if !declared.iter().any(|d| d == intrinsic.name) {
            return Err(format!("abi::INTRINSICS lists `{}`, which sdk/src/ffi.rs does not declare", intrinsic.name));
        }
    }
    Ok(out)
}

/// Where the header is committed.
pub fn header_path() -> PathBuf {
    root().join("c-sdk/include/intrinsics.h")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["header"] => match generate_header().and_then(|h| std::fs::write(header_path(), h).map_err(|e| e.to_string())) {
            Ok(()) => {
                println!("wrote {}", header_path().display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask header    # regenerate c-sdk/include/intrinsics.h");
            ExitCode::from(2)
        }
    }
}
