/* test_baseline: two hand-built weeks → deltas per category, per NAT gateway
 * and per payer IP (new and vanished), and the JSON `baseline` key. Every
 * expected figure below is worked out by hand from the two weeks. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "check.h"
#include "baseline_json.h"
#include "cost.h"
#include "ip.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static cost_endpoint ep(const char *ip, double usd, uint64_t out, uint64_t in)
{
    cost_endpoint e;
    memset(&e, 0, sizeof e);
    ip_parse(ip, strlen(ip), &e.ip);
    e.cls = EP_ENI;
    e.usd = usd;
    e.bytes_out = out;
    e.bytes_in = in;
    return e;
}

static const baseline_row *find(const baseline_row *rows, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].key, key) == 0) return &rows[i];
    return NULL;
}

int main(void)
{
    /* Week 1 (the baseline): $100 = NAT 40 + inter-AZ 10 + egress 50.
     * nat-A processed 4,000 bytes for $40. Payers: .5 pays 60, .6 pays 40;
     * .7 only receives (pays 0, so it is not a payer). */
    cost_endpoint w1_eps[] = {ep("10.0.1.5", 60, 1000, 10), ep("10.0.1.6", 40, 2000, 20),
                              ep("10.0.1.7", 0, 0, 500)};
    cost_nat w1_nats[] = {{.id = "nat-A", .usd = 40, .bytes = 4000}};
    cost_result w1;
    memset(&w1, 0, sizeof w1);
    w1.period_start = 1763337600; /* 2025-11-17T00:00:00Z */
    w1.period_end = 1763942400;   /* 2025-11-24T00:00:00Z */
    w1.total_usd = 100;
    w1.total_bytes = 7000;
    w1.cat_usd[CAT_NAT_PROCESSING] = 40;
    w1.cat_bytes[CAT_NAT_PROCESSING] = 4000;
    w1.cat_usd[CAT_INTER_AZ] = 10;
    w1.cat_usd[CAT_INTERNET_EGRESS] = 50;
    w1.eps = w1_eps;
    w1.n_eps = 3;
    w1.nats = w1_nats;
    w1.n_nats = 1;

    /* Week 2: $130 = NAT 20 + inter-AZ 30 + egress 80. nat-A fell to $15,
     * nat-B is new at $5. .5 now pays 90 (+30), .6 is gone (-40), .8 is a
     * new payer at 40 (+40). Endpoints deliberately unsorted. */
    cost_endpoint w2_eps[] = {ep("10.0.1.8", 40, 300, 0), ep("10.0.1.5", 90, 5000, 50),
                              ep("10.0.1.7", 0, 0, 9)};
    cost_nat w2_nats[] = {{.id = "nat-B", .usd = 5, .bytes = 500, .name = "egress-b"},
                          {.id = "nat-A", .usd = 15, .bytes = 1500}};
    cost_result w2;
    memset(&w2, 0, sizeof w2);
    w2.period_start = 1763942400;
    w2.period_end = 1764547200;
    w2.total_usd = 130;
    w2.total_bytes = 9000;
    w2.cat_usd[CAT_NAT_PROCESSING] = 20;
    w2.cat_bytes[CAT_NAT_PROCESSING] = 2000;
    w2.cat_usd[CAT_INTER_AZ] = 30;
    w2.cat_usd[CAT_INTERNET_EGRESS] = 80;
    w2.eps = w2_eps;
    w2.n_eps = 3;
    w2.nats = w2_nats;
    w2.n_nats = 2;

    baseline_diff *d = baseline_compare(&w1, &w2);
    CHECK(NEAR(d->before_total, 100) && NEAR(d->after_total, 130) && NEAR(d->delta_total, 30));

    /* Categories: all of them, in spec order. */
    CHECK(d->n_cats == CAT_COUNT);
    for (int c = 0; c < CAT_COUNT; c++) CHECK(strcmp(d->cats[c].key, cost_cat_name((cost_cat)c)) == 0);
    const baseline_row *nat = &d->cats[CAT_NAT_PROCESSING];
    CHECK(NEAR(nat->delta_usd, -20) && NEAR(nat->pct, -50));
    CHECK(nat->before_bytes == 4000 && nat->after_bytes == 2000);
    CHECK(NEAR(d->cats[CAT_INTER_AZ].delta_usd, 20) && NEAR(d->cats[CAT_INTER_AZ].pct, 200));
    CHECK(NEAR(d->cats[CAT_INTERNET_EGRESS].delta_usd, 30) && NEAR(d->cats[CAT_INTERNET_EGRESS].pct, 60));
    CHECK(NEAR(d->cats[CAT_FREE].delta_usd, 0) && isnan(d->cats[CAT_FREE].pct));

    /* NAT gateways: nat-A -25 (-62.5 %), nat-B new +5; |delta| desc. */
    CHECK(d->n_nats == 2);
    CHECK(strcmp(d->nats[0].key, "nat-A") == 0 && NEAR(d->nats[0].delta_usd, -25));
    CHECK(NEAR(d->nats[0].pct, -62.5) && d->nats[0].status == 0);
    CHECK(d->nats[0].before_bytes == 4000 && d->nats[0].after_bytes == 1500);
    CHECK(strcmp(d->nats[1].key, "nat-B") == 0 && d->nats[1].status == 1);
    CHECK(NEAR(d->nats[1].before_usd, 0) && NEAR(d->nats[1].delta_usd, 5) && isnan(d->nats[1].pct));
    CHECK(d->nats[1].name && strcmp(d->nats[1].name, "egress-b") == 0);

    /* IPs: .6 vanished -40 and .8 new +40 tie on |delta|, broken by key;
     * then .5 +30 (+50 %). .7 never paid, so it is not listed. */
    CHECK(d->n_ips == 3);
    CHECK(strcmp(d->ips[0].key, "10.0.1.6") == 0 && d->ips[0].status == -1);
    CHECK(NEAR(d->ips[0].delta_usd, -40) && NEAR(d->ips[0].pct, -100));
    CHECK(d->ips[0].before_bytes == 2020 && d->ips[0].after_bytes == 0);
    CHECK(strcmp(d->ips[1].key, "10.0.1.8") == 0 && d->ips[1].status == 1);
    CHECK(NEAR(d->ips[1].delta_usd, 40) && isnan(d->ips[1].pct));
    CHECK(strcmp(d->ips[2].key, "10.0.1.5") == 0 && d->ips[2].status == 0);
    CHECK(NEAR(d->ips[2].delta_usd, 30) && NEAR(d->ips[2].pct, 50));
    CHECK(d->ips[2].before_bytes == 1010 && d->ips[2].after_bytes == 5050);
    CHECK(!find(d->ips, d->n_ips, "10.0.1.7"));

    /* JSON: appended as the last key of an existing object; parses. */
    const char *base = "{\n  \"totals\": {\"cost_usd\": 130}\n}\n";
    char *js = baseline_json_add(base, d, 2);
    cJSON *root = js ? cJSON_Parse(js) : NULL;
    CHECK(root != NULL);
    if (root) {
        CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "totals"), "cost_usd")->valuedouble == 130);
        cJSON *bl = cJSON_GetObjectItem(root, "baseline");
        CHECK(bl && cJSON_IsObject(bl));
        cJSON *per = cJSON_GetObjectItem(bl, "period");
        CHECK(strcmp(cJSON_GetObjectItem(per, "start")->valuestring, "2025-11-17T00:00:00Z") == 0);
        CHECK(strcmp(cJSON_GetObjectItem(per, "end")->valuestring, "2025-11-24T00:00:00Z") == 0);
        cJSON *tot = cJSON_GetObjectItem(bl, "totals");
        CHECK(cJSON_GetObjectItem(tot, "delta_usd")->valuedouble == 30);
        CHECK(cJSON_GetObjectItem(tot, "pct")->valuedouble == 30);
        CHECK(cJSON_GetObjectItem(tot, "before_bytes")->valuedouble == 7000);
        cJSON *cats = cJSON_GetObjectItem(bl, "by_category");
        CHECK(cJSON_GetArraySize(cats) == CAT_COUNT);
        cJSON *c0 = cJSON_GetObjectItem(cats, cost_cat_name(CAT_NAT_PROCESSING));
        CHECK(c0 && cJSON_GetObjectItem(c0, "delta_usd")->valuedouble == -20);
        cJSON *cf = cJSON_GetObjectItem(cats, cost_cat_name(CAT_FREE));
        CHECK(cf && cJSON_IsNull(cJSON_GetObjectItem(cf, "pct")));
        cJSON *nats = cJSON_GetObjectItem(bl, "nat_gateways");
        CHECK(cJSON_GetArraySize(nats) == 2);
        cJSON *nb = cJSON_GetArrayItem(nats, 1);
        CHECK(strcmp(cJSON_GetObjectItem(nb, "id")->valuestring, "nat-B") == 0);
        CHECK(strcmp(cJSON_GetObjectItem(nb, "status")->valuestring, "new") == 0);
        CHECK(strcmp(cJSON_GetObjectItem(nb, "name")->valuestring, "egress-b") == 0);
        CHECK(cJSON_IsNull(cJSON_GetObjectItem(nb, "pct")));
        cJSON *ips = cJSON_GetObjectItem(bl, "ips");
        CHECK(cJSON_GetArraySize(ips) == 2); /* top_n = 2 */
        cJSON *i0 = cJSON_GetArrayItem(ips, 0);
        CHECK(strcmp(cJSON_GetObjectItem(i0, "ip")->valuestring, "10.0.1.6") == 0);
        CHECK(strcmp(cJSON_GetObjectItem(i0, "status")->valuestring, "vanished") == 0);
        CHECK(cJSON_GetObjectItem(i0, "pct")->valuedouble == -100);
        CHECK(cJSON_IsNull(cJSON_GetObjectItem(i0, "name")));
        cJSON_Delete(root);
    }
    free(js);

    /* An empty object gets no stray comma; a non-object is refused. */
    js = baseline_json_add("{}", d, 0);
    root = js ? cJSON_Parse(js) : NULL;
    CHECK(root && cJSON_GetArraySize(root) == 1);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "baseline"), "ips")) == 3);
    cJSON_Delete(root);
    free(js);
    CHECK(baseline_json_add("[1, 2]", d, 0) == NULL);

    /* Names with quotes and control characters stay valid JSON. */
    w2_nats[0].name = "a \"quoted\"\n\x01name\\";
    baseline_free(d);
    d = baseline_compare(&w1, &w2);
    js = baseline_json_add("{\"x\": 1}", d, 0);
    root = js ? cJSON_Parse(js) : NULL;
    CHECK(root != NULL);
    if (root) {
        cJSON *nb = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "baseline"), "nat_gateways"), 1);
        CHECK(strcmp(cJSON_GetObjectItem(nb, "name")->valuestring, "a \"quoted\"\n\x01name\\") == 0);
        cJSON_Delete(root);
    }
    free(js);
    baseline_free(d);

    return check_done();
}
