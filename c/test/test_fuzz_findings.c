/*==============================================================================
 * test_fuzz_findings.c — reproducers of what fuzzing found (issue 8), one
 * fixture each, named for the outcome the contract requires. Each input is
 * run through every entry point that parses it with the same options.
 *
 * Found so far:
 *  - JF_FLAG_REPLACE_INVALID_UTF8 let raw control characters (NUL, 0x10, a
 *    raw tab) through inside strings: yyjson's ALLOW_INVALID_UNICODE accepts
 *    them too. JSON forbids them whatever the UTF-8 policy; the pure-TS
 *    reference said INVALID_JSON (scripts/fuzz-diff.ts over the fuzz_flatten
 *    corpus, 413 of 3,339 inputs differed); and, when yyjson failed later in
 *    the document for another reason, the later error (or a too-deep
 *    bracket after the control character) was reported instead of the first
 *    fault (fuzz-diff.ts again, 6 of 7,113 inputs, after the first fix).
 *  - unflatten ordered a parse error against max_nesting instead of the
 *    limit its input is held to (max_nesting + 1, the wrapper object does
 *    not count): `{"a":[` under max_nesting 1 said NESTING_TOO_DEEP where
 *    the input is merely truncated (INVALID_JSON), unlike the reference.
 *  - unflatten checked a member's value against the nesting limit only when
 *    it wrote the rebuilt tree: a later invalid path was reported before an
 *    earlier too-deep value (`{"a":[],"a[1]isbn_13":1}` under max_nesting 1,
 *    fuzz-diff.ts in CI), and a too-deep value that a later member replaced
 *    passed. Each member is now checked as it is read, at its offset.
 *  - search (fuzz_search, long run) succeeded on documents nested deeper than
 *    max_nesting when the too-deep part was an empty container that did not
 *    match, or came after the query's limit: the depth of a leaf was only
 *    checked when its value was written. Flatten fails there with
 *    NESTING_TOO_DEEP; search and search_lines now do too.
 *  - binding (the Bun test suite against the clang ASan+UBSan build,
 *    scripts/asan-bun.sh): a plan with no fields, or whose fields all have
 *    an empty path, never allocates the field or segment array, and the
 *    compiler and decoder added 0 to that NULL pointer (undefined behaviour,
 *    reported by clang's UBSan; gcc's does not check it).
 *============================================================================*/
#include "check.h"

#define N(s) s, sizeof(s) - 1

typedef struct fixture {
    const char *name;
    const char *in;
    size_t      len;
    uint32_t    flags;
    int32_t     code;     /* JF_OK: `out` is the flatten result */
    uint64_t    offset;   /* of the error */
    const char *out;
} fixture;

static const fixture fixtures[] = {
    { "replace_utf8_raw_nul_in_value_is_invalid_json", N("\"a\0b\""), JF_FLAG_REPLACE_INVALID_UTF8,
      JF_INVALID_JSON, 2, NULL },
    { "replace_utf8_raw_0x10_in_value_is_invalid_json", N("\"a\x10\""), JF_FLAG_REPLACE_INVALID_UTF8,
      JF_INVALID_JSON, 2, NULL },
    { "replace_utf8_raw_tab_in_key_is_invalid_json", N("{\"k\tk\":1}"), JF_FLAG_REPLACE_INVALID_UTF8,
      JF_INVALID_JSON, 3, NULL },
    { "replace_utf8_raw_newline_after_invalid_byte_is_invalid_json", N("[\"\xff\n\"]"),
      JF_FLAG_REPLACE_INVALID_UTF8, JF_INVALID_JSON, 3, NULL },
    { "replace_utf8_raw_control_after_bom_offset_counts_the_bom", N("\xef\xbb\xbf\"\x01\""),
      JF_FLAG_REPLACE_INVALID_UTF8, JF_INVALID_JSON, 4, NULL },
    { "replace_utf8_escaped_controls_stay_valid", N("{\"k\\u0000\":\"\\t\xff\"}"), JF_FLAG_REPLACE_INVALID_UTF8,
      JF_OK, 0, "{\"[\\\"k\\\\u0000\\\"]\":\"\\t\xef\xbf\xbd\"}" },
    { "replace_utf8_whitespace_between_tokens_stays_valid", N("[\n\t\"\xff\"\r\n]"), JF_FLAG_REPLACE_INVALID_UTF8,
      JF_OK, 0, "{\"[0]\":\"\xef\xbf\xbd\"}" },
    { "replace_utf8_raw_control_before_a_later_syntax_error_is_reported_first", N("[\"\0\", 1 x]"),
      JF_FLAG_REPLACE_INVALID_UTF8, JF_INVALID_JSON, 2, NULL },
    { "strict_raw_nul_in_value_is_invalid_json", N("\"a\0b\""), 0, JF_INVALID_JSON, 2, NULL },
};

/* flatten, search ({} finds every leaf), NDJSON and unflatten (for errors:
 * the same input as a flattened object's value) must all agree. */
static void run(const fixture *f) {
    jf_options o = opts_make(0, 0, 0, f->flags);
    jf_result r;
    uint8_t *out = jf_flatten((const uint8_t *)f->in, f->len, &o, &r);
    if (f->code == JF_OK) {
        CHECK_MSG(out != NULL, "%s: flatten failed: %s", f->name, r.error.message);
        if (out) CHECK_MSG(r.length == strlen(f->out) && memcmp(out, f->out, r.length) == 0, "%s: got %.*s", f->name,
                           (int)r.length, (const char *)out);
        jf_free(out);
        return;
    }
    CHECK_MSG(out == NULL && r.error.code == f->code && r.error.offset == f->offset, "%s: %s at %llu (%s)",
              f->name, jf_code_name(r.error.code), (unsigned long long)r.error.offset, out ? "succeeded" : r.error.message);
    jf_free(out);

    jf_query *q = jf_query_compile((const uint8_t *)"{}", 2, NULL);
    uint8_t *hits = jf_search((const uint8_t *)f->in, f->len, q, &o, &r);
    CHECK_MSG(hits == NULL && r.error.code == f->code && r.error.offset == f->offset, "%s: search gave %s at %llu",
              f->name, jf_code_name(r.error.code), (unsigned long long)r.error.offset);
    jf_free(hits);
    jf_query_free(q);

    jf_lines_result lr;
    uint8_t *lines = jf_flatten_lines((const uint8_t *)f->in, f->len, &o, NULL, &lr);
    CHECK_MSG(lines == NULL && lr.error.code == f->code, "%s: flatten_lines gave %s", f->name, jf_code_name(lr.error.code));
    jf_free(lines);

    /* Unflatten parses its input with the same rule: the fixture as the value of path "a". */
    char doc[64];
    int n = snprintf(doc, sizeof doc, "{\"a\":");
    memcpy(doc + n, f->in, f->len);
    memcpy(doc + n + f->len, "}", 1);
    uint8_t *back = jf_unflatten((const uint8_t *)doc, (size_t)n + f->len + 1, &o, &r);
    CHECK_MSG(back == NULL && r.error.code == f->code, "%s: unflatten gave %s", f->name, jf_code_name(r.error.code));
    jf_free(back);
}

typedef struct unflatten_fixture {
    const char *name;
    const char *in;
    uint32_t    max_nesting;
    int32_t     code;
    uint64_t    offset;
} unflatten_fixture;

static const unflatten_fixture unflatten_fixtures[] = {
    { "unflatten_truncated_at_allowed_depth_is_invalid_json", "{\"a\":[", 1, JF_INVALID_JSON, 6 },
    { "unflatten_truncated_pointer_value_is_invalid_json", "{\"a-0\":[-9007199254740993", 1, JF_INVALID_JSON, 25 },
    { "unflatten_truncated_beyond_the_limit_is_nesting_too_deep", "{\"a\":[[", 1, JF_NESTING_TOO_DEEP, 6 },
    { "unflatten_scalar_value_under_limit_one_is_fine", "{\"a\":1}", 1, JF_OK, 0 },
    /* A member too deep with its value is reported at the member, in input
     * order, as the reference does: */
    { "unflatten_array_value_under_limit_one_is_nesting_too_deep", "{\"a\":[]}", 1, JF_NESTING_TOO_DEEP, 1 },
    { "unflatten_too_deep_value_before_an_invalid_path_comes_first", "{\"a\":[],\"a[1]isbn_13\":1}", 1, JF_NESTING_TOO_DEEP, 1 },
    { "unflatten_too_deep_value_a_later_member_replaces_still_fails", "{\"a.b\":[],\"a\":1}", 2, JF_NESTING_TOO_DEEP, 1 },
};

static void run_unflatten(const unflatten_fixture *f) {
    jf_options o = opts_make(0, 0, 0, 0);
    o.max_nesting = f->max_nesting;
    jf_result r;
    uint8_t *out = jf_unflatten((const uint8_t *)f->in, strlen(f->in), &o, &r);
    if (f->code == JF_OK) CHECK_MSG(out != NULL, "%s: %s", f->name, r.error.message);
    else CHECK_MSG(out == NULL && r.error.code == f->code && r.error.offset == f->offset, "%s: %s at %llu", f->name,
                   out ? "OK" : jf_code_name(r.error.code), (unsigned long long)r.error.offset);
    jf_free(out);
}

typedef struct search_fixture {
    const char *name;
    const char *query;
    const char *in;
    uint32_t    max_nesting;
    int32_t     code;
    uint64_t    offset;
} search_fixture;

static const search_fixture search_fixtures[] = {
    /* The long run's reproducer: header 00 14 06 09, query {"path":"*.**","key":"name"}. */
    { "search_unmatched_empty_array_beyond_limit_is_nesting_too_deep", "{\"path\":\"*.**\",\"key\":\"name\"}",
      "[[]   ]", 1, JF_NESTING_TOO_DEEP, 1 },
    { "search_too_deep_after_the_limit_is_nesting_too_deep", "{\"limit\":1}", "[1,[[2]]]", 2, JF_NESTING_TOO_DEEP, 4 },
    { "search_at_the_limit_is_fine", "{\"limit\":1}", "[1,[2]]", 2, JF_OK, 0 },
};

static void run_search(const search_fixture *f) {
    jf_options o = opts_make(0, 0, 0, 0);
    o.max_nesting = f->max_nesting;
    jf_error qe;
    jf_query *q = jf_query_compile((const uint8_t *)f->query, strlen(f->query), &qe);
    CHECK_MSG(q != NULL, "%s: query: %s", f->name, qe.message);
    if (!q) return;
    jf_result r;
    uint8_t *out = jf_search((const uint8_t *)f->in, strlen(f->in), q, &o, &r);
    if (f->code == JF_OK) CHECK_MSG(out != NULL, "%s: %s", f->name, r.error.message);
    else CHECK_MSG(out == NULL && r.error.code == f->code && r.error.offset == f->offset, "%s: %s at %llu", f->name,
                   out ? "OK" : jf_code_name(r.error.code), (unsigned long long)r.error.offset);
    jf_free(out);
    jf_lines_result lr;
    uint8_t *lines = jf_search_lines((const uint8_t *)f->in, strlen(f->in), q, &o, NULL, &lr);
    if (f->code == JF_OK) CHECK_MSG(lines != NULL, "%s: lines: %s", f->name, lr.error.message);
    else CHECK_MSG(lines == NULL && lr.error.code == f->code, "%s: lines: %s", f->name,
                   lines ? "OK" : jf_code_name(lr.error.code));
    jf_free(lines);
    jf_query_free(q);
}

typedef struct bind_fixture {
    const char *name;
    const char *plan;
    const char *in;
    const char *out; /* jf_decode's block; each line of `in` twice as NDJSON gives it twice */
} bind_fixture;

static const bind_fixture bind_fixtures[] = {
    { "bind_plan_without_fields_decodes_any_object_to_empty", "{\"fields\":[]}", "{\"a\":[1,2]}", "{}" },
    { "bind_empty_path_names_the_object_itself",
      "{\"fields\":[{\"name\":\"self\",\"path\":[],\"type\":\"shape\",\"fields\":[]}]}", "{\"a\":1}",
      "{\"self\":{}}" },
};

static void run_bind(const bind_fixture *f) {
    jf_error pe;
    jf_shape *shape = jf_shape_compile((const uint8_t *)f->plan, strlen(f->plan), &pe);
    CHECK_MSG(shape != NULL, "%s: plan: %s", f->name, pe.message);
    if (!shape) return;
    jf_result r;
    uint8_t *out = jf_decode(shape, (const uint8_t *)f->in, strlen(f->in), NULL, &r);
    CHECK_MSG(out != NULL && r.error.code == JF_OK, "%s: %s", f->name, r.error.message);
    if (out) CHECK_MSG(r.length == strlen(f->out) && memcmp(out, f->out, r.length) == 0, "%s: got %.*s", f->name,
                       (int)r.length, (const char *)out);
    jf_free(out);
    char lines[256], want[256];
    snprintf(lines, sizeof lines, "%s\n%s\n", f->in, f->in);
    snprintf(want, sizeof want, "{\"values\":[%s,%s],\"errors\":[]}", f->out, f->out);
    jf_lines_result lr;
    uint8_t *block = jf_decode_lines(shape, (const uint8_t *)lines, strlen(lines), NULL, NULL, &lr);
    CHECK_MSG(block != NULL && lr.documents == 2, "%s: lines: %s", f->name, lr.error.message);
    if (block) CHECK_MSG(lr.length == strlen(want) && memcmp(block, want, lr.length) == 0, "%s: lines: got %.*s",
                         f->name, (int)lr.length, (const char *)block);
    jf_free(block);
    jf_shape_free(shape);
}

int main(void) {
    jf_alloc_stats before, after;
    jf_get_alloc_stats(&before);
    for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++) run(&fixtures[i]);
    for (size_t i = 0; i < sizeof unflatten_fixtures / sizeof *unflatten_fixtures; i++) run_unflatten(&unflatten_fixtures[i]);
    for (size_t i = 0; i < sizeof search_fixtures / sizeof *search_fixtures; i++) run_search(&search_fixtures[i]);
    for (size_t i = 0; i < sizeof bind_fixtures / sizeof *bind_fixtures; i++) run_bind(&bind_fixtures[i]);
    jf_get_alloc_stats(&after);
    CHECK_INT_EQ(after.live_blocks, before.live_blocks);
    return check_done("test_fuzz_findings");
}
