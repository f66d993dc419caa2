#!/usr/bin/env bash
# ipranges_bundled_test: the bundled ip-ranges copy (AWS's whole file of
# 2026-08-22, docs/ip-ranges.md) prices the sample's v2 logs, which carry no
# pkt-*-aws-service fields, like the sample's own ip-ranges.json does. With
# the 2017 subset it replaced, four addresses were Internet (docs/ip-ranges.md,
# "What moved on the sample"): 3.5.16.201 (3.5.0.0/19 S3), 52.46.130.17 and
# 52.46.140.201 (52.46.128.0/19 AMAZON), 3.91.22.7 (3.80.0.0/12 EC2), all
# us-east-1, and the total was $33.304086:
#   Internet egress at $0.09/GiB on 0.74897 + 20 + 3 GiB sent to them
#   = 0.067407 + 1.80 + 0.27, less the 12 GiB × $0.01 regional public that
#   3.91.22.7 costs as EC2 = 0.12: $2.017407 more than the sample's hand
#   figure $31.2866796875 (tests/sample_figures_test.sh, docs/sample.md).
# usage: bash ipranges_bundled_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 T=$3
S=$SRC/fixtures/sample
rm -rf "$T" && mkdir -p "$T"
export XDG_CACHE_HOME=$T/empty-cache
"$BIN" top "$S/v2" --eni-snapshot "$S/describe-network-interfaces.xml" --eni-snapshot "$S/describe-subnets.xml" \
    --by peer --limit 0 --format json -v >"$T/top.json" 2>"$T/top.err" || { cat "$T/top.err"; echo "FAIL: top exited $?"; exit 1; }
grep -qF 'flowcost: ip-ranges: bundled (syncToken 1787433425, createDate 2026-08-22-21-17-05)' "$T/top.err" \
    || { grep ip-ranges "$T/top.err"; echo "FAIL: not the bundled 2026-08-22 copy"; exit 1; }
python3 - "$T/top.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
fails = []
total = d["totals"]["cost_usd"]
if abs(total - 31.2866796875) > 1e-5:
    fails.append("total $%.6f, want $31.286680 (the 2017 subset gave $33.304086)" % total)
peers = {r.get("peer") or r.get("ip") or r.get("key"): r for r in d["top_ips"]}
for addr in ("3.5.16.201", "52.46.130.17", "52.46.140.201", "3.91.22.7"):
    if addr in peers:
        fails.append("%s is still a peer of its own (Internet)" % addr)
for name in ("S3 us-east-1", "AMAZON us-east-1", "EC2 us-east-1"):
    if name not in peers:
        fails.append("no peer '%s' (rows: %s)" % (name, sorted(peers)[:12]))
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PY
