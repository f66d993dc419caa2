/* http: every network exchange of flowcost — EC2, S3, the credential
 * services and SMTP — goes through this module, done the way the AWS CLI
 * does it:
 * - one retry policy: bounded attempts; capped exponential backoff with
 *   full jitter (a delay drawn uniformly from [0, min(cap, base*2^(k-1))]
 *   before retry k) and never shorter than a server's Retry-After (itself
 *   capped); retries on throttling (HTTP 429, RequestLimitExceeded,
 *   Throttling, SlowDown, ...), other 5xx but 501, and transport errors —
 *   but only for idempotent methods (GET, HEAD, PUT, DELETE) or requests the
 *   caller marks retry_safe; a connection that could not be made at all is
 *   retried whatever the method (nothing was sent);
 * - one response-header parser (status, request id, Retry-After, ETag, any
 *   header by name);
 * - one TLS configuration: peer and host verification always on, trust from
 *   the system store or an explicit CA bundle (AWS_CA_BUNDLE for AWS calls,
 *   CURL_CA_BUNDLE / SSL_CERT_FILE for SMTP); plain http only when the
 *   caller allows it (an explicit http:// endpoint URL, or the ECS/IMDS
 *   credential services).
 * Two shapes: request/response (http_do, the whole body in memory) and
 * streams (http_stream_*: several transfers at once on one http_pool, each
 * pulled by its own reader, a cut download resumed with Range + If-Match).
 * libcurl is included from http.c only.
 *
 * Secrets: request headers (Authorization, X-Amz-Security-Token, IMDS and
 * ECS tokens), SMTP credentials and bodies are never printed; -v logs
 * method, target (the URL without its query unless the caller names one),
 * status, time and attempt number. */
#ifndef FC_HTTP_H
#define FC_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

typedef struct http_opts {
    long connect_timeout_ms; /* 0 = 5000 */
    long timeout_ms;         /* one whole attempt; 0 = 60000; -1 = none (see stall_s) */
    long stall_s;            /* > 0: an attempt slower than 1 KiB/s for this long is cut and retried */
    int max_attempts;        /* 0 = 5; 1 = no retry */
    long backoff_base_ms;    /* 0 = 250 */
    long backoff_max_ms;     /* 0 = 10000: cap on one delay, Retry-After included */
    bool allow_http;         /* accept http:// URLs (else only https://) */
    int verbose;             /* one line per attempt on stderr */
    const char *label;       /* for messages, e.g. "DescribeSubnets" */
    const char *log_prefix;  /* starts each -v line; NULL = label */
    const char *ca_bundle;   /* PEM file of trusted CAs (AWS_CA_BUNDLE); NULL = system store */
} http_opts;

/* Passed to the prepare hook before every attempt. */
typedef struct http_attempt {
    int attempt;             /* 1, 2, ... */
    uint64_t resume_from;    /* > 0: this attempt asks for the body from this byte on */
} http_attempt;

/* Called before every attempt, so a signature carries a fresh date: append
 * extra header lines "Name: value\n" to `headers`. -1 aborts the request. */
typedef int (*http_prepare_fn)(void *ctx, const http_attempt *a, dbuf *headers, char *err, size_t errlen);

typedef struct http_request {
    const char *method;           /* "GET", "POST", "PUT" */
    const char *url;
    const char *const *headers;   /* "Name: value", NULL-terminated; may be NULL */
    const void *body;
    size_t body_len;
    http_prepare_fn prepare;      /* may be NULL */
    void *prepare_ctx;
    bool retry_safe;              /* a POST that may be repeated (a read-only Query API call) */
    bool resume;                  /* streams: a cut 2xx body continues with Range (+ If-Match) */
    bool raw;                     /* no Accept-Encoding: the bytes as stored (sizes, Range offsets) */
    const char *target;           /* shown by -v and in messages; NULL = the URL up to its query */
} http_request;

typedef struct http_response {
    long status;                  /* last HTTP status; 0 = no response */
    dbuf body;                    /* http_do: the last body; streams: a non-2xx body (<= 64 KiB) */
    int attempts;                 /* attempts made */
    uint64_t received;            /* body bytes handed over (streams: over all attempts) */
    char request_id[128];         /* x-amzn-RequestId / x-amz-request-id, if sent */
    dbuf headers;                 /* the last response's: "name\0value\0"..., names lower-case */
} http_response;

/* Perform the request, retrying what is retryable. Returns 0 when a
 * response arrived — whatever its status: after the retries are spent, the
 * last (error) response is returned so the caller can read AWS's error
 * body — and -1 with a one-line message when no response could be had
 * (refused, timed out, TLS failure, body over 256 MiB) after the retries.
 * `resp` is initialised here, also on -1; free it with http_response_free(). */
int http_do(const http_request *rq, const http_opts *o, http_response *resp,
            char *err, size_t errlen);
void http_response_free(http_response *r);
/* A header of the response by name (any case), or NULL. */
const char *http_header(const http_response *r, const char *name);

/* ---- streams ---- */

/* A set of transfers driven together (libcurl's multi interface); it keeps
 * the connections, so transfers one after another on one pool reuse them.
 * One pool belongs to one thread. */
typedef struct http_pool http_pool;
http_pool *http_pool_new(void);
void http_pool_free(http_pool *p);       /* closes any stream still open on it */

/* http_do on a pool (connections kept for the next request). */
int http_pool_do(http_pool *p, const http_request *rq, const http_opts *o, http_response *resp,
                 char *err, size_t errlen);

/* One response body, pulled. Everything rq and o point to must stay valid
 * until http_stream_close. The transfer starts on the first read; reading
 * one stream also moves the pool's other streams along (each buffers up to
 * 1 MiB, then waits). Retries — with the policy above; after body bytes
 * have been handed over only when rq->resume — are invisible to the reader.
 * NULL only for a URL the options refuse (err filled). */
typedef struct http_stream http_stream;
http_stream *http_stream_open(http_pool *p, const http_request *rq, const http_opts *o,
                              char *err, size_t errlen);
/* Up to n bytes of a 2xx body: > 0, 0 at its end, -1 when it cannot be had:
 * then either a final response other than 2xx arrived (status and body in
 * http_stream_response) or none did (http_stream_error says why). */
ssize_t http_stream_read(http_stream *s, void *buf, size_t n);
const http_response *http_stream_response(const http_stream *s);
const char *http_stream_error(const http_stream *s);  /* "" when a response arrived */
void http_stream_close(http_stream *s);

/* ---- the policy, exposed for tests/test_http.c ---- */

/* Transport outcomes as the retry policy sees them. */
typedef enum http_net {
    HTTP_NET_OK,         /* a response arrived */
    HTTP_NET_UNSENT,     /* could not resolve or connect: the request never left */
    HTTP_NET_TRANSIENT,  /* timed out, reset, cut: may have reached the server */
    HTTP_NET_FATAL       /* TLS verification, bad URL, ...: retrying cannot help */
} http_net;

/* Whether one more attempt may follow this one. `body` is the response
 * body (AWS error document) or NULL. */
bool http_should_retry(const char *method, bool retry_safe, http_net net, long status,
                       const char *body);
/* The delay before retry `attempt` + 1 (attempt >= 1 has just failed):
 * uniform in [0, min(cap, base*2^(attempt-1))], raised to
 * min(retry_after_ms, cap) when the server sent Retry-After. *rng is the
 * caller's generator state (any value; advanced here), so no state is
 * shared between threads. */
long http_backoff_ms(const http_opts *o, int attempt, long retry_after_ms, uint64_t *rng);
/* Retry-After as delta-seconds or an HTTP-date (relative to `now`), in ms;
 * 0 when absent, past or unreadable. */
long http_retry_after_ms(const char *value, size_t len, int64_t now);
/* "Name: value\r\n" → name and value without the blanks around them.
 * False for a line that is not a header (status line, blank line). */
bool http_header_split(const char *line, size_t n, const char **name, size_t *nlen,
                       const char **val, size_t *vlen);

/* The AWS error code that makes a response retryable (RequestLimitExceeded,
 * Throttling, SlowDown, ...), found as <Code>X</Code> or a JSON "__type"
 * "X" in an error body, or NULL. */
const char *http_retryable_code(const char *body);
bool http_is_retryable_body(const char *body);

/* ---- SMTP transport (the protocol logic is smtp.c's) ---- */

typedef enum http_trace_kind { HTTP_TRACE_TEXT, HTTP_TRACE_OUT, HTTP_TRACE_IN } http_trace_kind;

typedef struct http_mail {
    const char *url;               /* smtp://host[:port] or smtps://host[:port] */
    bool require_tls;              /* smtps://; smtp:// upgrades when STARTTLS is offered */
    const char *from;              /* envelope "<a@b>" */
    const char *const *rcpt;       /* envelope "<a@b>"s */
    size_t n_rcpt;
    const char *user, *password;   /* user NULL or "" = no AUTH */
    const void *msg;
    size_t len;
    long timeout_s;                /* 0 = 60 */
    const char *ca_bundle;         /* NULL = system store */
    /* Protocol lines (commands, replies, libcurl's notes; never the message
     * body), for smtp.c to filter and print; may be NULL. */
    void (*trace)(void *ctx, http_trace_kind kind, const char *data, size_t n);
    void *trace_ctx;
} http_mail;

/* 0 once the server accepted the message for every recipient; else -1 with
 * libcurl's reason in err, the last SMTP reply code in *reply (0 if none)
 * and *login_denied set when authentication was refused. */
int http_mail_send(const http_mail *m, long *reply, bool *login_denied, char *err, size_t errlen);

/* "libcurl/7.88.1" from the runtime library, for --version. */
const char *http_lib_version(void);
/* libcurl for --version --json. */
void http_lib_info(fc_lib_info *out);

#endif
