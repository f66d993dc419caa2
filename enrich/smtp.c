/* smtp: the one place that talks SMTP. libcurl does the protocol (EHLO,
 * STARTTLS, AUTH, dot-stuffing); this module picks the TLS policy from the
 * URL scheme, takes the credentials from the environment, and turns
 * failures into one line that names the server and the SMTP reply code
 * without ever echoing the password or URL userinfo. */
#include "smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    const char *s = addr, *e = addr + strlen(addr);
    const char *lt = strrchr(addr, '<');
    if (lt) {
        const char *gt = strchr(lt, '>');
        if (!gt) return -1;
        s = lt + 1;
        e = gt;
    }
    while (s < e && (*s == ' ' || *s == '\t')) s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
    if (e == s || !memchr(s, '@', (size_t)(e - s)) || (size_t)(e - s) + 3 > n) return -1;
    for (const char *p = s; p < e; p++)
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>') return -1;
    snprintf(buf, n, "<%.*s>", (int)(e - s), s);
    return 0;
}

typedef struct upload {
    const char *p;
    size_t left;
} upload;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ctx)
{
    upload *u = ctx;
    size_t n = size * nitems < u->left ? size * nitems : u->left;
    memcpy(buf, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

/* -v -v trace: commands and replies only; AUTH arguments and the message
 * body are never shown (AUTH PLAIN carries the password in base64). */
static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
    (void)h;
    (void)ctx;
    if (type == CURLINFO_HEADER_OUT) {
        static const char *const safe[] = {"EHLO", "HELO", "MAIL", "RCPT", "DATA", "QUIT", "STARTTLS", "RSET"};
        for (size_t i = 0; i < sizeof safe / sizeof *safe; i++)
            if (size >= strlen(safe[i]) && strncmp(data, safe[i], strlen(safe[i])) == 0) {
                fprintf(stderr, "smtp> %.*s", (int)size, data);
                return 0;
            }
        fprintf(stderr, "smtp> (hidden)\n");
    } else if (type == CURLINFO_HEADER_IN) {
        /* 334 challenges are base64 and may echo a user name. */
        if (size >= 3 && strncmp(data, "334", 3) == 0) fprintf(stderr, "smtp< 334 (hidden)\n");
        else fprintf(stderr, "smtp< %.*s", (int)size, data);
    } else if (type == CURLINFO_TEXT) {
        fprintf(stderr, "smtp: %.*s", (int)size, data);
    }
    return 0;
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

    const char *user = p->user ? p->user : getenv("SMTP_USER");
    const char *pass = p->password ? p->password : getenv("SMTP_PASSWORD");

    CURL *h = curl_easy_init();
    if (!h) return fc_err(err, errlen, "%s: cannot initialise libcurl", safe);
    struct curl_slist *rcpt = NULL;
    int rc = 0;
    for (size_t i = 0; i < p->n_to; i++) {
        char to[330];
        if (envelope(p->to[i], to, sizeof to) < 0) {
            rc = fc_err(err, errlen, "invalid e-mail address '%s'", p->to[i]);
            goto out;
        }
        struct curl_slist *n = curl_slist_append(rcpt, to);
        if (!n) {
            rc = fc_err(err, errlen, "out of memory");
            goto out;
        }
        rcpt = n;
    }
    upload u = {msg, len};
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, p->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    /* smtp:// upgrades when STARTTLS is offered and verifies the server;
     * smtps:// is TLS from the start (requiring it also for the record). */
    curl_easy_setopt(h, CURLOPT_USE_SSL, smtps ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, p->timeout_s > 0 ? p->timeout_s : 60L);
    /* A private relay's CA, as the curl tool and OpenSSL name it. */
    const char *ca = getenv("CURL_CA_BUNDLE");
    if (!ca || !*ca) ca = getenv("SSL_CERT_FILE");
    if (ca && *ca) curl_easy_setopt(h, CURLOPT_CAINFO, ca);
    if (user && *user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, pass ? pass : "");
    }
    if (p->verbose >= 2) {
        curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
        curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
    }
    CURLcode cc = curl_easy_perform(h);
    if (cc != CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        const char *what = ebuf[0] ? ebuf : curl_easy_strerror(cc);
        if (cc == CURLE_LOGIN_DENIED)
            rc = fc_err(err, errlen, "%s: authentication failed (SMTP %ld); check SMTP_USER and SMTP_PASSWORD",
                        safe, code);
        else if (code)
            rc = fc_err(err, errlen, "%s: %s (SMTP %ld)", safe, what, code);
        else
            rc = fc_err(err, errlen, "%s: %s", safe, what);
    }
out:
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    return rc;
}
