/* fca_sum: the .fca payload checksum and little-endian stores, written
 * here from the format (src/fca.c's header: FNV-style over little-endian
 * 8-byte words, the last bytes one at a time, a final mix), not taken from
 * fca.c on purpose: the tests and the fuzzer build files by hand, as an
 * older flowcost wrote them or as a hostile one might. */
#ifndef FC_TEST_FCA_SUM_H
#define FC_TEST_FCA_SUM_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t checksum(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = 0;
        for (int k = 7; k >= 0; k--) w = w << 8 | p[i + (size_t)k];
        h = (h ^ w) * 0x100000001b3ULL;
        h ^= h >> 31;
    }
    for (; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static inline void put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) p[i] = (unsigned char)(v >> (8 * i));
}

#endif
