//! Claims the next free bit of output byte 0 (counting with the variable `image.next`) on its
//! first scan, then copies the same bit of input byte 0 to it every scan, through its process
//! image: two instances side by side show that bits set in the image never clobber the other
//! bits of their byte. Each scan it also checks that its image handles and the fallible
//! functions (one intrinsic call each) see one state, and adds every disagreement to the
//! variable `image.disagreements`. Output byte 1 ends each scan at `0xa5 ^ bit`.
#![no_std]
use plc_sdk::prelude::*;

static NEXT: Variable<i32> = Variable::new("image.next");
static DISAGREEMENTS: Variable<i32> = Variable::new("image.disagreements");

static IMAGE: ProcessImage<1, 2> = ProcessImage::new();
const INPUTS: [InputBit; 8] = IMAGE.input_bits(0);
const OUTPUTS: [OutputBit; 8] = IMAGE.output_bits(0);
const SCRATCH: Output<u8> = IMAGE.output(1);

#[plc_program(image = IMAGE)]
fn image(mine: &mut Option<u8>) {
    let bit = *mine.get_or_insert_with(|| {
        let bit = NEXT.get().unwrap_or(0);
        NEXT.set(bit + 1).unwrap();
        bit as u8
    });
    let (input, output) = (INPUTS[usize::from(bit)], OUTPUTS[usize::from(bit)]);
    output.set(input.is_high());

    let mut disagreements = 0;
    let mut check = |agree: bool| disagreements += i32::from(!agree);
    check(io::input_bit(0, bit) == Some(input.is_high()));
    check(io::output_bit(0, bit) == Some(output.get())); // the handle's write, read back
    io::set_output::<u8>(1, 0x5a).unwrap();
    check(SCRATCH.get() == 0x5a); // the intrinsic's write, seen by the handle
    SCRATCH.set(0xa5 ^ bit);
    check(io::output::<u8>(1) == Some(0xa5 ^ bit));
    if disagreements > 0 {
        DISAGREEMENTS.set(DISAGREEMENTS.get().unwrap_or(0) + disagreements).unwrap();
    }
}
