// {{project-name}}: a motor with start and stop buttons and a run-on timer.
//
// %IX0.0 start (rising edge), %IX0.1 stop; %QX0.0 motor, %QX0.1 fan, which runs with the
// motor and 2 s longer. Counts starts in the variable `starts`.
#include "plc.h"

// The program's copy of the process image: one byte of inputs, one of outputs. An access
// outside it does not compile.
PLC_PROCESS_IMAGE(1, 1);

static plc_r_trig_t start_edge;
static plc_rs_t running;
static plc_tof_t fan;
// A new version of the program (online change) takes these over, by name and type.
PLC_STATE(start_edge, running, fan)

// One scan. The image's accessors cannot fail; a variable write that fails ends the scan with
// its code (PLC_TRY), which the controller counts and plc.h logs once while it lasts.
PLC_PROGRAM_TRY(motor) {
    bool start = plc_r_trig(&start_edge, PLC_IX(0, 0));
    bool on = plc_rs(&running, start, PLC_IX(0, 1));
    bool fan_on = plc_tof(&fan, on, PLC_S(2));
    PLC_SET_QX(0, 0, on);
    PLC_SET_QX(0, 1, fan_on);
    if (start && on) {
        PLC_INFO("motor started");
        PLC_TRY(plc_var_set_int("starts", plc_var_int_or("starts", 0) + 1));
    }
    return WASM_SUCCESS;
}
