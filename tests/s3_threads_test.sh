#!/usr/bin/env bash
# s3:// with many objects and several reader threads (issue 12, item 1):
# 24 gzip objects of the bench's v5 custom format (header line, 20,000
# records, ~400 ENIs with their vpc/subnet/instance/az metadata, made by
# bench/genflows at test time) are read from moto S3 with --threads 4 and
# must give byte for byte the JSON result and the aggregate CSV of the same
# files read from a local directory. Under the ASan build this used to abort
# in agg_canonicalize (a heap-buffer-overflow WRITE: the ENI metadata array
# was sized by its old capacity but indexed by the renumbered string ids),
# reached from ingest_stream in an S3 worker thread.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
command -v moto_server >/dev/null 2>&1 || { echo "moto_server not installed"; exit 77; }
python3 -c 'import boto3' 2>/dev/null || { echo "boto3 not installed"; exit 77; }
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }

python3 "$src/bench/genflows" --records 20000 --format v5 --out "$tmp/logs" --gzip --files 24 \
  --enis 400 --pairs 4000 --jobs 1 2>/dev/null || { echo "FAIL: genflows" >&2; exit 1; }
# Only the first 20 records of each object carry the ENI's vpc/subnet/
# instance/az (later ones write "-", as records of ENIs whose metadata is not
# known do): a worker's table then holds many more strings than ENIs with
# metadata, which is what overflowed the metadata array when ids were
# renumbered.
python3 - "$tmp/logs" <<'PY' || { echo "FAIL: rewriting the objects" >&2; exit 1; }
import gzip, os, sys
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(root, f)
        lines = gzip.open(p, "rt").read().splitlines()
        out = lines[:21]
        for l in lines[21:]:
            t = l.split(" ")
            t[14:18] = ["-"] * 4
            out.append(" ".join(t))
        with open(p, "wb") as o:
            o.write(gzip.compress(("\n".join(out) + "\n").encode(), mtime=0))
PY
n=$(find "$tmp/logs" -type f -name '*.log.gz' | wc -l)
[ "$n" -eq 24 ] && ok || bad "expected 24 generated objects, got $n"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$src/tests/s3_moto_server.py" -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null; wait $moto_pid 2>/dev/null' EXIT
ep=http://127.0.0.1:$port
# ready once it accepts connections: a bash probe, not a Python start per try
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$ep
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none
export SOURCE_DATE_EPOCH=1793750400

python3 - "$ep" "$tmp/logs" <<'PY' || { echo "FAIL: moto setup" >&2; exit 1; }
import sys, os, boto3
ep, logs = sys.argv[1:3]
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1",
                  aws_access_key_id="testing", aws_secret_access_key="testing")
s3.create_bucket(Bucket="weekly")
for root, _, files in os.walk(logs):
    for f in files:
        p = os.path.join(root, f)
        s3.upload_file(p, "weekly", "flows/" + os.path.relpath(p, logs))
# objects that are no text flow log (item 10): binary data, gzip'd JSON lines (Parquet is read now)
import gzip
s3.put_object(Bucket="weekly", Key="other/a.bin", Body=b"\x7fELF\x02\x01\x01" + b"\x00" * 13)
s3.put_object(Bucket="weekly", Key="other/b.log.gz",
              Body=gzip.compress(b'{"message": "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 10 3600 3660 ACCEPT OK"}\n', mtime=0))
PY

# The JSON result (report --json) and the aggregate CSV, local vs s3://.
"$bin" report -q --threads 4 "$tmp/logs" -o "$tmp/local.html" --json "$tmp/local.json" 2>"$tmp/local.err"
lrc=$?
"$bin" report -q --threads 4 s3://weekly/flows/ -o "$tmp/s3.html" --json "$tmp/s3.json" 2>"$tmp/s3.err"
rc=$?
[ $lrc -eq 0 ] && ok || bad "local report exit $lrc: $(head -c 400 "$tmp/local.err")"
[ $rc -eq 0 ] && ok || bad "s3:// report exit $rc: $(head -c 600 "$tmp/s3.err")"
[ -s "$tmp/s3.json" ] && cmp -s "$tmp/local.json" "$tmp/s3.json" && ok || bad "JSON result from s3:// differs from the local directory's"
# 20,000 records were read (the counts are in the JSON's records object)
grep -q '"read":[[:space:]]*20000,' "$tmp/s3.json" && ok || bad "s3:// JSON does not say 20000 records read: $(grep -m1 '"read"' "$tmp/s3.json")"

"$bin" aggregate -q --threads 4 "$tmp/logs" -o "$tmp/local.fca" --csv "$tmp/local.csv" 2>"$tmp/err" || bad "local aggregate failed: $(head -c 300 "$tmp/err")"
"$bin" aggregate -q --threads 4 s3://weekly/flows/ -o "$tmp/s3.fca" --csv "$tmp/s3.csv" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "s3:// aggregate exit $rc: $(head -c 600 "$tmp/err")"
[ "$(wc -l <"$tmp/local.csv")" -gt 1000 ] && ok || bad "local CSV has too few groups"
cmp -s "$tmp/local.csv" "$tmp/s3.csv" && ok || bad "aggregate CSV from s3:// differs from the local directory's"
# CSV sums: every record is counted once (20,000 records in all)
recs=$(awk -F, 'NR>1 {r+=$8} END {print r}' "$tmp/s3.csv")
[ "$recs" = 20000 ] && ok || bad "s3:// CSV holds $recs records, expected 20000"
# the .fca files hold the same groups and ENI metadata: reports from them agree
"$bin" report -q "$tmp/s3.fca" -o "$tmp/f.html" --json "$tmp/s3fca.json" 2>/dev/null &&
  "$bin" report -q "$tmp/local.fca" -o "$tmp/g.html" --json "$tmp/localfca.json" 2>/dev/null &&
  cmp -s "$tmp/s3fca.json" "$tmp/localfca.json" && ok || bad "reports from the s3:// and local .fca differ"

# s3:// objects that are no text flow log: one warning each, even with -q
# (the gzip'd JSON lines of b.log.gz are read since issue 13: 1 record)
"$bin" top -q --threads 4 s3://weekly/other/ --output json >"$tmp/other.json" 2>"$tmp/err"
want="flowcost: warning: skipped 's3://weekly/other/a.bin': binary data, not a text flow log"
[ "$(grep 'warning: skipped' "$tmp/err" | sort)" = "$want" ] && ok || bad "s3:// non-text objects: $(cat "$tmp/err")"
grep -q '"read":[[:space:]]*1,' "$tmp/other.json" && ok || bad "s3:// JSON-wrapped object not read: $(grep -m1 '"read"' "$tmp/other.json")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
