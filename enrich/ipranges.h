/* ipranges: AWS ip-ranges.json into an lpm table. */
#ifndef FC_IPRANGES_H
#define FC_IPRANGES_H

#include <stddef.h>

#include "lpm.h"

/* path NULL = the bundled copy. Returns NULL with a message on error. */
lpm *ipranges_load(const char *path, char *err, size_t errlen);

#endif
