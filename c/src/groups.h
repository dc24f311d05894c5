/*==============================================================================
 * groups.h — grouped mode's table (internal).
 *============================================================================*/
#ifndef JF_GROUPS_H
#define JF_GROUPS_H

#include "internal.h"

typedef struct jf_group {
    uint64_t hash;
    size_t   key_off;  /* into jf_groups.keys */
    size_t   key_len;
    uint64_t count;    /* values so far */
    jf_buf   values;   /* "v1,v2,..." */
    jf_buf   marks;    /* "i,j,..." indexes of big integers (JF_FLAG_BIGINT_MARK) */
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

#endif
