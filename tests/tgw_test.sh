#!/bin/bash
# Transit Gateway flow logs in a run (issue 13): fixtures/tgw/tgw.log is a
# TGW-level flow log (AWS's default TGW format, one TGW, three VPC
# attachments, accounts 111111111111 and 222222222222). The transit_gateway
# figures below are worked out by hand from the records at the embedded
# us-east-1 rate, $0.02/GB (GB = GiB, as cost-model.md prices):
#   A -> B: ingress at A 1 GiB + 1 GiB = 2 GiB (the egress records at B are
#           the same bytes leaving)            2 x 0.02 = $0.04, 111 pays
#   A -> C: only the egress record at C, 1 GiB  1 x 0.02 = $0.02, 111 pays
#   C -> A: ingress at C 0.5 GiB               0.5 x 0.02 = $0.01, 222 pays
#   total 3.5 GiB = 3758096384 bytes, $0.07; 111: 3 GiB $0.06, 222: 0.5 GiB $0.01
# Then: the .fca (version 3 on) gives the same figures (`top -o x.json`, the
# report's JSON without the HTML); split inputs and threads
# too; the HTML section and the topology show the attachments; and adding the
# VPC flow logs of the A -> B traffic (the workload's and the attachment
# ENI's records, fixtures/tgw/vpc.log) changes no transit_gateway figure:
# alone they price the attachment ENI's 2 GiB at $0.04, together the TGW
# records are authoritative and the total stays $0.07.
set -u
BIN=$1 SRC=$2 TMP=$3
rm -rf "$TMP" && mkdir -p "$TMP"
F=$SRC/fixtures/tgw
SNAP=(--eni-snapshot "$F/describe-network-interfaces.xml" --eni-snapshot "$F/describe-subnets.xml"
      --ip-ranges "$SRC/fixtures/scenarios/ip-ranges.json")
fail=0
check() { if [ "$1" != "$2" ]; then echo "FAIL: $3"; echo "  expected: $2"; echo "  got:      $1"; fail=1; fi; }
A=tgw-attach-0aaaaaaaaaaaaaaa1 B=tgw-attach-0bbbbbbbbbbbbbbb2 C=tgw-attach-0ccccccccccccccc3

# the TGW object and the category as one line each, for comparisons
summary() {
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d.get("transit_gateway")
if t is None:
    print("no transit_gateway")
else:
    print("total", t["bytes"], t["cost_usd"], t["unpriced_bytes"], " ".join(t["attachments"]))
    for f in t["flows"]:
        print("flow", f["from_attachment"], f["to_attachment"], f["payer_account"], f["to_account"],
              f["from_vpc"], f["to_vpc"], f["region"], f["bytes"], f["cost_usd"])
    for a in t["by_account"]:
        print("account", a["account"], a["bytes"], a["cost_usd"])
c = d["totals"]["by_category"]["transit_gateway"]
print("category", c["bytes"], c["cost_usd"], "total", d["totals"]["cost_usd"])
PY
}

cat > "$TMP/want" <<EOF
total 3758096384 0.07 0 $A $B $C
flow $A $B 111111111111 111111111111 vpc-0aaaaaaaaaaaaaaa1 vpc-0bbbbbbbbbbbbbbb2 us-east-1 2147483648 0.04
flow $A $C 111111111111 222222222222 vpc-0aaaaaaaaaaaaaaa1 vpc-0ccccccccccccccc3 us-east-1 1073741824 0.02
flow $C $A 222222222222 111111111111 vpc-0ccccccccccccccc3 vpc-0aaaaaaaaaaaaaaa1 us-east-1 536870912 0.01
account 111111111111 3221225472 0.06
account 222222222222 536870912 0.01
category 3758096384 0.07 total 0.07
EOF

"$BIN" report "$F/tgw.log" -q --now 2026-11-03T00:00:00Z --json "$TMP/r.json" -o "$TMP/r.html" 2>/dev/null
check "$(summary "$TMP/r.json")" "$(cat "$TMP/want")" "TGW chargeback in report --json"

# the .fca carries the TGW table (version 4, as every .fca this build writes) and reads back to the same result
"$BIN" aggregate "$F/tgw.log" -q -o "$TMP/t.fca" 2>/dev/null
check "$(od -A n -t u1 -j 4 -N 1 "$TMP/t.fca" | tr -d ' ')" "4" ".fca version with TGW records"
"$BIN" top "$TMP/t.fca" -q --now 2026-11-03T00:00:00Z -o "$TMP/f.json" 2>/dev/null
check "$(summary "$TMP/f.json")" "$(cat "$TMP/want")" "report from the .fca"
# an aggregate of VPC flow logs alone is version 4 too
"$BIN" aggregate "$F/vpc.log" -q -o "$TMP/v.fca" 2>/dev/null
check "$(od -A n -t u1 -j 4 -N 1 "$TMP/v.fca" | tr -d ' ')" "4" ".fca version without TGW records"

# split in two files (each with its header), read by 1 and 3 threads and
# merged from two .fca: the same figures
head -1 "$F/tgw.log" > "$TMP/p1.log"; cp "$TMP/p1.log" "$TMP/p2.log"
sed -n '2,4p' "$F/tgw.log" >> "$TMP/p1.log"; sed -n '5,$p' "$F/tgw.log" >> "$TMP/p2.log"
for th in 1 3; do
    "$BIN" top "$TMP/p1.log" "$TMP/p2.log" --threads $th -q --now 2026-11-03T00:00:00Z -o "$TMP/s$th.json" 2>/dev/null
    check "$(summary "$TMP/s$th.json")" "$(cat "$TMP/want")" "split input, --threads $th"
done
"$BIN" aggregate "$TMP/p1.log" -q -o "$TMP/p1.fca" 2>/dev/null
"$BIN" aggregate "$TMP/p2.log" -q -o "$TMP/p2.fca" 2>/dev/null
"$BIN" top "$TMP/p1.fca" "$TMP/p2.fca" -q --now 2026-11-03T00:00:00Z -o "$TMP/m.json" 2>/dev/null
check "$(summary "$TMP/m.json")" "$(cat "$TMP/want")" "two .fca merged"

# the report's section: one row per attachment pair, one per paying account
check "$(grep -c '<section id="tgw">' "$TMP/r.html")" "1" "report has the Transit Gateway section"
check "$(sed -n '/id="tgw-flows"/,/<\/table>/p' "$TMP/r.html" | grep -c '^<tr><td>tgw-attach-')" "3" \
    "rows of the attachment table"
check "$(sed -n '/id="tgw-accounts"/,/<\/table>/p' "$TMP/r.html" | grep -c '^<tr><td class="id">[0-9]')" "2" \
    "rows of the account table"
grep -qF '<td>tgw-attach-0aaaaaaaaaaaaaaa1 (vpc-0aaaaaaaaaaaaaaa1)</td><td>tgw-attach-0bbbbbbbbbbbbbbb2 (vpc-0bbbbbbbbbbbbbbb2)</td><td class="id">111111111111</td><td class="id">111111111111</td><td class="num" data-v="2147483648">2.00 GiB</td><td class="num" data-v="0.040000">$0.04</td>' "$TMP/r.html" \
    || { echo "FAIL: A -> B row of the section"; fail=1; }
# the topology: the TGW and its three attachments, $0.07 on the hops into it
"$BIN" topology "$F/tgw.log" -q -o "$TMP/t.svg" 2>/dev/null
for id in tgw-0123456789abcdef0 $A $B $C; do
    sed 's/&#45;/-/g' "$TMP/t.svg" | grep -qF "$id" || { echo "FAIL: topology lacks $id"; fail=1; }
done
check "$(grep -c '>TGW attachment<' "$TMP/t.svg")" "3" "attachment nodes in the topology"
grep -qF 'cost shown $0.07' "$TMP/t.svg" || { echo "FAIL: topology cost shown"; fail=1; }

# per-IP tables cannot hold account-paid dollars: top's footer says where they are
"$BIN" top "$F/tgw.log" -q --now 2026-11-03T00:00:00Z > "$TMP/top.txt" 2>/dev/null
grep -qF 'note: $0.07 of transit_gateway comes from Transit Gateway flow logs and is paid by accounts' "$TMP/top.txt" \
    || { echo "FAIL: top's note on the TGW dollars"; fail=1; }

# VPC flow logs of the A -> B traffic alone: the attachment ENI prices 2 GiB
# at $0.04 (cost-model.md), no TGW section
"$BIN" report "$F/vpc.log" "${SNAP[@]}" -q --now 2026-11-03T00:00:00Z --json "$TMP/v.json" -o "$TMP/v.html" 2>/dev/null
check "$(summary "$TMP/v.json")" "no transit_gateway
category 2147483648 0.04 total 0.04" "VPC flow logs alone"
if grep -q '<section id="tgw">' "$TMP/v.html"; then echo "FAIL: a TGW section without TGW records"; fail=1; fi
if grep -q 'Transit Gateway flow logs and is paid by accounts' "$TMP/v.json"; then echo "FAIL: a TGW note without TGW records"; fail=1; fi
# both: every TGW figure as from the TGW records alone, nothing charged twice
"$BIN" top "$F/vpc.log" "$F/tgw.log" "${SNAP[@]}" -q --now 2026-11-03T00:00:00Z -o "$TMP/b.json" 2>/dev/null
check "$(summary "$TMP/b.json")" "$(cat "$TMP/want")" "VPC and TGW flow logs together"
# ... and the workload keeps its flow (its payer IP) at $0
check "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([(r["ip"], r["bytes_out"], r["cost_usd"]) for r in d["top_ips"]])' "$TMP/b.json")" \
    "[('10.1.0.10', 2147483648, 0.0)]" "payer IP of the VPC records"
exit $fail
