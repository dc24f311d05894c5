/*==============================================================================
 * lines.c — the line engine: every NDJSON call (flatten, schema, search,
 * decode, unflatten) is this one loop with a per-document sink (SPEC section
 * 8). It owns splitting (LF, CRLF), the blank-line rule, the `column` field,
 * line numbers and file offsets, and onError fail/skip/emit; the sinks own
 * what one document becomes.
 *============================================================================*/
#include "internal.h"

bool jf_line_is_blank(const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return false;
    return true;
}

/* The `column`th tab-separated field of a line (1-based); false if absent. */
static bool column_field(const jf_line_span *line, uint32_t column, const uint8_t **field, size_t *len) {
    const uint8_t *s = line->start, *end = line->start + line->len;
    for (uint32_t c = 1; c < column; c++) {
        const uint8_t *tab = memchr(s, '\t', (size_t)(end - s));
        if (!tab) return false;
        s = tab + 1;
    }
    const uint8_t *tab = memchr(s, '\t', (size_t)(end - s));
    *field = s;
    *len = (size_t)((tab ? tab : end) - s);
    return true;
}

/* Moves an error found in `doc` (its offset relative to `doc`, a part of
 * `line`) to its place in the file: file offset, NDJSON line number, column
 * in code points from the start of the line. The message is left alone:
 * positions are fields. */
static void place_error(jf_error *err, const jf_line_span *line, const uint8_t *doc, uint64_t line_no,
                        uint64_t base_offset) {
    size_t in_line = (size_t)(doc - line->start) + (size_t)err->offset;
    if (in_line > line->len) in_line = line->len;
    uint32_t column = 1;
    for (size_t i = 0; i < in_line; i++)
        if ((line->start[i] & 0xC0) != 0x80) column++;
    err->offset = base_offset + line->offset + in_line;
    err->line = (uint32_t)(line_no > UINT32_MAX ? UINT32_MAX : line_no);
    err->column = column;
}

void jf_write_error_fields(jf_buf *out, const jf_error *err, uint64_t line_no) {
    jf_buf_lit(out, "\"code\":\"");
    const char *name = jf_code_name(err->code);
    jf_buf_put(out, name, strlen(name));
    jf_buf_lit(out, "\",\"message\":\"");
    jf_escape(out, (const uint8_t *)err->message, strlen(err->message), true);
    jf_buf_lit(out, "\",\"offset\":");
    jf_buf_u64(out, err->offset);
    jf_buf_lit(out, ",\"line\":");
    jf_buf_u64(out, line_no);
    jf_buf_lit(out, ",\"column\":");
    jf_buf_u64(out, err->column);
}

void jf_line_record(void *ctx, const jf_error *err, uint64_t line_no, jf_on_error mode, jf_buf *out) {
    (void)ctx;
    if (mode != JF_ON_ERROR_EMIT) return;
    jf_buf_lit(out, "{\"error\":{");
    jf_write_error_fields(out, err, line_no);
    jf_buf_lit(out, "},\"line\":");
    jf_buf_u64(out, line_no);
    jf_buf_lit(out, "}\n");
}

/* One non-blank line: false only when the whole call must stop. */
static bool one_line(const jf_line_span *line, uint64_t line_no, const jf_lines_options *o, const jf_line_sink *sink,
                     jf_buf *out, jf_lines_result *result) {
    const uint8_t *doc = line->start;
    size_t doc_len = line->len;
    jf_error err;
    memset(&err, 0, sizeof(err));
    if (o->column && !column_field(line, o->column, &doc, &doc_len)) {
        jf_set_error(&err, JF_INVALID_JSON, NULL, 0, 0, "the line has fewer than %u tab-separated fields", o->column);
        doc = line->start + line->len;
    } else if (sink->document(sink->ctx, doc, doc_len, line_no, out, &err)) {
        result->documents++;
        return true;
    }
    if (err.code == JF_OUT_OF_MEMORY) {
        result->error = err;
        return false;
    }
    place_error(&err, line, doc, line_no, o->base_offset);
    if (!result->errors++) result->error = err;
    if (sink->bad_line) sink->bad_line(sink->ctx, &err, line_no, (jf_on_error)o->on_error, out);
    if (o->on_error != JF_ON_ERROR_FAIL) return true;
    result->error = err;
    return false;
}

bool jf_lines_each(const uint8_t *input, size_t length, const jf_lines_options *o, const jf_line_sink *sink,
                   jf_buf *out, jf_lines_result *result) {
    uint64_t line_no = o->first_line ? o->first_line : 1;
    bool ok = true;
    for (size_t at = 0; ok && !out->failed && at < length && !(sink->stopped && sink->stopped(sink->ctx)); line_no++) {
        const uint8_t *nl = memchr(input + at, '\n', length - at);
        size_t end = nl ? (size_t)(nl - input) : length;
        jf_line_span line = { input + at, end - at, at };
        if (line.len && line.start[line.len - 1] == '\r') line.len--;
        if (!jf_line_is_blank(line.start, line.len)) ok = one_line(&line, line_no, o, sink, out, result);
        result->lines++;
        at = nl ? end + 1 : length;
    }
    return ok;
}

/*------------------------------------------------------------------------------
 * The start and end every NDJSON entry point shares
 *----------------------------------------------------------------------------*/

static const jf_lines_options default_lines;

bool jf_lines_begin(const uint8_t *input, size_t length, const jf_options *options, const jf_lines_options **lines,
                    jf_lines_result *result, jf_config *cfg) {
    memset(result, 0, sizeof(*result));
    if (!*lines) *lines = &default_lines;
    if (!jf_config_from(options, cfg, &result->error)) return false;
    if ((*lines)->on_error > JF_ON_ERROR_EMIT || (*lines)->reserved) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0,
                     "invalid option: on_error must be 0, 1 or 2 and reserved 0");
        return false;
    }
    if (!input && length) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0, "input is NULL");
        return false;
    }
    return true;
}

uint8_t *jf_lines_finish(jf_buf *out, bool ok, size_t length, jf_lines_result *result) {
    if (ok && !out->failed && jf_buf_reserve(out, 1)) /* a zero-length result still needs a block to hand over */
        return jf_buf_take(out, &result->length);
    jf_buf_release(out);
    /* ok here means no line stopped the call: the buffer ran out of memory. */
    if (ok || result->error.code == JF_OK)
        jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while reading %zu bytes of lines",
                     length);
    return NULL;
}

JF_API double jf_count_newlines(const uint8_t *input, size_t length) {
    if (!input) return 0; /* before `input + length`: NULL + 0 is undefined behaviour */
    uint64_t count = 0;
    const uint8_t *p = input, *end = input + length;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) break;
        count++;
        p = nl + 1;
    }
    return (double)count;
}
