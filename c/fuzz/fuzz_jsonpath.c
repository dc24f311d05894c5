/*==============================================================================
 * fuzz_jsonpath.c — libFuzzer target for the RFC 9535 JSONPath compiler
 * (jsonpath.c), its evaluator (jsonpath_eval.c) and the I-Regexp matcher
 * (iregexp.c).
 *
 * Input layout: byte 0 is the length L of the query (0-255), the next L
 * bytes are the JSONPath text, the rest is the document.
 *
 * Checks, in addition to ASan/UBSan:
 *  - jf_jsonpath_compile on the raw bytes either compiles or fails with
 *    INVALID_OPTION, a message starting "invalid JSONPath: " and an offset
 *    inside the text (or OUT_OF_MEMORY);
 *  - compiled through jf_query_compile ({"jsonpath": text}) it compiles the
 *    same way, and jf_search over the document either fails with a code or
 *    writes lines `["$...",value]` that parse as JSON;
 *  - the query text used as an I-Regexp compiles or fails with a reason, and
 *    matching it against the document bytes terminates;
 *  - the live-block counter is unchanged afterwards.
 *============================================================================*/
#include "fuzz_common.h"
#include "jsonpath.h"

/* {"jsonpath":"<text escaped>"}: every byte of the text kept (invalid UTF-8 fails the JSON parse first). */
static size_t query_json(const uint8_t *text, size_t n, char *out) {
    size_t w = (size_t)sprintf(out, "{\"jsonpath\":\"");
    for (size_t i = 0; i < n; i++) {
        uint8_t c = text[i];
        if (c == '"' || c == '\\') w += (size_t)sprintf(out + w, "\\%c", c);
        else if (c < 0x20) w += (size_t)sprintf(out + w, "\\u%04x", c);
        else out[w++] = (char)c;
    }
    w += (size_t)sprintf(out + w, "\"}");
    return w;
}

static void check_hits(const uint8_t *out, uint64_t len) {
    const uint8_t *line = out, *end = out + len;
    while (line < end) {
        const uint8_t *nl = memchr(line, '\n', (size_t)(end - line));
        FUZZ_ASSERT(nl != NULL, "hit without its newline");
        yyjson_doc *d = fuzz_parse_output(line, (uint64_t)(nl - line));
        yyjson_val *path = yyjson_arr_get(yyjson_doc_get_root(d), 0);
        FUZZ_ASSERT(yyjson_is_str(path) && yyjson_get_str(path)[0] == '$', "hit path %.*s", (int)(nl - line), line);
        yyjson_doc_free(d);
        line = nl + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    size_t qlen = data[0] < size - 1 ? data[0] : size - 1;
    const uint8_t *query = data + 1, *doc = data + 1 + qlen;
    size_t doc_len = size - 1 - qlen;
    fuzz_stats stats;
    fuzz_stats_begin(&stats);

    jf_error err;
    memset(&err, 0, sizeof err);
    jf_jsonpath *jp = jf_jsonpath_compile(query, qlen, &err);
    if (!jp) {
        FUZZ_ASSERT(err.code == JF_INVALID_OPTION || err.code == JF_OUT_OF_MEMORY, "code %d", err.code);
        FUZZ_ASSERT(err.code != JF_INVALID_OPTION || (strncmp(err.message, "invalid JSONPath: ", 18) == 0 && err.offset <= qlen),
                    "%s at %llu", err.message, (unsigned long long)err.offset);
    }
    jf_jsonpath_free(jp);

    char json[255 * 6 + 32];
    size_t json_len = query_json(query, qlen, json);
    jf_query *q = jf_query_compile((const uint8_t *)json, json_len, &err);
    if (q) {
        jf_options o;
        memset(&o, 0, sizeof o);
        jf_result r;
        uint8_t *out = jf_search(doc, doc_len, q, &o, &r);
        if (out) check_hits(out, r.length);
        else FUZZ_ASSERT(r.error.code != JF_OK, "failed without a code");
        jf_free(out);
        jf_query_free(q);
    }

    const char *why = NULL;
    jf_iregexp *re = jf_iregexp_compile(query, qlen, &why);
    if (re) {
        jf_iregexp_match(re, doc, doc_len, true);
        jf_iregexp_match(re, doc, doc_len, false);
    }
    jf_iregexp_free(re);
    fuzz_stats_end(&stats);
    return 0;
}
