#!/bin/bash
# flowlogs_moto_test: `flowcost flowlogs list|check|create` against
# moto_server (EC2 DescribeFlowLogs / Describe* / CreateFlowLogs, signatures
# verified). The set-up (tests/aws/moto_flowlogs.py): VPC 1 with a VPC-wide
# v5 flow log to S3 and one to CloudWatch Logs; VPC 2 with a subnet, ENI a
# logged alone in a format without pkt-srcaddr, ENI b not logged at all.
# usage: flowlogs_moto_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 T=$3
rm -rf "$T" && mkdir -p "$T"
fail() { echo "FAIL: $*"; exit 1; }
command -v moto_server >/dev/null || { echo "skip: moto_server not installed"; exit 77; }
python3 -c 'import boto3' 2>/dev/null || { echo "skip: boto3 not installed"; exit 77; }
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE \
      AWS_ENDPOINT_URL AWS_ENDPOINT_URL_EC2 AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true FLOWCOST_CONFIG= AWS_REGION=us-east-1
export AWS_SHARED_CREDENTIALS_FILE="$T/none" AWS_CONFIG_FILE="$T/none"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
# moto's server and the set-up in one Python (--serve, tests/aws/inproc.py):
# ready once the set-up says so
INITIAL_NO_AUTH_ACTION_COUNT=3 python3 "$SRC/tests/aws/moto_flowlogs.py" --serve "$T" >"$T/moto.log" 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true; wait $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -e "$T/ready" ] || ! kill -0 $MOTO 2>/dev/null && break; sleep 0.05; done
[ -e "$T/ready" ] || fail "moto set-up: $(tail -5 "$T/moto.log")"
EP=$(cat "$T/endpoint")
export AWS_ACCESS_KEY_ID=$(sed -n 1p "$T/key") AWS_SECRET_ACCESS_KEY=$(sed -n 2p "$T/key")
id() { awk -v k="$1" '$1==k{print $2}' "$T/ids"; }

# 1. list: the three flow logs, each with its resource, destination and field count
"$BIN" flowlogs list --endpoint-url "$EP" >"$T/list" 2>"$T/err" || fail "list: $(cat "$T/err")"
[ "$(wc -l <"$T/list")" -eq 4 ] || fail "list lines: $(cat "$T/list")"
grep "^$(id v5) " "$T/list" | grep -q " $(id vpc) .* s3 .*arn:aws:s3:::flowcost-logs .* 24 fields: " || fail "v5 row: $(cat "$T/list")"
grep "^$(id cwl) " "$T/list" | grep -q " cwl .* 14 fields: " || fail "cwl row (the default format): $(cat "$T/list")"
grep "^$(id v3) " "$T/list" | grep -q " $(id eni_a) .* 22 fields: " || fail "v3 row: $(cat "$T/list")"

# 2. check: ENI b, the subnet and VPC 2 have no flow log (ENI a does);
# flow log v3 lacks pkt-srcaddr (and instance-id is not needed); the
# CloudWatch one lacks all nine fields and is not in S3
"$BIN" flowlogs check --endpoint-url "$EP" >"$T/check" 2>"$T/err" || fail "check: $(cat "$T/err")"
grep -q "^  no flow log: $(id eni_b) " "$T/check" || fail "eni b: $(cat "$T/check")"
grep -q "^  no flow log: $(id eni_a) " "$T/check" && fail "eni a is logged"
grep -q "^  no flow log: subnet $(id sub2) (vpc $(id vpc2))$" "$T/check" || fail "subnet: $(cat "$T/check")"
grep -q "^  no VPC-wide flow log: $(id vpc2)$" "$T/check" || fail "vpc2: $(cat "$T/check")"
grep -q "^  no VPC-wide flow log: $(id vpc)$" "$T/check" && fail "vpc 1 is logged"
grep -q "^  $(id v3) ($(id eni_a)) lacks pkt-srcaddr: traffic through a NAT gateway is not traced" "$T/check" || fail "pkt-srcaddr: $(cat "$T/check")"
[ "$(grep -c "^  $(id v3) " "$T/check")" -eq 1 ] || fail "v3 lacks only pkt-srcaddr: $(cat "$T/check")"
[ "$(grep -c "^  $(id v5) " "$T/check")" -eq 0 ] || fail "v5 has every field: $(cat "$T/check")"
# 9 fields + not S3
[ "$(grep -c "^  $(id cwl) " "$T/check")" -eq 10 ] || fail "cwl findings: $(cat "$T/check")"

# 3. create --dry-run: the request as sent, and EC2's DryRunOperation answer
"$BIN" flowlogs create --resource-ids "$(id eni_b)" --destination s3://flowcost-logs/org/ --file-format parquet \
    --hive --per-hour --dry-run --endpoint-url "$EP" >"$T/dry" 2>"$T/err" || fail "dry run: $(cat "$T/err")"
cat >"$T/want" <<WANT
Action=CreateFlowLogs
Version=2016-11-15
ResourceType=NetworkInterface
ResourceId.1=$(id eni_b)
TrafficType=ALL
LogDestinationType=s3
LogDestination=arn%3Aaws%3As3%3A%3A%3Aflowcost-logs%2Forg
LogFormat=%24%7Bversion%7D+%24%7Baccount-id%7D+%24%7Binterface-id%7D+%24%7Bsrcaddr%7D+%24%7Bdstaddr%7D+%24%7Bsrcport%7D+%24%7Bdstport%7D+%24%7Bprotocol%7D+%24%7Bpackets%7D+%24%7Bbytes%7D+%24%7Bstart%7D+%24%7Bend%7D+%24%7Baction%7D+%24%7Blog-status%7D+%24%7Bvpc-id%7D+%24%7Bsubnet-id%7D+%24%7Binstance-id%7D+%24%7Baz-id%7D+%24%7Bpkt-srcaddr%7D+%24%7Bpkt-dstaddr%7D+%24%7Bregion%7D+%24%7Bflow-direction%7D+%24%7Btraffic-path%7D+%24%7Bpkt-src-aws-service%7D+%24%7Bpkt-dst-aws-service%7D
MaxAggregationInterval=600
DestinationOptions.FileFormat=parquet
DestinationOptions.HiveCompatiblePartitions=true
DestinationOptions.PerHourPartition=true
DryRun=true
dry run: EC2 says the request would succeed
WANT
diff "$T/want" "$T/dry" || fail "dry run output"
"$BIN" flowlogs list --endpoint-url "$EP" >"$T/list2" 2>/dev/null
[ "$(wc -l <"$T/list2")" -eq 4 ] || fail "a dry run created a flow log"

# 4. create: a flow log on ENI b in the recommended format; check no longer names it
"$BIN" flowlogs create --resource-ids "$(id eni_b)" --destination s3://flowcost-logs --endpoint-url "$EP" \
    >"$T/created" 2>"$T/err" || fail "create: $(cat "$T/err")"
grep -q '^created fl-[0-9a-f]*$' "$T/created" || fail "created: $(cat "$T/created")"
NEW=$(awk '{print $2}' "$T/created")
"$BIN" flowlogs check --endpoint-url "$EP" >"$T/check2" 2>/dev/null || fail "check 2"
grep -q "^  no flow log: $(id eni_b) " "$T/check2" && fail "eni b still unlogged"
grep -q "^  $NEW " "$T/check2" && fail "the recommended format lacks a field: $(grep "$NEW" "$T/check2")"

# 5. usage: mixed resource kinds, a bad destination (exit 2, one line)
"$BIN" flowlogs create --resource-ids "$(id eni_b),$(id sub2)" --destination s3://b --endpoint-url "$EP" 2>"$T/err"
[ $? -eq 2 ] && grep -q "one kind of resource" "$T/err" || fail "mixed kinds: $(cat "$T/err")"
"$BIN" flowlogs create --resource-ids "$(id eni_b)" --destination bucket --endpoint-url "$EP" 2>"$T/err"
[ $? -eq 2 ] && grep -q "s3://BUCKET" "$T/err" || fail "bad destination: $(cat "$T/err")"
"$BIN" flowlogs frob 2>"$T/err"
[ $? -eq 2 ] || fail "unknown subcommand"
echo "flowlogs_moto_test: all passed"
