/* report: renders the weekly cost-review page (../shared/spec/report.md) as
 * one self-contained HTML file. It exists so that the whole page — tables,
 * Sankeys, charts — is produced by the tool from cost_result alone (no
 * re-pricing, no browser-side rendering). Each section is a function that
 * fills a model of already-formatted cells (render/tpl.h: text and lists of
 * rows, no markup) and a template under templates/ (sec_*.html, with the
 * partials they share) turns it into HTML, escaping every value unless the
 * template asks for an SVG raw. This file holds no markup: the page shell
 * (report.html) gets the rendered sections through its {{slot}}s. Section
 * order and content follow the spec; every list is ordered by value then by
 * id, and time comes only from report_opts.now, so the bytes are
 * reproducible. */
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "charts.h"
#include "escape.h"
#include "recon_view.h"
#include "sankey.h"
#include "top_model.h"
#include "tpl.h"

/* ---------- templates ---------- */

int report_template(const char *dir, const char *name, char **data, size_t *len, char *err, size_t errlen)
{
    return tpl_file(dir, name, data, len, err, errlen);
}

int report_fill(const char *tpl_name, const char *text, size_t len, const char *const *names,
                const char *const *values, size_t n, dbuf *out, char *err, size_t errlen)
{
    size_t i = 0, line = 1, start = 0;
    while (i < len) {
        if (text[i] == '\n') line++;
        if (!(text[i] == '{' && i + 1 < len && text[i + 1] == '{')) {
            i++;
            continue;
        }
        size_t j = i + 2;
        while (j < len && ((text[j] >= 'a' && text[j] <= 'z') || text[j] == '_' || (text[j] >= '0' && text[j] <= '9'))) j++;
        if (j + 1 >= len || text[j] != '}' || text[j + 1] != '}' || j == i + 2) {
            i++; /* not a slot: literal braces (CSS, script) pass through */
            continue;
        }
        size_t k;
        for (k = 0; k < n; k++)
            if (strlen(names[k]) == j - i - 2 && memcmp(names[k], text + i + 2, j - i - 2) == 0) break;
        if (k == n)
            return fc_err(err, errlen, "%s:%zu: unknown slot {{%.*s}}", tpl_name, line, (int)(j - i - 2), text + i + 2);
        if (dbuf_append(out, text + start, i - start) < 0 || dbuf_puts(out, values[k] ? values[k] : "") < 0)
            return fc_err(err, errlen, "report larger than the output limit");
        i = start = j + 2;
    }
    if (dbuf_append(out, text + start, len - start) < 0) return fc_err(err, errlen, "report larger than the output limit");
    return 0;
}

/* ---------- small formatting helpers ---------- */

typedef struct ctx {
    const cost_result *r;
    const inventory *inv;
    const report_opts *o;
    size_t top;          /* effective top N (SIZE_MAX for all) */
    dbuf *b;             /* the section being written */
    int rc;              /* sticky: -1 once an append failed */
    uint32_t *grp;       /* endpoint → its group's representative (AWS ranges by service + region) */
} ctx;

static void put(ctx *c, const char *s)
{
    if (dbuf_puts(c->b, s) < 0) c->rc = -1;
}
static void putf(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (dbuf_vprintf(c->b, fmt, ap) < 0) c->rc = -1;
    va_end(ap);
}



static void fmt_usd_v(double v, char *buf, size_t n)
{
    char s[60];
    fc_format_usd(v, s, sizeof s);
    snprintf(buf, n, "$%s", s);
}
static void fmt_bytes_v(double v, char *buf, size_t n) { fc_format_bytes((uint64_t)llround(v), buf, n); }


/* A share as a bar width: within [0, 1] whatever the division gave (NaN
 * included), so a bar never spills out of its cell. */
static double clamp_share(double v) { return !(v > 0) ? 0 : v > 1 ? 1 : v; }

/* ---------- model cells: the figures as the templates show them ---------- */

/* `key` holds the text shown, `key_v` the exact value the table sorts by
 * (data-v), `key_s` the plural "s" of a count. */
static void set_v(tpl_obj *o, const char *key, const char *suffix, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void set_v(tpl_obj *o, const char *key, const char *suffix, const char *fmt, ...)
{
    char k[64], v[128];
    snprintf(k, sizeof k, "%s%s", key, suffix);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    tpl_set(o, k, v);
}
static void set_usd(tpl_obj *o, const char *key, double v)
{
    char s[64];
    fc_format_usd(v, s, sizeof s);
    set_v(o, key, "", "$%s", s);
    set_v(o, key, "_v", "%.6f", v);
}
static void set_bytes(tpl_obj *o, const char *key, uint64_t v)
{
    char s[64];
    fc_format_bytes(v, s, sizeof s);
    tpl_set(o, key, s);
    set_v(o, key, "_v", "%llu", (unsigned long long)v);
}
static void set_count(tpl_obj *o, const char *key, uint64_t v)
{
    char s[64];
    fc_format_count(v, s, sizeof s);
    tpl_set(o, key, s);
    set_v(o, key, "_v", "%llu", (unsigned long long)v);
}
/* A count with thousands separators, and its plural suffix. */
static void set_count_s(tpl_obj *o, const char *key, uint64_t v)
{
    set_count(o, key, v);
    set_v(o, key, "_s", "%s", v == 1 ? "" : "s");
}
/* A small count as a plain number, and its plural suffix. */
static void set_num_s(tpl_obj *o, const char *key, size_t v)
{
    set_v(o, key, "", "%zu", v);
    set_v(o, key, "_s", "%s", v == 1 ? "" : "s");
}
/* A moment as the one-object list `key` of templates/time.html: iso for
 * the datetime attribute and text as read, both empty when the time is
 * unknown (the template shows a dash). */
static void set_time(tpl_obj *o, const char *key, int64_t t)
{
    tpl_obj *x = tpl_add(o, key);
    char s[32] = "";
    if (t) fc_format_time(t, s, sizeof s);
    tpl_set(x, "iso", s);
    if (t) tpl_setf(x, "text", "%.10s %.5s UTC", s, s + 11);
    else tpl_set(x, "text", "");
}
/* A share as a bar width in percent: within [0, 100] whatever the division
 * gave (NaN included), so a bar never spills out of its cell. */
static void set_bar(tpl_obj *o, const char *key, double share)
{
    set_v(o, key, "", "%.1f", clamp_share(share) * 100);
}


static const char *nz(const char *s) { return s ? s : ""; }

/* Display name of an endpoint: the one rule of cost_ep_label(). */
static void ep_label(const cost_result *r, uint32_t i, char *buf, size_t n) { cost_ep_label(r, i, buf, n); }

/* Key that groups endpoints for diagrams: AWS ranges group by service +
 * region, everything else by address. */
static void ep_key(const cost_result *r, uint32_t i, char *buf, size_t n)
{
    if (i < r->n_eps && r->eps[i].cls == EP_AWS) ep_label(r, i, buf, n);
    else if (i < r->n_eps) ip_format(&r->eps[i].ip, buf, n);
    else snprintf(buf, n, "?");
}

/* Tables group AWS addresses the way diagrams do: one row per service and
 * region, not one per S3 address. */
static uint32_t *ep_groups(const cost_result *r)
{
    uint32_t *g = xmalloc((r->n_eps + 1) * sizeof *g);
    uint32_t *reps = xmalloc((r->n_eps + 1) * sizeof *reps);
    size_t nrep = 0;
    for (size_t i = 0; i < r->n_eps; i++) {
        const cost_endpoint *e = &r->eps[i];
        g[i] = (uint32_t)i;
        if (e->cls != EP_AWS) continue;
        size_t k;
        for (k = 0; k < nrep; k++) {
            const cost_endpoint *x = &r->eps[reps[k]];
            if (!strcmp(nz(x->service), nz(e->service)) && !strcmp(nz(x->region), nz(e->region))) break;
        }
        if (k == nrep) reps[nrep++] = (uint32_t)i;
        g[i] = reps[k];
    }
    free(reps);
    return g;
}

static uint32_t grp(const ctx *c, uint32_t i) { return i < c->r->n_eps ? c->grp[i] : i; }

static int is_workload(const cost_result *r, uint32_t i)
{
    return i < r->n_eps && r->eps[i].cls == EP_ENI && !eni_kind_is_managed(r->eps[i].kind);
}

static size_t top_of(const ctx *c, size_t n) { return n < c->top ? n : c->top; }

/* ---------- 1. summary ---------- */

static int is_security(const char *kind)
{
    return kind && (!strcmp(kind, "rejected_sources") || !strcmp(kind, "port_scan"));
}

static void sec_summary(ctx *c, tpl_obj *m)
{
    const cost_result *r = c->r;
    const report_opts *o = c->o;
    /* The ten-second view: what it costs, where it goes, what to change. */
    int big = -1;
    for (int k = 0; k < CAT_COUNT; k++)
        if (r->cat_usd[k] > 0 && (big < 0 || r->cat_usd[k] > r->cat_usd[big])) big = k;
    set_usd(m, "total", r->total_usd);
    set_usd(m, "run_rate", r->monthly_run_rate_usd);
    set_usd(m, "savings", r->savings_total_monthly_usd);
    size_t nf = 0;
    for (size_t i = 0; i < r->n_findings; i++) if (!is_security(r->findings[i].kind)) nf++;
    set_num_s(m, "n_findings", nf);
    if (big >= 0) {
        tpl_set(m, "big", cost_cat_name((cost_cat)big));
        set_usd(m, "big_usd", r->cat_usd[big]);
        tpl_setf(m, "big_pct", "%.0f", r->total_usd > 0 ? r->cat_usd[big] / r->total_usd * 100 : 0);
    }
    /* Caveats stand above every figure they qualify, never only in §11. */
    tpl_flag(m, "has_notices", r->n_notices > 0);
    for (size_t i = 0; i < r->n_notices; i++) tpl_set(tpl_add(m, "notices"), "text", r->notices[i]);

    set_time(m, "start", r->period_start);
    set_time(m, "end", r->period_end);
    tpl_setf(m, "hours", "%.1f", r->period_hours);
    size_t shown = o->n_inputs < 10 ? o->n_inputs : 10;
    for (size_t i = 0; i < shown; i++) {
        tpl_obj *in = tpl_add(m, "inputs");
        tpl_flag(in, "first", i == 0);
        tpl_set(in, "name", o->inputs[i]);
    }
    if (o->n_inputs > shown) tpl_setf(m, "more_inputs", "%zu", o->n_inputs - shown);
    set_count_s(m, "files", r->records.files);
    if (r->records.files_skipped) set_count(m, "skipped", r->records.files_skipped);
    tpl_set(m, "enrichment", o->enrichment ? o->enrichment : "learned from records");
    tpl_set(m, "rates", r->rates_source ? r->rates_source : (o->rates ? rates_source(o->rates) : "embedded"));
    /* The regions whose rates priced something. */
    const char *regs[16];
    size_t nreg = 0;
    for (size_t i = 0; i < r->n_eps && nreg < 16; i++) {
        if (r->eps[i].cls != EP_ENI || !r->eps[i].region) continue;
        size_t j;
        for (j = 0; j < nreg; j++) if (!strcmp(regs[j], r->eps[i].region)) break;
        if (j == nreg) regs[nreg++] = r->eps[i].region;
    }
    for (size_t i = 1; i < nreg; i++)
        for (size_t j = i; j > 0 && strcmp(regs[j - 1], regs[j]) > 0; j--) {
            const char *t = regs[j];
            regs[j] = regs[j - 1];
            regs[j - 1] = t;
        }
    for (size_t i = 0; i < nreg; i++) {
        tpl_obj *g = tpl_add(m, "regions");
        tpl_flag(g, "first", i == 0);
        tpl_set(g, "name", regs[i]);
    }
    set_bytes(m, "bytes", r->total_bytes);
    double fixed = 0;
    for (size_t i = 0; i < r->n_fixed; i++) fixed += r->fixed[i].usd;
    set_usd(m, "fixed", fixed);
    set_num_s(m, "n_fixed", r->n_fixed);

    for (int k = 0; k < CAT_COUNT; k++) {
        double sh = r->total_usd > 0 ? r->cat_usd[k] / r->total_usd : 0;
        tpl_obj *row = tpl_add(m, "cats");
        tpl_set(row, "color", charts_cat_color(k));
        tpl_set(row, "name", cost_cat_name((cost_cat)k));
        set_bytes(row, "bytes", r->cat_bytes[k]);
        set_usd(row, "usd", r->cat_usd[k]);
        tpl_setf(row, "share_v", "%.6f", sh);
        tpl_setf(row, "share", "%.1f", sh * 100);
        set_bar(row, "bar", sh);
    }
    set_bytes(m, "total_bytes", r->total_bytes);
    const agg_stats *st = &r->records;
    static const char *const rl[] = {"read", "used", "malformed", "rejected", "NODATA", "SKIPDATA", "outside --since/--until"};
    uint64_t rv[] = {st->read, st->used, st->malformed, st->rejected, st->nodata, st->skipdata, st->filtered};
    for (size_t i = 0; i < sizeof rv / sizeof *rv; i++) {
        tpl_obj *row = tpl_add(m, "records");
        tpl_set(row, "label", rl[i]);
        set_count(row, "count", rv[i]);
    }
}

/* ---------- 2. findings ---------- */



/* A finding's resources, the same in its card and in the port-scan table. */
static void resource_model(tpl_obj *o, const cost_finding *f)
{
    tpl_flag(o, "has_resources", f->n_resources > 0);
    for (size_t k = 0; k < f->n_resources; k++) {
        tpl_obj *x = tpl_add(o, "resources");
        tpl_flag(x, "first", k == 0);
        tpl_set(x, "id", f->resources[k]);
    }
}

/* A finding's card: its figures, resources and evidence rows (top N plus
 * an "Other" row that keeps the sums). */
static void finding_model(ctx *c, tpl_obj *o, const cost_finding *f, size_t i)
{
    int sec = is_security(f->kind);
    tpl_flag(o, "sec", sec);
    tpl_setf(o, "num", "%zu", i + 1);
    tpl_set(o, "title", f->title ? f->title : f->kind);
    tpl_set(o, "kind", f->kind);
    set_usd(o, "net", f->net_monthly_savings_usd);
    set_usd(o, "gross", f->monthly_savings_usd);
    set_usd(o, "extra", f->extra_fixed_monthly_usd);
    set_usd(o, "period", f->period_usd);
    tpl_flag(o, "has_change", f->change != NULL);
    tpl_set(o, "change", f->change);
    resource_model(o, f);
    tpl_flag(o, "has_evidence", f->n_evidence > 0);
    size_t n = top_of(c, f->n_evidence);
    for (size_t k = 0; k < n; k++) {
        tpl_obj *row = tpl_add(o, "evidence");
        tpl_set(row, "label", f->evidence[k].label);
        set_bytes(row, "bytes", f->evidence[k].bytes);
        set_usd(row, "usd", f->evidence[k].usd);
    }
    tpl_set(o, "other", ""); /* no "Other" row unless rows were cut */
    if (n < f->n_evidence) {
        uint64_t ob = 0;
        double ou = 0;
        for (size_t k = n; k < f->n_evidence; k++) {
            ob += f->evidence[k].bytes;
            ou += f->evidence[k].usd;
        }
        tpl_setf(o, "other", "%zu", f->n_evidence - n);
        set_bytes(o, "other_bytes", ob);
        set_usd(o, "other_usd", ou);
    }
}

static void sec_findings(ctx *c, tpl_obj *m)
{
    const cost_result *r = c->r;
    size_t n = 0;
    for (size_t i = 0; i < r->n_findings; i++) if (!is_security(r->findings[i].kind)) n++;
    if (n) set_num_s(m, "n_changes", n);
    set_usd(m, "savings", r->savings_total_monthly_usd);
    /* The list first, for the ten-second read; the cards below hold the evidence. */
    for (size_t i = 0; i < r->n_findings; i++)
        if (!is_security(r->findings[i].kind)) finding_model(c, tpl_add(m, "cards"), &r->findings[i], i);
}

/* ---------- 3. NAT gateways ---------- */

static int flow_via_nat(const cost_result *r, const cost_flow *f, const cost_nat *n)
{
    if (f->via == COST_NONE) return 0;
    if (n->ep != COST_NONE) return f->via == n->ep;
    const cost_endpoint *v = f->via < r->n_eps ? &r->eps[f->via] : NULL;
    return v && v->eni && n->eni_id && !strcmp(v->eni->id, n->eni_id);
}

typedef struct pair_row {
    uint32_t a, b, via;
    uint64_t bytes;
    double usd;
    int dir;
} pair_row;

FC_COMPARATOR(pair_cmp, pair_row, FC_ASC(dir) FC_DESC(bytes) FC_DESC(usd) FC_ASC(a) FC_ASC(b) FC_ASC(via))

/* The "Other" row of the rows [n, n_p) that --top left out: its count, and
 * their bytes and cost in *bytes, *usd so a cut table still adds up to its
 * total. NULL when nothing was left out. */
static tpl_obj *other_row(tpl_obj *m, const pair_row *p, size_t n, size_t n_p, uint64_t *bytes, double *usd)
{
    if (n_p <= n) return NULL;
    *bytes = 0;
    *usd = 0;
    for (size_t i = n; i < n_p; i++) {
        *bytes += p[i].bytes;
        *usd += p[i].usd;
    }
    tpl_obj *o = tpl_add(m, "other");
    tpl_setf(o, "count", "%zu", n_p - n);
    return o;
}

FC_COMPARATOR(pair_key_cmp, pair_row, FC_ASC(dir) FC_ASC(a) FC_ASC(b) FC_ASC(via))

/* Sum rows with the same (dir, a, b, via), then order by bytes desc. */
static size_t pairs_merge(pair_row *p, size_t n)
{
    if (!n) return 0;
    qsort(p, n, sizeof *p, pair_key_cmp);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (o && !pair_key_cmp(&p[o - 1], &p[i])) {
            p[o - 1].bytes += p[i].bytes;
            p[o - 1].usd += p[i].usd;
        } else {
            p[o++] = p[i];
        }
    }
    qsort(p, o, sizeof *p, pair_cmp);
    return o;
}

#define SANKEY_KEEP 12


/* Sets key to the Sankey's SVG (drawn by render/sankey.c, which escapes
 * its own labels) and frees it. Each column keeps its SANKEY_KEEP largest
 * nodes (sankey_limit folds the rest into one "Other" node) so the picture
 * stays legible. */
static void sankey_set(ctx *c, tpl_obj *o, const char *key, sankey *s, int by_cost, const char *title,
                       const char *const *cols)
{
    dbuf svg;
    dbuf_init(&svg, 0);
    sankey_limit(s, SANKEY_KEEP);
    if (sankey_svg(s, title, cols, by_cost ? fmt_usd_v : fmt_bytes_v, &svg) < 0) c->rc = -1;
    tpl_set(o, key, svg.data);
    dbuf_free(&svg);
    sankey_free(s);
}

static void nat_sankey(ctx *c, tpl_obj *o, const char *key, const cost_nat *n, int inbound, int by_cost)
{
    const cost_result *r = c->r;
    sankey *s = sankey_new(3);
    char ka[128], la[256], kb[128], lb[256];
    char natname[320];
    cost_nat_label(n, natname, sizeof natname);
    uint32_t mid = sankey_node(s, 1, n->id, natname);
    for (size_t i = 0; i < r->n_flows; i++) {
        const cost_flow *f = &r->flows[i];
        if (!flow_via_nat(r, f, n) || !!(f->flags & COST_FLOW_INBOUND) != inbound) continue;
        ep_key(r, f->src, ka, sizeof ka);
        ep_label(r, f->src, la, sizeof la);
        ep_key(r, f->dst, kb, sizeof kb);
        ep_label(r, f->dst, lb, sizeof lb);
        double v = by_cost ? f->usd : (double)f->bytes;
        sankey_link(s, sankey_node(s, 0, ka, la), mid, v);
        sankey_link(s, mid, sankey_node(s, 2, kb, lb), v);
    }
    static const char *const out_cols[] = {"source workloads", "NAT gateway", "destinations"};
    static const char *const in_cols[] = {"sources", "NAT gateway", "destination workloads"};
    char title[360];
    snprintf(title, sizeof title, "%s through %s by %s", inbound ? "Inbound" : "Outbound", natname,
             by_cost ? "cost" : "bytes");
    sankey_set(c, o, key, s, by_cost, title, inbound ? in_cols : out_cols);
}

/* Bytes, cost and the two-bar share of the table's totals (0 when a total
 * is 0, so an empty direction draws no bar instead of dividing by zero):
 * the cells of templates/share_cells.html. */
static void set_share(tpl_obj *o, uint64_t bytes, double usd, uint64_t total_bytes, double total_usd)
{
    set_bytes(o, "bytes", bytes);
    set_usd(o, "usd", usd);
    set_bar(o, "bar_b", total_bytes ? (double)bytes / (double)total_bytes : 0);
    set_bar(o, "bar_u", total_usd > 0 ? usd / total_usd : 0);
}

static void nat_flows_model(ctx *c, tpl_obj *o, const cost_nat *n)
{
    const cost_result *r = c->r;
    pair_row *p = xmalloc((r->n_flows + 1) * sizeof *p);
    size_t m = 0;
    uint64_t dirbytes[2] = {0, 0};
    double dirusd[2] = {0, 0};
    for (size_t i = 0; i < r->n_flows; i++) {
        const cost_flow *f = &r->flows[i];
        if (!flow_via_nat(r, f, n)) continue;
        int d = (f->flags & COST_FLOW_INBOUND) ? 1 : 0;
        p[m++] = (pair_row){grp(c, f->src), grp(c, f->dst), 0, f->bytes, f->usd, d};
        dirbytes[d] += f->bytes;
        dirusd[d] += f->usd;
    }
    m = pairs_merge(p, m);
    for (int d = 0; d < 2; d++) {
        tpl_obj *dir = tpl_add(o, "dirs");
        tpl_set(dir, "dir", d ? "inbound" : "outbound");
        size_t shown = 0, rest = 0;
        uint64_t ob = 0;
        double ou = 0;
        for (size_t i = 0; i < m; i++) {
            if (p[i].dir != d) continue;
            if (shown < c->top) {
                char la[256], lb[256];
                ep_label(r, p[i].a, la, sizeof la);
                ep_label(r, p[i].b, lb, sizeof lb);
                tpl_obj *row = tpl_add(dir, "flows");
                tpl_set(row, "src", la);
                tpl_set(row, "dst", lb);
                set_share(row, p[i].bytes, p[i].usd, dirbytes[d], dirusd[d]);
                shown++;
            } else {
                rest++;
                ob += p[i].bytes;
                ou += p[i].usd;
            }
        }
        if (rest) {
            tpl_obj *other = tpl_add(dir, "other");
            tpl_setf(other, "count", "%zu", rest);
            set_share(other, ob, ou, dirbytes[d], dirusd[d]);
        }
    }
    free(p);
}

static int nat_cmp(const void *x, const void *y)
{
    const cost_nat *p = *(const cost_nat *const *)x, *q = *(const cost_nat *const *)y;
    if (p->bytes != q->bytes) return p->bytes > q->bytes ? -1 : 1;
    return strcmp(nz(p->id), nz(q->id));
}

#define NAT_DETAIL 10

static void nat_figures(tpl_obj *o, const cost_nat *n)
{
    tpl_set(o, "id", n->id);
    set_bytes(o, "bytes_out", n->bytes_out);
    set_bytes(o, "bytes_in", n->bytes_in);
    set_bytes(o, "bytes", n->bytes);
    set_usd(o, "usd", n->usd);
}

static void sec_nat(ctx *c, tpl_obj *m)
{
    const cost_result *r = c->r;
    tpl_flag(m, "has_nats", r->n_nats > 0);
    if (!r->n_nats) return;
    const cost_nat **ns = xmalloc(r->n_nats * sizeof *ns);
    for (size_t i = 0; i < r->n_nats; i++) ns[i] = &r->nats[i];
    qsort(ns, r->n_nats, sizeof *ns, nat_cmp);
    for (size_t i = 0; i < r->n_nats; i++) {
        const cost_nat *n = ns[i];
        tpl_obj *row = tpl_add(m, "nats");
        nat_figures(row, n);
        tpl_set(row, "name", n->name && strcmp(n->name, n->id) ? n->name : "");
        tpl_set(row, "az", n->az_id);
        tpl_set(row, "vpc", n->vpc_id);
        tpl_set(row, "note", n->estimated ? "estimated from client records" : "");
    }
    size_t nd = r->n_nats < NAT_DETAIL ? r->n_nats : NAT_DETAIL;
    for (size_t i = 0; i < nd; i++) {
        const cost_nat *n = ns[i];
        tpl_obj *d = tpl_add(m, "details");
        tpl_setf(d, "num", "%zu", i + 1);
        nat_figures(d, n);
        tpl_set(d, "other_name", n->name && strcmp(n->name, n->id) ? n->name : "");
        tpl_set(d, "az_shown", n->az_id ? n->az_id : "unknown");
        tpl_flag(d, "estimated", n->estimated);
        nat_sankey(c, d, "out_bytes_svg", n, 0, 0);
        nat_sankey(c, d, "out_cost_svg", n, 0, 1);
        nat_sankey(c, d, "in_bytes_svg", n, 1, 0);
        nat_sankey(c, d, "in_cost_svg", n, 1, 1);
        nat_flows_model(c, d, n);
    }
    if (r->n_nats > nd) {
        tpl_setf(m, "n_detailed", "%zu", nd);
        tpl_setf(m, "n_nats", "%zu", r->n_nats);
    }
    free(ns);
}

/* ---------- 4. cross-AZ ---------- */

/* The `graph` object of templates/graph.html: the SVG, or why it is missing. */
static void graph_model(tpl_obj *m, const char *svg, const char *why, const char *what)
{
    tpl_obj *g = tpl_add(m, "graph");
    tpl_flag(g, "has_svg", svg != NULL);
    tpl_set(g, "svg", svg); /* produced by render/graph.c, which escapes its own labels */
    tpl_set(g, "what", what);
    tpl_set(g, "why", why ? why : "the graph module produced nothing");
}

/* Sets key to what a chart writer appended to a scratch buffer. */
static void chart_set(ctx *c, tpl_obj *o, const char *key, dbuf *svg, int rc)
{
    if (rc < 0) c->rc = -1;
    tpl_set(o, key, svg->data);
    dbuf_reset(svg);
}

static void sec_cross_az(ctx *c, tpl_obj *m)
{
    const cost_result *r = c->r;
    set_bytes(m, "bytes", r->cat_bytes[CAT_INTER_AZ]);
    set_usd(m, "usd", r->cat_usd[CAT_INTER_AZ]);
    dbuf svg;
    dbuf_init(&svg, 0);
    chart_set(c, m, "matrix", &svg, charts_az_matrix(r, &svg));
    dbuf_free(&svg);
    graph_model(m, c->o->az_graph_svg, c->o->az_graph_error, "AZ graph");

    pair_row *p = xmalloc((r->n_flows + 1) * sizeof *p);
    size_t n_p = 0;
    for (size_t i = 0; i < r->n_flows; i++) {
        const cost_flow *f = &r->flows[i];
        if (!(f->cat_usd[CAT_INTER_AZ] > 0)) continue;
        uint32_t a = grp(c, f->src), b = grp(c, f->dst);
        /* Unordered pair, the workload (then the lower index) first. */
        int swap = is_workload(r, b) && !is_workload(r, a) ? 1 : is_workload(r, a) && !is_workload(r, b) ? 0 : b < a;
        if (swap) {
            uint32_t t = a;
            a = b;
            b = t;
        }
        p[n_p++] = (pair_row){a, b, f->via, f->cat_bytes[CAT_INTER_AZ], f->cat_usd[CAT_INTER_AZ], 0};
    }
    n_p = pairs_merge(p, n_p);
    /* By cost here, not bytes: the section ranks what costs money. */
    for (size_t i = 1; i < n_p; i++)
        for (size_t j = i; j > 0 && (p[j].usd > p[j - 1].usd); j--) {
            pair_row t = p[j];
            p[j] = p[j - 1];
            p[j - 1] = t;
        }
    size_t n = top_of(c, n_p);
    for (size_t i = 0; i < n; i++) {
        char la[256], lb[256], lv[256];
        ep_label(r, p[i].a, la, sizeof la);
        ep_label(r, p[i].b, lb, sizeof lb);
        const cost_endpoint *ea = &r->eps[p[i].a], *eb = &r->eps[p[i].b];
        tpl_obj *row = tpl_add(m, "pairs");
        tpl_set(row, "a", la);
        tpl_set(row, "az_a", ea->eni ? ea->eni->az_id : "");
        tpl_set(row, "b", lb);
        tpl_set(row, "az_b", eb->eni ? eb->eni->az_id : "");
        if (p[i].via != COST_NONE) ep_label(r, p[i].via, lv, sizeof lv);
        else lv[0] = '\0';
        tpl_set(row, "via", lv);
        set_bytes(row, "bytes", p[i].bytes);
        set_usd(row, "usd", p[i].usd);
    }
    uint64_t ob;
    double ou;
    tpl_obj *o = other_row(m, p, n, n_p, &ob, &ou);
    if (o) {
        set_bytes(o, "bytes", ob);
        set_usd(o, "usd", ou);
    }
    free(p);
}

/* ---------- Transit Gateway (TGW flow logs; only with their records) ---------- */

/* "tgw-attach-… (vpc-…)" when the records name the attachment's VPC. */
static void tgw_label(const char *att, const char *vpc, char *buf, size_t n)
{
    if (vpc) snprintf(buf, n, "%s (%s)", att ? att : "?", vpc);
    else snprintf(buf, n, "%s", att ? att : "?");
}

static void tgw_sankey(ctx *c, tpl_obj *m, const char *key, int by_cost)
{
    const cost_result *r = c->r;
    sankey *s = sankey_new(2);
    for (size_t i = 0; i < r->n_tgw; i++) {
        const cost_tgw_row *w = &r->tgw[i];
        /* the VPC names an attachment best in the little room a Sankey
         * label has (the table below gives both ids) */
        sankey_link(s, sankey_node(s, 0, w->from, w->from_vpc ? w->from_vpc : w->from),
                    sankey_node(s, 1, w->to, w->to_vpc ? w->to_vpc : w->to), by_cost ? w->usd : (double)w->bytes);
    }
    static const char *const cols[] = {"sent in by", "left by"};
    sankey_set(c, m, key, s, by_cost, by_cost ? "Transit Gateway attachments by cost" : "Transit Gateway attachments by bytes",
               cols);
}

static void sec_tgw(ctx *c, tpl_obj *m)
{
    const cost_result *r = c->r;
    set_bytes(m, "bytes", r->tgw_bytes);
    set_usd(m, "usd", r->tgw_usd);
    tpl_setf(m, "n_attachments", "%zu", r->n_tgw_attachments);
    tgw_sankey(c, m, "bytes_svg", 0);
    tgw_sankey(c, m, "cost_svg", 1);
    for (size_t i = 0; i < r->n_tgw; i++) {
        const cost_tgw_row *w = &r->tgw[i];
        char la[256], lb[256];
        tgw_label(w->from, w->from_vpc, la, sizeof la);
        tgw_label(w->to, w->to_vpc, lb, sizeof lb);
        tpl_obj *row = tpl_add(m, "rows");
        tpl_set(row, "from", la);
        tpl_set(row, "to", lb);
        tpl_set(row, "payer", w->payer ? w->payer : "not logged");
        tpl_set(row, "to_account", w->to_account ? w->to_account : "");
        set_share(row, w->bytes, w->usd, r->tgw_bytes, r->tgw_usd);
    }
    tpl_flag(m, "several_accounts", r->n_tgw_accounts > 1);
    for (size_t i = 0; i < r->n_tgw_accounts; i++) {
        tpl_obj *row = tpl_add(m, "accounts");
        tpl_set(row, "account", r->tgw_accounts[i].account ? r->tgw_accounts[i].account : "not logged");
        set_share(row, r->tgw_accounts[i].bytes, r->tgw_accounts[i].usd, r->tgw_bytes, r->tgw_usd);
    }
    if (r->tgw_unpriced_bytes) set_bytes(m, "unpriced", r->tgw_unpriced_bytes);
}

/* ---------- 5. outbound ---------- */

static const char *dest_label(int d)
{
    static const char *const l[] = {"same VPC", "Internet", "AWS service (same region)", "other region", "other VPC", "unknown private"};
    return d >= 0 && d < DEST_COUNT ? l[d] : "?";
}
static const char *path_label(int p)
{
    static const char *const l[] = {"local", "IGW", "NAT", "peering", "endpoint", "TGW", "load balancer"};
    return p >= 0 && p < PATH_COUNT ? l[p] : "?";
}

static int outbound_flow(const cost_result *r, const cost_flow *f)
{
    return !(f->flags & COST_FLOW_INBOUND) && is_workload(r, f->src) && f->dest != DEST_SAME_VPC;
}

/* Both outbound Sankeys (by bytes, by cost) in one pass over the flows:
 * each gets the calls its own pass made, in the same order. */
static void out_sankeys(ctx *c, tpl_obj *m)
{
    const cost_result *r = c->r;
    sankey *s[2] = {sankey_new(3), sankey_new(3)};
    char ka[128], la[256];
    /* a source's node, looked up once (its key and label were printed for
     * every flow); nodes are still made in the same order */
    uint32_t *node_of = xmalloc((r->n_eps + 1) * 2 * sizeof *node_of);
    for (size_t i = 0; i < r->n_eps * 2; i++) node_of[i] = UINT32_MAX;
    for (size_t i = 0; i < r->n_flows; i++) {
        const cost_flow *f = &r->flows[i];
        if (!outbound_flow(r, f)) continue;
        bool known = f->src < r->n_eps && node_of[2 * f->src] != UINT32_MAX;
        if (!known) {
            ep_key(r, f->src, ka, sizeof ka);
            ep_label(r, f->src, la, sizeof la);
        }
        for (int by_cost = 0; by_cost < 2; by_cost++) {
            double v = by_cost ? f->usd : (double)f->bytes;
            uint32_t a = known ? node_of[2 * f->src + (size_t)by_cost] : sankey_node(s[by_cost], 0, ka, la);
            if (f->src < r->n_eps) node_of[2 * f->src + (size_t)by_cost] = a;
            uint32_t p = sankey_node(s[by_cost], 1, path_label(f->path), path_label(f->path));
            uint32_t d = sankey_node(s[by_cost], 2, dest_label(f->dest), dest_label(f->dest));
            sankey_link(s[by_cost], a, p, v);
            sankey_link(s[by_cost], p, d, v);
        }
    }
    free(node_of);
    static const char *const cols[] = {"workloads", "path", "destination class"};
    sankey_set(c, m, "bytes_svg", s[0], 0, "Outbound traffic by bytes", cols);
    sankey_set(c, m, "cost_svg", s[1], 1, "Outbound traffic by cost", cols);
}

static void sec_outbound(ctx *c, tpl_obj *m)
{
    const cost_result *r = c->r;
    out_sankeys(c, m);
    /* Table rows: workload × path × destination class (path and dest are
     * folded into `via` and `dir` of pair_row to reuse its merge). */
    pair_row *p = xmalloc((r->n_flows + 1) * sizeof *p);
    size_t n_p = 0;
    uint64_t total = 0;
    double total_usd = 0;
    for (size_t i = 0; i < r->n_flows; i++) {
        const cost_flow *f = &r->flows[i];
        if (!outbound_flow(r, f)) continue;
        p[n_p++] = (pair_row){f->src, f->dest, f->path, f->bytes, f->usd, 0};
        total += f->bytes;
        total_usd += f->usd;
    }
    n_p = pairs_merge(p, n_p);
    size_t n = top_of(c, n_p);
    for (size_t i = 0; i < n; i++) {
        char la[256];
        ep_label(r, p[i].a, la, sizeof la);
        tpl_obj *row = tpl_add(m, "rows");
        tpl_set(row, "workload", la);
        tpl_set(row, "path", path_label((int)p[i].via));
        tpl_set(row, "dest", dest_label((int)p[i].b));
        set_share(row, p[i].bytes, p[i].usd, total, total_usd);
    }
    uint64_t ob;
    double ou;
    tpl_obj *o = other_row(m, p, n, n_p, &ob, &ou);
    if (o) set_share(o, ob, ou, total, total_usd);
    free(p);
}

/* ---------- 6. top IPs ---------- */

/* The figures of the ranks [from, to) that --top left out, summed into one
 * rank (only the numbers are set), so the "Other" row of a ranking shows
 * what the cut rows paid and the table still adds up. */
static cost_rank rank_sum(const cost_rank *rk, size_t from, size_t to)
{
    cost_rank o = {0};
    for (size_t i = from; i < to; i++) {
        for (int k = 0; k < CAT_COUNT; k++) o.cat_usd[k] += rk[i].cat_usd[k];
        o.usd += rk[i].usd;
        o.bytes += rk[i].bytes;
        o.bytes_out += rk[i].bytes_out;
        o.bytes_in += rk[i].bytes_in;
    }
    return o;
}

/* The figure cells of a payer row — cost per category, total, bytes out and
 * in — shared by the rows and their "Other" row so the columns cannot drift. */
static void payer_model(tpl_obj *o, const cost_rank *x)
{
    int big = -1;
    for (int k = 0; k < CHARTS_NCAT; k++) {
        tpl_obj *cat = tpl_add(o, "cat_usd");
        set_usd(cat, "usd", x->cat_usd[k]);
        tpl_set(cat, "name", cost_cat_name((cost_cat)k));
        /* the collapsed breakdown lists what was paid, not seven zeros */
        tpl_flag(cat, "nz", fabs(x->cat_usd[k]) >= 0.005);
        if (x->cat_usd[k] > 0 && (big < 0 || x->cat_usd[k] > x->cat_usd[big])) big = k;
    }
    tpl_set(o, "mostly", big >= 0 ? cost_cat_name((cost_cat)big) : "free");
    set_usd(o, "cost", x->usd);
    set_bytes(o, "bytes_out", x->bytes_out);
    set_bytes(o, "bytes_in", x->bytes_in);
}

static void sec_top_ips(ctx *c, tpl_obj *m)
{
    const cost_result *r = c->r;
    size_t n_rk = 0;
    cost_rank *rk = cost_rank_by(r, BY_IP, 0, &n_rk);
    size_t n = top_of(c, n_rk);
    set_count(m, "shown", n);
    set_count(m, "payers_total", n_rk);
    for (int k = 0; k < CHARTS_NCAT; k++) {
        tpl_obj *cat = tpl_add(m, "cats");
        tpl_set(cat, "name", cost_cat_name((cost_cat)k));
        set_usd(cat, "usd", r->cat_usd[k]);
    }
    set_usd(m, "total", r->total_usd);
    /* --baseline: each row's change against the same ranking of the baseline. */
    const cost_result *base = c->o->baseline;
    tpl_flag(m, "has_baseline", base != NULL);
    top_base *tb = base ? top_base_new(base, BY_IP) : NULL;
    for (size_t i = 0; i < n; i++) {
        const cost_rank *x = &rk[i];
        tpl_obj *row = tpl_add(m, "payers");
        top_model_rank_cells(row, x, i + 1);
        payer_model(row, x);
        if (tb) top_model_row_delta(row, top_base_usd(tb, x->key), x->usd);
    }
    if (n_rk > n) {
        cost_rank o = rank_sum(rk, n, n_rk);
        tpl_obj *row = tpl_add(m, "payers_other");
        tpl_setf(row, "count", "%zu", n_rk - n);
        payer_model(row, &o);
        double before = 0; /* what the same addresses paid in the baseline */
        for (size_t i = n; tb && i < n_rk; i++) before += top_base_usd(tb, rk[i].key);
        if (tb) top_model_row_delta(row, before, o.usd);
    }
    top_base_free(tb);
    free(rk);

    rk = cost_rank_by(r, BY_PEER, 0, &n_rk);
    n = top_of(c, n_rk);
    tb = base ? top_base_new(base, BY_PEER) : NULL;
    for (size_t i = 0; i < n; i++) {
        const cost_rank *x = &rk[i];
        tpl_obj *row = tpl_add(m, "peers");
        top_model_rank_cells(row, x, i + 1);
        set_bytes(row, "bytes", x->bytes);
        set_usd(row, "cost", x->usd);
        if (tb) top_model_row_delta(row, top_base_usd(tb, x->key), x->usd);
    }
    top_base_free(tb);
    if (n_rk > n) {
        cost_rank o = rank_sum(rk, n, n_rk);
        tpl_obj *row = tpl_add(m, "peers_other");
        tpl_setf(row, "count", "%zu", n_rk - n);
        set_bytes(row, "bytes", o.bytes);
        set_usd(row, "cost", o.usd);
    }
    free(rk);
}

/* ---------- 7. topology, 8. over time ---------- */

static void sec_topology(ctx *c, tpl_obj *m)
{
    graph_model(m, c->o->topology_svg, c->o->topology_error, "topology graph");
}

static void sec_over_time(ctx *c, tpl_obj *m)
{
    dbuf svg;
    dbuf_init(&svg, 0);
    chart_set(c, m, "legend", &svg, charts_legend(&svg, "leg-hourly"));
    chart_set(c, m, "hourly", &svg, charts_hourly(c->r, "hourly", &svg));
    tpl_set(m, "per", charts_daily(c->r) ? "day" : "hour");
    chart_set(c, m, "heat_bytes", &svg, charts_heatmap(c->r, 0, "heat-b", &svg));
    chart_set(c, m, "heat_cost", &svg, charts_heatmap(c->r, 1, "heat-c", &svg));
    dbuf_free(&svg);
}

/* ---------- 9. security ---------- */

typedef struct port_count {
    uint16_t port;
    size_t sources;
    uint64_t records;
} port_count;

FC_COMPARATOR(port_cmp, port_count, FC_DESC(sources) FC_DESC(records) FC_ASC(port))

static void sec_security(ctx *c, tpl_obj *m)
{
    const cost_result *r = c->r;
    set_count(m, "rejected", r->records.rejected);
    dbuf svg;
    dbuf_init(&svg, 0);
    chart_set(c, m, "rejected_svg", &svg, charts_rejected(r, "rej", &svg));
    dbuf_free(&svg);

    port_count *pc = xcalloc(r->n_reject_sources * 10 + 1, sizeof *pc);
    size_t npc = 0;
    for (size_t i = 0; i < r->n_reject_sources; i++) {
        const cost_reject_source *x = &r->reject_sources[i];
        char ip[IP_STRLEN], ports[10 * 7 + 1];
        size_t pl = 0;
        ip_format(&x->src, ip, sizeof ip);
        tpl_obj *row = tpl_add(m, "sources");
        tpl_set(row, "ip", ip);
        set_count(row, "records", x->records);
        ports[0] = '\0';
        for (size_t k = 0; k < x->n_ports && k < 10; k++) {
            pl += (size_t)snprintf(ports + pl, sizeof ports - pl, "%s%u", k ? ", " : "", (unsigned)x->ports[k]);
            size_t j;
            for (j = 0; j < npc; j++) if (pc[j].port == x->ports[k]) break;
            if (j == npc) pc[npc++] = (port_count){x->ports[k], 0, 0};
            pc[j].sources++;
            pc[j].records += x->records;
        }
        tpl_set(row, "targeted", ports);
    }

    qsort(pc, npc, sizeof *pc, port_cmp);
    size_t n = top_of(c, npc);
    for (size_t i = 0; i < n; i++) {
        tpl_obj *row = tpl_add(m, "ports");
        tpl_setf(row, "port", "%u", (unsigned)pc[i].port);
        set_count(row, "n_sources", pc[i].sources);
        set_count(row, "records", pc[i].records);
    }
    free(pc);

    /* Scans can be many on a noisy account: one table row each, top N. */
    size_t ns = 0, shown = 0;
    for (size_t i = 0; i < r->n_findings; i++) {
        const cost_finding *f = &r->findings[i];
        if (!f->kind || strcmp(f->kind, "port_scan")) continue;
        ns++;
        if (shown >= c->top) continue;
        shown++;
        tpl_obj *row = tpl_add(m, "scans");
        tpl_set(row, "title", f->title ? f->title : f->kind);
        for (size_t k = 0; k < f->n_evidence && k < 3; k++) {
            tpl_obj *e = tpl_add(row, "observed");
            tpl_flag(e, "first", k == 0);
            tpl_set(e, "label", f->evidence[k].label);
        }
        if (f->n_evidence > 3) tpl_setf(row, "more", "%zu", f->n_evidence - 3);
        else tpl_set(row, "more", "");
        resource_model(row, f);
    }
    if (ns > shown) tpl_setf(m, "scans_other", "%zu", ns - shown);
    tpl_flag(m, "any_scans", ns > 0);
    for (size_t i = 0; i < r->n_findings; i++)
        if (is_security(r->findings[i].kind) && strcmp(r->findings[i].kind, "port_scan"))
            finding_model(c, tpl_add(m, "cards"), &r->findings[i], i);
}

/* ---------- 10. baseline ---------- */

static void delta_model(tpl_obj *o, const baseline_row *x)
{
    set_usd(o, "before", x->before_usd);
    set_usd(o, "after", x->after_usd);
    tpl_set(o, "arrow", x->delta_usd > 0.005 ? "\xE2\x96\xB2" : x->delta_usd < -0.005 ? "\xE2\x96\xBC" : "=");
    tpl_set(o, "trend", x->delta_usd > 0.005 ? "up" : x->delta_usd < -0.005 ? "down" : "same");
    char s[64];
    fc_format_usd(x->delta_usd, s, sizeof s);
    set_v(o, "delta", "", "%s$%s", x->delta_usd > 0.005 ? "+" : "", s[0] == '-' ? s + 1 : s);
    set_v(o, "delta", "_v", "%.6f", x->delta_usd);
    if (x->status == 1) {
        tpl_set(o, "pct_v", "1e9");
        tpl_set(o, "pct", "new");
    } else if (x->status == -1) {
        tpl_set(o, "pct_v", "-1e9");
        tpl_set(o, "pct", "vanished");
    } else if (isnan(x->pct)) {
        tpl_set(o, "pct_v", "0");
        tpl_set(o, "pct", "\xE2\x80\x94");
    } else {
        set_v(o, "pct", "_v", "%.4f", x->pct);
        char p[32];
        top_model_pct(x->before_usd, x->after_usd, p, sizeof p); /* never "-0.0%" */
        tpl_set(o, "pct", p);
    }
}

static void base_table(ctx *c, tpl_obj *m, const char *id, const char *caption, const char *keyname,
                       const baseline_row *rows, size_t n)
{
    tpl_obj *t = tpl_add(m, "tables");
    tpl_set(t, "id", id);
    tpl_set(t, "caption", caption);
    tpl_set(t, "keyname", keyname);
    tpl_list(t, "rows");
    size_t shown = top_of(c, n);
    /* A name column only where some row has a name (categories have none). */
    bool names = false;
    for (size_t i = 0; i < shown; i++) names |= rows[i].name && *rows[i].name;
    tpl_flag(t, "names", names);
    for (size_t i = 0; i < shown; i++) {
        tpl_obj *row = tpl_add(t, "rows");
        tpl_set(row, "key", rows[i].key);
        tpl_set(row, "name", rows[i].name);
        delta_model(row, &rows[i]);
    }
    if (n > shown) tpl_setf(t, "more", "%zu", n - shown);
    else tpl_set(t, "more", "");
}

static void sec_baseline(ctx *c, tpl_obj *m)
{
    baseline_diff *d = baseline_compare(c->o->baseline, c->r);
    tpl_flag(m, "compared", d != NULL);
    if (!d) return;
    set_usd(m, "before_total", d->before_total);
    set_usd(m, "after_total", d->after_total);
    if (d->before_total > 0) {
        char p[32];
        top_model_pct(d->before_total, d->after_total, p, sizeof p); /* never "-0.0%" */
        tpl_set(m, "total_pct", p);
    }
    char t[32];
    fc_format_time(d->before_start, t, sizeof t);
    tpl_setf(m, "base_from", "%.10s", t);
    fc_format_time(d->before_end > d->before_start ? d->before_end - 1 : d->before_end, t, sizeof t);
    tpl_setf(m, "base_to", "%.10s", t);
    tpl_flag(m, "same_period", top_model_same_period(c->o->baseline, c->r));
    base_table(c, m, "baseline-cats", "Change per category", "category", d->cats, d->n_cats);
    base_table(c, m, "baseline-nats", "Change per NAT gateway", "NAT gateway", d->nats, d->n_nats);
    base_table(c, m, "baseline-ips", "IPs whose cost moved most", "IP", d->ips, d->n_ips);
    baseline_free(d);
}

/* ---------- with --cur: the bill (render/recon_view.c) ---------- */

static void sec_reconcile(ctx *c, tpl_obj *m)
{
    if (c->o->recon) recon_view_model(c->o->recon, c->o->top, m); /* report_model() asks for any slot */
}

/* ---------- 11. method ---------- */

static int ep_bytes_cmp(const void *x, const void *y)
{
    const cost_endpoint *p = *(const cost_endpoint *const *)x, *q = *(const cost_endpoint *const *)y;
    uint64_t a = p->bytes_in + p->bytes_out, b = q->bytes_in + q->bytes_out;
    if (a != b) return a > b ? -1 : 1;
    return ip_cmp(&p->ip, &q->ip);
}

static void rate_model(tpl_obj *m, const region_rates *x)
{
    tpl_obj *row = tpl_add(m, "rates");
    tpl_set(row, "region", x->region);
    double v[] = {x->nat_per_gb, x->inter_az_per_gb, x->internet_egress_per_gb, x->inter_region_per_gb,
                  x->interface_endpoint_per_gb, x->transit_gateway_per_gb, x->regional_public_per_gb,
                  x->nat_per_hour, x->interface_endpoint_per_az_hour};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        tpl_obj *p = tpl_add(row, "prices");
        set_v(p, "price", "_v", "%.6f", v[i]);
        set_v(p, "price", "", "$%.4f", v[i]);
    }
}

static void sec_method(ctx *c, tpl_obj *m)
{
    const cost_result *r = c->r;
    size_t shown = 0;
    if (c->o->rates) {
        /* Only the regions that priced something; all of them if none is known. */
        for (size_t i = 0; i < rates_count(c->o->rates); i++) {
            const region_rates *x = rates_at(c->o->rates, i);
            int used = 0;
            for (size_t k = 0; k < r->n_eps && !used; k++)
                used = r->eps[k].cls == EP_ENI && r->eps[k].region && !strcmp(r->eps[k].region, x->region);
            if (used) {
                rate_model(m, x);
                shown++;
            }
        }
        if (!shown)
            for (size_t i = 0; i < rates_count(c->o->rates); i++, shown++) rate_model(m, rates_at(c->o->rates, i));
    }
    tpl_set(m, "source", r->rates_source ? r->rates_source : "embedded");

    tpl_flag(m, "has_fixed", r->n_fixed > 0);
    for (size_t i = 0; i < r->n_fixed; i++) {
        tpl_obj *row = tpl_add(m, "fixed");
        tpl_set(row, "kind", r->fixed[i].kind);
        tpl_set(row, "id", r->fixed[i].id);
        set_v(row, "hours", "_v", "%.4f", r->fixed[i].hours);
        set_v(row, "hours", "", "%.1f", r->fixed[i].hours);
        set_usd(row, "usd", r->fixed[i].usd);
    }

    set_bytes(m, "estimated", r->estimated_bytes);
    tpl_flag(m, "learned_only", r->kinds_learned_only);
    set_count_s(m, "unknown", r->n_unknown_private);
    set_bytes(m, "unknown_bytes", r->unknown_private_bytes);
    const agg_stats *st = &r->records;
    set_count_s(m, "malformed", st->malformed);
    set_count_s(m, "nodata", st->nodata);
    set_count_s(m, "skipdata", st->skipdata);
    set_count_s(m, "filtered", st->filtered);

    /* The unknown private peers themselves, largest first. */
    size_t nu = 0;
    for (size_t i = 0; i < r->n_eps; i++) if (r->eps[i].cls == EP_UNKNOWN_PRIVATE) nu++;
    tpl_flag(m, "has_unknown", nu > 0);
    if (nu) {
        const cost_endpoint **u = xmalloc(nu * sizeof *u);
        nu = 0;
        for (size_t i = 0; i < r->n_eps; i++) if (r->eps[i].cls == EP_UNKNOWN_PRIVATE) u[nu++] = &r->eps[i];
        qsort(u, nu, sizeof *u, ep_bytes_cmp);
        size_t n = top_of(c, nu);
        for (size_t i = 0; i < n; i++) {
            char ip[IP_STRLEN];
            ip_format(&u[i]->ip, ip, sizeof ip);
            tpl_obj *row = tpl_add(m, "peers");
            tpl_set(row, "ip", ip);
            set_bytes(row, "sent", u[i]->bytes_out);
            set_bytes(row, "received", u[i]->bytes_in);
        }
        if (nu > n) tpl_setf(m, "peers_other", "%zu", nu - n);
        free(u);
    }

    tpl_set(m, "sync_token", r->ipranges_version ? r->ipranges_version : "not loaded");
    tpl_set(m, "ipr_created", r->ipranges_created && *r->ipranges_created ? r->ipranges_created : "unknown");
    tpl_set(m, "ipr_source", r->ipranges_source ? r->ipranges_source : "bundled");
    unsigned src = c->inv ? inv_sources(c->inv) : 0;
    static const struct { unsigned bit; const char *what; } srcs[] = {
        {INV_FROM_SNAPSHOT, "ENI snapshot"}, {INV_FROM_LIVE, "live EC2"}, {INV_FROM_RECORDS, "learned from records"}};
    char inv[128] = "";
    for (size_t i = 0; i < sizeof srcs / sizeof *srcs; i++)
        if (src & srcs[i].bit) snprintf(inv + strlen(inv), sizeof inv - strlen(inv), "%s%s", *inv ? ", " : "", srcs[i].what);
    tpl_set(m, "inventory", *inv ? inv : "learned from records");
    tpl_flag(m, "has_inv", c->inv != NULL);
    if (c->inv) {
        set_count_s(m, "enis", inv_eni_count(c->inv));
        set_count_s(m, "subnets", inv_subnet_count(c->inv));
    }
    set_time(m, "snapshot", c->inv ? inv_fetched_at(c->inv) : 0);
    set_bytes(m, "bytes_in", st->bytes_in);
}

/* Anomalies against the earlier periods (issue 19): one row per run of
 * flagged hours, in time order. */
static void sec_anomalies(ctx *c, tpl_obj *m)
{
    const anomaly_list *l = c->o->anomalies;
    set_num_s(m, "n", l->n);
    set_num_s(m, "periods", l->n_baselines);
    tpl_set(m, "word", l->n == 1 ? "anomaly" : "anomalies");
    for (size_t i = 0; i < l->n; i++) {
        const anomaly *a = &l->v[i];
        tpl_obj *row = tpl_add(m, "rows");
        tpl_set(row, "kind", anomaly_kind_name(a->kind));
        tpl_set(row, "key", a->key);
        tpl_set(row, "name", a->name);
        set_time(row, "hour", (int64_t)a->hour * 3600);
        set_v(row, "hour", "_v", "%d", a->hour);
        set_num_s(row, "hours", a->hours);
        tpl_flag(row, "new", a->kind == ANOMALY_NEW_TALKER);
        set_usd(row, "expected", a->expected_usd);
        set_usd(row, "lo", a->band_lo);
        set_usd(row, "hi", a->band_hi);
        set_usd(row, "actual", a->actual_usd);
        set_v(row, "score", "", "%.1f", a->score);
        set_v(row, "score", "_v", "%.3f", a->score);
        tpl_set(row, "trend", a->score < 0 ? "down" : "up");
    }
}

/* ---------- the page ---------- */


/* A converted section fills a model that its template renders. */
typedef void (*model_fn)(ctx *, tpl_obj *);
/* Fill a fresh model with `fill` and render the template `name` with it
 * into out. */
static int render_section(ctx *c, model_fn fill, const char *name, dbuf *out, char *err, size_t errlen)
{
    tpl *t;
    if (tpl_load(c->o->template_dir, name, &t, err, errlen) < 0) return -1;
    tpl_model *m = tpl_model_new();
    fill(c, tpl_root(m));
    int rc = tpl_render(t, tpl_root(m), out, err, errlen);
    tpl_model_free(m);
    tpl_free(t);
    return rc;
}

static const struct {
    const char *slot, *id, *nav;
    model_fn model;
    const char *tpl;
} sections[] = {
    {"summary", "summary", "Summary", sec_summary, "sec_summary.html"},
    {"findings", "findings", "Findings", sec_findings, "sec_findings.html"},
    {"nat", "nat", "NAT gateways", sec_nat, "sec_nat.html"},
    {"cross_az", "cross-az", "Cross-AZ", sec_cross_az, "sec_cross_az.html"},
    {"tgw", "tgw", "Transit Gateway", sec_tgw, "sec_tgw.html"},
    {"outbound", "outbound", "Outbound", sec_outbound, "sec_outbound.html"},
    {"top_ips", "top-ips", "Top IPs", sec_top_ips, "sec_top_ips.html"},
    {"topology", "topology", "Topology", sec_topology, "sec_topology.html"},
    {"over_time", "over-time", "Over time", sec_over_time, "sec_over_time.html"},
    {"security", "security", "Security", sec_security, "sec_security.html"},
    {"baseline", "baseline", "Baseline", sec_baseline, "sec_baseline.html"},
    {"anomalies", "anomalies", "Anomalies", sec_anomalies, "sec_anomalies.html"},
    {"reconcile", "reconciliation", "Bill", sec_reconcile, "sec_reconcile.html"},
    {"method", "method", "Method", sec_method, "sec_method.html"},
};
#define NSEC (sizeof sections / sizeof *sections)

/* Section 10 exists only with a baseline, the anomalies only with earlier
 * periods, the bill's only with --cur, the Transit Gateway one only with
 * TGW flow-log records; every other one always. */
static bool section_shown(const cost_result *r, const report_opts *o, size_t i)
{
    if (!strcmp(sections[i].id, "anomalies")) return o->anomalies != NULL;
    if (!strcmp(sections[i].id, "reconciliation")) return o->recon != NULL;
    if (!strcmp(sections[i].id, "tgw")) return r->n_tgw > 0;
    return o->baseline || strcmp(sections[i].id, "baseline");
}

static void page_subtitle(ctx *c, tpl_obj *m)
{
    set_time(m, "start", c->r->period_start);
    set_time(m, "end", c->r->period_end);
}

static void page_nav(ctx *c, tpl_obj *m)
{
    for (size_t i = 0; i < NSEC; i++) {
        if (!section_shown(c->r, c->o, i)) continue;
        tpl_obj *x = tpl_add(m, "sections");
        tpl_set(x, "id", sections[i].id);
        tpl_set(x, "nav", sections[i].nav);
    }
}

static void page_footer(ctx *c, tpl_obj *m)
{
    tpl_set(m, "version", c->o->version ? c->o->version : "flowcost");
    set_time(m, "now", c->o->now);
}

tpl_model *report_model(const cost_result *r, const inventory *inv, const report_opts *o, const char *slot)
{
    for (size_t i = 0; i < NSEC; i++) {
        if (strcmp(sections[i].slot, slot)) continue;
        ctx c = {r, inv, o, o->top ? o->top : SIZE_MAX, NULL, 0, ep_groups(r)};
        tpl_model *m = tpl_model_new();
        sections[i].model(&c, tpl_root(m));
        free(c.grp);
        return m;
    }
    return NULL;
}

int report_html(const cost_result *r, const inventory *inv, const report_opts *o, dbuf *out, char *err, size_t errlen)
{
    if (!r || !o) return fc_err(err, errlen, "nothing to report");
    char *shell = NULL, *css = NULL, *js = NULL;
    size_t tl, cl, jl;
    if (report_template(o->template_dir, "report.html", &shell, &tl, err, errlen) < 0) return -1;
    if (report_template(o->template_dir, "report.css", &css, &cl, err, errlen) < 0 ||
        report_template(o->template_dir, "report.js", &js, &jl, err, errlen) < 0) {
        free(shell);
        free(css);
        return -1;
    }
    if (tpl_raw_text_check("report.css", css, 0, err, errlen) < 0 ||
        tpl_raw_text_check("report.js", js, 1, err, errlen) < 0) {
        free(shell);
        free(css);
        free(js);
        return -1;
    }

    enum { S_TITLE = NSEC, S_SUBTITLE, S_NAV, S_CSS, S_JS, S_META, S_FOOTER, S_N };
    const char *names[S_N];
    dbuf vals[S_N];
    for (size_t i = 0; i < S_N; i++) dbuf_init(&vals[i], 0);
    ctx c = {r, inv, o, o->top ? o->top : SIZE_MAX, NULL, 0, ep_groups(r)};
    int rc = 0;
    for (size_t i = 0; i < NSEC && rc == 0; i++) {
        names[i] = sections[i].slot;
        c.b = &vals[i];
        if (!section_shown(r, o, i)) continue;
        rc = render_section(&c, sections[i].model, sections[i].tpl, &vals[i], err, errlen);
    }
    const char *title = o->title && *o->title ? o->title : "flowcost report";
    names[S_TITLE] = "title";
    if (esc_html(&vals[S_TITLE], title) < 0) c.rc = -1;
    names[S_SUBTITLE] = "subtitle";
    if (rc == 0) rc = render_section(&c, page_subtitle, "page_subtitle.html", &vals[S_SUBTITLE], err, errlen);
    names[S_NAV] = "nav";
    if (rc == 0) rc = render_section(&c, page_nav, "page_nav.html", &vals[S_NAV], err, errlen);
    names[S_FOOTER] = "footer";
    if (rc == 0) rc = render_section(&c, page_footer, "page_footer.html", &vals[S_FOOTER], err, errlen);
    names[S_CSS] = "css";
    c.b = &vals[S_CSS];
    put(&c, css);
    names[S_JS] = "script";
    c.b = &vals[S_JS];
    put(&c, js);

    /* Machine-readable page facts for the script and for tools. */
    names[S_META] = "meta_json";
    c.b = &vals[S_META];
    char t0[32], t1[32], tn[32];
    fc_format_time(r->period_start, t0, sizeof t0);
    fc_format_time(r->period_end, t1, sizeof t1);
    fc_format_time(o->now, tn, sizeof tn);
    put(&c, "{\"title\":");
    if (esc_json_script(c.b, title) < 0) c.rc = -1;
    putf(&c, ",\"generated\":\"%s\",\"period\":{\"start\":\"%s\",\"end\":\"%s\"},\"total_usd\":%.4f,\"sections\":[", tn, t0, t1,
         r->total_usd);
    int firstsec = 1;
    for (size_t i = 0; i < NSEC; i++) {
        if (!section_shown(r, o, i)) continue;
        putf(&c, "%s\"%s\"", firstsec ? "" : ",", sections[i].id);
        firstsec = 0;
    }
    put(&c, "]}");

    if (rc == 0 && c.rc < 0) rc = fc_err(err, errlen, "report larger than the output limit");
    const char *values[S_N];
    for (size_t i = 0; i < S_N; i++) values[i] = vals[i].data ? vals[i].data : "";
    if (rc == 0) rc = report_fill("report.html", shell, tl, names, values, S_N, out, err, errlen);
    for (size_t i = 0; i < S_N; i++) dbuf_free(&vals[i]);
    free(c.grp);
    free(shell);
    free(css);
    free(js);
    return rc;
}
