/* fca: why a binary aggregate — a week of flow logs is hundreds of GB of
 * text but only thousands to millions of groups; `aggregate` once, then
 * report/baseline from the .fca in milliseconds. The format is explicit
 * little-endian field by field (not a struct dump), versioned, and
 * checksummed, and the reader is bounds-checked: a corrupt or foreign file
 * is an error, never a crash. Payload:
 *   (version 2) u32 nids, then per input identity: u32 len, bytes (sorted,
 *       distinct): what the aggregate was built from, so that merging it
 *       with one of those inputs again can skip it (docs/ingest.md)
 *   u32 nstr, then per string: u32 len, bytes            (ids 1..nstr)
 *   u64 ngroups, then per group (versions 1 to 3): src, dst, pkt_src,
 *       pkt_dst (16 bytes each), u32 eni, src_svc, dst_svc, i32 hour,
 *       u16 dstport, u8 protocol, action, status, direction, traffic_path,
 *       flags, u64 packets, bytes, records, i64 min_start, max_end;
 *     (version 4) the same fields, compact (see put_group4):
 *       u8 form: two bits an address, src in the lowest (0 all zero,
 *           1 IPv4-mapped, 2 any other), then the addresses not zero
 *           (form 1: the 4 IPv4 bytes; form 2: all 16),
 *       uv eni, src_svc, dst_svc, zz hour, uv dstport, u8 protocol,
 *       u8 action | status << 2 | direction << 4, u8 traffic_path, u8 flags,
 *       uv packets, bytes, records, zz min_start - base, zz max_end - base
 *       where base = hour * 3600 (0 when the hour is absent); uv is an
 *       unsigned LEB128 varint of at most 10 bytes in its shortest form,
 *       zz a signed 64-bit value zigzag-mapped to one (0, -1, 1, -2 ...)
 *   u32 nmeta, then per ENI: u32 eni, vpc, subnet, instance, az_id, account, region
 *   stats: u64 read, used, malformed, nodata, skipdata, rejected, filtered,
 *       files, files_skipped, bytes_in, i64 start, end
 *   (version 3) u32 ntgw, then per Transit Gateway entry (agg_tgw): u32 tgw,
 *       attachment, pair, src_account, dst_account, src_vpc, dst_vpc, region,
 *       u8 direction, status, u64 packets, bytes, records.
 *   (version 4) as version 3 (the TGW count is always there).
 * Versions 2 and 3 stored a group in 128 bytes, most of them zero for
 * IPv4: at 3.2M groups the file was 421 MB, and writing it ~30% of
 * `aggregate`'s wall time. Version 4 groups take ~30 bytes (that file:
 * 102 MB). This build writes version 4 and reads 1 to 4. */
#include "fca.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR_LEN (FCA_MAGIC_LEN + 4 + 8)
#define GROUP_LEN (64 + 4 * 4 + 2 + 6 + 5 * 8)
#define TGW_LEN ((FL_TGW__COUNT + 1) * 4 + 2 + 3 * 8)
/* version 4's longest group: form, four 16-byte addresses, three ids, the
 * hour, the port, four bytes, five 10-byte varints */
#define GROUP4_MAX (1 + 4 * 16 + 3 * 5 + 5 + 3 + 4 + 5 * 10)
/* and its shortest: form, eight one-byte varints, four bytes */
#define GROUP4_MIN (1 + 8 + 4)
#define N_STATS 12 /* the u64 stats fields */

bool fca_is(const void *data, size_t len)
{
    return len >= FCA_MAGIC_LEN && memcmp(data, FCA_MAGIC, FCA_MAGIC_LEN) == 0;
}

/* The checksum of n payload bytes, fed in pieces of any size: 8-byte
 * little-endian words, then the last n % 8 bytes one at a time. */
typedef struct csum {
    uint64_t h;
    unsigned char carry[8];
    size_t ncarry;
} csum;

static inline uint64_t ld_le64(const unsigned char *p)
{
    uint64_t w = 0;
    for (int k = 7; k >= 0; k--) w = w << 8 | p[k];
    return w;
}

static inline uint64_t csum_word(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x100000001b3ULL;
    return h ^ h >> 31;
}

static void csum_init(csum *c, size_t n)
{
    c->h = 0xcbf29ce484222325ULL ^ n;
    c->ncarry = 0;
}

static void csum_add(csum *c, const unsigned char *p, size_t n)
{
    if (c->ncarry) {
        size_t k = 8 - c->ncarry < n ? 8 - c->ncarry : n;
        memcpy(c->carry + c->ncarry, p, k);
        c->ncarry += k;
        p += k;
        n -= k;
        if (c->ncarry < 8) return;
        c->h = csum_word(c->h, ld_le64(c->carry));
        c->ncarry = 0;
    }
    uint64_t h = c->h;
    for (; n >= 8; p += 8, n -= 8) h = csum_word(h, ld_le64(p));
    c->h = h;
    memcpy(c->carry, p, n);
    c->ncarry = n;
}

static uint64_t csum_end(const csum *c)
{
    uint64_t h = c->h;
    for (size_t i = 0; i < c->ncarry; i++) h = (h ^ c->carry[i]) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static uint64_t checksum(const unsigned char *p, size_t n)
{
    csum c;
    csum_init(&c, n);
    csum_add(&c, p, n);
    return csum_end(&c);
}

/* ---- writing ---- */

/* An ENI's metadata on disk: these string ids, 4 bytes each, in this order. */
static const size_t meta_off[] = {offsetof(agg_eni_meta, vpc),     offsetof(agg_eni_meta, subnet),
                                  offsetof(agg_eni_meta, instance), offsetof(agg_eni_meta, az_id),
                                  offsetof(agg_eni_meta, account),  offsetof(agg_eni_meta, region)};
#define N_META (sizeof meta_off / sizeof *meta_off)

static uint32_t meta_get(const agg_eni_meta *m, size_t f)
{
    uint32_t v;
    memcpy(&v, (const char *)m + meta_off[f], sizeof v);
    return v;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The file is made in pieces of ENC_CHUNK bytes that go to the sink as
 * they fill (a file of millions of groups needs no buffer of its size),
 * with the checksum taken on the way; the payload's length, which the
 * header holds, is worked out before. */
#define ENC_CHUNK (256u << 10)

typedef struct enc {
    unsigned char *buf;
    size_t len;
    size_t sum_from;  /* bytes of buf before it are summed, or not payload */
    csum sum;
    fca_sink sink;
    void *ctx;
    int rc;
    char *err;
    size_t errlen;
    uint64_t written; /* bytes handed to the sink */
} enc;

static void enc_sum(enc *e)
{
    if (e->len > e->sum_from) csum_add(&e->sum, e->buf + e->sum_from, e->len - e->sum_from);
    e->sum_from = e->len;
}

static void enc_flush(enc *e)
{
    enc_sum(e);
    if (e->rc == 0 && e->len && e->sink(e->ctx, e->buf, e->len, e->err, e->errlen) < 0) e->rc = -1;
    e->written += e->len;
    e->len = e->sum_from = 0;
}

/* room for n more bytes (n <= ENC_CHUNK) */
static inline unsigned char *enc_room(enc *e, size_t n)
{
    if (e->len + n > ENC_CHUNK) enc_flush(e);
    return e->buf + e->len;
}

static inline void st_le(unsigned char *q, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) q[i] = (unsigned char)(v >> (8 * i));
}

static inline void put(enc *e, uint64_t v, int bytes)
{
    st_le(enc_room(e, (size_t)bytes), v, bytes);
    e->len += (size_t)bytes;
}

/* a length, then the bytes */
static void put_str(enc *e, const char *s, size_t l)
{
    put(e, l, 4);
    while (l) {
        size_t k = ENC_CHUNK - e->len < l ? ENC_CHUNK - e->len : l;
        memcpy(e->buf + e->len, s, k);
        e->len += k;
        s += k;
        l -= k;
        if (l) enc_flush(e);
    }
}

/* ---- version 4 groups ---- */

/* an address's form in a version 4 group: 0 all zero, 1 IPv4-mapped, 2 other */
static inline unsigned ip_form(const ip128 *ip)
{
    return ip_is_v4(ip) ? 1 : ip_is_zero(ip) ? 0 : 2;
}

static inline uint64_t zz(uint64_t d)
{
    return d << 1 ^ (0 - (d >> 63));
}

static inline uint64_t unzz(uint64_t z)
{
    return z >> 1 ^ (0 - (z & 1));
}

static inline size_t uv_len(uint64_t v)
{
    return 1 + (size_t)(63 - __builtin_clzll(v | 1)) / 7;
}

static inline unsigned char *put_uv(unsigned char *q, uint64_t v)
{
    while (v >= 0x80) {
        *q++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *q++ = (unsigned char)v;
    return q;
}

/* the base of a group's times: its hour's start (uint64 arithmetic: the
 * differences wrap and unwrap exactly, whatever the values) */
static inline uint64_t time_base(int32_t hour)
{
    return hour == AGG_NO_HOUR ? 0 : (uint64_t)((int64_t)hour * 3600);
}

/* What put_group4 writes, in bytes, from the group alone (not from the
 * groups around it): the header's payload length is summed with it in any
 * order before the groups are written in theirs. */
static size_t group4_len(const agg_group *g)
{
    static const size_t addr_len[4] = {0, 4, 16, 0};
    uint64_t base = time_base(g->hour);
    return 1 + addr_len[ip_form(&g->src)] + addr_len[ip_form(&g->dst)] + addr_len[ip_form(&g->pkt_src)] +
           addr_len[ip_form(&g->pkt_dst)] + uv_len(g->eni) + uv_len(g->src_svc) + uv_len(g->dst_svc) +
           uv_len(zz((uint64_t)(int64_t)g->hour)) + uv_len(g->dstport) + 4 + uv_len(g->packets) +
           uv_len(g->bytes) + uv_len(g->records) + uv_len(zz((uint64_t)g->min_start - base)) +
           uv_len(zz((uint64_t)g->max_end - base));
}

static unsigned char *put_group4(unsigned char *q, const agg_group *g)
{
    const ip128 *ip[4] = {&g->src, &g->dst, &g->pkt_src, &g->pkt_dst};
    unsigned f[4], form = 0;
    for (int i = 0; i < 4; i++) {
        f[i] = ip_form(ip[i]);
        form |= f[i] << (2 * i);
    }
    *q++ = (unsigned char)form;
    for (int i = 0; i < 4; i++) {
        if (f[i] == 1) {
            memcpy(q, ip[i]->b + 12, 4);
            q += 4;
        } else if (f[i] == 2) {
            memcpy(q, ip[i]->b, 16);
            q += 16;
        }
    }
    q = put_uv(q, g->eni);
    q = put_uv(q, g->src_svc);
    q = put_uv(q, g->dst_svc);
    q = put_uv(q, zz((uint64_t)(int64_t)g->hour));
    q = put_uv(q, g->dstport);
    q[0] = g->protocol;
    q[1] = (unsigned char)(g->action | g->status << 2 | g->direction << 4);
    q[2] = g->traffic_path;
    q[3] = g->flags;
    q += 4;
    uint64_t base = time_base(g->hour);
    q = put_uv(q, g->packets);
    q = put_uv(q, g->bytes);
    q = put_uv(q, g->records);
    q = put_uv(q, zz((uint64_t)g->min_start - base));
    return put_uv(q, zz((uint64_t)g->max_end - base));
}

/* Each group is summed as soon as it is written: the checksum is a chain
 * of dependent multiplies, which then overlaps the next group's stores. */
static void put_group(enc *e, const agg_group *g)
{
    unsigned char *q = enc_room(e, GROUP4_MAX);
    enc_sum(e);
    e->len = (size_t)(put_group4(q, g) - e->buf);
    enc_sum(e);
}

static int sink_dbuf(void *ctx, const void *data, size_t len, char *err, size_t errlen)
{
    if (dbuf_append(ctx, data, len) < 0) return fc_err(err, errlen, "aggregate too large for the output buffer");
    return 0;
}

int fca_write(const agg *a, dbuf *out, char *err, size_t errlen)
{
    return fca_write_ids(a, NULL, 0, out, err, errlen);
}

int fca_write_ids(const agg *a, const char *const *ids, size_t n_ids, dbuf *out, char *err, size_t errlen)
{
    return fca_write_to(a, ids, n_ids, sink_dbuf, out, err, errlen);
}

int fca_write_to(const agg *a, const char *const *ids, size_t n_ids, fca_sink sink, void *ctx, char *err,
                 size_t errlen)
{
    return fca_write_order(a, NULL, ids, n_ids, sink, ctx, err, errlen);
}

/* The groups through order: each is one random visit to an array of
 * hundreds of megabytes (both cache lines prefetched a few groups ahead,
 * which the encoding and the checksum's chain of multiplies then hide). */
static void put_groups(enc *e, const agg_group *g, size_t n, const uint32_t *order)
{
    enum { AHEAD = 12 };
    if (!order) {
        for (size_t i = 0; i < n && e->rc == 0; i++) put_group(e, &g[i]);
        return;
    }
    for (size_t i = 0; i < AHEAD && i < n; i++) {
        __builtin_prefetch(&g[order[i]]);
        __builtin_prefetch((const char *)&g[order[i]] + 64);
    }
    for (size_t i = 0; i < n && e->rc == 0; i++) {
        if (i + AHEAD < n) {
            __builtin_prefetch(&g[order[i + AHEAD]]);
            __builtin_prefetch((const char *)&g[order[i + AHEAD]] + 64);
        }
        put_group(e, &g[order[i]]);
    }
}

int fca_write_order(const agg *a, const uint32_t *order, const char *const *ids, size_t n_ids, fca_sink sink,
                    void *ctx, char *err, size_t errlen)
{
    /* sorted and distinct: the file does not depend on the input order */
    const char **sorted = xcalloc(n_ids + 1, sizeof *sorted);
    size_t k = 0;
    for (size_t i = 0; i < n_ids; i++)
        if (ids[i] && *ids[i]) sorted[k++] = ids[i];
    if (k) qsort(sorted, k, sizeof *sorted, cmp_str);
    size_t nd = 0;
    for (size_t i = 0; i < k; i++)
        if (!nd || strcmp(sorted[i], sorted[nd - 1]) != 0) sorted[nd++] = sorted[i];
    size_t nstr = agg_str_count(a), n, nt;
    const agg_group *g = agg_groups(a, &n);
    const agg_tgw *t = agg_tgws(a, &nt);
    uint32_t nmeta = 0;
    for (uint32_t id = 1; id <= nstr; id++)
        if (agg_eni(a, id)) nmeta++;

    /* the payload's length, field by field as written below */
    uint64_t plen = 4 + 4 + 8 + 4 + (uint64_t)nmeta * 4 * (1 + N_META) + N_STATS * 8 + 4 + (uint64_t)nt * TGW_LEN;
    for (size_t i = 0; i < nd; i++) plen += 4 + strlen(sorted[i]);
    for (uint32_t id = 1; id <= nstr; id++) plen += 4 + strlen(agg_str(a, id));
    for (size_t i = 0; i < n; i++) plen += group4_len(&g[i]);

    enc e = {xmalloc(ENC_CHUNK), 0, HDR_LEN, {0}, sink, ctx, 0, err, errlen, 0};
    csum_init(&e.sum, (size_t)plen);
    memcpy(e.buf, FCA_MAGIC, FCA_MAGIC_LEN);
    e.len = FCA_MAGIC_LEN;
    put(&e, FCA_VERSION, 4);
    put(&e, plen, 8);

    put(&e, nd, 4);
    for (size_t i = 0; i < nd; i++) put_str(&e, sorted[i], strlen(sorted[i]));
    free(sorted);
    put(&e, nstr, 4);
    for (uint32_t id = 1; id <= nstr; id++) {
        const char *s = agg_str(a, id);
        put_str(&e, s, strlen(s));
    }
    put(&e, n, 8);
    put_groups(&e, g, n, order);
    put(&e, nmeta, 4);
    for (uint32_t id = 1; id <= nstr; id++) {
        const agg_eni_meta *m = agg_eni(a, id);
        if (!m) continue;
        put(&e, id, 4);
        for (size_t f = 0; f < N_META; f++) put(&e, meta_get(m, f), 4);
    }
    const agg_stats *st = agg_stats_get(a);
    const uint64_t sv[N_STATS] = {st->read, st->used, st->malformed, st->nodata, st->skipdata, st->rejected,
                                  st->filtered, st->files, st->files_skipped, st->bytes_in,
                                  (uint64_t)st->start, (uint64_t)st->end};
    for (size_t i = 0; i < N_STATS; i++) put(&e, sv[i], 8);
    put(&e, nt, 4);
    for (size_t i = 0; i < nt; i++) {
        for (int f = 0; f < FL_TGW__COUNT; f++) put(&e, t[i].id[f], 4);
        const struct {
            uint64_t v;
            int w;
        } rest[] = {{t[i].region, 4}, {t[i].direction, 1}, {t[i].status, 1},
                    {t[i].packets, 8}, {t[i].bytes, 8},    {t[i].records, 8}};
        for (size_t f = 0; f < sizeof rest / sizeof *rest; f++) put(&e, rest[f].v, rest[f].w);
    }
    enc_flush(&e); /* the whole payload is in the checksum now */
    if (e.rc == 0 && e.written != HDR_LEN + plen) /* group4_len and put_group4 disagree: a bug */
        e.rc = fc_err(err, errlen, "internal error: aggregate file length %llu, expected %llu",
                      (unsigned long long)e.written, (unsigned long long)(HDR_LEN + plen));
    put(&e, csum_end(&e.sum), 8);
    e.sum_from = e.len; /* not payload */
    enc_flush(&e);
    free(e.buf);
    return e.rc;
}

/* ---- reading ---- */

typedef struct cur {
    const unsigned char *p;
    size_t n, i;
    bool bad;
} cur;

static uint64_t get(cur *c, int bytes)
{
    if (c->bad || c->n - c->i < (size_t)bytes) {
        c->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int k = bytes - 1; k >= 0; k--) v = v << 8 | c->p[c->i + (size_t)k];
    c->i += (size_t)bytes;
    return v;
}

/* An unsigned LEB128 varint in its shortest form, at most 10 bytes. */
static uint64_t get_uv(cur *c)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < 10 && !c->bad && c->i < c->n; k++) {
        unsigned char b = c->p[c->i++];
        if (k == 9 && b > 1) break; /* past 64 bits */
        v |= (uint64_t)(b & 0x7f) << (7 * k);
        if (!(b & 0x80)) {
            if (b == 0 && k > 0) break; /* not the shortest form */
            return v;
        }
    }
    c->bad = true;
    return 0;
}

static void get_ip(cur *c, ip128 *ip)
{
    if (c->bad || c->n - c->i < 16) {
        c->bad = true;
        memset(ip, 0, sizeof *ip);
        return;
    }
    memcpy(ip->b, c->p + c->i, 16);
    c->i += 16;
}

/* A group of versions 1 to 3. */
static void get_group(cur *c, agg_group *g)
{
    get_ip(c, &g->src);
    get_ip(c, &g->dst);
    get_ip(c, &g->pkt_src);
    get_ip(c, &g->pkt_dst);
    g->eni = (uint32_t)get(c, 4);
    g->src_svc = (uint32_t)get(c, 4);
    g->dst_svc = (uint32_t)get(c, 4);
    g->hour = (int32_t)(uint32_t)get(c, 4);
    g->dstport = (uint16_t)get(c, 2);
    g->protocol = (uint8_t)get(c, 1);
    g->action = (uint8_t)get(c, 1);
    g->status = (uint8_t)get(c, 1);
    g->direction = (uint8_t)get(c, 1);
    g->traffic_path = (uint8_t)get(c, 1);
    g->flags = (uint8_t)get(c, 1);
    g->packets = get(c, 8);
    g->bytes = get(c, 8);
    g->records = get(c, 8);
    g->min_start = (int64_t)get(c, 8);
    g->max_end = (int64_t)get(c, 8);
}

/* A group of version 4 (put_group4). Values that do not fit their field,
 * form 3 and the packed byte's spare bits are corruption; the ranges of
 * ids and enums are checked by the caller, as for the older groups. */
static void get_group4(cur *c, agg_group *g)
{
    unsigned form = (unsigned)get(c, 1);
    ip128 *ip[4] = {&g->src, &g->dst, &g->pkt_src, &g->pkt_dst};
    for (int i = 0; i < 4 && !c->bad; i++) {
        unsigned f = form >> (2 * i) & 3;
        if (f == 0) continue;
        if (f == 3 || c->n - c->i < (f == 1 ? 4u : 16u)) {
            c->bad = true;
            break;
        }
        if (f == 1) {
            ip[i]->b[10] = ip[i]->b[11] = 0xff;
            memcpy(ip[i]->b + 12, c->p + c->i, 4);
            c->i += 4;
        } else {
            memcpy(ip[i]->b, c->p + c->i, 16);
            c->i += 16;
            /* the writer's form for these is 0 or 1: one group, one encoding */
            if (ip_form(ip[i]) != 2) c->bad = true;
        }
    }
    uint64_t eni = get_uv(c), ssvc = get_uv(c), dsvc = get_uv(c), hz = get_uv(c), port = get_uv(c);
    uint64_t b = get(c, 4);
    uint64_t hour = unzz(hz);
    if (eni > UINT32_MAX || ssvc > UINT32_MAX || dsvc > UINT32_MAX || port > UINT16_MAX ||
        (int64_t)hour < INT32_MIN || (int64_t)hour > INT32_MAX || (b >> 8 & 0xc0))
        c->bad = true;
    g->eni = (uint32_t)eni;
    g->src_svc = (uint32_t)ssvc;
    g->dst_svc = (uint32_t)dsvc;
    g->hour = (int32_t)(int64_t)hour;
    g->dstport = (uint16_t)port;
    g->protocol = (uint8_t)b;
    g->action = (uint8_t)(b >> 8 & 3);
    g->status = (uint8_t)(b >> 10 & 3);
    g->direction = (uint8_t)(b >> 12 & 3);
    g->traffic_path = (uint8_t)(b >> 16);
    g->flags = (uint8_t)(b >> 24);
    uint64_t base = time_base(g->hour);
    g->packets = get_uv(c);
    g->bytes = get_uv(c);
    g->records = get_uv(c);
    g->min_start = (int64_t)(unzz(get_uv(c)) + base);
    g->max_end = (int64_t)(unzz(get_uv(c)) + base);
}

/* Header and checksum checks; *c is then the payload, *ver its version. */
static int open_payload(const void *data, size_t len, cur *c, uint32_t *ver, char *err, size_t errlen)
{
    const unsigned char *d = data;
    if (!fca_is(data, len)) return fc_err(err, errlen, "not an aggregate file (bad magic)");
    if (len < HDR_LEN + 8) return fc_err(err, errlen, "aggregate file truncated");
    cur h = {d, len, FCA_MAGIC_LEN, false};
    *ver = (uint32_t)get(&h, 4);
    uint64_t plen = get(&h, 8);
    if (*ver < 1 || *ver > FCA_VERSION)
        return fc_err(err, errlen, "unsupported aggregate file version %u (this flowcost reads 1 to %d)", *ver,
                      FCA_VERSION);
    if (plen > len - HDR_LEN - 8) return fc_err(err, errlen, "aggregate file truncated");
    if (plen < len - HDR_LEN - 8) return fc_err(err, errlen, "aggregate file has trailing data");
    cur t = {d, len, HDR_LEN + (size_t)plen, false};
    if (get(&t, 8) != checksum(d + HDR_LEN, (size_t)plen))
        return fc_err(err, errlen, "aggregate file checksum mismatch (corrupt file)");
    *c = (cur){d + HDR_LEN, (size_t)plen, 0, false};
    return 0;
}

/* The version 2 identity list at the payload's start: each string is
 * visited (stored when ids is not NULL) and the cursor left after it. */
static void get_ids(cur *c, uint32_t ver, char **ids, size_t *n)
{
    if (n) *n = 0;
    if (ver < 2) return;
    uint64_t k = get(c, 4);
    if (!c->bad && k > (c->n - c->i) / 4) c->bad = true;
    for (uint64_t i = 0; i < k && !c->bad; i++) {
        uint64_t l = get(c, 4);
        if (c->bad || l == 0 || l > c->n - c->i || memchr(c->p + c->i, 0, (size_t)l)) {
            c->bad = true;
            break;
        }
        if (ids) {
            ids[i] = xmalloc((size_t)l + 1);
            memcpy(ids[i], c->p + c->i, (size_t)l);
            ids[i][l] = '\0';
            (*n)++;
        }
        c->i += (size_t)l;
    }
}

int fca_inputs(const void *data, size_t len, char ***ids, size_t *n_ids, char *err, size_t errlen)
{
    cur c;
    uint32_t ver;
    *ids = NULL;
    *n_ids = 0;
    if (open_payload(data, len, &c, &ver, err, errlen) < 0) return -1;
    if (ver < 2) return 0;
    cur peek = c;
    uint64_t k = get(&peek, 4);
    if (peek.bad || k > (peek.n - peek.i) / 4)
        return fc_err(err, errlen, "aggregate file is corrupt (bad input list)");
    char **v = xcalloc((size_t)k + 1, sizeof *v);
    size_t n = 0;
    get_ids(&c, ver, v, &n);
    if (c.bad) {
        fca_inputs_free(v, n);
        return fc_err(err, errlen, "aggregate file is corrupt (bad input list)");
    }
    *ids = v;
    *n_ids = n;
    return 0;
}

void fca_inputs_free(char **ids, size_t n_ids)
{
    for (size_t i = 0; i < n_ids; i++) free(ids[i]);
    free(ids);
}

int fca_read_seq(agg *a, const void *data, size_t len, uint64_t seq, char *err, size_t errlen)
{
    cur c;
    uint32_t ver;
    if (open_payload(data, len, &c, &ver, err, errlen) < 0) return -1;
    get_ids(&c, ver, NULL, NULL);
    agg *tmp = agg_new();
    int rc = -1;
    uint64_t nstr = get(&c, 4);
    for (uint64_t i = 0; i < nstr && !c.bad; i++) {
        uint64_t l = get(&c, 4);
        if (c.bad || l == 0 || l > c.n - c.i || memchr(c.p + c.i, 0, (size_t)l)) {
            c.bad = true;
            break;
        }
        if (agg_intern(tmp, (const char *)c.p + c.i, (size_t)l) != i + 1) c.bad = true; /* duplicate */
        c.i += (size_t)l;
    }
    uint64_t ng = get(&c, 8);
    if (!c.bad && ng > (c.n - c.i) / (ver >= 4 ? GROUP4_MIN : GROUP_LEN)) c.bad = true;
    /* in batches: the table's misses overlap (agg_add_batch), which at
     * millions of groups halves the time of reading an .fca */
    agg_group *batch = xmalloc(AGG_BATCH * sizeof *batch);
    size_t nb = 0;
    for (uint64_t k = 0; k < ng && !c.bad; k++) {
        agg_group *g = &batch[nb];
        memset(g, 0, sizeof *g);
        if (ver >= 4) get_group4(&c, g);
        else get_group(&c, g);
        if (g->eni > nstr || g->src_svc > nstr || g->dst_svc > nstr || g->action > FL_REJECT ||
            g->status > FL_SKIPDATA || g->direction > FL_EGRESS || g->traffic_path > 8) {
            c.bad = true;
            break;
        }
        if (++nb == AGG_BATCH) {
            agg_add_batch(tmp, batch, nb);
            nb = 0;
        }
    }
    if (!c.bad && nb) agg_add_batch(tmp, batch, nb);
    free(batch);
    uint64_t nm = get(&c, 4);
    for (uint64_t k = 0; k < nm && !c.bad; k++) {
        uint32_t eni = (uint32_t)get(&c, 4);
        agg_eni_meta m;
        bool bad = !eni || eni > nstr;
        for (size_t f = 0; f < N_META; f++) {
            uint32_t v = (uint32_t)get(&c, 4);
            memcpy((char *)&m + meta_off[f], &v, sizeof v);
            bad |= v > nstr;
        }
        if (bad) {
            c.bad = true;
            break;
        }
        agg_note_eni_ids(tmp, eni, &m, seq);
    }
    agg_stats *st = agg_stats_of(tmp);
    st->read = get(&c, 8);
    st->used = get(&c, 8);
    st->malformed = get(&c, 8);
    st->nodata = get(&c, 8);
    st->skipdata = get(&c, 8);
    st->rejected = get(&c, 8);
    st->filtered = get(&c, 8);
    st->files = get(&c, 8);
    st->files_skipped = get(&c, 8);
    st->bytes_in = get(&c, 8);
    st->start = (int64_t)get(&c, 8);
    st->end = (int64_t)get(&c, 8);
    uint64_t nt = ver >= 3 ? get(&c, 4) : 0;
    if (!c.bad && nt > (c.n - c.i) / TGW_LEN) c.bad = true;
    for (uint64_t k = 0; k < nt && !c.bad; k++) {
        agg_tgw t;
        memset(&t, 0, sizeof t);
        bool ok = true;
        for (int f = 0; f < FL_TGW__COUNT; f++) {
            t.id[f] = (uint32_t)get(&c, 4);
            ok &= t.id[f] <= nstr;
        }
        static const int width[6] = {4, 1, 1, 8, 8, 8}; /* region, direction, status, counters */
        uint64_t v[6];
        for (int f = 0; f < 6; f++) v[f] = get(&c, width[f]);
        t.region = (uint32_t)v[0];
        t.direction = (uint8_t)v[1];
        t.status = (uint8_t)v[2];
        t.packets = v[3];
        t.bytes = v[4];
        t.records = v[5];
        if (!ok || t.region > nstr || t.direction > FL_EGRESS || t.status > FL_SKIPDATA) {
            c.bad = true;
            break;
        }
        agg_add_tgw(tmp, &t);
    }
    if (c.bad) {
        fc_err(err, errlen, "aggregate file is corrupt (bad record near byte %zu)", (size_t)HDR_LEN + c.i);
    } else if (c.i != c.n) {
        fc_err(err, errlen, "aggregate file has %zu unexpected bytes", c.n - c.i);
    } else {
        /* into an empty table (an .fca read first, or alone) the groups move
         * instead of being copied: one copy of them at a time, not two */
        agg_absorb(a, tmp);
        return 0;
    }
    agg_free(tmp);
    return rc;
}

int fca_read(agg *a, const void *data, size_t len, char *err, size_t errlen)
{
    return fca_read_seq(a, data, len, UINT64_MAX, err, errlen);
}
