/* opts: the command-line contract of ../shared/spec/cli.md as one table of
 * options shared by every command, parsed into one struct. Each command
 * accepts the options whose `cmds` mask includes it; anything else is a
 * usage error (exit 2). */
#ifndef FC_OPTS_H
#define FC_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fc_cmd {
    CMD_REPORT = 1 << 0,
    CMD_TOP = 1 << 1,
    CMD_TOPOLOGY = 1 << 2,
    CMD_AGGREGATE = 1 << 3,
    CMD_ENRICH = 1 << 4,
    CMD_RATES = 1 << 5,
    CMD_IPRANGES = 1 << 6,
    CMD_ATHENA = 1 << 7,
    CMD_FLOWLOGS = 1 << 8,
    CMD_WHY = 1 << 9,
};

/* Exit codes (cli.md). Only cli/ decides them. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2, EXIT_MALFORMED = 3, EXIT_BUDGET = 4, EXIT_ANOMALY = 5 };

#define FC_MAX_LIST 64

typedef struct fc_opts {
    unsigned cmd;             /* one enum fc_cmd */
    const char *cmd_name;
    const char **inputs;      /* positional INPUTs (argv storage) */
    size_t n_inputs;

    const char *output;       /* -o/--output; for `top`, the format when it is a format name */
    const char *json;         /* --json FILE or "-" */
    const char *snapshots[FC_MAX_LIST];
    size_t n_snapshots;
    bool enrich_live;
    const char *regions[FC_MAX_LIST]; /* --region (repeatable for enrich) */
    size_t n_regions;
    const char *profile, *endpoint_url;
    bool all_regions;         /* every region: enrich / --enrich-live (DescribeRegions), rates --fetch */
    const char *role_arn;     /* enrich / --enrich-live: sts:AssumeRole first */
    const char *rates, *ip_ranges, *fields;
    int64_t since, until;     /* 0 = unset */
    bool has_since, has_until;
    bool since_rel, until_rel; /* given as a span back from --now (resolved by opts_parse) */
    long top;                 /* --top N, default 50, 0 = all */
    int threads;              /* 0 = number of cores */
    bool strict;
    const char *baseline;     /* the last --baseline: what the deltas compare with */
    const char *baselines[FC_MAX_LIST]; /* every --baseline, in order */
    size_t n_baselines;
    const char *baseline_dir; /* --baseline-dir: every .fca in it is an earlier period */
    double anomaly_min_usd;   /* --anomaly-min-usd, default 5 (per day) */
    bool fail_on_anomaly, backtest;
    const char *cur;          /* --cur: the Cost and Usage Report to reconcile with */
    bool true_up;             /* --true-up: scale attributions to the billed totals */
    double min_savings;       /* default 10 */
    unsigned scan_threshold;  /* default 20 */
    const char *title;
    int64_t now;              /* --now / SOURCE_DATE_EPOCH; 0 = real clock */
    bool has_now;
    bool quiet;
    bool allow_empty;         /* no record used is not an error */
    int verbose;
    const char *template_dir;

    /* top */
    const char *by;           /* ip|peer|eni|subnet|nat */
    long limit;               /* default 50 */
    const char *format;       /* table|csv|json|html (--format, -o's extension, or the older --output FORMAT) */
    double fail_above;
    bool has_fail_above;
    double gb_per_month;      /* flowlogs create: the expected delivery volume */
    bool has_gb_per_month;
    const char *mail_to[FC_MAX_LIST];
    size_t n_mail_to;
    const char *mail_from, *smtp_url, *subject, *mail_dry_run;
    bool mail_attach_report;  /* --mail-attach-report: the report page as a second attachment */

    /* topology */
    const char *level;        /* vpc|az|subnet|eni, default subnet */
    uint64_t min_bytes;
    const char *focus;

    /* aggregate */
    const char *csv;

    /* ipranges update, rates --fetch */
    const char *url, *ca_bundle;
    bool fetch;
    /* --athena on the input commands */
    const char *athena, *athena_workgroup, *athena_output;
    bool print_sql;
    /* athena ddl */
    const char *flow_log_id, *log_format, *location, *table, *file_format, *account;
    bool hive, per_hour;
    /* flowlogs create */
    const char *resource_ids[FC_MAX_LIST];
    size_t n_resource_ids;
    const char *destination;
    bool dry_run;

    /* why */
    bool why_json;            /* --json: the verdict as JSON on stdout */

    /* The config file whose `key = value` lines gave defaults, and its text
     * (config values point into it). */
    char *config_file;
    char *config_data;
    char *mail_to_data;       /* --mail-to values split at commas */
} fc_opts;

/* Parse argv (argv[0] is the command name) over the defaults of the config
 * file ($FLOWCOST_CONFIG, else $XDG_CONFIG_HOME/flowcost/config, else
 * ~/.config/flowcost/config; the command line wins). Returns 0, 1 when help
 * was printed (exit 0), or -1 with a message in err (exit 2). Free with
 * opts_free() in every case. */
int opts_parse(int argc, char **argv, unsigned cmd, fc_opts *o, char *err, size_t errlen);
void opts_free(fc_opts *o);
/* Print `flowcost COMMAND --help` for cmd to stdout. */
void opts_help(unsigned cmd);

#endif
