/*==============================================================================
 * test_errors.c — every failure is a value: invalid JSON with its position,
 * nesting limits (and a 1,000,000-deep document on a 1 MiB stack), invalid
 * options, invalid UTF-8 and escaped lone surrogates with and without
 * replacement, code names, and the memory entry points.
 *============================================================================*/
#include "check.h"

#include <pthread.h>

/* The line and column an error at `offset` should carry: lines split at
 * '\n', columns count code points (bytes that are not UTF-8 continuations). */
static void expected_line_col(const char *in, size_t off, uint32_t *line, uint32_t *col) {
    uint32_t l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char b = (unsigned char)in[i];
        if (b == '\n') { l++; c = 1; }
        else if ((b & 0xC0) != 0x80) c++;
    }
    *line = l; *col = c;
}

/* Invalid JSON: NULL, INVALID_JSON, and an offset/line/column that agree. */
#define EXPECT_BAD_AT(in, off) expect_bad_at(__FILE__, __LINE__, (in), strlen(in), (off))
static void expect_bad_at(const char *file, int line, const char *in, size_t len, long long off) {
    jf_error e = expect_fail_at(file, line, 0, NULL, in, len, JF_INVALID_JSON);
    if (e.code != JF_INVALID_JSON) return;
    if (off >= 0 && e.offset != (uint64_t)off)
        check_fail(file, line, "offset %llu, expected %lld (%s)", (unsigned long long)e.offset, off, e.message);
    else check_pass();
    if (e.offset > len) { check_fail(file, line, "offset %llu beyond input", (unsigned long long)e.offset); return; }
    uint32_t l, c;
    expected_line_col(in, (size_t)e.offset, &l, &c);
    if (e.line != l || e.column != c)
        check_fail(file, line, "line:column %u:%u, expected %u:%u for offset %llu",
                   e.line, e.column, l, c, (unsigned long long)e.offset);
    else check_pass();
}

static void test_invalid_json(void) {
    /* Multi-line: line and column point at the bad byte. */
    const char *ml = "{\n  \"a\": 1,\n  \"b\": @\n}";
    jf_error e = EXPECT_FLAT_FAIL(NULL, ml, JF_INVALID_JSON);
    CHECK_INT_EQ(e.offset, 19);
    CHECK_INT_EQ(e.line, 3);
    CHECK_INT_EQ(e.column, 8);
    /* Columns count code points, not bytes. */
    e = EXPECT_FLAT_FAIL(NULL, "{\"\xc3\xa9\xe4\xb8\xad\":@}", JF_INVALID_JSON);
    CHECK_INT_EQ(e.offset, 9);
    CHECK_INT_EQ(e.line, 1);
    CHECK_INT_EQ(e.column, 7);
    /* CRLF line ends. */
    e = EXPECT_FLAT_FAIL(NULL, "{\r\n\"a\":\r\n@}", JF_INVALID_JSON);
    CHECK_INT_EQ(e.offset, 9);
    CHECK_INT_EQ(e.line, 3);
    CHECK_INT_EQ(e.column, 1);

    EXPECT_BAD_AT("[1,2,x]", 5);
    EXPECT_BAD_AT("", 0);
    EXPECT_BAD_AT("   ", -1);
    EXPECT_BAD_AT("{\"a\":1} x", 8);
    EXPECT_BAD_AT("{\"a\":1}{}", 7);
    EXPECT_BAD_AT("[1,2", -1);
    EXPECT_BAD_AT("{\"a\":1,}", -1);
    EXPECT_BAD_AT("[1,]", -1);
    EXPECT_BAD_AT("{\"a\" 1}", 5);
    EXPECT_BAD_AT("{a:1}", 1);
    EXPECT_BAD_AT("{'a':1}", 1);
    EXPECT_BAD_AT("[tru]", -1);
    EXPECT_BAD_AT("[\"\x01\"]", 2);
    EXPECT_BAD_AT("[\"abc]", -1);
    EXPECT_BAD_AT("[\"\\x\"]", -1);
    EXPECT_BAD_AT("[\"\\u12\"]", -1);
    EXPECT_BAD_AT("[1] // comment", -1);
    EXPECT_BAD_AT("/* c */ [1]", 0);
    EXPECT_BAD_AT("\"\\ud800\"", -1);          /* lone surrogate escape */
    EXPECT_BAD_AT("[\"\\udc00\\ud800\"]", -1);  /* reversed pair */
    EXPECT_BAD_AT("{\"a\":1,\"b\":{\"c\":[1,2,{\"d\":}]}}", 26);

    /* NUL input pointer with length 0. */
    jf_result r;
    uint8_t *out = jf_flatten(NULL, 0, NULL, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_JSON);
    out = jf_unflatten(NULL, 0, NULL, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_JSON);

    /* A failure leaves length 0 and a NUL-terminated message. */
    memset(&r, 0x77, sizeof r);
    out = jf_flatten((const uint8_t *)"[", 1, NULL, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.length, 0);
    CHECK(memchr(r.error.message, 0, sizeof r.error.message) != NULL);

    /* Every y_/n_ case of JSONTestSuite that a strict parser must decide. */
    {
        static const char *yes[] = {
            "[[]   ]", "[1E22]", "[-0]", "{\"\":0}", "[\"\\u0000\"]", "[\"\\uDBFF\\uDFFF\"]",
            "[\"\xf4\x8f\xbf\xbf\"]", "{\"a\":\"b\",\"a\":\"c\"}", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", NULL };
        static const char *no[] = {
            "[1 true]", "[\"a\",,]", "[,1]", "{\"a\":\"b\"}#", "[\"\t\"]", "[-01]", "[1e]", "[1e+]",
            "[\"\\uqqqq\"]", "\xef\xbb\xbf\xef\xbb\xbf[]", "[\xff]", "{\"a\":true} \"x\"", "[\"\xed\xa0\x80\"]",
            "[\"\xc0\xaf\"]", "[\"\xf4\x90\x80\x80\"]", "[nul]", "[1.5e999x]", NULL };
        for (int i = 0; yes[i]; i++) {
            jf_result rr;
            uint8_t *o2 = jf_flatten((const uint8_t *)yes[i], strlen(yes[i]), NULL, &rr);
            CHECK_MSG(o2 != NULL, "valid input %s rejected: %s", yes[i], rr.error.message);
            jf_free(o2);
        }
        for (int i = 0; no[i]; i++) {
            EXPECT_FLAT_FAIL(NULL, no[i], JF_INVALID_JSON);
        }
        EXPECT_FLAT_FAIL_N(NULL, "[\"a\"\0]", 6, JF_INVALID_JSON);
        EXPECT_FLAT_FAIL_N(NULL, "[1]\0", 4, JF_INVALID_JSON);
    }
}

/*------------------------------------------------------------------------------
 * Nesting
 *----------------------------------------------------------------------------*/

static char *nested_arrays(size_t depth, size_t *len) {
    char *s = malloc(depth * 2 + 1);
    memset(s, '[', depth);
    memset(s + depth, ']', depth);
    s[depth * 2] = 0;
    *len = depth * 2;
    return s;
}

static char *nested_objects(size_t depth, size_t *len) {
    /* {"a":{"a":...{}...}} : depth objects, the innermost empty */
    size_t n = 0;
    char *s = malloc(depth * 6 + 8);
    for (size_t i = 0; i + 1 < depth; i++) { memcpy(s + n, "{\"a\":", 5); n += 5; }
    s[n++] = '{';
    for (size_t i = 0; i < depth; i++) s[n++] = '}';
    s[n] = 0;
    *len = n;
    return s;
}

static void test_nesting(void) {
    size_t len;
    jf_options o = opts_make(JF_MODE_LEAF, JF_STYLE_JS, JF_FORMAT_OBJECT, 0);

    /* The root container is depth 1. */
    o.max_nesting = 1;
    EXPECT_FLAT(&o, "[]", "{\"\":[]}");
    EXPECT_FLAT(&o, "[1,2]", "{\"[0]\":1,\"[1]\":2}");
    EXPECT_FLAT(&o, "7", "{\"\":7}");
    jf_error e = EXPECT_FLAT_FAIL(&o, "[1,[2]]", JF_NESTING_TOO_DEEP);
    CHECK_INT_EQ(e.offset, 3);
    e = EXPECT_FLAT_FAIL(&o, "{\"a\":\n {}}", JF_NESTING_TOO_DEEP);
    CHECK_INT_EQ(e.offset, 7);
    CHECK_INT_EQ(e.line, 2);
    CHECK_INT_EQ(e.column, 2);

    static const uint32_t limits[] = { 2, 3, 17, 100, 1000 };
    for (size_t k = 0; k < sizeof limits / sizeof *limits; k++) {
        uint32_t lim = limits[k];
        o.max_nesting = lim;
        char *s = nested_arrays(lim, &len);
        jf_result r;
        uint8_t *out = jf_flatten((const uint8_t *)s, len, &o, &r);
        CHECK_MSG(out != NULL, "depth %u with max_nesting %u: %s", lim, lim, r.error.message);
        jf_free(out);
        free(s);
        s = nested_arrays(lim + 1, &len);
        e = EXPECT_FLAT_FAIL_N(&o, s, len, JF_NESTING_TOO_DEEP);
        CHECK_INT_EQ(e.offset, lim);
        free(s);

        s = nested_objects(lim, &len);
        out = jf_flatten((const uint8_t *)s, len, &o, &r);
        CHECK_MSG(out != NULL, "object depth %u with max_nesting %u: %s", lim, lim, r.error.message);
        jf_free(out);
        free(s);
        s = nested_objects(lim + 1, &len);
        e = EXPECT_FLAT_FAIL_N(&o, s, len, JF_NESTING_TOO_DEEP);
        CHECK_INT_EQ(e.offset, (uint64_t)lim * 5);
        free(s);
    }

    /* The default: 10,000 passes, 10,001 fails at the 10,001st bracket. */
    o.max_nesting = 0;
    char *s = nested_arrays(JF_DEFAULT_MAX_NESTING, &len);
    {
        size_t elen = 2 + 3 * (JF_DEFAULT_MAX_NESTING - 1) + 5;
        char *exp = malloc(elen + 1), *p = exp;
        *p++ = '{'; *p++ = '"';
        for (unsigned i = 0; i + 1 < JF_DEFAULT_MAX_NESTING; i++) { memcpy(p, "[0]", 3); p += 3; }
        memcpy(p, "\":[]}", 5); p += 5;
        EXPECT_FLAT_N(&o, s, len, exp, (size_t)(p - exp));
        free(exp);
    }
    free(s);
    s = nested_arrays(JF_DEFAULT_MAX_NESTING + 1, &len);
    e = EXPECT_FLAT_FAIL_N(&o, s, len, JF_NESTING_TOO_DEEP);
    CHECK_INT_EQ(e.offset, JF_DEFAULT_MAX_NESTING);
    free(s);
    /* Grouped mode and the other styles share the limit. */
    for (uint32_t style = 0; style < 3; style++) {
        jf_options g = opts_make(JF_MODE_GROUPED, style, JF_FORMAT_ENTRIES, 0);
        s = nested_arrays(JF_DEFAULT_MAX_NESTING + 1, &len);
        e = EXPECT_FLAT_FAIL_N(&g, s, len, JF_NESTING_TOO_DEEP);
        CHECK_INT_EQ(e.offset, JF_DEFAULT_MAX_NESTING);
        free(s);
    }
    /* An unclosed deep document is too deep before it is truncated. */
    s = nested_arrays(JF_DEFAULT_MAX_NESTING + 5, &len);
    e = EXPECT_FLAT_FAIL_N(&o, s, JF_DEFAULT_MAX_NESTING + 5, JF_NESTING_TOO_DEEP);
    CHECK_INT_EQ(e.offset, JF_DEFAULT_MAX_NESTING);
    free(s);
}

/* A very deep document on a small stack: proves no per-level recursion in
 * the parser, the walker, the subtree writer and unflatten. */
struct deep_args { size_t depth; };

static void *deep_thread(void *arg) {
    size_t depth = ((struct deep_args *)arg)->depth;
    size_t len;
    char *s = nested_arrays(depth, &len);
    jf_options o = opts_make(JF_MODE_LEAF, JF_STYLE_JS, JF_FORMAT_OBJECT, 0);
    o.max_nesting = 2000000;
    jf_result r;

    /* Leaf mode: one leaf, the innermost [] at [0][0]... */
    uint8_t *out = jf_flatten((const uint8_t *)s, len, &o, &r);
    CHECK_MSG(out != NULL, "deep flatten failed: %s", r.error.message);
    if (out) {
        size_t elen = 2 + 3 * (depth - 1) + 5;
        int ok = r.length == elen && memcmp(out, "{\"", 2) == 0 && memcmp(out + elen - 5, "\":[]}", 5) == 0;
        for (size_t i = 0; ok && i + 1 < depth; i++) ok = memcmp(out + 2 + 3 * i, "[0]", 3) == 0;
        CHECK_MSG(ok, "deep flatten output wrong (length %llu)", (unsigned long long)r.length);
        CHECK_INT_EQ(r.leaves, 1);
        /* ... and back: unflatten rebuilds the same document. */
        jf_result r2;
        uint8_t *back = jf_unflatten(out, (size_t)r.length, &o, &r2);
        CHECK_MSG(back != NULL, "deep unflatten failed: %s", r2.error.message);
        if (back) CHECK_MEM_EQ(back, (size_t)r2.length, s, len);
        jf_free(back);
        jf_free(out);
    }

    /* Pointer style, grouped mode, entries. */
    o.style = JF_STYLE_POINTER; o.mode = JF_MODE_GROUPED; o.format = JF_FORMAT_ENTRIES;
    out = jf_flatten((const uint8_t *)s, len, &o, &r);
    CHECK_MSG(out != NULL, "deep grouped flatten failed: %s", r.error.message);
    if (out) {
        size_t elen = 3 + 3 * (depth - 1) + 8; /* [[" + /[] * (d-1) + ",[[]]]] */
        CHECK_INT_EQ(r.length, elen);
        CHECK(r.length == elen && memcmp(out + elen - 8, "\",[[]]]]", 8) == 0);
    }
    jf_free(out);

    /* max_depth 1: the whole inner subtree written compact in one value. */
    o = opts_make(JF_MODE_LEAF, JF_STYLE_JS, JF_FORMAT_OBJECT, 0);
    o.max_nesting = 2000000;
    o.max_depth = 1;
    out = jf_flatten((const uint8_t *)s, len, &o, &r);
    CHECK_MSG(out != NULL, "deep max_depth flatten failed: %s", r.error.message);
    if (out) {
        /* {"[0]": + the document minus the root brackets + } */
        int ok = r.length == 7 + (len - 2) + 1 && memcmp(out, "{\"[0]\":", 7) == 0 &&
                 memcmp(out + 7, s + 1, len - 2) == 0 && out[r.length - 1] == '}';
        CHECK_MSG(ok, "deep max_depth output wrong");
    }
    jf_free(out);

    /* Deep objects: a path of a million names, then back. */
    free(s);
    s = nested_objects(depth, &len);
    o.max_depth = 0;
    out = jf_flatten((const uint8_t *)s, len, &o, &r);
    CHECK_MSG(out != NULL, "deep object flatten failed: %s", r.error.message);
    if (out) {
        jf_result r2;
        uint8_t *back = jf_unflatten(out, (size_t)r.length, &o, &r2);
        CHECK_MSG(back != NULL, "deep object unflatten failed: %s", r2.error.message);
        if (back) CHECK_MEM_EQ(back, (size_t)r2.length, s, len);
        jf_free(back);
    }
    jf_free(out);

    /* With the default limit it fails cleanly. */
    free(s);
    s = nested_arrays(depth, &len);
    o = opts_make(JF_MODE_LEAF, JF_STYLE_JS, JF_FORMAT_OBJECT, 0);
    out = jf_flatten((const uint8_t *)s, len, &o, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_NESTING_TOO_DEEP);
    CHECK_INT_EQ(r.error.offset, JF_DEFAULT_MAX_NESTING);
    jf_free(out);
    free(s);
    return NULL;
}

static void test_deep_small_stack(void) {
    struct deep_args a = { 1000000 };
    const char *env = getenv("JF_TEST_DEEP");
    if (env && *env) a.depth = (size_t)strtoull(env, NULL, 10);
    if (a.depth < JF_DEFAULT_MAX_NESTING + 1) a.depth = JF_DEFAULT_MAX_NESTING + 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    CHECK_INT_EQ(pthread_attr_setstacksize(&attr, 1u << 20), 0);
    pthread_t t;
    int rc = pthread_create(&t, &attr, deep_thread, &a);
    CHECK_INT_EQ(rc, 0);
    if (rc == 0) pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    printf("deep test: depth %zu on a 1 MiB stack\n", a.depth);
}

/*------------------------------------------------------------------------------
 * Options
 *----------------------------------------------------------------------------*/

static void test_invalid_options(void) {
    const char *doc = "{\"a\":1}";
    jf_options o;

    o = opts_make(0, 7, 0, 0);
    EXPECT_FLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    EXPECT_UNFLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    o = opts_make(0, 3, 0, 0);
    EXPECT_FLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    o = opts_make(9, 0, 0, 0);
    EXPECT_FLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    o = opts_make(3, 0, 0, 0); /* 2 is schema mode */
    EXPECT_FLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    o = opts_make(0, 0, 2, 0);
    EXPECT_FLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    o = opts_make(0, 0, 0, 0);
    o.delimiter_len = 33;
    EXPECT_FLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    o.style = JF_STYLE_FLAT;
    EXPECT_FLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    EXPECT_UNFLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    o.delimiter_len = 0xFFFFFFFFu;
    EXPECT_FLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    o = opts_make(0, 0, 0, 1u << 10);
    EXPECT_FLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    o = opts_make(0, 0, 0, 0x80000000u);
    EXPECT_FLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    o = opts_make(0, 0, 0, 0);
    o.reserved = 1;
    EXPECT_FLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    EXPECT_UNFLAT_FAIL(&o, doc, JF_INVALID_OPTION);
    /* Options are checked before the input: bad JSON with a bad option is
     * an option error. */
    o = opts_make(0, 7, 0, 0);
    EXPECT_FLAT_FAIL(&o, "[", JF_INVALID_OPTION);
    /* Limits at their edges are fine. */
    o = opts_make(0, 0, 0, 0);
    o.max_nesting = 0xFFFFFFFFu;
    o.max_depth = 0xFFFFFFFFu;
    EXPECT_FLAT(&o, doc, "{\"a\":1}");
    o = opts_make(0, JF_STYLE_FLAT, 0, 0);
    o.delimiter_len = 32;
    memset(o.delimiter, '-', 32);
    EXPECT_FLAT(&o, "{\"a\":{\"b\":1}}", "{\"a--------------------------------b\":1}");
}

/*------------------------------------------------------------------------------
 * UTF-8
 *----------------------------------------------------------------------------*/

#define FFFD "\xef\xbf\xbd"

static void test_utf8(void) {
    jf_options strict = opts_make(0, 0, 0, 0);
    jf_options repl = opts_make(0, 0, 0, JF_FLAG_REPLACE_INVALID_UTF8);
    static const struct { const char *in, *out; int valid; } cases[] = {
        { "[\"a\xff" "b\"]", "{\"[0]\":\"a" FFFD "b\"}", 0 },
        { "[\"\xe2\x82\"]", "{\"[0]\":\"" FFFD "\"}", 0 },             /* truncated 3-byte */
        { "[\"\xe2\x82x\"]", "{\"[0]\":\"" FFFD "x\"}", 0 },
        { "[\"\xf0\x9f\x98\"]", "{\"[0]\":\"" FFFD "\"}", 0 },         /* truncated 4-byte */
        { "[\"\xc0\x80\"]", "{\"[0]\":\"" FFFD FFFD "\"}", 0 },        /* overlong NUL */
        { "[\"\xe0\x80\xaf\"]", "{\"[0]\":\"" FFFD FFFD FFFD "\"}", 0 }, /* overlong / */
        { "[\"\xed\xa0\x80\"]", "{\"[0]\":\"" FFFD FFFD FFFD "\"}", 0 }, /* surrogate */
        { "[\"\xf4\x90\x80\x80\"]", "{\"[0]\":\"" FFFD FFFD FFFD FFFD "\"}", 0 }, /* > U+10FFFF */
        { "[\"\x80\x80\"]", "{\"[0]\":\"" FFFD FFFD "\"}", 0 },        /* lone continuations */
        { "[\"\xfe\xff\"]", "{\"[0]\":\"" FFFD FFFD "\"}", 0 },
        { "[\"\xc3\"]", "{\"[0]\":\"" FFFD "\"}", 0 },                 /* truncated at the quote */
        { "{\"k\xff\":1}", "{\"[\\\"k" FFFD "\\\"]\":1}", 0 },          /* in a name */
        { "{\"a\":{\"b\":\"\xff\"}}", "{\"a.b\":\"" FFFD "\"}", 0 },
        /* Valid UTF-8 is untouched. */
        { "[\"\xc3\xa9\xf4\x8f\xbf\xbf\"]", "{\"[0]\":\"\xc3\xa9\xf4\x8f\xbf\xbf\"}", 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (cases[i].valid) EXPECT_FLAT(&strict, cases[i].in, cases[i].out);
        else EXPECT_FLAT_FAIL(&strict, cases[i].in, JF_INVALID_JSON);
        EXPECT_FLAT(&repl, cases[i].in, cases[i].out);
    }
    jf_error e = EXPECT_FLAT_FAIL(&strict, "[\"ab\xff\"]", JF_INVALID_JSON);
    CHECK_INT_EQ(e.offset, 4);
    /* Outside strings invalid bytes are invalid JSON in any case. */
    EXPECT_FLAT_FAIL(&repl, "[1]\xff", JF_INVALID_JSON);
    EXPECT_FLAT_FAIL(&repl, "[\xff]", JF_INVALID_JSON);
    /* Replacement in a subtree written whole, and in entries. */
    repl.max_depth = 1;
    EXPECT_FLAT(&repl, "{\"a\":{\"b\xff\":\"\xff\"}}", "{\"a\":{\"b" FFFD "\":\"" FFFD "\"}}");
    repl.max_depth = 0;
    repl.format = JF_FORMAT_ENTRIES;
    repl.style = JF_STYLE_POINTER;
    EXPECT_FLAT(&repl, "{\"\xff\":\"\xc0\"}", "[[\"/" FFFD "\",\"" FFFD "\"]]");
    /* Unflatten honours the flag. */
    jf_options u = opts_make(0, 0, 0, 0);
    EXPECT_UNFLAT_FAIL(&u, "{\"a\":\"\xff\"}", JF_INVALID_JSON);
    EXPECT_UNFLAT_FAIL(&u, "{\"a\xff\":1}", JF_INVALID_JSON);
    u.flags = JF_FLAG_REPLACE_INVALID_UTF8;
    EXPECT_UNFLAT(&u, "{\"a\":\"\xff\"}", "{\"a\":\"" FFFD "\"}");
    EXPECT_UNFLAT(&u, "{\"a\xff.b\":1}", "{\"a" FFFD "\":{\"b\":1}}");
}

/*------------------------------------------------------------------------------
 * Escaped lone surrogates ("x\\ud83d", as JSON.stringify writes a string cut
 * inside a pair): yyjson refuses them under any flag, so jf_parse_failed does
 * the work. Refused at the lone escape's backslash, named as written; with
 * the replacement flag each one is U+FFFD (every parsing entry point).
 *----------------------------------------------------------------------------*/

#define EXPECT_LONE_AT(o, in, off, escape) expect_lone_at(__FILE__, __LINE__, (o), (in), (off), (escape))
static void expect_lone_at(const char *file, int line, const jf_options *o, const char *in, uint64_t off,
                           const char *escape) {
    jf_error e = expect_fail_at(file, line, 0, o, in, strlen(in), JF_INVALID_JSON);
    if (e.code != JF_INVALID_JSON) return;
    if (e.offset != off) check_fail(file, line, "offset %llu, expected %llu (%s)", (unsigned long long)e.offset,
                                    (unsigned long long)off, e.message);
    else check_pass();
    char want[64];
    snprintf(want, sizeof want, "lone surrogate %s in string (replaceInvalidUtf8", escape);
    if (!strstr(e.message, want)) check_fail(file, line, "message \"%s\" lacks \"%s\"", e.message, want);
    else check_pass();
}

static void test_lone_surrogates(void) {
    jf_options strict = opts_make(0, 0, 0, 0);
    jf_options repl = opts_make(0, 0, 0, JF_FLAG_REPLACE_INVALID_UTF8);
    EXPECT_LONE_AT(&strict, "[\"\\uDC01\"]", 2, "\\uDC01");
    EXPECT_LONE_AT(&strict, "{\"a\":\"x\\ud83d\"}", 7, "\\ud83d");
    EXPECT_LONE_AT(&strict, "{\"\\udc00\":1}", 2, "\\udc00");
    EXPECT_LONE_AT(&strict, "[\"\\ud800\\u0041\"]", 2, "\\ud800");
    EXPECT_LONE_AT(&strict, "[\"\\ud800\\ud800\\udc00\"]", 2, "\\ud800");
    EXPECT_LONE_AT(&strict, "[\"\\ud83d\\ude00\\ude00\"]", 14, "\\ude00");
    EXPECT_LONE_AT(&strict, "[\"\\udc00\\ud800\"]", 2, "\\udc00");
    EXPECT_LONE_AT(&strict, "[\"\\ud800\\uZZZZ\"]", 2, "\\ud800");
    EXPECT_LONE_AT(&strict, "[\"\\ud800", 2, "\\ud800");
    EXPECT_LONE_AT(&strict, "\xef\xbb\xbf[\"\\ud800\"]", 5, "\\ud800");
    EXPECT_LONE_AT(&strict, "[\"\\\\\",\"\\ud800\"]", 7, "\\ud800"); /* an escaped backslash first */
    /* Faults come in document order. */
    EXPECT_BAD_AT("[1 \"\\ud800\"]", 3);
    jf_options shallow = strict;
    shallow.max_nesting = 1;
    jf_error e = EXPECT_FLAT_FAIL(&shallow, "[[\"\\ud800\"]]", JF_NESTING_TOO_DEEP);
    CHECK_INT_EQ(e.offset, 1);
    EXPECT_LONE_AT(&shallow, "[\"\\ud800\",[1]]", 2, "\\ud800");

    /* Replacement: one U+FFFD per lone escape; pairs and other escapes stay. */
    EXPECT_FLAT(&repl, "[\"\\uDC01\"]", "{\"[0]\":\"" FFFD "\"}");
    EXPECT_FLAT(&repl, "{\"a\":\"x\\ud83d\"}", "{\"a\":\"x" FFFD "\"}");
    EXPECT_FLAT(&repl, "[\"\\ud800\\u0041\"]", "{\"[0]\":\"" FFFD "A\"}");
    EXPECT_FLAT(&repl, "[\"\\ud800\\ud83d\\ude00\\udfff\"]", "{\"[0]\":\"" FFFD "\xf0\x9f\x98\x80" FFFD "\"}");
    EXPECT_FLAT(&repl, "{\"\\udc00\":{\"\\ud800\":1}}", "{\"[\\\"" FFFD "\\\"][\\\"" FFFD "\\\"]\":1}");
    EXPECT_FLAT(&repl, "[\"\\ud800\xff\\udc00\"]", "{\"[0]\":\"" FFFD FFFD FFFD "\"}");
    EXPECT_FLAT(&repl, "\xef\xbb\xbf[\"\\ud800\"]", "{\"[0]\":\"" FFFD "\"}");
    EXPECT_FLAT(&repl, "[\"\\\\ud800\"]", "{\"[0]\":\"\\\\ud800\"}"); /* an escaped backslash, no escape */
    /* A later fault keeps its offset in the caller's bytes. */
    e = EXPECT_FLAT_FAIL(&repl, "[\"\\ud800\\uZZZZ\"]", JF_INVALID_JSON);
    CHECK_INT_EQ(e.offset, 8);
    e = EXPECT_FLAT_FAIL(&repl, "[\"\\ud800\",\"a\tb\"]", JF_INVALID_JSON);
    CHECK_INT_EQ(e.offset, 12);
    e = EXPECT_FLAT_FAIL(&repl, "[\"a\tb\",\"\\ud800\"]", JF_INVALID_JSON);
    CHECK_INT_EQ(e.offset, 3);
    repl.max_nesting = 1;
    e = EXPECT_FLAT_FAIL(&repl, "[\"\\ud800\",[1]]", JF_NESTING_TOO_DEEP);
    CHECK_INT_EQ(e.offset, 10);
    repl.max_nesting = 0;

    /* Unflatten parses with the same entry. */
    EXPECT_UNFLAT_FAIL(&strict, "{\"a\":\"x\\ud83d\"}", JF_INVALID_JSON);
    EXPECT_UNFLAT(&repl, "{\"a\":\"x\\ud83d\",\"\\udc00.b\":1}", "{\"a\":\"x" FFFD "\",\"" FFFD "\":{\"b\":1}}");

    /* NDJSON lines: the same error per line, or the replacement. */
    const char *lines = "{\"a\":1}\n{\"b\":\"\\udc01\"}\n{\"c\":3}\n";
    jf_lines_options lo;
    memset(&lo, 0, sizeof lo);
    jf_lines_result r;
    uint8_t *out = jf_flatten_lines((const uint8_t *)lines, strlen(lines), &strict, &lo, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_JSON);
    CHECK_INT_EQ(r.error.line, 2);
    CHECK_INT_EQ(r.error.offset, 14);
    jf_free(out);
    repl.style = JF_STYLE_POINTER;
    out = jf_flatten_lines((const uint8_t *)lines, strlen(lines), &repl, &lo, &r);
    CHECK(out != NULL);
    if (out) CHECK_MEM_STR(out, (size_t)r.length, "{\"/a\":1}\n{\"/b\":\"" FFFD "\"}\n{\"/c\":3}\n");
    jf_free(out);
}

/*------------------------------------------------------------------------------
 * Names and memory entry points
 *----------------------------------------------------------------------------*/

static void test_code_names(void) {
    CHECK_STR_EQ(jf_code_name(JF_OK), "OK");
    CHECK_STR_EQ(jf_code_name(JF_INVALID_JSON), "INVALID_JSON");
    CHECK_STR_EQ(jf_code_name(JF_NESTING_TOO_DEEP), "NESTING_TOO_DEEP");
    CHECK_STR_EQ(jf_code_name(JF_INPUT_TOO_LARGE), "INPUT_TOO_LARGE");
    CHECK_STR_EQ(jf_code_name(JF_INVALID_OPTION), "INVALID_OPTION");
    CHECK_STR_EQ(jf_code_name(JF_PATH_CONFLICT), "PATH_CONFLICT");
    CHECK_STR_EQ(jf_code_name(JF_INVALID_PATH), "INVALID_PATH");
    CHECK_STR_EQ(jf_code_name(JF_IO), "IO");
    CHECK_STR_EQ(jf_code_name(JF_ABORTED), "ABORTED");
    CHECK_STR_EQ(jf_code_name(JF_TIMEOUT), "TIMEOUT");
    CHECK_STR_EQ(jf_code_name(JF_OUT_OF_MEMORY), "OUT_OF_MEMORY");
    CHECK_STR_EQ(jf_code_name(JF_CORRUPT), "CORRUPT");
    CHECK_STR_EQ(jf_code_name(JF_SHAPE_MISMATCH), "SHAPE_MISMATCH");
    CHECK_STR_EQ(jf_code_name(JF_NOT_SUPPORTED), "NOT_SUPPORTED");
    CHECK_STR_EQ(jf_code_name(14), "UNKNOWN");
    CHECK_STR_EQ(jf_code_name(-1), "UNKNOWN");
    CHECK_STR_EQ(jf_code_name(INT32_MAX), "UNKNOWN");
    CHECK_STR_EQ(jf_code_name(INT32_MIN), "UNKNOWN");
}

static void test_free(void) {
    jf_free(NULL);
    jf_free_callback(NULL, NULL);
    CHECK(jf_free_callback_address() == (void *)&jf_free_callback);

    jf_alloc_stats before, held, after;
    jf_get_alloc_stats(&before);
    jf_result r;
    uint8_t *a = jf_flatten((const uint8_t *)"{\"a\":[1,2]}", 11, NULL, &r);
    uint8_t *b = jf_flatten((const uint8_t *)"{\"b\":{}}", 8, NULL, &r);
    CHECK(a != NULL && b != NULL);
    jf_get_alloc_stats(&held);
    CHECK_INT_EQ(held.live_blocks, before.live_blocks + 2);
    CHECK(held.live_bytes >= before.live_bytes + 2 * 8);
    CHECK(held.total_blocks >= before.total_blocks + 2);
    jf_free_callback(a, (void *)0x1234);
    void (*fn)(void *, void *) = (void (*)(void *, void *))jf_free_callback_address();
    fn(b, NULL);
    jf_get_alloc_stats(&after);
    CHECK_INT_EQ(after.live_blocks, before.live_blocks);
    CHECK_INT_EQ(after.live_bytes, before.live_bytes);
    /* Any thread may free a block another thread received: covered by
     * test_threads. */
}

int main(void) {
    test_invalid_json();
    test_nesting();
    test_deep_small_stack();
    test_invalid_options();
    test_utf8();
    test_lone_surrogates();
    test_code_names();
    test_free();
    return check_done("test_errors");
}
