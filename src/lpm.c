/* lpm: which AWS range holds a public address. ip-ranges.json has ~10k
 * prefixes and the cost model asks once per distinct address, so the table
 * is a sorted array per prefix length, probed from the longest length down:
 * one binary search per distinct length present (a few dozen), no trie
 * nodes to allocate, and the data stay in one block. The same prefix often
 * appears under several services (AMAZON plus EC2 plus ROUTE53_HEALTHCHECKS,
 * …); entries with equal prefix are kept in preference order so the first
 * one is the answer and the others still serve lpm_in_service(). */
#include "lpm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct lpm_entry {
    ip128 net;        /* masked to bits */
    uint8_t bits;     /* 0..128 on the 128-bit form */
    uint8_t rank;     /* preference at equal prefix: higher wins */
    uint32_t service; /* index into strs */
    uint32_t region;
} lpm_entry;

typedef struct lpm_group {
    unsigned bits;
    size_t start, end; /* entries[start..end) have this length */
    bool has_v4, has_v6; /* lets a lookup skip lengths of the other family */
} lpm_group;

struct lpm {
    lpm_entry *e;
    size_t n, cap;
    char **strs; /* interned service and region names */
    size_t n_strs, cap_strs;
    lpm_group groups[129];
    size_t n_groups;
    bool final;
    char *sync_token, *create_date;
};

lpm *lpm_new(void) { return xcalloc(1, sizeof(lpm)); }

void lpm_free(lpm *t)
{
    if (!t) return;
    fc_free_strs(t->strs, t->n_strs);
    FC_FREE(t->e, t->sync_token, t->create_date, t);
}

/* Few distinct names (dozens of services, ~30 regions): a linear search
 * over the interned ones costs less than a hash table would. */
static uint32_t intern(lpm *t, const char *s)
{
    if (!s) s = "";
    for (size_t i = 0; i < t->n_strs; i++)
        if (strcmp(t->strs[i], s) == 0) return (uint32_t)i;
    if (t->n_strs == t->cap_strs) {
        t->cap_strs = t->cap_strs ? t->cap_strs * 2 : 32;
        t->strs = xrealloc(t->strs, t->cap_strs * sizeof *t->strs);
    }
    t->strs[t->n_strs] = xstrdup(s);
    return (uint32_t)t->n_strs++;
}

/* cost-model.md §1: a specific service beats AMAZON (the umbrella every
 * range is also listed under); EC2 is the next most generic, since many
 * services (ROUTE53_HEALTHCHECKS, CLOUD9, …) are published as subsets of
 * EC2 space under both names. */
static uint8_t service_rank(const char *s)
{
    if (strcmp(s, "AMAZON") == 0) return 0;
    if (strcmp(s, "EC2") == 0) return 1;
    return 2;
}

void lpm_add(lpm *t, const ip128 *net, unsigned bits, const char *service, const char *region)
{
    if (bits > 128) bits = 128;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->e = xrealloc(t->e, t->cap * sizeof *t->e);
    }
    lpm_entry *e = &t->e[t->n++];
    e->net = ip_mask(net, bits);
    e->bits = (uint8_t)bits;
    e->service = intern(t, service);
    e->region = intern(t, region);
    e->rank = service_rank(t->strs[e->service]);
    t->final = false;
}

static const lpm *sort_ctx; /* qsort has no context argument in C17 */

static int cmp_entry(const void *pa, const void *pb)
{
    const lpm_entry *a = pa, *b = pb;
    if (a->bits != b->bits) return a->bits > b->bits ? -1 : 1; /* longest first */
    int c = memcmp(a->net.b, b->net.b, 16);
    if (c) return c;
    if (a->rank != b->rank) return a->rank > b->rank ? -1 : 1;
    c = strcmp(sort_ctx->strs[a->service], sort_ctx->strs[b->service]);
    if (c) return c;
    return strcmp(sort_ctx->strs[a->region], sort_ctx->strs[b->region]);
}

void lpm_finalize(lpm *t)
{
    sort_ctx = t;
    if (t->n) qsort(t->e, t->n, sizeof *t->e, cmp_entry);
    sort_ctx = NULL;
    /* Drop exact duplicates (same prefix, service and region) that files
     * merged from several sources can contain. */
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (k && t->e[k - 1].bits == t->e[i].bits && ip_eq(&t->e[k - 1].net, &t->e[i].net) &&
            t->e[k - 1].service == t->e[i].service && t->e[k - 1].region == t->e[i].region)
            continue;
        t->e[k++] = t->e[i];
    }
    t->n = k;
    t->n_groups = 0;
    for (size_t i = 0; i < t->n;) {
        size_t j = i;
        while (j < t->n && t->e[j].bits == t->e[i].bits) j++;
        lpm_group g = {t->e[i].bits, i, j, false, false};
        for (size_t k2 = i; k2 < j; k2++) {
            if (ip_is_v4(&t->e[k2].net)) g.has_v4 = true;
            else g.has_v6 = true;
        }
        t->groups[t->n_groups++] = g;
        i = j;
    }
    t->final = true;
}

/* First entry in [lo, hi) whose net equals key, or hi. */
static size_t lower_bound(const lpm_entry *e, size_t lo, size_t hi, const ip128 *key)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(e[mid].net.b, key->b, 16) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static const lpm_entry *match(const lpm *t, const ip128 *ip, size_t *group_out)
{
    if (!t || !t->final) return NULL;
    bool v4 = ip_is_v4(ip);
    for (size_t g = 0; g < t->n_groups; g++) {
        const lpm_group *gr = &t->groups[g];
        if (v4 ? !gr->has_v4 : !gr->has_v6) continue;
        ip128 key = ip_mask(ip, gr->bits);
        size_t i = lower_bound(t->e, gr->start, gr->end, &key);
        if (i < gr->end && ip_eq(&t->e[i].net, &key)) {
            if (group_out) *group_out = g;
            return &t->e[i];
        }
    }
    return NULL;
}

int lpm_lookup(const lpm *t, const ip128 *ip, const char **service, const char **region)
{
    const lpm_entry *e = match(t, ip, NULL);
    if (!e) return -1;
    if (service) *service = t->strs[e->service];
    if (region) *region = t->strs[e->region];
    return e->bits;
}

int lpm_lookup_net(const lpm *t, const ip128 *ip, ip128 *net, const char **service,
                   const char **region)
{
    const lpm_entry *e = match(t, ip, NULL);
    if (!e) return -1;
    if (net) *net = e->net;
    if (service) *service = t->strs[e->service];
    if (region) *region = t->strs[e->region];
    return e->bits;
}

bool lpm_in_service(const lpm *t, const ip128 *ip, const char *service)
{
    if (!t || !t->final || !service) return false;
    for (size_t g = 0; g < t->n_groups; g++) {
        const lpm_group *gr = &t->groups[g];
        ip128 key = ip_mask(ip, gr->bits);
        for (size_t i = lower_bound(t->e, gr->start, gr->end, &key); i < gr->end && ip_eq(&t->e[i].net, &key);
             i++)
            if (strcmp(t->strs[t->e[i].service], service) == 0) return true;
    }
    return false;
}

size_t lpm_count(const lpm *t) { return t ? t->n : 0; }

void lpm_set_version(lpm *t, const char *sync_token, const char *create_date)
{
    free(t->sync_token);
    free(t->create_date);
    t->sync_token = xstrdup(sync_token ? sync_token : "");
    t->create_date = xstrdup(create_date ? create_date : "");
}

const char *lpm_version(const lpm *t) { return t && t->sync_token ? t->sync_token : ""; }

const char *lpm_create_date(const lpm *t) { return t && t->create_date ? t->create_date : ""; }
