/* elf-nodelete IN OUT — copy the ELF shared object IN to OUT with DF_1_NODELETE set.
 *
 * Why: the library must never be unloaded (a finalizer of a still-alive buffer would jump into
 * unmapped code; see ARCHITECTURE.md), which is what the linker flag `-z nodelete` records.
 * `zig build-lib` accepts `-z nodelete`, but Zig 0.17's build system has no way to pass it
 * (Step.Compile only knows notext, relro, lazy, defs and the page sizes), so build.zig links
 * normally and runs this tool afterwards. The result is byte-for-byte what the flag produces:
 * one bit in the existing DT_FLAGS_1 entry (Zig links shared objects with `-z now`, so that
 * entry is always there; if it is not, this tool fails rather than guess).
 *
 * Handles 64-bit little-endian ELF only (x86_64 and aarch64, every Linux target we ship).
 * Plain C99 and stdio, so it builds on any host that runs `zig build`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PT_DYNAMIC 2u
#define DT_NULL 0u
#define DT_FLAGS_1 0x6ffffffbu
#define DF_1_NODELETE 0x8u

static int fail(const char *in, const char *why) {
    fprintf(stderr, "elf-nodelete: %s: %s\n", in, why);
    return 1;
}

static uint64_t rd(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static void wr64(unsigned char *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: elf-nodelete IN OUT\n");
        return 2;
    }
    const char *in = argv[1], *out = argv[2];

    FILE *f = fopen(in, "rb");
    if (!f) return fail(in, "cannot open");
    if (fseek(f, 0, SEEK_END) != 0) return fail(in, "cannot seek");
    long size = ftell(f);
    if (size < 64 || fseek(f, 0, SEEK_SET) != 0) return fail(in, "too small to be ELF");
    unsigned char *buf = malloc((size_t)size);
    if (!buf) return fail(in, "out of memory");
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) return fail(in, "short read");
    fclose(f);
    uint64_t n = (uint64_t)size;

    if (memcmp(buf, "\177ELF", 4) != 0) return fail(in, "not an ELF file");
    if (buf[4] != 2 || buf[5] != 1) return fail(in, "not 64-bit little-endian ELF");

    uint64_t phoff = rd(buf + 32, 8);
    uint64_t phentsize = rd(buf + 54, 2), phnum = rd(buf + 56, 2);
    if (phentsize < 56 || phoff > n || phnum * phentsize > n - phoff)
        return fail(in, "bad program header table");

    int done = 0;
    for (uint64_t i = 0; i < phnum && !done; i++) {
        const unsigned char *ph = buf + phoff + i * phentsize;
        if (rd(ph, 4) != PT_DYNAMIC) continue;
        uint64_t off = rd(ph + 8, 8), len = rd(ph + 32, 8);
        if (off > n || len > n - off) return fail(in, "bad PT_DYNAMIC segment");
        for (uint64_t d = off; d + 16 <= off + len; d += 16) {
            uint64_t tag = rd(buf + d, 8);
            if (tag == DT_NULL) break;
            if (tag == DT_FLAGS_1) {
                wr64(buf + d + 8, rd(buf + d + 8, 8) | DF_1_NODELETE);
                done = 1;
                break;
            }
        }
    }
    if (!done) return fail(in, "no DT_FLAGS_1 entry to set NODELETE in (was it linked with -z now?)");

    f = fopen(out, "wb");
    if (!f) return fail(out, "cannot create");
    if (fwrite(buf, 1, (size_t)n, f) != (size_t)n || fclose(f) != 0) return fail(out, "short write");
    free(buf);
    return 0;
}
