/*==============================================================================
 * yyjson_roundtrip.c — the practical ceiling for jsonflat's bytes → bytes path.
 *
 * One call = what every flatten must do at least: parse the document with
 * yyjson (raw numbers, as jf_flatten does) and write it back as compact JSON,
 * then free both. Built by bench/ceiling/build.sh into build/bench/ and
 * dlopened by bench/flatten.bench.ts only; it is not part of the library.
 *
 * Allocator: mimalloc, built into this library the way jsonflat builds it
 * (no malloc override, local-dynamic TLS), so the ceiling and jsonflat pay
 * the same allocator. With libc malloc the multi-megabyte blocks of a large
 * document cost page faults on every call and the "ceiling" drops below
 * jsonflat itself; jfbench_roundtrip_libc keeps that variant for reference.
 *============================================================================*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "yyjson.h"
#include <mimalloc.h>
#include "mi_alc.h"


static int roundtrip(const uint8_t *input, size_t length, size_t *out_len, const yyjson_alc *alc) {
    yyjson_read_err rerr;
    yyjson_doc *doc = yyjson_read_opts((char *)(uintptr_t)input, length, YYJSON_READ_NUMBER_AS_RAW, alc, &rerr);
    if (!doc) {
        if (out_len) *out_len = 0;
        return 1;
    }
    size_t len = 0;
    yyjson_write_err werr;
    char *out = yyjson_write_opts(doc, YYJSON_WRITE_NOFLAG, alc, &len, &werr);
    yyjson_doc_free(doc);
    if (out_len) *out_len = out ? len : 0;
    if (!out) return 2;
    if (alc) alc->free(alc->ctx, out);
    else free(out);
    return 0;
}

#if defined(_WIN32)
#define JFB_API __declspec(dllexport)
#else
#define JFB_API __attribute__((visibility("default")))
#endif

/* Parses `input` and writes it back (compact), with mimalloc; stores the
 * written length in *out_len. Returns 0 on success, 1 if the input is not
 * JSON, 2 if writing failed. The input is borrowed (yyjson copies it: no
 * YYJSON_READ_INSITU, as in jf_flatten). */
JFB_API int jfbench_roundtrip(const uint8_t *input, size_t length, size_t *out_len) {
    return roundtrip(input, length, out_len, &mi_alc);
}

/* The same with yyjson's default allocator (libc malloc). */
JFB_API int jfbench_roundtrip_libc(const uint8_t *input, size_t length, size_t *out_len) {
    return roundtrip(input, length, out_len, NULL);
}

/* The yyjson version this ceiling was built against, e.g. "0.10.0". */
JFB_API const char *jfbench_yyjson_version(void) {
    return YYJSON_VERSION_STRING;
}
