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

/* An address proven to be one ENI's (phase 1 of cost_learn). */
typedef struct cand {
    uint32_t eni;      /* agg string id */
    ip128 ip;
} cand;

typedef struct eni_ev {
    uint64_t translated; /* records showing NAT translation */
    bool seen;
    bool learn;          /* not in the inventory: its addresses come from the records */
} eni_ev;

FC_COMPARATOR(cmp_cand, cand, FC_ASC(eni) FC_KEY(ip_cmp(&a->ip, &b->ip)))

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
    size_t ng, added = 0, nstr = agg_str_count(a);
    const agg_group *gs = agg_groups(a, &ng);
    /* The NAT gateway of each string id, looked up once (was once a
     * group); no pass at all without one. The ENIs this adds are never
     * NAT gateways, so no id gains one on the way. */
    const inv_eni **nat_of = xcalloc(nstr + 1, sizeof *nat_of);
    bool any = false;
    for (uint32_t id = 1; id <= nstr; id++) {
        const inv_eni *e = inv_by_id(inv, agg_str(a, id));
        if (e && e->kind == ENI_NAT_GATEWAY) nat_of[id] = e, any = true;
    }
    for (size_t i = 0; any && i < ng; i++) {
        const agg_group *g = &gs[i];
        if (g->status != FL_OK || g->action != FL_ACCEPT || !(g->flags & AGG_HAS_SRC) || !(g->flags & AGG_HAS_DST))
            continue;
        const inv_eni *nat = g->eni <= nstr ? nat_of[g->eni] : NULL;
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
    free(nat_of);
    return added;
}

/* Who owns which address in this pass (the inventory's own index is
 * rebuilt only at the end): one address, one ENI. */
typedef struct owners {
    cost_kmap map;     /* ip128 → dense index */
    uint32_t *eni;     /* dense index → agg string id */
    size_t cap;
} owners;

static uint32_t owner_of(const owners *o, const ip128 *ip)
{
    long i = cost_kmap_find(&o->map, ip);
    return i < 0 ? 0 : o->eni[i];
}

static void own(owners *o, inventory *inv, inv_eni *e, uint32_t id, const ip128 *ip)
{
    bool created;
    size_t i = cost_kmap_get(&o->map, ip, &created);
    if (!created) return;
    if (i >= o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        o->eni = xrealloc(o->eni, o->cap * sizeof *o->eni);
    }
    o->eni[i] = id;
    inv_eni_add_ip(inv, e, ip, inv_in_vpc_space(inv, ip));
}

/* Can this address be given to a learned ENI at all? Not when another ENI
 * (snapshot or learned) has it. */
static bool free_addr(const inventory *inv, const owners *o, const ip128 *ip)
{
    return !inv_by_ip(inv, ip) && !owner_of(o, ip);
}

static int cmp_ip(const void *x, const void *y)
{
    return ip_cmp(x, y);
}

static bool in_sorted(const ip128 *v, size_t n, const ip128 *ip)
{
    return n && bsearch(ip, v, n, sizeof *v, cmp_ip) != NULL;
}

/* Is ip a source of one of the n records and a destination of one? The
 * sorted sources and destinations are made on the first call (*srcs
 * NULL): most ENIs never ask. */
static bool both_ends(const agg_group *const *gs, size_t n, ip128 **srcs, ip128 **dsts, const ip128 *ip)
{
    if (!*srcs) {
        *srcs = xmalloc((n ? n : 1) * sizeof **srcs);
        *dsts = xmalloc((n ? n : 1) * sizeof **dsts);
        for (size_t i = 0; i < n; i++) {
            (*srcs)[i] = gs[i]->src;
            (*dsts)[i] = gs[i]->dst;
        }
        if (n) {
            qsort(*srcs, n, sizeof **srcs, cmp_ip);
            qsort(*dsts, n, sizeof **dsts, cmp_ip);
        }
    }
    return in_sorted(*srcs, n, ip) && in_sorted(*dsts, n, ip);
}

/* An end of an undecided record: address and record (local index). */
typedef struct mention {
    ip128 ip;
    uint32_t g;
} mention;

FC_COMPARATOR(cmp_mention, mention, FC_KEY(ip_cmp(&a->ip, &b->ip)) FC_ASC(g))

/* One distinct address of those records, with the records (undecided
 * ones, when eligible) that mention it. */
typedef struct addr_tally {
    ip128 ip;
    size_t lo, hi;       /* its mentions */
    uint64_t records;
    bool eligible, inside;
} addr_tally;

static int cmp_tally_ip(const void *key, const void *elem)
{
    return ip_cmp(key, &((const addr_tally *)elem)->ip);
}

/* Guessed addresses per ENI at most: a node's pods fit (EKS allows up to
 * 250 a node); an ENI whose records hold many more unexplained private
 * pairs (a TGW or GWLB attachment logging end-to-end addresses) is not
 * handed all of them. */
#define MAX_GUESSES 256

/* Phase 2 for one ENI: its records without flow-direction that no address
 * of it explains yet (neither end is its own). In each such record one end
 * is the interface's (AWS writes its own address there), so the address
 * most of them mention is taken, and the records it explains no longer
 * count for the others. Only a private (or VPC-space) address, or an IPv6
 * address seen on this ENI's records both as source and as destination,
 * may be taken; a public IPv4 address never is. Ties go to the private
 * address, then the lowest one, except that an IPv6 global address must win
 * outright: when two of them tie (one conversation seen from one side)
 * nothing decides, and those records stay undecided (their bytes end in
 * unknown_private). */
static void learn_ambiguous(inventory *inv, inv_eni *e, uint32_t id, const agg_group *const *gs, size_t n,
                            owners *o)
{
    size_t cap = n ? n : 1;
    /* the sorted ends, only made for an IPv6 address outside VPC space
     * (most ENIs never need them) */
    ip128 *srcs = NULL, *dsts = NULL;
    bool *decided = xcalloc(cap, sizeof *decided);
    mention *ms = xmalloc(2 * cap * sizeof *ms);
    size_t nm = 0;
    for (size_t i = 0; i < n; i++) {
        const agg_group *g = gs[i];
        decided[i] = owner_of(o, &g->src) == id || owner_of(o, &g->dst) == id;
        if (decided[i]) continue;
        ms[nm].ip = g->src;
        ms[nm++].g = (uint32_t)i;
        if (ip_eq(&g->src, &g->dst)) continue;
        ms[nm].ip = g->dst;
        ms[nm++].g = (uint32_t)i;
    }
    if (nm) qsort(ms, nm, sizeof *ms, cmp_mention);
    addr_tally *ts = xmalloc((nm ? nm : 1) * sizeof *ts);
    size_t nt = 0;
    for (size_t i = 0; i < nm; i++) {
        if (!nt || !ip_eq(&ts[nt - 1].ip, &ms[i].ip)) {
            addr_tally *t = &ts[nt++];
            t->ip = ms[i].ip;
            t->lo = i;
            t->records = 0;
            t->inside = inv_in_vpc_space(inv, &t->ip);
            t->eligible = free_addr(inv, o, &t->ip) &&
                          (t->inside || (!ip_is_v4(&t->ip) && both_ends(gs, n, &srcs, &dsts, &t->ip)));
        }
        ts[nt - 1].hi = i + 1;
        ts[nt - 1].records += gs[ms[i].g]->records;
    }
    for (int guesses = 0; guesses < MAX_GUESSES; guesses++) {
        size_t best = SIZE_MAX;
        bool tie = false;
        for (size_t i = 0; i < nt; i++) {
            const addr_tally *t = &ts[i];
            if (!t->eligible || !t->records) continue;
            if (best == SIZE_MAX) {
                best = i;
                continue;
            }
            const addr_tally *b = &ts[best];
            if (t->records > b->records || (t->records == b->records && t->inside && !b->inside)) {
                best = i;
                tie = false;
            } else if (t->records == b->records && t->inside == b->inside) {
                tie = true;
            }
        }
        if (best == SIZE_MAX || (tie && !ts[best].inside)) break;
        addr_tally *b = &ts[best];
        own(o, inv, e, id, &b->ip);
        b->eligible = false;
        /* The records it explains no longer vote for their other end. */
        for (size_t k = b->lo; k < b->hi; k++) {
            uint32_t gi = ms[k].g;
            if (decided[gi]) continue;
            decided[gi] = true;
            const agg_group *g = gs[gi];
            const ip128 *other = ip_eq(&g->src, &b->ip) ? &g->dst : &g->src;
            addr_tally *t = bsearch(other, ts, nt, sizeof *ts, cmp_tally_ip);
            if (t && t != b) t->records -= g->records;
        }
    }
    free(ts);
    free(ms);
    free(decided);
    free(srcs);
    free(dsts);
}

/* Group pointers (in ascending address order) by ENI string id, each
 * ENI's in the order they came: a counting sort (was a qsort of every
 * undecided record, ordered the same way: id, then address). */
static void by_eni(const agg_group **v, size_t n, size_t nstr)
{
    size_t *at = xcalloc(nstr + 2, sizeof *at);
    for (size_t i = 0; i < n; i++) at[v[i]->eni + 1]++;
    for (size_t k = 0; k <= nstr; k++) at[k + 1] += at[k];
    const agg_group **out = xmalloc(n * sizeof *out);
    for (size_t i = 0; i < n; i++) out[at[v[i]->eni]++] = v[i];
    memcpy(v, out, n * sizeof *v);
    free(out);
    free(at);
}

size_t cost_learn(inventory *inv, const agg *a, const char *default_region)
{
    inv_finalize(inv);
    size_t ng, nstr = agg_str_count(a);
    const agg_group *gs = agg_groups(a, &ng);
    eni_ev *ev = xcalloc(nstr + 1, sizeof *ev);
    /* An id not in the inventory is learned if some group has it: phase 1
     * below marks the ids it sees (one pass over the groups, not two) and
     * only reads an id's flag for its own groups. */
    for (uint32_t id = 1; id <= nstr; id++) {
        const char *eid = agg_str(a, id);
        ev[id].learn = eid && !inv_by_id(inv, eid);
    }

    /* Phase 1: addresses the records prove (cost-model.md §4). With
     * flow-direction, an egress record's srcaddr and an ingress record's
     * dstaddr are the interface's; an IPv4 one only when private (or in
     * VPC space): AWS writes the interface's private address there. Without
     * it (v2), a record with exactly one private end proves that end. */
    cand *cs = NULL;
    size_t nc = 0, capc = 0;
    const agg_group **amb = xmalloc((ng ? ng : 1) * sizeof *amb);
    size_t namb = 0;
    for (size_t i = 0; i < ng; i++) {
        const agg_group *g = &gs[i];
        if (!g->eni || g->eni > nstr) continue;
        ev[g->eni].seen = true;
        if (!ev[g->eni].learn || g->status != FL_OK) continue;
        if (g->action == FL_ACCEPT && shows_translation(g)) ev[g->eni].translated += g->records;
        const ip128 *proof = NULL;
        if (g->direction == FL_EGRESS && (g->flags & AGG_HAS_SRC)) proof = &g->src;
        else if (g->direction == FL_INGRESS && (g->flags & AGG_HAS_DST)) proof = &g->dst;
        else if (g->direction == FL_DIR_NONE && (g->flags & AGG_HAS_SRC) && (g->flags & AGG_HAS_DST)) {
            bool si = inv_in_vpc_space(inv, &g->src), di = inv_in_vpc_space(inv, &g->dst);
            if (si != di) proof = si ? &g->src : &g->dst;
            else amb[namb++] = g;
            if (!proof) continue;
        }
        if (!proof || (ip_is_v4(proof) && !inv_in_vpc_space(inv, proof))) continue;
        /* An ENI's records prove its few addresses over and over (in the
         * agg's order mostly one after the other): a repeat of the last
         * candidate is dropped, as owning it again would change nothing. */
        if (nc && cs[nc - 1].eni == g->eni && ip_eq(&cs[nc - 1].ip, proof)) continue;
        if (nc == capc) {
            capc = capc ? capc * 2 : 256;
            cs = xrealloc(cs, capc * sizeof *cs);
        }
        cs[nc].eni = g->eni;
        cs[nc++].ip = *proof;
    }
    for (uint32_t id = 1; id <= nstr; id++) {
        ev[id].learn = ev[id].learn && ev[id].seen;
        /* A snapshot without DescribeSubnets has no AZ ID for its ENIs;
         * the v4+ az-id field of their own records gives it. */
        const char *eid = agg_str(a, id);
        const agg_eni_meta *m = ev[id].seen && !ev[id].learn ? agg_eni(a, id) : NULL;
        if (m && m->az_id && !inv_by_id(inv, eid)->az_id)
            inv_eni_get(inv, eid)->az_id = inv_intern(inv, agg_str(a, m->az_id));
        /* Likewise the account-id field for `top --by account`. */
        if (m && m->account && !inv_by_id(inv, eid)->account)
            inv_eni_get(inv, eid)->account = inv_intern(inv, agg_str(a, m->account));
    }
    if (nc) qsort(cs, nc, sizeof *cs, cmp_cand);
    if (namb) by_eni(amb, namb, nstr);

    owners o = {0};
    cost_kmap_init(&o.map, sizeof(ip128));
    size_t learned = 0, i = 0;
    for (uint32_t id = 1; id <= nstr; id++) {
        size_t lo = i;
        while (i < nc && cs[i].eni == id) i++;
        if (!ev[id].learn) continue;
        inv_eni *e = inv_eni_get(inv, agg_str(a, id));
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
        for (size_t j = lo; j < i; j++)
            if (free_addr(inv, &o, &cs[j].ip)) own(&o, inv, e, id, &cs[j].ip);
        learned++;
    }
    /* Phase 2, once every ENI holds what its records prove, so that a
     * guess never takes an address another ENI's records prove. */
    for (size_t k = 0; k < namb;) {
        size_t lo = k;
        uint32_t id = amb[k]->eni;
        while (k < namb && amb[k]->eni == id) k++;
        inv_eni *e = inv_eni_get(inv, agg_str(a, id));
        learn_ambiguous(inv, e, id, amb + lo, k - lo, &o);
    }
    cost_kmap_free(&o.map);
    free(o.eni);
    free(amb);
    inv_finalize(inv);
    learned += learn_nat_clients(inv, a);
    if (learned) inv_add_source(inv, INV_FROM_RECORDS, 0);
    inv_finalize(inv);
    free(cs);
    free(ev);
    return learned;
}
