/*==============================================================================
 * fuzz_flatten_lines.c — libFuzzer target for the line engine through
 * jf_flatten_lines and jf_unflatten_lines.
 *
 * Input layout: 5 option bytes, then the NDJSON chunk.
 *   bytes 0-2: as fuzz_flatten's bytes 0-2 (mode, style, format, flags,
 *              max_depth, max_nesting, delimiter length; no invalid options)
 *   byte 3:    bits 0-1 on_error (3 = skip), bits 2-4 column (0-7)
 *   byte 4:    bits 0-5 delimiter bytes; bit 7: jf_unflatten_lines, replayed
 *              with jf_unflatten, instead of jf_flatten_lines and jf_flatten
 *
 * Checks, in addition to ASan/UBSan:
 *  - in skip mode the output is exactly the concatenation of jf_flatten of
 *    every non-blank line (or its TSV column) that jf_flatten accepts, each
 *    followed by \n, and the counters add up;
 *  - in emit mode every output line is valid JSON and there is one output
 *    line per non-blank input line;
 *  - in fail mode a success equals the skip-mode output with no errors;
 *  - the live-block counter is unchanged afterwards.
 *============================================================================*/
#include "fuzz_common.h"

static int is_blank(const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 5) return 0;
    jf_options o;
    memset(&o, 0, sizeof o);
    o.mode = data[0] & 1u;
    uint32_t style = (data[0] >> 1) & 3u;
    o.style = style == 3 ? JF_STYLE_JS : style;
    o.format = (data[0] >> 3) & 1u;
    o.flags = (data[0] >> 4) & 0xFu;
    uint32_t d = data[1] & 0xFu;
    o.max_depth = d < 8 ? 0 : d - 7;
    o.max_nesting = (data[1] >> 4) & 0xFu;
    o.delimiter_len = data[2] & 3u;
    static const char dchars[4] = { '.', ':', '/', '"' };
    for (uint32_t i = 0; i < o.delimiter_len; i++) o.delimiter[i] = dchars[(data[4] >> (2 * i)) & 3u];
    jf_lines_options lo;
    memset(&lo, 0, sizeof lo);
    uint32_t oe = data[3] & 3u;
    lo.on_error = oe == 3 ? JF_ON_ERROR_SKIP : oe;
    lo.column = (data[3] >> 2) & 7u;
    lo.first_line = data[3] >> 5;
    bool unflatten = data[4] >> 7;
    uint8_t *(*lines_call)(const uint8_t *, size_t, const jf_options *, const jf_lines_options *, jf_lines_result *) =
        unflatten ? jf_unflatten_lines : jf_flatten_lines;
    uint8_t *(*one_call)(const uint8_t *, size_t, const jf_options *, jf_result *) = unflatten ? jf_unflatten : jf_flatten;
    const uint8_t *in = data + 5;
    size_t len = size - 5;

    fuzz_stats st;
    fuzz_stats_begin(&st);

    jf_lines_result r;
    memset(&r, 0xA5, sizeof r);
    uint8_t *out = lines_call(in, len, &o, &lo, &r);
    if (!out) {
        FUZZ_ASSERT(lo.on_error == JF_ON_ERROR_FAIL, "failed in mode %u: %s", lo.on_error, r.error.message);
        FUZZ_ASSERT(r.error.code >= JF_INVALID_JSON && r.error.code <= JF_OUT_OF_MEMORY, "code %d", r.error.code);
        FUZZ_ASSERT(memchr(r.error.message, 0, JF_MESSAGE_SIZE) != NULL, "message not terminated");
        FUZZ_ASSERT(r.error.offset <= len, "offset %llu beyond %zu", (unsigned long long)r.error.offset, len);
        fuzz_stats_end(&st);
        return 0;
    }

    /* Replay line by line with jf_flatten. */
    size_t pos = 0, opos = 0;
    uint64_t lines = 0, docs = 0, errors = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && in[end] != '\n') end++;
        size_t stop = end;
        if (stop > pos && in[stop - 1] == '\r') stop--;
        lines++;
        if (!is_blank(in + pos, end - pos)) {
            const uint8_t *field = in + pos;
            size_t flen = stop - pos;
            int have = 1;
            if (lo.column >= 1) {
                const uint8_t *s = in + pos, *e = in + stop;
                for (uint32_t c = 1; c < lo.column && have; c++) {
                    const uint8_t *tab = memchr(s, '\t', (size_t)(e - s));
                    if (!tab) have = 0;
                    else s = tab + 1;
                }
                if (have) {
                    const uint8_t *tab = memchr(s, '\t', (size_t)(e - s));
                    field = s;
                    flen = (size_t)((tab ? tab : e) - s);
                }
            }
            jf_result one;
            uint8_t *single = have ? one_call(field, flen, &o, &one) : NULL;
            if (single) {
                docs++;
                FUZZ_ASSERT(opos + one.length + 1 <= r.length && memcmp(out + opos, single, (size_t)one.length) == 0 &&
                            out[opos + one.length] == '\n',
                            "line %llu differs from the one-document call: %.*s", (unsigned long long)lines,
                            (int)(one.length < 300 ? one.length : 300), (const char *)single);
                opos += (size_t)one.length + 1;
                jf_free(single);
            } else {
                errors++;
                FUZZ_ASSERT(lo.on_error != JF_ON_ERROR_FAIL, "fail mode succeeded over a bad line %llu",
                            (unsigned long long)lines);
                if (lo.on_error == JF_ON_ERROR_EMIT) {
                    size_t e = opos;
                    while (e < r.length && out[e] != '\n') e++;
                    FUZZ_ASSERT(e < r.length, "emitted error line not terminated");
                    yyjson_doc *ed = fuzz_parse_output(out + opos, e - opos);
                    FUZZ_ASSERT(yyjson_is_obj(yyjson_obj_get(yyjson_doc_get_root(ed), "error")), "no error object");
                    yyjson_doc_free(ed);
                    opos = e + 1;
                }
            }
        }
        pos = end + 1;
    }
    FUZZ_ASSERT(opos == r.length, "output has %llu bytes, replay %zu", (unsigned long long)r.length, opos);
    FUZZ_ASSERT(r.lines == lines, "lines %llu, replay %llu", (unsigned long long)r.lines, (unsigned long long)lines);
    FUZZ_ASSERT(r.documents == docs, "documents %llu, replay %llu", (unsigned long long)r.documents, (unsigned long long)docs);
    FUZZ_ASSERT(r.errors == errors, "errors %llu, replay %llu", (unsigned long long)r.errors, (unsigned long long)errors);
    jf_free(out);
    fuzz_stats_end(&st);
    return 0;
}
