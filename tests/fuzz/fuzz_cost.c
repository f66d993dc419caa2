/* fuzz_cost: arbitrary flow-log text through the parser and the cost model,
 * with and without a small ENI inventory (a NAT gateway, an interface
 * endpoint, an ALB, an NLB, a TGW attachment and workloads in two AZs),
 * checking the invariants of cost-model.md §4 on whatever comes out: the
 * categories and the payers (plus the Transit Gateway flow-log rows, paid
 * by accounts) each add up to the total, every payer is one
 * of our ENIs (or an address holding $0 unknown_private bytes no rule could
 * give to an ENI), every charged byte is in some category, and nothing is
 * negative. The first byte picks the options
 * (snapshot or learned, --min-savings, --scan-threshold). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "agg.h"
#include "cost.h"
#include "ingest.h"
#include "inventory.h"
#include "lpm.h"
#include "rates.h"
#include "util.h"
#include "fuzz.h"

typedef struct src {
    const uint8_t *p;
    size_t n, pos;
} src;

static ssize_t rd(void *ctx, void *buf, size_t n)
{
    src *s = ctx;
    size_t k = s->n - s->pos;
    if (k > n) k = n;
    memcpy(buf, s->p + s->pos, k);
    s->pos += k;
    return (ssize_t)k;
}

static void quiet(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

static void eni(inventory *inv, const char *id, const char *ip, eni_kind k, const char *az)
{
    inv_eni *e = inv_eni_get(inv, id);
    ip128 a;
    if (ip_parse(ip, strlen(ip), &a) < 0) return;
    e->kind = k;
    e->az_id = inv_intern(inv, az);
    e->vpc_id = inv_intern(inv, "vpc-1");
    e->region = inv_intern(inv, "us-east-1");
    e->source = INV_FROM_SNAPSHOT;
    inv_eni_add_ip(inv, e, &a, ip_is_private(&a));
}

static void range(lpm *t, const char *cidr, const char *svc, const char *reg)
{
    ip128 net;
    unsigned bits;
    if (ip_parse_cidr(cidr, &net, &bits) == 0) lpm_add(t, &net, bits, svc, reg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t opt = data[0];
    data++;
    size--;
    ingest_opts o;
    ingest_opts_default(&o);
    o.threads = 1;
    o.warn = quiet;
    src s = {data, size, 0};
    agg *a = agg_new();
    char err[FC_ERRLEN];
    (void)ingest_stream(a, "fuzz", rd, &s, &o, err, sizeof err);

    inventory *inv = inv_new();
    if (opt & 1) {
        eni(inv, "eni-nat", "10.0.0.10", ENI_NAT_GATEWAY, "use1-az1");
        eni(inv, "eni-a", "10.0.10.5", ENI_WORKLOAD, "use1-az1");
        eni(inv, "eni-b", "10.0.20.5", ENI_WORKLOAD, "use1-az2");
        eni(inv, "eni-vpce", "10.0.10.100", ENI_VPC_ENDPOINT, "use1-az1");
        eni(inv, "eni-alb", "10.0.0.50", ENI_ALB, "use1-az1");
        eni(inv, "eni-nlb", "10.0.1.60", ENI_NLB, "use1-az2");
        eni(inv, "eni-tgw", "10.0.1.200", ENI_TRANSIT_GATEWAY, "use1-az2");
        inv_add_source(inv, INV_FROM_SNAPSHOT, 0);
    }
    inv_finalize(inv);
    lpm *t = lpm_new();
    range(t, "52.216.0.0/15", "S3", "us-east-1");
    range(t, "52.216.0.0/15", "AMAZON", "us-east-1");
    range(t, "3.218.0.0/16", "EC2", "us-east-1");
    range(t, "3.5.76.0/22", "S3", "us-west-2");
    range(t, "54.239.0.0/16", "AMAZON", "us-east-1");
    range(t, "13.32.0.0/15", "CLOUDFRONT", "GLOBAL");
    lpm_finalize(t);
    rate_table *rt = rates_new_default();
    cost_options co;
    cost_options_default(&co);
    co.min_savings = (opt & 2) ? 0 : 10;
    co.scan_threshold = (opt & 4) ? 2 : 20;
    cost_result *r = cost_run(a, inv, t, rt, &co, err, sizeof err);
    if (r) {
        double cats = 0, payers = 0, rank = 0;
        for (int c = 0; c < CAT_COUNT; c++) {
            if (r->cat_usd[c] < 0) __builtin_trap();
            cats += r->cat_usd[c];
        }
        for (size_t i = 0; i < r->n_eps; i++) payers += r->eps[i].usd;
        /* A payer is one of our ENIs, except for bytes no rule could give
         * to an ENI: they are unknown_private at $0 on an address. */
        for (size_t i = 0; i < r->n_charges; i++) {
            const cost_charge *ch = &r->charges[i];
            if (ch->payer >= r->n_eps) __builtin_trap();
            if (r->eps[ch->payer].cls != EP_ENI && (ch->cat != CAT_UNKNOWN_PRIVATE || ch->usd != 0))
                __builtin_trap();
        }
        /* No byte goes missing: every charged byte is in some category. */
        long double cat_bytes = 0;
        for (int c = 0; c < CAT_COUNT; c++) cat_bytes += r->cat_bytes[c];
        if (cat_bytes < (long double)r->total_bytes) __builtin_trap();
        if (r->unknown_private_bytes != r->cat_bytes[CAT_UNKNOWN_PRIVATE]) __builtin_trap();
        size_t n;
        cost_rank *rows = cost_rank_by(r, (cost_by)(opt >> 5) % 5, 0, &n);
        for (size_t i = 0; i < n; i++) rank += rows[i].usd;
        free(rows);
        double tol = 1e-6 * (1 + r->total_usd);
        /* Transit Gateway flow-log dollars are paid by accounts, not by an
         * IP (cost.h): the payers and the ranks add up to the rest */
        double tgw = 0;
        for (size_t i = 0; i < r->n_tgw; i++) tgw += r->tgw[i].usd;
        if (tgw < 0 || fabs(tgw - r->tgw_usd) > tol) __builtin_trap();
        if (fabs(cats - r->total_usd) > tol || fabs(payers + tgw - r->total_usd) > tol) __builtin_trap();
        if ((opt >> 5) % 5 != BY_NAT && fabs(rank + tgw - r->total_usd) > tol) __builtin_trap();
        cost_result_free(r);
    }
    rates_free(rt);
    lpm_free(t);
    inv_free(inv);
    agg_free(a);
    return 0;
}
