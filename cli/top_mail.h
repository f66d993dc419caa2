/* top_mail: `flowcost top --mail-to ...`: the top table as an HTML mail with
 * the CSV attached, sent over SMTP (or written as .eml with --mail-dry-run). */
#ifndef FC_TOP_MAIL_H
#define FC_TOP_MAIL_H

#include <stddef.h>

#include "cost.h"
#include "opts.h"

/* rows/n: the ranked rows already limited to --limit. csv: the same rows as
 * CSV (the attachment). Returns 0 or -1 with err filled. */
int top_mail(const fc_opts *o, const cost_result *r, const cost_rank *rows, size_t n,
             const char *csv, size_t csv_len, char *err, size_t errlen);

#endif
