/* test_ec2_xml: EC2 Describe* responses (shaped after the EC2 API
 * reference: networkInterfaceSet/item, privateIpAddressesSet,
 * association/publicIp, tagSet, subnetSet with availabilityZoneId,
 * natGatewaySet/natGatewayAddressSet, vpcSet/cidrBlockAssociationSet,
 * vpcEndpointSet/networkInterfaceIdSet; the <Response><Errors> error
 * document) parsed into the inventory; hostile and broken XML refused; the
 * JSON snapshot written, read back and merged. Every expected value is
 * written out by hand from the documents below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ec2.h"
#include "inventory.h"
#include "snapshot.h"
#include "util.h"

static int failures;

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__, __LINE__, #cond);   \
            failures++;                                                       \
        }                                                                     \
    } while (0)

#define CHECK_STR(got, want)                                                          \
    do {                                                                              \
        const char *g_ = (got), *w_ = (want);                                         \
        if (!g_ || !w_ ? g_ != w_ : strcmp(g_, w_) != 0) {                            \
            fprintf(stderr, "%s:%d: FAIL %s = '%s', want '%s'\n", __FILE__, __LINE__, \
                    #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");                    \
            failures++;                                                               \
        }                                                                             \
    } while (0)

static const char ENIS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<DescribeNetworkInterfacesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
    " <requestId>fc45294c-006b-457b-bab9-012f5b3b0e40</requestId>\n"
    " <networkInterfaceSet>\n"
    "  <item>\n"
    "   <networkInterfaceId>eni-0f7db5f7e0c7a1b01</networkInterfaceId>\n"
    "   <subnetId>subnet-0aaa</subnetId><vpcId>vpc-01</vpcId>\n"
    "   <availabilityZone>us-east-1a</availabilityZone>\n"
    "   <description>web server</description><ownerId>111122223333</ownerId>\n"
    "   <requesterManaged>false</requesterManaged><status>in-use</status>\n"
    "   <privateIpAddress>10.0.1.17</privateIpAddress>\n"
    "   <attachment><attachmentId>eni-attach-1</attachmentId><instanceId>i-0123456789abcdef0</instanceId></attachment>\n"
    "   <association><publicIp>54.10.20.30</publicIp><ipOwnerId>amazon</ipOwnerId></association>\n"
    "   <tagSet><item><key>env</key><value>prod</value></item><item><key>Name</key><value>web-1</value></item></tagSet>\n"
    "   <privateIpAddressesSet>\n"
    "    <item><privateIpAddress>10.0.1.17</privateIpAddress><primary>true</primary>\n"
    "     <association><publicIp>54.10.20.30</publicIp></association></item>\n"
    "    <item><privateIpAddress>10.0.1.18</privateIpAddress><primary>false</primary></item>\n"
    "   </privateIpAddressesSet>\n"
    "   <ipv6AddressesSet><item><ipv6Address>2600:1f18:abcd::17</ipv6Address></item></ipv6AddressesSet>\n"
    "   <interfaceType>interface</interfaceType>\n"
    "  </item>\n"
    "  <item>\n"
    "   <networkInterfaceId>eni-0nat000000000001</networkInterfaceId>\n"
    "   <subnetId>subnet-0bbb</subnetId><vpcId>vpc-01</vpcId>\n"
    "   <availabilityZone>us-east-1b</availabilityZone>\n"
    "   <description>Interface for NAT Gateway nat-0a1b2c3d4e5f60718</description>\n"
    "   <requesterId>amazon-elb</requesterId><requesterManaged>true</requesterManaged>\n"
    "   <privateIpAddressesSet><item><privateIpAddress>10.0.2.5</privateIpAddress>\n"
    "    <association><publicIp>3.3.3.3</publicIp></association></item></privateIpAddressesSet>\n"
    "   <interfaceType>nat_gateway</interfaceType>\n"
    "  </item>\n"
    "  <item>\n"
    "   <networkInterfaceId>eni-0vpce00000000001</networkInterfaceId>\n"
    "   <subnetId>subnet-0bbb</subnetId><vpcId>vpc-01</vpcId>\n"
    "   <description>VPC Endpoint Interface vpce-0123456789abcdef0</description>\n"
    "   <privateIpAddressesSet><item><privateIpAddress>10.0.2.9</privateIpAddress></item></privateIpAddressesSet>\n"
    "   <interfaceType>vpc_endpoint</interfaceType>\n"
    "  </item>\n"
    "  <item>\n"
    "   <networkInterfaceId>eni-0alb000000000001</networkInterfaceId>\n"
    "   <subnetId>subnet-0aaa</subnetId>\n"
    "   <description>ELB app/my-alb/50dc6c495c0c9188</description>\n"
    "   <privateIpAddress>10.0.1.99</privateIpAddress>\n"
    "   <interfaceType>interface</interfaceType>\n"
    "  </item>\n"
    "  <item>\n"
    "   <networkInterfaceId>eni-0lambda000000001</networkInterfaceId>\n"
    "   <subnetId>subnet-0aaa</subnetId>\n"
    "   <description>AWS Lambda VPC ENI-my-fn-1234</description>\n"
    "   <privateIpAddress>10.0.1.200</privateIpAddress>\n"
    "   <interfaceType>lambda</interfaceType>\n"
    "  </item>\n"
    "  <item><description>an item without an id is skipped</description></item>\n"
    " </networkInterfaceSet>\n"
    " <nextToken>page-2-token</nextToken>\n"
    "</DescribeNetworkInterfacesResponse>\n";

static const char SUBNETS[] =
    "<DescribeSubnetsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
    " <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>\n"
    " <subnetSet>\n"
    "  <item><subnetId>subnet-0aaa</subnetId><state>available</state><vpcId>vpc-01</vpcId>\n"
    "   <cidrBlock>10.0.1.0/24</cidrBlock><availabilityZone>us-east-1a</availabilityZone>\n"
    "   <availabilityZoneId>use1-az4</availabilityZoneId>\n"
    "   <tagSet><item><key>Name</key><value>public-a</value></item></tagSet></item>\n"
    "  <item><subnetId>subnet-0bbb</subnetId><vpcId>vpc-01</vpcId>\n"
    "   <cidrBlock>10.0.2.0/24</cidrBlock><availabilityZone>us-east-1b</availabilityZone>\n"
    "   <availabilityZoneId>use1-az6</availabilityZoneId></item>\n"
    " </subnetSet>\n"
    "</DescribeSubnetsResponse>\n";

static const char NATS[] =
    "<DescribeNatGatewaysResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
    " <natGatewaySet>\n"
    "  <item><natGatewayId>nat-0a1b2c3d4e5f60718</natGatewayId><subnetId>subnet-0bbb</subnetId>\n"
    "   <vpcId>vpc-01</vpcId><state>available</state>\n"
    "   <natGatewayAddressSet><item><networkInterfaceId>eni-0nat000000000001</networkInterfaceId>\n"
    "    <privateIp>10.0.2.5</privateIp><publicIp>3.3.3.3</publicIp></item></natGatewayAddressSet>\n"
    "   <tagSet><item><key>Name</key><value>egress-b</value></item></tagSet></item>\n"
    "  <item><natGatewayId>nat-0dead</natGatewayId><state>deleted</state>\n"
    "   <natGatewayAddressSet><item><networkInterfaceId>eni-0gone</networkInterfaceId>\n"
    "    <privateIp>10.0.2.77</privateIp></item></natGatewayAddressSet></item>\n"
    " </natGatewaySet>\n"
    "</DescribeNatGatewaysResponse>\n";

static const char VPCS[] =
    "<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
    " <vpcSet><item><vpcId>vpc-01</vpcId><cidrBlock>10.0.0.0/16</cidrBlock>\n"
    "  <cidrBlockAssociationSet><item><cidrBlock>10.0.0.0/16</cidrBlock></item>\n"
    "   <item><cidrBlock>100.64.0.0/20</cidrBlock></item></cidrBlockAssociationSet>\n"
    "  <ipv6CidrBlockAssociationSet><item><ipv6CidrBlock>2600:1f18:abcd::/56</ipv6CidrBlock></item></ipv6CidrBlockAssociationSet>\n"
    "  <tagSet><item><key>Name</key><value>main</value></item></tagSet></item></vpcSet>\n"
    "</DescribeVpcsResponse>\n";

static const char VPCES[] =
    "<DescribeVpcEndpointsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
    " <vpcEndpointSet><item><vpcEndpointId>vpce-0123456789abcdef0</vpcEndpointId>\n"
    "  <vpcEndpointType>Interface</vpcEndpointType><vpcId>vpc-01</vpcId>\n"
    "  <serviceName>com.amazonaws.us-east-1.s3</serviceName>\n"
    "  <networkInterfaceIdSet><item>eni-0vpce00000000001</item></networkInterfaceIdSet>\n"
    "  <tagSet><item><key>Name</key><value>s3-endpoint</value></item></tagSet></item>\n"
    " </vpcEndpointSet>\n"
    "</DescribeVpcEndpointsResponse>\n";

static const char AUTH_ERROR[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Response><Errors><Error><Code>AuthFailure</Code>"
    "<Message>AWS was not able to validate the provided access credentials</Message></Error></Errors>"
    "<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>\n";

static int parse(inventory *inv, const char *xml, char *err)
{
    return ec2_parse_xml(inv, xml, strlen(xml), "us-east-1", err, FC_ERRLEN);
}

static const inv_eni *eni(const inventory *inv, const char *id)
{
    const inv_eni *e = inv_by_id(inv, id);
    if (!e) {
        fprintf(stderr, "FAIL: no %s\n", id);
        failures++;
    }
    return e;
}

static bool has_ip(const inventory *inv, const char *ip, const char *want_eni)
{
    ip128 a;
    if (ip_parse(ip, strlen(ip), &a) < 0) return false;
    const inv_eni *e = inv_by_ip(inv, &a);
    return e && strcmp(e->id, want_eni) == 0;
}

static void full_inventory(void)
{
    inventory *inv = inv_new();
    char err[FC_ERRLEN], next[64];
    size_t n = 0;
    CHECK(ec2_parse_xml_at(inv, ENIS, strlen(ENIS), "us-east-1", 1700000000, INV_FROM_LIVE, next, sizeof next,
                           &n, err, sizeof err) == 0);
    CHECK(n == 5);
    CHECK_STR(next, "page-2-token");
    /* A token that does not fit is an error, never a silently cut token. */
    char small[8];
    inventory *scratch = inv_new();
    CHECK(ec2_parse_xml_at(scratch, ENIS, strlen(ENIS), NULL, 0, INV_FROM_LIVE, small, sizeof small, NULL, err,
                           sizeof err) == -1);
    CHECK(strstr(err, "NextToken longer than 7 bytes") != NULL);
    inv_free(scratch);
    CHECK(parse(inv, SUBNETS, err) == 0);
    CHECK(parse(inv, NATS, err) == 0);
    CHECK(parse(inv, VPCS, err) == 0);
    CHECK(parse(inv, VPCES, err) == 0);
    inv_finalize(inv);
    CHECK(inv_eni_count(inv) == 5); /* the deleted NAT's ENI is not added */
    CHECK(inv_subnet_count(inv) == 2);
    CHECK(inv_vpc_count(inv) == 1);

    const inv_eni *w = eni(inv, "eni-0f7db5f7e0c7a1b01");
    if (w) {
        CHECK(w->kind == ENI_WORKLOAD);
        CHECK_STR(w->name, "web-1");
        CHECK_STR(w->instance_id, "i-0123456789abcdef0");
        CHECK_STR(w->subnet_id, "subnet-0aaa");
        CHECK_STR(w->vpc_id, "vpc-01");
        CHECK_STR(w->az_name, "us-east-1a");
        CHECK_STR(w->az_id, "use1-az4"); /* from DescribeSubnets */
        CHECK_STR(w->account, "111122223333");
        CHECK_STR(w->region, "us-east-1");
        CHECK(w->n_ips == 4 && w->n_private == 2); /* 10.0.1.17, .18 | 54.10.20.30, 2600:...::17 */
        CHECK(w->last_seen == 1700000000);
        CHECK(w->source & INV_FROM_LIVE);
    }
    CHECK(has_ip(inv, "10.0.1.18", "eni-0f7db5f7e0c7a1b01"));
    CHECK(has_ip(inv, "54.10.20.30", "eni-0f7db5f7e0c7a1b01"));
    CHECK(has_ip(inv, "2600:1f18:abcd::17", "eni-0f7db5f7e0c7a1b01"));
    CHECK(has_ip(inv, "3.3.3.3", "eni-0nat000000000001"));

    const inv_eni *nat = eni(inv, "eni-0nat000000000001");
    if (nat) {
        CHECK(nat->kind == ENI_NAT_GATEWAY);
        CHECK_STR(nat->resource_id, "nat-0a1b2c3d4e5f60718");
        CHECK_STR(nat->az_id, "use1-az6");
        CHECK(nat->n_ips == 2 && nat->n_private == 1);
    }
    const inv_eni *ep = eni(inv, "eni-0vpce00000000001");
    if (ep) {
        CHECK(ep->kind == ENI_VPC_ENDPOINT);
        CHECK_STR(ep->resource_id, "vpce-0123456789abcdef0");
    }
    const inv_eni *alb = eni(inv, "eni-0alb000000000001");
    if (alb) {
        CHECK(alb->kind == ENI_ALB);
        CHECK_STR(alb->resource_id, "app/my-alb/50dc6c495c0c9188");
        CHECK_STR(alb->vpc_id, "vpc-01"); /* filled from its subnet */
    }
    const inv_eni *lam = eni(inv, "eni-0lambda000000001");
    if (lam) CHECK(lam->kind == ENI_WORKLOAD);
    CHECK(inv_by_id(inv, "eni-0gone") == NULL);

    const inv_subnet *s = inv_subnet_by_id(inv, "subnet-0aaa");
    CHECK(s && s->bits == 96 + 24 && s->name && strcmp(s->name, "public-a") == 0);
    ip128 a;
    ip_parse("10.0.2.200", 10, &a);
    s = inv_subnet_containing(inv, &a);
    CHECK(s && strcmp(s->id, "subnet-0bbb") == 0);
    CHECK_STR(inv_az_id_of(inv, "us-east-1b"), "use1-az6");
    const inv_vpc *v = inv_vpc_by_id(inv, "vpc-01");
    CHECK(v && v->n_nets == 3); /* 10.0.0.0/16 once, 100.64.0.0/20, the IPv6 /56 */
    CHECK(v && v->name && strcmp(v->name, "main") == 0);

    /* The snapshot round trip keeps every field the cost model reads. */
    char *json = snapshot_to_json(inv, 1700000000);
    CHECK(strstr(json, "\"nat_gateway_id\":\t\"nat-0a1b2c3d4e5f60718\"") != NULL);
    CHECK(strstr(json, "\"fetched_at\":\t\"2023-11-14T22:13:20Z\"") != NULL);
    inventory *back = inv_new();
    CHECK(snapshot_load_mem(back, json, strlen(json), "snap.json", err, sizeof err) == 0);
    inv_finalize(back);
    CHECK(inv_eni_count(back) == 5 && inv_subnet_count(back) == 2 && inv_vpc_count(back) == 1);
    CHECK(inv_fetched_at(back) == 1700000000);
    const inv_eni *w2 = inv_by_id(back, "eni-0f7db5f7e0c7a1b01");
    if (w2) {
        CHECK_STR(w2->name, "web-1");
        CHECK_STR(w2->az_id, "use1-az4");
        CHECK(w2->n_ips == 4 && w2->n_private == 2);
        CHECK(w2->last_seen == 1700000000);
    }
    const inv_eni *n2 = inv_by_id(back, "eni-0nat000000000001");
    CHECK(n2 && n2->kind == ENI_NAT_GATEWAY && n2->resource_id && strcmp(n2->resource_id, "nat-0a1b2c3d4e5f60718") == 0);
    CHECK(has_ip(back, "3.3.3.3", "eni-0nat000000000001"));
    const inv_vpc *v2 = inv_vpc_by_id(back, "vpc-01");
    CHECK(v2 && v2->n_nets == 3);
    /* Deterministic: writing what was read gives the same bytes. */
    char *again = snapshot_to_json(back, inv_fetched_at(back));
    CHECK(strcmp(json, again) == 0);
    free(again);
    free(json);
    inv_free(back);
    inv_free(inv);
}

/* Re-running enrich: the old snapshot's ENI that EC2 no longer returns is
 * kept with its old last_seen; one that is still there is refreshed, and
 * its addresses are the new response's, not the union. */
static void merge(void)
{
    static const char old[] =
        "{\"flowcost_snapshot\": 1, \"fetched_at\": \"2026-11-01T00:00:00Z\",\n"
        " \"enis\": [\n"
        "  {\"id\": \"eni-0lambda-gone\", \"kind\": \"workload\", \"interface_type\": \"lambda\",\n"
        "   \"subnet_id\": \"subnet-0aaa\", \"private_ips\": [\"10.0.1.201\"]},\n"
        "  {\"id\": \"eni-0f7db5f7e0c7a1b01\", \"name\": \"old-name\", \"private_ips\": [\"10.0.1.250\"],\n"
        "   \"last_seen\": \"2026-10-01T00:00:00Z\"}\n"
        " ]}\n";
    inventory *inv = inv_new();
    char err[FC_ERRLEN];
    CHECK(snapshot_load_mem(inv, old, strlen(old), "old.json", err, sizeof err) == 0);
    const int64_t now = 1795132800; /* 2026-11-20T00:00:00Z, later than the file */
    CHECK(ec2_parse_xml_at(inv, ENIS, strlen(ENIS), "us-east-1", now, INV_FROM_LIVE, NULL, 0, NULL, err, sizeof err) == 0);
    inv_finalize(inv);
    const inv_eni *gone = inv_by_id(inv, "eni-0lambda-gone");
    CHECK(gone && gone->last_seen == 1793491200); /* 2026-11-01T00:00:00Z, the file's fetched_at */
    CHECK(gone && gone->kind == ENI_WORKLOAD);
    const inv_eni *w = inv_by_id(inv, "eni-0f7db5f7e0c7a1b01");
    /* Seen again now: last_seen moves forward from the file's 2026-10-01. */
    CHECK(w && w->last_seen == now);
    CHECK(w && strcmp(w->name, "web-1") == 0);
    CHECK(!has_ip(inv, "10.0.1.250", "eni-0f7db5f7e0c7a1b01"));
    CHECK(has_ip(inv, "10.0.1.17", "eni-0f7db5f7e0c7a1b01"));
    inv_free(inv);
}

static void expect_error(const char *what, const char *xml, const char *want)
{
    inventory *inv = inv_new();
    char err[FC_ERRLEN] = "";
    int rc = ec2_parse_xml(inv, xml, strlen(xml), "us-east-1", err, sizeof err);
    if (rc != -1 || !strstr(err, want)) {
        fprintf(stderr, "FAIL %s: rc=%d err='%s', want '%s'\n", what, rc, err, want);
        failures++;
    }
    inv_free(inv);
}

static void errors(void)
{
    expect_error("auth failure", AUTH_ERROR,
                 "AuthFailure: AWS was not able to validate the provided access credentials "
                 "(request id ea966190-f9aa-478e-9ede-example)");
    /* Truncated in the middle of an item: an error naming a line, not a crash. */
    char trunc[sizeof ENIS];
    memcpy(trunc, ENIS, sizeof ENIS);
    trunc[strstr(ENIS, "eni-0alb") - ENIS] = '\0';
    expect_error("truncated", trunc, "malformed XML at line");
    expect_error("garbage", "<<<>>>", "malformed XML");
    expect_error("empty", "", "malformed XML");
    expect_error("unknown root", "<DescribeAddressesResponse/>", "XML root <DescribeAddressesResponse> is not");
    expect_error("error without Error", "<Response><Errors/></Response>", "without an <Error>");

    /* XXE: an external entity naming a file must be neither read nor
     * substituted; a DOCTYPE is refused outright. */
    char path[] = "/tmp/fc_xxe_XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) {
        CHECK(write(fd, "SECRET-FILE-CONTENT", 19) == 19);
        close(fd);
    }
    char xxe[512];
    snprintf(xxe, sizeof xxe,
             "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file://%s\">]>"
             "<DescribeSubnetsResponse><subnetSet><item><subnetId>&x;</subnetId></item></subnetSet>"
             "</DescribeSubnetsResponse>", path);
    inventory *inv = inv_new();
    char err[FC_ERRLEN] = "";
    CHECK(ec2_parse_xml(inv, xxe, strlen(xxe), NULL, err, sizeof err) == -1);
    CHECK(strstr(err, "DOCTYPE") != NULL);
    CHECK(inv_subnet_count(inv) == 0);
    inv_free(inv);
    unlink(path);
    /* Entity amplification: refused (by the DOCTYPE rule or libxml2's own
     * amplification guard), never expanded into the inventory. */
    static const char laughs[] =
        "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]><DescribeVpcsResponse><vpcSet><item><vpcId>&c;</vpcId>"
        "</item></vpcSet></DescribeVpcsResponse>";
    inv = inv_new();
    CHECK(ec2_parse_xml(inv, laughs, strlen(laughs), NULL, err, sizeof err) == -1);
    CHECK(inv_vpc_count(inv) == 0);
    inv_free(inv);
}

static void snapshot_errors(void)
{
    struct {
        const char *json, *want;
    } c[] = {
        {"{\"enis\": [{\"id\": \"eni-1\", \"kind\": \"router\"}]}", "x.json: enis[0] (eni-1): unknown kind 'router'"},
        {"{\"enis\": [{\"id\": \"eni-1\", \"private_ips\": [\"10.0.0.300\"]}]}", "enis[0]: private_ips is not a list of IP addresses"},
        {"{\"enis\": [{\"kind\": \"workload\"}]}", "enis[0] has no \"id\""},
        {"{\"enis\": [{\"id\": \"eni-1\", \"name\": 7}]}", "\"name\" must be a string"},
        {"{\"enis\": [], \"subnets\": [{\"id\": \"subnet-1\", \"cidr\": \"10.0.0.0/33\"}]}", "not a CIDR block"},
        {"{\"enis\": [{\"id\": \"eni-1\", \"last_seen\": \"yesterday\"}]}", "last_seen 'yesterday' is not an RFC 3339 time"},
        {"{\"flowcost_snapshot\": 2, \"enis\": []}", "snapshot format 2 is newer"},
        {"{\"vpcs\": []}", "not a flowcost ENI snapshot"},
        {"{\n\"enis\": [\n{\"id\": \"eni-1\",,}\n]}", "x.json:3: not valid JSON"},
        {"eni-1 10.0.0.1", "x.json: neither a flowcost ENI snapshot (JSON) nor an EC2 Describe* XML response"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        inventory *inv = inv_new();
        char err[FC_ERRLEN] = "";
        int rc = snapshot_load_mem(inv, c[i].json, strlen(c[i].json), "x.json", err, sizeof err);
        if (rc != -1 || !strstr(err, c[i].want)) {
            fprintf(stderr, "FAIL snapshot error %zu: rc=%d err='%s', want '%s'\n", i, rc, err, c[i].want);
            failures++;
        }
        inv_free(inv);
    }
    /* XML handed through snapshot_load_mem (what --eni-snapshot does). */
    inventory *inv = inv_new();
    char err[FC_ERRLEN];
    CHECK(snapshot_load_mem(inv, SUBNETS, strlen(SUBNETS), "describe-subnets.xml", err, sizeof err) == 0);
    CHECK(inv_subnet_count(inv) == 2);
    CHECK(snapshot_load_mem(inv, AUTH_ERROR, strlen(AUTH_ERROR), "saved.xml", err, sizeof err) == -1);
    CHECK(strncmp(err, "saved.xml: AuthFailure: ", 24) == 0);
    inv_free(inv);

    static const char *const keys[] = {"AccessKeyId", "SecretAccessKey", "Token", "Missing"};
    char *v[4];
    const char doc[] = "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAX\",\"SecretAccessKey\":\"s3cr3t\",\"Token\":\"tok\",\"Expiration\":\"2026-11-26T18:00:00Z\"}";
    CHECK(snapshot_json_strings(doc, strlen(doc), keys, v, 4, err, sizeof err) == 0);
    CHECK_STR(v[0], "ASIAX");
    CHECK_STR(v[1], "s3cr3t");
    CHECK_STR(v[2], "tok");
    CHECK(v[3] == NULL);
    for (int i = 0; i < 4; i++) free(v[i]);
    CHECK(snapshot_json_strings("[1]", 3, keys, v, 4, err, sizeof err) == -1);
    CHECK(strncmp(ec2_lib_version(), "libxml2/2.", 10) == 0);
    CHECK(strncmp(snapshot_lib_version(), "cJSON/1.", 8) == 0);
}

/* The AWS CLI's JSON for the same calls (what `aws ec2 describe-... >
 * file.json` writes; the five outputs may also be merged into one object). */
static void cli_json(void)
{
    static const char enis[] =
        "{\"NetworkInterfaces\": [\n"
        " {\"NetworkInterfaceId\": \"eni-0f7db5f7e0c7a1b01\", \"SubnetId\": \"subnet-0aaa\", \"VpcId\": \"vpc-01\",\n"
        "  \"AvailabilityZone\": \"us-east-1a\", \"Description\": \"web server\", \"OwnerId\": \"111122223333\",\n"
        "  \"InterfaceType\": \"interface\", \"PrivateIpAddress\": \"10.0.1.17\",\n"
        "  \"Attachment\": {\"InstanceId\": \"i-0123456789abcdef0\", \"DeviceIndex\": 0},\n"
        "  \"Association\": {\"PublicIp\": \"54.10.20.30\", \"IpOwnerId\": \"amazon\"},\n"
        "  \"PrivateIpAddresses\": [{\"PrivateIpAddress\": \"10.0.1.17\", \"Primary\": true,\n"
        "                           \"Association\": {\"PublicIp\": \"54.10.20.30\"}},\n"
        "                          {\"PrivateIpAddress\": \"10.0.1.18\", \"Primary\": false}],\n"
        "  \"Ipv6Addresses\": [{\"Ipv6Address\": \"2600:1f18:abcd::17\"}],\n"
        "  \"TagSet\": [{\"Key\": \"Name\", \"Value\": \"web-1\"}]},\n"
        " {\"NetworkInterfaceId\": \"eni-0nat000000000001\", \"SubnetId\": \"subnet-0bbb\", \"InterfaceType\": \"interface\",\n"
        "  \"Description\": \"\", \"PrivateIpAddresses\": [{\"PrivateIpAddress\": \"10.0.2.5\"}], \"TagSet\": []}\n"
        "]}\n";
    static const char rest[] =
        "{\"Subnets\": [{\"SubnetId\": \"subnet-0aaa\", \"VpcId\": \"vpc-01\", \"CidrBlock\": \"10.0.1.0/24\",\n"
        "               \"AvailabilityZone\": \"us-east-1a\", \"AvailabilityZoneId\": \"use1-az4\",\n"
        "               \"Tags\": [{\"Key\": \"Name\", \"Value\": \"public-a\"}]},\n"
        "              {\"SubnetId\": \"subnet-0bbb\", \"VpcId\": \"vpc-01\", \"CidrBlock\": \"10.0.2.0/24\",\n"
        "               \"AvailabilityZone\": \"us-east-1b\", \"AvailabilityZoneId\": \"use1-az6\"}],\n"
        " \"NatGateways\": [{\"NatGatewayId\": \"nat-0a1b2c3d4e5f60718\", \"State\": \"available\", \"SubnetId\": \"subnet-0bbb\",\n"
        "   \"VpcId\": \"vpc-01\", \"NatGatewayAddresses\": [{\"NetworkInterfaceId\": \"eni-0nat000000000001\",\n"
        "   \"PrivateIp\": \"10.0.2.5\", \"PublicIp\": \"3.3.3.3\"}], \"Tags\": [{\"Key\": \"Name\", \"Value\": \"egress-b\"}]}],\n"
        " \"Vpcs\": [{\"VpcId\": \"vpc-01\", \"CidrBlock\": \"10.0.0.0/16\",\n"
        "   \"CidrBlockAssociationSet\": [{\"CidrBlock\": \"10.0.0.0/16\"}, {\"CidrBlock\": \"100.64.0.0/20\"}]}],\n"
        " \"VpcEndpoints\": [{\"VpcEndpointId\": \"vpce-0123\", \"VpcEndpointType\": \"Interface\", \"VpcId\": \"vpc-01\",\n"
        "   \"NetworkInterfaceIds\": [\"eni-0vpce00000000001\"]}]}\n";
    inventory *inv = inv_new();
    char err[FC_ERRLEN];
    CHECK(snapshot_load_mem(inv, enis, strlen(enis), "enis.json", err, sizeof err) == 0);
    CHECK(snapshot_load_mem(inv, rest, strlen(rest), "rest.json", err, sizeof err) == 0);
    inv_finalize(inv);
    CHECK(inv_eni_count(inv) == 3 && inv_subnet_count(inv) == 2 && inv_vpc_count(inv) == 1);
    const inv_eni *w = eni(inv, "eni-0f7db5f7e0c7a1b01");
    if (w) {
        CHECK(w->kind == ENI_WORKLOAD);
        CHECK_STR(w->name, "web-1");
        CHECK_STR(w->instance_id, "i-0123456789abcdef0");
        CHECK_STR(w->az_id, "use1-az4");
        CHECK(w->n_ips == 4 && w->n_private == 2);
    }
    /* NAT kind from NatGateways although the ENI says "interface" (as moto). */
    const inv_eni *nat = eni(inv, "eni-0nat000000000001");
    if (nat) {
        CHECK(nat->kind == ENI_NAT_GATEWAY);
        CHECK_STR(nat->resource_id, "nat-0a1b2c3d4e5f60718");
        CHECK_STR(nat->name, "egress-b");
        CHECK_STR(nat->az_id, "use1-az6");
    }
    CHECK(has_ip(inv, "3.3.3.3", "eni-0nat000000000001"));
    const inv_eni *ep = eni(inv, "eni-0vpce00000000001");
    CHECK(ep && ep->kind == ENI_VPC_ENDPOINT && ep->resource_id && strcmp(ep->resource_id, "vpce-0123") == 0);
    const inv_vpc *v = inv_vpc_by_id(inv, "vpc-01");
    CHECK(v && v->n_nets == 2);
    inv_free(inv);
}

/* Names and tags from the calls after DescribeNetworkInterfaces: an
 * instance's Name names its untagged ENIs and its tags fill keys the ENI
 * lacks (the ENI's own win); an ELBv2 load balancer's name and a TGW
 * attachment's Name tag name the ENIs AWS made for them. */
static const char ENIS2[] =
    "<DescribeNetworkInterfacesResponse><networkInterfaceSet>\n"
    " <item><networkInterfaceId>eni-0db0000000000001</networkInterfaceId><subnetId>subnet-0aaa</subnetId>\n"
    "  <attachment><instanceId>i-0222</instanceId></attachment>\n"
    "  <privateIpAddress>10.0.1.50</privateIpAddress><interfaceType>interface</interfaceType></item>\n"
    " <item><networkInterfaceId>eni-0tgw000000000001</networkInterfaceId><subnetId>subnet-0aaa</subnetId>\n"
    "  <description>Network Interface for Transit Gateway Attachment tgw-attach-0abc</description>\n"
    "  <privateIpAddress>10.0.1.60</privateIpAddress><interfaceType>interface</interfaceType></item>\n"
    "</networkInterfaceSet></DescribeNetworkInterfacesResponse>\n";

static const char INSTANCES[] =
    "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><reservationSet>\n"
    " <item><instancesSet>\n"
    "  <item><instanceId>i-0123456789abcdef0</instanceId>\n"
    "   <tagSet><item><key>Name</key><value>orders-api-1</value></item><item><key>env</key><value>staging</value></item>\n"
    "    <item><key>team</key><value>payments</value></item></tagSet>\n"
    "   <networkInterfaceSet><item><networkInterfaceId>eni-0f7db5f7e0c7a1b01</networkInterfaceId></item></networkInterfaceSet></item>\n"
    "  <item><instanceId>i-0222</instanceId>\n"
    "   <tagSet><item><key>Name</key><value>postgres-primary</value></item><item><key>team</key><value>data</value></item>\n"
    "    <item><key>empty</key><value></value></item></tagSet>\n"
    "   <networkInterfaceSet><item><networkInterfaceId>eni-0db0000000000001</networkInterfaceId></item>\n"
    "    <item><networkInterfaceId>eni-0notlisted00001</networkInterfaceId></item></networkInterfaceSet></item>\n"
    " </instancesSet></item>\n"
    "</reservationSet><nextToken>inst-2</nextToken></DescribeInstancesResponse>\n";

static const char LBS[] =
    "<DescribeLoadBalancersResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">\n"
    " <DescribeLoadBalancersResult><LoadBalancers><member>\n"
    "  <LoadBalancerArn>arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/my-alb/50dc6c495c0c9188</LoadBalancerArn>\n"
    "  <LoadBalancerName>my-alb</LoadBalancerName><Type>application</Type></member></LoadBalancers>\n"
    "  <NextMarker>lb-page-2</NextMarker></DescribeLoadBalancersResult>\n"
    " <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeLoadBalancersResponse>\n";

static const char TGWS[] =
    "<DescribeTransitGatewayAttachmentsResponse><transitGatewayAttachments>\n"
    " <item><transitGatewayAttachmentId>tgw-attach-0abc</transitGatewayAttachmentId><resourceType>vpc</resourceType>\n"
    "  <tagSet><item><key>Name</key><value>core-tgw</value></item><item><key>team</key><value>network</value></item></tagSet></item>\n"
    "</transitGatewayAttachments></DescribeTransitGatewayAttachmentsResponse>\n";

static void names_and_tags(void)
{
    inventory *inv = inv_new();
    char err[FC_ERRLEN], next[64];
    const int64_t t = 1795132800;
    CHECK(ec2_parse_xml_at(inv, ENIS, strlen(ENIS), "us-east-1", t, INV_FROM_LIVE, NULL, 0, NULL, err, sizeof err) == 0);
    CHECK(ec2_parse_xml_at(inv, ENIS2, strlen(ENIS2), "us-east-1", t, INV_FROM_LIVE, NULL, 0, NULL, err, sizeof err) == 0);
    size_t n = 0;
    CHECK(ec2_parse_xml_at(inv, INSTANCES, strlen(INSTANCES), "us-east-1", t, INV_FROM_LIVE, next, sizeof next, &n,
                           err, sizeof err) == 0);
    CHECK(n == 2);
    CHECK_STR(next, "inst-2");
    CHECK(ec2_parse_xml_at(inv, LBS, strlen(LBS), "us-east-1", t, INV_FROM_LIVE, next, sizeof next, &n, err,
                           sizeof err) == 0);
    CHECK_STR(next, "lb-page-2"); /* ELBv2 pages with NextMarker inside the Result */
    CHECK(parse(inv, TGWS, err) == 0);
    inv_finalize(inv);
    CHECK(inv_eni_count(inv) == 7); /* 5 + 2; the instance's unlisted ENI is not invented */
    CHECK(inv_by_id(inv, "eni-0notlisted00001") == NULL);
    const inv_eni *w = eni(inv, "eni-0f7db5f7e0c7a1b01");
    if (w) {
        CHECK_STR(w->name, "web-1");                    /* the ENI's own Name wins */
        CHECK_STR(inv_eni_tag(w, "env"), "prod");       /* and its own env */
        CHECK_STR(inv_eni_tag(w, "team"), "payments");  /* the instance's fills the gap */
        CHECK_STR(inv_eni_tag(w, "Name"), "web-1");
        CHECK(w->n_tags == 3);
        CHECK(w->first_seen == t && w->last_seen == t);
    }
    const inv_eni *db = eni(inv, "eni-0db0000000000001");
    if (db) {
        CHECK_STR(db->name, "postgres-primary");        /* named by its instance */
        CHECK_STR(inv_eni_tag(db, "team"), "data");
        CHECK_STR(inv_eni_tag(db, "empty"), "");        /* an empty value is a value */
        CHECK(inv_eni_tag(db, "env") == NULL);
    }
    const inv_eni *alb = eni(inv, "eni-0alb000000000001");
    if (alb) {
        CHECK_STR(alb->name, "my-alb");
        CHECK(alb->kind == ENI_ALB);
    }
    const inv_eni *tgw = eni(inv, "eni-0tgw000000000001");
    if (tgw) {
        CHECK_STR(tgw->name, "core-tgw");
        CHECK(tgw->kind == ENI_TRANSIT_GATEWAY);
        CHECK_STR(inv_eni_tag(tgw, "team"), "network");
    }
    /* Tags and first_seen survive the snapshot; the file is deterministic. */
    char *json = snapshot_to_json(inv, t);
    CHECK(strstr(json, "\"first_seen\":\t\"2026-11-20T00:00:00Z\"") != NULL);
    inventory *back = inv_new();
    CHECK(snapshot_load_mem(back, json, strlen(json), "snap.json", err, sizeof err) == 0);
    inv_finalize(back);
    const inv_eni *b = inv_by_id(back, "eni-0f7db5f7e0c7a1b01");
    CHECK(b && b->n_tags == 3 && b->first_seen == t);
    CHECK_STR(inv_eni_tag(b, "team"), "payments");
    CHECK_STR(inv_eni_tag(inv_by_id(back, "eni-0db0000000000001"), "empty"), "");
    char *again = snapshot_to_json(back, t);
    CHECK(strcmp(json, again) == 0);
    free(again);
    free(json);
    inv_free(back);
    inv_free(inv);

    /* A snapshot written before tags and first_seen existed still loads:
     * no tags, first_seen = the file's fetched_at. A "tags" that is not an
     * object of strings is refused. */
    static const char old[] = "{\"flowcost_snapshot\": 1, \"fetched_at\": \"2026-11-01T00:00:00Z\", \"enis\": [\n"
                              " {\"id\": \"eni-0old\", \"private_ips\": [\"10.0.1.9\"]}]}\n";
    inv = inv_new();
    CHECK(snapshot_load_mem(inv, old, strlen(old), "old.json", err, sizeof err) == 0);
    inv_finalize(inv);
    const inv_eni *o = inv_by_id(inv, "eni-0old");
    CHECK(o && o->n_tags == 0 && o->first_seen == 1793491200 && o->last_seen == 1793491200);
    inv_free(inv);
    static const char bad[] = "{\"enis\": [{\"id\": \"eni-0x\", \"tags\": {\"team\": 3}}]}";
    inv = inv_new();
    CHECK(snapshot_load_mem(inv, bad, strlen(bad), "bad.json", err, sizeof err) == -1);
    CHECK(strstr(err, "tag 'team' must be a string") != NULL);
    inv_free(inv);
}

int main(void)
{
    names_and_tags();
    cli_json();
    full_inventory();
    merge();
    errors();
    snapshot_errors();
    printf("test_ec2_xml: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
