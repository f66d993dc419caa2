/* ec2: the inventory that turns `eni-0a1b…` and `10.0.48.7` into names,
 * subnets, AZ IDs and kinds comes from five EC2 Query API calls. This
 * module makes them (signed POSTs, paged with MaxResults/NextToken, through
 * http.c's retry loop) and parses their XML — live or saved to a file —
 * into the inventory. The XML is read through xml.h (libxml2 without
 * network access or entity substitution: a response is data, never a
 * reason to fetch anything). */
#include "ec2.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "sigv4.h"
#include "util.h"
#include "xml.h"

#define EC2_API_VERSION "2016-11-15"
#define EC2_PAGE_SIZE 1000  /* the API's maximum for every call used here */
#define EC2_MAX_PAGES 10000

/* ---- XML helpers ---- */

static const xml_node *child(const xml_node *n, const char *name)
{
    return xml_child(n, name);
}

/* Text of the child `name`, interned (NULL if absent or empty). */
static const char *istr(inventory *inv, const xml_node *n, const char *name)
{
    const xml_node *c = name ? child(n, name) : n;
    if (!c) return NULL;
    char *t = xml_content(c);
    const char *r = inv_intern(inv, t);
    free(t);
    return r;
}

/* EC2 lists are <xxxSet><item>...</item>...</xxxSet>. */
#define FOR_ITEMS(it, parent, set) \
    for (const xml_node *it = child(child(parent, set), "item"); it; it = xml_next(it, "item"))

static const char *tag_name(inventory *inv, const xml_node *n)
{
    FOR_ITEMS(t, n, "tagSet")
    {
        const char *k = istr(inv, t, "key");
        if (k && strcmp(k, "Name") == 0) return istr(inv, t, "value");
    }
    return NULL;
}

/* Every tag of the item onto the ENI; `replace`: these win over the
 * ENI's own (an ENI's tags do, an instance's only fill gaps). */
static void set_tags(inventory *inv, inv_eni *e, const xml_node *n, bool replace)
{
    FOR_ITEMS(t, n, "tagSet")
    {
        char *k = xml_content(child(t, "key")), *v = xml_content(child(t, "value"));
        inv_eni_set_tag(inv, e, k, v, replace);
        free(k);
        free(v);
    }
}

void ec2_eni_add_ip(inventory *inv, inv_eni *e, const char *s, int is_private)
{
    ip128 ip;
    if (!s || ip_parse(s, strlen(s), &ip) < 0) return;
    inv_eni_add_ip(inv, e, &ip, is_private >= 0 ? is_private : ip_is_private(&ip));
}

/* The resource an AWS-managed ENI belongs to, from the description AWS
 * writes on it ("Interface for NAT Gateway nat-…", "ELB app/x/y", ...). */
const char *ec2_resource_from_description(inventory *inv, const char *d)
{
    if (!d) return NULL;
    if (strncmp(d, "ELB ", 4) == 0) return inv_intern(inv, d + 4);
    const char *last = strrchr(d, ' ');
    last = last ? last + 1 : d;
    static const char *const pfx[] = {"nat-", "vpce-", "tgw-attach-"};
    for (size_t i = 0; i < sizeof pfx / sizeof *pfx; i++)
        if (strncmp(last, pfx[i], strlen(pfx[i])) == 0) return inv_intern(inv, last);
    return NULL;
}

static void mark_seen(inv_eni *e, const ec2_eni_desc *d)
{
    if (d->seen > e->last_seen) e->last_seen = d->seen;
    if (d->seen > 0 && (!e->first_seen || d->seen < e->first_seen)) e->first_seen = d->seen;
    e->source |= d->source;
}

inv_eni *ec2_eni_describe(inventory *inv, const ec2_eni_desc *d)
{
    inv_eni *e = inv_eni_get(inv, d->id);
    e->interface_type = d->interface_type;
    e->description = d->description;
    if (d->subnet_id) e->subnet_id = d->subnet_id;
    if (d->vpc_id) e->vpc_id = d->vpc_id;
    if (d->az_name) e->az_name = d->az_name;
    if (d->az_id) e->az_id = d->az_id;
    if (d->account) e->account = d->account;
    if (d->region) e->region = inv_intern(inv, d->region);
    e->instance_id = d->instance_id;
    /* Recomputed from this item: NULL lets the NAT/endpoint calls and
     * inv_finalize() fill in the fallbacks. */
    e->name = d->name;
    eni_kind k = inv_classify(e->interface_type, e->description, d->requester_id);
    /* A NAT/endpoint call may already have told us more than the ENI's
     * own type does; keep that. */
    if (!(eni_kind_is_managed(e->kind) && e->resource_id && k == ENI_WORKLOAD)) e->kind = k;
    const char *res = ec2_resource_from_description(inv, e->description);
    if (res) e->resource_id = res;
    /* The item is the truth about the ENI's addresses and tags now (the
     * caller adds the item's; DescribeInstances adds the instance's). */
    e->n_ips = e->n_private = 0;
    inv_eni_clear_tags(e);
    mark_seen(e, d);
    return e;
}

inv_eni *ec2_eni_claim(inventory *inv, eni_kind kind, const ec2_eni_desc *d)
{
    inv_eni *e = inv_eni_get(inv, d->id);
    e->kind = kind;
    e->resource_id = d->resource_id;
    if (!e->interface_type) e->interface_type = d->interface_type;
    if (!e->subnet_id) e->subnet_id = d->subnet_id;
    if (!e->vpc_id) e->vpc_id = d->vpc_id;
    if (!e->region && d->region) e->region = inv_intern(inv, d->region);
    if (!e->name) e->name = d->name;
    mark_seen(e, d);
    return e;
}

void ec2_subnet_describe(inventory *inv, const ec2_subnet_desc *d)
{
    inv_subnet *s = inv_subnet_get(inv, d->id);
    if (d->vpc_id) s->vpc_id = d->vpc_id;
    if (d->az_name) s->az_name = d->az_name;
    if (d->az_id) s->az_id = d->az_id;
    if (d->region) s->region = inv_intern(inv, d->region);
    if (d->name) s->name = d->name;
    inv_set_az_id(inv, s->az_name, s->az_id);
    ip128 net;
    unsigned bits;
    if (d->cidr && ip_parse_cidr(d->cidr, &net, &bits) == 0) {
        s->net = ip_mask(&net, bits);
        s->bits = bits;
    }
}

void ec2_vpc_describe(inventory *inv, const char *id, const char *region, const char *name,
                      const char *const *cidrs, size_t n_cidrs)
{
    inv_vpc *v = inv_vpc_get(inv, id);
    if (region) v->region = inv_intern(inv, region);
    if (name) v->name = name;
    for (size_t i = 0; i < n_cidrs; i++) {
        ip128 net;
        unsigned bits;
        if (cidrs[i] && ip_parse_cidr(cidrs[i], &net, &bits) == 0) {
            ip128 m = ip_mask(&net, bits);
            inv_vpc_add_cidr(v, &m, bits);
        }
    }
}

typedef struct pctx {
    inventory *inv;
    const char *region;
    int64_t seen;
    unsigned source;
    size_t items;
    const char *request_id; /* from the HTTP header, when the body has none */
    char code[128];         /* an error document's Code */
    dbuf *regions;          /* DescribeRegions: names; GetCallerIdentity: the account; one a line */
    why_rules *rules;       /* `why`: groups, security groups, network ACLs */
} pctx;

/* Text of child `name` into a fixed buffer ("" when absent or too long). */
static void ftext(const xml_node *n, const char *name, char *buf, size_t len)
{
    if (xml_text(n, name, buf, len) >= len) buf[0] = '\0';
}

static int port_of(const xml_node *n, const char *name)
{
    char b[16];
    ftext(n, name, b, sizeof b);
    return b[0] ? atoi(b) : -1;
}

static void parse_cidr_into(const xml_node *n, const char *name, ip128 *net, unsigned *bits, bool *has)
{
    char b[64];
    ftext(n, name, b, sizeof b);
    if (b[0] && ip_parse_cidr(b, net, bits) == 0) {
        *net = ip_mask(net, *bits);
        *has = true;
    }
}

/* DescribeSecurityGroups: one why_sg_rule per (permission, CIDR or group). */
static void parse_security_groups(pctx *p, const xml_node *root)
{
    FOR_ITEMS(it, root, "securityGroupInfo")
    {
        p->items++;
        char gid[32];
        ftext(it, "groupId", gid, sizeof gid);
        if (!p->rules || !gid[0]) continue;
        static const char *const sets[] = {"ipPermissions", "ipPermissionsEgress"};
        for (int eg = 0; eg < 2; eg++)
            FOR_ITEMS(perm, it, sets[eg])
            {
                char proto[16];
                ftext(perm, "ipProtocol", proto, sizeof proto);
                why_sg_rule base = {.egress = eg == 1, .protocol = why_protocol(proto),
                                    .from = port_of(perm, "fromPort"), .to = port_of(perm, "toPort")};
                snprintf(base.group, sizeof base.group, "%s", gid);
                if (base.protocol == -1) base.from = base.to = -1;
                /* a rule per CIDR (IPv4, IPv6) or referenced group */
                static const struct {
                    const char *set, *field;
                    bool group;
                } peers[] = {{"ipRanges", "cidrIp", false}, {"ipv6Ranges", "cidrIpv6", false}, {"groups", "groupId", true}};
                for (size_t k = 0; k < sizeof peers / sizeof *peers; k++)
                    FOR_ITEMS(r, perm, peers[k].set)
                    {
                        why_sg_rule *w = why_rules_add_sg(p->rules);
                        *w = base;
                        if (peers[k].group) ftext(r, peers[k].field, w->ref_group, sizeof w->ref_group);
                        else parse_cidr_into(r, peers[k].field, &w->net, &w->bits, &w->has_net);
                    }
            }
    }
}

/* DescribeNetworkAcls: entries and subnet associations. */
static void parse_network_acls(pctx *p, const xml_node *root)
{
    FOR_ITEMS(it, root, "networkAclSet")
    {
        p->items++;
        char id[32];
        ftext(it, "networkAclId", id, sizeof id);
        if (!p->rules || !id[0]) continue;
        FOR_ITEMS(e, it, "entrySet")
        {
            char b[32];
            why_acl_entry *w = why_rules_add_acl(p->rules);
            snprintf(w->acl, sizeof w->acl, "%s", id);
            ftext(e, "ruleNumber", b, sizeof b);
            w->number = atoi(b);
            ftext(e, "ruleAction", b, sizeof b);
            w->allow = !strcmp(b, "allow");
            ftext(e, "egress", b, sizeof b);
            w->egress = !strcmp(b, "true");
            ftext(e, "protocol", b, sizeof b);
            w->protocol = why_protocol(b);
            const xml_node *pr = child(e, "portRange");
            w->from = pr ? port_of(pr, "from") : -1;
            w->to = pr ? port_of(pr, "to") : -1;
            bool has = false;
            parse_cidr_into(e, "cidrBlock", &w->net, &w->bits, &has);
            if (!has) parse_cidr_into(e, "ipv6CidrBlock", &w->net, &w->bits, &has);
        }
        FOR_ITEMS(a, it, "associationSet")
        {
            why_acl_assoc *w = why_rules_add_assoc(p->rules);
            snprintf(w->acl, sizeof w->acl, "%s", id);
            ftext(a, "subnetId", w->subnet, sizeof w->subnet);
        }
    }
}

/* Each item of a Describe* set that has an id (id_tag), counted and handed
 * to fn with its id, interned; an item without one is skipped. */
static void each_item(pctx *p, const xml_node *parent, const char *set, const char *id_tag,
                      void (*fn)(pctx *, const xml_node *, const char *))
{
    FOR_ITEMS(it, parent, set)
    {
        const char *id = istr(p->inv, it, id_tag);
        if (!id) continue;
        p->items++;
        fn(p, it, id);
    }
}

static void eni_item(pctx *p, const xml_node *it, const char *id)
{
    inventory *inv = p->inv;
    ec2_eni_desc d = {.id = id, .region = p->region, .seen = p->seen, .source = p->source};
    d.interface_type = istr(inv, it, "interfaceType");
    d.description = istr(inv, it, "description");
    d.requester_id = istr(inv, it, "requesterId");
    d.subnet_id = istr(inv, it, "subnetId");
    d.vpc_id = istr(inv, it, "vpcId");
    d.az_name = istr(inv, it, "availabilityZone");
    d.az_id = istr(inv, it, "availabilityZoneId");
    d.account = istr(inv, it, "ownerId");
    d.instance_id = istr(inv, child(it, "attachment"), "instanceId");
    d.name = tag_name(inv, it);
    inv_eni *e = ec2_eni_describe(inv, &d);
    set_tags(inv, e, it, true);
    bool any = false;
    FOR_ITEMS(a, it, "privateIpAddressesSet")
    {
        ec2_eni_add_ip(inv, e, istr(inv, a, "privateIpAddress"), 1);
        ec2_eni_add_ip(inv, e, istr(inv, child(a, "association"), "publicIp"), 0);
        any = true;
    }
    if (!any) ec2_eni_add_ip(inv, e, istr(inv, it, "privateIpAddress"), 1);
    ec2_eni_add_ip(inv, e, istr(inv, child(it, "association"), "publicIp"), 0);
    FOR_ITEMS(a, it, "ipv6AddressesSet") ec2_eni_add_ip(inv, e, istr(inv, a, "ipv6Address"), -1);
    why_eni_rules *w = p->rules ? why_rules_add_eni(p->rules) : NULL;
    if (w) {
        snprintf(w->eni, sizeof w->eni, "%s", d.id);
        snprintf(w->subnet, sizeof w->subnet, "%s", d.subnet_id ? d.subnet_id : "");
        FOR_ITEMS(g, it, "groupSet")
        if (w->n_groups < sizeof w->groups / sizeof *w->groups) ftext(g, "groupId", w->groups[w->n_groups++], sizeof w->groups[0]);
    }
}

static void parse_enis(pctx *p, const xml_node *root)
{
    each_item(p, root, "networkInterfaceSet", "networkInterfaceId", eni_item);
}

static void subnet_item(pctx *p, const xml_node *it, const char *id)
{
    inventory *inv = p->inv;
    ec2_subnet_desc d = {.id = id, .region = p->region};
    d.vpc_id = istr(inv, it, "vpcId");
    d.az_name = istr(inv, it, "availabilityZone");
    d.az_id = istr(inv, it, "availabilityZoneId");
    d.name = tag_name(inv, it);
    d.cidr = istr(inv, it, "cidrBlock");
    if (!d.cidr) FOR_ITEMS(a, it, "ipv6CidrBlockAssociationSet")
        {
            d.cidr = istr(inv, a, "ipv6CidrBlock");
            if (d.cidr) break;
        }
    ec2_subnet_describe(inv, &d);
}

static void parse_subnets(pctx *p, const xml_node *root)
{
    each_item(p, root, "subnetSet", "subnetId", subnet_item);
}

static void vpc_item(pctx *p, const xml_node *it, const char *id)
{
    inventory *inv = p->inv;
    const char *cidrs[64];
    size_t nc = 0;
    cidrs[nc++] = istr(inv, it, "cidrBlock");
    FOR_ITEMS(a, it, "cidrBlockAssociationSet") if (nc < 64) cidrs[nc++] = istr(inv, a, "cidrBlock");
    FOR_ITEMS(a, it, "ipv6CidrBlockAssociationSet") if (nc < 64) cidrs[nc++] = istr(inv, a, "ipv6CidrBlock");
    ec2_vpc_describe(inv, id, p->region, tag_name(inv, it), cidrs, nc);
}

static void parse_vpcs(pctx *p, const xml_node *root)
{
    each_item(p, root, "vpcSet", "vpcId", vpc_item);
}

static void nat_item(pctx *p, const xml_node *it, const char *id)
{
    inventory *inv = p->inv;
    const char *state = istr(inv, it, "state");
    /* A deleted gateway's ENI is gone and its addresses may be reused. */
    if (state && (strcmp(state, "deleted") == 0 || strcmp(state, "failed") == 0)) return;
    const char *name = tag_name(inv, it);
    ec2_eni_desc d = {.interface_type = inv_intern(inv, "nat_gateway"), .subnet_id = istr(inv, it, "subnetId"),
                      .vpc_id = istr(inv, it, "vpcId"), .region = p->region, .name = name ? name : id,
                      .resource_id = id, .seen = p->seen, .source = p->source};
    FOR_ITEMS(a, it, "natGatewayAddressSet")
    {
        if (!(d.id = istr(inv, a, "networkInterfaceId"))) continue;
        inv_eni *e = ec2_eni_claim(inv, ENI_NAT_GATEWAY, &d);
        ec2_eni_add_ip(inv, e, istr(inv, a, "privateIp"), 1);
        ec2_eni_add_ip(inv, e, istr(inv, a, "publicIp"), 0);
    }
}

static void parse_nat_gateways(pctx *p, const xml_node *root)
{
    each_item(p, root, "natGatewaySet", "natGatewayId", nat_item);
}

static void endpoint_item(pctx *p, const xml_node *it, const char *id)
{
    inventory *inv = p->inv;
    const char *type = istr(inv, it, "vpcEndpointType");
    eni_kind k = type && strcmp(type, "GatewayLoadBalancer") == 0 ? ENI_GWLB : ENI_VPC_ENDPOINT;
    const char *name = tag_name(inv, it);
    ec2_eni_desc d = {.vpc_id = istr(inv, it, "vpcId"), .region = p->region, .name = name ? name : id,
                      .resource_id = id, .seen = p->seen, .source = p->source};
    FOR_ITEMS(a, it, "networkInterfaceIdSet")
    {
        if ((d.id = istr(inv, a, NULL))) ec2_eni_claim(inv, k, &d);
    }
}

static void parse_vpc_endpoints(pctx *p, const xml_node *root)
{
    each_item(p, root, "vpcEndpointSet", "vpcEndpointId", endpoint_item);
}

static void instance_item(pctx *p, const xml_node *it, const char *id)
{
    inventory *inv = p->inv;
    const char *name = tag_name(inv, it);
    FOR_ITEMS(ni, it, "networkInterfaceSet")
    {
        inv_eni *e = inv_eni_lookup(inv, istr(inv, ni, "networkInterfaceId"));
        if (!e) continue;
        if (!e->instance_id) e->instance_id = id;
        set_tags(inv, e, it, false);
        if (!e->name) e->name = name;
    }
}

/* DescribeInstances: the instance's Name and other tags onto its ENIs
 * (DescribeNetworkInterfaces carries only the ENI's own tags). Only ENIs
 * already known are touched: the ENI call, made first, is the truth about
 * which exist. */
static void parse_instances(pctx *p, const xml_node *root)
{
    FOR_ITEMS(r, root, "reservationSet") each_item(p, r, "instancesSet", "instanceId", instance_item);
}

/* The ENIs whose resource_id (from the description or a NAT / endpoint
 * call) is `res` get `name` when they have none of their own. */
static void name_by_resource(inventory *inv, const char *res, const char *name, eni_kind kind,
                             const xml_node *tagged)
{
    if (!res) return;
    for (size_t i = 0; i < inv_eni_count(inv); i++) {
        /* Interned: a pointer compare before the (writable) lookup. */
        if (inv_eni_at(inv, i)->resource_id != res) continue;
        inv_eni *e = inv_eni_lookup(inv, inv_eni_at(inv, i)->id);
        if (!e) continue;
        if (!e->name) e->name = name;
        if (kind != ENI_KIND_COUNT) e->kind = kind;
        if (tagged) set_tags(inv, e, tagged, false);
    }
}

/* DescribeTransitGatewayAttachments: the attachment's Name and tags onto
 * the ENIs AWS made for it ("Network Interface for Transit Gateway
 * Attachment tgw-attach-…"). */
static void tgw_item(pctx *p, const xml_node *it, const char *id)
{
    inventory *inv = p->inv;
    const char *name = tag_name(inv, it);
    name_by_resource(inv, id, name ? name : id, ENI_TRANSIT_GATEWAY, it);
}

static void parse_tgw_attachments(pctx *p, const xml_node *root)
{
    each_item(p, root, "transitGatewayAttachments", "transitGatewayAttachmentId", tgw_item);
}

/* ELBv2 DescribeLoadBalancers: "arn:…:loadbalancer/app/web/50dc6c495c0c9188"
 * is the "app/web/50dc…" that the ENIs' description ("ELB app/web/…") names. */
static void parse_load_balancers(pctx *p, const xml_node *root)
{
    inventory *inv = p->inv;
    static const struct {
        const char *type;
        eni_kind kind;
    } lb_kinds[] = {{"application", ENI_ALB}, {"network", ENI_NLB}, {"gateway", ENI_GWLB}};
    const xml_node *lbs = child(child(root, "DescribeLoadBalancersResult"), "LoadBalancers");
    for (const xml_node *it = child(lbs, "member"); it; it = xml_next(it, "member")) {
        char arn[2048];
        if (!xml_text(it, "LoadBalancerArn", arn, sizeof arn) || xml_text(it, "LoadBalancerArn", arn, sizeof arn) >= sizeof arn)
            continue;
        p->items++;
        const char *slash = strstr(arn, ":loadbalancer/");
        if (!slash) continue;
        const char *type = istr(inv, it, "Type");
        eni_kind k = ENI_KIND_COUNT;
        for (size_t i = 0; type && i < sizeof lb_kinds / sizeof *lb_kinds; i++)
            if (strcmp(type, lb_kinds[i].type) == 0) k = lb_kinds[i].kind;
        name_by_resource(inv, inv_intern(inv, slash + strlen(":loadbalancer/")), istr(inv, it, "LoadBalancerName"), k,
                         NULL);
    }
}

static void parse_regions(pctx *p, const xml_node *root)
{
    FOR_ITEMS(it, root, "regionInfo")
    {
        char name[64];
        size_t l = xml_text(it, "regionName", name, sizeof name);
        if (!l || l >= sizeof name) continue;
        p->items++;
        if (p->regions) dbuf_printf(p->regions, "%s\n", name);
    }
}

static void parse_caller(pctx *p, const xml_node *root)
{
    char account[32];
    size_t l = xml_text(child(root, "GetCallerIdentityResult"), "Account", account, sizeof account);
    if (!l || l >= sizeof account) return;
    p->items++;
    if (p->regions) dbuf_printf(p->regions, "%s\n", account);
}

/* Every response this module reads: its root, its parser, and where the
 * next page's token is (EC2: <nextToken>; ELBv2: <NextMarker> inside the
 * Result element). */
static const struct {
    const char *root;
    void (*parse)(pctx *, const xml_node *);
    const char *token_in, *token;
} doc_table[] = {
    {"DescribeNetworkInterfacesResponse", parse_enis, NULL, "nextToken"},
    {"DescribeSubnetsResponse", parse_subnets, NULL, "nextToken"},
    {"DescribeVpcsResponse", parse_vpcs, NULL, "nextToken"},
    {"DescribeNatGatewaysResponse", parse_nat_gateways, NULL, "nextToken"},
    {"DescribeVpcEndpointsResponse", parse_vpc_endpoints, NULL, "nextToken"},
    {"DescribeInstancesResponse", parse_instances, NULL, "nextToken"},
    {"DescribeTransitGatewayAttachmentsResponse", parse_tgw_attachments, NULL, "nextToken"},
    {"DescribeLoadBalancersResponse", parse_load_balancers, "DescribeLoadBalancersResult", "NextMarker"},
    {"DescribeRegionsResponse", parse_regions, NULL, "nextToken"},
    {"DescribeSecurityGroupsResponse", parse_security_groups, NULL, "nextToken"},
    {"DescribeNetworkAclsResponse", parse_network_acls, NULL, "nextToken"},
    {"GetCallerIdentityResponse", parse_caller, "GetCallerIdentityResult", "NextToken"},
};

/* EC2's error document: <Response><Errors><Error><Code/><Message/></Error>
 * </Errors><RequestID/></Response> (some services: <ErrorResponse>). */
static bool aws_error(pctx *p, const xml_node *root, char *err, size_t errlen)
{
    char msg[320], rid[128];
    if (!xml_aws_error(root, p->code, sizeof p->code, msg, sizeof msg, rid, sizeof rid)) return false;
    if (!rid[0] && p->request_id) snprintf(rid, sizeof rid, "%s", p->request_id);
    fc_err(err, errlen, "%s: %s%s%s%s", p->code[0] ? p->code : "UnknownError", msg[0] ? msg : "(no message)",
           rid[0] ? " (request id " : "", rid, rid[0] ? ")" : "");
    return true;
}

/* Returns 0; -1 for malformed/unknown documents; -2 for an AWS error
 * document (message in err). */
static int parse_doc(pctx *p, const char *xml, size_t len, char *next, size_t nextlen, char *err, size_t errlen)
{
    if (next && nextlen) next[0] = '\0';
    p->code[0] = '\0';
    xml_doc *doc;
    if (xml_parse(xml, len, "an EC2 response", &doc, err, errlen) < 0) return -1;
    int rc = 0;
    const xml_node *root = xml_root(doc);
    if (xml_is(root, "Response") || xml_is(root, "ErrorResponse")) {
        if (aws_error(p, root, err, errlen))
            rc = -2;
        else
            rc = fc_err(err, errlen, "XML <%s> without an <Error>", xml_name(root));
    } else {
        size_t i = 0;
        while (i < sizeof doc_table / sizeof *doc_table && !xml_is(root, doc_table[i].root)) i++;
        if (i == sizeof doc_table / sizeof *doc_table) {
            rc = fc_err(err, errlen,
                        "XML root <%s> is not a DescribeNetworkInterfaces, DescribeSubnets, DescribeVpcs, "
                        "DescribeNatGateways, DescribeVpcEndpoints, DescribeInstances, "
                        "DescribeTransitGatewayAttachments or ELBv2 DescribeLoadBalancers response", xml_name(root));
        } else {
            doc_table[i].parse(p, root);
            const xml_node *tn = doc_table[i].token_in ? child(root, doc_table[i].token_in) : root;
            /* A cut token would page wrongly or loop: refuse it instead. */
            if (next && nextlen && tn && xml_text(tn, doc_table[i].token, next, nextlen) >= nextlen)
                rc = fc_err(err, errlen, "NextToken longer than %zu bytes", nextlen - 1);
        }
    }
    xml_free(doc);
    return rc;
}

int ec2_parse_xml_at(inventory *inv, const char *xml, size_t len, const char *region,
                     int64_t seen, unsigned source, char *next_token, size_t next_len,
                     size_t *n_items, char *err, size_t errlen)
{
    pctx p = {inv, region, seen, source, 0, NULL, "", NULL, NULL};
    int rc = parse_doc(&p, xml, len, next_token, next_len, err, errlen);
    if (n_items) *n_items = p.items;
    return rc < 0 ? -1 : 0;
}

int ec2_parse_xml(inventory *inv, const char *xml, size_t len, const char *region,
                  char *err, size_t errlen)
{
    return ec2_parse_xml_at(inv, xml, len, region, inv_fetched_at(inv), INV_FROM_SNAPSHOT, NULL, 0,
                            NULL, err, errlen);
}

const char *ec2_lib_version(void)
{
    return xml_lib_version();
}

/* ---- the Query API over http.c ---- */

/* The two Query APIs called: same protocol, different service name (it
 * is signed), version, and paging parameters. */
typedef struct api {
    const char *label, *service, *version;
    const char *page_param;  /* NULL: the action does not page */
    int page_size;
    const char *token_param; /* the request's */
} api;

static const api api_ec2 = {"EC2", "ec2", EC2_API_VERSION, "MaxResults", EC2_PAGE_SIZE, "NextToken"};
static const api api_ec2_unpaged = {"EC2", "ec2", EC2_API_VERSION, NULL, 0, "NextToken"};
/* ELBv2 (elasticloadbalancing 2015-12-01): PageSize at most 400, Marker. */
static const api api_elbv2 = {"ELBv2", "elasticloadbalancing", "2015-12-01", "PageSize", 400, "Marker"};

/* One Action (all its pages) into the inventory. `params` is encoded
 * "&Name=value..." (may be ""). */
static int api_action(inventory *inv, const aws_config *c, const api *ap, const char *action, const char *params,
                      int64_t seen, size_t *total, dbuf *regions, bool *denied, why_rules *rules, char *err,
                      size_t errlen)
{
    char url[600];
    if (aws_endpoint(c, ap->service, url, sizeof url - 1, err, errlen) < 0) return -1;
    aws_post k;
    if (aws_post_init(&k, c, url, ap->service, NULL, err, errlen) < 0) return -1;
    /* "https://host" is sent as "POST /": make the URL say so too. */
    if (!strchr(strstr(url, "://") + 3, '/')) strcat(url, "/");
    http_opts o;
    aws_http_opts(c, url, action, &o);
    pctx p = {inv, c->region, seen, INV_FROM_LIVE, 0, NULL, "", regions, rules};
    /* Session credentials past their expiry: one clear line rather than
     * the service's ExpiredToken after retries. */
    if (c->expires_at && (int64_t)time(NULL) >= c->expires_at)
        return fc_err(err, errlen, "%s %s: the session credentials (%s) expired; run again to get new ones",
                      ap->label, action, c->cred_source ? c->cred_source : "session");
    char token[16384] = "", prev[16384] = "";
    int rc = 0;
    for (int page = 1;; page++) {
        if (page > EC2_MAX_PAGES) {
            rc = fc_err(err, errlen, "%s %s: more than %d pages, giving up", ap->label, action, EC2_MAX_PAGES);
            break;
        }
        dbuf body;
        dbuf_init(&body, 0);
        dbuf_printf(&body, "Action=%s&Version=%s%s", action, ap->version, params);
        if (ap->page_param) dbuf_printf(&body, "&%s=%d", ap->page_param, ap->page_size);
        if (token[0]) {
            dbuf_printf(&body, "&%s=", ap->token_param);
            sigv4_uri_encode(&body, token, strlen(token), false);
        }
        k.body = body.data;
        const char *hdrs[] = {"Accept: text/xml", NULL};
        /* Describe* calls are read-only: repeating one is safe. */
        http_request rq = {.method = "POST", .url = url, .headers = hdrs, .body = body.data,
                           .body_len = body.len, .prepare = aws_post_sign, .prepare_ctx = &k, .retry_safe = true};
        http_response r;
        char e[FC_ERRLEN];
        rc = http_do(&rq, &o, &r, e, sizeof e);
        dbuf_free(&body);
        if (rc < 0) {
            fc_err(err, errlen, "%s %s", ap->label, e);
            http_response_free(&r);
            break;
        }
        size_t before = p.items;
        snprintf(prev, sizeof prev, "%s", token);
        p.request_id = r.request_id;
        rc = parse_doc(&p, r.body.data ? r.body.data : "", r.body.len, token, sizeof token, e, sizeof e);
        if (rc == -2) {
            char after[48] = "";
            if (r.attempts > 1) snprintf(after, sizeof after, " (after %d attempts)", r.attempts);
            fc_err(err, errlen, "%s %s: %s%s%s", ap->label, action, e, after, aws_error_hint(ap->service, p.code));
        } else if (r.status != 200) {
            fc_err(err, errlen, "%s %s: HTTP %ld from %s%s%s (after %d attempt%s)", ap->label, action, r.status, url,
                   r.request_id[0] ? ", request id " : "", r.request_id, r.attempts, r.attempts == 1 ? "" : "s");
            rc = -1;
        } else if (rc < 0) {
            fc_err(err, errlen, "%s %s: %s in the response from %s", ap->label, action, e, url);
        }
        http_response_free(&r);
        if (rc < 0) {
            rc = -1;
            break;
        }
        if (c->verbose)
            fprintf(stderr, "flowcost: %s page %d: %zu items%s\n", action, page, p.items - before,
                    token[0] ? " (more)" : "");
        if (!token[0]) break;
        if (strcmp(token, prev) == 0) {
            rc = fc_err(err, errlen, "%s %s returned the same %s twice", ap->label, action, ap->token_param);
            break;
        }
    }
    if (total) *total += p.items;
    if (denied) *denied = rc < 0 && (strcmp(p.code, "AccessDenied") == 0 || strcmp(p.code, "UnauthorizedOperation") == 0);
    return rc;
}

int ec2_fetch_inventory(inventory *inv, const aws_config *c, char *err, size_t errlen)
{
    return ec2_fetch_inventory_at(inv, c, (int64_t)time(NULL), err, errlen);
}

int ec2_fetch_inventory_at(inventory *inv, const aws_config *c, int64_t seen, char *err, size_t errlen)
{
    /* The ENI call first: it is the truth about which ENIs exist and their
     * own tags; the calls after it name them, claim them for a NAT gateway,
     * endpoint, TGW attachment or load balancer, and add instance tags. */
    /* optional: a policy written for ec2:Describe* alone (as flowcost
     * needed before) lacks the ELBv2 permission; its names are a nicety,
     * so a denial there is a warning, not a failed run. */
    static const struct {
        const api *a;
        const char *action;
        bool optional;
    } calls[] = {
        {&api_ec2, "DescribeVpcs", false},
        {&api_ec2, "DescribeSubnets", false},
        {&api_ec2, "DescribeNetworkInterfaces", false},
        {&api_ec2, "DescribeInstances", false},
        {&api_ec2, "DescribeNatGateways", false},
        {&api_ec2, "DescribeVpcEndpoints", false},
        {&api_ec2, "DescribeTransitGatewayAttachments", false},
        {&api_elbv2, "DescribeLoadBalancers", true},
    };
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
        size_t n = 0;
        bool denied = false;
        if (api_action(inv, c, calls[i].a, calls[i].action, "", seen, &n, NULL, &denied, NULL, err, errlen) < 0) {
            if (!(calls[i].optional && denied)) return -1;
            char line[FC_ERRLEN + 64];
            snprintf(line, sizeof line, "%s; load balancers are named from their ENIs' descriptions", err);
            fc_print_line("flowcost: warning: ", line); /* err holds AWS's words */
        }
    }
    inv_add_source(inv, INV_FROM_LIVE, seen);
    return 0;
}

int ec2_list_regions(const aws_config *c, dbuf *out, char *err, size_t errlen)
{
    /* Only the regions this account can use (opted in or not needing it):
     * the default of DescribeRegions without AllRegions. It does not page. */
    inventory *scratch = inv_new();
    int rc = api_action(scratch, c, &api_ec2_unpaged, "DescribeRegions", "", 0, NULL, out, NULL, NULL, err, errlen);
    inv_free(scratch);
    return rc;
}

int ec2_fetch_rules(const aws_config *c, const char *const *enis, size_t n_enis, why_rules *w, char *err,
                    size_t errlen)
{
    /* The ENIs' groups and subnets, then every group and network ACL of the
     * region: filtering by id would need the ids of groups that rules
     * refer to as well, and a region has few of either. */
    dbuf q;
    dbuf_init(&q, 0);
    for (size_t i = 0; i < n_enis; i++) {
        dbuf_printf(&q, "&NetworkInterfaceId.%zu=", i + 1);
        sigv4_uri_encode(&q, enis[i], strlen(enis[i]), false);
    }
    inventory *scratch = inv_new();
    int rc = api_action(scratch, c, &api_ec2_unpaged, "DescribeNetworkInterfaces", q.data ? q.data : "", 0, NULL, NULL,
                        NULL, w, err, errlen);
    if (rc == 0)
        rc = api_action(scratch, c, &api_ec2, "DescribeSecurityGroups", "", 0, NULL, NULL, NULL, w, err, errlen);
    if (rc == 0)
        rc = api_action(scratch, c, &api_ec2_unpaged, "DescribeNetworkAcls", "", 0, NULL, NULL, NULL, w, err, errlen);
    inv_free(scratch);
    dbuf_free(&q);
    return rc;
}

int ec2_caller_account(const aws_config *c, char *account, size_t n, char *err, size_t errlen)
{
    static const api sts = {"STS", "sts", "2011-06-15", NULL, 0, "NextToken"};
    inventory *scratch = inv_new();
    dbuf out;
    dbuf_init(&out, 0);
    int rc = api_action(scratch, c, &sts, "GetCallerIdentity", "", 0, NULL, &out, NULL, NULL, err, errlen);
    inv_free(scratch);
    if (rc == 0 && (out.len < 2 || out.len > n))
        rc = fc_err(err, errlen, "STS GetCallerIdentity: no Account in the response");
    if (rc == 0) snprintf(account, n, "%.*s", (int)out.len - 1, out.data);
    dbuf_free(&out);
    return rc;
}

/* sts:AssumeRole over the Query API (2011-06-15), signed with c's
 * credentials; on success c holds the role's session credentials. */
int ec2_assume_role(aws_config *c, const char *role_arn, char *err, size_t errlen)
{
    char url[600];
    static const api sts = {"STS", "sts", "2011-06-15", NULL, 0, NULL};
    if (aws_endpoint(c, "sts", url, sizeof url - 1, err, errlen) < 0) return -1;
    aws_post k;
    if (aws_post_init(&k, c, url, sts.service, NULL, err, errlen) < 0) return -1;
    if (!strchr(strstr(url, "://") + 3, '/')) strcat(url, "/");
    http_opts o;
    aws_http_opts(c, url, "AssumeRole", &o);
    dbuf body;
    dbuf_init(&body, 0);
    dbuf_printf(&body, "Action=AssumeRole&Version=2011-06-15&DurationSeconds=3600&RoleSessionName=flowcost-enrich&RoleArn=");
    sigv4_uri_encode(&body, role_arn, strlen(role_arn), false);
    k.body = body.data;
    const char *hdrs[] = {"Accept: text/xml", NULL};
    /* AssumeRole creates nothing that matters: a repeat is harmless. */
    http_request rq = {.method = "POST", .url = url, .headers = hdrs, .body = body.data, .body_len = body.len,
                       .prepare = aws_post_sign, .prepare_ctx = &k, .retry_safe = true};
    http_response r;
    char e[FC_ERRLEN];
    int rc = http_do(&rq, &o, &r, e, sizeof e);
    dbuf_free(&body);
    if (rc < 0) {
        http_response_free(&r);
        return fc_err(err, errlen, "STS AssumeRole %s", e);
    }
    xml_doc *doc = NULL;
    rc = xml_parse(r.body.data ? r.body.data : "", r.body.len, "an STS response", &doc, e, sizeof e);
    if (rc == 0) {
        const xml_node *root = xml_root(doc);
        char code[128], msg[320], rid[128];
        const xml_node *cr = child(child(root, "AssumeRoleResult"), "Credentials");
        char exp[64] = "";
        if (xml_aws_error(root, code, sizeof code, msg, sizeof msg, rid, sizeof rid)) {
            rc = fc_err(err, errlen, "STS AssumeRole %s: %s: %s%s", role_arn, code, msg, aws_error_hint("sts", code));
        } else if (!cr || r.status != 200) {
            rc = fc_err(err, errlen, "STS AssumeRole %s: HTTP %ld without credentials", role_arn, r.status);
        } else {
            aws_config n = *c;
            size_t a = xml_text(cr, "AccessKeyId", n.access_key, sizeof n.access_key);
            size_t b = xml_text(cr, "SecretAccessKey", n.secret_key, sizeof n.secret_key);
            size_t t = xml_text(cr, "SessionToken", n.session_token, sizeof n.session_token);
            xml_text(cr, "Expiration", exp, sizeof exp);
            n.expires_at = 0;
            if (!a || !b || !t || a >= sizeof n.access_key || b >= sizeof n.secret_key || t >= sizeof n.session_token ||
                (exp[0] && fc_parse_time(exp, &n.expires_at) < 0)) {
                rc = fc_err(err, errlen, "STS AssumeRole %s: malformed credentials in the response", role_arn);
            } else {
                n.cred_source = "sts:AssumeRole";
                *c = n;
                if (c->verbose)
                    fprintf(stderr, "flowcost: assumed %s (session credentials until %s)\n", role_arn,
                            exp[0] ? exp : "?");
            }
            aws_config_clear(&n);
        }
    } else {
        rc = fc_err(err, errlen, "STS AssumeRole: %s", e);
    }
    xml_free(doc);
    http_response_free(&r);
    return rc < 0 ? -1 : 0;
}
