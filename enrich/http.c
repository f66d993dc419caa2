/* http: AWS APIs throttle (RequestLimitExceeded on EC2, SlowDown on S3),
 * fail transiently with 5xx, and sometimes never answer; a cost report must
 * neither give up on the first hiccup nor hang or hammer the API. Three
 * callers (EC2 and the credential services, S3 streaming, SMTP) used to
 * carry their own libcurl setup and drifted apart (one backoff capped, one
 * not; one honouring AWS_CA_BUNDLE, one not). So there is one engine here:
 * every HTTP transfer is a stream on a pool (libcurl multi), request/
 * response is a stream collected whole, and every attempt of every transfer
 * is set up by one function, judged by one retry policy and parsed by one
 * header parser. This is the only file that includes libcurl. */
#define _XOPEN_SOURCE 700 /* strptime */
#include "http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#define HTTP_MAX_BODY ((size_t)256 << 20)
#define HTTP_ERRBODY_CAP ((size_t)64 << 10)  /* a non-2xx body kept for the caller */
#define HTTP_BUF_HIGH ((size_t)1 << 20)      /* pause a stream above 1 MiB unread */

/* ---- the retry policy ---- */

static const char *const retry_codes[] = {
    "RequestLimitExceeded", "Throttling", "ThrottlingException", "ThrottledException",
    "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
    "SlowDown", "EC2ThrottledException", "ProvisionedThroughputExceededException",
    "PriorRequestNotComplete", "TransactionInProgressException", "RequestTimeout",
    "RequestTimeoutException", "InternalError", "ServiceUnavailable", "Unavailable",
};

const char *http_retryable_code(const char *body)
{
    if (!body) return NULL;
    char pat[80];
    for (size_t i = 0; i < sizeof retry_codes / sizeof *retry_codes; i++) {
        snprintf(pat, sizeof pat, "<Code>%s</Code>", retry_codes[i]);
        if (strstr(body, pat)) return retry_codes[i];
        snprintf(pat, sizeof pat, "\"%s\"", retry_codes[i]);
        if (strstr(body, pat) && strstr(body, "\"__type\"")) return retry_codes[i];
        /* JSON 1.1 APIs (CloudWatch Logs) may qualify the type:
         * "com.amazonaws.logs#ThrottlingException" */
        snprintf(pat, sizeof pat, "#%s\"", retry_codes[i]);
        if (strstr(body, pat) && strstr(body, "\"__type\"")) return retry_codes[i];
    }
    return NULL;
}

bool http_is_retryable_body(const char *body)
{
    return http_retryable_code(body) != NULL;
}

static bool idempotent(const char *method)
{
    static const char *const m[] = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"};
    for (size_t i = 0; i < sizeof m / sizeof *m; i++)
        if (strcmp(method, m[i]) == 0) return true;
    return false;
}

bool http_should_retry(const char *method, bool retry_safe, http_net net, long status, const char *body)
{
    if (net == HTTP_NET_UNSENT) return true;
    if (net == HTTP_NET_FATAL) return false;
    if (!retry_safe && !idempotent(method)) return false;
    if (net == HTTP_NET_TRANSIENT) return true;
    if (status == 429 || (status >= 500 && status <= 599 && status != 501)) return true;
    return status >= 400 && http_is_retryable_body(body);
}

/* splitmix64: jitter needs spread between clients, not secrecy. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Each transfer seeds its own generator: clock, pid and its own address
 * differ between processes, threads and transfers; nothing is shared. */
static uint64_t rng_seed(const void *self)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40) ^
           (uint64_t)(uintptr_t)self;
}

/* FLOWCOST_HTTP_BACKOFF_MS (1..250) lowers the first delay when the caller
 * set none: the test scripts' fault servers are then retried quickly. */
static long default_backoff_base_ms(void)
{
    const char *v = getenv("FLOWCOST_HTTP_BACKOFF_MS");
    long b = v ? strtol(v, NULL, 10) : 0;
    return b > 0 && b < 250 ? b : 250;
}

long http_backoff_ms(const http_opts *o, int attempt, long retry_after_ms, uint64_t *rng)
{
    long base = o->backoff_base_ms > 0 ? o->backoff_base_ms : default_backoff_base_ms();
    long cap = o->backoff_max_ms > 0 ? o->backoff_max_ms : 10000;
    int k = attempt - 1 < 0 ? 0 : attempt - 1 > 30 ? 30 : attempt - 1;
    long ceil = base > cap >> k ? cap : base << k;
    long d = (long)(rng_next(rng) % (uint64_t)(ceil + 1));
    long ra = retry_after_ms < cap ? retry_after_ms : cap;
    return d > ra ? d : ra;
}

bool http_header_split(const char *line, size_t n, const char **name, size_t *nlen,
                       const char **val, size_t *vlen)
{
    const char *colon = memchr(line, ':', n);
    if (!colon || colon == line) return false;
    for (const char *p = line; p < colon; p++)
        if (*p == ' ' || *p == '\t' || *p == '/') return false; /* "HTTP/1.1 200 OK" */
    const char *v = colon + 1, *e = line + n;
    while (v < e && (*v == ' ' || *v == '\t')) v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t')) e--;
    *name = line;
    *nlen = (size_t)(colon - line);
    *val = v;
    *vlen = (size_t)(e - v);
    return true;
}

long http_retry_after_ms(const char *v, size_t n, int64_t now)
{
    char buf[64];
    if (!n || n >= sizeof buf) return 0;
    memcpy(buf, v, n);
    buf[n] = '\0';
    if (buf[0] >= '0' && buf[0] <= '9') {
        long s = 0;
        for (size_t i = 0; i < n; i++) {
            if (buf[i] < '0' || buf[i] > '9') return 0;
            if (s < 86400) s = s * 10 + (buf[i] - '0');
        }
        return (s < 86400 ? s : 86400) * 1000;
    }
    /* IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7). */
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end) return 0;
    int64_t at = (int64_t)timegm(&tm);
    if (at <= now) return 0;
    return at - now < 86400 ? (long)(at - now) * 1000 : 86400L * 1000;
}

static http_net classify(CURLcode c)
{
    switch (c) {
    case CURLE_OK:
        return HTTP_NET_OK;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        return HTTP_NET_UNSENT;
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return HTTP_NET_TRANSIENT;
    default:
        return HTTP_NET_FATAL;
    }
}

/* ---- one setup for every handle ---- */

static void global_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void global_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, global_init_once);
}

/* The one TLS policy: verification always on; trust from the bundle given,
 * else the system store. */
static void tls_setup(CURL *h, const char *ca_bundle)
{
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ca_bundle && *ca_bundle) curl_easy_setopt(h, CURLOPT_CAINFO, ca_bundle);
}

static bool tls_problem(CURLcode c)
{
    return c == CURLE_PEER_FAILED_VERIFICATION || c == CURLE_SSL_CACERT_BADFILE ||
           c == CURLE_SSL_CERTPROBLEM || c == CURLE_SSL_CONNECT_ERROR || c == CURLE_SSL_CRL_BADFILE;
}

/* The credential services are link-local; never send them (or their
 * tokens) through a proxy. CURLOPT_NOPROXY replaces NO_PROXY, so the user's
 * list is appended rather than lost. (libcurl copies the string.) */
static void noproxy_list(char *buf, size_t n)
{
    const char *env = getenv("NO_PROXY");
    if (!env || !*env) env = getenv("no_proxy");
    snprintf(buf, n, "169.254.169.254,169.254.170.2,169.254.170.23,fd00:ec2::254,fd00:ec2::23%s%s",
             env && *env ? "," : "", env && *env ? env : "");
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- streams ---- */

struct http_pool {
    CURLM *m;
    http_stream *streams;       /* open on this pool */
};

struct http_stream {
    http_pool *pool;
    http_stream *next;
    http_request rq;
    http_opts o;
    bool collect;               /* http_do: every body into resp.body, restarted per attempt */
    char target[512];           /* -v lines */
    char where[512];            /* messages: the URL up to its query */
    const char *prefix;
    CURL *h;
    struct curl_slist *hl;
    http_response resp;
    dbuf buf;                   /* unread body bytes are buf.data[off..len) */
    size_t off;
    int max;
    bool started, paused, finished, too_big;
    long retry_at;              /* monotonic ms of the next attempt; 0 = none due */
    long t0;
    CURLcode cc;
    char cerr[CURL_ERROR_SIZE];
    uint64_t rng;
    uint64_t attempt_start;     /* resp.received when this attempt began */
    uint64_t skip;              /* a 200 to a Range request repeats bytes we have: drop them */
    bool skip_set;
    long retry_after_ms;
    char etag[256];
    char err[FC_ERRLEN];
};

http_pool *http_pool_new(void)
{
    global_init();
    CURLM *m = curl_multi_init();
    if (!m) return NULL;
    http_pool *p = xcalloc(1, sizeof *p);
    p->m = m;
    return p;
}

static size_t on_body(char *data, size_t sz, size_t nm, void *ud)
{
    http_stream *s = ud;
    size_t n = sz * nm;
    if (!s->resp.status) curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &s->resp.status);
    if (s->collect) {
        if (dbuf_append(&s->resp.body, data, n) < 0) {
            s->too_big = true;
            return 0;
        }
        s->resp.received += n;
        return n;
    }
    if (s->resp.status < 200 || s->resp.status > 299) {
        size_t room = HTTP_ERRBODY_CAP - s->resp.body.len;
        dbuf_append(&s->resp.body, data, n < room ? n : room);
        return n;
    }
    if (!s->skip_set) {
        s->skip = s->resp.status == 200 ? s->attempt_start : 0;
        s->skip_set = true;
    }
    if (s->buf.len - s->off >= HTTP_BUF_HIGH) {
        s->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    size_t drop = s->skip < n ? (size_t)s->skip : n;
    s->skip -= drop;
    if (n > drop && dbuf_append(&s->buf, data + drop, n - drop) < 0) return 0;
    s->resp.received += n - drop;
    return n;
}

static size_t on_header(char *line, size_t sz, size_t nm, void *ud)
{
    http_stream *s = ud;
    size_t n = sz * nm;
    const char *name, *v;
    size_t nl, vl;
    if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* A new response (after a 100 Continue, say): forget the last one's. */
        dbuf_reset(&s->resp.headers);
        s->resp.request_id[0] = '\0';
        s->retry_after_ms = 0;
        return n;
    }
    if (!http_header_split(line, n, &name, &nl, &v, &vl)) return n;
    char lname[64];
    if (nl >= sizeof lname) return n;
    for (size_t i = 0; i < nl; i++) lname[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    lname[nl] = '\0';
    dbuf_append(&s->resp.headers, lname, nl + 1);
    dbuf_append(&s->resp.headers, v, vl);
    dbuf_append(&s->resp.headers, "", 1);
    if (strcmp(lname, "x-amzn-requestid") == 0 || strcmp(lname, "x-amz-request-id") == 0)
        snprintf(s->resp.request_id, sizeof s->resp.request_id, "%.*s", (int)vl, v);
    else if (strcmp(lname, "retry-after") == 0)
        s->retry_after_ms = http_retry_after_ms(v, vl, (int64_t)time(NULL));
    else if (strcmp(lname, "etag") == 0 && !s->etag[0] && vl < sizeof s->etag)
        snprintf(s->etag, sizeof s->etag, "%.*s", (int)vl, v);
    return n;
}

const char *http_header(const http_response *r, const char *name)
{
    const char *p = r->headers.data, *e = p ? p + r->headers.len : NULL;
    while (p && p < e) {
        const char *v = p + strlen(p) + 1;
        if (v >= e) break;
        if (strcasecmp(p, name) == 0) return v;
        p = v + strlen(v) + 1;
    }
    return NULL;
}

static bool list_add(struct curl_slist **l, const char *line)
{
    struct curl_slist *n = curl_slist_append(*l, line);
    if (!n) return false;
    *l = n;
    return true;
}

/* Set up and start one attempt. -1 with s->err when it cannot start. */
static int attempt_start(http_stream *s)
{
    const http_request *rq = &s->rq;
    const http_opts *o = &s->o;
    s->resp.attempts++;
    s->resp.status = 0;
    dbuf_reset(&s->resp.headers);
    s->resp.request_id[0] = '\0';
    dbuf_reset(&s->resp.body);
    if (s->collect) s->resp.received = 0;
    s->too_big = false;
    s->paused = false;
    s->retry_at = 0;
    s->retry_after_ms = 0;
    s->attempt_start = s->resp.received;
    s->skip = 0;
    s->skip_set = false;
    s->cc = CURLE_OK;
    s->cerr[0] = '\0';
    s->err[0] = '\0';
    if (s->h) curl_multi_remove_handle(s->pool->m, s->h);
    curl_slist_free_all(s->hl);
    s->hl = NULL;

    bool ok = true;
    for (const char *const *p = rq->headers; p && *p; p++) ok = ok && list_add(&s->hl, *p);
    /* libcurl would add "Expect: 100-continue" to large POSTs; AWS does not need the round trip. */
    ok = ok && list_add(&s->hl, "Expect:");
    uint64_t from = rq->resume && !s->collect ? s->resp.received : 0;
    if (rq->prepare) {
        http_attempt a = {.attempt = s->resp.attempts, .resume_from = from};
        dbuf extra;
        dbuf_init(&extra, 0);
        if (rq->prepare(rq->prepare_ctx, &a, &extra, s->err, sizeof s->err) < 0) {
            dbuf_free(&extra);
            return -1;
        }
        for (char *line = extra.data; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl) *nl = '\0';
            if (*line) ok = ok && list_add(&s->hl, line);
            line = nl ? nl + 1 : line + strlen(line);
        }
        /* The extra lines may hold a token or signature: wipe before freeing. */
        if (extra.data) memset(extra.data, 0, extra.len);
        dbuf_free(&extra);
    }
    if (from > 0) {
        char line[320];
        snprintf(line, sizeof line, "Range: bytes=%llu-", (unsigned long long)from);
        ok = ok && list_add(&s->hl, line);
        if (s->etag[0]) {
            snprintf(line, sizeof line, "If-Match: %s", s->etag);
            ok = ok && list_add(&s->hl, line);
        }
    }
    if (!ok) {
        fc_err(s->err, sizeof s->err, "out of memory");
        return -1;
    }

    if (!s->h && !(s->h = curl_easy_init())) {
        fc_err(s->err, sizeof s->err, "cannot initialise libcurl");
        return -1;
    }
    CURL *h = s->h;
    curl_easy_reset(h);
    char noproxy[2048];
    noproxy_list(noproxy, sizeof noproxy);
    curl_easy_setopt(h, CURLOPT_URL, rq->url);
    curl_easy_setopt(h, CURLOPT_PRIVATE, s);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    tls_setup(h, o->ca_bundle);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, o->allow_http ? "http,https" : "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 5000L);
    if (o->timeout_ms >= 0) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : 60000L);
    if (o->stall_s > 0) {
        /* A fixed total timeout would cut large objects on slow links. */
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, o->stall_s);
    }
    curl_easy_setopt(h, CURLOPT_USERAGENT, "flowcost");
    if (!rq->raw) curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, s->hl);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->cerr);
    curl_easy_setopt(h, CURLOPT_NOPROXY, noproxy);
    if (strcmp(rq->method, "POST") == 0) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? (const char *)rq->body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
    } else if (strcmp(rq->method, "GET") != 0) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
        if (rq->body_len) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)rq->body);
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
        }
    }
    s->t0 = now_ms();
    if (curl_multi_add_handle(s->pool->m, h) != CURLM_OK) {
        fc_err(s->err, sizeof s->err, "cannot start a libcurl transfer");
        return -1;
    }
    s->started = true;
    return 0;
}

static void fail_stream(http_stream *s)
{
    s->finished = true;
    if (s->h) curl_multi_remove_handle(s->pool->m, s->h);
}

/* The attempt ended: done, retry later, or a final outcome. */
static void settle(http_stream *s)
{
    const http_opts *o = &s->o;
    const char *label = o->label ? o->label : s->rq.method;
    long dt = now_ms() - s->t0;
    if (!s->resp.status) curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &s->resp.status);
    curl_multi_remove_handle(s->pool->m, s->h);
    CURLcode cc = s->cc;
    int a = s->resp.attempts;
    if (s->too_big) {
        fc_err(s->err, sizeof s->err, "%s: response from %s is larger than %zu MiB", label, s->where,
               HTTP_MAX_BODY >> 20);
        s->resp.status = 0;
        s->finished = true;
        return;
    }
    http_net net = classify(cc);
    const char *what = cc == CURLE_OK ? NULL : s->cerr[0] ? s->cerr : curl_easy_strerror(cc);
    if (o->verbose) {
        if (what)
            fprintf(stderr, "flowcost: %s %s %s: %s (%ld ms, attempt %d/%d)\n", s->prefix, s->rq.method, s->target,
                    what, dt, a, s->max);
        else
            fprintf(stderr, "flowcost: %s %s %s -> %ld (%ld ms, attempt %d/%d%s%s)\n", s->prefix, s->rq.method,
                    s->target, s->resp.status, dt, a, s->max, s->resp.request_id[0] ? ", request id " : "",
                    s->resp.request_id);
    }
    bool ok2xx = s->resp.status >= 200 && s->resp.status <= 299;
    if (cc == CURLE_OK && ok2xx) {
        s->finished = true;
        return;
    }
    const char *body = s->resp.body.len ? s->resp.body.data : NULL;
    bool retry = a < s->max && http_should_retry(s->rq.method, s->rq.retry_safe, net,
                                                 cc == CURLE_OK ? s->resp.status : 0, body);
    /* Bytes already handed to the reader cannot be taken back: without
     * resume, a cut body is final. */
    if (!s->collect && !s->rq.resume && s->resp.received > 0) retry = false;
    if (what) {
        const char *ca = tls_problem(cc) && o->ca_bundle && *o->ca_bundle ? o->ca_bundle : NULL;
        fc_err(s->err, sizeof s->err, "%s: cannot reach %s: %s%s%s%s (after %d attempt%s)", label, s->where, what,
               ca ? " (CA bundle " : "", ca ? ca : "", ca ? ")" : "", a, a == 1 ? "" : "s");
        if (!retry) s->resp.status = 0;
    }
    if (!retry) {
        s->finished = true;
        return;
    }
    long d = http_backoff_ms(o, a, s->retry_after_ms, &s->rng);
    if (o->verbose) {
        const char *code = body ? http_retryable_code(body) : NULL;
        char why[64];
        if (what) snprintf(why, sizeof why, "%s", "transfer failed");
        else if (code) snprintf(why, sizeof why, "%s", code);
        else snprintf(why, sizeof why, "HTTP %ld", s->resp.status);
        /* The reason first: a retry line must not read as one more request. */
        fprintf(stderr, "flowcost: %s %s, retrying in %ld ms: %s %s\n", s->prefix, why, d, s->rq.method, s->target);
    }
    s->retry_at = now_ms() + (d > 0 ? d : 1);
}

static http_stream *stream_new(http_pool *p, const http_request *rq, const http_opts *o, bool collect,
                               char *err, size_t errlen)
{
    http_stream *s = xcalloc(1, sizeof *s);
    s->pool = p;
    s->rq = *rq;
    s->o = *o;
    s->collect = collect;
    s->max = o->max_attempts > 0 ? o->max_attempts : 5;
    s->rng = rng_seed(s);
    dbuf_init(&s->resp.body, collect ? HTTP_MAX_BODY : 0);
    dbuf_init(&s->resp.headers, 0);
    dbuf_init(&s->buf, 0);
    snprintf(s->where, sizeof s->where, "%.*s", (int)strcspn(rq->url, "?#"), rq->url);
    snprintf(s->target, sizeof s->target, "%s", rq->target ? rq->target : s->where);
    s->prefix = o->log_prefix ? o->log_prefix : o->label ? o->label : rq->method;
    if (strncmp(rq->url, "https://", 8) != 0 && !(o->allow_http && strncmp(rq->url, "http://", 7) == 0)) {
        char url[512];
        snprintf(url, sizeof url, "%.*s", (int)strcspn(rq->url, "?#"), rq->url);
        fc_err(err, errlen, "refusing '%s': only https:// is allowed here (plain http only with an explicit http:// endpoint URL)", url);
        dbuf_free(&s->resp.body);
        dbuf_free(&s->resp.headers);
        dbuf_free(&s->buf);
        free(s);
        return NULL;
    }
    s->next = p->streams;
    p->streams = s;
    return s;
}

http_stream *http_stream_open(http_pool *p, const http_request *rq, const http_opts *o, char *err, size_t errlen)
{
    return stream_new(p, rq, o, false, err, errlen);
}

static bool has_data(const http_stream *s)
{
    return s->off < s->buf.len;
}

/* Drive the pool until `want` has bytes to read or is over. */
static void pump(http_pool *p, http_stream *want)
{
    if (!want->started && !want->finished && !want->retry_at && attempt_start(want) < 0) fail_stream(want);
    while (!has_data(want) && !want->finished) {
        long now = now_ms(), wait = 1000;
        for (http_stream *s = p->streams; s; s = s->next) {
            if (!s->retry_at || s->finished) continue;
            if (now >= s->retry_at) {
                if (attempt_start(s) < 0) fail_stream(s);
            } else if (s->retry_at - now < wait) {
                wait = s->retry_at - now;
            }
        }
        int still = 0;
        CURLMcode mc = curl_multi_perform(p->m, &still);
        if (mc != CURLM_OK) {
            fc_err(want->err, sizeof want->err, "%s", curl_multi_strerror(mc));
            want->resp.status = 0;
            fail_stream(want);
            break;
        }
        CURLMsg *msg;
        int left;
        bool done = false;
        while ((msg = curl_multi_info_read(p->m, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            http_stream *s = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            if (!s) continue;
            s->cc = msg->data.result;
            settle(s);
            done = true;
        }
        if (done || has_data(want) || want->finished) continue;
        if (!want->paused) curl_multi_poll(p->m, NULL, 0, (int)(wait > 0 ? wait : 1), NULL);
    }
}

ssize_t http_stream_read(http_stream *s, void *out, size_t n)
{
    if (!has_data(s)) {
        dbuf_reset(&s->buf);
        s->off = 0;
        if (s->paused && !s->finished) {
            s->paused = false;
            curl_easy_pause(s->h, CURLPAUSE_CONT);
        }
        pump(s->pool, s);
        if (!has_data(s)) {
            bool ok = s->finished && s->cc == CURLE_OK && !s->err[0] && s->resp.status >= 200 && s->resp.status <= 299;
            return ok ? 0 : -1;
        }
    }
    size_t k = s->buf.len - s->off < n ? s->buf.len - s->off : n;
    memcpy(out, s->buf.data + s->off, k);
    s->off += k;
    return (ssize_t)k;
}

const http_response *http_stream_response(const http_stream *s)
{
    return &s->resp;
}

const char *http_stream_error(const http_stream *s)
{
    return s->err;
}

static void stream_free(http_stream *s, bool keep_resp)
{
    http_pool *p = s->pool;
    for (http_stream **pp = &p->streams; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    if (s->h) {
        curl_multi_remove_handle(p->m, s->h);
        curl_easy_cleanup(s->h);
    }
    curl_slist_free_all(s->hl);
    if (!keep_resp) http_response_free(&s->resp);
    dbuf_free(&s->buf);
    free(s);
}

void http_stream_close(http_stream *s)
{
    if (s) stream_free(s, false);
}

void http_pool_free(http_pool *p)
{
    if (!p) return;
    while (p->streams) stream_free(p->streams, false);
    curl_multi_cleanup(p->m);
    free(p);
}

int http_pool_do(http_pool *p, const http_request *rq, const http_opts *o, http_response *resp,
                 char *err, size_t errlen)
{
    memset(resp, 0, sizeof *resp);
    dbuf_init(&resp->body, HTTP_MAX_BODY);
    dbuf_init(&resp->headers, 0);
    http_stream *s = stream_new(p, rq, o, true, err, errlen);
    if (!s) return -1;
    pump(p, s);
    int rc = s->resp.status ? 0 : -1;
    if (rc < 0) fc_err(err, errlen, "%s", s->err[0] ? s->err : "no response");
    http_response_free(resp);
    *resp = s->resp;
    stream_free(s, true);
    return rc;
}

int http_do(const http_request *rq, const http_opts *o, http_response *resp, char *err, size_t errlen)
{
    http_pool *p = http_pool_new();
    if (!p) {
        memset(resp, 0, sizeof *resp);
        return fc_err(err, errlen, "cannot initialise libcurl");
    }
    int rc = http_pool_do(p, rq, o, resp, err, errlen);
    http_pool_free(p);
    return rc;
}

void http_response_free(http_response *r)
{
    dbuf_free(&r->body);
    dbuf_free(&r->headers);
}

/* ---- SMTP ---- */

typedef struct upload {
    const char *p;
    size_t left;
} upload;

static size_t mail_read(char *buf, size_t size, size_t nitems, void *ctx)
{
    upload *u = ctx;
    size_t n = size * nitems < u->left ? size * nitems : u->left;
    memcpy(buf, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

static int mail_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
    (void)h;
    const http_mail *m = ctx;
    /* Only the protocol lines: never the message (DATA_OUT) or TLS bytes. */
    if (type == CURLINFO_HEADER_OUT) m->trace(m->trace_ctx, HTTP_TRACE_OUT, data, size);
    else if (type == CURLINFO_HEADER_IN) m->trace(m->trace_ctx, HTTP_TRACE_IN, data, size);
    else if (type == CURLINFO_TEXT) m->trace(m->trace_ctx, HTTP_TRACE_TEXT, data, size);
    return 0;
}

int http_mail_send(const http_mail *m, long *reply, bool *login_denied, char *err, size_t errlen)
{
    *reply = 0;
    *login_denied = false;
    global_init();
    CURL *h = curl_easy_init();
    if (!h) return fc_err(err, errlen, "cannot initialise libcurl");
    struct curl_slist *rcpt = NULL;
    int rc = 0;
    for (size_t i = 0; i < m->n_rcpt; i++)
        if (!list_add(&rcpt, m->rcpt[i])) {
            rc = fc_err(err, errlen, "out of memory");
            goto out;
        }
    upload u = {m->msg, m->len};
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, m->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_USE_SSL, m->require_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
    tls_setup(h, m->ca_bundle);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, m->from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, mail_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->len);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, m->timeout_s > 0 ? m->timeout_s : 60L);
    if (m->user && *m->user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, m->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, m->password ? m->password : "");
    }
    if (m->trace) {
        curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
        curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, mail_debug);
        curl_easy_setopt(h, CURLOPT_DEBUGDATA, (void *)m);
    }
    CURLcode cc = curl_easy_perform(h);
    if (cc != CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, reply);
        *login_denied = cc == CURLE_LOGIN_DENIED;
        rc = fc_err(err, errlen, "%s", ebuf[0] ? ebuf : curl_easy_strerror(cc));
    }
out:
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    return rc;
}

const char *http_lib_version(void)
{
    static char buf[64];
    if (!buf[0]) {
        curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
        snprintf(buf, sizeof buf, "libcurl/%s", v && v->version ? v->version : "?");
    }
    return buf;
}

void http_lib_info(fc_lib_info *out)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    out->name = "libcurl";
    snprintf(out->version, sizeof out->version, "%s", v && v->version ? v->version : "");
    out->built_with = LIBCURL_VERSION;
    out->symbol = (const void *)curl_version_info;
}
