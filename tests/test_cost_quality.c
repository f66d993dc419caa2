/* test_cost_quality: figures built on guesses say so (cost-model.md §4, last
 * invariant). Small hand-built traffic with and without a snapshot, in v2
 * and v5 shapes: which categories data_quality lists as lower bounds or
 * estimates, with how many bytes, the notice sentences naming them, the
 * JSON keys, and silence when everything is known. Byte figures are the
 * records' own bytes, added up by hand in the comments. */
#include <cjson/cJSON.h>

#include "check.h"
#include "cost_fixture.h"
#include "json_out.h"

/* The bytes of the bound (category, reason, lower?), or 0 when absent. */
static uint64_t bound(const cost_result *r, cost_cat cat, cost_guess why, bool lower)
{
    for (size_t i = 0; i < r->n_bounds; i++)
        if (r->bounds[i].cat == cat && r->bounds[i].reason == why && r->bounds[i].lower == lower)
            return r->bounds[i].bytes;
    return 0;
}

/* Is there a notice holding every one of the NULL-terminated words? */
static bool notice_has(const cost_result *r, const char *const *words)
{
    for (size_t i = 0; i < r->n_notices; i++) {
        bool all = true;
        for (size_t k = 0; words[k] && all; k++) all = strstr(r->notices[i], words[k]) != NULL;
        if (all) return true;
    }
    return false;
}
#define HAS(r, ...) notice_has((r), (const char *const[]){__VA_ARGS__, NULL})

/* v2, no snapshot: eni-a (10.0.1.10) sends 1 GiB to eni-b (10.0.2.20) and
 * 2 GiB to 140.82.112.3; eni-b logs its side too.
 *  - 10.0.1.10 is eni-a's (the only private end of its Internet record),
 *    so 10.0.2.20 is eni-b's; their AZs are unknown → inter_az is a lower
 *    bound for the 1 GiB hop (priced once, from eni-a's record);
 *  - their kinds are unknown → interface_endpoint and transit_gateway are
 *    lower bounds for the same 1 GiB;
 *  - nothing says the 2 GiB did not go through a NAT gateway → nat_processing
 *    is a lower bound for 2 GiB;
 *  - no pkt-* fields → internet_egress (2 GiB charged) may be overstated. */
static void v2_no_snapshot(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    fx_rec(x.a, "eni-a", "10.0.1.10", "10.0.2.20", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-b", "10.0.1.10", "10.0.2.20", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-a", "10.0.1.10", "140.82.112.3", NULL, NULL, 0, 2 * GiB, FL_ACCEPT, 0);
    fx_price(&x, "v2 no snapshot");
    const cost_result *r = x.r;
    if (r) {
        CHECK_STR(r->inventory, "learned");
        CHECK(bound(r, CAT_INTER_AZ, GUESS_AZ_UNKNOWN, true) == GiB);
        CHECK(bound(r, CAT_INTERFACE_ENDPOINT, GUESS_KIND_UNKNOWN, true) == GiB);
        CHECK(bound(r, CAT_TRANSIT_GATEWAY, GUESS_KIND_UNKNOWN, true) == GiB);
        CHECK(bound(r, CAT_NAT_PROCESSING, GUESS_NAT_PATH_UNKNOWN, true) == 2 * GiB);
        CHECK(bound(r, CAT_INTERNET_EGRESS, GUESS_NAT_UNRECOGNISED, false) == 2 * GiB);
        CHECK(r->n_bounds == 5);
        CHECK(r->n_notices == 4);
        CHECK(HAS(r, "no ENI snapshot", "inter_az is a lower bound", "1.00 GiB"));
        CHECK(HAS(r, "interface_endpoint, transit_gateway are lower bounds", "2 ENIs", "1.00 GiB"));
        CHECK(HAS(r, "nat_processing is a lower bound", "2.00 GiB"));
        CHECK(HAS(r, "internet_egress may be overstated", "2.00 GiB"));
        /* The JSON carries the same list, machine-readable. */
        char *js = json_result(r, 0);
        cJSON *root = cJSON_Parse(js);
        const cJSON *dq = cJSON_GetObjectItemCaseSensitive(root, "data_quality");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(dq, "inventory")), "learned");
        const cJSON *lb = cJSON_GetObjectItemCaseSensitive(dq, "lower_bounds");
        const cJSON *es = cJSON_GetObjectItemCaseSensitive(dq, "estimates");
        CHECK(cJSON_GetArraySize(lb) == 4);
        CHECK(cJSON_GetArraySize(es) == 1);
        const cJSON *first = cJSON_GetArrayItem(lb, 0);
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(first, "category")), "inter_az");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(first, "reason")), "az_unknown");
        CHECK(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(first, "bytes")) == (double)GiB);
        CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(dq, "notices")) == 4);
        cJSON_Delete(root);
        free(js);
    }
    fx_done(&x);
}

/* v5 without a snapshot: az-id and traffic-path are in the records, so
 * inter_az and nat_processing are exact; only the kinds stay unknown.
 * eni-a (use1-az1) sends 1 GiB to eni-b (use1-az2): inter_az charged
 * 1 GiB, which may be a free ALB hop; interface_endpoint and
 * transit_gateway are lower bounds for that GiB. 2 GiB to the Internet
 * with traffic-path 8 (Internet gateway): no NAT guess. */
static void v5_no_snapshot(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    agg_note_eni(x.a, "eni-a", "vpc-1", "subnet-1", NULL, "use1-az1", NULL, "us-east-1");
    agg_note_eni(x.a, "eni-b", "vpc-1", "subnet-2", NULL, "use1-az2", NULL, "us-east-1");
    fx_rec(x.a, "eni-a", "10.0.1.10", "10.0.2.20", "10.0.1.10", "10.0.2.20", FL_EGRESS, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-b", "10.0.1.10", "10.0.2.20", "10.0.1.10", "10.0.2.20", FL_INGRESS, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-a", "10.0.1.10", "140.82.112.3", "10.0.1.10", "140.82.112.3", FL_EGRESS, 2 * GiB,
           FL_ACCEPT, 8);
    fx_price(&x, "v5 no snapshot");
    const cost_result *r = x.r;
    if (r) {
        CHECK_STR(r->inventory, "learned");
        CHECK(bound(r, CAT_INTER_AZ, GUESS_AZ_UNKNOWN, true) == 0);
        CHECK(bound(r, CAT_NAT_PROCESSING, GUESS_NAT_PATH_UNKNOWN, true) == 0);
        CHECK(bound(r, CAT_INTERFACE_ENDPOINT, GUESS_KIND_UNKNOWN, true) == GiB);
        CHECK(bound(r, CAT_TRANSIT_GATEWAY, GUESS_KIND_UNKNOWN, true) == GiB);
        CHECK(bound(r, CAT_INTER_AZ, GUESS_KIND_UNKNOWN, false) == GiB);
        CHECK(r->n_bounds == 3);
        CHECK(r->n_notices == 1);
        CHECK(HAS(r, "interface_endpoint, transit_gateway are lower bounds",
                  "inter_az may include free load-balancer hops", "1.00 GiB"));
        CHECK_NEAR(r->cat_usd[CAT_INTER_AZ], 0.02, 1e-12);
        CHECK_NEAR(r->cat_usd[CAT_INTERNET_EGRESS], 0.18, 1e-12);
    }
    fx_done(&x);
}

/* The same v5 traffic with both ENIs in a snapshot: nothing is guessed,
 * so no bound and no notice (the sample report must stay as it is). */
static void full_snapshot(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    fx_eni(x.inv, "eni-a", "10.0.1.10", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-1", NULL);
    fx_eni(x.inv, "eni-b", "10.0.2.20", ENI_WORKLOAD, "use1-az2", "vpc-1", "subnet-2", NULL);
    inv_add_source(x.inv, INV_FROM_SNAPSHOT, T0);
    inv_finalize(x.inv);
    fx_rec(x.a, "eni-a", "10.0.1.10", "10.0.2.20", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-b", "10.0.1.10", "10.0.2.20", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-a", "10.0.1.10", "140.82.112.3", NULL, NULL, 0, 2 * GiB, FL_ACCEPT, 0);
    fx_price(&x, "full snapshot");
    if (x.r) {
        CHECK_STR(x.r->inventory, "snapshot");
        CHECK(x.r->n_bounds == 0);
        CHECK(x.r->n_notices == 0);
        CHECK_NEAR(x.r->total_usd, 0.02 + 0.18, 1e-12);
    }
    fx_done(&x);
}

/* A snapshot that misses eni-b: the inventory is "mixed"; eni-b's kind and
 * AZ are unknown, so its 1 GiB from eni-a is an inter_az lower bound and a
 * kind_unknown one; the notice says which ENIs are the cause. */
static void mixed_inventory(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    fx_eni(x.inv, "eni-a", "10.0.1.10", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-1", NULL);
    inv_add_source(x.inv, INV_FROM_SNAPSHOT, T0);
    inv_finalize(x.inv);
    fx_rec(x.a, "eni-b", "10.0.1.10", "10.0.2.20", NULL, NULL, FL_INGRESS, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-a", "10.0.1.10", "10.0.2.20", NULL, NULL, FL_EGRESS, GiB, FL_ACCEPT, 0);
    fx_price(&x, "mixed");
    if (x.r) {
        CHECK_STR(x.r->inventory, "mixed");
        CHECK(bound(x.r, CAT_INTER_AZ, GUESS_AZ_UNKNOWN, true) == GiB);
        CHECK(bound(x.r, CAT_INTERFACE_ENDPOINT, GUESS_KIND_UNKNOWN, true) == GiB);
        CHECK(HAS(x.r, "ENIs without an AZ ID", "inter_az is a lower bound"));
        CHECK(HAS(x.r, "ENIs missing from the snapshot", "interface_endpoint, transit_gateway are lower bounds"));
    }
    fx_done(&x);
}

/* NAT traffic estimated (§2): the snapshot knows nat-1 (use1-az1) and the
 * client (use1-az2, no public IP), but only the client logs. Its 3 GiB out
 * to 140.82.112.3 is charged to nat-1: nat_processing 3 GiB and the
 * client↔NAT inter_az of those 3 GiB are estimates. */
static void nat_estimated(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    fx_eni(x.inv, "eni-nat-1", "10.0.0.10", ENI_NAT_GATEWAY, "use1-az1", "vpc-1", "subnet-1", "nat-1");
    fx_eni(x.inv, "eni-c", "10.0.2.30", ENI_WORKLOAD, "use1-az2", "vpc-1", "subnet-2", NULL);
    inv_add_source(x.inv, INV_FROM_SNAPSHOT, T0);
    inv_finalize(x.inv);
    fx_rec(x.a, "eni-c", "10.0.2.30", "140.82.112.3", NULL, NULL, 0, 3 * GiB, FL_ACCEPT, 0);
    fx_price(&x, "nat estimated");
    if (x.r) {
        CHECK(x.r->estimated_bytes == 3 * GiB);
        CHECK(bound(x.r, CAT_NAT_PROCESSING, GUESS_NAT_ESTIMATED, false) == 3 * GiB);
        CHECK(bound(x.r, CAT_INTER_AZ, GUESS_NAT_ESTIMATED, false) == 3 * GiB);
        CHECK(x.r->n_notices == 1);
        CHECK(HAS(x.r, "nat_processing, inter_az are estimated", "3.00 GiB"));
        CHECK_STR(x.r->inventory, "snapshot");
    }
    fx_done(&x);
}

/* IPv6, v2, one conversation: no rule gives either address to eni-v6, so
 * the 1 + 2 GiB are unknown_private — and the notice says other categories
 * may be low by that much. */
static void owner_unknown(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    fx_rec(x.a, "eni-v6", "2600:1f18::10", "2606:4700::1111", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-v6", "2606:4700::1111", "2600:1f18::10", NULL, NULL, 0, 2 * GiB, FL_ACCEPT, 0);
    fx_price(&x, "owner unknown");
    if (x.r) {
        CHECK(bound(x.r, CAT_UNKNOWN_PRIVATE, GUESS_OWNER_UNKNOWN, false) == 3 * GiB);
        CHECK(HAS(x.r, "3.00 GiB could not be given to an ENI of ours", "unknown_private"));
    }
    fx_done(&x);
}

/* A snapshot without DescribeSubnets: eni-a and eni-b have no AZ ID.
 * With v4+ records (az-id use1-az1 / use1-az2) the records give it, so the
 * 1 GiB hop (logged at both ENIs, priced once from the sender's) is inter_az: 1 × 0.02 = $0.02, nothing guessed. With v2
 * records nothing gives it: inter_az $0 and a lower bound of 1 GiB, the
 * notice naming "ENIs without an AZ ID". */
static void snapshot_without_subnets(void)
{
    for (int v4 = 0; v4 < 2; v4++) {
        fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
        fx_eni(x.inv, "eni-a", "10.0.1.10", ENI_WORKLOAD, NULL, "vpc-1", NULL, NULL);
        fx_eni(x.inv, "eni-b", "10.0.2.20", ENI_WORKLOAD, NULL, "vpc-1", NULL, NULL);
        inv_add_source(x.inv, INV_FROM_SNAPSHOT, T0);
        inv_finalize(x.inv);
        if (v4) {
            agg_note_eni(x.a, "eni-a", "vpc-1", NULL, NULL, "use1-az1", NULL, "us-east-1");
            agg_note_eni(x.a, "eni-b", "vpc-1", NULL, NULL, "use1-az2", NULL, "us-east-1");
        }
        fx_rec(x.a, "eni-a", "10.0.1.10", "10.0.2.20", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
        fx_rec(x.a, "eni-b", "10.0.1.10", "10.0.2.20", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
        fx_price(&x, v4 ? "snapshot without subnets, v4" : "snapshot without subnets, v2");
        if (x.r) {
            CHECK_STR(x.r->inventory, "snapshot");
            if (v4) {
                CHECK_NEAR(x.r->cat_usd[CAT_INTER_AZ], 0.02, 1e-12);
                CHECK(x.r->n_bounds == 0);
                CHECK(x.r->n_notices == 0);
            } else {
                CHECK(x.r->cat_usd[CAT_INTER_AZ] == 0);
                CHECK(bound(x.r, CAT_INTER_AZ, GUESS_AZ_UNKNOWN, true) == GiB);
                CHECK(x.r->n_bounds == 1);
                CHECK(HAS(x.r, "ENIs without an AZ ID: inter_az is a lower bound", "1.00 GiB"));
            }
        }
        fx_done(&x);
    }
}

int main(void)
{
    snapshot_without_subnets();
    v2_no_snapshot();
    v5_no_snapshot();
    full_snapshot();
    mixed_inventory();
    nat_estimated();
    owner_unknown();
    return check_done();
}
