//! The twin test of the examples, as in wit-bindgen's runtime tests: every example is written in
//! Rust and in C, and both versions pass the example's one recipe in the host.

mod support;

use std::path::Path;

use plc_host::recipe::Recipe;
use plc_host::{Limits, Program};
use support::*;

/// The example's modules in one language, by name.
fn modules(example: &Path, language: &str) -> Vec<(String, Vec<u8>)> {
    match language {
        "rust" => example_crates(example).iter().map(|m| (package_name(m), rust_guest(&package_name(m)))).collect(),
        _ => {
            let mut sources: Vec<_> = std::fs::read_dir(example.join("c")).unwrap().map(|e| e.unwrap().path()).collect();
            sources.retain(|p| p.extension().is_some_and(|e| e == "c"));
            sources.sort();
            sources.iter().map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), c_guest(&[p]))).collect()
        }
    }
}

/// The example's programs in one language, in the recipe's order.
fn programs(example: &Path, recipe: &Recipe, language: &str) -> Vec<Program> {
    let mut found = modules(example, language);
    if !recipe.programs.is_empty() {
        let position = |name: &str| recipe.programs.iter().position(|p| name == p || name.ends_with(&format!("-{p}")));
        found.sort_by_key(|(name, _)| position(name).unwrap_or_else(|| panic!("{name} is not among {:?}", recipe.programs)));
    }
    found
        .iter()
        .map(|(name, wasm)| Program::new(name.replace('-', "_"), wasm, Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect()
}

#[test]
fn every_example_passes_its_recipe_in_rust_and_in_c() {
    let examples = examples();
    assert!(examples.len() >= 5, "{examples:?}");
    for example in examples {
        let name = example.file_name().unwrap().to_string_lossy().into_owned();
        let recipe = Recipe::from_json(&std::fs::read_to_string(example.join("recipe.json")).unwrap()).unwrap();
        assert!(example.join("README.md").exists(), "{name} has a README");
        for language in ["rust", "c"] {
            let mut programs = programs(&example, &recipe, language);
            assert!(!programs.is_empty(), "{name} has {language} programs");
            if let Err(failure) = recipe.run(&mut programs) {
                panic!("{name} in {language}: {failure}");
            }
        }
    }
}

/// Every example but blinky (the minimal program, which starts cold) declares all the state it
/// keeps between scans: it passes its recipe with an online change to a new instance of itself
/// before every pass, in both languages.
#[test]
fn every_example_passes_its_recipe_with_a_new_version_before_every_pass() {
    for example in examples().into_iter().filter(|e| !e.ends_with("blinky")) {
        let name = example.file_name().unwrap().to_string_lossy().into_owned();
        let recipe = Recipe::from_json(&std::fs::read_to_string(example.join("recipe.json")).unwrap()).unwrap();
        for language in ["rust", "c"] {
            let mut programs = programs(&example, &recipe, language);
            let modules: Vec<(String, Vec<u8>)> = modules(&example, language).into_iter().map(|(n, w)| (n.replace('-', "_"), w)).collect();
            let new_version = |program: &str| {
                let (_, wasm) = modules.iter().find(|(n, _)| n == program).expect("the program's module");
                Program::new(program, wasm, Limits::default()).unwrap()
            };
            if let Err(failure) = recipe.run_with_swaps(&mut programs, new_version) {
                panic!("{name} in {language}, swapped before every pass: {failure}");
            }
        }
    }
}

/// The bound on a minimal program: blinky written the natural way (its image's handles, and one
/// `unwrap()` on a read by address, which can panic) built with the release settings of the
/// template (opt-level "s", LTO, panic = "abort") fits in 2 KiB: no `core::fmt` is linked.
#[test]
fn blinky_fits_in_two_kib() {
    let source = std::fs::read_to_string(root().join("examples/blinky/rust/src/lib.rs")).unwrap();
    assert!(source.contains(".unwrap()"), "blinky no longer has the `unwrap()` this bound is about");
    let size = rust_guest("example-blinky").len();
    assert!(size <= 2048, "example_blinky.wasm is {size} bytes");
}

/// The IEC function blocks of the Rust SDK and of plc.h against one timing table.
#[test]
fn rust_and_c_function_blocks_follow_the_same_timing_table() {
    let recipe = Recipe::from_json(&std::fs::read_to_string(root().join("host/tests/recipes/blocks.json")).unwrap()).unwrap();
    for (language, wasm) in [("rust", rust_guest("guest-blocks")), ("c", c_test_guest("blocks"))] {
        let mut program = [Program::new("blocks", &wasm, Limits::default()).unwrap()];
        if let Err(failure) = recipe.run(&mut program) {
            panic!("{language}: {failure}");
        }
    }
}

/// The program the SDK was specified with builds to wasm32 and behaves in the host as its
/// recipe says.
#[test]
fn the_fill_program_of_the_sdk_guide_passes_its_recipe() {
    let recipe = Recipe::from_json(&std::fs::read_to_string(root().join("host/tests/recipes/fill.json")).unwrap()).unwrap();
    let mut program = [Program::new("fill", &rust_guest("guest-fill"), Limits::default()).unwrap()];
    if let Err(failure) = recipe.run(&mut program) {
        panic!("{failure}");
    }
}
