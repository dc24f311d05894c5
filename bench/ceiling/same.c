/*==============================================================================
 * same.c — differential check for speed work on the flatten walk: every file
 * given, flattened by two builds of libjsonflat under a spread of options,
 * must give the same bytes (or the same error code and offset).
 *
 *   same LIBBASE LIBNEW FILE...     (bench/ceiling/same.sh)
 *
 * A file whose lines are each a document (NDJSON) is also checked line by
 * line, so a few thousand small documents are covered, not only the big ones.
 *============================================================================*/
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonflat.h"

typedef uint8_t *(*flatten_fn)(const uint8_t *, size_t, const jf_options *, jf_result *);
typedef void (*free_fn)(void *);
typedef void (*init_fn)(jf_options *);

typedef struct lib {
    flatten_fn flatten;
    free_fn free;
    init_fn init;
} lib;

static lib open_lib(const char *path) {
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "same: %s\n", dlerror());
        exit(2);
    }
    lib l = { (flatten_fn)dlsym(h, "jf_flatten"), (free_fn)dlsym(h, "jf_free"), (init_fn)dlsym(h, "jf_options_init") };
    if (!l.flatten || !l.free || !l.init) {
        fprintf(stderr, "same: %s lacks a symbol\n", path);
        exit(2);
    }
    return l;
}

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)n + 1);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) n = 0;
    fclose(f);
    *len = (size_t)n;
    return data;
}

/* Option sets: every style and format, the flags that change leaf writing, a depth limit. */
static void options_at(const lib *l, int i, jf_options *o) {
    l->init(o);
    o->style = (uint32_t)(i % 3);
    o->format = (uint32_t)((i / 3) % 2);
    static const uint32_t flags[] = { 0, JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK, JF_FLAG_REPLACE_INVALID_UTF8,
                                      JF_FLAG_ARRAYS_LEAF };
    o->flags = flags[(i / 6) % 4];
    o->max_depth = (i / 24) % 2 ? 2 : 0;
    o->mode = (i / 48) % 2; /* leaf, grouped */
}
enum { OPTION_SETS = 96 };

static long compared, differed;

static void check(const lib *a, const lib *b, const uint8_t *in, size_t n, const char *what) {
    for (int i = 0; i < OPTION_SETS; i++) {
        jf_options oa, ob;
        options_at(a, i, &oa);
        options_at(b, i, &ob);
        jf_result ra, rb;
        uint8_t *xa = a->flatten(in, n, &oa, &ra);
        uint8_t *xb = b->flatten(in, n, &ob, &rb);
        bool same = (xa == NULL) == (xb == NULL);
        if (same && xa) same = ra.length == rb.length && memcmp(xa, xb, ra.length) == 0 && ra.leaves == rb.leaves;
        if (same && !xa) same = ra.error.code == rb.error.code && ra.error.offset == rb.error.offset;
        compared++;
        if (!same && differed++ < 10) fprintf(stderr, "same: DIFFERS: %s, option set %d\n", what, i);
        if (xa) a->free(xa);
        if (xb) b->free(xb);
    }
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: same LIBBASE LIBNEW FILE...\n");
        return 2;
    }
    lib a = open_lib(argv[1]), b = open_lib(argv[2]);
    for (int i = 3; i < argc; i++) {
        size_t n;
        uint8_t *in = read_file(argv[i], &n);
        if (!in) continue;
        check(&a, &b, in, n, argv[i]);
        const uint8_t *line = in, *end = in + n;
        while (line < end && memchr(line, '\n', (size_t)(end - line)) && strstr(argv[i], ".json") == NULL) {
            const uint8_t *nl = memchr(line, '\n', (size_t)(end - line));
            const uint8_t *tab = memchr(line, '{', (size_t)(nl - line)); /* Open Library dumps: the JSON after the tabs */
            if (tab) check(&a, &b, tab, (size_t)(nl - tab), argv[i]);
            line = nl + 1;
        }
        free(in);
    }
    printf("same: %ld comparisons, %ld differ\n", compared, differed);
    return differed != 0;
}
