/*==============================================================================
 * options.c — option validation, defaults and the one way we call yyjson.
 *============================================================================*/
#include "internal.h"

#include <stdio.h>

JF_API const char *jf_version(void) {
    return JF_VERSION_STRING;
}

JF_API void jf_options_init(jf_options *options) {
    if (options) memset(options, 0, sizeof(*options));
}

static bool invalid(jf_error *err, const char *what, uint32_t value) {
    jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0, "invalid option: %s (got %u)", what, value);
    return false;
}

bool jf_config_from(const jf_options *options, jf_config *cfg, jf_error *err) {
    static const jf_options defaults;
    const jf_options *o = options ? options : &defaults;
    const uint32_t known_flags = JF_FLAG_ARRAYS_LEAF | JF_FLAG_REPLACE_INVALID_UTF8 |
                                 JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK;
    if (o->mode > JF_MODE_SCHEMA) return invalid(err, "mode must be 0 (leaf), 1 (grouped) or 2 (schema)", o->mode);
    if (o->style > JF_STYLE_FLAT) return invalid(err, "style must be 0 (js), 1 (pointer) or 2 (flat)", o->style);
    if (o->format > JF_FORMAT_ENTRIES) return invalid(err, "format must be 0 (object) or 1 (entries)", o->format);
    if (o->flags & ~known_flags) return invalid(err, "unknown flag bits", o->flags);
    if (o->delimiter_len > JF_MAX_DELIMITER) return invalid(err, "delimiter is longer than 32 bytes", o->delimiter_len);
    if (o->reserved) return invalid(err, "reserved field must be 0", o->reserved);
    cfg->mode = (jf_mode)o->mode;
    cfg->style = (jf_style)o->style;
    cfg->format = (jf_format)o->format;
    cfg->flags = o->flags;
    cfg->max_depth = o->max_depth;
    cfg->max_nesting = o->max_nesting ? o->max_nesting : JF_DEFAULT_MAX_NESTING;
    cfg->delimiter = o->delimiter_len ? o->delimiter : ".";
    cfg->delimiter_len = o->delimiter_len ? o->delimiter_len : 1;
    cfg->query = NULL;
    return true;
}

bool jf_begin_call(const uint8_t *input, size_t length, const jf_options *options, jf_result *result, jf_config *cfg) {
    jf_clear_result(result);
    if (!jf_config_from(options, cfg, &result->error)) return false;
    if (!input && length) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0, "input is NULL");
        return false;
    }
    return true;
}

/* Offset of the first raw control character (below 0x20) inside a string of
 * a document yyjson accepted, or len if there is none. */
static size_t find_raw_control(const uint8_t *input, size_t len) {
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = input[i];
        if (in_string) {
            if (c < 0x20) return i;
            if (c == '\\') i++;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        }
    }
    return len;
}

void jf_prefer_raw_control(const uint8_t *input, size_t skip, const jf_config *cfg, yyjson_read_err *yerr) {
    if (!(cfg->flags & JF_FLAG_REPLACE_INVALID_UTF8) || yerr->code == YYJSON_READ_ERROR_MEMORY_ALLOCATION) return;
    size_t at = find_raw_control(input + skip, yerr->pos);
    if (at == yerr->pos) return;
    yerr->code = YYJSON_READ_ERROR_INVALID_STRING;
    yerr->msg = "unexpected control character in string";
    yerr->pos = at;
}

yyjson_doc *jf_reject_raw_control(yyjson_doc *doc, const uint8_t *input, size_t len, size_t skip,
                                  const jf_config *cfg, jf_error *err) {
    if (!doc || !(cfg->flags & JF_FLAG_REPLACE_INVALID_UTF8)) return doc;
    yyjson_read_err yerr = { YYJSON_READ_SUCCESS, NULL, len - skip };
    jf_prefer_raw_control(input, skip, cfg, &yerr);
    if (yerr.code == YYJSON_READ_SUCCESS) return doc;
    yyjson_doc_free(doc);
    jf_set_read_error(err, &yerr, input, len, skip, cfg->max_nesting);
    return NULL;
}

static yyjson_read_flag read_flags(const jf_config *cfg) {
    yyjson_read_flag flags = YYJSON_READ_NUMBER_AS_RAW;
    if (cfg->flags & JF_FLAG_REPLACE_INVALID_UTF8) flags |= YYJSON_READ_ALLOW_INVALID_UNICODE;
    return flags;
}

/* Fills err from yyjson's fault (a raw control character before it wins, as
 * in document order); always NULL, for the caller to return. */
static yyjson_doc *report_fault(const uint8_t *input, size_t len, size_t skip, const jf_config *cfg,
                                yyjson_read_err *yerr, jf_error *err) {
    jf_prefer_raw_control(input, skip, cfg, yerr);
    jf_set_read_error(err, yerr, input, len, skip, cfg->max_nesting);
    return NULL;
}

/* With replaceInvalidUtf8: reads a copy of input[skip..len) whose lone
 * surrogate escapes say \uFFFD. The copy has the same length, so a later
 * fault's offset is the caller's; yyjson copies its input (no INSITU), so the
 * document does not point into ours. */
static yyjson_doc *parse_replacing_surrogates(const uint8_t *input, size_t len, size_t skip,
                                              const jf_config *cfg, jf_error *err) {
    size_t n = len - skip;
    uint8_t *copy = jf_malloc(n ? n : 1);
    if (!copy) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while parsing %zu bytes", len);
        return NULL;
    }
    memcpy(copy, input + skip, n);
    jf_replace_lone_surrogates(copy, n);
    yyjson_read_err yerr;
    yyjson_doc *doc = yyjson_read_opts((char *)copy, n, read_flags(cfg), &jf_yyjson_alc, &yerr);
    jf_free(copy);
    if (doc) return jf_reject_raw_control(doc, input, len, skip, cfg, err);
    /* Every lone escape is gone, so this is another fault, at the same offset
     * in the caller's bytes. */
    return report_fault(input, len, skip, cfg, &yerr, err);
}

yyjson_doc *jf_parse_failed(const uint8_t *input, size_t len, size_t skip, const jf_config *cfg,
                            yyjson_read_err *yerr, jf_error *err) {
    if (yerr->code != YYJSON_READ_ERROR_MEMORY_ALLOCATION) {
        /* yyjson stops at the first fault it meets, so a lone escape at or
         * before its position is the first fault in document order. */
        size_t n = len - skip;
        size_t lone = jf_find_lone_surrogate(input + skip, n, yerr->pos);
        if (lone < n && (cfg->flags & JF_FLAG_REPLACE_INVALID_UTF8))
            return parse_replacing_surrogates(input, len, skip, cfg, err);
        if (lone < n) {
            char what[96];
            snprintf(what, sizeof what, "lone surrogate %.6s in string (replaceInvalidUtf8 writes U+FFFD)",
                     (const char *)input + skip + lone);
            yerr->code = YYJSON_READ_ERROR_INVALID_STRING;
            yerr->msg = what;
            yerr->pos = lone;
            jf_set_read_error(err, yerr, input, len, skip, cfg->max_nesting);
            return NULL;
        }
    }
    return report_fault(input, len, skip, cfg, yerr, err);
}

yyjson_doc *jf_parse(const uint8_t *input, size_t len, const jf_config *cfg, jf_error *err) {
    size_t skip = (len >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF) ? 3 : 0;
    yyjson_read_err yerr;
    /* Without YYJSON_READ_INSITU yyjson copies the input before parsing, so
     * casting away const never lets it write into the caller's bytes. */
    yyjson_doc *doc = yyjson_read_opts((char *)(uintptr_t)(input + skip), len - skip, read_flags(cfg),
                                       &jf_yyjson_alc, &yerr);
    if (!doc) return jf_parse_failed(input, len, skip, cfg, &yerr, err);
    return jf_reject_raw_control(doc, input, len, skip, cfg, err);
}
