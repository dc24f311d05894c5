/*==============================================================================
 * iregexp.c — I-Regexp (RFC 9485) for JSONPath's match() and search().
 *
 * The pattern is parsed into a small tree, then compiled to a Thompson NFA
 * (repetitions {n,m} copied out), and run by keeping the set of every state
 * the text could be in: one pass over the text, O(states) per code point, so
 * `(a*)*b` and friends cost what any other pattern of their size costs; there
 * is no backtracking. The tree and the NFA are bounded by
 * JF_JSONPATH_MAX_REGEX_BYTES of pattern and JF_JSONPATH_MAX_REGEX_STATES states.
 *============================================================================*/
#include "jsonpath.h"

/*------------------------------------------------------------------------------
 * Character classes
 *----------------------------------------------------------------------------*/

typedef struct cp_range { uint32_t lo, hi; } cp_range;
/* \p{X} or \p{Xy} (minor 0 for a whole major class), or \P{..} when negated. */
typedef struct cat_term { uint8_t major, minor; bool negated; } cat_term;

typedef struct char_class {
    bool     negated;
    size_t   first_range, range_count; /* into jf_iregexp.ranges */
    size_t   first_cat, cat_count;     /* into jf_iregexp.cats */
} char_class;

/*------------------------------------------------------------------------------
 * The tree and the NFA
 *----------------------------------------------------------------------------*/

typedef enum { RX_EMPTY, RX_CLASS, RX_CONCAT, RX_ALT, RX_REPEAT, RX_BEGIN, RX_END } rx_kind;
#define RX_UNBOUNDED UINT32_MAX

typedef struct rx_node {
    uint8_t  kind;
    uint32_t a, b;        /* CONCAT/ALT operands; REPEAT: a; CLASS: a is the class */
    uint32_t min, max;    /* REPEAT */
} rx_node;

typedef enum { NFA_CLASS, NFA_SPLIT, NFA_JUMP, NFA_MATCH, NFA_BEGIN, NFA_END } nfa_op;

typedef struct nfa_state {
    uint8_t  op;
    uint32_t out, out2; /* CLASS: out after the character; SPLIT: both; JUMP, BEGIN, END: out */
    uint32_t cls;
} nfa_state;

struct jf_iregexp {
    char_class *classes;
    size_t      classes_len, classes_cap;
    cp_range   *ranges;
    size_t      ranges_len, ranges_cap;
    cat_term   *cats;
    size_t      cats_len, cats_cap;
    rx_node    *nodes;
    size_t      nodes_len, nodes_cap;
    nfa_state  *states;
    size_t      states_len, states_cap;
    uint32_t    start;
};

typedef struct rx_parser {
    jf_iregexp    *re;
    const uint8_t *s;
    size_t         n, at;
    uint32_t       depth;
    const char    *why;   /* set on failure; NULL = out of memory */
    bool           failed;
} rx_parser;

static bool rx_fail(rx_parser *p, const char *why) {
    if (!p->failed) {
        p->failed = true;
        p->why = why;
    }
    return false;
}

static bool rx_grow(rx_parser *p, void **items, size_t *len, size_t *cap, size_t size) {
    if (*len < *cap) return true;
    size_t cap2 = *cap ? *cap * 2 : 16;
    void *bigger = jf_realloc(*items, cap2 * size);
    if (!bigger) {
        p->failed = true;
        p->why = NULL;
        return false;
    }
    *items = bigger;
    *cap = cap2;
    return true;
}

#define RX_PUSH(p, arr, value) \
    (rx_grow((p), (void **)&(p)->re->arr, &(p)->re->arr##_len, &(p)->re->arr##_cap, sizeof(*(p)->re->arr)) && \
     ((p)->re->arr[(p)->re->arr##_len++] = (value), true))

static bool new_node(rx_parser *p, rx_node node, uint32_t *id) {
    *id = (uint32_t)p->re->nodes_len;
    return RX_PUSH(p, nodes, node);
}

/*------------------------------------------------------------------------------
 * Parsing (RFC 9485 section 3)
 *----------------------------------------------------------------------------*/

/* Decodes one code point (the pattern is UTF-8); false when invalid. */
static bool next_cp(rx_parser *p, uint32_t *cp) {
    if (p->at >= p->n) return rx_fail(p, "regular expression ends too early");
    const uint8_t *s = p->s + p->at;
    size_t left = p->n - p->at, len = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (!len || len > left || s[0] > 0xF4) return rx_fail(p, "regular expression is not valid UTF-8");
    uint32_t v = len == 1 ? s[0] : (uint32_t)(s[0] & (0x3F >> (len - 1)));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return rx_fail(p, "regular expression is not valid UTF-8");
        v = v << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return rx_fail(p, "regular expression is not valid UTF-8");
    p->at += len;
    *cp = v;
    return true;
}

static inline uint8_t rx_peek(const rx_parser *p) { return p->at < p->n ? p->s[p->at] : 0; }

/* A class of one range, or of one range negated (`.` is [^\n\r]). */
static bool simple_class(rx_parser *p, uint32_t lo, uint32_t hi, bool negated, uint32_t *id) {
    char_class c = { negated, p->re->ranges_len, 1, p->re->cats_len, 0 };
    if (!RX_PUSH(p, ranges, ((cp_range){ lo, hi }))) return false;
    *id = (uint32_t)p->re->classes_len;
    return RX_PUSH(p, classes, c);
}

/* "{" charProp "}" after \p or \P. */
static bool category(rx_parser *p, bool negated) {
    static const char *const minors[] = { "L", "lmotu", "M", "cen", "N", "dlo", "P", "cdefios", "Z", "lps", "S", "ckmo", "C", "cfno" };
    if (rx_peek(p) != '{') return rx_fail(p, "expected `{` after \\p");
    p->at++;
    uint8_t major = rx_peek(p), minor = 0;
    const char *allowed = NULL;
    for (size_t i = 0; i < sizeof(minors) / sizeof(minors[0]); i += 2)
        if (major && minors[i][0] == major) allowed = minors[i + 1];
    if (!allowed) return rx_fail(p, "unknown Unicode category");
    p->at++;
    if (rx_peek(p) != '}') {
        minor = rx_peek(p);
        if (!minor || !strchr(allowed, minor)) return rx_fail(p, "unknown Unicode category");
        p->at++;
    }
    if (rx_peek(p) != '}') return rx_fail(p, "expected `}` after a Unicode category");
    p->at++;
    return RX_PUSH(p, cats, ((cat_term){ major, minor, negated }));
}

/* SingleCharEsc after a backslash; false (without failing) if it is not one. */
static bool single_escape(uint8_t c, uint32_t *cp) {
    if (c == 'n') *cp = '\n';
    else if (c == 'r') *cp = '\r';
    else if (c == 't') *cp = '\t';
    else if ((c >= '(' && c <= '+') || c == '-' || c == '.' || c == '?' || (c >= '[' && c <= '^') || (c >= '{' && c <= '}')) *cp = c;
    else return false;
    return true;
}

/* A CCchar or SingleCharEsc inside [...]; *is_cat when it was \p or \P (added). */
static bool class_char(rx_parser *p, uint32_t *cp, bool *is_cat) {
    *is_cat = false;
    uint8_t c = rx_peek(p);
    if (c == '\\') {
        p->at++;
        uint8_t e = rx_peek(p);
        p->at++;
        if (e == 'p' || e == 'P') {
            *is_cat = true;
            return category(p, e == 'P');
        }
        if (!single_escape(e, cp)) return rx_fail(p, "unknown escape in a regular expression");
        return true;
    }
    if (c == '[' || c == ']' || c == '-') return rx_fail(p, "unescaped `[`, `]` or `-` in a character class");
    return next_cp(p, cp);
}

/* "[" ["^"] ("-" / CCE1) *CCE1 ["-"] "]", the '[' read. */
static bool class_expr(rx_parser *p, uint32_t *id) {
    char_class c = { false, p->re->ranges_len, 0, p->re->cats_len, 0 };
    if (rx_peek(p) == '^') {
        c.negated = true;
        p->at++;
    }
    if (rx_peek(p) == '-') {
        p->at++;
        if (!RX_PUSH(p, ranges, ((cp_range){ '-', '-' }))) return false;
    }
    for (;;) {
        if (p->at >= p->n) return rx_fail(p, "character class without its `]`");
        if (rx_peek(p) == ']') break;
        if (rx_peek(p) == '-') {
            p->at++;
            if (rx_peek(p) != ']') return rx_fail(p, "`-` inside a character class must be escaped");
            if (!RX_PUSH(p, ranges, ((cp_range){ '-', '-' }))) return false;
            break;
        }
        uint32_t lo, hi;
        bool is_cat;
        if (!class_char(p, &lo, &is_cat)) return false;
        if (is_cat) continue;
        hi = lo;
        if (rx_peek(p) == '-' && p->at + 1 < p->n && p->s[p->at + 1] != ']') {
            p->at++;
            if (!class_char(p, &hi, &is_cat)) return false;
            if (is_cat || hi < lo) return rx_fail(p, "bad range in a character class");
        }
        if (!RX_PUSH(p, ranges, ((cp_range){ lo, hi }))) return false;
    }
    p->at++;
    c.range_count = p->re->ranges_len - c.first_range;
    c.cat_count = p->re->cats_len - c.first_cat;
    if (!c.range_count && !c.cat_count) return rx_fail(p, "empty character class");
    *id = (uint32_t)p->re->classes_len;
    return RX_PUSH(p, classes, c);
}

static bool parse_alt(rx_parser *p, uint32_t *id);

static bool escape_atom(rx_parser *p, uint32_t *cls) {
    p->at++;
    uint8_t e = rx_peek(p);
    p->at++;
    uint32_t cp;
    if (e == 'p' || e == 'P') {
        char_class c = { false, p->re->ranges_len, 0, p->re->cats_len, 1 };
        if (!category(p, e == 'P')) return false;
        *cls = (uint32_t)p->re->classes_len;
        return RX_PUSH(p, classes, c);
    }
    if (!single_escape(e, &cp)) return rx_fail(p, "unknown escape in a regular expression");
    return simple_class(p, cp, cp, false, cls);
}

static bool parse_atom(rx_parser *p, uint32_t *id) {
    uint8_t c = rx_peek(p);
    rx_node node = { .kind = RX_CLASS };
    if (c == '(') {
        if (++p->depth > JF_JSONPATH_MAX_NESTING) return rx_fail(p, "regular expression nests too deep");
        p->at++;
        if (!parse_alt(p, id)) return false;
        if (rx_peek(p) != ')') return rx_fail(p, "`(` without its `)`");
        p->at++;
        p->depth--;
        return true;
    }
    bool ok;
    if (c == '.') {
        p->at++;
        ok = simple_class(p, '\n', '\n', true, &node.a) && RX_PUSH(p, ranges, ((cp_range){ '\r', '\r' }));
        if (ok) p->re->classes[node.a].range_count = 2;
    } else if (c == '[') {
        p->at++;
        ok = class_expr(p, &node.a);
    } else if (c == '\\') {
        ok = escape_atom(p, &node.a);
    } else if (c == '^' || c == '$') {
        /* RFC 9485's grammar reads these as plain characters, but the JSONPath
         * Compliance Test Suite (and every regex dialect JSONPath
         * implementations map to) treats them as anchors: so do we. */
        p->at++;
        node.kind = c == '^' ? RX_BEGIN : RX_END;
        ok = true;
    } else if (c == ')' || c == '*' || c == '+' || c == '?' || c == ']' || c == '{' || c == '}' || c == '|') {
        ok = rx_fail(p, "a quantifier or bracket with nothing before it");
    } else {
        uint32_t cp;
        ok = next_cp(p, &cp) && simple_class(p, cp, cp, false, &node.a);
    }
    return ok && new_node(p, node, id);
}

static bool quant_number(rx_parser *p, uint32_t *v) {
    if (rx_peek(p) < '0' || rx_peek(p) > '9') return rx_fail(p, "expected a number in `{}`");
    uint64_t n = 0;
    while (rx_peek(p) >= '0' && rx_peek(p) <= '9') {
        n = n * 10 + (uint64_t)(rx_peek(p) - '0');
        if (n > JF_JSONPATH_MAX_REGEX_STATES) return rx_fail(p, "repetition over JF_JSONPATH_MAX_REGEX_STATES");
        p->at++;
    }
    *v = (uint32_t)n;
    return true;
}

static bool parse_quantifier(rx_parser *p, rx_node *rep) {
    uint8_t c = rx_peek(p);
    if (c == '*' || c == '+' || c == '?') {
        p->at++;
        rep->min = c == '+' ? 1 : 0;
        rep->max = c == '?' ? 1 : RX_UNBOUNDED;
        return true;
    }
    p->at++; /* '{' */
    if (!quant_number(p, &rep->min)) return false;
    rep->max = rep->min;
    if (rx_peek(p) == ',') {
        p->at++;
        rep->max = RX_UNBOUNDED;
        if (rx_peek(p) != '}' && !quant_number(p, &rep->max)) return false;
    }
    if (rx_peek(p) != '}') return rx_fail(p, "expected `}`");
    p->at++;
    if (rep->max < rep->min) return rx_fail(p, "repetition {n,m} with m < n");
    return true;
}

static bool parse_piece(rx_parser *p, uint32_t *id) {
    if (!parse_atom(p, id)) return false;
    uint8_t c = rx_peek(p);
    if (c != '*' && c != '+' && c != '?' && c != '{') return true;
    rx_node rep = { .kind = RX_REPEAT, .a = *id };
    return parse_quantifier(p, &rep) && new_node(p, rep, id);
}

static bool parse_branch(rx_parser *p, uint32_t *id) {
    if (!new_node(p, (rx_node){ .kind = RX_EMPTY }, id)) return false;
    while (p->at < p->n && rx_peek(p) != '|' && rx_peek(p) != ')') {
        uint32_t piece;
        if (!parse_piece(p, &piece)) return false;
        if (!new_node(p, (rx_node){ .kind = RX_CONCAT, .a = *id, .b = piece }, id)) return false;
    }
    return true;
}

static bool parse_alt(rx_parser *p, uint32_t *id) {
    if (!parse_branch(p, id)) return false;
    while (rx_peek(p) == '|' && p->at < p->n) {
        p->at++;
        uint32_t other;
        if (!parse_branch(p, &other)) return false;
        if (!new_node(p, (rx_node){ .kind = RX_ALT, .a = *id, .b = other }, id)) return false;
    }
    return true;
}

/*------------------------------------------------------------------------------
 * The NFA (Thompson): each fragment has a start and a list of dangling exits,
 * kept as a chain through the exits' own out fields.
 *----------------------------------------------------------------------------*/

typedef struct fragment { uint32_t start; uint32_t exits; } fragment; /* exits: chain head, encoded state*2+which */
#define NO_EXIT UINT32_MAX

static bool new_state(rx_parser *p, nfa_state s, uint32_t *id) {
    if (p->re->states_len >= JF_JSONPATH_MAX_REGEX_STATES) return rx_fail(p, "regular expression over JF_JSONPATH_MAX_REGEX_STATES");
    *id = (uint32_t)p->re->states_len;
    return RX_PUSH(p, states, s);
}

static uint32_t *exit_slot(jf_iregexp *re, uint32_t exit) {
    nfa_state *s = &re->states[exit / 2];
    return exit % 2 ? &s->out2 : &s->out;
}

static void patch(jf_iregexp *re, uint32_t exits, uint32_t target) {
    while (exits != NO_EXIT) {
        uint32_t *slot = exit_slot(re, exits);
        exits = *slot;
        *slot = target;
    }
}

static uint32_t join(jf_iregexp *re, uint32_t a, uint32_t b) {
    if (a == NO_EXIT) return b;
    uint32_t last = a;
    while (*exit_slot(re, last) != NO_EXIT) last = *exit_slot(re, last);
    *exit_slot(re, last) = b;
    return a;
}

static bool build(rx_parser *p, uint32_t node, fragment *f);

/* An epsilon state: a JUMP whose one exit dangles. */
static bool empty_fragment(rx_parser *p, fragment *f) {
    uint32_t id;
    if (!new_state(p, (nfa_state){ NFA_JUMP, NO_EXIT, NO_EXIT, 0 }, &id)) return false;
    *f = (fragment){ id, id * 2 };
    return true;
}

static void concat(jf_iregexp *re, fragment *a, fragment b) {
    patch(re, a->exits, b.start);
    a->exits = b.exits;
}

/* x? as a fragment: a SPLIT into x or past it. */
static bool optional(rx_parser *p, fragment x, fragment *f) {
    uint32_t id;
    if (!new_state(p, (nfa_state){ NFA_SPLIT, x.start, NO_EXIT, 0 }, &id)) return false;
    *f = (fragment){ id, join(p->re, x.exits, id * 2 + 1) };
    return true;
}

static bool star(rx_parser *p, fragment x, fragment *f) {
    uint32_t id;
    if (!new_state(p, (nfa_state){ NFA_SPLIT, x.start, NO_EXIT, 0 }, &id)) return false;
    patch(p->re, x.exits, id);
    *f = (fragment){ id, id * 2 + 1 };
    return true;
}

/* x{min,max}: min copies, then max-min optional copies or one starred. */
static bool repeat(rx_parser *p, const rx_node *r, fragment *f) {
    if (!empty_fragment(p, f)) return false;
    for (uint32_t i = 0; i < r->min; i++) {
        fragment x;
        if (!build(p, r->a, &x)) return false;
        concat(p->re, f, x);
    }
    if (r->max == RX_UNBOUNDED) {
        fragment x, s;
        if (!build(p, r->a, &x) || !star(p, x, &s)) return false;
        concat(p->re, f, s);
        return true;
    }
    for (uint32_t i = r->min; i < r->max; i++) {
        fragment x, o;
        if (!build(p, r->a, &x) || !optional(p, x, &o)) return false;
        concat(p->re, f, o);
    }
    return true;
}

static bool build(rx_parser *p, uint32_t node, fragment *f) {
    rx_node r = p->re->nodes[node];
    fragment a, b;
    uint32_t id;
    switch (r.kind) {
    case RX_EMPTY: return empty_fragment(p, f);
    case RX_BEGIN:
    case RX_END:
        if (!new_state(p, (nfa_state){ r.kind == RX_BEGIN ? NFA_BEGIN : NFA_END, NO_EXIT, NO_EXIT, 0 }, &id)) return false;
        *f = (fragment){ id, id * 2 };
        return true;
    case RX_CLASS:
        if (!new_state(p, (nfa_state){ NFA_CLASS, NO_EXIT, NO_EXIT, r.a }, &id)) return false;
        *f = (fragment){ id, id * 2 };
        return true;
    case RX_CONCAT:
        if (!build(p, r.a, &a) || !build(p, r.b, &b)) return false;
        concat(p->re, &a, b);
        *f = a;
        return true;
    case RX_ALT:
        if (!build(p, r.a, &a) || !build(p, r.b, &b)) return false;
        if (!new_state(p, (nfa_state){ NFA_SPLIT, a.start, b.start, 0 }, &id)) return false;
        *f = (fragment){ id, join(p->re, a.exits, b.exits) };
        return true;
    default: return repeat(p, &r, f);
    }
}

/*------------------------------------------------------------------------------
 * Compiling
 *----------------------------------------------------------------------------*/

void jf_iregexp_free(jf_iregexp *re) {
    if (!re) return;
    jf_free(re->classes);
    jf_free(re->ranges);
    jf_free(re->cats);
    jf_free(re->nodes);
    jf_free(re->states);
    jf_free(re);
}

jf_iregexp *jf_iregexp_compile(const uint8_t *pattern, size_t len, const char **why) {
    if (why) *why = NULL;
    if (len > JF_JSONPATH_MAX_REGEX_BYTES) {
        if (why) *why = "regular expression over JF_JSONPATH_MAX_REGEX_BYTES";
        return NULL;
    }
    jf_iregexp *re = jf_malloc(sizeof(*re));
    if (!re) return NULL;
    memset(re, 0, sizeof(*re));
    rx_parser p = { .re = re, .s = pattern, .n = len };
    uint32_t root, match;
    fragment f;
    bool ok = parse_alt(&p, &root) && (p.at == p.n || rx_fail(&p, "unbalanced `)` in a regular expression"));
    /* build() recurses along the tree: at most one level per byte of the
     * pattern (a run of pieces or of `|`), so JF_JSONPATH_MAX_REGEX_BYTES bounds the stack. */
    ok = ok && build(&p, root, &f) && new_state(&p, (nfa_state){ NFA_MATCH, NO_EXIT, NO_EXIT, 0 }, &match);
    if (ok) {
        patch(re, f.exits, match);
        re->start = f.start;
        jf_free(re->nodes);
        re->nodes = NULL;
        re->nodes_len = re->nodes_cap = 0;
        return re;
    }
    if (why) *why = p.failed ? p.why : NULL;
    jf_iregexp_free(re);
    return NULL;
}

/*------------------------------------------------------------------------------
 * Matching: the set of live states, one step per code point
 *----------------------------------------------------------------------------*/

static bool category_holds(const cat_term *t, uint32_t cp) {
    uint16_t cat = jf_unicode_category(cp);
    bool in = (cat >> 8) == t->major && (!t->minor || (cat & 0xFF) == t->minor);
    return in != t->negated;
}

static bool class_holds(const jf_iregexp *re, const char_class *c, uint32_t cp) {
    bool in = false;
    for (size_t i = 0; i < c->range_count && !in; i++) {
        const cp_range *r = &re->ranges[c->first_range + i];
        in = cp >= r->lo && cp <= r->hi;
    }
    for (size_t i = 0; i < c->cat_count && !in; i++) in = category_holds(&re->cats[c->first_cat + i], cp);
    return in != c->negated;
}

typedef struct state_set {
    uint32_t *dense;  /* the states, in order of addition */
    uint32_t *sparse; /* sparse[s] < len and dense[sparse[s]] == s iff s is in */
    size_t    len;
} state_set;

static inline bool set_has(const state_set *s, uint32_t id) {
    return s->sparse[id] < s->len && s->dense[s->sparse[id]] == id;
}

/* Adds `id` and everything it reaches without reading a character, at a
 * position that is or is not the start or the end of the text. */
static void add_closure(const jf_iregexp *re, state_set *set, uint32_t id, uint32_t *stack, bool at_start, bool at_end) {
    size_t top = 0;
    stack[top++] = id;
    while (top) {
        uint32_t s = stack[--top];
        if (s == NO_EXIT || set_has(set, s)) continue;
        set->sparse[s] = (uint32_t)set->len;
        set->dense[set->len++] = s;
        const nfa_state *st = &re->states[s];
        if (st->op == NFA_JUMP || (st->op == NFA_BEGIN && at_start) || (st->op == NFA_END && at_end)) stack[top++] = st->out;
        else if (st->op == NFA_SPLIT) {
            stack[top++] = st->out2;
            stack[top++] = st->out;
        }
    }
}

static bool has_match(const jf_iregexp *re, const state_set *set) {
    for (size_t i = 0; i < set->len; i++)
        if (re->states[set->dense[i]].op == NFA_MATCH) return true;
    return false;
}

/* Next code point of `text`, or a value no class holds for an invalid byte. */
static uint32_t decode_at(const uint8_t *s, size_t n, size_t *at) {
    uint8_t c = s[*at];
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (!len || *at + len > n) {
        (*at)++;
        return UINT32_MAX;
    }
    uint32_t v = len == 1 ? c : (uint32_t)(c & (0x3F >> (len - 1)));
    for (size_t i = 1; i < len; i++) {
        if ((s[*at + i] & 0xC0) != 0x80) {
            (*at)++;
            return UINT32_MAX;
        }
        v = v << 6 | (s[*at + i] & 0x3F);
    }
    *at += len;
    return v;
}

bool jf_iregexp_match(const jf_iregexp *re, const uint8_t *text, size_t len, bool whole) {
    size_t n = re->states_len;
    /* Two sets and a closure stack (each state pushes at most two). */
    uint32_t *mem = jf_malloc(sizeof(uint32_t) * n * 7);
    if (!mem) return false;
    memset(mem, 0, sizeof(uint32_t) * n * 4); /* the sparse halves are read before written */
    state_set cur = { mem, mem + n, 0 }, next = { mem + 2 * n, mem + 3 * n, 0 };
    uint32_t *stack = mem + 4 * n;
    add_closure(re, &cur, re->start, stack, true, len == 0);
    bool found = !whole && has_match(re, &cur);
    for (size_t at = 0; at < len && !found;) {
        uint32_t cp = decode_at(text, len, &at);
        next.len = 0;
        for (size_t i = 0; i < cur.len; i++) {
            const nfa_state *st = &re->states[cur.dense[i]];
            if (st->op == NFA_CLASS && cp != UINT32_MAX && class_holds(re, &re->classes[st->cls], cp))
                add_closure(re, &next, st->out, stack, false, at == len);
        }
        if (!whole) add_closure(re, &next, re->start, stack, false, at == len); /* a match may start anywhere */
        state_set t = cur;
        cur = next;
        next = t;
        if (!whole) found = has_match(re, &cur);
        else if (!cur.len) break;
    }
    if (whole) found = has_match(re, &cur);
    jf_free(mem);
    return found;
}
