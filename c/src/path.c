/*==============================================================================
 * path.c — path segments in the three styles of SPEC section 1.
 *============================================================================*/
#include "path.h"

void jf_path_init(jf_path *p, const jf_config *cfg) {
    jf_buf_init(&p->text, 256);
    jf_buf_init(&p->scratch, 0);
    jf_buf_init(&p->delimiter, 0);
    p->style = cfg->style;
    p->grouped = cfg->mode != JF_MODE_LEAF;
    p->replace_invalid = (cfg->flags & JF_FLAG_REPLACE_INVALID_UTF8) != 0;
    if (cfg->style == JF_STYLE_FLAT)
        jf_escape(&p->delimiter, (const uint8_t *)cfg->delimiter, cfg->delimiter_len, true);
}

void jf_path_release(jf_path *p) {
    jf_buf_release(&p->text);
    jf_buf_release(&p->scratch);
    jf_buf_release(&p->delimiter);
}

#define BYTES(b) (0x0101010101010101ull * (uint8_t)(b))

/* The high bit of each byte of `w` (all below 0x80) that lies in lo..hi:
 * no byte's sum carries into the next. */
static inline uint64_t bytes_in(uint64_t w, uint8_t lo, uint8_t hi) {
    return (w + BYTES(0x80 - lo)) & ~(w + BYTES(0x7F - hi)) & BYTES(0x80);
}

/* Whether all eight bytes may continue an identifier (A-Z a-z 0-9 _ $):
 * eight bytes per test instead of a table lookup each. */
static inline bool word_is_identifier(uint64_t w) {
    if (w & BYTES(0x80)) return false;
    uint64_t letter = bytes_in(w | BYTES(0x20), 'a', 'z'); /* | 0x20 folds A-Z onto a-z and nothing else onto it */
    uint64_t other = bytes_in(w, '0', '9') | bytes_in(w, '_', '_') | bytes_in(w, '$', '$');
    return (letter | other) == BYTES(0x80);
}

bool jf_path_is_identifier(const uint8_t *s, size_t n) {
    static const uint8_t kind[256] = {
        /* 1: may start an identifier, 2: may only continue one (the rest
         * are checked eight bytes at a time by word_is_identifier) */
        ['$'] = 1, ['_'] = 1,
        ['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2,
        ['5'] = 2, ['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2,
        ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
        ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
        ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
        ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
        ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
        ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
        ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
        ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
    };
    if (n == 0 || kind[s[0]] != 1) return false;
    uint64_t w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        if (!word_is_identifier(w)) return false;
    }
    if (i == n) return true;
    if (n >= 8) { /* the tail as the last eight bytes, overlapping what was checked */
        memcpy(&w, s + n - 8, 8);
    } else if (n >= 4) { /* two overlapping halves */
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        w = a | (uint64_t)b << 32;
    } else { /* 1 to 3 bytes, repeated to fill the word */
        uint64_t three = s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16;
        w = three | three << 24 | three << 48;
    }
    return word_is_identifier(w);
}

/* Appends `s` escaped for output; plain ASCII keys without escapes are
 * copied as they are. */
static void put_escaped(jf_path *p, const uint8_t *s, size_t n, bool plain) {
    if (plain) jf_buf_put(&p->text, s, n);
    else jf_escape(&p->text, s, n, p->replace_invalid);
}

static void js_key(jf_path *p, const uint8_t *s, size_t n, bool plain) {
    if (jf_path_is_identifier(s, n)) {
        if (p->text.len) jf_buf_byte(&p->text, '.');
        jf_buf_put(&p->text, s, n);
        return;
    }
    /* ["k"]: the key as a JSON string, then that text escaped for output. */
    jf_buf_lit(&p->text, "[\\\"");
    if (plain) {
        jf_buf_put(&p->text, s, n);
    } else {
        p->scratch.len = 0;
        jf_escape(&p->scratch, s, n, p->replace_invalid);
        jf_escape(&p->text, p->scratch.data, p->scratch.len, false);
    }
    jf_buf_lit(&p->text, "\\\"]");
}

static void pointer_key(jf_path *p, const uint8_t *s, size_t n, bool plain) {
    jf_buf_byte(&p->text, '/');
    if (!memchr(s, '~', n) && !memchr(s, '/', n)) {
        put_escaped(p, s, n, plain);
        return;
    }
    p->scratch.len = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '~') jf_buf_lit(&p->scratch, "~0");
        else if (s[i] == '/') jf_buf_lit(&p->scratch, "~1");
        else jf_buf_byte(&p->scratch, s[i]);
    }
    put_escaped(p, p->scratch.data, p->scratch.len, plain);
}

static void flat_separator(jf_path *p) {
    /* As npm flat: a segment is joined only to a non-empty prefix. */
    if (p->text.len) jf_buf_put(&p->text, p->delimiter.data, p->delimiter.len);
}

void jf_path_key(jf_path *p, yyjson_val *key) {
    const uint8_t *s = (const uint8_t *)unsafe_yyjson_get_str(key);
    size_t n = unsafe_yyjson_get_len(key);
    bool plain = unsafe_yyjson_get_subtype(key) == YYJSON_SUBTYPE_NOESC && !p->replace_invalid;
    switch (p->style) {
    case JF_STYLE_JS: js_key(p, s, n, plain); return;
    case JF_STYLE_POINTER: pointer_key(p, s, n, plain); return;
    case JF_STYLE_FLAT:
        flat_separator(p);
        put_escaped(p, s, n, plain);
        return;
    }
}

void jf_path_index_digits(jf_path *p, const char *digits, size_t len) {
    switch (p->style) {
    case JF_STYLE_JS:
        if (p->grouped) {
            jf_buf_lit(&p->text, "[]");
        } else {
            if (!jf_buf_reserve(&p->text, len + 2)) return;
            uint8_t *at = p->text.data + p->text.len;
            at[0] = '[';
            jf_copy(at + 1, (const uint8_t *)digits, len);
            at[len + 1] = ']';
            p->text.len += len + 2;
        }
        return;
    case JF_STYLE_POINTER:
        if (p->grouped) {
            jf_buf_lit(&p->text, "/[]");
        } else {
            jf_buf_byte(&p->text, '/');
            jf_buf_put(&p->text, digits, len);
        }
        return;
    case JF_STYLE_FLAT:
        if (p->grouped) return; /* grouped flat paths drop the index segment */
        flat_separator(p);
        jf_buf_put(&p->text, digits, len);
        return;
    }
}
