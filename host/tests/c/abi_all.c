// Calls every intrinsic once per scan: the C side of the ABI drift test, twin of
// host/tests/guests/abi-all (same variables, the same retained one, same outputs, same log).
#include "intrinsics.h"

PLC_RETAIN_INT("count");
static const char COUNT[] = "count";
static const char RATIO[] = "ratio";
static const char FLAG[] = "flag";
#define NAME(n) (n), (int)(sizeof(n) - 1)

__attribute__((export_name("poll"))) void poll(void) {
    uint64_t secs = 0;
    uint32_t nanos = 0;
    wasm_current_time(&secs, &nanos);

    char input[2] = {0, 0};
    wasm_read_input(0, input, 2);

    int32_t count = 0;
    wasm_variable_read_int(NAME(COUNT), &count);
    count += 1;
    wasm_variable_write_int(NAME(COUNT), count);

    double ratio = 0.0;
    wasm_variable_read_double(NAME(RATIO), &ratio);
    wasm_variable_write_double(NAME(RATIO), ratio + 0.5);

    bool flag = false;
    wasm_variable_read_boolean(NAME(FLAG), &flag);
    wasm_variable_write_boolean(NAME(FLAG), !flag);

    wasm_write_output(0, input, 2);

    char bits = 0;
    wasm_read_output(2, &bits, 1);
    bits = (char)((count % 2 == 1) ? (bits | 1) : (bits & ~1));
    wasm_write_output(2, &bits, 1);

    LOG(LOG_INFO, "scan");
}
