/* top_mail: `flowcost top --mail-to ...`: the top table as an HTML mail with
 * the CSV attached, sent over SMTP (or written as .eml with --mail-dry-run). */
#ifndef FC_TOP_MAIL_H
#define FC_TOP_MAIL_H

#include <stddef.h>

#include "cost.h"
#include "mail.h"
#include "opts.h"
#include "tpl.h"

/* m: the top model (render/top_model.h) of the rows limited to --limit,
 * with the budget and baseline when given; the mail sets its title and
 * summary. csv: the same rows as CSV (the attachment). extra: a second
 * attachment (--mail-attach-report) or NULL. Returns 0 or -1 with err. */
int top_mail(const fc_opts *o, tpl_model *m, const cost_result *r, const char *csv, size_t csv_len,
             const mail_part *extra, char *err, size_t errlen);

#endif
