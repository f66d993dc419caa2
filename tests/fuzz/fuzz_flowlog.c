/* fuzz_flowlog: the line parser and the format parsers on arbitrary bytes.
 * Input: the first line is a field list (tried as --fields, strict and
 * lenient, and as a header line; the whole input is also sniffed); every following line is parsed with it and with the v2 default,
 * and whenever the fast path accepts a line the full parser must accept it
 * with the same values. Nothing may crash, read out of bounds, or overflow. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flowlog.h"
#include "rec_same.h"
#include "fuzz.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    const char *nl = memchr(p, '\n', size);
    size_t l1 = nl ? (size_t)(nl - p) : size;
    char err[256];
    flowlog_format custom, def, hdr;
    flowlog_format_default(&def);
    int have = flowlog_format_parse(&custom, p, l1, err, sizeof err) == 0;
    if (flowlog_header(p, l1, &hdr, err, sizeof err) && hdr.ncols > FLOWLOG_MAX_FIELDS) __builtin_trap();
    /* --fields is strict: whatever it accepts, the lenient parser accepts the same way */
    flowlog_format strict;
    if (flowlog_fields_parse(&strict, p, l1, err, sizeof err) == 0 &&
        (!have || strict.ncols != custom.ncols || memcmp(strict.col, custom.col, (size_t)custom.ncols) != 0))
        __builtin_trap();
    (void)flowlog_field_suggest(p, l1);
    (void)flowlog_sniff(data, size);
    p = nl ? nl + 1 : end;
    /* one record per format for all lines, as ingest keeps it */
    fl_rec run[2];
    flowlog_rec_clear(&run[0]);
    flowlog_rec_clear(&run[1]);
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t n = e ? (size_t)(e - p) : (size_t)(end - p);
        fl_rec r;
        if (flowlog_parse_line(&def, p, n, &r, err, sizeof err) == 0) {
            /* a parsed record's views stay inside the line */
            if (r.eni.n && (r.eni.p < p || r.eni.p + r.eni.n > p + n)) __builtin_trap();
        }
        if (have) (void)flowlog_parse_line(&custom, p, n, &r, err, sizeof err);
        /* the fast path, on a copy with its '\n' sentinel and exactly
         * FLOWLOG_PAD bytes from it (ASan catches a load beyond them), must agree */
        char *copy = malloc(n + FLOWLOG_PAD);
        memcpy(copy, p, n);
        memset(copy + n, '7', FLOWLOG_PAD);
        copy[n] = '\n';
        const flowlog_format *fs[2] = {&def, have ? &custom : NULL};
        for (int k = 0; k < 2; k++) {
            if (!fs[k]) continue;
            fl_rec b;
            fl_rec *a = &run[k]; /* what the earlier lines of this input left in it */
            size_t fn = flowlog_parse_fast(fs[k], copy, a);
            if (!fn) continue;
            /* it stops at the line's first '\n', which is the sentinel here */
            if (fn != n) __builtin_trap();
            if (flowlog_parse_line(fs[k], copy, n, &b, err, sizeof err) != 0) __builtin_trap();
            if (!rec_same(a, &b)) __builtin_trap();
        }
        /* the baseline variant (where the CPU chose AVX2) says the same */
        for (int k = 0; k < 2; k++) {
            if (!fs[k] || !fs[k]->avx2) continue;
            flowlog_format base = *fs[k];
            base.avx2 = false;
            fl_rec a, c;
            flowlog_rec_clear(&a);
            flowlog_rec_clear(&c);
            size_t fa = flowlog_parse_fast(fs[k], copy, &a);
            if (flowlog_parse_fast(&base, copy, &c) != fa || (fa && !rec_same(&a, &c))) __builtin_trap();
        }
        /* with values not wanted (lazy), the same lines are accepted */
        for (int k = 0; k < 2; k++) {
            if (!fs[k]) continue;
            flowlog_format lz = *fs[k];
            lz.lazy = ~UINT64_C(0);
            fl_rec a, c;
            flowlog_rec_clear(&a);
            flowlog_rec_clear(&c);
            if (flowlog_parse_fast(&lz, copy, &c) != flowlog_parse_fast(fs[k], copy, &a)) __builtin_trap();
        }
        free(copy);
        p = e ? e + 1 : end;
    }
    uint64_t v;
    (void)flowlog_parse_u64((const char *)data, size < 24 ? size : 24, UINT64_MAX, &v);
    return 0;
}
