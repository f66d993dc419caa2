/* fuzz_parquet_cols: the columns-by-name Parquet reader (parquet_cols,
 * issue 19's Cost and Usage Reports) on arbitrary bytes: a schema of any
 * shape (nested groups counted, not read), every top-level column of every
 * row as text — timestamps, decimals, floating point included. Nothing may
 * crash or read out of bounds, an error always says why, and each value is
 * NUL-terminated at its length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flowlog.h"
#include "parquet.h"
#include "util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[FC_ERRLEN] = "";
    parquet_file *pf = parquet_open_mem_any(data, size, err, sizeof err);
    if (!pf) {
        if (!err[0]) abort();
        return 0;
    }
    int cols[FLOWLOG_MAX_FIELDS];
    size_t n = 0;
    for (size_t i = 0; i < parquet_columns(pf) && n < FLOWLOG_MAX_FIELDS; i++)
        if (parquet_column_name(pf, i)) cols[n++] = (int)i;
    parquet_cols *pc = n ? parquet_cols_open(pf, cols, n, err, sizeof err) : NULL;
    if (n && !pc && !err[0]) abort();
    const char *vals[FLOWLOG_MAX_FIELDS];
    size_t lens[FLOWLOG_MAX_FIELDS];
    int r = 0;
    while (pc && (r = parquet_cols_next(pc, vals, lens, err, sizeof err)) > 0)
        for (size_t k = 0; k < n; k++)
            if (vals[k] && vals[k][lens[k]] != '\0') abort();
    if (r < 0 && !err[0]) abort();
    parquet_cols_close(pc);
    parquet_close(pf);
    return 0;
}
