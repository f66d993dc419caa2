#!/usr/bin/env bash
# anomaly_test: cost anomalies against earlier periods (issue 19, part 2) on
# six generated weeks (tests/anomaly/gen.py: daily and weekly seasonality,
# 3% noise; weeks 0-4 clean, week 5 with 12 spikes, 3 level shifts and 3
# new talkers, each with the key and first hour that must be flagged):
#  1. report --baseline-dir (weeks 0-4 as .fca): recall ≥ 95% of the
#     injections flagged in their first hour (tests/anomaly/score.py), the
#     JSON `anomalies` keys of cli.md, the report's section, exit 5 with
#     --fail-on-anomaly; the app-8 spike of Monday 03:00 (x8, one hour) is
#     one payer row of 1 hour at 2025-11-10T03:00:00Z;
#  2. --backtest: every clean week judged against the other four flags
#     nothing (and --fail-on-anomaly then exits 0);
#  3. top with --baseline given five times: the same anomalies as the
#     directory, in its JSON and as "anomaly:" lines of the mail;
#  4. usage: three earlier periods, or --fail-on-anomaly with one --baseline,
#     exit 2 with one line; without the options there is no `anomalies` key.
# usage: anomaly_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -euo pipefail
BIN=$1 SRC=$2 T=$3
rm -rf "$T" && mkdir -p "$T/base"
export FLOWCOST_CONFIG= SOURCE_DATE_EPOCH=1763337600
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

python3 "$SRC/tests/anomaly/gen.py" "$T" 19
for k in 0 1 2 3 4; do "$BIN" aggregate -q "$T/week$k.log" -o "$T/base/week$k.fca"; done
SNAP=(--eni-snapshot "$T/snapshot.json")

# 1.
set +e
"$BIN" report -q "${SNAP[@]}" --baseline-dir "$T/base" --fail-on-anomaly "$T/week5.log" -o "$T/r.html" \
    --json "$T/r.json" 2>"$T/err1"
rc=$?
set -e
[ $rc -eq 5 ] || fail "--fail-on-anomaly with anomalies exited $rc, expected 5: $(cat "$T/err1")"
grep -q "anomalies found (--fail-on-anomaly)" "$T/err1" || fail "no error line for --fail-on-anomaly: $(cat "$T/err1")"
python3 "$SRC/tests/anomaly/score.py" "$T/injected.json" "$T/r.json" --min-recall 0.95 || fail "recall under 95%"
python3 - "$T/r.json" <<'PY' || fail "the anomalies JSON is not as cli.md says"
import json, sys
a = json.load(open(sys.argv[1]))["anomalies"]
need = {"kind", "key", "hour", "expected_usd", "actual_usd", "score"}
assert a and all(need <= set(x) for x in a), a[:1]
assert {x["kind"] for x in a} <= {"category", "payer", "nat", "az_pair", "new_talker"}
spike = [x for x in a if x["kind"] == "payer" and x["key"] == "10.0.2.108" and x["hour"] == "2025-11-10T03:00:00Z"]
assert len(spike) == 1 and spike[0]["hours"] == 1 and spike[0]["name"] == "app-8", spike
assert spike[0]["actual_usd"] > spike[0]["band_usd"][1] > spike[0]["expected_usd"] > spike[0]["band_usd"][0]
new = {x["key"] for x in a if x["kind"] == "new_talker"}
assert {"10.0.1.109", "10.0.2.110", "203.0.113.50"} <= new, new
PY
grep -q '<section id="anomalies">' "$T/r.html" || fail "the report has no anomalies section"
grep -q 'href="#anomalies"' "$T/r.html" || fail "the report's navigation does not list the anomalies"

# 2.
"$BIN" report -q "${SNAP[@]}" --baseline-dir "$T/base" --backtest --fail-on-anomaly "$T/week5.log" >"$T/bt" 2>"$T/err2" \
    || fail "--backtest over clean weeks exited $?: $(cat "$T/err2")"
[ "$(grep -c '/week[0-4].fca: 0 anomalies$' "$T/bt")" -eq 5 ] || fail "a clean week was flagged: $(grep fca "$T/bt")"
grep -q '^current period: [1-9][0-9]* anomalies$' "$T/bt" || fail "--backtest does not end with the current period"
[ ! -e report.html ] || fail "--backtest wrote a report"

# 3.
BL=()
for k in 0 1 2 3 4; do BL+=(--baseline "$T/base/week$k.fca"); done
"$BIN" top -q "${SNAP[@]}" "${BL[@]}" --format json -o "$T/top.json" --mail-to ops@example.com \
    --mail-from flowcost@example.com --mail-dry-run "$T/mail.eml" "$T/week5.log" 2>"$T/err3" || fail "top exited $?: $(cat "$T/err3")"
python3 - "$T/r.json" "$T/top.json" <<'PY' || fail "top's anomalies differ from the report's"
import json, sys
a, b = (json.load(open(f))["anomalies"] for f in sys.argv[1:])
assert a == b, (len(a), len(b))
PY
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["anomalies"]))' "$T/r.json")
[ "$(grep -c 'anomaly: 2025-' "$T/mail.eml")" -ge "$n" ] || fail "the mail does not carry one line per anomaly ($n)"

# 4.
set +e
"$BIN" report -q "${SNAP[@]}" "${BL[@]:0:6}" "$T/week5.log" -o "$T/x.html" 2>"$T/err4"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$T/err4")" -eq 1 ] && grep -q "at least 4 earlier periods" "$T/err4" \
    || fail "three baselines: exit $rc, $(cat "$T/err4")"
"$BIN" report -q "${SNAP[@]}" --baseline "$T/base/week0.fca" --fail-on-anomaly "$T/week5.log" -o "$T/x.html" 2>"$T/err5"; rc=$?
[ $rc -eq 2 ] || fail "--fail-on-anomaly with one --baseline: exit $rc, $(cat "$T/err5")"
set -e
"$BIN" report -q "${SNAP[@]}" --baseline "$T/base/week4.fca" "$T/week5.log" -o "$T/one.html" --json "$T/one.json"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert "anomalies" not in j and "baseline" in j' "$T/one.json" \
    || fail "one --baseline grew an anomalies key or lost its deltas"
grep -q 'id="anomalies"' "$T/one.html" && fail "one --baseline shows an anomalies section"

[ $fails -eq 0 ] && echo "anomaly_test: all passed" || exit 1
