/* opts: one table of every option of the command-line contract, so --help,
 * validation and parsing cannot drift apart (house style: tables over
 * if-chains). */
#include "opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "flowlog.h"
#include "mail.h"
#include "util.h"

#define ALL_INPUT (CMD_REPORT | CMD_TOP | CMD_TOPOLOGY | CMD_AGGREGATE)
#define PRICED (CMD_REPORT | CMD_TOP | CMD_TOPOLOGY)
#define AWS (ALL_INPUT | CMD_ENRICH | CMD_ATHENA | CMD_FLOWLOGS | CMD_WHY)
#define READS (ALL_INPUT | CMD_WHY) /* reads flow-log INPUTs */

enum kind { K_FLAG, K_STR, K_LIST, K_LONG, K_DOUBLE, K_TIME, K_BYTES };

typedef struct optdef {
    const char *lng;
    char shrt;
    enum kind kind;
    unsigned cmds;
    size_t off;      /* offset of the field in fc_opts */
    size_t count_off; /* K_LIST: offset of the count */
    size_t has_off;  /* offset of a bool "was given", or 0 */
    const char *arg, *help;
} optdef;

#define F(field) offsetof(fc_opts, field)

static const optdef table[] = {
    {"output", 'o', K_STR, ((ALL_INPUT | CMD_ENRICH) & ~CMD_TOP) | CMD_IPRANGES | CMD_RATES, F(output), 0, 0, "FILE", "where to write (atomically)"},
    {"output", 'o', K_STR, CMD_TOP, F(output), 0, 0, "FILE",
     "write to FILE (atomically), format from its extension (.txt .csv .json .html); default stdout; "
     "the older -o table|csv|json|html still works (deprecated: use --format)"},
    {"format", 0, K_STR, CMD_TOP, F(format), 0, 0, "FMT", "table|csv|json|html (default table, or -o's extension)"},
    {"json", 0, K_STR, PRICED, F(json), 0, 0, "FILE", "also write the JSON result (- for stdout)"},
    {"json", 0, K_FLAG, CMD_WHY, F(why_json), 0, 0, NULL, "print the verdict and its evidence as JSON"},
    {"eni-snapshot", 0, K_LIST, PRICED | CMD_ENRICH | CMD_WHY, F(snapshots), F(n_snapshots), 0, "FILE",
     "ENI snapshot: flowcost JSON, EC2 Describe* XML or AWS CLI describe-* JSON (repeatable)"},
    {"enrich-live", 0, K_FLAG, PRICED | CMD_WHY, F(enrich_live), 0, 0, NULL,
     "call EC2 for the ENIs the inputs mention (why: also their security groups and network ACLs)"},
    {"region", 0, K_LIST, AWS | CMD_RATES, F(regions), F(n_regions), 0, "R", "AWS region (enrich, --enrich-live, rates --fetch: R1,R2 and repeatable)"},
    {"profile", 0, K_STR, AWS | CMD_RATES, F(profile), 0, 0, "P", "AWS profile (enrich, --enrich-live: P1,P2 for several accounts)"},
    {"all-regions", 0, K_FLAG, AWS | CMD_RATES, F(all_regions), 0, 0, NULL,
     "every region (enrich, --enrich-live: DescribeRegions; rates --fetch: every region AWS prices)"},
    {"role-arn", 0, K_STR, AWS, F(role_arn), 0, 0, "ARN", "enrich, --enrich-live: assume this role (STS) first"},
    {"endpoint-url", 0, K_STR, AWS | CMD_RATES, F(endpoint_url), 0, 0, "URL", "AWS endpoint (tests, private endpoints)"},
    {"fetch", 0, K_FLAG, CMD_RATES, F(fetch), 0, 0, NULL,
     "read the AWS Price List API (GetProducts) and write a rates file (default: the cache)"},
    {"url", 0, K_STR, CMD_IPRANGES, F(url), 0, 0, "URL",
     "where to fetch ip-ranges.json (default $FLOWCOST_IPRANGES_URL, else AWS's)"},
    {"ca-bundle", 0, K_STR, CMD_IPRANGES, F(ca_bundle), 0, 0, "FILE", "PEM file of CAs to trust (default $AWS_CA_BUNDLE)"},
    {"rates", 0, K_STR, PRICED | CMD_RATES, F(rates), 0, 0, "FILE", "JSON price overrides"},
    {"ip-ranges", 0, K_STR, PRICED, F(ip_ranges), 0, 0, "FILE",
     "AWS ip-ranges.json (default: the cache of 'ipranges update', else the bundled copy)"},
    {"fields", 0, K_STR, READS, F(fields), 0, 0, "LIST", "field order of headerless input"},
    {"since", 0, K_TIME, READS, F(since), 0, F(has_since), "T",
     "keep records whose start >= T (RFC 3339, unix time, or 90m/36h/7d/2w ago)"},
    {"until", 0, K_TIME, READS, F(until), 0, F(has_until), "T", "keep records whose start < T (same forms)"},
    {"top", 0, K_LONG, PRICED, F(top), 0, 0, "N",
     "rows in top tables; for topology, the N heaviest nodes kept (default 50, 0 = all)"},
    {"threads", 0, K_LONG, READS, F(threads), 0, 0, "N", "worker threads (default: cores)"},
    {"strict", 0, K_FLAG, READS, F(strict), 0, 0, NULL, "a malformed record is an error (exit 3)"},
    {"baseline", 0, K_LIST, CMD_REPORT | CMD_TOP, F(baselines), F(n_baselines), 0, "FILE.fca",
     "compare with an earlier period (repeat it, 4 or more times, for anomalies)"},
    {"baseline-dir", 0, K_STR, CMD_REPORT | CMD_TOP, F(baseline_dir), 0, 0, "DIR",
     "every .fca in DIR is an earlier period (4 or more): flag cost anomalies"},
    {"anomaly-min-usd", 0, K_DOUBLE, CMD_REPORT | CMD_TOP, F(anomaly_min_usd), 0, 0, "USD",
     "smallest change a day an anomaly must reach (default 5)"},
    {"fail-on-anomaly", 0, K_FLAG, CMD_REPORT | CMD_TOP, F(fail_on_anomaly), 0, 0, NULL, "exit 5 when an anomaly is found"},
    {"backtest", 0, K_FLAG, CMD_REPORT | CMD_TOP, F(backtest), 0, 0, NULL,
     "judge each baseline against the others, print what would have fired, and stop"},
    {"cur", 0, K_STR, CMD_REPORT | CMD_TOP, F(cur), 0, 0, "FILE|DIR|s3://...",
     "reconcile with the Cost and Usage Report (CUR 2.0 or legacy, CSV or gzip)"},
    {"true-up", 0, K_FLAG, CMD_REPORT | CMD_TOP, F(true_up), 0, 0, NULL,
     "with --cur: scale attributions to the billed totals per category"},
    {"min-savings", 0, K_DOUBLE, PRICED, F(min_savings), 0, 0, "USD", "smallest net monthly saving (default 10)"},
    {"scan-threshold", 0, K_LONG, PRICED, F(scan_threshold), 0, 0, "N",
     "ports or hosts per source-hour that make a scan (default 20)"},
    {"title", 0, K_STR, PRICED, F(title), 0, 0, "TEXT", "report title"},
    {"now", 0, K_TIME, PRICED | CMD_AGGREGATE, F(now), 0, F(has_now), "T",
     "the report's now (also SOURCE_DATE_EPOCH)"},
    {"template-dir", 0, K_STR, CMD_REPORT, F(template_dir), 0, 0, "DIR", "use edited templates"},
    {"by", 0, K_STR, CMD_TOP, F(by), 0, 0, "KEY", "ip|peer|eni|subnet|nat|az|vpc|account|service (default ip), or tag:KEY"},
    {"limit", 0, K_LONG, CMD_TOP, F(limit), 0, 0, "N", "rows (default 50, 0 = all)"},
    {"fail-above", 0, K_DOUBLE, CMD_TOP, F(fail_above), 0, F(has_fail_above), "USD",
     "exit 4 when the total cost exceeds USD"},
    {"mail-to", 0, K_LIST, CMD_TOP, F(mail_to), F(n_mail_to), 0, "ADDR[,ADDR]", "e-mail the table (repeatable)"},
    {"mail-from", 0, K_STR, CMD_TOP, F(mail_from), 0, 0, "ADDR", "sender address"},
    {"smtp-url", 0, K_STR, CMD_TOP, F(smtp_url), 0, 0, "URL", "smtp://host:port or smtps://host:port"},
    {"subject", 0, K_STR, CMD_TOP, F(subject), 0, 0, "TEXT", "mail subject"},
    {"mail-dry-run", 0, K_STR, CMD_TOP, F(mail_dry_run), 0, 0, "FILE", "write the .eml instead of sending"},
    {"mail-attach-report", 0, K_FLAG, CMD_TOP, F(mail_attach_report), 0, 0, NULL,
     "also attach the HTML report to the mail"},
    {"level", 0, K_STR, CMD_TOPOLOGY, F(level), 0, 0, "L", "vpc|az|subnet|eni (default subnet)"},
    {"min-bytes", 0, K_BYTES, CMD_TOPOLOGY, F(min_bytes), 0, 0, "N", "hide edges under N bytes"},
    {"focus", 0, K_STR, CMD_TOPOLOGY, F(focus), 0, 0, "IP|ENI|SUBNET|NAME", "draw one neighbourhood (NAME: a workload's Name tag)"},
    {"csv", 0, K_STR, CMD_AGGREGATE, F(csv), 0, 0, "FILE", "also write the groups as CSV"},
    {"athena", 0, K_STR, ALL_INPUT, F(athena), 0, 0, "DB.TABLE",
     "run the group-by in Amazon Athena over this flow-log table instead of reading INPUTs"},
    {"athena-workgroup", 0, K_STR, ALL_INPUT, F(athena_workgroup), 0, 0, "WG", "Athena workgroup (default: primary)"},
    {"athena-output", 0, K_STR, ALL_INPUT, F(athena_output), 0, 0, "s3://...", "where Athena writes the result"},
    {"print-sql", 0, K_FLAG, ALL_INPUT, F(print_sql), 0, 0, NULL,
     "with --athena: print the query and exit (the table's columns from --fields, else its metadata)"},
    {"flow-log-id", 0, K_STR, CMD_ATHENA, F(flow_log_id), 0, 0, "fl-...", "read the format and destination of this flow log (DescribeFlowLogs)"},
    {"log-format", 0, K_STR, CMD_ATHENA, F(log_format), 0, 0, "FMT", "the flow log's format (${version} ${account-id} ...)"},
    {"location", 0, K_STR, CMD_ATHENA, F(location), 0, 0, "s3://BUCKET[/PREFIX]", "the flow log's S3 destination"},
    {"account", 0, K_STR, CMD_ATHENA, F(account), 0, 0, "ID", "the account id in the delivery path (AWSLogs/ID/...; default: the caller's, STS GetCallerIdentity)"},
    {"table", 0, K_STR, CMD_ATHENA, F(table), 0, 0, "DB.T", "table name (default vpc_flow_logs)"},
    {"resource-ids", 0, K_LIST, CMD_FLOWLOGS, F(resource_ids), F(n_resource_ids), 0, "ID[,ID...]",
     "create: the VPCs, subnets or ENIs to log (one kind)"},
    {"destination", 0, K_STR, CMD_FLOWLOGS, F(destination), 0, 0, "s3://BUCKET[/PREFIX]", "create: where to deliver"},
    {"dry-run", 0, K_FLAG, CMD_FLOWLOGS, F(dry_run), 0, 0, NULL, "create: print the request and ask EC2 with DryRun"},
    {"gb-per-month", 0, K_DOUBLE, CMD_FLOWLOGS, F(gb_per_month), 0, F(has_gb_per_month), "GB",
     "create: expected delivery volume for the cost estimate (default: assumed from the ENI count)"},
    {"file-format", 0, K_STR, CMD_ATHENA | CMD_FLOWLOGS, F(file_format), 0, 0, "text|parquet", "the delivery's file format (default text)"},
    {"hive", 0, K_FLAG, CMD_ATHENA | CMD_FLOWLOGS, F(hive), 0, 0, NULL, "Hive-compatible S3 prefixes"},
    {"per-hour", 0, K_FLAG, CMD_ATHENA | CMD_FLOWLOGS, F(per_hour), 0, 0, NULL, "hourly partitions"},
    {"allow-empty", 0, K_FLAG, READS, F(allow_empty), 0, 0, NULL,
     "no record to use is not an error: write an empty result"},
    {"quiet", 'q', K_FLAG, READS | CMD_ENRICH | CMD_IPRANGES | CMD_RATES, F(quiet), 0, 0, NULL,
     "no progress or success line (warnings about lost data still print)"},
    {"verbose", 'v', K_FLAG, READS | CMD_ENRICH | CMD_RATES | CMD_IPRANGES | CMD_ATHENA | CMD_FLOWLOGS, F(verbose), 0, 0, NULL, "more detail"},
};

static const struct {
    unsigned cmd;
    const char *usage, *what;
} cmd_help[] = {
    {CMD_REPORT, "flowcost report [OPTIONS] INPUT...", "HTML cost & topology report (default: report.html)"},
    {CMD_TOP, "flowcost top [OPTIONS] INPUT...", "the N costliest IPs (default 50) as table, CSV or JSON; can e-mail it"},
    {CMD_TOPOLOGY, "flowcost topology [OPTIONS] INPUT...", "topology graph: .svg, .dot or .png chosen by -o's extension"},
    {CMD_AGGREGATE, "flowcost aggregate [OPTIONS] INPUT...", "a compact, mergeable aggregate file (.fca) of the inputs"},
    {CMD_ENRICH, "flowcost enrich [OPTIONS]", "fetch ENI / subnet / NAT gateway metadata from EC2 into a snapshot (JSON)"},
    {CMD_RATES, "flowcost rates [--region R] [--rates FILE]\n       flowcost rates --fetch [--region R[,R...] | --all-regions] [--endpoint-url URL] [-o FILE]",
     "print the effective price table as JSON, or fetch one from the AWS Price List API"},
    {CMD_IPRANGES, "flowcost ipranges update [--url URL] [--ca-bundle FILE] [-o FILE]",
     "fetch AWS ip-ranges.json into the cache"},
    {CMD_ATHENA,
     "flowcost athena ddl (--flow-log-id fl-... | --log-format FMT --location s3://...) [--account ID] [--table DB.T] "
     "[--file-format text|parquet] [--hive] [--per-hour] [--region R]",
     "print the CREATE EXTERNAL TABLE for a flow log's S3 delivery (partition projection on region and date)"},
    {CMD_FLOWLOGS,
     "flowcost flowlogs list|check [--region R[,R...]]\n"
     "       flowcost flowlogs create --resource-ids ID[,ID...] --destination s3://BUCKET[/PREFIX] "
     "[--file-format text|parquet] [--hive] [--per-hour] [--dry-run] [--gb-per-month GB]",
     "the account's VPC flow logs: list them, check what they miss, create one with the recommended format"},
    {CMD_WHY, "flowcost why A B [OPTIONS] INPUT...",
     "why A cannot reach B: the REJECT records between them, which side refused, and with --enrich-live the\n"
     "security-group rule or network-ACL entry that decides (A and B: an IP, a CIDR, an ENI id or a name)"},
};

void opts_help(unsigned cmd)
{
    for (size_t i = 0; i < sizeof cmd_help / sizeof *cmd_help; i++)
        if (cmd_help[i].cmd == cmd) printf("usage: %s\n\n%s\n\noptions:\n", cmd_help[i].usage, cmd_help[i].what);
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        const optdef *d = &table[i];
        if (!(d->cmds & cmd)) continue;
        char left[64];
        snprintf(left, sizeof left, "%s%c%s--%s%s%s", d->shrt ? "-" : "", d->shrt ? d->shrt : ' ',
                 d->shrt ? ", " : "  ", d->lng, d->arg ? " " : "", d->arg ? d->arg : "");
        printf("  %-32s %s\n", d->shrt ? left : left + 2, d->help);
    }
    printf("  %-32s %s\n", "-h, --help", "show this help");
    if (cmd & READS)
        printf("\nINPUT is a file (plain or gzip; text or JSON-wrapped), a directory, s3://bucket/prefix, cwl://log-group[/eni-prefix], an .fca file, or - for stdin.\n");
    printf("\nexit codes: 0 success, 1 runtime error, 2 usage error, 3 malformed input (--strict), 4 --fail-above exceeded%s\n",
           cmd & (CMD_REPORT | CMD_TOP) ? ", 5 --fail-on-anomaly fired" : "");
}

static int parse_num(const optdef *d, const char *v, fc_opts *o, char *err, size_t errlen)
{
    char *end;
    void *field = (char *)o + d->off;
    errno = 0;
    switch (d->kind) {
    case K_LONG: {
        long x = strtol(v, &end, 10);
        if (errno || end == v || *end || x < 0)
            return fc_err(err, errlen, "option '--%s' expects a non-negative integer, got '%s'", d->lng, v);
        if (d->off == F(threads)) *(int *)field = (int)(x > 1024 ? 1024 : x);
        else if (d->off == F(scan_threshold)) *(unsigned *)field = (unsigned)(x > 1000000 ? 1000000 : x);
        else *(long *)field = x;
        return 0;
    }
    case K_DOUBLE: {
        double x = strtod(v, &end);
        if (errno || end == v || *end || x < 0 || x != x)
            return fc_err(err, errlen, "option '--%s' expects a non-negative number, got '%s'", d->lng, v);
        *(double *)field = x;
        return 0;
    }
    case K_BYTES: {
        unsigned long long x = strtoull(v, &end, 10);
        uint64_t mult = 1;
        if (*end == 'K' || *end == 'k') mult = 1ull << 10;
        else if (*end == 'M') mult = 1ull << 20;
        else if (*end == 'G') mult = 1ull << 30;
        if (mult > 1) end++;
        if (*end == 'i' && mult > 1) end++;
        if (*end == 'B') end++;
        if (errno || end == v || *end || v[0] == '-')
            return fc_err(err, errlen, "option '--%s' expects a byte count such as 1048576 or 10M, got '%s'", d->lng, v);
        *(uint64_t *)field = (uint64_t)x * mult;
        return 0;
    }
    case K_TIME: {
        int64_t t;
        bool rel = d->off != F(now) && fc_parse_span(v, &t) == 0;
        if (!rel && fc_parse_time(v, &t) < 0)
            return fc_err(err, errlen, "option '--%s' expects RFC 3339, a unix time%s, got '%s'", d->lng,
                          d->off == F(now) ? "" : " or a span back from now (90m, 36h, 7d, 2w)", v);
        *(int64_t *)field = t;
        if (d->off == F(since)) o->since_rel = rel;
        if (d->off == F(until)) o->until_rel = rel;
        return 0;
    }
    default:
        return 0;
    }
}

static int apply(const optdef *d, const char *v, fc_opts *o, char *err, size_t errlen)
{
    char *base = (char *)o;
    if (d->has_off) *(bool *)(base + d->has_off) = true;
    switch (d->kind) {
    case K_FLAG:
        if (d->off == F(verbose)) o->verbose++;
        else *(bool *)(base + d->off) = true;
        return 0;
    case K_STR:
        *(const char **)(base + d->off) = v;
        return 0;
    case K_LIST: {
        size_t *n = (size_t *)(base + d->count_off);
        if (*n >= FC_MAX_LIST) return fc_err(err, errlen, "too many '--%s' options (at most %d)", d->lng, FC_MAX_LIST);
        ((const char **)(base + d->off))[(*n)++] = v;
        return 0;
    }
    default:
        return parse_num(d, v, o, err, errlen);
    }
}

static void defaults(fc_opts *o, unsigned cmd)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->top = 50;
    o->limit = 50;
    o->min_savings = 10.0;
    o->anomaly_min_usd = 5.0;
    o->scan_threshold = 20;
    o->by = "ip";
    o->level = "subnet";
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde && fc_parse_time(sde, &o->now) == 0) o->has_now = true;
    if (!o->endpoint_url) o->endpoint_url = getenv("AWS_ENDPOINT_URL");
    if (!o->profile) o->profile = getenv("AWS_PROFILE");
}

/* The entry named `name` (nlen bytes) that cmd accepts, else any entry of
 * that name (so the caller can say "option of another command"). */
static const optdef *find_long(const char *name, size_t nlen, unsigned cmd)
{
    const optdef *any = NULL;
    for (size_t k = 0; k < sizeof table / sizeof *table; k++) {
        if (strlen(table[k].lng) != nlen || strncmp(table[k].lng, name, nlen) != 0) continue;
        if (table[k].cmds & cmd) return &table[k];
        any = &table[k];
    }
    return any;
}

static char *trim(char *s, char *e)
{
    while (s < e && (*s == ' ' || *s == '\t')) s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
    *e = '\0';
    return s;
}

/* Defaults from the config file: `key = value` lines whose keys are long
 * option names; options of other commands are ignored, so one file serves
 * every command. from_config[i] marks table entries it set. */
static int load_config(fc_opts *o, unsigned cmd, bool *from_config, char *err, size_t errlen)
{
    const char *env = getenv("FLOWCOST_CONFIG");
    char path[4096];
    if (env) {
        if (!*env) return 0; /* FLOWCOST_CONFIG= turns the config file off */
        snprintf(path, sizeof path, "%s", env);
    } else {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        if (xdg && *xdg) snprintf(path, sizeof path, "%s/flowcost/config", xdg);
        else if (home && *home) snprintf(path, sizeof path, "%s/.config/flowcost/config", home);
        else return 0;
        if (access(path, F_OK) != 0) return 0; /* no config file is the normal case */
    }
    size_t len;
    if (fc_read_file(path, &o->config_data, &len, err, errlen) < 0) return -1;
    o->config_file = xstrdup(path);
    char *p = o->config_data, *end = p + len;
    for (size_t line = 1; p < end; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        char *l = trim(p, le);
        p = nl ? nl + 1 : end;
        if (!*l || *l == '#') continue;
        char *eq = strchr(l, '=');
        if (!eq) return fc_err(err, errlen, "%s:%zu: expected 'option = value', got '%s'", path, line, l);
        char *key = trim(l, eq), *val = trim(eq + 1, eq + 1 + strlen(eq + 1));
        size_t vl = strlen(val);
        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
            val[vl - 1] = '\0';
            val++;
        }
        const optdef *d = find_long(key, strlen(key), cmd);
        if (!d) return fc_err(err, errlen, "%s:%zu: unknown option '%s'", path, line, key);
        if (!(d->cmds & cmd)) continue;
        if (d->kind == K_FLAG) {
            static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
            bool y = false, n = false;
            for (size_t k = 0; k < 4; k++) {
                y |= !strcmp(val, yes[k]);
                n |= !strcmp(val, no[k]);
            }
            if (!y && !n) return fc_err(err, errlen, "%s:%zu: '%s' expects true or false, got '%s'", path, line, key, val);
            if (n) continue;
            val = NULL;
        }
        if (apply(d, val, o, err, errlen) < 0) {
            char why[FC_ERRLEN];
            snprintf(why, sizeof why, "%s", err);
            return fc_err(err, errlen, "%s:%zu: %s", path, line, why);
        }
        from_config[d - table] = true;
    }
    return 0;
}

/* `top`: -o FILE takes the format from its extension; -o FORMAT (a format
 * name) is the older spelling of --format; an explicit --format wins. */
static int top_output(fc_opts *o, char *err, size_t errlen)
{
    static const char *const formats[] = {"table", "csv", "json", "html"};
    static const struct {
        const char *ext, *fmt;
    } exts[] = {{".txt", "table"}, {".csv", "csv"}, {".json", "json"}, {".html", "html"}, {".htm", "html"}};
    if (o->output) {
        for (size_t k = 0; k < sizeof formats / sizeof *formats; k++)
            if (!strcmp(o->output, formats[k])) {
                if (!o->format) o->format = formats[k];
                o->output = NULL;
                break;
            }
    }
    if (o->output && !strcmp(o->output, "-")) o->output = NULL;
    if (o->output && !o->format) {
        const char *dot = strrchr(o->output, '.');
        const char *slash = strrchr(o->output, '/');
        for (size_t k = 0; dot && (!slash || dot > slash) && k < sizeof exts / sizeof *exts; k++)
            if (!strcasecmp(dot, exts[k].ext)) o->format = exts[k].fmt;
        if (!o->format)
            return fc_err(err, errlen, "cannot tell the format of '%s' from its extension (.txt .csv .json .html); add --format",
                          o->output);
    }
    if (!o->format) o->format = "table";
    for (size_t k = 0; k < sizeof formats / sizeof *formats; k++)
        if (!strcmp(o->format, formats[k])) return 0;
    return fc_err(err, errlen, "--format must be table, csv, json or html, got '%s'", o->format);
}

/* Mail options are checked before any input is read: a CI job must not
 * spend an hour on s3:// to fail on a typo in an address. */
static int top_mail_opts(fc_opts *o, char *err, size_t errlen)
{
    /* --mail-to a@x,b@x: one list entry per address. */
    size_t total = 0;
    for (size_t i = 0; i < o->n_mail_to; i++) total += strlen(o->mail_to[i]) + 1;
    if (total) {
        char *buf = xmalloc(total), *w = buf;
        const char *given[FC_MAX_LIST];
        size_t n = o->n_mail_to;
        memcpy(given, o->mail_to, n * sizeof *given);
        o->n_mail_to = 0;
        o->mail_to_data = buf;
        for (size_t i = 0; i < n; i++) {
            for (const char *s = given[i];;) {
                const char *c = strchr(s, ',');
                size_t l = c ? (size_t)(c - s) : strlen(s);
                memcpy(w, s, l);
                w[l] = '\0';
                char *t = trim(w, w + l);
                if (*t) {
                    if (o->n_mail_to >= FC_MAX_LIST)
                        return fc_err(err, errlen, "too many --mail-to addresses (at most %d)", FC_MAX_LIST);
                    o->mail_to[o->n_mail_to++] = t;
                }
                w += l + 1;
                if (!c) break;
                s = c + 1;
            }
        }
    }
    bool any = o->mail_from || o->smtp_url || o->subject || o->mail_dry_run || o->mail_attach_report;
    if (!o->n_mail_to && any) return fc_err(err, errlen, "mail options need at least one --mail-to address");
    if (!o->n_mail_to) return 0;
    if (!o->smtp_url && !o->mail_dry_run)
        return fc_err(err, errlen, "--mail-to needs --smtp-url (or --mail-dry-run FILE to write the message)");
    if (!o->mail_from) return fc_err(err, errlen, "--mail-to needs --mail-from ADDR (the sender)");
    char spec[512];
    for (size_t i = 0; i < o->n_mail_to; i++)
        if (mail_addr_spec(o->mail_to[i], spec, sizeof spec) < 0)
            return fc_err(err, errlen, "bad --mail-to address '%s' (expected name@example.com)", o->mail_to[i]);
    if (mail_addr_spec(o->mail_from, spec, sizeof spec) < 0)
        return fc_err(err, errlen, "bad --mail-from address '%s' (expected name@example.com)", o->mail_from);
    if (o->smtp_url && strncmp(o->smtp_url, "smtp://", 7) != 0 && strncmp(o->smtp_url, "smtps://", 8) != 0)
        return fc_err(err, errlen, "--smtp-url must start with smtp:// or smtps://, got '%s'", o->smtp_url);
    return 0;
}

int opts_parse(int argc, char **argv, unsigned cmd, fc_opts *o, char *err, size_t errlen)
{
    defaults(o, cmd);
    o->cmd_name = argv[0];
    o->inputs = xcalloc((size_t)argc + 1, sizeof *o->inputs);
    bool from_config[sizeof table / sizeof *table] = {false};
    /* --help must work whatever the config file says. */
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            opts_help(cmd);
            return 1;
        }
    if (load_config(o, cmd, from_config, err, errlen) < 0) return -1;
    bool only_positional = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_positional || a[0] != '-' || strcmp(a, "-") == 0) {
            o->inputs[o->n_inputs++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_positional = true;
            continue;
        }
        const optdef *d = NULL;
        const char *val = NULL;
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
            d = find_long(name, nlen, cmd);
            if (eq) val = eq + 1;
        } else {
            for (size_t k = 0; k < sizeof table / sizeof *table; k++)
                if (table[k].shrt == a[1] && (!d || (table[k].cmds & cmd))) d = &table[k];
            if (d && a[2]) {
                if (d->kind == K_FLAG) {
                    return fc_err(err, errlen, "unknown option '%s' (combined short flags are not supported)", a);
                }
                val = a + 2;
            }
        }
        if (!d || !(d->cmds & cmd))
            return fc_err(err, errlen, "unknown option '%s' for '%s'; see 'flowcost %s --help'", a, argv[0], argv[0]);
        if (d->kind == K_FLAG) {
            if (val) return fc_err(err, errlen, "option '--%s' takes no value", d->lng);
        } else if (!val) {
            if (i + 1 >= argc) return fc_err(err, errlen, "option '%s' needs a value (%s)", a, d->arg);
            val = argv[++i];
        }
        /* The command line wins: a list it gives replaces the config's. */
        if (from_config[d - table] && d->kind == K_LIST) *(size_t *)((char *)o + d->count_off) = 0;
        from_config[d - table] = false;
        if (apply(d, val, o, err, errlen) < 0) return -1;
    }
    if (o->config_file && o->verbose) fprintf(stderr, "flowcost: defaults read from %s\n", o->config_file);
    if (o->since_rel || o->until_rel) {
        int64_t now = o->has_now ? o->now : (int64_t)time(NULL);
        if (o->since_rel) o->since = now - o->since;
        if (o->until_rel) o->until = now - o->until;
    }
    if (cmd == CMD_TOP && (top_output(o, err, errlen) < 0 || top_mail_opts(o, err, errlen) < 0)) return -1;
    if (cmd != CMD_TOP && o->output) {
        /* `enrich --output json` once wrote a file called "json": a bare
         * format name is almost always meant as a format. */
        static const char *const formats[] = {"table", "csv", "json", "html", "svg", "dot", "png"};
        for (size_t k = 0; k < sizeof formats / sizeof *formats; k++)
            if (!strcmp(o->output, formats[k]))
                return fc_err(err, errlen, "-o takes a file name, got the format name '%s' (for a file of that name write './%s')",
                              o->output, o->output);
    }
    if (o->output && o->json && !strcmp(o->output, "-") && !strcmp(o->json, "-"))
        return fc_err(err, errlen, "-o - and --json - would both write to standard output; send one of them to a file");
    if ((cmd & ALL_INPUT) && o->athena && o->n_inputs)
        return fc_err(err, errlen, "--athena replaces the INPUTs; drop '%s' or --athena", o->inputs[0]);
    if (o->true_up && !o->cur) return fc_err(err, errlen, "--true-up needs --cur FILE|DIR (the bill to scale to)");
    if (!o->athena && (o->print_sql || o->athena_workgroup || o->athena_output))
        return fc_err(err, errlen, "--%s needs --athena DB.TABLE",
                      o->print_sql ? "print-sql" : o->athena_workgroup ? "athena-workgroup" : "athena-output");
    if ((cmd & ALL_INPUT) && o->n_inputs == 0 && !o->athena)
        return fc_err(err, errlen, "no INPUT given; see 'flowcost %s --help'", argv[0]);
    if (cmd == CMD_ATHENA && (o->n_inputs != 1 || strcmp(o->inputs[0], "ddl") != 0))
        return fc_err(err, errlen, "expected 'flowcost athena ddl ...'; see 'flowcost athena --help'");
    if (cmd == CMD_FLOWLOGS && (o->n_inputs != 1 || (strcmp(o->inputs[0], "list") && strcmp(o->inputs[0], "check") &&
                                                     strcmp(o->inputs[0], "create"))))
        return fc_err(err, errlen, "expected 'flowcost flowlogs list|check|create'; see 'flowcost flowlogs --help'");
    /* `ipranges` takes its subcommand as the one positional argument. */
    if (cmd == CMD_WHY && o->n_inputs < 3)
        return fc_err(err, errlen, "expected 'flowcost why A B INPUT...'; see 'flowcost why --help'");
    if (!(cmd & (READS | CMD_ATHENA | CMD_FLOWLOGS)) && o->n_inputs > (cmd == CMD_IPRANGES ? 1u : 0u))
        return fc_err(err, errlen, "unexpected argument '%s'; see 'flowcost %s --help'", o->inputs[0], argv[0]);
    if (o->n_baselines) o->baseline = o->baselines[o->n_baselines - 1];
    if ((o->fail_on_anomaly || o->backtest) && o->n_baselines < 2 && !o->baseline_dir)
        return fc_err(err, errlen, "--%s needs earlier periods: --baseline-dir DIR or --baseline given 4 or more times",
                      o->backtest ? "backtest" : "fail-on-anomaly");
    if (o->has_since && o->has_until && o->until <= o->since)
        return fc_err(err, errlen, "--until must be later than --since");
    if (o->fields) {
        /* a bad field list is a usage error (exit 2), found before any input is read */
        flowlog_format f;
        char why[192];
        if (flowlog_fields_parse(&f, o->fields, strlen(o->fields), why, sizeof why) < 0)
            return fc_err(err, errlen, "--fields: %s", why);
    }
    return 0;
}

void opts_free(fc_opts *o)
{
    free((void *)o->inputs);
    free(o->config_data);
    free(o->config_file);
    free(o->mail_to_data);
    o->inputs = NULL;
    o->config_data = o->config_file = o->mail_to_data = NULL;
}
