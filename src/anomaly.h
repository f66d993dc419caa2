/* anomaly: cost anomalies against earlier periods (issue 19, part 2).
 *
 * Every period (the current one and each baseline) is priced hour by hour
 * (anomaly_add_agg runs the cost model on each hour's groups), giving cells
 * (kind, key, hour) → USD for each category, payer, NAT gateway and AZ pair.
 * For each cell of the current period the baselines' values at the same
 * hour of the week give a median and a MAD (median absolute deviation); the
 * cell is flagged when the modified z-score 0.6745·(x − median)/MAD reaches
 * 3.5 in absolute value (Iglewicz & Hoaglin) and the change passes a floor:
 * |x − median| ≥ min_usd_day/24 (absolute), or ≥ rel·median and ≥ a tenth
 * of the absolute floor (relative). Consecutive flagged hours of one cell
 * with the same sign are one anomaly (its first hour). A payer or peer that
 * costs nothing in every baseline and at least min_usd_day per day now is a
 * new talker, reported at its first hour instead of as payer spikes.
 * docs/anomalies.md gives the reasons for each constant.
 *
 * Ownership: an anomaly_set owns its cells and strings; an anomaly_list
 * owns its rows. Nothing is shared between threads. */
#ifndef FC_ANOMALY_H
#define FC_ANOMALY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "cost.h"

typedef enum anomaly_kind {
    ANOMALY_CATEGORY = 0,
    ANOMALY_PAYER,
    ANOMALY_NAT,
    ANOMALY_AZ_PAIR,
    ANOMALY_NEW_TALKER,
    ANOMALY_PEER,            /* cells only: a far end's cost, for new talkers */
    ANOMALY_KIND_COUNT
} anomaly_kind;
const char *anomaly_kind_name(anomaly_kind k); /* "category", "payer", "nat", "az_pair", "new_talker" */

#define ANOMALY_HOURS_OF_WEEK 168
/* Monday 00:00 UTC = 0 (1970-01-01 was a Thursday). */
int anomaly_hour_of_week(int32_t hour);

typedef struct anomaly_opts {
    double min_usd_day;      /* --anomaly-min-usd, default 5 */
    double z;                /* 3.5 */
    double rel;              /* relative floor: 0.5 = half the median */
    double mad_floor_rel;    /* MAD never below this share of the median: 0.05 */
    size_t min_baselines;    /* values needed at an hour of the week: 4 */
} anomaly_opts;
void anomaly_opts_default(anomaly_opts *o);

typedef struct anomaly_set anomaly_set;
/* n_periods: the current period (index 0) and the baselines (1..n-1). */
anomaly_set *anomaly_set_new(size_t n_periods);
void anomaly_set_free(anomaly_set *s);
size_t anomaly_set_periods(const anomaly_set *s);
/* A cell value (added to what the cell already has that hour); name may be
 * NULL. An hour is covered once anything was added for it or it was marked. */
void anomaly_set_add(anomaly_set *s, size_t period, anomaly_kind kind, const char *key, const char *name,
                     int32_t hour, double usd);
void anomaly_set_cover(anomaly_set *s, size_t period, int32_t hour);
/* The cells of one priced hour: categories, payers, peers, NAT gateways and
 * AZ pairs with a cost. */
void anomaly_add_result(anomaly_set *s, size_t period, int32_t hour, const cost_result *r);
/* Price a's groups hour by hour (each hour with records is covered) and add
 * the cells. co's since/until are replaced per hour. 0, or -1 with err. */
int anomaly_add_agg(anomaly_set *s, size_t period, const agg *a, inventory *inv, const lpm *ranges,
                    const rate_table *rates, const cost_options *co, char *err, size_t errlen);

typedef struct anomaly {
    anomaly_kind kind;
    char key[96];
    char name[96];           /* display name when known, else "" */
    int32_t hour;            /* first hour (hours since the epoch) */
    int32_t last_hour;
    unsigned hours;          /* flagged hours in the run */
    double expected_usd;     /* the baselines' median at that hour (new talker: 0) */
    double band_lo, band_hi; /* median ∓ z·MAD/0.6745: values that would not be flagged */
    double actual_usd;       /* the first hour's value (new talker: its cost over the period) */
    double score;            /* modified z-score of the first hour, largest |z| of the run if larger */
} anomaly;

typedef struct anomaly_list {
    anomaly *v;
    size_t n;
    size_t n_baselines;      /* periods compared with */
} anomaly_list;

/* Period `target` against every other period but those in skip (NULL or
 * n_periods flags): anomaly_detect(s, 0, NULL, o) is the current period
 * against all baselines; --backtest judges baseline i against the others. */
anomaly_list *anomaly_detect(anomaly_set *s, size_t target, const bool *skip, const anomaly_opts *o);
void anomaly_list_free(anomaly_list *l);

#endif
