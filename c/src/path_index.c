/*==============================================================================
 * path_index.c — a path index over one parsed document: full path -> value,
 * short key -> leaves, value -> leaves, built by one walk and then queried
 * any number of times without parsing again.
 *
 * The document stays parsed (yyjson, raw numbers); every node the walk
 * visits gets an entry holding its path (escaped for output, as the flatten
 * walk spells it) and its yyjson value. Three open-addressing tables of
 * buckets point into the entries: paths (the last entry with that path wins,
 * as JSON.parse keeps the last duplicate member), and short keys and values
 * (each bucket heads a chain of leaves in document order).
 *============================================================================*/
#include "path.h"

#define NONE SIZE_MAX

typedef struct ix_entry {
    size_t      path_off;   /* into jf_index.paths */
    size_t      path_len;
    yyjson_val *val;
    yyjson_val *short_key;  /* the member name; NULL under an index and at the root */
    size_t      next_key;   /* next leaf with the same short key, or NONE */
    size_t      next_value; /* next leaf with an equal value, or NONE */
    uint32_t    depth;      /* nesting depth of `val` if a container (root = 1) */
    bool        leaf;
} ix_entry;

typedef struct ix_bucket {
    uint64_t hash;
    size_t   first; /* entry index + 1; 0 = empty slot */
    size_t   last;
} ix_bucket;

typedef struct ix_table {
    ix_bucket *slots;
    size_t     cap;  /* power of two */
    size_t     used;
} ix_table;

struct jf_index {
    yyjson_doc *doc;
    jf_config   cfg;
    jf_buf      paths;
    ix_entry   *entries;
    size_t      len;
    size_t      cap;
    uint64_t    leaves;
    ix_table    by_path;
    ix_table    by_key;
    ix_table    by_value;
};

/*------------------------------------------------------------------------------
 * Hash tables
 *----------------------------------------------------------------------------*/

static uint64_t hash_bytes(const uint8_t *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull ^ (n * 0x9e3779b97f4a7c15ull);
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ull;
    return h ^ (h >> 32);
}

/* The slot of a hash: a full avalanche first (murmur3's finalizer), so that
 * hashes differing only in high bits (paths differing in their last digit)
 * do not pile up in neighbouring slots of a power-of-two table. */
static inline size_t slot_of(uint64_t h, size_t cap) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (size_t)h & (cap - 1);
}

typedef enum { MATCH_PATH, MATCH_KEY, MATCH_VALUE } match_kind;

/* What a lookup compares a bucket's first entry against. */
typedef struct probe {
    match_kind     kind;
    const uint8_t *bytes; /* MATCH_PATH: escaped path; MATCH_KEY: raw key */
    size_t         len;
    yyjson_val    *value; /* MATCH_VALUE */
} probe;

static bool bucket_matches(const jf_index *ix, const ix_bucket *b, const probe *p) {
    const ix_entry *e = &ix->entries[b->first - 1];
    switch (p->kind) {
    case MATCH_PATH: return e->path_len == p->len && memcmp(ix->paths.data + e->path_off, p->bytes, p->len) == 0;
    case MATCH_KEY:
        return unsafe_yyjson_get_len(e->short_key) == p->len &&
               memcmp(unsafe_yyjson_get_str(e->short_key), p->bytes, p->len) == 0;
    default: return jf_values_equal(p->value, e->val);
    }
}

static ix_bucket *table_find(const jf_index *ix, const ix_table *t, uint64_t hash, const probe *p) {
    if (!t->cap) return NULL;
    for (size_t i = slot_of(hash, t->cap);; i = (i + 1) & (t->cap - 1)) {
        ix_bucket *b = &t->slots[i];
        if (!b->first) return b;
        if (b->hash == hash && bucket_matches(ix, b, p)) return b;
    }
}

static bool table_grow(ix_table *t) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    ix_bucket *slots = jf_malloc(cap * sizeof(*slots));
    if (!slots) return false;
    memset(slots, 0, cap * sizeof(*slots));
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].first) continue;
        size_t j = slot_of(t->slots[i].hash, cap);
        while (slots[j].first) j = (j + 1) & (cap - 1);
        slots[j] = t->slots[i];
    }
    jf_free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return true;
}

/* The bucket for `p`, created empty (first == 0) when new; NULL when out of memory. */
static ix_bucket *table_upsert(jf_index *ix, ix_table *t, uint64_t hash, const probe *p) {
    if ((t->used + 1) * 4 > t->cap * 3 && !table_grow(t)) return NULL;
    ix_bucket *b = table_find(ix, t, hash, p);
    if (!b->first) {
        b->hash = hash;
        t->used++;
    }
    return b;
}

/* Appends entry `i` to the chain of its bucket (byKey, byValue). */
static bool chain(jf_index *ix, ix_table *t, uint64_t hash, const probe *p, size_t i, bool by_key) {
    ix_bucket *b = table_upsert(ix, t, hash, p);
    if (!b) return false;
    if (b->first) {
        ix_entry *last = &ix->entries[b->last - 1];
        if (by_key) last->next_key = i;
        else last->next_value = i;
    } else {
        b->first = i + 1;
    }
    b->last = i + 1;
    return true;
}

/*------------------------------------------------------------------------------
 * Building
 *----------------------------------------------------------------------------*/

static bool add_entry(jf_index *ix, const jf_path *path, yyjson_val *val, yyjson_val *short_key, uint32_t depth,
                      bool leaf) {
    if (ix->len == ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 256;
        ix_entry *entries = jf_realloc(ix->entries, cap * sizeof(*entries));
        if (!entries) return false;
        ix->entries = entries;
        ix->cap = cap;
    }
    size_t i = ix->len++;
    ix_entry *e = &ix->entries[i];
    *e = (ix_entry){ ix->paths.len, path->text.len, val, short_key, NONE, NONE, depth, leaf };
    jf_buf_put(&ix->paths, path->text.data, path->text.len);
    if (ix->paths.failed) return false;
    probe by_path = { MATCH_PATH, path->text.data, path->text.len, NULL };
    ix_bucket *b = table_upsert(ix, &ix->by_path, hash_bytes(path->text.data, path->text.len), &by_path);
    if (!b) return false;
    b->first = b->last = i + 1; /* the last duplicate wins */
    if (!leaf) return true;
    ix->leaves++;
    if (short_key) {
        const uint8_t *k = (const uint8_t *)unsafe_yyjson_get_str(short_key);
        size_t n = unsafe_yyjson_get_len(short_key);
        probe by_key = { MATCH_KEY, k, n, NULL };
        if (!chain(ix, &ix->by_key, hash_bytes(k, n), &by_key, i, true)) return false;
    }
    probe by_value = { MATCH_VALUE, NULL, 0, val };
    return chain(ix, &ix->by_value, jf_value_hash(val), &by_value, i, false);
}

typedef struct ix_frame {
    yyjson_val *next;
    size_t      remaining;
    uint64_t    index;
    size_t      path_len;
    bool        is_object;
} ix_frame;

/* One iterative walk: every node gets an entry, containers before their children. */
static bool build(jf_index *ix, jf_error *err, const uint8_t *input, size_t length) {
    jf_path path;
    jf_path_init(&path, &ix->cfg);
    ix_frame *stack = NULL;
    size_t depth = 0, cap = 0;
    bool ok = true, too_deep = false;
    yyjson_val *root = yyjson_doc_get_root(ix->doc);
    bool root_leaf = !unsafe_yyjson_is_ctn(root) || unsafe_yyjson_get_len(root) == 0;
    ok = add_entry(ix, &path, root, NULL, 1, root_leaf); /* max_nesting >= 1: the root always fits */
    if (ok && !root_leaf) {
        stack = jf_malloc(64 * sizeof(*stack));
        cap = 64;
        if (!stack) ok = false;
        else stack[depth++] = (ix_frame){ unsafe_yyjson_get_first(root), unsafe_yyjson_get_len(root), 0, 0,
                                          unsafe_yyjson_is_obj(root) };
    }
    char digits[24];
    while (ok && depth) {
        ix_frame *fr = &stack[depth - 1];
        if (fr->remaining == 0) {
            depth--;
            continue;
        }
        fr->remaining--;
        path.text.len = fr->path_len;
        yyjson_val *child = fr->next, *key = NULL;
        if (fr->is_object) {
            key = child;
            jf_path_key(&path, key);
            child++;
        } else {
            size_t n = 0;
            for (uint64_t v = fr->index++; n == 0 || v; v /= 10) digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
            jf_path_index_digits(&path, digits + sizeof digits - n, n);
        }
        fr->next = unsafe_yyjson_get_next(child);
        uint32_t child_depth = (uint32_t)depth + 1;
        bool container = unsafe_yyjson_is_ctn(child);
        if (container && child_depth > ix->cfg.max_nesting) {
            too_deep = true;
            break;
        }
        bool leaf = !container || unsafe_yyjson_get_len(child) == 0;
        if (path.text.failed || path.scratch.failed || !add_entry(ix, &path, child, key, child_depth, leaf)) {
            ok = false;
            break;
        }
        if (leaf) continue;
        if (depth == cap) {
            ix_frame *grown = jf_realloc(stack, cap * 2 * sizeof(*stack));
            if (!grown) {
                ok = false;
                break;
            }
            stack = grown;
            cap *= 2;
        }
        stack[depth++] = (ix_frame){ unsafe_yyjson_get_first(child), unsafe_yyjson_get_len(child), 0, path.text.len,
                                     unsafe_yyjson_is_obj(child) };
    }
    jf_free(stack);
    jf_path_release(&path);
    if (too_deep) {
        jf_set_nesting_error(err, input, length, ix->cfg.max_nesting);
        return false;
    }
    if (!ok) jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while indexing %zu bytes", length);
    return ok;
}

/* Sizes the entries and the path and value tables for `values` nodes (an
 * upper bound: yyjson counts member names too), so the build never rehashes
 * or moves the entries. */
static bool presize(jf_index *ix, size_t values) {
    ix->entries = jf_malloc((values ? values : 1) * sizeof(*ix->entries));
    if (!ix->entries) return false;
    ix->cap = values ? values : 1;
    size_t slots = 64;
    while (slots * 3 < values * 4) slots *= 2;
    ix_table *tables[2] = { &ix->by_path, &ix->by_value };
    for (int i = 0; i < 2; i++) {
        tables[i]->slots = jf_malloc(slots * sizeof(ix_bucket));
        if (!tables[i]->slots) return false;
        memset(tables[i]->slots, 0, slots * sizeof(ix_bucket));
        tables[i]->cap = slots;
    }
    return true;
}

JF_API jf_index *jf_index_build(const uint8_t *input, size_t length, const jf_options *options, jf_result *result) {
    jf_config cfg;
    if (!result || !jf_begin_call(input, length, options, result, &cfg)) return NULL;
    jf_index *ix = jf_malloc(sizeof(*ix));
    if (!ix) {
        jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while indexing %zu bytes", length);
        return NULL;
    }
    memset(ix, 0, sizeof(*ix));
    ix->cfg = cfg;
    jf_buf_init(&ix->paths, length + 64);
    ix->doc = jf_parse(input ? input : (const uint8_t *)"", length, &cfg, &result->error);
    if (ix->doc && !presize(ix, yyjson_doc_get_val_count(ix->doc))) {
        jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while indexing %zu bytes", length);
        jf_index_free(ix);
        return NULL;
    }
    if (!ix->doc || !build(ix, &result->error, input, length)) {
        jf_index_free(ix);
        return NULL;
    }
    result->leaves = ix->leaves;
    result->length = ix->len;
    return ix;
}

JF_API void jf_index_free(jf_index *index) {
    if (!index) return;
    if (index->doc) yyjson_doc_free(index->doc);
    jf_buf_release(&index->paths);
    jf_free(index->entries);
    jf_free(index->by_path.slots);
    jf_free(index->by_key.slots);
    jf_free(index->by_value.slots);
    jf_free(index);
}

/*------------------------------------------------------------------------------
 * Lookups
 *----------------------------------------------------------------------------*/

/* Writes one value; false when the writer failed (out of memory). */
static bool write_value(jf_value_writer *w, const ix_entry *e, bool *was_bigint) {
    *was_bigint = false;
    return jf_write_value(w, e->val, e->depth, was_bigint);
}

/* [["path",value(,1)],...] for the chain that starts at entry `first` (index + 1). */
static uint8_t *write_chain(const jf_index *ix, size_t first, bool by_key, uint64_t limit, jf_result *result) {
    jf_buf out;
    jf_buf_init(&out, 256);
    jf_value_writer w = { &out, ix->cfg.flags, ix->cfg.max_nesting, 0, NULL };
    jf_buf_byte(&out, '[');
    uint64_t hits = 0;
    for (size_t i = first ? first - 1 : NONE; i != NONE && !out.failed && (!limit || hits < limit);) {
        const ix_entry *e = &ix->entries[i];
        if (hits++) jf_buf_byte(&out, ',');
        jf_buf_lit(&out, "[\"");
        jf_buf_put(&out, ix->paths.data + e->path_off, e->path_len);
        jf_buf_lit(&out, "\",");
        bool was_bigint;
        if (!write_value(&w, e, &was_bigint)) out.failed = true;
        if (was_bigint && (ix->cfg.flags & JF_FLAG_BIGINT_MARK)) jf_buf_lit(&out, ",1");
        jf_buf_byte(&out, ']');
        i = by_key ? e->next_key : e->next_value;
    }
    jf_buf_byte(&out, ']');
    jf_value_writer_release(&w);
    if (out.failed) {
        jf_buf_release(&out);
        jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while writing index hits");
        return NULL;
    }
    result->leaves = hits;
    result->unsafe_integers = w.unsafe_integers;
    return jf_buf_take(&out, &result->length);
}

static bool begin_lookup(const jf_index *ix, const uint8_t *bytes, size_t length, jf_result *result) {
    if (!result) return false;
    jf_clear_result(result);
    if (!ix || (!bytes && length)) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0, "%s is NULL", ix ? "input" : "index");
        return false;
    }
    return true;
}

JF_API uint8_t *jf_index_get(const jf_index *index, const uint8_t *path, size_t length, jf_result *result) {
    if (!begin_lookup(index, path, length, result)) return NULL;
    jf_buf key;
    jf_buf_init(&key, length + 16);
    jf_escape(&key, path ? path : (const uint8_t *)"", length, (index->cfg.flags & JF_FLAG_REPLACE_INVALID_UTF8) != 0);
    probe p = { MATCH_PATH, key.data, key.len, NULL };
    ix_bucket *b = key.failed ? NULL : table_find(index, &index->by_path, hash_bytes(key.data, key.len), &p);
    bool failed = key.failed;
    jf_buf_release(&key);
    jf_buf out;
    jf_buf_init(&out, 64);
    jf_value_writer w = { &out, index->cfg.flags, index->cfg.max_nesting, 0, NULL };
    if (b && b->first) {
        bool was_bigint;
        if (!write_value(&w, &index->entries[b->first - 1], &was_bigint)) out.failed = true;
        result->leaves = 1;
    }
    jf_value_writer_release(&w);
    if (failed || out.failed) {
        jf_buf_release(&out);
        jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while looking up a path");
        return NULL;
    }
    result->unsafe_integers = w.unsafe_integers;
    return jf_buf_take(&out, &result->length);
}

JF_API uint8_t *jf_index_by_key(const jf_index *index, const uint8_t *key, size_t length, uint64_t limit,
                                jf_result *result) {
    if (!begin_lookup(index, key, length, result)) return NULL;
    probe p = { MATCH_KEY, key ? key : (const uint8_t *)"", length, NULL };
    ix_bucket *b = table_find(index, &index->by_key, hash_bytes(p.bytes, length), &p);
    return write_chain(index, b ? b->first : 0, true, limit, result);
}

JF_API uint8_t *jf_index_by_value(const jf_index *index, const uint8_t *value, size_t length, uint64_t limit,
                                  jf_result *result) {
    if (!begin_lookup(index, value, length, result)) return NULL;
    yyjson_doc *doc = jf_parse(value ? value : (const uint8_t *)"", length, &index->cfg, &result->error);
    if (!doc) return NULL;
    probe p = { MATCH_VALUE, NULL, 0, yyjson_doc_get_root(doc) };
    ix_bucket *b = table_find(index, &index->by_value, jf_value_hash(p.value), &p);
    uint8_t *out = write_chain(index, b ? b->first : 0, false, limit, result);
    yyjson_doc_free(doc);
    return out;
}

JF_API void jf_index_get_stats(const jf_index *index, jf_index_stats *out) {
    if (!out) return;
    memset(out, 0, sizeof(*out));
    if (!index) return;
    out->nodes = index->len;
    out->leaves = index->leaves;
    out->keys = index->by_key.used;
    out->values = index->by_value.used;
    out->bytes = index->paths.cap + index->cap * sizeof(ix_entry) +
                 (index->by_path.cap + index->by_key.cap + index->by_value.cap) * sizeof(ix_bucket);
}
