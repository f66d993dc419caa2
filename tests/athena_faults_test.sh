#!/bin/bash
# athena_faults_test: `--athena` against a fake Athena (tests/
# athena_fake_server.py) for what moto does not show: results over several
# GetQueryResults pages, the engine line (query id, bytes scanned, cost), a
# FAILED and a CANCELLED query (one line with the reason), throttling
# (retried with the same ClientRequestToken), a query that never ends
# (stopped on Ctrl-C, and at the FLOWCOST_ATHENA_TIMEOUT deadline), a large
# result read as the CSV at the output location (moto S3), and the table's
# columns from GetTableMetadata for --print-sql.
# usage: athena_faults_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 T=$3
rm -rf "$T" && mkdir -p "$T"
fail() { echo "FAIL: $*"; exit 1; }
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ATHENA \
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true FLOWCOST_CONFIG= AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIDFAKEATHENA AWS_SECRET_ACCESS_KEY=fake-secret-athena
export AWS_SHARED_CREDENTIALS_FILE="$T/none" AWS_CONFIG_FILE="$T/none"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export FLOWCOST_ATHENA_POLL_MS=20 AWS_MAX_ATTEMPTS=5
FIELDS="version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"

# The result: the header row, then three groups (hour 472222 = floor(1700000000 / 3600))
python3 - "$T/rows.json" <<'PY'
import json, sys
cols = ["interface_id", "srcaddr", "dstaddr", "pkt_srcaddr", "pkt_dstaddr", "pkt_src_aws_service",
        "pkt_dst_aws_service", "hour_bucket", "dstport", "protocol", "action", "log_status", "flow_direction",
        "traffic_path", "packets", "bytes", "records", "min_start", "max_end", "vpc_id", "subnet_id",
        "instance_id", "az_id", "account_id", "region"]
def row(*v):
    return {"Data": [{} if x is None else {"VarCharValue": str(x)} for x in v]}
N = [None] * 6
rows = [{"Data": [{"VarCharValue": c} for c in cols]},
        row("eni-0a", "10.0.1.5", "52.94.0.10", None, None, None, None, 472222, None, None, "ACCEPT", "OK",
            None, None, 10, 5000, 2, 1700000000, 1700000060, *N[:4], "123456789012", None),
        row("eni-0a", "10.0.1.5", "10.0.2.7", None, None, None, None, 472222, None, None, "ACCEPT", "OK",
            None, None, 3, 3000, 1, 1700000100, 1700000160, *N),
        row("eni-0b", "203.0.113.9", "10.0.1.5", None, None, None, None, 472222, 22, 6, "REJECT", "OK",
            None, None, 1, 40, 1, 1700000200, 1700000260, *N)]
json.dump(rows, open(sys.argv[1], "w"))
PY

# One fake Athena for every case (a Python start per case cost more than
# the case): case_mode MODE [OUTPUT] begins a case with a new generation in
# $T/mode, which the server reads at each request (its counts of starts and
# polls start afresh), and an empty log.
SRV= gen=0
case_mode() {
    gen=$((gen + 1))
    echo "$gen $1 ${2:-}" >"$T/mode"
    rm -f "$T/log"
    [ -z "$SRV" ] || return 0
    rm -f "$T/port"
    python3 "$SRC/tests/athena_fake_server.py" "$T/port" "$T/log" "@$T/mode" "$T/rows.json" &
    SRV=$!
    for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
    EP="http://127.0.0.1:$(cat "$T/port")"
}
stop_server() { [ -z "$SRV" ] || { kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; SRV=; }; }
trap 'stop_server' EXIT

# 1. ok: four rows (header + 3) in pages of two -> two GetQueryResults calls
case_mode ok
"$BIN" aggregate --athena db.t --fields "$FIELDS" --endpoint-url "$EP" --athena-workgroup wg \
    -o "$T/a.fca" --csv "$T/a.csv" >"$T/out" 2>"$T/err" || fail "ok run: $(cat "$T/err")"
# eni-0a to 52.94.0.10: 10 packets, 5000 bytes, 2 records; the others as seeded
cat >"$T/want.csv" <<'CSV'
interface_id,srcaddr,dstaddr,action,log_status,packets,bytes,records
eni-0a,10.0.1.5,52.94.0.10,ACCEPT,OK,10,5000,2
eni-0a,10.0.1.5,10.0.2.7,ACCEPT,OK,3,3000,1
eni-0b,203.0.113.9,10.0.1.5,REJECT,OK,1,40,1
CSV
diff <(sort "$T/want.csv") <(sort "$T/a.csv") || fail "groups differ"
[ "$(grep -c GetQueryResults "$T/log")" -eq 2 ] || fail "pages: $(grep GetQueryResults "$T/log")"
grep -q '^AmazonAthena.GetQueryResults - 2 signed$' "$T/log" || fail "second page not asked with NextToken 2"
grep -q ' unsigned$' "$T/log" && fail "an unsigned call: $(cat "$T/log")"
# 123456789 bytes x $5 / 10^12 = $0.000617 (over the 10 MB minimum)
grep -q '^flowcost: engine Athena db.t, query q-fake-1: 123,456,789 bytes scanned, \$0.000617 (\$5 per TB, 10 MB minimum); 3 groups$' "$T/err" \
    || fail "engine line: $(cat "$T/err")"
# the groups' records: 2 + 1 + 1
grep -q '4 records in 3 groups' "$T/err" || fail "success line: $(cat "$T/err")"

# 2. FAILED and CANCELLED: exit 1, one line with the state and the reason
for m in failed cancelled; do
    case_mode $m
    "$BIN" aggregate --athena db.t --fields "$FIELDS" --endpoint-url "$EP" -o "$T/f.fca" >"$T/out" 2>"$T/err"
    rc=$?
    [ $rc -eq 1 ] || fail "$m: exit $rc"
    [ "$(wc -l <"$T/err")" -eq 1 ] || fail "$m: $(cat "$T/err")"
done
case_mode failed
"$BIN" aggregate --athena db.t --fields "$FIELDS" --endpoint-url "http://127.0.0.1:1" -o "$T/f.fca" 2>/dev/null && fail "no server: success"
case_mode failed
"$BIN" aggregate --athena db.t --fields "$FIELDS" --endpoint-url "$EP" -o "$T/f.fca" 2>"$T/err"
grep -qx "flowcost: error: query q-fake-1 FAILED: COLUMN_NOT_FOUND: line 3:3: Column 'pkt_srcaddr' cannot be resolved" "$T/err" \
    || fail "failed line: $(cat "$T/err")"
[ -e "$T/f.fca" ] && fail "an output was written for a failed query"

# 3. throttling: two TooManyRequestsException, then the start succeeds;
# every attempt carries the same ClientRequestToken
case_mode throttle
"$BIN" aggregate --athena db.t --fields "$FIELDS" --endpoint-url "$EP" -o "$T/t.fca" >"$T/out" 2>"$T/err" \
    || fail "throttle: $(cat "$T/err")"
[ "$(grep -c StartQueryExecution "$T/log")" -eq 3 ] || fail "starts: $(grep Start "$T/log")"
[ "$(grep StartQueryExecution "$T/log" | awk '{print $2}' | sort -u | wc -l)" -eq 1 ] || fail "tokens differ"
[ "$(grep StartQueryExecution "$T/log" | awk '{print length($2)}' | head -1)" -eq 64 ] || fail "token length"

# 4. a query that never ends is stopped on Ctrl-C (StopQueryExecution)
case_mode hang
"$BIN" aggregate --athena db.t --fields "$FIELDS" --endpoint-url "$EP" -o "$T/h.fca" >"$T/out" 2>"$T/err" &
PID=$!
for _ in $(seq 1 100); do grep -q GetQueryExecution "$T/log" 2>/dev/null && break; sleep 0.05; done
kill -INT $PID
wait $PID
rc=$?
[ $rc -eq 1 ] || fail "interrupted: exit $rc"
grep -q StopQueryExecution "$T/log" || fail "no StopQueryExecution"
grep -qx 'flowcost: error: interrupted: query q-fake-1 stopped' "$T/err" || fail "interrupt line: $(cat "$T/err")"

# 5. a query past its deadline (FLOWCOST_ATHENA_TIMEOUT, seconds): stopped
# with StopQueryExecution, exit 1 (a runtime error, cli.md), one line; the
# state and the deadline in it
case_mode hang
FLOWCOST_ATHENA_TIMEOUT=0.3 "$BIN" aggregate --athena db.t --fields "$FIELDS" --endpoint-url "$EP" -o "$T/h.fca" \
    >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] || fail "timeout: exit $rc: $(cat "$T/err")"
grep -qx 'flowcost: error: query q-fake-1 still RUNNING after 0.3 s, the deadline: stopped (FLOWCOST_ATHENA_TIMEOUT=SECONDS waits longer)' \
    "$T/err" || fail "timeout line: $(cat "$T/err")"
[ "$(grep -c StopQueryExecution "$T/log")" -eq 1 ] || fail "timeout: no StopQueryExecution: $(cat "$T/log")"
grep -q GetQueryResults "$T/log" && fail "timeout: results asked"
[ -e "$T/h.fca" ] && fail "an output was written for a stopped query"
FLOWCOST_ATHENA_TIMEOUT=soon "$BIN" aggregate --athena db.t --fields "$FIELDS" --endpoint-url "http://127.0.0.1:1" \
    -o "$T/h.fca" 2>"$T/err"
rc=$?
[ $rc -eq 2 ] && grep -qx "flowcost: error: FLOWCOST_ATHENA_TIMEOUT='soon' is not a number of seconds above 0" "$T/err" \
    || fail "bad timeout: exit $rc: $(cat "$T/err")"

# 6. a result over one page is read as the CSV Athena left at its output
# location (moto's S3), not page by page: one GetQueryResults (to learn
# that there is more than a page), then one GetObject. The CSV holds a
# fourth group the pages do not, so the output shows which was read.
if command -v moto_server >/dev/null; then
    S3PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    moto_server -H 127.0.0.1 -p "$S3PORT" >"$T/moto.log" 2>&1 &
    MOTO=$!
    trap 'stop_server; kill $MOTO 2>/dev/null; wait $MOTO 2>/dev/null' EXIT
    S3="http://127.0.0.1:$S3PORT"
    for _ in $(seq 1 100); do curl -s -o /dev/null "$S3/moto-api/" && break; sleep 0.1; done
    # Athena's CSV: a header, every value quoted, NULL an empty field
    H='"interface_id","srcaddr","dstaddr","pkt_srcaddr","pkt_dstaddr","pkt_src_aws_service","pkt_dst_aws_service","hour_bucket","dstport","protocol","action","log_status","flow_direction","traffic_path","packets","bytes","records","min_start","max_end","vpc_id","subnet_id","instance_id","az_id","account_id","region"'
    printf '%s\n' "$H" \
        '"eni-0a","10.0.1.5","52.94.0.10",,,,,"472222",,,"ACCEPT","OK",,,"10","5000","2","1700000000","1700000060",,,,,"123456789012",' \
        '"eni-0a","10.0.1.5","10.0.2.7",,,,,"472222",,,"ACCEPT","OK",,,"3","3000","1","1700000100","1700000160",,,,,,' \
        '"eni-0b","203.0.113.9","10.0.1.5",,,,,"472222","22","6","REJECT","OK",,,"1","40","1","1700000200","1700000260",,,,,,' \
        >"$T/result.csv"
    # the last row without its newline; a doubled quote inside a value
    printf '%s' '"eni-0c","10.0.3.9","10.0.1.5",,,,"say ""hi""","472222",,,"ACCEPT","OK",,,"7","700","3","1700000300","1700000360",,,,,,' \
        >>"$T/result.csv"
    curl -sf -X PUT "$S3/athena-results" >/dev/null && curl -sf -T "$T/result.csv" "$S3/athena-results/q/q-fake-1.csv" >/dev/null \
        || fail "moto S3 set-up"
    case_mode ok s3://athena-results/q/q-fake-1.csv
    AWS_ENDPOINT_URL_ATHENA=$EP AWS_ENDPOINT_URL_S3=$S3 "$BIN" aggregate --athena db.t --fields "$FIELDS" \
        -o "$T/c.fca" --csv "$T/c.csv" -v >"$T/out" 2>"$T/err" || fail "csv result: $(cat "$T/err")"
    { cat "$T/want.csv"; echo 'eni-0c,10.0.3.9,10.0.1.5,ACCEPT,OK,7,700,3'; } | sort >"$T/want4.csv"
    diff "$T/want4.csv" <(sort "$T/c.csv") || fail "csv result: groups differ"
    [ "$(grep -c GetQueryResults "$T/log")" -eq 1 ] || fail "csv result: $(grep GetQueryResults "$T/log")"
    grep -q '^flowcost: athena result of q-fake-1 read from s3://athena-results/q/q-fake-1.csv$' "$T/err" \
        || fail "csv result: -v line: $(cat "$T/err")"
    # the output location without its object: one line with S3's error code
    case_mode ok s3://athena-results/q/missing.csv
    AWS_ENDPOINT_URL_ATHENA=$EP AWS_ENDPOINT_URL_S3=$S3 "$BIN" aggregate --athena db.t --fields "$FIELDS" \
        -o "$T/m.fca" >"$T/out" 2>"$T/err"
    rc=$?
    [ $rc -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q '^flowcost: error: s3://athena-results/q/missing.csv: NoSuchKey' "$T/err" \
        || fail "missing csv: exit $rc: $(cat "$T/err")"
else
    echo "note: moto_server not installed: the S3 result case skipped"
fi

# 7. --print-sql without --fields: the columns come from GetTableMetadata,
# the Hive-form date partition prunes the window (2023-11-14T22:13:20Z,
# 15 min earlier is still the 14th; the until 2023-11-15T22:13:20Z + 6 h
# is the 16th); the region partition is not taken for the region field
case_mode ok
"$BIN" report --athena db.t --print-sql --endpoint-url "$EP" --since 1700000000 --until 1700086400 >"$T/sql" 2>"$T/err" \
    || fail "print-sql: $(cat "$T/err")"
grep -q "GetTableMetadata" "$T/log" || fail "no GetTableMetadata"
grep -q "StartQueryExecution" "$T/log" && fail "print-sql ran the query"
grep -qx "  AND \"date\" >= 'year=2023/month=11/day=14' AND \"date\" <= 'year=2023/month=11/day=16'" "$T/sql" || fail "pruning: $(cat "$T/sql")"
grep -qx '  "pkt_srcaddr",' "$T/sql" || fail "v5 column"
grep -qx '  CAST(NULL AS varchar) AS "region"' "$T/sql" || fail "region partition taken as a field"
echo "athena_faults_test: all passed"
