/* json_out: the machine-readable result of ../shared/spec/cli.md. */
#ifndef FC_JSON_OUT_H
#define FC_JSON_OUT_H

#include <stddef.h>

#include "cost.h"

/* top_n rows in top_ips (0 = all; also caps each NAT gateway's sources
 * and destinations). Money has 6 decimals, counts are exact integers, the
 * key order is fixed. Caller frees the string (ends with a newline). */
char *json_result(const cost_result *r, size_t top_n);
/* The same document with `top_ips` = rows already ranked by `by` (for
 * `top --by peer|eni|subnet|nat --output json`); per-category bytes are
 * given only for BY_IP rows (0 otherwise). */
char *json_result_rows(const cost_result *r, const cost_rank *rows, size_t n, cost_by by, size_t top_n);

#endif
