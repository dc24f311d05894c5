/*==============================================================================
 * fuzz_wal_recover.c — libFuzzer target for WAL recovery (jf_wal_open).
 *
 * Input layout: byte 0 selects the mode, the rest is data.
 *   bit 0 = 0  raw: bytes 1.. are written as segment 00000000000000000001.wal,
 *              preceded by a valid segment header when bit 1 is set (so the
 *              fuzzer spends its time on frames, not on the magic);
 *   bit 0 = 1  structured: bytes 4.. are cut into records (each length byte
 *              then that many payload bytes), framed validly with CRC32C, and
 *              then damaged as bytes 1-3 say: bits 2-3 of byte 0 pick the
 *              damage (none, bit flip, truncation, garbage after the end), bytes
 *              1-2 its position, byte 3 the bit or the garbage length.
 *   bit 4      open with JF_WAL_SALVAGE.
 *   bit 5      structured mode writes format version 2: a salt in the header
 *              (from byte 3) mixed into every frame's CRC, and in each frame
 *              the distance to the last record durable when it was appended
 *              (1 to 4, from its length byte); bit 6 adds the seal a clean
 *              close writes.
 *
 * Checks, in addition to ASan/UBSan:
 *  - open fails only with JF_CORRUPT (never crashes, never another code), and
 *    a salvaging open of the same files then succeeds;
 *  - after a successful open, reading the whole log gives consecutive LSNs from
 *    1, as many as the result reports, each with the CRC32C of its payload;
 *  - structured mode: the result is exactly what the damage allows: every
 *    record wholly before the damage is there and equal; truncation and
 *    garbage after the end are torn tails, never corruption; a flip inside a
 *    record other than the last is refused (or salvaged to the records before
 *    it); in version 2, only when a later frame proves the damaged record was
 *    durable (its LSN minus its distance reaches it, or the seal), else it is
 *    a torn tail and exactly the records before it are kept;
 *  - the recovered log takes an append, and reopens with nothing torn and one
 *    more record (recovery is idempotent);
 *  - the library's live-block counter is unchanged afterwards.
 *============================================================================*/
#define _GNU_SOURCE 1
#include "fuzz_common.h"

#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];
static char seg[320];

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Segment 1's header: version 1, or version 2 with `salt` (not 0). */
static void header(uint8_t h[32], uint32_t salt) {
    memset(h, 0, 32);
    memcpy(h, "JFWALSEG", 8);
    put32(h + 8, salt ? 2 : 1);
    put32(h + 12, 32);
    put64(h + 16, 1);
    put32(h + 24, salt);
    put32(h + 28, jf_crc32c(0, h, 28));
}

/* A frame header before `len` payload bytes at f + 16: version 1 (salt 0),
 * or version 2 with an LSN field of lsn | dist << 48. */
static void frame(uint8_t *f, uint32_t len, uint64_t lsn, uint64_t dist, uint32_t salt) {
    put32(f + 4, len);
    put64(f + 8, salt ? lsn | dist << 48 : lsn);
    uint32_t crc = jf_crc32c(jf_crc32c(0, f + 16, len), f + 4, 12);
    if (salt) {
        uint8_t s[4];
        put32(s, salt);
        crc = jf_crc32c(crc, s, 4);
    }
    put32(f, crc);
}

/* Empties the directory (segments, lock, leftovers). */
static void clear_dir(void) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char p[600];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
}

static void write_file(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
    int fd = open(seg, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    FUZZ_ASSERT(fd >= 0, "cannot create %s", seg);
    if (an) FUZZ_ASSERT(write(fd, a, an) == (ssize_t)an, "short write");
    if (bn) FUZZ_ASSERT(write(fd, b, bn) == (ssize_t)bn, "short write");
    close(fd);
}

static void remove_dir(void) {
    clear_dir();
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/jf-fuzz-wal-%d", base, (int)getpid());
    mkdir(dir, 0755);
    atexit(remove_dir);
    snprintf(seg, sizeof seg, "%s/00000000000000000001.wal", dir);
    jf_log_config c;
    jf_log_get_config(&c);
    c.native_level = JF_LOG_OFF; /* recovery reports would flood the output */
    jf_log_configure(&c, NULL);
    return 0;
}

/* Reads the whole log; returns the number of records (checks LSNs and CRCs). */
static uint64_t read_all(uint32_t h, const uint8_t *const *want, const size_t *want_len, uint64_t nwant) {
    uint64_t count = 0, next = 1;
    for (;;) {
        jf_wal_read_result r;
        uint8_t *b = jf_wal_read(h, next, 4096, &r);
        FUZZ_ASSERT(b != NULL, "read from %llu failed: %s", (unsigned long long)next, r.error.message);
        if (!r.length) {
            jf_free(b);
            break;
        }
        for (size_t at = 0; at < r.length;) {
            uint64_t lsn;
            uint32_t len, crc;
            memcpy(&lsn, b + at, 8);
            memcpy(&len, b + at + 8, 4);
            memcpy(&crc, b + at + 12, 4);
            FUZZ_ASSERT(lsn == next, "LSN %llu where %llu was due", (unsigned long long)lsn, (unsigned long long)next);
            FUZZ_ASSERT(crc == jf_crc32c(0, b + at + 16, len), "record %llu: CRC does not match", (unsigned long long)lsn);
            if (want && lsn <= nwant)
                FUZZ_ASSERT(len == want_len[lsn - 1] && memcmp(b + at + 16, want[lsn - 1], len) == 0,
                            "record %llu differs from what was framed", (unsigned long long)lsn);
            next++;
            count++;
            at += (16 + len + 7) & ~(size_t)7;
        }
        FUZZ_ASSERT(r.next_lsn == next, "next_lsn");
        jf_free(b);
    }
    return count;
}

/* Open, read everything, append one, close, reopen: the common checks. */
static uint32_t open_and_check(bool salvage, jf_wal_open_result *res, const uint8_t *const *want,
                               const size_t *want_len, uint64_t nwant) {
    jf_wal_options o;
    memset(&o, 0, sizeof o);
    o.flags = salvage ? JF_WAL_SALVAGE : 0;
    uint32_t h = jf_wal_open((const uint8_t *)dir, strlen(dir), &o, res);
    if (!h) {
        FUZZ_ASSERT(res->error.code == JF_CORRUPT, "open failed with %s: %s", jf_code_name(res->error.code),
                    res->error.message);
        FUZZ_ASSERT(!salvage, "a salvaging open failed: %s", res->error.message);
        return 0;
    }
    FUZZ_ASSERT(res->next_lsn == res->records + 1, "next_lsn %llu with %llu records",
                (unsigned long long)res->next_lsn, (unsigned long long)res->records);
    uint64_t n = read_all(h, want, want_len, nwant);
    FUZZ_ASSERT(n == res->records, "read %llu records, open reported %llu", (unsigned long long)n,
                (unsigned long long)res->records);
    uint64_t lsn = 0;
    jf_error e;
    FUZZ_ASSERT(jf_wal_append_sync(h, (const uint8_t *)"after", 5, &lsn, &e) == JF_OK, "append: %s", e.message);
    FUZZ_ASSERT(lsn == n + 1, "appended at %llu", (unsigned long long)lsn);
    FUZZ_ASSERT(jf_wal_close(h, &e) == JF_OK, "close: %s", e.message);
    jf_wal_open_result again;
    h = jf_wal_open((const uint8_t *)dir, strlen(dir), NULL, &again);
    FUZZ_ASSERT(h != 0, "reopen failed: %s", again.error.message);
    FUZZ_ASSERT(again.torn_bytes == 0 && again.records == n + 1, "reopen: %llu records, %llu torn",
                (unsigned long long)again.records, (unsigned long long)again.torn_bytes);
    jf_wal_close(h, NULL);
    return 1;
}

enum { MAX_RECORDS = 4096 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    fuzz_stats st;
    fuzz_stats_begin(&st);
    clear_dir();
    uint8_t mode = data[0];
    bool salvage = (mode & 0x10) != 0;
    jf_wal_open_result res;

    if (!(mode & 1)) {
        uint8_t h[32];
        header(h, 0);
        if (mode & 2) write_file(h, 32, data + 1, size - 1);
        else write_file(data + 1, size - 1, NULL, 0);
        if (!open_and_check(salvage, &res, NULL, NULL, 0)) {
            clear_dir();
            if (mode & 2) write_file(h, 32, data + 1, size - 1);
            else write_file(data + 1, size - 1, NULL, 0);
            open_and_check(true, &res, NULL, NULL, 0);
        }
        fuzz_stats_end(&st);
        return 0;
    }

    /* Structured: valid frames, then one kind of damage. */
    if (size < 4) return 0;
    static const uint8_t *recs[MAX_RECORDS];
    static size_t lens[MAX_RECORDS];
    static uint64_t ends[MAX_RECORDS]; /* file offset where record i ends */
    static uint64_t synced_at[MAX_RECORDS]; /* version 2: record i + 1's LSN minus its distance */
    uint64_t n = 0;
    uint32_t salt = (mode & 0x20) ? 0x9E3779B9u ^ data[3] : 0;
    bool sealed = salt && (mode & 0x40);
    size_t cap = 32 + (size - 4) * 17 + 64 + 16;
    uint8_t *file = malloc(cap);
    header(file, salt);
    size_t at = 32;
    for (size_t p = 4; p < size && n < MAX_RECORDS;) {
        uint8_t lenbyte = data[p++];
        size_t len = lenbyte;
        if (len > size - p) len = size - p;
        recs[n] = data + p;
        lens[n] = len;
        uint64_t dist = 1 + (lenbyte >> 6);
        if (dist > n + 1) dist = n + 1;
        synced_at[n] = n + 1 - dist;
        memcpy(file + at + 16, data + p, len);
        frame(file + at, (uint32_t)len, n + 1, dist, salt);
        at += 16 + len;
        ends[n++] = at;
        p += len;
    }
    if (sealed) {
        frame(file + at, 0, n, 0, salt);
        at += 16;
    }
    unsigned damage = (mode >> 2) & 3;
    size_t pos = ((size_t)data[1] | (size_t)data[2] << 8) % (at + 1);
    size_t file_len = at;
    uint8_t junk[256];
    size_t junk_len = 0;
    if (damage == 1 && at > 32) { /* a bit flip in a frame */
        pos = 32 + pos % (at - 32);
        file[pos] ^= (uint8_t)(1u << (data[3] & 7));
    } else if (damage == 2) { /* truncation */
        file_len = pos < 32 ? 32 : pos;
    } else if (damage == 3) { /* garbage after the end */
        junk_len = 1 + data[3];
        for (size_t i = 0; i < junk_len; i++) junk[i] = (uint8_t)(data[(i + 4) % size] ^ (i * 131));
    } else {
        damage = 0;
    }
    write_file(file, file_len, junk, junk_len);

    /* What must come back: records wholly before the damage. */
    uint64_t intact = n;
    if (damage == 1)
        for (intact = 0; intact < n && ends[intact] <= pos; intact++) {
        }
    if (damage == 2)
        for (intact = 0; intact < n && ends[intact] <= file_len; intact++) {
        }
    bool ok = open_and_check(salvage, &res, recs, lens, n) != 0;
    if (damage == 0) FUZZ_ASSERT(ok && res.records == n && res.torn_bytes == 0, "clean log: %s", res.error.message);
    if (damage == 2) FUZZ_ASSERT(ok && res.records == intact, "truncation is a torn tail: %s", res.error.message);
    if (damage == 3) {
        /* Garbage can only be taken for a frame if it happens to be one: then
         * the open finds n records anyway (the LSN after n is the only one
         * that could follow). */
        FUZZ_ASSERT(ok && res.records >= n, "garbage after the end: %llu of %llu records: %s",
                    (unsigned long long)res.records, (unsigned long long)n, res.error.message);
    }
    if (damage == 1) {
        /* Whether a frame after the damaged record proves it was durable. */
        bool proven = intact + 1 < n;
        if (salt && intact < n) {
            proven = sealed;
            for (uint64_t j = intact + 1; j < n && !proven; j++) proven = synced_at[j] >= intact + 1;
        }
        if (!proven) { /* the last record, or one nothing proves durable: a torn tail */
            FUZZ_ASSERT(ok && res.records == intact, "flip in the last record: %llu records, %s",
                        (unsigned long long)res.records, res.error.message);
        } else if (!ok) {
            FUZZ_ASSERT(res.error.offset == (intact ? ends[intact - 1] : 32), "corruption reported at %llu",
                        (unsigned long long)res.error.offset);
            clear_dir();
            write_file(file, file_len, junk, junk_len);
            FUZZ_ASSERT(open_and_check(true, &res, recs, lens, n), "salvage failed");
            FUZZ_ASSERT(res.records == intact, "salvage kept %llu records, %llu were intact",
                        (unsigned long long)res.records, (unsigned long long)intact);
        } else {
            FUZZ_ASSERT(salvage && res.records == intact, "a flip in the middle was accepted: %llu records",
                        (unsigned long long)res.records);
        }
    }
    free(file);
    fuzz_stats_end(&st);
    return 0;
}
