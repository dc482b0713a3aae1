/*
 * plc_state.h: a C program's state carried to a new version (online change). Included by
 * plc.h; see PLC_STATE below and docs/abi.md, "Program state".
 */
#ifndef WASM_PLC_PLC_STATE_H
#define WASM_PLC_PLC_STATE_H

/*
 * PLC_STATE(counter, pump, alarm) lists, at file scope and once per program, the statics a new
 * version of the program takes over when the controller swaps it in (online change): it
 * defines the exports plc_state_save and plc_state_load, which write and read one record per
 * listed static with wasm_state_write and wasm_state_read. A record is the static's name as
 * written ("pump", or "tank.level" for PLC_STATE(tank.level)), a type string and its bytes; a
 * static of the new version is matched by name and type, like a field of a Rust program's
 * #[derive(State)] struct: a new one, or one whose type changed, keeps its initial value; a
 * record no static reads is dropped. The controller logs each at the swap.
 *
 * A static may be bool, uint8_t..uint64_t, int8_t..int64_t, float, double, one of the blocks
 * above (plc_ton_t ... plc_rs_t), or a one-dimensional array of those ("[u16; 4]"); any other
 * type is a compile error. Up to 32 names. A program without PLC_STATE starts every new
 * version cold.
 */

/** How one kind of static crosses: its type string and, for blocks and bool, its encoding. */
typedef struct {
    const char *type;
    int size;    /* sizeof the C type */
    int encoded; /* bytes in a record; 0: the value's own (little-endian) bytes */
    void (*encode)(const void *value, uint8_t *out);
    void (*decode)(void *value, const uint8_t *in);
} plc_state_kind_t;

static inline void plc_state_put_u64(uint8_t *out, uint64_t v) {
    for (int i = 0; i < 8; i++) {
        out[i] = (uint8_t)(v >> (8 * i));
    }
}

static inline uint64_t plc_state_get_u64(const uint8_t *in) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)in[i] << (8 * i);
    }
    return v;
}

static inline void plc_state_put_i32(uint8_t *out, int32_t v) {
    for (int i = 0; i < 4; i++) {
        out[i] = (uint8_t)((uint32_t)v >> (8 * i));
    }
}

static inline int32_t plc_state_get_i32(const uint8_t *in) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        v |= (uint32_t)in[i] << (8 * i);
    }
    return (int32_t)v;
}

#define PLC_STATE_RAW_KIND(name, type_string, c_type)                                              \
    static inline const plc_state_kind_t *plc_state_kind_##name(void) {                           \
        static const plc_state_kind_t kind = {type_string, (int)sizeof(c_type), 0, 0, 0};          \
        return &kind;                                                                              \
    }

PLC_STATE_RAW_KIND(u8, "u8", uint8_t)
PLC_STATE_RAW_KIND(u16, "u16", uint16_t)
PLC_STATE_RAW_KIND(u32, "u32", uint32_t)
PLC_STATE_RAW_KIND(u64, "u64", uint64_t)
PLC_STATE_RAW_KIND(i8, "i8", int8_t)
PLC_STATE_RAW_KIND(i16, "i16", int16_t)
PLC_STATE_RAW_KIND(i32, "i32", int32_t)
PLC_STATE_RAW_KIND(i64, "i64", int64_t)
PLC_STATE_RAW_KIND(f32, "f32", float)
PLC_STATE_RAW_KIND(f64, "f64", double)

#define PLC_STATE_KIND_OF(name, type_string, c_type, bytes)                                        \
    static inline const plc_state_kind_t *plc_state_kind_##name(void) {                           \
        static const plc_state_kind_t kind = {type_string, (int)sizeof(c_type), bytes,             \
                                              plc_state_encode_##name, plc_state_decode_##name};   \
        return &kind;                                                                              \
    }

/* bool: one byte; any byte but 0 reads back as true. */
static inline void plc_state_encode_bool(const void *v, uint8_t *out) { out[0] = *(const bool *)v; }
static inline void plc_state_decode_bool(void *v, const uint8_t *in) { *(bool *)v = in[0] != 0; }
PLC_STATE_KIND_OF(bool, "bool", bool, 1)

/* Ton/1 and Tof/1: running (1), start (8, ns), Q (1), ET (8, ns), as the Rust SDK's Ton, Tof. */
#define PLC_STATE_TIMER(name, c_type, type_string)                                                 \
    static inline void plc_state_encode_##name(const void *v, uint8_t *out) {                     \
        const c_type *t = v;                                                                       \
        out[0] = t->running;                                                                       \
        plc_state_put_u64(out + 1, t->running ? t->start : 0);                                     \
        out[9] = t->q;                                                                             \
        plc_state_put_u64(out + 10, t->et);                                                        \
    }                                                                                              \
    static inline void plc_state_decode_##name(void *v, const uint8_t *in) {                      \
        c_type *t = v;                                                                             \
        t->running = in[0] != 0;                                                                   \
        t->start = plc_state_get_u64(in + 1);                                                      \
        t->q = in[9] != 0;                                                                         \
        t->et = plc_state_get_u64(in + 10);                                                        \
    }                                                                                              \
    PLC_STATE_KIND_OF(name, type_string, c_type, 18)

PLC_STATE_TIMER(ton, plc_ton_t, "Ton/1")
PLC_STATE_TIMER(tof, plc_tof_t, "Tof/1")

/* Tp/1: running (1), start (8, ns), last IN (1), Q (1), ET (8, ns). */
static inline void plc_state_encode_tp(const void *v, uint8_t *out) {
    const plc_tp_t *t = v;
    out[0] = t->running;
    plc_state_put_u64(out + 1, t->running ? t->start : 0);
    out[9] = t->last_in;
    out[10] = t->q;
    plc_state_put_u64(out + 11, t->et);
}
static inline void plc_state_decode_tp(void *v, const uint8_t *in) {
    plc_tp_t *t = v;
    t->running = in[0] != 0;
    t->start = plc_state_get_u64(in + 1);
    t->last_in = in[9] != 0;
    t->q = in[10] != 0;
    t->et = plc_state_get_u64(in + 11);
}
PLC_STATE_KIND_OF(tp, "Tp/1", plc_tp_t, 19)

/* RTrig/1 and FTrig/1: M (1), Q (1). */
#define PLC_STATE_EDGE(name, c_type, type_string)                                                  \
    static inline void plc_state_encode_##name(const void *v, uint8_t *out) {                     \
        const c_type *t = v;                                                                       \
        out[0] = t->m;                                                                             \
        out[1] = t->q;                                                                             \
    }                                                                                              \
    static inline void plc_state_decode_##name(void *v, const uint8_t *in) {                      \
        c_type *t = v;                                                                             \
        t->m = in[0] != 0;                                                                         \
        t->q = in[1] != 0;                                                                         \
    }                                                                                              \
    PLC_STATE_KIND_OF(name, type_string, c_type, 2)

PLC_STATE_EDGE(r_trig, plc_r_trig_t, "RTrig/1")
PLC_STATE_EDGE(f_trig, plc_f_trig_t, "FTrig/1")

/* Ctu/1 and Ctd/1: the count input's edge as RTrig/1 (2), CV (4), Q (1). */
#define PLC_STATE_COUNTER(name, c_type, edge, type_string)                                         \
    static inline void plc_state_encode_##name(const void *v, uint8_t *out) {                     \
        const c_type *c = v;                                                                       \
        plc_state_encode_r_trig(&c->edge, out);                                                    \
        plc_state_put_i32(out + 2, c->cv);                                                         \
        out[6] = c->q;                                                                             \
    }                                                                                              \
    static inline void plc_state_decode_##name(void *v, const uint8_t *in) {                      \
        c_type *c = v;                                                                             \
        plc_state_decode_r_trig(&c->edge, in);                                                     \
        c->cv = plc_state_get_i32(in + 2);                                                         \
        c->q = in[6] != 0;                                                                         \
    }                                                                                              \
    PLC_STATE_KIND_OF(name, type_string, c_type, 7)

PLC_STATE_COUNTER(ctu, plc_ctu_t, cu, "Ctu/1")
PLC_STATE_COUNTER(ctd, plc_ctd_t, cd, "Ctd/1")

/* Ctud/1: the CU and CD edges as RTrig/1 (2 + 2), CV (4), QU (1), QD (1). */
static inline void plc_state_encode_ctud(const void *v, uint8_t *out) {
    const plc_ctud_t *c = v;
    plc_state_encode_r_trig(&c->cu, out);
    plc_state_encode_r_trig(&c->cd, out + 2);
    plc_state_put_i32(out + 4, c->cv);
    out[8] = c->qu;
    out[9] = c->qd;
}
static inline void plc_state_decode_ctud(void *v, const uint8_t *in) {
    plc_ctud_t *c = v;
    plc_state_decode_r_trig(&c->cu, in);
    plc_state_decode_r_trig(&c->cd, in + 2);
    c->cv = plc_state_get_i32(in + 4);
    c->qu = in[8] != 0;
    c->qd = in[9] != 0;
}
PLC_STATE_KIND_OF(ctud, "Ctud/1", plc_ctud_t, 10)

/* Sr/1 and Rs/1: Q1 (1). */
#define PLC_STATE_BISTABLE(name, c_type, type_string)                                              \
    static inline void plc_state_encode_##name(const void *v, uint8_t *out) {                     \
        out[0] = ((const c_type *)v)->q1;                                                          \
    }                                                                                              \
    static inline void plc_state_decode_##name(void *v, const uint8_t *in) {                      \
        ((c_type *)v)->q1 = in[0] != 0;                                                            \
    }                                                                                              \
    PLC_STATE_KIND_OF(name, type_string, c_type, 1)

PLC_STATE_BISTABLE(sr, plc_sr_t, "Sr/1")
PLC_STATE_BISTABLE(rs, plc_rs_t, "Rs/1")

/** Writes the type string of `count` values of `kind` ("u16", or "[u16; 4]") into `out`. */
static inline int plc_state_type(char *out, const plc_state_kind_t *kind, int count, bool array) {
    int n = 0;
    if (array) out[n++] = '[';
    for (const char *t = kind->type; *t != '\0' && n < WASM_PLC_MAX_STATE_TYPE_LEN - 16; t++) out[n++] = *t;
    if (array) {
        char digits[12];
        int d = 0;
        do {
            digits[d++] = (char)('0' + count % 10);
            count /= 10;
        } while (count > 0 && d < 12);
        out[n++] = ';';
        out[n++] = ' ';
        while (d > 0) out[n++] = digits[--d];
        out[n++] = ']';
    }
    return n;
}

/** Saves one static (in plc_state_save, through PLC_STATE). */
static inline void plc_state_save_one(const char *name, const void *value, int size, const plc_state_kind_t *kind, bool array) {
    int count = size / kind->size;
    char type[WASM_PLC_MAX_STATE_TYPE_LEN];
    int type_len = plc_state_type(type, kind, count, array);
    int name_len = wasm_plc_strlen(name);
    if (kind->encoded == 0) {
        wasm_state_write(name, name_len, type, type_len, (const char *)value, size);
        return;
    }
    uint8_t bytes[count * kind->encoded];
    for (int i = 0; i < count; i++) {
        kind->encode((const char *)value + i * kind->size, bytes + i * kind->encoded);
    }
    wasm_state_write(name, name_len, type, type_len, (const char *)bytes, count * kind->encoded);
}

/** Loads one static, if the version before saved it with this type (in plc_state_load). */
static inline void plc_state_load_one(const char *name, void *value, int size, const plc_state_kind_t *kind, bool array) {
    int count = size / kind->size;
    char type[WASM_PLC_MAX_STATE_TYPE_LEN];
    int type_len = plc_state_type(type, kind, count, array);
    int name_len = wasm_plc_strlen(name);
    if (kind->encoded == 0) {
        wasm_state_read(name, name_len, type, type_len, (char *)value, size); /* copies on success only */
        return;
    }
    uint8_t bytes[count * kind->encoded];
    if (wasm_state_read(name, name_len, type, type_len, (char *)bytes, count * kind->encoded) == WASM_SUCCESS) {
        for (int i = 0; i < count; i++) {
            kind->decode((char *)value + i * kind->size, bytes + i * kind->encoded);
        }
    }
}

#define PLC_STATE_KIND(x)                                                                          \
    _Generic((x),                                                                                  \
        bool: plc_state_kind_bool, bool *: plc_state_kind_bool, \
        uint8_t: plc_state_kind_u8, uint8_t *: plc_state_kind_u8, \
        uint16_t: plc_state_kind_u16, uint16_t *: plc_state_kind_u16, \
        uint32_t: plc_state_kind_u32, uint32_t *: plc_state_kind_u32, \
        uint64_t: plc_state_kind_u64, uint64_t *: plc_state_kind_u64, \
        int8_t: plc_state_kind_i8, int8_t *: plc_state_kind_i8, \
        int16_t: plc_state_kind_i16, int16_t *: plc_state_kind_i16, \
        int32_t: plc_state_kind_i32, int32_t *: plc_state_kind_i32, \
        int64_t: plc_state_kind_i64, int64_t *: plc_state_kind_i64, \
        float: plc_state_kind_f32, float *: plc_state_kind_f32, \
        double: plc_state_kind_f64, double *: plc_state_kind_f64, \
        plc_ton_t: plc_state_kind_ton, plc_ton_t *: plc_state_kind_ton, \
        plc_tof_t: plc_state_kind_tof, plc_tof_t *: plc_state_kind_tof, \
        plc_tp_t: plc_state_kind_tp, plc_tp_t *: plc_state_kind_tp, \
        plc_r_trig_t: plc_state_kind_r_trig, plc_r_trig_t *: plc_state_kind_r_trig, \
        plc_f_trig_t: plc_state_kind_f_trig, plc_f_trig_t *: plc_state_kind_f_trig, \
        plc_ctu_t: plc_state_kind_ctu, plc_ctu_t *: plc_state_kind_ctu, \
        plc_ctd_t: plc_state_kind_ctd, plc_ctd_t *: plc_state_kind_ctd, \
        plc_ctud_t: plc_state_kind_ctud, plc_ctud_t *: plc_state_kind_ctud, \
        plc_sr_t: plc_state_kind_sr, plc_sr_t *: plc_state_kind_sr, \
        plc_rs_t: plc_state_kind_rs, plc_rs_t *: plc_state_kind_rs)()

#define PLC_STATE_IS_ARRAY(x)                                                                      \
    _Generic((x),                                                                                  \
        bool *: true, \
        uint8_t *: true, \
        uint16_t *: true, \
        uint32_t *: true, \
        uint64_t *: true, \
        int8_t *: true, \
        int16_t *: true, \
        int32_t *: true, \
        int64_t *: true, \
        float *: true, \
        double *: true, \
        plc_ton_t *: true, \
        plc_tof_t *: true, \
        plc_tp_t *: true, \
        plc_r_trig_t *: true, \
        plc_f_trig_t *: true, \
        plc_ctu_t *: true, \
        plc_ctd_t *: true, \
        plc_ctud_t *: true, \
        plc_sr_t *: true, \
        plc_rs_t *: true, \
        default: false)

#define PLC_STATE_SAVE_ONE(x) plc_state_save_one(#x, &(x), (int)sizeof(x), PLC_STATE_KIND(x), PLC_STATE_IS_ARRAY(x));
#define PLC_STATE_LOAD_ONE(x) plc_state_load_one(#x, &(x), (int)sizeof(x), PLC_STATE_KIND(x), PLC_STATE_IS_ARRAY(x));

#define PLC_STATE_EACH_1(f, a) f(a)
#define PLC_STATE_EACH_2(f, a, ...) f(a) PLC_STATE_EACH_1(f, __VA_ARGS__)
#define PLC_STATE_EACH_3(f, a, ...) f(a) PLC_STATE_EACH_2(f, __VA_ARGS__)
#define PLC_STATE_EACH_4(f, a, ...) f(a) PLC_STATE_EACH_3(f, __VA_ARGS__)
#define PLC_STATE_EACH_5(f, a, ...) f(a) PLC_STATE_EACH_4(f, __VA_ARGS__)
#define PLC_STATE_EACH_6(f, a, ...) f(a) PLC_STATE_EACH_5(f, __VA_ARGS__)
#define PLC_STATE_EACH_7(f, a, ...) f(a) PLC_STATE_EACH_6(f, __VA_ARGS__)
#define PLC_STATE_EACH_8(f, a, ...) f(a) PLC_STATE_EACH_7(f, __VA_ARGS__)
#define PLC_STATE_EACH_9(f, a, ...) f(a) PLC_STATE_EACH_8(f, __VA_ARGS__)
#define PLC_STATE_EACH_10(f, a, ...) f(a) PLC_STATE_EACH_9(f, __VA_ARGS__)
#define PLC_STATE_EACH_11(f, a, ...) f(a) PLC_STATE_EACH_10(f, __VA_ARGS__)
#define PLC_STATE_EACH_12(f, a, ...) f(a) PLC_STATE_EACH_11(f, __VA_ARGS__)
#define PLC_STATE_EACH_13(f, a, ...) f(a) PLC_STATE_EACH_12(f, __VA_ARGS__)
#define PLC_STATE_EACH_14(f, a, ...) f(a) PLC_STATE_EACH_13(f, __VA_ARGS__)
#define PLC_STATE_EACH_15(f, a, ...) f(a) PLC_STATE_EACH_14(f, __VA_ARGS__)
#define PLC_STATE_EACH_16(f, a, ...) f(a) PLC_STATE_EACH_15(f, __VA_ARGS__)
#define PLC_STATE_EACH_17(f, a, ...) f(a) PLC_STATE_EACH_16(f, __VA_ARGS__)
#define PLC_STATE_EACH_18(f, a, ...) f(a) PLC_STATE_EACH_17(f, __VA_ARGS__)
#define PLC_STATE_EACH_19(f, a, ...) f(a) PLC_STATE_EACH_18(f, __VA_ARGS__)
#define PLC_STATE_EACH_20(f, a, ...) f(a) PLC_STATE_EACH_19(f, __VA_ARGS__)
#define PLC_STATE_EACH_21(f, a, ...) f(a) PLC_STATE_EACH_20(f, __VA_ARGS__)
#define PLC_STATE_EACH_22(f, a, ...) f(a) PLC_STATE_EACH_21(f, __VA_ARGS__)
#define PLC_STATE_EACH_23(f, a, ...) f(a) PLC_STATE_EACH_22(f, __VA_ARGS__)
#define PLC_STATE_EACH_24(f, a, ...) f(a) PLC_STATE_EACH_23(f, __VA_ARGS__)
#define PLC_STATE_EACH_25(f, a, ...) f(a) PLC_STATE_EACH_24(f, __VA_ARGS__)
#define PLC_STATE_EACH_26(f, a, ...) f(a) PLC_STATE_EACH_25(f, __VA_ARGS__)
#define PLC_STATE_EACH_27(f, a, ...) f(a) PLC_STATE_EACH_26(f, __VA_ARGS__)
#define PLC_STATE_EACH_28(f, a, ...) f(a) PLC_STATE_EACH_27(f, __VA_ARGS__)
#define PLC_STATE_EACH_29(f, a, ...) f(a) PLC_STATE_EACH_28(f, __VA_ARGS__)
#define PLC_STATE_EACH_30(f, a, ...) f(a) PLC_STATE_EACH_29(f, __VA_ARGS__)
#define PLC_STATE_EACH_31(f, a, ...) f(a) PLC_STATE_EACH_30(f, __VA_ARGS__)
#define PLC_STATE_EACH_32(f, a, ...) f(a) PLC_STATE_EACH_31(f, __VA_ARGS__)

#define PLC_STATE_COUNT_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, n, ...) n
#define PLC_STATE_COUNT(...) PLC_STATE_COUNT_(__VA_ARGS__, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
#define PLC_STATE_GLUE_(a, b) a##b
#define PLC_STATE_GLUE(a, b) PLC_STATE_GLUE_(a, b)
#define PLC_STATE_EACH(f, ...) PLC_STATE_GLUE(PLC_STATE_EACH_, PLC_STATE_COUNT(__VA_ARGS__))(f, __VA_ARGS__)

/** Lists the statics a new version takes over (see above): PLC_STATE(counter, pump, alarm). */
#define PLC_STATE(...)                                                                             \
    __attribute__((export_name("plc_state_save"))) void plc_state_save(void) {                    \
        PLC_STATE_EACH(PLC_STATE_SAVE_ONE, __VA_ARGS__)                                            \
    }                                                                                              \
    __attribute__((export_name("plc_state_load"))) void plc_state_load(void) {                    \
        PLC_STATE_EACH(PLC_STATE_LOAD_ONE, __VA_ARGS__)                                            \
    }

#endif /* WASM_PLC_PLC_STATE_H */
