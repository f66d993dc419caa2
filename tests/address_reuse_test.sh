#!/usr/bin/env bash
# address_reuse_test (issue 14 Must show): a snapshot's history resolves
# each record by its time. 10.0.1.5 belonged to eni-0a (etl-old, seen
# Nov 1-5, deleted since: only an older fetch knew it) and then to eni-0b
# (api-new, seen Nov 10-20) in the same subnet (use1-az1); eni-0p
# (10.0.2.7) is in use1-az2. Records, each from 10.0.1.5 to 10.0.2.7, logged
# at the sender's ENI:
#   Nov 4  2,000,000,000 B  -> etl-old pays its inter_az out-half
#   Nov 16 3,000,000,000 B  -> api-new pays its out-half
# Embedded us-east-1 rate 0.01/GB each side, GB = 2^30 B:
#   etl-old 2e9 / 2^30 x 0.01 = 0.018626;  api-new 3e9 / 2^30 x 0.01 = 0.027940;
#   eni-0p (the in-halves) 5e9 / 2^30 x 0.01 = 0.046566;  total 0.093132.
# Before, both records went to the current holder: one row 10.0.1.5 api-new 0.046566.
# Given as two snapshot files (an older fetch that still saw eni-0a, a newer
# one without it), the rows are the same. `--by subnet` still folds both holders into subnet-1's one row (0.046566), and
# the report on it keeps every id unique (two rows for one address).
# usage: bash address_reuse_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
bin=$1 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp" && cd "$tmp" || exit 1
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
cat > snap.json <<'JSON'
{"flowcost_snapshot": 1, "fetched_at": "2026-11-20T00:00:00Z",
 "enis": [
  {"id": "eni-0a", "kind": "workload", "name": "etl-old", "subnet_id": "subnet-1", "private_ips": ["10.0.1.5"],
   "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-05T00:00:00Z"},
  {"id": "eni-0b", "kind": "workload", "name": "api-new", "subnet_id": "subnet-1", "private_ips": ["10.0.1.5"],
   "first_seen": "2026-11-10T00:00:00Z", "last_seen": "2026-11-20T00:00:00Z"},
  {"id": "eni-0p", "kind": "workload", "name": "peer", "subnet_id": "subnet-2", "private_ips": ["10.0.2.7"],
   "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-20T00:00:00Z"}],
 "subnets": [
  {"id": "subnet-1", "vpc_id": "vpc-1", "cidr": "10.0.1.0/24", "az_id": "use1-az1", "region": "us-east-1"},
  {"id": "subnet-2", "vpc_id": "vpc-1", "cidr": "10.0.2.0/24", "az_id": "use1-az2", "region": "us-east-1"}],
 "vpcs": [{"id": "vpc-1", "region": "us-east-1", "cidrs": ["10.0.0.0/16"]}]}
JSON
{
    echo "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
    echo "2 111122223333 eni-0a 10.0.1.5 10.0.2.7 40000 443 6 1000 2000000000 1793750400 1793750460 ACCEPT OK"
    echo "2 111122223333 eni-0b 10.0.1.5 10.0.2.7 40000 443 6 1000 3000000000 1794787200 1794787260 ACCEPT OK"
} > flows.log
"$bin" top flows.log --eni-snapshot snap.json --limit 0 --output json -q > top.json || { echo "FAIL: top exited $?"; exit 1; }
# The same history as two fetches: old.json (Nov 5) still had eni-0a, new.json
# (Nov 20, after its deletion) has eni-0b. Given both, the rows are the same.
python3 - <<'PY'
import json
s = json.load(open("snap.json"))
for name, keep, at in (("old.json", ("eni-0a", "eni-0p"), "2026-11-05T00:00:00Z"),
                       ("new.json", ("eni-0b", "eni-0p"), "2026-11-20T00:00:00Z")):
    d = dict(s, fetched_at=at, enis=[dict(e) for e in s["enis"] if e["id"] in keep])
    for e in d["enis"]:
        if e["id"] == "eni-0p":
            e["last_seen"] = at
    json.dump(d, open(name, "w"))
PY
"$bin" top flows.log --eni-snapshot old.json --eni-snapshot new.json --limit 0 --output json -q > two.json || { echo "FAIL: top (two snapshots) exited $?"; exit 1; }
"$bin" top flows.log --eni-snapshot snap.json --by subnet --limit 0 --output json -q > subnet.json || { echo "FAIL: top --by subnet exited $?"; exit 1; }
"$bin" report flows.log --eni-snapshot snap.json -q -o r.html --json r.json || { echo "FAIL: report exited $?"; exit 1; }
python3 - top.json r.html subnet.json two.json <<'PY'
import collections, json, re, sys
top = json.load(open(sys.argv[1]))
two = sorted((r["ip"], r["eni"], r["name"], round(r["cost_usd"], 6)) for r in json.load(open(sys.argv[4]))["top_ips"])
subnets = sorted((r["ip"], round(r["cost_usd"], 6)) for r in json.load(open(sys.argv[3]))["top_ips"])
rows = sorted((r["ip"], r["eni"], r["name"], round(r["cost_usd"], 6)) for r in top["top_ips"])
want = [("10.0.1.5", "eni-0a", "etl-old", 0.018626), ("10.0.1.5", "eni-0b", "api-new", 0.027940),
        ("10.0.2.7", "eni-0p", "peer", 0.046566)]
errors = []
if subnets != [("subnet-1", 0.046566), ("subnet-2", 0.046566)]:
    errors.append(f"--by subnet {subnets}")
if two != want:
    errors.append(f"two snapshots: top_ips {two}, want {want}")
if rows != want:
    errors.append(f"top_ips {rows}, want {want}")
if abs(top["totals"]["cost_usd"] - 0.093132) > 1e-5:
    errors.append(f"total {top['totals']['cost_usd']}, want 0.093132")
page = open(sys.argv[2], encoding="utf-8").read()
ids = re.findall(r'\sid="([^"]+)"', page)
dups = [k for k, v in collections.Counter(ids).items() if v > 1]
if dups:
    errors.append(f"duplicate ids in the report: {dups[:5]}")
for n in ("etl-old", "api-new"):
    if n not in page:
        errors.append(f"{n} not in the report")
print("\n".join(errors) or "ok: 10.0.1.5 priced as etl-old on Nov 4 and api-new on Nov 16; --by subnet one row each; the same from an older and a newer snapshot; report ids unique")
sys.exit(1 if errors else 0)
PY
