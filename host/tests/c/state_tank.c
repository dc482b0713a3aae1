/*
 * The tank fill whose state a new version takes over, in C: twin of the Rust guests
 * host/tests/guests/state-v1..v3. Built with -DVERSION='"v1"' or '"v2"' (only the log text
 * differs), or with -DV3: the count of starts is gone, a run time is new.
 * Inputs: %IX0.0 low level switch, %IX0.1 high one. Outputs: %QX0.0 the pump, latched on at
 * the low switch and off at the high one; %QX0.1 the alarm (pump on for 800 ms); %QB1 the
 * starts; %QW2 the alarm timer's ET in ms; %QW4 (v3) the run time in scans.
 */
#include "plc.h"

#ifndef VERSION
#define VERSION "v3"
#endif

static plc_sr_t pump;
static plc_ton_t alarm;
static plc_r_trig_t started;
#ifdef V3
static uint16_t run_scans;
PLC_STATE(pump, alarm, started, run_scans)
#else
static plc_ctu_t starts;
PLC_STATE(pump, alarm, started, starts)
#endif

PLC_PROGRAM(tank) {
    bool low = false, high = false;
    plc_input_bit(0, 0, &low);
    plc_input_bit(0, 1, &high);
    bool on = plc_sr(&pump, low && !high, high);
    if (plc_r_trig(&started, on)) {
        PLC_INFO("pump started (" VERSION ")");
    }
    bool on_alarm = plc_ton(&alarm, on, PLC_MS(800));
    plc_set_output_bit(0, 0, on);
    plc_set_output_bit(0, 1, on_alarm);
    plc_set_output_u16(2, (uint16_t)(alarm.et / 1000000u));
#ifdef V3
    if (on && run_scans < UINT16_MAX) {
        run_scans++;
    }
    plc_set_output_u16(4, run_scans);
#else
    plc_ctu(&starts, on, false, INT32_MAX);
    plc_set_output_u8(1, (uint8_t)starts.cv);
#endif
}
