/*==============================================================================
 * options.c — option validation and defaults: jf_options in, jf_config out.
 *============================================================================*/
#include "internal.h"

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
                                 JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK | JF_FLAG_SCHEMA_DETAIL |
                                 JF_FLAG_SHARED_HITS;
    if (o->mode > JF_MODE_SCHEMA) return invalid(err, "mode must be 0 (leaf), 1 (grouped) or 2 (schema)", o->mode);
    if (o->style > JF_STYLE_FLAT) return invalid(err, "style must be 0 (js), 1 (pointer) or 2 (flat)", o->style);
    if (o->format > JF_FORMAT_ENTRIES) return invalid(err, "format must be 0 (object) or 1 (entries)", o->format);
    if (o->flags & ~known_flags) return invalid(err, "unknown flag bits", o->flags);
    if ((o->flags & JF_FLAG_SCHEMA_DETAIL) && o->mode != JF_MODE_SCHEMA)
        return invalid(err, "JF_FLAG_SCHEMA_DETAIL needs mode 2 (schema)", o->mode);
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
