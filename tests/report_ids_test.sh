#!/usr/bin/env bash
# Every id in the sample report is unique (two inlined Graphviz graphs and the
# section anchors share one page), and every in-page link (#x) has a target
# that is a <section> or inside the page.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
S=$src/fixtures/sample
"$bin" report -q "$S/v5" --eni-snapshot "$S/describe-network-interfaces.xml" \
  --eni-snapshot "$S/describe-subnets.xml" --ip-ranges "$S/ip-ranges.json" \
  --now 2026-11-03T00:00:00Z -o "$tmp/r.html" || { echo "report failed"; exit 1; }
python3 - "$tmp/r.html" <<'PY'
import collections, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
ids = re.findall(r'\sid="([^"]+)"', html)
dups = [k for k, v in collections.Counter(ids).items() if v > 1]
errors = []
if dups:
    errors.append("duplicate ids: %s" % dups[:10])
for ref in sorted(set(re.findall(r'href="#([^"]+)"', html))):
    if ref not in ids:
        errors.append("link #%s has no target" % ref)
for sec in ["summary", "findings", "nat", "cross-az", "outbound", "top-ips", "topology"]:
    if not re.search(r'<section id="%s"' % re.escape(sec), html):
        errors.append("no <section id=%r>" % sec)
print("\n".join(errors) or "%d ids, all unique; every in-page link resolves" % len(ids))
print("%d passed, %d failed" % (0 if errors else 1, 1 if errors else 0))
sys.exit(1 if errors else 0)
PY
