// Traffic light: the twin of ../rust/src/lib.rs. Cars have green until a pedestrian presses
// the button (%IX0.0, edge triggered) and at least 3 s of green have passed; then yellow 1 s,
// red with "walk" 4 s, red-yellow 1 s, and green again. Lamps in %QB0: bit 0 car red,
// 1 car yellow, 2 car green, 3 walk, 4 don't walk.
#include "plc.h"

PLC_PROCESS_IMAGE(1, 1);

enum { CAR_RED = 1, CAR_YELLOW = 2, CAR_GREEN = 4, WALK = 8, DONT_WALK = 16 };
typedef enum { GREEN, YELLOW, WALKING, RED_YELLOW } phase_t;

static const plc_time_t duration[] = {PLC_S(3), PLC_S(1), PLC_S(4), PLC_S(1)};
static const phase_t next_phase[] = {YELLOW, WALKING, RED_YELLOW, GREEN};
static const uint8_t lamps[] = {CAR_GREEN | DONT_WALK, CAR_YELLOW | DONT_WALK, CAR_RED | WALK,
                                CAR_RED | CAR_YELLOW | DONT_WALK};

static phase_t phase = GREEN;
static plc_ton_t timer;
static plc_r_trig_t button;
static bool request = false;
// A new version of the program (online change) takes these over, by name and type.
PLC_STATE(phase, timer, button, request)

PLC_PROGRAM(traffic_light) {
    if (plc_r_trig(&button, PLC_IX(0, 0))) {
        request = true;
    }
    if (plc_ton(&timer, true, duration[phase]) && (phase != GREEN || request)) {
        phase = next_phase[phase];
        timer = (plc_ton_t){0};
        plc_ton(&timer, true, 0); // the next phase starts timing now
        if (phase == WALKING) {
            request = false;
            PLC_INFO("walk");
        }
    }
    PLC_SET_OUT(uint8_t, 0, lamps[phase]);
}
