/*==============================================================================
 * test_schema_detail.c — schema mode with JF_FLAG_SCHEMA_DETAIL (types from
 * data): containers counted at their own paths, the root at "", "present"
 * counting distinct parent containers (a duplicate member once), examples
 * (at most 3, distinct, at most 64 bytes of JSON, exact number text), the
 * same output for one call and for lines, bad lines adding nothing, and the
 * flag refused outside schema mode; plain schema output unchanged.
 *============================================================================*/
#include "check.h"

static jf_options detail_options(void) {
    jf_options o;
    jf_options_init(&o);
    o.mode = JF_MODE_SCHEMA;
    o.flags = JF_FLAG_SCHEMA_DETAIL;
    return o;
}

#define EXPECT_FLATTEN(o, in, expected) do { \
    jf_result r_; \
    uint8_t *out_ = jf_flatten((const uint8_t *)(in), strlen(in), (o), &r_); \
    CHECK_MSG(out_ != NULL, "jf_flatten failed: %s", r_.error.message); \
    if (out_) CHECK_MEM_STR(out_, (size_t)r_.length, (expected)); \
    jf_free(out_); \
} while (0)

static void test_containers_and_present(void) {
    jf_options o = detail_options();
    EXPECT_FLATTEN(&o, "{\"a\":[{\"k\":1},{\"k\":2,\"k\":3},{}]}",
                   "{\"\":{\"key\":null,\"count\":1,\"docs\":1,\"types\":{\"object\":1},\"present\":0,\"examples\":[]},"
                   "\"a\":{\"key\":\"a\",\"count\":1,\"docs\":1,\"types\":{\"array\":1},\"present\":1,\"examples\":[]},"
                   "\"a[]\":{\"key\":null,\"count\":3,\"docs\":1,\"types\":{\"object\":3},\"present\":1,\"examples\":[]},"
                   "\"a[].k\":{\"key\":\"k\",\"count\":3,\"docs\":1,\"types\":{\"integer\":3},\"present\":2,"
                   "\"examples\":[\"1\",\"2\",\"3\"]}}");
    EXPECT_FLATTEN(&o, "\"x\"", "{\"\":{\"key\":null,\"count\":1,\"docs\":1,\"types\":{\"string\":1},\"present\":0,"
                                "\"examples\":[\"\\\"x\\\"\"]}}");
}

static void test_examples(void) {
    jf_options o = detail_options();
    /* 62 x's make a 64-byte JSON string (kept); 63 make 65 bytes (never an example). */
    char in[512];
    char x62[63], x63[64];
    memset(x62, 'x', 62);
    x62[62] = 0;
    memset(x63, 'x', 63);
    x63[63] = 0;
    snprintf(in, sizeof in, "[\"%s\",\"%s\",true,true,12345678901234567890,null,1.5e3]", x63, x62);
    char expected[1024];
    snprintf(expected, sizeof expected,
             "{\"\":{\"key\":null,\"count\":1,\"docs\":1,\"types\":{\"array\":1},\"present\":0,\"examples\":[]},"
             "\"[]\":{\"key\":null,\"count\":7,\"docs\":1,\"types\":{\"string\":2,\"integer\":1,\"number\":1,"
             "\"boolean\":2,\"null\":1},\"present\":1,\"examples\":[\"\\\"%s\\\"\",\"true\",\"12345678901234567890\"]}}",
             x62);
    EXPECT_FLATTEN(&o, in, expected);
}

static void test_lines_and_bad_lines(void) {
    jf_options o = detail_options();
    jf_lines_options lo;
    memset(&lo, 0, sizeof lo);
    lo.on_error = JF_ON_ERROR_SKIP;
    const char *in = "{\"a\":1}\n{\"a\":[[[\n{\"b\":null}\n";
    jf_lines_result r;
    uint8_t *out = jf_flatten_lines((const uint8_t *)in, strlen(in), &o, &lo, &r);
    CHECK(out != NULL);
    if (out)
        CHECK_MEM_STR(out, (size_t)r.length,
                      "{\"\":{\"key\":null,\"count\":2,\"docs\":2,\"types\":{\"object\":2},\"present\":0,\"examples\":[]},"
                      "\"a\":{\"key\":\"a\",\"count\":1,\"docs\":1,\"types\":{\"integer\":1},\"present\":1,\"examples\":[\"1\"]},"
                      "\"b\":{\"key\":\"b\",\"count\":1,\"docs\":1,\"types\":{\"null\":1},\"present\":1,\"examples\":[]}}\n");
    CHECK_INT_EQ(r.errors, 1);
    jf_free(out);
}

static void test_plain_schema_unchanged(void) {
    jf_options o;
    jf_options_init(&o);
    o.mode = JF_MODE_SCHEMA;
    EXPECT_FLATTEN(&o, "{\"a\":[{\"k\":1}],\"e\":{}}",
                   "{\"a[].k\":{\"key\":\"k\",\"count\":1,\"docs\":1,\"types\":{\"integer\":1}},"
                   "\"e\":{\"key\":\"e\",\"count\":1,\"docs\":1,\"types\":{\"object\":1}}}");
}

static void test_refused_outside_schema(void) {
    jf_options o = detail_options();
    o.mode = JF_MODE_GROUPED;
    jf_result r;
    uint8_t *out = jf_flatten((const uint8_t *)"{}", 2, &o, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    jf_free(out);
}

int main(void) {
    test_containers_and_present();
    test_examples();
    test_lines_and_bad_lines();
    test_plain_schema_unchanged();
    test_refused_outside_schema();
    return check_done("test_schema_detail");
}
