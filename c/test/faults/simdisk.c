/*==============================================================================
 * simdisk.c — a simulated disk under the write-ahead log (through the I/O
 * table of c/src/wal_io.h), for the power-loss and fault tests in
 * c/test/test_wal_crash.c, which #include this file.
 *
 * The model, per file: what the page cache holds (`vol`, what reads see),
 * what the medium holds (`dur`), which 512-byte sectors were written since
 * the last sync (`dirty`), and `ghost`: bytes the file's blocks held before
 * (cut off by a truncation, or held by the file that last had its name), which
 * blocks reused for an unsynced extension may still show after a power loss.
 * Per directory: the entries as the process sees them, the entries on the
 * medium, and the entry operations (create, rename, unlink) since its last
 * fsync, in order.
 *
 * fsync and fdatasync of a file make its page-cache bytes and size durable;
 * of a directory, its entries. Nothing else is durable: a file's fsync does
 * not make its name durable (the directory's fsync does), and a directory's
 * pending operations persist in order (a prefix of them), as a journaling
 * file system commits metadata. A sector is written whole or not at all.
 *
 * Crash points: just before every fsync/fdatasync (the moment with the most
 * unsynced data) and wherever the test asks (sim_snapshot), the whole model
 * is copied. sim_crash() then builds, from a crash point and a choice, the
 * disk a power loss leaves: for each directory a prefix of its pending
 * operations; for each file one of
 *   NONE     only what was synced;
 *   ALL      everything written (a process crash, no power loss);
 *   PREFIX j the first j unsynced sectors, the file cut where the next one
 *            starts (torn at a sector);
 *   SUBSET m the unsynced sectors in mask m, the others zero (FILL_ZERO) or
 *            showing the ghost bytes (FILL_GHOST), at full length (sectors
 *            persisted out of order, the size persisted before the data).
 * The result is a new disk where everything is durable, carrying the old
 * page-cache bytes as ghosts.
 *
 * Faults: the N-th call through the table (all kinds counted) fails once or
 * from then on, with an errno; a failing write may first write half its
 * bytes (a short write). A failing fsync of a file behaves as Linux after a
 * writeback error: the dirty sectors are marked clean without reaching the
 * medium ("lost"): reads still return them, a later successful fsync does not
 * make them durable.
 *
 * One disk is current at a time (the I/O table's context). Paths: "/sim" is
 * the root directory, "/sim/<name>" an entry of it; nothing deeper.
 * SIM_TRACE=1 in the environment prints every call (for debugging a failure).
 *============================================================================*/
#ifndef JF_SIMDISK_C
#define JF_SIMDISK_C

#include "wal_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#define SIM_SECTOR 512u
#define SIM_FD_BASE 1000
#define SIM_FDS 64
#define SIM_NAME 48
#define SIM_MAX_DIRTY 64 /* unsynced sectors a SUBSET mask can address */

enum { SIM_FREE, SIM_FILE, SIM_DIR };
enum { DOP_SET, DOP_DEL, DOP_RENAME };
enum { V_NONE, V_ALL, V_PREFIX, V_SUBSET };
enum { FILL_ZERO, FILL_GHOST };

typedef struct sim_bytes {
    uint8_t *p;
    size_t len;
} sim_bytes;

typedef struct sim_ent {
    char name[SIM_NAME];
    int ino;
} sim_ent;

typedef struct sim_dop {
    int kind;
    char name[SIM_NAME];
    char to[SIM_NAME];
    int ino;
} sim_dop;

typedef struct sim_grave {
    char name[SIM_NAME];
    sim_bytes bytes;
} sim_grave;

typedef struct sim_ino {
    int kind;
    /* files */
    sim_bytes vol, dur, ghost;
    uint8_t *dirty; /* per sector of vol: 1 written since the last sync, 2 lost by a failed sync */
    size_t nsect;
    bool meta_dirty;
    int lock_fd; /* fd holding flock(LOCK_EX), or -1 */
    /* directories */
    sim_ent *ents, *dents;
    size_t nents, ndents;
    sim_dop *ops;
    size_t nops;
    sim_grave *graves;
    size_t ngraves;
} sim_ino;

typedef struct sim_disk sim_disk;

/* A copy of the whole model at a crash point, with what the workload had
 * been told was durable by then. */
typedef struct sim_snap {
    sim_ino *ino;
    size_t nino;
    uint64_t call;  /* calls through the table before this point */
    char what[64];  /* the call about to be made */
    uint64_t acked; /* highest LSN acknowledged as durable */
    uint64_t floor; /* LSNs below it may be gone (checkpoint) */
} sim_snap;

struct sim_disk {
    sim_ino *ino;
    size_t nino, cap;
    struct {
        bool used;
        int ino;
        int flags;
        uint64_t pos;
    } fd[SIM_FDS];
    int dev;
    uint32_t salt_state;
    /* recording */
    bool record;
    sim_snap *snaps;
    size_t nsnaps, snapcap;
    uint64_t *acked, *floor; /* the workload's counters, read at each crash point */
    /* counting and faults */
    uint64_t calls;
    uint64_t fail_at; /* 1-based call to fail; 0: none */
    bool fail_persistent, fail_short;
    int fail_errno;
    uint64_t injected;       /* faults injected */
    bool file_sync_failed;   /* an fsync/fdatasync of a file failed */
    char first_fault[64];    /* the call that failed first */
    char fault_target[64];   /* the file it was about (a name, or a path) */
    char last_target[64];    /* the same for the latest fault */
    const char *target;      /* set by each call before sim_fault */
};

static sim_disk *sim_current;
static int sim_dev_counter = 100;

/*------------------------------------------------------------------------------
 * Bytes
 *----------------------------------------------------------------------------*/

static void sb_free(sim_bytes *b) {
    free(b->p);
    b->p = NULL;
    b->len = 0;
}

static sim_bytes sb_copy(const sim_bytes *b) {
    sim_bytes c = { NULL, b->len };
    if (b->len) {
        c.p = malloc(b->len);
        memcpy(c.p, b->p, b->len);
    }
    return c;
}

static void sb_resize(sim_bytes *b, size_t len) {
    if (len > b->len) {
        b->p = realloc(b->p, len);
        memset(b->p + b->len, 0, len - b->len);
    }
    b->len = len;
}

/* `top` over `base`: base's bytes where top has none. */
static void sb_overlay(sim_bytes *base, const sim_bytes *top) {
    if (top->len > base->len) sb_resize(base, top->len);
    if (top->len) memcpy(base->p, top->p, top->len);
}

/*------------------------------------------------------------------------------
 * Inodes and directories
 *----------------------------------------------------------------------------*/

static int sim_new_ino(sim_disk *d, int kind) {
    if (d->nino == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->ino = realloc(d->ino, d->cap * sizeof *d->ino);
    }
    sim_ino *n = &d->ino[d->nino];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->lock_fd = -1;
    return (int)d->nino++;
}

static void sim_ino_free(sim_ino *n) {
    sb_free(&n->vol);
    sb_free(&n->dur);
    sb_free(&n->ghost);
    free(n->dirty);
    free(n->ents);
    free(n->dents);
    free(n->ops);
    for (size_t i = 0; i < n->ngraves; i++) sb_free(&n->graves[i].bytes);
    free(n->graves);
    memset(n, 0, sizeof *n);
}

static sim_ino sim_ino_copy(const sim_ino *n) {
    sim_ino c = *n;
    c.vol = sb_copy(&n->vol);
    c.dur = sb_copy(&n->dur);
    c.ghost = sb_copy(&n->ghost);
    c.dirty = n->nsect ? malloc(n->nsect) : NULL;
    if (n->nsect) memcpy(c.dirty, n->dirty, n->nsect);
    c.ents = n->nents ? malloc(n->nents * sizeof *c.ents) : NULL;
    if (n->nents) memcpy(c.ents, n->ents, n->nents * sizeof *c.ents);
    c.dents = n->ndents ? malloc(n->ndents * sizeof *c.dents) : NULL;
    if (n->ndents) memcpy(c.dents, n->dents, n->ndents * sizeof *c.dents);
    c.ops = n->nops ? malloc(n->nops * sizeof *c.ops) : NULL;
    if (n->nops) memcpy(c.ops, n->ops, n->nops * sizeof *c.ops);
    c.graves = n->ngraves ? malloc(n->ngraves * sizeof *c.graves) : NULL;
    for (size_t i = 0; i < n->ngraves; i++) {
        c.graves[i] = n->graves[i];
        c.graves[i].bytes = sb_copy(&n->graves[i].bytes);
    }
    return c;
}

static int ents_find(const sim_ent *e, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].name, name) == 0) return (int)i;
    return -1;
}

static void ents_set(sim_ent **e, size_t *n, const char *name, int ino) {
    int i = ents_find(*e, *n, name);
    if (i >= 0) {
        (*e)[i].ino = ino;
        return;
    }
    *e = realloc(*e, (*n + 1) * sizeof **e);
    snprintf((*e)[*n].name, SIM_NAME, "%s", name);
    (*e)[*n].ino = ino;
    (*n)++;
}

static void ents_del(sim_ent *e, size_t *n, const char *name) {
    int i = ents_find(e, *n, name);
    if (i < 0) return;
    e[i] = e[*n - 1];
    (*n)--;
}

static void dop_apply(sim_ent **e, size_t *n, const sim_dop *op) {
    if (op->kind == DOP_SET) ents_set(e, n, op->name, op->ino);
    else if (op->kind == DOP_DEL) ents_del(*e, n, op->name);
    else {
        ents_del(*e, n, op->name);
        ents_set(e, n, op->to, op->ino);
    }
}

/* Records an entry operation of `dir` and applies it to the visible entries. */
static void dir_op(sim_ino *dir, int kind, const char *name, const char *to, int ino) {
    dir->ops = realloc(dir->ops, (dir->nops + 1) * sizeof *dir->ops);
    sim_dop *op = &dir->ops[dir->nops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    snprintf(op->name, SIM_NAME, "%s", name);
    if (to) snprintf(op->to, SIM_NAME, "%s", to);
    op->ino = ino;
    dop_apply(&dir->ents, &dir->nents, op);
}

static sim_bytes *grave_of(sim_ino *dir, const char *name) {
    for (size_t i = 0; i < dir->ngraves; i++)
        if (strcmp(dir->graves[i].name, name) == 0) return &dir->graves[i].bytes;
    return NULL;
}

/* What the file now leaving `name` leaves in its blocks. */
static void bury(sim_ino *dir, const char *name, const sim_ino *f) {
    sim_bytes *g = grave_of(dir, name);
    if (!g) {
        dir->graves = realloc(dir->graves, (dir->ngraves + 1) * sizeof *dir->graves);
        sim_grave *ng = &dir->graves[dir->ngraves++];
        memset(ng, 0, sizeof *ng);
        snprintf(ng->name, SIM_NAME, "%s", name);
        g = &ng->bytes;
    }
    sb_overlay(g, &f->ghost);
    sb_overlay(g, &f->dur);
    sb_overlay(g, &f->vol);
}

/*------------------------------------------------------------------------------
 * Disks
 *----------------------------------------------------------------------------*/

/* An empty disk: the root directory "/sim", durable. */
static sim_disk *sim_new(void) {
    sim_disk *d = calloc(1, sizeof *d);
    d->dev = sim_dev_counter++;
    d->salt_state = 0x5EED0000u + (uint32_t)d->dev;
    sim_new_ino(d, SIM_FREE); /* inode 0 unused */
    sim_new_ino(d, SIM_DIR);  /* inode 1: the root */
    return d;
}

static void sim_snap_free(sim_snap *s) {
    for (size_t i = 0; i < s->nino; i++) sim_ino_free(&s->ino[i]);
    free(s->ino);
    memset(s, 0, sizeof *s);
}

static void sim_free(sim_disk *d) {
    if (!d) return;
    for (size_t i = 0; i < d->nino; i++) sim_ino_free(&d->ino[i]);
    free(d->ino);
    for (size_t i = 0; i < d->nsnaps; i++) sim_snap_free(&d->snaps[i]);
    free(d->snaps);
    if (sim_current == d) sim_current = NULL;
    free(d);
}

/* Copies the model as a crash point. */
static void sim_snapshot(sim_disk *d, const char *what) {
    if (!d->record) return;
    if (d->nsnaps == d->snapcap) {
        d->snapcap = d->snapcap ? d->snapcap * 2 : 32;
        d->snaps = realloc(d->snaps, d->snapcap * sizeof *d->snaps);
    }
    sim_snap *s = &d->snaps[d->nsnaps++];
    memset(s, 0, sizeof *s);
    s->nino = d->nino;
    s->ino = malloc(d->nino * sizeof *s->ino);
    for (size_t i = 0; i < d->nino; i++) s->ino[i] = sim_ino_copy(&d->ino[i]);
    s->call = d->calls;
    snprintf(s->what, sizeof s->what, "%s", what);
    s->acked = d->acked ? *d->acked : 0;
    s->floor = d->floor ? *d->floor : 0;
}

/*------------------------------------------------------------------------------
 * Crash states
 *----------------------------------------------------------------------------*/

typedef struct sim_variant {
    int kind;      /* V_* */
    int j;         /* V_PREFIX: sectors kept */
    uint64_t mask; /* V_SUBSET: bit i = the i-th unsynced sector persisted */
    int fill;      /* FILL_*, for V_SUBSET */
} sim_variant;

/* The unsynced sectors of a file, ascending; returns how many (at most cap). */
static size_t dirty_list(const sim_ino *f, size_t *out, size_t cap) {
    size_t n = 0;
    for (size_t s = 0; s < f->nsect && n < cap; s++)
        if (f->dirty[s] == 1) out[n++] = s;
    return n;
}

static size_t dirty_count(const sim_ino *f) {
    size_t n = 0;
    for (size_t s = 0; s < f->nsect; s++) n += f->dirty[s] == 1;
    return n;
}

/* What the medium holds for file `f` under variant `v`. */
static sim_bytes crash_content(const sim_ino *f, const sim_variant *v) {
    const sim_bytes *D = &f->dur, *V = &f->vol;
    if (v->kind == V_NONE || (V->len < D->len && v->kind != V_ALL)) return sb_copy(D);
    size_t list[SIM_MAX_DIRTY];
    size_t n = dirty_list(f, list, SIM_MAX_DIRTY);
    size_t len = V->len;
    int fill = v->kind == V_SUBSET ? v->fill : FILL_ZERO;
    if (v->kind == V_PREFIX && (size_t)v->j < n) {
        size_t cut = list[v->j] * SIM_SECTOR;
        len = cut < D->len ? D->len : cut > V->len ? V->len : cut;
    }
    sim_bytes out = { NULL, 0 };
    sb_resize(&out, len);
    for (size_t o = 0; o < len; o++) {
        if (o < D->len) out.p[o] = D->p[o];
        else if (fill == FILL_GHOST && o < f->ghost.len) out.p[o] = f->ghost.p[o];
    }
    for (size_t s = 0; s < f->nsect; s++) {
        if (f->dirty[s] != 1) continue;
        bool on;
        if (v->kind == V_ALL) on = true;
        else {
            size_t idx = 0;
            while (idx < n && list[idx] != s) idx++;
            if (idx == n) on = false; /* past SIM_MAX_DIRTY sectors: not persisted */
            else if (v->kind == V_PREFIX) on = (int)idx < v->j;
            else on = (v->mask >> idx) & 1;
        }
        if (!on) continue;
        size_t a = s * SIM_SECTOR, b = a + SIM_SECTOR;
        if (b > len) b = len;
        if (a < b) memcpy(out.p + a, V->p + a, b - a);
    }
    return out;
}

/* How one crash state is chosen: the prefix of each directory's pending
 * operations (-1: all), the variant of file `file` (0: none chosen), and
 * `others` for every other file. */
typedef struct sim_choice {
    int dir_prefix[8]; /* indexed by directory slot: 0 root, 1 the first directory made in it, ... */
    int file;
    sim_variant v;
    int others; /* V_NONE or V_ALL */
} sim_choice;

/* The disk a power loss at crash point `s` leaves under `c`. */
static sim_disk *sim_crash(const sim_snap *s, const sim_choice *c) {
    sim_disk *d = calloc(1, sizeof *d);
    d->dev = sim_dev_counter++;
    d->salt_state = 0xC0DE0000u + (uint32_t)d->dev * 7919u;
    d->nino = d->cap = s->nino;
    d->ino = calloc(s->nino, sizeof *d->ino);
    int dir_slot = 0;
    for (size_t i = 0; i < s->nino; i++) {
        const sim_ino *o = &s->ino[i];
        sim_ino *n = &d->ino[i];
        n->kind = o->kind;
        n->lock_fd = -1;
        if (o->kind == SIM_DIR) {
            int p = dir_slot < 8 ? c->dir_prefix[dir_slot] : -1;
            dir_slot++;
            if (p < 0 || (size_t)p > o->nops) p = (int)o->nops;
            for (size_t k = 0; k < o->ndents; k++) ents_set(&n->dents, &n->ndents, o->dents[k].name, o->dents[k].ino);
            for (int k = 0; k < p; k++) dop_apply(&n->dents, &n->ndents, &o->ops[k]);
            for (size_t k = 0; k < n->ndents; k++) ents_set(&n->ents, &n->nents, n->dents[k].name, n->dents[k].ino);
            n->ngraves = o->ngraves;
            n->graves = o->ngraves ? malloc(o->ngraves * sizeof *n->graves) : NULL;
            for (size_t k = 0; k < o->ngraves; k++) {
                n->graves[k] = o->graves[k];
                n->graves[k].bytes = sb_copy(&o->graves[k].bytes);
            }
        } else if (o->kind == SIM_FILE) {
            sim_variant v = { c->others, 0, 0, FILL_ZERO };
            if ((int)i == c->file) v = c->v;
            n->dur = crash_content(o, &v);
            n->vol = sb_copy(&n->dur);
            n->ghost = sb_copy(&o->ghost);
            sb_overlay(&n->ghost, &o->dur);
            sb_overlay(&n->ghost, &o->vol); /* what reached the blocks, or may have */
            n->nsect = (n->vol.len + SIM_SECTOR - 1) / SIM_SECTOR;
            n->dirty = calloc(n->nsect ? n->nsect : 1, 1);
        }
    }
    return d;
}

/* A 64-bit digest of what a crash state holds (names and contents reachable
 * from the root), to count distinct states. */
static uint64_t sim_digest(const sim_disk *d) {
    uint64_t h = 1469598103934665603ull;
#define MIX(b) (h = (h ^ (uint8_t)(b)) * 1099511628211ull)
    for (size_t i = 0; i < d->nino; i++) {
        const sim_ino *n = &d->ino[i];
        if (n->kind != SIM_DIR) continue;
        /* entries in name order */
        for (size_t k = 0; k < n->ndents; k++) {
            const sim_ent *best = NULL;
            for (size_t q = 0; q < n->ndents; q++) {
                size_t rank = 0;
                for (size_t r = 0; r < n->ndents; r++) rank += strcmp(n->dents[r].name, n->dents[q].name) < 0;
                if (rank == k) best = &n->dents[q];
            }
            if (!best) continue;
            for (const char *p = best->name; *p; p++) MIX(*p);
            MIX(0);
            const sim_ino *f = &d->ino[best->ino];
            if (f->kind == SIM_FILE)
                for (size_t o = 0; o < f->dur.len; o++) MIX(f->dur.p[o]);
            MIX(0xFF);
        }
    }
#undef MIX
    return h;
}

/*------------------------------------------------------------------------------
 * The I/O table
 *----------------------------------------------------------------------------*/

/* The name a file or directory has (its first entry found), for messages. */
static const char *sim_name_of(const sim_disk *d, int ino) {
    if (ino == 1) return "/sim";
    for (size_t i = 0; i < d->nino; i++) {
        const sim_ino *dir = &d->ino[i];
        if (dir->kind != SIM_DIR) continue;
        for (size_t k = 0; k < dir->nents; k++)
            if (dir->ents[k].ino == ino) return dir->ents[k].name;
    }
    return "?";
}

static void sim_target_fd(sim_disk *d, int fd) {
    int i = fd - SIM_FD_BASE;
    d->target = i >= 0 && i < SIM_FDS && d->fd[i].used ? sim_name_of(d, d->fd[i].ino) : "?";
}

/* Counts the call; true (errno set) when it must fail. *short_ok: a write
 * that may instead write half its bytes. */
static bool sim_fault(sim_disk *d, const char *what, bool *short_write) {
    d->calls++;
    if (getenv("SIM_TRACE")) fprintf(stderr, "sim %d call %llu: %s\n", d->dev, (unsigned long long)d->calls, what);
    if (short_write) *short_write = false;
    if (!d->fail_at || d->calls < d->fail_at) return false;
    if (d->calls > d->fail_at && !d->fail_persistent) return false;
    if (!d->injected) {
        snprintf(d->first_fault, sizeof d->first_fault, "%s of %s (call %llu)", what, d->target ? d->target : "?",
                 (unsigned long long)d->calls);
        snprintf(d->fault_target, sizeof d->fault_target, "%s", d->target ? d->target : "");
    }
    if (strcmp(what, "close") != 0) /* a failed close is only ever cleanup */
        snprintf(d->last_target, sizeof d->last_target, "%s", d->target ? d->target : "");
    if (short_write && d->fail_short && d->calls == d->fail_at) *short_write = true;
    d->injected++;
    errno = d->fail_errno;
    return true;
}

static sim_ino *sim_fd_ino(sim_disk *d, int fd, int *slot) {
    int i = fd - SIM_FD_BASE;
    if (i < 0 || i >= SIM_FDS || !d->fd[i].used) return NULL;
    if (slot) *slot = i;
    return &d->ino[d->fd[i].ino];
}

/* "/sim" -> 1, "/sim/<name>" -> its inode, else -1 (ENOENT). */
static int sim_resolve(sim_disk *d, const char *path, char *last) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/') buf[--n] = 0;
    if (last) last[0] = 0;
    if (strcmp(buf, "/sim") == 0) return 1;
    if (strncmp(buf, "/sim/", 5) != 0 || strchr(buf + 5, '/')) return -1;
    if (last) snprintf(last, SIM_NAME, "%.47s", buf + 5);
    int i = ents_find(d->ino[1].ents, d->ino[1].nents, buf + 5);
    return i < 0 ? -1 : d->ino[1].ents[i].ino;
}

static int sim_fd_new(sim_disk *d, int ino, int flags) {
    for (int i = 0; i < SIM_FDS; i++)
        if (!d->fd[i].used) {
            d->fd[i].used = true;
            d->fd[i].ino = ino;
            d->fd[i].flags = flags;
            d->fd[i].pos = 0;
            return SIM_FD_BASE + i;
        }
    errno = EMFILE;
    return -1;
}

static void stat_fill(sim_disk *d, int ino, struct stat *st) {
    memset(st, 0, sizeof *st);
    st->st_dev = (dev_t)d->dev;
    st->st_ino = (ino_t)ino;
    st->st_mode = d->ino[ino].kind == SIM_DIR ? (S_IFDIR | 0755) : (S_IFREG | 0644);
    st->st_size = (off_t)d->ino[ino].vol.len;
}

static int s_stat(void *ctx, const char *path, struct stat *st) {
    sim_disk *d = ctx;
    d->target = path;
    if (sim_fault(d, "stat", NULL)) return -1;
    int ino = sim_resolve(d, path, NULL);
    if (ino < 0) {
        errno = ENOENT;
        return -1;
    }
    stat_fill(d, ino, st);
    return 0;
}

static int s_mkdir(void *ctx, const char *path, mode_t mode) {
    (void)mode;
    sim_disk *d = ctx;
    d->target = path;
    if (sim_fault(d, "mkdir", NULL)) return -1;
    char last[SIM_NAME];
    if (sim_resolve(d, path, last) >= 0) {
        errno = EEXIST;
        return -1;
    }
    if (!last[0]) {
        errno = ENOENT;
        return -1;
    }
    int ino = sim_new_ino(d, SIM_DIR);
    dir_op(&d->ino[1], DOP_SET, last, NULL, ino);
    return 0;
}

static int s_open(void *ctx, const char *path, int flags) {
    sim_disk *d = ctx;
    d->target = path;
    if (sim_fault(d, "open", NULL)) return -1;
    int ino = sim_resolve(d, path, NULL);
    if (ino < 0) {
        errno = ENOENT;
        return -1;
    }
    if ((flags & O_DIRECTORY) && d->ino[ino].kind != SIM_DIR) {
        errno = ENOTDIR;
        return -1;
    }
    return sim_fd_new(d, ino, flags);
}

static int s_openat(void *ctx, int dirfd, const char *name, int flags, mode_t mode) {
    (void)mode;
    sim_disk *d = ctx;
    d->target = name;
    if (sim_fault(d, "openat", NULL)) return -1;
    sim_ino *dir = sim_fd_ino(d, dirfd, NULL);
    if (!dir || dir->kind != SIM_DIR) {
        errno = EBADF;
        return -1;
    }
    int i = ents_find(dir->ents, dir->nents, name);
    int ino;
    if (i < 0) {
        if (!(flags & O_CREAT)) {
            errno = ENOENT;
            return -1;
        }
        ino = sim_new_ino(d, SIM_FILE);
        dir = sim_fd_ino(d, dirfd, NULL); /* the table may have moved */
        sim_bytes *g = grave_of(dir, name);
        if (g) d->ino[ino].ghost = sb_copy(g);
        dir_op(dir, DOP_SET, name, NULL, ino);
    } else {
        ino = dir->ents[i].ino;
        if (flags & O_TRUNC) {
            sim_ino *f = &d->ino[ino];
            sb_overlay(&f->ghost, &f->vol);
            f->vol.len = 0;
            f->meta_dirty = true;
        }
    }
    return sim_fd_new(d, ino, flags);
}

static int s_close(void *ctx, int fd) {
    sim_disk *d = ctx;
    int slot;
    sim_ino *f = sim_fd_ino(d, fd, &slot);
    sim_target_fd(d, fd);
    bool fail = sim_fault(d, "close", NULL); /* the fd is gone either way, as on Linux */
    if (!f) {
        errno = EBADF;
        return -1;
    }
    if (f->lock_fd == fd) f->lock_fd = -1;
    d->fd[slot].used = false;
    return fail ? -1 : 0;
}

static void mark_dirty(sim_ino *f, size_t a, size_t b) {
    size_t need = (f->vol.len + SIM_SECTOR - 1) / SIM_SECTOR;
    if (need > f->nsect) {
        f->dirty = realloc(f->dirty, need);
        memset(f->dirty + f->nsect, 0, need - f->nsect);
        f->nsect = need;
    }
    for (size_t s = a / SIM_SECTOR; s * SIM_SECTOR < b; s++) f->dirty[s] = 1;
}

static ssize_t s_write(void *ctx, int fd, const void *data, size_t n) {
    sim_disk *d = ctx;
    sim_target_fd(d, fd);
    int slot;
    bool short_write;
    if (sim_fault(d, "write", &short_write) && !short_write) return -1;
    sim_ino *f = sim_fd_ino(d, fd, &slot);
    if (!f || f->kind != SIM_FILE || (d->fd[slot].flags & O_ACCMODE) == O_RDONLY) {
        errno = EBADF;
        return -1;
    }
    if (short_write) n = n / 2;
    uint64_t pos = (d->fd[slot].flags & O_APPEND) ? f->vol.len : d->fd[slot].pos;
    if (pos + n > f->vol.len) {
        sb_resize(&f->vol, pos + n);
        f->meta_dirty = true;
    }
    if (n) memcpy(f->vol.p + pos, data, n);
    mark_dirty(f, pos, pos + n);
    d->fd[slot].pos = pos + n;
    return (ssize_t)n;
}

static ssize_t s_pread(void *ctx, int fd, void *data, size_t n, uint64_t off) {
    sim_disk *d = ctx;
    sim_target_fd(d, fd);
    if (sim_fault(d, "pread", NULL)) return -1;
    sim_ino *f = sim_fd_ino(d, fd, NULL);
    if (!f || f->kind != SIM_FILE) {
        errno = EBADF;
        return -1;
    }
    if (off >= f->vol.len) return 0;
    if (n > f->vol.len - off) n = (size_t)(f->vol.len - off);
    memcpy(data, f->vol.p + off, n);
    return (ssize_t)n;
}

static int s_fstat(void *ctx, int fd, struct stat *st) {
    sim_disk *d = ctx;
    sim_target_fd(d, fd);
    if (sim_fault(d, "fstat", NULL)) return -1;
    int slot;
    if (!sim_fd_ino(d, fd, &slot)) {
        errno = EBADF;
        return -1;
    }
    stat_fill(d, d->fd[slot].ino, st);
    return 0;
}

static int s_fstatat(void *ctx, int dirfd, const char *name, struct stat *st) {
    sim_disk *d = ctx;
    d->target = name;
    if (sim_fault(d, "fstatat", NULL)) return -1;
    sim_ino *dir = sim_fd_ino(d, dirfd, NULL);
    int i = dir ? ents_find(dir->ents, dir->nents, name) : -1;
    if (i < 0) {
        errno = ENOENT;
        return -1;
    }
    stat_fill(d, dir->ents[i].ino, st);
    return 0;
}

static int s_sync(void *ctx, int fd, const char *what) {
    sim_disk *d = ctx;
    int slot;
    sim_ino *f = sim_fd_ino(d, fd, &slot);
    if (f) {
        char label[64];
        snprintf(label, sizeof label, "%s of %s", what, f->kind == SIM_DIR ? "a directory" : "a file");
        sim_snapshot(d, label);
        f = sim_fd_ino(d, fd, &slot);
    }
    sim_target_fd(d, fd);
    if (sim_fault(d, what, NULL)) {
        if (f && f->kind == SIM_FILE) {
            /* Linux after a writeback error: the pages are clean, not on the medium. */
            for (size_t s = 0; s < f->nsect; s++)
                if (f->dirty[s] == 1) f->dirty[s] = 2;
            d->file_sync_failed = true;
        }
        return -1;
    }
    if (!f) {
        errno = EBADF;
        return -1;
    }
    if (f->kind == SIM_DIR) {
        free(f->dents);
        f->dents = NULL;
        f->ndents = 0;
        for (size_t k = 0; k < f->nents; k++) ents_set(&f->dents, &f->ndents, f->ents[k].name, f->ents[k].ino);
        free(f->ops);
        f->ops = NULL;
        f->nops = 0;
        return 0;
    }
    /* Lost sectors keep what the medium had (or zeros past it). */
    sim_bytes old = f->dur;
    f->dur = sb_copy(&f->vol);
    for (size_t s = 0; s < f->nsect; s++) {
        if (f->dirty[s] != 2) continue;
        size_t a = s * SIM_SECTOR, b = a + SIM_SECTOR;
        if (b > f->dur.len) b = f->dur.len;
        for (size_t o = a; o < b; o++) f->dur.p[o] = o < old.len ? old.p[o] : 0;
    }
    sb_free(&old);
    for (size_t s = 0; s < f->nsect; s++)
        if (f->dirty[s] == 1) f->dirty[s] = 0;
    f->meta_dirty = false;
    return 0;
}

static int s_sync_data(void *ctx, int fd) {
    return s_sync(ctx, fd, "fdatasync");
}
static int s_sync_full(void *ctx, int fd) {
    return s_sync(ctx, fd, "fsync");
}

static int s_ftruncate(void *ctx, int fd, uint64_t length) {
    sim_disk *d = ctx;
    sim_target_fd(d, fd);
    if (sim_fault(d, "ftruncate", NULL)) return -1;
    int slot;
    sim_ino *f = sim_fd_ino(d, fd, &slot);
    if (!f || f->kind != SIM_FILE || (d->fd[slot].flags & O_ACCMODE) == O_RDONLY) {
        errno = EBADF;
        return -1;
    }
    if (length < f->vol.len) {
        sb_overlay(&f->ghost, &f->vol);
        f->vol.len = (size_t)length;
        size_t keep = (f->vol.len + SIM_SECTOR - 1) / SIM_SECTOR;
        if (keep < f->nsect) {
            /* the partial last sector changed (zeros past the end) */
            if (f->vol.len % SIM_SECTOR && keep) f->dirty[keep - 1] = 1;
            f->nsect = keep;
        }
    } else if (length > f->vol.len) {
        size_t was = f->vol.len;
        sb_resize(&f->vol, (size_t)length);
        mark_dirty(f, was, (size_t)length);
    }
    f->meta_dirty = true;
    return 0;
}

static int s_renameat(void *ctx, int dirfd, const char *from, const char *to) {
    sim_disk *d = ctx;
    d->target = to;
    if (sim_fault(d, "rename", NULL)) return -1;
    sim_ino *dir = sim_fd_ino(d, dirfd, NULL);
    int i = dir ? ents_find(dir->ents, dir->nents, from) : -1;
    if (i < 0) {
        errno = ENOENT;
        return -1;
    }
    int ino = dir->ents[i].ino;
    int t = ents_find(dir->ents, dir->nents, to);
    if (t >= 0 && dir->ents[t].ino != ino) {
        /* The replaced file's blocks are free: the renamed one may reuse them. */
        sim_ino *old = &d->ino[dir->ents[t].ino];
        bury(dir, to, old);
        sim_bytes g = sb_copy(grave_of(dir, to));
        sb_overlay(&g, &d->ino[ino].ghost);
        sb_free(&d->ino[ino].ghost);
        d->ino[ino].ghost = g;
    }
    dir_op(dir, DOP_RENAME, from, to, ino);
    return 0;
}

static int s_unlinkat(void *ctx, int dirfd, const char *name) {
    sim_disk *d = ctx;
    d->target = name;
    if (sim_fault(d, "unlink", NULL)) return -1;
    sim_ino *dir = sim_fd_ino(d, dirfd, NULL);
    int i = dir ? ents_find(dir->ents, dir->nents, name) : -1;
    if (i < 0) {
        errno = ENOENT;
        return -1;
    }
    bury(dir, name, &d->ino[dir->ents[i].ino]);
    dir_op(dir, DOP_DEL, name, NULL, 0);
    return 0;
}

static int s_flock(void *ctx, int fd, int op) {
    sim_disk *d = ctx;
    sim_target_fd(d, fd);
    if (sim_fault(d, "flock", NULL)) return -1;
    sim_ino *f = sim_fd_ino(d, fd, NULL);
    if (!f) {
        errno = EBADF;
        return -1;
    }
    if (op & LOCK_UN) {
        if (f->lock_fd == fd) f->lock_fd = -1;
        return 0;
    }
    if (f->lock_fd >= 0 && f->lock_fd != fd) {
        errno = EWOULDBLOCK;
        return -1;
    }
    f->lock_fd = fd;
    return 0;
}

static int s_list(void *ctx, int dirfd, int (*each)(void *arg, const char *name), void *arg) {
    sim_disk *d = ctx;
    sim_target_fd(d, dirfd);
    if (sim_fault(d, "list", NULL)) return -1;
    sim_ino *dir = sim_fd_ino(d, dirfd, NULL);
    if (!dir || dir->kind != SIM_DIR) {
        errno = EBADF;
        return -1;
    }
    size_t n = dir->nents;
    sim_ent *copy = malloc((n ? n : 1) * sizeof *copy);
    memcpy(copy, dir->ents, n * sizeof *copy);
    int stop = 0;
    for (size_t i = 0; i < n && !stop; i++) stop = each(arg, copy[i].name);
    free(copy);
    return stop;
}

static uint32_t s_salt(void *ctx) {
    sim_disk *d = ctx;
    d->salt_state = d->salt_state * 1664525u + 1013904223u;
    return d->salt_state ? d->salt_state : 1;
}

static jf_wal_io sim_io = {
    NULL,       s_stat,     s_mkdir,       s_open,        s_openat,    s_close,     s_write,    s_pread,
    s_fstat,    s_fstatat,  s_sync_data,   s_sync_full,   s_ftruncate, s_renameat,  s_unlinkat, s_flock,
    s_list,     s_salt,
};

/* Makes `d` the disk under every WAL call (NULL: the real file system). */
static void sim_use(sim_disk *d) {
    sim_current = d;
    sim_io.ctx = d;
    jf_wal_set_io(d ? &sim_io : NULL);
}

/* The bytes of "/sim/<dir>/<name>" as the process sees them, or NULL. */
static const sim_bytes *sim_file(sim_disk *d, const char *dir, const char *name) {
    int di = ents_find(d->ino[1].ents, d->ino[1].nents, dir);
    if (di < 0) return NULL;
    sim_ino *dd = &d->ino[d->ino[1].ents[di].ino];
    int fi = ents_find(dd->ents, dd->nents, name);
    return fi < 0 ? NULL : &d->ino[dd->ents[fi].ino].vol;
}

#endif /* JF_SIMDISK_C */
