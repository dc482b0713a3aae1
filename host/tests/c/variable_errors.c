// Reads or writes the variable `speed` the way input byte 0 says, and puts the result code on
// output byte 0: 0 read as a double, 1 read as a bool, 2 read as an int, 3 write a bool,
// 4 read `nope`, which does not exist.
#include "plc.h"

PLC_PROGRAM(variable_errors) {
    uint8_t mode = 0;
    plc_input_u8(0, &mode);
    double d = 0;
    bool b = false;
    int32_t i = 0;
    int rc = WASM_GENERIC_ERROR;
    switch (mode) {
    case 0: rc = plc_var_get_double("speed", &d); break;
    case 1: rc = plc_var_get_bool("speed", &b); break;
    case 2: rc = plc_var_get_int("speed", &i); break;
    case 3: rc = plc_var_set_bool("speed", true); break;
    case 4: rc = plc_var_get_int("nope", &i); break;
    default: break;
    }
    plc_set_output_u8(0, (uint8_t)rc);
}
