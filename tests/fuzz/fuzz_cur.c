/* fuzz_cur: the Cost and Usage Report reader (issue 19) on arbitrary bytes:
 * CSV with any quoting, either schema's header, gzip or not. Nothing may
 * crash or read out of bounds (an exact-size heap copy, so ASan sees a read
 * past it), an error always says why, and every line kept is a byte usage
 * type with a finite amount and cost. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy) abort();
    if (size) memcpy(copy, data, size);
    cur *c = cur_new();
    char err[256] = "";
    if (cur_read_mem(c, "fuzz.csv", copy, size, err, sizeof err) < 0 && !err[0]) __builtin_trap();
    for (size_t i = 0; i < cur_count(c); i++) {
        const cur_line *l = cur_at(c, i);
        if (l->cls == CUR_NONE || !isfinite(l->gb) || !isfinite(l->usd) || !l->resource) __builtin_trap();
    }
    cur_free(c);
    free(copy);
    return 0;
}
