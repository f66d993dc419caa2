/* STUB: placeholder until its owner lands the real module. */
#include <stdlib.h>
#include <string.h>
#include "cost.h"
#include "util.h"
const char *cost_cat_name(cost_cat c) { (void)c; return "?"; }
const char *cost_path_name(cost_path p) { (void)p; return "?"; }
const char *cost_dest_name(cost_dest d) { (void)d; return "?"; }
void cost_options_default(cost_options *o) { memset(o, 0, sizeof *o); o->min_savings = 10; o->scan_threshold = 20; }
cost_result *cost_run(const agg *a, inventory *inv, const lpm *r, const rate_table *rt, const cost_options *o, char *err, size_t errlen) { (void)a; (void)inv; (void)r; (void)rt; (void)o; fc_err(err, errlen, "cost model not implemented yet"); return NULL; }
void cost_result_free(cost_result *r) { free(r); }
int cost_by_parse(const char *s, cost_by *out) { (void)s; *out = BY_IP; return 0; }
cost_rank *cost_rank_by(const cost_result *r, cost_by by, size_t limit, size_t *n) { (void)r; (void)by; (void)limit; *n = 0; return NULL; }
