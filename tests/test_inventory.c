/* Unit tests of src/inventory.c: classification tables, lookups by id and
 * address, and what finalize derives from subnets. */
#include "check.h"
#include "inventory.h"

int main(void)
{
    CHECK(inv_classify("nat_gateway", NULL, NULL) == ENI_NAT_GATEWAY);
    CHECK(inv_classify("natGateway", NULL, NULL) == ENI_NAT_GATEWAY);
    CHECK(inv_classify("interface", "Interface for NAT Gateway nat-0abc", NULL) == ENI_NAT_GATEWAY);
    CHECK(inv_classify("interface", "ELB app/web/50dc6c495c0c9188", NULL) == ENI_ALB);
    CHECK(inv_classify("interface", "ELB net/api/50dc6c495c0c9188", NULL) == ENI_NLB);
    CHECK(inv_classify("network_load_balancer", NULL, NULL) == ENI_NLB);
    CHECK(inv_classify("vpc_endpoint", NULL, NULL) == ENI_VPC_ENDPOINT);
    CHECK(inv_classify("interface", "VPC Endpoint Interface vpce-0123", NULL) == ENI_VPC_ENDPOINT);
    CHECK(inv_classify("transit_gateway", NULL, NULL) == ENI_TRANSIT_GATEWAY);
    CHECK(inv_classify("lambda", "AWS Lambda VPC ENI-x", NULL) == ENI_WORKLOAD);
    CHECK(inv_classify("interface", "primary network interface", NULL) == ENI_WORKLOAD);
    CHECK(inv_classify(NULL, NULL, NULL) == ENI_WORKLOAD);
    CHECK(eni_kind_is_managed(ENI_NAT_GATEWAY) && !eni_kind_is_managed(ENI_WORKLOAD) &&
          !eni_kind_is_managed(ENI_UNCLASSIFIED));
    eni_kind k;
    CHECK(eni_kind_parse("nat_gateway", &k) == 0 && k == ENI_NAT_GATEWAY);
    CHECK(eni_kind_parse("bogus", &k) < 0);

    inventory *inv = inv_new();
    inv_subnet *s = inv_subnet_get(inv, "subnet-a");
    s->vpc_id = inv_intern(inv, "vpc-1");
    s->az_name = inv_intern(inv, "us-east-1a");
    s->az_id = inv_intern(inv, "use1-az4");
    s->region = inv_intern(inv, "us-east-1");
    CHECK(ip_parse_cidr("10.0.48.0/20", &s->net, &s->bits) == 0);

    inv_eni *e = inv_eni_get(inv, "eni-b");
    e->subnet_id = inv_intern(inv, "subnet-a");
    e->instance_id = inv_intern(inv, "i-1");
    ip128 ip, pub;
    ip_parse("10.0.48.7", 9, &ip);
    ip_parse("54.1.2.3", 8, &pub);
    inv_eni_add_ip(inv, e, &pub, false);
    inv_eni_add_ip(inv, e, &ip, true);
    inv_eni_add_ip(inv, e, &ip, true); /* duplicates are ignored */
    CHECK(e->n_ips == 2 && e->n_private == 1 && ip_eq(&e->ips[0], &ip));
    inv_eni *e2 = inv_eni_get(inv, "eni-a");
    e2->az_name = inv_intern(inv, "us-east-1a");
    CHECK(inv_eni_get(inv, "eni-b") == e);
    inv_finalize(inv);

    const inv_eni *f = inv_by_ip(inv, &ip);
    CHECK(f && strcmp(f->id, "eni-b") == 0);
    CHECK(inv_by_ip(inv, &pub) == f);
    CHECK_STR(f->az_id, "use1-az4");
    CHECK_STR(f->vpc_id, "vpc-1");
    CHECK_STR(f->name, "i-1");
    CHECK_STR(inv_eni_at(inv, 0)->id, "eni-a"); /* sorted by id */
    CHECK_STR(inv_by_id(inv, "eni-a")->az_id, "use1-az4"); /* name mapped to id */
    CHECK(inv_subnet_containing(inv, &ip) == inv_subnet_by_id(inv, "subnet-a"));
    CHECK(inv_subnet_containing(inv, &pub) == NULL);
    ip128 other;
    ip_parse("10.9.9.9", 8, &other);
    CHECK(inv_by_ip(inv, &other) == NULL);
    CHECK(inv_by_id(inv, "eni-zzz") == NULL);
    inv_free(inv);

    /* A reused address: eni-old held 10.0.0.5 from Nov 1 to Nov 5 (then
     * was deleted; a merged snapshot keeps it), eni-new from Nov 10 to
     * Nov 20. Without a time the current holder wins (eni-new, although
     * eni-old sorts first); with a record's time, whoever held it then. */
    const int64_t day = 86400, nov1 = 1793491200; /* 2026-11-01T00:00:00Z */
    inv = inv_new();
    ip128 a5, a6;
    ip_parse("10.0.0.5", 8, &a5);
    ip_parse("10.0.0.6", 8, &a6);
    inv_eni *old = inv_eni_get(inv, "eni-0old");
    old->first_seen = nov1;
    old->last_seen = nov1 + 4 * day;
    inv_eni_add_ip(inv, old, &a5, true);
    inv_eni_add_ip(inv, old, &a6, true);
    inv_eni *nw = inv_eni_get(inv, "eni-1new");
    nw->first_seen = nov1 + 9 * day;
    nw->last_seen = nov1 + 19 * day;
    inv_eni_add_ip(inv, nw, &a5, true);
    inv_finalize(inv);
    static const struct {
        int64_t t;
        const char *want;
    } at[] = {
        {0, "eni-1new"},                 /* no time: the current holder */
        {1793491200 + 2 * 86400, "eni-0old"},  /* Nov 3: inside eni-0old's span */
        {1793491200 + 6 * 86400, "eni-0old"},  /* Nov 7, between: the last seen before */
        {1793491200 + 12 * 86400, "eni-1new"}, /* Nov 13: inside eni-1new's span */
        {1793491200 + 30 * 86400, "eni-1new"}, /* Dec 1, after both: the last seen before */
        {1793491200 - 30 * 86400, "eni-1new"}, /* before both: nothing known, the current */
    };
    CHECK_STR(inv_by_ip(inv, &a5)->id, "eni-1new");
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) CHECK_STR(inv_by_ip_at(inv, &a5, at[i].t)->id, at[i].want);
    CHECK_STR(inv_by_ip_at(inv, &a6, nov1 + 12 * day)->id, "eni-0old"); /* never shared */
    /* Tags: set, kept or replaced, looked up; sorted by key after finalize. */
    inv_eni_set_tag(inv, nw, "team", "data", false);
    inv_eni_set_tag(inv, nw, "team", "payments", false); /* kept */
    inv_eni_set_tag(inv, nw, "Name", "db", true);
    inv_eni_set_tag(inv, nw, "", "x", true);               /* no key: ignored */
    CHECK_STR(inv_eni_tag(nw, "team"), "data");
    inv_eni_set_tag(inv, nw, "team", "payments", true);    /* replaced */
    CHECK_STR(inv_eni_tag(nw, "team"), "payments");
    CHECK(nw->n_tags == 2 && inv_eni_tag(nw, "env") == NULL && inv_eni_tag(NULL, "team") == NULL);
    inv_finalize(inv);
    CHECK_STR(nw->tags[0].key, "Name");
    CHECK(inv_eni_lookup(inv, "eni-0old") == old && inv_eni_lookup(inv, "eni-2") == NULL);
    inv_free(inv);
    return check_done();
}
