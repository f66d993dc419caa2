#!/usr/bin/env bash
# report_determinism_test: the same inputs and --now give the same bytes —
# across runs, thread counts, and --now vs SOURCE_DATE_EPOCH — while a
# different "now" changes only the generated-at stamp.
# usage: bash report_determinism_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -euo pipefail
BIN=$1 SRC=$2 TMP=$3
rm -rf "$TMP" && mkdir -p "$TMP"
S=$SRC/fixtures/sample
run() {
  local out=$1; shift
  "$BIN" report "$S/v5" --eni-snapshot "$S/describe-network-interfaces.xml" \
    --eni-snapshot "$S/describe-subnets.xml" --ip-ranges "$S/ip-ranges.json" -q -o "$out" "$@"
}
NOW=2026-11-05T06:00:00Z
run "$TMP/a.html" --now "$NOW"
run "$TMP/b.html" --now "$NOW"
run "$TMP/c.html" --now "$NOW" --threads 1
run "$TMP/d.html" --now "$NOW" --threads 2
# more than one thread: the page is made beside the graphs, with stand-ins
# where they go (cli/cmd_report.c)
run "$TMP/g.html" --now "$NOW" --threads 8
SOURCE_DATE_EPOCH=1793858400 run "$TMP/e.html"      # = 2026-11-05T06:00:00Z
run "$TMP/f.html" --now 2026-11-06T18:30:00Z
fail=0
for x in b c d e g; do
  if ! cmp -s "$TMP/a.html" "$TMP/$x.html"; then
    echo "FAIL: $x.html differs from a.html"; diff <(tr '>' '\n' < "$TMP/a.html") <(tr '>' '\n' < "$TMP/$x.html") | head -5; fail=1
  fi
done
# A later "now" must show up (it is an input), and only as the time stamps.
if cmp -s "$TMP/a.html" "$TMP/f.html"; then echo "FAIL: --now is not used"; fail=1; fi
if [ "$(sed 's/2026-11-06T18:30:00Z/NOW/g; s/2026-11-06 18:30/NOW/g' "$TMP/f.html" | md5sum)" != \
     "$(sed 's/2026-11-05T06:00:00Z/NOW/g; s/2026-11-05 06:00/NOW/g' "$TMP/a.html" | md5sum)" ]; then
  echo "FAIL: a different --now changed more than the time stamps"; fail=1
fi
[ $fail = 0 ] && echo "deterministic: $(wc -c < "$TMP/a.html") bytes, identical over 6 runs"
exit $fail
