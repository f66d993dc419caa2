/* test_cost_learn: which addresses a learned ENI owns when there is no
 * snapshot (cost-model.md §4, "An ENI's own IPv4 address is private" and
 * "No byte goes missing"). Every expected figure is worked out by hand from
 * the bytes below and the us-east-1 rates of §3 (cost_fixture.h):
 * internet_egress $0.09 per GiB = 2^30 bytes. MB here are 10^6 bytes. */
#include "check.h"
#include "cost_fixture.h"
#include "ingest.h"

#define MB 1000000ull

static const cost_endpoint *ep(const cost_result *r, const char *ip)
{
    ip128 a = fx_ip(ip);
    for (size_t i = 0; i < r->n_eps; i++)
        if (ip_eq(&r->eps[i].ip, &a)) return &r->eps[i];
    return NULL;
}

static uint64_t cat_sum(const cost_result *r)
{
    uint64_t s = 0;
    for (int c = 0; c < CAT_COUNT; c++) s += r->cat_bytes[c];
    return s;
}

/* Issue 12 item 4: two private addresses on eni-0aaa (v2, no snapshot)
 * talk to one public host, or to two. 140.82.112.3 (GitHub) is never
 * eni-0aaa's: both private addresses are, and each pays its own egress.
 *   10.0.1.10 sends 100 MB: 1e8 / 2^30 × 0.09 = $0.008381903...
 *   10.0.1.11 sends 200 MB: 2e8 / 2^30 × 0.09 = $0.016763806...
 *   internet_egress 300 MB: 3e8 / 2^30 × 0.09 = $0.025145709... */
static void two_private_senders(bool two_peers)
{
    const char *what = two_peers ? "two public peers" : "one public peer";
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    fx_rec(x.a, "eni-0aaa", "10.0.1.10", "140.82.112.3", NULL, NULL, 0, 100 * MB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-0aaa", "10.0.1.11", two_peers ? "140.82.112.4" : "140.82.112.3", NULL, NULL, 0, 200 * MB,
           FL_ACCEPT, 0);
    fx_price(&x, what);
    const cost_result *r = x.r;
    if (r) {
        const double usd100 = 1e8 / 1073741824.0 * 0.09, usd200 = 2e8 / 1073741824.0 * 0.09;
        CHECK(r->total_bytes == 300 * MB);
        CHECK(r->cat_bytes[CAT_INTERNET_EGRESS] == 300 * MB);
        CHECK(r->cat_bytes[CAT_UNKNOWN_PRIVATE] == 0);
        CHECK(cat_sum(r) == 300 * MB);
        CHECK_NEAR(r->cat_usd[CAT_INTERNET_EGRESS], usd100 + usd200, 1e-12);
        CHECK_NEAR(r->total_usd, 0.0251457095, 1e-9);
        CHECK_NEAR(fx_ip_usd(r, "10.0.1.10"), usd100, 1e-12);
        CHECK_NEAR(fx_ip_usd(r, "10.0.1.11"), usd200, 1e-12);
        const cost_endpoint *gh = ep(r, "140.82.112.3");
        CHECK(gh && gh->cls == EP_INTERNET);
        const cost_endpoint *a = ep(r, "10.0.1.10"), *b = ep(r, "10.0.1.11");
        CHECK(a && a->cls == EP_ENI && !strcmp(a->eni->id, "eni-0aaa"));
        CHECK(b && b->cls == EP_ENI && !strcmp(b->eni->id, "eni-0aaa"));
        CHECK(r->unknown_private_bytes == 0);
    }
    fx_done(&x);
}

/* The AWS VPC User Guide's v2 examples ("Flow log record examples",
 * docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html;
 * tests/cost_learn/README.md), read through the real parser. Accepted
 * bytes: SSH 4249 + ping in 336 + IPv6 SSH 8855 = 13,440. By the rules:
 *   - 172.31.16.139 is eni-1235b8ca123456789's: the ping records have it
 *     as their only private end (203.0.113.12 is public);
 *   - SSH 172.31.16.139 → 172.31.16.21: egress to a private address
 *     nobody owns → unknown_private 4249;
 *   - ping 203.0.113.12 → 172.31.16.139 (ACCEPT): Internet → ours, free
 *     336 (the reply is REJECT: no cost);
 *   - IPv6 f105 → 4071: one record, each address seen once, only as
 *     source or only as destination: no rule decides, so the 8855 bytes
 *     are unknown_private (before: in totals.bytes and in no category).
 * Categories: free 336 + unknown_private 4249 + 8855 = 13,104 → 13,440. */
static void aws_doc_v2(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    char p[1200];
    const char *src = getenv("FC_SRC");
    snprintf(p, sizeof p, "%s/tests/cost_learn/aws_doc_v2.log", src ? src : "..");
    ingest_opts io;
    ingest_opts_default(&io);
    io.threads = 1;
    io.quiet = true;
    const char *paths[1] = {p};
    char err[512] = "";
    int rc = ingest_paths(x.a, paths, 1, &io, err, sizeof err);
    CHECK(rc == 0);
    if (rc < 0) fprintf(stderr, "%s\n", err);
    fx_price(&x, "aws doc v2");
    const cost_result *r = x.r;
    if (r) {
        CHECK(r->records.read == 7);
        CHECK(r->records.used == 5);
        CHECK(r->total_bytes == 4249 + 336 + 8855);
        CHECK(r->total_bytes == 13440);
        CHECK(r->cat_bytes[CAT_FREE] == 336);
        CHECK(r->cat_bytes[CAT_UNKNOWN_PRIVATE] == 4249 + 8855);
        for (int c = 0; c < CAT_COUNT; c++)
            if (c != CAT_FREE && c != CAT_UNKNOWN_PRIVATE) CHECK(r->cat_bytes[c] == 0);
        CHECK(cat_sum(r) == 13440);
        CHECK(r->total_usd == 0);
        CHECK(r->unknown_private_bytes == 13104);
        const cost_endpoint *own = ep(r, "172.31.16.139");
        CHECK(own && own->cls == EP_ENI && !strcmp(own->eni->id, "eni-1235b8ca123456789"));
        const cost_endpoint *pub = ep(r, "203.0.113.12");
        CHECK(pub && pub->cls == EP_INTERNET);
    }
    fx_done(&x);
}

/* IPv6 addresses are global: learned from flow-direction, or from an
 * address seen on the ENI's records both as source and as destination
 * (more often than any other such address); else unknown_private. */
static void ipv6(void)
{
    const double inet = 0.09;
    /* v5 flow-direction: egress proves srcaddr. 1 GiB out → $0.09. */
    {
        fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
        fx_rec(x.a, "eni-v6", "2600:1f18::10", "2606:4700::1111", NULL, NULL, FL_EGRESS, GiB, FL_ACCEPT, 0);
        fx_rec(x.a, "eni-v6", "2606:4700::1111", "2600:1f18::10", NULL, NULL, FL_INGRESS, 3 * GiB, FL_ACCEPT, 0);
        fx_price(&x, "ipv6 flow-direction");
        if (x.r) {
            CHECK_NEAR(fx_ip_usd(x.r, "2600:1f18::10"), 1 * inet, 1e-12);
            CHECK(x.r->cat_bytes[CAT_INTERNET_EGRESS] == GiB);
            CHECK(x.r->cat_bytes[CAT_FREE] == 3 * GiB);
            CHECK(ep(x.r, "2606:4700::1111")->cls == EP_INTERNET);
        }
        fx_done(&x);
    }
    /* v2, two conversations: 2600:1f18::10 is in all four records as source
     * and destination, each peer in two. Out 1 + 1 GiB → $0.18; in 2 + 1
     * GiB free. */
    {
        fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
        fx_rec(x.a, "eni-v6", "2600:1f18::10", "2606:4700::1111", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
        fx_rec(x.a, "eni-v6", "2606:4700::1111", "2600:1f18::10", NULL, NULL, 0, 2 * GiB, FL_ACCEPT, 0);
        fx_rec(x.a, "eni-v6", "2600:1f18::10", "2a00:1450::1", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
        fx_rec(x.a, "eni-v6", "2a00:1450::1", "2600:1f18::10", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
        fx_price(&x, "ipv6 v2 two peers");
        if (x.r) {
            CHECK_NEAR(fx_ip_usd(x.r, "2600:1f18::10"), 2 * inet, 1e-12);
            CHECK(x.r->cat_bytes[CAT_INTERNET_EGRESS] == 2 * GiB);
            CHECK(x.r->cat_bytes[CAT_FREE] == 3 * GiB);
            CHECK(x.r->cat_bytes[CAT_UNKNOWN_PRIVATE] == 0);
            CHECK(ep(x.r, "2606:4700::1111")->cls == EP_INTERNET);
            CHECK(ep(x.r, "2a00:1450::1")->cls == EP_INTERNET);
        }
        fx_done(&x);
    }
    /* v2, one conversation: both addresses are in both records as source
     * and destination, once each: nothing decides. 1 + 2 GiB are
     * unknown_private at $0 — counted, never dropped. */
    {
        fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
        fx_rec(x.a, "eni-v6", "2600:1f18::10", "2606:4700::1111", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
        fx_rec(x.a, "eni-v6", "2606:4700::1111", "2600:1f18::10", NULL, NULL, 0, 2 * GiB, FL_ACCEPT, 0);
        fx_price(&x, "ipv6 v2 one conversation");
        if (x.r) {
            CHECK(x.r->total_bytes == 3 * GiB);
            CHECK(x.r->cat_bytes[CAT_UNKNOWN_PRIVATE] == 3 * GiB);
            CHECK(x.r->total_usd == 0);
            CHECK(ep(x.r, "2600:1f18::10")->cls != EP_ENI);
            CHECK(ep(x.r, "2606:4700::1111")->cls != EP_ENI);
            CHECK(x.r->unknown_private_bytes == 3 * GiB);
        }
        fx_done(&x);
    }
    /* A ULA address is private: v2, its only private end proves it. */
    {
        fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
        fx_rec(x.a, "eni-v6", "fd00:10::5", "2606:4700::1111", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
        fx_price(&x, "ipv6 ula");
        if (x.r) {
            const cost_endpoint *e = ep(x.r, "fd00:10::5");
            CHECK(e && e->cls == EP_ENI);
            CHECK_NEAR(fx_ip_usd(x.r, "fd00:10::5"), inet, 1e-12);
        }
        fx_done(&x);
    }
}

/* A public IPv4 address is never learned, even on an egress record: AWS
 * writes the interface's private address there. The 1 GiB is counted as
 * unknown_private (no ENI of ours on either end), not dropped. */
static void public_v4_never_own(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    fx_rec(x.a, "eni-pub", "54.1.2.3", "140.82.112.3", NULL, NULL, FL_EGRESS, GiB, FL_ACCEPT, 0);
    fx_price(&x, "public egress srcaddr");
    if (x.r) {
        CHECK(ep(x.r, "54.1.2.3")->cls != EP_ENI);
        CHECK(x.r->total_bytes == GiB);
        CHECK(x.r->cat_bytes[CAT_UNKNOWN_PRIVATE] == GiB);
        CHECK(x.r->total_usd == 0);
    }
    fx_done(&x);
}

/* Secondary addresses (pods) on one ENI, v5: each pays its own bytes.
 * 10.0.1.10 sends 1 GiB ($0.09), pod 10.0.1.77 sends 3 GiB ($0.27). */
static void secondary_addresses(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    fx_rec(x.a, "eni-node", "10.0.1.10", "140.82.112.3", NULL, NULL, FL_EGRESS, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-node", "10.0.1.77", "140.82.112.3", NULL, NULL, FL_EGRESS, 3 * GiB, FL_ACCEPT, 0);
    fx_price(&x, "secondary addresses");
    if (x.r) {
        CHECK_NEAR(fx_ip_usd(x.r, "10.0.1.10"), 0.09, 1e-12);
        CHECK_NEAR(fx_ip_usd(x.r, "10.0.1.77"), 0.27, 1e-12);
        CHECK_NEAR(x.r->total_usd, 0.36, 1e-12);
    }
    fx_done(&x);
}

/* A VPC may use public space privately: an address inside a subnet the
 * snapshot describes counts as private. eni-x is not in the snapshot (its
 * records are learned); 11.0.1.5 is inside subnet-pub 11.0.1.0/24, so it is
 * eni-x's and pays 1 GiB × 0.09. Without that subnet nothing decides and
 * the GiB is unknown_private. */
static void vpc_public_space(void)
{
    for (int with_subnet = 0; with_subnet < 2; with_subnet++) {
        fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
        if (with_subnet) {
            inv_subnet *s = inv_subnet_get(x.inv, "subnet-pub");
            ip128 net;
            unsigned bits;
            CHECK(ip_parse_cidr("11.0.1.0/24", &net, &bits) == 0);
            s->net = net;
            s->bits = bits;
            s->vpc_id = inv_intern(x.inv, "vpc-pub");
            s->az_id = inv_intern(x.inv, "use1-az1");
            s->region = inv_intern(x.inv, "us-east-1");
            inv_add_source(x.inv, INV_FROM_SNAPSHOT, T0);
            inv_finalize(x.inv);
        }
        fx_rec(x.a, "eni-x", "11.0.1.5", "140.82.112.3", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
        fx_price(&x, with_subnet ? "vpc public space" : "public space, no subnet");
        if (x.r) {
            if (with_subnet) {
                CHECK(ep(x.r, "11.0.1.5")->cls == EP_ENI);
                CHECK_NEAR(x.r->total_usd, 0.09, 1e-12);
            } else {
                CHECK(ep(x.r, "11.0.1.5")->cls != EP_ENI);
                CHECK(x.r->cat_bytes[CAT_UNKNOWN_PRIVATE] == GiB);
                CHECK(x.r->total_usd == 0);
            }
        }
        fx_done(&x);
    }
}

/* v2, two logged ENIs talking privately: 10.0.1.10 is proven eni-a's by
 * its Internet traffic, so eni-b's only guess is the other address (before,
 * the lower address went to whichever ENI was learned first). Same AZ
 * unknown → free; eni-a's 1 GiB to the Internet costs $0.09. */
static void proofs_before_guesses(void)
{
    fx_run x = {inv_new(), agg_new(), NULL, NULL, NULL};
    fx_rec(x.a, "eni-b", "10.0.1.10", "10.0.2.20", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-b", "10.0.2.20", "10.0.1.10", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-a", "10.0.1.10", "10.0.2.20", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-a", "10.0.2.20", "10.0.1.10", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_rec(x.a, "eni-a", "10.0.1.10", "140.82.112.3", NULL, NULL, 0, GiB, FL_ACCEPT, 0);
    fx_price(&x, "proofs before guesses");
    if (x.r) {
        const cost_endpoint *a = ep(x.r, "10.0.1.10"), *b = ep(x.r, "10.0.2.20");
        CHECK(a && a->cls == EP_ENI && !strcmp(a->eni->id, "eni-a"));
        CHECK(b && b->cls == EP_ENI && !strcmp(b->eni->id, "eni-b"));
        CHECK_NEAR(x.r->total_usd, 0.09, 1e-12);
        /* Each private GiB once (the sender's record), plus the Internet GiB. */
        CHECK(x.r->total_bytes == 3 * GiB);
    }
    fx_done(&x);
}

int main(void)
{
    two_private_senders(false);
    two_private_senders(true);
    aws_doc_v2();
    ipv6();
    public_v4_never_own();
    secondary_addresses();
    vpc_public_space();
    proofs_before_guesses();
    return check_done();
}
