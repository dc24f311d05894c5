/*==============================================================================
 * glibc-compat.c — the few glibc-only symbols that Debian's libstdc++.so.6 and
 * libgcc_s.so.1 (built for glibc) import, for musl's loader. Used only by
 * scripts/verify-target.sh to run Bun's musl builds on Debian, which ships
 * musl (the loader and libc) but no libstdc++ built for it. Test machinery,
 * not part of the library. It loads with no LD_PRELOAD (that would disturb
 * the glibc programs the tests start): for x64-musl it is built with the
 * soname ld-linux-x86-64.so.2, which x86-64 libstdc++ lists as needed; for
 * aarch64-musl the script adds it to the needed list of its copies of the two.
 *============================================================================*/
#include <stddef.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include <locale.h>
#include <sys/auxv.h>

/* glibc >= 2.32: 0 means "the process may be multi-threaded" (always safe). */
char __libc_single_threaded = 0;

uint32_t arc4random(void) {
    uint32_t v = 0;
    while (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) {}
    return v;
}

size_t __strftime_l(char *s, size_t max, const char *fmt, const struct tm *tm, locale_t loc) {
    return strftime_l(s, max, fmt, tm, loc);
}

/* aarch64 libstdc++ reads the CPU's feature bits through glibc's internal name. */
unsigned long __getauxval(unsigned long type) {
    return getauxval(type);
}

/* thread_local destructors: not run at thread exit (a test run only leaks them). */
int __cxa_thread_atexit_impl(void (*dtor)(void *), void *obj, void *dso) {
    (void)dtor; (void)obj; (void)dso;
    return 0;
}

/* glibc 2.35 fast unwinder lookup: "not found" makes libgcc fall back to dl_iterate_phdr. */
int _dl_find_object(void *pc, void *result) {
    (void)pc; (void)result;
    return -1;
}

/* libgcc_s exports these only under a hidden symbol version, which musl's
 * loader does not bind, while referring to them itself: provide zeros
 * ("unknown CPU", so no CPU-specific paths are chosen). */
struct { unsigned int vendor, type, subtype, features[1]; } __cpu_model;
unsigned int __cpu_features2[4];
int __cpu_indicator_init(void) { return 0; }
