/*==============================================================================
 * yyjson_cli.c — the ceiling as a program, for bench/run.sh's peer table.
 *
 * Same work as yyjson_roundtrip.c (parse with raw numbers, write compact,
 * free, mimalloc as the allocator) over a file: one document, or one per line
 * with --ndjson. Built by bench/ceiling/build.sh into build/bench/; it is not
 * part of the library.
 *
 *   yyjson_cli [--ndjson] INPUT OUTPUT           file -> file
 *   yyjson_cli [--ndjson] --runs R --min-seconds S INPUT
 *       reads INPUT once, then R times repeats the round trip in memory until
 *       S seconds have passed (at least once) and prints
 *       {"times":[seconds per round trip, one per run...],"outBytes":N}.
 *
 * Bad input: exit 1 with the byte offset on stderr. Not thread safe (one
 * process, one thread).
 *============================================================================*/
#define _POSIX_C_SOURCE 199309L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "yyjson.h"
#include <mimalloc.h>
#include "mi_alc.h"

/*------------------------------------------------------------------------------
 * Buffers
 *----------------------------------------------------------------------------*/

typedef struct { char *data; size_t len, cap; } buffer;

static void die(const char *what, const char *detail) {
    fprintf(stderr, "yyjson_cli: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static void append(buffer *b, const char *data, size_t len) {
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1 << 20;
        while (cap < b->len + len) cap *= 2;
        b->data = mi_realloc(b->data, cap);
        if (!b->data) die("out of memory", NULL);
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static buffer read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open", path);
    buffer b = {0};
    char chunk[1 << 16];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) append(&b, chunk, n);
    fclose(f);
    return b;
}

/*------------------------------------------------------------------------------
 * Round trips
 *----------------------------------------------------------------------------*/

/* Parses one document and appends its compact form (plus a newline if asked). */
static void roundtrip(const char *input, size_t length, buffer *out, int newline) {
    yyjson_read_err rerr;
    yyjson_doc *doc = yyjson_read_opts((char *)(uintptr_t)input, length, YYJSON_READ_NUMBER_AS_RAW, &mi_alc, &rerr);
    if (!doc) {
        fprintf(stderr, "yyjson_cli: invalid JSON at byte %zu: %s\n", rerr.pos, rerr.msg);
        exit(1);
    }
    size_t len = 0;
    char *text = yyjson_write_opts(doc, YYJSON_WRITE_NOFLAG, &mi_alc, &len, NULL);
    yyjson_doc_free(doc);
    if (!text) die("write failed", NULL);
    append(out, text, len);
    if (newline) append(out, "\n", 1);
    mi_free(text);
}

/* One pass over the whole input into `out` (cleared first). */
static void pass(const buffer *in, int ndjson, buffer *out) {
    out->len = 0;
    if (!ndjson) {
        roundtrip(in->data, in->len, out, 0);
        return;
    }
    const char *p = in->data, *end = in->data + in->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        size_t len = (size_t)(stop - p);
        if (len && stop[-1] == '\r') len--;
        if (len) roundtrip(p, len, out, 1);
        p = nl ? nl + 1 : end;
    }
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*------------------------------------------------------------------------------
 * Main
 *----------------------------------------------------------------------------*/

int main(int argc, char **argv) {
    int ndjson = 0;
    long runs = 0;
    double min_seconds = 0;
    const char *paths[2] = {NULL, NULL};
    int npaths = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--ndjson")) ndjson = 1;
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atol(argv[++i]);
        else if (!strcmp(argv[i], "--min-seconds") && i + 1 < argc) min_seconds = atof(argv[++i]);
        else if (npaths < 2) paths[npaths++] = argv[i];
        else die("usage: yyjson_cli [--ndjson] [--runs R --min-seconds S] INPUT [OUTPUT]", NULL);
    }
    if (!paths[0] || (runs <= 0 && !paths[1])) die("usage: yyjson_cli [--ndjson] [--runs R --min-seconds S] INPUT [OUTPUT]", NULL);

    buffer in = read_file(paths[0]);
    buffer out = {0};
    if (runs <= 0) {
        pass(&in, ndjson, &out);
        FILE *f = fopen(paths[1], "wb");
        if (!f || fwrite(out.data, 1, out.len, f) != out.len || fclose(f) != 0) die("cannot write", paths[1]);
        return 0;
    }
    printf("{\"times\":[");
    for (long r = 0; r < runs; r++) {
        double t0 = now(), elapsed;
        long passes = 0;
        do {
            pass(&in, ndjson, &out);
            passes++;
        } while ((elapsed = now() - t0) < min_seconds);
        printf("%s%.9g", r ? "," : "", elapsed / (double)passes);
    }
    printf("],\"outBytes\":%zu}\n", out.len);
    return 0;
}
