/* STUB: placeholder until its owner lands the real module. */
#include <string.h>
#include "ingest.h"
#include "util.h"
void ingest_opts_default(ingest_opts *o) { memset(o, 0, sizeof *o); }
int ingest_paths(agg *a, const char *const *p, size_t n, const ingest_opts *o, char *err, size_t errlen) { (void)a; (void)p; (void)n; (void)o; return fc_err(err, errlen, "ingest not implemented yet"); }
int ingest_stream(agg *a, const char *name, ingest_read_fn rd, void *ctx, const ingest_opts *o, char *err, size_t errlen) { (void)a; (void)name; (void)rd; (void)ctx; (void)o; return fc_err(err, errlen, "ingest not implemented yet"); }
bool ingest_name_outside(const char *name, int64_t since, int64_t until) { (void)name; (void)since; (void)until; return false; }
const char *ingest_lib_versions(void) { return "isa-l zlib"; }
