/* Unit tests of src/gz.c's member headers on both backends: a member whose
 * header carries FHCRC (RFC 1952 FLG bit 1, a CRC-16 of the header) is valid
 * gzip that ISA-L 2.30's own header parser rejected ("checksum mismatch"),
 * losing its records. Python's gzip module and `gzip` never set FHCRC, so the
 * headers are built byte by byte here; the deflate data comes from zlib. Also:
 * a wrong header CRC-16, every optional field at once, a header cut short. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "gz.h"
#include "util.h"

struct mem {
    const unsigned char *p;
    size_t len, pos, chunk; /* chunk: at most this many bytes a pull (short reads) */
};

static ssize_t mem_pull(void *ctx, void *buf, size_t n)
{
    struct mem *m = ctx;
    size_t k = m->len - m->pos;
    if (k > n) k = n;
    if (m->chunk && k > m->chunk) k = m->chunk;
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}

static void put32(dbuf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    dbuf_append(b, x, 4);
}

/* A member: the given header bytes (FHCRC appended when hcrc >= 0, as the
 * given value), raw deflate of text, CRC-32 and ISIZE. */
static void member(dbuf *b, const unsigned char *hdr, size_t hlen, long hcrc, const char *text)
{
    dbuf_append(b, hdr, hlen);
    if (hcrc >= 0) {
        unsigned char c[2] = {(unsigned char)hcrc, (unsigned char)(hcrc >> 8)};
        dbuf_append(b, c, 2);
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    CHECK(deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    size_t tl = strlen(text);
    unsigned char out[4096];
    zs.next_in = (Bytef *)text;
    zs.avail_in = (uInt)tl;
    zs.next_out = out;
    zs.avail_out = sizeof out;
    CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    dbuf_append(b, out, sizeof out - zs.avail_out);
    deflateEnd(&zs);
    put32(b, (uint32_t)crc32(0L, (const Bytef *)text, (uInt)tl));
    put32(b, (uint32_t)tl);
}

/* Decode all of data with backend be; returns the bytes (caller frees) and the
 * error, if any, in err ("" when none). */
static char *decode(const dbuf *data, enum gz_backend be, size_t chunk, char *err, size_t errlen)
{
    struct mem m = {(const unsigned char *)data->data, data->len, 0, chunk};
    gz_reader *z = gz_open(mem_pull, &m, be);
    dbuf out;
    dbuf_init(&out, 0);
    err[0] = 0;
    char buf[7]; /* small reads: the decoder is resumed many times */
    for (;;) {
        ssize_t n = gz_read(z, buf, sizeof buf, err, errlen);
        if (n <= 0) break;
        dbuf_append(&out, buf, (size_t)n);
    }
    gz_close(z);
    dbuf_append(&out, "", 1); /* NUL: a string even when empty */
    return out.data;
}

/* A zlib stream (RFC 1950) of text: header 78 9c, deflate, Adler-32. */
static void zlib_stream(dbuf *b, const char *text)
{
    uLongf n = compressBound((uLong)strlen(text));
    unsigned char *out = xmalloc(n);
    CHECK(compress2(out, &n, (const Bytef *)text, (uLong)strlen(text), 6) == Z_OK);
    dbuf_append(b, out, n);
    free(out);
}

static const char *T1 = "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 100 3600 3660 ACCEPT OK\n";
static const char *T2 = "2 1 eni-b 10.0.0.3 10.0.0.4 1 2 6 1 23 3600 3660 REJECT OK\n";

/* gz_mem_inflate, the one-shot inflate of a Parquet GZIP page: the same
 * verdict on both backends (zlib's inflate(Z_FINISH) is what the reader used
 * before ISA-L). Each row: how the stream is built and damaged, the dn
 * claimed, and whether it must inflate to exactly the text. */
enum mem_kind { MK_GZIP, MK_GZIP_ALL, MK_ZLIB, MK_TWO, MK_RAW };
typedef struct mem_case {
    const char *name;
    enum mem_kind kind;
    long cut;    /* bytes dropped from the end */
    long flip;   /* byte xor 0x01, counted from the end (1 = last), 0 = none */
    long dn_adj; /* dn = strlen(text) + dn_adj */
    int want;    /* 0 = inflates to the text, -1 = refused */
} mem_case;

static const mem_case mem_cases[] = {
    {"gzip member", MK_GZIP, 0, 0, 0, 0},
    /* FHCRC, FEXTRA, FNAME, FCOMMENT: ISA-L 2.30's own parser refused FHCRC */
    {"every header field", MK_GZIP_ALL, 0, 0, 0, 0},
    {"zlib stream", MK_ZLIB, 0, 0, 0, 0},
    /* the page header claims one byte more or less than the stream holds */
    {"gzip dn - 1", MK_GZIP, 0, 0, -1, -1},
    {"gzip dn + 1", MK_GZIP, 0, 0, 1, -1},
    {"zlib dn - 1", MK_ZLIB, 0, 0, -1, -1},
    {"zlib dn + 1", MK_ZLIB, 0, 0, 1, -1},
    /* trailer: ISIZE's last byte, CRC-32's first byte, Adler-32's last */
    {"gzip wrong isize", MK_GZIP, 0, 1, 0, -1},
    {"gzip wrong crc", MK_GZIP, 0, 8, 0, -1},
    {"zlib wrong adler", MK_ZLIB, 0, 1, 0, -1},
    /* cut inside the trailer, and inside the deflate data */
    {"gzip cut by 1", MK_GZIP, 1, 0, 0, -1},
    {"gzip cut by 12", MK_GZIP, 12, 0, 0, -1},
    {"zlib cut by 1", MK_ZLIB, 1, 0, 0, -1},
    /* two members (text, then text again): zlib stopped after the first, so
     * dn of the first member reads and dn of both is refused */
    {"two members, dn of one", MK_TWO, 0, 0, 0, 0},
    {"two members, dn of both", MK_TWO, 0, 0, -2, -1},
    /* bare deflate has no header to tell it by */
    {"raw deflate", MK_RAW, 0, 0, 0, -1},
};

static void test_mem(void)
{
    static const enum gz_backend be[] = {GZ_ISAL, GZ_ZLIB};
    /* 50 lines: more than one deflate block's worth of matches, and an
     * output ISA-L fills exactly */
    dbuf tb;
    dbuf_init(&tb, 0);
    for (int i = 0; i < 50; i++) {
        char line[128];
        int n = snprintf(line, sizeof line, "2 1 eni-%04d 10.0.%d.%d 10.1.0.2 %d 443 6 %d %d 3600 3660 ACCEPT OK\n",
                         i * 37 % 1000, i % 7, i, 1024 + i * 13, i + 1, i * 1500 + 40);
        dbuf_append(&tb, line, (size_t)n);
    }
    dbuf_append(&tb, "", 1);
    const char *text = tb.data;
    size_t tl = strlen(text);
    static const unsigned char h0[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    static const unsigned char h2[] = {0x1f, 0x8b, 8, 0x1e, 0, 0, 0, 0, 0, 3, 4, 0, 'a', 'b', 0,
                                       0, 'x', '.', 'l', 'o', 'g', 0, 'h', 'i', 0};
    for (int k = 0; k < 2; k++) {
        gz_mem *m = gz_mem_new(be[k]);
        for (size_t c = 0; c < sizeof mem_cases / sizeof *mem_cases; c++) {
            const mem_case *t = &mem_cases[c];
            dbuf d;
            dbuf_init(&d, 0);
            switch (t->kind) {
            case MK_GZIP: member(&d, h0, sizeof h0, -1, text); break;
            case MK_GZIP_ALL: member(&d, h2, sizeof h2, 0x18a4, text); break;
            case MK_ZLIB: zlib_stream(&d, text); break;
            case MK_TWO:
                member(&d, h0, sizeof h0, -1, text);
                member(&d, h0, sizeof h0, -1, text);
                break;
            case MK_RAW: /* the member without its 10-byte header and 8-byte trailer */
                member(&d, h0, sizeof h0, -1, text);
                memmove(d.data, d.data + 10, d.len - 18);
                d.len -= 18;
                break;
            }
            d.len -= (size_t)t->cut;
            if (t->flip) d.data[d.len - (size_t)t->flip] ^= 1;
            /* dn_adj -2 for two members: both texts */
            size_t dn = t->dn_adj == -2 ? 2 * tl : tl + (size_t)t->dn_adj;
            char *out = xmalloc(dn + 1);
            int rc = gz_mem_inflate(m, d.data, d.len, out, dn);
            if (rc != t->want) fprintf(stderr, "gz_mem %s, backend %d: got %d\n", t->name, k, rc);
            CHECK(rc == t->want);
            if (rc == 0) CHECK(dn == tl && memcmp(out, text, tl) == 0);
            free(out);
            dbuf_free(&d);
        }
        gz_mem_free(m);
    }
    dbuf_free(&tb);
}

int main(void)
{
    test_mem();
    static const enum gz_backend be[] = {GZ_ISAL, GZ_ZLIB};
    static const char *bename[] = {"isal", "zlib"};
    char err[FC_ERRLEN];

    /* FLG = FHCRC only, MTIME 0, XFL 0, OS 3 (Unix). The CRC-16 is the low
     * half of the CRC-32 of these ten bytes, 0x77a7 (worked out with
     * python3's zlib.crc32, and cross-checked against zlib here). */
    static const unsigned char h1[] = {0x1f, 0x8b, 8, 0x02, 0, 0, 0, 0, 0, 3};
    CHECK((crc32(0L, h1, sizeof h1) & 0xffff) == 0x77a7);
    /* FLG = FHCRC|FEXTRA|FNAME|FCOMMENT: XLEN 4 "ab\0\0", name "x.log",
     * comment "hi"; CRC-16 0x18a4 over all 26 bytes before it */
    static const unsigned char h2[] = {0x1f, 0x8b, 8, 0x1e, 0, 0, 0, 0, 0, 3, 4, 0, 'a', 'b', 0,
                                       0, 'x', '.', 'l', 'o', 'g', 0, 'h', 'i', 0};
    CHECK((crc32(0L, h2, sizeof h2) & 0xffff) == 0x18a4);
    /* a plain header (no flags) for a second member */
    static const unsigned char h0[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

    char want[256];
    snprintf(want, sizeof want, "%s%s%s", T1, T2, T1);
    for (int k = 0; k < 2; k++) {
        for (size_t chunk = 0; chunk <= 5; chunk += 5) { /* whole input, then 5-byte pulls */
            /* three members: FHCRC, plain, every optional field with FHCRC */
            dbuf d;
            dbuf_init(&d, 0);
            member(&d, h1, sizeof h1, 0x77a7, T1);
            member(&d, h0, sizeof h0, -1, T2);
            member(&d, h2, sizeof h2, 0x18a4, T1);
            char *got = decode(&d, be[k], chunk, err, sizeof err);
            if (strcmp(got, want) != 0 || err[0])
                fprintf(stderr, "backend %s chunk %zu: got '%s', error '%s'\n", bename[k], chunk, got, err);
            CHECK_STR(got, want);
            CHECK_STR(err, "");
            free(got);
            dbuf_free(&d);
        }

        /* a wrong header CRC-16: an error at the first member, nothing decoded */
        dbuf d;
        dbuf_init(&d, 0);
        member(&d, h1, sizeof h1, 0x77a6, T1);
        char *got = decode(&d, be[k], 0, err, sizeof err);
        CHECK_STR(got, "");
        CHECK(strstr(err, "corrupt gzip data at offset") != NULL);
        free(got);
        dbuf_free(&d);

        /* the trailer is still checked now that ISA-L no longer reads the
         * header: a wrong ISIZE (last byte) and a wrong CRC-32 are errors */
        for (int t = 0; t < 2; t++) {
            dbuf_init(&d, 0);
            member(&d, h1, sizeof h1, 0x77a7, T1);
            d.data[t == 0 ? d.len - 1 : d.len - 8] ^= 1;
            got = decode(&d, be[k], 0, err, sizeof err);
            CHECK(strstr(err, "corrupt gzip data at offset") != NULL);
            free(got);
            dbuf_free(&d);
        }

        /* a good member, then a second FHCRC member cut inside its header
         * (11 of its 12 header bytes): the first member's text, then
         * "truncated" at the end of the input */
        dbuf_init(&d, 0);
        member(&d, h0, sizeof h0, -1, T2);
        size_t m1 = d.len;
        dbuf_append(&d, h1, sizeof h1);
        dbuf_append(&d, "\xa7", 1);
        got = decode(&d, be[k], 0, err, sizeof err);
        CHECK_STR(got, T2);
        CHECK(strstr(err, "truncated") != NULL);
        if (k == 0) { /* our own header parser names the end of the input */
            snprintf(want, sizeof want, "gzip data truncated at offset %zu", m1 + 11);
            CHECK_STR(err, want);
            snprintf(want, sizeof want, "%s%s%s", T1, T2, T1);
        }
        free(got);
        dbuf_free(&d);
    }
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}
