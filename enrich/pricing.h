/* pricing: the rate table from the AWS Price List Query API (GetProducts,
 * JSON 1.1, SigV4 service "pricing", us-east-1), for `flowcost rates
 * --fetch`. Which products and usage types feed which rate is one table in
 * pricing.c and docs/pricing.md. */
#ifndef FC_PRICING_H
#define FC_PRICING_H

#include <stdbool.h>
#include <stddef.h>

#include "aws.h"
#include "rates.h"

/* What was learned so far; filled product by product. */
typedef struct pricing_acc pricing_acc;
/* regions NULL/0 = every commercial region the price list names. */
pricing_acc *pricing_acc_new(const char *const *regions, size_t n_regions);
void pricing_acc_free(pricing_acc *a);
/* One PriceList entry (a product with its terms, itself a JSON document).
 * Products the cost model does not use are skipped; -1 only for an entry
 * that is not JSON. */
int pricing_acc_add(pricing_acc *a, const char *product_json, char *err, size_t errlen);
/* The table: for each region priced, the embedded row (or us-east-1's for
 * a region the embedded table lacks) with every figure found replaced, and
 * the inter-region pairs. `missing` (may be NULL) gets one "REGION: key"
 * line per figure the price list did not give. NULL when no region was
 * priced at all. */
rate_table *pricing_acc_table(const pricing_acc *a, dbuf *missing);

/* GetProducts for every query of the table, all pages, into a. */
int pricing_fetch(pricing_acc *a, const aws_config *c, char *err, size_t errlen);

#endif
