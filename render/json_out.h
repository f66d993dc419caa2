/* json_out: the machine-readable result of ../shared/spec/cli.md. */
#ifndef FC_JSON_OUT_H
#define FC_JSON_OUT_H

#include <stddef.h>

#include "cost.h"
#include "util.h"

/* top_n rows in top_ips (0 = all; also caps each NAT gateway's sources
 * and destinations). Money has 6 decimals, counts are exact integers, the
 * key order is fixed. Caller frees the string (ends with a newline). */
char *json_result(const cost_result *r, size_t top_n);
/* The same document with `top_ips` = rows already ranked by `by` (for
 * `top --by peer|eni|subnet|nat --output json`); per-category bytes are
 * given only for BY_IP rows (0 otherwise). */
char *json_result_rows(const cost_result *r, const cost_rank *rows, size_t n, cost_by by, size_t top_n);

/* The same documents with one more key, last: `key` with the JSON text
 * `raw` (written by another module, e.g. baseline_json's object). NULL key
 * or raw: no extra key. */
char *json_result_with(const cost_result *r, size_t top_n, const char *key, const char *raw);
char *json_result_rows_with(const cost_result *r, const cost_rank *rows, size_t n, cost_by by, size_t top_n,
                            const char *key, const char *raw);

/* `json` (an object's text, from anywhere) parsed and printed again with
 * `key`: raw added last; NULL when json is not a JSON object. */
char *json_add_raw(const char *json, const char *key, const char *raw);

/* `flowcost --version --json`: name, version, commit, compiler and one
 * object per library (name, version or null, built_with, file or null).
 * Returns a malloc'd string (caller frees with free()). */
char *json_version(const char *version, const char *commit, const char *compiler, const fc_lib_info *libs,
                   const char *const *files, size_t n);

#endif
