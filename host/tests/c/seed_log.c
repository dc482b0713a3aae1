// The seed's logging example, unchanged but for __builtin_strlen (no C library is linked).
#include "intrinsics.h"

__attribute__((export_name("poll"))) void poll(void) {
    const char *message = "Polling";
    wasm_log(LOG_INFO, __FILE__, __builtin_strlen(__FILE__), __LINE__, message, __builtin_strlen(message));
}
