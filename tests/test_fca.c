/* Unit tests of src/fca.c's input identities (format version 2 on) and of
 * src/inputs.c's file fingerprints: ids are stored sorted and distinct,
 * read back by fca_inputs, and version 1 and 2 files (128-byte groups,
 * built here by hand as older builds wrote them) still read. Version 4's
 * compact groups: every field round-trips at its extremes, and each kind
 * of damage to a group's bytes is refused as corrupt. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fca.h"
#include "inputs.h"
#include "util.h"
#include "fca_sum.h"

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
    CHECK(f.data[4] == 4); /* version 4 */
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

    /* versions 1 and 2, as older builds wrote one_group(): the string
     * table ("eni-1"), one 128-byte group, no ENI metadata, the stats; the
     * version 2 payload starts with the u32 id count (0 here) */
    for (int ver = 1; ver <= 2; ver++) {
        unsigned char pl[512], *q = pl;
        if (ver == 2) put_le(q, 0, 4), q += 4;
        put_le(q, 1, 4), q += 4;
        put_le(q, 5, 4), q += 4;
        memcpy(q, "eni-1", 5), q += 5;
        put_le(q, 1, 8), q += 8;
        memset(q, 0, 128);
        q[10] = q[11] = q[26] = q[27] = 0xff; /* src 10.0.0.1, dst 10.0.0.2: IPv4-mapped */
        q[12] = 10, q[15] = 1, q[28] = 10, q[31] = 2;
        put_le(q + 64, 1, 4);       /* eni */
        put_le(q + 76, 498216, 4);  /* hour */
        q[83] = FL_ACCEPT, q[84] = FL_OK, q[87] = AGG_HAS_SRC | AGG_HAS_DST;
        put_le(q + 88, 2, 8);       /* packets */
        put_le(q + 96, 1234, 8);    /* bytes */
        put_le(q + 104, 1, 8);      /* records */
        q += 128;
        put_le(q, 0, 4), q += 4;    /* ENI metadata */
        memset(q, 0, 12 * 8), q += 12 * 8;
        size_t plen1 = (size_t)(q - pl);
        unsigned char *v1 = xmalloc(16 + plen1 + 8);
        memcpy(v1, "FCA\x01", 4);
        put_le(v1 + 4, (uint64_t)ver, 4);
        put_le(v1 + 8, plen1, 8);
        memcpy(v1 + 16, pl, plen1);
        put_le(v1 + 16 + plen1, checksum(v1 + 16, plen1), 8);
        b = agg_new();
        CHECK(fca_read(b, v1, 16 + plen1 + 8, err, sizeof err) == 0);
        g = agg_groups(b, &ng);
        CHECK(ng == 1 && ng && g[0].bytes == 1234 && g[0].packets == 2 && g[0].hour == 498216);
        if (ng == 1) {
            char ip[IP_STRLEN];
            ip_format(&g[0].dst, ip, sizeof ip);
            CHECK_STR(ip, "10.0.0.2");
            CHECK_STR(agg_str(b, g[0].eni), "eni-1");
        }
        CHECK(fca_inputs(v1, 16 + plen1 + 8, &got, &n, err, sizeof err) == 0 && n == 0);
        fca_inputs_free(got, n);
        agg_free(b);
        if (ver == 2) {
            /* a future version is refused with the versions this one reads */
            put_le(v1 + 4, 5, 4);
            b = agg_new();
            CHECK(fca_read(b, v1, 16 + plen1 + 8, err, sizeof err) == -1);
            CHECK(strstr(err, "unsupported aggregate file version 5 (this flowcost reads 1 to 4)") != NULL);
            agg_free(b);
        }
        free(v1);
    }
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

/* Version 3 on (issue 13): the Transit Gateway table round-trips, merged
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
    CHECK(f.data[4] == 4); /* version 4, whether or not it holds TGW records */
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

/* An aggregate bigger than the encoder's 256 KiB piece: 12,000 groups of
 * ~37 bytes (two IPv4 addresses, counters of 2 to 3 bytes, the absent
 * start and end 5 bytes each), so the file reaches the sink in pieces and
 * its checksum is taken across them. */
static void test_pieces(void)
{
    agg *a = agg_new();
    for (uint32_t i = 0; i < 12000; i++) {
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
    CHECK(fca_read(b, whole.data, whole.len, err, sizeof err) == 0 && agg_count(b) == 12000);
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

/* Version 4's groups keep every value of every field: addresses of each
 * form (IPv6, IPv4, 0.0.0.0, absent), hours and times at their extremes
 * and absent, counters at 0, 127, 128 and the maximum, every enum at its
 * largest, ids of one and two varint bytes. Written, read back and put in
 * canonical order, the groups are the same bytes. */
static void test_v4_fields(void)
{
    char err[FC_ERRLEN];
    agg *a = agg_new();
    char name[16];
    for (int i = 0; i < 300; i++) { /* ids up to 300: two-byte varints */
        snprintf(name, sizeof name, "svc-%03d", i);
        agg_intern(a, name, strlen(name));
    }
    static const char *addr[] = {"2001:db8::1", "10.1.2.3", "0.0.0.0", "::", "::1", "255.255.255.255"};
    static const int32_t hours[] = {AGG_NO_HOUR, 0, -5, 498216, INT32_MAX, INT32_MIN + 1};
    static const int64_t times[] = {0, -1, 1, INT64_MAX, INT64_MIN, 1793577639, 1793577600 + 3599};
    static const uint64_t counts[] = {0, 127, 128, 16383, 16384, UINT64_MAX};
    size_t k = 0;
    for (size_t i = 0; i < 6; i++) {
        for (size_t j = 0; j < 6; j++) {
            agg_group g;
            memset(&g, 0, sizeof g);
            ip128 *ip[4] = {&g.src, &g.dst, &g.pkt_src, &g.pkt_dst};
            for (int f = 0; f < 4; f++) {
                const char *t = addr[(i + j * (size_t)f) % 6];
                ip_parse(t, strlen(t), ip[f]);
            }
            g.eni = (uint32_t)(1 + (i * 37 + j * 11) % 300);
            g.src_svc = (uint32_t)((i * 7 + j) % 301);
            g.dst_svc = j ? 300 : 0;
            g.hour = hours[(i + j) % 6];
            g.dstport = (uint16_t)(j == 5 ? 65535 : j * 443);
            g.protocol = (uint8_t)(i == 5 ? 255 : i);
            g.action = (uint8_t)(k % 3);
            g.status = (uint8_t)(k % 4);
            g.direction = (uint8_t)(j % 3);
            g.traffic_path = (uint8_t)(k % 9);
            g.flags = (uint8_t)(k % 16);
            g.packets = counts[i];
            g.bytes = counts[j];
            g.records = counts[(i + j) % 6];
            g.min_start = times[k % 7];
            g.max_end = times[(k + 3) % 7];
            k++;
            agg_add_group(a, &g);
        }
    }
    agg_canonicalize(a);
    dbuf f;
    dbuf_init(&f, 0);
    CHECK(fca_write(a, &f, err, sizeof err) == 0);
    agg *b = agg_new();
    CHECK(fca_read(b, f.data, f.len, err, sizeof err) == 0);
    agg_canonicalize(b);
    size_t na, nb;
    const agg_group *ga = agg_groups(a, &na), *gb = agg_groups(b, &nb);
    CHECK(na == 36 && nb == na);
    CHECK(nb == na && memcmp(ga, gb, na * sizeof *ga) == 0);
    /* and the file again from what was read: the same bytes */
    dbuf f2;
    dbuf_init(&f2, 0);
    CHECK(fca_write(b, &f2, err, sizeof err) == 0);
    CHECK(f2.len == f.len && memcmp(f.data, f2.data, f.len) == 0);
    dbuf_free(&f2);
    dbuf_free(&f);
    agg_free(b);
    agg_free(a);
}

/* one_group()'s file with bytes [off, off + del) of its payload replaced by
 * ins[0..nins), the length and checksum made right again: read, it must
 * fail as corrupt (want_ok: read fine, with bytes of 1234 again). */
static void spliced(const dbuf *f, size_t off, size_t del, const unsigned char *ins, size_t nins, bool want_ok)
{
    char err[FC_ERRLEN];
    size_t plen = f->len - 16 - 8, nplen = plen - del + nins;
    unsigned char *d = xmalloc(16 + nplen + 8);
    memcpy(d, f->data, 16);
    put_le(d + 8, nplen, 8);
    memcpy(d + 16, f->data + 16, off);
    if (nins) memcpy(d + 16 + off, ins, nins);
    memcpy(d + 16 + off + nins, f->data + 16 + off + del, plen - off - del);
    put_le(d + 16 + nplen, checksum(d + 16, nplen), 8);
    agg *b = agg_new();
    int rc = fca_read(b, d, 16 + nplen + 8, err, sizeof err);
    if (want_ok) {
        size_t n;
        const agg_group *g = agg_groups(b, &n);
        CHECK(rc == 0 && n == 1 && n && g[0].bytes == 1234);
    } else {
        CHECK(rc == -1 && strstr(err, "corrupt") != NULL);
    }
    agg_free(b);
    free(d);
}

/* one_group()'s group in version 4, at payload byte 25 (u32 ids 0, u32
 * strings 1, "eni-1" with its u32 length, u64 groups 1):
 *   0 form 0x05 (src, dst IPv4)  1-4 src  5-8 dst  9 eni 1  10, 11 svc 0
 *   12-14 hour  15 port 0  16 protocol  17 action | status << 2 = 0x05
 *   18 traffic_path  19 flags  20 packets  21-22 bytes  23 records ... */
static void test_v4_corrupt(void)
{
    char err[FC_ERRLEN];
    agg *a = one_group();
    dbuf f;
    dbuf_init(&f, 0);
    CHECK(fca_write(a, &f, err, sizeof err) == 0);
    const size_t G = 25;
    const unsigned char *g = (const unsigned char *)f.data + 16 + G;
    CHECK(g[0] == 0x05 && g[1] == 10 && g[4] == 1 && g[8] == 2 && g[9] == 1 && g[17] == 0x05 && g[19] == 3);
    spliced(&f, G, 0, NULL, 0, true); /* the control: unchanged, it reads */
    unsigned char b;
    b = 0x07; /* src of form 3 */
    spliced(&f, G, 1, &b, 1, false);
    b = 0x45; /* a spare bit of the packed byte */
    spliced(&f, G + 17, 1, &b, 1, false);
    b = 9; /* traffic-path 9 */
    spliced(&f, G + 18, 1, &b, 1, false);
    b = 2; /* an ENI id past the string table */
    spliced(&f, G + 9, 1, &b, 1, false);
    const unsigned char long_eni[2] = {0x81, 0x00}; /* eni 1 in two bytes: not the shortest form */
    spliced(&f, G + 9, 1, long_eni, 2, false);
    const unsigned char port[3] = {0x80, 0x80, 0x04}; /* port 65536 */
    spliced(&f, G + 15, 1, port, 3, false);
    const unsigned char hour[5] = {0x80, 0x80, 0x80, 0x80, 0x10}; /* zz 2^32: hour 2^31 */
    spliced(&f, G + 12, 3, hour, 5, false);
    unsigned char v6[17] = {0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1};
    spliced(&f, G, 5, v6, 17, false); /* 10.0.0.1 spelled as form 2 */
    v6[11] = 0xfe; /* a true IPv6 address in form 2 reads */
    spliced(&f, G, 5, v6, 17, true);
    const unsigned char eleven[11] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    spliced(&f, G + 20, 1, eleven, 11, false); /* packets: a varint of 11 bytes */
    dbuf_free(&f);
    agg_free(a);
}

int main(void)
{
    test_v4_fields();
    test_v4_corrupt();
    test_gather();
    test_pieces();
    test_ids();
    test_tgw();
    test_fingerprints();
    test_fingerprint_values();
    return check_done();
}
