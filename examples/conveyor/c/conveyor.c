// Conveyor: the twin of ../rust/src/lib.rs. A photo eye (%IX0.0) counts parts into batches of
// 3 (CTU); a full batch stops the motor. A part blocking the eye for 2 s is a jam (TON),
// latched (SR) until the reset button (%IX0.1, rising edge) clears it and the count.
// Outputs: %QX0.0 motor, %QX0.1 jam alarm, %QX0.2 batch complete, %QB1 the count.
#include "plc.h"

#define BATCH 3

static plc_r_trig_t reset_edge;
static plc_ton_t blocked_timer;
static plc_sr_t jam;
static plc_r_trig_t jam_edge;
static plc_ctu_t parts;
// A new version of the program (online change) takes these over, by name and type.
PLC_STATE(reset_edge, blocked_timer, jam, jam_edge, parts)

PLC_PROGRAM_TRY(conveyor) {
    bool eye = false, reset_button = false;
    plc_input_bit(0, 0, &eye);
    plc_input_bit(0, 1, &reset_button);
    bool reset = plc_r_trig(&reset_edge, reset_button);
    if (reset) {
        PLC_INFO("reset");
    }
    bool blocked = plc_ton(&blocked_timer, eye, PLC_S(2));
    bool jammed = plc_sr(&jam, blocked, reset);
    if (plc_r_trig(&jam_edge, jammed)) {
        PLC_ERROR("jam");
    }
    bool done = plc_ctu(&parts, eye, reset, BATCH);
    PLC_TRY(plc_set_output_bit(0, 0, !jammed && !done));
    PLC_TRY(plc_set_output_bit(0, 1, jammed));
    PLC_TRY(plc_set_output_bit(0, 2, done));
    return plc_set_output_u8(1, (uint8_t)(parts.cv < 0 ? 0 : parts.cv > 255 ? 255 : parts.cv));
}
