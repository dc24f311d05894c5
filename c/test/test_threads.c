/*==============================================================================
 * test_threads.c — 8 threads flatten and unflatten different inputs with
 * different options 1,000 times each and check every output; results are
 * also freed by a thread other than the one that made them; the allocation
 * counters end where they started.
 *============================================================================*/
#include "check.h"

#include <pthread.h>

enum { THREADS = 8, ROUNDS = 1000 };

typedef struct job {
    int unflat;
    uint32_t mode, style, format, flags, max_depth;
    const char *in, *expected;
    uint8_t *last;       /* the last result, freed by main */
    uint64_t last_len;
    unsigned long bad;
} job;

static job jobs[THREADS] = {
    { 0, 0, 0, 0, 0, 0, "{\"a\":{\"b c\":[1,{\"d\":true}]},\"e\":null}",
      "{\"a[\\\"b c\\\"][0]\":1,\"a[\\\"b c\\\"][1].d\":true,\"e\":null}", NULL, 0, 0 },
    { 0, 0, 1, 1, 0, 0, "{\"a/b\":{\"c~\":[1,2]}}", "[[\"/a~1b/c~0/0\",1],[\"/a~1b/c~0/1\",2]]", NULL, 0, 0 },
    { 0, 0, 2, 0, 0, 2, "{\"a\":{\"b\":{\"c\":1}},\"d\":[1]}", "{\"a.b\":{\"c\":1},\"d.0\":1}", NULL, 0, 0 },
    { 0, 1, 0, 0, 0, 0, "{\"a\":[{\"b\":1},{\"b\":2,\"c\":null}]}", "{\"a[].b\":[1,2],\"a[].c\":[null]}", NULL, 0, 0 },
    { 0, 0, 0, 1, JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK, 0, "[9007199254740992,1.5]",
      "[[\"[0]\",\"9007199254740992\",1],[\"[1]\",1.5]]", NULL, 0, 0 },
    { 0, 0, 0, 0, JF_FLAG_REPLACE_INVALID_UTF8, 0, "{\"s\":\"a\xff\\n\"}", "{\"s\":\"a\xef\xbf\xbd\\n\"}", NULL, 0, 0 },
    { 1, 0, 0, 0, 0, 0, "{\"a.b\":1,\"a.c[1]\":true}", "{\"a\":{\"b\":1,\"c\":[null,true]}}", NULL, 0, 0 },
    { 1, 0, 1, 0, 0, 0, "{\"/x/0/y\":\"\\u0000\",\"/z\":{}}", "{\"x\":[{\"y\":\"\\u0000\"}],\"z\":{}}", NULL, 0, 0 },
};

static void *run(void *arg) {
    job *j = (job *)arg;
    jf_options o = opts_make(j->mode, j->style, j->format, j->flags);
    o.max_depth = j->max_depth;
    size_t elen = strlen(j->expected);
    for (int i = 0; i < ROUNDS; i++) {
        jf_result r;
        uint8_t *out = j->unflat ? jf_unflatten((const uint8_t *)j->in, strlen(j->in), &o, &r)
                                 : jf_flatten((const uint8_t *)j->in, strlen(j->in), &o, &r);
        if (!out || r.length != elen || memcmp(out, j->expected, elen) != 0) {
            if (j->bad++ == 0)
                fprintf(stderr, "thread job %d: got %.*s (%s)\n", (int)(j - jobs),
                        out ? (int)r.length : 0, out ? (const char *)out : "", r.error.message);
        }
        /* An error on the side, to interleave failing calls. */
        if (i % 10 == 0) {
            jf_result e;
            uint8_t *bad = jf_flatten((const uint8_t *)"[1,", 3, &o, &e);
            if (bad || e.error.code != JF_INVALID_JSON) j->bad++;
            jf_free(bad);
        }
        if (i + 1 == ROUNDS) { j->last = out; j->last_len = r.length; }
        else jf_free(out);
    }
    return NULL;
}

int main(void) {
    jf_alloc_stats start, now;
    jf_get_alloc_stats(&start);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) CHECK_INT_EQ(pthread_create(&t[i], NULL, run, &jobs[i]), 0);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        CHECK_MSG(jobs[i].bad == 0, "job %d: %lu wrong results", i, jobs[i].bad);
        if (jobs[i].last) CHECK_MEM_STR(jobs[i].last, (size_t)jobs[i].last_len, jobs[i].expected);
        else CHECK(jobs[i].last != NULL);
    }
    jf_get_alloc_stats(&now);
    CHECK_INT_EQ(now.live_blocks, start.live_blocks + THREADS);
    /* Freed here, in another thread than the one that allocated them
     * (those threads have exited). */
    for (int i = 0; i < THREADS; i++) jf_free(jobs[i].last);
    jf_get_alloc_stats(&now);
    CHECK_INT_EQ(now.live_blocks, start.live_blocks);
    CHECK_INT_EQ(now.live_bytes, start.live_bytes);
    return check_done("test_threads");
}
