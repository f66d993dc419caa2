/* anomaly_out: anomalies (src/anomaly.h) as the JSON key `anomalies` of
 * cli.md and as one line of text each (mail, --backtest). */
#ifndef FC_ANOMALY_OUT_H
#define FC_ANOMALY_OUT_H

#include <stddef.h>

#include "anomaly.h"

/* `[{"kind", "key", "name", "hour", "last_hour", "hours", "expected_usd",
 * "band_usd": [lo, hi], "actual_usd", "score"}, ...]` (score null for a new
 * talker, whose actual_usd is its cost over the period). Caller frees. */
char *anomaly_out_json(const anomaly_list *l);
/* "2026-11-18T09:00:00Z payer 10.0.20.5 (app-2): $1.20 in the hour, expected
 * $0.31 ($0.25-$0.38), z 12.3, 3 h" */
void anomaly_out_line(const anomaly *a, char *buf, size_t n);

#endif
