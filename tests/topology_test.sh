#!/usr/bin/env bash
# `flowcost topology` end to end on the bundled sample (issue 6): the SVG is
# well-formed XML and shows the sample's NAT gateways, its three AZs and the
# Internet; the .dot is accepted by `dot`; the .png is a real PNG of a
# sensible size; output is byte-identical across runs; levels, --top and
# --focus work; bad options fail with the documented exit codes; hostile Name
# tags in the EC2 responses cannot break the SVG or the DOT.
# The expected NAT gateway and AZ ids are read from the fixture's EC2 XML
# (what the snapshot says), not from flowcost's output.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
for tool in xmllint dot python3; do
  command -v $tool >/dev/null || { echo "skip: $tool not installed"; exit 77; }
done
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }
s=$src/fixtures/sample
enis=$s/describe-network-interfaces.xml subnets=$s/describe-subnets.xml
run() { # expected-rc description args...
  local want=$1 what=$2; shift 2
  "$bin" topology "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ $rc -eq "$want" ]; then ok; else bad "$what: exit $rc, expected $want; stderr: $(head -c 400 "$tmp/err")"; fi
}
# Graphviz writes '-' as &#45; in SVG text
esc() { printf '%s' "$1" | sed 's/-/\&#45;/g'; }
common=("$s/v5" --eni-snapshot "$enis" --eni-snapshot "$subnets" --ip-ranges "$s/ip-ranges.json")

# --- the SVG of issue 6 ---
run 0 "sample svg" "${common[@]}" -o "$tmp/topology.svg"
xmllint --noout "$tmp/topology.svg" && ok || bad "sample SVG is not well-formed XML"
head -c 5 "$tmp/topology.svg" | grep -q '<?xml' && ok || bad "standalone SVG lacks its XML prolog"
nats=$(grep -o 'Interface for NAT Gateway nat-[0-9a-f]*' "$enis" | sed 's/.* //' | sort -u)
[ "$(echo "$nats" | wc -w)" -eq 2 ] && ok || bad "fixture should have 2 NAT gateways, has: $nats"
for n in $nats; do
  grep -q "<title>NAT gateway $(esc "$n") " "$tmp/topology.svg" && ok || bad "NAT gateway $n not drawn"
done
azs=$(grep -o '<availabilityZoneId>[^<]*' "$subnets" | sed 's/.*>//' | sort -u)
[ "$(echo "$azs" | wc -w)" -eq 3 ] && ok || bad "fixture should have 3 AZs, has: $azs"
for a in $azs; do
  grep -q "<title>cluster_[0-9]* AZ $(esc "$a") " "$tmp/topology.svg" && ok || bad "AZ $a not drawn as a cluster"
done
grep -q '<title>Internet</title>' "$tmp/topology.svg" && ok || bad "no Internet node"
grep -q '<title>Internet gateway of vpc' "$tmp/topology.svg" && ok || bad "no Internet gateway node"
n_edges=$(grep -c 'class="edge"' "$tmp/topology.svg")
n_edge_titles=$(grep -A1 'class="edge"' "$tmp/topology.svg" | grep -c '<title>')
[ "$n_edges" -gt 10 ] && [ "$n_edges" -eq "$n_edge_titles" ] && ok || bad "edges $n_edges, edge titles $n_edge_titles"

# --- deterministic ---
run 0 "sample svg again" "${common[@]}" -o "$tmp/again.svg"
cmp -s "$tmp/topology.svg" "$tmp/again.svg" && ok || bad "two runs differ"

# --- DOT accepted by dot ---
run 0 "sample dot" "${common[@]}" -o "$tmp/topology.dot"
head -c 16 "$tmp/topology.dot" | grep -q '^graph topology' && ok || bad "not a DOT graph: $(head -c 40 "$tmp/topology.dot")"
dot -Tsvg "$tmp/topology.dot" -o "$tmp/redrawn.svg" 2>"$tmp/dot.err" && ok || bad "dot rejects the .dot: $(head -c 300 "$tmp/dot.err")"
xmllint --noout "$tmp/redrawn.svg" && ok || bad "dot's rendering of our .dot is not XML"

# --- PNG: valid, of a sensible size ---
run 0 "sample png" "${common[@]}" -o "$tmp/topology.png"
python3 - "$tmp/topology.png" <<'EOF' && ok || bad "PNG check failed"
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
assert d[:8] == b'\x89PNG\r\n\x1a\n', 'no PNG signature'
w, h = struct.unpack('>II', d[16:24])
print(f'png: {w} x {h}, {len(d)} bytes')
assert 600 <= w <= 8000 and 400 <= h <= 8000, f'size {w}x{h}'
assert 20_000 < len(d) < 5_000_000, f'{len(d)} bytes'
# walk the chunks: every CRC right, IEND last
i = 8
while i < len(d):
    n, = struct.unpack('>I', d[i:i+4]); t = d[i+4:i+8]
    assert zlib.crc32(d[i+4:i+8+n]) == struct.unpack('>I', d[i+8+n:i+12+n])[0], f'bad CRC in {t}'
    i += 12 + n
    if t == b'IEND': break
assert i == len(d), 'data after IEND'
EOF

# --- levels, --top, --focus ---
for lv in vpc az subnet eni; do
  run 0 "--level $lv" "${common[@]}" --level $lv -o "$tmp/l-$lv.svg"
  xmllint --noout "$tmp/l-$lv.svg" && ok || bad "--level $lv SVG not XML"
done
grep -q '<title>workloads in vpc' "$tmp/l-vpc.svg" && ok || bad "--level vpc has no VPC workload node"
grep -q '<title>workloads in subnet' "$tmp/l-eni.svg" && bad "--level eni still groups by subnet" || ok
run 0 "--top 3" "${common[@]}" --level eni --top 3 -o "$tmp/top3.svg"
grep -q 'Other: ' "$tmp/top3.svg" && ok || bad "--top 3 did not fold the tail into Other"
nat1=$(echo "$nats" | head -1)
run 0 "--focus NAT" "${common[@]}" --focus "$nat1" -o "$tmp/focus.svg"
grep -q "<title>NAT gateway $(esc "$nat1") " "$tmp/focus.svg" && ok || bad "--focus $nat1 lost its NAT"
[ "$(grep -c 'class="edge"' "$tmp/focus.svg")" -lt "$n_edges" ] && ok || bad "--focus did not narrow the graph"
# a workload's Name tag resolves like its address: etl-1 is 10.0.48.7 (docs/sample.md)
run 0 "--focus etl-1" "${common[@]}" --level eni --focus etl-1 -o "$tmp/focus-name.svg"
run 0 "--focus 10.0.48.7" "${common[@]}" --level eni --focus 10.0.48.7 -o "$tmp/focus-ip.svg"
sed 's/ · focus [^<]*//' "$tmp/focus-name.svg" >"$tmp/fn.svg"; sed 's/ · focus [^<]*//' "$tmp/focus-ip.svg" >"$tmp/fi.svg"
cmp -s "$tmp/fn.svg" "$tmp/fi.svg" && ok || bad "--focus etl-1 differs from --focus 10.0.48.7 beyond the title"
[ "$(grep -c 'class="edge"' "$tmp/focus-name.svg")" -lt "$n_edges" ] && ok || bad "--focus etl-1 did not narrow the graph"
run 0 "--min-bytes" "${common[@]}" --min-bytes 10G -o "$tmp/min.svg"
grep -q 'smaller edges\? hidden' "$tmp/min.svg" && ok || bad "--min-bytes 10G hid nothing"

# --- errors ---
run 1 "--focus nothing" "${common[@]}" --focus eni-does-not-exist -o "$tmp/x.svg"
grep -q "^flowcost: error: --focus 'eni-does-not-exist' matches no address, id or workload name in the traffic$" "$tmp/err" \
  && ok || bad "focus message: $(cat "$tmp/err")"
[ ! -e "$tmp/x.svg" ] && ok || bad "a failed run left an output file"
run 2 "--level rack" "${common[@]}" --level rack -o "$tmp/x.svg"
grep -q "unknown level 'rack'" "$tmp/err" && ok || bad "level message: $(cat "$tmp/err")"
run 2 ".jpg" "${common[@]}" -o "$tmp/x.jpg"
grep -q "cannot tell the format of" "$tmp/err" && ok || bad "format message: $(cat "$tmp/err")"
(cd "$tmp" && "$bin" topology "${common[@]}" >/dev/null 2>&1) && [ -s "$tmp/topology.svg" ] && ok || bad "default output topology.svg"

# --- hostile Name tags, XML-escaped in the EC2 responses as AWS would ---
# Each short enough to survive the 40-character label cut; the Name tags
# take them in turn.
python3 - "$enis" "$subnets" "$tmp" <<'EOF'
import sys
enis, subnets, tmp = sys.argv[1:4]
hostile = ['&lt;script&gt;alert(1)&lt;/script&gt;',
           '&quot;&gt;&lt;img src=x onerror=alert(2)&gt;',
           ']]&gt; &lt;/script&gt; --&gt; &lt;!--',
           'C:\\temp\\ &amp;#1; &amp;foo; \\',
           'two&#10;lines&#13;&#9;tab',
           '%node &quot;quoted&quot; end\\']
tag = '<key>Name</key>\n                    <value>'
for src, dst in ((enis, 'enis.xml'), (subnets, 'subnets.xml')):
    parts = open(src, encoding='utf-8').read().split(tag)
    out = parts[0]
    for i, p in enumerate(parts[1:]):
        out += tag + hostile[i % len(hostile)] + p[p.index('</value>'):]
    open(f'{tmp}/{dst}', 'w', encoding='utf-8').write(out)
EOF
grep -q 'onerror' "$tmp/enis.xml" && ok || bad "hostile fixture not built"
for lv in eni subnet; do
  for fmt in svg dot; do
    run 0 "hostile $lv $fmt" "$s/v5" --eni-snapshot "$tmp/enis.xml" --eni-snapshot "$tmp/subnets.xml" \
      --ip-ranges "$s/ip-ranges.json" --level $lv -o "$tmp/h-$lv.$fmt"
  done
  xmllint --noout "$tmp/h-$lv.svg" && ok || bad "hostile $lv: SVG not well-formed"
  grep -q '<script\|<img\|&#1;\|&foo;' "$tmp/h-$lv.svg" && bad "hostile $lv: markup or entity leaked" || ok
  grep -q '&lt;script&gt;' "$tmp/h-$lv.svg" && ok || bad "hostile $lv: the tag text is not shown escaped"
  if [ $lv = eni ]; then # ENI names are drawn at --level eni only
    grep -q 'C:⧵temp⧵ &amp;#1; &amp;foo; ⧵' "$tmp/h-$lv.svg" && ok || bad "hostile: backslash/entity name not shown as text"
    grep -q 'two lines &#160;tab' "$tmp/h-$lv.svg" && ok || bad "hostile: control characters not replaced by spaces"
    grep -q '<title> %node &quot;quoted&quot; end⧵ (eni&#45;' "$tmp/h-$lv.svg" && ok || bad "hostile: '%' name title"
  fi
  dot -Tsvg "$tmp/h-$lv.dot" -o "$tmp/h-$lv.redrawn.svg" 2>"$tmp/dot.err" && ok || bad "hostile $lv: dot rejects the .dot: $(head -c 300 "$tmp/dot.err")"
  xmllint --noout "$tmp/h-$lv.redrawn.svg" && ok || bad "hostile $lv: dot's SVG of our .dot not XML"
done

# --level eni on the sample: prod-public-c holds 15 static-fleet ENIs and more; folded into a grid
# of columns the picture is under 4,500 pt tall (one column per subnet made it 6,343 pt).
run 0 "eni grid" "$s/v5" --eni-snapshot "$s/describe-network-interfaces.xml" --eni-snapshot "$s/describe-subnets.xml" \
  --ip-ranges "$s/ip-ranges.json" --level eni -o "$tmp/grid.svg"
h=$(sed -n 's/^<svg width="[0-9.]*pt" height="\([0-9]*\).*/\1/p' "$tmp/grid.svg")
[ -n "$h" ] && [ "$h" -lt 4500 ] && ok || bad "eni level is ${h}pt tall (want < 4500)"
run 0 "eni grid dot" "$s/v5" --eni-snapshot "$s/describe-network-interfaces.xml" --eni-snapshot "$s/describe-subnets.xml" \
  --ip-ranges "$s/ip-ranges.json" --level eni -o "$tmp/grid.dot"
grep -q 'style=invis' "$tmp/grid.dot" && ok || bad "no grid edges in the eni-level .dot"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
