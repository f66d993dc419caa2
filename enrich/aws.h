/* aws: what the AWS CLI would use — credentials, region, endpoint — resolved
 * from flags, environment, ~/.aws files, ECS container credentials and IMDSv2.
 * Secrets live only in this struct; nothing prints them. */
#ifndef FC_AWS_H
#define FC_AWS_H

#include <stddef.h>

typedef struct aws_config {
    char access_key[128];
    char secret_key[128];
    char session_token[2048];
    char region[64];
    char endpoint_url[512]; /* "" = the public endpoint for the service */
    int verbose;
} aws_config;

/* Resolve credentials and region. region/profile/endpoint may be NULL.
 * Returns -1 with a message when no credentials can be found. */
int aws_config_load(aws_config *c, const char *region, const char *profile,
                    const char *endpoint_url, int verbose, char *err, size_t errlen);

/* "libcurl/7.88.1 OpenSSL/3.0.x cJSON/1.7.15 libxml2/2.9.14" for --version. */
const char *enrich_lib_versions(void);

#endif
