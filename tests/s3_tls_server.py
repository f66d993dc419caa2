"""A small S3 over TLS for tests/s3_tls_test.sh (127.0.0.1 only).

usage: s3_tls_server.py ROOT PORT_FILE LOG CERT KEY
Bucket "tls" serves the files under ROOT (ListObjectsV2 and GetObject);
bucket "garbage" answers its listing with a cut XML document (200), bucket
"html" with a 403 whose body is HTML, not an S3 error. One line per request
goes to LOG, so the test can tell a refused TLS handshake (no line) from a
request that arrived.
"""
import http.server
import os
import ssl
import sys
import urllib.parse

root, port_file, log_path, cert, key = sys.argv[1:6]
log = open(log_path, "a", buffering=1)


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="application/xml"):
        self.send_response(status)
        for name, value in (("Content-Type", ctype), ("Content-Length", str(len(body))),
                            ("x-amz-request-id", "REQ-TLS")):
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        bucket, _, key = u.path[1:].partition("/")
        key = urllib.parse.unquote(key)
        log.write("%s %s\n" % (bucket, key or "?" + u.query))
        if "Authorization" not in self.headers:
            return self.send(403, b"<Error><Code>AccessDenied</Code><Message>unsigned</Message></Error>")
        if bucket == "garbage":
            return self.send(200, b'<?xml version="1.0"?>\n<ListBucketResult><Contents><Key>a</Key>')
        if bucket == "html":
            return self.send(403, b"<html><body>Forbidden by proxy</body></html>", "text/html")
        if not key:
            prefix = urllib.parse.parse_qs(u.query).get("prefix", [""])[0]
            keys = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
            body = "".join("<Contents><Key>%s</Key><Size>%d</Size></Contents>"
                           % (k, os.path.getsize(os.path.join(root, k))) for k in keys if k.startswith(prefix))
            return self.send(200, ('<ListBucketResult><IsTruncated>false</IsTruncated>%s</ListBucketResult>'
                                   % body).encode())
        self.send(200, open(os.path.join(root, key), "rb").read(), "application/octet-stream")


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
