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

/* Bytes the scan stops at inside a container: quotes, brackets, newlines. */
static const bool structural[256] = {
    ['"'] = true, ['['] = true, [']'] = true, ['{'] = true, ['}'] = true, ['\n'] = true,
};

static bool ends_scalar(uint8_t c) {
    return c == ',' || c == ':' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
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
    while (s->depth > base) {
        while (s->pos < s->len && !structural[s->doc[s->pos]]) s->pos++;
        if (s->pos >= s->len) return;
        switch (s->doc[s->pos]) {
        case '"': skip_string(s); continue;
        case '[':
        case '{': s->depth++; break;
        case ']':
        case '}': s->depth--; break;
        default: newline_at(s); break;
        }
        s->pos++;
    }
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
        uint64_t comma[4] = { base + s->pos, index, s->line, column_at(s) };
        memcpy(plan->resume, comma, sizeof comma);
        if (s->pos - last_cut >= range_bytes && plan->cuts < max_cuts) {
            memcpy(cuts + 4 * plan->cuts++, comma, sizeof comma);
            last_cut = s->pos;
        }
        s->pos++;
        skip_space(s);
    }
    plan->elements = index;
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
