/* json_out: the machine-readable result of ../shared/spec/cli.md. */
#ifndef FC_JSON_OUT_H
#define FC_JSON_OUT_H

#include <stddef.h>

#include "cost.h"

/* top_n rows in top_ips (0 = all). Caller frees the string. */
char *json_result(const cost_result *r, size_t top_n);

#endif
