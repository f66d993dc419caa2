/* test_graph: the topology graph (render/graph.c) drawn from a hand-built
 * cost_result of a small, realistic VPC, so the expected edges, dollars and
 * escaping are written here by hand rather than copied from the program.
 * Also: hostile tag values, --level/--top/--min-bytes/--focus, determinism,
 * DOT re-parse, PNG sanity, and the scale case of issue 6 (5,000 ENIs,
 * 200,000 flows) with its timings. */
#include <cgraph.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "graph.h"

#define GIB (1ull << 30)

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* ---- a tiny builder for hand-made results ---- */
typedef struct fixture {
    inventory *inv;
    cost_result r;
    size_t cap_eps, cap_flows, cap_charges;
} fixture;

static ip128 ip4(const char *s)
{
    ip128 ip;
    ip_parse(s, strlen(s), &ip);
    return ip;
}

static void subnet(inventory *inv, const char *id, const char *vpc, const char *az_id, const char *az_name,
                   const char *name, const char *cidr)
{
    inv_subnet *s = inv_subnet_get(inv, id);
    s->vpc_id = inv_intern(inv, vpc);
    s->az_id = inv_intern(inv, az_id);
    s->az_name = inv_intern(inv, az_name);
    s->region = inv_intern(inv, "us-east-1");
    s->name = inv_intern(inv, name);
    ip_parse_cidr(cidr, &s->net, &s->bits);
}

static inv_eni *eni(inventory *inv, const char *id, eni_kind kind, const char *subnet_id, const char *name,
                    const char *res, const char *ip)
{
    inv_eni *e = inv_eni_get(inv, id);
    e->kind = kind;
    e->subnet_id = inv_intern(inv, subnet_id);
    /* As in EC2: managed ENIs carry a description, workloads a Name tag. */
    if (eni_kind_is_managed(kind)) e->description = inv_intern(inv, name);
    else e->name = inv_intern(inv, name);
    e->resource_id = inv_intern(inv, res);
    ip128 a = ip4(ip);
    inv_eni_add_ip(inv, e, &a, true);
    return e;
}

static uint32_t ep_add(fixture *f, const char *ip, ep_class cls, const char *eni_id, const char *svc,
                       const char *region)
{
    cost_result *r = &f->r;
    if (r->n_eps == f->cap_eps) {
        f->cap_eps = f->cap_eps ? f->cap_eps * 2 : 16;
        r->eps = xrealloc(r->eps, f->cap_eps * sizeof *r->eps);
    }
    cost_endpoint *e = &r->eps[r->n_eps];
    memset(e, 0, sizeof *e);
    e->ip = ip4(ip);
    e->cls = cls;
    if (eni_id) {
        e->eni = inv_by_id(f->inv, eni_id);
        e->kind = e->eni->kind;
    }
    e->service = svc;
    e->region = region;
    return (uint32_t)r->n_eps++;
}

static void charge(fixture *f, uint32_t flow, uint32_t payer, int cat, double usd)
{
    cost_result *r = &f->r;
    if (r->n_charges == f->cap_charges) {
        f->cap_charges = f->cap_charges ? f->cap_charges * 2 : 16;
        r->charges = xrealloc(r->charges, f->cap_charges * sizeof *r->charges);
    }
    cost_charge *c = &r->charges[r->n_charges++];
    memset(c, 0, sizeof *c);
    c->flow = flow;
    c->payer = payer;
    c->cat = (uint8_t)cat;
    c->usd = usd;
    r->cat_usd[cat] += usd;
    r->total_usd += usd;
}

/* A flow with up to two charged categories (cat2 < 0: none). The payer of
 * everything is the sender when it is ours, else the receiver. */
static uint32_t flow(fixture *f, uint32_t src, uint32_t via, uint32_t dst, int path, int dest, uint64_t bytes,
                     int cat1, double usd1, int cat2, double usd2)
{
    cost_result *r = &f->r;
    if (r->n_flows == f->cap_flows) {
        f->cap_flows = f->cap_flows ? f->cap_flows * 2 : 16;
        r->flows = xrealloc(r->flows, f->cap_flows * sizeof *r->flows);
    }
    uint32_t i = (uint32_t)r->n_flows++;
    cost_flow *fl = &r->flows[i];
    memset(fl, 0, sizeof *fl);
    fl->src = src, fl->via = via, fl->dst = dst;
    fl->path = (uint8_t)path, fl->dest = (uint8_t)dest;
    fl->bytes = bytes;
    fl->packets = bytes / 1000 + 1;
    fl->records = 1;
    uint32_t payer = r->eps[src].cls == EP_ENI ? src : dst;
    if (cat1 >= 0) fl->cat_usd[cat1] += usd1, fl->usd += usd1, charge(f, i, payer, cat1, usd1);
    if (cat2 >= 0) fl->cat_usd[cat2] += usd2, fl->usd += usd2, charge(f, i, payer, cat2, usd2);
    if (cat1 < 0 && cat2 < 0) fl->cat_bytes[CAT_FREE] = bytes;
    r->total_bytes += bytes;
    return i;
}

static void fixture_free(fixture *f)
{
    free(f->r.eps);
    free(f->r.flows);
    free(f->r.charges);
    inv_free(f->inv);
}

/* Hostile values in every user string that reaches the picture; each
 * short enough to survive the 40-character label cut. */
static const char *const HOSTILE[] = {
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "]]></script> C:\\temp\\ \"q\" end\\",
    "&#1; &foo; &amp; -- \n\r\t\x01\x7f bad\xff\xfe utf8 \xed\xa0\x80 \\",
    "%node",
};

/* The small VPC: one NAT gateway in AZ 1, three private subnets in three
 * AZs, an interface endpoint, an ALB, a peered VPC, and these flows
 * (rates: NAT 0.045, inter-AZ 0.01+0.01, egress 0.09, inter-region 0.02,
 * endpoint 0.01 per GiB):
 *   f0 web-1 (az1) → NAT (az1) → Internet 1.2.3.4     10 GiB  NAT 0.45, egress 0.90
 *   f1 web-2 (az2) → NAT (az1) → S3 us-east-1          4 GiB  NAT 0.18, inter-AZ 0.08
 *   f2 web-1 (az1) → db-1 (az4)                         2 GiB  inter-AZ 0.04
 *   f3 Internet 8.8.8.8 → ALB (az1), inbound via IGW    1 GiB  free
 *   f4 ALB (az1) → web-2 (az2)                          1 GiB  inter-AZ 0.02
 *   f5 web-1 → interface endpoint vpce-sqs (its address) 3 GiB  endpoint 0.03
 *   f6 db-1 (az4) → partner (peered VPC, az1)           1 GiB  inter-AZ 0.02
 *   f7 web-2 → 10.99.0.1 (unknown private)            0.5 GiB free
 *   f8 web-1 → NAT → EC2 eu-west-1                      2 GiB  NAT 0.09, inter-region 0.04
 *   f9 ALB → 8.8.8.8 (responses, path LB, via the IGW)  1 GiB  egress 0.09
 * total $1.94. */
static void build_small(fixture *f, bool hostile)
{
    memset(f, 0, sizeof *f);
    inventory *inv = f->inv = inv_new();
    inv_vpc *v = inv_vpc_get(inv, "vpc-a");
    v->name = inv_intern(inv, hostile ? HOSTILE[0] : "prod");
    v->region = inv_intern(inv, "us-east-1");
    inv_vpc *pv = inv_vpc_get(inv, "vpc-peer");
    pv->name = inv_intern(inv, "partner");
    pv->region = inv_intern(inv, "us-east-1");
    subnet(inv, "subnet-pub-a", "vpc-a", "use1-az1", "us-east-1a", "public-a", "10.0.0.0/24");
    subnet(inv, "subnet-priv-a", "vpc-a", "use1-az1", "us-east-1a", hostile ? HOSTILE[1] : "private-a", "10.0.1.0/24");
    subnet(inv, "subnet-priv-b", "vpc-a", "use1-az2", "us-east-1b", "private-b", "10.0.2.0/24");
    subnet(inv, "subnet-priv-c", "vpc-a", "use1-az4", "us-east-1c", "private-c", "10.0.3.0/24");
    subnet(inv, "subnet-peer", "vpc-peer", "use1-az1", "us-east-1a", "peer-a", "10.1.1.0/24");
    eni(inv, "eni-web1", ENI_WORKLOAD, "subnet-priv-a", hostile ? HOSTILE[2] : "web-1", NULL, "10.0.1.10");
    eni(inv, "eni-web2", ENI_WORKLOAD, "subnet-priv-b", hostile ? HOSTILE[3] : "web-2", NULL, "10.0.2.10");
    eni(inv, "eni-db1", ENI_WORKLOAD, "subnet-priv-c", hostile ? HOSTILE[4] : "db-1", NULL, "10.0.3.10");
    eni(inv, "eni-nat", ENI_NAT_GATEWAY, "subnet-pub-a", "Interface for NAT Gateway nat-0aaa", "nat-0aaa",
        "10.0.0.5");
    eni(inv, "eni-alb", ENI_ALB, "subnet-pub-a", "ELB app/web/123", "app/web/123", "10.0.0.20");
    eni(inv, "eni-vpce", ENI_VPC_ENDPOINT, "subnet-priv-a", "VPC Endpoint Interface vpce-sqs", "vpce-sqs",
        "10.0.1.50");
    eni(inv, "eni-partner", ENI_WORKLOAD, "subnet-peer", "partner-api", NULL, "10.1.1.10");
    inv_finalize(inv);

    uint32_t web1 = ep_add(f, "10.0.1.10", EP_ENI, "eni-web1", NULL, NULL);
    uint32_t web2 = ep_add(f, "10.0.2.10", EP_ENI, "eni-web2", NULL, NULL);
    uint32_t db1 = ep_add(f, "10.0.3.10", EP_ENI, "eni-db1", NULL, NULL);
    uint32_t nat = ep_add(f, "10.0.0.5", EP_ENI, "eni-nat", NULL, NULL);
    uint32_t alb = ep_add(f, "10.0.0.20", EP_ENI, "eni-alb", NULL, NULL);
    uint32_t vpce = ep_add(f, "10.0.1.50", EP_ENI, "eni-vpce", NULL, NULL);
    uint32_t partner = ep_add(f, "10.1.1.10", EP_ENI, "eni-partner", NULL, NULL);
    uint32_t inet1 = ep_add(f, "1.2.3.4", EP_INTERNET, NULL, NULL, NULL);
    uint32_t inet2 = ep_add(f, "8.8.8.8", EP_INTERNET, NULL, NULL, NULL);
    uint32_t s3 = ep_add(f, "52.216.0.1", EP_AWS, NULL, "S3", "us-east-1");
    uint32_t ec2eu = ep_add(f, "3.3.3.3", EP_AWS, NULL, "EC2", "eu-west-1");
    uint32_t unk = ep_add(f, "10.99.0.1", EP_UNKNOWN_PRIVATE, NULL, NULL, NULL);

    flow(f, web1, nat, inet1, PATH_NAT, DEST_INTERNET, 10 * GIB, CAT_NAT_PROCESSING, 0.45, CAT_INTERNET_EGRESS, 0.90);
    flow(f, web2, nat, s3, PATH_NAT, DEST_AWS_SERVICE, 4 * GIB, CAT_NAT_PROCESSING, 0.18, CAT_INTER_AZ, 0.08);
    flow(f, web1, COST_NONE, db1, PATH_LOCAL, DEST_SAME_VPC, 2 * GIB, CAT_INTER_AZ, 0.04, -1, 0);
    uint32_t f3 = flow(f, inet2, COST_NONE, alb, PATH_IGW, DEST_INTERNET, 1 * GIB, -1, 0, -1, 0);
    f->r.flows[f3].flags = COST_FLOW_INBOUND;
    flow(f, alb, COST_NONE, web2, PATH_LOCAL, DEST_SAME_VPC, 1 * GIB, CAT_INTER_AZ, 0.02, -1, 0);
    flow(f, web1, COST_NONE, vpce, PATH_ENDPOINT, DEST_AWS_SERVICE, 3 * GIB, CAT_INTERFACE_ENDPOINT, 0.03, -1, 0);
    flow(f, db1, COST_NONE, partner, PATH_PEERING, DEST_OTHER_VPC, 1 * GIB, CAT_INTER_AZ, 0.02, -1, 0);
    flow(f, web2, COST_NONE, unk, PATH_LOCAL, DEST_UNKNOWN_PRIVATE, GIB / 2, -1, 0, -1, 0);
    flow(f, web1, nat, ec2eu, PATH_NAT, DEST_OTHER_REGION, 2 * GIB, CAT_NAT_PROCESSING, 0.09, CAT_INTER_REGION, 0.04);
    flow(f, alb, COST_NONE, inet2, PATH_LB, DEST_INTERNET, 1 * GIB, CAT_INTERNET_EGRESS, 0.09, -1, 0);
    f->r.period_start = 1794096000; /* 2026-11-08T00:00:00Z */
    f->r.period_end = 1794182400;
}

static char *render(const fixture *f, const char *level, size_t top, uint64_t min_bytes, const char *focus,
                    const char *fmt, int inl, size_t *len)
{
    graph_opts o = {level, top, min_bytes, focus, fmt, inl, NULL};
    dbuf out;
    dbuf_init(&out, 0);
    char err[FC_ERRLEN] = "";
    int rc = graph_render(&f->r, f->inv, &o, &out, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "graph_render: %s\n", err);
        dbuf_free(&out);
        return NULL;
    }
    char *s = dbuf_take(&out, len);
    return s;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)); p += k) n++;
    return n;
}

/* The DOT edge statement from `tail` to `head` (node names as written,
 * quotes included), or NULL. */
static const char *dot_edge(const char *dot, const char *tail, const char *head)
{
    char pat[512];
    snprintf(pat, sizeof pat, "%s -- %s", tail, head);
    return strstr(dot, pat);
}

/* Does the attribute list of the statement at p contain `attr`? */
static bool stmt_has(const char *p, const char *attr)
{
    if (!p) return false;
    const char *end = strstr(p, "];");
    const char *hit = strstr(p, attr);
    return hit && (!end || hit < end);
}

/* The edge statement tail -- head with dir=`dir` (two edges may join the
 * same pair: outbound, and inbound drawn backwards). */
static const char *dot_edge_dir(const char *dot, const char *tail, const char *head, const char *dir)
{
    char want[32];
    snprintf(want, sizeof want, "dir=%s", dir);
    for (const char *e = dot_edge(dot, tail, head); e; e = dot_edge(e + 1, tail, head))
        if (stmt_has(e, want)) return e;
    return NULL;
}

static bool xml_ok(const char *s, size_t len)
{
    xmlDocPtr d = xmlReadMemory(s, (int)len, "topology.svg", NULL, XML_PARSE_NONET);
    if (d) xmlFreeDoc(d);
    return d != NULL;
}

/* Sum of every "$x" on edge labels of a DOT text (label="… GiB\n$x"). */
static double dot_edge_usd(const char *dot)
{
    double sum = 0;
    for (const char *p = dot; (p = strstr(p, " -- ")); p++) {
        const char *end = strstr(p, "];");
        const char *l = strstr(p, "GiB\\n$");
        if (l && end && l < end) sum += strtod(l + 6, NULL);
    }
    return sum;
}

static void test_small_subnet(void)
{
    fixture f;
    build_small(&f, false);
    size_t len;
    char *dot = render(&f, "subnet", 0, 0, NULL, "dot", 0, &len);
    CHECK(dot != NULL);
    if (!dot) {
        fixture_free(&f);
        return;
    }
    /* Hand-computed edges (see build_small). */
    const char *W_A = "\"workloads in subnet-priv-a\"", *W_B = "\"workloads in subnet-priv-b\"",
               *W_C = "\"workloads in subnet-priv-c\"", *NAT = "\"NAT gateway nat-0aaa (eni-nat)\"",
               *IGW = "\"Internet gateway of vpc-a\"", *INET = "Internet",
               *ALB = "\"ALB app/web/123 (eni-alb)\"";
    const char *e;
    e = dot_edge(dot, W_A, NAT); /* f0 + f8: 12 GiB, NAT 0.45 + 0.09 */
    CHECK(stmt_has(e, "label=\"12.00 GiB\\n$0.54\""));
    CHECK(stmt_has(e, "color=\"#b2182b\""));
    e = dot_edge(dot, W_B, NAT); /* f1: 4 GiB, NAT 0.18 + inter-AZ 0.08, NAT dominates */
    CHECK(stmt_has(e, "label=\"4.00 GiB\\n$0.26\""));
    CHECK(stmt_has(e, "color=\"#b2182b\""));
    /* Free edges carry no label (it piled up at the IGW): their figures are
     * in the tooltip, with the share of the 59.5 GiB drawn (the 14 edges:
     * 12+4+16+11+1+4+2+2+1+1+1+3+1+0.5). */
    e = dot_edge(dot, NAT, IGW); /* f0 + f1 + f8 pass the IGW, billed elsewhere */
    CHECK(!stmt_has(e, "label=\"") && stmt_has(e, ": 16.00 GiB (26.9% of the bytes shown), $0.00\""));
    CHECK(stmt_has(e, "color=\"#bdbdbd\""));
    e = dot_edge_dir(dot, IGW, INET, "forward"); /* egress billed on the way out: f0 and f9 */
    CHECK(stmt_has(e, "label=\"11.00 GiB\\n$0.99\""));
    /* 11/59.5 = 18.5% of the bytes, 0.99/1.94 = 51.0% of the cost */
    CHECK(stmt_has(e, ": 11.00 GiB (18.5% of the bytes shown), $0.99 (51.0% of the cost shown); internet_egress"));
    CHECK(stmt_has(e, "color=\"#2166ac\""));
    CHECK(stmt_has(e, "style=dashed"));
    e = dot_edge_dir(dot, ALB, IGW, "forward"); /* f9: an Internet-facing LB uses the IGW */
    CHECK(!stmt_has(e, "label=\"") && stmt_has(e, ": 1.00 GiB (1.7% of the bytes shown), $0.00\""));
    e = dot_edge(dot, IGW, "\"S3 us-east-1\"");
    CHECK(!stmt_has(e, "label=\"") && stmt_has(e, ": 4.00 GiB (6.7% of the bytes shown), $0.00\""));
    e = dot_edge(dot, IGW, "\"EC2 eu-west-1\"");
    CHECK(stmt_has(e, "label=\"2.00 GiB\\n$0.04\""));
    CHECK(stmt_has(e, "color=\"#542788\""));
    CHECK(stmt_has(e, "style=dotted"));
    e = dot_edge(dot, W_A, W_C); /* f2 inter-AZ */
    CHECK(stmt_has(e, "label=\"2.00 GiB\\n$0.04\""));
    CHECK(stmt_has(e, "color=\"#e08214\""));
    /* f3 inbound: Internet → IGW → ALB, free; laid out from the inside
     * (the arrow drawn backwards) so the Internet stays on the right. */
    e = dot_edge_dir(dot, IGW, INET, "back");
    CHECK(!stmt_has(e, "label=\"") && stmt_has(e, ": 1.00 GiB (1.7% of the bytes shown), $0.00\""));
    e = dot_edge_dir(dot, ALB, IGW, "back");
    CHECK(!stmt_has(e, "label=\"") && stmt_has(e, ": 1.00 GiB (1.7% of the bytes shown), $0.00\""));
    e = dot_edge(dot, "\"ALB app/web/123 (eni-alb)\"", W_B);
    CHECK(stmt_has(e, "label=\"1.00 GiB\\n$0.02\""));
    e = dot_edge(dot, W_A, "\"interface endpoint vpce-sqs (eni-vpce)\"");
    CHECK(stmt_has(e, "label=\"3.00 GiB\\n$0.03\""));
    CHECK(stmt_has(e, "color=\"#1b9e77\""));
    e = dot_edge(dot, W_C, "\"workloads in subnet-peer\"");
    CHECK(stmt_has(e, "label=\"1.00 GiB\\n$0.02\""));
    e = dot_edge(dot, W_B, "\"unknown private\"");
    CHECK(!stmt_has(e, "label=\"") && stmt_has(e, ": 0.50 GiB (0.8% of the bytes shown), $0.00\""));
    CHECK(stmt_has(e, "color=\"#c2a5cf\""));
    /* 14 edges of traffic; the legend names the 7 categories drawn. */
    CHECK(count(dot, " -- ") == 14);
    CHECK(count(dot, "<td align=\"left\">") == 7);
    CHECK(!strstr(dot, "regional public IP") && !strstr(dot, "transit gateway"));
    /* Each charge lands on exactly one edge: the edges add up to the total. */
    CHECK_NEAR(dot_edge_usd(dot), 1.94, 0.001);
    /* Node labels: the NAT processed 16 GiB and billed 0.45+0.18+0.09. */
    CHECK(strstr(dot, "processed 16.00 GiB · $0.72") != NULL);
    /* the endpoint's own charges, though it is not a `via` in f5 */
    /* the endpoint is f5's destination, not a `via`: its charge still shows */
    CHECK(strstr(dot, "interface endpoint\\nvpce-sqs\\n3.00 GiB · $0.03") != NULL);
    /* web-1 sends 10+2+3+2 GiB and pays 1.35 + 0.04 + 0.03 + 0.13 */
    CHECK(strstr(dot, "workloads (1 ENI)\\n17.00 GiB · $1.55") != NULL);
    CHECK(strstr(dot, "AZ use1-az1 (us-east-1a)") && strstr(dot, "AZ use1-az2 (us-east-1b)") &&
          strstr(dot, "AZ use1-az4 (us-east-1c)"));
    CHECK(strstr(dot, "VPC prod\\nvpc-a · us-east-1") != NULL);
    CHECK(strstr(dot, "private-a\\nsubnet-priv-a · 10.0.1.0/24") != NULL);
    /* The DOT re-parses, with the same number of nodes and edges. */
    Agraph_t *g = agmemread(dot);
    CHECK(g != NULL);
    if (g) {
        CHECK(agnedges(g) == 14);
        agclose(g);
    }
    free(dot);

    /* The SVG: well-formed, a <title> per node and edge, deterministic. */
    size_t l1, l2;
    char *s1 = render(&f, "subnet", 0, 0, NULL, "svg", 0, &l1);
    char *s2 = render(&f, "subnet", 0, 0, NULL, "svg", 0, &l2);
    CHECK(s1 && s2 && l1 == l2 && memcmp(s1, s2, l1) == 0);
    if (s1) {
        CHECK(xml_ok(s1, l1));
        CHECK(strncmp(s1, "<?xml", 5) == 0);
        CHECK(count(s1, "class=\"edge\"") == 14);
        CHECK(count(s1, "<title>") == 1 + count(s1, "class=\"node\"") + 14 + count(s1, "class=\"cluster\""));
        CHECK(strstr(s1, "<title>NAT gateway nat&#45;0aaa (eni&#45;nat)</title>") != NULL);
        CHECK(strstr(s1, "<title>Internet</title>") != NULL);
        /* edge titles name the pair; the tooltip gives the direction */
        CHECK(strstr(s1, "<title>NAT gateway nat&#45;0aaa (eni&#45;nat)&#45;&#45;Internet gateway of vpc&#45;a</title>") != NULL);
        CHECK(strstr(s1, "xlink:title=\"from Internet to Internet gateway of vpc&#45;a: 1.00 GiB (1.7% of the bytes shown), $0.00\"") != NULL);
        /* Cluster titles are drawn last, over the edges, with a halo. */
        const char *lifted = strstr(s1, "<g class=\"cluster-titles\">");
        CHECK(lifted != NULL && strstr(lifted, ">VPC prod</text>") != NULL);
        /* no cluster keeps a title of its own, and each has at least one lifted */
        size_t left = 0;
        for (const char *q = strstr(s1, "class=\"cluster\""); q; q = strstr(q + 1, "class=\"cluster\"")) {
            const char *close = strstr(q, "</g>"), *t = strstr(q, "<text");
            left += t && close && t < close;
        }
        CHECK(left == 0);
        CHECK(count(s1, "paint-order=\"stroke\"") >= count(s1, "class=\"cluster\""));
        CHECK(strstr(s1, "<title>cluster_0 VPC prod vpc&#45;a · us&#45;east&#45;1</title>") != NULL);
    }
    free(s1);
    free(s2);
    char *in = render(&f, "subnet", 0, 0, NULL, "svg", 1, &l1);
    CHECK(in && strncmp(in, "<svg", 4) == 0 && !strstr(in, "<!DOCTYPE") && !strstr(in, "<?xml"));
    CHECK(in && xml_ok(in, l1));
    CHECK(in && strstr(in, "<g id=\"topology\" class=\"graph\"") && strstr(in, "id=\"topology_cluster_0\"") &&
          strstr(in, "id=\"topology_node1\""));
    free(in);
    /* a second graph in the same report gets its own ids */
    graph_opts o = {"az", 0, 0, NULL, "svg", 1, "cross<az>"};
    dbuf out;
    dbuf_init(&out, 0);
    char err[FC_ERRLEN];
    CHECK(graph_render(&f.r, f.inv, &o, &out, err, sizeof err) == 0);
    CHECK(out.data && strstr(out.data, "<g id=\"cross_az_\" class=\"graph\"") &&
          strstr(out.data, "id=\"cross_az__cluster_0\"") && !strstr(out.data, "id=\"topology"));
    dbuf_free(&out);
    fixture_free(&f);
}

static void test_levels(void)
{
    fixture f;
    build_small(&f, false);
    size_t len;
    /* vpc level: web-1 → db-1 inter-AZ stays inside one node, a loop that
     * keeps its $0.04; free chatter would not get one. */
    char *dot = render(&f, "vpc", 0, 0, NULL, "dot", 0, &len);
    CHECK(dot != NULL);
    if (dot) {
        const char *W = "\"workloads in vpc-a\"";
        CHECK(stmt_has(dot_edge(dot, W, W), "label=\"2.00 GiB\\n$0.04\""));
        CHECK(stmt_has(dot_edge(dot, W, "\"NAT gateway nat-0aaa (eni-nat)\""), "label=\"16.00 GiB\\n$0.80\""));
        CHECK_NEAR(dot_edge_usd(dot), 1.94, 0.001);
        CHECK(!strstr(dot, "subnet-priv-a"));
        free(dot);
    }
    /* az level: three workload nodes in vpc-a */
    dot = render(&f, "az", 0, 0, NULL, "dot", 0, &len);
    CHECK(dot != NULL);
    if (dot) {
        CHECK(strstr(dot, "\"workloads in use1-az1 of vpc-a\"") && strstr(dot, "\"workloads in use1-az2 of vpc-a\"") &&
              strstr(dot, "\"workloads in use1-az4 of vpc-a\""));
        CHECK_NEAR(dot_edge_usd(dot), 1.94, 0.001);
        free(dot);
    }
    /* eni level: one node per ENI, by name */
    dot = render(&f, "eni", 0, 0, NULL, "dot", 0, &len);
    CHECK(dot != NULL);
    if (dot) {
        CHECK(stmt_has(dot_edge(dot, "\"web-1 (eni-web1)\"", "\"db-1 (eni-db1)\""), "label=\"2.00 GiB\\n$0.04\""));
        CHECK(strstr(dot, "label=\"web-1\\neni-web1\\n17.00 GiB · $1.55\"") != NULL);
        CHECK_NEAR(dot_edge_usd(dot), 1.94, 0.001);
        free(dot);
    }
    /* bad level / format */
    graph_opts o = {"rack", 0, 0, NULL, "svg", 0, NULL};
    dbuf out;
    dbuf_init(&out, 0);
    char err[FC_ERRLEN] = "";
    CHECK(graph_render(&f.r, f.inv, &o, &out, err, sizeof err) == -1);
    CHECK_STR(err, "unknown level 'rack'; use vpc, az, subnet or eni");
    o.level = "eni", o.format = "gif";
    CHECK(graph_render(&f.r, f.inv, &o, &out, err, sizeof err) == -1);
    CHECK_STR(err, "unknown graph format 'gif'; use svg, dot or png");
    dbuf_free(&out);
    CHECK_STR(graph_format_of("a/b/topology.SVG"), "svg");
    CHECK_STR(graph_format_of("x.dot"), "dot");
    CHECK_STR(graph_format_of("x.png"), "png");
    CHECK(graph_format_of("x.jpg") == NULL && graph_format_of("dir.svg/x") == NULL && graph_format_of("x") == NULL);
    CHECK(strncmp(render_lib_versions(), "graphviz/2.", 11) == 0);
    fixture_free(&f);
}

static void test_top_min_focus(void)
{
    fixture f;
    build_small(&f, false);
    size_t len;
    /* --top 2 at eni level: collapsible are workloads and AWS services:
     * web-1 17 GiB, web-2 5.5, db-1 3, partner 1, S3 4, EC2 eu-west-1 2.
     * Top 2 = web-1, web-2; the rest fold. */
    char *dot = render(&f, "eni", 2, 0, NULL, "dot", 0, &len);
    CHECK(dot != NULL);
    if (dot) {
        CHECK(strstr(dot, "\"web-1 (eni-web1)\"") && strstr(dot, "\"web-2 (eni-web2)\""));
        CHECK(!strstr(dot, "\"db-1 (eni-db1)\""));
        CHECK(strstr(dot, "\"Other in subnet-priv-c\"") != NULL);
        CHECK(strstr(dot, "\"Other in subnet-peer\"") != NULL);
        CHECK(strstr(dot, "Other AWS services (2)") != NULL);
        CHECK(stmt_has(dot_edge(dot, "\"web-1 (eni-web1)\"", "\"Other in subnet-priv-c\""), "$0.04"));
        CHECK_NEAR(dot_edge_usd(dot), 1.94, 0.001); /* folding moves dollars, never drops them */
        free(dot);
    }
    /* --min-bytes 1.5 GiB: the 1 GiB and 0.5 GiB edges are hidden and said so */
    dot = render(&f, "subnet", 0, 3 * GIB / 2, NULL, "dot", 0, &len);
    CHECK(dot != NULL);
    if (dot) {
        CHECK(!strstr(dot, "\"unknown private\""));
        CHECK(strstr(dot, "smaller edges hidden") != NULL);
        free(dot);
    }
    /* --focus db-1's address: only f2 and f6 */
    dot = render(&f, "eni", 0, 0, "10.0.3.10", "dot", 0, &len);
    CHECK(dot != NULL);
    if (dot) {
        CHECK(dot_edge(dot, "\"web-1 (eni-web1)\"", "\"db-1 (eni-db1)\"") != NULL);
        CHECK(dot_edge(dot, "\"db-1 (eni-db1)\"", "\"partner-api (eni-partner)\"") != NULL);
        CHECK(!strstr(dot, "NAT gateway"));
        CHECK_NEAR(dot_edge_usd(dot), 0.06, 0.001);
        free(dot);
    }
    /* --focus the NAT by its gateway id: f0, f1, f8 */
    dot = render(&f, "subnet", 0, 0, "nat-0aaa", "dot", 0, &len);
    CHECK(dot != NULL);
    if (dot) {
        CHECK_NEAR(dot_edge_usd(dot), 1.35 + 0.26 + 0.13, 0.001);
        CHECK(!strstr(dot, "vpce-sqs"));
        free(dot);
    }
    /* --focus a subnet */
    dot = render(&f, "subnet", 0, 0, "subnet-priv-c", "dot", 0, &len);
    CHECK(dot && dot_edge_usd(dot) > 0.059 && dot_edge_usd(dot) < 0.061);
    free(dot);
    graph_opts o = {"eni", 0, 0, "eni-nothing", "svg", 0, NULL};
    dbuf out;
    dbuf_init(&out, 0);
    char err[FC_ERRLEN] = "";
    CHECK(graph_render(&f.r, f.inv, &o, &out, err, sizeof err) == -1);
    CHECK_STR(err, "--focus 'eni-nothing' matches no address, id or workload name in the traffic");
    dbuf_free(&out);
    /* --focus a workload's name: db-1 is 10.0.3.10, the same picture (f2, f6: $0.06) */
    dot = render(&f, "eni", 0, 0, "db-1", "dot", 0, &len);
    CHECK(dot != NULL);
    if (dot) {
        CHECK(dot_edge(dot, "\"web-1 (eni-web1)\"", "\"db-1 (eni-db1)\"") != NULL);
        CHECK(!strstr(dot, "NAT gateway"));
        CHECK_NEAR(dot_edge_usd(dot), 0.06, 0.001);
        free(dot);
    }
    /* web-2 renamed web-1: two workloads share the name, an error listing both */
    inv_eni_get(f.inv, "eni-web2")->name = inv_intern(f.inv, "web-1");
    graph_opts amb = {"eni", 0, 0, "web-1", "svg", 0, NULL};
    dbuf_init(&out, 0);
    CHECK(graph_render(&f.r, f.inv, &amb, &out, err, sizeof err) == -1);
    CHECK_STR(err, "--focus 'web-1' is ambiguous: it names eni-web1 (10.0.1.10), eni-web2 (10.0.2.10); "
                   "give an address or an ENI id");
    dbuf_free(&out);
    /* ... but two ENIs of one instance are one workload */
    inv_eni_get(f.inv, "eni-web1")->instance_id = inv_intern(f.inv, "i-web");
    inv_eni_get(f.inv, "eni-web2")->instance_id = inv_intern(f.inv, "i-web");
    dbuf_init(&out, 0);
    CHECK(graph_render(&f.r, f.inv, &amb, &out, err, sizeof err) == 0);
    dbuf_free(&out);
    fixture_free(&f);
}

/* No traffic at all (e.g. a window with no records): a valid, empty picture. */
static void test_empty(void)
{
    fixture f;
    memset(&f, 0, sizeof f);
    f.inv = inv_new();
    inv_finalize(f.inv);
    size_t len;
    char *svg = render(&f, "subnet", 50, 0, NULL, "svg", 0, &len);
    CHECK(svg && xml_ok(svg, len) && count(svg, "class=\"node\"") == 0 && strstr(svg, "cost shown $0.00"));
    free(svg);
    char *dot = render(&f, "eni", 0, 0, NULL, "dot", 0, &len);
    Agraph_t *g = dot ? agmemread(dot) : NULL;
    CHECK(g && agnnodes(g) == 0);
    if (g) agclose(g);
    free(dot);
    fixture_free(&f);
}

static void test_hostile(void)
{
    fixture f;
    build_small(&f, true);
    const char *levels[] = {"eni", "subnet"};
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        char *svg = render(&f, levels[i], 0, 0, NULL, "svg", 0, &len);
        CHECK(svg != NULL);
        if (!svg) continue;
        CHECK(xml_ok(svg, len));
        CHECK(!strstr(svg, "<script") && !strstr(svg, "<img") && !strstr(svg, "&#1;") && !strstr(svg, "&foo;"));
        CHECK(!strstr(svg, "]]>"));
        CHECK(strstr(svg, "&lt;script&gt;") != NULL);
        CHECK(strstr(svg, "&quot;&gt;&lt;img") != NULL); /* the subnet's Name */
        if (i == 0) { /* ENI names are drawn at --level eni only */
            CHECK(strstr(svg, "C:⧵temp⧵") != NULL);     /* backslash → U+29F5 */
            CHECK(strstr(svg, "&amp;#1;") != NULL);     /* shown literally */
            CHECK(strstr(svg, "\xef\xbf\xbd") != NULL); /* bad UTF-8 → U+FFFD */
            CHECK(strstr(svg, "<title> %node (eni&#45;db1)</title>") != NULL);
        }
        for (const unsigned char *p = (const unsigned char *)svg; *p; p++)
            if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') {
                CHECK(!"control character in SVG");
                break;
            }
        size_t il;
        char *in = render(&f, levels[i], 0, 0, NULL, "svg", 1, &il);
        CHECK(in && xml_ok(in, il) && !strstr(in, "</script>"));
        free(in);
        char *dot = render(&f, levels[i], 0, 0, NULL, "dot", 0, &len);
        Agraph_t *g = dot ? agmemread(dot) : NULL;
        CHECK(g != NULL); /* a trailing backslash or quote cannot break the DOT */
        if (g) agclose(g);
        free(dot);
        free(svg);
    }
    size_t len;
    char *png = render(&f, "eni", 0, 0, NULL, "png", 0, &len);
    CHECK(png && len > 1000 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
    free(png);
    fixture_free(&f);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_png(void)
{
    fixture f;
    build_small(&f, false);
    size_t len;
    char *png = render(&f, "subnet", 0, 0, NULL, "png", 0, &len);
    CHECK(png && len > 8 + 25 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(png + 12, "IHDR", 4) == 0);
    if (png && len > 24) {
        uint32_t w = be32((const unsigned char *)png + 16), h = be32((const unsigned char *)png + 20);
        printf("png: %u x %u, %zu bytes\n", w, h, len);
        CHECK(w >= 400 && w <= 8000 && h >= 300 && h <= 8000);
        const char *keep = getenv("FC_GRAPH_PNG"); /* to look at it */
        if (keep) fc_write_file_atomic(keep, png, len, NULL, 0);
    }
    free(png);
    fixture_free(&f);
}

/* ---- the scale case of issue 6 ----
 * 5,000 ENIs in 3 VPCs / 60 subnets (20 per VPC over 3 AZs), 3 NAT
 * gateways and 2 interface endpoints per VPC, and 200,000 distinct flows:
 * east-west between workloads (tiers talk to a few peers), to S3/DynamoDB
 * through the NAT, to 60,000 distinct Internet addresses. */
static uint64_t rnd_state = 0x243F6A8885A308D3ull;
static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13, rnd_state ^= rnd_state >> 7, rnd_state ^= rnd_state << 17;
    return (uint32_t)(rnd_state >> 11);
}

static void build_large(fixture *f)
{
    memset(f, 0, sizeof *f);
    inventory *inv = f->inv = inv_new();
    char id[64], name[64], cidr[64], ip[32];
    static const char *const az_id[3] = {"use1-az1", "use1-az2", "use1-az4"};
    static const char *const az_nm[3] = {"us-east-1a", "us-east-1b", "us-east-1c"};
    for (int v = 0; v < 3; v++) {
        snprintf(id, sizeof id, "vpc-%04d", v);
        inv_vpc *vp = inv_vpc_get(inv, id);
        snprintf(name, sizeof name, "vpc %d", v);
        vp->name = inv_intern(inv, name);
        vp->region = inv_intern(inv, "us-east-1");
        for (int s = 0; s < 20; s++) {
            char sid[64];
            snprintf(sid, sizeof sid, "subnet-%02d%02d", v, s);
            snprintf(name, sizeof name, "%s-%d", s < 3 ? "public" : "private", s);
            snprintf(cidr, sizeof cidr, "10.%d.%d.0/24", v, s);
            subnet(inv, sid, id, az_id[s % 3], az_nm[s % 3], name, cidr);
        }
    }
    /* managed ENIs: NAT in public subnets 0..2, endpoints in 3, 4 */
    for (int v = 0; v < 3; v++)
        for (int k = 0; k < 5; k++) {
            char sid[64], res[64];
            snprintf(sid, sizeof sid, "subnet-%02d%02d", v, k < 3 ? k : k);
            snprintf(id, sizeof id, "eni-m%d%d", v, k);
            snprintf(res, sizeof res, k < 3 ? "nat-%d%d" : "vpce-%d%d", v, k);
            snprintf(ip, sizeof ip, "10.%d.%d.250", v, k);
            eni(inv, id, k < 3 ? ENI_NAT_GATEWAY : ENI_VPC_ENDPOINT, sid, res, res, ip);
        }
    const int n_work = 5000 - 15;
    for (int i = 0; i < n_work; i++) {
        int v = i % 3, s = 3 + (i / 3) % 17;
        char sid[64];
        snprintf(sid, sizeof sid, "subnet-%02d%02d", v, s);
        snprintf(id, sizeof id, "eni-w%05d", i);
        snprintf(name, sizeof name, "app-%d-%d", s, i % 40);
        snprintf(ip, sizeof ip, "10.%d.%d.%d", v, s, 1 + i / 51 % 240);
        eni(inv, id, ENI_WORKLOAD, sid, name, NULL, ip);
    }
    inv_finalize(inv);
    size_t n_eni = inv_eni_count(inv);
    uint32_t *work = xmalloc(n_eni * sizeof *work);
    uint32_t nat[3][3], vpce[3][2];
    size_t nw = 0;
    for (size_t i = 0; i < n_eni; i++) {
        const inv_eni *e = inv_eni_at(inv, i);
        char t[IP_STRLEN];
        ip_format(&e->ips[0], t, sizeof t);
        uint32_t ep = ep_add(f, t, EP_ENI, e->id, NULL, NULL);
        if (e->kind == ENI_WORKLOAD) work[nw++] = ep;
        else {
            int v = e->id[5] - '0', k = e->id[6] - '0';
            if (k < 3) nat[v][k] = ep;
            else vpce[v][k - 3] = ep;
        }
    }
    uint32_t aws[4];
    aws[0] = ep_add(f, "52.216.0.1", EP_AWS, NULL, "S3", "us-east-1");
    aws[1] = ep_add(f, "52.94.0.1", EP_AWS, NULL, "DYNAMODB", "us-east-1");
    aws[2] = ep_add(f, "3.3.3.3", EP_AWS, NULL, "EC2", "eu-west-1");
    aws[3] = ep_add(f, "52.95.0.1", EP_AWS, NULL, "SQS", "us-east-1");
    const size_t n_inet = 60000;
    uint32_t inet0 = (uint32_t)f->r.n_eps;
    for (size_t i = 0; i < n_inet; i++) {
        snprintf(ip, sizeof ip, "%zu.%zu.%zu.%zu", 11 + i / 65536, i / 256 % 256, i % 256, 7 + i % 3);
        ep_add(f, ip, EP_INTERNET, NULL, NULL, NULL);
    }
    for (size_t i = 0; i < 200000; i++) {
        uint32_t a = work[rnd() % nw];
        const inv_eni *ea = f->r.eps[a].eni;
        int v = ea->vpc_id[7] - '0';
        uint64_t bytes = 1000 + (uint64_t)(rnd() % 50000000);
        double gb = (double)bytes / GIB;
        switch (i % 4) {
        case 0: { /* east-west to a workload of the same VPC (usually the same tier) */
            uint32_t b = work[(rnd() % (nw / 3)) * 3 + (uint32_t)v];
            if (b == a) b = work[(a + 3) % nw];
            const inv_eni *eb = f->r.eps[b].eni;
            bool cross = strcmp(ea->az_id, eb->az_id) != 0;
            flow(f, a, COST_NONE, b, PATH_LOCAL, DEST_SAME_VPC, bytes, cross ? CAT_INTER_AZ : -1, 0.02 * gb, -1, 0);
            break;
        }
        case 1: { /* to the Internet via the NAT of some AZ */
            int k = (int)(rnd() % 3);
            bool cross = strcmp(ea->az_id, az_id[k]) != 0;
            flow(f, a, nat[v][k], inet0 + (uint32_t)(i / 4 % n_inet), PATH_NAT, DEST_INTERNET, bytes,
                 CAT_NAT_PROCESSING, 0.045 * gb, cross ? CAT_INTER_AZ : CAT_INTERNET_EGRESS,
                 cross ? 0.02 * gb : 0.09 * gb);
            break;
        }
        case 2: /* AWS services through the NAT */
            flow(f, a, nat[v][rnd() % 3], aws[rnd() % 3], PATH_NAT, DEST_AWS_SERVICE, bytes, CAT_NAT_PROCESSING,
                 0.045 * gb, -1, 0);
            break;
        default: /* interface endpoint, or inbound from the Internet */
            if (i % 8 == 3)
                flow(f, a, vpce[v][rnd() % 2], aws[3], PATH_ENDPOINT, DEST_AWS_SERVICE, bytes,
                     CAT_INTERFACE_ENDPOINT, 0.01 * gb, -1, 0);
            else
                flow(f, inet0 + (uint32_t)(i % n_inet), COST_NONE, a, PATH_IGW, DEST_INTERNET, bytes, -1, 0, -1, 0);
        }
    }
    free(work);
}

static double now_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_scale(void)
{
    fixture f;
    build_large(&f);
    static const struct {
        const char *level;
        size_t top;
        double limit_s;
    } cases[] = {{"subnet", 50, 5.0}, {"subnet", 0, 5.0}, {"eni", 300, 10.0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
        size_t len;
        char *svg = render(&f, cases[i].level, cases[i].top, 0, NULL, "svg", 0, &len);
        double wall = now_s(CLOCK_MONOTONIC) - w0, cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        CHECK(svg != NULL);
        if (!svg) continue;
        printf("scale: %zu ENIs, %zu flows, --level %s --top %zu: %.2f s wall, %.2f s cpu, svg %zu bytes, %zu nodes, "
               "%zu edges\n",
               inv_eni_count(f.inv), f.r.n_flows, cases[i].level, cases[i].top, wall, cpu, len,
               count(svg, "class=\"node\""), count(svg, "class=\"edge\""));
        CHECK(len < 2 * 1000 * 1000);
        CHECK(xml_ok(svg, len));
        /* --top counts collapsible nodes: the 4 AWS services (each heavier than
         * any ENI) and 296 ENIs at eni level; at subnet level 51 workload
         * subnets + 4 services, so --top 50 folds 5 of them into Other. */
        if (strcmp(cases[i].level, "eni") == 0) CHECK(count(svg, "class=\"node\">\n<title>app&#45;") == 296);
        else CHECK((count(svg, "Other: ") > 0) == (cases[i].top == 50));
        /* CPU time, not wall time: the machine is shared. Sanitizers slow
         * everything several-fold, so the limits hold for plain builds. */
        if (!SANITIZED) CHECK(cpu < cases[i].limit_s);
        const char *dir = getenv("FC_GRAPH_SCALE_DIR"); /* to look at the pictures */
        if (dir) {
            char path[512];
            snprintf(path, sizeof path, "%s/scale-%s-%zu.svg", dir, cases[i].level, cases[i].top);
            fc_write_file_atomic(path, svg, len, NULL, 0);
            char *dot = render(&f, cases[i].level, cases[i].top, 0, NULL, "dot", 0, &len);
            snprintf(path, sizeof path, "%s/scale-%s-%zu.dot", dir, cases[i].level, cases[i].top);
            if (dot) fc_write_file_atomic(path, dot, len, NULL, 0);
            free(dot);
        }
        free(svg);
    }
    fixture_free(&f);
}

/* The cross-AZ graph from the small fixture's inter-AZ flows (f1, f2, f4,
 * f6), written out as r->az_pairs:
 *   use1-az2 → use1-az1 4 GiB $0.08 (web-2 → NAT), use1-az1 → use1-az4 2 GiB
 *   $0.04 (web-1 → db-1), use1-az1 → use1-az2 1 GiB $0.02 (ALB → web-2),
 *   use1-az4 → use1-az1 1 GiB $0.02 (db-1 → partner).
 * Per AZ: az1 sent 2+1 = 3, received 4+1 = 5 GiB, halves 0.02+0.01 (out) +
 * 0.04+0.01 (in) = 0.08; az2 sent 4, received 1, 0.04 + 0.01 = 0.05; az4
 * sent 1, received 2, 0.01 + 0.02 = 0.03; together the $0.16 of the pairs. */
static void test_cross_az(void)
{
    fixture f;
    build_small(&f, false);
    cost_az_pair pairs[] = {{"use1-az2", "use1-az1", 4 * GIB, 0.08}, {"use1-az1", "use1-az4", 2 * GIB, 0.04},
                            {"use1-az1", "use1-az2", 1 * GIB, 0.02}, {"use1-az4", "use1-az1", 1 * GIB, 0.02}};
    f.r.az_pairs = pairs;
    f.r.n_az_pairs = 4;
    graph_opts o = {.format = "dot"};
    dbuf out;
    dbuf_init(&out, 0);
    char err[FC_ERRLEN] = "";
    CHECK(graph_render_cross_az(&f.r, f.inv, &o, &out, err, sizeof err) == 0);
    const char *dot = out.data ? out.data : "";
    CHECK(strstr(dot, "Cross-AZ transfer · $0.16 (both halves)") != NULL);
    CHECK(strstr(dot, "use1-az1 (us-east-1a)\\nsent 3.00 GiB · received 5.00 GiB\\ninter-AZ halves $0.08") != NULL);
    CHECK(strstr(dot, "use1-az2 (us-east-1b)\\nsent 4.00 GiB · received 1.00 GiB\\ninter-AZ halves $0.05") != NULL);
    CHECK(strstr(dot, "use1-az4 (us-east-1c)\\nsent 1.00 GiB · received 2.00 GiB\\ninter-AZ halves $0.03") != NULL);
    CHECK(stmt_has(strstr(dot, "\"use1-az2\" -> \"use1-az1\""), "label=\"4.00 GiB\\n$0.08\""));
    CHECK(stmt_has(strstr(dot, "\"use1-az1\" -> \"use1-az4\""), "label=\"2.00 GiB\\n$0.04\""));
    CHECK(count(dot, " -> ") == 4);
    dbuf_free(&out);
    /* SVG: well-formed, text at 13-14 pt whatever the account's size. */
    o.format = "svg";
    dbuf_init(&out, 0);
    CHECK(graph_render_cross_az(&f.r, f.inv, &o, &out, err, sizeof err) == 0);
    CHECK(out.data && xml_ok(out.data, out.len));
    CHECK(out.data && !strstr(out.data, "font-size=\"8.00\"") && strstr(out.data, "font-size=\"13.00\""));
    dbuf_free(&out);
    /* no inter-AZ traffic: an error saying so, not an empty picture */
    f.r.n_az_pairs = 0;
    dbuf_init(&out, 0);
    CHECK(graph_render_cross_az(&f.r, f.inv, &o, &out, err, sizeof err) < 0 && strstr(err, "no traffic crossed"));
    dbuf_free(&out);
    f.r.az_pairs = NULL;
    fixture_free(&f);
}

int main(void)
{
    test_cross_az();
    test_small_subnet();
    test_levels();
    test_top_min_focus();
    test_empty();
    test_hostile();
    test_png();
    if (!getenv("FC_GRAPH_SKIP_SCALE")) test_scale();
    return check_done();
}
