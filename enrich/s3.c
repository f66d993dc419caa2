/* s3: reads flow logs straight from the delivery bucket, so the weekly job
 * needs no `aws s3 sync` and no scratch disk. Listing is planned from the
 * delivery layout so that a one-week window lists a week of day prefixes,
 * not years of keys; objects stream through a bounded buffer into their own
 * ingest_stream(), several at once, and are merged in key order.
 *
 * libcurl is used directly here (not through http.h) because http_do()
 * buffers whole bodies and GetObject must stream; the retry policy is the
 * same (5xx, SlowDown, transport errors, exponential backoff with jitter).
 * The XML of ListObjectsV2 is read by a small hand parser of the five
 * elements we need, keeping libxml2 inside ec2.c. */
#include "s3.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "sigv4.h"
#include "util.h"

#define S3_MAX_ATTEMPTS 5
#define S3_BUF_HIGH (1u << 20)       /* pause a transfer above 1 MiB unread */
#define S3_LIST_CAP (64u << 20)      /* a listing page is ~ 1000 keys */
#define S3_ERRBODY_CAP (64u << 10)
#define S3_MAX_WORKERS 8
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

bool s3_is_url(const char *s)
{
    return s && strncmp(s, "s3://", 5) == 0;
}

int s3_parse_url(const char *url, char **bucket, char **prefix, char *err, size_t errlen)
{
    if (!s3_is_url(url)) return fc_err(err, errlen, "'%s' is not an s3:// URL", url ? url : "");
    const char *b = url + 5, *slash = strchr(b, '/');
    size_t blen = slash ? (size_t)(slash - b) : strlen(b);
    if (blen < 3 || blen > 63)
        return fc_err(err, errlen, "'%s': bucket name must be 3 to 63 characters", url);
    for (size_t i = 0; i < blen; i++) {
        char ch = b[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
            return fc_err(err, errlen, "'%s': invalid bucket name (lower-case letters, digits, '-' and '.')", url);
    }
    *bucket = xstrndup(b, blen);
    *prefix = xstrdup(slash ? slash + 1 : "");
    return 0;
}

/* ---------- ListBucketResult parsing ---------- */

/* Decode XML text (the five entities and &#N; / &#xN;) into a new string. */
static char *xml_text(const char *s, size_t n)
{
    dbuf b;
    dbuf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '&') {
            dbuf_append(&b, s + i, 1);
            continue;
        }
        const char *semi = memchr(s + i, ';', n - i);
        size_t elen = semi ? (size_t)(semi - (s + i)) + 1 : 0;
        static const struct { const char *ent; char ch; } ents[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        bool done = false;
        for (size_t k = 0; k < 5 && !done; k++)
            if (elen == strlen(ents[k].ent) && memcmp(s + i, ents[k].ent, elen) == 0) {
                dbuf_append(&b, &ents[k].ch, 1);
                done = true;
            }
        if (!done && elen > 3 && s[i + 1] == '#') {
            char num[16];
            size_t nl = elen - 3 < sizeof num ? elen - 3 : sizeof num - 1;
            memcpy(num, s + i + 2, nl);
            num[nl] = '\0';
            char *end;
            unsigned long cp = num[0] == 'x' ? strtoul(num + 1, &end, 16) : strtoul(num, &end, 10);
            if (*end == '\0' && cp > 0 && cp <= 0x10FFFF) {
                unsigned char u[4];
                size_t ul;
                if (cp < 0x80) u[0] = (unsigned char)cp, ul = 1;
                else if (cp < 0x800) u[0] = (unsigned char)(0xC0 | cp >> 6), u[1] = (unsigned char)(0x80 | (cp & 63)), ul = 2;
                else if (cp < 0x10000) u[0] = (unsigned char)(0xE0 | cp >> 12), u[1] = (unsigned char)(0x80 | (cp >> 6 & 63)), u[2] = (unsigned char)(0x80 | (cp & 63)), ul = 3;
                else u[0] = (unsigned char)(0xF0 | cp >> 18), u[1] = (unsigned char)(0x80 | (cp >> 12 & 63)), u[2] = (unsigned char)(0x80 | (cp >> 6 & 63)), u[3] = (unsigned char)(0x80 | (cp & 63)), ul = 4;
                dbuf_append(&b, u, ul);
                done = true;
            }
        }
        if (done) i += elen - 1;
        else dbuf_append(&b, "&", 1);
    }
    return dbuf_take(&b, NULL);
}

/* The text of the first <name>...</name> in [s, e), or NULL. Element names
 * we look for never occur as prefixes of others inside their parents
 * (<Key> vs <KeyCount> is handled by requiring '>' right after the name). */
static const char *find_elem(const char *s, const char *e, const char *name, size_t *len,
                             const char **after)
{
    size_t nl = strlen(name);
    for (const char *p = s; p < e; p++) {
        p = memchr(p, '<', (size_t)(e - p));
        if (!p || (size_t)(e - p) < nl + 2) return NULL;
        char c = p[nl + 1];
        if (memcmp(p + 1, name, nl) != 0 || !(c == '>' || c == '/' || c == ' ' || c == '\t' ||
                                               c == '\r' || c == '\n'))
            continue;
        const char *gt = memchr(p + nl + 1, '>', (size_t)(e - (p + nl + 1)));
        if (!gt) return NULL;
        if (gt[-1] == '/') { /* <Name/> or <Name attr="x"/>: empty */
            *len = 0;
            if (after) *after = gt + 1;
            return gt + 1;
        }
        const char *v = gt + 1;
        for (const char *q = v; q < e; q++) {
            q = memchr(q, '<', (size_t)(e - q));
            if (!q || (size_t)(e - q) < nl + 3) return NULL;
            if (q[1] == '/' && memcmp(q + 2, name, nl) == 0 && q[nl + 2] == '>') {
                *len = (size_t)(q - v);
                if (after) *after = q + nl + 3;
                return v;
            }
        }
        return NULL;
    }
    return NULL;
}

int s3_parse_list(const char *xml, size_t len, s3_list_page *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *e = xml + len;
    size_t vl;
    const char *root = find_elem(xml, e, "ListBucketResult", &vl, NULL);
    if (!root) return fc_err(err, errlen, "the response is not a ListBucketResult");
    const char *re = root + vl;
    size_t cap_o = 0, cap_p = 0;
    const char *p = root, *after;
    const char *blk;
    while ((blk = find_elem(p, re, "Contents", &vl, &after))) {
        const char *be = blk + vl;
        size_t kl, sl;
        const char *k = find_elem(blk, be, "Key", &kl, NULL);
        const char *sz = find_elem(blk, be, "Size", &sl, NULL);
        if (!k) {
            s3_list_page_free(out);
            return fc_err(err, errlen, "ListBucketResult: a Contents element without a Key");
        }
        if (out->n_objs == cap_o) {
            cap_o = cap_o ? cap_o * 2 : 64;
            out->objs = xrealloc(out->objs, cap_o * sizeof *out->objs);
        }
        s3_object *o = &out->objs[out->n_objs++];
        o->key = xml_text(k, kl);
        o->size = 0;
        if (sz) {
            char num[24];
            size_t nl = sl < sizeof num - 1 ? sl : sizeof num - 1;
            memcpy(num, sz, nl);
            num[nl] = '\0';
            o->size = strtoull(num, NULL, 10);
        }
        p = after;
    }
    p = root;
    while ((blk = find_elem(p, re, "CommonPrefixes", &vl, &after))) {
        size_t pl;
        const char *pv = find_elem(blk, blk + vl, "Prefix", &pl, NULL);
        if (pv) {
            if (out->n_prefixes == cap_p) {
                cap_p = cap_p ? cap_p * 2 : 16;
                out->prefixes = xrealloc(out->prefixes, cap_p * sizeof *out->prefixes);
            }
            out->prefixes[out->n_prefixes++] = xml_text(pv, pl);
        }
        p = after;
    }
    /* IsTruncated / NextContinuationToken are direct children; Contents
     * never holds elements of those names, so a search of the root is safe. */
    const char *t = find_elem(root, re, "IsTruncated", &vl, NULL);
    out->truncated = t && vl == 4 && memcmp(t, "true", 4) == 0;
    const char *nt = find_elem(root, re, "NextContinuationToken", &vl, NULL);
    if (nt && vl) out->next_token = xml_text(nt, vl);
    if (out->truncated && !out->next_token) {
        s3_list_page_free(out);
        return fc_err(err, errlen, "ListBucketResult: truncated without a NextContinuationToken");
    }
    return 0;
}

void s3_list_page_free(s3_list_page *p)
{
    for (size_t i = 0; i < p->n_objs; i++) free(p->objs[i].key);
    for (size_t i = 0; i < p->n_prefixes; i++) free(p->prefixes[i]);
    free(p->objs);
    free(p->prefixes);
    free(p->next_token);
    memset(p, 0, sizeof *p);
}

static void copy_elem(const char *s, const char *e, const char *name, char *buf, size_t n)
{
    size_t vl;
    const char *v = find_elem(s, e, name, &vl, NULL);
    if (!n) return;
    buf[0] = '\0';
    if (!v) return;
    char *t = xml_text(v, vl);
    /* One line: AWS messages never need a newline, and ours must not have one. */
    for (char *q = t; *q; q++)
        if (*q == '\n' || *q == '\r') *q = ' ';
    snprintf(buf, n, "%s", t);
    free(t);
}

void s3_parse_error(const char *xml, size_t len, char *code, size_t code_n, char *msg,
                    size_t msg_n, char *reqid, size_t reqid_n)
{
    const char *e = xml + len;
    copy_elem(xml, e, "Code", code, code_n);
    copy_elem(xml, e, "Message", msg, msg_n);
    copy_elem(xml, e, "RequestId", reqid, reqid_n);
}

/* ---------- layout planning ---------- */

static bool seg_is(const char *s, size_t n, const char *plain, const char *hive)
{
    return (n == strlen(plain) && memcmp(s, plain, n) == 0) ||
           (n == strlen(hive) && memcmp(s, hive, n) == 0);
}

s3_level s3_classify_prefix(const char *prefix)
{
    size_t len = strlen(prefix);
    if (len && prefix[len - 1] != '/') return S3_LVL_FULL;
    /* Segments after the last "AWSLogs". */
    const char *segs[8];
    size_t lens[8], n = 0;
    bool found = false;
    const char *p = prefix;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t sl = (size_t)(slash - p);
        if (sl == 7 && memcmp(p, "AWSLogs", 7) == 0) {
            found = true;
            n = 0;
        } else if (found) {
            if (n == 8) return S3_LVL_FULL;
            segs[n] = p;
            lens[n++] = sl;
        }
        p = slash + 1;
    }
    if (!found) return S3_LVL_OTHER;
    if (n == 0) return S3_LVL_ACCOUNTS;
    if (n == 1) return S3_LVL_SERVICES;
    if (!seg_is(segs[1], lens[1], "vpcflowlogs", "aws-service=vpcflowlogs")) return S3_LVL_FULL;
    if (n == 2) return S3_LVL_REGIONS;
    if (n == 3) return S3_LVL_DAYS;
    return S3_LVL_FULL;
}

char **s3_day_prefixes(const char *region_prefix, int64_t since, int64_t until, size_t *n)
{
    *n = 0;
    if (since <= 0 || until <= 0 || until <= since || until - since > 400LL * 86400) return NULL;
    /* Hive layout when the region segment is "aws-region=...". */
    size_t rl = strlen(region_prefix);
    const char *last = region_prefix + rl - 1;
    while (last > region_prefix && last[-1] != '/') last--;
    bool hive = strncmp(last, "aws-region=", 11) == 0;
    int64_t first = (since - 3600) / 86400, final = (until - 1 + 3600) / 86400;
    if (since - 3600 < 0) first = 0;
    char **v = xcalloc((size_t)(final - first + 2), sizeof *v);
    for (int64_t d = first; d <= final; d++) {
        time_t t = (time_t)(d * 86400);
        struct tm tm;
        gmtime_r(&t, &tm);
        dbuf b;
        dbuf_init(&b, 0);
        if (hive)
            dbuf_printf(&b, "%syear=%04d/month=%02d/day=%02d/", region_prefix, tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday);
        else
            dbuf_printf(&b, "%s%04d/%02d/%02d/", region_prefix, tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday);
        v[(*n)++] = dbuf_take(&b, NULL);
    }
    return v;
}

/* ---------- requests ---------- */

typedef struct s3_client {
    const aws_config *c;
    const char *bucket;
    const char *url;            /* the s3:// input, for messages */
    char region[64];
    char base[768];             /* scheme://host[:port][/bucket] (no trailing slash) */
    char host[512];             /* Host header value */
    bool allow_http;
    bool path_style;            /* the bucket is the first path segment */
    int verbose;
} s3_client;

int s3_address(const char *bucket, const char *region, const char *endpoint_url, s3_addr *out,
               char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (endpoint_url && endpoint_url[0]) {
        const char *ep = endpoint_url;
        bool http = strncmp(ep, "http://", 7) == 0;
        if (!http && strncmp(ep, "https://", 8) != 0)
            return fc_err(err, errlen, "endpoint URL '%s' must start with http:// or https://", ep);
        const char *h = ep + (http ? 7 : 8);
        size_t hl = strcspn(h, "/?#");
        if (memchr(h, '@', hl))
            return fc_err(err, errlen, "the endpoint URL must not carry a user name or password");
        if (!hl || hl >= sizeof out->host) return fc_err(err, errlen, "endpoint URL '%s' has no host", ep);
        snprintf(out->host, sizeof out->host, "%.*s", (int)hl, h);
        /* curl omits a default port from Host; so must the signature. */
        size_t L = strlen(out->host);
        if (http && L > 3 && strcmp(out->host + L - 3, ":80") == 0) out->host[L - 3] = '\0';
        if (!http && L > 4 && strcmp(out->host + L - 4, ":443") == 0) out->host[L - 4] = '\0';
        snprintf(out->base, sizeof out->base, "%s://%s/%s", http ? "http" : "https", out->host, bucket);
        out->allow_http = http;
        out->path_style = true;
        return 0;
    }
    const char *r = region && region[0] ? region : "us-east-1";
    const char *domain = strncmp(r, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    if (strchr(bucket, '.')) {
        /* *.s3.<region>.amazonaws.com certificates do not cover dotted names. */
        snprintf(out->host, sizeof out->host, "s3.%s.%s", r, domain);
        snprintf(out->base, sizeof out->base, "https://%s/%s", out->host, bucket);
        out->path_style = true;
    } else {
        snprintf(out->host, sizeof out->host, "%s.s3.%s.%s", bucket, r, domain);
        snprintf(out->base, sizeof out->base, "https://%s", out->host);
    }
    return 0;
}

static int client_init(s3_client *cl, const aws_config *c, const char *bucket, const char *url,
                       int verbose, char *err, size_t errlen)
{
    memset(cl, 0, sizeof *cl);
    cl->c = c;
    cl->bucket = bucket;
    cl->url = url;
    cl->verbose = verbose;
    snprintf(cl->region, sizeof cl->region, "%s", c->region[0] ? c->region : "us-east-1");
    s3_addr ad;
    if (s3_address(bucket, cl->region, c->endpoint_url, &ad, err, errlen) < 0) return -1;
    memcpy(cl->base, ad.base, sizeof cl->base);
    memcpy(cl->host, ad.host, sizeof cl->host);
    cl->path_style = ad.path_style;
    cl->allow_http = ad.allow_http;
    return 0;
}

/* One GET, streamed: bytes land in `buf` as they arrive; the owner pulls
 * them with req_pull(). A cut transfer resumes from `received` with Range
 * and If-Match, so the consumer never sees the retry. */
typedef struct s3_req {
    s3_client *cl;
    char *path;                 /* wire path, %-encoded: "/bucket/key" or "/key" */
    char *query;                /* wire query, may be "" */
    const char *what;           /* for messages: the key or "ListObjectsV2" */
    CURLM *m;
    CURL *h;
    struct curl_slist *hdrs;
    dbuf buf;                   /* unread bytes are buf.data[off..len) */
    size_t off;
    bool paused, running, finished;
    CURLcode result;
    long status;
    uint64_t received;          /* body bytes accepted over all attempts */
    uint64_t skip;              /* server ignored Range: drop this many */
    uint64_t attempt_start;     /* received when this attempt began */
    bool skip_set;
    int attempts;
    char etag[256];
    char region_hint[64];       /* x-amz-bucket-region on a 301 */
    char reqid[128];
    dbuf errbody;
    char err[FC_ERRLEN];
    bool failed;
} s3_req;

static size_t req_write(char *data, size_t size, size_t nmemb, void *ctx)
{
    s3_req *r = ctx;
    size_t n = size * nmemb;
    if (!r->status) curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->status >= 300) {
        if (r->errbody.len < S3_ERRBODY_CAP) dbuf_append(&r->errbody, data, n);
        return n;
    }
    if (!r->skip_set) {
        /* A 200 to a Range request repeats the whole object. */
        r->skip = r->status == 200 ? r->attempt_start : 0;
        r->skip_set = true;
    }
    if (r->buf.len - r->off >= S3_BUF_HIGH) {
        r->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    size_t drop = r->skip < n ? (size_t)r->skip : n;
    r->skip -= drop;
    if (n > drop && dbuf_append(&r->buf, data + drop, n - drop) < 0) return 0;
    r->received += n - drop;
    return n;
}

static void header_value(const char *line, size_t n, const char *name, char *out, size_t outn)
{
    size_t nl = strlen(name);
    if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':') return;
    const char *v = line + nl + 1;
    const char *e = line + n;
    while (v < e && (*v == ' ' || *v == '\t')) v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ')) e--;
    snprintf(out, outn, "%.*s", (int)(e - v), v);
}

static size_t req_header(char *line, size_t size, size_t nmemb, void *ctx)
{
    s3_req *r = ctx;
    size_t n = size * nmemb;
    if (!r->etag[0]) header_value(line, n, "etag", r->etag, sizeof r->etag);
    header_value(line, n, "x-amz-bucket-region", r->region_hint, sizeof r->region_hint);
    header_value(line, n, "x-amz-request-id", r->reqid, sizeof r->reqid);
    return n;
}

static void add_header(struct curl_slist **l, const char *fmt, const char *v)
{
    char line[4096];
    snprintf(line, sizeof line, fmt, v);
    struct curl_slist *n = curl_slist_append(*l, line);
    if (!n) {
        fputs("flowcost: error: out of memory\n", stderr);
        abort();
    }
    *l = n;
}

static int req_start(s3_req *r)
{
    s3_client *cl = r->cl;
    const aws_config *c = cl->c;
    r->attempts++;
    r->status = 0;
    r->finished = false;
    r->result = CURLE_OK;
    r->paused = false;
    r->attempt_start = r->received;
    r->skip = 0;
    r->skip_set = false;
    dbuf_reset(&r->errbody);
    if (r->h) {
        curl_multi_remove_handle(r->m, r->h);
        curl_easy_cleanup(r->h);
    }
    curl_slist_free_all(r->hdrs);
    r->hdrs = NULL;

    int64_t now = (int64_t)time(NULL);
    char amz_date[17];
    sigv4_amz_date(now, amz_date);
    sigv4_header sh[4] = {{"host", cl->host}, {"x-amz-date", amz_date},
                          {"x-amz-content-sha256", EMPTY_SHA256}, {"x-amz-security-token", c->session_token}};
    size_t nh = c->session_token[0] ? 4 : 3;
    /* The signed path is the whole wire path: with path-style addressing
     * the bucket is its first segment. */
    dbuf full_path;
    dbuf_init(&full_path, 0);
    const char *bp = strstr(cl->base, "://");
    bp = bp ? strchr(bp + 3, '/') : NULL;
    if (bp) dbuf_puts(&full_path, bp);
    dbuf_puts(&full_path, r->path);
    sigv4_request sr = {.method = "GET", .path = full_path.data, .query = r->query, .headers = sh,
                        .n_headers = nh, .payload_hash = EMPTY_SHA256, .s3 = true};
    sigv4_key key = {c->access_key, c->secret_key, cl->region, "s3"};
    dbuf auth;
    dbuf_init(&auth, 0);
    char err[FC_ERRLEN];
    if (sigv4_authorization(&sr, &key, now, &auth, err, sizeof err) < 0) {
        snprintf(r->err, sizeof r->err, "cannot sign the request: %.400s", err);
        dbuf_free(&auth);
        dbuf_free(&full_path);
        return -1;
    }
    add_header(&r->hdrs, "Host: %s", cl->host);
    add_header(&r->hdrs, "x-amz-date: %s", amz_date);
    add_header(&r->hdrs, "x-amz-content-sha256: %s", EMPTY_SHA256);
    if (c->session_token[0]) add_header(&r->hdrs, "x-amz-security-token: %s", c->session_token);
    add_header(&r->hdrs, "Authorization: %s", auth.data);
    if (r->received > 0) {
        char range[64];
        snprintf(range, sizeof range, "bytes=%llu-", (unsigned long long)r->received);
        add_header(&r->hdrs, "Range: %s", range);
        if (r->etag[0]) add_header(&r->hdrs, "If-Match: %s", r->etag);
    }
    dbuf_free(&auth);

    dbuf url;
    dbuf_init(&url, 0);
    dbuf_printf(&url, "%s%s%s%s", cl->base, r->path, r->query[0] ? "?" : "", r->query);
    if (cl->verbose)
        fprintf(stderr, "flowcost: s3: GET %s%s%s%s (attempt %d)\n", full_path.data,
                r->query[0] ? "?" : "", r->query, r->received ? " resumed" : "", r->attempts);
    dbuf_free(&full_path);

    r->h = curl_easy_init();
    if (!r->h) {
        dbuf_free(&url);
        snprintf(r->err, sizeof r->err, "cannot initialise libcurl");
        return -1;
    }
    curl_easy_setopt(r->h, CURLOPT_URL, url.data);
    curl_easy_setopt(r->h, CURLOPT_PROTOCOLS_STR, cl->allow_http ? "http,https" : "https");
    curl_easy_setopt(r->h, CURLOPT_HTTPHEADER, r->hdrs);
    curl_easy_setopt(r->h, CURLOPT_WRITEFUNCTION, req_write);
    curl_easy_setopt(r->h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->h, CURLOPT_HEADERFUNCTION, req_header);
    curl_easy_setopt(r->h, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(r->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->h, CURLOPT_CONNECTTIMEOUT, 10L);
    /* A stalled transfer (under 1 KiB/s for 60 s) is retried. A fixed total
     * timeout would cut large objects on slow links. */
    curl_easy_setopt(r->h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(r->h, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(r->h, CURLOPT_ACCEPT_ENCODING, NULL);
    dbuf_free(&url);
    curl_multi_add_handle(r->m, r->h);
    r->running = true;
    return 0;
}

/* `m` is the caller's multi handle, reused request after request: it owns
 * the connection cache, so one worker's GETs share a kept-alive connection
 * (no TCP and TLS handshake per 5-minute log file). */
static void req_init(s3_req *r, CURLM *m, s3_client *cl, char *path, char *query, const char *what)
{
    memset(r, 0, sizeof *r);
    r->cl = cl;
    r->path = path;
    r->query = query;
    r->what = what;
    dbuf_init(&r->buf, 0);
    dbuf_init(&r->errbody, 0);
    r->m = m;
}

static void req_free(s3_req *r)
{
    if (r->h) {
        curl_multi_remove_handle(r->m, r->h);
        curl_easy_cleanup(r->h);
    }
    curl_slist_free_all(r->hdrs);
    dbuf_free(&r->buf);
    dbuf_free(&r->errbody);
    free(r->path);
    free(r->query);
}

static bool transient_curl(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_COULDNT_RESOLVE_HOST:
        return true;
    default:
        return false;
    }
}

static void backoff(int attempt)
{
    /* 200 ms, 400 ms, 800 ms, ... with up to 50 % jitter. */
    long ms = 200L << (attempt - 1);
    ms += (long)(rand() % (int)(ms / 2 + 1));
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* The transfer ended: decide between done, retry and a final error. */
static void req_settle(s3_req *r)
{
    s3_client *cl = r->cl;
    if (!r->status) curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &r->status);
    bool ok = r->result == CURLE_OK && (r->status == 200 || r->status == 206);
    if (ok) {
        r->finished = true;
        return;
    }
    char code[128] = "", msg[512] = "", reqid[128] = "";
    if (r->errbody.len) s3_parse_error(r->errbody.data, r->errbody.len, code, sizeof code, msg, sizeof msg, reqid, sizeof reqid);
    if (!reqid[0]) snprintf(reqid, sizeof reqid, "%s", r->reqid);
    bool retry = (r->result != CURLE_OK && transient_curl(r->result)) ||
                 (r->result == CURLE_OK && (r->status >= 500 || strcmp(code, "SlowDown") == 0 ||
                                            r->status == 429));
    if (retry && r->attempts < S3_MAX_ATTEMPTS) {
        if (cl->verbose)
            fprintf(stderr, "flowcost: s3: %s: %s, retrying\n", r->what,
                    r->result != CURLE_OK ? curl_easy_strerror(r->result) : code[0] ? code : "server error");
        backoff(r->attempts);
        if (req_start(r) < 0) {
            r->failed = r->finished = true;
        }
        return;
    }
    r->failed = r->finished = true;
    if (r->result != CURLE_OK) {
        snprintf(r->err, sizeof r->err, "%s: %s (after %d attempts)", r->what, curl_easy_strerror(r->result),
                 r->attempts);
        return;
    }
    if (!code[0]) snprintf(code, sizeof code, "HTTP %ld", r->status);
    const char *hint = "";
    if (strcmp(code, "NoSuchBucket") == 0) hint = "; check the bucket name";
    else if (strcmp(code, "AccessDenied") == 0) hint = "; the credentials need s3:ListBucket and s3:GetObject";
    else if (strcmp(code, "InvalidAccessKeyId") == 0 || strcmp(code, "SignatureDoesNotMatch") == 0)
        hint = "; check the AWS credentials";
    char region_hint[192] = "";
    if (r->region_hint[0] && strcmp(r->region_hint, cl->region) != 0)
        snprintf(region_hint, sizeof region_hint, "; the bucket is in %s: use --region %s", r->region_hint,
                 r->region_hint);
    snprintf(r->err, sizeof r->err, "%s: %s%s%s%s%s%s%s", r->what, code, msg[0] ? ": " : "", msg,
             reqid[0] ? " (request id " : "", reqid, reqid[0] ? ")" : "", region_hint[0] ? region_hint : hint);
}

/* Drive the transfer until there is something to read or it is over. */
static int req_pump(s3_req *r)
{
    if (!r->running && !r->finished && req_start(r) < 0) {
        r->failed = r->finished = true;
        return -1;
    }
    while (r->off == r->buf.len && !r->finished) {
        int still = 0;
        CURLMcode mc = curl_multi_perform(r->m, &still);
        if (mc != CURLM_OK) {
            snprintf(r->err, sizeof r->err, "%s: %s", r->what, curl_multi_strerror(mc));
            r->failed = r->finished = true;
            return -1;
        }
        CURLMsg *msg;
        int left;
        bool done = false;
        while ((msg = curl_multi_info_read(r->m, &left)))
            if (msg->msg == CURLMSG_DONE) {
                r->result = msg->data.result;
                done = true;
            }
        if (done) {
            req_settle(r);
            continue;
        }
        if (r->off == r->buf.len && !r->paused) curl_multi_poll(r->m, NULL, 0, 1000, NULL);
    }
    return r->failed ? -1 : 0;
}

static ssize_t req_read(void *ctx, void *out, size_t n)
{
    s3_req *r = ctx;
    if (r->off == r->buf.len) {
        dbuf_reset(&r->buf);
        r->off = 0;
        if (r->paused) {
            r->paused = false;
            curl_easy_pause(r->h, CURLPAUSE_CONT);
        }
        if (req_pump(r) < 0) return -1;
        if (r->off == r->buf.len) return 0;
    }
    size_t k = r->buf.len - r->off < n ? r->buf.len - r->off : n;
    memcpy(out, r->buf.data + r->off, k);
    r->off += k;
    return (ssize_t)k;
}

/* A whole small response (a listing page). */
static int req_fetch_all(s3_req *r, dbuf *out)
{
    char chunk[65536];
    ssize_t k;
    while ((k = req_read(r, chunk, sizeof chunk)) > 0)
        if (out->len + (size_t)k > S3_LIST_CAP || dbuf_append(out, chunk, (size_t)k) < 0) {
            snprintf(r->err, sizeof r->err, "%s: response larger than %u MiB", r->what, S3_LIST_CAP >> 20);
            return -1;
        }
    return k < 0 ? -1 : 0;
}

static char *enc(const char *s, bool keep_slash)
{
    dbuf b;
    dbuf_init(&b, 0);
    sigv4_uri_encode(&b, s, strlen(s), keep_slash);
    return dbuf_take(&b, NULL);
}

/* ---------- listing ---------- */

typedef struct keyvec {
    s3_object *v;
    size_t n, cap;
} keyvec;

static void keys_add(keyvec *kv, const char *key, uint64_t size)
{
    if (kv->n == kv->cap) {
        kv->cap = kv->cap ? kv->cap * 2 : 256;
        kv->v = xrealloc(kv->v, kv->cap * sizeof *kv->v);
    }
    kv->v[kv->n].key = xstrdup(key);
    kv->v[kv->n++].size = size;
}

typedef struct lister {
    s3_client *cl;
    CURLM *m;
    keyvec keys;
    unsigned long requests;
    char *err;
    size_t errlen;
} lister;

/* Every page of one ListObjectsV2; prefixes (delimiter "/") into *pfx. */
static int list_prefix(lister *L, const char *prefix, bool delimited, char ***pfx, size_t *n_pfx)
{
    char *token = NULL;
    int rc = 0;
    do {
        dbuf q;
        dbuf_init(&q, 0);
        /* Query names in sorted order: the wire order is also the signed one. */
        if (token) {
            char *t = enc(token, false);
            dbuf_printf(&q, "continuation-token=%s&", t);
            free(t);
        }
        if (delimited) dbuf_puts(&q, "delimiter=%2F&");
        dbuf_puts(&q, "list-type=2");
        char *pe = enc(prefix, false);
        dbuf_printf(&q, "&prefix=%s", pe);
        free(pe);
        s3_req r;
        req_init(&r, L->m, L->cl, xstrdup("/"), dbuf_take(&q, NULL), "ListObjectsV2");
        /* Path-style: the bucket path is in base, so the key path is "/"
         * only for virtual-hosted addressing. */
        if (L->cl->path_style) {
            free(r.path);
            r.path = xstrdup("");
        }
        dbuf body;
        dbuf_init(&body, 0);
        L->requests++;
        if (req_fetch_all(&r, &body) < 0) {
            rc = fc_err(L->err, L->errlen, "%s: %s", L->cl->url, r.err);
        } else {
            s3_list_page pg;
            char perr[FC_ERRLEN];
            if (s3_parse_list(body.data ? body.data : "", body.len, &pg, perr, sizeof perr) < 0) {
                rc = fc_err(L->err, L->errlen, "%s: %s", L->cl->url, perr);
            } else {
                for (size_t i = 0; i < pg.n_objs; i++) keys_add(&L->keys, pg.objs[i].key, pg.objs[i].size);
                for (size_t i = 0; pfx && i < pg.n_prefixes; i++) {
                    *pfx = xrealloc(*pfx, (*n_pfx + 1) * sizeof **pfx);
                    (*pfx)[(*n_pfx)++] = xstrdup(pg.prefixes[i]);
                }
                free(token);
                token = pg.next_token ? xstrdup(pg.next_token) : NULL;
                if (pg.truncated && !token) rc = -1;
                s3_list_page_free(&pg);
            }
        }
        dbuf_free(&body);
        req_free(&r);
    } while (rc == 0 && token);
    free(token);
    return rc;
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static int walk(lister *L, const char *prefix, int64_t since, int64_t until, int depth)
{
    s3_level lvl = s3_classify_prefix(prefix);
    if (lvl == S3_LVL_DAYS) {
        size_t n;
        char **days = s3_day_prefixes(prefix, since, until, &n);
        if (!days) return list_prefix(L, prefix, false, NULL, NULL);
        int rc = 0;
        for (size_t i = 0; i < n && rc == 0; i++) rc = list_prefix(L, days[i], false, NULL, NULL);
        free_strs(days, n);
        return rc;
    }
    if (lvl == S3_LVL_FULL || depth > 8) return list_prefix(L, prefix, false, NULL, NULL);
    char **pfx = NULL;
    size_t n = 0;
    int rc = list_prefix(L, prefix, true, &pfx, &n);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (lvl == S3_LVL_OTHER) {
            /* Before the layout: only AWSLogs/ is known to be partitioned by
             * day; anything else is read whole, as without a window. */
            size_t pl = strlen(pfx[i]);
            bool awslogs = pl >= 8 && strcmp(pfx[i] + pl - 8, "AWSLogs/") == 0 &&
                           (pl == 8 || pfx[i][pl - 9] == '/');
            rc = awslogs ? walk(L, pfx[i], since, until, depth + 1)
                         : list_prefix(L, pfx[i], false, NULL, NULL);
        } else {
            rc = walk(L, pfx[i], since, until, depth + 1);
        }
    }
    free_strs(pfx, n);
    return rc;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(((const s3_object *)a)->key, ((const s3_object *)b)->key);
}

/* ---------- reading ---------- */

typedef struct job {
    s3_client *cl;
    agg *dst;
    const s3_object *keys;
    size_t n;
    const ingest_opts *o;
    pthread_mutex_t mu;
    size_t next, next_merge;
    agg **done;                 /* per key, until merged in key order */
    bool *ready;
    int rc;                     /* first failure (0, -1, INGEST_MALFORMED) */
    size_t fail_at;             /* index of the failed key (lowest wins) */
    char err[FC_ERRLEN];
} job;

static void *worker(void *arg)
{
    job *J = arg;
    ingest_opts io = *J->o;
    io.threads = 1;
    CURLM *m = curl_multi_init();
    if (!m) {
        pthread_mutex_lock(&J->mu);
        if (J->rc == 0) {
            J->rc = -1;
            J->fail_at = 0;
            snprintf(J->err, sizeof J->err, "cannot initialise libcurl");
        }
        pthread_mutex_unlock(&J->mu);
        return NULL;
    }
    for (;;) {
        pthread_mutex_lock(&J->mu);
        size_t k = J->next++;
        bool stop = k >= J->n || J->rc != 0;
        pthread_mutex_unlock(&J->mu);
        if (stop) break;
        const s3_object *ob = &J->keys[k];
        s3_req r;
        char *path = enc(ob->key, true);
        dbuf p;
        dbuf_init(&p, 0);
        dbuf_printf(&p, "/%s", path);
        free(path);
        req_init(&r, m, J->cl, dbuf_take(&p, NULL), xstrdup(""), ob->key);
        char name[1200];
        snprintf(name, sizeof name, "s3://%s/%s", J->cl->bucket, ob->key);
        agg *a = agg_new();
        char err[FC_ERRLEN] = "";
        int rc = ingest_stream(a, name, req_read, &r, &io, err, sizeof err);
        if (rc == 0 && r.received != ob->size && r.finished && !r.failed)
            rc = fc_err(err, sizeof err, "%s: got %llu of %llu bytes", name,
                        (unsigned long long)r.received, (unsigned long long)ob->size);
        if (rc < 0 && r.failed) snprintf(err, sizeof err, "%.100s: %.400s", J->cl->url, r.err);
        req_free(&r);
        pthread_mutex_lock(&J->mu);
        if (rc < 0) {
            if (J->rc == 0 || k < J->fail_at) {
                J->rc = rc;
                J->fail_at = k;
                snprintf(J->err, sizeof J->err, "%s", err);
            }
            agg_free(a);
        } else {
            J->done[k] = a;
            J->ready[k] = true;
            while (J->next_merge < J->n && J->ready[J->next_merge]) {
                agg_merge(J->dst, J->done[J->next_merge]);
                agg_free(J->done[J->next_merge]);
                J->done[J->next_merge] = NULL;
                J->next_merge++;
            }
        }
        pthread_mutex_unlock(&J->mu);
    }
    curl_multi_cleanup(m);
    return NULL;
}

static bool skip_key(const s3_object *ob)
{
    size_t kl = strlen(ob->key);
    if (kl && ob->key[kl - 1] == '/') return true; /* console "folder" marker */
    const char *base = strrchr(ob->key, '/');
    base = base ? base + 1 : ob->key;
    /* Written by the log delivery service to test bucket permissions. */
    return strcmp(base, "aws-logs-write-test") == 0;
}

static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

int s3_ingest(agg *a, const char *url, const aws_config *c, const ingest_opts *o,
              char *err, size_t errlen)
{
    char *bucket, *prefix;
    if (s3_parse_url(url, &bucket, &prefix, err, errlen) < 0) return -1;
    if (!c->access_key[0] || !c->secret_key[0]) {
        free(bucket);
        free(prefix);
        return fc_err(err, errlen, "%s: no AWS credentials (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or --profile)", url);
    }
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, curl_init_once);
    s3_client cl;
    int verbose = o->verbose > c->verbose ? o->verbose : c->verbose;
    if (client_init(&cl, c, bucket, url, verbose, err, errlen) < 0) {
        free(bucket);
        free(prefix);
        return -1;
    }
    lister L = {.cl = &cl, .err = err, .errlen = errlen, .m = curl_multi_init()};
    if (!L.m) {
        free(bucket);
        free(prefix);
        return fc_err(err, errlen, "cannot initialise libcurl");
    }
    bool window = o->since > 0 && o->until > 0;
    int rc = window ? walk(&L, prefix, o->since, o->until, 0)
                    : list_prefix(&L, prefix, false, NULL, NULL);
    if (rc == 0) {
        if (L.keys.n) qsort(L.keys.v, L.keys.n, sizeof *L.keys.v, key_cmp);
        /* Keys whose name says they are outside the window are not fetched. */
        size_t k = 0;
        agg_stats *st = agg_stats_of(a);
        for (size_t i = 0; i < L.keys.n; i++) {
            s3_object ob = L.keys.v[i];
            bool out = skip_key(&ob) || ((o->since || o->until) && ingest_name_outside(ob.key, o->since, o->until));
            if (out) {
                if (!skip_key(&ob)) st->files_skipped++;
                free(ob.key);
            } else if (o->seen && !inputs_claim_s3(o->seen, bucket, ob.key, ob.size)) {
                free(ob.key); /* listed twice, or inside an .fca given: read once */
            } else {
                L.keys.v[k++] = ob;
            }
        }
        L.keys.n = k;
        if (verbose)
            fprintf(stderr, "flowcost: s3: %s: %lu list request(s), %zu object(s) to read\n", url,
                    L.requests, L.keys.n);
        job J = {.cl = &cl, .dst = a, .keys = L.keys.v, .n = L.keys.n, .o = o};
        pthread_mutex_init(&J.mu, NULL);
        J.done = xcalloc(L.keys.n + 1, sizeof *J.done);
        J.ready = xcalloc(L.keys.n + 1, sizeof *J.ready);
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        size_t nw = o->threads > 0 ? (size_t)o->threads : (size_t)(cores > 0 ? cores : 1);
        /* Transfers wait on the network, not the CPU: at least 4 in flight. */
        if (nw < 4) nw = 4;
        if (nw > S3_MAX_WORKERS) nw = S3_MAX_WORKERS;
        if (nw > L.keys.n) nw = L.keys.n;
        pthread_t th[S3_MAX_WORKERS];
        size_t started = 0;
        for (size_t i = 0; i < nw; i++)
            if (pthread_create(&th[i], NULL, worker, &J) == 0) started++;
        if (nw && !started) worker(&J);
        for (size_t i = 0; i < started; i++) pthread_join(th[i], NULL);
        if (J.rc) {
            rc = J.rc;
            fc_err(err, errlen, "%s", J.err);
        }
        for (size_t i = 0; i < L.keys.n; i++)
            if (J.done[i]) agg_free(J.done[i]);
        free(J.done);
        free(J.ready);
        pthread_mutex_destroy(&J.mu);
    }
    for (size_t i = 0; i < L.keys.n; i++) free(L.keys.v[i].key);
    free(L.keys.v);
    curl_multi_cleanup(L.m);
    free(bucket);
    free(prefix);
    return rc;
}
