/* cost: the cost model of cost-model.md. Flow records are aggregated groups
 * seen at one ENI each; a byte is often recorded two, three or four times
 * (sender, receiver, both legs of a NAT gateway). This file turns groups
 * into de-duplicated "units" (src → dst [via NAT], one hour), prices each
 * unit into charges with exactly one workload payer, and rolls the charges
 * up into everything a renderer reads. The implementation choices where the
 * spec is silent are written down in docs/cost-model.md.
 *
 * Pipeline inside cost_run():
 *   learn ENIs → classify every distinct address once (endpoints) →
 *   NAT ENI pass (private legs = authoritative NAT bytes; public legs and
 *   client records only say where those bytes went) → all other groups
 *   (sender's egress preferred, ingress only when the sender is unobserved)
 *   → price units → roll up → findings. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cost_int.h"
#include "util.h"

/* ---- names ---- */

static const char *const cat_names[CAT_COUNT] = {
    "nat_processing", "inter_az", "internet_egress", "inter_region", "interface_endpoint",
    "transit_gateway", "regional_public", "free", "unknown_private",
};
static const char *const path_names[PATH_COUNT] = {
    "local", "igw", "nat", "peering", "endpoint", "tgw", "lb",
};
static const char *const dest_names[DEST_COUNT] = {
    "same_vpc", "internet", "aws_service", "other_region", "other_vpc", "unknown_private",
};

const char *cost_cat_name(cost_cat c)
{
    return (unsigned)c < CAT_COUNT ? cat_names[c] : "?";
}

const char *cost_path_name(cost_path p)
{
    return (unsigned)p < PATH_COUNT ? path_names[p] : "?";
}

const char *cost_dest_name(cost_dest d)
{
    return (unsigned)d < DEST_COUNT ? dest_names[d] : "?";
}

void cost_options_default(cost_options *o)
{
    memset(o, 0, sizeof *o);
    o->min_savings = 10;
    o->scan_threshold = 20;
    o->default_region = "us-east-1";
    o->threads = 1;
}

/* ---- endpoints ---- */

typedef struct addr_hint {
    ip128 ip;
    const inv_eni *owner; /* a reused address's holder at the record's time, else NULL */
    const char *svc;     /* pkt-*-aws-service, or NULL */
    const char *region;  /* region of the observing ENI */
} addr_hint;

static int cmp_hint(const void *x, const void *y)
{
    const addr_hint *a = x, *b = y;
    int c = ip_cmp(&a->ip, &b->ip);
    if (c) return c;
    if (a->owner != b->owner) return !a->owner ? -1 : !b->owner ? 1 : strcmp(a->owner->id, b->owner->id);
    /* Named service first, then the smallest name: one deterministic pick. */
    if (!a->svc != !b->svc) return a->svc ? -1 : 1;
    if (a->svc && (c = strcmp(a->svc, b->svc))) return c;
    if (!a->region != !b->region) return a->region ? -1 : 1;
    return a->region ? strcmp(a->region, b->region) : 0;
}

uint32_t cost_ep_find(const cost_result *r, const ip128 *ip)
{
    /* The first of the address's endpoints (a reused address has one per
     * holder, ordered by the holder's id). */
    size_t lo = 0, hi = r->n_eps;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ip_cmp(&r->eps[mid].ip, ip) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < r->n_eps && ip_eq(&r->eps[lo].ip, ip) ? (uint32_t)lo : COST_NONE;
}

/* The endpoint of ip held by `owner`, else the address's first. */
static uint32_t ep_held(const cost_result *r, const ip128 *ip, const inv_eni *owner)
{
    uint32_t i = cost_ep_find(r, ip);
    if (i == COST_NONE || !owner) return i;
    for (size_t j = i; j < r->n_eps && ip_eq(&r->eps[j].ip, ip); j++)
        if (r->eps[j].eni == owner) return (uint32_t)j;
    return i;
}

/* The time an address of a group is resolved at (docs/snapshot.md, "Reused
 * addresses"): its records' start, else its hour; 0 = none. */
static int64_t group_time(const agg_group *g)
{
    if (g->min_start > 0) return g->min_start;
    return g->hour != AGG_NO_HOUR ? (int64_t)g->hour * 3600 : 0;
}

static const inv_eni *owner_at(const inventory *inv, const ip128 *ip, int64_t t)
{
    return inv_ip_shared(inv, ip) ? inv_by_ip_at(inv, ip, t) : NULL;
}

static void classify(cost_ctx *c, cost_endpoint *e, const addr_hint *h)
{
    const inv_eni *eni = h && h->owner ? h->owner : inv_by_ip(c->inv, &e->ip);
    if (eni) {
        e->cls = EP_ENI;
        e->eni = eni;
        e->kind = eni->kind;
        e->region = eni->region ? eni->region : c->default_region;
        return;
    }
    if (inv_in_vpc_space(c->inv, &e->ip)) {
        e->cls = EP_UNKNOWN_PRIVATE;
        return;
    }
    const char *svc = NULL, *reg = NULL;
    int len = c->ranges ? lpm_lookup(c->ranges, &e->ip, &svc, &reg) : -1;
    if (len >= 0 || (h && h->svc)) {
        e->cls = EP_AWS;
        e->service = (h && h->svc) ? h->svc : svc;
        e->region = len >= 0 ? reg : (h->region ? h->region : c->default_region);
        return;
    }
    e->cls = EP_INTERNET;
}

/* ---- the state of one run ---- */

/* A de-duplicated piece of traffic: src sends bytes to dst in one hour,
 * through the NAT endpoint `via` when not COST_NONE. */
typedef struct unit {
    uint32_t src, dst, via;
    int32_t hour;
    uint8_t flags, path, dest;
    uint8_t guess;       /* 1 << cost_guess known when the unit is made */
    uint64_t bytes, packets, records;
} unit;

/* Where NATed bytes went, learnt from client records or public legs. */
typedef struct nat_hint {
    uint32_t key;   /* client endpoint (client hints) or NAT endpoint (leg hints) */
    uint8_t kind;   /* 0 client record, 1 NAT public leg */
    uint8_t out;    /* 1: client → remote, 0: remote → client */
    int32_t hour;   /* the record's hour, or HINT_ALL_HOURS */
    uint32_t remote;
    uint64_t bytes;
} nat_hint;

/* Hints are kept per hour (exact when client and NAT log the same hour)
 * and over the whole period (the fallback). */
#define HINT_ALL_HOURS INT32_MIN

/* NAT private-leg bytes whose remote end the record does not name (v2). */
typedef struct nat_pending {
    uint32_t nat, client;
    uint8_t out;
    int32_t hour;
    uint64_t bytes, packets, records;
} nat_pending;

typedef struct lb_share {
    uint32_t lb, target;
    uint64_t bytes;
} lb_share;

typedef struct run {
    cost_ctx *c;
    cost_result *r;
    const agg_group *gs;
    size_t ng;
    uint32_t *order;               /* groups in a deterministic order */
    const inv_eni **eni_of_str;    /* agg string id → inventory ENI */
    size_t nstr;                   /* agg string ids: 1..nstr */
    const char **svc_of_str;       /* agg string id → service name interned in the inventory (svc_name) */
    bool *eni_observed;            /* inventory ENI index → observed */
    unit *units;
    size_t n_units, cap_units;
    nat_hint *hints;
    size_t n_hints, cap_hints;
    nat_pending *pend;
    size_t n_pend, cap_pend;
    bool *served;                  /* endpoint → a client of an observed NAT ENI */
    bool *nat_remote;              /* endpoint → seen beyond an observed NAT ENI */
    cost_kmap tp1;                      /* (our ep, peer ep) egress pairs with traffic-path 1 */
    cost_kmap tgw_pairs;                /* (src ep, dst ep) carried into a TGW attachment ENI */
    bool *has_tp;                  /* endpoint → some egress record carried traffic-path */
    uint32_t unknown_dst;          /* the "destination not recorded" endpoint */
    lb_share *lbs;
    size_t n_lbs, cap_lbs;
    const inv_eni **nat_enis;      /* NAT gateway ENIs with an address, by id */
    size_t n_nat_enis;
    /* roll-ups */
    cost_kmap flow_map, charge_map, hour_map, pair_map;
    size_t cap_flows, cap_charges, cap_hours, cap_pairs;
    /* A flow's charges are found through its own list (most flows have one
     * to three; a lookup in a map of millions was a cache miss a charge);
     * a flow with more than CHARGE_LIST_MAX (a load balancer's many
     * targets) moves its charges into charge_map instead. */
    uint32_t *flow_ch;             /* flow → its first charge + 1, 0 = none */
    uint32_t *flow_nch;            /* flow → its number of charges; > CHARGE_LIST_MAX: in charge_map */
    uint32_t *ch_next;             /* charge → the next of its flow + 1 */
    uint8_t *ch_half;              /* charge → its key's in_half */
    uint32_t *chmap;               /* charge_map index → charge */
    size_t cap_chmap;
    uint32_t last_flow_key[4];     /* flow_for's last key and flow (a run of units of one flow) */
    size_t last_flow;
    size_t last_hour_i;            /* the hour hour_for found last */
    long *nat_by_ep;
    cost_guesses guesses;
    /* address → its first endpoint (ep_of: was a binary search with a
     * memcmp a step, twice a group) */
    cost_kmap ep_map;
    uint32_t *ep_first;            /* ep_map index → endpoint */
    bool *ep_observed;             /* endpoint → an observed ENI's (eni_is_observed) */
} run;

static size_t eni_index(const inventory *inv, const inv_eni *e)
{
    size_t lo = 0, hi = inv_eni_count(inv);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const inv_eni *m = inv_eni_at(inv, mid);
        if (m == e) return mid;
        int c = strcmp(m->id, e->id);
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return SIZE_MAX;
}

static bool eni_is_observed(const run *R, const inv_eni *e)
{
    size_t i = e ? eni_index(R->c->inv, e) : SIZE_MAX;
    return i != SIZE_MAX && R->eni_observed[i];
}

static bool eni_has_public(const inv_eni *e)
{
    return e && e->n_ips > e->n_private;
}

/* Reached over a public address: the Internet, AWS ranges, or one of our
 * own ENIs' public (Elastic) IPs. */
static bool ep_is_public_remote(const cost_endpoint *e)
{
    return e->cls == EP_INTERNET || e->cls == EP_AWS || (e->cls == EP_ENI && !ip_is_private(&e->ip));
}

static int cmp_str(const char *a, const char *b)
{
    if (!a || !b) return a ? 1 : b ? -1 : 0;
    return strcmp(a, b);
}

/* Group order must not depend on how the agg was filled (threads): groups
 * are sorted by their content, strings included. The element carries what
 * the comparison needs, so no global state is involved (cost_run may run
 * on several threads). */
typedef struct gref {
    const agg_group *g;
    const char *eni, *ssvc, *dsvc;
    uint32_t idx;
} gref;

FC_COMPARATOR(cmp_group, gref,
              FC_KEY(cmp_str(a->eni, b->eni)) FC_KEY(ip_cmp(&a->g->src, &b->g->src))
              FC_KEY(ip_cmp(&a->g->dst, &b->g->dst)) FC_KEY(ip_cmp(&a->g->pkt_src, &b->g->pkt_src))
              FC_KEY(ip_cmp(&a->g->pkt_dst, &b->g->pkt_dst)) FC_ASC(g->hour) FC_ASC(g->action)
              FC_ASC(g->status) FC_ASC(g->direction) FC_ASC(g->traffic_path) FC_ASC(g->dstport)
              FC_ASC(g->protocol) FC_ASC(g->flags) FC_KEY(cmp_str(a->ssvc, b->ssvc))
              FC_KEY(cmp_str(a->dsvc, b->dsvc)))

/* cmp_group after its first keys, for a run of groups that share them (a
 * pair seen in many hours: ~170 groups a pair in a week of logs, each
 * compare was a strcmp of the ENI and two memcmps of addresses that are
 * equal there). */
FC_COMPARATOR(cmp_group_rest, gref,
              FC_KEY(ip_cmp(&a->g->pkt_src, &b->g->pkt_src)) FC_KEY(ip_cmp(&a->g->pkt_dst, &b->g->pkt_dst))
              FC_ASC(g->hour) FC_ASC(g->action) FC_ASC(g->status) FC_ASC(g->direction) FC_ASC(g->traffic_path)
              FC_ASC(g->dstport) FC_ASC(g->protocol) FC_ASC(g->flags) FC_KEY(cmp_str(a->ssvc, b->ssvc))
              FC_KEY(cmp_str(a->dsvc, b->dsvc)))

/* cmp_group's first keys: ENI (by text), source, destination. */
static int cmp_group_head(const agg *a, const agg_group *x, const agg_group *y)
{
    if (x->eni != y->eni) {
        int c = cmp_str(agg_str(a, x->eni), agg_str(a, y->eni));
        if (c) return c;
    }
    int c = ip_cmp(&x->src, &y->src);
    return c ? c : ip_cmp(&x->dst, &y->dst);
}

/* The groups' indexes in cmp_group's order (no two groups are equal under
 * it, so the order is unique). An agg in its canonical order (what ingest
 * and .fca files give, agg_canonicalize) is already sorted by ENI, source
 * and destination, and only the runs that share them need sorting: that
 * saves sorting millions of 40-byte references (memory and CPU). Any other
 * order is sorted whole. */
static uint32_t *group_order(const agg *a, const agg_group *gs, size_t ng)
{
    uint32_t *order = xmalloc((ng ? ng : 1) * sizeof *order);
    bool head_sorted = true;
    for (size_t i = 1; i < ng && head_sorted; i++) head_sorted = cmp_group_head(a, &gs[i - 1], &gs[i]) <= 0;
    size_t max_run = head_sorted ? 0 : ng;
    for (size_t i = 0, j; head_sorted && i < ng; i = j) {
        for (j = i + 1; j < ng && !cmp_group_head(a, &gs[i], &gs[j]);) j++;
        if (j - i > max_run) max_run = j - i;
    }
    gref *refs = xmalloc((max_run ? max_run : 1) * sizeof *refs);
    for (size_t i = 0, j; i < ng; i = j) {
        j = head_sorted ? i + 1 : ng;
        while (j < ng && !cmp_group_head(a, &gs[i], &gs[j])) j++;
        for (size_t k = i; k < j; k++)
            refs[k - i] = (gref){&gs[k], agg_str(a, gs[k].eni), agg_str(a, gs[k].src_svc), agg_str(a, gs[k].dst_svc),
                                 (uint32_t)k};
        if (j - i > 1) qsort(refs, j - i, sizeof *refs, head_sorted ? cmp_group_rest : cmp_group);
        for (size_t k = i; k < j; k++) order[k] = refs[k - i].idx;
    }
    free(refs);
    return order;
}

/* Direction of a group at its ENI: flow-direction, else which side holds
 * the ENI's address. */
static int group_dir(const agg_group *g, const inv_eni *x)
{
    if (g->direction == FL_EGRESS || g->direction == FL_INGRESS) return g->direction;
    if (x) {
        for (size_t i = 0; i < x->n_ips; i++) {
            if ((g->flags & AGG_HAS_SRC) && ip_eq(&x->ips[i], &g->src)) return FL_EGRESS;
            if ((g->flags & AGG_HAS_DST) && ip_eq(&x->ips[i], &g->dst)) return FL_INGRESS;
        }
    }
    /* Neither side is known to be the ENI's: a private sender and a public
     * receiver reads as egress, the reverse as ingress. */
    if (!ip_is_private(&g->src) && ip_is_private(&g->dst)) return FL_INGRESS;
    return FL_EGRESS;
}

static void add_unit(run *R, const unit *u)
{
    if (!u->bytes && !u->records) return;
    GROW(R->units, R->n_units, R->cap_units);
    R->units[R->n_units++] = *u;
}

static void add_hint(run *R, uint32_t key, int kind, int out, int32_t hour, uint32_t remote, uint64_t bytes)
{
    for (int i = 0; i < 2; i++) {
        GROW(R->hints, R->n_hints, R->cap_hints);
        nat_hint h = {key, (uint8_t)kind, (uint8_t)out, i ? HINT_ALL_HOURS : hour, remote, bytes};
        R->hints[R->n_hints++] = h;
    }
}

FC_COMPARATOR(cmp_nat_hint, nat_hint, FC_ASC(kind) FC_ASC(key) FC_ASC(out) FC_ASC(hour) FC_ASC(remote))

/* ---- pass 1: the distinct addresses ---- */

/* pkt-*-aws-service string id → the same name in the inventory: an
 * endpoint's service outlives the agg (cost_run_owned). */
static const char *svc_name(run *R, uint32_t id)
{
    if (!id) return NULL;
    if (!R->svc_of_str[id]) R->svc_of_str[id] = inv_intern(R->c->inv, agg_str(R->c->a, id));
    return R->svc_of_str[id];
}

static void build_endpoints(run *R)
{
    cost_ctx *c = R->c;
    cost_result *r = R->r;
    addr_hint *hs = NULL;
    size_t nh = 0, caph = 0;
    bool need_unknown = false;
    /* One hint per (address, holder), the first in cmp_hint's order, kept
     * as the groups are read: sorting every group's addresses (millions,
     * mostly the same few) and keeping the first of each was a third of
     * the CPU of `report` on 2M records. The holder is NULL unless the
     * address was reused (owner_at). */
    typedef struct {
        ip128 ip;
        const inv_eni *owner;
    } hint_key;
    cost_kmap seen;
    cost_kmap_init(&seen, sizeof(hint_key));
    /* The groups come by ENI and source: the same push follows itself
     * often, and repeating one changes nothing (hs[i] only ever gets
     * smaller under cmp_hint). */
    addr_hint last = {0};
    bool have_last = false;
#define PUSH_OWNED(IP, SVC, REG, OWNER)                      \
    do {                                                     \
        addr_hint h_ = {(IP), (OWNER), (SVC), (REG)};        \
        if (have_last && ip_eq(&h_.ip, &last.ip) && h_.owner == last.owner && h_.svc == last.svc && \
            h_.region == last.region)                        \
            break;                                           \
        last = h_;                                           \
        have_last = true;                                    \
        hint_key k_;                                         \
        memset(&k_, 0, sizeof k_);                           \
        k_.ip = h_.ip;                                       \
        k_.owner = h_.owner;                                 \
        bool new_;                                           \
        size_t i_ = cost_kmap_get(&seen, &k_, &new_);        \
        if (new_) {                                          \
            GROW(hs, nh, caph);                              \
            hs[nh++] = h_;                                   \
        } else if (cmp_hint(&h_, &hs[i_]) < 0) {             \
            hs[i_] = h_;                                     \
        }                                                    \
    } while (0)
#define PUSH(IP, SVC, REG, T)                                \
    do {                                                     \
        ip128 ip_ = (IP);                                    \
        PUSH_OWNED(ip_, SVC, REG, owner_at(c->inv, &ip_, (T))); \
    } while (0)
    for (size_t i = 0; i < R->ng; i++) {
        const agg_group *g = &R->gs[i];
        if (g->status != FL_OK) continue;
        const inv_eni *x = R->eni_of_str[g->eni];
        const char *reg = x && x->region ? x->region : c->default_region;
        const char *ss = svc_name(R, g->src_svc), *ds = svc_name(R, g->dst_svc);
        int64_t t = group_time(g);
        /* pkt-*-aws-service names the packet-level address. */
        if (g->flags & AGG_HAS_SRC) PUSH(g->src, (g->flags & AGG_HAS_PKT_SRC) ? NULL : ss, reg, t);
        if (g->flags & AGG_HAS_DST) PUSH(g->dst, (g->flags & AGG_HAS_PKT_DST) ? NULL : ds, reg, t);
        if (g->flags & AGG_HAS_PKT_SRC) PUSH(g->pkt_src, ss, reg, t);
        if (g->flags & AGG_HAS_PKT_DST) PUSH(g->pkt_dst, ds, reg, t);
        /* A private leg may not name its remote end (v2, or pkt-* equal to
         * the plain fields): it then needs the stand-in below. */
        if (x && x->kind == ENI_NAT_GATEWAY && g->action == FL_ACCEPT) need_unknown = true;
    }
    /* NAT gateways get an endpoint even when their ENI is not in the
     * input (estimated NAT traffic is charged to them), and so do TGW
     * attachments, whose own address is in none of their records. */
    for (size_t i = 0; i < inv_eni_count(c->inv); i++) {
        const inv_eni *e = inv_eni_at(c->inv, i);
        if ((e->kind == ENI_NAT_GATEWAY || e->kind == ENI_TRANSIT_GATEWAY) && e->n_ips) {
            /* a reused address: this gateway's endpoint */
            const inv_eni *o = owner_at(c->inv, &e->ips[0], 0) ? e : NULL;
            PUSH_OWNED(e->ips[0], NULL, NULL, o);
        }
    }
    ip128 zero = ip_from_v4(0);
    if (need_unknown) PUSH(zero, NULL, NULL, 0);
#undef PUSH
#undef PUSH_OWNED
    cost_kmap_free(&seen);
    if (nh) qsort(hs, nh, sizeof *hs, cmp_hint);
    r->eps = xcalloc(nh ? nh : 1, sizeof *r->eps);
    size_t n = 0;
    for (size_t i = 0; i < nh; i++) {
        if (i && n && ip_eq(&hs[i - 1].ip, &hs[i].ip) && hs[i - 1].owner == hs[i].owner) continue;
        cost_endpoint *e = &r->eps[n++];
        e->ip = hs[i].ip;
        classify(c, e, &hs[i]);
    }
    r->n_eps = n;
    free(hs);
    R->unknown_dst = need_unknown ? cost_ep_find(r, &zero) : COST_NONE;
    if (R->unknown_dst != COST_NONE) {
        /* 0.0.0.0 stands for "an Internet host the records do not name". */
        r->eps[R->unknown_dst].cls = EP_INTERNET;
        r->eps[R->unknown_dst].eni = NULL;
    }
}

/* ep_map and ep_observed, once the endpoints are made. */
static void index_endpoints(run *R)
{
    const cost_result *r = R->r;
    cost_kmap_init(&R->ep_map, sizeof(ip128));
    cost_kmap_reserve(&R->ep_map, r->n_eps);
    R->ep_first = xmalloc((r->n_eps ? r->n_eps : 1) * sizeof *R->ep_first);
    R->ep_observed = xcalloc(r->n_eps + 1, sizeof *R->ep_observed);
    for (size_t i = 0; i < r->n_eps; i++) {
        bool created;
        size_t k = cost_kmap_get(&R->ep_map, &r->eps[i].ip, &created);
        if (created) R->ep_first[k] = (uint32_t)i;
        R->ep_observed[i] = r->eps[i].cls == EP_ENI && eni_is_observed(R, r->eps[i].eni);
    }
}

/* The endpoint of an address of group g: one lookup, and a second (the
 * holder at the group's time) only for an address with several holders. */
static uint32_t ep_of(const run *R, const ip128 *ip, const agg_group *g)
{
    const cost_result *r = R->r;
    long k = cost_kmap_find(&R->ep_map, ip);
    uint32_t i = k < 0 ? COST_NONE : R->ep_first[k];
    if (i == COST_NONE || i + 1 >= r->n_eps || !ip_eq(&r->eps[i + 1].ip, ip)) return i;
    return ep_held(r, ip, inv_by_ip_at(R->c->inv, ip, group_time(g)));
}

/* ---- pass 2: units ---- */

static ep_class r_eps_cls(const run *R, uint32_t ep)
{
    return R->r->eps[ep].cls;
}

/* NAT ENI groups: private legs become units (or pending when the remote end
 * is not in the record); public legs become destination hints. */
/* Does some group's ENI have this kind? A pass over millions of groups
 * for the few ENIs of one kind is skipped when none has it. */
static bool any_eni_of_kind(const run *R, eni_kind kind)
{
    for (size_t id = 1; id <= R->nstr; id++)
        if (R->eni_of_str[id] && R->eni_of_str[id]->kind == kind) return true;
    return false;
}

static void nat_groups(run *R)
{
    if (!any_eni_of_kind(R, ENI_NAT_GATEWAY)) return;
    for (size_t k = 0; k < R->ng; k++) {
        const agg_group *g = &R->gs[R->order[k]];
        const inv_eni *x = R->eni_of_str[g->eni];
        if (!x || x->kind != ENI_NAT_GATEWAY || g->status != FL_OK || g->action != FL_ACCEPT) continue;
        if (!(g->flags & AGG_HAS_SRC) || !(g->flags & AGG_HAS_DST)) continue;
        int dir = group_dir(g, x);
        uint32_t nat = ep_of(R, dir == FL_EGRESS ? &g->src : &g->dst, g);
        const ip128 *other_ip = dir == FL_EGRESS ? &g->dst : &g->src;
        uint32_t other = ep_of(R, other_ip, g);
        if (nat == COST_NONE || other == COST_NONE) continue;
        /* No workload to pay (records that contradict the inventory). */
        if (ip_is_private(other_ip) && r_eps_cls(R, other) != EP_ENI) continue;
        if (!ip_is_private(other_ip)) {
            /* Public leg: egress NAT → remote is outbound, ingress inbound. */
            add_hint(R, nat, 1, dir == FL_EGRESS, g->hour, other, g->bytes);
            R->nat_remote[other] = true;
            continue;
        }
        R->served[other] = true;
        bool out = dir == FL_INGRESS; /* client → NAT carries outbound bytes */
        const ip128 *rip = NULL;
        if (out && (g->flags & AGG_HAS_PKT_DST) && !ip_eq(&g->pkt_dst, &g->dst)) rip = &g->pkt_dst;
        if (!out && (g->flags & AGG_HAS_PKT_SRC) && !ip_eq(&g->pkt_src, &g->src)) rip = &g->pkt_src;
        uint32_t remote = rip ? ep_of(R, rip, g) : COST_NONE;
        if (remote != COST_NONE) R->nat_remote[remote] = true;
        if (remote == COST_NONE) {
            GROW(R->pend, R->n_pend, R->cap_pend);
            nat_pending p = {nat, other, out, g->hour, g->bytes, g->packets, g->records};
            R->pend[R->n_pend++] = p;
            continue;
        }
        unit u = {0};
        u.src = out ? other : remote;
        u.dst = out ? remote : other;
        u.via = nat;
        u.hour = g->hour;
        u.flags = out ? 0 : COST_FLOW_INBOUND;
        u.path = PATH_NAT;
        u.bytes = g->bytes;
        u.packets = g->packets;
        u.records = g->records;
        add_unit(R, &u);
    }
}

/* The NAT gateway an unobserved NAT client most likely uses: the one in
 * its AZ, else the only one of its VPC, else the first of its VPC by id. */
static uint32_t choose_nat(const run *R, const inv_eni *client)
{
    const inv_eni *same_az = NULL, *first = NULL;
    for (size_t i = 0; i < R->n_nat_enis; i++) {
        const inv_eni *e = R->nat_enis[i];
        if (client->vpc_id && e->vpc_id && strcmp(client->vpc_id, e->vpc_id)) continue;
        if (!first) first = e;
        if (!same_az && client->az_id && e->az_id && !strcmp(client->az_id, e->az_id)) same_az = e;
    }
    const inv_eni *pick = same_az ? same_az : first;
    return pick ? ep_held(R->r, &pick->ips[0], pick) : COST_NONE;
}

static bool any_nat_in_vpc(const run *R, const inv_eni *client)
{
    for (size_t i = 0; i < R->n_nat_enis; i++) {
        const inv_eni *e = R->nat_enis[i];
        if (!client->vpc_id || !e->vpc_id || !strcmp(client->vpc_id, e->vpc_id)) return true;
    }
    return false;
}

/* Did this client record's traffic go through a NAT gateway? */
static bool client_natted(const run *R, const agg_group *g, int dir, const inv_eni *x,
                          uint32_t our, uint32_t peer)
{
    if (dir == FL_EGRESS && g->traffic_path) return g->traffic_path == 1;
    if (dir == FL_INGRESS && R->has_tp[our]) {
        uint32_t key[2] = {our, peer};
        return cost_kmap_has(&R->tp1, key);
    }
    if (eni_has_public(x)) return false;
    if (x->source & (INV_FROM_SNAPSHOT | INV_FROM_LIVE)) return true;
    /* Learned ENI: whether it has a public IP is unknown; a NAT in its VPC
     * is the evidence that it needs one. */
    return any_nat_in_vpc(R, x);
}

static void tp_pass(run *R)
{
    for (size_t k = 0; k < R->ng; k++) {
        const agg_group *g = &R->gs[R->order[k]];
        if (g->status != FL_OK || !g->traffic_path) continue;
        const inv_eni *x = R->eni_of_str[g->eni];
        if (!x || group_dir(g, x) != FL_EGRESS) continue;
        uint32_t our = ep_of(R, &g->src, g), peer = ep_of(R, &g->dst, g);
        if (our == COST_NONE || peer == COST_NONE) continue;
        R->has_tp[our] = true;
        if (g->traffic_path == 1) {
            uint32_t key[2] = {our, peer};
            cost_kmap_get(&R->tp1, key, NULL);
        }
    }
}

/* Transit gateway attachment ENIs are intermediate, like NAT ENIs: their
 * records carry the end-to-end addresses. Bytes a workload of the ENI's
 * VPC sends into the attachment are the transit_gateway hop; the
 * attachment's deliveries into the VPC are free. The end points' own
 * records of the bytes that went in are then not priced again. */
static void tgw_groups(run *R)
{
    const cost_result *r = R->r;
    if (!any_eni_of_kind(R, ENI_TRANSIT_GATEWAY)) return;
    for (size_t k = 0; k < R->ng; k++) {
        const agg_group *g = &R->gs[R->order[k]];
        const inv_eni *x = R->eni_of_str[g->eni];
        if (!x || x->kind != ENI_TRANSIT_GATEWAY || g->status != FL_OK || g->action != FL_ACCEPT) continue;
        if (!(g->flags & AGG_HAS_SRC) || !(g->flags & AGG_HAS_DST)) continue;
        uint32_t s = ep_of(R, &g->src, g), d = ep_of(R, &g->dst, g);
        if (s == COST_NONE || d == COST_NONE) continue;
        const cost_endpoint *se = &r->eps[s];
        bool into = g->direction == FL_INGRESS ||
                    (g->direction == FL_DIR_NONE && cost_ep_is_workload(se) && se->eni->vpc_id && x->vpc_id &&
                     !strcmp(se->eni->vpc_id, x->vpc_id));
        if (!into || !cost_ep_is_workload(se)) continue;
        uint32_t key[2] = {s, d};
        cost_kmap_get(&R->tgw_pairs, key, NULL);
        unit u = {0};
        u.src = s;
        u.dst = d;
        u.via = x->n_ips ? ep_held(r, &x->ips[0], x) : COST_NONE;
        if (!x->n_ips || u.via == COST_NONE) continue;
        u.hour = g->hour;
        u.path = PATH_TGW;
        u.bytes = g->bytes;
        u.packets = g->packets;
        u.records = g->records;
        add_unit(R, &u);
    }
}

/* Public traffic of an ENI known only from the records, priced as if it
 * left through an Internet gateway: without traffic-path nothing says it
 * did not cross a NAT gateway (nat_processing is then a lower bound), and
 * without pkt-* fields a NAT gateway's own ENI cannot even be recognised,
 * so its public legs are priced as its own traffic, on top of its clients'
 * records of the same bytes. */
static uint8_t nat_guess(const run *R, const agg_group *g, bool egress, const inv_eni *x, uint32_t our,
                         uint32_t peer)
{
    const cost_result *r = R->r;
    if (!x || (x->source & (INV_FROM_SNAPSHOT | INV_FROM_LIVE)) || x->kind != ENI_UNCLASSIFIED) return 0;
    if (!cost_ep_is_workload(&r->eps[our]) || !ep_is_public_remote(&r->eps[peer])) return 0;
    uint8_t q = 0;
    uint32_t key[2] = {our, peer};
    bool path_known = egress ? g->traffic_path && g->traffic_path != 1
                             : R->has_tp[our] && !cost_kmap_has(&R->tp1, key);
    if (!path_known) q |= 1u << GUESS_NAT_PATH_UNKNOWN;
    if (!(g->flags & (AGG_HAS_PKT_SRC | AGG_HAS_PKT_DST))) q |= 1u << GUESS_NAT_UNRECOGNISED;
    return q;
}

static void other_groups(run *R)
{
    cost_result *r = R->r;
    for (size_t k = 0; k < R->ng; k++) {
        const agg_group *g = &R->gs[R->order[k]];
        if (g->status != FL_OK || g->action != FL_ACCEPT) continue;
        const inv_eni *x = R->eni_of_str[g->eni];
        if (x && (x->kind == ENI_NAT_GATEWAY || x->kind == ENI_TRANSIT_GATEWAY)) continue;
        if (!(g->flags & AGG_HAS_SRC) || !(g->flags & AGG_HAS_DST)) continue;
        uint32_t s = ep_of(R, &g->src, g), d = ep_of(R, &g->dst, g);
        if (s == COST_NONE || d == COST_NONE) continue;
        uint32_t pair[2] = {s, d};
        if (R->tgw_pairs.n && cost_kmap_has(&R->tgw_pairs, pair)) continue; /* priced at the attachment */
        int dir = group_dir(g, x);
        bool egress = dir == FL_EGRESS;
        uint32_t our = egress ? s : d, peer = egress ? d : s;
        unit u = {0};
        u.src = s;
        u.dst = d;
        u.via = COST_NONE;
        u.hour = g->hour;
        u.bytes = g->bytes;
        u.packets = g->packets;
        u.records = g->records;
        /* A client of an observed NAT ENI talking to an address seen
         * beyond that NAT is NAT traffic even with a public IP of its own,
         * unless traffic-path says it left through an IGW or endpoint. */
        bool via_observed_nat = R->served[our] && R->nat_remote[peer] &&
                                !(egress && (g->traffic_path == 2 || g->traffic_path == 7 || g->traffic_path == 8));
        if (x && !eni_kind_is_managed(x->kind) && cost_ep_is_workload(&r->eps[our]) &&
            ep_is_public_remote(&r->eps[peer]) &&
            (via_observed_nat || client_natted(R, g, dir, x, our, peer))) {
            if (R->served[our]) {
                /* Already charged from the NAT ENI's private legs. */
                add_hint(R, our, 0, egress, g->hour, peer, g->bytes);
                continue;
            }
            uint32_t nat = choose_nat(R, x);
            if (nat != COST_NONE) {
                u.via = nat;
                u.path = PATH_NAT;
                u.flags = COST_FLOW_ESTIMATED | (egress ? 0 : COST_FLOW_INBOUND);
                add_unit(R, &u);
                continue;
            }
        }
        /* The sender's own egress record is preferred. */
        if (!egress && R->ep_observed[s]) continue;
        if (r->eps[s].cls != EP_ENI) u.flags |= COST_FLOW_INBOUND;
        u.guess = nat_guess(R, g, egress, x, our, peer);
        add_unit(R, &u);
    }
}

/* Split `total` in proportion to weights w[0..n) with the remainder on the
 * largest share, so the pieces add up exactly. */
static void split_bytes(uint64_t total, const uint64_t *w, size_t n, uint64_t *out)
{
    long double sum = 0;
    for (size_t i = 0; i < n; i++) sum += w[i];
    uint64_t given = 0;
    size_t big = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = sum > 0 ? (uint64_t)((long double)total * w[i] / sum) : 0;
        given += out[i];
        if (w[i] > w[big]) big = i;
    }
    if (n) out[big] += total - given;
}

static size_t hint_lower(const run *R, const nat_hint *key)
{
    size_t a = 0, b = R->n_hints;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (cmp_nat_hint(&R->hints[m], key) < 0) a = m + 1;
        else b = m;
    }
    return a;
}

/* The hints of one (kind, key, direction, hour) with bytes left. */
static size_t hint_range(const run *R, int kind, uint32_t key, int out, int32_t hour, size_t *lo)
{
    nat_hint k = {key, (uint8_t)kind, (uint8_t)out, hour, 0, 0};
    size_t a = hint_lower(R, &k), e = a, live = 0;
    while (e < R->n_hints && R->hints[e].kind == kind && R->hints[e].key == key && R->hints[e].out == out &&
           R->hints[e].hour == hour) {
        live += R->hints[e].bytes > 0;
        e++;
    }
    *lo = a;
    return live ? e - a : 0;
}

/* Bytes a NAT's public legs carried that the private legs already placed
 * are not evidence for anybody else's destination. */
static void consume_leg_hint(run *R, const unit *u)
{
    bool out = !(u->flags & COST_FLOW_INBOUND);
    uint32_t rem = out ? u->dst : u->src;
    for (int i = 0; i < 2; i++) {
        nat_hint k = {u->via, 1, (uint8_t)out, i ? HINT_ALL_HOURS : u->hour, rem, 0};
        size_t j = hint_lower(R, &k);
        if (j < R->n_hints && !cmp_nat_hint(&R->hints[j], &k))
            R->hints[j].bytes = R->hints[j].bytes > u->bytes ? R->hints[j].bytes - u->bytes : 0;
    }
}

static void place_pending(run *R, const nat_pending *p, size_t lo, size_t n)
{
    unit u = {0};
    u.via = p->nat;
    u.hour = p->hour;
    u.path = PATH_NAT;
    u.flags = p->out ? 0 : COST_FLOW_INBOUND;
    if (!n) {
        u.src = p->out ? p->client : R->unknown_dst;
        u.dst = p->out ? R->unknown_dst : p->client;
        u.bytes = p->bytes;
        u.packets = p->packets;
        u.records = p->records;
        add_unit(R, &u);
        return;
    }
    uint64_t *w = xcalloc(n, sizeof *w), *parts = xcalloc(n, sizeof *parts);
    uint64_t *pkts = xcalloc(n, sizeof *pkts), *recs = xcalloc(n, sizeof *recs);
    for (size_t j = 0; j < n; j++) w[j] = R->hints[lo + j].bytes;
    split_bytes(p->bytes, w, n, parts);
    split_bytes(p->packets, w, n, pkts);
    split_bytes(p->records, w, n, recs);
    for (size_t j = 0; j < n; j++) {
        if (!parts[j] && !recs[j]) continue;
        uint32_t rem = R->hints[lo + j].remote;
        u.src = p->out ? p->client : rem;
        u.dst = p->out ? rem : p->client;
        u.bytes = parts[j];
        u.packets = pkts[j];
        u.records = recs[j];
        add_unit(R, &u);
    }
    free(w);
    free(parts);
    free(pkts);
    free(recs);
}

/* Give each pending private-leg group (v2: no pkt-dstaddr) its remote ends.
 * 1. The client's own records of that hour (else of the period) name its
 *    destinations exactly.
 * 2. Otherwise the NAT's public legs of that hour (else of the period), less
 *    the bytes already placed by step 1 and by pkt-* records: what is left
 *    is where the unlogged clients' bytes went, shared in proportion.
 * 3. Otherwise 0.0.0.0, an Internet host the records do not name. */
static void resolve_pending(run *R)
{
    if (!R->n_pend) return;
    if (R->n_hints) qsort(R->hints, R->n_hints, sizeof *R->hints, cmp_nat_hint);
    size_t w = 0;
    for (size_t i = 0; i < R->n_hints; i++) {
        if (w && !cmp_nat_hint(&R->hints[w - 1], &R->hints[i])) R->hints[w - 1].bytes += R->hints[i].bytes;
        else R->hints[w++] = R->hints[i];
    }
    R->n_hints = w;
    size_t n_left = 0;
    for (size_t i = 0; i < R->n_pend; i++) {
        const nat_pending *p = &R->pend[i];
        size_t lo, n = hint_range(R, 0, p->client, p->out, p->hour, &lo);
        if (!n) n = hint_range(R, 0, p->client, p->out, HINT_ALL_HOURS, &lo);
        if (n) place_pending(R, p, lo, n);
        else R->pend[n_left++] = *p;
    }
    for (size_t i = 0; i < R->n_units; i++)
        if (R->units[i].path == PATH_NAT && !(R->units[i].flags & COST_FLOW_ESTIMATED))
            consume_leg_hint(R, &R->units[i]);
    for (size_t i = 0; i < n_left; i++) {
        const nat_pending *p = &R->pend[i];
        size_t lo, n = hint_range(R, 1, p->nat, p->out, p->hour, &lo);
        if (!n) n = hint_range(R, 1, p->nat, p->out, HINT_ALL_HOURS, &lo);
        place_pending(R, p, lo, n);
    }
}

/* ---- pricing ---- */

FC_COMPARATOR(cmp_lb, lb_share, FC_ASC(lb) FC_ASC(target))

static bool is_lb(const cost_endpoint *e)
{
    return e->cls == EP_ENI && (e->kind == ENI_ALB || e->kind == ENI_NLB);
}

/* Bytes each workload sent to each load-balancer ENI (§3: LB → Internet
 * egress is paid by the targets in that proportion). */
static void lb_shares(run *R)
{
    const cost_result *r = R->r;
    for (size_t i = 0; i < R->n_units; i++) {
        const unit *u = &R->units[i];
        if (u->via != COST_NONE || !is_lb(&r->eps[u->dst]) || !cost_ep_is_workload(&r->eps[u->src])) continue;
        GROW(R->lbs, R->n_lbs, R->cap_lbs);
        lb_share s = {u->dst, u->src, u->bytes};
        R->lbs[R->n_lbs++] = s;
    }
    if (R->n_lbs) qsort(R->lbs, R->n_lbs, sizeof *R->lbs, cmp_lb);
    size_t w = 0;
    for (size_t i = 0; i < R->n_lbs; i++) {
        if (w && !cmp_lb(&R->lbs[w - 1], &R->lbs[i])) R->lbs[w - 1].bytes += R->lbs[i].bytes;
        else R->lbs[w++] = R->lbs[i];
    }
    R->n_lbs = w;
}

static const char *ep_az(const cost_endpoint *e)
{
    return e->cls == EP_ENI && e->eni ? e->eni->az_id : NULL;
}

static bool cross_az(const cost_endpoint *a, const cost_endpoint *b)
{
    const char *x = ep_az(a), *y = ep_az(b);
    return x && y && strcmp(x, y) != 0;
}

static const char *ep_vpc(const cost_endpoint *e)
{
    return e->cls == EP_ENI && e->eni ? e->eni->vpc_id : NULL;
}

static bool same_str(const char *a, const char *b)
{
    return a && b && (a == b || strcmp(a, b) == 0);
}

/* The unit being priced and where its charges go. */
typedef struct pricing {
    run *R;
    const unit *u;
    size_t flow;
    bool charged;   /* some charge was emitted */
} pricing;

static void flow_key(const unit *u, uint32_t key[4])
{
    key[0] = u->src;
    key[1] = u->dst;
    key[2] = u->via;
    key[3] = (uint32_t)u->flags | (uint32_t)u->path << 8 | (uint32_t)u->dest << 16;
}

/* The flow of unit u, whose key's hash is h (cost_kmap_hash). */
static size_t flow_for(run *R, const unit *u, uint64_t h)
{
    uint32_t key[4];
    flow_key(u, key);
    cost_result *r = R->r;
    if (r->n_flows && !memcmp(key, R->last_flow_key, sizeof key)) return R->last_flow;
    bool created;
    size_t i = cost_kmap_get_hashed(&R->flow_map, key, h, &created);
    if (created) {
        if (r->n_flows == R->cap_flows) {
            R->cap_flows = R->cap_flows ? R->cap_flows * 2 : 64;
            r->flows = xrealloc(r->flows, R->cap_flows * sizeof *r->flows);
            R->flow_ch = xrealloc(R->flow_ch, R->cap_flows * sizeof *R->flow_ch);
            R->flow_nch = xrealloc(R->flow_nch, R->cap_flows * sizeof *R->flow_nch);
        }
        R->flow_ch[r->n_flows] = 0;
        R->flow_nch[r->n_flows] = 0;
        r->flows[r->n_flows++] =
            (cost_flow){.src = u->src, .dst = u->dst, .via = u->via, .flags = u->flags, .path = u->path, .dest = u->dest};
    }
    memcpy(R->last_flow_key, key, sizeof key);
    R->last_flow = i;
    return i;
}

static cost_hour *hour_for(run *R, int32_t hour)
{
    if (hour == AGG_NO_HOUR) return NULL;
    cost_result *r = R->r;
    /* a unit's charges all fall in its hour: one lookup a unit */
    if (R->last_hour_i < r->n_hours && r->hours[R->last_hour_i].hour == hour) return &r->hours[R->last_hour_i];
    bool created;
    size_t i = cost_kmap_get(&R->hour_map, &hour, &created);
    if (created) {
        GROW(r->hours, r->n_hours, R->cap_hours);
        memset(&r->hours[r->n_hours], 0, sizeof *r->hours);
        r->hours[r->n_hours++].hour = hour;
    }
    R->last_hour_i = i;
    return &r->hours[i];
}

#define CHARGE_LIST_MAX 16

static uint32_t *charge_key(const cost_charge *ch, uint8_t half, uint32_t key[5])
{
    key[0] = ch->flow;
    key[1] = ch->payer;
    key[2] = ch->peer;
    key[3] = ch->cat;
    key[4] = half;
    return key;
}

static void charge_map_add(run *R, const uint32_t key[5], size_t ch)
{
    size_t k = cost_kmap_get(&R->charge_map, key, NULL);
    if (k >= R->cap_chmap) {
        R->cap_chmap = R->cap_chmap ? R->cap_chmap * 2 : 64;
        R->chmap = xrealloc(R->chmap, R->cap_chmap * sizeof *R->chmap);
    }
    R->chmap[k] = (uint32_t)ch;
}

/* The charge (flow, payer, peer, cat, in_half), made when new: indexes in
 * the order charges are first made, as the charge map alone gave them. */
static size_t charge_for(run *R, uint32_t flow, uint32_t payer, uint32_t peer, cost_cat cat, uint8_t half)
{
    cost_result *r = R->r;
    uint32_t key[5] = {flow, payer, peer, (uint32_t)cat, half};
    bool in_map = R->flow_nch[flow] > CHARGE_LIST_MAX;
    if (in_map) {
        long k = cost_kmap_find(&R->charge_map, key);
        if (k >= 0) return R->chmap[k];
    } else {
        for (uint32_t c = R->flow_ch[flow]; c; c = R->ch_next[c - 1]) {
            const cost_charge *ch = &r->charges[c - 1];
            if (ch->payer == payer && ch->peer == peer && ch->cat == cat && R->ch_half[c - 1] == half) return c - 1;
        }
    }
    if (r->n_charges == R->cap_charges) {
        R->cap_charges = R->cap_charges ? R->cap_charges * 2 : 64;
        r->charges = xrealloc(r->charges, R->cap_charges * sizeof *r->charges);
        R->ch_next = xrealloc(R->ch_next, R->cap_charges * sizeof *R->ch_next);
        R->ch_half = xrealloc(R->ch_half, R->cap_charges * sizeof *R->ch_half);
    }
    size_t i = r->n_charges++;
    cost_charge *ch = &r->charges[i];
    memset(ch, 0, sizeof *ch);
    ch->flow = flow;
    ch->payer = payer;
    ch->peer = peer;
    ch->cat = (uint8_t)cat;
    R->ch_half[i] = half;
    R->ch_next[i] = R->flow_ch[flow];
    R->flow_ch[flow] = (uint32_t)(i + 1);
    if (++R->flow_nch[flow] == CHARGE_LIST_MAX + 1) {
        /* too many for a list: the flow's charges go into the map */
        for (uint32_t c = R->flow_ch[flow]; c; c = R->ch_next[c - 1])
            charge_map_add(R, charge_key(&r->charges[c - 1], R->ch_half[c - 1], key), c - 1);
    } else if (in_map) {
        charge_map_add(R, key, i);
    }
    return i;
}

static void emit(pricing *P, uint32_t payer, uint32_t peer, cost_cat cat, uint64_t bytes,
                 uint64_t counted, double usd)
{
    run *R = P->R;
    cost_result *r = R->r;
    /* The in-half of a crossing (nothing counted) stays its own charge,
     * even when the out-half has the same payer (cost.h). */
    uint32_t in_half = bytes && !counted;
    size_t i = charge_for(R, (uint32_t)P->flow, payer, peer, cat, (uint8_t)in_half);
    cost_charge *ch = &r->charges[i];
    fc_add_sat(&ch->bytes, bytes);
    fc_add_sat(&ch->bytes_counted, counted);
    ch->usd += usd;
    cost_flow *f = &r->flows[P->flow];
    f->usd += usd;
    f->cat_usd[cat] += usd;
    fc_add_sat(&f->cat_bytes[cat], counted);
    r->eps[payer].usd += usd;
    r->eps[payer].cat_usd[cat] += usd;
    if (peer != COST_NONE) r->eps[peer].peer_usd += usd;
    r->total_usd += usd;
    r->cat_usd[cat] += usd;
    fc_add_sat(&r->cat_bytes[cat], counted);
    cost_hour *h = hour_for(R, P->u->hour);
    if (h) h->cat_usd[cat] += usd;
    P->charged = true;
}

/* A charge whose payer may be a managed ENI: load balancers pass it to
 * their targets by bytes sent to them; other managed ENIs keep it only when
 * there is nobody else (documented fallback, so totals stay whole). */
static void emit_to(pricing *P, uint32_t payer, uint32_t peer, cost_cat cat, uint64_t bytes,
                    uint64_t counted, double usd)
{
    run *R = P->R;
    const cost_endpoint *pe = &R->r->eps[payer];
    if (!is_lb(pe)) {
        emit(P, payer, peer, cat, bytes, counted, usd);
        return;
    }
    lb_share key = {payer, 0, 0};
    size_t a = 0, b = R->n_lbs;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (cmp_lb(&R->lbs[m], &key) < 0) a = m + 1;
        else b = m;
    }
    size_t e = a;
    while (e < R->n_lbs && R->lbs[e].lb == payer) e++;
    if (e == a) {
        emit(P, payer, peer, cat, bytes, counted, usd);
        return;
    }
    uint64_t *w = xcalloc(e - a, sizeof *w), *pb = xcalloc(e - a, sizeof *pb), *pc = xcalloc(e - a, sizeof *pc);
    long double sum = 0;
    for (size_t i = a; i < e; i++) {
        w[i - a] = R->lbs[i].bytes ? R->lbs[i].bytes : 1;
        sum += w[i - a];
    }
    split_bytes(bytes, w, e - a, pb);
    split_bytes(counted, w, e - a, pc);
    for (size_t i = a; i < e; i++)
        emit(P, R->lbs[i].target, peer, cat, pb[i - a], pc[i - a], (double)((long double)usd * w[i - a] / sum));
    free(w);
    free(pb);
    free(pc);
}

static void add_az_pair(run *R, const char *from, const char *to, uint64_t bytes, double usd)
{
    const char *key[2] = {from, to};
    bool created;
    size_t i = cost_kmap_get(&R->pair_map, key, &created);
    cost_result *r = R->r;
    if (created) {
        GROW(r->az_pairs, r->n_az_pairs, R->cap_pairs);
        memset(&r->az_pairs[r->n_az_pairs], 0, sizeof *r->az_pairs);
        r->az_pairs[r->n_az_pairs].src_az = from;
        r->az_pairs[r->n_az_pairs++].dst_az = to;
    }
    r->az_pairs[i].bytes += bytes;
    r->az_pairs[i].usd += usd;
}

static double gb(uint64_t bytes)
{
    return (double)bytes / FC_GIB;
}

/* inter_az of one hop S → R: the out-half paid by the sender, the in-half
 * by the receiver (managed ends pass theirs to `workload`). */
static void charge_inter_az(pricing *P, uint32_t s, uint32_t d, uint32_t s_payer, uint32_t d_payer,
                            uint32_t peer_of_s, uint32_t peer_of_d, const region_rates *rr)
{
    const cost_result *r = P->R->r;
    uint64_t b = P->u->bytes;
    double half = gb(b) * rr->inter_az_per_gb;
    emit_to(P, s_payer, peer_of_s, CAT_INTER_AZ, b, b, half);
    emit_to(P, d_payer, peer_of_d, CAT_INTER_AZ, b, 0, half);
    add_az_pair(P->R, ep_az(&r->eps[s]), ep_az(&r->eps[d]), b, 2 * half);
}

static const region_rates *rates_of(const run *R, const cost_endpoint *e)
{
    const char *reg = e->region ? e->region : R->c->default_region;
    return rates_for(R->c->rates, reg, NULL);
}

static bool is_ec2(const cost_endpoint *e)
{
    return e->cls == EP_AWS && e->service && strcmp(e->service, "EC2") == 0;
}

static bool is_global(const cost_endpoint *e)
{
    return e->cls == EP_AWS && e->region && strcmp(e->region, "GLOBAL") == 0;
}

/* Inter-region is priced per pair when the rates file says so (§3). */
static double inter_region_rate(const pricing *P, const region_rates *rr, const char *from, const char *to)
{
    return rates_inter_region(P->R->c->rates, from ? from : rr->region, to, rr->inter_region_per_gb);
}

/* What a byte costs beyond our edge, by the remote end (§3):
 * out = our workload sends it. */
static void charge_remote(pricing *P, uint32_t payer, uint32_t remote, bool out, const region_rates *rr,
                          const char *our_region)
{
    const cost_endpoint *d = &P->R->r->eps[remote];
    uint64_t b = P->u->bytes;
    if (d->cls == EP_INTERNET) {
        if (out) emit_to(P, payer, remote, CAT_INTERNET_EGRESS, b, b, gb(b) * rr->internet_egress_per_gb);
        return;
    }
    if (d->cls == EP_ENI && !ip_is_private(&d->ip)) {
        /* One of our public IPs: our end's half of regional_public. */
        if (same_str(d->region, our_region))
            emit_to(P, payer, remote, CAT_REGIONAL_PUBLIC, b, b, gb(b) * rr->regional_public_per_gb);
        else if (out)
            emit_to(P, payer, remote, CAT_INTER_REGION, b, b, gb(b) * inter_region_rate(P, rr, our_region, d->region));
        return;
    }
    if (d->cls != EP_AWS || is_global(d)) return;
    if (!same_str(d->region, our_region)) {
        if (out)
            emit_to(P, payer, remote, CAT_INTER_REGION, b, b, gb(b) * inter_region_rate(P, rr, our_region, d->region));
        return;
    }
    if (is_ec2(d)) emit_to(P, payer, remote, CAT_REGIONAL_PUBLIC, b, b, gb(b) * rr->regional_public_per_gb);
}

static void price_nat(pricing *P)
{
    run *R = P->R;
    const cost_result *r = R->r;
    const unit *u = P->u;
    bool out = !(u->flags & COST_FLOW_INBOUND);
    uint32_t cl = out ? u->src : u->dst, rem = out ? u->dst : u->src;
    const cost_endpoint *n = &r->eps[u->via];
    const region_rates *rr = rates_of(R, n);
    uint64_t b = u->bytes;
    emit(P, cl, rem, CAT_NAT_PROCESSING, b, b, gb(b) * rr->nat_per_gb);
    long ni = R->nat_by_ep[u->via];
    if (ni >= 0) {
        cost_nat *nat = &R->r->nats[ni];
        nat->bytes += b;
        if (out) nat->bytes_out += b;
        else nat->bytes_in += b;
        nat->usd += gb(b) * rr->nat_per_gb;
    }
    if (cross_az(&r->eps[cl], n)) {
        /* The NAT is managed: the client pays both halves of its hop. */
        if (out) charge_inter_az(P, cl, u->via, cl, cl, rem, rem, rr);
        else charge_inter_az(P, u->via, cl, cl, cl, rem, rem, rr);
    }
    charge_remote(P, cl, rem, out, rr, n->region);
}

/* A direct unit (no NAT or TGW hop between its ends) as the pricing rules
 * see it. rr: the sender's rates when it is an ENI, else the receiver's. */
typedef struct direct {
    pricing *P;
    const unit *u;
    const cost_endpoint *S, *D;
    const region_rates *rr;
    uint64_t b;
    bool enis;          /* both ends are ENIs */
    bool sw, dw;        /* which ends are workloads */
    uint32_t s_pay, d_pay; /* who pays each end's share: a workload before a managed ENI */
} direct;

static bool d_to_tgw(const direct *d) { return d->enis && d->D->kind == ENI_TRANSIT_GATEWAY; }
static bool d_from_tgw(const direct *d) { return d->enis && d->S->kind == ENI_TRANSIT_GATEWAY; }
static bool d_endpoint(const direct *d)
{
    return d->enis && (d->S->kind == ENI_VPC_ENDPOINT || d->D->kind == ENI_VPC_ENDPOINT);
}
static bool d_alb(const direct *d) { return d->enis && (d->S->kind == ENI_ALB || d->D->kind == ENI_ALB); }
static bool d_other_region(const direct *d) { return d->enis && !same_str(d->S->region, d->D->region); }
static bool d_public_pair(const direct *d)
{
    return d->enis && d->sw && d->dw && (!ip_is_private(&d->S->ip) || !ip_is_private(&d->D->ip));
}
static bool d_enis(const direct *d) { return d->enis; }
static bool d_to_unknown_private(const direct *d) { return d->S->cls == EP_ENI && d->D->cls == EP_UNKNOWN_PRIVATE; }
static bool d_from_eni(const direct *d) { return d->S->cls == EP_ENI; }
static bool d_ec2_to_eni(const direct *d)
{
    return d->D->cls == EP_ENI && is_ec2(d->S) && same_str(d->S->region, d->D->region);
}

static void c_tgw(const direct *d)
{
    if (d->sw)
        emit(d->P, d->u->src, d->u->dst, CAT_TRANSIT_GATEWAY, d->b, d->b, gb(d->b) * d->rr->transit_gateway_per_gb);
}
static void c_endpoint(const direct *d)
{
    const unit *u = d->u;
    bool from_ep = d->S->kind == ENI_VPC_ENDPOINT;
    uint32_t w = from_ep ? u->dst : u->src, ep = from_ep ? u->src : u->dst;
    const region_rates *er = rates_of(d->P->R, &d->P->R->r->eps[ep]);
    emit(d->P, w, ep, CAT_INTERFACE_ENDPOINT, d->b, d->b, gb(d->b) * er->interface_endpoint_per_gb);
    if (cross_az(d->S, d->D)) charge_inter_az(d->P, u->src, u->dst, w, w, ep, ep, er);
}
static void c_inter_region(const direct *d)
{
    double rate = inter_region_rate(d->P, d->rr, d->S->region, d->D->region);
    emit(d->P, d->s_pay, d->u->dst, CAT_INTER_REGION, d->b, d->b, gb(d->b) * rate);
}
static void c_public_pair(const direct *d)
{
    double half = gb(d->b) * d->rr->regional_public_per_gb;
    emit(d->P, d->u->src, d->u->dst, CAT_REGIONAL_PUBLIC, d->b, d->b, half);
    emit(d->P, d->u->dst, d->u->src, CAT_REGIONAL_PUBLIC, d->b, 0, half);
}
static void c_same_region(const direct *d)
{
    if (cross_az(d->S, d->D))
        charge_inter_az(d->P, d->u->src, d->u->dst, d->s_pay, d->d_pay, d->u->dst, d->u->src, d->rr);
}
static void c_outbound(const direct *d) { charge_remote(d->P, d->u->src, d->u->dst, true, d->rr, d->S->region); }
static void c_inbound_public(const direct *d)
{
    emit_to(d->P, d->u->dst, d->u->src, CAT_REGIONAL_PUBLIC, d->b, d->b, gb(d->b) * d->rr->regional_public_per_gb);
}

/* cost-model.md's rules for a direct unit, the first that matches decides
 * (charge NULL: free). */
static const struct {
    bool (*when)(const direct *);
    void (*charge)(const direct *);
} direct_rules[] = {
    {d_to_tgw, c_tgw},                 /* into a TGW attachment: the sending workload pays processing */
    {d_from_tgw, NULL},                /* out of one: billed where it entered */
    {d_endpoint, c_endpoint},          /* interface endpoint: the workload pays, plus its AZ crossing */
    {d_alb, NULL},                     /* ALB to and from its targets */
    {d_other_region, c_inter_region},  /* peering across regions: the sender's region bills */
    {d_public_pair, c_public_pair},    /* two of ours over public IPs: each end pays its half */
    {d_enis, c_same_region},           /* private, same region: only an AZ crossing costs */
    {d_to_unknown_private, NULL},      /* to a private address we cannot place */
    {d_from_eni, c_outbound},          /* out of the VPC: internet, AWS services, other regions */
    {d_ec2_to_eni, c_inbound_public},  /* EC2 public IPs of the region into ours */
};

static void price_direct(pricing *P)
{
    const cost_result *r = P->R->r;
    const unit *u = P->u;
    direct d = {.P = P, .u = u, .S = &r->eps[u->src], .D = &r->eps[u->dst], .b = u->bytes};
    d.enis = d.S->cls == EP_ENI && d.D->cls == EP_ENI;
    d.sw = cost_ep_is_workload(d.S);
    d.dw = cost_ep_is_workload(d.D);
    d.s_pay = d.sw ? u->src : d.dw ? u->dst : u->src;
    d.d_pay = d.dw ? u->dst : d.sw ? u->src : u->dst;
    d.rr = rates_of(P->R, d.S->cls == EP_ENI ? d.S : d.D);
    for (size_t i = 0; i < sizeof direct_rules / sizeof *direct_rules; i++)
        if (direct_rules[i].when(&d)) {
            if (direct_rules[i].charge) direct_rules[i].charge(&d);
            return;
        }
}

static uint8_t unit_path(const run *R, const unit *u)
{
    if (u->via != COST_NONE) return R->r->eps[u->via].kind == ENI_TRANSIT_GATEWAY ? PATH_TGW : PATH_NAT;
    const cost_endpoint *S = &R->r->eps[u->src], *D = &R->r->eps[u->dst];
    const cost_endpoint *e[2] = {S, D};
    for (int i = 0; i < 2; i++) {
        if (e[i]->cls != EP_ENI) continue;
        if (e[i]->kind == ENI_VPC_ENDPOINT) return PATH_ENDPOINT;
        if (e[i]->kind == ENI_TRANSIT_GATEWAY) return PATH_TGW;
        if (is_lb(e[i])) return PATH_LB;
    }
    if (S->cls == EP_ENI && D->cls == EP_ENI)
        return same_str(ep_vpc(S), ep_vpc(D)) || !ep_vpc(S) || !ep_vpc(D) ? PATH_LOCAL : PATH_PEERING;
    if (ep_is_public_remote(S) || ep_is_public_remote(D)) return PATH_IGW;
    return PATH_LOCAL;
}

/* The far end's class, seen from our side of the flow. */
static uint8_t unit_dest(const run *R, const unit *u)
{
    const cost_endpoint *S = &R->r->eps[u->src], *D = &R->r->eps[u->dst];
    const cost_endpoint *ours = (u->flags & COST_FLOW_INBOUND) ? D : S;
    const cost_endpoint *far = (u->flags & COST_FLOW_INBOUND) ? S : D;
    switch (far->cls) {
    case EP_INTERNET: return DEST_INTERNET;
    case EP_UNKNOWN_PRIVATE: return DEST_UNKNOWN_PRIVATE;
    case EP_AWS:
        return is_global(far) || same_str(far->region, ours->region) ? DEST_AWS_SERVICE : DEST_OTHER_REGION;
    case EP_ENI:
    default:
        if (!same_str(far->region, ours->region) && far->region && ours->region) return DEST_OTHER_REGION;
        return same_str(ep_vpc(far), ep_vpc(ours)) || !ep_vpc(far) || !ep_vpc(ours) ? DEST_SAME_VPC
                                                                                      : DEST_OTHER_VPC;
    }
}

/* What this unit's categories rest on (cost-model.md §4, "Figures built on
 * guesses say so"), on top of what was known when it was made. */
static unsigned unit_guesses(const run *R, const unit *u)
{
    const cost_result *r = R->r;
    const cost_endpoint *S = &r->eps[u->src], *D = &r->eps[u->dst];
    unsigned q = u->guess;
    if (u->flags & COST_FLOW_ESTIMATED) q |= 1u << GUESS_NAT_ESTIMATED;
    if (S->cls != EP_ENI && D->cls != EP_ENI) return q | 1u << GUESS_OWNER_UNKNOWN;
    if (u->via != COST_NONE) {
        const cost_endpoint *n = &r->eps[u->via];
        const cost_endpoint *cl = (u->flags & COST_FLOW_INBOUND) ? D : S;
        if (n->kind == ENI_NAT_GATEWAY && (!ep_az(cl) || !ep_az(n))) q |= 1u << GUESS_AZ_UNKNOWN;
        return q;
    }
    bool s_priv = !ep_is_public_remote(S), d_priv = !ep_is_public_remote(D);
    if (S->cls == EP_ENI && D->cls == EP_ENI && s_priv && d_priv && same_str(S->region, D->region) &&
        S->kind != ENI_ALB && D->kind != ENI_ALB && S->kind != ENI_TRANSIT_GATEWAY &&
        D->kind != ENI_TRANSIT_GATEWAY && (!ep_az(S) || !ep_az(D)))
        q |= 1u << GUESS_AZ_UNKNOWN;
    bool s_unk = S->cls == EP_ENI && S->kind == ENI_UNCLASSIFIED, d_unk = D->cls == EP_ENI && D->kind == ENI_UNCLASSIFIED;
    if ((s_unk && d_priv) || (d_unk && s_priv)) q |= 1u << GUESS_KIND_UNKNOWN;
    return q;
}

/* A unit's path and class, and its flow key's hash, a few units ahead of
 * pricing it, with the flow map's slot asked for (the map of a million
 * flows is a cache miss a lookup). */
#define PRICE_AHEAD 8

static void price_prepare(run *R, size_t k, uint64_t *h)
{
    unit *u = &R->units[k];
    u->path = unit_path(R, u);
    u->dest = unit_dest(R, u);
    uint32_t key[4];
    flow_key(u, key);
    *h = cost_kmap_hash(&R->flow_map, key);
    cost_kmap_prefetch(&R->flow_map, *h);
}

static void price_units(run *R)
{
    cost_result *r = R->r;
    uint64_t ahead[PRICE_AHEAD];
    for (size_t k = 0; k < R->n_units && k < PRICE_AHEAD; k++) price_prepare(R, k, &ahead[k]);
    const cost_endpoint *eps = r->eps;
    for (size_t i = 0; i < R->n_units; i++) {
        unit *u = &R->units[i];
        uint64_t fh = ahead[i % PRICE_AHEAD];
        /* what price_prepare reads and the endpoint roll-ups below write,
         * in two steps (at millions of groups each was a miss): the
         * endpoints 16 units ahead, their ENIs' VPC ids 12 ahead */
        if (i + 2 * PRICE_AHEAD < R->n_units) {
            const unit *v = &R->units[i + 2 * PRICE_AHEAD];
            for (int e = 0; e < 2; e++) {
                const char *ep = (const char *)&eps[e ? v->dst : v->src];
                __builtin_prefetch(ep);
                __builtin_prefetch(ep + 48);
                __builtin_prefetch(ep + offsetof(cost_endpoint, bytes_out), 1); /* the roll-ups */
            }
        }
        if (i + PRICE_AHEAD + 4 < R->n_units) {
            const unit *v = &R->units[i + PRICE_AHEAD + 4];
            const inv_eni *se = eps[v->src].eni, *de = eps[v->dst].eni;
            if (se) __builtin_prefetch(&se->vpc_id);
            if (de) __builtin_prefetch(&de->vpc_id);
        }
        if (i + PRICE_AHEAD < R->n_units) price_prepare(R, i + PRICE_AHEAD, &ahead[i % PRICE_AHEAD]);
        size_t fi = flow_for(R, u, fh);
        cost_flow *f = &r->flows[fi];
        fc_add_sat(&f->bytes, u->bytes);
        fc_add_sat(&f->packets, u->packets);
        fc_add_sat(&f->records, u->records);
        fc_add_sat(&r->total_bytes, u->bytes);
        fc_add_sat(&r->eps[u->src].bytes_out, u->bytes);
        fc_add_sat(&r->eps[u->dst].bytes_in, u->bytes);
        if (u->flags & COST_FLOW_ESTIMATED) {
            r->estimated_bytes += u->bytes;
            long ni = R->nat_by_ep[u->via];
            if (ni >= 0) r->nats[ni].estimated = true;
        }
        cost_hour *h = hour_for(R, u->hour);
        if (h) fc_add_sat(&h->bytes, u->bytes);
        pricing P = {R, u, fi, false};
        uint64_t before[CAT_COUNT];
        memcpy(before, r->cat_bytes, sizeof before);
        if (u->via != COST_NONE && r->eps[u->via].kind == ENI_TRANSIT_GATEWAY) {
            const region_rates *rr = rates_of(R, &r->eps[u->via]);
            /* TGW flow logs of this attachment priced these bytes already
             * (cost_tgw_build): the flow keeps its payer IP at $0 */
            bool covered = cost_tgw_covers(r, r->eps[u->via].eni->resource_id);
            emit(&P, u->src, u->dst, CAT_TRANSIT_GATEWAY, u->bytes, covered ? 0 : u->bytes,
                 covered ? 0 : gb(u->bytes) * rr->transit_gateway_per_gb);
        } else if (u->via != COST_NONE) price_nat(&P);
        else price_direct(&P);
        if (!P.charged) {
            /* No price: the bytes still count (cost-model.md §4, no byte
             * goes missing), as free or unknown_private, on our workload
             * end. With no ENI of ours on either end (no rule decided
             * which address is the logging interface's) they are
             * unknown_private at $0 on the private end if there is one,
             * else on the receiving end. */
            const cost_endpoint *S = &r->eps[u->src], *D = &r->eps[u->dst];
            uint32_t payer = cost_ep_is_workload(S) ? u->src : cost_ep_is_workload(D) ? u->dst
                           : S->cls == EP_ENI ? u->src : D->cls == EP_ENI ? u->dst
                           : S->cls == EP_UNKNOWN_PRIVATE ? u->src : u->dst;
            uint32_t peer = payer == u->src ? u->dst : u->src;
            bool owned = S->cls == EP_ENI || D->cls == EP_ENI;
            cost_cat cat = (!owned || S->cls == EP_UNKNOWN_PRIVATE || D->cls == EP_UNKNOWN_PRIVATE)
                               ? CAT_UNKNOWN_PRIVATE : CAT_FREE;
            emit_to(&P, payer, peer, cat, u->bytes, u->bytes, 0.0);
        }
        unsigned q = unit_guesses(R, u);
        for (int k = 0; k < GUESS_COUNT; k++) {
            if (!(q & 1u << k)) continue;
            fc_add_sat(&R->guesses.bytes[k], u->bytes);
            for (int c = 0; c < CAT_COUNT; c++) fc_add_sat(&R->guesses.cat_bytes[k][c], r->cat_bytes[c] - before[c]);
        }
    }
}

/* ---- NAT gateways, fixed costs, hours, security ---- */

long cost_nat_of_ep(const cost_result *r, uint32_t ep)
{
    for (size_t i = 0; i < r->n_nats; i++)
        if (r->nats[i].ep == ep) return (long)i;
    return -1;
}

FC_COMPARATOR(cmp_nat, cost_nat, FC_KEY(strcmp(a->id, b->id)) FC_KEY(strcmp(a->eni_id, b->eni_id)))

static void build_nats(run *R)
{
    cost_result *r = R->r;
    const inventory *inv = R->c->inv;
    size_t n = 0;
    for (size_t i = 0; i < inv_eni_count(inv); i++)
        if (inv_eni_at(inv, i)->kind == ENI_NAT_GATEWAY) n++;
    r->nats = xcalloc(n ? n : 1, sizeof *r->nats);
    for (size_t i = 0; i < inv_eni_count(inv); i++) {
        const inv_eni *e = inv_eni_at(inv, i);
        if (e->kind != ENI_NAT_GATEWAY) continue;
        cost_nat *nt = &r->nats[r->n_nats++];
        nt->id = e->resource_id ? e->resource_id : e->id;
        nt->eni_id = e->id;
        nt->az_id = e->az_id;
        nt->vpc_id = e->vpc_id;
        nt->subnet_id = e->subnet_id;
        nt->name = e->name;
        nt->ep = e->n_ips ? ep_held(r, &e->ips[0], e) : COST_NONE;
    }
    if (r->n_nats) qsort(r->nats, r->n_nats, sizeof *r->nats, cmp_nat);
    R->nat_by_ep = xcalloc(r->n_eps + 1, sizeof *R->nat_by_ep);
    for (size_t i = 0; i < r->n_eps; i++) R->nat_by_ep[i] = -1;
    for (size_t i = 0; i < r->n_nats; i++)
        if (r->nats[i].ep != COST_NONE) R->nat_by_ep[r->nats[i].ep] = (long)i;
}

static void build_fixed(run *R)
{
    cost_result *r = R->r;
    r->fixed = xcalloc(r->n_nats ? r->n_nats : 1, sizeof *r->fixed);
    for (size_t i = 0; i < r->n_nats; i++) {
        const inv_eni *e = inv_by_id(R->c->inv, r->nats[i].eni_id);
        const char *reg = e && e->region ? e->region : R->c->default_region;
        const region_rates *rr = rates_for(R->c->rates, reg, NULL);
        cost_fixed *f = &r->fixed[r->n_fixed++];
        f->kind = "nat_gateway_hours";
        f->id = r->nats[i].id;
        f->hours = r->period_hours;
        f->usd = f->hours * rr->nat_per_hour;
    }
}

static void count_hours_quality(run *R)
{
    for (size_t i = 0; i < R->ng; i++) {
        const agg_group *g = &R->gs[R->order[i]];
        if (g->status == FL_SKIPDATA) {
            cost_hour *h = hour_for(R, g->hour);
            if (h) h->skipdata += g->records;
        } else if (g->status == FL_OK && g->action == FL_REJECT) {
            cost_hour *h = hour_for(R, g->hour);
            if (h) h->rejected += g->records;
        }
    }
}

typedef struct rej {
    ip128 src;
    uint16_t port;
    uint64_t records;
} rej;

FC_COMPARATOR(cmp_rej, rej, FC_KEY(ip_cmp(&a->src, &b->src)) FC_ASC(port))

typedef struct rej_src {
    ip128 src;
    uint64_t records;
    size_t lo, hi; /* its rows in the rej array */
} rej_src;

FC_COMPARATOR(cmp_rej_src, rej_src, FC_DESC(records) FC_KEY(ip_cmp(&a->src, &b->src)))

FC_COMPARATOR(cmp_port_count, rej, FC_DESC(records) FC_ASC(port))

bool cost_rejected_ingress(const cost_ctx *c, const agg_group *g)
{
    if (g->status != FL_OK || g->action != FL_REJECT || !(g->flags & AGG_HAS_SRC)) return false;
    const char *id = agg_str(c->a, g->eni);
    return group_dir(g, id ? inv_by_id(c->inv, id) : NULL) == FL_INGRESS;
}

static void build_reject_sources(run *R)
{
    cost_result *r = R->r;
    rej *rs = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < R->ng; i++) {
        const agg_group *g = &R->gs[i];
        if (!cost_rejected_ingress(R->c, g)) continue;
        GROW(rs, n, cap);
        rs[n].src = g->src;
        rs[n].port = g->dstport;
        rs[n++].records = g->records;
    }
    if (!n) {
        free(rs);
        return;
    }
    qsort(rs, n, sizeof *rs, cmp_rej);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (w && !cmp_rej(&rs[w - 1], &rs[i])) rs[w - 1].records += rs[i].records;
        else rs[w++] = rs[i];
    }
    n = w;
    rej_src *ss = xcalloc(n, sizeof *ss);
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ns || !ip_eq(&ss[ns - 1].src, &rs[i].src)) {
            ss[ns].src = rs[i].src;
            ss[ns].lo = i;
            ns++;
        }
        ss[ns - 1].records += rs[i].records;
        ss[ns - 1].hi = i + 1;
    }
    qsort(ss, ns, sizeof *ss, cmp_rej_src);
    size_t top = ns < 10 ? ns : 10;
    r->reject_sources = xcalloc(top ? top : 1, sizeof *r->reject_sources);
    for (size_t i = 0; i < top; i++) {
        cost_reject_source *o = &r->reject_sources[r->n_reject_sources++];
        o->src = ss[i].src;
        o->records = ss[i].records;
        qsort(rs + ss[i].lo, ss[i].hi - ss[i].lo, sizeof *rs, cmp_port_count);
        for (size_t j = ss[i].lo; j < ss[i].hi && o->n_ports < 10; j++) o->ports[o->n_ports++] = rs[j].port;
    }
    free(ss);
    free(rs);
}

/* ---- final orders ---- */

/* Flows are ordered through their keys with the old index alongside (20
 * bytes a flow, not a 196-byte copy of each: at a million flows that copy
 * was the peak of the whole report), then moved into place along the
 * cycles of the permutation. The keys are unique (flow_for), so the order
 * is the same whatever the sort. */
typedef struct flow_ref {
    uint32_t src, dst, via;
    uint8_t flags, path, dest;
    uint32_t old;
} flow_ref;

FC_COMPARATOR(cmp_flow_ref, flow_ref, FC_ASC(src) FC_ASC(dst) FC_ASC(via) FC_ASC(flags) FC_ASC(path) FC_ASC(dest))

/* the out-half (bytes counted) before the in-half */
FC_COMPARATOR(cmp_charge, cost_charge,
              FC_ASC(flow) FC_ASC(payer) FC_ASC(peer) FC_ASC(cat) FC_DESC(bytes_counted))

FC_COMPARATOR(cmp_hour, cost_hour, FC_ASC(hour))

FC_COMPARATOR(cmp_pair, cost_az_pair,
              FC_DESC(bytes) FC_KEY(cmp_str(a->src_az, b->src_az)) FC_KEY(cmp_str(a->dst_az, b->dst_az)))

/* ---- two passes at once ---- */

typedef struct job {
    void (*fn)(void *);
    void *arg;
} job;

static void *job_main(void *arg)
{
    const job *j = arg;
    j->fn(j->arg);
    return NULL;
}

/* a and b on two threads when `two` (they read the same groups and write
 * nothing the other reads or writes), else one after the other: the
 * result is the same either way. */
static void run_pair(bool two, job a, job b)
{
    pthread_t th;
    bool up = two && pthread_create(&th, NULL, job_main, &b) == 0;
    a.fn(a.arg);
    if (up) pthread_join(th, NULL);
    else b.fn(b.arg);
}

/* cmp_flow_ref's order: dealt by source endpoint (a counting sort; no two
 * flows are equal, so the result is the one order whatever the method),
 * then each source's few flows sorted. Was one qsort of every flow. */
static void sort_flow_refs(flow_ref *fr, size_t n, size_t n_eps)
{
    size_t *at = xcalloc(n_eps + 2, sizeof *at);
    for (size_t i = 0; i < n; i++) at[(fr[i].src < n_eps ? fr[i].src : n_eps) + 1]++;
    for (size_t b = 0; b <= n_eps; b++) at[b + 1] += at[b];
    flow_ref *by = xmalloc((n ? n : 1) * sizeof *by);
    for (size_t i = 0; i < n; i++) by[at[fr[i].src < n_eps ? fr[i].src : n_eps]++] = fr[i];
    free(at);
    memcpy(fr, by, n * sizeof *fr);
    free(by);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && (fr[j].src == fr[i].src || (fr[j].src >= n_eps && fr[i].src >= n_eps));) j++;
        if (j - i > 1) qsort(fr + i, j - i, sizeof *fr, cmp_flow_ref);
    }
}

/* Position k takes the flow from_of[k]: along each cycle every flow moves
 * once (swapping moved each twice, 192 bytes at random), and the flow
 * after next is asked for while one is copied. Frees from_of. */
typedef struct permute_job {
    cost_result *r;
    uint32_t *from_of;
} permute_job;

static void permute_flows(void *arg)
{
    permute_job *j = arg;
    cost_result *r = j->r;
    uint32_t *from_of = j->from_of;
    for (size_t i = 0; i < r->n_flows; i++) {
        if (from_of[i] == i || from_of[i] == UINT32_MAX) continue;
        cost_flow t = r->flows[i];
        size_t k = i;
        for (;;) {
            size_t from = from_of[k];
            from_of[k] = UINT32_MAX;
            if (from == i) {
                r->flows[k] = t;
                break;
            }
            size_t next = from_of[from];
            if (next != UINT32_MAX) {
                const char *nf = (const char *)&r->flows[next];
                __builtin_prefetch(nf);
                __builtin_prefetch(nf + 64);
                __builtin_prefetch(nf + 128);
                __builtin_prefetch(&from_of[next]);
            }
            r->flows[k] = r->flows[from];
            k = from;
        }
    }
    free(from_of);
}

/* By flow first: dealt into their flows (a counting sort keeps their
 * order), then each flow's few charges sorted (was one sort of every
 * charge). */
static void sort_charges(void *arg)
{
    cost_result *r = arg;
    if (!r->n_charges) return;
    size_t *at = xcalloc(r->n_flows + 1, sizeof *at);
    for (size_t i = 0; i < r->n_charges; i++) at[r->charges[i].flow + 1]++;
    for (size_t i = 0; i < r->n_flows; i++) at[i + 1] += at[i];
    cost_charge *by = xmalloc(r->n_charges * sizeof *by);
    for (size_t i = 0; i < r->n_charges; i++) by[at[r->charges[i].flow]++] = r->charges[i];
    free(at);
    free(r->charges);
    r->charges = by;
    for (size_t i = 0, j; i < r->n_charges; i = j) {
        for (j = i + 1; j < r->n_charges && r->charges[j].flow == r->charges[i].flow;) j++;
        if (j - i > 1) qsort(r->charges + i, j - i, sizeof *r->charges, cmp_charge);
    }
}

/* Flows in cmp_flow_ref's order, the charges renumbered and by flow: the
 * flows' permutation and the charges' sort touch different memory and run
 * at once when `two`. */
static void final_orders(cost_result *r, bool two)
{
    uint32_t *from_of = NULL;
    if (r->n_flows) {
        flow_ref *fr = xmalloc(r->n_flows * sizeof *fr);
        for (size_t i = 0; i < r->n_flows; i++) {
            const cost_flow *f = &r->flows[i];
            fr[i] = (flow_ref){f->src, f->dst, f->via, f->flags, f->path, f->dest, (uint32_t)i};
        }
        sort_flow_refs(fr, r->n_flows, r->n_eps);
        from_of = xmalloc(r->n_flows * sizeof *from_of);
        for (size_t i = 0; i < r->n_flows; i++) from_of[i] = fr[i].old;
        free(fr);
        uint32_t *pos = xmalloc(r->n_flows * sizeof *pos);
        for (size_t i = 0; i < r->n_flows; i++) pos[from_of[i]] = (uint32_t)i;
        for (size_t i = 0; i < r->n_charges; i++) r->charges[i].flow = pos[r->charges[i].flow];
        free(pos);
    }
    permute_job pj = {r, from_of};
    if (from_of) run_pair(two, (job){permute_flows, &pj}, (job){sort_charges, r});
    else sort_charges(r);
    if (r->n_hours) qsort(r->hours, r->n_hours, sizeof *r->hours, cmp_hour);
    if (r->n_az_pairs) qsort(r->az_pairs, r->n_az_pairs, sizeof *r->az_pairs, cmp_pair);
}

/* ---- entry points ---- */

static void period_of(cost_ctx *c, cost_result *r, const agg_group *gs, size_t ng)
{
    int64_t s = r->records.start, e = r->records.end;
    for (size_t i = 0; i < ng; i++) {
        if (gs[i].min_start > 0 && (!s || gs[i].min_start < s)) s = gs[i].min_start;
        if (gs[i].max_end > e) e = gs[i].max_end;
    }
    if (c->opt.since) s = c->opt.since;
    if (c->opt.until) e = c->opt.until;
    r->period_start = s;
    r->period_end = e > s ? e : s;
    c->period_secs = (double)(r->period_end - r->period_start);
    r->period_hours = c->period_secs / 3600.0;
}

typedef struct hour_span {
    int64_t lo, hi; /* hours [lo, hi] */
} hour_span;

FC_COMPARATOR(cmp_span, hour_span, FC_ASC(lo) FC_ASC(hi))

/* Floor division by 3600 that is right for times before 1970 too. */
static int64_t hour_of(int64_t t)
{
    return t >= 0 ? t / 3600 : -((-t + 3599) / 3600);
}

void cost_coverage_of(const agg *a, int64_t start, int64_t end, cost_coverage *out)
{
    memset(out, 0, sizeof *out);
    size_t ng;
    const agg_group *gs = agg_groups(a, &ng);
    /* a group's records all start in its hour; the one that ends last
     * covers every hour from there to its end, so the group covers exactly
     * [hour, hour of max_end) */
    /* each distinct span once: millions of groups share a few hundred
     * (a copy of every group's span, sorted, was 48 MB and a full sort at
     * 3M groups); a repeated span changes neither count below */
    cost_kmap spans;
    cost_kmap_init(&spans, sizeof(hour_span));
    for (size_t i = 0; i < ng; i++) {
        if (!gs[i].records) continue;
        if (gs[i].min_start > 0 && (!out->first_record || gs[i].min_start < out->first_record))
            out->first_record = gs[i].min_start;
        if (gs[i].max_end > out->last_record) out->last_record = gs[i].max_end;
        if (gs[i].hour == AGG_NO_HOUR) continue;
        int64_t e = gs[i].max_end > (int64_t)gs[i].hour * 3600 ? hour_of(gs[i].max_end - 1) : gs[i].hour;
        hour_span sp = {gs[i].hour, e > gs[i].hour ? e : gs[i].hour};
        cost_kmap_get(&spans, &sp, NULL);
    }
    hour_span *hs = (hour_span *)spans.keys;
    size_t nh = spans.n;
    if (!start && !end) {
        start = out->first_record;
        end = out->last_record;
    }
    if (nh || end > start) {
        int64_t h0 = hour_of(start), h1 = end > start ? hour_of(end - 1) : h0;
        out->hours = (uint64_t)(h1 - h0 + 1);
        if (nh) qsort(hs, nh, sizeof *hs, cmp_span);
        int64_t last_start = INT64_MIN, covered_to = INT64_MIN; /* hours counted so far: <= covered_to */
        for (size_t i = 0; i < nh; i++) {
            if (hs[i].lo != last_start && hs[i].lo >= h0 && hs[i].lo <= h1) out->hours_with_records++;
            last_start = hs[i].lo;
            int64_t lo = hs[i].lo > h0 ? hs[i].lo : h0, hi = hs[i].hi < h1 ? hs[i].hi : h1;
            if (lo <= covered_to) lo = covered_to + 1;
            if (lo <= hi) {
                out->hours_covered += (uint64_t)(hi - lo + 1);
                covered_to = hi;
            }
        }
    }
    cost_kmap_free(&spans);
}

/* Coverage, what the monthly figures extrapolate from, and the notices that
 * say so: a gappy period (under 90% of its hours with records) is
 * extrapolated from the hours that have data, not from its length, or a
 * week-long window over one day of logs would show a seventh of the real
 * run-rate; a capture under an hour is too short to extrapolate at all. */
static void coverage_notices(cost_ctx *c, cost_result *r)
{
    const cost_coverage *cv = &r->coverage;
    c->extrap_secs = c->period_secs;
    double with = (double)cv->hours_covered * 3600.0;
    if (cv->hours_covered && with < c->extrap_secs) c->extrap_secs = with;
    r->extrapolated_hours = c->extrap_secs / 3600.0;
    if (!cv->hours_covered) return; /* no record with a time: nothing to extrapolate from */
    if (cv->hours && (double)cv->hours_covered < COST_COVERAGE_MIN * (double)cv->hours) {
        char from[32], to[32];
        fc_format_time(cv->first_record, from, sizeof from);
        fc_format_time(cv->last_record, to, sizeof to);
        cost_notice(r, "only %llu of the %llu hours of the period have records (records from %s to %s): "
                       "the monthly run-rate and the findings' monthly savings are extrapolated from the "
                       "%llu hours that have data",
                    (unsigned long long)cv->hours_covered, (unsigned long long)cv->hours, from, to,
                    (unsigned long long)cv->hours_covered);
    }
    if (c->period_secs < 3600.0)
        cost_notice(r, "the period is only %.0f minute%s long: too short to extrapolate a monthly run-rate "
                       "or monthly savings reliably",
                    c->period_secs / 60.0, c->period_secs < 90.0 ? "" : "s");
}

/* ---- the passes run_pair runs at once ---- */

typedef struct learn_job {
    inventory *inv;
    const agg *a;
    const char *region;
} learn_job;

static void learn_main(void *arg)
{
    learn_job *l = arg;
    cost_learn(l->inv, l->a, l->region);
}

/* What only reads the groups before the ENIs are known: the period, its
 * coverage and the group order. */
static void period_order_main(void *arg)
{
    run *R = arg;
    cost_ctx *c = R->c;
    period_of(c, R->r, R->gs, R->ng);
    cost_coverage_of(c->a, R->r->period_start, R->r->period_end, &R->r->coverage);
    R->order = group_order(c->a, R->gs, R->ng);
}

static void other_groups_main(void *arg)
{
    other_groups(arg);
}

/* The hours' REJECT/SKIPDATA counts, the reject sources and the port-scan
 * candidates: each its own output, none read by other_groups. */
static void rejects_main(void *arg)
{
    run *R = arg;
    count_hours_quality(R);
    build_reject_sources(R);
    cost_findings_scans(R->c);
}

/* cost_run, and cost_run_owned when owned is not NULL (*owned == a): the
 * agg is freed as soon as its groups have been read, before pricing. */
static cost_result *run_model(const agg *a, agg **owned, inventory *inv, const lpm *ranges, const rate_table *rates,
                              const cost_options *opt, char *err, size_t errlen)
{
    if (!a || !inv || !rates) {
        fc_err(err, errlen, "cost model needs records, an inventory and a rate table");
        return NULL;
    }
    cost_ctx c = {0};
    c.a = a;
    c.inv = inv;
    c.ranges = ranges;
    c.rates = rates;
    if (opt) c.opt = *opt;
    else cost_options_default(&c.opt);
    c.default_region = inv_intern(inv, c.opt.default_region && *c.opt.default_region
                                           ? c.opt.default_region : "us-east-1");
    cost_result *r = xcalloc(1, sizeof *r);
    c.r = r;
    r->records = *agg_stats_get(a);
    r->kinds_learned_only = !(inv_sources(inv) & (INV_FROM_SNAPSHOT | INV_FROM_LIVE));
    r->rates_source = rates_source(rates);
    r->ipranges_version = ranges ? lpm_version(ranges) : NULL;
    r->ipranges_created = ranges ? lpm_create_date(ranges) : NULL;
    r->inv = inv;

    run R = {0};
    R.c = &c;
    R.r = r;
    R.gs = agg_groups(a, &R.ng);
    bool two = c.opt.threads != 1;
    learn_job lj = {inv, a, c.default_region};
    run_pair(two, (job){learn_main, &lj}, (job){period_order_main, &R});
    size_t nstr = agg_str_count(a);
    R.eni_of_str = xcalloc(nstr + 1, sizeof *R.eni_of_str);
    R.nstr = nstr;
    R.svc_of_str = xcalloc(nstr + 1, sizeof *R.svc_of_str);
    R.eni_observed = xcalloc(inv_eni_count(inv) + 1, sizeof *R.eni_observed);
    for (uint32_t id = 1; id <= nstr; id++) R.eni_of_str[id] = inv_by_id(inv, agg_str(a, id));
    /* each ENI's index looked up once, not once a group */
    bool *id_seen = xcalloc(nstr + 1, sizeof *id_seen);
    for (size_t i = 0; i < R.ng; i++)
        if (R.gs[i].eni && R.gs[i].eni <= nstr) id_seen[R.gs[i].eni] = true;
    for (uint32_t id = 1; id <= nstr; id++) {
        size_t k = id_seen[id] && R.eni_of_str[id] ? eni_index(inv, R.eni_of_str[id]) : SIZE_MAX;
        if (k != SIZE_MAX) R.eni_observed[k] = true;
    }
    free(id_seen);

    R.nat_enis = xcalloc(inv_eni_count(inv) + 1, sizeof *R.nat_enis);
    for (size_t i = 0; i < inv_eni_count(inv); i++) {
        const inv_eni *e = inv_eni_at(inv, i);
        if (e->kind == ENI_NAT_GATEWAY && e->n_ips) R.nat_enis[R.n_nat_enis++] = e;
    }
    build_endpoints(&R);
    index_endpoints(&R);
    build_nats(&R);
    R.served = xcalloc(r->n_eps + 1, sizeof *R.served);
    R.nat_remote = xcalloc(r->n_eps + 1, sizeof *R.nat_remote);
    R.has_tp = xcalloc(r->n_eps + 1, sizeof *R.has_tp);
    cost_kmap_init(&R.tp1, 2 * sizeof(uint32_t));
    cost_kmap_init(&R.tgw_pairs, 2 * sizeof(uint32_t));
    cost_kmap_init(&R.flow_map, 4 * sizeof(uint32_t));
    cost_kmap_init(&R.charge_map, 5 * sizeof(uint32_t));
    cost_kmap_init(&R.hour_map, sizeof(int32_t));
    cost_kmap_init(&R.pair_map, 2 * sizeof(const char *));

    nat_groups(&R);
    tgw_groups(&R);
    tp_pass(&R);
    run_pair(two, (job){other_groups_main, &R}, (job){rejects_main, &R});
    resolve_pending(&R);
    lb_shares(&R);
    cost_tgw_build(r, a, inv, rates, c.default_region);
    /* Nothing below reads the groups: the agg can go before the flows and
     * charges are made (at a million groups each is hundreds of MB). */
    free(R.order);
    free(R.eni_of_str);
    free(R.svc_of_str);
    R.order = NULL;
    R.eni_of_str = NULL;
    R.svc_of_str = NULL;
    R.gs = NULL;
    R.ng = 0;
    c.a = NULL;
    if (owned) {
        agg_free(*owned);
        *owned = NULL;
    }
    price_units(&R);
    /* what only pricing reads goes before the final orders need memory */
    cost_kmap_free(&R.flow_map);
    cost_kmap_free(&R.charge_map);
    free(R.flow_ch);
    free(R.flow_nch);
    free(R.ch_next);
    free(R.ch_half);
    free(R.chmap);
    free(R.units);
    R.units = NULL;
    R.n_units = R.cap_units = 0;
    build_fixed(&R);
    final_orders(r, two);
    /* data_quality's counts are the category's own (cost-model.md §4). */
    r->unknown_private_bytes = r->cat_bytes[CAT_UNKNOWN_PRIVATE];
    bool *unk = xcalloc(r->n_eps + 1, sizeof *unk);
    for (size_t i = 0; i < r->n_charges; i++) {
        const cost_charge *ch = &r->charges[i];
        if (ch->cat != CAT_UNKNOWN_PRIVATE) continue;
        if (r->eps[ch->payer].cls != EP_ENI) unk[ch->payer] = true;
        if (ch->peer != COST_NONE && r->eps[ch->peer].cls != EP_ENI) unk[ch->peer] = true;
    }
    for (size_t i = 0; i < r->n_eps; i++) r->n_unknown_private += unk[i];
    free(unk);
    cost_quality_build(r, inv, &R.guesses);
    coverage_notices(&c, r);
    r->monthly_run_rate_usd = c.extrap_secs > 0 ? r->total_usd * COST_MONTH_SECS / c.extrap_secs : 0;

    cost_findings_build(&c);

    free(R.eni_observed);
    free(R.units);
    free(R.hints);
    free(R.pend);
    free(R.served);
    free(R.nat_remote);
    free(R.has_tp);
    free(R.lbs);
    free(R.nat_by_ep);
    free(R.nat_enis);
    cost_kmap_free(&R.tp1);
    cost_kmap_free(&R.tgw_pairs);
    cost_kmap_free(&R.flow_map);
    cost_kmap_free(&R.charge_map);
    cost_kmap_free(&R.hour_map);
    cost_kmap_free(&R.pair_map);
    cost_kmap_free(&R.ep_map);
    free(R.ep_first);
    free(R.ep_observed);
    return r;
}

cost_result *cost_run(const agg *a, inventory *inv, const lpm *ranges, const rate_table *rates,
                      const cost_options *opt, char *err, size_t errlen)
{
    return run_model(a, NULL, inv, ranges, rates, opt, err, errlen);
}

cost_result *cost_run_owned(agg **a, inventory *inv, const lpm *ranges, const rate_table *rates,
                            const cost_options *opt, char *err, size_t errlen)
{
    if (!a) return run_model(NULL, NULL, inv, ranges, rates, opt, err, errlen);
    cost_result *r = run_model(*a, a, inv, ranges, rates, opt, err, errlen);
    if (!r) {
        agg_free(*a);
        *a = NULL;
    }
    return r;
}

void cost_result_free(cost_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_findings; i++) {
        cost_finding *f = &r->findings[i];
        free(f->title);
        free(f->change);
        for (size_t k = 0; k < f->n_resources; k++) free(f->resources[k]);
        free(f->resources);
        for (size_t k = 0; k < f->n_evidence; k++) free(f->evidence[k].label);
        free(f->evidence);
    }
    free(r->findings);
    free(r->eps);
    free(r->flows);
    free(r->charges);
    free(r->hours);
    free(r->nats);
    free(r->az_pairs);
    free(r->fixed);
    free(r->reject_sources);
    free(r->tgw);
    free(r->tgw_attachments);
    free(r->tgw_accounts);
    free(r->bounds);
    for (size_t i = 0; i < r->n_notices; i++) free(r->notices[i]);
    free(r->notices);
    free(r);
}

void cost_notice(cost_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = xmalloc((size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    r->notices = xrealloc(r->notices, (r->n_notices + 1) * sizeof *r->notices);
    r->notices[r->n_notices++] = s;
}
