/* Unit tests of src/reconcile.c (issue 19): the gap reasons the ground-truth
 * scenario (tests/reconcile_test.sh) does not reach, the overall share's
 * per-category minimum, and --true-up keeping the sums of cost-model.md §4.
 *
 * One day (2026-11-26), us-east-1 rates of §3, every hour alike:
 *   i-c (eni-c, use1-az1) sends 1 GiB to i-d (eni-d, use1-az2): inter-AZ,
 *   seen at both ENIs; and 0.5 GiB to 198.51.100.9 through nat-A (eni-nat,
 *   use1-az1), seen at the NAT's ENI. So the day is
 *   nat-A 12 GiB ($0.54), i-c InterZone-Out 24 GiB, i-d InterZone-In 24 GiB
 *   (inter_az $0.48 for both halves).
 * The bill says: nat-A 10 GB, nat-Z 2 GB (a gateway the inventory does not
 * know), i-c InterZone-Out 24 GB, i-c InterZone-In 5 GB, and nothing for
 * i-d. Expected rows, by hand:
 *   nat-A 12/10 = 120%      flow_above_bill
 *   nat-Z 0/2 = 0%          not_seen_by_flow_logs (no ENI of it known)
 *   i-c Out 24/24 = 100%    no gap
 *   i-c In 0/5 = 0%         not_seen_by_flow_logs (eni-c logged every hour)
 *   i-d In 24/0             not_in_bill
 * Categories: nat_processing billed 12 GB $0.54, flow $0.54; inter_az
 * billed 29 GB $0.29, flow 48 GiB $0.48. Explained overall = (min(.54,.54)
 * + min(.48,.29)) / (.54 + .29) = 100% (the over-count does not hide
 * anything, and is not counted as more than the bill). */
#include <math.h>

#include "check.h"
#include "cost_fixture.h"
#include "cur.h"
#include "reconcile.h"

static void rec_h(agg *a, const char *eni, const char *src, const char *dst, const char *pdst, int dir, uint64_t bytes,
                  int h)
{
    agg_group g;
    memset(&g, 0, sizeof g);
    g.src = fx_ip(src);
    g.dst = fx_ip(dst);
    g.flags = AGG_HAS_SRC | AGG_HAS_DST;
    g.pkt_src = g.src;
    g.pkt_dst = fx_ip(pdst ? pdst : dst);
    g.flags |= AGG_HAS_PKT_SRC | AGG_HAS_PKT_DST;
    g.hour = T0 / 3600 + h;
    g.action = FL_ACCEPT;
    g.status = FL_OK;
    g.direction = (uint8_t)dir;
    g.packets = bytes / 1000;
    g.bytes = bytes;
    g.records = 1;
    g.min_start = T0 + 3600 * h;
    g.max_end = g.min_start + 60;
    agg_add(a, &g, eni, NULL, NULL);
}

static const char bill[] =
    "lineItem/UsageType,lineItem/Operation,lineItem/ResourceId,lineItem/UsageAmount,lineItem/UnblendedCost,"
    "lineItem/UsageStartDate,lineItem/UsageEndDate\n"
    "NatGateway-Bytes,NatGateway,nat-A,10,0.45,2026-11-26T00:00:00Z,2026-11-27T00:00:00Z\n"
    "NatGateway-Bytes,NatGateway,nat-Z,2,0.09,2026-11-26T00:00:00Z,2026-11-27T00:00:00Z\n"
    "DataTransfer-Regional-Bytes,InterZone-Out,i-c,24,0.24,2026-11-26T00:00:00Z,2026-11-27T00:00:00Z\n"
    "DataTransfer-Regional-Bytes,InterZone-In,i-c,5,0.05,2026-11-26T00:00:00Z,2026-11-27T00:00:00Z\n"
    /* the day after: outside the period, not counted */
    "NatGateway-Bytes,NatGateway,nat-A,99,4.455,2026-11-27T00:00:00Z,2026-11-28T00:00:00Z\n";

static const struct {
    const char *res;
    cur_class cls;
    double billed_gib, flow_gib, pct; /* pct < 0: null */
    recon_gap gap;
} rows[] = {
    {"nat-A", CUR_NAT_BYTES, 10, 12, 120, GAP_FLOW_ABOVE_BILL},
    {"nat-Z", CUR_NAT_BYTES, 2, 0, 0, GAP_NOT_SEEN},
    {"i-c", CUR_INTERZONE_OUT, 24, 24, 100, GAP_NONE},
    {"i-c", CUR_INTERZONE_IN, 5, 0, 0, GAP_NOT_SEEN},
    {"i-d", CUR_INTERZONE_IN, 0, 24, -1, GAP_NOT_BILLED},
};

int main(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    fx_eni(x.inv, "eni-nat", "10.0.0.10", ENI_NAT_GATEWAY, "use1-az1", "vpc-1", "subnet-a", "nat-A");
    inv_eni_get(x.inv, "eni-c")->instance_id = inv_intern(x.inv, "i-c");
    fx_eni(x.inv, "eni-c", "10.0.10.5", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-a", NULL);
    inv_eni_get(x.inv, "eni-d")->instance_id = inv_intern(x.inv, "i-d");
    fx_eni(x.inv, "eni-d", "10.0.20.5", ENI_WORKLOAD, "use1-az2", "vpc-1", "subnet-b", NULL);
    inv_finalize(x.inv);
    for (int h = 0; h < 24; h++) {
        rec_h(x.a, "eni-c", "10.0.10.5", "10.0.20.5", NULL, FL_EGRESS, GiB, h);
        rec_h(x.a, "eni-d", "10.0.10.5", "10.0.20.5", NULL, FL_INGRESS, GiB, h);
        rec_h(x.a, "eni-nat", "10.0.10.5", "10.0.0.10", "198.51.100.9", FL_INGRESS, GiB / 2, h);
        rec_h(x.a, "eni-nat", "10.0.0.10", "198.51.100.9", NULL, FL_EGRESS, GiB / 2, h);
    }
    fx_price(&x, "reconcile fixture");
    CHECK_NEAR(x.r->cat_usd[CAT_NAT_PROCESSING], 12 * 0.045, 1e-9);
    CHECK_NEAR(x.r->cat_usd[CAT_INTER_AZ], 24 * 0.02, 1e-9);

    char err[256] = "";
    cur *c = cur_new();
    CHECK(cur_read_mem(c, "bill.csv", bill, sizeof bill - 1, err, sizeof err) == 0);
    cost_options o;
    cost_options_default(&o);
    reconcile *rc = reconcile_run(c, x.a, x.inv, x.ranges, x.rates, &o, x.r, err, sizeof err);
    CHECK(rc != NULL);
    if (!rc) return check_done();
    CHECK(rc->n_rows == sizeof rows / sizeof *rows);
    for (size_t i = 0; i < rc->n_rows && i < sizeof rows / sizeof *rows; i++) {
        const recon_row *r = &rc->rows[i];
        CHECK_STR(r->resource_id, rows[i].res);
        CHECK(r->cls == rows[i].cls);
        CHECK(r->billed_bytes == (uint64_t)(rows[i].billed_gib * (double)GiB));
        CHECK(r->flow_bytes == (uint64_t)(rows[i].flow_gib * (double)GiB));
        if (rows[i].pct < 0) CHECK(isnan(r->explained_pct));
        else CHECK_NEAR(r->explained_pct, rows[i].pct, 1e-9);
        if (r->gap != rows[i].gap) fprintf(stderr, "row %zu: gap %s (%s)\n", i, recon_gap_name(r->gap), r->detail);
        CHECK(r->gap == rows[i].gap);
    }
    CHECK_STR(rc->rows[1].detail, "no ENI of nat-Z in the inventory or the logs");
    CHECK(rc->n_gaps == 4);
    CHECK_NEAR(rc->cats[CAT_NAT_PROCESSING].billed_usd, 0.54, 1e-9);
    CHECK_NEAR(rc->cats[CAT_NAT_PROCESSING].flow_usd, 0.54, 1e-9);
    CHECK_NEAR(rc->cats[CAT_INTER_AZ].billed_usd, 0.29, 1e-9);
    CHECK_NEAR(rc->cats[CAT_INTER_AZ].flow_usd, 0.48, 1e-9);
    CHECK(rc->cats[CAT_INTER_AZ].flow_bytes == 48 * GiB); /* both halves */
    CHECK(!rc->cats[CAT_INTERNET_EGRESS].present || rc->cats[CAT_INTERNET_EGRESS].billed_usd == 0);
    CHECK_NEAR(rc->billed_usd, 0.83, 1e-9);
    CHECK_NEAR(rc->explained_pct, 100.0 * (0.54 + 0.29) / 0.83, 1e-9);

    /* --true-up: inter_az x 0.29/0.48, nat_processing x 1; the sums hold */
    reconcile_true_up(x.r, rc);
    CHECK_NEAR(rc->cats[CAT_INTER_AZ].factor, 0.29 / 0.48, 1e-12);
    CHECK_NEAR(x.r->cat_usd[CAT_INTER_AZ], 0.29, 1e-9);
    CHECK_NEAR(x.r->cat_usd[CAT_NAT_PROCESSING], 0.54, 1e-9);
    fx_invariants(x.r, "after --true-up");
    CHECK(x.r->n_notices > 0 && strstr(x.r->notices[x.r->n_notices - 1], "inter_az x0.6042") != NULL);

    reconcile_free(rc);
    cur_free(c);
    fx_done(&x);
    return check_done();
}
