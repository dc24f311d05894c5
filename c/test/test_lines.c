/*==============================================================================
 * test_lines.c — jf_flatten_lines and jf_count_newlines (SPEC section 8):
 * line splitting (\n, \r\n, blank lines, a last line without \n), the three
 * error policies, line numbers and file offsets of errors, first_line and
 * base_offset, TSV columns, equality with jf_flatten per line on the Open
 * Library files, and chunking at line starts giving the same bytes; the
 * same line rules through every sink of the engine (flatten, schema,
 * search, decode, unflatten), and positions kept out of messages.
 *============================================================================*/
#include "check.h"
#include "yyjson.h"

static uint8_t *lines_call(const char *in, size_t len, const jf_options *o, const jf_lines_options *lo,
                           jf_lines_result *r) {
    memset(r, 0xAB, sizeof *r);
    return jf_flatten_lines((const uint8_t *)in, len, o, lo, r);
}

#define EXPECT_LINES(o, lo, in, expected) do { \
    jf_lines_result r_; \
    uint8_t *out_ = lines_call((in), strlen(in), (o), (lo), &r_); \
    CHECK_MSG(out_ != NULL, "flatten_lines failed: %s", r_.error.message); \
    if (out_) CHECK_MEM_STR(out_, (size_t)r_.length, (expected)); \
    jf_free(out_); \
} while (0)

static void test_layout(void) {
    CHECK_INT_EQ(sizeof(jf_lines_options), 32);
    CHECK_INT_EQ(sizeof(jf_lines_result), 304);
    CHECK_INT_EQ(offsetof(jf_lines_result, lines), 8);
    CHECK_INT_EQ(offsetof(jf_lines_result, documents), 16);
    CHECK_INT_EQ(offsetof(jf_lines_result, errors), 24);
    CHECK_INT_EQ(offsetof(jf_lines_result, leaves), 32);
    CHECK_INT_EQ(offsetof(jf_lines_result, unsafe_integers), 40);
    CHECK_INT_EQ(offsetof(jf_lines_result, error), 48);
}

static void test_splitting(void) {
    jf_lines_result r;
    uint8_t *out = lines_call("{\"a\":1}\n{\"b\":[1,2]}\n", 20, NULL, NULL, &r);
    CHECK(out != NULL);
    if (out) {
        CHECK_MEM_STR(out, (size_t)r.length, "{\"a\":1}\n{\"b[0]\":1,\"b[1]\":2}\n");
        CHECK_INT_EQ(r.lines, 2);
        CHECK_INT_EQ(r.documents, 2);
        CHECK_INT_EQ(r.errors, 0);
        CHECK_INT_EQ(r.leaves, 3);
        CHECK_INT_EQ(r.error.code, JF_OK);
    }
    jf_free(out);

    EXPECT_LINES(NULL, NULL, "{\"a\":1}\r\n[2]\r\n", "{\"a\":1}\n{\"[0]\":2}\n");
    EXPECT_LINES(NULL, NULL, "{\"a\":1}\n{\"b\":2}", "{\"a\":1}\n{\"b\":2}\n");
    EXPECT_LINES(NULL, NULL, "5\n\"s\"\nnull\n{}\n[]\n", "{\"\":5}\n{\"\":\"s\"}\n{\"\":null}\n{\"\":{}}\n{\"\":[]}\n");
    /* Blank lines are skipped but counted. */
    const char *blank = "\n  \t\r\n{\"a\":1}\n\n";
    out = lines_call(blank, strlen(blank), NULL, NULL, &r);
    CHECK(out != NULL);
    if (out) {
        CHECK_MEM_STR(out, (size_t)r.length, "{\"a\":1}\n");
        CHECK_INT_EQ(r.lines, 4);
        CHECK_INT_EQ(r.documents, 1);
    }
    jf_free(out);
    /* Whitespace around a document on its line. */
    EXPECT_LINES(NULL, NULL, "  {\"a\" : 1}  \r\n", "{\"a\":1}\n");
    /* An empty chunk gives a valid zero-length block. */
    out = lines_call("", 0, NULL, NULL, &r);
    CHECK(out != NULL);
    CHECK_INT_EQ(r.length, 0);
    CHECK_INT_EQ(r.lines, 0);
    CHECK_INT_EQ(r.documents, 0);
    jf_free(out);
    out = lines_call("\n\n", 2, NULL, NULL, &r);
    CHECK(out != NULL);
    CHECK_INT_EQ(r.length, 0);
    CHECK_INT_EQ(r.lines, 2);
    jf_free(out);

    /* Every mode, style and format applies per line. */
    jf_options o = opts_make(JF_MODE_GROUPED, JF_STYLE_POINTER, JF_FORMAT_ENTRIES, 0);
    EXPECT_LINES(&o, NULL, "{\"a\":[{\"b\":1},{\"b\":2}]}\n[1]\n", "[[\"/a/[]/b\",[1,2]]]\n[[\"/[]\",[1]]]\n");
    o = opts_make(JF_MODE_LEAF, JF_STYLE_JS, JF_FORMAT_OBJECT, JF_FLAG_BIGINT_AS_STRING);
    out = lines_call("[9007199254740993]\n[1]\n[-9007199254740993]\n", 42, &o, NULL, &r);
    CHECK(out != NULL);
    if (out) {
        CHECK_MEM_STR(out, (size_t)r.length, "{\"[0]\":\"9007199254740993\"}\n{\"[0]\":1}\n{\"[0]\":\"-9007199254740993\"}\n");
        CHECK_INT_EQ(r.unsafe_integers, 2);
    }
    jf_free(out);
}

static void test_errors(void) {
    const char *in = "{\"a\":1}\n{\"b\":@}\n{\"c\":3}\n";
    size_t len = strlen(in);
    jf_lines_options lo;
    memset(&lo, 0, sizeof lo);
    jf_lines_result r;

    /* fail: the call fails with the line's error. */
    uint8_t *out = lines_call(in, len, NULL, &lo, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_JSON);
    CHECK_INT_EQ(r.error.line, 2);
    CHECK_INT_EQ(r.error.offset, 13);
    CHECK_INT_EQ(r.error.column, 6);
    jf_free(out);

    /* first_line and base_offset move the reported position. */
    lo.first_line = 100;
    lo.base_offset = 5000;
    out = lines_call(in, len, NULL, &lo, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.line, 101);
    CHECK_INT_EQ(r.error.offset, 5013);
    CHECK_INT_EQ(r.error.column, 6);
    jf_free(out);
    lo.first_line = 0;
    lo.base_offset = 0;

    /* skip */
    lo.on_error = JF_ON_ERROR_SKIP;
    out = lines_call(in, len, NULL, &lo, &r);
    CHECK(out != NULL);
    if (out) {
        CHECK_MEM_STR(out, (size_t)r.length, "{\"a\":1}\n{\"c\":3}\n");
        CHECK_INT_EQ(r.lines, 3);
        CHECK_INT_EQ(r.documents, 2);
        CHECK_INT_EQ(r.errors, 1);
        CHECK_INT_EQ(r.error.code, JF_INVALID_JSON);
        CHECK_INT_EQ(r.error.line, 2);
    }
    jf_free(out);

    /* emit: {"error":{...},"line":n} in the bad line's place. */
    lo.on_error = JF_ON_ERROR_EMIT;
    out = lines_call(in, len, NULL, &lo, &r);
    CHECK(out != NULL);
    if (out) {
        CHECK_INT_EQ(r.errors, 1);
        CHECK_INT_EQ(r.documents, 2);
        const char *s = (const char *)out;
        size_t n = (size_t)r.length;
        CHECK(n > 16 && memcmp(s, "{\"a\":1}\n", 8) == 0 && memcmp(s + n - 8, "{\"c\":3}\n", 8) == 0);
        if (n > 16) {
            const char *mid = s + 8;
            size_t mlen = n - 16;
            CHECK(mlen > 1 && mid[mlen - 1] == '\n');
            yyjson_doc *d = yyjson_read(mid, mlen - 1, 0);
            CHECK_MSG(d != NULL, "emitted error line is not JSON: %.*s", (int)mlen, mid);
            if (d) {
                yyjson_val *root = yyjson_doc_get_root(d);
                yyjson_val *err = yyjson_obj_get(root, "error");
                CHECK(yyjson_is_obj(err));
                CHECK(yyjson_equals_str(yyjson_obj_get(err, "code"), "INVALID_JSON"));
                CHECK(yyjson_is_str(yyjson_obj_get(err, "message")));
                CHECK_INT_EQ(yyjson_get_uint(yyjson_obj_get(root, "line")), 2);
                yyjson_doc_free(d);
            }
        }
    }
    jf_free(out);

    /* Bad lines of every kind, nothing good lost around them. */
    const char *many = "[1]\n{\n[[[[1]]]]\n\"\xff\"\n[2]\n{\"a\":1}x\n[3]";
    jf_options o = opts_make(0, 0, 0, 0);
    o.max_nesting = 3;
    lo.on_error = JF_ON_ERROR_SKIP;
    out = lines_call(many, strlen(many), &o, &lo, &r);
    CHECK(out != NULL);
    if (out) {
        CHECK_MEM_STR(out, (size_t)r.length, "{\"[0]\":1}\n{\"[0]\":2}\n{\"[0]\":3}\n");
        CHECK_INT_EQ(r.errors, 4);
        CHECK_INT_EQ(r.documents, 3);
        CHECK_INT_EQ(r.lines, 7);
        CHECK_INT_EQ(r.error.line, 2);
    }
    jf_free(out);
    lo.on_error = JF_ON_ERROR_FAIL;
    out = lines_call(many + 6, strlen(many + 6), &o, &lo, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_NESTING_TOO_DEEP);
    CHECK_INT_EQ(r.error.line, 1);
    CHECK_INT_EQ(r.error.offset, 3);
    jf_free(out);

    /* Invalid options. */
    memset(&lo, 0, sizeof lo);
    lo.on_error = 3;
    out = lines_call("[1]\n", 4, NULL, &lo, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    memset(&lo, 0, sizeof lo);
    lo.reserved = 1;
    out = lines_call("[1]\n", 4, NULL, &lo, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    o = opts_make(0, 9, 0, 0);
    out = lines_call("[1]\n", 4, &o, NULL, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
}

static void test_columns(void) {
    jf_lines_options lo;
    memset(&lo, 0, sizeof lo);
    lo.column = 5;
    const char *in = "/type/x\t/k/1\t1\t2020\t{\"a\":1}\n/type/x\t/k/2\t1\t2020\t{\"b\":\"t\\tu\"}\textra\n";
    jf_lines_result r;
    uint8_t *out = lines_call(in, strlen(in), NULL, &lo, &r);
    CHECK(out != NULL);
    if (out) CHECK_MEM_STR(out, (size_t)r.length, "{\"a\":1}\n{\"b\":\"t\\tu\"}\n");
    jf_free(out);
    lo.column = 1;
    EXPECT_LINES(NULL, &lo, "[1]\t[2]\n", "{\"[0]\":1}\n");
    /* A line without that column is a bad line. */
    lo.column = 5;
    lo.on_error = JF_ON_ERROR_SKIP;
    out = lines_call("a\tb\n/t\t/k\t1\t2\t[7]\n", 18, NULL, &lo, &r);
    CHECK(out != NULL);
    if (out) {
        CHECK_MEM_STR(out, (size_t)r.length, "{\"[0]\":7}\n");
        CHECK_INT_EQ(r.errors, 1);
        CHECK_INT_EQ(r.error.line, 1);
    }
    jf_free(out);
}

/* The Open Library files: every output line equals jf_flatten of column 5,
 * and any split at line starts gives the same bytes. */
static void test_openlibrary(void) {
    static const char *files[] = { "editions-head-n1000.txt", "works-head-n1000.txt", "authors-tail-n1000.txt" };
    char path[4096];
    for (size_t f = 0; f < 3; f++) {
        snprintf(path, sizeof path, "%s/openlibrary/%s", check_data_dir(), files[f]);
        size_t len;
        unsigned char *buf = check_read_file(path, &len);
        CHECK_MSG(buf != NULL, "cannot read %s", path);
        if (!buf) continue;
        CHECK(jf_count_newlines(buf, len) == 1000.0);

        jf_options o = opts_make(JF_MODE_LEAF, (uint32_t)f, JF_FORMAT_OBJECT, 0);
        jf_lines_options lo;
        memset(&lo, 0, sizeof lo);
        lo.column = 5;
        jf_lines_result r;
        uint8_t *all = jf_flatten_lines(buf, len, &o, &lo, &r);
        CHECK_MSG(all != NULL, "%s: %s", files[f], r.error.message);
        if (!all) { free(buf); continue; }
        CHECK_INT_EQ(r.lines, 1000);
        CHECK_INT_EQ(r.documents, 1000);

        /* Per line against jf_flatten. */
        size_t pos = 0, opos = 0, mism = 0;
        while (pos < len) {
            size_t end = pos;
            while (end < len && buf[end] != '\n') end++;
            size_t col = pos;
            int tabs = 0;
            while (col < end && tabs < 4) if (buf[col++] == '\t') tabs++;
            jf_result one;
            uint8_t *single = jf_flatten(buf + col, end - col, &o, &one);
            if (!single || opos + one.length + 1 > r.length || memcmp(all + opos, single, (size_t)one.length) != 0 ||
                all[opos + one.length] != '\n')
                mism++;
            if (single) opos += (size_t)one.length + 1;
            jf_free(single);
            pos = end + 1;
        }
        CHECK_INT_EQ(mism, 0);
        CHECK_INT_EQ(opos, r.length);

        /* Chunks at line starts (7 pieces) concatenate to the same bytes. */
        size_t cut[8] = { 0 };
        for (int k = 1; k < 7; k++) {
            size_t c = len * (size_t)k / 7;
            while (c < len && buf[c - 1] != '\n') c++;
            cut[k] = c;
        }
        cut[7] = len;
        size_t got = 0, ok = 1;
        uint64_t next_line = 1;
        for (int k = 0; k < 7; k++) {
            lo.first_line = next_line;
            lo.base_offset = cut[k];
            jf_lines_result cr;
            uint8_t *part = jf_flatten_lines(buf + cut[k], cut[k + 1] - cut[k], &o, &lo, &cr);
            if (!part) { ok = 0; break; }
            if (got + cr.length > r.length || memcmp(all + got, part, (size_t)cr.length) != 0) ok = 0;
            got += (size_t)cr.length;
            next_line += cr.lines;
            jf_free(part);
        }
        CHECK_MSG(ok && got == r.length, "%s: chunked output differs", files[f]);
        CHECK_INT_EQ(next_line, 1001);
        jf_free(all);
        free(buf);
    }
}

static void test_count_newlines(void) {
    CHECK(jf_count_newlines((const uint8_t *)"", 0) == 0.0);
    CHECK(jf_count_newlines(NULL, 0) == 0.0);
    CHECK(jf_count_newlines((const uint8_t *)"a\nb\r\n\n", 6) == 3.0);
    size_t n = 3 << 20;
    uint8_t *b = malloc(n);
    for (size_t i = 0; i < n; i++) b[i] = (i % 7 == 3) ? '\n' : 'x';
    double expect = 0;
    for (size_t i = 0; i < n; i++) expect += b[i] == '\n';
    CHECK(jf_count_newlines(b, n) == expect);
    /* Unaligned starts and tails. */
    for (size_t from = 0; from < 9; from++) {
        for (size_t cut = 0; cut < 9; cut++) {
            size_t m = 1000;
            double e = 0;
            for (size_t i = from; i < m - cut; i++) e += b[i] == '\n';
            CHECK(jf_count_newlines(b + from, m - cut - from) == e);
        }
    }
    free(b);
}

/* Every *_lines entry point is one engine: the same blank-line rule (a lone
 * CR is blank), the same BOM rule, the same error record and positions, and
 * no position inside a message. */
static void test_every_sink(void) {
    const char *flat = "\xEF\xBB\xBF{\"a.b\":1}\r\n\r\n{\"a.b\":x}\n{\"c\":2}";
    jf_lines_options lo;
    memset(&lo, 0, sizeof lo);
    lo.on_error = JF_ON_ERROR_EMIT;
    lo.first_line = 10;
    lo.base_offset = 1000;
    jf_lines_result r;
    memset(&r, 0xAB, sizeof r);
    uint8_t *out = jf_unflatten_lines((const uint8_t *)flat, strlen(flat), NULL, &lo, &r);
    CHECK(out != NULL);
    if (out) {
        CHECK_MEM_STR(out, (size_t)r.length,
                      "{\"a\":{\"b\":1}}\n"
                      "{\"error\":{\"code\":\"INVALID_JSON\",\"message\":\"invalid JSON: unexpected character, expected a valid JSON value\","
                      "\"offset\":1023,\"line\":12,\"column\":8},\"line\":12}\n"
                      "{\"c\":2}\n");
        CHECK_INT_EQ(r.lines, 4);
        CHECK_INT_EQ(r.documents, 2);
        CHECK_INT_EQ(r.errors, 1);
        CHECK_INT_EQ(r.leaves, 2);
    }
    jf_free(out);

    /* fail: the line's position in fields, none in the message */
    lo.on_error = JF_ON_ERROR_FAIL;
    out = jf_unflatten_lines((const uint8_t *)flat, strlen(flat), NULL, &lo, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_JSON);
    CHECK_INT_EQ(r.error.line, 12);
    CHECK_INT_EQ(r.error.offset, 1023);
    CHECK_INT_EQ(r.error.column, 8);
    CHECK(strstr(r.error.message, "line") == NULL && strstr(r.error.message, "column") == NULL);
    jf_free(out);

    /* a conflict inside one line: unflatten's own error, placed the same way */
    const char *conflict = "{\"a\":1,\"a.b\":2}\n";
    out = jf_unflatten_lines((const uint8_t *)conflict, strlen(conflict), NULL, NULL, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_PATH_CONFLICT);
    CHECK_INT_EQ(r.error.line, 1);

    /* decode, search and flatten see the same lines: the CR line is blank */
    const char *docs = "{\"id\":1}\n\r\n{\"id\":2}\r\n";
    jf_error err;
    const uint8_t *plan =
        (const uint8_t *)"{\"fields\":[{\"name\":\"id\",\"path\":[\"id\"],\"type\":\"integer\",\"required\":true}]}";
    jf_shape *shape = jf_shape_compile(plan, strlen((const char *)plan), &err);
    CHECK_MSG(shape != NULL, "%s", err.message);
    if (shape) {
        out = jf_decode_lines(shape, (const uint8_t *)docs, strlen(docs), NULL, NULL, &r);
        CHECK(out != NULL);
        if (out) CHECK_MEM_STR(out, (size_t)r.length, "{\"values\":[{\"id\":1},{\"id\":2}],\"errors\":[]}");
        CHECK_INT_EQ(r.lines, 3);
        jf_free(out);
        jf_shape_free(shape);
    }
    jf_query *q = jf_query_compile((const uint8_t *)"{\"key\":\"id\"}", 12, &err);
    CHECK_MSG(q != NULL, "%s", err.message);
    if (q) {
        out = jf_search_lines((const uint8_t *)docs, strlen(docs), q, NULL, NULL, &r);
        CHECK(out != NULL);
        if (out) CHECK_MEM_STR(out, (size_t)r.length, "[1,\"id\",1]\n[3,\"id\",2]\n");
        jf_free(out);
        jf_query_free(q);
    }
    EXPECT_LINES(NULL, NULL, docs, "{\"id\":1}\n{\"id\":2}\n");
}

int main(void) {
    jf_alloc_stats start, now;
    jf_get_alloc_stats(&start);
    test_layout();
    test_splitting();
    test_errors();
    test_columns();
    test_openlibrary();
    test_count_newlines();
    test_every_sink();
    jf_get_alloc_stats(&now);
    CHECK_INT_EQ(now.live_blocks, start.live_blocks);
    return check_done("test_lines");
}
