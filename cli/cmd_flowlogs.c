/* cmd_flowlogs: `flowcost flowlogs list|check|create` — the flow logs
 * flowcost depends on: what exists (DescribeFlowLogs), what the account's
 * network has no flow log for or logs without the fields the cost model
 * needs (with the inventory of ec2.c), and a new one in the recommended
 * format (CreateFlowLogs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws.h"
#include "cmd.h"
#include "ec2.h"
#include "flowlog.h"
#include "flowlogs.h"
#include "inventory.h"
#include "logs.h"
#include "sigv4.h"
#include "util.h"

/* The fields the cost model reads beyond v2, and what is lost without
 * each (cost-model.md: how ENIs are placed, NAT'd traffic traced, the
 * direction and path decided). */
static const struct {
    enum flowlog_field f;
    const char *loss;
} needed[] = {
    {FLF_VPC_ID, "the ENI's VPC comes only from an ENI snapshot (--eni-snapshot or --enrich-live)"},
    {FLF_SUBNET_ID, "the ENI's subnet comes only from an ENI snapshot"},
    {FLF_AZ_ID, "cross-AZ transfer is found only where an ENI snapshot gives the AZ of both ends"},
    {FLF_PKT_SRCADDR, "traffic through a NAT gateway is not traced to the address behind it"},
    {FLF_PKT_DSTADDR, "traffic through a NAT gateway is not traced to the address it reaches"},
    {FLF_FLOW_DIRECTION, "ingress and egress are told apart from the addresses only"},
    {FLF_TRAFFIC_PATH, "the egress path (internet gateway, transit gateway, peering, endpoint) is inferred"},
    {FLF_PKT_SRC_AWS_SERVICE, "AWS-service sources are recognised from ip-ranges.json only"},
    {FLF_PKT_DST_AWS_SERVICE, "AWS-service destinations are recognised from ip-ranges.json only"},
};

/* "a,b" arguments and repeated options as one list (pointers into buf). */
static size_t split_list(const char *const *in, size_t n, char *buf, size_t buflen, const char **out, size_t max)
{
    size_t k = 0, used = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(in[i]);
        if (used + l + 1 > buflen) break;
        char *s = memcpy(buf + used, in[i], l + 1);
        used += l + 1;
        for (char *tok, *save = NULL; (tok = strtok_r(s, ",", &save)); s = NULL)
            if (*tok && k < max) out[k++] = tok;
    }
    return k;
}

static int load_config(const fc_opts *o, const char *region, aws_config *c)
{
    char err[FC_ERRLEN];
    if (aws_config_load(c, region, o->profile, o->endpoint_url, o->verbose, err, sizeof err) < 0) {
        cli_error(err);
        return -1;
    }
    return 0;
}

/* The flow logs of one region (NULL: the configured one) and, given inv,
 * its EC2 inventory; name gets the region's name. -1 after printing the
 * error (nothing to free then). */
static int describe_region(const fc_opts *o, const char *region, fl_desc **fl, size_t *n, inventory *inv,
                           char *name, size_t namelen)
{
    aws_config c;
    if (load_config(o, region, &c) < 0) return -1;
    char err[FC_ERRLEN];
    int rc = flowlogs_describe(&c, NULL, fl, n, err, sizeof err);
    if (rc == 0 && inv) rc = ec2_fetch_inventory(inv, &c, err, sizeof err);
    snprintf(name, namelen, "%s", c.region);
    aws_config_clear(&c);
    if (rc < 0) {
        free(*fl);
        *fl = NULL;
        cli_error(err);
    }
    return rc;
}

static int list(const fc_opts *o, const char *const *regions, size_t nr)
{
    printf("%-22s %-26s %-5s %-40s %-8s %-8s %-4s %-10s %s\n", "FLOW LOG", "RESOURCE", "TO", "DESTINATION", "STATUS",
           "DELIVERY", "SECS", "FILE", "FORMAT");
    for (size_t r = 0; r < (nr ? nr : 1); r++) {
        fl_desc *fl = NULL;
        size_t n;
        char region[64];
        if (describe_region(o, nr ? regions[r] : NULL, &fl, &n, NULL, region, sizeof region) < 0) return EXIT_RUNTIME;
        for (size_t i = 0; i < n; i++) {
            const fl_desc *d = &fl[i];
            char file[64];
            snprintf(file, sizeof file, "%s%s%s", d->file_format[0] ? d->file_format : "-", d->hive ? ",hive" : "",
                     d->per_hour ? ",hourly" : "");
            printf("%-22s %-26s %-5s %-40s %-8s %-8s %-4ld %-10s ", d->id, d->resource,
                   !strcmp(d->dest_type, "cloud-watch-logs") ? "cwl" : d->dest_type[0] ? d->dest_type : "cwl",
                   d->destination[0] ? d->destination : "-", d->status[0] ? d->status : "-",
                   d->deliver_status[0] ? d->deliver_status : "-", d->max_aggregation, file);
            flowlog_format f;
            char why[256];
            if (flowlog_format_parse(&f, d->format, strlen(d->format), why, sizeof why) == 0)
                printf("%d fields: %s", f.ncols, d->format);
            else
                printf("unreadable: %s", why);
            if (d->deliver_error[0]) printf(" (delivery error: %s)", d->deliver_error);
            putchar('\n');
        }
        free(fl);
    }
    return EXIT_OK;
}

/* A flow log on the ENI, its subnet or its VPC logs the ENI. */
static bool covered(const fl_desc *fl, size_t n, const char *eni, const char *subnet, const char *vpc)
{
    for (size_t i = 0; i < n; i++) {
        const char *r = fl[i].resource;
        if ((eni && !strcmp(r, eni)) || (subnet && !strcmp(r, subnet)) || (vpc && !strcmp(r, vpc))) return true;
    }
    return false;
}

/* AWS's typical delivery times after an aggregation interval closes
 * (Amazon VPC User Guide, flow-logs.html: "about 5 minutes" to CloudWatch
 * Logs, "about 10 minutes" to Amazon S3; docs/flowlogs.md). */
#define FL_S3_DELIVERY_S 600
#define FL_CWL_DELIVERY_S 300
#define FL_DEFAULT_AGGREGATION_S 600

static void format_age(int64_t s, char *buf, size_t n)
{
    if (s < 0) snprintf(buf, n, "%lld min in the future", (long long)(-s / 60));
    else if (s < 7200) snprintf(buf, n, "%lld min", (long long)(s / 60));
    else if (s < 172800) snprintf(buf, n, "%.1f h", (double)s / 3600);
    else snprintf(buf, n, "%.1f days", (double)s / 86400);
}

/* The line for a delivery that ended at `end`: fresh (0) or stale (1, a
 * finding) against 2 aggregation intervals + the destination's delivery time. */
static size_t report_age(const fc_opts *o, const fl_desc *d, int64_t end, int delivery_s, const char *dest,
                         const char *where)
{
    long ival = d->max_aggregation > 0 ? d->max_aggregation : FL_DEFAULT_AGGREGATION_S;
    int64_t limit = 2 * (int64_t)ival + delivery_s, age = (o->has_now ? o->now : (int64_t)time(NULL)) - end;
    char a[64], l[64];
    format_age(age, a, sizeof a);
    format_age(limit, l, sizeof l);
    if (age <= limit) {
        printf("  %s (%s) newest delivery %s old: %s\n", d->id, d->resource, a, where);
        return 0;
    }
    printf("  %s (%s) newest delivery %s old, stale: over the %s of 2 x %ld s aggregation + %d min %s delivery: %s\n",
           d->id, d->resource, a, l, ival, delivery_s / 60, dest, where);
    return 1;
}

/* CloudWatch Logs: the group's newest event (its timestamp is the record's
 * start); stale past 2 aggregation intervals + AWS's 5 minutes to
 * CloudWatch Logs. Other destinations (Firehose) are not checked. */
static size_t cwl_staleness(const fc_opts *o, const aws_config *c, const fl_desc *d)
{
    if (!d->log_group[0]) {
        printf("  %s (%s) newest delivery: not checked (%s)\n", d->id, d->resource,
               d->dest_type[0] ? d->dest_type : "no destination");
        return 0;
    }
    int64_t ms;
    char stream[512], err[FC_ERRLEN];
    if (logs_newest_event(c, d->log_group, &ms, stream, sizeof stream, err, sizeof err) < 0) {
        printf("  %s (%s) newest delivery: not checked: %s\n", d->id, d->resource, err);
        return 0;
    }
    if (ms < 0) {
        printf("  %s (%s) has delivered nothing to log group %s\n", d->id, d->resource, d->log_group);
        return 1;
    }
    char where[1200];
    snprintf(where, sizeof where, "log group %s, stream %s", d->log_group, stream);
    return report_age(o, d, ms / 1000, FL_CWL_DELIVERY_S, "CloudWatch Logs", where);
}

/* How old the newest delivery of one flow log is; 1 when that is a finding
 * (nothing delivered, or older than two aggregation intervals plus AWS's
 * typical S3 delivery time), else 0. */
static size_t staleness(const fc_opts *o, const aws_config *c, const fl_desc *d)
{
    if (strcmp(d->dest_type, "s3") != 0) return cwl_staleness(o, c, d);
    fl_newest nw;
    char err[FC_ERRLEN];
    if (flowlogs_newest_object(c, d, &nw, err, sizeof err) < 0) {
        printf("  %s (%s) newest delivery: not checked: %s\n", d->id, d->resource, err);
        return 0;
    }
    if (!nw.found) {
        printf("  %s (%s) has delivered nothing under %s\n", d->id, d->resource, nw.searched);
        return 1;
    }
    return report_age(o, d, nw.end, FL_S3_DELIVERY_S, "S3", nw.url);
}

static int check(const fc_opts *o, const char *const *regions, size_t nr)
{
    size_t problems = 0;
    for (size_t r = 0; r < (nr ? nr : 1); r++) {
        fl_desc *fl = NULL;
        size_t n;
        char region[64];
        inventory *inv = inv_new();
        if (describe_region(o, nr ? regions[r] : NULL, &fl, &n, inv, region, sizeof region) < 0) {
            inv_free(inv);
            return EXIT_RUNTIME;
        }
        aws_config c;
        if (load_config(o, nr ? regions[r] : NULL, &c) < 0) {
            free(fl);
            inv_free(inv);
            return EXIT_RUNTIME;
        }
        printf("%s: %zu flow log%s, %zu VPC%s, %zu subnet%s, %zu ENI%s\n", region, n, n == 1 ? "" : "s",
               inv_vpc_count(inv), inv_vpc_count(inv) == 1 ? "" : "s", inv_subnet_count(inv),
               inv_subnet_count(inv) == 1 ? "" : "s", inv_eni_count(inv), inv_eni_count(inv) == 1 ? "" : "s");
        /* NAT gateway and transit gateway ENIs first: their traffic is the
         * one that costs per GB processed */
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < inv_eni_count(inv); i++) {
                const inv_eni *e = inv_eni_at(inv, i);
                bool first = e->kind == ENI_NAT_GATEWAY || (e->interface_type && !strcmp(e->interface_type, "transit_gateway"));
                if (first != (pass == 0) || covered(fl, n, e->id, e->subnet_id, e->vpc_id)) continue;
                printf("  no flow log: %s (%s%s%s, subnet %s, vpc %s)\n", e->id, eni_kind_name(e->kind),
                       e->name ? " " : "", e->name ? e->name : "", e->subnet_id ? e->subnet_id : "-",
                       e->vpc_id ? e->vpc_id : "-");
                problems++;
            }
        for (size_t i = 0; i < inv_subnet_count(inv); i++) {
            const inv_subnet *s = inv_subnet_at(inv, i);
            if (covered(fl, n, NULL, s->id, s->vpc_id)) continue;
            printf("  no flow log: subnet %s (vpc %s)\n", s->id, s->vpc_id ? s->vpc_id : "-");
            problems++;
        }
        for (size_t i = 0; i < inv_vpc_count(inv); i++) {
            const inv_vpc *v = inv_vpc_at(inv, i);
            if (covered(fl, n, NULL, NULL, v->id)) continue;
            printf("  no VPC-wide flow log: %s\n", v->id);
            problems++;
        }
        for (size_t i = 0; i < n; i++) {
            flowlog_format f;
            char why[256];
            if (flowlog_format_parse(&f, fl[i].format, strlen(fl[i].format), why, sizeof why) < 0) {
                printf("  %s (%s): unreadable format: %s\n", fl[i].id, fl[i].resource, why);
                problems++;
                continue;
            }
            for (size_t k = 0; k < sizeof needed / sizeof *needed; k++) {
                if (f.col_of[needed[k].f] >= 0) continue;
                printf("  %s (%s) lacks %s: %s\n", fl[i].id, fl[i].resource, flowlog_field_name(needed[k].f),
                       needed[k].loss);
                problems++;
            }
            if (strcmp(fl[i].dest_type, "s3") != 0) {
                printf("  %s (%s) delivers to %s: flowcost and Athena read S3\n", fl[i].id, fl[i].resource,
                       fl[i].dest_type[0] ? fl[i].dest_type : "cloud-watch-logs");
                problems++;
            }
            problems += staleness(o, &c, &fl[i]);
        }
        aws_config_clear(&c);
        free(fl);
        inv_free(inv);
    }
    printf("%zu finding%s\n", problems, problems == 1 ? "" : "s");
    return EXIT_OK;
}

/* The volume the estimate assumes without --gb-per-month: a busy ENI's
 * worth of records, stated as an assumption wherever it is printed. */
#define FL_ASSUMED_RECORDS_PER_ENI_HOUR 1000
#define FL_ASSUMED_BYTES_PER_RECORD 200
#define FL_HOURS_PER_MONTH 730

/* The ENIs the new flow log would cover: the ids themselves, or those of
 * the subnets/VPCs in the inventory. -1 after printing the error. */
static long count_enis(const aws_config *c, const char *const *ids, size_t n)
{
    if (!strncmp(ids[0], "eni-", 4)) return (long)n;
    inventory *inv = inv_new();
    char err[FC_ERRLEN];
    if (ec2_fetch_inventory(inv, c, err, sizeof err) < 0) {
        inv_free(inv);
        cli_error(err);
        return -1;
    }
    long k = 0;
    for (size_t i = 0; i < inv_eni_count(inv); i++) {
        const inv_eni *e = inv_eni_at(inv, i);
        for (size_t j = 0; j < n; j++)
            if ((e->subnet_id && !strcmp(e->subnet_id, ids[j])) || (e->vpc_id && !strcmp(e->vpc_id, ids[j]))) {
                k++;
                break;
            }
    }
    inv_free(inv);
    return k;
}

/* "an estimate of its delivery cost": vended-logs delivery to S3 for the
 * given or assumed monthly volume (S3 storage and requests are not in it). */
static int estimate(const fc_opts *o, const aws_config *c, const char *const *ids, size_t n, bool parquet)
{
    double gb;
    if (o->has_gb_per_month) {
        gb = o->gb_per_month;
        printf("estimate: %.2f GB/month (--gb-per-month)\n", gb);
    } else {
        long enis = count_enis(c, ids, n);
        if (enis < 0) return -1;
        gb = (double)enis * FL_ASSUMED_RECORDS_PER_ENI_HOUR * FL_ASSUMED_BYTES_PER_RECORD * FL_HOURS_PER_MONTH /
             (1024.0 * 1024 * 1024);
        printf("estimate: %ld ENI%s x %d records/h x %d bytes/record (both assumed; give --gb-per-month) x %d h "
               "= %.2f GB/month\n",
               enis, enis == 1 ? "" : "s", FL_ASSUMED_RECORDS_PER_ENI_HOUR, FL_ASSUMED_BYTES_PER_RECORD,
               FL_HOURS_PER_MONTH, gb);
    }
    printf("estimate: delivery to S3 $%.2f/month (CloudWatch vended logs, us-east-1: $0.25/GB up to 10 TB, "
           "$0.15 to 30 TB, $0.075 to 50 TB, $0.05 beyond%s; S3 storage not included)\n",
           flowlogs_delivery_usd(gb, true, parquet), parquet ? "; Parquet conversion +$0.035/GB" : "");
    return 0;
}

static int create(const fc_opts *o)
{
    char buf[8192];
    const char *ids[FC_MAX_LIST * 4];
    size_t n = split_list(o->resource_ids, o->n_resource_ids, buf, sizeof buf, ids, sizeof ids / sizeof *ids);
    if (!n || !o->destination) {
        cli_error("create needs --resource-ids ID[,ID...] and --destination s3://BUCKET[/PREFIX]");
        return EXIT_USAGE;
    }
    bool parquet = o->file_format && !strcmp(o->file_format, "parquet");
    if (o->has_gb_per_month && !(o->gb_per_month >= 0)) {
        cli_error("--gb-per-month must be a number of GB, 0 or more");
        return EXIT_USAGE;
    }
    if (o->file_format && !parquet && strcmp(o->file_format, "text") != 0) {
        cli_error("--file-format must be text or parquet");
        return EXIT_USAGE;
    }
    /* the token makes a retried create one flow log per resource */
    char token[65], seed[64];
    snprintf(seed, sizeof seed, "%lld.%ld", (long long)time(NULL), (long)clock());
    sigv4_sha256_hex(seed, strlen(seed), token);
    token[40] = '\0';
    fl_create q = {.resources = ids, .n_resources = n, .destination = o->destination, .parquet = parquet,
                   .hive = o->hive, .per_hour = o->per_hour, .dry_run = o->dry_run, .client_token = token};
    char err[FC_ERRLEN];
    dbuf body;
    dbuf_init(&body, 0);
    if (flowlogs_create_body(&q, &body, err, sizeof err) < 0) {
        dbuf_free(&body);
        cli_error(err);
        return EXIT_USAGE;
    }
    if (o->dry_run) {
        /* the request, one parameter a line (the ClientToken changes per run) */
        for (char *s = body.data, *tok, *save = NULL; (tok = strtok_r(s, "&", &save)); s = NULL)
            if (strncmp(tok, "ClientToken=", 12) != 0) printf("%s\n", tok);
    }
    dbuf_free(&body);
    aws_config c;
    if (load_config(o, o->n_regions ? o->regions[0] : NULL, &c) < 0) return EXIT_RUNTIME;
    dbuf out;
    dbuf_init(&out, 0);
    int rc = flowlogs_create(&c, &q, &out, err, sizeof err);
    if (rc < 0) {
        aws_config_clear(&c);
        dbuf_free(&out);
        cli_error(err);
        return EXIT_RUNTIME;
    }
    if (o->dry_run) printf("dry run: EC2 says the request would succeed\n");
    else printf("created %s\n", out.len ? out.data : "(no id returned)");
    dbuf_free(&out);
    rc = estimate(o, &c, ids, n, parquet);
    aws_config_clear(&c);
    return rc < 0 ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_flowlogs(const fc_opts *o)
{
    char buf[4096];
    const char *regions[FC_MAX_LIST];
    size_t nr = split_list(o->regions, o->n_regions, buf, sizeof buf, regions, FC_MAX_LIST);
    const char *sub = o->inputs[0];
    if (!strcmp(sub, "create")) return create(o);
    if (o->n_resource_ids || o->destination || o->dry_run || o->file_format || o->hive || o->per_hour ||
        o->has_gb_per_month) {
        cli_error("--resource-ids, --destination, --file-format, --hive, --per-hour, --dry-run and --gb-per-month "
                  "are for 'flowlogs create'");
        return EXIT_USAGE;
    }
    return !strcmp(sub, "list") ? list(o, regions, nr) : check(o, regions, nr);
}
