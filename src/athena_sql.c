/* athena_sql: DDL and the group-by query for Athena (see athena_sql.h). */
#include "athena_sql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Column types as AWS's CREATE TABLE statements give them; every field
 * they do not list (v7 ECS, v8, TGW, unknown) is a string, except the TGW
 * packet-loss counters. */
static const struct {
    enum flowlog_field f;
    const char *type;
} types[] = {
    {FLF_VERSION, "int"},       {FLF_SRCPORT, "int"},        {FLF_DSTPORT, "int"},
    {FLF_PROTOCOL, "bigint"},   {FLF_PACKETS, "bigint"},     {FLF_BYTES, "bigint"},
    {FLF_START, "bigint"},      {FLF_END, "bigint"},         {FLF_TCP_FLAGS, "int"},
    {FLF_TRAFFIC_PATH, "int"},  {FLF_PACKETS_LOST_NO_ROUTE, "bigint"},
    {FLF_PACKETS_LOST_BLACKHOLE, "bigint"}, {FLF_PACKETS_LOST_MTU_EXCEEDED, "bigint"},
    {FLF_PACKETS_LOST_TTL_EXPIRED, "bigint"},
};

static const char *col_type(enum flowlog_field f)
{
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (types[i].f == f) return types[i].type;
    return "string";
}

/* "pkt-srcaddr" -> "pkt_srcaddr" */
static void underscore(const char *name, char *out, size_t n)
{
    size_t i = 0;
    for (; name[i] && i + 1 < n; i++) out[i] = name[i] == '-' ? '_' : name[i];
    out[i] = '\0';
}

/* Hive DDL reserves these; AWS's own statements quote `end`. */
static bool ddl_reserved(const char *c)
{
    static const char *const words[] = {"end", "start", "date", "hour", "year", "month", "day", "timestamp"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (!strcmp(c, words[i])) return true;
    return false;
}

const char *athena_region_part(const flowlog_format *f)
{
    return f->col_of[FLF_REGION] >= 0 ? "aws_region" : "region";
}

static bool safe_text(const char *s, const char *extra)
{
    if (!s || !*s) return false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr(extra, c)))
            return false;
    }
    return true;
}

int athena_ddl(const athena_table *t, dbuf *out, char *err, size_t errlen)
{
    if (!safe_text(t->name, "_.")) return fc_err(err, errlen, "bad table name '%s' (letters, digits, _ and one .)", t->name ? t->name : "");
    if (!t->location || strncmp(t->location, "s3://", 5) != 0 || !safe_text(t->location + 5, "-_./!*()"))
        return fc_err(err, errlen, "the location must be s3://BUCKET[/PREFIX], got '%s'", t->location ? t->location : "");
    if (!t->account || strlen(t->account) != 12 || !safe_text(t->account, ""))
        return fc_err(err, errlen, "the account id must be 12 digits, got '%s'", t->account ? t->account : "");
    if (!safe_text(t->regions, "-,")) return fc_err(err, errlen, "bad region list '%s'", t->regions ? t->regions : "");
    if (t->fmt.ncols <= 0) return fc_err(err, errlen, "empty log format");
    const char *part = athena_region_part(&t->fmt);
    const char *from = t->date_from ? t->date_from : "2021/01/01";
    if (strlen(from) != 10 || !safe_text(from, "/")) return fc_err(err, errlen, "bad first date '%s' (yyyy/MM/dd)", from);

    dbuf_printf(out, "CREATE EXTERNAL TABLE IF NOT EXISTS %s (\n", t->name);
    for (int i = 0; i < t->fmt.ncols; i++) {
        char c[64];
        underscore(flowlog_field_name((enum flowlog_field)t->fmt.col[i]), c, sizeof c);
        if (t->fmt.col[i] == FLF_OPAQUE) snprintf(c, sizeof c, "unknown_%d", i + 1);
        const char *q = ddl_reserved(c) ? "`" : "";
        dbuf_printf(out, "  %s%s%s %s%s\n", q, c, q, col_type((enum flowlog_field)t->fmt.col[i]),
                    i + 1 < t->fmt.ncols ? "," : "");
    }
    dbuf_printf(out, ")\nPARTITIONED BY (%s string, `date` string%s)\n", part, t->per_hour ? ", `hour` string" : "");
    if (t->parquet)
        dbuf_puts(out, "ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'\n"
                       "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'\n"
                       "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'\n");
    else
        dbuf_puts(out, "ROW FORMAT DELIMITED FIELDS TERMINATED BY ' '\n");
    /* the destination without a trailing slash; S3 writes AWSLogs/ under it */
    size_t ll = strlen(t->location);
    while (ll > 5 && t->location[ll - 1] == '/') ll--;
    char base[1024];
    if (t->hive)
        snprintf(base, sizeof base, "%.*s/AWSLogs/aws-account-id=%s/aws-service=vpcflowlogs/", (int)ll, t->location,
                 t->account);
    else
        snprintf(base, sizeof base, "%.*s/AWSLogs/%s/vpcflowlogs/", (int)ll, t->location, t->account);
    dbuf_printf(out, "LOCATION '%s'\nTBLPROPERTIES (\n", base);
    if (!t->parquet) dbuf_puts(out, "  \"skip.header.line.count\" = \"1\",\n");
    dbuf_puts(out, "  \"projection.enabled\" = \"true\",\n");
    dbuf_printf(out, "  \"projection.%s.type\" = \"enum\",\n  \"projection.%s.values\" = \"%s\",\n", part, part, t->regions);
    /* Hive style: the date partition's value is the prefix as S3 holds it
     * (Java date patterns take quoted literals), so one column serves both
     * layouts and the window prunes with one string comparison */
    const char *datefmt = t->hive ? "'year='yyyy'/month='MM'/day='dd" : "yyyy/MM/dd";
    char range_from[48];
    if (t->hive)
        snprintf(range_from, sizeof range_from, "year=%.4s/month=%.2s/day=%.2s", from, from + 5, from + 8);
    else
        snprintf(range_from, sizeof range_from, "%s", from);
    dbuf_printf(out,
                "  \"projection.date.type\" = \"date\",\n  \"projection.date.format\" = \"%s\",\n"
                "  \"projection.date.range\" = \"%s,NOW\",\n  \"projection.date.interval\" = \"1\",\n"
                "  \"projection.date.interval.unit\" = \"DAYS\",\n",
                datefmt, range_from);
    if (t->per_hour)
        dbuf_puts(out, "  \"projection.hour.type\" = \"integer\",\n  \"projection.hour.range\" = \"0,23\",\n"
                       "  \"projection.hour.digits\" = \"2\",\n");
    dbuf_printf(out, "  \"storage.location.template\" = \"%s%s${%s}/${date}%s/\"\n);\n", base,
                t->hive ? "aws-region=" : "", part, t->per_hour ? (t->hive ? "/hour=${hour}" : "/${hour}") : "");
    return 0;
}

static const char *const col_names[ATHENA_COLS] = {
    "interface_id", "srcaddr",   "dstaddr",   "pkt_srcaddr", "pkt_dstaddr", "pkt_src_aws_service",
    "pkt_dst_aws_service", "hour_bucket", "dstport", "protocol", "action", "log_status",
    "flow_direction", "traffic_path", "packets", "bytes", "records", "min_start", "max_end",
    "vpc_id", "subnet_id", "instance_id", "az_id", "account_id", "region",
};

const char *athena_col_name(enum athena_col c)
{
    return c < ATHENA_COLS ? col_names[c] : NULL;
}

/* A result column and the flow-log field it reads. */
typedef struct col_field {
    enum athena_col c;
    enum flowlog_field f;
} col_field;

/* The group key columns, in result order. */
static const col_field keys[] = {
    {AQ_ENI, FLF_INTERFACE_ID}, {AQ_SRC, FLF_SRCADDR},          {AQ_DST, FLF_DSTADDR},
    {AQ_PKT_SRC, FLF_PKT_SRCADDR}, {AQ_PKT_DST, FLF_PKT_DSTADDR}, {AQ_SRC_SVC, FLF_PKT_SRC_AWS_SERVICE},
    {AQ_DST_SVC, FLF_PKT_DST_AWS_SERVICE},
};
/* The ENI metadata columns. */
static const col_field meta[] = {
    {AQ_VPC, FLF_VPC_ID}, {AQ_SUBNET, FLF_SUBNET_ID}, {AQ_INSTANCE, FLF_INSTANCE_ID},
    {AQ_AZ_ID, FLF_AZ_ID}, {AQ_ACCOUNT, FLF_ACCOUNT_ID}, {AQ_REGION, FLF_REGION},
};

static bool has(const athena_query *q, enum flowlog_field f)
{
    return q->fmt.col_of[f] >= 0;
}

void athena_date_value(int64_t t, bool hive, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    /* bounded for the compiler's truncation check: years 0..9999, months and days two digits */
    unsigned y = (unsigned)(tm.tm_year + 1900) % 10000u, mo = (unsigned)(tm.tm_mon + 1) % 100u, d = (unsigned)tm.tm_mday % 100u;
    if (hive)
        snprintf(out, 32, "year=%04u/month=%02u/day=%02u", y, mo, d);
    else
        snprintf(out, 32, "%04u/%02u/%02u", y, mo, d);
}

int athena_query_sql(const athena_query *q, dbuf *out, char *err, size_t errlen)
{
    if (!safe_text(q->table, "_.")) return fc_err(err, errlen, "bad table name '%s' (letters, digits, _ and one .)", q->table ? q->table : "");
    static const enum flowlog_field need[] = {FLF_PACKETS, FLF_BYTES, FLF_LOG_STATUS};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++)
        if (!has(q, need[i])) {
            char c[64];
            underscore(flowlog_field_name(need[i]), c, sizeof c);
            return fc_err(err, errlen, "table %s has no column %s, which the cost model needs", q->table, c);
        }
    /* start as ingest.c reads it: milliseconds (>= 1e11) become seconds;
     * the hour bucket truncates like C's division of a positive start */
    const char *s = has(q, FLF_START) ? "(CASE WHEN \"start\" >= 100000000000 THEN \"start\" / 1000 ELSE \"start\" END)"
                                      : "CAST(NULL AS bigint)";
    const char *e = has(q, FLF_END) ? "(CASE WHEN \"end\" >= 100000000000 THEN \"end\" / 1000 ELSE \"end\" END)"
                                    : "CAST(NULL AS bigint)";
    const char *rej = has(q, FLF_ACTION) ? "\"action\" = 'REJECT'" : "false";
    dbuf_puts(out, "SELECT\n");
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        if (has(q, keys[i].f)) dbuf_printf(out, "  \"%s\",\n", col_names[keys[i].c]);
        else dbuf_printf(out, "  CAST(NULL AS varchar) AS \"%s\",\n", col_names[keys[i].c]);
    }
    dbuf_printf(out, "  %s / 3600 AS \"hour_bucket\",\n", s);
    /* ports and protocol are part of the key of REJECT groups only */
    if (has(q, FLF_DSTPORT)) dbuf_printf(out, "  CASE WHEN %s THEN \"dstport\" END AS \"dstport\",\n", rej);
    else dbuf_puts(out, "  CAST(NULL AS integer) AS \"dstport\",\n");
    if (has(q, FLF_PROTOCOL)) dbuf_printf(out, "  CASE WHEN %s THEN \"protocol\" END AS \"protocol\",\n", rej);
    else dbuf_puts(out, "  CAST(NULL AS bigint) AS \"protocol\",\n");
    static const struct {
        enum athena_col c;
        enum flowlog_field f;
        const char *type;
    } plain[] = {
        {AQ_ACTION, FLF_ACTION, "varchar"},
        {AQ_STATUS, FLF_LOG_STATUS, "varchar"},
        {AQ_DIRECTION, FLF_FLOW_DIRECTION, "varchar"},
        {AQ_TRAFFIC_PATH, FLF_TRAFFIC_PATH, "integer"},
    };
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        if (has(q, plain[i].f)) dbuf_printf(out, "  \"%s\",\n", col_names[plain[i].c]);
        else dbuf_printf(out, "  CAST(NULL AS %s) AS \"%s\",\n", plain[i].type, col_names[plain[i].c]);
    }
    dbuf_puts(out, "  sum(coalesce(\"packets\", 0)) AS \"packets\",\n"
                   "  sum(coalesce(\"bytes\", 0)) AS \"bytes\",\n"
                   "  count(*) AS \"records\",\n");
    dbuf_printf(out, "  min(%s) AS \"min_start\",\n  max(%s) AS \"max_end\"", s, e);
    /* the ENI's own fields ride along with each group; the loader keeps the
     * first value per ENI (the local reader keeps the first seen in input
     * order, which only differs for an ENI whose records disagree). A text
     * table holds an absent value as the string '-', which min() would take
     * over any value: the local reader skips it */
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++) {
        if (has(q, meta[i].f))
            dbuf_printf(out, ",\n  min(NULLIF(\"%s\", '-')) AS \"%s\"", col_names[meta[i].c], col_names[meta[i].c]);
        else dbuf_printf(out, ",\n  CAST(NULL AS varchar) AS \"%s\"", col_names[meta[i].c]);
    }
    dbuf_printf(out, "\nFROM %s\n", q->table);
    bool where = false;
    if (q->since || q->until) {
        /* the records --since/--until keep (start in [since, until); a
         * record without start is kept, as ingest.c does) ... */
        if (has(q, FLF_START)) {
            dbuf_printf(out, "WHERE (\"start\" IS NULL OR (");
            if (q->since) dbuf_printf(out, "%s >= %lld", s, (long long)q->since);
            if (q->since && q->until) dbuf_puts(out, " AND ");
            if (q->until) dbuf_printf(out, "%s < %lld", s, (long long)q->until);
            dbuf_puts(out, "))");
            where = true;
        }
        /* ... and the days of delivery that can hold them, which Athena
         * prunes on */
        if (q->has_date_part) {
            char lo[32], hi[32];
            if (q->since) athena_date_value(q->since - 15 * 60, q->hive, lo);
            if (q->until) athena_date_value(q->until + 6 * 3600, q->hive, hi);
            dbuf_puts(out, where ? "\n  AND " : "WHERE ");
            if (q->since) dbuf_printf(out, "\"date\" >= '%s'", lo);
            if (q->since && q->until) dbuf_puts(out, " AND ");
            if (q->until) dbuf_printf(out, "\"date\" <= '%s'", hi);
            where = true;
        }
        if (where) dbuf_puts(out, "\n");
    }
    dbuf_puts(out, "GROUP BY ");
    for (int i = 1; i <= AQ_TRAFFIC_PATH + 1; i++) dbuf_printf(out, "%d%s", i, i <= AQ_TRAFFIC_PATH ? ", " : "\n");
    return 0;
}

static bool absent(const char *s)
{
    return !s || !*s || !strcmp(s, "-");
}

static int num(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    if (absent(s)) {
        *out = 0;
        return 0;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* value -> enum, as flowlog.c reads the text fields */
static const struct {
    enum athena_col c;
    const char *text;
    uint8_t v;
} words[] = {
    {AQ_ACTION, "ACCEPT", FL_ACCEPT},    {AQ_ACTION, "REJECT", FL_REJECT},     {AQ_STATUS, "OK", FL_OK},
    {AQ_STATUS, "NODATA", FL_NODATA},    {AQ_STATUS, "SKIPDATA", FL_SKIPDATA}, {AQ_DIRECTION, "ingress", FL_INGRESS},
    {AQ_DIRECTION, "egress", FL_EGRESS},
};

int athena_row_add(agg *a, const char *const *cells, char *err, size_t errlen)
{
    agg_group g;
    memset(&g, 0, sizeof g);
    static const struct {
        enum athena_col c;
        uint8_t flag;
    } addrs[] = {{AQ_SRC, AGG_HAS_SRC}, {AQ_DST, AGG_HAS_DST}, {AQ_PKT_SRC, AGG_HAS_PKT_SRC}, {AQ_PKT_DST, AGG_HAS_PKT_DST}};
    ip128 *ips[] = {&g.src, &g.dst, &g.pkt_src, &g.pkt_dst};
    for (size_t i = 0; i < 4; i++) {
        const char *s = cells[addrs[i].c];
        if (absent(s)) continue;
        if (ip_parse(s, strlen(s), ips[i]) < 0)
            return fc_err(err, errlen, "bad %s '%s' in the result", col_names[addrs[i].c], s);
        g.flags |= addrs[i].flag;
    }
    uint8_t *enums[ATHENA_COLS] = {0};
    enums[AQ_ACTION] = &g.action;
    enums[AQ_STATUS] = &g.status;
    enums[AQ_DIRECTION] = &g.direction;
    for (enum athena_col c = AQ_ACTION; c <= AQ_DIRECTION; c++) {
        if (!enums[c] || absent(cells[c])) continue;
        bool ok = false;
        for (size_t i = 0; i < sizeof words / sizeof *words && !ok; i++)
            if (words[i].c == c && !strcmp(words[i].text, cells[c])) {
                *enums[c] = words[i].v;
                ok = true;
            }
        if (!ok) return fc_err(err, errlen, "bad %s '%s' in the result", col_names[c], cells[c]);
    }
    int64_t hour, port, proto, tp, packets, bytes, records, lo, hi;
    if (num(cells[AQ_HOUR], INT32_MIN + 1, INT32_MAX, &hour) < 0 || num(cells[AQ_DSTPORT], 0, 65535, &port) < 0 ||
        num(cells[AQ_PROTOCOL], 0, 255, &proto) < 0 || num(cells[AQ_TRAFFIC_PATH], 0, 8, &tp) < 0 ||
        num(cells[AQ_PACKETS], 0, INT64_MAX, &packets) < 0 || num(cells[AQ_BYTES], 0, INT64_MAX, &bytes) < 0 ||
        num(cells[AQ_RECORDS], 1, INT64_MAX, &records) < 0 || num(cells[AQ_MIN_START], 0, INT64_MAX, &lo) < 0 ||
        num(cells[AQ_MAX_END], 0, INT64_MAX, &hi) < 0)
        return fc_err(err, errlen, "a number out of range in the result row for %s",
                      absent(cells[AQ_ENI]) ? "(no interface)" : cells[AQ_ENI]);
    g.hour = absent(cells[AQ_HOUR]) ? AGG_NO_HOUR : (int32_t)hour;
    /* the REJECT-only key, whatever the query returned */
    g.dstport = g.action == FL_REJECT ? (uint16_t)port : 0;
    g.protocol = g.action == FL_REJECT ? (uint8_t)proto : 0;
    g.traffic_path = (uint8_t)tp;
    g.packets = (uint64_t)packets;
    g.bytes = (uint64_t)bytes;
    g.records = (uint64_t)records;
    g.min_start = lo;
    g.max_end = hi;
    const char *eni = absent(cells[AQ_ENI]) ? NULL : cells[AQ_ENI];
    agg_add(a, &g, eni, absent(cells[AQ_SRC_SVC]) ? NULL : cells[AQ_SRC_SVC],
            absent(cells[AQ_DST_SVC]) ? NULL : cells[AQ_DST_SVC]);
    if (eni) {
        const char *m[6];
        for (int i = 0; i < 6; i++) m[i] = absent(cells[AQ_VPC + i]) ? NULL : cells[AQ_VPC + i];
        agg_note_eni(a, eni, m[0], m[1], m[2], m[3], m[4], m[5]);
    }
    /* the counts ingest.c keeps per record, for the group's records */
    agg_stats *st = agg_stats_of(a);
    st->read += g.records;
    if (g.status == FL_NODATA) st->nodata += g.records;
    else if (g.status == FL_SKIPDATA) st->skipdata += g.records;
    else {
        st->used += g.records;
        if (g.action == FL_REJECT) st->rejected += g.records;
    }
    agg_stats_period(st, lo, hi);
    return 0;
}

double athena_cost_usd(uint64_t bytes_scanned)
{
    const uint64_t min = 10ull * 1000 * 1000;
    return (double)(bytes_scanned < min ? min : bytes_scanned) * 5.0 / 1e12;
}
