/* fuzz_parquet: the Parquet reader on arbitrary bytes — footer (Thrift
 * compact protocol), schema, column chunk bounds, page headers, levels,
 * dictionaries, delta encodings and the snappy/gzip/zstd pages — from
 * memory, all row groups and then the second half alone; every row that
 * comes out goes through the flow-log parser as ingest does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flowlog.h"
#include "parquet.h"
#include "util.h"
#include "fuzz.h"

#define BUF (256u << 10)

static void read_rows(parquet_file *pf, size_t rg0, size_t rg1, char *buf)
{
    char err[FC_ERRLEN] = "";
    parquet_rows *r = parquet_rows_open(pf, rg0, rg1);
    ssize_t k;
    while ((k = parquet_rows_read(r, buf, BUF, err, sizeof err)) > 0) {
        /* whole lines, each ending in '\n' */
        if (buf[k - 1] != '\n') abort();
        for (char *p = buf, *end = buf + k; p < end;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            fl_rec rec;
            char why[192];
            flowlog_parse_line(parquet_format(pf), p, (size_t)(nl - p), &rec, why, sizeof why);
            p = nl + 1;
        }
    }
    if (k < 0 && !err[0]) abort(); /* an error always says what */
    parquet_rows_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[FC_ERRLEN];
    err[0] = '\0';
    parquet_file *pf = parquet_open_mem(data, size, err, sizeof err);
    if (!pf) {
        if (!err[0]) abort();
        return 0;
    }
    char *buf = xmalloc(BUF);
    size_t n = parquet_row_groups(pf);
    read_rows(pf, 0, n, buf);
    if (n > 1) read_rows(pf, n / 2, n, buf);
    free(buf);
    parquet_close(pf);
    return 0;
}
