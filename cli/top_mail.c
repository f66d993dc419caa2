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

int top_mail(const fc_opts *o, tpl_model *mm, const cost_result *r, const char *csv, size_t csv_len,
             const mail_part *extra, char *err, size_t errlen)
{
    if (!o->n_mail_to) return fc_err(err, errlen, "no --mail-to address");
    if (!o->mail_from) return fc_err(err, errlen, "--mail-to needs --mail-from ADDR (the sender)");
    if (!o->mail_dry_run && !o->smtp_url)
        return fc_err(err, errlen, "--mail-to needs --smtp-url smtp://host:port (or --mail-dry-run FILE)");

    tpl_obj *m = tpl_root(mm);
    const char *label = tpl_get(m, "key_label");
    const char *n = tpl_get(m, "n");
    char title[256];
    if (o->title) snprintf(title, sizeof title, "%s", o->title);
    else snprintf(title, sizeof title, "flowcost: top %s %ss by cost", n, label);
    tpl_set(m, "title", title);
    mail_summarize(mm);
    char *subject = o->subject ? NULL : mail_subject(m);

    dbuf text, html, msg;
    dbuf_init(&text, 0);
    dbuf_init(&html, 0);
    dbuf_init(&msg, 0);
    mail_text(&text, m);
    int rc = mail_html(&html, mm);
    if (rc < 0) fc_err(err, errlen, "cannot render the mail's HTML part (template mail_top.html)");

    char day[32], attach_name[64];
    fc_format_time(r->period_start, day, sizeof day);
    snprintf(attach_name, sizeof attach_name, "flowcost-top-%.10s.csv", day);

    mail_message msgd = {
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
        .extra = extra,
    };
    if (rc == 0) rc = mail_build(&msgd, &msg, err, errlen);
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
            fprintf(stderr, "flowcost: mailed the top %s to %zu recipient(s) via %s\n", n, o->n_mail_to, safe);
        }
    }
    free(subject);
    dbuf_free(&text);
    dbuf_free(&html);
    dbuf_free(&msg);
    return rc;
}
