/*==============================================================================
 * wal.c — the write-ahead log: segment files of CRC32C-framed records, group
 * commit, recovery that cuts a torn tail and refuses a corrupt middle.
 *
 * Layers, top to bottom:
 *   handles   a table of small integer ids (slot + generation) over shared
 *             "cores", one core per open directory (found by device and
 *             inode), so every Bun Worker that opens the same directory
 *             appends to one sequence; a stale id is an error, never a crash;
 *   core      the open log: the mutex, the pending buffer, LSN watermarks,
 *             the group-commit protocol (one thread does I/O at a time, with
 *             the mutex released; the others wait on a condition variable);
 *   segments  the on-disk format (version 2: a salt per segment file in
 *             every frame's CRC, each frame's distance to the last durable
 *             LSN, a seal at a clean close; see jsonflat.h), recovery scans
 *             and reads, through a windowed reader (one pread per MiB, not
 *             per frame);
 *   I/O       every file system call goes through the table of wal_io.h, so
 *             the tests can put a simulated disk under the log
 *             (c/test/faults/simdisk.c: power loss at every sync, faults).
 *
 * Lock order: registry lock, then a core's mutex, then the logger's. No
 * lock is held across a callback; the core mutex is released during the
 * group-commit write and fdatasync, and held for the rare segment rotation.
 *
 * POSIX only; on Windows every entry point refuses with JF_NOT_SUPPORTED
 * (JF_TEST_NO_DURABILITY compiles that branch on POSIX for
 * c/test/test_not_supported.c).
 *============================================================================*/
#define _GNU_SOURCE 1
#include "internal.h"
#include "crc32c.h"
#include "log.h"
#include "sync.h"
#include "wal_io.h"

#include <stdarg.h>
#include <stdio.h>

#if defined(_WIN32) || defined(JF_TEST_NO_DURABILITY)

/*------------------------------------------------------------------------------
 * Windows: not supported
 *----------------------------------------------------------------------------*/

static int32_t unsupported(jf_error *error, const char *operation) {
    if (error) {
        memset(error, 0, sizeof *error);
        error->code = JF_NOT_SUPPORTED;
        snprintf(error->message, JF_MESSAGE_SIZE, "%s: the write-ahead log is not supported on Windows", operation);
    }
    return JF_NOT_SUPPORTED;
}

JF_API uint32_t jf_wal_open(const uint8_t *dir, size_t dir_length, const jf_wal_options *options,
                            jf_wal_open_result *result) {
    (void)dir, (void)dir_length, (void)options;
    if (result) {
        memset(result, 0, sizeof *result);
        unsupported(&result->error, "jf_wal_open");
    }
    return 0;
}
JF_API int32_t jf_wal_append(uint32_t wal, const uint8_t *data, size_t length, uint64_t *lsn, jf_error *error) {
    (void)wal, (void)data, (void)length, (void)lsn;
    return unsupported(error, "jf_wal_append");
}
JF_API int32_t jf_wal_append_sync(uint32_t wal, const uint8_t *data, size_t length, uint64_t *lsn,
                                  jf_error *error) {
    (void)wal, (void)data, (void)length, (void)lsn;
    return unsupported(error, "jf_wal_append_sync");
}
JF_API int32_t jf_wal_sync(uint32_t wal, jf_error *error) {
    (void)wal;
    return unsupported(error, "jf_wal_sync");
}
JF_API uint8_t *jf_wal_read(uint32_t wal, uint64_t from, uint64_t max_bytes, jf_wal_read_result *result) {
    (void)wal, (void)from, (void)max_bytes;
    if (result) {
        memset(result, 0, sizeof *result);
        unsupported(&result->error, "jf_wal_read");
    }
    return NULL;
}
JF_API int32_t jf_wal_truncate_before(uint32_t wal, uint64_t lsn, jf_error *error) {
    (void)wal, (void)lsn;
    return unsupported(error, "jf_wal_truncate_before");
}
JF_API int32_t jf_wal_get_stats(uint32_t wal, jf_wal_stats *out, jf_error *error) {
    (void)wal;
    if (out) memset(out, 0, sizeof *out);
    return unsupported(error, "jf_wal_get_stats");
}
JF_API int32_t jf_wal_close(uint32_t wal, jf_error *error) {
    (void)wal;
    return unsupported(error, "jf_wal_close");
}

#else /* POSIX */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define SEG_MAGIC "JFWALSEG"
#define SEG_VERSION 2u      /* 1: no salt, frames carry the plain LSN (still read) */
#define LSN_BITS 48u        /* version 2: frame field = LSN | distance << 48 */
#define LSN_MASK ((UINT64_C(1) << LSN_BITS) - 1)
#define DIST_MAX 0xFFFFu    /* a distance this large or larger */
#define HDR JF_WAL_HEADER_SIZE
#define FRAME JF_WAL_FRAME_HEADER
#define NAME_SIZE 40        /* "<20 digits>.wal.corrupt" and NUL fit */
#define READ_WINDOW (1u << 20)
#define DEFAULT_READ (1u << 20)
#define MAX_SLOTS 4096u     /* handle = generation << 12 | slot; slot 0 unused */
#define SLOT_BITS 12u
#define CACHE_SLOTS 8u

/*------------------------------------------------------------------------------
 * Little endian and errors
 *----------------------------------------------------------------------------*/

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const uint8_t *p) {
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void wal_error(jf_error *error, jf_code code, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void wal_error(jf_error *error, jf_code code, uint64_t offset, const char *fmt, ...) {
    if (!error) return;
    memset(error, 0, sizeof *error);
    error->code = code;
    error->offset = offset;
    va_list args;
    va_start(args, fmt);
    vsnprintf(error->message, JF_MESSAGE_SIZE, fmt, args);
    va_end(args);
}

static void seg_name(char out[NAME_SIZE], uint64_t first_lsn, const char *suffix) {
    snprintf(out, NAME_SIZE, "%020" PRIu64 ".wal%s", first_lsn, suffix);
}

/* The frame CRC: CRC32C of the payload, continued over length and the LSN
 * field, then (version 2, salt != 0) over the segment's salt, so that a frame
 * left in reused blocks by another segment file never checks out here. */
static uint32_t frame_crc(uint32_t payload_crc, uint32_t len, uint64_t field, uint32_t salt) {
    uint8_t t[16];
    put32(t, len);
    put64(t + 4, field);
    put32(t + 12, salt);
    return jf_crc32c_hw(payload_crc, t, salt ? 16 : 12);
}

/* Version 2's LSN field: the LSN, and how far it is from the last LSN known
 * durable when the record was appended (1 or more; DIST_MAX: that far or
 * farther). A seal (see seal_write) has distance 0. Version 1 (salt 0): the
 * LSN alone. */
static uint64_t lsn_field(uint64_t lsn, uint64_t synced, uint32_t salt) {
    if (!salt) return lsn;
    uint64_t dist = lsn - synced;
    return lsn | (dist < DIST_MAX ? dist : DIST_MAX) << LSN_BITS;
}
static uint64_t field_lsn(uint64_t field, uint32_t salt) {
    return salt ? field & LSN_MASK : field;
}
static uint64_t field_dist(uint64_t field, uint32_t salt) {
    return salt ? field >> LSN_BITS : DIST_MAX;
}

/*------------------------------------------------------------------------------
 * The real file system calls (the default I/O table, see wal_io.h)
 *----------------------------------------------------------------------------*/

static int px_stat(void *ctx, const char *path, struct stat *st) {
    (void)ctx;
    return stat(path, st);
}
static int px_mkdir(void *ctx, const char *path, mode_t mode) {
    (void)ctx;
    return mkdir(path, mode);
}
static int px_open(void *ctx, const char *path, int flags) {
    (void)ctx;
    int fd;
    do fd = open(path, flags | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    return fd;
}
static int px_openat(void *ctx, int dirfd, const char *name, int flags, mode_t mode) {
    (void)ctx;
    int fd;
    do fd = openat(dirfd, name, flags | O_CLOEXEC, mode);
    while (fd < 0 && errno == EINTR);
    return fd;
}
static int px_close(void *ctx, int fd) {
    (void)ctx;
    return close(fd);
}
static ssize_t px_write(void *ctx, int fd, const void *data, size_t n) {
    (void)ctx;
    ssize_t w;
    do w = write(fd, data, n);
    while (w < 0 && errno == EINTR);
    return w;
}
static ssize_t px_pread(void *ctx, int fd, void *data, size_t n, uint64_t offset) {
    (void)ctx;
    ssize_t r;
    do r = pread(fd, data, n, (off_t)offset);
    while (r < 0 && errno == EINTR);
    return r;
}
static int px_fstat(void *ctx, int fd, struct stat *st) {
    (void)ctx;
    return fstat(fd, st);
}
static int px_fstatat(void *ctx, int dirfd, const char *name, struct stat *st) {
    (void)ctx;
    return fstatat(dirfd, name, st, 0);
}
/* Data durable: fdatasync, or F_FULLFSYNC on macOS (its fsync stops at the
 * drive's cache). */
static int px_sync_data(void *ctx, int fd) {
    (void)ctx;
#if defined(__APPLE__)
    if (fcntl(fd, F_FULLFSYNC) == 0) return 0;
    return fsync(fd);
#else
    return fdatasync(fd);
#endif
}
/* Data and metadata durable (new files, directories). */
static int px_sync_full(void *ctx, int fd) {
    (void)ctx;
#if defined(__APPLE__)
    if (fcntl(fd, F_FULLFSYNC) == 0) return 0;
#endif
    return fsync(fd);
}
static int px_ftruncate(void *ctx, int fd, uint64_t length) {
    (void)ctx;
    int r;
    do r = ftruncate(fd, (off_t)length);
    while (r != 0 && errno == EINTR);
    return r;
}
static int px_renameat(void *ctx, int dirfd, const char *from, const char *to) {
    (void)ctx;
    return renameat(dirfd, from, dirfd, to);
}
static int px_unlinkat(void *ctx, int dirfd, const char *name) {
    (void)ctx;
    return unlinkat(dirfd, name, 0);
}
static int px_flock(void *ctx, int fd, int operation) {
    (void)ctx;
    int r;
    do r = flock(fd, operation);
    while (r != 0 && errno == EINTR);
    return r;
}
static int px_list(void *ctx, int dirfd, int (*each)(void *arg, const char *name), void *arg) {
    (void)ctx;
    int dup_fd = dup(dirfd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        int e = errno;
        if (dup_fd >= 0) close(dup_fd);
        errno = e;
        return -1;
    }
    rewinddir(d); /* the dup shares the position of an earlier listing */
    int stop = 0;
    struct dirent *ent;
    while (!stop && (ent = readdir(d)))
        if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0) stop = each(arg, ent->d_name);
    closedir(d);
    return stop;
}
/* A new segment's salt: distinct from any earlier segment's with near
 * certainty, so that frames of an older file whose blocks a new one reuses
 * never check out. The clock, the process and a counter, mixed. */
static uint32_t px_salt(void *ctx) {
    (void)ctx;
    static _Atomic uint64_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    x ^= (uint64_t)getpid() << 40 ^ jf_monotonic_ns() << 7 ^ atomic_fetch_add(&counter, 1) * 0x9E3779B97F4A7C15ull;
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    x ^= x >> 33;
    uint32_t s = (uint32_t)x ^ (uint32_t)(x >> 32);
    return s ? s : 1;
}

const jf_wal_io jf_wal_posix_io = {
    NULL,        px_stat,      px_mkdir,     px_open,      px_openat, px_close,     px_write,     px_pread,
    px_fstat,    px_fstatat,   px_sync_data, px_sync_full, px_ftruncate, px_renameat, px_unlinkat, px_flock,
    px_list,     px_salt,
};

static const jf_wal_io *_Atomic io_table = &jf_wal_posix_io;

void jf_wal_set_io(const jf_wal_io *io) {
    atomic_store(&io_table, io ? io : &jf_wal_posix_io);
}

static const jf_wal_io *io(void) {
    return atomic_load_explicit(&io_table, memory_order_relaxed);
}

/*------------------------------------------------------------------------------
 * Small I/O helpers (0 or an errno value, except open_at and io_close)
 *----------------------------------------------------------------------------*/

static int err_or_eio(void) {
    return errno ? errno : EIO;
}

static int write_all(int fd, const uint8_t *p, size_t n) {
    const jf_wal_io *t = io();
    while (n) {
        ssize_t w = t->write(t->ctx, fd, p, n);
        if (w < 0) return err_or_eio();
        if (w == 0) return EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int pread_all(int fd, uint8_t *p, size_t n, uint64_t off, size_t *got) {
    const jf_wal_io *t = io();
    *got = 0;
    while (n) {
        ssize_t r = t->pread(t->ctx, fd, p, n, off);
        if (r < 0) return err_or_eio();
        if (r == 0) break;
        p += r;
        n -= (size_t)r;
        off += (uint64_t)r;
        *got += (size_t)r;
    }
    return 0;
}

static int data_sync(int fd) {
    return io()->sync_data(io()->ctx, fd) == 0 ? 0 : err_or_eio();
}

static int full_sync(int fd) {
    return io()->sync_full(io()->ctx, fd) == 0 ? 0 : err_or_eio();
}

static int open_at(int dirfd, const char *name, int flags, mode_t mode) {
    return io()->openat(io()->ctx, dirfd, name, flags, mode);
}

static void io_close(int fd) {
    if (fd >= 0) io()->close(io()->ctx, fd);
}

static int io_fstat(int fd, struct stat *st) {
    return io()->fstat(io()->ctx, fd, st) == 0 ? 0 : err_or_eio();
}

static int io_ftruncate(int fd, uint64_t length) {
    return io()->ftruncate(io()->ctx, fd, length) == 0 ? 0 : err_or_eio();
}

static int io_rename(int dirfd, const char *from, const char *to) {
    return io()->renameat(io()->ctx, dirfd, from, to) == 0 ? 0 : err_or_eio();
}

static int io_unlink(int dirfd, const char *name) {
    return io()->unlinkat(io()->ctx, dirfd, name) == 0 ? 0 : err_or_eio();
}

/*------------------------------------------------------------------------------
 * The windowed reader
 *----------------------------------------------------------------------------*/

typedef struct reader {
    int fd;
    uint64_t size;  /* file size when opened */
    uint8_t *buf;
    size_t cap;
    uint64_t base;  /* file offset of buf[0] */
    size_t len;     /* valid bytes in buf */
    int err;        /* errno of a failed read, or ENOMEM */
} reader;

static void reader_release(reader *r) {
    jf_free(r->buf);
    r->buf = NULL;
    r->cap = r->len = 0;
}

/* Bytes [off, off + n) of the file, or NULL (past the end, or r->err set). */
static const uint8_t *reader_get(reader *r, uint64_t off, size_t n) {
    if (off >= r->base && off - r->base <= r->len && n <= r->len - (size_t)(off - r->base))
        return r->buf + (off - r->base);
    if (off > r->size || n > r->size - off) return NULL;
    size_t want = n > READ_WINDOW ? n : READ_WINDOW;
    if (want > r->size - off) want = (size_t)(r->size - off);
    if (want > r->cap) {
        uint8_t *grown = jf_realloc(r->buf, want);
        if (!grown) {
            r->err = ENOMEM;
            return NULL;
        }
        r->buf = grown;
        r->cap = want;
    }
    size_t got;
    int e = pread_all(r->fd, r->buf, want, off, &got);
    r->base = off;
    r->len = got;
    if (e) {
        r->err = e;
        r->len = 0;
        return NULL;
    }
    return got >= n ? r->buf : NULL;
}

/*------------------------------------------------------------------------------
 * Frames
 *----------------------------------------------------------------------------*/

typedef enum frame_status { FRAME_OK, FRAME_BAD, FRAME_END, FRAME_IOERR } frame_status;

typedef struct frame {
    uint32_t len;
    uint64_t lsn;
    uint32_t payload_crc;
    const uint8_t *payload; /* valid until the next reader_get */
} frame;

/* Reads and checks the frame at `off` that must carry record `lsn` in a
 * segment with `salt`. FRAME_END: exactly at the end of the file; FRAME_BAD:
 * anything else that is not a whole valid record frame. */
static frame_status frame_read(reader *r, uint64_t off, uint64_t lsn, uint32_t salt, uint32_t max_record, frame *f) {
    if (off == r->size) return FRAME_END;
    if (r->size - off < FRAME) return FRAME_BAD;
    const uint8_t *h = reader_get(r, off, FRAME);
    if (!h) return r->err ? FRAME_IOERR : FRAME_BAD;
    uint32_t crc = get32(h), len = get32(h + 4);
    uint64_t field = get64(h + 8);
    if (field_lsn(field, salt) != lsn || field_dist(field, salt) == 0 || len > max_record) return FRAME_BAD;
    if ((uint64_t)len > r->size - off - FRAME) return FRAME_BAD;
    const uint8_t *p = reader_get(r, off, FRAME + (size_t)len);
    if (!p) return r->err ? FRAME_IOERR : FRAME_BAD;
    uint32_t pc = jf_crc32c_hw(0, p + FRAME, len);
    if (frame_crc(pc, len, field, salt) != crc) return FRAME_BAD;
    f->len = len;
    f->lsn = lsn;
    f->payload_crc = pc;
    f->payload = p + FRAME;
    return FRAME_OK;
}

/* Whether the frame at `off` is a seal saying every record up to `lsn` was
 * durable (version 2 only). */
static bool seal_at(reader *r, uint64_t off, uint64_t lsn, uint32_t salt) {
    if (!salt || r->size - off < FRAME) return false;
    const uint8_t *h = reader_get(r, off, FRAME);
    if (!h) return false;
    uint64_t field = get64(h + 8);
    return get32(h + 4) == 0 && field == lsn && get32(h) == frame_crc(0, 0, field, salt);
}

/* Damage at `off`, where record `lsn` should be: whether a whole valid frame
 * after it proves that record was durable, which makes the damage corruption
 * rather than a torn tail. In version 2 a frame proves it when the last LSN
 * known durable when that frame was appended (its LSN minus its distance; a
 * seal's own LSN) is `lsn` or later: unsynced frames persisted out of order
 * by a power loss prove nothing, and are cut with the torn tail. A distance
 * of DIST_MAX, or any frame of a version 1 segment, counts as proof (the
 * cautious answer: refusing, not dropping, records that may be durable). */
static bool damage_is_durable(reader *r, uint64_t off, uint64_t lsn, uint32_t salt, uint32_t max_record) {
    for (uint64_t p = off + 1; p + FRAME <= r->size; p++) {
        const uint8_t *h = reader_get(r, p, FRAME);
        if (!h) return true; /* unreadable: cautious */
        uint32_t len = get32(h + 4);
        uint64_t field = get64(h + 8);
        uint64_t got = field_lsn(field, salt), dist = field_dist(field, salt);
        /* A frame at p has at most (p - off) / FRAME frames before it. */
        if (got < lsn || got - lsn > (p - off) / FRAME || len > max_record || (uint64_t)len > r->size - p - FRAME)
            continue;
        if (dist == 0 && len != 0) continue;
        uint32_t crc = get32(h);
        const uint8_t *f = reader_get(r, p, FRAME + (size_t)len);
        if (!f) return true;
        if (frame_crc(jf_crc32c_hw(0, f + FRAME, len), len, field, salt) != crc) continue;
        if (dist >= DIST_MAX || got - dist >= lsn) return true;
        p += FRAME + len - 1; /* frames follow one another from here */
    }
    return false;
}

/*------------------------------------------------------------------------------
 * Segment headers
 *----------------------------------------------------------------------------*/

/* Magic, version, header size, first LSN, salt (version 2; 0 in version 1),
 * CRC32C of the 28 bytes before it. */
static void header_encode(uint8_t h[HDR], uint64_t first_lsn, uint32_t salt) {
    memset(h, 0, HDR);
    memcpy(h, SEG_MAGIC, 8);
    put32(h + 8, SEG_VERSION);
    put32(h + 12, HDR);
    put64(h + 16, first_lsn);
    put32(h + 24, salt);
    put32(h + 28, jf_crc32c_hw(0, h, 28));
}

/* Whether `h` is a valid header of segment `first_lsn`; its salt (0: version 1). */
static bool header_valid(const uint8_t h[HDR], uint64_t first_lsn, uint32_t *salt) {
    uint32_t version = get32(h + 8);
    *salt = get32(h + 24);
    bool salt_ok = version == 1 ? *salt == 0 : version == SEG_VERSION && *salt != 0;
    return memcmp(h, SEG_MAGIC, 8) == 0 && salt_ok && get32(h + 12) == HDR && get64(h + 16) == first_lsn &&
           get32(h + 28) == jf_crc32c_hw(0, h, 28);
}

/*------------------------------------------------------------------------------
 * The core: one per open directory
 *----------------------------------------------------------------------------*/

typedef enum core_state { CORE_OPENING, CORE_READY, CORE_CLOSING } core_state;

typedef struct read_pos {
    uint64_t lsn;       /* the next record to read */
    uint64_t seg_first; /* its segment */
    uint64_t offset;    /* its offset there; 0 = unused entry */
} read_pos;

typedef struct wal_core {
    /* Registry (under reg_lock). */
    struct wal_core *next;
    dev_t dev;
    ino_t ino;
    core_state state;
    uint32_t refs;  /* open handles */
    uint32_t users; /* calls in flight */

    /* Fixed after open. */
    char *path;
    int dirfd, lockfd;
    uint64_t segment_size;
    uint32_t max_record;
    uint64_t buffer_size;

    /* Under mu. */
    jf_mutex mu;
    jf_cond cv;
    uint64_t *segs;  /* first LSN of each segment, ascending; the last is active */
    uint32_t *salts; /* each segment's salt (0: version 1) */
    size_t nsegs, segcap;
    int fd;             /* active segment, O_APPEND */
    uint64_t seg_bytes; /* active segment's size including buffered frames */
    uint64_t written_bytes, durable_bytes; /* its size as written, and as last synced */
    /* The active segment was found by recovery: the next append starts a
     * segment of its own (with a new salt) rather than write after bytes a
     * power loss may have put back (a dead generation's frames). */
    bool need_fresh;
    uint64_t first_lsn, next_lsn, written_lsn, synced_lsn;
    jf_buf buf;   /* frames appended, not yet written */
    jf_buf spare; /* the other buffer; the I/O thread holds it while writing */
    bool io_busy;
    bool poisoned;
    jf_error poison;
    uint64_t appends, syncs, bytes;
    read_pos cache[CACHE_SLOTS];
    unsigned cache_next;
    /* Group commit: threads inside a sync call, the leader gathering their
     * records, and how long the last fsync took (the gathering budget). */
    _Atomic int syncers;
    bool gathering;
    jf_cond gather_cv;
    uint64_t last_sync_ns;
} wal_core;

static void core_free(wal_core *w) {
    if (!w) return;
    io_close(w->fd);
    io_close(w->dirfd);
    io_close(w->lockfd); /* releases the flock */
    jf_buf_release(&w->buf);
    jf_buf_release(&w->spare);
    jf_free(w->segs);
    jf_free(w->salts);
    jf_free(w->path);
    jf_cond_destroy(&w->cv);
    jf_cond_destroy(&w->gather_cv);
    jf_mutex_destroy(&w->mu);
    jf_free(w);
}

static bool segs_push(wal_core *w, uint64_t first_lsn, uint32_t salt) {
    if (w->nsegs == w->segcap) {
        size_t cap = w->segcap ? w->segcap * 2 : 16;
        uint64_t *grown = jf_realloc(w->segs, cap * sizeof *grown);
        if (!grown) return false;
        w->segs = grown;
        uint32_t *salts = jf_realloc(w->salts, cap * sizeof *salts);
        if (!salts) return false;
        w->salts = salts;
        w->segcap = cap;
    }
    w->salts[w->nsegs] = salt;
    w->segs[w->nsegs++] = first_lsn;
    return true;
}

/* Marks the log unusable after a failed write or sync (see jsonflat.h).
 * With the I/O claimed (io_busy or during a rotation). The active segment is
 * then cut back to what its last successful sync covered: after a failed
 * fsync the kernel may keep showing pages it never wrote (and will not write
 * again), and a later open must not take records from them that a power loss
 * would then remove from under records acknowledged after them. Best effort:
 * if the cut fails too, the disk is failing and so will the next open. */
static void poison(wal_core *w, const char *what, uint64_t seg_first, int e) {
    if (w->poisoned) return;
    char name[NAME_SIZE];
    seg_name(name, seg_first, "");
    w->poisoned = true;
    wal_error(&w->poison, JF_IO, 0, "write-ahead log %.60s: %s (segment %s) failed: %s; close and reopen it",
              w->path, what, name, strerror(e));
    jf_logf(JF_LOG_ERROR, "%s", w->poison.message);
    if (w->fd >= 0 && !w->need_fresh && w->written_bytes != w->durable_bytes) {
        int ce = io_ftruncate(w->fd, w->durable_bytes);
        if (!ce) ce = data_sync(w->fd);
        if (ce)
            jf_logf(JF_LOG_ERROR, "write-ahead log %.100s: cannot cut segment %s back to its last synced size: %s",
                    w->path, name, strerror(ce));
        else w->written_bytes = w->durable_bytes;
    }
}

static int32_t poisoned_error(wal_core *w, jf_error *error) {
    if (error) *error = w->poison;
    return JF_IO;
}

/* Creates segment `first_lsn` with a new salt: <name>.tmp, header, fsync,
 * rename (over a segment of that name holding no record, if any), fsync of
 * the directory. Returns its fd (O_APPEND) or -1 with errno-based error. */
static int segment_create(wal_core *w, uint64_t first_lsn, uint32_t *salt, jf_error *error) {
    char name[NAME_SIZE], tmp[NAME_SIZE];
    seg_name(name, first_lsn, "");
    seg_name(tmp, first_lsn, ".tmp");
    int fd = open_at(w->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    const char *step = "create";
    int e = fd < 0 ? errno : 0;
    if (!e) {
        uint8_t h[HDR];
        *salt = io()->salt(io()->ctx);
        if (!*salt) *salt = 1; /* 0 means version 1 */
        header_encode(h, first_lsn, *salt);
        step = "write the header of";
        e = write_all(fd, h, HDR);
        if (!e) {
            step = "fsync";
            e = full_sync(fd);
        }
        if (!e) {
            step = "rename";
            e = io_rename(w->dirfd, tmp, name);
        }
        if (!e) {
            step = "fsync the directory after creating";
            e = full_sync(w->dirfd);
        }
    }
    if (e) {
        wal_error(error, JF_IO, 0, "write-ahead log %.80s: cannot %s segment %s: %s", w->path, step, name,
                  strerror(e));
        if (fd >= 0) {
            io_close(fd);
            io()->unlinkat(io()->ctx, w->dirfd, tmp);
        }
        errno = e;
        return -1;
    }
    return fd;
}

/*------------------------------------------------------------------------------
 * Group commit
 *----------------------------------------------------------------------------*/

/* Longest a leader waits for other syncing threads to add their records. */
#define MAX_GATHER_NS 1000000u

/* With w->mu held, before leading a sync: while fewer records are waiting
 * than threads are inside a sync call, wait (at most as long as the last
 * fsync took, and 1 ms) for them to append. Without this, threads woken by
 * one fsync miss the next one, whose leader has already taken the buffer,
 * and the batches alternate between two halves of the writers. */
static void gather(wal_core *w) {
    uint64_t budget = w->last_sync_ns < MAX_GATHER_NS ? w->last_sync_ns : MAX_GATHER_NS;
    if (!budget) return;
    uint64_t start = jf_monotonic_ns();
    w->gathering = true;
    while (!w->poisoned &&
           w->next_lsn - 1 - w->synced_lsn < (uint64_t)atomic_load_explicit(&w->syncers, memory_order_relaxed)) {
        uint64_t spent = jf_monotonic_ns() - start;
        if (spent >= budget) break;
        jf_cond_wait_ns(&w->gather_cv, &w->mu, budget - spent);
    }
    w->gathering = false;
}

/* With w->mu held: returns once every record up to `lsn` is written (and
 * synced, with `sync`). The first waiter that finds no I/O in progress
 * leads: it gathers (above), takes the whole buffer, releases the mutex,
 * writes it with one write and syncs once, then wakes everyone; the others
 * wait. */
static int32_t wait_for(wal_core *w, uint64_t lsn, bool sync, jf_error *error) {
    bool gathered = false;
    for (;;) {
        if (w->poisoned) return poisoned_error(w, error);
        if (sync ? w->synced_lsn >= lsn : w->written_lsn >= lsn) return JF_OK;
        if (w->io_busy || w->gathering) {
            jf_cond_wait(&w->cv, &w->mu);
            continue;
        }
        if (sync && !gathered) {
            gathered = true;
            gather(w);
            continue; /* the mutex was released: look again */
        }
        w->io_busy = true;
        jf_buf out = w->buf;
        w->buf = w->spare;
        uint64_t target = w->next_lsn - 1;
        uint64_t seg_first = w->segs[w->nsegs - 1];
        int fd = w->fd;
        bool need_sync = sync;
        jf_mutex_unlock(&w->mu);
        int we = out.len ? write_all(fd, out.data, out.len) : 0;
        uint64_t t0 = jf_monotonic_ns();
        int se = !we && need_sync ? data_sync(fd) : 0;
        uint64_t took = jf_monotonic_ns() - t0;
        jf_mutex_lock(&w->mu);
        if (need_sync) w->last_sync_ns = took;
        size_t wrote = out.len;
        out.len = 0;
        out.failed = false;
        w->spare = out;
        if (we) {
            w->written_bytes = UINT64_MAX; /* unknown: some bytes may have gone */
            poison(w, "write", seg_first, we);
        } else {
            w->written_bytes += wrote;
            if (se) poison(w, "fdatasync", seg_first, se);
            else {
                w->written_lsn = target;
                w->bytes += wrote;
                if (need_sync) {
                    w->synced_lsn = target;
                    w->durable_bytes = w->written_bytes;
                    w->syncs++;
                }
            }
        }
        w->io_busy = false;
        jf_cond_broadcast(&w->cv);
    }
}

/* With w->mu held and no I/O in progress (claimed): closes the active
 * segment durably and starts segment `next_lsn` (in place of the active
 * one when it holds no record: a segment recovery found empty). */
static int32_t rotate(wal_core *w, jf_error *error) {
    uint64_t old_first = w->segs[w->nsegs - 1];
    if (w->buf.len) {
        int e = write_all(w->fd, w->buf.data, w->buf.len);
        if (e) {
            w->written_bytes = UINT64_MAX;
            poison(w, "write", old_first, e);
            return poisoned_error(w, error);
        }
        w->bytes += w->buf.len;
        w->written_bytes += w->buf.len;
        w->buf.len = 0;
    }
    w->written_lsn = w->next_lsn - 1;
    /* A recovered segment was synced by the open, and nothing was written to it since. */
    int e = w->need_fresh ? 0 : data_sync(w->fd);
    if (e) {
        poison(w, "fdatasync", old_first, e);
        return poisoned_error(w, error);
    }
    if (!w->need_fresh) w->syncs++;
    w->synced_lsn = w->written_lsn;
    w->durable_bytes = w->written_bytes;
    bool replace = w->next_lsn == old_first;
    if (!replace && !segs_push(w, w->next_lsn, 0)) {
        wal_error(error, JF_OUT_OF_MEMORY, 0, "out of memory for the segment list");
        return JF_OUT_OF_MEMORY;
    }
    uint32_t salt = 0;
    int fd = segment_create(w, w->next_lsn, &salt, error);
    if (fd < 0) {
        int ce = errno;
        if (!replace) w->nsegs--;
        poison(w, "creating the segment after", old_first, ce);
        return JF_IO;
    }
    w->salts[w->nsegs - 1] = salt;
    io_close(w->fd);
    w->fd = fd;
    w->seg_bytes = w->written_bytes = w->durable_bytes = HDR;
    w->need_fresh = false;
    return JF_OK;
}

/* With w->mu held: appends one frame to the buffer (rotating first when it
 * would not fit in the active segment). */
static int32_t append_locked(wal_core *w, const uint8_t *data, uint32_t len, uint32_t payload_crc, uint64_t *lsn,
                             jf_error *error) {
    uint64_t need = FRAME + (uint64_t)len;
    for (;;) {
        if (w->poisoned) return poisoned_error(w, error);
        if (!w->need_fresh && (w->seg_bytes <= HDR || w->seg_bytes + need <= w->segment_size)) break;
        if (w->io_busy) { /* someone else's I/O must finish before the segment can close */
            jf_cond_wait(&w->cv, &w->mu);
            continue;
        }
        w->io_busy = true;
        int32_t rc = rotate(w, error);
        w->io_busy = false;
        jf_cond_broadcast(&w->cv);
        if (rc) return rc;
    }
    if (!jf_buf_reserve(&w->buf, (size_t)need)) {
        w->buf.failed = false; /* the bytes already there are intact */
        wal_error(error, JF_OUT_OF_MEMORY, 0, "out of memory for a %u-byte record", len);
        return JF_OUT_OF_MEMORY;
    }
    if (w->next_lsn > LSN_MASK) {
        wal_error(error, JF_IO, 0, "write-ahead log %.80s: no log sequence numbers left (2^48 used)", w->path);
        return JF_IO;
    }
    uint64_t n = w->next_lsn++;
    uint32_t salt = w->salts[w->nsegs - 1];
    uint64_t field = lsn_field(n, w->synced_lsn, salt);
    uint8_t *f = w->buf.data + w->buf.len;
    put32(f + 4, len);
    put64(f + 8, field);
    put32(f, frame_crc(payload_crc, len, field, salt));
    if (len) memcpy(f + FRAME, data, len);
    w->buf.len += (size_t)need;
    w->seg_bytes += need;
    w->appends++;
    if (w->gathering) jf_cond_broadcast(&w->gather_cv);
    if (lsn) *lsn = n;
    return JF_OK;
}

/*------------------------------------------------------------------------------
 * Handles and the registry
 *----------------------------------------------------------------------------*/

typedef struct slot {
    wal_core *core;
    uint32_t gen; /* 1..2^20-1, bumped on every use of the slot */
} slot;

static jf_mutex reg_lock = JF_MUTEX_INIT;
static jf_cond reg_cv = JF_COND_INIT;
static wal_core *cores;
static slot slots[MAX_SLOTS];
static uint32_t slot_cursor;

static wal_core *acquire(uint32_t handle, jf_error *error) {
    uint32_t s = handle & (MAX_SLOTS - 1), gen = handle >> SLOT_BITS;
    jf_mutex_lock(&reg_lock);
    wal_core *w = s && gen && slots[s].gen == gen ? slots[s].core : NULL;
    if (w) w->users++;
    jf_mutex_unlock(&reg_lock);
    if (!w) wal_error(error, JF_IO, 0, "write-ahead log handle %u is closed or was never opened", handle);
    return w;
}

static void registry_unlink(wal_core *w) {
    for (wal_core **p = &cores; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
}

/* Writes out what is still buffered before the core goes (close raced with
 * an append), then seals the active segment: a frame after its last record
 * saying every record was durable, so that recovery tells damage to them
 * from a torn tail (see damage_is_durable). Not for a segment recovery found
 * (nothing is written after bytes a power loss may have put back), nor an
 * empty one. Failures can only be logged here: the records were synced. */
static void core_destroy(wal_core *w) {
    if (w->fd >= 0 && !w->poisoned) {
        int e = w->buf.len ? write_all(w->fd, w->buf.data, w->buf.len) : 0;
        if (!e && w->synced_lsn < w->next_lsn - 1) { /* buffered, or written out by an append racing the close */
            e = data_sync(w->fd);
            if (!e) w->synced_lsn = w->next_lsn - 1;
        }
        uint32_t salt = w->salts[w->nsegs - 1];
        if (!e && !w->need_fresh && salt && w->next_lsn > w->segs[w->nsegs - 1]) {
            uint8_t seal[FRAME];
            put32(seal + 4, 0);
            put64(seal + 8, w->synced_lsn);
            put32(seal, frame_crc(0, 0, w->synced_lsn, salt));
            e = write_all(w->fd, seal, FRAME);
            if (!e) e = data_sync(w->fd);
        }
        if (e) jf_logf(JF_LOG_ERROR, "write-ahead log %.100s: final write at close failed: %s", w->path, strerror(e));
    }
    core_free(w);
}

static void release(wal_core *w) {
    jf_mutex_lock(&reg_lock);
    w->users--;
    bool gone = w->state == CORE_CLOSING && w->users == 0;
    if (gone) {
        registry_unlink(w);
        jf_cond_broadcast(&reg_cv);
    }
    jf_mutex_unlock(&reg_lock);
    if (gone) core_destroy(w);
}

/* With reg_lock held: a free slot's handle, or 0. */
static uint32_t slot_take(wal_core *w) {
    for (uint32_t i = 0; i < MAX_SLOTS - 1; i++) {
        uint32_t s = 1 + (slot_cursor + i) % (MAX_SLOTS - 1);
        if (slots[s].core) continue;
        slot_cursor = s;
        uint32_t gen = (slots[s].gen + 1) & ((1u << (32 - SLOT_BITS)) - 1);
        if (!gen) gen = 1;
        slots[s].gen = gen;
        slots[s].core = w;
        return gen << SLOT_BITS | s;
    }
    return 0;
}

/*------------------------------------------------------------------------------
 * Recovery
 *----------------------------------------------------------------------------*/

typedef struct listing {
    uint64_t *firsts;
    size_t n, cap;
} listing;

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* "<20 digits>.wal" -> its LSN. */
static bool parse_seg_name(const char *s, uint64_t *lsn) {
    if (strlen(s) != 24 || strcmp(s + 20, ".wal") != 0) return false;
    uint64_t v = 0;
    for (int i = 0; i < 20; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *lsn = v;
    return true;
}

typedef struct listing_state {
    listing *out;
    jf_buf tmps; /* names of leftover *.wal.tmp files, NUL-terminated, one after another */
    bool oom;
} listing_state;

static int list_one(void *arg, const char *name) {
    listing_state *st = arg;
    listing *out = st->out;
    uint64_t lsn;
    size_t nl = strlen(name);
    if (parse_seg_name(name, &lsn)) {
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            uint64_t *grown = jf_realloc(out->firsts, cap * sizeof *grown);
            if (!grown) {
                st->oom = true;
                return 1;
            }
            out->firsts = grown;
            out->cap = cap;
        }
        out->firsts[out->n++] = lsn;
    } else if (nl == 28 && strcmp(name + 20, ".wal.tmp") == 0) {
        jf_buf_put(&st->tmps, name, nl + 1); /* a failure sets tmps.failed */
    }
    return 0;
}

/* Lists the segments (sorted) and removes leftover *.wal.tmp files (after
 * the listing: removing entries while reading a directory is not portable). */
static int32_t list_segments(wal_core *w, listing *out, jf_error *error) {
    listing_state st;
    st.out = out;
    st.oom = false;
    jf_buf_init(&st.tmps, 0);
    int r = io()->list(io()->ctx, w->dirfd, list_one, &st);
    int32_t rc = JF_OK;
    if (r < 0) {
        wal_error(error, JF_IO, 0, "write-ahead log %.100s: cannot list the directory: %s", w->path,
                  strerror(err_or_eio()));
        rc = JF_IO;
    } else if (st.oom || st.tmps.failed) {
        wal_error(error, JF_OUT_OF_MEMORY, 0, "out of memory listing segments");
        rc = JF_OUT_OF_MEMORY;
    }
    if (rc == JF_OK && st.tmps.len) {
        /* Segments that never got their name. */
        for (size_t at = 0; at < st.tmps.len; at += strlen((const char *)st.tmps.data + at) + 1)
            io()->unlinkat(io()->ctx, w->dirfd, (const char *)st.tmps.data + at);
        full_sync(w->dirfd);
    }
    jf_buf_release(&st.tmps);
    if (rc == JF_OK && out->n) qsort(out->firsts, out->n, sizeof *out->firsts, cmp_u64);
    return rc;
}

/* Salvage: copies [off, end) of segment `first` to <name>.corrupt, cuts the
 * segment at `off`; every later segment is renamed to <name>.corrupt. */
static int32_t salvage(wal_core *w, const listing *ls, size_t i, uint64_t off, uint64_t size,
                       jf_wal_open_result *res) {
    char name[NAME_SIZE], aside[NAME_SIZE];
    uint64_t moved = 0;
    int e = 0;
    seg_name(name, ls->firsts[i], "");
    seg_name(aside, ls->firsts[i], ".corrupt");
    if (off <= HDR) { /* nothing valid in it: the whole file goes aside */
        e = io_rename(w->dirfd, name, aside);
        moved += size;
    } else {
        int src = open_at(w->dirfd, name, O_RDWR, 0);
        int dst = src >= 0 ? open_at(w->dirfd, aside, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
        if (src < 0 || dst < 0) e = err_or_eio();
        uint8_t chunk[8192];
        for (uint64_t p = off; !e && p < size;) {
            size_t want = size - p < sizeof chunk ? (size_t)(size - p) : sizeof chunk, got;
            e = pread_all(src, chunk, want, p, &got);
            if (!e && !got) break;
            if (!e) e = write_all(dst, chunk, got);
            p += got;
        }
        if (!e) e = full_sync(dst);
        if (!e) e = io_ftruncate(src, off);
        if (!e) e = full_sync(src);
        io_close(dst);
        io_close(src);
        moved += size - off;
    }
    for (size_t j = i + 1; !e && j < ls->n; j++) {
        char n2[NAME_SIZE], a2[NAME_SIZE];
        seg_name(n2, ls->firsts[j], "");
        seg_name(a2, ls->firsts[j], ".corrupt");
        struct stat st;
        if (io()->fstatat(io()->ctx, w->dirfd, n2, &st) == 0) moved += (uint64_t)st.st_size;
        e = io_rename(w->dirfd, n2, a2);
    }
    if (!e) e = full_sync(w->dirfd);
    if (e) {
        wal_error(&res->error, JF_IO, off, "write-ahead log %.80s: salvage of segment %s failed: %s", w->path, name,
                  strerror(e));
        return JF_IO;
    }
    res->salvaged_bytes = moved;
    snprintf(res->torn_segment, sizeof res->torn_segment, "%s", name);
    jf_logf(JF_LOG_WARN,
            "write-ahead log %.100s: salvaged: kept the records before offset %" PRIu64 " of segment %s, moved %" PRIu64
            " bytes aside to *.corrupt",
            w->path, off, name, moved);
    return JF_OK;
}

/* Cuts segment `name` (of `size` bytes) at `bad`, durably, and reports it. */
static int32_t cut_tail(wal_core *w, const char *name, uint64_t bad, uint64_t size, uint64_t expected,
                        jf_wal_open_result *res) {
    int fd = open_at(w->dirfd, name, O_WRONLY, 0);
    int e = fd < 0 ? err_or_eio() : 0;
    if (!e) e = io_ftruncate(fd, bad);
    if (!e) e = full_sync(fd);
    io_close(fd);
    if (e) {
        wal_error(&res->error, JF_IO, bad, "write-ahead log %.80s: cannot cut the torn tail of segment %s: %s",
                  w->path, name, strerror(e));
        return JF_IO;
    }
    res->torn_bytes = size - bad;
    res->torn_offset = bad;
    snprintf(res->torn_segment, sizeof res->torn_segment, "%s", name);
    jf_logf(JF_LOG_WARN,
            "write-ahead log %.100s: cut a torn tail of %" PRIu64 " bytes at offset %" PRIu64
            " of segment %s (records up to %" PRIu64 " kept)",
            w->path, size - bad, bad, name, expected - 1);
    return JF_OK;
}

/* Scans every segment, cuts a torn tail, refuses (or salvages) damage, and
 * leaves w with its segment list, LSNs and the active segment open. */
static int32_t recover(wal_core *w, bool salvage_on, jf_wal_open_result *res) {
    listing ls = { NULL, 0, 0 };
    int32_t rc = list_segments(w, &ls, &res->error);
    reader r = { -1, 0, NULL, 0, 0, 0, 0 };
    uint64_t expected = ls.n ? ls.firsts[0] : 1, records = 0;
    size_t kept = ls.n; /* segments that stay in the log */
    uint32_t *salts = ls.n ? jf_malloc(ls.n * sizeof *salts) : NULL;
    if (rc == JF_OK && ls.n && !salts) {
        wal_error(&res->error, JF_OUT_OF_MEMORY, 0, "out of memory for the segment list");
        rc = JF_OUT_OF_MEMORY;
    }
    for (size_t i = 0; rc == JF_OK && i < ls.n; i++) {
        char name[NAME_SIZE];
        seg_name(name, ls.firsts[i], "");
        bool last = i + 1 == ls.n;
        io_close(r.fd);
        r.fd = open_at(w->dirfd, name, O_RDONLY, 0);
        struct stat st;
        int oe = r.fd < 0 ? err_or_eio() : io_fstat(r.fd, &st);
        if (oe) {
            wal_error(&res->error, JF_IO, 0, "write-ahead log %.80s: cannot open segment %s: %s", w->path, name,
                      strerror(oe));
            rc = JF_IO;
            break;
        }
        r.size = (uint64_t)st.st_size;
        r.base = r.len = 0;
        r.err = 0;
        /* Damage found at `bad` (0: the header or a gap). */
        uint64_t bad = UINT64_MAX;
        const char *why = NULL;
        const uint8_t *h = reader_get(&r, 0, HDR);
        if (!h && r.err) {
            why = "unreadable";
        } else if (r.size < HDR && last && ls.firsts[i] == expected) {
            /* A segment cut short while being created (only possible if the
             * file system reorders the rename before the data): no records;
             * it is created again below. */
            io_close(r.fd);
            r.fd = -1;
            io()->unlinkat(io()->ctx, w->dirfd, name);
            full_sync(w->dirfd);
            res->torn_bytes = r.size;
            res->torn_offset = 0;
            snprintf(res->torn_segment, sizeof res->torn_segment, "%s", name);
            jf_logf(JF_LOG_WARN, "write-ahead log %.100s: removed segment %s cut short at %" PRIu64 " bytes", w->path,
                    name, r.size);
            kept = i;
            break;
        } else if (!h || !header_valid(h, ls.firsts[i], &salts[i])) {
            bad = 0;
            why = "damaged segment header";
        } else if (ls.firsts[i] != expected) {
            bad = 0;
            why = ls.firsts[i] > expected ? "records missing before this segment" : "segment overlaps the one before";
        }
        uint64_t off = HDR;
        uint32_t salt = why ? 0 : salts[i];
        while (!why) {
            frame f;
            frame_status s = frame_read(&r, off, expected, salt, JF_WAL_MAX_RECORD, &f);
            if (s == FRAME_END) break;
            if (s == FRAME_IOERR) {
                why = "unreadable";
                break;
            }
            if (s == FRAME_BAD && seal_at(&r, off, expected - 1, salt)) {
                off += FRAME; /* the segment was closed cleanly here */
                continue;
            }
            if (s == FRAME_BAD) {
                bad = off;
                why = "damaged record";
                break;
            }
            off += FRAME + f.len;
            expected++;
            records++;
        }
        if (why && strcmp(why, "unreadable") == 0) {
            wal_error(&res->error, JF_IO, off, "write-ahead log %.80s: cannot read segment %s: %s", w->path, name,
                      strerror(r.err ? r.err : EIO));
            rc = JF_IO;
            break;
        }
        if (!why) continue;
        /* A torn tail: damage in the last segment that nothing after it proves
         * was durable. (A length pointing past the end is no proof of a torn
         * write: a flipped length bit does the same, so look at what follows
         * anyway.) */
        /* Or damage after the last record of an earlier segment, the next one
         * starting with the record expected here: no record is there to lose
         * (a seal whose write a failed fsync or a power loss left unfinished). */
        bool torn = last ? !damage_is_durable(&r, bad, expected, salt, JF_WAL_MAX_RECORD)
                         : ls.firsts[i + 1] == expected;
        if (bad >= HDR && bad != UINT64_MAX && torn) {
            io_close(r.fd);
            r.fd = -1;
            rc = cut_tail(w, name, bad, r.size, expected, res);
            if (rc || last) break;
            continue;
        }
        if (r.err) {
            wal_error(&res->error, JF_IO, bad, "write-ahead log %.80s: cannot read segment %s: %s", w->path, name,
                      strerror(r.err));
            rc = JF_IO;
            break;
        }
        if (!salvage_on) {
            wal_error(&res->error, JF_CORRUPT, bad,
                      "write-ahead log %.60s: %s in segment %s at offset %" PRIu64
                      " (record %" PRIu64 "); valid data follows, so it is not a torn tail: open with salvage to keep "
                      "only the records before it",
                      w->path, why, name, bad, expected);
            jf_logf(JF_LOG_ERROR, "%s", res->error.message);
            rc = JF_CORRUPT;
            break;
        }
        io_close(r.fd);
        r.fd = -1;
        rc = salvage(w, &ls, i, bad, r.size, res);
        kept = bad <= HDR ? i : i + 1;
        break;
    }
    io_close(r.fd);
    reader_release(&r);

    if (rc == JF_OK) {
        for (size_t i = 0; i < kept && rc == JF_OK; i++)
            if (!segs_push(w, ls.firsts[i], salts[i])) {
                wal_error(&res->error, JF_OUT_OF_MEMORY, 0, "out of memory for the segment list");
                rc = JF_OUT_OF_MEMORY;
            }
    }
    if (rc == JF_OK) {
        if (kept == 0) {
            if (!segs_push(w, expected, 0)) {
                wal_error(&res->error, JF_OUT_OF_MEMORY, 0, "out of memory for the segment list");
                rc = JF_OUT_OF_MEMORY;
            } else {
                w->fd = segment_create(w, expected, &w->salts[0], &res->error);
                if (w->fd < 0) rc = JF_IO;
                w->seg_bytes = w->written_bytes = w->durable_bytes = HDR;
            }
        } else {
            char name[NAME_SIZE];
            seg_name(name, w->segs[w->nsegs - 1], "");
            w->fd = open_at(w->dirfd, name, O_WRONLY | O_APPEND, 0);
            struct stat st;
            int e = w->fd < 0 ? err_or_eio() : io_fstat(w->fd, &st);
            if (!e) e = data_sync(w->fd);
            /* data_sync: what a killed process left behind is durable from here on */
            if (e) {
                wal_error(&res->error, JF_IO, 0, "write-ahead log %.80s: cannot open segment %s for appending: %s",
                          w->path, name, strerror(e));
                rc = JF_IO;
            }
            else w->seg_bytes = w->written_bytes = w->durable_bytes = (uint64_t)st.st_size;
            w->need_fresh = true;
        }
    }
    if (rc == JF_OK) {
        w->first_lsn = w->segs[0];
        w->next_lsn = expected;
        w->written_lsn = w->synced_lsn = expected - 1;
        res->records = records;
        jf_logf(JF_LOG_DEBUG,
                "write-ahead log %.100s: opened, %" PRIu64 " records in %zu segments, next LSN %" PRIu64, w->path,
                records, w->nsegs, expected);
    }
    jf_free(ls.firsts);
    jf_free(salts);
    return rc;
}

/*------------------------------------------------------------------------------
 * Open and close
 *----------------------------------------------------------------------------*/

static void fill_open_result(wal_core *w, jf_wal_open_result *res) {
    jf_mutex_lock(&w->mu);
    res->first_lsn = w->first_lsn;
    res->next_lsn = w->next_lsn;
    res->segments = w->nsegs;
    jf_mutex_unlock(&w->mu);
}

/* Creates `path` when missing (one level), then fsyncs its parent, whether
 * this open created it or an earlier one did (which may have failed at that
 * very fsync): until then a power loss may take the directory, and every
 * record in it, away. A parent that cannot be opened for reading (no read
 * permission) is passed over when the directory already existed. */
static int32_t make_dir(const char *path, bool create, jf_error *error) {
    struct stat st;
    bool existed = io()->stat(io()->ctx, path, &st) == 0;
    if (existed && !S_ISDIR(st.st_mode)) {
        wal_error(error, JF_IO, 0, "write-ahead log %.150s: not a directory", path);
        return JF_IO;
    }
    if (!existed && (!create || errno != ENOENT)) {
        wal_error(error, JF_IO, 0, "write-ahead log %.150s: %s", path, strerror(errno));
        return JF_IO;
    }
    if (!existed && io()->mkdir(io()->ctx, path, 0755) != 0 && errno != EEXIST) {
        wal_error(error, JF_IO, 0, "write-ahead log %.150s: cannot create the directory: %s", path, strerror(errno));
        return JF_IO;
    }
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    while (n > 0 && path[n - 1] != '/') n--;
    char *parent = jf_malloc(n + 2);
    if (!parent) {
        wal_error(error, JF_OUT_OF_MEMORY, 0, "out of memory");
        return JF_OUT_OF_MEMORY;
    }
    if (n == 0) memcpy(parent, ".", 2);
    else {
        memcpy(parent, path, n);
        parent[n] = 0;
    }
    int e = 0;
    int fd = io()->open(io()->ctx, parent, O_RDONLY);
    if (fd < 0) e = err_or_eio();
    else {
        e = full_sync(fd);
        io_close(fd);
    }
    if (fd < 0 && existed && (e == EACCES || e == EPERM)) e = 0;
    int32_t rc = JF_OK;
    if (e) {
        wal_error(error, JF_IO, 0, "write-ahead log %.150s: cannot fsync its parent directory %.80s: %s", path, parent,
                  strerror(e));
        rc = JF_IO;
    }
    jf_free(parent);
    return rc;
}

static int32_t check_options(const jf_wal_options *o, jf_error *error) {
    if (!o) return JF_OK;
    const char *bad = NULL;
    if (o->segment_size && o->segment_size < JF_WAL_MIN_SEGMENT) bad = "segment_size must be at least 4096 bytes";
    else if (o->max_record > JF_WAL_MAX_RECORD) bad = "max_record must be at most 1 GiB";
    else if (o->flags & ~(uint32_t)(JF_WAL_SALVAGE | JF_WAL_NO_CREATE)) bad = "unknown flag bits";
    else if (o->buffer_size > ((uint64_t)1 << 30)) bad = "buffer_size must be at most 1 GiB";
    else if (o->reserved) bad = "reserved must be 0";
    if (!bad) return JF_OK;
    wal_error(error, JF_INVALID_OPTION, 0, "invalid write-ahead log option: %s", bad);
    return JF_INVALID_OPTION;
}

JF_API uint32_t jf_wal_open(const uint8_t *dir, size_t dir_length, const jf_wal_options *options,
                            jf_wal_open_result *res) {
    if (!res) return 0;
    memset(res, 0, sizeof *res);
    if (!dir || !dir_length || memchr(dir, 0, dir_length)) {
        wal_error(&res->error, JF_INVALID_OPTION, 0, "write-ahead log directory is empty or holds a NUL byte");
        return 0;
    }
    if (check_options(options, &res->error)) return 0;
    jf_wal_options o;
    memset(&o, 0, sizeof o);
    if (options) o = *options;

    char *path = jf_malloc(dir_length + 1);
    if (!path) {
        wal_error(&res->error, JF_OUT_OF_MEMORY, 0, "out of memory");
        return 0;
    }
    memcpy(path, dir, dir_length);
    path[dir_length] = 0;
    if (make_dir(path, !(o.flags & JF_WAL_NO_CREATE), &res->error)) {
        jf_free(path);
        return 0;
    }
    struct stat st;
    if (io()->stat(io()->ctx, path, &st) != 0) {
        wal_error(&res->error, JF_IO, 0, "write-ahead log %.150s: %s", path, strerror(errno));
        jf_free(path);
        return 0;
    }

    /* The same directory already open in this process: share it. */
    jf_mutex_lock(&reg_lock);
    wal_core *w;
    for (;;) {
        for (w = cores; w && !(w->dev == st.st_dev && w->ino == st.st_ino); w = w->next) {
        }
        if (!w || w->state == CORE_READY) break;
        jf_cond_wait(&reg_cv, &reg_lock); /* being opened or closed by another thread */
    }
    if (w) {
        uint32_t h = slot_take(w);
        if (h) {
            w->refs++;
            w->users++;
        }
        jf_mutex_unlock(&reg_lock);
        jf_free(path);
        if (!h) {
            wal_error(&res->error, JF_IO, 0, "too many open write-ahead log handles (%u)", MAX_SLOTS - 1);
            return 0;
        }
        fill_open_result(w, res);
        res->shared = 1;
        release(w);
        return h;
    }
    w = jf_malloc(sizeof *w);
    if (!w) {
        jf_mutex_unlock(&reg_lock);
        jf_free(path);
        wal_error(&res->error, JF_OUT_OF_MEMORY, 0, "out of memory");
        return 0;
    }
    memset(w, 0, sizeof *w);
    w->dev = st.st_dev;
    w->ino = st.st_ino;
    w->state = CORE_OPENING;
    w->path = path;
    w->dirfd = w->lockfd = w->fd = -1;
    w->segment_size = o.segment_size ? o.segment_size : JF_WAL_DEFAULT_SEGMENT;
    w->max_record = o.max_record ? o.max_record : JF_WAL_DEFAULT_RECORD;
    w->buffer_size = o.buffer_size ? o.buffer_size : JF_WAL_DEFAULT_BUFFER;
    jf_mutex_init(&w->mu);
    jf_cond_init(&w->cv);
    jf_cond_init(&w->gather_cv);
    w->next = cores;
    cores = w;
    jf_mutex_unlock(&reg_lock);

    /* Recovery, without the registry lock (other logs stay usable). */
    int32_t rc = JF_OK;
    w->dirfd = io()->open(io()->ctx, path, O_RDONLY | O_DIRECTORY);
    if (w->dirfd < 0) {
        wal_error(&res->error, JF_IO, 0, "write-ahead log %.150s: cannot open the directory: %s", path, strerror(errno));
        rc = JF_IO;
    }
    if (!rc) {
        w->lockfd = open_at(w->dirfd, "wal.lock", O_RDWR | O_CREAT, 0644);
        if (w->lockfd < 0) {
            wal_error(&res->error, JF_IO, 0, "write-ahead log %.150s: cannot create wal.lock: %s", path,
                      strerror(errno));
            rc = JF_IO;
        } else if (io()->flock(io()->ctx, w->lockfd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            if (e == EWOULDBLOCK) wal_error(&res->error, JF_IO, 0, "write-ahead log %.150s: locked by another process", path);
            else wal_error(&res->error, JF_IO, 0, "write-ahead log %.150s: cannot lock wal.lock: %s", path, strerror(e));
            rc = JF_IO;
        }
    }
    if (!rc) rc = recover(w, (o.flags & JF_WAL_SALVAGE) != 0, res);

    jf_mutex_lock(&reg_lock);
    uint32_t h = 0;
    if (!rc) {
        h = slot_take(w);
        if (!h) {
            wal_error(&res->error, JF_IO, 0, "too many open write-ahead log handles (%u)", MAX_SLOTS - 1);
            rc = JF_IO;
        }
    }
    if (rc) registry_unlink(w);
    else {
        w->state = CORE_READY;
        w->refs = 1;
    }
    jf_cond_broadcast(&reg_cv);
    jf_mutex_unlock(&reg_lock);
    if (rc) {
        core_free(w);
        return 0;
    }
    fill_open_result(w, res);
    return h;
}

JF_API int32_t jf_wal_close(uint32_t handle, jf_error *error) {
    if (error) memset(error, 0, sizeof *error);
    uint32_t s = handle & (MAX_SLOTS - 1), gen = handle >> SLOT_BITS;
    jf_mutex_lock(&reg_lock);
    wal_core *w = s && gen && slots[s].gen == gen ? slots[s].core : NULL;
    bool last = false;
    if (w) {
        slots[s].core = NULL;
        w->refs--;
        last = w->refs == 0;
        if (last) w->state = CORE_CLOSING;
        w->users++;
    }
    jf_mutex_unlock(&reg_lock);
    if (!w) {
        wal_error(error, JF_IO, 0, "write-ahead log handle %u is closed or was never opened", handle);
        return JF_IO;
    }
    int32_t rc = JF_OK;
    if (last) {
        jf_mutex_lock(&w->mu);
        rc = wait_for(w, w->next_lsn - 1, true, error); /* a poisoned log reports why */
        jf_mutex_unlock(&w->mu);
    }
    release(w);
    return rc;
}

/*------------------------------------------------------------------------------
 * Append and sync
 *----------------------------------------------------------------------------*/

static int32_t append_common(uint32_t handle, const uint8_t *data, size_t length, uint64_t *lsn, bool sync,
                             jf_error *error) {
    if (error) memset(error, 0, sizeof *error);
    if (lsn) *lsn = 0;
    if (!data && length) {
        wal_error(error, JF_INVALID_OPTION, 0, "record data is NULL");
        return JF_INVALID_OPTION;
    }
    wal_core *w = acquire(handle, error);
    if (!w) return JF_IO;
    if (length > w->max_record) {
        wal_error(error, JF_INPUT_TOO_LARGE, 0, "a %zu-byte record is larger than max_record (%u bytes)", length,
                  w->max_record);
        release(w);
        return JF_INPUT_TOO_LARGE;
    }
    uint32_t pc = jf_crc32c_hw(0, data, length); /* outside the lock */
    uint64_t n = 0;
    if (sync) atomic_fetch_add_explicit(&w->syncers, 1, memory_order_relaxed);
    jf_mutex_lock(&w->mu);
    int32_t rc = append_locked(w, data, (uint32_t)length, pc, &n, error);
    if (!rc && lsn) *lsn = n;
    if (!rc && sync) rc = wait_for(w, n, true, error);
    else if (!rc && w->buf.len >= w->buffer_size) {
        /* Write the buffer out now if nobody else is doing I/O; past four
         * times the size, wait for the I/O in progress rather than grow. */
        if (!w->io_busy || w->buf.len >= 4 * w->buffer_size) rc = wait_for(w, n, false, error);
    }
    jf_mutex_unlock(&w->mu);
    if (sync) atomic_fetch_sub_explicit(&w->syncers, 1, memory_order_relaxed);
    release(w);
    return rc;
}

JF_API int32_t jf_wal_append(uint32_t wal, const uint8_t *data, size_t length, uint64_t *lsn, jf_error *error) {
    return append_common(wal, data, length, lsn, false, error);
}

JF_API int32_t jf_wal_append_sync(uint32_t wal, const uint8_t *data, size_t length, uint64_t *lsn,
                                  jf_error *error) {
    return append_common(wal, data, length, lsn, true, error);
}

JF_API int32_t jf_wal_sync(uint32_t handle, jf_error *error) {
    if (error) memset(error, 0, sizeof *error);
    wal_core *w = acquire(handle, error);
    if (!w) return JF_IO;
    atomic_fetch_add_explicit(&w->syncers, 1, memory_order_relaxed);
    jf_mutex_lock(&w->mu);
    int32_t rc = wait_for(w, w->next_lsn - 1, true, error);
    jf_mutex_unlock(&w->mu);
    atomic_fetch_sub_explicit(&w->syncers, 1, memory_order_relaxed);
    release(w);
    return rc;
}

JF_API int32_t jf_wal_get_stats(uint32_t handle, jf_wal_stats *out, jf_error *error) {
    if (error) memset(error, 0, sizeof *error);
    if (out) memset(out, 0, sizeof *out);
    wal_core *w = acquire(handle, error);
    if (!w) return JF_IO;
    if (out) {
        jf_mutex_lock(&reg_lock);
        out->handles = w->refs;
        jf_mutex_unlock(&reg_lock);
        jf_mutex_lock(&w->mu);
        out->first_lsn = w->first_lsn;
        out->next_lsn = w->next_lsn;
        out->written_lsn = w->written_lsn;
        out->synced_lsn = w->synced_lsn;
        out->appends = w->appends;
        out->syncs = w->syncs;
        out->bytes = w->bytes;
        out->segments = w->nsegs;
        jf_mutex_unlock(&w->mu);
    }
    release(w);
    return JF_OK;
}

/*------------------------------------------------------------------------------
 * Checkpoints
 *----------------------------------------------------------------------------*/

JF_API int32_t jf_wal_truncate_before(uint32_t handle, uint64_t lsn, jf_error *error) {
    if (error) memset(error, 0, sizeof *error);
    wal_core *w = acquire(handle, error);
    if (!w) return JF_IO;
    jf_mutex_lock(&w->mu);
    int32_t rc = JF_OK;
    size_t k = 0; /* segments wholly before lsn: segs[k + 1] <= lsn */
    while (k + 1 < w->nsegs && w->segs[k + 1] <= lsn) k++;
    size_t done = 0;
    for (; done < k; done++) {
        char name[NAME_SIZE];
        seg_name(name, w->segs[done], "");
        int e = io_unlink(w->dirfd, name);
        if (e && e != ENOENT) {
            wal_error(error, JF_IO, 0, "write-ahead log %.80s: cannot delete segment %s: %s", w->path, name,
                      strerror(e));
            rc = JF_IO;
            break;
        }
    }
    if (done) {
        int e = full_sync(w->dirfd);
        if (e && !rc) {
            wal_error(error, JF_IO, 0, "write-ahead log %.80s: cannot fsync the directory: %s", w->path, strerror(e));
            rc = JF_IO;
        }
        memmove(w->segs, w->segs + done, (w->nsegs - done) * sizeof *w->segs);
        memmove(w->salts, w->salts + done, (w->nsegs - done) * sizeof *w->salts);
        w->nsegs -= done;
        w->first_lsn = w->segs[0];
        for (unsigned i = 0; i < CACHE_SLOTS; i++)
            if (w->cache[i].seg_first < w->first_lsn) w->cache[i].offset = 0;
    }
    jf_mutex_unlock(&w->mu);
    release(w);
    return rc;
}

/*------------------------------------------------------------------------------
 * Reading
 *----------------------------------------------------------------------------*/

JF_API uint8_t *jf_wal_read(uint32_t handle, uint64_t from, uint64_t max_bytes, jf_wal_read_result *res) {
    if (!res) return NULL;
    memset(res, 0, sizeof *res);
    wal_core *w = acquire(handle, &res->error);
    if (!w) return NULL;
    if (!max_bytes) max_bytes = DEFAULT_READ;

    /* Under the mutex: write out buffered records, then take a snapshot of
     * where to read and up to which LSN. */
    jf_mutex_lock(&w->mu);
    int32_t rc = wait_for(w, w->next_lsn - 1, false, &res->error);
    uint64_t end = w->written_lsn, seg_first = 0, offset = HDR;
    uint64_t *firsts = NULL;
    uint32_t *salts = NULL;
    size_t nfirsts = 0;
    if (!rc) {
        if (!from) from = w->first_lsn;
        if (from < w->first_lsn) {
            wal_error(&res->error, JF_INVALID_OPTION, 0,
                      "record %" PRIu64 " was truncated: the log starts at %" PRIu64, from, w->first_lsn);
            rc = JF_INVALID_OPTION;
        }
    }
    if (!rc && from <= end) {
        size_t i = w->nsegs - 1;
        while (i > 0 && w->segs[i] > from) i--;
        seg_first = w->segs[i];
        for (unsigned c = 0; c < CACHE_SLOTS; c++)
            if (w->cache[c].offset && w->cache[c].lsn == from && w->cache[c].seg_first == seg_first)
                offset = w->cache[c].offset;
        nfirsts = w->nsegs - i;
        firsts = jf_malloc(nfirsts * sizeof *firsts);
        salts = jf_malloc(nfirsts * sizeof *salts);
        if (!firsts || !salts) {
            wal_error(&res->error, JF_OUT_OF_MEMORY, 0, "out of memory");
            rc = JF_OUT_OF_MEMORY;
        } else {
            memcpy(firsts, w->segs + i, nfirsts * sizeof *firsts);
            memcpy(salts, w->salts + i, nfirsts * sizeof *salts);
        }
    }
    jf_mutex_unlock(&w->mu);

    jf_buf out;
    jf_buf_init(&out, 0);
    uint64_t lsn = from; /* next LSN to return */
    uint64_t at_seg = 0, at_off = 0;
    if (!rc && from <= end) {
        reader r = { -1, 0, NULL, 0, 0, 0, 0 };
        uint64_t cur = offset == HDR ? seg_first : from; /* LSN of the frame at `offset` */
        for (size_t si = 0; si < nfirsts && !rc && lsn <= end; si++) {
            char name[NAME_SIZE];
            seg_name(name, firsts[si], "");
            if (si > 0) {
                offset = HDR;
                cur = firsts[si];
            }
            r.fd = open_at(w->dirfd, name, O_RDONLY, 0);
            struct stat st;
            int oe = r.fd < 0 ? err_or_eio() : io_fstat(r.fd, &st);
            if (oe) {
                if (oe == ENOENT) {
                    wal_error(&res->error, JF_INVALID_OPTION, 0,
                              "record %" PRIu64 " was truncated while being read", lsn);
                    rc = JF_INVALID_OPTION;
                } else {
                    wal_error(&res->error, JF_IO, 0, "write-ahead log %.80s: cannot open segment %s: %s", w->path,
                              name, strerror(oe));
                    rc = JF_IO;
                }
                io_close(r.fd);
                r.fd = -1;
                break;
            }
            r.size = (uint64_t)st.st_size;
            r.base = r.len = 0;
            r.err = 0;
            bool more_segments = si + 1 < nfirsts;
            while (cur <= end && !(more_segments && cur >= firsts[si + 1])) {
                frame f;
                frame_status s = frame_read(&r, offset, cur, salts[si], JF_WAL_MAX_RECORD, &f);
                if (s != FRAME_OK) {
                    if (s == FRAME_IOERR) {
                        wal_error(&res->error, JF_IO, offset, "write-ahead log %.80s: cannot read segment %s: %s",
                                  w->path, name, strerror(r.err));
                        rc = JF_IO;
                    } else {
                        wal_error(&res->error, JF_CORRUPT, offset,
                                  "write-ahead log %.80s: record %" PRIu64 " in segment %s at offset %" PRIu64
                                  " is damaged or missing",
                                  w->path, cur, name, offset);
                        rc = JF_CORRUPT;
                    }
                    break;
                }
                if (cur >= lsn) {
                    if (out.len && out.len + 16 + f.len > max_bytes) break;
                    size_t padded = (16 + (size_t)f.len + 7) & ~(size_t)7;
                    if (!jf_buf_reserve(&out, padded)) {
                        wal_error(&res->error, JF_OUT_OF_MEMORY, 0, "out of memory for a %zu-byte read", padded);
                        rc = JF_OUT_OF_MEMORY;
                        break;
                    }
                    uint8_t *p = out.data + out.len;
                    put64(p, cur);
                    put32(p + 8, f.len);
                    put32(p + 12, f.payload_crc);
                    if (f.len) memcpy(p + 16, f.payload, f.len);
                    memset(p + 16 + f.len, 0, padded - 16 - f.len);
                    out.len += padded;
                    res->records++;
                    lsn = cur + 1;
                }
                offset += FRAME + f.len;
                cur++;
                at_seg = firsts[si];
                at_off = offset;
            }
            io_close(r.fd);
            r.fd = -1;
            if (out.len && out.len >= max_bytes) break;
            if (lsn <= end && cur <= end && !(more_segments && cur >= firsts[si + 1])) break; /* stopped early */
        }
        reader_release(&r);
    }
    jf_free(firsts);
    jf_free(salts);

    if (!rc && at_off) { /* remember where a sequential reader continues */
        jf_mutex_lock(&w->mu);
        read_pos *c = &w->cache[w->cache_next++ % CACHE_SLOTS];
        c->lsn = lsn;
        c->seg_first = at_seg;
        c->offset = at_off;
        jf_mutex_unlock(&w->mu);
    }
    release(w);
    if (rc) {
        jf_buf_release(&out);
        return NULL;
    }
    res->next_lsn = lsn;
    uint8_t *block = out.data;
    if (!block) block = jf_malloc(1); /* an empty result is still a block to free */
    if (!block) {
        wal_error(&res->error, JF_OUT_OF_MEMORY, 0, "out of memory");
        return NULL;
    }
    res->length = out.len;
    return block;
}

#endif /* POSIX */
