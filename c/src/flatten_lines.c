/*==============================================================================
 * flatten_lines.c — jf_flatten_lines (flatten and schema) and, for search.c,
 * jf_flattener_lines: the flattener as a sink of the line engine (lines.c).
 *============================================================================*/
#include "internal.h"

typedef struct flatten_sink {
    jf_flattener *fl;
    bool          bare; /* schema and search write their own shapes: a schema at the end, a line per hit */
} flatten_sink;

static bool flatten_line(void *ctx, const uint8_t *doc, size_t len, uint64_t line, jf_buf *out, jf_error *err) {
    flatten_sink *fs = ctx;
    jf_flattener_set_line(fs->fl, line); /* search writes it before each hit */
    if (!jf_flatten_document(fs->fl, doc, len, out, err)) return false;
    if (!fs->bare) jf_buf_byte(out, '\n');
    return true;
}

static bool flattener_stopped(void *ctx) { return jf_flattener_stopped(((flatten_sink *)ctx)->fl); }

uint8_t *jf_flattener_lines(const uint8_t *input, size_t length, const jf_config *cfg, const jf_lines_options *lines,
                            jf_lines_result *result) {
    bool schema = cfg->mode == JF_MODE_SCHEMA;
    jf_flattener *fl = jf_flattener_new(cfg, true);
    jf_buf out;
    jf_buf_init(&out, cfg->query ? 4096 : length + length / 2 + 64);
    flatten_sink fs = { fl, schema || cfg->query };
    jf_line_sink sink = {
        .ctx = &fs,
        .document = flatten_line,
        .bad_line = schema ? NULL : jf_line_record, /* a schema counts bad lines, never writes them */
        .stopped = cfg->query ? flattener_stopped : NULL,
    };
    bool ok = fl && jf_lines_each(input, length, lines, &sink, &out, result);
    if (ok && schema) {
        jf_flattener_write_schema(fl, &out);
        jf_buf_byte(&out, '\n');
    }
    if (fl) {
        result->leaves = jf_flattener_leaves(fl);
        result->unsafe_integers = jf_flattener_unsafe_integers(fl);
    }
    jf_flattener_free(fl);
    return jf_lines_finish(&out, ok, length, result);
}

JF_API uint8_t *jf_flatten_lines(const uint8_t *input, size_t length, const jf_options *options,
                                 const jf_lines_options *lines, jf_lines_result *result) {
    jf_config cfg;
    if (!result || !jf_lines_begin(input, length, options, &lines, result, &cfg)) return NULL;
    return jf_flattener_lines(input, length, &cfg, lines, result);
}
