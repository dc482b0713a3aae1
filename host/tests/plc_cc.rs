//! `plc-cc` has no C library, and says so: including a libc header stops the build with what
//! to use instead, in place of clang's "file not found"; `<string.h>` declares the four
//! functions its freestanding runtime has, and they work.

mod support;

use std::process::Command;

use support::*;

/// plc-cc's stderr for a source that includes `header`; it must fail.
fn refused(header: &str) -> String {
    let dir = TempDir::new(&format!("plc-cc-{}", header.replace(['.', '/'], "-")));
    let source = dir.join("program.c");
    std::fs::write(&source, format!("#include <{header}>\n#include \"plc.h\"\nPLC_PROGRAM(p) {{}}\n")).unwrap();
    let out = Command::new(root().join("c-sdk/bin/plc-cc")).arg("-o").arg(dir.join("p.wasm")).arg(&source).output().expect("plc-cc runs");
    assert!(!out.status.success(), "{header} compiled");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_libc_header_says_there_is_no_c_library_and_what_to_use() {
    let stdio = refused("stdio.h");
    assert!(stdio.contains("plc-cc: there is no C library, so no <stdio.h>: log with PLC_INFO"), "{stdio}");
    assert!(!stdio.contains("file not found"), "{stdio}");
    for header in ["stdlib.h", "malloc.h"] {
        let stderr = refused(header);
        assert!(stderr.contains(&format!("no <{header}>: no malloc or free: keep data in static variables")), "{stderr}");
    }
    for header in ["math.h", "assert.h", "time.h"] {
        let stderr = refused(header);
        assert!(stderr.contains(&format!("plc-cc: there is no C library, so no <{header}>: ")), "{stderr}");
    }
}

#[test]
fn string_h_has_the_runtime_s_four_functions() {
    let mut program = load("string_h", &c_test_guest("string_h"));
    let mut env = env(4, 5);
    env.inputs.copy_from_slice(&[1, 2, 3, 4]);
    program.poll(&mut env).unwrap();
    assert_eq!(env.outputs, [1, 2, 3, 4, 6]);
}
