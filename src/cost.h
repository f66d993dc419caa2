/* cost: the cost model of ../shared/spec/cost-model.md — classify every
 * address, de-duplicate hops, price them, attribute each charge to exactly
 * one payer, and derive the findings. Renderers (HTML, JSON, topology, mail)
 * read only the cost_result below; they never re-price.
 *
 * Ownership: cost_run() returns a cost_result that owns everything it points
 * to except the inventory/agg/lpm/rates passed in, which must outlive it.
 * Free with cost_result_free(). */
#ifndef FC_COST_H
#define FC_COST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "inventory.h"
#include "ip.h"
#include "lpm.h"
#include "rates.h"

typedef enum cost_cat {
    CAT_NAT_PROCESSING = 0,
    CAT_INTER_AZ,
    CAT_INTERNET_EGRESS,
    CAT_INTER_REGION,
    CAT_INTERFACE_ENDPOINT,
    CAT_TRANSIT_GATEWAY,
    CAT_REGIONAL_PUBLIC,
    CAT_FREE,
    CAT_UNKNOWN_PRIVATE,
    CAT_COUNT
} cost_cat;

const char *cost_cat_name(cost_cat c); /* "nat_processing", ... as in the spec */

#define COST_NONE UINT32_MAX

/* An endpoint: one distinct address, classified once (cost-model.md §1). */
typedef enum ep_class {
    EP_ENI = 0,         /* an address of an inventory ENI (workload or managed) */
    EP_UNKNOWN_PRIVATE, /* private, owned by nobody we know */
    EP_AWS,             /* AWS public range: service + region */
    EP_INTERNET
} ep_class;

typedef struct cost_endpoint {
    ip128 ip;
    ep_class cls;
    const inv_eni *eni;      /* EP_ENI only */
    eni_kind kind;           /* EP_ENI only; ENI_UNCLASSIFIED is treated as a workload */
    const char *service;     /* EP_AWS: "S3", "EC2", "AMAZON", "CLOUDFRONT", ... */
    const char *region;      /* EP_AWS: "us-east-1" or "GLOBAL"; EP_ENI: the ENI's region */
    /* Roll-ups (filled by cost_run): */
    double usd;              /* total it pays (payer view) */
    double cat_usd[CAT_COUNT];
    uint64_t bytes_out, bytes_in; /* bytes it sent / received over used hops */
    double peer_usd;         /* charges attributed to it as the far end (top --by peer) */
} cost_endpoint;

/* How a flow left its source (report §5 "path"). */
typedef enum cost_path {
    PATH_LOCAL = 0,  /* within the VPC */
    PATH_IGW,
    PATH_NAT,
    PATH_PEERING,
    PATH_ENDPOINT,   /* interface endpoint */
    PATH_TGW,
    PATH_LB,
    PATH_COUNT
} cost_path;
const char *cost_path_name(cost_path p);

typedef enum cost_dest {
    DEST_SAME_VPC = 0,
    DEST_INTERNET,
    DEST_AWS_SERVICE,   /* same region */
    DEST_OTHER_REGION,
    DEST_OTHER_VPC,
    DEST_UNKNOWN_PRIVATE,
    DEST_COUNT
} cost_dest;
const char *cost_dest_name(cost_dest d);

#define COST_FLOW_ESTIMATED 0x01 /* NAT inferred from client records (§2) */
#define COST_FLOW_INBOUND 0x02   /* src is outside (Internet/AWS) and dst is ours */

/* One de-duplicated end-to-end flow: src sends `bytes` to dst, possibly
 * through a managed ENI (`via`: the NAT gateway, endpoint, LB or TGW ENI
 * endpoint). Summed over all hours. Each flow's charges are in `charges`.
 * As built by cost_run: `via` is set for NAT flows (path PATH_NAT: src →
 * dst is client → remote, or remote → client with COST_FLOW_INBOUND) and
 * for bytes sent into a TGW attachment (PATH_TGW); interface endpoint and
 * load balancer ENIs are the flow's own src or dst. `dest` is the class of
 * the far end seen from our side (the remote end of an inbound flow). */
typedef struct cost_flow {
    uint32_t src, dst, via;        /* endpoint indexes; via may be COST_NONE */
    uint8_t path;                  /* cost_path */
    uint8_t dest;                  /* cost_dest, from src's point of view */
    uint8_t flags;                 /* COST_FLOW_* */
    uint64_t bytes, packets, records;
    double usd;                    /* sum of its charges */
    double cat_usd[CAT_COUNT];
    uint64_t cat_bytes[CAT_COUNT]; /* bytes counted once per hop, per category */
} cost_flow;

/* One charge: exactly one payer (a workload endpoint). For inter_az each
 * half is its own charge; the in-half has bytes_counted = 0 so category byte
 * totals count each crossing byte once. */
typedef struct cost_charge {
    uint32_t flow;       /* index into flows */
    uint32_t payer;      /* endpoint index (never a managed ENI) */
    uint32_t peer;       /* the far end for `top --by peer` */
    uint8_t cat;         /* cost_cat */
    uint64_t bytes;      /* bytes this charge prices */
    uint64_t bytes_counted; /* bytes it contributes to totals.by_category */
    double usd;
} cost_charge;

typedef struct cost_hour {
    int32_t hour;        /* hours since the epoch */
    double cat_usd[CAT_COUNT];
    uint64_t bytes;      /* accepted bytes seen in that hour (used hops) */
    uint64_t rejected;   /* REJECT records */
    uint64_t skipdata;   /* SKIPDATA records */
} cost_hour;

typedef struct cost_nat {
    const char *id;      /* nat-... (or the ENI id when the gateway id is unknown) */
    uint32_t ep;         /* endpoint index of its private address, COST_NONE if not seen */
    const char *eni_id, *az_id, *vpc_id, *subnet_id, *name;
    uint64_t bytes;      /* processed, both directions */
    uint64_t bytes_out, bytes_in; /* client → destination, destination → client */
    double usd;          /* its nat_processing only */
    bool estimated;      /* seen only through client records */
} cost_nat;

typedef struct cost_az_pair {
    const char *src_az, *dst_az; /* AZ IDs */
    uint64_t bytes;
    double usd;                  /* both halves */
} cost_az_pair;

typedef struct cost_fixed {
    const char *kind;    /* "nat_gateway_hours" */
    const char *id;
    double hours, usd;
} cost_fixed;

typedef struct cost_evidence {
    char *label;         /* e.g. "10.0.48.7 → nat-A → S3 us-east-1" */
    uint64_t bytes;
    double usd;          /* in the period */
} cost_evidence;

typedef struct cost_finding {
    const char *kind;    /* s3_dynamodb_via_nat, cross_az_nat, aws_service_via_nat,
                            cross_az_chatty_pair, rejected_sources, port_scan */
    char *title;
    char *change;        /* the concrete change to make, one sentence */
    char **resources;
    size_t n_resources;
    const char *service, *region; /* when relevant, else NULL */
    double period_usd;   /* cost in the period that the change removes */
    double monthly_savings_usd, extra_fixed_monthly_usd, net_monthly_savings_usd;
    cost_evidence *evidence;
    size_t n_evidence;
} cost_finding;

/* The transit_gateway charge from Transit Gateway flow-log records
 * (cost_tgw.c, docs/cost-model.md "Transit Gateway flow logs"): the bytes
 * an attachment sent into the TGW towards another, charged once. */
typedef struct cost_tgw_row {
    const char *from, *to;  /* the attachment the bytes went in by, and out by */
    const char *payer;      /* the sending VPC's account (tgw-src-vpc-account-id), NULL when not logged */
    uint64_t bytes;
    double usd;
    /* first value the records give, NULL when none does */
    const char *tgw, *from_vpc, *to_vpc, *to_account, *region;
} cost_tgw_row;

typedef struct cost_tgw_account {
    const char *account;    /* a payer of cost_tgw_row; NULL = not logged */
    uint64_t bytes;
    double usd;
} cost_tgw_account;

typedef struct cost_reject_source {
    ip128 src;
    uint64_t records;
    uint16_t ports[10];  /* most-targeted destination ports, by count then port */
    size_t n_ports;
} cost_reject_source;

/* Why a figure rests on a guess (cost-model.md §4, "Figures built on
 * guesses say so"): what was learned rather than known. */
typedef enum cost_guess {
    GUESS_AZ_UNKNOWN = 0,    /* a private hop between our ENIs with an AZ unknown */
    GUESS_KIND_UNKNOWN,      /* private traffic touching an ENI of unknown kind */
    GUESS_NAT_PATH_UNKNOWN,  /* public traffic that may have gone through a NAT gateway */
    GUESS_NAT_UNRECOGNISED,  /* no pkt-* fields: a NAT gateway's ENI looks like a workload */
    GUESS_NAT_ESTIMATED,     /* NAT traffic charged to a gateway whose ENI is not in the input */
    GUESS_OWNER_UNKNOWN,     /* no rule gave either address to an ENI of ours */
    GUESS_COUNT
} cost_guess;
const char *cost_guess_name(cost_guess g); /* "az_unknown", "kind_unknown", ... */

/* One category that is a lower bound (lower) or an estimate that may be
 * off either way (!lower), and the bytes whose category was guessed. */
typedef struct cost_bound {
    uint8_t cat;         /* cost_cat */
    uint8_t reason;      /* cost_guess */
    bool lower;
    uint64_t bytes;
} cost_bound;

typedef struct cost_options {
    int64_t since, until;     /* 0 = unbounded; else the period is that window */
    double min_savings;       /* default 10 */
    unsigned scan_threshold;  /* default 20 */
    const char *default_region; /* region for ENIs with none (default us-east-1) */
    /* 1: one thread; otherwise passes over the groups that do not depend
     * on each other run two at a time (the result is the same either way) */
    int threads;
} cost_options;

void cost_options_default(cost_options *o);

/* Which clock hours of a period have records (cli.md `coverage`): a gap
 * makes a monthly extrapolation from the period's length too low, so the
 * run-rate and the findings extrapolate from the hours that have data. */
typedef struct cost_coverage {
    uint64_t hours;               /* clock hours [start, end) touches; 1 for a zero-length period with records */
    uint64_t hours_with_records;  /* of those, the hours in which at least one record starts */
    /* of those, the hours some record's [start, end) overlaps: what the
     * gappy notice and the extrapolation use, so that a record lasting a day
     * (re-aggregated or synthetic data) is not taken for one hour of data;
     * AWS's 1- or 10-minute records add at most the next hour */
    uint64_t hours_covered;
    int64_t first_record;         /* earliest start of any record; 0 when none */
    int64_t last_record;          /* latest end of any record; 0 when none */
} cost_coverage;

/* Coverage of a's records over the period [start, end) (cost_result's
 * period_start/period_end, or the records' own span when both are 0). */
void cost_coverage_of(const agg *a, int64_t start, int64_t end, cost_coverage *out);

/* Share of hours with records below which the figures are called gappy. */
#define COST_COVERAGE_MIN 0.9

typedef struct cost_result {
    agg_stats records;            /* copied from the agg */
    int64_t period_start, period_end;
    double period_hours;

    cost_endpoint *eps;  size_t n_eps;   /* sorted by ip */
    cost_flow *flows;    size_t n_flows;
    cost_charge *charges; size_t n_charges;
    cost_hour *hours;    size_t n_hours; /* ascending */
    cost_nat *nats;      size_t n_nats;  /* by id */
    cost_az_pair *az_pairs; size_t n_az_pairs; /* by bytes desc, then ids */
    cost_fixed *fixed;   size_t n_fixed;
    cost_finding *findings; size_t n_findings; /* by net savings desc, then kind/title */
    cost_reject_source *reject_sources; size_t n_reject_sources;
    /* Transit Gateway flow logs, by from then to; empty without TGW
     * records. Their usd and bytes are in total_usd, total_bytes and the
     * transit_gateway category (not in any payer IP's row: the payer is an
     * account); tgw_unpriced_bytes are OK records without an attachment,
     * a pair or a direction. */
    cost_tgw_row *tgw; size_t n_tgw;
    const char **tgw_attachments; size_t n_tgw_attachments; /* every from/to, sorted, distinct */
    cost_tgw_account *tgw_accounts; size_t n_tgw_accounts;   /* by usd desc, then account */
    uint64_t tgw_bytes, tgw_unpriced_bytes;
    double tgw_usd;

    uint64_t total_bytes;          /* bytes of all used hops (free included) */
    double total_usd;
    uint64_t cat_bytes[CAT_COUNT];
    double cat_usd[CAT_COUNT];
    double savings_total_monthly_usd;
    double monthly_run_rate_usd;   /* total × 30 days / the hours extrapolated from */
    cost_coverage coverage;
    /* What monthly figures extrapolate from: the period's length, or the
     * hours with records when fewer (docs/cost-model.md "Gaps"). */
    double extrapolated_hours;

    /* Data quality (report §11). */
    uint64_t unknown_private_bytes;
    size_t n_unknown_private;      /* distinct unknown private peers */
    uint64_t estimated_bytes;      /* NAT traffic inferred from client records */
    bool kinds_learned_only;       /* no snapshot: managed kinds other than NAT unknown */
    const char *inventory;         /* "snapshot", "learned" (no snapshot) or "mixed" */
    cost_bound *bounds; size_t n_bounds; /* by reason, then category; empty when nothing is guessed */
    const char *rates_source;      /* "embedded" or the --rates file */
    const char *ipranges_version;  /* syncToken */
    const char *ipranges_created;  /* createDate */
    const char *ipranges_source;   /* "bundled", "cache PATH" or "file PATH" (set by the caller; NULL = not said) */
    const inventory *inv;          /* the one cost_run priced with: subnet and VPC names */

    /* Warnings about the figures themselves (coverage gaps, extrapolation,
     * estimates, lower bounds): one plain-text sentence each, no trailing
     * full stop. Every renderer shows every notice (stderr even with -q, the
     * report's summary, top's table footer, the mail's first lines), so a
     * figure built on a guess can never be shown without its caveat. */
    char **notices;   size_t n_notices;
} cost_result;

/* Append one notice (printf-style) to r->notices. */
void cost_notice(cost_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Price the aggregated records. inv may be extended with what the records
 * reveal (learned ENIs). Returns NULL and fills err on failure. */
cost_result *cost_run(const agg *a, inventory *inv, const lpm *ranges,
                      const rate_table *rates, const cost_options *opt,
                      char *err, size_t errlen);
/* cost_run for a caller that needs the agg no more: *a is freed (and set
 * to NULL) once the model has read its groups, before pricing, so that the
 * groups and the priced flows never take memory at the same time. The
 * result points to nothing of the agg's. *a is freed on failure too. */
cost_result *cost_run_owned(agg **a, inventory *inv, const lpm *ranges, const rate_table *rates,
                            const cost_options *opt, char *err, size_t errlen);
void cost_result_free(cost_result *r);

/* Ranking for `top` and the report: group charges by payer IP, peer, ENI,
 * subnet, NAT gateway, the payer's AZ ID, VPC or account, or the far end's
 * service. Rows sorted by usd desc, then key. limit 0 = all. */
typedef enum cost_by { BY_IP = 0, BY_PEER, BY_ENI, BY_SUBNET, BY_NAT, BY_AZ, BY_VPC, BY_ACCOUNT, BY_SERVICE } cost_by;
int cost_by_parse(const char *s, cost_by *out);
const char *cost_by_name(cost_by by); /* "ip", "peer", ... */

typedef struct cost_rank {
    char key[64];              /* IP text, ENI/subnet/NAT/VPC id, AZ ID, account, "S3 us-east-1", "Internet" */
    uint32_t ep;               /* representative endpoint (BY_IP/BY_PEER), else COST_NONE */
    const char *name, *eni, *kind, *subnet, *vpc, *az;
    double usd;
    double cat_usd[CAT_COUNT];
    uint64_t bytes;            /* bytes of the flows it is charged for, each flow once
                                  (its share when a load balancer's egress is split) */
    uint64_t bytes_out, bytes_in;
} cost_rank;

/* Returns a malloc'd array of *n rows (caller frees with free()). */
cost_rank *cost_rank_by(const cost_result *r, cost_by by, size_t limit, size_t *n);
/* `top --by tag:KEY`: KEY ("team" of "tag:team"), or NULL when `by` is not
 * of that form. */
const char *cost_by_tag_key(const char *by);
/* Rows keyed by the payer ENI's value of tag `tag` ("(untagged)" without
 * one, "(empty)" for ""); they add up to totals.cost_usd. As cost_rank_by. */
cost_rank *cost_rank_by_tag(const cost_result *r, const char *tag, size_t limit, size_t *n);

/* The display name of a workload, everywhere one is shown (tables, Sankey
 * labels, findings, mail): the ENI's Name tag, else its instance or
 * resource (nat-…, vpce-…), else its description, else its id (see
 * inv_finalize); NULL when the endpoint is not one of our ENIs. */
const char *cost_ep_name(const cost_result *r, uint32_t i);
/* "orders-api-1 (10.0.16.21)", "S3 us-east-1", "10.9.9.9 (unknown
 * private)" or an Internet address; "?" for COST_NONE. */
void cost_ep_label(const cost_result *r, uint32_t i, char *buf, size_t n);
/* A NAT gateway as shown: "name (nat-…)" when it has a Name tag, else its id. */
void cost_nat_label(const cost_nat *nt, char *buf, size_t n);

#endif
