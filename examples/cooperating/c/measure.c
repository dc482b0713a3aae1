// The measuring half of `cooperating`, twin of ../rust/measure: reads the temperature (%IW0,
// signed, 0.1 °C), publishes `temperature` (°C) and `overheat` (on above 80 °C, off below 70 °C).
#include "plc.h"

static bool overheat = false;
// A new version of the program (online change) takes these over, by name and type.
PLC_STATE(overheat)

PLC_PROGRAM_TRY(measure) {
    int16_t raw = 0;
    plc_input_i16(0, &raw);
    double celsius = (double)raw / 10.0;
    bool was = overheat;
    overheat = was ? celsius >= 70.0 : celsius > 80.0;
    if (overheat && !was) {
        PLC_WARN("overheat");
    }
    PLC_TRY(plc_var_set_double("temperature", celsius));
    return plc_var_set_bool("overheat", overheat);
}
