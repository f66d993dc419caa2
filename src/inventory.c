/* inventory: ENIs, subnets and VPCs keyed by id, plus an address index, so
 * the cost model classifies each distinct address once (house style: enrich
 * after aggregation, once per distinct ENI/IP). Small hash tables with linear
 * probing; everything is freed with the inventory. */
#include "inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const kind_names[ENI_KIND_COUNT] = {
    "workload", "nat_gateway", "vpc_endpoint", "alb", "nlb", "gateway_load_balancer",
    "transit_gateway", "other_managed", "unclassified",
};

const char *eni_kind_name(eni_kind k)
{
    return (unsigned)k < ENI_KIND_COUNT ? kind_names[k] : "unclassified";
}

int eni_kind_parse(const char *s, eni_kind *out)
{
    for (int i = 0; i < ENI_KIND_COUNT; i++)
        if (s && strcmp(s, kind_names[i]) == 0) {
            *out = (eni_kind)i;
            return 0;
        }
    return -1;
}

bool eni_kind_is_managed(eni_kind k)
{
    return k != ENI_WORKLOAD && k != ENI_UNCLASSIFIED;
}

static bool starts(const char *s, const char *p)
{
    return s && strncmp(s, p, strlen(p)) == 0;
}

/* Table, not an if-chain: EC2's interfaceType values (both spellings seen in
 * the API and in the console) and the descriptions AWS writes on the ENIs it
 * creates for managed services. */
static const struct {
    const char *type;
    eni_kind kind;
} type_table[] = {
    {"nat_gateway", ENI_NAT_GATEWAY},
    {"natGateway", ENI_NAT_GATEWAY},
    {"vpc_endpoint", ENI_VPC_ENDPOINT},
    {"interface_endpoint", ENI_VPC_ENDPOINT},
    {"network_load_balancer", ENI_NLB},
    {"gateway_load_balancer", ENI_GWLB},
    {"gateway_load_balancer_endpoint", ENI_GWLB},
    {"transit_gateway", ENI_TRANSIT_GATEWAY},
    {"load_balancer", ENI_ALB},
    {"api_gateway_managed", ENI_OTHER_MANAGED},
    {"aws_codestar_connections_managed", ENI_OTHER_MANAGED},
    {"gateway_load_balancer", ENI_GWLB},
    {"global_accelerator_managed", ENI_OTHER_MANAGED},
    {"iot_rules_managed", ENI_OTHER_MANAGED},
    {"quicksight", ENI_OTHER_MANAGED},
    {"vpc_lattice", ENI_OTHER_MANAGED},
    {"lambda", ENI_WORKLOAD},
    {"interface", ENI_WORKLOAD},
    {"efa", ENI_WORKLOAD},
    {"trunk", ENI_WORKLOAD},
    {"branch", ENI_WORKLOAD},
};

static const struct {
    const char *prefix;
    eni_kind kind;
} desc_table[] = {
    {"Interface for NAT Gateway", ENI_NAT_GATEWAY},
    {"VPC Endpoint Interface", ENI_VPC_ENDPOINT},
    {"ELB app/", ENI_ALB},
    {"ELB net/", ENI_NLB},
    {"ELB gwy/", ENI_GWLB},
    {"ELB ", ENI_ALB}, /* classic load balancers */
    {"Network Interface for Transit Gateway Attachment", ENI_TRANSIT_GATEWAY},
};

eni_kind inv_classify(const char *interface_type, const char *description,
                      const char *requester_id)
{
    (void)requester_id;
    for (size_t i = 0; description && i < sizeof desc_table / sizeof *desc_table; i++)
        if (starts(description, desc_table[i].prefix)) return desc_table[i].kind;
    for (size_t i = 0; interface_type && i < sizeof type_table / sizeof *type_table; i++)
        if (strcmp(interface_type, type_table[i].type) == 0) return type_table[i].kind;
    return ENI_WORKLOAD;
}

/* ---- string arena ---- */

typedef struct strset {
    char **slots;
    size_t cap, len;
} strset;

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static const char *strset_intern(strset *ss, const char *s)
{
    if (ss->len * 2 >= ss->cap) {
        size_t ncap = ss->cap ? ss->cap * 2 : 256;
        char **n = xcalloc(ncap, sizeof *n);
        for (size_t i = 0; i < ss->cap; i++)
            if (ss->slots[i]) {
                size_t j = str_hash(ss->slots[i]) & (ncap - 1);
                while (n[j]) j = (j + 1) & (ncap - 1);
                n[j] = ss->slots[i];
            }
        free(ss->slots);
        ss->slots = n;
        ss->cap = ncap;
    }
    size_t j = str_hash(s) & (ss->cap - 1);
    while (ss->slots[j]) {
        if (strcmp(ss->slots[j], s) == 0) return ss->slots[j];
        j = (j + 1) & (ss->cap - 1);
    }
    ss->slots[j] = xstrdup(s);
    ss->len++;
    return ss->slots[j];
}

/* ---- id → index maps (keys are interned, so pointer equality works) ---- */

typedef struct idmap {
    const char **keys;
    size_t *vals;
    size_t cap, len;
} idmap;

static void idmap_put(idmap *m, const char *key, size_t val);

static void idmap_grow(idmap *m)
{
    idmap n = {0};
    n.cap = m->cap ? m->cap * 2 : 64;
    n.keys = xcalloc(n.cap, sizeof *n.keys);
    n.vals = xcalloc(n.cap, sizeof *n.vals);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) idmap_put(&n, m->keys[i], m->vals[i]);
    free(m->keys);
    free(m->vals);
    *m = n;
}

static void idmap_put(idmap *m, const char *key, size_t val)
{
    if ((m->len + 1) * 2 > m->cap) idmap_grow(m);
    size_t j = str_hash(key) & (m->cap - 1);
    while (m->keys[j] && m->keys[j] != key) j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) m->len++;
    m->keys[j] = key;
    m->vals[j] = val;
}

static bool idmap_find(const idmap *m, const char *key, size_t *val)
{
    if (!m->cap || !key) return false;
    size_t j = str_hash(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            *val = m->vals[j];
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return false;
}

/* ---- address index ---- */

typedef struct ipmap {
    ip128 *keys;
    size_t *vals; /* eni index + 1; 0 = empty */
    size_t cap;
} ipmap;

/* An address held by more than one ENI over the snapshot's history (a
 * reused private IP, an Elastic IP moved): kept for inv_by_ip_at. */
typedef struct ipdup {
    ip128 ip;
    size_t eni; /* index */
} ipdup;

/* Returns the index already holding ip, or SIZE_MAX when val took a free
 * slot. `better`: val replaces the holder (the caller decides). */
static size_t ipmap_put(ipmap *m, const ip128 *ip, size_t val, bool (*better)(size_t, size_t, const void *),
                        const void *ctx)
{
    size_t j = ip_hash(ip) & (m->cap - 1);
    while (m->vals[j] && !ip_eq(&m->keys[j], ip)) j = (j + 1) & (m->cap - 1);
    if (!m->vals[j]) {
        m->keys[j] = *ip;
        m->vals[j] = val + 1;
        return SIZE_MAX;
    }
    size_t old = m->vals[j] - 1;
    if (better(val, old, ctx)) m->vals[j] = val + 1;
    return old;
}

struct inventory {
    strset strings;
    inv_eni **enis;
    size_t n_enis, cap_enis;
    inv_subnet **subnets;
    size_t n_subnets, cap_subnets;
    inv_vpc **vpcs;
    size_t n_vpcs, cap_vpcs;
    idmap eni_ids, subnet_ids, vpc_ids, az_ids;
    ipmap ips;
    ipdup *dups;       /* sorted by address, then ENI index */
    size_t n_dups;
    unsigned sources;
    int64_t fetched_at;
    bool finalized;
    bool public_space; /* some subnet or VPC CIDR is outside the private ranges */
    bool space_known;  /* public_space is up to date (no subnet or VPC added since) */
};

inventory *inv_new(void)
{
    return xcalloc(1, sizeof(inventory));
}

void inv_free(inventory *inv)
{
    if (!inv) return;
    for (size_t i = 0; i < inv->strings.cap; i++) free(inv->strings.slots[i]);
    free(inv->strings.slots);
    for (size_t i = 0; i < inv->n_enis; i++) {
        free(inv->enis[i]->ips);
        free(inv->enis[i]->tags);
        free(inv->enis[i]);
    }
    free(inv->enis);
    for (size_t i = 0; i < inv->n_subnets; i++) free(inv->subnets[i]);
    free(inv->subnets);
    for (size_t i = 0; i < inv->n_vpcs; i++) {
        free(inv->vpcs[i]->nets);
        free(inv->vpcs[i]->bits);
        free(inv->vpcs[i]);
    }
    free(inv->vpcs);
    idmap *maps[] = {&inv->eni_ids, &inv->subnet_ids, &inv->vpc_ids, &inv->az_ids};
    for (size_t i = 0; i < 4; i++) {
        free(maps[i]->keys);
        free(maps[i]->vals);
    }
    free(inv->ips.keys);
    free(inv->ips.vals);
    free(inv->dups);
    free(inv);
}

const char *inv_intern(inventory *inv, const char *s)
{
    if (!s || !*s) return NULL;
    return strset_intern(&inv->strings, s);
}

#define GET_OR_ADD(inv, arr, n, cap, map, type, idfield, id)                  \
    do {                                                                      \
        const char *key_ = inv_intern(inv, id);                               \
        size_t at_;                                                           \
        if (idmap_find(&(inv)->map, key_, &at_)) return (inv)->arr[at_];      \
        if ((inv)->n == (inv)->cap) {                                         \
            (inv)->cap = (inv)->cap ? (inv)->cap * 2 : 16;                    \
            (inv)->arr = xrealloc((inv)->arr, (inv)->cap * sizeof *(inv)->arr); \
        }                                                                     \
        type *obj_ = xcalloc(1, sizeof(type));                                \
        obj_->idfield = key_;                                                 \
        (inv)->arr[(inv)->n] = obj_;                                          \
        idmap_put(&(inv)->map, key_, (inv)->n++);                             \
        (inv)->finalized = false;                                             \
        return obj_;                                                          \
    } while (0)

inv_eni *inv_eni_get(inventory *inv, const char *id)
{
    GET_OR_ADD(inv, enis, n_enis, cap_enis, eni_ids, inv_eni, id, id);
}

inv_eni *inv_eni_lookup(inventory *inv, const char *id)
{
    size_t v;
    return idmap_find(&inv->eni_ids, id, &v) ? inv->enis[v] : NULL;
}

void inv_eni_set_tag(inventory *inv, inv_eni *e, const char *key, const char *value, bool replace)
{
    const char *k = inv_intern(inv, key);
    if (!k) return;
    /* "" is a real tag value (a key set on purpose with nothing in it). */
    const char *v = value && *value ? inv_intern(inv, value) : "";
    for (size_t i = 0; i < e->n_tags; i++)
        if (e->tags[i].key == k) {
            if (replace) e->tags[i].value = v;
            return;
        }
    e->tags = xrealloc(e->tags, (e->n_tags + 1) * sizeof *e->tags);
    e->tags[e->n_tags++] = (inv_tag){k, v};
    inv->finalized = false;
}

void inv_eni_clear_tags(inv_eni *e)
{
    e->n_tags = 0;
}

const char *inv_eni_tag(const inv_eni *e, const char *key)
{
    for (size_t i = 0; e && key && i < e->n_tags; i++)
        if (strcmp(e->tags[i].key, key) == 0) return e->tags[i].value;
    return NULL;
}

inv_subnet *inv_subnet_get(inventory *inv, const char *id)
{
    inv->space_known = false;
    GET_OR_ADD(inv, subnets, n_subnets, cap_subnets, subnet_ids, inv_subnet, id, id);
}

inv_vpc *inv_vpc_get(inventory *inv, const char *id)
{
    inv->space_known = false;
    GET_OR_ADD(inv, vpcs, n_vpcs, cap_vpcs, vpc_ids, inv_vpc, id, id);
}

void inv_eni_add_ip(inventory *inv, inv_eni *e, const ip128 *ip, bool is_private)
{
    for (size_t i = 0; i < e->n_ips; i++)
        if (ip_eq(&e->ips[i], ip)) return;
    e->ips = xrealloc(e->ips, (e->n_ips + 1) * sizeof *e->ips);
    if (is_private) {
        memmove(e->ips + e->n_private + 1, e->ips + e->n_private,
                (e->n_ips - e->n_private) * sizeof *e->ips);
        e->ips[e->n_private++] = *ip;
    } else {
        e->ips[e->n_ips] = *ip;
    }
    e->n_ips++;
    inv->finalized = false;
}

void inv_vpc_add_cidr(inv_vpc *v, const ip128 *net, unsigned bits)
{
    for (size_t i = 0; i < v->n_nets; i++)
        if (v->bits[i] == bits && ip_eq(&v->nets[i], net)) return;
    v->nets = xrealloc(v->nets, (v->n_nets + 1) * sizeof *v->nets);
    v->bits = xrealloc(v->bits, (v->n_nets + 1) * sizeof *v->bits);
    v->nets[v->n_nets] = *net;
    v->bits[v->n_nets++] = bits;
}

void inv_set_az_id(inventory *inv, const char *az_name, const char *az_id)
{
    const char *n = inv_intern(inv, az_name), *i = inv_intern(inv, az_id);
    if (!n || !i) return;
    /* Store the id as an interned pointer cast to size_t to reuse idmap. */
    idmap_put(&inv->az_ids, n, (size_t)(uintptr_t)i);
}

const char *inv_az_id_of(const inventory *inv, const char *az_name)
{
    size_t v;
    if (idmap_find(&inv->az_ids, az_name, &v)) return (const char *)(uintptr_t)v;
    return NULL;
}

static int cmp_eni(const void *a, const void *b)
{
    return strcmp((*(inv_eni *const *)a)->id, (*(inv_eni *const *)b)->id);
}

/* Which ENI an address without a time resolves to: the one seen last
 * (the current holder of a reused address), ties to the smaller id
 * (enis are sorted, so the smaller index). */
static bool seen_later(size_t a, size_t b, const void *ctx)
{
    const inventory *inv = ctx;
    int64_t la = inv->enis[a]->last_seen, lb = inv->enis[b]->last_seen;
    return la != lb ? la > lb : a < b;
}

FC_COMPARATOR(cmp_dup, ipdup, FC_KEY(ip_cmp(&a->ip, &b->ip)) FC_ASC(eni))

static void add_dup(inventory *inv, const ip128 *ip, size_t eni, size_t *cap)
{
    for (size_t i = 0; i < inv->n_dups; i++)
        if (inv->dups[i].eni == eni && ip_eq(&inv->dups[i].ip, ip)) return;
    if (inv->n_dups == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        inv->dups = xrealloc(inv->dups, *cap * sizeof *inv->dups);
    }
    inv->dups[inv->n_dups++] = (ipdup){*ip, eni};
}

static int cmp_tag(const void *a, const void *b)
{
    return strcmp(((const inv_tag *)a)->key, ((const inv_tag *)b)->key);
}

static int cmp_subnet(const void *a, const void *b)
{
    return strcmp((*(inv_subnet *const *)a)->id, (*(inv_subnet *const *)b)->id);
}

static int cmp_vpc(const void *a, const void *b)
{
    return strcmp((*(inv_vpc *const *)a)->id, (*(inv_vpc *const *)b)->id);
}

/* Names for the ENIs AWS services create in a VPC for themselves, from the
 * description (or interfaceType) the service writes on them: "service:part",
 * the part being a tag's value when the ENI has it, else cut from the
 * description, else the ENI's id. docs/enrichment.md cites each format.
 * First match wins; load balancers, NAT gateways, endpoints and TGW
 * attachments are named by their resource instead (resource_id). */
enum { PART_REST = 'r', PART_AFTER_SLASH = '/', PART_ID = 'i' };
static const struct name_rule {
    const char *prefix;  /* the description starts with it (NULL: any) */
    const char *type;    /* interfaceType equals it (NULL: any) */
    const char *service;
    const char *tag;     /* its value is the part, when the ENI has the tag */
    char part;           /* else: the description's rest up to a space, after its last '/', or the id */
} name_rules[] = {
    {"AWS Lambda VPC ENI-", NULL, "lambda", NULL, PART_REST},  /* "AWS Lambda VPC ENI-<function>" */
    {"AWS Lambda VPC ENI", NULL, "lambda", NULL, PART_ID},     /* older "AWS Lambda VPC ENI: <uuid>" */
    {NULL, "lambda", "lambda", NULL, PART_ID},
    {"Amazon EKS ", NULL, "eks", NULL, PART_REST},             /* control plane: "Amazon EKS <cluster>" */
    {"aws-k8s-branch-eni", NULL, "eks-pod", "cluster.k8s.amazonaws.com/name", PART_ID},
    {"aws-k8s-trunk-eni", NULL, "eks-trunk", "cluster.k8s.amazonaws.com/name", PART_ID},
    {"aws-K8S-", NULL, "eks-node", "cluster.k8s.amazonaws.com/name", PART_REST}, /* "aws-K8S-<instance>" */
    {"arn:aws:ecs:", NULL, "ecs", "aws:ecs:serviceName", PART_AFTER_SLASH}, /* "arn:aws:ecs:…:attachment/<id>" */
    {"RDSNetworkInterface", NULL, "rds", NULL, PART_ID},
    {"RedshiftNetworkInterface", NULL, "redshift", NULL, PART_ID},
    {"ElastiCache ", NULL, "elasticache", NULL, PART_REST},   /* "ElastiCache <cluster>" */
    {"EFS mount target for ", NULL, "efs", NULL, PART_REST},  /* "… fs-<id> (fsmt-<id>)" */
    {"AWS created network interface for directory ", NULL, "directory", NULL, PART_REST},
};

static const char *managed_name(inventory *inv, const inv_eni *e)
{
    const char *d = e->description;
    for (size_t i = 0; i < sizeof name_rules / sizeof *name_rules; i++) {
        const struct name_rule *r = &name_rules[i];
        if (r->prefix && !(d && starts(d, r->prefix))) continue;
        if (r->type && !(e->interface_type && !strcmp(e->interface_type, r->type))) continue;
        const char *part = r->tag ? inv_eni_tag(e, r->tag) : NULL;
        size_t n = part ? strlen(part) : 0;
        if (!n && r->part == PART_REST) {
            part = d + strlen(r->prefix);
            n = strcspn(part, " ");
        } else if (!n && r->part == PART_AFTER_SLASH) {
            const char *sl = strrchr(d, '/');
            part = sl ? sl + 1 : d + strlen(r->prefix);
            n = strcspn(part, " ");
        }
        if (!n) {
            part = e->id;
            n = strlen(part);
        }
        char buf[320];
        snprintf(buf, sizeof buf, "%s:%.*s", r->service, (int)(n < 256 ? n : 256), part);
        return inv_intern(inv, buf);
    }
    return NULL;
}

void inv_finalize(inventory *inv)
{
    if (inv->finalized) return;
    /* Sorted ids give every list a total order (deterministic output). */
    /* qsort's base must not be NULL, even for zero elements (UBSan). */
    if (inv->n_enis) qsort(inv->enis, inv->n_enis, sizeof *inv->enis, cmp_eni);
    if (inv->n_subnets) qsort(inv->subnets, inv->n_subnets, sizeof *inv->subnets, cmp_subnet);
    if (inv->n_vpcs) qsort(inv->vpcs, inv->n_vpcs, sizeof *inv->vpcs, cmp_vpc);
    for (size_t i = 0; i < inv->n_enis; i++) idmap_put(&inv->eni_ids, inv->enis[i]->id, i);
    for (size_t i = 0; i < inv->n_subnets; i++) idmap_put(&inv->subnet_ids, inv->subnets[i]->id, i);
    for (size_t i = 0; i < inv->n_vpcs; i++) idmap_put(&inv->vpc_ids, inv->vpcs[i]->id, i);

    for (size_t i = 0; i < inv->n_subnets; i++) {
        inv_subnet *s = inv->subnets[i];
        if (!s->az_id && s->az_name) s->az_id = inv_az_id_of(inv, s->az_name);
        if (s->az_id && s->az_name) inv_set_az_id(inv, s->az_name, s->az_id);
    }
    size_t nips = 0;
    for (size_t i = 0; i < inv->n_enis; i++) {
        inv_eni *e = inv->enis[i];
        const inv_subnet *s = inv_subnet_by_id(inv, e->subnet_id);
        if (s) {
            if (!e->az_id) e->az_id = s->az_id;
            if (!e->az_name) e->az_name = s->az_name;
            if (!e->vpc_id) e->vpc_id = s->vpc_id;
            if (!e->region) e->region = s->region;
        }
        if (!e->az_id && e->az_name) e->az_id = inv_az_id_of(inv, e->az_name);
        /* The display rule: Name tag, else a managed service's name
         * (name_rules: "lambda:orders", "eks-pod:prod"), else the instance
         * or resource (nat-…, vpce-…) it belongs to, else its description,
         * else the id. A NAT gateway's "Interface for NAT Gateway nat-…"
         * description is no name. */
        /* A snapshot written before name_rules stored the description as
         * the name: the rule's name replaces it. */
        if (!e->name || (e->name == e->description && managed_name(inv, e))) e->name = managed_name(inv, e);
        if (!e->name)
            e->name = e->instance_id   ? e->instance_id
                      : e->resource_id ? e->resource_id
                      : e->description ? e->description
                                       : e->id;
        if (e->n_tags > 1) qsort(e->tags, e->n_tags, sizeof *e->tags, cmp_tag);
        nips += e->n_ips;
    }
    free(inv->ips.keys);
    free(inv->ips.vals);
    inv->ips.cap = 64;
    while (inv->ips.cap < nips * 2 + 2) inv->ips.cap *= 2;
    inv->ips.keys = xcalloc(inv->ips.cap, sizeof *inv->ips.keys);
    inv->ips.vals = xcalloc(inv->ips.cap, sizeof *inv->ips.vals);
    free(inv->dups);
    inv->dups = NULL;
    inv->n_dups = 0;
    size_t dcap = 0;
    for (size_t i = 0; i < inv->n_enis; i++)
        for (size_t k = 0; k < inv->enis[i]->n_ips; k++) {
            size_t old = ipmap_put(&inv->ips, &inv->enis[i]->ips[k], i, seen_later, inv);
            if (old != SIZE_MAX && old != i) {
                add_dup(inv, &inv->enis[i]->ips[k], old, &dcap);
                add_dup(inv, &inv->enis[i]->ips[k], i, &dcap);
            }
        }
    if (inv->n_dups > 1) qsort(inv->dups, inv->n_dups, sizeof *inv->dups, cmp_dup);
    inv->public_space = false;
    inv->space_known = true;
    for (size_t i = 0; i < inv->n_subnets; i++)
        inv->public_space |= inv->subnets[i]->bits && !ip_is_private(&inv->subnets[i]->net);
    for (size_t i = 0; i < inv->n_vpcs; i++)
        for (size_t k = 0; k < inv->vpcs[i]->n_nets; k++) inv->public_space |= !ip_is_private(&inv->vpcs[i]->nets[k]);
    inv->finalized = true;
}

const inv_eni *inv_by_ip(const inventory *inv, const ip128 *ip)
{
    if (!inv->ips.cap) return NULL;
    size_t j = ip_hash(ip) & (inv->ips.cap - 1);
    while (inv->ips.vals[j]) {
        if (ip_eq(&inv->ips.keys[j], ip)) return inv->enis[inv->ips.vals[j] - 1];
        j = (j + 1) & (inv->ips.cap - 1);
    }
    return NULL;
}

/* Lower bound of ip in the sorted list of shared addresses. */
static size_t dup_lower(const inventory *inv, const ip128 *ip)
{
    size_t lo = 0, hi = inv->n_dups;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ip_cmp(&inv->dups[mid].ip, ip) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

bool inv_ip_shared(const inventory *inv, const ip128 *ip)
{
    if (!inv->n_dups) return false;
    size_t i = dup_lower(inv, ip);
    return i < inv->n_dups && ip_eq(&inv->dups[i].ip, ip);
}

const inv_eni *inv_by_ip_at(const inventory *inv, const ip128 *ip, int64_t t)
{
    const inv_eni *now = inv_by_ip(inv, ip);
    if (!now || !inv->n_dups || t <= 0) return now;
    size_t lo = dup_lower(inv, ip);
    /* The holder whose [first_seen, last_seen] holds t; else the one seen
     * most recently before t (it still held it, as far as we know); else
     * the current one. Unknown first_seen (0) counts as "always". */
    const inv_eni *in = NULL, *before = NULL;
    for (size_t i = lo; i < inv->n_dups && ip_eq(&inv->dups[i].ip, ip); i++) {
        const inv_eni *e = inv->enis[inv->dups[i].eni];
        if (e->first_seen <= t && t <= e->last_seen) {
            if (!in || e->first_seen > in->first_seen) in = e;
        } else if (e->last_seen < t && (!before || e->last_seen > before->last_seen)) {
            before = e;
        }
    }
    return in ? in : before ? before : now;
}

const inv_eni *inv_by_id(const inventory *inv, const char *id)
{
    size_t v;
    return idmap_find(&inv->eni_ids, id, &v) ? inv->enis[v] : NULL;
}

const inv_subnet *inv_subnet_by_id(const inventory *inv, const char *id)
{
    size_t v;
    return idmap_find(&inv->subnet_ids, id, &v) ? inv->subnets[v] : NULL;
}

const inv_vpc *inv_vpc_by_id(const inventory *inv, const char *id)
{
    size_t v;
    return idmap_find(&inv->vpc_ids, id, &v) ? inv->vpcs[v] : NULL;
}

const inv_subnet *inv_subnet_containing(const inventory *inv, const ip128 *ip)
{
    const inv_subnet *best = NULL;
    for (size_t i = 0; i < inv->n_subnets; i++) {
        const inv_subnet *s = inv->subnets[i];
        if (!s->bits) continue;
        ip128 m = ip_mask(ip, s->bits);
        if (ip_eq(&m, &s->net) && (!best || s->bits > best->bits)) best = s;
    }
    return best;
}

static bool in_net(const ip128 *ip, const ip128 *net, unsigned bits)
{
    ip128 m = ip_mask(ip, bits);
    return bits && ip_eq(&m, net);
}

bool inv_in_vpc_space(const inventory *inv, const ip128 *ip)
{
    if (ip_is_private(ip)) return true;
    /* Most VPCs use RFC 1918 space only: then there is nothing to scan. */
    if (inv->space_known && !inv->public_space) return false;
    for (size_t i = 0; i < inv->n_subnets; i++)
        if (in_net(ip, &inv->subnets[i]->net, inv->subnets[i]->bits)) return true;
    for (size_t i = 0; i < inv->n_vpcs; i++)
        for (size_t k = 0; k < inv->vpcs[i]->n_nets; k++)
            if (in_net(ip, &inv->vpcs[i]->nets[k], inv->vpcs[i]->bits[k])) return true;
    return false;
}

size_t inv_eni_count(const inventory *inv) { return inv->n_enis; }
const inv_eni *inv_eni_at(const inventory *inv, size_t i) { return i < inv->n_enis ? inv->enis[i] : NULL; }
size_t inv_subnet_count(const inventory *inv) { return inv->n_subnets; }
const inv_subnet *inv_subnet_at(const inventory *inv, size_t i) { return i < inv->n_subnets ? inv->subnets[i] : NULL; }
size_t inv_vpc_count(const inventory *inv) { return inv->n_vpcs; }
const inv_vpc *inv_vpc_at(const inventory *inv, size_t i) { return i < inv->n_vpcs ? inv->vpcs[i] : NULL; }
unsigned inv_sources(const inventory *inv) { return inv->sources; }
int64_t inv_fetched_at(const inventory *inv) { return inv->fetched_at; }

void inv_add_source(inventory *inv, unsigned src, int64_t fetched_at)
{
    inv->sources |= src;
    if (fetched_at > inv->fetched_at) inv->fetched_at = fetched_at;
}
