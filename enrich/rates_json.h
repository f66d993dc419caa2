/* rates_json: `--rates FILE` overrides and `flowcost rates` output; the same
 * JSON shape both ways (docs/rates.md). */
#ifndef FC_RATES_JSON_H
#define FC_RATES_JSON_H

#include <stddef.h>

#include "rates.h"

int rates_load_json(rate_table *t, const char *path, char *err, size_t errlen);
/* region NULL = every region. Caller frees. */
char *rates_to_json(const rate_table *t, const char *region);

#endif
