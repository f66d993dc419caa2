/* baseline_json: the `baseline` key of the JSON result (cli.md), added to
 * the JSON result. Written with plain string building so that cJSON stays
 * included from one module (render/json_out.c), which places it.
 *
 * Owner: "weekly". Shape:
 *   "baseline": {
 *     "period": {"start": "RFC3339", "end": "RFC3339"},      the earlier period
 *     "totals": {"before_usd": X, "after_usd": X, "delta_usd": X, "pct": X|null,
 *                "before_bytes": N, "after_bytes": N},
 *     "by_category": {"<category>": {same six keys}, ...},   every category
 *     "nat_gateways": [{"id": "...", "name": "..."|null, "status": "changed|new|vanished",
 *                       same six keys}, ...],                 |delta| desc, then id
 *     "ips": [{"ip": "...", "name": ..., "status": ..., same six keys}, ...]
 *   }
 * pct is delta / before × 100, null when before is 0. */
#ifndef FC_BASELINE_JSON_H
#define FC_BASELINE_JSON_H

#include <stddef.h>

#include "baseline.h"

/* The baseline object alone ({...}); top_n limits "ips" (0 = all).
 * Caller frees. */
char *baseline_json(const baseline_diff *d, size_t top_n);

/* `json` (a JSON object's text) with "baseline": {...} added as its last
 * key (parsed and printed again by json_out.c). Returns a new string
 * (caller frees), or NULL when json is not an object. */
char *baseline_json_add(const char *json, const baseline_diff *d, size_t top_n);

/* For the commands: the baseline object comparing `before` (--baseline)
 * with `after`, for json_result_with(..., "baseline", text); NULL when
 * before is NULL (no --baseline) or the two cannot be compared. */
char *baseline_json_of(const cost_result *before, const cost_result *after, size_t top_n);

#endif
