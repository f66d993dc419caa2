/* test_cost_reuse: an address reused by two ENIs is priced, record by
 * record, as the ENI that held it at the record's time (docs/snapshot.md,
 * "Reused addresses"), not as whoever holds it now.
 *
 * vpc-1's subnet 10.0.1.0/24 was in use1-az1 and held by eni-a (seen from
 * T0-10d to T0-5d); the subnet was then deleted and re-created in use1-az2,
 * where eni-b got the same 10.0.1.5 (seen from T0-1d to T0+10d). The peer
 * eni-p (10.0.3.7) is in use1-az1 throughout. Rates: cost-model.md §3,
 * us-east-1, inter_az 0.01/GB out + 0.01/GB in. */
#include "check.h"
#include "cost_fixture.h"

/* One egress/ingress group seen at `eni` at time t (min_start = t, or only
 * the hour when `hour_only`: the group's time is then its hour's start). */
static void rec_at(agg *a, const char *eni, const char *src, const char *dst, int dir, uint64_t bytes,
                   int64_t t, bool hour_only)
{
    agg_group g;
    memset(&g, 0, sizeof g);
    g.src = fx_ip(src);
    g.dst = fx_ip(dst);
    g.flags = AGG_HAS_SRC | AGG_HAS_DST;
    g.hour = (int32_t)(t / 3600);
    g.action = FL_ACCEPT;
    g.status = FL_OK;
    g.direction = (uint8_t)dir;
    g.packets = bytes / 1000 + 1;
    g.bytes = bytes;
    g.records = 1;
    g.min_start = hour_only ? 0 : t;
    g.max_end = hour_only ? 0 : t + 60;
    agg_add(a, &g, eni, NULL, NULL);
}

/* The endpoint of `ip` held by ENI `id`, or NULL. */
static const cost_endpoint *ep_held_by(const cost_result *r, const char *ip, const char *id)
{
    ip128 a = fx_ip(ip);
    for (size_t i = 0; i < r->n_eps; i++)
        if (ip_eq(&r->eps[i].ip, &a) && r->eps[i].eni && !strcmp(r->eps[i].eni->id, id)) return &r->eps[i];
    return NULL;
}

static void reused_address(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    inv_eni *a = fx_eni(x.inv, "eni-a", "10.0.1.5", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-old", NULL);
    inv_eni *b = fx_eni(x.inv, "eni-b", "10.0.1.5", ENI_WORKLOAD, "use1-az2", "vpc-1", "subnet-new", NULL);
    inv_eni *p = fx_eni(x.inv, "eni-p", "10.0.3.7", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-p", NULL);
    a->first_seen = T0 - 10 * DAY;
    a->last_seen = T0 - 5 * DAY;
    b->first_seen = T0 - 1 * DAY;
    b->last_seen = T0 + 10 * DAY;
    p->first_seen = T0 - 10 * DAY;
    p->last_seen = T0 + 10 * DAY;
    inv_finalize(x.inv);
    /* r1, T0-7d, inside eni-a's span: 10.0.1.5 (eni-a, az1) → eni-p (az1), 2 GiB, same AZ: free.
     * r2, T0, inside eni-b's span: 10.0.1.5 (eni-b, az2) → eni-p (az1), 3 GiB: inter_az,
     *     3 × 0.01 = $0.03 paid by eni-b (out) and 3 × 0.01 = $0.03 by eni-p (in).
     * r3, T0-6d given by its hour only, between the spans: the holder last seen before
     *     (eni-a): eni-p → 10.0.1.5, 1 GiB, az1 → az1: free.
     * Total 0.06. Resolved to today's holder (eni-b, az2) for all three, it would be
     * (2 + 3 + 1) × 0.02 = $0.12. */
    rec_at(x.a, "eni-a", "10.0.1.5", "10.0.3.7", FL_EGRESS, 2 * GiB, T0 - 7 * DAY, false);
    rec_at(x.a, "eni-b", "10.0.1.5", "10.0.3.7", FL_EGRESS, 3 * GiB, T0, false);
    rec_at(x.a, "eni-p", "10.0.3.7", "10.0.1.5", FL_EGRESS, 1 * GiB, T0 - 6 * DAY + 1800, true);
    fx_price(&x, "reused address");
    const cost_result *r = x.r;
    CHECK_NEAR(r->total_usd, 0.06, 1e-9);
    CHECK_NEAR(r->cat_usd[CAT_INTER_AZ], 0.06, 1e-9);
    static const struct {
        const char *ip, *eni;
        double usd;
        uint64_t out, in;
    } want[] = {
        {"10.0.1.5", "eni-a", 0.00, 2 * GiB, 1 * GiB},
        {"10.0.1.5", "eni-b", 0.03, 3 * GiB, 0},
        {"10.0.3.7", "eni-p", 0.03, 1 * GiB, 5 * GiB},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const cost_endpoint *e = ep_held_by(r, want[i].ip, want[i].eni);
        CHECK(e != NULL);
        if (!e) continue;
        CHECK_NEAR(e->usd, want[i].usd, 1e-9);
        CHECK(e->bytes_out == want[i].out);
        CHECK(e->bytes_in == want[i].in);
    }
    /* `top` (by ip): one row per holder of 10.0.1.5, eni-b's paying its $0.03. */
    size_t n;
    cost_rank *rows = cost_rank_by(r, BY_IP, 0, &n);
    size_t n_reused = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].key, "10.0.1.5")) continue;
        n_reused++;
        CHECK(rows[i].eni && (!strcmp(rows[i].eni, "eni-a") || !strcmp(rows[i].eni, "eni-b")));
        if (rows[i].eni && !strcmp(rows[i].eni, "eni-b")) CHECK_NEAR(rows[i].usd, 0.03, 1e-9);
    }
    CHECK(n_reused == 2);
    free(rows);
    /* One AZ pair: az2 → az1, the 3 GiB of r2 at 0.02/GB. */
    CHECK(r->n_az_pairs == 1);
    if (r->n_az_pairs == 1) {
        CHECK_STR(r->az_pairs[0].src_az, "use1-az2");
        CHECK_STR(r->az_pairs[0].dst_az, "use1-az1");
        CHECK_NEAR(r->az_pairs[0].usd, 0.06, 1e-9);
    }
    fx_done(&x);
}

/* No reuse: one endpoint per address, as before (the common path). */
static void no_reuse(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    fx_eni(x.inv, "eni-b", "10.0.1.5", ENI_WORKLOAD, "use1-az2", "vpc-1", "subnet-new", NULL);
    fx_eni(x.inv, "eni-p", "10.0.3.7", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-p", NULL);
    inv_finalize(x.inv);
    ip128 ip = fx_ip("10.0.1.5");
    CHECK(!inv_ip_shared(x.inv, &ip));
    rec_at(x.a, "eni-b", "10.0.1.5", "10.0.3.7", FL_EGRESS, 2 * GiB, T0 - 7 * DAY, false);
    rec_at(x.a, "eni-b", "10.0.1.5", "10.0.3.7", FL_EGRESS, 3 * GiB, T0, false);
    fx_price(&x, "no reuse");
    /* (2 + 3) GiB az2 → az1 at 0.02/GB = $0.10; two endpoints. */
    CHECK_NEAR(x.r->total_usd, 0.10, 1e-9);
    CHECK(x.r->n_eps == 2);
    fx_done(&x);
}

/* A port scan's target is named as whoever held the address in that hour:
 * 20 rejected ports (the default threshold) on 10.0.1.5 at T0-7d, seen at
 * eni-a, are "20 ports on etl-old (10.0.1.5)", not on today's api-new. */
static void scan_target_named_then(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    inv_eni *a = fx_eni(x.inv, "eni-a", "10.0.1.5", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-old", NULL);
    inv_eni *b = fx_eni(x.inv, "eni-b", "10.0.1.5", ENI_WORKLOAD, "use1-az2", "vpc-1", "subnet-new", NULL);
    a->name = inv_intern(x.inv, "etl-old");
    b->name = inv_intern(x.inv, "api-new");
    a->first_seen = T0 - 10 * DAY;
    a->last_seen = T0 - 5 * DAY;
    b->first_seen = T0 - 1 * DAY;
    b->last_seen = T0 + 10 * DAY;
    inv_finalize(x.inv);
    for (int port = 1000; port < 1020; port++) {
        agg_group g;
        memset(&g, 0, sizeof g);
        g.src = fx_ip("198.51.100.7");
        g.dst = fx_ip("10.0.1.5");
        g.flags = AGG_HAS_SRC | AGG_HAS_DST;
        g.hour = (int32_t)((T0 - 7 * DAY) / 3600);
        g.action = FL_REJECT;
        g.status = FL_OK;
        g.direction = FL_INGRESS;
        g.dstport = (uint16_t)port;
        g.protocol = 6;
        g.packets = g.records = 1;
        g.bytes = 60;
        g.min_start = T0 - 7 * DAY;
        g.max_end = T0 - 7 * DAY + 60;
        agg_add(x.a, &g, "eni-a", NULL, NULL);
    }
    fx_price(&x, "scan of a reused address");
    const cost_finding *f = fx_finding(x.r, "port_scan");
    CHECK(f != NULL);
    bool named = false;
    for (size_t i = 0; f && i < f->n_evidence; i++)
        named |= strstr(f->evidence[i].label, "20 ports on etl-old (10.0.1.5)") != NULL;
    CHECK(named);
    if (f && !named)
        for (size_t i = 0; i < f->n_evidence; i++) fprintf(stderr, "evidence: %s\n", f->evidence[i].label);
    fx_done(&x);
}

int main(void)
{
    reused_address();
    scan_target_named_then();
    no_reuse();
    return check_done();
}
