#!/usr/bin/env bash
# s3:// inputs end to end against moto_server's S3 on 127.0.0.1 with
# signature verification on (INITIAL_NO_AUTH_ACTION_COUNT: only the IAM
# bootstrap is unauthenticated; every flowcost request must be correctly
# SigV4-signed by an IAM user's key):
#  1. the sample's S3-layout files give the same aggregate CSV and the same
#     JSON result from s3://... as from the local directory;
#  2. a --since/--until window lists only the matching day prefix (requests
#     counted from -v, one line per request) and reads only its objects;
#  3. 305 objects (more than one ListObjectsV2 page: moto's page is set to
#     300 keys here, S3 returns up to 1,000) are all read;
#  4. NoSuchBucket, AccessDenied and a wrong secret are one-line errors, exit 1.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
command -v moto_server >/dev/null 2>&1 || { echo "moto_server not installed"; exit 77; }
python3 -c 'import boto3' 2>/dev/null || { echo "boto3 not installed"; exit 77; }
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }

sample=$src/fixtures/sample/v5
# 305 one-record v2 files, record i carries i bytes: the sum is known.
mkdir -p "$tmp/bulk"
python3 - "$tmp/bulk" <<'PY'
import sys, os
d = sys.argv[1]
for i in range(1, 306):
    with open(os.path.join(d, "part-%04d.log" % i), "w") as f:
        f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
        f.write("2 123456789012 eni-0bulk 10.9.%d.%d 10.8.0.1 40000 443 6 1 %d 1793620000 1793620060 ACCEPT OK\n" % (i // 250, i % 250 + 1, i))
PY

# The objects (the sample under vpc/, the 305 files under many/) are put
# into moto's store as it starts (FC_S3_SEED, tests/s3_moto_server.py), not
# uploaded through ~600 signed requests. A ListObjectsV2 page holds at most
# 300 keys (MOTO_S3_DEFAULT_MAX_KEYS; flowcost sends no max-keys): S3 gives
# up to 1,000 and may give fewer, and a page of 300 makes the bulk prefix
# two pages with 305 objects instead of 1,005 (a third of the GETs). A day
# of the sample (144 objects) and vpc/'s delimiter listings stay one page.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
FC_S3_SEED="flow-logs/vpc/=$sample;bulk-logs/many/=$tmp/bulk" INITIAL_NO_AUTH_ACTION_COUNT=5 MOTO_S3_DEFAULT_MAX_KEYS=300 \
  python3 "$src/tests/s3_moto_server.py" -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null; wait $moto_pid 2>/dev/null' EXIT
ep=http://127.0.0.1:$port
# ready once it accepts connections: a bash probe, not a Python start per try
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done

python3 - "$ep" "$tmp/creds" <<'PY' || { echo "FAIL: moto setup" >&2; exit 1; }
import sys, json, boto3
ep, out = sys.argv[1:3]
boot = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam = boto3.client("iam", **boot)
# The five unauthenticated actions: two users, a policy, two keys.
iam.create_user(UserName="reader")
iam.create_user(UserName="nobody")
iam.put_user_policy(UserName="reader", PolicyName="s3", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
k = iam.create_access_key(UserName="reader")["AccessKey"]
n = iam.create_access_key(UserName="nobody")["AccessKey"]
with open(out, "w") as o:
    o.write("%s %s %s %s\n" % (k["AccessKeyId"], k["SecretAccessKey"], n["AccessKeyId"], n["SecretAccessKey"]))
PY
read -r ak sk nak nsk <"$tmp/creds"
export AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$ep
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none
export SOURCE_DATE_EPOCH=1793750400

# 1. Same result from S3 as from the directory.
"$bin" aggregate -q "$sample" -o "$tmp/local.fca" --csv "$tmp/local.csv" || bad "local aggregate failed"
"$bin" aggregate -q s3://flow-logs/vpc/ -o "$tmp/s3.fca" --csv "$tmp/s3.csv" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "aggregate s3:// exit $rc: $(head -c 400 "$tmp/err")"
[ "$(wc -l <"$tmp/local.csv")" -gt 10 ] && ok || bad "local CSV has too few groups"
cmp -s "$tmp/local.csv" "$tmp/s3.csv" && ok || bad "aggregate CSV from s3:// differs from the local directory's"
"$bin" top -q --output json --limit 0 "$sample" >"$tmp/local.json" 2>"$tmp/err.local"
lrc=$?
"$bin" top -q --output json --limit 0 s3://flow-logs/vpc/ >"$tmp/s3.json" 2>"$tmp/err"
rc=$?
[ $lrc -eq 0 ] && [ $rc -eq 0 ] && ok || bad "top --output json: local exit $lrc, s3 exit $rc: $(head -c 300 "$tmp/err.local" "$tmp/err")"
[ -s "$tmp/s3.json" ] && cmp -s "$tmp/local.json" "$tmp/s3.json" && ok || bad "JSON result from s3:// differs from the local directory's"

# 2. A window inside 2026-11-02 (the sample spans 11-02 00:10 to 11-03 00:05)
# lists that day's prefix and not 11-03's.
since=2026-11-02T06:00:00Z until=2026-11-02T18:00:00Z
"$bin" aggregate -v --since $since --until $until s3://flow-logs/vpc/ -o "$tmp/w.fca" --csv "$tmp/w_s3.csv" 2>"$tmp/w.err"
rc=$?
[ $rc -eq 0 ] && ok || bad "windowed aggregate exit $rc: $(grep error "$tmp/w.err" | head -c 300)"
lists=$(grep -c '^flowcost: s3: GET .*list-type=2' "$tmp/w.err")
# vpc/ → AWSLogs/ → 123456789012/ → vpcflowlogs/ (delimiter listings) and
# one listing of .../us-east-1/2026/11/02/ — five in all.
[ "$lists" -eq 5 ] && ok || bad "expected 5 ListObjectsV2 requests, got $lists"
day=$(grep -c 'list-type=2&prefix=vpc%2FAWSLogs%2F123456789012%2Fvpcflowlogs%2Fus-east-1%2F2026%2F11%2F02%2F' "$tmp/w.err")
[ "$day" -eq 1 ] && ok || bad "the 2026/11/02 prefix was listed $day times"
grep -q '2026%2F11%2F0[13]' "$tmp/w.err" && bad "the 11-01 or 11-03 prefix was listed" || ok
grep -q 'GET /flow-logs/vpc/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/03/' "$tmp/w.err" && bad "an object of 11-03 was fetched" || ok
# Within the day, files named outside 05:00..19:00 are not even fetched.
got=$(grep -c 'GET /flow-logs/vpc/AWSLogs/.*\.log\.gz' "$tmp/w.err")
[ "$got" -gt 100 ] && [ "$got" -lt 286 ] && ok || bad "expected 100..285 objects fetched in the window, got $got"
"$bin" aggregate -q --since $since --until $until "$sample" -o "$tmp/wl.fca" --csv "$tmp/w_local.csv" || bad "local windowed aggregate failed"
cmp -s "$tmp/w_local.csv" "$tmp/w_s3.csv" && ok || bad "windowed CSV from s3:// differs from the local directory's"
[ "$(wc -l <"$tmp/w_s3.csv")" -gt 1 ] && ok || bad "the window holds no groups"

# 3. More keys than one page: 305 objects, bytes 1+2+...+305 = 305 x 306 / 2 = 46,665.
"$bin" aggregate -v s3://bulk-logs/many/ -o "$tmp/bulk.fca" --csv "$tmp/bulk_s3.csv" 2>"$tmp/bulk.err"
rc=$?
[ $rc -eq 0 ] && ok || bad "bulk aggregate exit $rc: $(grep error "$tmp/bulk.err" | head -c 300)"
pages=$(grep -c '^flowcost: s3: GET .*list-type=2' "$tmp/bulk.err")
[ "$pages" -eq 2 ] && ok || bad "expected 2 ListObjectsV2 pages, got $pages"
grep -q 'continuation-token=' "$tmp/bulk.err" && ok || bad "the second page was not asked with a continuation token"
sums=$(awk -F, 'NR>1 {b+=$7; r+=$8} END {print b, r}' "$tmp/bulk_s3.csv")
[ "$sums" = "46665 305" ] && ok || bad "bulk: expected bytes 46665 over 305 records, got '$sums'"
"$bin" aggregate -q "$tmp/bulk" -o "$tmp/bulkl.fca" --csv "$tmp/bulk_local.csv"
cmp -s "$tmp/bulk_local.csv" "$tmp/bulk_s3.csv" && ok || bad "bulk CSV from s3:// differs from the local directory's"

# 4. Errors: one line, exit 1, the AWS error code named.
expect_err() { # description code command...
  local what=$1 code=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [ $rc -eq 1 ] && ok || bad "$what: exit $rc, expected 1"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || bad "$what: expected one line on stderr, got: $(cat "$tmp/err")"
  grep -q "^flowcost: error: .*$code" "$tmp/err" && ok || bad "$what: message lacks $code: $(cat "$tmp/err")"
}
expect_err "missing bucket" NoSuchBucket "$bin" aggregate -q s3://no-such-bucket/x -o "$tmp/e.fca"
AWS_ACCESS_KEY_ID=$nak AWS_SECRET_ACCESS_KEY=$nsk expect_err "no permission" AccessDenied "$bin" aggregate -q s3://flow-logs/vpc/ -o "$tmp/e.fca"
AWS_SECRET_ACCESS_KEY=wrong-secret expect_err "wrong secret" SignatureDoesNotMatch "$bin" aggregate -q s3://flow-logs/vpc/ -o "$tmp/e.fca"
grep -q "wrong-secret\|$sk" "$tmp/err" && bad "a secret was printed" || ok

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
