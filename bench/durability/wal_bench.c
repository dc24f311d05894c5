/*==============================================================================
 * wal_bench.c — write-ahead log throughput from C threads, against the built
 * library (zig-out/lib/libjsonflat.so).
 *
 *   wal_bench <dir> [seconds per case, default 3] [record bytes, default 200]
 *
 * Cases:
 *   sync N    N threads (1, 2, 8), each appending records with
 *             jf_wal_append_sync in a loop: records/s, fsyncs/s and records per
 *             fsync (group commit: concurrent appenders share one fdatasync);
 *   nosync    one thread appending without sync (buffered, written in 1 MiB
 *             writes), then one jf_wal_sync: MB/s of payload, with and without
 *             that final sync.
 * Each case starts from an empty directory. Output: one line per case, then
 * a Markdown table (what bench/durability/RESULTS.md records).
 *============================================================================*/
#define _GNU_SOURCE 1
#include "jsonflat.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void clear_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char p[1024];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
}

static uint32_t open_wal(const char *dir) {
    clear_dir(dir);
    jf_wal_open_result r;
    uint32_t h = jf_wal_open((const uint8_t *)dir, strlen(dir), NULL, &r);
    if (!h) {
        fprintf(stderr, "wal_bench: open %s: %s\n", dir, r.error.message);
        exit(1);
    }
    return h;
}

static uint32_t handle;
static size_t record_bytes = 200;
static double deadline;
static _Atomic uint64_t total_records;

static void *sync_writer(void *arg) {
    (void)arg;
    uint8_t *rec = malloc(record_bytes);
    memset(rec, 'r', record_bytes);
    uint64_t n = 0;
    while (now() < deadline) {
        jf_error e;
        if (jf_wal_append_sync(handle, rec, record_bytes, NULL, &e) != JF_OK) {
            fprintf(stderr, "wal_bench: %s\n", e.message);
            exit(1);
        }
        n++;
    }
    total_records += n;
    free(rec);
    return NULL;
}

typedef struct row {
    char name[32];
    double records_per_s, syncs_per_s, per_sync, mb_per_s, mb_per_s_synced;
} row;

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: wal_bench <dir> [seconds] [record bytes]\n");
        return 2;
    }
    const char *dir = argv[1];
    double seconds = argc > 2 ? atof(argv[2]) : 3.0;
    if (argc > 3) record_bytes = (size_t)atol(argv[3]);
    mkdir(dir, 0755);
    jf_log_config lc;
    jf_log_get_config(&lc);
    lc.native_level = JF_LOG_OFF;
    jf_log_configure(&lc, NULL);

    row rows[8];
    int nrows = 0;
    int threads[] = { 1, 2, 8 };
    for (int t = 0; t < 3; t++) {
        handle = open_wal(dir);
        total_records = 0;
        int n = threads[t];
        pthread_t th[8];
        double start = now();
        deadline = start + seconds;
        for (int i = 0; i < n; i++) pthread_create(&th[i], NULL, sync_writer, NULL);
        for (int i = 0; i < n; i++) pthread_join(th[i], NULL);
        double took = now() - start;
        jf_wal_stats st;
        jf_wal_get_stats(handle, &st, NULL);
        jf_wal_close(handle, NULL);
        row *r = &rows[nrows++];
        snprintf(r->name, sizeof r->name, "append_sync, %d thread%s", n, n > 1 ? "s" : "");
        r->records_per_s = (double)total_records / took;
        r->syncs_per_s = (double)st.syncs / took;
        r->per_sync = st.syncs ? (double)total_records / (double)st.syncs : 0;
        r->mb_per_s = r->records_per_s * (double)record_bytes / 1e6;
        r->mb_per_s_synced = r->mb_per_s;
        printf("%-26s %10.0f records/s %8.0f fsyncs/s %7.1f records/fsync\n", r->name, r->records_per_s,
               r->syncs_per_s, r->per_sync);
        fflush(stdout);
    }

    /* Appends without sync, then one sync. */
    handle = open_wal(dir);
    uint8_t *rec = malloc(record_bytes);
    memset(rec, 'n', record_bytes);
    uint64_t n = 0;
    double start = now();
    deadline = start + seconds;
    while ((n & 1023) || now() < deadline) {
        if (jf_wal_append(handle, rec, record_bytes, NULL, NULL) != JF_OK) return 1;
        n++;
    }
    double appended = now() - start;
    jf_wal_sync(handle, NULL);
    double synced = now() - start;
    jf_wal_stats st;
    jf_wal_get_stats(handle, &st, NULL);
    jf_wal_close(handle, NULL);
    free(rec);
    row *r = &rows[nrows++];
    snprintf(r->name, sizeof r->name, "append (no sync), 1 thread");
    r->records_per_s = (double)n / appended;
    r->syncs_per_s = (double)st.syncs / synced;
    r->per_sync = st.syncs ? (double)n / (double)st.syncs : 0;
    r->mb_per_s = (double)n * (double)record_bytes / appended / 1e6;
    r->mb_per_s_synced = (double)n * (double)record_bytes / synced / 1e6;
    printf("%-26s %10.0f records/s %8.1f MB/s appending, %.1f MB/s including the final sync (%llu segments)\n",
           r->name, r->records_per_s, r->mb_per_s, r->mb_per_s_synced, (unsigned long long)st.segments);
    clear_dir(dir);

    printf("\n| case | records/s | fsyncs/s | records per fsync | payload MB/s |\n|---|---:|---:|---:|---:|\n");
    for (int i = 0; i < nrows; i++)
        printf("| %s | %.0f | %.0f | %.1f | %.1f%s |\n", rows[i].name, rows[i].records_per_s, rows[i].syncs_per_s,
               rows[i].per_sync, rows[i].mb_per_s, i == nrows - 1 ? " (append only)" : "");
    printf("\n(%zu-byte records, %.1f s per case, directory %s)\n", record_bytes, seconds, dir);
    return 0;
}
