/*==============================================================================
 * stream_ratio.c — one array document through the document stream
 * (jf_doc_stream, what `jsonflat flatten big.json` runs) against jf_flatten
 * on the same records cut into pieces that fit in memory (issue 17's
 * in-memory baseline), native only, side by side in one process.
 *
 *   stream_ratio LIBJSONFLAT FILE [--chunk BYTES] [--piece BYTES] [--rounds N]
 *       per round: the stream over FILE in chunks of --chunk bytes (default
 *       1 MiB, the CLI's), then jf_flatten on every piece (default 16 MiB,
 *       as bench/giant/run.ts); prints the medians of wall and CPU time
 *       and the stream's throughput as a percentage of the pieces'.
 *   stream_ratio LIBJSONFLAT FILE --only stream|pieces|none
 *       one pass of one side, untimed: for callgrind instruction counts
 *       (none: reading and cutting alone, the driver's share to subtract).
 *
 * FILE is an array document of records separated by ",\n" (bench/giant/
 * generate.ts --shape array). The whole file is read into memory first, so
 * neither side pays for reading it; pieces are cut (and bracketed) outside the
 * timed part. Both sides' output is freed, not written.
 *============================================================================*/
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonflat.h"
#include "../harness/driver.h"

typedef uint8_t *(*flatten_fn)(const uint8_t *, size_t, const jf_options *, jf_result *);
typedef void (*free_fn)(void *);
typedef jf_doc_stream *(*stream_new_fn)(const jf_options *, const jf_query *, uint64_t, jf_error *);
typedef const uint8_t *(*stream_feed_fn)(jf_doc_stream *, const uint8_t *, size_t, jf_result *);
typedef const uint8_t *(*stream_finish_fn)(jf_doc_stream *, jf_result *);
typedef void (*stream_free_fn)(jf_doc_stream *);

static flatten_fn flatten_p;
static free_fn free_p;
static stream_new_fn stream_new_p;
static stream_feed_fn stream_feed_p;
static stream_finish_fn stream_finish_p;
static stream_free_fn stream_free_p;

typedef struct piece {
    uint8_t *data;
    size_t   len;
} piece;

/* The records of `doc` ("[\n" rec ",\n" rec ... "\n]\n") as array documents of
 * about `size` bytes each, cut at the ",\n" between records. */
static piece *cut(const uint8_t *doc, size_t len, size_t size, size_t *count) {
    const uint8_t *start = memchr(doc, '[', len), *end = doc + len;
    while (end > doc && end[-1] != ']') end--;
    if (!start || end <= start + 1) {
        fprintf(stderr, "stream_ratio: not an array document\n");
        exit(2);
    }
    start++;
    end--; /* the records lie in [start, end) */
    size_t cap = len / size + 2, n = 0;
    piece *pieces = malloc(cap * sizeof(*pieces));
    while (start < end) {
        const uint8_t *stop = start + size < end ? start + size : end;
        while (stop < end && !(stop[0] == ',' && stop[1] == '\n')) stop++;
        size_t body = (size_t)(stop - start);
        uint8_t *p = malloc(body + 2);
        p[0] = '[';
        memcpy(p + 1, start, body);
        p[body + 1] = ']';
        if (n == cap) pieces = realloc(pieces, (cap *= 2) * sizeof(*pieces));
        pieces[n++] = (piece){ p, body + 2 };
        start = stop < end ? stop + 1 : end; /* past the ',' */
    }
    *count = n;
    return pieces;
}

static double seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void run_stream(const uint8_t *doc, size_t len, size_t chunk) {
    jf_error err;
    jf_doc_stream *s = stream_new_p(NULL, NULL, chunk, &err);
    jf_result r;
    for (size_t at = 0; at < len; at += chunk) {
        size_t n = len - at < chunk ? len - at : chunk;
        if (!stream_feed_p(s, doc + at, n, &r)) {
            fprintf(stderr, "stream_ratio: stream failed: %s\n", r.error.message);
            exit(1);
        }
    }
    if (!stream_finish_p(s, &r)) {
        fprintf(stderr, "stream_ratio: stream failed at the end: %s\n", r.error.message);
        exit(1);
    }
    stream_free_p(s);
}

static void run_pieces(const piece *pieces, size_t count) {
    for (size_t i = 0; i < count; i++) {
        jf_result r;
        uint8_t *out = flatten_p(pieces[i].data, pieces[i].len, NULL, &r);
        if (!out) {
            fprintf(stderr, "stream_ratio: flatten failed: %s\n", r.error.message);
            exit(1);
        }
        free_p(out);
    }
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof(*v), by_value);
    return v[n / 2];
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: stream_ratio LIBJSONFLAT FILE [--chunk BYTES] [--piece BYTES] [--rounds N] [--only stream|pieces]\n");
        return 2;
    }
    size_t chunk = 1 << 20, piece_size = 16 << 20;
    int rounds = 5;
    const char *only = NULL;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--chunk")) chunk = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--piece")) piece_size = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--rounds")) rounds = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--only")) only = argv[i + 1];
    }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "stream_ratio: dlopen failed: %s\n", dlerror());
        return 2;
    }
    flatten_p = (flatten_fn)bench_symbol(lib, "jf_flatten");
    free_p = (free_fn)bench_symbol(lib, "jf_free");
    stream_new_p = (stream_new_fn)bench_symbol(lib, "jf_doc_stream_new");
    stream_feed_p = (stream_feed_fn)bench_symbol(lib, "jf_doc_stream_feed");
    stream_finish_p = (stream_finish_fn)bench_symbol(lib, "jf_doc_stream_finish");
    stream_free_p = (stream_free_fn)bench_symbol(lib, "jf_doc_stream_free");
    size_t len;
    uint8_t *doc = bench_read_file(argv[2], &len);
    size_t count;
    piece *pieces = cut(doc, len, piece_size, &count);
    if (only) {
        if (!strcmp(only, "stream")) run_stream(doc, len, chunk);
        else if (!strcmp(only, "pieces")) run_pieces(pieces, count);
        return 0;
    }
    double *sw = malloc(rounds * sizeof(double)), *sc = malloc(rounds * sizeof(double));
    double *pw = malloc(rounds * sizeof(double)), *pc = malloc(rounds * sizeof(double));
    for (int r = 0; r < rounds; r++) {
        double w = seconds(CLOCK_MONOTONIC), c = seconds(CLOCK_PROCESS_CPUTIME_ID);
        run_stream(doc, len, chunk);
        sw[r] = seconds(CLOCK_MONOTONIC) - w;
        sc[r] = seconds(CLOCK_PROCESS_CPUTIME_ID) - c;
        w = seconds(CLOCK_MONOTONIC);
        c = seconds(CLOCK_PROCESS_CPUTIME_ID);
        run_pieces(pieces, count);
        pw[r] = seconds(CLOCK_MONOTONIC) - w;
        pc[r] = seconds(CLOCK_PROCESS_CPUTIME_ID) - c;
    }
    double msw = median(sw, rounds), msc = median(sc, rounds), mpw = median(pw, rounds), mpc = median(pc, rounds);
    double mb = (double)len / 1e6;
    printf("%s: %zu bytes, %zu pieces of ~%zu, chunk %zu, %d rounds (medians)\n", argv[2], len, count, piece_size,
           chunk, rounds);
    printf("| side | wall s | CPU s | MB/s (wall) | MB/s per CPU s |\n|---|---:|---:|---:|---:|\n");
    printf("| stream | %.3f | %.3f | %.0f | %.0f |\n", msw, msc, mb / msw, mb / msc);
    printf("| pieces | %.3f | %.3f | %.0f | %.0f |\n", mpw, mpc, mb / mpw, mb / mpc);
    printf("stream / pieces: %.1f %% (wall), %.1f %% (CPU)\n", 100 * mpw / msw, 100 * mpc / msc);
    return 0;
}
