/* Unit test of src/cost_tgw.c (issue 13, item 3, the tested subset): the
 * transit_gateway charge from TGW flow-log records, per attachment ->
 * attachment, charged once per byte sent INTO the TGW (docs/cost-model.md,
 * "Transit Gateway flow logs"). Worked by hand at $0.02/GB (GB = GiB, as
 * cost-model.md prices). */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "check.h"
#include "cost_int.h"

#define GIB 1073741824ull
#define A "tgw-attach-0a" /* vpc-a, account 111111111111 */
#define B "tgw-attach-0b" /* vpc-b, account 111111111111 */
#define C "tgw-attach-0c" /* vpc-c, account 222222222222 */
#define ACC1 "111111111111"
#define ACC2 "222222222222"
/* a record without the ids only the report shows (tgw, VPCs, region) */
#define TR(...) {__VA_ARGS__, NULL, NULL, NULL, NULL}

int main(void)
{
    /* One TGW, three VPC attachments, one account pair (111 and 222). A
     * TGW-level flow log records each flow twice: ingress at the attachment
     * it came in by, egress at the one it left by. */
    const cost_tgw_rec recs[] = {
        TR(A, B, ACC1, ACC1, FL_INGRESS, FL_OK, 3 * GIB),       /* A -> B: 3 GiB in ... */
        TR(B, A, ACC1, ACC1, FL_EGRESS, FL_OK, 3 * GIB),        /* ... and the same 3 GiB out at B */
        TR(A, C, ACC1, ACC2, FL_INGRESS, FL_OK, GIB),           /* A -> C in two records: 1 GiB */
        TR(A, C, ACC1, ACC2, FL_INGRESS, FL_OK, GIB),           /*   + 1 GiB = 2 GiB */
        TR(C, A, ACC1, ACC2, FL_EGRESS, FL_OK, 2 * GIB),        /* the same 2 GiB out at C */
        TR(C, A, ACC2, ACC1, FL_INGRESS, FL_OK, GIB / 2),       /* C -> A (replies): 0.5 GiB */
        TR(A, C, ACC2, ACC1, FL_EGRESS, FL_OK, GIB / 2),       /* out at A */
        TR(B, C, ACC2, ACC1, FL_EGRESS, FL_OK, GIB),            /* C -> B seen only leaving at B: 1 GiB */
        TR(A, B, ACC1, ACC1, FL_INGRESS, FL_NODATA, 5 * GIB),   /* not OK: ignored */
        TR(A, NULL, ACC1, NULL, FL_INGRESS, FL_OK, 100),        /* no pair attachment: not priced */
        TR(A, B, ACC1, ACC1, FL_DIR_NONE, FL_OK, 7),            /* no direction: not priced */
    };
    cost_tgw_row *rows;
    size_t n;
    uint64_t unpriced;
    cost_tgw_chargeback(recs, sizeof recs / sizeof *recs, 0.02, &rows, &n, &unpriced);
    /* A->B 3 GiB x $0.02 = $0.06 (111 pays); A->C 2 GiB = $0.04 (111);
     * C->A 0.5 GiB = $0.01 (222); C->B 1 GiB = $0.02 (222). Total $0.13.
     * Unpriced: 100 + 7 = 107 bytes. */
    static const struct {
        const char *from, *to, *payer;
        uint64_t bytes;
        double usd;
    } want[] = {
        {A, B, ACC1, 3 * GIB, 0.06},
        {A, C, ACC1, 2 * GIB, 0.04},
        {C, A, ACC2, GIB / 2, 0.01},
        {C, B, ACC2, GIB, 0.02},
    };
    CHECK(n == 4);
    double total = 0;
    for (size_t i = 0; i < n && i < 4; i++) {
        CHECK_STR(rows[i].from, want[i].from);
        CHECK_STR(rows[i].to, want[i].to);
        CHECK_STR(rows[i].payer, want[i].payer);
        CHECK(rows[i].bytes == want[i].bytes);
        CHECK_NEAR(rows[i].usd, want[i].usd, 1e-9);
        total += rows[i].usd;
    }
    CHECK_NEAR(total, 0.13, 1e-9);
    CHECK(unpriced == 107);
    free(rows);

    /* Only the egress half of the log (a flow log on the receiving
     * attachments alone) gives the same figures: each byte once. */
    const cost_tgw_rec eg[] = {
        TR(B, A, ACC1, ACC1, FL_EGRESS, FL_OK, 3 * GIB),
        TR(C, A, ACC1, ACC2, FL_EGRESS, FL_OK, 2 * GIB),
    };
    cost_tgw_chargeback(eg, 2, 0.02, &rows, &n, &unpriced);
    CHECK(n == 2 && unpriced == 0);
    if (n == 2) {
        CHECK_STR(rows[0].from, A);
        CHECK_STR(rows[0].to, B);
        CHECK(rows[0].bytes == 3 * GIB);
        CHECK_NEAR(rows[0].usd, 0.06, 1e-9);
        CHECK_STR(rows[1].to, C);
        CHECK_NEAR(rows[1].usd, 0.04, 1e-9);
    }
    free(rows);

    /* nothing in, nothing out */
    cost_tgw_chargeback(NULL, 0, 0.02, &rows, &n, &unpriced);
    CHECK(n == 0 && unpriced == 0);
    free(rows);
    return check_done();
}
