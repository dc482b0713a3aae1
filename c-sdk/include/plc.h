/*
 * plc.h: the C standard library of wasm-plc programs, on top of the generated intrinsics.h.
 *
 * Header-only, no C library needed. Every fallible call returns a wasm_result_t code
 * (WASM_SUCCESS = 0) and writes its result through a pointer; the *_or helpers return a
 * default instead. PLC_PROGRAM_TRY and PLC_TRY end a scan at its first error and report it. Function blocks are structs: zero-initialise them (`plc_ton_t t = {0};` or a
 * static) and call them once per scan, as in IEC 61131-3. Their semantics are those of the Rust
 * SDK (plc-sdk), checked by the same recipes.
 */
#ifndef WASM_PLC_PLC_H
#define WASM_PLC_PLC_H

#include <stdbool.h>
#include <stdint.h>

#include "intrinsics.h"

/* ---- Exports -------------------------------------------------------------------------------- */

/** Defines the program's scan function: PLC_PROGRAM(my_program) { ... } exports it as `poll`. */
#define PLC_PROGRAM(name)                                                                          \
    __attribute__((export_name("poll"))) void name(void)

/** Defines the optional `init`, called once on every new instance before its first scan. */
#define PLC_INIT(name)                                                                             \
    __attribute__((export_name("init"))) void name(void)

/* ---- Time ----------------------------------------------------------------------------------- */

/** A duration or a clock reading, in nanoseconds. */
typedef uint64_t plc_time_t;

#define PLC_NS(n) ((plc_time_t)(n))
#define PLC_MS(n) ((plc_time_t)(n) * 1000000u)
#define PLC_S(n) ((plc_time_t)(n) * 1000000000u)

/** The controller's monotonic clock, in nanoseconds since it started (0 if it cannot tell). */
static inline plc_time_t plc_now(void) {
    uint64_t secs = 0;
    uint32_t nanos = 0;
    if (wasm_current_time(&secs, &nanos) != WASM_SUCCESS) {
        return 0;
    }
    return secs * 1000000000u + nanos;
}

/** The time from `earlier` to `later`, zero if `later` is earlier. */
static inline plc_time_t plc_elapsed(plc_time_t earlier, plc_time_t later) {
    return later > earlier ? later - earlier : 0;
}

/* ---- The process image --------------------------------------------------------------------- */

/*
 * The program's own copy of the process image: IO at memory speed, and IO that cannot fail.
 * Declare it once, at file scope:
 *
 *     PLC_PROCESS_IMAGE(4, 1);   // %IB0..%IB3 and %QB0
 *
 * Before each scan the controller copies its inputs and its published outputs in; after a scan
 * that completes it publishes the output bits the scan changed (two programs setting different
 * bits of one byte both win; a scan that faults publishes nothing). The accessors below take
 * constant addresses, checked at compile time against the declared sizes: an address outside
 * the image does not compile. Addresses known only at run time use the plc_input_* and
 * plc_set_output_* functions further down, which see the same image.
 *
 *     bool start = PLC_IX(0, 0);             // %IX0.0
 *     uint16_t level = PLC_IN(uint16_t, 2);  // %IW2, little-endian
 *     PLC_SET_QX(0, 3, start && level < 800); // %QX0.3
 *
 * The descriptor `plc_image` (a wasm_process_image_t) is exported by plc-cc
 * (-Wl,--export-if-defined=plc_image).
 */
#define PLC_PROCESS_IMAGE(inputs_len, outputs_len)                                                 \
    enum { PLC_INPUTS_LEN = (inputs_len), PLC_OUTPUTS_LEN = (outputs_len) };                       \
    /* One byte more than declared: a C array cannot be empty. */                                  \
    unsigned char plc_inputs[(inputs_len) + 1];                                                    \
    unsigned char plc_outputs[(outputs_len) + 1];                                                  \
    __attribute__((used)) const wasm_process_image_t plc_image = {                                 \
        (uint32_t)(uintptr_t)plc_inputs, (inputs_len), (uint32_t)(uintptr_t)plc_outputs,          \
        (outputs_len)}

/* The image's bytes, defined by PLC_PROCESS_IMAGE. */
extern unsigned char plc_inputs[];
extern unsigned char plc_outputs[];

/* `width` bytes at `address` lie inside the image of `len` bytes, at compile time; the value
 * is `address`. */
#define PLC_IMAGE_CHECK(address, width, len, what)                                                 \
    __extension__({                                                                                \
        _Static_assert((address) >= 0 && (address) + (width) <= (len),                             \
                       what " lies outside the process image PLC_PROCESS_IMAGE declared");         \
        (uint32_t)(address);                                                                       \
    })
#define PLC_BIT_CHECK(bit)                                                                         \
    __extension__({                                                                                \
        _Static_assert((bit) >= 0 && (bit) < 8, "a bit number is 0..7");                           \
        (unsigned)(bit);                                                                           \
    })

/** Input bit %IXbyte.bit. */
#define PLC_IX(byte, bit)                                                                          \
    plc_image_bit(plc_inputs, PLC_IMAGE_CHECK(byte, 1, PLC_INPUTS_LEN, "the input"), PLC_BIT_CHECK(bit))
/** Output bit %QXbyte.bit as it will be published: the last published value or this scan's. */
#define PLC_QX(byte, bit)                                                                          \
    plc_image_bit(plc_outputs, PLC_IMAGE_CHECK(byte, 1, PLC_OUTPUTS_LEN, "the output"), PLC_BIT_CHECK(bit))
/** Sets output bit %QXbyte.bit to `value`, leaving the other bits of the byte as they are. */
#define PLC_SET_QX(byte, bit, value)                                                               \
    plc_image_set_bit(PLC_IMAGE_CHECK(byte, 1, PLC_OUTPUTS_LEN, "the output"), PLC_BIT_CHECK(bit), (value))
/** Inverts output bit %QXbyte.bit. */
#define PLC_TOGGLE_QX(byte, bit) PLC_SET_QX(byte, bit, !PLC_QX(byte, bit))
/** The input of `type` (uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float) at byte
 * `address`: PLC_IN(uint16_t, 2) is %IW2. */
#define PLC_IN(type, address)                                                                      \
    __extension__({                                                                                \
        type plc_value_;                                                                           \
        __builtin_memcpy(&plc_value_,                                                              \
                         plc_inputs + PLC_IMAGE_CHECK(address, sizeof(type), PLC_INPUTS_LEN, "the input"), \
                         sizeof(type));                                                            \
        plc_value_;                                                                                \
    })
/** The output of `type` at byte `address`, as it will be published. */
#define PLC_OUT(type, address)                                                                     \
    __extension__({                                                                                \
        type plc_value_;                                                                           \
        __builtin_memcpy(&plc_value_,                                                              \
                         plc_outputs + PLC_IMAGE_CHECK(address, sizeof(type), PLC_OUTPUTS_LEN, "the output"), \
                         sizeof(type));                                                            \
        plc_value_;                                                                                \
    })
/** Sets the output of `type` at byte `address` to `value`. */
#define PLC_SET_OUT(type, address, value)                                                          \
    do {                                                                                           \
        type plc_value_ = (value);                                                                 \
        __builtin_memcpy(plc_outputs + PLC_IMAGE_CHECK(address, sizeof(type), PLC_OUTPUTS_LEN, "the output"), \
                         &plc_value_, sizeof(type));                                               \
    } while (0)

static inline bool plc_image_bit(const unsigned char *image, uint32_t byte, unsigned bit) {
    return (image[byte] >> bit) & 1u;
}

static inline void plc_image_set_bit(uint32_t byte, unsigned bit, bool value) {
    unsigned char mask = (unsigned char)(1u << bit);
    plc_outputs[byte] = value ? (unsigned char)(plc_outputs[byte] | mask) : (unsigned char)(plc_outputs[byte] & ~mask);
}

/* ---- IO by an address known at run time ------------------------------------------------------ */

/** Reads bit `bit` (0..7) of input byte `byte` (%IXbyte.bit). */
static inline int plc_input_bit(uint32_t byte, unsigned bit, bool *value) {
    char b = 0;
    int rc = wasm_read_input(byte, &b, 1);
    if (rc == WASM_SUCCESS) {
        *value = ((unsigned char)b >> (bit & 7u)) & 1u;
    }
    return rc;
}

/** Reads bit `bit` (0..7) of output byte `byte` (%QXbyte.bit) as it will be published. */
static inline int plc_output_bit(uint32_t byte, unsigned bit, bool *value) {
    char b = 0;
    int rc = wasm_read_output(byte, &b, 1);
    if (rc == WASM_SUCCESS) {
        *value = ((unsigned char)b >> (bit & 7u)) & 1u;
    }
    return rc;
}

/** Sets bit `bit` (0..7) of output byte `byte`, leaving the other bits of the byte as they are. */
static inline int plc_set_output_bit(uint32_t byte, unsigned bit, bool value) {
    char b = 0;
    int rc = wasm_read_output(byte, &b, 1);
    if (rc != WASM_SUCCESS) {
        return rc;
    }
    unsigned char mask = (unsigned char)(1u << (bit & 7u));
    unsigned char now = value ? ((unsigned char)b | mask) : ((unsigned char)b & (unsigned char)~mask);
    if (now == (unsigned char)b) {
        return WASM_SUCCESS;
    }
    b = (char)now;
    return wasm_write_output(byte, &b, 1);
}

/*
 * Typed little-endian IO: plc_input_u16(2, &level), plc_set_output_i16(4, -7), plc_output_f32(...)
 * for u8, i8, u16, i16, u32, i32 and f32. wasm32 is little-endian, so the bytes are the value's.
 */
#define PLC_TYPED_IO(suffix, type)                                                                 \
    static inline int plc_input_##suffix(uint32_t address, type *value) {                          \
        return wasm_read_input(address, (char *)value, (int)sizeof(type));                         \
    }                                                                                              \
    static inline int plc_output_##suffix(uint32_t address, type *value) {                         \
        return wasm_read_output(address, (char *)value, (int)sizeof(type));                        \
    }                                                                                              \
    static inline int plc_set_output_##suffix(uint32_t address, type value) {                      \
        return wasm_write_output(address, (const char *)&value, (int)sizeof(type));                \
    }

PLC_TYPED_IO(u8, uint8_t)
PLC_TYPED_IO(i8, int8_t)
PLC_TYPED_IO(u16, uint16_t)
PLC_TYPED_IO(i16, int16_t)
PLC_TYPED_IO(u32, uint32_t)
PLC_TYPED_IO(i32, int32_t)
PLC_TYPED_IO(f32, float)

/* ---- Variables ------------------------------------------------------------------------------ */

/* Typed global variables by NUL-terminated name: plc_var_get_double("setpoint", &sp), ...,
 * and plc_var_double_or("setpoint", 100.0) for a value with a default. */
#define PLC_VARIABLE(suffix, type, kind)                                                           \
    static inline int plc_var_get_##suffix(const char *name, type *value) {                       \
        return wasm_variable_read_##kind(name, wasm_plc_strlen(name), value);                      \
    }                                                                                              \
    static inline int plc_var_set_##suffix(const char *name, type value) {                        \
        return wasm_variable_write_##kind(name, wasm_plc_strlen(name), value);                     \
    }                                                                                              \
    static inline type plc_var_##suffix##_or(const char *name, type fallback) {                    \
        type value = fallback;                                                                     \
        return plc_var_get_##suffix(name, &value) == WASM_SUCCESS ? value : fallback;              \
    }

PLC_VARIABLE(bool, bool, boolean)
PLC_VARIABLE(int, int32_t, int)
PLC_VARIABLE(double, double, double)

/*
 * Variables by handle: the name is resolved once (wasm_variable_handle), then every access
 * goes without it, as cheap as an IO call. Declare one per variable, at file scope:
 *
 *     static plc_var_t setpoint = PLC_VAR("setpoint");
 *     double sp = plc_double_or(&setpoint, 100.0);
 *     PLC_TRY(plc_set_double(&setpoint, sp + 1.0));
 *
 * If the controller refuses a handle, the access falls back to the name.
 */
typedef struct {
    const char *name;
    /* 0: not resolved yet; 1: use the name; else the handle + 2. */
    uint32_t slot;
} plc_var_t;

#define PLC_VAR(name) {(name), 0}

/* The handle of `v`, resolved on first use; false to use the name. */
static inline bool plc_var_handle(plc_var_t *v, uint32_t *handle) {
    if (v->slot == 0) {
        uint32_t h = 0;
        v->slot = wasm_variable_handle(v->name, wasm_plc_strlen(v->name), &h) == WASM_SUCCESS ? h + 2 : 1;
    }
    *handle = v->slot - 2;
    return v->slot >= 2;
}

#define PLC_HANDLE_VARIABLE(suffix, type, kind)                                                    \
    static inline int plc_get_##suffix(plc_var_t *v, type *value) {                                \
        uint32_t h;                                                                                \
        return plc_var_handle(v, &h) ? wasm_handle_read_##kind(h, value) : plc_var_get_##suffix(v->name, value); \
    }                                                                                              \
    static inline int plc_set_##suffix(plc_var_t *v, type value) {                                 \
        uint32_t h;                                                                                \
        return plc_var_handle(v, &h) ? wasm_handle_write_##kind(h, value) : plc_var_set_##suffix(v->name, value); \
    }                                                                                              \
    static inline type plc_##suffix##_or(plc_var_t *v, type fallback) {                            \
        type value = fallback;                                                                     \
        return plc_get_##suffix(v, &value) == WASM_SUCCESS ? value : fallback;                     \
    }

PLC_HANDLE_VARIABLE(bool, bool, boolean)
PLC_HANDLE_VARIABLE(int, int32_t, int)
PLC_HANDLE_VARIABLE(double, double, double)

/* ---- Logging -------------------------------------------------------------------------------- */

/* Plain strings: PLC_ERROR("jam"), PLC_WARN(...), PLC_INFO(...), PLC_DEBUG(...), PLC_TRACE(...). */
#define PLC_ERROR(message) LOG(LOG_ERROR, message)
#define PLC_WARN(message) LOG(LOG_WARN, message)
#define PLC_INFO(message) LOG(LOG_INFO, message)
#define PLC_DEBUG(message) LOG(LOG_DEBUG, message)
#define PLC_TRACE(message) LOG(LOG_TRACE, message)

#ifndef PLC_MESSAGE_CAPACITY
/** The longest formatted message, in bytes; longer ones end with "...[truncated]". */
#define PLC_MESSAGE_CAPACITY 256
#endif

/**
 * A message built piece by piece, with no C library:
 *
 *     plc_msg_t m = plc_msg();
 *     plc_msg_str(&m, "level ");
 *     plc_msg_float(&m, level, 2);
 *     PLC_LOG_MSG(LOG_INFO, &m);
 */
typedef struct {
    char text[PLC_MESSAGE_CAPACITY];
    int len;
    bool truncated;
} plc_msg_t;

static inline plc_msg_t plc_msg(void) {
    plc_msg_t m;
    m.len = 0;
    m.truncated = false;
    return m;
}

static inline void plc_msg_char(plc_msg_t *m, char c) {
    if (m->len < PLC_MESSAGE_CAPACITY) {
        m->text[m->len++] = c;
    } else {
        m->truncated = true;
    }
}

static inline void plc_msg_str(plc_msg_t *m, const char *s) {
    while (*s != '\0') {
        plc_msg_char(m, *s++);
    }
}

/** Appends a decimal integer. */
static inline void plc_msg_int(plc_msg_t *m, int64_t v) {
    char digits[20];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[n++] = (char)('0' + (int)(u % 10u));
        u /= 10u;
    } while (u != 0);
    if (v < 0) {
        plc_msg_char(m, '-');
    }
    while (n > 0) {
        plc_msg_char(m, digits[--n]);
    }
}

/** Appends a number with `decimals` (0..9) digits after the point, rounded; "nan"/"inf" as such. */
static inline void plc_msg_float(plc_msg_t *m, double v, int decimals) {
    if (v != v) {
        plc_msg_str(m, "nan");
        return;
    }
    if (v < 0) {
        plc_msg_char(m, '-');
        v = -v;
    }
    if (v > 9.2e18) {
        plc_msg_str(m, "inf");
        return;
    }
    if (decimals < 0) decimals = 0;
    if (decimals > 9) decimals = 9;
    uint64_t scale = 1;
    for (int i = 0; i < decimals; i++) scale *= 10u;
    double scaled = v * (double)scale + 0.5;
    if (scaled > 9.2e18) {
        plc_msg_str(m, "inf");
        return;
    }
    uint64_t fixed = (uint64_t)scaled;
    plc_msg_int(m, (int64_t)(fixed / scale));
    if (decimals > 0) {
        plc_msg_char(m, '.');
        uint64_t frac = fixed % scale;
        for (uint64_t div = scale / 10u; div > 0; div /= 10u) {
            plc_msg_char(m, (char)('0' + (int)((frac / div) % 10u)));
        }
    }
}

/** Sends a built message, cut at a character boundary with a marker if it did not fit. */
static inline int plc_msg_send(int level, const char *file, int line, plc_msg_t *m) {
    static const char marker[] = "...[truncated]";
    if (m->truncated) {
        int keep = PLC_MESSAGE_CAPACITY - (int)(sizeof(marker) - 1);
        while (keep > 0 && ((unsigned char)m->text[keep] & 0xC0u) == 0x80u) {
            keep--; /* do not split a UTF-8 character */
        }
        for (int i = 0; i < (int)(sizeof(marker) - 1); i++) {
            m->text[keep + i] = marker[i];
        }
        m->len = keep + (int)(sizeof(marker) - 1);
    }
    return wasm_log(level, file, wasm_plc_strlen(file), line, m->text, m->len);
}

#define PLC_LOG_MSG(level, m) plc_msg_send((level), __FILE__, __LINE__, (m))

/* ---- Errors: PLC_PROGRAM_TRY and PLC_TRY ----------------------------------------------------- */

/** What a wasm_result_t code means, in the words of the Rust SDK's Error::message. */
static inline const char *plc_result_message(int rc) {
    switch (rc) {
    case WASM_SUCCESS:
        return "success";
    case WASM_GENERIC_ERROR:
        return "the controller reported an error";
    case WASM_ADDRESS_OUT_OF_BOUNDS:
        return "IO address out of bounds";
    case WASM_UNKNOWN_VARIABLE:
        return "unknown variable";
    case WASM_BAD_VARIABLE_TYPE:
        return "variable has another type";
    case WASM_VARIABLE_TABLE_FULL:
        return "the variable table is full";
    default:
        return "unknown result code";
    }
}

/**
 * Ends a scan whose outcome is `rc`, as the Rust SDK does for a program returning Result: a
 * non-zero `rc` is reported (wasm_report_error: counted by the controller, not a fault), and
 * logged at LOG_WARN from `file` and `line` when it differs from the previous scan's outcome,
 * kept in `*last`: "scan ended in an error: IO address out of bounds".
 */
static inline void plc_end_scan(int rc, int *last, const char *file, int line) {
    if (rc != WASM_SUCCESS) {
        if (rc != *last) {
            plc_msg_t m = plc_msg();
            plc_msg_str(&m, "scan ended in an error: ");
            plc_msg_str(&m, plc_result_message(rc));
            if (rc < WASM_SUCCESS || rc > WASM_VARIABLE_TABLE_FULL) {
                plc_msg_char(&m, ' ');
                plc_msg_int(&m, rc);
            }
            plc_msg_send(LOG_WARN, file, line, &m);
        }
        wasm_report_error(rc);
    }
    *last = rc;
}

/**
 * Defines the program's scan as a function returning a wasm_result_t code (WASM_SUCCESS, or
 * the error that ended the scan), exported as `poll` through plc_end_scan:
 *
 *     PLC_PROGRAM_TRY(copy) {
 *         uint8_t address = 0, value = 0;
 *         PLC_TRY(plc_input_u8(0, &address));
 *         PLC_TRY(plc_input_u8(address, &value));
 *         return plc_set_output_u8(0, value);
 *     }
 */
#define PLC_PROGRAM_TRY(name)                                                                      \
    static int name(void);                                                                         \
    __attribute__((export_name("poll"))) void plc_poll_##name(void) {                             \
        static int last = WASM_SUCCESS;                                                            \
        plc_end_scan(name(), &last, __FILE__, __LINE__);                                           \
    }                                                                                              \
    static int name(void)

/** Returns the code of `call` from the enclosing function unless it is WASM_SUCCESS (Rust's `?`). */
#define PLC_TRY(call)                                                                              \
    do {                                                                                           \
        int plc_try_rc_ = (call);                                                                  \
        if (plc_try_rc_ != WASM_SUCCESS) {                                                         \
            return plc_try_rc_;                                                                    \
        }                                                                                          \
    } while (0)

/* ---- IEC 61131-3 function blocks ------------------------------------------------------------ */

/** On-delay timer (TON): Q turns on once IN has been on for PT, and off with IN. */
typedef struct {
    bool running;
    plc_time_t start;
    bool q;
    plc_time_t et;
} plc_ton_t;

static inline bool plc_ton(plc_ton_t *t, bool in, plc_time_t pt) {
    if (!in) {
        t->running = false;
        t->q = false;
        t->et = 0;
        return false;
    }
    plc_time_t now = plc_now();
    if (!t->running) {
        t->running = true;
        t->start = now;
    }
    plc_time_t et = plc_elapsed(t->start, now);
    t->et = et < pt ? et : pt;
    t->q = t->et >= pt;
    return t->q;
}

/** Off-delay timer (TOF): Q turns on with IN and off once IN has been off for PT. */
typedef struct {
    bool running;
    plc_time_t start;
    bool q;
    plc_time_t et;
} plc_tof_t;

static inline bool plc_tof(plc_tof_t *t, bool in, plc_time_t pt) {
    if (in) {
        t->running = false;
        t->q = true;
        t->et = 0;
        return true;
    }
    if (t->q) {
        plc_time_t now = plc_now();
        if (!t->running) {
            t->running = true;
            t->start = now;
        }
        plc_time_t et = plc_elapsed(t->start, now);
        t->et = et < pt ? et : pt;
        t->q = t->et < pt;
    }
    return t->q;
}

/** Pulse timer (TP): a rising IN starts a pulse of exactly PT on Q; edges during it are ignored. */
typedef struct {
    bool running;
    plc_time_t start;
    bool last_in;
    bool q;
    plc_time_t et;
} plc_tp_t;

static inline bool plc_tp(plc_tp_t *t, bool in, plc_time_t pt) {
    plc_time_t now = plc_now();
    bool rising = in && !t->last_in;
    t->last_in = in;
    if (!t->running) {
        if (rising) {
            t->running = true;
            t->start = now;
            t->et = 0;
            t->q = pt > 0;
        }
        return t->q;
    }
    plc_time_t et = plc_elapsed(t->start, now);
    t->et = et < pt ? et : pt;
    t->q = t->et < pt;
    if (!t->q && !in) {
        t->running = false;
        t->et = 0;
    }
    return t->q;
}

/** Rising-edge trigger (R_TRIG): Q is on for the one call where CLK goes on. */
typedef struct {
    bool m;
    bool q;
} plc_r_trig_t;

static inline bool plc_r_trig(plc_r_trig_t *t, bool clk) {
    t->q = clk && !t->m;
    t->m = clk;
    return t->q;
}

/** Falling-edge trigger (F_TRIG): Q is on for the one call where CLK goes off. */
typedef struct {
    bool m;
    bool q;
} plc_f_trig_t;

static inline bool plc_f_trig(plc_f_trig_t *t, bool clk) {
    t->q = !clk && t->m;
    t->m = clk;
    return t->q;
}

/** Up counter (CTU): counts rising edges of CU; Q once CV >= PV; R resets. */
typedef struct {
    plc_r_trig_t cu;
    int32_t cv;
    bool q;
} plc_ctu_t;

static inline bool plc_ctu(plc_ctu_t *c, bool cu, bool reset, int32_t pv) {
    bool edge = plc_r_trig(&c->cu, cu);
    if (reset) {
        c->cv = 0;
    } else if (edge && c->cv < INT32_MAX) {
        c->cv++;
    }
    c->q = c->cv >= pv;
    return c->q;
}

/** Down counter (CTD): LD loads PV; rising edges of CD count down; Q once CV <= 0. */
typedef struct {
    plc_r_trig_t cd;
    int32_t cv;
    bool q;
} plc_ctd_t;

static inline bool plc_ctd(plc_ctd_t *c, bool cd, bool load, int32_t pv) {
    bool edge = plc_r_trig(&c->cd, cd);
    if (load) {
        c->cv = pv;
    } else if (edge && c->cv > INT32_MIN) {
        c->cv--;
    }
    c->q = c->cv <= 0;
    return c->q;
}

/** Up-down counter (CTUD): CU edges count up, CD edges down (both at once cancel); R wins over LD. */
typedef struct {
    plc_r_trig_t cu;
    plc_r_trig_t cd;
    int32_t cv;
    bool qu;
    bool qd;
} plc_ctud_t;

static inline bool plc_ctud(plc_ctud_t *c, bool cu, bool cd, bool reset, bool load, int32_t pv) {
    bool up = plc_r_trig(&c->cu, cu);
    bool down = plc_r_trig(&c->cd, cd);
    if (reset) {
        c->cv = 0;
    } else if (load) {
        c->cv = pv;
    } else if (up && !down && c->cv < INT32_MAX) {
        c->cv++;
    } else if (down && !up && c->cv > INT32_MIN) {
        c->cv--;
    }
    c->qu = c->cv >= pv;
    c->qd = c->cv <= 0;
    return c->qu;
}

/** Set-dominant bistable (SR): Q1 = SET1 OR (NOT RESET AND Q1). */
typedef struct {
    bool q1;
} plc_sr_t;

static inline bool plc_sr(plc_sr_t *b, bool set1, bool reset) {
    b->q1 = set1 || (!reset && b->q1);
    return b->q1;
}

/** Reset-dominant bistable (RS): Q1 = NOT RESET1 AND (SET OR Q1). */
typedef struct {
    bool q1;
} plc_rs_t;

static inline bool plc_rs(plc_rs_t *b, bool set, bool reset1) {
    b->q1 = !reset1 && (set || b->q1);
    return b->q1;
}

/* ---- Program state carried to a new version: PLC_STATE(...) --------------------------------- */

#include "plc_state.h"

#endif /* WASM_PLC_PLC_H */
