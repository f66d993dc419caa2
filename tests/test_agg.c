/* Unit tests of src/agg.c: upsert and counters, interning, ENI metadata
 * ("first seen" by order key), merge, canonical order, and a table growth
 * check. Expected sums are computed by hand in the comments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "check.h"

static agg_group grp(uint32_t src, uint32_t dst, uint8_t action, uint64_t bytes, int64_t start)
{
    agg_group g;
    memset(&g, 0, sizeof g);
    g.src = ip_from_v4(src);
    g.dst = ip_from_v4(dst);
    g.flags = AGG_HAS_SRC | AGG_HAS_DST;
    g.action = action;
    g.status = FL_OK;
    g.hour = (int32_t)(start / 3600);
    g.bytes = bytes;
    g.packets = 1;
    g.records = 1;
    g.min_start = start;
    g.max_end = start + 60;
    return g;
}

static const agg_group *find(const agg *a, const char *eni, uint32_t src, uint64_t *n_out)
{
    size_t n;
    const agg_group *g = agg_groups(a, &n);
    uint32_t id = agg_str_id(a, eni);
    for (size_t i = 0; i < n; i++) {
        if (g[i].eni == id && ip_v4(&g[i].src) == src) {
            if (n_out) *n_out = n;
            return &g[i];
        }
    }
    return NULL;
}

/* The canonical order written out field by field (agg.h: ENI string, then
 * srcaddr and dstaddr as bytes, action, status, flags, hour, pkt-srcaddr,
 * pkt-dstaddr, services, dstport, protocol, direction, traffic-path). */
static int want_cmp(const agg *a, const agg_group *x, const agg_group *y)
{
    const char *ex = agg_str(a, x->eni), *ey = agg_str(a, y->eni);
    int c = strcmp(ex ? ex : "", ey ? ey : "");
    if (c) return c;
    if ((c = memcmp(x->src.b, y->src.b, 16))) return c;
    if ((c = memcmp(x->dst.b, y->dst.b, 16))) return c;
#define W(f) if (x->f != y->f) return x->f < y->f ? -1 : 1
    W(action); W(status); W(flags); W(hour);
    if ((c = memcmp(x->pkt_src.b, y->pkt_src.b, 16))) return c;
    if ((c = memcmp(x->pkt_dst.b, y->pkt_dst.b, 16))) return c;
    W(src_svc); W(dst_svc); W(dstport); W(protocol); W(direction); W(traffic_path);
#undef W
    return 0;
}

/* Issue 17: the canonical sort of many groups (keyed merge sort) gives the
 * order above for 20,000 groups that often tie in ENI, addresses and action
 * and differ only in status, flags, hour or dstport (hours 0-49, and some
 * absent, 20000 or 20400: beyond the key's byte of the hour either way);
 * IPv6 and absent addresses mixed in,
 * and groups without an ENI (the sort deals keys into buckets by ENI id,
 * 0 = none, first). */
static void test_sort_many(void)
{
    agg *a = agg_new();
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        agg_group g = grp((uint32_t)(x % 5), (uint32_t)(x >> 8) % 3, (x >> 12) % 2 ? FL_ACCEPT : FL_REJECT, 1,
                          3600 * (int64_t)((x >> 16) % 50));
        g.dstport = (uint16_t)((x >> 24) % 7);
        g.status = (uint8_t)(FL_OK + (x >> 50) % 3); /* OK, NODATA, SKIPDATA: the key orders status after action */
        if ((x >> 53) % 5 == 0) g.flags |= AGG_HAS_PKT_SRC; /* and flags after status */
        if ((x >> 30) % 9 == 0) g.src.b[0] = 0x20; /* an IPv6 address, above every IPv4 one */
        if ((x >> 58) % 7 == 0) g.hour = (x >> 61) % 2 ? AGG_NO_HOUR : 20000 + (int32_t)((x >> 62) % 2) * 400;
        if ((x >> 34) % 11 == 0) {
            memset(&g.dst, 0, sizeof g.dst);
            g.flags = AGG_HAS_SRC;
        }
        char nm[16];
        snprintf(nm, sizeof nm, "eni-%u", (unsigned)((x >> 40) % 4));
        agg_add(a, &g, (x >> 44) % 13 == 0 ? NULL : nm, NULL, NULL);
    }
    agg_canonicalize(a);
    size_t n;
    const agg_group *g = agg_groups(a, &n);
    CHECK(n > 1000);
    size_t bad = 0;
    for (size_t i = 1; i < n; i++) bad += want_cmp(a, &g[i - 1], &g[i]) >= 0;
    CHECK(bad == 0);
    CHECK(g[0].eni == 0); /* the ENI-less groups come first */
    agg_free(a);
}

int main(void)
{
    test_sort_many();
    agg *a = agg_new();
    agg_group g = grp(0x0a000001, 0x0a000002, FL_ACCEPT, 100, 7200);
    agg_add(a, &g, "eni-a", NULL, NULL);
    g = grp(0x0a000001, 0x0a000002, FL_ACCEPT, 250, 7300); /* same key, same hour 2 */
    agg_add(a, &g, "eni-a", NULL, NULL);
    g = grp(0x0a000001, 0x0a000002, FL_ACCEPT, 5, 10800);  /* hour 3: a new group */
    agg_add(a, &g, "eni-a", NULL, NULL);
    g = grp(0x0a000001, 0x0a000002, FL_ACCEPT, 7, 7200);   /* other ENI */
    agg_add(a, &g, "eni-b", "", "S3");
    CHECK(agg_count(a) == 3); /* {eni-a,h2} {eni-a,h3} {eni-b,h2} */
    CHECK(agg_str_count(a) == 3); /* eni-a, eni-b, S3 */
    CHECK(agg_str_id(a, "eni-a") == 1 && agg_str_id(a, "S3") == 3 && agg_str_id(a, "nope") == 0);
    CHECK_STR(agg_str(a, 2), "eni-b");
    CHECK(agg_str(a, 0) == NULL);
    size_t n;
    const agg_group *gs = agg_groups(a, &n);
    CHECK(n == 3);
    /* first group: 100 + 250 bytes, 2 records, start min 7200, end max 7360 */
    CHECK(gs[0].bytes == 350 && gs[0].records == 2 && gs[0].packets == 2);
    CHECK(gs[0].min_start == 7200 && gs[0].max_end == 7360 && gs[0].hour == 2);
    CHECK(gs[1].hour == 3 && gs[1].bytes == 5);
    CHECK(gs[2].dst_svc == 3 && gs[2].src_svc == 0);

    /* ENI metadata: the lowest order key wins per field, public API keeps the first */
    agg_note_eni(a, "eni-a", "vpc-1", "subnet-1", NULL, "use1-az1", "111", NULL);
    agg_note_eni(a, "eni-a", "vpc-2", "", "i-9", NULL, NULL, "us-east-1");
    const agg_eni_meta *m = agg_eni(a, agg_str_id(a, "eni-a"));
    CHECK(m != NULL);
    CHECK_STR(agg_str(a, m->vpc), "vpc-1");
    CHECK_STR(agg_str(a, m->subnet), "subnet-1");
    CHECK_STR(agg_str(a, m->instance), "i-9");
    CHECK_STR(agg_str(a, m->region), "us-east-1");
    CHECK(agg_eni(a, agg_str_id(a, "eni-b")) == NULL);
    CHECK(agg_eni_known(a, agg_str_id(a, "eni-a"), 1 | 2 | 8));
    CHECK(!agg_eni_known(a, agg_str_id(a, "eni-b"), 1));
    agg_eni_meta mm = {agg_intern(a, "vpc-early", 9), 0, 0, 0, 0, 0};
    agg_note_eni_ids(a, agg_str_id(a, "eni-a"), &mm, 5);  /* earlier than UINT64_MAX */
    m = agg_eni(a, agg_str_id(a, "eni-a"));
    CHECK_STR(agg_str(a, m->vpc), "vpc-early");
    mm.vpc = agg_intern(a, "vpc-late", 8);
    agg_note_eni_ids(a, agg_str_id(a, "eni-a"), &mm, 6);
    m = agg_eni(a, agg_str_id(a, "eni-a"));
    CHECK_STR(agg_str(a, m->vpc), "vpc-early");

    /* stats period: 0 = absent never wins */
    agg_stats *st = agg_stats_of(a);
    agg_stats_period(st, 0, 0);
    agg_stats_period(st, 500, 560);
    agg_stats_period(st, 400, 0);
    agg_stats_period(st, 0, 900);
    CHECK(st->start == 400 && st->end == 900);
    st->read = 10;
    st->used = 9;

    /* merge: b has one overlapping group (+1000 bytes) and one new; ids differ */
    agg *b = agg_new();
    g = grp(0x0a000009, 0x0a000002, FL_REJECT, 1, 7200);
    agg_add(b, &g, "eni-c", NULL, NULL);
    g = grp(0x0a000001, 0x0a000002, FL_ACCEPT, 1000, 7250);
    agg_add(b, &g, "eni-a", NULL, NULL);
    agg_note_eni(b, "eni-c", "vpc-3", NULL, NULL, NULL, NULL, NULL);
    agg_stats_of(b)->read = 5;
    agg_stats_period(agg_stats_of(b), 300, 600);
    agg_merge(a, b);
    CHECK(agg_count(a) == 4);
    const agg_group *x = find(a, "eni-a", 0x0a000001, NULL);
    CHECK(x && x->hour == 2 && x->bytes == 1350 && x->records == 3); /* 100+250+1000 */
    x = find(a, "eni-c", 0x0a000009, NULL);
    CHECK(x && x->action == FL_REJECT && x->bytes == 1);
    CHECK(agg_stats_get(a)->read == 15 && agg_stats_get(a)->start == 300 && agg_stats_get(a)->end == 900);
    m = agg_eni(a, agg_str_id(a, "eni-c"));
    CHECK(m && strcmp(agg_str(a, m->vpc), "vpc-3") == 0);

    /* canonical order: same content built in another order gives the same array */
    agg *c = agg_new();
    agg_merge(c, b);
    agg *d = agg_new();
    agg_merge(d, b);
    agg_intern(c, "zzz", 3); /* a different id history */
    agg_intern(d, "aaa", 3);
    agg_intern(c, "aaa", 3);
    agg_intern(d, "zzz", 3);
    agg_canonicalize(c);
    agg_canonicalize(d);
    size_t nc, nd;
    const agg_group *gc = agg_groups(c, &nc), *gd = agg_groups(d, &nd);
    CHECK(nc == nd && memcmp(gc, gd, nc * sizeof *gc) == 0);
    /* unreferenced strings are dropped, the rest in strcmp order */
    CHECK(agg_str_count(c) == 3 && agg_str_id(c, "aaa") == 0);
    CHECK_STR(agg_str(c, 1), "eni-a");
    CHECK(agg_str_id(c, "eni-c") == 2 && agg_str_id(d, "eni-c") == 2);
    CHECK_STR(agg_str(c, 3), "vpc-3");
    m = agg_eni(c, agg_str_id(c, "eni-c"));
    CHECK(m && strcmp(agg_str(c, m->vpc), "vpc-3") == 0);
    /* after canonicalize the table still finds and folds existing groups */
    g = grp(0x0a000009, 0x0a000002, FL_REJECT, 10, 7200);
    agg_add(c, &g, "eni-c", NULL, NULL);
    CHECK(agg_count(c) == nc);
    x = find(c, "eni-c", 0x0a000009, NULL);
    CHECK(x && x->bytes == 11);

    /* growth: 100000 distinct groups, each added twice → 2 records each */
    agg *e = agg_new();
    for (int rep = 0; rep < 2; rep++)
        for (uint32_t i = 0; i < 100000; i++) {
            g = grp(i, ~i, FL_ACCEPT, i, 3600);
            agg_add(e, &g, (i & 1) ? "eni-odd" : "eni-even", NULL, NULL);
        }
    CHECK(agg_count(e) == 100000);
    gs = agg_groups(e, &n);
    uint64_t recs = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        recs += gs[i].records;
        bytes += gs[i].bytes;
    }
    /* sum of 2*i for i < 100000 = 99999*100000 */
    CHECK(recs == 200000 && bytes == 9999900000ull);

    /* canonical ids past the old metadata capacity (issue 12): one ENI with
     * metadata (ids 1..3, capacity 64), then 200 ENIs without it. "vpc-m"
     * (old id 2) sorts after the 201 "eni-..." strings, to new id 202 > 64:
     * the metadata array used to be written there (heap overflow). */
    agg *h = agg_new();
    g = grp(1, 2, FL_ACCEPT, 1, 3600);
    agg_add(h, &g, "eni-0000meta", NULL, NULL);
    agg_note_eni(h, "eni-0000meta", "vpc-m", "subnet-m", NULL, NULL, NULL, NULL);
    for (uint32_t i = 0; i < 200; i++) {
        char nm[32];
        snprintf(nm, sizeof nm, "eni-1%07u", i);
        g = grp(i, i, FL_ACCEPT, 1, 3600);
        agg_add(h, &g, nm, NULL, NULL);
    }
    agg_canonicalize(h);
    CHECK(agg_str_count(h) == 203);
    /* byte order: eni-0000meta, eni-10000000..199 (2..201), subnet-m, vpc-m */
    CHECK(agg_str_id(h, "eni-0000meta") == 1 && agg_str_id(h, "eni-10000199") == 201);
    CHECK(agg_str_id(h, "subnet-m") == 202 && agg_str_id(h, "vpc-m") == 203);
    m = agg_eni(h, 1);
    CHECK(m && m->vpc == 203 && m->subnet == 202);
    CHECK(agg_eni(h, 201) == NULL && agg_eni(h, 203) == NULL);
    /* a second pass over canonical ids changes nothing, metadata included */
    agg_canonicalize(h);
    m = agg_eni(h, 1);
    CHECK(agg_str_id(h, "vpc-m") == 203 && m && m->vpc == 203);
    uint32_t *rk = agg_str_ranks(h);
    CHECK(rk[1] == 1 && rk[203] == 203 && rk[0] == 0);
    free(rk);
    agg_free(h);

    agg_free(a);
    agg_free(b);
    agg_free(c);
    agg_free(d);
    agg_free(e);
    return check_done();
}
