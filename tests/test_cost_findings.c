/* test_cost_findings: the findings of cost-model.md §5 not covered by the
 * worked example, the inventory learned from records (§1), and edge cases.
 * Traffic is one day long (monthly = day × 30); figures by hand. */
#include <math.h>

#include "check.h"
#include "cost_fixture.h"

static lpm *g_ranges;
static rate_table *g_rates;

static cost_result *run(agg *a, inventory *inv, const cost_options *o)
{
    cost_options d;
    cost_options_default(&d);
    char err[256] = "";
    cost_result *r = cost_run(a, inv, g_ranges, g_rates, o ? o : &d, err, sizeof err);
    if (!r) fprintf(stderr, "cost_run: %s\n", err);
    CHECK(r != NULL);
    return r;
}

static inventory *nat_vpc(void)
{
    inventory *inv = inv_new();
    fx_eni(inv, "eni-nat", "10.0.0.10", ENI_NAT_GATEWAY, "use1-az1", "vpc-1", "subnet-pub1", "nat-1");
    fx_eni(inv, "eni-c1", "10.0.10.5", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-1", NULL);
    fx_eni(inv, "eni-c2", "10.0.20.5", ENI_WORKLOAD, "use1-az2", "vpc-1", "subnet-2", NULL);
    inv_add_source(inv, INV_FROM_SNAPSHOT, T0);
    inv_finalize(inv);
    return inv;
}

/* NAT private legs only (v5): client → remote `out` bytes, back `in`. */
static void nat_flow(agg *a, const char *client, const char *remote, uint64_t out, uint64_t in)
{
    fx_rec(a, "eni-nat", client, "10.0.0.10", client, remote, FL_INGRESS, out, FL_ACCEPT, 0);
    fx_rec(a, "eni-nat", "10.0.0.10", client, remote, client, FL_EGRESS, in, FL_ACCEPT, 1);
}

/* CloudWatch-like AMAZON range via the NAT from two AZs, and DynamoDB. */
static void aws_service_and_dynamodb(void)
{
    inventory *inv = nat_vpc();
    agg *a = agg_new();
    nat_flow(a, "10.0.10.5", "54.239.1.1", 10 * GiB, 0);  /* az1: same AZ as the NAT */
    nat_flow(a, "10.0.20.5", "54.239.9.9", 10 * GiB, 0);  /* az2: cross-AZ */
    nat_flow(a, "10.0.10.5", "52.94.0.5", 0, 10 * GiB);   /* DynamoDB download */
    cost_result *r = run(a, inv, NULL);
    if (!r) return;
    fx_invariants(r, "aws_service");
    /* nat: 30 GiB × 0.045 = 1.35; inter_az: 10 × 0.02 = 0.20 */
    CHECK_NEAR(r->cat_usd[CAT_NAT_PROCESSING], 1.35, 1e-9);
    CHECK_NEAR(r->cat_usd[CAT_INTER_AZ], 0.20, 1e-9);
    const cost_finding *f = fx_finding(r, "aws_service_via_nat");
    CHECK(f != NULL);
    if (f) {
        CHECK_STR(f->service, "AMAZON");
        CHECK_STR(f->region, "us-east-1");
        /* 20 GiB × (0.045 − 0.01) + the 0.20 inter-AZ = 0.90 a day → 27.00 */
        CHECK_NEAR(f->monthly_savings_usd, 27.00, 0.005);
        /* an endpoint in az1 and az2: 2 × 0.01 × 730 = 14.60 */
        CHECK_NEAR(f->extra_fixed_monthly_usd, 14.60, 0.005);
        CHECK_NEAR(f->net_monthly_savings_usd, 12.40, 0.005);
        bool prefix = false, nat = false;
        for (size_t i = 0; i < f->n_resources; i++) {
            prefix |= !strcmp(f->resources[i], "54.239.0.0/16");
            nat |= !strcmp(f->resources[i], "nat-1");
        }
        CHECK(prefix && nat);
        CHECK(f->n_evidence == 2);
    }
    const cost_finding *d = fx_finding(r, "s3_dynamodb_via_nat");
    CHECK(d != NULL);
    if (d) {
        CHECK_STR(d->service, "DYNAMODB");
        CHECK_NEAR(d->monthly_savings_usd, 10 * 0.045 * 30, 0.005); /* 13.50 */
    }
    /* cross_az_nat: 0.20 × 30 = 6.00 − 32.85 < 10: not reported */
    CHECK(fx_finding(r, "cross_az_nat") == NULL);
    CHECK_NEAR(r->savings_total_monthly_usd, 12.40 + 13.50, 0.005);
    CHECK(r->n_findings == 2 && !strcmp(r->findings[0].kind, "s3_dynamodb_via_nat"));
    cost_result_free(r);
    agg_free(a);
    inv_free(inv);
}

/* Twelve cross-AZ workload pairs, pair i exchanging 10 × (i+1) GiB each
 * way: monthly 2 × 10(i+1) × 0.02 × 30 = 12 × (i+1); all pass $10, only
 * the ten costliest (i = 2..11) are reported. */
static void chatty_pairs(void)
{
    inventory *inv = inv_new();
    agg *a = agg_new();
    for (int i = 0; i < 12; i++) {
        char e1[16], e2[16], ip1[16], ip2[16];
        snprintf(e1, sizeof e1, "eni-a%02d", i);
        snprintf(e2, sizeof e2, "eni-b%02d", i);
        snprintf(ip1, sizeof ip1, "10.0.1.%d", 10 + i);
        snprintf(ip2, sizeof ip2, "10.0.2.%d", 10 + i);
        fx_eni(inv, e1, ip1, ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-1", NULL);
        fx_eni(inv, e2, ip2, ENI_WORKLOAD, "use1-az2", "vpc-1", "subnet-2", NULL);
        uint64_t b = 10 * GiB * (uint64_t)(i + 1);
        fx_rec(a, e1, ip1, ip2, NULL, NULL, 0, b, FL_ACCEPT, 0); /* v2: direction from the address */
        fx_rec(a, e2, ip1, ip2, NULL, NULL, 0, b, FL_ACCEPT, 0); /* duplicate at the receiver */
        fx_rec(a, e2, ip2, ip1, NULL, NULL, 0, b, FL_ACCEPT, 0);
    }
    inv_add_source(inv, INV_FROM_SNAPSHOT, T0);
    inv_finalize(inv);
    cost_result *r = run(a, inv, NULL);
    if (!r) return;
    fx_invariants(r, "chatty");
    CHECK(fx_count_findings(r, "cross_az_chatty_pair") == 10);
    CHECK(r->n_findings == 10);
    if (r->n_findings == 10) {
        CHECK_NEAR(r->findings[0].monthly_savings_usd, 144.00, 0.005);
        CHECK_NEAR(r->findings[9].monthly_savings_usd, 36.00, 0.005);
    }
    CHECK_NEAR(r->savings_total_monthly_usd, 12.0 * (3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12), 0.005);
    /* Each side pays its own halves: pair 0 is 20 GiB × 0.01 each way. */
    CHECK_NEAR(fx_ip_usd(r, "10.0.1.10"), 0.20, 1e-9);
    CHECK_NEAR(fx_ip_usd(r, "10.0.2.10"), 0.20, 1e-9);
    cost_result_free(r);
    agg_free(a);
    inv_free(inv);
}

/* The display-name rule (Name tag, else instance/resource, else id, with
 * the address beside it) in finding titles, changes and evidence; a NAT
 * gateway is its Name tag or its nat- id, never its ENI's description.
 * orders-api-1 (10.0.10.5, az1, Name tag) and i-0abc (10.0.20.5, az2, no
 * tag) exchange 40 GiB each way: 2 × 40 × 0.02 = $1.60 a day, $48.00 a
 * month. i-0abc also sends 10 GiB to S3 (52.216.1.1) through nat-1 (az1,
 * untagged): 10 × 0.045 + 10 × 0.02 cross-AZ to the NAT = $0.65 a day,
 * $19.50 a month; nat-2 (az2) is
 * tagged prod-nat-b and moves 10 GiB of 10.0.20.5's DynamoDB traffic. */
static void display_names(void)
{
    inventory *inv = inv_new();
    inv_eni *n1 = fx_eni(inv, "eni-nat", "10.0.0.10", ENI_NAT_GATEWAY, "use1-az1", "vpc-1", "subnet-pub1", "nat-1");
    n1->description = inv_intern(inv, "Interface for NAT Gateway nat-1");
    inv_eni *n2 = fx_eni(inv, "eni-nat2", "10.0.0.20", ENI_NAT_GATEWAY, "use1-az2", "vpc-1", "subnet-pub2", "nat-2");
    n2->description = inv_intern(inv, "Interface for NAT Gateway nat-2");
    n2->name = inv_intern(inv, "prod-nat-b");
    fx_eni(inv, "eni-c1", "10.0.10.5", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-1", NULL)->name =
        inv_intern(inv, "orders-api-1");
    fx_eni(inv, "eni-c2", "10.0.20.5", ENI_WORKLOAD, "use1-az2", "vpc-1", "subnet-2", NULL)->instance_id =
        inv_intern(inv, "i-0abc");
    inv_add_source(inv, INV_FROM_SNAPSHOT, T0);
    inv_finalize(inv);
    agg *a = agg_new();
    uint64_t b = 40 * GiB;
    fx_rec(a, "eni-c1", "10.0.10.5", "10.0.20.5", NULL, NULL, 0, b, FL_ACCEPT, 0);
    fx_rec(a, "eni-c2", "10.0.20.5", "10.0.10.5", NULL, NULL, 0, b, FL_ACCEPT, 0);
    fx_rec(a, "eni-nat", "10.0.20.5", "10.0.0.10", "10.0.20.5", "52.216.1.1", FL_INGRESS, 10 * GiB, FL_ACCEPT, 0);
    fx_rec(a, "eni-nat2", "10.0.20.5", "10.0.0.20", "10.0.20.5", "52.94.0.5", FL_INGRESS, 10 * GiB, FL_ACCEPT, 0);
    cost_result *r = run(a, inv, NULL);
    if (!r) return;
    fx_invariants(r, "names");
    CHECK(r->n_nats == 2);
    if (r->n_nats == 2) {
        CHECK_STR(r->nats[0].name, "nat-1");
        CHECK_STR(r->nats[1].name, "prod-nat-b");
    }
    const cost_finding *f = fx_finding(r, "cross_az_chatty_pair");
    CHECK(f != NULL);
    if (f) {
        CHECK_NEAR(f->monthly_savings_usd, 48.00, 0.005);
        CHECK_STR(f->title, "Cross-AZ traffic between orders-api-1 (10.0.10.5, use1-az1) and i-0abc (10.0.20.5, use1-az2)");
        CHECK_STR(f->change, "Place orders-api-1 (10.0.10.5) and i-0abc (10.0.20.5) in the same AZ, or prefer "
                             "same-AZ endpoints between them");
        /* resources stay machine identifiers */
        CHECK(f->n_resources == 2 && !strcmp(f->resources[0], "10.0.10.5"));
        bool ab = false, ba = false;
        for (size_t i = 0; i < f->n_evidence; i++) {
            ab |= !strcmp(f->evidence[i].label, "orders-api-1 (10.0.10.5) → i-0abc (10.0.20.5)");
            ba |= !strcmp(f->evidence[i].label, "i-0abc (10.0.20.5) → orders-api-1 (10.0.10.5)");
        }
        CHECK(ab && ba);
    }
    bool s3 = false, ddb = false;
    for (size_t i = 0; i < r->n_findings; i++) {
        const cost_finding *g = &r->findings[i];
        if (strcmp(g->kind, "s3_dynamodb_via_nat") || g->n_evidence != 1) continue;
        if (!strcmp(g->service, "S3")) {
            s3 = true;
            CHECK_NEAR(g->monthly_savings_usd, 19.50, 0.005);
            CHECK_STR(g->title, "S3 traffic through NAT gateway nat-1");
            CHECK_STR(g->evidence[0].label, "i-0abc (10.0.20.5, use1-az2) → nat-1 (use1-az1) → S3 us-east-1");
        } else {
            ddb = true;
            CHECK_STR(g->title, "DynamoDB traffic through NAT gateway prod-nat-b (nat-2)");
            CHECK_STR(g->evidence[0].label,
                      "i-0abc (10.0.20.5, use1-az2) → prod-nat-b (nat-2) (use1-az2) → DYNAMODB us-east-1");
        }
    }
    CHECK(s3 && ddb);
    char lab[128];
    cost_ep_label(r, COST_NONE, lab, sizeof lab);
    CHECK_STR(lab, "?");
    cost_result_free(r);
    agg_free(a);
    inv_free(inv);
}

/* top --by az|vpc|account|service on a small hand-priced day. eni-c1
 * (az1, vpc-1, account 111111111111 from the snapshot) sends 10 GiB to the
 * Internet (0.09 → $0.90); eni-c2 (az2, vpc-1, no account in the snapshot,
 * 222222222222 in its records' account-id) sends 10 GiB to eni-c1 across
 * AZs (0.01 each side: $0.10 + $0.10) and 10 GiB to S3 through nat-1 in az1
 * (NAT processing 0.045 + both inter-AZ halves to the NAT 0.02, all c2's:
 * 10 × 0.065 = $0.65).
 * Rows of each key add up to the total $1.75. */
static void rank_keys(void)
{
    inventory *inv = nat_vpc();
    inv_eni_get(inv, "eni-c1")->account = inv_intern(inv, "111111111111");
    agg *a = agg_new();
    fx_eni_public(inv, "eni-c1", "54.1.1.1");
    fx_rec(a, "eni-c1", "10.0.10.5", "198.51.100.9", NULL, NULL, FL_EGRESS, 10 * GiB, FL_ACCEPT, 0);
    fx_rec(a, "eni-c2", "10.0.20.5", "10.0.10.5", NULL, NULL, FL_EGRESS, 10 * GiB, FL_ACCEPT, 0);
    fx_rec(a, "eni-nat", "10.0.20.5", "10.0.0.10", "10.0.20.5", "52.216.1.1", FL_INGRESS, 10 * GiB, FL_ACCEPT, 0);
    agg_note_eni(a, "eni-c2", NULL, NULL, NULL, NULL, "222222222222", NULL);
    cost_result *r = run(a, inv, NULL);
    if (!r) return;
    fx_invariants(r, "rank_keys");
    CHECK_NEAR(r->total_usd, 0.90 + 0.20 + 0.65, 1e-9);
    static const struct {
        cost_by by;
        const char *key;
        double usd;
    } want[] = {
        {BY_AZ, "use1-az1", 0.90 + 0.10},          /* c1: egress, its in-half */
        {BY_AZ, "use1-az2", 0.10 + 0.65},          /* c2: its out-half, the NAT leg */
        {BY_VPC, "vpc-1", 1.75},
        {BY_ACCOUNT, "111111111111", 1.00},
        {BY_ACCOUNT, "222222222222", 0.75},        /* from the records */
        {BY_SERVICE, "Internet", 0.90},
        {BY_SERVICE, "same VPC", 0.20},
        {BY_SERVICE, "S3 us-east-1", 0.65},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        size_t n;
        cost_rank *rows = cost_rank_by(r, want[i].by, 0, &n);
        double sum = 0, got = -1;
        for (size_t k = 0; k < n; k++) {
            sum += rows[k].usd;
            if (!strcmp(rows[k].key, want[i].key)) got = rows[k].usd;
        }
        if (fabs(got - want[i].usd) > 1e-9) fprintf(stderr, "--by %s %s\n", cost_by_name(want[i].by), want[i].key);
        CHECK_NEAR(got, want[i].usd, 1e-9);
        CHECK_NEAR(sum, r->total_usd, 1e-9);
        free(rows);
    }
    cost_result_free(r);
    agg_free(a);
    inv_free(inv);
}

static void reject(agg *a, const char *eni, const char *src, const char *dst, uint16_t port, int hour)
{
    agg_group g;
    memset(&g, 0, sizeof g);
    g.src = fx_ip(src);
    g.dst = fx_ip(dst);
    g.flags = AGG_HAS_SRC | AGG_HAS_DST;
    g.hour = T0 / 3600 + hour;
    g.action = FL_REJECT;
    g.status = FL_OK;
    g.dstport = port;
    g.protocol = 6;
    g.packets = 1;
    g.bytes = 44;
    g.records = 1;
    g.min_start = T0 + hour * 3600;
    g.max_end = g.min_start + 60;
    agg_add(a, &g, eni, NULL, NULL);
}

/* Port 22 on 20 hosts in one hour is a scan; 443 on 25 hosts is not
 * (443 is not counted); 22 on 19 hosts spread over two hours is not. */
static void port_scan_hosts(void)
{
    inventory *inv = inv_new();
    agg *a = agg_new();
    for (int i = 0; i < 25; i++) {
        char dst[16], eni[16];
        snprintf(dst, sizeof dst, "10.0.30.%d", i + 1);
        snprintf(eni, sizeof eni, "eni-h%02d", i + 1);
        if (i < 20) reject(a, eni, "198.51.100.66", dst, 22, 0);
        reject(a, eni, "198.51.100.67", dst, 443, 0);
        if (i < 19) reject(a, eni, "198.51.100.68", dst, 22, i % 2);
    }
    cost_result *r = run(a, inv, NULL);
    if (!r) return;
    CHECK(fx_count_findings(r, "port_scan") == 1);
    const cost_finding *f = fx_finding(r, "port_scan");
    if (f) {
        CHECK(!strcmp(f->resources[0], "198.51.100.66"));
        CHECK(f->n_evidence == 1 && strstr(f->evidence[0].label, "port 22 on 20 hosts"));
    }
    CHECK(r->n_reject_sources == 3);
    if (r->n_reject_sources == 3) {
        char ip[IP_STRLEN];
        ip_format(&r->reject_sources[0].src, ip, sizeof ip);
        CHECK_STR(ip, "198.51.100.67"); /* 25 records */
        CHECK(r->reject_sources[0].n_ports == 1 && r->reject_sources[0].ports[0] == 443);
    }
    CHECK_NEAR(r->total_usd, 0, 1e-12);
    cost_result_free(r);
    agg_free(a);
    inv_free(inv);
}

/* No snapshot: ENIs learned from the records. */
static void learned(void)
{
    inventory *inv = inv_new();
    agg *a = agg_new();
    /* v2 at eni-v2: 10.0.5.5 is in every record, so it is the ENI's. */
    fx_rec(a, "eni-v2", "10.0.5.5", "10.0.6.6", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_rec(a, "eni-v2", "10.0.7.7", "10.0.5.5", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_rec(a, "eni-v2", "10.0.5.5", "10.0.8.8", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    /* An EKS node: pkt-srcaddr is a pod address, private: not a NAT. */
    fx_rec(a, "eni-node", "10.0.9.9", "10.0.6.6", "10.0.9.100", "10.0.6.6", FL_EGRESS, GiB, FL_ACCEPT, 0);
    /* A NAT gateway: translation to a public address. */
    fx_rec(a, "eni-nat", "10.0.10.5", "10.0.0.10", "10.0.10.5", "198.51.100.9", FL_INGRESS, GiB, FL_ACCEPT, 0);
    fx_rec(a, "eni-nat", "10.0.0.10", "198.51.100.9", "10.0.0.10", "198.51.100.9", FL_EGRESS, GiB, FL_ACCEPT, 0);
    agg_note_eni(a, "eni-nat", "vpc-1", "subnet-pub", NULL, "use1-az1", "123456789012", "us-east-1");
    agg_note_eni(a, "eni-node", "vpc-1", "subnet-2", "i-node", "use1-az2", "123456789012", "us-east-1");
    cost_result *r = run(a, inv, NULL);
    if (!r) return;
    CHECK(r->kinds_learned_only);
    ip128 x = fx_ip("10.0.5.5");
    const inv_eni *e = inv_by_ip(inv, &x);
    CHECK(e && !strcmp(e->id, "eni-v2") && e->kind == ENI_UNCLASSIFIED && e->n_ips == 1);
    e = inv_by_id(inv, "eni-node");
    CHECK(e && e->kind == ENI_UNCLASSIFIED && e->az_id && !strcmp(e->az_id, "use1-az2"));
    CHECK(e && e->instance_id && !strcmp(e->instance_id, "i-node"));
    e = inv_by_id(inv, "eni-nat");
    CHECK(e && e->kind == ENI_NAT_GATEWAY && e->az_id && !strcmp(e->az_id, "use1-az1"));
    x = fx_ip("10.0.0.10");
    CHECK(e && inv_by_ip(inv, &x) == e);
    CHECK(r->n_nats == 1 && !strcmp(r->nats[0].id, "eni-nat"));
    CHECK_NEAR(r->cat_usd[CAT_NAT_PROCESSING], 0.045, 1e-9);
    CHECK_NEAR(r->cat_usd[CAT_INTERNET_EGRESS], 0.09, 1e-9);
    cost_result_free(r);
    agg_free(a);
    inv_free(inv);
}

/* A client with a public IP of its own that still sends through the NAT
 * gateway (its route says so): v2 logs at the NAT ENI (both legs) and at
 * the client. The client's record of the same 2 GiB is not charged again:
 * nat 2 × 0.045 + egress 2 × 0.09 = 0.27, not 0.45. */
static void public_ip_client_via_nat(void)
{
    inventory *inv = nat_vpc();
    fx_eni_public(inv, "eni-c1", "54.1.2.3");
    inv_finalize(inv);
    agg *a = agg_new();
    fx_rec(a, "eni-nat", "10.0.10.5", "10.0.0.10", NULL, NULL, 0, 2 * GiB, FL_ACCEPT, 0);
    fx_rec(a, "eni-nat", "10.0.0.10", "198.51.100.9", NULL, NULL, 0, 2 * GiB, FL_ACCEPT, 0);
    fx_rec(a, "eni-c1", "10.0.10.5", "198.51.100.9", NULL, NULL, 0, 2 * GiB, FL_ACCEPT, 0);
    cost_result *r = run(a, inv, NULL);
    if (r) {
        CHECK_NEAR(r->cat_usd[CAT_NAT_PROCESSING], 0.09, 1e-9);
        CHECK_NEAR(r->cat_usd[CAT_INTERNET_EGRESS], 0.18, 1e-9);
        CHECK_NEAR(r->total_usd, 0.27, 1e-9);
        fx_invariants(r, "public-ip client via NAT");
    }
    cost_result_free(r);
    agg_free(a);
    inv_free(inv);
}

/* A workload sends 3 GiB to a spoke (10.50.0.5, nobody's in the
 * inventory) through a transit gateway attachment ENI in its VPC and gets
 * 1 GiB back; logged at the workload and at the attachment. The 3 GiB in
 * are transit_gateway (3 × 0.02 = 0.06, the sender); the way back is free. */
static void transit_gateway(void)
{
    inventory *inv = inv_new();
    fx_eni(inv, "eni-w", "10.0.10.5", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-1", NULL);
    fx_eni(inv, "eni-tgw", "10.0.10.200", ENI_TRANSIT_GATEWAY, "use1-az2", "vpc-1", "subnet-2", "tgw-attach-1");
    inv_add_source(inv, INV_FROM_SNAPSHOT, T0);
    inv_finalize(inv);
    agg *a = agg_new();
    fx_rec(a, "eni-w", "10.0.10.5", "10.50.0.5", NULL, NULL, 0, 3 * GiB, FL_ACCEPT, 0);
    fx_rec(a, "eni-tgw", "10.0.10.5", "10.50.0.5", NULL, NULL, 0, 3 * GiB, FL_ACCEPT, 0);
    fx_rec(a, "eni-tgw", "10.50.0.5", "10.0.10.5", NULL, NULL, 0, 1 * GiB, FL_ACCEPT, 0);
    fx_rec(a, "eni-w", "10.50.0.5", "10.0.10.5", NULL, NULL, 0, 1 * GiB, FL_ACCEPT, 0);
    cost_result *r = run(a, inv, NULL);
    if (r) {
        CHECK_NEAR(r->cat_usd[CAT_TRANSIT_GATEWAY], 0.06, 1e-9);
        CHECK(r->cat_bytes[CAT_TRANSIT_GATEWAY] == 3 * GiB);
        CHECK_NEAR(r->total_usd, 0.06, 1e-9);
        CHECK(r->total_bytes == 4 * GiB);
        CHECK_NEAR(fx_ip_usd(r, "10.0.10.5"), 0.06, 1e-9);
        bool tgw_path = false;
        for (size_t i = 0; i < r->n_flows; i++) tgw_path |= r->flows[i].path == PATH_TGW;
        CHECK(tgw_path);
        size_t n;
        cost_rank *rows = cost_rank_by(r, BY_NAT, 0, &n);
        CHECK(n == 0);
        free(rows);
        fx_invariants(r, "tgw");
    }
    cost_result_free(r);
    agg_free(a);
    inv_free(inv);
}

static void edges(void)
{
    /* Nothing at all. */
    inventory *inv = inv_new();
    agg *a = agg_new();
    cost_result *r = run(a, inv, NULL);
    CHECK(r && r->total_usd == 0 && r->n_findings == 0 && r->n_eps == 0 && r->n_charges == 0);
    size_t n = 1;
    cost_rank *rows = cost_rank_by(r, BY_IP, 0, &n);
    CHECK(n == 0);
    free(rows);
    cost_result_free(r);
    agg_free(a);
    inv_free(inv);

    /* NODATA / SKIPDATA only: counted, no cost; --since/--until fix the period. */
    inv = inv_new();
    a = agg_new();
    agg_group g;
    memset(&g, 0, sizeof g);
    g.hour = T0 / 3600;
    g.status = FL_SKIPDATA;
    g.records = 2;
    g.min_start = T0;
    g.max_end = T0 + 600;
    agg_add(a, &g, "eni-q", NULL, NULL);
    g.status = FL_NODATA;
    g.records = 1;
    agg_add(a, &g, "eni-q", NULL, NULL);
    /* IPv6 traffic to the Internet from a learned ENI. */
    fx_rec(a, "eni-6", "2600:1f18::5", "2001:db8::9", NULL, NULL, FL_EGRESS, GiB, FL_ACCEPT, 0);
    cost_options o;
    cost_options_default(&o);
    o.since = T0;
    o.until = T0 + 2 * DAY;
    r = run(a, inv, &o);
    if (r) {
        CHECK(r->period_start == T0 && r->period_end == T0 + 2 * DAY);
        CHECK_NEAR(r->period_hours, 48, 1e-9);
        uint64_t skipped = 0;
        for (size_t i = 0; i < r->n_hours; i++) skipped += r->hours[i].skipdata;
        CHECK(skipped == 2);
        CHECK_NEAR(r->cat_usd[CAT_INTERNET_EGRESS], 0.09, 1e-9);
        /* one day of records (a record lasting T0..T0+DAY) in a 2-day window: the run-rate
         * extrapolates the 24 hours with data, 0.09 x 30, not the window (0.09 x 15), and
         * says so (docs/cost-model.md "Gaps and short captures") */
        CHECK_NEAR(r->monthly_run_rate_usd, 0.09 * 30, 1e-9);
        CHECK(r->coverage.hours == 48 && r->coverage.hours_covered == 24 && r->coverage.hours_with_records == 1);
        bool said = false;
        for (size_t i = 0; i < r->n_notices; i++) said |= strstr(r->notices[i], "only 24 of the 48 hours") != NULL;
        CHECK(said);
        double hours = 0;
        for (size_t i = 0; i < r->n_hours; i++)
            for (int c = 0; c < CAT_COUNT; c++) hours += r->hours[i].cat_usd[c];
        CHECK_NEAR(hours, r->total_usd, 1e-12);
        fx_invariants(r, "edges");
    }
    cost_result_free(r);
    agg_free(a);
    inv_free(inv);
}

int main(void)
{
    g_ranges = fx_ranges();
    g_rates = fx_rates();
    aws_service_and_dynamodb();
    chatty_pairs();
    display_names();
    rank_keys();
    port_scan_hosts();
    learned();
    public_ip_client_via_nat();
    transit_gateway();
    edges();
    CHECK(cost_by_parse("subnet", &(cost_by){0}) == 0);
    cost_by b;
    CHECK(cost_by_parse("nat", &b) == 0 && b == BY_NAT);
    /* one table row per key, names round-trip */
    static const char *const words[] = {"ip", "peer", "eni", "subnet", "nat", "az", "vpc", "account", "service"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        CHECK(cost_by_parse(words[i], &b) == 0 && b == (cost_by)i);
        CHECK_STR(cost_by_name(b), words[i]);
    }
    CHECK(cost_by_parse("region", &b) < 0 && cost_by_parse(NULL, &b) < 0);
    CHECK_STR(cost_cat_name(CAT_REGIONAL_PUBLIC), "regional_public");
    lpm_free(g_ranges);
    rates_free(g_rates);
    return check_done();
}
