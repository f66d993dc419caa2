/* test_cost_properties: properties of the cost model over generated traffic
 * (cost-model.md §4). A random plan — NAT clients to the Internet, S3 here
 * and in another region, same-region EC2, CloudFront and AMAZON ranges;
 * workload pairs across and within AZs; public-IP instances to the Internet
 * — is priced BY HAND here with the §3 formulas, then logged in several
 * ways and priced by cost_run(). For every seed, format and coverage:
 *   - the categories add up to the total, and so do the payers (BY_IP) and
 *     the far ends (BY_PEER); no managed ENI pays;
 *   - each category equals the hand price of the traffic the logs can see:
 *     no double counting whether the logs cover both ends, one end, or the
 *     NAT ENI only;
 *   - v2 (no pkt-*, no flow-direction) and v5 give the same category
 *     totals with the same snapshot (within 0.1%);
 *   - v5 without any snapshot gets nat_processing, internet_egress,
 *     inter_region and regional_public right (NAT found by translation);
 *   - the result does not depend on the order the groups were added. */
#include "check.h"
#include "cost_fixture.h"

#define MAXW 16
#define MAXF 64
#define HOURS 3

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

typedef struct wl {
    char eni[32], ip[20], az[16], subnet[32];
    bool public_ip;
} wl;

enum fkind { F_NAT, F_PAIR, F_DIRECT };

typedef struct plan_flow {
    int kind;
    int a, b;            /* workload indexes (b: pair peer) */
    int nat;             /* NAT index for F_NAT */
    const char *remote;  /* remote address for F_NAT / F_DIRECT */
    uint64_t out[HOURS], in[HOURS]; /* a → far end, far end → a */
} plan_flow;

typedef struct plan {
    wl w[MAXW];
    int nw;
    plan_flow f[MAXF];
    int nf;
} plan;

static const char *const azs[3] = {"use1-az1", "use1-az2", "use1-az3"};
/* NAT gateways in az1 and az2 only; az3 clients use the first by ENI id. */
static const char *const nat_eni[2] = {"eni-nat-1", "eni-nat-2"};
static const char *const nat_ip[2] = {"10.0.0.10", "10.0.1.10"};

/* remote, kind for the hand price */
enum rk { R_NET, R_S3, R_S3_WEST, R_EC2, R_CF, R_AMZ };
static const struct { const char *ip; int kind; } remotes[] = {
    {"198.51.100.9", R_NET}, {"198.51.100.77", R_NET}, {"52.216.8.1", R_S3},
    {"3.5.76.10", R_S3_WEST}, {"3.218.10.10", R_EC2}, {"13.32.1.1", R_CF}, {"54.239.1.1", R_AMZ},
};

static int remote_kind(const char *ip)
{
    for (size_t i = 0; i < sizeof remotes / sizeof *remotes; i++)
        if (!strcmp(remotes[i].ip, ip)) return remotes[i].kind;
    return R_NET;
}

static int nat_for(const wl *w)
{
    if (!strcmp(w->az, "use1-az2")) return 1;
    return 0; /* az1's own, and az3 (none) uses the first by id */
}

static uint64_t some_bytes(void)
{
    return (1 + rnd() % 4096) * 1048576ull + rnd() % 1000; /* up to 4 GiB, odd sizes */
}

static void make_plan(plan *p, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    rng_state = seed * 2654435761u + 88172645463325252ull;
    p->nw = 8 + (int)(rnd() % 8);
    for (int i = 0; i < p->nw; i++) {
        wl *w = &p->w[i];
        int az = (int)(rnd() % 3);
        snprintf(w->eni, sizeof w->eni, "eni-w%02d", i);
        snprintf(w->ip, sizeof w->ip, "10.0.%d.%d", 10 + az * 10, 20 + i);
        snprintf(w->az, sizeof w->az, "%s", azs[az]);
        snprintf(w->subnet, sizeof w->subnet, "subnet-prv%d", az + 1);
        w->public_ip = i < 2; /* two public-IP instances */
    }
    p->nf = 20 + (int)(rnd() % 30);
    for (int i = 0; i < p->nf; i++) {
        plan_flow *f = &p->f[i];
        int r = (int)(rnd() % 10);
        f->a = (int)(rnd() % (unsigned)p->nw);
        if (r < 5 && !p->w[f->a].public_ip) {
            f->kind = F_NAT;
            f->nat = nat_for(&p->w[f->a]);
            f->remote = remotes[rnd() % (sizeof remotes / sizeof *remotes)].ip;
        } else if (r < 9) {
            f->kind = F_PAIR;
            do f->b = (int)(rnd() % (unsigned)p->nw);
            while (f->b == f->a);
        } else {
            f->kind = F_DIRECT;
            f->a = (int)(rnd() % 2);
            f->remote = rnd() % 2 ? "198.51.100.200" : "198.51.100.201";
        }
        for (int h = 0; h < HOURS; h++) {
            f->out[h] = some_bytes();
            f->in[h] = rnd() % 4 ? some_bytes() : 0;
        }
    }
}

static double gib(uint64_t b)
{
    return (double)b / 1073741824.0;
}

/* What each category should be, by the §3 formulas, for the flows that
 * the logged ENIs can see. */
static void hand_price(const plan *p, const bool *logged_w, const bool *logged_nat, double *want)
{
    memset(want, 0, sizeof(double) * CAT_COUNT);
    for (int i = 0; i < p->nf; i++) {
        const plan_flow *f = &p->f[i];
        const wl *a = &p->w[f->a];
        uint64_t out = 0, in = 0;
        for (int h = 0; h < HOURS; h++) {
            out += f->out[h];
            in += f->in[h];
        }
        if (f->kind == F_NAT) {
            if (!logged_w[f->a] && !logged_nat[f->nat]) continue;
            want[CAT_NAT_PROCESSING] += gib(out + in) * 0.045;
            const char *naz = f->nat == 0 ? "use1-az1" : "use1-az2";
            if (strcmp(a->az, naz)) want[CAT_INTER_AZ] += gib(out + in) * 0.02;
            switch (remote_kind(f->remote)) {
            case R_NET: want[CAT_INTERNET_EGRESS] += gib(out) * 0.09; break;
            case R_S3_WEST: want[CAT_INTER_REGION] += gib(out) * 0.02; break;
            case R_EC2: want[CAT_REGIONAL_PUBLIC] += gib(out + in) * 0.01; break;
            default: break; /* S3 here, CloudFront, AMAZON: NAT processing only */
            }
        } else if (f->kind == F_PAIR) {
            if (!logged_w[f->a] && !logged_w[f->b]) continue;
            if (strcmp(a->az, p->w[f->b].az)) want[CAT_INTER_AZ] += gib(out + in) * 0.02;
        } else {
            if (!logged_w[f->a]) continue;
            want[CAT_INTERNET_EGRESS] += gib(out) * 0.09;
        }
    }
}

static inventory *plan_inventory(const plan *p)
{
    inventory *inv = inv_new();
    for (int i = 0; i < 2; i++)
        fx_eni(inv, nat_eni[i], nat_ip[i], ENI_NAT_GATEWAY, azs[i], "vpc-1", i ? "subnet-pub2" : "subnet-pub1",
               i ? "nat-2" : "nat-1");
    for (int i = 0; i < p->nw; i++) {
        const wl *w = &p->w[i];
        fx_eni(inv, w->eni, w->ip, ENI_WORKLOAD, w->az, "vpc-1", w->subnet, NULL);
        if (w->public_ip) {
            char pub[20];
            snprintf(pub, sizeof pub, "54.1.2.%d", i + 1);
            fx_eni_public(inv, w->eni, pub);
        }
    }
    inv_add_source(inv, INV_FROM_SNAPSHOT, T0);
    inv_finalize(inv);
    return inv;
}

/* One record group in hour h. */
static void rec(agg *a, int v5, const char *eni, const char *src, const char *dst, const char *psrc,
                const char *pdst, int dir, int tp, uint64_t bytes, int h)
{
    if (!bytes) return;
    agg_group g;
    memset(&g, 0, sizeof g);
    g.src = fx_ip(src);
    g.dst = fx_ip(dst);
    g.flags = AGG_HAS_SRC | AGG_HAS_DST;
    if (v5) {
        g.pkt_src = fx_ip(psrc);
        g.pkt_dst = fx_ip(pdst);
        g.flags |= AGG_HAS_PKT_SRC | AGG_HAS_PKT_DST;
        g.direction = (uint8_t)dir;
        g.traffic_path = (uint8_t)(dir == FL_EGRESS ? tp : 0);
    }
    g.hour = T0 / 3600 + h;
    g.action = FL_ACCEPT;
    g.status = FL_OK;
    g.packets = bytes / 1400 + 1;
    g.bytes = bytes;
    g.records = 1;
    g.min_start = T0 + h * 3600;
    g.max_end = T0 + (h + 1) * 3600;
    agg_add(a, &g, eni, NULL, NULL);
}

static agg *plan_logs(const plan *p, int v5, const bool *logged_w, const bool *logged_nat, bool note_meta)
{
    agg *a = agg_new();
    const int E = FL_EGRESS, I = FL_INGRESS;
    for (int i = 0; i < p->nf; i++) {
        const plan_flow *f = &p->f[i];
        const wl *w = &p->w[f->a];
        for (int h = 0; h < HOURS; h++) {
            uint64_t o = f->out[h], n = f->in[h];
            if (f->kind == F_NAT) {
                const char *ne = nat_eni[f->nat], *ni = nat_ip[f->nat], *d = f->remote;
                if (logged_nat[f->nat]) {
                    /* The AWS NAT gateway example: private leg, public leg. */
                    rec(a, v5, ne, w->ip, ni, w->ip, d, I, 0, o, h);
                    rec(a, v5, ne, ni, d, ni, d, E, 8, o, h);
                    rec(a, v5, ne, d, ni, d, ni, I, 0, n, h);
                    rec(a, v5, ne, ni, w->ip, d, w->ip, E, 1, n, h);
                }
                if (logged_w[f->a]) {
                    rec(a, v5, w->eni, w->ip, d, w->ip, d, E, 1, o, h);
                    rec(a, v5, w->eni, d, w->ip, d, w->ip, I, 0, n, h);
                }
            } else if (f->kind == F_PAIR) {
                const wl *b = &p->w[f->b];
                if (logged_w[f->a]) {
                    rec(a, v5, w->eni, w->ip, b->ip, w->ip, b->ip, E, 1, o, h);
                    rec(a, v5, w->eni, b->ip, w->ip, b->ip, w->ip, I, 0, n, h);
                }
                if (logged_w[f->b]) {
                    rec(a, v5, b->eni, w->ip, b->ip, w->ip, b->ip, I, 0, o, h);
                    rec(a, v5, b->eni, b->ip, w->ip, b->ip, w->ip, E, 1, n, h);
                }
            } else if (logged_w[f->a]) {
                rec(a, v5, w->eni, w->ip, f->remote, w->ip, f->remote, E, 8, o, h);
                rec(a, v5, w->eni, f->remote, w->ip, f->remote, w->ip, I, 0, n, h);
            }
        }
    }
    if (note_meta) {
        /* v3+/v4+ fields: vpc-id, subnet-id, instance-id, az-id, region. */
        for (int i = 0; i < p->nw; i++)
            if (logged_w[i])
                agg_note_eni(a, p->w[i].eni, "vpc-1", p->w[i].subnet, NULL, p->w[i].az, "123456789012", "us-east-1");
        for (int i = 0; i < 2; i++)
            if (logged_nat[i])
                agg_note_eni(a, nat_eni[i], "vpc-1", i ? "subnet-pub2" : "subnet-pub1", NULL, azs[i],
                             "123456789012", "us-east-1");
    }
    return a;
}

static bool near_rel(double got, double want, double rel)
{
    return fabs(got - want) <= rel * fabs(want) + 1e-9;
}

static void run_case(const plan *p, int v5, bool snapshot, const bool *lw, const bool *ln, const char *what,
                     double *cats_out)
{
    double want[CAT_COUNT];
    hand_price(p, lw, ln, want);
    inventory *inv = snapshot ? plan_inventory(p) : inv_new();
    agg *a = plan_logs(p, v5, lw, ln, !snapshot);
    rate_table *rt = fx_rates();
    lpm *ranges = fx_ranges();
    cost_options o;
    cost_options_default(&o);
    char err[256];
    cost_result *r = cost_run(a, inv, ranges, rt, &o, err, sizeof err);
    CHECK(r != NULL);
    if (r) {
        fx_invariants(r, what);
        /* v2 with the NAT ENI only cannot tell which client went where:
         * the NAT's public legs spread each hour's bytes, exact to the byte
         * rounding only. */
        double rel = 1e-9;
        bool cats_ok = true;
        static const cost_cat checked[] = {CAT_NAT_PROCESSING, CAT_INTER_AZ, CAT_INTERNET_EGRESS,
                                           CAT_INTER_REGION, CAT_REGIONAL_PUBLIC};
        for (size_t k = 0; k < sizeof checked / sizeof *checked; k++) {
            cost_cat c = checked[k];
            if (!near_rel(r->cat_usd[c], want[c], v5 ? rel : 1e-6)) {
                cats_ok = false;
                fprintf(stderr, "%s: %s got %.9f want %.9f\n", what, cost_cat_name(c), r->cat_usd[c], want[c]);
            }
        }
        CHECK(cats_ok);
        double tw = 0;
        for (int c = 0; c < CAT_COUNT; c++) tw += want[c];
        CHECK(near_rel(r->total_usd, tw, v5 ? rel : 1e-6));
        if (cats_out)
            for (int c = 0; c < CAT_COUNT; c++) cats_out[c] = r->cat_usd[c];
        CHECK(snapshot || r->kinds_learned_only);
    }
    cost_result_free(r);
    lpm_free(ranges);
    rates_free(rt);
    agg_free(a);
    inv_free(inv);
}

/* The same groups added in reverse order price identically, to the bit:
 * the result must not depend on how ingestion filled the agg. */
static void order_independent(const plan *p)
{
    bool all_w[MAXW], all_n[2] = {true, true};
    for (int i = 0; i < MAXW; i++) all_w[i] = true;
    agg *a = plan_logs(p, 0, all_w, all_n, false);
    agg *b = agg_new();
    size_t n;
    const agg_group *g = agg_groups(a, &n);
    for (size_t i = n; i-- > 0;)
        agg_add(b, &g[i], agg_str(a, g[i].eni), agg_str(a, g[i].src_svc), agg_str(a, g[i].dst_svc));
    inventory *ia = plan_inventory(p), *ib = plan_inventory(p);
    rate_table *rt = fx_rates();
    lpm *ranges = fx_ranges();
    cost_options o;
    cost_options_default(&o);
    char err[256];
    cost_result *ra = cost_run(a, ia, ranges, rt, &o, err, sizeof err);
    cost_result *rb = cost_run(b, ib, ranges, rt, &o, err, sizeof err);
    CHECK(ra && rb);
    if (ra && rb) {
        bool same = ra->total_usd == rb->total_usd && ra->n_charges == rb->n_charges &&
                    ra->n_flows == rb->n_flows && ra->n_findings == rb->n_findings &&
                    ra->savings_total_monthly_usd == rb->savings_total_monthly_usd;
        for (size_t i = 0; same && i < ra->n_charges; i++) {
            const cost_charge *x = &ra->charges[i], *y = &rb->charges[i];
            same = x->flow == y->flow && x->payer == y->payer && x->peer == y->peer && x->cat == y->cat &&
                   x->bytes == y->bytes && x->usd == y->usd;
        }
        for (size_t i = 0; same && i < ra->n_findings; i++)
            same = !strcmp(ra->findings[i].title, rb->findings[i].title) &&
                   ra->findings[i].net_monthly_savings_usd == rb->findings[i].net_monthly_savings_usd;
        CHECK(same);
    }
    cost_result_free(ra);
    cost_result_free(rb);
    lpm_free(ranges);
    rates_free(rt);
    agg_free(a);
    agg_free(b);
    inv_free(ia);
    inv_free(ib);
}

/* Arbitrary records, no plan behind them: random ENIs logging random
 * pairs from a pool of private, public, AWS and IPv6 addresses, with or
 * without flow-direction, pkt-* fields and traffic-path, ACCEPT or REJECT,
 * priced without a snapshot and with one that knows a NAT gateway and two
 * workloads only. Whatever the records say, every charged byte lands in a
 * category (sum of category bytes >= totals.bytes, cost-model.md §4) and the
 * dollar sums hold (fx_invariants checks both). Before the learned
 * inventory kept public addresses off ENIs, a record whose ends were both
 * nobody's lost its bytes. */
static void messy_inputs(uint64_t seed)
{
    static const char *const pool_v4[] = {
        "10.0.1.10", "10.0.1.11", "10.0.2.20", "10.0.0.10", "172.31.16.139", "100.64.0.5", "192.168.10.7",
        "140.82.112.3", "140.82.112.4", "52.216.1.2", "3.218.0.9", "13.32.0.1", "203.0.113.12", "54.1.2.3",
    };
    static const char *const pool_v6[] = {
        "2600:1f18::10", "2600:1f18::11", "2606:4700::1111", "2a00:1450::1", "fd00:10::5",
    };
    static const char *const enis[] = {"eni-0aaa", "eni-0bbb", "eni-0ccc", "eni-nat-1", "eni-w-1"};
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    for (int snapshot = 0; snapshot < 2; snapshot++) {
        agg *a = agg_new();
        int n = 5 + (int)(rnd() % 40);
        for (int i = 0; i < n; i++) {
            bool v6 = rnd() % 5 == 0;
            const char *const *pool = v6 ? pool_v6 : pool_v4;
            size_t np = v6 ? sizeof pool_v6 / sizeof *pool_v6 : sizeof pool_v4 / sizeof *pool_v4;
            const char *src = pool[rnd() % np], *dst = pool[rnd() % np];
            const char *psrc = NULL, *pdst = NULL;
            if (!v6 && rnd() % 3 == 0) {
                psrc = rnd() % 2 ? src : pool[rnd() % np];
                pdst = rnd() % 2 ? dst : pool[rnd() % np];
            }
            int dir = (int)(rnd() % 3); /* 0 none, FL_INGRESS, FL_EGRESS */
            int action = rnd() % 6 ? FL_ACCEPT : FL_REJECT;
            int tp = rnd() % 3 ? 0 : (int)(rnd() % 8) + 1;
            fx_rec(a, enis[rnd() % (sizeof enis / sizeof *enis)], src, dst, psrc, pdst, dir,
                   (rnd() % 5000 + 1) * 1000000ull, action, tp);
        }
        inventory *inv = inv_new();
        if (snapshot) {
            fx_eni(inv, "eni-nat-1", "10.0.0.10", ENI_NAT_GATEWAY, "use1-az1", "vpc-1", "subnet-1", "nat-1");
            fx_eni(inv, "eni-w-1", "10.0.1.10", ENI_WORKLOAD, "use1-az2", "vpc-1", "subnet-2", NULL);
            fx_eni(inv, "eni-w-2", "10.0.2.20", ENI_WORKLOAD, "use1-az1", "vpc-1", "subnet-1", NULL);
            inv_add_source(inv, INV_FROM_SNAPSHOT, T0);
            inv_finalize(inv);
        }
        rate_table *rt = fx_rates();
        lpm *ranges = fx_ranges();
        cost_options o;
        cost_options_default(&o);
        char err[256], what[96];
        cost_result *r = cost_run(a, inv, ranges, rt, &o, err, sizeof err);
        CHECK(r != NULL);
        snprintf(what, sizeof what, "messy seed %llu%s", (unsigned long long)seed, snapshot ? " snapshot" : "");
        if (r) fx_check_sums(r, what, false);
        cost_result_free(r);
        lpm_free(ranges);
        rates_free(rt);
        agg_free(a);
        inv_free(inv);
    }
}

int main(void)
{
    for (uint64_t seed = 1; seed <= 300; seed++) messy_inputs(seed);
    for (uint64_t seed = 1; seed <= 12; seed++) {
        plan p;
        make_plan(&p, seed);
        bool all_w[MAXW], no_w[MAXW], half_w[MAXW], all_n[2] = {true, true}, no_n[2] = {false, false};
        for (int i = 0; i < MAXW; i++) {
            all_w[i] = true;
            no_w[i] = false;
            half_w[i] = i % 2 == 1;
        }
        char what[128];
        double c5[CAT_COUNT], c2[CAT_COUNT];
        for (int v5 = 0; v5 < 2; v5++) {
            snprintf(what, sizeof what, "seed %llu v%d both ends", (unsigned long long)seed, v5 ? 5 : 2);
            run_case(&p, v5, true, all_w, all_n, what, v5 ? c5 : c2);
            snprintf(what, sizeof what, "seed %llu v%d NAT ENI only", (unsigned long long)seed, v5 ? 5 : 2);
            run_case(&p, v5, true, no_w, all_n, what, NULL);
            snprintf(what, sizeof what, "seed %llu v%d clients only (NAT estimated)", (unsigned long long)seed, v5 ? 5 : 2);
            run_case(&p, v5, true, all_w, no_n, what, NULL);
            snprintf(what, sizeof what, "seed %llu v%d half the workloads + NATs", (unsigned long long)seed, v5 ? 5 : 2);
            run_case(&p, v5, true, half_w, all_n, what, NULL);
        }
        /* Same traffic, same snapshot: v2 and v5 agree within 0.1%. */
        bool same = true;
        for (int c = 0; c < CAT_COUNT; c++) same &= near_rel(c2[c], c5[c], 1e-3);
        CHECK(same);
        snprintf(what, sizeof what, "seed %llu v5 without snapshot", (unsigned long long)seed);
        run_case(&p, 1, false, all_w, all_n, what, NULL);
        order_independent(&p);
    }
    return check_done();
}
