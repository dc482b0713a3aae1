// wasi-libc's stdio: snprintf pulls in WASI file imports, which this host refuses by name.
#include <stdio.h>

#include "intrinsics.h"

__attribute__((export_name("poll"))) void poll(void) {
    char message[32];
    int n = snprintf(message, sizeof message, "%.2f", 42.5);
    wasm_log(LOG_INFO, "wasi_stdio.c", 12, __LINE__, message, n);
}
