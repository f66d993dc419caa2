/* ip: one 16-byte address type for IPv4 and IPv6 (IPv4 stored as the
 * IPv4-mapped IPv6 address ::ffff:a.b.c.d), so tables and hash keys never
 * branch on the family. */
#ifndef FC_IP_H
#define FC_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct ip128 {
    uint8_t b[16];
} ip128;

#define IP_STRLEN 46 /* INET6_ADDRSTRLEN */

/* Parse s[0..n) (not NUL-terminated) as dotted IPv4 or IPv6 text.
 * Returns 0, or -1 when it is not an address. Allocates nothing. */
int ip_parse(const char *s, size_t n, ip128 *out);
/* Canonical text: dotted quad for IPv4, RFC 5952 for IPv6. buf >= IP_STRLEN. */
void ip_format(const ip128 *ip, char *buf, size_t n);

/* Inline, as ip_cmp below: the .fca writer classifies four addresses a
 * group, twice (its length, then its bytes), at millions of groups. */
static inline bool ip_is_v4(const ip128 *ip)
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(ip->b, prefix, 12) == 0;
}
uint32_t ip_v4(const ip128 *ip); /* host order; only meaningful if ip_is_v4 */
ip128 ip_from_v4(uint32_t host_order);
static inline bool ip_is_zero(const ip128 *ip)
{
    static const uint8_t zero[16];
    return memcmp(ip->b, zero, 16) == 0;
}
/* Total order, for sorting: memcmp's order of the 16 bytes (-1, 0, 1),
 * and equality. Inline, as two big-endian words: the cost model and the
 * sorts compare addresses in per-group loops (millions of times). */
static inline int ip_cmp(const ip128 *a, const ip128 *b)
{
    for (int h = 0; h < 16; h += 8) {
        uint64_t x = 0, y = 0;
        for (int i = 0; i < 8; i++) {
            x = x << 8 | a->b[h + i];
            y = y << 8 | b->b[h + i];
        }
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}
static inline bool ip_eq(const ip128 *a, const ip128 *b)
{
    uint64_t a0, a1, b0, b1;
    memcpy(&a0, a->b, 8);
    memcpy(&a1, a->b + 8, 8);
    memcpy(&b0, b->b, 8);
    memcpy(&b1, b->b + 8, 8);
    return a0 == b0 && a1 == b1;
}
/* RFC 1918, RFC 6598 (100.64/10), IPv6 ULA fc00::/7, link-local: addresses
 * that cannot be on the Internet, hence "private" in the cost model. */
bool ip_is_private(const ip128 *ip);
/* Keep the first `bits` bits (prefix length on the 128-bit form; add 96 for
 * IPv4 prefixes). */
ip128 ip_mask(const ip128 *ip, unsigned bits);
/* Parse "a.b.c.d/n" or "x::/n"; *bits is on the 128-bit form. */
int ip_parse_cidr(const char *s, ip128 *net, unsigned *bits);
uint64_t ip_hash(const ip128 *ip);

#endif
