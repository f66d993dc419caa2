/* STUB: placeholder until its owner lands the real module. */
#include "fca.h"
bool fca_is(const void *d, size_t len) { (void)d; (void)len; return false; }
int fca_write(const agg *a, dbuf *out, char *err, size_t errlen) { (void)a; (void)out; return fc_err(err, errlen, "fca not implemented yet"); }
int fca_read(agg *a, const void *d, size_t len, char *err, size_t errlen) { (void)a; (void)d; (void)len; return fc_err(err, errlen, "fca not implemented yet"); }
