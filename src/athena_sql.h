/* athena_sql: the SQL flowcost sends to Amazon Athena — the CREATE EXTERNAL
 * TABLE for a flow log's S3 delivery (text columns in the log format's order,
 * or Parquet by name; partition projection on region and date, per-hour when
 * the flow log uses it; Hive-style prefixes or not), and the one group-by
 * query whose groups are the .fca groups ingest.c builds from the same
 * records. Text only: no I/O.
 *
 * The table layout is the one AWS documents (docs/athena.md cites the pages);
 * the partition columns are flowcost's: `region` (`aws_region` when the log
 * format itself has a region column), `date` as 'yyyy/MM/dd' (Hive style:
 * 'year=yyyy/month=MM/day=dd', the prefix as S3 holds it) and `hour`
 * ('00'..'23') with --per-hour. */
#ifndef FC_ATHENA_SQL_H
#define FC_ATHENA_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "flowlog.h"
#include "util.h"

typedef struct athena_table {
    const char *name;        /* "db.table" or "table" */
    const char *location;    /* the flow log's destination: s3://bucket[/prefix] */
    const char *account;     /* the account id in the delivery path */
    const char *regions;     /* "us-east-1,eu-west-1": the region projection's values */
    const char *date_from;   /* "2021/01/01": the first day projected; NULL = that */
    flowlog_format fmt;      /* the log format (text: the column order) */
    bool parquet, hive, per_hour;
} athena_table;

/* The partition column for region: "region", or "aws_region" when the
 * format has a region field of its own. */
const char *athena_region_part(const flowlog_format *f);

/* CREATE EXTERNAL TABLE ... for t, appended to out (ends with ";\n").
 * -1 with a message on a bad name, location or account. */
int athena_ddl(const athena_table *t, dbuf *out, char *err, size_t errlen);

/* The group-by query. Columns the table lacks are NULL in the result, so
 * the result always has the ATHENA_COLS columns below, in that order. */
typedef struct athena_query {
    const char *table;       /* "db.table" */
    flowlog_format fmt;      /* the table's flow-log columns (any order) */
    bool has_date_part;      /* the table has flowcost's `date` partition */
    bool hive;               /* ... in Hive form */
    int64_t since, until;    /* unix seconds; 0 = unbounded */
} athena_query;

enum athena_col {
    AQ_ENI, AQ_SRC, AQ_DST, AQ_PKT_SRC, AQ_PKT_DST, AQ_SRC_SVC, AQ_DST_SVC, AQ_HOUR,
    AQ_DSTPORT, AQ_PROTOCOL, AQ_ACTION, AQ_STATUS, AQ_DIRECTION, AQ_TRAFFIC_PATH,
    AQ_PACKETS, AQ_BYTES, AQ_RECORDS, AQ_MIN_START, AQ_MAX_END,
    AQ_VPC, AQ_SUBNET, AQ_INSTANCE, AQ_AZ_ID, AQ_ACCOUNT, AQ_REGION,
    ATHENA_COLS
};
/* The result column names, for checks of a result's header. */
const char *athena_col_name(enum athena_col c);

int athena_query_sql(const athena_query *q, dbuf *out, char *err, size_t errlen);

/* One result row (ATHENA_COLS cells, NULL = SQL NULL) into a: the group
 * (agg_add), the ENI's metadata (agg_note_eni) and the record counts of
 * its stats, as ingest.c would have counted the group's records. "-" is
 * absent as in the text format. -1 with a reason on a value the local
 * reader would not take. */
int athena_row_add(agg *a, const char *const *cells, char *err, size_t errlen);

/* The date partition values ('yyyy/MM/dd' or Hive form) that can hold a
 * record started at unix time t: the day of the delivery, which is at
 * most 15 min before and 6 h after the record's start (ingest.c's slack). */
void athena_date_value(int64_t t, bool hive, char out[32]);

/* Athena's price for a query that scanned `bytes`: $5 per TB (10^12 bytes),
 * at least 10 MB per query (AWS's pricing page). */
double athena_cost_usd(uint64_t bytes_scanned);

#endif
