/* athena: the Amazon Athena API (JSON 1.1 over SigV4 POSTs through http.c)
 * for `--athena`: the table's columns (GetTableMetadata), and a query run
 * to its end (StartQueryExecution with a ClientRequestToken, so a retried
 * start is one query; GetQueryExecution polled with capped exponential
 * backoff up to a deadline; StopQueryExecution when *stop becomes non-zero,
 * e.g. on Ctrl-C, or at the deadline). The result: GetQueryResults paged
 * with NextToken when it fits one page (1,000 rows); a larger one is read as
 * the CSV Athena wrote to its output location, one S3 GetObject instead of
 * a request per 1,000 rows. */
#ifndef FC_ATHENA_H
#define FC_ATHENA_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws.h"
#include "util.h"

typedef struct athena_exec {
    char id[128];            /* QueryExecutionId */
    char state[32];          /* SUCCEEDED, FAILED, CANCELLED */
    uint64_t bytes_scanned;  /* Statistics.DataScannedInBytes */
    long engine_ms;          /* Statistics.EngineExecutionTimeInMillis */
    uint64_t rows;           /* data rows handed to the callback */
    char output[1024];       /* ResultConfiguration.OutputLocation: the result CSV */
} athena_exec;

/* A result row: n cells, NULL for SQL NULL. Non-zero stops the paging. */
typedef int (*athena_row_fn)(void *ctx, const char *const *cells, size_t n, char *err, size_t errlen);

typedef struct athena_run_opts {
    const char *sql;
    const char *database;    /* QueryExecutionContext.Database; NULL = none */
    const char *workgroup;   /* NULL = the account's default (primary) */
    const char *output;      /* ResultConfiguration.OutputLocation; NULL = the workgroup's */
    const char *const *header; /* the column names the first row must hold; NULL = not checked */
    size_t n_header;
    long poll_ms;            /* first poll delay; 0 = 250 (doubles up to 5 s) */
    long timeout_ms;         /* give up (and stop the query) after this; 0 = one hour */
    volatile sig_atomic_t *stop;
} athena_run_opts;

/* Run the query and feed every data row to fn. 0, or -1 with one line:
 * "query 1234... FAILED: <StateChangeReason>", the API's error, ... */
int athena_run(const aws_config *c, const athena_run_opts *r, athena_row_fn fn, void *ctx, athena_exec *ex,
               char *err, size_t errlen);

/* The table's columns into cols and its partition keys into parts, each
 * space-separated; date_format = its "projection.date.format" parameter
 * ("" when none). */
int athena_table_columns(const aws_config *c, const char *database, const char *table, dbuf *cols, dbuf *parts,
                         char *date_format, size_t dflen, char *err, size_t errlen);

#endif
