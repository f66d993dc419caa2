#!/usr/bin/env bash
# reconcile_parquet_test: --cur on Parquet Cost and Usage Reports (issue 19
# part 1). The CSV reports of tests/cur_scenario.py (reconcile_test checks
# their figures by hand) are rewritten as Parquet by DuckDB
# (tests/node/cur_parquet.mjs): CUR 2.0 and legacy CUR, SNAPPY and ZSTD,
# timestamps in ms/us/ns, cost as DOUBLE and as DECIMAL, a map column, a
# .parquet.gz (read whole, as an s3:// object is; plain files by pread).
# Each must give the same JSON `reconciliation` as its CSV (cmp of the
# canonical JSON): the same line items, so the same figures. On the code
# before Parquet CUR, every Parquet run failed ("not read yet").
# usage: bash reconcile_parquet_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=${1:?flowcost binary}
SRC=${2:?source dir}
TMP=${3:?scratch dir}
NODE_DIR="$SRC/tests/node"
if ! command -v node >/dev/null || [ ! -d "$NODE_DIR/node_modules/@duckdb/node-api" ] || ! command -v python3 >/dev/null; then
    # CI runs cmake/deps.sh, which installs them: there a skip would hide a broken set-up
    [ -n "${CI:-}" ] && { echo "FAIL: node or tests/node/node_modules missing (bash cmake/deps.sh installs them)"; exit 1; }
    echo "skip: node, python3 or tests/node/node_modules missing (bash cmake/deps.sh runs npm ci there)"
    exit 77
fi
rm -rf "$TMP" && mkdir -p "$TMP"
python3 "$SRC/tests/cur_scenario.py" "$TMP/sc" || { echo "FAIL: the scenario generator failed"; exit 1; }
S="$TMP/sc"
(cd "$NODE_DIR" && node cur_parquet.mjs "$S" "$TMP/pq") || { echo "FAIL: cur_parquet.mjs failed"; exit 1; }
IN=("$S/logs" --eni-snapshot "$S/snapshot.json" --ip-ranges "$SRC/fixtures/sample/ip-ranges.json" -q)
fail=0
bad() { echo "FAIL: $*"; fail=1; }
# the reconciliation of a --cur run, canonical (sorted keys), in $TMP/NAME.rc
run() {
    local name=$1 cur=$2
    "$BIN" report "${IN[@]}" --cur "$cur" --top 0 --json "$TMP/$name.json" -o "$TMP/$name.html" 2>"$TMP/$name.err" ||
        { bad "report --cur $name exited $?: $(head -c 300 "$TMP/$name.err")"; return; }
    python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["reconciliation"], sys.stdout, sort_keys=True, indent=1)' \
        "$TMP/$name.json" >"$TMP/$name.rc" || bad "$name: no reconciliation in the JSON"
}
run csv_cur2 "$S/cur2"
run csv_legacy "$S/legacy"
# the CSV runs reconcile the scenario (reconcile_test has every figure): not an empty comparison
grep -q '"line_items": 576' "$TMP/csv_cur2.rc" && grep -q '"explained_pct": 89.30' "$TMP/csv_cur2.rc" ||
    bad "the CSV reference is not the scenario's: $(head -c 300 "$TMP/csv_cur2.rc")"
for d in cur2_snappy cur2_zstd legacy_snappy legacy_zstd legacy_gz; do
    run "$d" "$TMP/pq/$d"
    cmp -s "$TMP/csv_${d%%_*}.rc" "$TMP/$d.rc" || bad "$d: the reconciliation differs from the CSV's: $(diff "$TMP/csv_${d%%_*}.rc" "$TMP/$d.rc" | head -5)"
done
# one file instead of a directory
run file "$TMP/pq/cur2_zstd/export-00001.zstd.parquet"
cmp -s "$TMP/csv_cur2.rc" "$TMP/file.rc" || bad "a Parquet file given by name reconciles differently"
# a Parquet file that is not a CUR: one line naming the file and the missing column
"$BIN" report "$SRC/tests/parquet/flows.log" --cur "$SRC/tests/parquet/flows_snappy_v1.parquet" -q -o "$TMP/x.html" 2>"$TMP/e1"; rc=$?
[ $rc -eq 1 ] && grep -q "flows_snappy_v1.parquet: not a Cost and Usage Report: no Parquet column line_item_usage_type" "$TMP/e1" ||
    bad "--cur on a flow-log Parquet file: exit $rc, $(cat "$TMP/e1")"
exit $fail
