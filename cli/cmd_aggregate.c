/* cmd_aggregate: `flowcost aggregate INPUT... -o x.fca [--csv FILE]` — the
 * inputs read once into a mergeable .fca, and optionally the five-key
 * group-by of cli.md as CSV so that ingestion can be checked against any
 * SQL engine (DuckDB's GROUP BY on the same files must give the same rows). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmd.h"
#include "cost.h"
#include "fca.h"
#include "ingest.h"
#include "pipeline.h"
#include "util.h"

/* One CSV row: 64 bytes, a cache line. The ENI is its text's rank (the
 * place in strcmp order, 0 = absent), which compares as the text does. */
typedef struct csv_row {
    ip128 src, dst;
    uint64_t packets, bytes, records;
    uint32_t eni_rank;
    uint8_t has_src, has_dst, action, status_rank;
} csv_row;

/* log_status in the text order of its CSV value: "", NODATA, OK, SKIPDATA */
static const uint8_t status_rank[] = {[FL_STATUS_NONE] = 0, [FL_NODATA] = 1, [FL_OK] = 2, [FL_SKIPDATA] = 3};
static const char *const status_text[] = {"", "NODATA", "OK", "SKIPDATA"};
static const char *const action_text[] = {[FL_ACTION_NONE] = "", [FL_ACCEPT] = "ACCEPT", [FL_REJECT] = "REJECT"};

/* the key order: ENI text (by rank, which is strcmp order without a
 * strcmp per comparison), addresses (absent first), action, status */
FC_COMPARATOR(cmp_key, csv_row,
              FC_ASC(eni_rank) FC_ASC(has_src) FC_KEY(ip_cmp(&a->src, &b->src)) FC_ASC(has_dst)
              FC_KEY(ip_cmp(&a->dst, &b->dst)) FC_ASC(action) FC_ASC(status_rank))

/* Arrays of up to hundreds of megabytes that are visited at random (the
 * rows in output order, the merge's slots, the order's keys): 64-byte
 * aligned, so that a row is one cache line and one prefetch (malloc's 16
 * bytes put every row across two lines, and the prefetched one did not
 * hold the ENI: half of the output loop's time). Not zeroed. (2 MiB pages
 * through MADV_HUGEPAGE were measured: 0.1-0.2 s less user time at 3.27M
 * groups, 0.3-0.7 s more system time zeroing them.) */
static void *big_alloc(size_t n)
{
    void *p = aligned_alloc(64, (n + 63) / 64 * 64);
    if (!p) fc_oom(n);
    return p;
}

/* The whole pages of a big_alloc(had) array past its first `keep` bytes
 * given back (the array does not move: realloc would not keep its
 * alignment); advice, which may be refused. */
static void big_trim(void *p, size_t keep, size_t had)
{
#ifdef MADV_DONTNEED
    long pg = sysconf(_SC_PAGESIZE);
    if (pg <= 0) return;
    uintptr_t from = ((uintptr_t)p + keep + (uintptr_t)pg - 1) / (uintptr_t)pg * (uintptr_t)pg,
              to = ((uintptr_t)p + had) / (uintptr_t)pg * (uintptr_t)pg;
    if (from < to) madvise((void *)from, to - from, MADV_DONTNEED);
#else
    (void)p, (void)keep, (void)had;
#endif
}

static uint64_t key_hash(const csv_row *r)
{
    uint64_t w[4];
    memcpy(w, r->src.b, 16);
    memcpy(w + 2, r->dst.b, 16);
    uint64_t h = (uint64_t)r->eni_rank << 32 ^ (uint64_t)r->has_src << 24 ^ (uint64_t)r->has_dst << 16 ^
                 (uint64_t)r->action << 8 ^ r->status_rank;
    for (int i = 0; i < 4; i++) {
        h ^= w[i];
        h *= 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29;
    }
    return h;
}

/* Rows of equal keys summed into the first (groups finer than the five
 * keys, or several .fca inputs, give several); returns the rows left. A
 * hash rather than a sort: the keys are mostly distinct already, and the
 * output is sorted once afterwards. A slot holds the row's index + 1 and
 * 32 bits of its hash, so that a row is compared only with rows whose
 * hash matches; the slots of the next rows are prefetched (the table is
 * megabytes, and each row is one random visit to it). */
static size_t merge_equal_keys(csv_row *rows, size_t n)
{
    size_t cap = 16;
    while (cap < n + n / 3) cap *= 2; /* at most 3/4 full */
    const size_t mask = cap - 1;
    uint64_t *slot = big_alloc(cap * sizeof *slot); /* hash >> 32 << 32 | (row index + 1); 0 = empty */
    memset(slot, 0, cap * sizeof *slot);
    enum { AHEAD = 16 };
    uint64_t hr[AHEAD];
    for (size_t i = 0; i < AHEAD && i < n; i++) {
        hr[i] = key_hash(&rows[i]);
        __builtin_prefetch(&slot[hr[i] & mask]);
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = hr[i % AHEAD];
        if (i + AHEAD < n) { /* rows[i + AHEAD] is not overwritten yet: m <= i */
            uint64_t hn = key_hash(&rows[i + AHEAD]);
            hr[i % AHEAD] = hn;
            __builtin_prefetch(&slot[hn & mask]);
        }
        const uint64_t tag = h >> 32 << 32;
        for (size_t k = h & mask;; k = (k + 1) & mask) {
            if (!slot[k]) {
                rows[m] = rows[i];
                slot[k] = tag | ++m;
                break;
            }
            if ((slot[k] & ~0xffffffffULL) != tag) continue;
            csv_row *d = &rows[(uint32_t)slot[k] - 1];
            if (cmp_key(d, &rows[i]) == 0) {
                fc_add_sat(&d->packets, rows[i].packets);
                fc_add_sat(&d->bytes, rows[i].bytes);
                fc_add_sat(&d->records, rows[i].records);
                break;
            }
        }
    }
    free(slot);
    return m;
}

/* The CSV's rows, taken from the aggregate before the canonical order
 * renumbers its strings: made by the caller (on up to 4 threads), then
 * merged, sorted, formatted and written on another thread while the .fca
 * is made from the aggregate. */
typedef struct csv_job {
    csv_row *rows;     /* big_alloc'd */
    size_t n;
    /* by rank: the ENI's CSV field (quoted when it must be) at eni_off in
     * eni_text, which ends in ENI_PAD bytes more */
    char *eni_text;
    size_t *eni_off;
    uint32_t *eni_len;
    fc_stream *out;
    int rc;
    char err[FC_ERRLEN];
    /* The coverage the "wrote" line tells, worked out by whichever thread
     * is done first: it reads only the groups' hours, times and record
     * counts, which the canonical order does not change, and the groups
     * are not moved (the .fca is written through the order), so any
     * thread may take it at any time. */
    const agg *a;
    bool want_cov;
    atomic_bool cov_taken;
    int64_t since, until;
    cost_coverage cov;
} csv_job;

static void csv_field(dbuf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        dbuf_puts(b, s);
        return;
    }
    dbuf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"') dbuf_puts(b, "\"");
        dbuf_append(b, s, 1);
    }
    dbuf_puts(b, "\"");
}

/* An ENI field is copied as ENI_PAD bytes when it is no longer (one fixed
 * move instead of a call; the bytes past it are overwritten next). */
#define ENI_PAD 32

/* Rows [lo, hi) of a csv_take on several threads (reading 128-byte groups
 * into fresh memory: faults and memory bandwidth, nothing to wait for
 * while it runs). */
typedef struct take_part {
    csv_row *rows;
    const agg_group *g;
    const uint32_t *rank;
    size_t lo, hi;
} take_part;

static void *take_rows(void *p)
{
    const take_part *t = p;
    const agg_group *g = t->g;
    const uint32_t *rank = t->rank;
    static const ip128 none;
    for (size_t i = t->lo; i < t->hi; i++) {
        bool hs = (g[i].flags & AGG_HAS_SRC) != 0, hd = (g[i].flags & AGG_HAS_DST) != 0;
        t->rows[i] = (csv_row){hs ? g[i].src : none,
                               hd ? g[i].dst : none,
                               g[i].packets,
                               g[i].bytes,
                               g[i].records,
                               g[i].eni ? rank[g[i].eni] : 0,
                               hs,
                               hd,
                               g[i].action <= FL_REJECT ? g[i].action : 0,
                               status_rank[g[i].status <= FL_SKIPDATA ? g[i].status : 0]};
    }
    return NULL;
}

static void csv_take(csv_job *cj, const agg *a, int threads)
{
    size_t n;
    const agg_group *g = agg_groups(a, &n);
    csv_row *rows = big_alloc((n + 1) * sizeof *rows);
    uint32_t *rank = agg_str_ranks(a);
    size_t nstr = agg_str_count(a);
    cj->eni_off = xcalloc(nstr + 1, sizeof *cj->eni_off);
    cj->eni_len = xcalloc(nstr + 1, sizeof *cj->eni_len);
    dbuf b;
    dbuf_init(&b, 0);
    for (uint32_t id = 1; id <= nstr; id++) {
        cj->eni_off[rank[id]] = b.len;
        csv_field(&b, agg_str(a, id));
        cj->eni_len[rank[id]] = (uint32_t)(b.len - cj->eni_off[rank[id]]);
    }
    static const char pad[ENI_PAD];
    dbuf_append(&b, pad, sizeof pad); /* rank 0 (no ENI) is the empty field at 0 */
    cj->eni_text = dbuf_take(&b, NULL);
    enum { MAXT = 4 };
    size_t nt = n < 65536 || threads < 2 ? 1 : threads < MAXT ? (size_t)threads : MAXT;
    take_part part[MAXT];
    pthread_t th[MAXT];
    bool up[MAXT] = {false};
    for (size_t k = 0; k < nt; k++) part[k] = (take_part){rows, g, rank, n * k / nt, n * (k + 1) / nt};
    for (size_t k = 1; k < nt; k++) up[k] = pthread_create(&th[k], NULL, take_rows, &part[k]) == 0;
    take_rows(&part[0]);
    for (size_t k = 1; k < nt; k++) {
        if (up[k]) pthread_join(th[k], NULL);
        else take_rows(&part[k]);
    }
    free(rank);
    cj->rows = rows;
    cj->n = n;
}

/* The output order, bytes descending then the keys: (~bytes, row) pairs
 * ordered by an LSD radix sort (a pass per byte that is not the same in
 * every key), then each run of equal bytes by cmp_key. qsort of the rows
 * through a comparator was most of this (a compare and a 64-byte move per
 * step of ~n log n). */
typedef struct okey {
    uint64_t k;
    uint32_t i;
    uint32_t eni_rank; /* cmp_key's first field, here so that most ties are decided without the row */
} okey;

static inline bool okey_less(const okey *x, const okey *y, const csv_row *rows)
{
    if (x->eni_rank != y->eni_rank) return x->eni_rank < y->eni_rank;
    return cmp_key(&rows[x->i], &rows[y->i]) < 0;
}

/* k[0..n) by cmp_key of their rows (a merge sort; t: n of scratch) */
static void sort_ties(okey *k, okey *t, size_t n, const csv_row *rows)
{
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            okey v = k[i];
            size_t j = i;
            for (; j > 0 && okey_less(&v, &k[j - 1], rows); j--) k[j] = k[j - 1];
            k[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    sort_ties(k, t, h, rows);
    sort_ties(k + h, t, n - h, rows);
    memcpy(t, k, h * sizeof *k);
    size_t i = 0, j = h, o = 0;
    while (i < h && j < n) k[o++] = okey_less(&k[j], &t[i], rows) ? k[j++] : t[i++];
    while (i < h) k[o++] = t[i++];
}

/* The row numbers in output order (malloc'd). */
static okey *csv_order(const csv_row *rows, size_t n)
{
    okey *a = big_alloc((n + 1) * sizeof *a), *b = big_alloc((n + 1) * sizeof *b);
    size_t (*cnt)[256] = xcalloc(8, sizeof *cnt);
    for (size_t i = 0; i < n; i++) {
        a[i] = (okey){~rows[i].bytes, (uint32_t)i, rows[i].eni_rank};
        for (int d = 0; d < 8; d++) cnt[d][a[i].k >> (8 * d) & 0xff]++;
    }
    for (int d = 0; d < 8 && n; d++) {
        if (cnt[d][a[0].k >> (8 * d) & 0xff] == n) continue; /* the same byte everywhere */
        size_t at[256], sum = 0;
        for (int v = 0; v < 256; v++) {
            at[v] = sum;
            sum += cnt[d][v];
        }
        for (size_t i = 0; i < n; i++) b[at[a[i].k >> (8 * d) & 0xff]++] = a[i];
        okey *t = a;
        a = b;
        b = t;
    }
    free(cnt);
    for (size_t lo = 0, hi; lo < n; lo = hi) {
        for (hi = lo + 1; hi < n && a[hi].k == a[lo].k;) hi++;
        if (hi - lo > 1) sort_ties(a + lo, b, hi - lo, rows);
    }
    free(b);
    return a;
}

/* An address as ip_format writes it, IPv4 from a table of the 256 octets. */
static char *put_ip(char *q, const ip128 *ip)
{
    static const char oct[256][4] = {
#define O1(n) {(char)('0' + (n)), 0, 0, 1}
#define O2(n) {(char)('0' + (n) / 10), (char)('0' + (n) % 10), 0, 2}
#define O3(n) {(char)('0' + (n) / 100), (char)('0' + (n) / 10 % 10), (char)('0' + (n) % 10), 3}
#define O10(f, b) f(b), f(b + 1), f(b + 2), f(b + 3), f(b + 4), f(b + 5), f(b + 6), f(b + 7), f(b + 8), f(b + 9)
        O10(O1, 0),    O10(O2, 10),   O10(O2, 20),   O10(O2, 30),   O10(O2, 40),   O10(O2, 50),   O10(O2, 60),
        O10(O2, 70),   O10(O2, 80),   O10(O2, 90),   O10(O3, 100),  O10(O3, 110),  O10(O3, 120),  O10(O3, 130),
        O10(O3, 140),  O10(O3, 150),  O10(O3, 160),  O10(O3, 170),  O10(O3, 180),  O10(O3, 190),  O10(O3, 200),
        O10(O3, 210),  O10(O3, 220),  O10(O3, 230),  O10(O3, 240),  O3(250),       O3(251),       O3(252),
        O3(253),       O3(254),       O3(255),
#undef O1
#undef O2
#undef O3
#undef O10
    };
    if (!ip_is_v4(ip)) {
        char s[IP_STRLEN];
        ip_format(ip, s, sizeof s);
        return stpcpy(q, s);
    }
    for (int i = 12; i < 16; i++) {
        const char *o = oct[ip->b[i]];
        memcpy(q, o, 3); /* the spare bytes are overwritten next */
        q += o[3];
        *q++ = '.';
    }
    return q - 1;
}

/* The longest line after its ENI field: two addresses, the action and
 * status, three counters and the separators. */
#define CSV_LINE_REST (2 * IP_STRLEN + 8 + 8 + 3 * 20 + 8)
#define CSV_CHUNK (256u << 10)
_Static_assert(CSV_LINE_REST > ENI_PAD, "an ENI field of up to ENI_PAD bytes is copied whole");

static int csv_write(csv_job *cj)
{
    size_t m = merge_equal_keys(cj->rows, cj->n);
    /* the merged rows' tail back before the sort's arrays (an .fca with
     * hours keeps more groups than the CSV has rows: 4.4M to 3.2M) */
    big_trim(cj->rows, (m + 1) * sizeof *cj->rows, (cj->n + 1) * sizeof *cj->rows);
    cj->n = m;
    okey *ord = csv_order(cj->rows, m);
    const csv_row *rows = cj->rows;
    char *buf = xmalloc(CSV_CHUNK + CSV_LINE_REST), *q = buf;
    q = stpcpy(q, "interface_id,srcaddr,dstaddr,action,log_status,packets,bytes,records\n");
    int rc = 0;
    /* a row is one random visit, prefetched AHEAD rows ahead; its ENI's
     * text (in a pool of megabytes) half as far ahead, when the row is in */
    enum { AHEAD = 16 };
    for (size_t i = 0; i < m && rc == 0; i++) {
        if (i + AHEAD < m) __builtin_prefetch(&rows[ord[i + AHEAD].i]);
        if (i + AHEAD / 2 < m) __builtin_prefetch(cj->eni_text + cj->eni_off[ord[i + AHEAD / 2].eni_rank]);
        const csv_row *r = &rows[ord[i].i];
        const char *et = cj->eni_text + cj->eni_off[ord[i].eni_rank];
        size_t el = cj->eni_len[ord[i].eni_rank];
        if ((size_t)(q - buf) + el > CSV_CHUNK) {
            rc = fc_stream_write(cj->out, buf, (size_t)(q - buf), cj->err, sizeof cj->err);
            q = buf;
            if (el > CSV_CHUNK) { /* a long hostile id: straight out */
                if (rc == 0) rc = fc_stream_write(cj->out, et, el, cj->err, sizeof cj->err);
                el = 0;
            }
        }
        if (el <= ENI_PAD) memcpy(q, et, ENI_PAD); /* room: CSV_LINE_REST > ENI_PAD */
        else memcpy(q, et, el);
        q += el;
        *q++ = ',';
        if (r->has_src) q = put_ip(q, &r->src);
        *q++ = ',';
        if (r->has_dst) q = put_ip(q, &r->dst);
        *q++ = ',';
        q = stpcpy(q, action_text[r->action]);
        *q++ = ',';
        q = stpcpy(q, status_text[r->status_rank]);
        *q++ = ',';
        q = fc_put_u64(q, r->packets);
        *q++ = ',';
        q = fc_put_u64(q, r->bytes);
        *q++ = ',';
        q = fc_put_u64(q, r->records);
        *q++ = '\n';
    }
    if (rc == 0 && q > buf) rc = fc_stream_write(cj->out, buf, (size_t)(q - buf), cj->err, sizeof cj->err);
    if (rc == 0) rc = fc_stream_close(cj->out, cj->err, sizeof cj->err);
    free(buf);
    free(ord);
    return rc;
}

static void cov_take(csv_job *cj)
{
    if (cj->want_cov && !atomic_exchange(&cj->cov_taken, true)) cost_coverage_of(cj->a, cj->since, cj->until, &cj->cov);
}

static void *csv_main(void *p)
{
    csv_job *cj = p;
    if (cj->out) cj->rc = csv_write(cj);
    cov_take(cj);
    return NULL;
}

static void csv_free(csv_job *cj)
{
    FC_FREE(cj->eni_text, cj->eni_off, cj->eni_len, cj->rows);
}

static int sink_stream(void *ctx, const void *data, size_t len, char *err, size_t errlen)
{
    return fc_stream_write(ctx, data, len, err, errlen);
}

int cmd_aggregate(const fc_opts *o)
{
    char err[FC_ERRLEN];
    if (!o->n_inputs && !o->athena) {
        cli_error("aggregate needs at least one INPUT; see 'flowcost aggregate --help'");
        return EXIT_USAGE;
    }
    if (!o->output && !o->csv) {
        cli_error("aggregate needs -o FILE.fca and/or --csv FILE; see 'flowcost aggregate --help'");
        return EXIT_USAGE;
    }
    agg *a = agg_new();
    inputs *seen = inputs_new();
    /* --csv alone reads only the five keys; an .fca keeps every key */
    int code = pipeline_ingest(o, a, seen, o->output ? PIPE_NO_CANONICAL : PIPE_CSV_KEYS_ONLY, err, sizeof err);
    if (code) {
        cli_error(err);
        agg_free(a);
        inputs_free(seen);
        return code;
    }
    /* An empty aggregate is written (an hour without logs is a valid part
     * of a week to merge later; report/top/topology over it fail), but
     * never silently: -q does not hide this. */
    if (!o->allow_empty && pipeline_nothing(a, seen, "the aggregate is empty", err, sizeof err))
        fc_print_line("flowcost: warning: ", err);
    /* The .fca and the CSV together or neither: each is written to its temp
     * file as it is made, the CSV on a thread of its own when there are two
     * (the aggregate is only read then), and both renamed at the end. */
    fc_stream sf, sc;
    fc_stream *streams[2];
    size_t nout = 0;
    if (o->output && fc_stream_open(&sf, o->output, true, err, sizeof err) < 0) code = EXIT_RUNTIME;
    else if (o->output) streams[nout++] = &sf;
    if (!code && o->csv && fc_stream_open(&sc, o->csv, true, err, sizeof err) < 0) code = EXIT_RUNTIME;
    else if (!code && o->csv) streams[nout++] = &sc;
    csv_job cj;
    memset(&cj, 0, sizeof cj);
    pthread_t th;
    bool threaded = false;
    if (!code && o->csv) {
        csv_take(&cj, a, ingest_nthreads(o->threads));
        cj.out = &sc;
    }
    /* the "wrote" line's coverage (--csv alone keeps no hours: none) */
    cj.a = a;
    cj.want_cov = !code && !o->quiet && o->output;
    atomic_init(&cj.cov_taken, false);
    cj.since = o->has_since ? o->since : 0;
    cj.until = o->has_until ? o->until : 0;
    if (!code && o->output && (o->csv || cj.want_cov) && ingest_nthreads(o->threads) > 1)
        threaded = pthread_create(&th, NULL, csv_main, &cj) == 0;
    if (!threaded && cj.out) cj.rc = csv_write(&cj);
    if (!code && o->output) {
        /* the .fca is byte-identical for any --threads; the CSV sorts itself */
        uint32_t *order = agg_canonical_order(a, ingest_nthreads(o->threads));
        size_t n_ids;
        const char *const *ids = inputs_ids(seen, &n_ids);
        if (fca_write_order(a, order, ids, n_ids, sink_stream, &sf, err, sizeof err) < 0 ||
            fc_stream_close(&sf, err, sizeof err) < 0)
            code = EXIT_RUNTIME;
        free(order);
        cov_take(&cj);
    }
    if (threaded) pthread_join(th, NULL);
    /* the first output's error first, as when they were written in turn */
    if (!code && cj.rc) {
        snprintf(err, sizeof err, "%s", cj.err);
        code = EXIT_RUNTIME;
    }
    if (!code && fc_streams_commit(nout, streams, err, sizeof err) < 0) code = EXIT_RUNTIME;
    if (code) cli_error(err);
    for (size_t i = 0; i < nout; i++) fc_stream_abort(streams[i]);
    if (!code && !o->quiet) {
        cost_coverage cv = cj.cov;
        const agg_stats *st = agg_stats_get(a);
        char u[32], g[32];
        fc_format_count(st->used, u, sizeof u);
        fc_format_count(agg_count(a), g, sizeof g);
        double hours = cv.first_record ? (double)((o->has_until ? o->until : cv.last_record) -
                                                  (o->has_since ? o->since : cv.first_record)) / 3600.0
                                       : 0.0;
        fprintf(stderr, cv.hours && o->output ? "flowcost: wrote %s%s%s: %s records in %s groups over %.1f h, %llu of %llu hours with records\n"
                                 : "flowcost: wrote %s%s%s: %s records in %s groups\n",
                o->output ? o->output : "", o->output && o->csv ? " and " : "", o->csv ? (strcmp(o->csv, "-") ? o->csv : "the CSV to standard output") : "", u,
                g, hours, (unsigned long long)cv.hours_covered, (unsigned long long)cv.hours);
    }
    if (!code && o->verbose) {
        const agg_stats *st = agg_stats_get(a);
        char r[32], u[32], m[32];
        fc_format_count(st->read, r, sizeof r);
        fc_format_count(st->used, u, sizeof u);
        fc_format_count(st->malformed, m, sizeof m);
        fprintf(stderr, "flowcost: %s records read, %s used, %s malformed, %zu groups, %llu files\n", r, u, m,
                agg_count(a), (unsigned long long)st->files);
    }
    csv_free(&cj);
    agg_free(a);
    inputs_free(seen);
    return code;
}
