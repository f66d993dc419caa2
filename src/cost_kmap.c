/* cost_kmap: the cost model groups millions of records by small fixed-size
 * keys (flow, charge, hour, finding); one open-addressing table from a
 * key's bytes to a dense index serves them all, so the caller keeps its own
 * parallel array of values. Keys are compared with memcmp: callers zero
 * their key structs. */
#include <stdlib.h>
#include <string.h>

#include "cost_int.h"
#include "util.h"

/* Eight bytes a step (a byte-wise FNV-1a was a tenth of the CPU of a
 * report over a million flows: every emitted charge hashes a flow, a
 * charge and an hour key). Only where keys sit in the slots depends on it,
 * never the dense indexes. */
static uint64_t kmap_hash(const void *k, size_t n)
{
    const unsigned char *p = k;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (; n; ) {
        uint64_t w = 0;
        size_t take = n < 8 ? n : 8;
        memcpy(&w, p, take);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
        p += take;
        n -= take;
    }
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

void cost_kmap_init(cost_kmap *m, size_t ksize)
{
    memset(m, 0, sizeof *m);
    m->ksize = ksize;
}

void cost_kmap_free(cost_kmap *m)
{
    free(m->slots);
    free(m->keys);
    memset(m, 0, sizeof *m);
}

static void kmap_rehash(cost_kmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    uint32_t *ns = xzeroed(ncap, sizeof *ns);
    for (size_t i = 0; i < m->n; i++) {
        size_t j = kmap_hash(m->keys + i * m->ksize, m->ksize) & (ncap - 1);
        while (ns[j]) j = (j + 1) & (ncap - 1);
        ns[j] = (uint32_t)(i + 1);
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
}

size_t cost_kmap_get(cost_kmap *m, const void *key, bool *created)
{
    if ((m->n + 1) * 2 > m->cap) kmap_rehash(m);
    size_t j = kmap_hash(key, m->ksize) & (m->cap - 1);
    while (m->slots[j]) {
        size_t i = m->slots[j] - 1;
        if (memcmp(m->keys + i * m->ksize, key, m->ksize) == 0) {
            if (created) *created = false;
            return i;
        }
        j = (j + 1) & (m->cap - 1);
    }
    if (m->n == m->kcap) {
        m->kcap = m->kcap ? m->kcap * 2 : 64;
        m->keys = xrealloc(m->keys, m->kcap * m->ksize);
    }
    memcpy(m->keys + m->n * m->ksize, key, m->ksize);
    m->slots[j] = (uint32_t)(m->n + 1);
    if (created) *created = true;
    return m->n++;
}

long cost_kmap_find(const cost_kmap *m, const void *key)
{
    if (!m->cap) return -1;
    size_t j = kmap_hash(key, m->ksize) & (m->cap - 1);
    while (m->slots[j]) {
        size_t i = m->slots[j] - 1;
        if (memcmp(m->keys + i * m->ksize, key, m->ksize) == 0) return (long)i;
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

bool cost_kmap_has(const cost_kmap *m, const void *key)
{
    return cost_kmap_find(m, key) >= 0;
}
