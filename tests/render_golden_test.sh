#!/usr/bin/env bash
# render_golden_test: a REFACTORING GUARD for the render layer, not a proof
# that the figures are right. The files under tests/golden/render/ were
# recorded from commit 4d58b9d (before the report became model + templates,
# issue 18) with this script's own commands; the renderers must keep writing
# them byte for byte. The figures inside were checked by hand in
# tests/sample_figures_test.sh (report) and tests/mail_test.sh (mail); this
# test only says that the bytes around them did not move.
#
# Outputs compared (fixed SOURCE_DATE_EPOCH, the README's first command on
# fixtures/sample):
#   report.html.gz, report.json       the golden report and its JSON
#   report-top3.html.gz, .json        --top 3 (every "Other" row), a
#                                     --baseline (section 10, the JSON's
#                                     baseline key) and a title to escape
#   report-nosnap.html.gz             no ENI snapshot, --top 0 (learned-only
#                                     inventory, estimated NAT, every row)
#   top.{table,csv,json,html}         `top` in its four formats
#   top-nat.table, top-nat.html       --by nat (the columns --by ip adds go)
#   top-peer.html, top-subnet.table   v2 logs, --by peer / --by subnet --limit 3
#   top-baseline.json                 `top -o json --baseline`
#   top.eml                           the mail (--mail-dry-run writes it)
# HTML is stored gzip'd (-9n, so re-recording is reproducible; it also keeps
# the pages out of text tools such as `duplicates`).
#
# To re-record after an INTENDED output change: FC_GOLDEN_RECORD=1 bash
# tests/render_golden_test.sh BIN SRC TMP, and say why in the commit.
#
# usage: bash render_golden_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=${1:?flowcost binary}
SRC=${2:?source dir}
TMP=${3:?scratch dir}
G="$SRC/tests/golden/render"
rm -rf "$TMP" && mkdir -p "$TMP"
TMP=$(cd "$TMP" && pwd)
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
# Relative input names, as in the README (the summary prints them).
cd "$SRC" || exit 1
S=fixtures/sample
G=$PWD/tests/golden/render
export SOURCE_DATE_EPOCH=1793750400 # 2026-11-04T00:00:00Z
E=(--eni-snapshot "$S/describe-network-interfaces.xml" --eni-snapshot "$S/describe-subnets.xml"
   --ip-ranges "$S/ip-ranges.json")
fail=0
run() { "$@" >/dev/null 2>"$TMP/err" || { echo "FAIL: exit $? from: $*: $(cat "$TMP/err")" >&2; fail=1; }; }

run "$BIN" report -q "$S/v5" "${E[@]}" --json "$TMP/report.json" -o "$TMP/report.html"
run "$BIN" aggregate -q "$S/v2" -o "$TMP/base.fca"
run "$BIN" report -q "$S/v5" "${E[@]}" --baseline "$TMP/base.fca" --top 3 --title '<b>"Week" & co</b>' \
    --json "$TMP/report-top3.json" -o "$TMP/report-top3.html"
run "$BIN" report -q "$S/v5" --ip-ranges "$S/ip-ranges.json" --top 0 -o "$TMP/report-nosnap.html"
"$BIN" top -q "$S/v2" --by peer -o html >"$TMP/top-peer.html" 2>"$TMP/err" || { echo "FAIL: top --by peer" >&2; fail=1; }
"$BIN" top -q "$S/v2" --by subnet --limit 3 >"$TMP/top-subnet.table" 2>"$TMP/err" || { echo "FAIL: top --by subnet" >&2; fail=1; }
for f in table csv json html; do
    "$BIN" top -q "$S/v5" "${E[@]}" -o $f >"$TMP/top.$f" 2>"$TMP/err" || { echo "FAIL: top -o $f: $(cat "$TMP/err")" >&2; fail=1; }
done
for f in table html; do
    "$BIN" top -q "$S/v5" "${E[@]}" --by nat -o $f >"$TMP/top-nat.$f" 2>"$TMP/err" || { echo "FAIL: top --by nat -o $f" >&2; fail=1; }
done
"$BIN" top -q "$S/v5" "${E[@]}" --limit 4 --baseline "$TMP/base.fca" -o json >"$TMP/top-baseline.json" 2>"$TMP/err" \
    || { echo "FAIL: top --baseline: $(cat "$TMP/err")" >&2; fail=1; }
run "$BIN" top -q "$S/v5" "${E[@]}" --limit 5 --mail-to ops@example.com --mail-to 'FinOps <finops@example.com>' \
    --mail-from 'flowcost CI <ci@example.com>' --mail-dry-run "$TMP/top.eml"
gzip -9n -c "$TMP/report.html" >"$TMP/report.html.gz"
gzip -9n -c "$TMP/report-top3.html" >"$TMP/report-top3.html.gz"
for f in report-nosnap top top-nat top-peer; do gzip -9n -c "$TMP/$f.html" >"$TMP/$f.html.gz"; done

files="report.html report.json report-top3.html report-top3.json report-nosnap.html top.table top.csv top.json
       top.html top-nat.table top-nat.html top-peer.html top-subnet.table top-baseline.json top.eml"
if [ "${FC_GOLDEN_RECORD:-}" = 1 ]; then
    for f in $files; do
        case $f in *.html) cp "$TMP/$f.gz" "$G/$f.gz" ;; *) cp "$TMP/$f" "$G/$f" ;; esac
    done
    echo "recorded into $G"
    exit $fail
fi
for f in $files; do
    want="$G/$f"
    if [ -f "$G/$f.gz" ]; then want="$TMP/want-$f"; gzip -dc "$G/$f.gz" >"$want"; fi
    if ! cmp -s "$want" "$TMP/$f"; then
        echo "FAIL: $f differs from tests/golden/render/$f (first differences):" >&2
        diff "$want" "$TMP/$f" | head -20 >&2
        fail=1
    fi
done
[ $fail -eq 0 ] && echo "render goldens: all $(echo $files | wc -w) outputs byte-identical"
exit $fail
