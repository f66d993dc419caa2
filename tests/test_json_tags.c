/* test_json_tags: the JSON result's top_ips rows carry their ENI's tags
 * (issue 14, docs/json-result.md): every tag as an object, {} for an ENI
 * without tags, null for a row that is not one address of ours. Expected
 * objects are written by hand below. */
#include <cjson/cJSON.h>

#include "check.h"
#include "cost_fixture.h"
#include "json_out.h"

/* The tags of top_ips' row for `ip`, printed compactly ("null" when
 * null); "" when there is no such row. */
static void tags_of(const char *json, const char *ip, char *out, size_t n)
{
    snprintf(out, n, "%s", "");
    cJSON *root = cJSON_Parse(json);
    cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "top_ips"))
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(row, "ip")), ip)) continue;
        cJSON *t = cJSON_GetObjectItem(row, "tags");
        char *p = t ? cJSON_PrintUnformatted(t) : NULL;
        snprintf(out, n, "%s", p ? p : "(no key)");
        cJSON_free(p);
    }
    cJSON_Delete(root);
}

int main(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    inv_eni *a = fx_eni(x.inv, "eni-a", "10.0.1.5", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-a", NULL);
    fx_eni(x.inv, "eni-b", "10.0.2.9", ENI_WORKLOAD, "use1-az2", "vpc-1", "subnet-b", NULL);
    inv_eni_set_tag(x.inv, a, "team", "payments", true);
    inv_eni_set_tag(x.inv, a, "Name", "orders-api-1", true);
    inv_eni_set_tag(x.inv, a, "env", "", true);
    a->name = inv_intern(x.inv, "orders-api-1");
    inv_finalize(x.inv);
    /* 1 GiB az1 → az2: each side pays 0.01, so both are top_ips rows. */
    fx_rec(x.a, "eni-a", "10.0.1.5", "10.0.2.9", NULL, NULL, FL_EGRESS, GiB, FL_ACCEPT, 0);
    fx_price(&x, "tags");
    char *j = json_result(x.r, 0);
    char got[512];
    static const struct {
        const char *ip, *want;
    } rows[] = {
        /* sorted by key, byte order: "Name" < "env" < "team"; an empty value kept */
        {"10.0.1.5", "{\"Name\":\"orders-api-1\",\"env\":\"\",\"team\":\"payments\"}"},
        {"10.0.2.9", "{}"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        tags_of(j, rows[i].ip, got, sizeof got);
        CHECK_STR(got, rows[i].want);
    }
    free(j);
    /* A group row (`top --by subnet -o json`) stands for no one ENI: null. */
    size_t n;
    cost_rank *ranks = cost_rank_by(x.r, BY_SUBNET, 0, &n);
    j = json_result_rows(x.r, ranks, n, BY_SUBNET, 0);
    tags_of(j, "subnet-a", got, sizeof got);
    CHECK_STR(got, "null");
    free(j);
    free(ranks);
    fx_done(&x);
    return check_done();
}
