// The acting half of `cooperating`, twin of ../rust/act: fan %QX0.0 while `overheat`, heater
// %QX0.1 below 20 °C, fan starts counted in `fan.starts`. It knows only the variables.
#include "plc.h"

PLC_PROCESS_IMAGE(0, 1);

static plc_r_trig_t fan_start;
// A new version of the program (online change) takes these over, by name and type.
PLC_STATE(fan_start)

PLC_PROGRAM_TRY(act) {
    bool overheat = plc_var_bool_or("overheat", false);
    double temperature = 0.0;
    bool cold = plc_var_get_double("temperature", &temperature) == WASM_SUCCESS && temperature < 20.0;
    if (plc_r_trig(&fan_start, overheat)) {
        PLC_TRY(plc_var_set_int("fan.starts", plc_var_int_or("fan.starts", 0) + 1));
    }
    PLC_SET_QX(0, 0, overheat);
    PLC_SET_QX(0, 1, cold);
    return WASM_SUCCESS;
}
