/* Unit tests of src/fca.c's input identities (format version 2) and of
 * src/inputs.c's file fingerprints: ids are stored sorted and distinct,
 * read back by fca_inputs, and a version 1 file (no ids) still reads. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fca.h"
#include "inputs.h"
#include "util.h"

/* The payload checksum of the format (fca.c's header: FNV-style over
 * little-endian 8-byte words, then a final mix). Copied here on purpose: a
 * version 1 file is built by hand below, as an older flowcost wrote it. */
static uint64_t checksum(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = 0;
        for (int k = 7; k >= 0; k--) w = w << 8 | p[i + (size_t)k];
        h = (h ^ w) * 0x100000001b3ULL;
        h ^= h >> 31;
    }
    for (; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static agg *one_group(void)
{
    agg *a = agg_new();
    agg_group g;
    memset(&g, 0, sizeof g);
    ip_parse("10.0.0.1", 8, &g.src);
    ip_parse("10.0.0.2", 8, &g.dst);
    g.action = FL_ACCEPT;
    g.status = FL_OK;
    g.flags = AGG_HAS_SRC | AGG_HAS_DST;
    g.packets = 2;
    g.bytes = 1234;
    g.records = 1;
    g.hour = 498216;
    agg_add(a, &g, "eni-1", NULL, NULL);
    return a;
}

static void test_ids(void)
{
    char err[FC_ERRLEN];
    agg *a = one_group();
    /* unsorted, one repeated, one empty (dropped) */
    const char *ids[] = {"s3://b/k#5", "file:3:bb", "file:3:bb", ""};
    dbuf f;
    dbuf_init(&f, 0);
    CHECK(fca_write_ids(a, ids, 4, &f, err, sizeof err) == 0);
    CHECK(f.data[4] == 2); /* version 2 */
    char **got;
    size_t n;
    CHECK(fca_inputs(f.data, f.len, &got, &n, err, sizeof err) == 0);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(got[0], "file:3:bb");
        CHECK_STR(got[1], "s3://b/k#5");
    }
    fca_inputs_free(got, n);
    agg *b = agg_new();
    CHECK(fca_read(b, f.data, f.len, err, sizeof err) == 0);
    size_t ng;
    const agg_group *g = agg_groups(b, &ng);
    CHECK(ng == 1 && g[0].bytes == 1234 && g[0].packets == 2);
    agg_free(b);

    /* version 1, as written before the ids: the version 2 payload without
     * its leading u32 id count (0 here) */
    dbuf z;
    dbuf_init(&z, 0);
    CHECK(fca_write(a, &z, err, sizeof err) == 0);
    size_t plen2 = z.len - 16 - 8, plen1 = plen2 - 4;
    unsigned char *v1 = xmalloc(16 + plen1 + 8);
    memcpy(v1, "FCA\x01", 4);
    put_le(v1 + 4, 1, 4);
    put_le(v1 + 8, plen1, 8);
    memcpy(v1 + 16, z.data + 16 + 4, plen1);
    put_le(v1 + 16 + plen1, checksum(v1 + 16, plen1), 8);
    b = agg_new();
    CHECK(fca_read(b, v1, 16 + plen1 + 8, err, sizeof err) == 0);
    g = agg_groups(b, &ng);
    CHECK(ng == 1 && ng && g[0].bytes == 1234);
    CHECK(fca_inputs(v1, 16 + plen1 + 8, &got, &n, err, sizeof err) == 0 && n == 0);
    fca_inputs_free(got, n);
    agg_free(b);

    /* a future version is refused with the versions this one reads */
    put_le(v1 + 4, 4, 4);
    b = agg_new();
    CHECK(fca_read(b, v1, 16 + plen1 + 8, err, sizeof err) == -1);
    CHECK(strstr(err, "unsupported aggregate file version 4 (this flowcost reads 1 to 3)") != NULL);
    agg_free(b);
    free(v1);
    dbuf_free(&z);
    dbuf_free(&f);
    agg_free(a);
}

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

static void file_id(const char *path, char *out, size_t n)
{
    int fd = open(path, O_RDONLY);
    off_t size = lseek(fd, 0, SEEK_END);
    CHECK(inputs_file_id(fd, (uint64_t)size, out, n) == 0);
    close(fd);
}

/* The fingerprint as .fca files since issue 12 record it (an input already
 * in a baseline is recognised by it), written plainly: two hashes, one
 * after the other, over the first 64 KiB and the last 64 KiB not
 * overlapping them. */
static uint64_t ref_hash(const unsigned char *p, size_t n, uint64_t h, uint64_t mul)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = 0;
        for (int b = 7; b >= 0; b--) w = w << 8 | p[i + (size_t)b]; /* little-endian, as the tool's memcpy */
        h = (h ^ w) * mul;
        h ^= h >> 31;
    }
    for (; i < n; i++) h = (h ^ p[i]) * mul;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static void ref_id(const unsigned char *d, size_t size, char *out, size_t outlen)
{
    const size_t part = 64u << 10;
    unsigned char *buf = xmalloc(2 * part);
    size_t head = size < part ? size : part, tail = 0;
    memcpy(buf, d, head);
    if (size > part) {
        size_t at = size - part < part ? part : size - part;
        tail = size - at;
        memcpy(buf + head, d + at, tail);
    }
    uint64_t h1 = ref_hash(buf, head + tail, 0x9E3779B97F4A7C15ULL ^ size, 0x100000001b3ULL);
    uint64_t h2 = ref_hash(buf, head + tail, 0xC2B2AE3D27D4EB4FULL + size, 0x9E3779B97F4A7C15ULL);
    free(buf);
    snprintf(out, outlen, "file:%llu:%016llx%016llx", (unsigned long long)size, (unsigned long long)h1,
             (unsigned long long)h2);
}

static void test_fingerprint_values(void)
{
    char dir[] = "/tmp/fc_fcv_XXXXXX";
    if (!mkdtemp(dir)) return;
    const size_t sizes[] = {1, 7, 100, 65536, 65537, 100003, 131072, 204800};
    unsigned char *d = xmalloc(204800);
    uint64_t x = 0x2545F4914F6CDD1DULL;
    for (size_t i = 0; i < 204800; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        d[i] = (unsigned char)x;
    }
    char p[64], got[128], want[128];
    snprintf(p, sizeof p, "%s/f", dir);
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        write_file(p, (const char *)d, sizes[k]);
        file_id(p, got, sizeof got);
        ref_id(d, sizes[k], want, sizeof want);
        CHECK_STR(got, want);
    }
    unlink(p);
    rmdir(dir);
    free(d);
}

static void test_fingerprints(void)
{
    char dir[] = "/tmp/fc_fca_XXXXXX";
    if (!mkdtemp(dir)) return;
    size_t n = 200u << 10; /* over 2 x 64 KiB: head and tail are separate reads */
    char *buf = xmalloc(n);
    for (size_t i = 0; i < n; i++) buf[i] = (char)('a' + i % 26);
    char p1[64], p2[64], p3[64], id1[128], id2[128], id3[128];
    snprintf(p1, sizeof p1, "%s/one", dir);
    snprintf(p2, sizeof p2, "%s/copy", dir);
    snprintf(p3, sizeof p3, "%s/last", dir);
    write_file(p1, buf, n);
    write_file(p2, buf, n);
    buf[n - 1] ^= 1; /* the last byte differs */
    write_file(p3, buf, n);
    file_id(p1, id1, sizeof id1);
    file_id(p2, id2, sizeof id2);
    file_id(p3, id3, sizeof id3);
    CHECK_STR(id1, id2);
    CHECK(strcmp(id1, id3) != 0);
    CHECK(strncmp(id1, "file:204800:", 12) == 0);
    unlink(p1);
    unlink(p2);
    unlink(p3);
    rmdir(dir);
    free(buf);
}

/* Version 3 (issue 13): the Transit Gateway table round-trips, merged
 * entries of equal keys add up, and an entry naming a string past the
 * table is refused as corrupt. */
static void test_tgw(void)
{
    char err[FC_ERRLEN];
    agg *a = one_group();
    agg_tgw t;
    memset(&t, 0, sizeof t);
    t.id[FL_TGW_ATTACH] = agg_intern(a, "tgw-attach-a", 12);
    t.id[FL_TGW_PAIR] = agg_intern(a, "tgw-attach-b", 12);
    t.id[FL_TGW_SRC_ACCOUNT] = agg_intern(a, "111111111111", 12);
    t.direction = FL_INGRESS;
    t.status = FL_OK;
    t.packets = 3;
    t.bytes = 1000;
    t.records = 1;
    agg_add_tgw(a, &t);
    agg_add_tgw(a, &t); /* the same key: one entry of 2000 bytes, 2 records */
    t.direction = FL_EGRESS;
    agg_add_tgw(a, &t); /* another key */
    dbuf f;
    dbuf_init(&f, 0);
    CHECK(fca_write(a, &f, err, sizeof err) == 0);
    CHECK(f.data[4] == 3); /* version 3: it holds TGW records */
    agg *b = agg_new();
    CHECK(fca_read(b, f.data, f.len, err, sizeof err) == 0);
    agg_canonicalize(b);
    size_t n;
    const agg_tgw *r = agg_tgws(b, &n);
    CHECK(n == 2);
    uint64_t bytes = 0, records = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK_STR(agg_str(b, r[i].id[FL_TGW_ATTACH]), "tgw-attach-a");
        CHECK_STR(agg_str(b, r[i].id[FL_TGW_PAIR]), "tgw-attach-b");
        CHECK(r[i].id[FL_TGW_DST_ACCOUNT] == 0);
        bytes += r[i].bytes;
        records += r[i].records;
        if (r[i].direction == FL_INGRESS) CHECK(r[i].bytes == 2000 && r[i].records == 2 && r[i].packets == 6);
    }
    CHECK(bytes == 3000 && records == 3);
    agg_free(b);
    /* the last entry's region id (4 bytes before its direction, status and
     * three counters: 4 + 2 + 24 from the payload's end) set past the
     * string table: corrupt, with a fresh checksum so only the id is wrong */
    size_t plen = f.len - 16 - 8;
    unsigned char *p = (unsigned char *)f.data + 16;
    put_le(p + plen - 30, 9999, 4);
    put_le(p + plen, checksum(p, plen), 8);
    b = agg_new();
    CHECK(fca_read(b, f.data, f.len, err, sizeof err) == -1);
    CHECK(strstr(err, "corrupt") != NULL);
    agg_free(b);
    dbuf_free(&f);
    agg_free(a);
}

/* A sink that keeps the pieces, and fails at piece number fail_at (0 = never). */
typedef struct pieces {
    dbuf all;
    size_t n, fail_at;
} pieces;

static int sink_pieces(void *ctx, const void *data, size_t len, char *err, size_t errlen)
{
    pieces *p = ctx;
    p->n++;
    if (p->fail_at && p->n >= p->fail_at) return fc_err(err, errlen, "disk full");
    dbuf_append(&p->all, data, len);
    return 0;
}

/* An aggregate bigger than the encoder's 256 KiB piece: 3,000 groups of
 * 128 bytes = 384,000 bytes of groups, so the file reaches the sink in
 * pieces and its checksum is taken across them. */
static void test_pieces(void)
{
    agg *a = agg_new();
    for (uint32_t i = 0; i < 3000; i++) {
        agg_group g;
        memset(&g, 0, sizeof g);
        g.src = ip_from_v4(0x0a000000u + i);
        g.dst = ip_from_v4(0x0a010000u + i * 7);
        g.action = FL_ACCEPT;
        g.status = FL_OK;
        g.flags = AGG_HAS_SRC | AGG_HAS_DST;
        g.packets = i + 1;
        g.bytes = 1000 + i;
        g.records = 1;
        g.hour = 498216;
        agg_add(a, &g, i % 2 ? "eni-odd" : "eni-even", NULL, NULL);
    }
    agg_canonicalize(a);
    char err[FC_ERRLEN];
    dbuf whole;
    dbuf_init(&whole, 0);
    CHECK(fca_write(a, &whole, err, sizeof err) == 0);
    /* header 16 bytes, payload, checksum 8: the payload length field and
     * the checksum (this file's own copy of it) hold for the whole file */
    const unsigned char *f = (const unsigned char *)whole.data;
    uint64_t plen = 0;
    for (int i = 7; i >= 0; i--) plen = plen << 8 | f[8 + i];
    CHECK(whole.len > 300000 && plen == whole.len - 16 - 8);
    uint64_t sum = 0;
    for (int i = 7; i >= 0; i--) sum = sum << 8 | f[whole.len - 8 + (size_t)i];
    CHECK(sum == checksum(f + 16, (size_t)plen));
    agg *b = agg_new();
    CHECK(fca_read(b, whole.data, whole.len, err, sizeof err) == 0 && agg_count(b) == 3000);
    agg_free(b);

    pieces p = {{0}, 0, 0};
    dbuf_init(&p.all, 0);
    CHECK(fca_write_to(a, NULL, 0, sink_pieces, &p, err, sizeof err) == 0);
    CHECK(p.n >= 2 && p.all.len == whole.len && memcmp(p.all.data, whole.data, whole.len) == 0);
    dbuf_free(&p.all);

    pieces q = {{0}, 0, 2}; /* the second piece fails: -1, its error, no third call */
    dbuf_init(&q.all, 0);
    err[0] = '\0';
    CHECK(fca_write_to(a, NULL, 0, sink_pieces, &q, err, sizeof err) == -1);
    CHECK_STR(err, "disk full");
    CHECK(q.n == 2);
    dbuf_free(&q.all);
    dbuf_free(&whole);
    agg_free(a);
}

/* aggregate writes the .fca through agg_canonical_order (the groups read
 * in canonical order where they lie) instead of moving them first: the
 * bytes must be those of agg_canonicalize_threads + fca_write_to, for an
 * empty aggregate, one group, a few, and enough groups (>= 16,384) that
 * the order is sorted on several threads; groups over 40 ENIs (and none),
 * service names, ENI metadata whose strings sort between the ENIs', and a
 * TGW record. Afterwards agg_canonicalize still sorts the unmoved groups:
 * the same file again. */
static agg *mixed(size_t n)
{
    agg *a = agg_new();
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        agg_group g;
        memset(&g, 0, sizeof g);
        g.src = ip_from_v4((uint32_t)(x % 5000));
        g.dst = ip_from_v4((uint32_t)(x >> 16) % 7);
        if ((x >> 24) % 9 == 0) g.src.b[0] = 0x20; /* IPv6 */
        g.flags = (x >> 28) % 13 ? AGG_HAS_SRC | AGG_HAS_DST : AGG_HAS_SRC;
        if (!(g.flags & AGG_HAS_DST)) memset(&g.dst, 0, sizeof g.dst);
        g.action = (x >> 32) % 2 ? FL_ACCEPT : FL_REJECT;
        g.status = FL_OK;
        g.hour = 498216 + (int32_t)((x >> 36) % 3);
        g.dstport = (uint16_t)((x >> 40) % 4);
        g.packets = i + 1;
        g.bytes = (x >> 44) % 100000;
        g.records = 1;
        g.min_start = (int64_t)g.hour * 3600;
        g.max_end = g.min_start + 60;
        char eni[16];
        snprintf(eni, sizeof eni, "eni-%02u", (unsigned)((x >> 50) % 40));
        agg_add(a, &g, (x >> 56) % 23 ? eni : NULL, (x >> 58) % 5 ? NULL : "S3", NULL);
    }
    agg_note_eni(a, "eni-07", "eni-07a-vpc", NULL, NULL, NULL, "111", NULL);
    agg_tgw t;
    memset(&t, 0, sizeof t);
    t.id[FL_TGW_ID] = agg_intern(a, "tgw-1", 5);
    t.bytes = 9;
    t.records = 1;
    agg_add_tgw(a, &t);
    return a;
}

static void test_gather(void)
{
    static const struct {
        size_t n;
        int threads;
    } cases[] = {{0, 1}, {1, 1}, {7, 1}, {3000, 2}, {40000, 1}, {40000, 3}};
    char err[FC_ERRLEN];
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        agg *a = mixed(cases[c].n), *b = mixed(cases[c].n);
        agg_canonicalize_threads(a, cases[c].threads);
        pieces want = {{0}, 0, 0}, got = {{0}, 0, 0}, again = {{0}, 0, 0};
        dbuf_init(&want.all, 0);
        dbuf_init(&got.all, 0);
        dbuf_init(&again.all, 0);
        CHECK(fca_write_to(a, NULL, 0, sink_pieces, &want, err, sizeof err) == 0);
        uint32_t *order = agg_canonical_order(b, cases[c].threads);
        size_t n, moved = 0;
        agg_groups(b, &n);
        CHECK(n == agg_count(a));
        for (size_t i = 0; i < n; i++) moved += order[i] != i;
        CHECK(cases[c].n < 3000 || moved > 0); /* the groups really are out of order */
        CHECK(fca_write_order(b, order, NULL, 0, sink_pieces, &got, err, sizeof err) == 0);
        free(order);
        CHECK(got.all.len == want.all.len && memcmp(got.all.data, want.all.data, want.all.len) == 0);
        agg_canonicalize_threads(b, cases[c].threads);
        CHECK(fca_write_to(b, NULL, 0, sink_pieces, &again, err, sizeof err) == 0);
        CHECK(again.all.len == want.all.len && memcmp(again.all.data, want.all.data, want.all.len) == 0);
        dbuf_free(&want.all);
        dbuf_free(&got.all);
        dbuf_free(&again.all);
        agg_free(a);
        agg_free(b);
    }
}

int main(void)
{
    test_gather();
    test_pieces();
    test_ids();
    test_tgw();
    test_fingerprints();
    test_fingerprint_values();
    return check_done();
}
