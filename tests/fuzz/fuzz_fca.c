/* fuzz_fca: the .fca decoder past its checksum. fuzz_reader hands raw
 * bytes to fca_read, but a mutated file fails the checksum before any
 * group is decoded; here the input is the payload, sealed with a right
 * length and checksum, so every byte reaches the decoder. The first byte
 * picks the version (1 to 4). Whatever reads must write and read back to
 * the same counts, and the written file must be a fixed point: read and
 * written again, the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "fca.h"
#include "util.h"
#include "fuzz.h"
#include "../fca_sum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned ver = 1 + (data[0] & 3);
    data++;
    size--;
    unsigned char *f = xmalloc(16 + size + 8);
    memcpy(f, FCA_MAGIC, FCA_MAGIC_LEN);
    put_le(f + 4, ver, 4);
    put_le(f + 8, size, 8);
    if (size) memcpy(f + 16, data, size);
    put_le(f + 16 + size, checksum(f + 16, size), 8);
    char err[FC_ERRLEN];
    agg *a = agg_new();
    if (fca_read(a, f, 16 + size + 8, err, sizeof err) == 0) {
        agg_canonicalize(a);
        dbuf w1, w2;
        dbuf_init(&w1, 0);
        dbuf_init(&w2, 0);
        if (fca_write(a, &w1, err, sizeof err) != 0) __builtin_trap();
        agg *b = agg_new();
        if (fca_read(b, w1.data, w1.len, err, sizeof err) != 0 || agg_count(b) != agg_count(a)) __builtin_trap();
        agg_canonicalize(b);
        if (fca_write(b, &w2, err, sizeof err) != 0 || w2.len != w1.len || memcmp(w1.data, w2.data, w1.len) != 0)
            __builtin_trap();
        agg_free(b);
        dbuf_free(&w1);
        dbuf_free(&w2);
    }
    agg_free(a);
    free(f);
    return 0;
}
