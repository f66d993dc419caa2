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

/* A slot holds the key's hash (top 32 bits) beside its index + 1: a probe
 * reads a key only when the hashes agree, and growing moves slots without
 * reading or hashing a key (at a million flows the keys were a cache miss
 * a probe, and memcmp a call). The slot's place is the hash's top bits. */
#define SLOT_IDX(s) ((uint32_t)(s))
#define SLOT_TAG(s) ((uint32_t)((s) >> 32))

static size_t slot_of(uint32_t tag, unsigned bits)
{
    return bits ? (size_t)(tag >> (32 - bits)) : 0;
}

static bool key_eq(const unsigned char *a, const unsigned char *b, size_t n)
{
    uint64_t x, y;
    for (; n >= 8; n -= 8, a += 8, b += 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) return false;
    }
    return !n || memcmp(a, b, n) == 0;
}

static void kmap_grow(cost_kmap *m, size_t ncap)
{
    unsigned bits = 0;
    while (((size_t)1 << bits) < ncap) bits++;
    uint64_t *ns = xzeroed(ncap, sizeof *ns);
    for (size_t j = 0; j < m->cap; j++) {
        uint64_t s = m->slots[j];
        if (!SLOT_IDX(s)) continue;
        size_t k = slot_of(SLOT_TAG(s), bits);
        while (ns[k]) k = (k + 1) & (ncap - 1);
        ns[k] = s;
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    m->bits = bits;
}

void cost_kmap_reserve(cost_kmap *m, size_t n)
{
    size_t ncap = m->cap ? m->cap : 64;
    while (n * 2 > ncap) ncap *= 2;
    if (ncap > m->cap) kmap_grow(m, ncap);
    if (n > m->kcap) {
        m->kcap = n;
        m->keys = xrealloc(m->keys, m->kcap * m->ksize);
    }
}

uint64_t cost_kmap_hash(const cost_kmap *m, const void *key)
{
    return kmap_hash(key, m->ksize);
}

void cost_kmap_prefetch(const cost_kmap *m, uint64_t h)
{
    if (m->cap) __builtin_prefetch(&m->slots[slot_of((uint32_t)(h >> 32), m->bits)]);
}

size_t cost_kmap_get(cost_kmap *m, const void *key, bool *created)
{
    return cost_kmap_get_hashed(m, key, kmap_hash(key, m->ksize), created);
}

/* The index of key (hash h), or -1 with *slot the empty slot it would
 * take. m->cap is not 0. */
static long probe(const cost_kmap *m, const void *key, uint64_t h, size_t *slot)
{
    uint32_t tag = (uint32_t)(h >> 32);
    size_t j = slot_of(tag, m->bits);
    for (uint64_t s; SLOT_IDX(s = m->slots[j]); j = (j + 1) & (m->cap - 1)) {
        size_t i = SLOT_IDX(s) - 1;
        if (SLOT_TAG(s) == tag && key_eq(m->keys + i * m->ksize, key, m->ksize)) return (long)i;
    }
    *slot = j;
    return -1;
}

size_t cost_kmap_get_hashed(cost_kmap *m, const void *key, uint64_t h, bool *created)
{
    if ((m->n + 1) * 2 > m->cap) kmap_grow(m, m->cap ? m->cap * 2 : 64);
    size_t j;
    long found = probe(m, key, h, &j);
    if (found >= 0) {
        if (created) *created = false;
        return (size_t)found;
    }
    if (m->n == m->kcap) {
        m->kcap = m->kcap ? m->kcap * 2 : 64;
        m->keys = xrealloc(m->keys, m->kcap * m->ksize);
    }
    memcpy(m->keys + m->n * m->ksize, key, m->ksize);
    m->slots[j] = (h >> 32) << 32 | (uint32_t)(m->n + 1);
    if (created) *created = true;
    return m->n++;
}

long cost_kmap_find(const cost_kmap *m, const void *key)
{
    if (!m->cap) return -1;
    size_t j;
    return probe(m, key, kmap_hash(key, m->ksize), &j);
}

bool cost_kmap_has(const cost_kmap *m, const void *key)
{
    return cost_kmap_find(m, key) >= 0;
}
