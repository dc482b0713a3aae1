//! The minimal scan of `cargo xtask scan-bench`: bit 0 of input byte 0 goes to output byte 0,
//! and the scans, counted in the program's memory, to output bytes 1 to 4 (little-endian), in
//! one write: two intrinsic calls per scan.
#![no_std]
use plc_sdk::ffi;
use plc_sdk::prelude::*;

#[plc_program]
fn minimal(scans: &mut u32) {
    *scans = scans.wrapping_add(1);
    let mut input = [0u8];
    let bit = ffi::read_input(0, &mut input).map_or(0, |()| input[0] & 1);
    let [a, b, c, d] = scans.to_le_bytes();
    let _ = ffi::write_output(0, &[bit, a, b, c, d]);
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
