/*==============================================================================
 * bench/table/table_lines.c — the native part of the CSV benchmark as one
 * fixed workload whose instructions callgrind counts exactly (two builds or
 * two variants compare without the noise of a shared machine): NDJSON flatten
 * of a file (column 5 for Open Library dumps) in one jf_flatten_lines call,
 * or its table in one jf_table_lines call with given columns, or in one spool
 * call and one jf_table_unspool call (the one-read table of a file).
 *
 *   cc -O2 -Ic/include bench/table/table_lines.c -o /tmp/table_lines -ldl
 *   /tmp/table_lines LIB FILE 5 discover > /tmp/spec.json    # the columns, as a table spec
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
 *     /tmp/table_lines LIB FILE 5 flatten|given|spool /tmp/spec.json
 * Valgrind does not decode AVX-512: build LIB with -Dcpu=x86_64_v3.
 *============================================================================*/
#include "jsonflat.h"
#include "../harness/driver.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t *(*flatten_fn)(const uint8_t *, size_t, const jf_options *, const jf_lines_options *, jf_lines_result *);
typedef jf_table *(*compile_fn)(const uint8_t *, size_t, const jf_options *, jf_error *);
typedef uint8_t *(*table_fn)(jf_table *, const uint8_t *, size_t, const jf_lines_options *, jf_lines_result *);
typedef uint8_t *(*unspool_fn)(jf_table *, const uint8_t *, size_t, int, jf_result *);
typedef void (*free_fn)(void *);

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s LIB FILE COLUMN discover|flatten|given|spool [SPEC]\n", argv[0]);
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    flatten_fn flatten_lines = (flatten_fn)bench_symbol(lib, "jf_flatten_lines");
    compile_fn compile = (compile_fn)bench_symbol(lib, "jf_table_compile");
    table_fn table_lines = (table_fn)bench_symbol(lib, "jf_table_lines");
    unspool_fn unspool = (unspool_fn)dlsym(lib, "jf_table_unspool"); /* absent from libraries before the spool */
    free_fn release = (free_fn)bench_symbol(lib, "jf_free");
    size_t len = 0, spec_len = 0;
    uint8_t *input = bench_read_file(argv[2], &len);
    const char *mode = argv[4];
    jf_lines_options lines;
    memset(&lines, 0, sizeof lines);
    lines.column = (uint32_t)atoi(argv[3]);
    jf_lines_result lr;
    jf_error err;
    uint8_t *out = NULL;
    size_t written = 0;
    if (!strcmp(mode, "flatten")) {
        out = flatten_lines(input, len, NULL, &lines, &lr);
        written = (size_t)lr.length;
    } else {
        const char *spec = !strcmp(mode, "discover") ? "{\"discover\":true}" : !strcmp(mode, "spool") ? "{\"spool\":true}" : NULL;
        uint8_t *given = NULL;
        if (!spec && argc > 5) given = bench_read_file(argv[5], &spec_len);
        if (!spec && !given) return 2;
        jf_table *t = compile(given ? given : (const uint8_t *)spec, given ? spec_len : strlen(spec), NULL, &err);
        if (!t) {
            fprintf(stderr, "compile: %s\n", err.message);
            return 1;
        }
        out = table_lines(t, input, len, &lines, &lr);
        written = (size_t)lr.length;
        if (out && !strcmp(mode, "discover")) { /* {"columns":[...],"duplicates":...}: keep the columns as a spec */
            char *end = strstr((char *)out, "],\"duplicates\"");
            if (end) printf("%.*s]}\n", (int)(end - (char *)out), (const char *)out);
        }
        if (out && !strcmp(mode, "spool")) { /* finish the records with a table of the columns found */
            uint64_t json_len;
            memcpy(&json_len, out + lr.length - 8, 8);
            size_t records = (size_t)(lr.length - 8 - json_len);
            char *found = (char *)out + records, *end = strstr(found, "],\"duplicates\"");
            int dup = strstr(found, "\"duplicates\":true") != NULL;
            char *spec2 = malloc(json_len + 64);
            int n = sprintf(spec2, "%.*s],\"unknown\":\"%s\"}", (int)(end - found), found, dup ? "extra" : "error");
            jf_table *w = compile((const uint8_t *)spec2, (size_t)n, NULL, &err);
            jf_result r;
            uint8_t *rows = w && unspool ? unspool(w, out, records, 0, &r) : NULL;
            written = rows ? (size_t)r.length : 0;
            release(rows);
            free(spec2);
        }
        free(given);
    }
    if (!out) {
        fprintf(stderr, "error: %s\n", lr.error.message);
        return 1;
    }
    if (strcmp(mode, "discover")) fprintf(stderr, "%s: %llu documents, %zu bytes out\n", mode, (unsigned long long)lr.documents, written);
    release(out);
    free(input);
    return 0;
}
