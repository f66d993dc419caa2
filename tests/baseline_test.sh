#!/usr/bin/env bash
# --baseline end to end: two hand-built weeks of Internet egress at
# $0.09/GiB (us-east-1 default rates), the first saved with
# `flowcost aggregate -o last-week.fca`:
#   last week: 10.0.1.5 sends 10 GiB ($0.90), 10.0.1.6 sends 20 GiB ($1.80)  = $2.70
#   this week: 10.0.1.5 sends 30 GiB ($2.70), 10.0.1.7 sends  5 GiB ($0.45)  = $3.15
# so the total moves +$0.45 (+16.67 %), internet_egress likewise; per IP:
# .5 +$1.80 (+200 %), .6 vanished −$1.80, .7 new +$0.45 (pct null).
# Checked in `top --output json` and `report --json` (the `baseline` key),
# in the report's "Compared with baseline" section, and in top's table,
# CSV and HTML: .5 "+$1.80" "+200.0%", .7 "+$0.45" "new", the total
# "+$0.45 (+16.7%)"; a baseline of the same week is warned about.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp/w1" "$tmp/w2"
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }
hdr="version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
G=1073741824
{ echo "$hdr"
  echo "2 123456789012 eni-0000000000000a005 10.0.1.5 203.0.113.7 40000 443 6 100 $((10*G)) 1793000000 1793000060 ACCEPT OK"
  echo "2 123456789012 eni-0000000000000a006 10.0.1.6 203.0.113.7 40000 443 6 100 $((20*G)) 1793000000 1793000060 ACCEPT OK"
} >"$tmp/w1/w1.log"
{ echo "$hdr"
  echo "2 123456789012 eni-0000000000000a005 10.0.1.5 203.0.113.7 40000 443 6 100 $((30*G)) 1793604800 1793604860 ACCEPT OK"
  echo "2 123456789012 eni-0000000000000a007 10.0.1.7 203.0.113.7 40000 443 6 100 $((5*G)) 1793604800 1793604860 ACCEPT OK"
} >"$tmp/w2/w2.log"
export SOURCE_DATE_EPOCH=1793750400

"$bin" aggregate -q "$tmp/w1" -o "$tmp/last-week.fca" || bad "aggregate failed"
"$bin" top -q --output json --limit 0 --baseline "$tmp/last-week.fca" "$tmp/w2" >"$tmp/top.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "top --baseline exit $rc: $(cat "$tmp/err")"
"$bin" report -q --baseline "$tmp/last-week.fca" "$tmp/w2" -o "$tmp/r.html" --json "$tmp/report.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "report --baseline exit $rc: $(cat "$tmp/err")"

check() { # json file
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
b = d["baseline"]
def near(x, y): return x is not None and abs(x - y) < 1e-6   # money: 6 decimals
def near4(x, y): return x is not None and abs(x - y) < 5e-5  # percentages: 4 decimals
r = []
t = b["totals"]
r.append(near(t["before_usd"], 2.70) and near(t["after_usd"], 3.15) and near(t["delta_usd"], 0.45) and near4(t["pct"], 0.45 / 2.70 * 100))
r.append(t["before_bytes"] == 30 * 2**30 and t["after_bytes"] == 35 * 2**30)
c = b["by_category"]["internet_egress"]
r.append(near(c["before_usd"], 2.70) and near(c["delta_usd"], 0.45))
r.append(near(b["by_category"]["nat_processing"]["delta_usd"], 0) and b["by_category"]["nat_processing"]["pct"] is None)
ips = b["ips"]
r.append([(i["ip"], i["status"]) for i in ips] == [("10.0.1.5", "changed"), ("10.0.1.6", "vanished"), ("10.0.1.7", "new")])
r.append(near(ips[0]["delta_usd"], 1.80) and near(ips[0]["pct"], 200))
r.append(near(ips[1]["delta_usd"], -1.80) and near(ips[1]["pct"], -100) and near(ips[1]["after_usd"], 0))
r.append(near(ips[2]["delta_usd"], 0.45) and ips[2]["pct"] is None)
r.append(b["nat_gateways"] == [])
r.append(b["period"]["start"] == "2026-10-26T07:33:20Z")
r.append(near(d["totals"]["cost_usd"], 3.15))
bad = [i for i, x in enumerate(r) if not x]
print("ok" if not bad else "failed checks %s: %s" % (bad, json.dumps(b)[:600]))
PY
}
for j in top report; do
  res=$(check "$tmp/$j.json" 2>&1)
  [ "$res" = ok ] && ok || bad "$j JSON baseline: $res"
done
grep -q 'Compared with baseline' "$tmp/r.html" && ok || bad "the report has no baseline section"
# Without --baseline there is no baseline key.
"$bin" top -q --output json "$tmp/w2" | python3 -c 'import json,sys; sys.exit("baseline" in json.load(sys.stdin))' && ok || bad "baseline key without --baseline"

# Deltas in every `top` format.
"$bin" top -q --limit 0 --baseline "$tmp/last-week.fca" "$tmp/w2" >"$tmp/top.txt" 2>"$tmp/err"
grep -q '^change against the baseline (2026-10-26 to 2026-10-26, \$2.70): +\$0.45 (+16.7%)$' "$tmp/top.txt" && ok \
  || bad "table: no total change line: $(cat "$tmp/top.txt")"
grep -E '^1  10\.0\.1\.5 .* \$2\.70 .* \+\$1\.80  \+200\.0% ' "$tmp/top.txt" >/dev/null && ok || bad "table: .5's change: $(cat "$tmp/top.txt")"
grep -E '^2  10\.0\.1\.7 .* \$0\.45 .* \+\$0\.45 +new ' "$tmp/top.txt" >/dev/null && ok || bad "table: .7's change: $(cat "$tmp/top.txt")"
grep -q 'same period' "$tmp/top.txt" && bad "a same-period warning for different weeks" || ok
"$bin" top -q --limit 0 --format csv --baseline "$tmp/last-week.fca" "$tmp/w2" >"$tmp/top.csv" 2>"$tmp/err"
res=$(python3 -c '
import csv, sys
d = {r["ip"]: (r["cost_usd"], r["baseline_cost_usd"], r["delta_usd"]) for r in csv.DictReader(open(sys.argv[1]))}
print(d["10.0.1.5"], d["10.0.1.7"])' "$tmp/top.csv" 2>&1)
[ "$res" = "('2.700000', '0.900000', '1.800000') ('0.450000', '0.000000', '0.450000')" ] && ok || bad "csv deltas: $res"
"$bin" top -q --limit 0 --format html --baseline "$tmp/last-week.fca" "$tmp/w2" >"$tmp/top.html" 2>"$tmp/err"
grep -q '<td class="n">\$2.70</td><td class="n">+\$1.80</td><td class="n">+200.0%</td>' "$tmp/top.html" && ok || bad "html: .5's change"
grep -q 'Change against the baseline (2026-10-26 to 2026-10-26, \$2.70): +\$0.45 (+16.7%)' "$tmp/top.html" && ok || bad "html: no total change"
# The same week as its own baseline: every view says the deltas mean nothing.
"$bin" top -q --baseline "$tmp/last-week.fca" "$tmp/w1" >"$tmp/same.txt" 2>"$tmp/err"
grep -q '^warning: the baseline covers the same period as this run' "$tmp/same.txt" && ok || bad "table: no same-period warning"
"$bin" top -q --format html --baseline "$tmp/last-week.fca" "$tmp/w1" | grep -q 'the baseline covers the same period' && ok \
  || bad "html: no same-period warning"

# The report: the change columns of the top tables, the baseline section's
# period, no empty name column for categories, no "-0.0%", and the
# same-period warning only when the periods overlap.
sec() { python3 -c 'import sys,re; h=open(sys.argv[1]).read(); i=h.index("<section id=\""+sys.argv[2]+"\""); print(h[i:h.index("</section>", i)])' "$@"; }
sec "$tmp/r.html" top-ips >"$tmp/topips.html"
grep -q '<td>10.0.1.5</td>.*<td class="num" data-v="2.700000">\$2.70</td><td class="num" data-v="1.800000">+\$1.80</td><td class="num">+200.0%</td>' "$tmp/topips.html" \
  && ok || bad "report: no change cells for 10.0.1.5 in the top IPs"
grep -q '<td>10.0.1.7</td>.*>+\$0.45</td><td class="num">new</td>' "$tmp/topips.html" && ok || bad "report: 10.0.1.7 is not new"
sec "$tmp/r.html" baseline >"$tmp/base.html"
grep -q 'Total \$2.70 → \$3.15 (+16.7%), against the baseline of 2026-10-26 to 2026-10-26 (UTC)' "$tmp/base.html" && ok \
  || bad "report: baseline lead: $(grep lead "$tmp/base.html")"
grep -q '<th scope="col">category</th><th scope="col" class="num">before</th>' "$tmp/base.html" && ok || bad "report: the category table has a name column"
grep -q 'same period' "$tmp/base.html" && bad "report: same-period warning for different weeks" || ok
"$bin" report -q --baseline "$tmp/last-week.fca" "$tmp/w1" -o "$tmp/same.html" 2>"$tmp/err"
grep -q 'The baseline covers the same period as this report' "$tmp/same.html" && ok || bad "report: no same-period warning"
grep -q -- '-0\.0%' "$tmp/r.html" "$tmp/same.html" && bad "a report shows -0.0%" || ok
# Daily bars over more than 3 days: both weeks in one run span 2026-10-26 to
# 2026-11-02, so day buckets, bars on the two days with records ($2.70, $3.15).
"$bin" report -q "$tmp/w1" "$tmp/w2" -o "$tmp/both.html" 2>"$tmp/err"
sec "$tmp/both.html" over-time >"$tmp/ot.html"
grep -q '<h3>Cost per day by category</h3>' "$tmp/ot.html" && ok || bad "no daily chart over 8 days"
[ "$(grep -o '<g><title>[^<]*</title>' "$tmp/ot.html" | tr '\n' ' ')" = '<g><title>2026-10-26: $2.70</title> <g><title>2026-11-02: $3.15</title> ' ] && ok \
  || bad "daily bars: $(grep -o '<g><title>[^<]*</title>' "$tmp/ot.html" | head -5)"
grep -q '<h3>Cost per hour by category</h3>' "$tmp/r.html" && ok || bad "a one-week-of-one-minute report is not hourly"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
