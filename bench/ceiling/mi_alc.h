/*==============================================================================
 * bench/ceiling/mi_alc.h — a yyjson allocator over mimalloc, shared by the
 * ceiling programs so they pay the same allocator as jsonflat. Header only
 * (static functions); include after yyjson.h and mimalloc.h.
 *============================================================================*/
#ifndef JF_BENCH_MI_ALC_H
#define JF_BENCH_MI_ALC_H

static void *mi_alc_malloc(void *ctx, size_t size) {
    (void)ctx;
    return mi_malloc(size);
}
static void *mi_alc_realloc(void *ctx, void *ptr, size_t old_size, size_t size) {
    (void)ctx;
    (void)old_size;
    return mi_realloc(ptr, size);
}
static void mi_alc_free(void *ctx, void *ptr) {
    (void)ctx;
    mi_free(ptr);
}
static const yyjson_alc mi_alc = { mi_alc_malloc, mi_alc_realloc, mi_alc_free, NULL };

#endif
