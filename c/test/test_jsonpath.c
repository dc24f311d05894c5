/*==============================================================================
 * test_jsonpath.c — RFC 9535 JSONPath in the native core: exact hit lines of
 * jf_search and jf_search_lines with {"jsonpath": ...} (normalized paths,
 * containers, line numbers, the limit across lines), compile errors with
 * their position in the query, the JF_JSONPATH_* limits, the step budget,
 * exact number comparison, the I-Regexp matcher (RFC 9485) directly, with
 * pathological patterns, and no leak afterwards. (The whole compliance
 * suite runs in test/jsonpath-cts.test.ts.)
 *============================================================================*/
#include "check.h"
#include "jsonpath.h"

/* {"jsonpath": <text as a JSON string>, "limit": limit (0: none)}. */
static jf_query *compile(const char *jsonpath, unsigned limit, jf_error *err) {
    size_t n = strlen(jsonpath);
    char *json = malloc(n * 6 + 64), *w = json;
    w += sprintf(w, "{\"jsonpath\":\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)jsonpath[i];
        if (c == '"' || c == '\\') w += sprintf(w, "\\%c", c);
        else if (c < 0x20) w += sprintf(w, "\\u%04x", c);
        else *w++ = (char)c;
    }
    w += limit ? sprintf(w, "\",\"limit\":%u}", limit) : sprintf(w, "\"}");
    jf_query *q = jf_query_compile((const uint8_t *)json, (size_t)(w - json), err);
    free(json);
    return q;
}

/* The hits of `jsonpath` over `doc` (lines, or with JF_FLAG_SHARED_HITS one
 * shared array), as a malloc'd string, or NULL (error in *err). */
static char *hits_with(const char *jsonpath, unsigned limit, uint32_t flags, const char *doc, jf_error *err) {
    jf_query *q = compile(jsonpath, limit, err);
    if (!q) return NULL;
    jf_options o = opts_make(0, 0, 0, 0);
    o.flags = flags;
    jf_result r;
    uint8_t *out = jf_search((const uint8_t *)doc, strlen(doc), q, &o, &r);
    char *text = NULL;
    if (out) {
        text = malloc(r.length + 1);
        memcpy(text, out, r.length);
        text[r.length] = 0;
    } else {
        *err = r.error;
    }
    jf_free(out);
    jf_query_free(q);
    return text;
}

static char *hits(const char *jsonpath, const char *doc, jf_error *err) { return hits_with(jsonpath, 0, 0, doc, err); }

static void expect_shared(const char *jsonpath, unsigned limit, const char *doc, const char *want) {
    jf_error err;
    char *got = hits_with(jsonpath, limit, JF_FLAG_SHARED_HITS, doc, &err);
    CHECK_MSG(got != NULL, "%s: %s", jsonpath, err.message);
    if (got) CHECK_STR_EQ(got, want);
    free(got);
}

static void expect_hits(const char *jsonpath, const char *doc, const char *want) {
    jf_error err;
    char *got = hits(jsonpath, doc, &err);
    CHECK_MSG(got != NULL, "%s: %s", jsonpath, err.message);
    if (got) CHECK_STR_EQ(got, want);
    free(got);
}

/*------------------------------------------------------------------------------
 * Hits
 *----------------------------------------------------------------------------*/

static void test_hits(void) {
    const char *store = "{\"store\":{\"book\":[{\"title\":\"A\",\"price\":8.95},{\"title\":\"B\",\"price\":12},"
                        "{\"title\":\"C\",\"price\":8}],\"bicycle\":{\"price\":19.95}}}";
    expect_hits("$.store.book[?@.price < 10].title", store,
                "[\"$['store']['book'][0]['title']\",\"A\"]\n[\"$['store']['book'][2]['title']\",\"C\"]\n");
    expect_hits("$..price", store,
                "[\"$['store']['book'][0]['price']\",8.95]\n[\"$['store']['book'][1]['price']\",12]\n"
                "[\"$['store']['book'][2]['price']\",8]\n[\"$['store']['bicycle']['price']\",19.95]\n");
    expect_hits("$.store.book[-1:0:-2]", store,
                "[\"$['store']['book'][2]\",{\"title\":\"C\",\"price\":8}]\n");
    expect_hits("$", "[1]", "[\"$\",[1]]\n");
    expect_hits("$[?length(@) == 2]", "[\"ab\",\"é☺\",[1,2],{\"a\":1}]",
                "[\"$[0]\",\"ab\"]\n[\"$[1]\",\"é☺\"]\n[\"$[2]\",[1,2]]\n");
    expect_hits("$[?count(@.*) > 1 && value(@..x) == 1]", "[{\"a\":{\"x\":1},\"b\":2},{\"a\":1,\"b\":2}]",
                "[\"$[0]\",{\"a\":{\"x\":1},\"b\":2}]\n");
    expect_hits("$[?@.a == $.b]", "{\"b\":{\"x\":[1,{\"y\":2}]},\"c\":{\"a\":{\"x\":[1,{\"y\":2}]}}}",
                "[\"$['c']\",{\"a\":{\"x\":[1,{\"y\":2}]}}]\n");
    expect_hits("$.*", "{\"a'b\":1,\"c\\\\d\":2,\"\\u0007\":3}",
                "[\"$['a\\\\'b']\",1]\n[\"$['c\\\\\\\\d']\",2]\n[\"$['\\\\u0007']\",3]\n");
    expect_hits("$[?match(@, '[0-9]{3}-\\\\p{Lu}+')]", "[\"123-AB\",\"12-AB\",\"123-ab\"]", "[\"$[0]\",\"123-AB\"]\n");
}

static void test_numbers(void) {
    const char *doc = "[9007199254740993,9007199254740992,1e400,1e-400,-0.0,100,1E2]";
    expect_hits("$[?@ == 9007199254740993]", doc, "[\"$[0]\",9007199254740993]\n");
    expect_hits("$[?@ > 9007199254740992 && @ < 1e401]", doc, "[\"$[0]\",9007199254740993]\n[\"$[2]\",1e400]\n");
    expect_hits("$[?@ > 0 && @ < 1e-399]", doc, "[\"$[3]\",1e-400]\n");
    expect_hits("$[?@ == 0]", doc, "[\"$[4]\",-0.0]\n");
    expect_hits("$[?@ == 1.00e2]", doc, "[\"$[5]\",100]\n[\"$[6]\",1E2]\n");
}

static void test_lines(void) {
    jf_error err;
    jf_query *q = compile("$.a[*]", 3, &err);
    CHECK_MSG(q != NULL, "%s", err.message);
    if (!q) return;
    const char *chunk = "{\"a\":[1,2]}\n\n{\"a\":[3,4]}\n{\"a\":[5]}\n";
    jf_options o = opts_make(0, 0, 0, 0);
    jf_lines_options lo;
    memset(&lo, 0, sizeof lo);
    jf_lines_result lr;
    uint8_t *out = jf_search_lines((const uint8_t *)chunk, strlen(chunk), q, &o, &lo, &lr);
    CHECK_MSG(out != NULL, "%s", lr.error.message);
    if (out) CHECK_MEM_STR(out, lr.length, "[1,\"$['a'][0]\",1]\n[1,\"$['a'][1]\",2]\n[3,\"$['a'][0]\",3]\n");
    jf_free(out);
    jf_query_free(q);
}

/*------------------------------------------------------------------------------
 * Errors and limits
 *----------------------------------------------------------------------------*/

static void expect_invalid(const char *jsonpath, uint64_t offset) {
    jf_error err;
    jf_query *q = compile(jsonpath, 0, &err);
    CHECK_MSG(q == NULL, "%s compiled", jsonpath);
    jf_query_free(q);
    if (q) return;
    CHECK_INT_EQ(err.code, JF_INVALID_OPTION);
    CHECK_MSG(strncmp(err.message, "invalid JSONPath: ", 18) == 0, "%s: %s", jsonpath, err.message);
    if (offset != UINT64_MAX) CHECK_MSG(err.offset == offset, "%s: offset %llu, want %llu (%s)", jsonpath,
                                        (unsigned long long)err.offset, (unsigned long long)offset, err.message);
}

static void test_errors(void) {
    expect_invalid("", 0);
    expect_invalid(" $", 0);
    expect_invalid("$ ", 1);
    expect_invalid("$.a[?@.b == ]", 12);
    expect_invalid("$[01]", 2);
    expect_invalid("$[-0]", 2);
    expect_invalid("$[9007199254740992]", 2);
    expect_invalid("$[?length(@.*) == 1]", 10);
    expect_invalid("$[?count(1) == 1]", 9);
    expect_invalid("$[?match(@, 'a') == true]", 3);
    expect_invalid("$[?@.* == 1]", 3);
    expect_invalid("$[?true]", 3);
    expect_invalid("$[?length(@)]", 3);
    expect_invalid("$[?nope(@)]", 3);
    expect_invalid("$['\\ud800']", 3);
    expect_invalid("$[?@ == 'a\\x']", 10);
    expect_invalid("$[?@.a == {\"x\":1}]", 10); /* literals are scalars only */
    jf_error err;
    jf_query *q = jf_query_compile((const uint8_t *)"{\"jsonpath\":\"$\",\"key\":\"a\"}", 26, &err);
    CHECK_MSG(q == NULL && err.code == JF_INVALID_OPTION, "jsonpath with key: %s", q ? "compiled" : err.message);
    jf_query_free(q);
}

static void test_limits(void) {
    /* Nesting: JF_JSONPATH_MAX_NESTING parentheses inside one filter (the filter is one more). */
    char text[1024];
    size_t n = 0, depth = JF_JSONPATH_MAX_NESTING - 1;
    n += (size_t)sprintf(text, "$[?");
    for (size_t i = 0; i < depth; i++) text[n++] = '(';
    text[n++] = '@';
    for (size_t i = 0; i < depth; i++) text[n++] = ')';
    text[n++] = ']';
    text[n] = 0;
    jf_error err;
    jf_query *q = compile(text, 0, &err);
    CHECK_MSG(q != NULL, "at the nesting limit: %s", err.message);
    jf_query_free(q);
    memmove(text + 4 + depth, text + 3 + depth, n - 2 - depth);
    text[3 + depth] = '!'; /* one more level: `!@` inside the innermost parenthesis */
    expect_invalid(text, 3 + depth);

    /* A step budget: $..*..*..* on arrays nested 2,000 deep (a billion steps) stops. */
    size_t deep = 2000;
    char *doc = malloc(deep * 2 + 2);
    memset(doc, '[', deep);
    doc[deep] = '1';
    memset(doc + deep + 1, ']', deep);
    doc[deep * 2 + 1] = 0;
    char *got = hits("$..*..*..*", doc, &err);
    CHECK_MSG(got == NULL && err.code == JF_INVALID_OPTION && strstr(err.message, "steps"), "budget: %s",
              got ? "ran" : err.message);
    free(got);
    free(doc);
}

/*------------------------------------------------------------------------------
 * I-Regexp
 *----------------------------------------------------------------------------*/

typedef struct regex_case {
    const char *pattern, *text;
    int         whole, want; /* want -1: the pattern does not compile */
} regex_case;

static const regex_case regexes[] = {
    { "abc", "abc", 1, 1 }, { "abc", "xabcx", 1, 0 }, { "abc", "xabcx", 0, 1 },
    { "a|b", "b", 1, 1 }, { "(ab)*", "ababab", 1, 1 }, { "(ab)*", "ababa", 1, 0 },
    { "a{2,3}", "aaaa", 1, 0 }, { "a{2,}", "aaaa", 1, 1 }, { "a{2}", "aa", 1, 1 },
    { "[a-c]+", "abcabc", 1, 1 }, { "[^a-c]", "d", 1, 1 }, { "[^a-c]", "b", 1, 0 },
    { "[-a]", "-", 1, 1 }, { "[a-]", "-", 1, 1 }, { "\\.", ".", 1, 1 }, { "\\.", "x", 1, 0 },
    { ".", "\n", 1, 0 }, { ".", "\r", 1, 0 }, { ".", "\xe2\x80\xa8", 1, 1 }, { "..", "é☺", 1, 1 },
    { "\\p{Lu}\\p{Ll}", "Жж", 1, 1 }, { "\\P{L}", "1", 1, 1 }, { "\\p{Nd}+", "0١२", 1, 1 },
    { "[\\p{Lu}\\d]", "x", 1, -1 }, { "^ab", "abc", 0, 1 }, { "^ab", "cab", 0, 0 }, { "bc$", "abc", 0, 1 },
    { "", "", 1, 1 }, { "()", "", 1, 1 }, { "(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, 0 },
    { "(", "", 1, -1 }, { ")", "", 1, -1 }, { "a**", "", 1, -1 }, { "[]", "", 1, -1 }, { "[b-a]", "", 1, -1 },
    { "a{3,2}", "", 1, -1 }, { "\\w", "", 1, -1 }, { "\\p{Xx}", "", 1, -1 }, { "(?:a)", "", 1, -1 },
    { "a{", "", 1, -1 }, { "[a", "", 1, -1 },
};

static void test_iregexp(void) {
    for (size_t i = 0; i < sizeof(regexes) / sizeof(regexes[0]); i++) {
        const regex_case *c = &regexes[i];
        const char *why = NULL;
        jf_iregexp *re = jf_iregexp_compile((const uint8_t *)c->pattern, strlen(c->pattern), &why);
        if (c->want < 0) {
            CHECK_MSG(re == NULL && why != NULL, "/%s/ compiled", c->pattern);
        } else {
            CHECK_MSG(re != NULL, "/%s/: %s", c->pattern, why ? why : "out of memory");
            if (re) {
                bool got = jf_iregexp_match(re, (const uint8_t *)c->text, strlen(c->text), c->whole);
                CHECK_MSG(got == (c->want == 1), "/%s/ %s \"%s\": %d", c->pattern, c->whole ? "match" : "search",
                          c->text, got);
            }
        }
        jf_iregexp_free(re);
    }
    /* Pathological for a backtracking engine: 1 MB of a's against (a|a)*(a*)*b runs in one pass. */
    size_t n = 1 << 20;
    uint8_t *as = malloc(n);
    memset(as, 'a', n);
    const char *p = "(a|a)*(a*)*b";
    jf_iregexp *re = jf_iregexp_compile((const uint8_t *)p, strlen(p), NULL);
    CHECK_MSG(re != NULL, "/%s/ did not compile", p);
    if (re) {
        CHECK_MSG(!jf_iregexp_match(re, as, n, true), "/%s/ matched a's", p);
        CHECK_MSG(!jf_iregexp_match(re, as, n / 16, false), "/%s/ found b in a's", p);
    }
    jf_iregexp_free(re);
    free(as);
    /* The state cap: nested repetitions that copy out to millions of states. */
    const char *why = NULL;
    re = jf_iregexp_compile((const uint8_t *)"((a{100}){100}){100}", 20, &why);
    CHECK_MSG(re == NULL && why && strstr(why, "JF_JSONPATH_MAX_REGEX_STATES"), "state cap: %s", why ? why : "compiled");
    jf_iregexp_free(re);
}

/* JF_FLAG_SHARED_HITS: a selected container inside another is written once
 * and referenced; not in an object where its name repeats, nor in one wider
 * than 64 members; the limit drops the later hits and their references. */
static void test_shared(void) {
    expect_shared("$..*", 0, "{\"a\":{\"b\":[1,{\"c\":2}],\"e\":{}}}",
                  "[[\"$['a']\",{\"b\":0,\"e\":{}},[[\"b\",1]]],[\"$['a']['b']\",[1,0],[[1,4]]],"
                  "[\"$['a']['e']\",{}],[\"$['a']['b'][0]\",1],[\"$['a']['b'][1]\",{\"c\":2}],"
                  "[\"$['a']['b'][1]['c']\",2]]");
    expect_shared("$..*", 0, "[{\"a\":[1],\"a\":[2]}]",
                  "[[\"$[0]\",{\"a\":[1],\"a\":[2]}],[\"$[0]['a']\",[1]],[\"$[0]['a']\",[2]],"
                  "[\"$[0]['a'][0]\",1],[\"$[0]['a'][0]\",2]]");
    expect_shared("$..*", 2, "[[[1]]]", "[[\"$[0]\",[0],[[0,1]]],[\"$[0][0]\",[1]]]");
    expect_shared("$[0,0]", 0, "[[1]]", "[[\"$[0]\",[1]],[\"$[0]\",[1]]]");
    expect_shared("$.x", 0, "{}", "[]");
    char wide[2048], *w = wide;
    w += sprintf(w, "[{");
    for (int i = 0; i < 65; i++) w += sprintf(w, "%s\"k%d\":[%d]", i ? "," : "", i, i);
    sprintf(w, "}]");
    jf_error err;
    char *got = hits_with("$..*", 0, JF_FLAG_SHARED_HITS, wide, &err);
    CHECK(got != NULL && strstr(got, "\"k64\":[64]") != NULL && strstr(got, "]]]") == NULL);
    free(got);
    /* Lines (jf_search_lines) ignore the flag. */
    jf_query *q = compile("$..*", 0, &err);
    jf_options o = opts_make(0, 0, 0, 0);
    o.flags = JF_FLAG_SHARED_HITS;
    jf_lines_options lo = { 0 };
    jf_lines_result lr;
    const char *want = "[1,\"$[0]\",[1]]\n[1,\"$[0][0]\",1]\n";
    uint8_t *out = jf_search_lines((const uint8_t *)"[[1]]\n", 6, q, &o, &lo, &lr);
    CHECK(out != NULL && lr.length == strlen(want) && memcmp(out, want, strlen(want)) == 0);
    jf_free(out);
    jf_query_free(q);
}

int main(void) {
    jf_alloc_stats before, after;
    jf_get_alloc_stats(&before);
    test_hits();
    test_shared();
    test_numbers();
    test_lines();
    test_errors();
    test_limits();
    test_iregexp();
    jf_get_alloc_stats(&after);
    CHECK_INT_EQ(after.live_blocks, before.live_blocks);
    return check_done("test_jsonpath");
}
