/*==============================================================================
 * test_doc_stream.c — jf_doc_stream_*: one document fed in chunks writes what
 * jf_flatten writes for the whole of it, and fails with the same error; bad
 * calls are refused; every block is freed (valgrind and ASan runs).
 *============================================================================*/
#include "check.h"

#include <stdbool.h>

/* Feeds `doc` in chunks of `chunk` bytes; returns the whole output (malloc'd)
 * or NULL with *err filled. */
static unsigned char *streamed(const unsigned char *doc, size_t len, const jf_options *opt, size_t chunk, size_t *out_len,
                               jf_error *err) {
    jf_error open_err;
    jf_doc_stream *s = jf_doc_stream_new(opt, NULL, chunk, &open_err);
    if (!s) {
        *err = open_err;
        return NULL;
    }
    size_t cap = len * 4 + 64, n = 0;
    unsigned char *all = malloc(cap);
    jf_result r;
    bool ok = true;
    for (size_t at = 0; ok && at < len; at += chunk) {
        const uint8_t *o = jf_doc_stream_feed(s, doc + at, len - at < chunk ? len - at : chunk, &r);
        if (!o) ok = false;
        else {
            if (n + r.length > cap) all = realloc(all, cap = (n + r.length) * 2);
            memcpy(all + n, o, r.length);
            n += r.length;
        }
    }
    if (ok) {
        const uint8_t *o = jf_doc_stream_finish(s, &r);
        if (!o) ok = false;
        else {
            if (n + r.length > cap) all = realloc(all, cap = n + r.length);
            memcpy(all + n, o, r.length);
            n += r.length;
        }
    }
    jf_doc_stream_free(s);
    if (!ok) {
        *err = r.error;
        free(all);
        return NULL;
    }
    *out_len = n;
    return all;
}

static void check_same(const char *what, const unsigned char *doc, size_t len, const jf_options *opt, size_t chunk) {
    jf_result want;
    uint8_t *whole = jf_flatten(doc, len, opt, &want);
    size_t got_len = 0;
    jf_error got_err;
    unsigned char *got = streamed(doc, len, opt, chunk, &got_len, &got_err);
    if (whole) {
        CHECK_MSG(got != NULL, "%s (chunk %zu): stream failed: %s", what, chunk, got ? "" : got_err.message);
        if (got) CHECK_MSG(got_len == want.length && memcmp(got, whole, got_len) == 0, "%s (chunk %zu): output differs", what, chunk);
    } else {
        CHECK_MSG(got == NULL, "%s (chunk %zu): stream accepted what jf_flatten refuses", what, chunk);
        if (!got) {
            CHECK_MSG(got_err.code == want.error.code && got_err.offset == want.error.offset && got_err.line == want.error.line &&
                          got_err.column == want.error.column && strcmp(got_err.message, want.error.message) == 0,
                      "%s (chunk %zu): error %d@%llu '%s', want %d@%llu '%s'", what, chunk, got_err.code,
                      (unsigned long long)got_err.offset, got_err.message, want.error.code,
                      (unsigned long long)want.error.offset, want.error.message);
        }
    }
    jf_free(whole);
    free(got);
}

static void small_documents(void) {
    static const char *docs[] = {
        "{\"a\":{\"b c\":[1,{\"d\":null}]},\"e\":[],\"f\":{}}",
        "[1,2,[3,[4,{\"x\":\"y\"}]],[]]",
        "  \"str\" ",
        "123",
        "[1,2",
        "{\"a\":1,}",
        "[1 2]",
        "\n\n [1,\n {\"a\": tru}]",
        "",
        "[1] x",
        "\xEF\xBB\xBF{\"bom\":true}",
        "[\"\\ud800\"]",
        "{\"a\":[[[[[[1]]]]]]}",
    };
    jf_options grouped, deep, pointer;
    jf_options_init(&grouped);
    grouped.mode = JF_MODE_GROUPED;
    jf_options_init(&deep);
    deep.max_nesting = 4;
    jf_options_init(&pointer);
    pointer.style = JF_STYLE_POINTER;
    pointer.format = JF_FORMAT_ENTRIES;
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        size_t len = strlen(docs[i]);
        for (size_t chunk = 1; chunk <= 9; chunk++) {
            check_same(docs[i], (const unsigned char *)docs[i], len, NULL, chunk);
            check_same(docs[i], (const unsigned char *)docs[i], len, &grouped, chunk);
            check_same(docs[i], (const unsigned char *)docs[i], len, &deep, chunk);
            check_same(docs[i], (const unsigned char *)docs[i], len, &pointer, chunk);
        }
    }
}

static void corpus(void) {
    const char *dir = check_data_dir();
    static const char *bench[] = { "twitter.json", "citm_catalog.json", "canada.json" };
    for (size_t i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/bench/%s", dir, bench[i]);
        size_t len;
        unsigned char *buf = check_read_file(path, &len);
        CHECK_MSG(buf != NULL, "cannot read %s (set JF_DATA_DIR)", path);
        if (!buf) continue;
        check_same(bench[i], buf, len, NULL, 1 << 16);
        check_same(bench[i], buf, len, NULL, 4093);
        for (size_t cut = 0; cut < len; cut += len / 7 + 1) check_same(bench[i], buf, cut, NULL, 1000);
        free(buf);
    }
}

static void bad_calls(void) {
    jf_result r;
    CHECK(jf_doc_stream_feed(NULL, (const uint8_t *)"1", 1, &r) == NULL);
    CHECK(jf_doc_stream_finish(NULL, &r) == NULL);
    jf_doc_stream_free(NULL);
    jf_options bad;
    jf_options_init(&bad);
    bad.mode = 99;
    jf_error err;
    CHECK(jf_doc_stream_new(&bad, NULL, 0, &err) == NULL);
    CHECK_INT_EQ(err.code, JF_INVALID_OPTION);
    jf_doc_stream *s = jf_doc_stream_new(NULL, NULL, 0, NULL);
    CHECK(s != NULL);
    CHECK(jf_doc_stream_feed(s, NULL, 1, &r) == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    /* A fault this close to the end of the bytes held may be a cut: it is judged once more bytes, or the end, come. */
    CHECK(jf_doc_stream_feed(s, (const uint8_t *)"[1,x", 4, &r) != NULL);
    CHECK(jf_doc_stream_finish(s, &r) == NULL);
    CHECK_INT_EQ(r.error.code, JF_INVALID_JSON);
    CHECK_INT_EQ(r.error.offset, 3);
    CHECK(jf_doc_stream_finish(s, &r) == NULL); /* the same error, again */
    CHECK_INT_EQ(r.error.offset, 3);
    jf_doc_stream_free(s);
}

int main(void) {
    small_documents();
    corpus();
    bad_calls();
    return check_done("test_doc_stream");
}
