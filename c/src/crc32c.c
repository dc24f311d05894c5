/*==============================================================================
 * crc32c.c — CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the
 * checksum of every WAL record frame.
 *
 * Portable: slicing-by-8 (eight 256-entry tables, eight bytes per step),
 * tables built once by a load-time constructor. Hardware: the SSE4.2 `crc32`
 * instruction on x86-64 and the ARMv8 CRC32C instructions on AArch64, chosen
 * at load time from CPUID / the auxiliary vector (always present on Apple
 * Silicon), three streams at once on buffers of 12 KiB and more. Both give
 * identical results; tests compare them.
 *============================================================================*/
#include "crc32c.h"

#include "jsonflat.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#  include <cpuid.h>
#  include <nmmintrin.h>
#  define JF_CRC_X86 1
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
#  include <arm_acle.h>
#  if defined(__linux__)
#    include <sys/auxv.h>
#    ifndef HWCAP_CRC32
#      define HWCAP_CRC32 (1 << 7)
#    endif
#  endif
#  define JF_CRC_ARM 1
#endif

#define POLY 0x82F63B78u

static uint32_t table[8][256];
static int have_hw;

/*------------------------------------------------------------------------------
 * Joining CRCs
 *
 * A crc32 instruction has a latency of three cycles and a throughput of one
 * per cycle, so one chain of them uses a third of the unit. Large buffers are
 * cut into three blocks whose registers are computed side by side from 0 (the
 * first from the incoming register) and joined: CRC is linear, so the register
 * after A||B is reg(A)·x^(8|B|) ⊕ reg(B) modulo P, in the reflected domain
 * where bit 31 is the coefficient of x^0.
 *----------------------------------------------------------------------------*/

#define BLOCK 4096
#define ONE 0x80000000u /* the polynomial 1 */

static uint32_t shift_block, shift_2block; /* x^(8·BLOCK) and x^(16·BLOCK) mod P */

/* a·b mod P. */
static uint32_t gf_mul(uint32_t a, uint32_t b) {
    uint32_t product = 0;
    for (int i = 0; i < 32; i++) {
        if (a & (ONE >> i)) product ^= b;   /* a has the term x^i: add b·x^i */
        b = (b >> 1) ^ (POLY & (0u - (b & 1u))); /* b·x^(i+1) */
    }
    return product;
}

/* x^(8·bytes) mod P: what n zero bytes multiply a register by. */
static uint32_t x_pow_bytes(uint64_t bytes) {
    uint32_t result = ONE, power = ONE >> 1; /* 1 and x */
    for (uint64_t e = bytes * 8; e; e >>= 1) {
        if (e & 1) result = gf_mul(result, power);
        power = gf_mul(power, power);
    }
    return result;
}

static inline uint32_t join3(uint32_t a, uint32_t b, uint32_t c) {
    return gf_mul(a, shift_2block) ^ gf_mul(b, shift_block) ^ c;
}

__attribute__((constructor)) static void jf_crc32c_init(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (POLY & (0u - (c & 1u)));
        table[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++)
        for (int k = 1; k < 8; k++) table[k][n] = (table[k - 1][n] >> 8) ^ table[0][table[k - 1][n] & 0xFF];
    shift_block = x_pow_bytes(BLOCK);
    shift_2block = x_pow_bytes(2 * BLOCK);
#if defined(JF_CRC_X86)
    unsigned a, b, c, d;
    have_hw = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2);
#elif defined(JF_CRC_ARM) && defined(__APPLE__)
    have_hw = 1; /* every Apple Silicon core has the CRC extension */
#elif defined(JF_CRC_ARM) && defined(__linux__)
    have_hw = (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0;
#endif
}

static inline uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

uint32_t jf_crc32c_sw(uint32_t crc, const uint8_t *p, size_t len) {
    crc = ~crc;
    while (len && ((uintptr_t)p & 7)) {
        crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xFF];
        len--;
    }
    while (len >= 8) {
        uint64_t v = load64(p) ^ crc;
        crc = table[7][v & 0xFF] ^ table[6][(v >> 8) & 0xFF] ^ table[5][(v >> 16) & 0xFF] ^
              table[4][(v >> 24) & 0xFF] ^ table[3][(v >> 32) & 0xFF] ^ table[2][(v >> 40) & 0xFF] ^
              table[1][(v >> 48) & 0xFF] ^ table[0][v >> 56];
        p += 8;
        len -= 8;
    }
    while (len--) crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xFF];
    return ~crc;
}

#if defined(JF_CRC_X86)
/* Recent clang wants "crc32" named next to "sse4.2" for the intrinsics. */
#  if defined(__clang__)
#    define JF_TARGET_SSE42 __attribute__((target("sse4.2,crc32")))
#  else
#    define JF_TARGET_SSE42 __attribute__((target("sse4.2")))
#  endif
JF_TARGET_SSE42 static uint32_t crc_x86(uint32_t crc, const uint8_t *p, size_t len) {
    uint64_t c = ~crc;
    while (len && ((uintptr_t)p & 7)) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        len--;
    }
    for (; len >= 3 * BLOCK; p += 3 * BLOCK, len -= 3 * BLOCK) {
        uint64_t a = c, b = 0, d = 0;
        for (size_t i = 0; i < BLOCK; i += 8) {
            uint64_t va, vb, vd;
            memcpy(&va, p + i, 8);
            memcpy(&vb, p + BLOCK + i, 8);
            memcpy(&vd, p + 2 * BLOCK + i, 8);
            a = _mm_crc32_u64(a, va);
            b = _mm_crc32_u64(b, vb);
            d = _mm_crc32_u64(d, vd);
        }
        c = join3((uint32_t)a, (uint32_t)b, (uint32_t)d);
    }
    while (len >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = _mm_crc32_u64(c, v);
        p += 8;
        len -= 8;
    }
    while (len--) c = _mm_crc32_u8((uint32_t)c, *p++);
    return ~(uint32_t)c;
}
#endif

#if defined(JF_CRC_ARM)
#  if defined(__clang__)
#    define JF_TARGET_CRC __attribute__((target("crc")))
#  else
#    define JF_TARGET_CRC __attribute__((target("+crc")))
#  endif
JF_TARGET_CRC static uint32_t crc_arm(uint32_t crc, const uint8_t *p, size_t len) {
    uint32_t c = ~crc;
    while (len && ((uintptr_t)p & 7)) {
        c = __crc32cb(c, *p++);
        len--;
    }
    for (; len >= 3 * BLOCK; p += 3 * BLOCK, len -= 3 * BLOCK) {
        uint32_t a = c, b = 0, d = 0;
        for (size_t i = 0; i < BLOCK; i += 8) {
            uint64_t va, vb, vd;
            memcpy(&va, p + i, 8);
            memcpy(&vb, p + BLOCK + i, 8);
            memcpy(&vd, p + 2 * BLOCK + i, 8);
            a = __crc32cd(a, va);
            b = __crc32cd(b, vb);
            d = __crc32cd(d, vd);
        }
        c = join3(a, b, d);
    }
    while (len >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = __crc32cd(c, v);
        p += 8;
        len -= 8;
    }
    while (len--) c = __crc32cb(c, *p++);
    return ~c;
}
#endif

uint32_t jf_crc32c_hw(uint32_t crc, const uint8_t *data, size_t len) {
#if defined(JF_CRC_X86)
    if (have_hw) return crc_x86(crc, data, len);
#elif defined(JF_CRC_ARM)
    if (have_hw) return crc_arm(crc, data, len);
#endif
    return jf_crc32c_sw(crc, data, len);
}

int jf_crc32c_has_hw(void) {
    return have_hw;
}

JF_API uint32_t jf_crc32c(uint32_t crc, const uint8_t *data, size_t len) {
    if (!data || !len) return crc;
    return jf_crc32c_hw(crc, data, len);
}
