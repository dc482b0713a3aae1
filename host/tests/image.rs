//! The process image in the program's memory (`plc_image`): copied in before each poll, the
//! changed bits published after it, one state with the intrinsics, and a descriptor that is
//! checked every poll.

mod support;

use plc_host::{FaultKind, Limits, Program, Value};
use support::*;

/// Two instances of one Rust program, each owning one bit of output byte 0 through its image.
#[test]
fn bits_set_in_two_images_both_win() {
    let env = two_instances_own_a_bit_each(&rust_guest("guest-image"), 2, |env| {
        assert_eq!(env.outputs[1], 0xa5 ^ 1, "the last writer of byte 1 is b, bit 1");
    });
    assert_eq!(env.variables["image.next"], Value::Int(2));
    assert!(!env.variables.contains_key("image.disagreements"), "handles and intrinsics disagreed: {:?}", env.variables);
}

/// A poll that faults publishes nothing of what it wrote in its image.
#[test]
fn a_faulted_poll_publishes_nothing_of_its_image() {
    let mut program = Program::new("faults", &rust_guest("guest-faults"), Limits::default()).unwrap();
    let mut env = env(1, 1);
    program.poll(&mut env).unwrap();
    assert_eq!(env.outputs, [1]);
    env.inputs[0] = 1; // panics after writing the scan count to its image
    assert!(program.poll(&mut env).is_err());
    assert_eq!(env.outputs, [1], "the faulted poll's write of 2 must not be published");
}

/// A WAT program with an image of `inputs` and `outputs` bytes at 0x100 and 0x200 and the
/// descriptor at `descriptor`; `poll` is `body`.
fn wat_image(descriptor: u32, words: [u32; 4], body: &str) -> String {
    let bytes: String = words.iter().flat_map(|w| w.to_le_bytes()).map(|b| format!("\\{b:02x}")).collect();
    format!(
        r#"(module
            (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
            (import "env" "wasm_read_output" (func $read (param i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (global (export "plc_image") i32 (i32.const {descriptor}))
            (data (i32.const 16) "{bytes}")
            (func (export "poll") {body}))"#
    )
}

/// The image is longer than the controller's: only the controller's bytes are copied and
/// published; writes past them are the program's own.
#[test]
fn an_image_longer_than_the_controllers_is_clipped() {
    // Copies input byte 0 to output byte 0 plus one, and sets output byte 3 (past the image).
    let body = "(i32.store8 (i32.const 0x200) (i32.add (i32.load8_u (i32.const 0x100)) (i32.const 1)))
                (i32.store8 (i32.const 0x203) (i32.const 0xff))";
    let mut program = load("long", wat_image(16, [0x100, 8, 0x200, 8], body).as_bytes());
    let mut env = env(1, 2);
    env.inputs[0] = 41;
    env.outputs[1] = 7;
    program.poll(&mut env).unwrap();
    assert_eq!(env.outputs, [42, 7]);
}

/// `wasm_write_output` inside the image writes the program's memory; `wasm_read_output`
/// reads it: what the program's loads and stores see, the intrinsics see.
#[test]
fn the_intrinsics_and_the_memory_see_one_image() {
    // 1. write 0x11 0x22 at outputs 0..2 by the intrinsic (from 0x300);
    // 2. copy the image's byte 1 (as the memory has it) to output byte 2 by a store;
    // 3. store 0x33 in the image's byte 0, read outputs 0..3 back by the intrinsic into 0x310,
    //    and publish that read as outputs 3..6 by a store of the image's memory.
    let body = "(i32.store16 (i32.const 0x300) (i32.const 0x2211))
                (drop (call $write (i32.const 0) (i32.const 0x300) (i32.const 2)))
                (i32.store8 (i32.const 0x202) (i32.load8_u (i32.const 0x201)))
                (i32.store8 (i32.const 0x200) (i32.const 0x33))
                (drop (call $read (i32.const 0) (i32.const 0x310) (i32.const 3)))
                (i32.store8 (i32.const 0x203) (i32.load8_u (i32.const 0x310)))
                (i32.store8 (i32.const 0x204) (i32.load8_u (i32.const 0x311)))
                (i32.store8 (i32.const 0x205) (i32.load8_u (i32.const 0x312)))";
    let mut program = load("mixed", wat_image(16, [0x100, 0, 0x200, 6], body).as_bytes());
    let mut env = env(0, 6);
    program.poll(&mut env).unwrap();
    assert_eq!(env.outputs, [0x33, 0x22, 0x22, 0x33, 0x22, 0x22]);
}

/// A descriptor, or a range it gives, outside the memory faults the poll with a message that
/// says so; the host keeps running and a healthy program next to it keeps scanning.
#[test]
fn a_descriptor_outside_the_memory_faults_the_poll() {
    let cases = [
        ("descriptor", wat_image(65_534, [0x100, 1, 0x200, 1], ""), "descriptor"),
        ("descriptor past 4 GiB", wat_image(u32::MAX, [0x100, 1, 0x200, 1], ""), "descriptor"),
        ("inputs", wat_image(16, [65_535, 2, 0x200, 1], ""), "input image"),
        ("outputs", wat_image(16, [0x100, 1, u32::MAX, 1], ""), "output image"),
        ("huge length", wat_image(16, [0x100, u32::MAX, 0x200, 1], ""), "input image"),
    ];
    for (what, wat, says) in cases {
        let mut hostile = load(what, wat.as_bytes());
        let mut neighbour = load("healthy", healthy(0).as_bytes());
        let mut env = env(4, 4);
        let fault = hostile.poll(&mut env).expect_err(what);
        assert_eq!(fault.kind, FaultKind::ProcessImage, "{what}: {fault}");
        assert!(fault.message.contains(says), "{what}: {}", fault.message);
        neighbour.poll(&mut env).unwrap();
        assert_eq!(neighbour.polls(), 1);
    }
}

/// `plc_image` must be an immutable i32 global: anything else is refused at load, by name.
#[test]
fn a_plc_image_that_is_not_an_immutable_i32_global_is_refused() {
    let exports = [
        "(global (export \"plc_image\") (mut i32) (i32.const 16))",
        "(global (export \"plc_image\") i64 (i64.const 16))",
        "(func (export \"plc_image\"))",
    ];
    for export in exports {
        let wat = format!("(module (memory (export \"memory\") 1) {export} (func (export \"poll\")))");
        let error = Program::new("bad", wat.as_bytes(), Limits::default()).expect_err(export).to_string();
        assert!(error.contains("plc_image") && error.contains("immutable i32 global"), "{export}: {error}");
    }
}
