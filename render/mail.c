/* mail: turns the top-N table into a MIME message. It exists apart from
 * SMTP (enrich/smtp.c) so that the exact bytes can be written as a .eml by
 * --mail-dry-run, diffed in tests, and sent unchanged. Everything user- or
 * input-supplied is escaped (HTML) or encoded (QP, base64, RFC 2047), and no
 * header value may carry a line break. */
#include "mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "top_model.h"

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ULL;
    return h;
}

static uint64_t fnv1a_str(uint64_t h, const char *s)
{
    return s ? fnv1a(h, s, strlen(s) + 1) : fnv1a(h, "", 1);
}

void mail_format_date(int64_t t, char *buf, size_t n)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    /* Names by hand: strftime's %a/%b follow the locale, RFC 5322 does not. */
    snprintf(buf, n, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int mail_addr_spec(const char *addr, char *buf, size_t n)
{
    return fc_addr_spec(addr, buf, n);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_chunk(dbuf *b, const unsigned char *p, size_t n)
{
    char o[4];
    uint32_t v = (uint32_t)p[0] << 16 | (n > 1 ? (uint32_t)p[1] << 8 : 0) | (n > 2 ? p[2] : 0);
    o[0] = b64[v >> 18 & 63];
    o[1] = b64[v >> 12 & 63];
    o[2] = n > 1 ? b64[v >> 6 & 63] : '=';
    o[3] = n > 2 ? b64[v & 63] : '=';
    dbuf_append(b, o, 4);
}

void mail_base64(dbuf *b, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t col = 0;
    for (size_t i = 0; i < len; i += 3) {
        b64_chunk(b, p + i, len - i < 3 ? len - i : 3);
        if ((col += 4) == 76) {
            dbuf_puts(b, "\r\n");
            col = 0;
        }
    }
    if (col) dbuf_puts(b, "\r\n");
}

/* RFC 2045 §6.7: lines of at most 76 characters, soft breaks "=", trailing
 * blanks encoded; a leading '.' is encoded too so no line can end SMTP DATA
 * on a server that forgets dot-stuffing. */
void mail_qp(dbuf *b, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t col = 0;
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
        if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
            if (*p == '\r') p++;
            dbuf_puts(b, "\r\n");
            col = 0;
            continue;
        }
        bool at_eol = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
        bool literal = (*p >= 33 && *p <= 126 && *p != '=') ||
                       ((*p == ' ' || *p == '\t') && !at_eol);
        if (*p == '.' && col == 0) literal = false;
        size_t w = literal ? 1 : 3;
        /* Keep room for the soft break's '=' (76 including it). */
        if (col + w > 75) {
            dbuf_puts(b, "=\r\n");
            col = 0;
            if (*p == '.') literal = false, w = 3;
        }
        if (literal) {
            dbuf_append(b, p, 1);
        } else {
            char e[3] = {'=', hex[*p >> 4], hex[*p & 15]};
            dbuf_append(b, e, 3);
        }
        col += w;
    }
    if (col) dbuf_puts(b, "\r\n");
}

static bool needs_encoding(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 127 || ((unsigned char)*s < 32 && *s != '\t')) return true;
    return false;
}

/* RFC 2047 B-encoded words of at most 39 input bytes (52 base64 chars), cut
 * on UTF-8 character boundaries, folded onto continuation lines. */
static void put_encoded_words(dbuf *b, const char *s)
{
    size_t len = strlen(s), i = 0;
    while (i < len) {
        size_t n = len - i < 39 ? len - i : 39;
        while (n > 1 && i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80) n--;
        dbuf_puts(b, i ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
        for (size_t k = 0; k < n; k += 3)
            b64_chunk(b, (const unsigned char *)s + i + k, n - k < 3 ? n - k : 3);
        dbuf_puts(b, "?=");
        i += n;
    }
}

static bool has_crlf(const char *s)
{
    return s && strpbrk(s, "\r\n") != NULL;
}

static int put_addr_header(dbuf *b, const char *name, const char *const *addrs, size_t n,
                           char *err, size_t errlen)
{
    dbuf_printf(b, "%s: ", name);
    for (size_t i = 0; i < n; i++) {
        char spec[320];
        if (has_crlf(addrs[i]) || mail_addr_spec(addrs[i], spec, sizeof spec) < 0)
            return fc_err(err, errlen, "invalid e-mail address '%s'", has_crlf(addrs[i]) ? "(line break)" : addrs[i]);
        /* Display names are passed through only when plain ASCII; else the
         * bare address is safer than a half-encoded phrase. */
        const char *shown = needs_encoding(addrs[i]) ? spec : addrs[i];
        dbuf_printf(b, "%s%s", i ? ",\r\n " : "", shown);
    }
    dbuf_puts(b, "\r\n");
    return 0;
}

int mail_build(const mail_message *m, dbuf *out, char *err, size_t errlen)
{
    if (!m->n_to) return fc_err(err, errlen, "no recipient");
    if (has_crlf(m->subject)) return fc_err(err, errlen, "the subject must be a single line");
    char from_spec[320];
    if (!m->from || has_crlf(m->from) || mail_addr_spec(m->from, from_spec, sizeof from_spec) < 0)
        return fc_err(err, errlen, "invalid sender address '%s'",
                      m->from && !has_crlf(m->from) ? m->from : "");
    if (m->extra && (!m->attach_name || !m->extra->name || has_crlf(m->extra->name) || strchr(m->extra->name, '"') ||
                     has_crlf(m->extra->type)))
        return fc_err(err, errlen, "invalid attachment name");
    if (m->attach_name && (has_crlf(m->attach_name) || strchr(m->attach_name, '"') ||
                           has_crlf(m->attach_type)))
        return fc_err(err, errlen, "invalid attachment name");

    uint64_t h = 14695981039346656037ULL;
    h = fnv1a_str(h, m->from);
    for (size_t i = 0; i < m->n_to; i++) h = fnv1a_str(h, m->to[i]);
    h = fnv1a_str(h, m->subject);
    h = fnv1a(h, &m->date, sizeof m->date);
    h = fnv1a_str(h, m->text);
    h = fnv1a_str(h, m->html);
    if (m->attach) h = fnv1a(h, m->attach, m->attach_len);
    if (m->extra && m->extra->data) h = fnv1a(h, m->extra->data, m->extra->len);

    dbuf b;
    dbuf_init(&b, 0);
    char date[40];
    mail_format_date(m->date, date, sizeof date);
    const char *domain = strchr(from_spec, '@') + 1;
    dbuf_printf(&b, "Date: %s\r\n", date);
    dbuf_printf(&b, "From: %s\r\n", needs_encoding(m->from) ? from_spec : m->from);
    if (put_addr_header(&b, "To", m->to, m->n_to, err, errlen) < 0) {
        dbuf_free(&b);
        return -1;
    }
    dbuf_puts(&b, "Subject: ");
    const char *subj = m->subject ? m->subject : "flowcost";
    if (needs_encoding(subj)) put_encoded_words(&b, subj);
    else dbuf_puts(&b, subj);
    dbuf_puts(&b, "\r\n");
    dbuf_printf(&b, "Message-ID: <flowcost.%lld.%016llx@%s>\r\n", (long long)m->date,
                (unsigned long long)h, domain);
    dbuf_puts(&b, "MIME-Version: 1.0\r\n");
    /* RFC 3834: tells auto-responders not to answer a robot. */
    dbuf_puts(&b, "Auto-Submitted: auto-generated\r\n");
    dbuf_puts(&b, "X-Mailer: flowcost\r\n");

    /* "=_" cannot occur in quoted-printable or base64 output, so these
     * boundaries never collide with the content. */
    char mixed[64], alt[64];
    snprintf(mixed, sizeof mixed, "=_flowcost_mixed_%016llx", (unsigned long long)h);
    snprintf(alt, sizeof alt, "=_flowcost_alt_%016llx", (unsigned long long)h);
    const char *outer = m->attach_name ? mixed : alt;
    if (m->attach_name) {
        dbuf_printf(&b, "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n", mixed);
        dbuf_puts(&b, "This is a MIME message.\r\n");
        dbuf_printf(&b, "\r\n--%s\r\n", mixed);
    }
    dbuf_printf(&b, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n", alt);
    if (!m->attach_name) dbuf_puts(&b, "This is a MIME message.\r\n");
    dbuf_printf(&b, "\r\n--%s\r\n", alt);
    dbuf_puts(&b, "Content-Type: text/plain; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    mail_qp(&b, m->text ? m->text : "");
    dbuf_printf(&b, "\r\n--%s\r\n", alt);
    dbuf_puts(&b, "Content-Type: text/html; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    mail_qp(&b, m->html ? m->html : "");
    dbuf_printf(&b, "\r\n--%s--\r\n", alt);
    if (m->attach_name) {
        dbuf_printf(&b, "\r\n--%s\r\n", mixed);
        dbuf_printf(&b, "Content-Type: %s;\r\n name=\"%s\"\r\n",
                    m->attach_type ? m->attach_type : "application/octet-stream", m->attach_name);
        dbuf_printf(&b, "Content-Disposition: attachment;\r\n filename=\"%s\"\r\n", m->attach_name);
        dbuf_puts(&b, "Content-Transfer-Encoding: base64\r\n\r\n");
        mail_base64(&b, m->attach ? m->attach : "", m->attach ? m->attach_len : 0);
        if (m->extra) {
            dbuf_printf(&b, "\r\n--%s\r\n", mixed);
            dbuf_printf(&b, "Content-Type: %s;\r\n name=\"%s\"\r\n",
                        m->extra->type ? m->extra->type : "application/octet-stream", m->extra->name);
            dbuf_printf(&b, "Content-Disposition: attachment;\r\n filename=\"%s\"\r\n", m->extra->name);
            dbuf_puts(&b, "Content-Transfer-Encoding: base64\r\n\r\n");
            mail_base64(&b, m->extra->data ? m->extra->data : "", m->extra->data ? m->extra->len : 0);
        }
        dbuf_printf(&b, "\r\n--%s--\r\n", outer);
    }
    dbuf_append(out, b.data, b.len);
    dbuf_free(&b);
    return 0;
}

/* The rows as the model every view of `top` shares (render/top_model.h),
 * with the mail's key label. */
static tpl_model *model(const cost_result *r, const cost_rank *rows, size_t n, const char *key_label)
{
    tpl_model *m = top_model_new(r, rows, n, n, BY_IP, "ip");
    tpl_set(tpl_root(m), "key_label", key_label);
    return m;
}

/* What the run says in one line: the verdict first (a CI reader decides
 * from it), then the change, the period and how much of it has records. */
void mail_summarize(tpl_model *mm)
{
    tpl_obj *m = tpl_root(mm);
    dbuf s;
    dbuf_init(&s, 0);
    if (*tpl_get(m, "has_baseline")) {
        dbuf_printf(&s, ", %s", tpl_get(m, "delta_total"));
        if (*tpl_get(m, "delta_total_pct")) dbuf_printf(&s, " (%s)", tpl_get(m, "delta_total_pct"));
        dbuf_puts(&s, " against the baseline");
    }
    dbuf_printf(&s, ", %s to %s (UTC), %s", tpl_get(m, "day_from"), tpl_get(m, "day_to"), tpl_get(m, "coverage"));
    tpl_set(m, "summary_rest", s.data);
    tpl_setf(m, "summary", "%s%s", tpl_get(m, "headline"), s.data);
    dbuf_free(&s);
}

char *mail_subject(const tpl_obj *m)
{
    dbuf s;
    dbuf_init(&s, 0);
    dbuf_printf(&s, "flowcost top %s %ss: %s", tpl_get(m, "n"), tpl_get(m, "key_label"), tpl_get(m, "summary"));
    return dbuf_take(&s, NULL);
}

char *mail_default_subject(const cost_result *r, size_t n, const char *key_label)
{
    tpl_model *mm = model(r, NULL, 0, key_label);
    tpl_setf(tpl_root(mm), "n", "%zu", n);
    mail_summarize(mm);
    char *s = mail_subject(tpl_root(mm));
    tpl_model_free(mm);
    return s;
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

void mail_text(dbuf *b, const tpl_obj *m)
{
    bool base = *tpl_get(m, "has_baseline");
    dbuf_printf(b, "%s.\n\n", tpl_get(m, "summary"));
    if (base)
        dbuf_printf(b, "Baseline: $%s, %s to %s (UTC).\n", tpl_get(m, "base_total"), tpl_get(m, "base_day_from"),
                    tpl_get(m, "base_day_to"));
    if (*tpl_get(m, "same_period"))
        dbuf_puts(b, "Warning: the baseline covers the same period as this run, so its deltas show no change.\n");
    for (const tpl_obj *x = tpl_first(m, "notices"); x; x = tpl_next(x)) dbuf_printf(b, "Note: %s.\n", tpl_get(x, "text"));
    dbuf_printf(b, "%sTop %s %ss by cost. Total cost of the period: $%s.\n\n", base || tpl_first(m, "notices") ? "\n" : "",
                tpl_get(m, "n"), tpl_get(m, "key_label"), tpl_get(m, "total"));
    /* The key column as wide as its longest key (an IPv6 address is 39). */
    int kw = (int)strlen(tpl_get(m, "key_label"));
    for (const tpl_obj *row = tpl_first(m, "rows"); row; row = tpl_next(row))
        if ((int)strlen(tpl_get(row, "key")) > kw) kw = (int)strlen(tpl_get(row, "key"));
    dbuf_printf(b, "%4s  %-*s %13s %6s", "#", kw, tpl_get(m, "key_label"), "cost", "share");
    if (base) dbuf_printf(b, " %13s %7s", "change", "");
    dbuf_printf(b, " %10s  %-20s %s\n", "bytes", "main category", "name / ENI / subnet / AZ");
    for (const tpl_obj *row = tpl_first(m, "rows"); row; row = tpl_next(row)) {
        char cost[64];
        snprintf(cost, sizeof cost, "$%s", tpl_get(row, "cost"));
        dbuf_printf(b, "%4s  %-*s %13s %6s", tpl_get(row, "rank"), kw, tpl_get(row, "key"), cost, tpl_get(row, "share"));
        if (base) dbuf_printf(b, " %13s %7s", tpl_get(row, "delta"), tpl_get(row, "delta_pct"));
        dbuf_printf(b, " %10s  %-20s %s / %s / %s / %s\n", tpl_get(row, "bytes"), tpl_get(row, "main"),
                    or_dash(tpl_get(row, "name")), or_dash(tpl_get(row, "eni")), or_dash(tpl_get(row, "subnet")),
                    or_dash(tpl_get(row, "az")));
    }
    dbuf_puts(b, "\nThe same rows are attached as CSV.\n");
}

int mail_html(dbuf *b, tpl_model *m)
{
    char err[256];
    return top_model_render(m, "mail_top.html", b, err, sizeof err);
}

void mail_top_text(dbuf *b, const cost_result *r, const cost_rank *rows, size_t n,
                   const char *key_label)
{
    tpl_model *mm = model(r, rows, n, key_label);
    mail_summarize(mm);
    mail_text(b, tpl_root(mm));
    tpl_model_free(mm);
}

int mail_top_html(dbuf *b, const cost_result *r, const cost_rank *rows, size_t n,
                  const char *key_label, const char *title)
{
    tpl_model *mm = model(r, rows, n, key_label);
    tpl_set(tpl_root(mm), "title", title);
    mail_summarize(mm);
    int rc = mail_html(b, mm);
    tpl_model_free(mm);
    return rc;
}
