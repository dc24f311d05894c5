/*==============================================================================
 * log.h — the library's own records, through the process-wide logger (log.c).
 *============================================================================*/
#ifndef JF_LOG_H
#define JF_LOG_H

#include "jsonflat.h"

/* Writes a record from native code (source `t<thread id>`) if `level` passes
 * both the logger's level and its native level; printf-style message, cut
 * to 1 KiB before the record bound applies. Thread safe, never fails
 * visibly (a failed write is counted in jf_log_stats.failed). */
void jf_logf(int32_t level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Whether a native record at `level` would be written (skip costly
 * formatting when not). */
int jf_log_native_enabled(int32_t level);

#endif /* JF_LOG_H */
