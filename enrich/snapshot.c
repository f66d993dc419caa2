/* STUB: placeholder until its owner lands the real module. */
#include "snapshot.h"
#include "util.h"
int snapshot_load(inventory *inv, const char *path, char *err, size_t errlen) { (void)inv; (void)path; return fc_err(err, errlen, "snapshots not implemented yet"); }
char *snapshot_to_json(const inventory *inv, int64_t t) { (void)inv; (void)t; return xstrdup("{}"); }
