/* test_flowlogs: the pure parts of `flowlogs check|create` (enrich/flowlogs.c):
 * the time in a delivery file's name, and the vended-logs delivery price.
 * Every expected value is worked out by hand in the row. */
#include "check.h"
#include "flowlogs.h"

static const struct {
    const char *key, *id;
    long long want; /* epoch seconds, -1 = not a file of id */
} names[] = {
    /* 2026-12-01 11:50 UTC: days from 1970-01-01 to 2026-12-01 = 20,788
     * (56 years of 365 + 14 leap days 1972..2024 = 20,454, + 334 days of
     * 2026 to Dec 1) -> 20,788 x 86,400 = 1,796,083,200, + 11 x 3,600 + 50 x 60
     * = 42,600 -> 1,796,125,800 */
    {"AWSLogs/1/vpcflowlogs/us-east-1/2026/12/01/123456789012_vpcflowlogs_us-east-1_fl-0abc_20261201T1150Z_a1b2.log.gz",
     "fl-0abc", 1796125800LL},
    /* Parquet, Hive path: the same minute */
    {"AWSLogs/aws-account-id=1/x/123456789012_vpcflowlogs_us-east-1_fl-0abc_20261201T1150Z_ff.log.parquet", "fl-0abc",
     1796125800LL},
    /* another flow log whose id starts the same */
    {"a/123456789012_vpcflowlogs_us-east-1_fl-0abcd_20261201T1150Z_a1.log.gz", "fl-0abc", -1},
    /* the id only in a directory, not in the name */
    {"fl-0abc_20261201T1150Z/x.log.gz", "fl-0abc", -1},
    /* no Z, bad month, too short */
    {"1_vpcflowlogs_r_fl-0abc_20261201T1150_x.log.gz", "fl-0abc", -1},
    {"1_vpcflowlogs_r_fl-0abc_20261301T1150Z_x.log.gz", "fl-0abc", -1},
    {"1_vpcflowlogs_r_fl-0abc_2026", "fl-0abc", -1},
};

static const struct {
    double gb;
    bool s3, parquet;
    double want;
} prices[] = {
    {0, true, false, 0},
    {100, true, false, 25.0},                 /* 100 x 0.25 */
    {100, true, true, 28.5},                  /* + 100 x 0.035 */
    {100, false, false, 50.0},                /* CloudWatch Logs: 100 x 0.50 */
    {100, false, true, 50.0},                 /* no Parquet surcharge there */
    {10240, true, false, 2560.0},             /* exactly the first tier */
    {20480, true, false, 2560.0 + 1536.0},    /* + 10240 x 0.15 */
    {40960, true, false, 2560.0 + 3072.0 + 768.0},          /* + 10240 x 0.075 */
    {61440, true, false, 2560.0 + 3072.0 + 1536.0 + 512.0}, /* + 10240 x 0.05 */
    {61440, false, false, 5120.0 + 5120.0 + 2048.0 + 512.0}, /* 0.50, 0.25, 0.10, 0.05 */
};

int main(void)
{
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        long long got = (long long)flowlogs_key_time(names[i].key, names[i].id);
        if (got != names[i].want) fprintf(stderr, "row %zu: %s -> %lld\n", i, names[i].key, got);
        CHECK(got == names[i].want);
    }
    for (size_t i = 0; i < sizeof prices / sizeof *prices; i++)
        CHECK_NEAR(flowlogs_delivery_usd(prices[i].gb, prices[i].s3, prices[i].parquet), prices[i].want, 1e-9);
    return check_done();
}
