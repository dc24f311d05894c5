/*==============================================================================
 * groups.h — grouped mode's table (internal).
 *============================================================================*/
#ifndef JF_GROUPS_H
#define JF_GROUPS_H

#include "internal.h"

/* The value types a schema counts, in output order. */
enum { JF_TYPE_STRING, JF_TYPE_INTEGER, JF_TYPE_NUMBER, JF_TYPE_BOOLEAN, JF_TYPE_NULL,
       JF_TYPE_OBJECT, JF_TYPE_ARRAY, JF_TYPE_COUNT };

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

#endif
