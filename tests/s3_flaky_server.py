"""A deliberately unreliable S3 for tests/s3_retry_test.sh (127.0.0.1 only).

Serves one bucket "flaky" holding the files of a local directory, and fails
in the ways S3 does: the first ListObjectsV2 gets 503 SlowDown, every
object's first GET gets 500 InternalError, its second GET sends half the body
and drops the connection, and only a Range request for the rest succeeds
(206); keys under bad/ are served plainly, keys under slow/ after 0.3 s
(logging how many GETs were in flight at once). Bucket "missing" answers 404
NoSuchBucket. Prints one line per
request to the log given as argv[3] so the test can count attempts.
"""
import http.server
import os
import sys
import threading
import time
import urllib.parse

root, port_file, log_path = sys.argv[1], sys.argv[2], sys.argv[3]
lock = threading.Lock()
seen = {}
active = 0
max_active = 0
log = open(log_path, "a", buffering=1)


def xml_list(prefix):
    keys = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            k = os.path.relpath(os.path.join(dirpath, f), root)
            if k.startswith(prefix):
                keys.append((k, os.path.getsize(os.path.join(root, k))))
    keys.sort()
    body = "".join("<Contents><Key>%s</Key><Size>%d</Size></Contents>" % kv for kv in keys)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            "<Name>flaky</Name><KeyCount>%d</KeyCount><IsTruncated>false</IsTruncated>%s</ListBucketResult>"
            % (len(keys), body)).encode()


def err(code, msg):
    return ("<Error><Code>%s</Code><Message>%s</Message><RequestId>REQ%s</RequestId></Error>" % (code, msg, code)).encode()


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, extra=()):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        parts = u.path.split("/", 2)
        bucket, key = parts[1], urllib.parse.unquote(parts[2]) if len(parts) > 2 else ""
        rng = self.headers.get("Range", "")
        if "Authorization" not in self.headers or "x-amz-content-sha256" not in self.headers:
            return self.send(403, err("AccessDenied", "unsigned"))
        with lock:
            n = seen[self.path] = seen.get(self.path, 0) + 1
        log.write("%s %s %d %s\n" % (bucket, key or "?" + u.query, n, rng))
        if bucket == "missing":
            return self.send(404, err("NoSuchBucket", "The specified bucket does not exist"))
        if not key:
            if n == 1:
                return self.send(503, err("SlowDown", "Please reduce your request rate."))
            q = urllib.parse.parse_qs(u.query)
            return self.send(200, xml_list(q.get("prefix", [""])[0]))
        data = open(os.path.join(root, key), "rb").read()
        etag = '"e%x"' % len(data)
        if key.startswith("bad/"):  # served plainly: the test is about its records
            return self.send(200, data, [("ETag", etag)])
        if key.startswith("slow/"):  # 0.3 s each: measures how many are in flight
            global active, max_active
            with lock:
                active += 1
                max_active = max(max_active, active)
            time.sleep(0.3)
            with lock:
                active -= 1
                log.write("max_in_flight %d\n" % max_active)
            return self.send(200, data, [("ETag", etag)])
        if n == 1:
            return self.send(500, err("InternalError", "We encountered an internal error. Please try again."))
        if n == 2:
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if not rng.startswith("bytes=") or self.headers.get("If-Match") != etag:
            return self.send(400, err("BadRange", "expected a resumed request"))
        start = int(rng[6:].split("-")[0])
        self.send(206, data[start:], [("ETag", etag),
                                      ("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))])


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
