//! What an operator reads on stderr: a program's log line says where in its source it was
//! written, a fault names the functions it went through, and two files of one name (given, or
//! in the watched folder) are refused with both named.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::process::{Command, Output};

use support::*;

fn plc_host(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plc-host")).args(args).env("RUST_LOG", "info").output().expect("plc-host runs")
}

#[test]
fn a_panic_shows_its_file_and_line_and_the_fault_its_functions() {
    let dir = TempDir::new("messages-panic");
    let faults = dir.join("tank.wasm");
    std::fs::write(&faults, rust_guest("guest-faults")).unwrap();
    let out = plc_host(&["run", faults.to_str().unwrap(), "--cycles", "2", "--cycle", "1ms", "--inputs", "01"]);
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let source = "host/tests/guests/faults/src/lib.rs";
    let text = std::fs::read_to_string(root().join(source)).unwrap();
    let line = text.lines().position(|l| l.contains("panic!(\"boom")).unwrap() + 1;
    let panicked = stderr.lines().find(|l| l.contains("] panicked")).unwrap_or_else(|| panic!("{stderr}"));
    assert!(panicked.contains(&format!(" ERROR tank {source}:{line}] panicked (the message has arguments")), "{panicked}");
    let fault = stderr.lines().find(|l| l.contains("fault: unreachable")).unwrap_or_else(|| panic!("{stderr}"));
    assert!(fault.contains(" ERROR tank] fault:"), "the host's own line has no guest location: {fault}");
    // Frames are `module!function+offset`, the module named by its own name section.
    assert!(fault.contains("guest_faults.wasm!guest_faults::boom+0x") && fault.contains("<- guest_faults.wasm!poll+0x"), "{fault}");
}

#[test]
fn two_files_of_one_name_are_refused_with_both_named() {
    let dir = TempDir::new("messages-duplicate");
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::create_dir_all(dir.join("b")).unwrap();
    let (first, second) = (dir.join("a/pump.wasm"), dir.join("b/pump.wasm"));
    for path in [&first, &second] {
        std::fs::write(path, rust_guest("guest-faults")).unwrap();
    }
    for args in [[&first, &second], [&first, &first]] {
        let (a, b) = (args[0].to_str().unwrap(), args[1].to_str().unwrap());
        let out = plc_host(&["run", a, b, "--cycles", "1"]);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("{b}: a program named `pump` is already loaded (from {a}): a program is named by its file's stem; rename one of the two files")),
            "{stderr}"
        );
        assert!(out.stdout.is_empty(), "nothing ran");
    }
    // A program of the watched folder may not take the name of one given on the command line.
    let watched = dir.join("watched");
    std::fs::create_dir_all(&watched).unwrap();
    std::fs::write(watched.join("pump.wasm"), rust_guest("guest-faults")).unwrap();
    let (a, w) = (first.to_str().unwrap(), watched.to_str().unwrap());
    let out = plc_host(&["run", a, "--watch", w, "--cycles", "1"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{w}/pump.wasm: a program named `pump` is already loaded (from {a}): ")), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing ran");
}
