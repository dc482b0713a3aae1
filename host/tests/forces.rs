//! Forcing inputs, outputs and variables, and the commands of the remote seam that go with
//! it: a forced input is seen by the programs, a forced output or variable wins over what they
//! write, a release gives control back.

use std::sync::Arc;
use std::time::Duration;

use plc_host::remote::{self, Command, NotSent};
use plc_host::{Compiled, ControlError, Controller, Force, ForceTarget, Image, InMemoryEnvironment, IoValue, Limits, Value};

/// Copies input byte 0 to output byte 0, writes 0x0f to output byte 1, and `seen` = input
/// byte 0 (an int); `version` is written to output byte 2.
fn copier(version: u8) -> Vec<u8> {
    let wat = format!(
        r#"(module
            (import "env" "wasm_read_input" (func $in (param i32 i32 i32) (result i32)))
            (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
            (import "env" "wasm_variable_write_int" (func $set (param i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "seen")
            (data (i32.const 1) "\0f\{version:02x}")
            (func (export "poll")
                (drop (call $in (i32.const 0) (i32.const 0) (i32.const 1)))
                (drop (call $out (i32.const 0) (i32.const 0) (i32.const 3)))
                (drop (call $set (i32.const 16) (i32.const 4) (i32.load8_u (i32.const 0))))))"#
    );
    wat.into_bytes()
}

fn controller() -> Controller {
    let mut controller = Controller::new(InMemoryEnvironment::new(4, 4));
    controller.add(plc_host::Program::new("copier", &copier(1), Limits::default()).unwrap()).unwrap();
    controller.scan();
    controller
}

fn input(address: usize, value: IoValue) -> Force {
    Force::Io { image: Image::Inputs, address, value }
}

fn output(address: usize, value: IoValue) -> Force {
    Force::Io { image: Image::Outputs, address, value }
}

#[test]
fn a_forced_input_is_seen_by_the_programs_and_released_to_its_old_value() {
    let mut c = controller();
    c.env_mut().inputs[0] = 0b1000_0000;
    c.force(input(0, IoValue::Bit(1, true))).unwrap();
    assert_eq!(c.env().inputs[0], 0b1000_0010, "applied at once, the other bits kept");
    c.env_mut().inputs[0] = 0; // the IO backend reads its inputs again
    c.scan();
    assert_eq!(c.env().outputs[0], 0b10, "the program saw the forced bit");
    assert_eq!(c.env().variables["seen"], Value::Int(2));
    c.release(&ForceTarget::Io { image: Image::Inputs, address: 0, bit: Some(1) }).unwrap();
    assert_eq!(c.env().inputs[0], 0, "the bit has the value it had when it was forced");
    c.scan();
    assert_eq!(c.env().outputs[0], 0);
}

#[test]
fn a_forced_output_wins_over_the_program_and_a_typed_force_replaces_the_bits_it_covers() {
    let mut c = controller();
    c.force(output(1, IoValue::Bit(7, true))).unwrap();
    c.force(output(1, IoValue::Bit(0, false))).unwrap();
    c.scan();
    assert_eq!(c.env().outputs[1], 0x8e, "the program wrote 0x0f, two bits are forced");
    c.force(output(1, IoValue::U16(0x1234))).unwrap();
    assert_eq!(c.forces().len(), 1, "the word replaced both bit forces: {:?}", c.forces());
    c.scan();
    assert_eq!(&c.env().outputs[1..3], &[0x34, 0x12]);
    c.release_all();
    c.scan();
    assert_eq!(&c.env().outputs[1..3], &[0x0f, 0x01], "released: the program's values again");
}

#[test]
fn a_forced_variable_wins_and_one_shot_writes_are_checked() {
    let mut c = controller();
    assert_eq!(c.force(Force::Variable { name: "nope".into(), value: Value::Int(1) }), Err(ControlError::UnknownVariable("nope".into())));
    let wrong = c.force(Force::Variable { name: "seen".into(), value: Value::Bool(true) });
    assert!(matches!(wrong, Err(ControlError::BadType(ref m)) if m == "`seen` is int, not bool"), "{wrong:?}");
    c.force(Force::Variable { name: "seen".into(), value: Value::Int(99) }).unwrap();
    c.scan();
    assert_eq!(c.env().variables["seen"], Value::Int(99), "the program wrote 0, the force won");
    assert_eq!(c.write_variable("seen", Value::Int(5)), Err(ControlError::Forced("seen".into())));
    c.release(&ForceTarget::Variable("seen".into())).unwrap();
    assert!(matches!(c.release(&ForceTarget::Variable("seen".into())), Err(ControlError::NotForced(_))));
    c.write_variable("seen", Value::Int(5)).unwrap();
    assert_eq!(c.env().variables["seen"], Value::Int(5));
    assert!(matches!(c.write_variable("seen", Value::Double(1.0)), Err(ControlError::BadType(_))));
    c.scan();
    assert_eq!(c.env().variables["seen"], Value::Int(0), "a one-shot write: the program writes again");
}

#[test]
fn places_outside_the_image_are_refused() {
    let mut c = controller();
    for force in [input(4, IoValue::U8(1)), output(3, IoValue::U16(1)), input(usize::MAX, IoValue::U32(1)), output(0, IoValue::Bit(8, true))] {
        assert!(matches!(c.force(force.clone()), Err(ControlError::AddressOutOfBounds(_))), "{force:?}");
    }
    assert!(c.forces().is_empty());
}

#[test]
fn commands_through_the_remote_seam() {
    let mut c = controller();
    let (remote, mut mailbox) = remote::channel(2);
    let sha = *c.program("copier").unwrap().sha256();
    let v2 = Compiled::new("copier", &copier(2), Limits::default()).unwrap();
    let stale = remote.try_send(Command::ReplaceIfMatch(Box::new(v2), [0; 32])).unwrap();
    let forced = remote.try_send(Command::Force(output(3, IoValue::U8(7)))).unwrap();
    assert!(matches!(remote.try_send(Command::ReleaseAll), Err(NotSent::Busy)), "the queue holds two");
    c.serve(&mut mailbox, Duration::ZERO);
    assert!(matches!(stale.wait(Duration::ZERO), Some(Err(ControlError::VersionMismatch(_)))));
    assert_eq!(forced.wait(Duration::ZERO), Some(Ok(())));
    let first = mailbox.latest().unwrap();
    assert_eq!(first.forces, [output(3, IoValue::U8(7))]);
    assert_eq!(first.outputs[3], 7);

    let v2 = Compiled::new("copier", &copier(2), Limits::default()).unwrap();
    let sha2 = *v2.sha256();
    let matching = remote.try_send(Command::ReplaceIfMatch(Box::new(v2), sha)).unwrap();
    let waiter = {
        let remote = remote.clone();
        let first = first.clone();
        std::thread::spawn(move || remote.next_snapshot(Some(&first), Duration::from_secs(10)))
    };
    c.scan();
    c.serve(&mut mailbox, Duration::ZERO);
    assert_eq!(matching.wait(Duration::ZERO), Some(Ok(())));
    let next = waiter.join().unwrap().expect("the next snapshot");
    assert!(!Arc::ptr_eq(&next, &first));
    assert_eq!(next.programs[0].sha256, sha2);
    assert!(remote.next_snapshot(Some(&next), Duration::from_millis(1)).is_none(), "nothing new published");
    drop(mailbox);
    assert!(matches!(remote.try_send(Command::ReleaseAll), Err(NotSent::Disconnected)));
}
