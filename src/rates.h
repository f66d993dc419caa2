/* rates: the price table — per-GB transfer rates and hourly rates per
 * region, embedded for the common regions (sources in docs/pricing.md),
 * overridable by a JSON file (loaded in enrich/, same shape as
 * `flowcost rates` prints). */
#ifndef FC_RATES_H
#define FC_RATES_H

#include <stddef.h>

typedef struct region_rates {
    char region[32];
    double nat_per_gb;               /* nat_processing */
    double inter_az_per_gb;          /* each way: charged out and again in */
    double internet_egress_per_gb;   /* first tier, flat */
    double inter_region_per_gb;
    double interface_endpoint_per_gb;
    double transit_gateway_per_gb;
    double regional_public_per_gb;   /* each way */
    double nat_per_hour;
    double interface_endpoint_per_az_hour;
} region_rates;

typedef struct rate_table rate_table;

/* The embedded table. */
rate_table *rates_new_default(void);
/* No region at all (rates_for still falls back to the embedded us-east-1):
 * for a fetched table that should hold only what was fetched. */
rate_table *rates_new_empty(void);
void rates_free(rate_table *t);
/* Rates of a region; unknown regions fall back to us-east-1's and set
 * *fallback (may be NULL). Never returns NULL. */
const region_rates *rates_for(const rate_table *t, const char *region, int *fallback);
/* Insert or replace one region's rates (used by the --rates loader). */
void rates_set(rate_table *t, const region_rates *r);
size_t rates_count(const rate_table *t);
const region_rates *rates_at(const rate_table *t, size_t i); /* sorted by region */
void rates_set_source(rate_table *t, const char *source);
const char *rates_source(const rate_table *t); /* "embedded" or a file path */

/* Inter-region transfer is priced per region PAIR (us-east-1 -> us-east-2
 * is $0.01/GB where us-east-1 -> eu-west-1 is $0.02): a pair's own rate
 * when the table has one (from a rates file), else `dflt` (the source
 * region's inter_region_per_gb). */
double rates_inter_region(const rate_table *t, const char *from, const char *to, double dflt);
/* Insert or replace the rate of one pair. */
void rates_set_pair(rate_table *t, const char *from, const char *to, double usd_per_gb);
size_t rates_pair_count(const rate_table *t);
/* Pairs sorted by (from, to); NULL past the end. */
typedef struct rates_pair {
    char from[32], to[32];
    double usd_per_gb;
} rates_pair;
const rates_pair *rates_pair_at(const rate_table *t, size_t i);

/* The rate columns as a table: JSON key (as `flowcost rates` prints it and
 * --rates reads it), offset of the double in region_rates, unit. In struct
 * order; the JSON key order follows it. */
typedef struct rates_field {
    const char *key;
    size_t offset;
    const char *unit;
} rates_field;
extern const rates_field rates_fields[];
extern const size_t rates_n_fields;
double rates_get(const region_rates *r, size_t field);
void rates_put(region_rates *r, size_t field, double v);

#endif
