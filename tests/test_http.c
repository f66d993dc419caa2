/* test_http: the one retry policy of enrich/http.c — which outcomes are
 * retried for which methods (rows), the backoff's bounds and spread (capped
 * exponential with full jitter), Retry-After in both its forms, the header
 * parser — and then the same policy end to end against a scripted server
 * on 127.0.0.1 (a thread here): attempts counted on the wire, a POST not
 * repeated, Retry-After waited for, an unreachable port retried, and
 * several streams read at once from one pool. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "http.h"
#include "util.h"

/* ---- the policy as data ---- */

static void retry_rows(void)
{
    static const char throttled[] = "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>";
    static const char denied[] = "<Error><Code>AccessDenied</Code></Error>";
    static const struct {
        const char *method;
        bool safe;
        http_net net;
        long status;
        const char *body;
        bool want;
    } rows[] = {
        {"GET", false, HTTP_NET_OK, 503, NULL, true},
        {"GET", false, HTTP_NET_OK, 500, NULL, true},
        {"GET", false, HTTP_NET_OK, 429, NULL, true},
        {"GET", false, HTTP_NET_OK, 501, NULL, false},       /* not implemented: will not change */
        {"GET", false, HTTP_NET_OK, 403, denied, false},
        {"GET", false, HTTP_NET_OK, 400, throttled, true},   /* throttling said in the body */
        {"GET", false, HTTP_NET_OK, 404, NULL, false},
        {"PUT", false, HTTP_NET_OK, 503, NULL, true},
        {"DELETE", false, HTTP_NET_OK, 503, NULL, true},
        {"POST", false, HTTP_NET_OK, 503, NULL, false},      /* not idempotent */
        {"POST", false, HTTP_NET_OK, 400, throttled, false},
        {"POST", false, HTTP_NET_TRANSIENT, 0, NULL, false}, /* may have reached the server */
        {"POST", false, HTTP_NET_UNSENT, 0, NULL, true},     /* never left: safe to send */
        {"POST", true, HTTP_NET_OK, 503, NULL, true},        /* the caller says it is read-only */
        {"POST", true, HTTP_NET_TRANSIENT, 0, NULL, true},
        {"GET", false, HTTP_NET_TRANSIENT, 0, NULL, true},
        {"GET", false, HTTP_NET_FATAL, 0, NULL, false},      /* TLS verification failed */
        {"POST", true, HTTP_NET_FATAL, 0, NULL, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        bool got = http_should_retry(rows[i].method, rows[i].safe, rows[i].net, rows[i].status, rows[i].body);
        if (got != rows[i].want) fprintf(stderr, "retry row %zu (%s %ld)\n", i, rows[i].method, rows[i].status);
        CHECK(got == rows[i].want);
    }
}

static void backoff(void)
{
    http_opts o = {0}; /* defaults: base 250 ms, cap 10,000 ms */
    /* Ceiling before retry k+1 is min(10000, 250 * 2^(k-1)):
     * 250, 500, 1000, 2000, 4000, 8000, then 16000 and more capped to 10000. */
    static const long ceil[] = {0, 250, 500, 1000, 2000, 4000, 8000, 10000, 10000, 10000, 10000};
    uint64_t rng = 42;
    for (int k = 1; k <= 10; k++) {
        long lo = ceil[k], hi = 0;
        double sum = 0;
        bool in = true;
        for (int i = 0; i < 2000; i++) {
            long d = http_backoff_ms(&o, k, 0, &rng);
            in = in && d >= 0 && d <= ceil[k];
            if (d < lo) lo = d;
            if (d > hi) hi = d;
            sum += (double)d;
        }
        CHECK(in);
        /* Full jitter: the draws cover [0, ceiling] — the lowest tenth and
         * the highest tenth both occur (equal jitter would never go below
         * half), and the mean is near half the ceiling. */
        CHECK(lo <= ceil[k] / 10);
        CHECK(hi >= ceil[k] - ceil[k] / 10);
        CHECK_NEAR(sum / 2000, (double)ceil[k] / 2.0, (double)ceil[k] * 0.05);
    }
    /* Huge attempt numbers stay capped (no shift overflow). */
    CHECK(http_backoff_ms(&o, 1000, 0, &rng) <= 10000);
    /* Retry-After 3 s before retry 2 (ceiling 250 ms): exactly 3000. */
    CHECK(http_backoff_ms(&o, 1, 3000, &rng) == 3000);
    /* Retry-After 60 s: capped at 10 s. */
    CHECK(http_backoff_ms(&o, 1, 60000, &rng) == 10000);
    /* Retry-After below the drawn delay does not shorten it: at attempt 7
     * (ceiling 10000) with Retry-After 1 ms, some draws are far above 1. */
    long mx = 0;
    for (int i = 0; i < 100; i++) {
        long d = http_backoff_ms(&o, 7, 1, &rng);
        CHECK(d >= 1);
        if (d > mx) mx = d;
    }
    CHECK(mx > 5000);
    /* Own base and cap. */
    http_opts small = {.backoff_base_ms = 10, .backoff_max_ms = 35};
    for (int i = 0; i < 200; i++) CHECK(http_backoff_ms(&small, 3, 0, &rng) <= 35); /* 10*4 = 40 > 35 */
    /* Two generators seeded apart give different sequences; one seed
     * gives the same (the state is the caller's, nothing shared). */
    uint64_t a = 1, b = 2, a2 = 1;
    long da = http_backoff_ms(&o, 6, 0, &a), db = http_backoff_ms(&o, 6, 0, &b), da2 = http_backoff_ms(&o, 6, 0, &a2);
    CHECK(da == da2);
    CHECK(da != db);
}

static void retry_after(void)
{
    /* 2015-10-21T07:28:00Z: 45 years 1970..2014 with 11 leap days = 16436
     * days, + 273 (Jan..Sep 2015) + 20 = 16729 days; 16729*86400 =
     * 1445385600, + 7*3600 + 28*60 = 1445412480. */
    const int64_t t = 1445412480;
    static const struct {
        const char *v;
        int64_t now;
        long want;
    } rows[] = {
        {"120", 0, 120000},
        {"0", 0, 0},
        {"Wed, 21 Oct 2015 07:28:00 GMT", t - 30, 30000},
        {"Wed, 21 Oct 2015 07:28:00 GMT", t + 5, 0},  /* already past */
        {"soon", 0, 0},
        {"12x", 0, 0},
        {"", 0, 0},
        {"999999999999", 0, 86400000},               /* a day at most */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        CHECK(http_retry_after_ms(rows[i].v, strlen(rows[i].v), rows[i].now) == rows[i].want);
}

static void header_split(void)
{
    static const struct {
        const char *line, *name, *val; /* name NULL: not a header */
    } rows[] = {
        {"Retry-After: 5\r\n", "Retry-After", "5"},
        {"x-amz-request-id:ABC\r\n", "x-amz-request-id", "ABC"},
        {"ETag:   \"e1\"  \r\n", "ETag", "\"e1\""},
        {"X-Empty:\r\n", "X-Empty", ""},
        {"HTTP/1.1 200 OK\r\n", NULL, NULL},
        {"\r\n", NULL, NULL},
        {": no name\r\n", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const char *n, *v;
        size_t nl, vl;
        bool ok = http_header_split(rows[i].line, strlen(rows[i].line), &n, &nl, &v, &vl);
        CHECK(ok == (rows[i].name != NULL));
        if (ok && rows[i].name) {
            CHECK(nl == strlen(rows[i].name) && memcmp(n, rows[i].name, nl) == 0);
            CHECK(vl == strlen(rows[i].val) && memcmp(v, rows[i].val, vl) == 0);
        }
    }
}

/* ---- a scripted server ---- */

typedef struct server {
    int fd, port;
    const char *reply;     /* the whole response, sent to every request... */
    const char *const *replies; /* ...or request i gets replies[i] (the last one repeats) */
    int n_replies;
    int requests;
    char methods[16][8];
    char heads[4][1024];   /* the first requests' header blocks */
    pthread_mutex_t mu;
    volatile int stop;
} server;

static void *serve(void *arg)
{
    server *s = arg;
    for (;;) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0 || s->stop) {
            if (c >= 0) close(c);
            return NULL;
        }
        char req[8192];
        size_t n = 0;
        ssize_t k;
        while (n < sizeof req - 1 && (k = read(c, req + n, sizeof req - 1 - n)) > 0) {
            n += (size_t)k;
            req[n] = '\0';
            char *end = strstr(req, "\r\n\r\n");
            if (!end) continue;
            const char *cl = strstr(req, "Content-Length: ");
            size_t body = cl ? (size_t)atol(cl + 16) : 0;
            if (n >= (size_t)(end + 4 - req) + body) break;
        }
        pthread_mutex_lock(&s->mu);
        if (s->requests < 16) snprintf(s->methods[s->requests], sizeof s->methods[0], "%.*s", (int)strcspn(req, " "), req);
        if (s->requests < 4) snprintf(s->heads[s->requests], sizeof s->heads[0], "%.1000s", req);
        const char *reply = s->replies ? s->replies[s->requests < s->n_replies ? s->requests : s->n_replies - 1] : s->reply;
        s->requests++;
        pthread_mutex_unlock(&s->mu);
        size_t left = strlen(reply);
        const char *p = reply;
        while (left && (k = write(c, p, left)) > 0) {
            p += k;
            left -= (size_t)k;
        }
        close(c);
    }
}

static int server_start(server *s, pthread_t *th, const char *reply)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->reply = reply;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(s->fd, 16) < 0 ||
        getsockname(s->fd, (struct sockaddr *)&a, &al) < 0)
        return -1;
    s->port = ntohs(a.sin_port);
    return pthread_create(th, NULL, serve, s);
}

static void server_stop(server *s, pthread_t th)
{
    s->stop = 1;
    /* Wake the accept with one last connection. */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(c, (struct sockaddr *)&a, sizeof a) == 0) close(c);
    else close(c);
    pthread_join(th, NULL);
    close(s->fd);
    pthread_mutex_destroy(&s->mu);
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

#define R503 "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
#define R501 "HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
#define R400T "HTTP/1.1 400 Bad Request\r\nContent-Length: 69\r\nConnection: close\r\n\r\n" \
              "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>"
#define R503RA "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
#define R200 "HTTP/1.1 200 OK\r\nx-amz-request-id: RID-1\r\nContent-Length: 26\r\nConnection: close\r\n\r\n" \
             "abcdefghijklmnopqrstuvwxyz"

static void wire(void)
{
    /* Short delays so the rows run in well under a second, except the
     * Retry-After row, which must wait the server's 1 s. */
    static const struct {
        const char *method;
        bool safe;
        const char *reply;
        int max;
        long cap_ms;
        int want_requests;
        long want_status;
        long min_ms;
    } rows[] = {
        {"GET", false, R503, 3, 5, 3, 503, 0},
        {"POST", false, R503, 3, 5, 1, 503, 0},   /* a POST is not repeated... */
        {"POST", true, R503, 3, 5, 3, 503, 0},    /* ...unless marked safe */
        {"PUT", false, R503, 3, 5, 3, 503, 0},
        {"GET", false, R501, 3, 5, 1, 501, 0},
        {"GET", false, R400T, 3, 5, 3, 400, 0},
        {"GET", false, R503RA, 2, 5000, 2, 503, 1000}, /* waited for Retry-After: 1 */
        {"GET", false, R200, 3, 5, 1, 200, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        server s;
        pthread_t th;
        if (server_start(&s, &th, rows[i].reply) != 0) {
            CHECK(!"server start");
            return;
        }
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/x", s.port);
        http_opts o = {.allow_http = true, .max_attempts = rows[i].max, .backoff_base_ms = 1,
                       .backoff_max_ms = rows[i].cap_ms, .label = "test"};
        http_request rq = {.method = rows[i].method, .url = url, .body = "a=b", .body_len = 3,
                           .retry_safe = rows[i].safe};
        http_response r;
        char err[FC_ERRLEN];
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc = http_do(&rq, &o, &r, err, sizeof err);
        long ms = ms_since(&t0);
        server_stop(&s, th);
        if (rc != 0 || s.requests != rows[i].want_requests || r.status != rows[i].want_status || ms < rows[i].min_ms)
            fprintf(stderr, "wire row %zu: rc %d, %d requests, status %ld, %ld ms\n", i, rc, s.requests, r.status, ms);
        CHECK(rc == 0);
        CHECK(s.requests == rows[i].want_requests);
        CHECK(r.attempts == rows[i].want_requests);
        CHECK(r.status == rows[i].want_status);
        CHECK(ms >= rows[i].min_ms);
        CHECK(strcmp(s.methods[0], rows[i].method) == 0);
        if (r.status == 200) {
            CHECK_STR(r.body.data, "abcdefghijklmnopqrstuvwxyz");
            CHECK_STR(r.request_id, "RID-1");
            CHECK_STR(http_header(&r, "X-AMZ-REQUEST-ID"), "RID-1");
            CHECK(http_header(&r, "retry-after") == NULL);
        }
        http_response_free(&r);
    }

    /* Nothing listens: the request never left, so even a POST is retried,
     * and the message says how often. */
    server s;
    pthread_t th;
    if (server_start(&s, &th, R503) != 0) return;
    int port = s.port;
    server_stop(&s, th);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", port);
    http_opts o = {.allow_http = true, .max_attempts = 3, .backoff_base_ms = 1, .backoff_max_ms = 5, .label = "test"};
    http_request rq = {.method = "POST", .url = url};
    http_response r;
    char err[FC_ERRLEN];
    CHECK(http_do(&rq, &o, &r, err, sizeof err) == -1);
    CHECK(r.attempts == 3);
    CHECK(strstr(err, "(after 3 attempts)") != NULL);
    http_response_free(&r);
}

static void streams(void)
{
    /* Two streams on one pool, read in turns: each gets its own body. */
    server s;
    pthread_t th;
    if (server_start(&s, &th, R200) != 0) {
        CHECK(!"server start");
        return;
    }
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", s.port);
    http_pool *p = http_pool_new();
    http_opts o = {.allow_http = true, .max_attempts = 2, .backoff_base_ms = 1, .backoff_max_ms = 5, .label = "t"};
    http_request rq = {.method = "GET", .url = url};
    char err[FC_ERRLEN];
    http_stream *a = http_stream_open(p, &rq, &o, err, sizeof err);
    http_stream *b = http_stream_open(p, &rq, &o, err, sizeof err);
    CHECK(a && b);
    char ga[64] = "", gb[64] = "";
    size_t na = 0, nb = 0;
    ssize_t k1 = 1, k2 = 1;
    while (a && b && (k1 > 0 || k2 > 0)) {
        if (k1 > 0 && (k1 = http_stream_read(a, ga + na, 5)) > 0) na += (size_t)k1;
        if (k2 > 0 && (k2 = http_stream_read(b, gb + nb, 7)) > 0) nb += (size_t)k2;
    }
    CHECK(k1 == 0 && k2 == 0);
    CHECK_STR(ga, "abcdefghijklmnopqrstuvwxyz");
    CHECK_STR(gb, "abcdefghijklmnopqrstuvwxyz");
    CHECK(a && http_stream_response(a)->received == 26 && http_stream_response(a)->status == 200);
    http_stream_close(a);
    http_stream_close(b);
    http_pool_free(p);
    server_stop(&s, th);
    CHECK(s.requests == 2);

    /* A refused URL: no stream, the reason in err. */
    p = http_pool_new();
    http_opts strict = {.label = "t"};
    CHECK(http_stream_open(p, &rq, &strict, err, sizeof err) == NULL);
    CHECK(strstr(err, "only https:// is allowed") != NULL);
    http_pool_free(p);
}

/* A body cut after 10 of 26 bytes: a resumable stream asks for the rest
 * with Range and If-Match and the reader sees one unbroken body; without
 * resume, the bytes already read cannot be taken back, so it fails. A
 * server that ignores Range and sends 200 again: the repeated bytes are
 * dropped. */
static void resume(void)
{
    static const char *const cut_then_206[] = {
        "HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nContent-Length: 26\r\nConnection: close\r\n\r\nabcdefghij",
        "HTTP/1.1 206 Partial Content\r\nETag: \"v1\"\r\nContent-Range: bytes 10-25/26\r\nContent-Length: 16\r\n"
        "Connection: close\r\n\r\nklmnopqrstuvwxyz",
    };
    static const char *const cut_then_200[] = {
        "HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nContent-Length: 26\r\nConnection: close\r\n\r\nabcdefghij",
        R200,
    };
    static const struct {
        const char *const *replies;
        bool resume;
        int want_requests;
        const char *want_body; /* NULL: the read fails */
    } rows[] = {
        {cut_then_206, true, 2, "abcdefghijklmnopqrstuvwxyz"},
        {cut_then_200, true, 2, "abcdefghijklmnopqrstuvwxyz"},
        {cut_then_206, false, 1, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        server s;
        pthread_t th;
        if (server_start(&s, &th, NULL) != 0) {
            CHECK(!"server start");
            return;
        }
        s.replies = rows[i].replies;
        s.n_replies = 2;
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/obj", s.port);
        http_pool *p = http_pool_new();
        http_opts o = {.allow_http = true, .max_attempts = 3, .backoff_base_ms = 1, .backoff_max_ms = 5, .label = "t"};
        http_request rq = {.method = "GET", .url = url, .resume = rows[i].resume, .raw = true};
        char err[FC_ERRLEN], got[64] = "";
        http_stream *st = http_stream_open(p, &rq, &o, err, sizeof err);
        size_t n = 0;
        ssize_t k = 0;
        /* Read 4 bytes at a time, so the cut falls inside what was handed over. */
        while (st && n + 4 < sizeof got && (k = http_stream_read(st, got + n, 4)) > 0) n += (size_t)k;
        got[n] = '\0';
        if (rows[i].want_body) {
            CHECK(k == 0);
            CHECK_STR(got, rows[i].want_body);
        } else {
            CHECK(k == -1);
            CHECK(st && strstr(http_stream_error(st), "(after 1 attempt)") != NULL);
        }
        http_stream_close(st);
        http_pool_free(p);
        server_stop(&s, th);
        CHECK(s.requests == rows[i].want_requests);
        if (rows[i].want_requests == 2) {
            CHECK(strstr(s.heads[1], "Range: bytes=10-\r\n") != NULL);
            CHECK(strstr(s.heads[1], "If-Match: \"v1\"\r\n") != NULL);
        }
        CHECK(strstr(s.heads[0], "Range:") == NULL);
    }
}

int main(void)
{
    setenv("NO_PROXY", "127.0.0.1", 1);
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    retry_rows();
    backoff();
    retry_after();
    header_split();
    wire();
    streams();
    resume();
    return check_done();
}
