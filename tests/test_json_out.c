/* test_json_out: the JSON result of cli.md from a hand-built cost_result —
 * the worked example of cost-model.md §6 entered charge by charge — parsed
 * back with cJSON: every key of the contract, the figures to the cent, the
 * number formatting (6-decimal money, exact 64-bit counts), escaping and
 * byte-for-byte determinism. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cost.h"
#include "inventory.h"
#include "json_out.h"
#include "util.h"

#define GIB 1073741824ull

enum { NATE, PEER, CLIENT, S3EP, INET, N_EPS }; /* sorted by ip, as cost.h promises */

static ip128 A(const char *s)
{
    ip128 ip;
    ip_parse(s, strlen(s), &ip);
    return ip;
}

static void charge(cost_result *r, uint32_t flow, uint32_t payer, uint32_t peer, cost_cat cat,
                   uint64_t bytes, uint64_t counted, double usd)
{
    cost_charge *c = &r->charges[r->n_charges++];
    *c = (cost_charge){flow, payer, peer, (uint8_t)cat, bytes, counted, usd};
    r->flows[flow].usd += usd;
    r->flows[flow].cat_usd[cat] += usd;
    r->flows[flow].cat_bytes[cat] += counted;
    r->eps[payer].usd += usd;
    r->eps[payer].cat_usd[cat] += usd;
    r->eps[peer].peer_usd += usd;
    r->cat_usd[cat] += usd;
    r->cat_bytes[cat] += counted;
    r->total_usd += usd;
}

/* cost-model.md §6: us-east-1, one day. Client 10.0.48.7 (use1-az4) uses
 * nat-A (10.0.0.10, use1-az1): 10 GiB out / 40 GiB back to the Internet,
 * 1 GiB out / 100 GiB back from S3; 2 GiB each way with 10.0.16.5
 * (use1-az1). */
static cost_result *worked_example(inventory *inv)
{
    inv_eni *c = inv_eni_get(inv, "eni-client");
    c->kind = ENI_WORKLOAD;
    c->name = inv_intern(inv, "app \"blue\"\n\xc3\xa9t\xc3\xa9");
    c->subnet_id = inv_intern(inv, "subnet-az4");
    c->vpc_id = inv_intern(inv, "vpc-1");
    c->az_id = inv_intern(inv, "use1-az4");
    c->region = inv_intern(inv, "us-east-1");
    inv_eni *n = inv_eni_get(inv, "eni-nat");
    n->kind = ENI_NAT_GATEWAY;
    n->name = inv_intern(inv, "nat-A");
    n->az_id = inv_intern(inv, "use1-az1");
    inv_eni *p = inv_eni_get(inv, "eni-peer");
    p->kind = ENI_WORKLOAD;
    p->name = inv_intern(inv, "db");
    p->subnet_id = inv_intern(inv, "subnet-az1");
    p->vpc_id = inv_intern(inv, "vpc-1");
    p->az_id = inv_intern(inv, "use1-az1");
    p->region = inv_intern(inv, "us-east-1");

    cost_result *r = xcalloc(1, sizeof *r);
    r->records = (agg_stats){.read = 9007199254740993ull, .used = 6, .malformed = 1, .nodata = 2,
                             .skipdata = 3, .rejected = 4};
    r->period_start = 1795219200; /* 2026-11-21T00:00:00Z */
    r->period_end = 1795219200 + 86400;
    r->period_hours = 24;
    r->n_eps = N_EPS;
    r->eps = xcalloc(N_EPS, sizeof *r->eps);
    r->eps[CLIENT] = (cost_endpoint){.ip = A("10.0.48.7"), .cls = EP_ENI, .eni = c, .kind = ENI_WORKLOAD, .region = "us-east-1"};
    r->eps[NATE] = (cost_endpoint){.ip = A("10.0.0.10"), .cls = EP_ENI, .eni = n, .kind = ENI_NAT_GATEWAY, .region = "us-east-1"};
    r->eps[PEER] = (cost_endpoint){.ip = A("10.0.16.5"), .cls = EP_ENI, .eni = p, .kind = ENI_WORKLOAD, .region = "us-east-1"};
    r->eps[INET] = (cost_endpoint){.ip = A("198.51.100.9"), .cls = EP_INTERNET};
    r->eps[S3EP] = (cost_endpoint){.ip = A("52.216.1.1"), .cls = EP_AWS, .service = "S3", .region = "us-east-1"};

    static const struct {
        uint32_t src, dst, via;
        uint8_t flags;
        uint64_t gib;
    } fl[] = {
        {CLIENT, INET, NATE, 0, 10},
        {INET, CLIENT, NATE, COST_FLOW_INBOUND, 40},
        {CLIENT, S3EP, NATE, 0, 1},
        {S3EP, CLIENT, NATE, COST_FLOW_INBOUND, 100},
        {CLIENT, PEER, COST_NONE, 0, 2},
        {PEER, CLIENT, COST_NONE, 0, 2},
    };
    r->n_flows = 6;
    r->flows = xcalloc(6, sizeof *r->flows);
    r->charges = xcalloc(32, sizeof *r->charges);
    for (uint32_t i = 0; i < 6; i++) {
        cost_flow *f = &r->flows[i];
        f->src = fl[i].src;
        f->dst = fl[i].dst;
        f->via = fl[i].via;
        f->flags = fl[i].flags;
        f->path = fl[i].via == NATE ? PATH_NAT : PATH_LOCAL;
        f->bytes = fl[i].gib * GIB;
        r->total_bytes += f->bytes;
        uint32_t far = fl[i].flags & COST_FLOW_INBOUND ? fl[i].src : fl[i].dst;
        uint64_t b = f->bytes;
        if (fl[i].via == NATE) {
            /* Every NATed byte: processing, and the client↔NAT hop crosses
             * AZs both halves paid by the client (the NAT is managed). */
            charge(r, i, CLIENT, far, CAT_NAT_PROCESSING, b, b, 0.045 * (double)fl[i].gib);
            charge(r, i, CLIENT, far, CAT_INTER_AZ, b, b, 0.01 * (double)fl[i].gib);
            charge(r, i, CLIENT, far, CAT_INTER_AZ, b, 0, 0.01 * (double)fl[i].gib);
            if (far == INET && !(fl[i].flags & COST_FLOW_INBOUND))
                charge(r, i, CLIENT, INET, CAT_INTERNET_EGRESS, b, b, 0.09 * (double)fl[i].gib);
        } else {
            charge(r, i, fl[i].src, fl[i].dst, CAT_INTER_AZ, b, b, 0.01 * (double)fl[i].gib);
            charge(r, i, fl[i].dst, fl[i].src, CAT_INTER_AZ, b, 0, 0.01 * (double)fl[i].gib);
        }
    }
    r->n_nats = 1;
    r->nats = xcalloc(1, sizeof *r->nats);
    r->nats[0] = (cost_nat){.id = "nat-A", .ep = NATE, .eni_id = "eni-nat", .az_id = "use1-az1",
                            .vpc_id = "vpc-1", .subnet_id = "subnet-az1", .name = "nat-A",
                            .bytes = 151 * GIB, .bytes_out = 11 * GIB, .bytes_in = 140 * GIB, .usd = 6.795};
    r->n_az_pairs = 2;
    r->az_pairs = xcalloc(2, sizeof *r->az_pairs);
    r->az_pairs[0] = (cost_az_pair){"use1-az1", "use1-az4", 142 * GIB, 2.84};
    r->az_pairs[1] = (cost_az_pair){"use1-az4", "use1-az1", 13 * GIB, 0.26};
    r->n_fixed = 1;
    r->fixed = xcalloc(1, sizeof *r->fixed);
    r->fixed[0] = (cost_fixed){"nat_gateway_hours", "nat-A", 24, 1.08};
    r->n_findings = 2;
    r->findings = xcalloc(2, sizeof *r->findings);
    cost_finding *f = &r->findings[0];
    f->kind = "s3_dynamodb_via_nat";
    f->title = xstrdup("S3 traffic through nat-A");
    f->change = xstrdup("Add an S3 gateway endpoint to vpc-1");
    f->n_resources = 2;
    f->resources = xcalloc(2, sizeof *f->resources);
    f->resources[0] = xstrdup("nat-A");
    f->resources[1] = xstrdup("10.0.48.7");
    f->service = "S3";
    f->region = "us-east-1";
    f->period_usd = 6.565;
    f->monthly_savings_usd = 196.95;
    f->net_monthly_savings_usd = 196.95;
    f->n_evidence = 1;
    f->evidence = xcalloc(1, sizeof *f->evidence);
    f->evidence[0] = (cost_evidence){xstrdup("10.0.48.7 \xe2\x86\x92 nat-A \xe2\x86\x92 S3 us-east-1"), 101 * GIB, 6.565};
    f = &r->findings[1];
    f->kind = "cross_az_nat";
    f->title = xstrdup("Clients in use1-az4 use nat-A in use1-az1");
    f->period_usd = 3.02;
    f->monthly_savings_usd = 90.60;
    f->extra_fixed_monthly_usd = 32.85;
    f->net_monthly_savings_usd = 57.75;
    r->savings_total_monthly_usd = 194.10;
    r->monthly_run_rate_usd = 10.795 * 30;
    r->rates_source = "embedded";
    r->ipranges_version = "1500590532-flowcost-subset";
    r->n_reject_sources = 1;
    r->reject_sources = xcalloc(1, sizeof *r->reject_sources);
    r->reject_sources[0].src = A("203.0.113.7");
    r->reject_sources[0].records = 42;
    r->reject_sources[0].ports[0] = 22;
    r->reject_sources[0].ports[1] = 3389;
    r->reject_sources[0].n_ports = 2;
    return r;
}

static const cJSON *get(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v) {
        check_failed++;
        fprintf(stderr, "missing key \"%s\"\n", k);
    }
    return v;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = get(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1e300;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = get(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_example(void)
{
    inventory *inv = inv_new();
    cost_result *r = worked_example(inv);
    char *text = json_result(r, 0);
    cJSON *root = cJSON_Parse(text);
    CHECK(root != NULL);
    if (!root) {
        fprintf(stderr, "%s\n", text);
        return;
    }
    /* The contract's top-level keys, in this order. */
    static const char *const keys[] = {"period", "records", "totals", "top_ips", "nat_gateways", "inter_az",
                                       "fixed", "findings", "savings_total_monthly_usd"};
    const cJSON *it = root->child;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++, it = it ? it->next : NULL)
        CHECK_STR(it ? it->string : NULL, keys[i]);

    const cJSON *per = get(root, "period");
    CHECK_STR(str(per, "start"), "2026-11-21T00:00:00Z");
    CHECK_STR(str(per, "end"), "2026-11-22T00:00:00Z");
    const cJSON *rec = get(root, "records");
    CHECK(num(rec, "used") == 6);
    CHECK(num(rec, "malformed") == 1);
    CHECK(num(rec, "nodata") == 2);
    CHECK(num(rec, "skipdata") == 3);
    CHECK(num(rec, "rejected") == 4);
    CHECK(strstr(text, "9007199254740993") != NULL); /* 2^53 + 1, not rounded through a double */

    const cJSON *tot = get(root, "totals");
    CHECK_NEAR(num(tot, "cost_usd"), 10.795, 1e-9);
    CHECK(num(tot, "bytes") == 155.0 * GIB);
    CHECK(strstr(text, "10.795000") != NULL);
    const cJSON *bc = get(tot, "by_category");
    static const char *const cats[] = {"nat_processing", "inter_az", "internet_egress", "inter_region",
                                       "interface_endpoint", "transit_gateway", "regional_public", "free",
                                       "unknown_private"};
    double sum = 0;
    it = bc ? bc->child : NULL;
    for (size_t i = 0; i < sizeof cats / sizeof *cats; i++, it = it ? it->next : NULL) {
        CHECK_STR(it ? it->string : NULL, cats[i]);
        if (it) sum += num(it, "cost_usd");
    }
    CHECK(it == NULL);
    CHECK_NEAR(sum, 10.795, 0.005);
    CHECK_NEAR(num(get(bc, "nat_processing"), "cost_usd"), 6.795, 1e-9);
    CHECK_NEAR(num(get(bc, "internet_egress"), "cost_usd"), 0.90, 1e-9);
    CHECK_NEAR(num(get(bc, "inter_az"), "cost_usd"), 3.10, 1e-9);
    CHECK(num(get(bc, "nat_processing"), "bytes") == 151.0 * GIB);
    CHECK(num(get(bc, "inter_az"), "bytes") == 155.0 * GIB); /* each crossing byte once */
    CHECK(num(get(bc, "free"), "cost_usd") == 0);

    const cJSON *top = get(root, "top_ips");
    CHECK(cJSON_GetArraySize(top) == 2);
    const cJSON *t0 = cJSON_GetArrayItem(top, 0), *t1 = cJSON_GetArrayItem(top, 1);
    CHECK_STR(str(t0, "ip"), "10.0.48.7");
    CHECK_NEAR(num(t0, "cost_usd"), 10.755, 1e-9);
    CHECK_STR(str(t0, "eni"), "eni-client");
    CHECK_STR(str(t0, "name"), "app \"blue\"\n\xc3\xa9t\xc3\xa9"); /* escaped and read back intact */
    CHECK_STR(str(t0, "subnet"), "subnet-az4");
    CHECK_STR(str(t0, "vpc"), "vpc-1");
    CHECK_STR(str(t0, "az"), "use1-az4");
    CHECK_STR(str(t0, "kind"), "workload");
    CHECK_NEAR(num(get(get(t0, "by_category"), "inter_az"), "cost_usd"), 3.06, 1e-9);
    CHECK_NEAR(num(get(get(t0, "by_category"), "nat_processing"), "cost_usd"), 6.795, 1e-9);
    CHECK_STR(str(t1, "ip"), "10.0.16.5");
    CHECK_NEAR(num(t1, "cost_usd"), 0.04, 1e-9);
    CHECK_NEAR(num(t0, "cost_usd") + num(t1, "cost_usd"), num(tot, "cost_usd"), 0.005);

    const cJSON *nat = cJSON_GetArrayItem(get(root, "nat_gateways"), 0);
    CHECK_STR(str(nat, "id"), "nat-A");
    CHECK_STR(str(nat, "eni"), "eni-nat");
    CHECK_STR(str(nat, "az"), "use1-az1");
    CHECK(num(nat, "bytes") == 151.0 * GIB);
    CHECK_NEAR(num(nat, "cost_usd"), 6.795, 1e-9);
    const cJSON *srcs = get(nat, "sources"), *dsts = get(nat, "destinations");
    CHECK(cJSON_GetArraySize(srcs) == 1);
    CHECK_STR(str(cJSON_GetArrayItem(srcs, 0), "ip"), "10.0.48.7");
    CHECK(num(cJSON_GetArrayItem(srcs, 0), "bytes") == 151.0 * GIB);
    CHECK_NEAR(num(cJSON_GetArrayItem(srcs, 0), "cost_usd"), 6.795, 1e-9);
    CHECK(cJSON_GetArraySize(dsts) == 2);
    const cJSON *d0 = cJSON_GetArrayItem(dsts, 0), *d1 = cJSON_GetArrayItem(dsts, 1);
    CHECK_STR(str(d0, "service"), "S3"); /* 101 GiB, 4.545 first */
    CHECK_STR(str(d0, "region"), "us-east-1");
    CHECK_NEAR(num(d0, "cost_usd"), 101 * 0.045, 1e-9);
    CHECK_STR(str(d1, "ip"), "198.51.100.9");
    CHECK_STR(str(d1, "class"), "internet");
    CHECK(num(d1, "bytes") == 50.0 * GIB);

    const cJSON *az = get(root, "inter_az");
    CHECK(cJSON_GetArraySize(az) == 2);
    CHECK_STR(str(cJSON_GetArrayItem(az, 0), "src_az"), "use1-az1");
    CHECK_STR(str(cJSON_GetArrayItem(az, 0), "dst_az"), "use1-az4");
    CHECK_NEAR(num(cJSON_GetArrayItem(az, 0), "cost_usd") + num(cJSON_GetArrayItem(az, 1), "cost_usd"), 3.10, 1e-9);

    const cJSON *fx = cJSON_GetArrayItem(get(root, "fixed"), 0);
    CHECK_STR(str(fx, "kind"), "nat_gateway_hours");
    CHECK_STR(str(fx, "id"), "nat-A");
    CHECK(num(fx, "hours") == 24);
    CHECK_NEAR(num(fx, "cost_usd"), 1.08, 1e-9);

    const cJSON *fs = get(root, "findings");
    CHECK(cJSON_GetArraySize(fs) == 2);
    const cJSON *f0 = cJSON_GetArrayItem(fs, 0), *f1 = cJSON_GetArrayItem(fs, 1);
    CHECK_STR(str(f0, "kind"), "s3_dynamodb_via_nat");
    CHECK_STR(str(f0, "service"), "S3");
    CHECK_STR(str(f0, "region"), "us-east-1");
    CHECK(cJSON_GetArraySize(get(f0, "resources")) == 2);
    CHECK_STR(cJSON_GetArrayItem(get(f0, "resources"), 1)->valuestring, "10.0.48.7");
    CHECK_NEAR(num(f0, "monthly_savings_usd"), 196.95, 1e-9);
    CHECK_NEAR(num(f0, "extra_fixed_monthly_usd"), 0, 1e-9);
    CHECK_NEAR(num(f0, "net_monthly_savings_usd"), 196.95, 1e-9);
    const cJSON *ev = get(f0, "evidence");
    CHECK(cJSON_IsObject(ev));
    CHECK_STR(str(cJSON_GetArrayItem(get(ev, "rows"), 0), "label"),
              "10.0.48.7 \xe2\x86\x92 nat-A \xe2\x86\x92 S3 us-east-1");
    CHECK_STR(str(f1, "kind"), "cross_az_nat");
    CHECK(cJSON_IsNull(get(f1, "service")));
    CHECK_NEAR(num(f1, "monthly_savings_usd"), 90.60, 1e-9);
    CHECK_NEAR(num(f1, "extra_fixed_monthly_usd"), 32.85, 1e-9);
    CHECK_NEAR(num(f1, "net_monthly_savings_usd"), 57.75, 1e-9);
    CHECK_NEAR(num(root, "savings_total_monthly_usd"), 194.10, 1e-9);
    CHECK(strstr(text, "194.100000") != NULL);
    const cJSON *rs = cJSON_GetArrayItem(get(root, "rejected_sources"), 0);
    CHECK_STR(str(rs, "ip"), "203.0.113.7");
    CHECK(cJSON_GetArraySize(get(rs, "ports")) == 2);

    /* Deterministic: the same result prints the same bytes. */
    char *again = json_result(r, 0);
    CHECK(strcmp(text, again) == 0);
    free(again);
    /* --top 1 keeps the costliest payer only. */
    char *one = json_result(r, 1);
    cJSON *r1 = cJSON_Parse(one);
    CHECK(r1 && cJSON_GetArraySize(cJSON_GetObjectItem(r1, "top_ips")) == 1);
    cJSON_Delete(r1);
    free(one);

    cJSON_Delete(root);
    free(text);
    cost_result_free(r);
    inv_free(inv);
}

static void test_empty(void)
{
    cost_result *r = xcalloc(1, sizeof *r);
    char *text = json_result(r, 50);
    cJSON *root = cJSON_Parse(text);
    CHECK(root != NULL);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "period"), "start")));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(root, "top_ips")) == 0);
    CHECK(strstr(text, "-0.0") == NULL);
    cJSON_Delete(root);
    free(text);
    free(r);
}

int main(void)
{
    test_example();
    test_empty();
    return check_done();
}
