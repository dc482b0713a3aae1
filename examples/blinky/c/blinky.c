// Blinky: output %QX0.0 blinks with a half period of 10 ms times input byte 0 (%IB0);
// 0 stops it, dark. The twin of ../rust/src/lib.rs.
#include "plc.h"

PLC_PROCESS_IMAGE(0, 1);

static bool lit = false;
static bool started = false;
static plc_time_t since = 0;
// No PLC_STATE: like its Rust twin (the minimal program, `#[plc_program(cold_start)]`), a new
// version starts its blink again.

PLC_PROGRAM(blinky) {
    // Read by address, like the Rust twin's `io::input(0)`: a fallible intrinsic call.
    uint8_t speed = 0;
    plc_input_u8(0, &speed);
    plc_time_t half_period = PLC_MS(10 * (plc_time_t)speed);
    plc_time_t now = plc_now();
    if (half_period == 0) {
        lit = false;
        started = false;
    } else if (!started) {
        lit = true;
        started = true;
        since = now;
    } else if (plc_elapsed(since, now) >= half_period) {
        lit = !lit;
        since = now;
    }
    PLC_SET_QX(0, 0, lit);
}
