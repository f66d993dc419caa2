/* pipeline: what report, top and topology share — read every INPUT into an
 * agg, load the inventory (snapshots, live EC2, or learned), ip-ranges and
 * rates, and run the cost model. Returns exit codes (only cli/ picks them). */
#ifndef FC_PIPELINE_H
#define FC_PIPELINE_H

#include "agg.h"
#include "cost.h"
#include "ingest.h"
#include "inventory.h"
#include "lpm.h"
#include "opts.h"
#include "rates.h"

typedef struct pipeline {
    agg *agg;
    inventory *inv;
    lpm *ranges;
    rate_table *rates;
    cost_result *res;
    /* --baseline: the earlier period priced with the same inventory/rates */
    agg *base_agg;
    cost_result *base;
    char enrichment[512];  /* for the report summary */
} pipeline;

void pipeline_ingest_opts(const fc_opts *o, ingest_opts *io);
/* Read every INPUT (files, dirs, "-", .fca, s3://) into a. Exit code. */
int pipeline_ingest(const fc_opts *o, agg *a, bool csv_keys_only, char *err, size_t errlen);
/* Everything up to a priced result. Exit code; err filled when non-zero. */
int pipeline_run(const fc_opts *o, pipeline *p, char *err, size_t errlen);
void pipeline_free(pipeline *p);

#endif
