//! Builds real guests from source for the tests: the Rust guests of the workspace with cargo
//! (once per test binary), C sources with c-sdk/bin/plc-cc.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use plc_host::{InMemoryEnvironment, Limits, Program};

/// The repository root: the nearest folder above the test's crate with a workspace manifest
/// (the tests of `host` and of `host/cli` share this module).
pub fn root() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let is_root = |dir: &&Path| std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|t| t.contains("[workspace]"));
    crate_dir.ancestors().find(is_root).expect("the workspace root").to_path_buf()
}

/// The Rust test guests, built together with the examples' crates and the `wasm` profile.
const RUST_GUESTS: &[&str] = &[
    "guest-abi-all", "guest-bits", "guest-blocks", "guest-faults", "guest-fill", "guest-image", "guest-io-bench", "guest-result",
    "guest-state-v1", "guest-state-v2", "guest-state-v3",
];

/// The package name in a Cargo.toml.
pub fn package_name(manifest: &Path) -> String {
    let text = std::fs::read_to_string(manifest).unwrap();
    let line = text.lines().find(|l| l.starts_with("name = ")).expect("a package name");
    line["name = ".len()..].trim_matches('"').to_owned()
}

/// The Cargo.toml of every Rust crate of an example: `rust/Cargo.toml` or `rust/*/Cargo.toml`.
pub fn example_crates(example: &Path) -> Vec<PathBuf> {
    let rust = example.join("rust");
    if rust.join("Cargo.toml").exists() {
        return vec![rust.join("Cargo.toml")];
    }
    let mut crates: Vec<_> = std::fs::read_dir(&rust)
        .map(|dir| dir.filter_map(|e| Some(e.ok()?.path().join("Cargo.toml"))).filter(|p| p.exists()).collect())
        .unwrap_or_default();
    crates.sort();
    crates
}

/// Every example folder, sorted.
pub fn examples() -> Vec<PathBuf> {
    let mut all: Vec<_> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.join("recipe.json").exists())
        .collect();
    all.sort();
    all
}

/// The wasm of a Rust guest crate of this workspace (e.g. "guest-faults").
pub fn rust_guest(package: &str) -> Vec<u8> {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        // A target directory of its own: the outer cargo holds the lock of the main one.
        let target = root().join("target/guests");
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(root()).args(["build", "--quiet", "--profile", "wasm", "--target", "wasm32-unknown-unknown", "--target-dir"]).arg(&target);
        let examples = examples().iter().flat_map(|e| example_crates(e)).map(|m| package_name(&m)).collect::<Vec<_>>();
        for guest in RUST_GUESTS.iter().copied().chain(examples.iter().map(String::as_str)) {
            cmd.args(["-p", guest]);
        }
        let status = cmd.status().expect("cargo runs");
        assert!(status.success(), "building the Rust guests failed");
        target.join("wasm32-unknown-unknown/wasm")
    });
    let file = dir.join(format!("{}.wasm", package.replace('-', "_")));
    std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// Compiles C sources with plc-cc into a temporary file and returns the wasm.
pub fn c_guest(sources: &[&Path]) -> Vec<u8> {
    c_guest_with(sources, &[])
}

/// [`c_guest`] with more clang flags (`-DVERSION="v2"`).
pub fn c_guest_with(sources: &[&Path], flags: &[&str]) -> Vec<u8> {
    // A file of its own per call: tests run in parallel and may compile the same source.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out = std::env::temp_dir().join(format!(
        "plc-test-{}-{call}-{}.wasm",
        std::process::id(),
        sources[0].file_stem().unwrap().to_string_lossy()
    ));
    let output = Command::new(root().join("c-sdk/bin/plc-cc"))
        .args(["-Wall", "-Wextra", "-Werror"])
        .args(flags)
        .arg("-o")
        .arg(&out)
        .args(sources)
        .output()
        .expect("plc-cc runs");
    assert!(output.status.success(), "plc-cc failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let wasm = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    wasm
}

/// A C test guest from host/tests/c.
pub fn c_test_guest(name: &str) -> Vec<u8> {
    c_guest(&[&root().join(format!("host/tests/c/{name}.c"))])
}

/// A fresh in-memory environment with images of these sizes.
pub fn env(inputs: usize, outputs: usize) -> InMemoryEnvironment {
    InMemoryEnvironment::new(inputs, outputs)
}

pub fn load(name: &str, wasm: &[u8]) -> Program {
    Program::new(name, wasm, Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Polls two instances `a`, `b` of `wasm`, a program that claims the next free bit of output
/// byte 0 and copies the same input bit to it, through six input patterns; asserts after each
/// scan that both bits are right and that the bits nobody owns kept their values, and calls
/// `check`. Returns the environment.
pub fn two_instances_own_a_bit_each(wasm: &[u8], outputs: usize, check: impl Fn(&InMemoryEnvironment)) -> InMemoryEnvironment {
    let (mut a, mut b) = (load("a", wasm), load("b", wasm));
    let mut env = env(1, outputs);
    env.outputs[0] = 0b1111_0000; // bits nobody owns keep their values
    for input in [0b01u8, 0b11, 0b10, 0b00, 0b11, 0b1101] {
        env.inputs[0] = input;
        a.poll(&mut env).unwrap();
        b.poll(&mut env).unwrap();
        assert_eq!(env.outputs[0], 0b1111_0000 | (input & 0b11), "input {input:#b}");
        check(&env);
    }
    env
}

/// Healthy program `i`: increments output byte `i` and the variable `healthy<i>` every scan.
pub fn healthy(i: u32) -> String {
    format!(
        r#"(module
            (import "env" "wasm_read_output" (func $read (param i32 i32 i32) (result i32)))
            (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
            (import "env" "wasm_variable_write_int" (func $var (param i32 i32 i32) (result i32)))
            (import "env" "wasm_variable_read_int" (func $get (param i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "healthy{i}")
            (func (export "poll")
                (drop (call $read (i32.const {i}) (i32.const 0) (i32.const 1)))
                (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (i32.const 1)))
                (drop (call $write (i32.const {i}) (i32.const 0) (i32.const 1)))
                (drop (call $get (i32.const 16) (i32.const 8) (i32.const 8)))
                (drop (call $var (i32.const 16) (i32.const 8) (i32.add (i32.load (i32.const 8)) (i32.const 1))))))"#
    )
}

/// The wasm of a Rust guest crate of this workspace built with extra `features` (e.g.
/// "plc-sdk/panic-fmt"), by a cargo of its own: features are unified across the packages
/// one cargo builds, and the other guests must not get them.
pub fn rust_guest_with(package: &str, features: &str) -> Vec<u8> {
    let target = root().join("target/guests-featured");
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root()).args(["build", "--quiet", "--profile", "wasm", "--target", "wasm32-unknown-unknown", "--target-dir"]);
    cmd.arg(&target).args(["-p", package, "--features", features]);
    assert!(cmd.status().expect("cargo runs").success(), "building {package} with {features} failed");
    let file = target.join(format!("wasm32-unknown-unknown/wasm/{}.wasm", package.replace('-', "_")));
    std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// Compiles a C test guest against Debian's wasi-libc in reactor mode (clang-19).
pub fn wasi_reactor_guest(name: &str) -> Vec<u8> {
    let out = std::env::temp_dir().join(format!("plc-wasi-{}-{name}.wasm", std::process::id()));
    let output = Command::new("clang-19")
        .args(["--target=wasm32-wasi", "-mexec-model=reactor", "-O2", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(root().join("c-sdk/include"))
        .arg(root().join(format!("host/tests/c/{name}.c")))
        .arg("-o")
        .arg(&out)
        .output()
        .expect("clang-19 runs");
    assert!(output.status.success(), "clang-19 (wasi-libc) failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let wasm = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    wasm
}

/// Runs `cmd` with stdout and stderr captured; a run that has not ended within `limit` is
/// killed and fails the test.
pub fn output_within(cmd: &mut Command, limit: std::time::Duration) -> std::process::Output {
    let child = cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().expect("the command runs");
    wait_within(child, limit)
}

/// Waits for `child` and its output; one that has not ended within `limit` is killed and
/// fails the test.
pub fn wait_within(child: std::process::Child, limit: std::time::Duration) -> std::process::Output {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(limit) {
        Ok(output) => output.expect("the command's output"),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            panic!("process {pid} did not end within {limit:?}");
        }
    }
}

/// A folder of its own under the temp dir (named with the pid), removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("plc-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// A path in the folder.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A program that declares `count` retained and adds `step` to it every scan, as an i32 (or
/// an f64 when `double`), showing it as a little-endian i32 on output bytes 0 to 3.
pub fn retained_counter(step: i32, double: bool) -> String {
    let (tag, ty, read, write, add, step, to_i32) = if double {
        ("d", "f64", "wasm_variable_read_double", "wasm_variable_write_double", "f64.add", format!("(f64.const {step})"), "(i32.trunc_f64_s (f64.load (i32.const 8)))")
    } else {
        ("i", "i32", "wasm_variable_read_int", "wasm_variable_write_int", "i32.add", format!("(i32.const {step})"), "(i32.load (i32.const 8))")
    };
    format!(
        r#"(module
            (import "env" "{read}" (func $get (param i32 i32 i32) (result i32)))
            (import "env" "{write}" (func $set (param i32 i32 {ty}) (result i32)))
            (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 32) "count")
            (@custom "plc.retained" "{tag}count\00")
            (func (export "poll")
                (drop (call $get (i32.const 32) (i32.const 5) (i32.const 8)))
                ({ty}.store (i32.const 8) ({add} ({ty}.load (i32.const 8)) {step}))
                (drop (call $set (i32.const 32) (i32.const 5) ({ty}.load (i32.const 8))))
                (i32.store (i32.const 0) {to_i32})
                (drop (call $out (i32.const 0) (i32.const 0) (i32.const 4)))))"#
    )
}

/// Every record at `info` and above that this test binary logged through the `log` crate, as
/// `LEVEL target: message`; the first call installs the logger that keeps them.
pub fn host_log() -> Vec<String> {
    struct Keep(std::sync::Mutex<Vec<String>>);
    impl log::Log for Keep {
        fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
            metadata.level() <= log::Level::Info
        }
        fn log(&self, record: &log::Record<'_>) {
            if self.enabled(record.metadata()) {
                self.0.lock().unwrap().push(format!("{} {}: {}", record.level(), record.target(), record.args()));
            }
        }
        fn flush(&self) {}
    }
    static KEEP: Keep = Keep(std::sync::Mutex::new(Vec::new()));
    if log::set_logger(&KEEP).is_ok() {
        log::set_max_level(log::LevelFilter::Info);
    }
    KEEP.0.lock().unwrap().clone()
}
