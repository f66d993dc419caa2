/* STUB: placeholder until its owner lands the real module. */
#include <stdlib.h>
#include "baseline.h"
baseline_diff *baseline_compare(const cost_result *b, const cost_result *a) { (void)b; (void)a; return calloc(1, sizeof(baseline_diff)); }
void baseline_free(baseline_diff *d) { free(d); }
