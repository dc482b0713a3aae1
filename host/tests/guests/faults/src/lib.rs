//! A program that is healthy, or faults in the way input byte 0 selects:
//! 0 healthy, 1 panic, 2 unreachable, 3 endless loop, 4 stack overflow, 5 memory bomb,
//! 6 out-of-bounds load. Each scan, before the fault, it writes output byte 0 and the
//! variable `<name>.scans`, so a test can check that a faulted poll publishes nothing.
// Its faults are wasm instructions: on other targets the crate is empty.
#![cfg(target_arch = "wasm32")]
#![no_std]
use core::hint::black_box;
use plc_sdk::prelude::*;

static SCANS: Variable<i32> = Variable::new("faults.scans");
static IMAGE: ProcessImage<1, 1> = ProcessImage::new();
const MODE: Input<u8> = IMAGE.input(0);
const COUNT: Output<u8> = IMAGE.output(0);

/// A function of its own, so that a trap's backtrace names it (this guest keeps its `name`
/// section: see the workspace's Cargo.toml).
#[inline(never)]
fn boom(scan: u8) -> ! {
    panic!("boom at scan {}", scan)
}

fn recurse(depth: u64) -> u64 {
    let local = black_box([depth; 16]);
    if black_box(true) { recurse(depth + 1) + local[3] } else { 0 }
}

#[plc_program(image = IMAGE)]
fn faults(scans: &mut u8) {
    *scans = scans.wrapping_add(1);
    COUNT.set(*scans);
    let _ = SCANS.set(i32::from(*scans));
    match MODE.get() {
        1 => boom(*scans),
        2 => core::arch::wasm32::unreachable(),
        3 => loop {
            black_box(());
        },
        4 => {
            black_box(recurse(0));
        }
        5 => while core::arch::wasm32::memory_grow(0, 1) != usize::MAX {},
        6 => {
            // SAFETY: none; this is the fault under test (the host must trap it).
            let wild = unsafe { core::ptr::read_volatile(black_box(0xFFFF_FFF0usize) as *const u32) };
            black_box(wild);
        }
        _ => {}
    }
}
