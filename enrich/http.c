/* http: AWS APIs throttle (RequestLimitExceeded on EC2, SlowDown on S3),
 * fail transiently with 5xx, and sometimes never answer; a cost report must
 * neither give up on the first hiccup nor hang or hammer the API. So every
 * call goes through one loop with bounded attempts, exponential backoff with
 * jitter (half fixed, half random, so clients that were throttled together
 * spread out) and per-attempt connection and total timeouts. This is the
 * only file that includes libcurl. */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#define HTTP_MAX_BODY ((size_t)256 << 20)

static const char *const retry_codes[] = {
    "RequestLimitExceeded", "Throttling", "ThrottlingException", "ThrottledException",
    "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
    "SlowDown", "EC2ThrottledException", "ProvisionedThroughputExceededException",
    "PriorRequestNotComplete", "TransactionInProgressException", "RequestTimeout",
    "RequestTimeoutException", "InternalError", "ServiceUnavailable", "Unavailable",
};

bool http_is_retryable_body(const char *body)
{
    if (!body) return false;
    char pat[80];
    for (size_t i = 0; i < sizeof retry_codes / sizeof *retry_codes; i++) {
        snprintf(pat, sizeof pat, "<Code>%s</Code>", retry_codes[i]);
        if (strstr(body, pat)) return true;
        snprintf(pat, sizeof pat, "\"%s\"", retry_codes[i]);
        if (strstr(body, pat) && strstr(body, "\"__type\"")) return true;
    }
    return false;
}

static bool retryable_status(long s)
{
    return s == 429 || (s >= 500 && s <= 599 && s != 501);
}

static bool retryable_curl(CURLcode c)
{
    switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}

static const char *noproxy_list(void)
{
    static char buf[2048];
    if (!buf[0]) {
        const char *env = getenv("NO_PROXY");
        if (!env || !*env) env = getenv("no_proxy");
        snprintf(buf, sizeof buf, "169.254.169.254,169.254.170.2,169.254.170.23,fd00:ec2::254,fd00:ec2::23%s%s",
                 env && *env ? "," : "", env && *env ? env : "");
    }
    return buf;
}

static void global_init(void)
{
    static int done;
    if (!done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        done = 1;
    }
}

/* Jitter needs spread, not secrecy: a xorshift seeded from time and pid. */
static uint64_t rnd(void)
{
    static uint64_t s;
    if (!s) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        s = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40) ^ 0x9e3779b97f4a7c15ull;
    }
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0) {
    }
}

typedef struct xfer {
    http_response *resp;
    bool too_big;
    long retry_after_ms;
} xfer;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    xfer *x = ud;
    if (dbuf_append(&x->resp->body, p, sz * n) < 0) {
        x->too_big = true;
        return 0;
    }
    return sz * n;
}

static bool header_is(const char *line, size_t n, const char *name, const char **val, size_t *vlen)
{
    size_t l = strlen(name);
    if (n <= l || strncasecmp(line, name, l) != 0 || line[l] != ':') return false;
    const char *v = line + l + 1, *e = line + n;
    while (v < e && (*v == ' ' || *v == '\t')) v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ')) e--;
    *val = v;
    *vlen = (size_t)(e - v);
    return true;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = sz * n, vl;
    const char *v;
    if (header_is(p, len, "x-amzn-requestid", &v, &vl) || header_is(p, len, "x-amz-request-id", &v, &vl)) {
        snprintf(x->resp->request_id, sizeof x->resp->request_id, "%.*s", (int)vl, v);
    } else if (header_is(p, len, "retry-after", &v, &vl)) {
        long s = 0;
        for (size_t i = 0; i < vl && v[i] >= '0' && v[i] <= '9' && s < 3600; i++) s = s * 10 + (v[i] - '0');
        x->retry_after_ms = s * 1000;
    }
    return len;
}

/* The URL without its query (which may carry a presigned signature). */
static void log_url(const char *url, char *buf, size_t n)
{
    size_t l = strcspn(url, "?#");
    snprintf(buf, n, "%.*s", (int)l, url);
}

static int one_attempt(CURL *h, const http_request *rq, const http_opts *o, http_response *resp,
                       xfer *x, CURLcode *cc, char *cerr, char *err, size_t errlen)
{
    struct curl_slist *hl = NULL;
    for (const char *const *p = rq->headers; p && *p; p++) hl = curl_slist_append(hl, *p);
    /* libcurl would add "Expect: 100-continue" to large POSTs; AWS does not need the round trip. */
    hl = curl_slist_append(hl, "Expect:");
    if (rq->prepare) {
        dbuf extra;
        dbuf_init(&extra, 0);
        if (rq->prepare(rq->prepare_ctx, &extra, err, errlen) < 0) {
            dbuf_free(&extra);
            curl_slist_free_all(hl);
            return -1;
        }
        for (char *line = extra.data; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl) *nl = '\0';
            if (*line) hl = curl_slist_append(hl, line);
            line = nl ? nl + 1 : line + strlen(line);
        }
        /* The extra lines may hold a token or signature: wipe before freeing. */
        if (extra.data) memset(extra.data, 0, extra.len);
        dbuf_free(&extra);
    }
    dbuf_reset(&resp->body);
    resp->status = 0;
    resp->request_id[0] = '\0';
    x->too_big = false;
    x->retry_after_ms = 0;

    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, rq->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (o->ca_bundle && *o->ca_bundle) curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_bundle);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, o->allow_http ? "http,https" : "https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, o->allow_http ? (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS) : (long)CURLPROTO_HTTPS);
#endif
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 5000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : 60000L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "flowcost");
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
    /* The credential services are link-local; never send them (or their
     * tokens) through a proxy. CURLOPT_NOPROXY replaces NO_PROXY, so the
     * user's list is appended rather than lost. */
    curl_easy_setopt(h, CURLOPT_NOPROXY, noproxy_list());
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
    cerr[0] = '\0';
    *cc = curl_easy_perform(h);
    if (*cc == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hl);
    return 0;
}

int http_do(const http_request *rq, const http_opts *o, http_response *resp,
            char *err, size_t errlen)
{
    memset(resp, 0, sizeof *resp);
    dbuf_init(&resp->body, HTTP_MAX_BODY);
    global_init();
    const char *label = o->label ? o->label : rq->method;
    char url[512];
    log_url(rq->url, url, sizeof url);
    if (strncmp(rq->url, "https://", 8) != 0 && !(o->allow_http && strncmp(rq->url, "http://", 7) == 0))
        return fc_err(err, errlen, "refusing '%s': only https:// is allowed here (plain http only with an explicit http:// endpoint URL)", url);

    CURL *h = curl_easy_init();
    if (!h) return fc_err(err, errlen, "cannot initialise libcurl");
    int max = o->max_attempts > 0 ? o->max_attempts : 5;
    long base = o->backoff_base_ms > 0 ? o->backoff_base_ms : 250;
    long cap = o->backoff_max_ms > 0 ? o->backoff_max_ms : 10000;
    char cerr[CURL_ERROR_SIZE];
    xfer x = {.resp = resp};
    int rc = -1;
    for (int attempt = 1; attempt <= max; attempt++) {
        CURLcode cc;
        long t0 = now_ms();
        resp->attempts = attempt;
        if (one_attempt(h, rq, o, resp, &x, &cc, cerr, err, errlen) < 0) break;
        long dt = now_ms() - t0;
        bool retry;
        if (cc != CURLE_OK) {
            if (x.too_big) {
                fc_err(err, errlen, "%s: response from %s is larger than %zu MiB", label, url, HTTP_MAX_BODY >> 20);
                break;
            }
            if (o->verbose)
                fprintf(stderr, "flowcost: %s %s %s: %s (%ld ms, attempt %d/%d)\n", label, rq->method, url,
                        cerr[0] ? cerr : curl_easy_strerror(cc), dt, attempt, max);
            fc_err(err, errlen, "%s: cannot reach %s: %s (after %d attempt%s)", label, url,
                   cerr[0] ? cerr : curl_easy_strerror(cc), attempt, attempt == 1 ? "" : "s");
            retry = retryable_curl(cc);
            if (!retry) break;
        } else {
            if (o->verbose)
                fprintf(stderr, "flowcost: %s %s %s -> %ld (%ld ms, attempt %d/%d%s%s)\n", label, rq->method, url,
                        resp->status, dt, attempt, max, resp->request_id[0] ? ", request id " : "",
                        resp->request_id);
            rc = 0;
            retry = retryable_status(resp->status) ||
                    (resp->status >= 400 && http_is_retryable_body(resp->body.data));
            if (!retry) break;
        }
        if (attempt == max) break;
        long d = base << (attempt - 1 < 20 ? attempt - 1 : 20);
        if (d > cap) d = cap;
        d = d / 2 + (long)(rnd() % (uint64_t)(d / 2 + 1));
        if (x.retry_after_ms > d) d = x.retry_after_ms < cap ? x.retry_after_ms : cap;
        if (o->verbose) fprintf(stderr, "flowcost: %s: retrying in %ld ms\n", label, d);
        sleep_ms(d);
        rc = -1;
    }
    curl_easy_cleanup(h);
    return rc;
}

void http_response_free(http_response *r)
{
    dbuf_free(&r->body);
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
