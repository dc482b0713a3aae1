// The measuring half of `cooperating`, twin of ../rust/measure: reads the temperature (%IW0,
// signed, 0.1 °C), publishes `temperature` (°C) and `overheat` (on above 80 °C, off below 70 °C).
#include "plc.h"

PLC_PROCESS_IMAGE(2, 0);

static bool overheat = false;
// A new version of the program (online change) takes these over, by name and type.
PLC_STATE(overheat)

PLC_PROGRAM_TRY(measure) {
    double celsius = (double)PLC_IN(int16_t, 0) / 10.0;
    bool was = overheat;
    overheat = was ? celsius >= 70.0 : celsius > 80.0;
    if (overheat && !was) {
        PLC_WARN("overheat");
    }
    PLC_TRY(plc_var_set_double("temperature", celsius));
    return plc_var_set_bool("overheat", overheat);
}
