/* http: one HTTP exchange with AWS, done the way the AWS CLI does it —
 * connection and total timeouts, bounded retries with exponential backoff
 * and jitter on throttling (RequestLimitExceeded, Throttling, SlowDown,
 * HTTP 429/503), other 5xx and transient transport errors; TLS peer and
 * host verification always on; plain http only when the caller allows it
 * (an explicit http:// endpoint URL, or the ECS/IMDS credential services).
 * libcurl is included from http.c only.
 *
 * Secrets: request headers (Authorization, X-Amz-Security-Token, IMDS and
 * ECS tokens) and bodies are never printed; -v logs method, URL without its
 * query, status, time and attempt number. */
#ifndef FC_HTTP_H
#define FC_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

typedef struct http_opts {
    long connect_timeout_ms; /* 0 = 5000 */
    long timeout_ms;         /* one whole attempt; 0 = 60000 */
    int max_attempts;        /* 0 = 5; 1 = no retry */
    long backoff_base_ms;    /* 0 = 250: before retry k, base*2^(k-1) */
    long backoff_max_ms;     /* 0 = 10000: cap on one delay */
    bool allow_http;         /* accept http:// URLs (else only https://) */
    int verbose;             /* one line per attempt on stderr */
    const char *label;       /* for messages and -v, e.g. "DescribeSubnets" */
    const char *ca_bundle;   /* PEM file of trusted CAs (AWS_CA_BUNDLE); NULL = system store */
} http_opts;

/* Called before every attempt, so a signature carries a fresh date: append
 * extra header lines "Name: value\n" to `headers`. -1 aborts the request. */
typedef int (*http_prepare_fn)(void *ctx, dbuf *headers, char *err, size_t errlen);

typedef struct http_request {
    const char *method;           /* "GET", "POST", "PUT" */
    const char *url;
    const char *const *headers;   /* "Name: value", NULL-terminated; may be NULL */
    const void *body;
    size_t body_len;
    http_prepare_fn prepare;      /* may be NULL */
    void *prepare_ctx;
} http_request;

typedef struct http_response {
    long status;                  /* last HTTP status */
    dbuf body;                    /* last response body (NUL-terminated) */
    int attempts;                 /* attempts made */
    char request_id[128];         /* x-amzn-RequestId / x-amz-request-id, if sent */
} http_response;

/* Perform the request, retrying what is retryable. Returns 0 when a
 * response arrived — whatever its status: after the retries are spent, the
 * last (error) response is returned so the caller can read AWS's error
 * body — and -1 with a one-line message when no response could be had
 * (refused, timed out, TLS failure, body over 256 MiB) after the retries.
 * `resp` is initialised here; free it with http_response_free(). */
int http_do(const http_request *rq, const http_opts *o, http_response *resp,
            char *err, size_t errlen);
void http_response_free(http_response *r);

/* True for the error codes AWS uses for throttling and transient faults
 * (RequestLimitExceeded, Throttling, SlowDown, ...), found as
 * <Code>X</Code> or "X" in an error body. */
bool http_is_retryable_body(const char *body);

/* "libcurl/7.88.1" from the runtime library, for --version. */
const char *http_lib_version(void);

#endif
