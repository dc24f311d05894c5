/* bench/harness/driver.h — what the native benchmark drivers (bench/ceiling/ratio.c, bench/giant/stream_ratio.c,
 * bench/table/table_lines.c, bench/types/schema_lines.c) share: a symbol of a loaded library and a whole
 * file, each or exit status 2 with the reason on stderr (a driver has nothing to do without them). */
#ifndef JF_BENCH_DRIVER_H
#define JF_BENCH_DRIVER_H

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* `name` in `lib` (a dlopen handle). */
static void *bench_symbol(void *lib, const char *name) {
    void *s = dlsym(lib, name);
    if (!s) {
        fprintf(stderr, "%s not found: %s\n", name, dlerror());
        exit(2);
    }
    return s;
}

/* The file's bytes, with a NUL after them (not counted in *len); malloc'd, the caller frees. */
static uint8_t *bench_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    data[n] = 0;
    *len = (size_t)n;
    return data;
}

#endif
