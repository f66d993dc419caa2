/* gz: why not gzread() — decompression is most of the cost of reading
 * S3-delivered flow logs, and ISA-L's igzip inflate is several times faster
 * than zlib's. zlib stays as the fallback backend (and as a cross-check in
 * the tests). Both handle multi-member files and report the compressed
 * offset where a member is truncated or corrupt, after handing out every
 * byte decoded before it. */
#include "gz.h"

#include <errno.h>
#include <isa-l.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util.h"

#define GZ_INBUF (1u << 20)

struct gz_reader {
    gz_pull_fn pull;
    void *ctx;
    enum gz_backend backend;
    uint8_t *in;
    size_t in_len, in_pos;
    uint64_t in_base; /* compressed offset of in[0] */
    bool eof, active, done;
    struct inflate_state *st;
    z_stream zs;
    bool zs_init;
    int pending;      /* an error to report on the next call */
    char pending_msg[256];
};

bool gz_is(const void *data, size_t len)
{
    const unsigned char *p = data;
    return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

const char *gz_lib_versions(void)
{
    static char buf[64];
    if (!buf[0])
        snprintf(buf, sizeof buf, "isa-l/%d.%d.%d zlib/%s", ISAL_MAJOR_VERSION, ISAL_MINOR_VERSION,
                 ISAL_PATCH_VERSION, zlibVersion());
    return buf;
}

void gz_lib_info(fc_lib_info out[2])
{
#define FC_STR2(x) #x
#define FC_STR(x) FC_STR2(x)
    /* ISA-L has no version call: the file it was loaded from tells it. */
    out[0].name = "isa-l";
    out[0].version[0] = '\0';
    out[0].built_with = FC_STR(ISAL_MAJOR_VERSION) "." FC_STR(ISAL_MINOR_VERSION) "." FC_STR(ISAL_PATCH_VERSION);
    out[0].symbol = (const void *)isal_inflate;
    out[1].name = "zlib";
    snprintf(out[1].version, sizeof out[1].version, "%s", zlibVersion());
    out[1].built_with = ZLIB_VERSION;
    out[1].symbol = (const void *)zlibVersion;
}

/* GZ_AUTO resolved, and that backend's state made: *st for ISA-L, *zs
 * (windowBits wbits) for zlib. */
static enum gz_backend open_backend(enum gz_backend backend, struct inflate_state **st, z_stream *zs, int wbits)
{
    if (backend == GZ_AUTO) {
        const char *e = getenv("FLOWCOST_GZIP");
        backend = e && strcmp(e, "zlib") == 0 ? GZ_ZLIB : GZ_ISAL;
    }
    if (backend == GZ_ISAL) {
        *st = xmalloc(sizeof **st);
        isal_inflate_init(*st);
    } else {
        memset(zs, 0, sizeof *zs);
        if (inflateInit2(zs, wbits) != Z_OK) {
            fprintf(stderr, "flowcost: fatal: zlib inflateInit2 failed\n");
            abort();
        }
    }
    return backend;
}

gz_reader *gz_open(gz_pull_fn pull, void *ctx, enum gz_backend backend)
{
    gz_reader *z = xcalloc(1, sizeof *z);
    z->pull = pull;
    z->ctx = ctx;
    z->backend = open_backend(backend, &z->st, &z->zs, 16 + MAX_WBITS);
    z->zs_init = z->backend == GZ_ZLIB;
    z->in = xmalloc(GZ_INBUF);
    return z;
}

void gz_close(gz_reader *z)
{
    if (!z) return;
    if (z->zs_init) inflateEnd(&z->zs);
    free(z->st);
    free(z->in);
    free(z);
}

uint64_t gz_offset(const gz_reader *z)
{
    return z->in_base + z->in_pos;
}

/* 1 = input available, 0 = end of input, -1 = read error. */
static int refill(gz_reader *z, char *err, size_t errlen)
{
    if (z->in_pos < z->in_len) return 1;
    if (z->eof) return 0;
    z->in_base += z->in_len;
    z->in_len = z->in_pos = 0;
    ssize_t n;
    do n = z->pull(z->ctx, z->in, GZ_INBUF);
    while (n < 0 && errno == EINTR);
    if (n < 0) return fc_err(err, errlen, "read error at offset %llu: %s",
                             (unsigned long long)z->in_base, fc_strerror(errno, (char[96]){0}, 96));
    if (n == 0) {
        z->eof = true;
        return 0;
    }
    z->in_len = (size_t)n;
    return 1;
}

static const char *isal_reason(int ret)
{
    switch (ret) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid lookback distance";
    case ISAL_INVALID_WRAPPER: return "not a gzip member";
    case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM: return "checksum mismatch";
    default: return "decoder error";
    }
}

/* isal_inflate() must be handed a member's whole gzip header in one call: it
 * keeps no state for a header cut short (intel/isa-l issue #224), and a member
 * header (with FNAME, as `gzip FILE` writes) that straddled the end of the
 * buffer failed as "invalid deflate block", depending on stack garbage. So a
 * member that starts near the end of the buffer is moved to its front and
 * the buffer is filled behind it, up to GZ_HDR_ROOM bytes (FEXTRA's 64 KiB
 * and ample name/comment), or to the end of the input. */
#define GZ_HDR_ROOM (128u << 10)
static int top_up(gz_reader *z, char *err, size_t errlen)
{
    size_t keep = z->in_len - z->in_pos;
    if (keep >= GZ_HDR_ROOM || z->eof) return 0;
    memmove(z->in, z->in + z->in_pos, keep);
    z->in_base += z->in_pos;
    z->in_pos = 0;
    z->in_len = keep;
    while (z->in_len < GZ_HDR_ROOM) {
        ssize_t n = z->pull(z->ctx, z->in + z->in_len, GZ_INBUF - z->in_len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return fc_err(err, errlen, "read error at offset %llu: %s",
                          (unsigned long long)(z->in_base + z->in_len), fc_strerror(errno, (char[96]){0}, 96));
        if (n == 0) {
            z->eof = true;
            break;
        }
        z->in_len += (size_t)n;
    }
    return 0;
}

/* The member header is parsed here rather than by isal_inflate(ISAL_GZIP):
 * ISA-L 2.30 rejects a valid header that carries FHCRC (RFC 1952 FLG bit 1)
 * as "checksum mismatch", so the records of such a member were lost. We check
 * the header (and its CRC-16, the low half of the CRC-32 of the header bytes
 * before it) ourselves and let ISA-L inflate the raw deflate data and verify
 * the CRC-32/ISIZE trailer (ISAL_GZIP_NO_HDR_VER). */
#define GZ_FTEXT 0x01u
#define GZ_FHCRC 0x02u
#define GZ_FEXTRA 0x04u
#define GZ_FNAME 0x08u
#define GZ_FCOMMENT 0x10u
enum gz_hdr { GZH_OK, GZH_SHORT, GZH_NOT_GZIP, GZH_METHOD, GZH_FLAGS, GZH_HCRC };

/* The header at h[0..len): its length in *hlen when GZH_OK (for GZH_HCRC,
 * the offset of the CRC-16 that does not match). */
static enum gz_hdr member_header(const uint8_t *h, size_t len, size_t *hlen)
{
    size_t p = 10;
    if (len < 10) return GZH_SHORT;
    if (h[0] != 0x1f || h[1] != 0x8b) return GZH_NOT_GZIP;
    if (h[2] != 8) return GZH_METHOD;
    unsigned flg = h[3];
    if (flg & 0xe0u) return GZH_FLAGS;
    if (flg & GZ_FEXTRA) {
        if (len < p + 2) return GZH_SHORT;
        p += 2 + (size_t)(h[p] | h[p + 1] << 8);
        if (len < p) return GZH_SHORT;
    }
    for (unsigned f = GZ_FNAME; f <= GZ_FCOMMENT; f <<= 1) {
        if (!(flg & f)) continue;
        const uint8_t *nul = memchr(h + p, 0, len - p);
        if (!nul) return GZH_SHORT;
        p = (size_t)(nul - h) + 1;
    }
    if (flg & GZ_FHCRC) {
        if (len < p + 2) return GZH_SHORT;
        unsigned want = (unsigned)h[p] | (unsigned)h[p + 1] << 8;
        unsigned got = (unsigned)(crc32(0L, h, (uInt)p) & 0xffffu);
        if (want != got) {
            *hlen = p;
            return GZH_HCRC;
        }
        p += 2;
    }
    *hlen = p;
    return GZH_OK;
}

static const char *const gz_hdr_reason[] = {
    [GZH_NOT_GZIP] = "not a gzip member",
    [GZH_METHOD] = "unsupported compression method",
    [GZH_FLAGS] = "reserved header flags set",
    [GZH_HCRC] = "header checksum mismatch",
};

/* top_up() has put the whole header in the buffer, or the input ends inside
 * it. 0 = in_pos moved past the header, -1 = error in emsg. */
static int skip_header(gz_reader *z, char *err, size_t errlen)
{
    size_t p = 0;
    uint64_t at = gz_offset(z);
    enum gz_hdr h = member_header(z->in + z->in_pos, z->in_len - z->in_pos, &p);
    if (h == GZH_OK) {
        z->in_pos += p;
        return 0;
    }
    if (h != GZH_SHORT)
        return fc_err(err, errlen, "corrupt gzip data at offset %llu: %s",
                      (unsigned long long)(h == GZH_HCRC ? at + p : at), gz_hdr_reason[h]);
    /* top_up() stops at GZ_HDR_ROOM bytes, so a header not complete by then
     * is either cut by the end of the input or absurdly long */
    if (!z->eof)
        return fc_err(err, errlen, "corrupt gzip data at offset %llu: member header longer than %u bytes",
                      (unsigned long long)at, GZ_HDR_ROOM);
    return fc_err(err, errlen, "gzip data truncated at offset %llu", (unsigned long long)(z->in_base + z->in_len));
}

/* Between members: more data must be another gzip member; NUL padding up to
 * the end is tolerated (as gzip does). 1 = member follows, 0 = end. */
static int next_member(gz_reader *z, char *err, size_t errlen)
{
    int r = refill(z, err, errlen);
    if (r <= 0) return r;
    if (z->in[z->in_pos] != 0) return 1;
    for (;;) {
        while (z->in_pos < z->in_len && z->in[z->in_pos] == 0) z->in_pos++;
        if (z->in_pos < z->in_len)
            return fc_err(err, errlen, "corrupt gzip data at offset %llu: garbage after padding",
                          (unsigned long long)gz_offset(z));
        r = refill(z, err, errlen);
        if (r <= 0) return r;
    }
}

ssize_t gz_read(gz_reader *z, void *buf, size_t n, char *err, size_t errlen)
{
    if (z->pending) {
        z->pending = 0;
        return fc_err(err, errlen, "%s", z->pending_msg);
    }
    if (n > UINT32_MAX) n = UINT32_MAX;
    size_t produced = 0;
    char emsg[256];
    int fail = 0;
    while (produced < n && !z->done) {
        if (!z->active) {
            int r = next_member(z, emsg, sizeof emsg);
            if (r < 0) {
                fail = 1;
                break;
            }
            if (r == 0) {
                z->done = true;
                break;
            }
            if (z->backend == GZ_ISAL) {
                if (top_up(z, emsg, sizeof emsg) < 0 || skip_header(z, emsg, sizeof emsg) < 0) {
                    fail = 1;
                    break;
                }
                isal_inflate_reset(z->st);
                z->st->crc_flag = ISAL_GZIP_NO_HDR_VER;
            } else {
                inflateReset(&z->zs);
            }
            z->active = true;
        }
        int r = refill(z, emsg, sizeof emsg);
        if (r < 0) {
            fail = 1;
            break;
        }
        size_t avail = z->in_len - z->in_pos, out_before = produced;
        bool finished = false;
        if (z->backend == GZ_ISAL) {
            struct inflate_state *st = z->st;
            st->next_in = z->in + z->in_pos;
            st->avail_in = (uint32_t)avail;
            st->next_out = (uint8_t *)buf + produced;
            st->avail_out = (uint32_t)(n - produced);
            int ret = isal_inflate(st);
            z->in_pos += avail - st->avail_in;
            produced = n - st->avail_out;
            if (ret < 0) {
                snprintf(emsg, sizeof emsg, "corrupt gzip data at offset %llu: %s",
                         (unsigned long long)gz_offset(z), isal_reason(ret));
                fail = 1;
                break;
            }
            finished = st->block_state == ISAL_BLOCK_FINISH;
        } else {
            z->zs.next_in = z->in + z->in_pos;
            z->zs.avail_in = (uInt)avail;
            z->zs.next_out = (Bytef *)buf + produced;
            z->zs.avail_out = (uInt)(n - produced);
            int ret = inflate(&z->zs, Z_NO_FLUSH);
            z->in_pos += avail - z->zs.avail_in;
            produced = n - z->zs.avail_out;
            if (ret == Z_STREAM_END) {
                finished = true;
            } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
                snprintf(emsg, sizeof emsg, "corrupt gzip data at offset %llu: %s",
                         (unsigned long long)gz_offset(z), z->zs.msg ? z->zs.msg : "decoder error");
                fail = 1;
                break;
            }
        }
        if (finished) {
            z->active = false;
            continue;
        }
        if (produced == out_before && z->in_pos == z->in_len) {
            r = refill(z, emsg, sizeof emsg);
            if (r < 0) {
                fail = 1;
                break;
            }
            if (r == 0) {
                snprintf(emsg, sizeof emsg, "gzip data truncated at offset %llu",
                         (unsigned long long)gz_offset(z));
                fail = 1;
                break;
            }
        } else if (produced == out_before && avail == z->in_len - z->in_pos) {
            snprintf(emsg, sizeof emsg, "corrupt gzip data at offset %llu: decoder made no progress",
                     (unsigned long long)gz_offset(z));
            fail = 1;
            break;
        }
    }
    if (fail) {
        z->done = true;
        if (produced) {
            z->pending = 1;
            snprintf(z->pending_msg, sizeof z->pending_msg, "%s", emsg);
            return (ssize_t)produced;
        }
        return fc_err(err, errlen, "%s", emsg);
    }
    return (ssize_t)produced;
}

/* ------------------------------------------- one stream held in memory */

struct gz_mem {
    enum gz_backend backend;
    struct inflate_state *st;
    z_stream zs;
    bool zs_init;
};

gz_mem *gz_mem_new(enum gz_backend backend)
{
    gz_mem *m = xcalloc(1, sizeof *m);
    /* 15 + 32: a gzip or a zlib header, as the ISA-L path accepts */
    m->backend = open_backend(backend, &m->st, &m->zs, 15 + 32);
    m->zs_init = m->backend == GZ_ZLIB;
    return m;
}

void gz_mem_free(gz_mem *m)
{
    if (!m) return;
    if (m->zs_init) inflateEnd(&m->zs);
    free(m->st);
    free(m);
}

/* RFC 1950: deflate, a window of at most 32 KiB, the header check, and no
 * preset dictionary (nothing could supply one). */
static bool zlib_header(const uint8_t *h, size_t len)
{
    return len >= 2 && (h[0] & 0x0f) == 8 && h[0] >> 4 <= 7 && (h[0] << 8 | h[1]) % 31 == 0 && !(h[1] & 0x20);
}

/* The header is parsed here for ISA-L (see member_header), which then inflates
 * the raw deflate data and checks the trailer. What zlib's inflate(Z_FINISH)
 * accepted is what is accepted: one gzip member or zlib stream whose output
 * is exactly dn bytes; bytes after its trailer are ignored; a second member
 * is such bytes (a writer compresses a page in one call). */
int gz_mem_inflate(gz_mem *m, const void *src, size_t sn, void *dst, size_t dn)
{
    if (sn > UINT32_MAX || dn > UINT32_MAX) return -1;
    const uint8_t *s = src;
    if (m->backend == GZ_ZLIB) {
        inflateReset(&m->zs);
        m->zs.next_in = (Bytef *)(uintptr_t)s;
        m->zs.avail_in = (uInt)sn;
        m->zs.next_out = dst;
        m->zs.avail_out = (uInt)dn;
        int zr = inflate(&m->zs, Z_FINISH);
        return zr == Z_STREAM_END && m->zs.total_out == dn ? 0 : -1;
    }
    size_t hlen = 2;
    uint32_t flag = ISAL_ZLIB_NO_HDR_VER;
    if (gz_is(s, sn)) {
        if (member_header(s, sn, &hlen) != GZH_OK) return -1;
        flag = ISAL_GZIP_NO_HDR_VER;
    } else if (!zlib_header(s, sn)) {
        return -1;
    }
    struct inflate_state *st = m->st;
    isal_inflate_init(st);
    st->crc_flag = flag;
    st->next_in = (uint8_t *)(uintptr_t)(s + hlen);
    st->avail_in = (uint32_t)(sn - hlen);
    st->next_out = dst;
    st->avail_out = (uint32_t)dn;
    if (isal_inflate(st) < 0) return -1;
    if (st->block_state != ISAL_BLOCK_FINISH && st->avail_out == 0) {
        /* ISA-L may stop when the output is full, before the end-of-block
         * code and the trailer: one more byte of room tells whether the
         * stream ends there (nothing written) or is longer than dn */
        uint8_t spare;
        st->next_out = &spare;
        st->avail_out = 1;
        if (isal_inflate(st) < 0 || st->avail_out == 0) return -1;
    }
    return st->block_state == ISAL_BLOCK_FINISH && st->total_out == dn ? 0 : -1;
}
