/*==============================================================================
 * split_scan.c — where to cut one document so that the elements of one of its
 * arrays can be flattened in parallel (jf_split_scan).
 *
 * A structural scan (strings, escapes and brackets; no values are parsed)
 * follows a path of member names from the root down to an array and, inside
 * it, notes every comma at the array's own depth where at least `range_bytes`
 * were passed since the last cut: its byte offset, the index of the element
 * after it, and its line and column. A range starts at its comma, so that a
 * fault there (a trailing comma) is read where the whole document reads it. The scan is a
 * hint, not a judge: every byte is still read by the doc stream that flattens
 * the range, and up to the first invalid byte of a document this scan and a
 * parser agree on every string and bracket, so every cut before it is a true
 * element boundary (see jf_doc_stream_resume for what follows after it).
 *============================================================================*/
#include "internal.h"

#include <assert.h>
#if defined(__SSE2__) && !defined(JF_SPLIT_SCAN_SWAR)
#include <emmintrin.h>
#endif

typedef struct split_scan {
    const uint8_t *doc;
    size_t         len;
    size_t         pos;
    size_t         depth;     /* containers open at `pos` */
    uint64_t       line;      /* line of `pos` (newlines counted outside strings) */
    size_t         line_start;
    size_t         counted;   /* code points of line `line` are counted up to here ... */
    uint64_t       column;    /* ... and are column - 1 */
} split_scan;

/* Counts the newline at `pos`. */
static void newline_at(split_scan *s) {
    s->line++;
    s->line_start = s->counted = s->pos + 1;
    s->column = 1;
}

/* Skips white space, counting newlines. */
static void skip_space(split_scan *s) {
    while (s->pos < s->len) {
        uint8_t c = s->doc[s->pos];
        if (c == '\n') {
            newline_at(s);
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        s->pos++;
    }
}

/* Whether any byte of `w` is `b` (the classic has-zero trick on w ^ b·0x01…). */
static inline uint64_t has_byte(uint64_t w, uint8_t b) {
    uint64_t x = w ^ (0x0101010101010101ull * b);
    return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

/* From the opening quote at `pos`: moves past the closing quote (or to the end). */
static void skip_string(split_scan *s) {
    size_t i = s->pos + 1;
    for (;;) {
        while (i + 8 <= s->len) {
            uint64_t w;
            memcpy(&w, s->doc + i, 8);
            if (has_byte(w, '"') | has_byte(w, '\\')) break;
            i += 8;
        }
        while (i < s->len && s->doc[i] != '"' && s->doc[i] != '\\') i++;
        if (i >= s->len) {
            s->pos = s->len;
            return;
        }
        if (s->doc[i] == '"') {
            s->pos = i + 1;
            return;
        }
        i += 2; /* a backslash and the byte it escapes */
    }
}

static bool ends_scalar(uint8_t c) {
    return c == ',' || c == ':' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Where the bytes that matter inside a container are in 64 bytes: bit i for byte i. */
typedef struct block_masks {
    uint64_t quote, backslash, open, close, newline;
} block_masks;

#if defined(__SSE2__) && !defined(JF_SPLIT_SCAN_SWAR)
static void masks_of(const uint8_t *p, block_masks *m) {
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), newline = _mm_set1_epi8('\n');
    const __m128i lower = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'), close = _mm_set1_epi8('}');
    *m = (block_masks){ 0 };
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        __m128i folded = _mm_or_si128(v, lower); /* '[' | 0x20 = '{', ']' | 0x20 = '}'; no other byte maps there */
        int shift = 16 * k;
        m->quote |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) << shift;
        m->backslash |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash)) << shift;
        m->newline |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)) << shift;
        m->open |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(folded, open)) << shift;
        m->close |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(folded, close)) << shift;
    }
}
#else
/* The high bit of each byte of `w` that equals `b`, exactly (no false hits from borrows). */
static inline uint64_t eq_bytes(uint64_t w, uint8_t b) {
    uint64_t x = w ^ (0x0101010101010101ull * b);
    return ~(((x & 0x7F7F7F7F7F7F7F7Full) + 0x7F7F7F7F7F7F7F7Full) | x) & 0x8080808080808080ull;
}

/* The eight high bits of `hits` (one per byte) as eight consecutive bits. */
static inline uint64_t gather(uint64_t hits) {
    return ((hits >> 7) * 0x0102040810204080ull) >> 56;
}

static void masks_of(const uint8_t *p, block_masks *m) {
    *m = (block_masks){ 0 };
    for (int k = 0; k < 8; k++) {
        uint64_t w;
        memcpy(&w, p + 8 * k, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w); /* byte 0 in the low bits, as bit 0 of the masks */
#endif
        uint64_t folded = w | 0x2020202020202020ull;
        int shift = 8 * k;
        m->quote |= gather(eq_bytes(w, '"')) << shift;
        m->backslash |= gather(eq_bytes(w, '\\')) << shift;
        m->newline |= gather(eq_bytes(w, '\n')) << shift;
        m->open |= gather(eq_bytes(folded, '{')) << shift;
        m->close |= gather(eq_bytes(folded, '}')) << shift;
    }
}
#endif

/* Each bit the XOR of itself and every bit below it. */
static inline uint64_t prefix_xor(uint64_t x) {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

/* The walk of a container's inside, 64 bytes at a time: whether the block
 * starts inside a string, and whether its first byte is escaped. */
typedef struct string_state {
    bool in_string;
    bool escaped;
} string_state;

/* The brackets and newlines of block `m` that are outside strings, as the
 * byte-at-a-time walk sees them: a quote outside a string opens one, inside a
 * string a backslash escapes the next byte and a quote closes it. Without a
 * backslash (the usual block) strings are the prefix XOR of the quotes; with
 * one, the quotes and backslashes are walked in order. Updates `st` to the
 * state after the block. */
static void outside_strings(const block_masks *m, string_state *st, uint64_t *brackets, uint64_t *newlines) {
    uint64_t inside;
    if (!m->backslash && !st->escaped) {
        inside = prefix_xor(m->quote) ^ (st->in_string ? ~0ull : 0); /* an opening quote counts as inside */
        st->in_string = inside >> 63;
    } else {
        inside = 0;
        uint64_t events = m->quote | m->backslash;
        bool in = st->in_string;
        uint64_t from = 0; /* inside strings from this bit on, while `in` */
        if (st->escaped) events &= ~1ull; /* escaped by the block before's last backslash */
        st->escaped = false;
        while (events) {
            int i = __builtin_ctzll(events);
            uint64_t bit = 1ull << i;
            events &= events - 1;
            if (!in) {
                if (m->quote & bit) {
                    in = true;
                    from = i;
                }
            } else if (m->backslash & bit) {
                if (i == 63) st->escaped = true;
                else events &= ~(bit << 1); /* the byte it escapes */
            } else { /* the closing quote */
                inside |= (bit - 1) & ~((1ull << from) - 1);
                in = false;
            }
        }
        if (in) inside |= ~((1ull << from) - 1);
        st->in_string = in;
    }
    *brackets = (m->open | m->close) & ~inside;
    *newlines = m->newline & ~inside;
}

/* Counts the newlines of `newlines` (outside strings, block at `at`). */
static void newlines_at(split_scan *s, size_t at, uint64_t newlines) {
    if (!newlines) return;
    s->line += (uint64_t)__builtin_popcountll(newlines);
    s->line_start = s->counted = at + (size_t)(63 - __builtin_clzll(newlines)) + 1;
    s->column = 1;
}

/* From just inside a container (`pos` past its bracket, depth counted):
 * moves past its closing bracket, or to the end of the bytes, counting
 * newlines outside strings. Brackets are not matched by kind (a hint). */
static void skip_container(split_scan *s, size_t base) {
    string_state st = { false, false };
    uint8_t tail[64];
    for (size_t at = s->pos; at < s->len; at += 64) {
        const uint8_t *p = s->doc + at;
        size_t valid = s->len - at;
        if (valid < 64) { /* the last bytes, padded with spaces (none of them matters) */
            memset(tail, ' ', sizeof tail);
            memcpy(tail, p, valid);
            p = tail;
        }
        block_masks m;
        masks_of(p, &m);
        uint64_t brackets, newlines;
        outside_strings(&m, &st, &brackets, &newlines);
        for (uint64_t left = brackets; left; left &= left - 1) {
            int i = __builtin_ctzll(left);
            uint64_t bit = 1ull << i;
            if (m.open & bit) {
                s->depth++;
            } else if (--s->depth == base) {
                newlines_at(s, at, newlines & (bit - 1));
                s->pos = at + (size_t)i + 1;
                return;
            }
        }
        newlines_at(s, at, newlines);
    }
    s->pos = s->len;
}

/* Moves past one value at `pos` (any kind; for text that is not JSON, past
 * something), counting newlines inside it. */
static void skip_value(split_scan *s) {
    size_t base = s->depth;
    if (s->pos >= s->len) return;
    uint8_t first = s->doc[s->pos];
    if (first == '"') {
        skip_string(s);
        return;
    }
    if (first != '[' && first != '{') { /* a scalar: up to the next delimiter */
        while (s->pos < s->len && !ends_scalar(s->doc[s->pos])) s->pos++;
        return;
    }
    s->depth++;
    s->pos++;
    skip_container(s, base);
}

/* Column of `pos`: code points from the line's start (lead bytes), each byte
 * counted once, eight at a time. */
static uint64_t column_at(split_scan *s) {
    size_t i = s->counted > s->line_start ? s->counted : s->line_start;
    size_t n = s->pos - i, continuation = 0;
    const uint8_t *p = s->doc + i;
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        uint64_t w;
        memcpy(&w, p + k, 8);
        continuation += (size_t)__builtin_popcountll(w & ~(w << 1) & 0x8080808080808080ull);
    }
    for (; k < n; k++) continuation += (p[k] & 0xC0) == 0x80;
    s->column += n - continuation;
    s->counted = s->pos;
    return s->column;
}

/* Whether the member name at `pos` (a string) is `key`; moves past it. */
static bool key_is(split_scan *s, yyjson_val *key) {
    size_t start = s->pos;
    skip_string(s);
    size_t n = s->pos - start;
    if (n < 2) return false;
    const uint8_t *raw = s->doc + start + 1;
    size_t raw_len = n - 2;
    if (!memchr(raw, '\\', raw_len))
        return raw_len == yyjson_get_len(key) && memcmp(raw, yyjson_get_str(key), raw_len) == 0;
    yyjson_doc *name = yyjson_read((const char *)s->doc + start, n, 0); /* escaped: compare the decoded name */
    bool same = name && yyjson_equals(yyjson_doc_get_root(name), key);
    yyjson_doc_free(name);
    return same;
}

/* Inside the object at `pos` ('{'), finds member `key` whose value starts
 * with `want` ('{' or '['); leaves `pos` on it. False when the object ends first. */
static bool find_member(split_scan *s, yyjson_val *key, uint8_t want) {
    size_t inside = ++s->depth;
    s->pos++;
    for (;;) {
        skip_space(s);
        if (s->pos >= s->len || s->doc[s->pos] != '"') return false;
        bool match = key_is(s, key);
        skip_space(s);
        if (s->pos >= s->len || s->doc[s->pos] != ':') return false;
        s->pos++;
        skip_space(s);
        if (s->pos >= s->len) return false;
        if (match && s->doc[s->pos] == want) return true;
        skip_value(s);
        if (s->depth != inside) return false;
        skip_space(s);
        if (s->pos >= s->len || s->doc[s->pos] != ',') return false;
        s->pos++;
    }
}

/* From `pos` inside the split array (just after its '[', or at one of its
 * commas when `index` > 0): counts its elements and writes a cut at each
 * comma at its depth that is `range_bytes` or more past the last cut (or
 * `pos`). `base` is the document offset of doc[0]. Stops at the array's ']'
 * or the end of the bytes. */
static void cut_elements(split_scan *s, uint64_t base, uint64_t index, uint64_t range_bytes, uint64_t *cuts,
                         size_t max_cuts, jf_split_plan *plan) {
    size_t inside = s->depth;
    size_t last_cut = s->pos;
    split_scan comma = { 0 }; /* the scan at the last comma seen (doc NULL: none yet) */
    uint64_t comma_index = 0;
    if (index > 0) s->pos++; /* past the comma the scan resumes at */
    skip_space(s);
    if (index == 0 && s->pos < s->len && s->doc[s->pos] == ']') {
        plan->close = base + s->pos;
        return;
    }
    while (s->pos < s->len) {
        skip_value(s);
        if (s->depth != inside) break;
        skip_space(s);
        if (s->pos >= s->len) break; /* the element may go on: counted by the next scan */
        index++;
        uint8_t c = s->doc[s->pos];
        if (c == ']') {
            plan->close = base + s->pos;
            break;
        }
        if (c != ',') break; /* not JSON: the ranges' own parse reports it */
        if (s->pos - last_cut >= range_bytes && plan->cuts < max_cuts) {
            uint64_t cut[4] = { base + s->pos, index, s->line, column_at(s) };
            memcpy(cuts + 4 * plan->cuts++, cut, sizeof cut);
            last_cut = s->pos;
        }
        /* The resume point is the last comma: its column is counted once, at the end (column_at
         * gives the same wherever it is called from on the line), not at every element. */
        comma = *s;
        comma_index = index;
        s->pos++;
        skip_space(s);
    }
    plan->elements = index;
    if (comma.doc) {
        uint64_t resume[4] = { base + comma.pos, comma_index, comma.line, column_at(&comma) };
        memcpy(plan->resume, resume, sizeof resume);
    }
}

/* The array at `keys` in doc[0..len), the document's first bytes: its opens, then its cuts. */
static void scan_from_start(split_scan *s, yyjson_val *keys, uint64_t range_bytes, uint64_t *cuts, size_t max_cuts,
                            jf_split_plan *plan) {
    s->pos = jf_bom_length(s->doc, s->len); /* a BOM is a column, as error.c counts it */
    skip_space(s);
    size_t count = yyjson_arr_size(keys);
    bool found = s->pos < s->len && s->doc[s->pos] == (count ? '{' : '[');
    size_t i, n;
    yyjson_val *key;
    yyjson_arr_foreach(keys, i, n, key) {
        if (!found) break;
        plan->opens[i] = s->pos;
        found = find_member(s, key, i + 1 < count ? '{' : '[');
    }
    if (!found) return;
    plan->opens[count] = s->pos;
    plan->found = 1;
    s->depth++;
    s->pos++;
    cut_elements(s, 0, 0, range_bytes, cuts, max_cuts, plan);
}

JF_API int32_t jf_split_scan(const uint8_t *doc, size_t length, const uint64_t *from, const uint8_t *path_json,
                             size_t path_length, uint64_t range_bytes, uint64_t *cuts, size_t max_cuts,
                             jf_split_plan *plan) {
    if (!plan) return false;
    memset(plan, 0, sizeof(*plan));
    plan->close = UINT64_MAX;
    if ((!doc && length) || (!from && !path_json) || (!cuts && max_cuts) || range_bytes == 0 ||
        (from && (from[1] == 0 || from[2] == 0 || from[3] == 0))) {
        jf_set_error(&plan->error, JF_INVALID_OPTION, NULL, 0, 0, "invalid split scan arguments");
        return false;
    }
    if (from) { /* doc[0] is the comma of cut `from` */
        split_scan s = { .doc = doc, .len = length, .depth = 1, .line = from[2], .column = from[3] };
        plan->found = 1;
        cut_elements(&s, from[0], from[1], range_bytes, cuts, max_cuts, plan);
        return true;
    }
    yyjson_doc *path = yyjson_read((const char *)path_json, path_length, 0);
    yyjson_val *keys = yyjson_doc_get_root(path);
    bool names = yyjson_is_arr(keys) && yyjson_arr_size(keys) <= JF_SPLIT_MAX_PATH;
    size_t i, n;
    yyjson_val *key;
    yyjson_arr_foreach(keys, i, n, key) names = names && yyjson_is_str(key);
    if (!names) {
        yyjson_doc_free(path);
        jf_set_error(&plan->error, JF_INVALID_OPTION, NULL, 0, 0,
                     "a split path is a JSON array of at most 16 member names");
        return false;
    }
    split_scan s = { .doc = doc, .len = length, .line = 1, .column = 1 };
    scan_from_start(&s, keys, range_bytes, cuts, max_cuts, plan);
    yyjson_doc_free(path);
    return true;
}
