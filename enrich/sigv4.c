/* sigv4: every EC2 and S3 request must carry a Signature Version 4, and a
 * signing mistake comes back from AWS as the same opaque
 * SignatureDoesNotMatch whatever the cause. So the signer is split the way
 * AWS documents it (and curl's lib/http_aws_sigv4.c does): canonical
 * request, string to sign, signature — each step a pure function of its
 * inputs, the clock included, each checked against AWS's test suite. This
 * is the only file that includes OpenSSL. */
#include "sigv4.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>

#define SIGV4_MAX_HEADERS 64

static const char hexdig[] = "0123456789abcdef";

static void hex(const unsigned char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdig[p[i] >> 4];
        out[2 * i + 1] = hexdig[p[i] & 15];
    }
    out[2 * n] = '\0';
}

void sigv4_sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(p ? p : "", n, md);
    hex(md, sizeof md, out);
}

static void hmac(const void *key, size_t klen, const char *msg, unsigned char out[32])
{
    unsigned int len = 32;
    HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &len);
}

void sigv4_amz_date(int64_t now, char out[17])
{
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static bool unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

void sigv4_uri_encode(dbuf *out, const char *s, size_t n, bool keep_slash)
{
    static const char up[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c) || (keep_slash && c == '/')) {
            dbuf_append(out, &s[i], 1);
        } else {
            char e[3] = {'%', up[c >> 4], up[c & 15]};
            dbuf_append(out, e, 3);
        }
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* %XX → byte; anything else (a lone '%' included) is kept as it is. */
static void uri_decode(dbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] == '%' && i + 2 < n && (h = hexval(s[i + 1])) >= 0 &&
            (l = hexval(s[i + 2])) >= 0) {
            char c = (char)(h << 4 | l);
            dbuf_append(out, &c, 1);
            i += 2;
        } else {
            dbuf_append(out, &s[i], 1);
        }
    }
}

static void reencode(dbuf *out, const char *s, size_t n, bool keep_slash)
{
    dbuf tmp;
    dbuf_init(&tmp, 0);
    uri_decode(&tmp, s, n);
    sigv4_uri_encode(out, tmp.data ? tmp.data : "", tmp.len, keep_slash);
    dbuf_free(&tmp);
}

/* RFC 3986 remove_dot_segments plus collapsing of empty segments, as AWS
 * normalises paths for every service but S3. */
static void canonical_path(dbuf *out, const char *path, bool s3)
{
    if (!path || !*path) path = "/";
    if (s3) {
        /* A canonical URI is absolute even if the caller forgot the '/'. */
        if (path[0] != '/') dbuf_puts(out, "/");
        reencode(out, path, strlen(path), true);
        return;
    }
    size_t n = strlen(path);
    const char **seg = xcalloc(n + 1, sizeof *seg);
    size_t *len = xcalloc(n + 1, sizeof *len);
    size_t ns = 0;
    bool trailing = false;
    for (const char *p = path; *p;) {
        while (*p == '/') p++;
        const char *e = p;
        while (*e && *e != '/') e++;
        size_t l = (size_t)(e - p);
        trailing = *e == '/' || (l == 1 && *p == '.') || (l == 2 && p[0] == '.' && p[1] == '.');
        if (l == 0) {
            trailing = trailing || p > path;
        } else if (l == 1 && *p == '.') {
        } else if (l == 2 && p[0] == '.' && p[1] == '.') {
            if (ns) ns--;
        } else {
            seg[ns] = p;
            len[ns++] = l;
        }
        p = e;
    }
    dbuf_puts(out, "/");
    for (size_t i = 0; i < ns; i++) {
        if (i) dbuf_puts(out, "/");
        sigv4_uri_encode(out, seg[i], len[i], false);
    }
    if (ns && trailing) dbuf_puts(out, "/");
    free(seg);
    free(len);
}

typedef struct qpair {
    char *name, *value;
} qpair;

static int cmp_qpair(const void *a, const void *b)
{
    const qpair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

static void canonical_query(dbuf *out, const char *q)
{
    if (!q || !*q) return;
    size_t cap = 1;
    for (const char *p = q; *p; p++) cap += *p == '&';
    qpair *pairs = xcalloc(cap, sizeof *pairs);
    size_t n = 0;
    for (const char *p = q; *p;) {
        const char *e = strchr(p, '&');
        if (!e) e = p + strlen(p);
        if (e > p) {
            const char *eq = memchr(p, '=', (size_t)(e - p));
            const char *ne = eq ? eq : e;
            dbuf k, v;
            dbuf_init(&k, 0);
            dbuf_init(&v, 0);
            reencode(&k, p, (size_t)(ne - p), false);
            if (eq) reencode(&v, eq + 1, (size_t)(e - eq - 1), false);
            pairs[n].name = k.data ? dbuf_take(&k, NULL) : xstrdup("");
            pairs[n].value = v.data ? dbuf_take(&v, NULL) : xstrdup("");
            n++;
        }
        p = *e ? e + 1 : e;
    }
    qsort(pairs, n, sizeof *pairs, cmp_qpair);
    for (size_t i = 0; i < n; i++) {
        dbuf_printf(out, "%s%s=%s", i ? "&" : "", pairs[i].name, pairs[i].value);
        free(pairs[i].name);
        free(pairs[i].value);
    }
    free(pairs);
}

typedef struct hdr {
    char *name;
    const char *value;
    size_t order;
} hdr;

FC_COMPARATOR(cmp_hdr, hdr, FC_KEY(strcmp(a->name, b->name)) FC_ASC(order))

/* Trimall: each line of a folded value trimmed, runs of spaces made one,
 * continuation lines joined with ',' (the suite's get-header-value-multiline). */
static void canonical_value(dbuf *out, const char *v)
{
    bool first_line = true;
    while (v) {
        const char *nl = strchr(v, '\n');
        const char *e = nl ? nl : v + strlen(v);
        while (v < e && (*v == ' ' || *v == '\t' || *v == '\r')) v++;
        const char *t = e;
        while (t > v && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r')) t--;
        if (!first_line && t > v) dbuf_puts(out, ",");
        bool space = false;
        for (const char *p = v; p < t; p++) {
            if (*p == ' ' || *p == '\t') {
                space = true;
                continue;
            }
            if (space) dbuf_puts(out, " ");
            space = false;
            dbuf_append(out, p, 1);
        }
        first_line = false;
        v = nl ? nl + 1 : NULL;
    }
}

int sigv4_canonical_request(const sigv4_request *r, dbuf *out, dbuf *signed_headers,
                            char *err, size_t errlen)
{
    if (r->n_headers > SIGV4_MAX_HEADERS) return fc_err(err, errlen, "too many headers to sign");
    hdr h[SIGV4_MAX_HEADERS];
    for (size_t i = 0; i < r->n_headers; i++) {
        if (!r->headers[i].name || !*r->headers[i].name) {
            for (size_t k = 0; k < i; k++) free(h[k].name);
            return fc_err(err, errlen, "header without a name cannot be signed");
        }
        h[i].name = xstrdup(r->headers[i].name);
        for (char *p = h[i].name; *p; p++) *p = (char)tolower((unsigned char)*p);
        h[i].value = r->headers[i].value ? r->headers[i].value : "";
        h[i].order = i;
    }
    qsort(h, r->n_headers, sizeof *h, cmp_hdr);

    dbuf_printf(out, "%s\n", r->method);
    canonical_path(out, r->path, r->s3);
    dbuf_puts(out, "\n");
    canonical_query(out, r->query);
    dbuf_puts(out, "\n");
    size_t start_sh = signed_headers->len;
    for (size_t i = 0; i < r->n_headers; i++) {
        bool same = i > 0 && strcmp(h[i].name, h[i - 1].name) == 0;
        if (same) {
            dbuf_puts(out, ",");
        } else {
            if (i) dbuf_puts(out, "\n");
            dbuf_printf(out, "%s:", h[i].name);
            dbuf_printf(signed_headers, "%s%s", signed_headers->len > start_sh ? ";" : "", h[i].name);
        }
        canonical_value(out, h[i].value);
    }
    if (r->n_headers) dbuf_puts(out, "\n");
    dbuf_printf(out, "\n%s\n", signed_headers->len > start_sh ? signed_headers->data + start_sh : "");
    if (r->payload_hash) {
        dbuf_puts(out, r->payload_hash);
    } else {
        char ph[65];
        sigv4_sha256_hex(r->body, r->body ? r->body_len : 0, ph);
        dbuf_puts(out, ph);
    }
    for (size_t i = 0; i < r->n_headers; i++) free(h[i].name);
    return 0;
}

void sigv4_string_to_sign(const char *amz_date, const char *region, const char *service,
                          const char *canonical_request, dbuf *out)
{
    char h[65];
    sigv4_sha256_hex(canonical_request, strlen(canonical_request), h);
    dbuf_printf(out, "AWS4-HMAC-SHA256\n%s\n%.8s/%s/%s/aws4_request\n%s", amz_date, amz_date, region,
                service, h);
}

void sigv4_signature(const char *secret_key, const char *amz_date, const char *region,
                     const char *service, const char *string_to_sign, char out[65])
{
    /* kSecret is "AWS4" + secret; it is wiped as soon as kDate exists. */
    size_t sl = strlen(secret_key);
    char *k = xmalloc(sl + 5);
    memcpy(k, "AWS4", 4);
    memcpy(k + 4, secret_key, sl + 1);
    char date[9];
    snprintf(date, sizeof date, "%.8s", amz_date);
    unsigned char kd[32], kr[32], ks[32], ksig[32], sig[32];
    hmac(k, sl + 4, date, kd);
    OPENSSL_cleanse(k, sl + 5);
    free(k);
    hmac(kd, 32, region, kr);
    hmac(kr, 32, service, ks);
    hmac(ks, 32, "aws4_request", ksig);
    hmac(ksig, 32, string_to_sign, sig);
    hex(sig, 32, out);
    OPENSSL_cleanse(kd, 32);
    OPENSSL_cleanse(kr, 32);
    OPENSSL_cleanse(ks, 32);
    OPENSSL_cleanse(ksig, 32);
}

int sigv4_authorization(const sigv4_request *r, const sigv4_key *k, int64_t now,
                        dbuf *authorization, char *err, size_t errlen)
{
    dbuf creq, sh, sts;
    dbuf_init(&creq, 0);
    dbuf_init(&sh, 0);
    dbuf_init(&sts, 0);
    if (sigv4_canonical_request(r, &creq, &sh, err, errlen) < 0) {
        dbuf_free(&creq);
        dbuf_free(&sh);
        return -1;
    }
    char date[17], sig[65];
    sigv4_amz_date(now, date);
    sigv4_string_to_sign(date, k->region, k->service, creq.data, &sts);
    sigv4_signature(k->secret_key, date, k->region, k->service, sts.data, sig);
    dbuf_printf(authorization,
                "AWS4-HMAC-SHA256 Credential=%s/%.8s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
                k->access_key, date, k->region, k->service, sh.data ? sh.data : "", sig);
    dbuf_free(&creq);
    dbuf_free(&sh);
    dbuf_free(&sts);
    return 0;
}

const char *sigv4_lib_version(void)
{
    /* OpenSSL_version(OPENSSL_VERSION) is "OpenSSL 3.0.x <date>": keep
     * name/number to match the other libraries' "name/version" form. */
    static char buf[64];
    if (!buf[0]) {
        const char *v = OpenSSL_version(OPENSSL_VERSION);
        const char *sp = strchr(v, ' ');
        size_t nlen = sp ? (size_t)(sp - v) : strlen(v);
        const char *num = sp ? sp + 1 : "";
        size_t vlen = strcspn(num, " ");
        snprintf(buf, sizeof buf, "%.*s/%.*s", (int)nlen, v, (int)vlen, num);
    }
    return buf;
}

void sigv4_lib_info(fc_lib_info *out)
{
    /* "OpenSSL 3.0.19 27 Jan 2026" -> "3.0.19" */
    const char *v = OpenSSL_version(OPENSSL_VERSION);
    const char *sp = strchr(v, ' ');
    const char *num = sp ? sp + 1 : v;
    out->name = "openssl";
    snprintf(out->version, sizeof out->version, "%.*s", (int)strcspn(num, " "), num);
#define FC_STR2(x) #x
#define FC_STR(x) FC_STR2(x)
    out->built_with = FC_STR(OPENSSL_VERSION_MAJOR) "." FC_STR(OPENSSL_VERSION_MINOR) "." FC_STR(OPENSSL_VERSION_PATCH);
    out->symbol = (const void *)OpenSSL_version;
}
