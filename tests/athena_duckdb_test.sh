#!/bin/bash
# athena_duckdb_test: the SQL flowcost generates for Athena, run for real.
# DuckDB (tests/node/athena_duckdb.mjs) plays Athena: a view named like the
# table, built from the DDL `flowcost athena ddl` prints, over the same
# flow-log files; the query `--print-sql` prints runs on it (one
# translation: Trino's integer `/` is DuckDB's `//`). The fake Athena of
# athena_faults_test serves DuckDB's result to `aggregate --athena`, whose
# groups must be byte-identical to `aggregate` over the files: the CSV with
# cmp, the .fca's groups, ENI metadata and record counts through
# tests/fca_groups.py (the .fca's list of inputs and files read differ by
# nature, and so do the records read and filtered under a window). Cases:
# the bundled sample in v5 and v2, a window that prunes on the date
# partition, genflows' benchmark shape (another column order and account),
# and a Parquet table (parquet_test's DuckDB-written fixture, a format with
# a region field). The sample's result once more as the CSV Athena leaves
# in S3 (moto), read instead of 5 pages.
# usage: athena_duckdb_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 T=$3
rm -rf "$T" && mkdir -p "$T"
fail() { echo "FAIL: $*"; exit 1; }
NODE_DIR="$SRC/tests/node"
if ! command -v node >/dev/null || [ ! -d "$NODE_DIR/node_modules/@duckdb/node-api" ]; then
    # CI runs cmake/deps.sh, which installs them: there a skip would hide a broken set-up
    [ -n "${CI:-}" ] && fail "node or tests/node/node_modules missing (bash cmake/deps.sh installs them)"
    echo "skip: node or tests/node/node_modules missing (bash cmake/deps.sh runs npm ci there)"
    exit 77
fi
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ATHENA \
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true FLOWCOST_CONFIG= AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIDFAKEATHENA AWS_SECRET_ACCESS_KEY=fake-secret-athena
export AWS_SHARED_CREDENTIALS_FILE="$T/none" AWS_CONFIG_FILE="$T/none"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost FLOWCOST_ATHENA_POLL_MS=20

# one fake Athena for every case: it reads $T/rows.json at each GetQueryResults
rm -f "$T/port"
ATHENA_FAKE_PAGE=1000 python3 "$SRC/tests/athena_fake_server.py" "$T/port" "$T/log" ok "$T/rows.json" &
SRV=$!
trap 'kill $SRV 2>/dev/null; wait $SRV 2>/dev/null' EXIT
python3 "$SRC/bench/genflows" --records 5000 --format v5 --out "$T/bench" --files 2 >/dev/null 2>&1 || fail "genflows"
for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
EP="http://127.0.0.1:$(cat "$T/port")"

# the Parquet fixture of parquet_test (DuckDB-written, AWS's column names and
# types) where S3 delivery puts it; its format has a region field (aws_region)
PQ="$T/pq/AWSLogs/123456789012/vpcflowlogs/us-east-1/2023/11/14"
mkdir -p "$PQ" && cp "$SRC/tests/parquet/flows_snappy_v1.parquet" "$PQ/flows.parquet"

# an ENI whose first record lacks its VPC, subnet and instance ('-') and whose
# second, in the same group (same addresses and hour), has them: the local
# reader keeps the values, so must the query (min() would take the '-')
D="$T/dash/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/02"
mkdir -p "$D"
cat >"$D/123456789012_vpcflowlogs_us-east-1_fl-0dash_20261102T0000Z_0.log" <<'LOG'
version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id az-id
5 123456789012 eni-0dash000000001 10.0.1.5 10.0.2.7 40000 443 6 10 1000 1793577600 1793577660 ACCEPT OK - - - use1-az1
5 123456789012 eni-0dash000000001 10.0.1.5 10.0.2.7 40001 443 6 20 2000 1793577700 1793577760 ACCEPT OK vpc-0dash subnet-0dash i-0dash use1-az1
LOG

# name | files | account of the delivery path | window (--since/--until, empty = none)
# | athena ddl options | the file whose first line is the log format (default: the first log)
# | "no-meta": compare without the ENI metadata (the Parquet fixture's ENIs have
#   records that disagree on purpose: the local reader keeps the first value
#   seen, the query the least; docs/athena.md)
# window: the sample spans 2026-11-02T00:00Z..2026-11-03T00:00Z in files of days
# 2026/11/02 and 2026/11/03; 06:00-12:00 keeps a quarter of it, and the date partition
# is pruned to 2026/11/02 alone (since - 15 min = 05:45, until + 6 h = 18:00, same day)
CASES="sample-v5|$SRC/fixtures/sample/v5|123456789012|
sample-v5-window|$SRC/fixtures/sample/v5|123456789012|--since 2026-11-02T06:00:00Z --until 2026-11-02T12:00:00Z
sample-v2|$SRC/fixtures/sample/v2|123456789012|
bench-v5|$T/bench|210987654321|
parquet|$T/pq|123456789012||--file-format parquet|$SRC/tests/parquet/flows.log|no-meta
dash-meta|$T/dash|123456789012|||"
# 1. the DDL and the query of each case; 2. DuckDB runs them all (one Node
# start-up); 3. each result through --athena against the local run
duck=()
while IFS='|' read -r name dir account window ddlopts first _; do
    [ -n "$first" ] || first=$(find "$dir" -name '*.log*' | sort | head -1)
    fields=$( (gzip -dc "$first" 2>/dev/null || cat "$first") | head -1)
    echo "$fields" >"$T/$name.fields"
    # shellcheck disable=SC2086 # ddlopts are options
    "$BIN" athena ddl --log-format "$fields" --location s3://flowlogs-test --account "$account" --region us-east-1 \
        --table flowlogs.vpc $ddlopts >"$T/$name.ddl" 2>"$T/err" || fail "$name: ddl: $(cat "$T/err")"
    # shellcheck disable=SC2086 # the window is two options
    "$BIN" aggregate --athena flowlogs.vpc --fields "$fields" $window --print-sql >"$T/$name.sql" 2>"$T/err" \
        || fail "$name: print-sql: $(cat "$T/err")"
    [ -z "$window" ] || grep -qx "  AND \"date\" >= '2026/11/02' AND \"date\" <= '2026/11/02'" "$T/$name.sql" \
        || fail "$name: no date pruning: $(cat "$T/$name.sql")"
    duck+=("$T/$name.ddl" "$T/$name.sql" "$dir" "$T/$name.result")
done <<<"$CASES"
(cd "$NODE_DIR" && node athena_duckdb.mjs "${duck[@]}") >"$T/duck" 2>&1 || fail "duckdb: $(cat "$T/duck")"
# 3a. the two aggregates of each case; 3b. every .fca dumped by one
# fca_groups.py start; 3c. the dumps compared
fcas=()
while IFS='|' read -r name dir account window _ _ cmpmode; do
    fields=$(cat "$T/$name.fields")
    cp "$T/$name.result.json" "$T/rows.json"
    # shellcheck disable=SC2086
    "$BIN" aggregate --athena flowlogs.vpc --fields "$fields" $window --endpoint-url "$EP" \
        -o "$T/$name.a.fca" --csv "$T/$name.a.csv" -q 2>"$T/err" || fail "$name: aggregate --athena: $(cat "$T/err")"
    # shellcheck disable=SC2086
    "$BIN" aggregate "$dir" $window -o "$T/$name.l.fca" --csv "$T/$name.l.csv" -q 2>"$T/err" \
        || fail "$name: aggregate: $(cat "$T/err")"
    cmp "$T/$name.a.csv" "$T/$name.l.csv" || fail "$name: CSVs differ: $(diff "$T/$name.a.csv" "$T/$name.l.csv" | head -5)"
    if [ "$cmpmode" = no-meta ]; then fcas+=(--no-meta); else fcas+=(--meta); fi
    fcas+=("$T/$name.a.fca" "$T/$name.l.fca")
done <<<"$CASES"
python3 "$SRC/tests/fca_groups.py" --write "${fcas[@]}" || fail "fca_groups"
n=0
while IFS='|' read -r name _ _ window _; do
    if [ -n "$window" ]; then
        # Athena's WHERE drops the records outside the window unseen: what the
        # local run read is what Athena's groups hold plus what it filtered
        st() { sed -n "s/^$1 //p" "$2"; }
        [ "$(st read "$T/$name.a.groups")" -eq $(($(st read "$T/$name.l.groups") - $(st filtered "$T/$name.l.groups"))) ] \
            || fail "$name: records read: $(grep -E '^(read|filtered) ' "$T/$name.a.groups" "$T/$name.l.groups")"
        sed -i -E '/^(read|filtered) /d' "$T/$name.a.groups" "$T/$name.l.groups"
    fi
    cmp "$T/$name.a.groups" "$T/$name.l.groups" \
        || fail "$name: .fca groups differ: $(diff "$T/$name.a.groups" "$T/$name.l.groups" | head -5)"
    # the result is not trivially empty: DuckDB found groups in the files
    groups=$(sed -n "s|^$T/$name.result: \([0-9]*\) groups from .*|\1|p" "$T/duck")
    [ "${groups:-0}" -gt 100 ] || [ "$name" = dash-meta ] || fail "$name: $(cat "$T/duck")"
    n=$((n + 1))
done <<<"$CASES"
[ $n -eq 6 ] || fail "ran $n of 6 cases"
# the one group of dash-meta: 30 packets, 3000 bytes, 2 records; the ENI's values kept
grep -qx 'eni-0dash000000001 vpc-0dash subnet-0dash i-0dash use1-az1 123456789012 -' "$T/dash-meta.a.groups" \
    || fail "dash-meta: $(sed -n '/^meta/,$p' "$T/dash-meta.a.groups")"

# The sample's 4,682 groups are more than a GetQueryResults page (1,000
# rows): with an output location, flowcost reads the CSV DuckDB wrote in
# Athena's form from S3 (moto) instead of paging, and gets the same groups.
if command -v moto_server >/dev/null; then
    S3PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    moto_server -H 127.0.0.1 -p "$S3PORT" >"$T/moto.log" 2>&1 &
    MOTO=$!
    kill $SRV 2>/dev/null; wait $SRV 2>/dev/null
    rm -f "$T/port" "$T/log"
    ATHENA_FAKE_PAGE=1000 ATHENA_FAKE_OUTPUT=s3://athena-results/q-fake-1.csv \
        python3 "$SRC/tests/athena_fake_server.py" "$T/port" "$T/log" ok "$T/rows.json" &
    SRV=$!
    trap 'kill $SRV $MOTO 2>/dev/null; wait $SRV $MOTO 2>/dev/null' EXIT
    S3="http://127.0.0.1:$S3PORT"
    for _ in $(seq 1 100); do curl -s -o /dev/null "$S3/moto-api/" && [ -s "$T/port" ] && break; sleep 0.1; done
    curl -sf -X PUT "$S3/athena-results" >/dev/null \
        && curl -sf -T "$T/sample-v5.result.csv" "$S3/athena-results/q-fake-1.csv" >/dev/null || fail "moto S3 set-up"
    cp "$T/sample-v5.result.json" "$T/rows.json"
    AWS_ENDPOINT_URL_ATHENA="http://127.0.0.1:$(cat "$T/port")" AWS_ENDPOINT_URL_S3=$S3 "$BIN" aggregate \
        --athena flowlogs.vpc --fields "$(cat "$T/sample-v5.fields")" -o "$T/s3.fca" --csv "$T/s3.csv" -q 2>"$T/err" \
        || fail "result CSV from S3: $(cat "$T/err")"
    [ "$(grep -c GetQueryResults "$T/log")" -eq 1 ] || fail "result CSV from S3: paged: $(grep -c GetQueryResults "$T/log")"
    cmp "$T/s3.csv" "$T/sample-v5.l.csv" || fail "result CSV from S3: CSVs differ"
    python3 "$SRC/tests/fca_groups.py" "$T/s3.fca" | cmp - "$T/sample-v5.l.groups" || fail "result CSV from S3: groups differ"
else
    echo "note: moto_server not installed: the result CSV from S3 not checked"
fi
echo "athena_duckdb_test: all passed"
