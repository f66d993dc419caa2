/* STUB: placeholder until its owner lands the real module. */
#include "aws.h"
#include "util.h"
int aws_config_load(aws_config *c, const char *region, const char *profile, const char *ep, int v, char *err, size_t errlen) { (void)c; (void)region; (void)profile; (void)ep; (void)v; return fc_err(err, errlen, "aws not implemented yet"); }
const char *enrich_lib_versions(void) { return "libcurl OpenSSL cJSON libxml2"; }
