/*==============================================================================
 * fuzz_bind.c — libFuzzer target for the typed binding (jf_shape_compile,
 * jf_decode, jf_decode_lines).
 *
 * Input layout: the plan and the document, split at the first 0xFF byte
 * (never in valid UTF-8); without one, a fixed plan of every type and
 * nesting is used and the whole input is the document.
 *
 * Checks, in addition to ASan/UBSan:
 *  - a plan is compiled or refused with INVALID_OPTION/INVALID_JSON;
 *  - decode succeeds with valid JSON (an object), or reports SHAPE_MISMATCH
 *    with a valid JSON array of problems, or fails with a documented code;
 *  - decoding the same bytes as one NDJSON line agrees with decode when the
 *    bytes hold no newline;
 *  - the live-block counter ends unchanged.
 *============================================================================*/
#include "fuzz_common.h"

static const char FIXED_PLAN[] =
    "{\"fields\":["
    "{\"name\":\"s\",\"path\":[\"a\"],\"type\":\"string\"},"
    "{\"name\":\"n\",\"path\":[\"b\",0],\"type\":\"number\",\"required\":true},"
    "{\"name\":\"i\",\"path\":[\"c\"],\"type\":\"integer\",\"default\":3},"
    "{\"name\":\"g\",\"path\":[\"d\",null,\"e\",null],\"type\":\"bigint\",\"array\":true},"
    "{\"name\":\"o\",\"path\":[\"f\",null],\"type\":\"shape\",\"array\":true,\"required\":true,\"fields\":["
    "  {\"name\":\"t\",\"path\":[\"t\"],\"type\":\"boolean\",\"required\":true},"
    "  {\"name\":\"z\",\"path\":[],\"type\":\"null\"}]},"
    "{\"name\":\"x\",\"path\":[\"\"],\"type\":\"shape\",\"fields\":[]}"
    "]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *split = memchr(data, 0xFF, size);
    const uint8_t *plan = split ? data : (const uint8_t *)FIXED_PLAN;
    size_t plan_len = split ? (size_t)(split - data) : sizeof FIXED_PLAN - 1;
    const uint8_t *doc = split ? split + 1 : data;
    size_t doc_len = split ? size - plan_len - 1 : size;

    fuzz_stats st;
    fuzz_stats_begin(&st);
    jf_error e;
    jf_shape *shape = jf_shape_compile(plan, plan_len, &e);
    if (!shape) {
        FUZZ_ASSERT(e.code == JF_INVALID_OPTION || e.code == JF_INVALID_JSON || e.code == JF_NESTING_TOO_DEEP,
                    "compile code %d", e.code);
        FUZZ_ASSERT(memchr(e.message, 0, JF_MESSAGE_SIZE) != NULL, "message not terminated");
        fuzz_stats_end(&st);
        return 0;
    }
    jf_result r;
    uint8_t *out = jf_decode(shape, doc, doc_len, NULL, &r);
    if (out) {
        FUZZ_ASSERT(r.error.code == JF_OK || r.error.code == JF_SHAPE_MISMATCH, "code %d with a block", r.error.code);
        yyjson_doc *d = fuzz_parse_output(out, r.length);
        yyjson_val *root = yyjson_doc_get_root(d);
        FUZZ_ASSERT(r.error.code == JF_OK ? yyjson_is_obj(root) : yyjson_is_arr(root) && yyjson_arr_size(root) > 0,
                    "wrong output shape for code %d", r.error.code);
        yyjson_doc_free(d);
    } else {
        FUZZ_ASSERT(r.error.code == JF_INVALID_JSON || r.error.code == JF_NESTING_TOO_DEEP, "decode code %d", r.error.code);
        FUZZ_ASSERT(r.error.offset <= doc_len, "offset beyond the input");
    }
    if (!memchr(doc, '\n', doc_len)) {
        jf_lines_result lr;
        uint8_t *lines = jf_decode_lines(shape, doc, doc_len, NULL, NULL, &lr);
        FUZZ_ASSERT(lines != NULL, "decode_lines failed: %s", lr.error.message);
        yyjson_doc *d = fuzz_parse_output(lines, lr.length);
        yyjson_doc_free(d);
        bool blank = true;
        for (size_t i = 0; i < doc_len; i++)
            if (doc[i] != ' ' && doc[i] != '\t' && doc[i] != '\r') blank = false;
        if (!blank && !(doc_len && doc[doc_len - 1] == '\r')) {
            FUZZ_ASSERT(lr.documents == (out && r.error.code == JF_OK ? 1u : 0u), "decode and decode_lines disagree");
        }
        jf_free(lines);
    }
    jf_free(out);
    jf_shape_free(shape);
    fuzz_stats_end(&st);
    return 0;
}
