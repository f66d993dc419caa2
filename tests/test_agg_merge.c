/* Unit tests of the parallel paths of src/agg.c (issue 17): agg_absorb_all
 * (per-thread tables folded on several threads, each owning a share of the
 * hash range) and agg_canonicalize_threads must give exactly the table the
 * one-thread merge and canonical order give. Expected sums are worked out
 * by hand in the comments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "check.h"

enum { N = 30000, EXTRA = 1000 };

static agg_group grp(uint32_t i, uint64_t bytes)
{
    agg_group g;
    memset(&g, 0, sizeof g);
    g.src = ip_from_v4(0x0a000000u + i);
    g.dst = ip_from_v4(~i);
    g.flags = AGG_HAS_SRC | AGG_HAS_DST;
    g.action = FL_ACCEPT;
    g.status = FL_OK;
    g.hour = 500000;
    g.bytes = bytes;
    g.packets = 1;
    g.records = 1;
    g.min_start = 1800000000 + (int64_t)i;
    g.max_end = 1800000060 + (int64_t)i;
    return g;
}

/* Source s of three (as three ingest workers): group i (0 <= i < N) with
 * 2^s bytes when s == 0, or i % 2 == 0 for s == 1, or i % 3 == 0 for s == 2;
 * source 2 alone also has groups N..N+EXTRA-1 (4 bytes). ENI "eni-(i % 7)";
 * each source interns its own filler string first, so the three tables
 * number the same strings differently. */
static agg *source(int s)
{
    agg *a = agg_new();
    char pad[16];
    snprintf(pad, sizeof pad, "pad-%d", s);
    agg_intern(a, pad, strlen(pad));
    for (uint32_t i = 0; i < N + (s == 2 ? EXTRA : 0); i++) {
        if (i < N && !(s == 0 || (s == 1 && i % 2 == 0) || (s == 2 && i % 3 == 0))) continue;
        agg_group g = grp(i, 1u << s);
        char eni[16];
        snprintf(eni, sizeof eni, "eni-%u", i % 7);
        agg_add(a, &g, eni, NULL, s == 1 ? "S3" : NULL);
    }
    agg_note_eni(a, "eni-3", s == 1 ? "vpc-one" : NULL, NULL, NULL, NULL, NULL, NULL);
    agg_stats_of(a)->read = 10 + (uint64_t)s;
    return a;
}

static bool same(const agg *x, const agg *y)
{
    size_t nx, ny;
    const agg_group *gx = agg_groups(x, &nx), *gy = agg_groups(y, &ny);
    if (nx != ny || memcmp(gx, gy, nx * sizeof *gx) != 0) return false;
    if (agg_str_count(x) != agg_str_count(y)) return false;
    for (uint32_t id = 1; id <= agg_str_count(x); id++)
        if (strcmp(agg_str(x, id), agg_str(y, id)) != 0) return false;
    return true;
}

/* Rows: into an empty table (it takes a source as it is) or one with
 * groups of its own; on 1, 2, 3 and 8 threads. */
static void test_absorb_all(void)
{
    static const struct {
        bool prefilled;
        int threads;
    } rows[] = {{false, 1}, {false, 2}, {false, 3}, {false, 8}, {true, 1}, {true, 3}};
    agg *want[2] = {NULL, NULL};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        agg *dst = agg_new();
        if (rows[r].prefilled) {
            /* group 0 again (+1000 bytes) and a group no source has */
            agg_group g = grp(0, 1000);
            agg_add(dst, &g, "eni-0", NULL, NULL);
            g = grp(N + EXTRA, 5);
            agg_add(dst, &g, "eni-x", NULL, NULL);
        }
        agg *src[3] = {source(0), source(1), source(2)};
        agg_absorb_all(dst, src, 3, rows[r].threads);
        size_t n;
        const agg_group *g = agg_groups(dst, &n);
        uint64_t bytes = 0, recs = 0, s3 = 0;
        for (size_t i = 0; i < n; i++) {
            bytes += g[i].bytes;
            recs += g[i].records;
            s3 += g[i].dst_svc != 0;
        }
        /* bytes: N * 1 + (N / 2) * 2 + (N / 3) * 4 + EXTRA * 4
         *      = 30000 + 30000 + 40000 + 4000 = 104000;
         * records: 30000 + 15000 + 10000 + 1000 = 56000. The S3 groups
         * are source 1's own (its dst_svc makes them other keys): 15000.
         * Groups: 30000 + 15000 (source 1's) + 1000 = 46000. Prefilled:
         * +1000 bytes and +5 bytes, +2 records, +1 group. */
        int pre = rows[r].prefilled;
        CHECK(n == 46000u + (unsigned)pre);
        CHECK(bytes == 104000u + (pre ? 1005u : 0u));
        CHECK(recs == 56000u + (pre ? 2u : 0u));
        CHECK(s3 == 15000);
        CHECK(agg_stats_get(dst)->read == 33); /* 10 + 11 + 12 */
        const agg_eni_meta *m = agg_eni(dst, agg_str_id(dst, "eni-3"));
        CHECK(m && strcmp(agg_str(dst, m->vpc), "vpc-one") == 0);
        agg_canonicalize(dst);
        /* group 0 of eni-0 without a service: 1 (source 0) + 4 (source 2)
         * bytes, +1000 prefilled; source 1's group 0 has S3, another key */
        g = agg_groups(dst, &n);
        CHECK(g[0].eni == agg_str_id(dst, "eni-0") && ip_v4(&g[0].src) == 0x0a000000u && g[0].dst_svc == 0);
        CHECK(g[0].bytes == 5u + (pre ? 1000u : 0u) && g[0].records == 2u + (unsigned)pre);
        CHECK(g[0].min_start == 1800000000 && g[0].max_end == 1800000060);
        if (!want[pre]) {
            /* the reference: agg_merge one table after another */
            want[pre] = agg_new();
            if (pre) {
                agg_group h = grp(0, 1000);
                agg_add(want[pre], &h, "eni-0", NULL, NULL);
                h = grp(N + EXTRA, 5);
                agg_add(want[pre], &h, "eni-x", NULL, NULL);
            }
            for (int s = 2; s >= 0; s--) {
                agg *one = source(s);
                agg_merge(want[pre], one);
                agg_free(one);
            }
            agg_canonicalize(want[pre]);
        }
        CHECK(same(dst, want[pre]));
        /* the table still folds and inserts after the parallel merge */
        agg_group h = grp(1, 10);
        agg_add(dst, &h, "eni-1", NULL, NULL);
        h = grp(N + EXTRA + 1, 10);
        agg_add(dst, &h, "eni-1", NULL, NULL);
        CHECK(agg_count(dst) == n + 1);
        agg_free(dst);
    }
    agg_free(want[0]);
    agg_free(want[1]);
}

/* The canonical order on 3 threads: 40,000 distinct groups over 50 ENIs
 * (and none), so that the ENI buckets are divided between threads, equal
 * to the one-thread order. */
static void test_canonicalize_threads(void)
{
    agg *a[2];
    for (int v = 0; v < 2; v++) {
        a[v] = agg_new();
        uint64_t x = 88172645463325252ULL;
        for (uint32_t i = 0; i < 40000; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            agg_group g = grp(i, x % 1000);
            if (x % 5 == 0) g.src.b[0] = 0x20; /* IPv6 mixed in */
            char eni[16];
            snprintf(eni, sizeof eni, "eni-%02u", (unsigned)(x >> 20) % 50);
            agg_add(a[v], &g, (x >> 30) % 17 ? eni : NULL, NULL, NULL);
        }
        agg_canonicalize_threads(a[v], v ? 3 : 1);
    }
    CHECK(agg_count(a[0]) == 40000);
    CHECK(same(a[0], a[1]));
    agg_free(a[0]);
    agg_free(a[1]);
}

/* A second agg_canonicalize is free only while nothing changed: a group or
 * an ENI's metadata added afterwards is put in order by the next one. */
static void test_canonicalize_again(void)
{
    agg *a = agg_new();
    agg_group g = grp(5, 1);
    agg_add(a, &g, "eni-b", NULL, NULL);
    agg_canonicalize(a);
    agg_canonicalize(a);
    g = grp(9, 1);
    agg_add(a, &g, "eni-a", NULL, NULL); /* "eni-a" < "eni-b": first */
    agg_canonicalize(a);
    size_t n;
    const agg_group *gs = agg_groups(a, &n);
    CHECK(n == 2 && ip_v4(&gs[0].src) == 0x0a000009u && gs[0].eni == 1);
    CHECK_STR(agg_str(a, 1), "eni-a");
    agg_note_eni(a, "eni-b", "aaa-vpc", NULL, NULL, NULL, NULL, NULL);
    agg_canonicalize(a);
    CHECK(agg_str_id(a, "aaa-vpc") == 1 && agg_str_id(a, "eni-b") == 3);
    gs = agg_groups(a, &n);
    CHECK(gs[1].eni == 3);
    agg_free(a);
}

int main(void)
{
    test_absorb_all();
    test_canonicalize_threads();
    test_canonicalize_again();
    return check_done();
}
