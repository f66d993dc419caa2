/* cur: reads the network line items of an AWS Cost and Usage Report, so
 * that flowcost can say how much of the bill its flow-derived figures
 * explain (src/reconcile.c). Both schemas are one table of column names:
 * CUR 2.0 writes line_item_usage_type, legacy CUR lineItem/UsageType, and a
 * CSV header is matched against either spelling; in Parquet both use the
 * snake case. The usage types and
 * operations are AWS's (docs/reconciliation.md cites them). */
#include "cur.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "gz.h"
#include "parquet.h"
#include "util.h"

/* ---- usage types ---- */

/* Usage types carry a region prefix ("USE2-", "EUC1-"; none in us-east-1
 * for most), so they are matched by suffix; the inter-region type names
 * both regions ("USE1-USW2-AWS-Out-Bytes"). `op` is a prefix of the
 * operation that must match, NULL for any. First match wins. */
static const struct {
    const char *suffix, *op;
    cur_class cls;
} usage_table[] = {
    {"NatGateway-Bytes", NULL, CUR_NAT_BYTES},
    {"DataTransfer-Regional-Bytes", "InterZone-Out", CUR_INTERZONE_OUT},
    {"DataTransfer-Regional-Bytes", "InterZone-In", CUR_INTERZONE_IN},
    {"DataTransfer-Regional-Bytes", "PublicIP-", CUR_REGIONAL_PUBLIC},
    {"DataTransfer-Out-Bytes", NULL, CUR_INTERNET_OUT},
    {"-AWS-Out-Bytes", NULL, CUR_INTER_REGION},
    {"VpcEndpoint-Bytes", NULL, CUR_ENDPOINT_BYTES},
    {"TransitGateway-Bytes", NULL, CUR_TGW_BYTES},
};

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && memcmp(s + n - m, suf, m) == 0;
}

cur_class cur_classify(const char *usage_type, const char *operation)
{
    if (!usage_type) return CUR_NONE;
    for (size_t i = 0; i < sizeof usage_table / sizeof *usage_table; i++) {
        if (!ends_with(usage_type, usage_table[i].suffix)) continue;
        /* "…-NatGateway-Bytes" but not "…-SomethingNatGateway-Bytes": the
         * suffix starts the type or follows a dash (the inter-region
         * suffix brings its own). */
        size_t n = strlen(usage_type), m = strlen(usage_table[i].suffix);
        if (n > m && usage_table[i].suffix[0] != '-' && usage_type[n - m - 1] != '-') continue;
        const char *op = usage_table[i].op;
        if (op && (!operation || strncmp(operation, op, strlen(op)) != 0)) continue;
        return usage_table[i].cls;
    }
    return CUR_NONE;
}

const char *cur_class_name(cur_class c)
{
    static const char *const names[CUR_CLASS_COUNT] = {
        "none", "nat_bytes", "interzone_out", "interzone_in", "regional_public",
        "internet_out", "inter_region", "endpoint_bytes", "tgw_bytes"};
    return (unsigned)c < CUR_CLASS_COUNT ? names[c] : "none";
}

/* ---- the line store ---- */

struct cur {
    cur_line *lines;
    size_t n, cap;
    char **strs;       /* every string the lines point to */
    size_t n_strs, cap_strs;
    size_t *shared;    /* indexes into strs of the usage types and operations */
    size_t n_shared, cap_shared;
    size_t files;
    uint64_t items;
};

cur *cur_new(void) { return xcalloc(1, sizeof(cur)); }

void cur_free(cur *c)
{
    if (!c) return;
    fc_free_strs(c->strs, c->n_strs);
    FC_FREE(c->shared, c->lines, c);
}

size_t cur_count(const cur *c) { return c->n; }
const cur_line *cur_at(const cur *c, size_t i) { return i < c->n ? &c->lines[i] : NULL; }
size_t cur_files(const cur *c) { return c->files; }
uint64_t cur_items(const cur *c) { return c->items; }

/* Usage types and operations repeat on every line: one copy each (there are
 * a few dozen, looked up among themselves only: a search of every string
 * kept made a month of resource ids quadratic); resource ids are kept per
 * line. */
static const char *keep(cur *c, const char *s, bool shared)
{
    if (shared)
        for (size_t i = c->n_shared; i-- > 0;)
            if (!strcmp(c->strs[c->shared[i]], s)) return c->strs[c->shared[i]];
    if (c->n_strs == c->cap_strs) {
        c->cap_strs = c->cap_strs ? c->cap_strs * 2 : 64;
        c->strs = xrealloc(c->strs, c->cap_strs * sizeof *c->strs);
    }
    if (shared) {
        if (c->n_shared == c->cap_shared) {
            c->cap_shared = c->cap_shared ? c->cap_shared * 2 : 64;
            c->shared = xrealloc(c->shared, c->cap_shared * sizeof *c->shared);
        }
        c->shared[c->n_shared++] = c->n_strs;
    }
    return c->strs[c->n_strs++] = xstrdup(s);
}

/* ---- CSV ---- */

enum col { C_TYPE, C_OP, C_RES, C_AMOUNT, C_COST, C_START, C_END, C_ITEM, C_N };

/* Each column in both schemas: CUR 2.0 (Data Exports) and legacy CUR. */
static const char *const col_names[C_N][2] = {
    [C_TYPE] = {"line_item_usage_type", "lineItem/UsageType"},
    [C_OP] = {"line_item_operation", "lineItem/Operation"},
    [C_RES] = {"line_item_resource_id", "lineItem/ResourceId"},
    [C_AMOUNT] = {"line_item_usage_amount", "lineItem/UsageAmount"},
    [C_COST] = {"line_item_unblended_cost", "lineItem/UnblendedCost"},
    [C_START] = {"line_item_usage_start_date", "lineItem/UsageStartDate"},
    [C_END] = {"line_item_usage_end_date", "lineItem/UsageEndDate"},
    [C_ITEM] = {"line_item_line_item_type", "lineItem/LineItemType"},
};

#define CUR_FIELD_MAX 2048

/* One CSV field starting at *p (RFC 4180: quotes doubled inside quotes,
 * newlines allowed there), unquoted into out (truncated at CUR_FIELD_MAX).
 * *p is left after the separator; *eol says the record ended. */
static void csv_field(const char **p, const char *end, char *out, bool *eol)
{
    const char *s = *p;
    size_t n = 0;
    *eol = false;
    if (s < end && *s == '"') {
        for (s++; s < end; s++) {
            if (*s == '"') {
                if (s + 1 < end && s[1] == '"') s++;
                else {
                    s++;
                    break;
                }
            }
            if (n + 1 < CUR_FIELD_MAX) out[n++] = *s;
        }
    }
    for (; s < end && *s != ',' && *s != '\n'; s++)
        if (*s != '\r' && n + 1 < CUR_FIELD_MAX) out[n++] = *s;
    out[n] = 0;
    if (s >= end || *s == '\n') *eol = true;
    *p = s < end ? s + 1 : end;
}

static bool usage_item(const char *t)
{
    return !*t || !strcmp(t, "Usage") || !strcmp(t, "DiscountedUsage") || !strcmp(t, "SavingsPlanCoveredUsage");
}

/* The id a resource column names: the last part of an ARN
 * (arn:aws:ec2:…:natgateway/nat-0ab… → nat-0ab…), else as given. */
static const char *resource_id(const char *s)
{
    if (strncmp(s, "arn:", 4) != 0) return s;
    const char *slash = strrchr(s, '/'), *colon = strrchr(s, ':');
    const char *cut = slash > colon ? slash : colon;
    return cut ? cut + 1 : s;
}

static int num(const char *s, double *out)
{
    char *e;
    errno = 0;
    *out = *s ? strtod(s, &e) : 0;
    return *s && (errno || *e || !isfinite(*out)) ? -1 : 0;
}

/* The reader's state across the chunks of one file: the header's column
 * map, the line number, and scratch fields. */
typedef struct csv_state {
    int *map;          /* column index → enum col, -1 = ignored (legacy CUR has hundreds of tag columns) */
    size_t ncols, cap;
    bool header;       /* read */
    size_t line;
    char *field, *vals[C_N];
} csv_state;

static void state_init(csv_state *st)
{
    memset(st, 0, sizeof *st);
    st->field = xmalloc(CUR_FIELD_MAX);
    for (int k = 0; k < C_N; k++) st->vals[k] = xmalloc(CUR_FIELD_MAX);
}

static void state_free(csv_state *st)
{
    free(st->map);
    free(st->field);
    for (int k = 0; k < C_N; k++) free(st->vals[k]);
}

static int read_header(csv_state *st, const char *name, const char **pp, const char *end, char *err, size_t errlen)
{
    bool have[C_N] = {false};
    st->line = 1;
    for (bool eol = false; !eol && *pp < end;) {
        csv_field(pp, end, st->field, &eol);
        int m = -1;
        for (int k = 0; k < C_N && m < 0; k++)
            if (!strcmp(st->field, col_names[k][0]) || !strcmp(st->field, col_names[k][1])) m = k;
        if (st->ncols == st->cap) {
            st->cap = st->cap ? st->cap * 2 : 64;
            st->map = xrealloc(st->map, st->cap * sizeof *st->map);
        }
        st->map[st->ncols++] = m;
        if (m >= 0) have[m] = true;
    }
    st->header = true;
    static const enum col required[] = {C_TYPE, C_AMOUNT, C_COST, C_START};
    for (size_t k = 0; k < sizeof required / sizeof *required; k++)
        if (!have[required[k]])
            return fc_err(err, errlen, "%s: not a Cost and Usage Report CSV: no column %s or %s", name,
                          col_names[required[k]][0], col_names[required[k]][1]);
    return 0;
}

/* One line item, CSV's or Parquet's (v[] by enum col, "" when absent):
 * kept when it is usage of a byte usage type. 0, or -1 with why. */
static int add_item(cur *c, const char *const v[C_N], char *why, size_t whylen)
{
    c->items++;
    if (!usage_item(v[C_ITEM])) return 0;
    cur_class cls = cur_classify(v[C_TYPE], v[C_OP]);
    if (cls == CUR_NONE) return 0;
    cur_line l;
    memset(&l, 0, sizeof l);
    l.cls = cls;
    if (num(v[C_AMOUNT], &l.gb) < 0 || num(v[C_COST], &l.usd) < 0)
        return fc_err(why, whylen, "usage amount '%.40s' or cost '%.40s' is not a number", v[C_AMOUNT], v[C_COST]);
    if (fc_parse_time(v[C_START], &l.start) < 0 || (*v[C_END] && fc_parse_time(v[C_END], &l.end) < 0))
        return fc_err(why, whylen, "usage start or end date '%.40s' is not a time", v[C_START]);
    if (!l.end) l.end = l.start + 3600;
    l.usage_type = keep(c, v[C_TYPE], true);
    l.operation = keep(c, v[C_OP], true);
    l.resource = keep(c, resource_id(v[C_RES]), false);
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->lines = xrealloc(c->lines, c->cap * sizeof *c->lines);
    }
    c->lines[c->n++] = l;
    return 0;
}

/* Whole records in [p, end) (the caller cuts chunks at record ends). */
static int read_records(cur *c, csv_state *st, const char *name, const char *p, const char *end, char *err,
                        size_t errlen)
{
    if (!st->header && p < end && read_header(st, name, &p, end, err, errlen) < 0) return -1;
    char **vals = st->vals;
    while (p < end) {
        st->line++;
        for (int k = 0; k < C_N; k++) vals[k][0] = 0;
        size_t col = 0;
        const char *rec = p;
        for (bool eol = false; !eol && p < end; col++) {
            const char *f0 = p;
            csv_field(&p, end, st->field, &eol);
            /* a quoted newline moved us further than one line */
            for (const char *q = f0; q < p - 1; q++) st->line += *q == '\n';
            if (col < st->ncols && st->map[col] >= 0) memcpy(vals[st->map[col]], st->field, strlen(st->field) + 1);
        }
        if (p - rec <= 1) continue; /* blank line */
        char why[192];
        if (add_item(c, (const char *const *)vals, why, sizeof why) < 0)
            return fc_err(err, errlen, "%s:%zu: %s", name, st->line, why);
    }
    return 0;
}

/* ---- Parquet ---- */

/* A Parquet report: CUR 2.0 and legacy CUR both name the columns in
 * snake case there (line_item_usage_type; docs/reconciliation.md), the
 * CSV spelling is tried as well. Takes pf. */
static int read_parquet(cur *c, const char *name, parquet_file *pf, char *err, size_t errlen)
{
    int cols[C_N], want[C_N], n = 0;
    for (int k = 0; k < C_N; k++) {
        int i = parquet_column(pf, col_names[k][0]);
        if (i < 0) i = parquet_column(pf, col_names[k][1]);
        cols[k] = -1;
        if (i >= 0) {
            cols[k] = n;
            want[n++] = i;
        }
    }
    static const enum col required[] = {C_TYPE, C_AMOUNT, C_COST, C_START};
    for (size_t k = 0; k < sizeof required / sizeof *required; k++)
        if (cols[required[k]] < 0) {
            parquet_close(pf);
            return fc_err(err, errlen, "%s: not a Cost and Usage Report: no Parquet column %s", name,
                          col_names[required[k]][0]);
        }
    char why[256];
    parquet_cols *pc = parquet_cols_open(pf, want, (size_t)n, why, sizeof why);
    int rc = pc ? 0 : fc_err(err, errlen, "%s: %s", name, why);
    const char *got[C_N];
    size_t lens[C_N];
    for (size_t row = 1; rc == 0; row++) {
        int r = parquet_cols_next(pc, got, lens, why, sizeof why);
        if (r < 0) rc = fc_err(err, errlen, "%s: %s", name, why);
        if (r <= 0) break;
        const char *v[C_N];
        for (int k = 0; k < C_N; k++) v[k] = cols[k] >= 0 && got[cols[k]] ? got[cols[k]] : "";
        if (add_item(c, v, why, sizeof why) < 0) rc = fc_err(err, errlen, "%s: row %zu: %s", name, row, why);
    }
    parquet_cols_close(pc);
    parquet_close(pf);
    return rc;
}

static int read_parquet_mem(cur *c, const char *name, const void *data, size_t len, char *err, size_t errlen)
{
    char why[256];
    parquet_file *pf = parquet_open_mem_any(data, len, why, sizeof why);
    if (!pf) return fc_err(err, errlen, "%s: %s", name, why);
    return read_parquet(c, name, pf, err, errlen);
}

/* A pull source with its first bytes already read (to sniff the format). */
typedef struct src {
    gz_pull_fn pull;
    void *ctx;
    const unsigned char *head;
    size_t head_n, head_off;
} src;

static ssize_t src_pull(void *v, void *buf, size_t n)
{
    src *s = v;
    if (s->head_off < s->head_n) {
        size_t k = s->head_n - s->head_off < n ? s->head_n - s->head_off : n;
        memcpy(buf, s->head + s->head_off, k);
        s->head_off += k;
        return (ssize_t)k;
    }
    return s->pull(s->ctx, buf, n);
}

#define CUR_CHUNK (1u << 20)

/* One report file from a byte source, plain or gzip, a chunk at a time:
 * a month of CUR is gigabytes, and only its network lines are kept. */
static int read_source(cur *c, const char *name, gz_pull_fn pull, void *ctx, char *err, size_t errlen)
{
    c->files++;
    unsigned char head[8];
    size_t hn = 0;
    while (hn < sizeof head) {
        ssize_t k = pull(ctx, head + hn, sizeof head - hn);
        if (k < 0) return fc_err(err, errlen, "%s: read error", name);
        if (k == 0) break;
        hn += (size_t)k;
    }
    if (hn >= 4 && !memcmp(head, "PK\3\4", 4))
        return fc_err(err, errlen, "%s: a ZIP Cost and Usage Report: unzip it, or export it as CSV (gzip)", name);
    src s = {pull, ctx, head, hn, 0};
    gz_reader *z = gz_is(head, hn) ? gz_open(src_pull, &s, GZ_AUTO) : NULL;
    csv_state st;
    state_init(&st);
    char *buf = NULL, why[256];
    size_t len = 0, cap = 0, scanned = 0, cut = 0;
    bool quoted = false; /* at buf[scanned]: inside a quoted field (its newlines end no record) */
    /* Parquet (plain or in gzip) is read whole: its footer is at the end */
    bool sniffed = false, pq = false;
    int rc = 0;
    for (bool end = false; rc == 0 && !end;) {
        if (cap - len < CUR_CHUNK) {
            cap = pq ? 2 * (len + CUR_CHUNK) : len + CUR_CHUNK;
            buf = xrealloc(buf, cap);
        }
        ssize_t k = z ? gz_read(z, buf + len, CUR_CHUNK, why, sizeof why) : src_pull(&s, buf + len, CUR_CHUNK);
        if (k < 0) {
            rc = z ? fc_err(err, errlen, "%s: %s", name, why) : fc_err(err, errlen, "%s: read error", name);
            break;
        }
        len += (size_t)k;
        end = k == 0;
        if (!sniffed && (len >= 4 || end)) {
            sniffed = true;
            pq = parquet_is(buf, len);
        }
        if (!sniffed || pq) {
            if (end && pq) rc = read_parquet_mem(c, name, buf, len, err, errlen);
            continue;
        }
        /* whole records only (the last one may lack its newline at the end) */
        for (; scanned < len; scanned++) {
            if (buf[scanned] == '"') quoted = !quoted;
            else if (buf[scanned] == '\n' && !quoted) cut = scanned + 1;
        }
        if (end) cut = len;
        if (!cut) continue;
        rc = read_records(c, &st, name, buf, buf + cut, err, errlen);
        memmove(buf, buf + cut, len - cut);
        len -= cut;
        scanned -= cut;
        cut = 0;
    }
    if (rc == 0 && !st.header && !pq) rc = fc_err(err, errlen, "%s: empty: not a Cost and Usage Report CSV", name);
    free(buf);
    state_free(&st);
    if (z) gz_close(z);
    return rc;
}

typedef struct mem_src {
    const unsigned char *p;
    size_t n, off;
} mem_src;

static ssize_t mem_pull(void *ctx, void *buf, size_t n)
{
    mem_src *m = ctx;
    size_t k = m->n - m->off < n ? m->n - m->off : n;
    memcpy(buf, m->p + m->off, k);
    m->off += k;
    return (ssize_t)k;
}

int cur_read_mem(cur *c, const char *name, const void *data, size_t len, char *err, size_t errlen)
{
    mem_src m = {data, len, 0};
    return read_source(c, name, mem_pull, &m, err, errlen);
}

static ssize_t fd_pull(void *ctx, void *buf, size_t n)
{
    for (;;) {
        ssize_t k = read(*(int *)ctx, buf, n);
        if (k >= 0 || errno != EINTR) return k;
    }
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Files that travel with a report and are not one. */
bool cur_is_report_name(const char *name)
{
    static const char *const skip[] = {".json", ".yml", ".yaml", ".sql", ".md", ".txt"};
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (ends_with(name, skip[i])) return false;
    const char *base = strrchr(name, '/');
    return (base ? base + 1 : name)[0] != '.';
}

int cur_read_path(cur *c, const char *path, char *err, size_t errlen)
{
    struct stat st;
    char ebuf[128];
    if (stat(path, &st) < 0)
        return fc_err(err, errlen, "cannot open '%s': %s", path, fc_strerror(errno, ebuf, sizeof ebuf));
    if (!S_ISDIR(st.st_mode)) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return fc_err(err, errlen, "cannot open '%s': %s", path, fc_strerror(errno, ebuf, sizeof ebuf));
        unsigned char magic[4];
        if (pread(fd, magic, 4, 0) == 4 && parquet_is(magic, 4)) { /* column chunks by pread, not the whole file */
            c->files++;
            char why[256];
            parquet_file *pf = parquet_open_fd_any(fd, why, sizeof why);
            int rc = pf ? read_parquet(c, path, pf, err, errlen) : fc_err(err, errlen, "%s: %s", path, why);
            close(fd);
            return rc;
        }
        int rc = read_source(c, path, fd_pull, &fd, err, errlen);
        close(fd);
        return rc;
    }
    DIR *d = opendir(path);
    if (!d) return fc_err(err, errlen, "cannot open '%s': %s", path, fc_strerror(errno, ebuf, sizeof ebuf));
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!cur_is_report_name(e->d_name)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = xrealloc(names, cap * sizeof *names);
        }
        size_t l = strlen(path) + strlen(e->d_name) + 2;
        names[n] = xmalloc(l);
        snprintf(names[n++], l, "%s/%s", path, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp); /* the same lines in the same order on every machine */
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0) rc = cur_read_path(c, names[i], err, errlen);
        free(names[i]);
    }
    free(names);
    return rc;
}
