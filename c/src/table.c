/*==============================================================================
 * table.c — CSV and TSV out: a compiled column set (a hash from leaf path to
 * column index, built once) and a sink of the line engine (lines.c) that
 * writes one row per document (or per element of an exploded array), one
 * cell per column, in place of flatten's one object per line.
 *
 * A row is collected as pointers into the parsed document (one per column,
 * stamped with the row's number so clearing is free), then written in column
 * order: strings as their UTF-8 text, numbers as their input text, booleans
 * as true/false, null as an empty cell, containers kept whole as compact JSON.
 * Paths not in the set go, by the table's policy, to an `_extra` cell (a JSON
 * object), to an error naming the path, or nowhere. In discover mode the walk
 * only collects the paths it meets, in order of first appearance. In spool
 * mode it does both at once (see "The spool" below): rows written against the
 * columns found so far, to be finished once the input's last column is known.
 *============================================================================*/
#include "path.h"

#include <assert.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum { UNKNOWN_EXTRA = 0, UNKNOWN_ERROR = 1, UNKNOWN_IGNORE = 2 };

typedef struct table_column {
    size_t key_off, key_len;   /* the path as jf_path spells it (escaped for JSON), in `keys` */
    size_t name_off, name_len; /* the path as UTF-8 text, in `names`: the header cell */
} table_column;

typedef struct table_cell {
    yyjson_val *val;
    uint64_t    row;    /* the cell is set when this equals the table's row number */
    uint32_t    level;  /* containers enclosing `val` */
    bool        joined; /* an array of scalars written as one joined cell */
} table_cell;

typedef struct table_frame {
    yyjson_val *next;
    size_t      remaining;
    size_t      path_len;
    uint32_t    level; /* containers enclosing the children */
    uint8_t     digits_len;
    char        digits[20];
    bool        is_object;
} table_frame;

struct jf_table {
    jf_config cfg;
    /* what the spec asked for */
    bool     tsv, crlf, header, discover, records, header_done;
    bool     spool; /* discover, and write each row as a spool record (implies discover) */
    uint8_t  unknown;
    jf_buf   join;    /* the separator of joined arrays (raw text); len 0: no joining */
    jf_buf   explode; /* the exploded array's path, escaped as jf_path spells it */
    bool     has_explode;
    /* the column set */
    table_column *cols;
    table_cell   *cells;
    size_t        ncols, cols_cap;
    uint32_t     *slots; /* open addressing: column index + 1, 0 empty */
    size_t        slots_mask;
    jf_buf        keys, names;
    /* per document */
    jf_path         path;
    jf_value_writer values;
    jf_parser       parser;
    table_frame    *stack;
    size_t          depth, stack_cap;
    uint64_t        row;
    uint64_t        leaves;
    jf_buf          extra;   /* "path":value,... of the row's unknown paths */
    jf_buf          scratch; /* one cell before quoting */
    uint32_t       *set;     /* the columns set in this row, in the order the walk met them; an exploded
                                element's come after the document's own (from `element_mark`) */
    uint64_t       *bits;    /* the same as a bit per column: the row is written by walking its set bits */
    size_t          nset, element_mark, set_cap;
    yyjson_val     *exploded;
    uint32_t        exploded_level;
    bool            in_element, too_deep, unknown_hit, oom;
    bool            duplicates; /* discover: a path met twice in one row (a duplicate member name) */
    jf_buf          unknown_path;
};

/*------------------------------------------------------------------------------
 * The column set
 *----------------------------------------------------------------------------*/

/* A hash of a path, 8 bytes per multiply (paths are short: a few words). */
static uint64_t path_hash(const uint8_t *s, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
    const uint8_t *end = s + n;
    for (; end - s > 8; s += 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    /* The last 1-8 bytes by whole loads (overlapping what came before when
     * the path is long enough): a load of a partly written word stalls. */
    size_t left = (size_t)(end - s);
    if (n >= 8) {
        memcpy(&w, end - 8, 8);
    } else if (left >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, end - 4, 4);
        w = (uint64_t)a << 32 | b;
    } else {
        w = left ? (uint64_t)s[0] << 16 | (uint64_t)s[left / 2] << 8 | s[left - 1] : 0;
    }
    h = (h ^ w) * 0x94D049BB133111EBull;
    return h ^ (h >> 29);
}

static inline bool key_equals(const jf_table *t, const table_column *c, const uint8_t *s, size_t n) {
    return c->key_len == n && jf_same_bytes(t->keys.data + c->key_off, s, n);
}

/* Index of the column named `s` (escaped), or SIZE_MAX. */
static size_t find_column(const jf_table *t, const uint8_t *s, size_t n) {
    if (!t->slots) return SIZE_MAX;
    for (size_t i = path_hash(s, n) & t->slots_mask;; i = (i + 1) & t->slots_mask) {
        uint32_t slot = t->slots[i];
        if (!slot) return SIZE_MAX;
        if (key_equals(t, &t->cols[slot - 1], s, n)) return slot - 1;
    }
}

static bool rehash(jf_table *t, size_t capacity) {
    uint32_t *slots = jf_malloc(capacity * sizeof(*slots));
    if (!slots) return false;
    memset(slots, 0, capacity * sizeof(*slots));
    jf_free(t->slots);
    t->slots = slots;
    t->slots_mask = capacity - 1;
    for (size_t c = 0; c < t->ncols; c++) {
        size_t i = path_hash(t->keys.data + t->cols[c].key_off, t->cols[c].key_len) & t->slots_mask;
        while (t->slots[i]) i = (i + 1) & t->slots_mask;
        t->slots[i] = (uint32_t)(c + 1);
    }
    return true;
}

/* Appends a column: `key` escaped as jf_path spells it, `name` its text. */
static bool add_column(jf_table *t, const uint8_t *key, size_t key_len, const uint8_t *name, size_t name_len) {
    assert(find_column(t, key, key_len) == SIZE_MAX);
    if (t->ncols == UINT32_MAX - 1) return false;
    if (t->ncols == t->cols_cap) {
        size_t cap = t->cols_cap ? t->cols_cap * 2 : 16;
        table_column *cols = jf_realloc(t->cols, cap * sizeof(*cols));
        if (!cols) return false;
        t->cols = cols;
        table_cell *cells = jf_realloc(t->cells, cap * sizeof(*cells));
        if (!cells) return false;
        t->cells = cells;
        uint64_t *bits = jf_realloc(t->bits, (cap / 64 + 1) * sizeof(*bits));
        if (!bits) return false;
        memset(bits + (t->cols_cap ? t->cols_cap / 64 + 1 : 0), 0, (cap / 64 + 1 - (t->cols_cap ? t->cols_cap / 64 + 1 : 0)) * sizeof(*bits));
        t->bits = bits;
        t->cols_cap = cap;
    }
    table_column *c = &t->cols[t->ncols];
    c->key_off = t->keys.len;
    c->key_len = key_len;
    jf_buf_put(&t->keys, key, key_len);
    c->name_off = t->names.len;
    c->name_len = name_len;
    jf_buf_put(&t->names, name, name_len);
    memset(&t->cells[t->ncols], 0, sizeof(t->cells[0]));
    t->ncols++;
    if (t->keys.failed || t->names.failed) return false;
    if (t->ncols * 2 > t->slots_mask + 1 || !t->slots) return rehash(t, (t->slots_mask + 1) * 4 > 64 ? (t->slots_mask + 1) * 4 : 64);
    size_t i = path_hash(key, key_len) & t->slots_mask;
    while (t->slots[i]) i = (i + 1) & t->slots_mask;
    t->slots[i] = (uint32_t)t->ncols;
    return true;
}

/*------------------------------------------------------------------------------
 * Cells
 *----------------------------------------------------------------------------*/

/* Whether any byte of the word equals `c` (SWAR: the classic has-zero-byte
 * test on the word xor c in every byte). */
static inline uint64_t has_byte(uint64_t w, uint8_t c) {
    uint64_t x = w ^ (0x0101010101010101ull * c);
    return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

/* Whether `s` holds any of the bytes a, b, CR, LF: a CSV cell that must be
 * quoted (a = ',', b = '"'), a TSV cell that needs escapes (a = TAB, b =
 * '\\'). Eight bytes at a time: this scan touches every byte of every string. */
static bool has_special(const uint8_t *s, size_t n, uint8_t a, uint8_t b) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
    const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
        if (_mm_movemask_epi8(hit)) return true;
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (has_byte(w, a) | has_byte(w, b) | has_byte(w, '\r') | has_byte(w, '\n')) return true;
    }
    if (i == n) return false;
    /* The last 1-7 bytes as one word, never reading outside [s, s + n): the
     * last eight bytes when n >= 8 (overlapping what was scanned), two
     * overlapping halves from 4, else the bytes repeated (short cells are
     * most cells, and a byte loop cost more than the scan of long ones). */
    uint64_t w;
    if (n >= 8) {
        memcpy(&w, s + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        w = (uint64_t)x << 32 | y;
    } else {
        uint64_t three = s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16;
        w = three | three << 24 | (three & 0xFFFF) << 48;
    }
    return (has_byte(w, a) | has_byte(w, b) | has_byte(w, '\r') | has_byte(w, '\n')) != 0;
}

/* Writes text as one cell. CSV (RFC 4180): quoted when it holds the
 * delimiter, a quote, CR or LF, quotes doubled; the empty string is `""` so
 * that it differs from null's empty cell. TSV: \t \n \r \\ escaped. */
static void put_text_cell(const jf_table *t, jf_buf *out, const uint8_t *s, size_t n) {
    if (t->tsv && !has_special(s, n, '\t', '\\')) {
        jf_buf_put(out, s, n);
        return;
    }
    if (t->tsv) {
        for (size_t i = 0; i < n; i++) {
            uint8_t c = s[i];
            if (c == '\t') jf_buf_lit(out, "\\t");
            else if (c == '\n') jf_buf_lit(out, "\\n");
            else if (c == '\r') jf_buf_lit(out, "\\r");
            else if (c == '\\') jf_buf_lit(out, "\\\\");
            else jf_buf_byte(out, c);
        }
        return;
    }
    if (n && !has_special(s, n, ',', '"')) {
        jf_buf_put(out, s, n);
        return;
    }
    jf_buf_byte(out, '"');
    for (const uint8_t *p = s, *end = s + n; p < end;) {
        const uint8_t *q = memchr(p, '"', (size_t)(end - p));
        size_t run = (size_t)((q ? q + 1 : end) - p);
        jf_buf_put(out, p, run);
        if (q) jf_buf_byte(out, '"');
        p += run;
    }
    jf_buf_byte(out, '"');
}

/* A scalar's text as a cell would hold it, appended to `buf` (null: nothing). */
static void put_scalar_text(const jf_table *t, jf_buf *buf, yyjson_val *val) {
    switch (unsafe_yyjson_get_type(val)) {
    case YYJSON_TYPE_STR:
        if (t->cfg.flags & JF_FLAG_REPLACE_INVALID_UTF8)
            jf_put_replacing_invalid(buf, (const uint8_t *)unsafe_yyjson_get_str(val), unsafe_yyjson_get_len(val));
        else
            jf_buf_put(buf, unsafe_yyjson_get_str(val), unsafe_yyjson_get_len(val));
        return;
    case YYJSON_TYPE_RAW: jf_buf_put(buf, unsafe_yyjson_get_raw(val), unsafe_yyjson_get_len(val)); return;
    case YYJSON_TYPE_BOOL:
        if (unsafe_yyjson_get_bool(val)) jf_buf_lit(buf, "true");
        else jf_buf_lit(buf, "false");
        return;
    default: return;
    }
}

/* A container's compact JSON into `buf`; false (too_deep) past max_nesting. */
static bool put_json(jf_table *t, jf_buf *buf, yyjson_val *val, uint32_t depth) {
    t->values.out = buf;
    if (jf_write_value(&t->values, val, depth, NULL)) return true;
    t->too_deep = true;
    return false;
}

static inline __attribute__((always_inline)) void write_cell(jf_table *t, jf_buf *out, const table_cell *cell) {
    yyjson_val *val = cell->val;
    uint8_t type = unsafe_yyjson_get_type(val);
    if (cell->joined) {
        t->scratch.len = 0;
        size_t i = 0, n = unsafe_yyjson_get_len(val);
        for (yyjson_val *e = unsafe_yyjson_get_first(val); i < n; i++, e = unsafe_yyjson_get_next(e)) {
            if (i) jf_buf_put(&t->scratch, t->join.data, t->join.len);
            put_scalar_text(t, &t->scratch, e);
        }
        put_text_cell(t, out, t->scratch.data, t->scratch.len);
    } else if (type == YYJSON_TYPE_RAW || type == YYJSON_TYPE_BOOL || type == YYJSON_TYPE_NULL) {
        put_scalar_text(t, out, val); /* never needs quoting or escaping */
    } else if (type == YYJSON_TYPE_STR && !(t->cfg.flags & JF_FLAG_REPLACE_INVALID_UTF8)) {
        put_text_cell(t, out, (const uint8_t *)unsafe_yyjson_get_str(val), unsafe_yyjson_get_len(val));
    } else {
        t->scratch.len = 0;
        if (type == YYJSON_TYPE_STR) put_scalar_text(t, &t->scratch, val);
        else if (!put_json(t, &t->scratch, val, cell->level + 1)) return;
        put_text_cell(t, out, t->scratch.data, t->scratch.len);
    }
}

static void end_row(const jf_table *t, jf_buf *out) {
    if (t->crlf) jf_buf_byte(out, '\r');
    jf_buf_byte(out, '\n');
}

/* The `_extra` cell: the row's unknown paths as one JSON object (nothing
 * when there are none). */
static void put_extra_cell(jf_table *t, jf_buf *out) {
    if (!t->extra.len) return;
    t->scratch.len = 0;
    jf_buf_byte(&t->scratch, '{');
    jf_buf_put(&t->scratch, t->extra.data, t->extra.len);
    jf_buf_byte(&t->scratch, '}');
    put_text_cell(t, out, t->scratch.data, t->scratch.len);
}

/* The `_error` cell: a bad line's SPEC error object (nothing for a good row). */
static void put_error_cell(jf_table *t, jf_buf *out, const jf_error *err, uint64_t line) {
    if (!err) return;
    t->scratch.len = 0;
    jf_buf_byte(&t->scratch, '{');
    jf_write_error_fields(&t->scratch, err, line);
    jf_buf_byte(&t->scratch, '}');
    put_text_cell(t, out, t->scratch.data, t->scratch.len);
}

/* Cells after the columns: `_extra` (unknown paths kept) and `_error` (emit). */
static void write_trailing(jf_table *t, jf_buf *out, bool emit, const jf_error *err, uint64_t line) {
    bool first = t->ncols == 0;
    if (t->unknown == UNKNOWN_EXTRA) {
        if (!first) jf_buf_byte(out, t->tsv ? '\t' : ',');
        first = false;
        put_extra_cell(t, out);
    }
    if (emit) {
        if (!first) jf_buf_byte(out, t->tsv ? '\t' : ',');
        put_error_cell(t, out, err, line);
    }
}

/*------------------------------------------------------------------------------
 * The spool: a first pass that also writes the rows
 *
 * Without given columns, a table's columns are every path of the input, and
 * the header comes first: the rows cannot be final before the input's end.
 * Rather than read (and parse) the input twice, a spool table finds columns
 * and writes rows in one walk. Its columns only grow, in order of first
 * appearance, so a cell's column index is final when it is written; what a
 * row lacks is the empty cells of columns found later and the trailing
 * cells, whose presence (`_extra`: whether any document had a duplicate
 * path) is known only at the end. So each row is a record of its set cells
 * only (the separators of a wide table's empty cells would be most of it):
 *
 *   uint64 body_len, extra_len, error_len (native byte order), then the body:
 *   per set cell, in column order, a varint of the columns since the last
 *   set one (from column 0 for the first), a varint of its length, its text
 *   (quoted or escaped); then the `_extra` cell and the `_error` cell.
 *
 * jf_table_unspool, on a table compiled with the final columns, writes each
 * record as the writing pass would have written its row. The records are a
 * private format of one build: the caller keeps them (in a temporary file)
 * only between the two calls.
 *----------------------------------------------------------------------------*/

enum { SPOOL_HEAD = 3 * sizeof(uint64_t) };

/* An unsigned LEB128 varint: 7 bits a byte, low first; at most 10 bytes. */
static inline uint8_t *put_varint(uint8_t *p, uint64_t v) {
    for (; v >= 0x80; v >>= 7) *p++ = (uint8_t)(v | 0x80);
    *p++ = (uint8_t)v;
    return p;
}

static inline size_t varint_len(uint64_t v) {
    size_t n = 1;
    for (; v >= 0x80; v >>= 7) n++;
    return n;
}

/* Reads a varint from [*p, end); false when cut or longer than 10 bytes. */
static inline bool get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v) {
    uint64_t x = 0;
    for (unsigned shift = 0; *p < end && shift < 70; shift += 7) {
        uint8_t b = *(*p)++;
        x |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

/* One set cell of a spool record: the column gap, then the cell's length
 * (one byte reserved, the text moved up when its length needs more), then
 * the cell as write_cell writes it. */
static void spool_cell(jf_table *t, jf_buf *out, size_t gap, const table_cell *cell) {
    if (!jf_buf_reserve(out, 11)) return;
    out->len = (size_t)(put_varint(out->data + out->len, gap) - out->data) + 1;
    size_t start = out->len;
    write_cell(t, out, cell);
    size_t n = out->len - start, extra = varint_len(n) - 1;
    if (out->failed || (extra && !jf_buf_reserve(out, extra))) return;
    if (extra) memmove(out->data + start + extra, out->data + start, n);
    put_varint(out->data + start - 1, n);
    out->len += extra;
}

/* Room for a record's head, filled by spool_close; returns where it starts. */
static size_t spool_open(jf_buf *out) {
    size_t head = out->len;
    if (jf_buf_reserve(out, SPOOL_HEAD)) out->len += SPOOL_HEAD;
    return head;
}

/* Ends the record opened at `head` after its body: the `_extra` cell, the
 * `_error` cell (`err` NULL: none), then the head's lengths. */
static void spool_close(jf_table *t, jf_buf *out, size_t head, const jf_error *err, uint64_t line) {
    if (out->failed) return;
    uint64_t h[3] = { out->len - head - SPOOL_HEAD, 0, 0 };
    size_t at = out->len;
    put_extra_cell(t, out);
    h[1] = out->len - at;
    at = out->len;
    put_error_cell(t, out, err, line);
    h[2] = out->len - at;
    if (!out->failed) memcpy(out->data + head, h, sizeof h);
}

/* `n` separators: the empty cells between two set ones cost a memset. */
static inline void put_separators(const jf_table *t, jf_buf *out, size_t n) {
    if (!n || !jf_buf_reserve(out, n)) return;
    uint8_t sep = t->tsv ? '\t' : ',';
    if (n == 1) out->data[out->len] = sep;
    else memset(out->data + out->len, sep, n);
    out->len += n;
}

/* Writes only the set cells, in column order by walking the set bits: the
 * cost is the row's leaves and a word per 64 columns, and a run of empty
 * cells is one memset. */
static void write_row(jf_table *t, jf_buf *out, bool emit) {
    size_t head = t->spool ? spool_open(out) : 0;
    size_t at = 0; /* the column the output is in */
    size_t words = (t->ncols + 63) / 64;
    for (size_t w = 0; w < words && !t->too_deep; w++) {
        for (uint64_t b = t->bits[w]; b; b &= b - 1) {
            size_t c = w * 64 + (size_t)__builtin_ctzll(b);
            if (t->spool) spool_cell(t, out, c - at, &t->cells[c]);
            else put_separators(t, out, c - at);
            at = c;
            if (!t->spool) write_cell(t, out, &t->cells[c]);
        }
    }
    if (t->spool) {
        spool_close(t, out, head, NULL, 0);
        return;
    }
    if (t->ncols) put_separators(t, out, t->ncols - 1 - at);
    write_trailing(t, out, emit, NULL, 0);
    end_row(t, out);
}

static void write_header(jf_table *t, jf_buf *out, bool emit) {
    uint8_t sep = t->tsv ? '\t' : ',';
    for (size_t c = 0; c < t->ncols; c++) {
        if (c) jf_buf_byte(out, sep);
        put_text_cell(t, out, t->names.data + t->cols[c].name_off, t->cols[c].name_len);
    }
    bool first = t->ncols == 0;
    if (t->unknown == UNKNOWN_EXTRA) {
        if (!first) jf_buf_byte(out, sep);
        first = false;
        jf_buf_lit(out, "_extra");
    }
    if (emit) {
        if (!first) jf_buf_byte(out, sep);
        jf_buf_lit(out, "_error");
    }
    end_row(t, out);
}

/*------------------------------------------------------------------------------
 * The walk: every leaf (or joined array) to its cell
 *----------------------------------------------------------------------------*/

/* The current path and its value, added to the row's `_extra` object. */
static void extra_leaf(jf_table *t, yyjson_val *val, uint32_t level) {
    if (t->extra.len) jf_buf_byte(&t->extra, ',');
    jf_buf_byte(&t->extra, '"');
    jf_buf_put(&t->extra, t->path.text.data, t->path.text.len);
    jf_buf_lit(&t->extra, "\":");
    put_json(t, &t->extra, val, level + 1);
}

static void unknown_leaf(jf_table *t, yyjson_val *val, uint32_t level) {
    assert(!t->discover);
    const uint8_t *key = t->path.text.data;
    size_t n = t->path.text.len;
    if (t->unknown == UNKNOWN_IGNORE) return;
    if (t->unknown == UNKNOWN_ERROR) {
        if (!t->unknown_hit) {
            t->unknown_path.len = 0;
            jf_buf_put(&t->unknown_path, key, n);
        }
        t->unknown_hit = true;
        return;
    }
    extra_leaf(t, val, level);
}

static bool grow_set(jf_table *t) {
    size_t cap = t->set_cap ? t->set_cap * 2 : 64;
    uint32_t *set = jf_realloc(t->set, cap * sizeof(*set));
    if (!set) {
        t->oom = true;
        return false;
    }
    t->set = set;
    t->set_cap = cap;
    return true;
}

/* The column of the current path, by the hash. (Trying first the two
 * columns that last followed the previous one, as this writer once did, hit
 * 64 % of Open Library leaves and saved instructions, but cost 3-6 % more
 * time: a mispredicted branch on every third leaf, against a hash of a short
 * path and a probe that stay in cache.) */
static size_t column_of_path(jf_table *t) { return find_column(t, t->path.text.data, t->path.text.len); }

/* Discover: the column of a path met for the first time (its name is the
 * key's text: discover's output is the keys as JSON strings), or SIZE_MAX. */
static size_t discovered(jf_table *t) {
    if (!add_column(t, t->path.text.data, t->path.text.len, t->path.text.data, t->path.text.len)) {
        t->oom = true;
        return SIZE_MAX;
    }
    return t->ncols - 1;
}

static void leaf(jf_table *t, yyjson_val *val, uint32_t level, bool joined) {
    t->leaves++;
    size_t c = column_of_path(t);
    if (c == SIZE_MAX && t->discover) {
        c = discovered(t);
        if (c == SIZE_MAX) return;
    } else if (c == SIZE_MAX || t->cells[c].row == t->row) { /* a second value at one path is not a column either */
        if (!t->discover) {
            unknown_leaf(t, val, level);
        } else {
            t->duplicates = true; /* so the writing pass keeps that value somewhere */
            if (t->spool) extra_leaf(t, val, level); /* where the writing pass would (unknown "extra") */
        }
        return;
    }
    if (t->nset == t->set_cap && !grow_set(t)) return;
    table_cell *cell = &t->cells[c];
    cell->val = val;
    cell->row = t->row;
    cell->level = level;
    cell->joined = joined;
    t->set[t->nset++] = (uint32_t)c;
    t->bits[c >> 6] |= 1ull << (c & 63);
}

static bool all_scalars(yyjson_val *arr) {
    size_t i = 0, n = unsafe_yyjson_get_len(arr);
    for (yyjson_val *e = unsafe_yyjson_get_first(arr); i < n; i++, e = unsafe_yyjson_get_next(e))
        if (unsafe_yyjson_is_ctn(e)) return false;
    return true;
}

static inline bool descends(const jf_table *t, yyjson_val *val, uint32_t level) {
    if (!unsafe_yyjson_is_ctn(val) || unsafe_yyjson_get_len(val) == 0) return false;
    if (t->cfg.max_depth && level >= t->cfg.max_depth) return false;
    if ((t->cfg.flags & JF_FLAG_ARRAYS_LEAF) && unsafe_yyjson_get_type(val) == YYJSON_TYPE_ARR) return false;
    return true;
}

static bool push(jf_table *t, yyjson_val *ctn, uint32_t level) {
    if (level + 1 > t->cfg.max_nesting) {
        t->too_deep = true;
        return false;
    }
    if (t->depth == t->stack_cap) {
        size_t cap = t->stack_cap ? t->stack_cap * 2 : 64;
        table_frame *stack = jf_realloc(t->stack, cap * sizeof(*stack));
        if (!stack) {
            t->oom = true;
            return false;
        }
        t->stack = stack;
        t->stack_cap = cap;
    }
    table_frame *fr = &t->stack[t->depth++];
    fr->next = unsafe_yyjson_get_first(ctn);
    fr->remaining = unsafe_yyjson_get_len(ctn);
    fr->path_len = t->path.text.len;
    fr->level = level + 1;
    fr->digits[0] = '0';
    fr->digits_len = 1;
    fr->is_object = unsafe_yyjson_get_type(ctn) == YYJSON_TYPE_OBJ;
    return true;
}

static inline void increment_digits(table_frame *fr) { jf_digits_increment(fr->digits, &fr->digits_len); }

static bool is_explode_path(const jf_table *t) {
    return t->has_explode && !t->in_element && !t->exploded && t->path.text.len == t->explode.len &&
           memcmp(t->path.text.data, t->explode.data, t->explode.len) == 0;
}

/* One value at the current path, `level` containers deep: a joined array, a
 * leaf, or a container to walk (pushed). */
static inline __attribute__((always_inline)) void visit(jf_table *t, yyjson_val *val, uint32_t level) {
    if (is_explode_path(t)) {
        t->exploded = val;
        t->exploded_level = level;
        return;
    }
    bool array = unsafe_yyjson_get_type(val) == YYJSON_TYPE_ARR;
    if (t->join.len && array && all_scalars(val)) leaf(t, val, level, true);
    else if (descends(t, val, level)) push(t, val, level);
    else leaf(t, val, level, false);
}

/* Appends `.key` for a member whose key is an identifier without escapes in
 * js style (most keys), in line: what jf_path_key writes for it, without the
 * call and its style switch. False: jf_path_key must do it. */
static inline bool plain_key(jf_table *t, yyjson_val *key) {
    if (t->path.style != JF_STYLE_JS || unsafe_yyjson_get_tag(key) != (YYJSON_TYPE_STR | YYJSON_SUBTYPE_NOESC) ||
        t->path.replace_invalid)
        return false;
    const uint8_t *s = (const uint8_t *)unsafe_yyjson_get_str(key);
    size_t n = unsafe_yyjson_get_len(key);
    if (!jf_path_is_identifier(s, n) || !jf_buf_reserve(&t->path.text, n + 1)) return false;
    uint8_t *at = t->path.text.data + t->path.text.len;
    *at = '.';
    at += t->path.text.len != 0;
    jf_copy(at, s, n);
    t->path.text.len = (size_t)(at + n - t->path.text.data);
    return true;
}

/* Walks `val` (at the current path, `level` containers deep) to its leaves.
 * `root`: a document's root container is always walked, as flatten does. */
static void walk(jf_table *t, yyjson_val *val, uint32_t level, bool root) {
    size_t bottom = t->depth;
    bool joined = t->join.len && unsafe_yyjson_get_type(val) == YYJSON_TYPE_ARR && all_scalars(val);
    if (root && !joined && unsafe_yyjson_is_ctn(val) && unsafe_yyjson_get_len(val) > 0) push(t, val, level);
    else visit(t, val, level);
    while (t->depth > bottom && !t->too_deep && !t->oom) {
        table_frame *fr = &t->stack[t->depth - 1];
        if (fr->remaining == 0) {
            t->depth--;
            continue;
        }
        fr->remaining--;
        t->path.text.len = fr->path_len;
        yyjson_val *child = fr->next;
        if (fr->is_object) {
            if (!plain_key(t, child)) jf_path_key(&t->path, child);
            child++;
        } else {
            if (t->path.style == JF_STYLE_JS) jf_path_index_js(&t->path, fr->digits, fr->digits_len);
            else jf_path_index_digits(&t->path, fr->digits, fr->digits_len);
            increment_digits(fr);
        }
        fr->next = unsafe_yyjson_get_next(child);
        visit(t, child, fr->level);
    }
    t->depth = bottom;
    if (t->path.text.failed || t->path.scratch.failed || t->extra.failed) t->oom = true;
}

/*------------------------------------------------------------------------------
 * One document: its rows
 *----------------------------------------------------------------------------*/

static void next_row(jf_table *t) {
    t->row++;
    t->extra.len = 0;
    t->exploded = NULL;
    t->in_element = false;
    t->unknown_hit = false;
    for (size_t k = 0; k < t->nset; k++) t->bits[t->set[k] >> 6] = 0;
    t->nset = t->element_mark = 0;
    t->depth = 0;
    t->path.text.len = 0;
}

/* Unsets the cells an exploded element set, keeping the document's own. */
static void clear_element(jf_table *t) {
    for (size_t k = t->element_mark; k < t->nset; k++) {
        uint32_t c = t->set[k];
        t->cells[c].row = 0;
        t->bits[c >> 6] &= ~(1ull << (c & 63));
    }
    t->nset = t->element_mark;
}

/* One row per element of the exploded array (one row with its cells empty
 * when the array is empty or missing; a value that is not an array is one
 * element). The other columns repeat. */
static void write_exploded(jf_table *t, jf_buf *out, bool emit) {
    yyjson_val *arr = t->exploded;
    bool is_array = arr && unsafe_yyjson_get_type(arr) == YYJSON_TYPE_ARR;
    size_t n = !arr ? 0 : is_array ? unsafe_yyjson_get_len(arr) : 1;
    if (n == 0) {
        write_row(t, out, emit);
        return;
    }
    size_t base_extra = t->extra.len;
    uint32_t level = is_array ? t->exploded_level + 1 : t->exploded_level;
    yyjson_val *e = is_array ? unsafe_yyjson_get_first(arr) : arr;
    t->in_element = true;
    t->element_mark = t->nset;
    for (size_t i = 0; i < n && !t->too_deep && !t->oom && !t->unknown_hit; i++, e = unsafe_yyjson_get_next(e)) {
        t->path.text.len = 0;
        jf_buf_put(&t->path.text, t->explode.data, t->explode.len);
        walk(t, e, level, false);
        if (t->unknown_hit || t->too_deep || t->oom) break;
        write_row(t, out, emit);
        clear_element(t);
        t->extra.len = base_extra;
    }
    clear_element(t);
}

/* Rows of one parsed document appended to `out`; false with `err` filled
 * (offset relative to the document) and `out` as it was. */
static bool table_rows(jf_table *t, yyjson_doc *doc, const uint8_t *input, size_t length, jf_buf *out, bool emit,
                       jf_error *err) {
    size_t mark = out->len;
    next_row(t);
    yyjson_val *root = yyjson_doc_get_root(doc);
    bool records = t->records && unsafe_yyjson_get_type(root) == YYJSON_TYPE_ARR;
    if (records) {
        t->exploded = root;
        t->exploded_level = 0;
    } else {
        walk(t, root, 0, true);
    }
    if (!t->too_deep && !t->oom && !t->unknown_hit && (!t->discover || t->spool)) {
        if (t->has_explode || records) write_exploded(t, out, emit);
        else write_row(t, out, emit);
    } else if (t->discover && !t->spool && (t->has_explode || records) && !t->too_deep && !t->oom) {
        write_exploded(t, out, emit); /* discovers the element paths; rows are dropped below */
        out->len = mark;
    }
    if (t->too_deep) {
        jf_set_nesting_error(err, input, length, t->cfg.max_nesting);
    } else if (t->oom || out->failed || t->scratch.failed || t->extra.failed) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while writing a row of %zu bytes", length);
    } else if (t->unknown_hit) {
        int shown = t->unknown_path.len > 160 ? 160 : (int)t->unknown_path.len;
        jf_set_error(err, JF_SHAPE_MISMATCH, NULL, 0, 0, "the path \"%.*s%s\" is not a column of the table", shown,
                     (const char *)t->unknown_path.data, shown < (int)t->unknown_path.len ? "..." : "");
    } else {
        return true;
    }
    out->len = mark;
    return false;
}

/*------------------------------------------------------------------------------
 * The table as a sink of the line engine
 *----------------------------------------------------------------------------*/

typedef struct table_sink {
    jf_table *t;
    bool      emit;
} table_sink;

static bool table_line(void *ctx, const uint8_t *doc, size_t len, uint64_t line, jf_buf *out, jf_error *err) {
    (void)line;
    table_sink *s = ctx;
    yyjson_doc *parsed = jf_parser_read(&s->t->parser, doc, len, &s->t->cfg, err);
    if (!parsed) return false;
    bool ok = table_rows(s->t, parsed, doc, len, out, s->emit, err);
    yyjson_doc_free(parsed);
    return ok;
}

/* emit: a row of empty cells with the error record (the SPEC error fields as
 * a JSON object) in the `_error` column. */
static void table_bad_line(void *ctx, const jf_error *err, uint64_t line, jf_on_error mode, jf_buf *out) {
    table_sink *s = ctx;
    if (mode != JF_ON_ERROR_EMIT || (s->t->discover && !s->t->spool)) return;
    s->t->extra.len = 0; /* what the bad line's walk may have collected */
    if (s->t->spool) { /* no set cell */
        spool_close(s->t, out, spool_open(out), err, line);
        return;
    }
    if (s->t->ncols) put_separators(s->t, out, s->t->ncols - 1);
    write_trailing(s->t, out, true, err, line);
    end_row(s->t, out);
}

/* Discover's output: every column so far as a JSON array of path strings,
 * and whether a path was met twice in one row. */
static void write_columns(const jf_table *t, jf_buf *out) {
    jf_buf_lit(out, "{\"columns\":[");
    for (size_t c = 0; c < t->ncols; c++) {
        if (c) jf_buf_byte(out, ',');
        jf_buf_byte(out, '"');
        jf_buf_put(out, t->keys.data + t->cols[c].key_off, t->cols[c].key_len);
        jf_buf_byte(out, '"');
    }
    if (t->duplicates) jf_buf_lit(out, "],\"duplicates\":true}\n");
    else jf_buf_lit(out, "],\"duplicates\":false}\n");
}

JF_API uint8_t *jf_table_lines(jf_table *table, const uint8_t *input, size_t length, const jf_lines_options *lines,
                               jf_lines_result *result) {
    static const jf_lines_options defaults;
    if (!result) return NULL;
    memset(result, 0, sizeof(*result));
    if (!table) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0, "table is NULL");
        return NULL;
    }
    if (!lines) lines = &defaults;
    if (lines->on_error > JF_ON_ERROR_EMIT || lines->reserved || (!input && length)) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0,
                     "invalid option: on_error must be 0, 1 or 2, reserved 0 and input not NULL");
        return NULL;
    }
    jf_buf out;
    jf_buf_init(&out, table->discover && !table->spool ? 256 : length + length / 2 + 256);
    table_sink sink_ctx = { table, lines->on_error == JF_ON_ERROR_EMIT };
    if (table->header && !table->header_done && !table->discover) {
        write_header(table, &out, sink_ctx.emit);
        table->header_done = true;
    }
    jf_line_sink sink = { .ctx = &sink_ctx, .document = table_line, .bad_line = table_bad_line, .stopped = NULL };
    uint64_t leaves_before = table->leaves;
    bool ok = jf_lines_each(input, length, lines, &sink, &out, result);
    if (ok && table->discover) {
        size_t at = out.len;
        write_columns(table, &out);
        uint64_t n = out.len - at; /* a spool's records come first: the columns are found from the end */
        if (table->spool) jf_buf_put(&out, &n, sizeof n);
    }
    result->leaves = table->leaves - leaves_before;
    return jf_lines_finish(&out, ok, length, result);
}

/* A spool's records (see "The spool") as the rows the writing pass writes. */
JF_API uint8_t *jf_table_unspool(jf_table *table, const uint8_t *spool, size_t length, int emit_error,
                                 jf_result *result) {
    bool emit = emit_error != 0;
    if (!result) return NULL;
    jf_clear_result(result);
    if (!table || table->discover || (!spool && length)) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0, "table is NULL or discovers, or spool is NULL");
        return NULL;
    }
    jf_buf out;
    jf_buf_init(&out, length + length / 8 + 256);
    if (table->header && !table->header_done) {
        write_header(table, &out, emit);
        table->header_done = true;
    }
    const uint8_t sep = table->tsv ? '\t' : ',';
    bool extra = table->unknown == UNKNOWN_EXTRA, ok = true;
    for (size_t at = 0; at < length && ok && !out.failed;) {
        uint64_t h[3];
        size_t left = length - at;
        if (left < SPOOL_HEAD) {
            ok = false;
            break;
        }
        memcpy(h, spool + at, sizeof h);
        at += SPOOL_HEAD;
        left -= SPOOL_HEAD;
        ok = h[0] <= left && h[1] <= left - h[0] && h[2] <= left - h[0] - h[1] && (extra || !h[1]) && (emit || !h[2]);
        /* the set cells, the empty ones between them as separators (write_row's loop), into room reserved
         * once per row: the row is at most its cells, a separator per column and the trailing cells */
        if (!ok || !jf_buf_reserve(&out, h[0] + table->ncols + h[1] + h[2] + 4)) break;
        const uint8_t *p = spool + at, *end = p + h[0];
        uint8_t *o = out.data + out.len;
        uint64_t col = 0, gap, n;
        for (bool later = false; p < end; later = true) { /* a gap of 0 only before the first cell */
            ok = get_varint(&p, end, &gap) && get_varint(&p, end, &n) && gap < table->ncols - col && (gap || !later) &&
                 n <= (size_t)(end - p);
            if (!ok) break;
            memset(o, sep, gap);
            o += gap;
            col += gap;
            memcpy(o, p, n);
            o += n;
            p += n;
        }
        if (!ok) break;
        out.len = (size_t)(o - out.data);
        at += h[0];
        if (table->ncols) put_separators(table, &out, table->ncols - 1 - col);
        bool first = table->ncols == 0;
        if (extra) {
            if (!first) jf_buf_byte(&out, sep);
            first = false;
            jf_buf_put(&out, spool + at, h[1]);
        }
        at += h[1];
        if (emit) {
            if (!first) jf_buf_byte(&out, sep);
            jf_buf_put(&out, spool + at, h[2]);
        }
        at += h[2];
        end_row(table, &out);
    }
    if (!ok) jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0, "the spool is cut, or its table's columns differ");
    else if (out.failed || !jf_buf_reserve(&out, 1)) jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory writing %zu bytes of rows", length);
    if (result->error.code != JF_OK) {
        jf_buf_release(&out);
        return NULL;
    }
    return jf_buf_take(&out, &result->length);
}

JF_API uint8_t *jf_table_document(jf_table *table, const uint8_t *input, size_t length, jf_result *result) {
    if (!result) return NULL;
    jf_clear_result(result);
    if (!table || (!input && length) || table->spool) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0, "table or input is NULL, or the table spools (lines only)");
        return NULL;
    }
    if (!input) input = (const uint8_t *)"";
    jf_buf out;
    jf_buf_init(&out, length + 256);
    if (table->header && !table->header_done && !table->discover) {
        write_header(table, &out, false);
        table->header_done = true;
    }
    uint64_t leaves_before = table->leaves;
    yyjson_doc *doc = jf_parse(input, length, &table->cfg, &result->error);
    bool ok = doc && table_rows(table, doc, input, length, &out, false, &result->error);
    if (doc) yyjson_doc_free(doc);
    if (ok && result->error.code == JF_OK && table->discover) write_columns(table, &out);
    if (!ok && result->error.code == JF_SHAPE_MISMATCH) { /* a position for the front ends: the document's start */
        result->error.line = 1;
        result->error.column = 1;
    }
    result->leaves = table->leaves - leaves_before;
    if (!ok || out.failed) {
        if (ok) jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory writing %zu bytes", length);
        jf_buf_release(&out);
        return NULL;
    }
    jf_buf_reserve(&out, 1);
    return jf_buf_take(&out, &result->length);
}

/*------------------------------------------------------------------------------
 * Compiling a table from its spec
 *----------------------------------------------------------------------------*/

static bool spec_error(jf_error *err, const char *what) {
    jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0, "invalid table: %s", what);
    return false;
}

static bool spec_string(yyjson_val *v, const char *const *names, size_t count, uint8_t *out) {
    if (!yyjson_is_str(v)) return false;
    for (size_t i = 0; i < count; i++)
        if (yyjson_equals_str(v, names[i])) {
            *out = (uint8_t)i;
            return true;
        }
    return false;
}

static bool spec_columns(jf_table *t, yyjson_val *list, jf_error *err) {
    if (!yyjson_is_arr(list)) return spec_error(err, "columns must be an array of path strings");
    size_t i, n;
    yyjson_val *v;
    jf_buf key;
    jf_buf_init(&key, 64);
    bool ok = true;
    yyjson_arr_foreach(list, i, n, v) {
        if (!yyjson_is_str(v)) {
            ok = spec_error(err, "columns must be an array of path strings");
            break;
        }
        key.len = 0;
        jf_escape(&key, (const uint8_t *)yyjson_get_str(v), yyjson_get_len(v), true);
        if (key.failed) break;
        if (find_column(t, key.data, key.len) != SIZE_MAX) {
            jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0, "invalid table: the column \"%.160s\" is listed twice",
                         yyjson_get_str(v));
            ok = false;
            break;
        }
        if (!add_column(t, key.data, key.len, (const uint8_t *)yyjson_get_str(v), yyjson_get_len(v))) {
            key.failed = true;
            break;
        }
    }
    if (key.failed) ok = false, jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory compiling a table");
    jf_buf_release(&key);
    return ok;
}

static bool spec_field(jf_table *t, yyjson_val *key, yyjson_val *v, jf_error *err) {
    static const char *const formats[] = { "csv", "tsv" };
    static const char *const unknowns[] = { "extra", "error", "ignore" };
    static const char *const line_ends[] = { "lf", "crlf" };
    uint8_t pick = 0;
    if (yyjson_equals_str(key, "format")) {
        if (!spec_string(v, formats, 2, &pick)) return spec_error(err, "format must be \"csv\" or \"tsv\"");
        t->tsv = pick == 1;
    } else if (yyjson_equals_str(key, "unknown")) {
        if (!spec_string(v, unknowns, 3, &t->unknown)) return spec_error(err, "unknown must be \"extra\", \"error\" or \"ignore\"");
    } else if (yyjson_equals_str(key, "lineEnd")) {
        if (!spec_string(v, line_ends, 2, &pick)) return spec_error(err, "lineEnd must be \"lf\" or \"crlf\"");
        t->crlf = pick == 1;
    } else if (yyjson_equals_str(key, "header") || yyjson_equals_str(key, "discover") || yyjson_equals_str(key, "records") ||
               yyjson_equals_str(key, "spool")) {
        if (!yyjson_is_bool(v)) return spec_error(err, "header, discover, spool and records must be true or false");
        bool *flag = yyjson_equals_str(key, "header")     ? &t->header
                     : yyjson_equals_str(key, "discover") ? &t->discover
                     : yyjson_equals_str(key, "spool")    ? &t->spool
                                                          : &t->records;
        *flag = yyjson_get_bool(v);
    } else if (yyjson_equals_str(key, "join")) {
        if (!yyjson_is_str(v) || yyjson_get_len(v) == 0 || yyjson_get_len(v) > 32)
            return spec_error(err, "join must be a string of 1 to 32 bytes");
        t->join.len = 0;
        jf_buf_put(&t->join, yyjson_get_str(v), yyjson_get_len(v));
    } else if (yyjson_equals_str(key, "explode")) {
        if (!yyjson_is_str(v) || yyjson_get_len(v) == 0) return spec_error(err, "explode must be a non-empty path");
        t->explode.len = 0;
        jf_escape(&t->explode, (const uint8_t *)yyjson_get_str(v), yyjson_get_len(v), true);
        t->has_explode = true;
    } else if (yyjson_equals_str(key, "columns")) {
        return spec_columns(t, v, err);
    } else {
        jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0, "invalid table: unknown field \"%.64s\"", yyjson_get_str(key));
        return false;
    }
    return true;
}

static jf_table *table_new(const jf_config *cfg) {
    jf_table *t = jf_malloc(sizeof(*t));
    if (!t) return NULL;
    memset(t, 0, sizeof(*t));
    t->cfg = *cfg;
    t->cfg.mode = JF_MODE_LEAF;
    t->cfg.flags &= ~(uint32_t)(JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK); /* number text is kept exact */
    t->header = true;
    jf_path_init(&t->path, &t->cfg);
    t->values.flags = t->cfg.flags;
    t->values.max_nesting = t->cfg.max_nesting;
    jf_buf_init(&t->keys, 256);
    jf_buf_init(&t->names, 256);
    jf_buf_init(&t->extra, 0);
    jf_buf_init(&t->scratch, 256);
    jf_buf_init(&t->join, 0);
    jf_buf_init(&t->explode, 0);
    jf_buf_init(&t->unknown_path, 0);
    return t;
}

JF_API jf_table *jf_table_compile(const uint8_t *spec, size_t length, const jf_options *options, jf_error *error) {
    jf_error scratch;
    if (!error) error = &scratch;
    memset(error, 0, sizeof(*error));
    jf_config cfg;
    if (!jf_config_from(options, &cfg, error)) return NULL;
    if (!spec || !length) {
        spec_error(error, "the spec is empty");
        return NULL;
    }
    yyjson_read_err yerr;
    yyjson_doc *doc = yyjson_read_opts((char *)(uintptr_t)spec, length, 0, &jf_yyjson_alc, &yerr);
    if (!doc || !yyjson_is_obj(yyjson_doc_get_root(doc))) {
        yyjson_doc_free(doc);
        spec_error(error, "the spec must be a JSON object");
        return NULL;
    }
    jf_table *t = table_new(&cfg);
    bool ok = t != NULL;
    if (!t) jf_set_error(error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory compiling a table");
    size_t i, n;
    yyjson_val *key, *v;
    yyjson_obj_foreach(yyjson_doc_get_root(doc), i, n, key, v) {
        if (!ok) break;
        ok = spec_field(t, key, v, error);
    }
    yyjson_doc_free(doc);
    if (ok && (t->join.failed || t->explode.failed || t->path.text.failed)) {
        jf_set_error(error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory compiling a table");
        ok = false;
    }
    if (ok && t->spool) t->discover = true; /* a spool discovers too */
    if (ok && t->discover && t->ncols) ok = spec_error(error, "discover starts from no columns");
    if (!ok) {
        jf_table_free(t);
        return NULL;
    }
    return t;
}

JF_API void jf_table_free(jf_table *t) {
    if (!t) return;
    jf_free(t->cols);
    jf_free(t->cells);
    jf_free(t->slots);
    jf_free(t->stack);
    jf_free(t->set);
    jf_free(t->bits);
    jf_buf_release(&t->keys);
    jf_buf_release(&t->names);
    jf_buf_release(&t->extra);
    jf_buf_release(&t->scratch);
    jf_buf_release(&t->join);
    jf_buf_release(&t->explode);
    jf_buf_release(&t->unknown_path);
    jf_path_release(&t->path);
    jf_value_writer_release(&t->values);
    jf_parser_release(&t->parser);
    jf_free(t);
}
