/* smtp: send one ready-made message (render/mail.h) with libcurl's SMTP.
 * smtp://host:port upgrades with STARTTLS when the server offers it
 * (CURLUSESSL_TRY); smtps://host:port is TLS from the first byte. When
 * SMTP_USER is set, it and SMTP_PASSWORD authenticate (libcurl picks the
 * mechanism the server offers). The server certificate is always verified,
 * against CURL_CA_BUNDLE or SSL_CERT_FILE when set (a private relay's CA),
 * else the system store. The password is never printed, and a URL's
 * userinfo is stripped from every message.
 *
 * Owner: "weekly". */
#ifndef FC_SMTP_H
#define FC_SMTP_H

#include <stddef.h>

typedef struct smtp_params {
    const char *url;             /* smtp://host[:port] or smtps://host[:port] */
    const char *from;            /* "a@b" or "Name <a@b>" (envelope: the addr-spec) */
    const char *const *to;
    size_t n_to;
    const char *user, *password; /* NULL = read SMTP_USER / SMTP_PASSWORD */
    long timeout_s;              /* 0 = 60 */
    int verbose;                 /* >= 2: libcurl's protocol trace (AUTH lines hidden by curl) */
} smtp_params;

/* Returns 0 once the server accepted the message for every recipient, else
 * -1 with "smtp://host:port: <what failed>" in err. */
int smtp_send(const smtp_params *p, const char *msg, size_t len, char *err, size_t errlen);

/* The URL without any "user:pass@" part, for messages. buf >= 16. */
void smtp_safe_url(const char *url, char *buf, size_t n);

#endif
