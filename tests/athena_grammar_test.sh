#!/bin/bash
# athena_grammar_test: every shape of SQL flowcost generates for Athena
# passes the grammar Athena parses it with (tests/node/sql_grammar.mjs,
# dt-sql-parser): the `athena ddl` DDL through Hive's grammar (Athena runs
# DDL on Hive) for text and Parquet, Hive-style prefixes or not, per-hour or
# not, a log format with a region field (the partition becomes aws_region),
# one region or several, a table with and without database; the
# `--print-sql` query through Trino's for the v2 and v5 formats, a format
# without start/end/action/ports, each window form (none, since, until,
# both), and the Hive-form date partition of a table read through
# GetTableMetadata (the fake Athena). Two broken statements must be
# rejected, so that a grammar that accepts anything cannot pass.
# usage: athena_grammar_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 T=$3
rm -rf "$T" && mkdir -p "$T"
fail() { echo "FAIL: $*"; exit 1; }
NODE_DIR="$SRC/tests/node"
if ! command -v node >/dev/null || [ ! -d "$NODE_DIR/node_modules/dt-sql-parser" ]; then
    [ -n "${CI:-}" ] && fail "node or tests/node/node_modules missing (bash cmake/deps.sh installs them)"
    echo "skip: node or tests/node/node_modules missing (bash cmake/deps.sh runs npm ci there)"
    exit 77
fi
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ATHENA \
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true FLOWCOST_CONFIG= AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIDFAKEATHENA AWS_SECRET_ACCESS_KEY=fake-secret-athena
export AWS_SHARED_CREDENTIALS_FILE="$T/none" AWS_CONFIG_FILE="$T/none"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

V2="version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
V5="version vpc-id subnet-id instance-id interface-id account-id az-id flow-direction srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service protocol bytes packets start end action traffic-path log-status"
V5R="$V5 region sublocation-type ecs-cluster-name"
BARE="interface-id srcaddr dstaddr packets bytes log-status"
BOTH="--since 2026-11-02T06:00:00Z --until 2026-11-03T06:00:00Z"

# DDL: name | format | options
DDL="v2-text|$V2|
v2-text-hive|$V2|--hive
v2-text-hour|$V2|--per-hour
v2-text-hive-hour|$V2|--hive --per-hour
v5r-parquet|$V5R|--file-format parquet
v5r-parquet-hive|$V5R|--file-format parquet --hive
v5r-parquet-hour|$V5R|--file-format parquet --per-hour
v5r-parquet-hive-hour|$V5R|--file-format parquet --hive --per-hour
v5-two-regions|$V5|--region us-east-1 --region eu-west-1 --table vpc_flow_logs"
n=0
while IFS='|' read -r name fmt opts; do
    # shellcheck disable=SC2086 # opts are several options
    "$BIN" athena ddl --log-format "$fmt" --location s3://flowlogs-test/org --account 123456789012 --table db.vpc $opts \
        >"$T/ddl-$name.sql" 2>"$T/err" || fail "ddl $name: $(cat "$T/err")"
    n=$((n + 1))
done <<<"$DDL"
grep -q 'aws_region string' "$T/ddl-v5r-parquet.sql" || fail "region field: $(cat "$T/ddl-v5r-parquet.sql")"
grep -q '"projection.region.values" = "us-east-1,eu-west-1"' "$T/ddl-v5-two-regions.sql" || fail "two regions"

# queries: name | --fields | window
Q="v2|$V2|
v2-since|$V2|--since 2026-11-02T06:00:00Z
v2-until|$V2|--until 2026-11-03T06:00:00Z
v2-both|$V2|$BOTH
v5-both|$V5|$BOTH
v5r-both|$V5R|$BOTH
bare|$BARE|
bare-both|$BARE|$BOTH"
while IFS='|' read -r name fields window; do
    # shellcheck disable=SC2086
    "$BIN" report --athena db.vpc --fields "$fields" $window --print-sql >"$T/q-$name.sql" 2>"$T/err" \
        || fail "query $name: $(cat "$T/err")"
    n=$((n + 1))
done <<<"$Q"
grep -q 'CAST(NULL AS bigint) AS "hour_bucket"' "$T/q-bare.sql" || grep -q 'CAST(NULL AS bigint) / 3600' "$T/q-bare.sql" \
    || fail "bare: $(cat "$T/q-bare.sql")"

# the Hive-form date partition: the table's columns from GetTableMetadata
rm -f "$T/port"
python3 "$SRC/tests/athena_fake_server.py" "$T/port" "$T/log" ok &
SRV=$!
trap 'kill $SRV 2>/dev/null; wait $SRV 2>/dev/null' EXIT
for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
# shellcheck disable=SC2086
"$BIN" report --athena db.vpc --endpoint-url "http://127.0.0.1:$(cat "$T/port")" $BOTH --print-sql >"$T/q-hive.sql" \
    2>"$T/err" || fail "query hive: $(cat "$T/err")"
grep -q "\"date\" >= 'year=2026/month=11/day=02'" "$T/q-hive.sql" || fail "hive form: $(cat "$T/q-hive.sql")"
n=$((n + 1))

# the negative controls: a comma lost in the DDL, a GROUP BY without BY
sed '0,/ int,$/s// int/' "$T/ddl-v2-text.sql" >"$T/bad-ddl.sql"
sed 's/^GROUP BY /GROUP /' "$T/q-v2.sql" >"$T/bad-query.sql"
cmp -s "$T/bad-ddl.sql" "$T/ddl-v2-text.sql" && fail "the DDL control is not broken"
cmp -s "$T/bad-query.sql" "$T/q-v2.sql" && fail "the query control is not broken"

# one Node start for all of them (each loads both grammars): the good files
# each give "FILE: ok (DIALECT)" and no error line, the two controls no ok
# line and an error line FILE:LINE:COL (so node exits 1)
(cd "$NODE_DIR" && node --no-warnings --experimental-loader ./resolve_hook.mjs sql_grammar.mjs "$T"/ddl-*.sql \
    "$T"/q-*.sql "$T/bad-ddl.sql" "$T/bad-query.sql") >"$T/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "grammar: exit $rc, expected 1 (the controls): $(cat "$T/out")"
grep -v -e "^$T/bad-" -e ': ok (' "$T/out" >"$T/good-errors"
[ ! -s "$T/good-errors" ] || fail "grammar: $(cat "$T/good-errors")"
[ "$(grep -v "^$T/bad-" "$T/out" | grep -c ': ok (hive)$')" -eq 9 ] || fail "DDL not parsed as Hive: $(cat "$T/out")"
[ "$(grep -v "^$T/bad-" "$T/out" | grep -c ': ok (trino)$')" -eq 9 ] || fail "queries not parsed as Trino: $(cat "$T/out")"
[ $n -eq 18 ] || fail "$n statements"
for b in bad-ddl bad-query; do
    grep -q "^$T/$b.sql: ok" "$T/out" && fail "$b accepted: $(grep "^$T/$b.sql" "$T/out")"
    grep -q "^$T/$b.sql:[0-9]*:[0-9]*: " "$T/out" || fail "$b: $(cat "$T/out")"
done
echo "athena_grammar_test: all passed"
