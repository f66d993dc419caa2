/* test_pricing: how one Price List product becomes a rate, without a
 * server — usage type suffix after any region prefix, transferType, the
 * first paid tier, the region from regionCode/fromRegionCode, regions not
 * asked for and other partitions skipped. Rows of cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pricing.h"
#include "rates.h"
#include "util.h"

/* A product document with one on-demand term; tiers as "begin:end:usd;...". */
static char *product(const char *attrs, const char *tiers)
{
    dbuf b;
    dbuf_init(&b, 0);
    dbuf_printf(&b, "{\"product\": {\"productFamily\": \"x\", \"attributes\": {%s}}, \"terms\": {\"OnDemand\": "
                    "{\"T.1\": {\"priceDimensions\": {",
                attrs);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", tiers);
    int k = 0;
    for (char *save = NULL, *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        char begin[32], end[32], usd[32];
        if (sscanf(t, "%31[^:]:%31[^:]:%31s", begin, end, usd) != 3) abort();
        dbuf_printf(&b, "%s\"T.1.D%d\": {\"beginRange\": \"%s\", \"endRange\": \"%s\", \"unit\": \"GB\", "
                        "\"pricePerUnit\": {\"USD\": \"%s\"}}",
                    k ? ", " : "", k, begin, end, usd);
        k++;
    }
    dbuf_puts(&b, "}}}}}");
    return dbuf_take(&b, NULL);
}

static void test_products(void)
{
    static const struct {
        const char *attrs, *tiers;
        const char *region, *field; /* NULL field: nothing taken */
        double want;
    } rows[] = {
        {"\"usagetype\": \"NatGateway-Bytes\", \"regionCode\": \"us-east-1\"", "0:Inf:0.045", "us-east-1", "nat_per_gb", 0.045},
        {"\"usagetype\": \"EU-NatGateway-Hours\", \"regionCode\": \"eu-west-1\"", "0:Inf:0.048", "eu-west-1", "nat_per_hour", 0.048},
        /* a suffix inside a word is not the usage type */
        {"\"usagetype\": \"USE1-XNatGateway-Bytes\", \"regionCode\": \"us-east-1\"", "0:Inf:9", "us-east-1", NULL, 0},
        /* first paid tier: 0-1 GB free, then 0.09 */
        {"\"usagetype\": \"USE2-DataTransfer-Out-Bytes\", \"transferType\": \"AWS Outbound\", \"fromRegionCode\": \"us-east-2\"",
         "0:1:0.00;1:10240:0.09;10240:51200:0.085", "us-east-2", "internet_egress_per_gb", 0.09},
        /* tiers listed out of order: still the lowest beginRange */
        {"\"usagetype\": \"USE1-VpcEndpoint-Bytes\", \"regionCode\": \"us-east-1\"",
         "1048576:5242880:0.006;0:1048576:0.01", "us-east-1", "interface_endpoint_per_gb", 0.01},
        /* wrong transferType: inbound is free and not the rate */
        {"\"usagetype\": \"DataTransfer-Out-Bytes\", \"transferType\": \"AWS Inbound\", \"fromRegionCode\": \"us-east-1\"",
         "0:Inf:0.5", "us-east-1", NULL, 0},
        {"\"usagetype\": \"USE1-DataTransfer-Regional-Bytes\", \"transferType\": \"IntraRegion\", \"fromRegionCode\": \"us-east-1\"",
         "0:Inf:0.01", "us-east-1", "regional_public_per_gb", 0.01},
        {"\"usagetype\": \"USE1-TransitGateway-Bytes\", \"regionCode\": \"us-east-1\"", "0:Inf:0.02", "us-east-1", "transit_gateway_per_gb", 0.02},
        /* a region not asked for */
        {"\"usagetype\": \"APN1-NatGateway-Bytes\", \"regionCode\": \"ap-northeast-1\"", "0:Inf:0.062", "ap-northeast-1", NULL, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const char *want_regions[] = {"us-east-1", "us-east-2", "eu-west-1"};
        pricing_acc *a = pricing_acc_new(want_regions, 3);
        char *p = product(rows[i].attrs, rows[i].tiers);
        char err[256];
        CHECK(pricing_acc_add(a, p, err, sizeof err) == 0);
        free(p);
        dbuf missing;
        dbuf_init(&missing, 0);
        rate_table *t = pricing_acc_table(a, &missing);
        CHECK(t != NULL);
        char line[96];
        if (rows[i].field) {
            snprintf(line, sizeof line, "%s: %s\n", rows[i].region, rows[i].field);
            size_t f = 0;
            while (f < rates_n_fields && strcmp(rates_fields[f].key, rows[i].field) != 0) f++;
            int fb = 1;
            const region_rates *r = rates_for(t, rows[i].region, &fb);
            CHECK(fb == 0);
            if (rates_get(r, f) != rows[i].want) fprintf(stderr, "row %zu: got %g\n", i, rates_get(r, f));
            CHECK(rates_get(r, f) == rows[i].want);
            CHECK(strstr(missing.data ? missing.data : "", line) == NULL); /* found, so not missing */
        } else {
            /* nothing taken: every figure of the asked regions is missing (9 each) */
            size_t lines = 0;
            for (const char *c = missing.data; c && *c; c++) lines += *c == '\n';
            if (lines != 27) fprintf(stderr, "row %zu: %zu missing lines\n", i, lines);
            CHECK(lines == 27);
            int fb = 0;
            rates_for(t, "ap-northeast-1", &fb);
            CHECK(fb == 1);
        }
        dbuf_free(&missing);
        rates_free(t);
        pricing_acc_free(a);
    }
}

static void test_pairs_and_partitions(void)
{
    pricing_acc *a = pricing_acc_new(NULL, 0); /* every commercial region */
    static const char *const attrs[] = {
        "\"usagetype\": \"USE1-USE2-AWS-Out-Bytes\", \"transferType\": \"InterRegion Outbound\", "
        "\"fromRegionCode\": \"us-east-1\", \"toRegionCode\": \"us-east-2\"",
        "\"usagetype\": \"USE1-EUC1-AWS-Out-Bytes\", \"transferType\": \"InterRegion Outbound\", "
        "\"fromRegionCode\": \"us-east-1\", \"toRegionCode\": \"eu-central-1\"",
        "\"usagetype\": \"UGW1-NatGateway-Bytes\", \"regionCode\": \"us-gov-west-1\"",
        "\"usagetype\": \"CNN1-NatGateway-Bytes\", \"regionCode\": \"cn-north-1\"",
    };
    static const char *const tiers[] = {"0:Inf:0.01", "0:Inf:0.02", "0:Inf:0.066", "0:Inf:0.5"};
    char err[256];
    for (size_t i = 0; i < 4; i++) {
        char *p = product(attrs[i], tiers[i]);
        CHECK(pricing_acc_add(a, p, err, sizeof err) == 0);
        free(p);
    }
    CHECK(pricing_acc_add(a, "not json", err, sizeof err) < 0);
    rate_table *t = pricing_acc_table(a, NULL);
    CHECK(t != NULL);
    CHECK(rates_count(t) == 1); /* us-east-1 only: GovCloud and China skipped */
    CHECK(rates_inter_region(t, "us-east-1", "us-east-2", 9) == 0.01);
    CHECK(rates_inter_region(t, "us-east-1", "eu-central-1", 9) == 0.02);
    /* the flat default for other destinations: the dearest pair */
    CHECK(rates_for(t, "us-east-1", NULL)->inter_region_per_gb == 0.02);
    rates_free(t);
    pricing_acc_free(a);
}

int main(void)
{
    test_products();
    test_pairs_and_partitions();
    return check_done();
}
