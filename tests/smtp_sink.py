"""A real SMTP server on 127.0.0.1 for tests/mail_test.sh (Debian's
python3-aiosmtpd, run with /usr/bin/python3).

usage: smtp_sink.py OUTDIR PORTFILE [USER:PASSWORD]
Each accepted message is written as OUTDIR/N.eml (the DATA bytes as
received) and OUTDIR/N.env (MAIL FROM, RCPT TO, the AUTH user and whether
the session was encrypted, one per line). With USER:PASSWORD, AUTH is
required and other credentials are refused with 535. With SINK_TLS=starttls
(STARTTLS offered and required before MAIL) or SINK_TLS=smtps (TLS from the
first byte), SINK_CERT and SINK_KEY name the certificate and key.
"""
import os
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

outdir, port_file = sys.argv[1], sys.argv[2]
cred = sys.argv[3].split(":", 1) if len(sys.argv) > 3 else None
count = 0


class Sink:
    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        base = os.path.join(outdir, str(count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        user = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else ""
        with open(base + ".env", "w") as f:
            f.write("from=%s\n" % envelope.mail_from)
            for r in envelope.rcpt_tos:
                f.write("rcpt=%s\n" % r)
            f.write("user=%s\n" % user)
            # session.ssl covers STARTTLS; the transport, TLS from the start.
            tls = bool(session.ssl) or server.transport.get_extra_info("ssl_object") is not None
            f.write("tls=%s\n" % tls)
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and cred is not None
          and auth_data.login.decode() == cred[0] and auth_data.password.decode() == cred[1])
    # handled=False: let aiosmtpd answer 535 itself on failure.
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
kw = {}
if cred:
    kw = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
mode = os.environ.get("SINK_TLS", "")
if mode:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(os.environ["SINK_CERT"], os.environ["SINK_KEY"])
    if mode == "starttls":
        kw.update(tls_context=ctx, require_starttls=True)
    else:
        kw.update(ssl_context=ctx)
ctl = Controller(Sink(), hostname="127.0.0.1", port=port, **kw)
ctl.start()
with open(port_file + ".tmp", "w") as f:
    f.write(str(port))
os.rename(port_file + ".tmp", port_file)
try:
    while True:
        time.sleep(3600)
finally:
    ctl.stop()
