/* baseline: how this period differs from an earlier one (--baseline), per
 * category, per NAT gateway and per payer IP (new and vanished included). */
#ifndef FC_BASELINE_H
#define FC_BASELINE_H

#include <stddef.h>

#include "cost.h"

typedef struct baseline_row {
    char key[64];          /* category name, NAT id, or IP */
    const char *name;      /* display name when known */
    double before_usd, after_usd, delta_usd;
    double pct;            /* delta / before × 100; NAN when before == 0 */
    uint64_t before_bytes, after_bytes;
    int status;            /* 0 changed, 1 new, -1 vanished */
} baseline_row;

typedef struct baseline_diff {
    double before_total, after_total, delta_total;
    baseline_row *cats;  size_t n_cats;   /* every category, spec order */
    baseline_row *nats;  size_t n_nats;   /* by |delta| desc, then key */
    baseline_row *ips;   size_t n_ips;    /* by |delta| desc, then key */
} baseline_diff;

baseline_diff *baseline_compare(const cost_result *before, const cost_result *after);
void baseline_free(baseline_diff *d);

#endif
