/*==============================================================================
 * check.h — the tiny assertion kit of jsonflat's native unit tests.
 *
 * Every CHECK_* macro counts one check. A failure prints `file:line: ...` with
 * what was expected and what came instead, and the program goes on (so one
 * run shows every failure). `check_done()` prints the closing line
 * `N passed, N failed` (scripts/ctest.sh sums these lines) and returns the
 * exit status for `main`.
 *
 * The counters are atomic, so checks may run in several threads at once.
 * Header only: every test program includes it once.
 *============================================================================*/
#ifndef JF_TEST_CHECK_H
#define JF_TEST_CHECK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonflat.h"

static unsigned long check_passed_count;
static unsigned long check_failed_count;

/* Failures printed in full; later ones are only counted (a broken loop must
 * not flood the log). */
#define CHECK_MAX_REPORTS 200

static void check_pass(void) {
    __atomic_add_fetch(&check_passed_count, 1, __ATOMIC_RELAXED);
}

static void check_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void check_fail(const char *file, int line, const char *fmt, ...) {
    unsigned long n = __atomic_add_fetch(&check_failed_count, 1, __ATOMIC_RELAXED);
    if (n > CHECK_MAX_REPORTS) return;
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, buf);
    if (n == CHECK_MAX_REPORTS)
        fprintf(stderr, "(further failures are counted, not printed)\n");
}

/* Writes `len` bytes as a C-like literal, shortened in the middle when long,
 * so failures involving control bytes or huge outputs stay readable. */
static void check_quote(char *out, size_t cap, const void *data, size_t len) {
    const unsigned char *p = (const unsigned char *)data;
    size_t o = 0;
    const size_t head = 300, tail = 100;
    if (!p) { snprintf(out, cap, "(null)"); return; }
    out[o++] = '"';
    for (size_t i = 0; i < len && o + 16 < cap; i++) {
        if (len > head + tail && i == head) {
            o += (size_t)snprintf(out + o, cap - o, "\"...(%zu bytes)...\"", len - head - tail);
            i = len - tail - 1;
            continue;
        }
        unsigned char c = p[i];
        if (c == '"' || c == '\\') { out[o++] = '\\'; out[o++] = (char)c; }
        else if (c >= 0x20 && c < 0x7f) out[o++] = (char)c;
        else o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
    }
    out[o++] = '"';
    out[o] = 0;
}

#define CHECK(cond) do { \
    if (cond) check_pass(); \
    else check_fail(__FILE__, __LINE__, "%s", #cond); \
} while (0)

#define CHECK_MSG(cond, ...) do { \
    if (cond) check_pass(); \
    else check_fail(__FILE__, __LINE__, __VA_ARGS__); \
} while (0)

#define CHECK_INT_EQ(actual, expected) do { \
    long long a_ = (long long)(actual), e_ = (long long)(expected); \
    if (a_ == e_) check_pass(); \
    else check_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
                    #actual, a_, #expected, e_); \
} while (0)

static void check_mem_eq_at(const char *file, int line, const void *actual, size_t alen,
                            const void *expected, size_t elen) {
    if (actual && alen == elen && memcmp(actual, expected, elen) == 0) { check_pass(); return; }
    static __thread char a[2048], e[2048];
    check_quote(a, sizeof a, actual, alen);
    check_quote(e, sizeof e, expected, elen);
    size_t at = 0;
    if (actual) while (at < alen && at < elen && ((const char *)actual)[at] == ((const char *)expected)[at]) at++;
    check_fail(file, line, "got %s (%zu bytes), expected %s (%zu bytes), first difference at byte %zu",
               a, alen, e, elen, at);
}

/* Bytes (pointer + length) equal to a C string / to bytes. */
#define CHECK_MEM_STR(actual, alen, expected) \
    check_mem_eq_at(__FILE__, __LINE__, (actual), (alen), (expected), strlen(expected))
#define CHECK_MEM_EQ(actual, alen, expected, elen) \
    check_mem_eq_at(__FILE__, __LINE__, (actual), (alen), (expected), (elen))
#define CHECK_STR_EQ(actual, expected) do { \
    const char *s_ = (actual); \
    check_mem_eq_at(__FILE__, __LINE__, s_, s_ ? strlen(s_) : 0, (expected), strlen(expected)); \
} while (0)

static int check_done(const char *name) {
    unsigned long p = __atomic_load_n(&check_passed_count, __ATOMIC_RELAXED);
    unsigned long f = __atomic_load_n(&check_failed_count, __ATOMIC_RELAXED);
    printf("%s: %lu passed, %lu failed\n", name, p, f);
    fflush(stdout);
    return f ? 1 : 0;
}

/*------------------------------------------------------------------------------
 * Helpers shared by the tests (public API only)
 *----------------------------------------------------------------------------*/

/* Options from the fields a test usually sets. */
static jf_options opts_make(uint32_t mode, uint32_t style, uint32_t format, uint32_t flags) {
    jf_options o;
    memset(&o, 0, sizeof o);
    o.mode = mode; o.style = style; o.format = format; o.flags = flags;
    return o;
}

static void opts_delim(jf_options *o, const char *d) {
    o->delimiter_len = (uint32_t)strlen(d);
    memcpy(o->delimiter, d, o->delimiter_len);
}

/* Flattens (or unflattens) `in` and checks that the output is exactly
 * `expected`; on an unexpected error prints its code and message. */
static void expect_call_at(const char *file, int line, int unflat, const jf_options *o,
                           const void *in, size_t inlen, const void *expected, size_t elen) {
    jf_result r;
    memset(&r, 0xAB, sizeof r);
    uint8_t *out = unflat ? jf_unflatten((const uint8_t *)in, inlen, o, &r)
                          : jf_flatten((const uint8_t *)in, inlen, o, &r);
    if (!out) {
        char q[2048];
        check_quote(q, sizeof q, in, inlen);
        check_fail(file, line, "%s(%s) failed: %s (%d) at offset %llu: %s",
                   unflat ? "jf_unflatten" : "jf_flatten", q, jf_code_name(r.error.code),
                   r.error.code, (unsigned long long)r.error.offset, r.error.message);
        return;
    }
    if (r.error.code != JF_OK)
        check_fail(file, line, "success but result.error.code == %d", r.error.code);
    else
        check_pass();
    check_mem_eq_at(file, line, out, (size_t)r.length, expected, elen);
    jf_free(out);
}

/* Expects a call to fail with `code`; returns the error for further checks. */
static jf_error expect_fail_at(const char *file, int line, int unflat, const jf_options *o,
                               const void *in, size_t inlen, int code) {
    jf_result r;
    memset(&r, 0xAB, sizeof r);
    uint8_t *out = unflat ? jf_unflatten((const uint8_t *)in, inlen, o, &r)
                          : jf_flatten((const uint8_t *)in, inlen, o, &r);
    char q[2048];
    if (out) {
        char g[2048];
        check_quote(q, sizeof q, in, inlen);
        check_quote(g, sizeof g, out, (size_t)r.length);
        check_fail(file, line, "%s(%s) succeeded with %s, expected %s",
                   unflat ? "jf_unflatten" : "jf_flatten", q, g, jf_code_name(code));
        jf_free(out);
        jf_error e;
        memset(&e, 0, sizeof e);
        return e;
    }
    if (r.error.code != code) {
        check_quote(q, sizeof q, in, inlen);
        check_fail(file, line, "%s(%s) failed with %s (%s), expected %s",
                   unflat ? "jf_unflatten" : "jf_flatten", q, jf_code_name(r.error.code),
                   r.error.message, jf_code_name(code));
    } else {
        check_pass();
    }
    /* Every error carries a NUL-terminated, non-empty message. */
    if (memchr(r.error.message, 0, JF_MESSAGE_SIZE) && r.error.message[0]) check_pass();
    else check_fail(file, line, "error message empty or not NUL-terminated");
    return r.error;
}

#define EXPECT_FLAT(o, in, expected) \
    expect_call_at(__FILE__, __LINE__, 0, (o), (in), strlen(in), (expected), strlen(expected))
#define EXPECT_FLAT_N(o, in, inlen, expected, elen) \
    expect_call_at(__FILE__, __LINE__, 0, (o), (in), (inlen), (expected), (elen))
#define EXPECT_UNFLAT(o, in, expected) \
    expect_call_at(__FILE__, __LINE__, 1, (o), (in), strlen(in), (expected), strlen(expected))
#define EXPECT_UNFLAT_N(o, in, inlen, expected, elen) \
    expect_call_at(__FILE__, __LINE__, 1, (o), (in), (inlen), (expected), (elen))
#define EXPECT_FLAT_FAIL(o, in, code) \
    expect_fail_at(__FILE__, __LINE__, 0, (o), (in), strlen(in), (code))
#define EXPECT_FLAT_FAIL_N(o, in, inlen, code) \
    expect_fail_at(__FILE__, __LINE__, 0, (o), (in), (inlen), (code))
#define EXPECT_UNFLAT_FAIL(o, in, code) \
    expect_fail_at(__FILE__, __LINE__, 1, (o), (in), strlen(in), (code))
#define EXPECT_UNFLAT_FAIL_N(o, in, inlen, code) \
    expect_fail_at(__FILE__, __LINE__, 1, (o), (in), (inlen), (code))

/* Reads a whole file into a malloc'd buffer (NULL if missing). */
static unsigned char *check_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = (unsigned char *)malloc(cap);
    for (;;) {
        if (n == cap) { cap *= 2; buf = (unsigned char *)realloc(buf, cap); }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0) break;
        n += got;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Directory of the shared data (JF_DATA_DIR overrides). */
static const char *check_data_dir(void) {
    const char *d = getenv("JF_DATA_DIR");
    return d && *d ? d : "../shared/data";
}

#endif /* JF_TEST_CHECK_H */
