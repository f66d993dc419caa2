/* opts: one table of every option of the command-line contract, so --help,
 * validation and parsing cannot drift apart (house style: tables over
 * if-chains). */
#include "opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowlog.h"
#include "util.h"

#define ALL_INPUT (CMD_REPORT | CMD_TOP | CMD_TOPOLOGY | CMD_AGGREGATE)
#define PRICED (CMD_REPORT | CMD_TOP | CMD_TOPOLOGY)
#define AWS (ALL_INPUT | CMD_ENRICH)

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
    {"output", 'o', K_STR, ALL_INPUT | CMD_ENRICH, F(output), 0, 0, "FILE",
     "where to write (atomically); for top: table|csv|json|html"},
    {"json", 0, K_STR, PRICED, F(json), 0, 0, "FILE", "also write the JSON result (- for stdout)"},
    {"eni-snapshot", 0, K_LIST, PRICED | CMD_ENRICH, F(snapshots), F(n_snapshots), 0, "FILE",
     "ENI snapshot: flowcost JSON, EC2 Describe* XML or AWS CLI describe-* JSON (repeatable)"},
    {"enrich-live", 0, K_FLAG, PRICED, F(enrich_live), 0, 0, NULL, "call EC2 for the ENIs the inputs mention"},
    {"region", 0, K_LIST, AWS | CMD_RATES, F(regions), F(n_regions), 0, "R", "AWS region (repeatable for enrich)"},
    {"profile", 0, K_STR, AWS, F(profile), 0, 0, "P", "AWS profile"},
    {"endpoint-url", 0, K_STR, AWS, F(endpoint_url), 0, 0, "URL", "AWS endpoint (tests, private endpoints)"},
    {"rates", 0, K_STR, PRICED | CMD_RATES, F(rates), 0, 0, "FILE", "JSON price overrides"},
    {"ip-ranges", 0, K_STR, PRICED, F(ip_ranges), 0, 0, "FILE", "AWS ip-ranges.json (default: bundled copy)"},
    {"fields", 0, K_STR, ALL_INPUT, F(fields), 0, 0, "LIST", "field order of headerless input"},
    {"since", 0, K_TIME, ALL_INPUT, F(since), 0, F(has_since), "T", "keep records whose start >= T"},
    {"until", 0, K_TIME, ALL_INPUT, F(until), 0, F(has_until), "T", "keep records whose start < T"},
    {"top", 0, K_LONG, PRICED, F(top), 0, 0, "N",
     "rows in top tables; for topology, the N heaviest nodes kept (default 50, 0 = all)"},
    {"threads", 0, K_LONG, ALL_INPUT, F(threads), 0, 0, "N", "worker threads (default: cores)"},
    {"strict", 0, K_FLAG, ALL_INPUT, F(strict), 0, 0, NULL, "a malformed record is an error (exit 3)"},
    {"baseline", 0, K_STR, CMD_REPORT | CMD_TOP, F(baseline), 0, 0, "FILE.fca", "compare with an earlier period"},
    {"min-savings", 0, K_DOUBLE, PRICED, F(min_savings), 0, 0, "USD", "smallest net monthly saving (default 10)"},
    {"scan-threshold", 0, K_LONG, PRICED, F(scan_threshold), 0, 0, "N",
     "ports or hosts per source-hour that make a scan (default 20)"},
    {"title", 0, K_STR, PRICED, F(title), 0, 0, "TEXT", "report title"},
    {"now", 0, K_TIME, PRICED | CMD_AGGREGATE, F(now), 0, F(has_now), "T",
     "the report's now (also SOURCE_DATE_EPOCH)"},
    {"template-dir", 0, K_STR, CMD_REPORT, F(template_dir), 0, 0, "DIR", "use edited templates"},
    {"by", 0, K_STR, CMD_TOP, F(by), 0, 0, "KEY", "ip|peer|eni|subnet|nat (default ip)"},
    {"limit", 0, K_LONG, CMD_TOP, F(limit), 0, 0, "N", "rows (default 50, 0 = all)"},
    {"fail-above", 0, K_DOUBLE, CMD_TOP, F(fail_above), 0, F(has_fail_above), "USD",
     "exit 4 when the total cost exceeds USD"},
    {"mail-to", 0, K_LIST, CMD_TOP, F(mail_to), F(n_mail_to), 0, "ADDR", "e-mail the table (repeatable)"},
    {"mail-from", 0, K_STR, CMD_TOP, F(mail_from), 0, 0, "ADDR", "sender address"},
    {"smtp-url", 0, K_STR, CMD_TOP, F(smtp_url), 0, 0, "URL", "smtp://host:port or smtps://host:port"},
    {"subject", 0, K_STR, CMD_TOP, F(subject), 0, 0, "TEXT", "mail subject"},
    {"mail-dry-run", 0, K_STR, CMD_TOP, F(mail_dry_run), 0, 0, "FILE", "write the .eml instead of sending"},
    {"level", 0, K_STR, CMD_TOPOLOGY, F(level), 0, 0, "L", "vpc|az|subnet|eni (default subnet)"},
    {"min-bytes", 0, K_BYTES, CMD_TOPOLOGY, F(min_bytes), 0, 0, "N", "hide edges under N bytes"},
    {"focus", 0, K_STR, CMD_TOPOLOGY, F(focus), 0, 0, "IP|ENI|SUBNET", "draw one neighbourhood"},
    {"csv", 0, K_STR, CMD_AGGREGATE, F(csv), 0, 0, "FILE", "also write the groups as CSV"},
    {"allow-empty", 0, K_FLAG, ALL_INPUT, F(allow_empty), 0, 0, NULL,
     "no record to use is not an error: write an empty result"},
    {"quiet", 'q', K_FLAG, ALL_INPUT | CMD_ENRICH, F(quiet), 0, 0, NULL,
     "no progress or success line (warnings about lost data still print)"},
    {"verbose", 'v', K_FLAG, ALL_INPUT | CMD_ENRICH | CMD_RATES, F(verbose), 0, 0, NULL, "more detail"},
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
    {CMD_RATES, "flowcost rates [--region R] [--rates FILE]", "print the effective price table as JSON"},
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
    if (cmd & ALL_INPUT)
        printf("\nINPUT is a file (plain or gzip), a directory, s3://bucket/prefix, an .fca file, or - for stdin.\n");
    printf("\nexit codes: 0 success, 1 runtime error, 2 usage error, 3 malformed input (--strict), 4 --fail-above exceeded\n");
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
        if (fc_parse_time(v, &t) < 0)
            return fc_err(err, errlen, "option '--%s' expects RFC 3339 or unix time, got '%s'", d->lng, v);
        *(int64_t *)field = t;
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
    o->scan_threshold = 20;
    o->by = "ip";
    o->format = "table";
    o->level = "subnet";
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde && fc_parse_time(sde, &o->now) == 0) o->has_now = true;
    if (!o->endpoint_url) o->endpoint_url = getenv("AWS_ENDPOINT_URL");
    if (!o->profile) o->profile = getenv("AWS_PROFILE");
}

int opts_parse(int argc, char **argv, unsigned cmd, fc_opts *o, char *err, size_t errlen)
{
    defaults(o, cmd);
    o->cmd_name = argv[0];
    o->inputs = xcalloc((size_t)argc + 1, sizeof *o->inputs);
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
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            opts_help(cmd);
            return 1;
        }
        const optdef *d = NULL;
        const char *val = NULL;
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
            for (size_t k = 0; k < sizeof table / sizeof *table; k++)
                if (strlen(table[k].lng) == nlen && strncmp(table[k].lng, name, nlen) == 0) d = &table[k];
            if (eq) val = eq + 1;
        } else {
            for (size_t k = 0; k < sizeof table / sizeof *table; k++)
                if (table[k].shrt == a[1]) d = &table[k];
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
        if (apply(d, val, o, err, errlen) < 0) return -1;
    }
    if (cmd == CMD_TOP && o->output) {
        /* In `top`, --output names the format (cli.md). */
        static const char *const formats[] = {"table", "csv", "json", "html"};
        bool ok = false;
        for (size_t k = 0; k < 4; k++) ok |= strcmp(o->output, formats[k]) == 0;
        if (!ok) return fc_err(err, errlen, "option '--output' for top must be table, csv, json or html, got '%s'", o->output);
        o->format = o->output;
        o->output = NULL;
    }
    if (cmd == CMD_TOP && !o->n_mail_to && (o->mail_from || o->smtp_url || o->subject || o->mail_dry_run))
        return fc_err(err, errlen, "mail options need at least one --mail-to address");
    if (cmd == CMD_TOP && o->n_mail_to && !o->smtp_url && !o->mail_dry_run)
        return fc_err(err, errlen, "--mail-to needs --smtp-url (or --mail-dry-run FILE to write the message)");
    if ((cmd & ALL_INPUT) && o->n_inputs == 0)
        return fc_err(err, errlen, "no INPUT given; see 'flowcost %s --help'", argv[0]);
    if (!(cmd & ALL_INPUT) && o->n_inputs)
        return fc_err(err, errlen, "unexpected argument '%s'; see 'flowcost %s --help'", o->inputs[0], argv[0]);
    if (o->has_since && o->has_until && o->until <= o->since)
        return fc_err(err, errlen, "--until must be later than --since");
    if (o->fields) {
        /* a bad field list is a usage error (exit 2), found before any input is read */
        flowlog_format f;
        char why[192];
        if (flowlog_format_parse(&f, o->fields, strlen(o->fields), why, sizeof why) < 0)
            return fc_err(err, errlen, "bad --fields: %s", why);
    }
    return 0;
}
