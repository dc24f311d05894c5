/*==============================================================================
 * fuzz_flatten.c — libFuzzer target for jf_flatten.
 *
 * Input layout: 4 option bytes, then the document.
 *   byte 0: bit 0 mode, bits 1-2 style (3 = js), bit 3 format, bits 4-7 flags
 *   byte 1: bits 0-3 max_depth (0-7: none, 8-15: 1-8), bits 4-7 max_nesting
 *           (0: default, else 1-15)
 *   byte 2: bits 0-1 delimiter length (0-3), bit 2 schema mode (overrides
 *           bit 0 of byte 0), bit 3 a long delimiter: 4 + (byte 3 & 31)
 *           bytes, up to 35 (over JF_MAX_DELIMITER is an invalid option),
 *           bits 4-7 == 15: one invalid option (chosen by byte 3) to
 *           exercise validation
 *   byte 3: delimiter bytes (2 bits each from ".:/\"", cycled); in schema
 *           mode, bit 7 adds JF_FLAG_SCHEMA_DETAIL
 *
 * Checks, in addition to ASan/UBSan:
 *  - an error is one of the documented codes with a NUL-terminated message
 *    and an offset inside the input;
 *  - a success is valid JSON (strict yyjson read, UTF-8 validated) of the
 *    right shape (object or entries array); in schema mode every path holds
 *    {key, count, docs, types} and the counts add up to the leaves (with
 *    schema detail: at least the leaves, containers being counted too, and
 *    every path has a "present" count and at most 3 examples of at most 64
 *    bytes, each valid JSON);
 *  - a js/pointer leaf-mode result unflattens without crashing; in js style
 *    (without big-integer strings) it unflattens to the document itself, as
 *    yyjson reads it, when the document has no duplicate member names;
 *  - the library's live-block counter is unchanged afterwards.
 *============================================================================*/
#include "fuzz_common.h"

static void options_from(const uint8_t *h, jf_options *o) {
    memset(o, 0, sizeof *o);
    o->mode = h[0] & 1u;
    uint32_t style = (h[0] >> 1) & 3u;
    o->style = style == 3 ? JF_STYLE_JS : style;
    o->format = (h[0] >> 3) & 1u;
    o->flags = (h[0] >> 4) & 0xFu;
    uint32_t d = h[1] & 0xFu;
    o->max_depth = d < 8 ? 0 : d - 7;
    o->max_nesting = (h[1] >> 4) & 0xFu;
    if (h[2] & 4u) o->mode = JF_MODE_SCHEMA;
    if (o->mode == JF_MODE_SCHEMA && (h[3] & 0x80u)) o->flags |= JF_FLAG_SCHEMA_DETAIL;
    o->delimiter_len = (h[2] & 8u) ? 4u + (h[3] & 31u) : h[2] & 3u;
    static const char dchars[4] = { '.', ':', '/', '"' };
    for (uint32_t i = 0; i < o->delimiter_len && i < JF_MAX_DELIMITER; i++)
        o->delimiter[i] = dchars[(h[3] >> (2 * (i % 4))) & 3u];
    if ((h[2] >> 4) == 0xF) {
        switch (h[3] & 3u) {
        case 0: o->style = 3 + (h[3] >> 2); break;
        case 1: o->mode = 2 + (h[3] >> 2); break;
        case 2: o->delimiter_len = 33 + (h[3] >> 2); break;
        default: o->reserved = 1u + h[3]; break;
        }
    }
}

/* Count of one schema path's info {"key","count","docs":1,"types"}, after
 * checking that its per-type counts add up to it. */
static uint64_t check_schema_entry(yyjson_val *info) {
    FUZZ_ASSERT(yyjson_is_obj(info), "schema info is not an object");
    yyjson_val *key = yyjson_obj_get(info, "key"), *count = yyjson_obj_get(info, "count");
    yyjson_val *docs = yyjson_obj_get(info, "docs"), *types = yyjson_obj_get(info, "types");
    FUZZ_ASSERT(key && (yyjson_is_str(key) || yyjson_is_null(key)), "schema key");
    FUZZ_ASSERT(count && yyjson_is_raw(count) && docs && yyjson_is_raw(docs) && yyjson_is_obj(types), "schema fields");
    uint64_t c = strtoull(yyjson_get_raw(count), NULL, 10), sum = 0;
    FUZZ_ASSERT(strcmp(yyjson_get_raw(docs), "1") == 0, "docs %s for one document", yyjson_get_raw(docs));
    yyjson_val *t, *tv;
    size_t idx, max;
    yyjson_obj_foreach(types, idx, max, t, tv) {
        FUZZ_ASSERT(yyjson_is_raw(tv), "type count is not a number");
        sum += strtoull(yyjson_get_raw(tv), NULL, 10);
    }
    FUZZ_ASSERT(c >= 1 && sum == c, "count %llu, types add up to %llu", (unsigned long long)c, (unsigned long long)sum);
    yyjson_val *present = yyjson_obj_get(info, "present"), *examples = yyjson_obj_get(info, "examples");
    FUZZ_ASSERT((present == NULL) == (examples == NULL), "present and examples come together");
    if (present) {
        FUZZ_ASSERT(yyjson_is_raw(present) && strtoull(yyjson_get_raw(present), NULL, 10) <= c, "present above count");
        FUZZ_ASSERT(yyjson_is_arr(examples) && yyjson_arr_size(examples) <= 3, "examples");
        yyjson_val *e;
        yyjson_arr_foreach(examples, idx, max, e) {
            FUZZ_ASSERT(yyjson_is_str(e) && yyjson_get_len(e) <= 64, "an example is its JSON text, at most 64 bytes");
            yyjson_doc *text = yyjson_read(yyjson_get_str(e), yyjson_get_len(e), YYJSON_READ_NUMBER_AS_RAW); /* 1e400 too */
            FUZZ_ASSERT(text && !yyjson_is_ctn(yyjson_doc_get_root(text)), "an example is a JSON scalar");
            yyjson_doc_free(text);
        }
    }
    return c;
}

/* Schema output: every path's info is well formed and the counts of all
 * paths add up to the leaves. */
static void check_schema(yyjson_val *root, uint32_t format, uint64_t leaves, bool detail) {
    uint64_t total = 0;
    size_t idx, max;
    if (format == JF_FORMAT_OBJECT) {
        yyjson_val *k, *v;
        yyjson_obj_foreach(root, idx, max, k, v) total += check_schema_entry(v);
    } else {
        yyjson_val *e;
        yyjson_arr_foreach(root, idx, max, e) {
            FUZZ_ASSERT(yyjson_is_arr(e) && yyjson_arr_size(e) == 2 && yyjson_is_str(yyjson_arr_get(e, 0)),
                        "schema entry is not [path, info]");
            total += check_schema_entry(yyjson_arr_get(e, 1));
        }
    }
    FUZZ_ASSERT(detail ? total >= leaves : total == leaves, "schema counts add up to %llu, leaves %llu", (unsigned long long)total,
                (unsigned long long)leaves);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 4) return 0;
    jf_options o;
    options_from(data, &o);
    const uint8_t *doc = data + 4;
    size_t len = size - 4;

    fuzz_stats st;
    fuzz_stats_begin(&st);

    jf_result r;
    memset(&r, 0xA5, sizeof r);
    uint8_t *out = jf_flatten(doc, len, &o, &r);
    if (!out) {
        FUZZ_ASSERT(r.error.code >= JF_INVALID_JSON && r.error.code <= JF_OUT_OF_MEMORY, "code %d", r.error.code);
        FUZZ_ASSERT(memchr(r.error.message, 0, JF_MESSAGE_SIZE) != NULL, "message not terminated");
        FUZZ_ASSERT(r.error.message[0] != 0, "empty message");
        FUZZ_ASSERT(r.error.offset <= len, "offset %llu beyond %zu", (unsigned long long)r.error.offset, len);
        if (r.error.code == JF_INVALID_JSON || r.error.code == JF_NESTING_TOO_DEEP)
            FUZZ_ASSERT(r.error.line >= 1 && r.error.column >= 1, "line %u column %u", r.error.line, r.error.column);
        fuzz_stats_end(&st);
        return 0;
    }
    FUZZ_ASSERT(r.error.code == JF_OK, "success with code %d", r.error.code);
    FUZZ_ASSERT(r.length >= 2, "length %llu", (unsigned long long)r.length);

    yyjson_doc *od = fuzz_parse_output(out, r.length);
    yyjson_val *root = yyjson_doc_get_root(od);
    if (o.format == JF_FORMAT_OBJECT) FUZZ_ASSERT(yyjson_is_obj(root), "object format gave another type");
    else FUZZ_ASSERT(yyjson_is_arr(root), "entries format gave another type");
    FUZZ_ASSERT(r.leaves >= 1, "no leaves");
    if (o.mode == JF_MODE_LEAF) {
        size_t members = o.format == JF_FORMAT_OBJECT ? yyjson_obj_size(root) : yyjson_arr_size(root);
        FUZZ_ASSERT(members == r.leaves, "%zu members for %llu leaves", members, (unsigned long long)r.leaves);
    }
    if (o.mode == JF_MODE_SCHEMA) check_schema(root, o.format, r.leaves, (o.flags & JF_FLAG_SCHEMA_DETAIL) != 0);
    yyjson_doc_free(od);

    /* Leaf mode in js or pointer style: unflatten must cope with the result. */
    if (o.mode == JF_MODE_LEAF && o.style != JF_STYLE_FLAT && o.format == JF_FORMAT_OBJECT) {
        jf_result ur;
        uint8_t *back = jf_unflatten(out, (size_t)r.length, &o, &ur);
        if (back) {
            yyjson_doc *bd = fuzz_parse_output(back, ur.length);
            /* Exact round trip: js style, values untouched, no duplicates. */
            if (o.style == JF_STYLE_JS && !(o.flags & (JF_FLAG_BIGINT_AS_STRING | JF_FLAG_REPLACE_INVALID_UTF8))) {
                size_t skip = len >= 3 && doc[0] == 0xEF && doc[1] == 0xBB && doc[2] == 0xBF ? 3 : 0;
                yyjson_doc *orig = yyjson_read_opts((char *)doc + skip, len - skip, YYJSON_READ_NUMBER_AS_RAW, NULL, NULL);
                if (orig && !fuzz_has_dup_keys(orig)) {
                    size_t al, bl;
                    char *a = fuzz_write(orig, &al);
                    char *b = fuzz_write(bd, &bl);
                    FUZZ_ASSERT(a && b && al == bl && memcmp(a, b, al) == 0,
                                "round trip differs:\n  doc:  %.*s\n  back: %.*s",
                                (int)(al < 400 ? al : 400), a ? a : "", (int)(bl < 400 ? bl : 400), b ? b : "");
                    free(a);
                    free(b);
                }
                yyjson_doc_free(orig);
            }
            yyjson_doc_free(bd);
            jf_free(back);
        } else {
            FUZZ_ASSERT(ur.error.code >= JF_INVALID_JSON && ur.error.code <= JF_OUT_OF_MEMORY, "code %d", ur.error.code);
            /* In js style every flatten output must unflatten (no duplicate
             * names -> no conflicts). */
            if (o.style == JF_STYLE_JS && !(o.flags & JF_FLAG_BIGINT_AS_STRING)) {
                size_t skip = len >= 3 && doc[0] == 0xEF && doc[1] == 0xBB && doc[2] == 0xBF ? 3 : 0;
                yyjson_doc *orig = yyjson_read_opts((char *)doc + skip, len - skip, YYJSON_READ_NUMBER_AS_RAW, NULL, NULL);
                int dup = orig ? fuzz_has_dup_keys(orig) : 1;
                yyjson_doc_free(orig);
                FUZZ_ASSERT(dup, "unflatten of a js flatten result failed: %s: %s\n  flat: %.*s",
                            jf_code_name(ur.error.code), ur.error.message,
                            (int)(r.length < 400 ? r.length : 400), (const char *)out);
            }
        }
    }
    jf_free(out);
    fuzz_stats_end(&st);
    return 0;
}
