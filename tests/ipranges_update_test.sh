#!/usr/bin/env bash
# ipranges_update_test: `flowcost ipranges update` against a local HTTPS
# server whose certificate is made here for 127.0.0.1 (trusted through
# --ca-bundle or AWS_CA_BUNDLE only): the download lands in
# $XDG_CACHE_HOME/flowcost/ip-ranges.json with its ETag beside it; the
# second run sends If-None-Match and a 304 keeps the cache; a corrupt or
# implausible body is rejected and the old cache kept; the pricing commands
# then use the cache (said by -v, in data_quality), an explicit --ip-ranges
# wins over it, and a cache older than 30 days before --now is a notice.
set -u
command -v openssl >/dev/null 2>&1 || { echo "openssl not installed"; exit 77; }
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/server.key" -out "$tmp/server.pem" -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 \
  || { echo "FAIL: openssl could not make a certificate" >&2; exit 1; }

S=$src/fixtures/sample
# v1: the sample's file (syncToken 1793491200, createDate 2026-11-01-00-00-00).
cp "$S/ip-ranges.json" "$tmp/v1.json"
# v2: a later edition (what `update` should bring in after v1).
python3 - "$tmp/v1.json" "$tmp/v2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["syncToken"] = "1794000000"
d["createDate"] = "2026-11-06-21-20-00"
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
cp "$tmp/v1.json" "$tmp/body.json"

python3 "$src/tests/ipranges_server.py" "$tmp/body.json" "$tmp/port" "$tmp/requests.log" "$tmp/server.pem" "$tmp/server.key" \
  2>"$tmp/server.err" &
srv=$!
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { cat "$tmp/server.err"; echo "FAIL: server did not start" >&2; exit 1; }
url="https://127.0.0.1:$(cat "$tmp/port")/ip-ranges.json"
touch "$tmp/requests.log"
export XDG_CACHE_HOME=$tmp/cache NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 AWS_MAX_ATTEMPTS=1
unset AWS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE FLOWCOST_IPRANGES_URL
cache=$tmp/cache/flowcost/ip-ranges.json
last() { tail -n 1 "$tmp/requests.log"; }

# 1. First download: 200 without If-None-Match; cache = the body, ETag kept.
"$bin" ipranges update --url "$url" --ca-bundle "$tmp/server.pem" 2>"$tmp/1.err"
rc=$?
[ $rc -eq 0 ] && cmp -s "$cache" "$tmp/v1.json" && ok || bad "download: exit $rc: $(cat "$tmp/1.err")"
[ "$(last)" = "200 -" ] && ok || bad "first request: $(last)"
etag="\"$(sha1sum "$tmp/v1.json" | cut -c1-40)\""
[ "$(cat "$cache.etag" 2>/dev/null)" = "$etag" ] && ok || bad "ETag file: '$(cat "$cache.etag" 2>/dev/null)' != '$etag'"
grep -qF "wrote $cache: syncToken 1793491200, createDate 2026-11-01-00-00-00" "$tmp/1.err" && ok || bad "message: $(cat "$tmp/1.err")"

# 2. Second run (trust and URL from the environment this time): 304 keeps the cache.
cp -p "$cache" "$tmp/before.json"
AWS_CA_BUNDLE=$tmp/server.pem FLOWCOST_IPRANGES_URL=$url "$bin" ipranges update 2>"$tmp/2.err"
rc=$?
[ $rc -eq 0 ] && [ "$(last)" = "304 $etag" ] && ok || bad "304: exit $rc, request '$(last)': $(cat "$tmp/2.err")"
grep -qF "not modified (304), kept $cache" "$tmp/2.err" && cmp -s "$cache" "$tmp/before.json" && ok || bad "304 message or cache: $(cat "$tmp/2.err")"

# 3. Not trusted without the bundle: nothing written, one line.
n=$(wc -l <"$tmp/requests.log")
"$bin" ipranges update --url "$url" 2>"$tmp/3.err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/3.err")" -eq 1 ] && grep -q '^flowcost: error: ip-ranges: .*certificate' "$tmp/3.err" \
  && [ "$(wc -l <"$tmp/requests.log")" -eq "$n" ] && ok || bad "untrusted: exit $rc: $(cat "$tmp/3.err")"
"$bin" ipranges update --url "http://127.0.0.1:1/x" 2>"$tmp/3b.err"
[ $? -eq 1 ] && grep -q 'must be https://' "$tmp/3b.err" && ok || bad "plain http accepted: $(cat "$tmp/3b.err")"

# 4. Corrupt bodies are rejected and the old cache is kept: cut JSON, no
# syncToken, a proxy's page, an empty prefix list.
head -c 400 "$tmp/v1.json" >"$tmp/cut.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["syncToken"]; json.dump(d, open(sys.argv[2],"w"))' "$tmp/v1.json" "$tmp/notoken.json"
printf '<html><body>Access denied by the proxy of example.com</body></html>\n' >"$tmp/html.json"
printf '{"syncToken": "1", "createDate": "2026-11-09-00-00-00", "prefixes": [], "ipv6_prefixes": []}\n' >"$tmp/empty.json"
for c in cut notoken html empty; do
  cp "$tmp/$c.json" "$tmp/body.json"
  "$bin" ipranges update --url "$url" --ca-bundle "$tmp/server.pem" 2>"$tmp/4$c.err"
  rc=$?
  [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/4$c.err")" -eq 1 ] && grep -q '^flowcost: error: rejected the download: .*; the old copy is kept$' "$tmp/4$c.err" \
    && cmp -s "$cache" "$tmp/v1.json" && [ "$(cat "$cache.etag")" = "$etag" ] && ok || bad "corrupt body ($c): exit $rc: $(cat "$tmp/4$c.err")"
done

# 5. A new edition replaces the cache.
cp "$tmp/v2.json" "$tmp/body.json"
"$bin" ipranges update -q --url "$url" --ca-bundle "$tmp/server.pem" 2>"$tmp/5.err"
rc=$?
[ $rc -eq 0 ] && cmp -s "$cache" "$tmp/v2.json" && [ ! -s "$tmp/5.err" ] && ok || bad "new edition: exit $rc: $(cat "$tmp/5.err")"
[ "$(last)" = "200 $etag" ] && ok || bad "new edition request: $(last)"

# 6. The pricing commands use the cache, say so, and judge its age against --now.
args=("$S/v5" --eni-snapshot "$S/describe-network-interfaces.xml" --eni-snapshot "$S/describe-subnets.xml")
# v2 was created 2026-11-06 21:20 UTC. --now 2026-12-07T21:20:00Z is
# 24 (rest of November: 30 - 6) + 7 = 31 days later: stale. --now
# 2026-12-06T21:20:00Z is 30 days later: not yet (older than 30 days warns).
"$bin" top "${args[@]}" -v --now 2026-12-07T21:20:00Z --output json >"$tmp/stale.json" 2>"$tmp/stale.err"
rc=$?
[ $rc -eq 0 ] && grep -qF "flowcost: ip-ranges: cache $cache (syncToken 1794000000, createDate 2026-11-06-21-20-00)" "$tmp/stale.err" \
  && ok || bad "-v does not name the cache: exit $rc: $(grep ip-ranges "$tmp/stale.err")"
grep -qF "flowcost: warning: ip-ranges.json (cache $cache) was created 2026-11-06-21-20-00, 31 days before now: addresses AWS added since are priced as Internet; run 'flowcost ipranges update'" "$tmp/stale.err" \
  && ok || bad "no staleness warning at 31 days: $(grep warning "$tmp/stale.err")"
python3 - "$tmp/stale.json" "$cache" <<'PY' && ok || bad "data_quality of the stale run"
import json, sys
d = json.load(open(sys.argv[1]))
q = d["data_quality"]
assert q["ip_ranges_version"] == "1794000000", q
assert q["ip_ranges_created"] == "2026-11-06-21-20-00", q
assert q["ip_ranges_source"] == "cache " + sys.argv[2], q
assert any("31 days before now" in n for n in q["notices"]), q["notices"]
PY
"$bin" top "${args[@]}" --now 2026-12-06T21:20:00Z >/dev/null 2>"$tmp/fresh.err"
[ $? -eq 0 ] && ! grep -q 'days before now' "$tmp/fresh.err" && ok || bad "warned at 30 days: $(cat "$tmp/fresh.err")"

# An explicit --ip-ranges wins over the cache (and is judged the same way).
"$bin" top "${args[@]}" -v --ip-ranges "$tmp/v1.json" --now 2026-11-20T00:00:00Z >/dev/null 2>"$tmp/file.err"
grep -qF "flowcost: ip-ranges: file $tmp/v1.json (syncToken 1793491200" "$tmp/file.err" && ! grep -q 'days before now' "$tmp/file.err" \
  && ok || bad "--ip-ranges not preferred: $(grep ip-ranges "$tmp/file.err")"
# Without a cache: the bundled copy, not judged (docs/ip-ranges.md).
XDG_CACHE_HOME=$tmp/empty-cache "$bin" top "${args[@]}" -v --now 2026-12-07T00:00:00Z >/dev/null 2>"$tmp/bundled.err"
grep -q '^flowcost: ip-ranges: bundled (syncToken ' "$tmp/bundled.err" && ! grep -q 'days before now' "$tmp/bundled.err" \
  && ok || bad "bundled: $(grep ip-ranges "$tmp/bundled.err")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
