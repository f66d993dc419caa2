/* lpm: longest-prefix match of addresses against AWS ip-ranges.json
 * prefixes, giving the AWS service and region of a public address.
 * At equal prefix length a specific service beats "AMAZON".
 * Loading the JSON lives in enrich/ipranges.c; this is the pure table.
 *
 * Ownership: the lpm owns copies of the service/region strings it returns. */
#ifndef FC_LPM_H
#define FC_LPM_H

#include <stdbool.h>
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
/* Returns the matched prefix length (on the 128-bit form, like lpm_add:
 * an IPv4 /16 is 112), or -1 when no range contains ip or the table is not
 * finalized. service/region (either may be NULL) point into the table. */
int lpm_lookup(const lpm *t, const ip128 *ip, const char **service, const char **region);
/* As lpm_lookup, also giving the matched network (for findings that list
 * the prefixes of an AMAZON-only range). */
int lpm_lookup_net(const lpm *t, const ip128 *ip, ip128 *net, const char **service,
                   const char **region);
/* True when ip is in any range of `service` (e.g. "AMAZON" or "S3"), not
 * only the one lpm_lookup prefers. */
bool lpm_in_service(const lpm *t, const ip128 *ip, const char *service);
/* Entries after lpm_finalize (exact duplicates removed). */
size_t lpm_count(const lpm *t);
void lpm_set_version(lpm *t, const char *sync_token, const char *create_date);
const char *lpm_version(const lpm *t);     /* syncToken, "" when unknown */
const char *lpm_create_date(const lpm *t); /* createDate, "" when unknown */

#endif
