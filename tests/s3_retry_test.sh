#!/usr/bin/env bash
# s3:// failure handling against a local, deliberately unreliable S3
# (tests/s3_flaky_server.py): 503 SlowDown on listing and 500 on GetObject are
# retried, a download cut in the middle resumes with Range + If-Match, and
# the aggregate equals the local files'; NoSuchBucket is a one-line error.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp/data"
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }

# Three objects: two gzip'd sample files (bytes past the cut must decompress
# after the resume) and one plain file.
day=$src/fixtures/sample/v5/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/02
mkdir -p "$tmp/data/logs"
ls "$day" | head -2 | while read -r f; do cp "$day/$f" "$tmp/data/logs/"; done
printf 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n2 123456789012 eni-0aaa 10.1.0.5 10.2.0.9 1234 443 6 10 5000 1793620000 1793620060 ACCEPT OK\n' >"$tmp/data/logs/plain.log"
[ "$(ls "$tmp/data/logs" | wc -l)" -eq 3 ] || { echo "FAIL: fixtures missing" >&2; exit 1; }
mkdir -p "$tmp/data/slow"
for i in 1 2 3 4 5 6 7 8; do cp "$tmp/data/logs/plain.log" "$tmp/data/slow/p$i.log"; done
mkdir -p "$tmp/data/bad"
printf 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n2 123456789012 eni-0aaa 10.1.0.5 10.2.0.9 1234 443 6 10 5000 1793620000 1793620060 ACCEPT OK\n2 123456789012 eni-0aaa not-an-ip\n' >"$tmp/data/bad/x.log"

/usr/bin/env python3 "$src/tests/s3_flaky_server.py" "$tmp/data" "$tmp/port" "$tmp/requests.log" &
srv=$!
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")

export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=not-a-real-secret AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none

"$bin" aggregate -v --endpoint-url "http://127.0.0.1:$port" s3://flaky/logs/ -o "$tmp/s3.fca" --csv "$tmp/s3.csv" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "aggregate exit $rc: $(grep error "$tmp/err")"
"$bin" aggregate -q "$tmp/data/logs" -o "$tmp/local.fca" --csv "$tmp/local.csv"
[ "$(wc -l <"$tmp/local.csv")" -gt 2 ] && ok || bad "local CSV has too few groups"
cmp -s "$tmp/local.csv" "$tmp/s3.csv" && ok || bad "the CSV after retries differs from the local files'"
# 2 listing attempts (503, then 200) and 3 per object (500, cut, 206).
lists=$(grep -c '^flaky ?' "$tmp/requests.log")
[ "$lists" -eq 2 ] && ok || bad "expected 2 listing attempts, got $lists"
gets=$(grep -c '^flaky logs/' "$tmp/requests.log")
[ "$gets" -eq 9 ] && ok || bad "expected 9 object requests, got $gets"
ranged=$(grep -c ' 3 bytes=[1-9][0-9]*-$' "$tmp/requests.log")
[ "$ranged" -eq 3 ] && ok || bad "expected 3 resumed Range requests, got $ranged"
grep -q 'SlowDown, retrying' "$tmp/err" && ok || bad "-v did not report the SlowDown retry"
grep -qi 'authorization\|not-a-real-secret' "$tmp/err" && bad "-v printed a header or the secret" || ok

"$bin" aggregate -q --endpoint-url "http://127.0.0.1:$port" s3://missing/x -o "$tmp/e.fca" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && ok || bad "missing bucket: exit $rc, expected 1"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^flowcost: error: s3://missing/x: ListObjectsV2: NoSuchBucket: The specified bucket does not exist (request id REQNoSuchBucket)' "$tmp/err" \
  && ok || bad "missing bucket message: $(cat "$tmp/err")"

# Several objects in flight: 8 objects that each take 0.3 s to serve.
"$bin" aggregate -q --endpoint-url "http://127.0.0.1:$port" s3://flaky/slow/ -o "$tmp/s.fca" --csv "$tmp/slow.csv" 2>"$tmp/err"
rc=$?
inflight=$(grep '^max_in_flight' "$tmp/requests.log" | tail -1 | cut -d' ' -f2)
[ $rc -eq 0 ] && [ "${inflight:-0}" -ge 2 ] && ok || bad "in flight at once: ${inflight:-none} (exit $rc)"
echo "objects in flight at once: ${inflight:-none}"
[ "$(awk -F, 'NR>1 {r+=$8} END {print r}' "$tmp/slow.csv")" = 8 ] && ok || bad "slow objects: not all 8 records read"

# Malformed records in an object: named as s3://bucket/key:line; --strict exits 3.
"$bin" aggregate --endpoint-url "http://127.0.0.1:$port" s3://flaky/bad/ -o "$tmp/b.fca" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -q 's3://flaky/bad/x.log' "$tmp/err" && ok || bad "malformed record: exit $rc, stderr: $(cat "$tmp/err")"
"$bin" aggregate -q --strict --endpoint-url "http://127.0.0.1:$port" s3://flaky/bad/ -o "$tmp/b.fca" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && ok || bad "--strict: exit $rc, expected 3: $(cat "$tmp/err")"
grep -q 's3://flaky/bad/x.log:3' "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || bad "--strict message: $(cat "$tmp/err")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
