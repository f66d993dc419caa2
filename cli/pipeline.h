/* pipeline: what report, top and topology share — read every INPUT into an
 * agg, load the inventory (snapshots, live EC2, or learned), ip-ranges and
 * rates, and run the cost model. Returns exit codes (only cli/ picks them). */
#ifndef FC_PIPELINE_H
#define FC_PIPELINE_H

#include "agg.h"
#include "cost.h"
#include "cur.h"
#include "ingest.h"
#include "inventory.h"
#include "lpm.h"
#include "opts.h"
#include "rates.h"
#include "reconcile.h"

typedef struct pipeline {
    agg *agg;              /* NULL after pipeline_run unless --cur, anomalies or `why` read it again */
    inventory *inv;
    lpm *ranges;
    rate_table *rates;
    cost_result *res;
    /* --baseline: the earlier period priced with the same inventory/rates */
    agg *base_agg;         /* NULL once priced */
    cost_result *base;
    char enrichment[512];  /* for the report summary */
    char ipranges_source[1100]; /* "bundled", "cache PATH" or "file PATH" */
    inputs *seen;          /* what was read (each input once) */
    char region0[64];      /* the first --region (of a comma list): the default region */
    char engine[512];      /* --athena: "Athena DB.T, query ID: N bytes scanned, $X"; else "" */
    struct anomaly_list *anomalies; /* --baseline-dir / repeated --baseline; NULL otherwise */
    size_t backtest_fired;          /* --backtest: anomalies over the replayed periods */
    cur *cur;              /* --cur: the report's network line items */
    reconcile *recon;      /* --cur: the bill beside the figures (before --true-up) */
} pipeline;

void pipeline_ingest_opts(const fc_opts *o, ingest_opts *io);
/* Read every INPUT (files, dirs, "-", .fca, s3://) into a, each input once
 * (seen records what was read and skipped). Exit code. flags: PIPE_*. */
#define PIPE_CSV_KEYS_ONLY 1u /* ingest_opts.csv_keys_only */
#define PIPE_NO_CANONICAL 2u  /* ingest_opts.no_canonical: the caller canonicalizes */
int pipeline_ingest(const fc_opts *o, agg *a, inputs *seen, unsigned flags, char *err, size_t errlen);
/* "nothing to report: 3 files, ..." into err when no record was used (the
 * empty-input rule of cli.md); false when there is something. */
bool pipeline_nothing(const agg *a, const inputs *seen, const char *what, char *err, size_t errlen);
/* Everything up to a priced result. Exit code; err filled when non-zero.
 * No record used is an error (exit 1) unless --allow-empty. */
int pipeline_run(const fc_opts *o, pipeline *p, char *err, size_t errlen);
/* pipeline_run for a command: on failure the one error line is printed and
 * p freed; returns the exit code (0: p holds the result). */
int pipeline_start(const fc_opts *o, pipeline *p);
/* The success line of cli.md (unless -q): "flowcost: wrote WHAT: $T over
 * H h, N of M hours with records". */
void pipeline_done(const fc_opts *o, const char *what, const cost_result *r);
void pipeline_free(pipeline *p);
/* json (malloc'd, taken) with the --cur `reconciliation` key, then the
 * `anomalies` key, added last when there are any; json itself when there
 * is nothing to add (or json is NULL). */
char *pipeline_json_extras(const pipeline *p, char *json);
/* pipeline_start for the commands whose output --backtest's replay
 * replaces (report, top): after the replay *replayed is true, p freed and
 * the exit code returned; otherwise as pipeline_start. */
int pipeline_start_or_replay(const fc_opts *o, pipeline *p, bool *replayed);
/* The live inventory of every region (--region, comma lists, repeatable;
 * --all-regions) of every account (--profile P1,P2; --role-arn) into inv,
 * each ENI stamped with run_time: what `enrich` writes and `--enrich-live`
 * prices with, one code path. `where` gets "us-east-1, eu-west-1". */
int pipeline_fetch_inventory(const fc_opts *o, inventory *inv, int64_t run_time, char *where, size_t wn,
                             char *err, size_t errlen);
/* --rates FILE, else the cache `rates --fetch` wrote, over the embedded
 * table. 0, or -1 with err. */
int pipeline_load_rates(const fc_opts *o, rate_table *t, char *err, size_t errlen);

#endif
