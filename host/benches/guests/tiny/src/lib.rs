//! The small program of `cargo xtask scan-bench`, run in 1000 copies: each scan it copies
//! input bit `%IX0.0` to output bit `%QX0.0` (in its process image) and increments the
//! variable `count`, which all copies share.
#![no_std]
use plc_sdk::prelude::*;

static IMAGE: ProcessImage<1, 1> = ProcessImage::new();
const SWITCH: InputBit = IMAGE.input_bit(0, 0);
const LAMP: OutputBit = IMAGE.output_bit(0, 0);
static COUNT: Variable<i32> = Variable::new("count");

#[plc_program(image = IMAGE)]
fn tiny() {
    LAMP.set(SWITCH.get());
    let _ = COUNT.set(COUNT.get().unwrap_or(0).wrapping_add(1));
}

#[cfg(test)]
mod tests {
    use super::*;
    use plc_sdk::sim::Simulator;

    #[test]
    fn copies_the_bit_and_counts() {
        let mut sim = Simulator::new();
        sim.set_inputs(&[1]);
        sim.scan(poll);
        sim.scan(poll);
        assert!(sim.output_bit(0, 0));
        assert_eq!(COUNT.get(), Ok(2));
    }
}
