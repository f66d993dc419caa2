/* test_cost_lb_targets: an Internet-facing ALB with 20 targets. Its egress
 * to an Internet client is paid by the targets in proportion to the bytes
 * each sent it (cost-model.md §3), so every unit of that one flow makes one
 * charge per target: more than a flow's short charge list holds (16), and
 * the second hour's unit must find each target's charge again (through the
 * charge map the list moved into), not make a second one.
 *
 * Target i (i = 0..19, 10.0.1.(i + 1), az1 like the ALB) sends 1000 (i + 1)
 * bytes to the ALB: 210,000 in all. The ALB sends 210,000 bytes to
 * 198.51.100.7 in hour 0 and 420,000 in hour 1. Target i's share: (i + 1) /
 * 210 of each, 1000 (i + 1) + 2000 (i + 1) = 3000 (i + 1) bytes, on one
 * charge of the flow ALB -> client; at $0.09 a GiB that is 3000 (i + 1) /
 * 2^30 x 0.09 dollars. */
#include <math.h>

#include "check.h"
#include "cost_fixture.h"
#include "cost_int.h"

int main(void)
{
    inventory *inv = inv_new();
    fx_eni(inv, "eni-alb", "10.0.0.50", ENI_ALB, "use1-az1", "vpc-a", "subnet-a", "app/web/1");
    char id[32], ip[32];
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "eni-t%02d", i);
        snprintf(ip, sizeof ip, "10.0.1.%d", i + 1);
        fx_eni(inv, id, ip, ENI_WORKLOAD, "use1-az1", "vpc-a", "subnet-a", NULL);
    }
    inv_finalize(inv);
    agg *a = agg_new();
    int32_t h0 = T0 / 3600;
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "eni-t%02d", i);
        snprintf(ip, sizeof ip, "10.0.1.%d", i + 1);
        fx_rec_hour(a, id, ip, "10.0.0.50", NULL, NULL, FL_EGRESS, 1000u * (uint64_t)(i + 1), FL_ACCEPT, 0, h0);
    }
    fx_rec_hour(a, "eni-alb", "10.0.0.50", "198.51.100.7", NULL, NULL, FL_EGRESS, 210000, FL_ACCEPT, 0, h0);
    fx_rec_hour(a, "eni-alb", "10.0.0.50", "198.51.100.7", NULL, NULL, FL_EGRESS, 420000, FL_ACCEPT, 0, h0 + 1);
    rate_table *rt = fx_rates();
    cost_options o;
    cost_options_default(&o);
    char err[256] = "";
    cost_result *r = cost_run(a, inv, NULL, rt, &o, err, sizeof err);
    CHECK(r != NULL);
    if (!r) return check_done();
    ip128 x = fx_ip("10.0.0.50"), y = fx_ip("198.51.100.7");
    uint32_t alb = cost_ep_find(r, &x), client = cost_ep_find(r, &y);
    CHECK(alb != COST_NONE && client != COST_NONE);
    size_t flow = SIZE_MAX;
    for (size_t i = 0; i < r->n_flows; i++)
        if (r->flows[i].src == alb && r->flows[i].dst == client) flow = i;
    CHECK(flow != SIZE_MAX);
    CHECK(flow != SIZE_MAX && r->flows[flow].bytes == 630000);
    int n = 0, bad = 0;
    for (size_t i = 0; i < r->n_charges; i++) {
        const cost_charge *ch = &r->charges[i];
        if (ch->flow != flow) continue;
        n++;
        char txt[IP_STRLEN];
        ip_format(&r->eps[ch->payer].ip, txt, sizeof txt);
        int t = atoi(strrchr(txt, '.') + 1) - 1; /* 10.0.1.(t + 1) */
        uint64_t want = 3000u * (uint64_t)(t + 1);
        if (ch->cat != CAT_INTERNET_EGRESS || ch->bytes != want || ch->bytes_counted != want ||
            fabs(ch->usd - (double)want / 1073741824.0 * 0.09) > 1e-15)
            bad++;
    }
    CHECK(n == 20);
    CHECK(bad == 0);
    /* 630,000 bytes leave for the Internet in all */
    CHECK(r->cat_bytes[CAT_INTERNET_EGRESS] == 630000);
    fx_check_sums(r, "lb targets", true);
    cost_result_free(r);
    rates_free(rt);
    agg_free(a);
    inv_free(inv);
    return check_done();
}
