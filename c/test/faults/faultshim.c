/*==============================================================================
 * faultshim.c — an LD_PRELOAD library that makes write/pwrite/writev, fsync
 * and fdatasync fail on demand, for the WAL fault tests (test/wal.test.ts).
 *
 * Build:  cc -shared -fPIC -O1 -o libjffault.so c/test/faults/faultshim.c -ldl
 * Use:    LD_PRELOAD=/path/libjffault.so JF_FAULT_MATCH=/my/wal ... program
 *
 * Only file descriptors whose path (/proc/self/fd/N) contains JF_FAULT_MATCH
 * are affected; without it the shim does nothing. Environment:
 *   JF_FAULT_MATCH        substring of the path of the files to break (required)
 *   JF_FAULT_WRITE        ENOSPC | EIO | EDQUOT: errno for write, pwrite, writev
 *   JF_FAULT_FSYNC        ENOSPC | EIO: errno for fsync and fdatasync
 *   JF_FAULT_WRITE_AFTER  matching writes that still succeed first (default 0)
 *   JF_FAULT_FSYNC_AFTER  matching syncs that still succeed first (default 0)
 *   JF_FAULT_COUNT        failures to inject, then succeed again (default: all)
 *   JF_FAULT_SHORT=1      the first failing write first writes half its bytes and
 *                         returns that (a short write), as a full disk does;
 *                         the caller's retry then fails
 *   JF_FAULT_ARM_FILE     faults are active only while this file exists, so a
 *                         running process can be broken at a chosen moment
 *   JF_FAULT_SYNC_DELAY_US  every matching fsync/fdatasync that goes through
 *                         first sleeps this long: a slow disk without a write
 *                         cache, for the group-commit benchmark
 * Each injected failure is reported on stderr as "faultshim: ...".
 *
 * Linux only (it reads /proc); not part of the library and not linked into
 * any test binary.
 *============================================================================*/
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef int (*sync_fn)(int);

static _Atomic long writes_seen, syncs_seen, injected;
static _Atomic int short_done;

static int errno_from(const char *name) {
    if (!name || !*name) return 0;
    if (!strcmp(name, "ENOSPC")) return ENOSPC;
    if (!strcmp(name, "EIO")) return EIO;
    if (!strcmp(name, "EDQUOT")) return EDQUOT;
    return EIO;
}

static long env_long(const char *name, long fallback) {
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : fallback;
}

/* Whether this fd is one to break now. */
static int targeted(int fd) {
    const char *match = getenv("JF_FAULT_MATCH");
    if (!match || !*match || fd < 0) return 0;
    const char *arm = getenv("JF_FAULT_ARM_FILE");
    if (arm && *arm && access(arm, F_OK) != 0) return 0;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    return strstr(path, match) != NULL;
}

/* The errno to inject for this call (0: let it through). */
static int decide(int fd, const char *kind_env, const char *after_env, _Atomic long *seen) {
    int e = errno_from(getenv(kind_env));
    if (!e || !targeted(fd)) return 0;
    long n = atomic_fetch_add(seen, 1);
    if (n < env_long(after_env, 0)) return 0;
    long count = env_long("JF_FAULT_COUNT", -1);
    if (count >= 0 && atomic_load(&injected) >= count) return 0;
    atomic_fetch_add(&injected, 1);
    return e;
}

/* JF_FAULT_SYNC_DELAY_US: a slow disk. */
static void sync_delay(int fd) {
    long us = env_long("JF_FAULT_SYNC_DELAY_US", 0);
    if (us <= 0 || !targeted(fd)) return;
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void report(const char *call, int fd, int e) {
    char msg[128];
    int n = snprintf(msg, sizeof msg, "faultshim: %s(fd %d) -> %s\n", call, fd, strerror(e));
    write_fn real = (write_fn)dlsym(RTLD_NEXT, "write");
    if (real && n > 0) real(2, msg, (size_t)n);
}

ssize_t write(int fd, const void *buf, size_t count) {
    static write_fn real;
    if (!real) real = (write_fn)dlsym(RTLD_NEXT, "write");
    int e = decide(fd, "JF_FAULT_WRITE", "JF_FAULT_WRITE_AFTER", &writes_seen);
    if (e) {
        if (getenv("JF_FAULT_SHORT") && count > 1 && !atomic_exchange(&short_done, 1)) {
            report("write (short)", fd, e);
            return real(fd, buf, count / 2);
        }
        report("write", fd, e);
        errno = e;
        return -1;
    }
    return real(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
    static pwrite_fn real;
    if (!real) real = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite");
    int e = decide(fd, "JF_FAULT_WRITE", "JF_FAULT_WRITE_AFTER", &writes_seen);
    if (e) {
        report("pwrite", fd, e);
        errno = e;
        return -1;
    }
    return real(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
    static writev_fn real;
    if (!real) real = (writev_fn)dlsym(RTLD_NEXT, "writev");
    int e = decide(fd, "JF_FAULT_WRITE", "JF_FAULT_WRITE_AFTER", &writes_seen);
    if (e) {
        report("writev", fd, e);
        errno = e;
        return -1;
    }
    return real(fd, iov, iovcnt);
}

int fsync(int fd) {
    static sync_fn real;
    if (!real) real = (sync_fn)dlsym(RTLD_NEXT, "fsync");
    int e = decide(fd, "JF_FAULT_FSYNC", "JF_FAULT_FSYNC_AFTER", &syncs_seen);
    if (e) {
        report("fsync", fd, e);
        errno = e;
        return -1;
    }
    sync_delay(fd);
    return real(fd);
}

int fdatasync(int fd) {
    static sync_fn real;
    if (!real) real = (sync_fn)dlsym(RTLD_NEXT, "fdatasync");
    int e = decide(fd, "JF_FAULT_FSYNC", "JF_FAULT_FSYNC_AFTER", &syncs_seen);
    if (e) {
        report("fdatasync", fd, e);
        errno = e;
        return -1;
    }
    sync_delay(fd);
    return real(fd);
}
