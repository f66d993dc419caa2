/* test_rates: the embedded table (us-east-1 must be cost-model.md §3 to the
 * digit), the region fallback, --rates partial overrides and their errors,
 * and that `flowcost rates` output reads back to the same table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rates.h"
#include "rates_json.h"
#include "util.h"

static const char *write_tmp(const char *name, const char *text)
{
    FILE *f = fopen(name, "w");
    if (!f) {
        perror(name);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    return name;
}

static void test_us_east_1_is_spec(void)
{
    rate_table *t = rates_new_default();
    int fb = 1;
    const region_rates *r = rates_for(t, "us-east-1", &fb);
    CHECK(fb == 0);
    CHECK_STR(r->region, "us-east-1");
    /* cost-model.md §3, written out by hand. */
    CHECK(r->nat_per_gb == 0.045);
    CHECK(r->inter_az_per_gb == 0.01);
    CHECK(r->internet_egress_per_gb == 0.09);
    CHECK(r->inter_region_per_gb == 0.02);
    CHECK(r->interface_endpoint_per_gb == 0.01);
    CHECK(r->transit_gateway_per_gb == 0.02);
    CHECK(r->regional_public_per_gb == 0.01);
    CHECK(r->nat_per_hour == 0.045);
    CHECK(r->interface_endpoint_per_az_hour == 0.01);
    CHECK_STR(rates_source(t), "embedded");
    rates_free(t);
}

static void test_regions(void)
{
    rate_table *t = rates_new_default();
    static const char *const need[] = {"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2",
                                       "eu-central-1", "ap-southeast-1", "ap-northeast-1", "sa-east-1"};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
        int fb = 1;
        const region_rates *r = rates_for(t, need[i], &fb);
        CHECK(fb == 0);
        CHECK_STR(r->region, need[i]);
        for (size_t f = 0; f < rates_n_fields; f++) CHECK(rates_get(r, f) > 0);
    }
    CHECK(rates_count(t) >= 9);
    /* Sorted by region, unique. */
    for (size_t i = 1; i < rates_count(t); i++)
        CHECK(strcmp(rates_at(t, i - 1)->region, rates_at(t, i)->region) < 0);
    /* Spot checks of figures quoted in docs/pricing.md. */
    CHECK(rates_for(t, "eu-west-1", NULL)->nat_per_gb == 0.048);
    CHECK(rates_for(t, "ap-northeast-1", NULL)->nat_per_hour == 0.062);
    CHECK(rates_for(t, "ap-northeast-1", NULL)->internet_egress_per_gb == 0.114);
    CHECK(rates_for(t, "ap-southeast-1", NULL)->nat_per_gb == 0.059);
    CHECK(rates_for(t, "ap-southeast-1", NULL)->internet_egress_per_gb == 0.12);
    CHECK(rates_for(t, "sa-east-1", NULL)->internet_egress_per_gb == 0.15);
    CHECK(rates_for(t, "sa-east-1", NULL)->inter_region_per_gb == 0.138);

    int fb = 0;
    const region_rates *r = rates_for(t, "xx-nowhere-9", &fb);
    CHECK(fb == 1);
    CHECK_STR(r->region, "us-east-1");
    fb = 0;
    CHECK_STR(rates_for(t, NULL, &fb)->region, "us-east-1");
    CHECK(fb == 1);
    fb = 0;
    CHECK_STR(rates_for(t, "", &fb)->region, "us-east-1");
    CHECK(fb == 1);
    rates_free(t);
}

static void test_override(void)
{
    char err[FC_ERRLEN];
    rate_table *t = rates_new_default();
    const char *p = write_tmp("rates_partial.json",
                              "{\"regions\": {\"eu-west-1\": {\"internet_egress_per_gb\": 0.05},\n"
                              " \"xx-test-1\": {\"nat_per_gb\": 0.5}}}");
    CHECK(rates_load_json(t, p, err, sizeof err) == 0);
    const region_rates *r = rates_for(t, "eu-west-1", NULL);
    CHECK(r->internet_egress_per_gb == 0.05);
    CHECK(r->nat_per_gb == 0.048); /* untouched */
    CHECK(r->interface_endpoint_per_az_hour == 0.011);
    int fb = 1;
    r = rates_for(t, "xx-test-1", &fb);
    CHECK(fb == 0);
    CHECK(r->nat_per_gb == 0.5);
    CHECK(r->internet_egress_per_gb == 0.09); /* a new region starts from us-east-1 */
    CHECK(rates_for(t, "us-east-1", NULL)->internet_egress_per_gb == 0.09);
    CHECK_STR(rates_source(t), p);
    rates_free(t);
}

static void expect_error(const char *name, const char *text, const char *needle)
{
    char err[FC_ERRLEN] = "";
    rate_table *t = rates_new_default();
    const char *p = write_tmp(name, text);
    CHECK(rates_load_json(t, p, err, sizeof err) == -1);
    if (!strstr(err, needle) || !strstr(err, name)) {
        check_failed++;
        fprintf(stderr, "%s: error \"%s\" lacks \"%s\" or the file name\n", name, err, needle);
    } else {
        check_passed++;
    }
    /* A rejected file changes nothing. */
    CHECK(rates_for(t, "us-east-1", NULL)->nat_per_gb == 0.045);
    CHECK(rates_for(t, "us-east-1", NULL)->internet_egress_per_gb == 0.09);
    CHECK_STR(rates_source(t), "embedded");
    rates_free(t);
}

static void test_errors(void)
{
    expect_error("rates_bad1.json", "{\n\"regions\": {\n  \"us-east-1\": {\"nat_per_gb\": }\n}}", ":3:");
    expect_error("rates_bad2.json", "{\"regions\": {\"us-east-1\": {\"nat_per_gib\": 1}}}",
                 "unknown key regions.us-east-1.nat_per_gib");
    expect_error("rates_bad3.json", "{\"regoins\": {}}", "unknown key \"regoins\"");
    expect_error("rates_bad4.json", "{\"regions\": {\"us-east-1\": {\"nat_per_gb\": -1}}}", "must be a number >= 0");
    expect_error("rates_bad5.json", "{\"regions\": {\"us-east-1\": {\"nat_per_gb\": \"0.1\"}}}", "must be a number");
    expect_error("rates_bad6.json", "[1, 2]", "JSON object");
    expect_error("rates_bad7.json", "{\"regions\": {\"US EAST\": {}}}", "invalid region name");
    expect_error("rates_bad8.json", "{\"source\": \"x\"}", "no \"regions\"");
    /* The second region is bad: the first must not have been applied. */
    expect_error("rates_bad9.json",
                 "{\"regions\": {\"us-east-1\": {\"internet_egress_per_gb\": 1}, \"eu-west-1\": {\"x\": 1}}}",
                 "unknown key regions.eu-west-1.x");
    char err[FC_ERRLEN] = "";
    rate_table *t = rates_new_default();
    CHECK(rates_load_json(t, "no/such/rates.json", err, sizeof err) == -1);
    CHECK(strstr(err, "no/such/rates.json") != NULL);
    rates_free(t);
}

static void test_round_trip(void)
{
    char err[FC_ERRLEN];
    rate_table *a = rates_new_default();
    region_rates odd = *rates_for(a, "us-east-1", NULL);
    strcpy(odd.region, "xx-odd-1");
    odd.nat_per_gb = 0.0123456789;
    odd.interface_endpoint_per_az_hour = 1e-5;
    rates_set(a, &odd);
    char *json = rates_to_json(a, NULL);
    const char *p = write_tmp("rates_roundtrip.json", json);
    rate_table *b = rates_new_default();
    CHECK(rates_load_json(b, p, err, sizeof err) == 0);
    CHECK(rates_count(a) == rates_count(b));
    for (size_t i = 0; i < rates_count(a) && i < rates_count(b); i++) {
        CHECK_STR(rates_at(a, i)->region, rates_at(b, i)->region);
        for (size_t f = 0; f < rates_n_fields; f++)
            CHECK(rates_get(rates_at(a, i), f) == rates_get(rates_at(b, i), f));
    }
    /* Output of one region reads back too (its extra keys are accepted). */
    char *one = rates_to_json(a, "sa-east-1");
    CHECK(strstr(one, "\"fallback\": false") != NULL);
    CHECK(strstr(one, "\"us-east-1\"") == NULL);
    p = write_tmp("rates_one.json", one);
    CHECK(rates_load_json(b, p, err, sizeof err) == 0);
    char *fbk = rates_to_json(a, "xx-none-1");
    CHECK(strstr(fbk, "\"fallback\": true") != NULL);
    CHECK(strstr(fbk, "\"fallback_region\": \"us-east-1\"") != NULL);
    free(fbk);
    free(one);
    free(json);
    rates_free(a);
    rates_free(b);
}

/* Inter-region pairs: a pair's own rate, else the source region's flat
 * rate; an old file (no pairs) still loads; pairs survive the JSON round
 * trip and a partial file adds pairs without dropping the others. Rows of
 * (from, to, expected USD/GB). */
static void test_pairs(void)
{
    rate_table *t = rates_new_default();
    CHECK(rates_pair_count(t) == 0);
    char err[512];
    const char *f1 = write_tmp("test_rates_pairs1.json",
                               "{\"regions\": {\"us-east-1\": {\"inter_region_per_gb_to\": "
                               "{\"us-east-2\": 0.01, \"eu-west-1\": 0.02}}}}");
    CHECK(rates_load_json(t, f1, err, sizeof err) == 0);
    const char *f2 = write_tmp("test_rates_pairs2.json",
                               "{\"regions\": {\"us-east-2\": {\"nat_per_gb\": 0.045, "
                               "\"inter_region_per_gb_to\": {\"us-east-1\": 0.01}}}}");
    CHECK(rates_load_json(t, f2, err, sizeof err) == 0);
    static const struct { const char *from, *to; double want; } rows[] = {
        {"us-east-1", "us-east-2", 0.01},  /* the pair */
        {"us-east-1", "eu-west-1", 0.02},  /* the pair */
        {"us-east-2", "us-east-1", 0.01},  /* the second file's pair */
        {"us-east-1", "ap-south-1", 0.02}, /* no pair: us-east-1's flat 0.02 */
        {"sa-east-1", "us-east-1", 0.138}, /* no pair: sa-east-1's flat 0.138 */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        double flat = rates_for(t, rows[i].from, NULL)->inter_region_per_gb;
        CHECK(rates_inter_region(t, rows[i].from, rows[i].to, flat) == rows[i].want);
    }
    CHECK(rates_pair_count(t) == 3);
    /* round trip */
    char *json = rates_to_json(t, NULL);
    CHECK(strstr(json, "\"inter_region_per_gb_to\": {\n        \"eu-west-1\": 0.02,\n        \"us-east-2\": 0.01\n      }") != NULL);
    rate_table *u = rates_new_default();
    CHECK(rates_parse_json(u, json, strlen(json), "round-trip", err, sizeof err) == 0);
    CHECK(rates_pair_count(u) == 3);
    CHECK(rates_inter_region(u, "us-east-1", "us-east-2", 9) == 0.01);
    free(json);
    rates_free(u);
    /* a bad pair changes nothing */
    const char *bad = write_tmp("test_rates_pairs3.json",
                                "{\"regions\": {\"us-east-1\": {\"nat_per_gb\": 1, \"inter_region_per_gb_to\": {\"us-east-2\": \"x\"}}}}");
    CHECK(rates_load_json(t, bad, err, sizeof err) < 0);
    CHECK(strstr(err, "inter_region_per_gb_to.us-east-2 must be a number") != NULL);
    CHECK(rates_for(t, "us-east-1", NULL)->nat_per_gb == 0.045);
    /* the embedded table prints no pair key (`flowcost rates` unchanged) */
    rate_table *d = rates_new_default();
    json = rates_to_json(d, NULL);
    CHECK(strstr(json, "inter_region_per_gb_to") == NULL);
    free(json);
    rates_free(d);
    rates_free(t);
}

int main(void)
{
    test_us_east_1_is_spec();
    test_regions();
    test_override();
    test_errors();
    test_round_trip();
    test_pairs();
    return check_done();
}
