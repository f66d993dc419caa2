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
    return check_done();
}
