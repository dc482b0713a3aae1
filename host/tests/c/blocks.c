// Every IEC function block of plc.h, driven from input byte 0 and reported in the outputs:
// the twin of host/tests/guests/blocks (see its documentation for the map), checked against
// the same timing table, host/tests/recipes/blocks.json.
#include "plc.h"

PLC_PROCESS_IMAGE(1, 11);

static plc_ton_t ton;
static plc_tof_t tof;
static plc_tp_t tp;
static plc_r_trig_t r_trig;
static plc_f_trig_t f_trig;
static plc_ctu_t ctu;
static plc_ctd_t ctd;
static plc_ctud_t ctud;
static plc_sr_t sr;
static plc_rs_t rs;

PLC_PROGRAM(blocks) {
    uint8_t bits = PLC_IN(uint8_t, 0);
    bool in = bits & 1, clk = bits & 2, reset = bits & 4, load = bits & 8, set = bits & 16, cd = bits & 32;
    plc_time_t pt = PLC_MS(100);
    uint8_t flags = (uint8_t)(plc_ton(&ton, in, pt) | plc_tof(&tof, in, pt) << 1 | plc_tp(&tp, in, pt) << 2 |
                              plc_r_trig(&r_trig, clk) << 3 | plc_f_trig(&f_trig, clk) << 4 |
                              plc_sr(&sr, set, reset) << 5 | plc_rs(&rs, set, reset) << 6);
    uint8_t counters = (uint8_t)(plc_ctu(&ctu, clk, reset, 2) | plc_ctd(&ctd, clk, load, 2) << 1 |
                                 plc_ctud(&ctud, clk, cd, reset, load, 2) << 2 | ctud.qd << 3);
    PLC_SET_OUT(uint8_t, 0, flags);
    PLC_SET_OUT(uint8_t, 1, counters);
    PLC_SET_OUT(uint16_t, 2, (uint16_t)(ton.et / PLC_MS(1)));
    PLC_SET_OUT(uint16_t, 4, (uint16_t)(tof.et / PLC_MS(1)));
    PLC_SET_OUT(uint16_t, 6, (uint16_t)(tp.et / PLC_MS(1)));
    PLC_SET_OUT(int8_t, 8, (int8_t)ctu.cv);
    PLC_SET_OUT(int8_t, 9, (int8_t)ctd.cv);
    PLC_SET_OUT(int8_t, 10, (int8_t)ctud.cv);
}
