/*==============================================================================
 * ndjson.c — jf_flatten_lines: a chunk of NDJSON lines (or Open Library TSV)
 * in, one flattened line per document out (SPEC section 8).
 *============================================================================*/
#include "internal.h"

#include <stdio.h>

bool jf_line_is_blank(const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return false;
    return true;
}

/* The `column`th tab-separated field of a line (1-based). */
bool jf_line_column(const jf_line_span *line, uint32_t column, const uint8_t **field, size_t *len) {
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

/* Moves an error found in one document (position relative to `doc`) to its
 * place in the file: NDJSON line number, file offset, column in the line. */
void jf_line_place_error(jf_error *err, const jf_line_span *line, const uint8_t *doc, uint64_t line_no,
                        uint64_t base_offset) {
    size_t in_line = (size_t)(doc - line->start) + (size_t)err->offset;
    if (in_line > line->len) in_line = line->len;
    uint32_t column = 1;
    for (size_t i = 0; i < in_line; i++)
        if ((line->start[i] & 0xC0) != 0x80) column++;
    err->offset = base_offset + line->offset + in_line;
    err->line = (uint32_t)(line_no > UINT32_MAX ? UINT32_MAX : line_no);
    err->column = column;
    /* The message's own "at line, column" named the document's position. */
    char *at = strstr(err->message, " at line ");
    if (at) *at = '\0';
    size_t n = strlen(err->message);
    snprintf(err->message + n, JF_MESSAGE_SIZE - n, " at line %llu, column %u",
             (unsigned long long)line_no, column);
}

static void emit_error(jf_buf *out, const jf_error *err, uint64_t line_no) {
    jf_buf_lit(out, "{\"error\":{\"code\":\"");
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
    jf_buf_lit(out, "},\"line\":");
    jf_buf_u64(out, line_no);
    jf_buf_lit(out, "}\n");
}

bool jf_lines_options_valid(const jf_lines_options *o, jf_error *err) {
    if (o->on_error > JF_ON_ERROR_EMIT || o->reserved) {
        jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0, "invalid option: on_error must be 0, 1 or 2 and reserved 0");
        return false;
    }
    return true;
}

/* Flattens one line; false only when the whole call must stop. */
static bool one_line(jf_flattener *fl, const jf_line_span *line, const jf_lines_options *o, uint64_t line_no,
                     bool bare, jf_buf *out, jf_lines_result *result) {
    const uint8_t *doc = line->start;
    size_t doc_len = line->len;
    jf_error err;
    memset(&err, 0, sizeof(err));
    bool ok;
    if (o->column && !jf_line_column(line, o->column, &doc, &doc_len)) {
        jf_set_error(&err, JF_INVALID_JSON, NULL, 0, 0, "the line has fewer than %u tab-separated fields", o->column);
        doc = line->start + line->len;
        err.offset = 0;
        ok = false;
    } else {
        ok = jf_flatten_document(fl, doc, doc_len, out, &err);
        if (ok && !bare) jf_buf_byte(out, '\n');
    }
    if (ok) {
        result->documents++;
        return true;
    }
    if (err.code == JF_OUT_OF_MEMORY) {
        result->error = err;
        return false;
    }
    jf_line_place_error(&err, line, doc, line_no, o->base_offset);
    if (o->on_error == JF_ON_ERROR_FAIL) {
        result->error = err;
        return false;
    }
    if (!result->errors++) result->error = err;
    if (o->on_error == JF_ON_ERROR_EMIT && !jf_flattener_is_schema(fl)) emit_error(out, &err, line_no);
    return true;
}

uint8_t *jf_lines_run(const uint8_t *input, size_t length, const jf_config *cfg, const jf_lines_options *lines,
                      jf_lines_result *result) {
    static const jf_lines_options default_lines;
    const jf_lines_options *o = lines ? lines : &default_lines;
    if (!jf_lines_options_valid(o, &result->error)) return NULL;
    if (!input && length) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0, "input is NULL");
        return NULL;
    }
    bool schema = cfg->mode == JF_MODE_SCHEMA;
    bool search = cfg->query != NULL;
    jf_flattener *fl = jf_flattener_new(cfg, true);
    jf_buf out;
    jf_buf_init(&out, search ? 4096 : length + length / 2 + 64);
    bool ok = fl != NULL && !out.failed;
    uint64_t line_no = o->first_line ? o->first_line : 1;
    size_t at = 0;
    while (ok && at < length && !(search && jf_flattener_stopped(fl))) {
        const uint8_t *nl = memchr(input + at, '\n', length - at);
        size_t end = nl ? (size_t)(nl - input) : length;
        jf_line_span line = { input + at, end - at, at };
        if (line.len && line.start[line.len - 1] == '\r') line.len--;
        if (search) jf_flattener_set_line(fl, line_no);
        if (!jf_line_is_blank(line.start, line.len)) ok = one_line(fl, &line, o, line_no, schema || search, &out, result);
        result->lines++;
        line_no++;
        at = nl ? end + 1 : length;
    }
    if (ok && schema) {
        jf_flattener_write_schema(fl, &out);
        jf_buf_byte(&out, '\n');
    }
    if (fl) {
        result->leaves = jf_flattener_leaves(fl);
        result->unsafe_integers = jf_flattener_unsafe_integers(fl);
    }
    jf_flattener_free(fl);
    if (ok && out.failed) ok = false;
    if (!ok) {
        if (!result->error.code)
            jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while flattening %zu bytes", length);
        jf_buf_release(&out);
        return NULL;
    }
    if (!jf_buf_reserve(&out, 1)) { /* a zero-length result still needs a block to hand over */
        jf_buf_release(&out);
        jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory");
        return NULL;
    }
    return jf_buf_take(&out, &result->length);
}

JF_API uint8_t *jf_flatten_lines(const uint8_t *input, size_t length, const jf_options *options,
                                 const jf_lines_options *lines, jf_lines_result *result) {
    if (!result) return NULL;
    memset(result, 0, sizeof(*result));
    jf_config cfg;
    if (!jf_config_from(options, &cfg, &result->error)) return NULL;
    return jf_lines_run(input, length, &cfg, lines, result);
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
