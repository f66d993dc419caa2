/* test_lpm: longest-prefix match (IPv4 and IPv6, service preference at equal
 * length) checked against a brute-force scan on random tables, and the
 * ip-ranges.json loader on the bundled copy and on broken files. The timing
 * of lookups lives in bench/lpm_bench.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ip.h"
#include "ipranges.h"
#include "lpm.h"
#include "util.h"

static ip128 A(const char *s)
{
    ip128 ip;
    if (ip_parse(s, strlen(s), &ip) < 0) {
        fprintf(stderr, "bad test address %s\n", s);
        exit(1);
    }
    return ip;
}

static void add(lpm *t, const char *cidr, const char *svc, const char *reg)
{
    ip128 net;
    unsigned bits;
    if (ip_parse_cidr(cidr, &net, &bits) < 0) {
        fprintf(stderr, "bad test cidr %s\n", cidr);
        exit(1);
    }
    lpm_add(t, &net, bits, svc, reg);
}

static int look(const lpm *t, const char *ip, const char **svc, const char **reg)
{
    ip128 a = A(ip);
    *svc = *reg = NULL;
    return lpm_lookup(t, &a, svc, reg);
}

static void test_basic(void)
{
    lpm *t = lpm_new();
    add(t, "52.0.0.0/8", "AMAZON", "us-east-1");
    add(t, "52.216.0.0/15", "S3", "us-east-1");
    add(t, "52.216.0.0/15", "AMAZON", "us-east-1");
    add(t, "52.216.8.0/24", "AMAZON", "eu-west-1"); /* longer beats specific */
    add(t, "54.0.0.0/16", "EC2", "us-west-2");
    add(t, "54.0.0.0/16", "ROUTE53_HEALTHCHECKS", "us-west-2");
    add(t, "54.0.0.0/16", "AMAZON", "us-west-2");
    add(t, "2600:1f18::/33", "AMAZON", "us-east-1");
    add(t, "2600:1f18:4000::/36", "S3", "us-east-1");
    add(t, "9.9.9.9/32", "X", "GLOBAL");
    const char *s, *r;
    ip128 a = A("52.1.2.3");
    CHECK(lpm_lookup(t, &a, &s, &r) == -1); /* not finalized yet */
    lpm_finalize(t);
    CHECK(look(t, "52.217.255.1", &s, &r) == 96 + 15);
    CHECK_STR(s, "S3");
    CHECK_STR(r, "us-east-1");
    CHECK(look(t, "52.216.8.200", &s, &r) == 96 + 24);
    CHECK_STR(s, "AMAZON");
    CHECK_STR(r, "eu-west-1");
    CHECK(look(t, "52.218.0.1", &s, &r) == 96 + 8);
    CHECK_STR(s, "AMAZON");
    CHECK(look(t, "54.0.3.4", &s, &r) == 112);
    CHECK_STR(s, "ROUTE53_HEALTHCHECKS"); /* specific > EC2 > AMAZON */
    CHECK(look(t, "54.1.0.0", &s, &r) == -1);
    CHECK(look(t, "9.9.9.9", &s, &r) == 128);
    CHECK(look(t, "9.9.9.8", &s, &r) == -1);
    CHECK(look(t, "2600:1f18:4abc::1", &s, &r) == 36);
    CHECK_STR(s, "S3");
    CHECK(look(t, "2600:1f18:7000::1", &s, &r) == 33);
    CHECK_STR(s, "AMAZON");
    CHECK(look(t, "2600:1f18:8000::1", &s, &r) == -1); /* just past the /33 */
    CHECK(look(t, "2600:1f19::1", &s, &r) == -1);
    /* An IPv4 address never matches an IPv6 range and vice versa. */
    CHECK(look(t, "::ffff:0:0", &s, &r) == -1 || strcmp(s, "AMAZON") != 0);
    CHECK(look(t, "::1", &s, &r) == -1);
    a = A("54.0.9.9");
    CHECK(lpm_in_service(t, &a, "EC2"));
    CHECK(lpm_in_service(t, &a, "AMAZON"));
    CHECK(lpm_in_service(t, &a, "ROUTE53_HEALTHCHECKS"));
    CHECK(!lpm_in_service(t, &a, "S3"));
    a = A("52.216.8.1");
    CHECK(lpm_in_service(t, &a, "S3")); /* in the /15 S3 range though the /24 wins */
    ip128 net;
    a = A("52.217.1.1");
    CHECK(lpm_lookup_net(t, &a, &net, &s, &r) == 111);
    char buf[IP_STRLEN];
    ip_format(&net, buf, sizeof buf);
    CHECK_STR(buf, "52.216.0.0");
    CHECK(lpm_count(t) == 10);
    lpm_free(t);

    /* Same answer whatever the insertion order. */
    lpm *u = lpm_new();
    add(u, "54.0.0.0/16", "AMAZON", "us-west-2");
    add(u, "54.0.0.0/16", "ROUTE53_HEALTHCHECKS", "us-west-2");
    add(u, "54.0.0.0/16", "EC2", "us-west-2");
    add(u, "54.0.0.0/16", "EC2", "us-west-2"); /* exact duplicate dropped */
    lpm_finalize(u);
    CHECK(look(u, "54.0.0.1", &s, &r) == 112);
    CHECK_STR(s, "ROUTE53_HEALTHCHECKS");
    CHECK(lpm_count(u) == 3);
    lpm_free(u);

    lpm *e = lpm_new();
    lpm_finalize(e);
    CHECK(look(e, "1.2.3.4", &s, &r) == -1);
    CHECK_STR(lpm_version(e), "");
    lpm_set_version(e, "123", "2026-11-01-00-00-00");
    CHECK_STR(lpm_version(e), "123");
    CHECK_STR(lpm_create_date(e), "2026-11-01-00-00-00");
    lpm_free(e);
}

/* Deterministic xorshift so a failure reproduces. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

typedef struct ref {
    ip128 net;
    unsigned bits;
    const char *svc, *reg;
} ref;

static const char *const svcs[] = {"AMAZON", "EC2", "S3", "DYNAMODB", "CLOUDFRONT"};
static const char *const regs[] = {"us-east-1", "eu-west-1", "GLOBAL"};

static int svc_rank(const char *s) { return !strcmp(s, "AMAZON") ? 0 : !strcmp(s, "EC2") ? 1 : 2; }

/* The specification, written the slow way: longest containing prefix;
 * at equal length the preferred service, then names in order. */
static const ref *brute(const ref *v, size_t n, const ip128 *ip)
{
    const ref *best = NULL;
    for (size_t i = 0; i < n; i++) {
        ip128 m = ip_mask(ip, v[i].bits);
        if (!ip_eq(&m, &v[i].net)) continue;
        if (!best || v[i].bits > best->bits) {
            best = &v[i];
            continue;
        }
        if (v[i].bits < best->bits) continue;
        int a = svc_rank(v[i].svc), b = svc_rank(best->svc);
        if (a > b || (a == b && (strcmp(v[i].svc, best->svc) < 0 ||
                                 (strcmp(v[i].svc, best->svc) == 0 && strcmp(v[i].reg, best->reg) < 0))))
            best = &v[i];
    }
    return best;
}

static ip128 rand_addr(bool v6)
{
    ip128 a;
    if (!v6) return ip_from_v4((uint32_t)next() & 0x3fffffffu); /* dense: 0.0.0.0/2 */
    memset(&a, 0, sizeof a);
    a.b[0] = 0x26;
    for (int i = 1; i < 16; i++) a.b[i] = (uint8_t)next();
    a.b[1] &= 0x03;
    return a;
}

static void test_against_brute_force(void)
{
    enum { N = 1500, Q = 20000 };
    ref *v = xcalloc(N, sizeof *v);
    lpm *t = lpm_new();
    for (size_t i = 0; i < N; i++) {
        bool v6 = i % 4 == 0;
        ip128 base = i > 10 && next() % 3 == 0 ? v[next() % i].net : rand_addr(v6); /* nest some */
        unsigned bits = v6 ? 8 + (unsigned)(next() % 57) : 96 + 2 + (unsigned)(next() % 29);
        if (ip_is_v4(&base) != !v6) base = rand_addr(v6);
        v[i].net = ip_mask(&base, bits);
        v[i].bits = bits;
        v[i].svc = svcs[next() % 5];
        v[i].reg = regs[next() % 3];
        lpm_add(t, &v[i].net, bits, v[i].svc, v[i].reg);
    }
    lpm_finalize(t);
    size_t mismatches = 0, hits = 0;
    for (size_t q = 0; q < Q; q++) {
        ip128 a = q % 2 ? rand_addr(q % 4 == 1) : v[next() % N].net;
        if (q % 2 == 0) a.b[15] ^= (uint8_t)next(); /* near a prefix */
        const ref *want = brute(v, N, &a);
        const char *s = NULL, *r = NULL;
        int got = lpm_lookup(t, &a, &s, &r);
        if (want) hits++;
        bool ok = want ? (got == (int)want->bits && s && r && !strcmp(s, want->svc) && !strcmp(r, want->reg))
                       : got == -1;
        if (!ok && mismatches++ < 5) {
            char buf[IP_STRLEN];
            ip_format(&a, buf, sizeof buf);
            fprintf(stderr, "lookup %s: got %d %s %s, want %d %s %s\n", buf, got, s ? s : "-", r ? r : "-",
                    want ? (int)want->bits : -1, want ? want->svc : "-", want ? want->reg : "-");
        }
    }
    CHECK(mismatches == 0);
    CHECK(hits > Q / 4); /* the test exercised matches, not only misses */
    lpm_free(t);
    free(v);
}

static void test_bundled(void)
{
    char err[FC_ERRLEN] = "";
    lpm *t = ipranges_load(NULL, err, sizeof err);
    CHECK(t != NULL);
    if (!t) {
        fprintf(stderr, "bundled ip-ranges: %s\n", err);
        return;
    }
    /* The whole AWS file of 2026-08-22 (docs/ip-ranges.md): 10,666 IPv4 and
     * 6,160 IPv6 entries, less exact duplicates. */
    CHECK(lpm_count(t) > 16000);
    CHECK_STR(lpm_version(t), "1787433425");
    CHECK_STR(lpm_create_date(t), "2026-08-22-21-17-05");
    /* Each row: the longest prefix holding the address in that file, read by
     * hand (prefix in the comment); at equal length a named service beats
     * EC2, which beats AMAZON. */
    static const struct {
        const char *ip, *svc, *reg;
    } want[] = {
        {"52.216.10.20", "S3", "us-east-1"},              /* 52.216.0.0/15 */
        {"54.231.1.1", "S3", "us-east-1"},                /* 54.231.0.0/16 */
        {"52.218.130.1", "S3", "us-west-2"},              /* 52.218.128.0/17 */
        {"52.92.41.1", "S3", "eu-west-1"},                /* 52.92.0.0/17 */
        {"52.94.1.2", "DYNAMODB", "us-east-1"},           /* 52.94.0.0/22 */
        {"52.94.17.9", "DYNAMODB", "eu-central-1"},       /* 52.94.17.0/24 */
        {"54.80.1.1", "EC2", "us-east-1"},                /* 54.80.0.0/13 */
        {"35.176.3.3", "EC2", "eu-west-2"},               /* 35.176.0.0/15 */
        {"13.230.1.1", "EC2", "ap-northeast-1"},          /* 13.230.0.0/15 */
        {"177.71.200.1", "EC2", "sa-east-1"},             /* 177.71.128.0/17 */
        {"54.230.7.7", "CLOUDFRONT", "GLOBAL"},           /* 54.230.0.0/17 */
        {"205.251.193.1", "ROUTE53", "GLOBAL"},           /* 205.251.192.0/21 */
        {"205.251.200.1", "ROUTE53", "GLOBAL"},           /* 205.251.200.0/23 (CLOUDFRONT in 2017) */
        {"107.23.255.10", "ROUTE53_HEALTHCHECKS", "us-east-1"}, /* 107.23.255.0/26 */
        {"207.171.170.1", "AMAZON", "us-east-1"},         /* 207.171.160.0/20 */
        {"2600:1f18:1::1", "EC2", "us-east-1"},           /* 2600:1f18::/33 */
        {"2406:daba:f000::1", "EC2", "ap-southeast-4"},   /* 2406:daba:f000::/40, also AMAZON */
        /* Space AWS published after the 2017 subset this copy replaces: the
         * sample's addresses that it priced as Internet (docs/ip-ranges.md). */
        {"3.5.16.201", "S3", "us-east-1"},                /* 3.5.0.0/19 */
        {"3.91.22.7", "EC2", "us-east-1"},                /* 3.80.0.0/12 */
        {"52.46.130.17", "AMAZON", "us-east-1"},          /* 52.46.128.0/19 */
        {"18.204.1.1", "EC2", "us-east-1"},               /* 18.204.0.0/14 */
        {"44.192.1.1", "EC2", "us-east-1"},               /* 44.192.0.0/11 */
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *s = NULL, *r = NULL;
        CHECK(look(t, want[i].ip, &s, &r) > 0);
        CHECK_STR(s, want[i].svc);
        CHECK_STR(r, want[i].reg);
    }
    const char *s, *r;
    CHECK(look(t, "198.51.100.9", &s, &r) == -1); /* documentation range: Internet */
    CHECK(look(t, "10.0.0.1", &s, &r) == -1);
    lpm_free(t);
}

static const char *write_tmp(const char *name, const char *text)
{
    FILE *f = fopen(name, "w");
    if (!f) {
        perror(name);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    return name;
}

static void load_fails(const char *name, const char *text, const char *needle)
{
    char err[FC_ERRLEN] = "";
    lpm *t = ipranges_load(write_tmp(name, text), err, sizeof err);
    CHECK(t == NULL);
    lpm_free(t);
    if (strstr(err, name) && strstr(err, needle)) {
        check_passed++;
    } else {
        check_failed++;
        fprintf(stderr, "%s: error \"%s\" lacks the file name or \"%s\"\n", name, err, needle);
    }
}

static void test_load_file(void)
{
    char err[FC_ERRLEN] = "";
    const char *p = write_tmp("ipr_ok.json",
                              "{\"syncToken\": \"1700000000\", \"createDate\": \"2023-11-14-22-13-20\",\n"
                              " \"prefixes\": [{\"ip_prefix\": \"3.5.0.0/19\", \"region\": \"us-east-1\",\n"
                              "   \"service\": \"S3\", \"network_border_group\": \"us-east-1\"}],\n"
                              " \"ipv6_prefixes\": [{\"ipv6_prefix\": \"2600:1fa0::/40\", \"region\": \"us-east-1\",\n"
                              "   \"service\": \"S3\", \"network_border_group\": \"us-east-1\"}]}\n");
    lpm *t = ipranges_load(p, err, sizeof err);
    CHECK(t != NULL);
    if (t) {
        const char *s, *r;
        CHECK(look(t, "3.5.31.255", &s, &r) == 96 + 19);
        CHECK_STR(s, "S3");
        CHECK(look(t, "2600:1fa0:ff::1", &s, &r) == 40);
        CHECK_STR(lpm_version(t), "1700000000");
        CHECK(lpm_count(t) == 2);
        lpm_free(t);
    }
    load_fails("ipr_bad1.json", "{\"prefixes\": [\n{\"ip_prefix\": \"1.2.3.0/24\",\n\"region\": }]}", ":3:");
    load_fails("ipr_bad2.json", "{\"prefixes\": [{\"ip_prefix\": \"1.2.3.0/33\", \"region\": \"x\", \"service\": \"S3\"}]}",
               "prefixes[0]: invalid ip_prefix '1.2.3.0/33'");
    load_fails("ipr_bad3.json", "{\"prefixes\": [{\"ip_prefix\": \"1.2.3.0/24\", \"service\": \"S3\"}]}",
               "prefixes[0] lacks");
    load_fails("ipr_bad4.json", "{\"ipv6_prefixes\": [{\"ipv6_prefix\": \"1.2.3.0/24\", \"region\": \"x\", \"service\": \"S3\"}]}",
               "invalid ipv6_prefix");
    load_fails("ipr_bad5.json", "{\"syncToken\": \"1\"}", "no \"prefixes\"");
    load_fails("ipr_bad6.json", "{\"prefixes\": {}}", "not an array");
    t = ipranges_load("no/such/ip-ranges.json", err, sizeof err);
    CHECK(t == NULL);
    CHECK(strstr(err, "no/such/ip-ranges.json") != NULL);
}

int main(void)
{
    test_basic();
    test_against_brute_force();
    test_bundled();
    test_load_file();
    return check_done();
}
