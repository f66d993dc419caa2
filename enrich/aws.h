/* aws: what the AWS CLI would use — credentials, region, endpoint — resolved
 * from flags, environment, ~/.aws files, ECS container credentials and IMDSv2.
 * Secrets live only in this struct; nothing prints them.
 *
 * Credential chain (first that yields a key wins), as the AWS CLI:
 *   1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
 *      (skipped when --profile is given explicitly);
 *   2. the profile (--profile, AWS_PROFILE, else "default") in the shared
 *      credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials),
 *      then in the config file (AWS_CONFIG_FILE, ~/.aws/config);
 *   3. ECS container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 *      _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]);
 *   4. EC2 instance metadata, IMDSv2 (token first), 1 s timeout, 1 attempt
 *      (AWS_METADATA_SERVICE_TIMEOUT / _NUM_ATTEMPTS); never when
 *      AWS_EC2_METADATA_DISABLED=true; AWS_EC2_METADATA_SERVICE_ENDPOINT
 *      moves it.
 * Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region.
 * Endpoint: --endpoint-url, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL,
 * else https://<service>.<region>.amazonaws.com.
 * HTTP: AWS_MAX_ATTEMPTS (default 5), FLOWCOST_CONNECT_TIMEOUT and
 * FLOWCOST_HTTP_TIMEOUT (seconds; default 5 and 60), AWS_CA_BUNDLE (a PEM
 * file of CAs to trust instead of the system store, as the AWS CLI). */
#ifndef FC_AWS_H
#define FC_AWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

typedef struct aws_config {
    char access_key[128];
    char secret_key[128];
    char session_token[2048];
    char region[64];
    char endpoint_url[512]; /* "" = the public endpoint for the service */
    int verbose;
    /* Added by enrich: */
    bool endpoint_from_flag;   /* endpoint_url came from --endpoint-url */
    char profile[128];         /* the profile consulted ("default" if none named) */
    const char *cred_source;   /* "environment", "shared credentials file", ... */
    int max_attempts;          /* AWS_MAX_ATTEMPTS, default 5 */
    long connect_timeout_ms, timeout_ms;
    char ca_bundle[1024];      /* AWS_CA_BUNDLE: extra trust, never less verification */
    int64_t expires_at;        /* session credentials' expiry (unix time), 0 = none known */
} aws_config;

/* Resolve credentials and region. region/profile/endpoint may be NULL.
 * Returns -1 with a message when no credentials can be found. */
int aws_config_load(aws_config *c, const char *region, const char *profile,
                    const char *endpoint_url, int verbose, char *err, size_t errlen);

/* Wipe the secrets (the struct stays usable for non-secret fields). */
void aws_config_clear(aws_config *c);

/* Base URL (no trailing slash) for `service` ("ec2", "s3"). Returns 0, or
 * -1 when the endpoint URL is not http(s)://. */
int aws_endpoint(const aws_config *c, const char *service, char *url, size_t n,
                 char *err, size_t errlen);

/* HTTP options from the config for calls to `url` (plain http allowed only
 * when the URL came from an explicit endpoint and says http://). */
void aws_http_opts(const aws_config *c, const char *url, const char *label, http_opts *o);

/* What the user can do about an AWS error code, as "; do this", or "".
 * One table for every service: rows for `service` ("ec2", "s3") first,
 * then rows that hold for any service. */
const char *aws_error_hint(const char *service, const char *code);

/* One signed POST in AWS's Query (form) or JSON 1.1 protocol, as the
 * per-attempt `prepare` hook of http.c: each attempt gets a fresh
 * x-amz-date and the SigV4 signature over it (one signer for EC2, ELBv2,
 * STS, Athena, CloudWatch Logs and the Price List API). */
typedef struct aws_post {
    const aws_config *c;
    const char *service;  /* SigV4 service ("ec2", "logs", ...) */
    const char *region;   /* NULL: c->region */
    const char *target;   /* X-Amz-Target of JSON 1.1; NULL: the Query protocol */
    const char *url, *body;
    char host[256], path[512];
} aws_post;

/* Fill k for a POST to url (host and path taken from it). -1 with err
 * filled on a URL without a host, or with user information. */
int aws_post_init(aws_post *k, const aws_config *c, const char *url, const char *service, const char *target,
                  char *err, size_t errlen);
/* The http_request.prepare hook; ctx is an aws_post. */
int aws_post_sign(void *ctx, const http_attempt *a, dbuf *out, char *err, size_t errlen);

/* "AKIA****************WXYZ"-style: the last four characters only. */
void aws_mask_key(const char *key, char *buf, size_t n);

/* "libcurl/7.88.1 OpenSSL/3.0.x cJSON/1.7.15 libxml2/2.9.14" for --version. */
const char *enrich_lib_versions(void);

#endif
