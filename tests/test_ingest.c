/* Unit tests of src/ingest.c (with gz.c and fca.c underneath): files with
 * headers, --fields, CRLF, blank and last lines, malformed-line summaries and
 * --strict errors with file:line, gzip multi-member / truncated / corrupt on
 * both backends, directories in the S3 layout with --since/--until skips,
 * .fca inputs, over-long lines, and identical results for any thread count
 * and range split. Every expected figure is worked out by hand below. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "agg.h"
#include "check.h"
#include "fca.h"
#include "ingest.h"
#include "util.h"

static char dir[64];
static char warns[8][1024];
static int nwarn;

static void on_warn(void *ctx, const char *msg)
{
    (void)ctx;
    if (nwarn < 8) snprintf(warns[nwarn], sizeof warns[0], "%s", msg);
    nwarn++;
}

static const char *path(const char *name)
{
    static char buf[8][256];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void mkdirs(const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    for (char *s = p + strlen(dir) + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
}

static void write_file(const char *name, const char *data, size_t n)
{
    FILE *f = fopen(path(name), "wb");
    fwrite(data, 1, n, f);
    fclose(f);
}

static void write_str(const char *name, const char *s)
{
    write_file(name, s, strlen(s));
}

/* One gzip member per call (append), as `cat a.gz b.gz` makes. */
static void gz_append(const char *name, const char *s)
{
    gzFile g = gzopen(path(name), "ab");
    gzwrite(g, s, (unsigned)strlen(s));
    gzclose(g);
}

static void opts(ingest_opts *o, int threads)
{
    ingest_opts_default(o);
    o->threads = threads;
    o->warn = on_warn;
    nwarn = 0;
}

static int run(agg *a, const char *p1, const char *p2, const ingest_opts *o, char *err)
{
    const char *ps[2] = {p1, p2};
    return ingest_paths(a, ps, p2 ? 2 : 1, o, err, FC_ERRLEN);
}

static const agg_group *find(const agg *a, const char *eni, const char *src, uint8_t status)
{
    size_t n;
    const agg_group *g = agg_groups(a, &n);
    ip128 ip;
    memset(&ip, 0, sizeof ip);
    if (src) ip_parse(src, strlen(src), &ip);
    for (size_t i = 0; i < n; i++) {
        const char *e = agg_str(a, g[i].eni);
        if (((!e && !eni) || (e && eni && !strcmp(e, eni))) && g[i].status == status &&
            (src ? ((g[i].flags & AGG_HAS_SRC) && ip_eq(&g[i].src, &ip)) : !(g[i].flags & AGG_HAS_SRC)))
            return &g[i];
    }
    return NULL;
}

static uint64_t total_bytes(const agg *a)
{
    size_t n;
    const agg_group *g = agg_groups(a, &n);
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++) t += g[i].bytes;
    return t;
}

/* Same groups, strings, metadata and stats (bytes_in aside). */
static int same_agg(const agg *x, const agg *y)
{
    size_t nx, ny;
    const agg_group *gx = agg_groups(x, &nx), *gy = agg_groups(y, &ny);
    if (nx != ny || memcmp(gx, gy, nx * sizeof *gx) != 0) {
        fprintf(stderr, "same_agg: groups differ (%zu vs %zu)\n", nx, ny);
        return 0;
    }
    if (agg_str_count(x) != agg_str_count(y)) {
        fprintf(stderr, "same_agg: string counts differ\n");
        return 0;
    }
    for (uint32_t id = 1; id <= agg_str_count(x); id++) {
        if (strcmp(agg_str(x, id), agg_str(y, id))) return 0;
        const agg_eni_meta *mx = agg_eni(x, id), *my = agg_eni(y, id);
        if (!mx != !my || (mx && memcmp(mx, my, sizeof *mx))) {
            fprintf(stderr, "same_agg: metadata of %s differs\n", agg_str(x, id));
            return 0;
        }
    }
    agg_stats sx = *agg_stats_get(x), sy = *agg_stats_get(y);
    sx.bytes_in = sy.bytes_in = 0;
    sx.files = sy.files = 0;
    if (memcmp(&sx, &sy, sizeof sx) != 0) {
        fprintf(stderr, "same_agg: stats differ (read %llu/%llu used %llu/%llu)\n", (unsigned long long)sx.read,
                (unsigned long long)sy.read, (unsigned long long)sx.used, (unsigned long long)sy.used);
        return 0;
    }
    return 1;
}

#define V2HDR "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"

static void test_plain(void)
{
    char err[FC_ERRLEN];
    ingest_opts o;
    /* header, CRLF, a blank line, a malformed line 5, NODATA, last line without newline */
    write_str("a.log", V2HDR
              "2 111 eni-a 10.0.0.1 10.0.0.2 40000 443 6 10 1000 7200 7260 ACCEPT OK\r\n"
              "\n"
              "2 111 eni-a 10.0.0.1 10.0.0.2 40001 443 6 5 500 7300 7360 ACCEPT OK\n"
              "garbage line\n"
              "2 111 eni-a 10.0.0.9 10.0.0.2 5555 22 6 1 40 7199 7201 REJECT OK\n"
              "2 111 eni-b - - - - - - - 7000 7600 - NODATA\n"
              "2 111 eni-b - - - - - - - 7000 7600 - SKIPDATA");
    agg *a = agg_new();
    opts(&o, 1);
    CHECK(run(a, path("a.log"), NULL, &o, err) == 0);
    const agg_stats *st = agg_stats_get(a);
    /* data lines: 6 (header and blank line are not records) */
    CHECK(st->read == 6 && st->malformed == 1 && st->used == 3 && st->rejected == 1);
    CHECK(st->nodata == 1 && st->skipdata == 1 && st->files == 1);
    CHECK(st->start == 7000 && st->end == 7600);
    CHECK(nwarn == 1);
    char want[512];
    snprintf(want, sizeof want, "skipped 1 of 6 records in %s; first at line 5: expected 14 fields, got 2", path("a.log"));
    CHECK_STR(warns[0], want);
    /* the two ACCEPT records share a group: 1000 + 500 bytes, hour 2 */
    const agg_group *g = find(a, "eni-a", "10.0.0.1", FL_OK);
    CHECK(g && g->bytes == 1500 && g->packets == 15 && g->records == 2 && g->hour == 2);
    CHECK(g && g->dstport == 0 && g->protocol == 0); /* ports only kept for REJECT */
    CHECK(g && g->min_start == 7200 && g->max_end == 7360);
    g = find(a, "eni-a", "10.0.0.9", FL_OK);
    CHECK(g && g->action == FL_REJECT && g->dstport == 22 && g->protocol == 6 && g->hour == 1);
    g = find(a, "eni-b", NULL, FL_NODATA);
    CHECK(g && g->records == 1 && g->bytes == 0 && g->hour == 1);
    CHECK(find(a, "eni-b", NULL, FL_SKIPDATA) != NULL);
    CHECK(agg_count(a) == 4);
    const agg_eni_meta *m = agg_eni(a, agg_str_id(a, "eni-a"));
    CHECK(m && strcmp(agg_str(a, m->account), "111") == 0);
    agg_free(a);

    /* --strict: the first malformed line is an error naming file:line */
    a = agg_new();
    opts(&o, 2);
    o.strict = true;
    CHECK(run(a, path("a.log"), NULL, &o, err) == INGEST_MALFORMED);
    snprintf(want, sizeof want, "%s:5: expected 14 fields, got 2", path("a.log"));
    CHECK_STR(err, want);
    agg_free(a);

    /* missing file */
    a = agg_new();
    CHECK(run(a, path("nope.log"), NULL, &o, err) == -1);
    snprintf(want, sizeof want, "cannot open '%s': No such file or directory", path("nope.log"));
    CHECK_STR(err, want);
    agg_free(a);

    /* a bad header is an error, not a silent misparse */
    write_str("badhdr.log", "version srcaddr srcaddr\n1 10.0.0.1 10.0.0.2\n");
    a = agg_new();
    opts(&o, 1);
    CHECK(run(a, path("badhdr.log"), NULL, &o, err) == -1);
    snprintf(want, sizeof want, "%s:1: bad header line: field 'srcaddr' appears twice", path("badhdr.log"));
    CHECK_STR(err, want);
    agg_free(a);
}

static void test_fields(void)
{
    char err[FC_ERRLEN];
    ingest_opts o;
    /* headerless custom layout given with the ${field} syntax */
    write_str("custom.log", "eni-x 10.1.0.1 52.1.1.1 700 ACCEPT OK egress\n"
                            "eni-x 10.1.0.1 52.1.1.1 300 ACCEPT OK egress\n"
                            "eni-x 10.1.0.1 52.1.1.1 1 ACCEPT OK ingress\n");
    agg *a = agg_new();
    opts(&o, 1);
    o.fields = "${interface-id} ${srcaddr} ${dstaddr} ${bytes} ${action} ${log-status} ${flow-direction}";
    CHECK(run(a, path("custom.log"), NULL, &o, err) == 0);
    CHECK(agg_count(a) == 2); /* egress and ingress are different groups */
    CHECK(total_bytes(a) == 1001);
    const agg_group *g = find(a, "eni-x", "10.1.0.1", FL_OK);
    CHECK(g && g->hour == AGG_NO_HOUR);
    agg_free(a);
    a = agg_new();
    o.fields = "${srcaddr";
    CHECK(run(a, path("custom.log"), NULL, &o, err) == -1);
    CHECK_STR(err, "--fields: bad field '${srcaddr': missing '}'");
    agg_free(a);

    /* no log-status column: every record is used, and its REJECTs count
     * (3 records, 2 of them REJECT; no start/end, so no period) */
    write_str("nostatus.log", "eni-x 10.1.0.1 52.1.1.1 5 REJECT\n"
                              "eni-x 10.1.0.1 52.1.1.1 7 ACCEPT\n"
                              "eni-x 10.1.0.2 52.1.1.1 9 REJECT\n");
    a = agg_new();
    o.fields = "${interface-id} ${srcaddr} ${dstaddr} ${bytes} ${action}";
    CHECK(run(a, path("nostatus.log"), NULL, &o, err) == 0);
    const agg_stats *ns = agg_stats_get(a);
    CHECK(ns->read == 3 && ns->used == 3 && ns->rejected == 2 && ns->nodata == 0 && ns->skipdata == 0);
    CHECK(ns->start == 0 && ns->end == 0);
    agg_free(a);

    /* v5 header: ENI metadata, services; the first value seen wins */
    write_str("v5.log",
              "version interface-id account-id vpc-id subnet-id instance-id az-id region srcaddr dstaddr bytes packets start end action log-status pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path\n"
              "5 eni-n 222 vpc-1 subnet-1 - use1-az2 us-east-1 10.0.0.5 3.3.3.3 100 1 3600 3660 ACCEPT OK - S3 egress 8\n"
              "5 eni-n 222 vpc-9 subnet-9 i-7 use1-az9 us-east-1 10.0.0.5 3.3.3.3 50 1 3600 3660 ACCEPT OK - S3 egress 8\n");
    a = agg_new();
    opts(&o, 1);
    CHECK(run(a, path("v5.log"), NULL, &o, err) == 0);
    const agg_eni_meta *m = agg_eni(a, agg_str_id(a, "eni-n"));
    CHECK(m && !strcmp(agg_str(a, m->vpc), "vpc-1") && !strcmp(agg_str(a, m->subnet), "subnet-1"));
    CHECK(m && !strcmp(agg_str(a, m->instance), "i-7")); /* first line had '-' */
    CHECK(m && !strcmp(agg_str(a, m->az_id), "use1-az2") && !strcmp(agg_str(a, m->region), "us-east-1"));
    g = find(a, "eni-n", "10.0.0.5", FL_OK);
    CHECK(g && g->bytes == 150 && g->traffic_path == 8 && g->direction == FL_EGRESS);
    CHECK(g && g->src_svc == 0 && !strcmp(agg_str(a, g->dst_svc), "S3"));
    agg_free(a);
}

static void test_gzip(void)
{
    char err[FC_ERRLEN];
    ingest_opts o;
    /* the same records plain and as two gzip members */
    const char *m1 = V2HDR "2 1 eni-g 10.0.0.1 10.0.0.2 1 2 6 1 100 3600 3660 ACCEPT OK\n";
    const char *m2 = V2HDR "2 1 eni-g 10.0.0.1 10.0.0.2 1 2 6 1 23 3600 3660 ACCEPT OK\n";
    unlink(path("two.log.gz"));
    gz_append("two.log.gz", m1);
    gz_append("two.log.gz", m2);
    const char *be[] = {"isal", "zlib"};
    for (int k = 0; k < 2; k++) {
        setenv("FLOWCOST_GZIP", be[k], 1);
        agg *a = agg_new();
        opts(&o, 1);
        CHECK(run(a, path("two.log.gz"), NULL, &o, err) == 0);
        const agg_group *g = find(a, "eni-g", "10.0.0.1", FL_OK);
        CHECK(g && g->bytes == 123 && g->records == 2);
        CHECK(agg_stats_get(a)->malformed == 0 && agg_stats_get(a)->read == 2);
        CHECK(agg_stats_get(a)->bytes_in == strlen(m1) + strlen(m2));
        agg_free(a);
    }

    /* truncated: 4000 records, cut the file in the middle */
    dbuf big;
    dbuf_init(&big, 0);
    dbuf_puts(&big, V2HDR);
    for (int i = 0; i < 4000; i++)
        dbuf_printf(&big, "2 1 eni-t 10.0.%d.%d 10.9.9.9 %d 443 6 1 %d 3600 3660 ACCEPT OK\n", i / 250, i % 250,
                    1024 + i, 1 + i % 7);
    unlink(path("big.log.gz"));
    gz_append("big.log.gz", big.data);
    struct stat sb;
    stat(path("big.log.gz"), &sb);
    CHECK(truncate(path("big.log.gz"), sb.st_size / 2) == 0);
    for (int k = 0; k < 2; k++) {
        setenv("FLOWCOST_GZIP", be[k], 1);
        agg *a = agg_new();
        opts(&o, 1);
        CHECK(run(a, path("big.log.gz"), NULL, &o, err) == 0);
        uint64_t got = agg_stats_get(a)->read;
        CHECK(got > 100 && got < 4000); /* the records before the cut count */
        CHECK(agg_stats_get(a)->malformed <= 1); /* at most the cut line */
        char want[512];
        snprintf(want, sizeof want, "%s: gzip data truncated at offset %lld; records before it are counted",
                 path("big.log.gz"), (long long)(sb.st_size / 2));
        CHECK(nwarn >= 1);
        CHECK_STR(warns[0], want);
        agg_free(a);
        a = agg_new();
        opts(&o, 1);
        o.strict = true;
        int rc = run(a, path("big.log.gz"), NULL, &o, err);
        CHECK(rc == INGEST_MALFORMED);
        CHECK(strstr(err, "big.log.gz") && (strstr(err, "truncated at offset") || strstr(err, "expected 14 fields")));
        agg_free(a);

        /* a small file cut inside its 8-byte trailer: all 3 lines (under the
         * 4 KiB the content is judged by) were decoded before the damage,
         * so they count: 5 + 6 + 7 = 18 bytes */
        unlink(path("small.log.gz"));
        gz_append("small.log.gz", V2HDR "2 1 eni-c 10.0.0.1 10.9.9.9 1 443 6 1 5 3600 3660 ACCEPT OK\n"
                                        "2 1 eni-c 10.0.0.1 10.9.9.9 1 443 6 1 6 3600 3660 ACCEPT OK\n"
                                        "2 1 eni-c 10.0.0.1 10.9.9.9 1 443 6 1 7 3600 3660 ACCEPT OK\n");
        struct stat ss;
        stat(path("small.log.gz"), &ss);
        CHECK(truncate(path("small.log.gz"), ss.st_size - 4) == 0);
        a = agg_new();
        opts(&o, 1);
        CHECK(run(a, path("small.log.gz"), NULL, &o, err) == 0);
        CHECK(agg_stats_get(a)->read == 3 && total_bytes(a) == 18 && nwarn == 1);
        agg_free(a);
    }

    /* corrupt: flip bytes inside the deflate data */
    unlink(path("bad.log.gz"));
    gz_append("bad.log.gz", big.data);
    int fd = open(path("bad.log.gz"), O_RDWR);
    char junk[64];
    memset(junk, 0x5a, sizeof junk);
    CHECK(pwrite(fd, junk, sizeof junk, 2000) == (ssize_t)sizeof junk);
    close(fd);
    for (int k = 0; k < 2; k++) {
        setenv("FLOWCOST_GZIP", be[k], 1);
        agg *a = agg_new();
        opts(&o, 1);
        CHECK(run(a, path("bad.log.gz"), NULL, &o, err) == 0);
        CHECK(nwarn >= 1 && strstr(warns[0], "corrupt gzip data at offset") != NULL);
        CHECK(agg_stats_get(a)->read < 4000);
        agg_free(a);
    }
    unsetenv("FLOWCOST_GZIP");
    dbuf_free(&big);
}

static void test_long_lines(void)
{
    char err[FC_ERRLEN];
    ingest_opts o;
    /* line 2: 70 KB, line 4: 6 MB (longer than a read buffer), both skipped */
    dbuf d;
    dbuf_init(&d, 0);
    dbuf_puts(&d, "2 1 eni-l 10.0.0.1 10.0.0.2 1 2 6 1 10 3600 3660 ACCEPT OK\n");
    for (int i = 0; i < 70000; i++) dbuf_puts(&d, "x");
    dbuf_puts(&d, "\n2 1 eni-l 10.0.0.1 10.0.0.2 1 2 6 1 20 3600 3660 ACCEPT OK\n");
    char *blob = xmalloc(6 << 20);
    memset(blob, 'y', 6 << 20);
    dbuf_append(&d, blob, 6 << 20);
    free(blob);
    dbuf_puts(&d, "\n2 1 eni-l 10.0.0.1 10.0.0.2 1 2 6 1 40 3600 3660 ACCEPT OK\nbad\n");
    write_file("long.log", d.data, d.len);
    dbuf_free(&d);
    agg *a = agg_new();
    opts(&o, 1);
    CHECK(run(a, path("long.log"), NULL, &o, err) == 0);
    CHECK(total_bytes(a) == 70); /* 10 + 20 + 40 */
    CHECK(agg_stats_get(a)->read == 6 && agg_stats_get(a)->malformed == 3);
    char want[512];
    snprintf(want, sizeof want, "skipped 3 of 6 records in %s; first at line 2: line longer than 65536 bytes", path("long.log"));
    CHECK_STR(warns[0], want);
    agg_free(a);
    /* strict names line 6 only if the long lines are counted right: make 'bad' first */
    a = agg_new();
    opts(&o, 1);
    o.strict = true;
    CHECK(run(a, path("long.log"), NULL, &o, err) == INGEST_MALFORMED);
    snprintf(want, sizeof want, "%s:2: line longer than 65536 bytes", path("long.log"));
    CHECK_STR(err, want);
    agg_free(a);

    /* the same file in 1 MiB ranges (the 6 MB line spans several): same
     * counts, same first bad line, with and without --strict */
    a = agg_new();
    opts(&o, 2);
    o.chunk_bytes = 1 << 20;
    CHECK(run(a, path("long.log"), NULL, &o, err) == 0);
    CHECK(total_bytes(a) == 70);
    CHECK(agg_stats_get(a)->read == 6 && agg_stats_get(a)->malformed == 3);
    snprintf(want, sizeof want, "skipped 3 of 6 records in %s; first at line 2: line longer than 65536 bytes", path("long.log"));
    CHECK_STR(warns[0], want);
    agg_free(a);
    a = agg_new();
    opts(&o, 2);
    o.chunk_bytes = 1 << 20;
    o.strict = true;
    CHECK(run(a, path("long.log"), NULL, &o, err) == INGEST_MALFORMED);
    snprintf(want, sizeof want, "%s:2: line longer than 65536 bytes", path("long.log"));
    CHECK_STR(err, want);
    agg_free(a);

    /* ranges whose last line has no newline, and CRLF lines: every record
     * counts once, at any split */
    dbuf_init(&d, 0);
    uint64_t want_bytes = 0;
    for (int i = 0; i < 3000; i++) {
        dbuf_printf(&d, "2 1 eni-%d 10.0.0.%d 10.0.1.1 1 2 6 1 %d 3600 3660 ACCEPT OK%s", i % 5, i % 200, i,
                    i % 7 ? "\n" : "\r\n");
        want_bytes += (uint64_t)i;
    }
    dbuf_puts(&d, "2 1 eni-9 10.0.0.1 10.0.1.1 1 2 6 1 100000 3600 3660 ACCEPT OK");
    want_bytes += 100000;
    write_file("nonl.log", d.data, d.len);
    dbuf_free(&d);
    const size_t chunks[] = {0, 4096, 5000, 65536};
    for (size_t k = 0; k < sizeof chunks / sizeof *chunks; k++) {
        a = agg_new();
        opts(&o, 2);
        o.chunk_bytes = chunks[k];
        CHECK(run(a, path("nonl.log"), NULL, &o, err) == 0);
        CHECK(total_bytes(a) == want_bytes);
        CHECK(agg_stats_get(a)->read == 3001 && agg_stats_get(a)->malformed == 0);
        agg_free(a);
    }

    /* NUL bytes and binary junk are malformed lines, not crashes */
    const char junk[] = "2 1 eni-l 10.0.0.1 10.0.0.2 1 2 6 1 10 3600 3660 ACCEPT OK\n\x01\x02\0\xff\n2 1 eni-\xff 1 2 3\n";
    write_file("junk.log", junk, sizeof junk - 1);
    a = agg_new();
    opts(&o, 1);
    CHECK(run(a, path("junk.log"), NULL, &o, err) == 0);
    CHECK(agg_stats_get(a)->read == 3 && agg_stats_get(a)->malformed == 2);
    snprintf(want, sizeof want, "skipped 2 of 3 records in %s; first at line 2: NUL byte in line", path("junk.log"));
    CHECK_STR(warns[0], want);
    agg_free(a);
}

static void test_threads(void)
{
    char err[FC_ERRLEN];
    ingest_opts o;
    /* 3 files; one is large enough to be split in ranges of 4 KiB */
    dbuf d;
    dbuf_init(&d, 0);
    dbuf_puts(&d, "version interface-id vpc-id srcaddr dstaddr bytes packets start end action log-status\n");
    uint64_t want_bytes = 0;
    for (int i = 0; i < 6000; i++) {
        unsigned x = (unsigned)i * 2654435761u;
        int b = (int)(x % 1000);
        if (i == 4321) {
            dbuf_puts(&d, "broken record\n");
            continue;
        }
        dbuf_printf(&d, "5 eni-%u vpc-%u 10.0.%u.%u 10.1.0.%u %d 1 %d %d %s OK\n", x % 7, (unsigned)i / 1000,
                    (x >> 8) % 4, (x >> 12) % 50, (x >> 20) % 3, b, 3600 * (i % 5), 3600 * (i % 5) + 60,
                    (x & 16) ? "REJECT" : "ACCEPT");
        want_bytes += (uint64_t)b;
    }
    write_file("t1.log", d.data, d.len);
    gz_append("t2.log.gz", d.data);
    dbuf_free(&d);
    agg *ref = agg_new();
    opts(&o, 1);
    CHECK(run(ref, path("t1.log"), path("t2.log.gz"), &o, err) == 0);
    CHECK(total_bytes(ref) == 2 * want_bytes);
    CHECK(agg_stats_get(ref)->malformed == 2 && agg_stats_get(ref)->read == 2 * 6000);
    char want[512];
    snprintf(want, sizeof want, "skipped 1 of 6,000 records in %s; first at line 4323: expected 11 fields, got 2",
             path("t1.log"));
    CHECK_STR(warns[0], want);
    const int nts[] = {2, 3, 8};
    for (int k = 0; k < 3; k++) {
        agg *a = agg_new();
        opts(&o, nts[k]);
        o.chunk_bytes = 4096;
        CHECK(run(a, path("t1.log"), path("t2.log.gz"), &o, err) == 0);
        CHECK(same_agg(a, ref));
        CHECK_STR(warns[0], want); /* the absolute line number survives the split */
        agg_free(a);
        a = agg_new();
        opts(&o, nts[k]);
        o.chunk_bytes = 4096;
        o.strict = true;
        CHECK(run(a, path("t1.log"), NULL, &o, err) == INGEST_MALFORMED);
        char se[512];
        snprintf(se, sizeof se, "%s:4323: expected 11 fields, got 2", path("t1.log"));
        CHECK_STR(err, se);
        agg_free(a);
    }

    /* .fca as INPUT: fca(t1) + t2 == t1 + t2 */
    agg *one = agg_new();
    opts(&o, 1);
    CHECK(run(one, path("t1.log"), NULL, &o, err) == 0);
    dbuf f;
    dbuf_init(&f, 0);
    CHECK(fca_write(one, &f, err, sizeof err) == 0);
    write_file("t1.fca", f.data, f.len);
    agg *back = agg_new();
    CHECK(fca_read(back, f.data, f.len, err, sizeof err) == 0);
    CHECK(same_agg(back, one));
    /* a flipped byte is caught by the checksum; a cut file by the length */
    f.data[f.len / 2] ^= 1;
    agg *bad = agg_new();
    CHECK(fca_read(bad, f.data, f.len, err, sizeof err) == -1);
    CHECK_STR(err, "aggregate file checksum mismatch (corrupt file)");
    CHECK(fca_read(bad, f.data, f.len - 9, err, sizeof err) == -1);
    CHECK_STR(err, "aggregate file truncated");
    CHECK(agg_count(bad) == 0);
    agg_free(bad);
    dbuf_free(&f);
    agg *mix = agg_new();
    opts(&o, 2);
    CHECK(run(mix, path("t1.fca"), path("t2.log.gz"), &o, err) == 0);
    CHECK(total_bytes(mix) == total_bytes(ref));
    CHECK(agg_count(mix) == agg_count(ref));
    agg_free(one);
    agg_free(back);
    agg_free(mix);
    agg_free(ref);
}

static void test_dirs(void)
{
    char err[FC_ERRLEN];
    ingest_opts o;
    mkdirs("AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/05");
    mkdirs("AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/07");
    mkdirs("hive/aws-account-id=1/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=01/day=07/hour=05");
    /* 2024-01-05T00:10Z = 1704413400; 2024-01-07T00:00Z = 1704585600 */
    gz_append("AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/05/123456789012_vpcflowlogs_us-east-1_fl-1_20240105T0010Z_ab.log.gz",
              V2HDR "2 1 eni-d 10.0.0.1 10.0.0.2 1 2 6 1 1 1704413000 1704413060 ACCEPT OK\n");
    gz_append("AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/07/123456789012_vpcflowlogs_us-east-1_fl-1_20240107T0105Z_cd.log.gz",
              V2HDR "2 1 eni-d 10.0.0.1 10.0.0.2 1 2 6 1 10 1704585500 1704585560 ACCEPT OK\n"
                    "2 1 eni-d 10.0.0.1 10.0.0.2 1 2 6 1 100 1704589000 1704589060 ACCEPT OK\n");
    write_str("hive/aws-account-id=1/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=01/day=07/hour=05/x.log",
              V2HDR "2 1 eni-d 10.0.0.1 10.0.0.2 1 2 6 1 1000 1704603700 1704603760 ACCEPT OK\n");
    agg *a = agg_new();
    opts(&o, 2);
    CHECK(run(a, path("AWSLogs"), path("hive"), &o, err) == 0);
    CHECK(total_bytes(a) == 1111 && agg_stats_get(a)->files == 3);
    agg_free(a);
    /* since 2024-01-07T00:00Z: the 01/05 file is skipped unopened; the
     * 1704585500 record (before since) is dropped; until 06:00 keeps hour=05 */
    a = agg_new();
    opts(&o, 2);
    o.since = 1704585600;
    o.until = 1704607200;
    CHECK(run(a, path("AWSLogs"), path("hive"), &o, err) == 0);
    CHECK(agg_stats_get(a)->files_skipped == 1 && agg_stats_get(a)->files == 2);
    CHECK(agg_stats_get(a)->filtered == 1 && total_bytes(a) == 1100);
    CHECK(agg_stats_get(a)->start == 1704589000 && agg_stats_get(a)->end == 1704603760);
    agg_free(a);
    /* until 2024-01-07T00:00Z: the hour=05 directory is outside (05:00 - slack > until? no: 6 h slack keeps it) */
    a = agg_new();
    opts(&o, 1);
    o.until = 1704585600;
    CHECK(run(a, path("AWSLogs"), path("hive"), &o, err) == 0);
    CHECK(total_bytes(a) == 11); /* 1 + 10; the 100 and 1000 records start after until */
    CHECK(agg_stats_get(a)->filtered == 2);
    agg_free(a);

    /* name checks on their own */
    const char *s3 = "AWSLogs/1/vpcflowlogs/us-east-1/2024/01/05/1_vpcflowlogs_us-east-1_fl-1_20240105T0010Z_ab.log.gz";
    CHECK(ingest_name_outside(s3, 1704585600, 0));        /* since 01-07: outside */
    CHECK(!ingest_name_outside(s3, 1704413400, 0));       /* since = its own time */
    CHECK(!ingest_name_outside(s3, 1704414300, 0));       /* since 15 min later: inside the slack */
    CHECK(ingest_name_outside(s3, 1704414400, 0));        /* 1704413400 + 60 + 900 < since */
    CHECK(!ingest_name_outside(s3, 0, 1704413400));       /* until = its time: records started earlier */
    CHECK(ingest_name_outside(s3, 0, 1704413400 - 6 * 3600)); /* until 6 h before delivery */
    CHECK(!ingest_name_outside(s3, 0, 0));
    CHECK(ingest_name_outside("logs/2024/01/05/x.log", 1704585600, 0));      /* day dir ends 01-06 00:00 */
    CHECK(!ingest_name_outside("logs/2024/01/06/x.log", 1704585600, 0));     /* 01-06 ends at since: slack */
    CHECK(ingest_name_outside("y/year=2024/month=01/day=07/hour=05/x", 0, 1704585600 - 6 * 3600));
    CHECK(!ingest_name_outside("plain.log", 1704585600, 1704589000));
    CHECK(!ingest_name_outside("2024/13/05/x.log", 1704585600, 0));          /* not a date */
}

typedef struct mem_src {
    const char *p;
    size_t n, pos;
} mem_src;

static ssize_t mem_read(void *ctx, void *buf, size_t n)
{
    mem_src *m = ctx;
    size_t k = m->n - m->pos;
    if (k > n) k = n;
    if (k > 7) k = 7; /* tiny reads: lines and magic bytes cross reads */
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}

static void test_stream(void)
{
    char err[FC_ERRLEN];
    ingest_opts o;
    const char *txt = V2HDR "2 1 eni-s 10.0.0.1 10.0.0.2 1 2 6 3 30 3600 3660 ACCEPT OK\n"
                            "2 1 eni-s 10.0.0.1 10.0.0.2 1 2 6 4 12 3600 3660 ACCEPT OK";
    mem_src m = {txt, strlen(txt), 0};
    agg *a = agg_new();
    opts(&o, 1);
    CHECK(ingest_stream(a, "s3://b/k.log", mem_read, &m, &o, err, sizeof err) == 0);
    const agg_group *g = find(a, "eni-s", "10.0.0.1", FL_OK);
    CHECK(g && g->bytes == 42 && g->packets == 7 && g->records == 2);
    agg_free(a);
    const char *bad = "2 1 eni-s 10.0.0.1\n";
    mem_src mb = {bad, strlen(bad), 0};
    a = agg_new();
    opts(&o, 1);
    o.strict = true;
    CHECK(ingest_stream(a, "s3://b/k.log", mem_read, &mb, &o, err, sizeof err) == INGEST_MALFORMED);
    CHECK_STR(err, "s3://b/k.log:1: expected 14 fields, got 4");
    agg_free(a);
}

/* Issue 12, item 2: a Transit Gateway header (first word resource-type) is
 * a header, and a header repeated further down switches the layout, also
 * when the file is split into ranges read by several threads. */
static void test_headers(void)
{
    char err[FC_ERRLEN];
    ingest_opts o;
    /* TGW custom format starting with resource-type; 3 records of 100, 20
     * and 3 bytes (123 in all), none malformed */
    write_str("tgw.log",
              "resource-type tgw-id tgw-attachment-id tgw-src-eni srcaddr dstaddr packets bytes start end log-status "
              "packets-lost-blackhole\n"
              "TransitGateway tgw-1 tgw-attach-1 eni-11 10.0.1.5 10.1.0.9 1 100 3600 3660 OK 0\n"
              "TransitGatewayAttachment tgw-1 tgw-attach-2 - 10.0.1.6 10.1.0.9 1 20 3600 3660 OK 0\n"
              "TransitGateway tgw-1 tgw-attach-1 eni-11 10.0.1.5 10.1.0.9 1 3 7200 7260 OK 2\n");
    agg *a = agg_new();
    opts(&o, 1);
    CHECK(run(a, path("tgw.log"), NULL, &o, err) == 0);
    CHECK(agg_stats_get(a)->read == 3 && agg_stats_get(a)->malformed == 0 && total_bytes(a) == 123);
    CHECK(nwarn == 0);
    agg_free(a);

    /* Concatenated deliveries: layout A (v2 order), then a header B with
     * another order (bytes before packets, srcaddr after dstaddr), then A
     * again; 3,000 + 3,000 + 1,000 records, record i has i % 997 bytes. */
    dbuf d;
    dbuf_init(&d, 0);
    uint64_t want = 0;
    const char *hb = "interface-id dstaddr srcaddr bytes packets start end action log-status version\n";
    for (int part = 0; part < 3; part++) {
        dbuf_puts(&d, part == 1 ? hb : V2HDR);
        int n = part == 2 ? 1000 : 3000;
        for (int k = 0; k < n; k++) {
            int i = part * 3000 + k, b = i % 997;
            if (part == 1)
                dbuf_printf(&d, "eni-%d 10.1.0.%d 10.0.0.%d %d 1 %d %d ACCEPT OK 2\n", i % 5, i % 7, i % 11, b,
                            3600 * (i % 3), 3600 * (i % 3) + 60);
            else
                dbuf_printf(&d, "2 1 eni-%d 10.0.0.%d 10.1.0.%d 5 6 6 1 %d %d %d ACCEPT OK\n", i % 5, i % 11, i % 7,
                            b, 3600 * (i % 3), 3600 * (i % 3) + 60);
            want += (uint64_t)b;
        }
    }
    write_file("cat.log", d.data, d.len);
    gz_append("cat.log.gz", d.data); /* one gzip item: never split */
    dbuf_free(&d);
    agg *ref = agg_new();
    opts(&o, 1);
    CHECK(run(ref, path("cat.log.gz"), NULL, &o, err) == 0);
    CHECK(agg_stats_get(ref)->read == 7000 && agg_stats_get(ref)->malformed == 0 && total_bytes(ref) == want);
    const int nts[] = {1, 2, 3, 8};
    for (int k = 0; k < 4; k++) {
        a = agg_new();
        opts(&o, nts[k]);
        o.chunk_bytes = 4096; /* ~200 ranges: many start after header B */
        CHECK(run(a, path("cat.log"), NULL, &o, err) == 0);
        CHECK(agg_stats_get(a)->malformed == 0 && nwarn == 0);
        CHECK(same_agg(a, ref));
        agg_free(a);
    }
    agg_free(ref);
}

/* Issue 12, item 10: inputs that are no text flow log get one warning
 * naming them, are counted by kind, and are an error with --strict.
 * (Parquet is read since src/parquet.c: tests/test_parquet.c and
 * parquet_test.sh cover it; binary data stands in for it here.) */
static void test_unread(void)
{
    char err[FC_ERRLEN];
    ingest_opts o;
    write_file("x.bin", "\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00", 18);
    gz_append("fh.log.gz", "{\"message\": \"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 "
                           "22 6 20 4249 1418530010 1418530070 ACCEPT OK\"}\n");
    gz_append("cwl.gz", "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789010\",\"logGroup\":\"vpc-flow\","
                        "\"logEvents\":[{\"id\":\"1\",\"timestamp\":1418530010000,\"message\":\"2 123456789010 "
                        "eni-1 10.0.0.1 10.0.0.2 1 2 6 1 10 1418530010 1418530070 ACCEPT OK\"}]}");
    write_str("ok.log", V2HDR "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 30 3600 3660 ACCEPT OK\n");
    agg *a = agg_new();
    opts(&o, 2);
    o.quiet = true; /* the callback still gets them: data loss is never hidden */
    const char *ps[4] = {path("cwl.gz"), path("fh.log.gz"), path("ok.log"), path("x.bin")};
    CHECK(ingest_paths(a, ps, 4, &o, err, sizeof err) == 0);
    /* issue 13: the two JSON deliveries are read now; binary data is not */
    CHECK(nwarn == 1);
    char w[512];
    snprintf(w, sizeof w, "skipped '%s': binary data, not a text flow log", path("x.bin"));
    CHECK_STR(warns[0], w);
    const agg_stats *st = agg_stats_get(a);
    /* 4 files opened, 1 not read (binary); 1 record each of cwl.gz (10
     * bytes), fh.log.gz (4249) and ok.log (30): 10 + 4249 + 30 = 4289 */
    CHECK(st->files == 4 && st->files_unread == 1 && st->files_parquet == 0 && st->files_json == 0 &&
          st->files_binary == 1);
    CHECK(st->read == 3 && st->malformed == 0 && total_bytes(a) == 4289);
    agg_free(a);

    /* --strict: an error naming the first such file, in input order */
    a = agg_new();
    opts(&o, 2);
    o.strict = true;
    CHECK(ingest_paths(a, ps + 1, 3, &o, err, sizeof err) == INGEST_MALFORMED);
    char want[512];
    snprintf(want, sizeof want, "'%s' is not a text flow log: binary data, not a text flow log", path("x.bin"));
    CHECK_STR(err, want);
    agg_free(a);

    /* a stream (s3:// object, stdin): the same verdict */
    static const char bin[20] = "\x7f" "ELF\x02\x01\x01";
    mem_src m = {bin, sizeof bin, 0};
    a = agg_new();
    opts(&o, 1);
    CHECK(ingest_stream(a, "s3://b/x.bin", mem_read, &m, &o, err, sizeof err) == 0);
    CHECK(nwarn == 1);
    CHECK_STR(warns[0], "skipped 's3://b/x.bin': binary data, not a text flow log");
    CHECK(agg_stats_get(a)->files_binary == 1 && agg_stats_get(a)->read == 0);
    agg_free(a);
}

/* Run with standard input fed from data by a child process ("-"). */
static int run_stdin(agg *a, const char *data, size_t n, const ingest_opts *o, char *err)
{
    int pfd[2];
    if (pipe(pfd) < 0) return -9;
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        size_t off = 0;
        while (off < n) {
            ssize_t k = write(pfd[1], data + off, n - off);
            if (k <= 0) _exit(1);
            off += (size_t)k;
        }
        _exit(0);
    }
    close(pfd[1]);
    int saved = dup(0);
    dup2(pfd[0], 0);
    close(pfd[0]);
    const char *ps[1] = {"-"};
    int rc = ingest_paths(a, ps, 1, o, err, FC_ERRLEN);
    dup2(saved, 0);
    close(saved);
    int st;
    waitpid(pid, &st, 0);
    return rc;
}

/* Issue 17: one stream (a gzip file, standard input, plain or gzip) is read
 * by one thread into blocks that the others parse. The result must be the
 * serial one for any thread count: layouts switched by headers further down
 * (A, B, A), ENI metadata where the first value in input order wins, a line
 * over 64 KiB, CRLF, blank lines, malformed lines with their absolute line
 * number, --strict, a last line without a newline, and a truncated gzip
 * member. Blocks of 4 KiB (chunk_bytes) make ~100 of them. */
static void test_one_stream(void)
{
    char err[FC_ERRLEN];
    ingest_opts o;
    dbuf d;
    dbuf_init(&d, 0);
    uint64_t want = 0;
    const char *ha = "version interface-id vpc-id subnet-id srcaddr dstaddr bytes packets start end action log-status\n";
    const char *hb = "interface-id dstaddr srcaddr bytes packets start end action log-status version\n";
    int lineno = 0, bad_at = 0;
    for (int part = 0; part < 3; part++) {
        dbuf_puts(&d, part == 1 ? hb : ha);
        lineno++;
        for (int k = 0; k < 2000; k++) {
            int i = part * 2000 + k, b = i % 997;
            lineno++;
            if (i == 2500) { /* inside part B: malformed, the first one */
                dbuf_puts(&d, "eni-1 not a record\n");
                bad_at = lineno;
                continue;
            }
            if (i == 4100) { /* 70,000 bytes: malformed, one line */
                for (int x = 0; x < 70000; x++) dbuf_puts(&d, "z");
                dbuf_puts(&d, "\n");
                continue;
            }
            if (i % 500 == 7) {
                dbuf_puts(&d, "\r\n"); /* a blank line */
                continue;
            }
            if (part == 1)
                dbuf_printf(&d, "eni-%d 10.1.0.%d 10.0.0.%d %d 1 %d %d ACCEPT OK 2\n", i % 5, i % 7, i % 11, b,
                            3600 * (i % 3), 3600 * (i % 3) + 60);
            else /* vpc-id changes along the file: the first value per ENI must win */
                dbuf_printf(&d, "5 eni-%d vpc-%d subnet-%d 10.0.0.%d 10.1.0.%d %d 1 %d %d ACCEPT OK%s\n", i % 5,
                            i / 700, i / 900, i % 11, i % 7, b, 3600 * (i % 3), 3600 * (i % 3) + 60,
                            i % 3 ? "" : "\r");
            want += (uint64_t)b;
        }
    }
    dbuf_puts(&d, "5 eni-9 vpc-9 subnet-9 10.0.0.1 10.1.0.1 5 1 3600 3660 ACCEPT OK"); /* no newline */
    want += 5;
    write_file("one.log", d.data, d.len);
    gz_append("one.log.gz", d.data);
    gzFile g = gzopen(path("two.log.gz"), "wb");
    gzwrite(g, d.data, (unsigned)d.len);
    gzclose(g);
    size_t gzlen;
    char *gzdata = NULL;
    CHECK(fc_read_file(path("one.log.gz"), &gzdata, &gzlen, err, sizeof err) == 0);

    /* 6,000 lines of records and 3 headers, 12 blank ones (i % 500 == 7),
     * 2 malformed, plus the last line: 6,001 - 12 = 5,989 records read */
    agg *ref = agg_new();
    opts(&o, 1);
    CHECK(run(ref, path("one.log.gz"), NULL, &o, err) == 0);
    CHECK(agg_stats_get(ref)->read == 5989 && agg_stats_get(ref)->malformed == 2 && total_bytes(ref) == want);
    char wmsg[512];
    snprintf(wmsg, sizeof wmsg, "skipped 2 of 5,989 records in %s; first at line %d: expected 10 fields, got 4",
             path("one.log.gz"), bad_at);
    CHECK_STR(warns[0], wmsg);
    const int nts[] = {1, 2, 3, 8};
    for (int k = 0; k < 4; k++) {
        for (int kind = 0; kind < 3; kind++) { /* gzip file, plain stdin, gzip stdin */
            agg *a = agg_new();
            opts(&o, nts[k]);
            o.chunk_bytes = 4096;
            int rc = kind == 0   ? run(a, path("one.log.gz"), NULL, &o, err)
                     : kind == 1 ? run_stdin(a, d.data, d.len, &o, err)
                                 : run_stdin(a, gzdata, gzlen, &o, err);
            CHECK(rc == 0);
            CHECK(same_agg(a, ref));
            CHECK(nwarn == 1);
            const char *nm = kind == 0 ? path("one.log.gz") : "<stdin>";
            snprintf(wmsg, sizeof wmsg, "skipped 2 of 5,989 records in %s; first at line %d: expected 10 fields, got 4",
                     nm, bad_at);
            CHECK_STR(warns[0], wmsg);
            agg_free(a);
            /* strict: the first malformed line, numbered from the stream's start */
            a = agg_new();
            opts(&o, nts[k]);
            o.chunk_bytes = 4096;
            o.strict = true;
            rc = kind == 0   ? run(a, path("one.log.gz"), NULL, &o, err)
                 : kind == 1 ? run_stdin(a, d.data, d.len, &o, err)
                             : run_stdin(a, gzdata, gzlen, &o, err);
            CHECK(rc == INGEST_MALFORMED);
            char se[512];
            snprintf(se, sizeof se, "%s:%d: expected 10 fields, got 4", nm, bad_at);
            CHECK_STR(err, se);
            agg_free(a);
        }
    }
    /* the same data as one gzip member written in one go */
    agg *a = agg_new();
    opts(&o, 3);
    o.chunk_bytes = 4096;
    CHECK(run(a, path("two.log.gz"), NULL, &o, err) == 0);
    CHECK(same_agg(a, ref));
    agg_free(a);

    /* cut in the middle: the records before the cut count, as with one thread */
    write_file("cut.log.gz", gzdata, gzlen / 2);
    agg *cref = agg_new();
    opts(&o, 1);
    CHECK(run(cref, path("cut.log.gz"), NULL, &o, err) == 0);
    char cw[1024];
    snprintf(cw, sizeof cw, "%s", warns[0]); /* the gzip warning comes first, then the malformed lines */
    CHECK(strstr(cw, "gzip data truncated at offset") != NULL && nwarn == 2);
    CHECK(agg_stats_get(cref)->read > 1000 && agg_stats_get(cref)->read < 5989);
    for (int k = 1; k < 4; k++) {
        a = agg_new();
        opts(&o, nts[k]);
        o.chunk_bytes = 4096;
        CHECK(run(a, path("cut.log.gz"), NULL, &o, err) == 0);
        CHECK(same_agg(a, cref));
        CHECK(nwarn == 2);
        CHECK_STR(warns[0], cw);
        agg_free(a);
    }
    agg_free(cref);
    free(gzdata);
    dbuf_free(&d);
    agg_free(ref);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/fc_ingest_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    test_plain();
    test_fields();
    test_gzip();
    test_long_lines();
    test_threads();
    test_dirs();
    test_stream();
    test_headers();
    test_unread();
    test_one_stream();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
    return check_done();
}
