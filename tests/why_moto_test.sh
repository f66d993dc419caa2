#!/usr/bin/env bash
# why_moto_test: `flowcost why --enrich-live` names the rule that decides,
# from moto's EC2 (tests/aws/why_moto_setup.py: B's security group allows
# only tcp/443 from 10.0.1.0/24; B's subnet's network ACL has outbound rule
# 90 "deny tcp 1024-65535 to 10.0.1.0/24" before rule 100 "allow all").
# The fixtures of why_test get moto's ENI ids. Expected:
#  - sg_reject (A→B tcp/5432 refused at B): the ACL's inbound first match is
#    rule 100 (allow), and sg-b has no inbound rule for tcp 5432 from
#    10.0.1.10 → the security group decides;
#  - nacl_return (B's replies to 41000/41002 refused at B on the way out):
#    outbound rule 90 of B's ACL denies them; no security group line (replies
#    never meet security-group rules).
# usage: why_moto_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -euo pipefail
BIN=$1 SRC=$2 T=$3

command -v moto_server >/dev/null || { echo "skip: moto_server not installed"; exit 77; }
python3 -c 'import boto3' 2>/dev/null || { echo "skip: boto3 not installed"; exit 77; }
rm -rf "$T" && mkdir -p "$T"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL \
      AWS_ENDPOINT_URL_EC2 AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true FLOWCOST_CONFIG=
export AWS_SHARED_CREDENTIALS_FILE="$T/no-credentials" AWS_CONFIG_FILE="$T/no-config"
export AWS_ACCESS_KEY_ID=AKIAWHYTESTEXAMPLE AWS_SECRET_ACCESS_KEY=why-test-secret
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# moto's server and the set-up in one Python (--serve, tests/aws/inproc.py):
# ready once the set-up says so
python3 "$SRC/tests/aws/why_moto_setup.py" --serve "$T" >"$T/moto.log" 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true; wait $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -e "$T/ready" ] || ! kill -0 $MOTO 2>/dev/null && break; sleep 0.05; done
[ -e "$T/ready" ] || { echo "FAIL: moto set-up: $(tail -5 "$T/moto.log")"; exit 1; }
EP=$(cat "$T/endpoint")
read -r ENI_A ENI_B SG_B ACL_B <"$T/ids"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for fx in sg_reject nacl_return; do
    sed "s/eni-0aaaaaaaaaaaaaaa1/$ENI_A/; s/eni-0bbbbbbbbbbbbbbb2/$ENI_B/" "$SRC/tests/why/$fx.log" >"$T/$fx.log"
    "$BIN" why 10.0.1.10 10.0.2.20 --json -q --enrich-live --endpoint-url "$EP" --region us-east-1 "$T/$fx.log" \
        >"$T/$fx.json" 2>"$T/$fx.err" || fail "$fx exited non-zero: $(cat "$T/$fx.err")"
done

python3 - "$T" "$SG_B" "$ACL_B" <<'PY' || fail "the rules named are not the expected ones"
import json, sys
t, sg, acl = sys.argv[1:]
j = json.load(open(f"{t}/sg_reject.json"))
got = [(r["side"], r["kind"], r["id"], r["decides"], r["rule"]) for r in j["rules"]]
want = [("B", "network_acl", acl, "allow",
         "inbound rule 100 allows all from 0.0.0.0/0 (first match for tcp 5432 from 10.0.1.10)"),
        ("B", "security_group", sg, "none", "no inbound rule allows tcp 5432 from 10.0.1.10")]
assert j["verdict"] == "rejected_at_destination" and got == want, got
assert f"decided by security group {sg} (B)" in j["summary"], j["summary"]
j = json.load(open(f"{t}/nacl_return.json"))
got = [(r["side"], r["kind"], r["id"], r["decides"], r["rule"]) for r in j["rules"]]
want = [("B", "network_acl", acl, "deny",
         "outbound rule 90 denies tcp 1024-65535 to 10.0.1.0/24 (first match for tcp 41000 to 10.0.1.10)")]
assert j["verdict"] == "asymmetric_return" and got == want, got
assert f"decided by network ACL {acl} (B)" in j["summary"], j["summary"]
PY
grep -qF -- "$AWS_SECRET_ACCESS_KEY" "$T"/*.json "$T"/*.err && fail "the secret appears in the output"

[ $fails -eq 0 ] && echo "why_moto_test: all passed" || exit 1
