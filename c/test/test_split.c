/*==============================================================================
 * test_split.c — jf_split_scan and the split ranges of a doc stream
 * (jf_doc_stream_descend_at / _resume / _pause): the ranges of a document cut
 * at every possible range size, flattened apart and concatenated, write what
 * jf_flatten writes for the whole document and fail with its error; scans
 * resumed from a comma find the same cuts; bad calls are refused; every block
 * is freed (valgrind and ASan runs).
 *============================================================================*/
#include "check.h"

#include <stdbool.h>

#define MAX_CUTS 256

/* One range fed in pieces of `piece` bytes; appends its output to out/n. False with *err on failure. */
static bool run_range(jf_doc_stream *s, const unsigned char *doc, size_t start, size_t end, bool last, size_t piece,
                      unsigned char *out, size_t *n, jf_error *err) {
    jf_result r;
    for (size_t at = start; at < end; at += piece) {
        const uint8_t *o = jf_doc_stream_feed(s, doc + at, end - at < piece ? end - at : piece, &r);
        if (!o) {
            *err = r.error;
            return false;
        }
        memcpy(out + *n, o, r.length);
        *n += r.length;
    }
    const uint8_t *o = last ? jf_doc_stream_finish(s, &r) : jf_doc_stream_pause(s, &r);
    if (!o) {
        *err = r.error;
        return false;
    }
    memcpy(out + *n, o, r.length);
    *n += r.length;
    return true;
}

/* The split output of `doc` at `path` (JSON array of names), or NULL with *err. Caller frees. */
static unsigned char *split_flatten(const char *doc, const char *path, size_t containers, uint64_t range_bytes,
                                    size_t piece, size_t *len, jf_error *err) {
    size_t dlen = strlen(doc);
    uint64_t cuts[4 * MAX_CUTS];
    jf_split_plan plan;
    CHECK(jf_split_scan((const uint8_t *)doc, dlen, NULL, (const uint8_t *)path, strlen(path), range_bytes, cuts,
                        MAX_CUTS, &plan) == 1);
    CHECK(plan.found == 1);
    unsigned char *out = malloc(dlen * 8 + 64);
    size_t n = 0;
    bool ok = true;
    for (uint64_t k = 0; ok && k <= plan.cuts; k++) {
        jf_doc_stream *s = jf_doc_stream_new(NULL, NULL, piece, NULL);
        const uint64_t *cut = k ? cuts + 4 * (k - 1) : NULL;
        size_t start = cut ? (size_t)cut[0] : 0;
        size_t end = k < plan.cuts ? (size_t)cuts[4 * k] : dlen;
        bool last = k == plan.cuts;
        jf_error setup;
        if (cut) CHECK(jf_doc_stream_resume(s, (const uint8_t *)path, strlen(path), cut[1], cut[0], cut[2], cut[3], &setup) == 1);
        else if (!last) CHECK(jf_doc_stream_descend_at(s, plan.opens, containers, &setup) == 1);
        ok = run_range(s, (const uint8_t *)doc, start, end, last, piece, out, &n, err);
        jf_doc_stream_free(s);
    }
    if (!ok) {
        free(out);
        return NULL;
    }
    *len = n;
    return out;
}

/* Every range size 1..len and pieces of 1, 3 and 64 bytes give jf_flatten's bytes or error
 * (`containers`: the path's names + 1). */
static void same_as_whole(const char *doc, const char *path, size_t containers) {
    jf_result whole;
    uint8_t *want = jf_flatten((const uint8_t *)doc, strlen(doc), NULL, &whole);
    static const size_t pieces[] = { 1, 3, 64 };
    for (uint64_t range = 1; range <= strlen(doc); range++) {
        for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
            size_t len = 0;
            jf_error err;
            memset(&err, 0, sizeof err);
            unsigned char *got = split_flatten(doc, path, containers, range, pieces[i], &len, &err);
            if (want) {
                CHECK_MSG(got != NULL, "%s split at range %llu: %s", doc, (unsigned long long)range, err.message);
                if (got) CHECK_MEM_EQ(got, len, want, whole.length);
            } else {
                CHECK_MSG(!got, "%s split at range %llu succeeded", doc, (unsigned long long)range);
                CHECK_INT_EQ(err.code, whole.error.code);
                CHECK_INT_EQ(err.offset, whole.error.offset);
                CHECK_INT_EQ(err.line, whole.error.line);
                CHECK_INT_EQ(err.column, whole.error.column);
                CHECK_STR_EQ(err.message, whole.error.message);
            }
            free(got);
        }
    }
    jf_free(want);
}

static void documents(void) {
    same_as_whole("[1,2,3]", "[]", 1);
    same_as_whole("[]", "[]", 1);
    same_as_whole("[{\"a\":[1,\"]\"]},\"x\\\"]\",[[]],{}, null ,\n 4.5e1]", "[]", 1);
    same_as_whole("{\"pre\":[1],\"it\\\"ems\":{\"list\":[{\"b\":1},2,[3,{\"c\":\"{\"}]]},\"post\":{\"d\":[]}}", "[\"it\\\"ems\",\"list\"]", 3);
    same_as_whole("\xEF\xBB\xBF[\"\xC3\xA9\",\n\"\xC3\xA9\",x]", "[]", 1);
    same_as_whole("[1,2,3,]", "[]", 1);
    same_as_whole("{\"a\":[1,{\"b\":tru},3],\"c\":1}", "[\"a\"]", 2);
    same_as_whole("{\"a\":[1,2],\"c\":}", "[\"a\"]", 2);
}

/* Documents over many of the scan's 64-byte blocks: escaped quotes, runs of backslashes, brackets and
 * newlines inside strings, and newlines between elements, at every offset of a block (the padding grows
 * by one byte per element); then the same with a fault (a backslash outside a string) near the end. */
static void block_documents(void) {
    char doc[1400];
    size_t n = 0;
    doc[n++] = '[';
    for (int k = 0; k < 22; k++) {
        n += (size_t)snprintf(doc + n, sizeof doc - n, "%s{\"s\":\"%.*s\\\\\\\"]}[{\\n\",\"t\":[%d,\"\\\\\"]}", k ? ",\n" : "",
                              k, "................................", k);
    }
    doc[n++] = ']';
    doc[n] = 0;
    CHECK(n > 64 * 10);
    same_as_whole(doc, "[]", 1);
    doc[n - 40] = '\\'; /* a fault inside an element near the end */
    same_as_whole(doc, "[]", 1);
}

/* A scan resumed from any comma finds the cuts a scan from the start finds after it. */
static void resumed_scans(void) {
    const char *doc = "{\"x\":[[1,\"],\"],{\"a\":\"\\\\\"},\n3,4,\"\xC3\xA9\",6]}";
    size_t len = strlen(doc);
    uint64_t all[4 * MAX_CUTS], more[4 * MAX_CUTS];
    jf_split_plan plan, again;
    CHECK(jf_split_scan((const uint8_t *)doc, len, NULL, (const uint8_t *)"[\"x\"]", 5, 1, all, MAX_CUTS, &plan) == 1);
    CHECK_INT_EQ(plan.cuts, 5);
    CHECK_INT_EQ(plan.elements, 6);
    CHECK(plan.close == len - 2);
    for (uint64_t k = 0; k < plan.cuts; k++) {
        const uint64_t *from = all + 4 * k;
        CHECK(jf_split_scan((const uint8_t *)doc + from[0], len - from[0], from, NULL, 0, 1, more, MAX_CUTS, &again) == 1);
        CHECK_INT_EQ(again.cuts, plan.cuts - k - 1);
        CHECK(memcmp(more, all + 4 * (k + 1), again.cuts * 4 * sizeof(uint64_t)) == 0);
        CHECK(again.close == plan.close);
    }
    /* Cut short inside an element: the cuts before it, and the last comma seen to go on from. */
    CHECK(jf_split_scan((const uint8_t *)doc, 20, NULL, (const uint8_t *)"[\"x\"]", 5, 1, all, MAX_CUTS, &plan) == 1);
    CHECK(plan.close == UINT64_MAX);
    CHECK_INT_EQ(plan.resume[1], plan.cuts);
}

static void bad_calls(void) {
    jf_split_plan plan;
    uint64_t cuts[4];
    CHECK(jf_split_scan((const uint8_t *)"[1]", 3, NULL, (const uint8_t *)"{", 1, 1, cuts, 1, &plan) == 0);
    CHECK_INT_EQ(plan.error.code, JF_INVALID_OPTION);
    CHECK(jf_split_scan((const uint8_t *)"[1]", 3, NULL, (const uint8_t *)"[1]", 3, 1, cuts, 1, &plan) == 0);
    CHECK(jf_split_scan((const uint8_t *)"[1]", 3, NULL, (const uint8_t *)"[]", 2, 0, cuts, 1, &plan) == 0);
    CHECK(jf_split_scan((const uint8_t *)"{\"a\":{}}", 8, NULL, (const uint8_t *)"[\"a\"]", 5, 1, cuts, 1, &plan) == 1);
    CHECK_INT_EQ(plan.found, 0);

    jf_error err;
    jf_options grouped = opts_make(JF_MODE_GROUPED, JF_STYLE_JS, JF_FORMAT_OBJECT, 0);
    jf_doc_stream *s = jf_doc_stream_new(&grouped, NULL, 0, NULL);
    uint64_t opens[1] = { 0 };
    CHECK(jf_doc_stream_descend_at(s, opens, 1, &err) == 0);
    CHECK_INT_EQ(err.code, JF_INVALID_OPTION);
    CHECK(jf_doc_stream_resume(s, (const uint8_t *)"[]", 2, 1, 2, 1, 3, &err) == 0);
    jf_doc_stream_free(s);

    s = jf_doc_stream_new(NULL, NULL, 0, NULL);
    CHECK(jf_doc_stream_resume(s, (const uint8_t *)"[]", 2, 0, 2, 1, 3, &err) == 0); /* index 0 is the first range's */
    CHECK(jf_doc_stream_descend_at(s, opens, 0, &err) == 0);
    jf_result r;
    CHECK(jf_doc_stream_pause(s, &r) == NULL); /* not a split range */
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    jf_doc_stream_free(s);

    s = jf_doc_stream_new(NULL, NULL, 0, NULL);
    CHECK(jf_doc_stream_resume(s, (const uint8_t *)"[\"a\"]", 5, 1, 7, 1, 8, &err) == 1);
    CHECK(jf_doc_stream_resume(s, (const uint8_t *)"[\"a\"]", 5, 1, 7, 1, 8, &err) == 0); /* once */
    jf_doc_stream_free(s);
}

int main(void) {
    documents();
    block_documents();
    resumed_scans();
    bad_calls();
    return check_done("test_split");
}
