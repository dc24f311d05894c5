/*==============================================================================
 * bind.c — typed binding (SPEC section 7): a shape compiled once into a
 * plan of fields (name, path, type), then applied to documents: only the
 * declared paths are visited, each value is checked against its type, and
 * the result is written as the compact JSON object the caller wants, or as
 * the list of every path that was missing or of the wrong type.
 *============================================================================*/
#include "internal.h"

#include <stdio.h>

/* Plans nest shapes at most this deep, and a path has at most this many
 * segments: decoding recurses per shape level and per `[]`, never per level
 * of the document. */
#define MAX_SHAPE_DEPTH 64
#define MAX_SEGMENTS    256

typedef enum { T_STRING, T_NUMBER, T_INTEGER, T_BIGINT, T_BOOLEAN, T_NULL, T_JSON, T_SHAPE, T_COUNT } field_type;
static const char *const type_names[T_COUNT] = { "string", "number", "integer", "bigint", "boolean", "null", "json",
                                                 "object" };

typedef enum { SEG_KEY, SEG_INDEX, SEG_EACH } seg_kind;

typedef struct segment {
    seg_kind kind;
    uint64_t index;
    size_t   key_off; /* raw member name in jf_shape.text */
    size_t   key_len;
} segment;

typedef struct field {
    size_t     name_off; /* `"name":` escaped, in jf_shape.text */
    size_t     name_len;
    size_t     seg_first, seg_count;
    size_t     child_first, child_count; /* T_SHAPE: the nested fields */
    size_t     default_off, default_len; /* canonical JSON; default_len 0 = none */
    field_type type;
    bool       array;
    bool       required;
} field;

struct jf_shape {
    field   *fields;
    size_t   field_len, field_cap;
    segment *segs;
    size_t   seg_len, seg_cap;
    jf_buf   text;
    size_t   root_first, root_count;
};

/*------------------------------------------------------------------------------
 * Compiling a plan
 *----------------------------------------------------------------------------*/

static bool plan_error(jf_error *err, const char *what, const char *name) {
    jf_set_error(err, JF_INVALID_OPTION, NULL, 0, 0, "invalid shape: %s%s%.80s", what, name ? " in field " : "",
                 name ? name : "");
    return false;
}

static bool add_segment(jf_shape *s, segment seg) {
    if (s->seg_len == s->seg_cap) {
        size_t cap = s->seg_cap ? s->seg_cap * 2 : 32;
        segment *segs = jf_realloc(s->segs, cap * sizeof(*segs));
        if (!segs) return false;
        s->segs = segs;
        s->seg_cap = cap;
    }
    s->segs[s->seg_len++] = seg;
    return true;
}

static bool reserve_fields(jf_shape *s, size_t n, size_t *first) {
    *first = s->field_len;
    if (n == 0) return true; /* an empty list before the first allocation: s->fields is NULL, and NULL + 0 is UB */
    if (s->field_len + n > s->field_cap) {
        size_t cap = s->field_cap ? s->field_cap : 16;
        while (cap < s->field_len + n) cap *= 2;
        field *fields = jf_realloc(s->fields, cap * sizeof(*fields));
        if (!fields) return false;
        s->fields = fields;
        s->field_cap = cap;
    }
    memset(s->fields + s->field_len, 0, n * sizeof(field));
    s->field_len += n;
    return true;
}

static int type_of_name(const char *name) {
    for (int t = 0; t < T_SHAPE; t++) /* type_names[T_SHAPE] is "object", which plans spell "shape" */
        if (strcmp(name, type_names[t]) == 0) return t;
    return strcmp(name, "shape") == 0 ? T_SHAPE : -1;
}

/* path: [ "member", 3, null, ... ] — null is `[]`, every element of an array. */
static bool compile_path(jf_shape *s, field *f, yyjson_val *path, const char *name, jf_error *err) {
    if (!yyjson_is_arr(path)) return plan_error(err, "path must be an array of names, indexes and null", name);
    if (yyjson_arr_size(path) > MAX_SEGMENTS) return plan_error(err, "path has more than 256 segments", name);
    f->seg_first = s->seg_len;
    yyjson_val *v;
    yyjson_arr_iter it = yyjson_arr_iter_with(path);
    bool each = false;
    while ((v = yyjson_arr_iter_next(&it))) {
        segment seg = { SEG_EACH, 0, 0, 0 };
        if (yyjson_is_str(v)) {
            seg.kind = SEG_KEY;
            seg.key_off = s->text.len;
            seg.key_len = yyjson_get_len(v);
            jf_buf_put(&s->text, yyjson_get_str(v), seg.key_len);
        } else if (yyjson_is_raw(v)) {
            const char *raw = yyjson_get_raw(v);
            size_t n = yyjson_get_len(v);
            if (n == 0 || n > 18) return plan_error(err, "an index must be a whole number below 10^18", name);
            for (size_t i = 0; i < n; i++) {
                if (raw[i] < '0' || raw[i] > '9') return plan_error(err, "an index must be a whole number", name);
                seg.index = seg.index * 10 + (uint64_t)(raw[i] - '0');
            }
            seg.kind = SEG_INDEX;
        } else if (yyjson_is_null(v)) {
            each = true;
        } else {
            return plan_error(err, "a path segment must be a name, an index or null", name);
        }
        if (!add_segment(s, seg)) return false;
    }
    f->seg_count = s->seg_len - f->seg_first;
    if (f->array && !each) return plan_error(err, "an array field's path needs a [] segment", name);
    if (!f->array && each) return plan_error(err, "[] in the path of a field that is not an array", name);
    return true;
}

static bool compile_fields(jf_shape *s, yyjson_val *list, size_t depth, size_t *first, size_t *count, jf_error *err);

static bool compile_field(jf_shape *s, size_t at, yyjson_val *spec, size_t depth, jf_error *err) {
    if (!yyjson_is_obj(spec)) return plan_error(err, "a field must be an object", NULL);
    yyjson_val *name = yyjson_obj_get(spec, "name"), *type = yyjson_obj_get(spec, "type");
    if (!yyjson_is_str(name)) return plan_error(err, "a field needs a string \"name\"", NULL);
    const char *n = yyjson_get_str(name);
    int t = yyjson_is_str(type) ? type_of_name(yyjson_get_str(type)) : -1;
    if (t < 0) return plan_error(err, "type must be string, number, integer, bigint, boolean, null, json or shape", n);
    field f = { 0 };
    f.type = (field_type)t;
    f.array = yyjson_get_bool(yyjson_obj_get(spec, "array"));
    f.required = yyjson_get_bool(yyjson_obj_get(spec, "required"));
    f.name_off = s->text.len;
    jf_buf_byte(&s->text, '"');
    jf_escape(&s->text, (const uint8_t *)n, yyjson_get_len(name), false);
    jf_buf_lit(&s->text, "\":");
    f.name_len = s->text.len - f.name_off;
    if (!compile_path(s, &f, yyjson_obj_get(spec, "path"), n, err)) return false;
    yyjson_val *def = yyjson_obj_get(spec, "default");
    if (def) {
        jf_value_writer w = { &s->text, 0, JF_DEFAULT_MAX_NESTING, 0, NULL };
        f.default_off = s->text.len;
        bool ok = jf_write_value(&w, def, 1, NULL);
        jf_value_writer_release(&w);
        if (!ok) return plan_error(err, "default nests too deep", n);
        f.default_len = s->text.len - f.default_off;
    }
    if (f.type == T_SHAPE) {
        if (depth >= MAX_SHAPE_DEPTH) return plan_error(err, "shapes nest more than 64 deep", n);
        if (!compile_fields(s, yyjson_obj_get(spec, "fields"), depth + 1, &f.child_first, &f.child_count, err))
            return false;
    }
    s->fields[at] = f; /* after the children: compiling them may move the array */
    return true;
}

static bool compile_fields(jf_shape *s, yyjson_val *list, size_t depth, size_t *first, size_t *count, jf_error *err) {
    if (!yyjson_is_arr(list)) return plan_error(err, "\"fields\" must be an array", NULL);
    *count = yyjson_arr_size(list);
    if (!reserve_fields(s, *count, first)) return false;
    yyjson_val *spec;
    yyjson_arr_iter it = yyjson_arr_iter_with(list);
    for (size_t i = 0; (spec = yyjson_arr_iter_next(&it)); i++)
        if (!compile_field(s, *first + i, spec, depth, err)) return false;
    return true;
}

JF_API jf_shape *jf_shape_compile(const uint8_t *plan, size_t length, jf_error *error) {
    jf_error scratch;
    jf_error *err = error ? error : &scratch;
    memset(err, 0, sizeof(*err));
    jf_config cfg;
    jf_config_from(NULL, &cfg, err);
    jf_shape *s = jf_malloc(sizeof(*s));
    if (!s) {
        jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory");
        return NULL;
    }
    memset(s, 0, sizeof(*s));
    jf_buf_init(&s->text, 256);
    yyjson_doc *doc = jf_parse(plan ? plan : (const uint8_t *)"", plan ? length : 0, &cfg, err);
    bool ok = doc && compile_fields(s, yyjson_obj_get(yyjson_doc_get_root(doc), "fields"), 0, &s->root_first,
                                    &s->root_count, err);
    if (doc) yyjson_doc_free(doc);
    if (ok && s->text.failed) ok = false;
    if (!ok) {
        if (err->code == JF_OK) jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while compiling a shape");
        jf_shape_free(s);
        return NULL;
    }
    return s;
}

JF_API void jf_shape_free(jf_shape *shape) {
    if (!shape) return;
    jf_free(shape->fields);
    jf_free(shape->segs);
    jf_buf_release(&shape->text);
    jf_free(shape);
}

/*------------------------------------------------------------------------------
 * Decoding one document
 *----------------------------------------------------------------------------*/

/* One step of the current document path, for problem reports. */
typedef struct step {
    const uint8_t *key; /* NULL: an index */
    size_t         len;
    uint64_t       index;
} step;

typedef struct decoder {
    const jf_shape *s;
    jf_buf         *out;
    jf_value_writer values;
    jf_buf          problems; /* {"path":..,"expected":..,"actual":..},... */
    uint64_t        problem_count;
    char            first_problem[160];
    step           *path;
    size_t          depth, cap;
    jf_buf          scratch;
    bool            failed; /* out of memory */
} decoder;

static void push_step(decoder *d, const uint8_t *key, size_t len, uint64_t index) {
    if (d->depth == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        step *path = jf_realloc(d->path, cap * sizeof(*path));
        if (!path) {
            d->failed = true;
            return;
        }
        d->path = path;
        d->cap = cap;
    }
    d->path[d->depth++] = (step){ key, len, index };
}

static bool is_identifier(const uint8_t *s, size_t n) {
    if (n == 0 || (s[0] >= '0' && s[0] <= '9')) return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'))
            return false;
    }
    return true;
}

/* The current path in js style (SPEC section 1) into d->scratch. */
static void render_path(decoder *d) {
    jf_buf *b = &d->scratch;
    b->len = 0;
    for (size_t i = 0; i < d->depth; i++) {
        const step *st = &d->path[i];
        if (!st->key) {
            jf_buf_byte(b, '[');
            jf_buf_u64(b, st->index);
            jf_buf_byte(b, ']');
        } else if (is_identifier(st->key, st->len)) {
            if (i) jf_buf_byte(b, '.');
            jf_buf_put(b, st->key, st->len);
        } else {
            jf_buf_lit(b, "[\"");
            jf_escape(b, st->key, st->len, true);
            jf_buf_lit(b, "\"]");
        }
    }
}

static const char *actual_name(yyjson_val *v) {
    if (!v) return "missing";
    switch (unsafe_yyjson_get_type(v)) {
    case YYJSON_TYPE_STR: return "string";
    case YYJSON_TYPE_RAW: {
        const char *raw = unsafe_yyjson_get_raw(v);
        for (size_t i = 0, n = unsafe_yyjson_get_len(v); i < n; i++)
            if (raw[i] == '.' || raw[i] == 'e' || raw[i] == 'E') return "number";
        return "integer";
    }
    case YYJSON_TYPE_BOOL: return "boolean";
    case YYJSON_TYPE_NULL: return "null";
    case YYJSON_TYPE_OBJ: return "object";
    case YYJSON_TYPE_ARR: return "array";
    default: return "unknown";
    }
}

static void problem(decoder *d, const char *expected, const char *actual) {
    render_path(d);
    jf_buf *p = &d->problems;
    if (d->problem_count++) jf_buf_byte(p, ',');
    jf_buf_lit(p, "{\"path\":\"");
    jf_escape(p, d->scratch.data, d->scratch.len, true);
    jf_buf_lit(p, "\",\"expected\":\"");
    jf_buf_put(p, expected, strlen(expected));
    jf_buf_lit(p, "\",\"actual\":\"");
    jf_buf_put(p, actual, strlen(actual));
    jf_buf_lit(p, "\"}");
    if (d->problem_count == 1)
        snprintf(d->first_problem, sizeof d->first_problem, "%.*s: expected %s, got %s",
                 (int)(d->scratch.len < 100 ? d->scratch.len : 100), (const char *)d->scratch.data, expected, actual);
}

/* The last member named `key` (JSON.parse keeps the last duplicate). */
static yyjson_val *member(yyjson_val *obj, const uint8_t *key, size_t len) {
    if (!yyjson_is_obj(obj)) return NULL;
    yyjson_val *found = NULL, *k;
    yyjson_obj_iter it = yyjson_obj_iter_with(obj);
    while ((k = yyjson_obj_iter_next(&it)))
        if (unsafe_yyjson_get_len(k) == len && memcmp(unsafe_yyjson_get_str(k), key, len) == 0)
            found = yyjson_obj_iter_get_val(k);
    return found;
}

static bool is_integer_text(yyjson_val *v) {
    const char *raw = unsafe_yyjson_get_raw(v);
    for (size_t i = 0, n = unsafe_yyjson_get_len(v); i < n; i++)
        if (raw[i] == '.' || raw[i] == 'e' || raw[i] == 'E') return false;
    return true;
}

/* Whether `v` has the field's scalar type; `*actual` names what it is if not. */
static bool scalar_ok(field_type t, yyjson_val *v, const char **actual) {
    bool ok;
    switch (t) {
    case T_STRING: ok = yyjson_is_str(v); break;
    case T_NUMBER: ok = yyjson_is_raw(v); break;
    case T_INTEGER:
        ok = yyjson_is_raw(v) && is_integer_text(v) &&
             !jf_is_unsafe_integer(unsafe_yyjson_get_raw(v), unsafe_yyjson_get_len(v));
        if (!ok && yyjson_is_raw(v) && is_integer_text(v)) {
            *actual = "integer beyond 2^53-1 (declare it bigint)";
            return false;
        }
        break;
    case T_BIGINT: ok = yyjson_is_raw(v) && is_integer_text(v); break;
    case T_BOOLEAN: ok = yyjson_is_bool(v); break;
    case T_NULL: ok = yyjson_is_null(v); break;
    case T_JSON: return true; /* any value, written whole */
    default: ok = yyjson_is_obj(v); break;
    }
    if (!ok) *actual = actual_name(v);
    return ok;
}

static void decode_fields(decoder *d, yyjson_val *base, size_t first, size_t count);

/* One value of a field (the field itself, or one element of an array field). */
static void write_item(decoder *d, const field *f, yyjson_val *v) {
    const char *actual = NULL;
    if (!scalar_ok(f->type, v, &actual)) {
        problem(d, type_names[f->type], actual);
        return;
    }
    if (f->type == T_SHAPE) {
        decode_fields(d, v, f->child_first, f->child_count);
    } else if (f->type == T_BIGINT) {
        jf_buf_byte(d->out, '"');
        jf_buf_put(d->out, unsafe_yyjson_get_raw(v), unsafe_yyjson_get_len(v));
        jf_buf_byte(d->out, '"');
    } else {
        d->values.out = d->out;
        if (!jf_write_value(&d->values, v, 1, NULL)) problem(d, type_names[f->type], "a value nested too deep");
    }
}

/* A field's path. A plan whose paths are all empty never allocates s->segs,
 * and NULL + 0 is undefined behaviour, so an empty path gives NULL. */
static const segment *segments_of(const jf_shape *s, const field *f) {
    return f->seg_count ? s->segs + f->seg_first : NULL;
}

/* Follows the array field's path from segment `at`; every value reached at
 * its end is an element. `*missing`: the part before the first [] is absent
 * (or null). Below a [], absent members are skipped, as grouped paths do. */
static void collect(decoder *d, const field *f, yyjson_val *v, size_t at, bool passed_each, bool *missing,
                    bool *first) {
    const segment *segs = segments_of(d->s, f);
    for (; at < f->seg_count; at++) {
        const segment *sg = &segs[at];
        if (sg->kind == SEG_EACH) {
            if (!yyjson_is_arr(v)) {
                if (!passed_each && (!v || yyjson_is_null(v))) *missing = true;
                else problem(d, "array", actual_name(v));
                return;
            }
            yyjson_val *item;
            yyjson_arr_iter it = yyjson_arr_iter_with(v);
            /* The element's own steps (the segments after this []) stay pushed when
             * collect returns, so the path is cut back to here before the next one. */
            size_t mark = d->depth;
            for (uint64_t i = 0; (item = yyjson_arr_iter_next(&it)) && !d->failed; i++) {
                push_step(d, NULL, 0, i);
                collect(d, f, item, at + 1, true, missing, first);
                d->depth = mark;
            }
            return;
        }
        if (sg->kind == SEG_KEY) {
            push_step(d, d->s->text.data + sg->key_off, sg->key_len, 0);
            v = member(v, d->s->text.data + sg->key_off, sg->key_len);
        } else {
            push_step(d, NULL, 0, sg->index);
            v = yyjson_is_arr(v) ? yyjson_arr_get(v, (size_t)sg->index) : NULL;
        }
        if (!v) {
            if (!passed_each) *missing = true;
            return;
        }
    }
    if (!*first) jf_buf_byte(d->out, ',');
    *first = false;
    write_item(d, f, v);
}

static void write_name(decoder *d, const field *f, bool *any) {
    if (*any) jf_buf_byte(d->out, ',');
    *any = true;
    jf_buf_put(d->out, d->s->text.data + f->name_off, f->name_len);
}

/* Absent (or null where null is not the type): the default, nothing, or a problem. */
static void absent(decoder *d, const field *f, yyjson_val *v, bool *any) {
    if (f->default_len) {
        write_name(d, f, any);
        jf_buf_put(d->out, d->s->text.data + f->default_off, f->default_len);
    } else if (f->required) {
        problem(d, f->array ? "array" : type_names[f->type], actual_name(v));
    }
}

static void decode_field(decoder *d, const field *f, yyjson_val *base, bool *any) {
    size_t mark_depth = d->depth;
    if (f->array) {
        size_t mark = d->out->len;
        bool had_any = *any, missing = false, first = true;
        write_name(d, f, any);
        jf_buf_byte(d->out, '[');
        collect(d, f, base, 0, false, &missing, &first);
        if (missing) {
            d->out->len = mark;
            *any = had_any;
            d->depth = mark_depth; /* a problem names the whole path before the first [] */
            const segment *segs = segments_of(d->s, f);
            for (size_t i = 0; i < f->seg_count && segs[i].kind != SEG_EACH; i++)
                push_step(d, segs[i].kind == SEG_KEY ? d->s->text.data + segs[i].key_off : NULL, segs[i].key_len,
                          segs[i].index);
            absent(d, f, NULL, any);
        } else {
            jf_buf_byte(d->out, ']');
        }
        d->depth = mark_depth;
        return;
    }
    yyjson_val *v = base;
    const segment *segs = segments_of(d->s, f);
    for (size_t i = 0; i < f->seg_count; i++) {
        const segment *sg = &segs[i];
        if (sg->kind == SEG_KEY) {
            push_step(d, d->s->text.data + sg->key_off, sg->key_len, 0);
            v = v ? member(v, d->s->text.data + sg->key_off, sg->key_len) : NULL;
        } else {
            push_step(d, NULL, 0, sg->index);
            v = yyjson_is_arr(v) ? yyjson_arr_get(v, (size_t)sg->index) : NULL;
        }
    }
    if (!v || (yyjson_is_null(v) && f->type != T_NULL && !f->required)) {
        absent(d, f, v, any);
    } else {
        write_name(d, f, any);
        write_item(d, f, v);
    }
    d->depth = mark_depth;
}

static void decode_fields(decoder *d, yyjson_val *base, size_t first, size_t count) {
    bool any = false;
    jf_buf_byte(d->out, '{');
    for (size_t i = 0; i < count && !d->failed; i++) decode_field(d, &d->s->fields[first + i], base, &any);
    jf_buf_byte(d->out, '}');
}

static void decoder_init(decoder *d, const jf_shape *s, const jf_config *cfg) {
    memset(d, 0, sizeof(*d));
    d->s = s;
    d->values.flags = cfg->flags & JF_FLAG_REPLACE_INVALID_UTF8;
    d->values.max_nesting = cfg->max_nesting;
    jf_buf_init(&d->problems, 0);
    jf_buf_init(&d->scratch, 0);
}

static void decoder_release(decoder *d) {
    jf_value_writer_release(&d->values);
    jf_buf_release(&d->problems);
    jf_buf_release(&d->scratch);
    jf_free(d->path);
}

/* Decodes the root of `doc` into `out`; false when it did not fit the shape
 * (the problems are in d->problems). `out` is left as it was on failure. */
static bool decode_root(decoder *d, yyjson_doc *doc, jf_buf *out) {
    size_t mark = out->len;
    d->out = out;
    d->depth = 0;
    d->problems.len = 0;
    d->problem_count = 0;
    yyjson_val *root = yyjson_doc_get_root(doc);
    if (!yyjson_is_obj(root)) {
        problem(d, "object", actual_name(root));
    } else {
        decode_fields(d, root, d->s->root_first, d->s->root_count);
    }
    if (d->problems.failed || d->scratch.failed) d->failed = true;
    if (d->problem_count || d->failed) {
        out->len = mark;
        if (out->failed) d->failed = true;
        return false;
    }
    return !out->failed;
}

static void mismatch_error(const decoder *d, jf_error *err) {
    jf_set_error(err, JF_SHAPE_MISMATCH, NULL, 0, 0, "%llu path%s did not fit the shape; first %s",
                 (unsigned long long)d->problem_count, d->problem_count == 1 ? "" : "s", d->first_problem);
}

JF_API uint8_t *jf_decode(const jf_shape *shape, const uint8_t *input, size_t length, const jf_options *options,
                          jf_result *result) {
    jf_config cfg;
    if (!result || !jf_begin_call(input, length, options, result, &cfg)) return NULL;
    if (!shape) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0, "shape is NULL");
        return NULL;
    }
    yyjson_doc *doc = jf_parse(input ? input : (const uint8_t *)"", length, &cfg, &result->error);
    if (!doc) return NULL;
    decoder d;
    decoder_init(&d, shape, &cfg);
    jf_buf out;
    jf_buf_init(&out, 256);
    bool ok = decode_root(&d, doc, &out);
    yyjson_doc_free(doc);
    if (!ok && !d.failed) { /* hand back the problems instead of the value */
        mismatch_error(&d, &result->error);
        result->leaves = d.problem_count;
        out.len = 0;
        jf_buf_byte(&out, '[');
        jf_buf_put(&out, d.problems.data, d.problems.len);
        jf_buf_byte(&out, ']');
    }
    decoder_release(&d);
    if (d.failed || out.failed) {
        jf_buf_release(&out);
        jf_set_error(&result->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while decoding %zu bytes", length);
        return NULL;
    }
    return jf_buf_take(&out, &result->length);
}

/*------------------------------------------------------------------------------
 * Decoding NDJSON
 *----------------------------------------------------------------------------*/

/* {"code":"..","message":"..","offset":o,"line":n,"column":c(,"problems":[..])} */
static void write_error_record(jf_buf *errors, const jf_error *err, uint64_t line_no, const decoder *d) {
    if (errors->len > 1) jf_buf_byte(errors, ',');
    jf_buf_byte(errors, '{');
    jf_write_error_fields(errors, err, line_no);
    if (d) {
        jf_buf_lit(errors, ",\"problems\":[");
        jf_buf_put(errors, d->problems.data, d->problems.len);
        jf_buf_byte(errors, ']');
    }
    jf_buf_byte(errors, '}');
}

/* The decoder as a sink of the line engine: values go to `out` as one JSON
 * array, every bad line (whatever the mode) to `errors`. */
typedef struct decode_sink {
    const jf_config *cfg;
    decoder   d;
    jf_parser parser;
    jf_buf    errors;
    uint64_t  values;
} decode_sink;

static bool decode_line(void *ctx, const uint8_t *doc, size_t len, uint64_t line, jf_buf *out, jf_error *err) {
    (void)line;
    decode_sink *ds = ctx;
    yyjson_doc *parsed = jf_parser_read(&ds->parser, doc, len, ds->cfg, err);
    if (!parsed) return false;
    size_t mark = out->len;
    if (ds->values) jf_buf_byte(out, ',');
    bool fits = decode_root(&ds->d, parsed, out);
    yyjson_doc_free(parsed); /* from the parser's block: only marks it free */
    if (fits) {
        ds->values++;
        return true;
    }
    out->len = mark;
    if (ds->d.failed) jf_set_error(err, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while decoding %zu bytes", len);
    else mismatch_error(&ds->d, err);
    return false;
}

static void decode_bad_line(void *ctx, const jf_error *err, uint64_t line, jf_on_error mode, jf_buf *out) {
    (void)mode;
    (void)out;
    decode_sink *ds = ctx;
    write_error_record(&ds->errors, err, line, err->code == JF_SHAPE_MISMATCH ? &ds->d : NULL);
}

JF_API uint8_t *jf_decode_lines(const jf_shape *shape, const uint8_t *input, size_t length,
                                const jf_options *options, const jf_lines_options *lines, jf_lines_result *result) {
    jf_config cfg;
    if (!result || !jf_lines_begin(input, length, options, &lines, result, &cfg)) return NULL;
    if (!shape) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0, "shape is NULL");
        return NULL;
    }
    decode_sink ds = { .cfg = &cfg };
    decoder_init(&ds.d, shape, &cfg);
    jf_buf out;
    jf_buf_init(&out, length / 4 + 64);
    jf_buf_init(&ds.errors, 64);
    jf_buf_lit(&out, "{\"values\":[");
    jf_buf_byte(&ds.errors, '[');
    jf_line_sink sink = { .ctx = &ds, .document = decode_line, .bad_line = decode_bad_line, .stopped = NULL };
    bool ok = jf_lines_each(input, length, lines, &sink, &out, result);
    /* A bad line in fail mode ends the values: the caller reads it from `errors`. */
    if (!ok && lines->on_error == JF_ON_ERROR_FAIL && result->error.code != JF_OUT_OF_MEMORY) ok = true;
    jf_buf_lit(&out, "],\"errors\":");
    jf_buf_put(&out, ds.errors.data, ds.errors.len);
    jf_buf_lit(&out, "]}");
    if (ds.d.failed || ds.errors.failed) out.failed = true;
    decoder_release(&ds.d);
    jf_parser_release(&ds.parser);
    jf_buf_release(&ds.errors);
    return jf_lines_finish(&out, ok, length, result);
}
