/*==============================================================================
 * crc32c.h — CRC-32C (Castagnoli) for the WAL's record frames (internal).
 *
 * The exported entry point is jf_crc32c (jsonflat.h); these expose the two
 * implementations so that tests can check one against the other.
 *============================================================================*/
#ifndef JF_CRC32C_H
#define JF_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Slicing-by-8 in portable C. `crc` is a previous result (0 to start). */
uint32_t jf_crc32c_sw(uint32_t crc, const uint8_t *data, size_t len);
/* The CPU's CRC32C instruction (SSE4.2 or ARMv8 CRC) when present, else the
 * portable code; the same results. */
uint32_t jf_crc32c_hw(uint32_t crc, const uint8_t *data, size_t len);
/* Whether jf_crc32c_hw uses an instruction on this machine. */
int jf_crc32c_has_hw(void);

#endif /* JF_CRC32C_H */
