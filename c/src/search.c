/*==============================================================================
 * search.c — jf_search and jf_search_lines: the flattener walking a document
 * (or every line, through the line engine) and writing only the leaves a
 * compiled query (query.c) matches (SPEC section 6).
 *============================================================================*/
#include "internal.h"

/*------------------------------------------------------------------------------
 * Entry points
 *----------------------------------------------------------------------------*/

/* Hits carry full paths: the walk runs in leaf mode with the query. */
static bool with_query(jf_config *cfg, const jf_query *query, jf_error *err) {
    if (!query) {
        jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0, "invalid query: NULL");
        return false;
    }
    cfg->mode = JF_MODE_LEAF;
    cfg->query = query;
    return true;
}

JF_API uint8_t *jf_search(const uint8_t *input, size_t length, const jf_query *query, const jf_options *options,
                          jf_result *result) {
    jf_config cfg;
    if (!result || !jf_begin_call(input, length, options, result, &cfg) ||
        !with_query(&cfg, query, &result->error))
        return NULL;
    jf_flattener *fl = jf_flattener_new(&cfg, false);
    jf_buf out;
    jf_buf_init(&out, 4096);
    bool ok = fl && !out.failed &&
              jf_flatten_document(fl, input ? input : (const uint8_t *)"", length, &out, &result->error);
    if (!fl || out.failed)
        jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while searching %zu bytes", length);
    if (fl) result->leaves = jf_flattener_hits(fl);
    jf_flattener_free(fl);
    if (!ok || out.failed) {
        jf_buf_release(&out);
        return NULL;
    }
    return jf_buf_take(&out, &result->length);
}

JF_API uint8_t *jf_search_lines(const uint8_t *input, size_t length, const jf_query *query,
                                const jf_options *options, const jf_lines_options *lines, jf_lines_result *result) {
    jf_config cfg;
    if (!result || !jf_lines_begin(input, length, options, &lines, result, &cfg) ||
        !with_query(&cfg, query, &result->error))
        return NULL;
    return jf_flattener_lines(input, length, &cfg, lines, result);
}
