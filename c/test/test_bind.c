/*==============================================================================
 * test_bind.c — typed binding: plans, decoding (values, defaults, arrays,
 * nested shapes, every problem), NDJSON with line numbers and TSV columns,
 * bad plans and NULLs, four threads sharing one shape, and no leak.
 *============================================================================*/
#include "check.h"

#include <pthread.h>

static jf_shape *compile(const char *plan) {
    jf_error e;
    jf_shape *s = jf_shape_compile((const uint8_t *)plan, strlen(plan), &e);
    CHECK_MSG(s != NULL, "compile failed: %s", e.message);
    return s;
}

/* decode must give `expected` (code JF_OK) or, with `mismatch`, these problems. */
#define EXPECT_DECODE(s, in, mismatch, expected) expect_decode(__FILE__, __LINE__, (s), (in), (mismatch), (expected))
static void expect_decode(const char *file, int line, jf_shape *s, const char *in, int mismatch, const char *expected) {
    jf_result r;
    uint8_t *out = jf_decode(s, (const uint8_t *)in, strlen(in), NULL, &r);
    if (!out) {
        check_fail(file, line, "decode failed: %s", r.error.message);
        return;
    }
    if ((r.error.code == JF_SHAPE_MISMATCH) != (mismatch != 0))
        check_fail(file, line, "code %d (%s)", r.error.code, r.error.message);
    else check_pass();
    check_mem_eq_at(file, line, out, (size_t)r.length, expected, strlen(expected));
    jf_free(out);
}

static const char *WORK_PLAN =
    "{\"fields\":["
    "{\"name\":\"key\",\"path\":[\"key\"],\"type\":\"string\",\"required\":true},"
    "{\"name\":\"subjects\",\"path\":[\"subjects\",null],\"type\":\"string\",\"array\":true},"
    "{\"name\":\"created\",\"path\":[\"created\",\"value\"],\"type\":\"string\",\"required\":true},"
    "{\"name\":\"authors\",\"path\":[\"authors\",null],\"type\":\"shape\",\"array\":true,\"default\":[],"
    " \"fields\":[{\"name\":\"key\",\"path\":[\"author\",\"key\"],\"type\":\"string\",\"required\":true}]},"
    "{\"name\":\"id\",\"path\":[\"id\"],\"type\":\"bigint\"},"
    "{\"name\":\"rev\",\"path\":[\"revision\"],\"type\":\"integer\",\"default\":1},"
    "{\"name\":\"first\",\"path\":[\"subjects\",0],\"type\":\"string\"}"
    "]}";

static void test_decode(void) {
    jf_shape *s = compile(WORK_PLAN);
    if (!s) return;
    EXPECT_DECODE(s, "{\"key\":\"/w/1\",\"subjects\":[\"a\",\"b\\n\"],\"created\":{\"value\":\"2009\"},"
                     "\"authors\":[{\"author\":{\"key\":\"/a/1\"}}],\"id\":123456789012345678901,\"x\":[1,2]}",
                  0, "{\"key\":\"/w/1\",\"subjects\":[\"a\",\"b\\n\"],\"created\":\"2009\",\"authors\":[{\"key\":\"/a/1\"}],"
                     "\"id\":\"123456789012345678901\",\"rev\":1,\"first\":\"a\"}");
    /* Optional: absent and null left out; defaults filled; duplicates: the last wins. */
    EXPECT_DECODE(s, "{\"key\":\"a\",\"key\":\"b\",\"created\":{\"value\":\"c\"},\"subjects\":null,\"revision\":null}", 0,
                  "{\"key\":\"b\",\"created\":\"c\",\"authors\":[],\"rev\":1}");
    /* Every problem, in field order. */
    EXPECT_DECODE(s, "{\"key\":1,\"subjects\":[\"a\",2],\"authors\":[{\"author\":{}},{\"author\":{\"key\":true}}],"
                     "\"id\":1.5,\"revision\":9007199254740992}",
                  1, "[{\"path\":\"key\",\"expected\":\"string\",\"actual\":\"integer\"},"
                     "{\"path\":\"subjects[1]\",\"expected\":\"string\",\"actual\":\"integer\"},"
                     "{\"path\":\"created.value\",\"expected\":\"string\",\"actual\":\"missing\"},"
                     "{\"path\":\"authors[0].author.key\",\"expected\":\"string\",\"actual\":\"missing\"},"
                     "{\"path\":\"authors[1].author.key\",\"expected\":\"string\",\"actual\":\"boolean\"},"
                     "{\"path\":\"id\",\"expected\":\"bigint\",\"actual\":\"number\"},"
                     "{\"path\":\"revision\",\"expected\":\"integer\",\"actual\":\"integer beyond 2^53-1 (declare it bigint)\"}]");
    EXPECT_DECODE(s, "[]", 1, "[{\"path\":\"\",\"expected\":\"object\",\"actual\":\"array\"}]");
    jf_result r;
    CHECK(jf_decode(s, (const uint8_t *)"{\"key\":", 7, NULL, &r) == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_JSON);
    CHECK_INT_EQ(r.error.offset, 7);
    jf_shape_free(s);

    s = compile("{\"fields\":[{\"name\":\"q\\\"\",\"path\":[\"a b\",\"\\u0000\"],\"type\":\"number\",\"required\":true}]}");
    if (s) {
        EXPECT_DECODE(s, "{\"a b\":{\"\\u0000\":1e400}}", 0, "{\"q\\\"\":1e400}");
        EXPECT_DECODE(s, "{\"a b\":{}}", 1, "[{\"path\":\"[\\\"a b\\\"][\\\"\\\\u0000\\\"]\",\"expected\":\"number\",\"actual\":\"missing\"}]");
        jf_shape_free(s);
    }

    /* The steps after a [] belong to one element: the next element's problem
     * names its own path (a[1].b, not a[0][1].b; found by the bind property). */
    s = compile("{\"fields\":[{\"name\":\"v\",\"path\":[\"a\",null,\"b\"],\"type\":\"number\",\"array\":true},"
                "{\"name\":\"w\",\"path\":[\"c\",null,0],\"type\":\"string\",\"array\":true}]}");
    if (s) {
        EXPECT_DECODE(s, "{\"a\":[{\"b\":1},{\"b\":\"x\"},{\"c\":1},{\"b\":\"y\"}],\"c\":[[],[null],[\"s\"]]}", 1,
                      "[{\"path\":\"a[1].b\",\"expected\":\"number\",\"actual\":\"string\"},"
                      "{\"path\":\"a[3].b\",\"expected\":\"number\",\"actual\":\"string\"},"
                      "{\"path\":\"c[1][0]\",\"expected\":\"string\",\"actual\":\"null\"}]");
        jf_shape_free(s);
    }
}

static void test_lines(void) {
    jf_shape *s = compile("{\"fields\":[{\"name\":\"id\",\"path\":[\"id\"],\"type\":\"integer\",\"required\":true}]}");
    if (!s) return;
    const char *in = "{\"id\":1}\r\n\n{\"id\":\"2\"}\n{bad\n{\"id\":3}";
    jf_lines_options lo = { JF_ON_ERROR_SKIP, 0, 0, 0, 0 };
    jf_lines_result r;
    uint8_t *out = jf_decode_lines(s, (const uint8_t *)in, strlen(in), NULL, &lo, &r);
    CHECK(out != NULL);
    if (out) {
        const char *want =
            "{\"values\":[{\"id\":1},{\"id\":3}],\"errors\":["
            "{\"code\":\"SHAPE_MISMATCH\",\"message\":\"1 path did not fit the shape; first id: expected integer, got "
            "string\",\"offset\":11,\"line\":3,\"column\":1,\"problems\":[{\"path\":\"id\",\"expected\":\"integer\","
            "\"actual\":\"string\"}]},"
            "{\"code\":\"INVALID_JSON\",";
        CHECK_MSG(r.length > strlen(want) && memcmp(out, want, strlen(want)) == 0, "got %.*s", (int)r.length, (char *)out);
        CHECK_INT_EQ(r.documents, 2);
        CHECK_INT_EQ(r.errors, 2);
        CHECK_INT_EQ(r.lines, 5);
        CHECK_INT_EQ(r.error.line, 3);
        jf_free(out);
    }
    lo.on_error = JF_ON_ERROR_FAIL;
    out = jf_decode_lines(s, (const uint8_t *)in, strlen(in), NULL, &lo, &r);
    CHECK(out != NULL);
    CHECK_INT_EQ(r.errors, 1);
    CHECK_INT_EQ(r.documents, 1);
    CHECK_INT_EQ(r.error.code, JF_SHAPE_MISMATCH);
    jf_free(out);
    /* Open Library TSV: the fifth column. */
    const char *tsv = "/type/edition\t/books/1\t3\t2020\t{\"id\":7}\n";
    lo = (jf_lines_options){ JF_ON_ERROR_FAIL, 5, 10, 100, 0 };
    out = jf_decode_lines(s, (const uint8_t *)tsv, strlen(tsv), NULL, &lo, &r);
    CHECK(out != NULL);
    if (out) CHECK_MEM_STR(out, r.length, "{\"values\":[{\"id\":7}],\"errors\":[]}");
    jf_free(out);
    out = jf_decode_lines(s, (const uint8_t *)"", 0, NULL, NULL, &r);
    if (out) CHECK_MEM_STR(out, r.length, "{\"values\":[],\"errors\":[]}");
    jf_free(out);
    lo.on_error = 7;
    CHECK(jf_decode_lines(s, (const uint8_t *)"{}", 2, NULL, &lo, &r) == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    jf_shape_free(s);
}

static void test_bad_plans(void) {
    const char *bad[] = {
        "", "[]", "{\"fields\":3}", "{\"fields\":[1]}", "{\"fields\":[{\"name\":\"a\",\"path\":[\"a\"],\"type\":\"text\"}]}",
        "{\"fields\":[{\"name\":\"a\",\"path\":\"a\",\"type\":\"string\"}]}",
        "{\"fields\":[{\"name\":\"a\",\"path\":[null],\"type\":\"string\"}]}",
        "{\"fields\":[{\"name\":\"a\",\"path\":[\"a\"],\"type\":\"string\",\"array\":true}]}",
        "{\"fields\":[{\"name\":\"a\",\"path\":[1.5],\"type\":\"string\"}]}",
        "{\"fields\":[{\"name\":\"a\",\"path\":[\"a\"],\"type\":\"shape\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jf_error e;
        jf_shape *s = jf_shape_compile((const uint8_t *)bad[i], strlen(bad[i]), &e);
        CHECK_MSG(s == NULL && (e.code == JF_INVALID_OPTION || e.code == JF_INVALID_JSON), "plan %zu: code %d", i, e.code);
        jf_shape_free(s);
    }
    /* Shapes nested 65 deep are refused, 64 accepted. */
    for (int depth = 64; depth <= 65; depth++) {
        char plan[8192];
        size_t at = (size_t)snprintf(plan, sizeof plan, "{\"fields\":[");
        for (int i = 0; i < depth; i++)
            at += (size_t)snprintf(plan + at, sizeof plan - at, "{\"name\":\"a\",\"path\":[\"a\"],\"type\":\"shape\",\"fields\":[");
        for (int i = 0; i < depth; i++) at += (size_t)snprintf(plan + at, sizeof plan - at, "]}");
        at += (size_t)snprintf(plan + at, sizeof plan - at, "]}");
        jf_error e;
        jf_shape *s = jf_shape_compile((const uint8_t *)plan, at, &e);
        CHECK_MSG((s != NULL) == (depth <= 64), "depth %d: %s", depth, e.message);
        jf_shape_free(s);
    }
    jf_result r;
    CHECK(jf_decode(NULL, (const uint8_t *)"{}", 2, NULL, &r) == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    CHECK(jf_shape_compile(NULL, 0, NULL) == NULL);
    jf_shape_free(NULL);
}

enum { THREADS = 4, ROUNDS = 2000 };

static void *decodes(void *arg) {
    jf_shape *s = arg;
    unsigned long bad = 0;
    for (int i = 0; i < ROUNDS; i++) {
        char in[64], want[64];
        int n = snprintf(in, sizeof in, "{\"id\":%d,\"pad\":[1,2,3]}", i);
        int m = snprintf(want, sizeof want, "{\"id\":%d}", i);
        jf_result r;
        uint8_t *out = jf_decode(s, (const uint8_t *)in, (size_t)n, NULL, &r);
        if (!out || r.length != (uint64_t)m || memcmp(out, want, (size_t)m) != 0) bad++;
        jf_free(out);
    }
    return (void *)bad;
}

static void test_threads(void) {
    jf_shape *s = compile("{\"fields\":[{\"name\":\"id\",\"path\":[\"id\"],\"type\":\"integer\",\"required\":true}]}");
    if (!s) return;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, decodes, s);
    for (int i = 0; i < THREADS; i++) {
        void *bad;
        pthread_join(t[i], &bad);
        CHECK_INT_EQ((unsigned long)bad, 0);
    }
    jf_shape_free(s);
}

int main(void) {
    jf_alloc_stats before, after;
    jf_get_alloc_stats(&before);
    test_decode();
    test_lines();
    test_bad_plans();
    test_threads();
    jf_get_alloc_stats(&after);
    CHECK_INT_EQ(after.live_blocks, before.live_blocks);
    return check_done("test_bind");
}
