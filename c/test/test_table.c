/*==============================================================================
 * test_table.c — the native table writer (table.c): specs refused with
 * INVALID_OPTION, rows of an NDJSON chunk (quoting, exact numbers, null and
 * the empty string, _extra), explode and join, discover mode, the unknown
 * path error with its position, emit's _error column, one document with
 * records, NULL arguments, many columns (the hash grows), the spool (rows
 * written as the columns are found, finished by jf_table_unspool), and no
 * leak.
 *============================================================================*/
#include "check.h"

static jf_table *compile(const char *spec, jf_error *err) {
    return jf_table_compile((const uint8_t *)spec, strlen(spec), NULL, err);
}

/* The rows of `lines` under `spec` (expected to succeed), compared to `want`. */
static void expect_rows(const char *spec, const char *lines, uint32_t on_error, const char *want) {
    jf_error err;
    jf_table *t = compile(spec, &err);
    CHECK_MSG(t != NULL, "compile %s: %s", spec, err.message);
    if (!t) return;
    jf_lines_options lo = { on_error, 0, 0, 0, 0 };
    jf_lines_result r;
    uint8_t *out = jf_table_lines(t, (const uint8_t *)lines, strlen(lines), &lo, &r);
    CHECK_MSG(out != NULL, "rows of %s: %s", spec, r.error.message);
    if (out) CHECK_MEM_EQ(out, (size_t)r.length, want, strlen(want));
    jf_free(out);
    jf_table_free(t);
}

static void test_specs(void) {
    static const char *const bad[] = {
        "", "[]", "{\"format\":\"xml\"}", "{\"unknown\":1}", "{\"columns\":[\"a\",\"a\"]}", "{\"columns\":[1]}",
        "{\"join\":\"\"}", "{\"explode\":\"\"}", "{\"lineEnd\":\"cr\"}", "{\"nope\":true}", "{\"header\":1}",
        "{\"discover\":true,\"columns\":[\"a\"]}", "{\"columns\":", "{\"spool\":true,\"columns\":[\"a\"]}", "{\"spool\":1}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        jf_error err;
        jf_table *t = jf_table_compile((const uint8_t *)bad[i], strlen(bad[i]), NULL, &err);
        CHECK_MSG(t == NULL && err.code == JF_INVALID_OPTION, "spec %s: %p code %d", bad[i], (void *)t, err.code);
        jf_table_free(t);
    }
    jf_table_free(NULL);
}

static void test_rows(void) {
    expect_rows("{\"columns\":[\"a\",\"b\",\"c\"]}", "{\"a\":\"x,y\",\"b\":\"\",\"c\":null}\n{\"a\":\"q\\\"\",\"b\":1e400}\n", 0,
                "a,b,c,_extra\n\"x,y\",\"\",,\n\"q\"\"\",1e400,,\n");
    expect_rows("{\"columns\":[\"a\"]}", "{\"a\":123456789012345678901234567890,\"z\":[1,{}]}\n", 0,
                "a,_extra\n123456789012345678901234567890,\"{\"\"z[0]\"\":1,\"\"z[1]\"\":{}}\"\n");
    expect_rows("{\"format\":\"tsv\",\"columns\":[\"a\"],\"unknown\":\"ignore\",\"lineEnd\":\"crlf\"}",
                "{\"a\":\"t\\tn\\nb\\\\\",\"b\":2}\r\n", 0, "a\r\nt\\tn\\nb\\\\\r\n");
    expect_rows("{\"columns\":[\"id\",\"t\",\"au.k\"],\"explode\":\"au\",\"join\":\"|\",\"unknown\":\"error\"}",
                "{\"id\":1,\"t\":[\"x\",\"y\"],\"au\":[{\"k\":\"a\"},{\"k\":\"b\"}]}\n{\"id\":2,\"au\":[]}\n", 0,
                "id,t,au.k\n1,x|y,a\n1,x|y,b\n2,,\n");
    expect_rows("{\"columns\":[\"a\"],\"unknown\":\"error\"}", "{\"a\":1}\nnope\n{\"b\":2}\n", JF_ON_ERROR_EMIT,
                "a,_error\n1,\n,\"{\"\"code\"\":\"\"INVALID_JSON\"\",\"\"message\"\":\"\"invalid JSON: invalid literal, "
                "expected a valid literal such as 'null'\"\",\"\"offset\"\":8,\"\"line\"\":2,\"\"column\"\":1}\"\n"
                ",\"{\"\"code\"\":\"\"SHAPE_MISMATCH\"\",\"\"message\"\":\"\"the path \\\"\"b\\\"\" is not a column of the "
                "table\"\",\"\"offset\"\":13,\"\"line\"\":3,\"\"column\"\":1}\"\n");
    expect_rows("{\"discover\":true,\"join\":\";\"}", "{\"a\":1,\"t\":[1,2]}\n{\"b\":{\"c\":[{}]},\"a\":2}\n", 0,
                "{\"columns\":[\"a\",\"t\",\"b.c[0]\"],\"duplicates\":false}\n");
    /* A duplicate member name is reported (its second value has no column); the elements of an exploded
     * array, each its own row, are not duplicates of one another. */
    expect_rows("{\"discover\":true}", "{\"a\":1}\n{\"b\":1,\"a\":2,\"b\":3}\n", 0,
                "{\"columns\":[\"a\",\"b\"],\"duplicates\":true}\n");
    expect_rows("{\"discover\":true,\"explode\":\"au\"}", "{\"au\":[{\"k\":1},{\"k\":2}],\"id\":1}\n", 0,
                "{\"columns\":[\"id\",\"au.k\"],\"duplicates\":false}\n");
}

static void test_errors(void) {
    jf_error err;
    jf_table *t = compile("{\"columns\":[\"a\"],\"unknown\":\"error\"}", &err);
    const char *lines = "{\"a\":1}\n\n{\"a\":2,\"long\":{\"x\":3}}\n";
    jf_lines_options lo = { 0, 0, 10, 1000, 0 };
    jf_lines_result r;
    uint8_t *out = jf_table_lines(t, (const uint8_t *)lines, strlen(lines), &lo, &r);
    CHECK(out == NULL);
    CHECK_INT_EQ(r.error.code, JF_SHAPE_MISMATCH);
    CHECK_INT_EQ(r.error.line, 12);
    CHECK_INT_EQ(r.error.column, 1);
    CHECK_INT_EQ(r.error.offset, 1009);
    CHECK_STR_EQ(r.error.message, "the path \"long.x\" is not a column of the table");
    CHECK(jf_table_lines(NULL, (const uint8_t *)"{}", 2, NULL, &r) == NULL && r.error.code == JF_INVALID_OPTION);
    CHECK(jf_table_lines(t, NULL, 5, NULL, &r) == NULL && r.error.code == JF_INVALID_OPTION);
    CHECK(jf_table_lines(t, (const uint8_t *)"{}", 2, NULL, NULL) == NULL);
    jf_result dr;
    CHECK(jf_table_document(NULL, (const uint8_t *)"{}", 2, &dr) == NULL && dr.error.code == JF_INVALID_OPTION);
    CHECK(jf_table_document(t, (const uint8_t *)"{\n\"a\":", 6, &dr) == NULL && dr.error.code == JF_INVALID_JSON &&
          dr.error.line == 2);
    jf_table_free(t);
}

static void test_document(void) {
    jf_error err;
    jf_table *t = compile("{\"columns\":[\"id\",\"n.x\"],\"records\":true}", &err);
    const char *doc = "[\n {\"id\":1},\n {\"id\":2,\"n\":{\"x\":\"a\\nb\"}},\n 7\n]";
    jf_result r;
    uint8_t *out = jf_table_document(t, (const uint8_t *)doc, strlen(doc), &r);
    const char *want = "id,n.x,_extra\n1,,\n2,\"a\nb\",\n,,\"{\"\"\"\":7}\"\n";
    CHECK_MSG(out != NULL, "document: %s", r.error.message);
    if (out) CHECK_MEM_EQ(out, (size_t)r.length, want, strlen(want));
    jf_free(out);
    jf_table_free(t);
}

/* 5,000 columns: the hash grows many times; every leaf still finds its column. */
static void test_wide(void) {
    enum { N = 5000 };
    size_t cap = N * 16 + 64;
    char *spec = malloc(cap), *line = malloc(cap), *want = malloc(cap * 2);
    size_t s = (size_t)snprintf(spec, cap, "{\"columns\":["), l = (size_t)snprintf(line, cap, "{"), w = 0;
    for (int i = 0; i < N; i++) {
        s += (size_t)snprintf(spec + s, cap - s, "%s\"c%d\"", i ? "," : "", N - 1 - i);
        l += (size_t)snprintf(line + l, cap - l, "%s\"c%d\":%d", i ? "," : "", i, i);
        w += (size_t)snprintf(want + w, cap * 2 - w, "%sc%d", i ? "," : "", N - 1 - i);
    }
    snprintf(spec + s, cap - s, "],\"unknown\":\"error\"}");
    snprintf(line + l, cap - l, "}\n");
    want[w++] = '\n';
    for (int i = 0; i < N; i++) w += (size_t)snprintf(want + w, cap * 2 - w, "%s%d", i ? "," : "", N - 1 - i);
    want[w++] = '\n';
    want[w] = 0;
    expect_rows(spec, line, 0, want);
    free(spec);
    free(line);
    free(want);
}

/* A spool table's output: records, discover's JSON, the JSON's length. The
 * records finished by a table of the final columns are the writing pass's
 * rows (a row written before later columns were found gets their empty
 * cells; a duplicate path's value lands in _extra once the table has one);
 * a cut record is refused. */
static void test_spool(void) {
    jf_error err;
    jf_table *spool = compile("{\"spool\":true}", &err);
    const char *lines = "{\"a\":1}\nnope\n{\"b\":\"x,y\",\"a\":2,\"a\":3}\n";
    jf_lines_options lo = { JF_ON_ERROR_EMIT, 0, 0, 0, 0 };
    jf_lines_result lr;
    uint8_t *out = jf_table_lines(spool, (const uint8_t *)lines, strlen(lines), &lo, &lr);
    CHECK_MSG(out != NULL, "spool: %s", lr.error.message);
    jf_result r;
    CHECK(jf_table_document(spool, (const uint8_t *)"{}", 2, &r) == NULL && r.error.code == JF_INVALID_OPTION);
    jf_table_free(spool);
    if (!out) return;
    uint64_t json_len;
    memcpy(&json_len, out + lr.length - 8, 8);
    const char *found = "{\"columns\":[\"a\",\"b\"],\"duplicates\":true}\n";
    size_t records = (size_t)(lr.length - 8 - json_len);
    CHECK_MEM_EQ(out + records, (size_t)json_len, found, strlen(found));

    jf_table *t = compile("{\"columns\":[\"a\",\"b\"],\"unknown\":\"extra\"}", &err);
    uint8_t *rows = jf_table_unspool(t, out, records, 1, &r);
    const char *want = "a,b,_extra,_error\n1,,,\n,,,\"{\"\"code\"\":\"\"INVALID_JSON\"\",\"\"message\"\":\"\"invalid JSON: invalid "
                       "literal, expected a valid literal such as 'null'\"\",\"\"offset\"\":8,\"\"line\"\":2,\"\"column\"\":1}\"\n"
                       "2,\"x,y\",\"{\"\"a\"\":3}\",\n";
    CHECK_MSG(rows != NULL, "unspool: %s", r.error.message);
    if (rows) CHECK_MEM_EQ(rows, (size_t)r.length, want, strlen(want));
    jf_free(rows);
    CHECK(jf_table_unspool(t, out, records - 1, 1, &r) == NULL && r.error.code == JF_INVALID_OPTION);
    CHECK(jf_table_unspool(t, out, records, 0, &r) == NULL && r.error.code == JF_INVALID_OPTION); /* an _error cell, no column */
    CHECK(jf_table_unspool(t, NULL, 1, 1, &r) == NULL && r.error.code == JF_INVALID_OPTION);
    uint8_t *none = jf_table_unspool(t, NULL, 0, 1, &r); /* no records: no rows (the header was written) */
    CHECK(none != NULL && r.length == 0);
    jf_free(none);
    jf_table_free(t);
    jf_free(out);
}

int main(void) {
    jf_alloc_stats before, after;
    jf_get_alloc_stats(&before);
    test_specs();
    test_rows();
    test_errors();
    test_document();
    test_wide();
    test_spool();
    jf_get_alloc_stats(&after);
    CHECK_INT_EQ(after.live_blocks, before.live_blocks);
    return check_done("test_table");
}
