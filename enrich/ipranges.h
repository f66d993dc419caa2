/* ipranges: AWS ip-ranges.json into an lpm table. */
#ifndef FC_IPRANGES_H
#define FC_IPRANGES_H

#include <stddef.h>

#include "lpm.h"

/* path NULL = the bundled copy (docs/ip-ranges.md). Returns a finalized
 * table the caller frees with lpm_free, or NULL with a message naming the
 * file (and line or entry) on error. */
lpm *ipranges_load(const char *path, char *err, size_t errlen);
/* The same from memory; `name` is used in messages. */
lpm *ipranges_parse(const char *text, size_t len, const char *name, char *err, size_t errlen);

#endif
