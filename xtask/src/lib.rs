//! Project chores: the C header, generated from the Rust ABI (`sdk/abi/src/lib.rs`, the
//! `plc-abi` crate, and `sdk/src/ffi.rs`) by cbindgen with `c-sdk/cbindgen.toml`.

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository").to_path_buf()
}

/// The header as cbindgen generates it from the current Rust source.
pub fn generate_header() -> Result<String, String> {
    let root = root();
    generate_header_from(&root.join("sdk/abi/src/lib.rs"), &root.join("sdk/src/ffi.rs"))
}

/// The header generated from the given ABI and FFI sources.
pub fn generate_header_from(abi: &Path, ffi: &Path) -> Result<String, String> {
    let config = cbindgen::Config::from_file(root().join("c-sdk/cbindgen.toml")).map_err(|e| e.to_string())?;
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(abi)
        .with_src(ffi)
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
            if plc_abi::intrinsic(name).is_none() {
                return Err(format!("sdk/src/ffi.rs declares `{name}`, which is not in plc_abi::INTRINSICS"));
            }
            declared.push(name.to_owned());
            out.push_str(&format!("WASM_PLC_IMPORT({name}) "));
        }
        out.push_str(line);
        out.push('\n');
    }
    for intrinsic in plc_abi::INTRINSICS {
        if !declared.iter().any(|d| d == intrinsic.name) {
            return Err(format!("plc_abi::INTRINSICS lists `{}`, which sdk/src/ffi.rs does not declare", intrinsic.name));
        }
    }
    Ok(out)
}

/// Where the header is committed.
pub fn header_path() -> PathBuf {
    root().join("c-sdk/include/intrinsics.h")
}

/// Compares the committed header with a freshly generated one: `Err` holds a readable diff
/// and the command that fixes it.
pub fn check_header(committed: &str, generated: &str) -> Result<(), String> {
    if committed == generated {
        return Ok(());
    }
    Err(format!(
        "c-sdk/include/intrinsics.h is stale: the Rust ABI changed without the header.\n\
         Lines marked - are in the committed header, + in the one the Rust source generates:\n\n{}\n\
         Fix: cargo xtask header",
        diff(committed, generated)
    ))
}

/// A line diff (longest common subsequence), showing changed lines with their line numbers.
pub fn diff(old: &str, new: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("{:>4} + {}\n", j + 1, b[j]));
            j += 1;
        } else {
            out.push_str(&format!("{:>4} - {}\n", i + 1, a[i]));
            i += 1;
        }
    }
    out
}
