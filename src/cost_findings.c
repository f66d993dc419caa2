/* cost_findings: the savings a FinOps engineer can act on (cost-model.md
 * §5), each with the resources, the evidence rows and the monthly figures,
 * plus savings_total_monthly_usd — all reported changes made together, each
 * saved dollar counted once and each added resource's hours subtracted
 * once. Works on a priced cost_result only: it never re-prices traffic. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cost_int.h"
#include "util.h"

typedef struct ev_row {
    uint32_t a, b;   /* client (or pair) endpoints */
    uint64_t bytes;
    double usd;
} ev_row;

typedef struct vaz {
    const char *vpc, *az, *service;
} vaz;

/* One candidate finding while it is being summed. */
typedef struct cand {
    const char *kind;
    uint32_t nat;              /* NAT endpoint, or COST_NONE */
    const char *service, *region;
    uint32_t pa, pb;           /* chatty pair */
    double period_usd;
    uint64_t bytes;
    ev_row *rows;
    size_t n_rows, cap_rows;
    vaz *adds;                 /* (vpc, az) that would get a resource */
    size_t n_adds, cap_adds;
    double add_hourly;         /* $/hour of each added resource */
    char **prefixes;
    size_t n_prefixes, cap_prefixes;
    bool reported;
    double monthly, extra, net;
} cand;

typedef struct cands {
    cand *v;
    size_t n, cap;
    cost_kmap map;      /* cand_key → index in v */
    cost_kmap rows;     /* (cand, a, b) → global row number */
    size_t *row_at;     /* global row number → index in its cand's rows */
    size_t cap_row_at;
} cands;

/* Candidates are looked up once per flow: by key, not by scanning. */
typedef struct cand_key {
    uint32_t kind, nat, pa, pb;
    char service[48], region[24];
} cand_key;

static const char *const kinds[] = {"cross_az_nat", "s3_dynamodb_via_nat", "aws_service_via_nat",
                                    "cross_az_chatty_pair"};

static void make_key(cand_key *k, const char *kind, uint32_t nat, const char *service, const char *region,
                     uint32_t pa, uint32_t pb)
{
    memset(k, 0, sizeof *k);
    for (uint32_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kinds[i], kind)) k->kind = i;
    k->nat = nat;
    k->pa = pa;
    k->pb = pb;
    if (service) snprintf(k->service, sizeof k->service, "%s", service);
    if (region) snprintf(k->region, sizeof k->region, "%s", region);
}

static size_t cand_get(cands *cs, const char *kind, uint32_t nat, const char *service,
                       const char *region, uint32_t pa, uint32_t pb)
{
    cand_key key;
    make_key(&key, kind, nat, service, region, pa, pb);
    bool created;
    size_t i = cost_kmap_get(&cs->map, &key, &created);
    if (created) {
        GROW(cs->v, cs->n, cs->cap);
        cand *c = &cs->v[cs->n++];
        memset(c, 0, sizeof *c);
        c->kind = kinds[key.kind];
        c->nat = nat;
        c->service = service;
        c->region = region;
        c->pa = pa;
        c->pb = pb;
    }
    return i;
}

static void cand_row(cands *cs, size_t ci, uint32_t a, uint32_t b, uint64_t bytes, double usd)
{
    uint32_t key[3] = {(uint32_t)ci, a, b};
    bool created;
    size_t g = cost_kmap_get(&cs->rows, key, &created);
    cand *c = &cs->v[ci];
    if (created) {
        GROW(cs->row_at, g, cs->cap_row_at);
        cs->row_at[g] = c->n_rows;
        if (c->n_rows == c->cap_rows) {
            /* from 2, not GROW's 64: a chatty pair has at most two rows
             * (a -> b, b -> a) and v5 logs with az-id can have hundreds of
             * thousands of pairs (64 rows were 1.5 KB a pair) */
            c->cap_rows = c->cap_rows ? c->cap_rows * 2 : 2;
            c->rows = xrealloc(c->rows, c->cap_rows * sizeof *c->rows);
        }
        ev_row r = {a, b, 0, 0};
        c->rows[c->n_rows++] = r;
    }
    c->rows[cs->row_at[g]].bytes += bytes;
    c->rows[cs->row_at[g]].usd += usd;
}

static bool str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void cand_add(cand *c, const char *vpc, const char *az, const char *service)
{
    if (!az) return;
    for (size_t i = 0; i < c->n_adds; i++)
        if (c->adds[i].az == az && c->adds[i].vpc == vpc) return;
    GROW(c->adds, c->n_adds, c->cap_adds);
    vaz v = {vpc, az, service};
    c->adds[c->n_adds++] = v;
}

static void cand_prefix(cand *c, const char *p)
{
    for (size_t i = 0; i < c->n_prefixes; i++)
        if (!strcmp(c->prefixes[i], p)) return;
    GROW(c->prefixes, c->n_prefixes, c->cap_prefixes);
    c->prefixes[c->n_prefixes++] = xstrdup(p);
}

static void cand_free(cand *c)
{
    free(c->rows);
    free(c->adds);
    for (size_t i = 0; i < c->n_prefixes; i++) free(c->prefixes[i]);
    free(c->prefixes);
}

static const char *ep_vpc(const cost_endpoint *e)
{
    return e->cls == EP_ENI && e->eni ? e->eni->vpc_id : NULL;
}

static const char *ep_az(const cost_endpoint *e)
{
    return e->cls == EP_ENI && e->eni ? e->eni->az_id : NULL;
}

static bool is_svc(const cost_endpoint *e, const char *name)
{
    return e->cls == EP_AWS && e->service && strcasecmp(e->service, name) == 0;
}

static const char *nat_region(const cost_ctx *c, const cost_endpoint *n)
{
    return n->region ? n->region : c->default_region;
}

/* Does the VPC have a NAT gateway in that AZ? */
static bool nat_in(const cost_result *r, const char *vpc, const char *az)
{
    for (size_t i = 0; i < r->n_nats; i++)
        if (str_eq(r->nats[i].az_id, az) && (!vpc || !r->nats[i].vpc_id || str_eq(r->nats[i].vpc_id, vpc)))
            return true;
    return false;
}

static const char *nat_id(const cost_result *r, uint32_t ep)
{
    long i = cost_nat_of_ep(r, ep);
    return i >= 0 ? r->nats[i].id : NULL;
}

/* A NAT gateway as findings name it (cost_nat_label), or NULL. */
static const char *nat_label(const cost_result *r, uint32_t ep, char *buf, size_t n)
{
    long i = cost_nat_of_ep(r, ep);
    if (i < 0) return NULL;
    cost_nat_label(&r->nats[i], buf, n);
    return buf;
}

/* A workload with its address and AZ: "orders-api-1 (10.0.16.21, use1-az4)". */
static void label_az(const cost_result *r, uint32_t ep, char *buf, size_t n)
{
    char ip[IP_STRLEN];
    ip_format(&r->eps[ep].ip, ip, sizeof ip);
    const char *nm = cost_ep_name(r, ep), *az = ep_az(&r->eps[ep]);
    if (nm) snprintf(buf, n, "%s (%s, %s)", nm, ip, az ? az : "?");
    else snprintf(buf, n, "%s (%s)", ip, az ? az : "?");
}

/* An address as findings show it at time `at`: named when the inventory knows
 * who held it then. */
static void label_ip(const cost_ctx *c, const ip128 *ip, int64_t at, char *buf, size_t n)
{
    char t[IP_STRLEN];
    ip_format(ip, t, sizeof t);
    const inv_eni *e = c->inv ? inv_by_ip_at(c->inv, ip, at) : NULL;
    if (e && e->name) snprintf(buf, n, "%s (%s)", e->name, t);
    else snprintf(buf, n, "%s", t);
}

static char *label_nat(const cost_result *r, uint32_t client, uint32_t nat, const char *what)
{
    char a[320], nl[320];
    const char *id = nat_label(r, nat, nl, sizeof nl);
    label_az(r, client, a, sizeof a);
    const char *az2 = ep_az(&r->eps[nat]);
    dbuf b;
    dbuf_init(&b, 0);
    dbuf_printf(&b, "%s → %s (%s)", a, id ? id : "NAT", az2 ? az2 : "?");
    if (what) dbuf_printf(&b, " → %s", what);
    return dbuf_take(&b, NULL);
}

static void collect(cost_ctx *c, cands *cs)
{
    const cost_result *r = c->r;
    for (size_t i = 0; i < r->n_flows; i++) {
        const cost_flow *f = &r->flows[i];
        if (cost_flow_is_nat(f)) {
            uint32_t cl = cost_flow_client(f), rem = cost_flow_remote(f);
            const cost_endpoint *n = &r->eps[f->via], *d = &r->eps[rem], *ce = &r->eps[cl];
            const char *nreg = nat_region(c, n);
            const region_rates *rr = rates_for(c->rates, nreg, NULL);
            double iaz = f->cat_usd[CAT_INTER_AZ];
            if (iaz > 0) {
                size_t ki = cand_get(cs, "cross_az_nat", f->via, NULL, NULL, COST_NONE, COST_NONE);
                cand *k = &cs->v[ki];
                k->period_usd += iaz;
                k->bytes += f->cat_bytes[CAT_INTER_AZ];
                k->add_hourly = rr->nat_per_hour;
                cand_row(cs, ki, cl, COST_NONE, f->cat_bytes[CAT_INTER_AZ], iaz);
                if (!nat_in(r, ep_vpc(ce), ep_az(ce))) cand_add(k, ep_vpc(ce), ep_az(ce), NULL);
            }
            if (d->cls != EP_AWS || !str_eq(d->region, nreg)) continue;
            if (is_svc(d, "S3") || is_svc(d, "DYNAMODB")) {
                size_t ki = cand_get(cs, "s3_dynamodb_via_nat", f->via, d->service, d->region, COST_NONE, COST_NONE);
                cand *k = &cs->v[ki];
                double usd = f->cat_usd[CAT_NAT_PROCESSING] + iaz;
                k->period_usd += usd;
                k->bytes += f->cat_bytes[CAT_NAT_PROCESSING];
                cand_row(cs, ki, cl, COST_NONE, f->cat_bytes[CAT_NAT_PROCESSING], usd);
            } else if (!is_svc(d, "EC2")) {
                size_t ki = cand_get(cs, "aws_service_via_nat", COST_NONE, d->service, d->region, COST_NONE, COST_NONE);
                cand *k = &cs->v[ki];
                uint64_t nb = f->cat_bytes[CAT_NAT_PROCESSING];
                double usd = (double)nb / FC_GIB * (rr->nat_per_gb - rr->interface_endpoint_per_gb) + iaz;
                k->period_usd += usd;
                k->bytes += nb;
                k->add_hourly = rr->interface_endpoint_per_az_hour;
                cand_row(cs, ki, cl, f->via, nb, usd);
                cand_add(k, ep_vpc(ce), ep_az(ce), d->service);
                if (d->service && !strcmp(d->service, "AMAZON") && c->ranges) {
                    const char *s, *g;
                    int len = lpm_lookup(c->ranges, &d->ip, &s, &g);
                    if (len >= 0) {
                        ip128 net = ip_mask(&d->ip, (unsigned)len);
                        char ip[IP_STRLEN], p[IP_STRLEN + 16];
                        ip_format(&net, ip, sizeof ip);
                        unsigned bits = (unsigned)len & 0xff;
                        snprintf(p, sizeof p, "%s/%u", ip, ip_is_v4(&net) && bits >= 96 ? bits - 96 : bits);
                        cand_prefix(k, p);
                    }
                }
            }
            continue;
        }
        double iaz = f->cat_usd[CAT_INTER_AZ];
        if (f->via != COST_NONE || iaz <= 0 || !cost_ep_is_workload(&r->eps[f->src]) || !cost_ep_is_workload(&r->eps[f->dst])) continue;
        uint32_t a = f->src < f->dst ? f->src : f->dst, b = f->src < f->dst ? f->dst : f->src;
        size_t ki = cand_get(cs, "cross_az_chatty_pair", COST_NONE, NULL, NULL, a, b);
        cand *k = &cs->v[ki];
        k->period_usd += iaz;
        k->bytes += f->cat_bytes[CAT_INTER_AZ];
        cand_row(cs, ki, f->src, f->dst, f->cat_bytes[CAT_INTER_AZ], iaz);
    }
}

static int cmp_cand_usd(const void *x, const void *y)
{
    const cand *a = *(cand *const *)x, *b = *(cand *const *)y;
    if (a->period_usd != b->period_usd) return a->period_usd > b->period_usd ? -1 : 1;
    if (a->pa != b->pa) return a->pa < b->pa ? -1 : 1;
    return a->pb < b->pb ? -1 : a->pb > b->pb;
}

FC_COMPARATOR(cmp_row, ev_row, FC_DESC(usd) FC_ASC(a) FC_ASC(b))

static cost_finding *new_finding(cost_result *r, size_t *cap, const char *kind)
{
    GROW(r->findings, r->n_findings, *cap);
    cost_finding *f = &r->findings[r->n_findings++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    return f;
}

static void add_resource(cost_finding *f, const char *s)
{
    if (!s) return;
    for (size_t i = 0; i < f->n_resources; i++)
        if (!strcmp(f->resources[i], s)) return;
    f->resources = xrealloc(f->resources, (f->n_resources + 1) * sizeof *f->resources);
    f->resources[f->n_resources++] = xstrdup(s);
}

static void add_evidence(cost_finding *f, char *label, uint64_t bytes, double usd)
{
    f->evidence = xrealloc(f->evidence, (f->n_evidence + 1) * sizeof *f->evidence);
    cost_evidence *e = &f->evidence[f->n_evidence++];
    e->label = label;
    e->bytes = bytes;
    e->usd = usd;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    dbuf b;
    dbuf_init(&b, 0);
    va_list ap;
    va_start(ap, f);
    dbuf_vprintf(&b, f, ap);
    va_end(ap);
    return dbuf_take(&b, NULL);
}

/* Turn a reported candidate into a finding with its words and rows. */
static void emit_finding(cost_ctx *c, cand *k, size_t *cap)
{
    cost_result *r = c->r;
    cost_finding *f = new_finding(r, cap, k->kind);
    f->period_usd = k->period_usd;
    f->monthly_savings_usd = k->monthly;
    f->extra_fixed_monthly_usd = k->extra;
    f->net_monthly_savings_usd = k->net;
    f->service = k->service;
    f->region = k->region;
    const char *nid = k->nat != COST_NONE ? nat_id(r, k->nat) : NULL;
    char nl[320];
    const char *nlabel = k->nat != COST_NONE ? nat_label(r, k->nat, nl, sizeof nl) : NULL;
    const char *vpc = k->nat != COST_NONE ? ep_vpc(&r->eps[k->nat]) : NULL;
    char a[IP_STRLEN], b[IP_STRLEN];
    if (!strcmp(k->kind, "s3_dynamodb_via_nat")) {
        const char *svc = strcasecmp(k->service, "DYNAMODB") ? k->service : "DynamoDB";
        f->title = fmt("%s traffic through NAT gateway %s", svc, nlabel ? nlabel : "?");
        f->change = fmt("Add a gateway endpoint for %s (free) to %s and its private route tables, so this "
                        "traffic stops going through %s", svc, vpc ? vpc : "the VPC", nlabel ? nlabel : "the NAT gateway");
        add_resource(f, nid);
        add_resource(f, vpc);
    } else if (!strcmp(k->kind, "cross_az_nat")) {
        f->title = fmt("Clients use NAT gateway %s from another AZ", nlabel ? nlabel : "?");
        f->change = k->n_adds
            ? fmt("Create a NAT gateway in each client AZ without one (%zu) and route each private subnet "
                  "to the NAT gateway of its own AZ", k->n_adds)
            : fmt("Route each private subnet to the NAT gateway of its own AZ");
        add_resource(f, nid);
        add_resource(f, vpc);
        for (size_t i = 0; i < k->n_adds; i++) add_resource(f, k->adds[i].az);
    } else if (!strcmp(k->kind, "aws_service_via_nat")) {
        f->title = fmt("%s %s traffic through NAT gateways", k->service, k->region);
        if (!strcmp(k->service, "AMAZON"))
            f->change = fmt("Find the AWS service behind these AMAZON prefixes and create its interface VPC "
                            "endpoint in each client AZ (%zu), so this traffic stops going through the NAT "
                            "gateway", k->n_adds);
        else
            f->change = fmt("Create an interface VPC endpoint for %s in each client AZ (%zu), so this traffic "
                            "stops going through the NAT gateway", k->service, k->n_adds);
        for (size_t i = 0; i < k->n_rows; i++) add_resource(f, nat_id(r, k->rows[i].b));
        for (size_t i = 0; i < k->n_prefixes; i++) add_resource(f, k->prefixes[i]);
    } else {
        char la[320], lb[320];
        label_az(r, k->pa, la, sizeof la);
        label_az(r, k->pb, lb, sizeof lb);
        f->title = fmt("Cross-AZ traffic between %s and %s", la, lb);
        cost_ep_label(r, k->pa, la, sizeof la);
        cost_ep_label(r, k->pb, lb, sizeof lb);
        f->change = fmt("Place %s and %s in the same AZ, or prefer same-AZ endpoints between them", la, lb);
        ip_format(&r->eps[k->pa].ip, a, sizeof a);
        ip_format(&r->eps[k->pb].ip, b, sizeof b);
        add_resource(f, a);
        add_resource(f, b);
    }
    if (k->n_rows) qsort(k->rows, k->n_rows, sizeof *k->rows, cmp_row);
    for (size_t i = 0; i < k->n_rows; i++) {
        const ev_row *row = &k->rows[i];
        char *label;
        if (!strcmp(k->kind, "cross_az_chatty_pair")) {
            char la[320], lb[320];
            cost_ep_label(r, row->a, la, sizeof la);
            cost_ep_label(r, row->b, lb, sizeof lb);
            label = fmt("%s → %s", la, lb);
        } else {
            char what[96] = "";
            if (k->service) snprintf(what, sizeof what, "%s %s", k->service, k->region ? k->region : "");
            label = label_nat(r, row->a, row->b != COST_NONE ? row->b : k->nat, k->service ? what : NULL);
            ip_format(&r->eps[row->a].ip, a, sizeof a);
            if (strcmp(k->kind, "aws_service_via_nat")) add_resource(f, a);
        }
        add_evidence(f, label, row->bytes, row->usd);
    }
}

/* ---- security ---- */

struct cost_scan {
    ip128 src, dst;
    int32_t hour;
    uint16_t port;
};
typedef struct cost_scan scan;

FC_COMPARATOR(cmp_scan_port, scan,
              FC_KEY(ip_cmp(&a->src, &b->src)) FC_ASC(hour) FC_KEY(ip_cmp(&a->dst, &b->dst)) FC_ASC(port))

FC_COMPARATOR(cmp_scan_host, scan,
              FC_KEY(ip_cmp(&a->src, &b->src)) FC_ASC(hour) FC_ASC(port) FC_KEY(ip_cmp(&a->dst, &b->dst)))

void cost_findings_scans(cost_ctx *c)
{
    size_t ng, cs = 0;
    const agg_group *gs = agg_groups(c->a, &ng);
    for (size_t i = 0; i < ng; i++) {
        const agg_group *g = &gs[i];
        if (!cost_rejected_ingress(c, g) || !(g->flags & AGG_HAS_DST)) continue;
        uint16_t p = g->dstport;
        if (p == 80 || p == 443 || p == 53 || p == 123) continue;
        GROW(c->scans, c->n_scans, cs);
        c->scans[c->n_scans++] = (scan){g->src, g->dst, g->hour, p};
    }
}

typedef struct hit {
    ip128 src, target;  /* target host (ports mode) or zero (hosts mode) */
    int32_t hour;
    uint16_t port;      /* hosts mode: the port */
    size_t count;
    bool hosts;
} hit;

FC_COMPARATOR(cmp_hit, hit,
              FC_KEY(ip_cmp(&a->src, &b->src)) FC_ASC(hour) FC_ASC(hosts) FC_KEY(ip_cmp(&a->target, &b->target))
              FC_ASC(port))

static void security(cost_ctx *c, size_t *cap)
{
    cost_result *r = c->r;
    char ip[IP_STRLEN];
    if (r->n_reject_sources) {
        cost_finding *f = new_finding(r, cap, "rejected_sources");
        f->title = fmt("Top %zu sources of rejected inbound traffic", r->n_reject_sources);
        f->change = xstrdup("Review the security groups and network ACLs these sources probe; block them "
                            "upstream if they are hostile");
        for (size_t i = 0; i < r->n_reject_sources; i++) {
            const cost_reject_source *s = &r->reject_sources[i];
            ip_format(&s->src, ip, sizeof ip);
            add_resource(f, ip);
            dbuf b;
            dbuf_init(&b, 0);
            dbuf_printf(&b, "%s: %llu rejected records, ports", ip, (unsigned long long)s->records);
            for (size_t k = 0; k < s->n_ports; k++) dbuf_printf(&b, "%s %u", k ? "," : "", s->ports[k]);
            add_evidence(f, dbuf_take(&b, NULL), 0, 0);
        }
    }
    scan *sc = c->scans;
    size_t n = c->n_scans;
    c->scans = NULL;
    c->n_scans = 0;
    if (!n) {
        free(sc);
        return;
    }
    unsigned th = c->opt.scan_threshold ? c->opt.scan_threshold : 20;
    hit *hits = NULL;
    size_t nh = 0, chh = 0;
    for (int mode = 0; mode < 2; mode++) {
        qsort(sc, n, sizeof *sc, mode ? cmp_scan_host : cmp_scan_port);
        for (size_t i = 0; i < n;) {
            size_t j = i, distinct = 0;
            while (j < n && ip_eq(&sc[j].src, &sc[i].src) && sc[j].hour == sc[i].hour &&
                   (mode ? sc[j].port == sc[i].port : ip_eq(&sc[j].dst, &sc[i].dst))) {
                if (j == i || (mode ? !ip_eq(&sc[j].dst, &sc[j - 1].dst) : sc[j].port != sc[j - 1].port))
                    distinct++;
                j++;
            }
            if (distinct >= th) {
                GROW(hits, nh, chh);
                hit h = {sc[i].src, mode ? ip_from_v4(0) : sc[i].dst, sc[i].hour, mode ? sc[i].port : 0,
                         distinct, mode == 1};
                hits[nh++] = h;
            }
            i = j;
        }
    }
    if (nh) qsort(hits, nh, sizeof *hits, cmp_hit);
    for (size_t i = 0; i < nh;) {
        size_t j = i;
        while (j < nh && ip_eq(&hits[j].src, &hits[i].src)) j++;
        cost_finding *f = new_finding(r, cap, "port_scan");
        ip_format(&hits[i].src, ip, sizeof ip);
        f->title = fmt("Port scan from %s", ip);
        f->change = fmt("Block %s at the network ACL or upstream firewall and check the targeted hosts", ip);
        add_resource(f, ip);
        for (size_t k = i; k < j; k++) {
            char when[32], t[IP_STRLEN], tl[320];
            fc_format_time((int64_t)hits[k].hour * 3600, when, sizeof when);
            if (hits[k].hosts) {
                add_evidence(f, fmt("%s: port %u on %zu hosts", when, hits[k].port, hits[k].count), 0, 0);
            } else {
                ip_format(&hits[k].target, t, sizeof t);
                add_resource(f, t);
                label_ip(c, &hits[k].target, (int64_t)hits[k].hour * 3600, tl, sizeof tl);
                add_evidence(f, fmt("%s: %zu ports on %s", when, hits[k].count, tl), 0, 0);
            }
        }
        i = j;
    }
    free(hits);
    free(sc);
}

/* ---- order and the union of savings ---- */

FC_COMPARATOR(cmp_finding, cost_finding,
              FC_DESC(net_monthly_savings_usd) FC_KEY(strcmp(a->kind, b->kind)) FC_KEY(strcmp(a->title, b->title)))

static const cand *reported(const cands *cs, const char *kind, uint32_t nat, const char *svc,
                            const char *region, uint32_t pa, uint32_t pb)
{
    cand_key key;
    make_key(&key, kind, nat, svc, region, pa, pb);
    long i = cost_kmap_find(&cs->map, &key);
    return i >= 0 && cs->v[i].reported ? &cs->v[i] : NULL;
}

/* Every reported change made together: a flow's saving is what the most
 * complete change removes from it, never two changes' sum. */
static double savings_union(cost_ctx *c, const cands *cs, double factor, const char *k_cross,
                            const char *k_s3, const char *k_svc, const char *k_pair)
{
    const cost_result *r = c->r;
    double saved = 0;
    for (size_t i = 0; i < r->n_flows; i++) {
        const cost_flow *f = &r->flows[i];
        double iaz = f->cat_usd[CAT_INTER_AZ];
        if (!cost_flow_is_nat(f)) {
            uint32_t a = f->src < f->dst ? f->src : f->dst, b = f->src < f->dst ? f->dst : f->src;
            if (iaz > 0 && reported(cs, k_pair, COST_NONE, NULL, NULL, a, b)) saved += iaz;
            continue;
        }
        const cost_endpoint *d = &r->eps[cost_flow_remote(f)];
        bool iaz_done = false;
        if (d->cls == EP_AWS && reported(cs, k_s3, f->via, d->service, d->region, COST_NONE, COST_NONE)) {
            saved += f->cat_usd[CAT_NAT_PROCESSING] + iaz;
            continue;
        }
        if (d->cls == EP_AWS && reported(cs, k_svc, COST_NONE, d->service, d->region, COST_NONE, COST_NONE)) {
            const region_rates *rr = rates_for(c->rates, nat_region(c, &r->eps[f->via]), NULL);
            saved += (double)f->cat_bytes[CAT_NAT_PROCESSING] / FC_GIB *
                     (rr->nat_per_gb - rr->interface_endpoint_per_gb) + iaz;
            iaz_done = true;
        }
        if (!iaz_done && iaz > 0 && reported(cs, k_cross, f->via, NULL, NULL, COST_NONE, COST_NONE)) saved += iaz;
    }
    double total = saved * factor;
    /* Each added resource once: NAT gateways per (VPC, AZ), endpoints per
     * (service, VPC, AZ). */
    vaz *seen = NULL;
    size_t ns = 0, cap = 0;
    for (size_t i = 0; i < cs->n; i++) {
        const cand *k = &cs->v[i];
        if (!k->reported) continue;
        for (size_t j = 0; j < k->n_adds; j++) {
            bool dup = false;
            for (size_t s = 0; s < ns && !dup; s++)
                dup = seen[s].vpc == k->adds[j].vpc && seen[s].az == k->adds[j].az &&
                      (seen[s].service == k->adds[j].service ||
                       str_eq(seen[s].service, k->adds[j].service));
            if (dup) continue;
            GROW(seen, ns, cap);
            seen[ns++] = k->adds[j];
            total -= COST_MONTH_HOURS * k->add_hourly;
        }
    }
    free(seen);
    return total;
}

void cost_findings_build(cost_ctx *c)
{
    cost_result *r = c->r;
    double factor = c->extrap_secs > 0 ? COST_MONTH_SECS / c->extrap_secs : 0;
    cands cs = {0};
    cost_kmap_init(&cs.map, sizeof(cand_key));
    cost_kmap_init(&cs.rows, 3 * sizeof(uint32_t));
    collect(c, &cs);
    for (size_t i = 0; i < cs.n; i++) {
        cand *k = &cs.v[i];
        k->monthly = k->period_usd * factor;
        k->extra = COST_MONTH_HOURS * k->add_hourly * (double)k->n_adds;
        if (!strcmp(k->kind, "s3_dynamodb_via_nat") || !strcmp(k->kind, "cross_az_chatty_pair")) k->extra = 0;
        k->net = k->monthly - k->extra;
        k->reported = k->period_usd > 0 && k->net >= c->opt.min_savings;
    }
    /* At most 10 chatty pairs, the costliest. */
    cand **pairs = xcalloc(cs.n + 1, sizeof *pairs);
    size_t np = 0;
    for (size_t i = 0; i < cs.n; i++)
        if (cs.v[i].reported && !strcmp(cs.v[i].kind, "cross_az_chatty_pair")) pairs[np++] = &cs.v[i];
    qsort(pairs, np, sizeof *pairs, cmp_cand_usd);
    for (size_t i = 10; i < np; i++) pairs[i]->reported = false;
    free(pairs);

    size_t cap = 0;
    for (size_t i = 0; i < cs.n; i++)
        if (cs.v[i].reported) emit_finding(c, &cs.v[i], &cap);
    r->savings_total_monthly_usd = savings_union(c, &cs, factor, "cross_az_nat", "s3_dynamodb_via_nat", "aws_service_via_nat", "cross_az_chatty_pair");
    security(c, &cap);
    if (r->n_findings) qsort(r->findings, r->n_findings, sizeof *r->findings, cmp_finding);
    for (size_t i = 0; i < cs.n; i++) cand_free(&cs.v[i]);
    free(cs.v);
    free(cs.row_at);
    cost_kmap_free(&cs.map);
    cost_kmap_free(&cs.rows);
}
