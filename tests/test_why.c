/* test_why: src/why.c on hand-made groups — which side logged a REJECT, the
 * verdict of each case, a refused reply (ACCEPT one way, REJECT to an
 * ephemeral port the other way within the hour), and the rule matching:
 * a network ACL's lowest-numbered matching entry decides whatever the list
 * order, a security-group rule may name the peer's group, and replies are
 * never blamed on a security group (stateful). */
#include <string.h>

#include "check.h"
#include "why.h"

#define HOUR 490278 /* 2025-12-06 06:00 UTC */

typedef struct rec {
    const char *eni, *src, *dst;
    uint8_t action, direction;
    uint16_t port;
    int32_t hour;
} rec;

static agg *make(const rec *r, size_t n)
{
    agg *a = agg_new();
    for (size_t i = 0; i < n; i++) {
        agg_group g;
        memset(&g, 0, sizeof g);
        ip_parse(r[i].src, strlen(r[i].src), &g.src);
        ip_parse(r[i].dst, strlen(r[i].dst), &g.dst);
        g.flags = AGG_HAS_SRC | AGG_HAS_DST;
        g.hour = r[i].hour;
        g.action = r[i].action;
        g.status = FL_OK;
        g.direction = r[i].direction;
        if (r[i].action == FL_REJECT) {
            g.protocol = 6;
            g.dstport = r[i].port;
        }
        g.packets = 2;
        g.bytes = 120;
        g.records = 1;
        g.min_start = (int64_t)r[i].hour * 3600;
        g.max_end = g.min_start + 60;
        agg_add(a, &g, r[i].eni, NULL, NULL);
    }
    return a;
}

static inventory *two_enis(void)
{
    inventory *inv = inv_new();
    static const struct {
        const char *id, *ip, *subnet, *name;
    } e[] = {{"eni-a", "10.0.1.10", "subnet-a", "app-a"}, {"eni-b", "10.0.2.20", "subnet-b", "app-b"}};
    for (size_t i = 0; i < 2; i++) {
        inv_eni *x = inv_eni_get(inv, e[i].id);
        x->subnet_id = inv_intern(inv, e[i].subnet);
        x->name = inv_intern(inv, e[i].name);
        ip128 ip;
        ip_parse(e[i].ip, strlen(e[i].ip), &ip);
        inv_eni_add_ip(inv, x, &ip, true);
    }
    inv_finalize(inv);
    return inv;
}

int main(void)
{
    inventory *inv = two_enis();
    char err[256];
    why_side A, B;
    CHECK(why_resolve("10.0.1.10", inv, &A, err, sizeof err) == 0 && A.n_enis == 1);
    CHECK(why_resolve("app-b", inv, &B, err, sizeof err) == 0 && B.n_enis == 1 && B.n_nets == 1);
    CHECK_STR(B.eni[0], "eni-b");
    CHECK(why_resolve("nobody", inv, &B, err, sizeof err) < 0);
    CHECK(why_resolve("eni-b", inv, &B, err, sizeof err) == 0);

    /* One case per row: the records, then the verdict and how many REJECT
     * rows are refused replies. v2 records (no flow direction): the side
     * comes from the ENI alone. */
    static const struct {
        const char *what;
        rec r[3];
        size_t n;
        why_verdict verdict;
        size_t replies;
    } cases[] = {
        {"refused at B on the way in", {{"eni-b", "10.0.1.10", "10.0.2.20", FL_REJECT, 0, 22, HOUR}}, 1,
         WHY_REJECTED_AT_DESTINATION, 0},
        {"refused at A on the way out", {{"eni-a", "10.0.1.10", "10.0.2.20", FL_REJECT, 0, 22, HOUR}}, 1,
         WHY_REJECTED_AT_SOURCE, 0},
        {"reply to 50000 refused at B in the hour after the ACCEPT",
         {{"eni-b", "10.0.1.10", "10.0.2.20", FL_ACCEPT, 0, 0, HOUR},
          {"eni-b", "10.0.2.20", "10.0.1.10", FL_REJECT, 0, 50000, HOUR + 1}}, 2, WHY_ASYMMETRIC_RETURN, 1},
        {"the same two hours later: not a reply, A→B accepted",
         {{"eni-b", "10.0.1.10", "10.0.2.20", FL_ACCEPT, 0, 0, HOUR},
          {"eni-b", "10.0.2.20", "10.0.1.10", FL_REJECT, 0, 50000, HOUR + 2}}, 2, WHY_ACCEPTED, 0},
        {"B→A to 5432 (a server port) while A→B is accepted: not a reply",
         {{"eni-b", "10.0.1.10", "10.0.2.20", FL_ACCEPT, 0, 0, HOUR},
          {"eni-a", "10.0.2.20", "10.0.1.10", FL_REJECT, 0, 5432, HOUR}}, 2, WHY_ACCEPTED, 0},
        {"an unknown ENI: flow-direction egress puts it at A",
         {{"eni-x", "10.0.1.10", "10.0.2.20", FL_REJECT, FL_EGRESS, 22, HOUR}}, 1, WHY_REJECTED_AT_SOURCE, 0},
        {"other addresses only", {{"eni-a", "10.0.1.10", "10.0.9.9", FL_REJECT, 0, 22, HOUR}}, 1, WHY_NO_TRAFFIC, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        agg *a = make(cases[k].r, cases[k].n);
        why_result *r = why_analyze(a, inv, &A, &B);
        size_t replies = 0;
        for (size_t i = 0; i < r->n_rejects; i++) replies += r->rejects[i].asymmetric;
        if (r->verdict != cases[k].verdict || replies != cases[k].replies)
            fprintf(stderr, "case '%s': verdict %s, %zu replies\n", cases[k].what, why_verdict_name(r->verdict), replies);
        CHECK(r->verdict == cases[k].verdict);
        CHECK(replies == cases[k].replies);
        why_free(r);
        agg_free(a);
    }

    /* Rules. B's subnet's ACL lists rule 200 (allow all) before rule 100
     * (deny tcp 22 from 10.0.1.0/24): 100 is evaluated first and decides.
     * Without rule 100, the ACL allows and sg-b, whose only inbound rule
     * allows tcp 22 from sg-a (A's group), allows it: that rule is named. */
    why_rules w = {0};
    why_eni_rules *e = why_rules_add_eni(&w);
    snprintf(e->eni, sizeof e->eni, "eni-b");
    snprintf(e->subnet, sizeof e->subnet, "subnet-b");
    snprintf(e->groups[e->n_groups++], sizeof e->groups[0], "sg-b");
    e = why_rules_add_eni(&w);
    snprintf(e->eni, sizeof e->eni, "eni-a");
    snprintf(e->subnet, sizeof e->subnet, "subnet-a");
    snprintf(e->groups[e->n_groups++], sizeof e->groups[0], "sg-a");
    why_acl_assoc *as = why_rules_add_assoc(&w);
    snprintf(as->acl, sizeof as->acl, "acl-b");
    snprintf(as->subnet, sizeof as->subnet, "subnet-b");
    why_acl_entry *x = why_rules_add_acl(&w);
    *x = (why_acl_entry){.number = 200, .allow = true, .protocol = -1, .from = -1, .to = -1};
    snprintf(x->acl, sizeof x->acl, "acl-b");
    x = why_rules_add_acl(&w);
    *x = (why_acl_entry){.number = 100, .allow = false, .protocol = 6, .from = 22, .to = 22};
    snprintf(x->acl, sizeof x->acl, "acl-b");
    ip_parse_cidr("10.0.1.0/24", &x->net, &x->bits);
    why_sg_rule *g = why_rules_add_sg(&w);
    *g = (why_sg_rule){.protocol = 6, .from = 22, .to = 22};
    snprintf(g->group, sizeof g->group, "sg-b");
    snprintf(g->ref_group, sizeof g->ref_group, "sg-a");

    agg *a = make(cases[0].r, 1);
    why_result *r = why_analyze(a, inv, &A, &B);
    why_explain(r, &w, &A, &B);
    CHECK(r->n_rules == 1);
    if (r->n_rules == 1) {
        CHECK(r->rules[0].side == 'B');
        CHECK_STR(r->rules[0].kind, "network_acl");
        CHECK_STR(r->rules[0].decides, "deny");
        CHECK_STR(r->rules[0].rule, "inbound rule 100 denies tcp 22 from 10.0.1.0/24 (first match for tcp 22 from 10.0.1.10)");
    }
    why_free(r);
    w.n_acl = 1; /* rule 200 alone */
    r = why_analyze(a, inv, &A, &B);
    why_explain(r, &w, &A, &B);
    CHECK(r->n_rules == 2);
    if (r->n_rules == 2) {
        CHECK_STR(r->rules[0].decides, "allow");
        CHECK_STR(r->rules[1].kind, "security_group");
        CHECK_STR(r->rules[1].id, "sg-b");
        CHECK_STR(r->rules[1].rule, "inbound rule allows tcp 22 from sg-a");
    }
    why_free(r);
    agg_free(a);

    /* A refused reply with the ACL allowing it: no security-group line. */
    a = make(cases[2].r, 2);
    r = why_analyze(a, inv, &A, &B);
    why_explain(r, &w, &A, &B);
    for (size_t i = 0; i < r->n_rules; i++) CHECK(strcmp(r->rules[i].kind, "security_group") != 0);
    why_free(r);
    agg_free(a);

    why_rules_free(&w);
    inv_free(inv);
    return check_done();
}
