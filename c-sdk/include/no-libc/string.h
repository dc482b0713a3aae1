/*
 * string.h under plc-cc: a wasm-plc program has no C library. The freestanding runtime that
 * plc-cc links (c-sdk/lib/runtime.c) has these four, and clang may call them itself; nothing
 * else of <string.h> is there. (c-sdk/include/no-libc; see plc-cc.)
 */
#ifndef WASM_PLC_NO_LIBC_STRING_H
#define WASM_PLC_NO_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);

#endif /* WASM_PLC_NO_LIBC_STRING_H */
