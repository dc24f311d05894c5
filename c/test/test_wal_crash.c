/*==============================================================================
 * test_wal_crash.c — the write-ahead log against power loss and I/O faults,
 * on the simulated disk of c/test/faults/simdisk.c (no real file is touched).
 *
 *  1. Crash points, enumerated: a small workload (appends, syncs, segment
 *     rotations, a close and reopen, a checkpoint) runs once while the disk
 *     copies its whole state before every fsync/fdatasync; from each copy,
 *     the states a power loss may leave (unsynced data dropped, torn at a
 *     sector, unsynced sectors persisted in any subset with zeros or stale
 *     blocks in the others, directory operations since the last directory
 *     fsync dropped from any point on) are each recovered and checked: the
 *     open succeeds, every acknowledged record is there, in order, with its
 *     bytes, no record is invented or stale, and the log takes a new record
 *     and reopens with it. Recovery is itself crashed at each of its syncs,
 *     and recovered again.
 *  2. Crash after crash: from the plain power-loss state of every crash point,
 *     the log is reopened and written further (a new generation of records
 *     under the LSNs the crash freed), and every crash point of that run is
 *     enumerated the same way: a record of the dead generation must never
 *     come back.
 *  3. Stale blocks, explicitly: a segment's unsynced tail that shows a dead
 *     generation's frames at the right offsets with the right LSNs.
 *  4. Faults: the N-th call (every kind: open, write, pread, fsync, rename,
 *     unlink, ftruncate, flock, listing, ...) fails with EIO or ENOSPC (writes
 *     first writing half), once or from then on, for N = 1, 2, ... until the
 *     workload runs clean. Every error names the log and the file; after a
 *     failed fsync the log never acknowledges again until reopened; and after
 *     the disk is repaired, with or without a power loss, every acknowledged
 *     record is there.
 *
 * JF_TEST_QUICK (the valgrind run) samples the crash points of step 2 and
 * skips the crash-during-recovery level; JF_CRASH_FULL=1 enumerates more
 * subsets. The closing lines print how many crash points, states and faults
 * were checked.
 *============================================================================*/
#define _GNU_SOURCE 1
#include "check.h"
#include "crc32c.h"
#include "faults/simdisk.c"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define WAL_DIR "/sim/wal"
#define MAX_LSN 256

static bool quick, full;

/*------------------------------------------------------------------------------
 * Records and what the workload was told
 *----------------------------------------------------------------------------*/

/* Payloads are this many times longer in the fault runs (more rotations). */
static size_t scale = 1;
/* Appends kept in memory before a write: the larger, the more unsynced sectors a power loss can reorder. */
static uint64_t buffer_size = 700;
/* The first workload's append_sync and sync intervals (in records). */
static uint64_t sync_every = 4, flush_every = 7;

/* Record `lsn` of generation `gen`: its length depends on the LSN only, so a
 * later generation's record lies exactly where the earlier one's did. */
static size_t payload(int gen, uint64_t lsn, uint8_t *out) {
    size_t len = (40 + (size_t)((lsn * 97) % 330)) * scale;
    int n = snprintf((char *)out, 40, "gen %d lsn %llu |", gen, (unsigned long long)lsn);
    for (size_t k = (size_t)n; k < len; k++) out[k] = (uint8_t)('a' + (lsn * 7 + k * (size_t)gen) % 26);
    return len;
}

/* The history the checks compare against: which generation wrote each LSN
 * last, what was acknowledged as durable, and the checkpoint. */
typedef struct lineage {
    uint8_t gen[MAX_LSN + 2];
    uint64_t next;  /* the LSN the next append gets */
    uint64_t acked; /* every LSN up to this one was acknowledged */
    uint64_t floor; /* a checkpoint may have removed LSNs below this */
} lineage;

typedef struct tally {
    uint64_t points, states, distinct, recoveries, nested, faults, runs;
} tally;

static tally T;

static uint32_t wal_open(jf_wal_open_result *r) {
    jf_wal_options o;
    memset(&o, 0, sizeof o);
    o.segment_size = 4096;
    o.buffer_size = buffer_size; /* appends reach the file between syncs */
    return jf_wal_open((const uint8_t *)WAL_DIR, strlen(WAL_DIR), &o, r);
}

/*------------------------------------------------------------------------------
 * Checking one recovered state
 *----------------------------------------------------------------------------*/

/* Opens the log on the current disk and checks it against `L`. Returns the
 * number of records, or -1 (reported) when the open or a check failed. */
static long check_log(const lineage *L, const char *where, bool usable) {
    jf_wal_open_result r;
    uint32_t h = wal_open(&r);
    T.recoveries++;
    if (!h) {
        CHECK_MSG(0, "%s: recovery failed: %s", where, r.error.message);
        return -1;
    }
    long count = 0;
    bool ok = true;
    uint64_t first = 0, last = 0;
    uint8_t exp[1024];
    jf_wal_read_result rr;
    uint8_t *b = jf_wal_read(h, 0, 1u << 20, &rr);
    if (!b) {
        CHECK_MSG(0, "%s: read failed: %s", where, rr.error.message);
        jf_wal_close(h, NULL);
        return -1;
    }
    for (size_t at = 0; at < rr.length && ok;) {
        uint64_t lsn;
        uint32_t len;
        memcpy(&lsn, b + at, 8);
        memcpy(&len, b + at + 8, 4);
        const uint8_t *p = b + at + 16;
        if (!first) first = lsn;
        else if (lsn != last + 1) {
            CHECK_MSG(0, "%s: record %llu follows %llu", where, (unsigned long long)lsn, (unsigned long long)last);
            ok = false;
        }
        last = lsn;
        int g = lsn <= MAX_LSN ? L->gen[lsn] : 0;
        size_t n = g ? payload(g, lsn, exp) : 0;
        if (!g || len != n || memcmp(p, exp, n) != 0) {
            int was = 0;
            for (int og = 1; og < 10 && !was; og++)
                if (og != g && payload(og, lsn, exp) == len && memcmp(p, exp, len) == 0) was = og;
            if (was)
                CHECK_MSG(0, "%s: record %llu is stale: written by generation %d, %s", where,
                          (unsigned long long)lsn, was, g ? "overwritten by a later one" : "never acknowledged since");
            else CHECK_MSG(0, "%s: record %llu (%u bytes) is not a record the workload wrote", where,
                           (unsigned long long)lsn, len);
            ok = false;
        }
        count++;
        at += (16 + len + 7) & ~(size_t)7;
    }
    jf_free(b);
    uint64_t from = L->floor > 1 ? L->floor : 1;
    if (ok && L->acked >= from && (!first || first > from || last < L->acked)) {
        CHECK_MSG(0, "%s: acknowledged records %llu..%llu, the log holds %llu..%llu", where,
                  (unsigned long long)from, (unsigned long long)L->acked, (unsigned long long)first,
                  (unsigned long long)last);
        ok = false;
    }
    if (ok) check_pass();
    jf_error e;
    if (ok && usable) {
        /* The recovered log takes a record and gives it back after a reopen. */
        uint64_t lsn = 0;
        uint8_t buf[16] = "after recovery";
        int32_t rc = jf_wal_append_sync(h, buf, sizeof buf, &lsn, &e);
        CHECK_MSG(rc == JF_OK && lsn == r.next_lsn, "%s: append after recovery: %s", where, e.message);
        jf_wal_close(h, &e);
        jf_wal_open_result r2;
        h = wal_open(&r2);
        CHECK_MSG(h && r2.next_lsn == lsn + 1 && r2.torn_bytes == 0, "%s: reopen after recovery: %s", where,
                  r2.error.message);
        if (!h) return -1;
    }
    jf_wal_close(h, &e);
    return ok ? count : -1;
}

/*------------------------------------------------------------------------------
 * Crash states of one crash point
 *----------------------------------------------------------------------------*/

typedef struct seen {
    uint64_t *h;
    size_t n, cap;
} seen;

static bool seen_add(seen *s, uint64_t h) {
    for (size_t i = 0; i < s->n; i++)
        if (s->h[i] == h) return false;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->h = realloc(s->h, s->cap * sizeof *s->h);
    }
    s->h[s->n++] = h;
    return true;
}

typedef void (*state_fn)(sim_disk *d, const lineage *L, const char *where, void *arg);

/* Nothing unsynced survives: files as synced, directories as last fsynced. */
static sim_choice power_loss(void) {
    sim_choice c;
    memset(&c, 0, sizeof c);
    c.others = V_NONE;
    return c;
}

/* Everything written survives (the process died, the machine did not). */
static sim_choice process_crash(void) {
    sim_choice c;
    memset(&c, 0, sizeof c);
    for (int k = 0; k < 8; k++) c.dir_prefix[k] = -1;
    c.others = V_ALL;
    return c;
}

/* Builds one crash state and hands it on, unless an equal one was. */
static void one_state(const sim_snap *s, const sim_choice *c, seen *dup, const lineage *L, const char *where,
                      state_fn fn, void *arg) {
    sim_disk *d = sim_crash(s, c);
    if (!seen_add(dup, sim_digest(d))) {
        sim_free(d);
        return;
    }
    T.states++;
    lineage at = *L;
    at.acked = s->acked;
    at.floor = s->floor;
    fn(d, &at, where, arg);
    sim_free(d);
}

static uint64_t mix64(uint64_t x) {
    x ^= x >> 31;
    x *= 0x7FB5D329728EA185ull;
    x ^= x >> 27;
    x *= 0x81DADEF4BC2DD44Dull;
    return x ^ (x >> 33);
}

/* Every state of crash point `s` (see simdisk.c); `light`: only the plain
 * power loss, the process crash and the directory prefixes. */
static void each_state(const sim_snap *s, const lineage *L, const char *label, bool light, state_fn fn,
                       void *arg) {
    seen dup = { NULL, 0, 0 };
    char where[200];
    sim_choice c = power_loss();
    snprintf(where, sizeof where, "%s, power loss", label);
    one_state(s, &c, &dup, L, where, fn, arg);
    c = process_crash();
    snprintf(where, sizeof where, "%s, process crash", label);
    one_state(s, &c, &dup, L, where, fn, arg);

    /* Directory operations since the last directory fsync: a prefix persisted. */
    int slot = 0;
    for (size_t i = 0; i < s->nino; i++) {
        if (s->ino[i].kind != SIM_DIR) continue;
        for (size_t p = 0; p < s->ino[i].nops && slot < 8; p++)
            for (int others = V_NONE; others <= V_ALL; others++) {
                c.dir_prefix[slot] = (int)p;
                c.others = others;
                snprintf(where, sizeof where, "%s, %zu of %zu directory operations persisted, files %s", label, p,
                         s->ino[i].nops, others == V_ALL ? "as written" : "as synced");
                one_state(s, &c, &dup, L, where, fn, arg);
            }
        c.dir_prefix[slot] = -1;
        slot++;
    }
    if (light) {
        free(dup.h);
        return;
    }

    /* Each file with unsynced sectors: torn at each sector, subsets, stale blocks. */
    c.others = V_NONE;
    for (size_t i = 0; i < s->nino; i++) {
        const sim_ino *f = &s->ino[i];
        if (f->kind != SIM_FILE) continue;
        size_t n = dirty_count(f);
        if (!n || f->vol.len < f->dur.len) continue;
        if (n > SIM_MAX_DIRTY) n = SIM_MAX_DIRTY;
        c.file = (int)i;
        for (int j = 1; j < (int)n; j++) {
            c.v = (sim_variant){ V_PREFIX, j, 0, FILL_ZERO };
            snprintf(where, sizeof where, "%s, file %zu torn after %d of %zu unsynced sectors", label, i, j, n);
            one_state(s, &c, &dup, L, where, fn, arg);
        }
        /* Subsets: all of them for a few sectors; else each one alone, each
         * one missing, and pseudo-random ones (fixed seed). */
        uint64_t masks[512];
        size_t nm = 0;
        size_t all_below = full ? 10 : 6;
        if (n <= all_below) {
            for (uint64_t m = 0; m + 1 < (1ull << n) && nm < 512; m++) masks[nm++] = m;
        } else {
            uint64_t every = n == 64 ? ~0ull : (1ull << n) - 1;
            masks[nm++] = 0;
            for (size_t k = 0; k < n; k++) {
                masks[nm++] = 1ull << k;
                masks[nm++] = every & ~(1ull << k);
            }
            for (uint64_t r = 0; r < (full ? 64u : 12u); r++) masks[nm++] = mix64(r * 7919 + i + s->call) & every;
        }
        for (size_t k = 0; k < nm; k++) {
            c.v = (sim_variant){ V_SUBSET, 0, masks[k], FILL_ZERO };
            snprintf(where, sizeof where, "%s, file %zu: unsynced sectors %#llx of %zu persisted, zeros elsewhere",
                     label, i, (unsigned long long)masks[k], n);
            one_state(s, &c, &dup, L, where, fn, arg);
        }
        if (f->ghost.len > f->dur.len)
            for (int j = 0; j < (int)n; j++) {
                c.v = (sim_variant){ V_SUBSET, 0, (1ull << j) - 1, FILL_GHOST };
                snprintf(where, sizeof where,
                         "%s, file %zu: %d of %zu unsynced sectors persisted, stale blocks after them", label, i, j,
                         n);
                one_state(s, &c, &dup, L, where, fn, arg);
            }
    }
    free(dup.h);
}

/*------------------------------------------------------------------------------
 * Workloads
 *----------------------------------------------------------------------------*/

static bool append(uint32_t h, lineage *L, int gen, bool sync) {
    uint8_t buf[512];
    uint64_t lsn = L->next;
    size_t n = payload(gen, lsn, buf);
    L->gen[lsn] = (uint8_t)gen; /* before the call: a crash inside it may keep the record */
    uint64_t got = 0;
    jf_error e;
    int32_t rc = sync ? jf_wal_append_sync(h, buf, n, &got, &e) : jf_wal_append(h, buf, n, &got, &e);
    CHECK_MSG(rc == JF_OK && got == lsn, "append %llu: %s", (unsigned long long)lsn, e.message);
    if (rc != JF_OK) return false;
    L->next++;
    if (sync) L->acked = lsn;
    return true;
}

static void sync_all(uint32_t h, lineage *L) {
    jf_error e;
    int32_t rc = jf_wal_sync(h, &e);
    CHECK_MSG(rc == JF_OK, "sync: %s", e.message);
    if (rc == JF_OK) L->acked = L->next - 1;
}

static void close_all(uint32_t h, lineage *L) {
    jf_error e;
    int32_t rc = jf_wal_close(h, &e);
    CHECK_MSG(rc == JF_OK, "close: %s", e.message);
    if (rc == JF_OK) L->acked = L->next - 1; /* the last close syncs */
}

/* Generation 1 on an empty disk: 26 records, an append_sync every
 * `sync_every` and a sync every `flush_every`, rotations (4 KiB segments), a
 * close and reopen, a checkpoint. */
enum { FIRST_RECORDS = 26 };
static void workload_first(sim_disk *d, lineage *L) {
    memset(L, 0, sizeof *L);
    L->next = 1;
    d->acked = &L->acked;
    d->floor = &L->floor;
    d->record = true;
    sim_use(d);
    jf_wal_open_result r;
    uint32_t h = wal_open(&r);
    CHECK_MSG(h != 0, "open: %s", r.error.message);
    for (uint64_t i = 1; i <= FIRST_RECORDS && h; i++) {
        append(h, L, 1, i % sync_every == 0);
        if (i % flush_every == 0) sync_all(h, L);
        if (i == 12) {
            close_all(h, L);
            h = wal_open(&r);
            CHECK_MSG(h != 0 && r.next_lsn == 13, "reopen: %s", r.error.message);
        }
        if (i == 19) {
            L->floor = 6; /* before the call: a crash inside it may have removed them */
            jf_error e;
            CHECK_INT_EQ(jf_wal_truncate_before(h, 6, &e), JF_OK);
        }
    }
    if (h) close_all(h, L);
    sim_snapshot(d, "the end");
    d->record = false;
    d->acked = d->floor = NULL;
}

/* A later generation on a recovered disk: reopen, six more records. */
static void workload_next(sim_disk *d, lineage *L, int gen) {
    d->acked = &L->acked;
    d->floor = &L->floor;
    d->record = true;
    sim_use(d);
    jf_wal_open_result r;
    uint32_t h = wal_open(&r);
    CHECK_MSG(h != 0, "open of generation %d: %s", gen, r.error.message);
    if (h) {
        /* What recovery kept is the history now; LSNs after it are free. */
        for (uint64_t l = r.next_lsn; l <= MAX_LSN; l++) L->gen[l] = 0;
        L->next = r.next_lsn;
        L->acked = r.next_lsn - 1;
        for (int i = 1; i <= 6; i++) {
            append(h, L, gen, i == 2 || i == 5);
            if (i == 3) sync_all(h, L);
        }
        jf_wal_read_result rr; /* writes the last two out without a sync */
        jf_free(jf_wal_read(h, 0, 1, &rr));
        sim_snapshot(d, "before the close");
        close_all(h, L);
    }
    sim_snapshot(d, "the end");
    d->record = false;
    d->acked = d->floor = NULL;
}

/*------------------------------------------------------------------------------
 * 1 and 2: every crash point, every state
 *----------------------------------------------------------------------------*/

/* A state: recover and check it; then crash the recovery at each of its
 * syncs and recover again. */
static void check_state(sim_disk *d, const lineage *L, const char *where, void *arg) {
    bool nested = arg != NULL && !quick;
    sim_use(d);
    d->record = nested;
    long n = check_log(L, where, !nested);
    d->record = false;
    if (!nested || n < 0) return;
    /* the recovery's own crash points (before the usability check wrote anything) */
    for (size_t i = 0; i < d->nsnaps; i++) {
        char label[240];
        snprintf(label, sizeof label, "%s; recovery crashed at call %llu (%s)", where,
                 (unsigned long long)d->snaps[i].call, d->snaps[i].what);
        lineage at = *L;
        d->snaps[i].acked = L->acked;
        d->snaps[i].floor = L->floor;
        T.nested++;
        each_state(&d->snaps[i], &at, label, true, check_state, NULL);
    }
    sim_use(d);
    check_log(L, where, true);
}

typedef struct cont_arg {
    int gen;
} cont_arg;

/* From a plain power-loss state: another generation, all its crash points. */
static void continue_state(sim_disk *d, const lineage *L, const char *where, void *arg) {
    cont_arg *ca = arg;
    lineage next = *L;
    workload_next(d, &next, ca->gen);
    for (size_t i = 0; i < d->nsnaps; i++) {
        char label[300];
        snprintf(label, sizeof label, "%s; then generation %d crashed at call %llu (%s)", where, ca->gen,
                 (unsigned long long)d->snaps[i].call, d->snaps[i].what);
        T.points++;
        each_state(&d->snaps[i], &next, label, false, check_state, NULL);
    }
}

static void test_crash_points(uint64_t buffer, uint64_t sync_interval, uint64_t flush_interval) {
    buffer_size = buffer;
    sync_every = sync_interval;
    flush_every = flush_interval;
    printf("%llu-byte append buffer, append_sync every %llu records, sync every %llu:\n", (unsigned long long)buffer,
           (unsigned long long)sync_interval, (unsigned long long)flush_interval);
    tally before = T;
    sim_disk *d = sim_new();
    lineage L;
    workload_first(d, &L);
    CHECK_MSG(L.acked == FIRST_RECORDS, "the workload acknowledged %llu records", (unsigned long long)L.acked);
    size_t points = d->nsnaps;
    for (size_t i = 0; i < d->nsnaps; i++) {
        char label[120];
        snprintf(label, sizeof label, "crash at call %llu (%s)", (unsigned long long)d->snaps[i].call,
                 d->snaps[i].what);
        T.points++;
        each_state(&d->snaps[i], &L, label, false, check_state, (void *)1);
    }
    printf("crash points of the first run: %zu points, %llu distinct states, %llu recoveries "
           "(%llu crash points inside recovery)\n",
           points, (unsigned long long)(T.states - before.states),
           (unsigned long long)(T.recoveries - before.recoveries), (unsigned long long)(T.nested - before.nested));

    /* 2: crash after crash. */
    before = T;
    cont_arg ca = { 2 };
    for (size_t i = 0; i < d->nsnaps; i++) {
        if (quick && i % 5 != 0) continue;
        sim_choice c = power_loss();
        sim_disk *lost = sim_crash(&d->snaps[i], &c);
        lineage at = L;
        at.acked = d->snaps[i].acked;
        at.floor = d->snaps[i].floor;
        char label[120];
        snprintf(label, sizeof label, "power loss at call %llu (%s)", (unsigned long long)d->snaps[i].call,
                 d->snaps[i].what);
        continue_state(lost, &at, label, &ca);
        sim_free(lost);
    }
    printf("crash after crash: %llu crash points of the second generation, %llu distinct states, %llu recoveries\n",
           (unsigned long long)(T.points - before.points), (unsigned long long)(T.states - before.states),
           (unsigned long long)(T.recoveries - before.recoveries));
    sim_use(NULL);
    sim_free(d);
}

/*------------------------------------------------------------------------------
 * 3: stale blocks of a dead generation
 *----------------------------------------------------------------------------*/

/* Runs `records` appends of generation 1 (syncing the first `synced`), then a
 * power loss that keeps only what was synced: the disk for generation 2. */
static sim_disk *dead_generation(lineage *L, int records, int synced) {
    sim_disk *d = sim_new();
    memset(L, 0, sizeof *L);
    L->next = 1;
    sim_use(d);
    jf_wal_open_result r;
    uint32_t h = wal_open(&r);
    for (int i = 1; i <= records; i++) append(h, L, 1, i == synced);
    jf_wal_read_result rr; /* the unsynced records reach the file */
    jf_free(jf_wal_read(h, 0, 1, &rr));
    d->record = true;
    sim_snapshot(d, "power loss");
    d->record = false;
    sim_choice c = power_loss();
    sim_disk *lost = sim_crash(&d->snaps[0], &c);
    jf_wal_close(h, NULL);
    sim_use(NULL);
    sim_free(d);
    return lost;
}

/* Generation 2 appends `records` (syncing the first `synced`), the rest
 * unsynced; then every unsynced sector shows the stale blocks. */
static void stale_case(const char *what, int records1, int synced1, int records2, int synced2) {
    lineage L;
    sim_disk *d = dead_generation(&L, records1, synced1);
    CHECK_INT_EQ(L.acked, (uint64_t)synced1);
    sim_use(d);
    jf_wal_open_result r;
    uint32_t h = wal_open(&r);
    CHECK_MSG(h && r.next_lsn == (uint64_t)synced1 + 1, "%s: reopen: %s", what, r.error.message);
    for (uint64_t l = r.next_lsn; l <= MAX_LSN; l++) L.gen[l] = 0;
    L.next = r.next_lsn;
    for (int i = 1; i <= records2; i++) append(h, &L, 2, i == synced2);
    jf_wal_read_result rr;
    jf_free(jf_wal_read(h, 0, 1, &rr));
    d->record = true;
    d->acked = &L.acked;
    sim_snapshot(d, "power loss");
    d->record = false;
    d->acked = NULL;
    /* Every file with unsynced sectors: none of them persisted, stale blocks instead. */
    size_t tried = 0;
    const sim_snap *s = &d->snaps[0];
    for (size_t i = 0; i < s->nino; i++) {
        if (s->ino[i].kind != SIM_FILE || !dirty_count(&s->ino[i])) continue;
        sim_choice c = power_loss();
        c.file = (int)i;
        c.v = (sim_variant){ V_SUBSET, 0, 0, FILL_GHOST };
        sim_disk *lost = sim_crash(s, &c);
        sim_use(lost);
        lineage at = L;
        at.acked = s->acked;
        char where[160];
        snprintf(where, sizeof where, "%s (file %zu)", what, i);
        check_log(&at, where, true);
        sim_free(lost);
        tried++;
    }
    CHECK_MSG(tried > 0, "%s: no unsynced sectors to lose", what);
    sim_use(d);
    jf_wal_close(h, NULL);
    sim_use(NULL);
    sim_free(d);
}

static void test_stale_generation(void) {
    /* Records 1..4 durable, 5..9 lost; generation 2 rewrites 5 and 6 (6
     * durable) and writes 7..9 unsynced over the blocks that held the dead 7..9. */
    stale_case("a segment continued after a power loss", 9, 4, 5, 2);
    /* Nothing durable but the header; generation 2 writes 1 durably, 2..4
     * unsynced, where the dead generation's 2..4 were. */
    stale_case("a segment with only its header", 5, 0, 4, 1);
}

/*------------------------------------------------------------------------------
 * 4: faults on every call
 *----------------------------------------------------------------------------*/

typedef struct fault_mode {
    const char *name;
    int err;
    bool persistent, short_write;
} fault_mode;

/* Whether `message` names the file `target` (a segment, a .tmp as the
 * segment it was to become, wal.lock; a directory is named by the log's path,
 * which every message holds). */
static bool names(const char *message, const char *target) {
    char file[32] = "";
    if (strlen(target) >= 24 && strncmp(target + 20, ".wal", 4) == 0) snprintf(file, sizeof file, "%.24s", target);
    else if (strcmp(target, "wal.lock") == 0) snprintf(file, sizeof file, "wal.lock");
    return !file[0] || strstr(message, file) != NULL;
}

/* An API error after a fault: it names the log and the OS error, and when
 * the call that failed first failed inside this API call (`first_here`), the
 * file that call or the latest failed one was about. */
static void check_error(const sim_disk *d, const char *call, const jf_error *e, const fault_mode *m, uint64_t n,
                        bool first_here) {
    if (!d->injected) {
        CHECK_MSG(0, "%s failed with no fault injected (%s, call %llu): %s", call, m->name, (unsigned long long)n,
                  e->message);
        return;
    }
    bool names_log = strstr(e->message, WAL_DIR) != NULL;
    bool says_why = strstr(e->message, strerror(m->err)) != NULL || strstr(e->message, "closed") != NULL;
    bool names_file = !first_here || names(e->message, d->fault_target) || names(e->message, d->last_target);
    CHECK_MSG(e->code == JF_IO && names_log && says_why && names_file, "%s after %s (%s, call %llu): code %d, %s",
              call, d->first_fault, m->name, (unsigned long long)n, e->code, e->message);
}

/* The fault workload: 20 records over several segments, a checkpoint that
 * deletes some, a close, a reopen and 10 more; after an error the log is
 * closed and reopened (as an application would) and the workload goes on. */
static void fault_workload(sim_disk *d, lineage *L, const fault_mode *m, uint64_t n) {
    jf_wal_open_result r;
    jf_error e;
    uint32_t h = 0;
    for (int step = 1; step <= 32; step++) {
        uint64_t before = d->injected;
        if (!h) {
            h = wal_open(&r);
            if (!h) {
                check_error(d, "open", &r.error, m, n, !before && d->injected);
                continue;
            }
            for (uint64_t l = r.next_lsn; l <= MAX_LSN; l++) L->gen[l] = 0;
            L->next = r.next_lsn;
            d->file_sync_failed = false; /* a new open: a fresh start */
            before = d->injected;
        }
        if (step == 21) {
            int32_t rc = jf_wal_close(h, &e);
            h = 0;
            if (rc) check_error(d, "close", &e, m, n, !before && d->injected);
            else L->acked = L->next - 1;
            continue;
        }
        if (step == 16) {
            L->floor = 9;
            if (jf_wal_truncate_before(h, 9, &e)) check_error(d, "truncate_before", &e, m, n, !before && d->injected);
            before = d->injected;
        }
        uint8_t buf[1024];
        uint64_t lsn = L->next, got = 0;
        size_t len = payload(1, lsn, buf);
        L->gen[lsn] = 1; /* kept on failure too: the record may have reached the file */
        bool sync = step % 3 == 0;
        bool was_failed = d->file_sync_failed;
        int32_t rc = sync ? jf_wal_append_sync(h, buf, len, &got, &e) : jf_wal_append(h, buf, len, &got, &e);
        if (rc == JF_OK) {
            L->next++;
            if (sync) {
                CHECK_MSG(!was_failed && !d->file_sync_failed,
                          "record %llu acknowledged after a failed fsync (%s, call %llu)", (unsigned long long)lsn,
                          m->name, (unsigned long long)n);
                L->acked = lsn;
            }
        } else {
            check_error(d, sync ? "append_sync" : "append", &e, m, n, !before && d->injected);
            /* A failed fsync or write poisons the log: nothing more until it is reopened. */
            CHECK_MSG(jf_wal_sync(h, &e) == JF_IO, "sync after a failed %s succeeded (%s, call %llu)",
                      sync ? "append_sync" : "append", m->name, (unsigned long long)n);
            jf_wal_close(h, NULL);
            h = 0;
        }
    }
    if (h) {
        uint64_t before = d->injected;
        if (jf_wal_close(h, &e)) check_error(d, "close", &e, m, n, !before && d->injected);
        else L->acked = L->next - 1;
    }
}

static void test_faults(void) {
    scale = 2; /* a rotation every few records */
    const fault_mode modes[] = {
        { "EIO once", EIO, false, false },
        { "EIO from then on", EIO, true, false },
        { "ENOSPC once, a short write first", ENOSPC, false, true },
        { "ENOSPC from then on, a short write first", ENOSPC, true, true },
    };
    for (size_t mi = 0; mi < sizeof modes / sizeof modes[0]; mi++) {
        const fault_mode *m = &modes[mi];
        uint64_t n = 1;
        for (;; n++) {
            sim_disk *d = sim_new();
            d->fail_at = n;
            d->fail_errno = m->err;
            d->fail_persistent = m->persistent;
            d->fail_short = m->short_write;
            sim_use(d);
            lineage L;
            memset(&L, 0, sizeof L);
            L.next = 1;
            fault_workload(d, &L, m, n);
            T.runs++;
            bool clean = d->injected == 0;
            T.faults += d->injected;
            /* The disk is repaired. What the process sees, then a power loss. */
            d->fail_at = 0;
            d->record = true;
            d->acked = &L.acked;
            d->floor = &L.floor;
            sim_snapshot(d, "after the workload");
            d->record = false;
            for (int others = V_NONE; others <= V_ALL; others++) {
                sim_choice c = others == V_NONE ? power_loss() : process_crash();
                sim_disk *after = sim_crash(&d->snaps[0], &c);
                sim_use(after);
                char where[200];
                snprintf(where, sizeof where, "%s at call %llu (%s), then %s", m->name, (unsigned long long)n,
                         d->first_fault, others == V_NONE ? "a power loss" : "a clean restart");
                lineage at = L;
                check_log(&at, where, false);
                sim_free(after);
            }
            sim_use(NULL);
            sim_free(d);
            if (clean) break;
        }
        printf("faults, %s: calls 1..%llu failed in turn, the workload ran clean at call %llu\n", m->name,
               (unsigned long long)(n - 1), (unsigned long long)n);
    }
}

int main(void) {
    quick = getenv("JF_TEST_QUICK") != NULL;
    full = getenv("JF_CRASH_FULL") != NULL;
    jf_alloc_stats start, end;
    jf_get_alloc_stats(&start);
    int32_t level = jf_log_set_level(JF_LOG_OFF); /* recovery logs every torn tail */

    test_stale_generation();
    test_crash_points(700, 4, 7);
    test_crash_points(1500, 9, 13); /* larger unsynced batches: more sectors to reorder */
    if (full) test_crash_points(4000, 13, 100);
    buffer_size = 700;
    test_faults();
    scale = 1;

    jf_log_set_level(level);
    printf("power loss: %llu crash points, %llu distinct crash states, %llu recoveries checked; "
           "faults: %llu runs, %llu faults injected\n",
           (unsigned long long)T.points, (unsigned long long)T.states, (unsigned long long)T.recoveries,
           (unsigned long long)T.runs, (unsigned long long)T.faults);
    jf_get_alloc_stats(&end);
    CHECK_INT_EQ(end.live_blocks, start.live_blocks);
    CHECK_INT_EQ(end.live_bytes, start.live_bytes);
    return check_done("test_wal_crash");
}
