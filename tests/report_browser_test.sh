#!/usr/bin/env bash
# report_browser_test: the sample account's report opened in headless
# Chromium (driven over the DevTools protocol by tests/browser/check_page.mjs):
# no console errors, no network requests, every section present with the
# expected number of rows, the script's sorting/filtering/unit toggle work,
# and it loads in under 2 s. Measured at 1280 px: the top-IPs total column
# inside the window and its scroll box, no horizontal scroll of the page or
# of any table, every table's "Download CSV" (the Blob the button makes, and
# the page's flowcostTableCSV) equal to the table's cells read here; at
# 1400 px: the cross-AZ graph's smallest text >= 10 px on screen. With a
# dark colour scheme the page is dark and its text light; in print the
# buttons, filters and navigation are hidden and the page is white. The full-page screenshot is kept in the scratch
# directory under the build dir (CI artifact): report-sample.png.
# usage: bash report_browser_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -euo pipefail
BIN=$1 SRC=$2 TMP=$3
if ! command -v chromium >/dev/null 2>&1; then
  echo "skip: chromium is not installed (.ci/run installs it)"
  exit 77
fi
command -v node >/dev/null 2>&1 || { echo "FAIL: node is needed to drive chromium (cmake/deps.sh installs it)"; exit 1; }
rm -rf "$TMP" && mkdir -p "$TMP"
S=$SRC/fixtures/sample
"$BIN" report "$S/v5" --eni-snapshot "$S/describe-network-interfaces.xml" \
  --eni-snapshot "$S/describe-subnets.xml" --ip-ranges "$S/ip-ranges.json" \
  --title "Sample account" --now 2026-11-03T00:00:00Z -q -o "$TMP/sample.html" --json "$TMP/sample.json"

# Interactions, run in the page after load; returns facts for the checks below.
read -r -d '' EXTRA <<'JS' || true
(async () => {
  const out = {};
  out.overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  const t = document.getElementById('top-ips-table');
  const heads = Array.from(t.tHead.rows[0].cells);
  const col = heads.findIndex(h => h.textContent.trim() === 'total');
  const vals = () => Array.from(t.tBodies[0].rows).filter(r => !r.classList.contains('fixed'))
    .map(r => parseFloat(r.cells[col].getAttribute('data-v')));
  heads[col].click();
  out.asc = vals();
  heads[col].click();
  out.desc = vals();
  const f = document.querySelector('input.filter[data-table="outbound-table"]');
  f.value = 'worker-2';
  f.dispatchEvent(new Event('input'));
  const ob = Array.from(document.getElementById('outbound-table').tBodies[0].rows);
  const fixed = r => r.classList.contains('fixed');
  out.filterShown = ob.filter(r => !r.hidden && !fixed(r)).map(r => r.cells[0].textContent);
  out.filterHidden = ob.filter(r => r.hidden).length;
  out.filterFixed = ob.filter(r => !r.hidden && fixed(r)).map(r => r.textContent);
  out.topOther = Array.from(t.tBodies[0].rows).filter(r => r.classList.contains('other')).map(r => r.cells[1].textContent);
  const fig = (sel) => Array.from(document.querySelectorAll(sel)).filter(e => getComputedStyle(e).display !== 'none').length;
  out.bytesShownBefore = fig('figure.by-bytes');
  out.costShownBefore = fig('figure.by-cost');
  document.querySelector('label[for=unit-cost]').click();
  out.bytesShownAfter = fig('figure.by-bytes');
  out.hiddenCells = Array.from(document.querySelectorAll('td, th')).filter(e => getComputedStyle(e).display === 'none').length;
  out.costShownAfter = fig('figure.by-cost');
  out.scanText = document.getElementById('port-scans').innerText;
  out.handlers = document.querySelectorAll('[onload],[onerror],[onclick]').length;
  // The total column: inside the window and not scrolled out of its box.
  const totalTh = heads[col].getBoundingClientRect();
  const box = t.closest('.scroll') ? t.closest('.scroll').getBoundingClientRect() : totalTh;
  out.totalRight = totalTh.right;
  out.totalInBox = totalTh.left >= box.left && totalTh.right <= box.right;
  out.winWidth = window.innerWidth;
  out.scrolledBoxes = Array.from(document.querySelectorAll('main *')).filter(e => {
    const ox = getComputedStyle(e).overflowX;
    return (ox === 'auto' || ox === 'scroll') && e.scrollWidth > e.clientWidth + 1;
  }).map(e => e.id || e.className || e.tagName);
  // Every table: the CSV the button downloads (Blob captured, no real
  // download) against the cells read here, one field per spanned column.
  const blobs = [];
  const origURL = URL.createObjectURL;
  URL.createObjectURL = (b) => { blobs.push(b); return 'blob:captured'; };
  const origClick = HTMLAnchorElement.prototype.click;
  const names = [];
  HTMLAnchorElement.prototype.click = function () { names.push(this.download); };
  out.tables = [];
  for (const tb of document.querySelectorAll('main table')) {
    const want = [];
    for (const tr of tb.querySelectorAll('tr')) {
      const row = [];
      for (const c of tr.children) {
        row.push(c.textContent.split(/\s+/).filter(Boolean).join(' '));
        for (let k = 1; k < c.colSpan; k++) row.push('');
      }
      want.push(row);
    }
    const boxEl = (tb.parentElement.classList.contains('scroll') ? tb.parentElement : tb).nextElementSibling;
    const btn = boxEl && boxEl.classList.contains('csvbox') ? boxEl.querySelector('button') : null;
    let got = null;
    if (btn) { btn.click(); got = await blobs[blobs.length - 1].text(); }
    out.tables.push({ id: tb.id, want, got, fn: window.flowcostTableCSV(tb), name: names[names.length - 1] || null });
  }
  URL.createObjectURL = origURL;
  HTMLAnchorElement.prototype.click = origClick;
  return out;
})()
JS

node --experimental-websocket "$SRC/tests/browser/check_page.mjs" "$TMP/sample.html" "$TMP/report-sample.png" "$EXTRA" > "$TMP/result.json"

python3 - "$TMP/result.json" "$TMP/sample.json" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))
js = json.load(open(sys.argv[2]))
f, x = res["facts"], res["extra"]
fails = []
def check(cond, what):
    if not cond:
        fails.append(what)
check(res["consoleErrors"] == [], "console errors: %r" % res["consoleErrors"])
check(res["requests"] == [], "network requests: %r" % res["requests"])
check(res["dialogs"] == [], "dialogs: %r" % res["dialogs"])
check(f["loadEventMs"] < 2000, "load event at %d ms" % f["loadEventMs"])
check(f["title"] == "Sample account", "title %r" % f["title"])
# No --baseline: sections 1-9 and 11 of report.md, in order.
check(f["sections"] == ["summary", "findings", "nat", "cross-az", "outbound", "top-ips",
                        "topology", "over-time", "security", "method"], "sections %r" % f["sections"])
rows = f["rows"]
check(rows.get("records") == 7, "records rows %r" % rows.get("records"))
check(rows.get("by-category") == 9, "category rows %r" % rows.get("by-category"))
# The sample account (bench/genflows PLAN): two NAT gateways, three AZs, five
# rejected sources (one scanner, three SSH brute-forcers, one RDP probe).
check(rows.get("nat-table") == 2, "NAT rows %r" % rows.get("nat-table"))
check(f["natDetails"] == 2, "NAT detail blocks %r" % f["natDetails"])
check(rows.get("az-matrix") == 3, "AZ matrix rows %r" % rows.get("az-matrix"))
check(f["sankeys"] == 2 * 4 + 2, "sankeys %r" % f["sankeys"])
check(f["heatmaps"] == 2, "heat maps %r" % f["heatmaps"])
check(rows.get("reject-sources") == 5, "rejected sources %r" % rows.get("reject-sources"))
check(rows.get("port-scans") == 1 and "203.0.113.77" in x["scanText"], "port-scan row for 203.0.113.77")
# The HTML and the JSON result agree on who pays. The sample has 58 payers (docs/sample.md: 15,
# the 42-instance static fleet, and redis-1 at $0), more than the default --top 50: the JSON
# holds 50 and the table 50 rows plus one Other row for the last 8 (static-36..static-42, redis-1).
check(len(js["top_ips"]) == 50, "JSON top_ips %r, want 50" % len(js["top_ips"]))
check(rows.get("top-ips-table") == len(js["top_ips"]) + 1,
      "top IP rows %r vs JSON %r + Other" % (rows.get("top-ips-table"), len(js["top_ips"])))
check(f["other"].get("top-ips-table") == 1 and x["topOther"] == ["Other (8 IPs)"],
      "one Other row for 8 IPs expected in the top IPs: %r" % x["topOther"])
check([r["name"] for r in js["top_ips"][15:]] == ["static-%02d" % n for n in range(1, 36)],
      "rows 16..50 should be static-01..static-35")
# Outbound: the fleet's 42 rows (static-NN, IGW, Internet) and at least one row for each of the
# 9 older workloads that send out of the VPC (etl-1, worker-1/2, backup-1, web-1/2/3, edge-proxy,
# bastion) exceed 50, so the table ends with an Other row, which filtering leaves in place.
check(rows.get("outbound-table") == 51 and f["other"].get("outbound-table") == 1,
      "outbound rows %r (Other %r), want 50 + Other" % (rows.get("outbound-table"), f["other"].get("outbound-table")))
sec = {"rejected_sources", "port_scan"}
check(f["findings"] == rows.get("findings-table") == len([k for k in js["findings"] if k["kind"] not in sec]),
      "finding cards %r vs JSON %r" % (f["findings"], len(js["findings"])))
check(f["svgTitles"] == 0, "%d SVGs without a <title>" % f["svgTitles"])
check(f["imgs"] == 0 and f["scripts"] == 2 and not f["pwned"], "unexpected elements")
check(f["filterVisible"], "filter boxes stay hidden with the script on")
check(x["asc"] == sorted(x["asc"]) and len(x["asc"]) == 50, "ascending sort %r" % x["asc"])
check(x["desc"] == sorted(x["desc"], reverse=True), "descending sort %r" % x["desc"])
check(x["filterShown"] and all("worker-2" in s for s in x["filterShown"]) and x["filterHidden"] > 0,
      "filter: %r shown, %r hidden" % (x["filterShown"], x["filterHidden"]))
check(len(x["filterFixed"]) == 1 and "Other" in x["filterFixed"][0], "filter keeps the Other row: %r" % x["filterFixed"])
# Figures with a bytes and a cost version: per NAT gateway outbound and
# inbound Sankeys (2 × 2), the outbound Sankey and the heat map = 6.
check(x["bytesShownBefore"] == 6 and x["costShownBefore"] == 0,
      "bytes view by default: %r bytes, %r cost figures" % (x["bytesShownBefore"], x["costShownBefore"]))
check(x["bytesShownAfter"] == 0 and x["costShownAfter"] == 6, "cost view after toggle")
check(x["hiddenCells"] == 0, "%d table cells hidden by the unit toggle" % x["hiddenCells"])
check(x["handlers"] == 0, "inline event handlers in the page")
check(x["overflow"] <= 0, "page is %d px wider than a 1280 px window" % x["overflow"])
check(x["winWidth"] == 1280 and x["totalRight"] <= 1280 and x["totalInBox"],
      "top-IPs total column ends at %.0f px (window %d, inside its box: %r)" % (x["totalRight"], x["winWidth"], x["totalInBox"]))
check(x["scrolledBoxes"] == [], "horizontal scroll inside the page at 1280 px: %r" % x["scrolledBoxes"])
import csv, io
check(len(x["tables"]) >= 12, "only %d tables" % len(x["tables"]))
for t in x["tables"]:
    name = t["id"] or "(no id)"
    if t["got"] is None:
        fails.append("table %s has no Download CSV button" % name); continue
    got = list(csv.reader(io.StringIO(t["got"], newline="")))
    check(got == t["want"], "CSV of %s differs from its cells: %r vs %r" % (name, got[:3], t["want"][:3]))
    check(t["got"] == t["fn"], "the button's CSV of %s is not flowcostTableCSV's" % name)
    check(t["got"].endswith("\r\n") and "\n" not in t["got"].replace("\r\n", ""), "CSV of %s: CRLF lines" % name)
    check(t["name"] == (t["id"] or t["name"]) + ".csv" if t["id"] else t["name"], "download name %r for %s" % (t["name"], name))
for m in fails:
    print("FAIL:", m)
print("%d tables' CSV checked; top-IPs total column ends at %.0f px" % (len(x["tables"]), x["totalRight"]))
print("load %d ms, %d sections, %d top-IP rows, %d sankeys; screenshot %s" % (
    res["loadMs"], len(f["sections"]), rows.get("top-ips-table", -1), f["sankeys"], "report-sample.png"))
sys.exit(1 if fails else 0)
PY
# The cross-AZ graph at 1400 px: the smallest text as drawn on screen (font
# size x the SVG's scale), over every <text> of the section's graph.
read -r -d '' AZ <<'JS' || true
(() => {
  const texts = Array.from(document.querySelectorAll('#cross-az svg text'))
    .filter(t => !t.closest('svg.sankey') && t.textContent.trim() !== '');
  const px = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
  return { width: window.innerWidth, n: texts.length, min: Math.min(...px) };
})()
JS
node --experimental-websocket "$SRC/tests/browser/check_page.mjs" "$TMP/sample.html" "" "$AZ" 1400 > "$TMP/az.json"
python3 - "$TMP/az.json" <<'PY'
import json, sys
x = json.load(open(sys.argv[1]))["extra"]
print("cross-AZ graph at %d px: %d labels, smallest %.1f px" % (x["width"], x["n"], x["min"]))
if not (x["width"] == 1400 and x["n"] > 0 and x["min"] >= 10):
    print("FAIL: cross-AZ text below 10 px at 1400 px: %r" % x)
    sys.exit(1)
PY

# Dark mode and print: the styles apply (computed colours, hidden controls).
read -r -d '' MEDIA <<'JS' || true
(() => {
  const lum = (c) => { const m = c.match(/\d+(\.\d+)?/g).map(Number); return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; };
  const shown = (sel) => Array.from(document.querySelectorAll(sel)).filter(e => getComputedStyle(e).display !== 'none').length;
  return { bg: lum(getComputedStyle(document.body).backgroundColor), ink: lum(getComputedStyle(document.body).color),
           section: lum(getComputedStyle(document.querySelector('main > section')).backgroundColor),
           buttons: shown('.csvbox'), nav: shown('nav'), filters: shown('.filterbox') };
})()
JS
FC_COLOR_SCHEME=dark node --experimental-websocket "$SRC/tests/browser/check_page.mjs" "$TMP/sample.html" "" "$MEDIA" > "$TMP/dark.json"
FC_MEDIA=print node --experimental-websocket "$SRC/tests/browser/check_page.mjs" "$TMP/sample.html" "" "$MEDIA" > "$TMP/print.json"
python3 - "$TMP/dark.json" "$TMP/print.json" <<'PY'
import json, sys
d, p = (json.load(open(f))["extra"] for f in sys.argv[1:3])
print("dark: body luminance %.2f, text %.2f, sections %.2f; print: body %.2f, %d buttons, %d nav, %d filters shown"
      % (d["bg"], d["ink"], d["section"], p["bg"], p["buttons"], p["nav"], p["filters"]))
fails = []
if not (d["bg"] < 0.2 and d["section"] < 0.2 and d["ink"] > 0.7): fails.append("dark mode: %r" % d)
if not (p["bg"] > 0.95 and p["buttons"] == 0 and p["nav"] == 0 and p["filters"] == 0): fails.append("print: %r" % p)
for f in fails: print("FAIL:", f)
sys.exit(1 if fails else 0)
PY
