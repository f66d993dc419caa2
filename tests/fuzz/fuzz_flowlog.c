/* fuzz_flowlog: the line parser and the format parsers on arbitrary bytes.
 * Input: the first line is a field list (tried as --fields and as a header
 * line); every following line is parsed with it and with the v2 default.
 * Nothing may crash, read out of bounds, or overflow. */
#include <stdint.h>
#include <string.h>

#include "flowlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    const char *nl = memchr(p, '\n', size);
    size_t l1 = nl ? (size_t)(nl - p) : size;
    char err[256];
    flowlog_format custom, def, hdr;
    flowlog_format_default(&def);
    int have = flowlog_format_parse(&custom, p, l1, err, sizeof err) == 0;
    (void)flowlog_header(p, l1, &hdr, err, sizeof err);
    p = nl ? nl + 1 : end;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t n = e ? (size_t)(e - p) : (size_t)(end - p);
        fl_rec r;
        if (flowlog_parse_line(&def, p, n, &r, err, sizeof err) == 0) {
            /* a parsed record's views stay inside the line */
            if (r.eni.n && (r.eni.p < p || r.eni.p + r.eni.n > p + n)) __builtin_trap();
        }
        if (have) (void)flowlog_parse_line(&custom, p, n, &r, err, sizeof err);
        p = e ? e + 1 : end;
    }
    uint64_t v;
    (void)flowlog_parse_u64((const char *)data, size < 24 ? size : 24, UINT64_MAX, &v);
    return 0;
}
