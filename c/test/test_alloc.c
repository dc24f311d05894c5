/*==============================================================================
 * test_alloc.c — the allocation counters: 10,000 mixed calls (valid and
 * invalid, every entry point and mode) leave live_blocks and live_bytes
 * where they started; held results are counted; total_blocks only grows.
 *============================================================================*/
#include "check.h"

typedef struct call {
    int unflat;
    uint32_t mode, style, format, flags, max_depth, max_nesting, reserved;
    const char *in;
    int ok; /* expected to succeed */
} call;

static const call calls[] = {
    { 0, 0, 0, 0, 0, 0, 0, 0, "{\"a\":{\"b c\":[1,{\"d\":true}]},\"e\":null,\"f\":[],\"g\":{}}", 1 },
    { 0, 1, 0, 0, 0, 0, 0, 0, "{\"a\":[{\"b\":1},{\"b\":2,\"c\":null}]}", 1 },
    { 0, 1, 1, 1, JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK, 0, 0, 0, "{\"a\":[1,9007199254740993]}", 1 },
    { 0, 0, 2, 1, JF_FLAG_ARRAYS_LEAF, 0, 0, 0, "[[1],{\"x\":[2]}]", 1 },
    { 0, 0, 0, 0, 0, 1, 0, 0, "{\"a\":{\"b\":{\"c\":\"\\u0000\"}}}", 1 },
    { 0, 0, 0, 0, JF_FLAG_REPLACE_INVALID_UTF8, 0, 0, 0, "[\"\xff\xc0\"]", 1 },
    { 0, 0, 0, 0, 0, 0, 0, 0, "5", 1 },
    { 0, 0, 0, 0, 0, 0, 0, 0, "{\"a\":[1,2,", 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0, "[\"\xff\"]", 0 },
    { 0, 0, 0, 0, 0, 0, 2, 0, "[[[1]]]", 0 },
    { 0, 0, 7, 0, 0, 0, 0, 0, "{}", 0 },
    { 0, 0, 0, 0, 0, 0, 0, 1, "{}", 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0, "", 0 },
    { 1, 0, 0, 0, 0, 0, 0, 0, "{\"a.b\":1,\"a.c[1]\":true,\"d\":{}}", 1 },
    { 1, 0, 1, 0, 0, 0, 0, 0, "{\"/a/b\":1,\"/a/c/1\":true}", 1 },
    { 1, 0, 2, 0, 0, 0, 0, 0, "{\"a.b\":1,\"a.c.0\":2}", 1 },
    { 1, 0, 0, 0, 0, 0, 0, 0, "{\"a\":1,\"a.b\":2}", 0 },
    { 1, 0, 0, 0, 0, 0, 0, 0, "{\"a[\":1}", 0 },
    { 1, 0, 0, 0, 0, 0, 0, 0, "[1]", 0 },
    { 1, 0, 0, 0, 0, 0, 0, 0, "{\"a[5000]\":1}", 0 },
    { 1, 0, 0, 0, 0, 0, 2, 0, "{\"a.b.c\":1}", 0 },
    { 1, 0, 0, 0, 0, 0, 0, 0, "{\"a\":", 0 },
    { 1, 0, 0, 0, 0, 0, 0, 0, "{\"x[3].y\":[1,{\"z\":2}],\"x[0]\":\"s\"}", 1 },
};

int main(void) {
    jf_alloc_stats start, now;
    jf_get_alloc_stats(&start);
    const size_t ncalls = sizeof calls / sizeof *calls;
    unsigned long wrong = 0, leaks_seen = 0;
    uint64_t total_before = start.total_blocks;

    for (int i = 0; i < 10000; i++) {
        const call *c = &calls[(size_t)i % ncalls];
        jf_options o = opts_make(c->mode, c->style, c->format, c->flags);
        o.max_depth = c->max_depth;
        o.max_nesting = c->max_nesting;
        o.reserved = c->reserved;
        jf_result r;
        uint8_t *out = c->unflat ? jf_unflatten((const uint8_t *)c->in, strlen(c->in), &o, &r)
                                 : jf_flatten((const uint8_t *)c->in, strlen(c->in), &o, &r);
        if ((out != NULL) != c->ok) {
            if (wrong++ < 5)
                fprintf(stderr, "call %zu (%s) %s: %s\n", (size_t)i % ncalls, c->in,
                        out ? "succeeded unexpectedly" : "failed", r.error.message);
        }
        jf_free(out);
        if (i % 1000 == 999) {
            jf_get_alloc_stats(&now);
            if (now.live_blocks != start.live_blocks) leaks_seen++;
        }
    }
    CHECK_INT_EQ(wrong, 0);
    CHECK_INT_EQ(leaks_seen, 0);
    jf_get_alloc_stats(&now);
    CHECK_INT_EQ(now.live_blocks, start.live_blocks);
    CHECK_INT_EQ(now.live_bytes, start.live_bytes);
    CHECK(now.total_blocks >= total_before + 10000 / 2);

    /* Results held at once are each one live block until freed. */
    uint8_t *held[64];
    jf_get_alloc_stats(&start);
    for (int i = 0; i < 64; i++) {
        jf_result r;
        held[i] = jf_flatten((const uint8_t *)"{\"a\":[1,2,3]}", 13, NULL, &r);
    }
    jf_get_alloc_stats(&now);
    CHECK_INT_EQ(now.live_blocks, start.live_blocks + 64);
    for (int i = 0; i < 64; i++) (i % 2 ? jf_free_callback(held[i], NULL) : jf_free(held[i]));
    jf_get_alloc_stats(&now);
    CHECK_INT_EQ(now.live_blocks, start.live_blocks);
    CHECK_INT_EQ(now.live_bytes, start.live_bytes);

    /* A large input and output, then nothing left. */
    {
        size_t n = 1 << 20, k = 0;
        char *big = malloc(n * 8 + 16);
        big[k++] = '[';
        for (size_t i = 0; i < n; i++) { if (i) big[k++] = ','; big[k++] = '{'; big[k++] = '}'; }
        big[k++] = ']';
        jf_get_alloc_stats(&start);
        jf_result r;
        uint8_t *out = jf_flatten((const uint8_t *)big, k, NULL, &r);
        CHECK(out != NULL);
        uint8_t *back = out ? jf_unflatten(out, (size_t)r.length, NULL, &r) : NULL;
        CHECK(back != NULL);
        if (back) CHECK_MEM_EQ(back, (size_t)r.length, big, k);
        jf_free(out);
        jf_free(back);
        jf_get_alloc_stats(&now);
        CHECK_INT_EQ(now.live_blocks, start.live_blocks);
        free(big);
    }
    return check_done("test_alloc");
}
