/* cost_fixture: helpers the cost model's unit tests share to build small
 * hand-written traffic — an inventory like an ENI snapshot would give, the
 * us-east-1 rates of cost-model.md §3 written out here (not read from the
 * embedded table, so the expected figures below stay hand-computed), and
 * flow groups added through the agg API exactly as the parser would. */
#ifndef FC_COST_FIXTURE_H
#define FC_COST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "cost.h"
#include "inventory.h"
#include "ip.h"
#include "lpm.h"
#include "rates.h"

#define GiB UINT64_C(1073741824)
#define T0 1795651200 /* 2026-11-26T00:00:00Z */
#define DAY 86400

static inline ip128 fx_ip(const char *s)
{
    ip128 ip;
    memset(&ip, 0, sizeof ip);
    if (ip_parse(s, strlen(s), &ip) < 0) {
        fprintf(stderr, "bad test address %s\n", s);
        exit(2);
    }
    return ip;
}

static inline rate_table *fx_rates(void)
{
    rate_table *t = rates_new_default();
    region_rates u;
    memset(&u, 0, sizeof u);
    snprintf(u.region, sizeof u.region, "us-east-1");
    u.nat_per_gb = 0.045;
    u.inter_az_per_gb = 0.01;
    u.internet_egress_per_gb = 0.09;
    u.inter_region_per_gb = 0.02;
    u.interface_endpoint_per_gb = 0.01;
    u.transit_gateway_per_gb = 0.02;
    u.regional_public_per_gb = 0.01;
    u.nat_per_hour = 0.045;
    u.interface_endpoint_per_az_hour = 0.01;
    rates_set(t, &u);
    region_rates w = u;
    snprintf(w.region, sizeof w.region, "us-west-2");
    rates_set(t, &w);
    return t;
}

/* A few ip-ranges entries, as ip-ranges.json would give them. */
static inline lpm *fx_ranges(void)
{
    lpm *t = lpm_new();
    static const struct { const char *cidr, *svc, *reg; } r[] = {
        {"52.216.0.0/15", "S3", "us-east-1"},
        {"52.216.0.0/15", "AMAZON", "us-east-1"},
        {"3.5.76.0/22", "S3", "us-west-2"},
        {"3.5.76.0/22", "AMAZON", "us-west-2"},
        {"3.218.0.0/16", "EC2", "us-east-1"},
        {"3.218.0.0/16", "AMAZON", "us-east-1"},
        {"52.94.0.0/22", "DYNAMODB", "us-east-1"},
        {"54.239.0.0/16", "AMAZON", "us-east-1"},
        {"13.32.0.0/15", "CLOUDFRONT", "GLOBAL"},
    };
    for (size_t i = 0; i < sizeof r / sizeof *r; i++) {
        ip128 net;
        unsigned bits;
        if (ip_parse_cidr(r[i].cidr, &net, &bits) < 0) exit(2);
        lpm_add(t, &net, bits, r[i].svc, r[i].reg);
    }
    lpm_finalize(t);
    return t;
}

static inline inv_eni *fx_eni(inventory *inv, const char *id, const char *ip, eni_kind kind,
                              const char *az, const char *vpc, const char *subnet, const char *resource)
{
    inv_eni *e = inv_eni_get(inv, id);
    ip128 a = fx_ip(ip);
    e->kind = kind;
    e->az_id = inv_intern(inv, az);
    e->vpc_id = inv_intern(inv, vpc);
    e->subnet_id = inv_intern(inv, subnet);
    e->region = inv_intern(inv, "us-east-1");
    e->resource_id = inv_intern(inv, resource);
    e->source = INV_FROM_SNAPSHOT;
    inv_eni_add_ip(inv, e, &a, ip_is_private(&a));
    if (subnet) {
        inv_subnet *s = inv_subnet_get(inv, subnet);
        s->az_id = e->az_id;
        s->vpc_id = e->vpc_id;
        s->region = e->region;
    }
    if (vpc) inv_vpc_get(inv, vpc)->region = e->region;
    return e;
}

static inline void fx_eni_public(inventory *inv, const char *id, const char *ip)
{
    inv_eni *e = inv_eni_get(inv, id);
    ip128 a = fx_ip(ip);
    inv_eni_add_ip(inv, e, &a, false);
}

/* One group: records seen at ENI `eni`. psrc/pdst NULL = field absent (v2);
 * dir 0 = no flow-direction. In clock hour `hour`, a day long: start T0,
 * end T0 + DAY. */
static inline void fx_rec_hour(agg *a, const char *eni, const char *src, const char *dst, const char *psrc,
                               const char *pdst, int dir, uint64_t bytes, int action, int tp, int32_t hour)
{
    agg_group g;
    memset(&g, 0, sizeof g);
    g.src = fx_ip(src);
    g.dst = fx_ip(dst);
    g.flags = AGG_HAS_SRC | AGG_HAS_DST;
    if (psrc) {
        g.pkt_src = fx_ip(psrc);
        g.flags |= AGG_HAS_PKT_SRC;
    }
    if (pdst) {
        g.pkt_dst = fx_ip(pdst);
        g.flags |= AGG_HAS_PKT_DST;
    }
    g.hour = hour;
    g.action = (uint8_t)action;
    g.status = FL_OK;
    g.direction = (uint8_t)dir;
    g.traffic_path = (uint8_t)tp;
    g.packets = bytes / 1000 + 1;
    g.bytes = bytes;
    g.records = 1;
    g.min_start = T0;
    g.max_end = T0 + DAY;
    agg_add(a, &g, eni, NULL, NULL);
}

/* fx_rec_hour in the hour of T0. */
static inline void fx_rec(agg *a, const char *eni, const char *src, const char *dst, const char *psrc,
                          const char *pdst, int dir, uint64_t bytes, int action, int tp)
{
    fx_rec_hour(a, eni, src, dst, psrc, pdst, dir, bytes, action, tp, T0 / 3600);
}

static inline double fx_ip_usd(const cost_result *r, const char *ip)
{
    ip128 a = fx_ip(ip);
    for (size_t i = 0; i < r->n_eps; i++)
        if (ip_eq(&r->eps[i].ip, &a)) return r->eps[i].usd;
    return -1;
}

static inline const cost_finding *fx_finding(const cost_result *r, const char *kind)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].kind, kind)) return &r->findings[i];
    return NULL;
}

static inline size_t fx_count_findings(const cost_result *r, const char *kind)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_findings; i++) n += !strcmp(r->findings[i].kind, kind);
    return n;
}

/* Invariants every result must hold (cost-model.md §4). */
/* The §4 sums: categories, payers, `top` rows and `--by peer` rows each add
 * up to the total; every charged byte is in some category (no byte goes
 * missing) and data_quality agrees with the category; a payer is an ENI of
 * ours unless the charge is $0 unknown_private (bytes no rule could give to
 * an ENI). With managed_never_pays, no managed ENI pays either (a load
 * balancer with no target seen is the documented exception, absent from
 * the planned fixtures; arbitrary records can leave a managed ENI with
 * nobody to pass a charge to). */
static inline void fx_check_sums(const cost_result *r, const char *what, bool managed_never_pays)
{
    double cats = 0, payers = 0, rank = 0, peers = 0;
    for (int c = 0; c < CAT_COUNT; c++) cats += r->cat_usd[c];
    for (size_t i = 0; i < r->n_eps; i++) payers += r->eps[i].usd;
    size_t n;
    cost_rank *rows = cost_rank_by(r, BY_IP, 0, &n);
    for (size_t i = 0; i < n; i++) rank += rows[i].usd;
    free(rows);
    rows = cost_rank_by(r, BY_PEER, 0, &n);
    for (size_t i = 0; i < n; i++) peers += rows[i].usd;
    free(rows);
    bool sums = fabs(cats - r->total_usd) < 0.005 && fabs(payers - r->total_usd) < 0.005 &&
                fabs(rank - r->total_usd) < 0.005 && fabs(peers - r->total_usd) < 0.005;
    bool payer_ok = true;
    for (size_t i = 0; i < r->n_charges; i++) {
        const cost_charge *ch = &r->charges[i];
        const cost_endpoint *p = &r->eps[ch->payer];
        if (p->cls != EP_ENI) {
            if (ch->cat != CAT_UNKNOWN_PRIVATE || ch->usd != 0) payer_ok = false;
        } else if (managed_never_pays && eni_kind_is_managed(p->kind)) {
            payer_ok = false;
        }
    }
    long double cat_bytes = 0;
    for (int c = 0; c < CAT_COUNT; c++) cat_bytes += r->cat_bytes[c];
    bool bytes_ok = cat_bytes >= (long double)r->total_bytes &&
                    r->unknown_private_bytes == r->cat_bytes[CAT_UNKNOWN_PRIVATE];
    CHECK(sums);
    CHECK(payer_ok);
    CHECK(bytes_ok);
    if (!sums || !payer_ok || !bytes_ok)
        fprintf(stderr, "%s: total %.6f categories %.6f payers %.6f rank %.6f peers %.6f%s; bytes %llu, in categories %.0Lf\n",
                what, r->total_usd, cats, payers, rank, peers, payer_ok ? "" : " (a payer is not ours)",
                (unsigned long long)r->total_bytes, cat_bytes);
}

static inline void fx_invariants(const cost_result *r, const char *what)
{
    fx_check_sums(r, what, true);
}

/* One priced run over a hand-built inventory and agg, with the invariants
 * checked; fx_done frees all of it. */
typedef struct fx_run {
    inventory *inv;
    agg *a;
    lpm *ranges;
    rate_table *rates;
    cost_result *r;
} fx_run;

static inline void fx_price(fx_run *x, const char *what)
{
    x->ranges = fx_ranges();
    x->rates = fx_rates();
    cost_options o;
    cost_options_default(&o);
    char err[256] = "";
    x->r = cost_run(x->a, x->inv, x->ranges, x->rates, &o, err, sizeof err);
    CHECK(x->r != NULL);
    if (x->r) fx_invariants(x->r, what);
}

static inline void fx_done(fx_run *x)
{
    cost_result_free(x->r);
    lpm_free(x->ranges);
    rates_free(x->rates);
    agg_free(x->a);
    inv_free(x->inv);
}

#endif
