/* Unit tests of src/parquet.c: the Thrift compact-protocol skipper, the
 * RLE / bit-packed hybrid, DELTA_BINARY_PACKED (bytes and values worked out
 * by hand from Encodings.md), every fixture in tests/parquet/ read from
 * memory and from a file against the text file of the same records, and
 * damaged files (cut, bad footer lengths, every byte flipped) giving a
 * clean error rather than a crash; rows read as records against the same
 * rows read as text lines and parsed. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "check.h"
#include "flowlog.h"
#include "parquet.h"
#include "util.h"

static char err[FC_ERRLEN];

/* ------------------------------------------------------------ thrift */

typedef struct thrift_case {
    const char *what;
    uint8_t b[40];
    size_t n;
    long used;             /* -1: an error */
    const char *err_part;  /* part of the error message */
} thrift_case;

static const thrift_case thrift_cases[] = {
    /* 0x15: field id +1, i32; zigzag 4 = 2; 0x00 stop */
    {"one i32 field", {0x15, 0x04, 0x00}, 3, 3, NULL},
    /* 0x05: i32 with the id spelt out: zigzag i16 100 = 200 = c8 01 */
    {"long field id", {0x05, 0xc8, 0x01, 0x02, 0x00}, 5, 5, NULL},
    /* bool true (0x11) and false (0x22: id +2) carry their value in the header */
    {"bools", {0x11, 0x22, 0x00}, 3, 3, NULL},
    /* binary "ab" (0x18 02 'a' 'b'), double (0x17 + 8 bytes) */
    {"binary and double", {0x18, 0x02, 'a', 'b', 0x17, 1, 2, 3, 4, 5, 6, 7, 8, 0x00}, 14, 14, NULL},
    /* list<i32> of 2 (0x19, 0x25, 02, 04), list<bool> of 2 (0x19, 0x21, 01, 02): one byte each */
    {"lists", {0x19, 0x25, 0x02, 0x04, 0x19, 0x21, 0x01, 0x02, 0x00}, 9, 9, NULL},
    /* list of 20 i32: size nibble 15 then varint 20 */
    {"long list", {0x19, 0xf5, 20, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0x00}, 24, 24, NULL},
    /* map<binary,i32> of 1: size 1, types 0x85, key "k", value 7 */
    {"map", {0x1b, 0x01, 0x85, 0x01, 'k', 0x0e, 0x00}, 7, 7, NULL},
    /* nested struct: 0x1c { 0x15 02 } 00 */
    {"nested struct", {0x1c, 0x15, 0x02, 0x00, 0x00}, 5, 5, NULL},
    {"empty map", {0x1b, 0x00, 0x00}, 3, 3, NULL},
    {"no stop", {0x15, 0x04}, 2, -1, "truncated struct"},
    {"truncated varint", {0x15, 0x80}, 2, -1, "truncated varint"},
    {"varint of 11 bytes", {0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00}, 13, -1,
     "varint overflow"},
    {"string past the end", {0x18, 0x05, 'a', 0x00}, 4, -1, "string runs past"},
    {"list longer than its data", {0x19, 0xf5, 0xff, 0x01, 0x00}, 5, -1, "list longer"},
    /* a UUID (type 13): 16 bytes */
    {"uuid", {0x1d, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0x00}, 18, 18, NULL},
    {"uuid cut", {0x1d, 1, 2, 3}, 4, -1, "truncated value"},
    {"bad field type 14", {0x1e, 0x00}, 2, -1, "bad field type"},
    {"bad list element type", {0x19, 0x1f, 0x00, 0x00}, 4, -1, "bad list element"},
    {"map longer than its data", {0x1b, 0x7f, 0x55, 0x00}, 4, -1, "map longer"},
    {"double cut", {0x17, 1, 2, 3}, 4, -1, "truncated value"},
};

static void test_thrift(void)
{
    for (size_t i = 0; i < sizeof thrift_cases / sizeof *thrift_cases; i++) {
        const thrift_case *c = &thrift_cases[i];
        size_t used = 0;
        err[0] = '\0';
        int rc = parquet_thrift_skip_struct(c->b, c->n, &used, err, sizeof err);
        if (c->used >= 0) {
            if (rc != 0 || used != (size_t)c->used) fprintf(stderr, "case '%s': rc %d used %zu err %s\n", c->what, rc, used, err);
            CHECK(rc == 0 && used == (size_t)c->used);
        } else {
            if (rc != -1 || !strstr(err, c->err_part)) fprintf(stderr, "case '%s': rc %d err '%s'\n", c->what, rc, err);
            CHECK(rc == -1 && strstr(err, c->err_part) != NULL);
        }
    }
    /* 40 nested structs: 0x1c forty times, then forty stops */
    uint8_t deep[81];
    for (int i = 0; i < 40; i++) deep[i] = 0x1c;
    memset(deep + 40, 0, 41);
    size_t used;
    CHECK(parquet_thrift_skip_struct(deep, sizeof deep, &used, err, sizeof err) == -1);
    CHECK(strstr(err, "nested too deep") != NULL);
    /* ten nested structs are fine: 10 headers + 11 stops */
    CHECK(parquet_thrift_skip_struct(deep + 30, 21, &used, err, sizeof err) == 0 && used == 21);
}

/* ------------------------------------------------------------ RLE */

static void test_rle(void)
{
    uint32_t out[16];
    /* RLE run: header 3 << 1 = 6, value 5 in ceil(3/8) = 1 byte */
    const uint8_t rle[] = {0x06, 0x05};
    CHECK(parquet_rle_decode(rle, sizeof rle, 3, out, 3, err, sizeof err) == 0);
    CHECK(out[0] == 5 && out[1] == 5 && out[2] == 5);
    /* Encodings.md's example: 0..7 at bit width 3 packed LSB first is
     * 10001000 11000110 11111010; header (1 group << 1) | 1 = 3 */
    const uint8_t bp[] = {0x03, 0x88, 0xc6, 0xfa};
    CHECK(parquet_rle_decode(bp, sizeof bp, 3, out, 8, err, sizeof err) == 0);
    for (uint32_t i = 0; i < 8; i++) CHECK(out[i] == i);
    /* only the first 5 of the run wanted: ceil(5 * 3 / 8) = 2 bytes needed */
    CHECK(parquet_rle_decode(bp, 3, 3, out, 5, err, sizeof err) == 0 && out[4] == 4);
    /* an RLE run of 2 sevens, then the packed run: 10 values */
    const uint8_t mix[] = {0x04, 0x07, 0x03, 0x88, 0xc6, 0xfa};
    CHECK(parquet_rle_decode(mix, sizeof mix, 3, out, 10, err, sizeof err) == 0);
    CHECK(out[0] == 7 && out[1] == 7 && out[2] == 0 && out[9] == 7);
    /* a 32-bit RLE value: 4 little-endian bytes */
    const uint8_t wide[] = {0x02, 0x78, 0x56, 0x34, 0x12};
    CHECK(parquet_rle_decode(wide, sizeof wide, 32, out, 1, err, sizeof err) == 0 && out[0] == 0x12345678u);
    /* bit width 0: the run has no value bytes, every value is 0 */
    const uint8_t zero[] = {0x0a};
    out[3] = 99;
    CHECK(parquet_rle_decode(zero, sizeof zero, 0, out, 5, err, sizeof err) == 0 && out[3] == 0);
    /* errors */
    CHECK(parquet_rle_decode(bp, 3, 3, out, 8, err, sizeof err) == -1); /* needs 3 bytes, has 2 */
    CHECK(strstr(err, "bit-packed run past the end") != NULL);
    const uint8_t toowide[] = {0x02, 0x02}; /* value 2 at bit width 1 */
    CHECK(parquet_rle_decode(toowide, sizeof toowide, 1, out, 1, err, sizeof err) == -1);
    CHECK(parquet_rle_decode(rle, sizeof rle, 3, out, 4, err, sizeof err) == -1); /* 3 values, 4 wanted */
    CHECK(strstr(err, "truncated") != NULL);
    CHECK(parquet_rle_decode(rle, sizeof rle, 33, out, 1, err, sizeof err) == -1);
    const uint8_t empty[] = {0x00, 0x01};
    CHECK(parquet_rle_decode(empty, sizeof empty, 1, out, 1, err, sizeof err) == -1);
}

/* ------------------------------------------------------------ delta */

static void test_dbp(void)
{
    int64_t out[40];
    size_t used;
    /* 1 2 3 4 5: block 128 (80 01), 4 miniblocks, 5 values, first 1 (zigzag 2);
     * the block: min delta 1 (zigzag 2), widths 0 0 0 0, no data bytes */
    const uint8_t a[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
    CHECK(parquet_dbp_decode(a, sizeof a, out, 40, &used, err, sizeof err) == 5);
    CHECK(used == 10);
    for (int i = 0; i < 5; i++) CHECK(out[i] == i + 1);
    /* 7 5 3 1 2 3 4 5: deltas -2 -2 -2 1 1 1 1, min -2 (zigzag 3), relative
     * 0 0 0 3 3 3 3 at width 2 in a 32-value miniblock of 8 bytes:
     * byte 0 = 3 << 6 = c0, byte 1 = 3 | 3 << 2 | 3 << 4 = 3f, then zeros */
    const uint8_t b[] = {0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 2, 0, 0, 0, 0xc0, 0x3f, 0, 0, 0, 0, 0, 0};
    static const int64_t bv[] = {7, 5, 3, 1, 2, 3, 4, 5};
    CHECK(parquet_dbp_decode(b, sizeof b, out, 40, &used, err, sizeof err) == 8);
    CHECK(used == 18);
    for (int i = 0; i < 8; i++) CHECK(out[i] == bv[i]);
    /* one value, -3 (zigzag 5): the header only */
    const uint8_t c[] = {0x80, 0x01, 0x04, 0x01, 0x05};
    CHECK(parquet_dbp_decode(c, sizeof c, out, 40, &used, err, sizeof err) == 1 && out[0] == -3 && used == 5);
    /* 0 then 2^40 then 0: deltas +2^40, -2^40; min -2^40 (zigzag 2^41 - 1),
     * relative 2^41, 0: width 42, a miniblock of 32 * 42 / 8 = 168 bytes, the
     * value 2^41 is bit 41 of the first 42: byte 5, bit 1 */
    uint8_t d[200] = {0x80, 0x01, 0x04, 0x03, 0x00};
    size_t k = 5;
    uint64_t zz = (UINT64_C(1) << 41) - 1;
    while (zz >= 0x80) {
        d[k++] = (uint8_t)(zz | 0x80);
        zz >>= 7;
    }
    d[k++] = (uint8_t)zz;
    d[k++] = 42;
    d[k++] = 0;
    d[k++] = 0;
    d[k++] = 0;
    d[k + 5] = 0x02;
    k += 168;
    CHECK(parquet_dbp_decode(d, k, out, 40, &used, err, sizeof err) == 3);
    CHECK(out[0] == 0 && out[1] == (int64_t)1 << 40 && out[2] == 0 && used == k);
    /* errors: more values than room, a miniblock cut short, a block size
     * that is no multiple of 128 */
    CHECK(parquet_dbp_decode(b, sizeof b, out, 7, &used, err, sizeof err) == -1);
    CHECK(strstr(err, "announces 8 values") != NULL);
    CHECK(parquet_dbp_decode(b, sizeof b - 1, out, 40, &used, err, sizeof err) == -1);
    CHECK(strstr(err, "past the end") != NULL);
    const uint8_t e[] = {0x64, 0x04, 0x05, 0x02};
    CHECK(parquet_dbp_decode(e, sizeof e, out, 40, &used, err, sizeof err) == -1);
    CHECK(parquet_dbp_decode(a, 3, out, 40, &used, err, sizeof err) == -1);
}

/* ------------------------------------------------------------ files */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    dbuf d;
    dbuf_init(&d, 0);
    char tmp[65536];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) dbuf_append(&d, tmp, k);
    fclose(f);
    return dbuf_take(&d, len);
}

/* All rows as text; NULL (with err) on an error. */
static char *all_rows(parquet_file *pf)
{
    parquet_rows *r = parquet_rows_open(pf, 0, parquet_row_groups(pf));
    dbuf d;
    dbuf_init(&d, 0);
    /* one buffer for every read: a fresh 1 MiB one was an mmap and its page
     * faults under ASan for each of test_damage's ~3,900 damaged copies */
    static char buf[1 << 20];
    ssize_t k;
    while ((k = parquet_rows_read(r, buf, sizeof buf, err, sizeof err)) > 0) dbuf_append(&d, buf, (size_t)k);
    parquet_rows_close(r);
    if (k < 0) {
        dbuf_free(&d);
        return NULL;
    }
    dbuf_append(&d, "", 1);
    return dbuf_take(&d, NULL);
}

/* The text file's rows without the columns a run does not read
 * (tcp-flags, type: columns 17 and 18), which the reader leaves out. */
static char *expected_rows(const char *text)
{
    dbuf d;
    dbuf_init(&d, 0);
    const char *p = strchr(text, '\n') + 1; /* after the header */
    while (*p) {
        const char *e = strchr(p, '\n');
        int col = 0;
        bool first = true;
        for (const char *q = p; q < e;) {
            const char *sp = memchr(q, ' ', (size_t)(e - q));
            if (!sp) sp = e;
            if (col != 17 && col != 18) {
                if (!first) dbuf_append(&d, " ", 1);
                dbuf_append(&d, q, (size_t)(sp - q));
                first = false;
            }
            col++;
            q = sp < e ? sp + 1 : e;
        }
        dbuf_append(&d, "\n", 1);
        p = e + 1;
    }
    dbuf_append(&d, "", 1);
    return dbuf_take(&d, NULL);
}

static const char *const fixtures[] = {
    "flows_gzip_v1", "flows_gzip_v2", "flows_none_v1", "flows_none_v1_nodict",
    "flows_snappy_v1", "flows_snappy_v2_nodict", "flows_zstd_v1", "flows_zstd_v2",
};

static void test_fixtures(const char *src)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/parquet/flows.log", src);
    size_t tl;
    char *text = slurp(path, &tl);
    CHECK(text != NULL);
    if (!text) return;
    char *want = expected_rows(text);
    for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++) {
        snprintf(path, sizeof path, "%s/tests/parquet/%s.parquet", src, fixtures[i]);
        size_t len;
        char *data = slurp(path, &len);
        CHECK(data != NULL);
        if (!data) continue;
        parquet_file *pf = parquet_open_mem(data, len, err, sizeof err);
        if (!pf) fprintf(stderr, "%s: %s\n", fixtures[i], err);
        CHECK(pf != NULL);
        if (pf) {
            CHECK(parquet_num_rows(pf) == 300);
            /* 27 columns, tcp-flags and type not read; the default
             * layout's 14 come first */
            CHECK(parquet_format(pf)->ncols == 25);
            CHECK(parquet_format(pf)->v2_prefix);
            char *got = all_rows(pf);
            if (!got || strcmp(got, want)) fprintf(stderr, "%s: rows differ from the text file (%s)\n", fixtures[i], got ? "" : err);
            CHECK(got && strcmp(got, want) == 0);
            free(got);
            parquet_close(pf);
        }
        int fd = open(path, O_RDONLY);
        pf = parquet_open_fd(fd, err, sizeof err);
        CHECK(pf != NULL);
        if (pf) {
            char *got = all_rows(pf);
            CHECK(got && strcmp(got, want) == 0);
            free(got);
            parquet_close(pf);
        }
        close(fd);
        free(data);
    }
    free(want);
    free(text);
}

static void expect_open_error(const char *data, size_t len, const char *part)
{
    parquet_file *pf = parquet_open_mem(data, len, err, sizeof err);
    if (pf || !strstr(err, part)) fprintf(stderr, "expected an error with '%s', got '%s'\n", part, pf ? "(opened)" : err);
    CHECK(pf == NULL && strstr(err, part) != NULL);
    parquet_close(pf);
}

/* Read everything; must end in success or a clean error, never a crash. */
static int read_any(const char *data, size_t len)
{
    parquet_file *pf = parquet_open_mem(data, len, err, sizeof err);
    if (!pf) return -1;
    char *rows = all_rows(pf);
    parquet_close(pf);
    int rc = rows ? 0 : -1;
    free(rows);
    return rc;
}

static void test_damage(const char *src)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/parquet/flows_zstd_v2.parquet", src);
    size_t len;
    char *data = slurp(path, &len);
    CHECK(data != NULL && len > 1000);
    if (!data) return;
    char *m = xmalloc(len);

    expect_open_error(data, 8, "too short");
    expect_open_error(data, len - 1, "no PAR1 magic at the end");
    memcpy(m, data, len);
    memcpy(m + len - 4, "PARE", 4);
    expect_open_error(m, len, "encrypted");
    /* footer length = file size: does not fit */
    memcpy(m, data, len);
    m[len - 8] = (char)(len & 0xff);
    m[len - 7] = (char)(len >> 8 & 0xff);
    m[len - 6] = (char)(len >> 16 & 0xff);
    m[len - 5] = 0;
    expect_open_error(m, len, "does not fit");
    /* the footer's bytes replaced by 0xff: field headers of type 15 */
    memcpy(m, data, len);
    uint32_t flen = (uint32_t)(uint8_t)data[len - 8] | (uint32_t)(uint8_t)data[len - 7] << 8 |
                    (uint32_t)(uint8_t)data[len - 6] << 16;
    memset(m + len - 8 - flen, 0xff, flen);
    expect_open_error(m, len, "bad footer");
    CHECK(parquet_open_mem(m + 1, len - 1, err, sizeof err) == NULL); /* no PAR1 at the start */
    /* the column data zeroed: page headers are then empty structs */
    memcpy(m, data, len);
    memset(m + 4, 0, len - 8 - flen - 4);
    CHECK(read_any(m, len) == -1);
    CHECK(strncmp(err, "column ", 7) == 0);

    /* bytes flipped in turn (every one of the footer, every 11th of the
     * pages, to keep the test short under ASan): no crash (ASan would say),
     * and either the rows or an error */
    int ok = 0, bad = 0, tried = 0;
    for (size_t i = 0; i < len; i += i >= len - 8 - flen ? 1 : 11) {
        tried++;
        memcpy(m, data, len);
        m[i] = (char)(m[i] ^ 0x5a);
        if (read_any(m, len) == 0) ok++;
        else bad++;
    }
    CHECK(ok + bad == tried);
    CHECK(bad > 0);
    free(m);
    free(data);
}

/* GZIP pages: ISA-L (the default) and zlib (FLOWCOST_GZIP=zlib, what the
 * reader used before) give the same rows or the same one-line error for the
 * same damaged file; a page whose gzip header is broken names the codec. */
static void test_gzip_pages(const char *src)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/parquet/flows_gzip_v1.parquet", src);
    size_t len;
    char *data = slurp(path, &len);
    CHECK(data != NULL && len > 1000);
    if (!data) return;
    char *m = xmalloc(len);
    /* the first page's member: 1f 8b 08 after the leading PAR1 */
    const char *g = NULL;
    for (size_t i = 4; !g && i + 3 <= len; i++)
        if (memcmp(data + i, "\x1f\x8b\x08", 3) == 0) g = data + i;
    CHECK(g != NULL);
    if (g) {
        memcpy(m, data, len);
        m[g - data + 2] = 7; /* CM 7: not deflate */
        CHECK(read_any(m, len) == -1);
        if (!strstr(err, "corrupt gzip page")) fprintf(stderr, "gzip page: %s\n", err);
        CHECK(strstr(err, "corrupt gzip page") != NULL);
    }
    int differ = 0, bad = 0;
    for (size_t i = 4; i < len; i += 23) {
        memcpy(m, data, len);
        m[i] = (char)(m[i] ^ 0x5a);
        char *rows[2], errs[2][FC_ERRLEN];
        for (int k = 0; k < 2; k++) {
            setenv("FLOWCOST_GZIP", k ? "zlib" : "isal", 1);
            parquet_file *pf = parquet_open_mem(m, len, err, sizeof err);
            rows[k] = pf ? all_rows(pf) : NULL;
            snprintf(errs[k], sizeof errs[k], "%s", rows[k] ? "" : err);
            parquet_close(pf);
        }
        bad += rows[0] == NULL;
        if ((rows[0] == NULL) != (rows[1] == NULL) || (rows[0] && strcmp(rows[0], rows[1])) || strcmp(errs[0], errs[1])) {
            if (!differ++) fprintf(stderr, "byte %zu: isal '%s', zlib '%s'\n", i, errs[0], errs[1]);
        }
        free(rows[0]);
        free(rows[1]);
    }
    unsetenv("FLOWCOST_GZIP");
    CHECK(differ == 0);
    CHECK(bad > 0);
    free(m);
    free(data);
}

/* ------------------------------------------------ records against text */

static bool view_eq(fl_view a, fl_view b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* What ingest reads of a record (not src_text/dst_text, the fast
 * parser's private shortcut). */
static bool rec_eq(const fl_rec *a, const fl_rec *b)
{
    return a->has == b->has && memcmp(&a->src, &b->src, sizeof a->src) == 0 &&
           memcmp(&a->dst, &b->dst, sizeof a->dst) == 0 && memcmp(&a->pkt_src, &b->pkt_src, sizeof a->pkt_src) == 0 &&
           memcmp(&a->pkt_dst, &b->pkt_dst, sizeof a->pkt_dst) == 0 && a->packets == b->packets &&
           a->bytes == b->bytes && a->start == b->start && a->end == b->end && a->srcport == b->srcport &&
           a->dstport == b->dstport && a->protocol == b->protocol && a->action == b->action &&
           a->status == b->status && a->direction == b->direction && a->traffic_path == b->traffic_path &&
           view_eq(a->eni, b->eni) && view_eq(a->account, b->account) && view_eq(a->vpc, b->vpc) &&
           view_eq(a->subnet, b->subnet) && view_eq(a->instance, b->instance) && view_eq(a->az_id, b->az_id) &&
           view_eq(a->region, b->region) && view_eq(a->src_svc, b->src_svc) && view_eq(a->dst_svc, b->dst_svc);
}

typedef struct recs_case {
    const char *file;
    int rows;
    const char *bad;       /* the rows flagged for the text path, "r,r," */
} recs_case;

/* bad_values: srcport 70000 (row 1), protocol -1 (row 2). edge_values
 * (make_fixtures.mjs): "OK\r" last (0), "1234 56789012" (1), an id with a
 * newline (2), "10.0.0.1 " (5); not row 3 (empty account, '-' srcaddr:
 * absent) nor 4 (IPv6, start in ms) nor 6 (NODATA). */
static const recs_case recs_cases[] = {
    {"flows_gzip_v1", 300, ""},        {"flows_gzip_v2", 300, ""},  {"flows_none_v1", 300, ""},
    {"flows_none_v1_nodict", 300, ""}, {"flows_snappy_v1", 300, ""}, {"flows_snappy_v2_nodict", 300, ""},
    {"flows_zstd_v1", 300, ""},        {"flows_zstd_v2", 300, ""},  {"flows_rg_zstd", -1, ""},
    {"bad_values", 3, "1,2,"},         {"edge_values", 7, "0,1,2,5,"},
};

/* Every row as a record (batches of 5, so that batches and row groups
 * do not line up) and as its text line: a record the reader did not
 * flag is exactly what flowlog_parse_line makes of that line. */
static void test_records(const char *src)
{
    char *line = xmalloc(1 << 20);
    for (size_t c = 0; c < sizeof recs_cases / sizeof *recs_cases; c++) {
        const recs_case *t = &recs_cases[c];
        char path[4096];
        snprintf(path, sizeof path, "%s/tests/parquet/%s.parquet", src, t->file);
        size_t len;
        char *data = slurp(path, &len);
        CHECK(data != NULL);
        if (!data) continue;
        parquet_file *pf = parquet_open_mem(data, len, err, sizeof err);
        CHECK(pf != NULL);
        if (!pf) {
            free(data);
            continue;
        }
        parquet_rows *r = parquet_rows_open(pf, 0, parquet_row_groups(pf));
        fl_rec recs[5];
        uint8_t bad[5];
        uint32_t ll[5];
        ssize_t k;
        int row = 0, mismatches = 0;
        char flagged[256] = "";
        while ((k = parquet_recs_read(r, recs, bad, ll, 5, 1 << 20, err, sizeof err)) > 0) {
            for (ssize_t i = 0; i < k; i++, row++) {
                size_t n = parquet_row_text(r, (size_t)i, line);
                CHECK(n == ll[i] && line[n - 1] == '\n');
                if (bad[i]) {
                    size_t fl = strlen(flagged);
                    snprintf(flagged + fl, sizeof flagged - fl, "%d,", row);
                    continue;
                }
                fl_rec want;
                char why[192];
                int rc = flowlog_parse_line(parquet_format(pf), line, n - 1, &want, why, sizeof why);
                if (rc != 0 || !rec_eq(&recs[i], &want)) {
                    if (!mismatches++) fprintf(stderr, "%s: row %d differs from its text: %.*s", t->file, row, (int)n, line);
                }
            }
        }
        CHECK(k == 0);
        CHECK(mismatches == 0);
        if (t->rows >= 0) CHECK(row == t->rows);
        if (strcmp(flagged, t->bad)) fprintf(stderr, "%s: rows %s flagged, expected %s\n", t->file, flagged, t->bad);
        CHECK(strcmp(flagged, t->bad) == 0);
        parquet_rows_close(r);
        parquet_close(pf);
        free(data);
    }
    /* edge_values row by row, worked out from the values themselves */
    snprintf(line, 4096, "%s/tests/parquet/edge_values.parquet", src);
    size_t len;
    char *data = slurp(line, &len);
    parquet_file *pf = data ? parquet_open_mem(data, len, err, sizeof err) : NULL;
    CHECK(pf != NULL);
    if (pf) {
        parquet_rows *r = parquet_rows_open(pf, 0, 1);
        fl_rec recs[8];
        uint8_t bad[8];
        uint32_t ll[8];
        CHECK(parquet_recs_read(r, recs, bad, ll, 8, 1 << 20, err, sizeof err) == 7);
        /* row 3: account '' and srcaddr '-' absent; REJECT keeps the port */
        CHECK(recs[3].account.n == 0 && !(recs[3].has & FLR_SRC) && (recs[3].has & FLR_DST));
        CHECK(recs[3].action == FL_REJECT && recs[3].dstport == 5000 && recs[3].bytes == 840);
        /* its line: "2 - eni-0a1b2c3d - 10.0.0.2 443 5000 6 10 840
         * 1700000000 1700000060 REJECT OK\n" = 1+1+12+1+8+3+4+1+2+3+10+10+6+2 = 64 bytes
         * of values and 14 separators */
        CHECK(ll[3] == 64 + 14);
        /* row 4: IPv6 2001:db8::1 (bytes 20 01 0d b8 .. 01), start 1700000000123 ms -> 1700000000 s */
        CHECK(recs[4].src.b[0] == 0x20 && recs[4].src.b[1] == 0x01 && recs[4].src.b[2] == 0x0d &&
              recs[4].src.b[3] == 0xb8 && recs[4].src.b[15] == 1);
        CHECK(recs[4].start == 1700000000 && recs[4].end == 1700000060);
        /* row 6: NODATA, protocol 17 */
        CHECK(recs[6].status == FL_NODATA && recs[6].protocol == 17 && !bad[6]);
        parquet_recs_unread(r, 2); /* rows 2.. again, as text */
        char *buf = xmalloc(1 << 20);
        ssize_t k = parquet_rows_read(r, buf, 1 << 20, err, sizeof err);
        /* row 2 is "... eni-0a1b\neni-2c3d ..." : two lines, then four more */
        int lines = 0;
        for (ssize_t i = 0; i < k; i++) lines += buf[i] == '\n';
        CHECK(lines == 6);
        CHECK(k > 0 && strncmp(buf, "2 123456789012 eni-0a1b\neni-2c3d 10.0.0.1", 41) == 0);
        free(buf);
        parquet_rows_close(r);
        parquet_close(pf);
    }
    free(data);
    free(line);
}

/* ------------------------------------------------ a chunk that leaves its dictionary */

/* dict_then_plain (make_dict_then_plain.py): dictionary ["eni-a", "eni-b"],
 * an indexed page (1, 0), then a PLAIN page ("eni-c", "eni-a"): rows
 * eni-b, eni-a, eni-c, eni-a, as records and as text, whether the first
 * batch is read before the PLAIN page or not (one row group). */
static void test_dict_then_plain(const char *src)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/parquet/dict_then_plain.parquet", src);
    size_t len;
    char *data = slurp(path, &len);
    CHECK(data != NULL);
    parquet_file *pf = data ? parquet_open_mem(data, len, err, sizeof err) : NULL;
    if (data && !pf) fprintf(stderr, "dict_then_plain: %s\n", err);
    CHECK(pf != NULL);
    if (pf) {
        static const char *const want[] = {"eni-b", "eni-a", "eni-c", "eni-a"};
        parquet_rows *r = parquet_rows_open(pf, 0, 1);
        fl_rec recs[8];
        uint8_t bad[8];
        uint32_t ll[8];
        CHECK(parquet_recs_read(r, recs, bad, ll, 8, 1 << 20, err, sizeof err) == 4);
        for (int i = 0; i < 4; i++) {
            char line[64];
            size_t n = parquet_row_text(r, (size_t)i, line);
            CHECK(ll[i] == 6 && n == 6); /* "eni-x" and its newline */
            CHECK(!bad[i] && n == 6 && memcmp(line, want[i], 5) == 0 && line[5] == '\n');
            CHECK(recs[i].eni.n == 5 && memcmp(recs[i].eni.p, want[i], 5) == 0);
        }
        parquet_recs_unread(r, 0);
        char buf[256];
        ssize_t k = parquet_rows_read(r, buf, sizeof buf, err, sizeof err);
        CHECK(k == 24 && memcmp(buf, "eni-b\neni-a\neni-c\neni-a\n", 24) == 0);
        parquet_rows_close(r);
        parquet_close(pf);
    }
    free(data);
}

int main(void)
{
    const char *src = getenv("FC_SRC");
    if (!src) src = "..";
    test_thrift();
    test_rle();
    test_dbp();
    test_fixtures(src);
    test_damage(src);
    test_gzip_pages(src);
    test_records(src);
    test_dict_then_plain(src);
    return check_done();
}
