#!/usr/bin/env bash
# s3:// over https with the one TLS policy of enrich/http.c: a certificate
# made here for 127.0.0.1 is trusted only through AWS_CA_BUNDLE (as the AWS
# CLI does) — refused without it, refused with another CA's bundle or a
# missing file (one line naming the bundle, no retry) — and the listing's
# XML problems are one-line errors: a cut document (malformed XML at a line)
# and a non-XML 403 (named by its HTTP status). No secret in any output.
set -u
command -v openssl >/dev/null 2>&1 || { echo "openssl not installed"; exit 77; }
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp/data/logs"
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }

gen() { # gen NAME: a self-signed certificate for 127.0.0.1
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/$1.key" -out "$tmp/$1.pem" -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
}
gen server && gen other || { echo "FAIL: openssl could not make certificates" >&2; exit 1; }

day=$src/fixtures/sample/v5/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/02
ls "$day" | head -2 | while read -r f; do cp "$day/$f" "$tmp/data/logs/"; done
python3 "$src/tests/s3_tls_server.py" "$tmp/data" "$tmp/port" "$tmp/requests.log" "$tmp/server.pem" "$tmp/server.key" \
  2>"$tmp/server.err" &
srv=$!
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { cat "$tmp/server.err"; echo "FAIL: server did not start" >&2; exit 1; }
ep="https://127.0.0.1:$(cat "$tmp/port")"
touch "$tmp/requests.log"

SECRET=tls-secret-do-not-print
export AWS_ACCESS_KEY_ID=AKIDTLSEXAMPLE AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=tls-token-do-not-print
export AWS_REGION=us-east-1 AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 AWS_MAX_ATTEMPTS=3
unset AWS_PROFILE AWS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3
requests() { wc -l <"$tmp/requests.log"; }
one_line() { [ "$(wc -l <"$1")" -eq 1 ] && grep -q '^flowcost: error: ' "$1"; }
no_secrets() { ! grep -qiF -e "$SECRET" -e tls-token-do-not-print -e authorization -e x-amz-security-token "$1"; }

# 1. Trusted through AWS_CA_BUNDLE: the same aggregate as the local files.
AWS_CA_BUNDLE=$tmp/server.pem "$bin" aggregate -v --endpoint-url "$ep" s3://tls/logs/ -o "$tmp/s3.fca" --csv "$tmp/s3.csv" 2>"$tmp/good.err"
rc=$?
[ $rc -eq 0 ] && ok || bad "trusted bundle: exit $rc: $(grep error "$tmp/good.err")"
"$bin" aggregate -q "$tmp/data/logs" -o "$tmp/local.fca" --csv "$tmp/local.csv"
[ "$(wc -l <"$tmp/local.csv")" -gt 2 ] && cmp -s "$tmp/local.csv" "$tmp/s3.csv" && ok || bad "CSV over https differs from the local files'"
no_secrets "$tmp/good.err" && ok || bad "-v printed a secret or a signed header"
[ "$(requests)" -eq 3 ] && ok || bad "expected 1 listing + 2 objects, got $(requests) requests"

# 2. Refused: no bundle (the system store does not know this certificate),
# another CA's bundle, a bundle that does not exist. One line, one attempt,
# and no request ever reached the server.
before=$(requests)
"$bin" aggregate -q --endpoint-url "$ep" s3://tls/logs/ -o "$tmp/x.fca" 2>"$tmp/none.err"
rc=$?
[ $rc -eq 1 ] && one_line "$tmp/none.err" && grep -q 'certificate' "$tmp/none.err" && grep -q '(after 1 attempt)' "$tmp/none.err" \
  && ok || bad "no bundle: exit $rc: $(cat "$tmp/none.err")"
AWS_CA_BUNDLE=$tmp/other.pem "$bin" aggregate -q --endpoint-url "$ep" s3://tls/logs/ -o "$tmp/x.fca" 2>"$tmp/other.err"
rc=$?
[ $rc -eq 1 ] && one_line "$tmp/other.err" && grep -q 'certificate' "$tmp/other.err" \
  && grep -qF "(CA bundle $tmp/other.pem)" "$tmp/other.err" && grep -q '(after 1 attempt)' "$tmp/other.err" \
  && ok || bad "another CA's bundle: exit $rc: $(cat "$tmp/other.err")"
AWS_CA_BUNDLE=$tmp/missing.pem "$bin" aggregate -q --endpoint-url "$ep" s3://tls/logs/ -o "$tmp/x.fca" 2>"$tmp/missing.err"
rc=$?
[ $rc -eq 1 ] && one_line "$tmp/missing.err" && grep -qF "CA bundle $tmp/missing.pem" "$tmp/missing.err" \
  && ok || bad "missing bundle: exit $rc: $(cat "$tmp/missing.err")"
[ "$(requests)" -eq "$before" ] && ok || bad "a request got through an unverified TLS session"
echo "refused: $(cut -c1-160 "$tmp/other.err")"
for f in none other missing; do no_secrets "$tmp/$f.err" || bad "$f: a secret was printed"; done

# 3. The listing's XML: a cut document is a one-line error with its line;
# a 403 whose body is not an S3 error is named by its status.
AWS_CA_BUNDLE=$tmp/server.pem "$bin" aggregate -q --endpoint-url "$ep" s3://garbage/x/ -o "$tmp/x.fca" 2>"$tmp/garbage.err"
rc=$?
[ $rc -eq 1 ] && one_line "$tmp/garbage.err" && grep -q '^flowcost: error: s3://garbage/x/: ListObjectsV2: malformed XML at line 2: ' "$tmp/garbage.err" \
  && ok || bad "cut listing: exit $rc: $(cat "$tmp/garbage.err")"
AWS_CA_BUNDLE=$tmp/server.pem "$bin" aggregate -q --endpoint-url "$ep" s3://html/x/ -o "$tmp/x.fca" 2>"$tmp/html.err"
rc=$?
[ $rc -eq 1 ] && one_line "$tmp/html.err" && grep -q '^flowcost: error: s3://html/x/: ListObjectsV2: HTTP 403 (request id REQ-TLS)$' "$tmp/html.err" \
  && ok || bad "403 with HTML: exit $rc: $(cat "$tmp/html.err")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
