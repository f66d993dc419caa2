/* baseline: the "compared with last week" view. Two priced periods are
 * joined by key (category, NAT gateway id, payer IP) so the weekly review can
 * see what moved, including payers that appeared or went away. Kept apart
 * from the cost model because it only reads two finished cost_results. */
#include "baseline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip.h"
#include "util.h"

const char *baseline_status_name(int status)
{
    return status > 0 ? "new" : status < 0 ? "vanished" : "changed";
}

static void row_finish(baseline_row *r)
{
    r->delta_usd = r->after_usd - r->before_usd;
    r->pct = r->before_usd != 0.0 ? r->delta_usd / r->before_usd * 100.0 : NAN;
}

/* Largest movement first; the key breaks ties so the order is total. */
static int row_cmp(const void *pa, const void *pb)
{
    const baseline_row *a = pa, *b = pb;
    double da = fabs(a->delta_usd), db = fabs(b->delta_usd);
    if (da != db) return da > db ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* One merge of two key-sorted lists into rows: a key in both is
 * "changed", in before only "vanished", in after only "new". fill sets a
 * row's key, name and figures from its before and after items (either
 * NULL). Returns the row count; rows are sorted by movement. */
typedef void row_fill(baseline_row *r, const void *before, const void *after);

static size_t join(baseline_row *rows, const void *const *vb, size_t nb, const void *const *va, size_t na,
                   int (*cmp)(const void *, const void *), row_fill *fill)
{
    size_t n = 0, i = 0, j = 0;
    while (i < nb || j < na) {
        int c = i == nb ? 1 : j == na ? -1 : cmp(&vb[i], &va[j]);
        baseline_row *r = &rows[n++];
        fill(r, c <= 0 ? vb[i] : NULL, c >= 0 ? va[j] : NULL);
        i += c <= 0;
        j += c >= 0;
        r->status = c < 0 ? -1 : c > 0 ? 1 : 0;
        row_finish(r);
    }
    qsort(rows, n, sizeof *rows, row_cmp);
    return n;
}

static int nat_cmp(const void *pa, const void *pb)
{
    const cost_nat *a = *(const cost_nat *const *)pa, *b = *(const cost_nat *const *)pb;
    return strcmp(a->id ? a->id : "", b->id ? b->id : "");
}

static const cost_nat **sorted_nats(const cost_result *r)
{
    const cost_nat **v = xcalloc(r->n_nats + 1, sizeof *v);
    for (size_t i = 0; i < r->n_nats; i++) v[i] = &r->nats[i];
    qsort(v, r->n_nats, sizeof *v, nat_cmp);
    return v;
}

static void nat_fill(baseline_row *r, const void *before, const void *after)
{
    const cost_nat *nb = before, *na = after, *k = nb ? nb : na;
    snprintf(r->key, sizeof r->key, "%s", k->id ? k->id : "");
    r->name = na && na->name ? na->name : k->name;
    if (nb) r->before_usd = nb->usd, r->before_bytes = nb->bytes;
    if (na) r->after_usd = na->usd, r->after_bytes = na->bytes;
}

static void diff_nats(baseline_diff *d, const cost_result *b, const cost_result *a)
{
    const cost_nat **vb = sorted_nats(b), **va = sorted_nats(a);
    d->nats = xcalloc(b->n_nats + a->n_nats + 1, sizeof *d->nats);
    d->n_nats = join(d->nats, (const void *const *)vb, b->n_nats, (const void *const *)va, a->n_nats, nat_cmp, nat_fill);
    free(vb);
    free(va);
}

static int ep_cmp(const void *pa, const void *pb)
{
    const cost_endpoint *a = *(const cost_endpoint *const *)pa;
    const cost_endpoint *b = *(const cost_endpoint *const *)pb;
    return ip_cmp(&a->ip, &b->ip);
}

/* Payers only: an address that never pays has nothing to compare. */
static const cost_endpoint **sorted_payers(const cost_result *r, size_t *n)
{
    const cost_endpoint **v = xcalloc(r->n_eps + 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < r->n_eps; i++)
        if (r->eps[i].usd > 0.0) v[k++] = &r->eps[i];
    qsort(v, k, sizeof *v, ep_cmp);
    *n = k;
    return v;
}

static void ip_fill(baseline_row *r, const void *before, const void *after)
{
    const cost_endpoint *eb = before, *ea = after, *named = ea ? ea : eb;
    ip_format(&(eb ? eb : ea)->ip, r->key, sizeof r->key);
    r->name = named->eni ? named->eni->name : NULL;
    if (!r->name && eb && eb->eni) r->name = eb->eni->name;
    if (eb) r->before_usd = eb->usd, r->before_bytes = eb->bytes_out + eb->bytes_in;
    if (ea) r->after_usd = ea->usd, r->after_bytes = ea->bytes_out + ea->bytes_in;
}

static void diff_ips(baseline_diff *d, const cost_result *b, const cost_result *a)
{
    size_t nb, na;
    const cost_endpoint **vb = sorted_payers(b, &nb), **va = sorted_payers(a, &na);
    d->ips = xcalloc(nb + na + 1, sizeof *d->ips);
    d->n_ips = join(d->ips, (const void *const *)vb, nb, (const void *const *)va, na, ep_cmp, ip_fill);
    free(vb);
    free(va);
}

baseline_diff *baseline_compare(const cost_result *before, const cost_result *after)
{
    baseline_diff *d = xcalloc(1, sizeof *d);
    d->before_total = before->total_usd;
    d->after_total = after->total_usd;
    d->delta_total = after->total_usd - before->total_usd;
    d->before_start = before->period_start;
    d->before_end = before->period_end;
    d->after_start = after->period_start;
    d->after_end = after->period_end;
    d->before_bytes = before->total_bytes;
    d->after_bytes = after->total_bytes;

    d->cats = xcalloc(CAT_COUNT, sizeof *d->cats);
    d->n_cats = CAT_COUNT;
    for (int c = 0; c < CAT_COUNT; c++) {
        baseline_row *r = &d->cats[c];
        snprintf(r->key, sizeof r->key, "%s", cost_cat_name((cost_cat)c));
        r->before_usd = before->cat_usd[c];
        r->after_usd = after->cat_usd[c];
        r->before_bytes = before->cat_bytes[c];
        r->after_bytes = after->cat_bytes[c];
        /* A category is never "new": it exists in every model run. */
        r->status = 0;
        row_finish(r);
    }
    diff_nats(d, before, after);
    diff_ips(d, before, after);
    return d;
}

void baseline_free(baseline_diff *d)
{
    if (!d) return;
    FC_FREE(d->cats, d->nats, d->ips, d);
}
