/* test_cost_scenarios: one hand-built scenario per pricing rule of
 * cost-model.md, each a small flow-log file in fixtures/scenarios/ read
 * through the real parser, with the shared EC2 XML snapshot
 * (describe-network-interfaces.xml + describe-subnets.xml) and a small
 * ip-ranges.json. Every expected figure is written out by hand below from
 * the bytes in the log and the us-east-1 rates of §3.
 *
 * The shared account: vpc-aaa (use1-az1 = us-east-1a, use1-az2 = us-east-1b)
 *   nat-0001 (eni-nat1) 10.0.0.10 az1     app-1 10.0.10.5 az1 (no public IP)
 *   app-2 10.0.20.5 az2 (no public IP)    web-1 10.0.0.20 az1, public 54.1.2.3
 *   vpce-0001 (eni-vpce1) 10.0.10.100 az1 ALB eni-alb1 10.0.0.50 az1
 *   NLB eni-nlb2 10.0.1.60 az2
 * and the peered vpc-bbb: peer-1 10.1.10.5 az1, peer-2 10.1.20.5 az2.
 * Every log covers one hour, so monthly = period cost × 720. */
#include "check.h"
#include "cost_fixture.h"
#include "ingest.h"
#include "ipranges.h"
#include "snapshot.h"

static char src_dir[1024];

typedef struct scen {
    cost_result *r;
    inventory *inv;
    agg *a;
    lpm *ranges;
    rate_table *rates;
} scen;

static void path_of(char *buf, size_t n, const char *file)
{
    snprintf(buf, n, "%s/fixtures/scenarios/%s", src_dir, file);
}

static int load(scen *s, const char *log, const cost_options *opt)
{
    char err[512] = "", p[1200];
    memset(s, 0, sizeof *s);
    s->inv = inv_new();
    path_of(p, sizeof p, "describe-network-interfaces.xml");
    if (snapshot_load(s->inv, p, err, sizeof err) < 0) goto fail;
    path_of(p, sizeof p, "describe-subnets.xml");
    if (snapshot_load(s->inv, p, err, sizeof err) < 0) goto fail;
    inv_finalize(s->inv);
    path_of(p, sizeof p, "ip-ranges.json");
    s->ranges = ipranges_load(p, err, sizeof err);
    if (!s->ranges) goto fail;
    s->rates = fx_rates();
    s->a = agg_new();
    ingest_opts io;
    ingest_opts_default(&io);
    io.threads = 1;
    io.quiet = true;
    io.strict = true;
    path_of(p, sizeof p, log);
    const char *paths[1] = {p};
    if (ingest_paths(s->a, paths, 1, &io, err, sizeof err) < 0) goto fail;
    cost_options o;
    cost_options_default(&o);
    if (opt) o = *opt;
    s->r = cost_run(s->a, s->inv, s->ranges, s->rates, &o, err, sizeof err);
    if (!s->r) goto fail;
    CHECK(s->r->period_end - s->r->period_start == 3600);
    fx_invariants(s->r, log);
    return 0;
fail:
    fprintf(stderr, "%s: %s\n", log, err);
    CHECK(!"scenario loads");
    return -1;
}

static void done(scen *s)
{
    cost_result_free(s->r);
    agg_free(s->a);
    lpm_free(s->ranges);
    rates_free(s->rates);
    inv_free(s->inv);
}

static double cat(const scen *s, cost_cat c)
{
    return s->r->cat_usd[c];
}

static uint64_t catb(const scen *s, cost_cat c)
{
    return s->r->cat_bytes[c];
}

static const cost_nat *nat(const scen *s, const char *id)
{
    for (size_t i = 0; i < s->r->n_nats; i++)
        if (!strcmp(s->r->nats[i].id, id)) return &s->r->nats[i];
    return NULL;
}

/* Client in use1-az2 through nat-0001 in use1-az1 to the Internet:
 * 2 GiB out, 6 GiB back; logged at the NAT ENI (both legs) and the client. */
static void cross_az_nat(void)
{
    scen s;
    if (load(&s, "cross_az_nat.log", NULL) < 0) return;
    CHECK_NEAR(cat(&s, CAT_NAT_PROCESSING), 8 * 0.045, 1e-9);  /* 0.36 */
    CHECK(catb(&s, CAT_NAT_PROCESSING) == 8 * GiB);
    CHECK_NEAR(cat(&s, CAT_INTER_AZ), 8 * 0.02, 1e-9);         /* 0.16 */
    CHECK(catb(&s, CAT_INTER_AZ) == 8 * GiB);
    CHECK_NEAR(cat(&s, CAT_INTERNET_EGRESS), 2 * 0.09, 1e-9);  /* 0.18 */
    CHECK_NEAR(s.r->total_usd, 0.70, 1e-9);
    CHECK_NEAR(fx_ip_usd(s.r, "10.0.20.5"), 0.70, 1e-9);
    const cost_nat *n = nat(&s, "nat-0001");
    CHECK(n && n->bytes == 8 * GiB && n->bytes_out == 2 * GiB && !n->estimated);
    CHECK(s.r->n_fixed == 1 && fabs(s.r->fixed[0].usd - 0.045) < 1e-9);
    const cost_finding *f = fx_finding(s.r, "cross_az_nat");
    CHECK(f != NULL);
    if (f) {
        CHECK_NEAR(f->monthly_savings_usd, 0.16 * 720, 0.005);         /* 115.20 */
        CHECK_NEAR(f->extra_fixed_monthly_usd, 0.045 * 730, 0.005);    /* 32.85: no NAT in az2 */
        CHECK_NEAR(f->net_monthly_savings_usd, 115.20 - 32.85, 0.005); /* 82.35 */
    }
    CHECK_NEAR(s.r->savings_total_monthly_usd, 82.35, 0.005);
    CHECK(s.r->n_findings == 1);
    done(&s);
}

/* Same-AZ client to S3 us-east-1 through the NAT: 1 GiB up, 9 GiB down. */
static void s3_via_nat(void)
{
    scen s;
    if (load(&s, "s3_via_nat.log", NULL) < 0) return;
    CHECK_NEAR(cat(&s, CAT_NAT_PROCESSING), 10 * 0.045, 1e-9); /* 0.45 */
    CHECK_NEAR(cat(&s, CAT_INTER_AZ), 0, 1e-12);
    CHECK_NEAR(cat(&s, CAT_INTERNET_EGRESS) + cat(&s, CAT_INTER_REGION) + cat(&s, CAT_REGIONAL_PUBLIC), 0, 1e-12);
    CHECK_NEAR(s.r->total_usd, 0.45, 1e-9);
    CHECK_NEAR(fx_ip_usd(s.r, "10.0.10.5"), 0.45, 1e-9);
    const cost_finding *f = fx_finding(s.r, "s3_dynamodb_via_nat");
    CHECK(f != NULL);
    if (f) {
        CHECK_STR(f->service, "S3");
        CHECK_NEAR(f->monthly_savings_usd, 0.45 * 720, 0.005); /* 324.00 */
        CHECK_NEAR(f->net_monthly_savings_usd, 324.00, 0.005);
        CHECK(f->n_evidence == 1 && f->evidence[0].bytes == 10 * GiB);
    }
    CHECK(fx_finding(s.r, "cross_az_nat") == NULL);
    CHECK_NEAR(s.r->savings_total_monthly_usd, 324.00, 0.005);
    done(&s);
}

/* The same S3 traffic over a gateway endpoint (traffic-path 7): free. */
static void s3_gateway_endpoint(void)
{
    scen s;
    if (load(&s, "s3_gateway_endpoint.log", NULL) < 0) return;
    CHECK_NEAR(s.r->total_usd, 0, 1e-12);
    CHECK(catb(&s, CAT_FREE) == 10 * GiB);
    CHECK(catb(&s, CAT_NAT_PROCESSING) == 0);
    const cost_nat *n = nat(&s, "nat-0001");
    CHECK(n && n->bytes == 0);
    CHECK(fx_count_findings(s.r, "s3_dynamodb_via_nat") == 0);
    done(&s);
}

/* To S3 us-west-2 through the NAT: 4 GiB out, 1 GiB back. */
static void inter_region_via_nat(void)
{
    scen s;
    if (load(&s, "inter_region_via_nat.log", NULL) < 0) return;
    CHECK_NEAR(cat(&s, CAT_NAT_PROCESSING), 5 * 0.045, 1e-9); /* 0.225 */
    CHECK_NEAR(cat(&s, CAT_INTER_REGION), 4 * 0.02, 1e-9);   /* 0.08, outbound only */
    CHECK(catb(&s, CAT_INTER_REGION) == 4 * GiB);
    CHECK_NEAR(s.r->total_usd, 0.305, 1e-9);
    CHECK_NEAR(fx_ip_usd(s.r, "10.0.10.5"), 0.305, 1e-9);
    CHECK(fx_count_findings(s.r, "s3_dynamodb_via_nat") == 0); /* another region */
    done(&s);
}

/* Peered VPC, both ends logged: to peer-1 (same AZ) 3 GiB + 1 GiB back is
 * free; to peer-2 (other AZ) 2 GiB each way is inter_az, each end paying
 * its own out- and in-halves: 0.02 + 0.02 = 0.04 each. */
static void peering(void)
{
    scen s;
    if (load(&s, "peering.log", NULL) < 0) return;
    CHECK_NEAR(cat(&s, CAT_INTER_AZ), 4 * 0.02, 1e-9);
    CHECK(catb(&s, CAT_INTER_AZ) == 4 * GiB);
    CHECK(catb(&s, CAT_FREE) == 4 * GiB);
    CHECK(s.r->total_bytes == 8 * GiB); /* 16 GiB logged, each byte once */
    CHECK_NEAR(fx_ip_usd(s.r, "10.0.10.5"), 0.04, 1e-9);
    CHECK_NEAR(fx_ip_usd(s.r, "10.1.20.5"), 0.04, 1e-9);
    CHECK_NEAR(fx_ip_usd(s.r, "10.1.10.5"), 0, 1e-12);
    bool peering_path = false;
    for (size_t i = 0; i < s.r->n_flows; i++) peering_path |= s.r->flows[i].path == PATH_PEERING;
    CHECK(peering_path);
    const cost_finding *f = fx_finding(s.r, "cross_az_chatty_pair");
    CHECK(f != NULL);
    if (f) CHECK_NEAR(f->monthly_savings_usd, 0.08 * 720, 0.005); /* 57.60 */
    done(&s);
}

/* app-2 (az2) to the interface endpoint ENI in az1: 3 GiB to, 5 GiB from.
 * interface_endpoint 8 × 0.01, inter_az 8 × 0.02, all paid by app-2. */
static void interface_endpoint(void)
{
    scen s;
    if (load(&s, "interface_endpoint.log", NULL) < 0) return;
    CHECK_NEAR(cat(&s, CAT_INTERFACE_ENDPOINT), 0.08, 1e-9);
    CHECK(catb(&s, CAT_INTERFACE_ENDPOINT) == 8 * GiB);
    CHECK_NEAR(cat(&s, CAT_INTER_AZ), 0.16, 1e-9);
    CHECK_NEAR(fx_ip_usd(s.r, "10.0.20.5"), 0.24, 1e-9);
    CHECK_NEAR(fx_ip_usd(s.r, "10.0.10.100"), 0, 1e-12);
    CHECK(fx_count_findings(s.r, "cross_az_chatty_pair") == 0); /* an endpoint is no workload */
    done(&s);
}

/* ALB in az1 with target app-2 in az2: 1 GiB request in, 1 GiB to the
 * target, 3 GiB back from it, 3 GiB to the client. Cross-AZ ALB hops are
 * free; the 3 GiB to the Internet is internet_egress paid by app-2 (its
 * only target): 0.27. NLB in az2 with target app-1 in az1: 2 GiB to the
 * target, 4 GiB back (inter_az 6 × 0.02 = 0.12, paid by the target), and
 * 4 GiB to the Internet client (4 × 0.09 = 0.36, paid by app-1). */
static void load_balancers(void)
{
    scen s;
    if (load(&s, "load_balancers.log", NULL) < 0) return;
    CHECK_NEAR(cat(&s, CAT_INTERNET_EGRESS), 0.27 + 0.36, 1e-9);
    CHECK(catb(&s, CAT_INTERNET_EGRESS) == 7 * GiB);
    CHECK_NEAR(cat(&s, CAT_INTER_AZ), 0.12, 1e-9);
    CHECK(catb(&s, CAT_INTER_AZ) == 6 * GiB);
    CHECK_NEAR(s.r->total_usd, 0.75, 1e-9);
    CHECK_NEAR(fx_ip_usd(s.r, "10.0.20.5"), 0.27, 1e-9);
    CHECK_NEAR(fx_ip_usd(s.r, "10.0.10.5"), 0.48, 1e-9);
    CHECK_NEAR(fx_ip_usd(s.r, "10.0.0.50"), 0, 1e-12);
    CHECK_NEAR(fx_ip_usd(s.r, "10.0.1.60"), 0, 1e-12);
    done(&s);
}

/* web-1 has a public IP (v2 log, no traffic-path): 5 GiB to the Internet
 * through the IGW, 1 GiB back. Not NAT traffic. */
static void public_ip_instance(void)
{
    scen s;
    if (load(&s, "public_ip_instance.log", NULL) < 0) return;
    CHECK_NEAR(cat(&s, CAT_INTERNET_EGRESS), 5 * 0.09, 1e-9);
    CHECK(catb(&s, CAT_NAT_PROCESSING) == 0);
    CHECK_NEAR(s.r->total_usd, 0.45, 1e-9);
    CHECK_NEAR(fx_ip_usd(s.r, "10.0.0.20"), 0.45, 1e-9);
    CHECK(catb(&s, CAT_FREE) == 1 * GiB);
    done(&s);
}

/* 203.0.113.77 probes 25 ports (1000-1024) of web-1 in one hour plus 80
 * and 443 (not counted); 192.0.2.1 probes 19 ports: under the threshold. */
static void rejected_scans(void)
{
    scen s;
    if (load(&s, "rejected_scans.log", NULL) < 0) return;
    CHECK(s.r->records.rejected == 25 + 2 + 19);
    CHECK(fx_count_findings(s.r, "port_scan") == 1);
    const cost_finding *f = fx_finding(s.r, "port_scan");
    if (f) {
        CHECK(f->n_resources >= 1 && !strcmp(f->resources[0], "203.0.113.77"));
        /* the target is named by its Name tag (the display rule) */
        CHECK(f->n_evidence == 1 && strstr(f->evidence[0].label, "25 ports on web-1 (10.0.0.20)"));
        CHECK_NEAR(f->monthly_savings_usd, 0, 1e-12);
    }
    CHECK(s.r->n_reject_sources == 2);
    if (s.r->n_reject_sources == 2) {
        char ip[IP_STRLEN];
        ip_format(&s.r->reject_sources[0].src, ip, sizeof ip);
        CHECK_STR(ip, "203.0.113.77");
        CHECK(s.r->reject_sources[0].records == 27);
        CHECK(s.r->reject_sources[0].n_ports == 10 && s.r->reject_sources[0].ports[0] == 80);
        CHECK(s.r->reject_sources[1].records == 19);
    }
    CHECK(fx_count_findings(s.r, "rejected_sources") == 1);
    /* Rejected records cost nothing. */
    CHECK_NEAR(s.r->total_usd, 1000.0 / 1073741824.0 * 0.09, 1e-12);
    uint64_t rej = 0;
    for (size_t i = 0; i < s.r->n_hours; i++) rej += s.r->hours[i].rejected;
    CHECK(rej == 46);
    done(&s);

    cost_options o;
    cost_options_default(&o);
    o.scan_threshold = 26; /* 25 ports no longer make a scan */
    if (load(&s, "rejected_scans.log", &o) < 0) return;
    CHECK(fx_count_findings(s.r, "port_scan") == 0);
    done(&s);
}

/* --min-savings: a finding below it is dropped, and so is its saving. */
static void min_savings(void)
{
    cost_options o;
    cost_options_default(&o);
    o.min_savings = 400; /* the S3 finding saves 324.00 a month */
    scen s;
    if (load(&s, "s3_via_nat.log", &o) < 0) return;
    CHECK(fx_count_findings(s.r, "s3_dynamodb_via_nat") == 0);
    CHECK_NEAR(s.r->savings_total_monthly_usd, 0, 1e-9);
    done(&s);
}

int main(void)
{
    const char *src = getenv("FC_SRC");
    snprintf(src_dir, sizeof src_dir, "%s", src ? src : "..");
    cross_az_nat();
    s3_via_nat();
    s3_gateway_endpoint();
    inter_region_via_nat();
    peering();
    interface_endpoint();
    load_balancers();
    public_ip_instance();
    rejected_scans();
    min_savings();
    return check_done();
}
