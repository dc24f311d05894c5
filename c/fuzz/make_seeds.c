/*==============================================================================
 * make_seeds.c — writes the seed corpora of the fuzz targets (used by
 * scripts/fuzz.sh; the seeds live under build/, never in the repository).
 *
 *   make_seeds SEED_DIR FILE...
 *
 * writes SEED_DIR/fuzz_flatten, SEED_DIR/fuzz_unflatten,
 * SEED_DIR/fuzz_flatten_lines, SEED_DIR/fuzz_search, SEED_DIR/fuzz_index and
 * SEED_DIR/fuzz_bind (the directories must exist).
 *
 * FILE ending in .txt is read as Open Library TSV (column 5, the first 20
 * lines); a file larger than 8 KiB is cut into small slices: subtrees whose
 * compact text is 32 B to 4 KiB, up to 40 per file, spread over the file;
 * anything else is one seed as it is. Every document becomes a fuzz_flatten
 * seed (with a 4-byte option header, three option sets per document), and,
 * when it parses, its js/pointer/flat flattening becomes a fuzz_unflatten
 * seed (2-byte header). fuzz_flatten_lines gets chunks of 8 documents and
 * the first 20 lines of each TSV file (column 5), with a 5-byte header.
 * fuzz_search gets every document with one of a few queries in turn (the
 * 4-byte header and query section of fuzz_search.c). Flatten seeds also
 * cycle through schema mode and a long delimiter. fuzz_index gets every
 * document behind an option byte (js, key, pointer with invalid UTF-8
 * replaced, in turn); fuzz_bind gets every document alone (its fixed plan)
 * and behind one of a few plans and the 0xFF separator, the empty plan and
 * an empty path among them.
 *============================================================================*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonflat.h"
#include "yyjson.h"

static unsigned long seq;
static char fdir[4096], udir[4096], ldir[4096], sdir[4096], idir[4096], bdir[4096];

/* Pending chunk for fuzz_flatten_lines. */
static char chunk[1 << 16];
static size_t chunk_len, chunk_docs;

static void put(const char *dir, const uint8_t *hdr, size_t hlen, const void *doc, size_t len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/seed-%06lu", dir, seq++);
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); exit(1); }
    if (hlen) fwrite(hdr, 1, hlen, f);
    fwrite(doc, 1, len, f);
    fclose(f);
}

static void flush_chunk(void) {
    static const uint8_t h[5] = { 0, 0, 0, 3 /* skip */, 0 };
    if (chunk_docs) put(ldir, h, 5, chunk, chunk_len);
    chunk_len = chunk_docs = 0;
}

/* fuzz_index: option byte (fuzz_index.c), then the document. */
static void seed_index(const uint8_t *doc, size_t len) {
    static const uint8_t opts[] = { 3 /* js */, 0 /* key */, 1 | 4 /* pointer, replace invalid UTF-8 */ };
    put(idir, &opts[seq % 3], 1, doc, len);
}

/* fuzz_bind: the document alone (the target's fixed plan), and a plan, 0xFF,
 * the document (fuzz_bind.c). */
static void seed_bind(const uint8_t *doc, size_t len) {
    static const char *plans[] = {
        "{\"fields\":[]}",
        "{\"fields\":[{\"name\":\"self\",\"path\":[],\"type\":\"shape\",\"fields\":["
        "{\"name\":\"id\",\"path\":[\"id\"],\"type\":\"integer\"}]}]}",
        "{\"fields\":[{\"name\":\"all\",\"path\":[null],\"type\":\"string\",\"array\":true}]}",
        "{\"fields\":[{\"name\":\"key\",\"path\":[\"key\"],\"type\":\"string\",\"required\":true},"
        "{\"name\":\"title\",\"path\":[\"title\"],\"type\":\"string\",\"default\":\"?\"},"
        "{\"name\":\"n\",\"path\":[\"revision\"],\"type\":\"bigint\"}]}",
    };
    put(bdir, NULL, 0, doc, len);
    const char *plan = plans[seq % (sizeof plans / sizeof *plans)];
    uint8_t buf[1 << 16];
    size_t plen = strlen(plan);
    if (plen + 1 + len > sizeof buf) return;
    memcpy(buf, plan, plen);
    buf[plen] = 0xFF;
    put(bdir, buf, plen + 1, doc, len);
}

/* A fuzz_search seed: header, query section, document. Queries are built
 * by the target from "path\nkey\nvalue" and the field bits of byte 2. */
static void seed_search(const uint8_t *doc, size_t len) {
    static const struct { uint8_t h0, h2; const char *section; } queries[] = {
        { 0, 0, "" },                                            /* {}: every leaf */
        { 0, 1u << 1, "**.id" },                                 /* path */
        { 1u << 2, (1u << 2) | (8u << 1) | (3u << 5), "\nid" },  /* key, limit 3, arrays-leaf */
        { 2, (4u << 1), "\n\n1.0" },                           /* value, pointer style */
        { 0, (1u << 1) | (2u << 1), "*.**\nname" },             /* path and key */
        { 0, 1, "{\"path\":\"a[*].b\",\"value\":\"x\"}" },  /* raw query */
        /* issue 15: exponents past int64, runs of ** that collapse */
        { 0, 1, "{\"path\":\"**.**.*.**[0]\",\"value\":1e99999999999999999999999}" },
        { 0, (1u << 1) | (4u << 1), "**.**.**\n\n10e68719476735" },
    };
    static unsigned long turn;
    size_t q = turn++ % (sizeof queries / sizeof queries[0]);
    size_t qlen = strlen(queries[q].section);
    uint8_t h[4 + 64];
    h[0] = queries[q].h0;
    h[1] = 0;
    h[2] = queries[q].h2;
    h[3] = (uint8_t)qlen;
    memcpy(h + 4, queries[q].section, qlen);
    put(sdir, h, 4 + qlen, doc, len);
}

static void seed_doc(const uint8_t *doc, size_t len) {
    if (len < 2048) {
        if (chunk_len + len + 1 > sizeof chunk) flush_chunk();
        memcpy(chunk + chunk_len, doc, len);
        chunk_len += len;
        chunk[chunk_len++] = '\n';
        if (++chunk_docs == 8) flush_chunk();
    }
    /* fuzz_flatten headers: defaults; grouped pointer entries with big
     * integer marks; flat with "::" and max_depth 2 and arrays-leaf. */
    static const uint8_t hdrs[][4] = {
        { 0x00, 0x00, 0x00, 0x00 },
        { 0x01 | (1u << 1) | (1u << 3) | ((JF_FLAG_BIGINT_AS_STRING | JF_FLAG_BIGINT_MARK) << 4), 0x00, 0x00, 0x00 },
        { (2u << 1) | (JF_FLAG_ARRAYS_LEAF << 4), 0x09, 0x02, 0x05 },
    };
    static const uint8_t schema_hdrs[][4] = {
        { 0x00, 0x00, 0x04, 0x00 },              /* schema, object */
        { (1u << 3), 0x00, 0x04 | 0x08, 0x07 },  /* schema, entries, 11-byte delimiter */
    };
    size_t pick = (seq % 3);
    put(fdir, hdrs[0], 4, doc, len);
    if (pick) put(fdir, hdrs[pick], 4, doc, len);
    put(fdir, schema_hdrs[seq % 2], 4, doc, len);
    seed_search(doc, len);
    seed_index(doc, len);
    seed_bind(doc, len);

    for (uint32_t style = 0; style < 3; style++) {
        jf_options o;
        memset(&o, 0, sizeof o);
        o.style = style;
        jf_result r;
        uint8_t *out = jf_flatten(doc, len, &o, &r);
        if (!out) return;
        uint8_t h[2] = { (uint8_t)style, 0 };
        put(udir, h, 2, out, (size_t)r.length);
        jf_free(out);
    }
}

/* Subtrees of a big document, compact, 32 B .. 4 KiB, evenly sampled. */
static void slices(const uint8_t *buf, size_t len) {
    yyjson_doc *d = yyjson_read_opts((char *)buf, len, YYJSON_READ_NUMBER_AS_RAW, NULL, NULL);
    if (!d) {
        /* Not JSON: plain byte slices. */
        for (size_t off = 0; off < len && off < 40 * 4096; off += 4096)
            seed_doc(buf + off, len - off < 2048 ? len - off : 2048);
        return;
    }
    yyjson_val *vals = yyjson_doc_get_root(d);
    size_t n = yyjson_doc_get_val_count(d);
    size_t step = n / 400 + 1, taken = 0;
    for (size_t i = 0; i < n && taken < 40; i += step) {
        yyjson_val *v = &vals[i];
        if (!yyjson_is_ctn(v)) continue;
        size_t wl;
        char *w = yyjson_val_write(v, 0, &wl);
        if (w && wl >= 32 && wl <= 4096) { seed_doc((const uint8_t *)w, wl); taken++; }
        free(w);
    }
    yyjson_doc_free(d);
}

static void tsv(const uint8_t *buf, size_t len) {
    size_t pos = 0, lines = 0;
    while (pos < len && lines < 20) {
        size_t end = pos;
        while (end < len && buf[end] != '\n') end++;
        size_t col = pos;
        int tabs = 0;
        while (col < end && tabs < 4) if (buf[col++] == '\t') tabs++;
        if (tabs == 4) seed_doc(buf + col, end - col);
        lines++;
        pos = end + 1;
    }
    static const uint8_t h[5] = { 0, 0, 0, 3 | (5u << 2), 0 };
    put(ldir, h, 5, buf, pos < len ? pos : len);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s SEED_DIR FILE...\n", argv[0]); return 2; }
    snprintf(fdir, sizeof fdir, "%s/fuzz_flatten", argv[1]);
    snprintf(udir, sizeof udir, "%s/fuzz_unflatten", argv[1]);
    snprintf(ldir, sizeof ldir, "%s/fuzz_flatten_lines", argv[1]);
    snprintf(sdir, sizeof sdir, "%s/fuzz_search", argv[1]);
    snprintf(idir, sizeof idir, "%s/fuzz_index", argv[1]);
    snprintf(bdir, sizeof bdir, "%s/fuzz_bind", argv[1]);
    for (int i = 2; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); continue; }
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *buf = malloc((size_t)sz + 1);
        size_t len = fread(buf, 1, (size_t)sz, f);
        fclose(f);
        size_t nl = strlen(argv[i]);
        if (nl > 4 && strcmp(argv[i] + nl - 4, ".txt") == 0) tsv(buf, len);
        else if (len > 8192) slices(buf, len);
        else seed_doc(buf, len);
        free(buf);
    }
    /* A few hand-made unflatten seeds: conflicts, brackets, escapes. */
    static const char *extra[] = {
        "{\"a\":1,\"a.b\":2}", "{\"a[2]\":1,\"a[0].b\":[1,{}]}", "{\"[\\\"x\\\\\\\"y\\\"][0]\":null}",
        "{\"/a~1b/~0/0\":1,\"/a~1b/~0/1\":{}}", "{\"\":{},\"a\":1}", "{\"a\":[],\"a[1]\":1}",
        "{\"a[1024]\":1}", "{\"__proto__.x\":1}", NULL };
    for (int i = 0; extra[i]; i++) {
        for (uint8_t s = 0; s < 3; s++) { uint8_t h[2] = { s, 0 }; put(udir, h, 2, extra[i], strlen(extra[i])); }
    }
    flush_chunk();
    static const char *lines_extra[] = {
        "{\"a\":1}\r\n\n  \n[1,2]\n{bad\n\"\\u0000\"", "t\tk\t1\td\t{\"x\":[1]}\nshort\tline\n", NULL };
    for (int i = 0; lines_extra[i]; i++) {
        for (uint8_t m = 0; m < 4; m++) {
            uint8_t h[5] = { 0, 0, 0, (uint8_t)(m | (i == 1 ? 5u << 2 : 0)), 0 };
            put(ldir, h, 5, lines_extra[i], strlen(lines_extra[i]));
        }
    }
    printf("%lu seeds written\n", seq);
    return 0;
}
