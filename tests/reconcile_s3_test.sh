#!/usr/bin/env bash
# reconcile_s3_test: --cur s3://bucket/prefix (issue 19 part 1) against
# moto_server's S3 on 127.0.0.1: the CUR 2.0 export of tests/cur_scenario.py
# (gzip data file and a manifest the reader skips) uploaded under a prefix
# gives the same `reconciliation` as the local directory; a missing bucket
# is one line, exit 1.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
command -v moto_server >/dev/null 2>&1 || { echo "moto_server not installed"; exit 77; }
python3 -c 'import boto3' 2>/dev/null || { echo "boto3 not installed"; exit 77; }
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

python3 "$src/tests/cur_scenario.py" "$tmp/sc" || { echo "FAIL: the scenario generator failed"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# the export's files go into moto's S3 as the server starts (FC_S3_SEED),
# under the keys an upload of each path under cur2/ to exports/flowcost/
# would give, instead of a boto3 client's signed uploads
FC_S3_SEED="billing/exports/flowcost/=$tmp/sc/cur2" \
    python3 "$src/tests/s3_moto_server.py" -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null; wait $moto_pid 2>/dev/null' EXIT
ep=http://127.0.0.1:$port
# ready once it accepts connections: a bash probe, not a Python start per try
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$ep
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none
IN=("$tmp/sc/logs" --eni-snapshot "$tmp/sc/snapshot.json" --ip-ranges "$src/fixtures/sample/ip-ranges.json" -q)
"$bin" report "${IN[@]}" --cur "$tmp/sc/cur2" --json "$tmp/local.json" -o "$tmp/local.html" 2>"$tmp/local.err" || bad "local --cur failed"
"$bin" report "${IN[@]}" --cur s3://billing/exports/flowcost/ --json "$tmp/s3.json" -o "$tmp/s3.html" 2>"$tmp/s3.err" ||
    bad "--cur s3:// exited $?: $(head -c 300 "$tmp/s3.err")"
python3 - "$tmp" <<'PY' || bad "s3:// and the local directory reconcile differently"
import json, sys
a, b = (json.load(open(f"{sys.argv[1]}/{n}.json"))["reconciliation"] for n in ("local", "s3"))
assert a == b and a["line_items"] == 576, (a, b)
PY
"$bin" report "${IN[@]}" --cur s3://no-such-bucket/x -o "$tmp/x.html" 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "NoSuchBucket" "$tmp/e" || bad "missing bucket: exit $rc, $(cat "$tmp/e")"
exit $fail
