/* fca: the compact, mergeable aggregate file written by `flowcost aggregate`:
 * a versioned header, the agg's string table, groups, ENI metadata and
 * stats, and a checksum. Reading one back into an agg is the same as reading
 * its inputs again. */
#ifndef FC_FCA_H
#define FC_FCA_H

#include <stdbool.h>
#include <stddef.h>

#include "agg.h"
#include "util.h"

#define FCA_MAGIC "FCA\x01"
#define FCA_MAGIC_LEN 4

bool fca_is(const void *data, size_t len); /* starts with the magic */
int fca_write(const agg *a, dbuf *out, char *err, size_t errlen);
/* Merge a serialized aggregate into a. */
int fca_read(agg *a, const void *data, size_t len, char *err, size_t errlen);

#endif
