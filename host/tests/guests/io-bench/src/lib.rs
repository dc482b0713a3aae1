//! 10,000 IO accesses per poll, of the kind the variable `bench.mode` selects (read once per
//! poll), for `host/benches/io.rs`: through the process image's handles, through plain memory
//! of the same size (the baseline), or through the fallible functions (one intrinsic call
//! each). Each pass touches 16 different addresses. The result goes to the variable `bench.sum`.
#![no_std]
use core::hint::black_box;
use plc_sdk::prelude::*;

static MODE: Variable<i32> = Variable::new("bench.mode");
static SUM: Variable<i32> = Variable::new("bench.sum");

/// The 16 words of the image, at even addresses.
macro_rules! words {
    ($kind:ident) => {
        [
            IMAGE.$kind(0), IMAGE.$kind(2), IMAGE.$kind(4), IMAGE.$kind(6), IMAGE.$kind(8), IMAGE.$kind(10),
            IMAGE.$kind(12), IMAGE.$kind(14), IMAGE.$kind(16), IMAGE.$kind(18), IMAGE.$kind(20), IMAGE.$kind(22),
            IMAGE.$kind(24), IMAGE.$kind(26), IMAGE.$kind(28), IMAGE.$kind(30),
        ]
    };
}

static IMAGE: ProcessImage<32, 32> = ProcessImage::new();
const IN_BITS: [[InputBit; 8]; 2] = [IMAGE.input_bits(0), IMAGE.input_bits(1)];
const OUT_BITS: [[OutputBit; 8]; 2] = [IMAGE.output_bits(0), IMAGE.output_bits(1)];
const IN_WORDS: [Input<u16>; 16] = words!(input);
const OUT_WORDS: [Output<u16>; 16] = words!(output);


macro_rules! unroll {
    ($body:ident; $($i:literal)*) => { $( $body($i); )* };
}

const PASSES: u32 = 10_000 / 16;

/// `body(plain, index)` for the 16 indexes of a pass, spelled out (every index a constant, as
/// a program's handles are), `PASSES` times. `plain` is 32 bytes of the program's memory (on
/// its stack), the baseline; a `black_box` between passes makes every pass load and store it
/// and the image again.
#[inline(always)]
fn passes(mut body: impl FnMut(&mut [u8; 32], usize)) {
    let mut plain = [0u8; 32];
    for _ in 0..PASSES {
        let plain = black_box(&mut plain);
        let mut at = |i| body(plain, i);
        unroll!(at; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
    }
}

fn word(plain: &[u8; 32], i: usize) -> u16 {
    u16::from_le_bytes([plain[2 * i], plain[2 * i + 1]])
}


#[plc_program(image = IMAGE)]
fn bench() {
    let mode = MODE.get().unwrap_or(0);
    let mut sum = 0u32;
    match mode {
        // Bit reads: a plain byte load and mask, the image's `is_high`, `io::input_bit`.
        0 => passes(|plain, i| sum += u32::from(plain[i / 8] & (1 << (i % 8)) != 0)),
        1 => passes(|_, i| sum += u32::from(IN_BITS[i / 8][i % 8].is_high())),
        2 => passes(|_, i| sum += u32::from(io::input_bit((i / 8) as u32, (i % 8) as u8) == Some(true))),
        // Bit writes: a plain read-modify-write of one bit, the image's `set`, `io::set_output_bit`.
        3 => passes(|plain, i| plain[i / 8] ^= 1 << (i % 8)),
        4 => passes(|_, i| OUT_BITS[i / 8][i % 8].toggle()),
        5 => passes(|_, i| sum += u32::from(io::set_output_bit((i / 8) as u32, (i % 8) as u8, i % 3 == 0).is_ok())),
        // Typed reads of u16: plain, the image's `get`, `io::input`.
        6 => passes(|plain, i| sum += u32::from(word(plain, i))),
        7 => passes(|_, i| sum += u32::from(IN_WORDS[i].get())),
        8 => passes(|_, i| sum += u32::from(io::input::<u16>(2 * i as u32).unwrap_or(0))),
        // Typed writes of u16: plain, the image's `set`, `io::set_output`.
        9 => passes(|plain, i| {
            let [lo, hi] = (i as u16).to_le_bytes();
            (plain[2 * i], plain[2 * i + 1]) = (lo, hi);
        }),
        10 => passes(|_, i| OUT_WORDS[i].set(i as u16)),
        11 => passes(|_, i| sum += u32::from(io::set_output::<u16>(2 * i as u32, i as u16).is_ok())),
        _ => {}
    }
    let _ = SUM.set(sum as i32);
}
