// Conveyor: the twin of ../rust/src/lib.rs. A photo eye (%IX0.0) counts parts into batches of
// 3 (CTU); a full batch stops the motor. A part blocking the eye for 2 s is a jam (TON),
// latched (SR) until the reset button (%IX0.1, rising edge) clears it and the count.
// Outputs: %QX0.0 motor, %QX0.1 jam alarm, %QX0.2 batch complete, %QB1 the count.
#include "plc.h"

PLC_PROCESS_IMAGE(1, 2);

#define BATCH 3

static plc_r_trig_t reset_edge;
static plc_ton_t blocked_timer;
static plc_sr_t jam;
static plc_r_trig_t jam_edge;
static plc_ctu_t parts;
// A new version of the program (online change) takes these over, by name and type.
PLC_STATE(reset_edge, blocked_timer, jam, jam_edge, parts)

PLC_PROGRAM(conveyor) {
    bool eye = PLC_IX(0, 0);
    bool reset = plc_r_trig(&reset_edge, PLC_IX(0, 1));
    if (reset) {
        PLC_INFO("reset");
    }
    bool blocked = plc_ton(&blocked_timer, eye, PLC_S(2));
    bool jammed = plc_sr(&jam, blocked, reset);
    if (plc_r_trig(&jam_edge, jammed)) {
        PLC_ERROR("jam");
    }
    bool done = plc_ctu(&parts, eye, reset, BATCH);
    PLC_SET_QX(0, 0, !jammed && !done);
    PLC_SET_QX(0, 1, jammed);
    PLC_SET_QX(0, 2, done);
    PLC_SET_OUT(uint8_t, 1, (uint8_t)(parts.cv < 0 ? 0 : parts.cv > 255 ? 255 : parts.cv));
}
