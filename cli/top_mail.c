/* top_mail: the glue between `top`'s ranked rows and the mail: it picks the
 * subject, date and attachment name from the options, builds the MIME
 * message (render/mail.h) and either sends it (enrich/smtp.h) or writes it
 * as a .eml with --mail-dry-run. The budget check (--fail-above) stays in
 * cmd_top.c, after this returns, so the mail goes out even when over budget. */
#include "top_mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail.h"
#include "smtp.h"
#include "top_model.h"
#include "util.h"

int top_mail(const fc_opts *o, const cost_result *r, const cost_rank *rows, size_t n,
             const char *csv, size_t csv_len, char *err, size_t errlen)
{
    if (!o->n_mail_to) return fc_err(err, errlen, "no --mail-to address");
    if (!o->mail_from) return fc_err(err, errlen, "--mail-to needs --mail-from ADDR (the sender)");
    if (!o->mail_dry_run && !o->smtp_url)
        return fc_err(err, errlen, "--mail-to needs --smtp-url smtp://host:port (or --mail-dry-run FILE)");

    const char *label = top_model_label(o->by);
    char *subject = o->subject ? NULL : mail_default_subject(r, n, label);
    char title[256];
    if (o->title) snprintf(title, sizeof title, "%s", o->title);
    else snprintf(title, sizeof title, "flowcost: top %zu %ss by cost", n, label);

    dbuf text, html, msg;
    dbuf_init(&text, 0);
    dbuf_init(&html, 0);
    dbuf_init(&msg, 0);
    mail_top_text(&text, r, rows, n, label);
    int rc = mail_top_html(&html, r, rows, n, label, title);
    if (rc < 0) fc_err(err, errlen, "cannot render the mail's HTML part (template mail_top.html)");

    char day[32], attach_name[64];
    fc_format_time(r->period_start, day, sizeof day);
    snprintf(attach_name, sizeof attach_name, "flowcost-top-%.10s.csv", day);

    mail_message m = {
        .from = o->mail_from,
        .to = o->mail_to,
        .n_to = o->n_mail_to,
        .subject = o->subject ? o->subject : subject,
        .date = o->has_now ? o->now : (int64_t)time(NULL),
        .text = text.data ? text.data : "",
        .html = html.data ? html.data : "",
        .attach_name = attach_name,
        .attach_type = "text/csv; charset=utf-8",
        .attach = csv ? csv : "",
        .attach_len = csv ? csv_len : 0,
    };
    if (rc == 0) rc = mail_build(&m, &msg, err, errlen);
    if (rc == 0 && o->mail_dry_run) {
        rc = fc_write_file_atomic(o->mail_dry_run, msg.data, msg.len, err, errlen);
    } else if (rc == 0) {
        smtp_params sp = {
            .url = o->smtp_url,
            .from = o->mail_from,
            .to = o->mail_to,
            .n_to = o->n_mail_to,
            .verbose = o->verbose,
        };
        rc = smtp_send(&sp, msg.data, msg.len, err, errlen);
        if (rc == 0 && !o->quiet && o->verbose) {
            char safe[512];
            smtp_safe_url(o->smtp_url, safe, sizeof safe);
            fprintf(stderr, "flowcost: mailed the top %zu to %zu recipient(s) via %s\n", n,
                    o->n_mail_to, safe);
        }
    }
    free(subject);
    dbuf_free(&text);
    dbuf_free(&html);
    dbuf_free(&msg);
    return rc;
}
