/*==============================================================================
 * groups.h — grouped mode's table (internal).
 *============================================================================*/
#ifndef JF_GROUPS_H
#define JF_GROUPS_H

#include "internal.h"

/* The value types a schema counts, in output order. */
enum { JF_TYPE_STRING, JF_TYPE_INTEGER, JF_TYPE_NUMBER, JF_TYPE_BOOLEAN, JF_TYPE_NULL,
       JF_TYPE_OBJECT, JF_TYPE_ARRAY, JF_TYPE_COUNT };

/* Schema detail: distinct example values kept per path, and the longest
 * JSON text an example may have (longer values are never examples). */
#define JF_SCHEMA_EXAMPLES    3
#define JF_SCHEMA_EXAMPLE_MAX 64

typedef struct jf_group {
    uint64_t hash;
    size_t   key_off;  /* into jf_groups.keys */
    size_t   key_len;
    uint64_t count;    /* values so far */
    jf_buf   values;   /* "v1,v2,..." */
    jf_buf   marks;    /* "i,j,..." indexes of big integers (JF_FLAG_BIGINT_MARK) */
    /* schema mode */
    uint64_t types[JF_TYPE_COUNT];
    uint64_t docs;     /* documents that have this path */
    uint64_t last_doc; /* 1 + index of the last document counted in `docs` */
    size_t   short_off; /* short key, escaped, in jf_groups.keys; SIZE_MAX if none */
    size_t   short_len;
    /* schema mode with JF_FLAG_SCHEMA_DETAIL (schema_detail.c) */
    uint64_t present;     /* distinct parent containers the path was seen in */
    uint64_t last_parent; /* serial of the parent container counted last */
    uint32_t example_end[JF_SCHEMA_EXAMPLES]; /* ends of the examples' JSON texts in `values` */
    uint8_t  examples;    /* examples kept so far */
} jf_group;

typedef struct jf_groups {
    jf_group *items;   /* in order of first appearance */
    size_t    len;
    size_t    cap;
    uint32_t *slots;   /* open addressing: item index + 1, 0 = empty */
    size_t    slot_cap;
    jf_buf    keys;    /* escaped grouped paths, back to back */
} jf_groups;

void jf_groups_init(jf_groups *g);
void jf_groups_release(jf_groups *g);
/* The group for `key`, created empty on first sight; NULL when out of memory. */
jf_group *jf_groups_find(jf_groups *g, const uint8_t *key, size_t key_len);
/* Stores the short key of a new group (escaped bytes); false when out of memory. */
bool jf_groups_set_short_key(jf_groups *g, jf_group *grp, const uint8_t *key, size_t len);

/* Schema detail (schema_detail.c). Counts `g` as seen in the parent
 * container numbered `parent` (0: the root, which has none); inline, as it
 * runs for every value of every path. */
static inline void jf_schema_seen_in(jf_group *g, uint64_t parent) {
    if (!parent || g->last_parent == parent) return; /* a duplicate member counts once per parent */
    g->last_parent = parent;
    g->present++;
}
/* Keeps `val` as an example of `g` when it is a string, number or boolean
 * whose JSON text fits JF_SCHEMA_EXAMPLE_MAX and differs from those kept;
 * `scratch` is reusable. False when out of memory. */
bool jf_schema_keep_example(jf_group *g, jf_value_writer *w, jf_buf *scratch, yyjson_val *val);
/* Writes `,"present":N,"examples":["<json text>",...]` for `g`. */
void jf_schema_write_detail(jf_buf *out, const jf_group *g);

#endif
