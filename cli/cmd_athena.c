/* cmd_athena: `flowcost athena ddl` — the CREATE EXTERNAL TABLE for a flow
 * log's S3 delivery, from --log-format/--location or from the flow log
 * itself (--flow-log-id: EC2 DescribeFlowLogs). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "athena.h"
#include "athena_sql.h"
#include "aws.h"
#include "cmd.h"
#include "ec2.h"
#include "flowlog.h"
#include "flowlogs.h"
#include "util.h"

/* "arn:aws:s3:::bucket/prefix" (DescribeFlowLogs) -> "s3://bucket/prefix" */
static void s3_url_of(const char *dest, char *out, size_t n)
{
    const char *p = strstr(dest, ":s3:::");
    if (!strncmp(dest, "s3://", 5)) snprintf(out, n, "%s", dest);
    else if (p) snprintf(out, n, "s3://%s", p + 6);
    else snprintf(out, n, "%s", dest);
}

/* The text a command built goes to stdout; rc < 0: err instead, exit fail. */
static int print_text(dbuf *b, int rc, const char *err, int fail)
{
    if (rc < 0) cli_error(err);
    else fwrite(b->data, 1, b->len, stdout);
    dbuf_free(b);
    return rc < 0 ? fail : EXIT_OK;
}

int cmd_athena(const fc_opts *o)
{
    char err[FC_ERRLEN];
    athena_table t = {.name = o->table ? o->table : "vpc_flow_logs"};
    const char *format = o->log_format;
    char location[1100] = "", regions[1024] = "", from[16] = "";
    if (o->location) snprintf(location, sizeof location, "%s", o->location);
    bool parquet = o->file_format && !strcmp(o->file_format, "parquet");
    if (o->file_format && !parquet && strcmp(o->file_format, "text") != 0) {
        cli_error("--file-format must be text or parquet");
        return EXIT_USAGE;
    }
    t.parquet = parquet;
    t.hive = o->hive;
    t.per_hour = o->per_hour;
    if (!o->flow_log_id == !(o->log_format || o->location)) {
        cli_error("give either --flow-log-id fl-... or --log-format FMT with --location s3://...");
        return EXIT_USAGE;
    }
    if (!o->flow_log_id && (!o->log_format || !o->location)) {
        cli_error(o->log_format ? "--log-format needs --location s3://BUCKET[/PREFIX]"
                                : "--location needs --log-format FMT (the flow log's format)");
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < o->n_regions; i++)
        snprintf(regions + strlen(regions), sizeof regions - strlen(regions), "%s%s", i ? "," : "", o->regions[i]);
    fl_desc *fl = NULL;
    size_t nfl = 0;
    /* the delivery path holds the account id (AWSLogs/ID/...): --account,
     * else the caller's own (a flow log DescribeFlowLogs shows is the
     * caller's account's) */
    char account[32] = "";
    if (o->account) snprintf(account, sizeof account, "%s", o->account);
    if (o->flow_log_id || !account[0]) {
        aws_config c;
        int rc = aws_config_load(&c, o->n_regions ? o->regions[0] : NULL, o->profile, o->endpoint_url, o->verbose,
                                 err, sizeof err);
        if (rc == 0 && o->flow_log_id) {
            rc = flowlogs_describe(&c, o->flow_log_id, &fl, &nfl, err, sizeof err);
            if (!regions[0]) snprintf(regions, sizeof regions, "%s", c.region);
            if (rc == 0 && (nfl != 1 || strcmp(fl[0].id, o->flow_log_id) != 0))
                rc = fc_err(err, sizeof err, "no flow log %s in %s", o->flow_log_id, regions);
            else if (rc == 0 && strcmp(fl[0].dest_type, "s3") != 0)
                rc = fc_err(err, sizeof err, "flow log %s delivers to %s, not to S3: Athena cannot read it", fl[0].id,
                            fl[0].dest_type[0] ? fl[0].dest_type : "cloud-watch-logs");
        }
        bool asked = rc == 0 && !account[0];
        if (asked) rc = ec2_caller_account(&c, account, sizeof account, err, sizeof err);
        if (rc == 0 && asked && o->verbose) fprintf(stderr, "flowcost: account %s (STS GetCallerIdentity)\n", account);
        if (rc < 0 && !account[0] && (asked || !o->flow_log_id)) {
            char e[FC_ERRLEN];
            snprintf(e, sizeof e, "%s", err);
            fc_err(err, sizeof err, "the delivery path holds the account id: give --account ID, or credentials "
                   "STS GetCallerIdentity answers (%s)", e);
        }
        aws_config_clear(&c);
        if (rc < 0) {
            free(fl);
            cli_error(err);
            return EXIT_RUNTIME;
        }
    }
    if (o->flow_log_id) {
        format = fl[0].format;
        s3_url_of(fl[0].destination, location, sizeof location);
        /* the flow log says how it delivers, unless the options say otherwise */
        if (!o->file_format) t.parquet = !strcmp(fl[0].file_format, "parquet");
        t.hive |= fl[0].hive;
        t.per_hour |= fl[0].per_hour;
        /* "2024-03-05T10:00:00.000Z": nothing is delivered before that day */
        if (strlen(fl[0].created) >= 10 && fl[0].created[4] == '-')
            snprintf(from, sizeof from, "%.4s/%.2s/%.2s", fl[0].created, fl[0].created + 5, fl[0].created + 8);
    }
    if (!regions[0]) {
        const char *r = getenv("AWS_REGION");
        if (!r || !*r) r = getenv("AWS_DEFAULT_REGION");
        if (r && *r) snprintf(regions, sizeof regions, "%s", r);
    }
    if (!regions[0]) {
        free(fl);
        cli_error("no region: give --region R (repeatable: each region the bucket receives)");
        return EXIT_USAGE;
    }
    t.regions = regions;
    t.account = account;
    t.location = location;
    t.date_from = from[0] ? from : NULL;
    char why[256];
    if (flowlog_format_parse(&t.fmt, format, strlen(format), why, sizeof why) < 0) {
        snprintf(err, sizeof err, "log format: %s", why);
        free(fl);
        cli_error(err);
        return o->flow_log_id ? EXIT_RUNTIME : EXIT_USAGE;
    }
    dbuf b;
    dbuf_init(&b, 0);
    int rc = athena_ddl(&t, &b, err, sizeof err);
    free(fl);
    return print_text(&b, rc, err, EXIT_USAGE);
}

/* ---- --athena on report/top/topology/aggregate ---- */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* The query for o->athena: the table's flow-log columns from --fields
 * (then the table is taken to be one `athena ddl` wrote, with its
 * 'yyyy/MM/dd' date partition) or from GetTableMetadata. */
static int build_query(const fc_opts *o, const aws_config *c, dbuf *sql, char *err, size_t errlen)
{
    athena_query q = {.table = o->athena};
    q.since = o->has_since ? o->since : 0;
    q.until = o->has_until ? o->until : 0;
    char why[256];
    if (o->fields) {
        if (flowlog_fields_parse(&q.fmt, o->fields, strlen(o->fields), why, sizeof why) < 0)
            return fc_err(err, errlen, "--fields: %s", why);
        q.has_date_part = true;
    } else {
        const char *dot = strchr(o->athena, '.');
        if (!dot) return fc_err(err, errlen, "--athena wants DATABASE.TABLE, got '%s'", o->athena);
        char db[256];
        snprintf(db, sizeof db, "%.*s", (int)(dot - o->athena), o->athena);
        dbuf cols, parts;
        dbuf_init(&cols, 0);
        dbuf_init(&parts, 0);
        char datefmt[128];
        int rc = athena_table_columns(c, db, dot + 1, &cols, &parts, datefmt, sizeof datefmt, err, errlen);
        if (rc == 0) {
            /* only the flow-log fields: a column of another name is not ours */
            dbuf known;
            dbuf_init(&known, 0);
            for (char *s = cols.data, *tok; (tok = strtok_r(s, " ", &s));)
                if (flowlog_field_lookup(tok, strlen(tok)) != FLF_OPAQUE) dbuf_printf(&known, "%s ", tok);
            rc = known.len ? flowlog_fields_parse(&q.fmt, known.data, known.len, why, sizeof why) : -1;
            if (rc < 0) fc_err(err, errlen, "table %s has no flow-log columns", o->athena);
            dbuf_free(&known);
            for (char *s = parts.data, *tok; parts.len && (tok = strtok_r(s, " ", &s));)
                if (!strcmp(tok, "date")) q.has_date_part = true;
            q.hive = !strncmp(datefmt, "'year='", 7);
        }
        dbuf_free(&cols);
        dbuf_free(&parts);
        if (rc < 0) return -1;
    }
    return athena_query_sql(&q, sql, err, errlen);
}

int athena_print_sql(const fc_opts *o)
{
    char err[FC_ERRLEN];
    aws_config c;
    memset(&c, 0, sizeof c);
    if (!o->fields && aws_config_load(&c, o->n_regions ? o->regions[0] : NULL, o->profile, o->endpoint_url,
                                      o->verbose, err, sizeof err) < 0) {
        cli_error(err);
        return EXIT_RUNTIME;
    }
    dbuf sql;
    dbuf_init(&sql, 0);
    int rc = build_query(o, &c, &sql, err, sizeof err);
    aws_config_clear(&c);
    return print_text(&sql, rc, err, EXIT_RUNTIME);
}

static int add_row(void *ctx, const char *const *cells, size_t n, char *err, size_t errlen)
{
    if (n != ATHENA_COLS) return fc_err(err, errlen, "a result row of %zu columns, not %d", n, ATHENA_COLS);
    return athena_row_add(ctx, cells, err, errlen);
}

int athena_ingest(const fc_opts *o, agg *a, char *summary, size_t summary_len, char *err, size_t errlen)
{
    aws_config c;
    if (aws_config_load(&c, o->n_regions ? o->regions[0] : NULL, o->profile, o->endpoint_url, o->verbose, err,
                        errlen) < 0)
        return EXIT_RUNTIME;
    dbuf sql;
    dbuf_init(&sql, 0);
    if (build_query(o, &c, &sql, err, errlen) < 0) {
        aws_config_clear(&c);
        dbuf_free(&sql);
        return EXIT_RUNTIME;
    }
    const char *header[ATHENA_COLS];
    for (int i = 0; i < ATHENA_COLS; i++) header[i] = athena_col_name((enum athena_col)i);
    char db[256];
    const char *dot = strchr(o->athena, '.');
    snprintf(db, sizeof db, "%.*s", dot ? (int)(dot - o->athena) : 0, o->athena);
    const char *poll = getenv("FLOWCOST_ATHENA_POLL_MS"); /* tests: poll a fake server quickly */
    /* how long a query may run before it is stopped (docs/athena.md) */
    const char *limit = getenv("FLOWCOST_ATHENA_TIMEOUT");
    double limit_s = 0;
    if (limit && *limit) {
        char *end;
        limit_s = strtod(limit, &end);
        if (*end || !(limit_s > 0 && limit_s < 1e7)) {
            aws_config_clear(&c);
            dbuf_free(&sql);
            fc_err(err, errlen, "FLOWCOST_ATHENA_TIMEOUT='%s' is not a number of seconds above 0", limit);
            return EXIT_USAGE;
        }
    }
    athena_run_opts r = {.sql = sql.data, .database = db[0] ? db : NULL, .workgroup = o->athena_workgroup,
                         .output = o->athena_output, .header = header, .n_header = ATHENA_COLS,
                         .poll_ms = poll ? atol(poll) : 0, .timeout_ms = (long)(limit_s * 1000),
                         .stop = &interrupted};
    /* Ctrl-C stops the query in Athena (it is billed while it runs) */
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old);
    athena_exec ex;
    int rc = athena_run(&c, &r, add_row, a, &ex, err, errlen);
    sigaction(SIGINT, &old, NULL);
    aws_config_clear(&c);
    dbuf_free(&sql);
    if (rc < 0) return EXIT_RUNTIME;
    agg_canonicalize(a);
    char scanned[32], line[512];
    fc_format_count(ex.bytes_scanned, scanned, sizeof scanned);
    snprintf(line, sizeof line, "Athena %s, query %s: %s bytes scanned, $%.6f ($5 per TB, 10 MB minimum)", o->athena,
             ex.id, scanned, athena_cost_usd(ex.bytes_scanned));
    if (summary) snprintf(summary, summary_len, "%s", line);
    if (!o->quiet) fprintf(stderr, "flowcost: engine %s; %llu groups\n", line, (unsigned long long)ex.rows);
    return EXIT_OK;
}
