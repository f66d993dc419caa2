/* Unit tests of src/cur.c (issue 19): which usage types flowcost can
 * explain, and the CSV reader over both schemas (CUR 2.0's snake_case, the
 * legacy lineItem/ columns). Rows written by hand from AWS's usage-type
 * names (docs/reconciliation.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cur.h"
#include "util.h"

static const struct {
    const char *usage_type, *operation;
    cur_class want;
} classes[] = {
    {"NatGateway-Bytes", "NatGateway", CUR_NAT_BYTES},          /* us-east-1 has no prefix */
    {"USE2-NatGateway-Bytes", "NatGateway", CUR_NAT_BYTES},
    {"NatGateway-Hours", "NatGateway", CUR_NONE},                /* fixed, not traffic */
    {"DataTransfer-Regional-Bytes", "InterZone-Out", CUR_INTERZONE_OUT},
    {"EUC1-DataTransfer-Regional-Bytes", "InterZone-In", CUR_INTERZONE_IN},
    {"DataTransfer-Regional-Bytes", "PublicIP-Out", CUR_REGIONAL_PUBLIC},
    {"DataTransfer-Regional-Bytes", "", CUR_NONE},               /* no operation: not one of ours */
    {"USW2-DataTransfer-Out-Bytes", "RunInstances", CUR_INTERNET_OUT},
    {"DataTransfer-In-Bytes", "RunInstances", CUR_NONE},         /* inbound is free */
    {"USE1-USW2-AWS-Out-Bytes", "RunInstances", CUR_INTER_REGION},
    {"USW2-USE1-AWS-In-Bytes", "RunInstances", CUR_NONE},
    {"USE1-VpcEndpoint-Bytes", "VpcEndpoint", CUR_ENDPOINT_BYTES},
    {"USE1-TransitGateway-Bytes", "TransitGatewayVPC", CUR_TGW_BYTES},
    {"USE1-MyNatGateway-Bytes", "", CUR_NONE},                   /* the suffix must start a part */
    {"BoxUsage:m5.large", "RunInstances", CUR_NONE},
};

static const char legacy[] =
    "identity/LineItemId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/UsageType,"
    "lineItem/Operation,lineItem/ResourceId,lineItem/UsageAmount,lineItem/UnblendedCost\r\n"
    "1,Usage,2026-11-02T00:00:00Z,2026-11-03T00:00:00Z,NatGateway-Bytes,NatGateway,"
    "arn:aws:ec2:us-east-1:1:natgateway/nat-0a,96.0,4.32\r\n"
    "2,Tax,2026-11-02T00:00:00Z,2026-11-03T00:00:00Z,NatGateway-Bytes,NatGateway,,0,1.23\r\n"
    "3,Usage,2026-11-02T00:00:00Z,2026-11-03T00:00:00Z,NatGateway-Hours,NatGateway,nat-0a,24,1.08\r\n"
    "4,DiscountedUsage,2026-11-02T00:00:00Z,2026-11-03T00:00:00Z,DataTransfer-Regional-Bytes,InterZone-Out,i-0b,6,0.06\r\n";

/* CUR 2.0: other column order, quoted fields with commas, quotes and a
 * newline, fractional seconds. */
static const char cur2[] =
    "line_item_line_item_description,line_item_usage_type,line_item_operation,line_item_resource_id,"
    "line_item_usage_amount,line_item_unblended_cost,line_item_usage_start_date,line_item_usage_end_date\n"
    "\"$0.01 per GB, \"\"regional\"\"\nsecond line\",DataTransfer-Regional-Bytes,InterZone-In,i-0c,0.5,0.005,"
    "2026-11-02T05:00:00.000Z,2026-11-02T06:00:00.000Z\n"
    "\n"
    "x,USE1-USW2-AWS-Out-Bytes,RunInstances,,2,0.04,2026-11-02 07:00:00,2026-11-02 08:00:00\n";

int main(void)
{
    for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
        cur_class got = cur_classify(classes[i].usage_type, classes[i].operation);
        if (got != classes[i].want)
            fprintf(stderr, "row %zu: %s %s: %s\n", i, classes[i].usage_type, classes[i].operation, cur_class_name(got));
        CHECK(got == classes[i].want);
    }

    char err[256] = "";
    cur *c = cur_new();
    CHECK(cur_read_mem(c, "legacy.csv", legacy, sizeof legacy - 1, err, sizeof err) == 0);
    /* the NAT bytes and the InterZone-Out; tax and hours skipped */
    CHECK(cur_count(c) == 2);
    CHECK(cur_items(c) == 4);
    const cur_line *l = cur_at(c, 0);
    CHECK(l->cls == CUR_NAT_BYTES);
    CHECK_STR(l->resource, "nat-0a"); /* the ARN's last part */
    CHECK_NEAR(l->gb, 96.0, 1e-9);
    CHECK_NEAR(l->usd, 4.32, 1e-9);
    CHECK(l->start == 1793577600 && l->end == 1793577600 + 86400); /* 2026-11-02T00:00:00Z */
    CHECK(cur_at(c, 1)->cls == CUR_INTERZONE_OUT);
    CHECK_STR(cur_at(c, 1)->resource, "i-0b");

    CHECK(cur_read_mem(c, "cur2.csv", cur2, sizeof cur2 - 1, err, sizeof err) == 0);
    CHECK(cur_count(c) == 4);
    l = cur_at(c, 2);
    CHECK(l->cls == CUR_INTERZONE_IN);
    CHECK_STR(l->resource, "i-0c");
    CHECK_STR(l->usage_type, "DataTransfer-Regional-Bytes");
    CHECK(l->start == 1793577600 + 5 * 3600);
    CHECK(cur_at(c, 3)->cls == CUR_INTER_REGION);
    CHECK_STR(cur_at(c, 3)->resource, "");
    CHECK(cur_at(c, 3)->start == 1793577600 + 7 * 3600);
    CHECK(cur_files(c) == 2);

    /* errors name the file and, for a line, its number (the quoted newline counts) */
    static const char badnum[] = "line_item_usage_type,line_item_usage_amount,line_item_unblended_cost,"
                                 "line_item_usage_start_date\n\"a\nb\",1,1,2026-11-02T00:00:00Z\n"
                                 "NatGateway-Bytes,lots,1,2026-11-02T00:00:00Z\n";
    CHECK(cur_read_mem(c, "bad.csv", badnum, sizeof badnum - 1, err, sizeof err) == -1);
    CHECK_STR(err, "bad.csv:4: usage amount 'lots' or cost '1' is not a number");
    static const char nohdr[] = "a,b,c\n1,2,3\n";
    CHECK(cur_read_mem(c, "x.csv", nohdr, sizeof nohdr - 1, err, sizeof err) == -1);
    CHECK_STR(err, "x.csv: not a Cost and Usage Report CSV: no column line_item_usage_type or lineItem/UsageType");
    cur_free(c);

    /* Parquet from memory (as s3:// objects come): tests/parquet/cur2_small.parquet
     * (tests/parquet/make_cur_fixtures.mjs) holds the NAT bytes line above as
     * CUR 2.0 with DOUBLE and TIMESTAMP columns, a tax line, and an
     * InterZone-Out of 0.5 GB, $0.005, 05:00-06:00 whose resource id is null. */
    const char *src = getenv("FC_SRC");
    char path[4096], *pq = NULL;
    size_t pqlen = 0;
    snprintf(path, sizeof path, "%s/tests/parquet/cur2_small.parquet", src ? src : "..");
    CHECK(fc_read_file(path, &pq, &pqlen, err, sizeof err) == 0);
    c = cur_new();
    CHECK(pq && cur_read_mem(c, "cur2_small.parquet", pq, pqlen, err, sizeof err) == 0);
    CHECK(cur_count(c) == 2);
    CHECK(cur_items(c) == 3);
    l = cur_at(c, 0);
    CHECK(l && l->cls == CUR_NAT_BYTES);
    if (l) {
        CHECK_STR(l->resource, "nat-0a");
        CHECK_NEAR(l->gb, 96.0, 1e-9);
        CHECK_NEAR(l->usd, 4.32, 1e-9);
        CHECK(l->start == 1793577600 && l->end == 1793577600 + 86400);
    }
    l = cur_at(c, 1);
    CHECK(l && l->cls == CUR_INTERZONE_OUT);
    if (l) {
        CHECK_STR(l->resource, ""); /* null: as an empty CSV field */
        CHECK_NEAR(l->usd, 0.005, 1e-12);
        CHECK(l->start == 1793577600 + 5 * 3600 && l->end == 1793577600 + 6 * 3600);
    }
    /* cut short: one line naming the file */
    CHECK(pq && cur_read_mem(c, "cut.parquet", pq, pqlen - 10, err, sizeof err) == -1);
    CHECK_STR(err, "cut.parquet: bad footer: no PAR1 magic at the end (truncated file?)");
    cur_free(c);
    free(pq);

    /* Read a chunk (1 MiB) at a time: 3,000 records of two lines each (a
     * quoted newline), 1,046 bytes each (a 960-byte pad on the quoted
     * description's second line), 128 + 3,000 x 1,046 = 3,138,128 bytes,
     * cut anywhere, are all read, and a bad record at the end is named by
     * its line: 1 + 2 x 3,000 + 1. Few long records rather than 30,000
     * short ones: the same cuts at a tenth of the records (ASan time). The
     * reader pulls 8 bytes to sniff the format, then 1 MiB at a time, so the
     * stream is cut at 8 + k MiB: both cuts (k = 1, 2) fall inside a quoted
     * field after its newline (an odd number of quotes before the cut and
     * before the newline last seen), where a reader that cut at the last
     * newline would split a record. */
    dbuf big;
    dbuf_init(&big, 0);
    dbuf_puts(&big, "line_item_usage_type,line_item_line_item_description,line_item_usage_amount,"
                    "line_item_unblended_cost,line_item_usage_start_date\n");
    char pad[961];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = 0;
    for (int i = 0; i < 3000; i++)
        dbuf_printf(&big, "NatGateway-Bytes,\"record %05d, \"\"quoted\"\"\nsecond line %s\",1,0.045,2026-11-02T00:00:00Z\n",
                    i, pad);
    CHECK(big.len == 128 + 3000 * 1046);
    for (size_t k = 1; k <= 2; k++) {
        size_t cut = 8 + k * (1u << 20), quotes = 0, quotes_at_newline = 0;
        for (size_t i = 0; i < cut; i++) {
            quotes += big.data[i] == '"';
            if (big.data[i] == '\n') quotes_at_newline = quotes;
        }
        CHECK(quotes % 2 == 1 && quotes_at_newline % 2 == 1);
    }
    dbuf_puts(&big, "NatGateway-Bytes,x,one,0.045,2026-11-02T00:00:00Z\n");
    c = cur_new();
    CHECK(cur_read_mem(c, "big.csv", big.data, big.len, err, sizeof err) == -1);
    CHECK_STR(err, "big.csv:6002: usage amount 'one' or cost '0.045' is not a number");
    CHECK(cur_count(c) == 3000);
    double gb = 0;
    for (size_t i = 0; i < cur_count(c); i++) gb += cur_at(c, i)->gb;
    CHECK_NEAR(gb, 3000, 1e-6);
    cur_free(c);
    dbuf_free(&big);
    return check_done();
}
