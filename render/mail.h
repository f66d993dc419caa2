/* mail: the top-N e-mail as an RFC 5322 / MIME message —
 *   multipart/mixed
 *     multipart/alternative
 *       text/plain; charset=utf-8   (quoted-printable: the table as text)
 *       text/html;  charset=utf-8   (quoted-printable: the table, escaped)
 *     text/csv attachment           (base64)
 * with CRLF line ends throughout, so the same bytes go to SMTP or to a .eml.
 * Deterministic: Date comes from the caller (--now / SOURCE_DATE_EPOCH),
 * and the Message-ID and boundaries are hashes of the content.
 *
 * Owner: "weekly". Sending is enrich/smtp.h; wiring is cli/top_mail.c. */
#ifndef FC_MAIL_H
#define FC_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "cost.h"
#include "tpl.h"
#include "util.h"

/* An extra attachment (the HTML report of --mail-attach-report). */
typedef struct mail_part {
    const char *name, *type;
    const char *data;
    size_t len;
} mail_part;

typedef struct mail_message {
    const char *from;              /* "a@b" or "Name <a@b>" */
    const char *const *to;         /* recipients, same forms */
    size_t n_to;
    const char *subject;           /* UTF-8; RFC 2047-encoded when not ASCII */
    int64_t date;                  /* unix time for the Date header */
    const char *text, *html;       /* bodies (UTF-8, '\n' line ends) */
    const char *attach_name;       /* NULL = no attachment */
    const char *attach_type;       /* e.g. "text/csv; charset=utf-8" */
    const char *attach;
    size_t attach_len;
    const mail_part *extra;        /* NULL = none; needs attach_name */
} mail_message;

/* Append the whole message to out. Fails (-1, err) when a header value holds
 * a CR or LF (header injection) or an address has no '@'. */
int mail_build(const mail_message *m, dbuf *out, char *err, size_t errlen);

/* The addr-spec of "Name <a@b>" or "a@b" into buf; -1 when there is none
 * or it holds spaces, CR/LF or angle brackets. */
int mail_addr_spec(const char *addr, char *buf, size_t n);

/* "Tue, 24 Nov 2026 06:00:00 +0000" (RFC 5322 §3.3, always UTC). buf >= 32. */
void mail_format_date(int64_t t, char *buf, size_t n);

/* The top table as plain text and as an HTML document (every string from
 * input escaped), both from render/top_model.h's cells; the HTML is the
 * template mail_top.html. key_label names the ranking column ("IP", "ENI",
 * ...). mail_top_html returns 0, or -1 when the template does not render
 * (only an edited build can get there; b's cap is not set by callers). */
void mail_top_text(dbuf *b, const cost_result *r, const cost_rank *rows, size_t n,
                   const char *key_label);
int mail_top_html(dbuf *b, const cost_result *r, const cost_rank *rows, size_t n,
                  const char *key_label, const char *title);

/* Default subject: "flowcost top 50 IPs: $1,234.56 total, 2026-11-16 to
 * 2026-11-22 (UTC), 168 of 168 hours with records". Caller frees. */
char *mail_default_subject(const cost_result *r, size_t n, const char *key_label);

/* The same from a top model (render/top_model.h) that may carry a budget
 * and a baseline: mail_summarize sets its summary ("$2,731.40 — over the
 * $2,500.00 budget by $231.40, +$120.00 (+4.6%) against the baseline,
 * 2026-11-16 to 2026-11-22 (UTC), 168 of 168 hours with records") and
 * summary_rest (the summary after the headline); the subject, the text's
 * first line and the HTML's first paragraph all carry it. */
void mail_summarize(tpl_model *m);
char *mail_subject(const tpl_obj *m);
void mail_text(dbuf *b, const tpl_obj *m);
int mail_html(dbuf *b, tpl_model *m);

/* Encoders, exposed for the unit test. */
void mail_base64(dbuf *b, const void *data, size_t len);   /* 76-char lines, CRLF */
void mail_qp(dbuf *b, const char *text);                    /* quoted-printable, CRLF */

#endif
