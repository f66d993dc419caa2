#!/usr/bin/env bash
# cwl_moto_test: cwl://LOG-GROUP inputs (issue 13) against moto_server's
# CloudWatch Logs, which verifies SigV4 signatures: moto lets the first
# three calls through unsigned (an IAM user, its logs:* policy, its access
# key); every call after that, flowcost's FilterLogEvents included, must be
# signed with that key. 12,500 records in two streams (FilterLogEvents
# pages hold at most 10,000 events, so nextToken paging is exercised) give
# the same `aggregate --csv` as the same records in a text file, with and
# without --since/--until (startTime/endTime); a wrong secret fails naming
# the error; no secret appears in any output. The field order of headerless
# events comes from the flow log's LogFormat (moto's EC2 DescribeFlowLogs
# filtered by log-group-name) unless --fields is given.
set -uo pipefail
BIN=$1 SRC=$2 T=$3

command -v moto_server >/dev/null || { echo "skip: moto_server not installed"; exit 77; }
python3 -c 'import boto3' 2>/dev/null || { echo "skip: boto3 not installed"; exit 77; }

rm -rf "$T" && mkdir -p "$T" && cd "$T" || exit 1
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE \
      AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_LOGS \
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true
export AWS_SHARED_CREDENTIALS_FILE="$T/no-credentials" AWS_CONFIG_FILE="$T/no-config"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

fail=0 pass=0
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }
ok() { pass=$((pass+1)); }

# Records of the last hours (CloudWatch takes events of the last 14 days
# only); each event's timestamp is its record's start, as AWS writes them.
NOW=$(date +%s)
# moto's server and this set-up in one Python (--serve, tests/aws/inproc.py),
# in the background: ready once the set-up says so
INITIAL_NO_AUTH_ACTION_COUNT=3 python3 - "$SRC/tests/aws" "$NOW" >moto.log 2>&1 <<'PY' &
import boto3, json, sys
sys.path.insert(0, sys.argv[1])
import inproc
ep, now = inproc.endpoint("--serve", "."), int(sys.argv[2])
boot = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
iam = boto3.client("iam", **boot)
iam.create_user(UserName="flowcost-logs")
iam.put_user_policy(UserName="flowcost-logs", PolicyName="logs-read", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:*", "ec2:*"], "Resource": "*"}]}))
k = iam.create_access_key(UserName="flowcost-logs")["AccessKey"]
open("key", "w").write(k["AccessKeyId"] + "\n" + k["SecretAccessKey"] + "\n")
logs = boto3.client("logs", endpoint_url=ep, region_name="us-east-1",
                    aws_access_key_id=k["AccessKeyId"], aws_secret_access_key=k["SecretAccessKey"])
logs.create_log_group(logGroupName="/aws/vpc/flowlogs")
base = now - 3 * 3600
lines = []
for s, (eni, n) in enumerate((("eni-0a1", 7000), ("eni-0b2", 5500))):
    stream = eni + "-all"
    logs.create_log_stream(logGroupName="/aws/vpc/flowlogs", logStreamName=stream)
    evs = []
    for i in range(n):
        start = base + i                       # one per second, 3 h ago onwards
        line = (f"2 123456789012 {eni} 10.0.{s}.{i % 50} 10.1.{i % 7}.9 {40000 + i % 100} 443 6 "
                f"{1 + i % 13} {100 + i * 7} {start} {start + 60} {'REJECT' if i % 11 == 0 else 'ACCEPT'} OK")
        lines.append(line)
        evs.append({"timestamp": start * 1000, "message": line})
    for j in range(0, n, 5000):
        r = logs.put_log_events(logGroupName="/aws/vpc/flowlogs", logStreamName=stream, logEvents=evs[j:j + 5000])
        assert not r.get("rejectedLogEventsInfo"), r
open("same.log", "w").write("\n".join(lines) + "\n")

# A flow log with a custom LogFormat (14 fields like the default, in
# another order, so the default order cannot read them) delivering to
# /aws/vpc/custom, and a group two flow logs of different formats write to.
ec2 = boto3.client("ec2", endpoint_url=ep, region_name="us-east-1",
                   aws_access_key_id=k["AccessKeyId"], aws_secret_access_key=k["SecretAccessKey"])
custom = ("${version} ${interface-id} ${start} ${end} ${srcaddr} ${dstaddr} ${bytes} ${packets} ${action} "
          "${log-status} ${flow-direction} ${srcport} ${dstport} ${protocol}")
vpcs = [ec2.create_vpc(CidrBlock=f"10.{50 + i}.0.0/16")["Vpc"]["VpcId"] for i in range(3)]
def flow_log(vpc, group, fmt):
    r = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                             LogDestinationType="cloud-watch-logs", LogGroupName=group, LogFormat=fmt,
                             DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs")
    assert r["FlowLogIds"] and not r.get("Unsuccessful"), r
for group in ("/aws/vpc/custom", "/aws/vpc/mixed"):
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="eni-0c3-all")
flow_log(vpcs[0], "/aws/vpc/custom", custom)
flow_log(vpcs[1], "/aws/vpc/mixed", custom)
flow_log(vpcs[2], "/aws/vpc/mixed", custom.replace("${protocol}", "${protocol} ${vpc-id}"))
t = base
ev = [f"5 eni-0c3 {t} {t + 60} 10.0.2.1 10.1.0.9 1000 10 ACCEPT OK egress 40000 443 6",
      f"5 eni-0c3 {t + 60} {t + 120} 10.0.2.1 10.1.0.9 2500 20 ACCEPT OK egress 40001 443 6",
      f"5 eni-0c3 {t + 120} {t + 180} 10.1.0.9 10.0.2.1 700 7 REJECT OK ingress 443 40002 6"]
for group in ("/aws/vpc/custom", "/aws/vpc/mixed"):
    logs.put_log_events(logGroupName=group, logStreamName="eni-0c3-all",
                        logEvents=[{"timestamp": (t + 60 * i) * 1000, "message": m} for i, m in enumerate(ev)])
inproc.ready(".")
PY
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true; wait $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -e ready ] || ! kill -0 $MOTO 2>/dev/null && break; sleep 0.05; done
[ -e ready ] || { echo "FAIL: setup"; tail -20 moto.log; exit 1; }
EP=$(cat endpoint)
[ -s key ] || { echo "FAIL: setup"; cat moto.log | tail -20; exit 1; }
KEY=$(sed -n 1p key) SECRET=$(sed -n 2p key)
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET

"$BIN" aggregate -q same.log -o text.fca --csv text.csv 2>/dev/null || bad "text aggregate failed"
"$BIN" aggregate -v --endpoint-url "$EP" --region us-east-1 cwl:///aws/vpc/flowlogs -o cwl.fca --csv cwl.csv >out 2>err
rc=$?
[ $rc -eq 0 ] && ok || bad "cwl:// aggregate exit $rc: $(head -c 600 err)"
[ "$(awk -F, 'NR>1 {r+=$8} END {print r}' cwl.csv)" = 12500 ] && ok || bad "cwl:// CSV does not hold 12500 records"
cmp -s text.csv cwl.csv && ok || bad "cwl:// CSV differs from the text file's ($(diff text.csv cwl.csv | head -3))"
# two pages: 10,000 events, then 2,500
grep -q "FilterLogEvents page 1: 10000 events (more)" err && ok || bad "no first page of 10000 events: $(grep FilterLogEvents err | head -3)"
grep -q "FilterLogEvents page 2: 2500 events$" err && ok || bad "no second page of 2500 events"

# --since/--until: startTime/endTime in ms; the same window on the text file
S=$((NOW - 3 * 3600 + 1000)) U=$((NOW - 3 * 3600 + 4000))
"$BIN" aggregate -q --since "$S" --until "$U" same.log -o t2.fca --csv t2.csv 2>/dev/null
"$BIN" aggregate -q --since "$S" --until "$U" --endpoint-url "$EP" --region us-east-1 cwl:///aws/vpc/flowlogs -o c2.fca --csv c2.csv 2>err2 \
    || bad "cwl:// with --since/--until failed: $(head -c 400 err2)"
# [S, U) holds starts base+1000 .. base+3999 of each stream: 3000 + 3000 (eni-0b2 has 5500)
[ "$(awk -F, 'NR>1 {r+=$8} END {print r}' c2.csv)" = 6000 ] && ok || bad "cwl:// window does not hold 6000 records"
cmp -s t2.csv c2.csv && ok || bad "cwl:// window CSV differs from the text file's"

# a wrong secret: one error line naming what moto said, exit 1
AWS_SECRET_ACCESS_KEY=wrong "$BIN" aggregate --endpoint-url "$EP" --region us-east-1 cwl:///aws/vpc/flowlogs -o w.fca >/dev/null 2>werr
rc=$?
[ $rc -eq 1 ] && ok || bad "wrong secret: exit $rc"
grep -q "cwl:///aws/vpc/flowlogs: FilterLogEvents: SignatureDoesNotMatch: " werr && ok || bad "wrong secret: message $(cat werr)"

# the field order of /aws/vpc/custom's events comes from its flow log's
# LogFormat (ec2:DescribeFlowLogs filtered by log-group-name); by hand:
# 10.0.2.1 -> 10.1.0.9 ACCEPT: 1000 + 2500 = 3500 bytes, 10 + 20 = 30 packets,
# 2 records; 10.1.0.9 -> 10.0.2.1 REJECT: 700 bytes, 7 packets, 1 record
"$BIN" aggregate -v --endpoint-url "$EP" --region us-east-1 cwl:///aws/vpc/custom -o cu.fca --csv cu.csv >/dev/null 2>cerr \
    || bad "cwl:// with a custom LogFormat failed: $(head -c 400 cerr)"
printf '%s\n' interface_id,srcaddr,dstaddr,action,log_status,packets,bytes,records \
    eni-0c3,10.0.2.1,10.1.0.9,ACCEPT,OK,30,3500,2 eni-0c3,10.1.0.9,10.0.2.1,REJECT,OK,7,700,1 > cu.want
cmp -s cu.want cu.csv && ok || bad "cwl:// custom LogFormat: $(cat cu.csv | tr '\n' ' ') $(grep -i 'warn\|error' cerr | head -2)"
grep -q "fields from the LogFormat of flow log fl-" cerr && ok || bad "no -v line naming the flow log: $(head -c 300 cerr)"
# two flow logs of different formats into one group: one error line, exit 1
"$BIN" aggregate --endpoint-url "$EP" --region us-east-1 cwl:///aws/vpc/mixed -o mx.fca >/dev/null 2>merr
rc=$?
[ $rc -eq 1 ] && ok || bad "mixed formats: exit $rc"
grep -q "^flowcost: error: cwl:///aws/vpc/mixed: flow logs fl-.* and fl-.* write different formats into this log group; give --fields$" merr \
    && ok || bad "mixed formats: message $(cat merr)"
# --fields still wins over the LogFormat (here the default order: every line malformed)
"$BIN" aggregate --endpoint-url "$EP" --region us-east-1 --fields 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status' \
    cwl:///aws/vpc/custom -o fd.fca --csv fd.csv >/dev/null 2>ferr
grep -q "3 malformed\|skipped 3" ferr && ok || bad "--fields did not override the LogFormat: $(head -c 300 ferr)"

for f in out err err2 werr cerr merr ferr; do grep -qF -- "$SECRET" "$f" && bad "the secret appears in $f"; done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
