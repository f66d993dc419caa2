/* why: the REJECT records between two ends, which side refused them, and
 * the rule that did (see why.h and docs/why.md for the flow-log semantics). */
#include "why.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const verdict_names[] = {"no_traffic", "accepted", "rejected_at_destination", "rejected_at_source",
                                            "asymmetric_return"};

const char *why_verdict_name(why_verdict v)
{
    return verdict_names[v];
}

static void add_net(why_side *s, const ip128 *net, unsigned bits)
{
    for (size_t i = 0; i < s->n_nets; i++)
        if (s->bits[i] == bits && ip_eq(&s->net[i], net)) return;
    if (s->n_nets == WHY_MAX_NETS) return;
    s->net[s->n_nets] = ip_mask(net, bits);
    s->bits[s->n_nets++] = bits;
}

static void add_eni(why_side *s, const inv_eni *e)
{
    for (size_t i = 0; i < s->n_enis; i++)
        if (!strcmp(s->eni[i], e->id)) return;
    if (s->n_enis < WHY_MAX_ENIS) snprintf(s->eni[s->n_enis++], sizeof s->eni[0], "%s", e->id);
}

static void add_eni_all(why_side *s, const inv_eni *e)
{
    add_eni(s, e);
    for (size_t i = 0; i < e->n_private; i++) add_net(s, &e->ips[i], 128);
}

static bool in_side(const why_side *s, const ip128 *ip)
{
    for (size_t i = 0; i < s->n_nets; i++) {
        ip128 m = ip_mask(ip, s->bits[i]);
        if (ip_eq(&m, &s->net[i])) return true;
    }
    return false;
}

int why_resolve(const char *spec, const inventory *inv, why_side *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    snprintf(out->spec, sizeof out->spec, "%s", spec);
    ip128 ip;
    unsigned bits;
    if (ip_parse(spec, strlen(spec), &ip) == 0) {
        add_net(out, &ip, 128);
        const inv_eni *e = inv_by_ip(inv, &ip);
        if (e) add_eni(out, e);
        return 0;
    }
    if (strchr(spec, '/') && ip_parse_cidr(spec, &ip, &bits) == 0) {
        add_net(out, &ip, bits);
        for (size_t i = 0; i < inv_eni_count(inv); i++) {
            const inv_eni *e = inv_eni_at(inv, i);
            for (size_t k = 0; k < e->n_private; k++)
                if (in_side(out, &e->ips[k])) add_eni(out, e);
        }
        return 0;
    }
    /* an ENI id, or every ENI a workload name or instance id names */
    for (size_t i = 0; i < inv_eni_count(inv); i++) {
        const inv_eni *e = inv_eni_at(inv, i);
        if (!strcmp(e->id, spec) || (e->name && !strcmp(e->name, spec)) ||
            (e->instance_id && !strcmp(e->instance_id, spec)))
            add_eni_all(out, e);
    }
    if (out->n_enis && out->n_nets) return 0;
    return fc_err(err, errlen, "'%s' is no address, CIDR, ENI id or name the inventory knows (add --eni-snapshot or "
                               "--enrich-live, or give an address)", spec);
}

/* Whose ENI wrote the record: an ENI of a side, else the one the inventory
 * says holds an address of a side, else the flow direction (v5): egress at
 * the sender, ingress at the receiver. */
static int logged_at(const char *eni, const inventory *inv, const why_side *A, const why_side *B, int dir,
                     uint8_t direction)
{
    for (size_t i = 0; eni && i < A->n_enis; i++)
        if (!strcmp(A->eni[i], eni)) return WHY_AT_A;
    for (size_t i = 0; eni && i < B->n_enis; i++)
        if (!strcmp(B->eni[i], eni)) return WHY_AT_B;
    const inv_eni *e = eni ? inv_by_id(inv, eni) : NULL;
    for (size_t k = 0; e && k < e->n_private; k++) {
        if (in_side(A, &e->ips[k])) return WHY_AT_A;
        if (in_side(B, &e->ips[k])) return WHY_AT_B;
    }
    if (direction == FL_EGRESS) return dir == WHY_FWD ? WHY_AT_A : WHY_AT_B;
    if (direction == FL_INGRESS) return dir == WHY_FWD ? WHY_AT_B : WHY_AT_A;
    return WHY_AT_UNKNOWN;
}

typedef struct rows {
    why_row *v;
    size_t n, cap;
} rows;

static void push_row(rows *r, const why_row *x)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->v = xrealloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->n++] = *x;
}

FC_COMPARATOR(cmp_row, why_row,
              FC_ASC(hour) FC_ASC(dir) FC_ASC(protocol) FC_ASC(port) FC_KEY(strcmp(a->eni, b->eni))
              FC_KEY(strcmp(a->src, b->src)) FC_KEY(strcmp(a->dst, b->dst)))

/* Sort, then fold rows of one key (direction, ENI — hence side —,
 * protocol, port, hour, addresses) into one: n log n, whatever the sides. */
static void fold(rows *r)
{
    if (!r->n) return;
    qsort(r->v, r->n, sizeof *r->v, cmp_row);
    size_t w = 0;
    for (size_t i = 0; i < r->n; i++) {
        why_row *y = w ? &r->v[w - 1] : NULL, *x = &r->v[i];
        if (y && cmp_row(y, x) == 0) {
            y->packets += x->packets;
            y->bytes += x->bytes;
            y->records += x->records;
            if (x->first && (!y->first || x->first < y->first)) y->first = x->first;
            if (x->last > y->last) y->last = x->last;
        } else {
            r->v[w++] = *x;
        }
    }
    r->n = w;
}

/* An ACCEPT the other way within an hour either side: the window of one
 * aggregation interval (at most 10 minutes) wherever it falls. hours[d]:
 * the hours with ACCEPTs in direction d, ascending (acc is sorted by hour). */
static bool accepted_other_way(int32_t *const hours[2], const size_t n[2], const why_row *rej)
{
    int other = rej->dir == WHY_FWD ? WHY_REV : WHY_FWD;
    size_t lo = 0, hi = n[other];
    while (lo < hi) { /* first hour >= rej->hour - 1 */
        size_t mid = (lo + hi) / 2;
        if (hours[other][mid] < rej->hour - 1) lo = mid + 1;
        else hi = mid;
    }
    return lo < n[other] && hours[other][lo] <= rej->hour + 1;
}

static const char *proto_name(int p, char *buf, size_t n)
{
    static const struct {
        int p;
        const char *name;
    } names[] = {{-1, "all"}, {1, "icmp"}, {6, "tcp"}, {17, "udp"}, {58, "icmpv6"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].p == p) return names[i].name;
    snprintf(buf, n, "%d", p);
    return buf;
}

int why_protocol(const char *s)
{
    static const struct {
        const char *name;
        int p;
    } names[] = {{"-1", -1}, {"all", -1}, {"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"icmpv6", 58}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(names[i].name, s)) return names[i].p;
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v >= 0 && v <= 255 ? (int)v : -2;
}

static void summarize(why_result *r, const why_side *A, const why_side *B)
{
    const why_row *first = NULL;
    uint64_t recs = 0;
    for (size_t i = 0; i < r->n_rejects; i++) {
        const why_row *x = &r->rejects[i];
        bool counts = r->verdict == WHY_ASYMMETRIC_RETURN ? x->asymmetric
                      : r->verdict == WHY_REJECTED_AT_SOURCE ? x->dir == WHY_FWD && x->at == WHY_AT_A
                                                             : x->dir == WHY_FWD && x->at != WHY_AT_A;
        if (!counts) continue;
        if (!first) first = x;
        recs += x->records;
    }
    char pb[8];
    switch (r->verdict) {
    case WHY_NO_TRAFFIC:
        snprintf(r->summary, sizeof r->summary, "no record from %s to %s in the inputs: nothing was sent, or no flow log "
                 "covers either ENI", A->spec, B->spec);
        break;
    case WHY_ACCEPTED:
        snprintf(r->summary, sizeof r->summary, "%s reaches %s: only ACCEPT records from %s to %s", A->spec, B->spec,
                 A->spec, B->spec);
        break;
    case WHY_REJECTED_AT_DESTINATION:
        snprintf(r->summary, sizeof r->summary,
                 "%s refuses %s: %llu REJECT record%s of %s/%u logged on the way in at %s — %s's security group or "
                 "its subnet's network ACL", B->spec, A->spec, (unsigned long long)recs, recs == 1 ? "" : "s",
                 proto_name(first->protocol, pb, sizeof pb), first->port, first->eni, B->spec);
        break;
    case WHY_REJECTED_AT_SOURCE:
        snprintf(r->summary, sizeof r->summary,
                 "%s's own rules stop it: %llu REJECT record%s of %s/%u logged on the way out at %s — %s's security "
                 "group (outbound) or its subnet's network ACL", A->spec, (unsigned long long)recs, recs == 1 ? "" : "s",
                 proto_name(first->protocol, pb, sizeof pb), first->port, first->eni, A->spec);
        break;
    case WHY_ASYMMETRIC_RETURN:
        snprintf(r->summary, sizeof r->summary,
                 "the replies are refused: ACCEPT one way and %llu REJECT record%s of %s/%u the other way at %s in the "
                 "same hour — a network ACL (stateless) without a rule for the return traffic; security groups are "
                 "stateful and let replies through", (unsigned long long)recs, recs == 1 ? "" : "s",
                 proto_name(first->protocol, pb, sizeof pb), first->port, first->eni);
        break;
    }
}

why_result *why_analyze(const agg *a, const inventory *inv, const why_side *A, const why_side *B)
{
    why_result *r = xcalloc(1, sizeof *r);
    rows rej = {0}, acc = {0};
    size_t n;
    const agg_group *gs = agg_groups(a, &n);
    for (size_t i = 0; i < n; i++) {
        const agg_group *g = &gs[i];
        if (g->status != FL_OK || (g->flags & (AGG_HAS_SRC | AGG_HAS_DST)) != (AGG_HAS_SRC | AGG_HAS_DST)) continue;
        int dir;
        if (in_side(A, &g->src) && in_side(B, &g->dst)) dir = WHY_FWD;
        else if (in_side(B, &g->src) && in_side(A, &g->dst)) dir = WHY_REV;
        else continue;
        why_row x = {0};
        const char *eni = agg_str(a, g->eni);
        x.dir = dir;
        x.at = logged_at(eni, inv, A, B, dir, g->direction);
        x.action = g->action;
        x.protocol = g->protocol;
        x.port = g->dstport;
        x.hour = g->hour;
        snprintf(x.eni, sizeof x.eni, "%s", eni ? eni : "-");
        ip_format(&g->src, x.src, sizeof x.src);
        ip_format(&g->dst, x.dst, sizeof x.dst);
        x.first = g->min_start;
        x.last = g->max_end;
        x.packets = g->packets;
        x.bytes = g->bytes;
        x.records = g->records;
        push_row(g->action == FL_REJECT ? &rej : &acc, &x);
    }
    fold(&rej);
    fold(&acc);
    bool fwd_dest = false, fwd_src = false, asym = false, fwd_acc = false;
    int32_t *hours[2] = {xmalloc((acc.n + 1) * sizeof(int32_t)), xmalloc((acc.n + 1) * sizeof(int32_t))};
    size_t nh[2] = {0, 0};
    for (size_t i = 0; i < acc.n; i++) {
        fwd_acc |= acc.v[i].dir == WHY_FWD;
        hours[acc.v[i].dir][nh[acc.v[i].dir]++] = acc.v[i].hour;
    }
    for (size_t i = 0; i < rej.n; i++) {
        why_row *x = &rej.v[i];
        /* A refused reply: ACCEPTs the other way in the window, and the
         * refused packets go to a client's port: the usual ephemeral range
         * (>= 32768: Linux's 32768-60999, Windows' 49152-65535), since
         * 1024-32767 holds many server ports (5432, 8080). ICMP has no
         * ports: an echo and its reply both count. Replies to ports below
         * 32768 (some NAT devices) are therefore taken as first packets. */
        bool reply_port = x->protocol == 1 || x->protocol == 58 || x->port >= 32768;
        x->asymmetric = reply_port && accepted_other_way(hours, nh, x);
        if (x->asymmetric) asym = true;
        else if (x->dir == WHY_FWD && x->at == WHY_AT_A) fwd_src = true;
        else if (x->dir == WHY_FWD) fwd_dest = true;
    }
    free(hours[0]);
    free(hours[1]);
    r->verdict = fwd_dest ? WHY_REJECTED_AT_DESTINATION
                 : fwd_src ? WHY_REJECTED_AT_SOURCE
                 : asym    ? WHY_ASYMMETRIC_RETURN
                 : fwd_acc ? WHY_ACCEPTED
                           : WHY_NO_TRAFFIC;
    r->rejects = rej.v;
    r->n_rejects = rej.n;
    r->accepts = acc.v;
    r->n_accepts = acc.n;
    summarize(r, A, B);
    return r;
}

void why_free(why_result *r)
{
    if (!r) return;
    FC_FREE(r->rejects, r->accepts, r->rules, r);
}

/* ---- rules ---- */

/* Rule lists are a handful of rows: grow by one. */
#define ADD_ROW(arr, n)                                                                                                \
    do {                                                                                                               \
        (arr) = xrealloc((arr), ((n) + 1) * sizeof *(arr));                                                            \
        memset(&(arr)[(n)], 0, sizeof *(arr));                                                                         \
        return &(arr)[(n)++];                                                                                          \
    } while (0)

why_sg_rule *why_rules_add_sg(why_rules *w) { ADD_ROW(w->sg, w->n_sg); }
why_acl_entry *why_rules_add_acl(why_rules *w) { ADD_ROW(w->acl, w->n_acl); }
why_eni_rules *why_rules_add_eni(why_rules *w) { ADD_ROW(w->enis, w->n_enis); }
why_acl_assoc *why_rules_add_assoc(why_rules *w) { ADD_ROW(w->assoc, w->n_assoc); }

void why_rules_free(why_rules *w)
{
    free(w->sg);
    free(w->acl);
    free(w->enis);
    free(w->assoc);
    memset(w, 0, sizeof *w);
}

static const why_eni_rules *eni_rules(const why_rules *w, const char *eni)
{
    for (size_t i = 0; i < w->n_enis; i++)
        if (!strcmp(w->enis[i].eni, eni)) return &w->enis[i];
    return NULL;
}

static bool port_in(int proto, int from, int to, int rproto, unsigned port)
{
    if (rproto != -1 && rproto != proto) return false;
    /* ports only mean something for TCP and UDP */
    if ((proto == 6 || proto == 17) && from >= 0 && ((int)port < from || (int)port > to)) return false;
    return true;
}

static bool net_has(const ip128 *net, unsigned bits, const ip128 *ip)
{
    ip128 m = ip_mask(ip, bits);
    return ip_eq(&m, net);
}

static void ports_text(int proto, int from, int to, char *buf, size_t n)
{
    char pb[8];
    const char *p = proto_name(proto, pb, sizeof pb);
    if ((proto == 6 || proto == 17) && from >= 0 && from != to) snprintf(buf, n, "%s %d-%d", p, from, to);
    else if ((proto == 6 || proto == 17) && from >= 0) snprintf(buf, n, "%s %d", p, from);
    else snprintf(buf, n, "%s", p);
}

static why_rule_hit *add_hit(why_result *r, char side, const char *kind, const char *id, const char *decides)
{
    for (size_t i = 0; i < r->n_rules; i++) /* one line per rule */
        if (r->rules[i].side == side && !strcmp(r->rules[i].kind, kind) && !strcmp(r->rules[i].id, id) &&
            !strcmp(r->rules[i].decides, decides) && strcmp(decides, "none") != 0)
            return NULL;
    r->rules = xrealloc(r->rules, (r->n_rules + 1) * sizeof *r->rules);
    why_rule_hit *h = &r->rules[r->n_rules++];
    memset(h, 0, sizeof *h);
    h->side = side;
    snprintf(h->kind, sizeof h->kind, "%s", kind);
    snprintf(h->id, sizeof h->id, "%s", id);
    snprintf(h->decides, sizeof h->decides, "%s", decides);
    return h;
}

/* The first entry (lowest number) of the subnet's ACL in that direction
 * that matches: NACLs stop at the first match. */
static const why_acl_entry *acl_first(const why_rules *w, const char *subnet, bool egress, int proto, unsigned port,
                                      const ip128 *peer, const char **acl_id)
{
    *acl_id = NULL;
    for (size_t i = 0; i < w->n_assoc; i++)
        if (!strcmp(w->assoc[i].subnet, subnet)) *acl_id = w->assoc[i].acl;
    if (!*acl_id) return NULL;
    const why_acl_entry *best = NULL;
    for (size_t i = 0; i < w->n_acl; i++) {
        const why_acl_entry *e = &w->acl[i];
        if (strcmp(e->acl, *acl_id) || e->egress != egress) continue;
        if (!port_in(proto, e->from, e->to, e->protocol, port) || !net_has(&e->net, e->bits, peer)) continue;
        if (!best || e->number < best->number) best = e;
    }
    return best;
}

static void explain_one(why_result *r, const why_rules *w, const why_row *x, const why_side *A, const why_side *B)
{
    const why_eni_rules *er = eni_rules(w, x->eni);
    if (!er) return;
    char side = x->at == WHY_AT_A ? 'A' : 'B';
    /* inbound at the receiver, outbound at the sender */
    bool egress = (x->dir == WHY_FWD) == (x->at == WHY_AT_A);
    ip128 peer;
    ip_parse(egress ? x->dst : x->src, strlen(egress ? x->dst : x->src), &peer);
    char pt[40];
    ports_text(x->protocol, x->port, x->port, pt, sizeof pt);
    const char *acl_id;
    const why_acl_entry *e = acl_first(w, er->subnet, egress, x->protocol, x->port, &peer, &acl_id);
    if (e) {
        char ports[40], net[IP_STRLEN];
        ports_text(e->protocol, e->from, e->to, ports, sizeof ports);
        ip_format(&e->net, net, sizeof net);
        why_rule_hit *h = add_hit(r, side, "network_acl", e->acl, e->allow ? "allow" : "deny");
        if (h)
            snprintf(h->rule, sizeof h->rule, "%s rule %d %s %s %s %s/%u (first match for %s %s %s)",
                     egress ? "outbound" : "inbound", e->number, e->allow ? "allows" : "denies", ports,
                     egress ? "to" : "from", net, ip_is_v4(&e->net) ? e->bits - 96 : e->bits, pt, egress ? "to" : "from",
                     egress ? x->dst : x->src);
        if (!e->allow) return;
    }
    /* Replies never meet a security group's rules (stateful). */
    if (x->asymmetric) return;
    const why_side *other = x->at == WHY_AT_A ? B : A;
    const why_eni_rules *peer_rules = NULL;
    for (size_t i = 0; i < other->n_enis && !peer_rules; i++) peer_rules = eni_rules(w, other->eni[i]);
    for (size_t g = 0; g < er->n_groups; g++)
        for (size_t i = 0; i < w->n_sg; i++) {
            const why_sg_rule *s = &w->sg[i];
            if (strcmp(s->group, er->groups[g]) || s->egress != egress) continue;
            if (!port_in(x->protocol, s->from, s->to, s->protocol, x->port)) continue;
            bool hit = s->has_net && net_has(&s->net, s->bits, &peer);
            for (size_t k = 0; !hit && s->ref_group[0] && peer_rules && k < peer_rules->n_groups; k++)
                hit = !strcmp(peer_rules->groups[k], s->ref_group);
            if (!hit) continue;
            char ports[40], net[IP_STRLEN + 8];
            ports_text(s->protocol, s->from, s->to, ports, sizeof ports);
            if (s->has_net) {
                ip_format(&s->net, net, sizeof net);
                snprintf(net + strlen(net), sizeof net - strlen(net), "/%u", ip_is_v4(&s->net) ? s->bits - 96 : s->bits);
            }
            why_rule_hit *h = add_hit(r, side, "security_group", s->group, "allow");
            if (h)
                snprintf(h->rule, sizeof h->rule, "%s rule allows %s %s %s", egress ? "outbound" : "inbound", ports,
                         egress ? "to" : "from", s->has_net ? net : s->ref_group);
            return;
        }
    dbuf ids;
    dbuf_init(&ids, 0);
    for (size_t g = 0; g < er->n_groups; g++) dbuf_printf(&ids, "%s%s", g ? "," : "", er->groups[g]);
    why_rule_hit *h = add_hit(r, side, "security_group", ids.len ? ids.data : "-", "none");
    snprintf(h->rule, sizeof h->rule, "no %s rule allows %s %s %s", egress ? "outbound" : "inbound", pt,
             egress ? "to" : "from", egress ? x->dst : x->src);
    dbuf_free(&ids);
}

void why_explain(why_result *r, const why_rules *w, const why_side *A, const why_side *B)
{
    for (size_t i = 0; i < r->n_rejects; i++) {
        const why_row *x = &r->rejects[i];
        bool seen = false; /* one explanation per (ENI, direction, protocol, port) */
        for (size_t j = 0; j < i && !seen; j++) {
            const why_row *y = &r->rejects[j];
            seen = y->dir == x->dir && y->at == x->at && y->protocol == x->protocol && y->port == x->port &&
                   !strcmp(y->eni, x->eni);
        }
        if (!seen && x->at != WHY_AT_UNKNOWN) explain_one(r, w, x, A, B);
    }
    /* the verdict names what decides it: the first denying entry, else the
     * first group without an allowing rule */
    const why_rule_hit *d = NULL;
    for (size_t i = 0; i < r->n_rules && !d; i++)
        if (!strcmp(r->rules[i].decides, "deny")) d = &r->rules[i];
    for (size_t i = 0; i < r->n_rules && !d; i++)
        if (!strcmp(r->rules[i].decides, "none")) d = &r->rules[i];
    if (d) {
        size_t l = strlen(r->summary);
        snprintf(r->summary + l, sizeof r->summary - l, "; decided by %s %s %s: %s",
                 d->kind[0] == 'n' ? "network ACL" : "security group", d->id, d->side == 'A' ? "(A)" : "(B)", d->rule);
    }
}
