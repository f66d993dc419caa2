/* cmd_aggregate: `flowcost aggregate INPUT... -o x.fca [--csv FILE]` — the
 * inputs read once into a mergeable .fca, and optionally the five-key
 * group-by of cli.md as CSV so that ingestion can be checked against any
 * SQL engine (DuckDB's GROUP BY on the same files must give the same rows). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cost.h"
#include "fca.h"
#include "pipeline.h"
#include "util.h"

typedef struct csv_row {
    const char *eni; /* "" when absent */
    uint32_t eni_rank; /* the ENI text's place in strcmp order; 0 = absent */
    ip128 src, dst;
    uint8_t has_src, has_dst, action, status_rank;
    uint64_t packets, bytes, records;
} csv_row;

/* log_status in the text order of its CSV value: "", NODATA, OK, SKIPDATA */
static const uint8_t status_rank[] = {[FL_STATUS_NONE] = 0, [FL_NODATA] = 1, [FL_OK] = 2, [FL_SKIPDATA] = 3};
static const char *const status_text[] = {"", "NODATA", "OK", "SKIPDATA"};
static const char *const action_text[] = {[FL_ACTION_NONE] = "", [FL_ACCEPT] = "ACCEPT", [FL_REJECT] = "REJECT"};

/* the key order: ENI text (by rank, which is strcmp order without a
 * strcmp per comparison), addresses (absent first), action, status */
static int cmp_key(const csv_row *a, const csv_row *b)
{
    int c;
    if (a->eni_rank != b->eni_rank) return a->eni_rank < b->eni_rank ? -1 : 1;
    if (a->has_src != b->has_src) return a->has_src < b->has_src ? -1 : 1;
    if ((c = ip_cmp(&a->src, &b->src))) return c;
    if (a->has_dst != b->has_dst) return a->has_dst < b->has_dst ? -1 : 1;
    if ((c = ip_cmp(&a->dst, &b->dst))) return c;
    if (a->action != b->action) return a->action < b->action ? -1 : 1;
    if (a->status_rank != b->status_rank) return a->status_rank < b->status_rank ? -1 : 1;
    return 0;
}

/* bytes descending, then the keys */
static int cmp_out(const void *x, const void *y)
{
    const csv_row *a = x, *b = y;
    if (a->bytes != b->bytes) return a->bytes > b->bytes ? -1 : 1;
    return cmp_key(a, b);
}

/* Decimal digits of v at q; returns the end. */
static char *put_u64(char *q, uint64_t v)
{
    char t[20];
    int k = 0;
    do {
        t[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k) *q++ = t[--k];
    return q;
}

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
 * output is sorted once afterwards. */
static size_t merge_equal_keys(csv_row *rows, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    uint32_t *slot = xcalloc(cap, sizeof *slot); /* row index + 1; 0 = empty */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        size_t h = (size_t)key_hash(&rows[i]) & (cap - 1);
        for (;; h = (h + 1) & (cap - 1)) {
            if (!slot[h]) {
                rows[m] = rows[i];
                slot[h] = (uint32_t)++m;
                break;
            }
            csv_row *d = &rows[slot[h] - 1];
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

static void write_csv(const agg *a, dbuf *out)
{
    size_t n;
    const agg_group *g = agg_groups(a, &n);
    csv_row *rows = xcalloc(n + 1, sizeof *rows);
    uint32_t *rank = agg_str_ranks(a);
    for (size_t i = 0; i < n; i++) {
        const char *e = agg_str(a, g[i].eni);
        rows[i].eni = e ? e : "";
        rows[i].eni_rank = e ? rank[g[i].eni] : 0;
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
    size_t m = merge_equal_keys(rows, n);
    qsort(rows, m, sizeof *rows, cmp_out);
    dbuf_puts(out, "interface_id,srcaddr,dstaddr,action,log_status,packets,bytes,records\n");
    for (size_t i = 0; i < m; i++) {
        char s[IP_STRLEN] = "", d[IP_STRLEN] = "";
        if (rows[i].has_src) ip_format(&rows[i].src, s, sizeof s);
        if (rows[i].has_dst) ip_format(&rows[i].dst, d, sizeof d);
        /* by hand rather than dbuf_printf, which took half of this
         * function's time (with strcmp in the sorts, most of it) */
        char line[3 * IP_STRLEN + 3 * 21 + 32], *q = line;
        *q++ = ',';
        q = stpcpy(q, s);
        *q++ = ',';
        q = stpcpy(q, d);
        *q++ = ',';
        q = stpcpy(q, action_text[rows[i].action]);
        *q++ = ',';
        q = stpcpy(q, status_text[rows[i].status_rank]);
        const uint64_t v[3] = {rows[i].packets, rows[i].bytes, rows[i].records};
        for (int k = 0; k < 3; k++) {
            *q++ = ',';
            q = put_u64(q, v[k]);
        }
        *q++ = '\n';
        csv_field(out, rows[i].eni);
        dbuf_append(out, line, (size_t)(q - line));
    }
    free(rows);
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
    int code = pipeline_ingest(o, a, seen, !o->output, err, sizeof err);
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
    /* the .fca and the CSV together or neither */
    dbuf fca, csv;
    dbuf_init(&fca, 0);
    dbuf_init(&csv, 0);
    fc_output out[2];
    size_t nout = 0;
    if (o->output) {
        agg_canonicalize(a); /* the .fca is byte-identical for any --threads; the CSV sorts itself */
        size_t n_ids;
        const char *const *ids = inputs_ids(seen, &n_ids);
        if (fca_write_ids(a, ids, n_ids, &fca, err, sizeof err) < 0) {
            cli_error(err);
            code = EXIT_RUNTIME;
        }
        out[nout++] = (fc_output){o->output, fca.data, fca.len};
    }
    if (o->csv) {
        write_csv(a, &csv);
        out[nout++] = (fc_output){o->csv, csv.data ? csv.data : "", csv.len};
    }
    if (!code && fc_write_files_atomic(nout, out, err, sizeof err) < 0) {
        cli_error(err);
        code = EXIT_RUNTIME;
    }
    dbuf_free(&fca);
    dbuf_free(&csv);
    if (!code && !o->quiet) {
        cost_coverage cv;
        cost_coverage_of(a, o->has_since ? o->since : 0, o->has_until ? o->until : 0, &cv);
        const agg_stats *st = agg_stats_get(a);
        char u[32], g[32];
        fc_format_count(st->used, u, sizeof u);
        fc_format_count(agg_count(a), g, sizeof g);
        double hours = cv.first_record ? (double)((o->has_until ? o->until : cv.last_record) -
                                                  (o->has_since ? o->since : cv.first_record)) / 3600.0
                                       : 0.0;
        /* --csv alone keeps no hours: no coverage to tell */
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
    agg_free(a);
    inputs_free(seen);
    return code;
}
