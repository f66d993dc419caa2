/* cmd_athena: `flowcost athena ddl` — the CREATE EXTERNAL TABLE for a flow
 * log's S3 delivery, from --log-format/--location or from the flow log
 * itself (--flow-log-id: EC2 DescribeFlowLogs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "athena_sql.h"
#include "aws.h"
#include "cmd.h"
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

int cmd_athena(const fc_opts *o)
{
    char err[FC_ERRLEN];
    athena_table t = {.name = o->table ? o->table : "vpc_flow_logs", .account = o->account};
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
    if (!o->account) {
        cli_error("--account ID is needed: the delivery path holds the account id (AWSLogs/ID/...)");
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < o->n_regions; i++)
        snprintf(regions + strlen(regions), sizeof regions - strlen(regions), "%s%s", i ? "," : "", o->regions[i]);
    fl_desc *fl = NULL;
    size_t nfl = 0;
    if (o->flow_log_id) {
        aws_config c;
        if (aws_config_load(&c, o->n_regions ? o->regions[0] : NULL, o->profile, o->endpoint_url, o->verbose, err,
                            sizeof err) < 0) {
            cli_error(err);
            return EXIT_RUNTIME;
        }
        int rc = flowlogs_describe(&c, o->flow_log_id, &fl, &nfl, err, sizeof err);
        if (!regions[0]) snprintf(regions, sizeof regions, "%s", c.region);
        aws_config_clear(&c);
        if (rc < 0) {
            cli_error(err);
            return EXIT_RUNTIME;
        }
        if (nfl != 1 || strcmp(fl[0].id, o->flow_log_id) != 0) {
            snprintf(err, sizeof err, "no flow log %s in %s", o->flow_log_id, regions);
            free(fl);
            cli_error(err);
            return EXIT_RUNTIME;
        }
        if (strcmp(fl[0].dest_type, "s3") != 0) {
            snprintf(err, sizeof err, "flow log %s delivers to %s, not to S3: Athena cannot read it", fl[0].id,
                     fl[0].dest_type[0] ? fl[0].dest_type : "cloud-watch-logs");
            free(fl);
            cli_error(err);
            return EXIT_RUNTIME;
        }
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
    if (rc < 0) {
        dbuf_free(&b);
        cli_error(err);
        return EXIT_USAGE;
    }
    fwrite(b.data, 1, b.len, stdout);
    dbuf_free(&b);
    return EXIT_OK;
}
