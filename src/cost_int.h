/* cost_int: what the cost model's own files share (cost.c, cost_learn.c,
 * cost_findings.c, cost_rank.c). Not a public contract: renderers include
 * cost.h only. */
#ifndef FC_COST_INT_H
#define FC_COST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cost.h"

/* Seconds in the "month" findings extrapolate to (cost-model.md §5). */
#define COST_MONTH_SECS (30.0 * 86400.0)
/* Hours in the month fixed costs are priced over (§5: 730 hours). */
#define COST_MONTH_HOURS 730.0

/* Fixed-size keys → dense indexes 0..n-1 (cost_kmap.c). */
typedef struct cost_kmap {
    uint64_t *slots;   /* hash << 32 | index + 1; 0 = empty (cost_kmap.c) */
    size_t cap, n, ksize;
    unsigned bits;     /* cap = 1 << bits */
    unsigned char *keys;
    size_t kcap;
} cost_kmap;

void cost_kmap_init(cost_kmap *m, size_t ksize);
void cost_kmap_free(cost_kmap *m);
/* Room for n keys without growing (a caller that knows its count). */
void cost_kmap_reserve(cost_kmap *m, size_t n);
/* Dense index of key, added when new (*created says so; may be NULL). */
size_t cost_kmap_get(cost_kmap *m, const void *key, bool *created);
/* The same with the key's hash given (cost_kmap_hash), and a hint to
 * fetch the slot a lookup of that hash starts at: a caller that knows its
 * next keys asks for their slots ahead. */
uint64_t cost_kmap_hash(const cost_kmap *m, const void *key);
size_t cost_kmap_get_hashed(cost_kmap *m, const void *key, uint64_t h, bool *created);
void cost_kmap_prefetch(const cost_kmap *m, uint64_t h);
/* Index of key, or -1. */
long cost_kmap_find(const cost_kmap *m, const void *key);
bool cost_kmap_has(const cost_kmap *m, const void *key);

typedef struct cost_ctx {
    const agg *a;
    inventory *inv;
    const lpm *ranges;
    const rate_table *rates;
    cost_options opt;
    const char *default_region;  /* interned in inv */
    double period_secs;
    double extrap_secs;          /* min(period, hours with records): monthly figures divide by it */
    cost_result *r;
    /* the port-scan candidates, read from the groups before pricing
     * (cost_findings_scans) so that the agg can go first */
    struct cost_scan *scans;
    size_t n_scans;
} cost_ctx;

/* Learn ENIs the inventory does not know from the records themselves
 * (cost-model.md §1): addresses from egress/ingress records, vpc/subnet/
 * instance/az from the v3+/v4+ fields, NAT gateways by translation.
 * Returns the number of ENIs learned. Leaves inv finalized. */
size_t cost_learn(inventory *inv, const agg *a, const char *default_region);

/* What pricing saw of guesses: per cost_guess, the bytes of the units that
 * rest on it and the category bytes those units were charged. */
typedef struct cost_guesses {
    uint64_t bytes[GUESS_COUNT];
    uint64_t cat_bytes[GUESS_COUNT][CAT_COUNT];
} cost_guesses;

/* data_quality's inventory, bounds and their notices (cost_quality.c). */
void cost_quality_build(cost_result *r, const inventory *inv, const cost_guesses *g);

/* The groups port-scan findings look at, into c->scans. */
void cost_findings_scans(cost_ctx *c);
/* Findings (§5) and savings_total_monthly_usd, from a priced result and
 * c->scans (taken). */
void cost_findings_build(cost_ctx *c);

/* Endpoint index of an address, COST_NONE when it is not an endpoint. */
uint32_t cost_ep_find(const cost_result *r, const ip128 *ip);

/* The endpoint's ENI when it is one, else NULL. */
static inline const inv_eni *cost_ep_eni(const cost_endpoint *e)
{
    return e->cls == EP_ENI ? e->eni : NULL;
}

/* A managed ENI (NAT, endpoint, LB, TGW...) never pays (§3). */
static inline bool cost_ep_is_workload(const cost_endpoint *e)
{
    return e->cls == EP_ENI && !eni_kind_is_managed(e->kind);
}

/* A flow through a NAT gateway (via is then the NAT's endpoint). */
static inline bool cost_flow_is_nat(const cost_flow *f)
{
    return f->via != COST_NONE && f->path == PATH_NAT;
}

/* NAT flows: which end is our client and which is the remote end. */
static inline uint32_t cost_flow_client(const cost_flow *f)
{
    return (f->flags & COST_FLOW_INBOUND) ? f->dst : f->src;
}
static inline uint32_t cost_flow_remote(const cost_flow *f)
{
    return (f->flags & COST_FLOW_INBOUND) ? f->src : f->dst;
}

/* An ingress REJECT record (security findings, §5). */
bool cost_rejected_ingress(const cost_ctx *c, const agg_group *g);

/* Index of a NAT endpoint in r->nats, or -1. */
long cost_nat_of_ep(const cost_result *r, uint32_t ep);

/* ---- Transit Gateway flow logs (issue 13; cost_tgw.c) ----
 * The transit_gateway data-processing charge from TGW flow-log records, per
 * attachment -> attachment (docs/cost-model.md, "Transit Gateway flow logs"):
 * a byte is charged once, when an attachment sends it INTO the TGW. A record
 * with flow-direction ingress at attachment A and tgw-pair-attachment-id B is
 * A -> B, paid by the sending VPC's account (tgw-src-vpc-account-id); the
 * egress record of the same bytes at B (direction egress, pair A) is the same
 * bytes leaving and is not charged again. A directed pair seen only through
 * egress records (a flow log on the receiving attachment alone) is charged
 * from those. Only OK records count; records without an attachment, a pair or
 * a direction are not priced (returned in *unpriced_bytes). */
typedef struct cost_tgw_rec {
    const char *attachment, *pair;          /* tgw-attachment-id, tgw-pair-attachment-id; NULL = '-' */
    const char *src_account, *dst_account;  /* tgw-src-vpc-account-id, tgw-dst-vpc-account-id */
    uint8_t direction;                      /* enum fl_dir */
    uint8_t status;                         /* enum fl_status */
    uint64_t bytes;
    const char *tgw, *src_vpc, *dst_vpc, *region; /* tgw-id, tgw-src-vpc-id, tgw-dst-vpc-id, region */
} cost_tgw_rec;

/* Rows sorted by from, then to; *rows is malloc'd (free it). */
void cost_tgw_chargeback(const cost_tgw_rec *recs, size_t n, double usd_per_gb, cost_tgw_row **rows,
                         size_t *nrows, uint64_t *unpriced_bytes);

/* Fill r->tgw, r->tgw_attachments and the tgw_* figures from a's TGW
 * table, each region's records at its rates (default_region for records
 * without one), and add them to the totals and the transit_gateway
 * category. Nothing happens without TGW records. */
void cost_tgw_build(cost_result *r, const agg *a, inventory *inv, const rate_table *rates, const char *default_region);
/* True when the TGW records cover this attachment (tgw-attach-...): its
 * transit_gateway charge comes from them, not from VPC records. */
bool cost_tgw_covers(const cost_result *r, const char *attachment);

#endif
