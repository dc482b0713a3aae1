/*
 * stdio.h under plc-cc: a wasm-plc program has no C library. This header only says so, with what to
 * use instead, in place of clang's "file not found". (c-sdk/include/no-libc; see plc-cc.)
 */
#error "plc-cc: there is no C library, so no <stdio.h>: log with PLC_INFO, PLC_WARN and the other logging macros of plc.h, or build a message with plc_msg_t and PLC_LOG_MSG (docs/api.md, Logging)"
