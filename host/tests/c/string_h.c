// <string.h> under plc-cc: the four functions of the freestanding runtime, called at run time
// (through pointers, so that clang cannot fold them): output bytes 0 to 3 are a copy of the
// input bytes, shifted by one with memmove, byte 4 the length of a string.
#include <string.h>

#include "plc.h"

static void *(*volatile copy)(void *restrict, const void *restrict, size_t) = memcpy;
static void *(*volatile move)(void *, const void *, size_t) = memmove;
static void *(*volatile fill)(void *, int, size_t) = memset;
static size_t (*volatile length)(const char *) = strlen;

PLC_PROGRAM(string_h) {
    char in[4];
    char out[8];
    fill(out, 0, sizeof out);
    if (wasm_read_input(0, in, 4) != WASM_SUCCESS) {
        return;
    }
    copy(out + 1, in, 4);
    move(out, out + 1, 4);
    out[4] = (char)length("plc-cc");
    wasm_write_output(0, out, 5);
}
