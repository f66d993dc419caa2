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
#define EC2_FILTER_BATCH 200 /* values per filter in one request */
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
    /* The item is the truth about the ENI's addresses now. */
    e->n_ips = e->n_private = 0;
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
} pctx;

static void parse_enis(pctx *p, const xml_node *root)
{
    inventory *inv = p->inv;
    FOR_ITEMS(it, root, "networkInterfaceSet")
    {
        ec2_eni_desc d = {.id = istr(inv, it, "networkInterfaceId"), .region = p->region,
                          .seen = p->seen, .source = p->source};
        if (!d.id) continue;
        p->items++;
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
    }
}

static void parse_subnets(pctx *p, const xml_node *root)
{
    inventory *inv = p->inv;
    FOR_ITEMS(it, root, "subnetSet")
    {
        ec2_subnet_desc d = {.id = istr(inv, it, "subnetId"), .region = p->region};
        if (!d.id) continue;
        p->items++;
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
}

static void parse_vpcs(pctx *p, const xml_node *root)
{
    inventory *inv = p->inv;
    FOR_ITEMS(it, root, "vpcSet")
    {
        const char *id = istr(inv, it, "vpcId");
        if (!id) continue;
        p->items++;
        const char *cidrs[64];
        size_t nc = 0;
        cidrs[nc++] = istr(inv, it, "cidrBlock");
        FOR_ITEMS(a, it, "cidrBlockAssociationSet") if (nc < 64) cidrs[nc++] = istr(inv, a, "cidrBlock");
        FOR_ITEMS(a, it, "ipv6CidrBlockAssociationSet") if (nc < 64) cidrs[nc++] = istr(inv, a, "ipv6CidrBlock");
        ec2_vpc_describe(inv, id, p->region, tag_name(inv, it), cidrs, nc);
    }
}

static void parse_nat_gateways(pctx *p, const xml_node *root)
{
    inventory *inv = p->inv;
    FOR_ITEMS(it, root, "natGatewaySet")
    {
        const char *id = istr(inv, it, "natGatewayId");
        const char *state = istr(inv, it, "state");
        if (!id) continue;
        p->items++;
        /* A deleted gateway's ENI is gone and its addresses may be reused. */
        if (state && (strcmp(state, "deleted") == 0 || strcmp(state, "failed") == 0)) continue;
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
}

static void parse_vpc_endpoints(pctx *p, const xml_node *root)
{
    inventory *inv = p->inv;
    FOR_ITEMS(it, root, "vpcEndpointSet")
    {
        const char *id = istr(inv, it, "vpcEndpointId");
        if (!id) continue;
        p->items++;
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
}

static const struct {
    const char *root;
    void (*parse)(pctx *, const xml_node *);
} doc_table[] = {
    {"DescribeNetworkInterfacesResponse", parse_enis},
    {"DescribeSubnetsResponse", parse_subnets},
    {"DescribeVpcsResponse", parse_vpcs},
    {"DescribeNatGatewaysResponse", parse_nat_gateways},
    {"DescribeVpcEndpointsResponse", parse_vpc_endpoints},
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
                        "DescribeNatGateways or DescribeVpcEndpoints response", xml_name(root));
        } else {
            doc_table[i].parse(p, root);
            /* A cut token would page wrongly or loop: refuse it instead. */
            if (next && nextlen && xml_text(root, "nextToken", next, nextlen) >= nextlen)
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
    pctx p = {inv, region, seen, source, 0, NULL, ""};
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

typedef struct call {
    const aws_config *c;
    const char *url, *body;
    char host[256], path[256];
} call;

/* Per attempt: a fresh x-amz-date and the signature over it. */
static int sign_call(void *ctx, const http_attempt *a, dbuf *out, char *err, size_t errlen)
{
    (void)a;
    call *k = ctx;
    int64_t now = (int64_t)time(NULL);
    char date[17];
    sigv4_amz_date(now, date);
    sigv4_header h[4] = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
        {"Host", k->host},
        {"X-Amz-Date", date},
        {"X-Amz-Security-Token", k->c->session_token},
    };
    size_t nh = k->c->session_token[0] ? 4 : 3;
    sigv4_request r = {.method = "POST", .path = k->path, .headers = h, .n_headers = nh,
                       .body = k->body, .body_len = strlen(k->body)};
    sigv4_key key = {k->c->access_key, k->c->secret_key, k->c->region, "ec2"};
    dbuf auth;
    dbuf_init(&auth, 0);
    if (sigv4_authorization(&r, &key, now, &auth, err, errlen) < 0) {
        dbuf_free(&auth);
        return -1;
    }
    for (size_t i = 0; i < nh; i++) dbuf_printf(out, "%s: %s\n", h[i].name, h[i].value);
    dbuf_printf(out, "Authorization: %s\n", auth.data);
    dbuf_free(&auth);
    return 0;
}

/* Host header and path exactly as curl will send them, since both are signed. */
static int split_url(const char *url, char *host, size_t hn, char *path, size_t pn, char *err, size_t errlen)
{
    const char *a = strstr(url, "://");
    if (!a) return fc_err(err, errlen, "bad endpoint URL '%s'", url);
    a += 3;
    size_t al = strcspn(a, "/?#");
    if (!al || al >= hn) return fc_err(err, errlen, "bad endpoint URL '%s'", url);
    const char *at = memchr(a, '@', al);
    if (at) return fc_err(err, errlen, "endpoint URL must not carry user information");
    snprintf(host, hn, "%.*s", (int)al, a);
    const char *p = a + al;
    size_t pl = strcspn(p, "?#");
    snprintf(path, pn, "%.*s", (int)(pl ? pl : 1), pl ? p : "/");
    return 0;
}

/* One Action (all its pages) into the inventory. `params` is encoded
 * "&Name=value..." (may be ""). */
static int ec2_action(inventory *inv, const aws_config *c, const char *action, const char *params,
                      int64_t seen, size_t *total, char *err, size_t errlen)
{
    char url[600];
    if (aws_endpoint(c, "ec2", url, sizeof url - 1, err, errlen) < 0) return -1;
    call k = {.c = c};
    if (split_url(url, k.host, sizeof k.host, k.path, sizeof k.path, err, errlen) < 0) return -1;
    /* "https://host" is sent as "POST /": make the URL say so too. */
    if (!strchr(strstr(url, "://") + 3, '/')) strcat(url, "/");
    k.url = url;
    http_opts o;
    aws_http_opts(c, url, action, &o);
    pctx p = {inv, c->region, seen, INV_FROM_LIVE, 0, NULL, ""};
    char token[16384] = "", prev[16384] = "";
    int rc = 0;
    for (int page = 1;; page++) {
        if (page > EC2_MAX_PAGES) {
            rc = fc_err(err, errlen, "%s: more than %d pages, giving up", action, EC2_MAX_PAGES);
            break;
        }
        dbuf body;
        dbuf_init(&body, 0);
        dbuf_printf(&body, "Action=%s&Version=%s%s&MaxResults=%d", action, EC2_API_VERSION, params, EC2_PAGE_SIZE);
        if (token[0]) {
            dbuf_puts(&body, "&NextToken=");
            sigv4_uri_encode(&body, token, strlen(token), false);
        }
        k.body = body.data;
        const char *hdrs[] = {"Accept: text/xml", NULL};
        /* Describe* calls are read-only: repeating one is safe. */
        http_request rq = {.method = "POST", .url = url, .headers = hdrs, .body = body.data,
                           .body_len = body.len, .prepare = sign_call, .prepare_ctx = &k, .retry_safe = true};
        http_response r;
        char e[FC_ERRLEN];
        rc = http_do(&rq, &o, &r, e, sizeof e);
        dbuf_free(&body);
        if (rc < 0) {
            fc_err(err, errlen, "EC2 %s", e);
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
            fc_err(err, errlen, "EC2 %s: %s%s%s", action, e, after, aws_error_hint("ec2", p.code));
        } else if (r.status != 200) {
            fc_err(err, errlen, "EC2 %s: HTTP %ld from %s%s%s (after %d attempt%s)", action, r.status, url,
                   r.request_id[0] ? ", request id " : "", r.request_id, r.attempts, r.attempts == 1 ? "" : "s");
            rc = -1;
        } else if (rc < 0) {
            fc_err(err, errlen, "EC2 %s: %s in the response from %s", action, e, url);
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
            rc = fc_err(err, errlen, "EC2 %s returned the same NextToken twice", action);
            break;
        }
    }
    if (total) *total += p.items;
    return rc;
}

int ec2_fetch_inventory(inventory *inv, const aws_config *c, char *err, size_t errlen)
{
    return ec2_fetch_inventory_at(inv, c, (int64_t)time(NULL), err, errlen);
}

int ec2_fetch_inventory_at(inventory *inv, const aws_config *c, int64_t seen, char *err, size_t errlen)
{
    static const char *const actions[] = {"DescribeVpcs", "DescribeSubnets", "DescribeNetworkInterfaces",
                                          "DescribeNatGateways", "DescribeVpcEndpoints"};
    for (size_t i = 0; i < sizeof actions / sizeof *actions; i++) {
        size_t n = 0;
        if (ec2_action(inv, c, actions[i], "", seen, &n, err, errlen) < 0) return -1;
    }
    inv_add_source(inv, INV_FROM_LIVE, seen);
    return 0;
}

/* "&Filter.1.Name=name&Filter.1.Value.1=..&Filter.1.Value.2=.." for ids[from..to). */
static void filter_params(dbuf *b, const char *name, const char *const *ids, size_t from, size_t to)
{
    dbuf_printf(b, "&Filter.1.Name=%s", name);
    for (size_t i = from; i < to; i++) {
        dbuf_printf(b, "&Filter.1.Value.%zu=", i - from + 1);
        sigv4_uri_encode(b, ids[i], strlen(ids[i]), false);
    }
}

static int fetch_by_filter(inventory *inv, const aws_config *c, const char *action, const char *filter,
                           const char *const *ids, size_t n, int64_t seen, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i += EC2_FILTER_BATCH) {
        size_t to = i + EC2_FILTER_BATCH < n ? i + EC2_FILTER_BATCH : n;
        dbuf params;
        dbuf_init(&params, 0);
        filter_params(&params, filter, ids, i, to);
        int rc = ec2_action(inv, c, action, params.data, seen, NULL, err, errlen);
        dbuf_free(&params);
        if (rc < 0) return -1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ec2_fetch_enis(inventory *inv, const aws_config *c, const char *const *eni_ids,
                   size_t n, char *err, size_t errlen)
{
    int64_t seen = (int64_t)time(NULL);
    if (!n) return 0;
    /* A filter, not NetworkInterfaceId.N: ENIs deleted since the logs were
     * written (Lambda, ECS) must not fail the whole call with NotFound. */
    if (fetch_by_filter(inv, c, "DescribeNetworkInterfaces", "network-interface-id", eni_ids, n, seen, err, errlen) < 0)
        return -1;
    const char **subnets = xcalloc(inv_eni_count(inv) + 1, sizeof *subnets);
    const char **vpcs = xcalloc(inv_eni_count(inv) + 1, sizeof *vpcs);
    size_t ns = 0, nv = 0;
    for (size_t i = 0; i < inv_eni_count(inv); i++) {
        const inv_eni *e = inv_eni_at(inv, i);
        if (!(e->source & INV_FROM_LIVE)) continue;
        if (e->subnet_id) subnets[ns++] = e->subnet_id;
        if (e->vpc_id) vpcs[nv++] = e->vpc_id;
    }
    qsort(subnets, ns, sizeof *subnets, cmp_str);
    qsort(vpcs, nv, sizeof *vpcs, cmp_str);
    size_t us = 0, uv = 0;
    for (size_t i = 0; i < ns; i++)
        if (!us || strcmp(subnets[us - 1], subnets[i]) != 0) subnets[us++] = subnets[i];
    for (size_t i = 0; i < nv; i++)
        if (!uv || strcmp(vpcs[uv - 1], vpcs[i]) != 0) vpcs[uv++] = vpcs[i];
    int rc = fetch_by_filter(inv, c, "DescribeSubnets", "subnet-id", subnets, us, seen, err, errlen);
    if (rc == 0) rc = fetch_by_filter(inv, c, "DescribeVpcs", "vpc-id", vpcs, uv, seen, err, errlen);
    free(subnets);
    free(vpcs);
    if (rc == 0) inv_add_source(inv, INV_FROM_LIVE, seen);
    return rc;
}
