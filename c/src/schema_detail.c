/*==============================================================================
 * schema_detail.c — what schema mode adds under JF_FLAG_SCHEMA_DETAIL for
 * types generated from data (JSON Schema, TypeScript): in how many parent
 * containers a path was seen (a member seen in every instance of its parent
 * object is required) and a few short example values per path.
 *============================================================================*/
#include "groups.h"

#include <assert.h>

static bool may_be_example(yyjson_val *val) {
    switch (unsafe_yyjson_get_type(val)) {
    case YYJSON_TYPE_STR: return unsafe_yyjson_get_len(val) + 2 <= JF_SCHEMA_EXAMPLE_MAX;
    case YYJSON_TYPE_RAW:
    case YYJSON_TYPE_BOOL: return true;
    default: return false; /* null says nothing; containers are described by their members */
    }
}

/* Whether an example kept is `text` (within quotes when `quoted`). */
static bool already_kept(const jf_group *g, const uint8_t *text, size_t len, bool quoted) {
    size_t start = 0, q = quoted ? 1 : 0;
    for (uint8_t i = 0; i < g->examples; i++) {
        size_t end = g->example_end[i];
        const uint8_t *kept = g->values.data + start;
        if (end - start == len + 2 * q && memcmp(kept + q, text, len) == 0 && (!quoted || (kept[0] == '"' && kept[len + 1] == '"')))
            return true;
        start = end + 1; /* past the separating comma */
    }
    return false;
}

static bool keep(jf_group *g, const uint8_t *text, size_t len, bool quoted) {
    if (len + (quoted ? 2 : 0) > JF_SCHEMA_EXAMPLE_MAX || already_kept(g, text, len, quoted)) return true;
    if (g->examples) jf_buf_byte(&g->values, ',');
    if (quoted) jf_buf_byte(&g->values, '"');
    jf_buf_put(&g->values, text, len);
    if (quoted) jf_buf_byte(&g->values, '"');
    if (g->values.failed) return false;
    g->example_end[g->examples++] = (uint32_t)g->values.len;
    return true;
}

bool jf_schema_keep_example(jf_group *g, jf_value_writer *w, jf_buf *scratch, yyjson_val *val) {
    assert(g && w && scratch && val);
    if (g->examples == JF_SCHEMA_EXAMPLES || !may_be_example(val)) return true;
    /* A number's or an unescaped string's JSON text is its input text (as
     * jf_write_value writes it): compared and kept without writing it out,
     * as a path whose values repeat (a type tag) meets its examples again
     * on every document. */
    uint8_t type = unsafe_yyjson_get_type(val);
    if ((type == YYJSON_TYPE_RAW && !(w->flags & JF_FLAG_BIGINT_AS_STRING)) ||
        (type == YYJSON_TYPE_STR && unsafe_yyjson_get_subtype(val) == YYJSON_SUBTYPE_NOESC &&
         !(w->flags & JF_FLAG_REPLACE_INVALID_UTF8)))
        return keep(g, (const uint8_t *)unsafe_yyjson_get_str(val), unsafe_yyjson_get_len(val), type == YYJSON_TYPE_STR);
    scratch->len = 0;
    w->out = scratch;
    jf_write_value(w, val, 1, NULL); /* a scalar: never too deep */
    if (scratch->failed) return false;
    return keep(g, scratch->data, scratch->len, false);
}

void jf_schema_write_detail(jf_buf *out, const jf_group *g) {
    jf_buf_lit(out, ",\"present\":");
    jf_buf_u64(out, g->present);
    jf_buf_lit(out, ",\"examples\":[");
    size_t start = 0;
    for (uint8_t i = 0; i < g->examples; i++) {
        size_t end = g->example_end[i];
        if (i) jf_buf_byte(out, ',');
        jf_buf_byte(out, '"');
        jf_escape(out, g->values.data + start, end - start, false); /* our own output: valid UTF-8 */
        jf_buf_byte(out, '"');
        start = end + 1;
    }
    jf_buf_byte(out, ']');
}
