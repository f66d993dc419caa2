#!/usr/bin/env bash
# enrich_moto_test: `flowcost enrich` against a real AWS API server (moto)
# that verifies SigV4 signatures. moto_server lets the first five actions
# through unsigned (INITIAL_NO_AUTH_ACTION_COUNT=5: an IAM user, its policy
# and access key, a role and its policy); every call after that must be
# signed with that key. Checks: every ENI with its subnet, AZ ID and kind; a
# wrong secret exits 1 naming AuthFailure; temporary credentials
# (sts:AssumeRole: key, secret, session token) work and a wrong token
# fails; --profile from a credentials file; re-running merges and keeps a
# deleted ENI with its last_seen; no secret or token appears in any output,
# -v included.
# usage: enrich_moto_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -euo pipefail
BIN=$1 SRC=$2 T=$3

command -v moto_server >/dev/null || { echo "skip: moto_server not installed"; exit 77; }
python3 -c 'import boto3' 2>/dev/null || { echo "skip: boto3 not installed"; exit 77; }

rm -rf "$T" && mkdir -p "$T"
# Nothing from the caller's AWS set-up may leak in, and nothing may reach
# the real instance metadata service.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE \
      AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_EC2 \
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true
export AWS_SHARED_CREDENTIALS_FILE="$T/no-credentials" AWS_CONFIG_FILE="$T/no-config"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# moto's server and the set-up in one Python (--serve, tests/aws/inproc.py):
# ready once the set-up says so
INITIAL_NO_AUTH_ACTION_COUNT=5 python3 "$SRC/tests/aws/moto_setup.py" --serve "$T" >"$T/moto.log" 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true; wait $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -e "$T/ready" ] || ! kill -0 $MOTO 2>/dev/null && break; sleep 0.05; done
[ -e "$T/ready" ] || { echo "FAIL: moto set-up"; tail -20 "$T/moto.log"; exit 1; }
grep '^moto: ' "$T/moto.log"
EP=$(cat "$T/endpoint")
KEY=$(sed -n 1p "$T/key")
SECRET=$(sed -n 2p "$T/key")
TMP_KEY=$(sed -n 3p "$T/key")
TMP_SECRET=$(sed -n 4p "$T/key")
TMP_TOKEN=$(sed -n 5p "$T/key")

fail() { echo "FAIL: $*"; exit 1; }
no_secret() { # every file given must be free of the secret
    local f
    for f in "$@"; do
        if grep -qF -- "$SECRET" "$f"; then fail "the secret access key appears in $(basename "$f")"; fi
        if grep -qF -- "$TMP_SECRET" "$f"; then fail "the temporary secret appears in $(basename "$f")"; fi
        if grep -qF -- "$TMP_TOKEN" "$f"; then fail "the session token appears in $(basename "$f")"; fi
    done
}

# 1. The real key: every ENI with subnet, AZ ID and kind.
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
    "$BIN" enrich --endpoint-url "$EP" --region us-east-1 -v -o "$T/snap.json" >"$T/out1" 2>"$T/err1" \
    || { cat "$T/err1"; fail "enrich with the right key exited $?"; }
no_secret "$T/out1" "$T/err1" "$T/snap.json"
grep -q "DescribeNetworkInterfaces" "$T/err1" || fail "-v did not log the EC2 calls"

python3 - "$T/expected.json" "$T/snap.json" <<'EOF'
import json, sys
exp = json.load(open(sys.argv[1]))
snap = json.load(open(sys.argv[2]))
# moto's fixed AZ name -> AZ ID table for us-east-1 (moto/ec2/models/
# availability_zones_and_regions.py); the point is that flowcost takes the
# ID from DescribeSubnets and carries it to each ENI.
az_ids = {"us-east-1a": "use1-az6", "us-east-1b": "use1-az1", "us-east-1c": "use1-az2"}
for sid, s in exp["subnets"].items():
    assert s["moto_az_id"] in (None, az_ids[s["az_name"]]), f"moto changed its AZ table: {s}"
enis = {e["id"]: e for e in snap["enis"]}
bad = []
for eid, want in exp["enis"].items():
    got = enis.get(eid)
    if not got:
        bad.append(f"{eid}: missing")
        continue
    checks = {"subnet_id": want["subnet_id"], "az_id": az_ids[want["az_name"]], "az_name": want["az_name"],
              "kind": want["kind"], "vpc_id": exp["vpc"], "region": "us-east-1"}
    for k in ("instance_id", "nat_gateway_id", "resource_id", "name", "tags"):
        if k in want:
            checks[k] = want[k]
    for k, v in checks.items():
        if got.get(k) != v:
            bad.append(f"{eid}: {k} = {got.get(k)!r}, want {v!r}")
    if "private_ip" in want and want["private_ip"] not in got.get("private_ips", []):
        bad.append(f"{eid}: private_ips {got.get('private_ips')} lack {want['private_ip']}")
    if "public_ip" in want and want["public_ip"] not in got.get("public_ips", []):
        bad.append(f"{eid}: public_ips {got.get('public_ips')} lack {want['public_ip']}")
    if got.get("last_seen") != snap["fetched_at"]:
        bad.append(f"{eid}: last_seen {got.get('last_seen')} != fetched_at {snap['fetched_at']}")
ours = [e for e in snap["enis"] if e.get("vpc_id") == exp["vpc"]]
if len(ours) != len(exp["enis"]):
    bad.append(f"{len(ours)} ENIs in the test VPC, want {len(exp['enis'])}")
subs = {s["id"]: s for s in snap["subnets"]}
for sid, want in exp["subnets"].items():
    got = subs.get(sid, {})
    if (got.get("cidr"), got.get("az_id"), got.get("vpc_id")) != (want["cidr"], az_ids[want["az_name"]], exp["vpc"]):
        bad.append(f"subnet {sid}: {got}")
vpcs = {v["id"]: v for v in snap["vpcs"]}
if "10.20.0.0/16" not in vpcs.get(exp["vpc"], {}).get("cidrs", []) or vpcs[exp["vpc"]].get("name") != "flowcost-test":
    bad.append(f"vpc {exp['vpc']}: {vpcs.get(exp['vpc'])}")
kinds = sorted(e["kind"] for e in exp["enis"].values())
if bad:
    print("\n".join(bad))
    sys.exit(1)
print(f"ok: {len(exp['enis'])} ENIs ({', '.join(kinds)}) with subnet, AZ ID and kind")
EOF

# 2. A wrong secret: exit 1, one line naming the AWS error code. (moto
# answers both a wrong secret and an unknown key id with AuthFailure.)
set +e
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY="${SECRET}x" \
    "$BIN" enrich --endpoint-url "$EP" --region us-east-1 -v -o "$T/bad.json" >"$T/out2" 2>"$T/err2"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "wrong secret: exit $rc, want 1"
grep -q "^flowcost: error: EC2 Describe[A-Za-z]*: AuthFailure: " "$T/err2" || { cat "$T/err2"; fail "no AuthFailure line"; }
[ "$(grep -c '^flowcost: error' "$T/err2")" -eq 1 ] || fail "more than one error line"
[ ! -e "$T/bad.json" ] || fail "a snapshot was written despite the error"
no_secret "$T/out2" "$T/err2"
grep -qF -- "${SECRET}x" "$T/err2" && fail "the wrong secret was printed"
echo "ok: wrong secret -> exit 1, $(grep '^flowcost: error' "$T/err2" | cut -c1-90)..."

# 3. Temporary credentials from sts:AssumeRole: the session token is sent
# (and signed) as X-Amz-Security-Token; moto rejects the call without it
# or with a different one.
AWS_ACCESS_KEY_ID=$TMP_KEY AWS_SECRET_ACCESS_KEY=$TMP_SECRET AWS_SESSION_TOKEN=$TMP_TOKEN \
    "$BIN" enrich --endpoint-url "$EP" --region us-east-1 -v -o "$T/tmp.json" >"$T/out4" 2>"$T/err4" \
    || { cat "$T/err4"; fail "enrich with temporary credentials exited $?"; }
no_secret "$T/out4" "$T/err4" "$T/tmp.json"
grep -q "with session token" "$T/err4" || fail "-v did not mention the session token"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); assert sorted(e["id"] for e in a["enis"]) == sorted(e["id"] for e in b["enis"])' \
    "$T/snap.json" "$T/tmp.json" || fail "temporary credentials saw other ENIs"
set +e
AWS_ACCESS_KEY_ID=$TMP_KEY AWS_SECRET_ACCESS_KEY=$TMP_SECRET AWS_SESSION_TOKEN="${TMP_TOKEN%?}A" \
    "$BIN" enrich --endpoint-url "$EP" --region us-east-1 -o "$T/bad2.json" >"$T/out5" 2>"$T/err5"
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "AuthFailure\|InvalidClientTokenId\|ExpiredToken" "$T/err5" || { cat "$T/err5"; fail "a wrong session token: exit $rc"; }
no_secret "$T/out5" "$T/err5"
echo "ok: temporary credentials (AssumeRole) work; a wrong session token -> $(grep -o 'error: [^:]*: [A-Za-z]*' "$T/err5")"

# 4. --profile from a credentials file beats (bad) environment keys, and
# re-running merges: an ENI deleted since keeps its last_seen.
cat >"$T/credentials" <<EOF2
[moto]
aws_access_key_id = $KEY
aws_secret_access_key = $SECRET
EOF2
printf '[profile moto]\nregion = us-east-1\n' >"$T/config"
DELETED=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["enis"]; print(next(k for k,v in e.items() if v.get("name")=="task-c"))' "$T/expected.json")
python3 "$SRC/tests/aws/moto_delete_eni.py" "$EP" "$T/key" "$DELETED"
# An older snapshot with a Lambda ENI that no longer exists.
python3 - "$T/snap.json" "$T/merged.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
s["enis"].append({"id": "eni-0old0lambda000001", "kind": "workload", "interface_type": "lambda",
                  "private_ips": ["10.20.0.250"], "last_seen": "2026-01-05T10:00:00Z"})
json.dump(s, open(sys.argv[2], "w"))
EOF
# so the second fetch is at a later second than the first (fetched_at counts
# seconds): wait only while the first one's second lasts
first_at=$(grep -o '"fetched_at":[[:space:]]*"[^"]*"' "$T/snap.json" | head -1 | sed 's/.*"\([^"]*\)"$/\1/')
[ -n "$first_at" ] || sleep 1  # (no fetched_at found: wait the whole second)
for _ in $(seq 30); do [[ "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$first_at" ]] && break; sleep 0.1; done
AWS_ACCESS_KEY_ID=AKIAWRONGWRONGWRONG1 AWS_SECRET_ACCESS_KEY=wrong \
AWS_SHARED_CREDENTIALS_FILE="$T/credentials" AWS_CONFIG_FILE="$T/config" \
    "$BIN" enrich --profile moto --endpoint-url "$EP" -o "$T/merged.json" -v >"$T/out3" 2>"$T/err3" \
    || { cat "$T/err3"; fail "enrich --profile exited $?"; }
no_secret "$T/out3" "$T/err3" "$T/merged.json"
grep -q "credentials from shared credentials file (profile moto" "$T/err3" || { cat "$T/err3"; fail "-v did not say the profile was used"; }
python3 - "$T/snap.json" "$T/merged.json" "$DELETED" <<'EOF'
import json, sys
first = json.load(open(sys.argv[1]))
m = json.load(open(sys.argv[2]))
deleted = sys.argv[3]
enis = {e["id"]: e for e in m["enis"]}
assert m["fetched_at"] > first["fetched_at"], (m["fetched_at"], first["fetched_at"])
old = enis.get("eni-0old0lambda000001")
assert old and old["last_seen"] == "2026-01-05T10:00:00Z" and old["private_ips"] == ["10.20.0.250"], old
d = enis.get(deleted)
assert d and d["last_seen"] == first["fetched_at"] and d.get("name") == "task-c", d
live = [e for e in m["enis"] if e["last_seen"] == m["fetched_at"]]
assert len(live) == len(first["enis"]) - 1, (len(live), len(first["enis"]))
print(f"ok: merged {len(m['enis'])} ENIs; deleted {deleted} kept with last_seen {d['last_seen']}")
EOF
# 5. The AWS CLI's JSON of the same calls as --eni-snapshot (no AWS access
# at all): each ENI's address resolves to the same ENI, subnet, AZ ID and
# kind as the live snapshot says.
python3 - "$T/snap.json" "$T/flows.log" <<'EOF'
import json, sys
snap = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
    for e in snap["enis"]:
        if e["kind"] == "workload" and e.get("private_ips"):
            f.write(f"2 123456789012 {e['id']} {e['private_ips'][0]} 8.8.8.8 40000 443 6 10 1000 1795132800 1795132860 ACCEPT OK\n")
EOF
env -u AWS_ACCESS_KEY_ID "$BIN" top "$T/flows.log" --eni-snapshot "$T/cli.json" --limit 0 --output json >"$T/top.json" 2>"$T/err6" \
    || { cat "$T/err6"; fail "top --eni-snapshot cli.json exited $?"; }
python3 - "$T/snap.json" "$T/top.json" <<'EOF'
import json, sys
snap = json.load(open(sys.argv[1]))
rows = {r["ip"]: r for r in json.load(open(sys.argv[2]))["top_ips"]}
n = 0
for e in snap["enis"]:
    if e["kind"] != "workload" or not e.get("private_ips"):
        continue
    r = rows[e["private_ips"][0]]
    got = (r["eni"], r["subnet"], r["vpc"], r["az"], r["kind"])
    want = (e["id"], e["subnet_id"], e["vpc_id"], e["az_id"], "workload")
    assert got == want, (got, want)
    n += 1
assert n == 5, n
print(f"ok: AWS CLI JSON as --eni-snapshot resolves all {n} workload ENIs like the live snapshot")
EOF
# 6. Two regions in one run: each ENI carries its own region, subnet and AZ
# ID (the eu-west-1 AZ ID is whatever moto's DescribeSubnets says).
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
    "$BIN" enrich --endpoint-url "$EP" --region us-east-1 --region eu-west-1 -o "$T/two.json" >"$T/out7" 2>"$T/err7" \
    || { cat "$T/err7"; fail "enrich with two regions exited $?"; }
no_secret "$T/out7" "$T/err7" "$T/two.json"
grep -q "from us-east-1, eu-west-1 written to" "$T/err7" || { cat "$T/err7"; fail "two regions: summary"; }
python3 - "$T/expected.json" "$T/two.json" <<'EOF'
import json, sys
exp = json.load(open(sys.argv[1]))
snap = json.load(open(sys.argv[2]))
enis = {e["id"]: e for e in snap["enis"]}
eu = exp["eu"]
e = enis[eu["eni"]]
got = (e["region"], e["subnet_id"], e["vpc_id"], e["az_name"], e["az_id"], e.get("name"))
want = ("eu-west-1", eu["subnet_id"], eu["vpc_id"], "eu-west-1b", eu["az_id"], "eu-task")
assert got == want and eu["az_id"], (got, want)
for eid in exp["enis"]:
    if eid in enis:
        assert enis[eid]["region"] == "us-east-1", enis[eid]
# One run, one fetch time, whatever the number of regions.
assert all(e["last_seen"] == snap["fetched_at"] for e in snap["enis"]), [e["last_seen"] for e in snap["enis"]]
sub = {s["id"]: s for s in snap["subnets"]}[eu["subnet_id"]]
assert (sub["region"], sub["cidr"], sub["az_id"]) == ("eu-west-1", eu["cidr"], eu["az_id"]), sub
print(f"ok: two regions in one snapshot; {eu['eni']} in eu-west-1b = {eu['az_id']}")
EOF
# 7. `enrich` and `--enrich-live` see the same inventory: the same rows
# (ENI, name, kind, subnet, AZ) and the same figures, NAT gateway included.
# Flows (one minute each), all hand-priced at the embedded us-east-1 rates:
#   orders-api-1 -> 8.8.8.8, 1 GB, logged on its ENI and on the NAT
#     gateway's: NAT processing 10^9 B = 0.931 GB x $0.045 = $0.0419 (what the
#     live path lost when it did not call DescribeNatGateways);
#   postgres-primary (b) -> orders-api-1 (a), 0.5 GB, logged on both;
#   web-alb's ENI -> orders-api-1, 0.1 GB.
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
    "$BIN" enrich --endpoint-url "$EP" --region us-east-1 -o "$T/fresh.json" >"$T/out8" 2>"$T/err8" \
    || { cat "$T/err8"; fail "enrich (fresh) exited $?"; }
# (names_flows.log is step 9's: the same flows, 20 GB and 5 GB, without the ALB.)
python3 - "$T/fresh.json" "$T/moto_flows.log" "$T/names_flows.log" <<'EOF'
import json, sys
snap = json.load(open(sys.argv[1]))
by_name = {e.get("name"): e for e in snap["enis"]}
nat = next(e for e in snap["enis"] if e["kind"] == "nat_gateway")
api, db, alb = by_name["orders-api-1"], by_name["postgres-primary"], by_name["web-alb"]
ip = lambda e: e["private_ips"][0]
def flows(b_nat, b_db):
    return [(api["id"], ip(api), "8.8.8.8", b_nat), (nat["id"], ip(api), "8.8.8.8", b_nat),
            (db["id"], ip(db), ip(api), b_db), (api["id"], ip(db), ip(api), b_db)]
sets = {sys.argv[2]: flows(10**9, 5 * 10**8) +
                     [(alb["id"], ip(alb), ip(api), 10**8), (api["id"], ip(alb), ip(api), 10**8)],
        sys.argv[3]: flows(20 * 10**9, 5 * 10**9)}
for path, rows in sets.items():
    with open(path, "w") as f:
        f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
        for eni, s, d, b in rows:
            f.write(f"2 123456789012 {eni} {s} {d} 40000 443 6 1000 {b} 1795132800 1795132860 ACCEPT OK\n")
EOF
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
    "$BIN" top "$T/moto_flows.log" --enrich-live --endpoint-url "$EP" --region us-east-1 --limit 0 --output json \
    >"$T/live_top.json" 2>"$T/err9" || { cat "$T/err9"; fail "top --enrich-live exited $?"; }
env -u AWS_ACCESS_KEY_ID "$BIN" top "$T/moto_flows.log" --eni-snapshot "$T/fresh.json" --region us-east-1 --limit 0 \
    --output json >"$T/snap_top.json" 2>"$T/err10" || { cat "$T/err10"; fail "top --eni-snapshot exited $?"; }
no_secret "$T/live_top.json" "$T/err9"
python3 - "$T/live_top.json" "$T/snap_top.json" <<'EOF'
import json, sys
live, snap = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert live["top_ips"] == snap["top_ips"], "rows differ"
assert live["totals"] == snap["totals"], (live["totals"], snap["totals"])
assert live["nat_gateways"] == snap["nat_gateways"] and len(live["nat_gateways"]) == 1, live["nat_gateways"]
nat = live["totals"]["by_category"]["nat_processing"]
# AWS's GB is 2^30 bytes: 10^9 / 2^30 x $0.045 = $0.0419095 (JSON rounds to 5 places).
assert nat["bytes"] == 10**9 and abs(nat["cost_usd"] - 0.045 * 10**9 / 2**30) < 5e-6, nat
names = {r["ip"]: r.get("name") for r in live["top_ips"]}
print(f"ok: --enrich-live = enrich snapshot: {len(live['top_ips'])} rows, total ${live['totals']['cost_usd']}, "
      f"NAT processing ${nat['cost_usd']} on 1 GB")
EOF
# --by tag:team over the tags DescribeInstances brought: rows sum to the total.
env -u AWS_ACCESS_KEY_ID "$BIN" top "$T/moto_flows.log" --eni-snapshot "$T/fresh.json" --region us-east-1 --by tag:team \
    --format csv -q >"$T/team.csv" || fail "top --by tag:team exited $?"
python3 - "$T/team.csv" "$T/snap_top.json" <<'EOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
total = json.load(open(sys.argv[2]))["totals"]["cost_usd"]
teams = {r["tag"] for r in rows}
assert {"payments", "data"} <= teams, teams
s = sum(float(r["cost_usd"]) for r in rows)
assert abs(s - total) < 1e-5, (s, total)
print(f"ok: --by tag:team: {sorted(teams)} sum to the total ${total}")
EOF
# 8. --role-arn: sts:AssumeRole (signed with the user's key) first, then
# every call with the role's session credentials; --region as a comma
# list; --profile P1,P2 for two accounts (here both the same moto one).
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
    "$BIN" enrich --endpoint-url "$EP" --region us-east-1,eu-west-1 --role-arn arn:aws:iam::123456789012:role/flowcost-reader \
    -v -o "$T/role.json" >"$T/out11" 2>"$T/err11" || { cat "$T/err11"; fail "enrich --role-arn exited $?"; }
no_secret "$T/out11" "$T/err11" "$T/role.json"
grep -q "assumed arn:aws:iam::123456789012:role/flowcost-reader (session credentials until " "$T/err11" \
    || { cat "$T/err11"; fail "--role-arn: not reported"; }
grep -q "from us-east-1, eu-west-1 written to" "$T/err11" || { cat "$T/err11"; fail "--role-arn: regions"; }
python3 - "$T/two.json" "$T/role.json" <<'EOF'
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ida, idb = sorted(e["id"] for e in a["enis"]), sorted(e["id"] for e in b["enis"])
# two.json came before the task-c ENI was deleted... no: after; same set.
assert ida == idb, (ida, idb)
print(f"ok: --role-arn with --region us-east-1,eu-west-1: the same {len(idb)} ENIs as --region x2 with the user key")
EOF
set +e
# (moto assumes any role name; a wrong secret is what STS refuses here.)
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY="${SECRET}x" \
    "$BIN" enrich --endpoint-url "$EP" --region us-east-1 --role-arn arn:aws:iam::123456789012:role/flowcost-reader -o "$T/norole.json" \
    >"$T/out12" 2>"$T/err12"
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "^flowcost: error: STS AssumeRole arn:aws:iam::123456789012:role/flowcost-reader: [A-Za-z]*: " "$T/err12" \
    || { cat "$T/err12"; fail "--role-arn refused by STS: exit $rc"; }
[ ! -e "$T/norole.json" ] || fail "--role-arn refused: a snapshot was written"
no_secret "$T/out12" "$T/err12"
echo "ok: AssumeRole refused -> $(cut -c1-110 "$T/err12")"
cat >"$T/credentials2" <<EOF2
[acct1]
aws_access_key_id = $KEY
aws_secret_access_key = $SECRET
[acct2]
aws_access_key_id = $TMP_KEY
aws_secret_access_key = $TMP_SECRET
aws_session_token = $TMP_TOKEN
EOF2
AWS_SHARED_CREDENTIALS_FILE="$T/credentials2" \
    "$BIN" enrich --profile acct1,acct2 --endpoint-url "$EP" --region us-east-1 -v -o "$T/profiles.json" \
    >"$T/out13" 2>"$T/err13" || { cat "$T/err13"; fail "enrich --profile acct1,acct2 exited $?"; }
no_secret "$T/out13" "$T/err13" "$T/profiles.json"
grep -q "profile acct1" "$T/err13" && grep -q "profile acct2" "$T/err13" || { cat "$T/err13"; fail "--profile P1,P2: both not used"; }
echo "ok: --profile acct1,acct2: both accounts fetched into one snapshot"
# 9. Names from EC2 everywhere a reader looks, with --enrich-live: the
# findings (titles, table) and the NAT gateway's Sankey and its flows table
# name the instances by their Name tags, not by 10.20.x.y. Flows in one hour:
#   orders-api-1 (us-east-1a) -> 8.8.8.8 through the NAT gateway (us-east-1b),
#     20 GB, logged on its ENI and the NAT's: a NAT in another AZ;
#   postgres-primary (us-east-1b) -> orders-api-1 (us-east-1a), 5 GB, logged
#     on both: a chatty cross-AZ pair. (names_flows.log, written in step 7.)
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
    "$BIN" report "$T/names_flows.log" --enrich-live --endpoint-url "$EP" --region us-east-1 -q \
    -o "$T/names.html" --json "$T/names.json" 2>"$T/err14" || { cat "$T/err14"; fail "report --enrich-live exited $?"; }
no_secret "$T/names.html" "$T/names.json" "$T/err14"
python3 - "$T/names.html" "$T/names.json" "$T/fresh.json" <<'EOF'
import html, json, re, sys
page = open(sys.argv[1]).read()
res = json.load(open(sys.argv[2]))
snap = json.load(open(sys.argv[3]))
ips = {e.get("name"): e["private_ips"][0] for e in snap["enis"] if e.get("private_ips")}
api, db = "orders-api-1", "postgres-primary"
# Findings: the pair is named, and no finding shows a bare address of theirs.
titles = [f["title"] for f in res["findings"]]
kinds = sorted(f["kind"] for f in res["findings"])
pair = [t for t in titles if api in t and db in t]
assert pair, titles
for n in (api, db):
    assert all(ips[n] not in t or n in t for t in titles), titles
# The report's findings table says the same.
table = re.search(r'<table class="sortable" id="findings-table">.*?</table>', page, re.S).group(0)
assert api in html.unescape(table) and db in html.unescape(table), table[:400]
# The NAT gateway's Sankey and its flows table name the client.
flows = re.search(r'<table class="sortable flows" id="nat-1-flows">.*?</table>', page, re.S)
assert flows and api in html.unescape(flows.group(0)), (flows.group(0)[:600] if flows else "no nat-1-flows table")
sankey = re.search(r'<svg[^>]*class="sankey".*?</svg>', page, re.S)
assert sankey and api in html.unescape(sankey.group(0)), "no name in the Sankey"
# `top`'s rows (JSON and the report's payers table) carry the names and the instances' tags.
rows = {r["name"]: r for r in res["top_ips"]}
assert rows[api]["ip"] == ips[api] and rows[api]["tags"] == {"Name": api, "team": "payments"}, rows.get(api)
assert rows[db]["tags"] == {"Name": db, "team": "data"}, rows.get(db)
payers = html.unescape(re.search(r'<table class="sortable wide" id="top-ips-table">.*?</table>', page, re.S).group(0))
assert api in payers and db in payers, payers[:400]
print(f"ok: --enrich-live report names the workloads: findings {kinds}, e.g. {pair[0][:80]!r}; "
      f"NAT Sankey and its table, top_ips (with tags) and the payers table name {api}")
EOF
# 10. Two regions: `enrich --region us-east-1,eu-west-1` and `--enrich-live`
# with the same regions price the same rows and totals; eu-task's 1 GB to
# the Internet is priced in eu-west-1 and named from its tag.
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
    "$BIN" enrich --endpoint-url "$EP" --region us-east-1,eu-west-1 -q -o "$T/fresh2.json" 2>"$T/err15" \
    || { cat "$T/err15"; fail "enrich (two regions) exited $?"; }
python3 - "$T/fresh2.json" "$T/moto_flows.log" "$T/flows2.log" <<'EOF'
import json, sys
snap = json.load(open(sys.argv[1]))
eu = next(e for e in snap["enis"] if e.get("name") == "eu-task")
lines = open(sys.argv[2]).read()
with open(sys.argv[3], "w") as f:
    f.write(lines + f"2 123456789012 {eu['id']} {eu['private_ips'][0]} 8.8.8.8 40000 443 6 1000 {10**9} 1795132800 1795132860 ACCEPT OK\n")
EOF
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
    "$BIN" top "$T/flows2.log" --enrich-live --endpoint-url "$EP" --region us-east-1,eu-west-1 --limit 0 --output json \
    >"$T/live2.json" 2>"$T/err16" || { cat "$T/err16"; fail "top --enrich-live (two regions) exited $?"; }
env -u AWS_ACCESS_KEY_ID "$BIN" top "$T/flows2.log" --eni-snapshot "$T/fresh2.json" --limit 0 --output json \
    >"$T/snap2.json" 2>"$T/err17" || { cat "$T/err17"; fail "top --eni-snapshot (two regions) exited $?"; }
no_secret "$T/live2.json" "$T/err16" "$T/fresh2.json"
python3 - "$T/live2.json" "$T/snap2.json" <<'EOF'
import json, sys
live, snap = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert live["top_ips"] == snap["top_ips"] and live["totals"] == snap["totals"], (live["totals"], snap["totals"])
eu = next(r for r in live["top_ips"] if r["name"] == "eu-task")
assert eu["tags"] == {"Name": "eu-task"} and eu["by_category"]["internet_egress"]["cost_usd"] > 0, eu
print(f"ok: two regions, --enrich-live = enrich snapshot: {len(live['top_ips'])} rows, total ${live['totals']['cost_usd']}; "
      f"eu-task pays ${eu['cost_usd']} internet egress")
EOF
echo "enrich_moto_test: all passed"
