/*==============================================================================
 * internal.h — declarations shared by the library's own sources (not exported).
 *============================================================================*/
#ifndef JF_INTERNAL_H
#define JF_INTERNAL_H

#include "jsonflat.h"
#include "yyjson.h"

#include <stdbool.h>
#include <string.h>

#define JF_LIKELY(x)   __builtin_expect(!!(x), 1)
#define JF_UNLIKELY(x) __builtin_expect(!!(x), 0)

/*==============================================================================
 * Allocation (alloc.c): every byte goes through mimalloc and the live counters.
 *============================================================================*/

void *jf_malloc(size_t size);
void *jf_realloc(void *block, size_t size);
/* An allocator for yyjson that routes through jf_malloc/jf_realloc/jf_free. */
extern const yyjson_alc jf_yyjson_alc;

/*==============================================================================
 * Growable byte buffer (buffer.c).
 *
 * Appends never fail visibly: on allocation failure the buffer enters a
 * sticky failed state and later appends are no-ops; callers check
 * `jf_buf_failed` once at the end of a phase.
 *============================================================================*/

typedef struct jf_buf {
    uint8_t *data;
    size_t   len;
    size_t   cap;
    bool     failed;
} jf_buf;

void jf_buf_init(jf_buf *buf, size_t initial_capacity);
void jf_buf_release(jf_buf *buf);
/* Makes room for `extra` more bytes; false if the buffer failed. */
bool jf_buf_reserve_slow(jf_buf *buf, size_t extra);
/* Hands the bytes to the caller (who frees them with jf_free). */
uint8_t *jf_buf_take(jf_buf *buf, uint64_t *len);

static inline bool jf_buf_reserve(jf_buf *buf, size_t extra) {
    if (JF_LIKELY(buf->cap - buf->len >= extra)) return true;
    return jf_buf_reserve_slow(buf, extra);
}
/* Whether a[0..n) equals b[0..n), by whole words: paths and keys are
 * short, and a library call per lookup costs more than the compare. */
static inline bool jf_same_bytes(const uint8_t *a, const uint8_t *b, size_t n) {
    uint64_t x, y;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y) return false;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t p, q, r, u;
        memcpy(&p, a, 4);
        memcpy(&q, b, 4);
        memcpy(&r, a + n - 4, 4);
        memcpy(&u, b + n - 4, 4);
        return p == q && r == u;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}
/* memcpy for the short runs that dominate (keys, numbers, path segments):
 * overlapping fixed-size moves instead of a library call. */
static inline void jf_copy(uint8_t *dst, const uint8_t *src, size_t n) {
    if (n > 32) {
        memcpy(dst, src, n);
    } else if (n >= 16) {
        uint8_t a[16], b[16];
        memcpy(a, src, 16);
        memcpy(b, src + n - 16, 16);
        memcpy(dst, a, 16);
        memcpy(dst + n - 16, b, 16);
    } else if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, src, 8);
        memcpy(&b, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + n - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else if (n) {
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

static inline void jf_buf_put(jf_buf *buf, const void *src, size_t n) {
    if (n == 0 || !jf_buf_reserve(buf, n)) return; /* n == 0: src may be NULL */
    jf_copy(buf->data + buf->len, (const uint8_t *)src, n);
    buf->len += n;
}
static inline void jf_buf_byte(jf_buf *buf, uint8_t c) {
    if (!jf_buf_reserve(buf, 1)) return;
    buf->data[buf->len++] = c;
}
/* `lit` must be a string literal: sizeof gives its length. */
#define jf_buf_lit(buf, lit) jf_buf_put((buf), "" lit, sizeof(lit) - 1)
void jf_buf_u64(jf_buf *buf, uint64_t value);

/* Writes `s` escaped for the inside of a JSON string (no quotes), in the
 * canonical form: \" \\ \b \f \n \r \t, other controls as \u00xx, everything
 * else raw. With `replace_invalid`, invalid UTF-8 becomes U+FFFD. */
void jf_escape(jf_buf *buf, const uint8_t *s, size_t n, bool replace_invalid);

/*==============================================================================
 * Errors (error.c).
 *============================================================================*/

/* Fills `err` with `code`, a formatted message and, when input is given,
 * the line and column of `offset`. */
void jf_set_error(jf_error *err, jf_code code, const uint8_t *input, size_t input_len,
                  size_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/* Fills `err` from a yyjson read error; NESTING_TOO_DEEP instead when the
 * text nests deeper than `max_nesting` before the parse error. */
void jf_set_read_error(jf_error *err, const yyjson_read_err *yerr,
                       const uint8_t *input, size_t input_len, size_t base_offset, uint32_t max_nesting);
/* Offset of the first opening bracket nested deeper than `max_nesting`,
 * found by scanning the text (strings are skipped). */
size_t jf_find_nesting_offset(const uint8_t *input, size_t len, uint32_t max_nesting);
void jf_clear_result(jf_result *result);
/* NESTING_TOO_DEEP at the first bracket of `input` beyond `max_nesting`. */
void jf_set_nesting_error(jf_error *err, const uint8_t *input, size_t input_len, uint32_t max_nesting);

/*==============================================================================
 * Options (options.c).
 *============================================================================*/

typedef struct jf_config {
    jf_mode   mode;
    jf_style  style;
    jf_format format;
    uint32_t  flags;
    uint32_t  max_depth;   /* 0 = unlimited */
    uint32_t  max_nesting;
    const char *delimiter;
    size_t    delimiter_len;
    const struct jf_query *query; /* search: emit only the leaves it matches */
} jf_config;

/* Validates `options` (NULL = defaults); false with JF_INVALID_OPTION set. */
bool jf_config_from(const jf_options *options, jf_config *cfg, jf_error *err);
/* The common start of a one-document entry point: clears `result`, checks
 * the options and the input pointer; false with the error filled. */
bool jf_begin_call(const uint8_t *input, size_t length, const jf_options *options, jf_result *result, jf_config *cfg);

/*==============================================================================
 * Parsing (parse.c): the one way a document is read.
 *============================================================================*/

/* 3 when input starts with a UTF-8 byte order mark (skipped at the start of
 * every document, whatever the call), else 0. */
size_t jf_bom_length(const uint8_t *input, size_t len);
/* Parses `input` (skipping a UTF-8 BOM) with raw numbers; NULL with the
 * error filled on failure. Free the document with yyjson_doc_free. */
yyjson_doc *jf_parse(const uint8_t *input, size_t len, const jf_config *cfg, jf_error *err);
/* yyjson's YYJSON_READ_ALLOW_INVALID_UNICODE (our JF_FLAG_REPLACE_INVALID_UTF8)
 * also accepts raw control characters inside strings, which JSON forbids
 * whatever the UTF-8 policy: with that flag, frees `doc` and fails with
 * INVALID_JSON at the first one (input[skip..len) is what yyjson read).
 * Returns `doc` otherwise; NULL in, NULL out. */
yyjson_doc *jf_reject_raw_control(yyjson_doc *doc, const uint8_t *input, size_t len, size_t skip,
                                  const jf_config *cfg, jf_error *err);
/* The same rule for a failed parse: with that flag, moves `yerr` (a
 * position in input[skip..]) back to the first raw control character inside
 * a string before it, so errors come in document order. */
void jf_prefer_raw_control(const uint8_t *input, size_t skip, const jf_config *cfg, yyjson_read_err *yerr);
/* The one way to finish a failed yyjson read of input[skip..len) (`yerr` as
 * yyjson left it, its position relative to input + skip): an escaped lone
 * surrogate before the fault is the error (INVALID_JSON naming it), or with
 * JF_FLAG_REPLACE_INVALID_UTF8 each one becomes U+FFFD and the text is read
 * again (the document is returned when that succeeds); otherwise the raw
 * control rule above, then `err` filled. NULL with `err` filled on failure. */
yyjson_doc *jf_parse_failed(const uint8_t *input, size_t len, size_t skip, const jf_config *cfg,
                            yyjson_read_err *yerr, jf_error *err);

/* A reusable parse block for streams of documents: each document up to
 * 1 MiB parses into it without allocating; larger ones use jf_parse. Zero it
 * to start; one thread at a time. */
typedef struct jf_parser {
    uint8_t *block;
    size_t   size;
} jf_parser;
/* jf_parse through the parser's block. */
yyjson_doc *jf_parser_read(jf_parser *parser, const uint8_t *input, size_t len, const jf_config *cfg, jf_error *err);
void jf_parser_release(jf_parser *parser);

/*==============================================================================
 * Escaped lone surrogates (surrogate.c), which yyjson refuses under any flag.
 *============================================================================*/

/* Offset of the first "\uXXXX" escape inside a string of text[0..len) that
 * is a surrogate but not half of a pair, if it starts at or before `limit`;
 * len otherwise. Strings are found by their quotes from text[0], which is
 * right only up to the first fault a parser would report. */
size_t jf_find_lone_surrogate(const uint8_t *text, size_t len, size_t limit);
/* Rewrites every such escape in place as "\uFFFD" (same length, so offsets
 * keep their meaning); returns how many. */
size_t jf_replace_lone_surrogates(uint8_t *text, size_t len);

/*==============================================================================
 * Values (value.c): the canonical writer for one leaf or a whole subtree.
 *============================================================================*/

typedef struct jf_value_writer {
    jf_buf  *out;
    uint32_t flags;        /* JF_FLAG_* (UTF-8 replacement, big integers) */
    uint32_t max_nesting;
    uint64_t unsafe_integers;
    struct jf_frame_stack *stack; /* scratch for subtrees, lazily allocated */
} jf_value_writer;

/* True if the raw number text is an integer outside +-(2^53-1). */
bool jf_is_unsafe_integer(const char *raw, size_t len);
/* Writes `val` in compact canonical JSON. `depth` is the nesting depth of
 * `val` itself (root container = 1); false if the subtree nests deeper than
 * max_nesting. Returns true if it wrote an unsafe integer as a string via
 * *was_bigint (may be NULL). */
bool jf_write_value(jf_value_writer *w, yyjson_val *val, uint32_t depth, bool *was_bigint);
void jf_value_writer_release(jf_value_writer *w);
/* Whether the document nests deeper than `max` (root container = 1), found
 * without a walk; `ends`/`cap` are reusable scratch (free *ends). True also
 * when the scratch cannot grow: refuse rather than guess. */
bool jf_value_nests_deeper(yyjson_val *root, uint32_t max, yyjson_val ***ends, size_t *cap);
bool jf_nests_deeper(yyjson_doc *doc, uint32_t max, yyjson_val ***ends, size_t *cap);
/* Copies `s`, writing U+FFFD for each maximal invalid UTF-8 subsequence. */
void jf_put_replacing_invalid(jf_buf *buf, const uint8_t *s, size_t n);

/*==============================================================================
 * Queries (query.c).
 *============================================================================*/

/* One segment of the current path: a member name, or an index when key is NULL. */
typedef struct jf_segment_ref {
    yyjson_val *key;
    uint64_t    index;
} jf_segment_ref;

typedef struct jf_query jf_query;

/* The glob as an automaton (query.c): a state is a bit set of
 * jf_query_state_words(q) words (0 when the query has no path, and then no
 * state is needed). The walk keeps one per open container: the state before
 * any segment is jf_query_start(q), and jf_query_step derives a child's state
 * from its parent's and the child's segment in O(words), so matching never
 * costs glob segments x depth per leaf. */
size_t jf_query_state_words(const jf_query *q);
const uint64_t *jf_query_start(const jf_query *q);
void jf_query_step(const jf_query *q, const uint64_t *from, const jf_segment_ref *seg, uint64_t *to);
/* Whether a leaf whose path led to `state` (ignored without a path), with
 * short key `short_key` (NULL under an index) and value `value`, satisfies
 * every part of `q`. */
bool jf_query_matches(const jf_query *q, const uint64_t *state, yyjson_val *short_key, yyjson_val *value);
/* The query's limit on hits; 0 = none. */
uint64_t jf_query_limit(const jf_query *q);
/* Search's value equality (SPEC section 6): same JSON type, strings byte for
 * byte, numbers by exact decimal value, containers only when both empty. */
bool jf_values_equal(yyjson_val *want, yyjson_val *got);
/* A hash consistent with jf_values_equal (1, 1.0 and 10e-1 hash alike). */
uint64_t jf_value_hash(yyjson_val *val);

/*==============================================================================
 * One document at a time (flatten.c), reused across the lines of a stream.
 *============================================================================*/

typedef struct jf_flattener jf_flattener;

/* NULL when out of memory. The config is copied. `pooled`: parse small
 * documents into one reused block (for streams of many documents). */
jf_flattener *jf_flattener_new(const jf_config *cfg, bool pooled);
void jf_flattener_free(jf_flattener *fl);
/* Appends the flattened document to `out`. On failure `out` is left as it
 * was and `err` holds a position relative to `input`. */
bool jf_flatten_document(jf_flattener *fl, const uint8_t *input, size_t length, jf_buf *out, jf_error *err);
uint64_t jf_flattener_leaves(const jf_flattener *fl);
/* Search: the NDJSON line number written before each hit (0: none). */
void jf_flattener_set_line(jf_flattener *fl, uint64_t line);
/* Search: hits so far, and whether the query's limit stopped the walk. */
uint64_t jf_flattener_hits(const jf_flattener *fl);
bool jf_flattener_stopped(const jf_flattener *fl);

/* One document streamed in pieces (doc_stream.c drives these): begin writes
 * the opening bracket to `out` (every later call writes there too); member
 * and element set the path of the next child of the innermost open frame
 * (element does nothing at the root); open pushes a frame for a container
 * the caller reads child by child (only when may_open: within maxDepth,
 * arrays not kept whole, nesting within the limit); close pops it, writing
 * `empty` (a parsed [] or {}) as its leaf when it had no children; value
 * writes a child (or the root) read whole; end writes groups, the schema or
 * the closing bracket. False: too deep or out of memory (the caller re-reads
 * the text for the error). */
void jf_flattener_begin(jf_flattener *fl, jf_buf *out);
size_t jf_flattener_depth(const jf_flattener *fl);
void jf_flattener_member(jf_flattener *fl, yyjson_val *key);
void jf_flattener_element(jf_flattener *fl);
/* The open array's next element is `index`; `written` leaves came before it
 * (in another range of a split document: the next leaf is written after a ','). */
void jf_flattener_resume(jf_flattener *fl, uint64_t index, uint64_t written);
bool jf_flattener_may_open(const jf_flattener *fl, bool is_object);
bool jf_flattener_open(jf_flattener *fl, bool is_object);
bool jf_flattener_close(jf_flattener *fl, yyjson_val *empty);
bool jf_flattener_value(jf_flattener *fl, yyjson_doc *doc);
bool jf_flattener_end(jf_flattener *fl);

/* Schema mode: writes the schema of every document so far (SPEC section 4). */
void jf_flattener_write_schema(jf_flattener *fl, jf_buf *out);
uint64_t jf_flattener_unsafe_integers(const jf_flattener *fl);
/* jf_flatten_lines with a checked config (search sets its query on it);
 * flatten_lines.c. */
uint8_t *jf_flattener_lines(const uint8_t *input, size_t length, const jf_config *cfg, const jf_lines_options *lines,
                            jf_lines_result *result);

/*==============================================================================
 * The line engine (lines.c): every NDJSON entry point is jf_lines_each with
 * a sink that turns one document into output.
 *============================================================================*/

/* One line of a chunk, without its \n (and \r). */
typedef struct jf_line_span {
    const uint8_t *start;
    size_t         len;
    size_t         offset; /* of `start` in the chunk */
} jf_line_span;

typedef struct jf_line_sink {
    void *ctx;
    /* One document (a line, or its `column` field), numbered `line`: appends
     * its output to `out` and returns true, or returns false with `out` as it
     * was and `err` filled, its offset relative to `doc`. */
    bool (*document)(void *ctx, const uint8_t *doc, size_t len, uint64_t line, jf_buf *out, jf_error *err);
    /* Told of every bad line, `err` placed in the file (offset, line,
     * column); writes what the mode asks for. NULL: bad lines are only counted. */
    void (*bad_line)(void *ctx, const jf_error *err, uint64_t line, jf_on_error mode, jf_buf *out);
    /* Whether the sink wants no more lines (search's limit); NULL: never. */
    bool (*stopped)(void *ctx);
} jf_line_sink;

/* Whether a line holds only spaces, tabs and CR (skipped, but numbered). */
bool jf_line_is_blank(const uint8_t *s, size_t n);
/* Writes "code":"..","message":"..","offset":o,"line":n,"column":c (no
 * braces): the fields of an error everywhere the core writes one as JSON. */
void jf_write_error_fields(jf_buf *out, const jf_error *err, uint64_t line);
/* The bad_line of the flatten family: in emit mode writes the record
 * {"error":{"code","message","offset","line","column"},"line":n} and \n. */
void jf_line_record(void *ctx, const jf_error *err, uint64_t line, jf_on_error mode, jf_buf *out);
/* The common start of an NDJSON entry point: zeroes `result`, checks the
 * options, the line options (*lines NULL: the defaults, set here) and the
 * input; false with JF_INVALID_OPTION filled. */
bool jf_lines_begin(const uint8_t *input, size_t length, const jf_options *options, const jf_lines_options **lines,
                    jf_lines_result *result, jf_config *cfg);
/* Feeds every non-blank line of input[0..length) to `sink`, counting lines,
 * documents and errors into `result`. False when the call must fail: a bad
 * line in fail mode (result->error holds it) or out of memory. */
bool jf_lines_each(const uint8_t *input, size_t length, const jf_lines_options *lines, const jf_line_sink *sink,
                   jf_buf *out, jf_lines_result *result);
/* The common end: hands `out` over (a valid block even when empty) when
 * `ok` and the buffer did not fail; otherwise frees it and returns NULL with
 * result->error kept, or set to JF_OUT_OF_MEMORY. */
uint8_t *jf_lines_finish(jf_buf *out, bool ok, size_t length, jf_lines_result *result);

#endif /* JF_INTERNAL_H */
