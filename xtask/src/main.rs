//! `cargo xtask`: the project's chores (header, test, templates, fuzz, demo, latency, scan-bench).

use std::path::Path;
use std::process::{Command, ExitCode};

mod breakdown;
mod latency;
mod scan_bench;

use xtask::{generate_header, header_path, root};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["header"] => header(),
        ["test"] => test(),
        ["demo"] => demo(),
        ["templates"] => templates(true),
        ["fuzz", "--minutes", minutes] => fuzz(minutes),
        ["latency", rest @ ..] => latency::latency(rest),
        ["scan-bench", rest @ ..] => scan_bench::scan_bench(rest),
        _ => {
            eprintln!("usage: cargo xtask <command>\n");
            eprintln!("  header   regenerate c-sdk/include/intrinsics.h from the Rust ABI");
            eprintln!("  test     install the tools the tests need where missing, then run every test: workspace (examples in Rust and C included), SDK on wasm32, templates");
            eprintln!("  templates  generate a program from each template, build, test and run it");
            eprintln!("  fuzz --minutes N  fuzz the host for N minutes; failing modules go to target/fuzz-failures");
            eprintln!("  demo     build the blinky example and run it in the host");
            eprintln!("  latency  cyclictest, then plc-host run, with the same interval, priority, CPU and duration");
            eprintln!("           [--cycles 10000] [--interval 1ms] [--priority 80] [--cpu 1] [--spin 30us]");
            eprintln!("  scan-bench  plc-host run with N copies of a small program, then the minimal scan back to back, both compilers");
            eprintln!("           [--programs 1000] [--cycles 200] [--cycle 5ms] [--scans 1000000] [--repeat 3] [--baseline PATH-TO-OTHER-plc-host] [--perf] [--realtime]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn header() -> Result<(), String> {
    let header = generate_header()?;
    std::fs::write(header_path(), header).map_err(|e| e.to_string())?;
    println!("wrote {}", header_path().display());
    Ok(())
}

/// Runs a command in the repository root, echoing it first.
fn run(program: &str, args: &[&str]) -> Result<(), String> {
    run_in(&root(), program, args, &[])
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn test() -> Result<(), String> {
    let cargo = cargo();
    // What the tests need beyond Rust (clang-19/lld-19, wasi-libc, Node, wasm-bindgen-test-runner,
    // cargo-generate, the wasm32 target): installed where missing, so that the README's one
    // line runs on a fresh machine. It checks each tool first: on a set-up machine it installs
    // nothing and takes a second.
    run("bash", &[".ci/install-tools"])?;
    run(&cargo, &["test", "--workspace", "--release"])?;
    // Each benchmark once, as a test, so that they keep compiling and running.
    run(&cargo, &["test", "--release", "--package", "plc-host", "--package", "plc-modbus", "--benches"])?;
    run(&cargo, &["test", "--package", "plc-sdk", "--target", "wasm32-unknown-unknown", "--lib"])?;
    // Every doc link resolves (the examples in the docs ran with the tests above). Libraries,
    // then binaries: the library plc-host and the binary plc-host share a doc folder.
    for targets in ["--lib", "--bins"] {
        run_in(&root(), &cargo, &["doc", "--quiet", "--release", "--workspace", "--no-deps", targets], &[("RUSTDOCFLAGS", "-D warnings")])?;
    }
    // `cargo test --release` has just built target/release/plc-host: building it again with
    // `cargo build` would recompile wasmer with other features (no dev-dependencies).
    templates(false)?;
    println!("\nall tests passed");
    Ok(())
}

/// Runs the fuzz test of plc-host for `minutes` on a time-based seed; it writes each failing
/// module, with why, to target/fuzz-failures and a summary line there.
fn fuzz(minutes: &str) -> Result<(), String> {
    minutes.parse::<u64>().map_err(|_| format!("--minutes takes a whole number, not `{minutes}`"))?;
    let out = root().join("target/fuzz-failures");
    let out_str = out.to_str().ok_or("a UTF-8 path")?;
    let _ = std::fs::remove_file(out.join("summary.txt"));
    let result = run_in(
        &root(),
        &cargo(),
        &["test", "--release", "-p", "plc-host", "--test", "fuzz", "--", "--nocapture"],
        &[("PLC_FUZZ_MINUTES", minutes), ("PLC_FUZZ_OUT", out_str)],
    );
    let summary = std::fs::read_to_string(out.join("summary.txt")).unwrap_or_else(|_| "no summary written".into());
    println!("\n{}\nfailing modules (if any) are in {}", summary.trim(), out.display());
    result
}

/// Runs a command in `dir`, echoing it first.
fn run_in(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    println!("\n[{}] $ {program} {}", dir.display(), args.join(" "));
    let status = Command::new(program).args(args).envs(env.iter().copied()).current_dir(dir).status().map_err(|e| format!("{program}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{program} {}` in {} failed ({status})", args.join(" "), dir.display())) }
}

/// Generates a program from each template with cargo-generate, and builds, tests and runs it
/// the way its README says.
fn templates(build_host: bool) -> Result<(), String> {
    let root = root();
    let dir = std::env::temp_dir().join(format!("wasm-plc-templates-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let cargo = cargo();
    let host = root.join("target/release/plc-host");
    let host = host.to_str().ok_or("a UTF-8 path")?;
    if build_host {
        run(&cargo, &["build", "--quiet", "--release", "--package", "plc-host-cli"])?;
    }
    let generate = |template: &str, name: &str, define: String| {
        let template = root.join("templates").join(template);
        let destination = dir.to_str().unwrap_or_default().to_owned();
        run_in(
            &dir,
            &cargo,
            &["generate", "--path", template.to_str().unwrap_or_default(), "--name", name, "--silent", "--vcs", "none", "--destination", &destination, "--define", &define],
            &[],
        )
    };

    generate("rust-program", "my-plc", format!("sdk_path={}", root.join("sdk").display()))?;
    let crate_dir = dir.join("my-plc");
    run_in(&crate_dir, &cargo, &["build", "--release", "--target", "wasm32-unknown-unknown"], &[])?;
    run_in(&crate_dir, &cargo, &["test"], &[])?;
    let wasm = "target/wasm32-unknown-unknown/release/my_plc.wasm";
    run_in(&crate_dir, host, &["check", wasm], &[])?;
    run_in(&crate_dir, host, &["test", wasm, "tests/program.json"], &[])?;

    generate("c-program", "my-c-plc", format!("c_sdk_path={}", root.join("c-sdk").display()))?;
    let c_dir = dir.join("my-c-plc");
    run_in(&c_dir, "make", &[], &[])?;
    run_in(&c_dir, "make", &["test"], &[("PLC_HOST", host)])?;

    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn demo() -> Result<(), String> {
    let cargo = cargo();
    run(&cargo, &["build", "--quiet", "--release", "--package", "plc-host-cli"])?;
    run(&cargo, &["build", "--quiet", "--profile", "wasm", "--target", "wasm32-unknown-unknown", "--package", "example-blinky"])?;
    let host = root().join("target/release/plc-host");
    let wasm = root().join("target/wasm32-unknown-unknown/wasm/example_blinky.wasm");
    // Input byte 0 = 25: the lamp at %QX0.0 toggles every 250 ms; 150 scans of 10 ms.
    run(host.to_str().unwrap_or("plc-host"), &["run", wasm.to_str().unwrap_or_default(), "--cycle", "10ms", "--cycles", "150", "--inputs", "19", "--outputs", "1"])
}
