/*==============================================================================
 * schema_detail.c — what schema mode adds under JF_FLAG_SCHEMA_DETAIL for
 * types generated from data (JSON Schema, TypeScript): in how many parent
 * containers a path was seen (a member seen in every instance of its parent
 * object is required) and a few short example values per path.
 *============================================================================*/
#include "groups.h"

#include <assert.h>

void jf_schema_seen_in(jf_group *g, uint64_t parent) {
    if (!parent || g->last_parent == parent) return; /* a duplicate member counts once per parent */
    g->last_parent = parent;
    g->present++;
}

static bool may_be_example(yyjson_val *val) {
    switch (unsafe_yyjson_get_type(val)) {
    case YYJSON_TYPE_STR: return unsafe_yyjson_get_len(val) + 2 <= JF_SCHEMA_EXAMPLE_MAX;
    case YYJSON_TYPE_RAW:
    case YYJSON_TYPE_BOOL: return true;
    default: return false; /* null says nothing; containers are described by their members */
    }
}

static bool already_kept(const jf_group *g, const uint8_t *text, size_t len) {
    size_t start = 0;
    for (uint8_t i = 0; i < g->examples; i++) {
        size_t end = g->example_end[i];
        if (end - start == len && memcmp(g->values.data + start, text, len) == 0) return true;
        start = end + 1; /* past the separating comma */
    }
    return false;
}

bool jf_schema_keep_example(jf_group *g, jf_value_writer *w, jf_buf *scratch, yyjson_val *val) {
    assert(g && w && scratch && val);
    if (g->examples == JF_SCHEMA_EXAMPLES || !may_be_example(val)) return true;
    scratch->len = 0;
    w->out = scratch;
    jf_write_value(w, val, 1, NULL); /* a scalar: never too deep */
    if (scratch->failed) return false;
    if (scratch->len > JF_SCHEMA_EXAMPLE_MAX || already_kept(g, scratch->data, scratch->len)) return true;
    if (g->examples) jf_buf_byte(&g->values, ',');
    jf_buf_put(&g->values, scratch->data, scratch->len);
    if (g->values.failed) return false;
    g->example_end[g->examples++] = (uint32_t)g->values.len;
    return true;
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
