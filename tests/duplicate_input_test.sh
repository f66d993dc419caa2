#!/usr/bin/env bash
# duplicate_input_test (issue 12 item 6): each input is read once. The same file (device and
# inode: given twice, through a symlink, or also found under a directory given), the same bytes
# under another name, the same s3:// object, or an input already inside an .fca given is skipped
# with one warning per INPUT argument (printed even with -q); an .fca whose inputs are all in
# another .fca is skipped; two .fca that share only some inputs are an error (exit 1). `top DIR
# DIR` used to double every figure.
# Data: three one-record files, record k (k = 1, 2, 3) carries k x 1,000 bytes, so the records
# read and the bytes name exactly which files were counted: a+b+c = 3 records, 6,000 bytes.
# usage: bash duplicate_input_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp" && cd "$tmp" || exit 1
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0
fail=0
bad() { echo "FAIL: $*"; fail=1; }
HDR="version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
T0=1793577600
mkdir -p d/sub other
k=0
for f in d/a.log d/sub/b.log d/c.log; do
    k=$((k + 1))
    printf '%s\n' "$HDR" "2 123456789012 eni-0a$k 10.0.0.$k 10.0.1.9 443 49152 6 1 $((k * 1000)) $((T0 + k * 600)) $((T0 + k * 600 + 60)) ACCEPT OK" > $f
done
gzip -c d/a.log > other/a.log.gz     # the same records in other bytes: a different input
cp d/c.log other/copy-of-c.log       # the same bytes under another name
ln -s ../d/sub/b.log other/link-to-b.log

# counted INPUT...: "records bytes" from aggregate --csv (every record in one row), stderr in ./err
counted() { "$bin" aggregate "$@" -q --csv out.csv 2>err; echo "$? $(awk -F, 'NR > 1 { r += $8; b += $7 } END { print r+0, b+0 }' out.csv)"; }

# rows: label | INPUT... | "exit records bytes" | warnings expected (count)
cases=(
"a directory once|d|0 3 6000|0"
"the same directory twice|d d|0 3 6000|1"
"a file also under a directory given|d d/sub/b.log|0 3 6000|1"
"a file, then its directory|d/c.log d|0 3 6000|1"
"a file twice by two paths|d/a.log ./d/../d/a.log|0 1 1000|1"
"a symlink to a file read|d other/link-to-b.log|0 3 6000|1"
"the same bytes under another name|d other/copy-of-c.log|0 3 6000|1"
"the same records gzipped (other bytes): read|d other/a.log.gz|0 4 7000|0"
)
for row in "${cases[@]}"; do
    IFS='|' read -r label ins want nwarn <<<"$row"
    # shellcheck disable=SC2086
    got=$(counted $ins)
    [ "$got" == "$want" ] || bad "$label: got '$got', expected '$want' ($(cat err))"
    [ "$(grep -c '^flowcost: warning: skipped .*each input is read once' err)" == "$nwarn" ] && [ "$(grep -c '' err)" == "$nwarn" ] \
        || bad "$label: expected $nwarn warning line(s) under -q: $(cat err)"
done
grep -q "same file as" <(counted d d; cat err) || bad "the warning does not say why"

# the same directory twice through top: the same total (was doubled)
"$bin" top d --output json -q >one.json 2>/dev/null
"$bin" top d d --output json -q >two.json 2>/dev/null
python3 - one.json two.json <<'PY' || bad "top d d differs from top d"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
sys.exit(0 if a["records"] == b["records"] and a["totals"] == b["totals"] else 1)
PY

# .fca: merging an aggregate with an input it holds reads that input once, in either order
"$bin" aggregate d -q -o week.fca
"$bin" aggregate d/a.log -q -o a.fca
"$bin" aggregate a.fca d/sub/b.log -q -o ab.fca
"$bin" aggregate d/sub/b.log d/c.log -q -o bc.fca
cp week.fca other/week-copy.fca
fca_cases=(
"week.fca and one of its files|week.fca d/c.log|0 3 6000|1|already in"
"one of its files, then week.fca|d/c.log week.fca|0 3 6000|1|already in"
"week.fca and its whole directory|week.fca d|0 3 6000|1|already in"
"week.fca by another path (content)|other/week-copy.fca d/a.log|0 3 6000|1|already in"
"an .fca inside another (smaller first)|a.fca ab.fca|0 2 3000|1|everything in it is already in"
"an .fca inside another (larger first)|ab.fca a.fca|0 2 3000|1|everything in it is already in"
"an .fca inside an .fca built from it|ab.fca d/a.log|0 2 3000|1|already in"
"a copy of an .fca|week.fca other/week-copy.fca|0 3 6000|1|already in"
"disjoint .fca and file|a.fca d/c.log|0 2 4000|0|"
)
for row in "${fca_cases[@]}"; do
    IFS='|' read -r label ins want nwarn why <<<"$row"
    # shellcheck disable=SC2086
    got=$(counted $ins)
    [ "$got" == "$want" ] || bad "$label: got '$got', expected '$want' ($(cat err))"
    [ "$(grep -c '' err)" == "$nwarn" ] || bad "$label: expected $nwarn warning line(s): $(cat err)"
    [ -z "$why" ] || grep -qF "$why" err || bad "$label: the warning lacks '$why': $(cat err)"
done
# two aggregates sharing only part of their inputs (b.log): cannot be merged without counting b twice
"$bin" top ab.fca bc.fca -q >out 2>err
rc=$?
[ $rc -eq 1 ] && [ "$(grep -c '' err)" == 1 ] && grep -q "^flowcost: error: 'bc.fca' holds 1 of its 2 inputs a second time" err \
    || bad "overlapping aggregates: exit $rc: $(cat err)"
[ -s out ] && bad "overlapping aggregates wrote to stdout"

# s3:// (moto): the same object listed twice is read once, and an .fca built from s3:// holds it
if command -v moto_server >/dev/null 2>&1 && python3 -c 'import boto3' 2>/dev/null; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    python3 "$src/tests/s3_moto_server.py" -H 127.0.0.1 -p "$port" >moto.log 2>&1 &
    moto=$!
    trap 'kill $moto 2>/dev/null; wait $moto 2>/dev/null' EXIT
    ep=http://127.0.0.1:$port
    # ready once it accepts connections: a bash probe, not a Python start per try
    for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
    python3 - "$ep" <<'PY' || bad "moto setup"
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
s3.create_bucket(Bucket="logs")
for k in ("a.log", "sub/b.log", "c.log"):
    s3.upload_file("d/" + k, "logs", "vpc/" + k)
PY
    export AWS_ACCESS_KEY_ID=k AWS_SECRET_ACCESS_KEY=s AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$ep
    export AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none
    unset AWS_PROFILE AWS_SESSION_TOKEN
    got=$(counted s3://logs/vpc/)
    [ "$got" == "0 3 6000" ] || bad "s3 once: got '$got' ($(cat err))"
    got=$(counted s3://logs/vpc/ s3://logs/vpc/sub/)
    [ "$got" == "0 3 6000" ] && grep -q "s3://logs/vpc/sub/b.log" err || bad "s3 object listed twice: got '$got' ($(cat err))"
    "$bin" aggregate s3://logs/vpc/ -q -o s3.fca 2>/dev/null
    got=$(counted s3.fca s3://logs/vpc/c.log)
    [ "$got" == "0 3 6000" ] && grep -q "already in 's3.fca'" err || bad "s3 object inside an .fca: got '$got' ($(cat err))"
else
    echo "skip: moto_server or boto3 missing (s3 part)"
fi

[ $fail -eq 0 ] && echo "ok: duplicate inputs" || exit 1
