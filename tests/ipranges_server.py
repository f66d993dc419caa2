"""ip-ranges.json over TLS for tests/ipranges_update_test.sh (127.0.0.1 only).

usage: ipranges_server.py BODY PORT_FILE LOG CERT KEY
Every GET answers with the current contents of the file BODY (read per
request, so the test can swap it) and an ETag derived from them; a request
whose If-None-Match carries that ETag gets 304 with no body, as AWS's
server does. One line per request goes to LOG: "<status> <If-None-Match or ->".
"""
import hashlib
import http.server
import os
import ssl
import sys

body_path, port_file, log_path, cert, key = sys.argv[1:6]
log = open(log_path, "a", buffering=1)


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        body = open(body_path, "rb").read()
        etag = '"%s"' % hashlib.sha1(body).hexdigest()
        inm = self.headers.get("If-None-Match")
        status = 304 if inm == etag else 200
        log.write("%d %s\n" % (status, inm or "-"))
        self.send_response(status)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", "0" if status == 304 else str(len(body)))
        self.end_headers()
        if status == 200:
            self.wfile.write(body)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
