/* cost_learn: with no ENI snapshot the records must describe their own ENIs
 * (cost-model.md §1). An egress record at ENI X proves srcaddr is X's
 * address (AWS writes the interface's address there for outgoing traffic),
 * an ingress record proves dstaddr is; the v3+/v4+ fields give vpc, subnet,
 * instance and AZ ID. The only managed kind that can be recognised is the
 * NAT gateway, by translation: on its ENI pkt-srcaddr/pkt-dstaddr differ
 * from srcaddr/dstaddr. Everything else learned stays "unclassified" and is
 * priced as a workload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost_int.h"
#include "util.h"

/* Evidence about one (ENI, address) pair. */
typedef struct cand {
    uint32_t eni;      /* agg string id */
    ip128 ip;
    uint64_t strong;   /* records that prove the address (direction known) */
    uint64_t weak;     /* records that mention it (no direction: v2) */
} cand;

typedef struct eni_ev {
    uint64_t translated; /* records showing NAT translation */
    bool seen;
} eni_ev;

static int cmp_cand(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->eni != b->eni) return a->eni < b->eni ? -1 : 1;
    return ip_cmp(&a->ip, &b->ip);
}

/* A NAT gateway rewrites a private client's packets to a public
 * destination (or back): the differing packet-level address is public.
 * Requiring "public" keeps EKS nodes out, whose pkt-* fields differ too but
 * carry private pod addresses. */
static bool shows_translation(const agg_group *g)
{
    if ((g->flags & AGG_HAS_PKT_DST) && (g->flags & AGG_HAS_DST) &&
        !ip_eq(&g->pkt_dst, &g->dst) && !ip_is_private(&g->pkt_dst))
        return true;
    if ((g->flags & AGG_HAS_PKT_SRC) && (g->flags & AGG_HAS_SRC) &&
        !ip_eq(&g->pkt_src, &g->src) && !ip_is_private(&g->pkt_src))
        return true;
    return false;
}

/* A private address on a NAT gateway's private leg is a client of ours even
 * when its own ENI is in no snapshot and logs nothing: it pays the NAT's
 * charges (cost-model.md §3), so it must be a workload, not an "unknown
 * private" peer. It gets an ENI named after its address, in the NAT's VPC
 * and region; its AZ stays unknown (so no inter_az is charged for it). */
static size_t learn_nat_clients(inventory *inv, const agg *a)
{
    size_t ng, added = 0;
    const agg_group *gs = agg_groups(a, &ng);
    for (size_t i = 0; i < ng; i++) {
        const agg_group *g = &gs[i];
        if (g->status != FL_OK || g->action != FL_ACCEPT || !(g->flags & AGG_HAS_SRC) || !(g->flags & AGG_HAS_DST))
            continue;
        const char *id = agg_str(a, g->eni);
        const inv_eni *nat = id ? inv_by_id(inv, id) : NULL;
        if (!nat || nat->kind != ENI_NAT_GATEWAY) continue;
        const ip128 *client = NULL;
        /* The client is the private end that is not the gateway: by
         * flow-direction, else by the gateway's own address. */
        if (g->direction == FL_INGRESS) client = &g->src;
        else if (g->direction == FL_EGRESS) client = &g->dst;
        for (size_t k = 0; k < nat->n_ips && !client; k++) {
            if (ip_eq(&nat->ips[k], &g->src)) client = &g->dst;
            else if (ip_eq(&nat->ips[k], &g->dst)) client = &g->src;
        }
        if (!client || !ip_is_private(client) || inv_by_ip(inv, client)) continue;
        char ip[IP_STRLEN], eid[IP_STRLEN + 16];
        ip_format(client, ip, sizeof ip);
        snprintf(eid, sizeof eid, "unlogged-%s", ip);
        inv_eni *e = inv_eni_get(inv, eid);
        if (!e->n_ips) {
            e->kind = ENI_UNCLASSIFIED;
            e->source |= INV_FROM_RECORDS;
            e->vpc_id = nat->vpc_id;
            e->region = nat->region;
            e->name = inv_intern(inv, "client not in the flow logs");
            inv_eni_add_ip(inv, e, client, true);
            inv_finalize(inv);
            added++;
        }
    }
    return added;
}

size_t cost_learn(inventory *inv, const agg *a, const char *default_region)
{
    inv_finalize(inv);
    size_t ng, nstr = agg_str_count(a);
    const agg_group *gs = agg_groups(a, &ng);
    eni_ev *ev = xcalloc(nstr + 1, sizeof *ev);
    cand *cs = NULL;
    size_t nc = 0, capc = 0;

    for (size_t i = 0; i < ng; i++) {
        const agg_group *g = &gs[i];
        if (!g->eni || g->eni > nstr) continue;
        ev[g->eni].seen = true;
        if (g->status != FL_OK) continue;
        if (g->action == FL_ACCEPT && shows_translation(g)) ev[g->eni].translated += g->records;
        ip128 ips[2];
        bool strong[2];
        size_t k = 0;
        if (g->direction == FL_EGRESS && (g->flags & AGG_HAS_SRC)) {
            ips[k] = g->src;
            strong[k++] = true;
        } else if (g->direction == FL_INGRESS && (g->flags & AGG_HAS_DST)) {
            ips[k] = g->dst;
            strong[k++] = true;
        } else if (g->direction == FL_DIR_NONE) {
            if (g->flags & AGG_HAS_SRC) {
                ips[k] = g->src;
                strong[k++] = false;
            }
            if (g->flags & AGG_HAS_DST) {
                ips[k] = g->dst;
                strong[k++] = false;
            }
        }
        for (size_t j = 0; j < k; j++) {
            if (nc == capc) {
                capc = capc ? capc * 2 : 256;
                cs = xrealloc(cs, capc * sizeof *cs);
            }
            cs[nc].eni = g->eni;
            cs[nc].ip = ips[j];
            cs[nc].strong = strong[j] ? g->records : 0;
            cs[nc].weak = strong[j] ? 0 : g->records;
            nc++;
        }
    }
    /* Fold duplicates so each (ENI, address) is one row. */
    if (nc) qsort(cs, nc, sizeof *cs, cmp_cand);
    size_t w = 0;
    for (size_t i = 0; i < nc; i++) {
        if (w && cs[w - 1].eni == cs[i].eni && ip_eq(&cs[w - 1].ip, &cs[i].ip)) {
            cs[w - 1].strong += cs[i].strong;
            cs[w - 1].weak += cs[i].weak;
        } else {
            cs[w++] = cs[i];
        }
    }
    nc = w;

    size_t learned = 0;
    size_t i = 0;
    /* Addresses given out in this pass (the inventory's index is rebuilt
     * only at the end): one address, one ENI. */
    cost_kmap claimed;
    cost_kmap_init(&claimed, sizeof(ip128));
    for (uint32_t id = 1; id <= nstr; id++) {
        size_t lo = i;
        while (i < nc && cs[i].eni == id) i++;
        if (!ev[id].seen) continue;
        const char *eid = agg_str(a, id);
        if (!eid || inv_by_id(inv, eid)) continue;
        inv_eni *e = inv_eni_get(inv, eid);
        e->source |= INV_FROM_RECORDS;
        e->kind = ev[id].translated ? ENI_NAT_GATEWAY : ENI_UNCLASSIFIED;
        const agg_eni_meta *m = agg_eni(a, id);
        if (m) {
            e->vpc_id = inv_intern(inv, agg_str(a, m->vpc));
            e->subnet_id = inv_intern(inv, agg_str(a, m->subnet));
            e->instance_id = inv_intern(inv, agg_str(a, m->instance));
            e->az_id = inv_intern(inv, agg_str(a, m->az_id));
            e->account = inv_intern(inv, agg_str(a, m->account));
            e->region = inv_intern(inv, agg_str(a, m->region));
        }
        if (!e->region) e->region = inv_intern(inv, default_region);
        bool any_strong = false;
        for (size_t j = lo; j < i; j++) any_strong |= cs[j].strong > 0;
        if (any_strong) {
            for (size_t j = lo; j < i; j++)
                if (cs[j].strong && !inv_by_ip(inv, &cs[j].ip) && !cost_kmap_has(&claimed, &cs[j].ip)) {
                    cost_kmap_get(&claimed, &cs[j].ip, NULL);
                    inv_eni_add_ip(inv, e, &cs[j].ip, ip_is_private(&cs[j].ip));
                }
        } else {
            /* v2: the interface's own address is in every record it logs,
             * so it is the most mentioned one (ties: a private address,
             * then the lowest). */
            size_t best = SIZE_MAX;
            for (size_t j = lo; j < i; j++)
                if (!inv_by_ip(inv, &cs[j].ip) && !cost_kmap_has(&claimed, &cs[j].ip) &&
                    (best == SIZE_MAX || cs[j].weak > cs[best].weak ||
                     (cs[j].weak == cs[best].weak && ip_is_private(&cs[j].ip) && !ip_is_private(&cs[best].ip))))
                    best = j;
            if (best != SIZE_MAX) {
                cost_kmap_get(&claimed, &cs[best].ip, NULL);
                inv_eni_add_ip(inv, e, &cs[best].ip, ip_is_private(&cs[best].ip));
            }
        }
        learned++;
    }
    cost_kmap_free(&claimed);
    inv_finalize(inv);
    learned += learn_nat_clients(inv, a);
    if (learned) inv_add_source(inv, INV_FROM_RECORDS, 0);
    inv_finalize(inv);
    free(cs);
    free(ev);
    return learned;
}
