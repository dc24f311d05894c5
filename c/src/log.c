/*==============================================================================
 * log.c — the process-wide logger: level filter, text or JSON lines, colour,
 * stderr or an O_APPEND file, one write per record, bounded records.
 *
 * The settings are atomics, read once per record without a lock. The sink
 * (its fd) and the write itself are under one mutex: records never
 * interleave, and switching the sink never closes an fd under a writer.
 *
 * A record is built in a buffer of exactly max_record bytes (on the stack up
 * to 4 KiB) by a writer that stores whole tokens (an escape, a UTF-8
 * character) while they fit and counts the bytes the whole record would
 * take. When that count passes the bound, the text format cuts the line and
 * appends a marker; the JSON format rebuilds the record with the message
 * shortened to what fits and the fields left out, so it stays valid JSON.
 *============================================================================*/
#define _GNU_SOURCE 1
#include "internal.h"
#include "log.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#if defined(_WIN32)
#  include <io.h>
#  define jf_isatty _isatty
#else
#  include <unistd.h>
#  define jf_isatty isatty
#endif

/*------------------------------------------------------------------------------
 * State
 *----------------------------------------------------------------------------*/

static _Atomic int32_t g_level = JF_LOG_INFO;
static _Atomic int32_t g_native_level = JF_LOG_INFO;
static _Atomic uint32_t g_format = JF_LOG_TEXT;
static _Atomic uint32_t g_color_mode = JF_LOG_COLOR_AUTO;
static _Atomic uint32_t g_max_record = JF_LOG_DEFAULT_RECORD;
static _Atomic int g_color_on;   /* the colour decision for the current sink */

static jf_mutex sink_lock = JF_MUTEX_INIT;
static int sink_fd = 2;          /* under sink_lock */
static bool sink_owned;          /* under sink_lock: a file we opened */
static jf_mutex config_lock = JF_MUTEX_INIT; /* serialises jf_log_configure calls */

static _Atomic uint64_t n_written, n_filtered, n_truncated, n_failed;

/* FORCE_COLOR: "0" and "false" turn colour off, any other value (even "")
 * turns it on, as in Node; NO_COLOR (non-empty) turns it off; else a
 * terminal decides. */
static int resolve_color(uint32_t mode, int fd) {
    if (mode == JF_LOG_COLOR_ALWAYS) return 1;
    if (mode == JF_LOG_COLOR_NEVER) return 0;
    const char *force = getenv("FORCE_COLOR");
    if (force) return !(strcmp(force, "0") == 0 || strcmp(force, "false") == 0);
    const char *no = getenv("NO_COLOR");
    if (no && *no) return 0;
    return jf_isatty(fd) ? 1 : 0;
}

__attribute__((constructor)) static void jf_log_init(void) {
    atomic_store(&g_color_on, resolve_color(JF_LOG_COLOR_AUTO, 2));
}

/*------------------------------------------------------------------------------
 * Settings
 *----------------------------------------------------------------------------*/

JF_API void jf_log_get_config(jf_log_config *out) {
    if (!out) return;
    memset(out, 0, sizeof *out);
    out->level = atomic_load(&g_level);
    out->native_level = atomic_load(&g_native_level);
    out->format = atomic_load(&g_format);
    out->color = atomic_load(&g_color_mode);
    out->max_record = atomic_load(&g_max_record);
}

static void set_error(jf_error *error, jf_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void set_error(jf_error *error, jf_code code, const char *fmt, ...) {
    if (!error) return;
    memset(error, 0, sizeof *error);
    error->code = code;
    va_list args;
    va_start(args, fmt);
    vsnprintf(error->message, JF_MESSAGE_SIZE, fmt, args);
    va_end(args);
}

JF_API int32_t jf_log_configure(const jf_log_config *c, jf_error *error) {
    if (error) memset(error, 0, sizeof *error);
    if (!c) {
        set_error(error, JF_INVALID_OPTION, "log configuration missing");
        return JF_INVALID_OPTION;
    }
    uint32_t max = c->max_record ? c->max_record : JF_LOG_DEFAULT_RECORD;
    const char *bad = NULL;
    if (c->level < JF_LOG_DEBUG || c->level > JF_LOG_OFF) bad = "level must be 0 (debug) to 5 (off)";
    else if (c->native_level < JF_LOG_DEBUG || c->native_level > JF_LOG_OFF)
        bad = "native_level must be 0 (debug) to 5 (off)";
    else if (c->format > JF_LOG_JSON) bad = "format must be 0 (text) or 1 (json)";
    else if (c->color > JF_LOG_COLOR_ALWAYS) bad = "color must be 0 (auto), 1 (never) or 2 (always)";
    else if (max < JF_LOG_MIN_RECORD || max > JF_LOG_MAX_RECORD) bad = "max_record must be 256 to 1048576 bytes";
    else if (c->reserved[0] || c->reserved[1] || c->reserved[2]) bad = "reserved fields must be 0";
    if (bad) {
        set_error(error, JF_INVALID_OPTION, "invalid log configuration: %s", bad);
        return JF_INVALID_OPTION;
    }
    jf_mutex_lock(&config_lock);
    atomic_store(&g_level, c->level);
    atomic_store(&g_native_level, c->native_level);
    atomic_store(&g_format, c->format);
    atomic_store(&g_max_record, max);
    atomic_store(&g_color_mode, c->color);
    jf_mutex_lock(&sink_lock);
    atomic_store(&g_color_on, resolve_color(c->color, sink_fd));
    jf_mutex_unlock(&sink_lock);
    jf_mutex_unlock(&config_lock);
    return JF_OK;
}

JF_API int32_t jf_log_set_level(int32_t level) {
    if (level < JF_LOG_DEBUG || level > JF_LOG_OFF) return -1;
    return atomic_exchange(&g_level, level);
}

JF_API int32_t jf_log_get_level(void) {
    return atomic_load(&g_level);
}

int jf_log_native_enabled(int32_t level) {
    return level >= atomic_load_explicit(&g_level, memory_order_relaxed) &&
           level >= atomic_load_explicit(&g_native_level, memory_order_relaxed);
}

/*------------------------------------------------------------------------------
 * Sinks
 *----------------------------------------------------------------------------*/

/* Replaces the sink; closes the old one if it was our file. */
static void swap_sink(int fd, bool owned) {
    jf_mutex_lock(&config_lock);
    jf_mutex_lock(&sink_lock);
    int old = sink_fd;
    bool old_owned = sink_owned;
    sink_fd = fd;
    sink_owned = owned;
    atomic_store(&g_color_on, resolve_color(atomic_load(&g_color_mode), fd));
    jf_mutex_unlock(&sink_lock);
    jf_mutex_unlock(&config_lock);
#if defined(_WIN32)
    if (old_owned && old != fd) _close(old);
#else
    if (old_owned && old != fd) close(old);
#endif
}

JF_API int32_t jf_log_open_file(const uint8_t *path, size_t length, jf_error *error) {
    if (error) memset(error, 0, sizeof *error);
    if (!path || !length || memchr(path, 0, length)) {
        set_error(error, JF_INVALID_OPTION, "log file path is empty or holds a NUL byte");
        return JF_INVALID_OPTION;
    }
    char *z = jf_malloc(length + 1);
    if (!z) {
        set_error(error, JF_OUT_OF_MEMORY, "out of memory for a %zu-byte path", length);
        return JF_OUT_OF_MEMORY;
    }
    memcpy(z, path, length);
    z[length] = 0;
#if defined(_WIN32)
    int fd = _open(z, _O_WRONLY | _O_APPEND | _O_CREAT | _O_BINARY | _O_NOINHERIT, _S_IREAD | _S_IWRITE);
#else
    int fd;
    do fd = open(z, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    while (fd < 0 && errno == EINTR);
#endif
    int e = errno;
    if (fd < 0) {
        set_error(error, JF_IO, "cannot open log file %.150s: %s", z, strerror(e));
        jf_free(z);
        return JF_IO;
    }
    jf_free(z);
    swap_sink(fd, true);
    return JF_OK;
}

JF_API void jf_log_use_stderr(void) {
    swap_sink(2, false);
}

JF_API void jf_log_get_stats(jf_log_stats *out) {
    if (!out) return;
    out->written = atomic_load_explicit(&n_written, memory_order_relaxed);
    out->filtered = atomic_load_explicit(&n_filtered, memory_order_relaxed);
    out->truncated = atomic_load_explicit(&n_truncated, memory_order_relaxed);
    out->failed = atomic_load_explicit(&n_failed, memory_order_relaxed);
}

/* 0 or an errno value. Continues short writes and EINTR. */
static int write_all(int fd, const uint8_t *p, size_t n) {
    while (n) {
#if defined(_WIN32)
        int w = _write(fd, p, n > (1u << 30) ? (1u << 30) : (unsigned)n);
#else
        ssize_t w = write(fd, p, n);
#endif
        if (w < 0) {
            if (errno == EINTR) continue;
            return errno ? errno : EIO;
        }
        if (w == 0) return EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int flush_fd(int fd) {
#if defined(_WIN32)
    return _commit(fd) == 0 ? 0 : errno;
#elif defined(__APPLE__)
    return fsync(fd) == 0 ? 0 : errno;
#else
    return fdatasync(fd) == 0 ? 0 : errno;
#endif
}

/*------------------------------------------------------------------------------
 * The bounded record writer
 *----------------------------------------------------------------------------*/

typedef struct rec {
    uint8_t *p;
    size_t len;   /* bytes stored */
    size_t cap;   /* nothing is stored past this */
    size_t want;  /* bytes the whole record would take */
    bool full;    /* a token did not fit: store nothing more (keeps a prefix) */
} rec;

/* One token: stored whole or not at all. */
static void rec_token(rec *r, const void *s, size_t n) {
    r->want += n;
    if (r->full) return;
    if (n > r->cap - r->len) {
        r->full = true;
        return;
    }
    memcpy(r->p + r->len, s, n);
    r->len += n;
}

/* A run of one-byte tokens (plain ASCII): as many as fit. */
static void rec_run(rec *r, const uint8_t *s, size_t n) {
    r->want += n;
    if (r->full) return;
    size_t room = r->cap - r->len;
    if (n > room) {
        memcpy(r->p + r->len, s, room);
        r->len += room;
        r->full = true;
        return;
    }
    memcpy(r->p + r->len, s, n);
    r->len += n;
}

#define rec_lit(r, lit) rec_token((r), "" lit, sizeof(lit) - 1)

static void rec_u64(rec *r, uint64_t v) {
    char d[20];
    int n = 0;
    do {
        d[19 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    rec_token(r, d + 20 - n, (size_t)n);
}

/* Length of the valid UTF-8 sequence at s, or 0 if the bytes are not one. */
static size_t utf8_seq(const uint8_t *s, size_t n) {
    uint8_t c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0)) return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90)) return 0;
        return 4;
    }
    return 0;
}

static const char hexdigits[] = "0123456789abcdef";

/* The code point of the valid k-byte UTF-8 sequence at s (k = utf8_seq). */
static uint32_t utf8_code_point(const uint8_t *s, size_t k) {
    if (k == 1) return s[0];
    if (k == 2) return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    if (k == 3) return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) | ((uint32_t)(s[2] & 0x3F) << 6) |
           (s[3] & 0x3F);
}

/* Characters that are valid UTF-8 but must not reach a log line raw: the C1
 * controls (U+0085 NEL ends a line for Python's splitlines and many editors,
 * U+009B CSI drives terminals like ESC [), the line and paragraph separators
 * U+2028/U+2029, and the Bidi_Control characters (U+061C, U+200E/F,
 * U+202A-E, U+2066-9), which reorder how the rest of a line is displayed. */
static bool is_hidden_control(uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* \uXXXX (lower-case hex): the same in both formats, and valid JSON. */
static void rec_unicode_escape(rec *r, uint32_t cp) {
    char esc[6] = { '\\', 'u', hexdigits[(cp >> 12) & 15], hexdigits[(cp >> 8) & 15],
                    hexdigits[(cp >> 4) & 15], hexdigits[cp & 15] };
    rec_token(r, esc, 6);
}

static void rec_byte_escape(rec *r, uint8_t c) {
    char esc[4] = { '\\', 'x', hexdigits[c >> 4], hexdigits[c & 15] };
    rec_token(r, esc, 4);
}

/* Writes `s` so that it stays on one line and cannot steer a terminal:
 * JSON string escapes (invalid UTF-8 as \ufffd) or, for text, \n \r \t and
 * \xNN for other C0 control bytes, DEL and invalid UTF-8; in both, \uXXXX for
 * the characters of is_hidden_control. */
static void rec_escaped(rec *r, const uint8_t *s, size_t n, bool json) {
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] >= 0x20 && s[j] < 0x7f && !(json && (s[j] == '"' || s[j] == '\\'))) j++;
        if (j > i) {
            rec_run(r, s + i, j - i);
            i = j;
            continue;
        }
        uint8_t c = s[i];
        if (c == '\n') rec_lit(r, "\\n");
        else if (c == '\r') rec_lit(r, "\\r");
        else if (c == '\t') rec_lit(r, "\\t");
        else if (json && c == '"') rec_lit(r, "\\\"");
        else if (json && c == '\\') rec_lit(r, "\\\\");
        else if (c == 0x7f && json) rec_token(r, s + i, 1); /* plain text in JSON */
        else if (c < 0x20 && json) rec_unicode_escape(r, c);
        else if (c < 0x20 || c == 0x7f) rec_byte_escape(r, c);
        else {
            size_t k = utf8_seq(s + i, n - i);
            if (k && is_hidden_control(utf8_code_point(s + i, k))) rec_unicode_escape(r, utf8_code_point(s + i, k));
            else if (k) rec_token(r, s + i, k);
            else if (json) rec_lit(r, "\\ufffd");
            else rec_byte_escape(r, c);
            i += k ? k : 1;
            continue;
        }
        i++;
    }
}

/* Copies validated JSON members, escaping the characters of
 * is_hidden_control as \uXXXX: in valid JSON they can only stand inside
 * strings, where the escape means the same character. */
static void rec_json_members(rec *r, const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != 0xC2 && s[j] != 0xD8 && s[j] != 0xE2) j++; /* lead bytes of all of them */
        if (j > i) {
            rec_run(r, s + i, j - i);
            i = j;
            continue;
        }
        size_t k = utf8_seq(s + i, n - i);
        if (k && is_hidden_control(utf8_code_point(s + i, k))) rec_unicode_escape(r, utf8_code_point(s + i, k));
        else rec_run(r, s + i, k ? k : 1);
        i += k ? k : 1;
    }
}

/*------------------------------------------------------------------------------
 * Formatting
 *----------------------------------------------------------------------------*/

static const char *const level_text[] = { "DEBUG", "INFO ", "WARN ", "ERROR", "FATAL" };
static const char *const level_json[] = { "debug", "info", "warn", "error", "fatal" };
static const char *const level_color[] = { "\x1b[90m", "\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[1;35m" };

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

static void put2(char *p, unsigned v) {
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

/* "2026-11-24T12:00:00.123Z" (24 bytes, no NUL). */
static void format_time(char out[24]) {
    int64_t sec;
    unsigned ms;
#if defined(_WIN32)
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    uint64_t t = ((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime) - 116444736000000000ull;
    sec = (int64_t)(t / 10000000u);
    ms = (unsigned)(t / 10000u % 1000u);
#else
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sec = (int64_t)ts.tv_sec;
    ms = (unsigned)(ts.tv_nsec / 1000000);
#endif
    int64_t days = sec / 86400, rem = sec % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0) y = 0;
    if (y > 9999) y = 9999;
    put2(out, (unsigned)(y / 100));
    put2(out + 2, (unsigned)(y % 100));
    out[4] = '-';
    put2(out + 5, m);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = 'T';
    put2(out + 11, (unsigned)(rem / 3600));
    out[13] = ':';
    put2(out + 14, (unsigned)(rem / 60 % 60));
    out[16] = ':';
    put2(out + 17, (unsigned)(rem % 60));
    out[19] = '.';
    out[20] = (char)('0' + ms / 100);
    put2(out + 21, ms % 100);
    out[23] = 'Z';
}

typedef enum fields_kind { FIELDS_NONE, FIELDS_MEMBERS, FIELDS_TEXT } fields_kind;

typedef struct record_in {
    int32_t level;
    int32_t worker;
    uint64_t tid;
    char time[24];
    const uint8_t *msg;
    size_t msg_len;
    fields_kind fields;
    const uint8_t *fp; /* FIELDS_MEMBERS: the members between the braces; FIELDS_TEXT: everything */
    size_t fn;
} record_in;

static bool is_space(uint8_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Classifies the fields: a JSON object (yyjson-validated) contributes its
 * members; anything else is kept as text. */
static void classify_fields(record_in *in, const uint8_t *fields, size_t n) {
    in->fields = FIELDS_NONE;
    if (!fields || !n) return;
    yyjson_read_err err;
    yyjson_doc *doc = yyjson_read_opts((char *)(uintptr_t)fields, n, 0, &jf_yyjson_alc, &err);
    bool object = doc && yyjson_is_obj(yyjson_doc_get_root(doc));
    if (doc) yyjson_doc_free(doc);
    if (!object) {
        in->fields = FIELDS_TEXT;
        in->fp = fields;
        in->fn = n;
        return;
    }
    size_t a = 0, b = n;
    while (a < b && is_space(fields[a])) a++;
    while (b > a && is_space(fields[b - 1])) b--;
    a++; /* '{' */
    b--; /* '}' */
    while (a < b && is_space(fields[a])) a++;
    while (b > a && is_space(fields[b - 1])) b--;
    if (a >= b) return; /* {} */
    in->fields = FIELDS_MEMBERS;
    in->fp = fields + a;
    in->fn = b - a;
}

static void text_record(rec *r, const record_in *in, bool color) {
    rec_token(r, in->time, 24);
    rec_lit(r, " ");
    if (color) rec_token(r, level_color[in->level], strlen(level_color[in->level]));
    rec_token(r, level_text[in->level], 5);
    if (color) rec_lit(r, "\x1b[0m");
    if (in->worker >= 0) {
        rec_lit(r, " w");
        rec_u64(r, (uint64_t)in->worker);
    } else {
        rec_lit(r, " t");
        rec_u64(r, in->tid);
    }
    rec_lit(r, " ");
    rec_escaped(r, in->msg, in->msg_len, false);
    if (in->fields == FIELDS_MEMBERS) {
        rec_lit(r, " {");
        rec_escaped(r, in->fp, in->fn, false);
        rec_lit(r, "}");
    } else if (in->fields == FIELDS_TEXT) {
        rec_lit(r, " ");
        rec_escaped(r, in->fp, in->fn, false);
    }
}

static void json_prefix(rec *r, const record_in *in) {
    rec_lit(r, "{\"time\":\"");
    rec_token(r, in->time, 24);
    rec_lit(r, "\",\"level\":\"");
    rec_token(r, level_json[in->level], strlen(level_json[in->level]));
    rec_lit(r, "\",");
    if (in->worker >= 0) {
        rec_lit(r, "\"worker\":");
        rec_u64(r, (uint64_t)in->worker);
        rec_lit(r, ",");
    }
    rec_lit(r, "\"tid\":");
    rec_u64(r, in->tid);
    rec_lit(r, ",\"msg\":\"");
}

static void json_record(rec *r, const record_in *in) {
    json_prefix(r, in);
    rec_escaped(r, in->msg, in->msg_len, true);
    rec_lit(r, "\"");
    if (in->fields == FIELDS_MEMBERS) {
        rec_lit(r, ",");
        rec_json_members(r, in->fp, in->fn); /* validated JSON */
    } else if (in->fields == FIELDS_TEXT) {
        rec_lit(r, ",\"fields\":\"");
        rec_escaped(r, in->fp, in->fn, true);
        rec_lit(r, "\"");
    }
    rec_lit(r, "}");
}

/* Builds the record into buf[0, bound) and returns its length (newline
 * included); *cut tells whether it was shortened. */
static size_t build_record(uint8_t *buf, size_t bound, const record_in *in, uint32_t format, bool color,
                           bool *cut) {
    rec r = { buf, 0, bound - 1, 0, false };
    if (format == JF_LOG_JSON) json_record(&r, in);
    else text_record(&r, in, color);
    *cut = r.want > bound - 1;
    if (!*cut) {
        buf[r.len++] = '\n';
        return r.len;
    }
    char tail[64];
    if (format == JF_LOG_JSON) {
        int tn = snprintf(tail, sizeof tail, "\",\"truncated\":%zu}\n", r.want + 1);
        rec again = { buf, 0, bound - (size_t)tn, 0, false };
        json_prefix(&again, in);
        rec_escaped(&again, in->msg, in->msg_len, true);
        memcpy(buf + again.len, tail, (size_t)tn);
        return again.len + (size_t)tn;
    }
    int tn = snprintf(tail, sizeof tail, " ...[truncated from %zu bytes]\n", r.want + 1);
    size_t keep = bound - (size_t)tn;
    if (r.len > keep) r.len = keep;
    while (r.len > 0 && (buf[r.len] & 0xC0) == 0x80) r.len--; /* not inside a character */
    memcpy(buf + r.len, tail, (size_t)tn);
    return r.len + (size_t)tn;
}

/*------------------------------------------------------------------------------
 * Writing
 *----------------------------------------------------------------------------*/

/* The OS thread id, looked up once per thread (on Linux it is a system call). */
static _Thread_local uint64_t cached_tid;

static int32_t emit(int32_t level, int32_t worker, const uint8_t *msg, size_t msg_len, const uint8_t *fields,
                    size_t fields_len, jf_error *error) {
    record_in in;
    in.level = level;
    in.worker = worker;
    if (!cached_tid) cached_tid = jf_thread_id();
    in.tid = cached_tid;
    in.msg = msg ? msg : (const uint8_t *)"";
    in.msg_len = msg ? msg_len : 0;
    format_time(in.time);
    classify_fields(&in, fields, fields_len);

    uint8_t stack[JF_LOG_DEFAULT_RECORD];
    size_t bound = atomic_load_explicit(&g_max_record, memory_order_relaxed);
    uint8_t *buf = stack;
    if (bound > sizeof stack) {
        buf = jf_malloc(bound);
        if (!buf) {
            buf = stack;
            bound = sizeof stack;
        }
    }
    bool cut;
    size_t len = build_record(buf, bound, &in, atomic_load_explicit(&g_format, memory_order_relaxed),
                              atomic_load_explicit(&g_color_on, memory_order_relaxed) != 0, &cut);

    jf_mutex_lock(&sink_lock);
    int fd = sink_fd;
    int e = write_all(fd, buf, len);
    int flush_e = 0;
    if (level == JF_LOG_FATAL) {
        if (!e && sink_owned) flush_e = flush_fd(fd);
        if (fd != 2) (void)write_all(2, buf, len);
    }
    jf_mutex_unlock(&sink_lock);

    if (buf != stack) jf_free(buf);
    if (cut) atomic_fetch_add_explicit(&n_truncated, 1, memory_order_relaxed);
    if (e) {
        atomic_fetch_add_explicit(&n_failed, 1, memory_order_relaxed);
        set_error(error, JF_IO, "log sink refused a %zu-byte record: %s", len, strerror(e));
        return JF_IO;
    }
    atomic_fetch_add_explicit(&n_written, 1, memory_order_relaxed);
    if (flush_e) {
        set_error(error, JF_IO, "log sink could not be flushed: %s", strerror(flush_e));
        return JF_IO;
    }
    return JF_OK;
}

JF_API int32_t jf_log_write(int32_t level, int32_t worker, const uint8_t *message, size_t message_length,
                            const uint8_t *fields, size_t fields_length, jf_error *error) {
    if (error) memset(error, 0, sizeof *error);
    if (level < JF_LOG_DEBUG || level > JF_LOG_FATAL) {
        set_error(error, JF_INVALID_OPTION, "log level must be 0 (debug) to 4 (fatal), got %d", (int)level);
        return JF_INVALID_OPTION;
    }
    if (level < atomic_load_explicit(&g_level, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&n_filtered, 1, memory_order_relaxed);
        return JF_OK;
    }
    return emit(level, worker, message, message_length, fields, fields_length, error);
}

void jf_logf(int32_t level, const char *fmt, ...) {
    if (level < JF_LOG_DEBUG || level > JF_LOG_FATAL) return;
    if (!jf_log_native_enabled(level)) {
        atomic_fetch_add_explicit(&n_filtered, 1, memory_order_relaxed);
        return;
    }
    char msg[1024];
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
    (void)emit(level, -1, (const uint8_t *)msg, len, NULL, 0, NULL);
}
