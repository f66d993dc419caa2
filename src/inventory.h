/* inventory: what we know about ENIs, subnets and VPCs — from an ENI
 * snapshot (enrich/), a live EC2 fetch, or learned from the records
 * themselves (cost-model.md §1). The cost model looks every address up here.
 *
 * Ownership: the inventory owns every string and ENI it hands out (interned
 * in an arena); pointers stay valid until inv_free(). */
#ifndef FC_INVENTORY_H
#define FC_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ip.h"

typedef enum eni_kind {
    ENI_WORKLOAD = 0,      /* instances, Lambda, ECS tasks, RDS, EKS pods */
    ENI_NAT_GATEWAY,
    ENI_VPC_ENDPOINT,      /* interface endpoint */
    ENI_ALB,
    ENI_NLB,
    ENI_GWLB,              /* gateway load balancer (endpoint) */
    ENI_TRANSIT_GATEWAY,
    ENI_OTHER_MANAGED,
    ENI_UNCLASSIFIED,      /* learned from records: kind unknown, treated as workload */
    ENI_KIND_COUNT
} eni_kind;

const char *eni_kind_name(eni_kind k);   /* "workload", "nat_gateway", ... */
int eni_kind_parse(const char *s, eni_kind *out);
bool eni_kind_is_managed(eni_kind k);    /* AWS plumbing: never pays */

/* Kind from DescribeNetworkInterfaces' interfaceType and description. */
eni_kind inv_classify(const char *interface_type, const char *description,
                      const char *requester_id);

enum inv_source { INV_FROM_SNAPSHOT = 1, INV_FROM_LIVE = 2, INV_FROM_RECORDS = 4 };

/* A tag as EC2 writes it (both interned). */
typedef struct inv_tag {
    const char *key, *value;
} inv_tag;

typedef struct inv_eni {
    const char *id;              /* eni-... */
    eni_kind kind;
    const char *interface_type;  /* as EC2 says it: "interface", "nat_gateway", "lambda", ... */
    const char *description;
    const char *name;            /* tag Name, else a managed service name, else instance id, resource id, description, id */
    const char *instance_id;
    const char *resource_id;     /* nat-..., vpce-..., app/x/y, tgw-attach-... when known */
    const char *subnet_id, *vpc_id;
    const char *az_id, *az_name; /* compare AZ IDs (use1-az4), never names */
    const char *region, *account;
    ip128 *ips;                  /* private addresses first, then public */
    size_t n_ips, n_private;
    int64_t last_seen;           /* unix time of the snapshot that last saw it */
    unsigned source;             /* enum inv_source bits */
    /* Added by enrich: the ENI's own tags, then its instance's for keys the
     * ENI lacks (sorted by key after inv_finalize), and the first time a
     * fetch saw it (0: unknown, e.g. a snapshot older than the field). */
    inv_tag *tags;
    size_t n_tags;
    int64_t first_seen;
} inv_eni;

typedef struct inv_subnet {
    const char *id, *vpc_id, *az_id, *az_name, *region, *name;
    ip128 net;
    unsigned bits;               /* on the 128-bit form (IPv4 /24 = 120) */
} inv_subnet;

typedef struct inv_vpc {
    const char *id, *region, *name;
    ip128 *nets;
    unsigned *bits;
    size_t n_nets;
} inv_vpc;

typedef struct inventory inventory;

inventory *inv_new(void);
void inv_free(inventory *inv);

/* Intern a string into the inventory's arena (NULL and "" give NULL). */
const char *inv_intern(inventory *inv, const char *s);

/* Create or fetch by id. Fields are set directly on the returned struct,
 * with strings passed through inv_intern(). */
inv_eni *inv_eni_get(inventory *inv, const char *id);
/* The ENI with this id, or NULL (unlike inv_eni_get, never creates one). */
inv_eni *inv_eni_lookup(inventory *inv, const char *id);
/* Set tag `key` (interned here); an existing value is kept unless
 * `replace`. Empty keys are ignored; an empty value is a value. */
void inv_eni_set_tag(inventory *inv, inv_eni *e, const char *key, const char *value, bool replace);
void inv_eni_clear_tags(inv_eni *e);
/* The value of tag `key`, or NULL when the ENI has no such tag. */
const char *inv_eni_tag(const inv_eni *e, const char *key);
void inv_eni_add_ip(inventory *inv, inv_eni *e, const ip128 *ip, bool is_private);
inv_subnet *inv_subnet_get(inventory *inv, const char *id);
inv_vpc *inv_vpc_get(inventory *inv, const char *id);
void inv_vpc_add_cidr(inv_vpc *v, const ip128 *net, unsigned bits);
/* Map an AZ name to its ID for a region-account (from DescribeSubnets). */
void inv_set_az_id(inventory *inv, const char *az_name, const char *az_id);
const char *inv_az_id_of(const inventory *inv, const char *az_name);

/* After loading: fill ENIs' az_id / vpc / region from their subnet, names
 * from tags/instance/resource/description, and build the IP index. Idempotent. */
void inv_finalize(inventory *inv);

/* The ENI holding ip: of several over the snapshot's history (a reused
 * address), the one seen last (ties: the smaller id). */
const inv_eni *inv_by_ip(const inventory *inv, const ip128 *ip);
/* The ENI that held ip at unix time t: the one whose first_seen..last_seen
 * contains t (the latest to start, if several), else the one last seen
 * before t, else inv_by_ip's. The cost model's per-record lookup for the
 * addresses inv_ip_shared() names (docs/snapshot.md, "Reused addresses"). */
const inv_eni *inv_by_ip_at(const inventory *inv, const ip128 *ip, int64_t t);
/* ip was held by more than one ENI over the inventory's history (false at
 * once when no address was: the common case costs one test). */
bool inv_ip_shared(const inventory *inv, const ip128 *ip);
const inv_eni *inv_by_id(const inventory *inv, const char *id);
const inv_subnet *inv_subnet_by_id(const inventory *inv, const char *id);
const inv_subnet *inv_subnet_containing(const inventory *inv, const ip128 *ip);
/* A private address (ip_is_private) or one inside a subnet or VPC CIDR the
 * inventory knows (a VPC may use public space privately): an address an
 * ENI of ours can own without a public/Elastic IP (cost-model.md §4). */
bool inv_in_vpc_space(const inventory *inv, const ip128 *ip);
const inv_vpc *inv_vpc_by_id(const inventory *inv, const char *id);

size_t inv_eni_count(const inventory *inv);
const inv_eni *inv_eni_at(const inventory *inv, size_t i); /* sorted by id after finalize */
size_t inv_subnet_count(const inventory *inv);
const inv_subnet *inv_subnet_at(const inventory *inv, size_t i);
size_t inv_vpc_count(const inventory *inv);
const inv_vpc *inv_vpc_at(const inventory *inv, size_t i);

/* Where the data came from (enum inv_source bits) and snapshot time. */
unsigned inv_sources(const inventory *inv);
void inv_add_source(inventory *inv, unsigned src, int64_t fetched_at);
int64_t inv_fetched_at(const inventory *inv);

#endif
