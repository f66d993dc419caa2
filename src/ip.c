/* ip: parsing, formatting and classification of v4/v6 addresses without
 * allocating and without inet_pton (which needs a NUL-terminated copy). */
#include "ip.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const uint8_t v4prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

ip128 ip_from_v4(uint32_t a)
{
    ip128 ip;
    memcpy(ip.b, v4prefix, 12);
    ip.b[12] = (uint8_t)(a >> 24);
    ip.b[13] = (uint8_t)(a >> 16);
    ip.b[14] = (uint8_t)(a >> 8);
    ip.b[15] = (uint8_t)a;
    return ip;
}

uint32_t ip_v4(const ip128 *ip)
{
    return (uint32_t)ip->b[12] << 24 | (uint32_t)ip->b[13] << 16 | (uint32_t)ip->b[14] << 8 | ip->b[15];
}

static int parse_v4(const char *s, size_t n, uint32_t *out)
{
    uint32_t v = 0;
    unsigned parts = 0, cur = 0, digits = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (!digits || cur > 255) return -1;
            v = v << 8 | cur;
            parts++;
            cur = digits = 0;
            if (i < n && parts == 4) return -1;
        } else if (s[i] >= '0' && s[i] <= '9') {
            if (++digits > 3) return -1;
            cur = cur * 10 + (unsigned)(s[i] - '0');
        } else {
            return -1;
        }
    }
    if (parts != 4) return -1;
    *out = v;
    return 0;
}

int ip_parse(const char *s, size_t n, ip128 *out)
{
    if (n == 0 || n >= IP_STRLEN) return -1;
    if (memchr(s, ':', n) == NULL) {
        uint32_t v;
        if (parse_v4(s, n, &v) < 0) return -1;
        *out = ip_from_v4(v);
        return 0;
    }
    char tmp[IP_STRLEN];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (inet_pton(AF_INET6, tmp, out->b) != 1) return -1;
    return 0;
}

void ip_format(const ip128 *ip, char *buf, size_t n)
{
    if (ip_is_v4(ip)) {
        /* by hand, not snprintf: the CSV export formats two addresses a
         * group, and snprintf cost ~1,700 instructions each */
        char t[16], *q = t;
        if (n == 0) return;
        for (int i = 12; i < 16; i++) {
            unsigned v = ip->b[i];
            if (v >= 100) *q++ = (char)('0' + v / 100);
            if (v >= 10) *q++ = (char)('0' + v / 10 % 10);
            *q++ = (char)('0' + v % 10);
            *q++ = '.';
        }
        size_t len = (size_t)(q - t) - 1; /* without the last '.' */
        if (len > n - 1) len = n - 1;
        memcpy(buf, t, len);
        buf[len] = '\0';
        return;
    }
    char tmp[IP_STRLEN];
    if (!inet_ntop(AF_INET6, ip->b, tmp, sizeof tmp)) tmp[0] = '\0';
    snprintf(buf, n, "%s", tmp);
}

bool ip_is_private(const ip128 *ip)
{
    if (ip_is_v4(ip)) {
        uint32_t a = ip_v4(ip);
        return (a >> 24) == 10 ||                  /* 10/8 */
               (a >> 20) == (172u << 4 | 1) ||     /* 172.16/12 */
               (a >> 16) == (192u << 8 | 168) ||   /* 192.168/16 */
               (a >> 22) == (100u << 2 | 1) ||     /* 100.64/10, RFC 6598 */
               (a >> 16) == (169u << 8 | 254) ||   /* link-local */
               (a >> 24) == 127;
    }
    return (ip->b[0] & 0xfe) == 0xfc ||                  /* fc00::/7 ULA */
           (ip->b[0] == 0xfe && (ip->b[1] & 0xc0) == 0x80); /* fe80::/10 */
}

ip128 ip_mask(const ip128 *ip, unsigned bits)
{
    ip128 r = *ip;
    if (bits > 128) bits = 128;
    for (unsigned i = 0; i < 16; i++) {
        unsigned keep = bits >= (i + 1) * 8 ? 8 : bits > i * 8 ? bits - i * 8 : 0;
        r.b[i] &= (uint8_t)(keep ? 0xff << (8 - keep) : 0);
    }
    return r;
}

int ip_parse_cidr(const char *s, ip128 *net, unsigned *bits)
{
    const char *slash = strchr(s, '/');
    if (!slash) return -1;
    ip128 ip;
    if (ip_parse(s, (size_t)(slash - s), &ip) < 0) return -1;
    unsigned b = 0, nd = 0;
    for (const char *p = slash + 1; *p; p++, nd++) {
        if (*p < '0' || *p > '9' || nd > 3) return -1;
        b = b * 10 + (unsigned)(*p - '0');
    }
    if (!nd) return -1;
    if (ip_is_v4(&ip)) {
        if (b > 32) return -1;
        b += 96;
    } else if (b > 128) {
        return -1;
    }
    *net = ip_mask(&ip, b);
    *bits = b;
    return 0;
}

uint64_t ip_hash(const ip128 *ip)
{
    uint64_t a, b;
    memcpy(&a, ip->b, 8);
    memcpy(&b, ip->b + 8, 8);
    /* Every IPv4 address has the same first 12 bytes (::ffff:), so all of
     * its bits are in b's top half: b is folded down before the multiply,
     * which only carries upwards (without that, the low three bits were
     * the same for every IPv4 address and a table masked by them probed in
     * long runs). */
    uint64_t h = (a ^ 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull;
    h ^= b ^ (b >> 32) ^ (h >> 31);
    h *= 0x94d049bb133111ebull;
    h ^= h >> 32;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 29);
}
