#!/usr/bin/env bash
# enrich_ipranges_test: `flowcost enrich` also refreshes the cached
# ip-ranges.json, as `ipranges update` does (issue 14), against moto (EC2)
# and the local HTTPS ip-ranges server of ipranges_update_test (a
# certificate made here for 127.0.0.1, trusted through AWS_CA_BUNDLE, the URL
# from FLOWCOST_IPRANGES_URL). Checks: the first enrich downloads into
# $XDG_CACHE_HOME/flowcost/ip-ranges.json; the second sends If-None-Match
# and gets a 304; a server that fails (a proxy's page, nothing listening)
# gives exactly one warning line, the old cache kept, and enrich still
# writes its snapshot and exits 0; FLOWCOST_IPRANGES_URL=off sends nothing.
# usage: enrich_ipranges_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 T=$3
command -v moto_server >/dev/null || { echo "skip: moto_server not installed"; exit 77; }
command -v openssl >/dev/null 2>&1 || { echo "skip: openssl not installed"; exit 77; }
rm -rf "$T" && mkdir -p "$T"
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }

unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_EC2 CURL_CA_BUNDLE SSL_CERT_FILE \
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE="$T/no-credentials" AWS_CONFIG_FILE="$T/no-config"
export AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=test-secret AWS_REGION=us-east-1
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 AWS_MAX_ATTEMPTS=1

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/server.key" -out "$T/server.pem" -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 \
  || { echo "FAIL: openssl could not make a certificate" >&2; exit 1; }
# The sample's file: syncToken 1793491200, createDate 2026-11-01-00-00-00.
cp "$SRC/fixtures/sample/ip-ranges.json" "$T/v1.json"
cp "$T/v1.json" "$T/body.json"
touch "$T/requests.log"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
EP="http://127.0.0.1:$PORT"
moto_server -H 127.0.0.1 -p "$PORT" >"$T/moto.log" 2>&1 &
MOTO=$!
python3 "$SRC/tests/ipranges_server.py" "$T/body.json" "$T/port" "$T/requests.log" "$T/server.pem" "$T/server.key" \
  2>"$T/server.err" &
SRV=$!
trap 'kill $MOTO $SRV 2>/dev/null; wait $MOTO $SRV 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$T/port" ] && curl -s -o /dev/null "$EP/moto-api/" && break; sleep 0.1; done
[ -s "$T/port" ] || { cat "$T/server.err"; echo "FAIL: ip-ranges server did not start" >&2; exit 1; }
curl -s -o /dev/null "$EP/moto-api/" || { cat "$T/moto.log"; echo "FAIL: moto_server did not start" >&2; exit 1; }

export XDG_CACHE_HOME=$T/cache AWS_CA_BUNDLE=$T/server.pem
export FLOWCOST_IPRANGES_URL="https://127.0.0.1:$(cat "$T/port")/ip-ranges.json"
cache=$T/cache/flowcost/ip-ranges.json
etag="\"$(sha1sum "$T/v1.json" | cut -c1-40)\""
last() { tail -n 1 "$T/requests.log"; }
nreq() { wc -l <"$T/requests.log"; }
enrich() { # enrich NAME [ARGS]: snapshot NAME.json, stderr NAME.err, exit code in rc
    local n=$1; shift
    "$BIN" enrich --endpoint-url "$EP" --region us-east-1 -o "$T/$n.json" "$@" 2>"$T/$n.err"
    rc=$?
}
warnings() { grep -c '^flowcost: warning: ' "$T/$1.err"; }

# 1. First enrich: the snapshot, and the cache downloaded (200, no If-None-Match) with its ETag.
enrich e1
[ $rc -eq 0 ] && [ -s "$T/e1.json" ] && cmp -s "$cache" "$T/v1.json" && ok || bad "first enrich: exit $rc: $(cat "$T/e1.err")"
[ "$(last)" = "200 -" ] && [ "$(cat "$cache.etag" 2>/dev/null)" = "$etag" ] && ok || bad "first request '$(last)', etag '$(cat "$cache.etag" 2>/dev/null)'"
[ "$(warnings e1)" -eq 0 ] && ok || bad "warnings on success: $(cat "$T/e1.err")"

# 2. Second enrich: If-None-Match with that ETag, 304, cache kept; -v says so.
cp -p "$cache" "$T/before.json"
enrich e2 -v
[ $rc -eq 0 ] && [ "$(last)" = "304 $etag" ] && cmp -s "$cache" "$T/before.json" && ok || bad "304: exit $rc, request '$(last)'"
grep -qF "flowcost: ip-ranges: not modified (304), kept $cache (syncToken 1793491200, createDate 2026-11-01-00-00-00)" "$T/e2.err" \
  && ok || bad "-v line: $(grep ip-ranges "$T/e2.err")"

# 3. A failing server (a proxy's page instead of the JSON): one warning line,
# the cache and its ETag unchanged, the snapshot written, exit 0.
printf '<html><body>Access denied by the proxy of example.com</body></html>\n' >"$T/body.json"
enrich e3
[ $rc -eq 0 ] && [ -s "$T/e3.json" ] && ok || bad "enrich failed with the server: exit $rc: $(cat "$T/e3.err")"
[ "$(warnings e3)" -eq 1 ] && grep -q "^flowcost: warning: ip-ranges.json not refreshed: rejected the download: .*; still using the cache $cache\$" "$T/e3.err" \
  && ok || bad "warning: $(cat "$T/e3.err")"
cmp -s "$cache" "$T/v1.json" && [ "$(cat "$cache.etag")" = "$etag" ] && ok || bad "cache changed by a rejected download"

# 4. Nothing listening, no cache yet: one warning naming the bundled copy, exit 0.
XDG_CACHE_HOME=$T/cache2 FLOWCOST_IPRANGES_URL=https://127.0.0.1:1/ip-ranges.json enrich e4
[ $rc -eq 0 ] && [ -s "$T/e4.json" ] && [ "$(warnings e4)" -eq 1 ] \
  && grep -q '^flowcost: warning: ip-ranges.json not refreshed: ip-ranges: .*; still using the bundled copy$' "$T/e4.err" \
  && [ ! -e "$T/cache2/flowcost/ip-ranges.json" ] && ok || bad "unreachable: exit $rc: $(cat "$T/e4.err")"

# 5. FLOWCOST_IPRANGES_URL=off: no request at all, no warning.
n=$(nreq)
FLOWCOST_IPRANGES_URL=off enrich e5
[ $rc -eq 0 ] && [ "$(nreq)" -eq "$n" ] && [ "$(warnings e5)" -eq 0 ] && ok || bad "off: exit $rc, $(nreq) vs $n requests: $(cat "$T/e5.err")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
