#!/bin/bash
# top_cli_test: `flowcost top` end to end on the bundled sample (fixtures/sample, v5 logs with the
# EC2 snapshot and the sample's ip-ranges.json): by default the table and the CSV show exactly the
# 50 costliest of its 58 payers, sorted by cost, with names; CSV and JSON round-trip through
# Python's csv and json modules and add up to the total to the cent, --fail-above exits 4 after
# writing, and bad options are usage errors.
# Usage: top_cli_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 TMP=$3
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || { echo "python3 not found"; exit 77; }
rm -rf "$TMP" && mkdir -p "$TMP" || exit 1
S=$SRC/fixtures/sample
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "FAIL - $1"; fail=1; fi; }

# Hand-computed from the sample's plan (docs/sample.md, us-east-1 rates of cost-model.md §3):
#   Internet egress = 111.25 GiB (NAT, edge-proxy, bastion, ALB) + the static fleet, where
#     static-NN (NN = 1..42) sends (57 - NN)/256 GiB: (56 + 55 + ... + 15)/256 = 1491/256
#     = 5.82421875 GiB, so 117.07421875 GiB x 0.09 = 10.5366796875
#   total = nat 282 GiB x 0.045 (12.69) + inter-AZ 369 GiB x 0.02 (7.38)
#         + Internet (10.5366796875) + inter-region 20 x 0.02 (0.40)
#         + regional public 12 x 0.01 (0.12) + interface endpoint 16 x 0.01 (0.16) = 31.2866796875
#   top payer etl-1 10.0.48.7: 152 GiB through nat-b across AZs, 152 x (0.045 + 0.02) = 9.88
#   payers: 15 (every workload but idle spare-1 and free redis-1; the least is the bastion,
#     0.25 x 0.09 = 0.0225), then static-01..static-42 at (57 - NN)/256 x 0.09 (0.0196875 down
#     to 0.0052734375, each below the bastion), then redis-1 at $0 (only same-AZ traffic): 58.
#   The default 50 rows: the 15, then static-01..static-35; row 50 is static-35 at
#     22/256 x 0.09 = 0.00773437...
TOTAL=31.2866796875
PAYERS=58
args=("$S/v5" --eni-snapshot "$S/describe-network-interfaces.xml"
      --eni-snapshot "$S/describe-subnets.xml" --ip-ranges "$S/ip-ranges.json" -q)

# --- the table -----------------------------------------------------------------------------
"$BIN" top "${args[@]}" >"$TMP/table.txt" 2>"$TMP/table.err"
check "top exits 0" $?
"$BIN" top "${args[@]}" --output csv --limit 0 >"$TMP/all.csv" 2>"$TMP/all.err"
check "top --output csv --limit 0 exits 0" $?
"$BIN" top "${args[@]}" --output csv >"$TMP/top50.csv" 2>"$TMP/top50.err"
check "top --output csv (default limit) exits 0" $?
"$PY" - "$TMP/table.txt" "$TMP/all.csv" "$PAYERS" <<'PY'
import csv, re, sys
table, allcsv = open(sys.argv[1]).read().splitlines(), sys.argv[2]
payers = len(list(csv.DictReader(open(allcsv, newline=""))))
want = 50
head = next(i for i, l in enumerate(table) if l.lstrip().startswith("# "))
cols = table[head]
rows = [l for l in table[head + 1:] if re.match(r"\s*\d+\s", l)]
errors = []
if payers != int(sys.argv[3]):
    errors.append(f"{payers} payers in --limit 0, hand-counted {sys.argv[3]}")
if len(rows) != want:
    errors.append(f"{len(rows)} rows, expected exactly {want} (the default limit)")
if not re.search(r"Top %d of %d by ip" % (want, payers), table[0]):
    errors.append("title line: " + table[0])
# Aligned columns: every row as wide as its header's columns allow; cost is right-aligned under COST.
cost_end = cols.index("COST") + len("COST")
costs, names = [], []
for r in rows:
    m = re.search(r"\$([\d,]+\.\d\d)", r)
    if not m or m.end() != cost_end:
        errors.append("cost not right-aligned under COST: " + r)
        continue
    costs.append(float(m.group(1).replace(",", "")))
    name = r[cols.index("NAME"):cols.index("ENI")].strip()
    if not name:
        errors.append("row without a name: " + r)
    names.append(name)
if costs != sorted(costs, reverse=True):
    errors.append("rows not sorted by cost: %r" % costs)
if not rows or not re.match(r"\s*1\s+10\.0\.48\.7\s+etl-1\s", rows[0]) or abs(costs[0] - 9.88) > 0.005:
    errors.append("first row is not etl-1 10.0.48.7 at $9.88: " + (rows[0] if rows else "-"))
if names[15:] != ["static-%02d" % n for n in range(1, 36)]:
    errors.append("rows 16..50 are not static-01..static-35: %r" % names[15:])
# static-01: 56/256 x 0.09 = 0.0197 -> $0.02; static-35: 22/256 x 0.09 = 0.0077 -> $0.01
if costs[15:16] != [0.02] or costs[-1:] != [0.01]:
    errors.append("rows 16 and 50 should show $0.02 and $0.01: %r" % costs[15:])
if "total $31.29" not in table[0]:
    errors.append("title lacks the total $31.29: " + table[0])
print("\n".join(errors) or f"table: {len(rows)} of {payers} rows sorted, named, aligned")
sys.exit(1 if errors else 0)
PY
check "table: exactly 50 of the 58 payers, sorted by cost with names, etl-1 first at \$9.88" $?

# The default CSV: the same 50 rows, each the CSV of --limit 0's first 50, sorted on the 6-decimal
# figures (the table rounds to cents), named, and read back by Python's csv module byte for byte.
"$PY" - "$TMP/top50.csv" "$TMP/all.csv" <<'PY'
import csv, io, sys
raw = open(sys.argv[1], newline="").read()
rows = list(csv.reader(io.StringIO(raw, newline="")))
every = list(csv.reader(open(sys.argv[2], newline="")))
errors = []
head, body = rows[0], rows[1:]
if len(body) != 50:
    errors.append("%d csv rows, expected 50" % len(body))
if body != every[1:51]:
    errors.append("the default CSV is not the first 50 rows of --limit 0")
costs = [float(r[head.index("cost_usd")]) for r in body]
if costs != sorted(costs, reverse=True) or len(set(costs)) != len(costs):
    errors.append("costs not strictly decreasing: %r" % costs)
names = [r[head.index("name")] for r in body]
if not all(names):
    errors.append("rows without a name")
# Hand-computed fleet costs: static-NN pays (57 - NN)/256 GiB x 0.09.
for r in body[15:]:
    n = int(r[head.index("name")].split("-")[1])
    if abs(float(r[head.index("cost_usd")]) - (57 - n) / 256 * 0.09) > 1e-6:
        errors.append("%s costs %s, hand-computed %.6f" % (r[2], r[head.index("cost_usd")], (57 - n) / 256 * 0.09))
if [int(r[0]) for r in body] != list(range(1, 51)):
    errors.append("ranks are not 1..50")
out = io.StringIO(newline="")
csv.writer(out, lineterminator="\r\n").writerows(rows)
if out.getvalue() != raw:
    errors.append("csv module does not write the same bytes back")
print("\n".join(errors) or "default csv: 50 rows, sorted, named, round-trips")
sys.exit(1 if errors else 0)
PY
check "default --output csv: the same 50 rows, sorted by cost, named, round-trips through Python's csv module" $?

# The same on synthetic v5 logs from the benchmark generator (deterministic: fixed seed, ~95
# payers, no snapshot): the default prints exactly 50, sorted by cost (checked on the CSV's
# 6-decimal figures), each with a name (learned from the v5 instance-id).
if [ -x "$SRC/bench/genflows" ]; then
    "$PY" "$SRC/bench/genflows" --records 20000 --format v5 --out "$TMP/gen" --enis 120 --pairs 400 \
        --files 2 --seed 1 >/dev/null 2>&1
    "$BIN" top "$TMP/gen" -q >"$TMP/gen.txt" && "$BIN" top "$TMP/gen" -q --output csv >"$TMP/gen.csv" &&
        "$BIN" top "$TMP/gen" -q --output csv --limit 0 >"$TMP/gen-all.csv" &&
        "$BIN" top "$TMP/gen" -q --output json --limit 0 >"$TMP/gen.json"
    check "top on 20,000 synthetic v5 records exits 0" $?
    "$PY" - "$TMP/gen.txt" "$TMP/gen.csv" "$TMP/gen-all.csv" "$TMP/gen.json" <<'PY'
import csv, json, re, sys
table = open(sys.argv[1]).read().splitlines()
top = list(csv.DictReader(open(sys.argv[2], newline="")))
every = list(csv.DictReader(open(sys.argv[3], newline="")))
total = json.load(open(sys.argv[4]))["totals"]["cost_usd"]
rows = [l for l in table if re.match(r"\s*\d+\s+\d+\.", l)]
costs = [float(r["cost_usd"]) for r in top]
errors = []
if len(every) <= 50:
    errors.append("only %d payers: the test needs more than 50" % len(every))
if len(rows) != 50 or len(top) != 50:
    errors.append("%d table rows and %d csv rows, expected 50" % (len(rows), len(top)))
if costs != sorted(costs, reverse=True) or top != every[:50]:
    errors.append("not the 50 costliest in order")
if any(not r["name"] for r in top):
    errors.append("rows without a name")
if abs(sum(float(r["cost_usd"]) for r in every) - total) >= 0.005:
    errors.append("--limit 0 does not sum to the total")
print("\n".join(errors) or "synthetic: 50 of %d payers, sorted, named" % len(every))
sys.exit(1 if errors else 0)
PY
    check "default top prints exactly 50 rows, the costliest in order, with names" $?
fi

# --- CSV: RFC 4180, round trip through Python's csv module, sums to the total -------------
"$PY" - "$TMP/all.csv" "$TOTAL" <<'PY'
import csv, io, sys
raw = open(sys.argv[1], newline="").read()
total = float(sys.argv[2])
rows = list(csv.reader(io.StringIO(raw, newline="")))
errors = []
if rows[0][:12] != ["rank", "ip", "name", "eni", "kind", "subnet", "vpc", "az", "cost_usd", "bytes", "bytes_out", "bytes_in"]:
    errors.append("header: %r" % rows[0])
if any(len(r) != len(rows[0]) for r in rows):
    errors.append("ragged rows")
out = io.StringIO(newline="")
csv.writer(out, lineterminator="\r\n").writerows(rows)
if out.getvalue() != raw:
    errors.append("csv module does not write the same bytes back")
if not raw.endswith("\r\n") or "\n" in raw.replace("\r\n", ""):
    errors.append("lines must end with CRLF")
s = sum(float(r[8]) for r in rows[1:])
if abs(s - total) >= 0.005:
    errors.append(f"rows sum to {s:.6f}, hand-computed total {total}")
cats = [sum(float(r[i]) for r in rows[1:]) for i in range(12, len(rows[0]))]
if abs(sum(cats) - total) >= 0.005:
    errors.append(f"category columns sum to {sum(cats):.6f}")
print("\n".join(errors) or f"csv: {len(rows) - 1} payers sum to {s:.4f}")
sys.exit(1 if errors else 0)
PY
check "--output csv round-trips through Python's csv module; --limit 0 sums to the total to the cent" $?

# A name with a comma, quotes, a newline and HTML in it must survive CSV and be escaped in HTML.
sed 's#<value>etl-1</value>#<value>etl "one", \&lt;b\&gt;first\&lt;/b\&gt; \&amp; co</value>#' \
    "$S/describe-network-interfaces.xml" >"$TMP/eni-hostile.xml"
hargs=("$S/v5" --eni-snapshot "$TMP/eni-hostile.xml" --eni-snapshot "$S/describe-subnets.xml"
       --ip-ranges "$S/ip-ranges.json" -q)
"$BIN" top "${hargs[@]}" --output csv --limit 3 >"$TMP/hostile.csv"
check "csv with a hostile name exits 0" $?
"$PY" - "$TMP/hostile.csv" <<'PY'
import csv, io, sys
raw = open(sys.argv[1], newline="").read()
rows = list(csv.reader(io.StringIO(raw, newline="")))
name = rows[1][2]
out = io.StringIO(newline="")
csv.writer(out, lineterminator="\r\n").writerows(rows)
ok = name == 'etl "one", <b>first</b> & co' and out.getvalue() == raw and len(rows) == 4
print("csv name read back:", repr(name))
sys.exit(0 if ok else 1)
PY
check "a name with comma and quotes is quoted per RFC 4180 and reads back intact" $?
"$BIN" top "${hargs[@]}" --output html --limit 3 >"$TMP/top.html"
check "--output html exits 0" $?
grep -q 'etl &quot;one&quot;, &lt;b&gt;first&lt;/b&gt; &amp; co' "$TMP/top.html" && ! grep -q '<b>first' "$TMP/top.html" &&
    grep -q '<table>' "$TMP/top.html" && grep -q '</html>' "$TMP/top.html"
check "html output is a self-contained table with the name escaped" $?

# --- JSON -----------------------------------------------------------------------------------
"$BIN" top "${args[@]}" --output json --limit 0 >"$TMP/all.json"
check "--output json exits 0" $?
"$PY" - "$TMP/all.json" "$TMP/all.csv" "$TOTAL" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))
payers = len(list(csv.DictReader(open(sys.argv[2], newline=""))))
total = float(sys.argv[3])
errors = []
for k in ["period", "records", "totals", "top_ips", "nat_gateways", "inter_az", "fixed", "findings",
          "savings_total_monthly_usd"]:
    if k not in d:
        errors.append("missing key " + k)
t = d["totals"]["cost_usd"]
if abs(t - total) >= 0.005:
    errors.append(f"totals.cost_usd {t}, hand-computed {total}")
if len(d["top_ips"]) != payers:
    errors.append(f"{len(d['top_ips'])} top_ips, {payers} payers")
if abs(sum(r["cost_usd"] for r in d["top_ips"]) - t) >= 0.005:
    errors.append("top_ips do not sum to the total")
if abs(sum(c["cost_usd"] for c in d["totals"]["by_category"].values()) - t) >= 0.005:
    errors.append("by_category does not sum to the total")
# Per-payer category bytes count each crossing once, so over all payers they add up to the
# totals' bytes, like the dollars do.
for cat, tc in d["totals"]["by_category"].items():
    if tc["cost_usd"] == 0:
        continue
    s = sum(r["by_category"][cat]["bytes"] for r in d["top_ips"])
    if s != tc["bytes"]:
        errors.append(f"top_ips {cat} bytes sum to {s}, totals say {tc['bytes']}")
r0 = d["top_ips"][0]
# etl-1 moves 152 GiB through a NAT gateway in another AZ: 152 GiB cross AZs, counted once.
if r0["by_category"]["inter_az"]["bytes"] != 152 * 2**30:
    errors.append("etl-1 inter_az bytes %d, hand-computed 152 GiB" % r0["by_category"]["inter_az"]["bytes"])
if (r0["ip"], r0["name"]) != ("10.0.48.7", "etl-1") or abs(r0["cost_usd"] - 9.88) >= 0.005:
    errors.append("first top_ip: %r" % r0)
for k in ["eni", "name", "subnet", "vpc", "az", "kind", "by_category", "bytes"]:
    if k not in r0:
        errors.append("top_ips[0] lacks " + k)
# NAT gateways (docs/sample.md): nat-a (use1-az4) 61.5 GiB x 0.045 = 2.7675,
# nat-b (use1-az6) 220.5 GiB x 0.045 = 9.9225; their clients and far ends add up to them.
want = {"use1-az4": (61.5, 2.7675), "use1-az6": (220.5, 9.9225)}
for g in d["nat_gateways"]:
    gib, usd = want.get(g["az"], (None, None))
    if gib is None or abs(g["bytes"] / 2**30 - gib) > 1e-9 or abs(g["cost_usd"] - usd) >= 0.005:
        errors.append("nat gateway %s: %s GiB $%s" % (g["id"], g["bytes"] / 2**30, g["cost_usd"]))
    for side in ("sources", "destinations"):
        if sum(p["bytes"] for p in g[side]) != g["bytes"] or abs(sum(p["cost_usd"] for p in g[side]) - g["cost_usd"]) >= 0.005:
            errors.append("nat gateway %s: %s do not add up" % (g["id"], side))
if len(d["nat_gateways"]) != 2:
    errors.append("%d nat gateways" % len(d["nat_gateways"]))
print("\n".join(errors) or f"json: {payers} top_ips, total {t}")
sys.exit(1 if errors else 0)
PY
check "--output json: top_ips = every payer summing to the total; NAT gateways and their sources/destinations as hand-priced" $?

# --by peer attributes the same charges to the far ends: they add up to the same total.
"$BIN" top "${args[@]}" --by peer --output csv --limit 0 >"$TMP/peer.csv"
check "--by peer exits 0" $?
"$PY" -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
s = sum(float(r["cost_usd"]) for r in rows)
print("peers:", len(rows), "sum", round(s, 4))
sys.exit(0 if abs(s - float(sys.argv[2])) < 0.005 and rows[0]["peer"] == "S3 us-east-1" else 1)
' "$TMP/peer.csv" "$TOTAL"
check "--by peer rows sum to the total and S3 us-east-1 (the NATed S3 bytes) leads" $?
for by in eni subnet nat; do
    "$BIN" top "${args[@]}" --by $by --limit 5 >"$TMP/by-$by.txt" 2>&1
    check "--by $by exits 0" $?
done

# --- --fail-above: exit 4 after the output, 0 under budget ----------------------------------
"$BIN" top "${args[@]}" --fail-above 31.28 >"$TMP/fail.txt" 2>"$TMP/fail.err"
rc=$?
[ $rc -eq 4 ] && grep -q "etl-1" "$TMP/fail.txt" && grep -q "^flowcost: error: total cost \$31.2867 is above --fail-above \$31.2800$" "$TMP/fail.err"
check "--fail-above 31.28 (< \$31.2867) exits 4 after printing the table (got $rc)" $?
"$BIN" top "${args[@]}" --fail-above 31.29 >/dev/null 2>&1
check "--fail-above 31.29 (> \$31.2867) exits 0" $?

# --- mail: written (here as a .eml) before the budget check; the attachment is the CSV ------
"$BIN" top "${args[@]}" --limit 5 --output csv >"$TMP/five.csv"
"$BIN" top "${args[@]}" --limit 5 --mail-to ops@example.com --mail-from flowcost@example.com \
    --mail-dry-run "$TMP/top.eml" --fail-above 1 >/dev/null 2>"$TMP/mail.err"
rc=$?
[ $rc -eq 4 ] && "$PY" - "$TMP/top.eml" "$TMP/five.csv" <<'PY'
import email, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"))
csvs = [p.get_payload(decode=True) for p in msg.walk() if p.get_content_type() == "text/csv"]
want = open(sys.argv[2], "rb").read()
print("mail to", msg["To"], "with", len(csvs), "CSV attachment(s)")
sys.exit(0 if msg["To"] == "ops@example.com" and csvs == [want] else 1)
PY
check "--mail-to with --fail-above: the mail (dry run) carries the CSV, then exit 4 (got $rc)" $?

# --- --rates reprices: Internet egress at 0.05 instead of 0.09 on 117.07421875 GiB
#     total = 31.2866796875 - 117.07421875 x 0.04 (4.68296875) = 26.6037109375
printf '{"regions": {"us-east-1": {"internet_egress_per_gb": 0.05}}}\n' >"$TMP/rates.json"
"$BIN" top "${args[@]}" --rates "$TMP/rates.json" --output json --limit 0 >"$TMP/rates-out.json"
"$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["totals"]["cost_usd"]; print("repriced total", t); sys.exit(0 if abs(t-26.6037109375)<0.005 else 1)' "$TMP/rates-out.json"
check "--rates with a cheaper Internet rate gives the hand-computed total \$26.6037" $?

# --- usage and runtime errors ----------------------------------------------------------------
"$BIN" top "${args[@]}" --by colour >/dev/null 2>"$TMP/e1"
rc=$?; [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/e1")" -eq 1 ] && grep -q "^flowcost: error: --by must be" "$TMP/e1"
check "--by colour is a usage error (exit 2, one line)" $?
"$BIN" top "${args[@]}" --limit -1 >/dev/null 2>&1
[ $? -eq 2 ]; check "--limit -1 is a usage error" $?
"$BIN" top "${args[@]}" --output xml >/dev/null 2>&1
[ $? -eq 2 ]; check "--output xml is a usage error" $?
"$BIN" top "$TMP/no-such-dir" -q >/dev/null 2>"$TMP/e2"
rc=$?; [ $rc -eq 1 ] && grep -q "no-such-dir" "$TMP/e2"
check "a missing input is a runtime error naming it (exit 1)" $?

exit $fail
