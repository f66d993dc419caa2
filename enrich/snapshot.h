/* snapshot: the ENI inventory as a documented JSON file (docs/snapshot.md),
 * written by `flowcost enrich` and read by --eni-snapshot. Loading also
 * accepts raw EC2 Describe* XML responses (sniffed). */
#ifndef FC_SNAPSHOT_H
#define FC_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "inventory.h"

int snapshot_load(inventory *inv, const char *path, char *err, size_t errlen);
/* Serialize (caller frees). fetched_at is the snapshot time. */
char *snapshot_to_json(const inventory *inv, int64_t fetched_at);

#endif
