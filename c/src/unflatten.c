/*==============================================================================
 * unflatten.c — jf_unflatten: a flattened object back to its document
 * (SPEC section 5).
 *
 * Members are applied in document order to a tree of nodes. Object children
 * are found through one hash table keyed by (parent, key), so wide objects
 * stay linear. Each node remembers the member that created it, so a
 * conflict can name both paths.
 *============================================================================*/
#include "internal.h"

#include <stdio.h>

enum { NODE_UNSET, NODE_LEAF, NODE_OBJECT, NODE_ARRAY };

typedef struct unode {
    uint8_t     kind;
    bool        soft;     /* an array made from ambiguous digit segments: may still turn into an object */
    uint32_t    origin;   /* member index that created or last set the node */
    uint32_t    parent;
    uint32_t    first;    /* object: first child (node ids start at 1; 0 = none) */
    uint32_t    last;
    uint32_t    next;     /* next sibling in the parent object */
    size_t      key_off;  /* object member: key bytes in the key arena */
    size_t      key_len;
    uint64_t    hash;
    yyjson_val *value;    /* leaf */
    uint32_t   *items;    /* array: child ids, 0 = null */
    size_t      len;
    size_t      cap;
} unode;

typedef enum { SEG_KEY, SEG_INDEX, SEG_EITHER } seg_kind;

typedef struct segment {
    seg_kind kind;        /* SEG_EITHER: pointer/flat digits, an index unless an object is already there */
    uint64_t index;
    size_t   key_off;     /* into the scratch key buffer */
    size_t   key_len;
} segment;

typedef struct unflattener {
    const jf_config *cfg;
    const uint8_t   *input;
    size_t           input_len;
    yyjson_doc      *doc;
    yyjson_val     **paths;     /* member index -> its key (for messages) */
    unode           *nodes;     /* nodes[0] unused */
    size_t           node_len;
    size_t           node_cap;
    uint32_t        *slots;     /* (parent, key) -> node id */
    size_t           slot_cap;
    size_t           keyed;     /* object members in the table */
    jf_buf           keys;      /* key arena */
    jf_buf           scratch;   /* the current path's decoded keys */
    jf_buf           sanitized; /* the current path with invalid UTF-8 replaced */
    yyjson_val     **ends;      /* scratch for jf_nests_deeper */
    size_t           ends_cap;
    segment         *segs;
    size_t           seg_len;
    size_t           seg_cap;
    uint64_t         max_index;
    jf_error        *err;
} unflattener;

/*------------------------------------------------------------------------------
 * Errors
 *----------------------------------------------------------------------------*/

static size_t member_offset(unflattener *u, yyjson_val *key) {
    /* yyjson parses a private copy of the input in place, so a key's bytes
     * sit at the same offset as in the input, one past its opening quote. */
    const char *base = u->doc->str_pool;
    size_t bom = jf_bom_length(u->input, u->input_len);
    if (!base) return 0;
    return (size_t)(unsafe_yyjson_get_str(key) - base) - 1 + bom;
}

static bool fail_path(unflattener *u, uint32_t member, jf_code code, const char *why) {
    yyjson_val *key = u->paths[member];
    jf_set_error(u->err, code, u->input, u->input_len, member_offset(u, key), "%s in path \"%.120s\"",
                 why, unsafe_yyjson_get_str(key));
    return false;
}

static bool fail_conflict(unflattener *u, uint32_t earlier, uint32_t member) {
    jf_set_error(u->err, JF_PATH_CONFLICT, u->input, u->input_len, member_offset(u, u->paths[member]),
                 "path \"%.90s\" conflicts with path \"%.90s\"",
                 unsafe_yyjson_get_str(u->paths[member]), unsafe_yyjson_get_str(u->paths[earlier]));
    return false;
}

static bool fail_memory(unflattener *u) {
    jf_set_error(u->err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while unflattening %zu bytes", u->input_len);
    return false;
}

/*------------------------------------------------------------------------------
 * Path parsing
 *----------------------------------------------------------------------------*/

static bool add_segment(unflattener *u, seg_kind kind, uint64_t index, size_t key_off, size_t key_len) {
    if (u->seg_len == u->seg_cap) {
        size_t cap = u->seg_cap ? u->seg_cap * 2 : 16;
        segment *segs = jf_realloc(u->segs, cap * sizeof(*segs));
        if (!segs) return false;
        u->segs = segs;
        u->seg_cap = cap;
    }
    u->segs[u->seg_len++] = (segment){ kind, index, key_off, key_len };
    return true;
}

/* Parses a canonical non-negative integer ("0" or no leading zero). */
static bool canonical_index(const uint8_t *s, size_t n, uint64_t *out) {
    if (n == 0 || n > 19 || (n > 1 && s[0] == '0')) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

static bool add_key_or_either(unflattener *u, const uint8_t *s, size_t n) {
    uint64_t index = 0;
    size_t off = u->scratch.len;
    jf_buf_put(&u->scratch, s, n);
    seg_kind kind = canonical_index(s, n, &index) ? SEG_EITHER : SEG_KEY;
    return !u->scratch.failed && add_segment(u, kind, index, off, n);
}

static int hex_digit(uint8_t c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool read_hex4(const uint8_t *s, size_t n, size_t at, uint32_t *out) {
    if (at + 4 > n) return false;
    uint32_t v = 0;
    for (size_t i = 0; i < 4; i++) {
        int d = hex_digit(s[at + i]);
        if (d < 0) return false;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return true;
}

static void put_utf8(jf_buf *b, uint32_t cp) {
    uint8_t t[4];
    size_t n;
    if (cp < 0x80) { t[0] = (uint8_t)cp; n = 1; }
    else if (cp < 0x800) { t[0] = (uint8_t)(0xC0 | cp >> 6); t[1] = (uint8_t)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        t[0] = (uint8_t)(0xE0 | cp >> 12); t[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        t[2] = (uint8_t)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        t[0] = (uint8_t)(0xF0 | cp >> 18); t[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
        t[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F)); t[3] = (uint8_t)(0x80 | (cp & 0x3F)); n = 4;
    }
    jf_buf_put(b, t, n);
}

/* Decodes the JSON string starting at s[*at] == '"' into the scratch buffer;
 * leaves *at after the closing quote. */
static bool decode_json_string(unflattener *u, const uint8_t *s, size_t n, size_t *at) {
    size_t i = *at + 1;
    while (i < n) {
        uint8_t c = s[i];
        if (c == '"') {
            *at = i + 1;
            return true;
        }
        if (c < 0x20) return false;
        if (c != '\\') {
            jf_buf_byte(&u->scratch, c);
            i++;
            continue;
        }
        if (++i >= n) return false;
        uint32_t cp;
        switch (s[i]) {
        case '"': case '\\': case '/': jf_buf_byte(&u->scratch, s[i]); i++; continue;
        case 'b': jf_buf_byte(&u->scratch, '\b'); i++; continue;
        case 'f': jf_buf_byte(&u->scratch, '\f'); i++; continue;
        case 'n': jf_buf_byte(&u->scratch, '\n'); i++; continue;
        case 'r': jf_buf_byte(&u->scratch, '\r'); i++; continue;
        case 't': jf_buf_byte(&u->scratch, '\t'); i++; continue;
        case 'u':
            if (!read_hex4(s, n, i + 1, &cp)) return false;
            i += 5;
            if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t low;
                if (i + 1 >= n || s[i] != '\\' || s[i + 1] != 'u' || !read_hex4(s, n, i + 2, &low) ||
                    low < 0xDC00 || low > 0xDFFF)
                    return false;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                i += 6;
            }
            put_utf8(&u->scratch, cp);
            continue;
        default: return false;
        }
    }
    return false;
}

/* Flatten writes `.k` only for ASCII identifiers, but people also write
 * `user.café`: on input, non-ASCII bytes count as identifier characters, as
 * they may in JavaScript. */
static inline bool ident_char(uint8_t c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80 ||
           (!first && c >= '0' && c <= '9');
}

static bool parse_js(unflattener *u, const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        if (s[i] == '[') {
            if (i + 1 < n && s[i + 1] == '"') {
                size_t off = u->scratch.len;
                i++;
                if (!decode_json_string(u, s, n, &i)) return false;
                if (i >= n || s[i] != ']') return false;
                i++;
                if (!add_segment(u, SEG_KEY, 0, off, u->scratch.len - off)) return false;
                continue;
            }
            size_t start = ++i;
            while (i < n && s[i] != ']') i++;
            uint64_t index;
            if (i >= n || !canonical_index(s + start, i - start, &index)) return false;
            i++;
            if (!add_segment(u, SEG_INDEX, index, 0, 0)) return false;
            continue;
        }
        if (i > 0) {
            if (s[i] != '.') return false;
            i++;
        }
        size_t start = i;
        if (i >= n || !ident_char(s[i], true)) return false;
        while (i < n && ident_char(s[i], false)) i++;
        size_t off = u->scratch.len;
        jf_buf_put(&u->scratch, s + start, i - start);
        if (!add_segment(u, SEG_KEY, 0, off, i - start)) return false;
    }
    return true;
}

static bool parse_pointer(unflattener *u, const uint8_t *s, size_t n) {
    if (n == 0) return true;
    if (s[0] != '/') return false;
    size_t i = 1;
    for (;;) {
        size_t off = u->scratch.len;
        while (i < n && s[i] != '/') {
            if (s[i] == '~') {
                if (i + 1 >= n || (s[i + 1] != '0' && s[i + 1] != '1')) return false;
                jf_buf_byte(&u->scratch, s[i + 1] == '0' ? '~' : '/');
                i += 2;
            } else {
                jf_buf_byte(&u->scratch, s[i++]);
            }
        }
        size_t len = u->scratch.len - off;
        uint64_t index = 0;
        seg_kind kind = canonical_index(u->scratch.data + off, len, &index) ? SEG_EITHER : SEG_KEY;
        if (u->scratch.failed || !add_segment(u, kind, index, off, len)) return false;
        if (i >= n) return true;
        i++; /* the '/' */
    }
}

static const uint8_t *find_bytes(const uint8_t *s, size_t n, const char *needle, size_t m) {
    if (m == 1) return memchr(s, needle[0], n);
    for (size_t i = 0; i + m <= n; i++)
        if (s[i] == (uint8_t)needle[0] && memcmp(s + i, needle, m) == 0) return s + i;
    return NULL;
}

static bool parse_flat(unflattener *u, const uint8_t *s, size_t n) {
    if (n == 0) return true;
    const char *d = u->cfg->delimiter;
    size_t m = u->cfg->delimiter_len;
    for (;;) {
        const uint8_t *hit = find_bytes(s, n, d, m);
        size_t len = hit ? (size_t)(hit - s) : n;
        if (!add_key_or_either(u, s, len)) return false;
        if (!hit) return true;
        s = hit + m;
        n -= len + m;
    }
}

static bool parse_path(unflattener *u, uint32_t member) {
    yyjson_val *key = u->paths[member];
    const uint8_t *s = (const uint8_t *)unsafe_yyjson_get_str(key);
    size_t n = unsafe_yyjson_get_len(key);
    u->seg_len = 0;
    u->scratch.len = 0;
    if (u->cfg->flags & JF_FLAG_REPLACE_INVALID_UTF8) {
        /* Compare names after replacement, as they will be written: two
         * different invalid names that both read "\uFFFD" are one member.
         * U+FFFD is no path syntax, so the replaced path parses the same. */
        u->sanitized.len = 0;
        jf_put_replacing_invalid(&u->sanitized, s, n);
        if (u->sanitized.failed) return fail_memory(u);
        s = u->sanitized.data;
        n = u->sanitized.len;
    }
    bool ok = u->cfg->style == JF_STYLE_JS ? parse_js(u, s, n)
            : u->cfg->style == JF_STYLE_POINTER ? parse_pointer(u, s, n)
            : parse_flat(u, s, n);
    if (u->scratch.failed) return fail_memory(u);
    if (!ok) return fail_path(u, member, JF_INVALID_PATH, "invalid path");
    for (size_t i = 0; i < u->seg_len; i++)
        if (u->segs[i].kind == SEG_INDEX && u->segs[i].index > u->max_index)
            return fail_path(u, member, JF_INVALID_PATH, "array index too large for the input size");
    if (u->seg_len > u->cfg->max_nesting)
        return fail_path(u, member, JF_NESTING_TOO_DEEP, "too many segments for the nesting limit");
    /* Checked here, member by member, so that the first fault in input order
     * is the one reported, even where a later member replaces this value. */
    yyjson_val *value = key + 1;
    if (unsafe_yyjson_is_ctn(value) &&
        jf_value_nests_deeper(value, u->cfg->max_nesting - (uint32_t)u->seg_len, &u->ends, &u->ends_cap))
        return fail_path(u, member, JF_NESTING_TOO_DEEP, "value nests deeper than the nesting limit");
    return true;
}

/*------------------------------------------------------------------------------
 * Tree
 *----------------------------------------------------------------------------*/

static uint32_t new_node(unflattener *u, uint32_t parent, uint32_t origin) {
    if (u->node_len == u->node_cap) {
        size_t cap = u->node_cap * 2;
        if (cap > UINT32_MAX) return 0;
        unode *nodes = jf_realloc(u->nodes, cap * sizeof(*nodes));
        if (!nodes) return 0;
        u->nodes = nodes;
        u->node_cap = cap;
    }
    uint32_t id = (uint32_t)u->node_len++;
    memset(&u->nodes[id], 0, sizeof(unode));
    u->nodes[id].parent = parent;
    u->nodes[id].origin = origin;
    return id;
}

static uint64_t key_hash(uint32_t parent, const uint8_t *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull ^ ((uint64_t)parent * 0x9e3779b97f4a7c15ull);
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ull;
    return h ^ (h >> 31);
}

static bool grow_slots(unflattener *u) {
    size_t cap = u->slot_cap ? u->slot_cap * 2 : 256;
    uint32_t *slots = jf_malloc(cap * sizeof(*slots));
    if (!slots) return false;
    memset(slots, 0, cap * sizeof(*slots));
    for (size_t id = 1; id < u->node_len; id++) {
        if (!u->nodes[id].hash) continue; /* not an object member */
        size_t at = (size_t)u->nodes[id].hash & (cap - 1);
        while (slots[at]) at = (at + 1) & (cap - 1);
        slots[at] = (uint32_t)id;
    }
    jf_free(u->slots);
    u->slots = slots;
    u->slot_cap = cap;
    return true;
}

static bool is_empty(yyjson_val *v, uint8_t type) {
    return unsafe_yyjson_get_type(v) == type && unsafe_yyjson_get_len(v) == 0;
}

/* Links node `id` into object `parent` under `key`; false on OOM. */
static bool attach_member(unflattener *u, uint32_t parent, uint32_t id, const uint8_t *key, size_t n) {
    if ((u->keyed + 1) * 4 > u->slot_cap * 3 && !grow_slots(u)) return false;
    uint64_t h = key_hash(parent, key, n) | 1; /* never 0: 0 marks non-members */
    size_t at = (size_t)h & (u->slot_cap - 1);
    while (u->slots[at]) at = (at + 1) & (u->slot_cap - 1);
    unode *c = &u->nodes[id];
    c->hash = h;
    c->parent = parent;
    c->next = 0;
    c->key_off = u->keys.len;
    c->key_len = n;
    jf_buf_put(&u->keys, key, n);
    if (u->keys.failed) return false;
    u->slots[at] = id;
    u->keyed++;
    unode *p = &u->nodes[parent];
    if (p->last) u->nodes[p->last].next = id;
    else p->first = id;
    p->last = id;
    return true;
}

/* The member `key` of object `parent`, created (unset) if absent; 0 on OOM. */
static uint32_t object_child(unflattener *u, uint32_t parent, const uint8_t *key, size_t n, uint32_t member) {
    if (u->slot_cap) {
        uint64_t h = key_hash(parent, key, n) | 1;
        size_t at = (size_t)h & (u->slot_cap - 1);
        while (u->slots[at]) {
            unode *c = &u->nodes[u->slots[at]];
            if (c->hash == h && c->parent == parent && c->key_len == n &&
                memcmp(u->keys.data + c->key_off, key, n) == 0)
                return u->slots[at];
            at = (at + 1) & (u->slot_cap - 1);
        }
    }
    uint32_t id = new_node(u, parent, member);
    if (!id || !attach_member(u, parent, id, key, n)) return 0;
    return id;
}

/* A soft array becomes the object it stood for: element i is member "i". */
static bool array_to_object(unflattener *u, uint32_t id) {
    unode *n = &u->nodes[id];
    uint32_t *items = n->items;
    size_t len = n->len;
    n->items = NULL;
    n->len = n->cap = 0;
    n->kind = NODE_OBJECT;
    n->soft = false;
    n->first = n->last = 0;
    bool ok = true;
    for (size_t i = 0; i < len && ok; i++) {
        if (!items[i]) continue;
        char digits[24];
        int dn = snprintf(digits, sizeof(digits), "%zu", i);
        ok = attach_member(u, id, items[i], (const uint8_t *)digits, (size_t)dn);
    }
    jf_free(items);
    return ok;
}

/* How an ambiguous digit segment (pointer and flat styles) reads where `cur`
 * stands: as an index only where it continues an array ("0" starts one, and
 * an array made this way takes indexes up to one past its end); otherwise as
 * a member name. Flattened arrays always count from 0 without gaps, so they
 * come back as arrays, and objects with digit names such as citm's
 * "205705993" come back as objects. */
static bool either_as_index(const unflattener *u, uint32_t cur, uint64_t index) {
    const unode *n = &u->nodes[cur];
    switch (n->kind) {
    case NODE_ARRAY: return !n->soft || index <= n->len;
    case NODE_OBJECT: return false;
    case NODE_LEAF: return index == 0 && !is_empty(n->value, YYJSON_TYPE_OBJ);
    default: return index == 0;
    }
}

static uint32_t array_child(unflattener *u, uint32_t parent, uint64_t index, uint32_t member) {
    unode *p = &u->nodes[parent];
    if (index >= p->len) {
        if (index >= p->cap) {
            size_t cap = p->cap ? p->cap : 4;
            while (cap <= index) cap *= 2;
            uint32_t *items = jf_realloc(p->items, cap * sizeof(*items));
            if (!items) return 0;
            p->items = items;
            p->cap = cap;
        }
        memset(p->items + p->len, 0, (size_t)(index + 1 - p->len) * sizeof(uint32_t));
        p->len = (size_t)index + 1;
    }
    if (p->items[index]) return p->items[index];
    uint32_t id = new_node(u, parent, member);
    if (id) u->nodes[parent].items[index] = id; /* new_node may have moved the nodes */
    return id;
}

/* Gives `id` the container kind a segment needs, or reports a conflict. */
static bool make_container(unflattener *u, uint32_t id, uint8_t kind, uint32_t member) {
    unode *n = &u->nodes[id];
    if (n->kind == kind) return true;
    if (n->kind == NODE_UNSET ||
        (n->kind == NODE_LEAF && is_empty(n->value, kind == NODE_OBJECT ? YYJSON_TYPE_OBJ : YYJSON_TYPE_ARR))) {
        n->kind = kind;
        n->value = NULL;
        return true;
    }
    return fail_conflict(u, n->origin, member);
}

static bool set_leaf(unflattener *u, uint32_t id, yyjson_val *value, uint32_t member) {
    unode *n = &u->nodes[id];
    if (n->kind == NODE_UNSET || n->kind == NODE_LEAF) {
        n->kind = NODE_LEAF;
        n->value = value;
        n->origin = member;
        return true;
    }
    if (is_empty(value, n->kind == NODE_OBJECT ? YYJSON_TYPE_OBJ : YYJSON_TYPE_ARR)) return true;
    return fail_conflict(u, n->origin, member);
}

static bool apply_member(unflattener *u, uint32_t member, yyjson_val *value) {
    if (!parse_path(u, member)) return false;
    uint32_t cur = 1;
    for (size_t i = 0; i < u->seg_len; i++) {
        segment *sg = &u->segs[i];
        bool as_key = sg->kind == SEG_KEY || (sg->kind == SEG_EITHER && !either_as_index(u, cur, sg->index));
        if (as_key && u->nodes[cur].kind == NODE_ARRAY && u->nodes[cur].soft && !array_to_object(u, cur))
            return fail_memory(u);
        bool was_unset = u->nodes[cur].kind != NODE_ARRAY;
        if (!make_container(u, cur, as_key ? NODE_OBJECT : NODE_ARRAY, member)) return false;
        if (!as_key && was_unset) u->nodes[cur].soft = sg->kind == SEG_EITHER;
        uint32_t next = as_key ? object_child(u, cur, u->scratch.data + sg->key_off, sg->key_len, member)
                               : array_child(u, cur, sg->index, member);
        if (!next) return fail_memory(u);
        cur = next;
    }
    return set_leaf(u, cur, value, member);
}

/*------------------------------------------------------------------------------
 * Output
 *----------------------------------------------------------------------------*/

typedef struct out_frame {
    uint32_t node;
    uint32_t next_child; /* object: next child id */
    size_t   next_index; /* array: next index */
    bool     first;
} out_frame;

static bool write_tree(unflattener *u, jf_buf *out, uint64_t *unsafe_integers) {
    jf_value_writer w = { .out = out, .flags = u->cfg->flags, .max_nesting = u->cfg->max_nesting };
    bool replace = (u->cfg->flags & JF_FLAG_REPLACE_INVALID_UTF8) != 0;
    out_frame *stack = NULL;
    size_t depth = 0, cap = 0;
    bool ok = true;
    uint32_t id = 1;
    for (;;) {
        /* Write node `id` (a value position), then continue with the parent. */
        unode *n = &u->nodes[id];
        if (n->kind == NODE_UNSET) {
            jf_buf_lit(out, "{}"); /* only the root of an empty input */
        } else if (n->kind == NODE_LEAF) {
            if (!jf_write_value(&w, n->value, (uint32_t)depth + 1, NULL)) {
                ok = false;
                break;
            }
        } else {
            if (depth == cap) {
                cap = cap ? cap * 2 : 32;
                out_frame *s = jf_realloc(stack, cap * sizeof(*s));
                if (!s) {
                    out->failed = true;
                    break;
                }
                stack = s;
            }
            stack[depth++] = (out_frame){ id, n->first, 0, true };
            jf_buf_byte(out, n->kind == NODE_OBJECT ? '{' : '[');
        }
        /* Find the next value to write. */
        id = 0;
        while (depth && !id) {
            out_frame *f = &stack[depth - 1];
            unode *p = &u->nodes[f->node];
            bool more = p->kind == NODE_OBJECT ? f->next_child != 0 : f->next_index < p->len;
            if (!more) {
                jf_buf_byte(out, p->kind == NODE_OBJECT ? '}' : ']');
                depth--;
                continue;
            }
            if (!f->first) jf_buf_byte(out, ',');
            f->first = false;
            if (p->kind == NODE_OBJECT) {
                id = f->next_child;
                unode *c = &u->nodes[id];
                f->next_child = c->next;
                jf_buf_byte(out, '"');
                jf_escape(out, u->keys.data + c->key_off, c->key_len, replace);
                jf_buf_lit(out, "\":");
            } else {
                id = p->items[f->next_index++];
                if (!id) jf_buf_lit(out, "null");
            }
        }
        if (!id || out->failed) break;
    }
    jf_free(stack);
    jf_value_writer_release(&w);
    *unsafe_integers = w.unsafe_integers;
    return ok;
}

/*------------------------------------------------------------------------------
 * Entry point
 *----------------------------------------------------------------------------*/

static void release(unflattener *u) {
    for (size_t i = 1; i < u->node_len; i++) jf_free(u->nodes[i].items);
    jf_free(u->nodes);
    jf_free(u->slots);
    jf_free(u->segs);
    jf_free(u->paths);
    jf_buf_release(&u->keys);
    jf_buf_release(&u->scratch);
    jf_buf_release(&u->sanitized);
    jf_free(u->ends);
    if (u->doc) yyjson_doc_free(u->doc);
}

static bool unflatten_doc(unflattener *u, jf_buf *out, uint64_t *unsafe_integers) {
    yyjson_val *root = yyjson_doc_get_root(u->doc);
    if (!yyjson_is_obj(root)) {
        jf_set_error(u->err, JF_INVALID_JSON, NULL, 0, 0, "unflatten expects a JSON object of path: value members");
        return false;
    }
    /* The input is a document like any other: too deep is an error even when
     * the deep part would be replaced by a later member. Its own wrapper level
     * does not count, so unflatten(flatten(x)) works under the limit x passed. */
    uint32_t input_limit = u->cfg->max_nesting == UINT32_MAX ? UINT32_MAX : u->cfg->max_nesting + 1;
    if (yyjson_doc_get_val_count(u->doc) > input_limit &&
        jf_nests_deeper(u->doc, input_limit, &u->ends, &u->ends_cap)) {
        jf_set_nesting_error(u->err, u->input, u->input_len, input_limit);
        return false;
    }
    size_t members = unsafe_yyjson_get_len(root);
    u->paths = jf_malloc((members ? members : 1) * sizeof(*u->paths));
    u->node_cap = 64;
    u->nodes = jf_malloc(u->node_cap * sizeof(*u->nodes));
    if (!u->paths || !u->nodes) return fail_memory(u);
    u->node_len = 1;
    if (!new_node(u, 0, 0)) return fail_memory(u); /* the root, id 1 */
    yyjson_val *key = unsafe_yyjson_get_first(root);
    for (size_t m = 0; m < members; m++) {
        yyjson_val *value = key + 1;
        u->paths[m] = key;
        if (!apply_member(u, (uint32_t)m, value)) return false;
        key = unsafe_yyjson_get_next(value);
    }
    if (!write_tree(u, out, unsafe_integers)) {
        jf_set_nesting_error(u->err, u->input, u->input_len, u->cfg->max_nesting);
        return false;
    }
    if (out->failed) return fail_memory(u);
    return true;
}

/* One flattened object to its document, appended to `out` (left as it was
 * on failure); adds to the counters. */
static bool unflatten_one(const uint8_t *input, size_t length, const jf_config *cfg, jf_buf *out,
                          jf_lines_result *counts, jf_error *err) {
    unflattener u = { .cfg = cfg, .input = input, .input_len = length, .err = err };
    u.max_index = length > 1024 ? length : 1024;
    jf_buf_init(&u.keys, 64); /* never NULL: empty keys point into it */
    jf_buf_init(&u.scratch, 64);
    jf_buf_init(&u.sanitized, 64);
    /* A parse error is ordered against the nesting limit the input is held
     * to (see unflatten_doc): its own wrapper level does not count. */
    jf_config parse_cfg = *cfg;
    if (parse_cfg.max_nesting != UINT32_MAX) parse_cfg.max_nesting++;
    u.doc = jf_parse(input, length, &parse_cfg, err);
    size_t mark = out->len;
    uint64_t unsafe_integers = 0;
    bool ok = u.doc && unflatten_doc(&u, out, &unsafe_integers);
    counts->unsafe_integers += unsafe_integers;
    counts->leaves += u.doc && yyjson_is_obj(yyjson_doc_get_root(u.doc)) ? yyjson_obj_size(yyjson_doc_get_root(u.doc)) : 0;
    release(&u);
    if (!ok && !out->failed) out->len = mark;
    return ok;
}

JF_API uint8_t *jf_unflatten(const uint8_t *input, size_t length,
                             const jf_options *options, jf_result *result) {
    jf_config cfg;
    if (!result || !jf_begin_call(input, length, options, result, &cfg)) return NULL;
    jf_buf out;
    jf_buf_init(&out, length + 64);
    jf_lines_result counts = { .length = 0 };
    bool ok = unflatten_one(input ? input : (const uint8_t *)"", length, &cfg, &out, &counts, &result->error);
    result->leaves = counts.leaves;
    result->unsafe_integers = counts.unsafe_integers;
    if (!ok) {
        jf_buf_release(&out);
        return NULL;
    }
    return jf_buf_take(&out, &result->length);
}

/*------------------------------------------------------------------------------
 * NDJSON: a flattened object per line, through the line engine
 *----------------------------------------------------------------------------*/

typedef struct unflatten_sink {
    const jf_config *cfg;
    jf_lines_result *result;
} unflatten_sink;

static bool unflatten_line(void *ctx, const uint8_t *doc, size_t len, uint64_t line, jf_buf *out, jf_error *err) {
    (void)line;
    unflatten_sink *us = ctx;
    if (!unflatten_one(doc, len, us->cfg, out, us->result, err)) return false;
    jf_buf_byte(out, '\n');
    return true;
}

JF_API uint8_t *jf_unflatten_lines(const uint8_t *input, size_t length, const jf_options *options,
                                   const jf_lines_options *lines, jf_lines_result *result) {
    jf_config cfg;
    if (!result || !jf_lines_begin(input, length, options, &lines, result, &cfg)) return NULL;
    unflatten_sink us = { &cfg, result };
    jf_line_sink sink = { .ctx = &us, .document = unflatten_line, .bad_line = jf_line_record, .stopped = NULL };
    jf_buf out;
    jf_buf_init(&out, length + length / 4 + 64);
    bool ok = jf_lines_each(input, length, lines, &sink, &out, result);
    return jf_lines_finish(&out, ok, length, result);
}
