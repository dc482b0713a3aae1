// A program on Debian's wasi-libc in reactor mode: the C library without its I/O. The host
// calls _initialize once, then init, then poll.
#include <stdlib.h>
#include <string.h>

#include "intrinsics.h"

static char word[16];

static int by_byte(const void *a, const void *b) {
    return *(const unsigned char *)a - *(const unsigned char *)b;
}

__attribute__((export_name("init"))) void init(void) {
    strcpy(word, "plc");
}

__attribute__((export_name("poll"))) void poll(void) {
    qsort(word, strlen(word), 1, by_byte);
    wasm_write_output(0, word, (int)strlen(word));
}
