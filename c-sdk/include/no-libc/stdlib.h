/*
 * stdlib.h under plc-cc: a wasm-plc program has no C library. This header only says so, with what to
 * use instead, in place of clang's "file not found". (c-sdk/include/no-libc; see plc-cc.)
 */
#error "plc-cc: there is no C library, so no <stdlib.h>: no malloc or free: keep data in static variables and fixed-size arrays, sized at compile time (a program runs the same scan forever: it needs no heap); for text, plc_msg_t of plc.h"
