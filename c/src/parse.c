/*==============================================================================
 * parse.c — the one way a document is read: the BOM rule, yyjson with raw
 * numbers, the faults yyjson does not see (raw controls under the UTF-8
 * replacement flag, lone surrogate escapes), and a pooled parse for streams.
 *============================================================================*/
#include "internal.h"

#include <stdio.h>

size_t jf_bom_length(const uint8_t *input, size_t len) {
    return len >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF ? 3 : 0;
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
    size_t skip = jf_bom_length(input, len);
    yyjson_read_err yerr;
    /* Without YYJSON_READ_INSITU yyjson copies the input before parsing, so
     * casting away const never lets it write into the caller's bytes. */
    yyjson_doc *doc = yyjson_read_opts((char *)(uintptr_t)(input + skip), len - skip, read_flags(cfg),
                                       &jf_yyjson_alc, &yerr);
    if (!doc) return jf_parse_failed(input, len, skip, cfg, &yerr, err);
    return jf_reject_raw_control(doc, input, len, skip, cfg, err);
}

/*------------------------------------------------------------------------------
 * Pooled parse: documents up to JF_POOLED_PARSE_LIMIT bytes parse into one
 * reused block (yyjson's pool allocator), so a stream of small lines costs no
 * allocation per line. Larger ones use mimalloc directly: the pool's
 * worst-case estimate is several times the input.
 *----------------------------------------------------------------------------*/

#define JF_POOLED_PARSE_LIMIT ((size_t)1 << 20)

void jf_parser_release(jf_parser *parser) {
    jf_free(parser->block);
    parser->block = NULL;
    parser->size = 0;
}

yyjson_doc *jf_parser_read(jf_parser *parser, const uint8_t *input, size_t len, const jf_config *cfg, jf_error *err) {
    if (len > JF_POOLED_PARSE_LIMIT) return jf_parse(input, len, cfg, err);
    size_t skip = jf_bom_length(input, len);
    size_t need = yyjson_read_max_memory_usage(len - skip, read_flags(cfg)) + 64;
    if (need > parser->size) {
        uint8_t *block = jf_realloc(parser->block, need);
        if (!block) return jf_parse(input, len, cfg, err);
        parser->block = block;
        parser->size = need;
    }
    yyjson_alc alc;
    yyjson_alc_pool_init(&alc, parser->block, parser->size);
    yyjson_read_err yerr;
    yyjson_doc *doc = yyjson_read_opts((char *)(uintptr_t)(input + skip), len - skip, read_flags(cfg), &alc, &yerr);
    if (doc) return jf_reject_raw_control(doc, input, len, skip, cfg, err);
    /* yyjson's estimate is not an upper bound for every malformed input: let
     * the general allocator decide between a real error and a real OOM. */
    if (yerr.code == YYJSON_READ_ERROR_MEMORY_ALLOCATION) return jf_parse(input, len, cfg, err);
    return jf_parse_failed(input, len, skip, cfg, &yerr, err);
}
