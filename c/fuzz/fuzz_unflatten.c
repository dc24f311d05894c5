/*==============================================================================
 * fuzz_unflatten.c — libFuzzer target for jf_unflatten.
 *
 * Input layout: 2 option bytes, then the flattened object.
 *   byte 0: bits 0-1 style (3 = js), bit 2 REPLACE_INVALID_UTF8,
 *           bits 3-4 delimiter length (0-3), bits 5-7 max_nesting
 *           (0: default, else 1-7)
 *   byte 1: delimiter bytes (2 bits each from ".:/[")
 *
 * Checks, in addition to ASan/UBSan:
 *  - errors are documented codes with a terminated message and an offset in
 *    the input;
 *  - a success is valid JSON (strict read, UTF-8 validated);
 *  - in js style, flatten(result) unflattens back to the same bytes when the
 *    result has no duplicate member names (a fixed point);
 *  - the live-block counter is unchanged afterwards.
 *============================================================================*/
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    jf_options o;
    memset(&o, 0, sizeof o);
    uint32_t style = data[0] & 3u;
    o.style = style == 3 ? JF_STYLE_JS : style;
    if (data[0] & 4u) o.flags |= JF_FLAG_REPLACE_INVALID_UTF8;
    o.delimiter_len = (data[0] >> 3) & 3u;
    o.max_nesting = (data[0] >> 5) & 7u;
    static const char dchars[4] = { '.', ':', '/', '[' };
    for (uint32_t i = 0; i < o.delimiter_len; i++) o.delimiter[i] = dchars[(data[1] >> (2 * i)) & 3u];
    const uint8_t *in = data + 2;
    size_t len = size - 2;

    fuzz_stats st;
    fuzz_stats_begin(&st);

    jf_result r;
    memset(&r, 0xA5, sizeof r);
    uint8_t *out = jf_unflatten(in, len, &o, &r);
    if (!out) {
        FUZZ_ASSERT(r.error.code >= JF_INVALID_JSON && r.error.code <= JF_OUT_OF_MEMORY, "code %d", r.error.code);
        FUZZ_ASSERT(memchr(r.error.message, 0, JF_MESSAGE_SIZE) != NULL, "message not terminated");
        FUZZ_ASSERT(r.error.message[0] != 0, "empty message");
        FUZZ_ASSERT(r.error.offset <= len, "offset %llu beyond %zu", (unsigned long long)r.error.offset, len);
        fuzz_stats_end(&st);
        return 0;
    }
    FUZZ_ASSERT(r.error.code == JF_OK, "success with code %d", r.error.code);
    yyjson_doc *od = fuzz_parse_output(out, r.length);

    if (o.style == JF_STYLE_JS && !fuzz_has_dup_keys(od)) {
        jf_options f = o;
        f.flags = 0;
        jf_result fr, ur;
        uint8_t *flat = jf_flatten(out, (size_t)r.length, &f, &fr);
        FUZZ_ASSERT(flat != NULL, "flatten of an unflatten result failed: %s\n  doc: %.*s", fr.error.message,
                    (int)(r.length < 400 ? r.length : 400), (const char *)out);
        uint8_t *again = jf_unflatten(flat, (size_t)fr.length, &f, &ur);
        FUZZ_ASSERT(again != NULL, "unflatten(flatten(x)) failed: %s\n  flat: %.*s", ur.error.message,
                    (int)(fr.length < 400 ? fr.length : 400), (const char *)flat);
        FUZZ_ASSERT(ur.length == r.length && memcmp(again, out, (size_t)r.length) == 0,
                    "not a fixed point:\n  first:  %.*s\n  second: %.*s",
                    (int)(r.length < 400 ? r.length : 400), (const char *)out,
                    (int)(ur.length < 400 ? ur.length : 400), (const char *)again);
        jf_free(again);
        jf_free(flat);
    }
    yyjson_doc_free(od);
    jf_free(out);
    fuzz_stats_end(&st);
    return 0;
}
