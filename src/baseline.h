/* baseline: how this period differs from an earlier one (--baseline), per
 * category, per NAT gateway and per payer IP (new and vanished included).
 *
 * Owner: "weekly". Both cost_results must come from the same inventory and
 * rate table (pipeline.c prices the baseline aggregate with them), so that a
 * delta means "traffic changed", not "prices or names changed".
 *
 * Rows:
 *  - cats: every category in spec order, even when both sides are zero;
 *  - nats: every NAT gateway id present in either result; status 1 (new)
 *    when only `after` has it, -1 (vanished) when only `before` has it;
 *  - ips:  every address that pays something (cost_endpoint.usd > 0) in at
 *    least one of the two periods; status 1 (new) when it paid nothing in
 *    `before`, -1 (vanished) when it pays nothing in `after`. Bytes are the
 *    endpoint's bytes_out + bytes_in.
 * Ownership: the diff owns its rows; `name` points into the results'
 * inventory, which must outlive the diff. */
#ifndef FC_BASELINE_H
#define FC_BASELINE_H

#include <stddef.h>
#include <stdint.h>

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
    /* added: the two periods, for "compared with <start>..<end>" */
    int64_t before_start, before_end, after_start, after_end;
    uint64_t before_bytes, after_bytes;   /* total_bytes of each result */
} baseline_diff;

/* Never NULL (out-of-memory aborts). Free with baseline_free(). */
baseline_diff *baseline_compare(const cost_result *before, const cost_result *after);
void baseline_free(baseline_diff *d);

/* "new", "vanished" or "changed" for a row's status. */
const char *baseline_status_name(int status);

#endif
