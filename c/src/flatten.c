/*==============================================================================
 * flatten.c — jf_flatten: one document in, its leaves out (SPEC sections 2, 3).
 *
 * One iterative walk over yyjson's tree. The path grows and shrinks as the
 * walk descends and returns; each leaf is written straight to the output
 * (leaf mode) or appended to its group (grouped mode).
 *============================================================================*/
#include "groups.h"
#include "path.h"
#include "jsonpath.h"

#include <assert.h>
#include <stdio.h>

typedef struct walk_frame {
    yyjson_val *next;      /* next child (object: next key) */
    size_t      remaining; /* children not yet visited */
    uint64_t    index;     /* arrays: index of `next` */
    uint8_t     digits_len;
    char        digits[20]; /* arrays: `index` in decimal, incremented in place (no division per element) */
    size_t      path_len;  /* path length of this container */
    uint64_t    serial;    /* schema detail: this container's number, for `present` */
    bool        is_object;
} walk_frame;

typedef struct flattener {
    const jf_config *cfg;
    jf_buf          *out;
    jf_path          path;
    jf_value_writer  values;
    jf_groups        groups;
    walk_frame      *stack;
    size_t           depth; /* frames in use; the root container is depth 1 */
    size_t           stack_cap;
    uint64_t         leaves;
    uint64_t         documents;  /* documents seen (schema mode counts `docs` with it) */
    yyjson_val      *short_key;  /* the member name of the current leaf, NULL under an index */
    bool             too_deep;
    /* schema detail (JF_FLAG_SCHEMA_DETAIL) */
    bool             detail;
    uint64_t         containers; /* containers walked so far: their serial numbers */
    jf_buf           example;    /* scratch: a candidate example's JSON text */
    /* search */
    uint64_t        *states;     /* search by path: row d (of state_words) after the first d segments */
    size_t           state_words;
    uint64_t         line;       /* NDJSON line written before each hit; 0 = none */
    uint64_t         hits;
    bool             stop;       /* the query's limit is reached */
    /* leaf mode, js style, values copied as they are: see index_run, member_run */
    bool             fast_index;
} flattener;

/*------------------------------------------------------------------------------
 * Leaves
 *----------------------------------------------------------------------------*/

/* Writes one value at `depth`; false (and too_deep) if it nests too deep. */
static bool write_leaf_value(flattener *f, yyjson_val *val, uint32_t depth, bool *was_bigint) {
    if (!jf_write_value(&f->values, val, depth, was_bigint)) {
        f->too_deep = true;
        return false;
    }
    return true;
}

/* Number text, or a string yyjson marked as plain ASCII without escapes: the
 * bytes go out as they are, so one reservation covers the whole entry. */
static inline bool copy_as_is(const flattener *f, yyjson_val *val, const uint8_t **s, size_t *n, bool *quoted) {
    uint8_t tag = unsafe_yyjson_get_tag(val);
    if (tag == YYJSON_TYPE_RAW) {
        if (f->cfg->flags & JF_FLAG_BIGINT_AS_STRING) return false;
        *quoted = false;
    } else if (tag == (YYJSON_TYPE_STR | YYJSON_SUBTYPE_NOESC) && !(f->cfg->flags & JF_FLAG_REPLACE_INVALID_UTF8)) {
        *quoted = true;
    } else {
        return false;
    }
    *s = (const uint8_t *)unsafe_yyjson_get_str(val);
    *n = unsafe_yyjson_get_len(val);
    return true;
}

static void emit_leaf(flattener *f, yyjson_val *val, uint32_t depth) {
    jf_buf *out = f->out;
    bool entries = f->cfg->format == JF_FORMAT_ENTRIES;
    const uint8_t *raw = NULL;
    size_t raw_len = 0;
    bool quoted = false, simple = copy_as_is(f, val, &raw, &raw_len, &quoted);
    size_t path_len = f->path.text.len;
    if (!jf_buf_reserve(out, path_len + raw_len + 10)) return;
    uint8_t *p = out->data + out->len;
    if (f->leaves++) *p++ = ',';
    if (entries) *p++ = '[';
    *p++ = '"';
    jf_copy(p, f->path.text.data, path_len);
    p += path_len;
    *p++ = '"';
    *p++ = entries ? ',' : ':';
    if (simple) {
        if (quoted) *p++ = '"';
        jf_copy(p, raw, raw_len);
        p += raw_len;
        if (quoted) *p++ = '"';
        if (entries) *p++ = ']';
        out->len = (size_t)(p - out->data);
        return;
    }
    out->len = (size_t)(p - out->data);
    bool was_bigint = false;
    f->values.out = out;
    if (!write_leaf_value(f, val, depth, &was_bigint)) return;
    if (entries) {
        if (was_bigint && (f->cfg->flags & JF_FLAG_BIGINT_MARK)) jf_buf_lit(out, ",1");
        jf_buf_byte(out, ']');
    }
}

static void group_leaf(flattener *f, yyjson_val *val, uint32_t depth) {
    jf_group *g = jf_groups_find(&f->groups, f->path.text.data, f->path.text.len);
    if (!g) {
        f->out->failed = true;
        return;
    }
    bool was_bigint = false;
    if (g->count) jf_buf_byte(&g->values, ',');
    f->values.out = &g->values;
    if (!write_leaf_value(f, val, depth, &was_bigint)) return;
    if (g->values.failed) f->out->failed = true;
    if (was_bigint && (f->cfg->flags & JF_FLAG_BIGINT_MARK)) {
        if (g->marks.len) jf_buf_byte(&g->marks, ',');
        jf_buf_u64(&g->marks, g->count);
    }
    g->count++;
    f->leaves++;
}

static int schema_type(yyjson_val *val) {
    switch (unsafe_yyjson_get_type(val)) {
    case YYJSON_TYPE_STR: return JF_TYPE_STRING;
    case YYJSON_TYPE_RAW: {
        const char *raw = unsafe_yyjson_get_raw(val);
        size_t n = unsafe_yyjson_get_len(val);
        for (size_t i = 0; i < n; i++)
            if (raw[i] == '.' || raw[i] == 'e' || raw[i] == 'E') return JF_TYPE_NUMBER;
        return JF_TYPE_INTEGER;
    }
    case YYJSON_TYPE_BOOL: return JF_TYPE_BOOLEAN;
    case YYJSON_TYPE_OBJ: return JF_TYPE_OBJECT;
    case YYJSON_TYPE_ARR: return JF_TYPE_ARRAY;
    default: return JF_TYPE_NULL;
    }
}

/* Counts one value at the current path; returns its group (NULL when out of
 * memory). Inlined into the leaf path: schema mode's throughput is this. */
static inline __attribute__((always_inline)) jf_group *schema_count(flattener *f, yyjson_val *val) {
    jf_group *g = jf_groups_find(&f->groups, f->path.text.data, f->path.text.len);
    if (!g) {
        f->out->failed = true;
        return NULL;
    }
    if (g->count == 0 && f->short_key) {
        jf_buf escaped;
        jf_buf_init(&escaped, 0);
        jf_escape(&escaped, (const uint8_t *)unsafe_yyjson_get_str(f->short_key), unsafe_yyjson_get_len(f->short_key),
                  (f->cfg->flags & JF_FLAG_REPLACE_INVALID_UTF8) != 0);
        if (escaped.failed || !jf_groups_set_short_key(&f->groups, g, escaped.data, escaped.len)) f->out->failed = true;
        jf_buf_release(&escaped);
    }
    g->count++;
    g->types[schema_type(val)]++;
    if (g->last_doc != f->documents) {
        g->last_doc = f->documents;
        g->docs++;
    }
    return g;
}

/* Schema detail's part of a value already counted in `g`: kept out of line,
 * so plain schema mode pays one predictable branch for it. Inlined, types
 * from data ran 5 % faster but the larger walk cost canada.json 8 points of
 * the ceiling (77.5 % against 85.5 %, bench/ceiling/ratio.sh): flatten first. */
static __attribute__((noinline)) void schema_detail(flattener *f, jf_group *g, yyjson_val *val) {
    jf_schema_seen_in(g, f->depth ? f->stack[f->depth - 1].serial : 0);
    if (g->examples < JF_SCHEMA_EXAMPLES && !jf_schema_keep_example(g, &f->values, &f->example, val)) /* a call only while examples are missing */
        f->out->failed = true;
}

/* Schema detail: a container the walk enters counts at its own path too. */
static __attribute__((noinline)) void schema_container(flattener *f, yyjson_val *val) {
    jf_group *g = schema_count(f, val);
    if (g) schema_detail(f, g, val);
}

static void schema_leaf(flattener *f, yyjson_val *val, uint32_t depth) {
    if (unsafe_yyjson_is_ctn(val) && depth > f->cfg->max_nesting) { /* a whole subtree counts as one value */
        f->too_deep = true;
        return;
    }
    jf_group *g = schema_count(f, val);
    if (JF_UNLIKELY(f->detail) && g) schema_detail(f, g, val);
    f->leaves++;
}

/* A hit is one line: ["path",value] or, in a stream, [line,"path",value]. */
static void search_leaf(flattener *f, yyjson_val *val, uint32_t depth) {
    /* One segment per open container; the root leaf has none. */
    const uint64_t *state = !f->state_words ? NULL
                            : f->depth    ? f->states + f->depth * f->state_words
                                          : jf_query_start(f->cfg->query);
    if (!jf_query_matches(f->cfg->query, state, f->short_key, val)) return;
    jf_buf *out = f->out;
    jf_buf_byte(out, '[');
    if (f->line) {
        jf_buf_u64(out, f->line);
        jf_buf_byte(out, ',');
    }
    jf_buf_byte(out, '"');
    jf_buf_put(out, f->path.text.data, f->path.text.len);
    jf_buf_lit(out, "\",");
    f->values.out = out;
    if (!write_leaf_value(f, val, depth, NULL)) return;
    jf_buf_lit(out, "]\n");
    f->leaves++;
    uint64_t limit = jf_query_limit(f->cfg->query);
    if (++f->hits == limit && limit) f->stop = true;
}

static inline void leaf(flattener *f, yyjson_val *val, uint32_t depth) {
    if (f->cfg->query) {
        search_leaf(f, val, depth);
        return;
    }
    switch (f->cfg->mode) {
    case JF_MODE_GROUPED: group_leaf(f, val, depth); return;
    case JF_MODE_SCHEMA: schema_leaf(f, val, depth); return;
    default: emit_leaf(f, val, depth); return;
    }
}

static const char *const schema_type_names[JF_TYPE_COUNT] = {
    "string", "integer", "number", "boolean", "null", "object", "array",
};

/* {"path":{"key":"b","count":2,"docs":1,"types":{"integer":2}},...}, or the
 * same as entries. */
static void write_schema(flattener *f) {
    jf_buf *out = f->out;
    bool entries = f->cfg->format == JF_FORMAT_ENTRIES;
    jf_buf_byte(out, entries ? '[' : '{');
    for (size_t i = 0; i < f->groups.len && !out->failed; i++) {
        jf_group *g = &f->groups.items[i];
        const uint8_t *keys = f->groups.keys.data;
        if (i) jf_buf_byte(out, ',');
        if (entries) jf_buf_byte(out, '[');
        jf_buf_byte(out, '"');
        jf_buf_put(out, keys + g->key_off, g->key_len);
        jf_buf_lit(out, "\"");
        jf_buf_byte(out, entries ? ',' : ':');
        jf_buf_lit(out, "{\"key\":");
        if (g->short_off == SIZE_MAX) {
            jf_buf_lit(out, "null");
        } else {
            jf_buf_byte(out, '"');
            jf_buf_put(out, keys + g->short_off, g->short_len);
            jf_buf_byte(out, '"');
        }
        jf_buf_lit(out, ",\"count\":");
        jf_buf_u64(out, g->count);
        jf_buf_lit(out, ",\"docs\":");
        jf_buf_u64(out, g->docs);
        jf_buf_lit(out, ",\"types\":{");
        bool first = true;
        for (int t = 0; t < JF_TYPE_COUNT; t++) {
            if (!g->types[t]) continue;
            if (!first) jf_buf_byte(out, ',');
            first = false;
            jf_buf_byte(out, '"');
            jf_buf_put(out, schema_type_names[t], strlen(schema_type_names[t]));
            jf_buf_lit(out, "\":");
            jf_buf_u64(out, g->types[t]);
        }
        jf_buf_byte(out, '}');
        if (f->detail) jf_schema_write_detail(out, g);
        jf_buf_byte(out, '}');
        if (entries) jf_buf_byte(out, ']');
    }
    jf_buf_byte(out, entries ? ']' : '}');
}


/* Writes every group once the walk is done: {"k":[...]} or [["k",[...]]]. */
static void write_groups(flattener *f) {
    jf_buf *out = f->out;
    bool entries = f->cfg->format == JF_FORMAT_ENTRIES;
    for (size_t i = 0; i < f->groups.len && !out->failed; i++) {
        jf_group *g = &f->groups.items[i];
        if (i) jf_buf_byte(out, ',');
        if (entries) jf_buf_byte(out, '[');
        jf_buf_byte(out, '"');
        jf_buf_put(out, f->groups.keys.data + g->key_off, g->key_len);
        jf_buf_byte(out, '"');
        jf_buf_byte(out, entries ? ',' : ':');
        jf_buf_byte(out, '[');
        jf_buf_put(out, g->values.data, g->values.len);
        jf_buf_byte(out, ']');
        if (entries && g->marks.len) {
            jf_buf_lit(out, ",[");
            jf_buf_put(out, g->marks.data, g->marks.len);
            jf_buf_byte(out, ']');
        }
        if (entries) jf_buf_byte(out, ']');
    }
}

/*------------------------------------------------------------------------------
 * Walk
 *----------------------------------------------------------------------------*/

/* Opens a frame for a container whose first child is `next` (NULL when the
 * children arrive one by one, as in a streamed document). */
static inline bool push_frame(flattener *f, yyjson_val *next, size_t remaining, bool is_object) {
    if (f->depth == f->stack_cap) {
        size_t cap = f->stack_cap ? f->stack_cap * 2 : 64;
        walk_frame *stack = jf_realloc(f->stack, cap * sizeof(*stack));
        if (!stack) return false;
        f->stack = stack;
        if (f->state_words) { /* rows 1..cap; row 0 is the query's start state */
            uint64_t *states = jf_realloc(f->states, (cap + 1) * f->state_words * sizeof(*states));
            if (!states) return false;
            f->states = states;
        }
        f->stack_cap = cap;
    }
    walk_frame *fr = &f->stack[f->depth++];
    fr->next = next;
    fr->remaining = remaining;
    fr->index = 0;
    fr->digits[0] = '0';
    fr->digits_len = 1;
    fr->path_len = f->path.text.len;
    fr->serial = ++f->containers;
    fr->is_object = is_object;
    return true;
}

static inline bool push(flattener *f, yyjson_val *ctn) {
    return push_frame(f, unsafe_yyjson_get_first(ctn), unsafe_yyjson_get_len(ctn),
                      unsafe_yyjson_get_type(ctn) == YYJSON_TYPE_OBJ);
}

static inline void increment_digits(walk_frame *fr) { jf_digits_increment(fr->digits, &fr->digits_len); }

/* Whether the walk goes into `val` (at `depth`, root members being 1) or
 * emits it whole. */
static inline bool descends(const flattener *f, yyjson_val *val, size_t depth) {
    if (!unsafe_yyjson_is_ctn(val) || unsafe_yyjson_get_len(val) == 0) return false;
    if (f->cfg->max_depth && depth >= f->cfg->max_depth) return false;
    if ((f->cfg->flags & JF_FLAG_ARRAYS_LEAF) && unsafe_yyjson_get_type(val) == YYJSON_TYPE_ARR) return false;
    return true;
}

/* The glob's state after the path of the child now visited, from its parent's. */
static inline void step_state(flattener *f, const walk_frame *fr, yyjson_val *child) {
    size_t d = f->depth;
    const uint64_t *from = d > 1 ? f->states + (d - 1) * f->state_words : jf_query_start(f->cfg->query);
    jf_segment_ref seg = { fr->is_object ? child : NULL, fr->index };
    jf_query_step(f->cfg->query, from, &seg, f->states + d * f->state_words);
}

/* The text of a scalar that goes out as it is (a number, a string yyjson
 * marked as needing no escape, true, false, null); false for anything else.
 * Only under fast_index, so neither bigint nor UTF-8 replacement applies. */
static inline bool plain_scalar(yyjson_val *val, const uint8_t **s, size_t *n, bool *quoted) {
    uint8_t tag = unsafe_yyjson_get_tag(val);
    *quoted = false;
    switch (tag) {
    case YYJSON_TYPE_RAW:
        break;
    case YYJSON_TYPE_STR | YYJSON_SUBTYPE_NOESC:
        *quoted = true;
        break;
    case YYJSON_TYPE_BOOL | YYJSON_SUBTYPE_TRUE:
        *s = (const uint8_t *)"true";
        *n = 4;
        return true;
    case YYJSON_TYPE_BOOL | YYJSON_SUBTYPE_FALSE:
        *s = (const uint8_t *)"false";
        *n = 5;
        return true;
    case YYJSON_TYPE_NULL:
        *s = (const uint8_t *)"null";
        *n = 4;
        return true;
    default:
        *s = NULL; /* defined for callers that checked the tag already (rows) */
        *n = 0;
        return false;
    }
    *s = (const uint8_t *)unsafe_yyjson_get_str(val);
    *n = unsafe_yyjson_get_len(val);
    return true;
}

/* Where the runs below write: the output's end and room, and the leaf
 * count, held in locals while a run lasts. The bytes written are char
 * stores, which may alias any field, so fields read after them would be
 * reloaded at every leaf; the runs read them once and store them back once. */
typedef struct cursor {
    uint8_t *p;
    uint8_t *end;
    uint64_t leaves;
    bool     entries;
} cursor;

static inline cursor cursor_open(const flattener *f) {
    jf_buf *out = f->out;
    return (cursor){ out->data + out->len, out->data + out->cap, f->leaves, f->cfg->format == JF_FORMAT_ENTRIES };
}

static inline void cursor_close(flattener *f, const cursor *c) {
    if (!f->out->failed) f->out->len = (size_t)(c->p - f->out->data);
    f->leaves = c->leaves;
}

/* Room for `need` more bytes; false when out of memory. */
static inline bool cursor_room(flattener *f, cursor *c, size_t need) {
    if (JF_LIKELY((size_t)(c->end - c->p) >= need)) return true;
    jf_buf *out = f->out;
    out->len = (size_t)(c->p - out->data);
    if (!jf_buf_reserve(out, need)) return false;
    c->p = out->data + out->len;
    c->end = out->data + out->cap;
    return true;
}

/* An empty container as a leaf ([] and {} go out as they are), when
 * `empties`: the caller's children nest no deeper than max_nesting, which
 * the general walk checks for an empty container too. */
static inline bool empty_leaf(yyjson_val *val, bool empties, const uint8_t **s, size_t *n, bool *quoted) {
    if (!empties || !unsafe_yyjson_is_ctn(val) || unsafe_yyjson_get_len(val) != 0) return false;
    *s = (const uint8_t *)(unsafe_yyjson_get_type(val) == YYJSON_TYPE_OBJ ? "{}" : "[]");
    *n = 2;
    *quoted = false;
    return true;
}

/* The path prefix is copied in whole blocks, 32 bytes and then 16 at a
 * time: the path buffer and the output keep PREFIX_SLACK bytes of room past
 * it, so the last block may run over (what follows is written over it). No
 * call and no branch on the length for the common prefix up to 32 bytes. */
enum { PREFIX_SLACK = 32 };
static inline void copy_prefix(uint8_t *dst, const uint8_t *src, size_t n) {
    uint8_t block[32];
    memcpy(block, src, 32);
    memcpy(dst, block, 32);
    for (size_t i = 32; i < n; i += 16) memcpy(dst + i, src + i, 16);
}

/* Copies a decimal index from its 20-byte buffer: a word, then the rest if longer. */
static inline uint8_t *put_digits(uint8_t *p, const char *digits, size_t len) {
    memcpy(p, digits, 8);
    if (len > 8) memcpy(p + 8, digits + 8, 12);
    return p + len;
}

/* ,"<head>":<value> or, as an entry, ,["<head>",<value>]: the leaf's start
 * (up to the path) and its end (from the closing quote). */
static inline uint8_t *put_leaf_start(cursor *c) {
    uint8_t *p = c->p;
    *p = ',';
    p += c->leaves++ != 0;
    *p = '[';
    p += c->entries;
    *p++ = '"';
    return p;
}

static inline uint8_t *put_leaf_end(const cursor *c, uint8_t *p, const uint8_t *s, size_t n, bool quoted) {
    /* ":" or "," and the opening quote as one word store (its fourth byte and
     * the quote are written over unless quoted: by the value, the closing
     * quote or what follows, all of which the cursor's room covers) */
    uint32_t sep = c->entries ? ('"' | ',' << 8 | '"' << 16) : ('"' | ':' << 8 | '"' << 16);
    memcpy(p, &sep, 4);
    p += 2 + quoted;
    jf_copy(p, s, n);
    p += n;
    *p = '"';
    p += quoted;
    *p = ']';
    return p + c->entries;
}

/* Whether the walk enters an array child of the current frame (neither
 * arraysAsLeaves nor the depth limit keeps it whole, and it does not nest too
 * deep): the same answer for every child of a frame, so a run asks it once. */
static inline bool enters_rows(const flattener *f) {
    if (f->cfg->max_depth && f->depth >= f->cfg->max_depth) return false;
    if (f->cfg->flags & JF_FLAG_ARRAYS_LEAF) return false;
    return f->depth + 1 <= f->cfg->max_nesting;
}

/* The tags plain_scalar copies as they are, as bits of one word: a row test
 * is then one shift per element, not a switch. */
#define PLAIN_TAGS                                                                                                     \
    (1u << YYJSON_TYPE_RAW | 1u << (YYJSON_TYPE_STR | YYJSON_SUBTYPE_NOESC) |                                          \
     1u << (YYJSON_TYPE_BOOL | YYJSON_SUBTYPE_TRUE) | 1u << (YYJSON_TYPE_BOOL | YYJSON_SUBTYPE_FALSE) |                \
     1u << YYJSON_TYPE_NULL)

/* Whether `val` is a row: a non-empty array of plain scalars, as a
 * coordinate pair or a matrix row is (the caller knows the walk enters it). */
static inline bool is_row(yyjson_val *val) {
    if (unsafe_yyjson_get_type(val) != YYJSON_TYPE_ARR) return false;
    size_t n = unsafe_yyjson_get_len(val);
    yyjson_val *el = unsafe_yyjson_get_first(val);
    for (size_t k = 0; k < n; k++, el++) { /* scalars sit next to each other */
        uint8_t tag = unsafe_yyjson_get_tag(el);
        if (tag >= 32 || !((PLAIN_TAGS >> tag) & 1)) return false;
    }
    return n != 0;
}

/* ,"<prefix>[<i>]":<value>, or with a row index ,"<prefix>[<i>][<j>]":<value>
 * (j_len 0: none); the digits come from 20-byte buffers. */
static inline void put_index_leaf(cursor *c, const uint8_t *prefix, size_t prefix_len, const char *i, size_t i_len,
                                  const char *j, size_t j_len, const uint8_t *s, size_t n, bool quoted) {
    uint8_t *p = put_leaf_start(c);
    copy_prefix(p, prefix, prefix_len);
    p += prefix_len;
    *p++ = '[';
    p = put_digits(p, i, i_len);
    if (j_len) {
        memcpy(p, "][", 2);
        p = put_digits(p + 2, j, j_len);
    }
    *p++ = ']';
    c->p = put_leaf_end(c, p, s, n, quoted);
}

/* A row's leaves, ,"<head><j>]":<value> each, where `head` is
 * <prefix>[<i>][ with PREFIX_SLACK bytes readable past it. The first ten
 * indexes j are one digit each, written without a digit buffer. False when
 * out of memory. */
static inline bool put_row(flattener *f, cursor *c, const uint8_t *head, size_t head_len, yyjson_val *row) {
    yyjson_val *el = unsafe_yyjson_get_first(row);
    size_t count = unsafe_yyjson_get_len(row);
    char j[20]; /* indexes from 10 on, set at 10 */
    uint8_t j_len = 0;
    const uint8_t *s;
    size_t n;
    bool quoted;
    for (size_t k = 0; k < count; k++, el++) {
        if (JF_LIKELY(unsafe_yyjson_get_tag(el) == YYJSON_TYPE_RAW)) { /* numbers: a compare, not plain_scalar's switch */
            s = (const uint8_t *)unsafe_yyjson_get_raw(el);
            n = unsafe_yyjson_get_len(el);
            quoted = false;
        } else {
            plain_scalar(el, &s, &n, &quoted);
        }
        if (!cursor_room(f, c, head_len + n + 56 + PREFIX_SLACK)) return false;
        uint8_t *p = put_leaf_start(c);
        copy_prefix(p, head, head_len);
        p += head_len;
        if (JF_LIKELY(k < 10)) {
            *p++ = (uint8_t)('0' + k);
        } else {
            if (k == 10) {
                static const char ten[20] = "10";
                memcpy(j, ten, sizeof ten);
                j_len = 2;
            }
            p = put_digits(p, j, j_len);
            jf_digits_increment(j, &j_len);
        }
        *p++ = ']';
        c->p = put_leaf_end(c, p, s, n, quoted);
    }
    return true;
}

/* Whether the walk would enter `val`, an object element of the run's array
 * (neither the depth limit keeps it whole nor does it nest too deep). */
static inline bool enters_object(const flattener *f, yyjson_val *val) {
    return unsafe_yyjson_get_type(val) == YYJSON_TYPE_OBJ && descends(f, val, f->depth) &&
           f->depth + 1 <= f->cfg->max_nesting;
}

/* A record: an object element whose members all have identifier keys
 * without escapes and plain values, written as ,"<prefix>[<i>].<key>":<value>
 * each (the shape of rows of a table: prices, areas, line items). Written
 * optimistically: false when a member is not so (the caller takes back what
 * was written) or when out of memory (out->failed). */
static inline bool put_record(flattener *f, cursor *c, const uint8_t *prefix, size_t prefix_len, const char *i,
                              size_t i_len, yyjson_val *obj) {
    bool empties = f->depth + 2 <= f->cfg->max_nesting; /* the members' depth */
    yyjson_val *key = unsafe_yyjson_get_first(obj);
    const uint8_t *s;
    size_t n;
    bool quoted;
    for (size_t k = unsafe_yyjson_get_len(obj); k; k--, key = unsafe_yyjson_get_next(key + 1)) {
        if (!plain_scalar(key + 1, &s, &n, &quoted) && !empty_leaf(key + 1, empties, &s, &n, &quoted)) return false;
        if (unsafe_yyjson_get_tag(key) != (YYJSON_TYPE_STR | YYJSON_SUBTYPE_NOESC)) return false;
        const uint8_t *name = (const uint8_t *)unsafe_yyjson_get_str(key);
        size_t name_len = unsafe_yyjson_get_len(key);
        if (!jf_path_is_identifier(name, name_len)) return false;
        if (!cursor_room(f, c, prefix_len + name_len + n + 48 + PREFIX_SLACK)) return false;
        uint8_t *p = put_leaf_start(c);
        copy_prefix(p, prefix, prefix_len);
        p += prefix_len;
        *p++ = '[';
        p = put_digits(p, i, i_len);
        memcpy(p, "].", 2);
        p += 2;
        jf_copy(p, name, name_len);
        c->p = put_leaf_end(c, p + name_len, s, n, quoted);
    }
    return true;
}

/* Leaf mode, js style: the run of plain scalars, empty containers, rows of
 * plain scalars and records that an array's next elements form goes out
 * here as ,"<prefix>[<i>]":<value> (a row's as ,"<prefix>[<i>][<j>]":<value>,
 * a record's as ,"<prefix>[<i>].<key>":<value>),
 * straight from the frame's prefix and decimal index into the output: no
 * path buffer update, no frame for a row, no per-leaf dispatch on mode or
 * format. Stops at the first element that needs the general walk (another
 * container, an escaped string); the frame is left exactly as the general
 * walk would leave it. */
static void index_run(flattener *f, walk_frame *fr) {
    size_t prefix_len = fr->path_len, remaining = fr->remaining;
    /* copy_prefix reads whole blocks; a row's head adds [<i>][ (at most 24) */
    if (!jf_buf_reserve(&f->path.text, 24 + PREFIX_SLACK)) return;
    const uint8_t *prefix = f->path.text.data;
    uint8_t digits_len = fr->digits_len;
    yyjson_val *child = fr->next;
    bool empties = f->depth + 1 <= f->cfg->max_nesting;
    bool rows = enters_rows(f);
    cursor c = cursor_open(f);
    const uint8_t *s;
    size_t n;
    bool quoted;
    /* 56: separators and brackets (at most 11) plus two 20-byte digit copies */
    for (; remaining; remaining--, child = unsafe_yyjson_get_next(child)) {
        bool leaf = plain_scalar(child, &s, &n, &quoted);
        if (!leaf && rows && is_row(child)) {
            /* The row's leaves share <prefix>[<i>][: built once after the
             * prefix in the path buffer, which is back to the prefix after. */
            uint8_t *h = f->path.text.data + prefix_len;
            *h++ = '[';
            h = put_digits(h, fr->digits, digits_len);
            memcpy(h, "][", 2);
            if (!put_row(f, &c, prefix, (size_t)(h + 2 - prefix), child)) break;
        } else if (leaf || empty_leaf(child, empties, &s, &n, &quoted)) {
            if (!cursor_room(f, &c, prefix_len + n + 56 + PREFIX_SLACK)) break;
            put_index_leaf(&c, prefix, prefix_len, fr->digits, digits_len, NULL, 0, s, n, quoted);
        } else if (enters_object(f, child)) {
            size_t mark = (size_t)(c.p - f->out->data);
            uint64_t leaves = c.leaves;
            if (!put_record(f, &c, prefix, prefix_len, fr->digits, digits_len, child)) {
                if (f->out->failed) break;
                c.p = f->out->data + mark; /* not a record: the general walk writes it */
                c.leaves = leaves;
                break;
            }
        } else {
            break;
        }
        fr->index++;
        jf_digits_increment(fr->digits, &digits_len);
    }
    cursor_close(f, &c);
    fr->remaining = remaining;
    fr->digits_len = digits_len;
    fr->next = child;
}

/* The object counterpart of index_run: members whose key is an identifier
 * without escapes and whose value is a plain scalar (or an empty
 * container) go out as
 * ,"<prefix>.<key>":<value> (no dot at the root). */
static void member_run(flattener *f, walk_frame *fr) {
    size_t prefix_len = fr->path_len, remaining = fr->remaining;
    if (!jf_buf_reserve(&f->path.text, PREFIX_SLACK)) return; /* copy_prefix reads whole blocks */
    const uint8_t *prefix = f->path.text.data;
    yyjson_val *key = fr->next;
    bool empties = f->depth + 1 <= f->cfg->max_nesting;
    cursor c = cursor_open(f);
    const uint8_t *s;
    size_t n;
    bool quoted;
    for (; remaining; remaining--, key = unsafe_yyjson_get_next(key + 1)) {
        if (!plain_scalar(key + 1, &s, &n, &quoted) && !empty_leaf(key + 1, empties, &s, &n, &quoted)) break;
        if (unsafe_yyjson_get_tag(key) != (YYJSON_TYPE_STR | YYJSON_SUBTYPE_NOESC)) break;
        const uint8_t *name = (const uint8_t *)unsafe_yyjson_get_str(key);
        size_t name_len = unsafe_yyjson_get_len(key);
        if (!jf_path_is_identifier(name, name_len)) break;
        if (!cursor_room(f, &c, prefix_len + name_len + n + 16 + PREFIX_SLACK)) break;
        uint8_t *p = put_leaf_start(&c);
        copy_prefix(p, prefix, prefix_len);
        p += prefix_len;
        *p = '.';
        p += prefix_len != 0;
        jf_copy(p, name, name_len);
        c.p = put_leaf_end(&c, p + name_len, s, n, quoted);
    }
    cursor_close(f, &c);
    fr->remaining = remaining;
    fr->next = key;
}

/* walk_from for leaf mode in js style without bigint or UTF-8 replacement
 * (fast_index): the runs write the plain leaves, and only what they stop
 * at (a container to enter, a leaf needing escapes or a key needing
 * brackets) takes the general steps; no search, schema or stop checks. */
static void walk_fast(flattener *f, size_t base) {
    jf_buf *out = f->out;
    while (f->depth > base) {
        walk_frame *fr = &f->stack[f->depth - 1];
        f->path.text.len = fr->path_len;
        if (fr->is_object) member_run(f, fr);
        else index_run(f, fr);
        if (out->failed) return;
        if (fr->remaining == 0) {
            f->depth--;
            continue;
        }
        fr->remaining--;
        f->path.text.len = fr->path_len;
        yyjson_val *child = fr->next;
        if (fr->is_object) {
            jf_path_key(&f->path, child);
            child++;
        } else {
            jf_path_index_js(&f->path, fr->digits, fr->digits_len);
            fr->index++;
            increment_digits(fr);
        }
        fr->next = unsafe_yyjson_get_next(child);
        size_t child_depth = f->depth + 1;
        if (!descends(f, child, f->depth)) {
            emit_leaf(f, child, (uint32_t)child_depth);
            if (f->too_deep) return;
            continue;
        }
        if (child_depth > f->cfg->max_nesting) {
            f->too_deep = true;
            return;
        }
        if (!push(f, child)) {
            out->failed = true;
            return;
        }
    }
}

/* Visits the frames above `base` (0: the whole document) until they close. */
static inline void walk_from(flattener *f, size_t base) {
    if (f->fast_index) {
        walk_fast(f, base);
        if (f->path.text.failed || f->path.scratch.failed) f->out->failed = true;
        return;
    }
    while (f->depth > base && !f->out->failed && !f->too_deep && !f->stop) {
        walk_frame *fr = &f->stack[f->depth - 1];
        if (fr->remaining == 0) {
            f->depth--;
            continue;
        }
        fr->remaining--;
        f->path.text.len = fr->path_len;
        yyjson_val *child = fr->next;
        if (f->state_words) step_state(f, fr, child);
        if (fr->is_object) {
            jf_path_key(&f->path, child);
            f->short_key = child;
            child++;
        } else {
            f->short_key = NULL;
            jf_path_index_digits(&f->path, fr->digits, fr->digits_len);
            fr->index++;
            increment_digits(fr);
        }
        fr->next = unsafe_yyjson_get_next(child);
        size_t child_depth = f->depth + 1; /* nesting depth of `child` if a container */
        if (!descends(f, child, f->depth)) {
            leaf(f, child, (uint32_t)child_depth);
            continue;
        }
        if (child_depth > f->cfg->max_nesting) {
            f->too_deep = true;
            return;
        }
        if (JF_UNLIKELY(f->detail)) schema_container(f, child);
        if (!push(f, child)) f->out->failed = true;
    }
    if (f->path.text.failed || f->path.scratch.failed) f->out->failed = true;
}

static void walk(flattener *f, yyjson_val *root) {
    if (f->detail) schema_container(f, root); /* the root container, at path "" */
    if (!push(f, root)) {
        f->out->failed = true;
        return;
    }
    walk_from(f, 0);
}

/*------------------------------------------------------------------------------
 * One document (shared by jf_flatten and the NDJSON entry points)
 *----------------------------------------------------------------------------*/

struct jf_flattener {
    flattener f;
    jf_config cfg;
    jf_parser parser;
    bool      pooled;
    yyjson_val **ends;  /* scratch for jf_nests_deeper */
    size_t    ends_cap;
};

jf_flattener *jf_flattener_new(const jf_config *cfg, bool pooled) {
    jf_flattener *fl = jf_malloc(sizeof(*fl));
    if (!fl) return NULL;
    memset(fl, 0, sizeof(*fl));
    fl->cfg = *cfg;
    fl->pooled = pooled;
    fl->f.cfg = &fl->cfg;
    jf_path_init(&fl->f.path, &fl->cfg);
    fl->f.values.flags = cfg->flags;
    fl->f.values.max_nesting = cfg->max_nesting;
    fl->f.state_words = cfg->query ? jf_query_state_words(cfg->query) : 0;
    fl->f.detail = (cfg->flags & JF_FLAG_SCHEMA_DETAIL) != 0;
    fl->f.fast_index = !cfg->query && cfg->mode == JF_MODE_LEAF && cfg->style == JF_STYLE_JS &&
                       !(cfg->flags & (JF_FLAG_REPLACE_INVALID_UTF8 | JF_FLAG_BIGINT_AS_STRING));
    jf_buf_init(&fl->f.example, 0);
    jf_groups_init(&fl->f.groups);
    return fl;
}

void jf_flattener_free(jf_flattener *fl) {
    if (!fl) return;
    jf_free(fl->f.stack);
    jf_free(fl->f.states);
    jf_groups_release(&fl->f.groups);
    jf_buf_release(&fl->f.example);
    jf_path_release(&fl->f.path);
    jf_value_writer_release(&fl->f.values);
    jf_parser_release(&fl->parser);
    jf_free(fl->ends);
    jf_free(fl);
}

void jf_flattener_set_line(jf_flattener *fl, uint64_t line) { fl->f.line = line; }
uint64_t jf_flattener_hits(const jf_flattener *fl) { return fl->f.hits; }
bool jf_flattener_stopped(const jf_flattener *fl) { return fl->f.stop; }

void jf_flattener_write_schema(jf_flattener *fl, jf_buf *out) {
    fl->f.out = out;
    write_schema(&fl->f);
}

uint64_t jf_flattener_leaves(const jf_flattener *fl) { return fl->f.leaves; }
uint64_t jf_flattener_unsafe_integers(const jf_flattener *fl) { return fl->f.values.unsafe_integers; }

/* Search by JSONPath: its evaluator writes the hits (jsonpath_eval.c), then
 * the document is freed. The query's limit counts across a chunk's lines. */
static bool jsonpath_parsed(jf_flattener *fl, const jf_jsonpath *jsonpath, yyjson_doc *doc, jf_buf *out,
                            jf_error *err) {
    flattener *f = &fl->f;
    size_t mark = out->len;
    f->values.out = out;
    jf_jsonpath_sink sink = {
        .out = out, .values = &f->values, .line = f->line, .limit = jf_query_limit(fl->cfg.query), .hits = f->hits,
        .replace_invalid = (fl->cfg.flags & JF_FLAG_REPLACE_INVALID_UTF8) != 0,
        .shared = (fl->cfg.flags & JF_FLAG_SHARED_HITS) && !f->line,
    };
    bool ok = jf_jsonpath_run(jsonpath, yyjson_doc_get_root(doc), yyjson_doc_get_val_count(doc), &sink, err);
    yyjson_doc_free(doc);
    if (ok && out->failed) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while searching");
        ok = false;
    }
    if (!ok) {
        out->len = mark;
        return false;
    }
    f->documents++;
    f->leaves += sink.hits - f->hits;
    f->hits = sink.hits;
    if (sink.limit && f->hits >= sink.limit) f->stop = true;
    return true;
}

/* Flattens a parsed document (and frees it); `input` is its text, for error
 * positions. Not inlined into its caller, so the walk compiles the same
 * whichever parse path feeds it. */
static __attribute__((noinline)) bool flatten_parsed(jf_flattener *fl, yyjson_doc *doc, const uint8_t *input,
                                                     size_t length, jf_buf *out, jf_error *err) {
    flattener *f = &fl->f;
    bool schema = fl->cfg.mode == JF_MODE_SCHEMA;
    bool bare = schema || fl->cfg.query; /* schema and search write their own shapes */
    /* Leaf mode finds a too-deep value when it writes it; schema never writes
     * values and search writes only its hits (and stops at the limit), so
     * they check the whole document first: the same error as flatten. */
    if (bare && yyjson_doc_get_val_count(doc) > fl->cfg.max_nesting &&
        jf_nests_deeper(doc, fl->cfg.max_nesting, &fl->ends, &fl->ends_cap)) {
        yyjson_doc_free(doc);
        jf_set_nesting_error(err, input, length, fl->cfg.max_nesting);
        return false;
    }
    const jf_jsonpath *jsonpath = fl->cfg.query ? jf_query_jsonpath(fl->cfg.query) : NULL;
    if (jsonpath) return jsonpath_parsed(fl, jsonpath, doc, out, err);
    size_t mark = out->len;
    f->out = out;
    f->depth = 0;
    f->too_deep = false;
    f->path.text.len = 0;
    uint64_t leaves_before = f->leaves;
    f->leaves = 0; /* the separator logic counts leaves of this document */
    bool entries = fl->cfg.format == JF_FORMAT_ENTRIES;
    yyjson_val *root = yyjson_doc_get_root(doc);
    f->documents++;
    f->short_key = NULL;
    if (!bare) jf_buf_byte(out, entries ? '[' : '{');
    if (unsafe_yyjson_is_ctn(root) && unsafe_yyjson_get_len(root) > 0) walk(f, root);
    else leaf(f, root, 1); /* a scalar or empty root is the one leaf, at path "" */
    if (fl->cfg.mode == JF_MODE_GROUPED) {
        if (!f->too_deep) write_groups(f);
        jf_groups_release(&f->groups);
        jf_groups_init(&f->groups);
    }
    if (!bare) jf_buf_byte(out, entries ? ']' : '}');
    f->leaves += leaves_before;
    yyjson_doc_free(doc);
    if (f->too_deep) {
        jf_set_nesting_error(err, input, length, fl->cfg.max_nesting);
    } else if (out->failed || f->path.text.failed) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while flattening %zu bytes", length);
    } else {
        return true;
    }
    out->len = mark;
    return false;
}

bool jf_flatten_document(jf_flattener *fl, const uint8_t *input, size_t length, jf_buf *out, jf_error *err) {
    yyjson_doc *doc = fl->pooled ? jf_parser_read(&fl->parser, input, length, &fl->cfg, err)
                                 : jf_parse(input, length, &fl->cfg, err);
    return doc && flatten_parsed(fl, doc, input, length, out, err);
}

/*------------------------------------------------------------------------------
 * Entry point
 *----------------------------------------------------------------------------*/

JF_API uint8_t *jf_flatten(const uint8_t *input, size_t length,
                           const jf_options *options, jf_result *result) {
    jf_config cfg;
    if (!result || !jf_begin_call(input, length, options, result, &cfg)) return NULL;
    jf_flattener *fl = jf_flattener_new(&cfg, false);
    jf_buf out;
    /* Paths make the output larger than the input (canada.json: 3.3x). Room
     * for about 2x up front, doubling after: at most one or two moves. */
    jf_buf_init(&out, length * 2 + 256);
    bool ok = fl && !out.failed &&
              jf_flatten_document(fl, input ? input : (const uint8_t *)"", length, &out, &result->error);
    if (ok && cfg.mode == JF_MODE_SCHEMA) jf_flattener_write_schema(fl, &out);
    if (!fl || out.failed)
        jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while flattening %zu bytes", length);
    if (fl) {
        result->leaves = jf_flattener_leaves(fl);
        result->unsafe_integers = jf_flattener_unsafe_integers(fl);
    }
    jf_flattener_free(fl);
    if (!ok) {
        jf_buf_release(&out);
        return NULL;
    }
    return jf_buf_take(&out, &result->length);
}

/*------------------------------------------------------------------------------
 * One document whose top levels arrive piece by piece (doc_stream.c): the
 * stream's scanner opens and closes the containers it descends into (the
 * spine, frames of this walk without a yyjson tree) and hands every value it
 * read whole to the same leaf and walk code as jf_flatten.
 *----------------------------------------------------------------------------*/

void jf_flattener_begin(jf_flattener *fl, jf_buf *out) {
    flattener *f = &fl->f;
    f->out = out;
    f->depth = 0;
    f->too_deep = false;
    f->path.text.len = 0;
    f->leaves = 0;
    f->documents++;
    f->short_key = NULL;
    if (!fl->cfg.query && fl->cfg.mode != JF_MODE_SCHEMA)
        jf_buf_byte(out, fl->cfg.format == JF_FORMAT_ENTRIES ? '[' : '{');
}


size_t jf_flattener_depth(const jf_flattener *fl) { return fl->f.depth; }

void jf_flattener_member(jf_flattener *fl, yyjson_val *key) {
    flattener *f = &fl->f;
    walk_frame *fr = &f->stack[f->depth - 1];
    assert(f->depth > 0 && fr->is_object);
    f->path.text.len = fr->path_len;
    if (f->state_words) step_state(f, fr, key);
    jf_path_key(&f->path, key);
    f->short_key = key;
    fr->index++; /* counts members, for jf_flattener_close */
}

void jf_flattener_element(jf_flattener *fl) {
    flattener *f = &fl->f;
    if (f->depth == 0) return; /* the root has no segment */
    walk_frame *fr = &f->stack[f->depth - 1];
    assert(!fr->is_object);
    f->path.text.len = fr->path_len;
    if (f->state_words) step_state(f, fr, NULL);
    f->short_key = NULL;
    jf_path_index_digits(&f->path, fr->digits, fr->digits_len);
    fr->index++;
    increment_digits(fr);
}

void jf_flattener_resume(jf_flattener *fl, uint64_t index, uint64_t written) {
    flattener *f = &fl->f;
    assert(f->depth > 0 && !f->stack[f->depth - 1].is_object);
    walk_frame *fr = &f->stack[f->depth - 1];
    fr->index = index;
    int n = snprintf(fr->digits, sizeof fr->digits, "%llu", (unsigned long long)index);
    fr->digits_len = (uint8_t)n;
    f->leaves = written;
}

bool jf_flattener_may_open(const jf_flattener *fl, bool is_object) {
    const flattener *f = &fl->f;
    if (f->cfg->max_depth && f->depth >= f->cfg->max_depth) return false;
    if ((f->cfg->flags & JF_FLAG_ARRAYS_LEAF) && !is_object) return false;
    return f->depth + 1 <= f->cfg->max_nesting;
}

bool jf_flattener_open(jf_flattener *fl, bool is_object) {
    flattener *f = &fl->f;
    assert(jf_flattener_may_open(fl, is_object));
    if (f->depth == 0) f->path.text.len = 0;
    if (push_frame(f, NULL, 0, is_object)) return true;
    f->out->failed = true;
    return false;
}

bool jf_flattener_close(jf_flattener *fl, yyjson_val *empty) {
    flattener *f = &fl->f;
    assert(f->depth > 0);
    walk_frame *fr = &f->stack[f->depth - 1];
    f->path.text.len = fr->path_len;
    f->depth--;
    /* A container with no children is one leaf, as jf_flatten writes it. */
    if (fr->index == 0 && !f->stop && empty) leaf(f, empty, (uint32_t)f->depth + 1);
    return !f->too_deep && !f->out->failed && !f->path.text.failed;
}

bool jf_flattener_value(jf_flattener *fl, yyjson_doc *doc) {
    flattener *f = &fl->f;
    yyjson_val *val = yyjson_doc_get_root(doc);
    size_t depth = f->depth;
    bool bare = fl->cfg.mode == JF_MODE_SCHEMA || fl->cfg.query;
    uint32_t room = fl->cfg.max_nesting > depth ? fl->cfg.max_nesting - (uint32_t)depth : 0;
    /* As flatten_parsed: schema and search check the nesting of what they will not write. */
    if (bare && (room == 0 ? unsafe_yyjson_is_ctn(val)
                           : yyjson_doc_get_val_count(doc) > room &&
                                 jf_nests_deeper(doc, room, &fl->ends, &fl->ends_cap))) {
        f->too_deep = true;
        return false;
    }
    if (f->stop) return true;
    if (depth == 0) {
        if (unsafe_yyjson_is_ctn(val) && unsafe_yyjson_get_len(val) > 0) walk(f, val);
        else leaf(f, val, 1);
    } else if (!descends(f, val, depth)) {
        leaf(f, val, (uint32_t)depth + 1);
    } else if (depth + 1 > fl->cfg.max_nesting) {
        f->too_deep = true;
    } else if (!push(f, val)) {
        f->out->failed = true;
    } else {
        walk_from(f, depth);
    }
    if (f->path.text.failed || f->path.scratch.failed) f->out->failed = true;
    return !f->too_deep && !f->out->failed;
}

bool jf_flattener_end(jf_flattener *fl) {
    flattener *f = &fl->f;
    if (fl->cfg.mode == JF_MODE_GROUPED) {
        write_groups(f);
        jf_groups_release(&f->groups);
        jf_groups_init(&f->groups);
    }
    if (fl->cfg.mode == JF_MODE_SCHEMA) write_schema(f);
    else if (!fl->cfg.query) jf_buf_byte(f->out, fl->cfg.format == JF_FORMAT_ENTRIES ? ']' : '}');
    return !f->out->failed;
}
