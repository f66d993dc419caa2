#!/usr/bin/env bash
# cost_worked_example_test: cost-model.md §6 through the whole CLI — flow-log
# TEXT (v5 custom format with a header, and the same records in the default
# v2 format), the EC2 XML snapshot, a two-line ip-ranges.json — priced by
# `flowcost top --output json --limit 0` and checked with Python against the
# spec's hand arithmetic, to the cent. Fixtures: fixtures/scenarios/worked_example.
#
# usage: bash cost_worked_example_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=${1:?flowcost binary}
SRC=${2:?source dir}
TMP=${3:?scratch dir}
W="$SRC/fixtures/scenarios/worked_example"
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
rm -rf "$TMP" && mkdir -p "$TMP"

status=0
for v in v5 v2; do
    if ! "$BIN" top "$W/$v.log" --eni-snapshot "$W/describe-network-interfaces.xml" \
            --eni-snapshot "$W/describe-subnets.xml" --ip-ranges "$W/ip-ranges.json" \
            --output json --limit 0 >"$TMP/$v.json" 2>"$TMP/$v.err"; then
        echo "FAIL: flowcost top ($v) exited non-zero:"; cat "$TMP/$v.err"; status=1
    fi
done
[ $status -eq 0 ] || exit 1

python3 - "$TMP" <<'PY'
import json, sys
TMP = sys.argv[1]
GiB = 2 ** 30
fails, checks = [], 0

def near(what, got, want, tol=0.005):
    global checks
    checks += 1
    if got is None or abs(float(got) - want) > tol + 1e-9:
        fails.append("%s: got %r, want %r" % (what, got, want))

# cost-model.md §6, written out:
NAT, XAZ, INET = 0.045, 0.02, 0.09
nat_gib = 10 + 40 + 1 + 100                  # 151 GiB through nat-A, both directions
want_cat = {
    "nat_processing": (nat_gib, nat_gib * NAT),             # 6.795
    "internet_egress": (10, 10 * INET),                     # 0.90 (the 40 GiB back are free)
    "inter_az": (nat_gib + 2 + 2, nat_gib * XAZ + 4 * XAZ), # 3.02 + 0.08
    "inter_region": (0, 0), "regional_public": (0, 0),
    "interface_endpoint": (0, 0), "transit_gateway": (0, 0),
}
total = 6.795 + 0.90 + 3.02 + 0.08                          # 10.795

for v in ("v5", "v2"):
    j = json.load(open("%s/%s.json" % (TMP, v)))
    p = v + ": "
    checks += 1
    if (j["period"]["start"], j["period"]["end"]) != ("2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z"):
        fails.append(p + "period %r" % j["period"])
    near(p + "records.read", j["records"]["read"], 16, 0)
    bc = j["totals"]["by_category"]
    for k, (g, usd) in want_cat.items():
        near(p + k + " usd", bc[k]["cost_usd"], usd)
        near(p + k + " bytes", bc[k]["bytes"], g * GiB, 0)
    near(p + "total", j["totals"]["cost_usd"], total)
    near(p + "sum(by_category)", sum(c["cost_usd"] for c in bc.values()), total)
    ips = {t["ip"]: t for t in j["top_ips"]}
    near(p + "10.0.48.7 pays", ips.get("10.0.48.7", {}).get("cost_usd"), 10.755)
    near(p + "10.0.16.5 pays", ips.get("10.0.16.5", {}).get("cost_usd"), 0.04)
    near(p + "sum(top_ips)", sum(t["cost_usd"] for t in j["top_ips"]), total)
    checks += 1
    if j["top_ips"][0]["ip"] != "10.0.48.7" or j["top_ips"][0].get("name") != "client":
        fails.append(p + "top payer %r" % j["top_ips"][0])
    nat = [n for n in j["nat_gateways"] if n["id"] == "nat-A"]
    checks += 1
    if len(nat) != 1:
        fails.append(p + "nat-A missing: %r" % j["nat_gateways"])
    else:
        near(p + "nat-A bytes", nat[0]["bytes"], nat_gib * GiB, 0)
        near(p + "nat-A cost", nat[0]["cost_usd"], 6.795)
    fx = j["fixed"]
    near(p + "fixed entries", len(fx), 1, 0)
    if fx:
        near(p + "NAT hours", fx[0]["hours"], 24, 1e-9)
        near(p + "NAT hours usd", fx[0]["cost_usd"], 24 * 0.045)     # 1.08, not in totals
    az = {(x["src_az"], x["dst_az"]): x for x in j["inter_az"]}
    near(p + "az4->az1 bytes", az.get(("use1-az4", "use1-az1"), {}).get("bytes"), (10 + 1 + 2) * GiB, 0)
    near(p + "az1->az4 bytes", az.get(("use1-az1", "use1-az4"), {}).get("bytes"), (40 + 100 + 2) * GiB, 0)
    f = {x["kind"]: x for x in j["findings"]}
    s3 = f.get("s3_dynamodb_via_nat", {})
    near(p + "s3 monthly", s3.get("monthly_savings_usd"), (1 + 100) * (NAT + XAZ) * 30)   # 196.95
    near(p + "s3 net", s3.get("net_monthly_savings_usd"), 196.95)
    cx = f.get("cross_az_nat", {})
    near(p + "cross_az_nat monthly", cx.get("monthly_savings_usd"), 3.02 * 30)          # 90.60
    near(p + "cross_az_nat extra", cx.get("extra_fixed_monthly_usd"), 0.045 * 730)      # 32.85
    near(p + "cross_az_nat net", cx.get("net_monthly_savings_usd"), 57.75)
    checks += 1
    if "cross_az_chatty_pair" in f:      # 0.08 x 30 = 2.40 < $10
        fails.append(p + "unexpected chatty pair finding")
    near(p + "savings_total", j["savings_total_monthly_usd"], 136.35 + 90.60 - 32.85)  # 194.10

if fails:
    print("%d of %d checks failed:" % (len(fails), checks))
    for x in fails:
        print("  FAIL " + x)
    sys.exit(1)
print("worked example: all %d checks passed" % checks)
PY
