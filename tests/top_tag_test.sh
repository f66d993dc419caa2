#!/usr/bin/env bash
# top_tag_test: `top --by tag:KEY` groups the charges by the payer ENI's tag
# (tags from an ENI snapshot, as `enrich` writes them), "(untagged)" for an
# ENI without it; the rows add up to the total. Hand-priced: inter-AZ is
# $0.01/GB each way (us-east-1, embedded rates; GB = 2^30 bytes), paid half
# by each side's ENI:
#   orders-api-1 (team=payments, az1) -> postgres-primary (team=data, az2), 2 GiB:
#       payments pays 2 x 0.01 = $0.02 out, data pays $0.02 in
#   untagged ENI (az1) -> postgres-primary, 1 GiB: untagged $0.01, data $0.01
#   so data $0.03, payments $0.02, (untagged) $0.01; total $0.06.
# usage: top_tag_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -euo pipefail
BIN=$1 T=$3
rm -rf "$T" && mkdir -p "$T"
fail() { echo "FAIL: $*"; exit 1; }
cat >"$T/snap.json" <<'JSON'
{"flowcost_snapshot": 1, "fetched_at": "2026-11-20T00:00:00Z",
 "enis": [
  {"id": "eni-0aaaa0000000000a1", "kind": "workload", "name": "orders-api-1", "subnet_id": "subnet-a", "az_id": "use1-az1",
   "region": "us-east-1", "private_ips": ["10.0.1.10"], "tags": {"Name": "orders-api-1", "team": "payments"}},
  {"id": "eni-0bbbb0000000000b1", "kind": "workload", "name": "postgres-primary", "subnet_id": "subnet-b", "az_id": "use1-az2",
   "region": "us-east-1", "private_ips": ["10.0.2.20"], "tags": {"Name": "postgres-primary", "team": "data"}},
  {"id": "eni-0cccc0000000000c1", "kind": "workload", "subnet_id": "subnet-a", "az_id": "use1-az1", "region": "us-east-1",
   "private_ips": ["10.0.1.30"]}],
 "subnets": [{"id": "subnet-a", "vpc_id": "vpc-1", "cidr": "10.0.1.0/24", "az_id": "use1-az1", "region": "us-east-1"},
             {"id": "subnet-b", "vpc_id": "vpc-1", "cidr": "10.0.2.0/24", "az_id": "use1-az2", "region": "us-east-1"}],
 "vpcs": [{"id": "vpc-1", "region": "us-east-1", "cidrs": ["10.0.0.0/16"]}]}
JSON
cat >"$T/flows.log" <<'LOG'
version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
2 111122223333 eni-0aaaa0000000000a1 10.0.1.10 10.0.2.20 40000 5432 6 1000 2147483648 1795132800 1795132860 ACCEPT OK
2 111122223333 eni-0cccc0000000000c1 10.0.1.30 10.0.2.20 40000 5432 6 1000 1073741824 1795132800 1795132860 ACCEPT OK
LOG
"$BIN" top "$T/flows.log" --eni-snapshot "$T/snap.json" --by tag:team --format csv -q >"$T/team.csv" 2>"$T/err" \
    || { cat "$T/err"; fail "top --by tag:team exited $?"; }
python3 - "$T/team.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert list(rows[0])[1] == "tag", rows[0].keys()
got = {r["tag"]: round(float(r["cost_usd"]), 6) for r in rows}
want = {"data": 0.03, "payments": 0.02, "(untagged)": 0.01}
assert got == want, (got, want, rows[0].keys())
assert abs(sum(got.values()) - 0.06) < 1e-9
print(f"ok: --by tag:team rows {got} sum to the total $0.06")
PY
"$BIN" top "$T/flows.log" --eni-snapshot "$T/snap.json" --by tag:team -q >"$T/team.txt" 2>&1
grep -q "TAG team" "$T/team.txt" && grep -q "(untagged)" "$T/team.txt" || { cat "$T/team.txt"; fail "table header/rows"; }
# A key no ENI has: one row, "(untagged)", the whole total.
"$BIN" top "$T/flows.log" --eni-snapshot "$T/snap.json" --by tag:nosuch --format csv -q >"$T/none.csv"
python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); assert len(r)==1 and r[0]["tag"]=="(untagged)" and abs(float(r[0]["cost_usd"])-0.06)<1e-9, r' "$T/none.csv"
set +e
"$BIN" top "$T/flows.log" --eni-snapshot "$T/snap.json" --by tag: >/dev/null 2>"$T/err2"
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "tag:KEY" "$T/err2" || { cat "$T/err2"; fail "--by tag: (no key): exit $rc"; }
echo "top_tag_test: all passed"
