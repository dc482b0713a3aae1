/*
 * math.h under plc-cc: a wasm-plc program has no C library. This header only says so, with what to
 * use instead, in place of clang's "file not found". (c-sdk/include/no-libc; see plc-cc.)
 */
#error "plc-cc: there is no C library, so no <math.h>: use the clang builtins that are wasm instructions (__builtin_sqrt, __builtin_fabs, __builtin_floor, __builtin_ceil, __builtin_trunc, __builtin_fmin, __builtin_fmax and their f variants); sin, exp and the like need code of your own"
