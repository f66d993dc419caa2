/* Unit tests of src/ip.c: parsing both families, canonical formatting,
 * private ranges and prefixes. */
#include "check.h"
#include "ip.h"

static int parse(const char *s, ip128 *ip)
{
    return ip_parse(s, strlen(s), ip);
}

int main(void)
{
    ip128 a, b;
    char buf[IP_STRLEN];
    CHECK(parse("10.0.48.7", &a) == 0 && ip_is_v4(&a) && ip_v4(&a) == 0x0a003007);
    ip_format(&a, buf, sizeof buf);
    CHECK_STR(buf, "10.0.48.7");
    CHECK(parse("256.0.0.1", &a) < 0);
    CHECK(parse("1.2.3", &a) < 0);
    CHECK(parse("1.2.3.4.5", &a) < 0);
    CHECK(parse("1..3.4", &a) < 0);
    CHECK(parse("01234.1.1.1", &a) < 0);
    CHECK(parse("-", &a) < 0);
    CHECK(parse("", &a) < 0);
    CHECK(parse("2001:db8::1", &a) == 0 && !ip_is_v4(&a));
    ip_format(&a, buf, sizeof buf);
    CHECK_STR(buf, "2001:db8::1");
    CHECK(parse("2001:db8::zz", &a) < 0);
    CHECK(parse("2001:DB8:0:0:0:0:0:1", &b) == 0 && ip_eq(&a, &b));

    const char *priv[] = {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1",
                          "100.127.255.255", "fd00::1", "fe80::1"};
    const char *pub[] = {"172.32.0.1", "8.8.8.8", "100.128.0.1", "198.51.100.9", "2600:1f18::1", "52.216.1.1"};
    for (size_t i = 0; i < sizeof priv / sizeof *priv; i++) CHECK(parse(priv[i], &a) == 0 && ip_is_private(&a));
    for (size_t i = 0; i < sizeof pub / sizeof *pub; i++) CHECK(parse(pub[i], &a) == 0 && !ip_is_private(&a));

    unsigned bits;
    CHECK(ip_parse_cidr("52.216.0.0/15", &a, &bits) == 0 && bits == 111);
    CHECK(parse("52.217.200.1", &b) == 0);
    ip128 m = ip_mask(&b, bits);
    CHECK(ip_eq(&m, &a));
    CHECK(ip_parse_cidr("52.216.0.0/33", &a, &bits) < 0);
    CHECK(ip_parse_cidr("2600:1f18::/33", &a, &bits) == 0 && bits == 33);
    CHECK(ip_parse_cidr("10.0.0.0", &a, &bits) < 0);

    CHECK(parse("10.0.0.1", &a) == 0 && parse("10.0.0.2", &b) == 0 && ip_cmp(&a, &b) < 0);
    CHECK(ip_hash(&a) != ip_hash(&b));

    /* Tables mask the hash's low bits: the 256 addresses of 10.0.0.0/24
     * must reach all 8 values of its low 3 bits and, with 256 keys in
     * 1,024 values, at least 190 distinct low 10 bits (a random hash gives
     * 1024 x (1 - e^-0.25) ~ 226). Every IPv4 address used to share its low
     * 3 bits (the constant ::ffff: prefix), so an inventory's table probed
     * through long runs. */
    bool low3[8] = {false}, low10[1024] = {false};
    int n3 = 0, n10 = 0;
    for (uint32_t i = 0; i < 256; i++) {
        ip128 x = ip_from_v4(0x0a000000u | i);
        uint64_t h = ip_hash(&x);
        if (!low3[h & 7]) n3++, low3[h & 7] = true;
        if (!low10[h & 1023]) n10++, low10[h & 1023] = true;
    }
    CHECK(n3 == 8);
    CHECK(n10 >= 190);
    return check_done();
}
