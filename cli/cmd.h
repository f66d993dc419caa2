/* cmd: one function per command; each returns the process exit code. */
#ifndef FC_CMD_H
#define FC_CMD_H

#include "opts.h"

int cmd_report(const fc_opts *o);
int cmd_top(const fc_opts *o);
int cmd_topology(const fc_opts *o);
int cmd_aggregate(const fc_opts *o);
int cmd_enrich(const fc_opts *o);
int cmd_rates(const fc_opts *o);
int cmd_athena(const fc_opts *o);

/* "flowcost: error: MSG" on stderr (house style: one line, lower case). */
void cli_error(const char *msg);

#endif
