/*==============================================================================
 * test_flatten.c — jf_flatten through the public API: leaf and grouped mode,
 * js/pointer/flat styles, object/entries formats, escaping, numbers, big
 * integers, roots, max_depth, arrays-leaf, BOM and large outputs.
 * Expected outputs are exact byte strings (SPEC sections 1-3).
 *============================================================================*/
#include "check.h"

enum { LEAF = JF_MODE_LEAF, GROUPED = JF_MODE_GROUPED };
enum { JS = JF_STYLE_JS, PTR = JF_STYLE_POINTER, FLAT = JF_STYLE_FLAT };
enum { OBJ = JF_FORMAT_OBJECT, ENT = JF_FORMAT_ENTRIES };

static void test_abi(void) {
    /* The FFI reads these layouts by offset (jsonflat.h). */
    CHECK_INT_EQ(sizeof(jf_options), 64);
    CHECK_INT_EQ(sizeof(jf_error), 256);
    CHECK_INT_EQ(sizeof(jf_result), 288);
    CHECK_INT_EQ(offsetof(jf_error, code), 0);
    CHECK_INT_EQ(offsetof(jf_error, line), 4);
    CHECK_INT_EQ(offsetof(jf_error, column), 8);
    CHECK_INT_EQ(offsetof(jf_error, offset), 16);
    CHECK_INT_EQ(offsetof(jf_error, message), 24);
    CHECK_INT_EQ(offsetof(jf_result, length), 0);
    CHECK_INT_EQ(offsetof(jf_result, leaves), 8);
    CHECK_INT_EQ(offsetof(jf_result, unsafe_integers), 16);
    CHECK_INT_EQ(offsetof(jf_result, error), 32);
    CHECK_INT_EQ(offsetof(jf_options, delimiter), 32);

    jf_options o, z;
    memset(&o, 0x5A, sizeof o);
    memset(&z, 0, sizeof z);
    jf_options_init(&o);
    CHECK_MSG(memcmp(&o, &z, sizeof o) == 0, "jf_options_init differs from all-zero bytes");
    CHECK_STR_EQ(jf_version(), JF_VERSION_STRING);
}

/* One document through every style and format of leaf mode. */
static void test_leaf_styles(void) {
    const char *doc = "{\"a\":{\"b c\":[1,{\"d\":true}]},\"e\":null,\"f\":[],\"g\":{},\"$h_1\":\"x\"}";
    jf_options o;

    o = opts_make(LEAF, JS, OBJ, 0);
    EXPECT_FLAT(&o, doc,
        "{\"a[\\\"b c\\\"][0]\":1,\"a[\\\"b c\\\"][1].d\":true,\"e\":null,\"f\":[],\"g\":{},\"$h_1\":\"x\"}");
    EXPECT_FLAT(NULL, doc,
        "{\"a[\\\"b c\\\"][0]\":1,\"a[\\\"b c\\\"][1].d\":true,\"e\":null,\"f\":[],\"g\":{},\"$h_1\":\"x\"}");
    o = opts_make(LEAF, JS, ENT, 0);
    EXPECT_FLAT(&o, doc,
        "[[\"a[\\\"b c\\\"][0]\",1],[\"a[\\\"b c\\\"][1].d\",true],[\"e\",null],[\"f\",[]],[\"g\",{}],[\"$h_1\",\"x\"]]");

    o = opts_make(LEAF, PTR, OBJ, 0);
    EXPECT_FLAT(&o, doc, "{\"/a/b c/0\":1,\"/a/b c/1/d\":true,\"/e\":null,\"/f\":[],\"/g\":{},\"/$h_1\":\"x\"}");
    o = opts_make(LEAF, PTR, ENT, 0);
    EXPECT_FLAT(&o, doc,
        "[[\"/a/b c/0\",1],[\"/a/b c/1/d\",true],[\"/e\",null],[\"/f\",[]],[\"/g\",{}],[\"/$h_1\",\"x\"]]");

    o = opts_make(LEAF, FLAT, OBJ, 0);
    EXPECT_FLAT(&o, doc, "{\"a.b c.0\":1,\"a.b c.1.d\":true,\"e\":null,\"f\":[],\"g\":{},\"$h_1\":\"x\"}");
    o = opts_make(LEAF, FLAT, ENT, 0);
    EXPECT_FLAT(&o, doc,
        "[[\"a.b c.0\",1],[\"a.b c.1.d\",true],[\"e\",null],[\"f\",[]],[\"g\",{}],[\"$h_1\",\"x\"]]");
    opts_delim(&o, "::");
    o.format = OBJ;
    EXPECT_FLAT(&o, doc, "{\"a::b c::0\":1,\"a::b c::1::d\":true,\"e\":null,\"f\":[],\"g\":{},\"$h_1\":\"x\"}");
    /* A delimiter of the maximum length. */
    opts_delim(&o, "0123456789abcdef0123456789ABCDEF");
    EXPECT_FLAT(&o, "{\"a\":{\"b\":1}}", "{\"a0123456789abcdef0123456789ABCDEFb\":1}");
    /* The delimiter is ignored outside flat style. */
    o.style = JS;
    EXPECT_FLAT(&o, "{\"a\":{\"b\":1}}", "{\"a.b\":1}");

    /* SPEC section 1's example row. */
    const char *ex = "{\"a\":{\"b c\":[1]}}";
    o = opts_make(LEAF, JS, OBJ, 0);
    EXPECT_FLAT(&o, ex, "{\"a[\\\"b c\\\"][0]\":1}");
    o.style = PTR;
    EXPECT_FLAT(&o, ex, "{\"/a/b c/0\":1}");
    o.style = FLAT;
    EXPECT_FLAT(&o, ex, "{\"a.b c.0\":1}");

    /* Root arrays: the leading dot/slash rules. */
    const char *arr = "[1,[2,{\"a\":3}]]";
    o = opts_make(LEAF, JS, OBJ, 0);
    EXPECT_FLAT(&o, arr, "{\"[0]\":1,\"[1][0]\":2,\"[1][1].a\":3}");
    o.style = PTR;
    EXPECT_FLAT(&o, arr, "{\"/0\":1,\"/1/0\":2,\"/1/1/a\":3}");
    o.style = FLAT;
    EXPECT_FLAT(&o, arr, "{\"0\":1,\"1.0\":2,\"1.1.a\":3}");

    /* leaves counter and length. */
    jf_result r;
    o = opts_make(LEAF, JS, OBJ, 0);
    uint8_t *out = jf_flatten((const uint8_t *)doc, strlen(doc), &o, &r);
    CHECK(out != NULL);
    CHECK_INT_EQ(r.leaves, 6);
    CHECK_INT_EQ(r.error.code, JF_OK);
    CHECK_INT_EQ(r.unsafe_integers, 0);
    jf_free(out);
}

/* Member names as js identifiers or bracketed JSON strings; pointer escapes;
 * flat without escapes. */
static void test_key_spelling(void) {
    jf_options o = opts_make(LEAF, JS, OBJ, 0);
    EXPECT_FLAT(&o, "{\"_\":1,\"$\":2,\"a1\":3,\"A_$9\":4}", "{\"_\":1,\"$\":2,\"a1\":3,\"A_$9\":4}");
    EXPECT_FLAT(&o, "{\"1a\":1,\"a-b\":2,\"a.b\":3,\"\":4,\" \":5}",
        "{\"[\\\"1a\\\"]\":1,\"[\\\"a-b\\\"]\":2,\"[\\\"a.b\\\"]\":3,\"[\\\"\\\"]\":4,\"[\\\" \\\"]\":5}");
    /* Non-ASCII letters are not identifier characters here. */
    EXPECT_FLAT(&o, "{\"\xc3\xa9\":1}", "{\"[\\\"\xc3\xa9\\\"]\":1}");
    /* Nested bracketed names, and dots after them. */
    EXPECT_FLAT(&o, "{\"x\":{\"a.b\":{\"c\":[{\"[\":1}]}}}", "{\"x[\\\"a.b\\\"].c[0][\\\"[\\\"]\":1}");
    /* A quote, a backslash, a newline, a control char and NUL inside a name:
     * the path holds a JSON string, which the output escapes once more. */
    EXPECT_FLAT(&o, "{\"a\\\"b\":1}", "{\"[\\\"a\\\\\\\"b\\\"]\":1}");
    EXPECT_FLAT(&o, "{\"a\\\\b\":1}", "{\"[\\\"a\\\\\\\\b\\\"]\":1}");
    EXPECT_FLAT(&o, "{\"a\\nb\":1}", "{\"[\\\"a\\\\nb\\\"]\":1}");
    EXPECT_FLAT(&o, "{\"a\\u0001b\":1}", "{\"[\\\"a\\\\u0001b\\\"]\":1}");
    EXPECT_FLAT(&o, "{\"a\\u0000b\":1}", "{\"[\\\"a\\\\u0000b\\\"]\":1}");
    EXPECT_FLAT(&o, "{\"a\\/b\":1}", "{\"[\\\"a/b\\\"]\":1}");

    o.style = PTR;
    EXPECT_FLAT(&o, "{\"a/b\":{\"c~d\":1},\"\":2,\"~1\":3,\"x\":{\"\":{\"\":4}}}",
        "{\"/a~1b/c~0d\":1,\"/\":2,\"/~01\":3,\"/x//\":4}");
    EXPECT_FLAT(&o, "{\"a\\u0000b\":1,\"q\\\"\":2,\"\\u001f\":3}",
        "{\"/a\\u0000b\":1,\"/q\\\"\":2,\"/\\u001f\":3}");
    EXPECT_FLAT(&o, "{\"0\":{\"1\":2}}", "{\"/0/1\":2}");

    o.style = FLAT;
    EXPECT_FLAT(&o, "{\"a.b\":{\"c/d\":1},\"q\\\"\":{\"\\n\":2}}", "{\"a.b.c/d\":1,\"q\\\".\\n\":2}");
    EXPECT_FLAT(&o, "{\"0\":{\"1\":2}}", "{\"0.1\":2}");
    /* npm flat joins with the delimiter only after a non-empty prefix. */
    EXPECT_FLAT(&o, "{\"\":{\"a\":1}}", "{\"a\":1}");
    EXPECT_FLAT(&o, "{\"a\":{\"\":{\"b\":1}}}", "{\"a..b\":1}");
    EXPECT_FLAT(&o, "{\"\":{\"\":{\"b\":1}}}", "{\"b\":1}");
    opts_delim(&o, "::");
    EXPECT_FLAT(&o, "{\"a\":{\"b.c\":{\"d\":1}}}", "{\"a::b.c::d\":1}");
}

/* String values: re-escaped, the text unchanged. */
static void test_escaping(void) {
    jf_options o = opts_make(LEAF, JS, OBJ, 0);
    EXPECT_FLAT(&o,
        "{\"s\":\"q\\\"b\\\\c\\/d\\u0001\\u001F\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\u0000z\"}",
        "{\"s\":\"q\\\"b\\\\c/d\\u0001\\u001f\\b\\f\\n\\r\\t\xc3\xa9\xf0\x9f\x98\x80\\u0000z\"}");
    /* Every control character. */
    {
        char in[512], exp[512];
        size_t n = 0, m = 0;
        n += (size_t)sprintf(in + n, "[\"");
        m += (size_t)sprintf(exp + m, "{\"[0]\":\"");
        for (int c = 0; c < 0x20; c++) {
            n += (size_t)sprintf(in + n, "\\u%04X", c);
            switch (c) {
            case '\b': m += (size_t)sprintf(exp + m, "\\b"); break;
            case '\f': m += (size_t)sprintf(exp + m, "\\f"); break;
            case '\n': m += (size_t)sprintf(exp + m, "\\n"); break;
            case '\r': m += (size_t)sprintf(exp + m, "\\r"); break;
            case '\t': m += (size_t)sprintf(exp + m, "\\t"); break;
            default:   m += (size_t)sprintf(exp + m, "\\u%04x", c); break;
            }
        }
        sprintf(in + n, "\"]");
        sprintf(exp + m, "\"}");
        EXPECT_FLAT(&o, in, exp);
    }
    /* Raw UTF-8 passes through; escaped non-ASCII comes out raw. */
    EXPECT_FLAT(&o, "[\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\",\"\\u4e2d\\u00E9\"]",
        "{\"[0]\":\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\",\"[1]\":\"\xe4\xb8\xad\xc3\xa9\"}");
    /* Embedded NUL as input bytes inside a string is a raw control byte:
     * invalid JSON; as \u0000 it round-trips. */
    EXPECT_FLAT_FAIL_N(&o, "[\"a\0b\"]", 7, JF_INVALID_JSON);
    EXPECT_FLAT(&o, "{\"\\u0000\":\"\\u0000\"}", "{\"[\\\"\\\\u0000\\\"]\":\"\\u0000\"}");
    /* Entries format escapes the same way. */
    o.format = ENT;
    EXPECT_FLAT(&o, "{\"k\":\"\\\"\\n\\u0000\"}", "[[\"k\",\"\\\"\\n\\u0000\"]]");
    /* Escapes inside a subtree emitted whole (max_depth). */
    o = opts_make(LEAF, JS, OBJ, 0);
    o.max_depth = 1;
    EXPECT_FLAT(&o, "{\"a\":{\"b\\/\":\"x\\u0001\\/\\u00e9\",\"c\":1.0e0,\"d\":[]}}",
        "{\"a\":{\"b/\":\"x\\u0001/\xc3\xa9\",\"c\":1.0e0,\"d\":[]}}");
}

static void test_numbers(void) {
    jf_options o = opts_make(LEAF, JS, OBJ, 0);
    EXPECT_FLAT(&o, "[1.0,-0,1e400,12345678901234567890,-1.5E-3,0,1E+2,-0.0,1e-400,0.1000000000000000055511151231257827]",
        "{\"[0]\":1.0,\"[1]\":-0,\"[2]\":1e400,\"[3]\":12345678901234567890,\"[4]\":-1.5E-3,\"[5]\":0,"
        "\"[6]\":1E+2,\"[7]\":-0.0,\"[8]\":1e-400,\"[9]\":0.1000000000000000055511151231257827}");
    /* Whitespace around numbers does not leak into them. */
    EXPECT_FLAT(&o, " [ 1.50 , -2 ] ", "{\"[0]\":1.50,\"[1]\":-2}");
    EXPECT_FLAT(&o, "1e400", "{\"\":1e400}");
    EXPECT_FLAT(&o, "-0", "{\"\":-0}");
    /* Malformed numbers. */
    EXPECT_FLAT_FAIL(&o, "[01]", JF_INVALID_JSON);
    EXPECT_FLAT_FAIL(&o, "[1.]", JF_INVALID_JSON);
    EXPECT_FLAT_FAIL(&o, "[-]", JF_INVALID_JSON);
    EXPECT_FLAT_FAIL(&o, "[.5]", JF_INVALID_JSON);
    EXPECT_FLAT_FAIL(&o, "[+1]", JF_INVALID_JSON);
    EXPECT_FLAT_FAIL(&o, "[NaN]", JF_INVALID_JSON);
    EXPECT_FLAT_FAIL(&o, "[Infinity]", JF_INVALID_JSON);
    EXPECT_FLAT_FAIL(&o, "[0x10]", JF_INVALID_JSON);
}

static void test_bigint(void) {
    const char *in = "[9007199254740991,9007199254740992,-9007199254740991,-9007199254740992,"
                     "12345678901234567890,1e400,1.5,-0,18446744073709551616,1.0,"
                     "-123456789012345678901234567890,0,9007199254740993.0]";
    jf_options o = opts_make(LEAF, JS, OBJ, JF_FLAG_BIGINT_AS_STRING);
    EXPECT_FLAT(&o, in,
        "{\"[0]\":9007199254740991,\"[1]\":\"9007199254740992\",\"[2]\":-9007199254740991,"
        "\"[3]\":\"-9007199254740992\",\"[4]\":\"12345678901234567890\",\"[5]\":1e400,\"[6]\":1.5,"
        "\"[7]\":-0,\"[8]\":\"18446744073709551616\",\"[9]\":1.0,"
        "\"[10]\":\"-123456789012345678901234567890\",\"[11]\":0,\"[12]\":9007199254740993.0}");
    jf_result r;
    uint8_t *out = jf_flatten((const uint8_t *)in, strlen(in), &o, &r);
    CHECK(out != NULL);
    CHECK_INT_EQ(r.unsafe_integers, 5);
    CHECK_INT_EQ(r.leaves, 13);
    jf_free(out);

    /* Without the flag the digits stay a number. */
    o.flags = 0;
    EXPECT_FLAT(&o, "[9007199254740992]", "{\"[0]\":9007199254740992}");

    /* Entries with the mark: a third element 1 on converted values only. */
    o = opts_make(LEAF, JS, ENT, JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK);
    EXPECT_FLAT(&o, "{\"a\":9007199254740991,\"b\":9007199254740992,\"c\":-99999999999999999999,\"d\":1e400}",
        "[[\"a\",9007199254740991],[\"b\",\"9007199254740992\",1],[\"c\",\"-99999999999999999999\",1],[\"d\",1e400]]");
    /* A root big integer. */
    EXPECT_FLAT(&o, "9007199254740992", "[[\"\",\"9007199254740992\",1]]");
    o = opts_make(LEAF, JS, OBJ, JF_FLAG_BIGINT_AS_STRING);
    EXPECT_FLAT(&o, "-9007199254740992", "{\"\":\"-9007199254740992\"}");

    /* Grouped entries: the third element lists the indexes of such values,
     * and only groups that hold one carry it. */
    o = opts_make(GROUPED, JS, ENT, JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK);
    EXPECT_FLAT(&o, "{\"a\":[1,9007199254740993,2,-9007199254740993],\"b\":7}",
        "[[\"a[]\",[1,\"9007199254740993\",2,\"-9007199254740993\"],[1,3]],[\"b\",[7]]]");
    o = opts_make(GROUPED, JS, OBJ, JF_FLAG_BIGINT_AS_STRING);
    EXPECT_FLAT(&o, "{\"a\":[1,9007199254740993]}", "{\"a[]\":[1,\"9007199254740993\"]}");
}

static void test_roots(void) {
    for (uint32_t style = 0; style < 3; style++) {
        jf_options o = opts_make(LEAF, style, OBJ, 0);
        EXPECT_FLAT(&o, "5", "{\"\":5}");
        EXPECT_FLAT(&o, "\"s\"", "{\"\":\"s\"}");
        EXPECT_FLAT(&o, "true", "{\"\":true}");
        EXPECT_FLAT(&o, "false", "{\"\":false}");
        EXPECT_FLAT(&o, "null", "{\"\":null}");
        EXPECT_FLAT(&o, " {} ", "{\"\":{}}");
        EXPECT_FLAT(&o, "[ ]", "{\"\":[]}");
        o.format = ENT;
        EXPECT_FLAT(&o, "5", "[[\"\",5]]");
        EXPECT_FLAT(&o, "{}", "[[\"\",{}]]");
        EXPECT_FLAT(&o, "[]", "[[\"\",[]]]");
        o = opts_make(GROUPED, style, OBJ, 0);
        EXPECT_FLAT(&o, "5", "{\"\":[5]}");
        EXPECT_FLAT(&o, "{}", "{\"\":[{}]}");
        EXPECT_FLAT(&o, "[]", "{\"\":[[]]}");
        o.format = ENT;
        EXPECT_FLAT(&o, "null", "[[\"\",[null]]]");
    }
    /* max_depth and arrays-leaf do not change an empty or scalar root. */
    jf_options o = opts_make(LEAF, JS, OBJ, JF_FLAG_ARRAYS_LEAF);
    o.max_depth = 1;
    EXPECT_FLAT(&o, "[]", "{\"\":[]}");
    EXPECT_FLAT(&o, "{}", "{\"\":{}}");
    EXPECT_FLAT(&o, "1", "{\"\":1}");
}

static void test_grouped(void) {
    const char *doc = "{\"a\":[{\"b\":1},{\"b\":2,\"c\":null}],\"d\":[[1,2],[3]],\"e\":5,"
                      "\"f\":[{\"g\":[{\"h\":\"x\"}]},{\"g\":[]}]}";
    jf_options o = opts_make(GROUPED, JS, OBJ, 0);
    /* SPEC section 3's example. */
    EXPECT_FLAT(&o, "{\"a\":[{\"b\":1},{\"b\":2,\"c\":null}]}", "{\"a[].b\":[1,2],\"a[].c\":[null]}");
    EXPECT_FLAT(&o, doc,
        "{\"a[].b\":[1,2],\"a[].c\":[null],\"d[][]\":[1,2,3],\"e\":[5],\"f[].g[].h\":[\"x\"],\"f[].g\":[[]]}");
    o.format = ENT;
    EXPECT_FLAT(&o, doc,
        "[[\"a[].b\",[1,2]],[\"a[].c\",[null]],[\"d[][]\",[1,2,3]],[\"e\",[5]],[\"f[].g[].h\",[\"x\"]],[\"f[].g\",[[]]]]");
    o = opts_make(GROUPED, PTR, OBJ, 0);
    EXPECT_FLAT(&o, doc,
        "{\"/a/[]/b\":[1,2],\"/a/[]/c\":[null],\"/d/[]/[]\":[1,2,3],\"/e\":[5],\"/f/[]/g/[]/h\":[\"x\"],\"/f/[]/g\":[[]]}");
    o.format = ENT;
    EXPECT_FLAT(&o, "{\"a\":[{\"b\":1},{\"b\":2}]}", "[[\"/a/[]/b\",[1,2]]]");
    o = opts_make(GROUPED, FLAT, OBJ, 0);
    EXPECT_FLAT(&o, doc,
        "{\"a.b\":[1,2],\"a.c\":[null],\"d\":[1,2,3],\"e\":[5],\"f.g.h\":[\"x\"],\"f.g\":[[]]}");
    opts_delim(&o, "/");
    EXPECT_FLAT(&o, "{\"a\":[{\"b\":1},{\"b\":2}]}", "{\"a/b\":[1,2]}");
    o.format = ENT;
    EXPECT_FLAT(&o, "{\"a\":[{\"b\":1},{\"b\":2}]}", "[[\"a/b\",[1,2]]]");

    /* Root arrays. */
    o = opts_make(GROUPED, JS, OBJ, 0);
    EXPECT_FLAT(&o, "[1,[2],{\"a\":3}]", "{\"[]\":[1],\"[][]\":[2],\"[].a\":[3]}");
    o.style = PTR;
    EXPECT_FLAT(&o, "[1,[2],{\"a\":3}]", "{\"/[]\":[1],\"/[]/[]\":[2],\"/[]/a\":[3]}");

    /* Keys are spelled as in leaf mode. */
    o = opts_make(GROUPED, JS, OBJ, 0);
    EXPECT_FLAT(&o, "{\"x y\":[{\"1\":true},{\"1\":false}]}", "{\"[\\\"x y\\\"][][\\\"1\\\"]\":[true,false]}");
    /* Values keep their text. */
    EXPECT_FLAT(&o, "{\"a\":[1.0,\"\\u0000\",-0,{},[]]}", "{\"a[]\":[1.0,\"\\u0000\",-0,{},[]]}");
    /* Duplicate names: every occurrence is a value of the group. */
    EXPECT_FLAT(&o, "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":[1,3],\"b\":[2]}");

    /* max_depth: the subtree at the limit is one value of its group. */
    o.max_depth = 2;
    EXPECT_FLAT(&o, "{\"a\":[{\"b\":{\"c\":1}},{\"b\":{\"c\":2}}],\"d\":{\"e\":{\"f\":1}}}",
        "{\"a[]\":[{\"b\":{\"c\":1}},{\"b\":{\"c\":2}}],\"d.e\":[{\"f\":1}]}");
    /* arrays-leaf: whole arrays are values. */
    o = opts_make(GROUPED, JS, OBJ, JF_FLAG_ARRAYS_LEAF);
    EXPECT_FLAT(&o, "{\"a\":[1,2],\"b\":{\"c\":[]}}", "{\"a\":[[1,2]],\"b.c\":[[]]}");

    jf_result r;
    o = opts_make(GROUPED, JS, OBJ, 0);
    uint8_t *out = jf_flatten((const uint8_t *)doc, strlen(doc), &o, &r);
    CHECK(out != NULL);
    CHECK_INT_EQ(r.leaves, 9);
    jf_free(out);
}

static void test_max_depth(void) {
    const char *doc = "{\"a\":{\"b\":{\"c\":1}},\"d\":[1,{\"e\":2}],\"f\":{},\"g\":5}";
    jf_options o = opts_make(LEAF, JS, OBJ, 0);
    o.max_depth = 1;
    EXPECT_FLAT(&o, doc, "{\"a\":{\"b\":{\"c\":1}},\"d\":[1,{\"e\":2}],\"f\":{},\"g\":5}");
    o.max_depth = 2;
    EXPECT_FLAT(&o, doc, "{\"a.b\":{\"c\":1},\"d[0]\":1,\"d[1]\":{\"e\":2},\"f\":{},\"g\":5}");
    o.max_depth = 3;
    EXPECT_FLAT(&o, doc, "{\"a.b.c\":1,\"d[0]\":1,\"d[1].e\":2,\"f\":{},\"g\":5}");
    o.max_depth = 0;
    EXPECT_FLAT(&o, doc, "{\"a.b.c\":1,\"d[0]\":1,\"d[1].e\":2,\"f\":{},\"g\":5}");
    o.max_depth = 1000000;
    EXPECT_FLAT(&o, doc, "{\"a.b.c\":1,\"d[0]\":1,\"d[1].e\":2,\"f\":{},\"g\":5}");
    /* Flat style matches npm flat's maxDepth. */
    o = opts_make(LEAF, FLAT, OBJ, 0);
    o.max_depth = 2;
    EXPECT_FLAT(&o, doc, "{\"a.b\":{\"c\":1},\"d.0\":1,\"d.1\":{\"e\":2},\"f\":{},\"g\":5}");
    o.max_depth = 1;
    EXPECT_FLAT(&o, "[[1],2]", "{\"0\":[1],\"1\":2}");
    /* Pointer, entries. */
    o = opts_make(LEAF, PTR, ENT, 0);
    o.max_depth = 2;
    EXPECT_FLAT(&o, doc, "[[\"/a/b\",{\"c\":1}],[\"/d/0\",1],[\"/d/1\",{\"e\":2}],[\"/f\",{}],[\"/g\",5]]");
    /* The subtree is written compact, whatever the input's whitespace. */
    o = opts_make(LEAF, JS, OBJ, 0);
    o.max_depth = 1;
    EXPECT_FLAT(&o, " { \"a\" : { \"b\" : [ 1 , 2 , { } , [ ] ] , \"c\" : null } } ",
        "{\"a\":{\"b\":[1,2,{},[]],\"c\":null}}");
    /* A subtree counts as one leaf. */
    jf_result r;
    o.max_depth = 2;
    uint8_t *out = jf_flatten((const uint8_t *)doc, strlen(doc), &o, &r);
    CHECK(out != NULL);
    CHECK_INT_EQ(r.leaves, 5);
    jf_free(out);
}

static void test_arrays_leaf(void) {
    jf_options o = opts_make(LEAF, JS, OBJ, JF_FLAG_ARRAYS_LEAF);
    EXPECT_FLAT(&o, "{\"a\":[1,{\"b\":2}],\"c\":{\"d\":[],\"e\":[[]]}}",
        "{\"a\":[1,{\"b\":2}],\"c.d\":[],\"c.e\":[[]]}");
    /* The root array itself is descended. */
    EXPECT_FLAT(&o, "[[1],{\"a\":[2]}]", "{\"[0]\":[1],\"[1].a\":[2]}");
    o.style = FLAT;
    EXPECT_FLAT(&o, "{\"a\":[1,{\"b\":2}],\"c\":{\"d\":[],\"e\":[[]]}}",
        "{\"a\":[1,{\"b\":2}],\"c.d\":[],\"c.e\":[[]]}");
    o.style = PTR;
    o.format = ENT;
    EXPECT_FLAT(&o, "{\"a\":[1,\"\\n\"]}", "[[\"/a\",[1,\"\\n\"]]]");
    /* Combined with max_depth. */
    o = opts_make(LEAF, JS, OBJ, JF_FLAG_ARRAYS_LEAF);
    o.max_depth = 1;
    EXPECT_FLAT(&o, "{\"a\":{\"b\":[1]},\"c\":[2]}", "{\"a\":{\"b\":[1]},\"c\":[2]}");
}

static void test_bom_and_whitespace(void) {
    jf_options o = opts_make(LEAF, JS, OBJ, 0);
    EXPECT_FLAT(&o, "\xEF\xBB\xBF{\"a\":1}", "{\"a\":1}");
    EXPECT_FLAT(&o, "\xEF\xBB\xBF" "5", "{\"\":5}");
    EXPECT_FLAT(&o, " \t\r\n{\"a\" :\n1 }\n", "{\"a\":1}");
    EXPECT_FLAT_FAIL(&o, "\xEF\xBB\xBF", JF_INVALID_JSON);
    EXPECT_FLAT_FAIL(&o, "\xEF\xBB", JF_INVALID_JSON);
    /* Only one BOM, and only at the start. */
    EXPECT_FLAT_FAIL(&o, "\xEF\xBB\xBF\xEF\xBB\xBF{}", JF_INVALID_JSON);
    EXPECT_FLAT_FAIL(&o, " \xEF\xBB\xBF{}", JF_INVALID_JSON);
    /* A BOM-prefixed error reports the offset in the caller's bytes. */
    jf_error e = EXPECT_FLAT_FAIL(&o, "\xEF\xBB\xBF[@]", JF_INVALID_JSON);
    CHECK_INT_EQ(e.offset, 4);
}

/* Duplicate member names: entries keep all; the object result, read by
 * JSON.parse, gives the last value. */
static void test_duplicates(void) {
    jf_options o = opts_make(LEAF, JS, ENT, 0);
    EXPECT_FLAT(&o, "{\"a\":1,\"b\":0,\"a\":2}", "[[\"a\",1],[\"b\",0],[\"a\",2]]");
    o.format = OBJ;
    jf_result r;
    const char *in = "{\"a\":1,\"b\":0,\"a\":2}";
    uint8_t *out = jf_flatten((const uint8_t *)in, strlen(in), &o, &r);
    CHECK(out != NULL);
    if (out) {
        int ok = (r.length == strlen("{\"a\":1,\"b\":0,\"a\":2}") &&
                  memcmp(out, "{\"a\":1,\"b\":0,\"a\":2}", r.length) == 0) ||
                 (r.length == strlen("{\"a\":2,\"b\":0}") && memcmp(out, "{\"a\":2,\"b\":0}", r.length) == 0);
        CHECK_MSG(ok, "duplicate keys: got %.*s", (int)r.length, (const char *)out);
    }
    jf_free(out);
}

/* Outputs much larger than any initial buffer. */
static void test_large(void) {
    enum { N = 200000 };
    size_t cap = (size_t)N * 40 + 64;
    char *in = malloc(cap), *exp = malloc(cap);
    size_t n = 0, m = 0;
    in[n++] = '[';
    exp[m++] = '{';
    for (int i = 0; i < N; i++) {
        if (i) { in[n++] = ','; exp[m++] = ','; }
        if (i % 3 == 0) {
            n += (size_t)sprintf(in + n, "%d.5", i);
            m += (size_t)sprintf(exp + m, "\"[%d]\":%d.5", i, i);
        } else if (i % 3 == 1) {
            n += (size_t)sprintf(in + n, "\"s\\n%d\"", i);
            m += (size_t)sprintf(exp + m, "\"[%d]\":\"s\\n%d\"", i, i);
        } else {
            n += (size_t)sprintf(in + n, "{\"k\":[%d]}", i);
            m += (size_t)sprintf(exp + m, "\"[%d].k[0]\":%d", i, i);
        }
    }
    in[n++] = ']';
    exp[m++] = '}';
    jf_options o = opts_make(LEAF, JS, OBJ, 0);
    EXPECT_FLAT_N(&o, in, n, exp, m);

    /* One long string full of escapes, and a long key. */
    enum { L = 1 << 20 };
    char *s = malloc((size_t)L * 4 + 100000), *e = malloc((size_t)L * 4 + 100000);
    n = 0; m = 0;
    n += (size_t)sprintf(s + n, "{\"");
    m += (size_t)sprintf(e + m, "{\"");
    for (int i = 0; i < 70000; i++) { s[n++] = 'k'; e[m++] = 'k'; }
    n += (size_t)sprintf(s + n, "\":\"");
    m += (size_t)sprintf(e + m, "\":\"");
    for (int i = 0; i < L / 4; i++) {
        /* \u0001, an escaped quote and a raw e-acute, as input and output */
        memcpy(s + n, "\\u0001\\\"\xc3\xa9", 10); n += 10;
        memcpy(e + m, "\\u0001\\\"\xc3\xa9", 10); m += 10;
    }
    n += (size_t)sprintf(s + n, "\"}");
    m += (size_t)sprintf(e + m, "\"}");
    EXPECT_FLAT_N(&o, s, n, e, m);
    free(s); free(e);
    free(in); free(exp);
}

int main(void) {
    test_abi();
    test_leaf_styles();
    test_key_spelling();
    test_escaping();
    test_numbers();
    test_bigint();
    test_roots();
    test_grouped();
    test_max_depth();
    test_arrays_leaf();
    test_bom_and_whitespace();
    test_duplicates();
    test_large();
    return check_done("test_flatten");
}
