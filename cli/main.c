/* main: flowcost's entry point — dispatches a command, maps failures to the
 * exit codes of ../shared/spec/cli.md. Wires src/, enrich/ and render/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "graph.h"
#include "aws.h"
#include "ingest.h"
#include "opts.h"
#include "util.h"
#include "version.h"

static const struct {
    const char *name;
    unsigned cmd;
    int (*run)(const fc_opts *);
    const char *what;
} commands[] = {
    {"report", CMD_REPORT, cmd_report, "HTML cost & topology report (default: report.html)"},
    {"top", CMD_TOP, cmd_top, "the N costliest IPs (default 50) as table, CSV or JSON; can e-mail it"},
    {"topology", CMD_TOPOLOGY, cmd_topology, "topology graph: .svg, .dot or .png chosen by -o's extension"},
    {"aggregate", CMD_AGGREGATE, cmd_aggregate, "a compact, mergeable aggregate file (.fca) of the inputs"},
    {"enrich", CMD_ENRICH, cmd_enrich, "fetch ENI / subnet / NAT gateway metadata from EC2 into a snapshot (JSON)"},
    {"rates", CMD_RATES, cmd_rates, "print the effective price table as JSON (--fetch: from AWS's Price List)"},
    {"ipranges", CMD_IPRANGES, cmd_ipranges, "'ipranges update': fetch AWS ip-ranges.json into the cache"},
    {"flowlogs", CMD_FLOWLOGS, cmd_flowlogs, "list, check or create the account's VPC flow logs"},
    {"athena", CMD_ATHENA, cmd_athena, "print the CREATE EXTERNAL TABLE of a flow log's S3 delivery (athena ddl)"},
    {"why", CMD_WHY, cmd_why, "why A cannot reach B (IP, ENI id, name or CIDR each): REJECTs, side, rule"},
};

void cli_error(const char *msg)
{
    fc_print_line("flowcost: error: ", msg);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: flowcost COMMAND [OPTIONS] INPUT...\n\n"
               "Turns AWS VPC Flow Logs into dollars and pictures.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].what);
    fprintf(f, "\n  flowcost --version [--json] | --help | COMMAND --help\n"
               "\nexit codes: 0 success, 1 runtime error, 2 usage error, "
               "3 malformed input (--strict), 4 --fail-above exceeded, 5 --fail-on-anomaly fired\n");
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *c = argv[1];
    if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0 || strcmp(c, "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(c, "--version") == 0 || strcmp(c, "-V") == 0) {
        if (argc == 3 && strcmp(argv[2], "--json") == 0) {
            if (version_json(stdout) == 0) return EXIT_OK;
            cli_error("out of memory");
            return EXIT_RUNTIME;
        }
        if (argc > 2) {
            cli_error("--version takes only --json");
            return EXIT_USAGE;
        }
        printf("flowcost %s (commit %s)\n%s %s %s\n", version_string(), version_commit(), enrich_lib_versions(),
               render_lib_versions(), ingest_lib_versions());
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(c, commands[i].name) != 0) continue;
        fc_opts o;
        char err[FC_ERRLEN];
        int rc = opts_parse(argc - 1, argv + 1, commands[i].cmd, &o, err, sizeof err);
        if (rc != 0) {
            opts_free(&o);
            if (rc == 1) return EXIT_OK;
            cli_error(err);
            return EXIT_USAGE;
        }
        int code = o.athena && o.print_sql ? athena_print_sql(&o) : commands[i].run(&o);
        opts_free(&o);
        return code;
    }
    char msg[512];
    snprintf(msg, sizeof msg, "unknown command '%.400s'; see 'flowcost --help'", c);
    cli_error(msg);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    int code = run(argc, argv);
    /* Help, tables and JSON on a full disk or a closed pipe must not report
     * success. */
    if ((fflush(stdout) != 0 || ferror(stdout)) && (code == EXIT_OK || code == EXIT_BUDGET)) {
        cli_error("cannot write to standard output");
        code = EXIT_RUNTIME;
    }
    return code;
}
