/* smtp: the one place that talks SMTP. libcurl does the protocol (EHLO,
 * STARTTLS, AUTH, dot-stuffing) behind http.c's http_mail_send, which also
 * applies the one TLS configuration; this module picks the TLS policy from
 * the URL scheme, takes the credentials and CA bundle from the environment,
 * filters the -v -v trace, and turns failures into one line that names the
 * server and the SMTP reply code without ever echoing the password or URL
 * userinfo. */
#include "smtp.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "util.h"

void smtp_safe_url(const char *url, char *buf, size_t n)
{
    const char *scheme_end = strstr(url, "://");
    const char *host = scheme_end ? scheme_end + 3 : url;
    const char *at = strchr(host, '@');
    const char *slash = strchr(host, '/');
    if (at && (!slash || at < slash)) {
        snprintf(buf, n, "%.*s%s", (int)(host - url), url, at + 1);
    } else {
        snprintf(buf, n, "%s", url);
    }
}

/* Envelope addresses: the addr-spec in angle brackets, whatever display
 * name the header carries. */
static int envelope(const char *addr, char *buf, size_t n)
{
    char spec[512];
    if (fc_addr_spec(addr, spec, sizeof spec) < 0 || strlen(spec) + 3 > n) return -1;
    snprintf(buf, n, "<%s>", spec);
    return 0;
}

/* -v -v trace: commands and replies only; AUTH arguments and the message
 * body are never shown (AUTH PLAIN carries the password in base64). */
static void trace(void *ctx, http_trace_kind kind, const char *data, size_t size)
{
    (void)ctx;
    if (kind == HTTP_TRACE_OUT) {
        static const char *const safe[] = {"EHLO", "HELO", "MAIL", "RCPT", "DATA", "QUIT", "STARTTLS", "RSET"};
        for (size_t i = 0; i < sizeof safe / sizeof *safe; i++)
            if (size >= strlen(safe[i]) && strncmp(data, safe[i], strlen(safe[i])) == 0) {
                fprintf(stderr, "smtp> %.*s", (int)size, data);
                return;
            }
        fprintf(stderr, "smtp> (hidden)\n");
    } else if (kind == HTTP_TRACE_IN) {
        /* 334 challenges are base64 and may echo a user name. */
        if (size >= 3 && strncmp(data, "334", 3) == 0) fprintf(stderr, "smtp< 334 (hidden)\n");
        else fprintf(stderr, "smtp< %.*s", (int)size, data);
    } else {
        fprintf(stderr, "smtp: %.*s", (int)size, data);
    }
}

int smtp_send(const smtp_params *p, const char *msg, size_t len, char *err, size_t errlen)
{
    char safe[512];
    smtp_safe_url(p->url ? p->url : "", safe, sizeof safe);
    bool smtps = p->url && strncmp(p->url, "smtps://", 8) == 0;
    if (!p->url || (!smtps && strncmp(p->url, "smtp://", 7) != 0))
        return fc_err(err, errlen, "'%s' is not an smtp:// or smtps:// URL", safe);
    if (!p->n_to) return fc_err(err, errlen, "no recipient");
    char from[330];
    if (!p->from || envelope(p->from, from, sizeof from) < 0)
        return fc_err(err, errlen, "invalid sender address '%s'", p->from ? p->from : "");

    char (*to)[330] = xcalloc(p->n_to, sizeof *to);
    const char **rcpt = xcalloc(p->n_to, sizeof *rcpt);
    int rc = 0;
    for (size_t i = 0; i < p->n_to && rc == 0; i++) {
        if (envelope(p->to[i], to[i], sizeof to[i]) < 0) rc = fc_err(err, errlen, "invalid e-mail address '%s'", p->to[i]);
        rcpt[i] = to[i];
    }
    if (rc == 0) {
        /* A private relay's CA, as the curl tool and OpenSSL name it. */
        const char *ca = getenv("CURL_CA_BUNDLE");
        if (!ca || !*ca) ca = getenv("SSL_CERT_FILE");
        /* smtp:// upgrades when STARTTLS is offered and verifies the server;
         * smtps:// is TLS from the start (requiring it also for the record). */
        http_mail m = {.url = p->url, .require_tls = smtps, .from = from, .rcpt = rcpt, .n_rcpt = p->n_to,
                       .user = p->user ? p->user : getenv("SMTP_USER"),
                       .password = p->password ? p->password : getenv("SMTP_PASSWORD"),
                       .msg = msg, .len = len, .timeout_s = p->timeout_s, .ca_bundle = ca,
                       .trace = p->verbose >= 2 ? trace : NULL};
        long code;
        bool denied;
        char what[FC_ERRLEN];
        if (http_mail_send(&m, &code, &denied, what, sizeof what) < 0) {
            if (denied)
                rc = fc_err(err, errlen, "%s: authentication failed (SMTP %ld); check SMTP_USER and SMTP_PASSWORD",
                            safe, code);
            else if (code)
                rc = fc_err(err, errlen, "%s: %s (SMTP %ld)", safe, what, code);
            else
                rc = fc_err(err, errlen, "%s: %s", safe, what);
        }
    }
    free(rcpt);
    free(to);
    return rc;
}
