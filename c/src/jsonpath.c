/*==============================================================================
 * jsonpath.c — RFC 9535 JSONPath text to its compiled form (jsonpath.h):
 * a recursive-descent parser over the RFC's grammar that also applies its
 * well-typedness rules (section 2.4.3), so every query that compiles can be
 * evaluated without a type error.
 *
 * Hostile text is refused before it costs much: the text is bounded by
 * JF_JSONPATH_MAX_BYTES and the nesting of filter expressions (parentheses,
 * `!`, filters, function calls) by JF_JSONPATH_MAX_NESTING, which also
 * bounds the parser's recursion; regex literals are bounded by iregexp.c.
 *============================================================================*/
#include "jsonpath.h"

typedef struct parser {
    jf_jsonpath   *jp;
    const uint8_t *s;
    size_t         n, at;
    uint32_t       depth;
    jf_error      *err;
    bool           failed;
} parser;

typedef enum { TYPE_VALUE, TYPE_LOGICAL, TYPE_NODES } expr_type;

/*------------------------------------------------------------------------------
 * Errors and storage
 *----------------------------------------------------------------------------*/

/* The first error wins: its offset is where the text stopped making sense. */
static bool fail_at(parser *p, size_t at, const char *what) {
    if (!p->failed) {
        p->failed = true;
        jf_set_error(p->err, JF_INVALID_OPTION, p->s, p->n, at, "invalid JSONPath: %s", what);
    }
    return false;
}

static bool fail(parser *p, const char *what) { return fail_at(p, p->at, what); }

static bool out_of_memory(parser *p) {
    if (!p->failed) {
        p->failed = true;
        jf_set_error(p->err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while compiling a JSONPath");
    }
    return false;
}

/* Grows one of the compiled form's arrays by one element; its index in *id. */
static bool grow(parser *p, void **items, size_t *len, size_t *cap, size_t size, uint32_t *id) {
    if (*len == *cap) {
        size_t cap2 = *cap ? *cap * 2 : 8;
        void *bigger = jf_realloc(*items, cap2 * size);
        if (!bigger) return out_of_memory(p);
        *items = bigger;
        *cap = cap2;
    }
    memset((uint8_t *)*items + *len * size, 0, size);
    *id = (uint32_t)(*len)++;
    return true;
}

#define NEW(p, field, id) grow((p), (void **)&(p)->jp->field##s, &(p)->jp->field##_len, &(p)->jp->field##_cap, \
                               sizeof(*(p)->jp->field##s), (id))

static inline uint8_t peek(const parser *p) { return p->at < p->n ? p->s[p->at] : 0; }
static inline uint8_t peek_at(const parser *p, size_t k) { return p->at + k < p->n ? p->s[p->at + k] : 0; }
static inline bool at_end(const parser *p) { return p->at >= p->n; }

/* RFC 9535 blank space: space, tab, LF, CR. */
static void skip_blank(parser *p) {
    while (!at_end(p) && (peek(p) == ' ' || peek(p) == '\t' || peek(p) == '\n' || peek(p) == '\r')) p->at++;
}

static bool enter(parser *p) {
    if (++p->depth > JF_JSONPATH_MAX_NESTING)
        return fail(p, "filter expressions nest deeper than JF_JSONPATH_MAX_NESTING");
    return true;
}

/*------------------------------------------------------------------------------
 * Text: UTF-8, integers, string literals, member names
 *----------------------------------------------------------------------------*/

/* Length of the UTF-8 sequence at s[0..n) (a scalar value, shortest form), or 0. */
static size_t utf8_length(const uint8_t *s, size_t n) {
    uint8_t c = s[0];
    if (c < 0x80) return 1;
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (!len || c > 0xF4 || len > n) return 0;
    uint32_t cp = c & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    bool shortest = (len == 3 && cp >= 0x800) || (len == 4 && cp >= 0x10000) || len == 2;
    return shortest && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) ? len : 0;
}

static bool check_utf8(parser *p) {
    for (size_t i = 0; i < p->n;) {
        size_t len = utf8_length(p->s + i, p->n - i);
        if (!len) return fail_at(p, i, "not valid UTF-8");
        i += len;
    }
    return true;
}

static inline bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static inline bool is_alpha(uint8_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* int = "0" / ["-"] DIGIT1 *DIGIT, within the I-JSON range +-(2^53-1). */
static bool parse_int(parser *p, int64_t *value) {
    size_t start = p->at;
    bool negative = peek(p) == '-';
    if (negative) p->at++;
    if (!is_digit(peek(p))) return fail(p, "expected an integer");
    if (peek(p) == '0') {
        p->at++;
        if (negative) return fail_at(p, start, "-0 is not an integer here");
        if (is_digit(peek(p))) return fail_at(p, start, "an integer has no leading zeros");
        *value = 0;
        return true;
    }
    uint64_t v = 0;
    const uint64_t max = ((uint64_t)1 << 53) - 1;
    while (is_digit(peek(p))) {
        v = v * 10 + (uint64_t)(peek(p) - '0');
        if (v > max) return fail_at(p, start, "integer outside the range -(2^53-1)..2^53-1");
        p->at++;
    }
    *value = negative ? -(int64_t)v : (int64_t)v;
    return true;
}

static int hex_value(uint8_t c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool hex4(parser *p, uint32_t *cp) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value(peek(p));
        if (h < 0) return fail(p, "expected 4 hex digits after \\u");
        v = v << 4 | (uint32_t)h;
        p->at++;
    }
    *cp = v;
    return true;
}

static void put_utf8(jf_buf *b, uint32_t cp) {
    uint8_t u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (uint8_t)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (uint8_t)(0xC0 | cp >> 6); u[1] = (uint8_t)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (uint8_t)(0xE0 | cp >> 12); u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (uint8_t)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        u[0] = (uint8_t)(0xF0 | cp >> 18); u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (uint8_t)(0x80 | (cp & 0x3F)); n = 4;
    }
    jf_buf_put(b, u, n);
}

/* \uXXXX, a surrogate pair as two of them; the backslash and u are read. */
static bool unicode_escape(parser *p, uint32_t *cp) {
    size_t start = p->at - 2;
    if (!hex4(p, cp)) return false;
    if (*cp >= 0xDC00 && *cp <= 0xDFFF) return fail_at(p, start, "a low surrogate escape without a high one");
    if (*cp < 0xD800 || *cp > 0xDBFF) return true;
    uint32_t low;
    if (peek(p) != '\\' || peek_at(p, 1) != 'u') return fail_at(p, start, "a high surrogate escape without a low one");
    p->at += 2;
    if (!hex4(p, &low)) return false;
    if (low < 0xDC00 || low > 0xDFFF) return fail_at(p, start, "a high surrogate escape without a low one");
    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (low - 0xDC00);
    return true;
}

static bool string_escape(parser *p, uint8_t quote) {
    uint8_t c = peek(p);
    p->at++;
    uint8_t out;
    switch (c) {
    case 'b': out = '\b'; break;
    case 'f': out = '\f'; break;
    case 'n': out = '\n'; break;
    case 'r': out = '\r'; break;
    case 't': out = '\t'; break;
    case '/': case '\\': out = c; break;
    case 'u': {
        uint32_t cp;
        if (!unicode_escape(p, &cp)) return false;
        put_utf8(&p->jp->strings, cp);
        return true;
    }
    default:
        if (c != quote) return fail_at(p, p->at - 2, "unknown escape in a string literal");
        out = c;
    }
    jf_buf_byte(&p->jp->strings, out);
    return true;
}

/* A quoted string, decoded into jp->strings at *off, *len. */
static bool parse_string(parser *p, size_t *off, size_t *len) {
    uint8_t quote = peek(p);
    size_t start = p->at++;
    *off = p->jp->strings.len;
    for (;;) {
        if (at_end(p)) return fail_at(p, start, "a string literal without its closing quote");
        uint8_t c = peek(p);
        if (c == quote) break;
        if (c < 0x20) return fail(p, "a control character in a string literal (escape it)");
        if (c == '\\') {
            p->at++;
            if (!string_escape(p, quote)) return false;
            continue;
        }
        jf_buf_byte(&p->jp->strings, c);
        p->at++;
    }
    p->at++;
    *len = p->jp->strings.len - *off;
    return true;
}

/* name-first = ALPHA / "_" / any non-ASCII scalar (the text is valid UTF-8). */
static inline bool name_first(uint8_t c) { return is_alpha(c) || c == '_' || c >= 0x80; }

static bool parse_member_name(parser *p, size_t *off, size_t *len) {
    if (!name_first(peek(p))) return fail(p, "expected a member name, `*` or `[`");
    size_t start = p->at;
    while (!at_end(p) && (name_first(peek(p)) || is_digit(peek(p)))) p->at++;
    *off = p->jp->strings.len;
    *len = p->at - start;
    jf_buf_put(&p->jp->strings, p->s + start, *len);
    return true;
}

/*------------------------------------------------------------------------------
 * Segments and selectors
 *----------------------------------------------------------------------------*/

static bool parse_logical(parser *p, uint32_t *e);
static bool require_logical(parser *p, uint32_t e, size_t at);

/* Appends a selector to the run that ends at *last (JP_NONE: none yet). */
static bool new_selector(parser *p, uint32_t *first, uint32_t *last, uint32_t *id) {
    if (!NEW(p, selector, id)) return false;
    p->jp->selectors[*id].next = JP_NONE;
    if (*last == JP_NONE) *first = *id;
    else p->jp->selectors[*last].next = *id;
    *last = *id;
    return true;
}

/* [start S] ":" S [end S] [":" [S step]], the start (if any) already read. */
static bool parse_slice(parser *p, jp_selector *sel) {
    sel->kind = JP_SEL_SLICE;
    sel->step = 1;
    p->at++; /* the first ':' */
    skip_blank(p);
    if (peek(p) == '-' || is_digit(peek(p))) {
        if (!parse_int(p, &sel->end)) return false;
        sel->has_end = true;
        skip_blank(p);
    }
    if (peek(p) != ':') return true;
    p->at++;
    skip_blank(p);
    if (peek(p) == '-' || is_digit(peek(p))) return parse_int(p, &sel->step);
    return true;
}

static bool parse_selector(parser *p, uint32_t id) {
    uint8_t c = peek(p);
    jp_selector sel = { .kind = JP_SEL_NAME, .next = JP_NONE };
    if (c == '\'' || c == '"') {
        if (!parse_string(p, &sel.name_off, &sel.name_len)) return false;
    } else if (c == '*') {
        sel.kind = JP_SEL_WILDCARD;
        p->at++;
    } else if (c == '?') {
        sel.kind = JP_SEL_FILTER;
        p->at++;
        skip_blank(p);
        size_t at = p->at;
        if (!enter(p) || !parse_logical(p, &sel.filter) || !require_logical(p, sel.filter, at)) return false;
        p->depth--;
    } else if (c == ':') {
        if (!parse_slice(p, &sel)) return false;
    } else if (c == '-' || is_digit(c)) {
        if (!parse_int(p, &sel.index)) return false;
        sel.kind = JP_SEL_INDEX;
        size_t after = p->at;
        skip_blank(p);
        if (peek(p) == ':') {
            sel.start = sel.index;
            sel.has_start = true;
            if (!parse_slice(p, &sel)) return false;
        } else {
            p->at = after;
        }
    } else {
        return fail(p, "expected a selector: a quoted name, `*`, an index, a slice or a filter `?`");
    }
    p->jp->selectors[id] = sel; /* the array may have moved while the filter compiled */
    return true;
}

/* "[" S selector *(S "," S selector) S "]"; sets *single when it is one name or index. */
static bool parse_bracketed(parser *p, jp_segment *seg, bool *single) {
    p->at++;
    uint32_t last = JP_NONE, id, count = 0;
    for (;;) {
        skip_blank(p);
        if (!new_selector(p, &seg->first, &last, &id) || !parse_selector(p, id)) return false;
        count++;
        skip_blank(p);
        if (peek(p) == ']') break;
        if (peek(p) != ',') return fail(p, "expected `,` or `]` after a selector");
        p->at++;
    }
    p->at++;
    uint8_t kind = p->jp->selectors[seg->first].kind;
    *single = count == 1 && (kind == JP_SEL_NAME || kind == JP_SEL_INDEX);
    return true;
}

/* After `.` or `..`: `*` or a member name shorthand. */
static bool parse_dotted(parser *p, jp_segment *seg) {
    uint32_t last = JP_NONE, id;
    if (!new_selector(p, &seg->first, &last, &id)) return false;
    jp_selector *sel = &p->jp->selectors[id];
    if (peek(p) == '*') {
        sel->kind = JP_SEL_WILDCARD;
        p->at++;
        return true;
    }
    sel->kind = JP_SEL_NAME;
    return parse_member_name(p, &sel->name_off, &sel->name_len);
}

static bool parse_segment(parser *p, jp_segment *seg, bool *single) {
    *single = false;
    if (peek(p) == '[') return parse_bracketed(p, seg, single);
    p->at++; /* '.' */
    if (peek(p) == '.') {
        seg->descendant = true;
        p->at++;
        if (peek(p) == '[') return parse_bracketed(p, seg, single);
        return parse_dotted(p, seg);
    }
    *single = peek(p) != '*';
    return parse_dotted(p, seg);
}

/* The segments after `$` or `@`, as query *id. Blank space may come before a
 * segment; blank space after the last one is left for the caller. */
static bool parse_query(parser *p, bool absolute, uint32_t *id) {
    if (!grow(p, (void **)&p->jp->queries, &p->jp->query_len, &p->jp->query_cap, sizeof(jp_query), id)) return false;
    jp_query q = { .absolute = absolute, .singular = true, .first = JP_NONE };
    uint32_t last = JP_NONE;
    for (;;) {
        size_t before = p->at;
        skip_blank(p);
        if (peek(p) != '[' && peek(p) != '.') {
            p->at = before;
            break;
        }
        uint32_t sid;
        if (!NEW(p, segment, &sid)) return false;
        jp_segment seg = { .descendant = false, .first = JP_NONE, .next = JP_NONE };
        bool single;
        if (!parse_segment(p, &seg, &single)) return false;
        p->jp->segments[sid] = seg;
        if (last == JP_NONE) q.first = sid;
        else p->jp->segments[last].next = sid;
        last = sid;
        q.singular = q.singular && single && !seg.descendant;
    }
    p->jp->queries[*id] = q;
    return true;
}

/*------------------------------------------------------------------------------
 * Expressions and their types (RFC 9535 section 2.4.3)
 *----------------------------------------------------------------------------*/

static const struct { const char *name; jp_function fn; expr_type result; uint8_t arity; expr_type params[2]; } functions[] = {
    { "length", JP_FN_LENGTH, TYPE_VALUE, 1, { TYPE_VALUE } },
    { "count", JP_FN_COUNT, TYPE_VALUE, 1, { TYPE_NODES } },
    { "match", JP_FN_MATCH, TYPE_LOGICAL, 2, { TYPE_VALUE, TYPE_VALUE } },
    { "search", JP_FN_SEARCH, TYPE_LOGICAL, 2, { TYPE_VALUE, TYPE_VALUE } },
    { "value", JP_FN_VALUE, TYPE_VALUE, 1, { TYPE_NODES } },
};

static expr_type function_result(jp_function fn) {
    for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
        if (functions[i].fn == fn) return functions[i].result;
    return TYPE_VALUE;
}

static bool new_expr(parser *p, jp_expr e, uint32_t *id) {
    if (!NEW(p, expr, id)) return false;
    p->jp->exprs[*id] = e;
    return true;
}

/* Usable where a LogicalType is wanted: a logical expression, a query (its
 * existence) or a function whose result is LogicalType. */
static bool is_logical(const parser *p, uint32_t e) {
    const jp_expr *x = &p->jp->exprs[e];
    if (x->kind == JP_EX_LITERAL) return false;
    if (x->kind == JP_EX_FUNCTION) return function_result((jp_function)x->op) == TYPE_LOGICAL;
    return true;
}

/* Usable where a ValueType is wanted: a literal, a singular query or a
 * function whose result is ValueType. */
static bool is_value(const parser *p, uint32_t e) {
    const jp_expr *x = &p->jp->exprs[e];
    if (x->kind == JP_EX_LITERAL) return true;
    if (x->kind == JP_EX_QUERY) return p->jp->queries[x->a].singular;
    if (x->kind == JP_EX_FUNCTION) return function_result((jp_function)x->op) == TYPE_VALUE;
    return false;
}

static bool require_logical(parser *p, uint32_t e, size_t at) { /* at: where the expression starts */
    return is_logical(p, e) || fail_at(p, at, "not a test or a comparison (a literal or a function of ValueType)");
}

/* number = (int / "-0") [ "." 1*DIGIT ] [ ("e" / "E") [ "-" / "+" ] 1*DIGIT ] */
static bool parse_number(parser *p, jp_expr *e) {
    size_t start = p->at;
    if (peek(p) == '-') p->at++;
    if (!is_digit(peek(p))) return fail_at(p, start, "expected a number");
    if (peek(p) == '0' && is_digit(peek_at(p, 1))) return fail_at(p, start, "a number has no leading zeros");
    while (is_digit(peek(p))) p->at++;
    if (peek(p) == '.') {
        p->at++;
        if (!is_digit(peek(p))) return fail(p, "expected digits after the decimal point");
        while (is_digit(peek(p))) p->at++;
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->at++;
        if (peek(p) == '+' || peek(p) == '-') p->at++;
        if (!is_digit(peek(p))) return fail(p, "expected digits in the exponent");
        while (is_digit(peek(p))) p->at++;
    }
    e->kind = JP_EX_LITERAL;
    e->op = JP_LIT_NUMBER;
    e->text_off = p->jp->strings.len;
    e->text_len = p->at - start;
    jf_buf_put(&p->jp->strings, p->s + start, e->text_len);
    return true;
}

static bool parse_function(parser *p, size_t start, size_t name_len, uint32_t *id);

/* A literal, a query, or a function call (or `true`/`false`/`null`). */
static bool parse_primary(parser *p, uint32_t *id) {
    uint8_t c = peek(p);
    jp_expr e = { .kind = JP_EX_LITERAL };
    if (c == '$' || c == '@') {
        p->at++;
        e.kind = JP_EX_QUERY;
        if (!parse_query(p, c == '$', &e.a)) return false;
        return new_expr(p, e, id);
    }
    if (c == '\'' || c == '"') {
        e.op = JP_LIT_STRING;
        if (!parse_string(p, &e.text_off, &e.text_len)) return false;
        return new_expr(p, e, id);
    }
    if (c == '-' || is_digit(c)) return parse_number(p, &e) && new_expr(p, e, id);
    if (c >= 'a' && c <= 'z') {
        size_t start = p->at;
        while (!at_end(p) && ((peek(p) >= 'a' && peek(p) <= 'z') || peek(p) == '_' || is_digit(peek(p)))) p->at++;
        size_t len = p->at - start;
        if (peek(p) == '(') return parse_function(p, start, len, id);
        const char *word = (const char *)p->s + start;
        if (len == 4 && memcmp(word, "true", 4) == 0) e.op = JP_LIT_TRUE;
        else if (len == 5 && memcmp(word, "false", 5) == 0) e.op = JP_LIT_FALSE;
        else if (len == 4 && memcmp(word, "null", 4) == 0) e.op = JP_LIT_NULL;
        else return fail_at(p, start, "unknown word (literals are true, false, null; functions need `(`)");
        return new_expr(p, e, id);
    }
    return fail(p, "expected a query, a literal, a function, `(` or `!`");
}

static bool argument_fits(parser *p, uint32_t arg, expr_type want, size_t at) {
    const jp_expr *x = &p->jp->exprs[arg];
    bool ok = want == TYPE_VALUE     ? is_value(p, arg)
              : want == TYPE_NODES   ? x->kind == JP_EX_QUERY
                                     : is_logical(p, arg);
    if (ok) return true;
    return fail_at(p, at, want == TYPE_VALUE   ? "argument is not a value (a literal, singular query or value function)"
                          : want == TYPE_NODES ? "argument is not a query"
                                               : "argument is not a logical expression");
}

/* A literal pattern of match/search is compiled here, once; one over the
 * size cap is refused, an invalid one simply never matches (RFC 9535 2.4.6). */
static bool compile_pattern(parser *p, jp_expr *call, size_t at) {
    const jp_expr *pattern = &p->jp->exprs[call->b];
    if (pattern->kind != JP_EX_LITERAL || pattern->op != JP_LIT_STRING) return true;
    if (pattern->text_len > JF_JSONPATH_MAX_REGEX_BYTES)
        return fail_at(p, at, "regular expression over JF_JSONPATH_MAX_REGEX_BYTES");
    const char *why = NULL;
    call->regex = jf_iregexp_compile(p->jp->strings.data + pattern->text_off, pattern->text_len, &why);
    if (!call->regex && !why) return out_of_memory(p);
    if (!call->regex && strstr(why, "JF_JSONPATH_MAX_REGEX")) return fail_at(p, at, why);
    return true;
}

static bool parse_arguments(parser *p, const char *name, uint32_t fi, jp_expr *call) {
    uint32_t args[2];
    size_t arity = 0;
    skip_blank(p);
    if (peek(p) != ')') {
        for (;;) {
            size_t at = p->at;
            uint32_t arg;
            if (!parse_logical(p, &arg)) return false;
            if (arity == functions[fi].arity) return fail_at(p, at, "too many arguments");
            if (!argument_fits(p, arg, functions[fi].params[arity], at)) return false;
            args[arity++] = arg;
            skip_blank(p);
            if (peek(p) != ',') break;
            p->at++;
            skip_blank(p);
        }
    }
    if (peek(p) != ')') return fail(p, "expected `,` or `)` in a function call");
    p->at++;
    if (arity != functions[fi].arity) return fail(p, "wrong number of arguments");
    (void)name;
    call->a = args[0];
    call->b = arity > 1 ? args[1] : JP_NONE;
    return true;
}

static bool parse_function(parser *p, size_t start, size_t name_len, uint32_t *id) {
    uint32_t fi = UINT32_MAX;
    for (uint32_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
        if (strlen(functions[i].name) == name_len && memcmp(functions[i].name, p->s + start, name_len) == 0) fi = i;
    if (fi == UINT32_MAX) return fail_at(p, start, "unknown function (known: length, count, match, search, value)");
    if (!enter(p)) return false;
    p->at++; /* '(' */
    jp_expr call = { .kind = JP_EX_FUNCTION, .op = (uint8_t)functions[fi].fn };
    if (!parse_arguments(p, functions[fi].name, fi, &call)) return false;
    if ((call.op == JP_FN_MATCH || call.op == JP_FN_SEARCH) && !compile_pattern(p, &call, start)) return false;
    p->depth--;
    if (new_expr(p, call, id)) return true;
    jf_iregexp_free(call.regex);
    return false;
}

static bool parse_compare_op(parser *p, uint8_t *op) {
    uint8_t c = peek(p), d = peek_at(p, 1);
    if (c == '=' && d == '=') *op = JP_OP_EQ;
    else if (c == '!' && d == '=') *op = JP_OP_NE;
    else if (c == '<' && d == '=') *op = JP_OP_LE;
    else if (c == '>' && d == '=') *op = JP_OP_GE;
    else if (c == '<') *op = JP_OP_LT;
    else if (c == '>') *op = JP_OP_GT;
    else return false;
    p->at += (*op == JP_OP_LT || *op == JP_OP_GT) ? 1 : 2;
    return true;
}

/* paren-expr, `!` test or paren, comparison, or a bare primary (the caller
 * decides whether a bare primary is allowed where it stands). */
static bool parse_basic(parser *p, uint32_t *id) {
    size_t at = p->at;
    jp_expr e = { .kind = JP_EX_NOT };
    bool ok;
    if (peek(p) == '!' || peek(p) == '(') {
        bool negate = peek(p) == '!';
        if (negate) {
            if (!enter(p)) return false;
            p->at++;
            skip_blank(p);
        }
        if (peek(p) == '(') {
            if (!negate && !enter(p)) return false; /* `!(` is one level */
            p->at++;
            skip_blank(p);
            size_t inner = p->at;
            ok = parse_logical(p, &e.a) && require_logical(p, e.a, inner);
            skip_blank(p);
            if (ok && peek(p) != ')') ok = fail(p, "expected `)`");
            p->at++;
        } else {
            size_t inner = p->at;
            ok = parse_primary(p, &e.a) && require_logical(p, e.a, inner);
        }
        ok = ok && (negate ? new_expr(p, e, id) : (*id = e.a, true));
        p->depth--;
    } else {
        ok = parse_primary(p, id);
        size_t after = p->at;
        skip_blank(p);
        uint8_t op;
        if (ok && parse_compare_op(p, &op)) {
            jp_expr cmp = { .kind = JP_EX_COMPARE, .op = op, .a = *id };
            skip_blank(p);
            size_t right = p->at;
            ok = parse_primary(p, &cmp.b);
            if (ok && !is_value(p, cmp.a)) ok = fail_at(p, at, "not comparable (use a literal, a singular query or a value function)");
            if (ok && !is_value(p, cmp.b)) ok = fail_at(p, right, "not comparable (use a literal, a singular query or a value function)");
            ok = ok && new_expr(p, cmp, id);
        } else {
            p->at = after;
        }
    }
    return ok;
}

/* logical-or of logical-and of basic expressions; one bare primary passes
 * through unchecked (a function argument may be a literal or a query). */
static bool parse_and(parser *p, uint32_t *id) {
    size_t at = p->at;
    if (!parse_basic(p, id)) return false;
    for (;;) {
        size_t before = p->at;
        skip_blank(p);
        if (peek(p) != '&' || peek_at(p, 1) != '&') {
            p->at = before;
            return true;
        }
        p->at += 2;
        skip_blank(p);
        jp_expr e = { .kind = JP_EX_AND, .a = *id };
        size_t right = p->at;
        if (!require_logical(p, e.a, at) || !parse_basic(p, &e.b) || !require_logical(p, e.b, right) ||
            !new_expr(p, e, id))
            return false;
    }
}

static bool parse_logical(parser *p, uint32_t *id) {
    size_t at = p->at;
    if (!parse_and(p, id)) return false;
    for (;;) {
        size_t before = p->at;
        skip_blank(p);
        if (peek(p) != '|' || peek_at(p, 1) != '|') {
            p->at = before;
            break;
        }
        p->at += 2;
        skip_blank(p);
        jp_expr e = { .kind = JP_EX_OR, .a = *id };
        size_t right = p->at;
        if (!require_logical(p, e.a, at) || !parse_and(p, &e.b) || !require_logical(p, e.b, right) ||
            !new_expr(p, e, id))
            return false;
    }
    return true; /* a filter checks that this is logical; a function argument checks its own type */
}

/*------------------------------------------------------------------------------
 * Entry points
 *----------------------------------------------------------------------------*/

jf_jsonpath *jf_jsonpath_compile(const uint8_t *text, size_t len, jf_error *err) {
    jf_jsonpath *jp = jf_malloc(sizeof(*jp));
    if (!jp) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while compiling a JSONPath");
        return NULL;
    }
    memset(jp, 0, sizeof(*jp));
    jf_buf_init(&jp->strings, 64);
    parser p = { .jp = jp, .s = text ? text : (const uint8_t *)"", .n = text ? len : 0, .err = err };
    uint32_t root;
    bool ok;
    if (p.n > JF_JSONPATH_MAX_BYTES) {
        jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0, "invalid JSONPath: %zu bytes, over the limit of %u (JF_JSONPATH_MAX_BYTES)",
                     p.n, (unsigned)JF_JSONPATH_MAX_BYTES);
        ok = false;
    } else {
        ok = check_utf8(&p) && (peek(&p) == '$' || fail(&p, "a JSONPath starts with `$`"));
        if (ok) p.at++;
        ok = ok && parse_query(&p, true, &root) && (at_end(&p) || fail(&p, "unexpected text after the query"));
        if (ok && jp->strings.failed) ok = out_of_memory(&p);
    }
    if (ok) return jp;
    jf_jsonpath_free(jp);
    return NULL;
}

void jf_jsonpath_free(jf_jsonpath *jp) {
    if (!jp) return;
    for (size_t i = 0; i < jp->expr_len; i++) jf_iregexp_free(jp->exprs[i].regex);
    jf_free(jp->queries);
    jf_free(jp->segments);
    jf_free(jp->selectors);
    jf_free(jp->exprs);
    jf_buf_release(&jp->strings);
    jf_free(jp);
}
