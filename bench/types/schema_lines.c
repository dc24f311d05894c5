/*==============================================================================
 * bench/types/schema_lines.c — one jf_flatten_lines call in schema mode over a
 * file (column 5 for Open Library dumps), with or without
 * JF_FLAG_SCHEMA_DETAIL: a fixed workload whose instructions callgrind counts
 * exactly, so two builds compare without the noise of a shared machine.
 *
 *   cc -O2 -Ic/include bench/types/schema_lines.c -o /tmp/schema_lines -ldl
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
 *     /tmp/schema_lines zig-out/lib/libjsonflat.so FILE 5 0   # 1: detail
 *============================================================================*/
#include "jsonflat.h"
#include "../harness/driver.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t *(*lines_fn)(const uint8_t *, size_t, const jf_options *, const jf_lines_options *, jf_lines_result *);
typedef void (*free_fn)(void *);

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s LIB FILE COLUMN DETAIL(0|1)\n", argv[0]);
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) {
        fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
        return 1;
    }
    lines_fn flatten_lines = (lines_fn)bench_symbol(lib, "jf_flatten_lines");
    free_fn release = (free_fn)bench_symbol(lib, "jf_free");
    size_t len = 0;
    uint8_t *input = bench_read_file(argv[2], &len);
    jf_options options;
    memset(&options, 0, sizeof options);
    options.mode = JF_MODE_SCHEMA;
    options.format = JF_FORMAT_ENTRIES;
    if (atoi(argv[4])) options.flags = 1u << 4; /* JF_FLAG_SCHEMA_DETAIL, spelled as a number: the baseline header lacks it */
    jf_lines_options lines;
    memset(&lines, 0, sizeof lines);
    lines.on_error = JF_ON_ERROR_SKIP;
    lines.column = (uint32_t)atoi(argv[3]);
    jf_lines_result result;
    uint8_t *out = flatten_lines(input, len, &options, &lines, &result);
    if (!out) {
        fprintf(stderr, "error %d: %s\n", (int)result.error.code, result.error.message);
        return 1;
    }
    printf("%llu documents, %llu bytes of schema\n", (unsigned long long)result.documents, (unsigned long long)result.length);
    release(out);
    free(input);
    return 0;
}
