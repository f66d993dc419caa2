/* anomalies: --baseline (repeated) / --baseline-dir on report and top —
 * every earlier period and the current one priced hour by hour
 * (src/anomaly.c), the current period judged against them, and --backtest
 * (each earlier period judged against the others, printed on stdout). */
#ifndef FC_ANOMALIES_H
#define FC_ANOMALIES_H

#include <stddef.h>

#include "opts.h"

struct pipeline;
/* True when the options ask for anomalies (two or more --baseline, or
 * --baseline-dir). */
int anomalies_wanted(const fc_opts *o);
/* Fill p->anomalies (and, with --backtest, print the replay and set
 * p->backtest_fired). Exit code; err filled when non-zero (fewer than 4
 * earlier periods is a usage error). */
int anomalies_run(const fc_opts *o, struct pipeline *p, char *err, size_t errlen);

/* After the output is written: with --backtest, 5 when --fail-on-anomaly
 * and anything fired in the replay, else 0; otherwise, with
 * --fail-on-anomaly and an anomaly found, one line on stderr and 5; else
 * `code` unchanged. A line saying how many were found, unless -q. */
int anomalies_exit(const fc_opts *o, const struct pipeline *p, int code);
/* Each anomaly as one "anomaly: ..." notice of the top model (mail, table footer). */
struct tpl_model;
void anomalies_notices(const struct pipeline *p, struct tpl_model *m);

#endif
