/*==============================================================================
 * alloc.c — all native memory goes through mimalloc, counted.
 *
 * The counters let tests prove that nothing leaks across the FFI boundary:
 * after any sequence of calls whose results were freed, live_blocks returns to
 * where it started. Every Bun Worker shares this one copy of the library, yet
 * a shared atomic read-modify-write per allocation and free cost a quarter of
 * a small document's call (about 30 of them per jf_flatten). So each thread
 * counts in a slot of its own, with plain loads and stores (only its owner
 * writes a slot), and jf_get_alloc_stats sums the slots. A block freed by
 * another thread than the one that allocated it makes the two slots' counts
 * differ in sign, never the sum. Slots are never freed: a thread that exits
 * hands its slot to the next thread that needs one (POSIX; on Windows each
 * thread keeps its own, a few dozen bytes per thread ever started), so the
 * counts of exited threads stay in the sum.
 *============================================================================*/
#include "internal.h"

#include <mimalloc.h>
#include <stdatomic.h>
#if !defined(_WIN32)
#  include <pthread.h>
#endif

typedef struct alloc_slot {
    _Atomic int64_t live_blocks;
    _Atomic int64_t live_bytes;
    _Atomic int64_t total_blocks;
    _Atomic bool owned;
    struct alloc_slot *next; /* set once, before the slot is published */
} alloc_slot;

/* Counts of threads that could not get a slot of their own (out of memory):
 * shared, so those may race; never adopted (always owned). */
static alloc_slot shared_slot = { .owned = true };
static _Atomic(alloc_slot *) slots = &shared_slot; /* every slot ever made; push only */
static _Thread_local alloc_slot *thread_slot; /* this thread's, once it allocated */

#if !defined(_WIN32)
static pthread_key_t slot_key;
static pthread_once_t slot_key_once = PTHREAD_ONCE_INIT;

/* At thread exit: the slot, counts kept, goes back for another thread. */
static void release_slot(void *slot) {
    thread_slot = NULL;
    atomic_store_explicit(&((alloc_slot *)slot)->owned, false, memory_order_release);
}

static void make_slot_key(void) { (void)pthread_key_create(&slot_key, release_slot); }
#endif

/* Adopts a released slot or publishes a new one. Not inline: once per thread. */
static __attribute__((noinline)) alloc_slot *acquire_slot(void) {
    alloc_slot *slot = NULL;
    for (alloc_slot *s = atomic_load_explicit(&slots, memory_order_acquire); s; s = s->next) {
        bool expected = false;
        if (!atomic_load_explicit(&s->owned, memory_order_relaxed) &&
            atomic_compare_exchange_strong_explicit(&s->owned, &expected, true, memory_order_acquire,
                                                    memory_order_relaxed)) {
            slot = s;
            break;
        }
    }
    if (!slot) {
        slot = mi_zalloc(sizeof(*slot));
        if (!slot) return &shared_slot; /* asked again at the next allocation */
        atomic_store_explicit(&slot->owned, true, memory_order_relaxed);
        alloc_slot *head = atomic_load_explicit(&slots, memory_order_relaxed);
        do slot->next = head;
        while (!atomic_compare_exchange_weak_explicit(&slots, &head, slot, memory_order_release, memory_order_relaxed));
    }
#if !defined(_WIN32)
    (void)pthread_once(&slot_key_once, make_slot_key);
    (void)pthread_setspecific(slot_key, slot);
#endif
    thread_slot = slot;
    return slot;
}

static inline alloc_slot *my_slot(void) {
    alloc_slot *slot = thread_slot;
    return slot ? slot : acquire_slot();
}

/* `counter += delta` by the slot's only writer: a plain load and store. */
static inline void add(_Atomic int64_t *counter, int64_t delta) {
    atomic_store_explicit(counter, atomic_load_explicit(counter, memory_order_relaxed) + delta, memory_order_relaxed);
}

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
    alloc_slot *slot = my_slot();
    add(&slot->live_blocks, 1);
    add(&slot->total_blocks, 1);
    add(&slot->live_bytes, (int64_t)mi_usable_size(block));
}

static inline void count_free(void *block) {
    alloc_slot *slot = my_slot();
    add(&slot->live_blocks, -1);
    add(&slot->live_bytes, -(int64_t)mi_usable_size(block));
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
    add(&my_slot()->live_bytes, (int64_t)mi_usable_size(moved) - (int64_t)old_usable);
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

static uint64_t not_negative(int64_t sum) { return sum > 0 ? (uint64_t)sum : 0; }

JF_API void jf_get_alloc_stats(jf_alloc_stats *out) {
    if (!out) return;
    int64_t blocks = 0, bytes = 0, total = 0;
    for (alloc_slot *s = atomic_load_explicit(&slots, memory_order_acquire); s; s = s->next) {
        blocks += atomic_load_explicit(&s->live_blocks, memory_order_relaxed);
        bytes += atomic_load_explicit(&s->live_bytes, memory_order_relaxed);
        total += atomic_load_explicit(&s->total_blocks, memory_order_relaxed);
    }
    /* Another thread's free may be seen before the allocation it undoes. */
    out->live_blocks = not_negative(blocks);
    out->live_bytes = not_negative(bytes);
    out->total_blocks = not_negative(total);
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
