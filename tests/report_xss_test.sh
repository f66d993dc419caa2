#!/usr/bin/env bash
# report_xss_test: hostile strings in the ENI snapshot (Name tags, an ELB
# description), in the input's directory name and in --title must reach the
# page as text and execute nothing. Static checks on the HTML always run;
# the in-browser checks (no dialog, no handler ran, payloads visible as
# text) need chromium and skip only when it is absent.
# usage: bash report_xss_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -euo pipefail
BIN=$1 SRC=$2 TMP=$3
rm -rf "$TMP" && mkdir -p "$TMP"
S=$SRC/fixtures/sample

# Payloads, as the page must show them. In the XML they are entity-encoded
# (that is how EC2 returns them); the parser decodes them back.
P1='<script>window.__pwned=1;alert(1)</script>'
P2='"><img src=x onerror="window.__pwned=1">'
P3=']]></script><svg onload=window.__pwned=1>'
P4='ELB net/ledger-internal/</script><!--<script>window.__pwned=1</script>'
TITLE='</title><script>window.__pwned=1</script> & <!-- "quoted" '"'"'single'"'"
DIRNAME='logs "><svg onload=window.__pwned=1>'
python3 - "$S/describe-network-interfaces.xml" "$TMP/enis.xml" "$P1" "$P2" "$P3" "$P4" <<'PY'
import sys
from xml.sax.saxutils import escape
src, dst, p1, p2, p3, p4 = sys.argv[1:]
x = open(src).read()
def sub(old, new):
    global x
    assert old in x, old
    x = x.replace(old, new, 1)
q = lambda s: escape(s, {'"': "&quot;"})
sub("<value>web-1</value>", "<value>%s</value>" % q(p1))
sub("<value>etl-1</value>", "<value>%s</value>" % q(p2))
sub("<value>worker-2</value>", "<value>%s</value>" % q(p3))
sub("<description>ELB net/ledger-internal/7f3a2b1c9d8e6f50</description>", "<description>%s</description>" % q(p4))
open(dst, "w").write(x)
PY
cp -r "$S/v5" "$TMP/$DIRNAME"
"$BIN" report "$TMP/$DIRNAME" --eni-snapshot "$TMP/enis.xml" --eni-snapshot "$S/describe-subnets.xml" \
  --ip-ranges "$S/ip-ranges.json" --title "$TITLE" --now 2026-11-03T00:00:00Z -q -o "$TMP/xss.html"

# Static: no payload survives as markup; each appears escaped.
python3 - "$TMP/xss.html" "$P1" "$P2" "$P3" "$TITLE" "$DIRNAME" <<'PY'
import html, sys
page = open(sys.argv[1], encoding="utf-8").read()
fails = []
for bad in ["<script>window", "<img", "<svg onload", "onerror=\"window", "<!--<script"]:
    if bad in page:
        fails.append("raw markup %r in the page" % bad)
if page.count("<script") != 2 or page.count("</script>") != 2:
    fails.append("%d <script / %d </script>: only the JSON block and the script may exist" % (page.count("<script"), page.count("</script>")))
for p in sys.argv[2:]:
    if html.escape(p, quote=True).replace("&#x27;", "&#39;") not in page:
        fails.append("payload %r not shown escaped" % p)
if '"title":"\\u003c/title\\u003e\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e \\u0026 \\u003c!-- \\"quoted\\" \'single\'"' not in page:
    fails.append("title not escaped for JSON in <script>")
for m in fails:
    print("FAIL:", m)
sys.exit(1 if fails else 0)
PY

if ! command -v chromium >/dev/null 2>&1; then
  echo "skip: chromium is not installed; static checks passed"
  exit 77
fi
command -v node >/dev/null 2>&1 || { echo "FAIL: node is needed to drive chromium"; exit 1; }
EXTRA='(() => ({ text: document.body.innerText, title: document.title,
  handlers: document.querySelectorAll("[onload],[onerror]").length,
  svgTitleText: Array.from(document.querySelectorAll("svg title")).map(t => t.textContent).join("\n") }))()'
node --experimental-websocket "$SRC/tests/browser/check_page.mjs" "$TMP/xss.html" "$TMP/xss.png" "$EXTRA" > "$TMP/result.json"
python3 - "$TMP/result.json" "$P1" "$P2" "$P3" "$TITLE" "$DIRNAME" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))
f, x = res["facts"], res["extra"]
p1, p2, p3, title, dirname = sys.argv[2:]
fails = []
def check(c, m):
    if not c: fails.append(m)
check(not f["pwned"], "a payload ran (window.__pwned set)")
check(res["dialogs"] == [], "dialogs opened: %r" % res["dialogs"])
check(res["consoleErrors"] == [], "console errors: %r" % res["consoleErrors"])
check(res["requests"] == [], "requests: %r" % res["requests"])
check(f["imgs"] == 0 and f["scripts"] == 2 and x["handlers"] == 0, "injected elements in the DOM")
check(x["title"] == title, "document.title %r" % x["title"])
for p in (p1, p2, p3):
    check(p in x["text"], "payload %r not visible as text" % p)
check(dirname in x["text"], "input name not visible as text")
check(p1 in x["svgTitleText"], "payload not visible in SVG <title>s")
for m in fails:
    print("FAIL:", m)
print("xss: %d checks, %d failed" % (11, len(fails)))
sys.exit(1 if fails else 0)
PY
