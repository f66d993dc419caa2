/* cmd_aggregate: `flowcost aggregate INPUT... -o x.fca [--csv FILE]` — the
 * inputs read once into a mergeable .fca, and optionally the five-key
 * group-by of cli.md as CSV so that ingestion can be checked against any
 * SQL engine (DuckDB's GROUP BY on the same files must give the same rows). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    uint64_t *slot = xzeroed(cap, sizeof *slot); /* hash >> 32 << 32 | (row index + 1); 0 = empty */
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

/* The CSV's rows, taken from the aggregate before anything reorders it:
 * made on the caller's thread, then sorted, formatted and written on
 * another while the .fca is made from the aggregate. */
typedef struct csv_job {
    csv_row *rows;
    size_t n;
    char **eni;        /* by rank: the ENI's CSV field (quoted when it must be) */
    uint32_t *eni_len;
    size_t n_eni;
    fc_stream *out;
    int rc;
    char err[FC_ERRLEN];
    /* The coverage the "wrote" line tells (set when this thread works it
     * out): it reads only the groups' hours, times and record counts,
     * which the canonical order does not change, and the groups are not
     * moved (the .fca is written through the order), so any thread may
     * take it at any time. */
    const agg *a;
    bool cov_here;
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

static void csv_take(csv_job *cj, const agg *a)
{
    size_t n;
    const agg_group *g = agg_groups(a, &n);
    csv_row *rows = xcalloc(n + 1, sizeof *rows);
    uint32_t *rank = agg_str_ranks(a);
    size_t nstr = agg_str_count(a);
    cj->n_eni = nstr + 1;
    cj->eni = xcalloc(nstr + 1, sizeof *cj->eni);
    cj->eni_len = xcalloc(nstr + 1, sizeof *cj->eni_len);
    cj->eni[0] = xstrdup("");
    for (uint32_t id = 1; id <= nstr; id++) {
        dbuf b;
        dbuf_init(&b, 0);
        csv_field(&b, agg_str(a, id));
        cj->eni_len[rank[id]] = (uint32_t)b.len;
        cj->eni[rank[id]] = dbuf_take(&b, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        rows[i].eni_rank = g[i].eni ? rank[g[i].eni] : 0;
        rows[i].has_src = (g[i].flags & AGG_HAS_SRC) != 0;
        rows[i].has_dst = (g[i].flags & AGG_HAS_DST) != 0;
        if (rows[i].has_src) rows[i].src = g[i].src;
        if (rows[i].has_dst) rows[i].dst = g[i].dst;
        rows[i].action = g[i].action <= FL_REJECT ? g[i].action : 0;
        rows[i].status_rank = status_rank[g[i].status <= FL_SKIPDATA ? g[i].status : 0];
        rows[i].packets = g[i].packets;
        rows[i].bytes = g[i].bytes;
        rows[i].records = g[i].records;
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
} okey;

/* k[0..n) by cmp_key of their rows (a merge sort; t: n of scratch) */
static void sort_ties(okey *k, okey *t, size_t n, const csv_row *rows)
{
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            okey v = k[i];
            size_t j = i;
            for (; j > 0 && cmp_key(&rows[v.i], &rows[k[j - 1].i]) < 0; j--) k[j] = k[j - 1];
            k[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    sort_ties(k, t, h, rows);
    sort_ties(k + h, t, n - h, rows);
    memcpy(t, k, h * sizeof *k);
    size_t i = 0, j = h, o = 0;
    while (i < h && j < n) k[o++] = cmp_key(&rows[k[j].i], &rows[t[i].i]) < 0 ? k[j++] : t[i++];
    while (i < h) k[o++] = t[i++];
}

/* The row numbers in output order (malloc'd). */
static okey *csv_order(const csv_row *rows, size_t n)
{
    okey *a = xmalloc((n + 1) * sizeof *a), *b = xmalloc((n + 1) * sizeof *b);
    size_t (*cnt)[256] = xcalloc(8, sizeof *cnt);
    for (size_t i = 0; i < n; i++) {
        a[i] = (okey){~rows[i].bytes, (uint32_t)i};
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

static int csv_write(csv_job *cj)
{
    size_t m = merge_equal_keys(cj->rows, cj->n);
    /* the merged rows' tail back before the sort's arrays (an .fca with
     * hours keeps more groups than the CSV has rows: 4.4M to 3.2M) */
    cj->rows = xrealloc(cj->rows, (m + 1) * sizeof *cj->rows);
    cj->n = m;
    okey *ord = csv_order(cj->rows, m);
    const csv_row *rows = cj->rows;
    char *buf = xmalloc(CSV_CHUNK + CSV_LINE_REST), *q = buf;
    q = stpcpy(q, "interface_id,srcaddr,dstaddr,action,log_status,packets,bytes,records\n");
    int rc = 0;
    enum { AHEAD = 16 };
    for (size_t i = 0; i < m && rc == 0; i++) {
        if (i + AHEAD < m) __builtin_prefetch(&rows[ord[i + AHEAD].i]);
        const csv_row *r = &rows[ord[i].i];
        size_t el = cj->eni_len[r->eni_rank];
        if ((size_t)(q - buf) + el > CSV_CHUNK) {
            rc = fc_stream_write(cj->out, buf, (size_t)(q - buf), cj->err, sizeof cj->err);
            q = buf;
            if (el > CSV_CHUNK) { /* a long hostile id: straight out */
                if (rc == 0) rc = fc_stream_write(cj->out, cj->eni[r->eni_rank], el, cj->err, sizeof cj->err);
                el = 0;
            }
        }
        memcpy(q, cj->eni[r->eni_rank], el);
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

static void *csv_main(void *p)
{
    csv_job *cj = p;
    if (cj->out) cj->rc = csv_write(cj);
    if (cj->cov_here) cost_coverage_of(cj->a, cj->since, cj->until, &cj->cov);
    return NULL;
}

static void csv_free(csv_job *cj)
{
    for (size_t i = 0; i < cj->n_eni; i++) free(cj->eni[i]);
    FC_FREE(cj->eni, cj->eni_len, cj->rows);
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
        fprintf(stderr, "flowcost: warning: %s\n", err);
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
        csv_take(&cj, a);
        cj.out = &sc;
    }
    /* the "wrote" line's coverage (--csv alone keeps no hours: none): on
     * the second thread when it has no CSV to make, else on this one after
     * the .fca (the CSV is the longer of the two) */
    bool want_cov = !code && !o->quiet && o->output;
    cj.a = a;
    cj.since = o->has_since ? o->since : 0;
    cj.until = o->has_until ? o->until : 0;
    cj.cov_here = want_cov && !o->csv;
    if (!code && o->output && (o->csv || want_cov) && ingest_nthreads(o->threads) > 1)
        threaded = pthread_create(&th, NULL, csv_main, &cj) == 0;
    if (!threaded) cj.cov_here = false;
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
        if (want_cov && !cj.cov_here) cost_coverage_of(a, cj.since, cj.until, &cj.cov);
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
