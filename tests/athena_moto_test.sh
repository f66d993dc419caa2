#!/bin/bash
# athena_moto_test: `--athena` against moto_server's Athena, signatures
# verified (INITIAL_NO_AUTH_ACTION_COUNT: only the IAM set-up goes
# unsigned). moto runs no SQL: the query's result over the bundled
# sample's v5 files comes from DuckDB running it (tests/node, see
# athena_duckdb_test; else tests/aws/athena_seed.py's own model of the SQL)
# and is queued in moto; then the groups flowcost loads must be the ones it
# builds reading the same files: `aggregate --csv` byte-identical, and
# `report --json` identical.
# usage: athena_moto_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 T=$3
rm -rf "$T" && mkdir -p "$T"
fail() { echo "FAIL: $*"; exit 1; }
command -v moto_server >/dev/null || { echo "skip: moto_server not installed"; exit 77; }
python3 -c 'import boto3' 2>/dev/null || { echo "skip: boto3 not installed"; exit 77; }
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE \
      AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ATHENA AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true FLOWCOST_CONFIG= AWS_REGION=us-east-1 SOURCE_DATE_EPOCH=1793750400
export AWS_SHARED_CREDENTIALS_FILE="$T/none" AWS_CONFIG_FILE="$T/none"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost FLOWCOST_ATHENA_POLL_MS=20

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
EP="http://127.0.0.1:$PORT"
INITIAL_NO_AUTH_ACTION_COUNT=3 moto_server -H 127.0.0.1 -p "$PORT" >"$T/moto.log" 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true; wait $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "$EP/moto-api/" && break; sleep 0.2; done
python3 - "$EP" "$T/key" <<'PY' || fail "IAM set-up"
import boto3, json, sys
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="AKIABOOTSTRAPEXAMPLE", aws_secret_access_key="bootstrap")
iam.create_user(UserName="flowcost-athena")
iam.put_user_policy(UserName="flowcost-athena", PolicyName="athena", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "athena:*", "Resource": "*"}]}))
k = iam.create_access_key(UserName="flowcost-athena")["AccessKey"]
open(sys.argv[2], "w").write(k["AccessKeyId"] + "\n" + k["SecretAccessKey"] + "\n")
PY
export AWS_ACCESS_KEY_ID=$(sed -n 1p "$T/key") AWS_SECRET_ACCESS_KEY=$(sed -n 2p "$T/key")

S="$SRC/fixtures/sample"
FIELDS=$(gzip -dc "$(find "$S/v5" -name '*.log.gz' | head -1)" | head -1)
# The result moto serves: DuckDB's run of the very query over the same
# files (tests/node/athena_duckdb.mjs, as in athena_duckdb_test) where
# tests/node is installed (cmake/deps.sh; always under CI), else
# athena_seed.py's own model of the SQL.
SEED=("$S/v5")
if command -v node >/dev/null && [ -d "$SRC/tests/node/node_modules/@duckdb/node-api" ]; then
    "$BIN" athena ddl --log-format "$FIELDS" --location s3://flowlogs-test --account 123456789012 --region us-east-1 \
        --table flowlogs.vpc >"$T/ddl.sql" 2>"$T/err" || fail "ddl: $(cat "$T/err")"
    "$BIN" aggregate --athena flowlogs.vpc --fields "$FIELDS" --print-sql >"$T/query.sql" 2>"$T/err" \
        || fail "print-sql: $(cat "$T/err")"
    (cd "$SRC/tests/node" && node athena_duckdb.mjs "$T/ddl.sql" "$T/query.sql" "$S/v5" "$T/duck") >"$T/duck.out" 2>&1 \
        || fail "duckdb: $(cat "$T/duck.out")"
    SEED=(--rows "$T/duck.json")
elif [ -n "${CI:-}" ]; then
    fail "node or tests/node/node_modules missing (bash cmake/deps.sh installs them)"
else
    echo "note: tests/node not installed: moto seeded from athena_seed.py's model, not from DuckDB"
fi
seed() { python3 "$SRC/tests/aws/athena_seed.py" "$EP" "${SEED[@]}" >"$T/groups" || fail "seeding"; }

# 1. aggregate: the same groups as the files give
seed
"$BIN" aggregate --athena flowlogs.vpc --fields "$FIELDS" --endpoint-url "$EP" -o "$T/a.fca" --csv "$T/a.csv" \
    2>"$T/err" || fail "aggregate --athena: $(cat "$T/err")"
"$BIN" aggregate "$S/v5" -o "$T/l.fca" --csv "$T/l.csv" 2>/dev/null || fail "aggregate local"
cmp "$T/a.csv" "$T/l.csv" || fail "aggregate CSVs differ: $(diff "$T/a.csv" "$T/l.csv" | head -5)"
grep -q "; $(cat "$T/groups") groups$" "$T/err" || fail "engine line: $(cat "$T/err")"
# moto reports no bytes scanned: the 10 MB minimum, 10^7 x 5 / 10^12 = $0.000050
grep -q 'engine Athena flowlogs.vpc, query [-0-9a-f]*: 0 bytes scanned, \$0.000050' "$T/err" || fail "cost: $(cat "$T/err")"

# 2. report --json: the same figures
seed
SNAP="--eni-snapshot $S/describe-network-interfaces.xml --eni-snapshot $S/describe-subnets.xml --ip-ranges $S/ip-ranges.json"
"$BIN" report --athena flowlogs.vpc --fields "$FIELDS" --endpoint-url "$EP" $SNAP -o "$T/a.html" --json "$T/a.json" \
    -q 2>"$T/err" || fail "report --athena: $(cat "$T/err")"
"$BIN" report "$S/v5" $SNAP -o "$T/l.html" --json "$T/l.json" -q 2>/dev/null || fail "report local"
cmp "$T/a.json" "$T/l.json" || fail "report JSON differs: $(diff "$T/a.json" "$T/l.json" | head -5)"
# the page names the engine and the query where the inputs would be
grep -q 'Athena flowlogs.vpc, query [-0-9a-f]*: 0 bytes scanned' "$T/a.html" || fail "engine not in the report"

# 3. a wrong secret: moto refuses the signature; one line, exit 1, no secret shown
AWS_SECRET_ACCESS_KEY=wrong-secret "$BIN" aggregate --athena flowlogs.vpc --fields "$FIELDS" --endpoint-url "$EP" \
    -o "$T/w.fca" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q 'Athena StartQueryExecution' "$T/err" \
    || fail "wrong secret: exit $rc: $(cat "$T/err")"
grep -q "wrong-secret\|$(sed -n 2p "$T/key")" "$T/err" && fail "secret printed"
echo "athena_moto_test: all passed"
