/* STUB: placeholder until its owner lands the real module. */
#include <stdlib.h>
#include "rates.h"
struct rate_table { region_rates r; };
rate_table *rates_new_default(void) { return calloc(1, sizeof(rate_table)); }
void rates_free(rate_table *t) { free(t); }
const region_rates *rates_for(const rate_table *t, const char *region, int *fb) { (void)region; if (fb) *fb = 0; return &t->r; }
void rates_set(rate_table *t, const region_rates *r) { t->r = *r; }
size_t rates_count(const rate_table *t) { (void)t; return 1; }
const region_rates *rates_at(const rate_table *t, size_t i) { (void)i; return &t->r; }
void rates_set_source(rate_table *t, const char *s) { (void)t; (void)s; }
const char *rates_source(const rate_table *t) { (void)t; return "embedded"; }
