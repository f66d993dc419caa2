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

/* "flowcost: error: MSG" on stderr (house style: one line, lower case). */
void cli_error(const char *msg);

#endif
