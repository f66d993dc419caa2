/* rates_json: `--rates FILE` overrides and `flowcost rates` output; the same
 * JSON shape both ways (docs/rates.md). */
#ifndef FC_RATES_JSON_H
#define FC_RATES_JSON_H

#include <stddef.h>

#include "rates.h"

/* Apply the overrides of a rates file (docs/rates.md) to t: partial, all or
 * nothing (a rejected file changes nothing). Errors name the file (and the
 * line for invalid JSON). */
int rates_load_json(rate_table *t, const char *path, char *err, size_t errlen);
/* The same from memory; `name` is used in messages. */
int rates_parse_json(rate_table *t, const char *text, size_t len, const char *name, char *err,
                     size_t errlen);
/* region NULL = every region. Caller frees. */
char *rates_to_json(const rate_table *t, const char *region);

#endif
