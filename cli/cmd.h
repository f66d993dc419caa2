/* cmd: one function per command; each returns the process exit code. */
#ifndef FC_CMD_H
#define FC_CMD_H

#include "opts.h"
#include "util.h"

int cmd_report(const fc_opts *o);
int cmd_top(const fc_opts *o);
int cmd_topology(const fc_opts *o);
int cmd_aggregate(const fc_opts *o);
int cmd_enrich(const fc_opts *o);
int cmd_rates(const fc_opts *o);
int cmd_ipranges(const fc_opts *o);

/* The report page of the pipeline's result (graphs included), as `report`
 * writes it; `top --mail-attach-report` attaches it. 0, or -1 with err. */
struct pipeline;
int report_page(const fc_opts *o, const struct pipeline *p, dbuf *page, char *err, size_t errlen);
int cmd_athena(const fc_opts *o);
int cmd_flowlogs(const fc_opts *o);
int cmd_why(const fc_opts *o);
/* --athena: --print-sql (exit code), and the query's groups into a (exit
 * code; err filled when non-zero). */
int athena_print_sql(const fc_opts *o);
struct agg;
/* summary (may be NULL): the engine, query id, bytes scanned and cost */
int athena_ingest(const fc_opts *o, struct agg *a, char *summary, size_t summary_len, char *err, size_t errlen);

/* "flowcost: error: MSG" on stderr (house style: one line, lower case). */
void cli_error(const char *msg);

#endif
