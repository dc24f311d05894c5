/*==============================================================================
 * path.h — building paths segment by segment (internal).
 *
 * The path is kept already escaped for the inside of a JSON string, so a
 * leaf is written with one memcpy of the path. Escaping is per segment, and
 * the escape of a concatenation is the concatenation of the escapes.
 *============================================================================*/
#ifndef JF_PATH_H
#define JF_PATH_H

#include "internal.h"

typedef struct jf_path {
    jf_buf   text;      /* the current path, escaped for output */
    jf_buf   scratch;   /* a segment before its output escape */
    jf_buf   delimiter; /* flat style: the delimiter, escaped for output */
    jf_style style;
    bool     grouped;   /* indexes become [] (or vanish in flat style) */
    bool     replace_invalid;
} jf_path;

void jf_path_init(jf_path *p, const jf_config *cfg);
void jf_path_release(jf_path *p);
void jf_path_key(jf_path *p, yyjson_val *key);
/* `digits`: the index in decimal (the walk keeps it incrementally). */
void jf_path_index_digits(jf_path *p, const char *digits, size_t len);

#define JF_BYTES(b) (0x0101010101010101ull * (uint8_t)(b))

/* The high bit of each byte of `w` (all below 0x80) that lies in lo..hi:
 * no byte's sum carries into the next. */
static inline uint64_t jf_bytes_in(uint64_t w, uint8_t lo, uint8_t hi) {
    return (w + JF_BYTES(0x80 - lo)) & ~(w + JF_BYTES(0x7F - hi)) & JF_BYTES(0x80);
}

/* Whether all eight bytes may continue an identifier (A-Z a-z 0-9 _ $):
 * eight bytes per test instead of a table lookup each. */
static inline bool jf_word_is_identifier(uint64_t w) {
    if (w & JF_BYTES(0x80)) return false;
    uint64_t letter = jf_bytes_in(w | JF_BYTES(0x20), 'a', 'z'); /* | 0x20 folds A-Z onto a-z and nothing else onto it */
    uint64_t other = jf_bytes_in(w, '0', '9') | jf_bytes_in(w, '_', '_') | jf_bytes_in(w, '$', '$');
    return (letter | other) == JF_BYTES(0x80);
}

/* Whether a key is written as .key in js style (else ["key"]): a letter,
 * _ or $, then letters, digits, _ or $. Inline: the flatten walk asks it
 * for every member name. */
static inline bool jf_path_is_identifier(const uint8_t *s, size_t n) {
    if (n == 0) return false;
    uint8_t first = s[0];
    if (!((uint8_t)((first | 0x20) - 'a') < 26 || first == '_' || first == '$')) return false;
    uint64_t w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        if (!jf_word_is_identifier(w)) return false;
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
    return jf_word_is_identifier(w);
}

/* js style, leaf mode: appends [digits] from a 20-byte digit buffer of which
 * the first `len` are the index (the walk's frame): whole-word copies, no
 * dispatch on style. */
static inline void jf_path_index_js(jf_path *p, const char digits[20], size_t len) {
    if (!jf_buf_reserve(&p->text, 22)) return;
    uint8_t *at = p->text.data + p->text.len;
    at[0] = '[';
    memcpy(at + 1, digits, 8);
    if (len > 8) memcpy(at + 9, digits + 8, 12);
    at[len + 1] = ']';
    p->text.len += len + 2;
}

/* Adds one to the decimal `digits` of `*len` characters in place, growing by
 * one digit on 9…9 (the caller's buffer holds 20): no division per element. */
static inline void jf_digits_increment(char *digits, uint8_t *len) {
    int i = *len - 1;
    while (i >= 0 && digits[i] == '9') digits[i--] = '0';
    if (i >= 0) {
        digits[i]++;
        return;
    }
    memmove(digits + 1, digits, (*len)++);
    digits[0] = '1';
}

#endif
