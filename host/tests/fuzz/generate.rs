//! The modules of the fuzz test: case `n` of seed `s` is always the same module, from one of two
//! generators. wasm-smith writes random valid code around the intrinsics and the exports a
//! program needs; `shaped` writes calls of each intrinsic with the pointers and lengths random
//! code rarely hits (edges of memory, huge and negative lengths), in loops, beside bulk-memory
//! and table instructions.

use std::fmt::Write;

use arbitrary::Unstructured;
use plc_abi::{ValType, INTRINSICS};

/// A tiny deterministic PRNG (xorshift64), seeded through splitmix64.
pub struct Rng(u64);

impl Rng {
    /// The stream of case `case` of seed `seed`.
    pub fn new(seed: u64, case: u64) -> Rng {
        let mut z = seed ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// One generated module: wasm binary or WAT text, and which generator wrote it.
pub struct Module {
    /// The module as `Program::new` takes it.
    pub bytes: Vec<u8>,
    /// "wasm-smith", "shaped" or "file".
    pub generator: &'static str,
}

impl Module {
    /// The file extension it is written out with.
    pub fn extension(&self) -> &'static str {
        if self.bytes.starts_with(b"\0asm") { "wasm" } else { "wat" }
    }
}

/// Case `case` of seed `seed`: even cases from wasm-smith, odd ones shaped.
pub fn module(seed: u64, case: u64) -> Module {
    let mut rng = Rng::new(seed, case);
    if case.is_multiple_of(2) {
        Module { bytes: smith(&mut rng), generator: "wasm-smith" }
    } else {
        Module { bytes: shaped(&mut rng).into_bytes(), generator: "shaped" }
    }
}

/// The WAT type of an ABI value.
fn wat_type(ty: &ValType) -> &'static str {
    match ty {
        ValType::I32 => "i32",
        ValType::F64 => "f64",
    }
}

/// One `(import "env" ...)` per intrinsic, with its signature, named `$<intrinsic>`.
fn intrinsic_imports() -> String {
    let mut wat = String::new();
    for i in INTRINSICS {
        let params: Vec<_> = i.params.iter().map(wat_type).collect();
        let results: Vec<_> = i.results.iter().map(wat_type).collect();
        let _ = writeln!(
            wat,
            r#"(import "env" "{0}" (func ${0} (param {1}) (result {2})))"#,
            i.name,
            params.join(" "),
            results.join(" ")
        );
    }
    wat
}

/// Memory types of the export `memory`, against the test limit of 16 pages: with a maximum
/// under it, without one (so `memory.grow` meets the host's limit), at the limit; one time in
/// sixteen over it (refused at load). Only wasm-smith's modules (`smith`) may have an empty
/// one (a shaped module's data needs a page) or, rarely, a shared one (needs threads).
fn memory_type(rng: &mut Rng, smith: bool) -> &'static str {
    match rng.below(32) {
        0 | 1 => "17",
        2 if smith => "1 8 shared",
        _ if smith => rng.pick(&["1 4", "1", "0 16", "2", "16"]),
        _ => rng.pick(&["1 4", "1", "1 16", "2", "16"]),
    }
}

/// A random valid module from wasm-smith: it may import every intrinsic, exports `memory` and
/// `poll` (sometimes `init` too), with bulk memory, tables, loops and a few functions.
fn smith(rng: &mut Rng) -> Vec<u8> {
    let memory = memory_type(rng, true);
    let shared = memory.ends_with("shared");
    let init = if rng.one_in(4) { r#"(func (export "init"))"# } else { "" };
    let exports = format!(r#"(module (memory (export "memory") {memory}) (func (export "poll")) {init})"#);
    let config = wasm_smith::Config {
        available_imports: Some(wasmer::wat2wasm(format!("(module {})", intrinsic_imports()).as_bytes()).unwrap().into_owned()),
        exports: Some(wasmer::wat2wasm(exports.as_bytes()).unwrap().into_owned()),
        // A start function that traps refuses the module at load: one in four may have one.
        allow_start_export: rng.one_in(4),
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        threads_enabled: shared || rng.one_in(4),
        // What wasmer 7.4 does not take, or singlepass cannot compile.
        simd_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        tail_call_enabled: false,
        memory64_enabled: false,
        wide_arithmetic_enabled: false,
        compact_imports_enabled: false,
        custom_page_sizes_enabled: false,
        // Small modules: the imports count among the functions.
        max_funcs: 20,
        max_instructions: 500,
        // Integer code only: calls need their i32 arguments on the stack, and get them more
        // often (still only in about one module in ten).
        allow_floats: false,
        allowed_instructions: {
            use wasm_smith::InstructionKind::*;
            wasm_smith::InstructionKinds::new(&[NumericInt, Reference, Parametric, Variable, Table, MemoryInt, Control])
        },
        max_nesting_depth: 6,
        max_types: 20,
        max_globals: 8,
        max_data_segments: 4,
        max_element_segments: 4,
        max_elements: 32,
        // One module in eight has a memory besides `memory` (which the host refuses).
        max_memories: usize::from(rng.one_in(8)),
        max_memory32_bytes: 2 << 20,
        max_tables: 2,
        max_table_elements: rng.pick(&[16, 1000, 100_000]),
        table_max_size_required: rng.one_in(2),
        ..wasm_smith::Config::default()
    };
    let data: Vec<u8> = (0..256 + rng.below(32 << 10)).map(|_| rng.next() as u8).collect();
    let module = wasm_smith::Module::new(config, &mut Unstructured::new(&data)).expect("wasm-smith takes any bytes");
    module.to_bytes()
}

/// An i32 operand worth trying as a pointer, length, address or value.
fn interesting(rng: &mut Rng) -> i64 {
    const EDGES: &[i64] = &[0, 1, 7, 8, 255, 256, 4095, 4096, 65535, 65536, 65537, 1 << 20, (1 << 20) - 1, i32::MAX as i64, i32::MIN as i64, -1, -8];
    match rng.below(4) {
        0 | 1 => rng.pick(EDGES),
        2 => rng.below(64) as i64,
        _ => rng.next() as i32 as i64,
    }
}

/// How a statement draws its i32 operands.
#[derive(Clone, Copy)]
struct Operands {
    /// In a loop: an operand may follow the loop counter `$i`, so a loop walks pointers or lengths.
    in_loop: bool,
    /// Every operand small or a round size (up to all of memory and of an image): the statement
    /// mostly succeeds and the host does the work, where random operands mostly fail at once.
    plausible: bool,
}

impl Operands {
    /// One operand.
    fn draw(self, rng: &mut Rng) -> String {
        if self.plausible {
            return format!("(i32.const {})", rng.pick(&[0, 0, 16, 4096, 65536, 1 << 20]));
        }
        match self.in_loop && rng.one_in(2) {
            true => format!("(i32.add (i32.const {}) (i32.mul (local.get $i) (i32.const {})))", interesting(rng), rng.pick(&[1, 4, 255, 4096, 65536])),
            false => format!("(i32.const {})", interesting(rng)),
        }
    }
}

/// One statement of a shaped `poll`: a call of a random intrinsic (five times in eight), or a
/// bulk-memory or table instruction; one in three with plausible operands.
fn statement(rng: &mut Rng, in_loop: bool) -> String {
    let o = Operands { in_loop, plausible: rng.one_in(3) };
    match rng.below(8) {
        0 => format!("(memory.fill {} {} {})", o.draw(rng), o.draw(rng), o.draw(rng)),
        1 => format!("(memory.copy {} {} {})", o.draw(rng), o.draw(rng), o.draw(rng)),
        2 => format!("(drop (memory.grow {}))", o.draw(rng)),
        3 => format!("(drop (table.grow $t (ref.null func) {}))", o.draw(rng)),
        4 => format!("(table.fill $t {} (ref.null func) {})", o.draw(rng), o.draw(rng)),
        _ => {
            let intrinsic = rng.pick(INTRINSICS);
            let args: Vec<_> = intrinsic
                .params
                .iter()
                .map(|ty| match ty {
                    ValType::I32 => o.draw(rng),
                    ValType::F64 => format!("(f64.const {})", rng.pick(&["0", "-0", "nan", "inf", "-inf", "1e308", "42.5"])),
                })
                .collect();
            format!("(drop (call ${} {}))", intrinsic.name, args.join(" "))
        }
    }
}

/// A WAT program whose `poll` runs a few statements, some in loops of up to a million rounds.
fn shaped(rng: &mut Rng) -> String {
    let memory = memory_type(rng, false);
    let table = rng.pick(&["0", "4", "1 16", "0 100000"]);
    // Names and messages to point at: ASCII, an empty one, and bytes that are not UTF-8.
    let mut poll = String::new();
    for _ in 0..1 + rng.below(6) {
        if rng.one_in(3) {
            let rounds = rng.pick(&[10, 1000, 100_000, 1_000_000]);
            let body: Vec<_> = (0..1 + rng.below(3)).map(|_| statement(rng, true)).collect();
            let _ = write!(
                poll,
                "\n    (local.set $i (i32.const 0))\n    (loop $l {}\n      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n      (br_if $l (i32.lt_u (local.get $i) (i32.const {rounds}))))",
                body.join("\n      ")
            );
        } else {
            let _ = write!(poll, "\n    {}", statement(rng, false));
        }
    }
    format!(
        "(module\n{}(memory (export \"memory\") {memory})\n(table $t {table} funcref)\n(data (i32.const 0) \"a\\00bc x_1 \\ff\\fe\\80 warn: message\")\n(func (export \"poll\") (local $i i32){poll}))\n",
        intrinsic_imports()
    )
}
