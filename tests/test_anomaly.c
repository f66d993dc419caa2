/* test_anomaly: src/anomaly.c's statistics on hand-made cells — the hour of
 * the week, the median and MAD of the same hour in four earlier weeks, the
 * modified z-score with its MAD floor, both change floors, runs of hours,
 * new talkers, and the leave-one-out of --backtest. Every expected figure
 * is worked out in the comments. */
#include <math.h>

#include "anomaly.h"
#include "check.h"

#define WEEK 168
/* Monday 2025-11-10 10:00 UTC: 1762768800 / 3600 */
#define H 489658

static anomaly_set *four_weeks(const double base[4], double x, double x_next)
{
    anomaly_set *s = anomaly_set_new(5);
    for (int p = 1; p <= 4; p++) {
        anomaly_set_add(s, (size_t)p, ANOMALY_CATEGORY, "nat_processing", NULL, H - p * WEEK, base[p - 1]);
        anomaly_set_add(s, (size_t)p, ANOMALY_CATEGORY, "nat_processing", NULL, H + 1 - p * WEEK, base[p - 1]);
    }
    anomaly_set_add(s, 0, ANOMALY_CATEGORY, "nat_processing", NULL, H, x);
    anomaly_set_add(s, 0, ANOMALY_CATEGORY, "nat_processing", NULL, H + 1, x_next);
    return s;
}

int main(void)
{
    /* hour 0 = Thursday 1970-01-01 00:00 → 3 days × 24 = 72; Monday
     * 1970-01-05 00:00 = hour 96 → 0; the hour before it → 167; H is a
     * Monday 10:00 → 10 */
    CHECK(anomaly_hour_of_week(0) == 72);
    CHECK(anomaly_hour_of_week(96) == 0);
    CHECK(anomaly_hour_of_week(95) == 167);
    CHECK(anomaly_hour_of_week(H) == 10);
    CHECK(anomaly_hour_of_week(-1) == 71);

    anomaly_opts o;
    anomaly_opts_default(&o); /* $5 a day: absolute floor 5/24 = 0.208333 an hour */

    /* Baselines 1.00 1.10 0.90 1.05 → sorted 0.90 1.00 1.05 1.10, median
     * (1.00 + 1.05)/2 = 1.025; deviations .125 .075 .025 .025 → MAD
     * (.025 + .075)/2 = .05, under the floor 5% × 1.025 = .05125, which is
     * used. x = 1.40: d = .375, z = 0.6745 × .375 / .05125 = 4.93537 ≥ 3.5,
     * d ≥ .208333 → flagged; band 1.025 ∓ 3.5 × .05125 / 0.6745 = ∓ .265937.
     * The next hour (1.25): z = 0.6745 × .225 / .05125 = 2.96122 → not. */
    const double b1[4] = {1.00, 1.10, 0.90, 1.05};
    anomaly_set *s = four_weeks(b1, 1.40, 1.25);
    anomaly_list *l = anomaly_detect(s, 0, NULL, &o);
    CHECK(l->n == 1 && l->n_baselines == 4);
    if (l->n == 1) {
        const anomaly *a = &l->v[0];
        CHECK(a->kind == ANOMALY_CATEGORY);
        CHECK_STR(a->key, "nat_processing");
        CHECK(a->hour == H && a->last_hour == H && a->hours == 1);
        CHECK_NEAR(a->expected_usd, 1.025, 1e-9);
        CHECK_NEAR(a->actual_usd, 1.40, 1e-9);
        CHECK_NEAR(a->score, 4.93537, 1e-4);
        CHECK_NEAR(a->band_lo, 1.025 - 0.265937, 1e-5);
        CHECK_NEAR(a->band_hi, 1.025 + 0.265937, 1e-5);
    }
    anomaly_list_free(l);
    anomaly_set_free(s);

    /* Two hours in a row above the band: one anomaly of 2 hours whose score
     * is the larger z: 1.40 (4.93537) then 1.50 (0.6745 × .475 / .05125 =
     * 6.25146). */
    s = four_weeks(b1, 1.40, 1.50);
    l = anomaly_detect(s, 0, NULL, &o);
    CHECK(l->n == 1 && l->v[0].hours == 2 && l->v[0].last_hour == H + 1);
    if (l->n == 1) CHECK_NEAR(l->v[0].score, 6.25146, 1e-4);
    anomaly_list_free(l);
    anomaly_set_free(s);

    /* A drop is an anomaly too: 0.60, d = -.425, z = -5.59341. */
    s = four_weeks(b1, 0.60, 1.00);
    l = anomaly_detect(s, 0, NULL, &o);
    CHECK(l->n == 1);
    if (l->n == 1) CHECK_NEAR(l->v[0].score, -5.59341, 1e-4);
    anomaly_list_free(l);
    anomaly_set_free(s);

    /* The floors: a tenth of the money (median .1025, MAD floor .005125).
     * x = .14: z = 4.93537 but d = .0375 < .208333 and < half the median
     * (.05125) → not flagged. x = .16: d = .0575 ≥ .05125 and ≥ .0208333
     * (a tenth of the absolute floor) → flagged by the relative floor,
     * z = 0.6745 × .0575 / .005125 = 7.56756. */
    const double b2[4] = {0.100, 0.110, 0.090, 0.105};
    s = four_weeks(b2, 0.14, 0.1025);
    l = anomaly_detect(s, 0, NULL, &o);
    CHECK(l->n == 0);
    anomaly_list_free(l);
    anomaly_set_free(s);
    s = four_weeks(b2, 0.16, 0.1025);
    l = anomaly_detect(s, 0, NULL, &o);
    CHECK(l->n == 1);
    if (l->n == 1) CHECK_NEAR(l->v[0].score, 7.56756, 1e-4);
    anomaly_list_free(l);
    anomaly_set_free(s);

    /* With the floor at $1 a day (.0416667 an hour) x = .14 passes the
     * absolute floor instead: d = .0375 < .0416667 → still not; x = .15:
     * d = .0475 ≥ .0416667 → flagged. */
    o.min_usd_day = 1.0;
    s = four_weeks(b2, 0.15, 0.1025);
    l = anomaly_detect(s, 0, NULL, &o);
    CHECK(l->n == 1);
    anomaly_list_free(l);
    anomaly_set_free(s);
    o.min_usd_day = 5.0;

    /* New talkers: a payer absent from every baseline (which are covered at
     * those hours), 24 hours from H. At .25 an hour it costs 6.00 over one
     * day ≥ 5 → one new_talker at H with actual 6.00 (not payer spikes too).
     * At .20 an hour (4.80 a day) → nothing: 0.20 < .208333 and a median of
     * 0 leaves no relative floor. */
    static const double rates[2] = {0.25, 0.20};
    static const size_t want[2] = {1, 0};
    for (int k = 0; k < 2; k++) {
        s = anomaly_set_new(5);
        for (int h = 0; h < 24; h++) {
            for (int p = 1; p <= 4; p++) anomaly_set_cover(s, (size_t)p, H + h - p * WEEK);
            anomaly_set_add(s, 0, ANOMALY_PAYER, "10.0.1.109", "app-9", H + h, rates[k]);
        }
        l = anomaly_detect(s, 0, NULL, &o);
        CHECK(l->n == want[k]);
        if (l->n == 1) {
            CHECK(l->v[0].kind == ANOMALY_NEW_TALKER && l->v[0].hour == H);
            CHECK_STR(l->v[0].name, "app-9");
            CHECK_NEAR(l->v[0].actual_usd, 6.0, 1e-9);
        }
        anomaly_list_free(l);
        anomaly_set_free(s);
    }

    /* --backtest: baseline 1 against the others without the current period
     * has 3 values (< 4) → nothing judged. */
    s = four_weeks(b1, 1.40, 1.25);
    bool skip[5] = {true, false, false, false, false};
    l = anomaly_detect(s, 1, skip, &o);
    CHECK(l->n == 0 && l->n_baselines == 3);
    anomaly_list_free(l);
    anomaly_set_free(s);

    return check_done();
}
