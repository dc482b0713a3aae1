//! Calls every intrinsic of the ABI through the SDK, so that its import list is the ABI's:
//! `wasm_report_error` through `?`, when the output image is too small for its two bytes.
//! Declares `count` retained, and saves the same state (`scans`, `levels`), as its C twin does.
#![no_std]
use plc_sdk::prelude::*;

plc_sdk::retain!(COUNT: i32 = "count");
static RATIO: Variable<f64> = Variable::new("ratio");
static FLAG: Variable<bool> = Variable::new("flag");

/// What a new version takes over: `wasm_state_write` and `wasm_state_read`.
#[derive(Default, State)]
struct Twin {
    scans: u32,
    levels: [u16; 2],
}

#[plc_program]
fn everything(s: &mut Twin) -> Result<(), Error> {
    let t = Instant::since_start();
    let mut input = [0u8; 2];
    let _ = read_input(0, &mut input);
    s.scans += 1;
    s.levels = input.map(u16::from);
    let count = COUNT.get().unwrap_or(0) + 1;
    let _ = COUNT.set(count);
    let _ = RATIO.set(RATIO.get().unwrap_or(0.0) + 0.5);
    let _ = FLAG.set(!FLAG.get().unwrap_or(false));
    write_output(0, &input)?;
    let _ = io::set_output_bit(2, 0, count % 2 == 1);
    info!("scan {} at {} ms", count, t.as_millis() as u32);
    Ok(())
}
