/*==============================================================================
 * test_path_identifier.c — jf_path_is_identifier (path.h), the js-style rule
 * "a letter, _ or $, then letters, digits, _ or $" that decides .key against
 * ["key"], checked eight bytes at a time: against a byte-by-byte reference
 * for every string of one and two bytes and for seeded strings of 1 to 40
 * bytes around the rule's edges (every word length and tail).
 *============================================================================*/
#include "check.h"
#include "path.h"

static bool continues(uint8_t c) {
    return c == '$' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool reference(const uint8_t *s, size_t n) {
    if (n == 0 || (s[0] >= '0' && s[0] <= '9') || !continues(s[0])) return false;
    for (size_t i = 1; i < n; i++)
        if (!continues(s[i])) return false;
    return true;
}

/* xorshift64: the same strings on every run */
static uint64_t next(uint64_t *state) {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static void every_short_string(void) {
    uint8_t s[2];
    unsigned long wrong = 0;
    for (int a = 0; a < 256; a++)
        for (int b = 0; b < 256; b++) {
            s[0] = (uint8_t)a;
            s[1] = (uint8_t)b;
            for (size_t n = 1; n <= 2; n++)
                if (jf_path_is_identifier(s, n) != reference(s, n)) wrong++;
        }
    CHECK_MSG(wrong == 0, "%lu one- and two-byte strings judged wrongly", wrong);
    CHECK(!jf_path_is_identifier((const uint8_t *)"", 0));
}

static void seeded_strings(void) {
    /* bytes next to each range's edges, so a range check off by one shows */
    static const uint8_t edges[] = { '/', '0', '9', ':', '@', 'A', 'Z', '[', '^', '_', '`', 'a', 'z', '{',
                                     '#', '$', '%', 0x00, 0x7F, 0x80, 0xC3, 0xFF, ' ', '.' };
    static const char plain[] = "abzAZ09_$mQ";
    uint64_t state = 0x9E3779B97F4A7C15ull;
    uint8_t s[40];
    unsigned long wrong = 0, identifiers = 0;
    for (int t = 0; t < 400000; t++) {
        size_t n = 1 + next(&state) % sizeof s;
        unsigned odds = 1 + (unsigned)(next(&state) % 40); /* how rarely an edge byte appears */
        for (size_t i = 0; i < n; i++) {
            uint64_t r = next(&state);
            s[i] = r % odds == 0 ? edges[(r >> 8) % sizeof edges] : (uint8_t)plain[(r >> 8) % (sizeof plain - 1)];
        }
        bool want = reference(s, n);
        identifiers += want;
        if (jf_path_is_identifier(s, n) != want) wrong++;
    }
    CHECK_MSG(wrong == 0, "%lu seeded strings judged wrongly", wrong);
    CHECK_MSG(identifiers > 10000 && identifiers < 390000, "the seeded strings mix both answers (%lu identifiers)",
              identifiers);
}

int main(void) {
    every_short_string();
    seeded_strings();
    return check_done("test_path_identifier");
}
