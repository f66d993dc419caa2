#!/bin/bash
# rates_cli_test: `flowcost rates` prints the effective price table as JSON (us-east-1 equal to
# cost-model.md §3), --region picks one region or says it fell back, --rates overrides read back,
# and a bad rates file is a one-line runtime error naming the file — also from `top`.
# Usage: rates_cli_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 TMP=$3
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || { echo "python3 not found"; exit 77; }
rm -rf "$TMP" && mkdir -p "$TMP" || exit 1
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "FAIL - $1"; fail=1; fi; }

"$BIN" rates >"$TMP/all.json"
check "rates exits 0" $?
"$PY" - "$TMP/all.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
spec = {"nat_per_gb": 0.045, "inter_az_per_gb": 0.01, "internet_egress_per_gb": 0.09,
        "inter_region_per_gb": 0.02, "interface_endpoint_per_gb": 0.01, "transit_gateway_per_gb": 0.02,
        "regional_public_per_gb": 0.01, "nat_per_hour": 0.045, "interface_endpoint_per_az_hour": 0.01}
need = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1",
        "ap-southeast-1", "ap-northeast-1", "sa-east-1"]
ok = d["source"] == "embedded" and d["regions"]["us-east-1"] == spec and all(r in d["regions"] for r in need)
ok = ok and list(d["regions"]) == sorted(d["regions"])
sys.exit(0 if ok else 1)
PY
check "us-east-1 is cost-model.md §3 exactly; the nine regions are present, sorted" $?

"$BIN" rates --region eu-west-1 >"$TMP/eu.json"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if list(d["regions"])==["eu-west-1"] and d["fallback"] is False and d["regions"]["eu-west-1"]["nat_per_gb"]==0.048 else 1)' "$TMP/eu.json"
check "--region eu-west-1 prints that region only" $?
"$BIN" rates --region xx-nowhere-1 >"$TMP/xx.json" 2>"$TMP/xx.err"
rc=$?
[ $rc -eq 0 ] && grep -q "warning: no rates for region 'xx-nowhere-1'" "$TMP/xx.err" &&
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["fallback"] and d["fallback_region"]=="us-east-1" and d["regions"]["xx-nowhere-1"]["internet_egress_per_gb"]==0.09 else 1)' "$TMP/xx.json"
check "an unknown region falls back to us-east-1 and says so" $?

printf '{"regions": {"us-east-1": {"internet_egress_per_gb": 0.05}}}\n' >"$TMP/over.json"
"$BIN" rates --rates "$TMP/over.json" --region us-east-1 >"$TMP/over.out"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["regions"]["us-east-1"]; sys.exit(0 if r["internet_egress_per_gb"]==0.05 and r["nat_per_gb"]==0.045 and d["source"].endswith("over.json") else 1)' "$TMP/over.out"
check "--rates overrides one figure and keeps the others" $?
"$BIN" rates --rates "$TMP/all.json" >"$TMP/again.json" && "$PY" -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sys.exit(0 if a["regions"] == b["regions"] else 1)' "$TMP/all.json" "$TMP/again.json"
check "the output of 'flowcost rates' reads back as a rates file" $?

printf '{"regions": {"us-east-1": {"nat_per_gib": 1}}}\n' >"$TMP/bad.json"
"$BIN" rates --rates "$TMP/bad.json" >/dev/null 2>"$TMP/bad.err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$TMP/bad.err")" -eq 1 ] && grep -q "bad.json: unknown key regions.us-east-1.nat_per_gib" "$TMP/bad.err"
check "an unknown key is a one-line error naming the file (exit 1, got $rc)" $?
S=$SRC/fixtures/sample
"$BIN" top "$S/v5" --rates "$TMP/bad.json" -q >/dev/null 2>"$TMP/bad2.err"
rc=$?; [ $rc -eq 1 ] && grep -q "bad.json" "$TMP/bad2.err"
check "top with a bad --rates file fails the same way" $?
"$BIN" rates --region a --region b >/dev/null 2>&1
[ $? -eq 2 ]; check "two --region are a usage error" $?
exit $fail
