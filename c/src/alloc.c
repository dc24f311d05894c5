/*==============================================================================
 * alloc.c — all native memory goes through mimalloc, counted.
 *
 * The counters let tests prove that nothing leaks across the FFI boundary:
 * after any sequence of calls whose results were freed, live_blocks returns to
 * where it started. They are relaxed atomics because every Bun Worker shares
 * this one copy of the library.
 *============================================================================*/
#include "internal.h"

#include <mimalloc.h>
#include <stdatomic.h>

static _Atomic uint64_t live_blocks;
static _Atomic uint64_t live_bytes;
static _Atomic uint64_t total_blocks;

/* Bun links its own mimalloc, which reads the same MIMALLOC_* environment
 * variables; pin the options that matter to us so that a user tuning Bun's
 * copy does not silently change ours. A short purge delay keeps freed pages
 * mapped across back-to-back documents (no page fault per call) while still
 * returning memory once a burst is over. */
__attribute__((constructor)) static void jf_alloc_configure(void) {
    mi_option_set(mi_option_purge_delay, 250);
    mi_option_set(mi_option_arena_purge_mult, 4);
    mi_option_disable(mi_option_show_errors);
    mi_option_disable(mi_option_verbose);
    mi_option_disable(mi_option_show_stats);
}

static inline void count_alloc(void *block) {
    atomic_fetch_add_explicit(&live_blocks, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&total_blocks, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&live_bytes, mi_usable_size(block), memory_order_relaxed);
}

static inline void count_free(void *block) {
    atomic_fetch_sub_explicit(&live_blocks, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(&live_bytes, mi_usable_size(block), memory_order_relaxed);
}

void *jf_malloc(size_t size) {
    void *block = mi_malloc(size ? size : 1);
    if (block) count_alloc(block);
    return block;
}

void *jf_realloc(void *block, size_t size) {
    if (!block) return jf_malloc(size);
    size_t old_usable = mi_usable_size(block);
    void *moved = mi_realloc(block, size ? size : 1);
    if (!moved) return NULL; /* the old block is untouched and still counted */
    size_t new_usable = mi_usable_size(moved);
    if (new_usable >= old_usable)
        atomic_fetch_add_explicit(&live_bytes, new_usable - old_usable, memory_order_relaxed);
    else
        atomic_fetch_sub_explicit(&live_bytes, old_usable - new_usable, memory_order_relaxed);
    return moved;
}

JF_API void jf_free(void *block) {
    if (!block) return;
    count_free(block);
    mi_free(block);
}

JF_API void jf_free_callback(void *block, void *context) {
    (void)context;
    jf_free(block);
}

JF_API void *jf_free_callback_address(void) {
    return (void *)&jf_free_callback;
}

JF_API void jf_get_alloc_stats(jf_alloc_stats *out) {
    if (!out) return;
    out->live_blocks = atomic_load_explicit(&live_blocks, memory_order_relaxed);
    out->live_bytes = atomic_load_explicit(&live_bytes, memory_order_relaxed);
    out->total_blocks = atomic_load_explicit(&total_blocks, memory_order_relaxed);
}

/*------------------------------------------------------------------------------
 * yyjson allocator
 *----------------------------------------------------------------------------*/

static void *yy_malloc(void *ctx, size_t size) {
    (void)ctx;
    return jf_malloc(size);
}

static void *yy_realloc(void *ctx, void *block, size_t old_size, size_t size) {
    (void)ctx;
    (void)old_size;
    return jf_realloc(block, size);
}

static void yy_free(void *ctx, void *block) {
    (void)ctx;
    jf_free(block);
}

const yyjson_alc jf_yyjson_alc = { yy_malloc, yy_realloc, yy_free, NULL };
