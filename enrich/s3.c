/* STUB: placeholder until its owner lands the real module. */
#include <string.h>
#include "s3.h"
#include "util.h"
bool s3_is_url(const char *s) { return strncmp(s, "s3://", 5) == 0; }
int s3_ingest(agg *a, const char *url, const aws_config *c, const ingest_opts *o, char *err, size_t errlen) { (void)a; (void)url; (void)c; (void)o; return fc_err(err, errlen, "s3 inputs not implemented yet"); }
