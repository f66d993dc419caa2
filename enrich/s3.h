/* s3: s3://bucket/prefix inputs — ListObjectsV2 and GetObject with SigV4,
 * streamed into ingest.
 *
 * Owner: "weekly".
 * - Addressing: with an endpoint URL (--endpoint-url / AWS_ENDPOINT_URL)
 *   path-style (<endpoint>/<bucket>/<key>); otherwise virtual-hosted
 *   (https://<bucket>.s3.<region>.amazonaws.com/<key>), falling back to
 *   path-style for bucket names with dots (TLS wildcard certificates).
 * - Listing: ListObjectsV2, paginated by continuation token. With both
 *   --since and --until, the S3 delivery layout
 *   [prefix/]AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/ (and the
 *   Hive-style aws-account-id=/aws-service=/aws-region=/year=/month=/day=
 *   form) is discovered with delimiter listings and only the day prefixes
 *   that can hold records in the window are listed (s3_day_prefixes).
 * - Reading: several objects in flight (an http.c stream per worker
 *   thread, on that thread's pool), each object's bytes pulled by its own ingest_stream()
 *   through a bounded buffer (transfer paused when full); no temp files.
 *   Results are merged in key order, so the aggregate does not depend on
 *   which transfer finished first.
 * - Failures: http.c's one retry policy (5xx, SlowDown and transport
 *   errors, capped backoff with jitter; a cut download resumes with a Range
 *   request); TLS trusts AWS_CA_BUNDLE when set; other AWS errors become one
 *   line "s3://bucket/prefix: <what>: <Code>: <Message> (request id ...)".
 * - -v logs one line per HTTP request ("flowcost: s3: GET ..."), never a
 *   header or a secret. */
#ifndef FC_S3_H
#define FC_S3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "aws.h"
#include "ingest.h"

bool s3_is_url(const char *s);
/* Read every object under the URL into a. Returns 0, -1 (runtime error) or
 * INGEST_MALFORMED (strict mode), with err filled. */
int s3_ingest(agg *a, const char *url, const aws_config *c, const ingest_opts *o,
              char *err, size_t errlen);

/* Every object under the URL, in key order, fetched whole and handed to
 * fn(ctx, "s3://bucket/key", data, len, err, errlen) — for small inputs
 * such as a Cost and Usage Report export (flow logs stream through
 * s3_ingest). fn returns 0, or -1 with err filled, which stops the walk.
 * 0, or -1 with err. */
typedef int (*s3_each_fn)(void *ctx, const char *name, const void *data, size_t len, char *err, size_t errlen);
int s3_fetch_each(const char *url, const aws_config *c, s3_each_fn fn, void *ctx, char *err, size_t errlen);

/* One object, s3://bucket/key, handed to fn in chunks as it arrives (an
 * Athena query's result CSV). fn's non-zero return stops the read; its err
 * stands. The endpoint: --endpoint-url, else AWS_ENDPOINT_URL_S3, else as
 * s3_ingest. 0, or -1 with one line. */
typedef int (*s3_chunk_fn)(void *ctx, const char *data, size_t n, char *err, size_t errlen);
int s3_read_object(const aws_config *c, const char *url, s3_chunk_fn fn, void *ctx, char *err, size_t errlen);

/* One delimited ("/") ListObjectsV2 of s3://bucket/prefix, every page: the
 * keys right under the prefix in *keys and its sub-prefixes in *pfx (both
 * malloc'd arrays of malloc'd strings), for walks that pick where to go
 * next (`flowlogs check`'s newest delivery). 0, or -1 with one line. */
int s3_list_level(const aws_config *c, const char *bucket, const char *prefix, char ***keys, size_t *n_keys,
                  char ***pfx, size_t *n_pfx, char *err, size_t errlen);

/* --- exposed for the unit test (tests/test_s3.c) --- */

/* "s3://bucket/some/prefix" → bucket and prefix (prefix may be ""). Caller
 * frees both. */
int s3_parse_url(const char *url, char **bucket, char **prefix, char *err, size_t errlen);

typedef struct s3_object {
    char *key;
    uint64_t size;
} s3_object;

typedef struct s3_list_page {
    s3_object *objs;
    size_t n_objs;
    char **prefixes;          /* CommonPrefixes/Prefix (delimiter listings) */
    size_t n_prefixes;
    bool truncated;
    char *next_token;         /* NextContinuationToken, NULL when absent */
} s3_list_page;

/* Parse a ListBucketResult with libxml2 (xml.h): Contents/Key, Size,
 * CommonPrefixes/Prefix, IsTruncated, NextContinuationToken, with
 * namespaces, entities, character references and CDATA as XML has them.
 * -1 with one line when it is malformed ("ListObjectsV2: malformed XML at
 * line N: ..."), has a DOCTYPE, is not a ListBucketResult, or is truncated
 * without a token. */
int s3_parse_list(const char *xml, size_t len, s3_list_page *out, char *err, size_t errlen);
void s3_list_page_free(s3_list_page *p);
/* <Error><Code>..</Code><Message>..</Message><RequestId>..</RequestId> (or
 * the query APIs' <ErrorResponse>/<Response> shapes): fills what is
 * present, "" otherwise and for anything that is not well-formed XML. */
void s3_parse_error(const char *xml, size_t len, char *code, size_t code_n, char *msg,
                    size_t msg_n, char *reqid, size_t reqid_n);

/* Where requests go: base is "scheme://host[:port]" plus "/bucket" for
 * path-style; host is the Host header (default port omitted, as curl
 * sends it). China regions use amazonaws.com.cn. */
typedef struct s3_addr {
    char base[768];
    char host[512];
    bool path_style;
    bool allow_http;          /* only with an explicit http:// endpoint */
} s3_addr;
int s3_address(const char *bucket, const char *region, const char *endpoint_url, s3_addr *out,
               char *err, size_t errlen);

/* Where a listing prefix sits in the delivery layout. */
typedef enum s3_level {
    S3_LVL_OTHER = 0,   /* before AWSLogs/ (or unknown): delimiter-list, follow AWSLogs/ */
    S3_LVL_ACCOUNTS,    /* .../AWSLogs/ */
    S3_LVL_SERVICES,    /* .../AWSLogs/<account>/ */
    S3_LVL_REGIONS,     /* .../AWSLogs/<account>/vpcflowlogs/ */
    S3_LVL_DAYS,        /* .../AWSLogs/<account>/vpcflowlogs/<region>/ */
    S3_LVL_FULL         /* anything else: list everything below */
} s3_level;
s3_level s3_classify_prefix(const char *prefix);

/* The day prefixes under a region prefix ("…/vpcflowlogs/us-east-1/" or the
 * Hive "…/aws-region=us-east-1/") whose files can hold records starting in
 * [since, until): from the day of since − 1 h to the day of until + 1 h
 * (a file is named after its 5-minute delivery, which may start before or
 * end after the records it carries, UTC). NULL when the window is unbounded
 * or longer than 400 days. Caller frees each string and the array. */
char **s3_day_prefixes(const char *region_prefix, int64_t since, int64_t until, size_t *n);

#endif
