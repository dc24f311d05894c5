/*==============================================================================
 * test_not_supported.c — the write-ahead log's Windows branch, run natively.
 *
 * On Windows every jf_wal_* entry point refuses with JF_NOT_SUPPORTED. That
 * branch of wal.c is also compiled under JF_TEST_NO_DURABILITY, so it is
 * included here under other names (refused_wal_*) next to the real POSIX log
 * this program links with, and checked on any platform: the code, a message
 * naming the function and the platform, and results left zeroed.
 *============================================================================*/
#define _GNU_SOURCE 1 /* as wal.c, before any system header (sync.h uses syscall) */
#include "check.h"

#define JF_TEST_NO_DURABILITY 1
#define jf_wal_open refused_wal_open
#define jf_wal_append refused_wal_append
#define jf_wal_append_sync refused_wal_append_sync
#define jf_wal_sync refused_wal_sync
#define jf_wal_read refused_wal_read
#define jf_wal_truncate_before refused_wal_truncate_before
#define jf_wal_get_stats refused_wal_get_stats
#define jf_wal_close refused_wal_close
#include "wal.c"
#undef jf_wal_open
#undef jf_wal_append
#undef jf_wal_append_sync
#undef jf_wal_sync
#undef jf_wal_read
#undef jf_wal_truncate_before
#undef jf_wal_get_stats
#undef jf_wal_close

/* The error says JF_NOT_SUPPORTED, names `operation` and Windows. */
static void check_refusal(const jf_error *e, const char *operation) {
    CHECK_INT_EQ(e->code, JF_NOT_SUPPORTED);
    CHECK(strstr(e->message, operation) != NULL);
    CHECK(strstr(e->message, "not supported on Windows") != NULL);
    CHECK(e->offset == 0 && e->line == 0 && e->column == 0);
}

static jf_error dirty_error(void) {
    jf_error e;
    memset(&e, 0xAB, sizeof e);
    return e;
}

static void test_open(void) {
    jf_wal_open_result r;
    memset(&r, 0xAB, sizeof r);
    const char *dir = "build/never-created-wal";
    jf_wal_options o = {0};
    CHECK_INT_EQ(refused_wal_open((const uint8_t *)dir, strlen(dir), &o, &r), 0);
    check_refusal(&r.error, "jf_wal_open");
    CHECK(r.first_lsn == 0 && r.next_lsn == 0 && r.records == 0 && r.segments == 0 && r.shared == 0);
    CHECK_INT_EQ(r.torn_segment[0], 0);
    /* No result: nothing to fill, still no handle. */
    CHECK_INT_EQ(refused_wal_open((const uint8_t *)dir, strlen(dir), NULL, NULL), 0);
}

static void test_handle_calls(void) {
    const uint8_t data[] = "record";
    uint64_t lsn = 77;
    jf_error e = dirty_error();
    CHECK_INT_EQ(refused_wal_append(1, data, sizeof data - 1, &lsn, &e), JF_NOT_SUPPORTED);
    check_refusal(&e, "jf_wal_append");
    CHECK(lsn == 77); /* untouched: no record was appended */

    e = dirty_error();
    CHECK_INT_EQ(refused_wal_append_sync(1, data, sizeof data - 1, &lsn, &e), JF_NOT_SUPPORTED);
    check_refusal(&e, "jf_wal_append_sync");

    e = dirty_error();
    CHECK_INT_EQ(refused_wal_sync(1, &e), JF_NOT_SUPPORTED);
    check_refusal(&e, "jf_wal_sync");

    e = dirty_error();
    CHECK_INT_EQ(refused_wal_truncate_before(1, 5, &e), JF_NOT_SUPPORTED);
    check_refusal(&e, "jf_wal_truncate_before");

    jf_wal_stats st;
    memset(&st, 0xAB, sizeof st);
    e = dirty_error();
    CHECK_INT_EQ(refused_wal_get_stats(1, &st, &e), JF_NOT_SUPPORTED);
    check_refusal(&e, "jf_wal_get_stats");
    CHECK(st.next_lsn == 0 && st.handles == 0 && st.segments == 0);

    e = dirty_error();
    CHECK_INT_EQ(refused_wal_close(1, &e), JF_NOT_SUPPORTED);
    check_refusal(&e, "jf_wal_close");

    jf_wal_read_result rr;
    memset(&rr, 0xAB, sizeof rr);
    CHECK(refused_wal_read(1, 0, 0, &rr) == NULL);
    check_refusal(&rr.error, "jf_wal_read");
    CHECK(rr.length == 0 && rr.records == 0 && rr.next_lsn == 0);

    /* A NULL error or result is allowed: the code alone. */
    CHECK_INT_EQ(refused_wal_append(0, NULL, 0, NULL, NULL), JF_NOT_SUPPORTED);
    CHECK_INT_EQ(refused_wal_sync(0, NULL), JF_NOT_SUPPORTED);
    CHECK_INT_EQ(refused_wal_get_stats(0, NULL, NULL), JF_NOT_SUPPORTED);
    CHECK_INT_EQ(refused_wal_close(0, NULL), JF_NOT_SUPPORTED);
    CHECK(refused_wal_read(0, 0, 0, NULL) == NULL);
}

static void test_code_name(void) {
    CHECK_STR_EQ(jf_code_name(JF_NOT_SUPPORTED), "NOT_SUPPORTED");
    CHECK_INT_EQ(JF_NOT_SUPPORTED, 13);
}

int main(void) {
    test_open();
    test_handle_calls();
    test_code_name();
    return check_done("test_not_supported");
}
