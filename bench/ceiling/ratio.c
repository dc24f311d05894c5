/*==============================================================================
 * ratio.c — jsonflat bytes -> bytes as a share of the yyjson parse+write
 * ceiling, measured side by side in one process (bench/ceiling/ratio.sh).
 *
 *   ratio LIBJSONFLAT LIBCEILING [--rounds N] FILE...
 *       per file: N rounds, each timing one jf_flatten then one ceiling call
 *       (alternating, so both see the same machine load); prints the median
 *       of each and jsonflat's throughput as a percentage of the ceiling's,
 *       from the medians and from the fastest run of each (the steadier
 *       figure on a shared machine).
 *   ratio LIBJSONFLAT LIBCEILING --only jsonflat|ceiling --calls N FILE
 *       N calls of one side only, untimed: for callgrind instruction counts.
 *
 * Both libraries are dlopened, so the driver needs no link-time dependency
 * and measures the shipped .so exactly as Bun loads it.
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
typedef int (*roundtrip_fn)(const uint8_t *, size_t, size_t *);

static flatten_fn jf_flatten_p;
static free_fn jf_free_p;
static roundtrip_fn roundtrip_p;

static void load(const char *jsonflat, const char *ceiling) {
    void *a = dlopen(jsonflat, RTLD_NOW | RTLD_LOCAL);
    void *b = dlopen(ceiling, RTLD_NOW | RTLD_LOCAL);
    if (!a || !b) {
        fprintf(stderr, "ratio: dlopen failed: %s\n", dlerror());
        exit(2);
    }
    jf_flatten_p = (flatten_fn)bench_symbol(a, "jf_flatten");
    jf_free_p = (free_fn)bench_symbol(a, "jf_free");
    roundtrip_p = (roundtrip_fn)bench_symbol(b, "jfbench_roundtrip");
}

static size_t run_jsonflat(const uint8_t *input, size_t len) {
    jf_result result;
    uint8_t *out = jf_flatten_p(input, len, NULL, &result);
    if (!out) {
        fprintf(stderr, "ratio: jf_flatten failed: %s\n", result.error.message);
        exit(1);
    }
    jf_free_p(out);
    return (size_t)result.length;
}

static size_t run_ceiling(const uint8_t *input, size_t len) {
    size_t out_len = 0;
    if (roundtrip_p(input, len, &out_len) != 0) {
        fprintf(stderr, "ratio: ceiling failed\n");
        exit(1);
    }
    return out_len;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void compare(const char *path, int rounds) {
    size_t len;
    uint8_t *input = bench_read_file(path, &len);
    double *a = malloc(sizeof(double) * (size_t)rounds), *b = malloc(sizeof(double) * (size_t)rounds);
    run_jsonflat(input, len); /* warm both: first calls fault in the allocator's pages */
    run_ceiling(input, len);
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        run_jsonflat(input, len);
        double t1 = now();
        run_ceiling(input, len);
        double t2 = now();
        a[r] = t1 - t0;
        b[r] = t2 - t1;
    }
    double ja = median(a, rounds), cb = median(b, rounds); /* median() sorts: [0] is then the fastest */
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    printf("| %s | %zu | %.3f | %.3f | %.1f %% | %.1f %% |\n", name, len, ja * 1e3, cb * 1e3, 100.0 * cb / ja,
           100.0 * b[0] / a[0]);
    free(a);
    free(b);
    free(input);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: ratio LIBJSONFLAT LIBCEILING [--rounds N | --only jsonflat|ceiling --calls N] FILE...\n");
        return 2;
    }
    load(argv[1], argv[2]);
    int rounds = 31, calls = 0, i = 3;
    const char *only = NULL;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc) return 2;
        if (!strcmp(argv[i], "--rounds")) rounds = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--only")) only = argv[i + 1];
        else if (!strcmp(argv[i], "--calls")) calls = atoi(argv[i + 1]);
        else return 2;
    }
    if (rounds < 1) rounds = 1;
    if (only) {
        for (; i < argc; i++) {
            size_t len;
            uint8_t *input = bench_read_file(argv[i], &len);
            for (int c = 0; c < calls; c++) {
                if (!strcmp(only, "ceiling")) run_ceiling(input, len);
                else run_jsonflat(input, len);
            }
            free(input);
        }
        return 0;
    }
    printf("| file | bytes | jsonflat ms (median) | ceiling ms (median) | jsonflat %% of ceiling (medians) | (fastest runs) |\n");
    printf("|---|---:|---:|---:|---:|---:|\n");
    for (; i < argc; i++) compare(argv[i], rounds);
    return 0;
}
