/* agg: why a custom table — every record of the input lands here, so the
 * upsert must be a hash, one probe sequence and a memcmp of a fixed-size key,
 * with no allocation per record. Groups live in one dense array (what the
 * cost model, CSV and .fca read); the hash slots only hold indexes into it,
 * as in nfdump's flow cache. Memory grows with distinct groups, never with
 * the number of records. */
#include "agg.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util.h"

#define KEYLEN offsetof(agg_group, packets)
#define NMETA 6
_Static_assert(KEYLEN % 8 == 0, "the group key is hashed as 64-bit words");
_Static_assert(sizeof(agg_group) == 128, "a group is two cache lines");
_Static_assert(KEYLEN == 4 * sizeof(ip128) + 4 * sizeof(uint32_t) + sizeof(uint16_t) + 6 &&
                   sizeof(agg_group) == KEYLEN + 5 * sizeof(uint64_t),
               "agg_group has no padding: copies and hashes see only its fields");

/* 8-aligned: agg_absorb_all's threads load and claim a slot as one word */
typedef struct slot {
    _Alignas(8) uint32_t hash;
    uint32_t idx; /* index + 1; 0 = empty */
} slot;

/* String slots carry the first 24 bytes of their string, so that looking up
 * an ENI id (21 bytes) never leaves the slot array. */
#define SPRE 24
typedef struct sslot {
    uint32_t hash, idx, len, pad;
    uint64_t pre[SPRE / 8];
} sslot;

typedef struct eni_meta_ex {
    agg_eni_meta m;
    uint64_t seq[NMETA];
} eni_meta_ex;

struct agg {
    agg_group *g;      /* 64-byte aligned inside g_base: a group is exactly two cache lines */
    void *g_base;
    size_t n, cap;
    slot *slots;
    size_t mask; /* slots - 1 */
    /* the slots point to groups that agg_canonicalize has moved: rebuilt by
     * the next insertion (the CSV and the .fca never probe the table, and a
     * rebuild is a random write per group: 20% of the serial tail at 3M
     * groups) */
    bool stale;
    /* agg_canonicalize has run and nothing has changed since: a second call
     * (ingest_paths, then the .fca writer) is free */
    bool canon;

    char **str;       /* str[id], id 1..nstr */
    uint32_t *strlen_; /* lengths, same index */
    size_t nstr, strcap;
    sslot *sslots;
    size_t smask;

    eni_meta_ex *meta; /* by string id; meta_cap entries */
    size_t meta_cap;

    agg_tgw *tgw;      /* TGW records by key (rare: only TGW flow logs add any) */
    size_t ntgw, tgwcap;
    uint32_t *tslots;  /* index + 1; 0 = empty */
    size_t tmask;

    agg_stats st;
};

static inline uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* 64x64->128 multiply folded to 64 bits (as in wyhash): the eleven key
 * words are mixed in independent pairs so the multiplies overlap. */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint32_t key_hash(const agg_group *g)
{
    uint64_t w[KEYLEN / 8];
    memcpy(w, g, KEYLEN);
    uint64_t h = mum(w[0] ^ 0xa0761d6478bd642fULL, w[1] ^ 0xe7037ed1a0b428dbULL) ^
                 mum(w[2] ^ 0x8ebc6af09c88c6e3ULL, w[3] ^ 0x589965cc75374cc3ULL) ^
                 mum(w[4] ^ 0x1d8e4e27c47d124fULL, w[5] ^ 0xa0761d6478bd642fULL) ^
                 mum(w[6] ^ 0xe7037ed1a0b428dbULL, w[7] ^ 0x8ebc6af09c88c6e3ULL) ^
                 mum(w[8] ^ 0x589965cc75374cc3ULL, w[9] ^ 0x1d8e4e27c47d124fULL) ^
                 mum(w[10] ^ 0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL);
    return (uint32_t)mix(h);
}

static inline bool key_eq(const agg_group *a, const agg_group *b)
{
#ifdef __SSE2__
    /* five 16-byte compares and one 8-byte one instead of eleven words */
    const char *x = (const char *)a, *y = (const char *)b;
    __m128i d = _mm_setzero_si128();
    for (size_t i = 0; i + 16 <= KEYLEN; i += 16)
        d = _mm_or_si128(d, _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)(x + i)),
                                          _mm_loadu_si128((const __m128i *)(const void *)(y + i))));
    uint64_t t = 0, u = 0;
    memcpy(&t, x + KEYLEN / 16 * 16, KEYLEN % 16);
    memcpy(&u, y + KEYLEN / 16 * 16, KEYLEN % 16);
    return _mm_movemask_epi8(_mm_cmpeq_epi8(d, _mm_setzero_si128())) == 0xffff && t == u;
#else
    uint64_t x[KEYLEN / 8], y[KEYLEN / 8], d = 0;
    memcpy(x, a, KEYLEN);
    memcpy(y, b, KEYLEN);
    for (size_t i = 0; i < KEYLEN / 8; i++) d |= x[i] ^ y[i];
    return d == 0;
#endif
}

static uint32_t str_hash(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = mum(h ^ w, 0xa0761d6478bd642fULL);
    }
    if (i < n) {
        uint64_t w = 0;
        memcpy(&w, s + i, n - i);
        h = mum(h ^ w, 0xe7037ed1a0b428dbULL);
    }
    return (uint32_t)mix(h);
}

/* xzeroed: every page is written soon anyway (512 slots a page, the table
 * at least a quarter full), so zeroing by writing costs no memory. */
static slot *slots_new(size_t nslots)
{
    return xzeroed(nslots, sizeof(slot));
}

/* realloc, not malloc + copy: a large array is moved by remapping its
 * pages (no copy of hundreds of MB, and the old and new arrays are never
 * both resident); the groups are shifted only if the alignment moved. */
static void groups_resize(agg *a, size_t cap)
{
    size_t off = a->g_base ? (size_t)((char *)a->g - (char *)a->g_base) : 0;
    char *base = xrealloc(a->g_base, cap * sizeof *a->g + 64);
    char *g = (char *)(((uintptr_t)base + 63) & ~(uintptr_t)63);
    if ((size_t)(g - base) != off && a->n) memmove(g, base + off, a->n * sizeof *a->g);
    a->g_base = base;
    a->g = (agg_group *)(void *)g;
}

agg *agg_new(void)
{
    agg *a = xcalloc(1, sizeof *a);
    a->cap = 1024;
    groups_resize(a, a->cap);
    a->mask = 2048 - 1;
    a->slots = slots_new(a->mask + 1);
    a->strcap = 64;
    a->str = xcalloc(a->strcap, sizeof *a->str);
    a->strlen_ = xcalloc(a->strcap, sizeof *a->strlen_);
    a->smask = 128 - 1;
    a->sslots = xzeroed(a->smask + 1, sizeof *a->sslots);
    return a;
}

void agg_free(agg *a)
{
    if (!a) return;
    for (size_t i = 1; i <= a->nstr; i++) free(a->str[i]);
    free(a->str);
    free(a->strlen_);
    free(a->sslots);
    free(a->slots);
    free(a->g_base);
    free(a->meta);
    free(a->tgw);
    free(a->tslots);
    free(a);
}

/* ---- strings ---- */

static void sslot_set(sslot *sl, uint32_t h, uint32_t id, const char *s, size_t n)
{
    sl->hash = h;
    sl->idx = id;
    sl->len = (uint32_t)n;
    memset(sl->pre, 0, sizeof sl->pre);
    memcpy(sl->pre, s, n < SPRE ? n : SPRE);
}

static uint32_t any_str_hash(const char *s, size_t n);

static void str_rehash(agg *a, size_t nslots)
{
    free(a->sslots);
    a->sslots = xzeroed(nslots, sizeof *a->sslots);
    a->smask = nslots - 1;
    for (uint32_t id = 1; id <= a->nstr; id++) {
        uint32_t h = any_str_hash(a->str[id], a->strlen_[id]);
        size_t i = h & a->smask;
        while (a->sslots[i].idx) i = (i + 1) & a->smask;
        sslot_set(&a->sslots[i], h, id, a->str[id], a->strlen_[id]);
    }
}

/* Short strings (ids, service names) are hashed from the same zero-padded
 * 24-byte prefix the slots keep, with two independent multiplies. */
static inline uint32_t key_str_hash(const uint64_t key[3], const char *s, size_t n)
{
    if (n > SPRE) return str_hash(s, n);
    uint64_t h = mum(key[0] ^ 0xa0761d6478bd642fULL, key[1] ^ 0xe7037ed1a0b428dbULL) ^
                 mum(key[2] ^ 0x8ebc6af09c88c6e3ULL, (uint64_t)n ^ 0x589965cc75374cc3ULL);
    return (uint32_t)mix(h);
}

static uint32_t str_find(const agg *a, const char *s, size_t n, const uint64_t key[3], uint32_t h,
                         size_t *pos)
{
    size_t i = h & a->smask;
    for (;;) {
        const sslot *sl = &a->sslots[i];
        if (!sl->idx) break;
        if (sl->hash == h && sl->len == n && sl->pre[0] == key[0] && sl->pre[1] == key[1] &&
            sl->pre[2] == key[2] && (n <= SPRE || memcmp(a->str[sl->idx] + SPRE, s + SPRE, n - SPRE) == 0))
            return sl->idx;
        i = (i + 1) & a->smask;
    }
    if (pos) *pos = i;
    return 0;
}

static uint32_t any_str_hash(const char *s, size_t n)
{
    uint64_t key[3] = {0, 0, 0};
    memcpy(key, s, n < SPRE ? n : SPRE);
    return key_str_hash(key, s, n);
}

uint32_t agg_intern(agg *a, const char *s, size_t n)
{
    if (!s || n == 0) return 0;
    uint64_t key[3] = {0, 0, 0};
    memcpy(key, s, n < SPRE ? n : SPRE);
    uint32_t h = key_str_hash(key, s, n);
    size_t pos;
    uint32_t id = str_find(a, s, n, key, h, &pos);
    if (id) return id;
    if (a->nstr + 1 >= a->strcap) {
        a->strcap *= 2;
        a->str = xrealloc(a->str, a->strcap * sizeof *a->str);
        a->strlen_ = xrealloc(a->strlen_, a->strcap * sizeof *a->strlen_);
    }
    id = (uint32_t)++a->nstr;
    a->canon = false;
    a->str[id] = xstrndup(s, n);
    a->strlen_[id] = (uint32_t)n;
    sslot_set(&a->sslots[pos], h, id, s, n);
    if (a->nstr * 2 > a->smask + 1) str_rehash(a, (a->smask + 1) * 2);
    return id;
}

const char *agg_str(const agg *a, uint32_t id)
{
    return id && id <= a->nstr ? a->str[id] : NULL;
}

uint32_t agg_str_id(const agg *a, const char *s)
{
    if (!s || !*s) return 0;
    size_t n = strlen(s);
    uint64_t key[3] = {0, 0, 0};
    memcpy(key, s, n < SPRE ? n : SPRE);
    return str_find(a, s, n, key, key_str_hash(key, s, n), NULL);
}

size_t agg_str_count(const agg *a)
{
    return a->nstr;
}

/* ---- groups ---- */

static void grp_rehash(agg *a, size_t nslots)
{
    a->stale = false;
    free(a->slots);
    a->slots = slots_new(nslots);
    a->mask = nslots - 1;
    for (size_t k = 0; k < a->n; k++) {
        uint32_t h = key_hash(&a->g[k]);
        size_t i = h & a->mask;
        while (a->slots[i].idx) i = (i + 1) & a->mask;
        a->slots[i].hash = h;
        a->slots[i].idx = (uint32_t)(k + 1);
    }
}

/* Twice the slots, from the old ones: their hashes are kept and the keys
 * are distinct, so no group is read or hashed again (grp_rehash would read
 * every group, 128 bytes each, to find 8 bytes it already has). */
static void grp_grow(agg *a)
{
    size_t old_n = a->mask + 1;
    slot *old = a->slots;
    a->slots = slots_new(old_n * 2);
    a->mask = old_n * 2 - 1;
    for (size_t o = 0; o < old_n; o++) {
        if (!old[o].idx) continue;
        size_t i = old[o].hash & a->mask;
        while (a->slots[i].idx) i = (i + 1) & a->mask;
        a->slots[i] = old[o];
    }
    free(old);
}

static void fold(agg_group *d, const agg_group *s)
{
    fc_add_sat(&d->packets, s->packets);
    fc_add_sat(&d->bytes, s->bytes);
    fc_add_sat(&d->records, s->records);
    if (s->min_start && (!d->min_start || s->min_start < d->min_start)) d->min_start = s->min_start;
    if (s->max_end && s->max_end > d->max_end) d->max_end = s->max_end;
}

static void add_hashed(agg *a, const agg_group *g, uint32_t h)
{
    size_t i = h & a->mask;
    for (;;) {
        slot *sl = &a->slots[i];
        if (!sl->idx) break;
        if (sl->hash == h) {
            agg_group *d = &a->g[sl->idx - 1];
            if (key_eq(d, g)) {
                fold(d, g);
                return;
            }
        }
        i = (i + 1) & a->mask;
    }
    if (a->n == a->cap) {
        a->cap *= 2;
        groups_resize(a, a->cap);
    }
    a->g[a->n] = *g;
    a->n++;
    a->canon = false;
    a->slots[i].hash = h;
    a->slots[i].idx = (uint32_t)a->n;
    if (a->n * 2 > a->mask + 1) grp_grow(a);
}

/* Slots for the groups again after agg_canonicalize or agg_absorb_all
 * left them stale, at most half full. */
static void unstale(agg *a)
{
    size_t nslots = a->mask + 1;
    while (a->n * 2 > nslots) nslots *= 2;
    grp_rehash(a, nslots);
}

void agg_add_group(agg *a, const agg_group *g)
{
    if (a->stale) unstale(a);
    add_hashed(a, g, key_hash(g));
}

/* Records land on random slots of a table larger than the caches: each
 * record's slot is prefetched AHEAD_SLOT records before it is added, and
 * the group that slot points to AHEAD_GROUP records before, so the misses
 * overlap in a steady pipeline instead of a burst per batch (a burst of
 * 32 slots then 64 group lines outruns the core's fill buffers, and the
 * first records of each batch wait for memory). Prefetches are hints: a
 * slot or group that moves before its record is added costs a miss, no
 * more. */
void agg_add_batch(agg *a, const agg_group *g, size_t n)
{
    enum { AHEAD_SLOT = 16, AHEAD_GROUP = 6 };
    uint32_t h[AGG_BATCH];
    if (a->stale) unstale(a);
    while (n) {
        size_t k = n < AGG_BATCH ? n : AGG_BATCH;
        for (size_t i = 0; i < k; i++) {
            h[i] = key_hash(&g[i]);
            if (i < AHEAD_SLOT) __builtin_prefetch(&a->slots[h[i] & a->mask]);
        }
        for (size_t i = 0; i < k; i++) {
            if (i + AHEAD_SLOT < k) __builtin_prefetch(&a->slots[h[i + AHEAD_SLOT] & a->mask]);
            if (i + AHEAD_GROUP < k) {
                const slot *sl = &a->slots[h[i + AHEAD_GROUP] & a->mask];
                if (sl->idx) {
                    const char *gp = (const char *)&a->g[sl->idx - 1];
                    __builtin_prefetch(gp, 1);
                    __builtin_prefetch(gp + 64, 1); /* the key spans both lines */
                }
            }
            add_hashed(a, &g[i], h[i]);
        }
        g += k;
        n -= k;
    }
}

void agg_add(agg *a, const agg_group *g, const char *eni, const char *src_svc, const char *dst_svc)
{
    /* a plain copy: agg_group has no padding (asserted above), so no stray
     * bytes reach the hash */
    agg_group k = *g;
    k.eni = agg_intern(a, eni, eni ? strlen(eni) : 0);
    k.src_svc = agg_intern(a, src_svc, src_svc ? strlen(src_svc) : 0);
    k.dst_svc = agg_intern(a, dst_svc, dst_svc ? strlen(dst_svc) : 0);
    agg_add_group(a, &k);
}

const agg_group *agg_groups(const agg *a, size_t *n)
{
    *n = a->n;
    return a->g;
}

size_t agg_count(const agg *a)
{
    return a->n;
}

/* ---- ENI metadata ---- */

static uint32_t *meta_field(agg_eni_meta *m, int i)
{
    uint32_t *f[NMETA] = {&m->vpc, &m->subnet, &m->instance, &m->az_id, &m->account, &m->region};
    return f[i];
}

static eni_meta_ex *meta_slot(agg *a, uint32_t eni)
{
    if (eni >= a->meta_cap) {
        size_t nc = a->meta_cap ? a->meta_cap : 64;
        while (nc <= eni) nc *= 2;
        a->meta = xrealloc(a->meta, nc * sizeof *a->meta);
        memset(a->meta + a->meta_cap, 0, (nc - a->meta_cap) * sizeof *a->meta);
        a->meta_cap = nc;
    }
    return &a->meta[eni];
}

void agg_note_eni_ids(agg *a, uint32_t eni, const agg_eni_meta *m, uint64_t seq)
{
    if (!eni) return;
    eni_meta_ex *x = meta_slot(a, eni);
    agg_eni_meta in = *m;
    for (int i = 0; i < NMETA; i++) {
        uint32_t v = *meta_field(&in, i);
        uint32_t *cur = meta_field(&x->m, i);
        /* equal keys (two .fca inputs read as one) break ties by text, so
         * the winner does not depend on merge order */
        if (v && (!*cur || seq < x->seq[i] ||
                  (seq == x->seq[i] && v != *cur && strcmp(a->str[v], a->str[*cur]) < 0))) {
            *cur = v;
            x->seq[i] = seq;
            a->canon = false;
        }
    }
}

bool agg_eni_known(const agg *a, uint32_t eni, unsigned mask)
{
    if (!eni || eni >= a->meta_cap) return mask == 0;
    agg_eni_meta m = a->meta[eni].m;
    for (int i = 0; i < NMETA; i++)
        if ((mask >> i & 1) && !*meta_field(&m, i)) return false;
    return true;
}

void agg_note_eni(agg *a, const char *eni, const char *vpc, const char *subnet, const char *instance,
                  const char *az_id, const char *account, const char *region)
{
    uint32_t id = agg_intern(a, eni, eni ? strlen(eni) : 0);
    if (!id) return;
    const char *v[NMETA] = {vpc, subnet, instance, az_id, account, region};
    agg_eni_meta m;
    for (int i = 0; i < NMETA; i++) *meta_field(&m, i) = agg_intern(a, v[i], v[i] ? strlen(v[i]) : 0);
    /* plain API calls come in order: later calls must not override */
    agg_note_eni_ids(a, id, &m, UINT64_MAX);
}

const agg_eni_meta *agg_eni(const agg *a, uint32_t eni_id)
{
    if (!eni_id || eni_id >= a->meta_cap) return NULL;
    const agg_eni_meta *m = &a->meta[eni_id].m;
    if (!m->vpc && !m->subnet && !m->instance && !m->az_id && !m->account && !m->region) return NULL;
    return m;
}

/* ---- Transit Gateway records ---- */

#define TGW_KEYLEN offsetof(agg_tgw, packets)
_Static_assert(TGW_KEYLEN == 40 && sizeof(agg_tgw) == 64, "agg_tgw has no padding: its key is hashed as words");

static uint32_t tgw_hash(const agg_tgw *t)
{
    uint64_t w[TGW_KEYLEN / 8], h = 0x9e3779b97f4a7c15ULL;
    memcpy(w, t, TGW_KEYLEN);
    for (size_t i = 0; i < TGW_KEYLEN / 8; i++) h = mum(h ^ w[i], 0xa0761d6478bd642fULL);
    return (uint32_t)mix(h);
}

static void tgw_rehash(agg *a, size_t nslots)
{
    free(a->tslots);
    a->tslots = xzeroed(nslots, sizeof *a->tslots);
    a->tmask = nslots - 1;
    for (size_t k = 0; k < a->ntgw; k++) {
        size_t i = tgw_hash(&a->tgw[k]) & a->tmask;
        while (a->tslots[i]) i = (i + 1) & a->tmask;
        a->tslots[i] = (uint32_t)(k + 1);
    }
}

void agg_add_tgw(agg *a, const agg_tgw *t)
{
    if (!a->tslots) tgw_rehash(a, 64);
    size_t i = tgw_hash(t) & a->tmask;
    for (; a->tslots[i]; i = (i + 1) & a->tmask) {
        agg_tgw *d = &a->tgw[a->tslots[i] - 1];
        if (memcmp(d, t, TGW_KEYLEN) == 0) {
            fc_add_sat(&d->packets, t->packets);
            fc_add_sat(&d->bytes, t->bytes);
            fc_add_sat(&d->records, t->records);
            return;
        }
    }
    if (a->ntgw == a->tgwcap) {
        a->tgwcap = a->tgwcap ? 2 * a->tgwcap : 16;
        a->tgw = xrealloc(a->tgw, a->tgwcap * sizeof *a->tgw);
    }
    a->tgw[a->ntgw++] = *t;
    a->canon = false;
    a->tslots[i] = (uint32_t)a->ntgw;
    if (a->ntgw * 2 > a->tmask + 1) tgw_rehash(a, (a->tmask + 1) * 2);
}

const agg_tgw *agg_tgws(const agg *a, size_t *n)
{
    *n = a->ntgw;
    return a->tgw;
}

static int cmp_tgw(const void *x, const void *y)
{
    const agg_tgw *a = x, *b = y;
    for (int i = 0; i < FL_TGW__COUNT; i++)
        if (a->id[i] != b->id[i]) return a->id[i] < b->id[i] ? -1 : 1;
    if (a->region != b->region) return a->region < b->region ? -1 : 1;
    if (a->direction != b->direction) return a->direction < b->direction ? -1 : 1;
    return (a->status > b->status) - (a->status < b->status);
}

/* ---- stats ---- */

agg_stats *agg_stats_of(agg *a)
{
    return &a->st;
}

const agg_stats *agg_stats_get(const agg *a)
{
    return &a->st;
}

void agg_stats_period(agg_stats *st, int64_t start, int64_t end)
{
    if (start && (!st->start || start < st->start)) st->start = start;
    if (end && end > st->end) st->end = end;
}

static void stats_merge(agg_stats *d, const agg_stats *s)
{
    d->read += s->read;
    d->used += s->used;
    d->malformed += s->malformed;
    d->nodata += s->nodata;
    d->skipdata += s->skipdata;
    d->rejected += s->rejected;
    d->filtered += s->filtered;
    d->files += s->files;
    d->files_skipped += s->files_skipped;
    d->files_unread += s->files_unread;
    d->files_parquet += s->files_parquet;
    d->files_json += s->files_json;
    d->files_binary += s->files_binary;
    d->bytes_in += s->bytes_in;
    agg_stats_period(d, s->start, s->end);
}

/* ---- merge and canonical order ---- */

static uint32_t *absorb_rest(agg *dst, const agg *src);

void agg_merge(agg *dst, const agg *src)
{
    if (dst == src) return;
    /* no up-front reserve: per-thread tables mostly hold the same groups, and
     * reserving for the sum would double the peak memory */
    uint32_t *map = absorb_rest(dst, src);
    /* in batches, so that the misses in dst's table overlap (see agg_add_batch) */
    agg_group b[AGG_BATCH];
    for (size_t k = 0; k < src->n;) {
        size_t m = 0;
        for (; m < AGG_BATCH && k < src->n; m++, k++) {
            b[m] = src->g[k];
            b[m].eni = map[b[m].eni];
            b[m].src_svc = map[b[m].src_svc];
            b[m].dst_svc = map[b[m].dst_svc];
        }
        agg_add_batch(dst, b, m);
    }
    free(map);
}

void agg_absorb(agg *dst, agg *src)
{
    agg_stats z;
    memset(&z, 0, sizeof z);
    if (dst->n == 0 && dst->nstr == 0 && memcmp(&dst->st, &z, sizeof z) == 0) {
        agg tmp = *dst;
        *dst = *src;
        *src = tmp;
    } else {
        agg_merge(dst, src);
    }
    agg_free(src);
}

/* ---- work on several threads ---- */

typedef void (*par_fn)(void *ctx, unsigned k);

typedef struct par_arg {
    par_fn fn;
    void *ctx;
    unsigned k;
} par_arg;

static void *par_main(void *arg)
{
    par_arg *p = arg;
    p->fn(p->ctx, p->k);
    return NULL;
}

/* fn(ctx, k) for k in 0..nthr, k = 0 on this thread; a thread that cannot
 * be started has its share run here afterwards. */
static void par_run(unsigned nthr, par_fn fn, void *ctx)
{
    if (nthr <= 1) {
        fn(ctx, 0);
        return;
    }
    par_arg *a = xcalloc(nthr, sizeof *a);
    pthread_t *th = xcalloc(nthr, sizeof *th);
    bool *up = xcalloc(nthr, sizeof *up);
    for (unsigned k = 0; k < nthr; k++) a[k] = (par_arg){fn, ctx, k};
    for (unsigned k = 1; k < nthr; k++) up[k] = pthread_create(&th[k], NULL, par_main, &a[k]) == 0;
    fn(ctx, 0);
    for (unsigned k = 1; k < nthr; k++) {
        if (up[k]) pthread_join(th[k], NULL);
        else fn(ctx, k);
    }
    free(a);
    free(th);
    free(up);
}

/* [lo, hi) of thread k's share of n items */
static inline size_t share(size_t n, unsigned k, unsigned nthr)
{
    return (size_t)((unsigned __int128)n * k / nthr);
}

/* ---- the parallel merge of per-thread tables ----
 *
 * With uniform data every worker's table holds nearly every group, so
 * folding them one after another on one thread was a second full pass of
 * random accesses after the workers had finished. Here T threads fold all
 * sources into dst at once, each owning the groups whose hash (of the key
 * in dst's string ids) falls in its share of the hash range: a group is only
 * ever read or written by its owner, so only the slots are shared, and they
 * are claimed with one compare-and-swap. New groups go to the owner's own
 * array (no shared counter) and are appended after the threads join; the
 * slots then point to the wrong places and are marked stale, as after
 * agg_canonicalize (the next insertion, if any, rebuilds them). */

typedef struct absorb_src {
    const agg *a;
    uint32_t *map; /* the source's string ids -> dst's */
    uint32_t *h;   /* the hash of each group's key in dst's ids */
} absorb_src;

typedef struct absorb_job {
    agg *dst;
    size_t n_dst; /* groups in dst before; slot indexes above it are new */
    const absorb_src *src;
    size_t nsrc;
    unsigned nthr;
} absorb_job;

typedef struct absorb_thr {
    const absorb_job *j;
    unsigned k;
    agg_group *g; /* this thread's new groups */
    size_t n, cap;
} absorb_thr;

static inline unsigned owner(uint32_t h, unsigned nthr)
{
    return (unsigned)(((h >> 16) * (uint64_t)nthr) >> 16);
}

/* Slot indexes of new groups: n_dst + 1 + local * nthr + k, unique per
 * thread without coordination. */
static inline agg_group *absorb_at(absorb_thr *t, uint32_t idx)
{
    const absorb_job *j = t->j;
    if (idx <= j->n_dst) return &j->dst->g[idx - 1];
    return &t->g[(idx - j->n_dst - 1) / j->nthr];
}

static void absorb_one(absorb_thr *t, const agg_group *g, uint32_t h)
{
    const absorb_job *j = t->j;
    slot *slots = j->dst->slots;
    size_t mask = j->dst->mask, i = h & mask;
    uint32_t mine = 0;
    for (;;) {
        slot cur;
        __atomic_load(&slots[i], &cur, __ATOMIC_ACQUIRE);
        if (!cur.idx) {
            if (!mine) {
                if (t->n == t->cap) {
                    t->cap = t->cap ? 2 * t->cap : 1024;
                    t->g = xrealloc(t->g, t->cap * sizeof *t->g);
                }
                t->g[t->n] = *g;
                mine = (uint32_t)(j->n_dst + 1 + t->n * j->nthr + t->k);
                t->n++;
            }
            slot want = {h, mine}, exp = {0, 0};
            if (__atomic_compare_exchange(&slots[i], &exp, &want, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                return;
            cur = exp; /* another owner's group took it: equal hashes have one owner */
        }
        /* an equal hash means this thread owns the group in the slot */
        if (cur.hash == h) {
            agg_group *d = absorb_at(t, cur.idx);
            if (key_eq(d, g)) {
                fold(d, g);
                return;
            }
        }
        i = (i + 1) & mask;
    }
}

static inline void absorb_copy(agg_group *d, const agg_group *g, const uint32_t *map)
{
    *d = *g;
    d->eni = map[d->eni];
    d->src_svc = map[d->src_svc];
    d->dst_svc = map[d->dst_svc];
}

/* The hashes first, each thread over its share of every source, so that
 * each group is hashed once and read (in absorb_main) by its owner only. */
static void absorb_hash(void *ctx, unsigned kk)
{
    absorb_thr *t = (absorb_thr *)ctx + kk;
    const absorb_job *j = t->j;
    for (size_t s = 0; s < j->nsrc; s++) {
        const agg *src = j->src[s].a;
        agg_group x;
        for (size_t k = share(src->n, kk, j->nthr), hi = share(src->n, kk + 1, j->nthr); k < hi; k++) {
            absorb_copy(&x, &src->g[k], j->src[s].map);
            j->src[s].h[k] = key_hash(&x);
        }
    }
}

static void absorb_main(void *ctx, unsigned kk)
{
    absorb_thr *t = (absorb_thr *)ctx + kk;
    const absorb_job *j = t->j;
    agg_group b[AGG_BATCH];
    uint32_t h[AGG_BATCH];
    for (size_t s = 0; s < j->nsrc; s++) {
        const agg *src = j->src[s].a;
        const uint32_t *sh = j->src[s].h;
        for (size_t k = 0; k < src->n;) {
            size_t m = 0;
            for (; m < AGG_BATCH && k < src->n; k++) {
                if (owner(sh[k], j->nthr) != t->k) continue;
                h[m] = sh[k];
                absorb_copy(&b[m], &src->g[k], j->src[s].map);
                __builtin_prefetch(&j->dst->slots[h[m] & j->dst->mask]);
                m++;
            }
            /* as in agg_add_batch: the misses of a batch overlap */
            for (size_t i = 0; i < m; i++) {
                slot sl;
                __atomic_load(&j->dst->slots[h[i] & j->dst->mask], &sl, __ATOMIC_ACQUIRE);
                if (sl.idx && sl.idx <= j->n_dst && owner(sl.hash, j->nthr) == t->k) {
                    const char *gp = (const char *)&j->dst->g[sl.idx - 1];
                    __builtin_prefetch(gp, 1);
                    __builtin_prefetch(gp + 64, 1);
                }
            }
            for (size_t i = 0; i < m; i++) absorb_one(t, &b[i], h[i]);
        }
    }
}

/* dst's slots grown on nthr threads: each moves the occupied slots of its
 * share of the old array (the hashes are kept there, and the keys are
 * distinct, so no group is read) and claims new ones with a CAS. */
typedef struct regrow_job {
    const slot *old;
    size_t old_n;
    slot *slots;
    size_t mask;
    unsigned nthr;
} regrow_job;

static void regrow_main(void *ctx, unsigned k)
{
    regrow_job *r = ctx;
    for (size_t o = share(r->old_n, k, r->nthr), hi = share(r->old_n, k + 1, r->nthr); o < hi; o++) {
        slot want = r->old[o];
        if (!want.idx) continue;
        for (size_t i = want.hash & r->mask;; i = (i + 1) & r->mask) {
            slot exp = {0, 0};
            if (__atomic_compare_exchange(&r->slots[i], &exp, &want, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
                break;
        }
    }
}

static void regrow(agg *a, size_t nslots, unsigned nthr)
{
    /* calloc here: the first touch of a slot is the CAS, a write, and the
     * pages are faulted in on all threads */
    regrow_job r = {a->slots, a->mask + 1, xcalloc(nslots, sizeof *a->slots), nslots - 1, nthr};
    par_run(nthr, regrow_main, &r);
    free(a->slots);
    a->slots = r.slots;
    a->mask = nslots - 1;
}

/* Strings, ENI metadata, TGW records and stats of src into dst (few: on one
 * thread); returns src's string map for the groups. */
static uint32_t *absorb_rest(agg *dst, const agg *src)
{
    uint32_t *map = xcalloc(src->nstr + 1, sizeof *map);
    for (uint32_t id = 1; id <= src->nstr; id++)
        map[id] = agg_intern(dst, src->str[id], src->strlen_[id]);
    for (uint32_t id = 1; id < src->meta_cap && id <= src->nstr; id++) {
        const eni_meta_ex *x = &src->meta[id];
        for (int i = 0; i < NMETA; i++) {
            agg_eni_meta one;
            memset(&one, 0, sizeof one);
            uint32_t v = *meta_field((agg_eni_meta *)&x->m, i);
            if (!v) continue;
            *meta_field(&one, i) = map[v];
            agg_note_eni_ids(dst, map[id], &one, x->seq[i]);
        }
    }
    for (size_t k = 0; k < src->ntgw; k++) {
        agg_tgw t = src->tgw[k];
        for (int i = 0; i < FL_TGW__COUNT; i++) t.id[i] = map[t.id[i]];
        t.region = map[t.region];
        agg_add_tgw(dst, &t);
    }
    stats_merge(&dst->st, &src->st);
    return map;
}

void agg_absorb_all(agg *dst, agg **src, size_t n, int threads)
{
    if (!n) return;
    /* an empty dst takes the largest table as it is */
    agg_stats z;
    memset(&z, 0, sizeof z);
    size_t first = 0;
    if (dst->n == 0 && dst->nstr == 0 && dst->ntgw == 0 && memcmp(&dst->st, &z, sizeof z) == 0) {
        size_t big = 0;
        for (size_t i = 1; i < n; i++)
            if (src[i]->n > src[big]->n) big = i;
        agg *t = src[big];
        src[big] = src[0];
        src[0] = t;
        agg_absorb(dst, src[0]);
        first = 1;
    }
    size_t nsrc = n - first, total = 0;
    if (!nsrc) return;
    absorb_src *as = xcalloc(nsrc, sizeof *as);
    for (size_t i = 0; i < nsrc; i++) {
        as[i].a = src[first + i];
        as[i].map = absorb_rest(dst, as[i].a);
        total += as[i].a->n;
    }
    /* one thread for small tables: starting threads would cost more */
    unsigned nthr = threads > 1 && total >= 16384 ? (unsigned)threads : 1;
    if (nthr > 64) nthr = 64;
    if ((uint64_t)dst->n + 1 + (uint64_t)(total + 1) * nthr >= UINT32_MAX) nthr = 1;
    /* room in the slots for every source group being new (as when the
     * threads read disjoint inputs), at most 3/4 full */
    size_t nslots = dst->mask + 1;
    while ((dst->n + total) * 4 > nslots * 3) nslots *= 2;
    if (dst->stale) grp_rehash(dst, nslots);
    else if (nslots != dst->mask + 1) regrow(dst, nslots, nthr);
    absorb_job j = {dst, dst->n, as, nsrc, nthr};
    absorb_thr *t = xcalloc(nthr, sizeof *t);
    for (unsigned k = 0; k < nthr; k++) {
        t[k].j = &j;
        t[k].k = k;
    }
    for (size_t i = 0; i < nsrc; i++) as[i].h = xmalloc((as[i].a->n + 1) * sizeof *as[i].h);
    par_run(nthr, absorb_hash, t);
    par_run(nthr, absorb_main, t);
    size_t added = 0;
    for (unsigned k = 0; k < nthr; k++) added += t[k].n;
    /* the new groups are copies in t[k].g: the sources go before dst grows,
     * or the sources, the copies and the grown dst would all be resident at
     * once (the peak RSS of an ingest) */
    for (size_t i = 0; i < nsrc; i++) {
        free(as[i].map);
        free(as[i].h);
        agg_free(src[first + i]);
    }
    free(as);
    if (added) {
        /* the slots of new groups hold per-thread indexes: rebuilt by the
         * next insertion, if any (the canonical order and the CSV never
         * probe them), and given back before dst grows */
        free(dst->slots);
        dst->slots = NULL;
        size_t cap = dst->cap;
        while (cap < dst->n + added) cap *= 2;
        if (cap != dst->cap) {
            dst->cap = cap;
            groups_resize(dst, cap);
        }
        for (unsigned k = 0; k < nthr; k++) {
            if (t[k].n) memcpy(dst->g + dst->n, t[k].g, t[k].n * sizeof *t[k].g);
            dst->n += t[k].n;
            free(t[k].g);
        }
        dst->stale = true;
        dst->canon = false;
    }
    free(t);
}

/* Strings in byte order (strcmp's order: interned strings hold no NUL). */
static int str_cmp(const agg *a, uint32_t x, uint32_t y)
{
    uint32_t lx = a->strlen_[x], ly = a->strlen_[y];
    int c = memcmp(a->str[x], a->str[y], lx < ly ? lx : ly);
    return c ? c : (lx > ly) - (lx < ly);
}

/* Sort string ids by their text. A merge sort with the agg passed down
 * instead of qsort: C17's qsort has no context argument, and a context kept
 * in a static (even a thread-local one) is shared state that several S3
 * workers canonicalizing their own aggs at once must not depend on. */
static void sort_ids(const agg *a, uint32_t *ids, size_t n)
{
    if (n < 2) return;
    uint32_t *tmp = xmalloc(n * sizeof *tmp), *from = ids, *to = tmp;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) to[k++] = str_cmp(a, from[j], from[i]) < 0 ? from[j++] : from[i++];
            while (i < mid) to[k++] = from[i++];
            while (j < hi) to[k++] = from[j++];
        }
        uint32_t *t = from;
        from = to;
        to = t;
    }
    if (from != ids) memcpy(ids, from, n * sizeof *ids);
    free(tmp);
}

uint32_t *agg_str_ranks(const agg *a)
{
    uint32_t *ids = xmalloc((a->nstr + 1) * sizeof *ids), *rank = xcalloc(a->nstr + 1, sizeof *rank);
    for (uint32_t id = 1; id <= a->nstr; id++) ids[id - 1] = id;
    sort_ids(a, ids, a->nstr);
    for (size_t k = 0; k < a->nstr; k++) rank[ids[k]] = (uint32_t)k + 1;
    free(ids);
    return rank;
}

static bool map_ok(const uint32_t *map, uint32_t id, size_t n)
{
    return id <= n && map[id] != 0;
}

FC_COMPARATOR(cmp_group, agg_group,
              FC_ASC(eni) FC_KEY(ip_cmp(&a->src, &b->src)) FC_KEY(ip_cmp(&a->dst, &b->dst)) FC_ASC(action)
              FC_ASC(status) FC_ASC(flags) FC_ASC(hour) FC_KEY(ip_cmp(&a->pkt_src, &b->pkt_src))
              FC_KEY(ip_cmp(&a->pkt_dst, &b->pkt_dst)) FC_ASC(src_svc) FC_ASC(dst_svc) FC_ASC(dstport)
              FC_ASC(protocol) FC_ASC(direction) FC_ASC(traffic_path))

/* The canonical sort of many groups (millions for an Internet-facing
 * service) was a qsort of 128-byte groups through cmp_group: indirect
 * compares that each touch two groups far apart, and element moves. Here
 * each group gets a key that is the start of cmp_group's order after the
 * ENI (srcaddr and dstaddr as memcmp reads them, then action, status,
 * flags and a byte of the hour), the keys are merge-sorted with inline
 * compares, cmp_group decides only between equal keys, and the groups are
 * then permuted in place along the cycles (4 bytes a group of extra
 * memory). The keys are first dealt into buckets by ENI (cmp_group's first
 * field) with a counting pass, so that the merge passes run over one ENI's
 * groups, which fit in the cache, instead of over millions (3M groups: ~18
 * passes through 140 MB of keys became one pass and in-cache sorts). The
 * ENI is the bucket's, so it is not in the key: 40 bytes with the group's
 * index in the low half of the last word (48 with the ENI: 26 MB less at
 * the peak of an aggregate of 3.27M groups, and the first word no longer
 * equal between every two IPv4 keys of a bucket). */
typedef struct gkey {
    /* src, dst big-endian; action, status, flags, a byte of the hour in
     * w[4]'s top bytes, the index low */
    uint64_t w[5];
} gkey;
_Static_assert(sizeof(gkey) == 40, "a key is five words");

static inline uint32_t gkey_idx(const gkey *k)
{
    return (uint32_t)k->w[4];
}

static inline uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

static inline bool gkey_less(const gkey *x, const gkey *y, const agg_group *g)
{
    for (int i = 0; i < 4; i++)
        if (x->w[i] != y->w[i]) return x->w[i] < y->w[i];
    if ((x->w[4] ^ y->w[4]) >> 32) return x->w[4] >> 32 < y->w[4] >> 32;
    return cmp_group(&g[gkey_idx(x)], &g[gkey_idx(y)]) < 0;
}

/* Keys k[0..n) sorted with t as scratch; the result is in k. */
static void sort_keys(gkey *k, gkey *t, size_t n, const agg_group *g)
{
    gkey *k0 = k;
    /* bottom-up merge sort: runs of 16 by insertion first */
    for (size_t lo = 0; lo < n; lo += 16) {
        size_t hi = lo + 16 < n ? lo + 16 : n;
        for (size_t i = lo + 1; i < hi; i++) {
            gkey v = k[i];
            size_t j = i;
            while (j > lo && gkey_less(&v, &k[j - 1], g)) {
                k[j] = k[j - 1];
                j--;
            }
            k[j] = v;
        }
    }
    for (size_t w = 16; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) t[o++] = gkey_less(&k[j], &k[i], g) ? k[j++] : k[i++];
            while (i < mid) t[o++] = k[i++];
            while (j < hi) t[o++] = k[j++];
        }
        gkey *sw = k;
        k = t;
        t = sw;
    }
    if (k != k0) memcpy(k0, k, n * sizeof *k);
}

/* The canonical order on nthr threads: each thread deals its share of the
 * groups into the ENI buckets (per-thread counts, so no shared cursor) and
 * sorts a run of whole buckets; the groups are then moved in place. */
typedef struct canon_job {
    agg_group *g;
    size_t n, neni;
    unsigned nthr;
    uint8_t *used;         /* [nthr][nstr + 1]: strings the groups refer to */
    size_t nused;
    const uint32_t *map;   /* old string id -> new */
    size_t *at;            /* [nthr][neni + 2]: counts, then cursors */
    size_t *bend;          /* end of each ENI's bucket */
    size_t *brun;          /* thread k sorts buckets [brun[k], brun[k + 1]) */
    gkey *t;               /* the keys, by bucket, then sorted */
    int32_t *hmin;         /* [nthr]: the earliest hour of each thread's share */
    int64_t hbase;         /* hour_byte's origin */
    uint32_t *src;
} canon_job;

static void canon_used(void *ctx, unsigned k)
{
    canon_job *c = ctx;
    uint8_t *used = c->used + (size_t)k * c->nused;
    for (size_t i = share(c->n, k, c->nthr), hi = share(c->n, k + 1, c->nthr); i < hi; i++)
        used[c->g[i].eni] = used[c->g[i].src_svc] = used[c->g[i].dst_svc] = 1;
}

static void canon_count(void *ctx, unsigned k)
{
    canon_job *c = ctx;
    size_t *at = c->at + (size_t)k * (c->neni + 2);
    int32_t hmin = INT32_MAX;
    for (size_t i = share(c->n, k, c->nthr), hi = share(c->n, k + 1, c->nthr); i < hi; i++) {
        agg_group *x = &c->g[i];
        x->eni = c->map[x->eni];
        x->src_svc = c->map[x->src_svc];
        x->dst_svc = c->map[x->dst_svc];
        at[x->eni]++;
        if (x->hour != AGG_NO_HOUR && x->hour < hmin) hmin = x->hour; /* the ENI's cache line */
    }
    if (c->hmin) c->hmin[k] = hmin; /* NULL: a remap of one group, no sort */
}

/* A group's hour in the key's spare byte, so that groups equal up to the
 * hour (a pair seen in many hours: most groups of a week of logs) are
 * ordered without reading both groups. The byte is the hour clamped to
 * [hbase, hbase + 255], hbase one below the earliest hour: non-decreasing
 * in the hour, so unequal bytes order as the hours do, and equal bytes
 * leave it to cmp_group, which compares the hour itself (the first ~10
 * days are told apart; AGG_NO_HOUR is 0). */
static inline uint64_t hour_byte(int32_t hour, int64_t hbase)
{
    int64_t d = (int64_t)hour - hbase;
    return d <= 0 ? 0 : d >= 255 ? 255 : (uint64_t)d;
}

static void canon_keys(void *ctx, unsigned k)
{
    canon_job *c = ctx;
    size_t *at = c->at + (size_t)k * (c->neni + 2);
    for (size_t i = share(c->n, k, c->nthr), hi = share(c->n, k + 1, c->nthr); i < hi; i++) {
        const agg_group *x = &c->g[i];
        gkey *y = &c->t[at[x->eni]++];
        y->w[0] = be64(x->src.b);
        y->w[1] = be64(x->src.b + 8);
        y->w[2] = be64(x->dst.b);
        y->w[3] = be64(x->dst.b + 8);
        y->w[4] = (uint64_t)x->action << 56 | (uint64_t)x->status << 48 | (uint64_t)x->flags << 40 |
                  hour_byte(x->hour, c->hbase) << 32 | (uint32_t)i;
    }
}

/* The merge sort's scratch is one per thread, as large as its largest
 * bucket, not n keys: a key a group less at the peak of an aggregate
 * (the CSV's rows and sort are alive then, on the other thread). */
static void canon_sort(void *ctx, unsigned k)
{
    canon_job *c = ctx;
    size_t most = 0;
    for (size_t e = c->brun[k]; e < c->brun[k + 1]; e++) {
        size_t lo = e ? c->bend[e - 1] : 0, hi = c->bend[e];
        if (hi - lo > most) most = hi - lo;
    }
    if (most < 2) return;
    gkey *scratch = xmalloc(most * sizeof *scratch);
    for (size_t e = c->brun[k]; e < c->brun[k + 1]; e++) {
        size_t lo = e ? c->bend[e - 1] : 0, hi = c->bend[e];
        if (hi - lo > 1) sort_keys(c->t + lo, scratch, hi - lo, c->g);
    }
    free(scratch);
}

static void canon_src(void *ctx, unsigned k)
{
    canon_job *c = ctx;
    for (size_t i = share(c->n, k, c->nthr), hi = share(c->n, k + 1, c->nthr); i < hi; i++) c->src[i] = gkey_idx(&c->t[i]);
}

/* Position i of the result takes group src[i]: the groups are moved in
 * place along the cycles (a gather into a new array would divide between
 * threads, but it holds two copies of the groups at once: +32 bytes a
 * group over the sort's peak, and the report on 2M records peaked there).
 * The groups a cycle visits are far apart: the next few are prefetched by
 * walking the cycle ahead (its src entries are not rewritten yet). */
static void permute(agg_group *g, uint32_t *src, size_t n)
{
    enum { AHEAD = 8 };
    for (size_t i = 0; i < n; i++) {
        if (src[i] == i) continue;
        agg_group tmp = g[i];
        size_t j = i, ahead = src[i];
        for (int d = 0; d < AHEAD && ahead != i; d++) {
            __builtin_prefetch(&g[ahead], 0);
            __builtin_prefetch((const char *)&g[ahead] + 64, 0);
            ahead = src[ahead];
        }
        while (src[j] != i) {
            size_t from = src[j];
            if (ahead != i) {
                __builtin_prefetch(&g[ahead], 0);
                __builtin_prefetch((const char *)&g[ahead] + 64, 0);
                ahead = src[ahead];
            }
            g[j] = g[from];
            src[j] = (uint32_t)j;
            j = from;
        }
        g[j] = tmp;
        src[j] = (uint32_t)j;
    }
}

/* c->g[0..n) remapped by c->map, and c->src their canonical order. */
static void sort_groups(canon_job *c)
{
    size_t n = c->n, neni = c->neni, w = neni + 2;
    unsigned nthr = c->nthr;
    c->at = xcalloc((size_t)nthr * w, sizeof *c->at);
    c->hmin = xmalloc(nthr * sizeof *c->hmin);
    par_run(nthr, canon_count, c);
    int32_t hmin = INT32_MAX;
    for (unsigned k = 0; k < nthr; k++)
        if (c->hmin[k] < hmin) hmin = c->hmin[k];
    free(c->hmin);
    c->hbase = (int64_t)hmin - 1;
    /* bucket e of thread k starts after every earlier bucket and after
     * bucket e of the threads before k */
    c->bend = xmalloc((neni + 1) * sizeof *c->bend);
    size_t pos = 0;
    for (size_t e = 0; e <= neni; e++) {
        for (unsigned k = 0; k < nthr; k++) {
            size_t cnt = c->at[(size_t)k * w + e];
            c->at[(size_t)k * w + e] = pos;
            pos += cnt;
        }
        c->bend[e] = pos;
    }
    c->t = xmalloc(n * sizeof *c->t);
    par_run(nthr, canon_keys, c);
    free(c->at);
    /* runs of whole buckets of about n / nthr keys each */
    c->brun = xcalloc(nthr + 1, sizeof *c->brun);
    for (unsigned k = 1, e = 0; k <= nthr; k++) {
        size_t want = share(n, k, nthr);
        while (e <= neni && (k == nthr || c->bend[e] <= want)) e++;
        c->brun[k] = e;
    }
    par_run(nthr, canon_sort, c);
    free(c->brun);
    free(c->bend);
    c->src = xmalloc(n * sizeof *c->src);
    par_run(nthr, canon_src, c);
    free(c->t);
}

static uint32_t *canon_order(agg *a, int threads);

void agg_canonicalize(agg *a)
{
    agg_canonicalize_threads(a, 1);
}

void agg_canonicalize_threads(agg *a, int threads)
{
    if (a->canon) return;
    uint32_t *src = canon_order(a, threads);
    permute(a->g, src, a->n);
    free(src);
    a->canon = true;
}

uint32_t *agg_canonical_order(agg *a, int threads)
{
    if (!a->canon) return canon_order(a, threads);
    uint32_t *src = xmalloc((a->n + 1) * sizeof *src);
    for (size_t i = 0; i < a->n; i++) src[i] = (uint32_t)i;
    return src;
}

/* Everything agg_canonicalize does but move the groups: their order. */
static uint32_t *canon_order(agg *a, int threads)
{
    canon_job c;
    memset(&c, 0, sizeof c);
    c.g = a->g;
    c.n = a->n;
    c.nthr = threads > 1 && a->n >= 16384 ? (unsigned)(threads < 64 ? threads : 64) : 1;
    /* Only referenced strings survive: a worker may intern a metadata value
     * that loses to an earlier one from another thread, and the table must
     * not depend on that. */
    c.nused = a->nstr + 1;
    c.used = xcalloc((size_t)c.nthr * c.nused, 1);
    par_run(c.nthr, canon_used, &c);
    uint8_t *used = c.used;
    for (unsigned k = 1; k < c.nthr; k++)
        for (size_t i = 0; i < c.nused; i++) used[i] |= used[(size_t)k * c.nused + i];
    for (size_t k = 0; k < a->ntgw; k++) {
        for (int i = 0; i < FL_TGW__COUNT; i++) used[a->tgw[k].id[i]] = 1;
        used[a->tgw[k].region] = 1;
    }
    for (uint32_t id = 1; id < a->meta_cap && id <= a->nstr; id++) {
        if (!agg_eni(a, id)) continue;
        used[id] = 1;
        for (int i = 0; i < NMETA; i++) used[*meta_field(&a->meta[id].m, i)] = 1;
    }
    /* order[k] = old id of the k-th kept string in strcmp order */
    uint32_t *order = xmalloc((a->nstr + 1) * sizeof *order);
    uint32_t kept = 0;
    for (uint32_t i = 1; i <= a->nstr; i++) {
        if (used[i]) order[kept++] = i;
        else free(a->str[i]);
    }
    sort_ids(a, order, kept);
    uint32_t *map = xcalloc(a->nstr + 1, sizeof *map);
    char **ns = xcalloc(a->strcap, sizeof *ns);
    uint32_t *nl = xcalloc(a->strcap, sizeof *nl);
    for (uint32_t k = 0; k < kept; k++) {
        map[order[k]] = k + 1;
        ns[k + 1] = a->str[order[k]];
        nl[k + 1] = a->strlen_[order[k]];
    }
    free(a->str);
    free(a->strlen_);
    free(used);
    a->str = ns;
    a->strlen_ = nl;
    size_t old_n = a->nstr;
    a->nstr = kept;
    str_rehash(a, a->smask + 1);

    if (a->meta_cap) {
        /* the new ids run 1..kept whatever the old ones were: the array is
         * sized by them, not by the old capacity; only ENIs that have
         * metadata get a slot (agg_eni() is NULL for the others) */
        size_t ncap = (size_t)kept + 1;
        eni_meta_ex *nm = xcalloc(ncap, sizeof *nm);
        for (uint32_t id = 1; id < a->meta_cap && id <= old_n; id++) {
            if (!map_ok(map, id, old_n)) continue;
            eni_meta_ex x = a->meta[id];
            for (int i = 0; i < NMETA; i++) {
                uint32_t *f = meta_field(&x.m, i);
                *f = map[*f];
            }
            nm[map[id]] = x;
        }
        free(a->meta);
        a->meta = nm;
        a->meta_cap = ncap;
    }
    c.map = map;
    c.neni = kept;
    /* the slots are rebuilt by the next insertion, if any: until then
     * their memory is better given back (before the sort's arrays) */
    free(a->slots);
    a->slots = NULL;
    a->stale = true;
    if (a->n >= 2) {
        sort_groups(&c);
    } else {
        c.nthr = 1;
        c.at = xcalloc(kept + 2, sizeof *c.at);
        canon_count(&c, 0);
        free(c.at);
        c.src = xcalloc(a->n + 1, sizeof *c.src); /* 0, or the one group */
    }
    if (a->ntgw) {
        for (size_t k = 0; k < a->ntgw; k++) {
            for (int i = 0; i < FL_TGW__COUNT; i++) a->tgw[k].id[i] = map[a->tgw[k].id[i]];
            a->tgw[k].region = map[a->tgw[k].region];
        }
        qsort(a->tgw, a->ntgw, sizeof *a->tgw, cmp_tgw); /* keys are distinct: the order is total */
        tgw_rehash(a, a->tmask + 1);
    }
    free(order);
    free(map);
    return c.src;
}
