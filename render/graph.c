/* graph: the topology picture. Users paste it into design docs and incident
 * reviews, so it must show where the money goes at a glance (edge width =
 * bytes on a log scale, colour + line style = the dominant cost category,
 * labels in GiB and $) and stay legible at thousands of ENIs (--level,
 * --top, --min-bytes fold the tail into "Other" nodes). Graphviz is included
 * here and nowhere else; layout runs in-process (no `dot` child process).
 *
 * Pipeline: flows (optionally only the --focus neighbourhood) → one node per
 * endpoint group at the chosen level → node weights → fold the tail into
 * "Other" → edges (each charge on the hop where it is billed) → total order
 * → cgraph → gvc layout and render. */
#include "graph.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cgraph.h>
#include <gvc.h>
#include <graphviz_version.h>

#include "escape.h"
#include "ip.h"

#define NONE UINT32_MAX

/* Edges beyond twice the number of nodes (at least 100, at most 600) are
 * hidden, lightest first, and summarised in the graph label: past that a
 * picture is a hairball, dot's crossing minimisation grows much faster than
 * linearly, and the SVG (about 1.4 kB per labelled edge) must stay under
 * 2 MB. Each drawn node still keeps its heaviest edge, even past the cap.
 * Plain edges only: constraint=false or minlen=0 between clusters crash
 * Graphviz 2.43's dot (seen on the scale test). */
#define GRAPH_MIN_EDGES 100
#define GRAPH_MAX_EDGES 600
#define GRAPH_EDGES_PER_NODE 2
/* Code points of a user string shown in a label before "…". */
#define NAME_MAX_CP 40

const char *render_lib_versions(void)
{
    return "graphviz/" PACKAGE_VERSION;
}

void graph_lib_info(fc_lib_info *out)
{
    /* Graphviz reports its version through a context; one without plugins is enough. */
    out->name = "graphviz";
    out->version[0] = '\0';
    GVC_t *g = gvNEWcontext(NULL, 1);
    if (g) {
        const char *v = gvcVersion(g);
        snprintf(out->version, sizeof out->version, "%s", v ? v : "");
        gvFreeContext(g);
    }
    out->built_with = PACKAGE_VERSION;
    out->symbol = (const void *)gvcVersion;
}

/* ---- levels and formats (tables, not if-chains) ---- */

enum level { LV_VPC = 0, LV_AZ, LV_SUBNET, LV_ENI, LV_COUNT };
static const char *const level_names[LV_COUNT] = {"vpc", "az", "subnet", "eni"};

static int level_parse(const char *s, enum level *out)
{
    if (!s) {
        *out = LV_SUBNET;
        return 0;
    }
    for (int i = 0; i < LV_COUNT; i++)
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum level)i;
            return 0;
        }
    return -1;
}

int graph_level_check(const char *s, char *err, size_t errlen)
{
    enum level lv;
    if (level_parse(s, &lv) < 0)
        return fc_err(err, errlen, "unknown level '%s'; use vpc, az, subnet or eni", s ? s : "");
    return 0;
}

static const char *const formats[] = {"svg", "dot", "png"};

const char *graph_format_of(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/')) return NULL;
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (strcasecmp(dot + 1, formats[i]) == 0) return formats[i];
    return NULL;
}

/* ---- cost categories: colour and line style ----
 * Three lightness bands (dark / mid / light, by relative luminance) times
 * three line styles, so every category stays distinguishable when printed
 * in greyscale. */
#define CROSSAZ_EDGE_COLOR "#e08214" /* inter-AZ's, also the cross-AZ graph's edges */
static const struct {
    const char *color, *style, *legend;
} cat_look[CAT_COUNT] = {
    [CAT_NAT_PROCESSING] = {"#b2182b", "solid", "NAT processing"},
    [CAT_INTERNET_EGRESS] = {"#2166ac", "dashed", "Internet egress"},
    [CAT_INTER_REGION] = {"#542788", "dotted", "inter-region"},
    [CAT_INTER_AZ] = {CROSSAZ_EDGE_COLOR, "solid", "inter-AZ"},
    [CAT_INTERFACE_ENDPOINT] = {"#1b9e77", "dashed", "interface endpoint"},
    [CAT_TRANSIT_GATEWAY] = {"#de77ae", "dotted", "transit gateway"},
    [CAT_REGIONAL_PUBLIC] = {"#92c5de", "solid", "regional public IP"},
    [CAT_FREE] = {"#bdbdbd", "dashed", "free"},
    [CAT_UNKNOWN_PRIVATE] = {"#c2a5cf", "dotted", "unknown private"},
};

/* Where a category is billed along a flow's chain of hops. */
enum leg_rule { LEG_FIRST, LEG_OUTSIDE, LEG_VIA, LEG_AZ };
static const enum leg_rule cat_leg[CAT_COUNT] = {
    [CAT_NAT_PROCESSING] = LEG_VIA,      [CAT_INTER_AZ] = LEG_AZ,
    [CAT_INTERNET_EGRESS] = LEG_OUTSIDE, [CAT_INTER_REGION] = LEG_OUTSIDE,
    [CAT_INTERFACE_ENDPOINT] = LEG_VIA,  [CAT_TRANSIT_GATEWAY] = LEG_VIA,
    [CAT_REGIONAL_PUBLIC] = LEG_OUTSIDE, [CAT_FREE] = LEG_FIRST,
    [CAT_UNKNOWN_PRIVATE] = LEG_FIRST,
};

/* ---- node kinds, in their order inside a cluster ---- */
typedef enum nkind {
    NK_WORK = 0, NK_OTHER, NK_NAT, NK_VPCE, NK_LB, NK_TGW, NK_MANAGED, NK_IGW,
    NK_UNKNOWN, NK_AWS, NK_OTHER_AWS, NK_INTERNET, NK_COUNT
} nkind;

static const struct {
    const char *shape, *style, *fill;
} kind_look[NK_COUNT] = {
    [NK_WORK] = {"box", "rounded,filled", "#ffffff"},
    [NK_OTHER] = {"note", "filled,dashed", "#f0f0f0"},
    [NK_NAT] = {"octagon", "filled", "#fde0dd"},
    [NK_VPCE] = {"component", "filled", "#e5f5e0"},
    [NK_LB] = {"trapezium", "filled", "#fff2cc"},
    [NK_TGW] = {"doubleoctagon", "filled", "#f2e6f7"},
    [NK_MANAGED] = {"box", "filled,dashed", "#f7f7f7"},
    [NK_IGW] = {"house", "filled", "#deebf7"},
    [NK_UNKNOWN] = {"ellipse", "filled,dashed", "#f7f7f7"},
    [NK_AWS] = {"cylinder", "filled", "#fff7e6"},
    [NK_OTHER_AWS] = {"cylinder", "filled,dashed", "#f0f0f0"},
    [NK_INTERNET] = {"ellipse", "filled,bold", "#deebf7"},
};

static nkind kind_of_eni(eni_kind k)
{
    switch (k) {
    case ENI_NAT_GATEWAY: return NK_NAT;
    case ENI_VPC_ENDPOINT: return NK_VPCE;
    case ENI_ALB: case ENI_NLB: case ENI_GWLB: return NK_LB;
    case ENI_TRANSIT_GATEWAY: return NK_TGW;
    case ENI_OTHER_MANAGED: return NK_MANAGED;
    default: return NK_WORK;
    }
}

static void fmt_gib(uint64_t bytes, char *buf, size_t n)
{
    double g = (double)bytes / FC_GIB;
    if (bytes == 0) snprintf(buf, n, "0 GiB");
    else if (g < 0.005) snprintf(buf, n, "<0.01 GiB");
    else {
        char t[48];
        fc_format_usd(g, t, sizeof t); /* two decimals, thousands separators */
        snprintf(buf, n, "%s GiB", t);
    }
}

static void fmt_usd(double usd, char *buf, size_t n)
{
    char t[48];
    fc_format_usd(usd, t, sizeof t);
    snprintf(buf, n, "$%s", t);
}

/* ---- a small string → index hash map ---- */
typedef struct smap {
    uint32_t *slot; /* index + 1; 0 = empty */
    size_t cap;
} smap;

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* ---- the graph model ---- */
typedef struct gnode {
    char *key;
    nkind kind;
    const char *vpc, *az, *subnet; /* home cluster path (NULL past its depth) */
    const char *az_name, *region;
    const inv_eni *eni;            /* the ENI when the node is one ENI */
    const char *service;           /* NK_AWS */
    const char *res_id;            /* NAT / endpoint / LB / TGW id */
    size_t enis, addrs, folded;
    uint64_t bin, bout, internal;
    uint64_t through;              /* bytes of flows that used it as `via` */
    double usd;                    /* charges its members pay */
    double through_usd;            /* NAT/endpoint/TGW charges billed at it */
    uint64_t weight;               /* bin + bout before folding (for --top) */
    uint32_t fold;                 /* the Other node it is folded into */
    uint32_t rank;
    bool focus, drawn;
    bool tgw_hub;                  /* NK_TGW: the transit gateway itself, not an attachment */
    Agnode_t *ag;
} gnode;

typedef struct gedge {
    uint32_t t, h;
    uint64_t bytes;
    double usd;
    double cat_usd[CAT_COUNT];
    bool unknown; /* touches the unknown-private node */
    bool drawn;
} gedge;

typedef struct ctx {
    const cost_result *r;
    const inventory *inv;
    enum level lv;
    gnode *n;
    size_t nn, ncap;
    smap nodes;
    smap enis_seen;                /* ENI ids already counted in a node */
    char **seen_keys;
    size_t n_seen, seen_cap;
    gedge *e;
    size_t ne, ecap;
    uint64_t *ekey_slot;           /* edge hash: (t << 32 | h) + 1, 0 = empty */
    uint32_t *eidx;
    size_t ehcap;
    uint32_t *epn;                 /* endpoint → node (before folding) */
    /* igw_node's last answer: a run of flows shares its inner ENI, and the
     * key was printed and hashed for each of them, four passes over every
     * flow */
    const inv_eni *igw_inner;
    uint32_t igw_i;
    bool *keep;                    /* flow passes --focus */
    bool *ep_focus;
} ctx;

static uint32_t smap_find(const smap *m, const char *key, char *(*key_at)(const ctx *, uint32_t),
                          const ctx *c, size_t *slot_out)
{
    size_t mask = m->cap - 1, i = (size_t)str_hash(key) & mask;
    for (;; i = (i + 1) & mask) {
        uint32_t v = m->slot[i];
        if (!v) {
            *slot_out = i;
            return NONE;
        }
        if (strcmp(key_at(c, v - 1), key) == 0) return v - 1;
    }
}

static char *node_key_at(const ctx *c, uint32_t i) { return c->n[i].key; }
static char *seen_key_at(const ctx *c, uint32_t i) { return c->seen_keys[i]; }

static void smap_rehash(smap *m, size_t count, char *(*key_at)(const ctx *, uint32_t), const ctx *c)
{
    size_t cap = m->cap ? m->cap : 64;
    while (cap < (count + 1) * 2) cap *= 2;
    if (cap == m->cap) return;
    free(m->slot);
    m->slot = xcalloc(cap, sizeof *m->slot);
    m->cap = cap;
    for (uint32_t k = 0; k < count; k++) {
        size_t i = (size_t)str_hash(key_at(c, k)) & (cap - 1);
        while (m->slot[i]) i = (i + 1) & (cap - 1);
        m->slot[i] = k + 1;
    }
}

/* true when key is new (and records it). */
static bool seen_add(ctx *c, const char *key)
{
    smap_rehash(&c->enis_seen, c->n_seen, seen_key_at, c);
    size_t slot;
    if (smap_find(&c->enis_seen, key, seen_key_at, c, &slot) != NONE) return false;
    if (c->n_seen == c->seen_cap) {
        c->seen_cap = c->seen_cap ? c->seen_cap * 2 : 256;
        c->seen_keys = xrealloc(c->seen_keys, c->seen_cap * sizeof *c->seen_keys);
    }
    c->seen_keys[c->n_seen] = xstrdup(key);
    c->enis_seen.slot[slot] = (uint32_t)++c->n_seen;
    return true;
}

static uint32_t node_get(ctx *c, const char *key, nkind kind, bool *created)
{
    smap_rehash(&c->nodes, c->nn, node_key_at, c);
    size_t slot;
    uint32_t i = smap_find(&c->nodes, key, node_key_at, c, &slot);
    *created = false;
    if (i != NONE) return i;
    if (c->nn == c->ncap) {
        c->ncap = c->ncap ? c->ncap * 2 : 64;
        c->n = xrealloc(c->n, c->ncap * sizeof *c->n);
    }
    i = (uint32_t)c->nn++;
    memset(&c->n[i], 0, sizeof c->n[i]);
    c->n[i].key = xstrdup(key);
    c->n[i].kind = kind;
    c->n[i].fold = NONE;
    c->nodes.slot[slot] = i + 1;
    *created = true;
    return i;
}

/* Key parts are joined with \x1f, which esc_graph_label() would never let through to
 * a label: keys are internal only. */
static void key_of(dbuf *k, const char *tag, const char *a, const char *b, const char *c3)
{
    dbuf_reset(k);
    dbuf_printf(k, "%s\x1f%s\x1f%s\x1f%s", tag, a ? a : "", b ? b : "", c3 ? c3 : "");
}

typedef struct path3 {
    const char *vpc, *az, *subnet, *az_name, *region;
} path3;

static path3 eni_path(const ctx *c, const inv_eni *e)
{
    path3 p = {e->vpc_id, e->az_id ? e->az_id : e->az_name, e->subnet_id, e->az_name, e->region};
    const inv_subnet *s = e->subnet_id ? inv_subnet_by_id(c->inv, e->subnet_id) : NULL;
    if (s) {
        if (!p.vpc) p.vpc = s->vpc_id;
        if (!p.az) p.az = s->az_id ? s->az_id : s->az_name;
        if (!p.az_name) p.az_name = s->az_name;
        if (!p.region) p.region = s->region;
    }
    return p;
}

/* The home path of a node at the drawing level: depth 1 = VPC, 2 = AZ,
 * 3 = subnet. */
static void set_home(gnode *n, const path3 *p, int depth)
{
    n->vpc = depth >= 1 ? p->vpc : NULL;
    n->az = depth >= 2 ? p->az : NULL;
    n->subnet = depth >= 3 ? p->subnet : NULL;
    n->az_name = depth >= 2 ? p->az_name : NULL;
    n->region = p->region;
}

static const int level_depth[LV_COUNT] = {[LV_VPC] = 1, [LV_AZ] = 2, [LV_SUBNET] = 3, [LV_ENI] = 3};

static const char *nat_id_of(const ctx *c, uint32_t ep, const inv_eni *e)
{
    for (size_t i = 0; i < c->r->n_nats; i++)
        if (c->r->nats[i].ep == ep && c->r->nats[i].id) return c->r->nats[i].id;
    return e->resource_id ? e->resource_id : e->id;
}

static uint32_t ep_node(ctx *c, uint32_t ep)
{
    if (c->epn[ep] != NONE) return c->epn[ep];
    const cost_endpoint *e = &c->r->eps[ep];
    dbuf k;
    dbuf_init(&k, 0);
    uint32_t i;
    bool created;
    if (e->cls == EP_ENI && e->eni) {
        const inv_eni *eni = e->eni;
        path3 p = eni_path(c, eni);
        nkind kind = kind_of_eni(e->kind);
        if (kind != NK_WORK) {
            key_of(&k, "m", eni->id, NULL, NULL);
            i = node_get(c, k.data, kind, &created);
            if (created) {
                set_home(&c->n[i], &p, level_depth[c->lv]);
                c->n[i].eni = eni;
                c->n[i].res_id = kind == NK_NAT ? nat_id_of(c, ep, eni)
                                                : (eni->resource_id ? eni->resource_id : eni->id);
            }
        } else if (c->lv == LV_ENI) {
            key_of(&k, "w", eni->id, NULL, NULL);
            i = node_get(c, k.data, kind, &created);
            if (created) {
                set_home(&c->n[i], &p, 3);
                c->n[i].eni = eni;
            }
        } else {
            int d = level_depth[c->lv];
            key_of(&k, "w", p.vpc, d >= 2 ? p.az : NULL, d >= 3 ? p.subnet : NULL);
            i = node_get(c, k.data, kind, &created);
            if (created) set_home(&c->n[i], &p, d);
        }
        if (seen_add(c, eni->id)) c->n[i].enis++;
    } else if (e->cls == EP_AWS) {
        key_of(&k, "a", e->service ? e->service : "AWS", e->region ? e->region : "", NULL);
        i = node_get(c, k.data, NK_AWS, &created);
        if (created) {
            c->n[i].service = e->service ? e->service : "AWS";
            c->n[i].region = e->region;
        }
    } else if (e->cls == EP_INTERNET) {
        i = node_get(c, "i", NK_INTERNET, &created);
    } else {
        i = node_get(c, "u", NK_UNKNOWN, &created);
    }
    c->n[i].addrs++;
    dbuf_free(&k);
    c->epn[ep] = i;
    return i;
}

static uint32_t igw_node(ctx *c, const inv_eni *inner)
{
    if (inner && inner == c->igw_inner) return c->igw_i;
    path3 p = eni_path(c, inner);
    dbuf k;
    dbuf_init(&k, 0);
    key_of(&k, "g", p.vpc, NULL, NULL);
    bool created;
    uint32_t i = node_get(c, k.data, NK_IGW, &created);
    if (created) set_home(&c->n[i], &p, 1);
    dbuf_free(&k);
    c->igw_inner = inner;
    c->igw_i = i;
    return i;
}

static bool outside(const cost_endpoint *e)
{
    return e->cls == EP_AWS || e->cls == EP_INTERNET;
}

static uint32_t mapped(const ctx *c, uint32_t i)
{
    return c->n[i].fold != NONE ? c->n[i].fold : i;
}

/* The chain of nodes a flow's bytes pass: src → [via] → [IGW] → dst, the
 * IGW next to the end that is outside the VPC (Internet or AWS public). Returns its length; *pv is
 * the via's position or -1. */
static size_t flow_chain(ctx *c, const cost_flow *f, uint32_t ch[4], int *pv)
{
    const cost_endpoint *s = &c->r->eps[f->src], *d = &c->r->eps[f->dst];
    uint32_t ns = ep_node(c, f->src), nd = ep_node(c, f->dst);
    uint32_t nv = f->via != COST_NONE && f->via < c->r->n_eps ? ep_node(c, f->via) : NONE;
    const inv_eni *inner = NULL;
    if (nv != NONE && c->r->eps[f->via].cls == EP_ENI) inner = c->r->eps[f->via].eni;
    else if (outside(d) && s->cls == EP_ENI) inner = s->eni;
    else if (outside(s) && d->cls == EP_ENI) inner = d->eni;
    /* Public traffic of a VPC crosses its Internet gateway: directly, from
     * a NAT gateway, or from an Internet-facing load balancer. */
    bool via_igw = (f->path == PATH_IGW || f->path == PATH_NAT || f->path == PATH_LB) &&
                   (outside(s) != outside(d)) && inner;
    uint32_t ng = via_igw ? igw_node(c, inner) : NONE;
    size_t k = 0;
    *pv = -1;
    ch[k++] = ns;
    if (outside(s) && ng != NONE) ch[k++] = ng;
    if (nv != NONE) *pv = (int)k, ch[k++] = nv;
    if (!outside(s) && ng != NONE) ch[k++] = ng;
    ch[k++] = nd;
    return k;
}

static const char *ep_az(const ctx *c, uint32_t ep)
{
    if (ep == COST_NONE || ep >= c->r->n_eps) return NULL;
    const cost_endpoint *e = &c->r->eps[ep];
    if (e->cls != EP_ENI || !e->eni) return NULL;
    return e->eni->az_id ? e->eni->az_id : e->eni->az_name;
}

static bool az_differ(const char *a, const char *b)
{
    return a && b && strcmp(a, b) != 0;
}

/* The leg (index into the chain's k-1 hops) that carries category cat. */
static size_t cat_leg_of(const ctx *c, const cost_flow *f, size_t k, int pv, int cat)
{
    bool out_s = outside(&c->r->eps[f->src]), out_d = outside(&c->r->eps[f->dst]);
    switch (cat_leg[cat]) {
    case LEG_OUTSIDE:
        return out_s && !out_d ? 0 : k - 2;
    case LEG_VIA:
        if (pv < 0) return 0;
        return out_s && !out_d ? (size_t)pv : (size_t)pv - 1; /* the hop on the workload's side */
    case LEG_AZ:
        if (pv < 0) return 0;
        if (az_differ(ep_az(c, f->src), ep_az(c, f->via))) return (size_t)pv - 1;
        if (az_differ(ep_az(c, f->via), ep_az(c, f->dst))) return (size_t)pv;
        return (size_t)pv - 1;
    default:
        return 0;
    }
}

static uint32_t edge_get(ctx *c, uint32_t t, uint32_t h)
{
    if ((c->ne + 1) * 2 > c->ehcap) {
        size_t cap = c->ehcap ? c->ehcap * 2 : 256;
        free(c->ekey_slot);
        free(c->eidx);
        c->ekey_slot = xcalloc(cap, sizeof *c->ekey_slot);
        c->eidx = xcalloc(cap, sizeof *c->eidx);
        c->ehcap = cap;
        for (uint32_t j = 0; j < c->ne; j++) {
            uint64_t key = ((uint64_t)c->e[j].t << 32 | c->e[j].h) + 1;
            size_t s = (size_t)(key * 0x9E3779B97F4A7C15ull) & (cap - 1);
            while (c->ekey_slot[s]) s = (s + 1) & (cap - 1);
            c->ekey_slot[s] = key;
            c->eidx[s] = j;
        }
    }
    uint64_t key = ((uint64_t)t << 32 | h) + 1;
    size_t s = (size_t)(key * 0x9E3779B97F4A7C15ull) & (c->ehcap - 1);
    for (; c->ekey_slot[s]; s = (s + 1) & (c->ehcap - 1))
        if (c->ekey_slot[s] == key) return c->eidx[s];
    if (c->ne == c->ecap) {
        c->ecap = c->ecap ? c->ecap * 2 : 256;
        c->e = xrealloc(c->e, c->ecap * sizeof *c->e);
    }
    uint32_t j = (uint32_t)c->ne++;
    memset(&c->e[j], 0, sizeof c->e[j]);
    c->e[j].t = t;
    c->e[j].h = h;
    c->ekey_slot[s] = key;
    c->eidx[s] = j;
    return j;
}

/* ---- focus ---- */
/* Whose ENI it is: two ENIs of one instance (or one load balancer) are one
 * workload, so its name is not ambiguous. */
static const char *eni_owner(const inv_eni *n)
{
    return n->instance_id ? n->instance_id : n->resource_id ? n->resource_id : n->id;
}

/* --focus NAME: the endpoints whose display name (Name tag, else instance
 * or resource id) is NAME, when it matched no address or id. A name shared
 * by several workloads is an error that lists them. */
static int focus_by_name(ctx *c, const char *focus, size_t *hits, char *err, size_t errlen)
{
    const cost_result *r = c->r;
    const inv_eni *first = NULL;
    bool ambiguous = false;
    for (size_t i = 0; i < r->n_eps; i++) {
        const cost_endpoint *e = &r->eps[i];
        bool m = e->cls == EP_ENI && e->eni && e->eni->name && strcmp(e->eni->name, focus) == 0;
        c->ep_focus[i] = m;
        *hits += m;
        if (!m) continue;
        if (!first) first = e->eni;
        else ambiguous |= strcmp(eni_owner(first), eni_owner(e->eni)) != 0;
    }
    if (!ambiguous) return 0;
    dbuf b;
    dbuf_init(&b, 0);
    size_t shown = 0;
    for (size_t i = 0; i < r->n_eps; i++) {
        if (!c->ep_focus[i]) continue;
        if (shown++ == 8) {
            dbuf_puts(&b, ", ...");
            break;
        }
        char ip[IP_STRLEN];
        ip_format(&r->eps[i].ip, ip, sizeof ip);
        dbuf_printf(&b, "%s%s (%s)", shown > 1 ? ", " : "", r->eps[i].eni->id, ip);
    }
    fc_err(err, errlen, "--focus '%s' is ambiguous: it names %s; give an address or an ENI id", focus,
           b.data ? b.data : "");
    dbuf_free(&b);
    return -1;
}

static int focus_mark(ctx *c, const char *focus, char *err, size_t errlen)
{
    const cost_result *r = c->r;
    ip128 ip;
    bool is_ip = ip_parse(focus, strlen(focus), &ip) == 0;
    size_t hits = 0;
    for (size_t i = 0; i < r->n_eps; i++) {
        const cost_endpoint *e = &r->eps[i];
        bool m = false;
        if (is_ip) m = ip_eq(&e->ip, &ip);
        else if (e->cls == EP_ENI && e->eni) {
            const inv_eni *n = e->eni;
            const char *ids[] = {n->id, n->subnet_id, n->resource_id};
            for (size_t k = 0; k < 3; k++) m |= ids[k] && strcmp(ids[k], focus) == 0;
            if (!m && e->kind == ENI_NAT_GATEWAY) m = strcmp(nat_id_of(c, (uint32_t)i, n), focus) == 0;
        }
        c->ep_focus[i] = m;
        hits += m;
    }
    if (!hits && !is_ip && focus_by_name(c, focus, &hits, err, errlen) < 0) return -1;
    size_t flows = 0;
    for (size_t i = 0; i < r->n_flows; i++) {
        const cost_flow *f = &r->flows[i];
        c->keep[i] = c->ep_focus[f->src] || c->ep_focus[f->dst] ||
                     (f->via != COST_NONE && f->via < r->n_eps && c->ep_focus[f->via]);
        flows += c->keep[i];
    }
    if (!hits || !flows)
        return fc_err(err, errlen, "--focus '%s' matches no address, id or workload name in the traffic", focus);
    return 0;
}

/* ---- folding the tail into "Other" ---- */
static const gnode *g_sort_nodes; /* qsort has no context argument in C17 */

static int cmp_by_weight(const void *a, const void *b)
{
    const gnode *x = &g_sort_nodes[*(const uint32_t *)a], *y = &g_sort_nodes[*(const uint32_t *)b];
    if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
    return strcmp(x->key, y->key);
}

static uint32_t other_of(ctx *c, uint32_t i)
{
    const gnode *n = &c->n[i];
    dbuf k;
    dbuf_init(&k, 0);
    uint32_t o;
    bool created;
    if (n->kind == NK_AWS) {
        o = node_get(c, "oa", NK_OTHER_AWS, &created);
    } else {
        /* one level up from the unit that was folded (docs/topology.md) */
        path3 p = {n->vpc, n->az, n->subnet, n->az_name, n->region};
        int d = c->lv == LV_ENI ? 3 : level_depth[c->lv] - 1;
        key_of(&k, "o", d >= 1 ? p.vpc : NULL, d >= 2 ? p.az : NULL, d >= 3 ? p.subnet : NULL);
        o = node_get(c, k.data, NK_OTHER, &created);
        if (created) set_home(&c->n[o], &p, d);
    }
    dbuf_free(&k);
    return o;
}

static void fold_tail(ctx *c, size_t top, uint64_t min_bytes)
{
    size_t nn = c->nn, m = 0;
    uint32_t *idx = xmalloc((nn + 1) * sizeof *idx);
    for (uint32_t i = 0; i < nn; i++) {
        gnode *n = &c->n[i];
        n->weight = n->bin + n->bout + n->internal;
        if ((n->kind == NK_WORK || n->kind == NK_AWS) && !n->focus) idx[m++] = i;
    }
    g_sort_nodes = c->n;
    qsort(idx, m, sizeof *idx, cmp_by_weight);
    for (size_t j = 0; j < m; j++) {
        uint32_t i = idx[j];
        bool cut = (top && j >= top) || (min_bytes && c->n[i].weight < min_bytes);
        if (!cut) continue;
        uint32_t o = other_of(c, i); /* may grow c->n */
        c->n[i].fold = o;
        c->n[o].folded++;
        c->n[o].enis += c->n[i].enis;
        c->n[o].addrs += c->n[i].addrs;
    }
    free(idx);
}

/* ---- pass over the flows: weights (pass 0) and edges (pass 1) ---- */
static bool processes(nkind k)
{
    return k == NK_NAT || k == NK_VPCE || k == NK_TGW;
}

static void add_flows(ctx *c, int pass)
{
    const cost_result *r = c->r;
    for (size_t i = 0; i < c->nn; i++) {
        c->n[i].bin = c->n[i].bout = c->n[i].internal = c->n[i].through = 0;
        c->n[i].usd = c->n[i].through_usd = 0;
    }
    for (size_t fi = 0; fi < r->n_flows; fi++) {
        if (!c->keep[fi]) continue;
        const cost_flow *f = &r->flows[fi];
        if (f->src >= r->n_eps || f->dst >= r->n_eps) continue;
        uint32_t ch[4];
        int pv;
        size_t k = flow_chain(c, f, ch, &pv);
        double leg_cat[3][CAT_COUNT];
        memset(leg_cat, 0, sizeof leg_cat);
        for (int cat = 0; cat < CAT_COUNT; cat++)
            if (f->cat_usd[cat] != 0) leg_cat[cat_leg_of(c, f, k, pv, cat)][cat] += f->cat_usd[cat];
        if (pv >= 0) c->n[mapped(c, ch[pv])].through += f->bytes;
        for (size_t l = 0; l + 1 < k; l++) {
            uint32_t a = mapped(c, ch[l]), b = mapped(c, ch[l + 1]);
            double usd = 0;
            for (int cat = 0; cat < CAT_COUNT; cat++) usd += leg_cat[l][cat];
            /* Processing charges belong to the NAT / endpoint / TGW on this
             * hop, whether the flow passed through it (via) or ended there. */
            double proc = leg_cat[l][CAT_NAT_PROCESSING] + leg_cat[l][CAT_INTERFACE_ENDPOINT] +
                          leg_cat[l][CAT_TRANSIT_GATEWAY];
            if (proc != 0) {
                uint32_t at = pv >= 0 && (ch[pv] == ch[l] || ch[pv] == ch[l + 1]) ? mapped(c, ch[pv])
                              : processes(c->n[b].kind)                            ? b
                                                                                   : a;
                c->n[at].through_usd += proc;
            }
            if (a == b) {
                c->n[a].internal += f->bytes;
                if (pass == 0 || usd == 0) continue; /* free chatter inside one node: no edge */
            } else {
                c->n[a].bout += f->bytes;
                c->n[b].bin += f->bytes;
            }
            if (pass == 0) continue;
            uint32_t ei = edge_get(c, a, b); /* may move c->e */
            gedge *e = &c->e[ei];
            e->bytes += f->bytes;
            e->usd += usd;
            for (int cat = 0; cat < CAT_COUNT; cat++) e->cat_usd[cat] += leg_cat[l][cat];
            e->unknown |= c->n[a].kind == NK_UNKNOWN || c->n[b].kind == NK_UNKNOWN;
        }
    }
    for (size_t i = 0; i < r->n_charges; i++) {
        const cost_charge *ch = &r->charges[i];
        if (ch->flow >= r->n_flows || !c->keep[ch->flow] || ch->payer >= r->n_eps) continue;
        c->n[mapped(c, ep_node(c, ch->payer))].usd += ch->usd;
    }
}

/* Transit Gateway flow logs (cost_result.tgw): attachment → TGW → attachment,
 * each attachment in its VPC's cluster, the transit_gateway dollars on the
 * hop into the TGW (where AWS bills them), the hop out free. Nothing without
 * TGW records, so VPC-only pictures do not change. */
static uint32_t tgw_node(ctx *c, const char *tag, const char *id, const char *vpc, bool hub)
{
    dbuf k;
    dbuf_init(&k, 0);
    key_of(&k, tag, id, NULL, NULL);
    bool created;
    uint32_t i = node_get(c, k.data, NK_TGW, &created);
    dbuf_free(&k);
    if (created) {
        c->n[i].res_id = id;
        c->n[i].vpc = vpc;
        c->n[i].tgw_hub = hub;
    }
    return i;
}

static void add_tgw(ctx *c)
{
    const cost_result *r = c->r;
    for (size_t i = 0; i < r->n_tgw; i++) {
        const cost_tgw_row *w = &r->tgw[i];
        if (!w->from || !w->to || !w->bytes) continue;
        uint32_t a = tgw_node(c, "ta", w->from, w->from_vpc, false);
        uint32_t t = tgw_node(c, "tg", w->tgw ? w->tgw : "transit gateway", NULL, true);
        uint32_t b = tgw_node(c, "ta", w->to, w->to_vpc, false);
        const uint32_t hop[2][2] = {{a, t}, {t, b}};
        for (int h = 0; h < 2; h++) {
            uint32_t ei = edge_get(c, hop[h][0], hop[h][1]); /* may move c->e */
            gedge *e = &c->e[ei];
            e->bytes += w->bytes;
            if (h == 0) {
                e->usd += w->usd;
                e->cat_usd[CAT_TRANSIT_GATEWAY] += w->usd;
            }
            c->n[hop[h][0]].bout += w->bytes;
            c->n[hop[h][1]].bin += w->bytes;
        }
        c->n[t].through += w->bytes;
        c->n[t].through_usd += w->usd;
        c->n[a].through_usd += w->usd;
    }
}

static int edge_dominant(const gedge *e)
{
    int best = -1;
    for (int cat = 0; cat < CAT_COUNT; cat++)
        if (e->cat_usd[cat] > 0 && (best < 0 || e->cat_usd[cat] > e->cat_usd[best])) best = cat;
    if (best >= 0) return best;
    return e->unknown ? CAT_UNKNOWN_PRIVATE : CAT_FREE;
}

/* ---- total orders ---- */
static int scmp(const char *a, const char *b)
{
    if (!a || !b) return (a != NULL) - (b != NULL); /* absent first */
    return strcmp(a, b);
}

static int cmp_node_order(const void *a, const void *b)
{
    const gnode *x = &g_sort_nodes[*(const uint32_t *)a], *y = &g_sort_nodes[*(const uint32_t *)b];
    bool ox = !x->vpc && !x->az && !x->subnet, oy = !y->vpc && !y->az && !y->subnet;
    int d;
    if (ox != oy) return ox ? 1 : -1; /* clusters first, the outside world after */
    if ((d = scmp(x->vpc, y->vpc)) || (d = scmp(x->az, y->az)) || (d = scmp(x->subnet, y->subnet))) return d;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    return strcmp(x->key, y->key);
}

static const gedge *g_sort_edges;

static int cmp_edge_bytes(const void *a, const void *b)
{
    const gedge *x = &g_sort_edges[*(const uint32_t *)a], *y = &g_sort_edges[*(const uint32_t *)b];
    if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
    if (x->usd != y->usd) return x->usd > y->usd ? -1 : 1;
    uint32_t rx = g_sort_nodes[x->t].rank, ry = g_sort_nodes[y->t].rank;
    if (rx != ry) return rx < ry ? -1 : 1;
    rx = g_sort_nodes[x->h].rank, ry = g_sort_nodes[y->h].rank;
    return rx < ry ? -1 : rx > ry;
}

static int cmp_edge_order(const void *a, const void *b)
{
    const gedge *x = &g_sort_edges[*(const uint32_t *)a], *y = &g_sort_edges[*(const uint32_t *)b];
    uint32_t rx = g_sort_nodes[x->t].rank, ry = g_sort_nodes[y->t].rank;
    if (rx != ry) return rx < ry ? -1 : 1;
    rx = g_sort_nodes[x->h].rank, ry = g_sort_nodes[y->h].rank;
    return rx < ry ? -1 : rx > ry;
}

/* ---- labels ---- */
static const char *lb_kind_name(const inv_eni *e)
{
    if (!e) return "load balancer";
    switch (e->kind) {
    case ENI_ALB: return "ALB";
    case ENI_NLB: return "NLB";
    case ENI_GWLB: return "gateway LB";
    default: return "load balancer";
    }
}

static const char *const other_unit[LV_COUNT] = {"VPC", "AZ", "subnet", "ENI"};

/* title: the node's unique name, which becomes its SVG <title>. */
static void node_texts(const ctx *c, const gnode *n, dbuf *label, dbuf *title, dbuf *tip)
{
    char gib[64], usd[64], t1[64], t2[64];
    fmt_gib(n->bin + n->bout + n->internal, gib, sizeof gib);
    fmt_usd(n->usd, usd, sizeof usd);
    const inv_eni *e = n->eni;
    /* The inventory falls back to instance id / description for names: only
     * a real name is worth a line of its own. */
    const char *name = e && e->name && (!e->id || strcmp(e->name, e->id) != 0) &&
                               (!e->description || strcmp(e->name, e->description) != 0)
                           ? e->name
                           : NULL;
    switch (n->kind) {
    case NK_WORK:
        if (c->lv == LV_ENI && e) {
            if (name) esc_graph_label(label, name, NAME_MAX_CP), dbuf_puts(label, "\\n");
            esc_graph_label(label, e->id, NAME_MAX_CP);
            if (name) esc_graph_label(title, name, NAME_MAX_CP), dbuf_puts(title, " (");
            esc_graph_label(title, e->id, 0);
            if (name) dbuf_puts(title, ")");
        } else {
            dbuf_printf(label, "workloads (%zu ENI%s)", n->enis, n->enis == 1 ? "" : "s");
            dbuf_puts(title, "workloads in ");
            esc_graph_label(title, n->subnet ? n->subnet : n->az ? n->az : n->vpc ? n->vpc : "unknown VPC", 0);
            if (!n->subnet && n->az) dbuf_puts(title, " of "), esc_graph_label(title, n->vpc ? n->vpc : "unknown VPC", 0);
        }
        dbuf_printf(label, "\\n%s · %s", gib, usd);
        break;
    case NK_OTHER: {
        int lv = c->lv;
        dbuf_printf(label, "Other: %zu %s%s", n->folded, other_unit[lv], n->folded == 1 ? "" : "s");
        if (lv != LV_ENI) dbuf_printf(label, ", %zu ENI%s", n->enis, n->enis == 1 ? "" : "s");
        dbuf_printf(label, "\\n%s · %s", gib, usd);
        dbuf_puts(title, "Other in ");
        esc_graph_label(title, n->subnet ? n->subnet : n->az ? n->az : n->vpc ? n->vpc : "all VPCs", 0);
        if (!n->subnet && n->az) dbuf_puts(title, " of "), esc_graph_label(title, n->vpc ? n->vpc : "unknown VPC", 0);
        break;
    }
    case NK_NAT: case NK_VPCE: case NK_LB: case NK_TGW: case NK_MANAGED: {
        const char *what = n->kind == NK_NAT ? "NAT gateway" : n->kind == NK_VPCE ? "interface endpoint"
                         : n->kind == NK_LB ? lb_kind_name(e) : n->tgw_hub ? "Transit Gateway"
                         : n->kind == NK_TGW ? "TGW attachment" : "managed ENI";
        dbuf_printf(label, "%s\\n", what);
        esc_graph_label(label, n->res_id, NAME_MAX_CP);
        if (name && (!n->res_id || strcmp(name, n->res_id) != 0))
            dbuf_puts(label, "\\n"), esc_graph_label(label, name, NAME_MAX_CP);
        fmt_gib(n->through ? n->through : n->bin + n->bout, t1, sizeof t1);
        fmt_usd(n->through_usd, t2, sizeof t2);
        dbuf_printf(label, "\\n%s%s · %s", n->through ? "processed " : "", t1, t2);
        dbuf_printf(title, "%s ", what);
        esc_graph_label(title, n->res_id, 0);
        if (e && n->res_id && e->id && strcmp(n->res_id, e->id) != 0) dbuf_puts(title, " ("), esc_graph_label(title, e->id, 0), dbuf_puts(title, ")");
        break;
    }
    case NK_IGW:
        dbuf_puts(label, "Internet gateway\\n");
        esc_graph_label(label, n->vpc ? n->vpc : "unknown VPC", NAME_MAX_CP);
        dbuf_printf(label, "\\n%s", gib);
        dbuf_puts(title, "Internet gateway of ");
        esc_graph_label(title, n->vpc ? n->vpc : "unknown VPC", 0);
        break;
    case NK_AWS:
        esc_graph_label(label, n->service, NAME_MAX_CP);
        dbuf_puts(label, "\\n");
        esc_graph_label(label, n->region ? n->region : "", NAME_MAX_CP);
        dbuf_printf(label, "\\n%s", gib);
        esc_graph_label(title, n->service, 0);
        dbuf_puts(title, " ");
        esc_graph_label(title, n->region ? n->region : "", 0);
        break;
    case NK_OTHER_AWS:
        dbuf_printf(label, "Other AWS services (%zu)\\n%s", n->folded, gib);
        dbuf_puts(title, "Other AWS services");
        break;
    case NK_UNKNOWN:
        dbuf_printf(label, "unknown private\\n%zu address%s\\n%s", n->addrs, n->addrs == 1 ? "" : "es", gib);
        dbuf_puts(title, "unknown private");
        break;
    case NK_INTERNET:
        dbuf_printf(label, "Internet\\n%zu address%s\\n%s", n->addrs, n->addrs == 1 ? "" : "es", gib);
        dbuf_puts(title, "Internet");
        break;
    default:
        break;
    }
    fmt_gib(n->bout, t1, sizeof t1);
    fmt_gib(n->bin, t2, sizeof t2);
    dbuf_printf(tip, "sent %s, received %s", t1, t2);
    if (n->internal) fmt_gib(n->internal, gib, sizeof gib), dbuf_printf(tip, ", within %s", gib);
    dbuf_printf(tip, "; pays %s", usd);
    if (n->enis) dbuf_printf(tip, "; %zu ENI%s", n->enis, n->enis == 1 ? "" : "s");
}

/* A short name for edge tooltips: the node's first label line. */
static void node_short(const ctx *c, const gnode *n, dbuf *out)
{
    dbuf l, t, x;
    dbuf_init(&l, 0), dbuf_init(&t, 0), dbuf_init(&x, 0);
    node_texts(c, n, &l, &t, &x);
    dbuf_append(out, t.data, t.len);
    dbuf_free(&l), dbuf_free(&t), dbuf_free(&x);
}

/* ---- building the cgraph ---- */
typedef struct gvb {
    Agraph_t *g;
    Agsym_t *n_label, *n_shape, *n_style, *n_fill, *n_tip, *n_w, *n_h, *n_pen, *n_color;
    Agsym_t *e_label, *e_color, *e_style, *e_pen, *e_tip, *e_fontcolor, *e_dir;
    Agsym_t *g_label, *g_style, *g_color, *g_fill, *g_fontsize, *g_pen, *g_id;
    size_t n_clusters;
    char idp[64]; /* SVG id prefix */
} gvb;

static void gset(void *obj, Agsym_t *sym, const char *v)
{
    agxset(obj, sym, (char *)v);
}

static Agraph_t *cluster(gvb *b, Agraph_t *parent, const char *label, int depth)
{
    /* The name is the cluster's SVG <title>: the label on one line, behind a
     * counter that keeps it unique (and "cluster" first, as dot requires). */
    dbuf name;
    dbuf_init(&name, 0);
    size_t n = b->n_clusters++;
    dbuf_printf(&name, "cluster_%zu ", n);
    for (const char *p = label; *p; p++) {
        if (p[0] == '\\' && p[1] == 'n') dbuf_puts(&name, " "), p++;
        else dbuf_append(&name, p, 1);
    }
    Agraph_t *sg = agsubg(parent, name.data, 1);
    dbuf_free(&name);
    /* cgraph makes the root's values the subgraphs' defaults: give each
     * cluster its own SVG id (ids must be unique in the report). */
    char id[sizeof b->idp + 40];
    snprintf(id, sizeof id, "%s_cluster_%zu", b->idp, n);
    gset(sg, b->g_id, id);
    static const char *const style[] = {"", "rounded,filled,bold", "rounded,filled", "rounded,filled,dashed"};
    static const char *const fill[] = {"", "#f4f4f4", "#fbfbfb", "#ffffff"};
    static const char *const color[] = {"", "#333333", "#777777", "#999999"};
    static const char *const fsize[] = {"", "14", "12", "10"};
    gset(sg, b->g_label, label);
    gset(sg, b->g_style, style[depth]);
    gset(sg, b->g_fill, fill[depth]);
    gset(sg, b->g_color, color[depth]);
    gset(sg, b->g_fontsize, fsize[depth]);
    return sg;
}

static void cluster_label(const ctx *c, const gnode *n, int depth, dbuf *l)
{
    dbuf_reset(l);
    if (depth == 1) {
        const inv_vpc *v = n->vpc ? inv_vpc_by_id(c->inv, n->vpc) : NULL;
        dbuf_puts(l, "VPC ");
        if (v && v->name) esc_graph_label(l, v->name, NAME_MAX_CP), dbuf_puts(l, "\\n");
        esc_graph_label(l, n->vpc ? n->vpc : "unknown", NAME_MAX_CP);
        const char *region = v && v->region ? v->region : n->region;
        if (region) dbuf_puts(l, " · "), esc_graph_label(l, region, NAME_MAX_CP);
    } else if (depth == 2) {
        dbuf_puts(l, "AZ ");
        esc_graph_label(l, n->az ? n->az : "unknown", NAME_MAX_CP);
        if (n->az_name && n->az && strcmp(n->az_name, n->az) != 0)
            dbuf_puts(l, " ("), esc_graph_label(l, n->az_name, NAME_MAX_CP), dbuf_puts(l, ")");
    } else {
        const inv_subnet *s = n->subnet ? inv_subnet_by_id(c->inv, n->subnet) : NULL;
        if (s && s->name) esc_graph_label(l, s->name, NAME_MAX_CP), dbuf_puts(l, "\\n");
        esc_graph_label(l, n->subnet ? n->subnet : "unknown subnet", NAME_MAX_CP);
        if (s && s->bits) {
            char ip[IP_STRLEN];
            ip_format(&s->net, ip, sizeof ip);
            dbuf_printf(l, " · %s/%u", ip, ip_is_v4(&s->net) ? s->bits - 96 : s->bits);
        }
    }
}

/* Node names are the SVG <title>s: keep them unique whatever the tags say
 * (agnode() with an existing name would return the other node). */
static void unique_name(Agraph_t *g, dbuf *name)
{
    if (name->data[0] == '%') { /* cgraph reserves names starting with '%' */
        char *t = xstrdup(name->data);
        dbuf_reset(name);
        dbuf_printf(name, " %s", t);
        free(t);
    }
    size_t base = name->len;
    for (unsigned dup = 2; agnode(g, name->data, 0); dup++) {
        name->len = base;
        name->data[base] = '\0';
        dbuf_printf(name, " #%u", dup);
    }
}

static double log_t(uint64_t v, double lmin, double lmax)
{
    if (lmax <= lmin || v == 0) return v ? 1.0 : 0.0;
    double t = (log((double)v) - lmin) / (lmax - lmin);
    return t < 0 ? 0 : t > 1 ? 1 : t;
}

/* Ranks run left to right: workloads, then the managed plumbing (NAT,
 * endpoints, IGW), then the outside world. Inbound traffic (from the
 * Internet, AWS or an unknown private peer, and from the IGW inwards) would
 * pull the outside world to the left, so those edges are laid out from the
 * inside and drawn with the arrow reversed (dir=back): the arrow still
 * points the way the bytes went. (constraint=false would be the obvious
 * tool, but it crashes Graphviz 2.43's dot when clusters are present.) */
static bool edge_inbound(nkind t, nkind h)
{
    bool t_out = t == NK_INTERNET || t == NK_AWS || t == NK_OTHER_AWS || t == NK_UNKNOWN;
    bool h_out = h == NK_INTERNET || h == NK_AWS || h == NK_OTHER_AWS || h == NK_UNKNOWN;
    return (t_out && !h_out) || (t == NK_IGW && !h_out);
}

/* Workloads of one subnet all sit in the first rank, so at --level eni a
 * subnet of 30 ENIs was one column 30 nodes tall (a 3052×8458 picture).
 * Invisible edges from node i to node i+rows fold each subnet's workloads
 * into a near-square grid of columns. */
static void grid_workloads(ctx *c, gvb *b, const uint32_t *order, size_t n_order)
{
    Agsym_t *weight = NULL; /* declared with the first grid edge only: a .dot without a grid stays as it was */
    for (size_t i = 0; i < n_order;) {
        const gnode *first = &c->n[order[i]];
        size_t j = i, m = 0;
        uint32_t w[4096];
        for (; j < n_order; j++) {
            const gnode *n = &c->n[order[j]];
            if (scmp(n->vpc, first->vpc) || scmp(n->az, first->az) || scmp(n->subnet, first->subnet)) break;
            if ((n->kind == NK_WORK || n->kind == NK_OTHER) && m < sizeof w / sizeof *w) w[m++] = order[j];
        }
        i = j;
        if (m <= 6 || !first->subnet) continue;
        size_t rows = 3;
        while (rows * rows < m) rows++;
        for (size_t k = 0; k + rows < m; k++) {
            Agedge_t *ae = agedge(b->g, c->n[w[k]].ag, c->n[w[k + rows]].ag, NULL, 1);
            if (!weight) weight = agattr(b->g, AGEDGE, "weight", "1");
            gset(ae, b->e_style, "invis");
            gset(ae, b->e_dir, "none");
            gset(ae, weight, "0");
        }
    }
}

static void build_graph(ctx *c, gvb *b, const uint32_t *order, size_t n_order, const uint32_t *eorder,
                        size_t n_edges, const char *title, bool legend[CAT_COUNT])
{
    uint64_t shown_bytes = 0;
    double shown_usd = 0;
    for (size_t i = 0; i < n_edges; i++) shown_bytes += c->e[eorder[i]].bytes, shown_usd += c->e[eorder[i]].usd;
    Agraph_t *g = b->g;
    gset(g, b->g_label, title);

    /* Node sizes and pen widths on a log scale between the lightest and
     * heaviest drawn object. */
    double nmin = INFINITY, nmax = 0, emin = INFINITY, emax = 0;
    for (size_t i = 0; i < n_order; i++) {
        const gnode *n = &c->n[order[i]];
        uint64_t w = n->bin + n->bout + n->internal;
        if (w) nmin = fmin(nmin, log((double)w)), nmax = fmax(nmax, log((double)w));
    }
    for (size_t i = 0; i < n_edges; i++) {
        const gedge *e = &c->e[eorder[i]];
        if (e->bytes) emin = fmin(emin, log((double)e->bytes)), emax = fmax(emax, log((double)e->bytes));
    }

    dbuf label, title_b, tip, cl;
    dbuf_init(&label, 0);
    dbuf_init(&title_b, 0);
    dbuf_init(&tip, 0);
    dbuf_init(&cl, 0);
    Agraph_t *cur[4] = {g, NULL, NULL, NULL};
    const gnode *prev = NULL;
    char num[32];
    for (size_t i = 0; i < n_order; i++) {
        gnode *n = &c->n[order[i]];
        const char *path[4] = {NULL, n->vpc, n->az, n->subnet};
        const char *ppath[4] = {NULL, prev ? prev->vpc : NULL, prev ? prev->az : NULL, prev ? prev->subnet : NULL};
        bool inside = n->vpc || n->az || n->subnet;
        bool want[4] = {true, inside, inside && (n->az || n->subnet), inside && n->subnet};
        /* Nodes come sorted by path, so each cluster's nodes are contiguous:
         * a cluster stays open while the path prefix repeats. */
        for (int d = 1; d <= 3; d++) {
            if (!want[d]) {
                cur[d] = NULL;
                continue;
            }
            bool reuse = cur[d] != NULL;
            for (int k = 1; k <= d && reuse; k++) reuse = scmp(path[k], ppath[k]) == 0;
            if (reuse) continue;
            cluster_label(c, n, d, &cl);
            cur[d] = cluster(b, cur[d - 1], cl.data, d);
            for (int k = d + 1; k <= 3; k++) cur[k] = NULL;
        }
        Agraph_t *home = cur[3] ? cur[3] : cur[2] ? cur[2] : cur[1] ? cur[1] : g;
        prev = n;

        dbuf_reset(&label), dbuf_reset(&title_b), dbuf_reset(&tip);
        node_texts(c, n, &label, &title_b, &tip);
        unique_name(g, &title_b);
        Agnode_t *an = agnode(home, title_b.data, 1);
        n->ag = an;
        gset(an, b->n_label, label.data);
        gset(an, b->n_tip, tip.data);
        gset(an, b->n_shape, kind_look[n->kind].shape);
        gset(an, b->n_style, kind_look[n->kind].style);
        gset(an, b->n_fill, kind_look[n->kind].fill);
        double t = log_t(n->bin + n->bout + n->internal, nmin, nmax);
        snprintf(num, sizeof num, "%.2f", 1.1 + 1.4 * t);
        gset(an, b->n_w, num);
        snprintf(num, sizeof num, "%.2f", 0.45 + 0.45 * t);
        gset(an, b->n_h, num);
        if (n->focus) {
            gset(an, b->n_pen, "3");
            gset(an, b->n_color, "#000000");
        }
    }
    grid_workloads(c, b, order, n_order);

    for (size_t i = 0; i < n_edges; i++) {
        const gedge *e = &c->e[eorder[i]];
        bool back = edge_inbound(c->n[e->t].kind, c->n[e->h].kind);
        Agedge_t *ae = back ? agedge(g, c->n[e->h].ag, c->n[e->t].ag, NULL, 1)
                            : agedge(g, c->n[e->t].ag, c->n[e->h].ag, NULL, 1);
        gset(ae, b->e_dir, back ? "back" : "forward");
        int cat = edge_dominant(e);
        legend[cat] = true;
        char gib[64], usd[64];
        fmt_gib(e->bytes, gib, sizeof gib);
        fmt_usd(e->usd, usd, sizeof usd);
        /* Only edges that cost at least a cent carry a label: free traffic
         * (most of what converges on the Internet gateway) piled "$0.00"
         * labels over the clusters. Its figures stay in the tooltip. */
        bool priced = e->usd >= 0.005;
        if (priced) {
            dbuf_reset(&label);
            dbuf_printf(&label, "%s\\n%s", gib, usd);
            gset(ae, b->e_label, label.data);
        }
        gset(ae, b->e_color, cat_look[cat].color);
        gset(ae, b->e_style, cat_look[cat].style);
        double t = log_t(e->bytes, emin, emax);
        snprintf(num, sizeof num, "%.2f", priced ? 1.0 + 7.0 * t : 0.8 + 1.7 * t);
        gset(ae, b->e_pen, num);
        dbuf_reset(&tip);
        dbuf_puts(&tip, "from ");
        node_short(c, &c->n[e->t], &tip);
        dbuf_puts(&tip, " to ");
        node_short(c, &c->n[e->h], &tip);
        dbuf_printf(&tip, ": %s (%.1f%% of the bytes shown), %s", gib,
                    shown_bytes ? 100.0 * (double)e->bytes / (double)shown_bytes : 0.0, usd);
        if (shown_usd > 0 && priced) dbuf_printf(&tip, " (%.1f%% of the cost shown)", 100.0 * e->usd / shown_usd);
        for (int k = 0; k < CAT_COUNT; k++) {
            if (e->cat_usd[k] <= 0) continue;
            fmt_usd(e->cat_usd[k], usd, sizeof usd);
            dbuf_printf(&tip, "; %s %s", cost_cat_name((cost_cat)k), usd);
        }
        gset(ae, b->e_tip, tip.data);
    }

    /* Legend: one HTML-table node listing the categories drawn, each with a
     * run of box-drawing glyphs in its colour that mimics its line style
     * (so it reads in greyscale too). Our text only: no input reaches it. */
    size_t nl = 0;
    for (int k = 0; k < CAT_COUNT; k++) nl += legend[k];
    if (nl) {
        dbuf_reset(&label);
        dbuf_puts(&label, "<table border=\"0\" cellborder=\"0\" cellspacing=\"1\" cellpadding=\"1\">"
                          "<tr><td colspan=\"2\" align=\"left\"><b>edge colour: dominant cost category</b></td></tr>"
                          "<tr><td colspan=\"2\" align=\"left\">width: bytes (log scale)</td></tr>");
        for (int k = 0; k < CAT_COUNT; k++) {
            if (!legend[k]) continue;
            const char *glyphs = strcmp(cat_look[k].style, "dashed") == 0   ? "\xE2\x95\x8D\xE2\x95\x8D\xE2\x95\x8D\xE2\x95\x8D"
                                 : strcmp(cat_look[k].style, "dotted") == 0 ? "\xE2\x94\x85\xE2\x94\x85\xE2\x94\x85\xE2\x94\x85"
                                                                            : "\xE2\x94\x81\xE2\x94\x81\xE2\x94\x81\xE2\x94\x81";
            dbuf_printf(&label, "<tr><td><font color=\"%s\" point-size=\"14\">%s</font></td><td align=\"left\">%s</td></tr>",
                        cat_look[k].color, glyphs, cat_look[k].legend);
        }
        dbuf_puts(&label, "</table>");
        dbuf_reset(&title_b);
        dbuf_puts(&title_b, "legend");
        unique_name(g, &title_b);
        Agnode_t *ln = agnode(g, title_b.data, 1);
        char *html = agstrdup_html(g, label.data);
        gset(ln, b->n_label, html);
        agstrfree(g, html);
        gset(ln, b->n_shape, "box");
        gset(ln, b->n_style, "rounded");
        gset(ln, b->n_tip, "legend");
    }
    dbuf_free(&label);
    dbuf_free(&title_b);
    dbuf_free(&tip);
    dbuf_free(&cl);
}

/* ---- deterministic object ids ----
 * cgraph's default id discipline uses the address of the interned name as
 * the id, and subgraphs are kept ordered by id: cluster order (and so the
 * layout) would follow the heap, differing between runs. This discipline
 * hands out ids in creation order instead: named objects get even ids
 * 2, 4, 6, ..., anonymous ones odd ids, as the default does. */
typedef struct idstate {
    Agraph_t *g;
    char **names;    /* agstrdup()ed: cgraph's writer looks at the refstr header */
    size_t n, cap;
    uint32_t *slot; /* open addressing: index + 1, 0 = empty */
    size_t scap;
    IDTYPE anon;
} idstate;

static void *id_open(Agraph_t *g, Agdisc_t *d)
{
    (void)d;
    idstate *s = xcalloc(1, sizeof *s);
    s->g = g;
    s->anon = 1;
    return s;
}

static long id_map(void *st, int objtype, char *str, IDTYPE *id, int create)
{
    idstate *s = st;
    (void)objtype;
    if (!str) {
        *id = s->anon;
        s->anon += 2;
        return 1;
    }
    if ((s->n + 1) * 2 > s->scap) {
        s->scap = s->scap ? s->scap * 2 : 256;
        free(s->slot);
        s->slot = xcalloc(s->scap, sizeof *s->slot);
        for (size_t k = 0; k < s->n; k++) {
            size_t i = (size_t)str_hash(s->names[k]) & (s->scap - 1);
            while (s->slot[i]) i = (i + 1) & (s->scap - 1);
            s->slot[i] = (uint32_t)k + 1;
        }
    }
    size_t i = (size_t)str_hash(str) & (s->scap - 1);
    for (; s->slot[i]; i = (i + 1) & (s->scap - 1))
        if (strcmp(s->names[s->slot[i] - 1], str) == 0) {
            *id = 2 * (IDTYPE)s->slot[i];
            return 1;
        }
    if (!create) return 0;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->names = xrealloc(s->names, s->cap * sizeof *s->names);
    }
    s->names[s->n++] = agstrdup(s->g, str);
    s->slot[i] = (uint32_t)s->n;
    *id = 2 * (IDTYPE)s->n;
    return 1;
}

static long id_alloc(void *st, int objtype, IDTYPE request)
{
    (void)st, (void)objtype, (void)request;
    return 0;
}

static void id_free(void *st, int objtype, IDTYPE id)
{
    (void)st, (void)objtype, (void)id; /* names live until the graph closes */
}

static char *id_print(void *st, int objtype, IDTYPE id)
{
    idstate *s = st;
    (void)objtype;
    return id % 2 == 0 && id >= 2 && id / 2 <= s->n ? s->names[id / 2 - 1] : NULL;
}

static void id_close(void *st)
{
    idstate *s = st;
    /* the names go with the graph's string dictionary */
    free(s->names);
    free(s->slot);
    free(s);
}

static void id_register(void *st, int objtype, void *obj)
{
    (void)st, (void)objtype, (void)obj;
}

static Agiddisc_t seq_id_disc = {id_open, id_map, id_alloc, id_free, id_print, id_close, id_register};

/* An attribute default declared on the root graph (so every object shares
 * it); sym, when not 0, is where gvb keeps its handle for gset. */
typedef struct attr_def {
    int kind; /* AGRAPH, AGNODE, AGEDGE */
    const char *name, *def;
    size_t sym; /* SYM(field) or 0 */
} attr_def;
#define SYM(f) (offsetof(gvb, f) + 1)

/* The defaults both graphs declare (first), then each one's own. */
static const attr_def common_attrs[] = {
    {AGRAPH, "rankdir", "LR", 0}, {AGRAPH, "fontname", "Helvetica", 0}, {AGRAPH, "labelloc", "t", 0},
    {AGRAPH, "labeljust", "l", 0}, {AGRAPH, "bgcolor", "white", 0}, {AGRAPH, "charset", "UTF-8", 0},
    {AGRAPH, "id", "", SYM(g_id)}, {AGRAPH, "label", "", SYM(g_label)}, {AGRAPH, "style", "", SYM(g_style)},
    {AGRAPH, "fillcolor", "white", SYM(g_fill)}, {AGRAPH, "fontsize", "16", SYM(g_fontsize)},
    {AGNODE, "fontname", "Helvetica", 0}, {AGNODE, "label", "", SYM(n_label)}, {AGNODE, "tooltip", "", SYM(n_tip)},
    {AGEDGE, "fontname", "Helvetica", 0}, {AGEDGE, "fontcolor", "#333333", SYM(e_fontcolor)},
    {AGEDGE, "label", "", SYM(e_label)}, {AGEDGE, "penwidth", "1", SYM(e_pen)}, {AGEDGE, "tooltip", "", SYM(e_tip)},
};
#define NCOMMON (sizeof common_attrs / sizeof *common_attrs)

/* Opens b->g named by b->idp (its SVG root group's id, so two graphs
 * inlined in one page never share an id) with the defaults in d. id and
 * label default to empty: clusters must not inherit the root's. */
static void open_graph(gvb *b, Agdesc_t kind, const attr_def *d, size_t n)
{
    Agdisc_t disc = {&AgMemDisc, &seq_id_disc, &AgIoDisc};
    b->g = agopen(b->idp, kind, &disc);
    for (size_t i = 0; i < NCOMMON + n; i++) {
        const attr_def *a = i < NCOMMON ? &common_attrs[i] : &d[i - NCOMMON];
        Agsym_t *s = agattr(b->g, a->kind, (char *)a->name, (char *)a->def);
        if (a->sym) *(Agsym_t **)(void *)((char *)b + a->sym - 1) = s;
    }
    gset(b->g, b->g_id, b->idp); /* Graphviz prefixes node and edge ids with it */
}

/* The SVG id prefix: the caller's, or dflt, with anything but [A-Za-z0-9_-]
 * made '_'. */
static void set_idp(gvb *b, const char *idp, const char *dflt)
{
    if (!idp || !*idp) idp = dflt;
    size_t k = 0;
    for (; idp[k] && k + 1 < sizeof b->idp; k++)
        b->idp[k] = (char)((idp[k] >= 'a' && idp[k] <= 'z') || (idp[k] >= 'A' && idp[k] <= 'Z') ||
                                   (idp[k] >= '0' && idp[k] <= '9') || idp[k] == '-' || idp[k] == '_'
                               ? idp[k] : '_');
    b->idp[k] = '\0';
}

static const attr_def topo_attrs[] = {
    {AGRAPH, "nodesep", "0.25", 0}, {AGRAPH, "ranksep", "0.9", 0}, {AGRAPH, "newrank", "true", 0},
    {AGRAPH, "outputorder", "edgesfirst", 0}, {AGRAPH, "pad", "0.3", 0}, {AGRAPH, "remincross", "false", 0},
    {AGRAPH, "mclimit", "0.5", 0}, {AGRAPH, "nslimit", "4", 0}, {AGRAPH, "nslimit1", "4", 0},
    {AGRAPH, "color", "black", SYM(g_color)},
    {AGNODE, "fontsize", "10", 0}, {AGNODE, "margin", "0.10,0.05", 0}, {AGNODE, "shape", "box", SYM(n_shape)},
    {AGNODE, "style", "filled", SYM(n_style)}, {AGNODE, "fillcolor", "white", SYM(n_fill)},
    {AGNODE, "color", "#444444", SYM(n_color)}, {AGNODE, "width", "0.75", SYM(n_w)},
    {AGNODE, "height", "0.5", SYM(n_h)}, {AGNODE, "penwidth", "1", SYM(n_pen)},
    {AGEDGE, "fontsize", "8", 0}, {AGEDGE, "arrowsize", "0.6", 0}, {AGEDGE, "color", "black", SYM(e_color)},
    {AGEDGE, "style", "solid", SYM(e_style)}, {AGEDGE, "dir", "none", SYM(e_dir)},
};

static const attr_def crossaz_attrs[] = {
    {AGRAPH, "nodesep", "0.6", 0}, {AGRAPH, "ranksep", "1.6", 0}, {AGRAPH, "pad", "0.2", 0},
    {AGRAPH, "color", "#777777", SYM(g_color)},
    {AGNODE, "fontsize", "14", 0}, {AGNODE, "shape", "box", 0}, {AGNODE, "style", "rounded,filled", 0},
    {AGNODE, "fillcolor", "#fbfbfb", 0}, {AGNODE, "margin", "0.2,0.1", 0},
    {AGEDGE, "fontsize", "13", 0}, {AGEDGE, "color", CROSSAZ_EDGE_COLOR, 0}, {AGEDGE, "arrowsize", "0.8", 0},
};

/* ---- rendering ---- */
static char gv_msg[256];

static int gv_errf(char *msg)
{
    if (!gv_msg[0]) {
        snprintf(gv_msg, sizeof gv_msg, "%s", msg);
        gv_msg[strcspn(gv_msg, "\r\n")] = '\0';
    }
    return 0;
}

/* One Graphviz context for the process. Graphviz 2.43's pango text-layout
 * plugin keeps a static pointer into the context's font dictionary, so a
 * second context after gvFreeContext() reads freed memory (seen with
 * valgrind in test_graph); sharing one context avoids that. Released at
 * exit so leak checkers stay quiet. Not thread-safe, like Graphviz. */
static GVC_t *gvc_shared;

static void gvc_release(void)
{
    if (gvc_shared) gvFreeContext(gvc_shared);
    gvc_shared = NULL;
}

/* Graphviz 2.43 leaks inside every dot layout (virtual edges, mincross
 * subgraphs, the plugin configuration) and through pango/fontconfig caches;
 * none of it is ours and none of it can be freed from outside. So that
 * sanitizer runs of anything drawing the topology stay meaningful for our
 * own allocations:
 *  - allocations made inside Graphviz's layout and render calls are marked
 *    as not leaks with LeakSanitizer's __lsan_disable()/__lsan_enable()
 *    (weak: absent, and skipped, in ordinary builds) — precise even though
 *    Graphviz's libraries have no frame pointers for stack matching;
 *  - fontconfig's allocations on pango's worker thread, which that cannot
 *    reach, are suppressed by module through the suppressions hook. */
extern void __lsan_disable(void) __attribute__((weak));
extern void __lsan_enable(void) __attribute__((weak));

/* The suppressions are expected; listing them on every run's stderr is noise
 * that breaks the one-line-message contract in sanitizer builds. */
const char *__lsan_default_options(void) __attribute__((used));
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

const char *__lsan_default_suppressions(void) __attribute__((used));
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

static void lsan_off(void)
{
    if (__lsan_disable) __lsan_disable();
}

static void lsan_on(void)
{
    if (__lsan_enable) __lsan_enable();
}

static GVC_t *gvc_get(void)
{
    if (!gvc_shared) {
        lsan_off();
        gvc_shared = gvContext();
        lsan_on();
        if (gvc_shared) atexit(gvc_release);
    }
    return gvc_shared;
}

/* Graphviz draws clusters first, so every edge crossing an AZ or subnet
 * passes over its title. Move the clusters' <text> lines to the end of the
 * root group, with a white halo, so titles are always readable. The SVG is
 * Graphviz's own line-per-element output: one <g class="cluster"> block per
 * cluster, its title lines starting with "<text". */
static bool line_has(const char *p, size_t len, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= len; i++)
        if (!memcmp(p + i, needle, k)) return true;
    return false;
}

static int lift_cluster_titles(const char *svg, size_t n, dbuf *out)
{
    dbuf lifted;
    dbuf_init(&lifted, 0);
    const char *p = svg, *end = svg + n, *last_close = NULL;
    bool in_cluster = false;
    size_t base = out->len;
    int rc = 0;
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl + 1 : end;
        size_t len = (size_t)(le - p);
        if (len >= 3 && !strncmp(p, "<g ", 3) && line_has(p, len, "class=\"cluster\"")) in_cluster = true;
        if (in_cluster && len >= 5 && !strncmp(p, "<text", 5)) {
            rc |= dbuf_puts(&lifted, "<text paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\"");
            rc |= dbuf_append(&lifted, p + 5, len - 5);
        } else {
            if (!strncmp(p, "</g>", 4)) {
                in_cluster = false;
                last_close = p;
                rc |= dbuf_append(out, p, len);
                p = le;
                continue;
            }
            rc |= dbuf_append(out, p, len);
        }
        p = le;
    }
    if (rc == 0 && lifted.len && last_close) {
        /* Insert before the root group's closing tag (the last </g>). */
        size_t at = base;
        for (size_t i = out->len; i > base; i--)
            if (out->len - (i - 1) >= 4 && !strncmp(out->data + i - 1, "</g>", 4)) {
                at = i - 1;
                break;
            }
        dbuf tail;
        dbuf_init(&tail, 0);
        rc |= dbuf_append(&tail, out->data + at, out->len - at);
        out->len = at;
        rc |= dbuf_puts(out, "<g class=\"cluster-titles\">\n");
        rc |= dbuf_append(out, lifted.data, lifted.len);
        rc |= dbuf_puts(out, "</g>\n");
        rc |= dbuf_append(out, tail.data, tail.len);
        dbuf_free(&tail);
    }
    dbuf_free(&lifted);
    return rc ? -1 : 0;
}

static int emit(Agraph_t *g, const char *fmt, int inline_svg, dbuf *out, char *err, size_t errlen)
{
    if (strcmp(fmt, "dot") == 0) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f) return fc_err(err, errlen, "cannot write the graph: out of memory");
        int rc = agwrite(g, f);
        fclose(f);
        if (rc == 0 && dbuf_append(out, buf, len) < 0) rc = -1;
        free(buf);
        return rc == 0 ? 0 : fc_err(err, errlen, "cannot write the graph as DOT");
    }
    GVC_t *gvc = gvc_get();
    if (!gvc) return fc_err(err, errlen, "cannot start Graphviz");
    int rc = -1;
    char *data = NULL;
    unsigned int len = 0;
    lsan_off();
    int lrc = gvLayout(gvc, g, "dot");
    lsan_on();
    if (lrc != 0) {
        fc_err(err, errlen, "graphviz layout failed%s%s", gv_msg[0] ? ": " : "", gv_msg);
    } else {
        lsan_off();
        int rrc = gvRenderData(gvc, g, fmt, &data, &len);
        lsan_on();
        if (rrc != 0 || !data)
            fc_err(err, errlen, "graphviz cannot render %s%s%s", fmt, gv_msg[0] ? ": " : "", gv_msg);
        else {
            const char *p = data;
            size_t n = len;
            if (inline_svg && strcmp(fmt, "svg") == 0) {
                /* The prolog, DOCTYPE and generator comments must not
                 * appear inside an HTML document. */
                const char *s = strstr(data, "<svg");
                if (s) n -= (size_t)(s - data), p = s;
            }
            int arc = strcmp(fmt, "svg") == 0 ? lift_cluster_titles(p, n, out) : dbuf_append(out, p, n);
            rc = arc < 0 ? fc_err(err, errlen, "graph output too large") : 0;
        }
        if (data) gvFreeRenderData(data);
        lsan_off();
        gvFreeLayout(gvc, g);
        lsan_on();
    }
    return rc;
}

static void ctx_free(ctx *c)
{
    for (size_t i = 0; i < c->nn; i++) free(c->n[i].key);
    for (size_t i = 0; i < c->n_seen; i++) free(c->seen_keys[i]);
    free(c->n);
    free(c->seen_keys);
    free(c->nodes.slot);
    free(c->enis_seen.slot);
    free(c->e);
    free(c->ekey_slot);
    free(c->eidx);
    free(c->epn);
    free(c->keep);
    free(c->ep_focus);
}

int graph_render(const cost_result *r, const inventory *inv, const graph_opts *o, dbuf *out, char *err,
                 size_t errlen)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.inv = inv;
    if (level_parse(o->level, &c.lv) < 0) return graph_level_check(o->level, err, errlen);
    const char *fmt = o->format ? o->format : "svg";
    bool fmt_ok = false;
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) fmt_ok |= strcmp(fmt, formats[i]) == 0;
    if (!fmt_ok) return fc_err(err, errlen, "unknown graph format '%s'; use svg, dot or png", fmt);

    c.epn = xmalloc((r->n_eps + 1) * sizeof *c.epn);
    for (size_t i = 0; i < r->n_eps; i++) c.epn[i] = NONE;
    c.keep = xmalloc((r->n_flows + 1) * sizeof *c.keep);
    c.ep_focus = xcalloc(r->n_eps + 1, sizeof *c.ep_focus);
    for (size_t i = 0; i < r->n_flows; i++) c.keep[i] = r->flows[i].bytes > 0;
    if (o->focus && *o->focus && focus_mark(&c, o->focus, err, errlen) < 0) {
        ctx_free(&c);
        return -1;
    }
    for (size_t i = 0; i < r->n_flows; i++) c.keep[i] = c.keep[i] && r->flows[i].bytes > 0;

    add_flows(&c, 0);
    for (size_t i = 0; i < r->n_eps; i++)
        if (c.ep_focus[i] && c.epn[i] != NONE) c.n[c.epn[i]].focus = true;
    fold_tail(&c, o->top, o->min_bytes);
    add_flows(&c, 1);
    add_tgw(&c);

    /* Total order of nodes (ranks), then choose the edges to draw. */
    uint32_t *order = xmalloc((c.nn + 1) * sizeof *order);
    size_t n_order = 0;
    for (uint32_t i = 0; i < c.nn; i++)
        if (c.n[i].fold == NONE) order[n_order++] = i;
    g_sort_nodes = c.n;
    qsort(order, n_order, sizeof *order, cmp_node_order);
    for (size_t i = 0; i < n_order; i++) c.n[order[i]].rank = (uint32_t)i;

    uint32_t *eorder = xmalloc((c.ne + 1) * sizeof *eorder);
    size_t n_e = 0, hidden = 0;
    uint64_t hidden_bytes = 0;
    double hidden_usd = 0, drawn_usd = 0;
    for (uint32_t i = 0; i < c.ne; i++) eorder[n_e++] = i;
    g_sort_edges = c.e;
    qsort(eorder, n_e, sizeof *eorder, cmp_edge_bytes);
    /* Every node keeps its heaviest edge (so --top N really shows N nodes),
     * then the heaviest of the rest up to the cap. */
    size_t n_draw = 0, cap = GRAPH_EDGES_PER_NODE * n_order;
    cap = cap < GRAPH_MIN_EDGES ? GRAPH_MIN_EDGES : cap > GRAPH_MAX_EDGES ? GRAPH_MAX_EDGES : cap;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n_e; i++) {
            gedge *e = &c.e[eorder[i]];
            if (e->drawn || (o->min_bytes && e->bytes < o->min_bytes)) continue;
            if (pass == 0 ? (c.n[e->t].drawn && c.n[e->h].drawn) : n_draw >= cap) continue;
            e->drawn = true;
            n_draw++;
            c.n[e->t].drawn = c.n[e->h].drawn = true;
        }
    for (size_t i = 0, k = 0; i < n_e; i++) {
        const gedge *e = &c.e[eorder[i]];
        if (!e->drawn) {
            hidden++, hidden_bytes += e->bytes, hidden_usd += e->usd;
            continue;
        }
        drawn_usd += e->usd;
        eorder[k++] = eorder[i];
    }
    qsort(eorder, n_draw, sizeof *eorder, cmp_edge_order);
    size_t n_keep = 0;
    for (size_t i = 0; i < n_order; i++)
        if (c.n[order[i]].drawn || c.n[order[i]].focus) order[n_keep++] = order[i];

    /* Graph title: what is drawn and what was left out. */
    dbuf title;
    dbuf_init(&title, 0);
    char t1[32], t2[32], money[64], gib[64];
    fc_format_time(r->period_start, t1, sizeof t1);
    fc_format_time(r->period_end, t2, sizeof t2);
    fmt_usd(drawn_usd, money, sizeof money);
    dbuf_printf(&title, "flowcost topology · level %s", level_names[c.lv]);
    if (r->period_end > r->period_start) dbuf_printf(&title, " · %s – %s", t1, t2);
    dbuf_printf(&title, " · cost shown %s", money);
    if (o->focus && *o->focus) dbuf_puts(&title, " · focus "), esc_graph_label(&title, o->focus, NAME_MAX_CP);
    if (hidden) {
        fmt_gib(hidden_bytes, gib, sizeof gib);
        fmt_usd(hidden_usd, money, sizeof money);
        dbuf_printf(&title, "\\n%zu smaller edge%s hidden (%s, %s)", hidden, hidden == 1 ? "" : "s", gib, money);
    }
    dbuf_puts(&title, "\\l");

    int prev_level = agseterr(AGERR); /* warnings are not failures */
    agusererrf prev_f = agseterrf(gv_errf);
    gv_msg[0] = '\0';
    gvb b;
    memset(&b, 0, sizeof b);
    set_idp(&b, o->id_prefix, "topology");
    /* Undirected, with an explicit dir on every edge: an edge's SVG <title>
     * is then "A--B" (which pair), never a "->" that contradicts the arrow of
     * an inbound edge laid out from the inside (see edge_inbound()). dot
     * still ranks tail before head. */
    open_graph(&b, Agundirected, topo_attrs, sizeof topo_attrs / sizeof *topo_attrs);
    bool legend[CAT_COUNT] = {false};
    build_graph(&c, &b, order, n_keep, eorder, n_draw, title.data, legend);
    int rc = emit(b.g, fmt, o->inline_svg, out, err, errlen);
    agclose(b.g);
    agseterrf(prev_f);
    agseterr((agerrlevel_t)prev_level);

    dbuf_free(&title);
    free(order);
    free(eorder);
    ctx_free(&c);
    return rc;
}

/* ---- the cross-AZ graph (report section 4) ----
 * The whole topology at AZ level was 4501×1613 pt squeezed into the page
 * (labels ~3 px). This one draws only what section 4 is about: one node per
 * AZ ID, one directed edge per AZ pair with the bytes sent and both halves'
 * dollars, so it stays a handful of nodes whatever the account's size. */
typedef struct az_info {
    const char *id, *name, *region;
    uint64_t out, in;
    double usd;
} az_info;

static size_t az_slot(az_info *a, size_t *n, size_t cap, const char *id)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(a[i].id, id)) return i;
    if (*n == cap) return cap;
    a[*n] = (az_info){.id = id};
    return (*n)++;
}

static int cmp_az_info(const void *x, const void *y)
{
    const az_info *a = x, *b = y;
    int c = scmp(a->region, b->region);
    return c ? c : strcmp(a->id, b->id);
}

int graph_render_cross_az(const cost_result *r, const inventory *inv, const graph_opts *o, dbuf *out, char *err,
                          size_t errlen)
{
    (void)inv;
    enum { MAX_AZ = 256 };
    az_info *az = xcalloc(MAX_AZ, sizeof *az);
    size_t naz = 0;
    uint64_t emin = UINT64_MAX, emax = 0;
    for (size_t i = 0; i < r->n_az_pairs; i++) {
        const cost_az_pair *p = &r->az_pairs[i];
        if (!p->src_az || !p->dst_az || !p->bytes) continue;
        size_t s = az_slot(az, &naz, MAX_AZ, p->src_az), d = az_slot(az, &naz, MAX_AZ, p->dst_az);
        if (s == MAX_AZ || d == MAX_AZ) continue;
        az[s].out += p->bytes, az[d].in += p->bytes;
        az[s].usd += p->usd / 2, az[d].usd += p->usd / 2; /* out-half and in-half */
        emin = p->bytes < emin ? p->bytes : emin;
        emax = p->bytes > emax ? p->bytes : emax;
    }
    if (!naz) {
        free(az);
        return fc_err(err, errlen, "no traffic crossed Availability Zones in the period");
    }
    /* AZ names and regions from the endpoints that live there. */
    for (size_t i = 0; i < r->n_eps; i++) {
        const inv_eni *e = r->eps[i].cls == EP_ENI ? r->eps[i].eni : NULL;
        if (!e || !e->az_id) continue;
        for (size_t k = 0; k < naz; k++)
            if (!strcmp(az[k].id, e->az_id)) {
                if (!az[k].name && e->az_name) az[k].name = e->az_name;
                if (!az[k].region && (e->region || r->eps[i].region)) az[k].region = e->region ? e->region : r->eps[i].region;
            }
    }
    qsort(az, naz, sizeof *az, cmp_az_info);

    gvb b;
    memset(&b, 0, sizeof b);
    set_idp(&b, o ? o->id_prefix : NULL, "crossaz");
    int prev_level = agseterr(AGERR);
    agusererrf prev_f = agseterrf(gv_errf);
    gv_msg[0] = '\0';
    open_graph(&b, Agdirected, crossaz_attrs, sizeof crossaz_attrs / sizeof *crossaz_attrs);
    Agraph_t *g = b.g;

    dbuf l, t, cl;
    dbuf_init(&l, 0), dbuf_init(&t, 0), dbuf_init(&cl, 0);
    char gib[64], gib2[64], usd[64], num[32];
    double total = 0;
    for (size_t i = 0; i < r->n_az_pairs; i++) total += r->az_pairs[i].usd;
    fmt_usd(total, usd, sizeof usd);
    dbuf_printf(&t, "Cross-AZ transfer · %s (both halves)\\l", usd);
    gset(g, b.g_label, t.data);
    Agnode_t **an = xcalloc(naz, sizeof *an);
    Agraph_t *reg = NULL;
    const char *cur_region = NULL;
    size_t nclusters = 0;
    for (size_t i = 0; i < naz; i++) {
        if (az[i].region && (!reg || scmp(az[i].region, cur_region))) {
            dbuf_reset(&cl);
            dbuf_printf(&cl, "cluster_%zu", nclusters);
            reg = agsubg(g, cl.data, 1);
            char id[sizeof b.idp + 40];
            snprintf(id, sizeof id, "%s_cluster_%zu", b.idp, nclusters++);
            gset(reg, b.g_id, id);
            dbuf_reset(&cl);
            dbuf_puts(&cl, "region ");
            esc_graph_label(&cl, az[i].region, NAME_MAX_CP);
            gset(reg, b.g_label, cl.data);
            gset(reg, b.g_style, "rounded,dashed");
            gset(reg, b.g_fontsize, "14");
            cur_region = az[i].region;
        } else if (!az[i].region) {
            reg = NULL;
        }
        dbuf_reset(&l), dbuf_reset(&t);
        esc_graph_label(&t, az[i].id, NAME_MAX_CP);
        an[i] = agnode(reg ? reg : g, t.data, 1);
        esc_graph_label(&l, az[i].id, NAME_MAX_CP);
        if (az[i].name && strcmp(az[i].name, az[i].id)) dbuf_puts(&l, " ("), esc_graph_label(&l, az[i].name, NAME_MAX_CP), dbuf_puts(&l, ")");
        fmt_gib(az[i].out, gib, sizeof gib);
        fmt_gib(az[i].in, gib2, sizeof gib2);
        fmt_usd(az[i].usd, usd, sizeof usd);
        dbuf_printf(&l, "\\nsent %s · received %s\\ninter-AZ halves %s", gib, gib2, usd);
        gset(an[i], b.n_label, l.data);
        gset(an[i], b.n_tip, l.data);
    }
    double lmin = emax ? log((double)emin) : 0, lmax = emax ? log((double)emax) : 0;
    for (size_t i = 0; i < r->n_az_pairs; i++) {
        const cost_az_pair *p = &r->az_pairs[i];
        if (!p->src_az || !p->dst_az || !p->bytes) continue;
        size_t s = naz, d = naz;
        for (size_t j = 0; j < naz; j++) {
            if (!strcmp(az[j].id, p->src_az)) s = j;
            if (!strcmp(az[j].id, p->dst_az)) d = j;
        }
        if (s == naz || d == naz) continue;
        Agedge_t *e = agedge(g, an[s], an[d], NULL, 1);
        fmt_gib(p->bytes, gib, sizeof gib);
        fmt_usd(p->usd, usd, sizeof usd);
        dbuf_reset(&l);
        dbuf_printf(&l, "%s\\n%s", gib, usd);
        gset(e, b.e_label, l.data);
        snprintf(num, sizeof num, "%.2f", 1.5 + 6.5 * log_t(p->bytes, lmin, lmax));
        gset(e, b.e_pen, num);
        dbuf_reset(&t);
        esc_graph_label(&t, p->src_az, NAME_MAX_CP);
        dbuf_puts(&t, " to ");
        esc_graph_label(&t, p->dst_az, NAME_MAX_CP);
        dbuf_printf(&t, ": %s, %s (%.1f%% of the cross-AZ cost)", gib, usd, total > 0 ? 100.0 * p->usd / total : 0.0);
        gset(e, b.e_tip, t.data);
    }
    free(an);
    free(az);
    dbuf_free(&l), dbuf_free(&t), dbuf_free(&cl);
    int rc = emit(g, o && o->format ? o->format : "svg", o ? o->inline_svg : 0, out, err, errlen);
    agclose(g);
    agseterrf(prev_f);
    agseterr((agerrlevel_t)prev_level);
    return rc;
}

