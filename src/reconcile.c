/* reconcile: sets the bill beside the flow-derived figures (--cur) so a
 * user can see how much of it flowcost explains and, where it explains too
 * little, why — the question every FinOps review asks of a flow-log tool
 * first. The rules (which usage type is which category, what a gap's reason
 * is, what --true-up scales) are in docs/reconciliation.md. */
#include "reconcile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost_int.h"
#include "util.h"

#define GIB 1073741824.0
#define DAY 86400

const char *recon_gap_name(recon_gap g)
{
    static const char *const names[GAP_COUNT] = {
        "", "eni_without_flow_log", "skipdata", "hours_missing", "not_seen_by_flow_logs", "flow_above_bill",
        "not_in_bill"};
    return (unsigned)g < GAP_COUNT ? names[g] : "";
}

/* The category each billed class is priced in by the cost model. */
static const cost_cat class_cat[CUR_CLASS_COUNT] = {
    [CUR_NONE] = CAT_COUNT,
    [CUR_NAT_BYTES] = CAT_NAT_PROCESSING,
    [CUR_INTERZONE_OUT] = CAT_INTER_AZ,
    [CUR_INTERZONE_IN] = CAT_INTER_AZ,
    [CUR_REGIONAL_PUBLIC] = CAT_REGIONAL_PUBLIC,
    [CUR_INTERNET_OUT] = CAT_INTERNET_EGRESS,
    [CUR_INTER_REGION] = CAT_INTER_REGION,
    [CUR_ENDPOINT_BYTES] = CAT_INTERFACE_ENDPOINT,
    [CUR_TGW_BYTES] = CAT_TRANSIT_GATEWAY,
};

static bool per_resource(cur_class c)
{
    return c == CUR_NAT_BYTES || c == CUR_INTERZONE_OUT || c == CUR_INTERZONE_IN;
}

static int64_t day_of(int64_t t) { return t - (((t % DAY) + DAY) % DAY); }

static uint64_t gb_bytes(double gb) { return gb > 0 ? (uint64_t)llround(gb * GIB) : 0; }

/* ---- rows: billed and priced entries merged by (day, class, resource) ---- */

typedef struct entry {
    int64_t day;
    cur_class cls;
    const char *res, *usage_type, *operation;
    double billed_gb, billed_usd;
    uint64_t flow_bytes;
    double flow_usd;
} entry;

typedef struct entries {
    entry *v;
    size_t n, cap;
} entries;

static entry *entry_add(entries *e, int64_t day, cur_class cls, const char *res)
{
    GROW(e->v, e->n, e->cap);
    entry *x = &e->v[e->n++];
    memset(x, 0, sizeof *x);
    x->day = day;
    x->cls = cls;
    x->res = res;
    return x;
}

FC_COMPARATOR(entry_cmp, entry, FC_ASC(day) FC_ASC(cls) FC_KEY(strcmp(a->res, b->res)))

/* ---- what the logs hold, per ENI and hour ---- */

typedef struct eni_hour {
    uint32_t eni;
    int32_t hour;
} eni_hour;

FC_COMPARATOR(eh_cmp, eni_hour, FC_ASC(eni) FC_ASC(hour))

typedef struct log_view {
    const agg *a;
    eni_hour *seen, *skip;   /* sorted (eni, hour) with any record / with SKIPDATA */
    size_t n_seen, n_skip;
} log_view;

static void view_build(log_view *v, const agg *a)
{
    size_t ng;
    const agg_group *g = agg_groups(a, &ng);
    v->a = a;
    v->seen = xmalloc((ng + 1) * sizeof *v->seen);
    v->skip = xmalloc((ng + 1) * sizeof *v->skip);
    v->n_seen = v->n_skip = 0;
    for (size_t i = 0; i < ng; i++) {
        if (!g[i].eni || g[i].hour == AGG_NO_HOUR) continue;
        eni_hour x = {g[i].eni, g[i].hour};
        v->seen[v->n_seen++] = x;
        if (g[i].status == FL_SKIPDATA) v->skip[v->n_skip++] = x;
    }
    qsort(v->seen, v->n_seen, sizeof *v->seen, eh_cmp);
    qsort(v->skip, v->n_skip, sizeof *v->skip, eh_cmp);
}

static bool view_has(const eni_hour *v, size_t n, uint32_t eni, int32_t hour)
{
    eni_hour k = {eni, hour};
    return n && bsearch(&k, v, n, sizeof *v, eh_cmp) != NULL;
}

static bool view_any(const log_view *v, uint32_t eni)
{
    for (size_t lo = 0, hi = v->n_seen; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->seen[mid].eni < eni) lo = mid + 1;
        else if (v->seen[mid].eni > eni) hi = mid;
        else return true;
    }
    return false;
}

/* The ENIs of a resource: an instance's (instance_id) or a NAT gateway's
 * (resource_id), as the inventory knows them. */
static size_t resource_enis(const inventory *inv, const char *res, const inv_eni **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < inv_eni_count(inv) && n < max; i++) {
        const inv_eni *e = inv_eni_at(inv, i);
        if ((e->instance_id && !strcmp(e->instance_id, res)) || (e->resource_id && !strcmp(e->resource_id, res)))
            out[n++] = e;
    }
    return n;
}

/* The most likely reason a resource-day's figure falls short of the bill. */
static recon_gap why_short(const log_view *v, const inventory *inv, const recon_row *row, int64_t ps, int64_t pe,
                           char *detail, size_t dn)
{
    const inv_eni *enis[16];
    size_t n = resource_enis(inv, row->resource_id, enis, 16);
    if (!n) {
        snprintf(detail, dn, "no ENI of %.60s in the inventory or the logs", row->resource_id);
        return GAP_NOT_SEEN;
    }
    uint32_t ids[16];
    for (size_t i = 0; i < n; i++) {
        ids[i] = agg_str_id(v->a, enis[i]->id);
        if (!ids[i] || !view_any(v, ids[i])) {
            snprintf(detail, dn, "%.60s has no flow-log record", enis[i]->id);
            return GAP_ENI_WITHOUT_FLOW_LOG;
        }
    }
    int64_t from = row->day > ps ? row->day : ps, to = row->day + DAY < pe ? row->day + DAY : pe;
    int32_t h0 = (int32_t)(from / 3600), h1 = (int32_t)((to + 3599) / 3600);
    size_t skipped = 0, missing = 0, hours = 0;
    for (int32_t h = h0; h < h1; h++) {
        bool any = false, skip = false;
        for (size_t i = 0; i < n; i++) {
            any |= view_has(v->seen, v->n_seen, ids[i], h);
            skip |= view_has(v->skip, v->n_skip, ids[i], h);
        }
        hours++;
        missing += !any;
        skipped += skip;
    }
    if (skipped) {
        snprintf(detail, dn, "SKIPDATA in %zu hour%s on %.60s%s", skipped, skipped == 1 ? "" : "s", enis[0]->id,
                 n > 1 ? " and its other ENIs" : "");
        return GAP_SKIPDATA;
    }
    if (missing) {
        snprintf(detail, dn, "%zu of %zu hours without records", missing, hours);
        return GAP_HOURS_MISSING;
    }
    snprintf(detail, dn, "every ENI logged every hour: traffic the flow logs do not see");
    return GAP_NOT_SEEN;
}

/* ---- the per-day flow figures ---- */

/* The day's records alone, as an agg of their own. */
static agg *agg_of_day(const agg *a, int64_t day)
{
    agg *d = agg_new();
    size_t ng;
    const agg_group *g = agg_groups(a, &ng);
    int32_t h0 = (int32_t)(day / 3600), h1 = h0 + 24;
    for (size_t i = 0; i < ng; i++)
        if (g[i].hour != AGG_NO_HOUR && g[i].hour >= h0 && g[i].hour < h1)
            agg_add(d, &g[i], agg_str(a, g[i].eni), agg_str(a, g[i].src_svc), agg_str(a, g[i].dst_svc));
    for (uint32_t id = 1; id <= agg_str_count(a); id++) {
        const agg_eni_meta *m = agg_eni(a, id);
        if (m)
            agg_note_eni(d, agg_str(a, id), agg_str(a, m->vpc), agg_str(a, m->subnet), agg_str(a, m->instance),
                         agg_str(a, m->az_id), agg_str(a, m->account), agg_str(a, m->region));
    }
    return d;
}

/* The resource an endpoint bills under: its instance, else its managed
 * resource (nat-…), else NULL. */
static const char *ep_resource(const cost_result *r, uint32_t ep)
{
    if (ep >= r->n_eps || r->eps[ep].cls != EP_ENI || !r->eps[ep].eni) return NULL;
    const inv_eni *e = r->eps[ep].eni;
    return e->instance_id ? e->instance_id : e->resource_id;
}

/* A flow's inter-AZ hop: who sends and who receives it. On a NAT flow the
 * hop is client↔NAT (the NAT receives the client's bytes, sends the
 * remote end's); otherwise src→dst. */
static void hop_ends(const cost_flow *f, uint32_t *sender, uint32_t *receiver)
{
    bool nat = f->via != COST_NONE && f->path == PATH_NAT;
    if (!nat) {
        *sender = f->src;
        *receiver = f->dst;
    } else if (f->flags & COST_FLOW_INBOUND) {
        *sender = f->via;
        *receiver = f->dst;
    } else {
        *sender = f->src;
        *receiver = f->via;
    }
}

static void day_flows(entries *e, const cost_result *d, int64_t day)
{
    for (size_t i = 0; i < d->n_nats; i++) {
        if (!d->nats[i].bytes && d->nats[i].usd == 0) continue;
        entry *x = entry_add(e, day, CUR_NAT_BYTES, d->nats[i].id);
        x->flow_bytes = d->nats[i].bytes;
        x->flow_usd = d->nats[i].usd;
    }
    for (size_t i = 0; i < d->n_charges; i++) {
        const cost_charge *ch = &d->charges[i];
        if (ch->cat != CAT_INTER_AZ || !ch->bytes) continue;
        uint32_t snd, rcv;
        hop_ends(&d->flows[ch->flow], &snd, &rcv);
        /* the out-half counts the crossing bytes; the in-half does not */
        bool out = ch->bytes_counted > 0;
        const char *res = ep_resource(d, out ? snd : rcv);
        if (!res) continue;
        entry *x = entry_add(e, day, out ? CUR_INTERZONE_OUT : CUR_INTERZONE_IN, res);
        x->flow_bytes = ch->bytes;
        x->flow_usd = ch->usd;
    }
}

/* ---- the whole ---- */

static int day_cmp(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : a > b;
}

reconcile *reconcile_run(const cur *c, const agg *a, inventory *inv, const lpm *ranges, const rate_table *rates,
                         const cost_options *opt, const cost_result *r, char *err, size_t errlen)
{
    reconcile *rc = xcalloc(1, sizeof *rc);
    rc->files = cur_files(c);
    rc->items = cur_items(c);
    int64_t ps = r->period_start, pe = r->period_end > r->period_start ? r->period_end : r->period_start + 1;
    entries e = {0};
    int64_t *days = NULL;
    size_t n_days = 0, cap_days = 0;

    /* The bill: every network line item overlapping the period. */
    for (size_t i = 0; i < cur_count(c); i++) {
        const cur_line *l = cur_at(c, i);
        if (!(l->start < pe && l->end > ps)) continue;
        rc->lines++;
        recon_cat *k = &rc->cats[class_cat[l->cls]];
        k->present = true;
        k->billed_bytes += gb_bytes(l->gb);
        k->billed_usd += l->usd;
        if (!per_resource(l->cls) || !*l->resource) continue;
        entry *x = entry_add(&e, day_of(l->start), l->cls, l->resource);
        x->usage_type = l->usage_type;
        x->operation = l->operation;
        x->billed_gb = l->gb;
        x->billed_usd = l->usd;
        GROW(days, n_days, cap_days);
        days[n_days++] = x->day;
    }
    /* flowcost's side of the categories: its charges, both inter-AZ halves */
    for (size_t i = 0; i < r->n_charges; i++) {
        const cost_charge *ch = &r->charges[i];
        if (ch->cat >= CAT_FREE) continue;
        recon_cat *k = &rc->cats[ch->cat];
        k->flow_bytes += ch->bytes;
        k->flow_usd += ch->usd;
        if (ch->bytes) k->present = true;
    }

    /* Each billed day priced on its own records. */
    if (n_days) qsort(days, n_days, sizeof *days, day_cmp);
    for (size_t i = 0; i < n_days; i++) {
        if (i && days[i] == days[i - 1]) continue;
        agg *d = agg_of_day(a, days[i]);
        cost_options o = *opt;
        o.since = days[i] > ps ? days[i] : ps;
        o.until = days[i] + DAY < pe ? days[i] + DAY : pe;
        cost_result *dr = agg_count(d) ? cost_run(d, inv, ranges, rates, &o, err, errlen) : NULL;
        if (agg_count(d) && !dr) {
            agg_free(d);
            free(days);
            free(e.v);
            reconcile_free(rc);
            return NULL;
        }
        if (dr) day_flows(&e, dr, days[i]);
        cost_result_free(dr);
        agg_free(d);
    }
    free(days);

    /* Merge billed and priced entries of one key into one row. */
    if (e.n) qsort(e.v, e.n, sizeof *e.v, entry_cmp);
    log_view v;
    view_build(&v, a);
    rc->rows = xcalloc(e.n + 1, sizeof *rc->rows);
    for (size_t i = 0; i < e.n;) {
        recon_row *row = &rc->rows[rc->n_rows++];
        row->day = e.v[i].day;
        row->cls = e.v[i].cls;
        row->resource_id = e.v[i].res;
        double billed_gb = 0;
        size_t j = i;
        for (; j < e.n && entry_cmp(&e.v[i], &e.v[j]) == 0; j++) {
            billed_gb += e.v[j].billed_gb;
            row->billed_usd += e.v[j].billed_usd;
            row->flow_bytes += e.v[j].flow_bytes;
            row->flow_usd += e.v[j].flow_usd;
            if (e.v[j].usage_type && !row->usage_type) {
                row->usage_type = e.v[j].usage_type;
                row->operation = e.v[j].operation;
            }
        }
        i = j;
        row->billed_bytes = gb_bytes(billed_gb);
        if (!row->usage_type) /* priced only: the kind of line item it would be */
            row->usage_type = row->cls == CUR_NAT_BYTES ? "NatGateway-Bytes" : "DataTransfer-Regional-Bytes";
        if (!row->operation)
            row->operation = row->cls == CUR_NAT_BYTES ? "" : row->cls == CUR_INTERZONE_OUT ? "InterZone-Out" : "InterZone-In";
        row->explained_pct = row->billed_bytes ? 100.0 * (double)row->flow_bytes / (double)row->billed_bytes : NAN;
        if (!row->billed_bytes) {
            if (!row->flow_bytes) {
                rc->n_rows--; /* nothing on either side */
                continue;
            }
            row->gap = GAP_NOT_BILLED;
            snprintf(row->detail, sizeof row->detail, "no line item for it in the report (another account's bill?)");
        } else if (row->explained_pct < 100.0 - RECON_GAP_PCT) {
            row->gap = why_short(&v, inv, row, ps, pe, row->detail, sizeof row->detail);
        } else if (row->explained_pct > 100.0 + RECON_GAP_PCT) {
            row->gap = GAP_FLOW_ABOVE_BILL;
            snprintf(row->detail, sizeof row->detail, "the logs count more bytes than were billed");
        }
        rc->n_gaps += row->gap != GAP_NONE;
    }
    free(v.seen);
    free(v.skip);
    free(e.v);

    for (int k = 0; k < CAT_COUNT; k++) {
        recon_cat *x = &rc->cats[k];
        x->factor = 1;
        if (!x->present) continue;
        x->explained_pct = x->billed_usd > 0 ? 100.0 * x->flow_usd / x->billed_usd
                           : x->billed_bytes ? 100.0 * (double)x->flow_bytes / (double)x->billed_bytes
                                             : NAN;
        rc->billed_usd += x->billed_usd;
        rc->explained_usd += x->flow_usd < x->billed_usd ? x->flow_usd : x->billed_usd;
    }
    rc->explained_pct = rc->billed_usd > 0 ? 100.0 * rc->explained_usd / rc->billed_usd : NAN;
    return rc;
}

void reconcile_free(reconcile *rc)
{
    if (!rc) return;
    free(rc->rows);
    free(rc);
}

void reconcile_true_up(cost_result *r, reconcile *rc)
{
    double f[CAT_COUNT];
    for (int k = 0; k < CAT_COUNT; k++) {
        const recon_cat *x = &rc->cats[k];
        f[k] = x->present && x->billed_usd > 0 && x->flow_usd > 0 ? x->billed_usd / x->flow_usd : 1;
        rc->cats[k].factor = f[k];
    }
    double before = r->total_usd;
    /* Each charge moves by its own delta, and everything summed from
     * charges moves with it: the sums of cost-model.md §4 still hold. */
    for (size_t i = 0; i < r->n_charges; i++) {
        cost_charge *ch = &r->charges[i];
        double d = ch->usd * (f[ch->cat] - 1);
        if (d == 0) continue;
        ch->usd += d;
        cost_flow *fl = &r->flows[ch->flow];
        fl->usd += d;
        fl->cat_usd[ch->cat] += d;
        if (ch->payer < r->n_eps) {
            r->eps[ch->payer].usd += d;
            r->eps[ch->payer].cat_usd[ch->cat] += d;
        }
        if (ch->peer < r->n_eps) r->eps[ch->peer].peer_usd += d;
        r->cat_usd[ch->cat] += d;
        r->total_usd += d;
    }
    for (size_t i = 0; i < r->n_hours; i++)
        for (int k = 0; k < CAT_COUNT; k++) r->hours[i].cat_usd[k] *= f[k];
    for (size_t i = 0; i < r->n_nats; i++) r->nats[i].usd *= f[CAT_NAT_PROCESSING];
    for (size_t i = 0; i < r->n_az_pairs; i++) r->az_pairs[i].usd *= f[CAT_INTER_AZ];
    if (before > 0) r->monthly_run_rate_usd *= r->total_usd / before;
    rc->trued_up = true;

    dbuf b;
    dbuf_init(&b, 0);
    for (int k = 0; k < CAT_COUNT; k++)
        if (f[k] != 1) dbuf_printf(&b, "%s%s x%.4f", b.len ? ", " : "", cost_cat_name((cost_cat)k), f[k]);
    cost_notice(r,
                "trued up to the bill (--true-up): attributions scaled per category to the Cost and Usage Report's "
                "totals (%s); findings keep the flow-log figures",
                b.len ? b.data : "nothing to scale");
    dbuf_free(&b);
}

void reconcile_notice(cost_result *r, const reconcile *rc)
{
    char billed[64];
    fc_format_usd(rc->billed_usd, billed, sizeof billed);
    if (isnan(rc->explained_pct)) {
        cost_notice(r, "the Cost and Usage Report bills no network usage flowcost can explain in this period "
                       "(%zu line items read)", (size_t)rc->items);
        return;
    }
    cost_notice(r, "explained %.1f%% of $%s billed for network usage (Cost and Usage Report); %zu resource-day%s "
                   "with a gap of 1%% or more",
                rc->explained_pct, billed, rc->n_gaps, rc->n_gaps == 1 ? "" : "s");
}
