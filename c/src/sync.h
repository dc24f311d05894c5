/*==============================================================================
 * sync.h — the few threading primitives the logger and the WAL need, over
 * pthreads (POSIX) or SRW locks and condition variables (Windows).
 *
 * Header only, internal. Every lock here is statically initialisable
 * (JF_MUTEX_INIT) so global state needs no init function and no race on
 * first use.
 *============================================================================*/
#ifndef JF_SYNC_H
#define JF_SYNC_H

#include <stdint.h>

#if defined(_WIN32)
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <windows.h>

typedef SRWLOCK jf_mutex;
typedef CONDITION_VARIABLE jf_cond;
#  define JF_MUTEX_INIT SRWLOCK_INIT
#  define JF_COND_INIT  CONDITION_VARIABLE_INIT

static inline void jf_mutex_init(jf_mutex *m) { InitializeSRWLock(m); }
static inline void jf_mutex_destroy(jf_mutex *m) { (void)m; }
static inline void jf_mutex_lock(jf_mutex *m) { AcquireSRWLockExclusive(m); }
static inline void jf_mutex_unlock(jf_mutex *m) { ReleaseSRWLockExclusive(m); }
static inline void jf_cond_init(jf_cond *c) { InitializeConditionVariable(c); }
static inline void jf_cond_destroy(jf_cond *c) { (void)c; }
static inline void jf_cond_wait(jf_cond *c, jf_mutex *m) { SleepConditionVariableSRW(c, m, INFINITE, 0); }
static inline void jf_cond_broadcast(jf_cond *c) { WakeAllConditionVariable(c); }
/* Waits at most `ns` nanoseconds (rounded up to milliseconds here). */
static inline void jf_cond_wait_ns(jf_cond *c, jf_mutex *m, uint64_t ns) {
    SleepConditionVariableSRW(c, m, (DWORD)((ns + 999999) / 1000000), 0);
}
static inline uint64_t jf_thread_id(void) { return (uint64_t)GetCurrentThreadId(); }
static inline uint64_t jf_monotonic_ns(void) {
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (uint64_t)((double)c.QuadPart * 1e9 / (double)f.QuadPart);
}

#else
#  include <pthread.h>
#  include <time.h>
#  if defined(__linux__)
#    include <sys/syscall.h>
#    include <unistd.h>
#  endif

typedef pthread_mutex_t jf_mutex;
typedef pthread_cond_t jf_cond;
#  define JF_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
#  define JF_COND_INIT  PTHREAD_COND_INITIALIZER

static inline void jf_mutex_init(jf_mutex *m) { pthread_mutex_init(m, NULL); }
static inline void jf_mutex_destroy(jf_mutex *m) { pthread_mutex_destroy(m); }
static inline void jf_mutex_lock(jf_mutex *m) { pthread_mutex_lock(m); }
static inline void jf_mutex_unlock(jf_mutex *m) { pthread_mutex_unlock(m); }
static inline void jf_cond_init(jf_cond *c) { pthread_cond_init(c, NULL); }
static inline void jf_cond_destroy(jf_cond *c) { pthread_cond_destroy(c); }
static inline void jf_cond_wait(jf_cond *c, jf_mutex *m) { pthread_cond_wait(c, m); }
static inline void jf_cond_broadcast(jf_cond *c) { pthread_cond_broadcast(c); }
/* Waits at most `ns` nanoseconds (spurious wake-ups possible, as always). */
static inline void jf_cond_wait_ns(jf_cond *c, jf_mutex *m, uint64_t ns) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    uint64_t total = (uint64_t)t.tv_nsec + ns;
    t.tv_sec += (time_t)(total / 1000000000u);
    t.tv_nsec = (long)(total % 1000000000u);
    pthread_cond_timedwait(c, m, &t);
}
static inline uint64_t jf_monotonic_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The kernel's id of the calling thread (what `top -H` and /proc show). */
static inline uint64_t jf_thread_id(void) {
#  if defined(__linux__)
    return (uint64_t)syscall(SYS_gettid); /* glibc 2.17 has no gettid() wrapper */
#  elif defined(__APPLE__)
    uint64_t id = 0;
    pthread_threadid_np(NULL, &id);
    return id;
#  else
    return (uint64_t)(uintptr_t)pthread_self();
#  endif
}
#endif

#endif /* JF_SYNC_H */
