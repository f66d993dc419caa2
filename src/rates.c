/* rates: the price table. A dollar figure is only as good as its rate, so
 * the embedded rates live in one table with a source for every row
 * (docs/pricing.md), and everything else (--rates overrides, `flowcost
 * rates`) edits or prints this one structure. Regions we have no row for fall
 * back to us-east-1 and say so, rather than silently pricing at zero. */
#include "rates.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* USD. Per-GB figures are per GiB (2^30 bytes), as AWS bills them.
 * Columns: nat/GB, inter-AZ/GB each way, Internet egress (first tier),
 * inter-region, interface endpoint/GB, TGW/GB, regional public/GB each way,
 * NAT/hour, interface endpoint/AZ-hour. us-east-1 is cost-model.md §3. */
static const region_rates embedded[] = {
    {"ap-northeast-1", 0.062, 0.01, 0.114, 0.09, 0.01, 0.02, 0.01, 0.062, 0.014},
    {"ap-southeast-1", 0.059, 0.01, 0.12, 0.09, 0.01, 0.02, 0.01, 0.059, 0.013},
    {"eu-central-1", 0.052, 0.01, 0.09, 0.02, 0.01, 0.02, 0.01, 0.052, 0.012},
    {"eu-west-1", 0.048, 0.01, 0.09, 0.02, 0.01, 0.02, 0.01, 0.048, 0.011},
    {"eu-west-2", 0.05, 0.01, 0.09, 0.02, 0.01, 0.02, 0.01, 0.05, 0.011},
    {"sa-east-1", 0.093, 0.01, 0.15, 0.138, 0.01, 0.02, 0.01, 0.093, 0.017},
    {"us-east-1", 0.045, 0.01, 0.09, 0.02, 0.01, 0.02, 0.01, 0.045, 0.01},
    {"us-east-2", 0.045, 0.01, 0.09, 0.02, 0.01, 0.02, 0.01, 0.045, 0.01},
    {"us-west-2", 0.045, 0.01, 0.09, 0.02, 0.01, 0.02, 0.01, 0.045, 0.01},
};

#define FALLBACK_REGION "us-east-1"

struct rate_table {
    region_rates *r; /* sorted by region, unique */
    size_t n, cap;
    char *source;
    rates_pair *p;   /* sorted by (from, to), unique; none embedded */
    size_t np, pcap;
};

static int cmp_region(const void *a, const void *b)
{
    return strcmp(((const region_rates *)a)->region, ((const region_rates *)b)->region);
}

rate_table *rates_new_default(void)
{
    rate_table *t = xcalloc(1, sizeof *t);
    t->n = t->cap = sizeof embedded / sizeof *embedded;
    t->r = xmalloc(t->cap * sizeof *t->r);
    memcpy(t->r, embedded, sizeof embedded);
    qsort(t->r, t->n, sizeof *t->r, cmp_region);
    t->source = xstrdup("embedded");
    return t;
}

rate_table *rates_new_empty(void)
{
    rate_table *t = xcalloc(1, sizeof *t);
    t->source = xstrdup("embedded");
    return t;
}

void rates_free(rate_table *t)
{
    if (!t) return;
    FC_FREE(t->r, t->p, t->source, t);
}

static region_rates *find(const rate_table *t, const char *region)
{
    if (!region || !*region || !t->n) return NULL;
    region_rates key;
    memset(&key, 0, sizeof key);
    size_t n = strlen(region);
    if (n >= sizeof key.region) return NULL;
    memcpy(key.region, region, n);
    return bsearch(&key, t->r, t->n, sizeof *t->r, cmp_region);
}

const region_rates *rates_for(const rate_table *t, const char *region, int *fallback)
{
    const region_rates *r = find(t, region);
    if (fallback) *fallback = r == NULL;
    if (r) return r;
    r = find(t, FALLBACK_REGION);
    if (r) return r;
    /* Nothing removes us-east-1 from a table, but never return NULL. */
    for (size_t i = 0; i < sizeof embedded / sizeof *embedded; i++)
        if (strcmp(embedded[i].region, FALLBACK_REGION) == 0) return &embedded[i];
    return &embedded[0];
}

void rates_set(rate_table *t, const region_rates *r)
{
    region_rates *old = find(t, r->region);
    if (old) {
        *old = *r;
        return;
    }
    GROW(t->r, t->n, t->cap);
    t->r[t->n++] = *r;
    t->r[t->n - 1].region[sizeof r->region - 1] = '\0';
    qsort(t->r, t->n, sizeof *t->r, cmp_region);
}

static int cmp_pair(const void *a, const void *b)
{
    const rates_pair *x = a, *y = b;
    int c = strcmp(x->from, y->from);
    return c ? c : strcmp(x->to, y->to);
}

static rates_pair *find_pair(const rate_table *t, const char *from, const char *to)
{
    if (!t->np || !from || !to) return NULL;
    rates_pair key;
    memset(&key, 0, sizeof key);
    size_t nf = strlen(from), nt = strlen(to);
    if (nf >= sizeof key.from || nt >= sizeof key.to) return NULL;
    memcpy(key.from, from, nf);
    memcpy(key.to, to, nt);
    return bsearch(&key, t->p, t->np, sizeof *t->p, cmp_pair);
}

double rates_inter_region(const rate_table *t, const char *from, const char *to, double dflt)
{
    const rates_pair *p = find_pair(t, from, to);
    return p ? p->usd_per_gb : dflt;
}

void rates_set_pair(rate_table *t, const char *from, const char *to, double usd_per_gb)
{
    rates_pair *old = find_pair(t, from, to);
    if (old) {
        old->usd_per_gb = usd_per_gb;
        return;
    }
    GROW(t->p, t->np, t->pcap);
    rates_pair *p = &t->p[t->np++];
    memset(p, 0, sizeof *p);
    snprintf(p->from, sizeof p->from, "%s", from);
    snprintf(p->to, sizeof p->to, "%s", to);
    p->usd_per_gb = usd_per_gb;
    qsort(t->p, t->np, sizeof *t->p, cmp_pair);
}

size_t rates_pair_count(const rate_table *t) { return t->np; }

const rates_pair *rates_pair_at(const rate_table *t, size_t i) { return i < t->np ? &t->p[i] : NULL; }

size_t rates_count(const rate_table *t) { return t->n; }

const region_rates *rates_at(const rate_table *t, size_t i) { return i < t->n ? &t->r[i] : NULL; }

void rates_set_source(rate_table *t, const char *source)
{
    free(t->source);
    t->source = xstrdup(source ? source : "embedded");
}

const char *rates_source(const rate_table *t) { return t->source; }

#define FIELD(name, unit) {#name, offsetof(region_rates, name), unit}
const rates_field rates_fields[] = {
    FIELD(nat_per_gb, "USD/GB"),
    FIELD(inter_az_per_gb, "USD/GB each way"),
    FIELD(internet_egress_per_gb, "USD/GB"),
    FIELD(inter_region_per_gb, "USD/GB"),
    FIELD(interface_endpoint_per_gb, "USD/GB"),
    FIELD(transit_gateway_per_gb, "USD/GB"),
    FIELD(regional_public_per_gb, "USD/GB each way"),
    FIELD(nat_per_hour, "USD/hour"),
    FIELD(interface_endpoint_per_az_hour, "USD/AZ-hour"),
};
const size_t rates_n_fields = sizeof rates_fields / sizeof *rates_fields;

double rates_get(const region_rates *r, size_t field)
{
    double v;
    memcpy(&v, (const char *)r + rates_fields[field].offset, sizeof v);
    return v;
}

void rates_put(region_rates *r, size_t field, double v)
{
    memcpy((char *)r + rates_fields[field].offset, &v, sizeof v);
}
