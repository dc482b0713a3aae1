//! A program that says what went wrong with `?`: it copies the input byte whose address input
//! byte 0 holds to output byte 0. An address outside the input image ends the scan in
//! `Err(Error::AddressOutOfBounds)`. Output byte 1 counts the scans, written before anything
//! can fail. Input byte 0 = 255 panics instead: a fault, not an error.
#![no_std]
use plc_sdk::prelude::*;

static IMAGE: ProcessImage<1, 2> = ProcessImage::new();
const ADDRESS: Input<u8> = IMAGE.input(0);
const COPY: Output<u8> = IMAGE.output(0);
const SCANS: Output<u8> = IMAGE.output(1);

#[plc_program(image = IMAGE)]
fn copy(scans: &mut u8) -> Result<(), Error> {
    *scans = scans.wrapping_add(1);
    SCANS.set(*scans);
    let address = ADDRESS.get();
    if address == 255 {
        panic!("asked to fault");
    }
    // An address known only at run time: the fallible function.
    let value = io::input::<u8>(u32::from(address)).ok_or(Error::AddressOutOfBounds)?;
    COPY.set(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plc_sdk::sim::Simulator;

    /// The line of the program's function in this file: where its errors are logged from.
    fn program_line() -> u32 {
        let line = include_str!("lib.rs").lines().position(|l| l.starts_with("fn copy(")).unwrap();
        line as u32 + 1
    }

    #[test]
    fn an_err_is_counted_every_scan_and_logged_once_per_change() {
        let mut sim = Simulator::with_image_sizes(4, 2);
        sim.set_inputs(&[2, 0, 42, 0]);
        sim.scan(poll);
        assert_eq!(sim.outputs(), [42, 1]);
        assert_eq!((sim.errors(), sim.take_logs().len()), (0, 0));

        sim.set_inputs(&[9]); // no input byte 9
        for _ in 0..3 {
            sim.scan(poll);
        }
        assert_eq!(sim.errors(), 3);
        let logs = sim.take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert_eq!(logs[0].level, Level::Warn);
        assert_eq!(logs[0].message, "scan ended in an error: IO address out of bounds");
        assert_eq!((logs[0].file.as_str(), logs[0].line), (file!(), program_line()));
        assert_eq!(sim.outputs(), [42, 4], "an error is not a fault: the scan's writes stand");

        sim.set_inputs(&[3]); // works again: nothing logged
        sim.scan(poll);
        assert!(sim.take_logs().is_empty());
        sim.set_inputs(&[9]); // fails again: logged again
        sim.scan(poll);
        sim.scan(poll);
        assert_eq!(sim.take_logs().len(), 1);
        assert_eq!(sim.errors(), 5);
    }
}
