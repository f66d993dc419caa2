/* lpm: longest-prefix match of addresses against AWS ip-ranges.json
 * prefixes, giving the AWS service and region of a public address.
 * At equal prefix length a specific service beats "AMAZON".
 * Loading the JSON lives in enrich/ipranges.c; this is the pure table.
 *
 * Ownership: the lpm owns copies of the service/region strings it returns. */
#ifndef FC_LPM_H
#define FC_LPM_H

#include <stddef.h>

#include "ip.h"

typedef struct lpm lpm;

lpm *lpm_new(void);
void lpm_free(lpm *t);
/* bits on the 128-bit form (IPv4 /16 = 112). */
void lpm_add(lpm *t, const ip128 *net, unsigned bits, const char *service,
             const char *region);
/* Prepare for lookups (sorting, indexes); call after the last lpm_add. */
void lpm_finalize(lpm *t);
/* Returns the matched prefix length, or -1 when no range contains ip. */
int lpm_lookup(const lpm *t, const ip128 *ip, const char **service, const char **region);
/* True when ip is in any range of `service` (e.g. "AMAZON" or "S3"). */
size_t lpm_count(const lpm *t);
void lpm_set_version(lpm *t, const char *sync_token, const char *create_date);
const char *lpm_version(const lpm *t);

#endif
