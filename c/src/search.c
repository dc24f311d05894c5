/*==============================================================================
 * search.c — queries over leaves (SPEC section 6): a path glob, a short key
 * and a value, compiled once and matched against every leaf of a walk.
 *============================================================================*/
#include "internal.h"

typedef enum { TOKEN_KEY, TOKEN_ANY_KEY, TOKEN_INDEX, TOKEN_ANY_INDEX, TOKEN_ANY_DEPTH } token_kind;

typedef struct token {
    token_kind kind;
    uint64_t   index;
    size_t     key_off; /* into jf_query.names */
    size_t     key_len;
} token;

struct jf_query {
    token      *tokens;
    size_t      token_len;
    bool        has_path;
    jf_buf      names;     /* decoded member names of the glob, and the key */
    bool        has_key;
    size_t      key_off;
    size_t      key_len;
    yyjson_doc *value_doc; /* the wanted value, parsed with raw numbers */
    yyjson_val *value;
    uint64_t    limit;     /* 0 = no limit */
};

/*------------------------------------------------------------------------------
 * Compiling
 *----------------------------------------------------------------------------*/

static bool add_token(jf_query *q, token t) {
    token *tokens = jf_realloc(q->tokens, (q->token_len + 1) * sizeof(*tokens));
    if (!tokens) return false;
    q->tokens = tokens;
    q->tokens[q->token_len++] = t;
    return true;
}

static inline bool name_char(uint8_t c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80 ||
           (!first && c >= '0' && c <= '9');
}

/* A JSON string at s[*at] == '"', decoded into q->names by yyjson. */
static bool quoted_name(jf_query *q, const uint8_t *s, size_t n, size_t *at, token *t) {
    size_t end = *at + 1;
    while (end < n && s[end] != '"') end += s[end] == '\\' ? 2 : 1;
    if (end >= n) return false;
    yyjson_doc *doc = yyjson_read_opts((char *)(uintptr_t)(s + *at), end + 1 - *at, 0, &jf_yyjson_alc, NULL);
    if (!doc) return false;
    yyjson_val *str = yyjson_doc_get_root(doc);
    t->kind = TOKEN_KEY;
    t->key_off = q->names.len;
    t->key_len = yyjson_get_len(str);
    jf_buf_put(&q->names, yyjson_get_str(str), t->key_len);
    yyjson_doc_free(doc);
    *at = end + 1;
    return !q->names.failed;
}

/* js-style path with wildcards: a.b["c d"][0], *, [*], ** as segments. */
static bool compile_glob(jf_query *q, const uint8_t *s, size_t n) {
    size_t i = 0;
    q->has_path = true;
    while (i < n) {
        token t = { TOKEN_KEY, 0, 0, 0 };
        if (s[i] == '[') {
            i++;
            if (i < n && s[i] == '"') {
                if (!quoted_name(q, s, n, &i, &t)) return false;
            } else if (i < n && s[i] == '*') {
                t.kind = TOKEN_ANY_INDEX;
                i++;
            } else {
                size_t start = i;
                while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 19) t.index = t.index * 10 + (uint64_t)(s[i++] - '0');
                if (i == start || (i - start > 1 && s[start] == '0')) return false;
                t.kind = TOKEN_INDEX;
            }
            if (i >= n || s[i] != ']') return false;
            i++;
        } else {
            if (i > 0) {
                if (s[i] != '.') return false;
                i++;
            }
            if (i + 1 < n && s[i] == '*' && s[i + 1] == '*') {
                t.kind = TOKEN_ANY_DEPTH;
                i += 2;
            } else if (i < n && s[i] == '*') {
                t.kind = TOKEN_ANY_KEY;
                i++;
            } else {
                size_t start = i;
                if (i >= n || !name_char(s[i], true)) return false;
                while (i < n && name_char(s[i], false)) i++;
                t.key_off = q->names.len;
                t.key_len = i - start;
                jf_buf_put(&q->names, s + start, t.key_len);
            }
        }
        if (!add_token(q, t)) return false;
    }
    return !q->names.failed;
}

static bool query_error(jf_error *err, const char *what) {
    jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0, "invalid query: %s", what);
    return false;
}

static bool compile_fields(jf_query *q, yyjson_val *root, jf_error *err) {
    if (!yyjson_is_obj(root)) return query_error(err, "expected a JSON object {path?, key?, value?, limit?}");
    yyjson_val *key, *val;
    yyjson_obj_iter it = yyjson_obj_iter_with(root);
    while ((key = yyjson_obj_iter_next(&it))) {
        val = yyjson_obj_iter_get_val(key);
        const char *name = yyjson_get_str(key);
        if (strcmp(name, "path") == 0) {
            if (!yyjson_is_str(val)) return query_error(err, "path must be a string");
            if (!compile_glob(q, (const uint8_t *)yyjson_get_str(val), yyjson_get_len(val)))
                return query_error(err, "path is not a js-style path or glob (a.b[0], a.*.c, items[*], a.**.id)");
        } else if (strcmp(name, "key") == 0) {
            if (!yyjson_is_str(val)) return query_error(err, "key must be a string");
            q->has_key = true;
            q->key_off = q->names.len;
            q->key_len = yyjson_get_len(val);
            jf_buf_put(&q->names, yyjson_get_str(val), q->key_len);
        } else if (strcmp(name, "value") == 0) {
            q->value = val;
        } else if (strcmp(name, "limit") == 0) {
            const char *raw = yyjson_get_raw(val);
            uint64_t limit = 0;
            size_t len = yyjson_get_len(val);
            if (!yyjson_is_raw(val) || len == 0 || len > 19) return query_error(err, "limit must be a whole number");
            for (size_t i = 0; i < len; i++) {
                if (raw[i] < '0' || raw[i] > '9') return query_error(err, "limit must be a whole number");
                limit = limit * 10 + (uint64_t)(raw[i] - '0');
            }
            q->limit = limit;
        } else {
            return query_error(err, "unknown field (known: path, key, value, limit)");
        }
    }
    return !q->names.failed;
}

JF_API jf_query *jf_query_compile(const uint8_t *query, size_t length, jf_error *error) {
    jf_error scratch;
    jf_error *err = error ? error : &scratch;
    memset(err, 0, sizeof(*err));
    jf_config cfg;
    jf_config_from(NULL, &cfg, err);
    jf_query *q = jf_malloc(sizeof(*q));
    if (!q) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory");
        return NULL;
    }
    memset(q, 0, sizeof(*q));
    jf_buf_init(&q->names, 64);
    q->value_doc = jf_parse(query ? query : (const uint8_t *)"", query ? length : 0, &cfg, err);
    if (!q->value_doc || !compile_fields(q, yyjson_doc_get_root(q->value_doc), err)) {
        if (q->value_doc && err->code == JF_OK) query_error(err, "invalid");
        jf_query_free(q);
        return NULL;
    }
    return q;
}

JF_API void jf_query_free(jf_query *query) {
    if (!query) return;
    jf_free(query->tokens);
    jf_buf_release(&query->names);
    if (query->value_doc) yyjson_doc_free(query->value_doc);
    jf_free(query);
}

uint64_t jf_query_limit(const jf_query *q) { return q->limit; }

/*------------------------------------------------------------------------------
 * Matching
 *----------------------------------------------------------------------------*/

static bool token_matches(const jf_query *q, const token *t, const jf_segment_ref *s) {
    switch (t->kind) {
    case TOKEN_ANY_KEY: return s->key != NULL;
    case TOKEN_ANY_INDEX: return s->key == NULL;
    case TOKEN_INDEX: return s->key == NULL && s->index == t->index;
    case TOKEN_KEY:
        return s->key && unsafe_yyjson_get_len(s->key) == t->key_len &&
               memcmp(unsafe_yyjson_get_str(s->key), q->names.data + t->key_off, t->key_len) == 0;
    default: return false;
    }
}

/* Wildcard matching with backtracking to the last `**` (each `**` takes
 * zero or more segments): linear for the usual one-`**` glob. */
static bool glob_matches(const jf_query *q, const jf_segment_ref *segs, size_t n) {
    size_t t = 0, s = 0, star_t = SIZE_MAX, star_s = 0;
    while (s < n) {
        if (t < q->token_len && q->tokens[t].kind == TOKEN_ANY_DEPTH) {
            star_t = t++;
            star_s = s;
        } else if (t < q->token_len && token_matches(q, &q->tokens[t], &segs[s])) {
            t++;
            s++;
        } else if (star_t != SIZE_MAX) {
            t = star_t + 1;
            s = ++star_s;
        } else {
            return false;
        }
    }
    while (t < q->token_len && q->tokens[t].kind == TOKEN_ANY_DEPTH) t++;
    return t == q->token_len;
}

/* A number's exact value: 0.d1d2...dn x 10^exponent with d1 != 0, read in
 * place from the source text so that 1, 1.0, 1e0 and 10e-1 compare equal
 * with no rounding, whatever their length. */
typedef struct decimal {
    const char *digits;   /* first digit after the sign; the fraction follows a '.' */
    size_t      int_len;  /* digits before the '.' */
    size_t      first;    /* first significant digit, as an index into the digit sequence */
    size_t      last;     /* one past the last significant digit */
    int64_t     exponent;
    bool        negative;
} decimal;

static char digit_of(const decimal *d, size_t k) {
    return k < d->int_len ? d->digits[k] : d->digits[k + 1];
}

static void read_decimal(const char *raw, size_t len, decimal *d) {
    size_t i = (len && raw[0] == '-') ? 1 : 0;
    size_t mantissa_end = i;
    while (mantissa_end < len && raw[mantissa_end] != 'e' && raw[mantissa_end] != 'E') mantissa_end++;
    size_t dot = i;
    while (dot < mantissa_end && raw[dot] != '.') dot++;
    int64_t exp10 = 0;
    if (mantissa_end < len) {
        size_t e = mantissa_end + 1;
        bool neg = e < len && raw[e] == '-';
        if (e < len && (raw[e] == '-' || raw[e] == '+')) e++;
        for (; e < len; e++)
            if (exp10 < 4000000000LL) exp10 = exp10 * 10 + (raw[e] - '0'); /* beyond any real difference */
        if (neg) exp10 = -exp10;
    }
    d->digits = raw + i;
    d->int_len = dot - i;
    size_t total = d->int_len + (dot < mantissa_end ? mantissa_end - dot - 1 : 0);
    d->first = 0;
    while (d->first < total && digit_of(d, d->first) == '0') d->first++;
    d->last = total;
    while (d->last > d->first && digit_of(d, d->last - 1) == '0') d->last--;
    d->exponent = exp10 + (int64_t)d->int_len - (int64_t)d->first;
    d->negative = raw[0] == '-' && d->first < d->last; /* -0 equals 0 */
}

static bool numbers_equal(const char *a, size_t alen, const char *b, size_t blen) {
    decimal x, y;
    read_decimal(a, alen, &x);
    read_decimal(b, blen, &y);
    size_t n = x.last - x.first;
    if (n != y.last - y.first) return false;
    if (n == 0) return true; /* both zero */
    if (x.negative != y.negative || x.exponent != y.exponent) return false;
    for (size_t k = 0; k < n; k++)
        if (digit_of(&x, x.first + k) != digit_of(&y, y.first + k)) return false;
    return true;
}

bool jf_values_equal(yyjson_val *want, yyjson_val *got) {
    uint8_t wt = unsafe_yyjson_get_type(want), gt = unsafe_yyjson_get_type(got);
    if (wt != gt) return false;
    switch (wt) {
    case YYJSON_TYPE_STR:
        return unsafe_yyjson_get_len(want) == unsafe_yyjson_get_len(got) &&
               memcmp(unsafe_yyjson_get_str(want), unsafe_yyjson_get_str(got), unsafe_yyjson_get_len(got)) == 0;
    case YYJSON_TYPE_RAW:
        return numbers_equal(unsafe_yyjson_get_raw(want), unsafe_yyjson_get_len(want), unsafe_yyjson_get_raw(got),
                             unsafe_yyjson_get_len(got));
    case YYJSON_TYPE_BOOL: return unsafe_yyjson_get_bool(want) == unsafe_yyjson_get_bool(got);
    case YYJSON_TYPE_NULL: return true;
    case YYJSON_TYPE_ARR:
    case YYJSON_TYPE_OBJ: /* leaves hold only empty containers (or whole subtrees, never equal here) */
        return unsafe_yyjson_get_len(want) == 0 && unsafe_yyjson_get_len(got) == 0;
    default: return false;
    }
}

/* FNV-1a step over one byte. */
static inline uint64_t mix_byte(uint64_t h, uint8_t c) { return (h ^ c) * 0x100000001b3ull; }

uint64_t jf_value_hash(yyjson_val *val) {
    uint8_t type = unsafe_yyjson_get_type(val);
    uint64_t h = 0xcbf29ce484222325ull ^ ((uint64_t)type * 0x9e3779b97f4a7c15ull);
    switch (type) {
    case YYJSON_TYPE_STR: {
        const uint8_t *s = (const uint8_t *)unsafe_yyjson_get_str(val);
        for (size_t i = 0, n = unsafe_yyjson_get_len(val); i < n; i++) h = mix_byte(h, s[i]);
        break;
    }
    case YYJSON_TYPE_RAW: { /* the value, not the spelling: equal numbers hash alike */
        decimal d;
        read_decimal(unsafe_yyjson_get_raw(val), unsafe_yyjson_get_len(val), &d);
        for (size_t k = d.first; k < d.last; k++) h = mix_byte(h, (uint8_t)digit_of(&d, k));
        if (d.first < d.last) h = (h ^ (uint64_t)d.exponent) * 0x100000001b3ull ^ (d.negative ? 0x5bd1e995u : 0);
        break;
    }
    case YYJSON_TYPE_BOOL: h = mix_byte(h, unsafe_yyjson_get_bool(val) ? 1 : 0); break;
    case YYJSON_TYPE_ARR:
    case YYJSON_TYPE_OBJ: h = mix_byte(h, unsafe_yyjson_get_len(val) == 0 ? 0 : 1); break;
    default: break;
    }
    return h ^ (h >> 32);
}

bool jf_query_matches(const jf_query *q, const jf_segment_ref *segs, size_t depth, yyjson_val *short_key,
                      yyjson_val *value) {
    if (q->has_key) {
        if (!short_key || unsafe_yyjson_get_len(short_key) != q->key_len ||
            memcmp(unsafe_yyjson_get_str(short_key), q->names.data + q->key_off, q->key_len) != 0)
            return false;
    }
    if (q->value && !jf_values_equal(q->value, value)) return false;
    return !q->has_path || glob_matches(q, segs, depth);
}

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
    if (!result) return NULL;
    memset(result, 0, sizeof(*result));
    jf_config cfg;
    if (!jf_config_from(options, &cfg, &result->error) || !with_query(&cfg, query, &result->error)) return NULL;
    return jf_lines_run(input, length, &cfg, lines, result);
}
