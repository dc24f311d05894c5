/*==============================================================================
 * query.c — compiled queries over leaves (SPEC section 6): a path glob, a short key
 * and a value, compiled once and matched against every leaf of a walk.
 *
 * The glob becomes an automaton whose state is a bit set over the glob's
 * segments (bit p: the first p segments matched). The walk keeps one state
 * per open container and derives a child's from its parent's in one step of
 * a few word operations, so matching costs O(segments / 64) per value, never
 * segments x depth per leaf: hostile globs and deep documents stay linear.
 *============================================================================*/
#include "jsonpath.h"

typedef enum { TOKEN_KEY, TOKEN_ANY_KEY, TOKEN_INDEX, TOKEN_ANY_INDEX, TOKEN_ANY_DEPTH } token_kind;

typedef struct token {
    token_kind kind;
    uint64_t   index;
    size_t     key_off; /* into jf_query.names */
    size_t     key_len;
} token;

/* A number's exact value: 0.d1d2...dn x 10^(±exp + shift) with d1 != 0,
 * read in place from the source text so that 1, 1.0, 1e0 and 10e-1 compare
 * equal with no rounding, whatever the length of the digits or of the
 * exponent (1e68719476736 is not 1e6871947673). */
typedef struct decimal {
    const char *digits;    /* first digit after the sign; the fraction follows a '.' */
    size_t      int_len;   /* digits before the '.' */
    size_t      first;     /* first significant digit, as an index into the digit sequence */
    size_t      last;      /* one past the last significant digit */
    const char *exp;       /* the written exponent's digits, leading zeros skipped */
    size_t      exp_len;
    bool        exp_negative;
    int64_t     shift;     /* int_len - first: what the mantissa's layout adds to the exponent */
    bool        negative;
} decimal;

/* An exact member name or index of the glob, with the segments it stands at. */
typedef struct literal {
    bool     used;
    bool     is_key;
    uint64_t index;
    size_t   key_off, key_len; /* into jf_query.names */
    uint64_t hash;
    size_t   mask;             /* its bit set: offset into jf_query.masks */
} literal;

/* The bit sets of the glob's automaton, each jf_query.words words. */
enum { MASK_START, MASK_STAR, MASK_ANY_KEY, MASK_ANY_INDEX, MASK_FIXED };

struct jf_query {
    token      *tokens;    /* the glob's segments, runs of ** collapsed to one */
    size_t      token_len;
    size_t      token_cap;
    bool        has_path;
    jf_buf      names;     /* decoded member names of the glob, and the key */
    bool        has_key;
    size_t      key_off;
    size_t      key_len;
    yyjson_doc *value_doc; /* the wanted value, parsed with raw numbers */
    yyjson_val *value;
    bool        value_is_number;
    decimal     value_number; /* read once at compile time, not once per leaf */
    uint64_t    limit;     /* 0 = no limit */
    size_t      words;     /* words per state: (token_len + 1) bits; 0 without a path */
    uint64_t   *masks;     /* MASK_FIXED sets, then one per literal */
    literal    *literals;  /* open addressing, literal_cap a power of two (or 0) */
    size_t      literal_cap;
    bool        key_literals, index_literals;
    jf_jsonpath *jsonpath; /* {"jsonpath": ...}: an RFC 9535 query instead of path/key/value */
};

/*------------------------------------------------------------------------------
 * Compiling
 *----------------------------------------------------------------------------*/

/* Appends a segment; a `**` right after a `**` adds nothing (both together
 * match what one does), which is what keeps `**.**.**...` cheap. */
static bool add_token(jf_query *q, token t, jf_error *err) {
    if (t.kind == TOKEN_ANY_DEPTH && q->token_len && q->tokens[q->token_len - 1].kind == TOKEN_ANY_DEPTH) return true;
    if (q->token_len == JF_QUERY_MAX_SEGMENTS) {
        jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0,
                     "invalid query: path has more than %u segments after collapsing runs of ** "
                     "(limit JF_QUERY_MAX_SEGMENTS)", (unsigned)JF_QUERY_MAX_SEGMENTS);
        return false;
    }
    if (q->token_len == q->token_cap) {
        size_t cap = q->token_cap ? q->token_cap * 2 : 8;
        token *tokens = jf_realloc(q->tokens, cap * sizeof(*tokens));
        if (!tokens) {
            jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while compiling a query");
            return false;
        }
        q->tokens = tokens;
        q->token_cap = cap;
    }
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

/* `[...]` at s[*at] == '[': a quoted name, `*` or an index. */
static bool bracket_segment(jf_query *q, const uint8_t *s, size_t n, size_t *at, token *t) {
    size_t i = *at + 1;
    if (i < n && s[i] == '"') {
        if (!quoted_name(q, s, n, &i, t)) return false;
    } else if (i < n && s[i] == '*') {
        t->kind = TOKEN_ANY_INDEX;
        i++;
    } else {
        size_t start = i;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 19) t->index = t->index * 10 + (uint64_t)(s[i++] - '0');
        if (i == start || (i - start > 1 && s[start] == '0')) return false;
        t->kind = TOKEN_INDEX;
    }
    if (i >= n || s[i] != ']') return false;
    *at = i + 1;
    return true;
}

/* `.name`, `.*` or `.**` at s[*at] (no dot before the first segment). */
static bool dotted_segment(jf_query *q, const uint8_t *s, size_t n, size_t *at, token *t) {
    size_t i = *at;
    if (i > 0) {
        if (s[i] != '.') return false;
        i++;
    }
    if (i + 1 < n && s[i] == '*' && s[i + 1] == '*') {
        t->kind = TOKEN_ANY_DEPTH;
        i += 2;
    } else if (i < n && s[i] == '*') {
        t->kind = TOKEN_ANY_KEY;
        i++;
    } else {
        size_t start = i;
        if (i >= n || !name_char(s[i], true)) return false;
        while (i < n && name_char(s[i], false)) i++;
        t->key_off = q->names.len;
        t->key_len = i - start;
        jf_buf_put(&q->names, s + start, t->key_len);
    }
    *at = i;
    return true;
}

static bool query_error(jf_error *err, const char *what) {
    jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0, "invalid query: %s", what);
    return false;
}

/* js-style path with wildcards: a.b["c d"][0], *, [*], ** as segments. The
 * length is checked first, so an oversize glob costs nothing to refuse. */
static bool compile_glob(jf_query *q, const uint8_t *s, size_t n, jf_error *err) {
    if (n > JF_QUERY_MAX_PATH_BYTES) {
        jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0,
                     "invalid query: path is %zu bytes, over the limit of %u (JF_QUERY_MAX_PATH_BYTES)", n,
                     (unsigned)JF_QUERY_MAX_PATH_BYTES);
        return false;
    }
    q->has_path = true;
    for (size_t i = 0; i < n;) {
        token t = { TOKEN_KEY, 0, 0, 0 };
        bool ok = s[i] == '[' ? bracket_segment(q, s, n, &i, &t) : dotted_segment(q, s, n, &i, &t);
        if (!ok) return query_error(err, "path is not a js-style path or glob (a.b[0], a.*.c, items[*], a.**.id)");
        if (!add_token(q, t, err)) return false;
    }
    return true;
}

/*------------------------------------------------------------------------------
 * The glob's automaton
 *----------------------------------------------------------------------------*/

static inline uint64_t *mask_at(const jf_query *q, size_t which) { return q->masks + which * q->words; }
static inline void set_bit(uint64_t *set, size_t bit) { set[bit / 64] |= (uint64_t)1 << (bit % 64); }

/* FNV-1a over bytes; the index form mixes the number in instead. */
static uint64_t hash_bytes(const uint8_t *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}
static inline uint64_t hash_index(uint64_t index) { return (index + 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull; }

/* The slot of a member name or index: its own, or the empty one it would take. */
static literal *literal_slot(const jf_query *q, bool is_key, uint64_t index, const uint8_t *key, size_t key_len,
                             uint64_t hash) {
    size_t at = (size_t)(hash ^ (hash >> 29)) & (q->literal_cap - 1);
    for (;; at = (at + 1) & (q->literal_cap - 1)) {
        literal *l = &q->literals[at];
        if (!l->used) return l;
        if (l->hash != hash || l->is_key != is_key) continue;
        if (is_key ? l->key_len == key_len && memcmp(q->names.data + l->key_off, key, key_len) == 0 : l->index == index)
            return l;
    }
}

/* Marks segment p in the bit set of its exact name or index (one set per
 * distinct literal, so a path segment finds its transitions in one lookup). */
static void add_literal(jf_query *q, size_t p, size_t *next_mask) {
    const token *t = &q->tokens[p];
    bool is_key = t->kind == TOKEN_KEY;
    const uint8_t *key = q->names.data + t->key_off;
    uint64_t hash = is_key ? hash_bytes(key, t->key_len) : hash_index(t->index);
    literal *l = literal_slot(q, is_key, t->index, key, t->key_len, hash);
    if (!l->used) {
        *l = (literal){ true, is_key, t->index, t->key_off, t->key_len, hash, (*next_mask)++ };
        if (is_key) q->key_literals = true;
        else q->index_literals = true;
    }
    set_bit(mask_at(q, l->mask), p);
}

static bool build_automaton(jf_query *q, jf_error *err) {
    size_t literals = 0;
    for (size_t p = 0; p < q->token_len; p++) literals += q->tokens[p].kind == TOKEN_KEY || q->tokens[p].kind == TOKEN_INDEX;
    q->literal_cap = 0;
    while (q->literal_cap < literals * 2) q->literal_cap = q->literal_cap ? q->literal_cap * 2 : 4;
    q->words = (q->token_len + 1 + 63) / 64;
    q->masks = jf_malloc((MASK_FIXED + literals) * q->words * sizeof(uint64_t));
    q->literals = q->literal_cap ? jf_malloc(q->literal_cap * sizeof(literal)) : NULL;
    if (!q->masks || (q->literal_cap && !q->literals)) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while compiling a query");
        return false;
    }
    memset(q->masks, 0, (MASK_FIXED + literals) * q->words * sizeof(uint64_t));
    if (q->literals) memset(q->literals, 0, q->literal_cap * sizeof(literal));
    size_t next_mask = MASK_FIXED;
    for (size_t p = 0; p < q->token_len; p++) {
        switch (q->tokens[p].kind) {
        case TOKEN_ANY_DEPTH: set_bit(mask_at(q, MASK_STAR), p); break;
        case TOKEN_ANY_KEY: set_bit(mask_at(q, MASK_ANY_KEY), p); break;
        case TOKEN_ANY_INDEX: set_bit(mask_at(q, MASK_ANY_INDEX), p); break;
        default: add_literal(q, p, &next_mask); break;
        }
    }
    /* Before any segment: nothing matched, or a leading ** matched nothing. */
    set_bit(mask_at(q, MASK_START), 0);
    if (q->token_len && q->tokens[0].kind == TOKEN_ANY_DEPTH) set_bit(mask_at(q, MASK_START), 1);
    return true;
}

size_t jf_query_state_words(const jf_query *q) { return q->words; }
const uint64_t *jf_query_start(const jf_query *q) { return q->words ? mask_at(q, MASK_START) : NULL; }

/* The bit set of the segments that are exactly this name or index, or NULL. */
static const uint64_t *literal_mask(const jf_query *q, const jf_segment_ref *seg) {
    if (seg->key ? !q->key_literals : !q->index_literals) return NULL;
    const uint8_t *key = NULL;
    size_t key_len = 0;
    uint64_t hash;
    if (seg->key) {
        key = (const uint8_t *)unsafe_yyjson_get_str(seg->key);
        key_len = unsafe_yyjson_get_len(seg->key);
        hash = hash_bytes(key, key_len);
    } else {
        hash = hash_index(seg->index);
    }
    const literal *l = literal_slot(q, seg->key != NULL, seg->index, key, key_len, hash);
    return l->used ? mask_at(q, l->mask) : NULL;
}

/* One segment consumed: a `**` at p stays at p, a segment at p that matches
 * moves to p + 1, and a `**` reached matches nothing at once (p + 1 too).
 * Runs of ** are collapsed, so that last move never chains. */
void jf_query_step(const jf_query *q, const uint64_t *from, const jf_segment_ref *seg, uint64_t *to) {
    const uint64_t *star = mask_at(q, MASK_STAR);
    const uint64_t *any = mask_at(q, seg->key ? MASK_ANY_KEY : MASK_ANY_INDEX);
    const uint64_t *exact = literal_mask(q, seg);
    uint64_t moved_in = 0, skipped_in = 0;
    for (size_t w = 0; w < q->words; w++) {
        uint64_t moves = from[w] & (any[w] | (exact ? exact[w] : 0));
        uint64_t next = (from[w] & star[w]) | (moves << 1) | moved_in;
        moved_in = moves >> 63;
        uint64_t stars = next & star[w];
        to[w] = next | (stars << 1) | skipped_in;
        skipped_in = stars >> 63;
    }
}

/* Whether the whole glob has matched (the bit after its last segment). */
static inline bool accepts(const jf_query *q, const uint64_t *state) {
    return (state[q->token_len / 64] >> (q->token_len % 64)) & 1;
}

/*------------------------------------------------------------------------------
 * Numbers by exact value
 *----------------------------------------------------------------------------*/

static char digit_of(const decimal *d, size_t k) {
    return k < d->int_len ? d->digits[k] : d->digits[k + 1];
}

static void read_decimal(const char *raw, size_t len, decimal *d) {
    size_t i = (len && raw[0] == '-') ? 1 : 0;
    size_t mantissa_end = i;
    while (mantissa_end < len && raw[mantissa_end] != 'e' && raw[mantissa_end] != 'E') mantissa_end++;
    size_t dot = i;
    while (dot < mantissa_end && raw[dot] != '.') dot++;
    d->exp = raw + len;
    d->exp_len = 0;
    d->exp_negative = false;
    if (mantissa_end < len) {
        size_t e = mantissa_end + 1;
        d->exp_negative = e < len && raw[e] == '-';
        if (e < len && (raw[e] == '-' || raw[e] == '+')) e++;
        while (e < len && raw[e] == '0') e++;
        d->exp = raw + e;
        d->exp_len = len - e;
    }
    d->digits = raw + i;
    d->int_len = dot - i;
    size_t total = d->int_len + (dot < mantissa_end ? mantissa_end - dot - 1 : 0);
    d->first = 0;
    while (d->first < total && digit_of(d, d->first) == '0') d->first++;
    d->last = total;
    while (d->last > d->first && digit_of(d, d->last - 1) == '0') d->last--;
    /* Both below any text length an address space holds (2^57 < 10^18). */
    d->shift = (int64_t)d->int_len - (int64_t)d->first;
    d->negative = raw[0] == '-' && d->first < d->last; /* -0 equals 0 */
}

/* The decimal digits of |exponent|, least significant first, with no
 * arithmetic on the exponent's full size: |±E + shift| is E's digits plus a
 * carry that starts as ±shift. An exponent of up to 18 digits is summed in
 * an int64 instead (|E| < 10^18 and |shift| < 10^18 cannot overflow it). */
typedef struct exp_digits {
    const char *digits; /* most significant first */
    size_t      len, pos;
    int64_t     carry;
    bool        negative;
    char        small[20];
} exp_digits;

static void exp_begin(const decimal *d, exp_digits *x) {
    x->pos = 0;
    if (d->exp_len > 18) { /* |E| >= 10^18 > |shift|: the sign is the written one */
        x->digits = d->exp;
        x->len = d->exp_len;
        x->negative = d->exp_negative;
        x->carry = d->exp_negative ? -d->shift : d->shift;
        return;
    }
    int64_t e = 0;
    for (size_t k = 0; k < d->exp_len; k++) e = e * 10 + (d->exp[k] - '0');
    e = (d->exp_negative ? -e : e) + d->shift;
    x->negative = e < 0;
    uint64_t m = e < 0 ? (uint64_t)0 - (uint64_t)e : (uint64_t)e;
    size_t n = sizeof(x->small);
    do x->small[--n] = (char)('0' + m % 10);
    while ((m /= 10) != 0);
    x->digits = x->small + n;
    x->len = sizeof(x->small) - n;
    x->carry = 0;
}

/* The next digit, least significant first; -1 once none but leading zeros remain. */
static int exp_next(exp_digits *x) {
    if (x->pos >= x->len && x->carry == 0) return -1;
    int64_t t = x->carry + (x->pos < x->len ? x->digits[x->len - 1 - x->pos] - '0' : 0);
    x->pos++;
    int64_t r = t % 10, q = t / 10;
    if (r < 0) { /* floor division: a negative carry borrows */
        r += 10;
        q -= 1;
    }
    x->carry = q;
    return (int)r;
}

static bool exponents_equal(const decimal *a, const decimal *b) {
    exp_digits x, y;
    exp_begin(a, &x);
    exp_begin(b, &y);
    if (x.negative != y.negative) return false;
    for (;;) {
        int dx = exp_next(&x), dy = exp_next(&y);
        if (dx < 0 && dy < 0) return true;
        if ((dx < 0 ? 0 : dx) != (dy < 0 ? 0 : dy)) return false;
    }
}

/* |exponent| mod 10^18 and its sign: equal for equal exponents, whatever their spelling. */
static uint64_t exponent_hash(const decimal *d) {
    exp_digits x;
    exp_begin(d, &x);
    uint64_t h = 0, scale = 1;
    for (int k = 0, digit; k < 18 && (digit = exp_next(&x)) >= 0; k++, scale *= 10) h += (uint64_t)digit * scale;
    return x.negative ? ~h : h;
}

static bool decimals_equal(const decimal *x, const decimal *y) {
    size_t n = x->last - x->first;
    if (n != y->last - y->first) return false;
    if (n == 0) return true; /* both zero */
    if (x->negative != y->negative) return false;
    for (size_t k = 0; k < n; k++)
        if (digit_of(x, x->first + k) != digit_of(y, y->first + k)) return false;
    return exponents_equal(x, y);
}

static bool number_equals(const decimal *want, yyjson_val *got) {
    decimal d;
    read_decimal(unsafe_yyjson_get_raw(got), unsafe_yyjson_get_len(got), &d);
    return decimals_equal(want, &d);
}

/*------------------------------------------------------------------------------
 * The query object
 *----------------------------------------------------------------------------*/

static bool compile_fields(jf_query *q, yyjson_val *root, jf_error *err) {
    if (!yyjson_is_obj(root)) return query_error(err, "expected a JSON object {path?, key?, value?, limit?}");
    yyjson_val *key, *val;
    yyjson_obj_iter it = yyjson_obj_iter_with(root);
    while ((key = yyjson_obj_iter_next(&it))) {
        val = yyjson_obj_iter_get_val(key);
        const char *name = yyjson_get_str(key);
        if (strcmp(name, "path") == 0) {
            if (!yyjson_is_str(val)) return query_error(err, "path must be a string");
            if (q->has_path) return query_error(err, "path is given twice");
            if (!compile_glob(q, (const uint8_t *)yyjson_get_str(val), yyjson_get_len(val), err)) return false;
        } else if (strcmp(name, "key") == 0) {
            if (!yyjson_is_str(val)) return query_error(err, "key must be a string");
            if (q->has_key) return query_error(err, "key is given twice");
            q->has_key = true;
            q->key_off = q->names.len;
            q->key_len = yyjson_get_len(val);
            jf_buf_put(&q->names, yyjson_get_str(val), q->key_len);
        } else if (strcmp(name, "value") == 0) {
            q->value = val;
        } else if (strcmp(name, "jsonpath") == 0) {
            if (!yyjson_is_str(val)) return query_error(err, "jsonpath must be a string");
            if (q->jsonpath) return query_error(err, "jsonpath is given twice");
            q->jsonpath = jf_jsonpath_compile((const uint8_t *)yyjson_get_str(val), yyjson_get_len(val), err);
            if (!q->jsonpath) return false;
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
            return query_error(err, "unknown field (known: path, key, value, limit, jsonpath)");
        }
    }
    if (q->jsonpath && (q->has_path || q->has_key || q->value))
        return query_error(err, "jsonpath is a query of its own: give it without path, key or value");
    if (q->names.failed) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while compiling a query");
        return false;
    }
    if (q->value && yyjson_is_raw(q->value)) {
        q->value_is_number = true;
        read_decimal(yyjson_get_raw(q->value), yyjson_get_len(q->value), &q->value_number);
    }
    return !q->has_path || build_automaton(q, err);
}

JF_API jf_query *jf_query_compile(const uint8_t *query, size_t length, jf_error *error) {
    jf_error scratch;
    jf_error *err = error ? error : &scratch;
    memset(err, 0, sizeof(*err));
    if (query && length > JF_QUERY_MAX_BYTES) {
        jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0,
                     "invalid query: %zu bytes, over the limit of %u (JF_QUERY_MAX_BYTES)", length,
                     (unsigned)JF_QUERY_MAX_BYTES);
        return NULL;
    }
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
    jf_free(query->masks);
    jf_free(query->literals);
    jf_buf_release(&query->names);
    if (query->value_doc) yyjson_doc_free(query->value_doc);
    jf_jsonpath_free(query->jsonpath);
    jf_free(query);
}

uint64_t jf_query_limit(const jf_query *q) { return q->limit; }
const jf_jsonpath *jf_query_jsonpath(const jf_query *q) { return q->jsonpath; }

/*------------------------------------------------------------------------------
 * Values
 *----------------------------------------------------------------------------*/

bool jf_values_equal(yyjson_val *want, yyjson_val *got) {
    uint8_t wt = unsafe_yyjson_get_type(want), gt = unsafe_yyjson_get_type(got);
    if (wt != gt) return false;
    switch (wt) {
    case YYJSON_TYPE_STR:
        return unsafe_yyjson_get_len(want) == unsafe_yyjson_get_len(got) &&
               memcmp(unsafe_yyjson_get_str(want), unsafe_yyjson_get_str(got), unsafe_yyjson_get_len(got)) == 0;
    case YYJSON_TYPE_RAW: {
        decimal d;
        read_decimal(unsafe_yyjson_get_raw(want), unsafe_yyjson_get_len(want), &d);
        return number_equals(&d, got);
    }
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
        if (d.first < d.last) h = (h ^ exponent_hash(&d)) * 0x100000001b3ull ^ (d.negative ? 0x5bd1e995u : 0);
        break;
    }
    case YYJSON_TYPE_BOOL: h = mix_byte(h, unsafe_yyjson_get_bool(val) ? 1 : 0); break;
    case YYJSON_TYPE_ARR:
    case YYJSON_TYPE_OBJ: h = mix_byte(h, unsafe_yyjson_get_len(val) == 0 ? 0 : 1); break;
    default: break;
    }
    return h ^ (h >> 32);
}

bool jf_query_matches(const jf_query *q, const uint64_t *state, yyjson_val *short_key, yyjson_val *value) {
    if (q->has_key) {
        if (!short_key || unsafe_yyjson_get_len(short_key) != q->key_len ||
            memcmp(unsafe_yyjson_get_str(short_key), q->names.data + q->key_off, q->key_len) != 0)
            return false;
    }
    if (q->value) {
        bool equal = q->value_is_number ? unsafe_yyjson_get_type(value) == YYJSON_TYPE_RAW &&
                                              number_equals(&q->value_number, value)
                                        : jf_values_equal(q->value, value);
        if (!equal) return false;
    }
    return !q->has_path || accepts(q, state);
}
