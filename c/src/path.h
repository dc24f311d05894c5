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

/* Whether a key is written as .key in js style (else ["key"]). */
bool jf_path_is_identifier(const uint8_t *s, size_t n);

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
