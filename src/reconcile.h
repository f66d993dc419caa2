/* reconcile: how much of the bill the flow logs explain (--cur). The
 * network line items of a Cost and Usage Report (src/cur.h) are set beside
 * flowcost's own figures for the same period: per category (billed GB and $
 * against the cost model's), and per resource-day for the line items that
 * name a resource flowcost can price on its own — a NAT gateway's
 * NatGateway-Bytes, an instance's InterZone-Out / InterZone-In — with the
 * most likely reason for every gap of 1% or more (docs/reconciliation.md).
 *
 * Resource-days are priced by running the cost model over each day's
 * records alone (same inventory, ip-ranges and rates), so a day's figure is
 * exactly what the model says of that day, not a share of the period.
 *
 * Ownership: a reconcile owns its rows; strings in them point into the cur
 * and the inventory, which must outlive it. */
#ifndef FC_RECONCILE_H
#define FC_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "cost.h"
#include "cur.h"

/* A gap's most likely reason, in the order they are tried. */
typedef enum recon_gap {
    GAP_NONE = 0,
    GAP_ENI_WITHOUT_FLOW_LOG, /* an ENI of the resource (inventory) has no record at all */
    GAP_SKIPDATA,             /* SKIPDATA records on its ENIs that day */
    GAP_HOURS_MISSING,        /* hours of the day in which none of its ENIs has a record */
    GAP_NOT_SEEN,             /* traffic flow logs never see (or nothing above explains it) */
    GAP_FLOW_ABOVE_BILL,      /* flowcost counts more than was billed */
    GAP_NOT_BILLED,           /* priced from the logs, absent from the report */
    GAP_COUNT
} recon_gap;
const char *recon_gap_name(recon_gap g); /* "eni_without_flow_log", "skipdata", ... */

/* Share of the billed figure under which (or over which, past 100%) a row
 * is a gap: 1%. */
#define RECON_GAP_PCT 1.0

typedef struct recon_cat {
    bool present;             /* billed or priced in the period */
    uint64_t billed_bytes, flow_bytes; /* 1 GB = 2^30 bytes both sides */
    double billed_usd, flow_usd;
    double explained_pct;     /* flow_usd / billed_usd (bytes when nothing cost); NAN when nothing billed */
    double factor;            /* --true-up: what the category was scaled by; 1 when not */
} recon_cat;

typedef struct recon_row {
    const char *resource_id;  /* nat-…, i-… */
    const char *usage_type, *operation; /* as billed; the cost model's kind when not billed */
    cur_class cls;            /* CUR_NAT_BYTES, CUR_INTERZONE_OUT or CUR_INTERZONE_IN */
    int64_t day;              /* 00:00 UTC of the day */
    uint64_t billed_bytes, flow_bytes;
    double billed_usd, flow_usd;
    double explained_pct;     /* NAN when nothing billed */
    recon_gap gap;
    char detail[128];         /* what made the reason likely: "eni-0abc has no record", "1 of 24 hours without records" */
} recon_row;

typedef struct reconcile {
    recon_cat cats[CAT_COUNT];
    recon_row *rows;          /* by day, class, resource */
    size_t n_rows, n_gaps;
    double billed_usd;        /* over the categories reconciled */
    double explained_usd;     /* sum over categories of min(flow, billed) */
    double explained_pct;     /* explained_usd / billed_usd; NAN when nothing billed */
    size_t files, lines;      /* report files read, network line items in the period */
    uint64_t items;           /* every line item read */
    bool trued_up;
} reconcile;

/* Reconcile r (priced from a with inv/ranges/rates/opt) with the report c.
 * inv may grow (the per-day runs learn as the main run did). NULL with err
 * when a day cannot be priced. */
reconcile *reconcile_run(const cur *c, const agg *a, inventory *inv, const lpm *ranges, const rate_table *rates,
                         const cost_options *opt, const cost_result *r, char *err, size_t errlen);
void reconcile_free(reconcile *rc);

/* --true-up: scale every charge of each category that was billed and
 * priced so the category adds up to the billed dollars (per IP, flow, NAT
 * gateway, AZ pair, hour and the totals; findings keep their own figures),
 * and add a notice saying so. */
void reconcile_true_up(cost_result *r, reconcile *rc);

/* The one-line verdict, "explained 97.8% of $2,731.40 billed (…)", as a
 * notice of r: stderr, the report's summary, top's footer and the mail's
 * first lines all show it. */
void reconcile_notice(cost_result *r, const reconcile *rc);

#endif
