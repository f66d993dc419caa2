/* s3: s3://bucket/prefix inputs — ListObjectsV2 and GetObject with SigV4,
 * streamed into ingest. */
#ifndef FC_S3_H
#define FC_S3_H

#include <stdbool.h>
#include <stddef.h>

#include "agg.h"
#include "aws.h"
#include "ingest.h"

bool s3_is_url(const char *s);
int s3_ingest(agg *a, const char *url, const aws_config *c, const ingest_opts *o,
              char *err, size_t errlen);

#endif
