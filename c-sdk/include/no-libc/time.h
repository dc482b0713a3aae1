/*
 * time.h under plc-cc: a wasm-plc program has no C library. This header only says so, with what to
 * use instead, in place of clang's "file not found". (c-sdk/include/no-libc; see plc-cc.)
 */
#error "plc-cc: there is no C library, so no <time.h>: the controller's clock is plc_now() of plc.h, in nanoseconds (plc_time_t, PLC_MS, PLC_S)"
