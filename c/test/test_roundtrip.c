/*==============================================================================
 * test_roundtrip.c — real documents (the shared bench files and the Open
 * Library TSV lines):
 *  1. jf_flatten against an independent reference flattener written here
 *     over yyjson's tree (leaf and grouped mode, all styles, max_depth,
 *     arrays-leaf, big integers as strings), byte for byte;
 *  2. unflatten(flatten(doc)) == doc in js and pointer style, both sides
 *     normalised through yyjson (read with raw numbers, compact write).
 * JF_DATA_DIR points at the shared data (default ../shared/data);
 * JF_TEST_QUICK=1 runs a smaller matrix (for valgrind).
 *============================================================================*/
#include "check.h"
#include "yyjson.h"

/*------------------------------------------------------------------------------
 * A growable byte buffer
 *----------------------------------------------------------------------------*/

typedef struct sbuf { char *p; size_t n, cap; } sbuf;

static void sb_need(sbuf *b, size_t more) {
    if (b->n + more <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + more) cap *= 2;
    b->p = realloc(b->p, cap);
    b->cap = cap;
}
static void sb_put(sbuf *b, const void *s, size_t n) { sb_need(b, n); memcpy(b->p + b->n, s, n); b->n += n; }
static void sb_c(sbuf *b, char c) { sb_need(b, 1); b->p[b->n++] = c; }
static void sb_s(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

/* jsonflat's string escaping: quote, backslash, the five short forms,
 * other control characters as lowercase \u00xx, everything else raw. */
static void sb_json_str(sbuf *b, const char *s, size_t n) {
    sb_c(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':  sb_s(b, "\\\""); break;
        case '\\': sb_s(b, "\\\\"); break;
        case '\b': sb_s(b, "\\b"); break;
        case '\f': sb_s(b, "\\f"); break;
        case '\n': sb_s(b, "\\n"); break;
        case '\r': sb_s(b, "\\r"); break;
        case '\t': sb_s(b, "\\t"); break;
        default:
            if (c < 0x20) { char t[8]; snprintf(t, sizeof t, "\\u%04x", c); sb_s(b, t); }
            else sb_c(b, (char)c);
        }
    }
    sb_c(b, '"');
}

/*------------------------------------------------------------------------------
 * The reference flattener
 *----------------------------------------------------------------------------*/

typedef struct group { char *key; size_t key_len; sbuf values; size_t count; sbuf big; } group;

typedef struct ref {
    uint32_t mode, style, format, flags, max_depth;
    const char *delim; size_t delim_len;
    sbuf out;
    size_t leaves, unsafe;
    int first;
    /* grouped mode: groups in first-appearance order + an open-addressing index */
    group *groups; size_t ngroups, gcap;
    size_t *slots; size_t slot_cap;
} ref;

static int is_ident(const char *s, size_t n) {
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return 0;
    }
    return 1;
}

/* An integer (no fraction, no exponent) beyond +-(2^53-1)? */
static int is_unsafe_int(const char *s, size_t n) {
    const char *d = s;
    size_t dn = n;
    if (dn && *d == '-') { d++; dn--; }
    if (dn == 0) return 0;
    for (size_t i = 0; i < dn; i++) if (d[i] < '0' || d[i] > '9') return 0;
    if (dn != 16) return dn > 16;
    return memcmp(d, "9007199254740991", 16) > 0;
}

/* Compact JSON of a value, numbers raw. Recursion is fine: test data only. */
static void ref_value(ref *r, sbuf *b, yyjson_val *v, int top, int *big) {
    switch (yyjson_get_type(v)) {
    case YYJSON_TYPE_RAW: {
        const char *s = yyjson_get_raw(v);
        size_t n = yyjson_get_len(v);
        if (top && (r->flags & JF_FLAG_BIGINT_AS_STRING) && is_unsafe_int(s, n)) {
            sb_c(b, '"'); sb_put(b, s, n); sb_c(b, '"');
            r->unsafe++;
            if (big) *big = 1;
        } else {
            sb_put(b, s, n);
        }
        break;
    }
    case YYJSON_TYPE_STR: sb_json_str(b, yyjson_get_str(v), yyjson_get_len(v)); break;
    case YYJSON_TYPE_BOOL: sb_s(b, yyjson_get_bool(v) ? "true" : "false"); break;
    case YYJSON_TYPE_NULL: sb_s(b, "null"); break;
    case YYJSON_TYPE_ARR: {
        sb_c(b, '[');
        yyjson_val *x; yyjson_arr_iter it = yyjson_arr_iter_with(v);
        int f = 1;
        while ((x = yyjson_arr_iter_next(&it))) { if (!f) sb_c(b, ','); f = 0; ref_value(r, b, x, 0, NULL); }
        sb_c(b, ']');
        break;
    }
    case YYJSON_TYPE_OBJ: {
        sb_c(b, '{');
        yyjson_val *k; yyjson_obj_iter it = yyjson_obj_iter_with(v);
        int f = 1;
        while ((k = yyjson_obj_iter_next(&it))) {
            if (!f) sb_c(b, ',');
            f = 0;
            sb_json_str(b, yyjson_get_str(k), yyjson_get_len(k));
            sb_c(b, ':');
            ref_value(r, b, yyjson_obj_iter_get_val(k), 0, NULL);
        }
        sb_c(b, '}');
        break;
    }
    default: sb_s(b, "?"); break;
    }
}

static size_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ull; }
    return (size_t)h;
}

static group *ref_group(ref *r, const char *key, size_t n) {
    if (r->ngroups * 2 >= r->slot_cap) {
        size_t cap = r->slot_cap ? r->slot_cap * 2 : 1024;
        free(r->slots);
        r->slots = malloc(cap * sizeof *r->slots);
        for (size_t i = 0; i < cap; i++) r->slots[i] = (size_t)-1;
        r->slot_cap = cap;
        for (size_t g = 0; g < r->ngroups; g++) {
            size_t i = hash_bytes(r->groups[g].key, r->groups[g].key_len) & (cap - 1);
            while (r->slots[i] != (size_t)-1) i = (i + 1) & (cap - 1);
            r->slots[i] = g;
        }
    }
    size_t i = hash_bytes(key, n) & (r->slot_cap - 1);
    while (r->slots[i] != (size_t)-1) {
        group *g = &r->groups[r->slots[i]];
        if (g->key_len == n && memcmp(g->key, key, n) == 0) return g;
        i = (i + 1) & (r->slot_cap - 1);
    }
    if (r->ngroups == r->gcap) {
        r->gcap = r->gcap ? r->gcap * 2 : 64;
        r->groups = realloc(r->groups, r->gcap * sizeof *r->groups);
    }
    group *g = &r->groups[r->ngroups];
    memset(g, 0, sizeof *g);
    g->key = malloc(n + 1);
    memcpy(g->key, key, n);
    g->key_len = n;
    r->slots[i] = r->ngroups++;
    return g;
}

static void ref_leaf(ref *r, const sbuf *path, yyjson_val *v) {
    r->leaves++;
    if (r->mode == JF_MODE_GROUPED) {
        group *g = ref_group(r, path->p ? path->p : "", path->n);
        if (g->count) sb_c(&g->values, ',');
        int big = 0;
        ref_value(r, &g->values, v, 1, &big);
        if (big) {
            char t[32];
            snprintf(t, sizeof t, "%s%zu", g->big.n ? "," : "", g->count);
            sb_s(&g->big, t);
        }
        g->count++;
        return;
    }
    if (!r->first) sb_c(&r->out, ',');
    r->first = 0;
    if (r->format == JF_FORMAT_ENTRIES) {
        sb_c(&r->out, '[');
        sb_json_str(&r->out, path->p, path->n);
        sb_c(&r->out, ',');
        int big = 0;
        ref_value(r, &r->out, v, 1, &big);
        if (big && (r->flags & JF_FLAG_BIGINT_MARK)) sb_s(&r->out, ",1");
        sb_c(&r->out, ']');
    } else {
        sb_json_str(&r->out, path->p, path->n);
        sb_c(&r->out, ':');
        ref_value(r, &r->out, v, 1, NULL);
    }
}

static void ref_push_key(ref *r, sbuf *path, const char *k, size_t n) {
    switch (r->style) {
    case JF_STYLE_JS:
        if (is_ident(k, n)) { if (path->n) sb_c(path, '.'); sb_put(path, k, n); }
        else { sb_c(path, '['); sb_json_str(path, k, n); sb_c(path, ']'); }
        break;
    case JF_STYLE_POINTER:
        sb_c(path, '/');
        for (size_t i = 0; i < n; i++) {
            if (k[i] == '~') sb_s(path, "~0");
            else if (k[i] == '/') sb_s(path, "~1");
            else sb_c(path, k[i]);
        }
        break;
    default:
        if (path->n) sb_put(path, r->delim, r->delim_len);
        sb_put(path, k, n);
    }
}

static void ref_push_index(ref *r, sbuf *path, size_t i) {
    char t[32];
    if (r->mode == JF_MODE_GROUPED) {
        if (r->style == JF_STYLE_JS) sb_s(path, "[]");
        else if (r->style == JF_STYLE_POINTER) sb_s(path, "/[]");
        return; /* flat: the index segment is dropped */
    }
    switch (r->style) {
    case JF_STYLE_JS: snprintf(t, sizeof t, "[%zu]", i); sb_s(path, t); break;
    case JF_STYLE_POINTER: snprintf(t, sizeof t, "/%zu", i); sb_s(path, t); break;
    default:
        if (path->n) sb_put(path, r->delim, r->delim_len);
        snprintf(t, sizeof t, "%zu", i);
        sb_s(path, t);
    }
}

static int descend(ref *r, yyjson_val *v, uint32_t depth) {
    if (yyjson_is_obj(v)) { if (yyjson_obj_size(v) == 0) return 0; }
    else if (yyjson_is_arr(v)) {
        if (yyjson_arr_size(v) == 0) return 0;
        if ((r->flags & JF_FLAG_ARRAYS_LEAF) && depth > 0) return 0;
    } else return 0;
    return depth == 0 || r->max_depth == 0 || depth < r->max_depth;
}

/* `depth` of v: 0 for the root, 1 for its members. */
static void ref_walk(ref *r, sbuf *path, yyjson_val *v, uint32_t depth) {
    if (!descend(r, v, depth)) { ref_leaf(r, path, v); return; }
    size_t mark = path->n;
    if (yyjson_is_obj(v)) {
        yyjson_val *k; yyjson_obj_iter it = yyjson_obj_iter_with(v);
        while ((k = yyjson_obj_iter_next(&it))) {
            ref_push_key(r, path, yyjson_get_str(k), yyjson_get_len(k));
            ref_walk(r, path, yyjson_obj_iter_get_val(k), depth + 1);
            path->n = mark;
        }
    } else {
        yyjson_val *x; yyjson_arr_iter it = yyjson_arr_iter_with(v);
        size_t i = 0;
        while ((x = yyjson_arr_iter_next(&it))) {
            ref_push_index(r, path, i++);
            ref_walk(r, path, x, depth + 1);
            path->n = mark;
        }
    }
}

static void ref_run(ref *r, yyjson_val *root) {
    sbuf path = {0};
    sb_need(&path, 1);
    r->first = 1;
    r->out.n = 0;
    sb_c(&r->out, r->format == JF_FORMAT_ENTRIES ? '[' : '{');
    ref_walk(r, &path, root, 0);
    if (r->mode == JF_MODE_GROUPED) {
        for (size_t i = 0; i < r->ngroups; i++) {
            group *g = &r->groups[i];
            if (i) sb_c(&r->out, ',');
            if (r->format == JF_FORMAT_ENTRIES) {
                sb_c(&r->out, '[');
                sb_json_str(&r->out, g->key, g->key_len);
                sb_s(&r->out, ",[");
                sb_put(&r->out, g->values.p, g->values.n);
                sb_c(&r->out, ']');
                if (g->big.n && (r->flags & JF_FLAG_BIGINT_MARK)) {
                    sb_s(&r->out, ",[");
                    sb_put(&r->out, g->big.p, g->big.n);
                    sb_c(&r->out, ']');
                }
                sb_c(&r->out, ']');
            } else {
                sb_json_str(&r->out, g->key, g->key_len);
                sb_s(&r->out, ":[");
                sb_put(&r->out, g->values.p, g->values.n);
                sb_c(&r->out, ']');
            }
            free(g->key); free(g->values.p); free(g->big.p);
        }
        r->ngroups = 0;
        free(r->slots); r->slots = NULL; r->slot_cap = 0;
    }
    sb_c(&r->out, r->format == JF_FORMAT_ENTRIES ? ']' : '}');
    free(path.p);
}

/*------------------------------------------------------------------------------
 * Helpers over yyjson
 *----------------------------------------------------------------------------*/

/* Any object with a repeated member name? (Then byte equality is off.) */
static int has_duplicate_keys(yyjson_val *v) {
    if (yyjson_is_arr(v)) {
        yyjson_val *x; yyjson_arr_iter it = yyjson_arr_iter_with(v);
        while ((x = yyjson_arr_iter_next(&it))) if (has_duplicate_keys(x)) return 1;
    } else if (yyjson_is_obj(v)) {
        size_t n = yyjson_obj_size(v);
        yyjson_val **keys = malloc((n + 1) * sizeof *keys);
        size_t i = 0;
        yyjson_val *k; yyjson_obj_iter it = yyjson_obj_iter_with(v);
        int dup = 0;
        while ((k = yyjson_obj_iter_next(&it))) {
            for (size_t j = 0; j < i && !dup; j++)
                if (yyjson_equals_strn(keys[j], yyjson_get_str(k), yyjson_get_len(k))) dup = 1;
            keys[i++] = k;
            if (!dup && has_duplicate_keys(yyjson_obj_iter_get_val(k))) dup = 1;
            if (dup) break;
        }
        free(keys);
        return dup;
    }
    return 0;
}

/* yyjson's compact write of bytes read with raw numbers (NULL if invalid). */
static char *normalise(const void *s, size_t n, size_t *out_len) {
    yyjson_doc *d = yyjson_read_opts((char *)s, n, YYJSON_READ_NUMBER_AS_RAW, NULL, NULL);
    if (!d) return NULL;
    char *w = yyjson_write(d, 0, out_len);
    yyjson_doc_free(d);
    return w;
}

/*------------------------------------------------------------------------------
 * The checks on one document
 *----------------------------------------------------------------------------*/

typedef struct config { uint32_t mode, style, format, flags, max_depth; const char *delim; } config;

static const config full_matrix[] = {
    { JF_MODE_LEAF, JF_STYLE_JS, JF_FORMAT_OBJECT, 0, 0, NULL },
    { JF_MODE_LEAF, JF_STYLE_POINTER, JF_FORMAT_OBJECT, 0, 0, NULL },
    { JF_MODE_LEAF, JF_STYLE_FLAT, JF_FORMAT_OBJECT, 0, 0, NULL },
    { JF_MODE_LEAF, JF_STYLE_FLAT, JF_FORMAT_ENTRIES, 0, 0, "::" },
    { JF_MODE_LEAF, JF_STYLE_JS, JF_FORMAT_ENTRIES, JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK, 0, NULL },
    { JF_MODE_LEAF, JF_STYLE_JS, JF_FORMAT_OBJECT, JF_FLAG_BIGINT_AS_STRING, 0, NULL },
    { JF_MODE_LEAF, JF_STYLE_POINTER, JF_FORMAT_ENTRIES, 0, 2, NULL },
    { JF_MODE_LEAF, JF_STYLE_JS, JF_FORMAT_OBJECT, JF_FLAG_ARRAYS_LEAF, 3, NULL },
    { JF_MODE_GROUPED, JF_STYLE_JS, JF_FORMAT_OBJECT, 0, 0, NULL },
    { JF_MODE_GROUPED, JF_STYLE_POINTER, JF_FORMAT_ENTRIES, JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK, 0, NULL },
    { JF_MODE_GROUPED, JF_STYLE_FLAT, JF_FORMAT_OBJECT, JF_FLAG_ARRAYS_LEAF, 0, NULL },
    { JF_MODE_GROUPED, JF_STYLE_JS, JF_FORMAT_ENTRIES, 0, 2, NULL },
};
static const config quick_matrix[] = {
    { JF_MODE_LEAF, JF_STYLE_JS, JF_FORMAT_OBJECT, 0, 0, NULL },
    { JF_MODE_GROUPED, JF_STYLE_POINTER, JF_FORMAT_ENTRIES, JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK, 0, NULL },
};

static int quick;
static unsigned long docs_checked, docs_skipped_dup, pointer_mismatch;

static void check_doc(const char *name, const char *doc, size_t len) {
    yyjson_doc *yd = yyjson_read_opts((char *)doc, len, YYJSON_READ_NUMBER_AS_RAW, NULL, NULL);
    CHECK_MSG(yd != NULL, "%s: yyjson rejects the test document", name);
    if (!yd) return;
    yyjson_val *root = yyjson_doc_get_root(yd);

    /* 1. Against the reference flattener. */
    const config *m = quick ? quick_matrix : full_matrix;
    size_t nm = quick ? sizeof quick_matrix / sizeof *quick_matrix : sizeof full_matrix / sizeof *full_matrix;
    for (size_t c = 0; c < nm; c++) {
        ref r;
        memset(&r, 0, sizeof r);
        r.mode = m[c].mode; r.style = m[c].style; r.format = m[c].format;
        r.flags = m[c].flags; r.max_depth = m[c].max_depth;
        r.delim = m[c].delim ? m[c].delim : ".";
        r.delim_len = strlen(r.delim);
        ref_run(&r, root);

        jf_options o = opts_make(m[c].mode, m[c].style, m[c].format, m[c].flags);
        o.max_depth = m[c].max_depth;
        if (m[c].delim) opts_delim(&o, m[c].delim);
        jf_result res;
        uint8_t *out = jf_flatten((const uint8_t *)doc, len, &o, &res);
        if (!out) {
            check_fail(__FILE__, __LINE__, "%s config %zu: flatten failed: %s", name, c, res.error.message);
        } else {
            size_t at = 0;
            while (at < res.length && at < r.out.n && out[at] == (uint8_t)r.out.p[at]) at++;
            if (res.length == r.out.n && at == r.out.n) check_pass();
            else {
                size_t from = at > 60 ? at - 60 : 0;
                check_fail(__FILE__, __LINE__,
                    "%s config %zu (mode %u style %u format %u flags %u depth %u): differs at byte %zu "
                    "(lengths %llu vs reference %zu)\n  got: %.*s\n  ref: %.*s",
                    name, c, m[c].mode, m[c].style, m[c].format, m[c].flags, m[c].max_depth, at,
                    (unsigned long long)res.length, r.out.n,
                    (int)((res.length - from) < 140 ? res.length - from : 140), (const char *)out + from,
                    (int)((r.out.n - from) < 140 ? r.out.n - from : 140), r.out.p + from);
            }
            CHECK_INT_EQ(res.leaves, r.leaves);
            if (m[c].flags & JF_FLAG_BIGINT_AS_STRING) CHECK_INT_EQ(res.unsafe_integers, r.unsafe);
            /* The output is valid JSON for a strict reader. */
            yyjson_doc *od = yyjson_read((const char *)out, (size_t)res.length, 0);
            CHECK_MSG(od != NULL, "%s config %zu: output is not valid JSON", name, c);
            yyjson_doc_free(od);
        }
        jf_free(out);
        free(r.out.p);
        free(r.groups);
    }

    /* 2. Round trip in js and pointer style. */
    if (has_duplicate_keys(root)) {
        docs_skipped_dup++;
        yyjson_doc_free(yd);
        return;
    }
    size_t nlen;
    char *norm = normalise(doc, len, &nlen);
    for (uint32_t style = JF_STYLE_JS; style <= JF_STYLE_POINTER; style++) {
        jf_options o = opts_make(JF_MODE_LEAF, style, JF_FORMAT_OBJECT, 0);
        jf_result r1, r2;
        uint8_t *f = jf_flatten((const uint8_t *)doc, len, &o, &r1);
        if (!f) { check_fail(__FILE__, __LINE__, "%s: flatten failed: %s", name, r1.error.message); continue; }
        uint8_t *u = jf_unflatten(f, (size_t)r1.length, &o, &r2);
        if (!u) {
            if (style == JF_STYLE_POINTER) pointer_mismatch++;
            check_fail(__FILE__, __LINE__, "%s style %u: unflatten failed: %s (%s)", name, style,
                       jf_code_name(r2.error.code), r2.error.message);
        } else {
            size_t ulen;
            char *un = normalise(u, (size_t)r2.length, &ulen);
            CHECK_MSG(un != NULL, "%s style %u: unflatten output is not valid JSON", name, style);
            if (un) {
                if (ulen == nlen && memcmp(un, norm, nlen) == 0) check_pass();
                else {
                    size_t at = 0;
                    while (at < ulen && at < nlen && un[at] == norm[at]) at++;
                    size_t from = at > 60 ? at - 60 : 0;
                    if (style == JF_STYLE_POINTER) pointer_mismatch++;
                    check_fail(__FILE__, __LINE__, "%s style %u: round trip differs at byte %zu\n  got: %.*s\n  exp: %.*s",
                               name, style, at, (int)((ulen - from) < 140 ? ulen - from : 140), un + from,
                               (int)((nlen - from) < 140 ? nlen - from : 140), norm + from);
                }
            }
            /* Our own writer is also exactly yyjson's modulo escapes: compare
             * the unflatten bytes with the normalised original as well when
             * the document has no strings needing different escapes. */
            free(un);
        }
        jf_free(f);
        jf_free(u);
    }
    free(norm);
    docs_checked++;
    yyjson_doc_free(yd);
}

int main(void) {
    const char *q = getenv("JF_TEST_QUICK");
    quick = q && *q && *q != '0';
    const char *dir = check_data_dir();
    char path[4096];

    static const char *bench[] = { "twitter.json", "citm_catalog.json", "canada.json" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/bench/%s", dir, bench[i]);
        size_t len;
        unsigned char *buf = check_read_file(path, &len);
        CHECK_MSG(buf != NULL, "cannot read %s (set JF_DATA_DIR)", path);
        if (!buf) continue;
        check_doc(bench[i], (const char *)buf, len);
        free(buf);
    }

    static const char *ol[] = { "editions-head-n1000.txt", "works-head-n1000.txt", "authors-tail-n1000.txt" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/openlibrary/%s", dir, ol[i]);
        size_t len;
        unsigned char *buf = check_read_file(path, &len);
        CHECK_MSG(buf != NULL, "cannot read %s (set JF_DATA_DIR)", path);
        if (!buf) continue;
        size_t lines = 0, pos = 0;
        while (pos < len) {
            size_t end = pos;
            while (end < len && buf[end] != '\n') end++;
            /* column 5 of the TSV */
            size_t col = pos;
            int tabs = 0;
            while (col < end && tabs < 4) if (buf[col++] == '\t') tabs++;
            if (tabs == 4) {
                size_t doc_end = end;
                if (doc_end > col && buf[doc_end - 1] == '\r') doc_end--;
                char name[128];
                snprintf(name, sizeof name, "%s:%zu", ol[i], lines + 1);
                if (!quick || lines % 10 == 0) check_doc(name, (const char *)buf + col, doc_end - col);
            }
            lines++;
            pos = end + 1;
        }
        CHECK_INT_EQ(lines, 1000);
        free(buf);
    }
    printf("round trip: %lu documents checked, %lu skipped for duplicate names, %lu pointer-style mismatches\n",
           docs_checked, docs_skipped_dup, pointer_mismatch);
    return check_done("test_roundtrip");
}
