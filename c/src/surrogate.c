/*==============================================================================
 * surrogate.c — escaped lone UTF-16 surrogates such as "x\ud83d" (what
 * JSON.stringify writes for a string cut inside a pair). yyjson refuses them
 * whatever its read flags, and its error points past the escape (or at the
 * next one), so after a failed parse we find the first one ourselves and, for
 * replaceInvalidUtf8, rewrite each into "\uFFFD" in a copy: the same six bytes
 * long, so every later offset stays the offset of the caller's input.
 *============================================================================*/
#include "internal.h"

static int hex_digit(uint8_t c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The code unit of a complete "\uXXXX" escape at s[at], or -1. */
static int32_t escape_unit(const uint8_t *s, size_t len, size_t at) {
    if (at > len || len - at < 6 || s[at] != '\\' || s[at + 1] != 'u') return -1;
    int32_t unit = 0;
    for (size_t i = at + 2; i < at + 6; i++) {
        int digit = hex_digit(s[i]);
        if (digit < 0) return -1;
        unit = unit * 16 + digit;
    }
    return unit;
}

static bool is_high(int32_t unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
static bool is_low(int32_t unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

/* Offset of the next lone surrogate escape inside a string, starting the
 * walk at *at (outside any string when *in_string is false), or len when
 * none starts at or before `limit`. On a hit, *at is just past the escape. A
 * high surrogate escape directly followed by a low one is a pair, the same
 * rule yyjson and the reference apply. */
static size_t next_lone(const uint8_t *s, size_t len, size_t limit, size_t *at, bool *in_string) {
    for (size_t i = *at; i < len && i <= limit; i++) {
        uint8_t c = s[i];
        if (!*in_string) {
            *in_string = c == '"';
            continue;
        }
        if (c == '"') *in_string = false;
        if (c != '\\') continue;
        int32_t unit = escape_unit(s, len, i);
        if (unit < 0) {
            i++; /* another escape: its letter cannot end the string */
            continue;
        }
        if (!is_high(unit) && !is_low(unit)) {
            i += 5;
            continue;
        }
        if (is_high(unit) && is_low(escape_unit(s, len, i + 6))) {
            i += 11;
            continue;
        }
        *at = i + 6;
        return i;
    }
    *at = len;
    return len;
}

size_t jf_find_lone_surrogate(const uint8_t *text, size_t len, size_t limit) {
    size_t at = 0;
    bool in_string = false;
    return next_lone(text, len, limit, &at, &in_string);
}

size_t jf_replace_lone_surrogates(uint8_t *text, size_t len) {
    size_t at = 0, count = 0;
    bool in_string = false;
    for (size_t lone; (lone = next_lone(text, len, len, &at, &in_string)) < len; count++)
        memcpy(text + lone + 2, "FFFD", 4);
    return count;
}
