// Calls every intrinsic once per scan: the C side of the ABI drift test, twin of
// host/tests/guests/abi-all (same variables, the same retained one, same outputs, same log,
// same errors, the same state).
#include "intrinsics.h"

PLC_RETAIN_INT("count");
static const char COUNT[] = "count";
static const char RATIO[] = "ratio";
static const char FLAG[] = "flag";
#define NAME(n) (n), (int)(sizeof(n) - 1)

// The state a new version takes over, as the Rust twin's `Twin { scans: u32, levels: [u16; 2] }`.
static uint32_t scans;
static uint16_t levels[2];

__attribute__((export_name("plc_state_save"))) void plc_state_save(void) {
    wasm_state_write("scans", 5, "u32", 3, (const char *)&scans, (int)sizeof(scans));
    wasm_state_write("levels", 6, "[u16; 2]", 8, (const char *)levels, (int)sizeof(levels));
}

__attribute__((export_name("plc_state_load"))) void plc_state_load(void) {
    wasm_state_read("scans", 5, "u32", 3, (char *)&scans, (int)sizeof(scans));
    wasm_state_read("levels", 6, "[u16; 2]", 8, (char *)levels, (int)sizeof(levels));
}

// The previous scan's error, so that an error is logged once while it persists.
static int last_error = WASM_SUCCESS;

// Ends the scan with `rc`, as #[plc_program] does with a Rust program's Result.
static void outcome(int rc) {
    if (rc != WASM_SUCCESS) {
        if (rc != last_error) {
            LOG(LOG_WARN, "scan ended in an error: IO address out of bounds");
        }
        wasm_report_error(rc);
    }
    last_error = rc;
}

__attribute__((export_name("poll"))) void poll(void) {
    uint64_t secs = 0;
    uint32_t nanos = 0;
    wasm_current_time(&secs, &nanos);

    char input[2] = {0, 0};
    wasm_read_input(0, input, 2);
    scans += 1;
    levels[0] = (unsigned char)input[0];
    levels[1] = (unsigned char)input[1];

    // Each variable by name and by handle: the same value either way.
    static uint32_t count_h, ratio_h, flag_h;
    wasm_variable_handle(NAME(COUNT), &count_h);
    wasm_variable_handle(NAME(RATIO), &ratio_h);
    wasm_variable_handle(NAME(FLAG), &flag_h);

    int32_t count = 0;
    wasm_variable_read_int(NAME(COUNT), &count);
    wasm_handle_read_int(count_h, &count);
    count += 1;
    wasm_variable_write_int(NAME(COUNT), count);
    wasm_handle_write_int(count_h, count);

    double ratio = 0.0;
    wasm_variable_read_double(NAME(RATIO), &ratio);
    wasm_handle_read_double(ratio_h, &ratio);
    wasm_variable_write_double(NAME(RATIO), ratio + 0.5);
    wasm_handle_write_double(ratio_h, ratio + 0.5);

    bool flag = false;
    wasm_variable_read_boolean(NAME(FLAG), &flag);
    wasm_handle_read_boolean(flag_h, &flag);
    wasm_variable_write_boolean(NAME(FLAG), !flag);
    wasm_handle_write_boolean(flag_h, !flag);

    int rc = wasm_write_output(0, input, 2);
    if (rc != WASM_SUCCESS) {
        outcome(rc);
        return;
    }

    char bits = 0;
    wasm_read_output(2, &bits, 1);
    bits = (char)((count % 2 == 1) ? (bits | 1) : (bits & ~1));
    wasm_write_output(2, &bits, 1);

    LOG(LOG_INFO, "scan");
    outcome(WASM_SUCCESS);
}
