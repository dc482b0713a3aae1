/*
 * The freestanding runtime of a wasm-plc C program, linked by plc-cc: what clang may call
 * without a C library, and the ABI version export. Unused functions are dropped at link time.
 */
#include <stddef.h>

#include "intrinsics.h"

/* The ABI version this program was built for; the controller refuses one it does not speak. */
__attribute__((export_name("plc_abi_version"))) int plc_abi_version(void) {
    return WASM_PLC_ABI_VERSION;
}

/* no_builtin keeps clang from turning these loops back into calls to themselves. */

__attribute__((no_builtin("memcpy"))) void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

__attribute__((no_builtin("memmove"))) void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--) {
            *d++ = *s++;
        }
    } else {
        while (n--) {
            d[n] = s[n];
        }
    }
    return dst;
}

__attribute__((no_builtin("memset"))) void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

__attribute__((no_builtin("strlen"))) size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}
