/*==============================================================================
 * groups.c — grouped mode's table: grouped path -> the values found there,
 * kept in order of first appearance.
 *
 * Tried and dropped: guessing the next group from the one found before it
 * (as the table writer guesses columns). It cut schema mode's instructions
 * by 5 % on Open Library lines but cost 8 % more time: the guess misses a
 * third of the time, a mispredicted branch, while the hash of a short path
 * and a probe in a small table that stays in cache are cheap.
 *============================================================================*/
#include "groups.h"

static uint64_t hash_bytes(const uint8_t *s, size_t n) {
    /* FNV-1a over 8-byte words: short keys dominate, and it is simple and
     * good enough with a power-of-two table and linear probing. */
    uint64_t h = 0xcbf29ce484222325ull ^ (n * 0x9e3779b97f4a7c15ull);
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, s, 8);
        h = (h ^ word) * 0x100000001b3ull;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    /* The last 1-7 bytes as one word (two overlapping loads when 4 or
     * more) rather than a multiply per byte. */
    if (n) {
        uint64_t w;
        if (n >= 4) {
            uint32_t a, b;
            memcpy(&a, s, 4);
            memcpy(&b, s + n - 4, 4);
            w = (uint64_t)a << 32 | b;
        } else {
            w = (uint64_t)s[0] << 16 | (uint64_t)s[n / 2] << 8 | s[n - 1];
        }
        h = (h ^ w) * 0x100000001b3ull;
    }
    return h ^ (h >> 32);
}

void jf_groups_init(jf_groups *g) {
    memset(g, 0, sizeof(*g));
    jf_buf_init(&g->keys, 64); /* never NULL: empty keys point into it */
}

void jf_groups_release(jf_groups *g) {
    for (size_t i = 0; i < g->len; i++) {
        jf_buf_release(&g->items[i].values);
        jf_buf_release(&g->items[i].marks);
    }
    jf_free(g->items);
    jf_free(g->slots);
    jf_buf_release(&g->keys);
    memset(g, 0, sizeof(*g));
}

static bool grow_slots(jf_groups *g) {
    size_t cap = g->slot_cap ? g->slot_cap * 2 : 64;
    uint32_t *slots = jf_malloc(cap * sizeof(*slots));
    if (!slots) return false;
    memset(slots, 0, cap * sizeof(*slots));
    for (size_t i = 0; i < g->len; i++) {
        size_t at = (size_t)g->items[i].hash & (cap - 1);
        while (slots[at]) at = (at + 1) & (cap - 1);
        slots[at] = (uint32_t)(i + 1);
    }
    jf_free(g->slots);
    g->slots = slots;
    g->slot_cap = cap;
    return true;
}

jf_group *jf_groups_find(jf_groups *g, const uint8_t *key, size_t key_len) {
    if ((g->len + 1) * 4 > g->slot_cap * 3 && !grow_slots(g)) return NULL;
    if (g->len >= UINT32_MAX - 1) return NULL;
    uint64_t h = hash_bytes(key, key_len);
    size_t at = (size_t)h & (g->slot_cap - 1);
    while (g->slots[at]) {
        jf_group *grp = &g->items[g->slots[at] - 1];
        if (grp->hash == h && grp->key_len == key_len && jf_same_bytes(g->keys.data + grp->key_off, key, key_len))
            return grp;
        at = (at + 1) & (g->slot_cap - 1);
    }
    if (g->len == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        jf_group *items = jf_realloc(g->items, cap * sizeof(*items));
        if (!items) return NULL;
        g->items = items;
        g->cap = cap;
    }
    jf_group *grp = &g->items[g->len];
    grp->hash = h;
    grp->key_off = g->keys.len;
    grp->key_len = key_len;
    grp->count = 0;
    memset(grp->types, 0, sizeof(grp->types));
    grp->docs = grp->last_doc = 0;
    grp->short_off = SIZE_MAX;
    grp->short_len = 0;
    grp->present = grp->last_parent = 0;
    grp->examples = 0;
    jf_buf_init(&grp->values, 0);
    jf_buf_init(&grp->marks, 0);
    jf_buf_put(&g->keys, key, key_len);
    if (g->keys.failed) return NULL;
    g->slots[at] = (uint32_t)(++g->len);
    return grp;
}

bool jf_groups_set_short_key(jf_groups *g, jf_group *grp, const uint8_t *key, size_t len) {
    grp->short_off = g->keys.len;
    grp->short_len = len;
    jf_buf_put(&g->keys, key, len);
    return !g->keys.failed;
}
