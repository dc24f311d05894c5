/*==============================================================================
 * jsonpath.h — RFC 9535 JSONPath, shared by its compiler (jsonpath.c), its
 * evaluator (jsonpath_eval.c), its I-Regexp matcher (iregexp.c) and the
 * query object (query.c) that carries a compiled JSONPath.
 *
 * A compiled JSONPath is flat arrays indexed by number, never pointers into
 * one another, so the compiler can grow them freely:
 *   query   = a root (`$`) or current (`@`) identifier and a run of segments;
 *   segment = child or descendant, with a run of selectors;
 *   selector= name, wildcard, index, slice or filter (an expression);
 *   expr    = literal, query, function call, comparison, &&, ||, !.
 *============================================================================*/
#ifndef JF_JSONPATH_H
#define JF_JSONPATH_H

#include "internal.h"

/*------------------------------------------------------------------------------
 * I-Regexp (RFC 9485), iregexp.c: compiled to a Thompson NFA and run by
 * simulating every state at once, so matching costs O(pattern x text).
 *----------------------------------------------------------------------------*/

typedef struct jf_iregexp jf_iregexp;

/* NULL when `pattern` is not an I-Regexp or is over JF_JSONPATH_MAX_REGEX_BYTES
 * (then *why, if given, says what is wrong) or when out of memory. */
jf_iregexp *jf_iregexp_compile(const uint8_t *pattern, size_t len, const char **why);
void jf_iregexp_free(jf_iregexp *re);
/* Whether the whole of `text` matches (`whole`) or some substring does.
 * `text` is UTF-8; invalid sequences never match a character. Thread safe:
 * the scratch is the caller's stack or the heap, never the regexp. */
bool jf_iregexp_match(const jf_iregexp *re, const uint8_t *text, size_t len, bool whole);

/* General Category of a code point (iregexp_categories.c): two letters
 * ("Lu", "Nd", "Cn" for unassigned) as a 16-bit value ('L' << 8 | 'u'). */
uint16_t jf_unicode_category(uint32_t cp);

/*------------------------------------------------------------------------------
 * The compiled form
 *----------------------------------------------------------------------------*/

typedef enum { JP_SEL_NAME, JP_SEL_WILDCARD, JP_SEL_INDEX, JP_SEL_SLICE, JP_SEL_FILTER } jp_selector_kind;

/* Links between the parts: each part names the next of its run, so a
 * filter's own queries may be compiled in the middle of its parent's run. */
#define JP_NONE UINT32_MAX

typedef struct jp_selector {
    uint8_t  kind;
    uint32_t next;               /* the next selector of the segment, or JP_NONE */
    bool     has_start, has_end;
    size_t   name_off, name_len; /* JP_SEL_NAME: decoded bytes in jf_jsonpath.strings */
    int64_t  index;              /* JP_SEL_INDEX */
    int64_t  start, end, step;   /* JP_SEL_SLICE (step 1 when not written) */
    uint32_t filter;             /* JP_SEL_FILTER: an expression */
} jp_selector;

typedef struct jp_segment {
    bool     descendant;
    uint32_t first; /* selector */
    uint32_t next;  /* the next segment of the query, or JP_NONE */
} jp_segment;

typedef struct jp_query {
    bool     absolute; /* `$` rather than `@` */
    bool     singular; /* only single names and indexes: at most one node */
    uint32_t first;    /* segment, or JP_NONE for `$` / `@` alone */
} jp_query;

typedef enum { JP_EX_LITERAL, JP_EX_QUERY, JP_EX_FUNCTION, JP_EX_COMPARE, JP_EX_AND, JP_EX_OR, JP_EX_NOT } jp_expr_kind;
typedef enum { JP_OP_EQ, JP_OP_NE, JP_OP_LT, JP_OP_LE, JP_OP_GT, JP_OP_GE } jp_compare_op;
typedef enum { JP_FN_LENGTH, JP_FN_COUNT, JP_FN_MATCH, JP_FN_SEARCH, JP_FN_VALUE } jp_function;
typedef enum { JP_LIT_STRING, JP_LIT_NUMBER, JP_LIT_TRUE, JP_LIT_FALSE, JP_LIT_NULL } jp_literal_kind;

typedef struct jp_expr {
    uint8_t     kind;
    uint8_t     op;    /* JP_EX_COMPARE: jp_compare_op; JP_EX_FUNCTION: jp_function; JP_EX_LITERAL: jp_literal_kind */
    uint32_t    a, b;  /* operands (expressions); JP_EX_QUERY: a is the query; JP_EX_FUNCTION: a, b the arguments */
    size_t      text_off, text_len; /* JP_EX_LITERAL strings (decoded) and numbers (as written) */
    jf_iregexp *regex; /* match/search with a literal pattern: compiled once */
} jp_expr;

struct jf_jsonpath {
    jp_query    *queries;   /* queries[0] is the whole JSONPath */
    size_t       query_len, query_cap;
    jp_segment  *segments;
    size_t       segment_len, segment_cap;
    jp_selector *selectors;
    size_t       selector_len, selector_cap;
    jp_expr     *exprs;
    size_t       expr_len, expr_cap;
    jf_buf       strings;   /* decoded names and string literals, number texts */
};
typedef struct jf_jsonpath jf_jsonpath;

/* Compiles RFC 9535 JSONPath text; NULL with `err` filled (JF_INVALID_OPTION,
 * its offset, line and column placed in `text`; or JF_OUT_OF_MEMORY). */
jf_jsonpath *jf_jsonpath_compile(const uint8_t *text, size_t len, jf_error *err);
void jf_jsonpath_free(jf_jsonpath *jp);

/* Where the evaluator writes hits: `[line,"normalized path",value]\n` lines. */
typedef struct jf_jsonpath_sink {
    jf_buf          *out;
    jf_value_writer *values;
    uint64_t         line;     /* 0: no line number */
    uint64_t         limit;    /* 0: none */
    uint64_t         hits;     /* in: hits so far (across lines); out: updated */
    bool             replace_invalid;
    bool             shared;   /* JF_FLAG_SHARED_HITS: one array, containers shared (one document) */
} jf_jsonpath_sink;

/* Runs `jp` over `root` (a parsed document), writing its nodes in the RFC's
 * order. False with `err` filled when the evaluation goes over its step
 * budget (JF_INVALID_OPTION) or runs out of memory; `doc_values` (the
 * document's value count) sets the budget. */
bool jf_jsonpath_run(const jf_jsonpath *jp, yyjson_val *root, size_t doc_values, jf_jsonpath_sink *sink,
                     jf_error *err);

/* The query's JSONPath, or NULL (query.c). */
const jf_jsonpath *jf_query_jsonpath(const struct jf_query *q);

#endif /* JF_JSONPATH_H */
