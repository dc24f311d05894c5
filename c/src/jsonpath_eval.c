/*==============================================================================
 * jsonpath_eval.c — runs a compiled RFC 9535 JSONPath over a parsed
 * document and writes each selected node as `["normalized path",value]`.
 *
 * Nodelists are arrays of (value, path) where the path is an index into a
 * table of steps (parent, member name or index), so a node's normalized path
 * costs nothing until it is written. Descendant segments walk with a heap
 * stack (no recursion per nesting level); expressions recurse only as deep
 * as the query nests (JF_JSONPATH_MAX_NESTING).
 *
 * Every node visited, selected or compared costs one step of a budget of
 * max(JF_JSONPATH_MIN_STEPS, JF_JSONPATH_STEPS_PER_VALUE x the document's
 * values); a query that needs more (`$..*..*..*` on a deep document) stops
 * with INVALID_OPTION instead of running for minutes.
 *============================================================================*/
#include "jsonpath.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct path_step { uint32_t parent; bool is_index; uint64_t index; yyjson_val *key; } path_step;
typedef struct jp_node { yyjson_val *val; uint32_t path; } jp_node;
typedef struct jp_list { jp_node *items; size_t len, cap; } jp_list;

typedef struct eval {
    const jf_jsonpath *jp;
    yyjson_val        *root;
    path_step         *steps;  /* normalized paths of the top query; steps[0] is `$` */
    size_t             step_len, step_cap;
    uint64_t           work, budget;
    bool               failed;
    bool               over_budget;
} eval;

/*------------------------------------------------------------------------------
 * Budget, lists, paths
 *----------------------------------------------------------------------------*/

static inline bool tick(eval *ev) {
    if (JF_UNLIKELY(++ev->work > ev->budget)) ev->failed = ev->over_budget = true;
    return !ev->failed;
}

static bool grow(eval *ev, void **items, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return true;
    size_t cap2 = *cap ? *cap * 2 : 16;
    while (cap2 < need) cap2 *= 2;
    void *bigger = jf_realloc(*items, cap2 * size);
    if (!bigger) {
        ev->failed = true;
        return false;
    }
    *items = bigger;
    *cap = cap2;
    return true;
}

static bool push(eval *ev, jp_list *list, yyjson_val *val, uint32_t path) {
    if (!tick(ev) || !grow(ev, (void **)&list->items, &list->cap, list->len + 1, sizeof(jp_node))) return false;
    list->items[list->len++] = (jp_node){ val, path };
    return true;
}

static void list_free(jp_list *list) {
    jf_free(list->items);
    *list = (jp_list){ 0 };
}

/* The path of a child of `parent` (only the top query tracks paths: 0 otherwise). */
static uint32_t child_path(eval *ev, uint32_t parent, bool track, yyjson_val *key, uint64_t index) {
    if (!track) return 0;
    if (!grow(ev, (void **)&ev->steps, &ev->step_cap, ev->step_len + 1, sizeof(path_step))) return 0;
    ev->steps[ev->step_len] = (path_step){ parent, key == NULL, index, key };
    return (uint32_t)ev->step_len++;
}

static bool add_child(eval *ev, jp_list *out, uint32_t parent, bool track, yyjson_val *key, uint64_t index,
                      yyjson_val *val) {
    uint32_t path = child_path(ev, parent, track, key, index);
    return !ev->failed && push(ev, out, val, path);
}

/*------------------------------------------------------------------------------
 * Selectors
 *----------------------------------------------------------------------------*/

static bool test_filter(eval *ev, uint32_t expr, yyjson_val *current);

static yyjson_val *array_at(yyjson_val *arr, size_t i) {
    if (unsafe_yyjson_arr_is_flat(arr)) return unsafe_yyjson_get_first(arr) + i;
    yyjson_val *v = unsafe_yyjson_get_first(arr);
    while (i--) v = unsafe_yyjson_get_next(v);
    return v;
}

static void select_name(eval *ev, const jp_selector *sel, const jp_node *n, jp_list *out, bool track) {
    if (!yyjson_is_obj(n->val)) return;
    const char *name = (const char *)ev->jp->strings.data + sel->name_off;
    size_t len = unsafe_yyjson_get_len(n->val);
    yyjson_val *key = len ? unsafe_yyjson_get_first(n->val) : NULL;
    for (size_t i = 0; i < len; i++, key = unsafe_yyjson_get_next(key + 1)) {
        if (!tick(ev)) return;
        if (unsafe_yyjson_get_len(key) == sel->name_len && memcmp(unsafe_yyjson_get_str(key), name, sel->name_len) == 0) {
            add_child(ev, out, n->path, track, key, 0, key + 1);
            return;
        }
    }
}

/* Every child in order: all of them (wildcard) or those the filter keeps. */
static void select_children(eval *ev, const jp_selector *sel, const jp_node *n, jp_list *out, bool track) {
    if (!unsafe_yyjson_is_ctn(n->val)) return;
    bool is_obj = yyjson_is_obj(n->val);
    size_t len = unsafe_yyjson_get_len(n->val);
    yyjson_val *child = len ? unsafe_yyjson_get_first(n->val) : NULL;
    for (size_t i = 0; i < len && !ev->failed; i++) {
        yyjson_val *key = is_obj ? child : NULL, *val = is_obj ? child + 1 : child;
        if (sel->kind == JP_SEL_WILDCARD || (tick(ev) && test_filter(ev, sel->filter, val)))
            add_child(ev, out, n->path, track, key, i, val);
        child = unsafe_yyjson_get_next(val);
    }
}

static void select_index(eval *ev, const jp_selector *sel, const jp_node *n, jp_list *out, bool track) {
    if (!yyjson_is_arr(n->val)) return;
    int64_t len = (int64_t)unsafe_yyjson_get_len(n->val);
    int64_t i = sel->index < 0 ? len + sel->index : sel->index;
    if (i < 0 || i >= len) return;
    add_child(ev, out, n->path, track, NULL, (uint64_t)i, array_at(n->val, (size_t)i));
}

static inline int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* RFC 9535 section 2.3.4.2.2; elements of a nested array are listed once so
 * that a backward slice does not walk the array per element. */
static void select_slice(eval *ev, const jp_selector *sel, const jp_node *n, jp_list *out, bool track) {
    if (!yyjson_is_arr(n->val) || sel->step == 0) return;
    int64_t len = (int64_t)unsafe_yyjson_get_len(n->val), step = sel->step;
    int64_t start = sel->has_start ? sel->start : step > 0 ? 0 : len - 1;
    int64_t end = sel->has_end ? sel->end : step > 0 ? len : -len - 1;
    if (start < 0) start += len;
    if (end < 0) end += len;
    yyjson_val **elems = NULL;
    size_t cap = 0;
    bool flat = unsafe_yyjson_arr_is_flat(n->val);
    if (!flat && len) {
        if (!grow(ev, (void **)&elems, &cap, (size_t)len, sizeof(*elems))) return;
        yyjson_val *v = unsafe_yyjson_get_first(n->val);
        for (int64_t i = 0; i < len; i++, v = unsafe_yyjson_get_next(v)) elems[i] = v;
    }
    yyjson_val *first = len ? unsafe_yyjson_get_first(n->val) : NULL;
    if (step > 0) {
        int64_t lower = clamp(start, 0, len), upper = clamp(end, 0, len);
        for (int64_t i = lower; i < upper && !ev->failed; i += step)
            add_child(ev, out, n->path, track, NULL, (uint64_t)i, flat ? first + i : elems[i]);
    } else {
        int64_t upper = clamp(start, -1, len - 1), lower = clamp(end, -1, len - 1);
        for (int64_t i = upper; lower < i && !ev->failed; i += step)
            add_child(ev, out, n->path, track, NULL, (uint64_t)i, flat ? first + i : elems[i]);
    }
    jf_free(elems);
}

/* The selectors of one segment applied to one node, in order. */
static void select_all(eval *ev, const jp_segment *seg, const jp_node *n, jp_list *out, bool track) {
    for (uint32_t s = seg->first; s != JP_NONE && !ev->failed; s = ev->jp->selectors[s].next) {
        const jp_selector *sel = &ev->jp->selectors[s];
        switch (sel->kind) {
        case JP_SEL_NAME: select_name(ev, sel, n, out, track); break;
        case JP_SEL_INDEX: select_index(ev, sel, n, out, track); break;
        case JP_SEL_SLICE: select_slice(ev, sel, n, out, track); break;
        default: select_children(ev, sel, n, out, track); break;
        }
    }
}

/*------------------------------------------------------------------------------
 * Segments and queries
 *----------------------------------------------------------------------------*/

typedef struct descent_frame { yyjson_val *next; size_t remaining, index; uint32_t path; bool is_obj; } descent_frame;

/* `..`: the node and every descendant in document order (each before its
 * children), the segment's selectors applied to each. */
static void descend(eval *ev, const jp_segment *seg, const jp_node *n, jp_list *out, bool track) {
    descent_frame *stack = NULL;
    size_t cap = 0, depth = 0;
    jp_node at = *n;
    for (;;) {
        select_all(ev, seg, &at, out, track);
        if (ev->failed) break;
        if (unsafe_yyjson_is_ctn(at.val) && unsafe_yyjson_get_len(at.val)) {
            if (!grow(ev, (void **)&stack, &cap, depth + 1, sizeof(*stack))) break;
            stack[depth++] = (descent_frame){ unsafe_yyjson_get_first(at.val), unsafe_yyjson_get_len(at.val), 0, at.path,
                                              yyjson_is_obj(at.val) };
        }
        while (depth && stack[depth - 1].remaining == 0) depth--;
        if (!depth || !tick(ev)) break;
        descent_frame *f = &stack[depth - 1];
        yyjson_val *key = f->is_obj ? f->next : NULL, *val = f->is_obj ? f->next + 1 : f->next;
        at = (jp_node){ val, child_path(ev, f->path, track, key, f->index) };
        f->next = unsafe_yyjson_get_next(val);
        f->remaining--;
        f->index++;
    }
    jf_free(stack);
}

/* The nodelist of query `q` with `current` as `@`, into *out (emptied first). */
static void run_query(eval *ev, uint32_t q, yyjson_val *current, jp_list *out, bool track) {
    const jp_query *query = &ev->jp->queries[q];
    jp_list cur = { 0 }, next = { 0 };
    out->len = 0;
    if (!push(ev, &cur, query->absolute ? ev->root : current, 0)) return;
    for (uint32_t s = query->first; s != JP_NONE && !ev->failed && cur.len; s = ev->jp->segments[s].next) {
        const jp_segment *seg = &ev->jp->segments[s];
        next.len = 0;
        for (size_t i = 0; i < cur.len && !ev->failed; i++) {
            if (seg->descendant) descend(ev, seg, &cur.items[i], &next, track);
            else select_all(ev, seg, &cur.items[i], &next, track);
        }
        jp_list t = cur;
        cur = next;
        next = t;
    }
    list_free(&next);
    list_free(out);
    *out = cur;
}

/* A singular query's one node, or NULL: no list, no allocation. */
static yyjson_val *singular_node(eval *ev, uint32_t q, yyjson_val *current) {
    const jp_query *query = &ev->jp->queries[q];
    yyjson_val *v = query->absolute ? ev->root : current;
    for (uint32_t s = query->first; s != JP_NONE && v; s = ev->jp->segments[s].next) {
        const jp_selector *sel = &ev->jp->selectors[ev->jp->segments[s].first];
        jp_list one = { 0 };
        jp_node n = { v, 0 };
        if (!tick(ev)) return NULL;
        if (sel->kind == JP_SEL_NAME) {
            v = yyjson_is_obj(v) ? yyjson_obj_getn(v, (const char *)ev->jp->strings.data + sel->name_off, sel->name_len) : NULL;
        } else {
            select_index(ev, sel, &n, &one, false);
            v = one.len ? one.items[0].val : NULL;
            list_free(&one);
        }
    }
    return v;
}

/*------------------------------------------------------------------------------
 * Values of expressions (RFC 9535 section 2.3.5)
 *----------------------------------------------------------------------------*/

typedef enum { V_NOTHING, V_NULL, V_TRUE, V_FALSE, V_NUMBER, V_STRING, V_ARRAY, V_OBJECT } value_kind;

typedef struct value {
    value_kind     kind;
    const uint8_t *s;    /* V_NUMBER: its text; V_STRING: its bytes */
    size_t         n;
    yyjson_val    *node; /* V_ARRAY, V_OBJECT */
    char           buf[32]; /* numbers made here (length(), count(), non-raw numbers) */
} value;

static void integer_value(value *v, uint64_t n) {
    v->kind = V_NUMBER;
    v->n = (size_t)snprintf(v->buf, sizeof(v->buf), "%llu", (unsigned long long)n);
    v->s = (const uint8_t *)v->buf;
}

static void node_value(yyjson_val *node, value *v) {
    memset(v, 0, offsetof(value, buf));
    if (!node) return;
    switch (unsafe_yyjson_get_type(node)) {
    case YYJSON_TYPE_NULL: v->kind = V_NULL; return;
    case YYJSON_TYPE_BOOL: v->kind = unsafe_yyjson_get_bool(node) ? V_TRUE : V_FALSE; return;
    case YYJSON_TYPE_STR: v->kind = V_STRING; break;
    case YYJSON_TYPE_RAW: v->kind = V_NUMBER; break;
    case YYJSON_TYPE_ARR: v->kind = V_ARRAY; v->node = node; return;
    case YYJSON_TYPE_OBJ: v->kind = V_OBJECT; v->node = node; return;
    default:
        v->kind = V_NUMBER;
        v->n = yyjson_is_real(node) ? (size_t)snprintf(v->buf, sizeof(v->buf), "%.17g", yyjson_get_real(node))
               : yyjson_is_sint(node) ? (size_t)snprintf(v->buf, sizeof(v->buf), "%lld", (long long)yyjson_get_sint(node))
                                      : (size_t)snprintf(v->buf, sizeof(v->buf), "%llu", (unsigned long long)yyjson_get_uint(node));
        v->s = (const uint8_t *)v->buf;
        return;
    }
    v->s = (const uint8_t *)unsafe_yyjson_get_str(node);
    v->n = unsafe_yyjson_get_len(node);
}

static void value_of(eval *ev, uint32_t e, yyjson_val *current, value *v);

/* Number of Unicode scalar values: bytes that do not continue a sequence. */
static uint64_t code_points(const uint8_t *s, size_t n) {
    uint64_t count = 0;
    for (size_t i = 0; i < n; i++) count += (s[i] & 0xC0) != 0x80;
    return count;
}

/* The nodelist of a NodesType argument (always a query). */
static void nodes_of(eval *ev, uint32_t arg, yyjson_val *current, jp_list *out) {
    uint32_t q = ev->jp->exprs[arg].a;
    if (ev->jp->queries[q].singular) {
        yyjson_val *one = singular_node(ev, q, current);
        out->len = 0;
        if (one) push(ev, out, one, 0);
        return;
    }
    run_query(ev, q, current, out, false);
}

static bool regex_call(eval *ev, const jp_expr *call, yyjson_val *current) {
    value text, pattern;
    value_of(ev, call->a, current, &text);
    if (text.kind != V_STRING) return false;
    if (call->regex) return jf_iregexp_match(call->regex, text.s, text.n, call->op == JP_FN_MATCH);
    value_of(ev, call->b, current, &pattern);
    if (pattern.kind != V_STRING) return false;
    /* A pattern from the document: compiled for this test (its size is capped). */
    jf_iregexp *re = jf_iregexp_compile(pattern.s, pattern.n, NULL);
    if (!re) return false;
    bool found = jf_iregexp_match(re, text.s, text.n, call->op == JP_FN_MATCH);
    jf_iregexp_free(re);
    return found;
}

static void function_value(eval *ev, const jp_expr *call, yyjson_val *current, value *v) {
    value arg;
    jp_list nodes = { 0 };
    memset(v, 0, offsetof(value, buf));
    switch (call->op) {
    case JP_FN_LENGTH:
        value_of(ev, call->a, current, &arg);
        if (arg.kind == V_STRING) integer_value(v, code_points(arg.s, arg.n));
        else if (arg.kind == V_ARRAY || arg.kind == V_OBJECT) integer_value(v, unsafe_yyjson_get_len(arg.node));
        return;
    case JP_FN_COUNT:
        nodes_of(ev, call->a, current, &nodes);
        integer_value(v, nodes.len);
        break;
    case JP_FN_VALUE:
        nodes_of(ev, call->a, current, &nodes);
        if (nodes.len == 1) node_value(nodes.items[0].val, v);
        break;
    default: /* match and search are LogicalType: only tests use them */
        break;
    }
    list_free(&nodes);
}

static void value_of(eval *ev, uint32_t e, yyjson_val *current, value *v) {
    const jp_expr *x = &ev->jp->exprs[e];
    memset(v, 0, offsetof(value, buf));
    if (x->kind == JP_EX_QUERY) {
        node_value(singular_node(ev, x->a, current), v);
    } else if (x->kind == JP_EX_FUNCTION) {
        function_value(ev, x, current, v);
    } else {
        static const value_kind kinds[] = { V_STRING, V_NUMBER, V_TRUE, V_FALSE, V_NULL };
        v->kind = kinds[x->op];
        v->s = ev->jp->strings.data + x->text_off;
        v->n = x->text_len;
    }
}

/*------------------------------------------------------------------------------
 * Comparisons: numbers exactly, by their decimal text
 *----------------------------------------------------------------------------*/

/* A number's digits (without '.') and the decimal exponent of its first
 * significant digit: 0.d1d2... x 10^exp. Zero has no significant digit. */
typedef struct decimal {
    const uint8_t *s;
    size_t         int_len, frac_at, frac_len;
    size_t         first, last; /* significant digits [first, last) of the digit sequence */
    int64_t        exp;
    bool           negative, zero;
} decimal;

static inline uint8_t digit(const decimal *d, size_t k) {
    return k < d->int_len ? d->s[k] : d->s[d->frac_at + (k - d->int_len)];
}

static void read_decimal(const uint8_t *s, size_t n, decimal *d) {
    size_t i = 0;
    memset(d, 0, sizeof(*d));
    d->negative = n && s[0] == '-';
    if (d->negative) i++;
    d->s = s + i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, d->int_len++;
    d->frac_at = d->int_len;
    if (i < n && s[i] == '.') {
        i++;
        d->frac_at = d->int_len + 1;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++, d->frac_len++;
    }
    int64_t e = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool neg = i < n && s[i] == '-';
        if (i < n && (s[i] == '-' || s[i] == '+')) i++;
        /* Saturates far beyond any difference the digits could make up. */
        for (; i < n; i++) e = e > (int64_t)1 << 40 ? e : e * 10 + (s[i] - '0');
        if (neg) e = -e;
    }
    size_t total = d->int_len + d->frac_len;
    while (d->first < total && digit(d, d->first) == '0') d->first++;
    d->last = total;
    while (d->last > d->first && digit(d, d->last - 1) == '0') d->last--;
    d->zero = d->first == total;
    d->exp = e + (int64_t)d->int_len - (int64_t)d->first;
}

/* -1, 0 or 1 as a is below, equal to or above b. */
static int compare_numbers(const value *a, const value *b) {
    decimal x, y;
    read_decimal(a->s, a->n, &x);
    read_decimal(b->s, b->n, &y);
    int sx = x.zero ? 0 : x.negative ? -1 : 1, sy = y.zero ? 0 : y.negative ? -1 : 1;
    if (sx != sy || sx == 0) return sx < sy ? -1 : sx > sy;
    int magnitude = 0;
    if (x.exp != y.exp) magnitude = x.exp < y.exp ? -1 : 1;
    for (size_t i = 0; !magnitude && (x.first + i < x.last || y.first + i < y.last); i++) {
        uint8_t dx = x.first + i < x.last ? digit(&x, x.first + i) : '0';
        uint8_t dy = y.first + i < y.last ? digit(&y, y.first + i) : '0';
        if (dx != dy) magnitude = dx < dy ? -1 : 1;
    }
    return sx * magnitude;
}

static bool scalars_equal(const value *a, const value *b) {
    if (a->kind != b->kind) return false;
    if (a->kind == V_NUMBER) return compare_numbers(a, b) == 0;
    if (a->kind == V_STRING) return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
    return true;
}

/* Deep equality of two document values, with a heap stack of pairs. */
static bool nodes_equal(eval *ev, yyjson_val *a, yyjson_val *b) {
    yyjson_val **pairs = NULL;
    size_t cap = 0, top = 0;
    bool equal = grow(ev, (void **)&pairs, &cap, 2, sizeof(*pairs));
    if (equal) {
        pairs[top++] = a;
        pairs[top++] = b;
    }
    while (equal && top && tick(ev)) {
        yyjson_val *y = pairs[--top], *x = pairs[--top];
        value vx, vy;
        node_value(x, &vx);
        node_value(y, &vy);
        if (vx.kind != vy.kind) equal = false;
        else if (vx.kind != V_ARRAY && vx.kind != V_OBJECT) equal = scalars_equal(&vx, &vy);
        else if (unsafe_yyjson_get_len(x) != unsafe_yyjson_get_len(y)) equal = false;
        else if (!grow(ev, (void **)&pairs, &cap, top + 2 * unsafe_yyjson_get_len(x), sizeof(*pairs))) equal = false;
        else if (vx.kind == V_ARRAY) {
            yyjson_val *i = unsafe_yyjson_get_first(x), *j = unsafe_yyjson_get_first(y);
            for (size_t k = 0; k < unsafe_yyjson_get_len(x); k++, i = unsafe_yyjson_get_next(i), j = unsafe_yyjson_get_next(j)) {
                pairs[top++] = i;
                pairs[top++] = j;
            }
        } else {
            yyjson_val *key = unsafe_yyjson_get_first(x);
            for (size_t k = 0; k < unsafe_yyjson_get_len(x) && equal; k++, key = unsafe_yyjson_get_next(key + 1)) {
                yyjson_val *other = yyjson_obj_getn(y, unsafe_yyjson_get_str(key), unsafe_yyjson_get_len(key));
                equal = other != NULL && tick(ev);
                pairs[top++] = key + 1;
                pairs[top++] = other;
            }
        }
    }
    jf_free(pairs);
    return equal && !ev->failed;
}

static bool values_equal(eval *ev, const value *a, const value *b) {
    if (a->kind == V_NOTHING || b->kind == V_NOTHING) return a->kind == b->kind;
    if ((a->kind == V_ARRAY || a->kind == V_OBJECT) && a->kind == b->kind) return nodes_equal(ev, a->node, b->node);
    return scalars_equal(a, b);
}

/* Numbers by value, strings by code point (UTF-8 byte order is code point order). */
static bool less_than(const value *a, const value *b) {
    if (a->kind == V_NUMBER && b->kind == V_NUMBER) return compare_numbers(a, b) < 0;
    if (a->kind != V_STRING || b->kind != V_STRING) return false;
    int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
    return c < 0 || (c == 0 && a->n < b->n);
}

static bool compare(eval *ev, const jp_expr *x, yyjson_val *current) {
    value a, b;
    value_of(ev, x->a, current, &a);
    value_of(ev, x->b, current, &b);
    switch (x->op) {
    case JP_OP_EQ: return values_equal(ev, &a, &b);
    case JP_OP_NE: return !values_equal(ev, &a, &b);
    case JP_OP_LT: return less_than(&a, &b);
    case JP_OP_LE: return less_than(&a, &b) || values_equal(ev, &a, &b);
    case JP_OP_GT: return less_than(&b, &a);
    default: return less_than(&b, &a) || values_equal(ev, &a, &b);
    }
}

/*------------------------------------------------------------------------------
 * Logical expressions
 *----------------------------------------------------------------------------*/

static bool exists(eval *ev, uint32_t q, yyjson_val *current) {
    if (ev->jp->queries[q].singular) return singular_node(ev, q, current) != NULL;
    jp_list nodes = { 0 };
    run_query(ev, q, current, &nodes, false);
    bool any = nodes.len > 0;
    list_free(&nodes);
    return any;
}

static bool test_filter(eval *ev, uint32_t e, yyjson_val *current) {
    const jp_expr *x = &ev->jp->exprs[e];
    switch (x->kind) {
    case JP_EX_AND: return test_filter(ev, x->a, current) && test_filter(ev, x->b, current);
    case JP_EX_OR: return test_filter(ev, x->a, current) || test_filter(ev, x->b, current);
    case JP_EX_NOT: return !test_filter(ev, x->a, current);
    case JP_EX_COMPARE: return compare(ev, x, current);
    case JP_EX_QUERY: return exists(ev, x->a, current);
    case JP_EX_FUNCTION: return regex_call(ev, x, current);
    default: return false; /* literals are refused as tests at compile time */
    }
}

/*------------------------------------------------------------------------------
 * Output: normalized paths (RFC 9535 section 2.7)
 *----------------------------------------------------------------------------*/

static void normalized_name(jf_buf *b, const uint8_t *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    jf_buf_lit(b, "['");
    /* Most names need no escape: one copy up to the first byte that does. */
    size_t plain = 0;
    while (plain < n && s[plain] >= 0x20 && s[plain] != '\'' && s[plain] != '\\') plain++;
    jf_buf_put(b, s, plain);
    for (size_t i = plain; i < n; i++) {
        uint8_t c = s[i];
        const char *esc = c == '\b' ? "\\b" : c == '\f' ? "\\f" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                        : c == '\t' ? "\\t" : c == '\'' ? "\\'" : c == '\\' ? "\\\\" : NULL;
        if (esc) {
            jf_buf_put(b, esc, 2);
        } else if (c < 0x20) {
            char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            jf_buf_put(b, u, 6);
        } else {
            jf_buf_byte(b, c);
        }
    }
    jf_buf_lit(b, "']");
}

/* The normalized path of the last hit written, kept so that the next one
 * (`$..*` lists siblings and children in turn) rewrites only the segments
 * after the steps they share. */
typedef struct {
    jf_buf    text;      /* "$['a'][0]..." */
    uint32_t *trail;     /* scratch: the steps of the path being written, leaf first */
    size_t    trail_cap;
    uint32_t *steps;     /* the steps of `text`, root first */
    size_t   *ends;      /* text.len after each of them */
    size_t    len, steps_cap, ends_cap;
} path_writer;

static void path_writer_release(path_writer *w) {
    jf_buf_release(&w->text);
    jf_free(w->trail);
    jf_free(w->steps);
    jf_free(w->ends);
}

/* A hit's output is its path and its value: they cost a step per segment and
 * per value written, so the budget bounds the output too (`$..*..*` on a
 * deep document selects few nodes per step but writes long paths for each). */
static void write_path(eval *ev, uint32_t path, path_writer *w) {
    size_t depth = 0;
    for (uint32_t p = path; p && tick(ev); p = ev->steps[p].parent) {
        if (!grow(ev, (void **)&w->trail, &w->trail_cap, depth + 1, sizeof(*w->trail))) return;
        w->trail[depth++] = p;
    }
    if (!grow(ev, (void **)&w->steps, &w->steps_cap, depth, sizeof(*w->steps)) ||
        !grow(ev, (void **)&w->ends, &w->ends_cap, depth, sizeof(*w->ends)))
        return;
    size_t shared = 0;
    while (shared < w->len && shared < depth && w->steps[shared] == w->trail[depth - 1 - shared]) shared++;
    if (shared) {
        w->text.len = w->ends[shared - 1];
    } else {
        w->text.len = 0;
        jf_buf_byte(&w->text, '$');
    }
    for (size_t i = shared; i < depth; i++) {
        uint32_t id = w->trail[depth - 1 - i];
        const path_step *st = &ev->steps[id];
        if (st->is_index) {
            jf_buf_byte(&w->text, '[');
            jf_buf_u64(&w->text, st->index);
            jf_buf_byte(&w->text, ']');
        } else {
            normalized_name(&w->text, (const uint8_t *)unsafe_yyjson_get_str(st->key), unsafe_yyjson_get_len(st->key));
        }
        w->steps[i] = id;
        w->ends[i] = w->text.len;
    }
    w->len = depth;
}

static void over_budget_error(const eval *ev, jf_error *err) {
    jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0,
                 "JSONPath needs more than %llu steps on this document (the budget is max(JF_JSONPATH_MIN_STEPS, "
                 "JF_JSONPATH_STEPS_PER_VALUE x its values))", (unsigned long long)ev->budget);
}

static bool write_hits(eval *ev, const jp_list *nodes, jf_jsonpath_sink *sink, jf_error *err) {
    path_writer paths = { 0 };
    jf_buf_init(&paths.text, 256);
    bool ok = true;
    for (size_t i = 0; i < nodes->len && ok; i++) {
        if (sink->limit && sink->hits >= sink->limit) break;
        yyjson_val *val = nodes->items[i].val;
        /* yyjson lays a subtree out in one run of slots: its size is the distance to the next sibling. */
        ev->work += (uint64_t)(unsafe_yyjson_get_next(val) - val);
        write_path(ev, nodes->items[i].path, &paths);
        if (ev->failed) break;
        jf_buf *out = sink->out;
        jf_buf_byte(out, '[');
        if (sink->line) {
            jf_buf_u64(out, sink->line);
            jf_buf_byte(out, ',');
        }
        jf_buf_byte(out, '"');
        jf_escape(out, paths.text.data, paths.text.len, sink->replace_invalid);
        jf_buf_lit(out, "\",");
        sink->values->out = out;
        if (!jf_write_value(sink->values, val, 1, NULL)) {
            jf_set_error(err, JF_NESTING_TOO_DEEP, NULL, 0, 0, "a selected value nests too deep to write");
            ok = false;
        }
        jf_buf_lit(out, "]\n");
        sink->hits++;
    }
    if (ev->over_budget) {
        over_budget_error(ev, err);
        ok = false;
    } else if (ok && (paths.text.failed || ev->failed)) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while writing JSONPath results");
        ok = false;
    }
    path_writer_release(&paths);
    return ok;
}

/*------------------------------------------------------------------------------
 * Shared hits (JF_FLAG_SHARED_HITS): one JSON array where a container hit's
 * children that are container hits are written once, at their own hit, and
 * referenced from the parent. `$..*` selects every node: written whole, each
 * container's text repeats all its descendants' (twitter.json: 2.5 MB of hits
 * for 0.6 MB of document); shared, each value is written once.
 *----------------------------------------------------------------------------*/

/* Objects wider than this keep their children whole: the duplicate-key test
 * below compares every pair of keys. */
#define SHARED_MAX_MEMBERS 64

static bool filled_container(yyjson_val *v) { return unsafe_yyjson_is_ctn(v) && unsafe_yyjson_get_len(v) > 0; }

/* Whether another member of `obj` has `key`'s name: a reader setting that
 * name could not tell the two apart (JSON.parse keeps the last). */
static bool name_repeats(yyjson_val *obj, yyjson_val *key) {
    size_t idx, max, n = unsafe_yyjson_get_len(key);
    yyjson_val *k, *v;
    yyjson_obj_foreach(obj, idx, max, k, v) {
        if (k != key && unsafe_yyjson_get_len(k) == n && memcmp(unsafe_yyjson_get_str(k), unsafe_yyjson_get_str(key), n) == 0)
            return true;
    }
    return false;
}

/* A selected non-empty container and the first hit that selected it. */
typedef struct {
    yyjson_val *val;
    size_t      hit;
} shared_node;

static int by_node(const void *a, const void *b) {
    const shared_node *x = a, *y = b;
    if (x->val != y->val) return x->val < y->val ? -1 : 1;
    return x->hit < y->hit ? -1 : x->hit > y->hit;
}

/* 1 + the first hit whose value is `val`, or 0: a binary search of the
 * sorted selected containers. */
static size_t hit_of(const shared_node *nodes, size_t n, yyjson_val *val) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (nodes[mid].val < val) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && nodes[lo].val == val ? nodes[lo].hit + 1 : 0;
}

/* Writes the container `val` with its children that are selected containers
 * as `0`, listing them in `refs` (`[slot,hit],...`). False if a child nests
 * too deep to write. */
static bool write_shared_container(jf_jsonpath_sink *sink, yyjson_val *val, const shared_node *nodes, size_t n_nodes,
                                   jf_buf *refs) {
    jf_buf *out = sink->out;
    bool obj = unsafe_yyjson_is_obj(val);
    size_t n = unsafe_yyjson_get_len(val);
    bool share = !obj || n <= SHARED_MAX_MEMBERS;
    jf_buf_byte(out, obj ? '{' : '[');
    yyjson_val *child = unsafe_yyjson_get_first(val);
    for (size_t i = 0; i < n; i++) {
        yyjson_val *key = NULL;
        if (i) jf_buf_byte(out, ',');
        if (obj) {
            key = child++;
            jf_buf_byte(out, '"');
            jf_escape(out, (const uint8_t *)unsafe_yyjson_get_str(key), unsafe_yyjson_get_len(key), sink->replace_invalid);
            jf_buf_lit(out, "\":");
        }
        size_t hit = share && filled_container(child) ? hit_of(nodes, n_nodes, child) : 0;
        if (hit && !(obj && name_repeats(val, key))) {
            jf_buf_byte(out, '0');
            jf_buf_byte(refs, refs->len ? ',' : '[');
            jf_buf_byte(refs, '[');
            if (obj) {
                jf_buf_byte(refs, '"');
                jf_escape(refs, (const uint8_t *)unsafe_yyjson_get_str(key), unsafe_yyjson_get_len(key), sink->replace_invalid);
                jf_buf_byte(refs, '"');
            } else {
                jf_buf_u64(refs, i);
            }
            jf_buf_byte(refs, ',');
            jf_buf_u64(refs, hit - 1);
            jf_buf_byte(refs, ']');
        } else {
            sink->values->out = out;
            if (!jf_write_value(sink->values, child, 2, NULL)) return false;
        }
        child = unsafe_yyjson_get_next(child);
    }
    jf_buf_byte(out, obj ? '}' : ']');
    return true;
}

static bool write_shared_hits(eval *ev, const jp_list *list, jf_jsonpath_sink *sink, jf_error *err) {
    size_t count = list->len;
    if (sink->limit) {
        uint64_t left = sink->hits >= sink->limit ? 0 : sink->limit - sink->hits;
        if (left < count) count = (size_t)left;
    }
    /* The selected containers, sorted: only a container can hold another hit,
     * and only when two or more are selected. */
    size_t n_nodes = 0;
    for (size_t i = 0; i < count; i++) n_nodes += filled_container(list->items[i].val);
    shared_node *nodes = NULL;
    if (n_nodes >= 2) {
        nodes = jf_malloc(n_nodes * sizeof(*nodes));
        if (!nodes) {
            jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while writing JSONPath results");
            return false;
        }
        n_nodes = 0;
        for (size_t i = 0; i < count; i++)
            if (filled_container(list->items[i].val)) nodes[n_nodes++] = (shared_node){ list->items[i].val, i };
        qsort(nodes, n_nodes, sizeof(*nodes), by_node);
    }
    path_writer paths = { 0 };
    jf_buf refs;
    jf_buf_init(&paths.text, 256);
    jf_buf_init(&refs, 0);
    bool ok = true;
    jf_buf *out = sink->out;
    jf_buf_byte(out, '[');
    for (size_t i = 0; i < count && ok; i++) {
        yyjson_val *val = list->items[i].val;
        ev->work += (uint64_t)(unsafe_yyjson_get_next(val) - val);
        write_path(ev, list->items[i].path, &paths);
        if (ev->failed) break;
        if (i) jf_buf_byte(out, ',');
        jf_buf_lit(out, "[\"");
        jf_escape(out, paths.text.data, paths.text.len, sink->replace_invalid);
        jf_buf_lit(out, "\",");
        refs.len = 0;
        sink->values->out = out;
        if (nodes && filled_container(val) ? !write_shared_container(sink, val, nodes, n_nodes, &refs)
                                           : !jf_write_value(sink->values, val, 1, NULL)) {
            jf_set_error(err, JF_NESTING_TOO_DEEP, NULL, 0, 0, "a selected value nests too deep to write");
            ok = false;
        }
        if (refs.len) {
            jf_buf_byte(out, ',');
            jf_buf_put(out, refs.data, refs.len);
            jf_buf_byte(out, ']');
        }
        jf_buf_byte(out, ']');
        sink->hits++;
    }
    jf_buf_byte(out, ']');
    if (ev->over_budget) {
        over_budget_error(ev, err);
        ok = false;
    } else if (ok && (paths.text.failed || refs.failed || ev->failed)) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while writing JSONPath results");
        ok = false;
    }
    jf_free(nodes);
    path_writer_release(&paths);
    jf_buf_release(&refs);
    return ok;
}

bool jf_jsonpath_run(const jf_jsonpath *jp, yyjson_val *root, size_t doc_values, jf_jsonpath_sink *sink,
                     jf_error *err) {
    uint64_t budget = (uint64_t)doc_values * JF_JSONPATH_STEPS_PER_VALUE;
    eval ev = { .jp = jp, .root = root, .budget = budget > JF_JSONPATH_MIN_STEPS ? budget : JF_JSONPATH_MIN_STEPS };
    jp_list nodes = { 0 };
    bool ok = grow(&ev, (void **)&ev.steps, &ev.step_cap, 64, sizeof(path_step));
    if (ok) {
        ev.steps[ev.step_len++] = (path_step){ 0, false, 0, NULL }; /* `$` */
        run_query(&ev, 0, root, &nodes, true);
    }
    if (ev.over_budget) {
        over_budget_error(&ev, err);
        ok = false;
    } else if (!ok || ev.failed) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while running a JSONPath");
        ok = false;
    } else {
        ok = sink->shared ? write_shared_hits(&ev, &nodes, sink, err) : write_hits(&ev, &nodes, sink, err);
    }
    list_free(&nodes);
    jf_free(ev.steps);
    return ok;
}
