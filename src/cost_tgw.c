/* cost_tgw: the transit_gateway charge from Transit Gateway flow-log
 * records, per attachment -> attachment. See cost_int.h and
 * docs/cost-model.md ("Transit Gateway flow logs"). */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "cost_int.h"
#include "util.h"

typedef struct acc {
    const char *from, *to, *payer;
    uint64_t in_bytes, out_bytes; /* from ingress records at `from`; from egress records at `to` */
} acc;

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_acc(const void *x, const void *y)
{
    const acc *a = x, *b = y;
    int c = cmp_str(a->from, b->from);
    return c ? c : cmp_str(a->to, b->to);
}

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
    }
    qsort(as, na, sizeof *as, cmp_acc);
    cost_tgw_row *out = xcalloc(na + 1, sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < na;) {
        size_t j = i;
        uint64_t in = 0, eg = 0;
        const char *payer = NULL;
        for (; j < na && cmp_acc(&as[i], &as[j]) == 0; j++) {
            fc_add_sat(&in, as[j].in_bytes);
            fc_add_sat(&eg, as[j].out_bytes);
            if (!payer) payer = as[j].payer;
        }
        /* the ingress records are the bytes that went in; the egress
         * records repeat them on the way out and count only alone */
        uint64_t b = in ? in : eg;
        out[k].from = as[i].from;
        out[k].to = as[i].to;
        out[k].payer = payer;
        out[k].bytes = b;
        out[k].usd = (double)b / FC_GIB * usd_per_gb;
        k++;
        i = j;
    }
    free(as);
    *rows = out;
    *nrows = k;
}
