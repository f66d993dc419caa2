#!/bin/bash
# athena_ddl_test: `flowcost athena ddl` from options (no network) and from
# a flow log described by moto_server (EC2 DescribeFlowLogs, signatures
# verified). The statement's layout is checked line by line in
# tests/test_athena_sql.c; here: the account from STS GetCallerIdentity when
# --account is not given; which format, location and partitions the
# command feeds it, and its usage errors.
# usage: athena_ddl_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 T=$3
rm -rf "$T" && mkdir -p "$T"
fail() { echo "FAIL: $*"; exit 1; }
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE \
      AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_EC2 \
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true FLOWCOST_CONFIG=
export AWS_SHARED_CREDENTIALS_FILE="$T/no-credentials" AWS_CONFIG_FILE="$T/no-config"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# 1. From options: the v2 default format as AWS writes it, text.
V2='${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}'
"$BIN" athena ddl --log-format "$V2" --location s3://my-bucket/logs --account 123456789012 \
    --region us-east-1 --region eu-west-1 --table db.t >"$T/v2.sql" 2>"$T/err" || fail "ddl exit $?: $(cat "$T/err")"
[ ! -s "$T/err" ] || fail "stderr: $(cat "$T/err")"
head -1 "$T/v2.sql" | grep -qx 'CREATE EXTERNAL TABLE IF NOT EXISTS db.t (' || fail "first line: $(head -1 "$T/v2.sql")"
# 14 columns, in the format's order
sed -n '2,15p' "$T/v2.sql" | awk '{print $1}' | tr -d '`' | tr '\n' ' ' >"$T/cols"
[ "$(cat "$T/cols")" = "version account_id interface_id srcaddr dstaddr srcport dstport protocol packets bytes start end action log_status " ] \
    || fail "columns: $(cat "$T/cols")"
grep -qx "LOCATION 's3://my-bucket/logs/AWSLogs/123456789012/vpcflowlogs/'" "$T/v2.sql" || fail "location"
grep -qx '  "projection.region.values" = "us-east-1,eu-west-1",' "$T/v2.sql" || fail "regions"

# Parquet, Hive, per hour from the options
"$BIN" athena ddl --log-format "$V2" --location s3://b --account 123456789012 --region us-east-1 \
    --file-format parquet --hive --per-hour >"$T/pq.sql" || fail "parquet ddl"
grep -q 'ParquetHiveSerDe' "$T/pq.sql" || fail "parquet serde"
grep -q 'aws-region=${region}/${date}/hour=${hour}/' "$T/pq.sql" || fail "hive template"

# 2. Usage errors: exit 2, one line each.
check_usage() {
    local want=$1; shift
    "$BIN" athena "$@" >"$T/out" 2>"$T/err"; local rc=$?
    [ $rc -eq 2 ] || fail "athena $*: exit $rc, want 2"
    [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q -- "$want" "$T/err" || fail "athena $*: $(cat "$T/err")"
}
check_usage "expected 'flowcost athena ddl" frobnicate
check_usage "give either --flow-log-id" ddl --account 123456789012
check_usage "--location needs --log-format" ddl --location s3://b --account 123456789012
check_usage "no region" ddl --log-format "$V2" --location s3://b --account 123456789012
check_usage "must be text or parquet" ddl --log-format "$V2" --location s3://b --account 123456789012 --file-format orc
check_usage "the location must be s3://" ddl --log-format "$V2" --location https://b --account 123456789012 --region us-east-1

# without --account and without credentials to ask STS: one line, exit 1 (cli.md: an AWS error)
"$BIN" athena ddl --log-format "$V2" --location s3://b --region us-east-1 >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^flowcost: error: the delivery path holds the account id: give --account ID, or credentials STS GetCallerIdentity answers (no AWS credentials" "$T/err" \
    || fail "no account: exit $rc: $(cat "$T/err")"
[ -s "$T/out" ] && fail "no account: DDL printed"

# 3. From moto: DescribeFlowLogs, signed.
command -v moto_server >/dev/null || { echo "skip: moto_server not installed"; exit 77; }
python3 -c 'import boto3' 2>/dev/null || { echo "skip: boto3 not installed"; exit 77; }
# moto's server and the set-up in one Python (--serve, tests/aws/inproc.py):
# ready once the set-up says so
INITIAL_NO_AUTH_ACTION_COUNT=3 python3 "$SRC/tests/aws/moto_flowlogs.py" --serve "$T" >"$T/moto.log" 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true; wait $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -e "$T/ready" ] || ! kill -0 $MOTO 2>/dev/null && break; sleep 0.05; done
[ -e "$T/ready" ] || fail "moto set-up: $(tail -5 "$T/moto.log")"
EP=$(cat "$T/endpoint")
export AWS_ACCESS_KEY_ID=$(sed -n 1p "$T/key") AWS_SECRET_ACCESS_KEY=$(sed -n 2p "$T/key") AWS_REGION=us-east-1
V5=$(awk '$1=="v5"{print $2}' "$T/ids") CWL=$(awk '$1=="cwl"{print $2}' "$T/ids")

"$BIN" athena ddl --flow-log-id "$V5" --account 123456789012 --endpoint-url "$EP" --table db.v5 \
    >"$T/v5.sql" 2>"$T/err" || fail "ddl --flow-log-id exit $?: $(cat "$T/err")"
# the format moto stored, in its order; region is a column, so the partition is aws_region
sed -n '2,25p' "$T/v5.sql" | awk '{print $1}' | tr -d '`' | tr '\n' ' ' >"$T/cols"
[ "$(cat "$T/cols")" = "version account_id interface_id srcaddr dstaddr srcport dstport protocol packets bytes start end action log_status vpc_id subnet_id az_id pkt_srcaddr pkt_dstaddr region flow_direction traffic_path pkt_src_aws_service pkt_dst_aws_service " ] \
    || fail "v5 columns: $(cat "$T/cols")"
grep -qx 'PARTITIONED BY (aws_region string, `date` string)' "$T/v5.sql" || fail "v5 partitions: $(grep PARTITIONED "$T/v5.sql")"
# the destination ARN arn:aws:s3:::flowcost-logs as a location
grep -qx "LOCATION 's3://flowcost-logs/AWSLogs/123456789012/vpcflowlogs/'" "$T/v5.sql" || fail "v5 location"
# the region projected is the one asked
grep -qx '  "projection.aws_region.values" = "us-east-1",' "$T/v5.sql" || fail "v5 region values"
# the range starts on the day the flow log was created (today, UTC, in moto)
grep -q "\"projection.date.range\" = \"$(date -u +%Y/%m/%d),NOW\"" "$T/v5.sql" || fail "v5 range: $(grep range "$T/v5.sql")"

# without --account: the caller's account from STS GetCallerIdentity (moto's
# accounts are 123456789012), for a flow log and for a format and location
"$BIN" athena ddl --flow-log-id "$V5" --endpoint-url "$EP" --table db.v5 -v >"$T/v5b.sql" 2>"$T/err" \
    || fail "ddl without --account: $(cat "$T/err")"
cmp "$T/v5.sql" "$T/v5b.sql" || fail "ddl without --account differs: $(diff "$T/v5.sql" "$T/v5b.sql")"
grep -qx 'flowcost: account 123456789012 (STS GetCallerIdentity)' "$T/err" || fail "-v account line: $(cat "$T/err")"
"$BIN" athena ddl --log-format "$V2" --location s3://b --endpoint-url "$EP" >"$T/v2b.sql" 2>"$T/err" \
    || fail "ddl --log-format without --account: $(cat "$T/err")"
grep -qx "LOCATION 's3://b/AWSLogs/123456789012/vpcflowlogs/'" "$T/v2b.sql" || fail "v2 location: $(grep LOCATION "$T/v2b.sql")"

# a flow log to CloudWatch Logs cannot be read by Athena; an unknown id is an error
"$BIN" athena ddl --flow-log-id "$CWL" --account 123456789012 --endpoint-url "$EP" >/dev/null 2>"$T/err"
[ $? -eq 1 ] && grep -q "delivers to cloud-watch-logs, not to S3" "$T/err" || fail "cwl: $(cat "$T/err")"
"$BIN" athena ddl --flow-log-id fl-0000000000000000a --account 123456789012 --endpoint-url "$EP" >/dev/null 2>"$T/err"
[ $? -eq 1 ] && grep -q "no flow log fl-0000000000000000a" "$T/err" || fail "unknown id: $(cat "$T/err")"
# a wrong secret: moto refuses the signature; one line, exit 1
AWS_SECRET_ACCESS_KEY=wrong "$BIN" athena ddl --flow-log-id "$V5" --account 123456789012 --endpoint-url "$EP" \
    >/dev/null 2>"$T/err"
[ $? -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "DescribeFlowLogs" "$T/err" || fail "bad secret: $(cat "$T/err")"
grep -q "$(sed -n 2p "$T/key")" "$T/err" && fail "secret printed"
echo "athena_ddl_test: all passed"
