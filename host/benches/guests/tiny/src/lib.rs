//! The small program of `cargo xtask scan-bench`, run in 1000 copies: each scan it copies
//! input bit `%IX0.0` to output bit `%QX0.0` and increments the variable `count`, which all
//! copies share.
#![no_std]
use plc_sdk::prelude::*;

const SWITCH: InputBit = InputBit::new(0, 0);
const LAMP: OutputBit = OutputBit::new(0, 0);
const COUNT: Variable<i32> = Variable::new("count");

#[plc_program]
fn tiny() {
    let _ = LAMP.set(SWITCH.get().unwrap_or(false));
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
