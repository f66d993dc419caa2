/* Unit tests of parquet_cols (src/parquet.c): columns by name, each value
 * as text, on tests/parquet/cols_types.parquet (DuckDB, SNAPPY; written by
 * tests/parquet/make_cur_fixtures.mjs, whose literals give every expected
 * text below), and the mistakes a caller can make. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parquet.h"
#include "util.h"

#define NCOL 13

static const char *const names[NCOL] = {"s", "i32", "i64", "f", "d", "ts_us", "ts_ms", "ts_ns", "dt",
                                        "dec18", "dec9", "dec38", "b"};

/* NULL: a null. Worked out from the literals: */
static const char *const want[3][NCOL] = {
    {"nat-0a", "-7", "1793577600",
     "0.5",                                /* FLOAT 0.5 is exact */
     "0.10000000000000001",                /* 0.1 = 0.1000000000000000055511…: 17 significant digits */
     "2026-11-02T05:00:00Z",               /* microseconds, no fraction */
     "2026-11-02T00:00:00.123Z",           /* milliseconds */
     "2026-11-02T00:00:00.000000001Z",     /* nanoseconds */
     "2026-11-02",                         /* DATE: days since 1970 */
     "1.5000", "12.34", "4.3200000000",    /* DECIMAL(18,4) INT64, (9,2) INT32, (38,10) 16 bytes */
     "1"},
    {NULL, "0", NULL,
     "0.100000001",                        /* (float)0.1 = 0.100000001490116…: 9 digits */
     "4.3200000000000003",                 /* 4.32 = 4.320000000000000284…  */
     "2026-11-02T05:00:00.25Z", NULL, NULL,
     "1970-01-01",
     "-0.0001", "-0.05", "-1.0000000000",
     "0"},
    {"a,b \"c\"", "2147483647", "-1", NULL, NULL,
     "1969-12-31T23:59:59.5Z",             /* -500000 us: before 1970, the fraction still counts up */
     NULL, NULL,
     "1969-12-31",                         /* day -1 */
     "0.0000", "0.00", NULL, NULL},
};

static char *slurp(const char *path, size_t *len)
{
    char *data = NULL, err[256];
    if (fc_read_file(path, &data, len, err, sizeof err) < 0) fprintf(stderr, "%s\n", err);
    return data;
}

int main(void)
{
    const char *src = getenv("FC_SRC");
    char path[4096], err[256] = "";
    snprintf(path, sizeof path, "%s/tests/parquet/cols_types.parquet", src ? src : "..");
    size_t len;
    char *data = slurp(path, &len);
    CHECK(data != NULL);
    if (!data) return check_done();

    /* the flow-log reader still refuses it (the map column is nested) */
    CHECK(parquet_open_mem(data, len, err, sizeof err) == NULL);
    CHECK_STR(err, "unsupported schema: nested columns");

    parquet_file *pf = parquet_open_mem_any(data, len, err, sizeof err);
    if (!pf) fprintf(stderr, "%s\n", err);
    CHECK(pf != NULL);
    if (!pf) return check_done();
    /* the map column is a group of two leaves (key, value): counted, not addressable */
    CHECK(parquet_columns(pf) == NCOL + 2);
    CHECK(parquet_column(pf, "tags") == -1);
    CHECK(parquet_column(pf, "key") == -1);
    CHECK(parquet_column_name(pf, 1) == NULL);
    CHECK_STR(parquet_column_name(pf, 0), "s");
    CHECK(parquet_column(pf, "nope") == -1);

    int cols[NCOL];
    for (int k = 0; k < NCOL; k++) {
        cols[k] = parquet_column(pf, names[k]);
        CHECK(cols[k] >= 0);
        if (cols[k] < 0) return check_done();
    }
    CHECK(cols[1] == 3); /* i32 comes after s and the map's two leaves */

    /* a nested leaf cannot be asked for */
    int nested = 1;
    CHECK(parquet_cols_open(pf, &nested, 1, err, sizeof err) == NULL);
    CHECK_STR(err, "column 1 is not a top-level column");

    parquet_cols *pc = parquet_cols_open(pf, cols, NCOL, err, sizeof err);
    CHECK(pc != NULL);
    const char *vals[NCOL];
    size_t lens[NCOL];
    for (int row = 0; row < 3; row++) {
        CHECK(parquet_cols_next(pc, vals, lens, err, sizeof err) == 1);
        for (int k = 0; k < NCOL; k++) {
            const char *w = want[row][k];
            bool ok = w ? vals[k] && !strcmp(vals[k], w) && lens[k] == strlen(w) : vals[k] == NULL;
            if (!ok) fprintf(stderr, "row %d %s: '%s', expected '%s'\n", row, names[k], vals[k] ? vals[k] : "(null)", w ? w : "(null)");
            CHECK(ok);
        }
    }
    CHECK(parquet_cols_next(pc, vals, lens, err, sizeof err) == 0);
    parquet_cols_close(pc);
    parquet_close(pf);

    /* a flow-log file opened for rows cannot be read by columns */
    pf = parquet_open_mem(NULL, 0, err, sizeof err);
    CHECK(pf == NULL);
    snprintf(path, sizeof path, "%s/tests/parquet/flows_snappy_v1.parquet", src ? src : "..");
    char *flows = slurp(path, &len);
    CHECK(flows != NULL);
    if (flows) {
        pf = parquet_open_mem(flows, len, err, sizeof err);
        CHECK(pf != NULL);
        int c0 = 0;
        CHECK(pf && parquet_cols_open(pf, &c0, 1, err, sizeof err) == NULL);
        CHECK_STR(err, "the file was opened for flow-log rows, not for columns");
        parquet_close(pf);
        /* and opened for columns, a flow log reads too: its first account id */
        pf = parquet_open_mem_any(flows, len, err, sizeof err);
        int acc = pf ? parquet_column(pf, "account_id") : -1;
        CHECK(acc >= 0);
        pc = acc >= 0 ? parquet_cols_open(pf, &acc, 1, err, sizeof err) : NULL;
        CHECK(pc && parquet_cols_next(pc, vals, lens, err, sizeof err) == 1);
        if (pc) CHECK(!strcmp(vals[0], "123456789012") || !strcmp(vals[0], "210987654321"));
        parquet_cols_close(pc);
        parquet_close(pf);
        free(flows);
    }
    free(data);
    return check_done();
}
