/*==============================================================================
 * error.c — positioned errors: codes, messages, byte offset to line/column.
 *============================================================================*/
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const code_names[] = {
    "OK", "INVALID_JSON", "NESTING_TOO_DEEP", "INPUT_TOO_LARGE", "INVALID_OPTION",
    "PATH_CONFLICT", "INVALID_PATH", "IO", "ABORTED", "TIMEOUT", "OUT_OF_MEMORY", "CORRUPT", "SHAPE_MISMATCH",
    "NOT_SUPPORTED",
};

JF_API const char *jf_code_name(int32_t code) {
    if (code < 0 || (size_t)code >= sizeof(code_names) / sizeof(code_names[0])) return "UNKNOWN";
    return code_names[code];
}

void jf_clear_result(jf_result *result) {
    memset(result, 0, sizeof(*result));
}

/* Lines are counted by LF; columns in code points (UTF-8 lead bytes), so an
 * editor's cursor lands on the reported character. */
static void locate(jf_error *err, const uint8_t *input, size_t len, size_t offset) {
    if (offset > len) offset = len;
    uint32_t line = 1;
    size_t line_start = 0;
    const uint8_t *p = input, *end = input + offset;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) break;
        line++;
        p = nl + 1;
        line_start = (size_t)(p - input);
    }
    uint32_t column = 1;
    for (size_t i = line_start; i < offset; i++)
        if ((input[i] & 0xC0) != 0x80) column++;
    err->line = line;
    err->column = column;
}

void jf_set_error(jf_error *err, jf_code code, const uint8_t *input, size_t input_len,
                  size_t offset, const char *fmt, ...) {
    err->code = code;
    err->offset = offset;
    err->line = err->column = 0;
    err->reserved = 0;
    if (input) locate(err, input, input_len, offset);
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(err->message, JF_MESSAGE_SIZE, fmt, args);
    va_end(args);
    if (n < 0) err->message[0] = '\0';
}

void jf_set_read_error(jf_error *err, const yyjson_read_err *yerr,
                       const uint8_t *input, size_t input_len, size_t base_offset, uint32_t max_nesting) {
    if (yerr->code == YYJSON_READ_ERROR_MEMORY_ALLOCATION) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while parsing %zu bytes", input_len);
        return;
    }
    /* Report faults in document order: a bracket beyond the limit comes first. */
    size_t fault = base_offset + yerr->pos;
    size_t deep = jf_find_nesting_offset(input, fault < input_len ? fault : input_len, max_nesting);
    if (deep < fault && deep < input_len) {
        jf_set_error(err, JF_NESTING_TOO_DEEP, input, input_len, deep, "nesting deeper than %u levels", max_nesting);
        return;
    }
    const char *what = yerr->msg ? yerr->msg : "invalid JSON";
    if (yerr->code == YYJSON_READ_ERROR_EMPTY_CONTENT) what = "empty input: expected a JSON value";
    jf_set_error(err, JF_INVALID_JSON, input, input_len, base_offset + yerr->pos, "invalid JSON: %s", what);
}

size_t jf_find_nesting_offset(const uint8_t *input, size_t len, uint32_t max_nesting) {
    uint32_t depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = input[i];
        if (in_string) {
            if (c == '\\') i++;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_nesting) return i;
        } else if (c == ']' || c == '}') {
            if (depth) depth--;
        }
    }
    return len;
}

void jf_set_nesting_error(jf_error *err, const uint8_t *input, size_t input_len, uint32_t max_nesting) {
    size_t at = jf_find_nesting_offset(input, input_len, max_nesting);
    jf_set_error(err, JF_NESTING_TOO_DEEP, input, input_len, at, "nesting deeper than %u levels", max_nesting);
}
