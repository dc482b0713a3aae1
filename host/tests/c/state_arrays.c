/*
 * PLC_STATE with arrays, a struct's members and every scalar kind: host/tests/state.rs checks
 * the records it writes and that a new instance takes them over. Each scan counts in `scans`
 * and shifts the arrays; outputs: %QB0 scans, %QB1 levels[3], %QB2 flags, %QB3 timers[1].q.
 */
#include "plc.h"

static uint8_t scans;
static uint16_t levels[4];
static bool flags[3];
static plc_ton_t timers[2];
static struct {
    int64_t total;
    double ratio;
    plc_ctud_t counter;
} tank;
static float gain = 1.5f;
PLC_STATE(scans, levels, flags, timers, tank.total, tank.ratio, tank.counter, gain)

PLC_PROGRAM(arrays) {
    scans++;
    for (int i = 3; i > 0; i--) levels[i] = levels[i - 1];
    levels[0] = scans;
    flags[scans % 3] = !flags[scans % 3];
    plc_ton(&timers[0], true, PLC_MS(10));
    plc_ton(&timers[1], true, PLC_MS(30));
    tank.total += 1000000000000LL;
    tank.ratio = tank.ratio * 0.5 + 1.0;
    plc_ctud(&tank.counter, scans % 2 == 0, false, false, false, 100);
    gain *= 2.0f;
    plc_set_output_u8(0, scans);
    plc_set_output_u8(1, (uint8_t)levels[3]);
    plc_set_output_u8(2, (uint8_t)(flags[0] | flags[1] << 1 | flags[2] << 2));
    plc_set_output_u8(3, timers[1].q);
}
