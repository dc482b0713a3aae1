//! The cbindgen check: the committed C header is exactly what the Rust ABI generates.

use xtask::{check_header, generate_header, generate_header_from, header_path, root};

#[test]
fn the_committed_header_is_what_the_rust_abi_generates() {
    let committed = std::fs::read_to_string(header_path()).expect("c-sdk/include/intrinsics.h exists");
    let generated = generate_header().expect("cbindgen runs");
    if let Err(report) = check_header(&committed, &generated) {
        panic!("{report}");
    }
}

/// The check catches an edit on the Rust side only, of a doc comment or of a signature.
#[test]
fn the_check_fails_when_the_rust_side_changes_alone() {
    let root = root();
    let committed = std::fs::read_to_string(header_path()).unwrap();
    let abi = std::fs::read_to_string(root.join("sdk/abi/src/lib.rs")).unwrap();
    let ffi = std::fs::read_to_string(root.join("sdk/src/ffi.rs")).unwrap();
    let dir = std::env::temp_dir().join(format!("xtask-header-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (what, abi, ffi, expected) in [
        ("doc comment", abi.clone(), ffi.replace("Read a globally defined boolean variable.", "Read a boolean."), "+  * Read a boolean."),
        ("signature", abi.clone(), ffi.replace("pub fn wasm_read_input(address: u32,", "pub fn wasm_read_input(address: i32,"), "+ WASM_PLC_IMPORT(wasm_read_input) extern int wasm_read_input(int32_t address"),
        ("result code", abi.replace("WASM_BAD_VARIABLE_TYPE = 4,", "WASM_BAD_VARIABLE_TYPE = 5,"), ffi.clone(), "+     WASM_BAD_VARIABLE_TYPE = 5,"),
    ] {
        std::fs::write(dir.join("abi.rs"), &abi).unwrap();
        std::fs::write(dir.join("ffi.rs"), &ffi).unwrap();
        let generated = generate_header_from(&dir.join("abi.rs"), &dir.join("ffi.rs")).unwrap();
        let report = check_header(&committed, &generated).expect_err(what);
        assert!(report.contains(expected), "{what}: the diff should show {expected:?}:\n{report}");
        assert!(report.ends_with("Fix: cargo xtask header"), "{report}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
