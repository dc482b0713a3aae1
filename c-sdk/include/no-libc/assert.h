/*
 * assert.h under plc-cc: a wasm-plc program has no C library. This header only says so, with what to
 * use instead, in place of clang's "file not found". (c-sdk/include/no-libc; see plc-cc.)
 */
#error "plc-cc: there is no C library, so no <assert.h>: check with an if, log with PLC_ERROR of plc.h and stop the program with __builtin_trap() (a fault that names the function), or end the scan with an error code (PLC_PROGRAM_TRY)"
