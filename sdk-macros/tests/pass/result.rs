use plc_sdk::prelude::*;

#[derive(Default, State)]
struct Copy {
    scans: u8,
}

// Returns `Result<(), plc_sdk::Error>` and uses `?`.
#[plc_program]
fn copy(s: &mut Copy) -> Result<(), plc_sdk::Error> {
    s.scans += 1;
    let address = io::input::<u8>(0).ok_or(Error::AddressOutOfBounds)?;
    let value = io::input::<u8>(u32::from(address)).ok_or(Error::AddressOutOfBounds)?;
    io::set_output::<u8>(0, value)
}

fn main() {
    let mut sim = plc_sdk::sim::Simulator::with_image_sizes(2, 1);
    sim.set_inputs(&[1, 7]);
    sim.scan(poll);
    assert_eq!((sim.outputs(), sim.errors()), (vec![7], 0));
    sim.set_inputs(&[5]);
    sim.scan(poll);
    sim.scan(poll);
    assert_eq!(sim.errors(), 2);
    let logs = sim.take_logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].message, "scan ended in an error: IO address out of bounds");
}
