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
    JF_OUT_OF_MEMORY    = 10, /* the allocator refused a request */
    JF_CORRUPT          = 11, /* a damaged record in a write-ahead log (jf_wal_open, jf_wal_read) */
    JF_SHAPE_MISMATCH   = 12, /* jf_decode: paths missing or of the wrong type for the shape */
    JF_NOT_SUPPORTED    = 13  /* the operation is not available on this platform (the write-ahead
                                 log on Windows) */
} jf_code;

/** Size of jf_error.message including its NUL terminator. */
#define JF_MESSAGE_SIZE 232

/** A positioned error, filled by the callee on failure.
 *  Layout is fixed (256 bytes) because TypeScript reads it through a
 *  DataView: code @0, line @4, column @8, offset @16, message @24.
 *  Positions are fields only: the message never repeats them, so a front
 *  end composes its own one-liner ("... at line 3, column 6"). */
typedef struct jf_error {
    int32_t  code;      /* jf_code; JF_OK when there is no error */
    uint32_t line;      /* 1-based line of `offset` in the input (0 if unknown) */
    uint32_t column;    /* 1-based column of `offset`, counted in code points */
    uint32_t reserved;
    uint64_t offset;    /* 0-based byte offset in the input */
    char     message[JF_MESSAGE_SIZE]; /* NUL-terminated English sentence, no position */
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
     * maximal invalid subsequence, and for every escaped lone surrogate
     * ("\ud83d" not followed by a low half, "\udc01" alone). Without it,
     * both are JF_INVALID_JSON at the offending byte (a lone surrogate at the
     * backslash of its escape, the message naming it). */
    JF_FLAG_REPLACE_INVALID_UTF8 = 1u << 1,
    /* Write integers outside [-(2^53-1), 2^53-1] as JSON strings holding the
     * exact digits, so a JSON.parse of the result loses no precision. */
    JF_FLAG_BIGINT_AS_STRING     = 1u << 2,
    /* With JF_FORMAT_ENTRIES and JF_FLAG_BIGINT_AS_STRING: an entry whose
     * value is such an integer gets a third element `1` (leaf mode); in
     * grouped mode the third element lists the indexes of such values. */
    JF_FLAG_BIGINT_MARK          = 1u << 3,
    /* Schema mode only (JF_INVALID_OPTION in other modes): also count every
     * container the walk enters at its grouped path (so `types` counts every
     * object and array, not only empty ones, and the root appears at path
     * ""), and add to each entry "present" (the number of distinct parent
     * containers the path was seen in: a member whose "present" equals its
     * parent's "object" count is in every instance of that object) and
     * "examples" (up to 3 distinct string, number or boolean values whose
     * JSON text is at most 64 bytes, in order of first sight, each given as
     * a JSON string holding that text). */
    JF_FLAG_SCHEMA_DETAIL        = 1u << 4,
    /* jf_search with a JSONPath query only (ignored elsewhere): the hits as
     * one JSON array `[["path",value,refs?],...]` that shares containers. A
     * container hit's child that is a non-empty container hit itself is
     * written as `0` and listed in the hit's third element `refs` as
     * [index, hit] (arrays) or ["key", hit] (objects; only in objects of at
     * most 64 members where the key occurs once), `hit` being the 0-based
     * number of the hit whose value it is. A reader puts each hit's value
     * in its parent's slot. Zero hits give `[]`. */
    JF_FLAG_SHARED_HITS          = 1u << 5
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
 *                blank lines (only spaces, tabs, CR) are skipped but counted
 *                in line numbers; a UTF-8 BOM at the start of a document is
 *                skipped, as in jf_flatten. Borrowed. The same line rules hold
 *                for every *_lines entry point (one engine, lines.c).
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

/** jf_unflatten over every line of an NDJSON chunk: one output line (the
 *  rebuilt document and `\n`) per flattened object, lines and bad lines as in
 *  jf_flatten_lines (emit mode writes the same error record). `leaves` counts
 *  the paths read. Thread safe. */
JF_API uint8_t *jf_unflatten_lines(const uint8_t *input, size_t length, const jf_options *options,
                                   const jf_lines_options *lines, jf_lines_result *result);

/** Number of `\n` bytes in input[0, length), as a double (exact below 2^53) so
 *  that JavaScript gets a number, not a BigInt. NULL input counts 0 whatever
 *  the length. Thread safe. */
JF_API double jf_count_newlines(const uint8_t *input, size_t length);

/*==============================================================================
 * Tables: CSV and TSV out (table.c)
 *============================================================================*/

/** A compiled table: its columns (a hash from leaf path to column index) and
 *  how cells are written. Holds per-stream state (the header is written once,
 *  discovered columns accumulate): one thread at a time. */
typedef struct jf_table jf_table;

/** Compiles a table from `spec`, a JSON object (every field optional):
 *    "format":  "csv" (RFC 4180, the default) | "tsv" (\t \n \r \\ escaped)
 *    "columns": ["path", ...] leaf paths in options->style, in order; each
 *               listed once (twice is JF_INVALID_OPTION)
 *    "unknown": "extra" (default: a last `_extra` column holds the other
 *               leaves as a JSON object) | "error" (the document fails with
 *               JF_SHAPE_MISMATCH naming the first such path) | "ignore"
 *    "join":    1-32 bytes: an array of scalars is one cell, its values joined
 *    "explode": a path: one row per element of the array there
 *    "lineEnd": "crlf" | "lf" (default "lf"); "header": true (default)
 *    "records": true: a document whose root is an array is one row per element
 *    "discover": true: write no rows; each call outputs every leaf path seen
 *               so far and whether a path was met twice in one document (a
 *               duplicate member name): {"columns":["path",...],
 *               "duplicates":false} and a newline (no "columns" in the spec)
 *    "spool":   true: discover, and write every row too, as a record of a
 *               private format (valid in this build and process only) that
 *               jf_table_unspool finishes: each jf_table_lines call outputs its
 *               rows' records, then discover's JSON, then that JSON's length
 *               as a uint64 (native byte order); jf_table_document refuses it
 *  options: style, delimiter, max_depth, max_nesting, JF_FLAG_ARRAYS_LEAF and
 *  JF_FLAG_REPLACE_INVALID_UTF8 are read (mode and the bigint flags are not:
 *  numbers are written as their input text); may be NULL.
 *  Returns NULL with `error` filled (JF_INVALID_OPTION, JF_OUT_OF_MEMORY);
 *  free with jf_table_free. `spec` is borrowed. Thread safe. */
JF_API jf_table *jf_table_compile(const uint8_t *spec, size_t length, const jf_options *options, jf_error *error);

/** Frees a table; NULL is ignored. */
JF_API void jf_table_free(jf_table *table);

/** The rows of an NDJSON chunk (lines as jf_flatten_lines reads them): the
 *  header row first on the table's first call, then one row per document (per
 *  element with "explode"). Bad lines: fail, skip, or with emit a row of
 *  empty cells and a last `_error` column (present on every row and in the
 *  header when emit is on) holding {"code","message","offset","line",
 *  "column"}. `leaves` counts leaves read. Returns a block freed with
 *  jf_free, or NULL with result->error (the line's error in fail mode,
 *  JF_INVALID_OPTION, JF_OUT_OF_MEMORY). Not thread safe per table. */
JF_API uint8_t *jf_table_lines(jf_table *table, const uint8_t *input, size_t length, const jf_lines_options *lines,
                               jf_lines_result *result);

/** jf_table_lines for one JSON document (newlines allowed inside): its rows,
 *  or with "records" one row per element of a root array. Errors carry the
 *  document's offset, line and column. Not thread safe per table. */
JF_API uint8_t *jf_table_document(jf_table *table, const uint8_t *input, size_t length, jf_result *result);

/** The rows of spooled records (the records part of a "spool" table's
 *  jf_table_lines outputs, whole records, in order) as jf_table_lines would
 *  have written them with `table`'s columns: `table` is compiled with the
 *  spool's final columns (its discover output) and "unknown" "extra" exactly
 *  when that output says "duplicates", else "error"; `emit_error` non-zero
 *  when the spool's lines were read with on_error emit (the `_error` column).
 *  The header row comes first on the table's first call. A cut record, or one
 *  with more columns than `table` or a cell `table` has no column for, is
 *  JF_INVALID_OPTION (nothing is written); JF_OUT_OF_MEMORY. Returns a block
 *  freed with jf_free. Not thread safe per table. */
JF_API uint8_t *jf_table_unspool(jf_table *table, const uint8_t *spool, size_t length, int emit_error,
                                 jf_result *result);

/*==============================================================================
 * Search (SPEC section 6)
 *============================================================================*/

/** A compiled query: immutable, so one may serve any number of threads. */
typedef struct jf_query jf_query;

/** Limits of a query, so that a hostile one is refused at once instead of
 *  costing time per leaf: the whole query text in bytes, its path glob in
 *  bytes (decoded), and the glob's segments once runs of `**` are collapsed
 *  to one (`**.**.a` is `**.a`). Matching costs O(segments / 64) word
 *  operations per value of the document, whatever its depth. */
#define JF_QUERY_MAX_BYTES      (1u << 20)
#define JF_QUERY_MAX_PATH_BYTES (64u << 10)
#define JF_QUERY_MAX_SEGMENTS   1024u

/** Limits of a JSONPath query (the "jsonpath" field below), so that hostile
 *  text costs little: its bytes; the nesting of its filter expressions
 *  (parentheses, `!`, filters, function calls, and groups of a regular
 *  expression); a match()/search() pattern's bytes and the states of its
 *  automaton (repetitions `{n,m}` are copied out). Regular expressions run as
 *  a Thompson NFA: O(states x text), never backtracking. Nesting counts a
 *  level per filter, parenthesis, `!` and function call. Evaluation counts
 *  one step per node visited, selected or compared and per path segment and
 *  value written (so output is bounded too), and stops with
 *  JF_INVALID_OPTION past max(JF_JSONPATH_MIN_STEPS,
 *  JF_JSONPATH_STEPS_PER_VALUE x the document's values). */
#define JF_JSONPATH_MAX_BYTES         (64u << 10)
#define JF_JSONPATH_MAX_NESTING       64u
#define JF_JSONPATH_MAX_REGEX_BYTES   4096u
#define JF_JSONPATH_MAX_REGEX_STATES  10000u
#define JF_JSONPATH_MIN_STEPS         (1u << 22)
#define JF_JSONPATH_STEPS_PER_VALUE   32u

/** Compiles a query given as a JSON object, once for any number of documents:
 *    {"path": GLOB, "key": NAME, "value": JSON, "limit": N}
 *  every field optional, all given ones must hold (AND). GLOB is a js-style
 *  path where `*` is any one member name, `[*]` any index and `**` any
 *  number of segments (`a.**.id`, `items[*].price`, `a["b c"][0]`). NAME is
 *  the short key (the last member name of the path). JSON is compared by
 *  type and value (`"1"` is not `1`; `1`, `1.0` and `1e0` are equal, exactly,
 *  at any length of digits or exponent: 1e68719476736 is not 1e6871947673).
 *  `limit` stops after that many hits.
 *
 *  Or {"jsonpath": QUERY, "limit": N}: an RFC 9535 JSONPath (with the
 *  length, count, match, search and value functions; I-Regexp patterns),
 *  alone (no path, key or value with it). Its hits are every selected node
 *  (containers too) in the RFC's order, the path of each its normalized path
 *  (`$['a'][0]`) whatever the style. A bad JSONPath is JF_INVALID_OPTION with
 *  offset, line and column placed in QUERY (the decoded string); see the
 *  JF_JSONPATH_* limits above.
 *
 *  Returns NULL with `error` (may be NULL) filled on a bad query:
 *  JF_INVALID_OPTION (what is wrong; over a JF_QUERY_MAX_* limit, which one),
 *  JF_INVALID_JSON, or JF_OUT_OF_MEMORY. A field given twice is
 *  JF_INVALID_OPTION. Free with jf_query_free. Thread safe. */
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
 * One document of any size, streamed (doc_stream.c)
 *
 * The bytes of ONE JSON document arrive in chunks of any size (cut anywhere,
 * even inside a string or a UTF-8 sequence); each call hands back the output
 * written so far. The concatenation of every feed's output and the finish's
 * is byte for byte what jf_flatten (or jf_search with `query`) writes for the
 * whole document, with the same options; a document jf_flatten rejects fails
 * the stream with the same code, message, offset, line and column (possibly
 * after output was handed back: a consumer must discard it on failure). A
 * truncated document fails at finish. Memory: the nesting depth, the largest
 * value read whole (a scalar; a subtree kept whole by max_depth or
 * JF_FLAG_ARRAYS_LEAF) plus about two chunks; grouped mode also holds every
 * group's values and schema mode every path, as jf_flatten does.
 *============================================================================*/

typedef struct jf_doc_stream jf_doc_stream;

/** Starts a stream. `options` NULL = defaults; `query` non-NULL makes it a
 *  search (jf_search's output; the query must outlive the stream);
 *  `chunk_bytes` is the size from which a container not yet closed is
 *  descended into rather than held whole (0 = 1 MiB; pass the size of the
 *  chunks you feed). NULL with `error` (may be NULL) filled on invalid
 *  options (JF_INVALID_OPTION; so are JF_FLAG_SCHEMA_DETAIL and a JSONPath
 *  `query`: types from data and JSONPath read the whole document) or out of
 *  memory. Free with
 *  jf_doc_stream_free. One thread at a time per stream. */
JF_API jf_doc_stream *jf_doc_stream_new(const jf_options *options, const jf_query *query, uint64_t chunk_bytes,
                                        jf_error *error);
/** Feeds the next `length` bytes of the document (copied; `chunk` may be
 *  NULL when `length` is 0). Returns the output this call produced (its
 *  length in result->length, leaves and unsafe_integers counted since the
 *  start), owned by the stream and valid until its next call; NULL with
 *  result->error filled when the document is invalid (or NULL stream /
 *  result). After a failure every call returns the same error. */
JF_API const uint8_t *jf_doc_stream_feed(jf_doc_stream *stream, const uint8_t *chunk, size_t length,
                                         jf_result *result);
/** Ends the document: the rest of the output (groups, schema, closing
 *  bracket), or NULL with the error (a truncated document: INVALID_JSON at
 *  its end, as jf_flatten reports it). Same ownership as feed. */
JF_API const uint8_t *jf_doc_stream_finish(jf_doc_stream *stream, jf_result *result);
/** Frees the stream and its output. NULL is ignored. */
JF_API void jf_doc_stream_free(jf_doc_stream *stream);

/*==============================================================================
 * One document split at its array's elements, for parallel ranges
 * (split_scan.c, doc_stream.c)
 *
 * jf_split_scan finds the array at a path of member names and cuts it into
 * ranges of whole elements; each range is then flattened by its own doc
 * stream (any thread): the first from byte 0 with jf_doc_stream_descend_at,
 * the others from their cut with jf_doc_stream_resume; every range but the
 * last ends with jf_doc_stream_pause, the last with jf_doc_stream_finish. The
 * outputs concatenated in order are byte for byte jf_flatten's (leaf mode).
 *============================================================================*/

#define JF_SPLIT_MAX_PATH 16

/** What jf_split_scan found. Layout fixed (456 bytes): found @0, elements
 *  @8, cuts @16, close @24, resume @32, opens @64, error @200. */
typedef struct jf_split_plan {
    uint64_t found;    /* 1 when the array at the path was found */
    uint64_t elements; /* its elements seen whole (up to where the scan stopped) */
    uint64_t cuts;     /* cuts written (4 uint64 each: offset, index, line, column) */
    uint64_t close;    /* offset of its ']', UINT64_MAX when the scan stopped before */
    uint64_t resume[4]; /* the last comma of the array seen, as a cut (a scan of more bytes goes on from it); 0s: none */
    uint64_t opens[JF_SPLIT_MAX_PATH + 1]; /* offsets of the containers on the path, root first, the array last */
    jf_error error;
} jf_split_plan;

/** Scans `doc` (borrowed; the document's first `length` bytes, or, with
 *  `from`, its bytes from the comma of an earlier cut {offset, index, line,
 *  column} on) for the array at `path_json` (a JSON array of at most
 *  JF_SPLIT_MAX_PATH member names, `[]` = the root array; unused with
 *  `from`) and writes up to `max_cuts` cuts into `cuts`: at a comma of that
 *  array once `range_bytes` (≥ 1) or more were passed since the last cut
 *  (or the start), as {document offset of the comma, index of the element
 *  after it, line, column}. The scan stops at the array's ']' (plan->close)
 *  or the end of the bytes (a caller with more bytes goes on from
 *  plan->resume). Strings, escapes and brackets only: values are not parsed or
 *  judged (a document that is not JSON gets cuts that hold up to its first
 *  fault; the ranges' own parse reports the fault). The first member with
 *  the name whose value is an object (on the way) or an array (at the end)
 *  is followed. Returns 0 with plan->error filled (JF_INVALID_OPTION) for a
 *  bad path or arguments; 1 otherwise, plan->found = 0 when the bytes hold
 *  no such array. Thread safe. */
JF_API int32_t jf_split_scan(const uint8_t *doc, size_t length, const uint64_t *from, const uint8_t *path_json,
                             size_t path_length, uint64_t range_bytes, uint64_t *cuts, size_t max_cuts,
                             jf_split_plan *plan);
/** The first range of a split: the containers starting at the document
 *  offsets `opens[0..count)` (jf_split_plan.opens) are descended into
 *  whatever their size, so that jf_doc_stream_pause finds the stream just
 *  after an element of the last. Call before the first feed. 1, or 0 with `error`
 *  (may be NULL) filled: JF_INVALID_OPTION when called late, count is 0 or
 *  over JF_SPLIT_MAX_PATH + 1, or the options are not leaf mode without a
 *  query, max_depth or JF_FLAG_ARRAYS_LEAF (they keep the array whole). */
JF_API int32_t jf_doc_stream_descend_at(jf_doc_stream *stream, const uint64_t *opens, size_t count, jf_error *error);
/** A later range of a split: the stream starts inside the array at
 *  `path_json` (as for jf_split_scan), at the comma before element
 *  `first_index` (≥ 1), at document offset `offset`, line `line`, column
 *  `column` (a cut of jf_split_scan); fed from there, it writes that
 *  element's leaves onward (each after a ',': an earlier range wrote
 *  element 0). Call before the first feed. 1, or 0 with `error` filled
 *  (JF_INVALID_OPTION as for jf_doc_stream_descend_at, or a bad path;
 *  JF_OUT_OF_MEMORY). */
JF_API int32_t jf_doc_stream_resume(jf_doc_stream *stream, const uint8_t *path_json, size_t path_length,
                                 uint64_t first_index, uint64_t offset, uint64_t line, uint64_t column,
                                 jf_error *error);
/** Ends a range that is not the last: its bytes were fed up to a cut. The
 *  remaining output (as feed), or NULL with the error: when the stream is not
 *  just after an element of the split array, the bytes held are read to their
 *  end as at jf_doc_stream_finish, so a document that is not JSON before the
 *  cut fails with jf_flatten's error. Same ownership as feed. */
JF_API const uint8_t *jf_doc_stream_pause(jf_doc_stream *stream, jf_result *result);

/*==============================================================================
 * Path index (SPEC section 6, for repeated lookups on one document)
 *============================================================================*/

/** A parsed document with its lookup tables: immutable once built. */
typedef struct jf_index jf_index;

/** Sizes of an index. Layout fixed (40 bytes). */
typedef struct jf_index_stats {
    uint64_t nodes;  /* values with a path: containers and leaves */
    uint64_t leaves;
    uint64_t keys;   /* distinct short keys of leaves */
    uint64_t values; /* distinct leaf values (by search's equality) */
    uint64_t bytes;  /* memory of the tables and paths, without the parsed document */
} jf_index_stats;

/** Parses one document and indexes every value in it: its full path (in
 *  options->style, as jf_flatten spells it) -> the value, for containers as
 *  well as leaves; each leaf's short key -> its leaves; each leaf value ->
 *  the leaves equal to it (search's equality: `"1"` is not `1`, `1` equals
 *  `1.0`). When two values share a path (a duplicate member name; flat
 *  style's ambiguity) the later one answers jf_index_get, as JSON.parse keeps
 *  the last duplicate; jf_index_by_key and jf_index_by_value list all.
 *
 *  input/length: the document, borrowed (the index keeps its own copy).
 *  options:      style, delimiter, max_nesting, JF_FLAG_REPLACE_INVALID_UTF8,
 *                JF_FLAG_BIGINT_AS_STRING and JF_FLAG_BIGINT_MARK (for the
 *                lookups' output) are read; may be NULL.
 *  result:       required; `leaves` and `length` (the number of nodes) are
 *                set on success.
 *
 *  Returns the index, freed with jf_index_free, or NULL with `result->error`
 *  filled as for jf_flatten (JF_INVALID_JSON with its position,
 *  JF_NESTING_TOO_DEEP, JF_INVALID_OPTION, JF_OUT_OF_MEMORY). Memory is
 *  about the parsed document plus the flattened paths plus 80 bytes per
 *  node. Thread safe. */
JF_API jf_index *jf_index_build(const uint8_t *input, size_t length, const jf_options *options,
                                jf_result *result);

/** Frees an index; NULL is ignored. Not while another thread still uses it. */
JF_API void jf_index_free(jf_index *index);

/** The value at `path` (UTF-8, `length` bytes, in the index's style; "" is
 *  the root), as compact canonical JSON in a block freed with jf_free.
 *  `result->leaves` is 1 when the path exists, 0 (with a zero-length block)
 *  when it does not; `result->unsafe_integers` counts integers written as
 *  strings under JF_FLAG_BIGINT_AS_STRING. Errors (NULL returned):
 *  JF_INVALID_OPTION (NULL index or path), JF_OUT_OF_MEMORY.
 *  Thread safe: any number of threads may look up one index at once. */
JF_API uint8_t *jf_index_get(const jf_index *index, const uint8_t *path, size_t length, jf_result *result);

/** The leaves whose short key is `key` (raw UTF-8 bytes, not escaped), in
 *  document order, as `[["path",value],...]` (with JF_FLAG_BIGINT_MARK a big
 *  integer's entry gets a third element 1); at most `limit` of them (0: all).
 *  `result->leaves` counts them. Same errors and thread safety as
 *  jf_index_get. */
JF_API uint8_t *jf_index_by_key(const jf_index *index, const uint8_t *key, size_t length, uint64_t limit,
                                jf_result *result);

/** The leaves equal to the JSON value `value` (its text, `length` bytes),
 *  in document order, written as jf_index_by_key writes them. A non-empty
 *  object or array matches nothing (only leaves are indexed by value).
 *  Errors: JF_INVALID_JSON (the value does not parse), as jf_index_get
 *  otherwise. Thread safe. */
JF_API uint8_t *jf_index_by_value(const jf_index *index, const uint8_t *value, size_t length, uint64_t limit,
                                  jf_result *result);

/** Copies the index's sizes into `out` (all zero for a NULL index).
 *  Thread safe. */
JF_API void jf_index_get_stats(const jf_index *index, jf_index_stats *out);

/*==============================================================================
 * Typed binding (SPEC section 7)
 *============================================================================*/

/** A compiled shape: immutable, so one may serve any number of threads. */
typedef struct jf_shape jf_shape;

/** Compiles a shape plan, given as JSON, once for any number of documents:
 *    {"fields":[FIELD,...]}
 *    FIELD = {"name":NAME, "path":[SEGMENT,...], "type":TYPE,
 *             "array":BOOL, "required":BOOL, "default":JSON, "fields":[FIELD,...]}
 *  NAME is the member name in the decoded object. A SEGMENT is a member name
 *  (string), an array index (whole number) or null for `[]` (every element);
 *  the path is relative to the enclosing shape's object. TYPE is one of
 *  string, number, integer (integer text within +-(2^53-1)), bigint (integer
 *  text of any length, written as a JSON string of its digits), boolean,
 *  null, json (any value, written whole; one nested deeper than the
 *  options' max_nesting is a mismatch), or shape (an object decoded by the
 *  nested "fields"). An "array"
 *  field has at least one null segment and collects every value reached, in
 *  document order; other fields have none. Absent "array"/"required" mean
 *  false; "default" is written when the value is absent (or null, for a
 *  field whose type is not null and that is not required).
 *
 *  Returns NULL with `error` (may be NULL) filled on a bad plan:
 *  JF_INVALID_JSON, JF_INVALID_OPTION (what is wrong, and in which field),
 *  JF_OUT_OF_MEMORY. Shapes nest at most 64 deep; a path has at most 256
 *  segments. Free with jf_shape_free. Thread safe. */
JF_API jf_shape *jf_shape_compile(const uint8_t *plan, size_t length, jf_error *error);

/** Frees a shape; NULL is ignored. Not while another thread still uses it. */
JF_API void jf_shape_free(jf_shape *shape);

/** Decodes one document with a shape, visiting only the declared paths.
 *
 *  Returns a block (freed with jf_free) holding, when the document fits:
 *  the decoded object as compact JSON, its members in field order (absent
 *  optional fields left out), code JF_OK. When it does not fit: code
 *  JF_SHAPE_MISMATCH, `result->leaves` problems, and the block holds every
 *  one of them as [{"path":P,"expected":T,"actual":A},...] where P is the
 *  js-style path in the document, T the declared type ("object" for a shape,
 *  "array" where [] met something else) and A what was there ("missing",
 *  "string", "integer", "number", "boolean", "null", "object", "array", or
 *  the reason an integer does not fit). A duplicate member name: the last
 *  one counts, as in JSON.parse. The root must be an object.
 *  On bad input returns NULL: JF_INVALID_JSON with its position,
 *  JF_INVALID_OPTION (NULL shape or input), JF_OUT_OF_MEMORY.
 *  options: JF_FLAG_REPLACE_INVALID_UTF8 is read; may be NULL. Thread safe. */
JF_API uint8_t *jf_decode(const jf_shape *shape, const uint8_t *input, size_t length, const jf_options *options,
                          jf_result *result);

/** jf_decode over every line of an NDJSON chunk (lines as jf_flatten_lines
 *  reads them, `column` included), in one call. The block holds
 *    {"values":[OBJECT,...],"errors":[{"line":N,"code":C,"message":M,
 *     "offset":O,"column":K(,"problems":[...])},...]}
 *  values in line order for the lines that fit; a bad line (invalid JSON or
 *  a shape mismatch, which carries its problems) gives an error record
 *  instead, with its NDJSON line number and file offset. With
 *  JF_ON_ERROR_FAIL the call stops after the first bad line (still
 *  returning the block); SKIP and EMIT go on. `result->error` is the first
 *  bad line's error, `documents` counts values, `errors` bad lines, `lines`
 *  the lines consumed. NULL only for JF_INVALID_OPTION and
 *  JF_OUT_OF_MEMORY. Thread safe. */
JF_API uint8_t *jf_decode_lines(const jf_shape *shape, const uint8_t *input, size_t length,
                                const jf_options *options, const jf_lines_options *lines, jf_lines_result *result);

/*==============================================================================
 * Logger
 *
 * One process-wide logger: every thread, and every Bun Worker (they all load
 * this one copy of the library), writes through the same level filter and
 * sink. The library logs through it too (for example what WAL recovery
 * found and cut); `native_level` silences that separately.
 *
 * A record is formatted into one buffer and handed to the sink with one
 * write(2), under a mutex, so lines from concurrent threads never
 * interleave whatever the sink is (a short write, which only a pipe or a
 * full disk gives, is continued). Regular-file sinks are opened with
 * O_APPEND, so several processes may share one file as well.
 *
 * No record is longer than `max_record` bytes, newline included: a longer one
 * is cut at a character boundary and says so, and stays one line:
 *   text:  the line ends in " ...[truncated from N bytes]";
 *   JSON:  the message is shortened, the fields are left out and the record
 *          ends in "truncated":N; it is still one valid JSON object.
 * N is the length the whole record would have had.
 *
 * Text format, one line per record:
 *   2026-11-24T12:00:00.123Z INFO  w2 message {"field":1}
 * time (UTC, milliseconds), level (padded to 5), source (`w<N>`: JavaScript
 * worker N, 0 = main thread; `t<N>`: native code on OS thread N), message
 * (escaped so that a record is one line for every reader and cannot steer a
 * terminal: \n \r \t, \xNN for the other C0 controls, DEL and invalid
 * UTF-8 bytes; \uXXXX for the C1 controls U+0080-U+009F (NEL, CSI), the
 * separators U+2028/U+2029 and the Bidi_Control characters U+061C,
 * U+200E/F, U+202A-E, U+2066-9), then the fields as given, escaped the
 * same way.
 * JSON lines:
 *   {"time":"2026-11-24T12:00:00.123Z","level":"info","worker":2,"tid":812,"msg":"message","field":1}
 * `worker` only on records from JavaScript; the members of the fields object
 * follow the fixed ones (fields that are not a JSON object are written as
 * the string "fields"). The message is escaped as JSON, invalid UTF-8 as
 * U+FFFD; in the message and the fields, the C1, separator and bidi
 * characters above are written as \uXXXX escapes too (the same text for a
 * JSON reader, one line for every line splitter).
 *
 * Colour (text format only) paints the level name. JF_LOG_COLOR_AUTO: on when
 * the environment has FORCE_COLOR set to anything but "0" or "false" (as in
 * Node, even to ""); else off
 * when NO_COLOR is set and non-empty; else on only when the sink is a
 * terminal. The environment is read when the colour mode or the sink is set,
 * never per record.
 *
 * Windows: supported (the sink is written with _write, files opened with
 * _O_APPEND; colour needs a terminal with VT processing).
 *============================================================================*/

typedef enum jf_log_level {
    JF_LOG_DEBUG = 0,
    JF_LOG_INFO  = 1,
    JF_LOG_WARN  = 2,
    JF_LOG_ERROR = 3,
    JF_LOG_FATAL = 4,
    JF_LOG_OFF   = 5  /* as a threshold: nothing passes */
} jf_log_level;

typedef enum jf_log_format {
    JF_LOG_TEXT = 0,
    JF_LOG_JSON = 1
} jf_log_format;

typedef enum jf_log_color {
    JF_LOG_COLOR_AUTO   = 0, /* FORCE_COLOR, NO_COLOR, then whether the sink is a terminal */
    JF_LOG_COLOR_NEVER  = 1,
    JF_LOG_COLOR_ALWAYS = 2
} jf_log_color;

/** Default, smallest and largest record bound, in bytes (newline included).
 *  The default is PIPE_BUF on Linux, so records are atomic on pipes even
 *  for readers that are not us. */
#define JF_LOG_DEFAULT_RECORD 4096u
#define JF_LOG_MIN_RECORD     256u
#define JF_LOG_MAX_RECORD     (1u << 20)

/** The logger's settings. Layout fixed (32 bytes). The defaults: level INFO,
 *  native level INFO, text, colour auto, 4096-byte records, sink stderr. */
typedef struct jf_log_config {
    int32_t  level;        /* jf_log_level: records below it are dropped */
    int32_t  native_level; /* jf_log_level: the library's own records must also
                              reach this (JF_LOG_OFF silences them) */
    uint32_t format;       /* jf_log_format */
    uint32_t color;        /* jf_log_color */
    uint32_t max_record;   /* bytes, JF_LOG_MIN_RECORD..JF_LOG_MAX_RECORD; 0 = default */
    uint32_t reserved[3];  /* must be 0 */
} jf_log_config;

/** Counters since load (every thread). Layout fixed (32 bytes). */
typedef struct jf_log_stats {
    uint64_t written;   /* records handed to the sink */
    uint64_t filtered;  /* records below the level */
    uint64_t truncated; /* records cut to max_record */
    uint64_t failed;    /* records the sink refused (the write failed) */
} jf_log_stats;

/** Copies the current settings into `out`. Thread safe. */
JF_API void jf_log_get_config(jf_log_config *out);

/** Replaces every setting at once (start from jf_log_get_config to change
 *  one). Returns JF_OK, or JF_INVALID_OPTION with `error` (may be NULL)
 *  filled and nothing changed: a level outside 0..5, an unknown format or
 *  colour mode, max_record out of range, reserved not zero. Does not change
 *  the sink. Thread safe: a record being written meanwhile uses the old or
 *  the new settings, never a mix that breaks the line. */
JF_API int32_t jf_log_configure(const jf_log_config *config, jf_error *error);

/** Sets the level alone (one atomic store) and returns the previous one;
 *  returns -1 and changes nothing for a level outside 0..5. Thread safe. */
JF_API int32_t jf_log_set_level(int32_t level);

/** The current level. Thread safe (one atomic load). */
JF_API int32_t jf_log_get_level(void);

/** Sends records to the file at `path` (UTF-8, `length` bytes, no NUL
 *  inside), created with mode 0644 if missing and opened with O_APPEND, so
 *  several processes can share it. A file sink opened before is closed.
 *  Errors: JF_INVALID_OPTION (empty path, NUL inside), JF_IO (the open failed;
 *  the message has the OS reason); the sink is then unchanged. Thread safe:
 *  records in flight finish on the old sink. */
JF_API int32_t jf_log_open_file(const uint8_t *path, size_t length, jf_error *error);

/** Sends records to stderr again (closing a file sink). Thread safe. */
JF_API void jf_log_use_stderr(void);

/** Writes one record.
 *
 *  level:   JF_LOG_DEBUG..JF_LOG_FATAL.
 *  worker:  the JavaScript worker id (0 = main thread); a negative value
 *           marks a native record (source `t<thread id>`).
 *  message: UTF-8 text, borrowed; any bytes are accepted (see escaping).
 *  fields:  a JSON object of extra members, borrowed; NULL/0 for none.
 *  error:   may be NULL.
 *
 *  Returns JF_OK when the record was written or filtered out by the level,
 *  JF_INVALID_OPTION for a level outside 0..4, JF_IO when the sink refused
 *  the bytes (counted in `failed`; the message has the OS reason).
 *  JF_LOG_FATAL also flushes: the sink is fsync'ed when it is a file, and the
 *  record is copied to stderr when the sink is not stderr, so that a fatal
 *  record reaches the operator and the disk before the caller goes on (the
 *  call does not exit: the caller decides). JF_IO then also reports a failed
 *  flush. Never allocates more than max_record bytes plus the fields'
 *  parse; never crashes on any input. Thread safe. */
JF_API int32_t jf_log_write(int32_t level, int32_t worker, const uint8_t *message, size_t message_length,
                            const uint8_t *fields, size_t fields_length, jf_error *error);

/** Copies the counters into `out`. Thread safe (each counter read
 *  atomically, not one snapshot). */
JF_API void jf_log_get_stats(jf_log_stats *out);

/*==============================================================================
 * Write-ahead log
 *
 * An append-only log of opaque records in a directory. Every record gets a
 * log sequence number (LSN): 1, 2, 3, ... in append order. A record is
 * bytes; the journaled jobs of the coworker pool store one fixed-layout
 * record per finished chunk (input range, output offset, output length,
 * output CRC32C), which jf_crc32c below computes.
 *
 * Files in the directory:
 *   <first LSN, 20 digits>.wal  segments, in LSN order
 *   wal.lock                     held with flock(LOCK_EX) while open: a
 *                                second process gets JF_IO, not a shared log
 *   *.tmp                        a segment being created (removed on open)
 *   *.corrupt                    what a salvaging open moved aside
 * A segment is a 32-byte header (magic "JFWALSEG", version 2, header size,
 * first LSN, a random 32-bit salt, CRC32C of the 28 bytes before) and then
 * frames, little endian:
 *   crc32c u32 | length u32 | field u64 | payload (length bytes)
 * where field = lsn | distance << 48 (the LSN in the low 48 bits; distance =
 * the LSN minus the last LSN known durable when the record was appended, 1 to
 * 65535, 65535 meaning that or more) and crc32c is the CRC32C of the payload
 * continued over bytes 4..16 and then over the salt (4 bytes, little endian):
 * jf_crc32c(jf_crc32c(jf_crc32c(0, payload, length), frame + 4, 12), salt, 4).
 * The salt keeps frames that another segment file left in blocks a new one
 * reuses from ever checking out. A seal is a frame of length 0 with distance 0
 * whose LSN is the segment's last record: the last close writes it (and
 * fdatasyncs) after the last record, saying every record before it is durable.
 * Version 1 segments (no salt: bytes 24..28 zero, field = LSN, CRC without the
 * salt, no seal) are still read; new segments are always version 2.
 * A new segment starts when the next frame would take the current one past
 * `segment_size` (a segment holds at least one record), and on the first
 * append after an open that recovered the log: a recovered segment is never
 * written to again (a power loss may have left a dead generation's frames in
 * the blocks after its end), and one holding no record is replaced by a new
 * file of its name. The old segment is fdatasync'ed first, so a durable
 * record is never preceded by one that is not. A segment is created as
 * `<name>.tmp`, its header written and fsync'ed, renamed into place, and the
 * directory fsync'ed; so is a segment cut by recovery. Every open fsyncs the
 * log directory's parent, so the directory itself survives a power loss.
 *
 * Durability. jf_wal_append copies the record into an in-memory buffer;
 * the buffer goes to the file (one write) when it passes `buffer_size`, on
 * sync, on read and on close. After jf_wal_sync or jf_wal_append_sync
 * returns JF_OK, that record and every record appended before it, by any
 * thread, survive a crash of the process or of the machine (fdatasync;
 * fcntl(F_FULLFSYNC) on macOS, where fsync does not reach the medium).
 * Records appended without a sync may be lost in a crash, but never
 * partially: recovery cuts a torn tail whole records at a time.
 *
 * Group commit: concurrent jf_wal_append_sync calls share fsyncs. The first
 * caller that finds no sync in progress becomes the leader: it takes every
 * record buffered so far, writes them with one write, calls fdatasync once
 * and wakes the followers whose records that covered; a follower whose
 * record came later becomes the next leader. The mutex is not held during
 * write or fdatasync, so appends continue meanwhile and join the next batch.
 *
 * Failure: a failed write or fdatasync (ENOSPC, EIO, ...) poisons this open
 * WAL: the call returns JF_IO naming the OS error and the segment, and every
 * later append, sync or read fails the same way until it is closed and
 * opened again (after a failed fsync the kernel may have dropped the dirty
 * pages, so no later fsync could prove them durable). The active segment is
 * then cut back to its size at the last successful sync (best effort), so
 * that a later open does not take in records the page cache shows but the
 * disk may not hold. Records synced before the failure are untouched;
 * reopening runs recovery.
 *
 * Recovery (every open that is the first in this process):
 *  - a frame that is incomplete or fails its CRC in the last segment, with
 *    no whole valid frame after it that proves the damaged record durable (a
 *    record whose LSN minus its distance reaches the damaged LSN, or a seal),
 *    is a torn tail: the segment is cut there, fsync'ed, reported in
 *    jf_wal_open_result (torn_*) and logged at warn level. Unsynced records
 *    that a power loss persisted out of order, or with zeros or stale blocks
 *    between them, are such a tail. So is damage after the last record of an
 *    earlier segment whose successor starts with the next LSN (a seal a
 *    power loss or a failed fsync left unfinished): nothing is lost by it;
 *  - any other damaged frame, a damaged segment header or a gap in the LSNs
 *    is corruption: the open fails with JF_CORRUPT, `error.offset` is the
 *    byte offset of the damage in its segment, and the message names the
 *    segment file and the offset;
 *  - with JF_WAL_SALVAGE the log keeps only the records before the damage:
 *    the rest of that segment is copied to `<segment>.corrupt` and cut off,
 *    later segments are renamed to `<segment>.corrupt` (nothing is deleted),
 *    and the result reports salvaged_bytes.
 * Limits: damage inside the last batch written before a crash (no later
 * frame, no seal) is cut as a torn tail even if that batch had been synced
 * and the medium later flipped a bit in it; a closed (sealed) log is not
 * exposed. A sector is assumed to be written whole or not at all, and
 * directory operations to persist in order. LSNs go up to 2^48 - 1.
 *
 * Handles are small integers, not pointers: every call looks the handle up
 * in a table, so a closed or unknown handle gives JF_IO ("closed"), never a
 * crash, and closing twice is the same error. Opening a directory that is
 * already open in this process (any thread or Bun Worker) returns a new
 * handle to the same log (no second recovery; `shared` is 1 in the result):
 * records from every handle go to one sequence. The log is flushed, synced
 * and released when its last handle closes.
 *
 * Threads: every jf_wal_* function is safe from any number of threads on
 * the same or different handles, including close racing with calls on
 * the same handle (a call that already holds the log finishes first).
 *
 * Windows: not supported. Every jf_wal_* function fails there with
 * JF_NOT_SUPPORTED and a message naming the function and the platform
 * (jf_wal_open returns 0, jf_wal_read NULL). jf_crc32c works everywhere.
 *============================================================================*/

/** Flags of jf_wal_options.flags. */
enum jf_wal_flag {
    /* Recovery keeps the records before a corrupt one instead of failing
     * (see above); off by default because it drops records. */
    JF_WAL_SALVAGE   = 1u << 0,
    /* Fail with JF_IO when the directory does not exist instead of
     * creating it (one level; its parent is fsync'ed). */
    JF_WAL_NO_CREATE = 1u << 1
};

#define JF_WAL_DEFAULT_SEGMENT (64u << 20)  /* bytes */
#define JF_WAL_MIN_SEGMENT     4096u
#define JF_WAL_DEFAULT_RECORD  (16u << 20)  /* largest payload, bytes */
#define JF_WAL_MAX_RECORD      (1u << 30)
#define JF_WAL_DEFAULT_BUFFER  (1u << 20)
#define JF_WAL_HEADER_SIZE     32u          /* segment header */
#define JF_WAL_FRAME_HEADER    16u          /* crc, length, lsn */

/** Options of jf_wal_open. Layout fixed (32 bytes); all-zero bytes mean the
 *  defaults. Only the first open of a directory in a process applies them. */
typedef struct jf_wal_options {
    uint64_t segment_size; /* bytes; 0 = JF_WAL_DEFAULT_SEGMENT; >= JF_WAL_MIN_SEGMENT */
    uint32_t flags;        /* jf_wal_flag bits */
    uint32_t max_record;   /* largest payload; 0 = JF_WAL_DEFAULT_RECORD; <= JF_WAL_MAX_RECORD */
    uint64_t buffer_size;  /* appends kept in memory before a write; 0 = JF_WAL_DEFAULT_BUFFER */
    uint64_t reserved;     /* must be 0 */
} jf_wal_options;

/** What jf_wal_open found. Layout fixed (384 bytes): first_lsn @0,
 *  next_lsn @8, records @16, segments @24, torn_bytes @32, torn_offset @40,
 *  salvaged_bytes @48, shared @56, torn_segment @64, error @128. */
typedef struct jf_wal_open_result {
    uint64_t first_lsn;      /* oldest record kept (= next_lsn when empty) */
    uint64_t next_lsn;       /* the LSN the next append gets */
    uint64_t records;        /* records found by recovery */
    uint64_t segments;       /* segment files */
    uint64_t torn_bytes;     /* bytes cut from a torn tail (0: clean) */
    uint64_t torn_offset;    /* where torn_segment was cut */
    uint64_t salvaged_bytes; /* JF_WAL_SALVAGE: bytes moved aside */
    uint32_t shared;         /* 1: already open in this process, no recovery ran */
    uint32_t reserved;
    char     torn_segment[64]; /* file name of the segment cut or salvaged, or "" */
    jf_error error;          /* on failure; JF_CORRUPT: offset in the named segment */
} jf_wal_open_result;

/** Counters of one open log (shared by all its handles). Layout fixed
 *  (80 bytes). */
typedef struct jf_wal_stats {
    uint64_t first_lsn;   /* oldest record kept */
    uint64_t next_lsn;    /* the LSN the next append gets */
    uint64_t written_lsn; /* last LSN handed to the kernel */
    uint64_t synced_lsn;  /* last LSN known durable */
    uint64_t appends;     /* records appended since open */
    uint64_t syncs;       /* fdatasync calls on segments since open */
    uint64_t bytes;       /* bytes written since open */
    uint64_t segments;    /* segment files */
    uint64_t handles;     /* open handles on this log in this process */
    uint64_t reserved;
} jf_wal_stats;

/** What jf_wal_read returned. Layout fixed (288 bytes): length @0,
 *  records @8, next_lsn @16, error @32. */
typedef struct jf_wal_read_result {
    uint64_t length;   /* bytes in the returned block */
    uint64_t records;  /* records in it */
    uint64_t next_lsn; /* where the next read continues (= next_lsn of the log at the end) */
    uint64_t reserved;
    jf_error error;
} jf_wal_read_result;

/** Opens (creating if needed) the log in directory `dir` (UTF-8 path,
 *  `dir_length` bytes, no NUL inside) and runs recovery (see above).
 *  options: may be NULL for the defaults. result: required.
 *
 *  Returns a handle (never 0), or 0 with `result->error` filled:
 *  JF_INVALID_OPTION (bad option or path), JF_IO (cannot create, list, lock,
 *  read, cut or fsync, the directory's parent included; the log is locked by
 *  another process), JF_CORRUPT (see recovery), JF_OUT_OF_MEMORY,
 *  JF_NOT_SUPPORTED (Windows).
 *  Every JF_IO message names the log's directory and the OS error, and the
 *  segment or wal.lock when the failure was on one. Thread safe. */
JF_API uint32_t jf_wal_open(const uint8_t *dir, size_t dir_length, const jf_wal_options *options,
                            jf_wal_open_result *result);

/** Appends one record (`length` bytes, borrowed; 0 is allowed) and stores
 *  its LSN in `*lsn` (may be NULL). Not durable until a sync. Errors:
 *  JF_IO (closed handle, poisoned log, a write of the buffer or a segment
 *  rotation failed), JF_INPUT_TOO_LARGE (above max_record), JF_OUT_OF_MEMORY.
 *  `error` may be NULL. Thread safe. */
JF_API int32_t jf_wal_append(uint32_t wal, const uint8_t *data, size_t length, uint64_t *lsn, jf_error *error);

/** jf_wal_append, then waits until the record is durable (group commit: see
 *  above). On JF_OK the record survives a crash. On JF_IO after `*lsn` was
 *  set, the record may or may not be in the log after a reopen.
 *  Thread safe; blocks for one or two fdatasyncs. */
JF_API int32_t jf_wal_append_sync(uint32_t wal, const uint8_t *data, size_t length, uint64_t *lsn,
                                  jf_error *error);

/** Makes every record appended so far durable (returns at once when they
 *  already are). JF_OK or JF_IO. Thread safe. */
JF_API int32_t jf_wal_sync(uint32_t wal, jf_error *error);

/** Reads records from LSN `from` on (0 = the oldest kept), as many as fit
 *  in `max_bytes` (0 = 1 MiB; at least one record is returned whatever its
 *  size). Reads see every record appended before the call (buffered ones
 *  are written out first), synced or not.
 *
 *  Returns a block of `result->length` bytes, freed with jf_free, holding
 *  `result->records` records, each:
 *    lsn u64 | length u32 | crc32c(payload) u32 | payload | zero bytes to a
 *    multiple of 8
 *  little endian. `result->next_lsn` is the LSN to continue from; an empty
 *  block (length 0, still to be freed) means the end of the log.
 *  Errors (NULL returned): JF_INVALID_OPTION (`from` before the oldest record
 *  kept, after truncate_before), JF_IO (closed, poisoned, a read failed),
 *  JF_CORRUPT (a frame damaged since open), JF_OUT_OF_MEMORY. Sequential
 *  reads continue where the last one stopped (a small per-log cache of
 *  positions); a read from elsewhere scans its segment from the start.
 *  Thread safe. */
JF_API uint8_t *jf_wal_read(uint32_t wal, uint64_t from, uint64_t max_bytes, jf_wal_read_result *result);

/** Checkpoint: deletes the segments whose records all precede `lsn` (never
 *  the segment being appended to) and fsyncs the directory. Records before
 *  `lsn` in a kept segment stay readable; jf_wal_stats.first_lsn says what
 *  is kept. JF_OK or JF_IO. Thread safe; readers of deleted segments get
 *  JF_INVALID_OPTION as for any LSN before the oldest. */
JF_API int32_t jf_wal_truncate_before(uint32_t wal, uint64_t lsn, jf_error *error);

/** Counters of the log behind `wal`. JF_OK or JF_IO (closed). Thread safe. */
JF_API int32_t jf_wal_get_stats(uint32_t wal, jf_wal_stats *out, jf_error *error);

/** Closes a handle. The last handle of a log writes out the buffer,
 *  fdatasyncs, closes the files and releases the lock; JF_IO if that
 *  failed (the handle is closed anyway). A closed or unknown handle gives
 *  JF_IO and changes nothing. Thread safe. */
JF_API int32_t jf_wal_close(uint32_t wal, jf_error *error);

/** CRC-32C (Castagnoli) of `data`, continuing from `crc` (0 to start:
 *  jf_crc32c(jf_crc32c(0, a, n), b, m) is the CRC of a then b). Uses the
 *  CPU's CRC32C instruction when there is one (SSE4.2, ARMv8), else
 *  slicing-by-8. NULL data or length 0 returns `crc`. Thread safe. */
JF_API uint32_t jf_crc32c(uint32_t crc, const uint8_t *data, size_t length);

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

/** Copies the counters into `out`: the sums of every thread's own counters.
 *  Thread safe (the three are not one snapshot; while other threads run, a
 *  block one of them frees may leave the sums before its allocation shows). */
JF_API void jf_get_alloc_stats(jf_alloc_stats *out);

/** Returns JF_VERSION_STRING. Static storage. Thread safe. */
JF_API const char *jf_version(void);

/*==============================================================================
 * ABI layout
 *============================================================================*/

/** The size and field offsets of every struct above that crosses the FFI
 *  boundary (jf_error, jf_options, jf_result, jf_lines_options,
 *  jf_lines_result, jf_index_stats, jf_log_config, jf_log_stats,
 *  jf_wal_options, jf_wal_open_result, jf_wal_stats, jf_wal_read_result,
 *  jf_alloc_stats), as this build's compiler laid them out (sizeof and
 *  offsetof), in JSON:
 *    {"jf_error":{"size":256,"fields":{"code":0,"line":4,...}},...}
 *  Fields by their C names in declaration order; a nested struct or array is
 *  listed at its first byte. Bindings compare it with their own table (the
 *  TypeScript one: src/native/layout.ts). The build also fails when a layout
 *  differs from the one documented above (c/src/abi.c).
 *  Static storage, written at load; never NULL. Thread safe. */
JF_API const char *jf_abi_layout(void);

#ifdef __cplusplus
}
#endif
#endif /* JSONFLAT_H */
