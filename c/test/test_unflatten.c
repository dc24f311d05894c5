/*==============================================================================
 * test_unflatten.c — jf_unflatten for every style: arrays from indexes,
 * missing indexes as null, extension of empty containers, conflicts naming
 * both paths, invalid paths, non-object roots, the index bound
 * max(1024, input length), nesting, and flatten -> unflatten round trips on
 * documents with awkward member names.
 *============================================================================*/
#include "check.h"

enum { JS = JF_STYLE_JS, PTR = JF_STYLE_POINTER, FLAT = JF_STYLE_FLAT };

static void test_js(void) {
    jf_options o = opts_make(0, JS, 0, 0);
    EXPECT_UNFLAT(&o, "{\"a.b\":1,\"a.c[1]\":true}", "{\"a\":{\"b\":1,\"c\":[null,true]}}");
    EXPECT_UNFLAT(NULL, "{\"a.b\":1,\"a.c[1]\":true}", "{\"a\":{\"b\":1,\"c\":[null,true]}}");
    EXPECT_UNFLAT(&o, "{\"[0]\":1,\"[2].a\":2}", "[1,null,{\"a\":2}]");
    EXPECT_UNFLAT(&o, "{\"a[0][1].b\":1}", "{\"a\":[[null,{\"b\":1}]]}");
    EXPECT_UNFLAT(&o, "{\"a[2]\":3,\"a[0]\":1}", "{\"a\":[1,null,3]}");
    /* Members keep the order of their first path. */
    EXPECT_UNFLAT(&o, "{\"b.x\":1,\"a\":2,\"b.y\":3}", "{\"b\":{\"x\":1,\"y\":3},\"a\":2}");
    /* Scalar and empty roots. */
    EXPECT_UNFLAT(&o, "{\"\":5}", "5");
    EXPECT_UNFLAT(&o, "{\"\":\"s\"}", "\"s\"");
    EXPECT_UNFLAT(&o, "{\"\":null}", "null");
    EXPECT_UNFLAT(&o, "{\"\":{}}", "{}");
    EXPECT_UNFLAT(&o, "{\"\":[]}", "[]");
    EXPECT_UNFLAT(&o, "{}", "{}");
    EXPECT_UNFLAT(&o, " { } ", "{}");
    /* Bracketed names hold JSON strings. */
    EXPECT_UNFLAT(&o, "{\"[\\\"b c\\\"][0]\":1,\"[\\\"a\\\\\\\"b\\\"]\":2}", "{\"b c\":[1],\"a\\\"b\":2}");
    EXPECT_UNFLAT(&o, "{\"a[\\\"x.y\\\"]\":1,\"$a._b\":2}", "{\"a\":{\"x.y\":1},\"$a\":{\"_b\":2}}");
    EXPECT_UNFLAT(&o, "{\"[\\\"\\\\u0000\\\"]\":1}", "{\"\\u0000\":1}");
    EXPECT_UNFLAT(&o, "{\"[\\\"\\\\u00e9\\\"]\":1,\"[\\\"\\\"]\":2}", "{\"\xc3\xa9\":1,\"\":2}");
    EXPECT_UNFLAT(&o, "{\"[\\\"[\\\"][\\\"]\\\"]\":1}", "{\"[\":{\"]\":1}}");
    /* Values keep their text; strings are re-escaped. */
    EXPECT_UNFLAT(&o, "{\"a\":1.0e400,\"b\":-0,\"c\":\"\\u0000\\/\\u001F\\u00e9\",\"d\":12345678901234567890}",
        "{\"a\":1.0e400,\"b\":-0,\"c\":\"\\u0000/\\u001f\xc3\xa9\",\"d\":12345678901234567890}");
    /* Non-empty values are placed whole, written compact. */
    EXPECT_UNFLAT(&o, "{\"a\": { \"x\" : [ 1 ] },\"b\":[{\"y\":2}]}", "{\"a\":{\"x\":[1]},\"b\":[{\"y\":2}]}");
    /* Empty containers may be extended by later paths. */
    EXPECT_UNFLAT(&o, "{\"a\":{},\"a.b\":1}", "{\"a\":{\"b\":1}}");
    EXPECT_UNFLAT(&o, "{\"a\":[],\"a[1]\":1}", "{\"a\":[null,1]}");
    EXPECT_UNFLAT(&o, "{\"a\":{},\"b\":[]}", "{\"a\":{},\"b\":[]}");
    /* Ordinary data, not prototypes. */
    EXPECT_UNFLAT(&o, "{\"__proto__.x\":1,\"constructor.prototype\":2}",
        "{\"__proto__\":{\"x\":1},\"constructor\":{\"prototype\":2}}");

    jf_result r;
    const char *in = "{\"a.b\":1,\"a.c[1]\":true,\"d\":{}}";
    uint8_t *out = jf_unflatten((const uint8_t *)in, strlen(in), &o, &r);
    CHECK(out != NULL);
    CHECK_INT_EQ(r.leaves, 3);
    CHECK_INT_EQ(r.error.code, JF_OK);
    jf_free(out);
}

static void test_pointer(void) {
    jf_options o = opts_make(0, PTR, 0, 0);
    /* Digits continue an array only from 0 without gaps; elsewhere they are member names. */
    EXPECT_UNFLAT(&o, "{\"/a/b\":1,\"/a/c/1\":true}", "{\"a\":{\"b\":1,\"c\":{\"1\":true}}}");
    EXPECT_UNFLAT(&o, "{\"/a/0\":1,\"/a/x\":2}", "{\"a\":{\"0\":1,\"x\":2}}");
    EXPECT_UNFLAT(&o, "{\"/a/205705993\":1}", "{\"a\":{\"205705993\":1}}");
    EXPECT_UNFLAT(&o, "{\"/a~1b/c~0d\":1,\"/~01\":3}", "{\"a/b\":{\"c~d\":1},\"~1\":3}");
    EXPECT_UNFLAT(&o, "{\"/\":1}", "{\"\":1}");
    EXPECT_UNFLAT(&o, "{\"/x//\":4}", "{\"x\":{\"\":{\"\":4}}}");
    EXPECT_UNFLAT(&o, "{\"\":5}", "5");
    EXPECT_UNFLAT(&o, "{\"/0\":1,\"/1\":2}", "[1,2]");
    EXPECT_UNFLAT(&o, "{\"/a b/\\\"/\\u0000\":1}", "{\"a b\":{\"\\\"\":{\"\\u0000\":1}}}");
    EXPECT_UNFLAT(&o, "{\"/a\":[],\"/a/0\":{},\"/a/0/b\":2}", "{\"a\":[{\"b\":2}]}");
}

static void test_flat(void) {
    jf_options o = opts_make(0, FLAT, 0, 0);
    EXPECT_UNFLAT(&o, "{\"a.b\":1,\"a.c.0\":2}", "{\"a\":{\"b\":1,\"c\":[2]}}");
    EXPECT_UNFLAT(&o, "{\"a.0\":1,\"a.2\":3}", "{\"a\":{\"0\":1,\"2\":3}}");
    EXPECT_UNFLAT(&o, "{\"a.0\":1,\"a.1\":3}", "{\"a\":[1,3]}");
    EXPECT_UNFLAT(&o, "{\"a[0]\":1}", "{\"a[0]\":1}");
    EXPECT_UNFLAT(&o, "{\"a/b\":1}", "{\"a/b\":1}");
    opts_delim(&o, "::");
    EXPECT_UNFLAT(&o, "{\"a::b\":1,\"a::c::0\":2,\"x.y\":3}", "{\"a\":{\"b\":1,\"c\":[2]},\"x.y\":3}");
}

/* Conflicts name both paths. */
static void expect_conflict(const char *file, int line, uint32_t style, const char *in,
                            const char *p1, const char *p2) {
    jf_options o = opts_make(0, style, 0, 0);
    jf_error e = expect_fail_at(file, line, 1, &o, in, strlen(in), JF_PATH_CONFLICT);
    if (e.code != JF_PATH_CONFLICT) return;
    /* p2 extends p1, so p1 must appear outside p2's occurrence too. */
    const char *m = e.message;
    int n1 = 0;
    for (const char *p = m; (p = strstr(p, p1)) != NULL; p++) n1++;
    int n2 = strstr(m, p2) != NULL;
    int expected_n1 = (strstr(p2, p1) && strcmp(p1, p2) != 0) ? 2 : 1;
    if (n1 >= expected_n1 && n2) check_pass();
    else check_fail(file, line, "conflict message \"%s\" does not name both \"%s\" and \"%s\"", m, p1, p2);
}
#define EXPECT_CONFLICT(style, in, p1, p2) expect_conflict(__FILE__, __LINE__, (style), (in), (p1), (p2))

static void test_conflicts(void) {
    EXPECT_CONFLICT(JS, "{\"xx\":1,\"xx.yy\":2}", "xx", "xx.yy");
    EXPECT_CONFLICT(JS, "{\"xx.yy\":2,\"xx\":1}", "xx", "xx.yy");
    EXPECT_CONFLICT(JS, "{\"pp[0]\":1,\"pp.qq\":2}", "pp[0]", "pp.qq");
    EXPECT_CONFLICT(JS, "{\"pp.qq\":1,\"pp[0]\":2}", "pp.qq", "pp[0]");
    EXPECT_CONFLICT(JS, "{\"mm.nn\":{},\"mm[3]\":1}", "mm.nn", "mm[3]");
    EXPECT_CONFLICT(JS, "{\"kk\":\"s\",\"kk[0]\":1}", "kk", "kk[0]");
    EXPECT_CONFLICT(JS, "{\"\":5,\"zz\":1}", "zz", "zz");
    EXPECT_CONFLICT(PTR, "{\"/aa\":1,\"/aa/bb\":2}", "/aa", "/aa/bb");
    EXPECT_CONFLICT(FLAT, "{\"aa\":1,\"aa.bb\":2}", "aa", "aa.bb");
    /* A conflict deep inside. */
    EXPECT_CONFLICT(JS, "{\"r.s[1].t\":1,\"r.s[1].t.u\":2}", "r.s[1].t", "r.s[1].t.u");
}

static void test_invalid(void) {
    jf_options o = opts_make(0, JS, 0, 0);
    static const char *bad_js[] = {
        "{\"a[\":1}", "{\"a[x]\":1}", "{\"a..b\":1}", "{\"a[\\\"b\\\"\":1}", "{\"a[1\":1}",
        "{\"a.\":1}", "{\"a[-1]\":1}", "{\"a[1.5]\":1}", "{\"[\\\"x\":1}", "{\"a b\":1}",
        "{\"a[\\\"\\\\q\\\"]\":1}", "{\"a]\":1}", "{\"a[]\":1}", "{\"a[\\\"b\\\"]x\":1}",
        "{\"a[99999999999999999999999]\":1}", NULL };
    for (int i = 0; bad_js[i]; i++) EXPECT_UNFLAT_FAIL(&o, bad_js[i], JF_INVALID_PATH);
    o.style = PTR;
    static const char *bad_ptr[] = { "{\"a\":1}", "{\"/a~2\":1}", "{\"/a~\":1}", "{\"a/b\":1}", NULL };
    for (int i = 0; bad_ptr[i]; i++) EXPECT_UNFLAT_FAIL(&o, bad_ptr[i], JF_INVALID_PATH);

    /* The root must be an object. */
    o.style = JS;
    static const char *not_obj[] = { "[1]", "5", "\"s\"", "null", "true", "[]", NULL };
    for (int i = 0; not_obj[i]; i++) EXPECT_UNFLAT_FAIL(&o, not_obj[i], JF_INVALID_JSON);
    EXPECT_UNFLAT_FAIL(&o, "{", JF_INVALID_JSON);
    EXPECT_UNFLAT_FAIL(&o, "", JF_INVALID_JSON);
    jf_error e = EXPECT_UNFLAT_FAIL(&o, "{\"a\":1,\n\"b\":@}", JF_INVALID_JSON);
    CHECK_INT_EQ(e.offset, 12);
    CHECK_INT_EQ(e.line, 2);
    CHECK_INT_EQ(e.column, 5);
}

/* An index may not exceed max(1024, input length). */
static void test_index_bound(void) {
    jf_options o = opts_make(0, JS, 0, 0);
    /* 1024 is allowed with a short input. */
    {
        char exp[8192];
        size_t m = 0;
        m += (size_t)sprintf(exp + m, "{\"a\":[");
        for (int i = 0; i < 1024; i++) m += (size_t)sprintf(exp + m, "null,");
        m += (size_t)sprintf(exp + m, "1]}");
        EXPECT_UNFLAT(&o, "{\"a[1024]\":1}", exp);
    }
    EXPECT_UNFLAT_FAIL(&o, "{\"a[1025]\":1}", JF_INVALID_PATH);
    EXPECT_UNFLAT_FAIL(&o, "{\"[4294967296]\":1}", JF_INVALID_PATH);
    EXPECT_UNFLAT_FAIL(&o, "{\"[18446744073709551615]\":1}", JF_INVALID_PATH);
    /* A longer input raises the bound to its length. */
    enum { L = 3000 };
    char in[L + 1];
    memset(in, ' ', L);
    in[L] = 0;
    memcpy(in, "{\"a[3000]\":1}", 13);
    jf_result r;
    uint8_t *out = jf_unflatten((const uint8_t *)in, L, &o, &r);
    CHECK_MSG(out != NULL, "index 3000 with a 3000-byte input: %s", r.error.message);
    if (out) CHECK_INT_EQ(r.length, strlen("{\"a\":[") + 3000 * 5 + strlen("1]}"));
    jf_free(out);
    memcpy(in, "{\"a[3001]\":1}", 13);
    EXPECT_UNFLAT_FAIL_N(&o, in, L, JF_INVALID_PATH);
    /* In pointer and flat styles a large index cannot arise: digits that do not
     * continue an array are member names. */
    o.style = PTR;
    EXPECT_UNFLAT(&o, "{\"/a/1025\":1,\"/a/0\":1}", "{\"a\":{\"1025\":1,\"0\":1}}");
    o.style = FLAT;
    EXPECT_UNFLAT(&o, "{\"a.1025\":1,\"a.0\":1}", "{\"a\":{\"1025\":1,\"0\":1}}");
}

static void test_nesting(void) {
    jf_options o = opts_make(0, JS, 0, 0);
    o.max_nesting = 3;
    EXPECT_UNFLAT(&o, "{\"a.b.c\":1}", "{\"a\":{\"b\":{\"c\":1}}}");
    EXPECT_UNFLAT(&o, "{\"[0][0].c\":1}", "[[{\"c\":1}]]");
    EXPECT_UNFLAT_FAIL(&o, "{\"a.b.c.d\":1}", JF_NESTING_TOO_DEEP);
    EXPECT_UNFLAT_FAIL(&o, "{\"[0][0][0][0]\":1}", JF_NESTING_TOO_DEEP);
    o.max_nesting = 1;
    EXPECT_UNFLAT(&o, "{\"a\":1}", "{\"a\":1}");
    EXPECT_UNFLAT_FAIL(&o, "{\"a.b\":1}", JF_NESTING_TOO_DEEP);
    /* The default limit. */
    o.max_nesting = 0;
    size_t n = JF_DEFAULT_MAX_NESTING + 1;
    char *in = malloc(n * 2 + 16), *p = in;
    *p++ = '{'; *p++ = '"';
    for (size_t i = 0; i < n; i++) { *p++ = 'a'; *p++ = '.'; }
    p--; /* drop the last dot */
    memcpy(p, "\":1}", 4); p += 4;
    EXPECT_UNFLAT_FAIL_N(&o, in, (size_t)(p - in), JF_NESTING_TOO_DEEP);
    free(in);
}

/* flatten -> unflatten gives the document back, byte for byte, for
 * compact documents without duplicate names. */
static void roundtrip(const char *file, int line, uint32_t style, const char *doc) {
    jf_options o = opts_make(0, style, 0, 0);
    jf_result r1, r2;
    uint8_t *f = jf_flatten((const uint8_t *)doc, strlen(doc), &o, &r1);
    if (!f) { check_fail(file, line, "flatten(%s): %s", doc, r1.error.message); return; }
    uint8_t *u = jf_unflatten(f, (size_t)r1.length, &o, &r2);
    if (!u) {
        check_fail(file, line, "unflatten(%.*s): %s", (int)r1.length, (const char *)f, r2.error.message);
    } else {
        check_mem_eq_at(file, line, u, (size_t)r2.length, doc, strlen(doc));
        if (r2.leaves != r1.leaves)
            check_fail(file, line, "unflatten read %llu paths, flatten wrote %llu",
                       (unsigned long long)r2.leaves, (unsigned long long)r1.leaves);
        else check_pass();
    }
    jf_free(f);
    jf_free(u);
}
#define ROUNDTRIP(style, doc) roundtrip(__FILE__, __LINE__, (style), (doc))

static void test_roundtrip(void) {
    static const char *docs[] = {
        "{\"a\":{\"b c\":[1,{\"d\":true}]},\"e\":null,\"f\":[],\"g\":{},\"$h_1\":\"x\"}",
        "{\"\":{\"\":[{\"\":1}]}}",
        "{\"a.b\":{\"[0]\":{\"\\\"\":{\"\\\\\":{\"/\":{\"~\":{\"~1\":{\"]\":1}}}}}}}}",
        "{\"\\u0000\":{\"a\\u0000b\":\"\\u0000\"},\"\\n\\t\":\"\\u001f\"}",
        "{\"\xc3\xa9\":{\"\xe4\xb8\xad\":[\"\xf0\x9f\x98\x80\"]}}",
        "[[[]],[{}],[[1,[2,[3]]]],{\"a\":[[],{}]}]",
        "[1.0,-0,1e400,12345678901234567890,\"9007199254740993\"]",
        "{\"__proto__\":{\"constructor\":{\"prototype\":{}}}}",
        "{\"a\":[null,null,{\"b\":[null]}]}",
        "\"just a string\"", "-0.0", "null", "{}", "[]",
        NULL };
    for (int i = 0; docs[i]; i++) {
        ROUNDTRIP(JS, docs[i]);
        ROUNDTRIP(PTR, docs[i]);
    }
    /* Member names that look like indexes survive in js style. */
    ROUNDTRIP(JS, "{\"0\":{\"1\":[{\"2\":3}]}}");
    ROUNDTRIP(JS, "{\"a\":{\"0\":1},\"b\":[1]}");
    /* Flat style round-trips where names hold no delimiter or digits only. */
    ROUNDTRIP(FLAT, "{\"a\":{\"b\":[1,{\"c\":[]}]},\"d\":\"x\"}");
}

int main(void) {
    test_js();
    test_pointer();
    test_flat();
    test_conflicts();
    test_invalid();
    test_index_bound();
    test_nesting();
    test_roundtrip();
    return check_done("test_unflatten");
}
