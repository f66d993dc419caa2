#!/bin/bash
# flowlogs_moto_test: `flowcost flowlogs list|check|create` against
# moto_server (EC2 DescribeFlowLogs / Describe* / CreateFlowLogs, signatures
# verified). The set-up (tests/aws/moto_flowlogs.py): VPC 1 with a VPC-wide
# v5 flow log to S3 and one to CloudWatch Logs; VPC 2 with a subnet, ENI a
# logged alone in a format without pkt-srcaddr, ENI b not logged at all.
# Delivery files are put in the bucket under the names AWS gives them
# (the time in the name is the end of the file's 5 minutes; moto cannot
# back-date LastModified, and flowcost reads the name, as AWS documents it
# is the earlier and exact time), and "now" is fixed by SOURCE_DATE_EPOCH.
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
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
EP="http://127.0.0.1:$PORT"
# tests/s3_moto_server.py: moto_server with its S3 query-string signature
# check fixed (a '/' in a ListObjectsV2 prefix fails otherwise)
INITIAL_NO_AUTH_ACTION_COUNT=3 python3 "$SRC/tests/s3_moto_server.py" -H 127.0.0.1 -p "$PORT" >"$T/moto.log" 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true; wait $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "$EP/moto-api/" && break; sleep 0.2; done
python3 "$SRC/tests/aws/moto_flowlogs.py" "$EP" "$T" || fail "moto set-up"
export AWS_ACCESS_KEY_ID=$(sed -n 1p "$T/key") AWS_SECRET_ACCESS_KEY=$(sed -n 2p "$T/key")
id() { awk -v k="$1" '$1==k{print $2}' "$T/ids"; }

# Delivery files (account 123456789012, moto's). v5: plain layout 12-01
# 11:50 (the newest) and 11-30 23:55, Hive layout (with hour partitions)
# 11-30 23:00 — every layout is searched, the newest name wins. v3: Hive
# 11-29 08:00 under a newer day that holds only v5's file (the walk goes
# back a day), plain 11-28; a newer v3-named file under another service
# (elasticloadbalancing) must be ignored.
python3 - "$EP" "$T" "$(id v5)" "$(id v3)" <<'PY' || fail "put objects"
import sys, boto3
import botocore.serialize as ser
# moto checks an S3 signature over the path with '=' unescaped, botocore
# signs it as %3D: send Hive keys' '=' as is (the set-up only; flowcost
# lists them through the query string)
escape = ser.percent_encode
ser.percent_encode = lambda v, safe="/~": escape(v, safe=safe + "=")
ep, t, v5, v3 = sys.argv[1:]
key, secret = open(f"{t}/key").read().split()
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
plain = "AWSLogs/123456789012/vpcflowlogs/us-east-1/"
hive = "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/"
name = lambda fl, ts, h, ext="log.gz": f"123456789012_vpcflowlogs_us-east-1_{fl}_{ts}_{h}.{ext}"
for k in [plain + "2026/12/01/" + name(v5, "20261201T1150Z", "aaaa"),
          plain + "2026/11/30/" + name(v5, "20261130T2355Z", "bbbb"),
          hive + "year=2026/month=11/day=30/hour=23/" + name(v5, "20261130T2300Z", "cccc", "log.parquet"),
          hive + "year=2026/month=11/day=29/hour=08/" + name(v3, "20261129T0800Z", "dddd"),
          plain + "2026/11/28/" + name(v3, "20261128T0000Z", "eeee"),
          "AWSLogs/123456789012/elasticloadbalancing/us-east-1/2026/12/05/" + name(v3, "20261205T0000Z", "ffff")]:
    s3.put_object(Bucket="flowcost-logs", Key=k, Body=b"x")
PY
# now = 2026-12-01 12:00 UTC
export SOURCE_DATE_EPOCH=$(date -u -d 2026-12-01T12:00:00Z +%s)

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
# pkt-srcaddr + the staleness line
[ "$(grep -c "^  $(id v3) " "$T/check")" -eq 2 ] || fail "v3 lacks only pkt-srcaddr: $(cat "$T/check")"
# the staleness line only
[ "$(grep -c "^  $(id v5) " "$T/check")" -eq 1 ] || fail "v5 has every field: $(cat "$T/check")"
# 9 fields + not S3 + "not checked"
[ "$(grep -c "^  $(id cwl) " "$T/check")" -eq 11 ] || fail "cwl findings: $(cat "$T/check")"

# 2b. staleness. The limit: 2 x 600 s aggregation + 10 min S3 delivery =
# 1,800 s = 30 min. v5: 12:00 - 11:50 = 10 min, fresh. v3: 11-29 08:00 to
# 12-01 12:00 = 2 d 4 h = 52 h = 2.17 days, stale (not the 12-05 file of
# another service, not the older plain 11-28 one). CloudWatch: not checked.
# Findings: eni b 1 + subnets 7 (sub2 and the 6 of moto's default VPC,
# one per us-east-1 AZ) + VPCs 2 (vpc2, the default one) + cwl's 9 fields
# and not-S3 10 + v3's pkt-srcaddr 1 + v3 stale 1 = 22; the fresh v5 and
# the unchecked CloudWatch one are no findings.
P=s3://flowcost-logs/AWSLogs
cat >"$T/want_stale" <<WANT
  $(id v5) ($(id vpc)) newest delivery 10 min old: $P/123456789012/vpcflowlogs/us-east-1/2026/12/01/123456789012_vpcflowlogs_us-east-1_$(id v5)_20261201T1150Z_aaaa.log.gz
  $(id v3) ($(id eni_a)) newest delivery 2.2 days old, stale: over the 30 min of 2 x 600 s aggregation + 10 min S3 delivery: $P/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=29/hour=08/123456789012_vpcflowlogs_us-east-1_$(id v3)_20261129T0800Z_dddd.log.gz
WANT
grep "newest delivery" "$T/check" | grep -v "^  $(id cwl) " | sort >"$T/got_stale"
sort "$T/want_stale" | diff - "$T/got_stale" || fail "staleness"
# the CloudWatch Logs group does not exist yet: not checked, no finding
grep -q "^  $(id cwl) ($(id vpc)) newest delivery: not checked: CloudWatch Logs DescribeLogStreams: ResourceNotFoundException" \
    "$T/check" || fail "cwl not checked: $(grep "$(id cwl)" "$T/check")"
grep -q "^22 findings$" "$T/check" || fail "findings: $(tail -1 "$T/check")"

# 2c. CloudWatch Logs: group "flows" with one event 20 min before T (now,
# to the minute: moto takes events of the last 14 days only, so T is the
# real clock's). Limit: 2 x 600 s + 5 min CloudWatch delivery = 1,500 s =
# 25 min. now = T: 20 min old, fresh; now = T + 10 min: 30 min, stale.
TNOW=$(python3 - "$EP" "$T" <<'PY'
import sys, time, boto3
ep, t = sys.argv[1:]
key, secret = open(f"{t}/key").read().split()
logs = boto3.client("logs", endpoint_url=ep, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
now = int(time.time()) // 60 * 60
logs.create_log_group(logGroupName="flows")
logs.create_log_stream(logGroupName="flows", logStreamName="eni-0cwl")
logs.create_log_stream(logGroupName="flows", logStreamName="eni-0empty")
logs.put_log_events(logGroupName="flows", logStreamName="eni-0cwl",
                    logEvents=[{"timestamp": (now - 1500) * 1000, "message": "older"},
                               {"timestamp": (now - 1200) * 1000, "message": "newest"}])
print(now)
PY
) || fail "cwl set-up"
for row in "0 20 min old: log group flows, stream eni-0cwl" \
    "600 30 min old, stale: over the 25 min of 2 x 600 s aggregation + 5 min CloudWatch Logs delivery: log group flows, stream eni-0cwl"; do
    SOURCE_DATE_EPOCH=$((TNOW + ${row%% *})) "$BIN" flowlogs check --endpoint-url "$EP" >"$T/check_cwl" 2>"$T/err" ||
        fail "check cwl: $(cat "$T/err")"
    grep -qxF "  $(id cwl) ($(id vpc)) newest delivery ${row#* }" "$T/check_cwl" || fail "cwl ${row%% *}: $(grep "$(id cwl)" "$T/check_cwl")"
done
# step 2's 22 + the stale CloudWatch one + v5, whose 2026-12-01 11:50 file
# is days old at the real clock's T = 24
grep -q "^24 findings$" "$T/check_cwl" || fail "cwl findings: $(tail -1 "$T/check_cwl")"

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
estimate: 1 ENI x 1000 records/h x 200 bytes/record (both assumed; give --gb-per-month) x 730 h = 0.14 GB/month
estimate: delivery to S3 \$0.04/month (CloudWatch vended logs, us-east-1: \$0.25/GB up to 10 TB, \$0.15 to 30 TB, \$0.075 to 50 TB, \$0.05 beyond; Parquet conversion +\$0.035/GB; S3 storage not included)
WANT
diff "$T/want" "$T/dry" || fail "dry run output"
"$BIN" flowlogs list --endpoint-url "$EP" >"$T/list2" 2>/dev/null
[ "$(wc -l <"$T/list2")" -eq 4 ] || fail "a dry run created a flow log"

# 4. create: a flow log on ENI b in the recommended format; check no longer names it
"$BIN" flowlogs create --resource-ids "$(id eni_b)" --destination s3://flowcost-logs --endpoint-url "$EP" \
    >"$T/created" 2>"$T/err" || fail "create: $(cat "$T/err")"
grep -q '^created fl-[0-9a-f]*$' "$T/created" || fail "created: $(cat "$T/created")"
NEW=$(sed -n 's/^created //p' "$T/created")
"$BIN" flowlogs check --endpoint-url "$EP" >"$T/check2" 2>/dev/null || fail "check 2"
grep -q "^  no flow log: $(id eni_b) " "$T/check2" && fail "eni b still unlogged"
grep -q "^  $NEW ([^)]*) lacks " "$T/check2" && fail "the recommended format lacks a field: $(grep "$NEW" "$T/check2")"
grep -q "^  $NEW ($(id eni_b)) has delivered nothing under s3://flowcost-logs/AWSLogs/$" "$T/check2" ||
    fail "new flow log without files: $(grep "$NEW" "$T/check2")"

# 4b. the delivery-cost estimate, by hand:
# 1 ENI assumed (in 3.): 1000 records/h x 200 B x 730 h = 146,000,000 B
#   / 2^30 = 0.13597 GB; Parquet: x (0.25 + 0.035) = \$0.0388 -> \$0.04
# subnet 2 (ENIs a and b): 2 x 0.13597 = 0.27195 GB, text: x 0.25 = \$0.0680 -> \$0.07
# --gb-per-month rows: GB, format, \$ worked out per tier
#   100 parquet: 100 x 0.25 + 100 x 0.035 = 25 + 3.50 = 28.50
#   40960 text: 10240 x 0.25 + 20480 x 0.15 + 10240 x 0.075 = 2560 + 3072 + 768 = 6400.00
#   61440 text: 2560 + 3072 + 20480 x 0.075 + 10240 x 0.05 = 2560 + 3072 + 1536 + 512 = 7680.00
#   0 text: 0.00
while read -r gb ff usd; do
    "$BIN" flowlogs create --resource-ids "$(id eni_b)" --destination s3://flowcost-logs --file-format "$ff" \
        --gb-per-month "$gb" --dry-run --endpoint-url "$EP" >"$T/est" 2>"$T/err" || fail "estimate $gb: $(cat "$T/err")"
    grep -q "^estimate: $gb.00 GB/month (--gb-per-month)$" "$T/est" || fail "volume $gb: $(cat "$T/est")"
    grep -q "^estimate: delivery to S3 \$$usd/month " "$T/est" || fail "cost $gb $ff: $(grep estimate "$T/est")"
done <<ROWS
100 parquet 28.50
40960 text 6400.00
61440 text 7680.00
0 text 0.00
ROWS
"$BIN" flowlogs create --resource-ids "$(id sub2)" --destination s3://flowcost-logs --dry-run --endpoint-url "$EP" \
    >"$T/est" 2>"$T/err" || fail "subnet estimate: $(cat "$T/err")"
grep -q "^estimate: 2 ENIs x 1000 records/h x 200 bytes/record (both assumed; give --gb-per-month) x 730 h = 0.27 GB/month$" "$T/est" ||
    fail "subnet volume: $(cat "$T/est")"
grep -q "^estimate: delivery to S3 \$0.07/month (.*\$0.05 beyond; S3 storage not included)$" "$T/est" || fail "subnet cost: $(cat "$T/est")"
"$BIN" flowlogs create --resource-ids "$(id eni_b)" --destination s3://b --gb-per-month -1 --endpoint-url "$EP" 2>"$T/err"
[ $? -eq 2 ] && grep -q "gb-per-month" "$T/err" || fail "negative volume: $(cat "$T/err")"
"$BIN" flowlogs list --gb-per-month 1 --endpoint-url "$EP" 2>"$T/err"
[ $? -eq 2 ] || fail "--gb-per-month outside create"

# 5. usage: mixed resource kinds, a bad destination (exit 2, one line)
"$BIN" flowlogs create --resource-ids "$(id eni_b),$(id sub2)" --destination s3://b --endpoint-url "$EP" 2>"$T/err"
[ $? -eq 2 ] && grep -q "one kind of resource" "$T/err" || fail "mixed kinds: $(cat "$T/err")"
"$BIN" flowlogs create --resource-ids "$(id eni_b)" --destination bucket --endpoint-url "$EP" 2>"$T/err"
[ $? -eq 2 ] && grep -q "s3://BUCKET" "$T/err" || fail "bad destination: $(cat "$T/err")"
"$BIN" flowlogs frob 2>"$T/err"
[ $? -eq 2 ] || fail "unknown subcommand"
echo "flowlogs_moto_test: all passed"
