/*==============================================================================
 * fuzz_search.c — libFuzzer target for jf_query_compile, jf_search and
 * jf_search_lines.
 *
 * Input layout: 4 header bytes, a query section, then the document.
 *   byte 0: bits 0-1 style (3 = js), bits 2-5 flags (every jf_flag bit)
 *   byte 1: bits 0-3 max_depth (0-7: none, 8-15: 1-8), bits 4-7 max_nesting
 *           (0: default, else 1-15)
 *   byte 2: bit 0 raw query (the query section is the query's JSON text as
 *           is); otherwise the target builds the query from the section:
 *           bits 1-4 which of path, key, value, limit are given, bits 5-7
 *           the limit (0-7)
 *   byte 3: length of the query section (clipped to the bytes available);
 *           a built query splits it at '\n' into path glob, key (both
 *           written as JSON strings, bytes as they are) and value (JSON
 *           text as it is)
 *
 * Checks, in addition to ASan/UBSan:
 *  - a query that does not compile gets INVALID_OPTION or INVALID_JSON with a
 *    message; a built query whose parts are plain (a glob of name segments,
 *    a key, a scalar value) always compiles;
 *  - every hit is a line `["path",value]`, hits are counted in leaves, and
 *    they are a subsequence, in order, of the flatten entries of the same
 *    document with the same options (the query `{}` gives all of them);
 *  - with a limit the hits are the first `limit` hits of the same query
 *    without one;
 *  - jf_search_lines over the document as an NDJSON chunk (skip mode) gives,
 *    line by line, jf_search of each line with the line number in front,
 *    cut at the limit across the chunk, with the same line counters;
 *  - the live-block counter is unchanged afterwards.
 *============================================================================*/
#include "fuzz_common.h"

typedef struct bytes { const uint8_t *p; size_t n; } bytes;

/* A growable text for the query JSON and the expected outputs. */
typedef struct text { char *p; size_t n, cap; } text;

static void text_put(text *t, const void *s, size_t n) {
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        FUZZ_ASSERT(t->p != NULL, "realloc %zu", t->cap);
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = 0;
}

static void text_str(text *t, const char *s) { text_put(t, s, strlen(s)); }

/* Bytes as a JSON string: quote, backslash and control bytes escaped, the
 * rest (invalid UTF-8 included) as is. */
static void text_json_string(text *t, bytes b) {
    text_str(t, "\"");
    for (size_t i = 0; i < b.n; i++) {
        uint8_t c = b.p[i];
        if (c == '"' || c == '\\') {
            char esc[2] = { '\\', (char)c };
            text_put(t, esc, 2);
        } else if (c < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", c);
            text_put(t, esc, 6);
        } else {
            text_put(t, &c, 1);
        }
    }
    text_str(t, "\"");
}

static bytes split_at_newline(bytes *rest) {
    bytes part = *rest;
    const uint8_t *nl = rest->n ? memchr(rest->p, '\n', rest->n) : NULL;
    if (nl) {
        part.n = (size_t)(nl - rest->p);
        rest->p = nl + 1;
        rest->n -= part.n + 1;
    } else {
        rest->p += rest->n;
        rest->n = 0;
    }
    return part;
}

static int plain_name(bytes b) {
    if (b.n == 0) return 0;
    for (size_t i = 0; i < b.n; i++) {
        uint8_t c = b.p[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
                 (i > 0 && c >= '0' && c <= '9');
        if (!ok) return 0;
    }
    return 1;
}

/* A glob of plain names joined by '.', each possibly '*' or '**'. */
static int plain_glob(bytes b) {
    bytes rest = b;
    if (b.n == 0) return 1;
    while (1) {
        const uint8_t *dot = memchr(rest.p, '.', rest.n);
        bytes seg = { rest.p, dot ? (size_t)(dot - rest.p) : rest.n };
        int star = (seg.n == 1 && seg.p[0] == '*') || (seg.n == 2 && seg.p[0] == '*' && seg.p[1] == '*');
        if (!star && !plain_name(seg)) return 0;
        if (!dot) return 1;
        rest.p = dot + 1;
        rest.n -= seg.n + 1;
    }
}

static int plain_scalar(bytes b) {
    yyjson_doc *d = yyjson_read_opts((char *)b.p, b.n, YYJSON_READ_NUMBER_AS_RAW, NULL, NULL);
    int ok = d && !yyjson_is_ctn(yyjson_doc_get_root(d));
    yyjson_doc_free(d);
    return ok;
}

/* Number of '\n'-terminated lines in a block. */
static size_t count_lines(const uint8_t *p, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += p[i] == '\n';
    return c;
}

/* Length of the first k lines of a block (all of it if it has fewer). */
static size_t first_lines(const uint8_t *p, size_t n, size_t k) {
    size_t i = 0;
    while (i < n && k) {
        if (p[i++] == '\n') k--;
    }
    return i;
}

static int is_blank(const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

/* Hits must appear, in order, among the flatten entries: each hit line is
 * `[` + the text of one entry + `]`. */
static void check_subsequence(const uint8_t *hits, size_t hlen, const uint8_t *entries, size_t elen) {
    yyjson_doc *ed = fuzz_parse_output(entries, elen);
    yyjson_val *arr = yyjson_doc_get_root(ed);
    FUZZ_ASSERT(yyjson_is_arr(arr), "entries output is not an array");
    size_t idx = 0, max = yyjson_arr_size(arr);
    size_t pos = 0;
    while (pos < hlen) {
        const uint8_t *nl = memchr(hits + pos, '\n', hlen - pos);
        FUZZ_ASSERT(nl != NULL, "hit line not terminated");
        size_t llen = (size_t)(nl - (hits + pos));
        yyjson_doc *hd = fuzz_parse_output(hits + pos, llen);
        yyjson_val *h = yyjson_doc_get_root(hd);
        FUZZ_ASSERT(yyjson_is_arr(h) && yyjson_arr_size(h) == 2 && yyjson_is_str(yyjson_arr_get_first(h)),
                    "hit is not [\"path\",value]: %.*s", (int)(llen < 300 ? llen : 300), (const char *)hits + pos);
        int found = 0;
        while (idx < max && !found) {
            yyjson_val *e = yyjson_arr_get(arr, idx++);
            yyjson_val *ep = yyjson_arr_get(e, 0), *ev = yyjson_arr_get(e, 1);
            found = yyjson_equals(ep, yyjson_arr_get(h, 0)) && yyjson_equals(ev, yyjson_arr_get(h, 1));
        }
        FUZZ_ASSERT(found, "hit not among the flatten entries (in order): %.*s", (int)(llen < 300 ? llen : 300),
                    (const char *)hits + pos);
        yyjson_doc_free(hd);
        pos += llen + 1;
    }
    yyjson_doc_free(ed);
}

/* Search of one line, with "[n," in front of every hit, appended to `t`. */
static void expected_line_hits(text *t, const uint8_t *line, size_t len, uint64_t number, const jf_query *q,
                               const jf_options *o, int *ok) {
    jf_result r;
    uint8_t *out = jf_search(line, len, q, o, &r);
    *ok = out != NULL;
    if (!out) return;
    char prefix[32];
    int plen = snprintf(prefix, sizeof prefix, "[%llu,", (unsigned long long)number);
    size_t pos = 0;
    while (pos < r.length) {
        const uint8_t *nl = memchr(out + pos, '\n', (size_t)r.length - pos);
        size_t llen = (size_t)(nl - (out + pos));
        text_put(t, prefix, (size_t)plen);
        text_put(t, out + pos + 1, llen - 1); /* drop the hit's own '[' */
        text_str(t, "\n");
        pos += llen + 1;
    }
    jf_free(out);
}

static void check_lines(const uint8_t *doc, size_t len, const jf_query *q, const jf_options *o, uint64_t limit) {
    jf_lines_options lo;
    memset(&lo, 0, sizeof lo);
    lo.on_error = JF_ON_ERROR_SKIP;
    jf_lines_result lr;
    memset(&lr, 0xA5, sizeof lr);
    uint8_t *out = jf_search_lines(doc, len, q, o, &lo, &lr);
    FUZZ_ASSERT(out != NULL, "search_lines failed in skip mode: %s", lr.error.message);

    text want = { 0 };
    text_str(&want, "");
    size_t pos = 0;
    uint64_t number = 0, docs = 0, errors = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && doc[end] != '\n') end++;
        size_t stop = end > pos && doc[end - 1] == '\r' ? end - 1 : end;
        number++;
        if (!is_blank(doc + pos, end - pos)) {
            int ok;
            expected_line_hits(&want, doc + pos, stop - pos, number, q, o, &ok);
            if (ok) docs++;
            else errors++;
        }
        pos = end + 1;
    }
    size_t wlen = limit ? first_lines((uint8_t *)want.p, want.n, (size_t)limit) : want.n;
    FUZZ_ASSERT(lr.length == wlen && memcmp(out, want.p, wlen) == 0,
                "search_lines differs from jf_search per line (%llu vs %zu bytes):\n  got:  %.*s\n  want: %.*s", (unsigned long long)lr.length, wlen,
                (int)(lr.length < 300 ? lr.length : 300), (const char *)out, (int)(wlen < 300 ? wlen : 300), want.p);
    /* A limit reached stops the chunk early: fewer lines are read then. */
    if (!limit || count_lines((uint8_t *)want.p, want.n) < limit) {
        FUZZ_ASSERT(lr.lines == number, "lines %llu, replay %llu", (unsigned long long)lr.lines,
                    (unsigned long long)number);
        FUZZ_ASSERT(lr.documents == docs && lr.errors == errors, "documents %llu errors %llu, replay %llu %llu",
                    (unsigned long long)lr.documents, (unsigned long long)lr.errors, (unsigned long long)docs,
                    (unsigned long long)errors);
    }
    free(want.p);
    jf_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 4) return 0;
    jf_options o;
    memset(&o, 0, sizeof o);
    uint32_t style = data[0] & 3u;
    o.style = style == 3 ? JF_STYLE_JS : style;
    o.flags = (data[0] >> 2) & 0xFu;
    uint32_t d = data[1] & 0xFu;
    o.max_depth = d < 8 ? 0 : d - 7;
    o.max_nesting = (data[1] >> 4) & 0xFu;
    size_t qlen = data[3] < size - 4 ? data[3] : size - 4;
    bytes section = { data + 4, qlen };
    const uint8_t *doc = data + 4 + qlen;
    size_t len = size - 4 - qlen;

    fuzz_stats st;
    fuzz_stats_begin(&st);

    /* The query, and the same query without its limit. */
    text qtext = { 0 }, unlimited = { 0 };
    uint64_t limit = 0;
    int must_compile = 0;
    if (data[2] & 1u) {
        text_put(&qtext, section.p, section.n);
        text_put(&unlimited, section.p, section.n);
    } else {
        bytes rest = section;
        bytes path = split_at_newline(&rest), key = split_at_newline(&rest), value = rest;
        unsigned fields = (data[2] >> 1) & 0xFu;
        limit = (fields & 8u) ? (data[2] >> 5) : 0;
        text body = { 0 };
        text_str(&body, "");
        must_compile = 1;
        if (fields & 1u) {
            text_str(&body, ",\"path\":");
            text_json_string(&body, path);
            must_compile &= plain_glob(path);
        }
        if (fields & 2u) {
            text_str(&body, ",\"key\":");
            text_json_string(&body, key);
            must_compile &= plain_name(key) || key.n == 0;
        }
        if (fields & 4u) {
            text_str(&body, ",\"value\":");
            if (value.n) text_put(&body, value.p, value.n);
            must_compile &= plain_scalar(value);
        }
        text_str(&unlimited, "{");
        text_str(&unlimited, body.n ? body.p + 1 : "");
        text_str(&unlimited, "}");
        text_str(&qtext, "{");
        text_str(&qtext, body.n ? body.p + 1 : "");
        if (fields & 8u) {
            char lim[32];
            snprintf(lim, sizeof lim, "%s\"limit\":%llu", body.n ? "," : "", (unsigned long long)limit);
            text_str(&qtext, lim);
        }
        text_str(&qtext, "}");
        free(body.p);
    }

    jf_error qerr;
    memset(&qerr, 0xA5, sizeof qerr);
    jf_query *q = jf_query_compile((const uint8_t *)qtext.p, qtext.n, &qerr);
    if (!q) {
        FUZZ_ASSERT(!must_compile, "plain query did not compile: %s: %s", qerr.message, qtext.p);
        FUZZ_ASSERT(qerr.code == JF_INVALID_OPTION || qerr.code == JF_INVALID_JSON, "query code %d", qerr.code);
        FUZZ_ASSERT(memchr(qerr.message, 0, JF_MESSAGE_SIZE) != NULL && qerr.message[0], "query message");
        FUZZ_ASSERT(jf_query_compile((const uint8_t *)qtext.p, qtext.n, NULL) == NULL, "NULL error pointer changed the outcome");
        free(qtext.p);
        free(unlimited.p);
        fuzz_stats_end(&st);
        return 0;
    }

    jf_result r;
    memset(&r, 0xA5, sizeof r);
    uint8_t *out = jf_search(doc, len, q, &o, &r);

    /* The flatten entries of the same document, with the same options. */
    jf_options fo = o;
    fo.mode = JF_MODE_LEAF;
    fo.format = JF_FORMAT_ENTRIES;
    fo.flags &= ~(uint32_t)JF_FLAG_BIGINT_MARK;
    jf_result fr;
    uint8_t *entries = jf_flatten(doc, len, &fo, &fr);

    if (!out) {
        FUZZ_ASSERT(r.error.code >= JF_INVALID_JSON && r.error.code <= JF_OUT_OF_MEMORY, "code %d", r.error.code);
        FUZZ_ASSERT(memchr(r.error.message, 0, JF_MESSAGE_SIZE) != NULL && r.error.message[0], "message");
        FUZZ_ASSERT(r.error.offset <= len, "offset %llu beyond %zu", (unsigned long long)r.error.offset, len);
        FUZZ_ASSERT(entries == NULL && fr.error.code == r.error.code && fr.error.offset == r.error.offset,
                    "search failed (%s at %llu) where flatten gave %s at %llu", jf_code_name(r.error.code),
                    (unsigned long long)r.error.offset, jf_code_name(fr.error.code), (unsigned long long)fr.error.offset);
    } else {
        FUZZ_ASSERT(entries != NULL, "search succeeded where flatten failed: %s", fr.error.message);
        FUZZ_ASSERT(r.leaves == count_lines(out, (size_t)r.length), "leaves %llu for %zu hit lines",
                    (unsigned long long)r.leaves, count_lines(out, (size_t)r.length));
        if (limit) FUZZ_ASSERT(r.leaves <= limit, "%llu hits over limit %llu", (unsigned long long)r.leaves,
                               (unsigned long long)limit);
        check_subsequence(out, (size_t)r.length, entries, (size_t)fr.length);

        /* The query {} selects every leaf. */
        if (qtext.n == 2 && memcmp(qtext.p, "{}", 2) == 0)
            FUZZ_ASSERT(r.leaves == fr.leaves, "{} found %llu of %llu leaves", (unsigned long long)r.leaves,
                        (unsigned long long)fr.leaves);

        /* A limit cuts the unlimited hits. */
        if (limit) {
            jf_query *uq = jf_query_compile((const uint8_t *)unlimited.p, unlimited.n, NULL);
            FUZZ_ASSERT(uq != NULL, "query without its limit did not compile: %s", unlimited.p);
            jf_result ur;
            uint8_t *all = jf_search(doc, len, uq, &o, &ur);
            FUZZ_ASSERT(all != NULL, "unlimited search failed: %s", ur.error.message);
            size_t want = first_lines(all, (size_t)ur.length, (size_t)limit);
            FUZZ_ASSERT(want == r.length && memcmp(all, out, want) == 0, "limit %llu: not the first hits",
                        (unsigned long long)limit);
            jf_free(all);
            jf_query_free(uq);
        }
    }
    jf_free(entries);
    jf_free(out);

    if (len <= 4096) check_lines(doc, len, q, &o, limit);

    jf_query_free(q);
    free(qtext.p);
    free(unlimited.p);
    fuzz_stats_end(&st);
    return 0;
}
