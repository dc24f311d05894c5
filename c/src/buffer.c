/*==============================================================================
 * buffer.c — the growable output buffer and the canonical JSON string escaper.
 *============================================================================*/
#include "internal.h"

void jf_buf_init(jf_buf *buf, size_t initial_capacity) {
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->failed = false;
    if (initial_capacity) jf_buf_reserve_slow(buf, initial_capacity);
}

void jf_buf_release(jf_buf *buf) {
    jf_free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

bool jf_buf_reserve_slow(jf_buf *buf, size_t extra) {
    if (buf->failed) return false;
    if (buf->cap - buf->len >= extra) return true;
    if (extra > SIZE_MAX / 4 - buf->len) {
        buf->failed = true;
        return false;
    }
    size_t want = buf->len + extra;
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < want) cap = cap < ((size_t)1 << 30) ? cap * 2 : cap + cap / 2; /* 1.5x past 1 GiB */
    uint8_t *data = jf_realloc(buf->data, cap);
    if (!data) {
        buf->failed = true;
        return false;
    }
    buf->data = data;
    buf->cap = cap;
    return true;
}

uint8_t *jf_buf_take(jf_buf *buf, uint64_t *len) {
    uint8_t *data = buf->data;
    *len = buf->len;
    buf->data = NULL;
    buf->len = buf->cap = 0;
    return data;
}

void jf_buf_u64(jf_buf *buf, uint64_t value) {
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    if (!jf_buf_reserve(buf, (size_t)n)) return;
    while (n) buf->data[buf->len++] = (uint8_t)digits[--n];
}

/*------------------------------------------------------------------------------
 * Escaping
 *----------------------------------------------------------------------------*/

/* 0: copy as is; 1: needs an escape; 2: first byte of a non-ASCII sequence
 * (only inspected when invalid UTF-8 must be replaced). */
static const uint8_t escape_class[256] = {
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2, 2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,
    2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2, 2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,
    2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2, 2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,
    2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2, 2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,
};

static void put_escape(jf_buf *buf, uint8_t c) {
    static const char hex[] = "0123456789abcdef";
    uint8_t *p;
    switch (c) {
    case '"':  jf_buf_lit(buf, "\\\""); return;
    case '\\': jf_buf_lit(buf, "\\\\"); return;
    case '\b': jf_buf_lit(buf, "\\b"); return;
    case '\f': jf_buf_lit(buf, "\\f"); return;
    case '\n': jf_buf_lit(buf, "\\n"); return;
    case '\r': jf_buf_lit(buf, "\\r"); return;
    case '\t': jf_buf_lit(buf, "\\t"); return;
    default:
        if (!jf_buf_reserve(buf, 6)) return;
        p = buf->data + buf->len;
        memcpy(p, "\\u00", 4);
        p[4] = (uint8_t)hex[c >> 4];
        p[5] = (uint8_t)hex[c & 15];
        buf->len += 6;
    }
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if the bytes there do
 * not start one. Follows RFC 3629: no overlongs, no surrogates, <= U+10FFFF. */
static size_t utf8_sequence(const uint8_t *s, size_t n) {
    uint8_t c = s[0];
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[2] & 0xC0) != 0x80) return 0;
        uint8_t lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return (s[1] >= lo && s[1] <= hi) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
        uint8_t lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return (s[1] >= lo && s[1] <= hi) ? 4 : 0;
    }
    return 0;
}

/* Bytes to skip for one maximal invalid subsequence (WHATWG: a lead byte plus
 * the continuation bytes that could still have completed it). */
static size_t invalid_run(const uint8_t *s, size_t n) {
    uint8_t c = s[0];
    size_t need = (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 1;
    size_t i = 1;
    for (; i < need && i < n; i++) {
        uint8_t lo = 0x80, hi = 0xBF;
        if (i == 1) {
            if (c == 0xE0) lo = 0xA0;
            else if (c == 0xED) hi = 0x9F;
            else if (c == 0xF0) lo = 0x90;
            else if (c == 0xF4) hi = 0x8F;
        }
        if (s[i] < lo || s[i] > hi) break;
    }
    return i;
}

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Whether any byte of `w` needs a look: a control, '"', '\\', or (when
 * invalid UTF-8 must be replaced) any non-ASCII byte. Eight bytes per test. */
static inline bool word_needs_look(uint64_t w, bool non_ascii) {
    uint64_t controls = (w - ONES * 0x20) & ~w;
    uint64_t quote = w ^ (ONES * '"'), backslash = w ^ (ONES * '\\');
    uint64_t hits = controls | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash);
    return ((hits & HIGHS) | (non_ascii ? w & HIGHS : 0)) != 0;
}

void jf_escape(jf_buf *buf, const uint8_t *s, size_t n, bool replace_invalid) {
    size_t start = 0, i = 0;
    if (n == 0 || !jf_buf_reserve(buf, n)) return; /* n == 0: s may be NULL */
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (word_needs_look(w, replace_invalid)) break;
            i += 8;
        }
        if (i >= n) break;
        uint8_t cls = escape_class[s[i]];
        if (JF_LIKELY(cls == 0) || (cls == 2 && !replace_invalid)) {
            i++;
            continue;
        }
        if (cls == 2) {
            size_t seq = utf8_sequence(s + i, n - i);
            if (seq) {
                i += seq;
                continue;
            }
            jf_buf_put(buf, s + start, i - start);
            jf_buf_lit(buf, "\xEF\xBF\xBD");
            i += invalid_run(s + i, n - i);
            start = i;
            continue;
        }
        jf_buf_put(buf, s + start, i - start);
        put_escape(buf, s[i]);
        start = ++i;
    }
    jf_buf_put(buf, s + start, n - start);
}

void jf_put_replacing_invalid(jf_buf *buf, const uint8_t *s, size_t n) {
    size_t start = 0, i = 0;
    while (i < n) {
        size_t seq = s[i] < 0x80 ? 1 : utf8_sequence(s + i, n - i);
        if (seq) {
            i += seq;
            continue;
        }
        jf_buf_put(buf, s + start, i - start);
        jf_buf_lit(buf, "\xEF\xBF\xBD");
        i += invalid_run(s + i, n - i);
        start = i;
    }
    jf_buf_put(buf, s + start, n - start);
}
