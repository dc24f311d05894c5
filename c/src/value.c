/*==============================================================================
 * value.c — the canonical writer for one leaf value or a whole subtree.
 *
 * Canonical means: compact, numbers as their exact source text, strings
 * escaped by jf_escape. Subtrees are written with an explicit heap stack so a
 * deep subtree can never exhaust the C stack.
 *============================================================================*/
#include "internal.h"

typedef struct jf_frame {
    yyjson_val *next;      /* next child (object: next key) */
    size_t      remaining; /* children not yet written */
    bool        is_object;
    bool        first;
} jf_frame;

struct jf_frame_stack {
    jf_frame *items;
    size_t    len;
    size_t    cap;
};

void jf_value_writer_release(jf_value_writer *w) {
    if (!w->stack) return;
    jf_free(w->stack->items);
    jf_free(w->stack);
    w->stack = NULL;
}

static jf_frame *push_frame(jf_value_writer *w) {
    struct jf_frame_stack *s = w->stack;
    if (!s) {
        s = w->stack = jf_malloc(sizeof(*s));
        if (!s) return NULL;
        s->items = NULL;
        s->len = s->cap = 0;
    }
    if (s->len == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        jf_frame *items = jf_realloc(s->items, cap * sizeof(*items));
        if (!items) return NULL;
        s->items = items;
        s->cap = cap;
    }
    return &s->items[s->len++];
}

bool jf_is_unsafe_integer(const char *raw, size_t len) {
    static const char max_safe[] = "9007199254740991";
    if (len && raw[0] == '-') {
        raw++;
        len--;
    }
    if (len < 16) return false;
    for (size_t i = 0; i < len; i++)
        if (raw[i] < '0' || raw[i] > '9') return false; /* fraction or exponent */
    return len > 16 || memcmp(raw, max_safe, 16) > 0;
}

static inline void write_string(jf_value_writer *w, yyjson_val *val) {
    const uint8_t *s = (const uint8_t *)unsafe_yyjson_get_str(val);
    size_t n = unsafe_yyjson_get_len(val);
    jf_buf *out = w->out;
    bool replace = (w->flags & JF_FLAG_REPLACE_INVALID_UTF8) != 0;
    if (unsafe_yyjson_get_subtype(val) == YYJSON_SUBTYPE_NOESC && !replace) {
        /* yyjson marks strings that had no escapes: valid UTF-8 without
         * quotes, backslashes or controls, so nothing to do. */
        if (!jf_buf_reserve(out, n + 2)) return;
        uint8_t *p = out->data + out->len;
        p[0] = '"';
        memcpy(p + 1, s, n);
        p[n + 1] = '"';
        out->len += n + 2;
        return;
    }
    jf_buf_byte(out, '"');
    jf_escape(out, s, n, replace);
    jf_buf_byte(out, '"');
}

/* Writes a value that is not a non-empty container. */
static void write_scalar(jf_value_writer *w, yyjson_val *val, bool *was_bigint) {
    jf_buf *out = w->out;
    switch (unsafe_yyjson_get_type(val)) {
    case YYJSON_TYPE_RAW: {
        const char *raw = unsafe_yyjson_get_raw(val);
        size_t n = unsafe_yyjson_get_len(val);
        if ((w->flags & JF_FLAG_BIGINT_AS_STRING) && jf_is_unsafe_integer(raw, n)) {
            w->unsafe_integers++;
            if (was_bigint) *was_bigint = true;
            jf_buf_byte(out, '"');
            jf_buf_put(out, raw, n);
            jf_buf_byte(out, '"');
        } else {
            jf_buf_put(out, raw, n);
        }
        return;
    }
    case YYJSON_TYPE_STR: write_string(w, val); return;
    case YYJSON_TYPE_NULL: jf_buf_lit(out, "null"); return;
    case YYJSON_TYPE_BOOL:
        if (unsafe_yyjson_get_bool(val)) jf_buf_lit(out, "true");
        else jf_buf_lit(out, "false");
        return;
    case YYJSON_TYPE_ARR: jf_buf_lit(out, "[]"); return;
    case YYJSON_TYPE_OBJ: jf_buf_lit(out, "{}"); return;
    default: jf_buf_lit(out, "null"); return; /* yyjson never yields other types here */
    }
}

static inline bool is_open_container(yyjson_val *val) {
    return unsafe_yyjson_is_ctn(val) && unsafe_yyjson_get_len(val) > 0;
}

bool jf_write_value(jf_value_writer *w, yyjson_val *val, uint32_t depth, bool *was_bigint) {
    if (unsafe_yyjson_is_ctn(val) && depth > w->max_nesting) return false;
    if (!is_open_container(val)) {
        write_scalar(w, val, was_bigint);
        return true;
    }
    jf_buf *out = w->out;
    size_t base = w->stack ? w->stack->len : 0;
    jf_frame *f = push_frame(w);
    if (!f) {
        out->failed = true;
        return true;
    }
    f->is_object = unsafe_yyjson_get_type(val) == YYJSON_TYPE_OBJ;
    f->next = unsafe_yyjson_get_first(val);
    f->remaining = unsafe_yyjson_get_len(val);
    f->first = true;
    jf_buf_byte(out, f->is_object ? '{' : '[');
    bool ok = true;
    while (w->stack->len > base && !out->failed) {
        f = &w->stack->items[w->stack->len - 1];
        if (f->remaining == 0) {
            jf_buf_byte(out, f->is_object ? '}' : ']');
            w->stack->len--;
            continue;
        }
        if (!f->first) jf_buf_byte(out, ',');
        f->first = false;
        f->remaining--;
        yyjson_val *child = f->next;
        if (f->is_object) {
            write_string(w, child);
            jf_buf_byte(out, ':');
            child++;
        }
        f->next = unsafe_yyjson_get_next(child);
        uint32_t child_depth = depth + (uint32_t)(w->stack->len - base);
        if (unsafe_yyjson_is_ctn(child) && child_depth > w->max_nesting) {
            ok = false;
            break;
        }
        if (!is_open_container(child)) {
            write_scalar(w, child, NULL); /* only a leaf that is itself an integer is marked */
            continue;
        }
        bool is_object = unsafe_yyjson_get_type(child) == YYJSON_TYPE_OBJ;
        f = push_frame(w);
        if (!f) {
            out->failed = true;
            break;
        }
        f->is_object = is_object;
        f->next = unsafe_yyjson_get_first(child);
        f->remaining = unsafe_yyjson_get_len(child);
        f->first = true;
        jf_buf_byte(out, is_object ? '{' : '[');
    }
    w->stack->len = base;
    return ok;
}

/* Whether the value nests deeper than `max` (a scalar: 0 levels, an empty
 * container: 1), found without walking it: yyjson lays values out in
 * document order and a container records where its subtree ends. */
bool jf_value_nests_deeper(yyjson_val *root, uint32_t max, yyjson_val ***ends, size_t *cap) {
    yyjson_val *p = root;
    yyjson_val *end = unsafe_yyjson_get_next(p);
    size_t depth = 0;
    for (; p < end; p++) {
        while (depth && (*ends)[depth - 1] == p) depth--;
        if (!unsafe_yyjson_is_ctn(p)) continue;
        if (depth + 1 > max) return true;
        if (unsafe_yyjson_get_len(p) == 0) continue;
        if (depth == *cap) {
            size_t grown = *cap ? *cap * 2 : 64;
            yyjson_val **more = jf_realloc(*ends, grown * sizeof(**ends));
            if (!more) return true; /* cannot prove it shallow: refuse rather than guess */
            *ends = more;
            *cap = grown;
        }
        (*ends)[depth++] = unsafe_yyjson_get_next(p);
    }
    return false;
}

/* The document's counterpart: used where a walk must not start before it
 * knows, since a schema cannot take back counts half added. */
bool jf_nests_deeper(yyjson_doc *doc, uint32_t max, yyjson_val ***ends, size_t *cap) {
    return jf_value_nests_deeper(yyjson_doc_get_root(doc), max, ends, cap);
}
