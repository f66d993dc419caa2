/* json_out: the machine-readable result of ../shared/spec/cli.md — what
 * scripts, CI budgets and other tools read, so its keys are a contract and
 * its bytes must not change between runs on the same input. cJSON builds
 * the tree (it keeps insertion order, so the key order is the order of this
 * file), but numbers are written as raw text we format ourselves: money
 * with 6 decimals (so that thousands of rows still add up to the total to
 * the cent), byte counts as exact 64-bit integers (cJSON's doubles would
 * round them above 2^53, and print floats differently per value). */
#include "json_out.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static cJSON *num_u64(uint64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRIu64, v);
    return cJSON_CreateRaw(b);
}

/* dec decimals; -0.000… and non-finite values never reach the file (what
 * rounds to zero is written as zero). */
static cJSON *num_dec(double v, int dec)
{
    if (!isfinite(v)) return cJSON_CreateNull();
    if (fabs(v) < 0.5 / pow(10, dec)) v = 0;
    char b[48];
    snprintf(b, sizeof b, "%.*f", dec, v);
    return cJSON_CreateRaw(b);
}

static cJSON *num_usd(double v) { return num_dec(v, 6); } /* money */
static cJSON *num_f4(double v) { return num_dec(v, 4); }  /* hours */

static cJSON *str_or_null(const char *s) { return s ? cJSON_CreateString(s) : cJSON_CreateNull(); }

static void add(cJSON *o, const char *k, cJSON *v) { cJSON_AddItemToObject(o, k, v); }

static cJSON *time_or_null(int64_t t)
{
    if (t <= 0) return cJSON_CreateNull();
    char b[32];
    fc_format_time(t, b, sizeof b);
    return cJSON_CreateString(b);
}

/* A struct member written as a key: which of the writers above, and where
 * the member is. Tables of these lay out the plain objects, in key order. */
typedef struct jfield {
    const char *key;
    enum { J_U64, J_USD, J_F4, J_STR, J_TIME, J_BOOL } kind; /* uint64_t, double, double, const char *, int64_t, bool */
    size_t off;
} jfield;
#define JF(type, key, kind, member) {key, kind, offsetof(type, member)}

static void add_fields(cJSON *o, const void *base, const jfield *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *p = (const char *)base + f[i].off;
        uint64_t u;
        double d;
        const char *s;
        int64_t t;
        bool b;
        switch (f[i].kind) {
        case J_U64: memcpy(&u, p, sizeof u); add(o, f[i].key, num_u64(u)); break;
        case J_USD: memcpy(&d, p, sizeof d); add(o, f[i].key, num_usd(d)); break;
        case J_F4: memcpy(&d, p, sizeof d); add(o, f[i].key, num_f4(d)); break;
        case J_STR: memcpy(&s, p, sizeof s); add(o, f[i].key, str_or_null(s)); break;
        case J_TIME: memcpy(&t, p, sizeof t); add(o, f[i].key, time_or_null(t)); break;
        case J_BOOL: memcpy(&b, p, sizeof b); add(o, f[i].key, cJSON_CreateBool(b)); break;
        }
    }
}
#define ADD_FIELDS(o, base, table) add_fields(o, base, table, sizeof table / sizeof *table)

/* An array of objects, one per row of a struct array, laid out by a table. */
static cJSON *rows_json(const void *rows, size_t n, size_t size, const jfield *f, size_t nf)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        add_fields(o, (const char *)rows + i * size, f, nf);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}
#define ROWS_JSON(rows, n, table) rows_json(rows, n, sizeof *(rows), table, sizeof table / sizeof *table)

static const char *ep_class_name(ep_class c)
{
    static const char *const names[] = {"eni", "unknown_private", "aws", "internet"};
    return (unsigned)c < sizeof names / sizeof *names ? names[c] : "unknown";
}

static cJSON *by_category(const double *usd, const uint64_t *bytes)
{
    cJSON *o = cJSON_CreateObject();
    for (int c = 0; c < CAT_COUNT; c++) {
        cJSON *e = cJSON_CreateObject();
        add(e, "bytes", num_u64(bytes ? bytes[c] : 0));
        add(e, "cost_usd", num_usd(usd[c]));
        add(o, cost_cat_name((cost_cat)c), e);
    }
    return o;
}

static const jfield period_fields[] = {
    JF(cost_result, "start", J_TIME, period_start), JF(cost_result, "end", J_TIME, period_end),
    JF(cost_result, "hours", J_F4, period_hours)};

static cJSON *period(const cost_result *r)
{
    cJSON *o = cJSON_CreateObject();
    ADD_FIELDS(o, r, period_fields);
    return o;
}

/* cli.md `coverage`: how many clock hours of the period have records. */
static const jfield coverage_fields[] = {
    JF(cost_coverage, "hours", J_U64, hours), JF(cost_coverage, "hours_with_records", J_U64, hours_with_records),
    JF(cost_coverage, "hours_covered", J_U64, hours_covered),
    JF(cost_coverage, "first_record", J_TIME, first_record), JF(cost_coverage, "last_record", J_TIME, last_record)};

static cJSON *coverage(const cost_result *r)
{
    cJSON *o = cJSON_CreateObject();
    ADD_FIELDS(o, &r->coverage, coverage_fields);
    add(o, "extrapolated_hours", num_f4(r->extrapolated_hours));
    return o;
}

static const jfield record_fields[] = {
    JF(agg_stats, "read", J_U64, read),         JF(agg_stats, "used", J_U64, used),
    JF(agg_stats, "malformed", J_U64, malformed), JF(agg_stats, "nodata", J_U64, nodata),
    JF(agg_stats, "skipdata", J_U64, skipdata), JF(agg_stats, "rejected", J_U64, rejected),
    JF(agg_stats, "filtered", J_U64, filtered)};

static cJSON *records(const cost_result *r)
{
    cJSON *o = cJSON_CreateObject();
    ADD_FIELDS(o, &r->records, record_fields);
    return o;
}

static cJSON *totals(const cost_result *r)
{
    cJSON *o = cJSON_CreateObject();
    add(o, "bytes", num_u64(r->total_bytes));
    add(o, "cost_usd", num_usd(r->total_usd));
    add(o, "by_category", by_category(r->cat_usd, r->cat_bytes));
    add(o, "monthly_run_rate_usd", num_usd(r->monthly_run_rate_usd));
    return o;
}

/* Per row (payer) and category: the bytes its charges count once per hop
 * (bytes_counted: an inter_az crossing counts once, on its out-half), so
 * that summed over all payers each category's bytes equal the totals' —
 * the same invariant as the dollars. One pass over the charges, with
 * an endpoint → row index so the memory follows the rows, not the (possibly
 * millions of) endpoints. */
static uint64_t *row_cat_bytes(const cost_result *r, const cost_rank *rows, size_t n)
{
    if (!n || !r->n_eps) return NULL;
    int32_t *row_of = xmalloc(r->n_eps * sizeof *row_of);
    for (size_t i = 0; i < r->n_eps; i++) row_of[i] = -1;
    for (size_t i = 0; i < n; i++)
        if (rows[i].ep < r->n_eps) row_of[rows[i].ep] = (int32_t)i;
    uint64_t *b = xcalloc(n * CAT_COUNT, sizeof *b);
    for (size_t i = 0; i < r->n_charges; i++) {
        const cost_charge *c = &r->charges[i];
        if (c->payer < r->n_eps && c->cat < CAT_COUNT && row_of[c->payer] >= 0)
            b[(size_t)row_of[c->payer] * CAT_COUNT + c->cat] += c->bytes_counted;
    }
    free(row_of);
    return b;
}

/* Every tag of the row's ENI ({} when it has none); null when the row is
 * not one address of ours (a group, the Internet, an AWS service). */
static cJSON *row_tags(const cost_result *r, uint32_t ep)
{
    const inv_eni *e = ep < r->n_eps && r->eps[ep].cls == EP_ENI ? r->eps[ep].eni : NULL;
    if (!e) return cJSON_CreateNull();
    cJSON *t = cJSON_CreateObject();
    for (size_t i = 0; i < e->n_tags; i++) add(t, e->tags[i].key, cJSON_CreateString(e->tags[i].value));
    return t;
}

/* A top_ips row: ip, these, by_category, the names, tags, then the rest. */
static const jfield rank_head[] = {JF(cost_rank, "cost_usd", J_USD, usd), JF(cost_rank, "bytes", J_U64, bytes)};
static const jfield rank_names[] = {JF(cost_rank, "eni", J_STR, eni), JF(cost_rank, "name", J_STR, name)};
static const jfield rank_tail[] = {
    JF(cost_rank, "subnet", J_STR, subnet), JF(cost_rank, "vpc", J_STR, vpc),
    JF(cost_rank, "az", J_STR, az),         JF(cost_rank, "kind", J_STR, kind),
    JF(cost_rank, "bytes_out", J_U64, bytes_out), JF(cost_rank, "bytes_in", J_U64, bytes_in)};

static cJSON *top_ips(const cost_result *r, const cost_rank *rows, size_t n, bool per_payer)
{
    cJSON *a = cJSON_CreateArray();
    uint64_t *pb = per_payer ? row_cat_bytes(r, rows, n) : NULL;
    for (size_t i = 0; i < n; i++) {
        const cost_rank *k = &rows[i];
        cJSON *o = cJSON_CreateObject();
        add(o, "ip", cJSON_CreateString(k->key));
        ADD_FIELDS(o, k, rank_head);
        add(o, "by_category", by_category(k->cat_usd, pb ? pb + i * CAT_COUNT : NULL));
        ADD_FIELDS(o, k, rank_names);
        add(o, "tags", row_tags(r, k->ep));
        ADD_FIELDS(o, k, rank_tail);
        cJSON_AddItemToArray(a, o);
    }
    free(pb);
    return a;
}

/* A NAT gateway's clients or far ends, aggregated per endpoint. */
typedef struct nat_peer {
    uint32_t ep;
    uint64_t bytes;
    double usd; /* nat_processing of those flows */
} nat_peer;

static int cmp_peer(const void *pa, const void *pb, const cost_result *r)
{
    const nat_peer *a = pa, *b = pb;
    if (a->usd != b->usd) return a->usd > b->usd ? -1 : 1;
    if (a->bytes != b->bytes) return a->bytes > b->bytes ? -1 : 1;
    return ip_cmp(&r->eps[a->ep].ip, &r->eps[b->ep].ip);
}

static const cost_result *peer_ctx; /* qsort has no context argument in C17 */
static int cmp_peer_q(const void *a, const void *b) { return cmp_peer(a, b, peer_ctx); }

/* pos[ep] = index in v, or -1: one aggregation pass without searching. */
static void peer_add(nat_peer **v, size_t *n, size_t *cap, int32_t *pos, uint32_t ep, uint64_t bytes, double usd)
{
    if (pos[ep] >= 0) {
        (*v)[pos[ep]].bytes += bytes;
        (*v)[pos[ep]].usd += usd;
        return;
    }
    GROW(*v, *n, *cap);
    pos[ep] = (int32_t)*n;
    (*v)[(*n)++] = (nat_peer){ep, bytes, usd};
}

static cJSON *peers_json(const cost_result *r, nat_peer *v, size_t n, size_t limit)
{
    peer_ctx = r;
    if (n) qsort(v, n, sizeof *v, cmp_peer_q);
    peer_ctx = NULL;
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n && (limit == 0 || i < limit); i++) {
        const cost_endpoint *e = &r->eps[v[i].ep];
        char ip[IP_STRLEN];
        ip_format(&e->ip, ip, sizeof ip);
        cJSON *o = cJSON_CreateObject();
        add(o, "ip", cJSON_CreateString(ip));
        add(o, "class", cJSON_CreateString(ep_class_name(e->cls)));
        add(o, "name", str_or_null(e->cls == EP_ENI && e->eni ? e->eni->name : NULL));
        add(o, "service", str_or_null(e->cls == EP_AWS ? e->service : NULL));
        add(o, "region", str_or_null(e->region));
        add(o, "bytes", num_u64(v[i].bytes));
        add(o, "cost_usd", num_usd(v[i].usd));
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static const jfield nat_fields[] = {
    JF(cost_nat, "id", J_STR, id),         JF(cost_nat, "eni", J_STR, eni_id),
    JF(cost_nat, "az", J_STR, az_id),      JF(cost_nat, "vpc", J_STR, vpc_id),
    JF(cost_nat, "subnet", J_STR, subnet_id), JF(cost_nat, "name", J_STR, name),
    JF(cost_nat, "bytes", J_U64, bytes),   JF(cost_nat, "bytes_out", J_U64, bytes_out),
    JF(cost_nat, "bytes_in", J_U64, bytes_in), JF(cost_nat, "cost_usd", J_USD, usd),
    JF(cost_nat, "estimated", J_BOOL, estimated)};

static cJSON *nat_gateways(const cost_result *r, size_t top_n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t g = 0; g < r->n_nats; g++) {
        const cost_nat *nat = &r->nats[g];
        cJSON *o = cJSON_CreateObject();
        ADD_FIELDS(o, nat, nat_fields);
        /* Flows through this gateway: the client is our end, the far end
         * is the destination whichever way the bytes went. */
        nat_peer *src = NULL, *dst = NULL;
        size_t ns = 0, cs = 0, nd = 0, cd = 0;
        int32_t *spos = NULL, *dpos = NULL;
        if (nat->ep != COST_NONE && r->n_eps) {
            spos = xmalloc(r->n_eps * sizeof *spos);
            dpos = xmalloc(r->n_eps * sizeof *dpos);
            for (size_t i = 0; i < r->n_eps; i++) spos[i] = dpos[i] = -1;
        }
        for (size_t f = 0; spos && f < r->n_flows; f++) {
            const cost_flow *fl = &r->flows[f];
            if (fl->via != nat->ep || fl->src >= r->n_eps || fl->dst >= r->n_eps) continue;
            bool inbound = fl->flags & COST_FLOW_INBOUND;
            uint32_t client = inbound ? fl->dst : fl->src, far = inbound ? fl->src : fl->dst;
            double usd = fl->cat_usd[CAT_NAT_PROCESSING];
            peer_add(&src, &ns, &cs, spos, client, fl->bytes, usd);
            peer_add(&dst, &nd, &cd, dpos, far, fl->bytes, usd);
        }
        free(spos);
        free(dpos);
        add(o, "sources", peers_json(r, src, ns, top_n));
        add(o, "destinations", peers_json(r, dst, nd, top_n));
        free(src);
        free(dst);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static const jfield az_pair_fields[] = {
    JF(cost_az_pair, "src_az", J_STR, src_az), JF(cost_az_pair, "dst_az", J_STR, dst_az),
    JF(cost_az_pair, "bytes", J_U64, bytes), JF(cost_az_pair, "cost_usd", J_USD, usd)};
static const jfield fixed_fields[] = {
    JF(cost_fixed, "kind", J_STR, kind), JF(cost_fixed, "id", J_STR, id), JF(cost_fixed, "hours", J_F4, hours),
    JF(cost_fixed, "cost_usd", J_USD, usd)};

/* {key: name, bytes, cost_usd}: an evidence row, a TGW account */
static cJSON *named_figures(const char *key, const char *name, uint64_t bytes, double usd)
{
    cJSON *o = cJSON_CreateObject();
    add(o, key, str_or_null(name));
    add(o, "bytes", num_u64(bytes));
    add(o, "cost_usd", num_usd(usd));
    return o;
}

/* Transit Gateway flow logs (docs/json-result.md): only with TGW records,
 * so that a run over VPC flow logs keeps its JSON. */
static cJSON *transit_gateway(const cost_result *r)
{
    cJSON *o = cJSON_CreateObject();
    add(o, "bytes", num_u64(r->tgw_bytes));
    add(o, "cost_usd", num_usd(r->tgw_usd));
    add(o, "unpriced_bytes", num_u64(r->tgw_unpriced_bytes));
    cJSON *at = cJSON_CreateArray();
    for (size_t i = 0; i < r->n_tgw_attachments; i++)
        cJSON_AddItemToArray(at, cJSON_CreateString(r->tgw_attachments[i]));
    add(o, "attachments", at);
    cJSON *fl = cJSON_CreateArray();
    for (size_t i = 0; i < r->n_tgw; i++) {
        const cost_tgw_row *w = &r->tgw[i];
        cJSON *f = cJSON_CreateObject();
        const char *const keys[] = {"from_attachment", "to_attachment", "tgw_id", "from_vpc",
                                    "to_vpc", "payer_account", "to_account", "region"};
        const char *const vals[] = {w->from, w->to, w->tgw, w->from_vpc, w->to_vpc, w->payer, w->to_account, w->region};
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) add(f, keys[k], str_or_null(vals[k]));
        add(f, "bytes", num_u64(w->bytes));
        add(f, "cost_usd", num_usd(w->usd));
        cJSON_AddItemToArray(fl, f);
    }
    add(o, "flows", fl);
    cJSON *ac = cJSON_CreateArray();
    for (size_t i = 0; i < r->n_tgw_accounts; i++)
        cJSON_AddItemToArray(ac, named_figures("account", r->tgw_accounts[i].account, r->tgw_accounts[i].bytes,
                                               r->tgw_accounts[i].usd));
    add(o, "by_account", ac);
    return o;
}

/* A finding: these, resources, the savings, then its evidence. */
static const jfield finding_head[] = {
    JF(cost_finding, "kind", J_STR, kind), JF(cost_finding, "title", J_STR, title),
    JF(cost_finding, "change", J_STR, change)};
static const jfield finding_tail[] = {
    JF(cost_finding, "service", J_STR, service), JF(cost_finding, "region", J_STR, region),
    JF(cost_finding, "monthly_savings_usd", J_USD, monthly_savings_usd),
    JF(cost_finding, "extra_fixed_monthly_usd", J_USD, extra_fixed_monthly_usd),
    JF(cost_finding, "net_monthly_savings_usd", J_USD, net_monthly_savings_usd)};
static const jfield evidence_fields[] = {
    JF(cost_evidence, "label", J_STR, label), JF(cost_evidence, "bytes", J_U64, bytes),
    JF(cost_evidence, "cost_usd", J_USD, usd)};

static cJSON *findings(const cost_result *r)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < r->n_findings; i++) {
        const cost_finding *f = &r->findings[i];
        cJSON *o = cJSON_CreateObject();
        ADD_FIELDS(o, f, finding_head);
        cJSON *res = cJSON_CreateArray();
        for (size_t k = 0; k < f->n_resources; k++) cJSON_AddItemToArray(res, str_or_null(f->resources[k]));
        add(o, "resources", res);
        ADD_FIELDS(o, f, finding_tail);
        cJSON *ev = cJSON_CreateObject();
        add(ev, "period_cost_usd", num_usd(f->period_usd));
        add(ev, "rows", ROWS_JSON(f->evidence, f->n_evidence, evidence_fields));
        add(o, "evidence", ev);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *rejected_sources(const cost_result *r)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < r->n_reject_sources; i++) {
        const cost_reject_source *s = &r->reject_sources[i];
        char ip[IP_STRLEN];
        ip_format(&s->src, ip, sizeof ip);
        cJSON *o = cJSON_CreateObject();
        add(o, "ip", cJSON_CreateString(ip));
        add(o, "records", num_u64(s->records));
        cJSON *ports = cJSON_CreateArray();
        for (size_t k = 0; k < s->n_ports && k < sizeof s->ports / sizeof *s->ports; k++)
            cJSON_AddItemToArray(ports, num_u64(s->ports[k]));
        add(o, "ports", ports);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

/* Where the prices and the ip-ranges came from. */
static const jfield source_fields[] = {
    JF(cost_result, "rates_source", J_STR, rates_source), JF(cost_result, "ip_ranges_version", J_STR, ipranges_version),
    JF(cost_result, "ip_ranges_created", J_STR, ipranges_created),
    JF(cost_result, "ip_ranges_source", J_STR, ipranges_source)};

static cJSON *data_quality(const cost_result *r)
{
    cJSON *o = cJSON_CreateObject();
    add(o, "unknown_private_bytes", num_u64(r->unknown_private_bytes));
    add(o, "unknown_private_peers", num_u64(r->n_unknown_private));
    add(o, "estimated_nat_bytes", num_u64(r->estimated_bytes));
    add(o, "kinds_learned_only", cJSON_CreateBool(r->kinds_learned_only));
    add(o, "inventory", str_or_null(r->inventory));
    /* Figures built on guesses (cost-model.md §4): categories that are lower
     * bounds, and those whose figure is an estimate, with the bytes involved. */
    cJSON *lower = cJSON_CreateArray(), *est = cJSON_CreateArray();
    for (size_t i = 0; i < r->n_bounds; i++) {
        const cost_bound *b = &r->bounds[i];
        cJSON *e = cJSON_CreateObject();
        add(e, "category", cJSON_CreateString(cost_cat_name((cost_cat)b->cat)));
        add(e, "bytes", num_u64(b->bytes));
        add(e, "reason", cJSON_CreateString(cost_guess_name((cost_guess)b->reason)));
        cJSON_AddItemToArray(b->lower ? lower : est, e);
    }
    add(o, "lower_bounds", lower);
    add(o, "estimates", est);
    ADD_FIELDS(o, r, source_fields);
    cJSON *notes = cJSON_CreateArray();
    for (size_t i = 0; i < r->n_notices; i++) cJSON_AddItemToArray(notes, cJSON_CreateString(r->notices[i]));
    add(o, "notices", notes);
    return o;
}

static char *render(const cost_result *r, const cost_rank *rows, size_t n, bool per_payer, size_t top_n,
                    const char *extra_key, const char *extra)
{
    cJSON *root = cJSON_CreateObject();
    add(root, "period", period(r));
    add(root, "records", records(r));
    add(root, "totals", totals(r));
    add(root, "top_ips", top_ips(r, rows, n, per_payer));
    add(root, "nat_gateways", nat_gateways(r, top_n));
    add(root, "inter_az", ROWS_JSON(r->az_pairs, r->n_az_pairs, az_pair_fields));
    if (r->n_tgw) add(root, "transit_gateway", transit_gateway(r));
    add(root, "fixed", ROWS_JSON(r->fixed, r->n_fixed, fixed_fields));
    add(root, "findings", findings(r));
    add(root, "savings_total_monthly_usd", num_usd(r->savings_total_monthly_usd));
    add(root, "coverage", coverage(r));
    add(root, "rejected_sources", rejected_sources(r));
    add(root, "data_quality", data_quality(r));
    char *p = cJSON_Print(root);
    cJSON_Delete(root);
    if (!p) fc_oom(0); /* cJSON fails only when out of memory */
    /* Hand back memory the caller frees with free(), with a final newline.
     * An extra key written by another module (the baseline's hand-laid-out
     * object) goes last: cJSON_Print ends an object with "\n}", so it is
     * inserted before those two bytes. */
    size_t len = strlen(p);
    dbuf b;
    dbuf_init(&b, 0);
    if (extra_key && extra && len >= 2) {
        dbuf_append(&b, p, len - 2);
        dbuf_printf(&b, ",\n  \"%s\": %s\n}\n", extra_key, extra);
    } else {
        dbuf_append(&b, p, len);
        dbuf_puts(&b, "\n");
    }
    cJSON_free(p);
    return dbuf_take(&b, NULL);
}

/* The tree as text the caller frees with free(); the tree is deleted. */
static char *print_tree(cJSON *root)
{
    char *p = cJSON_Print(root);
    cJSON_Delete(root);
    if (!p) fc_oom(0); /* cJSON fails only when out of memory */
    char *out = xstrdup(p);
    cJSON_free(p);
    return out;
}

char *json_add_raw(const char *json, const char *key, const char *raw)
{
    cJSON *root = cJSON_Parse(json);
    if (!cJSON_IsObject(root) || !cJSON_AddRawToObject(root, key, raw)) {
        cJSON_Delete(root);
        return NULL;
    }
    return print_tree(root);
}

char *json_result(const cost_result *r, size_t top_n) { return json_result_with(r, top_n, NULL, NULL); }

char *json_result_with(const cost_result *r, size_t top_n, const char *key, const char *raw)
{
    size_t n = 0;
    cost_rank *rows = cost_rank_by(r, BY_IP, top_n, &n);
    char *out = render(r, rows, n, true, top_n, key, raw);
    free(rows);
    return out;
}

char *json_result_rows(const cost_result *r, const cost_rank *rows, size_t n, cost_by by, size_t top_n)
{
    return render(r, rows, n, by == BY_IP, top_n, NULL, NULL);
}

char *json_result_rows_with(const cost_result *r, const cost_rank *rows, size_t n, cost_by by, size_t top_n,
                            const char *key, const char *raw)
{
    return render(r, rows, n, by == BY_IP, top_n, key, raw);
}

char *json_version(const char *version, const char *commit, const char *compiler, const fc_lib_info *libs,
                   const char *const *files, size_t n)
{
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    add(root, "name", cJSON_CreateString("flowcost"));
    add(root, "version", cJSON_CreateString(version));
    add(root, "commit", cJSON_CreateString(commit));
    if (compiler) add(root, "compiler", cJSON_CreateString(compiler));
    add(root, "libraries", arr);
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        add(o, "name", cJSON_CreateString(libs[i].name));
        add(o, "version", libs[i].version[0] ? cJSON_CreateString(libs[i].version) : cJSON_CreateNull());
        add(o, "built_with", cJSON_CreateString(libs[i].built_with));
        add(o, "file", files[i] ? cJSON_CreateString(files[i]) : cJSON_CreateNull());
        cJSON_AddItemToArray(arr, o);
    }
    return print_tree(root);
}
