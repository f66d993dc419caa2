/* snapshot: Lambda and ECS ENIs live for minutes, but last week's flow logs
 * still name them; a cost review must not need live AWS access either. So
 * the inventory is saved as a documented JSON file (docs/snapshot.md) that
 * `flowcost enrich` keeps merging into — ENIs that disappeared stay, with
 * the time they were last seen — and that every pricing command reads with
 * --eni-snapshot. Raw EC2 Describe* XML is accepted too (sniffed) and handed
 * to ec2.c, and so is the AWS CLI's JSON output of the same Describe* calls
 * (`aws ec2 describe-network-interfaces > enis.json`). cJSON is included
 * from this file only within enrich/'s inventory side. */
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ec2.h"
#include "jsondoc.h"
#include "util.h"

#define SNAPSHOT_FORMAT 1

/* ---- writing ---- */

static void put_str(cJSON *o, const char *k, const char *v)
{
    if (v && *v) cJSON_AddStringToObject(o, k, v);
}

static void put_time(cJSON *o, const char *k, int64_t t)
{
    if (t <= 0) return;
    char b[32];
    fc_format_time(t, b, sizeof b);
    cJSON_AddStringToObject(o, k, b);
}

static cJSON *ip_array(const ip128 *ips, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        char b[IP_STRLEN];
        ip_format(&ips[i], b, sizeof b);
        cJSON_AddItemToArray(a, cJSON_CreateString(b));
    }
    return a;
}

static void put_cidr(cJSON *o, const char *k, const ip128 *net, unsigned bits)
{
    char b[IP_STRLEN + 8], ip[IP_STRLEN];
    ip_format(net, ip, sizeof ip);
    snprintf(b, sizeof b, "%s/%u", ip, ip_is_v4(net) ? bits - 96 : bits);
    if (o->type == cJSON_Array)
        cJSON_AddItemToArray(o, cJSON_CreateString(b));
    else
        cJSON_AddStringToObject(o, k, b);
}

static int cmp_eni_ptr(const void *a, const void *b)
{
    return strcmp((*(const inv_eni *const *)a)->id, (*(const inv_eni *const *)b)->id);
}

/* A subnet's and a VPC's string members in a snapshot: key and member,
 * in the order they are written (a subnet's cidr goes after its vpc_id). */
typedef struct str_member {
    const char *key;
    size_t off;
} str_member;

static const str_member subnet_strs[] = {
    {"vpc_id", offsetof(inv_subnet, vpc_id)}, {"az_id", offsetof(inv_subnet, az_id)},
    {"az_name", offsetof(inv_subnet, az_name)}, {"region", offsetof(inv_subnet, region)},
    {"name", offsetof(inv_subnet, name)},
};
static const str_member vpc_strs[] = {{"region", offsetof(inv_vpc, region)}, {"name", offsetof(inv_vpc, name)}};

static void put_members(cJSON *o, const void *obj, const str_member *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *v;
        memcpy(&v, (const char *)obj + m[i].off, sizeof v);
        put_str(o, m[i].key, v);
    }
}

char *snapshot_to_json(const inventory *inv, int64_t fetched_at)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "flowcost_snapshot", SNAPSHOT_FORMAT);
    put_time(root, "fetched_at", fetched_at);

    /* Sorted here too, so the file is deterministic even if the caller
     * did not finalize. */
    size_t n = inv_eni_count(inv);
    const inv_eni **es = xcalloc(n + 1, sizeof *es);
    for (size_t i = 0; i < n; i++) es[i] = inv_eni_at(inv, i);
    qsort(es, n, sizeof *es, cmp_eni_ptr);
    cJSON *enis = cJSON_AddArrayToObject(root, "enis");
    for (size_t i = 0; i < n; i++) {
        const inv_eni *e = es[i];
        cJSON *o = cJSON_CreateObject();
        put_str(o, "id", e->id);
        put_str(o, "kind", eni_kind_name(e->kind));
        put_str(o, "interface_type", e->interface_type);
        put_str(o, "name", e->name);
        put_str(o, "description", e->description);
        put_str(o, "instance_id", e->instance_id);
        put_str(o, "resource_id", e->resource_id);
        if (e->kind == ENI_NAT_GATEWAY) put_str(o, "nat_gateway_id", e->resource_id);
        put_str(o, "subnet_id", e->subnet_id);
        put_str(o, "vpc_id", e->vpc_id);
        put_str(o, "az_id", e->az_id);
        put_str(o, "az_name", e->az_name);
        put_str(o, "region", e->region);
        put_str(o, "account", e->account);
        cJSON_AddItemToObject(o, "private_ips", ip_array(e->ips, e->n_private));
        cJSON_AddItemToObject(o, "public_ips",
                              ip_array(e->ips ? e->ips + e->n_private : NULL, e->n_ips - e->n_private));
        put_time(o, "first_seen", e->first_seen);
        put_time(o, "last_seen", e->last_seen);
        if (e->n_tags) {
            /* An object: keys are unique per ENI, as in EC2. */
            cJSON *t = cJSON_AddObjectToObject(o, "tags");
            for (size_t k = 0; k < e->n_tags; k++) cJSON_AddStringToObject(t, e->tags[k].key, e->tags[k].value);
        }
        cJSON_AddItemToArray(enis, o);
    }
    free(es);

    cJSON *subnets = cJSON_AddArrayToObject(root, "subnets");
    for (size_t i = 0; i < inv_subnet_count(inv); i++) {
        const inv_subnet *s = inv_subnet_at(inv, i);
        cJSON *o = cJSON_CreateObject();
        put_str(o, "id", s->id);
        put_members(o, s, subnet_strs, 1);
        if (s->bits) put_cidr(o, "cidr", &s->net, s->bits);
        put_members(o, s, subnet_strs + 1, sizeof subnet_strs / sizeof *subnet_strs - 1);
        cJSON_AddItemToArray(subnets, o);
    }
    cJSON *vpcs = cJSON_AddArrayToObject(root, "vpcs");
    for (size_t i = 0; i < inv_vpc_count(inv); i++) {
        const inv_vpc *v = inv_vpc_at(inv, i);
        cJSON *o = cJSON_CreateObject();
        put_str(o, "id", v->id);
        put_members(o, v, vpc_strs, sizeof vpc_strs / sizeof *vpc_strs);
        cJSON *c = cJSON_AddArrayToObject(o, "cidrs");
        for (size_t k = 0; k < v->n_nets; k++) put_cidr(c, NULL, &v->nets[k], v->bits[k]);
        cJSON_AddItemToArray(vpcs, o);
    }
    char *txt = cJSON_Print(root);
    cJSON_Delete(root);
    if (!txt) fc_oom(0); /* cJSON fails only when out of memory */
    /* cJSON's allocator is malloc (we never replace its hooks), so the
     * caller's free() is right; add the final newline. */
    size_t l = strlen(txt);
    char *out = xmalloc(l + 2);
    memcpy(out, txt, l);
    out[l] = '\n';
    out[l + 1] = '\0';
    cJSON_free(txt);
    return out;
}

/* ---- reading ---- */

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static int bad_type(const cJSON *o, const char *k, int (*pred)(const cJSON *))
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return v && !cJSON_IsNull(v) && !pred(v);
}

static int is_string(const cJSON *v) { return cJSON_IsString(v); }
static int is_array(const cJSON *v) { return cJSON_IsArray(v); }

static const char *const eni_string_keys[] = {
    "kind", "interface_type", "name", "description", "instance_id", "resource_id", "nat_gateway_id",
    "subnet_id", "vpc_id", "az_id", "az_name", "region", "account", "last_seen",
};

static int load_ips(inventory *inv, inv_eni *e, const cJSON *a, bool priv, const char *where,
                    char *err, size_t errlen)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, a)
    {
        ip128 ip;
        if (!cJSON_IsString(x) || ip_parse(x->valuestring, strlen(x->valuestring), &ip) < 0)
            return fc_err(err, errlen, "%s: %s is not a list of IP addresses", where, priv ? "private_ips" : "public_ips");
        inv_eni_add_ip(inv, e, &ip, priv);
    }
    return 0;
}

static int load_eni(inventory *inv, const cJSON *o, size_t idx, int64_t fetched_at, char *err, size_t errlen)
{
    char where[48];
    snprintf(where, sizeof where, "enis[%zu]", idx);
    if (!cJSON_IsObject(o)) return fc_err(err, errlen, "%s is not an object", where);
    const char *id = jstr(o, "id");
    if (!id) return fc_err(err, errlen, "%s has no \"id\"", where);
    for (size_t i = 0; i < sizeof eni_string_keys / sizeof *eni_string_keys; i++)
        if (bad_type(o, eni_string_keys[i], is_string))
            return fc_err(err, errlen, "%s (%s): \"%s\" must be a string", where, id, eni_string_keys[i]);
    if (bad_type(o, "private_ips", is_array) || bad_type(o, "public_ips", is_array))
        return fc_err(err, errlen, "%s (%s): private_ips and public_ips must be arrays", where, id);
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(o, "tags"), *t;
    if (tags && !cJSON_IsObject(tags)) return fc_err(err, errlen, "%s (%s): \"tags\" must be an object", where, id);
    cJSON_ArrayForEach(t, tags) if (!cJSON_IsString(t))
        return fc_err(err, errlen, "%s (%s): tag '%s' must be a string", where, id, t->string);
    int64_t first = 0;
    const char *fs = jstr(o, "first_seen");
    if (fs && fc_parse_time(fs, &first) < 0)
        return fc_err(err, errlen, "%s (%s): first_seen '%s' is not an RFC 3339 time", where, id, fs);
    eni_kind kind = ENI_WORKLOAD;
    const char *ks = jstr(o, "kind");
    if (ks && eni_kind_parse(ks, &kind) < 0) return fc_err(err, errlen, "%s (%s): unknown kind '%s'", where, id, ks);
    int64_t seen = fetched_at;
    const char *ls = jstr(o, "last_seen");
    if (ls && fc_parse_time(ls, &seen) < 0)
        return fc_err(err, errlen, "%s (%s): last_seen '%s' is not an RFC 3339 time", where, id, ls);

    inv_eni *e = inv_eni_get(inv, id);
    if (ks) e->kind = kind;
#define SET(field, key)                                \
    do {                                               \
        const char *v_ = jstr(o, key);                 \
        if (v_) e->field = inv_intern(inv, v_);        \
    } while (0)
    SET(interface_type, "interface_type");
    SET(name, "name");
    SET(description, "description");
    SET(instance_id, "instance_id");
    SET(resource_id, "nat_gateway_id");
    SET(resource_id, "resource_id");
    SET(subnet_id, "subnet_id");
    SET(vpc_id, "vpc_id");
    SET(az_id, "az_id");
    SET(az_name, "az_name");
    SET(region, "region");
    SET(account, "account");
#undef SET
    if (!ks) e->kind = inv_classify(e->interface_type, e->description, NULL);
    if (load_ips(inv, e, cJSON_GetObjectItemCaseSensitive(o, "private_ips"), true, where, err, errlen) < 0 ||
        load_ips(inv, e, cJSON_GetObjectItemCaseSensitive(o, "public_ips"), false, where, err, errlen) < 0)
        return -1;
    if (seen > e->last_seen) e->last_seen = seen;
    /* Snapshots older than first_seen: the time of the snapshot that held
     * it is the best known bound. */
    if (!first) first = seen;
    if (first > 0 && (!e->first_seen || first < e->first_seen)) e->first_seen = first;
    cJSON_ArrayForEach(t, tags) inv_eni_set_tag(inv, e, t->string, t->valuestring, true);
    e->source |= INV_FROM_SNAPSHOT;
    return 0;
}


/* Sets obj's members that o gives, interned; an absent key leaves one as it was. */
static void intern_members(inventory *inv, const cJSON *o, void *obj, const str_member *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = jstr(o, m[i].key);
        if (v) *(const char **)(void *)((char *)obj + m[i].off) = inv_intern(inv, v);
    }
}

/* subnets[idx] (o, its "id" id). */
static int load_subnet(inventory *inv, const cJSON *o, const char *id, size_t idx, char *err, size_t errlen)
{
    inv_subnet *s = inv_subnet_get(inv, id);
    intern_members(inv, o, s, subnet_strs, sizeof subnet_strs / sizeof *subnet_strs);
    const char *v = jstr(o, "cidr");
    if (v) {
        ip128 net;
        unsigned bits;
        if (ip_parse_cidr(v, &net, &bits) < 0)
            return fc_err(err, errlen, "subnets[%zu] (%s): '%s' is not a CIDR block", idx, id, v);
        s->net = ip_mask(&net, bits);
        s->bits = bits;
    }
    inv_set_az_id(inv, s->az_name, s->az_id);
    return 0;
}

static int load_vpc(inventory *inv, const cJSON *o, const char *id, size_t idx, char *err, size_t errlen)
{
    inv_vpc *v = inv_vpc_get(inv, id);
    intern_members(inv, o, v, vpc_strs, sizeof vpc_strs / sizeof *vpc_strs);
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(o, "cidrs"))
    {
        ip128 net;
        unsigned bits;
        if (!cJSON_IsString(c) || ip_parse_cidr(c->valuestring, &net, &bits) < 0)
            return fc_err(err, errlen, "vpcs[%zu] (%s): cidrs must be CIDR blocks", idx, id);
        ip128 m = ip_mask(&net, bits);
        inv_vpc_add_cidr(v, &m, bits);
    }
    return 0;
}

/* ---- AWS CLI / SDK JSON: `aws ec2 describe-network-interfaces` etc. ----
 * What people actually have on disk is the CLI's JSON, not the Query API's
 * XML; same fields, PascalCase, same rules as ec2.c's XML parser. */

static const cJSON *jget(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *cli_tag_name(const cJSON *o)
{
    const cJSON *t;
    const cJSON *tags = jget(o, "TagSet");
    if (!cJSON_IsArray(tags)) tags = jget(o, "Tags");
    cJSON_ArrayForEach(t, tags)
    {
        const char *k = jstr(t, "Key");
        if (k && strcmp(k, "Name") == 0) return jstr(t, "Value");
    }
    return NULL;
}

static const char *icli(inventory *inv, const cJSON *o, const char *k);

static void cli_tags(inventory *inv, inv_eni *e, const cJSON *o, bool replace)
{
    const cJSON *t;
    const cJSON *tags = jget(o, "TagSet");
    if (!cJSON_IsArray(tags)) tags = jget(o, "Tags");
    cJSON_ArrayForEach(t, tags) inv_eni_set_tag(inv, e, jstr(t, "Key"), jstr(t, "Value"), replace);
}

/* `aws ec2 describe-instances`: the instance's tags and Name onto its ENIs
 * that the ENI call listed (as ec2.c's parse_instances). */
static void cli_instances(inventory *inv, const cJSON *arr, size_t *n)
{
    const cJSON *r, *it, *ni;
    cJSON_ArrayForEach(r, arr)
    {
        cJSON_ArrayForEach(it, jget(r, "Instances"))
        {
            const char *id = icli(inv, it, "InstanceId");
            if (!id) continue;
            (*n)++;
            const char *name = inv_intern(inv, cli_tag_name(it));
            cJSON_ArrayForEach(ni, jget(it, "NetworkInterfaces"))
            {
                inv_eni *e = inv_eni_lookup(inv, jstr(ni, "NetworkInterfaceId"));
                if (!e) continue;
                if (!e->instance_id) e->instance_id = id;
                cli_tags(inv, e, it, false);
                if (!e->name) e->name = name;
            }
        }
    }
}

static const char *icli(inventory *inv, const cJSON *o, const char *k)
{
    return inv_intern(inv, jstr(o, k));
}

static void cli_enis(inventory *inv, const cJSON *arr, int64_t seen, size_t *n)
{
    const cJSON *it, *a;
    cJSON_ArrayForEach(it, arr)
    {
        ec2_eni_desc d = {.id = jstr(it, "NetworkInterfaceId"), .seen = seen, .source = INV_FROM_SNAPSHOT};
        if (!d.id) continue;
        (*n)++;
        d.interface_type = icli(inv, it, "InterfaceType");
        d.description = icli(inv, it, "Description");
        d.requester_id = jstr(it, "RequesterId");
        d.subnet_id = icli(inv, it, "SubnetId");
        d.vpc_id = icli(inv, it, "VpcId");
        d.az_name = icli(inv, it, "AvailabilityZone");
        d.az_id = icli(inv, it, "AvailabilityZoneId");
        d.account = icli(inv, it, "OwnerId");
        d.instance_id = icli(inv, jget(it, "Attachment"), "InstanceId");
        d.name = inv_intern(inv, cli_tag_name(it));
        inv_eni *e = ec2_eni_describe(inv, &d);
        cli_tags(inv, e, it, true);
        bool any = false;
        cJSON_ArrayForEach(a, jget(it, "PrivateIpAddresses"))
        {
            ec2_eni_add_ip(inv, e, jstr(a, "PrivateIpAddress"), 1);
            ec2_eni_add_ip(inv, e, jstr(jget(a, "Association"), "PublicIp"), 0);
            any = true;
        }
        if (!any) ec2_eni_add_ip(inv, e, jstr(it, "PrivateIpAddress"), 1);
        ec2_eni_add_ip(inv, e, jstr(jget(it, "Association"), "PublicIp"), 0);
        cJSON_ArrayForEach(a, jget(it, "Ipv6Addresses")) ec2_eni_add_ip(inv, e, jstr(a, "Ipv6Address"), -1);
    }
}

static void cli_subnets(inventory *inv, const cJSON *arr, size_t *n)
{
    const cJSON *it, *a;
    cJSON_ArrayForEach(it, arr)
    {
        ec2_subnet_desc d = {.id = jstr(it, "SubnetId")};
        if (!d.id) continue;
        (*n)++;
        d.vpc_id = icli(inv, it, "VpcId");
        d.az_name = icli(inv, it, "AvailabilityZone");
        d.az_id = icli(inv, it, "AvailabilityZoneId");
        d.name = inv_intern(inv, cli_tag_name(it));
        d.cidr = jstr(it, "CidrBlock");
        cJSON_ArrayForEach(a, jget(it, "Ipv6CidrBlockAssociationSet")) if (!d.cidr) d.cidr = jstr(a, "Ipv6CidrBlock");
        ec2_subnet_describe(inv, &d);
    }
}

static void cli_vpcs(inventory *inv, const cJSON *arr, size_t *n)
{
    const cJSON *it, *a;
    cJSON_ArrayForEach(it, arr)
    {
        const char *id = jstr(it, "VpcId");
        if (!id) continue;
        (*n)++;
        const char *cidrs[66];
        size_t nc = 0;
        cidrs[nc++] = jstr(it, "CidrBlock");
        cJSON_ArrayForEach(a, jget(it, "CidrBlockAssociationSet")) if (nc < 65) cidrs[nc++] = jstr(a, "CidrBlock");
        cJSON_ArrayForEach(a, jget(it, "Ipv6CidrBlockAssociationSet")) if (nc < 65) cidrs[nc++] = jstr(a, "Ipv6CidrBlock");
        ec2_vpc_describe(inv, id, NULL, inv_intern(inv, cli_tag_name(it)), cidrs, nc);
    }
}

static void cli_nat_gateways(inventory *inv, const cJSON *arr, int64_t seen, size_t *n)
{
    const cJSON *it, *a;
    cJSON_ArrayForEach(it, arr)
    {
        const char *id = icli(inv, it, "NatGatewayId");
        const char *state = jstr(it, "State");
        if (!id) continue;
        (*n)++;
        if (state && (strcmp(state, "deleted") == 0 || strcmp(state, "failed") == 0)) continue;
        const char *name = inv_intern(inv, cli_tag_name(it));
        ec2_eni_desc d = {.interface_type = inv_intern(inv, "nat_gateway"), .subnet_id = icli(inv, it, "SubnetId"),
                          .vpc_id = icli(inv, it, "VpcId"), .name = name ? name : id, .resource_id = id,
                          .seen = seen, .source = INV_FROM_SNAPSHOT};
        cJSON_ArrayForEach(a, jget(it, "NatGatewayAddresses"))
        {
            if (!(d.id = jstr(a, "NetworkInterfaceId"))) continue;
            inv_eni *e = ec2_eni_claim(inv, ENI_NAT_GATEWAY, &d);
            ec2_eni_add_ip(inv, e, jstr(a, "PrivateIp"), 1);
            ec2_eni_add_ip(inv, e, jstr(a, "PublicIp"), 0);
        }
    }
}

static void cli_vpc_endpoints(inventory *inv, const cJSON *arr, int64_t seen, size_t *n)
{
    const cJSON *it, *a;
    cJSON_ArrayForEach(it, arr)
    {
        const char *id = icli(inv, it, "VpcEndpointId");
        if (!id) continue;
        (*n)++;
        const char *type = jstr(it, "VpcEndpointType");
        eni_kind k = type && strcmp(type, "GatewayLoadBalancer") == 0 ? ENI_GWLB : ENI_VPC_ENDPOINT;
        const char *name = inv_intern(inv, cli_tag_name(it));
        ec2_eni_desc d = {.vpc_id = icli(inv, it, "VpcId"), .name = name ? name : id, .resource_id = id,
                          .seen = seen, .source = INV_FROM_SNAPSHOT};
        cJSON_ArrayForEach(a, jget(it, "NetworkInterfaceIds"))
        {
            if (!cJSON_IsString(a) || !a->valuestring[0]) continue;
            d.id = a->valuestring;
            ec2_eni_claim(inv, k, &d);
        }
    }
}

/* 1 = it was AWS CLI output (loaded), 0 = it is not. */
static int load_cli(inventory *inv, const cJSON *root)
{
    static const char *const keys[] = {"NetworkInterfaces", "Subnets", "Vpcs", "NatGateways", "VpcEndpoints",
                                       "Reservations"};
    bool any = false;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) any = any || cJSON_IsArray(jget(root, keys[i]));
    if (!any) return 0;
    /* The CLI's output has no fetch time: its ENIs keep whatever last_seen
     * they already had (0 when new). */
    int64_t seen = inv_fetched_at(inv);
    size_t n = 0;
    cli_vpcs(inv, jget(root, "Vpcs"), &n);
    cli_subnets(inv, jget(root, "Subnets"), &n);
    cli_enis(inv, jget(root, "NetworkInterfaces"), seen, &n);
    cli_instances(inv, jget(root, "Reservations"), &n);
    cli_nat_gateways(inv, jget(root, "NatGateways"), seen, &n);
    cli_vpc_endpoints(inv, jget(root, "VpcEndpoints"), seen, &n);
    return 1;
}

static int load_json(inventory *inv, const char *data, size_t len, const char *name, char *err, size_t errlen)
{
    cJSON *root = jsondoc_parse(data, len, name, "not valid JSON", err, errlen);
    if (!root) return -1;
    char e[FC_ERRLEN] = "";
    int rc = 0;
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "flowcost_snapshot");
    const cJSON *enis = cJSON_GetObjectItemCaseSensitive(root, "enis");
    int64_t fetched = 0;
    const char *fa = jstr(root, "fetched_at");
    if (cJSON_IsObject(root) && !enis && load_cli(inv, root)) {
        cJSON_Delete(root);
        inv_add_source(inv, INV_FROM_SNAPSHOT, 0);
        return 0;
    }
    if (!cJSON_IsObject(root) || !cJSON_IsArray(enis)) {
        rc = fc_err(e, sizeof e, "not a flowcost ENI snapshot (no \"enis\" array; see docs/snapshot.md) "
                                 "nor AWS CLI describe-* output");
    } else if (cJSON_IsNumber(ver) && ver->valuedouble > SNAPSHOT_FORMAT) {
        rc = fc_err(e, sizeof e, "snapshot format %g is newer than this flowcost understands (%d)",
                    ver->valuedouble, SNAPSHOT_FORMAT);
    } else if (fa && fc_parse_time(fa, &fetched) < 0) {
        rc = fc_err(e, sizeof e, "fetched_at '%s' is not an RFC 3339 time", fa);
    }
    size_t i = 0;
    const cJSON *x;
    if (!rc) cJSON_ArrayForEach(x, enis)
        {
            if ((rc = load_eni(inv, x, i++, fetched, e, sizeof e)) < 0) break;
        }
    /* subnets and vpcs: objects with an "id" */
    static const struct {
        const char *key;
        int (*load)(inventory *, const cJSON *, const char *, size_t, char *, size_t);
    } lists[] = {{"subnets", load_subnet}, {"vpcs", load_vpc}};
    for (size_t l = 0; !rc && l < sizeof lists / sizeof *lists; l++) {
        i = 0;
        cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(root, lists[l].key))
        {
            const char *id = cJSON_IsObject(x) ? jstr(x, "id") : NULL;
            if (!id) rc = fc_err(e, sizeof e, "%s[%zu] has no \"id\"", lists[l].key, i);
            else rc = lists[l].load(inv, x, id, i, e, sizeof e);
            if (rc < 0) break;
            i++;
        }
    }
    cJSON_Delete(root);
    if (rc < 0) return fc_err(err, errlen, "%s: %s", name, e);
    inv_add_source(inv, INV_FROM_SNAPSHOT, fetched);
    return 0;
}

int snapshot_load_mem(inventory *inv, const char *data, size_t len, const char *name,
                      char *err, size_t errlen)
{
    size_t i = 0;
    if (len >= 3 && (unsigned char)data[0] == 0xef && (unsigned char)data[1] == 0xbb && (unsigned char)data[2] == 0xbf)
        i = 3; /* UTF-8 BOM, as some editors save */
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) i++;
    if (i < len && data[i] == '{') return load_json(inv, data + i, len - i, name, err, errlen);
    if (i < len && data[i] == '<') {
        char e[FC_ERRLEN];
        if (ec2_parse_xml(inv, data + i, len - i, NULL, e, sizeof e) < 0)
            return fc_err(err, errlen, "%s: %s", name, e);
        inv_add_source(inv, INV_FROM_SNAPSHOT, 0);
        return 0;
    }
    return fc_err(err, errlen, "%s: neither a flowcost ENI snapshot (JSON) nor an EC2 Describe* XML response", name);
}

int snapshot_load(inventory *inv, const char *path, char *err, size_t errlen)
{
    char *data;
    size_t len;
    if (fc_read_file(path, &data, &len, err, errlen) < 0) return -1;
    int rc = snapshot_load_mem(inv, data, len, path, err, errlen);
    free(data);
    return rc;
}

int snapshot_json_strings(const char *json, size_t len, const char *const *keys, char **vals,
                          size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) vals[i] = NULL;
    cJSON *root = cJSON_ParseWithLength(json ? json : "", json ? len : 0);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return fc_err(err, errlen, "response is not a JSON object");
    }
    for (size_t i = 0; i < n; i++) {
        const char *v = jstr(root, keys[i]);
        if (v) vals[i] = xstrdup(v);
    }
    /* These documents carry secrets: wipe cJSON's copies before freeing. */
    cJSON *x;
    cJSON_ArrayForEach(x, root)
    {
        if (cJSON_IsString(x)) memset(x->valuestring, 0, strlen(x->valuestring));
    }
    cJSON_Delete(root);
    return 0;
}

const char *snapshot_lib_version(void)
{
    static char buf[32];
    if (!buf[0]) snprintf(buf, sizeof buf, "cJSON/%s", cJSON_Version());
    return buf;
}

void snapshot_lib_info(fc_lib_info *out)
{
    out->name = "cjson";
    snprintf(out->version, sizeof out->version, "%s", cJSON_Version());
#define FC_STR2(x) #x
#define FC_STR(x) FC_STR2(x)
    out->built_with = FC_STR(CJSON_VERSION_MAJOR) "." FC_STR(CJSON_VERSION_MINOR) "." FC_STR(CJSON_VERSION_PATCH);
    out->symbol = (const void *)cJSON_Version;
}
