/* STUB: placeholder until its owner lands the real module. */
#include <stdlib.h>
#include "agg.h"
struct agg { int unused; agg_stats st; };
agg *agg_new(void) { return calloc(1, sizeof(agg)); }
void agg_free(agg *a) { free(a); }
void agg_add(agg *a, const agg_group *g, const char *eni, const char *s, const char *d) { (void)a; (void)g; (void)eni; (void)s; (void)d; }
void agg_note_eni(agg *a, const char *eni, const char *vpc, const char *subnet, const char *instance, const char *az_id, const char *account, const char *region) { (void)a; (void)eni; (void)vpc; (void)subnet; (void)instance; (void)az_id; (void)account; (void)region; }
void agg_merge(agg *dst, const agg *src) { (void)dst; (void)src; }
const agg_group *agg_groups(const agg *a, size_t *n) { (void)a; *n = 0; return NULL; }
size_t agg_count(const agg *a) { (void)a; return 0; }
const char *agg_str(const agg *a, uint32_t id) { (void)a; (void)id; return NULL; }
uint32_t agg_str_id(const agg *a, const char *s) { (void)a; (void)s; return 0; }
size_t agg_str_count(const agg *a) { (void)a; return 0; }
const agg_eni_meta *agg_eni(const agg *a, uint32_t id) { (void)a; (void)id; return NULL; }
agg_stats *agg_stats_of(agg *a) { return &a->st; }
const agg_stats *agg_stats_get(const agg *a) { return &a->st; }
