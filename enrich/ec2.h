/* ec2: the EC2 Query API (DescribeNetworkInterfaces, DescribeSubnets,
 * DescribeNatGateways, DescribeVpcs, DescribeVpcEndpoints) into an
 * inventory: paging, retries with backoff and jitter, AWS errors as one line
 * with code, message and request id. */
#ifndef FC_EC2_H
#define FC_EC2_H

#include <stddef.h>

#include "aws.h"
#include "inventory.h"

/* Fetch the whole inventory of the config's region. */
int ec2_fetch_inventory(inventory *inv, const aws_config *c, char *err, size_t errlen);
/* Fetch only these ENIs (and their subnets): `--enrich-live`. */
int ec2_fetch_enis(inventory *inv, const aws_config *c, const char *const *eni_ids,
                   size_t n, char *err, size_t errlen);
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
/* "libxml2/2.9.14" from the runtime library, for --version. */
const char *ec2_lib_version(void);
/* The resource an AWS-managed ENI belongs to, from the description AWS
 * writes on it: "Interface for NAT Gateway nat-…" → "nat-…", "ELB app/x/y"
 * → "app/x/y", "VPC Endpoint Interface vpce-…", "… tgw-attach-…"; else NULL.
 * Interned in inv. (Shared with snapshot.c's AWS CLI JSON loader.) */
const char *ec2_resource_from_description(inventory *inv, const char *description);

#endif
