/*==============================================================================
 * abi.c — the ABI layout of every struct that crosses the FFI boundary,
 * checked at compile time and reported at run time.
 *
 * Each struct's fields are listed once (an X-macro) with the byte offset that
 * jsonflat.h documents ("Layout fixed (N bytes): field @off"). From that list:
 *  - _Static_asserts pin sizeof and every offsetof to the documented values,
 *    so a change to a struct that moves a field fails the build here;
 *  - jf_abi_layout() returns the compiler's own sizeof/offsetof as JSON, so
 *    the TypeScript side (src/native/layout.ts) can be compared field by field
 *    (test/abi-layout.test.ts).
 * Adding a struct to the boundary means adding it here, in layout.ts and to
 * the header; the test fails until the three agree.
 *============================================================================*/
#include "jsonflat.h"

#include <stddef.h>
#include <stdio.h>

/* X(type, field, documented offset) for every field, in declaration order. */
#define JF_ERROR_FIELDS(X) \
    X(jf_error, code, 0) X(jf_error, line, 4) X(jf_error, column, 8) X(jf_error, reserved, 12) \
    X(jf_error, offset, 16) X(jf_error, message, 24)
#define JF_OPTIONS_FIELDS(X) \
    X(jf_options, mode, 0) X(jf_options, style, 4) X(jf_options, format, 8) X(jf_options, flags, 12) \
    X(jf_options, max_depth, 16) X(jf_options, max_nesting, 20) X(jf_options, delimiter_len, 24) \
    X(jf_options, reserved, 28) X(jf_options, delimiter, 32)
#define JF_RESULT_FIELDS(X) \
    X(jf_result, length, 0) X(jf_result, leaves, 8) X(jf_result, unsafe_integers, 16) X(jf_result, reserved, 24) \
    X(jf_result, error, 32)
#define JF_LINES_OPTIONS_FIELDS(X) \
    X(jf_lines_options, on_error, 0) X(jf_lines_options, column, 4) X(jf_lines_options, first_line, 8) \
    X(jf_lines_options, base_offset, 16) X(jf_lines_options, reserved, 24)
#define JF_LINES_RESULT_FIELDS(X) \
    X(jf_lines_result, length, 0) X(jf_lines_result, lines, 8) X(jf_lines_result, documents, 16) \
    X(jf_lines_result, errors, 24) X(jf_lines_result, leaves, 32) X(jf_lines_result, unsafe_integers, 40) \
    X(jf_lines_result, error, 48)
#define JF_INDEX_STATS_FIELDS(X) \
    X(jf_index_stats, nodes, 0) X(jf_index_stats, leaves, 8) X(jf_index_stats, keys, 16) \
    X(jf_index_stats, values, 24) X(jf_index_stats, bytes, 32)
#define JF_LOG_CONFIG_FIELDS(X) \
    X(jf_log_config, level, 0) X(jf_log_config, native_level, 4) X(jf_log_config, format, 8) \
    X(jf_log_config, color, 12) X(jf_log_config, max_record, 16) X(jf_log_config, reserved, 20)
#define JF_LOG_STATS_FIELDS(X) \
    X(jf_log_stats, written, 0) X(jf_log_stats, filtered, 8) X(jf_log_stats, truncated, 16) \
    X(jf_log_stats, failed, 24)
#define JF_WAL_OPTIONS_FIELDS(X) \
    X(jf_wal_options, segment_size, 0) X(jf_wal_options, flags, 8) X(jf_wal_options, max_record, 12) \
    X(jf_wal_options, buffer_size, 16) X(jf_wal_options, reserved, 24)
#define JF_WAL_OPEN_RESULT_FIELDS(X) \
    X(jf_wal_open_result, first_lsn, 0) X(jf_wal_open_result, next_lsn, 8) X(jf_wal_open_result, records, 16) \
    X(jf_wal_open_result, segments, 24) X(jf_wal_open_result, torn_bytes, 32) \
    X(jf_wal_open_result, torn_offset, 40) X(jf_wal_open_result, salvaged_bytes, 48) \
    X(jf_wal_open_result, shared, 56) X(jf_wal_open_result, reserved, 60) \
    X(jf_wal_open_result, torn_segment, 64) X(jf_wal_open_result, error, 128)
#define JF_WAL_STATS_FIELDS(X) \
    X(jf_wal_stats, first_lsn, 0) X(jf_wal_stats, next_lsn, 8) X(jf_wal_stats, written_lsn, 16) \
    X(jf_wal_stats, synced_lsn, 24) X(jf_wal_stats, appends, 32) X(jf_wal_stats, syncs, 40) \
    X(jf_wal_stats, bytes, 48) X(jf_wal_stats, segments, 56) X(jf_wal_stats, handles, 64) \
    X(jf_wal_stats, reserved, 72)
#define JF_WAL_READ_RESULT_FIELDS(X) \
    X(jf_wal_read_result, length, 0) X(jf_wal_read_result, records, 8) X(jf_wal_read_result, next_lsn, 16) \
    X(jf_wal_read_result, reserved, 24) X(jf_wal_read_result, error, 32)
#define JF_SPLIT_PLAN_FIELDS(X) \
    X(jf_split_plan, found, 0) X(jf_split_plan, elements, 8) X(jf_split_plan, cuts, 16) \
    X(jf_split_plan, close, 24) X(jf_split_plan, resume, 32) X(jf_split_plan, opens, 64) \
    X(jf_split_plan, error, 200)
#define JF_ALLOC_STATS_FIELDS(X) \
    X(jf_alloc_stats, live_blocks, 0) X(jf_alloc_stats, live_bytes, 8) X(jf_alloc_stats, total_blocks, 16)

/* S(type, documented size, its field list), for every struct on the boundary. */
#define JF_ABI_STRUCTS(S) \
    S(jf_error, 256, JF_ERROR_FIELDS) \
    S(jf_options, 64, JF_OPTIONS_FIELDS) \
    S(jf_result, 288, JF_RESULT_FIELDS) \
    S(jf_lines_options, 32, JF_LINES_OPTIONS_FIELDS) \
    S(jf_lines_result, 304, JF_LINES_RESULT_FIELDS) \
    S(jf_index_stats, 40, JF_INDEX_STATS_FIELDS) \
    S(jf_log_config, 32, JF_LOG_CONFIG_FIELDS) \
    S(jf_log_stats, 32, JF_LOG_STATS_FIELDS) \
    S(jf_wal_options, 32, JF_WAL_OPTIONS_FIELDS) \
    S(jf_wal_open_result, 384, JF_WAL_OPEN_RESULT_FIELDS) \
    S(jf_wal_stats, 80, JF_WAL_STATS_FIELDS) \
    S(jf_wal_read_result, 288, JF_WAL_READ_RESULT_FIELDS) \
    S(jf_alloc_stats, 24, JF_ALLOC_STATS_FIELDS) \
    S(jf_split_plan, 456, JF_SPLIT_PLAN_FIELDS)

/*------------------------------------------------------------------------------
 * Compile time: the documented layout is the compiled layout
 *----------------------------------------------------------------------------*/

#define JF_ASSERT_FIELD(type, field, at) \
    _Static_assert(offsetof(type, field) == (at), #type "." #field " is not at byte " #at " as jsonflat.h says");
#define JF_ASSERT_STRUCT(type, size, FIELDS) \
    _Static_assert(sizeof(type) == (size), "sizeof(" #type ") is not " #size " as jsonflat.h says"); \
    FIELDS(JF_ASSERT_FIELD)

JF_ABI_STRUCTS(JF_ASSERT_STRUCT)

/*------------------------------------------------------------------------------
 * Run time: the same table, as the compiler laid it out
 *----------------------------------------------------------------------------*/

typedef struct jf_abi_field {
    const char *name;
    size_t offset;
} jf_abi_field;

typedef struct jf_abi_struct {
    const char *name;
    size_t size;
    const jf_abi_field *fields;
    size_t count;
} jf_abi_struct;

#define JF_FIELD_ENTRY(type, field, at) {#field, offsetof(type, field)},
#define JF_FIELD_TABLE(type, size, FIELDS) static const jf_abi_field type##_abi_fields[] = {FIELDS(JF_FIELD_ENTRY)};
JF_ABI_STRUCTS(JF_FIELD_TABLE)

#define JF_STRUCT_ENTRY(type, size, FIELDS) \
    {#type, sizeof(type), type##_abi_fields, sizeof(type##_abi_fields) / sizeof(type##_abi_fields[0])},
static const jf_abi_struct jf_abi_structs[] = {JF_ABI_STRUCTS(JF_STRUCT_ENTRY)};

/* The JSON text, written once at load (before any thread can call). 13
 * structs of at most 11 short fields need about 2.5 KiB. */
static char jf_abi_text[8192];

__attribute__((constructor)) static void jf_abi_init(void) {
    size_t used = 0;
    size_t room = sizeof jf_abi_text;
#define JF_PUT(...) \
    do { \
        int n = snprintf(jf_abi_text + used, room - used, __VA_ARGS__); \
        if (n < 0 || (size_t)n >= room - used) { jf_abi_text[0] = '\0'; return; } \
        used += (size_t)n; \
    } while (0)
    JF_PUT("{");
    for (size_t s = 0; s < sizeof jf_abi_structs / sizeof jf_abi_structs[0]; s++) {
        const jf_abi_struct *st = &jf_abi_structs[s];
        JF_PUT("%s\"%s\":{\"size\":%zu,\"fields\":{", s ? "," : "", st->name, st->size);
        for (size_t f = 0; f < st->count; f++) {
            JF_PUT("%s\"%s\":%zu", f ? "," : "", st->fields[f].name, st->fields[f].offset);
        }
        JF_PUT("}}");
    }
    JF_PUT("}");
#undef JF_PUT
}

JF_API const char *jf_abi_layout(void) {
    return jf_abi_text;
}
