/* Unit tests of src/athena_sql.c: the CREATE EXTERNAL TABLE for text and
 * Parquet flow logs (checked by hand against the statements of AWS's Athena
 * user guide: "Create a table for Amazon VPC flow logs", "... using
 * partition projection" and the Parquet example; see docs/athena.md), and
 * the group-by query (the .fca key of src/agg.h, the REJECT-only port and
 * protocol, the window and its partition pruning). */
#include <stdlib.h>
#include <string.h>

#include "athena_sql.h"
#include "check.h"

static void fmt(flowlog_format *f, const char *s)
{
    char err[256];
    CHECK(flowlog_format_parse(f, s, strlen(s), err, sizeof err) == 0);
}

#define V2 "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
#define V5 V2 " vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type " \
              "sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path"

/* The v2 default format as text: AWS's column list and types (the first 14
 * columns of its statement; `start` backquoted like `end`: the Hive grammar
 * of tests/athena_grammar_test.sh takes it for a keyword), its delimiter and
 * header skip, and projection
 * as in AWS's projection example with `date` for its `day` (yyyy/MM/dd is
 * the S3 layout .../vpcflowlogs/REGION/YYYY/MM/DD/). */
static const char ddl_v2_text[] =
    "CREATE EXTERNAL TABLE IF NOT EXISTS flowlogs.vpc (\n"
    "  version int,\n  account_id string,\n  interface_id string,\n  srcaddr string,\n  dstaddr string,\n"
    "  srcport int,\n  dstport int,\n  protocol bigint,\n  packets bigint,\n  bytes bigint,\n  `start` bigint,\n"
    "  `end` bigint,\n  action string,\n  log_status string\n"
    ")\n"
    "PARTITIONED BY (region string, `date` string)\n"
    "ROW FORMAT DELIMITED FIELDS TERMINATED BY ' '\n"
    "LOCATION 's3://my-bucket/logs/AWSLogs/123456789012/vpcflowlogs/'\n"
    "TBLPROPERTIES (\n"
    "  \"skip.header.line.count\" = \"1\",\n"
    "  \"projection.enabled\" = \"true\",\n"
    "  \"projection.region.type\" = \"enum\",\n"
    "  \"projection.region.values\" = \"us-east-1,eu-west-1\",\n"
    "  \"projection.date.type\" = \"date\",\n"
    "  \"projection.date.format\" = \"yyyy/MM/dd\",\n"
    "  \"projection.date.range\" = \"2021/01/01,NOW\",\n"
    "  \"projection.date.interval\" = \"1\",\n"
    "  \"projection.date.interval.unit\" = \"DAYS\",\n"
    "  \"storage.location.template\" = \"s3://my-bucket/logs/AWSLogs/123456789012/vpcflowlogs/${region}/${date}/\"\n"
    ");\n";

static void test_ddl_text(void)
{
    athena_table t = {.name = "flowlogs.vpc", .location = "s3://my-bucket/logs/", .account = "123456789012",
                      .regions = "us-east-1,eu-west-1"};
    fmt(&t.fmt, V2);
    dbuf b;
    dbuf_init(&b, 0);
    char err[256];
    CHECK(athena_ddl(&t, &b, err, sizeof err) == 0);
    dbuf_puts(&b, "");
    CHECK_STR(b.data, ddl_v2_text);
    dbuf_free(&b);
}

/* v5 Parquet, Hive-style, per hour: the column types of AWS's v2-v5
 * statement; the region field is a column of its own, so the partition is
 * aws_region (AWS's Hive example calls it `aws-region`); the S3 layout
 * AWSLogs/aws-account-id=ID/aws-service=vpcflowlogs/aws-region=R/
 * year=YYYY/month=MM/day=DD/hour=HH/. */
static void test_ddl_parquet_hive(void)
{
    athena_table t = {.name = "vpc_v5", .location = "s3://b", .account = "123456789012", .regions = "us-east-1",
                      .parquet = true, .hive = true, .per_hour = true, .date_from = "2024/03/05"};
    fmt(&t.fmt, V5);
    dbuf b;
    dbuf_init(&b, 0);
    char err[256];
    CHECK(athena_ddl(&t, &b, err, sizeof err) == 0);
    dbuf_puts(&b, "");
    static const char *const want[] = {
        "  tcp_flags int,\n  type string,\n  pkt_srcaddr string,\n  pkt_dstaddr string,\n  region string,\n"
        "  az_id string,\n  sublocation_type string,\n  sublocation_id string,\n  pkt_src_aws_service string,\n"
        "  pkt_dst_aws_service string,\n  flow_direction string,\n  traffic_path int\n)\n",
        "PARTITIONED BY (aws_region string, `date` string, `hour` string)\n",
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'\n"
        "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'\n"
        "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'\n",
        "LOCATION 's3://b/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/'\n",
        "\"projection.aws_region.values\" = \"us-east-1\"",
        "\"projection.date.format\" = \"'year='yyyy'/month='MM'/day='dd\"",
        "\"projection.date.range\" = \"year=2024/month=03/day=05,NOW\"",
        "\"projection.hour.type\" = \"integer\",\n  \"projection.hour.range\" = \"0,23\",\n  \"projection.hour.digits\" = \"2\"",
        "\"storage.location.template\" = \"s3://b/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/"
        "aws-region=${aws_region}/${date}/hour=${hour}/\"\n);\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!strstr(b.data, want[i])) fprintf(stderr, "missing: %s\n", want[i]);
        CHECK(strstr(b.data, want[i]) != NULL);
    }
    /* Parquet files have no header line to skip */
    CHECK(strstr(b.data, "skip.header") == NULL);
    dbuf_free(&b);
}

static void test_ddl_errors(void)
{
    static const struct {
        const char *name, *loc, *account, *want;
    } rows[] = {
        {"db.t; DROP", "s3://b", "123456789012", "bad table name"},
        {"db.t", "https://b", "123456789012", "s3://BUCKET"},
        {"db.t", "s3://b/x'y", "123456789012", "s3://BUCKET"},
        {"db.t", "s3://b", "12345", "12 digits"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        athena_table t = {.name = rows[i].name, .location = rows[i].loc, .account = rows[i].account, .regions = "us-east-1"};
        fmt(&t.fmt, V2);
        dbuf b;
        dbuf_init(&b, 0);
        char err[256] = "";
        CHECK(athena_ddl(&t, &b, err, sizeof err) == -1);
        CHECK(strstr(err, rows[i].want) != NULL);
        dbuf_free(&b);
    }
}

static void test_query(void)
{
    /* 1700000000 = 2023-11-14T22:13:20Z, 1700086400 = 2023-11-15T22:13:20Z.
     * Deliveries that can hold records started in the window: from 15 min
     * before (2023-11-14T21:58:20, still the 14th) to 6 h after
     * (2023-11-16T04:13:20, the 16th). */
    athena_query q = {.table = "flowlogs.vpc", .has_date_part = true, .since = 1700000000, .until = 1700086400};
    fmt(&q.fmt, V2);
    dbuf b;
    dbuf_init(&b, 0);
    char err[256];
    CHECK(athena_query_sql(&q, &b, err, sizeof err) == 0);
    dbuf_puts(&b, "");
    static const char *const want[] = {
        "SELECT\n  \"interface_id\",\n  \"srcaddr\",\n  \"dstaddr\",\n  CAST(NULL AS varchar) AS \"pkt_srcaddr\",\n",
        "THEN \"start\" / 1000 ELSE \"start\" END) / 3600 AS \"hour_bucket\"",
        "CASE WHEN \"action\" = 'REJECT' THEN \"dstport\" END AS \"dstport\"",
        "CASE WHEN \"action\" = 'REJECT' THEN \"protocol\" END AS \"protocol\"",
        "CAST(NULL AS varchar) AS \"flow_direction\",\n  CAST(NULL AS integer) AS \"traffic_path\",\n",
        "sum(coalesce(\"packets\", 0)) AS \"packets\",\n  sum(coalesce(\"bytes\", 0)) AS \"bytes\",\n  count(*) AS \"records\"",
        "min(NULLIF(\"account_id\", '-')) AS \"account_id\"",
        "FROM flowlogs.vpc\nWHERE (\"start\" IS NULL OR (",
        ">= 1700000000 AND ",
        "< 1700086400))\n  AND \"date\" >= '2023/11/14' AND \"date\" <= '2023/11/16'\n",
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!strstr(b.data, want[i])) fprintf(stderr, "missing: %s\n", want[i]);
        CHECK(strstr(b.data, want[i]) != NULL);
    }
    /* Hive: the same days as the prefixes S3 holds */
    dbuf_reset(&b);
    q.hive = true;
    CHECK(athena_query_sql(&q, &b, err, sizeof err) == 0);
    dbuf_puts(&b, "");
    CHECK(strstr(b.data, "\"date\" >= 'year=2023/month=11/day=14' AND \"date\" <= 'year=2023/month=11/day=16'") != NULL);
    /* no window: neither filter nor pruning */
    dbuf_reset(&b);
    q.since = q.until = 0;
    CHECK(athena_query_sql(&q, &b, err, sizeof err) == 0);
    dbuf_puts(&b, "");
    CHECK(strstr(b.data, "WHERE") == NULL);
    /* a table without bytes cannot be priced */
    dbuf_reset(&b);
    fmt(&q.fmt, "version interface-id srcaddr dstaddr packets start end action log-status");
    CHECK(athena_query_sql(&q, &b, err, sizeof err) == -1);
    CHECK_STR(err, "table flowlogs.vpc has no column bytes, which the cost model needs");
    dbuf_free(&b);
}

/* Result rows into an agg: the key as ingest.c would build it from the
 * group's records, and the stats of those records. */
static void test_row_add(void)
{
    agg *a = agg_new();
    char err[256];
    /* REJECT from 203.0.113.9 to port 22/tcp, 3 records, hour 472222 */
    const char *rej[ATHENA_COLS] = {"eni-0b", "203.0.113.9", "10.0.1.5", "-", NULL, NULL, NULL, "472222", "22", "6",
                                    "REJECT", "OK", "ingress", "1", "3", "120", "3", "1700000000", "1700000300",
                                    "vpc-1", "subnet-1", NULL, "use1-az1", "123456789012", "us-east-1"};
    CHECK(athena_row_add(a, rej, err, sizeof err) == 0);
    /* ACCEPT with a port in the row (a query that kept it): the key drops
     * it, as ingest.c keeps ports for REJECT only; no start: no hour */
    const char *acc[ATHENA_COLS] = {"eni-0b", "10.0.1.5", "52.94.0.10", NULL, NULL, NULL, "S3", NULL, "443", "6",
                                    "ACCEPT", "OK", "egress", NULL, "10", "5000", "2", NULL, NULL,
                                    NULL, NULL, NULL, NULL, NULL, NULL};
    CHECK(athena_row_add(a, acc, err, sizeof err) == 0);
    /* NODATA: counted as such, not used */
    const char *nod[ATHENA_COLS] = {"eni-0c", NULL, NULL, NULL, NULL, NULL, NULL, "472222", NULL, NULL, NULL, "NODATA",
                                    NULL, NULL, "0", "0", "1", "1700000000", "1700000600", NULL, NULL, NULL, NULL,
                                    NULL, NULL};
    CHECK(athena_row_add(a, nod, err, sizeof err) == 0);
    CHECK(agg_count(a) == 3);
    size_t n;
    const agg_group *g = agg_groups(a, &n);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (g[i].action == FL_REJECT) {
            seen |= 1;
            CHECK(g[i].dstport == 22 && g[i].protocol == 6 && g[i].hour == 472222);
            CHECK(g[i].flags == (AGG_HAS_SRC | AGG_HAS_DST)); /* '-' and NULL pkt addresses: absent */
            CHECK(g[i].direction == FL_INGRESS && g[i].traffic_path == 1);
            CHECK(g[i].packets == 3 && g[i].bytes == 120 && g[i].records == 3);
            CHECK(g[i].min_start == 1700000000 && g[i].max_end == 1700000300);
        } else if (g[i].action == FL_ACCEPT) {
            seen |= 2;
            CHECK(g[i].dstport == 0 && g[i].protocol == 0 && g[i].hour == AGG_NO_HOUR);
            CHECK_STR(agg_str(a, g[i].dst_svc), "S3");
            CHECK(g[i].src_svc == 0);
        } else {
            seen |= 4;
            CHECK(g[i].status == FL_NODATA && g[i].flags == 0);
        }
    }
    CHECK(seen == 7);
    const agg_eni_meta *m = agg_eni(a, agg_str_id(a, "eni-0b"));
    CHECK(m && m->instance == 0);
    CHECK(m && !strcmp(agg_str(a, m->az_id), "use1-az1") && !strcmp(agg_str(a, m->region), "us-east-1"));
    /* records 3 + 2 used (3 rejected), 1 NODATA; period over the starts and ends given */
    const agg_stats *st = agg_stats_get(a);
    CHECK(st->read == 6 && st->used == 5 && st->rejected == 3 && st->nodata == 1);
    CHECK(st->start == 1700000000 && st->end == 1700000600);
    /* what the text reader would reject */
    const char *bad[ATHENA_COLS] = {"eni-0b", "10.0.1.5", "10.0.1.6", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                    "ALLOW", "OK", NULL, NULL, "1", "1", "1", NULL, NULL,
                                    NULL, NULL, NULL, NULL, NULL, NULL};
    CHECK(athena_row_add(a, bad, err, sizeof err) == -1);
    CHECK_STR(err, "bad action 'ALLOW' in the result");
    bad[AQ_ACTION] = "ACCEPT";
    bad[AQ_SRC] = "10.0.1";
    CHECK(athena_row_add(a, bad, err, sizeof err) == -1);
    CHECK_STR(err, "bad srcaddr '10.0.1' in the result");
    agg_free(a);
}

static void test_cost(void)
{
    /* $5 per 10^12 bytes, 10 MB minimum: 1 kB bills 10^7 B = 5e-5 USD;
     * 3 TB = 15 USD */
    CHECK_NEAR(athena_cost_usd(1000), 0.00005, 1e-12);
    CHECK_NEAR(athena_cost_usd(3000000000000ull), 15.0, 1e-9);
    CHECK_NEAR(athena_cost_usd(0), 0.00005, 1e-12);
}

int main(void)
{
    test_ddl_text();
    test_ddl_parquet_hive();
    test_ddl_errors();
    test_query();
    test_row_add();
    test_cost();
    return check_done();
}
