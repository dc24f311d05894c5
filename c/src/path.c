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
