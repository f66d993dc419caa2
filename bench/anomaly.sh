#!/bin/bash
# bench/anomaly.sh — precision and recall of `flowcost report --baseline-dir`
# on six generated weeks (tests/anomaly/gen.py: daily and weekly seasonality,
# spikes, level shifts and new talkers in the last week), for several seeds;
# also what --backtest flags in the five clean weeks and the wall time of
# the anomaly run (every period priced hour by hour).
#
# usage: bench/anomaly.sh [--seeds "19 1 2 3 4"] [--flowcost BIN] [--min-usd USD]
# Default binary: build/flowcost (a Release build: cmake -S . -B build
# -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
SEEDS="19 1 2 3 4"
BIN="$ROOT/build/flowcost"
MIN=5
while [ $# -gt 0 ]; do
    case $1 in
    --seeds) SEEDS=$2; shift 2 ;;
    --flowcost) BIN=$2; shift 2 ;;
    --min-usd) MIN=$2; shift 2 ;;
    *) echo "usage: $0 [--seeds \"19 1 2\"] [--flowcost BIN] [--min-usd USD]" >&2; exit 2 ;;
    esac
done
[ -x "$BIN" ] || { echo "no flowcost at $BIN (build it, or give --flowcost)" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export SOURCE_DATE_EPOCH=1763337600 FLOWCOST_CONFIG=
for s in $SEEDS; do
    D="$W/$s"
    mkdir -p "$D/base"
    python3 "$ROOT/tests/anomaly/gen.py" "$D" "$s"
    for k in 0 1 2 3 4; do "$BIN" aggregate -q "$D/week$k.log" -o "$D/base/week$k.fca"; done
    t0=$(date +%s.%N)
    "$BIN" report -q --eni-snapshot "$D/snapshot.json" --baseline-dir "$D/base" --anomaly-min-usd "$MIN" \
        "$D/week5.log" -o "$D/r.html" --json "$D/r.json"
    t1=$(date +%s.%N)
    "$BIN" report -q --eni-snapshot "$D/snapshot.json" --baseline-dir "$D/base" --anomaly-min-usd "$MIN" \
        --backtest "$D/week5.log" >"$D/bt"
    clean=$(grep -E '/week[0-4]\.fca: ' "$D/bt" | awk '{n += $2} END {print n + 0}')
    printf 'seed %-3s %s; clean weeks flagged %s; report with anomalies %.2f s\n' "$s" \
        "$(python3 "$ROOT/tests/anomaly/score.py" "$D/injected.json" "$D/r.json" --min-recall 0 || true)" "$clean" \
        "$(echo "$t1 - $t0" | bc)"
done
