/* STUB: placeholder until its owner lands the real module. */
#include "top_mail.h"
#include "util.h"
int top_mail(const fc_opts *o, const cost_result *r, const cost_rank *rows, size_t n, const char *csv, size_t csv_len, char *err, size_t errlen) { (void)o; (void)r; (void)rows; (void)n; (void)csv; (void)csv_len; return fc_err(err, errlen, "mail not implemented yet"); }
