//! Claims the next free bit of output byte 0 (counting with the variable `bits.next`) on its
//! first scan, then copies the same bit of input byte 0 to it every scan. Two instances side
//! by side show that setting a bit never clobbers the other bits of its byte.
#![no_std]
use plc_sdk::prelude::*;

static NEXT: Variable<i32> = Variable::new("bits.next");

#[plc_program]
fn bits(mine: &mut Option<u8>) {
    let bit = *mine.get_or_insert_with(|| {
        let bit = NEXT.get().unwrap_or(0);
        NEXT.set(bit + 1).unwrap();
        bit as u8
    });
    // A bit chosen at run time: the fallible functions, one intrinsic call each.
    io::set_output_bit(0, bit, io::input_bit(0, bit).unwrap()).unwrap();
}
