/* test_cost_worked_example: cost-model.md §6 to the cent, built through the
 * agg API as the parser would fill it, logged four ways:
 *   v5 at every ENI (NAT both legs with pkt-* fields, client, peer),
 *   v2 at every ENI (no pkt-*, no flow-direction: the NAT's private-leg
 *      destinations must come from the client's own records),
 *   v5 at the NAT ENI and the peer only (no client records),
 *   v5 at the client and peer only (NAT ENI unobserved: estimated).
 * All expected figures are the spec's hand arithmetic:
 *   nat_processing = (10+40+1+100) × 0.045 = 6.795
 *   internet_egress = 10 × 0.09 = 0.90
 *   inter_az = (10+40+1+100) × 0.02 + (2+2) × 0.02 = 3.02 + 0.08
 *   total = 10.795; 10.0.48.7 pays 10.755, 10.0.16.5 pays 0.04
 *   s3_dynamodb_via_nat = 101 × 0.065 × 30 = 196.95
 *   cross_az_nat = 3.02 × 30 = 90.60, extra 0.045 × 730 = 32.85, net 57.75
 *   savings_total = 136.35 + 90.60 − 32.85 = 194.10
 *   fixed: 24 NAT gateway hours × 0.045 = 1.08 */
#include "check.h"
#include "cost_fixture.h"

#define C_IP "10.0.48.7"
#define NAT_IP "10.0.0.10"
#define PEER_IP "10.0.16.5"
#define NET_IP "198.51.100.9"
#define S3_IP "52.216.8.1"

enum { NAT_ENI = 1, CLIENT = 2, PEER = 4 };

static inventory *example_inventory(void)
{
    inventory *inv = inv_new();
    fx_eni(inv, "eni-client", C_IP, ENI_WORKLOAD, "use1-az4", "vpc-1", "subnet-az4", NULL);
    fx_eni(inv, "eni-nat", NAT_IP, ENI_NAT_GATEWAY, "use1-az1", "vpc-1", "subnet-pub1", "nat-A");
    fx_eni(inv, "eni-peer", PEER_IP, ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-az1", NULL);
    inv_add_source(inv, INV_FROM_SNAPSHOT, T0);
    inv_finalize(inv);
    return inv;
}

/* v5: pkt-* and flow-direction present; v2: neither. */
static agg *example_traffic(int v5, unsigned logged)
{
    agg *a = agg_new();
    const int E = v5 ? FL_EGRESS : 0, I = v5 ? FL_INGRESS : 0;
#define P(x) (v5 ? (x) : NULL)
    if (logged & NAT_ENI) {
        /* Internet: private leg in, public leg out, and back. */
        fx_rec(a, "eni-nat", C_IP, NAT_IP, P(C_IP), P(NET_IP), I, 10 * GiB, FL_ACCEPT, 0);
        fx_rec(a, "eni-nat", NAT_IP, NET_IP, P(NAT_IP), P(NET_IP), E, 10 * GiB, FL_ACCEPT, 0);
        fx_rec(a, "eni-nat", NET_IP, NAT_IP, P(NET_IP), P(NAT_IP), I, 40 * GiB, FL_ACCEPT, 0);
        fx_rec(a, "eni-nat", NAT_IP, C_IP, P(NET_IP), P(C_IP), E, 40 * GiB, FL_ACCEPT, 0);
        /* S3 */
        fx_rec(a, "eni-nat", C_IP, NAT_IP, P(C_IP), P(S3_IP), I, 1 * GiB, FL_ACCEPT, 0);
        fx_rec(a, "eni-nat", NAT_IP, S3_IP, P(NAT_IP), P(S3_IP), E, 1 * GiB, FL_ACCEPT, 0);
        fx_rec(a, "eni-nat", S3_IP, NAT_IP, P(S3_IP), P(NAT_IP), I, 100 * GiB, FL_ACCEPT, 0);
        fx_rec(a, "eni-nat", NAT_IP, C_IP, P(S3_IP), P(C_IP), E, 100 * GiB, FL_ACCEPT, 0);
    }
    if (logged & CLIENT) {
        fx_rec(a, "eni-client", C_IP, NET_IP, P(C_IP), P(NET_IP), E, 10 * GiB, FL_ACCEPT, v5 ? 1 : 0);
        fx_rec(a, "eni-client", NET_IP, C_IP, P(NET_IP), P(C_IP), I, 40 * GiB, FL_ACCEPT, 0);
        fx_rec(a, "eni-client", C_IP, S3_IP, P(C_IP), P(S3_IP), E, 1 * GiB, FL_ACCEPT, v5 ? 1 : 0);
        fx_rec(a, "eni-client", S3_IP, C_IP, P(S3_IP), P(C_IP), I, 100 * GiB, FL_ACCEPT, 0);
        fx_rec(a, "eni-client", C_IP, PEER_IP, P(C_IP), P(PEER_IP), E, 2 * GiB, FL_ACCEPT, 0);
        fx_rec(a, "eni-client", PEER_IP, C_IP, P(PEER_IP), P(C_IP), I, 2 * GiB, FL_ACCEPT, 0);
    }
    if (logged & PEER) {
        fx_rec(a, "eni-peer", C_IP, PEER_IP, P(C_IP), P(PEER_IP), I, 2 * GiB, FL_ACCEPT, 0);
        fx_rec(a, "eni-peer", PEER_IP, C_IP, P(PEER_IP), P(C_IP), E, 2 * GiB, FL_ACCEPT, 0);
    }
#undef P
    return a;
}

static void check_example(int v5, unsigned logged, const char *what)
{
    fprintf(stderr, "-- %s\n", what);
    inventory *inv = example_inventory();
    agg *a = example_traffic(v5, logged);
    rate_table *rt = fx_rates();
    lpm *ranges = fx_ranges();
    cost_options o;
    cost_options_default(&o);
    char err[256] = "";
    cost_result *r = cost_run(a, inv, ranges, rt, &o, err, sizeof err);
    CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "%s: %s\n", what, err);
        return;
    }
    CHECK(r->period_end - r->period_start == DAY);
    CHECK_NEAR(r->cat_usd[CAT_NAT_PROCESSING], 6.795, 0.005);
    CHECK(r->cat_bytes[CAT_NAT_PROCESSING] == 151 * GiB);
    CHECK_NEAR(r->cat_usd[CAT_INTERNET_EGRESS], 0.90, 0.005);
    CHECK(r->cat_bytes[CAT_INTERNET_EGRESS] == 10 * GiB);
    CHECK_NEAR(r->cat_usd[CAT_INTER_AZ], 3.02 + 0.08, 0.005);
    CHECK(r->cat_bytes[CAT_INTER_AZ] == 155 * GiB); /* each crossing byte once */
    CHECK_NEAR(r->cat_usd[CAT_INTER_REGION] + r->cat_usd[CAT_REGIONAL_PUBLIC] +
                   r->cat_usd[CAT_INTERFACE_ENDPOINT] + r->cat_usd[CAT_TRANSIT_GATEWAY], 0, 1e-9);
    CHECK_NEAR(r->total_usd, 10.795, 0.005);
    CHECK_NEAR(fx_ip_usd(r, C_IP), 10.755, 0.005);
    CHECK_NEAR(fx_ip_usd(r, PEER_IP), 0.04, 0.005);
    CHECK_NEAR(fx_ip_usd(r, NAT_IP), 0, 1e-12);
    fx_invariants(r, what);

    /* The NAT gateway: what it processed, and its hours. */
    CHECK(r->n_nats == 1);
    if (r->n_nats == 1) {
        CHECK_STR(r->nats[0].id, "nat-A");
        CHECK(r->nats[0].bytes == 151 * GiB);
        CHECK(r->nats[0].bytes_out == 11 * GiB);
        CHECK(r->nats[0].bytes_in == 140 * GiB);
        CHECK_NEAR(r->nats[0].usd, 6.795, 0.005);
        CHECK(r->nats[0].estimated == !(logged & NAT_ENI));
    }
    CHECK(r->n_fixed == 1);
    if (r->n_fixed == 1) {
        CHECK_NEAR(r->fixed[0].hours, 24, 1e-9);
        CHECK_NEAR(r->fixed[0].usd, 1.08, 1e-9);
    }
    CHECK(r->estimated_bytes == ((logged & NAT_ENI) ? 0 : 151 * GiB));

    /* Each inter_az half is its own charge; the in-half counts no bytes
     * (cost.h), even when the client pays both (the NAT is managed). */
    size_t halves_out = 0, halves_in = 0;
    for (size_t i = 0; i < r->n_charges; i++) {
        const cost_charge *ch = &r->charges[i];
        if (ch->cat != CAT_INTER_AZ) continue;
        if (ch->bytes_counted == ch->bytes) halves_out++;
        else if (ch->bytes_counted == 0) halves_in++;
        else CHECK(!"an inter_az charge mixes halves");
    }
    CHECK(halves_out == halves_in && halves_out >= 2);

    /* Cross-AZ pairs, directional, both halves. */
    uint64_t az4_az1 = 0, az1_az4 = 0;
    double pairs_usd = 0;
    for (size_t i = 0; i < r->n_az_pairs; i++) {
        const cost_az_pair *p = &r->az_pairs[i];
        if (!strcmp(p->src_az, "use1-az4") && !strcmp(p->dst_az, "use1-az1")) az4_az1 += p->bytes;
        if (!strcmp(p->src_az, "use1-az1") && !strcmp(p->dst_az, "use1-az4")) az1_az4 += p->bytes;
        pairs_usd += p->usd;
    }
    CHECK(az4_az1 == (10 + 1 + 2) * GiB);
    CHECK(az1_az4 == (40 + 100 + 2) * GiB);
    CHECK_NEAR(pairs_usd, 3.10, 0.005);

    /* Findings. */
    const cost_finding *s3 = fx_finding(r, "s3_dynamodb_via_nat");
    CHECK(s3 != NULL);
    if (s3) {
        CHECK_STR(s3->service, "S3");
        CHECK_STR(s3->region, "us-east-1");
        CHECK_NEAR(s3->monthly_savings_usd, 196.95, 0.005);
        CHECK_NEAR(s3->extra_fixed_monthly_usd, 0, 1e-9);
        CHECK_NEAR(s3->net_monthly_savings_usd, 196.95, 0.005);
        CHECK(s3->n_evidence == 1);
        CHECK(s3->n_resources >= 1 && !strcmp(s3->resources[0], "nat-A"));
    }
    const cost_finding *cx = fx_finding(r, "cross_az_nat");
    CHECK(cx != NULL);
    if (cx) {
        CHECK_NEAR(cx->monthly_savings_usd, 90.60, 0.005);
        CHECK_NEAR(cx->extra_fixed_monthly_usd, 32.85, 0.005);
        CHECK_NEAR(cx->net_monthly_savings_usd, 57.75, 0.005);
    }
    CHECK(fx_finding(r, "cross_az_chatty_pair") == NULL); /* 2.40 a month < $10 */
    CHECK(fx_finding(r, "aws_service_via_nat") == NULL);
    CHECK_NEAR(r->savings_total_monthly_usd, 194.10, 0.005);
    /* Ordered by net saving. */
    CHECK(r->n_findings == 2 && !strcmp(r->findings[0].kind, "s3_dynamodb_via_nat"));
    CHECK_NEAR(r->monthly_run_rate_usd, 10.795 * 30, 0.01);

    /* top --by: the same dollars grouped other ways. */
    size_t n;
    cost_rank *rows = cost_rank_by(r, BY_IP, 0, &n);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(rows[0].key, C_IP);
        CHECK_NEAR(rows[0].usd, 10.755, 0.005);
        CHECK_STR(rows[0].eni, "eni-client");
        CHECK(rows[0].bytes == (151 + 2 + 2) * GiB); /* the traffic behind its cost, each flow once */
        CHECK_STR(rows[1].key, PEER_IP);
        CHECK(rows[1].bytes == (2 + 2) * GiB);
    }
    free(rows);
    rows = cost_rank_by(r, BY_PEER, 0, &n);
    double net = -1, s3usd = -1;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(rows[i].key, NET_IP)) net = rows[i].usd;
        if (!strcmp(rows[i].key, "S3 us-east-1")) {
            s3usd = rows[i].usd;
            CHECK(rows[i].bytes_out == 100 * GiB && rows[i].bytes_in == 1 * GiB); /* S3's view */
        }
    }
    /* Internet host: NAT 50 × 0.045 + inter-AZ 50 × 0.02 + egress 0.90 */
    CHECK_NEAR(net, 2.25 + 1.00 + 0.90, 0.005);
    CHECK_NEAR(s3usd, 101 * 0.065, 0.005);
    free(rows);
    rows = cost_rank_by(r, BY_NAT, 0, &n);
    CHECK(n == 1 && !strcmp(rows[0].key, "nat-A"));
    CHECK(n == 1 && rows[0].bytes == 151 * GiB);
    if (n == 1) CHECK_NEAR(rows[0].usd, 6.795 + 3.02 + 0.90, 0.005);
    free(rows);
    rows = cost_rank_by(r, BY_SUBNET, 1, &n);
    CHECK(n == 1 && !strcmp(rows[0].key, "subnet-az4"));
    free(rows);

    cost_result_free(r);
    lpm_free(ranges);
    rates_free(rt);
    agg_free(a);
    inv_free(inv);
}

int main(void)
{
    check_example(1, NAT_ENI | CLIENT | PEER, "v5, every ENI logged");
    check_example(0, NAT_ENI | CLIENT | PEER, "v2, every ENI logged");
    check_example(1, NAT_ENI | PEER, "v5, NAT ENI and peer only");
    check_example(1, CLIENT | PEER, "v5, NAT ENI unobserved (estimated)");
    check_example(0, CLIENT | PEER, "v2, NAT ENI unobserved (estimated)");
    return check_done();
}
