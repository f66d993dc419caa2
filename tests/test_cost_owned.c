/* test_cost_owned: cost_run_owned frees the agg before pricing (the peak
 * memory of a report over millions of groups), so the result it returns
 * must hold nothing of the agg's: the pkt-*-aws-service names of endpoints
 * and the Transit Gateway rows' ids are the inventory's strings. And the
 * model must not depend on the order the agg holds its groups in: the
 * groups of an agg in its canonical order are ordered by sorting only runs
 * of one ENI, source and destination, any other order by a sort of all.
 *
 * Each row below is read through the real parser (canonical order) and
 * priced with cost_run; the same groups copied in reverse order into a
 * second agg (not canonical) are priced with cost_run_owned, which frees
 * that agg, with two threads (the passes run_pair runs at once). Both results must be the same to the last bit, and reading the
 * second after its agg is gone is what ASan watches. The named values are
 * the fixtures' own (fixtures/sample: S3 at 52.216.0.0/15 in its
 * ip-ranges.json and in pkt-dst-aws-service; fixtures/tgw/tgw.log: the
 * attachments' ids). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cost_int.h"
#include "ingest.h"
#include "ipranges.h"
#include "snapshot.h"

static char src_dir[1024];

static const struct owned_case {
    const char *name;
    const char *inputs[4];   /* under fixtures/ */
    const char *snapshot[2]; /* under fixtures/, NULL = learned */
    const char *ranges;      /* under fixtures/, NULL = none */
    const char *service;     /* an endpoint's service name the result must show, or NULL */
    const char *tgw_from;    /* the first TGW row's attachment, or NULL */
    /* put the copy back in canonical order: which ENI an address is
     * learned for (no snapshot) follows the agg's order (cost_learn) */
    bool canonical_copy;
} cases[] = {
    {"sample v5 + snapshot", {"sample/v5"}, {"sample/describe-network-interfaces.xml", "sample/describe-subnets.xml"},
     "sample/ip-ranges.json", "S3", NULL, false},
    {"sample v2, learned", {"sample/v2"}, {NULL, NULL}, "sample/ip-ranges.json", "S3", NULL, true},
    {"scenarios: NAT, load balancers, scans",
     {"scenarios/cross_az_nat.log", "scenarios/s3_via_nat.log", "scenarios/load_balancers.log", "scenarios/rejected_scans.log"},
     {"scenarios/describe-network-interfaces.xml", "scenarios/describe-subnets.xml"}, "scenarios/ip-ranges.json", NULL,
     NULL, false},
    {"transit gateway", {"tgw/tgw.log", "tgw/vpc.log"},
     {"tgw/describe-network-interfaces.xml", "tgw/describe-subnets.xml"}, NULL, NULL, "tgw-attach-0aaaaaaaaaaaaaaa1", false},
};

static uint32_t id_in(agg *to, const agg *from, uint32_t id)
{
    const char *s = agg_str(from, id);
    return s ? agg_intern(to, s, strlen(s)) : 0;
}

/* a's groups, ENI metadata, TGW table and stats, last group first */
static agg *reversed_copy(const agg *a)
{
    agg *b = agg_new();
    size_t n;
    const agg_group *g = agg_groups(a, &n);
    for (size_t i = n; i-- > 0;)
        agg_add(b, &g[i], agg_str(a, g[i].eni), agg_str(a, g[i].src_svc), agg_str(a, g[i].dst_svc));
    for (uint32_t id = 1; id <= agg_str_count(a); id++) {
        const agg_eni_meta *m = agg_eni(a, id);
        if (m)
            agg_note_eni(b, agg_str(a, id), agg_str(a, m->vpc), agg_str(a, m->subnet), agg_str(a, m->instance),
                         agg_str(a, m->az_id), agg_str(a, m->account), agg_str(a, m->region));
    }
    const agg_tgw *t = agg_tgws(a, &n);
    for (size_t i = n; i-- > 0;) {
        agg_tgw x = t[i];
        for (int k = 0; k < FL_TGW__COUNT; k++) x.id[k] = id_in(b, a, t[i].id[k]);
        x.region = id_in(b, a, t[i].region);
        agg_add_tgw(b, &x);
    }
    *agg_stats_of(b) = *agg_stats_get(a);
    return b;
}

static bool same_str(const char *x, const char *y)
{
    return (!x && !y) || (x && y && !strcmp(x, y));
}

/* x and y to the last bit (memcmp of the doubles' bytes) */
static void same_result(const cost_result *x, const cost_result *y)
{
    CHECK(x->n_eps == y->n_eps && x->n_flows == y->n_flows && x->n_charges == y->n_charges);
    CHECK(x->n_hours == y->n_hours && x->n_findings == y->n_findings && x->n_tgw == y->n_tgw);
    CHECK(!memcmp(&x->total_usd, &y->total_usd, sizeof x->total_usd) && x->total_bytes == y->total_bytes);
    CHECK(!memcmp(x->cat_usd, y->cat_usd, sizeof x->cat_usd));
    CHECK(!memcmp(&x->savings_total_monthly_usd, &y->savings_total_monthly_usd, sizeof(double)));
    for (size_t i = 0; i < x->n_eps && i < y->n_eps; i++) {
        const cost_endpoint *a = &x->eps[i], *b = &y->eps[i];
        CHECK(ip_eq(&a->ip, &b->ip) && a->cls == b->cls && !a->eni == !b->eni);
        CHECK(!a->eni || !b->eni || !strcmp(a->eni->id, b->eni->id));
        CHECK(same_str(a->service, b->service) && same_str(a->region, b->region));
        CHECK(!memcmp(&a->usd, &b->usd, sizeof a->usd) && !memcmp(a->cat_usd, b->cat_usd, sizeof a->cat_usd));
    }
    for (size_t i = 0; i < x->n_flows && i < y->n_flows; i++) CHECK(!memcmp(&x->flows[i], &y->flows[i], sizeof *x->flows));
    for (size_t i = 0; i < x->n_charges && i < y->n_charges; i++)
        CHECK(!memcmp(&x->charges[i], &y->charges[i], sizeof *x->charges));
    for (size_t i = 0; i < x->n_hours && i < y->n_hours; i++) CHECK(!memcmp(&x->hours[i], &y->hours[i], sizeof *x->hours));
    for (size_t i = 0; i < x->n_findings && i < y->n_findings; i++) {
        CHECK_STR(y->findings[i].kind, x->findings[i].kind);
        CHECK_STR(y->findings[i].title, x->findings[i].title);
        CHECK(y->findings[i].n_evidence == x->findings[i].n_evidence);
    }
    for (size_t i = 0; i < x->n_tgw && i < y->n_tgw; i++) {
        const cost_tgw_row *a = &x->tgw[i], *b = &y->tgw[i];
        CHECK(same_str(a->from, b->from) && same_str(a->to, b->to) && same_str(a->payer, b->payer));
        CHECK(same_str(a->tgw, b->tgw) && same_str(a->from_vpc, b->from_vpc) && same_str(a->region, b->region));
        CHECK(a->bytes == b->bytes && !memcmp(&a->usd, &b->usd, sizeof a->usd));
    }
}

/* the case's inventory (cost_run learns into it: one per run) */
static inventory *case_inv(const struct owned_case *c)
{
    char err[512] = "", p[1200];
    inventory *inv = inv_new();
    for (int i = 0; i < 2 && c->snapshot[i]; i++) {
        snprintf(p, sizeof p, "%s/fixtures/%s", src_dir, c->snapshot[i]);
        CHECK(snapshot_load(inv, p, err, sizeof err) == 0);
    }
    inv_finalize(inv);
    return inv;
}

static void run_case(const struct owned_case *c)
{
    char err[512] = "", p[4][1200];
    inventory *inv = case_inv(c), *inv2 = case_inv(c);
    lpm *ranges = NULL;
    if (c->ranges) {
        snprintf(p[0], sizeof p[0], "%s/fixtures/%s", src_dir, c->ranges);
        ranges = ipranges_load(p[0], err, sizeof err);
        CHECK(ranges != NULL);
    }
    rate_table *rates = rates_new_default();
    const char *paths[4];
    size_t n = 0;
    for (; n < 4 && c->inputs[n]; n++) {
        snprintf(p[n], sizeof p[n], "%s/fixtures/%s", src_dir, c->inputs[n]);
        paths[n] = p[n];
    }
    agg *a = agg_new();
    ingest_opts io;
    ingest_opts_default(&io);
    io.threads = 1;
    io.quiet = true;
    if (ingest_paths(a, paths, n, &io, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", c->name, err);
        CHECK(!"the case's inputs load");
    }
    agg *b = reversed_copy(a);
    if (c->canonical_copy) agg_canonicalize(b);
    cost_options o;
    cost_options_default(&o);
    cost_result *x = cost_run(a, inv, ranges, rates, &o, err, sizeof err);
    /* the owned run on two threads (cost_options.threads): still the
     * same to the last bit */
    cost_options o2 = o;
    o2.threads = 2;
    cost_result *y = cost_run_owned(&b, inv2, ranges, rates, &o2, err, sizeof err);
    CHECK(x && y);
    CHECK(b == NULL);
    if (x && y) {
        fprintf(stderr, "%s: %zu groups, %zu flows, %zu findings, %zu TGW rows\n", c->name, agg_count(a), y->n_flows,
                y->n_findings, y->n_tgw);
        CHECK(y->n_flows > 0);
        same_result(x, y);
        bool named = !c->service;
        for (size_t i = 0; i < y->n_eps && !named; i++) named = same_str(y->eps[i].service, c->service);
        CHECK(named);
        if (c->tgw_from) CHECK(y->n_tgw > 0 && same_str(y->tgw[0].from, c->tgw_from));
    }
    cost_result_free(x);
    cost_result_free(y);
    agg_free(a);
    agg_free(b);
    lpm_free(ranges);
    rates_free(rates);
    inv_free(inv);
    inv_free(inv2);
}

int main(void)
{
    const char *src = getenv("FC_SRC");
    snprintf(src_dir, sizeof src_dir, "%s", src ? src : "..");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) run_case(&cases[i]);
    /* no agg: the same error as cost_run's */
    char err[256] = "";
    agg *none = NULL;
    inventory *inv = inv_new();
    rate_table *rates = rates_new_default();
    CHECK(cost_run_owned(&none, inv, NULL, rates, NULL, err, sizeof err) == NULL);
    CHECK_STR(err, "cost model needs records, an inventory and a rate table");
    cost_result_free(cost_run_owned(NULL, inv, NULL, rates, NULL, err, sizeof err));
    rates_free(rates);
    inv_free(inv);
    return check_done();
}
