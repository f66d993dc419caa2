/* why: "why can't A reach B" from the records alone (issue 19, part 3), and
 * which security-group rule or network-ACL entry decides it when the rules
 * are known (enrich/ec2.c fetches them). Pure analysis: no I/O.
 *
 * Flow-log semantics used (docs/why.md cites them): a record is written at
 * one ENI; traffic from A to B that B's security group or B's subnet's
 * network ACL refuses is logged as REJECT at B's ENI (ingress), traffic that
 * A's own rules refuse as REJECT at A's ENI (egress). Security groups are
 * stateful, network ACLs are not: an ACCEPT one way with a REJECT of the
 * reply the other way in the same window is a network ACL refusing return
 * traffic (usually the ephemeral ports).
 *
 * Ownership: a why_result owns its rows and strings; why_rules owns its. */
#ifndef FC_WHY_H
#define FC_WHY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "inventory.h"

#define WHY_MAX_NETS 64
#define WHY_MAX_ENIS 64

/* One end as given: an address, a CIDR, an ENI id or a workload name,
 * resolved to address prefixes and the ENIs that hold them. */
typedef struct why_side {
    char spec[128];
    ip128 net[WHY_MAX_NETS];
    unsigned bits[WHY_MAX_NETS]; /* on the 128-bit form */
    size_t n_nets;
    char eni[WHY_MAX_ENIS][32];  /* ENIs known to be this side's */
    size_t n_enis;
} why_side;

/* Resolve spec against the inventory (learned ENIs included). 0, or -1 with
 * err ("'x' is no address, CIDR, ENI id or name the inventory knows"). */
int why_resolve(const char *spec, const inventory *inv, why_side *out, char *err, size_t errlen);

enum why_dir { WHY_FWD = 0, WHY_REV = 1 };          /* A→B, B→A */
enum why_at { WHY_AT_UNKNOWN = 0, WHY_AT_A, WHY_AT_B };

typedef enum why_verdict {
    WHY_NO_TRAFFIC = 0,
    WHY_ACCEPTED,
    WHY_REJECTED_AT_DESTINATION,
    WHY_REJECTED_AT_SOURCE,
    WHY_ASYMMETRIC_RETURN,
} why_verdict;
const char *why_verdict_name(why_verdict v); /* the JSON values of cli.md */

/* The records between A and B folded by (direction, ENI, action, protocol,
 * port, hour). Ports and protocols are kept for REJECT groups only (agg). */
typedef struct why_row {
    int dir;                  /* enum why_dir */
    int at;                   /* enum why_at: whose ENI logged it */
    uint8_t action;           /* FL_ACCEPT / FL_REJECT */
    uint8_t protocol;
    uint16_t port;
    int32_t hour;
    char eni[32];
    char src[IP_STRLEN], dst[IP_STRLEN];
    int64_t first, last;
    uint64_t packets, bytes, records;
    bool asymmetric;          /* a REJECT of replies in an hour with ACCEPTs the other way */
} why_row;

/* A rule that decides (or fails to allow) a REJECT, in words. */
typedef struct why_rule_hit {
    char side;                /* 'A' or 'B' */
    char kind[16];            /* "security_group" or "network_acl" */
    char id[32];              /* sg-… / acl-… */
    char rule[320];           /* "rule 90 deny tcp 1024-65535 to 0.0.0.0/0", "no inbound rule allows tcp/5432 from 10.0.1.10" */
    char decides[8];          /* "deny" (this rule refuses), "allow", "none" (nothing allows) */
} why_rule_hit;

typedef struct why_result {
    why_verdict verdict;
    char summary[1024];        /* one sentence */
    why_row *rejects;  size_t n_rejects;
    why_row *accepts;  size_t n_accepts;
    why_rule_hit *rules; size_t n_rules;
} why_result;

/* The records of a between A and B. Never fails (out-of-memory aborts). */
why_result *why_analyze(const agg *a, const inventory *inv, const why_side *A, const why_side *B);
void why_free(why_result *r);

/* ---- rules, as DescribeSecurityGroups / DescribeNetworkAcls give them ---- */
typedef struct why_sg_rule {
    char group[32];
    bool egress;
    int protocol;             /* -1 = all, else IP protocol number */
    int from, to;             /* ports; -1 = all (ICMP: type/code, not checked) */
    ip128 net; unsigned bits; bool has_net;
    char ref_group[32];       /* a source/destination group instead of a CIDR */
} why_sg_rule;

typedef struct why_acl_entry {
    char acl[32];
    int number;
    bool egress, allow;
    int protocol, from, to;   /* -1 = all */
    ip128 net; unsigned bits;
} why_acl_entry;

typedef struct why_eni_rules {
    char eni[32], subnet[32];
    char groups[8][32];
    size_t n_groups;
} why_eni_rules;

typedef struct why_acl_assoc {
    char acl[32], subnet[32];
} why_acl_assoc;

typedef struct why_rules {
    why_sg_rule *sg;     size_t n_sg;
    why_acl_entry *acl;  size_t n_acl;
    why_eni_rules *enis; size_t n_enis;
    why_acl_assoc *assoc; size_t n_assoc;
} why_rules;

void why_rules_free(why_rules *w);
why_sg_rule *why_rules_add_sg(why_rules *w);
why_acl_entry *why_rules_add_acl(why_rules *w);
why_eni_rules *why_rules_add_eni(why_rules *w);
why_acl_assoc *why_rules_add_assoc(why_rules *w);
/* "tcp", "udp", "icmp", "-1", "all" or a number; -2 when unknown. */
int why_protocol(const char *s);

/* Name, for each distinct REJECT (side, direction, protocol, port), the
 * network-ACL entry that denies it or the security group that has no rule
 * allowing it; appended to r->rules. */
void why_explain(why_result *r, const why_rules *w, const why_side *A, const why_side *B);

#endif
