/*==============================================================================
 * jsonflat.h — the whole C ABI of jsonflat.
 *
 * jsonflat flattens JSON documents into path/value form and back. Parsing is
 * done by yyjson, every allocation by a private copy of mimalloc (no malloc
 * override). Everything exported carries the `jf_` prefix; nothing else is
 * visible from the shared library.
 *
 * Conventions that hold for every function below:
 *  - Inputs are borrowed: (pointer, length) pairs are read during the call
 *    and never kept afterwards. Inputs need no NUL terminator and may contain
 *    NUL bytes.
 *  - Outputs are owned by the caller: a returned block was allocated by the
 *    library and must be released with `jf_free` (or handed to a garbage
 *    collector together with `jf_free_callback`). Never free it with libc's
 *    `free` or another allocator.
 *  - Errors are values: on failure a function returns NULL (or a non-zero
 *    code) and fills the caller's `jf_error` with code, message and position.
 *    No function aborts, longjmps, reads errno for its result or keeps global
 *    error state. A NULL error/result pointer is allowed where documented.
 *  - Nothing recurses on the C stack per nesting level: every tree walk keeps
 *    its own heap-allocated stack, so deep documents fail cleanly with
 *    JF_NESTING_TOO_DEEP instead of overflowing a 4 MiB worker stack.
 *  - Thread safety: every function is safe to call from any number of
 *    threads at once, on different inputs. The only shared state is the
 *    allocation counters, updated atomically.
 *============================================================================*/
#ifndef JSONFLAT_H
#define JSONFLAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#  define JF_API __declspec(dllexport)
#else
#  define JF_API __attribute__((visibility("default")))
#endif

/** Library version, kept in step with package.json. */
#define JF_VERSION_STRING "0.1.0"

/*==============================================================================
 * Error codes
 *============================================================================*/

/** Every status the library can report. The names match the `code` strings
 *  of the TypeScript `JsonFlatError` (`JF_INVALID_JSON` is "INVALID_JSON"). */
typedef enum jf_code {
    JF_OK               = 0,
    JF_INVALID_JSON     = 1,  /* malformed JSON, invalid UTF-8, wrong root type */
    JF_NESTING_TOO_DEEP = 2,  /* deeper than jf_options.max_nesting */
    JF_INPUT_TOO_LARGE  = 3,  /* input or output beyond what the library can address */
    JF_INVALID_OPTION   = 4,  /* an option value out of range */
    JF_PATH_CONFLICT    = 5,  /* unflatten: two paths claim one place */
    JF_INVALID_PATH     = 6,  /* unflatten: a path that does not parse in its style */
    JF_IO               = 7,  /* reserved for file-backed entry points */
    JF_ABORTED          = 8,  /* reserved for cancellable entry points */
    JF_TIMEOUT          = 9,  /* reserved for cancellable entry points */
    JF_OUT_OF_MEMORY    = 10  /* the allocator refused a request */
} jf_code;

/** Size of jf_error.message including its NUL terminator. */
#define JF_MESSAGE_SIZE 232

/** A positioned error, filled by the callee on failure.
 *  Layout is fixed (256 bytes) because TypeScript reads it through a
 *  DataView: code @0, line @4, column @8, offset @16, message @24. */
typedef struct jf_error {
    int32_t  code;      /* jf_code; JF_OK when there is no error */
    uint32_t line;      /* 1-based line of `offset` in the input (0 if unknown) */
    uint32_t column;    /* 1-based column of `offset`, counted in code points */
    uint32_t reserved;
    uint64_t offset;    /* 0-based byte offset in the input */
    char     message[JF_MESSAGE_SIZE]; /* NUL-terminated English sentence */
} jf_error;

/** Returns the upper-case name of a code ("INVALID_JSON"), or "UNKNOWN".
 *  The string is static. Thread safe. */
JF_API const char *jf_code_name(int32_t code);

/*==============================================================================
 * Options
 *============================================================================*/

/** What a flatten call emits. */
typedef enum jf_mode {
    JF_MODE_LEAF    = 0,  /* path -> value for every leaf (SPEC section 2) */
    JF_MODE_GROUPED = 1,  /* grouped path -> [values...] (SPEC section 3) */
    JF_MODE_SCHEMA  = 2   /* grouped path -> {"key","count","docs","types"} (SPEC
                             section 4); jf_flatten_lines merges every line of
                             the chunk into one schema */
} jf_mode;

/** How a path is spelled (SPEC section 1). */
typedef enum jf_style {
    JF_STYLE_JS      = 0, /* a.b["c d"][0] */
    JF_STYLE_POINTER = 1, /* /a/b/c d/0 (RFC 6901) */
    JF_STYLE_FLAT    = 2  /* a.b.c d.0, joined by the delimiter, unescaped */
} jf_style;

/** The JSON shape of a flatten result. */
typedef enum jf_format {
    JF_FORMAT_OBJECT  = 0, /* {"path":value,...} */
    JF_FORMAT_ENTRIES = 1  /* [["path",value],...] */
} jf_format;

/** Option bits for jf_options.flags. */
enum jf_flag {
    /* Keep arrays whole as leaf values instead of descending (npm flat's
     * `safe: true`). */
    JF_FLAG_ARRAYS_LEAF          = 1u << 0,
    /* Accept invalid UTF-8 in strings and keys and write U+FFFD for every
     * maximal invalid subsequence. Without it, invalid UTF-8 is
     * JF_INVALID_JSON. */
    JF_FLAG_REPLACE_INVALID_UTF8 = 1u << 1,
    /* Write integers outside [-(2^53-1), 2^53-1] as JSON strings holding the
     * exact digits, so a JSON.parse of the result loses no precision. */
    JF_FLAG_BIGINT_AS_STRING     = 1u << 2,
    /* With JF_FORMAT_ENTRIES and JF_FLAG_BIGINT_AS_STRING: an entry whose
     * value is such an integer gets a third element `1` (leaf mode); in
     * grouped mode the third element lists the indexes of such values. */
    JF_FLAG_BIGINT_MARK          = 1u << 3
};

/** Default for jf_options.max_nesting when it is 0. */
#define JF_DEFAULT_MAX_NESTING 10000u
/** Largest delimiter accepted, in bytes. */
#define JF_MAX_DELIMITER 32

/** Options of one call. Layout is fixed (64 bytes) for the FFI.
 *  All-zero bytes mean: leaf mode, js style, object format, no flags, no
 *  depth limit, default nesting limit, delimiter ".". */
typedef struct jf_options {
    uint32_t mode;          /* jf_mode */
    uint32_t style;         /* jf_style */
    uint32_t format;        /* jf_format (flatten only) */
    uint32_t flags;         /* jf_flag bits */
    uint32_t max_depth;     /* flatten: stop descending after this many levels and
                               emit the subtree whole (as npm flat); 0 = no limit */
    uint32_t max_nesting;   /* reject documents nested deeper; 0 = default */
    uint32_t delimiter_len; /* flat style: bytes used in `delimiter`; 0 = "." */
    uint32_t reserved;      /* must be 0 */
    char     delimiter[JF_MAX_DELIMITER];
} jf_options;

/** Fills `options` with the defaults (the same as all-zero bytes).
 *  Thread safe. */
JF_API void jf_options_init(jf_options *options);

/*==============================================================================
 * Results
 *============================================================================*/

/** What a call produced, plus its error. Layout is fixed (288 bytes):
 *  length @0, leaves @8, unsafe_integers @16, error @32. */
typedef struct jf_result {
    uint64_t length;          /* bytes in the returned block */
    uint64_t leaves;          /* flatten: leaves visited; unflatten: paths read */
    uint64_t unsafe_integers; /* with JF_FLAG_BIGINT_AS_STRING: integers outside
                                 +-(2^53-1) written as strings; otherwise 0 */
    uint64_t reserved;
    jf_error error;           /* code JF_OK on success */
} jf_result;

/*==============================================================================
 * Flatten and unflatten
 *============================================================================*/

/** Flattens one JSON document (SPEC sections 1-3).
 *
 *  input/length: the document's bytes (UTF-8, optional BOM). Borrowed.
 *  options:      may be NULL for the defaults.
 *  result:       required; filled on success and on failure.
 *
 *  Returns a block of `result->length` bytes holding compact JSON (an object
 *  or an entries array per `options->format`), to be freed with `jf_free`.
 *  Numbers are copied exactly as written in the input; strings are re-escaped
 *  (`"` `\` and control characters; everything else raw UTF-8).
 *
 *  On bad input returns NULL and fills `result->error`: JF_INVALID_JSON
 *  (with the byte offset of the fault), JF_NESTING_TOO_DEEP (offset of the
 *  first bracket beyond the limit), JF_INVALID_OPTION, JF_INPUT_TOO_LARGE
 *  or JF_OUT_OF_MEMORY. Never crashes, never leaks.
 *  Thread safe. */
JF_API uint8_t *jf_flatten(const uint8_t *input, size_t length,
                           const jf_options *options, jf_result *result);

/** Rebuilds the document from a flattened object (SPEC section 5).
 *
 *  input/length: a JSON object whose member names are paths in
 *                `options->style` and whose values are the leaves. Borrowed.
 *  options:      style, delimiter, max_nesting, JF_FLAG_REPLACE_INVALID_UTF8
 *                and JF_FLAG_BIGINT_AS_STRING are read; may be NULL.
 *  result:       required.
 *
 *  Array indexes create arrays; indexes that are never given become null.
 *  In pointer and flat styles a segment of digits is an index only where it
 *  continues an array ("0" starts one; an array made so takes indexes up to
 *  one past its end, and turns back into an object with members "0", "1", ...
 *  when a member name arrives); elsewhere it is a member name. A member whose
 *  value is an empty object or array may be extended by later paths. The same
 *  path given twice: the last value wins. Returns a block of compact JSON,
 *  freed with `jf_free`.
 *
 *  Errors: JF_INVALID_JSON (malformed, or the root is not an object),
 *  JF_INVALID_PATH (a path that does not parse, or an index larger than the
 *  input could fill: above max(1024, input length)), JF_PATH_CONFLICT (the
 *  message names both paths), JF_NESTING_TOO_DEEP, JF_OUT_OF_MEMORY.
 *  Thread safe. */
JF_API uint8_t *jf_unflatten(const uint8_t *input, size_t length,
                             const jf_options *options, jf_result *result);

/*==============================================================================
 * NDJSON: many documents per call (SPEC section 8)
 *============================================================================*/

/** What to do with a line that is not valid JSON. */
typedef enum jf_on_error {
    JF_ON_ERROR_FAIL = 0, /* stop: the call fails with the line's error */
    JF_ON_ERROR_SKIP = 1, /* leave the line out of the output, count it */
    JF_ON_ERROR_EMIT = 2  /* write {"error":{...},"line":n} in its place */
} jf_on_error;

/** Options of jf_flatten_lines. Layout fixed (32 bytes). All-zero bytes mean:
 *  fail on errors, whole lines, numbering from 1, offsets from 0. */
typedef struct jf_lines_options {
    uint32_t on_error;    /* jf_on_error */
    uint32_t column;      /* 0: each line is a document; N >= 1: the Nth
                             tab-separated field is (Open Library dumps: 5) */
    uint64_t first_line;  /* number of the chunk's first line; 0 means 1 */
    uint64_t base_offset; /* the chunk's byte offset in its file, added to error offsets */
    uint64_t reserved;    /* must be 0 */
} jf_lines_options;

/** What jf_flatten_lines did. Layout fixed (304 bytes): length @0, lines @8,
 *  documents @16, errors @24, leaves @32, unsafe_integers @40, error @48. */
typedef struct jf_lines_result {
    uint64_t length;          /* bytes in the returned block */
    uint64_t lines;           /* lines in the chunk, blank ones included: the next
                                 chunk starts at first_line + lines */
    uint64_t documents;       /* lines flattened */
    uint64_t errors;          /* bad lines skipped or emitted */
    uint64_t leaves;
    uint64_t unsafe_integers;
    jf_error error;           /* JF_ON_ERROR_FAIL: why the call failed; otherwise the
                                 first bad line (code JF_OK if none). `line` is the
                                 NDJSON line number, `offset` a file offset, `column`
                                 counts code points from the start of the line. */
} jf_lines_result;

/** Flattens every line of an NDJSON chunk, one output line per document.
 *
 *  input/length: whole lines (`\n` or `\r\n`; the last may lack its `\n`);
 *                blank lines (only spaces, tabs, CR) are skipped. Borrowed.
 *  options:      as for jf_flatten (every mode, style and format); may be NULL.
 *  lines:        NDJSON options; may be NULL for the defaults.
 *  result:       required.
 *
 *  Returns the output lines, each ending in `\n` (schema mode: one line, the
 *  schema of all the chunk's documents; error records are not emitted in
 *  that mode, only counted), freed with jf_free; an
 *  empty chunk gives a valid zero-length block. A bad line never loses the
 *  good ones around it (skip/emit). Memory is bounded by the chunk and its
 *  largest line, not by the stream. Errors: the line's error in fail mode,
 *  JF_INVALID_OPTION, JF_OUT_OF_MEMORY. Thread safe. */
JF_API uint8_t *jf_flatten_lines(const uint8_t *input, size_t length, const jf_options *options,
                                 const jf_lines_options *lines, jf_lines_result *result);

/** Number of `\n` bytes in input[0, length), as a double (exact below 2^53) so
 *  that JavaScript gets a number, not a BigInt. Thread safe. */
JF_API double jf_count_newlines(const uint8_t *input, size_t length);

/*==============================================================================
 * Search (SPEC section 6)
 *============================================================================*/

/** A compiled query: immutable, so one may serve any number of threads. */
typedef struct jf_query jf_query;

/** Compiles a query given as a JSON object, once for any number of documents:
 *    {"path": GLOB, "key": NAME, "value": JSON, "limit": N}
 *  every field optional, all given ones must hold (AND). GLOB is a js-style
 *  path where `*` is any one member name, `[*]` any index and `**` any
 *  number of segments (`a.**.id`, `items[*].price`, `a["b c"][0]`). NAME is
 *  the short key (the last member name of the path). JSON is compared by
 *  type and value (`"1"` is not `1`; `1`, `1.0` and `1e0` are equal, exactly,
 *  at any length). `limit` stops after that many hits.
 *
 *  Returns NULL with `error` (may be NULL) filled on a bad query:
 *  JF_INVALID_OPTION (what is wrong) or JF_INVALID_JSON. Free with
 *  jf_query_free. Thread safe. */
JF_API jf_query *jf_query_compile(const uint8_t *query, size_t length, jf_error *error);

/** Frees a query; NULL is ignored. Not while another thread still uses it. */
JF_API void jf_query_free(jf_query *query);

/** The leaves of one document that match `query`, in document order, one
 *  hit per line: `["path",value]\n` (path in options->style). `result->leaves`
 *  counts the hits; zero hits give a zero-length block. Errors as jf_flatten
 *  (mode and format are ignored). Thread safe. */
JF_API uint8_t *jf_search(const uint8_t *input, size_t length, const jf_query *query, const jf_options *options,
                          jf_result *result);

/** jf_search over an NDJSON chunk: `[line,"path",value]\n` per hit, bad lines
 *  handled as jf_flatten_lines handles them. The limit counts hits across the
 *  chunk. Thread safe. */
JF_API uint8_t *jf_search_lines(const uint8_t *input, size_t length, const jf_query *query,
                                const jf_options *options, const jf_lines_options *lines, jf_lines_result *result);

/*==============================================================================
 * Memory
 *============================================================================*/

/** Frees a block returned by this library. NULL is ignored. Freeing a block
 *  twice, or a block from another allocator, is undefined. Thread safe: any
 *  thread may free a block another thread received. */
JF_API void jf_free(void *block);

/** The same as jf_free, in the two-argument deallocator shape that
 *  JavaScriptCore (and so Bun's `toArrayBuffer`) calls: (bytes, context).
 *  `context` is ignored. */
JF_API void jf_free_callback(void *block, void *context);

/** Address of jf_free_callback, for hosts that need it as a plain pointer. */
JF_API void *jf_free_callback_address(void);

/** Live allocation counters of the whole process (every thread). */
typedef struct jf_alloc_stats {
    uint64_t live_blocks; /* blocks allocated and not yet freed */
    uint64_t live_bytes;  /* usable bytes of those blocks */
    uint64_t total_blocks;/* blocks allocated since load */
} jf_alloc_stats;

/** Copies the counters into `out`. Thread safe (each counter is read
 *  atomically; the three are not one snapshot). */
JF_API void jf_get_alloc_stats(jf_alloc_stats *out);

/** Returns JF_VERSION_STRING. Static storage. Thread safe. */
JF_API const char *jf_version(void);

#ifdef __cplusplus
}
#endif
#endif /* JSONFLAT_H */
