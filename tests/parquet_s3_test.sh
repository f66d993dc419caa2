#!/usr/bin/env bash
# Parquet objects from s3:// (moto_server's S3 on 127.0.0.1): AWS's delivery
# layout with `.log.parquet` keys, the whole object buffered (the footer is
# at its end) and read like a local file — the same aggregate CSV as the
# text file of the same records; a damaged object is one error line naming
# its s3:// URL.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
command -v moto_server >/dev/null 2>&1 || { echo "moto_server not installed"; exit 77; }
python3 -c 'import boto3' 2>/dev/null || { echo "boto3 not installed"; exit 77; }
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$src/tests/s3_moto_server.py" -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null; wait $moto_pid 2>/dev/null' EXIT
ep=http://127.0.0.1:$port
# ready once it accepts connections: a bash probe, not a Python start per try
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done

fix=$src/tests/parquet
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$ep
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none
python3 - "$ep" "$fix" <<'PY' || { echo "FAIL: moto setup" >&2; exit 1; }
import sys, boto3
ep, fix = sys.argv[1:3]
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
s3.create_bucket(Bucket="pq-logs")
pre = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/12/07/"
s3.upload_file(fix + "/flows_zstd_v2.parquet", "pq-logs", pre + "123456789012_vpcflowlogs_us-east-1_fl-0abc_20261207T1200Z_a1b2c3d4.log.parquet")
s3.upload_file(fix + "/flows_rg_zstd.parquet", "pq-logs", "rg/x.log.parquet")
data = open(fix + "/flows_snappy_v1.parquet", "rb").read()
s3.put_object(Bucket="pq-logs", Key="bad/cut.log.parquet", Body=data[:len(data) - 5])
PY

"$bin" aggregate "$fix/flows.log" -o "$tmp/text.fca" --csv "$tmp/text.csv" || bad "text aggregate"
"$bin" aggregate -q s3://pq-logs/AWSLogs/ -o "$tmp/s3.fca" --csv "$tmp/s3.csv" 2>"$tmp/err" || bad "s3 aggregate exit $?: $(head -c 300 "$tmp/err")"
cmp -s "$tmp/text.csv" "$tmp/s3.csv" || bad "CSV of the Parquet object differs from the text file's"
"$bin" aggregate "$fix/flows_rg.log.gz" -o "$tmp/rg_text.fca" --csv "$tmp/rg_text.csv" || bad "rg text"
"$bin" aggregate -q s3://pq-logs/rg/ -o "$tmp/rg.fca" --csv "$tmp/rg.csv" 2>"$tmp/err" || bad "rg s3 exit $?: $(head -c 300 "$tmp/err")"
cmp -s "$tmp/rg_text.csv" "$tmp/rg.csv" || bad "three row groups from s3:// differ from the text file's"
"$bin" aggregate -q s3://pq-logs/bad/ -o "$tmp/bad.fca" 2>"$tmp/bad.err"
rc=$?
[ $rc -eq 1 ] || bad "damaged object: exit $rc, expected 1"
[ "$(wc -l < "$tmp/bad.err")" -eq 1 ] && grep -qF "flowcost: error: s3://pq-logs/bad/cut.log.parquet: bad footer: no PAR1 magic at the end" "$tmp/bad.err" \
    || bad "damaged object: $(cat "$tmp/bad.err")"
exit $fail
