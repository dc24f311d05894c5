/*==============================================================================
 * test_path_index.c — the path index: lookups by path in every style, by short
 * key and by value, duplicates and ambiguous flat paths, big integers, bad
 * input and NULLs, four threads sharing one index, and no leak afterwards.
 *============================================================================*/
#include "check.h"

#include <pthread.h>

static jf_index *build(const char *in, uint32_t style, uint32_t flags) {
    jf_options o = opts_make(0, style, 0, flags);
    jf_result r;
    jf_index *ix = jf_index_build((const uint8_t *)in, strlen(in), &o, &r);
    CHECK_MSG(ix != NULL, "build failed: %s", r.error.message);
    return ix;
}

/* get(path) must give `expected` (NULL: the path is absent). */
#define EXPECT_GET(ix, path, expected) expect_get(__FILE__, __LINE__, (ix), (path), strlen(path), (expected))
static void expect_get(const char *file, int line, jf_index *ix, const char *path, size_t plen, const char *expected) {
    jf_result r;
    uint8_t *out = jf_index_get(ix, (const uint8_t *)path, plen, &r);
    if (!out) {
        check_fail(file, line, "get(%s) failed: %s", path, r.error.message);
        return;
    }
    if (!expected) {
        if (r.leaves != 0 || r.length != 0) check_fail(file, line, "get(%s) found %.*s", path, (int)r.length, (char *)out);
        else check_pass();
    } else {
        check_mem_eq_at(file, line, out, (size_t)r.length, expected, strlen(expected));
    }
    jf_free(out);
}

#define EXPECT_FIND(fn, ix, what, limit, expected) \
    expect_find(__FILE__, __LINE__, fn, (ix), (what), (limit), (expected))
typedef uint8_t *(*find_fn)(const jf_index *, const uint8_t *, size_t, uint64_t, jf_result *);
static void expect_find(const char *file, int line, find_fn fn, jf_index *ix, const char *what, uint64_t limit,
                        const char *expected) {
    jf_result r;
    uint8_t *out = fn(ix, (const uint8_t *)what, strlen(what), limit, &r);
    if (!out) {
        check_fail(file, line, "lookup of %s failed: %s", what, r.error.message);
        return;
    }
    check_mem_eq_at(file, line, out, (size_t)r.length, expected, strlen(expected));
    jf_free(out);
}

static void test_lookups(void) {
    const char *doc = "{\"a\":{\"id\":1,\"b c\":[1,2,{\"id\":\"1\"}]},\"c\":1.0,\"e\":{},\"a\":{\"id\":7},\"n\":null}";
    jf_index *ix = build(doc, JF_STYLE_JS, 0);
    if (!ix) return;
    EXPECT_GET(ix, "a", "{\"id\":7}");
    EXPECT_GET(ix, "a.id", "7");
    EXPECT_GET(ix, "a[\"b c\"][2]", "{\"id\":\"1\"}");
    EXPECT_GET(ix, "c", "1.0");
    EXPECT_GET(ix, "e", "{}");
    EXPECT_GET(ix, "n", "null");
    EXPECT_GET(ix, "nope", NULL);
    EXPECT_GET(ix, "", doc);
    EXPECT_FIND(jf_index_by_key, ix, "id", 0, "[[\"a.id\",1],[\"a[\\\"b c\\\"][2].id\",\"1\"],[\"a.id\",7]]");
    EXPECT_FIND(jf_index_by_key, ix, "id", 1, "[[\"a.id\",1]]");
    EXPECT_FIND(jf_index_by_key, ix, "zz", 0, "[]");
    EXPECT_FIND(jf_index_by_value, ix, "1", 0, "[[\"a.id\",1],[\"a[\\\"b c\\\"][0]\",1],[\"c\",1.0]]");
    EXPECT_FIND(jf_index_by_value, ix, "10e-1", 0, "[[\"a.id\",1],[\"a[\\\"b c\\\"][0]\",1],[\"c\",1.0]]");
    EXPECT_FIND(jf_index_by_value, ix, "\"1\"", 0, "[[\"a[\\\"b c\\\"][2].id\",\"1\"]]");
    EXPECT_FIND(jf_index_by_value, ix, "{}", 0, "[[\"e\",{}]]");
    EXPECT_FIND(jf_index_by_value, ix, "{\"id\":7}", 0, "[]");
    jf_index_stats st;
    jf_index_get_stats(ix, &st);
    CHECK_INT_EQ(st.leaves, 8);
    CHECK_INT_EQ(st.nodes, 13);
    CHECK_INT_EQ(st.keys, 4);
    CHECK(st.bytes > 0);
    jf_index_free(ix);
}

static void test_styles(void) {
    const char *doc = "{\"a/b\":{\"~\":[true]},\"\":{\"q\\n\":2}}";
    jf_index *ix = build(doc, JF_STYLE_POINTER, 0);
    if (ix) {
        EXPECT_GET(ix, "/a~1b/~0/0", "true");
        EXPECT_GET(ix, "//q\n", "2");
        EXPECT_FIND(jf_index_by_key, ix, "q\n", 0, "[[\"//q\\n\",2]]");
        jf_index_free(ix);
    }
    jf_options o = opts_make(0, JF_STYLE_FLAT, 0, 0);
    opts_delim(&o, "::");
    jf_result r;
    ix = jf_index_build((const uint8_t *)doc, strlen(doc), &o, &r);
    CHECK(ix != NULL);
    if (ix) {
        EXPECT_GET(ix, "a/b::~::0", "true");
        jf_index_free(ix);
    }
    /* A path with a NUL byte inside. */
    const char nul_doc[] = "{\"a\\u0000b\":1}";
    ix = build(nul_doc, JF_STYLE_JS, 0);
    if (ix) {
        expect_get(__FILE__, __LINE__, ix, "[\"a\\u0000b\"]", 12, "1");
        jf_index_free(ix);
    }
}

static void test_big_integers(void) {
    jf_index *ix = build("{\"id\":12345678901234567890,\"x\":[12345678901234567890]}", JF_STYLE_JS,
                         JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK);
    if (!ix) return;
    EXPECT_GET(ix, "id", "\"12345678901234567890\"");
    EXPECT_FIND(jf_index_by_value, ix, "12345678901234567890", 0,
                "[[\"id\",\"12345678901234567890\",1],[\"x[0]\",\"12345678901234567890\",1]]");
    EXPECT_FIND(jf_index_by_value, ix, "12345678901234567891", 0, "[]");
    jf_index_free(ix);
}

static void test_errors(void) {
    jf_result r;
    CHECK(jf_index_build((const uint8_t *)"{\"a\":[1,}", 9, NULL, &r) == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_JSON);
    CHECK_INT_EQ(r.error.offset, 8);
    jf_options o = opts_make(0, 0, 0, 0);
    o.max_nesting = 2;
    CHECK(jf_index_build((const uint8_t *)"[[[1]]]", 7, &o, &r) == NULL);
    CHECK_INT_EQ(r.error.code, JF_NESTING_TOO_DEEP);
    CHECK_INT_EQ(r.error.offset, 2);
    CHECK(jf_index_build((const uint8_t *)"[[[]]]", 6, &o, &r) == NULL);
    CHECK_INT_EQ(r.error.code, JF_NESTING_TOO_DEEP);
    o.style = 9;
    CHECK(jf_index_build((const uint8_t *)"{}", 2, &o, &r) == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    CHECK(jf_index_build(NULL, 3, NULL, &r) == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    CHECK(jf_index_build((const uint8_t *)"{}", 2, NULL, NULL) == NULL);
    CHECK(jf_index_get(NULL, (const uint8_t *)"a", 1, &r) == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    jf_index *ix = build("5", JF_STYLE_JS, 0);
    if (ix) {
        EXPECT_GET(ix, "", "5");
        CHECK(jf_index_by_value(ix, (const uint8_t *)"[1,", 3, 0, &r) == NULL);
        CHECK_INT_EQ(r.error.code, JF_INVALID_JSON);
        CHECK(jf_index_by_key(ix, NULL, 2, 0, &r) == NULL);
        CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
        EXPECT_FIND(jf_index_by_key, ix, "", 0, "[]");
        jf_index_free(ix);
    }
    jf_index_free(NULL);
    jf_index_stats st;
    jf_index_get_stats(NULL, &st);
    CHECK_INT_EQ(st.nodes, 0);
}

/* A deep document builds without recursion and answers at the bottom. */
static void test_deep(void) {
    enum { DEPTH = 5000 };
    char *doc = malloc(2 * DEPTH + 2);
    char *path = malloc(4 * DEPTH + 1);
    for (int i = 0; i < DEPTH; i++) {
        doc[i] = '[';
        doc[DEPTH + 1 + i] = ']';
        memcpy(path + 3 * i, "[0]", 3);
    }
    doc[DEPTH] = '7';
    doc[2 * DEPTH + 1] = 0;
    path[3 * DEPTH] = 0;
    jf_index *ix = build(doc, JF_STYLE_JS, 0);
    if (ix) {
        EXPECT_GET(ix, path, "7");
        jf_index_free(ix);
    }
    free(doc);
    free(path);
}

enum { THREADS = 4, ROUNDS = 2000 };

static void *lookups(void *arg) {
    jf_index *ix = arg;
    unsigned long bad = 0;
    for (int i = 0; i < ROUNDS; i++) {
        char path[32];
        int n = snprintf(path, sizeof path, "items[%d].id", i % 100);
        jf_result r;
        uint8_t *out = jf_index_get(ix, (const uint8_t *)path, (size_t)n, &r);
        char expected[16];
        int m = snprintf(expected, sizeof expected, "%d", i % 100);
        if (!out || r.length != (uint64_t)m || memcmp(out, expected, (size_t)m) != 0) bad++;
        jf_free(out);
        out = jf_index_by_key(ix, (const uint8_t *)"id", 2, 3, &r);
        if (!out || r.leaves != 3) bad++;
        jf_free(out);
    }
    return (void *)bad;
}

static void test_threads(void) {
    char doc[4096];
    size_t at = (size_t)snprintf(doc, sizeof doc, "{\"items\":[");
    for (int i = 0; i < 100; i++) at += (size_t)snprintf(doc + at, sizeof doc - at, "%s{\"id\":%d}", i ? "," : "", i);
    snprintf(doc + at, sizeof doc - at, "]}");
    jf_index *ix = build(doc, JF_STYLE_JS, 0);
    if (!ix) return;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, lookups, ix);
    for (int i = 0; i < THREADS; i++) {
        void *bad;
        pthread_join(t[i], &bad);
        CHECK_INT_EQ((unsigned long)bad, 0);
    }
    jf_index_free(ix);
}

/* Ambiguous paths (docs/decisions.md): in flat style `{"":{"0":null}}` and
 * index 0 of `{"":[[]]}` are both spelled `0` (issue 15). get answers the
 * later value in document order; byKey and byValue list every leaf. */
static void test_ambiguous(void) {
    jf_index *ix = build("{\"\":{\"0\":null,\"\":[[]]}}", JF_STYLE_FLAT, 0);
    if (ix) {
        EXPECT_GET(ix, "0", "[]");
        EXPECT_GET(ix, "", "[[]]"); /* the member chain "" "" is spelled like the root */
        EXPECT_FIND(jf_index_by_value, ix, "null", 0, "[[\"0\",null]]");
        EXPECT_FIND(jf_index_by_value, ix, "[]", 0, "[[\"0\",[]]]");
        EXPECT_FIND(jf_index_by_key, ix, "0", 0, "[[\"0\",null]]");
        jf_index_free(ix);
    }
    ix = build("{\"a.b\":1,\"a\":{\"b\":{\"c\":2}}}", JF_STYLE_FLAT, 0);
    if (ix) {
        EXPECT_GET(ix, "a.b", "{\"c\":2}"); /* a later container wins over an earlier leaf */
        EXPECT_FIND(jf_index_by_value, ix, "1", 0, "[[\"a.b\",1]]");
        jf_index_free(ix);
    }
}

int main(void) {
    jf_alloc_stats before, after;
    jf_get_alloc_stats(&before);
    test_lookups();
    test_styles();
    test_ambiguous();
    test_big_integers();
    test_errors();
    test_deep();
    test_threads();
    jf_get_alloc_stats(&after);
    CHECK_INT_EQ(after.live_blocks, before.live_blocks);
    return check_done("test_path_index");
}
