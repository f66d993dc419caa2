/* cost_rank: `top --by ip|peer|eni|subnet|nat|az|vpc|account|service` and
 * the report's top tables group the same charges by a different key. Every
 * grouping adds the very charges cost_run() produced, so with limit 0 the
 * rows of every key but nat add up to totals.cost_usd (BY_NAT covers only
 * the charges of flows through a NAT gateway). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost_int.h"
#include "util.h"

/* ---- the keys: one row each ----
 *
 * A key either groups a charge by its payer (payer_key: the payer
 * endpoint's IP, ENI, subnet, AZ, VPC or account) or by something of the
 * charge itself (charge_key: the far end, the NAT gateway, the far end's
 * service). Payer keys also give a group row its out/in bytes: the traffic
 * of its payers, once each. `keep` says which of the representative
 * endpoint's fields a row still describes (a subnet row has no one name).
 *
 * tag:KEY is a payer key too (pk_tag), with the tag's name as parameter,
 * so it is parsed apart from this table (cost_by_tag_key) and ranked by
 * cost_rank_by_tag through the same rank(). */

enum { K_NAME = 1, K_ENI = 2, K_KIND = 4, K_SUBNET = 8, K_VPC = 16, K_AZ = 32, K_EP = 64,
       K_ALL = K_NAME | K_ENI | K_KIND | K_SUBNET | K_VPC | K_AZ };
/* Where a row's bytes_out/bytes_in come from. */
enum { IO_NONE, IO_EP, IO_PAYERS, IO_NAT, IO_PEER };

/* param: the key's parameter (tag:KEY's KEY), NULL for the others */
typedef bool (*payer_key_fn)(const cost_endpoint *p, const char *param, char *key, size_t n);
typedef const char *(*group_name_fn)(const cost_result *r, const char *key);
typedef bool (*charge_key_fn)(const cost_result *r, const cost_charge *ch, char *key, size_t n, uint32_t *ep);

static const char *or_dash(const char *s) { return s ? s : "-"; }
static const char *eni_field(const cost_endpoint *p, size_t off)
{
    return p->eni ? or_dash(*(const char *const *)((const char *)p->eni + off)) : "-";
}

static bool pk_ip(const cost_endpoint *p, const char *param, char *key, size_t n)
{
    (void)param;
    ip_format(&p->ip, key, n);
    return true;
}
#define PAYER_FIELD(fn, field)                                                   \
    static bool fn(const cost_endpoint *p, const char *param, char *key, size_t n) \
    {                                                                            \
        (void)param;                                                             \
        snprintf(key, n, "%s", eni_field(p, offsetof(inv_eni, field)));         \
        return true;                                                             \
    }
PAYER_FIELD(pk_eni, id)
PAYER_FIELD(pk_subnet, subnet_id)
PAYER_FIELD(pk_az, az_id)
PAYER_FIELD(pk_vpc, vpc_id)
PAYER_FIELD(pk_account, account)
#undef PAYER_FIELD

static bool pk_tag(const cost_endpoint *p, const char *tag, char *key, size_t n)
{
    const char *v = p->cls == EP_ENI && p->eni ? inv_eni_tag(p->eni, tag) : NULL;
    snprintf(key, n, "%s", !v ? "(untagged)" : *v ? v : "(empty)");
    return true;
}

/* A subnet's or VPC's Name tag, from the inventory cost_run priced with. */
static const char *subnet_name(const cost_result *r, const char *key)
{
    const inv_subnet *s = r->inv ? inv_subnet_by_id(r->inv, key) : NULL;
    return s ? s->name : NULL;
}
static const char *vpc_name(const cost_result *r, const char *key)
{
    const inv_vpc *v = r->inv ? inv_vpc_by_id(r->inv, key) : NULL;
    return v ? v->name : NULL;
}

static void aws_key(const cost_endpoint *q, char *key, size_t n)
{
    snprintf(key, n, "%s %s", q->service ? q->service : "AWS", q->region ? q->region : "");
}

static bool ck_peer(const cost_result *r, const cost_charge *ch, char *key, size_t n, uint32_t *ep)
{
    if (ch->peer == COST_NONE) return false;
    const cost_endpoint *q = &r->eps[ch->peer];
    *ep = ch->peer;
    if (q->cls == EP_AWS) aws_key(q, key, n);
    else ip_format(&q->ip, key, n);
    return true;
}

static bool ck_nat(const cost_result *r, const cost_charge *ch, char *key, size_t n, uint32_t *ep)
{
    const cost_flow *f = &r->flows[ch->flow];
    if (!cost_flow_is_nat(f)) return false;
    long i = cost_nat_of_ep(r, f->via);
    if (i >= 0) snprintf(key, n, "%s", r->nats[i].id);
    else ip_format(&r->eps[f->via].ip, key, n);
    *ep = f->via;
    return true;
}

/* What the far end is: an AWS service and region ("S3 us-east-1"), or
 * "Internet", "same VPC", "other VPC", "unknown private" (docs/cli.md). A
 * charge without a far end is "-", so the rows still add up to the total. */
static bool ck_service(const cost_result *r, const cost_charge *ch, char *key, size_t n, uint32_t *ep)
{
    *ep = COST_NONE;
    if (ch->peer == COST_NONE) {
        snprintf(key, n, "-");
        return true;
    }
    const cost_endpoint *q = &r->eps[ch->peer], *p = &r->eps[ch->payer];
    switch (q->cls) {
    case EP_AWS: aws_key(q, key, n); break;
    case EP_INTERNET: snprintf(key, n, "Internet"); break;
    case EP_UNKNOWN_PRIVATE: snprintf(key, n, "unknown private"); break;
    case EP_ENI: {
        const char *v1 = p->eni ? p->eni->vpc_id : NULL, *v2 = q->eni ? q->eni->vpc_id : NULL;
        snprintf(key, n, "%s", v1 && v2 && strcmp(v1, v2) ? "other VPC" : "same VPC");
        break;
    }
    default: snprintf(key, n, "-");
    }
    return true;
}

static const struct by_key {
    const char *name;
    payer_key_fn payer_key; /* or NULL: charge_key */
    charge_key_fn charge_key;
    unsigned keep;          /* K_*: fields of the representative kept on the row */
    int io;                 /* IO_*: where bytes_out/bytes_in come from */
    group_name_fn group_name; /* the group's own name (its Name tag), or NULL */
} by_keys[] = {
    [BY_IP] = {"ip", pk_ip, NULL, K_ALL | K_EP, IO_EP, NULL},
    [BY_PEER] = {"peer", NULL, ck_peer, K_ALL | K_EP, IO_PEER, NULL},
    [BY_ENI] = {"eni", pk_eni, NULL, K_ALL, IO_PAYERS, NULL},
    [BY_SUBNET] = {"subnet", pk_subnet, NULL, K_SUBNET | K_VPC | K_AZ, IO_PAYERS, subnet_name},
    [BY_NAT] = {"nat", NULL, ck_nat, K_ALL, IO_NAT, NULL},
    [BY_AZ] = {"az", pk_az, NULL, 0, IO_PAYERS, NULL}, /* the key is the AZ ID */
    [BY_VPC] = {"vpc", pk_vpc, NULL, K_VPC, IO_PAYERS, vpc_name},
    [BY_ACCOUNT] = {"account", pk_account, NULL, 0, IO_PAYERS, NULL},
    [BY_SERVICE] = {"service", NULL, ck_service, 0, IO_NONE, NULL},
};
#define N_BY (sizeof by_keys / sizeof *by_keys)

int cost_by_parse(const char *s, cost_by *out)
{
    for (size_t i = 0; i < N_BY; i++)
        if (s && !strcmp(s, by_keys[i].name)) {
            *out = (cost_by)i;
            return 0;
        }
    return -1;
}

const char *cost_by_name(cost_by by)
{
    return (unsigned)by < N_BY ? by_keys[by].name : "?";
}

static void fill_meta(cost_rank *row, const cost_endpoint *e, unsigned keep)
{
    const inv_eni *n = cost_ep_eni(e);
    if (!n) return;
    if (keep & K_NAME) row->name = n->name;
    if (keep & K_ENI) row->eni = n->id;
    if (keep & K_KIND) row->kind = eni_kind_name(n->kind);
    if (keep & K_SUBNET) row->subnet = n->subnet_id;
    if (keep & K_VPC) row->vpc = n->vpc_id;
    if (keep & K_AZ) row->az = n->az_id;
}

/* The key of a charge under `by`, or false when it has none. */
static bool key_of(const cost_result *r, const cost_charge *ch, const struct by_key *k, const char *param,
                   char *key, size_t n, uint32_t *ep)
{
    *ep = COST_NONE;
    if (k->charge_key) return k->charge_key(r, ch, key, n, ep);
    *ep = ch->payer;
    return k->payer_key(&r->eps[ch->payer], param, key, n);
}

/* ep last: one address, two holders */
FC_COMPARATOR(cmp_rank, cost_rank, FC_DESC(usd) FC_KEY(strcmp(a->key, b->key)) FC_ASC(ep))

/* One charge's place in the fold: what the order and the fold read, 20
 * bytes. (A copy of the charge as a whole cost_rank row, 232 bytes with its
 * key text, was the report's peak memory at a million charges.) */
typedef struct rank_ref {
    uint32_t key;    /* its row: the key's place in strcmp order, then the holder's */
    uint32_t flow;
    uint32_t ep;
    uint32_t charge;
    uint8_t cat;
} rank_ref;

/* the order of the key text and holder, then the charge's own order (the
 * fold's sums were taken in it before: a stable sort of the charges) */
FC_COMPARATOR(cmp_ref, rank_ref, FC_ASC(key) FC_ASC(flow) FC_ASC(cat) FC_ASC(ep) FC_ASC(charge))

/* A row's key: the text and, for rows keyed by a reused address, the
 * holder's endpoint (one row per holder), else COST_NONE. Zero-padded. */
typedef struct row_key {
    char text[sizeof ((cost_rank *)0)->key];
    uint32_t holder;
} row_key;

typedef struct key_name {
    const row_key *k;
    uint32_t id;
} key_name;

FC_COMPARATOR(cmp_key_name, key_name, FC_KEY(strcmp(a->k->text, b->k->text)) FC_ASC(k->holder))

/* The endpoint a charge's key is made from alone (so that its row can be
 * remembered per endpoint), COST_NONE when it is not one endpoint's. */
static uint32_t keyed_ep(const cost_result *r, const cost_charge *ch, const struct by_key *k)
{
    if (k->payer_key) return ch->payer;
    if (k->charge_key == ck_peer) return ch->peer;
    if (k->charge_key == ck_nat && cost_flow_is_nat(&r->flows[ch->flow])) return r->flows[ch->flow].via;
    return COST_NONE;
}

static int cmp_key(const void *x, const void *y)
{
    return strcmp(((const cost_rank *)x)->key, ((const cost_rank *)y)->key);
}

static cost_rank *rank(const cost_result *r, const struct by_key *k, const char *param, size_t limit, size_t *n);

cost_rank *cost_rank_by(const cost_result *r, cost_by by, size_t limit, size_t *n)
{
    *n = 0;
    return (unsigned)by < N_BY ? rank(r, &by_keys[by], NULL, limit, n) : NULL;
}

/* An endpoint whose address another endpoint also has: an address reused
 * by two ENIs over the inventory's history (cost.c makes one per holder). */
static bool ep_reused(const cost_result *r, uint32_t ep)
{
    if (ep >= r->n_eps) return false;
    return (ep > 0 && ip_eq(&r->eps[ep - 1].ip, &r->eps[ep].ip)) ||
           (ep + 1 < r->n_eps && ip_eq(&r->eps[ep + 1].ip, &r->eps[ep].ip));
}

static cost_rank *rank(const cost_result *r, const struct by_key *k, const char *param, size_t limit, size_t *n)
{
    *n = 0;
    if (!r || !r->n_charges) return NULL;
    /* One row per charge, sorted by key (then flow), then folded. A
     * payer's charges on one flow all price the same bytes (inter_az
     * halves, NAT processing, egress...), so a row's bytes take each flow
     * once: the traffic behind the cost, not a sum over categories. */
    cost_kmap keys; /* row_key -> id, in order of first use */
    cost_kmap_init(&keys, sizeof(row_key));
    uint32_t *ep_row = xmalloc((r->n_eps ? r->n_eps : 1) * sizeof *ep_row); /* keyed_ep -> key id */
    memset(ep_row, 0xff, (r->n_eps ? r->n_eps : 1) * sizeof *ep_row);
    rank_ref *t = xmalloc((r->n_charges ? r->n_charges : 1) * sizeof *t);
    size_t m = 0;
    bool by_flow = true; /* cost_run leaves the charges ordered by flow first */
    for (size_t i = 0; i < r->n_charges; i++) {
        const cost_charge *ch = &r->charges[i];
        if (i && ch->flow < r->charges[i - 1].flow) by_flow = false;
        uint32_t e = keyed_ep(r, ch, k), id, ep = e;
        if (e < r->n_eps && ep_row[e] != UINT32_MAX) {
            id = ep_row[e];
        } else {
            row_key rk;
            memset(&rk, 0, sizeof rk);
            if (!key_of(r, ch, k, param, rk.text, sizeof rk.text, &ep)) continue;
            rk.holder = (k->keep & K_EP) && ep_reused(r, ep) ? ep : COST_NONE; /* rows keyed by address */
            id = (uint32_t)cost_kmap_get(&keys, &rk, NULL);
            if (e < r->n_eps) ep_row[e] = id;
        }
        t[m++] = (rank_ref){id, ch->flow, ep, (uint32_t)i, ch->cat};
    }
    free(ep_row);
    /* ids -> places in (text, holder) order, so that the sort compares integers */
    key_name *kn = xmalloc((keys.n ? keys.n : 1) * sizeof *kn);
    for (size_t i = 0; i < keys.n; i++) kn[i] = (key_name){(const row_key *)(keys.keys + i * sizeof(row_key)), (uint32_t)i};
    qsort(kn, keys.n, sizeof *kn, cmp_key_name);
    uint32_t *place = xmalloc((keys.n ? keys.n : 1) * sizeof *place);
    for (size_t i = 0; i < keys.n; i++) place[kn[i].id] = (uint32_t)i;
    for (size_t i = 0; i < m; i++) t[i].key = place[t[i].key];
    free(place);
    if (by_flow) {
        /* Dealt into rows in charge order (a counting sort), each row's
         * charges are already by flow: only a flow's few charges of one
         * row need ordering, not millions of references. */
        size_t *at = xcalloc(keys.n + 1, sizeof *at);
        for (size_t i = 0; i < m; i++) at[t[i].key + 1]++;
        for (size_t i = 0; i < keys.n; i++) at[i + 1] += at[i];
        rank_ref *u = xmalloc((m ? m : 1) * sizeof *u);
        for (size_t i = 0; i < m; i++) u[at[t[i].key]++] = t[i];
        free(at);
        free(t);
        t = u;
        for (size_t i = 0, j; i < m; i = j) {
            for (j = i + 1; j < m && t[j].key == t[i].key && t[j].flow == t[i].flow;) j++;
            if (j - i > 1) qsort(t + i, j - i, sizeof *t, cmp_ref);
        }
    } else {
        qsort(t, m, sizeof *t, cmp_ref);
    }
    size_t nrows = keys.n;
    cost_rank *rows = xcalloc(nrows ? nrows : 1, sizeof *rows);
    size_t w = 0;
    uint32_t last_flow = UINT32_MAX;
    uint64_t last_bytes = 0;
    for (size_t i = 0; i < m; i++) {
        const cost_charge *ch = &r->charges[t[i].charge];
        /* An in-half alone counts nothing but still moved its bytes; both
         * halves merged on one payer count them once. */
        uint64_t bytes = ch->bytes_counted ? ch->bytes_counted : ch->bytes;
        if (w && t[i].key == t[i - 1].key) {
            cost_rank *d = &rows[w - 1];
            d->usd += ch->usd;
            for (int c = 0; c < CAT_COUNT; c++) d->cat_usd[c] += c == ch->cat ? ch->usd : 0.0;
            if (t[i].flow != last_flow) {
                d->bytes += bytes;
                last_flow = t[i].flow;
                last_bytes = bytes;
            } else if (bytes > last_bytes) {
                d->bytes += bytes - last_bytes;
                last_bytes = bytes;
            }
            if (t[i].ep < d->ep) d->ep = t[i].ep;
        } else {
            cost_rank *d = &rows[w++];
            memcpy(d->key, kn[t[i].key].k->text, sizeof d->key);
            d->ep = t[i].ep;
            d->usd = ch->usd;
            d->cat_usd[ch->cat] = ch->usd;
            d->bytes = bytes;
            last_flow = t[i].flow;
            last_bytes = bytes;
        }
    }
    free(t);
    free(kn);
    cost_kmap_free(&keys);
    for (size_t i = 0; i < w; i++) {
        cost_rank *row = &rows[i];
        if (row->ep == COST_NONE) continue;
        const cost_endpoint *e = &r->eps[row->ep];
        fill_meta(row, e, k->keep);
        if (k->io == IO_EP || k->io == IO_PEER) {
            row->bytes_out = e->bytes_out;
            row->bytes_in = e->bytes_in;
        }
        if (k->io == IO_NAT) {
            long x = cost_nat_of_ep(r, (uint32_t)(e - r->eps));
            if (x >= 0) {
                row->bytes_out = r->nats[x].bytes_out;
                row->bytes_in = r->nats[x].bytes_in;
                /* untagged: its name is its id, already the key */
                row->name = r->nats[x].name && strcmp(r->nats[x].name, r->nats[x].id) ? r->nats[x].name : NULL;
            }
        }
        if (!(k->keep & K_EP)) row->ep = COST_NONE;
    }
    if (k->group_name)
        for (size_t i = 0; i < w; i++) rows[i].name = k->group_name(r, rows[i].key);
    /* Out/in bytes of a peer row that stands for a whole AWS service and
     * region: every address of it, once each. */
    if (k->io == IO_PEER) {
        for (size_t i = 0; i < w; i++)
            if (rows[i].ep != COST_NONE && r->eps[rows[i].ep].cls == EP_AWS) rows[i].bytes_out = rows[i].bytes_in = 0;
        for (size_t i = 0; i < r->n_eps; i++) {
            const cost_endpoint *e = &r->eps[i];
            if (e->cls != EP_AWS) continue;
            cost_rank probe;
            aws_key(e, probe.key, sizeof probe.key);
            cost_rank *hit = bsearch(&probe, rows, w, sizeof *rows, cmp_key);
            if (!hit) continue;
            hit->bytes_out += e->bytes_out;
            hit->bytes_in += e->bytes_in;
        }
    }
    /* Out/in bytes for groups: sum their payers' own traffic once each. */
    if (k->io == IO_PAYERS) {
        for (size_t i = 0; i < r->n_eps; i++) {
            const cost_endpoint *e = &r->eps[i];
            if (e->cls != EP_ENI || !e->eni) continue;
            cost_rank probe;
            if (!k->payer_key(e, param, probe.key, sizeof probe.key)) continue;
            cost_rank *hit = bsearch(&probe, rows, w, sizeof *rows, cmp_key);
            if (!hit) continue;
            hit->bytes_out += e->bytes_out;
            hit->bytes_in += e->bytes_in;
        }
    }
    qsort(rows, w, sizeof *rows, cmp_rank);
    if (limit && w > limit) w = limit;
    *n = w;
    return rows;
}

/* ---- top --by tag:KEY ----
 * A payer key with a parameter: the payer ENI's value of tag KEY,
 * "(untagged)" when it has none (or is no ENI of ours), "(empty)" for an
 * empty value. Every charge has one payer, so the rows add up to
 * totals.cost_usd like BY_ENI's. */
const char *cost_by_tag_key(const char *by)
{
    return by && strncmp(by, "tag:", 4) == 0 && by[4] ? by + 4 : NULL;
}

cost_rank *cost_rank_by_tag(const cost_result *r, const char *tag, size_t limit, size_t *n)
{
    static const struct by_key tag_key = {"tag", pk_tag, NULL, 0, IO_PAYERS, NULL};
    *n = 0;
    return tag ? rank(r, &tag_key, tag, limit, n) : NULL;
}

const char *cost_ep_name(const cost_result *r, uint32_t i)
{
    if (i == COST_NONE || i >= r->n_eps) return NULL;
    const cost_endpoint *e = &r->eps[i];
    if (e->cls != EP_ENI || !e->eni) return NULL;
    return e->eni->name ? e->eni->name : e->eni->id;
}

void cost_ep_label(const cost_result *r, uint32_t i, char *buf, size_t n)
{
    if (i == COST_NONE || i >= r->n_eps) {
        snprintf(buf, n, "?");
        return;
    }
    const cost_endpoint *e = &r->eps[i];
    char ip[IP_STRLEN];
    ip_format(&e->ip, ip, sizeof ip);
    const char *nm = cost_ep_name(r, i);
    switch (e->cls) {
    case EP_ENI:
        if (nm) snprintf(buf, n, "%s (%s)", nm, ip);
        else snprintf(buf, n, "%s", ip);
        break;
    case EP_AWS: snprintf(buf, n, "%s %s", e->service ? e->service : "AWS", e->region ? e->region : ""); break;
    case EP_UNKNOWN_PRIVATE: snprintf(buf, n, "%s (unknown private)", ip); break;
    default: snprintf(buf, n, "%s", ip);
    }
}

void cost_nat_label(const cost_nat *nt, char *buf, size_t n)
{
    if (nt->name && strcmp(nt->name, nt->id)) snprintf(buf, n, "%s (%s)", nt->name, nt->id);
    else snprintf(buf, n, "%s", nt->id);
}
