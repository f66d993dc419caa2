/* s3: reads flow logs straight from the delivery bucket, so the weekly job
 * needs no `aws s3 sync` and no scratch disk. Listing is planned from the
 * delivery layout so that a one-week window lists a week of day prefixes,
 * not years of keys; objects stream through a bounded buffer into their own
 * ingest_stream(), several at once, and are merged in key order.
 *
 * The transfers, their retries, resumes and TLS are http.c's (a pool per
 * worker thread, so one worker's GETs share a kept-alive connection); the
 * XML of ListObjectsV2 and of S3's errors is read with xml.h; what this
 * file adds is S3: addressing, SigV4 per attempt, the listing plan and the
 * one-line errors. */
#include "s3.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "sigv4.h"
#include "util.h"
#include "xml.h"

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

int s3_parse_list(const char *xml, size_t len, s3_list_page *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    xml_doc *doc;
    char e[FC_ERRLEN];
    if (xml_parse(xml, len, "a ListBucketResult", &doc, e, sizeof e) < 0)
        return fc_err(err, errlen, "ListObjectsV2: %s", e);
    const xml_node *root = xml_root(doc);
    int rc = 0;
    size_t cap_o = 0, cap_p = 0;
    if (!xml_is(root, "ListBucketResult")) {
        rc = fc_err(err, errlen, "the response is not a ListBucketResult (root <%s>)", xml_name(root));
        goto out;
    }
    for (const xml_node *c = xml_child(root, "Contents"); c; c = xml_next(c, "Contents")) {
        const xml_node *k = xml_child(c, "Key");
        if (!k) {
            rc = fc_err(err, errlen, "ListBucketResult: a Contents element without a Key");
            goto out;
        }
        if (out->n_objs == cap_o) {
            cap_o = cap_o ? cap_o * 2 : 64;
            out->objs = xrealloc(out->objs, cap_o * sizeof *out->objs);
        }
        s3_object *o = &out->objs[out->n_objs++];
        o->key = xml_content(k);
        char num[24];
        xml_text(c, "Size", num, sizeof num);
        o->size = strtoull(num, NULL, 10);
    }
    for (const xml_node *c = xml_child(root, "CommonPrefixes"); c; c = xml_next(c, "CommonPrefixes")) {
        const xml_node *pv = xml_child(c, "Prefix");
        if (!pv) continue;
        if (out->n_prefixes == cap_p) {
            cap_p = cap_p ? cap_p * 2 : 16;
            out->prefixes = xrealloc(out->prefixes, cap_p * sizeof *out->prefixes);
        }
        out->prefixes[out->n_prefixes++] = xml_content(pv);
    }
    char t[8];
    out->truncated = xml_text(root, "IsTruncated", t, sizeof t) == 4 && strcmp(t, "true") == 0;
    const xml_node *nt = xml_child(root, "NextContinuationToken");
    if (nt) {
        out->next_token = xml_content(nt);
        if (!out->next_token[0]) {
            free(out->next_token);
            out->next_token = NULL;
        }
    }
    if (out->truncated && !out->next_token)
        rc = fc_err(err, errlen, "ListBucketResult: truncated without a NextContinuationToken");
out:
    xml_free(doc);
    if (rc < 0) s3_list_page_free(out);
    return rc;
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

void s3_parse_error(const char *xml, size_t len, char *code, size_t code_n, char *msg,
                    size_t msg_n, char *reqid, size_t reqid_n)
{
    code[0] = msg[0] = reqid[0] = '\0';
    xml_doc *doc;
    char e[FC_ERRLEN];
    if (!len || xml_parse(xml, len, "an S3 error", &doc, e, sizeof e) < 0) return;
    xml_aws_error(xml_root(doc), code, code_n, msg, msg_n, reqid, reqid_n);
    xml_free(doc);
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

/* One signed GET on http.c: a listing page (collected whole) or an object
 * (streamed). It holds what the request points to, so it lives as long as
 * the transfer. */
typedef struct s3_get {
    s3_client *cl;
    char *path;                 /* wire path, %-encoded: "/bucket/key" or "/key" */
    char *query;                /* wire query, may be "" */
    const char *what;           /* for messages: the key or "ListObjectsV2" */
    char *strs;                 /* holds the three below */
    const char *full_path;      /* the signed path (with the bucket when path-style) */
    const char *target;         /* -v: full path and query, never a header */
    const char *url;
    http_request rq;
    http_opts o;
} s3_get;

/* Per attempt: a fresh x-amz-date and the signature over it. */
static int s3_sign(void *ctx, const http_attempt *a, dbuf *out, char *err, size_t errlen)
{
    (void)a;
    s3_get *g = ctx;
    const s3_client *cl = g->cl;
    const aws_config *c = cl->c;
    int64_t now = (int64_t)time(NULL);
    char amz_date[17];
    sigv4_amz_date(now, amz_date);
    sigv4_header sh[4] = {{"host", cl->host}, {"x-amz-date", amz_date},
                          {"x-amz-content-sha256", EMPTY_SHA256}, {"x-amz-security-token", c->session_token}};
    size_t nh = c->session_token[0] ? 4 : 3;
    sigv4_request sr = {.method = "GET", .path = g->full_path, .query = g->query, .headers = sh,
                        .n_headers = nh, .payload_hash = EMPTY_SHA256, .s3 = true};
    sigv4_key key = {c->access_key, c->secret_key, cl->region, "s3"};
    dbuf auth;
    dbuf_init(&auth, 0);
    char e[FC_ERRLEN];
    if (sigv4_authorization(&sr, &key, now, &auth, e, sizeof e) < 0) {
        dbuf_free(&auth);
        return fc_err(err, errlen, "%s: cannot sign the request: %.400s", g->what, e);
    }
    dbuf_printf(out, "Host: %s\n", cl->host);
    dbuf_printf(out, "x-amz-date: %s\n", amz_date);
    dbuf_printf(out, "x-amz-content-sha256: %s\n", EMPTY_SHA256);
    if (c->session_token[0]) dbuf_printf(out, "x-amz-security-token: %s\n", c->session_token);
    dbuf_printf(out, "Authorization: %s\n", auth.data);
    memset(auth.data, 0, auth.len);
    dbuf_free(&auth);
    return 0;
}

/* Takes path and query. */
static void get_init(s3_get *g, s3_client *cl, char *path, char *query, const char *what)
{
    memset(g, 0, sizeof *g);
    g->cl = cl;
    g->path = path;
    g->query = query;
    g->what = what;
    /* The signed path is the whole wire path: with path-style addressing
     * the bucket is its first segment. */
    const char *bp = strstr(cl->base, "://");
    bp = bp ? strchr(bp + 3, '/') : NULL;
    const char *q = query[0] ? "?" : "";
    dbuf b;
    dbuf_init(&b, 0);
    dbuf_printf(&b, "%s%s", bp ? bp : "", path);
    dbuf_append(&b, "", 1);
    size_t t = b.len;
    dbuf_printf(&b, "%s%s%s%s", bp ? bp : "", path, q, query);
    dbuf_append(&b, "", 1);
    size_t u = b.len;
    dbuf_printf(&b, "%s%s%s%s", cl->base, path, q, query);
    g->strs = dbuf_take(&b, NULL);
    g->full_path = g->strs;
    g->target = g->strs + t;
    g->url = g->strs + u;
    aws_http_opts(cl->c, cl->base, what, &g->o);
    g->o.allow_http = cl->allow_http;
    g->o.verbose = cl->verbose;
    g->o.log_prefix = "s3:";
    /* No total timeout (large objects on slow links); a stall is retried. */
    g->o.timeout_ms = -1;
    g->o.stall_s = 60;
    g->rq = (http_request){.method = "GET", .url = g->url, .prepare = s3_sign, .prepare_ctx = g,
                           .resume = true, .raw = true, .target = g->target};
}

static void get_free(s3_get *g)
{
    free(g->path);
    free(g->query);
    free(g->strs);
}

/* The one line for a failed request: the transport's reason when no
 * response came, else AWS's error document with code, message, request id
 * and what to do about it. */
static void get_error(const s3_get *g, const http_response *r, const char *neterr, char *out, size_t n)
{
    if (!r->status) {
        snprintf(out, n, "%s", neterr);
        return;
    }
    char code[128], msg[512], reqid[128];
    s3_parse_error(r->body.data, r->body.len, code, sizeof code, msg, sizeof msg, reqid, sizeof reqid);
    if (!reqid[0]) snprintf(reqid, sizeof reqid, "%s", r->request_id);
    if (!code[0]) snprintf(code, sizeof code, "HTTP %ld", r->status);
    const char *hint = aws_error_hint("s3", code);
    const char *region = http_header(r, "x-amz-bucket-region");
    char region_hint[192] = "";
    if (region && region[0] && strcmp(region, g->cl->region) != 0)
        snprintf(region_hint, sizeof region_hint, "; the bucket is in %.64s: use --region %.64s", region, region);
    fc_err(out, n, "%s: %s%s%s%s%s%s%s", g->what, code, msg[0] ? ": " : "", msg, reqid[0] ? " (request id " : "",
             reqid, reqid[0] ? ")" : "", region_hint[0] ? region_hint : hint);
}

static char *enc(const char *s, bool keep_slash)
{
    dbuf b;
    dbuf_init(&b, 0);
    sigv4_uri_encode(&b, s, strlen(s), keep_slash);
    return dbuf_take(&b, NULL);
}

/* A GetObject of key: its path is "/" and the key, percent-encoded. */
static void get_object_init(s3_get *g, s3_client *cl, const char *key)
{
    char *path = enc(key, true);
    dbuf p;
    dbuf_init(&p, 0);
    dbuf_printf(&p, "/%s", path);
    free(path);
    get_init(g, cl, dbuf_take(&p, NULL), xstrdup(""), key);
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
    http_pool *pool;
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
        /* Path-style: the bucket path is in base, so the key path is "/"
         * only for virtual-hosted addressing. */
        s3_get g;
        get_init(&g, L->cl, xstrdup(L->cl->path_style ? "" : "/"), dbuf_take(&q, NULL), "ListObjectsV2");
        g.rq.resume = false;
        L->requests++;
        http_response r;
        char e[FC_ERRLEN];
        if (http_pool_do(L->pool, &g.rq, &g.o, &r, e, sizeof e) < 0 || r.status != 200) {
            char line[FC_ERRLEN];
            get_error(&g, &r, e, line, sizeof line);
            rc = fc_err(L->err, L->errlen, "%s: %s", L->cl->url, line);
        } else {
            s3_list_page pg;
            char perr[FC_ERRLEN];
            if (s3_parse_list(r.body.data ? r.body.data : "", r.body.len, &pg, perr, sizeof perr) < 0) {
                rc = fc_err(L->err, L->errlen, "%s: %s", L->cl->url, perr);
            } else {
                for (size_t i = 0; i < pg.n_objs; i++) keys_add(&L->keys, pg.objs[i].key, pg.objs[i].size);
                for (size_t i = 0; pfx && i < pg.n_prefixes; i++) {
                    *pfx = xrealloc(*pfx, (*n_pfx + 1) * sizeof **pfx);
                    (*pfx)[(*n_pfx)++] = xstrdup(pg.prefixes[i]);
                }
                free(token);
                token = pg.next_token ? xstrdup(pg.next_token) : NULL;
                s3_list_page_free(&pg);
            }
        }
        http_response_free(&r);
        get_free(&g);
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

/* ingest_stream's reader over an object's stream, noting how it ended. */
typedef struct obj_reader {
    http_stream *s;
    bool eof, failed;
} obj_reader;

static ssize_t obj_read(void *ctx, void *out, size_t n)
{
    obj_reader *rd = ctx;
    ssize_t k = http_stream_read(rd->s, out, n);
    if (k == 0) rd->eof = true;
    if (k < 0) rd->failed = true;
    return k;
}

static void *worker(void *arg)
{
    job *J = arg;
    ingest_opts io = *J->o;
    io.threads = 1;
    http_pool *pool = http_pool_new();
    if (!pool) {
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
        s3_get g;
        get_object_init(&g, J->cl, ob->key);
        char name[1200];
        snprintf(name, sizeof name, "s3://%s/%s", J->cl->bucket, ob->key);
        agg *a = agg_new();
        char err[FC_ERRLEN] = "";
        int rc;
        obj_reader rd = {.s = http_stream_open(pool, &g.rq, &g.o, err, sizeof err)};
        if (!rd.s) {
            rc = -1;
        } else {
            rc = ingest_stream(a, name, obj_read, &rd, &io, err, sizeof err);
            const http_response *r = http_stream_response(rd.s);
            if (rc == 0 && rd.eof && r->received != ob->size)
                rc = fc_err(err, sizeof err, "%s: got %llu of %llu bytes", name,
                            (unsigned long long)r->received, (unsigned long long)ob->size);
            if (rc < 0 && rd.failed) {
                char line[FC_ERRLEN];
                get_error(&g, r, http_stream_error(rd.s), line, sizeof line);
                snprintf(err, sizeof err, "%.100s: %.400s", J->cl->url, line);
            }
            http_stream_close(rd.s);
        }
        get_free(&g);
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
    http_pool_free(pool);
    return NULL;
}

int s3_read_object(const aws_config *c, const char *url, s3_chunk_fn fn, void *ctx, char *err, size_t errlen)
{
    char *bucket, *key;
    if (s3_parse_url(url, &bucket, &key, err, errlen) < 0) return -1;
    int rc = -1;
    http_pool *pool = NULL;
    /* the service's own endpoint variable, as aws_endpoint() gives the others */
    aws_config sc = *c;
    const char *ep = getenv("AWS_ENDPOINT_URL_S3");
    if (!c->endpoint_from_flag && ep && *ep) snprintf(sc.endpoint_url, sizeof sc.endpoint_url, "%s", ep);
    s3_client cl;
    if (!key[0]) {
        fc_err(err, errlen, "%s: no object key", url);
    } else if (!c->access_key[0] || !c->secret_key[0]) {
        fc_err(err, errlen, "%s: no AWS credentials", url);
    } else if (client_init(&cl, &sc, bucket, url, c->verbose, err, errlen) == 0) {
        if (!(pool = http_pool_new())) {
            fc_err(err, errlen, "cannot initialise libcurl");
        } else {
            s3_get g;
            get_object_init(&g, &cl, key);
            char e[FC_ERRLEN] = "";
            http_stream *s = http_stream_open(pool, &g.rq, &g.o, e, sizeof e);
            if (!s) {
                fc_err(err, errlen, "%s: %s", url, e);
            } else {
                char buf[1 << 16];
                ssize_t k;
                rc = 0;
                while (rc == 0 && (k = http_stream_read(s, buf, sizeof buf)) != 0) {
                    if (k < 0) {
                        char line[FC_ERRLEN];
                        get_error(&g, http_stream_response(s), http_stream_error(s), line, sizeof line);
                        rc = fc_err(err, errlen, "s3://%.100s/%.400s", bucket, line);
                    } else if (fn(ctx, buf, (size_t)k, err, errlen) != 0) {
                        rc = -1;
                    }
                }
                http_stream_close(s);
            }
            get_free(&g);
        }
    }
    if (pool) http_pool_free(pool);
    aws_config_clear(&sc);
    free(bucket);
    free(key);
    return rc;
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
    s3_client cl;
    int verbose = o->verbose > c->verbose ? o->verbose : c->verbose;
    if (client_init(&cl, c, bucket, url, verbose, err, errlen) < 0) {
        free(bucket);
        free(prefix);
        return -1;
    }
    lister L = {.cl = &cl, .err = err, .errlen = errlen, .pool = http_pool_new()};
    if (!L.pool) {
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
    http_pool_free(L.pool);
    free(bucket);
    free(prefix);
    return rc;
}

/* A lister on one pool for whole-object reads and walks (not s3_ingest's
 * workers); L->cl, err and errlen set by the caller. */
static int lister_open(lister *L, const aws_config *c, const char *bucket, const char *url)
{
    int rc = !c->access_key[0] || !c->secret_key[0]
                 ? fc_err(L->err, L->errlen, "%s: no AWS credentials (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or --profile)", url)
                 : client_init(L->cl, c, bucket, url, c->verbose, L->err, L->errlen);
    if (rc == 0 && !(L->pool = http_pool_new())) rc = fc_err(L->err, L->errlen, "cannot initialise libcurl");
    return rc;
}

int s3_fetch_each(const char *url, const aws_config *c, s3_each_fn fn, void *ctx, char *err, size_t errlen)
{
    char *bucket, *prefix;
    if (s3_parse_url(url, &bucket, &prefix, err, errlen) < 0) return -1;
    s3_client cl;
    lister L = {.cl = &cl, .err = err, .errlen = errlen};
    int rc = lister_open(&L, c, bucket, url);
    if (rc == 0) rc = list_prefix(&L, prefix, false, NULL, NULL);
    if (rc == 0 && L.keys.n) qsort(L.keys.v, L.keys.n, sizeof *L.keys.v, key_cmp);
    for (size_t i = 0; rc == 0 && i < L.keys.n; i++) {
        if (skip_key(&L.keys.v[i])) continue;
        const char *key = L.keys.v[i].key;
        s3_get g;
        get_object_init(&g, &cl, key);
        http_response r;
        char e[FC_ERRLEN], name[1200];
        snprintf(name, sizeof name, "s3://%s/%s", bucket, key);
        if (http_pool_do(L.pool, &g.rq, &g.o, &r, e, sizeof e) < 0 || r.status != 200) {
            char line[FC_ERRLEN];
            get_error(&g, &r, e, line, sizeof line);
            rc = fc_err(err, errlen, "%s: %s", url, line);
        } else {
            rc = fn(ctx, name, r.body.data ? r.body.data : "", r.body.len, err, errlen);
        }
        http_response_free(&r);
        get_free(&g);
    }
    for (size_t i = 0; i < L.keys.n; i++) free(L.keys.v[i].key);
    free(L.keys.v);
    if (L.pool) http_pool_free(L.pool);
    free(bucket);
    free(prefix);
    return rc;
}

int s3_list_level(const aws_config *c, const char *bucket, const char *prefix, char ***keys, size_t *n_keys,
                  char ***pfx, size_t *n_pfx, char *err, size_t errlen)
{
    *keys = *pfx = NULL;
    *n_keys = *n_pfx = 0;
    char url[1200];
    snprintf(url, sizeof url, "s3://%s/%s", bucket, prefix);
    s3_client cl;
    lister L = {.cl = &cl, .err = err, .errlen = errlen};
    int rc = lister_open(&L, c, bucket, url);
    if (rc == 0) rc = list_prefix(&L, prefix, true, pfx, n_pfx);
    if (rc == 0) {
        *keys = xcalloc(L.keys.n + 1, sizeof **keys);
        for (size_t i = 0; i < L.keys.n; i++) (*keys)[i] = L.keys.v[i].key;
        *n_keys = L.keys.n;
    } else {
        for (size_t i = 0; i < L.keys.n; i++) free(L.keys.v[i].key);
        free_strs(*pfx, *n_pfx);
        *pfx = NULL;
        *n_pfx = 0;
    }
    free(L.keys.v);
    if (L.pool) http_pool_free(L.pool);
    return rc;
}
