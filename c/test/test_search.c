/*==============================================================================
 * test_search.c — search's exact number equality (exponents of any length,
 * in jf_search and in the index's by-value lookup, which shares it), the
 * query limits (JF_QUERY_MAX_*: refused with INVALID_OPTION naming the
 * limit, accepted at the limit), collapsed runs of `**`, globs over a
 * document nested thousands deep, and no leak afterwards.
 *============================================================================*/
#include "check.h"

/* Hits of `query` over `doc`, or -1 (with the error printed) when it fails. */
static long hits_of(const char *query, const char *doc, size_t doc_len) {
    jf_error qe;
    jf_query *q = jf_query_compile((const uint8_t *)query, strlen(query), &qe);
    if (!q) {
        fprintf(stderr, "query %.80s: %s\n", query, qe.message);
        return -1;
    }
    jf_options o = opts_make(0, 0, 0, 0);
    jf_result r;
    uint8_t *out = jf_search((const uint8_t *)doc, doc_len, q, &o, &r);
    long n = out ? (long)r.leaves : -1;
    if (!out) fprintf(stderr, "search %.80s: %s\n", query, r.error.message);
    jf_free(out);
    jf_query_free(q);
    return n;
}

/*------------------------------------------------------------------------------
 * Numbers: equal by exact decimal value, whatever the exponent's length
 *----------------------------------------------------------------------------*/

typedef struct number_case {
    const char *a, *b;
    int         equal;
} number_case;

static const number_case numbers[] = {
    /* Issue 15: exponents beyond about 4e9 were cut, so these compared equal. */
    { "1e6871947673", "1e68719476736", 0 },
    { "1e100000000001", "1e100000000000", 0 },
    { "1e68719476736", "1e68719476736", 1 },
    { "-1e-68719476736", "-1e-6871947673", 0 },
    /* The same value spelled with the exponent moved into the mantissa. */
    { "10e68719476735", "1e68719476736", 1 },
    { "0.01e68719476738", "1e68719476736", 1 },
    { "1000e-68719476739", "1E-68719476736", 1 },
    /* Across 10^18, where the exponent leaves an int64's easy range: a carry
     * (999...997 + 3) and a borrow (10^21 + 2 - 3). */
    { "1000e999999999999999999997", "1e1000000000000000000000", 1 },
    { "0.001e1000000000000000000002", "1e999999999999999999999", 1 },
    { "0.001e1000000000000000000002", "1e1000000000000000000000", 0 },
    /* An 18-digit exponent (summed in an int64) against 19 digits (streamed). */
    { "1e999999999999999999", "0.1e1000000000000000000", 1 },
    { "10e999999999999999998", "0.1e1000000000000000000", 1 },
    { "1e999999999999999999", "1e1000000000000000000", 0 },
    { "-1e-999999999999999999", "-0.1e-999999999999999998", 1 },
    { "1e-999999999999999999", "-1e-999999999999999999", 0 },
    /* Leading zeros in the exponent, and exponent 0 written long. */
    { "1e00000000000000000000000000005", "100000", 1 },
    { "5e-0000000000000000000000000000", "5", 1 },
    { "1e99999999999999999999999", "1e99999999999999999999998", 0 },
    { "1e99999999999999999999999", "10e99999999999999999999998", 1 },
    /* Zero is zero at any exponent; digits still count. */
    { "0e99999999999999999999999", "-0.0e-5", 1 },
    { "12345678901234567890123e-1000000000000000000000", "1.2345678901234567890123e-999999999999999999978", 1 },
    { "12345678901234567890123e-1000000000000000000000", "1.2345678901234567890124e-999999999999999999978", 0 },
};

static void test_numbers(void) {
    jf_options o = opts_make(0, 0, 0, 0);
    for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) {
        const number_case *c = &numbers[i];
        for (int swap = 0; swap < 2; swap++) {
            const char *in_doc = swap ? c->b : c->a, *wanted = swap ? c->a : c->b;
            char doc[256], query[256];
            snprintf(doc, sizeof doc, "{\"n\":%s,\"s\":\"%s\"}", in_doc, wanted);
            snprintf(query, sizeof query, "{\"value\":%s}", wanted);
            long n = hits_of(query, doc, strlen(doc));
            CHECK_MSG(n == c->equal, "search %s in %s: %ld hits, want %d", wanted, in_doc, n, c->equal);

            /* The index's by-value lookup shares the equality and its hash. */
            jf_result r;
            jf_index *ix = jf_index_build((const uint8_t *)doc, strlen(doc), &o, &r);
            CHECK_MSG(ix != NULL, "index %s: %s", doc, ix ? "" : r.error.message);
            if (!ix) continue;
            uint8_t *out = jf_index_by_value(ix, (const uint8_t *)wanted, strlen(wanted), 0, &r);
            CHECK_MSG(out && (long)r.leaves == c->equal, "byValue %s in %s: %llu", wanted, in_doc,
                      out ? (unsigned long long)r.leaves : 99ull);
            jf_free(out);
            jf_index_free(ix);
        }
    }
}

/*------------------------------------------------------------------------------
 * Limits
 *----------------------------------------------------------------------------*/

/* `{"path":"<glob>"}` for a glob made of `count` copies of `segment` joined by '.'. */
static char *glob_query(const char *segment, size_t count, const char *tail) {
    size_t seg = strlen(segment), cap = count * (seg + 1) + strlen(tail) + 32;
    char *q = malloc(cap);
    size_t n = (size_t)snprintf(q, cap, "{\"path\":\"");
    for (size_t i = 0; i < count; i++) {
        if (i) q[n++] = '.';
        memcpy(q + n, segment, seg);
        n += seg;
    }
    snprintf(q + n, cap - n, "%s\"}", tail);
    return q;
}

#define EXPECT_REFUSED(query, len, limit) expect_refused(__FILE__, __LINE__, (query), (len), (limit))
static void expect_refused(const char *file, int line, const char *query, size_t len, const char *limit) {
    jf_error e;
    jf_query *q = jf_query_compile((const uint8_t *)query, len, &e);
    if (q) check_fail(file, line, "a query over %s compiled", limit);
    else if (e.code != JF_INVALID_OPTION || !strstr(e.message, limit))
        check_fail(file, line, "over %s: %s: %s", limit, jf_code_name(e.code), e.message);
    else check_pass();
    jf_query_free(q);
}

#define EXPECT_COMPILES(query) expect_compiles(__FILE__, __LINE__, (query))
static void expect_compiles(const char *file, int line, const char *query) {
    jf_error e;
    jf_query *q = jf_query_compile((const uint8_t *)query, strlen(query), &e);
    if (!q) check_fail(file, line, "at the limit: %s", e.message);
    else check_pass();
    jf_query_free(q);
}

static void test_limits(void) {
    /* Segments, counted after collapsing: a.a.a... at and over the limit. */
    char *q = glob_query("a", JF_QUERY_MAX_SEGMENTS, "");
    EXPECT_COMPILES(q);
    free(q);
    q = glob_query("a", JF_QUERY_MAX_SEGMENTS + 1, "");
    EXPECT_REFUSED(q, strlen(q), "JF_QUERY_MAX_SEGMENTS");
    free(q);
    /* **.* does not collapse: 1025 of them are over. */
    q = glob_query("**.*", (JF_QUERY_MAX_SEGMENTS + 2) / 2, "");
    EXPECT_REFUSED(q, strlen(q), "JF_QUERY_MAX_SEGMENTS");
    free(q);
    /* 20,000 ** then a name: 60 KB, two segments once collapsed. */
    q = glob_query("**", 20000, ".id");
    EXPECT_COMPILES(q);
    free(q);

    /* Path bytes: one name of exactly the limit, then one byte more. */
    q = glob_query("a", 1, "");
    char *long_name = malloc(JF_QUERY_MAX_PATH_BYTES + 32);
    int n = snprintf(long_name, 32, "{\"path\":\"");
    memset(long_name + n, 'b', JF_QUERY_MAX_PATH_BYTES);
    strcpy(long_name + n + JF_QUERY_MAX_PATH_BYTES, "\"}");
    EXPECT_COMPILES(long_name);
    free(long_name);
    free(q);
    q = glob_query("**", JF_QUERY_MAX_PATH_BYTES / 3 + 1, ""); /* 3 bytes a segment: one over */
    EXPECT_REFUSED(q, strlen(q), "JF_QUERY_MAX_PATH_BYTES");
    free(q);

    /* The whole query text, whatever field makes it long; the check comes
     * before the text is parsed, so its tail need not even be read. */
    size_t big = JF_QUERY_MAX_BYTES + 1;
    char *text = malloc(big);
    memset(text, ' ', big);
    memcpy(text, "{\"key\":\"", 8);
    EXPECT_REFUSED(text, big, "JF_QUERY_MAX_BYTES");
    free(text);

    /* A field twice would have joined two globs into one. */
    jf_error e;
    jf_query *dup = jf_query_compile((const uint8_t *)"{\"path\":\"a\",\"path\":\"b\"}", 23, &e);
    CHECK_MSG(!dup && e.code == JF_INVALID_OPTION && strstr(e.message, "twice"), "path twice: %s", e.message);
    jf_query_free(dup);
}

/*------------------------------------------------------------------------------
 * Globs: collapsed runs of ** match as one, and deep paths match exactly
 *----------------------------------------------------------------------------*/

/* {"a":{"a":...{"a":[1,{"b":2},[3]]}...}}, `depth` members "a" deep. */
static char *deep_doc(size_t depth, size_t *len) {
    const char *mid = "[1,{\"b\":2},[3]]";
    size_t cap = depth * 6 + strlen(mid) + 1;
    char *d = malloc(cap), *p = d;
    for (size_t i = 0; i < depth; i++) p += sprintf(p, "{\"a\":");
    p += sprintf(p, "%s", mid);
    for (size_t i = 0; i < depth; i++) *p++ = '}';
    *p = 0;
    *len = (size_t)(p - d);
    return d;
}

static void test_globs(void) {
    const char *flat = "{\"x\":{\"id\":1,\"y\":[{\"id\":2}],\"z\":{\"w\":{\"id\":3}}},\"id\":4}";
    size_t flen = strlen(flat);
    CHECK_INT_EQ(hits_of("{\"path\":\"**.**.**.id\"}", flat, flen), 4);
    CHECK_INT_EQ(hits_of("{\"path\":\"x.**.**.id\"}", flat, flen), 3);
    CHECK_INT_EQ(hits_of("{\"path\":\"**.**\"}", flat, flen), 4);
    CHECK_INT_EQ(hits_of("{\"path\":\"x.**.z.**.**.id\"}", flat, flen), 1);
    CHECK_INT_EQ(hits_of("{\"path\":\"**[0].**.id\"}", flat, flen), 1);
    CHECK_INT_EQ(hits_of("{\"path\":\"**[*].id\"}", flat, flen), 1);
    CHECK_INT_EQ(hits_of("{\"path\":\"*.*.*\"}", flat, flen), 0);
    CHECK_INT_EQ(hits_of("{\"path\":\"*.*[0].*\"}", flat, flen), 1);
    CHECK_INT_EQ(hits_of("{\"path\":\"\"}", "7", 1), 1); /* the root leaf, no segment */
    CHECK_INT_EQ(hits_of("{\"path\":\"**\"}", "7", 1), 1);
    CHECK_INT_EQ(hits_of("{\"path\":\"*\"}", "7", 1), 0);
    char *q = glob_query("**", 20000, ".id");
    CHECK_INT_EQ(hits_of(q, flat, flen), 4);
    free(q);

    /* 3,000 deep: every leaf's path is thousands of segments long. */
    size_t len;
    char *doc = deep_doc(3000, &len);
    CHECK_INT_EQ(hits_of("{\"path\":\"**.b\"}", doc, len), 1);
    CHECK_INT_EQ(hits_of("{\"path\":\"**[1].b\"}", doc, len), 1);
    CHECK_INT_EQ(hits_of("{\"path\":\"**.a[2][0]\"}", doc, len), 1);
    CHECK_INT_EQ(hits_of("{\"path\":\"a.**.a.**.a[*]\"}", doc, len), 1);
    CHECK_INT_EQ(hits_of("{\"path\":\"a.a.a.**.a.a.a[1].*\"}", doc, len), 1);
    CHECK_INT_EQ(hits_of("{\"path\":\"**.a.**\"}", doc, len), 3);
    CHECK_INT_EQ(hits_of("{\"path\":\"**.a.a.b\"}", doc, len), 0);
    CHECK_INT_EQ(hits_of("{\"path\":\"a.**.c\"}", doc, len), 0);
    q = glob_query("a", 1000, ".**[2][*]");
    CHECK_INT_EQ(hits_of(q, doc, len), 1);
    free(q);
    q = glob_query("**.a", 500, "[0]"); /* 500 live ** at once: at least 500 a's, then [0] */
    CHECK_INT_EQ(hits_of(q, doc, len), 1);
    free(q);
    free(doc);
    doc = deep_doc(400, &len);
    q = glob_query("**.a", 500, "[0]"); /* needs 500 a's, there are 400 */
    CHECK_INT_EQ(hits_of(q, doc, len), 0);
    free(q);
    free(doc);
}

int main(void) {
    jf_alloc_stats before, after;
    jf_get_alloc_stats(&before);
    test_numbers();
    test_limits();
    test_globs();
    jf_get_alloc_stats(&after);
    CHECK_INT_EQ(after.live_blocks, before.live_blocks);
    return check_done("test_search");
}
