/*==============================================================================
 * test_log.c — the logger: text and JSON formats, colour decisions, level
 * filters (the library's own records separately), escaping that keeps one
 * record on one line, the record bound with its marker at every size, fields
 * that are not an object, sink errors, fatal's flush and stderr copy, and 8
 * threads writing at once (every line whole, none lost). The allocation
 * counters end where they started.
 *============================================================================*/
#define _GNU_SOURCE 1 /* memmem */
#include "check.h"
#include "log.h"
#include "yyjson.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

static char log_path[256];

static bool starts(const char *p, const char *lit) {
    return strncmp(p, lit, strlen(lit)) == 0;
}

/* The log file's bytes, NUL-terminated (for strstr). */
static unsigned char *slurp(size_t *len) {
    unsigned char *d = check_read_file(log_path, len);
    if (!d) *len = 0;
    unsigned char *z = (unsigned char *)malloc(*len + 1);
    if (*len) memcpy(z, d, *len);
    z[*len] = 0;
    free(d);
    return z;
}

/* Empties the log file and points the sink at it. */
static void fresh_sink(void) {
    int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) close(fd);
    jf_error e;
    CHECK_INT_EQ(jf_log_open_file((const uint8_t *)log_path, strlen(log_path), &e), JF_OK);
}

static void configure(int32_t level, int32_t native_level, uint32_t format, uint32_t color, uint32_t max) {
    jf_log_config c;
    memset(&c, 0, sizeof c);
    c.level = level;
    c.native_level = native_level;
    c.format = format;
    c.color = color;
    c.max_record = max;
    jf_error e;
    int32_t rc = jf_log_configure(&c, &e);
    CHECK_MSG(rc == JF_OK, "configure: %s", e.message);
}

static int32_t say(int32_t level, int32_t worker, const char *msg, const char *fields) {
    jf_error e;
    return jf_log_write(level, worker, (const uint8_t *)msg, strlen(msg), (const uint8_t *)fields,
                        fields ? strlen(fields) : 0, &e);
}

/* Number of '\n' in the data, and whether every line ends in one. */
static size_t count_lines(const unsigned char *d, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += d[i] == '\n';
    return k;
}

static bool valid_utf8(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!k || i + k > n) return false;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80) return false;
        i += k;
    }
    return true;
}

/*------------------------------------------------------------------------------
 * Formats
 *----------------------------------------------------------------------------*/

static void test_text_format(void) {
    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_NEVER, 0);
    fresh_sink();
    CHECK_INT_EQ(say(JF_LOG_INFO, 3, "hello world", "{\"a\":1,\"b\":\"x\"}"), JF_OK);
    CHECK_INT_EQ(say(JF_LOG_WARN, 0, "careful", NULL), JF_OK);
    CHECK_INT_EQ(say(JF_LOG_DEBUG, -1, "from native", "{}"), JF_OK);
    size_t n;
    unsigned char *d = slurp(&n);
    CHECK_INT_EQ(count_lines(d, n), 3);
    /* 2026-11-24T12:00:00.123Z INFO  w3 hello world {"a":1,"b":"x"} */
    const char *l1 = (const char *)d;
    CHECK(n > 30 && l1[4] == '-' && l1[7] == '-' && l1[10] == 'T' && l1[13] == ':' && l1[16] == ':' &&
          l1[19] == '.' && l1[23] == 'Z' && l1[24] == ' ');
    CHECK(starts(l1 + 25, "INFO  w3 hello world {\"a\":1,\"b\":\"x\"}\n"));
    const char *l2 = strchr(l1, '\n') + 1;
    CHECK(starts(l2 + 25, "WARN  w0 careful\n"));
    const char *l3 = strchr(l2, '\n') + 1;
    CHECK(starts(l3 + 25, "DEBUG t"));
    CHECK(strstr(l3, " from native\n") != NULL); /* "{}" adds nothing */
    CHECK(memchr(d, 0x1b, n) == NULL);
    free(d);
}

static void test_json_format(void) {
    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_JSON, JF_LOG_COLOR_ALWAYS /* ignored in JSON */, 0);
    fresh_sink();
    CHECK_INT_EQ(say(JF_LOG_ERROR, 7, "disk \"full\"\n", " { \"path\" : \"/x\", \"n\": [1,2] } "), JF_OK);
    CHECK_INT_EQ(say(JF_LOG_FATAL - 1, -1, "native", NULL), JF_OK);
    CHECK_INT_EQ(say(JF_LOG_INFO, 1, "bad fields", "{\"a\":"), JF_OK);
    CHECK_INT_EQ(say(JF_LOG_INFO, 1, "array fields", "[1,2]"), JF_OK);
    size_t n;
    unsigned char *d = slurp(&n);
    CHECK_INT_EQ(count_lines(d, n), 4);
    CHECK(memchr(d, 0x1b, n) == NULL);
    char *line = (char *)d;
    for (int i = 0; i < 4; i++) {
        char *nl = strchr(line, '\n');
        if (!nl) break;
        yyjson_doc *doc = yyjson_read(line, (size_t)(nl - line), 0);
        CHECK_MSG(doc != NULL, "line %d is not JSON: %.*s", i, (int)(nl - line), line);
        if (doc) {
            yyjson_val *root = yyjson_doc_get_root(doc);
            const char *t = yyjson_get_str(yyjson_obj_get(root, "time"));
            CHECK(t && strlen(t) == 24 && t[23] == 'Z');
            CHECK(yyjson_is_uint(yyjson_obj_get(root, "tid")));
            if (i == 0) {
                CHECK_STR_EQ(yyjson_get_str(yyjson_obj_get(root, "level")), "error");
                CHECK_INT_EQ(yyjson_get_uint(yyjson_obj_get(root, "worker")), 7);
                CHECK_STR_EQ(yyjson_get_str(yyjson_obj_get(root, "msg")), "disk \"full\"\n");
                CHECK_STR_EQ(yyjson_get_str(yyjson_obj_get(root, "path")), "/x");
                CHECK_INT_EQ(yyjson_arr_size(yyjson_obj_get(root, "n")), 2);
            } else if (i == 1) {
                CHECK_STR_EQ(yyjson_get_str(yyjson_obj_get(root, "level")), "error");
                CHECK(yyjson_obj_get(root, "worker") == NULL);
            } else if (i == 2) {
                CHECK_STR_EQ(yyjson_get_str(yyjson_obj_get(root, "fields")), "{\"a\":");
            } else {
                CHECK_STR_EQ(yyjson_get_str(yyjson_obj_get(root, "fields")), "[1,2]");
            }
            yyjson_doc_free(doc);
        }
        line = nl + 1;
    }
    free(d);
}

static void test_escaping(void) {
    const char msg[] = "a\nb\tc\r\x01\x7f\x1b[31m \xff\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\xa0\x80 end";
    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_NEVER, 0);
    fresh_sink();
    CHECK_INT_EQ(say(JF_LOG_INFO, 0, msg, NULL), JF_OK);
    size_t n;
    unsigned char *d = slurp(&n);
    CHECK_INT_EQ(count_lines(d, n), 1);
    CHECK(memchr(d, 0x1b, n) == NULL && memchr(d, '\t', n) == NULL && memchr(d, '\r', n) == NULL);
    CHECK(strstr((char *)d, "a\\nb\\tc\\r\\x01\\x7f\\x1b[31m \\xff\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
                            "\\xed\\xa0\\x80 end\n") != NULL);
    CHECK(valid_utf8(d, n));
    free(d);

    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_JSON, JF_LOG_COLOR_NEVER, 0);
    fresh_sink();
    CHECK_INT_EQ(say(JF_LOG_INFO, 0, msg, NULL), JF_OK);
    d = slurp(&n);
    yyjson_doc *doc = yyjson_read((char *)d, n - 1, 0); /* strict: valid UTF-8 */
    CHECK(doc != NULL);
    if (doc) {
        const char *m = yyjson_get_str(yyjson_obj_get(yyjson_doc_get_root(doc), "msg"));
        CHECK_STR_EQ(m, "a\nb\tc\r\x01\x7f\x1b[31m \xef\xbf\xbd\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd end");
        yyjson_doc_free(doc);
    }
    free(d);

    /* A message with a NUL inside is written whole (length, not strlen). */
    fresh_sink();
    jf_error e;
    CHECK_INT_EQ(jf_log_write(JF_LOG_INFO, 0, (const uint8_t *)"x\0y", 3, NULL, 0, &e), JF_OK);
    d = slurp(&n);
    CHECK(strstr((char *)d, "\"msg\":\"x\\u0000y\"") != NULL);
    free(d);
    /* NULL message: empty. */
    CHECK_INT_EQ(jf_log_write(JF_LOG_INFO, 0, NULL, 5, NULL, 0, &e), JF_OK);
}

/* Bytes other than a record's own LF that end a line for some reader
 * (Python's splitlines: CR VT FF FS GS RS, NEL, U+2028, U+2029) or steer a
 * terminal (ESC, C1 controls); LFs are counted by count_lines. */
static const char *line_breaker(const unsigned char *d, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = d[i];
        if (c == '\r' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e) || c == 0x1b)
            return "C0 control";
        if (c == 0xC2 && i + 1 < n && d[i + 1] >= 0x80 && d[i + 1] <= 0x9F) return "C1 control";
        if (c == 0xE2 && i + 2 < n && d[i + 1] == 0x80 && (d[i + 2] == 0xA8 || d[i + 2] == 0xA9))
            return "line or paragraph separator";
        if (c == 0xE2 && i + 2 < n && ((d[i + 1] == 0x80 && d[i + 2] >= 0xAA && d[i + 2] <= 0xAE) ||
                                       (d[i + 1] == 0x81 && d[i + 2] >= 0xA6 && d[i + 2] <= 0xA9)))
            return "bidi control";
    }
    return NULL;
}

/* C1 controls, U+2028/2029 and the bidi controls are valid UTF-8 but must
 * not reach a line raw; their neighbours (U+00A0, U+2027, U+202F, U+2065,
 * U+206A) stay raw. */
static void test_escaping_hidden_controls(void) {
    const char msg[] = "nel\xc2\x85" "csi\xc2\x9b" "2J c1\xc2\x80\xc2\x9f nbsp\xc2\xa0 "
                       "ls\xe2\x80\xa8ps\xe2\x80\xa9 rlo\xe2\x80\xae lri\xe2\x81\xa6pdi\xe2\x81\xa9 "
                       "lre\xe2\x80\xaa alm\xd8\x9c lrm\xe2\x80\x8e "
                       "keep\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa\xd8\x9b end";
    const char fields[] = "{\"k\xe2\x80\xa8\":\"v\xc2\x85w\xe2\x80\xae\",\"raw\":\"\xc2\xa0\"}";
    const char text_msg[] = "nel\\u0085csi\\u009b2J c1\\u0080\\u009f nbsp\xc2\xa0 "
                            "ls\\u2028ps\\u2029 rlo\\u202e lri\\u2066pdi\\u2069 lre\\u202a alm\\u061c lrm\\u200e "
                            "keep\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa\xd8\x9b end";
    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_NEVER, 0);
    fresh_sink();
    CHECK_INT_EQ(say(JF_LOG_INFO, 0, msg, fields), JF_OK);
    CHECK_INT_EQ(say(JF_LOG_INFO, 0, "plain", "not json \xc2\x85\xe2\x80\xa9"), JF_OK); /* fields as text */
    size_t n;
    unsigned char *d = slurp(&n);
    const char *bad = line_breaker(d, n);
    CHECK_MSG(bad == NULL, "text record holds a raw %s", bad);
    CHECK_INT_EQ(count_lines(d, n), 2);
    CHECK_MSG(strstr((char *)d, text_msg) != NULL, "text message not escaped as expected: %s", (char *)d);
    CHECK(strstr((char *)d, " {\"k\\u2028\":\"v\\u0085w\\u202e\",\"raw\":\"\xc2\xa0\"}\n") != NULL);
    CHECK(strstr((char *)d, " w0 plain not json \\u0085\\u2029\n") != NULL);
    CHECK(valid_utf8(d, n));
    free(d);

    /* JSON lines: the same characters as \uXXXX escapes, message and fields
     * alike; a JSON reader gets the original text back. */
    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_JSON, JF_LOG_COLOR_NEVER, 0);
    fresh_sink();
    CHECK_INT_EQ(say(JF_LOG_INFO, 0, msg, fields), JF_OK);
    d = slurp(&n);
    bad = line_breaker(d, n);
    CHECK_MSG(bad == NULL, "JSON record holds a raw %s", bad);
    yyjson_doc *doc = yyjson_read((char *)d, n - 1, 0);
    CHECK(doc != NULL);
    if (doc) {
        yyjson_val *root = yyjson_doc_get_root(doc);
        CHECK_STR_EQ(yyjson_get_str(yyjson_obj_get(root, "msg")), msg);
        CHECK_STR_EQ(yyjson_get_str(yyjson_obj_get(root, "k\xe2\x80\xa8")), "v\xc2\x85w\xe2\x80\xae");
        CHECK_STR_EQ(yyjson_get_str(yyjson_obj_get(root, "raw")), "\xc2\xa0");
        yyjson_doc_free(doc);
    }
    free(d);
}

static void test_color(void) {
    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_ALWAYS, 0);
    fresh_sink();
    say(JF_LOG_INFO, 0, "green", NULL);
    say(JF_LOG_ERROR, 0, "red", NULL);
    size_t n;
    unsigned char *d = slurp(&n);
    CHECK(strstr((char *)d, " \x1b[32mINFO \x1b[0m w0 green\n") != NULL);
    CHECK(strstr((char *)d, " \x1b[31mERROR\x1b[0m w0 red\n") != NULL);
    free(d);

    /* AUTO on a file: off, unless FORCE_COLOR says otherwise. */
    unsetenv("FORCE_COLOR");
    unsetenv("NO_COLOR");
    struct { const char *force, *no; int expect; } cases[] = {
        { NULL, NULL, 0 }, { "1", NULL, 1 }, { "", NULL, 1 }, { "0", NULL, 0 }, { "false", NULL, 0 },
        { "3", "1", 1 }, { NULL, "1", 0 }, { NULL, "", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].force) setenv("FORCE_COLOR", cases[i].force, 1);
        else unsetenv("FORCE_COLOR");
        if (cases[i].no) setenv("NO_COLOR", cases[i].no, 1);
        else unsetenv("NO_COLOR");
        configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_AUTO, 0);
        fresh_sink();
        say(JF_LOG_WARN, 0, "x", NULL);
        d = slurp(&n);
        CHECK_MSG((memchr(d, 0x1b, n) != NULL) == cases[i].expect, "case %zu: FORCE_COLOR=%s NO_COLOR=%s", i,
                  cases[i].force ? cases[i].force : "(unset)", cases[i].no ? cases[i].no : "(unset)");
        free(d);
    }
    unsetenv("FORCE_COLOR");
    unsetenv("NO_COLOR");
}

/*------------------------------------------------------------------------------
 * Levels, settings, errors
 *----------------------------------------------------------------------------*/

static void test_levels(void) {
    configure(JF_LOG_WARN, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_NEVER, 0);
    fresh_sink();
    jf_log_stats before, after;
    jf_log_get_stats(&before);
    say(JF_LOG_DEBUG, 0, "no", NULL);
    say(JF_LOG_INFO, 0, "no", NULL);
    say(JF_LOG_WARN, 0, "yes1", NULL);
    say(JF_LOG_FATAL - 1, 0, "yes2", NULL);
    jf_log_get_stats(&after);
    CHECK_INT_EQ(after.filtered - before.filtered, 2);
    CHECK_INT_EQ(after.written - before.written, 2);
    CHECK_INT_EQ(jf_log_get_level(), JF_LOG_WARN);
    CHECK_INT_EQ(jf_log_set_level(JF_LOG_DEBUG), JF_LOG_WARN);
    CHECK_INT_EQ(jf_log_set_level(6), -1);
    CHECK_INT_EQ(jf_log_set_level(-1), -1);
    CHECK_INT_EQ(jf_log_get_level(), JF_LOG_DEBUG);
    say(JF_LOG_DEBUG, 0, "yes3", NULL);
    CHECK_INT_EQ(jf_log_set_level(JF_LOG_OFF), JF_LOG_DEBUG);
    say(JF_LOG_ERROR, 0, "no", NULL);
    jf_log_set_level(JF_LOG_DEBUG);

    /* The library's own records: native_level applies too; OFF silences them. */
    jf_logf(JF_LOG_INFO, "native %d", 1);
    configure(JF_LOG_DEBUG, JF_LOG_OFF, JF_LOG_TEXT, JF_LOG_COLOR_NEVER, 0);
    jf_logf(JF_LOG_ERROR, "native %d", 2);
    CHECK(!jf_log_native_enabled(JF_LOG_FATAL));
    say(JF_LOG_DEBUG, 0, "yes4", NULL); /* JavaScript records are not affected */
    configure(JF_LOG_ERROR, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_NEVER, 0);
    jf_logf(JF_LOG_WARN, "native %d", 3); /* below the main level */
    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_NEVER, 0);

    size_t n;
    unsigned char *d = slurp(&n);
    CHECK_INT_EQ(count_lines(d, n), 5);
    CHECK(strstr((char *)d, " no\n") == NULL);
    CHECK(strstr((char *)d, "yes1\n") && strstr((char *)d, "yes2\n") && strstr((char *)d, "yes3\n") &&
          strstr((char *)d, "yes4\n") && strstr((char *)d, " native 1\n"));
    CHECK(!strstr((char *)d, "native 2") && !strstr((char *)d, "native 3"));
    free(d);
}

static void test_bad_arguments(void) {
    jf_error e;
    CHECK_INT_EQ(jf_log_write(5, 0, (const uint8_t *)"x", 1, NULL, 0, &e), JF_INVALID_OPTION);
    CHECK(strstr(e.message, "level") != NULL);
    CHECK_INT_EQ(jf_log_write(-1, 0, (const uint8_t *)"x", 1, NULL, 0, NULL), JF_INVALID_OPTION);

    jf_log_config before, c, after;
    jf_log_get_config(&before);
    struct { int field; int64_t value; } bad[] = {
        { 0, 6 }, { 0, -1 }, { 1, 6 }, { 2, 2 }, { 3, 3 }, { 4, 255 }, { 4, JF_LOG_MAX_RECORD + 1 }, { 5, 1 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c = before;
        switch (bad[i].field) {
        case 0: c.level = (int32_t)bad[i].value; break;
        case 1: c.native_level = (int32_t)bad[i].value; break;
        case 2: c.format = (uint32_t)bad[i].value; break;
        case 3: c.color = (uint32_t)bad[i].value; break;
        case 4: c.max_record = (uint32_t)bad[i].value; break;
        default: c.reserved[1] = 1; break;
        }
        CHECK_INT_EQ(jf_log_configure(&c, &e), JF_INVALID_OPTION);
        CHECK(e.message[0] != 0);
    }
    CHECK_INT_EQ(jf_log_configure(NULL, NULL), JF_INVALID_OPTION);
    jf_log_get_config(&after);
    CHECK(memcmp(&before, &after, sizeof before) == 0);
    jf_log_get_config(NULL);
    jf_log_get_stats(NULL);

    CHECK_INT_EQ(jf_log_open_file((const uint8_t *)"", 0, &e), JF_INVALID_OPTION);
    CHECK_INT_EQ(jf_log_open_file((const uint8_t *)"a\0b", 3, &e), JF_INVALID_OPTION);
    CHECK_INT_EQ(jf_log_open_file(NULL, 4, NULL), JF_INVALID_OPTION);
    const char *missing = "/nonexistent-jsonflat-dir/x.log";
    CHECK_INT_EQ(jf_log_open_file((const uint8_t *)missing, strlen(missing), &e), JF_IO);
    CHECK(strstr(e.message, "nonexistent-jsonflat-dir") != NULL);

    /* A sink that refuses the bytes: JF_IO, counted, nothing else breaks. */
    if (access("/dev/full", W_OK) == 0) {
        CHECK_INT_EQ(jf_log_open_file((const uint8_t *)"/dev/full", 9, &e), JF_OK);
        jf_log_stats s0, s1;
        jf_log_get_stats(&s0);
        CHECK_INT_EQ(say(JF_LOG_ERROR, 0, "lost", NULL), JF_IO);
        CHECK_INT_EQ(jf_log_write(JF_LOG_ERROR, 0, (const uint8_t *)"x", 1, NULL, 0, &e), JF_IO);
        CHECK(strstr(e.message, "refused") != NULL);
        jf_log_get_stats(&s1);
        CHECK_INT_EQ(s1.failed - s0.failed, 2);
    }
    fresh_sink();
}

/*------------------------------------------------------------------------------
 * The record bound
 *----------------------------------------------------------------------------*/

static void check_cut_line(const unsigned char *d, size_t n, uint32_t bound, uint32_t format, size_t full,
                           const char *msg, size_t msg_len, const char *what) {
    CHECK_MSG(n <= bound && n + 8 >= bound, "%s: cut line of %zu bytes for the bound %u", what, n, bound);
    CHECK_MSG(count_lines(d, n) == 1 && d[n - 1] == '\n', "%s: not one line", what);
    CHECK_MSG(valid_utf8(d, n), "%s: cut inside a character", what);
    char marker[64];
    if (format == JF_LOG_TEXT) {
        snprintf(marker, sizeof marker, " ...[truncated from %zu bytes]\n", full);
        size_t ml = strlen(marker);
        CHECK_MSG(n >= ml && memcmp(d + n - ml, marker, ml) == 0, "%s: marker missing: %.*s", what,
                  (int)(n < 80 ? n : 80), d + (n > 80 ? n - 80 : 0));
    } else {
        yyjson_doc *doc = yyjson_read((const char *)d, n - 1, 0);
        CHECK_MSG(doc != NULL, "%s: cut JSON record does not parse: %.*s", what, (int)n, d);
        if (!doc) return;
        yyjson_val *root = yyjson_doc_get_root(doc);
        CHECK_MSG(yyjson_get_uint(yyjson_obj_get(root, "truncated")) == full, "%s: truncated != %zu", what, full);
        const char *m = yyjson_get_str(yyjson_obj_get(root, "msg"));
        size_t ml = yyjson_get_len(yyjson_obj_get(root, "msg"));
        CHECK_MSG(m && ml <= msg_len && memcmp(m, msg, ml) == 0, "%s: msg is not a prefix of the message", what);
        (void)ml;
        CHECK(yyjson_obj_get(root, "k") == NULL); /* fields dropped */
        yyjson_doc_free(doc);
    }
}

static void test_truncation(void) {
    bool quick = getenv("JF_TEST_QUICK") != NULL;
    /* Messages of ASCII, 2-, 3- and 4-byte characters and escapes, at many bounds. */
    const char *units[] = { "a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\n", "\"", "x\x01" };
    size_t sizes[] = { 10, 200, 255, 256, 300, 1000, 4095, 4096, 5000, 70000 };
    uint32_t bounds[] = { 256, 257, 300, 511, 1024, 4096, 4097, 65536 };
    char *msg = malloc(300000);
    for (uint32_t format = 0; format <= 1; format++)
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
            for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
                for (size_t bi = 0; bi < sizeof bounds / sizeof bounds[0]; bi++) {
                    if (quick && (si + bi) % 3) continue;
                    size_t ul = strlen(units[u]), len = 0;
                    while (len + ul <= sizes[si]) {
                        memcpy(msg + len, units[u], ul);
                        len += ul;
                    }
                    msg[len] = 0;
                    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, format, JF_LOG_COLOR_ALWAYS, bounds[bi]);
                    fresh_sink();
                    jf_log_stats s0, s1;
                    jf_log_get_stats(&s0);
                    jf_error e;
                    CHECK_INT_EQ(jf_log_write(JF_LOG_INFO, 12, (const uint8_t *)msg, len, (const uint8_t *)"{\"k\":1}", 7,
                                              &e),
                                 JF_OK);
                    jf_log_get_stats(&s1);
                    size_t n;
                    unsigned char *d = slurp(&n);
                    char what[128];
                    snprintf(what, sizeof what, "format %u, unit %zu, %zu bytes, bound %u", format, u, len, bounds[bi]);
                    if (s1.truncated == s0.truncated) {
                        CHECK_MSG(n <= bounds[bi] && count_lines(d, n) == 1, "%s: uncut line too long", what);
                        CHECK_MSG(memmem(d, n, "\"k\"", 3) != NULL, "%s: fields lost", what);
                    } else {
                        /* The full length: rebuild with a bound large enough. */
                        configure(JF_LOG_DEBUG, JF_LOG_DEBUG, format, JF_LOG_COLOR_ALWAYS, JF_LOG_MAX_RECORD);
                        fresh_sink();
                        jf_log_write(JF_LOG_INFO, 12, (const uint8_t *)msg, len, (const uint8_t *)"{\"k\":1}", 7, &e);
                        size_t fn;
                        unsigned char *full = slurp(&fn);
                        check_cut_line(d, n, bounds[bi], format, fn, msg, len, what);
                        free(full);
                    }
                    free(d);
                }
    /* Larger than the largest bound, 1 MiB: heap buffer, still cut. */
    memset(msg, 'z', 299999);
    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_NEVER, 1000);
    fresh_sink();
    jf_error e;
    CHECK_INT_EQ(jf_log_write(JF_LOG_INFO, 0, (const uint8_t *)msg, 299999, NULL, 0, &e), JF_OK);
    size_t n;
    unsigned char *d = slurp(&n);
    CHECK_INT_EQ(n, 1000);
    CHECK(strstr((char *)d, " ...[truncated from ") != NULL);
    free(d);
    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_NEVER, JF_LOG_MAX_RECORD);
    fresh_sink();
    CHECK_INT_EQ(jf_log_write(JF_LOG_INFO, 0, (const uint8_t *)msg, 299999, NULL, 0, &e), JF_OK);
    d = slurp(&n);
    CHECK(n > 299999 && n < 300100 && count_lines(d, n) == 1);
    free(d);
    free(msg);
    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_NEVER, 0);
}

/*------------------------------------------------------------------------------
 * Fatal
 *----------------------------------------------------------------------------*/

static void test_fatal(void) {
    configure(JF_LOG_DEBUG, JF_LOG_DEBUG, JF_LOG_TEXT, JF_LOG_COLOR_NEVER, 0);
    fresh_sink();
    /* Capture stderr to see the copy. */
    char err_path[300];
    snprintf(err_path, sizeof err_path, "%s.stderr", log_path);
    fflush(stderr);
    int saved = dup(2);
    int cap = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(cap, 2);
    close(cap);
    CHECK_INT_EQ(say(JF_LOG_FATAL, 0, "the end", "{\"why\":\"test\"}"), JF_OK);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size_t n, en;
    unsigned char *d = slurp(&n);
    unsigned char *copy = check_read_file(err_path, &en);
    CHECK(strstr((char *)d, "FATAL w0 the end {\"why\":\"test\"}\n") != NULL);
    CHECK(copy && en == n && memcmp(copy, d, n) == 0);
    free(d);
    free(copy);
    unlink(err_path);
}

/*------------------------------------------------------------------------------
 * Threads
 *----------------------------------------------------------------------------*/

enum { THREADS = 8 };
static int per_thread = 2000;

static void *writer(void *arg) {
    int t = (int)(intptr_t)arg;
    char msg[8000];
    for (int i = 0; i < per_thread; i++) {
        int fill = (i * 37 + t * 101) % 6000; /* some longer than the bound: cut */
        int len = snprintf(msg, sizeof msg, "thread %d seq %d ", t, i);
        memset(msg + len, 'a' + t, (size_t)fill);
        len += fill;
        char fields[64];
        snprintf(fields, sizeof fields, "{\"t\":%d,\"i\":%d}", t, i);
        jf_log_write(JF_LOG_INFO + (i % 3), t, (const uint8_t *)msg, (size_t)len, (const uint8_t *)fields,
                     strlen(fields), NULL);
    }
    return NULL;
}

static void test_threads(void) {
    if (getenv("JF_TEST_QUICK")) per_thread = 300;
    for (uint32_t format = 0; format <= 1; format++) {
        configure(JF_LOG_DEBUG, JF_LOG_DEBUG, format, JF_LOG_COLOR_NEVER, 4096);
        fresh_sink();
        pthread_t th[THREADS];
        for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, writer, (void *)(intptr_t)t);
        /* The sink and settings change under the writers: nothing may break. */
        for (int k = 0; k < 20; k++) {
            jf_error e;
            jf_log_open_file((const uint8_t *)log_path, strlen(log_path), &e);
            jf_log_set_level(JF_LOG_DEBUG);
        }
        for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
        size_t n;
        unsigned char *d = slurp(&n);
        CHECK_INT_EQ(count_lines(d, n), THREADS * per_thread);
        CHECK(n && d[n - 1] == '\n');
        /* Every line whole: parses (JSON) or has its prefix; every (thread, seq) once. */
        unsigned char *seen = calloc((size_t)THREADS * (size_t)per_thread, 1);
        size_t bad = 0, dup = 0;
        char *line = (char *)d, *end = (char *)d + n;
        while (line < end) {
            char *nl = memchr(line, '\n', (size_t)(end - line));
            size_t ll = (size_t)(nl - line);
            if (ll + 1 > 4096) bad++;
            int t = -1, i = -1;
            char *p = memmem(line, ll, "thread ", 7);
            if (p) sscanf(p, "thread %d seq %d ", &t, &i);
            if (format == JF_LOG_JSON) {
                yyjson_doc *doc = yyjson_read(line, ll, 0);
                if (!doc) bad++;
                yyjson_doc_free(doc);
            } else if (ll < 25 || line[23] != 'Z') {
                bad++;
            }
            if (t < 0 || t >= THREADS || i < 0 || i >= per_thread) bad++;
            else if (seen[t * per_thread + i]++) dup++;
            line = nl + 1;
        }
        size_t missing = 0;
        for (int k = 0; k < THREADS * per_thread; k++) missing += !seen[k];
        CHECK_MSG(bad == 0 && dup == 0 && missing == 0, "format %u: %zu bad, %zu duplicated, %zu missing lines",
                  format, bad, dup, missing);
        free(seen);
        free(d);
    }
}

int main(void) {
    jf_alloc_stats start, end;
    jf_get_alloc_stats(&start);
    const char *tmp = getenv("TMPDIR");
    snprintf(log_path, sizeof log_path, "%s/jf-test-log-%d.log", tmp && *tmp ? tmp : "/tmp", (int)getpid());

    test_text_format();
    test_json_format();
    test_escaping();
    test_escaping_hidden_controls();
    test_color();
    test_levels();
    test_bad_arguments();
    test_truncation();
    test_fatal();
    test_threads();

    jf_log_use_stderr();
    configure(JF_LOG_INFO, JF_LOG_INFO, JF_LOG_TEXT, JF_LOG_COLOR_AUTO, 0);
    unlink(log_path);
    jf_get_alloc_stats(&end);
    CHECK_INT_EQ(end.live_blocks, start.live_blocks);
    CHECK_INT_EQ(end.live_bytes, start.live_bytes);
    return check_done("test_log");
}
