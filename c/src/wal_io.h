/*==============================================================================
 * wal_io.h — every file system call of the write-ahead log, as a table.
 *
 * wal.c makes its file system calls (open, write, pread, fsync, rename,
 * unlink, ftruncate, flock, directory listing, ...) through the table in
 * force, never directly: the real POSIX calls by default. The C tests
 * install a simulated disk instead (c/test/faults/simdisk.c) that keeps what
 * is durable apart from what is only in the page cache, records every
 * operation, derives the states a power loss may leave at each sync, and
 * fails the N-th call on demand.
 *
 * Every function follows its POSIX namesake: 0 (or a count, or an fd) on
 * success, -1 with errno set on failure; EINTR is handled inside. `sync_data`
 * is fdatasync (F_FULLFSYNC on macOS), `sync_full` fsync (F_FULLFSYNC on
 * macOS). `list` calls `each` once per directory entry other than "." and
 * ".." (stopping early when it returns non-zero, which `list` returns).
 * `salt` returns 32 unpredictable bits (a new segment's salt).
 *
 * Internal and POSIX only: not exported from the library. jf_wal_set_io is
 * for tests: call it while no log is open (it is not synchronised with the
 * WAL's own calls); NULL restores the real calls.
 *============================================================================*/
#ifndef JF_WAL_IO_H
#define JF_WAL_IO_H

#if !defined(_WIN32)

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

typedef struct jf_wal_io {
    void *ctx;
    int (*stat)(void *ctx, const char *path, struct stat *st);
    int (*mkdir)(void *ctx, const char *path, mode_t mode);
    int (*open)(void *ctx, const char *path, int flags);
    int (*openat)(void *ctx, int dirfd, const char *name, int flags, mode_t mode);
    int (*close)(void *ctx, int fd);
    ssize_t (*write)(void *ctx, int fd, const void *data, size_t n);
    ssize_t (*pread)(void *ctx, int fd, void *data, size_t n, uint64_t offset);
    int (*fstat)(void *ctx, int fd, struct stat *st);
    int (*fstatat)(void *ctx, int dirfd, const char *name, struct stat *st);
    int (*sync_data)(void *ctx, int fd);
    int (*sync_full)(void *ctx, int fd);
    int (*ftruncate)(void *ctx, int fd, uint64_t length);
    int (*renameat)(void *ctx, int dirfd, const char *from, const char *to);
    int (*unlinkat)(void *ctx, int dirfd, const char *name);
    int (*flock)(void *ctx, int fd, int operation);
    int (*list)(void *ctx, int dirfd, int (*each)(void *arg, const char *name), void *arg);
    uint32_t (*salt)(void *ctx);
} jf_wal_io;

/* The real calls. */
extern const jf_wal_io jf_wal_posix_io;

/* Installs `io` for every later WAL call (NULL: the real calls). Tests only. */
void jf_wal_set_io(const jf_wal_io *io);

#endif /* !_WIN32 */
#endif
