/* cost_rank: `top --by ip|peer|eni|subnet|nat` and the report's top tables
 * group the same charges by a different key. Every grouping adds the very
 * charges cost_run() produced, so with limit 0 the rows of BY_IP, BY_PEER,
 * BY_ENI and BY_SUBNET each add up to totals.cost_usd (BY_NAT covers only
 * the charges of flows through a NAT gateway). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost_int.h"
#include "util.h"

static const char *const by_names[] = {"ip", "peer", "eni", "subnet", "nat"};

int cost_by_parse(const char *s, cost_by *out)
{
    for (size_t i = 0; i < sizeof by_names / sizeof *by_names; i++)
        if (s && !strcmp(s, by_names[i])) {
            *out = (cost_by)i;
            return 0;
        }
    return -1;
}

static void fill_meta(cost_rank *row, const cost_endpoint *e)
{
    const inv_eni *n = cost_ep_eni(e);
    if (!n) return;
    row->name = n->name;
    row->eni = n->id;
    row->kind = eni_kind_name(n->kind);
    row->subnet = n->subnet_id;
    row->vpc = n->vpc_id;
    row->az = n->az_id;
}

/* The key of a charge under `by`, or false when it has none. */
static bool key_of(const cost_result *r, const cost_charge *ch, cost_by by, char *key, size_t n,
                   uint32_t *ep)
{
    const cost_endpoint *p = &r->eps[ch->payer];
    *ep = COST_NONE;
    switch (by) {
    case BY_IP:
        ip_format(&p->ip, key, n);
        *ep = ch->payer;
        return true;
    case BY_PEER: {
        if (ch->peer == COST_NONE) return false;
        const cost_endpoint *q = &r->eps[ch->peer];
        *ep = ch->peer;
        if (q->cls == EP_AWS) snprintf(key, n, "%s %s", q->service ? q->service : "AWS", q->region ? q->region : "");
        else ip_format(&q->ip, key, n);
        return true;
    }
    case BY_ENI:
        snprintf(key, n, "%s", p->eni ? p->eni->id : "-");
        *ep = ch->payer;
        return true;
    case BY_SUBNET:
        snprintf(key, n, "%s", p->eni && p->eni->subnet_id ? p->eni->subnet_id : "-");
        *ep = ch->payer;
        return true;
    case BY_NAT: {
        const cost_flow *f = &r->flows[ch->flow];
        if (!cost_flow_is_nat(f)) return false;
        long i = cost_nat_of_ep(r, f->via);
        if (i >= 0) snprintf(key, n, "%s", r->nats[i].id);
        else ip_format(&r->eps[f->via].ip, key, n);
        *ep = f->via;
        return true;
    }
    }
    return false;
}

static int cmp_rank(const void *x, const void *y)
{
    const cost_rank *a = x, *b = y;
    if (a->usd != b->usd) return a->usd > b->usd ? -1 : 1;
    return strcmp(a->key, b->key);
}

typedef struct rank_tmp {
    cost_rank row;
    uint32_t flow;
    uint8_t cat;
} rank_tmp;

static int cmp_tmp(const void *x, const void *y)
{
    const rank_tmp *a = x, *b = y;
    int c = strcmp(a->row.key, b->row.key);
    if (c) return c;
    if (a->flow != b->flow) return a->flow < b->flow ? -1 : 1;
    if (a->cat != b->cat) return a->cat < b->cat ? -1 : 1;
    return a->row.ep < b->row.ep ? -1 : a->row.ep > b->row.ep;
}

static int cmp_key(const void *x, const void *y)
{
    return strcmp(((const cost_rank *)x)->key, ((const cost_rank *)y)->key);
}

cost_rank *cost_rank_by(const cost_result *r, cost_by by, size_t limit, size_t *n)
{
    *n = 0;
    if (!r || !r->n_charges) return NULL;
    /* One row per charge, sorted by key (then flow), then folded. A
     * payer's charges on one flow all price the same bytes (inter_az
     * halves, NAT processing, egress...), so a row's bytes take each flow
     * once: the traffic behind the cost, not a sum over categories. */
    rank_tmp *t = xcalloc(r->n_charges, sizeof *t);
    size_t m = 0;
    for (size_t i = 0; i < r->n_charges; i++) {
        const cost_charge *ch = &r->charges[i];
        cost_rank *row = &t[m].row;
        uint32_t ep;
        if (!key_of(r, ch, by, row->key, sizeof row->key, &ep)) continue;
        row->ep = ep;
        row->usd = ch->usd;
        row->cat_usd[ch->cat] = ch->usd;
        /* An in-half alone counts nothing but still moved its bytes; both
         * halves merged on one payer count them once. */
        row->bytes = ch->bytes_counted ? ch->bytes_counted : ch->bytes;
        t[m].flow = ch->flow;
        t[m].cat = ch->cat;
        m++;
    }
    qsort(t, m, sizeof *t, cmp_tmp);
    cost_rank *rows = xcalloc(m ? m : 1, sizeof *rows);
    size_t w = 0;
    uint32_t last_flow = UINT32_MAX;
    uint64_t last_bytes = 0;
    for (size_t i = 0; i < m; i++) {
        const cost_rank *x = &t[i].row;
        if (w && !strcmp(rows[w - 1].key, x->key)) {
            cost_rank *d = &rows[w - 1];
            d->usd += x->usd;
            for (int c = 0; c < CAT_COUNT; c++) d->cat_usd[c] += x->cat_usd[c];
            if (t[i].flow != last_flow) {
                d->bytes += x->bytes;
                last_flow = t[i].flow;
                last_bytes = x->bytes;
            } else if (x->bytes > last_bytes) {
                d->bytes += x->bytes - last_bytes;
                last_bytes = x->bytes;
            }
            if (x->ep < d->ep) d->ep = x->ep;
        } else {
            rows[w++] = *x;
            last_flow = t[i].flow;
            last_bytes = x->bytes;
        }
    }
    free(t);
    for (size_t i = 0; i < w; i++) {
        cost_rank *row = &rows[i];
        if (row->ep == COST_NONE) continue;
        const cost_endpoint *e = &r->eps[row->ep];
        fill_meta(row, e);
        if (by == BY_IP || by == BY_PEER || by == BY_NAT) {
            row->bytes_out = e->bytes_out;
            row->bytes_in = e->bytes_in;
        }
        if (by == BY_SUBNET || by == BY_ENI) {
            /* A group, not one address: the representative's name is the
             * ENI's (BY_ENI) or none (BY_SUBNET). */
            if (by == BY_SUBNET) row->name = row->eni = row->kind = NULL;
            row->ep = COST_NONE;
        }
        if (by == BY_NAT) {
            long k = cost_nat_of_ep(r, (uint32_t)(e - r->eps));
            if (k >= 0) {
                row->bytes_out = r->nats[k].bytes_out;
                row->bytes_in = r->nats[k].bytes_in;
                /* untagged: its name is its id, already the key */
                row->name = r->nats[k].name && strcmp(r->nats[k].name, r->nats[k].id) ? r->nats[k].name : NULL;
            }
        }
        if (by == BY_NAT) row->ep = COST_NONE;
    }
    /* Out/in bytes of a peer row that stands for a whole AWS service and
     * region: every address of it, once each. */
    if (by == BY_PEER) {
        for (size_t i = 0; i < w; i++)
            if (rows[i].ep != COST_NONE && r->eps[rows[i].ep].cls == EP_AWS) rows[i].bytes_out = rows[i].bytes_in = 0;
        for (size_t i = 0; i < r->n_eps; i++) {
            const cost_endpoint *e = &r->eps[i];
            if (e->cls != EP_AWS) continue;
            cost_rank probe;
            snprintf(probe.key, sizeof probe.key, "%s %s", e->service ? e->service : "AWS", e->region ? e->region : "");
            cost_rank *hit = bsearch(&probe, rows, w, sizeof *rows, cmp_key);
            if (!hit) continue;
            hit->bytes_out += e->bytes_out;
            hit->bytes_in += e->bytes_in;
        }
    }
    /* Out/in bytes for groups: sum their payers' own traffic once each. */
    if (by == BY_ENI || by == BY_SUBNET) {
        for (size_t i = 0; i < r->n_eps; i++) {
            const cost_endpoint *e = &r->eps[i];
            if (e->cls != EP_ENI || !e->eni) continue;
            char key[64];
            snprintf(key, sizeof key, "%s", by == BY_ENI ? e->eni->id : e->eni->subnet_id ? e->eni->subnet_id : "-");
            cost_rank probe;
            memcpy(probe.key, key, sizeof key);
            cost_rank *hit = bsearch(&probe, rows, w, sizeof *rows, cmp_key);
            if (!hit) continue;
            hit->bytes_out += e->bytes_out;
            hit->bytes_in += e->bytes_in;
        }
    }
    qsort(rows, w, sizeof *rows, cmp_rank);
    if (limit && w > limit) w = limit;
    *n = w;
    return rows;
}

const char *cost_ep_name(const cost_result *r, uint32_t i)
{
    if (i == COST_NONE || i >= r->n_eps) return NULL;
    const cost_endpoint *e = &r->eps[i];
    if (e->cls != EP_ENI || !e->eni) return NULL;
    return e->eni->name ? e->eni->name : e->eni->id;
}

void cost_ep_label(const cost_result *r, uint32_t i, char *buf, size_t n)
{
    if (i == COST_NONE || i >= r->n_eps) {
        snprintf(buf, n, "?");
        return;
    }
    const cost_endpoint *e = &r->eps[i];
    char ip[IP_STRLEN];
    ip_format(&e->ip, ip, sizeof ip);
    const char *nm = cost_ep_name(r, i);
    switch (e->cls) {
    case EP_ENI:
        if (nm) snprintf(buf, n, "%s (%s)", nm, ip);
        else snprintf(buf, n, "%s", ip);
        break;
    case EP_AWS: snprintf(buf, n, "%s %s", e->service ? e->service : "AWS", e->region ? e->region : ""); break;
    case EP_UNKNOWN_PRIVATE: snprintf(buf, n, "%s (unknown private)", ip); break;
    default: snprintf(buf, n, "%s", ip);
    }
}

void cost_nat_label(const cost_nat *nt, char *buf, size_t n)
{
    if (nt->name && strcmp(nt->name, nt->id)) snprintf(buf, n, "%s (%s)", nt->name, nt->id);
    else snprintf(buf, n, "%s", nt->id);
}
