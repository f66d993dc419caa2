/* sigv4: AWS Signature Version 4 as a pure function — canonical request →
 * string to sign → signature → Authorization header — with the clock passed
 * in, so it is tested byte for byte against AWS's aws-sig-v4-test-suite
 * (tests/test_sigv4.c). OpenSSL is included from sigv4.c only.
 *
 * Used by ec2.c (service "ec2") and s3.c (service "s3"). The caller builds
 * the headers to sign, including "host" and "x-amz-date" (sigv4_amz_date of
 * the same `now`), plus "x-amz-security-token" with temporary credentials
 * and "x-amz-content-sha256" for S3; then adds the returned Authorization
 * header to the request. Nothing here prints or keeps the secret. */
#ifndef FC_SIGV4_H
#define FC_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct sigv4_header {
    const char *name;  /* any case; a name given twice is one header, values joined by ',' */
    const char *value; /* trimmed, inner runs of spaces collapsed, "\n" continuations folded */
} sigv4_header;

typedef struct sigv4_request {
    const char *method;   /* "GET", "POST", ... */
    /* The path as sent on the wire. Other services: dot segments and
     * repeated slashes removed, then every byte outside the unreserved set
     * and '/' percent-encoded (so "%20" on the wire signs as "%2520", AWS's
     * "encode twice"). S3 (s3 = true): not normalised, encoded once
     * ("%XX" decoded first so an encoded key is not encoded again). */
    const char *path;
    /* Query string without '?', as on the wire ("b=2&a=1"), NULL or "" for
     * none: each name and value is %-decoded, re-encoded, and the pairs are
     * sorted by name then value. */
    const char *query;
    const sigv4_header *headers;
    size_t n_headers;
    const void *body;
    size_t body_len;
    /* Hex SHA-256 of the payload or "UNSIGNED-PAYLOAD"; NULL = hash body. */
    const char *payload_hash;
    bool s3;
} sigv4_request;

typedef struct sigv4_key {
    const char *access_key, *secret_key;
    const char *region, *service;
} sigv4_key;

/* "20150830T123600Z" for a unix time (out >= 17 bytes). */
void sigv4_amz_date(int64_t now, char out[17]);
/* Lower-case hex SHA-256 (out >= 65 bytes). */
void sigv4_sha256_hex(const void *p, size_t n, char out[65]);
/* Append s[0..n) percent-encoded as SigV4 wants it: unreserved bytes
 * (A-Z a-z 0-9 - . _ ~) kept, '/' kept when keep_slash, the rest %XX with
 * upper-case hex. Also the encoding to use when building query strings. */
void sigv4_uri_encode(dbuf *out, const char *s, size_t n, bool keep_slash);

/* Step 1: the canonical request into `out` and the ';'-joined lower-case
 * signed header names into `signed_headers` (both appended). Fails on a
 * header without a name or more than 64 headers. */
int sigv4_canonical_request(const sigv4_request *r, dbuf *out, dbuf *signed_headers,
                            char *err, size_t errlen);
/* Step 2: "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of creq>". */
void sigv4_string_to_sign(const char *amz_date, const char *region, const char *service,
                          const char *canonical_request, dbuf *out);
/* Step 3: hex HMAC-SHA256 of the string to sign with the key derived from
 * the secret, the date (first 8 characters of amz_date), region, service. */
void sigv4_signature(const char *secret_key, const char *amz_date, const char *region,
                     const char *service, const char *string_to_sign, char out[65]);

/* All three steps: the value of the Authorization header, appended to
 * `authorization`. `now` must be the time written into x-amz-date. */
int sigv4_authorization(const sigv4_request *r, const sigv4_key *k, int64_t now,
                        dbuf *authorization, char *err, size_t errlen);

/* "OpenSSL/3.0.x" from the runtime library, for --version. */
const char *sigv4_lib_version(void);
/* OpenSSL for --version --json. */
void sigv4_lib_info(fc_lib_info *out);

#endif
