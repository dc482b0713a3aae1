//! The minimal scan of `cargo xtask scan-bench`: bit 0 of input byte 0 goes to output byte 0,
//! and the scans, counted in the program's memory, to output bytes 1 to 4 (little-endian),
//! all in the program's process image: no intrinsic call.
#![no_std]
use plc_sdk::prelude::*;

static IMAGE: ProcessImage<1, 5> = ProcessImage::new();
const IN: InputBit = IMAGE.input_bit(0, 0);
const OUT: OutputBit = IMAGE.output_bit(0, 0);
const SCANS: Output<u32> = IMAGE.output(1);

#[plc_program(image = IMAGE)]
fn minimal(scans: &mut u32) {
    *scans = scans.wrapping_add(1);
    OUT.set(IN.get());
    SCANS.set(*scans);
}

#[cfg(test)]
mod tests {
    use super::*;
    use plc_sdk::sim::Simulator;

    #[test]
    fn copies_bit_0_and_counts_the_scans() {
        let mut sim = Simulator::with_image_sizes(1, 5);
        sim.set_inputs(&[0b11]);
        for _ in 0..3 {
            sim.scan(poll);
        }
        assert_eq!(sim.outputs(), [1, 3, 0, 0, 0]);
    }
}
