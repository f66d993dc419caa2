/* fuzz_jsonwrap: the JSON unwrapping of issue 13 on arbitrary bytes, fed as
 * a stream would feed it: the input is taken value by value, first from a
 * prefix that ends before the input does (eof false), then from the whole.
 * Nothing may crash or read out of bounds (each call gets an exact-size heap
 * copy, so ASan sees a read past it), every call consumes no more than it
 * was given, and a value taken from a prefix gives exactly what it gives
 * from the whole input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonwrap.h"
#include "fuzz.h"

static int take(const char *p, size_t n, bool eof, dbuf *out, size_t *used)
{
    char *copy = malloc(n ? n : 1);
    if (!copy) abort();
    if (n) memcpy(copy, p, n);
    char err[160];
    int rc = jsonwrap_next(n ? copy : NULL, n, eof, out, used, err, sizeof err);
    free(copy);
    if (*used > n) __builtin_trap();
    if (rc < 0 && !err[0]) __builtin_trap(); /* an error always says why */
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    size_t off = 0;
    dbuf a, b;
    dbuf_init(&a, 0);
    dbuf_init(&b, 0);
    while (off <= size) {
        size_t rest = size - off, used_full = 0, used_part = 0;
        dbuf_reset(&a);
        int rc = take(p + off, rest, true, &a, &used_full);
        /* a value's lines end with a newline */
        if (rc == 1 && a.len && a.data[a.len - 1] != '\n') __builtin_trap();
        if (rc != 1 && a.len) __builtin_trap(); /* nothing is left behind on failure */
        /* the same from a prefix, cut where the input says */
        size_t cut = rest ? (size_t)(unsigned char)p[off] % (rest + 1) : 0;
        dbuf_reset(&b);
        int rp = take(p + off, cut, false, &b, &used_part);
        if (rp == 1 && (rc != 1 || used_part != used_full || b.len != a.len || memcmp(a.data, b.data, a.len) != 0))
            __builtin_trap();
        if (rc != 1) break;
        if (used_full == 0) __builtin_trap(); /* a value was taken: progress */
        off += used_full;
    }
    dbuf_free(&a);
    dbuf_free(&b);
    return 0;
}
