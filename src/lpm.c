/* STUB: placeholder until its owner lands the real module. */
#include <stdlib.h>
#include "lpm.h"
struct lpm { int unused; };
lpm *lpm_new(void) { return calloc(1, sizeof(lpm)); }
void lpm_free(lpm *t) { free(t); }
void lpm_add(lpm *t, const ip128 *net, unsigned bits, const char *s, const char *r) { (void)t; (void)net; (void)bits; (void)s; (void)r; }
void lpm_finalize(lpm *t) { (void)t; }
int lpm_lookup(const lpm *t, const ip128 *ip, const char **s, const char **r) { (void)t; (void)ip; (void)s; (void)r; return -1; }
size_t lpm_count(const lpm *t) { (void)t; return 0; }
void lpm_set_version(lpm *t, const char *a, const char *b) { (void)t; (void)a; (void)b; }
const char *lpm_version(const lpm *t) { (void)t; return ""; }
