/*==============================================================================
 * test_wal.c — the write-ahead log and CRC32C: known CRC vectors, hardware
 * against portable code; append, sync, read back across segments and
 * reopen; batched and random-access reads; checkpoints; torn tails cut at
 * every offset of the last record, garbage and zeros after it; bit flips in
 * the middle, or in the last record of a sealed (closed) log, refused with
 * the segment and offset named, then salvaged;
 * damaged headers and missing segments; handles closed twice or never
 * opened; one log shared by two opens; the directory lock; 8 threads in
 * group commit (fewer fsyncs than records); close racing with appends.
 * The allocation counters end where they started.
 *============================================================================*/
#define _GNU_SOURCE 1
#include "check.h"
#include "crc32c.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256];
static int dir_counter;
static char log_path[300];

/*------------------------------------------------------------------------------
 * Helpers
 *----------------------------------------------------------------------------*/

static void new_dir(char *out, size_t cap) {
    snprintf(out, cap, "%s/d%d", root, dir_counter++);
}

static void remove_tree(const char *path) {
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    char p[600];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) remove_tree(p);
        else unlink(p);
    }
    closedir(d);
    rmdir(path);
}

static void seg_path(char *out, size_t cap, const char *dir, uint64_t first) {
    snprintf(out, cap, "%s/%020llu.wal", dir, (unsigned long long)first);
}

static uint32_t wal_open(const char *dir, uint64_t segment_size, uint32_t flags, jf_wal_open_result *r) {
    jf_wal_options o;
    memset(&o, 0, sizeof o);
    o.segment_size = segment_size;
    o.flags = flags;
    return jf_wal_open((const uint8_t *)dir, strlen(dir), &o, r);
}

/* Record i's payload: "rec <i> " and a filler whose length depends on i. */
static size_t payload(uint64_t i, uint8_t *out) {
    int n = snprintf((char *)out, 64, "rec %llu ", (unsigned long long)i);
    size_t fill = (size_t)((i * 37) % 300);
    for (size_t k = 0; k < fill; k++) out[n + k] = (uint8_t)('a' + (i + k) % 26);
    return (size_t)n + fill;
}

static void append_n(uint32_t h, uint64_t first, uint64_t count, bool sync) {
    uint8_t buf[512];
    for (uint64_t i = first; i < first + count; i++) {
        uint64_t lsn = 0;
        jf_error e;
        size_t n = payload(i, buf);
        int32_t rc = sync ? jf_wal_append_sync(h, buf, n, &lsn, &e) : jf_wal_append(h, buf, n, &lsn, &e);
        if (rc != JF_OK || lsn != i) {
            CHECK_MSG(0, "append %llu: rc %d lsn %llu: %s", (unsigned long long)i, rc, (unsigned long long)lsn,
                      e.message);
            return;
        }
    }
    check_pass();
}

/* Reads every record from `from` in batches of `max_bytes`, checks each
 * against payload(lsn) and the returned CRC, and returns how many. */
static uint64_t read_check(uint32_t h, uint64_t from, uint64_t max_bytes, uint64_t expect_first) {
    uint64_t count = 0, next = from, want = expect_first;
    uint8_t exp[512];
    for (int guard = 0; guard < 1000000; guard++) {
        jf_wal_read_result r;
        uint8_t *b = jf_wal_read(h, next, max_bytes, &r);
        if (!b) {
            CHECK_MSG(0, "read from %llu: %s", (unsigned long long)next, r.error.message);
            return count;
        }
        if (r.length == 0) {
            CHECK_INT_EQ(r.records, 0);
            jf_free(b);
            break;
        }
        size_t at = 0;
        uint64_t recs = 0;
        while (at < r.length) {
            uint64_t lsn;
            uint32_t len, crc;
            memcpy(&lsn, b + at, 8);
            memcpy(&len, b + at + 8, 4);
            memcpy(&crc, b + at + 12, 4);
            size_t en = payload(lsn, exp);
            if (lsn != want || len != en || memcmp(b + at + 16, exp, en) != 0 || crc != jf_crc32c(0, exp, en)) {
                CHECK_MSG(0, "record at %zu: lsn %llu (want %llu), %u bytes", at, (unsigned long long)lsn,
                          (unsigned long long)want, len);
                jf_free(b);
                return count;
            }
            want++;
            recs++;
            at += (16 + len + 7) & ~(size_t)7;
        }
        CHECK_INT_EQ(recs, r.records);
        CHECK_INT_EQ(r.next_lsn, want);
        count += recs;
        next = r.next_lsn;
        jf_free(b);
    }
    return count;
}

static uint64_t file_size(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void flip_byte(const char *p, uint64_t off, uint8_t mask) {
    int fd = open(p, O_RDWR);
    uint8_t c = 0;
    if (pread(fd, &c, 1, (off_t)off) == 1) {
        c ^= mask;
        if (pwrite(fd, &c, 1, (off_t)off) != 1) CHECK(0);
    }
    close(fd);
}

/* Offset of record `lsn` in a single-segment log of payload() records from 1. */
static uint64_t record_offset(uint64_t lsn) {
    uint64_t off = JF_WAL_HEADER_SIZE;
    uint8_t buf[512];
    for (uint64_t i = 1; i < lsn; i++) off += JF_WAL_FRAME_HEADER + payload(i, buf);
    return off;
}

static bool log_contains(const char *needle) {
    size_t n;
    unsigned char *d = check_read_file(log_path, &n);
    bool found = d && memmem(d, n, needle, strlen(needle)) != NULL;
    free(d);
    return found;
}

/*------------------------------------------------------------------------------
 * CRC32C
 *----------------------------------------------------------------------------*/

static void test_crc32c(void) {
    /* RFC 3720 (iSCSI) B.4 and the usual check value. */
    uint8_t buf[32];
    CHECK_INT_EQ(jf_crc32c(0, (const uint8_t *)"123456789", 9), 0xE3069283u);
    memset(buf, 0, 32);
    CHECK_INT_EQ(jf_crc32c(0, buf, 32), 0x8A9136AAu);
    memset(buf, 0xFF, 32);
    CHECK_INT_EQ(jf_crc32c(0, buf, 32), 0x62A8AB43u);
    for (int i = 0; i < 32; i++) buf[i] = (uint8_t)i;
    CHECK_INT_EQ(jf_crc32c(0, buf, 32), 0x46DD794Eu);
    for (int i = 0; i < 32; i++) buf[i] = (uint8_t)(31 - i);
    CHECK_INT_EQ(jf_crc32c(0, buf, 32), 0x113FDB5Cu);
    CHECK_INT_EQ(jf_crc32c(0, NULL, 5), 0);
    CHECK_INT_EQ(jf_crc32c(7, buf, 0), 7);
    CHECK_INT_EQ(jf_crc32c_sw(0, (const uint8_t *)"123456789", 9), 0xE3069283u);

    /* Hardware and portable agree at every alignment and length; chaining
     * equals one pass. */
    uint8_t *big = malloc(5000);
    uint32_t seed = 12345;
    for (int i = 0; i < 5000; i++) {
        seed = seed * 1103515245u + 12345u;
        big[i] = (uint8_t)(seed >> 16);
    }
    size_t bad = 0;
    for (size_t start = 0; start < 16; start++)
        for (size_t len = 0; len < 600; len += 1 + len / 8) {
            uint32_t a = jf_crc32c_sw(0, big + start, len), b = jf_crc32c_hw(0, big + start, len);
            if (a != b) bad++;
            size_t cut = len / 3;
            if (jf_crc32c(jf_crc32c(0, big + start, cut), big + start + cut, len - cut) != a) bad++;
        }
    CHECK_MSG(bad == 0, "%zu CRC mismatches (hardware: %d)", bad, jf_crc32c_has_hw());
    CHECK_INT_EQ(jf_crc32c_hw(0, big, 5000), jf_crc32c_sw(0, big, 5000));
    free(big);

    /* Three streams joined (12 KiB and more) equal one pass, at any length and
     * alignment around the block multiples, and chained. */
    size_t n = 100000;
    big = malloc(n);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        big[i] = (uint8_t)(seed >> 16);
    }
    bad = 0;
    size_t lens[] = {12287, 12288, 12289, 12295, 24576, 24583, 36863, 50000, 99990};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
        for (size_t start = 0; start < 9; start++) {
            uint32_t a = jf_crc32c_sw(0, big + start, lens[k]);
            if (jf_crc32c_hw(0, big + start, lens[k]) != a) bad++;
            size_t cut = lens[k] / 2 + 1;
            if (jf_crc32c(jf_crc32c(0, big + start, cut), big + start + cut, lens[k] - cut) != a) bad++;
        }
    CHECK_MSG(bad == 0, "%zu CRC mismatches over three streams (hardware: %d)", bad, jf_crc32c_has_hw());
    free(big);
}

/*------------------------------------------------------------------------------
 * Basics
 *----------------------------------------------------------------------------*/

static void test_basics(void) {
    char dir[300];
    new_dir(dir, sizeof dir);
    jf_wal_open_result r;
    memset(&r, 0xAB, sizeof r);
    uint32_t h = wal_open(dir, 0, 0, &r);
    CHECK(h != 0);
    CHECK_INT_EQ(r.error.code, JF_OK);
    CHECK_INT_EQ(r.first_lsn, 1);
    CHECK_INT_EQ(r.next_lsn, 1);
    CHECK_INT_EQ(r.records, 0);
    CHECK_INT_EQ(r.segments, 1);
    CHECK_INT_EQ(r.torn_bytes, 0);
    CHECK_INT_EQ(r.shared, 0);
    CHECK_STR_EQ(r.torn_segment, "");

    /* Empty log: an empty block. */
    jf_wal_read_result rr;
    uint8_t *b = jf_wal_read(h, 0, 0, &rr);
    CHECK(b != NULL && rr.length == 0 && rr.records == 0 && rr.next_lsn == 1);
    jf_free(b);

    append_n(h, 1, 100, false);
    jf_error e;
    CHECK_INT_EQ(jf_wal_sync(h, &e), JF_OK);
    CHECK_INT_EQ(jf_wal_sync(h, &e), JF_OK); /* nothing new: at once */
    append_n(h, 101, 20, true);
    uint64_t lsn;
    CHECK_INT_EQ(jf_wal_append(h, NULL, 5, &lsn, &e), JF_INVALID_OPTION);
    append_n(h, 121, 1, false);
    CHECK_INT_EQ(read_check(h, 0, 0, 1), 121);
    jf_wal_stats st;
    CHECK_INT_EQ(jf_wal_get_stats(h, &st, &e), JF_OK);
    CHECK_INT_EQ(st.next_lsn, 122);
    CHECK_INT_EQ(st.written_lsn, 121); /* the read wrote the buffer out */
    CHECK_INT_EQ(st.synced_lsn, 120);
    CHECK_INT_EQ(st.appends, 121);
    CHECK(st.syncs >= 2 && st.syncs <= 21);
    CHECK_INT_EQ(st.handles, 1);
    CHECK_INT_EQ(jf_wal_close(h, &e), JF_OK);

    /* Reopen: everything is there, nothing torn. */
    h = wal_open(dir, 0, 0, &r);
    CHECK(h != 0);
    CHECK_INT_EQ(r.records, 121);
    CHECK_INT_EQ(r.next_lsn, 122);
    CHECK_INT_EQ(r.torn_bytes, 0);
    CHECK_INT_EQ(read_check(h, 1, 0, 1), 121);
    CHECK_INT_EQ(read_check(h, 50, 0, 50), 72);
    /* An empty record is a record. */
    CHECK_INT_EQ(jf_wal_append(h, NULL, 0, &lsn, &e), JF_OK);
    CHECK_INT_EQ(lsn, 122);
    b = jf_wal_read(h, 122, 0, &rr);
    CHECK(b && rr.records == 1 && rr.length == 16 && rr.next_lsn == 123);
    if (b && rr.length == 16) CHECK_INT_EQ(b[8] | b[9] | b[10] | b[11], 0);
    jf_free(b);
    b = jf_wal_read(h, 500, 0, &rr); /* past the end: empty */
    CHECK(b && rr.records == 0 && rr.length == 0 && rr.next_lsn == 500);
    jf_free(b);
    CHECK_INT_EQ(jf_wal_close(h, &e), JF_OK);
    remove_tree(dir);
}

static void test_bad_arguments(void) {
    jf_wal_open_result r;
    jf_wal_options o;
    memset(&o, 0, sizeof o);
    char dir[300];
    new_dir(dir, sizeof dir);
    CHECK_INT_EQ(jf_wal_open((const uint8_t *)"", 0, NULL, &r), 0);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    CHECK_INT_EQ(jf_wal_open((const uint8_t *)"a\0b", 3, NULL, &r), 0);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    CHECK_INT_EQ(jf_wal_open((const uint8_t *)dir, strlen(dir), NULL, NULL), 0);
    o.segment_size = 100;
    CHECK_INT_EQ(jf_wal_open((const uint8_t *)dir, strlen(dir), &o, &r), 0);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    memset(&o, 0, sizeof o);
    o.flags = 4;
    CHECK_INT_EQ(jf_wal_open((const uint8_t *)dir, strlen(dir), &o, &r), 0);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);
    memset(&o, 0, sizeof o);
    o.max_record = JF_WAL_MAX_RECORD + 1;
    CHECK_INT_EQ(jf_wal_open((const uint8_t *)dir, strlen(dir), &o, &r), 0);
    memset(&o, 0, sizeof o);
    o.reserved = 1;
    CHECK_INT_EQ(jf_wal_open((const uint8_t *)dir, strlen(dir), &o, &r), 0);
    CHECK_INT_EQ(r.error.code, JF_INVALID_OPTION);

    /* NO_CREATE on a missing directory; a file where the directory should be. */
    CHECK_INT_EQ(wal_open(dir, 0, JF_WAL_NO_CREATE, &r), 0);
    CHECK_INT_EQ(r.error.code, JF_IO);
    char file[300];
    snprintf(file, sizeof file, "%s/afile", root);
    close(open(file, O_WRONLY | O_CREAT, 0644));
    CHECK_INT_EQ(wal_open(file, 0, 0, &r), 0);
    CHECK_INT_EQ(r.error.code, JF_IO);
    CHECK(strstr(r.error.message, "not a directory") != NULL);
    unlink(file);
    snprintf(file, sizeof file, "%s/missing/deeper", root);
    CHECK_INT_EQ(wal_open(file, 0, 0, &r), 0);
    CHECK_INT_EQ(r.error.code, JF_IO);

    /* Handles: closed twice, never opened, zero. */
    uint32_t h = wal_open(dir, 0, 0, &r);
    CHECK(h != 0);
    jf_error e;
    CHECK_INT_EQ(jf_wal_close(h, &e), JF_OK);
    CHECK_INT_EQ(jf_wal_close(h, &e), JF_IO);
    CHECK(strstr(e.message, "closed") != NULL);
    uint64_t lsn = 99;
    CHECK_INT_EQ(jf_wal_append(h, (const uint8_t *)"x", 1, &lsn, &e), JF_IO);
    CHECK_INT_EQ(lsn, 0);
    CHECK_INT_EQ(jf_wal_append_sync(h, (const uint8_t *)"x", 1, NULL, NULL), JF_IO);
    CHECK_INT_EQ(jf_wal_sync(h, &e), JF_IO);
    CHECK_INT_EQ(jf_wal_truncate_before(h, 1, &e), JF_IO);
    jf_wal_stats st;
    CHECK_INT_EQ(jf_wal_get_stats(h, &st, &e), JF_IO);
    jf_wal_read_result rr;
    CHECK(jf_wal_read(h, 0, 0, &rr) == NULL);
    CHECK_INT_EQ(rr.error.code, JF_IO);
    CHECK(jf_wal_read(h, 0, 0, NULL) == NULL);
    uint32_t junk[] = { 0, 1, 4096, 0xFFFFFFFFu, h + 1, h ^ 0x1000u };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        CHECK_INT_EQ(jf_wal_close(junk[i], NULL), JF_IO);
        CHECK_INT_EQ(jf_wal_sync(junk[i], &e), JF_IO);
    }
    /* A slot reused by a new open does not revive the old handle. */
    uint32_t h2 = wal_open(dir, 0, 0, &r);
    CHECK(h2 != 0 && h2 != h);
    CHECK_INT_EQ(jf_wal_sync(h, &e), JF_IO);
    CHECK_INT_EQ(jf_wal_sync(h2, &e), JF_OK);

    /* max_record. */
    CHECK_INT_EQ(jf_wal_close(h2, &e), JF_OK);
    memset(&o, 0, sizeof o);
    o.max_record = 100;
    h2 = jf_wal_open((const uint8_t *)dir, strlen(dir), &o, &r);
    uint8_t big[101] = { 0 };
    CHECK_INT_EQ(jf_wal_append(h2, big, 101, &lsn, &e), JF_INPUT_TOO_LARGE);
    CHECK_INT_EQ(jf_wal_append(h2, big, 100, &lsn, &e), JF_OK);
    CHECK_INT_EQ(jf_wal_close(h2, &e), JF_OK);
    remove_tree(dir);
}

/*------------------------------------------------------------------------------
 * Segments, reads, checkpoints
 *----------------------------------------------------------------------------*/

static void test_segments(void) {
    char dir[300];
    new_dir(dir, sizeof dir);
    jf_wal_open_result r;
    jf_error e;
    uint32_t h = wal_open(dir, 4096, 0, &r);
    append_n(h, 1, 1000, false);
    CHECK_INT_EQ(jf_wal_sync(h, &e), JF_OK);
    jf_wal_stats st;
    jf_wal_get_stats(h, &st, &e);
    CHECK_MSG(st.segments > 30, "%llu segments", (unsigned long long)st.segments);
    CHECK_INT_EQ(st.synced_lsn, 1000);
    /* Every segment but the last is at most 4096 bytes unless it holds one record. */
    CHECK_INT_EQ(read_check(h, 0, 0, 1), 1000);
    CHECK_INT_EQ(read_check(h, 0, 1, 1), 1000);    /* one record per read */
    CHECK_INT_EQ(read_check(h, 0, 3000, 1), 1000); /* a few per read */
    /* Random starting points. */
    uint32_t seed = 99;
    for (int k = 0; k < 50; k++) {
        seed = seed * 1103515245u + 12345u;
        uint64_t from = 1 + (seed >> 8) % 1000;
        jf_wal_read_result rr;
        uint8_t *b = jf_wal_read(h, from, 1, &rr);
        uint64_t got = 0;
        if (b && rr.length) memcpy(&got, b, 8);
        CHECK_MSG(b && rr.records == 1 && got == from && rr.next_lsn == from + 1, "read from %llu",
                  (unsigned long long)from);
        jf_free(b);
    }
    CHECK_INT_EQ(jf_wal_close(h, &e), JF_OK);

    /* Reopen over many segments. */
    h = wal_open(dir, 4096, 0, &r);
    CHECK_INT_EQ(r.records, 1000);
    CHECK_INT_EQ(r.next_lsn, 1001);
    CHECK_INT_EQ(r.segments, st.segments);
    append_n(h, 1001, 200, true);

    /* Checkpoint. */
    CHECK_INT_EQ(jf_wal_truncate_before(h, 500, &e), JF_OK);
    jf_wal_get_stats(h, &st, &e);
    CHECK_MSG(st.first_lsn > 400 && st.first_lsn <= 500, "first_lsn %llu", (unsigned long long)st.first_lsn);
    char p[400];
    seg_path(p, sizeof p, dir, 1);
    CHECK(access(p, F_OK) != 0);
    jf_wal_read_result rr;
    CHECK(jf_wal_read(h, 1, 0, &rr) == NULL);
    CHECK_INT_EQ(rr.error.code, JF_INVALID_OPTION);
    CHECK(strstr(rr.error.message, "truncated") != NULL);
    CHECK_INT_EQ(read_check(h, 500, 0, 500), 701);
    CHECK_INT_EQ(read_check(h, 0, 0, st.first_lsn), 1201 - st.first_lsn);
    /* Truncating past the end keeps the active segment. */
    CHECK_INT_EQ(jf_wal_truncate_before(h, 1000000, &e), JF_OK);
    jf_wal_get_stats(h, &st, &e);
    CHECK_INT_EQ(st.segments, 1);
    CHECK_INT_EQ(st.next_lsn, 1201);
    uint64_t first = st.first_lsn;
    CHECK_INT_EQ(jf_wal_close(h, &e), JF_OK);
    h = wal_open(dir, 4096, 0, &r);
    CHECK_INT_EQ(r.first_lsn, first);
    CHECK_INT_EQ(r.next_lsn, 1201);
    append_n(h, 1201, 10, true);
    CHECK_INT_EQ(read_check(h, 0, 0, first), 1211 - first);
    CHECK_INT_EQ(jf_wal_close(h, &e), JF_OK);

    /* A record larger than a segment gets a segment of its own. */
    char dir2[300];
    new_dir(dir2, sizeof dir2);
    h = wal_open(dir2, 4096, 0, &r);
    uint8_t *big = calloc(1, 10000);
    uint64_t lsn;
    CHECK_INT_EQ(jf_wal_append(h, big, 10000, &lsn, &e), JF_OK);
    CHECK_INT_EQ(jf_wal_append(h, big, 10000, &lsn, &e), JF_OK);
    CHECK_INT_EQ(jf_wal_append_sync(h, big, 10, &lsn, &e), JF_OK);
    jf_wal_get_stats(h, &st, &e);
    CHECK_INT_EQ(st.segments, 3);
    CHECK_INT_EQ(jf_wal_close(h, &e), JF_OK);
    h = wal_open(dir2, 4096, 0, &r);
    CHECK_INT_EQ(r.records, 3);
    CHECK_INT_EQ(jf_wal_close(h, &e), JF_OK);
    free(big);
    remove_tree(dir);
    remove_tree(dir2);
}

/*------------------------------------------------------------------------------
 * Recovery
 *----------------------------------------------------------------------------*/

/* A fresh single-segment log of `n` records, closed. */
static void make_log(const char *dir, uint64_t n) {
    remove_tree(dir);
    jf_wal_open_result r;
    jf_error e;
    uint32_t h = wal_open(dir, 0, 0, &r);
    append_n(h, 1, n, false);
    CHECK_INT_EQ(jf_wal_close(h, &e), JF_OK);
}

static void test_torn_tail(void) {
    char dir[300], seg[400];
    new_dir(dir, sizeof dir);
    seg_path(seg, sizeof seg, dir, 1);
    /* A closed log ends with a seal: a frame saying its records were durable. */
    uint64_t last = record_offset(50), end = record_offset(51), sealed = end + JF_WAL_FRAME_HEADER;
    jf_wal_open_result r;
    jf_error e;
    /* Cut the last record at every offset inside it. */
    size_t wrong = 0;
    for (uint64_t cut = last + 1; cut < end; cut += getenv("JF_TEST_QUICK") ? 7 : 1) {
        make_log(dir, 50);
        CHECK_INT_EQ(file_size(seg), sealed);
        if (truncate(seg, (off_t)cut) != 0) CHECK(0);
        uint32_t h = wal_open(dir, 0, 0, &r);
        if (!h || r.records != 49 || r.next_lsn != 50 || r.torn_bytes != cut - last || r.torn_offset != last ||
            strcmp(r.torn_segment, "00000000000000000001.wal") != 0 || file_size(seg) != last)
            wrong++;
        if (h) {
            if (read_check(h, 0, 0, 1) != 49) wrong++;
            append_n(h, 50, 1, true); /* the LSN of the torn record is free again */
            jf_wal_close(h, &e);
        }
        h = wal_open(dir, 0, 0, &r);
        if (!h || r.records != 50 || r.torn_bytes != 0) wrong++;
        jf_wal_close(h, &e);
    }
    CHECK_MSG(wrong == 0, "%zu wrong recoveries of a cut last record", wrong);
    CHECK(log_contains("cut a torn tail"));

    /* Garbage, zeros, a partial header after the last record. */
    struct { const char *what; size_t n; uint8_t fill; } tails[] = {
        { "zeros", 4096, 0 }, { "ones", 100, 0xFF }, { "partial header", 7, 0x11 }, { "random", 3000, 1 },
    };
    for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
        make_log(dir, 50);
        int fd = open(seg, O_WRONLY | O_APPEND);
        uint8_t junk[4096];
        uint32_t s = 7;
        for (size_t i = 0; i < tails[t].n; i++) {
            s = s * 1103515245u + 12345u;
            junk[i] = tails[t].fill == 1 ? (uint8_t)(s >> 16) : tails[t].fill;
        }
        if (write(fd, junk, tails[t].n) != (ssize_t)tails[t].n) CHECK(0);
        close(fd);
        uint32_t h = wal_open(dir, 0, 0, &r);
        CHECK_MSG(h && r.records == 50 && r.torn_bytes == tails[t].n && r.torn_offset == sealed, "tail of %s: %s",
                  tails[t].what, r.error.message);
        if (h) CHECK_INT_EQ(read_check(h, 0, 0, 1), 50);
        jf_wal_close(h, &e);
    }

    /* A bit flip in the last record of a log that was not closed (no seal) is
     * indistinguishable from a torn write: cut. */
    make_log(dir, 50);
    if (truncate(seg, (off_t)end) != 0) CHECK(0);
    flip_byte(seg, last + 20, 0x04);
    uint32_t h = wal_open(dir, 0, 0, &r);
    CHECK(h && r.records == 49 && r.torn_offset == last);
    jf_wal_close(h, &e);
    /* In a closed log the seal proves the record was durable: corruption. */
    make_log(dir, 50);
    flip_byte(seg, last + 20, 0x04);
    h = wal_open(dir, 0, 0, &r);
    CHECK(h == 0 && r.error.code == JF_CORRUPT && r.error.offset == last);

    /* A log cut down to its header: empty, reusable. */
    make_log(dir, 5);
    if (truncate(seg, JF_WAL_HEADER_SIZE + 3) != 0) CHECK(0);
    h = wal_open(dir, 0, 0, &r);
    CHECK(h && r.records == 0 && r.next_lsn == 1 && r.torn_bytes == 3);
    append_n(h, 1, 3, true);
    jf_wal_close(h, &e);
    remove_tree(dir);
}

static void test_corrupt_middle(void) {
    char dir[300], seg[400], aside[500];
    new_dir(dir, sizeof dir);
    seg_path(seg, sizeof seg, dir, 1);
    snprintf(aside, sizeof aside, "%s.corrupt", seg);
    jf_wal_open_result r;
    jf_error e;
    uint64_t off10 = record_offset(10), end = record_offset(51) + JF_WAL_FRAME_HEADER; /* the seal */
    /* A flip anywhere in record 10 (header or payload). */
    uint8_t buf[512];
    uint64_t len10 = JF_WAL_FRAME_HEADER + payload(10, buf);
    size_t wrong = 0;
    for (uint64_t at = off10; at < off10 + len10; at += 1 + (at - off10) / 4) {
        make_log(dir, 50);
        flip_byte(seg, at, 0x80);
        uint32_t h = wal_open(dir, 0, 0, &r);
        if (h || r.error.code != JF_CORRUPT || r.error.offset != off10 ||
            !strstr(r.error.message, "00000000000000000001.wal") || !strstr(r.error.message, "salvage")) {
            wrong++;
            if (wrong < 3) fprintf(stderr, "flip at %llu: h %u, %s\n", (unsigned long long)at, h, r.error.message);
        }
        char where[64];
        snprintf(where, sizeof where, "at offset %llu", (unsigned long long)off10);
        if (!strstr(r.error.message, where)) wrong++;
        if (h) jf_wal_close(h, &e);
        if (file_size(seg) != end) wrong++; /* refusing changes nothing */
    }
    CHECK_MSG(wrong == 0, "%zu wrong refusals", wrong);

    /* Salvage keeps records 1..9, moves the rest aside, and the log goes on. */
    make_log(dir, 50);
    flip_byte(seg, off10 + 30, 0x01);
    uint32_t h = wal_open(dir, 0, JF_WAL_SALVAGE, &r);
    CHECK(h != 0);
    CHECK_INT_EQ(r.records, 9);
    CHECK_INT_EQ(r.next_lsn, 10);
    CHECK_INT_EQ(r.salvaged_bytes, end - off10);
    CHECK_STR_EQ(r.torn_segment, "00000000000000000001.wal");
    CHECK_INT_EQ(file_size(seg), off10);
    CHECK_INT_EQ(file_size(aside), end - off10);
    CHECK_INT_EQ(read_check(h, 0, 0, 1), 9);
    append_n(h, 10, 5, true);
    jf_wal_close(h, &e);
    h = wal_open(dir, 0, 0, &r);
    CHECK(h && r.records == 14 && r.torn_bytes == 0);
    jf_wal_close(h, &e);
    CHECK(log_contains("salvaged"));

    /* A damaged header: corrupt at offset 0; salvage moves the segment aside. */
    make_log(dir, 20);
    flip_byte(seg, 3, 0x20);
    h = wal_open(dir, 0, 0, &r);
    CHECK(h == 0 && r.error.code == JF_CORRUPT && r.error.offset == 0 && strstr(r.error.message, "header"));
    h = wal_open(dir, 0, JF_WAL_SALVAGE, &r);
    CHECK(h != 0 && r.records == 0 && r.next_lsn == 1 && access(aside, F_OK) == 0);
    jf_wal_close(h, &e);
    remove_tree(dir);

    /* Multi-segment: damage in an earlier segment is corruption even at its end;
     * a missing segment is a gap. */
    new_dir(dir, sizeof dir);
    h = wal_open(dir, 4096, 0, &r);
    append_n(h, 1, 200, false);
    jf_wal_stats st;
    jf_wal_get_stats(h, &st, &e);
    jf_wal_close(h, &e);
    CHECK(st.segments >= 5);
    DIR *d = opendir(dir);
    uint64_t firsts[64];
    size_t nf = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) && nf < 64)
        if (strlen(ent->d_name) == 24) firsts[nf++] = strtoull(ent->d_name, NULL, 10);
    closedir(d);
    uint64_t second = UINT64_MAX, third = UINT64_MAX;
    for (size_t i = 0; i < nf; i++)
        if (firsts[i] > 1 && firsts[i] < second) second = firsts[i];
    for (size_t i = 0; i < nf; i++)
        if (firsts[i] > second && firsts[i] < third) third = firsts[i];
    char s2[400];
    seg_path(s2, sizeof s2, dir, second);
    uint64_t sz = file_size(s2);
    flip_byte(s2, sz - 3, 0x10); /* last record of a closed segment */
    h = wal_open(dir, 4096, 0, &r);
    CHECK(h == 0 && r.error.code == JF_CORRUPT);
    CHECK(strstr(r.error.message, s2 + strlen(dir) + 1) != NULL);
    flip_byte(s2, sz - 3, 0x10); /* repaired */
    h = wal_open(dir, 4096, 0, &r);
    CHECK(h != 0 && r.records == 200);
    jf_wal_close(h, &e);
    char s3[400];
    seg_path(s3, sizeof s3, dir, third);
    unlink(s3);
    h = wal_open(dir, 4096, 0, &r);
    CHECK(h == 0 && r.error.code == JF_CORRUPT && strstr(r.error.message, "missing"));
    h = wal_open(dir, 4096, JF_WAL_SALVAGE, &r);
    CHECK(h != 0 && r.next_lsn == third && r.records == third - 1);
    append_n(h, third, 3, true);
    jf_wal_close(h, &e);
    h = wal_open(dir, 4096, 0, &r);
    CHECK(h != 0 && r.records == third + 2 && r.next_lsn == third + 3);
    CHECK_INT_EQ(read_check(h, 0, 0, 1), third + 2);
    jf_wal_close(h, &e);

    /* Leftover temporary files are removed; other files are ignored. */
    char tmp[400], other[400];
    snprintf(tmp, sizeof tmp, "%s/%020llu.wal.tmp", dir, 999999ull);
    snprintf(other, sizeof other, "%s/notes.txt", dir);
    close(open(tmp, O_WRONLY | O_CREAT, 0644));
    close(open(other, O_WRONLY | O_CREAT, 0644));
    h = wal_open(dir, 4096, 0, &r);
    CHECK(h != 0 && access(tmp, F_OK) != 0 && access(other, F_OK) == 0);
    jf_wal_close(h, &e);
    remove_tree(dir);
}

/*------------------------------------------------------------------------------
 * Sharing, locking, threads
 *----------------------------------------------------------------------------*/

static void test_shared_and_locked(void) {
    char dir[300];
    new_dir(dir, sizeof dir);
    jf_wal_open_result r1, r2;
    jf_error e;
    uint32_t a = wal_open(dir, 0, 0, &r1);
    append_n(a, 1, 10, false);
    char with_slash[310];
    snprintf(with_slash, sizeof with_slash, "%s/", dir);
    uint32_t b = wal_open(with_slash, 0, 0, &r2); /* same directory, other spelling */
    CHECK(a && b && a != b);
    CHECK_INT_EQ(r2.shared, 1);
    CHECK_INT_EQ(r2.next_lsn, 11);
    append_n(b, 11, 10, false);
    append_n(a, 21, 10, true);
    jf_wal_stats st;
    jf_wal_get_stats(b, &st, &e);
    CHECK_INT_EQ(st.handles, 2);
    CHECK_INT_EQ(st.synced_lsn, 30);
    CHECK_INT_EQ(jf_wal_close(a, &e), JF_OK);
    append_n(b, 31, 5, false); /* still open through b */
    CHECK_INT_EQ(read_check(b, 0, 0, 1), 35);
    CHECK_INT_EQ(jf_wal_close(b, &e), JF_OK); /* the last handle syncs */
    uint32_t c = wal_open(dir, 0, 0, &r1);
    CHECK_INT_EQ(r1.shared, 0);
    CHECK_INT_EQ(r1.records, 35);

    /* Another "process" holding the lock (flock is per open file). */
    CHECK_INT_EQ(jf_wal_close(c, &e), JF_OK);
    char lock[400];
    snprintf(lock, sizeof lock, "%s/wal.lock", dir);
    int fd = open(lock, O_RDWR);
    CHECK(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0);
    c = wal_open(dir, 0, 0, &r1);
    CHECK(c == 0 && r1.error.code == JF_IO && strstr(r1.error.message, "locked"));
    close(fd);
    c = wal_open(dir, 0, 0, &r1);
    CHECK(c != 0);
    jf_wal_close(c, &e);
    remove_tree(dir);
}

enum { THREADS = 8 };
static int per_thread = 150;
static uint32_t shared_handle;
static uint64_t got_lsn[THREADS][400];

static void *group_writer(void *arg) {
    int t = (int)(intptr_t)arg;
    for (int i = 0; i < per_thread; i++) {
        char msg[64];
        int n = snprintf(msg, sizeof msg, "t%d i%d", t, i);
        jf_error e;
        uint64_t lsn = 0;
        if (jf_wal_append_sync(shared_handle, (const uint8_t *)msg, (size_t)n, &lsn, &e) != JF_OK) lsn = 0;
        got_lsn[t][i] = lsn;
    }
    return NULL;
}

static void test_group_commit(void) {
    if (getenv("JF_TEST_QUICK")) per_thread = 40;
    char dir[300];
    new_dir(dir, sizeof dir);
    jf_wal_open_result r;
    jf_error e;
    shared_handle = wal_open(dir, 16384, 0, &r); /* small segments: rotations under load */
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, group_writer, (void *)(intptr_t)t);
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    jf_wal_stats st;
    jf_wal_get_stats(shared_handle, &st, &e);
    uint64_t total = (uint64_t)THREADS * (uint64_t)per_thread;
    CHECK_INT_EQ(st.appends, total);
    CHECK_INT_EQ(st.synced_lsn, total);
    CHECK_MSG(st.syncs < total, "group commit: %llu fsyncs for %llu records", (unsigned long long)st.syncs,
              (unsigned long long)total);
    printf("group commit: %llu records, %llu fsyncs (%.1f records per fsync), %llu segments\n",
           (unsigned long long)total, (unsigned long long)st.syncs, (double)total / (double)(st.syncs ? st.syncs : 1),
           (unsigned long long)st.segments);
    /* Each thread's LSNs increase, all are distinct, and each record says who wrote it. */
    uint8_t *seen = calloc(total + 1, 1);
    size_t bad = 0;
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < per_thread; i++) {
            uint64_t l = got_lsn[t][i];
            if (!l || l > total || seen[l]++ || (i && l <= got_lsn[t][i - 1])) bad++;
        }
    CHECK_MSG(bad == 0, "%zu bad LSNs", bad);
    jf_wal_read_result rr;
    uint8_t *b = jf_wal_read(shared_handle, 1, 1u << 30, &rr);
    CHECK(b && rr.records == total);
    for (size_t at = 0; b && at < rr.length;) {
        uint64_t lsn;
        uint32_t len;
        memcpy(&lsn, b + at, 8);
        memcpy(&len, b + at + 8, 4);
        int t = -1, i = -1;
        char msg[64];
        memcpy(msg, b + at + 16, len < 63 ? len : 63);
        msg[len < 63 ? len : 63] = 0;
        if (sscanf(msg, "t%d i%d", &t, &i) != 2 || t < 0 || t >= THREADS || i < 0 || i >= per_thread ||
            got_lsn[t][i] != lsn)
            bad++;
        at += (16 + len + 7) & ~(size_t)7;
    }
    CHECK_MSG(bad == 0, "%zu records not where their writer was told", bad);
    jf_free(b);
    free(seen);
    CHECK_INT_EQ(jf_wal_close(shared_handle, &e), JF_OK);
    remove_tree(dir);
}

static _Atomic int stop_flag;
static _Atomic long closed_errors, ok_appends;

static void *racer(void *arg) {
    uint32_t h = (uint32_t)(uintptr_t)arg;
    while (!stop_flag) {
        jf_error e;
        int32_t rc = jf_wal_append(h, (const uint8_t *)"race", 4, NULL, &e);
        if (rc == JF_OK) ok_appends++;
        else if (rc == JF_IO && strstr(e.message, "closed")) {
            closed_errors++;
            break;
        } else {
            fprintf(stderr, "racer: %s\n", e.message);
            break;
        }
        if (rc == JF_OK && (ok_appends % 50) == 0) jf_wal_sync(h, NULL);
    }
    return NULL;
}

static void test_close_race(void) {
    char dir[300];
    new_dir(dir, sizeof dir);
    for (int round = 0; round < 5; round++) {
        jf_wal_open_result r;
        jf_error e;
        uint32_t h = wal_open(dir, 8192, 0, &r);
        stop_flag = 0;
        closed_errors = 0;
        pthread_t th[4];
        for (int t = 0; t < 4; t++) pthread_create(&th[t], NULL, racer, (void *)(uintptr_t)h);
        usleep(20000);
        CHECK_INT_EQ(jf_wal_close(h, &e), JF_OK);
        for (int t = 0; t < 4; t++) pthread_join(th[t], NULL);
        stop_flag = 1;
        CHECK_INT_EQ(closed_errors, 4);
        /* Whatever was appended before the close is there, whole. */
        h = wal_open(dir, 8192, 0, &r);
        CHECK(h != 0 && r.torn_bytes == 0);
        jf_wal_close(h, &e);
    }
    remove_tree(dir);
}

int main(void) {
    jf_alloc_stats start, end;
    jf_get_alloc_stats(&start);
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/jf-test-wal-%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    remove_tree(root);
    mkdir(root, 0755);
    /* The library's own records go to a file the tests read. */
    snprintf(log_path, sizeof log_path, "%s.log", root);
    jf_error e;
    jf_log_open_file((const uint8_t *)log_path, strlen(log_path), &e);

    test_crc32c();
    test_basics();
    test_bad_arguments();
    test_segments();
    test_torn_tail();
    test_corrupt_middle();
    test_shared_and_locked();
    test_group_commit();
    test_close_race();

    jf_log_use_stderr();
    unlink(log_path);
    remove_tree(root);
    jf_get_alloc_stats(&end);
    CHECK_INT_EQ(end.live_blocks, start.live_blocks);
    CHECK_INT_EQ(end.live_bytes, start.live_bytes);
    return check_done("test_wal");
}
