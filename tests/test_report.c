/* test_report: a hand-built cost_result (the worked example of
 * cost-model.md §6 plus 60 Internet-egress workloads and some rejected
 * traffic) rendered into the full page; every section must be present, in
 * spec order, with the row counts worked out below, input strings escaped,
 * and two renders byte-identical. Also the template engine's errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "cost.h"
#include "inventory.h"
#include "rates.h"
#include "report.h"

#define GIB UINT64_C(1073741824)
#define NEXTRA 60
#define XSS_NAME "web-1 <script>alert(1)</script>"
#define XSS_TITLE "Weekly </script><!-- \"><img src=x onerror=alert(1)>"

typedef struct built {
    inventory *inv;
    cost_result *r;
} built;

static ip128 ip(const char *s)
{
    ip128 a;
    ip_parse(s, strlen(s), &a);
    return a;
}

static const inv_eni *eni(inventory *inv, const char *id, eni_kind k, const char *name, const char *addr,
                          const char *az, const char *subnet)
{
    inv_eni *e = inv_eni_get(inv, id);
    e->kind = k;
    e->name = inv_intern(inv, name);
    e->az_id = inv_intern(inv, az);
    e->subnet_id = inv_intern(inv, subnet);
    e->vpc_id = inv_intern(inv, "vpc-1");
    e->region = inv_intern(inv, "us-east-1");
    ip128 a = ip(addr);
    inv_eni_add_ip(inv, e, &a, true);
    return e;
}

static int ep_cmp(const void *a, const void *b)
{
    return ip_cmp(&((const cost_endpoint *)a)->ip, &((const cost_endpoint *)b)->ip);
}

static size_t find_ep(const cost_result *r, const char *addr)
{
    ip128 a = ip(addr);
    for (size_t i = 0; i < r->n_eps; i++)
        if (ip_eq(&r->eps[i].ip, &a)) return i;
    fprintf(stderr, "no endpoint %s\n", addr);
    abort();
}

/* One flow and its charges; payer/peer by address. */
static void flow(cost_result *r, const char *src, const char *dst, const char *via, int path, int dest, int inbound,
                 uint64_t bytes, int hour)
{
    cost_flow *f = &r->flows[r->n_flows];
    memset(f, 0, sizeof *f);
    f->src = (uint32_t)find_ep(r, src);
    f->dst = (uint32_t)find_ep(r, dst);
    f->via = via ? (uint32_t)find_ep(r, via) : COST_NONE;
    f->path = (uint8_t)path;
    f->dest = (uint8_t)dest;
    f->flags = inbound ? COST_FLOW_INBOUND : 0;
    f->bytes = bytes;
    f->records = 10;
    (void)hour;
    r->n_flows++;
}

static void charge(cost_result *r, const char *payer, const char *peer, int cat, uint64_t bytes, uint64_t counted,
                   double rate, int hour)
{
    cost_flow *f = &r->flows[r->n_flows - 1];
    cost_charge *c = &r->charges[r->n_charges++];
    c->flow = (uint32_t)(r->n_flows - 1);
    c->payer = (uint32_t)find_ep(r, payer);
    c->peer = (uint32_t)find_ep(r, peer);
    c->cat = (uint8_t)cat;
    c->bytes = bytes;
    c->bytes_counted = counted;
    c->usd = (double)bytes / GIB * rate;
    f->usd += c->usd;
    f->cat_usd[cat] += c->usd;
    f->cat_bytes[cat] += counted;
    cost_endpoint *p = &r->eps[c->payer];
    p->usd += c->usd;
    p->cat_usd[cat] += c->usd;
    r->eps[c->peer].peer_usd += c->usd;
    r->total_usd += c->usd;
    r->cat_usd[cat] += c->usd;
    r->cat_bytes[cat] += counted;
    r->hours[hour].cat_usd[cat] += c->usd;
}

/* extra: how many Internet-egress workloads besides the worked example. */
static built build(int extra, const char *web_name)
{
    built b;
    inventory *inv = b.inv = inv_new();
    const inv_eni *nat = eni(inv, "eni-nat", ENI_NAT_GATEWAY, "nat-A", "10.0.0.10", "use1-az1", "subnet-pub1");
    inv_eni_get(inv, "eni-nat")->resource_id = inv_intern(inv, "nat-A");
    const inv_eni *db = eni(inv, "eni-db", ENI_WORKLOAD, "db-1", "10.0.16.5", "use1-az1", "subnet-a1");
    const inv_eni *web = eni(inv, "eni-web", ENI_WORKLOAD, web_name, "10.0.48.7", "use1-az4", "subnet-a4");
    const inv_eni **w = calloc((size_t)extra + 1, sizeof *w);
    for (int i = 0; i < extra; i++) {
        char id[32], nm[32], a[32];
        snprintf(id, sizeof id, "eni-w%02d", i);
        snprintf(nm, sizeof nm, "worker-%02d", i);
        snprintf(a, sizeof a, "10.0.%d.%d", 32 + i / 200, 10 + i % 200);
        w[i] = eni(inv, id, ENI_WORKLOAD, nm, a, "use1-az2", "subnet-a2");
    }
    inv_add_source(inv, INV_FROM_SNAPSHOT, 1763942400);
    inv_finalize(inv);

    cost_result *r = b.r = calloc(1, sizeof *r);
    r->period_start = 1763942400; /* 2025-11-24T00:00:00Z */
    r->period_end = r->period_start + 86400;
    r->period_hours = 24;
    r->records = (agg_stats){.read = 1000, .used = 950, .malformed = 3, .nodata = 20, .skipdata = 2, .rejected = 40,
                             .files = 4, .bytes_in = 123456};
    r->eps = calloc(6 + 2 * (size_t)extra + 2, sizeof *r->eps);
    struct { const char *a; ep_class cls; const inv_eni *e; const char *svc; } eps[] = {
        {"10.0.0.10", EP_ENI, nat, NULL}, {"10.0.16.5", EP_ENI, db, NULL}, {"10.0.48.7", EP_ENI, web, NULL},
        {"10.9.9.9", EP_UNKNOWN_PRIVATE, NULL, NULL}, {"52.216.0.1", EP_AWS, NULL, "S3"},
        {"198.51.100.9", EP_INTERNET, NULL, NULL}};
    for (size_t i = 0; i < 6; i++) {
        cost_endpoint *e = &r->eps[r->n_eps++];
        e->ip = ip(eps[i].a);
        e->cls = eps[i].cls;
        e->eni = eps[i].e;
        e->kind = eps[i].e ? eps[i].e->kind : ENI_WORKLOAD;
        e->service = eps[i].svc;
        e->region = "us-east-1";
    }
    for (int i = 0; i < extra; i++) {
        char a[32];
        cost_endpoint *e = &r->eps[r->n_eps++];
        snprintf(a, sizeof a, "10.0.%d.%d", 32 + i / 200, 10 + i % 200);
        e->ip = ip(a);
        e->cls = EP_ENI;
        e->eni = w[i];
        e->region = "us-east-1";
        e = &r->eps[r->n_eps++];
        snprintf(a, sizeof a, "203.0.%d.%d", 113 + i / 200, 10 + i % 200);
        e->ip = ip(a);
        e->cls = EP_INTERNET;
    }
    r->eps[find_ep(r, "10.9.9.9")].bytes_out = 5000;
    qsort(r->eps, r->n_eps, sizeof *r->eps, ep_cmp);

    r->n_hours = 24;
    r->hours = calloc(24, sizeof *r->hours);
    for (int h = 0; h < 24; h++) {
        r->hours[h].hour = (int32_t)(r->period_start / 3600 + h);
        r->hours[h].bytes = (uint64_t)(h + 1) * GIB;
        r->hours[h].rejected = h == 3 ? 30 : h == 4 ? 10 : 0;
    }
    r->flows = calloc(6 + (size_t)extra, sizeof *r->flows);
    r->charges = calloc(20 + (size_t)extra, sizeof *r->charges);
    /* §6: 10 GiB out / 40 GiB back to the Internet, 1 GiB to / 100 GiB
     * from S3, all through nat-A in another AZ; 2 + 2 GiB with db-1. */
    const char *W = "10.0.48.7", *N = "10.0.0.10", *I = "198.51.100.9", *S = "52.216.0.1", *D = "10.0.16.5";
    flow(r, W, I, N, PATH_NAT, DEST_INTERNET, 0, 10 * GIB, 1);
    charge(r, W, I, CAT_NAT_PROCESSING, 10 * GIB, 10 * GIB, 0.045, 1);
    charge(r, W, I, CAT_INTERNET_EGRESS, 10 * GIB, 10 * GIB, 0.09, 1);
    charge(r, W, I, CAT_INTER_AZ, 10 * GIB, 10 * GIB, 0.01, 1);
    charge(r, W, I, CAT_INTER_AZ, 10 * GIB, 0, 0.01, 1);
    flow(r, I, W, N, PATH_NAT, DEST_INTERNET, 1, 40 * GIB, 2);
    charge(r, W, I, CAT_NAT_PROCESSING, 40 * GIB, 40 * GIB, 0.045, 2);
    charge(r, W, I, CAT_INTER_AZ, 40 * GIB, 40 * GIB, 0.01, 2);
    charge(r, W, I, CAT_INTER_AZ, 40 * GIB, 0, 0.01, 2);
    flow(r, W, S, N, PATH_NAT, DEST_AWS_SERVICE, 0, 1 * GIB, 3);
    charge(r, W, S, CAT_NAT_PROCESSING, 1 * GIB, 1 * GIB, 0.045, 3);
    charge(r, W, S, CAT_INTER_AZ, 1 * GIB, 1 * GIB, 0.01, 3);
    charge(r, W, S, CAT_INTER_AZ, 1 * GIB, 0, 0.01, 3);
    flow(r, S, W, N, PATH_NAT, DEST_AWS_SERVICE, 1, 100 * GIB, 4);
    charge(r, W, S, CAT_NAT_PROCESSING, 100 * GIB, 100 * GIB, 0.045, 4);
    charge(r, W, S, CAT_INTER_AZ, 100 * GIB, 100 * GIB, 0.01, 4);
    charge(r, W, S, CAT_INTER_AZ, 100 * GIB, 0, 0.01, 4);
    flow(r, W, D, NULL, PATH_LOCAL, DEST_SAME_VPC, 0, 2 * GIB, 5);
    charge(r, W, D, CAT_INTER_AZ, 2 * GIB, 2 * GIB, 0.01, 5);
    charge(r, D, W, CAT_INTER_AZ, 2 * GIB, 0, 0.01, 5);
    flow(r, D, W, NULL, PATH_LOCAL, DEST_SAME_VPC, 0, 2 * GIB, 6);
    charge(r, D, W, CAT_INTER_AZ, 2 * GIB, 2 * GIB, 0.01, 6);
    charge(r, W, D, CAT_INTER_AZ, 2 * GIB, 0, 0.01, 6);
    for (int i = 0; i < extra; i++) {
        char a[32], p[32];
        snprintf(a, sizeof a, "10.0.%d.%d", 32 + i / 200, 10 + i % 200);
        snprintf(p, sizeof p, "203.0.%d.%d", 113 + i / 200, 10 + i % 200);
        flow(r, a, p, NULL, PATH_IGW, DEST_INTERNET, 0, (uint64_t)(i + 1) * GIB, 7 + i % 17);
        charge(r, a, p, CAT_INTERNET_EGRESS, (uint64_t)(i + 1) * GIB, (uint64_t)(i + 1) * GIB, 0.09, 7 + i % 17);
    }
    for (size_t i = 0; i < r->n_flows; i++) {
        r->eps[r->flows[i].src].bytes_out += r->flows[i].bytes;
        r->eps[r->flows[i].dst].bytes_in += r->flows[i].bytes;
        r->total_bytes += r->flows[i].bytes;
    }
    r->monthly_run_rate_usd = r->total_usd * 30;

    r->n_nats = 1;
    r->nats = calloc(1, sizeof *r->nats);
    r->nats[0] = (cost_nat){.id = "nat-A", .ep = (uint32_t)find_ep(r, N), .eni_id = "eni-nat", .az_id = "use1-az1",
                            .vpc_id = "vpc-1", .subnet_id = "subnet-pub1", .name = "nat-A", .bytes = 151 * GIB,
                            .bytes_out = 11 * GIB, .bytes_in = 140 * GIB, .usd = 151 * 0.045};
    r->n_az_pairs = 2;
    r->az_pairs = calloc(2, sizeof *r->az_pairs);
    r->az_pairs[0] = (cost_az_pair){"use1-az1", "use1-az4", 142 * GIB, 2.84};
    r->az_pairs[1] = (cost_az_pair){"use1-az4", "use1-az1", 13 * GIB, 0.26};
    r->n_fixed = 1;
    r->fixed = calloc(1, sizeof *r->fixed);
    r->fixed[0] = (cost_fixed){"nat_gateway_hours", "nat-A", 24, 1.08};

    r->n_findings = 4;
    r->findings = calloc(4, sizeof *r->findings);
    static char *res1[] = {"nat-A", "10.0.48.7"}, *res3[] = {"203.0.113.66"};
    static cost_evidence ev1[] = {{"10.0.48.7 \xE2\x86\x92 nat-A \xE2\x86\x92 S3 us-east-1", 101 * GIB, 6.565}};
    r->findings[0] = (cost_finding){.kind = "s3_dynamodb_via_nat", .title = "S3 traffic through nat-A",
                                    .change = "Add an S3 gateway endpoint to the route tables of subnet-a4.",
                                    .resources = res1, .n_resources = 2, .service = "S3", .region = "us-east-1",
                                    .period_usd = 6.565, .monthly_savings_usd = 196.95,
                                    .net_monthly_savings_usd = 196.95, .evidence = ev1, .n_evidence = 1};
    r->findings[1] = (cost_finding){.kind = "cross_az_nat", .title = "Clients of nat-A in another AZ",
                                    .change = "Create a NAT gateway in use1-az4 and route subnet-a4 to it.",
                                    .resources = res1, .n_resources = 2, .period_usd = 3.02, .monthly_savings_usd = 90.60,
                                    .extra_fixed_monthly_usd = 32.85, .net_monthly_savings_usd = 57.75};
    r->findings[2] = (cost_finding){.kind = "port_scan", .title = "203.0.113.66 scanned 25 ports of 10.0.48.7",
                                    .resources = res3, .n_resources = 1};
    r->findings[3] = (cost_finding){.kind = "rejected_sources", .title = "Top rejected sources"};
    r->savings_total_monthly_usd = 194.10;
    free(w);
    r->n_reject_sources = 2;
    r->reject_sources = calloc(2, sizeof *r->reject_sources);
    r->reject_sources[0] = (cost_reject_source){.src = ip("203.0.113.66"), .records = 30, .ports = {22, 3389, 8080}, .n_ports = 3};
    r->reject_sources[1] = (cost_reject_source){.src = ip("192.0.2.1"), .records = 10, .ports = {22}, .n_ports = 1};
    r->n_unknown_private = 1;
    r->unknown_private_bytes = 5000;
    r->rates_source = "embedded";
    r->ipranges_version = "1700000000";
    return b;
}

static void unbuild(built b)
{
    cost_result *r = b.r;
    free(r->eps); free(r->flows); free(r->charges); free(r->hours); free(r->nats);
    free(r->az_pairs); free(r->fixed); free(r->findings); free(r->reject_sources);
    free(r);
    inv_free(b.inv);
}

/* Rows of <tbody> of the table with id `id`; -1 when the table is absent. */
static int rows(const char *html, const char *id)
{
    char pat[128];
    snprintf(pat, sizeof pat, "<table class=\"sortable\" id=\"%s\"", id);
    const char *t = strstr(html, pat);
    if (!t) {
        snprintf(pat, sizeof pat, "id=\"%s\"", id);
        t = strstr(html, pat);
    }
    if (!t) return -1;
    const char *b = strstr(t, "<tbody>"), *e = b ? strstr(b, "</tbody>") : NULL;
    if (!e) return -1;
    int n = 0;
    for (const char *p = b; (p = strstr(p, "<tr")) && p < e; p += 3) n++;
    return n;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

int main(void)
{
    built b = build(NEXTRA, XSS_NAME), base = build(30, "web-1");
    rate_table *rt = rates_new_default();
    const char *inputs[] = {"fixtures/sample/v5", "odd <name>.log.gz"};
    report_opts o = {.title = XSS_TITLE, .now = 1764000000, .top = 50, .inputs = inputs, .n_inputs = 2,
                     .enrichment = "snapshot describe-network-interfaces.xml", .topology_svg = NULL,
                     .baseline = base.r, .topology_error = "topology not implemented yet", .rates = rt,
                     .version = "flowcost test"};
    char err[FC_ERRLEN] = "";
    dbuf out;
    dbuf_init(&out, 0);
    int rc = report_html(b.r, b.inv, &o, &out, err, sizeof err);
    CHECK(rc == 0);
    if (rc) {
        fprintf(stderr, "report_html: %s\n", err);
        return 1;
    }
    const char *h = out.data;
    FILE *f = fopen("test_report.html", "wb");
    if (f) {
        fwrite(h, 1, out.len, f);
        fclose(f);
    }

    /* Sections in spec order. */
    static const char *const order[] = {"summary", "findings", "nat", "cross-az", "outbound", "top-ips",
                                        "topology", "over-time", "security", "baseline", "method"};
    const char *prev = h;
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        char pat[64];
        snprintf(pat, sizeof pat, "<section id=\"%s\">", order[i]);
        const char *p = strstr(h, pat);
        CHECK(p != NULL);
        CHECK(p == NULL || p > prev);
        if (p) prev = p;
    }
    CHECK(count(h, "<section ") == 11);

    /* Row counts, worked out from build(): */
    CHECK(rows(h, "records") == 7);            /* read used malformed rejected NODATA SKIPDATA filtered */
    CHECK(rows(h, "by-category") == CAT_COUNT);
    CHECK(rows(h, "nat-table") == 1);
    CHECK(rows(h, "nat-1-flows") == 4);        /* out: web→Internet, web→S3; in: Internet→web, S3→web */
    CHECK(rows(h, "az-pairs") == 3);           /* web↔198.51.100.9 via NAT, web↔S3 via NAT, web↔db */
    CHECK(rows(h, "outbound-table") == 51);    /* 2 NAT flows + 60 IGW flows = 62 → top 50 + Other */
    CHECK(rows(h, "reject-sources") == 2);
    CHECK(rows(h, "reject-ports") == 3);       /* 22 (2 sources), 3389, 8080 */
    CHECK(rows(h, "unknown-private") == 1);
    CHECK(rows(h, "fixed-table") == 1);
    CHECK(rows(h, "baseline-cats") == CAT_COUNT);
    CHECK(rows(h, "rates-table") == 1);        /* only us-east-1 priced anything */
    CHECK(rows(h, "az-matrix") == 2);          /* use1-az1, use1-az4 */
    /* Payers: web, db and the 60 workers = 62 → 50 + "Other (12 IPs)". */
    CHECK(rows(h, "top-ips-table") == 51);
    CHECK(strstr(h, "Other (12 IPs)") != NULL);
    CHECK(rows(h, "top-peers-table") == 51);
    CHECK(count(h, "<article class=\"finding") == 3);      /* 2 savings + rejected_sources */
    CHECK(count(h, "<article class=\"finding sec\"") == 1);
    CHECK(rows(h, "port-scans") == 1);
    CHECK(rows(h, "findings-table") == 2);
    /* The top payer is web-1 with 10.755 (cost-model §6), worker-59 next with 60 × 0.09 = 5.40. */
    const char *t = strstr(h, "id=\"top-ips-table\"");
    const char *p1 = t ? strstr(t, "10.0.48.7") : NULL, *p2 = t ? strstr(t, "10.0.32.69") : NULL;
    CHECK(p1 && p2 && p1 < p2);
    CHECK(t && strstr(t, "data-v=\"10.755000\"") != NULL); /* 10.755 prints as $10.75 or $10.76 by binary rounding */
    CHECK(strstr(h, "$194.10") != NULL);       /* savings total */
    CHECK(strstr(h, "$57.75") != NULL);        /* cross_az_nat net */
    /* Total: §6's 10.795 + 0.09 × (1 + ... + 60) = 10.795 + 164.70 = 175.495. */
    CHECK_NEAR(b.r->total_usd, 175.495, 1e-9);
    CHECK(strstr(h, "$175.50") != NULL);

    /* Diagrams and charts. */
    CHECK(count(h, "class=\"sankey\"") == 6);  /* NAT out/in × bytes/cost + outbound × bytes/cost */
    CHECK(strstr(h, "Other (49)") != NULL);    /* 61 outbound workloads, 12 kept */
    CHECK(count(h, "class=\"chart heat\"") == 2);
    CHECK(strstr(h, "Cost per hour by category") != NULL);
    CHECK(strstr(h, "Rejected records per hour") != NULL);
    CHECK(strstr(h, "The topology graph is not available: topology not implemented yet.") != NULL);
    CHECK(strstr(h, "The AZ graph is not available") != NULL);

    /* Escaping. */
    CHECK(strstr(h, "<script>alert(1)") == NULL);
    CHECK(strstr(h, "web-1 &lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    CHECK(strstr(h, "<img") == NULL);
    CHECK(strstr(h, "odd &lt;name&gt;.log.gz") != NULL);
    CHECK(strstr(h, "<title>Weekly &lt;/script&gt;&lt;!-- &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</title>") != NULL);
    CHECK(strstr(h, "\"title\":\"Weekly \\u003c/script\\u003e\\u003c!-- \\\"\\u003e\\u003cimg") != NULL);
    CHECK(count(h, "</script>") == 2);          /* the JSON block and the script: nothing else closes one */
    CHECK(count(h, "<script") == 2);
    CHECK(count(h, "<!--") == 0);

    /* Self-contained: no external references. */
    CHECK(strstr(h, " src=\"") == NULL);
    CHECK(strstr(h, "href=\"http") == NULL);
    CHECK(strstr(h, "<link") == NULL);
    CHECK(strstr(h, "url(http") == NULL);
    CHECK(strstr(h, "@import") == NULL);

    /* Deterministic. */
    dbuf again;
    dbuf_init(&again, 0);
    CHECK(report_html(b.r, b.inv, &o, &again, err, sizeof err) == 0);
    CHECK(again.len == out.len && memcmp(again.data, out.data, out.len) == 0);
    dbuf_free(&again);

    /* --top 0 lists every payer: 62 rows, no Other. */
    o.top = 0;
    dbuf_init(&again, 0);
    CHECK(report_html(b.r, b.inv, &o, &again, err, sizeof err) == 0);
    CHECK(rows(again.data, "top-ips-table") == 62);
    CHECK(rows(again.data, "outbound-table") == 62);
    dbuf_free(&again);

    /* No baseline: no section 10, no nav entry. */
    o.top = 50;
    o.baseline = NULL;
    dbuf_init(&again, 0);
    CHECK(report_html(b.r, b.inv, &o, &again, err, sizeof err) == 0);
    CHECK(strstr(again.data, "id=\"baseline\"") == NULL);
    CHECK(strstr(again.data, "href=\"#baseline\"") == NULL);
    CHECK(count(again.data, "<section ") == 10);
    dbuf_free(&again);

    /* Template engine. */
    const char *names[] = {"a", "b_2"}, *vals[] = {"<x>", "y"};
    dbuf tb;
    dbuf_init(&tb, 0);
    const char *text = "p {{a}} q {{b_2}} {not} {{ a }} {{}} }}";
    CHECK(report_fill("t", text, strlen(text), names, vals, 2, &tb, err, sizeof err) == 0);
    CHECK_STR(tb.data, "p <x> q y {not} {{ a }} {{}} }}");
    dbuf_reset(&tb);
    text = "line1\nline2 {{nope}}";
    CHECK(report_fill("t.html", text, strlen(text), names, vals, 2, &tb, err, sizeof err) == -1);
    CHECK_STR(err, "t.html:2: unknown slot {{nope}}");
    dbuf_free(&tb);
    /* --template-dir with an edited page; missing files fall back to the embedded ones. */
    const char *dir = "test_report_tpl";
    char path[256];
    snprintf(path, sizeof path, "mkdir -p %s", dir);
    CHECK(system(path) == 0);
    snprintf(path, sizeof path, "%s/report.html", dir);
    f = fopen(path, "w");
    if (f) {
        fputs("<h1>{{title}}</h1>{{summary}}", f);
        fclose(f);
    }
    o.template_dir = dir;
    dbuf_init(&again, 0);
    CHECK(report_html(b.r, b.inv, &o, &again, err, sizeof err) == 0);
    CHECK(again.data && strncmp(again.data, "<h1>Weekly &lt;/script&gt;", 26) == 0);
    dbuf_free(&again);
    f = fopen(path, "w");
    if (f) {
        fputs("{{title}}\n{{bogus}}", f);
        fclose(f);
    }
    dbuf_init(&again, 0);
    CHECK(report_html(b.r, b.inv, &o, &again, err, sizeof err) == -1);
    CHECK_STR(err, "report.html:2: unknown slot {{bogus}}");
    dbuf_free(&again);
    snprintf(path, sizeof path, "%s/report.js", dir);
    f = fopen(path, "w");
    if (f) {
        fputs("var x = '</script>';", f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/report.html", dir);
    remove(path);
    dbuf_init(&again, 0);
    CHECK(report_html(b.r, b.inv, &o, &again, err, sizeof err) == -1);
    CHECK(strstr(err, "report.js") != NULL);
    dbuf_free(&again);
    snprintf(path, sizeof path, "%s/report.js", dir);
    remove(path);

    remove(dir);

    /* Bounded: 5,000 payers and 5,000 Internet peers still give a small
     * page (top 50 + Other everywhere, Sankeys folded), quickly. */
    built big = build(5000, "web-1");
    o.template_dir = NULL;
    o.top = 50;
    o.baseline = NULL;
    dbuf_init(&again, 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(report_html(big.r, big.inv, &o, &again, err, sizeof err) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("5,000 workloads: %zu bytes in %.3f s\n", again.len, secs);
    CHECK(again.len < 5u * 1000 * 1000);
    CHECK(secs < 2.0);
    CHECK(rows(again.data, "top-ips-table") == 51);
    CHECK(strstr(again.data, "Other (4952 IPs)") != NULL); /* 5,002 payers − 50 */
    CHECK(rows(again.data, "outbound-table") == 51);
    dbuf_free(&again);
    unbuild(big);

    /* A NAT gateway with a Name tag is "edge-nat (nat-A)" in its Sankeys; untagged (name =
     * id, as above) it is plain "nat-A" and its table's name cell is empty. */
    CHECK(strstr(h, "Outbound through nat-A by bytes") != NULL);
    CHECK(strstr(h, "<td>nat-A</td><td></td>") != NULL);
    b.r->nats[0].name = "edge-nat";
    dbuf named;
    dbuf_init(&named, 0);
    CHECK(report_html(b.r, b.inv, &o, &named, err, sizeof err) == 0);
    CHECK(named.data && strstr(named.data, "Outbound through edge-nat (nat-A) by bytes") != NULL);
    CHECK(named.data && strstr(named.data, "<td>nat-A</td><td>edge-nat</td>") != NULL);
    dbuf_free(&named);

    dbuf_free(&out);
    rates_free(rt);
    unbuild(b);
    unbuild(base);
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}
