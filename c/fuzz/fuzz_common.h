/*==============================================================================
 * fuzz_common.h — helpers shared by the libFuzzer targets (header only).
 *
 * Every check that fails prints what it saw and calls __builtin_trap(), so
 * libFuzzer records the input as a crash.
 *============================================================================*/
#ifndef JF_FUZZ_COMMON_H
#define JF_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonflat.h"
#include "yyjson.h"

#define FUZZ_ASSERT(cond, ...) do { \
    if (!(cond)) { \
        fprintf(stderr, "fuzz check failed at %s:%d: %s\n  ", __FILE__, __LINE__, #cond); \
        fprintf(stderr, __VA_ARGS__); \
        fprintf(stderr, "\n"); \
        __builtin_trap(); \
    } \
} while (0)

/* The live-block counter must be back where it was after every call. */
typedef struct fuzz_stats { jf_alloc_stats before; } fuzz_stats;

static inline void fuzz_stats_begin(fuzz_stats *s) { jf_get_alloc_stats(&s->before); }

static inline void fuzz_stats_end(const fuzz_stats *s) {
    jf_alloc_stats after;
    jf_get_alloc_stats(&after);
    if (after.live_blocks != s->before.live_blocks || after.live_bytes != s->before.live_bytes) {
        fprintf(stderr, "leak: live_blocks %llu -> %llu, live_bytes %llu -> %llu\n",
                (unsigned long long)s->before.live_blocks, (unsigned long long)after.live_blocks,
                (unsigned long long)s->before.live_bytes, (unsigned long long)after.live_bytes);
        __builtin_trap();
    }
}

/* Strict parse of a library output: valid JSON, valid UTF-8. */
static inline yyjson_doc *fuzz_parse_output(const uint8_t *out, uint64_t len) {
    yyjson_read_err err;
    yyjson_doc *d = yyjson_read_opts((char *)out, (size_t)len, YYJSON_READ_NUMBER_AS_RAW, NULL, &err);
    FUZZ_ASSERT(d != NULL, "output is not valid JSON: %s at %zu: %.*s", err.msg, err.pos,
                (int)(len < 400 ? len : 400), (const char *)out);
    return d;
}

/* True if any object in the document repeats a member name, or is too wide
 * to check cheaply (then callers skip their exact comparisons). Iterative:
 * yyjson lays out every value of an immutable document in one array. */
static inline int fuzz_has_dup_keys(yyjson_doc *d) {
    yyjson_val *vals = yyjson_doc_get_root(d);
    size_t n = yyjson_doc_get_val_count(d);
    for (size_t i = 0; i < n; i++) {
        yyjson_val *v = &vals[i];
        if (!yyjson_is_obj(v)) continue;
        size_t sz = yyjson_obj_size(v);
        if (sz < 2) continue;
        if (sz > 256) return 1;
        yyjson_val *keys[256];
        size_t k = 0;
        yyjson_obj_iter it = yyjson_obj_iter_with(v);
        yyjson_val *key;
        while ((key = yyjson_obj_iter_next(&it))) {
            for (size_t j = 0; j < k; j++)
                if (yyjson_get_len(keys[j]) == yyjson_get_len(key) &&
                    memcmp(yyjson_get_str(keys[j]), yyjson_get_str(key), yyjson_get_len(key)) == 0)
                    return 1;
            keys[k++] = key;
        }
    }
    return 0;
}

/* yyjson's compact write of a document (malloc'd; free with free()). */
static inline char *fuzz_write(yyjson_doc *d, size_t *len) {
    return yyjson_write(d, 0, len);
}

#endif /* JF_FUZZ_COMMON_H */
