// A C program that stops itself when input byte 0 says the tank overflows: it logs why and
// traps in a function of its own, so that the fault names `overflow` (plc-cc keeps the
// module's name section) and the log line says where.
#include "plc.h"

__attribute__((noinline)) static void overflow(uint8_t level) {
    plc_msg_t m = plc_msg();
    plc_msg_str(&m, "tank overflows at level ");
    plc_msg_int(&m, level);
    PLC_LOG_MSG(LOG_ERROR, &m); // FAULT LINE
    __builtin_trap();
}

PLC_PROGRAM(tank) {
    uint8_t level = 0;
    if (plc_input_u8(0, &level) == WASM_SUCCESS && level > 200) {
        overflow(level);
    }
    plc_set_output_u8(0, level);
}
