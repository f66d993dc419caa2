/* STUB: placeholder until its owner lands the real module. */
#include "report.h"
int report_html(const cost_result *r, const inventory *inv, const report_opts *o, dbuf *out, char *err, size_t errlen) { (void)r; (void)inv; (void)o; (void)out; return fc_err(err, errlen, "report not implemented yet"); }
