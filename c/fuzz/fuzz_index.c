/*==============================================================================
 * fuzz_index.c — libFuzzer target for the path index (jf_index_*).
 *
 * Input layout: 1 option byte, then the document.
 *   byte 0: bits 0-1 style (3 = js), bit 2 REPLACE_INVALID_UTF8, bit 3
 *           BIGINT_AS_STRING|BIGINT_MARK, bits 4-7 max_nesting (0: default)
 *
 * Checks, in addition to ASan/UBSan:
 *  - build fails exactly when jf_flatten fails, with the same code;
 *  - the index counts as many leaves as jf_flatten visits;
 *  - for the first 64 leaves of the flattening (entries format): get(path)
 *    finds a value, by_value(value) finds at least one leaf, by_key of the
 *    path's short key answers valid JSON;
 *  - every answer is valid JSON; the live-block counter ends unchanged.
 *============================================================================*/
#include "fuzz_common.h"

static void check_answer(uint8_t *out, const jf_result *r, const char *what) {
    FUZZ_ASSERT(out != NULL, "%s failed: %s", what, r->error.message);
    if (r->length) yyjson_doc_free(fuzz_parse_output(out, r->length));
    jf_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    jf_options o;
    memset(&o, 0, sizeof o);
    uint32_t style = data[0] & 3u;
    o.style = style == 3 ? JF_STYLE_JS : style;
    if (data[0] & 4u) o.flags |= JF_FLAG_REPLACE_INVALID_UTF8;
    if (data[0] & 8u) o.flags |= JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK;
    o.max_nesting = data[0] >> 4;
    const uint8_t *in = data + 1;
    size_t len = size - 1;

    fuzz_stats st;
    fuzz_stats_begin(&st);
    jf_result br, fr;
    jf_index *ix = jf_index_build(in, len, &o, &br);
    jf_options f = o;
    f.format = JF_FORMAT_ENTRIES;
    uint8_t *flat = jf_flatten(in, len, &f, &fr);
    FUZZ_ASSERT((ix == NULL) == (flat == NULL), "index %s but flatten %s", ix ? "built" : br.error.message,
                flat ? "succeeded" : fr.error.message);
    if (!ix) {
        FUZZ_ASSERT(br.error.code == fr.error.code, "codes %d and %d", br.error.code, fr.error.code);
        FUZZ_ASSERT(br.error.offset <= len, "offset beyond the input");
        fuzz_stats_end(&st);
        return 0;
    }
    FUZZ_ASSERT(br.leaves == fr.leaves, "index leaves %llu, flatten leaves %llu", (unsigned long long)br.leaves,
                (unsigned long long)fr.leaves);
    yyjson_doc *entries = fuzz_parse_output(flat, fr.length);
    yyjson_val *entry;
    yyjson_arr_iter it = yyjson_arr_iter_with(yyjson_doc_get_root(entries));
    for (int n = 0; n < 64 && (entry = yyjson_arr_iter_next(&it)); n++) {
        yyjson_val *path = yyjson_arr_get(entry, 0), *value = yyjson_arr_get(entry, 1);
        jf_result r;
        uint8_t *out = jf_index_get(ix, (const uint8_t *)yyjson_get_str(path), yyjson_get_len(path), &r);
        FUZZ_ASSERT(out && r.leaves == 1, "get(%s) found nothing", yyjson_get_str(path));
        check_answer(out, &r, "get");
        /* A big integer written as a string, or text with U+FFFD for invalid bytes: not the stored value. */
        if (yyjson_get_len(entry) == 3 || (o.flags & JF_FLAG_REPLACE_INVALID_UTF8)) continue;
        size_t vlen;
        char *text = yyjson_val_write(value, 0, &vlen);
        if (!text) continue;
        out = jf_index_by_value(ix, (const uint8_t *)text, vlen, 0, &r);
        FUZZ_ASSERT(out && r.leaves >= 1, "by_value(%s) found nothing", text);
        check_answer(out, &r, "by_value");
        free(text);
        const char *p = yyjson_get_str(path);
        size_t plen = yyjson_get_len(path);
        out = jf_index_by_key(ix, (const uint8_t *)p, plen < 4 ? plen : 4, 2, &r);
        check_answer(out, &r, "by_key");
    }
    yyjson_doc_free(entries);
    jf_free(flat);
    jf_index_free(ix);
    fuzz_stats_end(&st);
    return 0;
}
