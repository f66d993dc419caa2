/* ec2: the EC2 Query API (DescribeNetworkInterfaces, DescribeSubnets,
 * DescribeNatGateways, DescribeVpcs, DescribeVpcEndpoints, DescribeInstances,
 * DescribeTransitGatewayAttachments, DescribeRegions) and ELBv2's
 * DescribeLoadBalancers into an inventory: paging, retries with backoff and jitter, AWS errors as one line
 * with code, message and request id. */
#ifndef FC_EC2_H
#define FC_EC2_H

#include <stddef.h>

#include "aws.h"
#include "inventory.h"
#include "util.h"
#include "why.h"

/* Fetch the whole inventory of the config's region: `flowcost enrich` and
 * `--enrich-live` both, so that both see the same inventory. */
int ec2_fetch_inventory(inventory *inv, const aws_config *c, char *err, size_t errlen);
/* Parse a saved Describe* XML response into the inventory. */
int ec2_parse_xml(inventory *inv, const char *xml, size_t len, const char *region,
                  char *err, size_t errlen);

/* Added by enrich. ---------------------------------------------------------
 * What the fetches and ec2_parse_xml understand: DescribeNetworkInterfaces,
 * DescribeSubnets, DescribeNatGateways, DescribeVpcs, DescribeVpcEndpoints
 * responses (root element sniffed), and EC2's error document, which becomes
 * "Code: message (request id ...)". Documents with a DOCTYPE are refused and
 * no entity or network resource is ever loaded. ENIs parsed here get
 * last_seen = `seen` (ec2_parse_xml: inv_fetched_at, else 0) and their
 * address list replaced by the response's. */
int ec2_parse_xml_at(inventory *inv, const char *xml, size_t len, const char *region,
                     int64_t seen, unsigned source, char *next_token, size_t next_len,
                     size_t *n_items, char *err, size_t errlen);
/* ec2_fetch_inventory with the time to record as last_seen / fetched_at
 * given, so that one run over several regions has one fetch time. */
int ec2_fetch_inventory_at(inventory *inv, const aws_config *c, int64_t seen, char *err, size_t errlen);
/* DescribeRegions in the config's region: the names of the regions the
 * account can use, one a line, appended to out. */
int ec2_list_regions(const aws_config *c, dbuf *out, char *err, size_t errlen);
/* The account id of c's credentials (STS GetCallerIdentity, which needs no
 * permission) into account (n >= 13 for the 12 digits). */
int ec2_caller_account(const aws_config *c, char *account, size_t n, char *err, size_t errlen);
/* sts:AssumeRole (Query API, SigV4 with c's credentials): on success c's
 * credentials are the role's session ones, with c->expires_at set. */
int ec2_assume_role(aws_config *c, const char *role_arn, char *err, size_t errlen);
/* `why`: the security groups and subnet of each ENI
 * (DescribeNetworkInterfaces), and the region's security groups and network
 * ACLs (DescribeSecurityGroups, DescribeNetworkAcls) into w. */
int ec2_fetch_rules(const aws_config *c, const char *const *enis, size_t n_enis, why_rules *w, char *err,
                    size_t errlen);
/* "libxml2/2.9.14" from the runtime library, for --version. */
const char *ec2_lib_version(void);
/* The resource an AWS-managed ENI belongs to, from the description AWS
 * writes on it: "Interface for NAT Gateway nat-…" → "nat-…", "ELB app/x/y"
 * → "app/x/y", "VPC Endpoint Interface vpce-…", "… tgw-attach-…"; else NULL.
 * Interned in inv. (Shared with snapshot.c's AWS CLI JSON loader.) */
const char *ec2_resource_from_description(inventory *inv, const char *description);

/* Also shared with snapshot.c, so that the Query API's XML and the AWS
 * CLI's JSON of the same Describe* call give the same inventory: each
 * parser reads an item into this, and one function applies it. Fields are
 * NULL when absent or empty; all but `id`, `region` and `requester_id`
 * (taken as given) are already interned in inv. */
typedef struct ec2_eni_desc {
    const char *id;                 /* the ENI's */
    const char *interface_type, *description, *requester_id;
    const char *subnet_id, *vpc_id, *az_name, *az_id, *account, *region;
    const char *instance_id, *name;
    const char *resource_id;        /* ec2_eni_claim: the NAT gateway / endpoint */
    int64_t seen;                   /* last_seen, kept when it is later */
    unsigned source;                /* enum inv_source bit added */
} ec2_eni_desc;

/* A DescribeNetworkInterfaces item is the truth about the ENI now: its type,
 * description, instance and tag name replace the ENI's (so NULL lets the
 * NAT / endpoint calls and inv_finalize() fill in fallbacks), the other
 * fields replace only when present, and the address list is emptied for the
 * caller to add the item's (ec2_eni_add_ip). Returns the ENI. */
inv_eni *ec2_eni_describe(inventory *inv, const ec2_eni_desc *d);
/* An ENI that a NAT gateway or VPC endpoint item lists as its own: that
 * call knows the kind and resource_id for sure; the other fields fill only
 * gaps. Returns the ENI. */
inv_eni *ec2_eni_claim(inventory *inv, eni_kind kind, const ec2_eni_desc *d);
/* An address as the item writes it; one that does not parse is skipped.
 * is_private -1: decided by the address. */
void ec2_eni_add_ip(inventory *inv, inv_eni *e, const char *ip, int is_private);

/* A DescribeSubnets item, read like ec2_eni_desc; `cidr` is the IPv4 block,
 * else the first IPv6 one, as text (one that does not parse is skipped).
 * Present fields replace the subnet's. */
typedef struct ec2_subnet_desc {
    const char *id, *vpc_id, *az_name, *az_id, *region, *name, *cidr;
} ec2_subnet_desc;
void ec2_subnet_describe(inventory *inv, const ec2_subnet_desc *d);
/* A DescribeVpcs item: present fields replace, the CIDR blocks (text, NULL
 * or unparsable ones skipped) are added. */
void ec2_vpc_describe(inventory *inv, const char *id, const char *region, const char *name,
                      const char *const *cidrs, size_t n_cidrs);

#endif
