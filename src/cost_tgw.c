/* cost_tgw: the transit_gateway charge from Transit Gateway flow-log
 * records, per attachment -> attachment. See cost_int.h and
 * docs/cost-model.md ("Transit Gateway flow logs"). */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "cost.h"
#include "rates.h"
#include "cost_int.h"
#include "util.h"

typedef struct acc {
    const char *from, *to, *payer;
    const char *tgw, *from_vpc, *to_vpc, *to_account, *region;
    uint64_t in_bytes, out_bytes; /* from ingress records at `from`; from egress records at `to` */
} acc;

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

FC_COMPARATOR(cmp_acc, acc, FC_KEY(cmp_str(a->from, b->from)) FC_KEY(cmp_str(a->to, b->to)))

void cost_tgw_chargeback(const cost_tgw_rec *recs, size_t n, double usd_per_gb, cost_tgw_row **rows,
                         size_t *nrows, uint64_t *unpriced_bytes)
{
    acc *as = xcalloc(n + 1, sizeof *as);
    size_t na = 0;
    *unpriced_bytes = 0;
    /* one entry per directed pair; n is small (records are aggregated per
     * attachment pair before they come here), so a sort and a merge do */
    for (size_t i = 0; i < n; i++) {
        const cost_tgw_rec *r = &recs[i];
        if (r->status != FL_OK) continue;
        if (!r->attachment || !r->pair || (r->direction != FL_INGRESS && r->direction != FL_EGRESS)) {
            fc_add_sat(unpriced_bytes, r->bytes);
            continue;
        }
        acc *a = &as[na++];
        memset(a, 0, sizeof *a);
        if (r->direction == FL_INGRESS) {
            a->from = r->attachment;
            a->to = r->pair;
            a->in_bytes = r->bytes;
        } else {
            a->from = r->pair;
            a->to = r->attachment;
            a->out_bytes = r->bytes;
        }
        a->payer = r->src_account;
        a->to_account = r->dst_account;
        a->tgw = r->tgw;
        a->from_vpc = r->src_vpc;
        a->to_vpc = r->dst_vpc;
        a->region = r->region;
    }
    qsort(as, na, sizeof *as, cmp_acc);
    cost_tgw_row *out = xcalloc(na + 1, sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < na;) {
        size_t j = i;
        uint64_t in = 0, eg = 0;
        cost_tgw_row *o = &out[k];
        for (; j < na && cmp_acc(&as[i], &as[j]) == 0; j++) {
            fc_add_sat(&in, as[j].in_bytes);
            fc_add_sat(&eg, as[j].out_bytes);
            /* the first value a record gives: records come in the
             * aggregate's canonical order, so the pick is deterministic */
            const char **d[] = {&o->payer, &o->to_account, &o->tgw, &o->from_vpc, &o->to_vpc, &o->region};
            const char *v[] = {as[j].payer, as[j].to_account, as[j].tgw, as[j].from_vpc, as[j].to_vpc,
                               as[j].region};
            for (size_t f = 0; f < sizeof d / sizeof *d; f++)
                if (!*d[f]) *d[f] = v[f];
        }
        /* the ingress records are the bytes that went in; the egress
         * records repeat them on the way out and count only alone */
        uint64_t b = in ? in : eg;
        o->from = as[i].from;
        o->to = as[i].to;
        o->bytes = b;
        o->usd = (double)b / FC_GIB * usd_per_gb;
        k++;
        i = j;
    }
    free(as);
    *rows = out;
    *nrows = k;
}

FC_COMPARATOR(cmp_row, cost_tgw_row,
              FC_KEY(cmp_str(a->from, b->from)) FC_KEY(cmp_str(a->to, b->to)) FC_KEY(cmp_str(a->region, b->region)))

static int cmp_pstr(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

FC_COMPARATOR(cmp_account, cost_tgw_account, FC_DESC(usd) FC_KEY(cmp_str(a->account, b->account)))

static void by_account(cost_result *r)
{
    cost_tgw_account *v = xcalloc(r->n_tgw + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < r->n_tgw; i++) {
        size_t k = 0;
        while (k < n && cmp_str(v[k].account, r->tgw[i].payer) != 0) k++;
        if (k == n) v[n++].account = r->tgw[i].payer;
        fc_add_sat(&v[k].bytes, r->tgw[i].bytes);
        v[k].usd += r->tgw[i].usd;
    }
    qsort(v, n, sizeof *v, cmp_account);
    r->tgw_accounts = v;
    r->n_tgw_accounts = n;
}

void cost_tgw_build(cost_result *r, const agg *a, inventory *inv, const rate_table *rates, const char *default_region)
{
    size_t n;
    const agg_tgw *t = agg_tgws(a, &n);
    if (!n) return;
    cost_tgw_rec *recs = xcalloc(n, sizeof *recs);
    for (size_t i = 0; i < n; i++) {
        cost_tgw_rec *c = &recs[i];
        /* the result outlives the agg: its strings are the inventory's */
        c->attachment = inv_intern(inv, agg_str(a, t[i].id[FL_TGW_ATTACH]));
        c->pair = inv_intern(inv, agg_str(a, t[i].id[FL_TGW_PAIR]));
        c->src_account = inv_intern(inv, agg_str(a, t[i].id[FL_TGW_SRC_ACCOUNT]));
        c->dst_account = inv_intern(inv, agg_str(a, t[i].id[FL_TGW_DST_ACCOUNT]));
        c->tgw = inv_intern(inv, agg_str(a, t[i].id[FL_TGW_ID]));
        c->src_vpc = inv_intern(inv, agg_str(a, t[i].id[FL_TGW_SRC_VPC]));
        c->dst_vpc = inv_intern(inv, agg_str(a, t[i].id[FL_TGW_DST_VPC]));
        c->region = t[i].region ? inv_intern(inv, agg_str(a, t[i].region)) : default_region;
        c->direction = t[i].direction;
        c->status = t[i].status;
        c->bytes = t[i].bytes;
    }
    /* one chargeback per region, at that region's rate */
    for (size_t i = 1; i < n; i++) { /* insertion sort: stable, and n is small */
        cost_tgw_rec v = recs[i];
        size_t j = i;
        for (; j > 0 && cmp_str(recs[j - 1].region, v.region) > 0; j--) recs[j] = recs[j - 1];
        recs[j] = v;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && cmp_str(recs[j].region, recs[i].region) == 0) j++;
        const region_rates *rr = rates_for(rates, recs[i].region, NULL);
        cost_tgw_row *rows;
        size_t nr;
        uint64_t unpriced;
        cost_tgw_chargeback(recs + i, j - i, rr->transit_gateway_per_gb, &rows, &nr, &unpriced);
        r->tgw = xrealloc(r->tgw, (r->n_tgw + nr + 1) * sizeof *r->tgw);
        memcpy(r->tgw + r->n_tgw, rows, nr * sizeof *rows);
        r->n_tgw += nr;
        fc_add_sat(&r->tgw_unpriced_bytes, unpriced);
        free(rows);
        i = j;
    }
    free(recs);
    if (r->n_tgw) qsort(r->tgw, r->n_tgw, sizeof *r->tgw, cmp_row);
    r->tgw_attachments = xcalloc(2 * r->n_tgw + 1, sizeof *r->tgw_attachments);
    for (size_t i = 0; i < r->n_tgw; i++) {
        const cost_tgw_row *w = &r->tgw[i];
        r->tgw_attachments[r->n_tgw_attachments++] = w->from;
        r->tgw_attachments[r->n_tgw_attachments++] = w->to;
        fc_add_sat(&r->tgw_bytes, w->bytes);
        r->tgw_usd += w->usd;
    }
    if (r->n_tgw_attachments) qsort(r->tgw_attachments, r->n_tgw_attachments, sizeof *r->tgw_attachments, cmp_pstr);
    size_t d = 0;
    for (size_t i = 0; i < r->n_tgw_attachments; i++)
        if (!d || strcmp(r->tgw_attachments[i], r->tgw_attachments[d - 1]) != 0)
            r->tgw_attachments[d++] = r->tgw_attachments[i];
    r->n_tgw_attachments = d;
    by_account(r);
    if (r->tgw_usd > 0) {
        /* per-IP tables (top, the report's top IPs, the mail) cannot show
         * these dollars: say where they are */
        char usd[64];
        fc_format_usd(r->tgw_usd, usd, sizeof usd);
        cost_notice(r, "$%s of transit_gateway comes from Transit Gateway flow logs and is paid by accounts, not "
                       "by an IP address (per-IP tables leave it out): see the Transit Gateway section of the "
                       "report or transit_gateway in the JSON", usd);
    }
    r->total_usd += r->tgw_usd;
    fc_add_sat(&r->total_bytes, r->tgw_bytes);
    r->cat_usd[CAT_TRANSIT_GATEWAY] += r->tgw_usd;
    fc_add_sat(&r->cat_bytes[CAT_TRANSIT_GATEWAY], r->tgw_bytes);
}

bool cost_tgw_covers(const cost_result *r, const char *attachment)
{
    if (!attachment || !r->n_tgw_attachments) return false;
    return bsearch(&attachment, r->tgw_attachments, r->n_tgw_attachments, sizeof *r->tgw_attachments, cmp_pstr) !=
           NULL;
}
